//! The checksums of a file, as plain data: the check stage computes them, the lists, the
//! sums and the pages carry them. The hash states let a signature check finish the hash
//! of a file read once, instead of reading it again.

use crate::util::sha::{Sha256, Sha512};
use crate::util::text::hex;
use sha1::{Digest as _, Sha1};
use std::collections::HashMap;

/// The checksums of one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "DigestsRecord", from = "DigestsRecord")]
pub struct Digests {
    pub sha512: [u8; 64],
    pub sha256: [u8; 32],
    /// The BitTorrent v1 piece hashes, for the site's `.torrent` of an artifact
    /// ([`Digests::pieces`]): every artifact has them when the site offers torrents, so
    /// they are not among the rare. Empty when there are none, not an `Option`: the
    /// empty box is the niche that keeps an `Option<Digests>`, which every file of the
    /// tree has, from taking eight bytes more.
    pieces: Pieces,
    /// The rarer digests, in one box made when the first of them is set: every file of
    /// a million-file tree carries a `Digests`, and inline they took 130 bytes of each
    /// whether there or not, boxed one by one 40 ([`Digests::new`]).
    rare: Option<Box<Rare>>,
}

/// The digests few files have, read through the [`Digests`] methods of the same names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rare {
    /// Only for files the policy or an uploaded `.md5` asks it of.
    pub md5: Option<[u8; 16]>,
    /// Only for files with an uploaded `.sha1`.
    pub sha1: Option<[u8; 20]>,
    /// BLAKE2b-512, only for files a `b2sums.txt` lists (Arch Linux).
    pub blake2b: Option<[u8; 64]>,
    /// Of a source archive: its SWHIDs (`check::swhid`).
    pub swhid: Option<Swhid>,
}

impl Digests {
    /// The digests of a file: the two every file has, its pieces, and the rarer ones
    /// (boxed only when there is one).
    pub fn new(sha512: [u8; 64], sha256: [u8; 32], pieces: Option<Pieces>, rare: Rare) -> Digests {
        let rare = (rare != Rare::default()).then(|| Box::new(rare));
        Digests { sha512, sha256, pieces: pieces.unwrap_or(Pieces(Box::default())), rare }
    }

    /// Its BitTorrent pieces, when they were computed.
    pub fn pieces(&self) -> Option<&Pieces> {
        (!self.pieces.0.is_empty()).then_some(&self.pieces)
    }

    /// Forgets its BitTorrent pieces.
    pub fn drop_pieces(&mut self) {
        self.pieces = Pieces(Box::default());
    }

    pub fn md5(&self) -> Option<&[u8; 16]> {
        self.rare.as_ref()?.md5.as_ref()
    }

    pub fn sha1(&self) -> Option<&[u8; 20]> {
        self.rare.as_ref()?.sha1.as_ref()
    }

    pub fn blake2b(&self) -> Option<&[u8; 64]> {
        self.rare.as_ref()?.blake2b.as_ref()
    }

    pub fn swhid(&self) -> Option<&Swhid> {
        self.rare.as_ref()?.swhid.as_ref()
    }
}

/// [`Digests`] as written in JSON (a held project's record): each digest a field of its
/// own, in hex, the rarer ones `null` when absent.
#[derive(serde::Serialize, serde::Deserialize)]
struct DigestsRecord {
    #[serde(with = "super::hex_serde::array")]
    sha512: [u8; 64],
    #[serde(with = "super::hex_serde::array")]
    sha256: [u8; 32],
    #[serde(with = "super::hex_serde::opt_array")]
    md5: Option<[u8; 16]>,
    #[serde(with = "super::hex_serde::opt_array")]
    sha1: Option<[u8; 20]>,
    #[serde(default, with = "super::hex_serde::opt_array")]
    blake2b: Option<[u8; 64]>,
    pieces: Option<Pieces>,
    swhid: Option<Swhid>,
}

impl From<Digests> for DigestsRecord {
    fn from(d: Digests) -> DigestsRecord {
        let pieces = d.pieces().is_some().then_some(d.pieces);
        let Rare { md5, sha1, blake2b, swhid } = d.rare.map(|r| *r).unwrap_or_default();
        DigestsRecord { sha512: d.sha512, sha256: d.sha256, md5, sha1, blake2b, pieces, swhid }
    }
}

