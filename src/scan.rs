//! Walks the release tree and groups what it finds into projects, releases, artifacts
//! and their sidecars. It reads no file contents: only names and metadata. It never
//! follows a symlink; a link that stays inside the tree is kept as a link, one that
//! leaves it or dangles is a problem. Names that are not printable UTF-8 are problems
//! too, shown escaped.

use crate::problem::{Problem, Problems};
use anyhow::{Context, Result};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The name of the ignore file at the top of the release tree (gitignore syntax).
pub const IGNORE_FILE: &str = ".closerignore";

/// Metadata that decides whether a file changed since it was last read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stat {
    pub size: u64,
    pub mtime: i64,
    pub mtime_ns: i64,
    pub ctime: i64,
    pub ctime_ns: i64,
    pub ino: u64,
}

impl Stat {
    fn of(m: &std::fs::Metadata) -> Stat {
        Stat {
            size: m.len(),
            mtime: m.mtime(),
            mtime_ns: m.mtime_nsec(),
            ctime: m.ctime(),
            ctime_ns: m.ctime_nsec(),
            ino: m.ino(),
        }
    }
}

/// A regular file of the tree.
#[derive(Debug, Clone)]
pub struct FileRef {
    /// Path relative to the tree's root, `/`-separated.
    pub rel: String,
    pub stat: Stat,
    /// Filled in by the digest stage for regular files.
    pub digests: Option<crate::digest::Digests>,
}

impl FileRef {
    fn new(rel: String, stat: Stat) -> FileRef {
        FileRef { rel, stat, digests: None }
    }
}

/// A checksum algorithm of a sidecar or checksum list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Algo {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

impl Algo {
    pub fn ext(self) -> &'static str {
        match self {
            Algo::Md5 => "md5",
            Algo::Sha1 => "sha1",
            Algo::Sha256 => "sha256",
            Algo::Sha512 => "sha512",
        }
    }

    fn from_ext(ext: &str) -> Option<Algo> {
        Some(match ext {
            "md5" => Algo::Md5,
            "sha1" => Algo::Sha1,
            "sha256" => Algo::Sha256,
            "sha512" => Algo::Sha512,
            _ => return None,
        })
    }

    fn from_sums_name(name: &str) -> Option<Algo> {
        Some(match name {
            "MD5SUMS" => Algo::Md5,
            "SHA1SUMS" => Algo::Sha1,
            "SHA256SUMS" => Algo::Sha256,
            "SHA512SUMS" => Algo::Sha512,
            _ => return None,
        })
    }
}

/// A release file and the files that describe it.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Path relative to the release directory (usually a plain file name).
    pub name: String,
    pub file: FileRef,
    /// The detached signature, `<name>.asc`.
    pub asc: Option<FileRef>,
    /// Checksum sidecars the release manager uploaded: `<name>.sha512` and friends.
    pub checksums: Vec<(Algo, FileRef)>,
    /// Filled in by the verify stage.
    pub signature: Option<crate::pgp::Check>,
}

/// A symlink inside the tree, kept as a link and never read through.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Link {
    pub rel: String,
    /// What the link says, unchanged.
    pub target: String,
    pub mtime: i64,
}

#[derive(Debug, Clone)]
pub struct Release {
    pub version: String,
    /// Sorted by name.
    pub artifacts: Vec<Artifact>,
    /// Checksum lists the release manager uploaded (`SHA512SUMS`, ...).
    pub sums: Vec<(Algo, FileRef)>,
    /// Other files that belong to the release but not to one artifact (signed
    /// checksum lists such as `SHA512SUMS.asc`).
    pub other: Vec<FileRef>,
    /// The release's directory.
    pub dir: FileRef,
    /// Directories inside the release (for nested layouts), relative to the tree root.
    pub dirs: Vec<FileRef>,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    pub keys: Option<FileRef>,
    /// The bytes of KEYS as signatures were checked against them (filled by
    /// `verify::verify`), so that the site publishes that very file.
    pub keys_bytes: Option<std::sync::Arc<[u8]>>,
    /// Newest first.
    pub releases: Vec<Release>,
    pub dir: FileRef,
}

