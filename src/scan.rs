//! Walks the release tree and groups what it finds into projects, releases, artifacts
//! and their sidecars. It reads no file contents: only names and metadata. It never
//! follows a symlink; a link that stays inside the tree is kept as a link, one that
//! leaves it or dangles is a problem. Names that are not printable UTF-8 are problems
//! too, shown escaped.

use crate::problem::{Problem, Problems};
use anyhow::{Context, Result};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::cell::RefCell;
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
    /// Directories inside the release (for nested layouts), relative to the tree root.
    pub dirs: Vec<FileRef>,
}

#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    pub keys: Option<FileRef>,
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
        || name.ends_with('~')
}

/// closer's own files in the tree's top level, written by `closer build`.
pub fn is_own_file(rel: &str) -> bool {
    rel == "zzz" || rel.starts_with("zzz/") || (rel.starts_with("fullfiletimelist-") && !rel.contains('/'))
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

/// Scans the release tree at `root`.
pub fn scan(root: &Path) -> Result<(Tree, Problems)> {
    let root = std::fs::canonicalize(root)
        .with_context(|| format!("cannot open the release tree `{}` (give another with --dist)", root.display()))?;
    if !root.is_dir() {
        anyhow::bail!("the release tree `{}` is not a directory (give another with --dist)", root.display());
    }
    let mut problems = Problems::default();
    let ignore = load_ignore(&root, &mut problems)?;
    let bad_names = RefCell::new(Vec::new());

    let walker =
        walkdir::WalkDir::new(&root).min_depth(1).follow_links(false).sort_by_file_name().into_iter().filter_entry(
            |e| {
                let name = e.file_name();
                let Some(s) = name.to_str() else {
                    bad_names.borrow_mut().push(e.path().to_path_buf());
                    return false;
                };
                if s.chars().any(char::is_control) {
                    bad_names.borrow_mut().push(e.path().to_path_buf());
                    return false;
                }
                if builtin_excluded(s) {
                    return false;
                }
                let rel = e.path().strip_prefix(&root).unwrap_or(e.path());
                if e.depth() == 1 && is_own_file(s) {
                    return false;
                }
                !ignore.matched(rel, e.file_type().is_dir()).is_ignore()
            },
        );

    // project -> version -> files (relative to release dir) / dirs
    struct RawRelease {
        files: Vec<(String, FileRef)>,
        dirs: Vec<FileRef>,
    }
    struct RawProject {
        dir: FileRef,
        keys: Option<FileRef>,
        releases: BTreeMap<String, RawRelease>,
    }
    let mut projects: BTreeMap<String, RawProject> = BTreeMap::new();
    let mut links = Vec::new();

    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| p.display().to_string()).unwrap_or_else(|| root.display().to_string());
                return Err(anyhow::anyhow!(
                    "cannot read `{path}`: {}",
                    e.io_error().map(|i| i.to_string()).unwrap_or_else(|| e.to_string())
                ));
            }
        };
        let path = entry.path();
        let rel_path = path.strip_prefix(&root).unwrap_or(path);
        // filter_entry guarantees UTF-8 for every component.
        let rel = rel_path.to_string_lossy().into_owned();
        let meta = entry.metadata().with_context(|| format!("cannot stat `{}`", path.display()))?;
        let ft = meta.file_type();
        let depth = entry.depth();
        let parts: Vec<&str> = rel.split('/').collect();
        let place = format!("{}", path.display());

        if ft.is_symlink() {
            match check_link(&root, path) {
                Ok(target) => links.push(Link { rel: rel.clone(), target, mtime: meta.mtime() }),
                Err(why) => {
                    problems.push(Problem::new(place, why).hint(
                        "make it point inside the release tree, or remove it (closer never reads through symlinks)",
                    ))
                }
            }
            continue;
        }
        if !ft.is_file() && !ft.is_dir() {
            problems.push(
                Problem::new(place, "is not a regular file or directory (a device, FIFO or socket)")
                    .hint("remove it from the release tree"),
            );
            continue;
        }
        let fref = FileRef { rel: rel.clone(), stat: Stat::of(&meta) };
        match depth {
            1 => {
                if ft.is_dir() {
                    if !valid_segment(&rel) {
                        problems.push(
                            Problem::new(place, "is not a valid project directory name")
                                .hint("use letters, digits, `.`, `_`, `+` and `-`, starting with a letter or digit"),
                        );
                        continue;
                    }
                    projects.insert(rel.clone(), RawProject { dir: fref, keys: None, releases: BTreeMap::new() });
                } else {
                    problems.push(
                        Problem::new(
                            place,
                            "is a file at the top of the release tree; releases live in <project>/<version>/",
                        )
                        .hint(format!("move it into a release directory, or list it in {IGNORE_FILE}")),
                    );
                }
            }
            2 => {
                let Some(project) = projects.get_mut(parts[0]) else { continue };
                if ft.is_dir() {
                    if !valid_segment(parts[1]) {
                        problems.push(
                            Problem::new(place, "is not a valid version directory name")
                                .hint("use letters, digits, `.`, `_`, `+` and `-`, starting with a letter or digit"),
                        );
                        continue;
                    }
                    project.releases.insert(parts[1].to_string(), RawRelease { files: Vec::new(), dirs: Vec::new() });
                } else if parts[1] == "KEYS" {
                    project.keys = Some(fref);
                } else {
                    problems.push(
                        Problem::new(place, "is a file beside the releases; a project directory holds KEYS and one directory per version")
                            .hint(format!("move it into a version directory, or list it in {IGNORE_FILE}")),
                    );
                }
            }
            _ => {
                let Some(release) = projects.get_mut(parts[0]).and_then(|p| p.releases.get_mut(parts[1])) else {
                    continue;
                };
                if ft.is_dir() {
                    release.dirs.push(fref);
                } else {
                    release.files.push((parts[2..].join("/"), fref));
                }
            }
        }
    }

    for bad in bad_names.into_inner() {
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

    let mut tree = Tree { root: root.clone(), projects: BTreeMap::new(), links };
    for (name, RawProject { dir, keys, releases: raw_releases }) in projects {
        let mut releases = Vec::new();
        for (version, raw) in raw_releases {
            let place = root.join(&name).join(&version).display().to_string();
            let release = group_release(version, raw.files, raw.dirs, &place, &mut problems);
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
                Problem::new(root.join(&name).display().to_string(), "is a project with no releases")
                    .hint("add dist/<project>/<version>/ with its artifacts, or remove it"),
            );
        }
        tree.projects.insert(name.clone(), Project { name, keys, releases, dir });
    }
    Ok((tree, problems))
}

