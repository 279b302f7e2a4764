//! One project directory, grouped: its KEYS, its releases (read by `shape`, or placed
//! by layout rules) with their artifacts, sidecars and checksum lists, and the notes and
//! lists beside them.

use super::joins::{
    fold_nested, join_copies, join_kind_lines, join_line_builds, join_machines, join_platform_lines, join_series_lines,
    join_spellings, join_system_builds, lone_series_firsts, support_lines,
};
use super::release::{group_release, signed_lists};
use super::walk::{EntryKind, WalkEntry, walk};
use super::{check_odd, dirs, placed, shape, valid_segment};
use crate::input::layout::{Rule, Rules};
use crate::input::notes::Notes;
use crate::model::tree::{FileRef, Link, Project, Release};
use crate::util::problem::{Problem, Problems};
use anyhow::Result;
use ignore::gitignore::Gitignore;
use std::path::{Path, PathBuf};

/// Of two releases of one version in different lines: the line whose name carries the
/// higher number first (PyPy's `pypy3.10-v7.3.17` before `pypy2.7-v7.3.17`: the interpreter
/// for Python 3.10 before the one for 2.7), else by name.
fn line_order(a: &crate::model::tree::Release, b: &crate::model::tree::Release) -> std::cmp::Ordering {
    let number = |line: &Option<String>| {
        let line = line.as_deref()?;
        let rest = line.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        (rest.len() < line.len() && rest.starts_with(|c: char| c.is_ascii_digit())).then(|| rest.to_string())
    };
    match (number(&a.line), number(&b.line)) {
        (Some(x), Some(y)) if x != y => crate::util::version::compare(&y, &x),
        _ => a.line.cmp(&b.line),
    }
}

/// A project as scanned on its own thread, with what it found wrong.
pub(super) struct ProjectScan {
    pub(super) project: Project,
    pub(super) links: Vec<Link>,
    pub(super) problems: Problems,
    pub(super) bad_names: Vec<(PathBuf, super::walk::BadName)>,
    pub(super) unreadable: Vec<PathBuf>,
}

/// Walks one project directory and groups what it holds into releases.
pub(super) fn scan_project(
    root: &Path,
    dir: FileRef,
    ignore: &Gitignore,
    notes: &Notes,
    rules: &Rules,
) -> Result<ProjectScan> {
    let walked = walk(root, &dir.rel, usize::MAX, ignore)?;
    let rules = rules.of(&dir.rel);
    let mut problems = Problems::default();
    let (entries, placed) = placed::take_placed(root, &dir, walked.entries, rules, &mut problems);
    let mut links = Vec::new();
    let kept = keep_entries(root, entries, &mut links, &mut problems);
    let mut top = dirs::build(dir.clone(), kept);
    let all_dirs = top.all_dirs();
    let mut other_keys = Vec::new();
    let keys = super::key_names::take_at_top(root, &mut top.files, &|n| super::is_note(notes, n), &mut other_keys);
    let tried = tried(rules);
    let mut reader =
        shape::Reader { root, notes, tried: &tried, problems: &mut problems, out: shape::Shapes::default() };
    reader.project(top);
    let mut shapes = reader.out;
    let mut releases = read_releases(root, &dir, std::mem::take(&mut shapes.releases), &all_dirs, notes, &mut problems);
    add_placed(root, &dir, &placed, notes, &mut releases, &mut problems);
    releases.sort_by(|a, b| crate::util::version::compare(&b.version, &a.version).then_with(|| line_order(a, b)));
    fold_nested(&mut releases);
    join_kind_lines(&mut releases, &mut shapes.line_keys);
    join_platform_lines(&mut releases, &mut shapes.line_keys);
    join_machines(&mut releases);
    join_system_builds(&mut releases);
    join_line_builds(&mut releases, &dir.rel);
    super::build_lines::join_build_lines(&mut releases, &dir.rel);
    join_copies(&mut releases, &all_dirs);
    join_series_lines(&mut releases, &dir.rel);
    lone_series_firsts(&mut releases);
    join_spellings(&mut releases);
    support_lines(&mut releases);
    same_versions(root, &releases, &mut problems);
    copied_releases(root, &releases, &mut problems);
    strangers(root, &releases, &mut problems);
    series_strays(root, &releases, &mut problems);
    if releases.is_empty() {
        problems.push(
            Problem::new(root.join(&*dir.rel).display().to_string(), "is a project with no releases")
                .hint("add dist/<project>/<version>/ with its artifacts, or remove it"),
        );
    }
    let mut line_keys = shapes.line_keys;
    if keys.is_none() {
        release_keys(&mut releases, &mut line_keys);
    }
    let mut project_notes = shapes.notes;
    project_notes.extend(other_keys);
    project_notes.extend(placed.notes.iter().cloned());
    project_notes.extend(shapes.lists.iter().map(|(_, f)| f.clone()));
    let project = Project {
        name: dir.rel.to_string(),
        keys,
        line_keys,
        notes: project_notes,
        signed_lists: signed_lists(shapes.list_signatures, &shapes.lists),
        keys_bytes: None,
        releases,
        dir,
    };
    Ok(ProjectScan { project, links, problems, bad_names: walked.bad_names, unreadable: walked.unreadable })
}

