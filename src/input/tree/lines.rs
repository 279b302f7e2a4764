//! What a directory right inside a project is, from its name and what it holds:
//! - a version directory (`2.4.58/`, `v9.0.83/`): one release;
//! - a series of releases kept side by side (kernel.org's `v6.x/`, `2.4.x/`): its files
//!   name several versions, none of them its own; a release line of flat releases;
//! - a release line (`tomcat-9/`, `httpd-2.4/`, any other name) with version directories
//!   (`tomcat-9/v9.0.83/`) or versioned files in it: releases of that line. A
//!   sub-project (`commons/lang/binaries/...`, `commons/io/source/...`) is such a line:
//!   its releases are kept apart from the other sub-projects', `keep` applying to each;
//! - a grouping directory (`binaries/`, `source/`, ...) whose files all name their
//!   versions: they join the project's flat releases.

use super::{IGNORE_FILE, flat};
use crate::model::tree::FileRef;
use crate::util::problem::{Problem, Problems};
use globset::GlobSet;
use std::path::Path;

/// A version directory as walked: files by path inside it, and its subdirectories.
pub(super) struct RawRelease {
    pub(super) version: String,
    pub(super) line: Option<String>,
    pub(super) dir: FileRef,
    pub(super) files: Vec<(String, FileRef)>,
    pub(super) dirs: Vec<FileRef>,
}

/// Files named with their versions, kept side by side in one directory (and its
/// grouping subdirectories): the releases of `line`.
pub(super) struct FlatGroup {
    pub(super) line: Option<String>,
    /// Where the names in `files` start.
    pub(super) dir: FileRef,
    pub(super) files: Vec<(String, FileRef)>,
    /// Grouping directories the files are in.
    pub(super) dirs: Vec<FileRef>,
}

/// What one directory of a project holds: releases in their own directories, and files
/// of flat releases.
pub(super) struct Shape {
    pub(super) releases: Vec<RawRelease>,
    pub(super) flat: Option<FlatGroup>,
    /// A line's own KEYS (`tomcat-9/KEYS`), by line.
    pub(super) keys: Option<(String, FileRef)>,
}

/// Takes a line's own KEYS (right in its directory), or else its binary keyring
/// (`gnu-keyring.gpg`), out of its files.
fn take_keys(line: &str, files: &mut Vec<(String, FileRef)>) -> Option<(String, FileRef)> {
    let i = files
        .iter()
        .position(|(n, _)| n == "KEYS")
        .or_else(|| files.iter().position(|(n, _)| !n.contains('/') && n.ends_with("keyring.gpg")))?;
    Some((line.to_string(), files.remove(i).1))
}

/// Names of directories that group a project's files by kind, never by version.
const GROUPING: [&str; 9] = ["bin", "binaries", "binary", "src", "source", "sources", "dist", "downloads", "files"];

