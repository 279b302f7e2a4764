//! Walks the release tree and groups what it finds into projects, releases, artifacts
//! and their sidecars. It reads no file contents: only names and metadata. It never
//! follows a symlink; a link that stays inside the tree is kept as a link, one that
//! leaves it or dangles is a problem. Names that are not printable UTF-8 are problems
//! too, shown escaped.

mod build_lines;
mod dir_names;
mod dir_versions;
mod dirs;
mod flat;
mod joins;
mod key_names;
mod placed;
mod products;
mod project;
mod release;
mod shape;
mod walk;

pub use flat::{artifact_of, split_sidecar};
pub use key_names::{is_keys, may_hold_keys};

use crate::input::layout::Rules;
use crate::input::notes::Notes;
use crate::model::tree::{FileRef, Link, Tree};
use crate::util::problem::{Problem, Problems};
use anyhow::{Context, Result};
use project::{ProjectScan, scan_project};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use walk::{EntryKind, WalkEntry, load_ignore, walk};

/// The name of the ignore file at the top of the release tree (gitignore syntax).
pub const IGNORE_FILE: &str = ".closerignore";

/// Does the file `path` go with the notes: a note, or a note's signature or checksum
/// (`NEWS.asc`, `README.sha512`)? Only its last part is matched.
fn is_note(notes: &Notes, path: &str) -> bool {
    let base = path.rsplit('/').next().unwrap_or(path);
    let of = artifact_of(base);
    notes.is_match(of) || (of.len() != base.len() && notes.is_match(base))
}

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

/// What closer writes in `zzz/` at the top of the tree (the stamp, the index, the
/// lists, the `since` stamps, a build's journal).
const OWN_IN_ZZZ: [&str; 7] = ["time.txt", "index", "index.asc", "since", "stamps", "lists", "pending"];

/// Anything else in `zzz/` is someone else's (a project named `zzz`), which the scan
/// passes over as closer's own: said, not dropped without a word.
fn strangers_in_own_dir(root: &Path, problems: &mut Problems) {
    // A link in its place (to a directory elsewhere): the build would write the stamp,
    // the index and the lists through it, outside the tree, and mirrors would get a link.
    let own = root.join("zzz");
    if std::fs::symlink_metadata(&own).is_ok_and(|m| !m.is_dir()) {
        problems.push(
            // The tree's problem, not a project's: every build stops until it is fixed.
            Problem::new(
                root.display().to_string(),
                "its zzz is not a directory (a link, or a file): closer writes its own files there, never through a link",
            )
            .hint(format!(
                "remove it (rm {}): the next build makes the directory",
                crate::util::text::shell_file(&own.display().to_string())
            )),
        );
        return;
    }
    let Ok(entries) = std::fs::read_dir(&own) else { return };
    let mut names: Vec<String> = entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    for name in names.iter().filter(|n| !n.starts_with('.') && !OWN_IN_ZZZ.contains(&n.as_str())) {
        problems.push(
            Problem::new(
                root.join("zzz").join(name).display().to_string(),
                "is not closer's: `zzz/` at the top of the release tree holds closer's own files (the stamp, \
                 the lists), so nothing else in it is published and a project cannot be named zzz",
            )
            .hint("rename the project's directory (and its content/zzz.md), or move the file out of zzz/"),
        );
    }
}

