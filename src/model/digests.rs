//! The checksums of a file, as plain data: the check stage computes them, the lists, the
//! sums and the pages carry them. The hash states let a signature check finish the hash
//! of a file read once, instead of reading it again.

use crate::util::sha::{Sha256, Sha512};
use crate::util::text::hex;
use sha1::{Digest as _, Sha1};
use std::collections::HashMap;

/// The checksums of one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Digests {
    #[serde(with = "super::hex_serde::array")]
    pub sha512: [u8; 64],
    #[serde(with = "super::hex_serde::array")]
    pub sha256: [u8; 32],
    /// Only for files the policy or an uploaded `.md5` asks it of.
    #[serde(with = "super::hex_serde::opt_array")]
    pub md5: Option<[u8; 16]>,
    /// Only for files with an uploaded `.sha1`.
    #[serde(with = "super::hex_serde::opt_array")]
    pub sha1: Option<[u8; 20]>,
    /// The BitTorrent v1 piece hashes, for the site's `.torrent` of an artifact.
    pub pieces: Option<Pieces>,
    /// Of a source archive: its SWHIDs (`check::swhid`); boxed, as most files are not.
    pub swhid: Option<Box<Swhid>>,
}

/// A source archive's Software Heritage identifiers: `swh:1:dir` of the directory it
/// unpacks to (`None` when it cannot be read as an archive, so that it is not read
/// again until it changes), `swh:1:cnt` of the archive file itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Swhid {
    #[serde(with = "super::hex_serde::opt_array")]
    pub dir: Option<[u8; 20]>,
    #[serde(with = "super::hex_serde::array")]
    pub cnt: [u8; 20],
}

impl Digests {
    /// `swh:1:dir:…` of the directory a source archive unpacks to, when it was read.
    pub fn swhid_dir(&self) -> Option<String> {
        self.swhid.as_ref()?.dir.map(|id| swhid_text("dir", &id))
    }

    /// `swh:1:cnt:…` of a source archive itself.
    pub fn swhid_cnt(&self) -> Option<String> {
        self.swhid.as_ref().map(|s| swhid_text("cnt", &s.cnt))
    }
}

/// A SWHID in its written form: `swh:1:<kind>:<hex id>`.
pub fn swhid_text(kind: &str, id: &[u8; 20]) -> String {
    format!("swh:1:{kind}:{}", hex(id))
}

/// BitTorrent v1 pieces of a file: the SHA-1 of each `length`-byte piece, concatenated
/// (the last piece may be shorter).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pieces {
    pub length: u32,
    #[serde(with = "super::hex_serde::boxed")]
    pub hashes: Box<[u8]>,
}

/// The piece length for a file of `size` bytes: a power of two from 16 KiB to 16 MiB,
/// the smallest that keeps the pieces at 2,048 or fewer (a `.torrent` of at most 40 KB).
pub fn piece_length(size: u64) -> u32 {
    let mut length: u32 = 16 << 10;
    while length < (16 << 20) && size.div_ceil(u64::from(length)) > 2048 {
        length *= 2;
    }
    length
}

/// The SHA-512 and SHA-256 states after a file's last byte, before finalisation. A
/// signature over the file hashes the same bytes plus a short trailer, so the verify
/// stage can finish these instead of reading the file again.
#[derive(Clone)]
pub struct HashState {
    pub sha512: Sha512,
    pub sha256: Sha256,
    /// For a compressed file signed over its uncompressed content (kernel.org's
    /// `.tar.sign`): the states over the uncompressed bytes, read in the same pass, or
    /// why it could not be uncompressed.
    pub uncompressed: Option<Result<Box<HashState>, String>>,
}

/// Hashes a stream into pieces of `length` bytes as it passes.
pub struct PieceHasher {
    length: u64,
    filled: u64,
    current: Sha1,
    hashes: Vec<u8>,
}

impl PieceHasher {
    pub fn new(length: u32) -> PieceHasher {
        PieceHasher { length: u64::from(length), filled: 0, current: Sha1::new(), hashes: Vec::new() }
    }

    pub fn update(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let take = ((self.length - self.filled) as usize).min(bytes.len());
            self.current.update(&bytes[..take]);
            self.filled += take as u64;
            bytes = &bytes[take..];
            if self.filled == self.length {
                self.hashes.extend_from_slice(&self.current.finalize_reset());
                self.filled = 0;
            }
        }
    }

    pub fn finish(mut self) -> Pieces {
        if self.filled > 0 {
            self.hashes.extend_from_slice(&self.current.finalize_reset());
        }
        Pieces { length: self.length as u32, hashes: self.hashes.into_boxed_slice() }
    }
}

/// States of the files hashed in this run, by path relative to the tree root.
pub type HashStates = HashMap<String, HashState>;

