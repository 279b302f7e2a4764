//! Checksums of the release files: SHA-512 and SHA-256 (and MD5 for legacy policies)
//! computed in one read of each file, files in parallel. A persistent cache keyed by
//! path, size, mtime, ctime and inode means a rebuild with nothing changed reads no
//! artifact bytes, while a changed file is always read again.

use super::cache_journal::{self, Base, Served};
use super::digest_cache::{self, KIND as CACHE_KIND};
use super::swhid::Archive;
use super::{cache, cache_stream};
use crate::model::digests::{Algo, Digests, HashState, HashStates, PieceHasher, Rare, Swhid, piece_length};
use crate::model::tree::{Codec, FileRef, Stat, Tree};
use crate::util::sha::{Sha256, Sha512};
use anyhow::{Context, Result};
use blake2::Blake2b512;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use md5::Md5;
use rayon::prelude::*;
use sha1::Sha1;
use sha2::Digest as _;
use std::collections::HashMap;
use std::io::{IsTerminal, Read};
use std::path::Path;

/// What the digest stage did, for `--stats` and tests.
#[derive(Debug, Default, Clone)]
pub struct DigestStats {
    pub hashed_files: u64,
    pub hashed_bytes: u64,
    pub cached_files: u64,
    /// The cache was there but could not be used.
    pub cache_discarded: bool,
    /// The files the build was not allowed to read (left without digests).
    pub unreadable: Vec<String>,
}

/// Was reading refused for want of permission?
pub fn denied(e: &anyhow::Error) -> bool {
    e.chain()
        .any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::PermissionDenied))
}

impl DigestStats {
    /// The problems of the files the build could not read, each its project's.
    pub fn unreadable_problems(&self, root: &Path) -> Vec<crate::util::problem::Problem> {
        self.unreadable.iter().map(|rel| crate::util::problem::unreadable(&root.join(rel), false)).collect()
    }
}

/// The digests computed beside SHA-512 and SHA-256 for a file: MD5 for a legacy policy
/// or a `.md5` the release manager uploaded, SHA-1 for an uploaded `.sha1`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Extras {
    pub md5: bool,
    pub sha1: bool,
    /// BLAKE2b-512, for a file a `b2sums.txt` lists.
    pub blake2b: bool,
    /// The hash states of the uncompressed content too, for a signature over it.
    pub uncompressed: Option<Codec>,
    /// BitTorrent pieces, of an artifact when the site is written (the site makes a
    /// `.torrent` of each).
    pub pieces: bool,
    /// The SWHIDs of a source archive, read as what it is.
    pub swhid: Option<Archive>,
    /// Keep the hash states after the last byte, for a signature check to finish
    /// instead of reading the file again.
    pub state: bool,
}

/// Files from this size on keep their hash states for the signature check; a smaller
/// one is read again by the check, which costs about as much as checking its signature,
/// while keeping states for the half million small artifacts of a foundation-sized tree
/// would hold 300 MB.
const STATES_FROM: u64 = 64 << 10;

impl Extras {
    fn with(self, algo: Algo) -> Extras {
        match algo {
            Algo::Md5 => Extras { md5: true, ..self },
            Algo::Sha1 => Extras { sha1: true, ..self },
            Algo::Blake2b => Extras { blake2b: true, ..self },
            Algo::Sha256 | Algo::Sha512 => self,
        }
    }

    /// Does `d` hold every digest asked for?
    fn served_by(self, d: &Digests) -> bool {
        (!self.md5 || d.md5().is_some())
            && (!self.sha1 || d.sha1().is_some())
            && (!self.blake2b || d.blake2b().is_some())
            && (!self.pieces || d.pieces().is_some())
            && (self.swhid.is_none() || d.swhid().is_some())
    }
}

