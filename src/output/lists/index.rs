//! Deciding the signed release index (`zzz/index`, [`crate::model::index`]): kept byte
//! for byte while it says what the lists say and is less than half through its
//! validity, made anew (serial up, new expiry) otherwise, so that a cron'd build keeps
//! it fresh and a rebuild with nothing changed writes nothing.

use crate::check::pgp::SigningKey;
use crate::model::index::{self, Index};
use anyhow::Result;
use std::path::Path;

/// What a build needs to know to decide the index.
pub struct IndexInputs<'a> {
    pub key: &'a SigningKey,
    pub now: i64,
    pub valid_for: i64,
    pub host: &'a str,
}

/// The index on disk, if it parses.
pub fn read(root: &Path) -> Option<Index> {
    let bytes = crate::util::fs::read_optional(&root.join(index::PATH)).ok()??;
    Index::parse(std::str::from_utf8(&bytes).ok()?).ok()
}

/// Whether the index on disk must be made again even though no list changed: missing,
/// unreadable, signed by other keys, or past half its validity.
pub fn due(root: &Path, inputs: &IndexInputs) -> bool {
    read(root).is_none_or(|old| renew(&old, root, inputs))
}

/// Whether `old` must be signed anew: other keys, past half its validity, or unsigned.
fn renew(old: &Index, root: &Path, inputs: &IndexInputs) -> bool {
    old.keys != inputs.key.fingerprints()
        || old.due(inputs.now, inputs.valid_for)
        || !root.join(index::SIGNATURE).exists()
}

/// The index text to write for `lists` at `stamp`, or `None` when the one on disk
/// already says exactly that and is not due.
pub fn decide(root: &Path, inputs: &IndexInputs, stamp: i64, mut hashes: Vec<(String, String)>) -> Option<String> {
    hashes.sort();
    let old = read(root);
    let keys = inputs.key.fingerprints();
    if let Some(old) = &old
        && old.stamp == stamp
        && old.host == inputs.host
        && old.lists == hashes
        && !renew(old, root, inputs)
    {
        return None;
    }
    let serial = old.map_or(0, |o| o.serial + 1).max(inputs.now.max(0) as u64);
    let made = inputs.now;
    let ix = Index {
        serial,
        made,
        expires: made + inputs.valid_for,
        stamp,
        host: inputs.host.to_string(),
        keys,
        lists: hashes,
    };
    Some(ix.render())
}

/// Writes the index and its signature (signature first: a reader that sees the new
/// index sees its signature).
pub fn write(root: &Path, key: &SigningKey, text: &str) -> Result<()> {
    let sig = key.sign_detached(&mut text.as_bytes())?;
    crate::util::fs::write_atomic(&root.join(index::SIGNATURE), &sig)?;
    crate::util::fs::write_atomic(&root.join(index::PATH), text.as_bytes())
}

/// Removes an index a build without a site key no longer makes (it would expire, and
/// mirrors that check it would then refuse the tree).
pub fn remove(root: &Path) -> Result<()> {
    crate::util::fs::remove_file(&root.join(index::PATH))?;
    crate::util::fs::remove_file(&root.join(index::SIGNATURE))
}
