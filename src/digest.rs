//! Checksums of the release files: SHA-512 and SHA-256 (and MD5 for legacy policies)
//! computed in one read of each file, files in parallel. A persistent cache keyed by
//! path, size, mtime, ctime and inode means a rebuild with nothing changed reads no
//! artifact bytes, while a changed file is always read again.

use crate::cache;
use crate::scan::{Stat, Tree};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use md5::Md5;
use rayon::prelude::*;
use sha2::{Digest, Sha256, Sha512};
use std::collections::{BTreeMap, HashMap};
use std::io::{IsTerminal, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

const CACHE_KIND: &str = "digests v1";

/// The checksums of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digests {
    pub sha512: [u8; 64],
    pub sha256: [u8; 32],
    pub md5: Option<[u8; 16]>,
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// What the digest stage did, for `--stats` and tests.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub hashed_files: u64,
    pub hashed_bytes: u64,
    pub cached_files: u64,
    /// The cache was there but could not be used.
    pub cache_discarded: bool,
}

/// Hashes one file in a single read.
pub fn hash_file(path: &Path, md5: bool) -> Result<(Digests, u64)> {
    let mut f = std::fs::File::open(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: advisory call on a file descriptor we own; failure is harmless.
        unsafe { libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_SEQUENTIAL) };
    }
    let mut s512 = Sha512::new();
    let mut s256 = Sha256::new();
    let mut m5 = md5.then(Md5::new);
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", path.display())),
        };
        let chunk = &buf[..n];
        s512.update(chunk);
        s256.update(chunk);
        if let Some(m) = m5.as_mut() {
            m.update(chunk);
        }
        total += n as u64;
    }
    Ok((
        Digests {
            sha512: s512.finalize().into(),
            sha256: s256.finalize().into(),
            md5: m5.map(|m| m.finalize().into()),
        },
        total,
    ))
}

type CacheMap = HashMap<String, (Stat, Digests)>;

fn load_cache(path: &Path, root: &Path, md5: bool) -> Option<CacheMap> {
    let body = cache::load(path, CACHE_KIND, root)?;
    let mut r = cache::reader(&body);
    let n = r.u64()?;
    let mut map = HashMap::with_capacity(n.min(10_000_000) as usize);
    for _ in 0..n {
        let rel = r.str()?.to_string();
        let stat = Stat {
            size: r.u64()?,
            mtime: r.i64()?,
            mtime_ns: r.i64()?,
            ctime: r.i64()?,
            ctime_ns: r.i64()?,
            ino: r.u64()?,
        };
        let sha512 = r.raw(64)?.try_into().ok()?;
        let sha256 = r.raw(32)?.try_into().ok()?;
        let has_md5 = r.u64()? == 1;
        let md5v = if has_md5 { Some(r.raw(16)?.try_into().ok()?) } else { None };
        // An entry without MD5 cannot serve a build that needs one.
        if md5 && md5v.is_none() {
            continue;
        }
        map.insert(rel, (stat, Digests { sha512, sha256, md5: md5v }));
    }
    r.is_empty().then_some(map)
}

fn store_cache(path: &Path, root: &Path, entries: &BTreeMap<String, (Stat, Digests)>) -> Result<()> {
    let mut w = cache::Writer::default();
    w.u64(entries.len() as u64);
    for (rel, (s, d)) in entries {
        w.bytes(rel.as_bytes());
        w.u64(s.size);
        w.i64(s.mtime);
        w.i64(s.mtime_ns);
        w.i64(s.ctime);
        w.i64(s.ctime_ns);
        w.u64(s.ino);
        w.raw(&d.sha512);
        w.raw(&d.sha256);
        match &d.md5 {
            Some(m) => {
                w.u64(1);
                w.raw(m);
            }
            None => w.u64(0),
        }
    }
    cache::store(path, CACHE_KIND, root, w)
}

/// Digests every artifact of the tree, keyed by path relative to the tree root.
pub fn digest(tree: &Tree, cache_path: Option<&Path>, md5: bool) -> Result<(BTreeMap<String, Digests>, Stats)> {
    let mut stats = Stats::default();
    let cached = match cache_path {
        Some(p) if p.exists() => {
            let c = load_cache(p, &tree.root, md5);
            stats.cache_discarded = c.is_none();
            c.unwrap_or_default()
        }
        _ => CacheMap::new(),
    };

    let mut out: BTreeMap<String, (Stat, Digests)> = BTreeMap::new();
    let mut todo = Vec::new();
    for (_, _, a) in tree.artifacts() {
        match cached.get(&a.file.rel) {
            Some((stat, d)) if *stat == a.file.stat && (!md5 || d.md5.is_some()) => {
                out.insert(a.file.rel.clone(), (*stat, d.clone()));
                stats.cached_files += 1;
            }
            _ => todo.push(&a.file),
        }
    }
    drop(cached);

    if !todo.is_empty() {
        // Largest first, so that one big file does not start last and run alone.
        todo.sort_by(|a, b| b.stat.size.cmp(&a.stat.size).then_with(|| a.rel.cmp(&b.rel)));
        let total: u64 = todo.iter().map(|f| f.stat.size).sum();
        let bar = if std::io::stderr().is_terminal() && (total > 256 << 20 || todo.len() > 5000) {
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template(
                    "hashing {bar:30} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        } else {
            ProgressBar::hidden()
        };
        let bytes = AtomicU64::new(0);
        let results: Vec<Result<(String, Stat, Digests)>> = todo
            .par_iter()
            .map(|f| {
                let path = tree.root.join(&f.rel);
                let (d, n) = hash_file(&path, md5)?;
                if n != f.stat.size {
                    anyhow::bail!(
                        "`{}` changed while it was being read ({} bytes expected, {n} read); run again once the upload is complete",
                        path.display(),
                        f.stat.size
                    );
                }
                bytes.fetch_add(n, Ordering::Relaxed);
                bar.inc(f.stat.size);
                Ok((f.rel.clone(), f.stat, d))
            })
            .collect();
        bar.finish_and_clear();
        for r in results {
            let (rel, stat, d) = r?;
            out.insert(rel, (stat, d));
            stats.hashed_files += 1;
        }
        stats.hashed_bytes = bytes.into_inner();
    }

    if let Some(p) = cache_path
        && (stats.hashed_files > 0 || stats.cache_discarded || !p.exists())
    {
        store_cache(p, &tree.root, &out)?;
    }
    let digests = out.into_iter().map(|(k, (_, d))| (k, d)).collect();
    Ok((digests, stats))
}
