//! BitTorrent v1 metainfo (`.torrent`, BEP 3) for one file, with web seeds (BEP 19
//! `url-list`): a client downloads from the mirrors and the primary over HTTP and checks
//! every piece against its SHA-1, with or without peers. Bencoding is written by hand:
//! dictionaries with sorted keys, no creation date, so the same file and web seeds give
//! the same bytes and the same info hash. And the magnet link of such a file.

use crate::model::digests::Pieces;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What a magnet link's values escape: all but RFC 3986's unreserved characters.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
use sha1::{Digest as _, Sha1};

/// One file to describe.
pub struct File<'a> {
    /// The file's name (its last path segment).
    pub name: &'a str,
    pub size: u64,
    pub pieces: &'a Pieces,
    /// Full URLs of the file, best first: the serving mirrors, then the primary.
    pub web_seeds: &'a [String],
}

fn bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(b.len().to_string().as_bytes());
    out.push(b':');
    out.extend_from_slice(b);
}

fn int(out: &mut Vec<u8>, i: u64) {
    out.push(b'i');
    out.extend_from_slice(i.to_string().as_bytes());
    out.push(b'e');
}

/// The bencoded info dictionary; its SHA-1 is the info hash.
fn info(f: &File) -> Vec<u8> {
    let mut out = vec![b'd'];
    bytes(&mut out, b"length");
    int(&mut out, f.size);
    bytes(&mut out, b"name");
    bytes(&mut out, f.name.as_bytes());
    bytes(&mut out, b"piece length");
    int(&mut out, u64::from(f.pieces.length()));
    bytes(&mut out, b"pieces");
    bytes(&mut out, f.pieces.hashes());
    out.push(b'e');
    out
}

/// The info hash: what a magnet link names (the web seeds are no part of it).
pub fn info_hash(f: &File) -> [u8; 20] {
    Sha1::digest(info(f)).into()
}

/// The `.torrent` file and the info hash.
pub fn metainfo(f: &File) -> (Vec<u8>, [u8; 20]) {
    let info = info(f);
    let hash: [u8; 20] = Sha1::digest(&info).into();
    // Keys in byte order: created by, info, url-list.
    let mut out = vec![b'd'];
    bytes(&mut out, b"created by");
    bytes(&mut out, format!("closer {}", env!("CARGO_PKG_VERSION")).as_bytes());
    bytes(&mut out, b"info");
    out.extend_from_slice(&info);
    bytes(&mut out, b"url-list");
    out.push(b'l');
    for url in f.web_seeds {
        bytes(&mut out, url.as_bytes());
    }
    out.push(b'e');
    out.push(b'e');
    (out, hash)
}

/// The magnet link: the info hash, the name, the size, where the `.torrent` is (`xs`,
/// so a client gets the web seeds without asking peers) and the primary as a web seed.
pub fn magnet(hash: &[u8; 20], name: &str, size: u64, torrent_url: &str, primary_url: &str) -> String {
    let enc = |s: &str| utf8_percent_encode(s, VALUE).to_string();
    format!(
        "magnet:?xt=urn:btih:{}&dn={}&xl={size}&xs={}&ws={}",
        crate::util::text::hex(hash),
        enc(name),
        enc(torrent_url),
        enc(primary_url)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metainfo_is_bencoded_with_sorted_keys_and_hashes_its_info() {
        let pieces = Pieces::new(16384, &[7u8; 20]);
        let seeds = vec!["https://m.example/p/a.tgz".to_string(), "https://dist.example/p/a.tgz".to_string()];
        let (t, hash) = metainfo(&File { name: "a.tgz", size: 100, pieces: &pieces, web_seeds: &seeds });
        let info = b"d6:lengthi100e4:name5:a.tgz12:piece lengthi16384e6:pieces20:\x07\x07\x07\x07\x07\x07\x07\x07\x07\x07\x07\x07\x07\x07\x07\x07\x07\x07\x07\x07e";
        let mut want =
            format!("d10:created by{}:closer {}4:info", 7 + env!("CARGO_PKG_VERSION").len(), env!("CARGO_PKG_VERSION"))
                .into_bytes();
        want.extend_from_slice(info);
        want.extend_from_slice(b"8:url-listl25:https://m.example/p/a.tgz28:https://dist.example/p/a.tgzee");
        assert_eq!(String::from_utf8_lossy(&t), String::from_utf8_lossy(&want));
        assert_eq!(hash, <[u8; 20]>::from(Sha1::digest(info)));
        let m = magnet(&hash, "a b.tgz", 100, "https://s/p/a.tgz.torrent", "https://d/p/a.tgz");
        assert!(
            m.starts_with(&format!(
                "magnet:?xt=urn:btih:{}&dn=a%20b.tgz&xl=100&xs=https%3A",
                crate::util::text::hex(&hash)
            )),
            "{m}"
        );
    }
}