/// What each file of the tree needs hashed: what all need, and what the files that need
/// more need, by the file's place in the tree ([`place`]): at a million files, a map
/// keyed by copies of half a million artifacts' paths held 60 MB through the stage.
/// With `pieces` (the site is written), exactly the artifacts want pieces.
struct Wanted {
    all: Extras,
    some: HashMap<usize, Extras>,
    pieces: bool,
}

/// A file's place in the tree: its address, which stays while the digest stage fills
/// the files in (the tree is neither moved nor grown meanwhile). Compared, never read.
fn place(f: &FileRef) -> usize {
    std::ptr::from_ref(f) as usize
}

/// The files that need more than SHA-512 and SHA-256, because the release manager
/// uploaded an MD5 or SHA-1 sidecar or list for them, or signed their uncompressed
/// content; `legacy_md5` asks MD5 of all. The BitTorrent pieces are of the artifacts
/// alone (the site makes a `.torrent` of each); every file had them, and they held two
/// allocations of each signature and checksum file.
fn extras_wanted(tree: &Tree, legacy_md5: bool, pieces: bool) -> Wanted {
    let all = Extras {
        md5: legacy_md5,
        sha1: false,
        blake2b: false,
        uncompressed: None,
        pieces: false,
        swhid: None,
        state: false,
    };
    let mut some = HashMap::new();
    // The algorithms of the lists beside a project's releases, once per project.
    let beside: HashMap<&str, Vec<Algo>> =
        tree.projects.values().map(|p| (p.name.as_str(), p.lists().map(|(algo, _)| algo).collect())).collect();
    for (p, r, a) in tree.artifacts() {
        let algos = a.checksums.iter().map(|(algo, _)| *algo).chain(r.sums.iter().map(|(algo, _)| *algo));
        let algos = algos.chain(beside.get(p.name.as_str()).into_iter().flatten().copied());
        let algos = algos.chain(r.signed_lists.iter().chain(&p.signed_lists).map(|l| l.algo));
        let mut e = algos.fold(Extras { pieces, ..all }, Extras::with);
        e.uncompressed = a.signed_uncompressed().map(|u| u.codec);
        e.swhid = Archive::of(a.name(), &p.name);
        e.state =
            a.signed_uncompressed().is_some() || (a.file.stat.size >= STATES_FROM && r.signature_file(a).is_some());
        if e != all {
            some.insert(place(&a.file), e);
        }
    }
    Wanted { all, some, pieces }
}

/// The hashes a file is read into, updated together piece by piece.
struct Hashers {
    s512: Sha512,
    s256: Sha256,
    m5: Option<Md5>,
    s1: Option<Sha1>,
    b2: Option<Blake2b512>,
    pieces: Option<PieceHasher>,
    /// The git blob hash of the file, for its `swh:1:cnt`.
    blob: Option<Sha1>,
}

