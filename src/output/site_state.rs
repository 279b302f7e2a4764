//! What the site on disk was made from, so that a rebuild renders only what changed:
//! nothing when no input did, one project's directory (and the site-wide pages) when a
//! release was added to it. The state keeps the digests of `output::site_digest` beside
//! the site's identity, its directory's device and inode, which a whole-site swap
//! changes: a site replaced or removed by hand is rendered again, and so is a project
//! whose directory is gone. Hand edits inside the site are not looked for: it is
//! closer's output, replaced by closer.

use crate::output::site_digest::Digests;
use crate::util::fs;
use anyhow::Result;
use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

const HEADER: &str = "closer-site-state 2";

/// Directories of the site that are not a project's: a project of that name cannot be
/// rendered on its own.
const SITE_DIRS: [&str; 2] = ["mirrors", "logos"];

/// What a site on disk was made from, and how many files each part has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub shared: [u8; 32],
    /// `None` while a build is committing: the site-wide pages may be old or new.
    pub top: Option<[u8; 32]>,
    pub top_files: usize,
    pub projects: BTreeMap<String, ([u8; 32], usize)>,
}

impl Recorded {
    pub fn files(&self) -> usize {
        self.top_files + self.projects.values().map(|(_, n)| n).sum::<usize>()
    }
}

/// What a build renders.
#[derive(Debug, PartialEq, Eq)]
pub enum Render {
    /// Nothing: the site on disk is this build's, of this many files.
    Nothing(usize),
    /// The whole site, swapped in at once.
    All,
    /// These projects and the site-wide pages; the other projects are kept.
    Projects(BTreeSet<String>),
}

/// Decides what to render from what the site on disk was made from.
pub fn what_to_render(recorded: Option<&Recorded>, now: &Digests, out: &Path) -> Render {
    let Some(rec) = recorded.filter(|r| r.shared == now.shared) else { return Render::All };
    if now.projects.keys().any(|p| SITE_DIRS.contains(&p.as_str())) {
        return Render::All;
    }
    let changed: BTreeSet<String> = now
        .projects
        .iter()
        .filter(|(name, d)| rec.projects.get(*name).is_none_or(|(was, _)| was != *d) || !out.join(name).is_dir())
        .map(|(name, _)| name.clone())
        .collect();
    if changed.is_empty() && rec.top == Some(now.top) && rec.projects.len() == now.projects.len() {
        return Render::Nothing(rec.files());
    }
    // Most of the site anyway: one atomic swap costs no more than many.
    if changed.len() * 2 > now.projects.len() {
        return Render::All;
    }
    Render::Projects(changed)
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
    if !m.is_dir() || !out.join(crate::output::commit::MARKER).is_file() {
        return None;
    }
    Some(format!("{}:{}", m.dev(), m.ino()))
}

fn state_text(r: &Recorded, id: &str) -> String {
    let hex = |d: &[u8; 32]| {
        let mut s = String::new();
        crate::util::text::push_hex(&mut s, d);
        s
    };
    let top = r.top.as_ref().map_or("-".to_string(), hex);
    let mut text = format!("{HEADER}\n{id}\n{}\n{top}\n{}\n", hex(&r.shared), r.top_files);
    for (name, (d, files)) in &r.projects {
        text.push_str(&format!("{} {files} {name}\n", hex(d)));
    }
    text
}

