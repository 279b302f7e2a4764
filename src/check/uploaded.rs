//! The checksum files a release manager uploaded (`<artifact>.sha512` sidecars and
//! `SHA512SUMS`-style lists, in any form `checksums` reads) checked against the digests
//! closer computed: a mismatch means the artifact or its checksum is wrong.

use super::checksums::{self, Format};
use super::signed_lists::path_of;
use crate::model::digests::{Algo, Digests};
use crate::model::tree::{Artifact, Project, Release, Tree};
use crate::util::problem::{Kind, Place, Problem, Problems};
use crate::util::text::shell_file;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// Checks the checksum files the release manager uploaded against computed digests.
pub fn check_uploaded(tree: &Tree) -> Problems {
    let mut problems = Problems::default();
    secret_notes(tree, &mut problems);
    let links = if tree.links.is_empty() { HashMap::new() } else { super::signed_lists::links_of(tree) };
    for project in tree.projects.values() {
        for release in &project.releases {
            for a in &release.artifacts {
                check_sidecars(&tree.root, a, &release.artifacts, &mut problems);
            }
            check_lists(&tree.root, release, &links, &mut problems);
        }
        check_project_lists(&tree.root, project, &links, &mut problems);
    }
    problems
}

/// An artifact's sidecars (`<name>.sha512`, ...): the first checksum in each must be the
/// artifact's digest, in whatever form it was written, for the artifact's name alone
/// (`siblings`: the release's artifacts, to name one whose digest it holds instead).
fn check_sidecars(root: &Path, a: &Artifact, siblings: &[Artifact], problems: &mut Problems) {
    let Some(d) = &a.file.digests else { return };
    for (named_algo, f) in &a.checksums {
        let path = root.join(&*f.rel);
        let place = path.display().to_string();
        let text = match crate::util::fs::read_text(&path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(Problem::new(place, e));
                continue;
            }
        };
        let (format, sums) = checksums::parse(&text);
        // The first digest closer computed too (nmap's `gpg --print-mds` lists MD5 first).
        let Some(sum) = sums.iter().find(|s| s.algo.is_none_or(|a| d.hex(a).is_some())).or(sums.first()) else {
            problems.push(Problem::new(place, "holds no checksum").hint("remove it; closer publishes its own"));
            continue;
        };
        let Some((algo, want)) = compared_as(&f.rel, (*named_algo, sum.algo), &sum.hex, d) else { continue };
        // `sha512sum -c` checks the file the line names: it must be this one, here.
        let base = a.name().rsplit('/').next().unwrap_or(a.name());
        let cmd = algo.sum_command();
        // Run where the file is, or the line it writes names the file by a path.
        let here = path.parent().map_or(String::new(), |d| crate::util::text::shell_quote(&d.display().to_string()));
        // Written again under its own name (`X.sha256sum`, `X.sha256.txt`), in its own form:
        // a bare digest stays bare (Unbound's, OpenSSL's).
        let own = path.file_name().and_then(|n| n.to_str()).map(str::to_string);
        let (file, out) = (shell_file(base), shell_file(&own.unwrap_or_else(|| format!("{base}.{}", algo.ext()))));
        let again = match format {
            checksums::Format::Bare => format!("cd {here} && {cmd} {file} | cut -d ' ' -f 1 > {out}"),
            checksums::Format::PrintMd if sum.algo.is_some() => format!("cd {here} && gpg --print-mds {file} > {out}"),
            checksums::Format::PrintMd => {
                format!("cd {here} && gpg --print-md {} {file} > {out}", algo.ext().to_ascii_uppercase())
            }
            _ => format!("cd {here} && {cmd} {file} > {out}"),
        };
        if let Some(named) = sum.name.as_deref().map(|n| n.strip_prefix("./").unwrap_or(n)) {
            let (dir, file) = named.rsplit_once('/').unwrap_or(("", named));
            // macOS `shasum -U` and `-0` mark the mode before the name (`hex Uname`).
            let file = file.strip_prefix(['U', '^']).filter(|f| *f == base).unwrap_or(file);
            let message = if file != base {
                format!("names `{file}`, but it sits beside `{base}`")
            } else if !dir.is_empty() {
                format!("names `{named}`: `{cmd} -c` looks for it under `{dir}/`, where a downloader has no such file")
            } else {
                String::new()
            };
            if !message.is_empty() {
                problems.push(
                    Problem::new(Place::line(&place, sum.line), message)
                        .hint(format!("write it for `{base}` alone, beside it: {again}")),
                );
                continue;
            }
        }
        if sum.hex == want {
            continue;
        }
        // A file still being written does not match the checksum uploaded before it: an
        // upload in progress while either is new (`policy.upload_grace`), as for a
        // signature.
        let changed = a.file.stat.arrival().and(f.stat.arrival());
        let mut p = mismatch(Place::line(&place, sum.line), format, &sum.hex, algo, a.name(), &want, &again)
            .kind(Kind::Unsigned(changed));
        let whose = |s: &&Artifact| s.file.digests.as_ref().and_then(|d| d.hex(algo)).as_deref() == Some(&sum.hex);
        if let Some(other) = siblings.iter().filter(|s| s.name() != a.name()).find(whose) {
            p.message = format!("{}; it is the digest of {}, copied from its checksum?", p.message, other.name());
            p = p.hint(format!("write {base}'s own: {again}"));
        }
        problems.push(p);
    }
}