impl Hashers {
    /// Hashers for a file of `size` bytes.
    fn new(extras: Extras, size: u64) -> Hashers {
        Hashers {
            s512: Sha512::new(),
            s256: Sha256::new(),
            m5: extras.md5.then(Md5::new),
            s1: extras.sha1.then(Sha1::new),
            b2: extras.blake2b.then(Blake2b512::new),
            pieces: extras.pieces.then(|| PieceHasher::new(piece_length(size))),
            blob: extras.swhid.map(|_| super::swhid::blob_hasher(size)),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        // Every hash over each 64 KiB piece while it is in the core's cache, rather
        // than each over the whole buffer in turn.
        for piece in bytes.chunks(64 << 10) {
            self.s512.update(piece);
            self.s256.update(piece);
            if let Some(m) = self.m5.as_mut() {
                m.update(piece);
            }
            if let Some(h) = self.s1.as_mut() {
                h.update(piece);
            }
            if let Some(h) = self.b2.as_mut() {
                h.update(piece);
            }
            if let Some(p) = self.pieces.as_mut() {
                p.update(piece);
            }
            if let Some(h) = self.blob.as_mut() {
                h.update(piece);
            }
        }
    }

    fn finish(
        self,
        uncompressed: Option<Result<Box<HashState>, String>>,
        tree: Option<super::swhid::Tree>,
        state: bool,
    ) -> (Digests, Option<Box<HashState>>) {
        let state =
            state.then(|| Box::new(HashState { sha512: self.s512.clone(), sha256: self.s256.clone(), uncompressed }));
        let swhid = self.blob.map(|blob| Swhid { dir: tree.map(|t| t.dir_id()), cnt: blob.finalize().into() });
        let rare = Rare {
            md5: self.m5.map(|m| m.finalize().into()),
            sha1: self.s1.map(|h| h.finalize().into()),
            blake2b: self.b2.map(|h| h.finalize().into()),
            swhid,
        };
        let pieces = self.pieces.map(PieceHasher::finish);
        let digests = Digests::new(self.s512.finish(), self.s256.finish(), pieces, rare);
        (digests, state)
    }
}

/// Opens a file for one sequential read.
fn open_sequential(path: &Path) -> Result<std::fs::File> {
    let f = std::fs::File::open(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    // Advisory: a failure costs only read-ahead.
    let _ = rustix::fs::fadvise(&f, 0, None, rustix::fs::Advice::Sequential);
    Ok(f)
}

/// Hashes one file in a single read, keeping its states for a signature check when
/// `extras.state` asks; with a codec in `extras`, also the states of its uncompressed
/// bytes (decompressed in the same read).
/// `on_read` hears the size of each chunk read (for a progress bar).
pub fn hash_file_state(
    path: &Path,
    extras: Extras,
    on_read: &(dyn Fn(u64) + Sync),
) -> Result<(Digests, u64, Option<Box<HashState>>)> {
    crate::util::fault::point("hash");
    let f = open_sequential(path)?;
    let size = f.metadata().with_context(|| format!("cannot read `{}`", path.display()))?.len();
    let mut hashers = Hashers::new(extras, size);
    let tar = match extras.swhid {
        Some(Archive::Tar(codec)) => Some(codec),
        _ => None,
    };
    if extras.uncompressed.is_some() || tar.is_some() {
        // One read: the file is hashed as it passes into the decoder, and what comes
        // out is hashed (for a signature over it) and read as a tar (for its SWHID).
        let codec = extras.uncompressed.or(tar.flatten());
        let mut tee = Tee { file: f, hashers: &mut hashers, total: 0, on_read };
        let read =
            super::decompress::read_uncompressed(codec, &mut tee, size, extras.uncompressed.is_some(), tar.is_some())
                .with_context(|| format!("cannot read `{}`", path.display()))?;
        let total = tee.total;
        let (digests, state) = hashers.finish(read.states, read.tar.and_then(Result::ok), extras.state);
        return Ok((digests, total, state));
    }
    // One buffer per thread: zeroing a fresh megabyte for each of many small files
    // cost more than hashing them.
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0u8; 1 << 20]);
    }
    let mut f = f;
    let total = BUF.with_borrow_mut(|buf| -> Result<u64> {
        let mut total = 0u64;
        loop {
            let n = match f.read(buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", path.display())),
            };
            on_read(n as u64);
            hashers.update(&buf[..n]);
            total += n as u64;
        }
        Ok(total)
    })?;
    // A zip's directory is at its end: read again, from the page cache.
    let tree = match extras.swhid {
        Some(Archive::Zip) => {
            std::fs::File::open(path).ok().and_then(|f| super::swhid::of_zip(std::io::BufReader::new(f)).ok())
        }
        _ => None,
    };
    let (digests, state) = hashers.finish(None, tree, extras.state);
    Ok((digests, total, state))
}

/// A file read through its hashes: what the decompressor reads is hashed as it
/// passes, so the compressed file is read once for both.
struct Tee<'a> {
    file: std::fs::File,
    hashers: &'a mut Hashers,
    total: u64,
    on_read: &'a (dyn Fn(u64) + Sync),
}