impl From<DigestsRecord> for Digests {
    fn from(r: DigestsRecord) -> Digests {
        let DigestsRecord { sha512, sha256, md5, sha1, blake2b, pieces, swhid } = r;
        Digests::new(sha512, sha256, pieces, Rare { md5, sha1, blake2b, swhid })
    }
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
        self.swhid()?.dir.map(|id| swhid_text("dir", &id))
    }

    /// `swh:1:cnt:…` of a source archive itself.
    pub fn swhid_cnt(&self) -> Option<String> {
        self.swhid().map(|s| swhid_text("cnt", &s.cnt))
    }
}

/// A SWHID in its written form: `swh:1:<kind>:<hex id>`.
pub fn swhid_text(kind: &str, id: &[u8; 20]) -> String {
    format!("swh:1:{kind}:{}", hex(id))
}

/// BitTorrent v1 pieces of a file: the SHA-1 of each `length`-byte piece, concatenated
/// (the last piece may be shorter). One allocation, the length before the hashes: every
/// artifact of a site that offers torrents has them, half a million at foundation scale.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(into = "PiecesRecord", from = "PiecesRecord")]
pub struct Pieces(Box<[u8]>);

impl Pieces {
    pub fn new(length: u32, hashes: &[u8]) -> Pieces {
        Pieces([&length.to_le_bytes()[..], hashes].concat().into())
    }

    /// The length of a piece in bytes.
    pub fn length(&self) -> u32 {
        u32::from_le_bytes(self.0[..4].try_into().expect("four bytes of length"))
    }

    /// The SHA-1 of each piece, concatenated.
    pub fn hashes(&self) -> &[u8] {
        &self.0[4..]
    }
}

/// [`Pieces`] as written in JSON.
#[derive(serde::Serialize, serde::Deserialize)]
struct PiecesRecord {
    length: u32,
    #[serde(with = "super::hex_serde::boxed")]
    hashes: Box<[u8]>,
}

impl From<Pieces> for PiecesRecord {
    fn from(p: Pieces) -> PiecesRecord {
        PiecesRecord { length: p.length(), hashes: p.hashes().into() }
    }
}

impl From<PiecesRecord> for Pieces {
    fn from(r: PiecesRecord) -> Pieces {
        Pieces::new(r.length, &r.hashes)
    }
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
        Pieces::new(self.length as u32, &self.hashes)
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
    /// BLAKE2b-512, as `b2sum` writes it.
    Blake2b,
}

/// Is a list's name (in lower case, without `.txt`) `checksums` or `checksum`, alone or
/// after a `-`, `_` or `.` (GoReleaser's `tool_1.2.0_checksums`, Rocky Linux's
/// `X.iso.CHECKSUM`)?
fn named_checksums(stem: &str) -> bool {
    let is = |w: &str| stem.strip_suffix(w).is_some_and(|b| b.is_empty() || b.ends_with(['-', '_', '.']));
    is("checksum") || is("checksums")
}

/// Most names the scan asks about (several times a file) are not lists: rule them out in one
/// pass, without allocating, unless they hold `sum`, `signatures-`, `sha-`, `sha.txt` or
/// `.digests` in any case, or are short (`MD5`, `SHA256.txt`).
fn may_name_a_list(name: &str) -> bool {
    let b = name.as_bytes();
    let at = |i: usize, w: &[u8]| b.len() - i >= w.len() && b[i..i + w.len()].eq_ignore_ascii_case(w);
    let mentions = (0..b.len()).any(|i| match b[i] | 0x20 {
        b's' => at(i, b"sum") || at(i, b"signatures-") || at(i, b"sha-") || at(i, b"sha.txt"),
        b'.' => at(i, b".digests"),
        _ => false,
    });
    mentions || name.len() <= 10
}

