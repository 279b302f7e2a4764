//! Walks the release tree and groups what it finds into projects, releases, artifacts
//! and their sidecars. It reads no file contents: only names and metadata. It never
//! follows a symlink; a link that stays inside the tree is kept as a link, one that
//! leaves it or dangles is a problem. Names that are not printable UTF-8 are problems
//! too, shown escaped.

mod project;
mod walk;

use crate::model::tree::{FileRef, Link, Tree};
use crate::util::problem::{Problem, Problems};
use anyhow::{Context, Result};
use project::{ProjectScan, scan_project};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use walk::{Entry, Kind, load_ignore, walk};

/// The name of the ignore file at the top of the release tree (gitignore syntax).
pub const IGNORE_FILE: &str = ".closerignore";

/// Is `name` usable as a project or version directory (it becomes part of URLs)?
pub fn valid_segment(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.len() <= 128
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c))
}

/// closer's own files in the tree's top level, written by `closer build`.
pub fn is_own_file(rel: &str) -> bool {
    rel == "zzz" || rel.starts_with("zzz/") || (!rel.contains('/') && rel.starts_with("fullfiletimelist-"))
}

/// Scans the release tree at `root`.
pub fn scan(root: &Path) -> Result<(Tree, Problems)> {
    let root = std::fs::canonicalize(root)
        .with_context(|| format!("cannot open the release tree `{}` (give another with --dist)", root.display()))?;
    if !root.is_dir() {
        anyhow::bail!("the release tree `{}` is not a directory (give another with --dist)", root.display());
    }
    let mut problems = Problems::default();
    let ignore = load_ignore(&root, &mut problems)?;

    // The system calls (readdir, lstat) are the cost: walk each top-level directory on
    // its own thread, then sort what was found in one deterministic pass.
    let top = walk(&root, "", 1, &ignore)?;
    let mut bad_names = top.bad_names;
    let mut links = Vec::new();
    let mut project_dirs = Vec::new();
    for e in top.entries {
        let place = || root.join(&e.rel).display().to_string();
        match e.kind {
            Kind::Link | Kind::Other => check_odd(&root, e, &mut links, &mut problems),
            Kind::Dir if !valid_segment(&e.rel) => problems.push(
                Problem::new(place(), "is not a valid project directory name")
                    .hint("use letters, digits, `.`, `_`, `+` and `-`, starting with a letter or digit"),
            ),
            Kind::Dir => project_dirs.push(FileRef::new(e.rel, e.stat)),
            Kind::File => problems.push(
                Problem::new(
                    place(),
                    "is a file at the top of the release tree; releases live in <project>/<version>/",
                )
                .hint(format!("move it into a release directory, or list it in {IGNORE_FILE}")),
            ),
        }
    }

    // The system calls (readdir, fstatat) are the cost: each project on its own thread.
    let scanned: Vec<Result<ProjectScan>> =
        project_dirs.into_par_iter().map(|dir| scan_project(&root, dir, &ignore)).collect();
    let mut tree = Tree { root: root.clone(), projects: BTreeMap::new(), links: Vec::new() };
    for s in scanned {
        let s = s?;
        problems.extend(s.problems);
        links.extend(s.links);
        bad_names.extend(s.bad_names);
        tree.projects.insert(s.project.name.clone(), s.project);
    }
    tree.links = links;

    for bad in bad_names {
        let shown = bad
            .strip_prefix(&root)
            .map(|r| r.components().map(|c| crate::util::fs::escaped(c.as_os_str())).collect::<Vec<_>>().join("/"))
            .unwrap_or_default();
        problems.push(
            Problem::new(
                format!("{}/{shown}", root.display()),
                "has a name with control characters or bytes that are not UTF-8",
            )
            .hint("rename it to printable UTF-8"),
        );
    }
    Ok((tree, problems))
}

/// Links are kept when they stay inside the tree; devices, FIFOs and sockets are problems.
fn check_odd(root: &Path, e: Entry, links: &mut Vec<Link>, problems: &mut Problems) {
    let place = root.join(&e.rel).display().to_string();
    match e.link {
        Some(Ok(target)) => links.push(Link { rel: e.rel, target, mtime: e.stat.mtime }),
        Some(Err(why)) => problems.push(
            Problem::new(place, why)
                .hint("make it point inside the release tree, or remove it (closer never reads through symlinks)"),
        ),
        None => problems.push(
            Problem::new(place, "is not a regular file or directory (a device, FIFO or socket)")
                .hint("remove it from the release tree"),
        ),
    }
}
