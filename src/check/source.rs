//! Does the tarball match the tag? A release's source archives of the same sources
//! (`x-1.0.tar.gz`, `.tar.xz`, `.zip`) must unpack to the same tree (their `swh:1:dir`
//! agree), and, for a project that names its repository and tag pattern, to the tree
//! `git archive` makes of the tag (which honours `export-ignore` and `export-subst`),
//! apart from the files the project says its release process generates. A difference is
//! a problem naming each path: the xz-utils backdoor (CVE-2024-3094) sat in one file that
//! was in the tarball and not in the tag. The repository is only read.

use super::swhid::{self, Archive, Id, Mode};
use crate::input::content::Content;
use crate::model::archive::{SourceRepo, TagMatch};
use crate::model::tree::{Artifact, Release, Tree};
use crate::util::problem::{Problem, Problems};
use sha2::Digest;
use std::collections::BTreeMap;
use std::path::Path;

type Listing = BTreeMap<String, (Mode, Id)>;

/// Compares every release's source archives with each other and with their tag, and
/// records on each archive the tag it matches. `cache` remembers, by commit, the tree
/// `git archive` makes of it, and which archives were found to match it, so that an
/// unchanged release costs one `git for-each-ref` per repository and build.
pub fn compare(tree: &mut Tree, content: &Content, base: &Path, cache: &Path) -> Problems {
    let mut problems = Problems::default();
    let root = tree.root.clone();
    let mut memo: Memo = std::fs::read(cache).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    let before = memo.clone();
    for p in tree.projects.values_mut() {
        let repo = content.projects.get(&p.name).and_then(|page| page.matter.source.clone());
        let name = p.name.clone();
        let tags = repo.as_ref().map(|r| tag_commits(&base.join(&r.repository)));
        for r in &mut p.releases {
            siblings(&root, &name, r, &mut problems);
            if let (Some(repo), Some(tags)) = (&repo, &tags) {
                let at = Place { root: &root, base, project: &name };
                against_tag(&at, r, repo, tags, &mut memo, &mut problems);
            }
        }
    }
    if memo != before
        && let Ok(bytes) = serde_json::to_vec(&memo)
    {
        // A cache that cannot be written costs the next build time, nothing else.
        let _ = crate::util::fs::write_atomic(cache, &bytes);
    }
    problems
}

/// What earlier builds learnt: the archives (by tree id, commit and `generated` list)
/// that matched `git archive` of the commit, with what the list excused.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Memo {
    matched: BTreeMap<String, Vec<(String, String)>>,
}

/// Where a release is: the tree's root, the registry's directory, its project.
struct Place<'a> {
    root: &'a Path,
    base: &'a Path,
    project: &'a str,
}

/// Every tag of the repository at `dir` and the commit it names, in one `git` run.
fn tag_commits(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    if !dir.exists() {
        return Err(format!("the repository {} does not exist", dir.display()));
    }
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["for-each-ref", "--format=%(refname:short) %(objectname) %(*objectname)", "refs/tags"])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut w = l.split(' ');
            let (tag, object, peeled) = (w.next()?, w.next()?, w.next().unwrap_or(""));
            // An annotated tag names its commit through the tag object.
            Some((tag.to_string(), if peeled.is_empty() { object } else { peeled }.to_string()))
        })
        .collect())
}

/// The name of an archive without its archive ending: siblings share it.
fn stem(name: &str) -> &str {
    let base = name.rsplit('/').next().unwrap_or(name);
    swhid::Archive::split(base).map_or(base, |(stem, _)| stem)
}

fn dir_id(a: &Artifact) -> Option<Id> {
    a.file.digests.as_ref()?.swhid()?.dir
}

fn listing(root: &Path, a: &Artifact, project: &str) -> Result<Listing, String> {
    let kind = Archive::of(a.name(), project).ok_or("it is not a source archive")?;
    read_tree(&root.join(&*a.file.rel), kind).map(|t| t.listing())
}

/// The tree of the archive at `path`, read again (to list what differs).
fn read_tree(path: &std::path::Path, kind: Archive) -> Result<swhid::Tree, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    match kind {
        Archive::Zip => swhid::of_zip(std::io::BufReader::new(file)),
        Archive::Tar(None) => swhid::of_tar(std::io::BufReader::new(file)),
        Archive::Tar(Some(codec)) => {
            let d = super::decompress::decoder(codec, std::io::BufReader::with_capacity(1 << 16, file))
                .map_err(|e| super::decompress::describe(codec, &e))?;
            swhid::of_tar(d)
        }
    }
}

