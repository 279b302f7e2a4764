//! One project directory, grouped: its KEYS, and one release per version directory with
//! its artifacts, their sidecars (`.asc`, `.sha512`, ...) and its checksum lists.

use super::walk::{EntryKind, WalkEntry, walk};
use super::{IGNORE_FILE, check_odd, flat, valid_segment};
use crate::model::digests::Algo;
use crate::model::tree::{Artifact, FileRef, Link, Project, Release, SIGNATURE_EXTS, SignedList, checksum_list};
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

/// A version directory as walked: files by path inside it, and its subdirectories.
struct RawRelease {
    version: String,
    line: Option<String>,
    dir: FileRef,
    files: Vec<(String, FileRef)>,
    dirs: Vec<FileRef>,
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
pub(super) fn scan_project(root: &Path, dir: FileRef, ignore: &Gitignore, notes: &GlobSet) -> Result<ProjectScan> {
    let walked = walk(root, &dir.rel, usize::MAX, ignore)?;
    let Found { keys, notes: mut project_notes, mut flat, releases: raw, links, mut problems } =
        sort_entries(root, &dir, walked.entries, notes);
    let raw: Vec<RawRelease> = raw.into_iter().flat_map(|r| split_line(root, r, &mut problems)).collect();
    // Grouping directories (`binaries/`, `source/`) of files named with their versions
    // join the files kept side by side.
    let (grouping, raw): (Vec<RawRelease>, Vec<RawRelease>) = raw.into_iter().partition(is_grouping);
    let mut grouping_dirs = Vec::new();
    for g in grouping {
        flat.extend(g.files.into_iter().map(|(name, f)| (format!("{}/{name}", g.version), f)));
        grouping_dirs.push(g.dir);
        grouping_dirs.extend(g.dirs);
    }
    let dir_versions: BTreeSet<String> = raw.iter().map(|r| r.version.clone()).collect();
    let mut releases = Vec::new();
    for RawRelease { version, line, dir: release_dir, files, dirs } in raw {
        let place = root.join(&release_dir.rel).display().to_string();
        let mut release = group_release(version, release_dir, files, dirs, &place, notes, &mut problems);
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
    let mut flat = flat_releases(root, &dir, flat, &dir_versions, notes, &mut project_notes, &mut problems);
    for r in &mut flat {
        // Each release lists the grouping directories its files are in.
        let holds = |d: &FileRef| r.artifacts.iter().any(|a| a.file.rel.starts_with(&format!("{}/", d.rel)));
        r.dirs = grouping_dirs.iter().filter(|d| holds(d)).cloned().collect();
    }
    releases.extend(flat);
    releases.sort_by(|a, b| crate::util::version::compare(&b.version, &a.version));
    if releases.is_empty() {
        problems.push(
            Problem::new(root.join(&dir.rel).display().to_string(), "is a project with no releases")
                .hint("add dist/<project>/<version>/ with its artifacts, or remove it"),
        );
    }
    let project = Project { name: dir.rel.clone(), keys, notes: project_notes, keys_bytes: None, releases, dir };
    Ok(ProjectScan { project, links, problems, bad_names: walked.bad_names })
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

/// Sorts a release's files into artifacts, their sidecars, and checksum lists.
fn group_release(
    version: String,
    dir: FileRef,
    files: Vec<(String, FileRef)>,
    dirs: Vec<FileRef>,
    place: &str,
    notes: &GlobSet,
    problems: &mut Problems,
) -> Release {
    let names: BTreeSet<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let mut artifacts: BTreeMap<String, Artifact> = BTreeMap::new();
    let mut sidecars = Vec::new();
    let mut sums = Vec::new();
    let mut other = Vec::new();
    let mut release_notes = Vec::new();
    let mut list_signatures = Vec::new();
    for (name, f) in &files {
        let base = name.rsplit('/').next().unwrap_or(name);
        match checksum_list(base) {
            Some((algo, false)) => {
                sums.push((algo, f.clone()));
                continue;
            }
            Some((algo, true)) => {
                list_signatures.push((algo, f.clone()));
                continue;
            }
            None => {}
        }
        if notes.is_match(base) {
            release_notes.push(f.clone());
            continue;
        }
        match name.rsplit_once('.') {
            Some((stem, ext)) if (SIGNATURE_EXTS.contains(&ext) || Algo::from_ext(ext).is_some()) => {
                sidecars.push((stem.to_string(), ext.to_string(), f.clone()))
            }
            _ => {
                artifacts.insert(
                    name.clone(),
                    Artifact {
                        name: name.clone(),
                        file: f.clone(),
                        asc: None,
                        checksums: Vec::new(),
                        signature: None,
                        covered_by: None,
                    },
                );
            }
        }
    }
    for (stem, ext, f) in sidecars {
        match artifacts.get_mut(&stem) {
            Some(a) => attach(a, &ext, f, &mut other),
            None if names.contains(stem.as_str()) => {}
            None => problems.push(
                Problem::new(
                    format!("{place}/{}", f.rel.rsplit('/').next().unwrap_or(&f.rel)),
                    format!("is a .{ext} file for `{stem}`, which is not in the release"),
                )
                .hint("upload the file it belongs to, or remove it"),
            ),
        }
    }
    let signed_lists = signed_lists(list_signatures, &sums);
    Release {
        version,
        line: None,
        artifacts: artifacts.into_values().collect(),
        sums,
        other,
        signed_lists,
        notes: release_notes,
        dir,
        dirs,
    }
}

/// Puts a sidecar (`.asc`, `.sig`, `.sha512`, ...) on its artifact. One signature per
/// artifact, armored before binary; another is carried along as it is (in `other`).
fn attach(a: &mut Artifact, ext: &str, f: FileRef, other: &mut Vec<FileRef>) {
    if SIGNATURE_EXTS.contains(&ext) {
        match a.asc.take() {
            Some(old) if ext != "asc" => {
                a.asc = Some(old);
                other.push(f);
            }
            Some(old) => {
                a.asc = Some(f);
                other.push(old);
            }
            None => a.asc = Some(f),
        }
    } else if let Some(algo) = Algo::from_ext(ext) {
        a.checksums.push((algo, f));
    }
}

/// Pairs each signature of a checksum list with the list it signs (`SHA256SUMS.sign`
/// with `SHA256SUMS`); one without a list beside it is a clearsigned list itself.
fn signed_lists(signatures: Vec<(Algo, FileRef)>, sums: &[(Algo, FileRef)]) -> Vec<SignedList> {
    signatures
        .into_iter()
        .map(|(algo, signature)| {
            let stem = signature.rel.rsplit_once('.').map_or("", |(s, _)| s);
            let list = sums.iter().find(|(_, l)| l.rel == stem).map(|(_, l)| l.clone());
            SignedList { signature, list, algo, check: None }
        })
        .collect()
}

/// Releases kept side by side in the project directory (`httpd/httpd-2.4.58.tar.gz`),
/// grouped by the version in their names. Checksum lists there cover several releases:
/// they are carried as notes, not read. A file whose name says no version is a problem.
fn flat_releases(
    root: &Path,
    dir: &FileRef,
    files: Vec<(String, FileRef)>,
    dir_versions: &BTreeSet<String>,
    notes: &GlobSet,
    project_notes: &mut Vec<FileRef>,
    problems: &mut Problems,
) -> Vec<Release> {
    let mut by_version: BTreeMap<String, Vec<(String, FileRef)>> = BTreeMap::new();
    for (name, f) in files {
        let base = name.rsplit('/').next().unwrap_or(&name);
        if checksum_list(base).is_some() {
            project_notes.push(f);
            continue;
        }
        match flat::version_of(base) {
            Some(v) => by_version.entry(v).or_default().push((name, f)),
            None => problems.push(
                Problem::new(
                    root.join(&f.rel).display().to_string(),
                    "is a file beside the releases whose name says no version; a project directory holds KEYS, notes, \
                     a directory per version, or release files named <name>-<version><extension>",
                )
                .hint(format!("rename it, move it into a version directory, or list it in {IGNORE_FILE}")),
            ),
        }
    }
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

/// A directory in the project whose name is no version but whose subdirectories' are
/// is a release line (Apache keeps `tomcat/tomcat-9/v9.0.83/` beside `tomcat-10/`): one
/// release per version directory in it, each carrying the line's directory for the
/// lists. Anything else stays the release it was.
fn split_line(root: &Path, r: RawRelease, problems: &mut Problems) -> Vec<RawRelease> {
    let line_dir = &r.dir.rel;
    let versions: Vec<&FileRef> = r
        .dirs
        .iter()
        .filter(|d| {
            d.rel.rsplit_once('/').is_some_and(|(parent, name)| parent == line_dir && flat::starts_version(name))
        })
        .collect();
    if flat::starts_version(&r.version) || versions.is_empty() {
        return vec![r];
    }
    let mut out: Vec<RawRelease> = versions
        .iter()
        .map(|d| RawRelease {
            version: d.rel.rsplit('/').next().unwrap_or(&d.rel).to_string(),
            line: Some(r.version.clone()),
            dir: (*d).clone(),
            files: Vec::new(),
            dirs: vec![r.dir.clone()],
        })
        .collect();
    for d in &r.dirs {
        if let Some(release) = out.iter_mut().find(|o| d.rel.starts_with(&format!("{}/", o.dir.rel))) {
            release.dirs.push(d.clone());
        }
    }
    for (name, f) in r.files {
        let release =
            name.split_once('/').and_then(|(v, inner)| Some((out.iter_mut().find(|o| o.version == v)?, inner)));
        match release {
            Some((release, inner)) => release.files.push((inner.to_string(), f)),
            None => problems.push(
                Problem::new(
                    root.join(&f.rel).display().to_string(),
                    format!("is a file in the release line {}, outside its version directories", r.version),
                )
                .hint(format!("move it into a version directory, or list it in {IGNORE_FILE}")),
            ),
        }
    }
    out
}

/// A directory in the project that is no version and no line, all of whose files are
/// named with their versions: a grouping directory (`binaries/`, `source/`, `bin/`), as
/// Apache's Commons keeps them.
fn is_grouping(r: &RawRelease) -> bool {
    r.line.is_none()
        && !flat::starts_version(&r.version)
        && !r.files.is_empty()
        && r.files.iter().all(|(name, _)| flat::version_of(name.rsplit('/').next().unwrap_or(name)).is_some())
}
