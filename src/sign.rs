//! `closer sign`: signs, in one process and in parallel, every artifact that has no
//! `.asc` yet, with a secret key exported from gpg. It refuses to sign for a project
//! whose KEYS does not hold the key (downloaders could not verify the result), and it
//! never overwrites a signature.

use crate::pgp::{self, SigningKey};
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `closer sign` did.
#[derive(Debug, Default)]
pub struct Report {
    pub fingerprint: String,
    pub user_id: Option<String>,
    pub signed: usize,
    pub already_signed: usize,
}

/// Puts the finished temporary file `tmp` in place as `path` only if `path` does not
/// exist yet: the file appears whole or not at all, and an existing one is never
/// replaced. `tmp` is removed either way.
fn link_new(tmp: &Path, path: &Path) -> Result<bool> {
    let linked = std::fs::hard_link(tmp, path);
    let _ = std::fs::remove_file(tmp);
    match linked {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e).with_context(|| format!("cannot write `{}`", path.display())),
    }
}

/// Flushes the file system holding `dir` to disk: one call for all the signatures
/// written, instead of one fsync per file.
fn sync_fs(dir: &Path) -> Result<()> {
    use std::os::fd::AsRawFd;
    let d = std::fs::File::open(dir).with_context(|| format!("cannot open `{}`", dir.display()))?;
    // SAFETY: a valid open file descriptor.
    if unsafe { libc::syncfs(d.as_raw_fd()) } != 0 {
        return Err(std::io::Error::last_os_error()).with_context(|| format!("cannot sync `{}`", dir.display()));
    }
    Ok(())
}