/// The entries a project's releases are read from: links and special files are checked
/// (and reported) apart, and a release directory with an invalid name is a problem.
fn keep_entries(
    root: &Path,
    entries: Vec<WalkEntry>,
    links: &mut Vec<Link>,
    problems: &mut Problems,
) -> Vec<WalkEntry> {
    let mut kept = Vec::with_capacity(entries.len());
    for e in entries {
        match e.kind {
            EntryKind::Link | EntryKind::Other => check_odd(root, e, links, problems),
            EntryKind::Dir if !valid_segment(e.rel.rsplit('/').next().unwrap_or(&e.rel)) && e.depth == 2 => {
                let name = e.rel.rsplit('/').next().unwrap_or(&e.rel);
                if !name.starts_with('.') {
                    problems.push(
                        Problem::new(root.join(&e.rel).display().to_string(), "is not a valid directory name")
                            .hint("use letters, digits, `.`, `_`, `+` and `-`, starting with a letter or digit"),
                    );
                    continue;
                }
                kept.push(e);
            }
            _ => kept.push(e),
        }
    }
    kept
}

/// The releases `shape` read, grouped; one with no files is a problem (unless it holds
/// notes only, beside a flat project's releases).
fn read_releases(
    root: &Path,
    dir: &FileRef,
    raw: Vec<shape::RawRelease>,
    all_dirs: &[FileRef],
    notes: &Notes,
    problems: &mut Problems,
) -> Vec<Release> {
    let mut releases = Vec::new();
    for mut r in raw {
        // The directories between the project's and the release's (a line's `tomcat-9/`)
        // go to the mirrors with it.
        let mut above: Vec<FileRef> = all_dirs
            .iter()
            .filter(|d| d.rel.len() > dir.rel.len() && crate::util::fs::is_under(&r.dir.rel, &d.rel))
            .filter(|d| !r.dirs.iter().any(|x| x.rel == d.rel))
            .cloned()
            .collect();
        above.append(&mut r.dirs);
        r.dirs = above;
        let place = root.join(&*r.dir.rel).display().to_string();
        let is_dir = r.files.iter().all(|(n, f)| {
            n.contains('/') && f.rel.strip_suffix(n.as_str()).and_then(|d| d.strip_suffix('/')) == Some(&r.dir.rel)
        });
        let mut release = group_release(r.version, r.dir, r.files, r.dirs, &place, notes, problems);
        release.line = r.line;
        release.keys = r.keys;
        release.reading = r.reading;
        if release.artifacts.is_empty() {
            if is_dir || release.notes.is_empty() {
                problems.push(
                    Problem::new(place, format!("is a release ({}) with no files", release.version))
                        .hint("upload its artifacts, or remove what is there"),
                );
            }
            continue;
        }
        releases.push(release);
    }
    releases
}

/// Adds the releases layout rules placed; a rule that names a release inference found
/// too adds its files to it.
fn add_placed(
    root: &Path,
    dir: &FileRef,
    placed: &placed::Placed,
    notes: &Notes,
    releases: &mut Vec<Release>,
    problems: &mut Problems,
) {
    for ((line, version), files) in &placed.releases {
        let place = root.join(&*dir.rel).display().to_string();
        let dirs = placed.dirs_of(files);
        let mut release = group_release(version.clone(), dir.clone(), files.clone(), dirs, &place, notes, problems);
        release.line = line.clone();
        release.reading = "files placed by a layout rule".into();
        match releases.iter_mut().find(|r| r.line == *line && r.version == *version) {
            Some(found) => found.absorb(release),
            None => releases.push(release),
        }
    }
}

