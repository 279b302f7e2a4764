//! The envelope of closer's persistent caches (digests, signature checks). A cache is
//! only ever an optimisation: it is tied to one tree and one format, sealed with a
//! SHA-256 of its body, and anything that does not match exactly is discarded, never
//! trusted. Records inside are simple length-prefixed binary, fast to load for 100,000
//! files.

use anyhow::Result;
use sha2::{Digest, Sha256};
use std::path::Path;

pub(super) const MAGIC: &[u8] = b"closer-cache\n";

/// Finds, record by record, the file of a tree each record of a cache is for, as the
/// cache is read as a stream. Caches store their records in the tree's order, so the
/// files after the last one found are tried first, in order: an unchanged tree matches
/// record by record, and new releases only stand between records. Only when a record is
/// not among them (its file is gone, or the tree's order changed) are the files sorted
/// by path, once (a million paths take a quarter of a second), and from then on each
/// record is looked for by path unless it is the next file. A record of a file no longer
/// in the tree finds nothing, never another file's position.
pub struct Locator {
    n: usize,
    /// The files' positions sorted by path: empty until a record is not found in order.
    by_path: Vec<u32>,
    next: usize,
}

/// Where a record's file is: a run of positions of files with its path, one unless the
/// tree lists the file twice (as a tree-wide keyring is each project's KEYS) and the
/// record was out of order. [`Locator::file`] gives each file's position.
#[derive(Clone, Copy, Debug)]
pub struct Places {
    start: usize,
    len: usize,
    sorted: bool,
}

impl Places {
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Locator {
    /// For the `n` files whose paths are given by position to [`Locator::find`].
    pub fn new(n: usize) -> Locator {
        Locator { n, by_path: Vec::new(), next: 0 }
    }

    /// The files at `rel`; `path` gives each file's path by position.
    pub fn find<'a>(&mut self, rel: &str, path: impl Fn(usize) -> &'a str) -> Places {
        // Before the first search by path, looking ahead costs at most the files once
        // (what is passed over is never looked at again); after it, less than searching.
        let ahead = self.next..if self.by_path.is_empty() { self.n } else { self.n.min(self.next + 1) };
        if let Some(i) = ahead.into_iter().find(|&i| path(i) == rel) {
            self.next = i + 1;
            return Places { start: i, len: 1, sorted: false };
        }
        if self.by_path.len() != self.n {
            self.by_path = (0..self.n as u32).collect();
            self.by_path.sort_unstable_by(|&x, &y| path(x as usize).cmp(path(y as usize)));
        }
        let start = self.by_path.partition_point(|&i| path(i as usize) < rel);
        let len = self.by_path[start..].iter().take_while(|&&i| path(i as usize) == rel).count();
        if let Some(&last) = self.by_path[start..start + len].last() {
            self.next = last as usize + 1;
        }
        Places { start, len, sorted: true }
    }

    /// The position of the `k`th file of `places`.
    pub fn file(&self, places: Places, k: usize) -> usize {
        debug_assert!(k < places.len);
        if places.sorted { self.by_path[places.start + k] as usize } else { places.start + k }
    }
}

/// Appends binary fields to a cache body.
#[derive(Default)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    /// A writer with room for about `bytes` (a large cache grows without copying).
    pub fn with_capacity(bytes: usize) -> Writer {
        Writer { buf: Vec::with_capacity(bytes) }
    }
    pub fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    pub fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.buf.extend_from_slice(b);
    }
    pub fn raw(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }
    /// The bytes written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
    /// The body as written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
    /// The metadata that decides whether a file changed.
    pub fn stat(&mut self, s: &crate::model::tree::Stat) {
        self.u64(s.size);
        self.i64(s.mtime);
        self.i64(i64::from(s.mtime_ns));
        self.i64(s.ctime);
        self.i64(i64::from(s.ctime_ns));
        self.u64(s.ino);
    }
}

/// Reads binary fields back; every read is bounds-checked and `None` means "corrupt".
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    /// The bytes not read yet.
    pub fn len(&self) -> usize {
        self.buf.len()
    }
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }
    pub fn raw(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.buf.len() < n {
            return None;
        }
        let (a, b) = self.buf.split_at(n);
        self.buf = b;
        Some(a)
    }
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.raw(8)?.try_into().ok()?))
    }
    pub fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.raw(8)?.try_into().ok()?))
    }
    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.u64()?).ok()?;
        self.raw(n)
    }
    pub fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }
    pub fn stat(&mut self) -> Option<crate::model::tree::Stat> {
        Some(crate::model::tree::Stat {
            size: self.u64()?,
            mtime: self.i64()?,
            mtime_ns: u32::try_from(self.i64()?).ok()?,
            ctime: self.i64()?,
            ctime_ns: u32::try_from(self.i64()?).ok()?,
            ino: self.u64()?,
        })
    }
}

/// Loads the body of a cache file of `kind` for the tree at `root`; `None` when it is
/// missing, foreign (another kind, format or tree) or corrupt.
pub fn load(path: &Path, kind: &str, root: &Path) -> Option<Vec<u8>> {
    let data = std::fs::read(path).ok()?;
    if data.len() < 32 {
        return None;
    }
    let (content, seal) = data.split_at(data.len() - 32);
    if Sha256::digest(content).as_slice() != seal {
        return None;
    }
    let mut r = Reader { buf: content };
    if r.raw(MAGIC.len())? != MAGIC || r.str()? != kind || r.bytes()? != root.as_os_str().as_encoded_bytes() {
        return None;
    }
    // The body in place: a second copy of 200 MB of digests would be the build's peak.
    let head = content.len() - r.buf.len();
    let mut body = data;
    body.truncate(body.len() - 32);
    body.drain(..head);
    Some(body)
}