/// Scans the release tree at `root`. Files whose names match `notes` are not artifacts
/// (`policy.notes`): they are carried as they are, and never need a signature.
pub fn scan(root: &Path, notes: &Notes, rules: &Rules) -> Result<(Tree, Problems)> {
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
    let mut top_notes = Vec::new();
    let mut tree_keys: Option<FileRef> = None;
    for e in top.entries {
        let place = || root.join(&e.rel).display().to_string();
        match e.kind {
            EntryKind::Link | EntryKind::Other => check_odd(&root, e, &mut links, &mut problems),
            EntryKind::Dir if !valid_segment(&e.rel) => {
                problems.push(Problem::new(place(), "is not a valid project directory name").hint(format!(
                    "rename it with ASCII letters, digits, `.`, `_`, `+` and `-`, starting with a letter or digit; \
                         if it is not a project (a web server's `.well-known/`), list it in {IGNORE_FILE}"
                )))
            }
            EntryKind::Dir => project_dirs.push(FileRef::new(e.rel, e.stat)),
            // GNU's `gnu-keyring.gpg` at the top signs every project without keys of its own.
            EntryKind::File if e.rel == "KEYS" || (e.rel.ends_with("keyring.gpg") && tree_keys.is_none()) => {
                top_notes.extend(tree_keys.replace(FileRef::new(e.rel, e.stat)))
            }
            EntryKind::File if notes.is_match(&e.rel) => top_notes.push(FileRef::new(e.rel, e.stat)),
            EntryKind::File => problems.push(
                Problem::new(
                    place(),
                    "is a file at the top of the release tree; releases live in <project>/<version>/",
                )
                .hint(format!("move it into a release directory, or list it in {IGNORE_FILE}")),
            ),
        }
    }

    strangers_in_own_dir(&root, &mut problems);
    // The system calls (readdir, fstatat) are the cost: each project on its own thread.
    let scanned: Vec<Result<ProjectScan>> =
        project_dirs.into_par_iter().map(|dir| scan_project(&root, dir, &ignore, notes, rules)).collect();
    let mut tree = Tree { root: root.clone(), notes: top_notes, ..Tree::default() };
    for s in scanned {
        let mut s = s?;
        problems.extend(s.problems);
        links.extend(s.links);
        bad_names.extend(s.bad_names);
        // A directory the build may not read: its project's problem, held while the others
        // publish.
        s.unreadable.iter().for_each(|dir| problems.push(crate::util::problem::unreadable(dir, true)));
        if s.project.keys.is_none() {
            s.project.keys = tree_keys.clone();
        }
        tree.projects.insert(s.project.name.clone(), s.project);
    }
    tree.keys = tree_keys;
    tree.links = links;
    for (project, rules) in rules.projects() {
        if !tree.projects.contains_key(project) {
            for r in rules {
                problems.push(
                    Problem::new(
                        &r.origin,
                        format!("is a rule for project `{project}`, which is not in the release tree"),
                    )
                    .hint("fix the project's name in the path, or remove the rule"),
                );
            }
        }
    }
    bad_name_problems(&root, bad_names, &mut problems);
    Ok((tree, problems))
}

/// Names closer cannot publish, shown escaped, each with why and the fix.
fn bad_name_problems(root: &Path, bad_names: Vec<(PathBuf, walk::BadName)>, problems: &mut Problems) {
    for (bad, why) in bad_names {
        let shown = bad
            .strip_prefix(root)
            .map(|r| r.components().map(|c| crate::util::fs::escaped(c.as_os_str())).collect::<Vec<_>>().join("/"))
            .unwrap_or_default();
        let (what, fix) = match why {
            walk::BadName::Unprintable => {
                ("has a name with control characters or bytes that are not UTF-8", "rename it to printable UTF-8")
            }
            walk::BadName::Deceptive => (
                "has a name with characters that turn text around or hide (a right-to-left override, a \
                 zero-width mark): on a page it reads as another name",
                "rename it without them",
            ),
            walk::BadName::TooLong => (
                "has a name too long to publish: the site writes files named after it with a suffix, past the \
                 255 bytes a file system takes",
                "rename it shorter (at most 247 bytes)",
            ),
        };
        problems.push(Problem::new(format!("{}/{shown}", root.display()), what).hint(fix));
    }
}

