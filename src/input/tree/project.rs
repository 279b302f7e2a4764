//! One project directory, grouped: its KEYS, and one release per version directory with
//! its artifacts, their sidecars (`.asc`, `.sha512`, ...) and its checksum lists.

use super::lines::{self, FlatGroup, RawRelease};
use super::placed;
use super::release::{group_release, signed_lists};
use super::walk::{EntryKind, WalkEntry, walk};
use super::{IGNORE_FILE, check_odd, flat, valid_segment};
use crate::input::layout::{Rule, Rules};
use crate::model::tree::{FileRef, Link, Project, Release, SignedList, checksum_list};
use crate::util::problem::{Problem, Problems};
use anyhow::Result;
use globset::GlobSet;
use ignore::gitignore::Gitignore;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A project as scanned on its own thread, with what it found wrong.
pub(super) struct ProjectScan {
    pub(super) project: Project,
    pub(super) links: Vec<Link>,
    pub(super) problems: Problems,
    pub(super) bad_names: Vec<PathBuf>,
}

/// What a project directory holds, sorted by place: KEYS and the version directories.
#[derive(Default)]
struct Found {
    keys: Option<FileRef>,
    notes: Vec<FileRef>,
    /// Files right in the project directory, by name: releases kept side by side.
    flat: Vec<(String, FileRef)>,
    releases: Vec<RawRelease>,
    links: Vec<Link>,
    problems: Problems,
}

/// Walks one project directory and groups what it holds into releases.
pub(super) fn scan_project(
    root: &Path,
    dir: FileRef,
    ignore: &Gitignore,
    notes: &GlobSet,
    rules: &Rules,
) -> Result<ProjectScan> {
    let walked = walk(root, &dir.rel, usize::MAX, ignore)?;
    let rules = rules.of(&dir.rel);
    let mut rule_problems = Problems::default();
    let (entries, placed) = placed::take_placed(root, &dir, walked.entries, rules, &mut rule_problems);
    let Found { keys, notes: project_notes, flat, releases: raw, links, mut problems } =
        sort_entries(root, &dir, entries, notes);
    problems.extend(rule_problems);
    let tried = tried(rules);
    let mut beside = Beside { notes: project_notes, signed_lists: Vec::new(), tried: tried.clone() };
    beside.notes.extend(placed.notes.iter().cloned());
    let top = FlatGroup { line: None, dir: dir.clone(), files: flat, dirs: Vec::new() };
    let (in_dirs, groups, line_keys) = shapes(root, raw, top, notes, &tried, &mut problems);
    let mut releases = dir_releases(root, in_dirs, notes, &mut problems);
    for ((line, version), files) in &placed.releases {
        let place = root.join(&dir.rel).display().to_string();
        let dirs = placed.dirs_of(files);
        let mut release =
            group_release(version.clone(), dir.clone(), files.clone(), dirs, &place, notes, &mut problems);
        release.line = line.clone();
        releases.push(release);
    }
    for g in groups {
        let in_dirs: BTreeSet<String> =
            releases.iter().filter(|r| r.line == g.line).map(|r| r.version.clone()).collect();
        let mut flat = flat_releases(root, &g.dir, g.files, &in_dirs, notes, &mut beside, &mut problems);
        for r in &mut flat {
            r.line = g.line.clone();
            // Each release lists the grouping directories its files are in.
            let holds = |d: &FileRef| r.artifacts.iter().any(|a| a.file.rel.starts_with(&format!("{}/", d.rel)));
            r.dirs = g.dirs.iter().filter(|d| holds(d)).cloned().collect();
        }
        releases.extend(flat);
    }
    releases.sort_by(|a, b| crate::util::version::compare(&b.version, &a.version));
    same_versions(root, &releases, &mut problems);
    if releases.is_empty() {
        problems.push(
            Problem::new(root.join(&dir.rel).display().to_string(), "is a project with no releases")
                .hint("add dist/<project>/<version>/ with its artifacts, or remove it"),
        );
    }
    let project = Project {
        name: dir.rel.clone(),
        keys,
        line_keys,
        notes: beside.notes,
        signed_lists: beside.signed_lists,
        keys_bytes: None,
        releases,
        dir,
    };
    Ok(ProjectScan { project, links, problems, bad_names: walked.bad_names })
}