fn name_of(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// Does `dir` say it is a series (`v6.x`, `2.4.x`) rather than one version?
fn series_name(dir: &str) -> bool {
    dir.split(['.', '-']).any(|part| part.eq_ignore_ascii_case("x"))
}

/// Is `file_version` (read from a file's name) the version of the directory `dir`:
/// the same (`v2.4.58/httpd-2.4.58...`), or it with a build suffix (`1.0/p-1.0-0.tar.gz`,
/// `1.0/p-1.0_amd64.deb`)? Versions that go on with a `.` (`2.4/httpd-2.4.58...`) are
/// releases of a series.
fn own_version(dir: &str, file_version: &str) -> bool {
    let (dir, file) = (crate::util::version::bare(dir), crate::util::version::bare(file_version));
    file == dir || file.strip_prefix(&dir).is_some_and(|rest| rest.starts_with(['-', '_', '+', '~']))
}

/// Is the version-named directory `r` a series: do the files right in it name versions
/// none of which is its own, two or more of them or under a series name (`v6.x`)? The
/// first file that names the directory's own version settles it (a version directory,
/// the common case, costs one name read).
fn is_series(name: &str, r: &RawRelease) -> bool {
    let mut first: Option<String> = None;
    let mut several = false;
    for (n, _) in r.files.iter().filter(|(n, _)| !n.contains('/')) {
        let Some(v) = flat::version_of(n) else { continue };
        if own_version(name, &v) {
            return false;
        }
        match &first {
            None => first = Some(v),
            Some(f) => several |= *f != v,
        }
    }
    first.is_some() && (several || series_name(name))
}

/// Sorts one directory of a project into releases and flat files; files it cannot
/// place are problems.
pub(super) fn shape(root: &Path, r: RawRelease, notes: &GlobSet, tried: &str, problems: &mut Problems) -> Shape {
    let name = r.version.clone();
    if flat::starts_version(&name) {
        if is_series(&name, &r) {
            let mut r = r;
            let keys = take_keys(&name, &mut r.files);
            return Shape { releases: Vec::new(), flat: Some(group_of(Some(name), r)), keys };
        }
        return Shape { releases: vec![r], flat: None, keys: None };
    }
    let has_versions = r.dirs.iter().any(|d| parent_is(d, &r.dir.rel) && flat::starts_version(name_of(&d.rel)));
    // Notes (`README`, `RELEASE-NOTES.txt`) go with the flat releases as notes.
    let versioned = |n: &str| flat::version_of(name_of(n)).is_some() || notes.is_match(name_of(n));
    let all_versioned = r.files.iter().any(|(n, _)| flat::version_of(name_of(n)).is_some())
        && r.files.iter().all(|(n, _)| versioned(n));
    if !has_versions && all_versioned && GROUPING.contains(&name.as_str()) {
        // A grouping directory: its files join the project's own flat releases.
        let mut g = group_of(None, r);
        g.files = g.files.into_iter().map(|(n, f)| (format!("{name}/{n}"), f)).collect();
        g.dirs.insert(0, g.dir.clone());
        return Shape { releases: Vec::new(), flat: Some(g), keys: None };
    }
    if !has_versions && !all_versioned {
        return Shape { releases: vec![r], flat: None, keys: None };
    }
    split_line(root, r, notes, tried, problems)
}

fn parent_is(d: &FileRef, parent: &str) -> bool {
    d.rel.rsplit_once('/').is_some_and(|(p, _)| p == parent)
}

/// All the files of `r` as one flat group.
fn group_of(line: Option<String>, r: RawRelease) -> FlatGroup {
    FlatGroup { line, dir: r.dir, files: r.files, dirs: r.dirs }
}

/// A release line (Apache keeps `tomcat/tomcat-9/v9.0.83/` beside `tomcat-10/`): one
/// release per version directory in it, each carrying the line's directory for the
/// lists, and the versioned files right in it as flat releases of the line.
fn split_line(root: &Path, mut r: RawRelease, notes: &GlobSet, tried: &str, problems: &mut Problems) -> Shape {
    let keys = take_keys(&r.version, &mut r.files);
    let line_dir = &r.dir.rel;
    let mut out: Vec<RawRelease> = r
        .dirs
        .iter()
        .filter(|d| parent_is(d, line_dir) && flat::starts_version(name_of(&d.rel)))
        .map(|d| RawRelease {
            version: name_of(&d.rel).to_string(),
            line: Some(r.version.clone()),
            dir: d.clone(),
            files: Vec::new(),
            dirs: vec![r.dir.clone()],
        })
        .collect();
    let mut flat_dirs = Vec::new();
    for d in &r.dirs {
        match out.iter_mut().find(|o| d.rel.starts_with(&format!("{}/", o.dir.rel)) || d.rel == o.dir.rel) {
            Some(release) if d.rel != release.dir.rel => release.dirs.push(d.clone()),
            Some(_) => {}
            None => flat_dirs.push(d.clone()),
        }
    }
    let mut flat_files = Vec::new();
    for (name, f) in r.files {
        let release =
            name.split_once('/').and_then(|(v, inner)| Some((out.iter_mut().find(|o| o.version == v)?, inner)));
        match release {
            Some((release, inner)) => release.files.push((inner.to_string(), f)),
            None if flat::version_of(name_of(&name)).is_some() || notes.is_match(name_of(&name)) => {
                flat_files.push((name, f))
            }
            None => problems.push(
                Problem::new(
                    root.join(&f.rel).display().to_string(),
                    format!(
                        "is a file in the release line {}, outside its version directories, whose name says no version{tried}",
                        r.version
                    ),
                )
                .hint(format!("move it into a version directory, or list it in {IGNORE_FILE}")),
            ),
        }
    }
    let flat = (!flat_files.is_empty()).then(|| FlatGroup {
        line: Some(r.version.clone()),
        dir: r.dir.clone(),
        files: flat_files,
        dirs: flat_dirs,
    });
    Shape { releases: out, flat, keys }
}
