//! A cache body read as a stream, a record at a time: the digest cache of a million
//! files is 250 MB, and read whole beside the tree it was the build's peak memory. The
//! seal of a large body is checked on a thread of its own while the records are read
//! (on a warm build the other core is idle then, and hashing 400 MB of caches took a
//! quarter of a second); [`Stream::finished`] says whether the body was whole and
//! sealed, and a reader discards what it took from a stream that was not, so no record
//! of a corrupt or foreign cache is ever used.

use super::cache::{MAGIC, Reader};
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::thread::JoinHandle;

/// More than one record ever takes: a path, its metadata and digests, and a file's
/// BitTorrent pieces (at most 2,048 SHA-1s).
const MARGIN: usize = 1 << 20;
/// How much is read at once.
const CHUNK: usize = 8 << 20;
/// A body this small is checked before its records are read, without a thread.
const SMALL: u64 = 4 << 20;

/// A cache file's body, positioned after its header.
pub struct Stream {
    file: std::fs::File,
    /// Bytes of the body not read into `buf` yet.
    left: u64,
    buf: Vec<u8>,
    at: usize,
    /// The seal the file ends with: what a journal of records added since names it by.
    pub seal: [u8; 32],
    /// The body's length in bytes.
    pub len: u64,
    /// The check of the body against `seal`, done or under way.
    sealed: Sealed,
}

enum Sealed {
    Done(bool),
    Checking(JoinHandle<bool>),
}

/// Opens the cache of `kind` for the tree at `root`; `None` when it is missing, foreign
/// (another kind, format or tree), too short, or (when small) its seal does not match.
pub fn open(path: &Path, kind: &str, root: &Path) -> Option<Stream> {
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let body = len.checked_sub(32)?;
    let mut seal = [0u8; 32];
    file.seek(SeekFrom::Start(body)).ok()?;
    file.read_exact(&mut seal).ok()?;
    file.rewind().ok()?;
    let sealed = if body <= SMALL {
        Sealed::Done(body_matches(&mut file, body, &seal)?)
    } else {
        let mut other = std::fs::File::open(path).ok()?;
        Sealed::Checking(std::thread::spawn(move || body_matches(&mut other, body, &seal).unwrap_or(false)))
    };
    if let Sealed::Done(false) = sealed {
        return None;
    }
    let mut s = Stream { file, left: body, buf: Vec::new(), at: 0, seal, len: body, sealed };
    let root = root.as_os_str().as_encoded_bytes();
    s.next(|r| (r.raw(MAGIC.len())? == MAGIC && r.str()? == kind && r.bytes()? == root).then_some(()))?;
    Some(s)
}

/// Does the first `body` bytes of `file` (from where it is) hash to `seal`?
fn body_matches(file: &mut std::fs::File, body: u64, seal: &[u8; 32]) -> Option<bool> {
    let mut hash = Sha256::new();
    let mut chunk = vec![0u8; CHUNK.min(usize::try_from(body).ok()?)];
    let mut left = body;
    while left > 0 {
        let n = chunk.len().min(usize::try_from(left).ok()?);
        file.read_exact(&mut chunk[..n]).ok()?;
        hash.update(&chunk[..n]);
        left -= n as u64;
    }
    file.rewind().ok()?;
    Some(hash.finalize().as_slice() == seal)
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

    /// Everything was read, and the body is the one its seal names (waiting for the
    /// check when it is still under way). A reader uses what it read only when so.
    pub fn finished(&mut self) -> bool {
        let sealed = match std::mem::replace(&mut self.sealed, Sealed::Done(false)) {
            Sealed::Checking(check) => check.join().unwrap_or(false),
            Sealed::Done(sealed) => sealed,
        };
        self.sealed = Sealed::Done(sealed);
        sealed && self.left == 0 && self.at == self.buf.len()
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
        let read_all = |s: &mut Stream| {
            let count = s.next(|r| r.u64()).unwrap();
            (0..count)
                .filter(|i| s.next(|r| r.str().map(str::to_string)).unwrap() != format!("p/{i}/file-{i}.tar.gz"))
                .count()
        };
        let mut s = open(&path, "test v1", dir.path()).unwrap();
        assert!(matches!(s.sealed, Sealed::Checking(_)), "a body over {SMALL} bytes is checked beside the reading");
        assert!(!s.finished(), "not everything was read");
        assert_eq!(read_all(&mut s), 0);
        assert!(s.finished());
        assert!(open(&path, "test v2", dir.path()).is_none(), "another kind");
        assert!(open(&path, "test v1", &dir.path().join("x")).is_none(), "another tree");
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[100] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let mut s = open(&path, "test v1", dir.path()).unwrap();
        assert_eq!(read_all(&mut s), 1, "the records were read, one of them changed");
        assert!(!s.finished(), "a broken seal, found while the records were read");
    }

    #[test]
    fn a_small_body_with_a_broken_seal_is_not_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c");
        let mut w = super::super::cache::Writer::default();
        w.u64(1);
        w.bytes(b"p/1/file.tar.gz");
        super::super::cache::store(&path, "test v1", dir.path(), w).unwrap();
        assert!(open(&path, "test v1", dir.path()).unwrap().next(|r| r.u64()).is_some());
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes.len() - 40;
        bytes[at] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert!(open(&path, "test v1", dir.path()).is_none());
        std::fs::write(&path, &bytes[..20]).unwrap();
        assert!(open(&path, "test v1", dir.path()).is_none(), "shorter than a seal and a header");
    }
}