/// Sorts the project's directories by shape (`lines::shape`): releases in their own
/// directories, and groups of flat releases, the project's own (`top`) first.
fn shapes(
    root: &Path,
    raw: Vec<RawRelease>,
    top: FlatGroup,
    notes: &GlobSet,
    tried: &str,
    problems: &mut Problems,
) -> (Vec<RawRelease>, Vec<FlatGroup>, Vec<(String, FileRef)>) {
    let mut groups = vec![top];
    let mut in_dirs = Vec::new();
    let mut line_keys = Vec::new();
    for r in raw {
        let shape = lines::shape(root, r, notes, tried, problems);
        in_dirs.extend(shape.releases);
        line_keys.extend(shape.keys);
        match shape.flat {
            // Grouping directories (`binaries/`, `source/`) join the project's own files.
            Some(g) if g.line.is_none() => {
                groups[0].files.extend(g.files);
                groups[0].dirs.extend(g.dirs);
            }
            Some(g) => groups.push(g),
            None => {}
        }
    }
    (in_dirs, groups, line_keys)
}

/// The releases kept in their own directories; an empty one is a problem.
fn dir_releases(root: &Path, in_dirs: Vec<RawRelease>, notes: &GlobSet, problems: &mut Problems) -> Vec<Release> {
    let mut releases = Vec::new();
    for RawRelease { version, line, dir: release_dir, files, dirs } in in_dirs {
        let place = root.join(&release_dir.rel).display().to_string();
        let mut release = group_release(version, release_dir, files, dirs, &place, notes, problems);
        release.line = line;
        if release.artifacts.is_empty() {
            problems.push(
                Problem::new(place, "is a release with no files")
                    .hint("upload its artifacts, or remove the empty directory"),
            );
            continue;
        }
        releases.push(release);
    }
    releases
}

/// Two releases whose versions are equal (`2.4.58/` and `v2.4.58/`, a directory and
/// files a rule places there) are ambiguous: a version names one release. So are two
/// lines (sub-projects) with one version, since a project has one page per version.
fn same_versions(root: &Path, releases: &[Release], problems: &mut Problems) {
    let first = |r: &Release| r.artifacts.first().map_or(r.dir.rel.clone(), |a| a.file.rel.clone());
    let mut seen: std::collections::HashMap<String, &Release> = std::collections::HashMap::new();
    for b in releases {
        let Some(a) = seen.insert(crate::util::version::bare(&b.version), b) else { continue };
        let (what, hint) = if a.line == b.line {
            (
                "the same version twice, so closer cannot tell which is which",
                "keep one release per version: merge or rename one of them",
            )
        } else {
            (
                "the same version in two lines, and a project has one page per version",
                "make the lines separate projects (directories at the top of the tree), or place one with a layout rule giving another `version:`",
            )
        };
        problems.push(
            Problem::new(
                root.join(first(b)).display().to_string(),
                format!("is in release {} and {} is in release {}: {what}", b.version, first(a), a.version),
            )
            .hint(hint),
        );
    }
}

/// Sorts the walked entries of a project (in walk order) into KEYS, version directories
/// and what lies inside each.
fn sort_entries(root: &Path, dir: &FileRef, entries: Vec<WalkEntry>, notes: &GlobSet) -> Found {
    let mut found = Found::default();
    let mut current: Option<RawRelease> = None;
    let prefix_len = dir.rel.len() + 1;
    for e in entries {
        if matches!(e.kind, EntryKind::Link | EntryKind::Other) {
            check_odd(root, e, &mut found.links, &mut found.problems);
            continue;
        }
        if e.depth == 2 {
            found.releases.extend(current.take());
            current = top_entry(root, e, prefix_len, notes, &mut found);
            continue;
        }
        // Deeper: inside the current release (entries come in walk order).
        let Some(r) = current.as_mut() else { continue };
        let in_release = e.rel[prefix_len + r.version.len() + 1..].to_string();
        let f = FileRef::new(e.rel, e.stat);
        if e.kind == EntryKind::Dir {
            r.dirs.push(f);
        } else {
            r.files.push((in_release, f));
        }
    }
    found.releases.extend(current.take());
    found
}