/// The algorithm a sidecar's digest is compared in, and the artifact's digest in it:
/// the one its line states, else the one its name says; for a name that says none
/// (KeePassXC's `X.DIGEST`, Armbian's `X.sha`, `X.shasum`), the one of the digest's
/// length. `None` when closer has not
/// computed that digest of the file (an old `X.sha` holding SHA-1): nothing to compare.
fn compared_as(
    rel: &str,
    (named, stated): (Algo, Option<Algo>),
    hex: &str,
    d: &crate::model::digests::Digests,
) -> Option<(Algo, String)> {
    let lower = rel.to_ascii_lowercase();
    let generic = [".sha", ".digest", ".shasum"].iter().any(|e| lower.ends_with(e));
    // The one its line states first (`gpg --print-mds`' `X: SHA256 = …`).
    let algo = match (stated, checksums::algo_of_length(hex.len())) {
        (Some(stated), _) => stated,
        (None, Some(by_length)) if generic => by_length,
        _ => named,
    };
    Some((algo, d.hex(algo)?))
}

/// The problem for an uploaded digest that is not the file's: the form it was read in,
/// both digests, and a word when it is not even a digest of the right algorithm.
/// `fix` is the command, run where it must be, that writes or prints the right line.
fn mismatch(place: Place, format: Format, got: &str, algo: Algo, name: &str, want: &str, fix: &str) -> Problem {
    let kind = match checksums::algo_of_length(got.len()) {
        Some(other) if other != algo => format!(
            " (it is as long as a {} digest, not a {} one)",
            other.ext().to_ascii_uppercase(),
            algo.ext().to_ascii_uppercase()
        ),
        Some(_) => String::new(),
        None => format!(" ({} hex digits: no digest has that length)", got.len()),
    };
    // The coreutils form is named after the tool of the algorithm read (`sha256sum`).
    let form = match format {
        Format::Gnu => format!("{} format", algo.sum_command()),
        other => other.describe().to_string(),
    };
    Problem::new(place, format!("says {} (read in {form}) but {name} has {want}{kind}", short(got))).hint(format!(
        "the file says {got}; the artifact or its checksum is wrong: if {name} is the file you meant to publish, \
             write its checksum again (`{fix}`); else upload them again together"
    ))
}