/// Archives of the same stem in one folder of a release whose trees differ: a problem
/// listing how. (In folders of their own they are builds for each machine or language,
/// Thunderbird's `linux-x86_64/de/` and `linux-i686/en-US/`.)
fn siblings(root: &Path, project: &str, r: &Release, problems: &mut Problems) {
    let mut by_stem: BTreeMap<(&str, &str), Vec<&Artifact>> = BTreeMap::new();
    for a in r.artifacts.iter().filter(|a| dir_id(a).is_some()) {
        let folder = a.name().rsplit_once('/').map_or("", |(d, _)| d);
        by_stem.entry((folder, stem(a.name()))).or_default().push(a);
    }
    for group in by_stem.values().filter(|g| g.len() > 1) {
        // The tree most of them share is the reference; the odd ones out are reported.
        let count = |a: &&Artifact| group.iter().filter(|b| dir_id(b) == dir_id(a)).count();
        let first = *group.iter().max_by_key(|a| (count(a), std::cmp::Reverse(a.name()))).expect("two or more");
        for other in group.iter().filter(|o| dir_id(o) != dir_id(first)) {
            let (Ok(a), Ok(b)) = (listing(root, first, project), listing(root, other, project)) else { continue };
            // One holding Windows programs the other lacks is that system's build of
            // the release (nginx's `nginx-1.27.3.zip` beside its source tarball).
            let programs = |x: &Listing, y: &Listing| {
                x.keys().any(|p| (p.ends_with(".exe") || p.ends_with(".dll")) && !y.contains_key(p))
            };
            if programs(&a, &b) || programs(&b, &a) {
                continue;
            }
            let lines = differences(&a, &b, first.name(), other.name(), &[]).0;
            problems.push(
                Problem::new(
                    root.join(&*other.file.rel).display().to_string(),
                    format!(
                        "release {project} {}: {} and {} should hold the same sources, but {}",
                        r.version,
                        first.name(),
                        other.name(),
                        summary(&lines)
                    ),
                )
                .hint(made_how(&a, &b, first.name(), other.name())),
            );
        }
    }
}

/// How to make the archives alike: the usual way, or, when one holds what macOS writes
/// beside files (AppleDouble `._NAME`, `__MACOSX/`) or names paths with Windows's `\\`,
/// how to make it without.
fn made_how(a: &Listing, b: &Listing, an: &str, bn: &str) -> String {
    let apple = |l: &Listing| l.keys().any(|p| p.split('/').any(|c| c.starts_with("._") || c == "__MACOSX"));
    let backslash = |l: &Listing| l.keys().any(|p| p.contains('\\'));
    let which = |test: &dyn Fn(&Listing) -> bool| {
        if test(a) {
            Some(an)
        } else if test(b) {
            Some(bn)
        } else {
            None
        }
    };
    if let Some(name) = which(&apple) {
        return format!(
            "{name} holds macOS's resource forks (`._*` files, `__MACOSX/`), which a Mac's Finder and tar add: \
             make it again without them (`COPYFILE_DISABLE=1 tar -czf ...`, `zip -r -X ...` or `ditto -c -k \
             --norsrc ...`, not Finder's Compress), or from the same tree as the others (git archive of one tag)"
        );
    }
    if let Some(name) = which(&backslash) {
        return format!(
            "{name} names its paths with `\\` (as some Windows tools write zips; unzip then makes files named \
             `dir\\file`): make it again with `git archive --format=zip`, 7-Zip or `Compress-Archive` in \
             PowerShell 7, from the same tree as the others"
        );
    }
    "make every archive of the release from the same tree (git archive of one tag, or one make dist)".to_string()
}

/// What differs between `a` (in archive `an`) and `b` (in `bn`), files and symlinks only
/// (directories follow from them): one line per path, and the paths of `a` that
/// `generated` excuses, with why.
fn differences(
    a: &Listing,
    b: &Listing,
    an: &str,
    bn: &str,
    generated: &[(globset::GlobMatcher, String)],
) -> (Vec<String>, Vec<(String, String)>) {
    let (mut lines, mut excused) = (Vec::new(), Vec::new());
    let why = |path: &str| generated.iter().find(|(g, _)| g.is_match(path)).map(|(_, w)| w.clone());
    let files = |l: &Listing| {
        l.iter().filter(|(_, (m, _))| *m != Mode::Dir).map(|(p, v)| (p.clone(), *v)).collect::<BTreeMap<_, _>>()
    };
    let (fa, fb) = (files(a), files(b));
    for (path, (ma, ia)) in &fa {
        match (fb.get(path), why(path)) {
            (_, Some(w)) => excused.push((path.clone(), w)),
            (None, None) => lines.push(format!("{path} is in {an} but not in {bn}")),
            (Some((mb, _)), None) if mb != ma => {
                lines.push(format!("{path} is {} in {an} and {} in {bn}", ma.name(), mb.name()))
            }
            (Some((_, ib)), None) if ib != ia => lines.push(format!("{path} differs between {an} and {bn}")),
            _ => {}
        }
    }
    for path in fb.keys().filter(|p| !fa.contains_key(*p)) {
        lines.push(format!("{path} is in {bn} but not in {an}"));
    }
    (lines, excused)
}

