//! Keys a release brings with it (Mozilla's `KEY` in each release directory, in a project
//! with no KEYS of its own) vouch for their release only as far as the release before it
//! knew them. A release signed by a key its predecessor's KEY does not hold is a problem:
//! else whoever could upload a release could sign it with a key of their own, and its
//! `KEY` beside it would make the signature good.

use crate::model::signature::Outcome;
use crate::model::tree::{Project, Release, Tree};
use crate::util::problem::{Problem, Problems};
use std::collections::{BTreeSet, HashMap};

/// Says, for each project whose releases bring their own keys, which release is signed by
/// a key the release before it did not name.
pub fn check(tree: &Tree, problems: &mut Problems) {
    // Most releases bring the same key file (every Firefox release one `KEY`): read once.
    let mut memo: HashMap<Vec<u8>, BTreeSet<String>> = HashMap::new();
    for p in tree.projects.values().filter(|p| p.keys.is_none()) {
        let mut own: Vec<&Release> = p.releases.iter().filter(|r| own_keys(p, r).is_some()).collect();
        own.sort_by(|a, b| crate::util::version::compare(&a.version, &b.version));
        for pair in own.windows(2) {
            let (before, r) = (pair[0], pair[1]);
            let signers: BTreeSet<&str> = r
                .artifacts
                .iter()
                .filter_map(|a| a.signature.as_ref())
                .filter(|c| c.outcome == Outcome::Good)
                .filter_map(|c| c.fingerprint.as_deref())
                .collect();
            if signers.is_empty() {
                continue;
            }
            let known = fingerprints(tree, p, before, &mut memo);
            let strangers: BTreeSet<&str> = signers.into_iter().filter(|f| !known.contains(*f)).collect();
            let Some(first) = strangers.first() else { continue };
            let keys = own_keys(p, r).map_or(String::new(), |k| k.rel.to_string());
            problems.push(
                Problem::new(
                    tree.root.join(&*r.dir.rel).display().to_string(),
                    format!(
                        "release {} {} is signed by key {first}, which only its own {keys} names: the release before \
                         it ({}) does not name that key, and a key a release brings vouches for nothing by itself",
                        p.name, r.version, before.version
                    ),
                )
                .hint(format!(
                    "if {} changed its signing key, keep a KEYS at the project's top (dist/{}/KEYS) holding the old \
                     and the new key: closer then checks every release against it; else {} was not signed by the \
                     project: take it down",
                    p.name, p.name, r.version
                )),
            );
        }
    }
}

/// The KEYS a release brought with it, when the project reads its keys from there.
fn own_keys<'a>(p: &'a Project, r: &Release) -> Option<&'a crate::model::tree::FileRef> {
    let id = r.id();
    (r.keys.as_deref() == Some(id.as_str())).then(|| p.line_keys.iter().find(|(l, _)| *l == id).map(|(_, k)| k))?
}

/// The fingerprints of the keys (primary) a release's own KEYS holds; none when it cannot
/// be read (its own problem says so).
fn fingerprints<'m>(
    tree: &Tree,
    p: &Project,
    r: &Release,
    memo: &'m mut HashMap<Vec<u8>, BTreeSet<String>>,
) -> &'m BTreeSet<String> {
    let path = own_keys(p, r).map(|k| tree.root.join(&*k.rel));
    let bytes = path.as_ref().and_then(|p| crate::util::fs::read(p).ok()).unwrap_or_default();
    memo.entry(bytes).or_insert_with_key(|bytes| match &path {
        Some(path) if !bytes.is_empty() => {
            super::pgp::usable_keys(bytes, path).iter().map(|c| c.fingerprint().to_hex()).collect()
        }
        _ => BTreeSet::new(),
    })
}
