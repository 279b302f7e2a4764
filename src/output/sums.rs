//! Checksum lists in the formats other tools read: `<artifact>.sha512`/`.sha256` sidecars
//! and per-release `SHA512SUMS`/`SHA256SUMS`, exactly as `sha512sum` writes them so that
//! `sha512sum -c` verifies them; and their clearsigned copies (`SHA512SUMS.asc`) when a
//! site key is set.

use crate::check::pgp::SigningKey;
use crate::model::digests::{Algo, Digests};
use crate::model::tree::Release;
use crate::util::text::sum_line;
use anyhow::Result;
use rayon::prelude::*;
use std::path::Path;

/// The algorithms closer publishes.
pub fn published(legacy_md5: bool) -> Vec<Algo> {
    let mut v = vec![Algo::Sha512, Algo::Sha256];
    if legacy_md5 {
        v.push(Algo::Md5);
    }
    v
}

/// The name of a release's checksum list: `SHA512SUMS`.
pub fn sums_name(algo: Algo) -> String {
    format!("{}SUMS", algo.ext().to_ascii_uppercase())
}

/// A sidecar for one artifact: `<hex>  <basename>`.
pub fn sidecar(d: &Digests, algo: Algo, name: &str) -> Option<String> {
    let base = name.rsplit('/').next().unwrap_or(name);
    d.hex(algo).map(|h| sum_line(&h, base))
}

/// A release's checksum list, one line per artifact, by path inside the release.
pub fn sums(release: &Release, algo: Algo) -> String {
    let mut out = String::new();
    for a in &release.artifacts {
        if let Some(h) = a.file.digests.as_ref().and_then(|d| d.hex(algo)) {
            out.push_str(&sum_line(&h, a.name()));
        }
    }
    out
}

const CLEARSIGN_CACHE: &str = "clearsigned v1";

/// Clearsigns each `(name, text)` with the site key. A signature made earlier for the
/// same text by the same key is reused from the cache in `cache_dir`, so rebuilding an
/// unchanged site gives the same bytes (OpenPGP v4 signatures carry a random salt).
/// `whole`: the texts are every list of the site, and the cache keeps only theirs; else
/// (some projects rendered, the others kept) it keeps the others' too, which the next
/// render of those projects reuses.
pub fn clearsign_all(
    key: &SigningKey,
    texts: Vec<(String, Vec<u8>)>,
    cache_dir: &Path,
    whole: bool,
) -> Result<Vec<(String, Vec<u8>)>> {
    use sha2::{Digest, Sha256};
    use std::collections::HashMap;
    let path = cache_dir.join("clearsigned");
    let anchor = Path::new(CLEARSIGN_CACHE);
    let fpr = key.fingerprint();
    let mut known: HashMap<[u8; 32], Vec<u8>> = HashMap::new();
    if let Some(body) = crate::check::cache::load(&path, CLEARSIGN_CACHE, anchor) {
        let mut r = crate::check::cache::reader(&body);
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
    if !whole {
        keep.extend(known.iter().map(|(h, sig)| (*h, sig.clone())));
    }
    let fresh = made.iter().any(|m| m.new);
    for m in made {
        keep.insert(m.hash, m.sig.clone());
        out.push((m.name, m.sig));
    }
    if fresh || keep.len() != known.len() {
        let mut w = crate::check::cache::Writer::default();
        w.bytes(fpr.as_bytes());
        w.u64(keep.len() as u64);
        for (h, sig) in &keep {
            w.raw(h);
            w.bytes(sig);
        }
        crate::check::cache::store(&path, CLEARSIGN_CACHE, anchor, w)?;
    }
    Ok(out)
}