/// The release tree as found on disk.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub root: PathBuf,
    pub projects: BTreeMap<String, Project>,
    pub links: Vec<Link>,
}

impl Tree {
    /// Every regular file of the tree (KEYS, artifacts, signatures, checksum files), in a
    /// fixed order.
    pub fn files(&self) -> Vec<&FileRef> {
        let mut v = Vec::new();
        for p in self.projects.values() {
            v.extend(p.keys.as_ref());
            for r in &p.releases {
                for a in &r.artifacts {
                    v.push(&a.file);
                    v.extend(a.asc.as_ref());
                    v.extend(a.checksums.iter().map(|(_, c)| c));
                }
                v.extend(r.sums.iter().map(|(_, s)| s));
                v.extend(r.other.iter());
            }
        }
        v
    }

    /// The same files as [`Tree::files`], mutably, in the same order.
    pub fn files_mut(&mut self) -> Vec<&mut FileRef> {
        let mut v = Vec::new();
        for p in self.projects.values_mut() {
            v.extend(p.keys.as_mut());
            for r in &mut p.releases {
                for a in &mut r.artifacts {
                    v.push(&mut a.file);
                    v.extend(a.asc.as_mut());
                    v.extend(a.checksums.iter_mut().map(|(_, c)| c));
                }
                v.extend(r.sums.iter_mut().map(|(_, s)| s));
                v.extend(r.other.iter_mut());
            }
        }
        v
    }

    /// Every artifact of the tree, mutably, in the same order as [`Tree::artifacts`].
    pub fn artifacts_mut(&mut self) -> impl Iterator<Item = &mut Artifact> {
        self.projects.values_mut().flat_map(|p| p.releases.iter_mut().flat_map(|r| r.artifacts.iter_mut()))
    }

    /// Every artifact of the tree, in a fixed order.
    pub fn artifacts(&self) -> impl Iterator<Item = (&Project, &Release, &Artifact)> {
        self.projects
            .values()
            .flat_map(|p| p.releases.iter().flat_map(move |r| r.artifacts.iter().map(move |a| (p, r, a))))
    }
}

/// Is `name` usable as a project or version directory (it becomes part of URLs)?
pub fn valid_segment(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.len() <= 128
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c))
}

fn builtin_excluded(name: &str) -> bool {
    matches!(name, ".git" | ".svn" | ".hg" | ".bzr" | "CVS" | ".DS_Store" | ".~tmp~" | IGNORE_FILE)
        || name.ends_with(".tmp")
        // closer's own temporary files (a signature being written, say).
        || (name.starts_with('.') && name.contains(".closer-"))
        || name.ends_with('~')
}

/// closer's own files in the tree's top level, written by `closer build`.
pub fn is_own_file(rel: &str) -> bool {
    rel == "zzz" || rel.starts_with("zzz/") || (!rel.contains('/') && rel.starts_with("fullfiletimelist-"))
}