impl Algo {
    pub fn ext(self) -> &'static str {
        match self {
            Algo::Md5 => "md5",
            Algo::Sha1 => "sha1",
            Algo::Sha256 => "sha256",
            Algo::Sha512 => "sha512",
            Algo::Blake2b => "blake2b",
        }
    }

    /// The coreutils command that checks a list of this algorithm.
    pub fn sum_command(self) -> &'static str {
        match self {
            Algo::Md5 => "md5sum",
            Algo::Sha1 => "sha1sum",
            Algo::Sha256 => "sha256sum",
            Algo::Sha512 => "sha512sum",
            Algo::Blake2b => "b2sum",
        }
    }

    /// How many hex digits a digest of this algorithm has.
    pub fn hex_len(self) -> usize {
        match self {
            Algo::Md5 => 32,
            Algo::Sha1 => 40,
            Algo::Sha256 => 64,
            Algo::Sha512 | Algo::Blake2b => 128,
        }
    }

    /// The algorithm of a checksum file's ending: `sha512`, and the forms publishers
    /// add to it: `sha256sum` (Tor, Helm) and `sha256.txt` (Perl).
    pub fn from_ext(ext: &str) -> Option<Algo> {
        // In any case (CentOS Stream writes `X.iso.SHA256SUM`), without allocating: the
        // scan asks this of every file. A suffix that matches is ASCII, so the cut is
        // at a character boundary.
        fn strip<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
            let cut = s.len().checked_sub(suffix.len())?;
            s.as_bytes()[cut..].eq_ignore_ascii_case(suffix.as_bytes()).then(|| &s[..cut])
        }
        // ntpsec's `X.tar.gz.sum`, `sha256sum`'s output: compared in the digest's length.
        if ext.eq_ignore_ascii_case("sum") {
            return Some(Algo::Sha256);
        }
        let ext = strip(ext, ".txt").unwrap_or(ext);
        let ext = strip(ext, "sum").unwrap_or(ext);
        [
            ("md5", Algo::Md5),
            ("sha1", Algo::Sha1),
            ("sha256", Algo::Sha256),
            ("sha512", Algo::Sha512),
            ("b2", Algo::Blake2b),
            ("blake2b", Algo::Blake2b),
            // Names that say no algorithm (Armbian's `X.sha`, KeePassXC's `X.DIGEST`):
            // SHA-256, what they hold; compared in the digest's own length's
            // (`check::uploaded`).
            ("sha", Algo::Sha256),
            ("digest", Algo::Sha256),
        ]
        .into_iter()
        .find_map(|(name, algo)| ext.eq_ignore_ascii_case(name).then_some(algo))
    }

    /// The algorithm of a checksum list by its name, in every form publishers use:
    /// `SHA512SUMS`, kernel.org's `sha256sums`, GCC's `sha512.sum`, Node.js's
    /// `SHASUMS256.txt`, `md5sums.txt` (MariaDB, Qt), Linux Mint's and CentOS's
    /// singular `sha256sum.txt`, Arch Linux's `b2sums.txt`, HashiCorp's
    /// `terraform_1.10.0_SHA256SUMS`, Eclipse's `eclipse-4.30-SUMSSHA512`, the bare
    /// `SHA256` (OpenBSD), `MD5` and `SHA512` (NetBSD), `SHA256.txt` (Erlang/OTP),
    /// FreeBSD's `CHECKSUM.SHA256-FreeBSD-14.2-RELEASE-amd64`, Fedora's and Rocky
    /// Linux's `...-CHECKSUM` and `X.iso.CHECKSUM` (BSD lines that name their
    /// algorithm), Wireshark's `SIGNATURES-4.4.2.txt`, CMake's `cmake-3.31.2-SHA-256.txt`,
    /// and GoReleaser's `checksums.txt`.
    pub fn from_sums_name(name: &str) -> Option<Algo> {
        if !may_name_a_list(name) {
            return None;
        }
        let lower = name.to_ascii_lowercase();
        let stem = lower.strip_suffix(".txt").unwrap_or(&lower);
        let algo = |s: &str| match s {
            "md5" => Some(Algo::Md5),
            "sha1" => Some(Algo::Sha1),
            "sha256" | "256" => Some(Algo::Sha256),
            "sha512" | "512" => Some(Algo::Sha512),
            "b2" | "blake2b" => Some(Algo::Blake2b),
            _ => None,
        };
        if stem != "256"
            && stem != "512"
            && let Some(a) = algo(stem)
        {
            return Some(a);
        }
        let last_word = |s: &str| s.rsplit(['-', '_']).next().and_then(algo);
        // (Godot's `SHA512-SUMS.txt` too; HDF5's `hdf5-1.14.5.sha256sums.txt`, after a `.`.)
        let sums =
            stem.strip_suffix("sums").map(|s| s.strip_suffix(['-', '_']).unwrap_or(s)).or(stem.strip_suffix(".sum"));
        if let Some(a) = sums.and_then(|s| s.rsplit(['-', '_', '.']).next().and_then(algo)) {
            return Some(a);
        }
        // `sha256sum.txt`; VeraCrypt's `veracrypt-1.26.15-sha256sum.txt`.
        if let Some(a) = stem.strip_suffix("sum").and_then(|s| algo(s).or_else(|| last_word(s))) {
            return Some(a);
        }
        // Tor Browser's `sha256sums-signed-build.txt` and its
        // `sha256sums-signed-build.incrementals.txt` (not their signatures,
        // `….txt.asc`); `checksums_sha256.txt`.
        if let Some(a) = stem
            .split_once("sums")
            .filter(|(_, rest)| {
                rest.starts_with(['-', '_']) && rest.strip_suffix(".incrementals").unwrap_or(rest).find('.').is_none()
            })
            .and_then(|(a, _)| algo(a))
        {
            return Some(a);
        }
        if let Some(a) = stem.strip_prefix("checksums").and_then(|r| r.strip_prefix(['-', '_'])).and_then(algo) {
            return Some(a);
        }
        // Node.js's `SHASUMS256.txt`; ICU's `SHASUM512.txt`; Neovim's `shasum.txt` (of
        // `shasum -a 256`).
        let shasum = |r: &str| if r.is_empty() { Some(Algo::Sha256) } else { algo(r) };
        if let Some(a) = stem.strip_prefix("shasums").or_else(|| stem.strip_prefix("shasum")).and_then(shasum) {
            return Some(a);
        }
        if let Some(a) = stem.strip_prefix("checksum.").and_then(|s| s.split('-').next()).and_then(algo) {
            return Some(a);
        }
        if let Some((_, a)) = stem.rsplit_once("sums").filter(|(before, _)| before.is_empty() || before.ends_with('-'))
        {
            return algo(a);
        }
        if let Some(a) = Algo::from_publishers_name(&lower, stem) {
            return Some(a);
        }
        // GoReleaser's `checksums.txt` and `<project>_<version>_checksums.txt`; k9s's
        // `checksums.sha256`; Rocky Linux's `Rocky-9.5-x86_64-dvd.iso.CHECKSUM`.
        if let Some((_, ext)) = stem.rsplit_once('.').filter(|(s, _)| named_checksums(s)) {
            return algo(ext);
        }
        named_checksums(stem).then_some(Algo::Sha256)
    }

    /// Does a checksum list's name say no algorithm (GoReleaser's `checksums.txt` and
    /// `<project>_<version>_checksums.txt`, SHA-256 by default and SHA-512 as Caddy
    /// configures it)? Its digests' length says which ([`Algo::from_sums_name`] gives
    /// SHA-256, the usual one, until its text is read).
    pub fn says_no_algorithm(name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        may_name_a_list(name) && named_checksums(lower.strip_suffix(".txt").unwrap_or(&lower))
    }

    /// The algorithm of a digest `hex_len` hex digits long.
    pub fn of_hex_len(hex_len: usize) -> Option<Algo> {
        Some(match hex_len {
            32 => Algo::Md5,
            40 => Algo::Sha1,
            64 => Algo::Sha256,
            128 => Algo::Sha512,
            _ => return None,
        })
    }

    /// Names single publishers give their lists (`lower` the name in lower case, `stem`
    /// without `.txt`).
    fn from_publishers_name(lower: &str, stem: &str) -> Option<Algo> {
        // CMake's `cmake-3.31.2-SHA-256.txt`: the algorithm spelt as its standard does.
        let spelt = [("sha-1", Algo::Sha1), ("sha-256", Algo::Sha256), ("sha-512", Algo::Sha512)];
        if let Some(a) = spelt.iter().find_map(|(w, a)| {
            let before = stem.strip_suffix(w)?;
            (before.is_empty() || before.ends_with(['-', '_'])).then_some(*a)
        }) {
            return Some(a);
        }
        // .NET's `9.0.101-sha.txt` (`Hash: SHA512`, then `sha512sum` lines).
        if lower.ends_with("-sha.txt") && stem.starts_with(|c: char| c.is_ascii_digit()) {
            return Some(Algo::Sha512);
        }
        // Wireshark's `SIGNATURES-4.4.2.txt`; Monero's clearsigned `hashes.txt`.
        if (lower.starts_with("signatures-") && lower.ends_with(".txt")) || lower == "hashes.txt" {
            return Some(Algo::Sha256);
        }
        // Gentoo's `stage3-...tar.xz.DIGESTS`: a section per algorithm (`# SHA512 HASH`),
        // each line naming the file or its CONTENTS.gz.
        lower.ends_with(".digests").then_some(Algo::Sha512)
    }
}