/// A checksum algorithm of a sidecar or checksum list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Algo {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

impl Algo {
    pub fn ext(self) -> &'static str {
        match self {
            Algo::Md5 => "md5",
            Algo::Sha1 => "sha1",
            Algo::Sha256 => "sha256",
            Algo::Sha512 => "sha512",
        }
    }

    pub fn from_ext(ext: &str) -> Option<Algo> {
        Some(match ext {
            "md5" => Algo::Md5,
            "sha1" => Algo::Sha1,
            "sha256" => Algo::Sha256,
            "sha512" => Algo::Sha512,
            _ => return None,
        })
    }

    /// The algorithm of a checksum list by its name: `SHA512SUMS`, or kernel.org's
    /// lower-case `sha256sums` (whose signed form is `sha256sums.asc`).
    pub fn from_sums_name(name: &str) -> Option<Algo> {
        // OpenBSD's `SHA256` (BSD lines, `SHA256.sig` its signify signature).
        match name {
            "SHA256" => return Some(Algo::Sha256),
            "SHA512" => return Some(Algo::Sha512),
            _ => {}
        }
        // Every other form says `sum`; most names the scan asks about do not (it asks of each).
        if !name.as_bytes().windows(3).any(|w| w.eq_ignore_ascii_case(b"sum")) {
            return None;
        }
        let lower = name.to_ascii_lowercase();
        let stem = lower.strip_suffix(".txt").unwrap_or(&lower);
        // The forms publishers use: SHA256SUMS, sha512.sum (GCC), SHASUMS256.txt
        // (Node.js), md5sums.txt (MariaDB, Qt), eclipse-4.30-SUMSSHA512 (Eclipse),
        // Fedora-...-CHECKSUM (Fedora: BSD lines that name their algorithm).
        let algo = |s: &str| match s {
            "md5" => Some(Algo::Md5),
            "sha1" => Some(Algo::Sha1),
            "sha256" | "256" => Some(Algo::Sha256),
            "sha512" | "512" => Some(Algo::Sha512),
            _ => None,
        };
        if let Some(a) = stem.strip_suffix("sums").or_else(|| stem.strip_suffix(".sum")).and_then(algo) {
            return Some(a);
        }
        if let Some(a) = stem.strip_prefix("shasums").and_then(algo) {
            return Some(a);
        }
        if let Some((_, a)) = stem.rsplit_once("sums").filter(|(before, _)| before.is_empty() || before.ends_with('-'))
        {
            return algo(a);
        }
        // GoReleaser's `checksums.txt` and `<project>_<version>_checksums.txt`; k9s's
        // `checksums.sha256`.
        let named = |s: &str| {
            let is = |s: &str, w: &str| s == w || s.ends_with(&format!("-{w}")) || s.ends_with(&format!("_{w}"));
            is(s, "checksum") || is(s, "checksums")
        };
        if let Some((_, ext)) = stem.rsplit_once('.').filter(|(s, _)| named(s)) {
            return algo(ext);
        }
        named(stem).then_some(Algo::Sha256)
    }
}

impl Digests {
    /// The lower-case hex digest of `algo`, when closer computed it.
    pub fn hex(&self, algo: Algo) -> Option<String> {
        match algo {
            Algo::Sha512 => Some(hex(&self.sha512)),
            Algo::Sha256 => Some(hex(&self.sha256)),
            Algo::Md5 => self.md5.as_ref().map(|m| hex(m)),
            Algo::Sha1 => self.sha1.as_ref().map(|h| hex(h)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Algo;

    #[test]
    fn checksum_lists_are_known_by_the_names_publishers_give_them() {
        for (name, algo) in [
            ("SHA256SUMS", Some(Algo::Sha256)),
            ("sha512sums", Some(Algo::Sha512)),
            ("SHASUMS256.txt", Some(Algo::Sha256)),
            ("md5sums.txt", Some(Algo::Md5)),
            ("eclipse-4.30-SUMSSHA512", Some(Algo::Sha512)),
            ("Fedora-Server-41-1.4-x86_64-CHECKSUM", Some(Algo::Sha256)),
            ("checksums.txt", Some(Algo::Sha256)),
            ("tool_1.2.0_checksums.txt", Some(Algo::Sha256)),
            ("cosign_checksums.txt", Some(Algo::Sha256)),
            ("checksums.sha256", Some(Algo::Sha256)),
            ("checksums.sha512", Some(Algo::Sha512)),
            ("SHA256", Some(Algo::Sha256)),
            ("consumer-1.0.tar.gz", None),
            ("checksums.tar.gz", None),
            ("summary.txt", None),
        ] {
            assert_eq!(Algo::from_sums_name(name), algo, "{name}");
        }
    }
}
