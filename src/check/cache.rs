//! The envelope of closer's persistent caches (digests, signature checks). A cache is
//! only ever an optimisation: it is tied to one tree and one format, sealed with a
//! SHA-256 of its body, and anything that does not match exactly is discarded, never
//! trusted. Records inside are simple length-prefixed binary, fast to load for 100,000
//! files.

use anyhow::Result;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

const MAGIC: &[u8] = b"closer-cache\n";

/// Finds the cached entry of each file of a tree. Caches store their entries in the
/// tree's own order, so an unchanged tree matches entry by entry; only a tree that
/// changed shape builds the lookup table by path, once.
pub struct InTreeOrder<'a> {
    paths: Vec<&'a str>,
    index: Option<HashMap<&'a str, usize>>,
}

impl<'a> InTreeOrder<'a> {
    /// Over the paths of the cached entries, in their stored order.
    pub fn new(paths: Vec<&'a str>) -> InTreeOrder<'a> {
        InTreeOrder { paths, index: None }
    }

    /// The position of the entry for `rel`, the `i`-th file of the tree.
    pub fn find(&mut self, i: usize, rel: &str) -> Option<usize> {
        if self.paths.get(i) == Some(&rel) {
            return Some(i);
        }
        let paths = &self.paths;
        let index = self.index.get_or_insert_with(|| paths.iter().enumerate().map(|(j, p)| (*p, j)).collect());
        index.get(rel).copied()
    }
}

/// Appends binary fields to a cache body.
#[derive(Default)]
pub struct Writer {
    buf: Vec<u8>,
}

impl Writer {
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
    Some(r.buf.to_vec())
}

/// A reader over a loaded body.
pub fn reader(body: &[u8]) -> Reader<'_> {
    Reader { buf: body }
}

/// Writes a cache file atomically.
pub fn store(path: &Path, kind: &str, root: &Path, body: Writer) -> Result<()> {
    crate::util::fault::point("cache");
    let mut w = Writer::default();
    w.raw(MAGIC);
    w.bytes(kind.as_bytes());
    w.bytes(root.as_os_str().as_encoded_bytes());
    w.raw(&body.buf);
    let seal = Sha256::digest(&w.buf);
    w.raw(&seal);
    crate::util::fs::write_atomic(path, &w.buf)
}