/// The command that prints a list's line for `name` again: run in the list's folder
/// `dir`, where the names it holds are read from.
fn list_fix(root: &Path, dir: &str, algo: Algo, name: &str) -> String {
    let here = crate::util::text::shell_quote(&root.join(dir).display().to_string());
    format!("cd {here} && {} {}", algo.sum_command(), shell_file(name))
}

/// A list's name of no file of the release (`p`, its problem) that is a file's path from
/// another folder (`sha512sum 2.0/hello-2.0.tar.gz > 2.0/SHA512SUMS` run in `hello/`):
/// the file is here, and the fix writes the list where the files are.
fn from_elsewhere(
    p: Problem,
    (root, list, algo): (&Path, &crate::model::tree::FileRef, Algo),
    name: &str,
    names: &BTreeMap<&str, &Digests>,
) -> Problem {
    let Some((_, own)) = name.rsplit_once('/').filter(|(_, b)| names.contains_key(b)) else { return p };
    let (dir, list_name) = list.rel.rsplit_once('/').unwrap_or(("", &list.rel));
    p.hint(format!(
        "the file is here, but the list names it by a path from another folder (`{name}`): write the list where \
         the files are, naming each as this one: {} > {}",
        list_fix(root, dir, algo, own),
        shell_file(list_name)
    ))
}

/// A release's checksum lists (`SHA512SUMS`, ...): every entry must name a file of the
/// release (or a link to one: Arch Linux lists `archlinux-x86_64.iso`), with its digest.
fn check_lists(root: &Path, release: &Release, links: &HashMap<String, String>, problems: &mut Problems) {
    if release.sums.is_empty() {
        return;
    }
    for (algo, f) in &release.sums {
        // Names in a list are paths from its own directory.
        let dir = f.rel.rsplit_once('/').map_or("", |(d, _)| d);
        let by_name: BTreeMap<&str, &Digests> = release
            .artifacts
            .iter()
            .filter_map(|a| Some((checksums::name_in_list(dir, &a.file.rel)?, a.file.digests.as_ref()?)))
            .collect();
        let (list_names, others) = beside(release, dir);
        let path = root.join(&*f.rel);
        let text = match crate::util::fs::read_text(&path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(Problem::new(path.display().to_string(), e));
                continue;
            }
        };
        let (format, sums) = checksums::parse_list(&text, &f.rel);
        // A digest alone in a list not named after one file (a text that lists nothing
        // at all is left alone: it may be anything the publisher calls a list).
        if !sums.is_empty() && sums.iter().all(|s| s.name.is_none()) {
            problems.push(
                Problem::new(path.display().to_string(), format!("names no file (read as {})", format.describe()))
                    .hint("write it as `sha256sum` does, one `<digest>  <file name>` line per file"),
            );
            continue;
        }
        for sum in sums {
            let Some(name) = sum.name else { continue };
            let place = Place::line(path.display().to_string(), sum.line);
            let name = name.trim_start_matches("./");
            if list_names.contains(name) {
                continue;
            }
            let linked = || by_name.get(checksums::name_in_list(dir, &path_of(dir, name, links))?);
            // A name that is one artifact's elsewhere in the release: Debian's bt-cd/ and
            // jigdo-cd/ lists give the digests of the images in iso-cd/ that their
            // torrents and jigdo files make.
            let elsewhere = || {
                if name.contains('/') {
                    return None;
                }
                let mut same = release.artifacts.iter().filter(|a| a.file.rel.rsplit('/').next() == Some(name));
                match (same.next(), same.next()) {
                    (Some(a), None) => a.file.digests.as_ref(),
                    _ => None,
                }
            };
            // A file of the release that is not an artifact: checked as well.
            let other = || others.get(name).copied().flatten();
            match by_name.get(name).copied().or_else(|| linked().copied()).or_else(elsewhere).or_else(other) {
                None if others.contains_key(name) => {}
                None if compressed_beside(name, by_name.keys().copied()) => {}
                None => {
                    let here = (root, f, sum.algo.unwrap_or(*algo));
                    problems.push(from_elsewhere(
                        not_in_release(place, name, by_name.keys().copied()),
                        here,
                        name,
                        &by_name,
                    ))
                }
                Some(d) => {
                    if let Some(want) = d.hex(sum.algo.unwrap_or(*algo))
                        && want != sum.hex
                    {
                        let algo = sum.algo.unwrap_or(*algo);
                        let fix = list_fix(root, dir, algo, name);
                        problems.push(mismatch(place, format, &sum.hex, algo, name, &want, &fix));
                    }
                }
            }
        }
    }
}