fn summary(lines: &[String]) -> String {
    match lines.len() {
        0 => "they differ only in empty directories".to_string(),
        n if n <= 20 => lines.join("; "),
        n => format!("{}; and {} more", lines[..20].join("; "), n - 20),
    }
}

/// Compares each source archive of `r` with `git archive` of its tag.
fn against_tag(
    at: &Place,
    r: &mut Release,
    repo: &SourceRepo,
    tags: &Result<BTreeMap<String, String>, String>,
    memo: &mut Memo,
    problems: &mut Problems,
) {
    let (root, project) = (at.root, at.project);
    let dir = at.base.join(&repo.repository);
    let (tag, commit) = tag_of(&repo.tags_for(&r.version), tags, &dir);
    let allow = repo.generated.iter().map(|g| format!("{}\0{}", g.path, g.why)).collect::<Vec<_>>().join("\n");
    let key = |a: &Artifact, commit: &str| {
        format!(
            "{} {commit} {}",
            dir_id(a).map(|d| crate::util::text::hex(&d)).unwrap_or_default(),
            crate::util::text::hex(&sha2::Sha256::digest(allow.as_bytes()))
        )
    };
    // Known to match, from an earlier build: nothing to run.
    if let Ok(c) = &commit
        && r.artifacts.iter().filter(|a| dir_id(a).is_some()).all(|a| memo.matched.contains_key(&key(a, c)))
    {
        for a in r.artifacts.iter_mut().filter(|a| dir_id(a).is_some()) {
            let generated = memo.matched[&key(a, c)].clone();
            a.extra_mut().tag_match = Some(Box::new(TagMatch { tag: tag.clone(), generated }));
        }
        return;
    }
    let generated: Vec<(globset::GlobMatcher, String)> = repo
        .generated
        .iter()
        .filter_map(|g| globset::Glob::new(&g.path).ok().map(|glob| (glob.compile_matcher(), g.why.clone())))
        .collect();
    let mut tag_tree: Option<Result<(Id, Listing), String>> = None;
    for a in r.artifacts.iter_mut().filter(|a| dir_id(a).is_some()) {
        let place = root.join(&*a.file.rel).display().to_string();
        let made = || commit.clone().and_then(|c| git_archive(&dir, &c));
        let (tag_id, tag_listing) = match tag_tree.get_or_insert_with(made) {
            Ok(t) => (t.0, &t.1),
            Err(why) => {
                problems.push(
                    Problem::new(
                        &place,
                        format!("release {project} {}: cannot compare {} with tag {tag}: {why}", r.version, a.name()),
                    )
                    .hint(format!(
                        "fetch the tag into {} (git fetch --tags), or fix `source:` in content/{project}.md",
                        dir.display()
                    )),
                );
                return;
            }
        };
        let c = commit.as_deref().unwrap_or_default();
        if dir_id(a) == Some(tag_id) {
            a.extra_mut().tag_match = Some(Box::new(TagMatch { tag: tag.clone(), generated: Vec::new() }));
            memo.matched.insert(key(a, c), Vec::new());
            continue;
        }
        let Ok(mine) = listing(root, a, project) else { continue };
        let (lines, excused) = differences(&mine, tag_listing, a.name(), &format!("tag {tag}"), &generated);
        if lines.is_empty() {
            memo.matched.insert(key(a, c), excused.clone());
            a.extra_mut().tag_match = Some(Box::new(TagMatch { tag: tag.clone(), generated: excused }));
        } else {
            problems.push(
                Problem::new(place, format!("release {project} {}: {}", r.version, summary(&lines))).hint(format!(
                    "make the archive from the tag (git archive --prefix={}/ {tag}); a file the release process generates goes \
                     under `source: generated:` in content/{project}.md, with why",
                    stem(a.name())
                )),
            );
        }
    }
}

/// The first of `candidates` the repository has, with its commit; or the first, and
/// why it cannot be compared.
fn tag_of(
    candidates: &[String],
    tags: &Result<BTreeMap<String, String>, String>,
    dir: &Path,
) -> (String, Result<String, String>) {
    let first = candidates.first().cloned().unwrap_or_default();
    match tags {
        Ok(t) => match candidates.iter().find_map(|c| t.get(c).map(|commit| (c.clone(), commit.clone()))) {
            Some((tag, commit)) => (tag, Ok(commit)),
            None => {
                let names = candidates.join(" nor ");
                (first, Err(format!("the repository {} has no tag {names}", dir.display())))
            }
        },
        Err(why) => (first, Err(why.clone())),
    }
}

/// `git archive` of `commit` in the repository at `dir`: its tree's id and listing.
fn git_archive(dir: &Path, commit: &str) -> Result<(Id, Listing), String> {
    let mut child = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["archive", "--format=tar", "--prefix=t/"])
        .arg(commit)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let stdout = child.stdout.take().expect("piped");
    let tree = swhid::of_tar(stdout);
    let out = child.wait_with_output().map_err(|e| format!("git failed: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    let tree = tree?;
    Ok((tree.dir_id(), tree.listing()))
}