impl Read for Tee<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read(buf)?;
        self.hashers.update(&buf[..n]);
        self.total += n as u64;
        (self.on_read)(n as u64);
        Ok(n)
    }
}

/// The records of `entries`, in the tree's artifact order, so that the next load of an
/// unchanged tree matches record by record without a lookup.
fn records(entries: &[(&str, Stat, &Digests)]) -> cache::Writer {
    let mut w = cache::Writer::with_capacity(entries.iter().map(|(rel, _, d)| digest_cache::room(rel, d)).sum());
    w.u64(entries.len() as u64);
    for (rel, s, d) in entries {
        digest_cache::write(&mut w, rel, s, d);
    }
    w
}

/// Stores what the build knows: the records of the files the base did not serve as a
/// journal beside it, while that stays small, else the whole cache again.
fn store_cache(writes: &mut cache::CacheWrites, path: &Path, tree: &Tree, base: Option<(&Base, &[bool])>) {
    fn entry(f: &FileRef) -> Option<(&str, Stat, &Digests)> {
        f.digests.as_ref().map(|d| (f.rel.as_ref(), f.stat, d))
    }
    let files = tree.files();
    let served = base.map_or(&[][..], |(_, s)| s);
    let new =
        || records(&files.iter().zip(served).filter(|(_, s)| !**s).filter_map(|(f, _)| entry(f)).collect::<Vec<_>>());
    let whole = || records(&files.iter().filter_map(|f| entry(f)).collect::<Vec<_>>());
    cache_journal::store_added(writes, (path, CACHE_KIND, &tree.root), base.map(|(b, _)| b), new, whole);
}

/// Fills in the digests of every regular file of the tree (artifacts, signatures, KEYS,
/// checksum files): mirror lists need the SHA-512 of each file they carry. With
/// `pieces`, the BitTorrent pieces too (a cached entry without them is hashed again).
pub fn digest(
    mut tree: Tree,
    cache_path: Option<&Path>,
    writes: &mut cache::CacheWrites,
    legacy_md5: bool,
    pieces: bool,
) -> Result<(Tree, DigestStats, HashStates)> {
    let mut stats = DigestStats::default();
    let stream = cache_path.filter(|p| p.exists()).map(|p| cache_stream::open(p, CACHE_KIND, &tree.root));
    let had_cache = stream.is_some();
    let journal = match (&stream, cache_path) {
        (Some(Some(s)), Some(p)) => cache_journal::open(p, CACHE_KIND, &tree.root, &s.seal),
        _ => None,
    };
    let wanted = extras_wanted(&tree, legacy_md5, pieces);
    let (todo, base) = from_cache(&mut tree, (stream, journal), &wanted, &mut stats);
    let mut states = HashStates::new();
    if !todo.is_empty() {
        // Sorted by path and searched, not put in a map: at a million files a map of
        // paths to digests beside the results was another 250 MB.
        let mut hashed: Vec<Hashed> = Vec::new();
        for result in hash_all(&tree.root, todo) {
            match result {
                Ok(h) => hashed.push(h),
                // A file the build may not read is its project's problem (a release
                // manager's umask 077 on a shared primary), not the whole site's.
                Err((rel, e)) if denied(&e) => stats.unreadable.push(rel),
                Err((_, e)) => return Err(e),
            }
        }
        for (rel, _, state, n) in &mut hashed {
            if let Some(state) = state.take() {
                states.insert(rel.clone(), *state);
            }
            stats.hashed_bytes += *n;
        }
        hashed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        stats.hashed_files = hashed.len() as u64;
        for f in tree.files_mut() {
            // A file may be listed twice (a tree-wide keyring is every such project's KEYS).
            if let Ok(i) = hashed.binary_search_by(|h| h.0.as_str().cmp(&f.rel)) {
                f.digests = Some(hashed[i].1.clone());
            }
        }
    }
    if let Some(p) = cache_path
        && (stats.hashed_files > 0 || stats.cache_discarded || !had_cache)
    {
        store_cache(writes, p, &tree, base.as_ref().map(|(b, served)| (b, served.as_slice())));
    }
    Ok((tree, stats, states))
}

