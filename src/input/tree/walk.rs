//! The walk of the release tree: names and metadata in name order, never through a
//! symlink, skipping version-control litter, what macOS and Windows leave in folders,
//! uploads still in progress, closer's own files and what `.closerignore` lists. It
//! reads no file contents.

use super::{IGNORE_FILE, is_own_file};
use crate::model::tree::Stat;
use crate::util::problem::{Place, Problem, Problems};
use anyhow::{Context, Result};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::path::{Path, PathBuf};

fn builtin_excluded(name: &str) -> bool {
    matches!(name, ".git" | ".svn" | ".hg" | ".bzr" | "CVS" | ".DS_Store" | ".~tmp~" | IGNORE_FILE)
        || name.ends_with(".tmp")
        || is_system_litter(name)
        || is_partial_upload(name)
        // closer's own temporary files (a signature being written, say).
        || (name.starts_with('.') && name.contains(".closer-"))
        || name.ends_with('~')
        || is_rsync_temp(name)
}

/// What macOS and Windows leave in a folder they showed or copied, never part of a
/// release: Finder's AppleDouble `._NAME` files, `__MACOSX/`, a volume's Spotlight and
/// Trash folders, a folder's custom `Icon\r`; Explorer's `Thumbs.db` and `desktop.ini`;
/// Office's `~$NAME` lock files; the `NAME:Zone.Identifier` a copy out of Windows (WSL)
/// makes of a download's mark.
fn is_system_litter(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "__macosx"
            | ".spotlight-v100"
            | ".fseventsd"
            | ".trashes"
            | ".temporaryitems"
            | ".documentrevisions-v100"
            | ".appledouble"
            | "thumbs.db"
            | "ehthumbs.db"
            | "desktop.ini"
            | "$recycle.bin"
            | "system volume information"
    ) || (name.starts_with("._") && name.len() > 2)
        || name.starts_with("~$")
        || name.ends_with(":Zone.Identifier")
}

/// A file another upload client writes under a temporary name until it is whole:
/// WinSCP's `NAME.filepart`, `NAME.part` (Firefox's and other clients'), Chrome's
/// `NAME.crdownload`. (Renamed when complete; left behind when the upload broke off.)
fn is_partial_upload(name: &str) -> bool {
    [".filepart", ".part", ".crdownload"].iter().any(|e| name.len() > e.len() && name.ends_with(e))
}