/// Signs the unsigned artifacts of the tree at `dist` that lie under one of `paths`
/// (the whole tree when `paths` is empty).
pub fn sign(dist: &Path, key: &SigningKey, paths: &[PathBuf]) -> Result<Report> {
    let (tree, _problems) = crate::scan::scan(dist)?;
    let mut limits = Vec::new();
    for p in paths {
        let c = std::fs::canonicalize(p).with_context(|| format!("cannot find `{}`", p.display()))?;
        if !c.starts_with(&tree.root) {
            bail!(
                "`{}` is not inside the release tree `{}` (give the tree with --dist)",
                p.display(),
                tree.root.display()
            );
        }
        limits.push(c);
    }
    let selected = |rel: &str| limits.is_empty() || limits.iter().any(|l| tree.root.join(rel).starts_with(l));

    let mut todo = Vec::new();
    let mut report = Report { fingerprint: key.fingerprint(), user_id: key.user_id(), ..Report::default() };
    let mut projects = BTreeSet::new();
    for (p, _, a) in tree.artifacts() {
        if !selected(&a.file.rel) {
            continue;
        }
        if a.asc.is_some() {
            report.already_signed += 1;
            continue;
        }
        projects.insert(p.name.clone());
        todo.push(a.file.rel.clone());
    }

    // Every project signed for must list the key in its KEYS, or nobody can verify.
    let mut missing = Vec::new();
    let own: BTreeSet<String> = key.cert.keys().map(|k| k.key().fingerprint().to_hex()).collect();
    for name in &projects {
        let keys_path = tree.root.join(name).join("KEYS");
        let listed = match std::fs::read(&keys_path) {
            Ok(bytes) => pgp::parse_keys(&String::from_utf8_lossy(&bytes), &keys_path)
                .map(|certs| pgp::fingerprints(&certs).iter().any(|f| own.contains(f)))
                .unwrap_or(false),
            Err(_) => false,
        };
        if !listed {
            missing.push(keys_path);
        }
    }
    if !missing.is_empty() {
        let fpr = key.fingerprint();
        let fixes: Vec<String> =
            missing.iter().map(|k| format!("    gpg --armor --export {fpr} >> {}", k.display())).collect();
        bail!(
            "key {fpr} is not in the KEYS of {}: downloaders could not verify what it signs; nothing was signed\n    fix:\n{}",
            missing.iter().map(|k| format!("`{}`", k.display())).collect::<Vec<_>>().join(", "),
            fixes.join("\n")
        );
    }

    // Sign into hidden temporary files, make them durable with one sync, then link
    // each into place.
    // Signing runs in parallel; the files are then created by one thread, since
    // creating files in one directory from several threads only contends for its lock.
    let signed = todo
        .par_iter()
        .map(|rel| {
            let path = tree.root.join(rel);
            let mut f = std::fs::File::open(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
            let sig = key.sign_detached(&mut f).with_context(|| format!("cannot sign `{}`", path.display()))?;
            Ok((path, sig))
        })
        .collect::<Result<Vec<(PathBuf, Vec<u8>)>>>()?;
    let written: Vec<Result<(PathBuf, PathBuf)>> = signed
        .into_iter()
        .map(|(path, sig)| {
            let mut asc = path.into_os_string();
            asc.push(".asc");
            let asc = PathBuf::from(asc);
            let tmp = crate::fs::sibling(&asc, "sig");
            std::fs::File::create(&tmp)
                .and_then(|mut t| t.write_all(&sig))
                .with_context(|| format!("cannot write `{}`", tmp.display()))?;
            Ok((tmp, asc))
        })
        .collect();
    let failed = written.iter().any(Result::is_err);
    let mut pairs = Vec::new();
    let mut first_error = None;
    for w in written {
        match w {
            Ok(p) => pairs.push(p),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if failed {
        for (tmp, _) in &pairs {
            let _ = std::fs::remove_file(tmp);
        }
        return Err(first_error.expect("a failure was seen"));
    }
    if !pairs.is_empty() {
        sync_fs(&tree.root)?;
    }
    for (tmp, asc) in &pairs {
        if link_new(tmp, asc)? {
            report.signed += 1;
        } else {
            report.already_signed += 1;
        }
    }
    Ok(report)
}

const CLEARSIGN_CACHE: &str = "clearsigned v1";

/// Clearsigns each `(name, text)` with the site key. A signature made earlier for the
/// same text by the same key is reused from the cache in `cache_dir`, so rebuilding an
/// unchanged site gives the same bytes (OpenPGP v4 signatures carry a random salt).
pub fn clearsign_all(
    key: &SigningKey,
    texts: Vec<(String, Vec<u8>)>,
    cache_dir: &Path,
) -> Result<Vec<(String, Vec<u8>)>> {
    use sha2::{Digest, Sha256};
    use std::collections::HashMap;
    let path = cache_dir.join("clearsigned");
    let anchor = Path::new(CLEARSIGN_CACHE);
    let fpr = key.fingerprint();
    let mut known: HashMap<[u8; 32], Vec<u8>> = HashMap::new();
    if let Some(body) = crate::cache::load(&path, CLEARSIGN_CACHE, anchor) {
        let mut r = crate::cache::reader(&body);
        let ok = (|| -> Option<()> {
            if r.str()? != fpr {
                return Some(());
            }
            for _ in 0..r.u64()? {
                let h: [u8; 32] = r.raw(32)?.try_into().ok()?;
                known.insert(h, r.bytes()?.to_vec());
            }
            Some(())
        })();
        if ok.is_none() {
            known.clear();
        }
    }
    let hashed: Vec<(String, Vec<u8>, [u8; 32])> = texts
        .into_iter()
        .map(|(n, t)| {
            let h = Sha256::digest(&t).into();
            (n, t, h)
        })
        .collect();
    /// A list's signature, and whether it was made just now.
    struct Signed {
        name: String,
        hash: [u8; 32],
        sig: Vec<u8>,
        new: bool,
    }
    let made = hashed
        .into_par_iter()
        .map(|(name, text, hash)| match known.get(&hash) {
            Some(sig) => Ok(Signed { name, hash, sig: sig.clone(), new: false }),
            None => Ok(Signed { name, hash, sig: key.clearsign(&text)?, new: true }),
        })
        .collect::<Result<Vec<Signed>>>()?;
    let mut out = Vec::new();
    let mut keep: std::collections::BTreeMap<[u8; 32], Vec<u8>> = std::collections::BTreeMap::new();
    let fresh = made.iter().any(|m| m.new);
    for m in made {
        keep.insert(m.hash, m.sig.clone());
        out.push((m.name, m.sig));
    }
    if fresh || keep.len() != known.len() {
        let mut w = crate::cache::Writer::default();
        w.bytes(fpr.as_bytes());
        w.u64(keep.len() as u64);
        for (h, sig) in &keep {
            w.raw(h);
            w.bytes(sig);
        }
        crate::cache::store(&path, CLEARSIGN_CACHE, anchor, w)?;
    }
    Ok(out)
}