/// Fills in the digests of unchanged files from the cache (when it holds every digest
/// `wanted`), its base and then its journal, each read as a stream (`None` inside:
/// there, but unusable); returns the files to hash, with their sizes and the extra
/// digests wanted, and what the base held with the files it served.
fn from_cache(
    tree: &mut Tree,
    (stream, journal): (Option<Option<cache_stream::Stream>>, Option<cache_stream::Stream>),
    wanted: &Wanted,
    stats: &mut DigestStats,
) -> (Vec<(String, u64, Extras)>, Option<Served>) {
    let Wanted { all, some, pieces } = wanted;
    let shared = tree.keys.as_ref().map(|k| k.rel.clone());
    let mut files = tree.files_mut();
    let wanted = |f: &FileRef| if some.is_empty() { *all } else { some.get(&place(f)).copied().unwrap_or(*all) };
    let mut base = None;
    let read = match stream {
        Some(Some(mut s)) => {
            let filled = fill(&mut files, &mut s, &wanted, *pieces, stats).filter(|_| s.finished());
            base = filled.map(|(records, used)| Base { seal: s.seal, len: s.len, records, unused: records - used });
            base.is_some()
        }
        Some(None) => false,
        None => true,
    };
    if !read {
        files.iter_mut().for_each(|f| f.digests = None);
        (stats.cached_files, stats.cache_discarded) = (0, true);
    }
    let base = base.map(|b| (b, files.iter().map(|f| f.digests.is_some()).collect::<Vec<bool>>()));
    if let (Some((_, served)), Some(mut j)) = (&base, journal) {
        let before = stats.cached_files;
        if fill(&mut files, &mut j, &wanted, *pieces, stats).filter(|_| j.finished()).is_none() {
            // A corrupt journal: what it gave is hashed again.
            files.iter_mut().zip(served).filter(|(_, s)| !**s).for_each(|(f, _)| f.digests = None);
            stats.cached_files = before;
        }
    }
    let mut todo = Vec::new();
    let mut shared_queued = false;
    for f in files.into_iter().filter(|f| f.digests.is_none()) {
        // The tree-wide keyring is every project's KEYS that has none: read it once.
        if Some(&f.rel) == shared.as_ref() && std::mem::replace(&mut shared_queued, true) {
            continue;
        }
        todo.push((f.rel.to_string(), f.stat.size, wanted(f)));
    }
    (todo, base)
}

/// Gives each file the digests of its record, when its metadata is the record's (found
/// by [`cache::Locator`], never another file's). `None`: a corrupt record. With
/// `pieces`, the pieces a record has of a file that is no artifact (an older cache's)
/// are dropped; without, a record's are kept, for the next build with the site.
/// Returns how many records there were, and how many a file took.
fn fill(
    files: &mut [&mut FileRef],
    s: &mut cache_stream::Stream,
    wanted: &dyn Fn(&FileRef) -> Extras,
    pieces: bool,
    stats: &mut DigestStats,
) -> Option<(u64, u64)> {
    let mut at = cache::Locator::new(files.len());
    let (records, mut used) = (s.next(|r| r.u64())?, 0);
    for _ in 0..records {
        let (places, found) = s.next(|r| {
            let (rel, record) = digest_cache::read(r)?;
            let places = at.find(rel, |i| &files[i].rel);
            Some((places, (!places.is_empty()).then(|| (record.stat, record.digests()))))
        })?;
        let Some((stat, d)) = found else { continue };
        // Nearly always one place: the record moves to it, and is copied only for a file
        // the tree lists twice.
        let (last, mut d, mut took) = (places.len() - 1, Some(d), false);
        for k in 0..places.len() {
            let f = &mut *files[at.file(places, k)];
            let want = wanted(f);
            if stat != f.stat || !d.as_ref().is_some_and(|d| want.served_by(d)) {
                continue;
            }
            let Some(mut mine) = (if k == last { d.take() } else { d.clone() }) else { continue };
            if pieces && !want.pieces {
                mine.drop_pieces();
            }
            f.digests = Some(mine);
            stats.cached_files += 1;
            took = true;
        }
        used += u64::from(took);
    }
    Some((records, used))
}

