//! A large cache kept as its base and a journal of the records added since. A build
//! that hashed one new release of a million files writes a few kilobytes beside the
//! 240 MB digest cache, not the whole cache again (nor holds its body in memory while a
//! thread writes it). The journal names its base by the base's seal, so a journal left
//! beside another base is never read; when it grows past an eighth of the base, or the
//! base holds many records of files that are gone, the cache is written whole again.

use super::cache::{CacheWrites, Writer};
use super::cache_stream::{self, Stream};
use std::path::{Path, PathBuf};

/// A journal this small is kept whatever the size of its base.
const SMALL: usize = 4 << 10;

/// Where the journal of the cache at `base` is.
pub fn path(base: &Path) -> PathBuf {
    let name = base.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    base.with_file_name(format!("{name}.journal"))
}

fn kind(kind: &str) -> String {
    format!("{kind} journal")
}

/// Opens the journal of the base sealed `seal`, positioned where its records start (as
/// the base's: a count, then the records); `None` when there is none for that base.
pub fn open(base: &Path, of_kind: &str, root: &Path, seal: &[u8; 32]) -> Option<Stream> {
    let at = path(base);
    if !at.exists() {
        return None;
    }
    let mut s = cache_stream::open(&at, &kind(of_kind), root)?;
    s.next(|r| (r.raw(32)? == seal).then_some(()))?;
    Some(s)
}

/// What the base was found to hold when it was read.
#[derive(Debug, Clone, Copy)]
pub struct Base {
    pub seal: [u8; 32],
    /// The base's body, in bytes.
    pub len: u64,
    /// Its records, and how many of them no file of the tree used.
    pub records: u64,
    pub unused: u64,
}

impl Base {
    /// Is a journal of `bytes` worth keeping, rather than the cache written whole? One
    /// of 4 KiB always is (a small tree's whole cache is about that).
    pub fn keeps(&self, bytes: usize) -> bool {
        (bytes <= SMALL || bytes as u64 * 8 <= self.len) && self.unused * 8 <= self.records
    }
}

/// What a base held, and which of the tree's files (or artifacts), in its order, it served.
pub type Served = (Base, Vec<bool>);

/// Stores what a build knows of the cache at `at`: the records its base did not serve,
/// as `new` makes them, as the base's journal while that stays small
/// ([`Base::keeps`]); else (or with no base) the cache written whole, as `whole` makes it.
pub fn store_added(
    writes: &mut CacheWrites,
    (at, of_kind, root): (&Path, &str, &Path),
    base: Option<&Base>,
    new: impl FnOnce() -> Writer,
    whole: impl FnOnce() -> Writer,
) {
    if let Some(base) = base {
        let journal = new();
        if base.keeps(journal.len()) {
            return store(writes, at, of_kind, root, base, journal);
        }
    }
    store_whole(writes, at, of_kind, root, whole());
}

/// Stores `records` (a count and records, as in the base) as the journal of `base`.
fn store(writes: &mut CacheWrites, at: &Path, of_kind: &str, root: &Path, base: &Base, records: Writer) {
    let mut w = Writer::with_capacity(records.len() + 32);
    w.raw(&base.seal);
    w.raw(&records.into_bytes());
    writes.store(&path(at), &kind(of_kind), root, w);
}

/// Writes the cache whole: its journal goes first, so that a build killed in between
/// leaves the old base alone, whose records still match what did not change.
fn store_whole(writes: &mut CacheWrites, at: &Path, of_kind: &str, root: &Path, body: Writer) {
    let _ = std::fs::remove_file(path(at));
    writes.store(at, of_kind, root, body);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_is_read_only_beside_its_own_base() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("digests");
        let mut w = Writer::default();
        w.u64(0);
        super::super::cache::store(&base, "k v1", dir.path(), w).unwrap();
        let seal = cache_stream::open(&base, "k v1", dir.path()).unwrap().seal;
        let b = Base { seal, len: 8, records: 0, unused: 0 };
        let mut records = Writer::default();
        records.u64(1);
        records.bytes(b"p/1.0/a.tar.gz");
        let mut writes = CacheWrites::default();
        store(&mut writes, &base, "k v1", dir.path(), &b, records);
        writes.finish().unwrap();
        let mut j = open(&base, "k v1", dir.path(), &seal).unwrap();
        assert_eq!(j.next(|r| r.u64()), Some(1));
        assert_eq!(j.next(|r| r.str().map(str::to_string)).as_deref(), Some("p/1.0/a.tar.gz"));
        assert!(j.finished());
        assert!(open(&base, "k v1", dir.path(), &[0; 32]).is_none(), "another base's journal");
        assert!(open(&base, "k v2", dir.path(), &seal).is_none(), "another kind");
        // Written whole, the cache has no journal.
        let mut writes = CacheWrites::default();
        store_whole(&mut writes, &base, "k v1", dir.path(), Writer::default());
        writes.finish().unwrap();
        assert!(!path(&base).exists());
        // A journal of an eighth of the base is kept; more, or a base with many unused
        // records, is written whole.
        let b = Base { seal, len: 80_000, records: 80, unused: 10 };
        assert!(b.keeps(10_000) && !b.keeps(10_001));
        assert!(Base { len: 800, ..b }.keeps(SMALL) && !Base { len: 800, ..b }.keeps(SMALL + 1));
        assert!(!Base { unused: 11, ..b }.keeps(10));
    }
}
