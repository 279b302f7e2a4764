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
/// cache is read as a stream. Caches store their records in the tree's order, so the file
/// after the last one found is tried first (an unchanged tree matches record by record);
/// any other is found by path among the files sorted once. A record of a file no longer
/// in the tree finds nothing, never another file's position.
pub struct Locator {
    by_path: Vec<u32>,
    /// Of each file, its place in `by_path`.
    place: Vec<u32>,
    next: usize,
}

impl Locator {
    /// For the `n` files whose paths `path` gives, by position.
    pub fn new<'a>(n: usize, path: impl Fn(usize) -> &'a str) -> Locator {
        let mut by_path: Vec<u32> = (0..n as u32).collect();
        by_path.sort_unstable_by(|&x, &y| path(x as usize).cmp(path(y as usize)));
        let mut place = vec![0u32; n];
        by_path.iter().enumerate().for_each(|(k, &i)| place[i as usize] = k as u32);
        Locator { by_path, place, next: 0 }
    }

    /// The places of the files at `rel` (one, unless the tree lists a file twice, as a
    /// tree-wide keyring is each project's KEYS); [`Locator::file`] gives each position.
    pub fn find<'a>(&mut self, rel: &str, path: impl Fn(usize) -> &'a str) -> std::ops::Range<usize> {
        if self.next < self.place.len() && path(self.next) == rel {
            let k = self.place[self.next] as usize;
            self.next += 1;
            return k..k + 1;
        }
        let start = self.by_path.partition_point(|&i| path(i as usize) < rel);
        let len = self.by_path[start..].iter().take_while(|&&i| path(i as usize) == rel).count();
        if let Some(&last) = self.by_path[start..start + len].last() {
            self.next = last as usize + 1;
        }
        start..start + len
    }

    /// The position of the file at place `k`.
    pub fn file(&self, k: usize) -> usize {
        self.by_path[k] as usize
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
        let mut at = Locator::new(tree.len(), |i| &tree[i]);
        let mut found = 0;
        for rel in cached {
            for k in at.find(rel, |i| &tree[i]) {
                assert_eq!(&tree[at.file(k)], rel, "a record was given another file");
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
        let apart: Vec<String> = vec!["a".into(), "KEYS".into(), "KEYS".into()];
        assert_eq!(check(&["KEYS".to_string()], &apart), 2);
    }
}