/// rsync's temporary file of an upload in progress: `.NAME.XXXXXX` beside `NAME` (with
/// `--temp-dir` or `--partial-dir` it is elsewhere, as `.~tmp~` is ignored above).
fn is_rsync_temp(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.') else { return false };
    rest.rsplit_once('.').is_some_and(|(stem, tail)| {
        !stem.is_empty() && tail.len() == 6 && tail.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

pub(super) fn load_ignore(root: &Path, problems: &mut Problems) -> Result<Gitignore> {
    let path = root.join(IGNORE_FILE);
    let mut b = GitignoreBuilder::new(root);
    if path.exists() {
        let text = crate::util::fs::read_to_string(&path)?;
        for (i, line) in text.lines().enumerate() {
            if let Err(e) = b.add_line(Some(path.clone()), line) {
                problems.push(
                    Problem::new(Place::line(path.display().to_string(), i + 1), format!("bad ignore pattern: {e}"))
                        .hint("use gitignore syntax, e.g. `*.partial` or `/scratch/`"),
                );
            }
        }
    }
    b.build().with_context(|| format!("cannot use `{}`", path.display()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EntryKind {
    File,
    Dir,
    Link,
    Other,
}

/// One thing found by a walk, with everything later passes need from the system.
pub(super) struct WalkEntry {
    pub(super) rel: String,
    pub(super) depth: usize,
    pub(super) kind: EntryKind,
    pub(super) stat: Stat,
    /// For links: the target, or why the link is a problem.
    pub(super) link: Option<std::result::Result<String, String>>,
}

#[derive(Default)]
pub(super) struct Walked {
    pub(super) entries: Vec<WalkEntry>,
    /// Names closer cannot publish, each with why ([`BadName`]).
    pub(super) bad_names: Vec<(PathBuf, BadName)>,
    /// Directories below the root the build may not read or search (a release directory
    /// made with umask 077 by its uploader): their project's problem, not the tree's.
    pub(super) unreadable: Vec<PathBuf>,
}

/// Why a name cannot be published.
#[derive(Debug, Clone, Copy)]
pub(super) enum BadName {
    /// Control characters, or bytes that are not UTF-8.
    Unprintable,
    /// Characters that turn text around or hide (right-to-left override, zero-width):
    /// `x\u{202E}zg.rat.exe` reads as `x…exe.tar.gz` on a page.
    Deceptive,
    /// Too long for the site's files beside it (`NAME.torrent` past 255 bytes).
    TooLong,
}

/// The longest a name may be: the site writes `NAME.torrent` beside it, and file systems
/// take 255 bytes.
const MAX_NAME: usize = 255 - ".torrent".len();

/// What is wrong with a name, if anything.
fn bad_name(name: &std::ffi::OsStr) -> Option<BadName> {
    let Some(s) = name.to_str().filter(|s| !s.chars().any(char::is_control)) else {
        return Some(BadName::Unprintable);
    };
    // Bidirectional controls and invisible marks (Unicode's "Cf" that matter here).
    let deceptive =
        |c: char| matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}');
    if s.chars().any(deceptive) {
        return Some(BadName::Deceptive);
    }
    (s.len() > MAX_NAME).then_some(BadName::TooLong)
}

/// Walks the directory `rel` (relative to `root`; empty for the root) down to
/// `max_depth` below the root, in name order, without following links, skipping what the
/// ignore rules exclude. Metadata comes from `fstatat` relative to each directory, as
/// `find` does, not from a lookup of every full path.
pub(super) fn walk(root: &Path, rel: &str, max_depth: usize, ignore: &Gitignore) -> Result<Walked> {
    let mut out = Walked::default();
    walk_into(root, rel, max_depth, ignore, &mut out)?;
    Ok(out)
}

fn walk_into(root: &Path, rel: &str, max_depth: usize, ignore: &Gitignore, out: &mut Walked) -> Result<()> {
    let dir = if rel.is_empty() { root.to_path_buf() } else { root.join(rel) };
    let depth = if rel.is_empty() { 1 } else { rel.split('/').count() + 1 };
    // Each name taken once: as a sort key it was made again for every comparison.
    let denied = |e: &std::io::Error| !rel.is_empty() && e.kind() == std::io::ErrorKind::PermissionDenied;
    let listed = std::fs::read_dir(&dir)
        .and_then(|rd| rd.map(|e| e.map(|e| (e.file_name(), e))).collect::<std::io::Result<Vec<_>>>());
    let mut children: Vec<(std::ffi::OsString, std::fs::DirEntry)> = match listed {
        Err(e) if denied(&e) => {
            out.unreadable.push(dir);
            return Ok(());
        }
        listed => listed.with_context(|| format!("cannot read `{}`", dir.display()))?,
    };
    children.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (name, child) in children {
        // Finder's `Icon\r` is litter, not a bad name.
        if name == "Icon\r" {
            continue;
        }
        if let Some(why) = bad_name(&name) {
            out.bad_names.push((child.path(), why));
            continue;
        }
        let Some(name) = name.to_str() else { continue };
        if builtin_excluded(name) || (depth == 1 && is_own_file(name)) {
            continue;
        }
        let child_rel = if rel.is_empty() { name.to_string() } else { format!("{rel}/{name}") };
        let meta = match child.metadata() {
            // Listed but not searchable (`r` without `x`): the directory is unreadable.
            Err(e) if denied(&e) => {
                out.unreadable.push(dir);
                return Ok(());
            }
            meta => meta.with_context(|| format!("cannot stat `{}`", child.path().display()))?,
        };
        let ft = meta.file_type();
        if !ignore.is_empty() && ignore.matched(Path::new(&child_rel), ft.is_dir()).is_ignore() {
            continue;
        }
        let kind = if ft.is_symlink() {
            EntryKind::Link
        } else if ft.is_dir() {
            EntryKind::Dir
        } else if ft.is_file() {
            EntryKind::File
        } else {
            EntryKind::Other
        };
        let link = (kind == EntryKind::Link).then(|| check_link(root, &child.path()));
        out.entries.push(WalkEntry { rel: child_rel, depth, kind, stat: Stat::of(&meta), link });
        if kind == EntryKind::Dir && depth < max_depth {
            let rel = out.entries.last().map(|e| e.rel.clone()).unwrap_or_default();
            walk_into(root, &rel, max_depth, ignore, out)?;
        }
    }
    Ok(())
}

/// Checks that a symlink resolves to something inside the tree; returns its target text.
fn check_link(root: &Path, path: &Path) -> std::result::Result<String, String> {
    let target = std::fs::read_link(path).map_err(|e| format!("is a symlink that cannot be read ({e})"))?;
    let shown = crate::util::fs::escaped(target.as_os_str());
    let resolved = match std::fs::canonicalize(path) {
        Ok(r) => r,
        Err(_) => return Err(format!("is a symlink to `{shown}`, which does not exist (dangling)")),
    };
    if !resolved.starts_with(root) {
        return Err(format!("is a symlink to `{shown}`, which is outside the release tree"));
    }
    target.to_str().map(str::to_string).ok_or_else(|| format!("is a symlink to `{shown}`, a name that is not UTF-8"))
}
