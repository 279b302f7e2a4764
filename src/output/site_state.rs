//! Whether the site on disk was made from exactly this build's inputs, so that a
//! rebuild with nothing changed renders nothing. Rendering a million-file tree's site
//! only to find every file equal costs far more than the build's other stages; the
//! site is a pure function of its inputs (that is what makes it deterministic), so a
//! digest of those inputs, remembered beside the site's identity, stands for it.
//!
//! The digest covers the release tree as the lists see it (names, metadata, checksums,
//! the plan), every artifact's signature check, the registry and probe state by
//! content, the templates, content and logos by content, the stamps, the time the site
//! states, the site key and the closer binary itself. The site is known by its
//! directory's device and inode, which every swap changes: a site replaced or removed
//! by hand is rendered again. Hand edits inside the site are not looked for: it is
//! closer's output, replaced as a whole.

use crate::model::tree::Tree;
use crate::output::lists::Inputs;
use crate::util::fs;
use anyhow::Result;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

const HEADER: &str = "closer-site-state 1";

/// What the site is made from besides the tree: the files and values to digest.
pub struct SiteInputs<'a> {
    /// `lists_fingerprint`: the tree and plan as the mirror lists see them.
    pub lists: &'a [u8; 32],
    pub tree: &'a Tree,
    pub registry: &'a Path,
    pub probe: &'a Path,
    /// Directories read whole: templates, content, logos.
    pub dirs: [&'a Path; 3],
    /// The stamp, the `since` state, the time the site states, the site key's
    /// fingerprint and the mode (a preview differs from a build).
    pub values: [&'a [u8]; 5],
}

/// The digest of everything the site is rendered from.
pub fn fingerprint(s: &SiteInputs) -> Result<[u8; 32]> {
    let mut h = Inputs::default();
    h.put(HEADER.as_bytes());
    h.put(s.lists);
    s.values.iter().for_each(|v| h.put(v));
    for path in [s.registry, s.probe] {
        h.put(&fs::read_optional(path)?.unwrap_or_default());
    }
    match std::env::current_exe().and_then(std::fs::metadata) {
        Ok(m) => h.put(&stat_bytes(&m)),
        Err(_) => h.put(&rand_bytes()),
    }
    for dir in s.dirs {
        h.put(dir.as_os_str().as_encoded_bytes());
        for e in walkdir::WalkDir::new(dir).sort_by_file_name().follow_links(true).into_iter().flatten() {
            // By content: an edit within a timestamp's granularity keeps size and mtime.
            h.put(e.path().as_os_str().as_encoded_bytes());
            if e.file_type().is_file() {
                h.put(&fs::read(e.path())?);
            }
        }
    }
    for (_, _, a) in s.tree.artifacts() {
        let Some(c) = &a.signature else {
            h.put(b"-");
            continue;
        };
        h.put(c.outcome.as_str().as_bytes());
        h.put(c.fingerprint.as_deref().unwrap_or("").as_bytes());
        h.put(c.user_id.as_deref().unwrap_or("").as_bytes());
        h.put(&c.signed_at.unwrap_or(i64::MIN).to_le_bytes());
        h.put(c.detail.as_bytes());
        h.put(a.covered_by.as_deref().unwrap_or("").as_bytes());
    }
    Ok(h.finish())
}

fn stat_bytes(m: &std::fs::Metadata) -> Vec<u8> {
    [m.dev(), m.ino(), m.size(), m.mtime() as u64, m.mtime_nsec() as u64, m.ctime() as u64, m.ctime_nsec() as u64]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect()
}

/// When closer cannot name its own binary, nothing can be skipped: a value no state has.
fn rand_bytes() -> Vec<u8> {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    [t.as_nanos().to_le_bytes().as_slice(), &std::process::id().to_le_bytes()].concat()
}

/// Where the state of the site at `out` is kept in `cache`: one file per output
/// directory, so that a preview or a second `--out` does not unsettle the main site.
pub fn state_path(cache: &Path, out: &Path) -> std::path::PathBuf {
    use sha2::Digest;
    let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let mut name = String::from("site-");
    crate::util::text::push_hex(&mut name, &sha2::Sha256::digest(out.as_os_str().as_encoded_bytes())[..8]);
    cache.join(name)
}

/// The site directory's identity: its device and inode, if it is a closer site.
fn identity(out: &Path) -> Option<String> {
    let m = std::fs::symlink_metadata(out).ok()?;
    if !m.is_dir() || !out.join(crate::output::write::MARKER).is_file() {
        return None;
    }
    Some(format!("{}:{}", m.dev(), m.ino()))
}

fn state_text(fingerprint: &[u8; 32], id: &str, files: usize) -> String {
    let mut hex = String::new();
    crate::util::text::push_hex(&mut hex, fingerprint);
    format!("{HEADER}\n{hex}\n{id}\n{files}\n")
}

/// The number of files of the site at `out`, when it was made from `fingerprint`.
pub fn unchanged(state: &Path, out: &Path, fingerprint: &[u8; 32]) -> Option<usize> {
    let text = std::fs::read_to_string(state).ok()?;
    let files = text.lines().nth(3)?.parse().ok()?;
    (text == state_text(fingerprint, &identity(out)?, files)).then_some(files)
}

/// Remembers that the site at `out`, of `files` files, was made from `fingerprint`.
pub fn remember(state: &Path, out: &Path, fingerprint: &[u8; 32], files: usize) -> Result<()> {
    match identity(out) {
        Some(id) => {
            if let Some(dir) = state.parent().filter(|d| !d.as_os_str().is_empty()) {
                fs::create_dir_all(dir)?;
            }
            fs::write_atomic(state, state_text(fingerprint, &id, files).as_bytes())
        }
        None => forget(state),
    }
}

/// Forgets the remembered site (before a build that may replace it).
pub fn forget(state: &Path) -> Result<()> {
    match std::fs::remove_file(state) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(anyhow::Error::new(e).context(format!("cannot remove `{}`", state.display())))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_is_known_by_its_inputs_and_its_directory() {
        let t = tempfile::tempdir().unwrap();
        let (out, state) = (t.path().join("site"), t.path().join("state"));
        std::fs::create_dir(&out).unwrap();
        // Not a closer site: nothing is remembered.
        remember(&state, &out, &[1; 32], 7).unwrap();
        assert!(!state.exists());
        std::fs::write(out.join(crate::output::write::MARKER), "").unwrap();
        remember(&state, &out, &[1; 32], 7).unwrap();
        assert_eq!(unchanged(&state, &out, &[1; 32]), Some(7));
        assert_eq!(unchanged(&state, &out, &[2; 32]), None);
        // Another directory in its place (a swap, or a site restored by hand).
        std::fs::rename(&out, t.path().join("old")).unwrap();
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join(crate::output::write::MARKER), "").unwrap();
        assert_eq!(unchanged(&state, &out, &[1; 32]), None);
        forget(&state).unwrap();
        forget(&state).unwrap();
        assert!(!state.exists());
    }
}
