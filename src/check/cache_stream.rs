//! A cache body read as a stream, a record at a time: the digest cache of a million
//! files is 250 MB, and read whole beside the tree it was the build's peak memory. The
//! seal is checked in a first pass (the page cache serves the second), so no record of
//! a corrupt or foreign cache is ever used.

use super::cache::{MAGIC, Reader};
use sha2::{Digest, Sha256};
use std::io::{Read, Seek};
use std::path::Path;

/// More than one record ever takes: a path, its metadata and digests, and a file's
/// BitTorrent pieces (at most 2,048 SHA-1s).
const MARGIN: usize = 1 << 20;
/// How much is read at once.
const CHUNK: usize = 8 << 20;

/// A cache file's body, positioned after its header.
pub struct Stream {
    file: std::fs::File,
    /// Bytes of the body not read into `buf` yet.
    left: u64,
    buf: Vec<u8>,
    at: usize,
    /// The file's seal: what a journal of records added since names it by.
    pub seal: [u8; 32],
    /// The body's length in bytes.
    pub len: u64,
}

/// Opens the cache of `kind` for the tree at `root`; `None` when it is missing, foreign
/// (another kind, format or tree) or its seal does not match.
pub fn open(path: &Path, kind: &str, root: &Path) -> Option<Stream> {
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let body = len.checked_sub(32)?;
    let mut seal = Sha256::new();
    let mut chunk = vec![0u8; CHUNK.min(body as usize)];
    let mut left = body;
    while left > 0 {
        let n = chunk.len().min(usize::try_from(left).ok()?);
        file.read_exact(&mut chunk[..n]).ok()?;
        seal.update(&chunk[..n]);
        left -= n as u64;
    }
    let mut want = [0u8; 32];
    file.read_exact(&mut want).ok()?;
    if seal.finalize().as_slice() != want {
        return None;
    }
    file.rewind().ok()?;
    let mut s = Stream { file, left: body, buf: Vec::new(), at: 0, seal: want, len: body };
    let root = root.as_os_str().as_encoded_bytes();
    s.next(|r| (r.raw(MAGIC.len())? == MAGIC && r.str()? == kind && r.bytes()? == root).then_some(()))?;
    Some(s)
}

impl Stream {
    /// Reads one item with `read`, which gets at least [`MARGIN`] bytes (or the rest of
    /// the body); `None` when it fails (the cache is corrupt).
    pub fn next<T>(&mut self, read: impl FnOnce(&mut Reader<'_>) -> Option<T>) -> Option<T> {
        if self.buf.len() - self.at < MARGIN && self.left > 0 {
            self.refill().ok()?;
        }
        let mut r = super::cache::reader(&self.buf[self.at..]);
        let item = read(&mut r)?;
        self.at = self.buf.len() - r.len();
        Some(item)
    }

    /// Everything was read.
    pub fn is_empty(&self) -> bool {
        self.left == 0 && self.at == self.buf.len()
    }

    fn refill(&mut self) -> std::io::Result<()> {
        self.buf.drain(..self.at);
        self.at = 0;
        let n = CHUNK.min(usize::try_from(self.left).unwrap_or(CHUNK));
        let old = self.buf.len();
        self.buf.resize(old + n, 0);
        self.file.read_exact(&mut self.buf[old..])?;
        self.left -= n as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_reads_what_was_stored_and_nothing_of_a_broken_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c");
        let mut w = super::super::cache::Writer::default();
        let n = 300_000u64;
        w.u64(n);
        for i in 0..n {
            w.bytes(format!("p/{i}/file-{i}.tar.gz").as_bytes());
        }
        super::super::cache::store(&path, "test v1", dir.path(), w).unwrap();
        let mut s = open(&path, "test v1", dir.path()).unwrap();
        let count = s.next(|r| r.u64()).unwrap();
        for i in 0..count {
            let name = s.next(|r| r.str().map(str::to_string)).unwrap();
            assert_eq!(name, format!("p/{i}/file-{i}.tar.gz"));
        }
        assert!(s.is_empty());
        assert!(open(&path, "test v2", dir.path()).is_none(), "another kind");
        assert!(open(&path, "test v1", &dir.path().join("x")).is_none(), "another tree");
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[100] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert!(open(&path, "test v1", dir.path()).is_none(), "a broken seal");
    }
}