/// Sorts a release's files into artifacts, their sidecars, and checksum lists.
fn group_release(
    version: String,
    files: Vec<(String, FileRef)>,
    dirs: Vec<FileRef>,
    place: &str,
    problems: &mut Problems,
) -> Release {
    let names: BTreeSet<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let mut artifacts: BTreeMap<String, Artifact> = BTreeMap::new();
    let mut sidecars = Vec::new();
    let mut sums = Vec::new();
    for (name, f) in &files {
        let base = name.rsplit('/').next().unwrap_or(name);
        if let Some(algo) = Algo::from_sums_name(base) {
            sums.push((algo, f.clone()));
            continue;
        }
        if base.ends_with(".asc") && Algo::from_sums_name(base.trim_end_matches(".asc")).is_some() {
            // A signed checksum list: carried as it is.
            continue;
        }
        match name.rsplit_once('.') {
            Some((stem, ext)) if (ext == "asc" || Algo::from_ext(ext).is_some()) => {
                sidecars.push((stem.to_string(), ext.to_string(), f.clone()))
            }
            _ => {
                artifacts.insert(
                    name.clone(),
                    Artifact { name: name.clone(), file: f.clone(), asc: None, checksums: Vec::new() },
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
    Release { version, artifacts: artifacts.into_values().collect(), sums, dirs }
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