/// Releases that bring their own keys (Mozilla's `KEY` in each release directory),
/// in a project without KEYS of its own or of their line: that file signs the release.
/// (With a project or line KEYS, a KEYS inside a release is carried as a note: the
/// project's keys decide.)
fn release_keys(releases: &mut [Release], line_keys: &mut Vec<(String, FileRef)>) {
    for r in releases.iter_mut().filter(|r| r.keys.is_none()) {
        let own = |f: &FileRef| {
            f.rel
                .strip_prefix(&format!("{}/", r.dir.rel))
                .is_some_and(|n| !n.contains('/') && super::key_names::is_keys(n))
        };
        let Some(i) = r.notes.iter().position(own) else { continue };
        let id = r.id();
        line_keys.push((id.clone(), r.notes.remove(i)));
        r.keys = Some(id);
    }
}

/// A release in a line named for a series (Alpine's `v3.20/`, Qt's `6.8/`, kernel.org's
/// `v6.x/`) whose version is of another series (`alpine-standard-3.21.3-x86_64.iso`
/// uploaded into `v3.20/`): uploaded into the wrong folder. It headed the 3.20 line as
/// its newest release, pushing a real one to the archive, without a word.
fn series_strays(root: &Path, releases: &[Release], problems: &mut Problems) {
    let bare = crate::util::version::bare;
    for r in releases {
        let Some(line) = r.line.as_deref() else { continue };
        let series = bare(line);
        let series = series.strip_suffix(".x").unwrap_or(&series);
        // SQLite's `2024/`: a year's folder, whatever versions it holds.
        let year = !series.contains('.') && series.len() >= 4;
        if !line.starts_with(|c: char| c.is_ascii_digit() || c == 'v')
            || !series.contains(|c: char| c.is_ascii_digit())
            || !series.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            || year
        {
            continue;
        }
        let v = bare(&r.version);
        // A snapshot of the series by its date (HAProxy's `3.1/src/snapshot/haproxy-ss-20241220`).
        if !v.contains('.') && r.is_prerelease() {
            continue;
        }
        // Perl's `src/5.0/` holds every Perl 5: a `.0` folder may be its major's.
        let major = series.strip_suffix(".0").filter(|m| !m.contains('.'));
        let of = v == series
            || major.is_some_and(|m| crate::util::version::of_series(&v, m))
            || crate::util::version::of_series(&v, series)
            || v.strip_prefix(series).is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_digit() || c == '.'));
        // A plugin named for the series it is for (Pigeonhole's `releases/2.3/`
        // `dovecot-2.3-pigeonhole-0.5.21.1.tar.gz`).
        let for_series = |a: &crate::model::tree::Artifact| {
            a.name().split(['-', '_']).any(|w| bare(w.strip_prefix('v').unwrap_or(w)) == series)
        };
        if of || (!r.artifacts.is_empty() && r.artifacts.iter().all(for_series)) {
            continue;
        }
        let Some(a) = r.artifacts.first() else { continue };
        // The folder of its own series, when the project has one (MediaWiki's `1.42/`).
        let own = releases.iter().filter_map(|o| o.line.as_deref()).find(|l| {
            let s = bare(l);
            crate::util::version::of_series(&v, s.strip_suffix(".x").unwrap_or(&s))
        });
        let to = own.map_or_else(|| format!("its own series' folder, beside `{line}/`"), |l| format!("`{l}/`"));
        problems.push(
            Problem::new(
                root.join(&*a.file.rel).display().to_string(),
                format!("is of version {}, in `{line}/`, the folder of the {series} series", r.version),
            )
            .hint(format!(
                "it was uploaded into the wrong series' folder: move release {}'s files into {to}",
                r.version
            )),
        );
    }
}