/// Does the release hold `tar` compressed (`X.tar.bz2` for `X.tar`)? SBCL's list names the
/// `.tar` inside each `.tar.bz2`; the list's signature stage compares the uncompressed
/// digest.
fn compressed_beside<'a>(tar: &str, mut names: impl Iterator<Item = &'a str>) -> bool {
    tar.ends_with(".tar") && names.any(|n| crate::model::codec::Codec::split(n).is_some_and(|(inner, _)| inner == tar))
}

/// A list's name no file of the release has: said so, and when a file's name differs
/// from it only in Unicode normalization (a Mac writes `é` as `e` and a combining
/// accent, NFD; typed text is NFC) or in case, which file, and how to make them one
/// (`sha256sum -c` on Linux looks for the bytes the line gives).
fn not_in_release<'a>(place: Place, name: &str, names: impl Iterator<Item = &'a str>) -> Problem {
    let nfc = |s: &str| icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(s).into_owned();
    let want = nfc(name);
    let mut hint = "fix the list, or upload the file; a checksum of a file kept elsewhere (Gradle's \
                    `-wrapper.jar.sha256`) is carried as it is once `policy.notes` names it"
        .to_string();
    for file in names {
        if nfc(file) == want {
            hint = format!(
                "the release has {file:?}, the same letters encoded otherwise (Unicode NFD, as macOS names \
                 files, against the list's NFC): rename the file to NFC (`convmv -f utf8 -t utf8 --nfc --notest \
                 FILE`) or write the list again from the files"
            );
            break;
        }
        if file.to_lowercase() == name.to_lowercase() {
            hint = format!("the release has {file:?}, which differs in case only: make the list and the name agree");
            break;
        }
    }
    Problem::new(place, format!("lists {name:?}, which is not in the release")).hint(hint)
}

/// What a list in `dir` may name of a release besides its artifacts: the names of the
/// lists and their signatures (whose lines are skipped: a list made by `sha256sum * >
/// sha256sum.txt` names itself, empty, as Void Linux's trees do), and the other files
/// with their digests (Gentoo's DIGESTS name the archive's CONTENTS.gz).
type Beside<'a> = (HashSet<&'a str>, HashMap<&'a str, Option<&'a Digests>>);

fn beside<'a>(release: &'a Release, dir: &str) -> Beside<'a> {
    let signed = release.signed_lists.iter().flat_map(|l| std::iter::once(&l.signature).chain(&l.list));
    let lists: HashSet<&str> =
        release.sums.iter().map(|(_, l)| l).chain(&release.other).chain(signed).map(|l| l.rel.as_ref()).collect();
    let names = lists.iter().filter_map(|rel| checksums::name_in_list(dir, rel)).collect();
    let others = release
        .files()
        .into_iter()
        .filter(|g| !lists.contains(g.rel.as_ref()))
        .filter_map(|g| Some((checksums::name_in_list(dir, &g.rel)?, g.digests.as_ref())))
        .collect();
    (names, others)
}