/// Links are kept when they stay inside the tree; devices, FIFOs and sockets are problems.
fn check_odd(root: &Path, e: WalkEntry, links: &mut Vec<Link>, problems: &mut Problems) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, rel).unwrap();
    }

    #[test]
    fn groups_releases_sidecars_and_nested_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "p/KEYS",
            "p/1.9/p-1.9.tar.gz",
            "p/1.10/p-1.10.tar.gz",
            "p/1.10/p-1.10.tar.gz.asc",
            "p/1.10/p-1.10.tar.gz.sha512",
            "p/1.10/SHA512SUMS",
            "p/1.10/bin/p-1.10-bin.zip",
            "p/2.0-rc1/p-2.0-rc1.tar.gz",
        ] {
            touch(root, rel);
        }
        let (tree, problems) = scan(root, &crate::input::registry::default_notes(), &Rules::default()).unwrap();
        assert!(problems.is_empty(), "{:?}", problems.sorted());
        let p = &tree.projects["p"];
        assert!(p.keys.is_some());
        let versions: Vec<&str> = p.releases.iter().map(|r| r.version.as_str()).collect();
        assert_eq!(versions, ["2.0-rc1", "1.10", "1.9"], "newest first, naturally ordered");
        let r = &p.releases[1];
        let names: Vec<&str> = r.artifacts.iter().map(|a| a.name()).collect();
        assert_eq!(names, ["bin/p-1.10-bin.zip", "p-1.10.tar.gz"]);
        assert!(r.artifacts[1].asc.is_some());
        assert_eq!(r.artifacts[1].checksums.len(), 1);
        assert_eq!(r.sums.len(), 1);
        assert_eq!(r.dirs.iter().map(|d| d.rel.as_ref()).collect::<Vec<_>>(), ["p/1.10/bin"]);
        let mut visited = Vec::new();
        tree.each_file(|f| visited.push(f.rel.clone()));
        assert_eq!(visited, tree.files().iter().map(|f| f.rel.clone()).collect::<Vec<_>>(), "the same files, in order");
        assert_eq!(visited.len(), 8);
    }

    #[test]
    fn version_directories_and_series_directories_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            // Build numbers after the directory's version: one release.
            "p/1.0/p-1.0-0.tar.gz",
            "p/1.0/p-1.0-1.tar.gz",
            "p/v2.0/p-2.0_amd64.deb",
            // kernel.org's series, and a series by its releases' versions.
            "q/v6.x/linux-6.6.tar.xz",
            "q/2.4/q-2.4.57.tar.gz",
            "q/2.4/q-2.4.58.tar.gz",
            // A dated directory: the release itself when its files name the date (Void
            // Linux), a snapshot of releases named otherwise (Rust's dist/2023-12-28/).
            "v/20240314/v-x86_64-20240314-base.iso",
            "r/2023-12-28/r-1.75.0.tar.gz",
        ] {
            touch(root, rel);
        }
        let (tree, problems) = scan(root, &crate::input::registry::default_notes(), &Rules::default()).unwrap();
        assert!(problems.is_empty(), "{:?}", problems.sorted());
        let releases = |p: &str| -> Vec<(Option<String>, String)> {
            tree.projects[p].releases.iter().map(|r| (r.line.clone(), r.version.clone())).collect()
        };
        assert_eq!(releases("p"), [(None, "v2.0".to_string()), (None, "1.0".to_string())]);
        let series = |l: &str, v: &str| (Some(l.to_string()), v.to_string());
        assert_eq!(releases("q"), [series("v6.x", "6.6"), series("2.4", "2.4.58"), series("2.4", "2.4.57")]);
        assert_eq!(releases("v"), [(None, "20240314".to_string())]);
        assert_eq!(releases("r"), [(None, "1.75.0".to_string())]);
    }

    #[test]
    fn stray_files_and_orphan_sidecars_are_problems() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in ["top.txt", "p/NOTES", "p/1.0/a.tar.gz", "p/1.0/b.tar.gz.asc"] {
            touch(root, rel);
        }
        let (_, problems) = scan(root, &crate::input::registry::default_notes(), &Rules::default()).unwrap();
        let text: Vec<String> = problems.sorted().iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 3, "{text:?}");
        assert!(text.iter().any(|t| t.contains("top.txt: is a file at the top")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("NOTES: is a file beside the releases")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("b.tar.gz.asc: is a .asc file for `b.tar.gz`")), "{text:?}");
    }
}