/// A bar on a terminal when hashing will take a while, else a hidden one.
fn progress_bar(total: u64, files: usize) -> ProgressBar {
    if !(std::io::stderr().is_terminal() && (total > 256 << 20 || files > 5000)) {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    b.set_style(
        ProgressStyle::with_template(
            "hashing {bar:30} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    b
}

/// A file hashed: its path, digests, hash states and the bytes read.
type Hashed = (String, Digests, Option<Box<HashState>>, u64);

/// Hashes the files `todo` (paths under `root`, sizes as scanned) in parallel, largest
/// first. The results are collected in order, one slot per file (collecting into a
/// `Result` would gather them in pieces and copy them, doubling the peak memory).
fn hash_all(root: &Path, mut todo: Vec<(String, u64, Extras)>) -> Vec<Result<Hashed, (String, anyhow::Error)>> {
    // Largest first, so that one big file does not start last and run alone.
    todo.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let bar = progress_bar(todo.iter().map(|f| f.1).sum(), todo.len());
    let results: Vec<Result<Hashed, (String, anyhow::Error)>> = todo
        .into_par_iter()
        .map(|(rel, size, extras)| {
            let path = root.join(&rel);
            // The bar moves as bytes are read: with big files it would otherwise
            // stand still until the first ones are done, all at once.
            let (d, n, state) = match hash_file_state(&path, extras, &|n| bar.inc(n)) {
                Ok(done) => done,
                Err(e) => return Err((rel, e)),
            };
            if n != size {
                let e = anyhow::anyhow!(
                    "`{}` changed while it was being read ({size} bytes expected, {n} read); run again once the upload is complete",
                    path.display(),
                );
                return Err((rel, e));
            }
            Ok((rel, d, state, n))
        })
        .collect();
    bar.finish_and_clear();
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_and_reads_give_the_digests_of_the_whole() {
        // Over two read buffers and many 64 KiB pieces, ending mid-piece.
        let data: Vec<u8> = (0..(2 << 20) + 12_345u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, &data).unwrap();
        let read = std::sync::atomic::AtomicU64::new(0);
        let (d, n, _) = hash_file_state(
            &path,
            Extras {
                md5: true,
                sha1: true,
                blake2b: true,
                uncompressed: None,
                pieces: true,
                swhid: None,
                state: false,
            },
            &|k| _ = read.fetch_add(k, std::sync::atomic::Ordering::Relaxed),
        )
        .unwrap();
        assert_eq!(n, data.len() as u64);
        assert_eq!(read.into_inner(), n);
        assert_eq!(d.sha512, <[u8; 64]>::from(sha2::Sha512::digest(&data)));
        assert_eq!(d.sha256, <[u8; 32]>::from(sha2::Sha256::digest(&data)));
        assert_eq!(d.md5(), Some(&<[u8; 16]>::from(Md5::digest(&data))));
        assert_eq!(d.sha1(), Some(&<[u8; 20]>::from(Sha1::digest(&data))));
        // 16 KiB pieces (2 MiB is 129 of them), the last one short.
        let pieces = d.pieces().unwrap();
        assert_eq!(pieces.length(), 16 << 10);
        let want: Vec<u8> = data.chunks(16 << 10).flat_map(|c| <[u8; 20]>::from(Sha1::digest(c))).collect();
        assert_eq!(pieces.hashes(), &want[..]);
    }
}