impl Digests {
    /// The lower-case hex digest of `algo`, when closer computed it.
    pub fn hex(&self, algo: Algo) -> Option<String> {
        match algo {
            Algo::Sha512 => Some(hex(&self.sha512)),
            Algo::Sha256 => Some(hex(&self.sha256)),
            Algo::Md5 => self.md5().map(|m| hex(m)),
            Algo::Sha1 => self.sha1().map(|h| hex(h)),
            Algo::Blake2b => self.blake2b().map(|h| hex(h)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Algo;

    /// Every file of the tree carries its digests and every artifact two files: their
    /// size is the tree's memory at a million files (the rare digests in one box).
    #[test]
    fn digests_and_artifacts_stay_small() {
        let sizes =
            (std::mem::size_of::<Option<super::Digests>>(), std::mem::size_of::<crate::model::tree::Artifact>());
        eprintln!("Digests {} bytes, Artifact {} bytes", sizes.0, sizes.1);
        assert!(sizes.0 <= 120 && sizes.1 <= 448, "{sizes:?}");
    }

    #[test]
    fn checksum_lists_are_known_by_the_names_publishers_give_them() {
        for (name, algo) in [
            ("SHA256SUMS", Some(Algo::Sha256)),
            ("sha512sums", Some(Algo::Sha512)),
            ("SHASUMS256.txt", Some(Algo::Sha256)),
            ("shasum.txt", Some(Algo::Sha256)),
            ("md5sums.txt", Some(Algo::Md5)),
            ("eclipse-4.30-SUMSSHA512", Some(Algo::Sha512)),
            ("Fedora-Server-41-1.4-x86_64-CHECKSUM", Some(Algo::Sha256)),
            ("checksums.txt", Some(Algo::Sha256)),
            ("tool_1.2.0_checksums.txt", Some(Algo::Sha256)),
            ("cosign_checksums.txt", Some(Algo::Sha256)),
            ("checksums.sha256", Some(Algo::Sha256)),
            ("checksums.sha512", Some(Algo::Sha512)),
            ("SHA256", Some(Algo::Sha256)),
            ("SHASUM512.txt", Some(Algo::Sha512)),
            ("9.0.101-sha.txt", Some(Algo::Sha512)),
            ("hashes.txt", Some(Algo::Sha256)),
            ("SHA512", Some(Algo::Sha512)),
            ("MD5", Some(Algo::Md5)),
            ("SHA256.txt", Some(Algo::Sha256)),
            ("sha256sum.txt", Some(Algo::Sha256)),
            ("sha1sum.txt", Some(Algo::Sha1)),
            ("b2sums.txt", Some(Algo::Blake2b)),
            ("terraform_1.10.0_SHA256SUMS", Some(Algo::Sha256)),
            ("CHECKSUM.SHA512-FreeBSD-14.2-RELEASE-amd64", Some(Algo::Sha512)),
            ("CHECKSUM.SHA256-FreeBSD-14.2-RELEASE-arm64-aarch64", Some(Algo::Sha256)),
            ("CHECKSUM", Some(Algo::Sha256)),
            ("Rocky-9.5-x86_64-dvd.iso.CHECKSUM", Some(Algo::Sha256)),
            ("SIGNATURES-4.4.2.txt", Some(Algo::Sha256)),
            ("sha256sums-signed-build.txt", Some(Algo::Sha256)),
            ("sha256sums-signed-build.txt.asc", None),
            ("sha256sums-signed-build.incrementals.txt", Some(Algo::Sha256)),
            ("sha256sums-signed-build.incrementals.txt.asc", None),
            ("checksums_sha512.txt", Some(Algo::Sha512)),
            ("hdf5-1.14.5.sha256sums.txt", Some(Algo::Sha256)),
            ("tor-0.4.8.13.tar.gz.sha256sum", None),
            ("perl-5.40.0.tar.gz.sha256.txt", None),
            ("256", None),
            ("sha256sum.exe", None),
            ("consumer-1.0.tar.gz", None),
            ("checksums.tar.gz", None),
            ("summary.txt", None),
            ("cmake-3.31.2-SHA-256.txt", Some(Algo::Sha256)),
            ("cmake-3.31.2-SHA-256.txt.asc", None),
            ("release-sha-512.txt", Some(Algo::Sha512)),
            ("visa-256.txt", None),
        ] {
            assert_eq!(Algo::from_sums_name(name), algo, "{name}");
        }
    }
}
