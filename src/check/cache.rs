//! The envelope of closer's persistent caches (digests, signature checks). A cache is
//! only ever an optimisation: it is tied to one tree and one format, sealed with a
//! SHA-256 of its body, and anything that does not match exactly is discarded, never
//! trusted. Records inside are simple length-prefixed binary, fast to load for 100,000
//! files.

use anyhow::Result;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

pub(super) const MAGIC: &[u8] = b"closer-cache\n";

/// How far [`align`] looks ahead for files added or removed since the cache was written.
const WINDOW: usize = 256;

/// Finds the cached entry of each file of a tree: `cached` are the paths of the cache's
/// entries in their stored order, `tree` the tree's paths in its order. Caches store
/// their entries in the tree's order, so an unchanged tree matches entry by entry, and a
/// release added or removed is stepped over by looking a little ahead on either side;
/// only a tree that changed shape more than that builds a lookup table by path. `None`
/// means "not in the cache" (the file is hashed again, never given another's entry).
pub fn align(cached: &[&str], tree: &[&str]) -> Vec<Option<usize>> {
    let mut out = Vec::with_capacity(tree.len());
    let mut c = 0;
    let mut index: Option<HashMap<&str, usize>> = None;
    for (t, rel) in tree.iter().enumerate() {
        if let Some(index) = &index {
            out.push(index.get(rel).copied());
            continue;
        }
        if cached.get(c) == Some(rel) {
            out.push(Some(c));
            c += 1;
            continue;
        }
        let ahead = &cached[c.min(cached.len())..(c + WINDOW).min(cached.len())];
        if let Some(k) = ahead.iter().position(|p| p == rel) {
            // The entries stepped over are of files removed since.
            out.push(Some(c + k));
            c += k + 1;
        } else if cached.get(c).is_none_or(|next| tree[t + 1..(t + WINDOW).min(tree.len())].contains(next)) {
            // The cache's next file comes a little later in the tree: this one is new.
            out.push(None);
        } else {
            let built = index.insert(cached.iter().enumerate().map(|(j, p)| (*p, j)).collect());
            out.push(built.get(rel).copied());
        }
    }
    out
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
        self.i64(s.mtime_ns);
        self.i64(s.ctime);
        self.i64(s.ctime_ns);
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
            mtime_ns: self.i64()?,
            ctime: self.i64()?,
            ctime_ns: self.i64()?,
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
    use super::align;

    fn names(r: std::ops::Range<usize>) -> Vec<String> {
        r.map(|i| format!("p/{i:06}")).collect()
    }

    /// Every match is the same path; returns how many files were found.
    fn check(cached: &[String], tree: &[String]) -> usize {
        let c: Vec<&str> = cached.iter().map(String::as_str).collect();
        let t: Vec<&str> = tree.iter().map(String::as_str).collect();
        let out = align(&c, &t);
        assert_eq!(out.len(), t.len());
        for (i, at) in out.iter().enumerate() {
            if let Some(j) = at {
                assert_eq!(c[*j], t[i], "file {i} was given another file's entry");
            }
        }
        out.iter().flatten().count()
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
        // A whole project of 5,000 files removed (beyond the look-ahead): still exact.
        let mut gone = old.clone();
        gone.drain(1000..6000);
        assert_eq!(check(&old, &gone), 5_000);
    }

    #[test]
    fn a_reordered_tree_never_gets_the_wrong_entry() {
        let old = names(0..4_000);
        let mut new = names(2_000..4_000);
        new.extend(names(0..2_000));
        // Every match is checked in `check`; a reorder may hash some files again.
        assert!(check(&old, &new) >= 3_000);
        assert_eq!(check(&old, &[]), 0);
        assert_eq!(check(&[], &old), 0);
    }
}
