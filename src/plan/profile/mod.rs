//! Foundation profiles (`policy.profile`): a foundation's release rules, checked at build
//! time so that a project sees then what the foundation's own checker would refuse. A
//! profile is a table of rules (`asf.rs`, `gnu.rs`); this engine knows the tests they use, applies
//! them to every current release, and turns a broken rule into a problem (a blocker) or a
//! warning (a concern), each naming the rule, its fix and where it is written. Another
//! foundation's rules are another table.

mod asf;
mod gnu;

use crate::model::profile::Profile as Name;
use crate::model::tree::{Artifact, Project, Release, Tree};
use crate::util::problem::{Problem, Problems};

/// How much a broken rule matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Level {
    /// The release is held back, as the foundation's checker would block it.
    Blocker,
    /// Said, and published anyway.
    Warning,
}

/// What a rule tests; the engine's whole vocabulary.
#[derive(Debug, Clone, Copy)]
pub(super) enum Test {
    /// Each artifact has a detached signature with one of these endings.
    Signature(&'static [&'static str]),
    /// Each artifact has an uploaded checksum file with one of these endings.
    Checksum(&'static [&'static str]),
    /// No file of a release ends so.
    Sidecar(&'static str),
    /// No file of this name inside a release directory.
    Named(&'static str),
    /// No file or directory of a release whose name starts with a dot.
    Dotfile,
    /// No artifact is larger than this many bytes.
    Size(u64),
    /// Each archive can be read to its end.
    Readable,
    /// A source archive has exactly one top directory, named like the file without its
    /// archive ending (these suffixes of the name optional).
    Root(&'static [&'static str]),
    /// Each archive holds these files in its top directory.
    RootFiles(&'static [&'static str]),
    /// Each archive holds one of these files in its top directory.
    RootFilesAny(&'static [&'static str]),
    /// Each artifact's name has this word (in any case).
    NameHas(&'static str),
}

pub(super) struct Rule {
    pub(super) id: &'static str,
    pub(super) level: Level,
    /// Applies to the foundation's incubating projects alone (`podling: true` on a
    /// project's page).
    pub(super) podlings_only: bool,
    pub(super) test: Test,
    /// What the rule asks, in words.
    pub(super) asks: &'static str,
    pub(super) fix: &'static str,
    /// Where the rule is written.
    pub(super) source: &'static str,
}

pub(super) struct Profile {
    pub(super) name: &'static str,
    /// The archive endings whose contents the rules look into.
    pub(super) archives: &'static [&'static str],
    pub(super) rules: &'static [Rule],
}

fn table(name: Name) -> &'static Profile {
    match name {
        Name::Asf => &asf::ASF,
        Name::Gnu => &gnu::GNU,
    }
}

/// Whether the profile looks inside archives (then the check stage reads them).
pub fn reads_archives(name: Name) -> bool {
    table(name)
        .rules
        .iter()
        .any(|r| matches!(r.test, Test::Readable | Test::Root(_) | Test::RootFiles(_) | Test::RootFilesAny(_)))
}

/// Applies profile `name` to the current releases (`current`: by project, the indices of
/// its current releases); returns the blockers as problems and the concerns as warnings.
pub(super) fn apply(
    name: Name,
    tree: &Tree,
    current: &dyn Fn(&str) -> Vec<usize>,
    podling: &dyn Fn(&str) -> bool,
) -> (Problems, Vec<String>) {
    let profile = table(name);
    let (mut problems, mut warnings) = (Problems::default(), Vec::new());
    for p in tree.projects.values() {
        let podling = podling(&p.name);
        for i in current(&p.name) {
            let r = &p.releases[i];
            for rule in profile.rules.iter().filter(|r| podling || !r.podlings_only) {
                for (place, what) in broken(profile, rule, tree, p, r) {
                    let message = format!(
                        "release {} {}: {what}; {} [{} rule {}]",
                        p.name, r.version, rule.asks, profile.name, rule.id
                    );
                    // The fix for the file at hand (`sha512sum apache-foo-2.1.0-src.tar.gz > …`).
                    // (At a sidecar, `X.sig`, the artifact is `X`.)
                    let base = place.rsplit('/').next().unwrap_or(&place);
                    let base = match rule.test {
                        Test::Sidecar(ext) => base.strip_suffix(ext).unwrap_or(base),
                        _ => base,
                    };
                    let file = crate::util::text::shell_file(base);
                    let fix = rule.fix.replace("ARTIFACT", &file);
                    match rule.level {
                        Level::Blocker => {
                            problems.push(Problem::new(place, message).hint(format!("{fix} (rule: {})", rule.source)))
                        }
                        Level::Warning => warnings.push(format!("{place}: {message}; fix: {fix}")),
                    }
                }
            }
        }
    }
    (problems, warnings)
}

