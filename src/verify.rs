//! The signature stage: every artifact's `.asc` is checked against its project's KEYS,
//! in parallel, and the outcome is stored on the artifact as data. Whether an outcome
//! stops the build is the plan's decision, not this stage's. Results are cached like
//! digests: an unchanged artifact with an unchanged `.asc` and unchanged KEYS is not
//! checked again.

use crate::cache;
use crate::digest::HashStates;
use crate::pgp::{self, Check, Outcome};
use crate::problem::{Problem, Problems};
use crate::scan::{Stat, Tree};
use anyhow::Result;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

const CACHE_KIND: &str = "signatures v1";

/// What the verify stage did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub checked: u64,
    pub cached: u64,
}

/// The key of a cached check: everything whose change must trigger a new check.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    artifact: Stat,
    asc: Stat,
    keys: [u8; 32],
}

fn put_stat(w: &mut cache::Writer, s: &Stat) {
    w.u64(s.size);
    w.i64(s.mtime);
    w.i64(s.mtime_ns);
    w.i64(s.ctime);
    w.i64(s.ctime_ns);
    w.u64(s.ino);
}

fn get_stat(r: &mut cache::Reader) -> Option<Stat> {
    Some(Stat {
        size: r.u64()?,
        mtime: r.i64()?,
        mtime_ns: r.i64()?,
        ctime: r.i64()?,
        ctime_ns: r.i64()?,
        ino: r.u64()?,
    })
}

fn opt_str(r: &mut cache::Reader) -> Option<Option<String>> {
    let s = r.str()?;
    Some((!s.is_empty()).then(|| s.to_string()))
}

fn parse_cache(body: &[u8]) -> Option<HashMap<String, (Key, Check)>> {
    let mut r = cache::reader(body);
    let n = r.u64()?;
    let mut map = HashMap::with_capacity(n.min(10_000_000) as usize);
    for _ in 0..n {
        let rel = r.str()?.to_string();
        let key = Key { artifact: get_stat(&mut r)?, asc: get_stat(&mut r)?, keys: r.raw(32)?.try_into().ok()? };
        let outcome = Outcome::parse(r.str()?)?;
        let fingerprint = opt_str(&mut r)?;
        let user_id = opt_str(&mut r)?;
        let signed_at = match r.u64()? {
            0 => None,
            _ => Some(r.i64()?),
        };
        let detail = r.str()?.to_string();
        map.insert(rel, (key, Check { outcome, fingerprint, user_id, signed_at, detail }));
    }
    r.is_empty().then_some(map)
}

fn store_cache(path: &Path, root: &Path, entries: &[(&str, &Key, &Check)]) -> Result<()> {
    let mut w = cache::Writer::default();
    w.u64(entries.len() as u64);
    for (rel, key, check) in entries {
        w.bytes(rel.as_bytes());
        put_stat(&mut w, &key.artifact);
        put_stat(&mut w, &key.asc);
        w.raw(&key.keys);
        w.bytes(check.outcome.as_str().as_bytes());
        w.bytes(check.fingerprint.as_deref().unwrap_or("").as_bytes());
        w.bytes(check.user_id.as_deref().unwrap_or("").as_bytes());
        match check.signed_at {
            None => w.u64(0),
            Some(t) => {
                w.u64(1);
                w.i64(t);
            }
        }
        w.bytes(check.detail.as_bytes());
    }
    cache::store(path, CACHE_KIND, root, w)
}

/// `CLOSER_VERIFY_STREAM=1` forces every check through sequoia's streaming verifier
/// (the tests compare both paths).
fn stream_only() -> bool {
    std::env::var_os("CLOSER_VERIFY_STREAM").is_some()
}