/// A reader over a loaded body.
pub fn reader(body: &[u8]) -> Reader<'_> {
    Reader { buf: body }
}

/// Writes a cache file atomically. Not synced to disk: a cache torn by a crash fails
/// its seal and is discarded, and syncing 200 MB of digests would cost a build of a
/// million files more than the change it records.
pub fn store(path: &Path, kind: &str, root: &Path, body: Writer) -> Result<()> {
    crate::util::fault::point("cache");
    let mut head = Writer::default();
    head.raw(MAGIC);
    head.bytes(kind.as_bytes());
    head.bytes(root.as_os_str().as_encoded_bytes());
    let mut seal = Sha256::new();
    seal.update(&head.buf);
    seal.update(&body.buf);
    let seal: [u8; 32] = seal.finalize().into();
    crate::util::fs::write_parts_atomic(path, &[&head.buf, &body.buf, &seal], false)
}

/// Caches being written in threads of their own, so a build goes on while a large
/// cache (200 MB of digests for a million files) is written. The analysis owns it;
/// the driver waits for it with [`CacheWrites::finish`], and dropping it waits too, so
/// no command can end with a cache half-written.
#[derive(Default)]
pub struct CacheWrites(Vec<std::thread::JoinHandle<Result<()>>>);

impl CacheWrites {
    /// [`store`] in a thread of its own.
    pub fn store(&mut self, path: &Path, kind: &str, root: &Path, body: Writer) {
        let (path, kind, root) = (path.to_owned(), kind.to_owned(), root.to_owned());
        self.0.push(std::thread::spawn(move || store(&path, &kind, &root, body)));
    }

    /// Waits for every write; the first error, if any (an error costs only time: the
    /// next run hashes again).
    pub fn finish(mut self) -> Result<()> {
        let mut result = Ok(());
        for w in std::mem::take(&mut self.0) {
            let r = w.join().unwrap_or_else(|_| Err(anyhow::anyhow!("writing a cache failed")));
            result = result.and(r);
        }
        result
    }
}

impl Drop for CacheWrites {
    fn drop(&mut self) {
        for w in std::mem::take(&mut self.0) {
            let _ = w.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Locator;

    fn names(r: std::ops::Range<usize>) -> Vec<String> {
        r.map(|i| format!("p/{i:06}")).collect()
    }

    /// Every record of `cached`, in its order, located among `tree`: each found file is
    /// the same path; returns how many were found.
    fn check(cached: &[String], tree: &[String]) -> usize {
        let mut at = Locator::new(tree.len());
        let mut found = 0;
        for rel in cached {
            let places = at.find(rel, |i| &tree[i]);
            for k in 0..places.len() {
                assert_eq!(&tree[at.file(places, k)], rel, "a record was given another file");
                found += 1;
            }
        }
        found
    }

    #[test]
    fn finds_every_cached_file_when_releases_come_and_go() {
        let old = names(0..10_000);
        assert_eq!(check(&old, &old), 10_000);
        // 32 new files in the middle, 100 removed elsewhere, one at each end.
        let mut new: Vec<String> = old.clone();
        new.splice(5000..5000, (0..32).map(|i| format!("p/005000-new-{i:02}")));
        new.drain(200..300);
        new.insert(0, "a/first".into());
        new.push("z/last".into());
        assert_eq!(check(&old, &new), 9_900);
        let mut gone = old.clone();
        gone.drain(1000..6000);
        assert_eq!(check(&old, &gone), 5_000);
    }

    #[test]
    fn a_reordered_tree_never_gets_the_wrong_entry() {
        let old = names(0..4_000);
        let mut new = names(2_000..4_000);
        new.extend(names(0..2_000));
        assert_eq!(check(&old, &new), 4_000);
        assert_eq!(check(&old, &[]), 0);
        assert_eq!(check(&[], &old), 0);
        // A file the tree lists twice (a tree-wide keyring), stored twice: each record
        // its place; a record out of order finds both.
        let twice: Vec<String> = vec!["KEYS".into(), "a".into(), "KEYS".into()];
        assert_eq!(check(&twice, &twice), 3);
        let apart: Vec<String> = vec!["KEYS".into(), "KEYS".into(), "a".into()];
        assert_eq!(check(&["a".to_string(), "KEYS".to_string()], &apart), 3);
    }

    #[test]
    fn records_between_new_releases_need_no_sorting() {
        let old = names(0..10_000);
        let mut new = old.clone();
        new.splice(5000..5000, (0..3000).map(|i| format!("p/005000-new-{i:04}")));
        new.splice(10..10, (0..16).map(|i| format!("p/000010-new-{i:04}")));
        let mut at = Locator::new(new.len());
        for rel in &old {
            let places = at.find(rel, |i| &new[i]);
            assert_eq!((places.len(), &new[at.file(places, 0)]), (1, rel));
        }
        assert!(at.by_path.is_empty(), "nothing was sorted");
        // A record of a file gone: nothing, and every later record still found.
        let mut gone = old.clone();
        gone.remove(20);
        let mut at = Locator::new(gone.len());
        let found: usize = old.iter().map(|rel| at.find(rel, |i| &gone[i]).len()).sum();
        assert_eq!((found, at.by_path.len()), (9_999, gone.len()));
    }
}