/// Two releases of one line whose versions are equal (`2.4.58/` and `v2.4.58/`, a
/// directory and files beside it, a directory and files a rule places there) are
/// ambiguous: a version names one release of a line. (Lines may share versions: Apache
/// Commons' `text` and `csv` are both at 1.10.0; each line has pages of its own.)
fn same_versions(root: &Path, releases: &[Release], problems: &mut Problems) {
    let first = |r: &Release| r.artifacts.first().map_or(r.dir.rel.to_string(), |a| a.file.rel.to_string());
    let mut seen: std::collections::HashMap<(Option<&str>, String), &Release> = std::collections::HashMap::new();
    for b in releases {
        let Some(a) = seen.insert((b.line.as_deref(), crate::util::version::bare(&b.version)), b) else { continue };
        // Files loose beside a directory of the same version: name the loose ones, and
        // the command that moves them in.
        let loose = |r: &Release| {
            r.artifacts.first().is_some_and(|x| {
                x.file.rel.rsplit_once('/').map(|(d, _)| d) == Some(r.dir.rel.as_ref())
                    && !r.dir.rel.ends_with(&r.version)
            })
        };
        let (stray, other) = if loose(a) && !loose(b) { (a, b) } else { (b, a) };
        let hint = if loose(stray) && !loose(other) {
            use crate::util::text::{shell_file, shell_quote};
            let files: Vec<String> = stray.files().iter().map(|f| shell_file(&f.rel)).collect();
            format!(
                "move the loose files into the version's directory: cd {} && mv {} {}/",
                shell_quote(&root.display().to_string()),
                files.join(" "),
                shell_file(&other.dir.rel)
            )
        } else if let Some(rule) = line_rule(&first(stray), &first(other), &stray.version) {
            // Two products' releases of one version side by side (Xfce's
            // `src/xfce/thunar/4.20/` and `src/xfce/xfwm4/4.20/`): each its own line.
            format!(
                "if these are two products, make each a line of its own with a layout rule in the registry: \
                 policy: {{layout: [{{path: \"{rule}\"}}]}} (docs/reference/release-tree.md#layout-rules); \
                 else keep one release per version"
            )
        } else {
            "keep one release per version: merge or rename one of them".to_string()
        };
        problems.push(
            Problem::new(
                root.join(first(stray)).display().to_string(),
                format!(
                    "is in release {} and {} is in release {}: the same version twice, so closer cannot tell which is which",
                    stray.version,
                    first(other),
                    other.version
                ),
            )
            .hint(hint),
        );
    }
}

/// A layout rule that makes the folder where two files' paths first differ their line
/// (`xfce/src/xfce/{line}/*/*-{version}.tar.bz2`), if their paths differ in a folder.
fn line_rule(a: &str, b: &str, version: &str) -> Option<String> {
    let (x, y): (Vec<&str>, Vec<&str>) = (a.split('/').collect(), b.split('/').collect());
    let at = x.iter().zip(&y).position(|(p, q)| p != q).filter(|&i| i + 1 < x.len() && x.len() == y.len())?;
    let file = x.last()?;
    let (before, after) = file.split_once(version)?;
    // The separator before the version, or `*` would take its first digits too.
    let sep = before.chars().last().filter(|c| matches!(c, '-' | '_' | ' ')).map(String::from).unwrap_or_default();
    let mut parts: Vec<String> = x[..at].iter().map(|p| p.to_string()).collect();
    parts.push("{line}".into());
    parts.extend(x[at + 1..x.len() - 1].iter().map(|_| "*".to_string()));
    parts.push(format!("*{sep}{{version}}{after}"));
    Some(parts.join("/"))
}

/// A release whose every file names one other release of the project, and none its own
/// version (`1.0.0/` copied to `1.1.0/` and left so): its pages would offer 1.0.0's files
/// as 1.1.0's.
fn copied_releases(root: &Path, releases: &[Release], problems: &mut Problems) {
    let bare = crate::util::version::bare;
    let versions: std::collections::HashSet<String> = releases.iter().map(|r| bare(&r.version)).collect();
    let base = |a: &crate::model::tree::Artifact| a.name().rsplit('/').next().unwrap_or(a.name()).to_string();
    for r in releases {
        // Most releases stop at their first file, which names its own version.
        let own = bare(&r.version);
        if r.artifacts.is_empty() || r.artifacts.iter().any(|a| a.name().to_ascii_lowercase().contains(&own)) {
            continue;
        }
        let named: std::collections::BTreeSet<String> =
            r.artifacts.iter().filter_map(|a| super::flat::version_of(&base(a))).map(|v| bare(&v)).collect();
        let [other] = named.iter().collect::<Vec<_>>()[..] else { continue };
        // (Another release's, or the one before it: `2.1/` holding `hello-2.0.tar.gz`.)
        if *other == own || !(versions.contains(other) || sibling(other, &own)) {
            continue;
        }
        let first = &r.artifacts[0];
        problems.push(
            Problem::new(
                root.join(&*r.dir.rel).display().to_string(),
                format!(
                    "is release {} but its files are release {other}'s ({}{}): a copied directory?",
                    r.version,
                    first.name(),
                    if r.artifacts.len() > 1 { ", ..." } else { "" }
                ),
            )
            .hint(format!("put {}'s own files in it, named for {}, or remove it", r.version, r.version)),
        );
    }
}