/// Checks every artifact's signature and stores the outcome on it. KEYS files that
/// cannot be read are problems; outcomes are not.
pub fn verify(mut tree: Tree, states: &HashStates, cache_path: Option<&Path>) -> Result<(Tree, Problems, Stats)> {
    let mut problems = Problems::default();
    let mut stats = Stats::default();

    // KEYS of every project: certificates and a hash of the file's bytes.
    let mut keys: HashMap<String, (Vec<sequoia_openpgp::Cert>, [u8; 32])> = HashMap::new();
    for p in tree.projects.values() {
        let (certs, hash) = match &p.keys {
            None => {
                problems.push(
                    Problem::new(
                        tree.root.join(&p.name).display().to_string(),
                        "has no KEYS file, so no signature can be checked",
                    )
                    .hint(format!(
                        "gpg --armor --export YOUR-FPR > {}",
                        tree.root.join(&p.name).join("KEYS").display()
                    )),
                );
                (Vec::new(), [0; 32])
            }
            Some(k) => {
                let path = tree.root.join(&k.rel);
                let bytes = crate::fs::read(&path)?;
                let hash: [u8; 32] = Sha256::digest(&bytes).into();
                let text = String::from_utf8_lossy(&bytes);
                match pgp::parse_keys(&text, &path) {
                    Ok(certs) => (certs, hash),
                    Err(problem) => {
                        problems.push(problem);
                        (Vec::new(), hash)
                    }
                }
            }
        };
        keys.insert(p.name.clone(), (certs, hash));
    }

    let body = cache_path.filter(|p| p.exists()).and_then(|p| cache::load(p, CACHE_KIND, &tree.root));
    let mut cached = body.as_deref().and_then(parse_cache).unwrap_or_default();

    // What needs a real check.
    let mut todo: Vec<(String, String, String, Key)> = Vec::new(); // (project, artifact rel, asc rel, key)
    let mut done: HashMap<String, (Key, Check)> = HashMap::new();
    for p in tree.projects.values() {
        let hash = keys[&p.name].1;
        for r in &p.releases {
            for a in &r.artifacts {
                let Some(asc) = &a.asc else { continue };
                let key = Key { artifact: a.file.stat, asc: asc.stat, keys: hash };
                match cached.remove(&a.file.rel) {
                    Some((k, check)) if k == key => {
                        stats.cached += 1;
                        done.insert(a.file.rel.clone(), (k, check));
                    }
                    _ => todo.push((p.name.clone(), a.file.rel.clone(), asc.rel.clone(), key)),
                }
            }
        }
    }
    drop(cached);

    let root = tree.root.clone();
    let checked: Vec<Result<(String, Key, Check)>> = todo
        .into_par_iter()
        .map(|(project, rel, asc_rel, key)| {
            let sig = crate::fs::read(&root.join(&asc_rel))?;
            let certs = &keys[&project].0;
            // A file hashed in this run is not read again: its hash states are finished
            // with the signature's trailer. Anything unusual takes the streaming path.
            let fast = if stream_only() {
                None
            } else {
                states.get(&rel).and_then(|s| pgp::verify_with_state(certs, &sig, s))
            };
            let check = match fast {
                Some(c) => c,
                None => pgp::verify_detached(certs, &sig, &root.join(&rel))?,
            };
            Ok((rel, key, check))
        })
        .collect();
    let changed = !checked.is_empty();
    for c in checked {
        let (rel, key, check) = c?;
        stats.checked += 1;
        done.insert(rel, (key, check));
    }

    for p in tree.projects.values_mut() {
        for r in &mut p.releases {
            for a in &mut r.artifacts {
                a.signature = Some(match done.get(&a.file.rel) {
                    Some((_, check)) if a.asc.is_some() => check.clone(),
                    _ => Check::missing(),
                });
            }
        }
    }

    if let Some(path) = cache_path
        && (changed || body.is_none())
    {
        let mut entries: Vec<(&str, &Key, &Check)> = done.iter().map(|(rel, (k, c))| (rel.as_str(), k, c)).collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        store_cache(path, &tree.root, &entries)?;
    }
    Ok((tree, problems, stats))
}

/// Groups a fingerprint in blocks of four, the way gpg prints it.
pub fn spaced_fingerprint(fpr: &str) -> String {
    let chunks: Vec<&str> = fpr.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or("")).collect();
    if chunks.len() == 10 { format!("{}  {}", chunks[..5].join(" "), chunks[5..].join(" ")) } else { chunks.join(" ") }
}
