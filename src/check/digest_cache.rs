//! The digest cache's records: what the digest stage remembers of each file (its path,
//! the metadata that says whether it changed, and its digests). One writer and one
//! reader, so the two cannot drift apart; the reader borrows from the cache body, so
//! stepping over the records of a million files allocates nothing.

use super::cache::{Reader, Writer};
use crate::model::digests::{Digests, Pieces, Rare, Swhid};
use crate::model::tree::Stat;

/// The cache's kind, checked when it is loaded: a new record layout is a new kind.
pub const KIND: &str = "digests v6";

/// One record, borrowed from the cache body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    pub stat: Stat,
    sha512: &'a [u8; 64],
    sha256: &'a [u8; 32],
    md5: Option<&'a [u8; 16]>,
    sha1: Option<&'a [u8; 20]>,
    blake2b: Option<&'a [u8; 64]>,
    pieces: Option<(u32, &'a [u8])>,
    swhid: Option<(Option<&'a [u8; 20]>, &'a [u8; 20])>,
}

impl Record<'_> {
    /// The digests it holds, owned.
    pub fn digests(&self) -> Digests {
        let rare = Rare {
            md5: self.md5.copied(),
            sha1: self.sha1.copied(),
            blake2b: self.blake2b.copied(),
            swhid: self.swhid.map(|(dir, cnt)| Swhid { dir: dir.copied(), cnt: *cnt }),
        };
        let pieces = self.pieces.map(|(length, hashes)| Pieces::new(length, hashes));
        Digests::new(*self.sha512, *self.sha256, pieces, rare)
    }
}

/// The room a record of a file with this path and these digests takes, about.
pub fn room(rel: &str, d: &Digests) -> usize {
    rel.len() + 200 + d.pieces().map_or(0, |p| p.hashes().len())
}

/// Appends the record of the file `rel`.
pub fn write(w: &mut Writer, rel: &str, stat: &Stat, d: &Digests) {
    w.bytes(rel.as_bytes());
    w.stat(stat);
    w.raw(&d.sha512);
    w.raw(&d.sha256);
    for extra in [d.md5().map(|m| &m[..]), d.sha1().map(|h| &h[..]), d.blake2b().map(|h| &h[..])] {
        match extra {
            Some(bytes) => {
                w.u64(1);
                w.raw(bytes);
            }
            None => w.u64(0),
        }
    }
    match d.pieces() {
        Some(p) => {
            w.u64(u64::from(p.length()));
            w.bytes(p.hashes());
        }
        None => w.u64(0),
    }
    // 0: none; 1: the directory's and the file's; 2: the file's alone (not an archive).
    match d.swhid() {
        Some(Swhid { dir: Some(dir), cnt }) => {
            w.u64(1);
            w.raw(dir);
            w.raw(cnt);
        }
        Some(Swhid { dir: None, cnt }) => {
            w.u64(2);
            w.raw(cnt);
        }
        None => w.u64(0),
    }
}

/// Reads the next record: its path and what it holds; `None` when it is corrupt.
pub fn read<'a>(r: &mut Reader<'a>) -> Option<(&'a str, Record<'a>)> {
    let rel = r.str()?;
    let stat = r.stat()?;
    let sha512 = r.raw(64)?.try_into().ok()?;
    let sha256 = r.raw(32)?.try_into().ok()?;
    let md5 = if present(r)? { Some(r.raw(16)?.try_into().ok()?) } else { None };
    let sha1 = if present(r)? { Some(r.raw(20)?.try_into().ok()?) } else { None };
    let blake2b = if present(r)? { Some(r.raw(64)?.try_into().ok()?) } else { None };
    let pieces = match r.u64()? {
        0 => None,
        length => Some((u32::try_from(length).ok()?, r.bytes()?)),
    };
    let swhid = match r.u64()? {
        0 => None,
        1 => Some((Some(r.raw(20)?.try_into().ok()?), r.raw(20)?.try_into().ok()?)),
        2 => Some((None, r.raw(20)?.try_into().ok()?)),
        _ => return None,
    };
    Some((rel, Record { stat, sha512, sha256, md5, sha1, blake2b, pieces, swhid }))
}

/// The presence flag of an optional digest; `None` when it is neither 0 nor 1 (corrupt).
fn present(r: &mut Reader) -> Option<bool> {
    match r.u64()? {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_back_as_written() {
        let stat = Stat { size: 3, mtime: 4, mtime_ns: 5, ctime: 6, ctime_ns: 7, ino: 8 };
        let rare = Rare {
            md5: Some([3; 16]),
            sha1: Some([4; 20]),
            blake2b: Some([8; 64]),
            swhid: Some(Swhid { dir: Some([6; 20]), cnt: [7; 20] }),
        };
        let full = Digests::new([1; 64], [2; 32], Some(Pieces::new(16384, &[5; 40])), rare);
        let bare = Digests::new([1; 64], [2; 32], None, Rare::default());
        let mut w = Writer::default();
        write(&mut w, "p/1.0/a.tar.gz", &stat, &full);
        let first_len = w.len();
        write(&mut w, "p/1.0/b", &stat, &bare);
        let body = w.into_bytes();
        let mut r = super::super::cache::reader(&body);
        let (rel, rec) = read(&mut r).unwrap();
        assert_eq!((rel, rec.stat, rec.digests()), ("p/1.0/a.tar.gz", stat, full));
        let (rel, rec) = read(&mut r).unwrap();
        assert_eq!((rel, rec.digests()), ("p/1.0/b", bare));
        assert!(r.is_empty());
        // A body cut anywhere is corrupt, never a wrong record.
        for n in 0..body.len() {
            let mut r = super::super::cache::reader(&body[..n]);
            assert_eq!(read(&mut r).is_some(), n >= first_len, "cut at {n}");
            assert!(read(&mut r).is_none(), "cut at {n}");
        }
        // A presence flag other than 0 or 1 is corrupt.
        let mut bad = body.clone();
        let flag = 8 + "p/1.0/a.tar.gz".len() + 48 + 96;
        bad[flag] = 2;
        assert!(read(&mut super::super::cache::reader(&bad)).is_none());
    }
}