/// Two versions of one series, the last number apart (`2.0` and `2.1`, `3.6.1` and
/// `3.6.2`): another release of the project, never a version a name says of something
/// else (Kafka's Scala `2.13`, Elixir's `otp-27`, LibreOffice's build `24.8.4.2`).
fn sibling(a: &str, b: &str) -> bool {
    let (x, y): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    let number = |s: &&str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    x.len() == y.len()
        && x.len() >= 2
        && x[..x.len() - 1] == y[..y.len() - 1]
        && x.iter().chain(&y).all(number)
        && x.last() != y.last()
}

/// A file right in a release's version directory (`2.0/`) naming another release of the
/// same product (`hello-2.1.tar.gz` uploaded beside `hello-2.0.tar.gz`): it was published
/// silently as a file of 2.0, and release 2.1 never was.
fn strangers(root: &Path, releases: &[Release], problems: &mut Problems) {
    let bare = crate::util::version::bare;
    for r in releases {
        let own = bare(&r.version);
        let Some(dir) = r.dir.rel.rsplit('/').next().filter(|d| bare(d) == own) else { continue };
        // Most files name their release's version: only the others are read (asked of
        // every release at every scan).
        let suspects: Vec<&crate::model::tree::Artifact> =
            r.artifacts.iter().filter(|a| !a.name().contains('/') && !a.name().contains(own.as_str())).collect();
        if suspects.is_empty() {
            continue;
        }
        let of = |a: &crate::model::tree::Artifact| super::flat::product_and_version(a.name());
        let products: std::collections::BTreeSet<String> =
            r.artifacts.iter().filter_map(of).filter(|(_, v)| bare(v) == own).map(|(p, _)| p).collect();
        for a in suspects {
            let Some((product, first)) = of(a) else { continue };
            // The version its name says, or another number in it: Kafka's
            // `kafka_2.13-3.9.1.tgz` names its Scala version first.
            let numbers = a.name().split(['-', '_']).map(|t| t.trim_end_matches(|c: char| !c.is_ascii_digit()));
            let numbers = numbers.map(|t| &t[..t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len())]);
            let Some(v) = std::iter::once(bare(&first)).chain(numbers.map(bare)).find(|v| sibling(v, &own)) else {
                continue;
            };
            if products.contains(&product) && !crate::util::version::is_prerelease(&first) {
                problems.push(
                    Problem::new(
                        root.join(&*a.file.rel).display().to_string(),
                        format!("is of version {v}, in `{dir}/`, the directory of release {}", r.version),
                    )
                    .hint(format!("it was uploaded into the wrong directory: move it (and its signature and checksums) into `{v}/` beside it")),
                );
            }
        }
    }
}

/// ` (layout rules tried: ...)` when the project has rules, for the message about a
/// file that neither a rule nor inference places.
fn tried(rules: &[Rule]) -> String {
    if rules.is_empty() {
        return String::new();
    }
    format!("; layout rules tried: {}", rules.iter().map(Rule::describe).collect::<Vec<_>>().join(", "))
}

#[cfg(test)]
mod tests {
    /// Xfce's components side by side, one version each: the folder they differ in is
    /// the line, the rule as the registry writes it.
    #[test]
    fn the_folder_two_releases_differ_in_is_their_line() {
        let rule = super::line_rule(
            "xfce/src/xfce/thunar/4.20/thunar-4.20.0.tar.bz2",
            "xfce/src/xfce/xfwm4/4.20/xfwm4-4.20.0.tar.bz2",
            "4.20.0",
        );
        assert_eq!(rule.as_deref(), Some("xfce/src/xfce/{line}/*/*-{version}.tar.bz2"));
        assert_eq!(super::line_rule("p/1.0/a-1.0.tgz", "p/1.0/b-1.0.tgz", "1.0"), None, "one folder");
    }
}