/// The lists beside a project's releases (those kept side by side): every file they
/// name that is in the tree must have the digest they give. A name not in the tree is no
/// problem: such a list covers the directory over time, old files included. A name
/// alone that is not beside the list is every file of that name (Julia's
/// `bin/checksums/julia-1.11.2.sha256` names the files in `bin/<os>/<arch>/1.11/`).
fn check_project_lists(root: &Path, project: &Project, links: &HashMap<String, String>, problems: &mut Problems) {
    type Files<'a> = (HashMap<&'a str, &'a Digests>, HashMap<&'a str, Vec<(&'a str, &'a Digests)>>);
    let mut files: Option<Files> = None;
    for (algo, f) in project.lists() {
        let (by_rel, by_name) = files.get_or_insert_with(|| {
            let artifacts = project.releases.iter().flat_map(|r| &r.artifacts);
            let with: Vec<(&str, &Digests)> =
                artifacts.filter_map(|a| Some((a.file.rel.as_ref(), a.file.digests.as_ref()?))).collect();
            let mut by_name: HashMap<&str, Vec<(&str, &Digests)>> = HashMap::new();
            for (rel, d) in &with {
                by_name.entry(rel.rsplit('/').next().unwrap_or(rel)).or_default().push((rel, *d));
            }
            (with.into_iter().collect(), by_name)
        });
        let path = root.join(&*f.rel);
        let text = match crate::util::fs::read_text(&path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(Problem::new(path.display().to_string(), e));
                continue;
            }
        };
        let dir = f.rel.rsplit_once('/').map_or("", |(d, _)| d);
        let (format, sums) = checksums::parse_list(&text, &f.rel);
        for sum in sums {
            let Some(name) = sum.name.as_deref().map(|n| n.trim_start_matches("./")) else { continue };
            // Each file the line names, and the folder its line is made in again.
            let found: Vec<(&str, &Digests)> = match by_rel.get(path_of(dir, name, links).as_str()) {
                Some(d) => vec![(dir, *d)],
                None if !name.contains('/') => by_name
                    .get(name)
                    .into_iter()
                    .flatten()
                    .map(|(rel, d)| (rel.rsplit_once('/').map_or("", |(at, _)| at), *d))
                    .collect(),
                None => continue,
            };
            let algo = sum.algo.unwrap_or(algo);
            for (at, want) in found.iter().filter_map(|(at, d)| Some((at, d.hex(algo)?))).filter(|(_, w)| *w != sum.hex)
            {
                let place = Place::line(path.display().to_string(), sum.line);
                problems.push(mismatch(place, format, &sum.hex, algo, name, &want, &list_fix(root, at, algo, name)));
            }
        }
    }
}

fn short(h: &str) -> String {
    if h.len() > 16 { format!("{}...", &h[..16]) } else { h.to_string() }
}

/// Notes (carried as they are, a `policy.notes` glob's too) whose name may be a key's
/// and which hold a secret one: an RM's `release.sec.asc` made a note, as the fix for
/// a file of no version offered, was published to the archive.
fn secret_notes(tree: &Tree, problems: &mut Problems) {
    // (Asked of every note at every build: by the name as it is, no copy.)
    let keyish = |rel: &str| {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        let has = |w: &str| name.as_bytes().windows(w.len()).any(|x| x.eq_ignore_ascii_case(w.as_bytes()));
        ["asc", "gpg", "pgp", "key", "sec", "pem", "priv", "secret", "kbx"].iter().any(|e| e.eq_ignore_ascii_case(ext))
            || name.starts_with("id_")
            || has("secret")
            || has("private")
    };
    let notes = tree.notes.iter().chain(
        tree.projects
            .values()
            .flat_map(|p| p.notes.iter().chain(p.releases.iter().flat_map(|r| r.notes.iter().chain(&r.other)))),
    );
    for f in notes.filter(|f| keyish(&f.rel)) {
        let path = tree.root.join(&*f.rel);
        if let Some(kind) = crate::util::secrets::kind_of_file(&path) {
            problems.push(crate::util::secrets::problem(&path, kind));
        }
    }
}
