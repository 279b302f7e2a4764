//! The cache of checks an artifact gets against files beside it that are not OpenPGP
//! (Sigstore bundles, minisign signatures): each record is keyed by the artifact's and
//! those files' stats and by a hash of what they were checked against (the trusted
//! root, the project's keys), and holds the outcome. One format, two kinds of check.

use super::cache;
use crate::model::signature::{Check, Outcome};
use crate::model::tree::Stat;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// The key of a cached check: the artifact, its signature files, and what they were
/// checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub artifact: Stat,
    pub files: Vec<Stat>,
    pub against: [u8; 32],
}

/// The records of the cache at `path` (of `kind`, for the tree at `root`), by artifact;
/// empty when there is none or it does not read.
pub fn load(path: Option<&Path>, kind: &str, root: &Path) -> HashMap<String, (Key, Check)> {
    path.and_then(|p| cache::load(p, kind, root)).map_or_else(HashMap::new, |b| parse(&b))
}

fn parse(body: &[u8]) -> HashMap<String, (Key, Check)> {
    fn read(body: &[u8]) -> Option<HashMap<String, (Key, Check)>> {
        let mut r = cache::reader(body);
        let mut out = HashMap::new();
        for _ in 0..r.u64()? {
            let rel = r.str()?.to_string();
            let artifact = r.stat()?;
            let files = (0..r.u64()?).map(|_| r.stat()).collect::<Option<Vec<_>>>()?;
            let against = r.raw(32)?.try_into().ok()?;
            let outcome = Outcome::parse(r.str()?)?;
            let opt = |s: &str| (!s.is_empty()).then(|| Arc::from(s));
            let fingerprint = opt(r.str()?);
            let user_id = opt(r.str()?);
            let signed_at = Some(r.i64()?).filter(|t| *t != i64::MIN);
            let detail: Box<str> = r.str()?.into();
            out.insert(
                rel,
                (Key { artifact, files, against }, Check { outcome, fingerprint, user_id, signed_at, detail }),
            );
        }
        r.is_empty().then_some(out)
    }
    read(body).unwrap_or_default()
}

/// Writes the records of this build (through the cache writer, off the build's path).
pub fn store(writes: &mut cache::CacheWrites, path: &Path, kind: &str, root: &Path, entries: &[(String, Key, Check)]) {
    let mut w = cache::Writer::with_capacity(entries.len() * 400);
    w.u64(entries.len() as u64);
    for (rel, key, check) in entries {
        w.bytes(rel.as_bytes());
        w.stat(&key.artifact);
        w.u64(key.files.len() as u64);
        for s in &key.files {
            w.stat(s);
        }
        w.raw(&key.against);
        w.bytes(check.outcome.as_str().as_bytes());
        w.bytes(check.fingerprint.as_deref().unwrap_or("").as_bytes());
        w.bytes(check.user_id.as_deref().unwrap_or("").as_bytes());
        w.i64(check.signed_at.unwrap_or(i64::MIN));
        w.bytes(check.detail.as_bytes());
    }
    writes.store(path, kind, root, w);
}

/// Puts each check (fresh or cached, by the artifact's index in `Tree::artifacts`) on
/// its artifact with `set`, and stores them all as this build's records of `kind`.
pub fn record(
    tree: &mut crate::model::tree::Tree,
    mut by_index: HashMap<usize, (Key, Check)>,
    set: &mut dyn FnMut(&mut crate::model::tree::Artifact, Check),
    writes: &mut cache::CacheWrites,
    path: Option<&Path>,
    kind: &str,
) {
    let mut entries = Vec::new();
    for (i, a) in tree.artifacts_mut().enumerate() {
        if let Some((key, check)) = by_index.remove(&i) {
            set(a, check.clone());
            entries.push((a.file.rel.to_string(), key, check));
        }
    }
    if let Some(path) = path {
        store(writes, path, kind, &tree.root, &entries);
    }
}
