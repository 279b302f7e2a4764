//! The uncompressed digests of tarballs a signed list names by the tar inside them (SBCL's
//! `sbcl-2.4.11-source.tar` for `sbcl-2.4.11-source.tar.bz2`), kept in the cache by the
//! compressed file's SHA-512: a list is checked on every build, and uncompressing its
//! tarballs each time cost a warm build seconds. What the key names never changes, so an
//! entry is never stale; one no longer asked for is dropped when the memo is written.

use crate::model::codec::Codec;
use crate::model::digests::Algo;
use crate::model::tree::Artifact;
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The memo, read from the cache (or empty), and what this run asked of it.
pub struct Unpacked {
    root: PathBuf,
    path: Option<PathBuf>,
    known: BTreeMap<String, String>,
    asked: Mutex<BTreeMap<String, Option<String>>>,
}

impl Unpacked {
    /// The memo at `path` (none: nothing kept) for the tree at `root`.
    pub fn load(root: &Path, path: Option<&Path>) -> Unpacked {
        let text = path.and_then(|p| std::fs::read_to_string(p).ok()).unwrap_or_default();
        let known = text.lines().filter_map(|l| l.split_once(' ')).map(|(k, v)| (k.into(), v.into())).collect();
        Unpacked { root: root.into(), path: path.map(Path::to_path_buf), known, asked: Mutex::default() }
    }

    /// The `algo` digest of `a`'s uncompressed content; `None` when it cannot be read or
    /// uncompressed.
    pub fn hex(&self, a: &Artifact, codec: Codec, algo: Algo) -> Option<String> {
        let key = a.file.digests.as_ref().map(|d| format!("{}:{}", crate::util::text::hex(&d.sha512), algo.ext()));
        if let Some(hex) = key.as_ref().and_then(|k| self.known.get(k)) {
            self.asked.lock().unwrap_or_else(|e| e.into_inner()).insert(key.clone()?, Some(hex.clone()));
            return Some(hex.clone());
        }
        let hex = read(&self.root.join(&*a.file.rel), codec, algo);
        if let Some(key) = key {
            self.asked.lock().unwrap_or_else(|e| e.into_inner()).insert(key, hex.clone());
        }
        hex
    }

    /// Writes what this run asked, when it is not what the cache holds.
    pub fn save(self) -> Result<()> {
        let Some(path) = self.path else { return Ok(()) };
        let asked = self.asked.into_inner().unwrap_or_else(|e| e.into_inner());
        let now: BTreeMap<String, String> = asked.into_iter().filter_map(|(k, v)| Some((k, v?))).collect();
        if now == self.known {
            return Ok(());
        }
        if now.is_empty() {
            let _ = std::fs::remove_file(&path);
            return Ok(());
        }
        let text: String = now.iter().map(|(k, v)| format!("{k} {v}\n")).collect();
        if let Some(dir) = path.parent() {
            crate::util::fs::create_dir_all(dir)?;
        }
        crate::util::fs::write_atomic(&path, text.as_bytes())
    }
}

/// Reads and uncompresses the file at `path` for its `algo` digest.
fn read(path: &Path, codec: Codec, algo: Algo) -> Option<String> {
    let mut file = std::fs::File::open(path).ok()?;
    let state = super::decompress::hash_uncompressed(codec, &mut file).ok()?.ok()?;
    let bytes = match algo {
        Algo::Sha256 => state.sha256.clone().finish().to_vec(),
        Algo::Sha512 => state.sha512.clone().finish().to_vec(),
        _ => return None,
    };
    Some(crate::util::text::hex(&bytes))
}