/// Where rule `rule` is broken in release `r`, and how: (place, what is wrong).
fn broken(profile: &Profile, rule: &Rule, tree: &Tree, p: &Project, r: &Release) -> Vec<(String, String)> {
    let at = |rel: &str| tree.root.join(rel).display().to_string();
    let name = |rel: &str| rel.rsplit('/').next().unwrap_or(rel).to_string();
    let archives = || r.artifacts.iter().filter(|a| profile.archives.iter().any(|e| a.name().ends_with(e)));
    let each = |f: &dyn Fn(&Artifact) -> Option<String>| -> Vec<(String, String)> {
        r.artifacts.iter().filter_map(|a| f(a).map(|w| (at(&a.file.rel), w))).collect()
    };
    match rule.test {
        Test::Signature(exts) => each(&|a| {
            let has = a.asc.as_ref().is_some_and(|s| exts.iter().any(|e| s.rel.ends_with(e)));
            (!has).then(|| format!("{} has no {}", a.name(), exts.join(" or ")))
        }),
        Test::Checksum(exts) => each(&|a| {
            let has = a.checksums.iter().any(|(_, c)| exts.iter().any(|e| c.rel.ends_with(e)));
            (!has).then(|| format!("{} has no {}", a.name(), exts.join(" or ")))
        }),
        Test::Sidecar(ext) => r
            .files()
            .into_iter()
            .filter(|f| f.rel.ends_with(ext))
            .map(|f| (at(&f.rel), format!("{} is published", name(&f.rel))))
            .collect(),
        Test::Named(n) => r
            .files()
            .into_iter()
            .filter(|f| name(&f.rel) == n)
            .map(|f| (at(&f.rel), format!("{n} is in the release")))
            .collect(),
        Test::Dotfile => r
            .files()
            .into_iter()
            .chain(&r.dirs)
            .filter(|f| f.rel.strip_prefix(&*r.dir.rel).is_some_and(|rest| rest.split('/').any(|c| c.starts_with('.'))))
            .map(|f| (at(&f.rel), format!("{} is a dotfile", name(&f.rel))))
            .collect(),
        Test::Size(max) => each(&|a| {
            (a.file.stat.size > max).then(|| {
                format!(
                    "{} is {} ({} bytes)",
                    a.name(),
                    crate::util::text::human_size(a.file.stat.size),
                    a.file.stat.size
                )
            })
        }),
        Test::Readable => archives()
            .filter_map(|a| {
                Some((at(&a.file.rel), format!("{} cannot be read: {}", a.name(), a.archive()?.unreadable.as_ref()?)))
            })
            .collect(),
        Test::Root(optional) => archives()
            .filter(|a| is_source(p, a))
            .filter_map(|a| root_problem(profile, a, optional).map(|w| (at(&a.file.rel), w)))
            .collect(),
        Test::NameHas(word) => each(&|a| {
            (!a.name().to_ascii_lowercase().contains(word)).then(|| format!("{} does not say {word}", a.name()))
        }),
        Test::RootFilesAny(files) => missing_at_top(profile, r, files, true, &at),
        Test::RootFiles(files) => missing_at_top(profile, r, files, false, &at),
    }
}