fn load_ignore(root: &Path, problems: &mut Problems) -> Result<Gitignore> {
    let path = root.join(IGNORE_FILE);
    let mut b = GitignoreBuilder::new(root);
    if path.exists() {
        let text = crate::fs::read_to_string(&path)?;
        for (i, line) in text.lines().enumerate() {
            if let Err(e) = b.add_line(Some(path.clone()), line) {
                problems.push(
                    Problem::new(format!("{}:{}", path.display(), i + 1), format!("bad ignore pattern: {e}"))
                        .hint("use gitignore syntax, e.g. `*.partial` or `/scratch/`"),
                );
            }
        }
    }
    b.build().with_context(|| format!("cannot use `{}`", path.display()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Dir,
    Link,
    Other,
}

/// One thing found by a walk, with everything later passes need from the system.
struct Entry {
    rel: String,
    depth: usize,
    kind: Kind,
    stat: Stat,
    /// For links: the target, or why the link is a problem.
    link: Option<std::result::Result<String, String>>,
}

#[derive(Default)]
struct Walked {
    entries: Vec<Entry>,
    bad_names: Vec<PathBuf>,
}

/// Walks the directory `rel` (relative to `root`; empty for the root) down to
/// `max_depth` below the root, in name order, without following links, skipping what the
/// ignore rules exclude. Metadata comes from `fstatat` relative to each directory, as
/// `find` does, not from a lookup of every full path.
fn walk(root: &Path, rel: &str, max_depth: usize, ignore: &Gitignore) -> Result<Walked> {
    let mut out = Walked::default();
    walk_into(root, rel, max_depth, ignore, &mut out)?;
    Ok(out)
}

fn walk_into(root: &Path, rel: &str, max_depth: usize, ignore: &Gitignore, out: &mut Walked) -> Result<()> {
    let dir = if rel.is_empty() { root.to_path_buf() } else { root.join(rel) };
    let depth = if rel.is_empty() { 1 } else { rel.split('/').count() + 1 };
    let mut children: Vec<std::fs::DirEntry> = std::fs::read_dir(&dir)
        .and_then(|rd| rd.collect::<std::io::Result<Vec<_>>>())
        .with_context(|| format!("cannot read `{}`", dir.display()))?;
    children.sort_by_key(std::fs::DirEntry::file_name);
    for child in children {
        let name = child.file_name();
        let Some(name) = name.to_str().filter(|s| !s.chars().any(char::is_control)) else {
            out.bad_names.push(child.path());
            continue;
        };
        if builtin_excluded(name) || (depth == 1 && is_own_file(name)) {
            continue;
        }
        let child_rel = if rel.is_empty() { name.to_string() } else { format!("{rel}/{name}") };
        let meta = child.metadata().with_context(|| format!("cannot stat `{}`", child.path().display()))?;
        let ft = meta.file_type();
        if !ignore.is_empty() && ignore.matched(Path::new(&child_rel), ft.is_dir()).is_ignore() {
            continue;
        }
        let kind = if ft.is_symlink() {
            Kind::Link
        } else if ft.is_dir() {
            Kind::Dir
        } else if ft.is_file() {
            Kind::File
        } else {
            Kind::Other
        };
        let link = (kind == Kind::Link).then(|| check_link(root, &child.path()));
        out.entries.push(Entry { rel: child_rel, depth, kind, stat: Stat::of(&meta), link });
        if kind == Kind::Dir && depth < max_depth {
            let rel = out.entries.last().map(|e| e.rel.clone()).unwrap_or_default();
            walk_into(root, &rel, max_depth, ignore, out)?;
        }
    }
    Ok(())
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
            .map(|r| r.components().map(|c| crate::fs::escaped(c.as_os_str())).collect::<Vec<_>>().join("/"))
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

struct ProjectScan {
    project: Project,
    links: Vec<Link>,
    problems: Problems,
    bad_names: Vec<PathBuf>,
}

/// Walks one project directory and groups what it holds into releases.
fn scan_project(root: &Path, dir: FileRef, ignore: &Gitignore) -> Result<ProjectScan> {
    let walked = walk(root, &dir.rel, usize::MAX, ignore)?;
    let mut problems = Problems::default();
    let mut links = Vec::new();
    let mut keys = None;
    /// A version directory as walked: files by path inside it, and its subdirectories.
    struct RawRelease {
        version: String,
        dir: FileRef,
        files: Vec<(String, FileRef)>,
        dirs: Vec<FileRef>,
    }
    let mut raw: Vec<RawRelease> = Vec::new();
    let mut current: Option<RawRelease> = None;
    let prefix_len = dir.rel.len() + 1;
    for e in walked.entries {
        if matches!(e.kind, Kind::Link | Kind::Other) {
            check_odd(root, e, &mut links, &mut problems);
            continue;
        }
        let place = || root.join(&e.rel).display().to_string();
        let in_project = &e.rel[prefix_len..];
        if e.depth == 2 {
            raw.extend(current.take());
            if e.kind == Kind::Dir {
                if valid_segment(in_project) {
                    current = Some(RawRelease {
                        version: in_project.to_string(),
                        dir: FileRef::new(e.rel.clone(), e.stat),
                        files: Vec::new(),
                        dirs: Vec::new(),
                    });
                } else {
                    problems.push(
                        Problem::new(place(), "is not a valid version directory name")
                            .hint("use letters, digits, `.`, `_`, `+` and `-`, starting with a letter or digit"),
                    );
                }
            } else if in_project == "KEYS" {
                keys = Some(FileRef::new(e.rel, e.stat));
            } else {
                problems.push(
                    Problem::new(
                        place(),
                        "is a file beside the releases; a project directory holds KEYS and one directory per version",
                    )
                    .hint(format!("move it into a version directory, or list it in {IGNORE_FILE}")),
                );
            }
            continue;
        }
        // Deeper: inside the current release (entries come in walk order).
        let Some(r) = current.as_mut() else { continue };
        let in_release = in_project[r.version.len() + 1..].to_string();
        let f = FileRef::new(e.rel, e.stat);
        if e.kind == Kind::Dir {
            r.dirs.push(f);
        } else {
            r.files.push((in_release, f));
        }
    }
    raw.extend(current.take());

    let mut releases = Vec::new();
    for RawRelease { version, dir: release_dir, files, dirs } in raw {
        let place = root.join(&dir.rel).join(&version).display().to_string();
        let release = group_release(version, release_dir, files, dirs, &place, &mut problems);
        if release.artifacts.is_empty() {
            problems.push(
                Problem::new(place, "is a release with no files")
                    .hint("upload its artifacts, or remove the empty directory"),
            );
            continue;
        }
        releases.push(release);
    }
    releases.sort_by(|a, b| crate::version::compare(&b.version, &a.version));
    if releases.is_empty() {
        problems.push(
            Problem::new(root.join(&dir.rel).display().to_string(), "is a project with no releases")
                .hint("add dist/<project>/<version>/ with its artifacts, or remove it"),
        );
    }
    let project = Project { name: dir.rel.clone(), keys, keys_bytes: None, releases, dir };
    Ok(ProjectScan { project, links, problems, bad_names: walked.bad_names })
}

/// Sorts a release's files into artifacts, their sidecars, and checksum lists.
fn group_release(
    version: String,
    dir: FileRef,
    files: Vec<(String, FileRef)>,
    dirs: Vec<FileRef>,
    place: &str,
    problems: &mut Problems,
) -> Release {
    let names: BTreeSet<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let mut artifacts: BTreeMap<String, Artifact> = BTreeMap::new();
    let mut sidecars = Vec::new();
    let mut sums = Vec::new();
    let mut other = Vec::new();
    for (name, f) in &files {
        let base = name.rsplit('/').next().unwrap_or(name);
        if let Some(algo) = Algo::from_sums_name(base) {
            sums.push((algo, f.clone()));
            continue;
        }
        if base.ends_with(".asc") && Algo::from_sums_name(base.trim_end_matches(".asc")).is_some() {
            // A signed checksum list: carried as it is.
            other.push(f.clone());
            continue;
        }
        match name.rsplit_once('.') {
            Some((stem, ext)) if (ext == "asc" || Algo::from_ext(ext).is_some()) => {
                sidecars.push((stem.to_string(), ext.to_string(), f.clone()))
            }
            _ => {
                artifacts.insert(
                    name.clone(),
                    Artifact { name: name.clone(), file: f.clone(), asc: None, checksums: Vec::new(), signature: None },
                );
            }
        }
    }
    for (stem, ext, f) in sidecars {
        match artifacts.get_mut(&stem) {
            Some(a) => {
                if ext == "asc" {
                    a.asc = Some(f);
                } else if let Some(algo) = Algo::from_ext(&ext) {
                    a.checksums.push((algo, f));
                }
            }
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
    Release { version, artifacts: artifacts.into_values().collect(), sums, other, dir, dirs }
}

/// Checks that a symlink resolves to something inside the tree; returns its target text.
fn check_link(root: &Path, path: &Path) -> std::result::Result<String, String> {
    let target = std::fs::read_link(path).map_err(|e| format!("is a symlink that cannot be read ({e})"))?;
    let shown = crate::fs::escaped(target.as_os_str());
    let resolved = match std::fs::canonicalize(path) {
        Ok(r) => r,
        Err(_) => return Err(format!("is a symlink to `{shown}`, which does not exist (dangling)")),
    };
    if !resolved.starts_with(root) {
        return Err(format!("is a symlink to `{shown}`, which is outside the release tree"));
    }
    target.to_str().map(str::to_string).ok_or_else(|| format!("is a symlink to `{shown}`, a name that is not UTF-8"))
}