fn parse_hex(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if s.len() != 64 {
        return None;
    }
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// What the site at `out` was made from, if it is the site the state describes.
pub fn recorded(state: &Path, out: &Path) -> Option<Recorded> {
    let text = std::fs::read_to_string(state).ok()?;
    let mut lines = text.lines();
    if lines.next()? != HEADER || lines.next()? != identity(out)? {
        return None;
    }
    let shared = parse_hex(lines.next()?)?;
    let top = lines.next()?;
    let top = if top == "-" { None } else { Some(parse_hex(top)?) };
    let top_files = lines.next()?.parse().ok()?;
    let mut projects = BTreeMap::new();
    for line in lines {
        let mut parts = line.splitn(3, ' ');
        let (d, files, name) = (parse_hex(parts.next()?)?, parts.next()?.parse().ok()?, parts.next()?);
        projects.insert(name.to_string(), (d, files));
    }
    Some(Recorded { shared, top, top_files, projects })
}

/// Remembers that the site at `out` was made as `r` says.
pub fn remember(state: &Path, out: &Path, r: &Recorded) -> Result<()> {
    match identity(out) {
        Some(id) => {
            if let Some(dir) = state.parent().filter(|d| !d.as_os_str().is_empty()) {
                fs::create_dir_all(dir)?;
            }
            fs::write_atomic(state, state_text(r, &id).as_bytes())
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

    fn digests(top: u8, projects: &[(&str, u8)]) -> Digests {
        let projects = projects.iter().map(|(n, d)| (n.to_string(), [*d; 32])).collect();
        Digests { shared: [9; 32], top: [top; 32], projects }
    }

    fn recorded_as(d: &Digests) -> Recorded {
        let projects = d.projects.iter().map(|(n, d)| (n.clone(), (*d, 2))).collect();
        Recorded { shared: d.shared, top: Some(d.top), top_files: 5, projects }
    }

    #[test]
    fn a_site_is_known_by_its_inputs_and_its_directory() {
        let t = tempfile::tempdir().unwrap();
        let (out, state) = (t.path().join("site"), t.path().join("state"));
        std::fs::create_dir(&out).unwrap();
        let was = recorded_as(&digests(1, &[("a", 1), ("b name", 2)]));
        // Not a closer site: nothing is remembered.
        remember(&state, &out, &was).unwrap();
        assert!(!state.exists());
        std::fs::write(out.join(crate::output::commit::MARKER), "").unwrap();
        remember(&state, &out, &was).unwrap();
        assert_eq!(recorded(&state, &out), Some(was.clone()));
        assert_eq!(was.files(), 9);
        // Another directory in its place (a swap, or a site restored by hand).
        std::fs::rename(&out, t.path().join("old")).unwrap();
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join(crate::output::commit::MARKER), "").unwrap();
        assert_eq!(recorded(&state, &out), None);
        forget(&state).unwrap();
        forget(&state).unwrap();
        assert!(!state.exists());
    }

    #[test]
    fn only_the_projects_whose_inputs_changed_are_rendered() {
        let t = tempfile::tempdir().unwrap();
        for p in ["a", "b", "c", "e"] {
            std::fs::create_dir(t.path().join(p)).unwrap();
        }
        let before = digests(1, &[("a", 1), ("b", 2), ("c", 3), ("e", 5)]);
        let rec = recorded_as(&before);
        assert_eq!(what_to_render(None, &before, t.path()), Render::All);
        assert_eq!(what_to_render(Some(&rec), &before, t.path()), Render::Nothing(13));
        let set = |v: &[&str]| Render::Projects(v.iter().map(|s| s.to_string()).collect());
        // b changed, d is new, c is gone: b and d are rendered (c's directory goes).
        let after = digests(2, &[("a", 1), ("b", 7), ("d", 4), ("e", 5)]);
        assert_eq!(what_to_render(Some(&rec), &after, t.path()), set(&["b", "d"]));
        // Only the site-wide pages, or only a project removed.
        assert_eq!(
            what_to_render(Some(&rec), &digests(2, &[("a", 1), ("b", 2), ("c", 3), ("e", 5)]), t.path()),
            set(&[])
        );
        assert_eq!(what_to_render(Some(&rec), &digests(1, &[("a", 1), ("b", 2), ("e", 5)]), t.path()), set(&[]));
        // Most projects changed (a new time every page states): one swap of the whole site.
        assert_eq!(
            what_to_render(Some(&rec), &digests(2, &[("a", 6), ("b", 7), ("c", 8), ("e", 5)]), t.path()),
            Render::All
        );
        // A project directory removed by hand is rendered again.
        std::fs::remove_dir(t.path().join("a")).unwrap();
        assert_eq!(what_to_render(Some(&rec), &before, t.path()), set(&["a"]));
        // A build interrupted while committing: the site-wide pages are rendered again.
        let committing = Recorded { top: None, ..rec.clone() };
        std::fs::create_dir(t.path().join("a")).unwrap();
        assert_eq!(what_to_render(Some(&committing), &before, t.path()), set(&[]));
        // Anything every page reads changed: everything.
        let shared = Digests { shared: [0; 32], ..before.clone() };
        assert_eq!(what_to_render(Some(&rec), &shared, t.path()), Render::All);
        // A project named as one of the site's own directories cannot be kept apart.
        assert_eq!(what_to_render(Some(&rec), &digests(1, &[("mirrors", 1)]), t.path()), Render::All);
    }
}