/// The archives of `r` that lack `files` in their top directory (`any`: lack every one
/// of them).
fn missing_at_top(
    profile: &Profile,
    r: &Release,
    files: &[&str],
    any: bool,
    at: &dyn Fn(&str) -> String,
) -> Vec<(String, String)> {
    r.artifacts
        .iter()
        .filter(|a| profile.archives.iter().any(|e| a.name().ends_with(e)))
        .filter_map(|a| {
            let top = a.archive().filter(|t| t.unreadable.is_none())?;
            let missing: Vec<&str> = files.iter().copied().filter(|f| !top.root_files.iter().any(|g| g == f)).collect();
            let broken = if any { missing.len() == files.len() } else { !missing.is_empty() };
            let named = if any { files.join(" or ") } else { missing.join(" or ") };
            broken.then(|| (at(&a.file.rel), format!("{} has no {named} in its top directory", a.name())))
        })
        .collect()
}

/// The file's name without its archive ending.
fn stem<'a>(profile: &Profile, name: &'a str) -> &'a str {
    let base = name.rsplit('/').next().unwrap_or(name);
    profile.archives.iter().find_map(|e| base.strip_suffix(e)).unwrap_or(base)
}

/// An archive of sources (not a binary), as the download page tells them apart; ATR
/// looks at the top directory of these alone.
fn is_source(p: &Project, a: &Artifact) -> bool {
    crate::util::platform::source_rank(a.name(), &p.name).is_some()
}

/// What is wrong with an archive's top directory, if anything.
fn root_problem(profile: &Profile, a: &Artifact, optional: &[&str]) -> Option<String> {
    let top = a.archive().filter(|t| t.unreadable.is_none())?;
    let stem = stem(profile, a.name());
    let short = optional.iter().find_map(|s| stem.strip_suffix(s));
    match top.roots.as_slice() {
        [one] if one == stem || Some(one.as_str()) == short => None,
        [one] => Some(format!("{} unpacks to {one}/, not {stem}/", a.name())),
        many => Some(format!(
            "{} unpacks to {} entries at its top ({}), not one directory",
            a.name(),
            many.len(),
            many.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tree::{FileRef, Stat};

    /// The size rules, on sizes no test should write to disk: over 1 GB is refused, over
    /// 100 MB is a concern, 100 MB itself is fine.
    #[test]
    fn size_rules() {
        let sized = |name: &str, size: u64| {
            Artifact::new(name, FileRef::new(format!("p/1.0/{name}"), Stat { size, ..Stat::default() }))
        };
        let mut p = Project {
            name: "p".into(),
            keys: None,
            line_keys: Vec::new(),
            notes: Vec::new(),
            signed_lists: Vec::new(),
            keys_bytes: None,
            releases: Vec::new(),
            dir: FileRef::new("p", Stat::default()),
        };
        p.releases.push(Release {
            version: "1.0".into(),
            line: None,
            keys: None,
            reading: String::new(),
            artifacts: vec![
                sized("huge.img", (1 << 30) + 1),
                sized("large.tar", (100 << 20) + 1),
                sized("ok.tar", 100 << 20),
            ],
            sums: Vec::new(),
            other: Vec::new(),
            signed_lists: Vec::new(),
            tar_signs: Vec::new(),
            notes: Vec::new(),
            dir: FileRef::new("p/1.0", Stat::default()),
            dirs: Vec::new(),
            development: false,
        });
        let tree = Tree { root: "/t".into(), ..Tree::default() };
        let rule = |id: &str| asf::ASF.rules.iter().find(|r| r.id == id).unwrap();
        let hits = |id: &str| -> Vec<String> {
            broken(&asf::ASF, rule(id), &tree, &p, &p.releases[0]).into_iter().map(|(_, w)| w).collect()
        };
        assert_eq!(hits("asf-max-size"), ["huge.img is 1.0 GiB (1073741825 bytes)"]);
        assert_eq!(rule("asf-max-size").level, Level::Blocker);
        assert_eq!(
            hits("asf-large"),
            ["huge.img is 1.0 GiB (1073741825 bytes)", "large.tar is 100 MiB (104857601 bytes)"]
        );
        assert_eq!(rule("asf-large").level, Level::Warning);
    }
}