/// An entry right in the project directory: a version directory (returned, to collect
/// what lies inside it), KEYS, or a problem.
fn top_entry(root: &Path, e: WalkEntry, prefix_len: usize, notes: &GlobSet, found: &mut Found) -> Option<RawRelease> {
    let place = || root.join(&e.rel).display().to_string();
    let in_project = &e.rel[prefix_len..];
    if e.kind == EntryKind::Dir {
        if valid_segment(in_project) {
            return Some(RawRelease {
                version: in_project.to_string(),
                line: None,
                dir: FileRef::new(e.rel.clone(), e.stat),
                files: Vec::new(),
                dirs: Vec::new(),
            });
        }
        found.problems.push(
            Problem::new(place(), "is not a valid version directory name")
                .hint("use letters, digits, `.`, `_`, `+` and `-`, starting with a letter or digit"),
        );
    } else if in_project == "KEYS" {
        // KEYS wins over a keyring; the keyring is then carried as it is.
        found.notes.extend(found.keys.replace(FileRef::new(e.rel, e.stat)));
    } else if in_project.ends_with("keyring.gpg") && found.keys.is_none() {
        // A binary keyring, GNU's form (`gnu-keyring.gpg`), when there is no KEYS.
        found.keys = Some(FileRef::new(e.rel, e.stat));
    } else if notes.is_match(in_project) || in_project.ends_with("keyring.gpg") {
        found.notes.push(FileRef::new(e.rel, e.stat));
    } else {
        // Maybe a release kept side by side with others: grouped by the version in its name.
        found.flat.push((in_project.to_string(), FileRef::new(e.rel, e.stat)));
    }
    None
}

/// What lies beside a project's releases rather than in one: notes, and the checksum
/// lists that cover several flat releases (kernel.org's `v6.x/sha256sums.asc`).
struct Beside {
    notes: Vec<FileRef>,
    signed_lists: Vec<SignedList>,
    /// The layout rules tried, for the message about a file nothing places.
    tried: String,
}

/// ` (layout rules tried: ...)` when the project has rules, for the message about a
/// file that neither a rule nor inference places.
fn tried(rules: &[Rule]) -> String {
    if rules.is_empty() {
        return String::new();
    }
    format!("; layout rules tried: {}", rules.iter().map(Rule::describe).collect::<Vec<_>>().join(", "))
}

/// Releases kept side by side in the project directory (`httpd/httpd-2.4.58.tar.gz`),
/// grouped by the version in their names. Checksum lists there cover several releases:
/// they are carried as notes, and a signed one signs the files it holds. A file whose
/// name says no version is a problem.
fn flat_releases(
    root: &Path,
    dir: &FileRef,
    files: Vec<(String, FileRef)>,
    dir_versions: &BTreeSet<String>,
    notes: &GlobSet,
    beside: &mut Beside,
    problems: &mut Problems,
) -> Vec<Release> {
    let mut by_version: BTreeMap<String, Vec<(String, FileRef)>> = BTreeMap::new();
    let (mut sums, mut list_signatures) = (Vec::new(), Vec::new());
    for (name, f) in files {
        let base = name.rsplit('/').next().unwrap_or(&name);
        match checksum_list(base) {
            Some((algo, false)) => {
                sums.push((algo, f.clone()));
                beside.notes.push(f);
                continue;
            }
            Some((algo, true)) => {
                list_signatures.push((algo, f));
                continue;
            }
            None => {}
        }
        match flat::version_of(base) {
            Some(v) => by_version.entry(v).or_default().push((name, f)),
            // Notes in a line's or a grouping directory (`lang/RELEASE-NOTES.txt`).
            None if notes.is_match(base) => beside.notes.push(f),
            None => problems.push(
                Problem::new(
                    root.join(&f.rel).display().to_string(),
                    format!(
                        "is a file beside the releases whose name says no version; a project directory holds KEYS, \
                         notes, a directory per version, or release files named <name>-<version><extension>{}",
                        beside.tried
                    ),
                )
                .hint(format!(
                    "rename it, move it into a version directory, place it with a layout rule, or list it in {IGNORE_FILE}"
                )),
            ),
        }
    }
    beside.signed_lists.extend(signed_lists(list_signatures, &sums));
    let place = root.join(&dir.rel).display().to_string();
    let mut releases = Vec::new();
    for (version, files) in by_version {
        if dir_versions.contains(&version) {
            let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
            problems.push(
                Problem::new(
                    format!("{place}/{version}"),
                    format!("release {version} is both a directory and files beside it ({})", names.join(", ")),
                )
                .hint("keep one: move the files into the directory, or the directory's files out of it"),
            );
            continue;
        }
        let release = group_release(version, dir.clone(), files, Vec::new(), &place, notes, problems);
        if !release.artifacts.is_empty() {
            releases.push(release);
        }
    }
    releases
}
