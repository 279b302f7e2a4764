//! Whether the inputs fit together: content pages that describe no project or release,
//! signatures that are not good, and mirrors that carry what their upstream does not.
//! Each finding is a problem that says where and how to fix it.

use super::want::Want;
use crate::input::content::Content;
use crate::model::signature::{Outcome, Require};
use crate::model::tree::{Artifact, Project, Release, Tree};
use crate::util::problem::{Problem, Problems};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A page that says its project moved or retired: the project is gone from the tree, and
/// `moved_to` names a project of this site or an http(s) URL.
fn left_project(
    tree: &Tree,
    name: &str,
    page: &crate::input::content::Page<crate::input::content::ProjectMatter>,
    place: &str,
    problems: &mut Problems,
) {
    let matter = &page.matter;
    if matter.left() && tree.projects.contains_key(name) {
        let key = if matter.moved_to.is_some() { "moved_to" } else { "retired" };
        problems.push(
            Problem::new(place, format!("says `{key}:`, but dist/{name}/ is still in the release tree"))
                .hint(format!("remove dist/{name}/ (its releases stay on the archive), or remove `{key}:`")),
        );
    }
    if let Some(to) = &matter.moved_to {
        let url = (to.starts_with("https://") || to.starts_with("http://")) && url::Url::parse(to).is_ok();
        if !url && (!tree.projects.contains_key(to.as_str()) || to == name) {
            problems.push(
                Problem::new(
                    place,
                    format!("says `moved_to: {to}`, which is neither a project of this site nor an http(s) URL"),
                )
                .hint("name the project it moved to (its directory in dist/), or give the URL of its new home"),
            );
        }
    }
}

/// Content pages must describe projects and releases that exist, with valid fields.
pub(super) fn content_pages(tree: &Tree, content: &Content, problems: &mut Problems) {
    for (name, page) in &content.projects {
        let place = page.path.display().to_string();
        let here = tree.projects.contains_key(name);
        if !here && !page.matter.left() {
            problems.push(
                Problem::new(place.clone(), format!("describes project `{name}`, which is not in the release tree"))
                    .hint(format!(
                        "create dist/{name}/, rename or remove the page, or keep it for a project that left with \
                         `moved_to:` (where it went) or `retired:` (why)"
                    ))
                    .kind(crate::util::problem::Kind::PageOfNoProject),
            );
        }
        left_project(tree, name, page, &place, problems);
        if page.matter.keep == Some(0) {
            problems.push(
                Problem::new(place.clone(), "sets `keep: 0`: no release would be current")
                    .hint("keep at least 1 release"),
            );
        }
        if let Some(glob) = &page.matter.primary {
            primary_glob(tree.projects.get(name), glob, &place, problems);
        }
        for s in &page.matter.sigstore {
            if let Some((why, fix)) = crate::model::signature::Signer::issuer_problem(&s.issuer) {
                let what = format!("the Sigstore signer {}: issuer {:?} {why}", s.identity, s.issuer);
                problems.push(Problem::new(place.clone(), what).hint(fix));
            }
        }
        if let Some(h) = &page.matter.homepage
            && let Err(why) = crate::input::registry::check_url(h, &["https", "http"])
        {
            problems.push(Problem::new(place, format!("homepage {h:?} {why}")).hint("use an absolute https:// URL"));
        }
    }
    for ((project, version), page) in &content.releases {
        let place = page.path.display().to_string();
        let known = tree.projects.get(project).is_some_and(|p| p.releases.iter().any(|r| &r.id() == version));
        if !known {
            problems.push(
                Problem::new(
                    place.clone(),
                    format!("holds notes for release {project} {version}, which is not in the release tree"),
                )
                .hint(format!("upload dist/{project}/{version}/, or rename or remove the page")),
            );
        }
        if let Some(d) = &page.matter.date
            && crate::util::text::parse_date(d).is_none()
        {
            problems.push(
                Problem::new(place, format!("date {d:?} is not a date"))
                    .hint("write it as YYYY-MM-DD, e.g. `date: 2026-03-01`"),
            );
        }
    }
}

/// `primary:` must be a glob that names a file of one of the project's releases.
fn primary_glob(project: Option<&Project>, glob: &str, place: &str, problems: &mut Problems) {
    let matcher = match super::offered::PrimaryGlob::new(glob) {
        Ok(m) => m,
        Err(e) => {
            problems.push(
                Problem::new(place, format!("primary {glob:?} is not a glob: {e}"))
                    .hint("write a file-name pattern, e.g. `primary: \"*-bin.tar.gz\"`"),
            );
            return;
        }
    };
    let Some(project) = project else { return };
    let names = project.releases.iter().flat_map(|r| &r.artifacts).map(|a| a.name());
    if !names.clone().any(|n| matcher.is_match(n)) {
        let example = names.clone().next().map_or("name.tar.gz", |n| n.rsplit('/').next().unwrap_or(n));
        problems.push(
            Problem::new(place, format!("primary {glob:?} names no file of project `{}`", project.name))
                .hint(format!("match a file name of its releases, e.g. `primary: \"{example}\"`, or remove the line")),
        );
    }
}

/// Signatures: anything but good stops the build, unless the release opts out, or the
/// project publishes none (then a missing one is fine; a bad one is not).
pub(super) fn signatures(tree: &Tree, content: &Content, plans: &[super::ProjectPlan], problems: &mut Problems) {
    for ((name, project), plan) in tree.projects.iter().zip(plans) {
        let page = content.projects.get(name);
        let unsigned = match page.and_then(|p| p.matter.unsigned.as_deref()) {
            Some(reason) if reason.trim().is_empty() => {
                problems.push(
                    Problem::new(page.map(|p| p.path.display().to_string()).unwrap_or_default(), "sets `unsigned` without a reason")
                        .hint("say why the project publishes no signatures, e.g. `unsigned: \"checksums only, from the primary over https\"`"),
                );
                true
            }
            reason => reason.is_some(),
        };
        // A KEYS that is missing or holds no key is the one root problem of the
        // signatures it should check, not one problem per artifact.
        let matter = page.map(|p| &p.matter);
        let signers = matter.map_or(&[][..], |m| &m.sigstore[..]);
        let keys = matter.map_or(&[][..], |m| &m.minisign[..]);
        let cosign = matter.map_or(&[][..], |m| &m.cosign[..]);
        let ssh = matter.map_or(&[][..], |m| &m.ssh[..]);
        let mut unknown: BTreeMap<PathBuf, (&str, Signers)> = BTreeMap::new();
        for (i, r) in project.releases.iter().enumerate() {
            let archived = plan.archived.contains(&i);
            let require = super::sigstore::require(matter, r);
            let page = content.release_page(name, &r.id());
            match page.and_then(|p| p.matter.unsigned_ok.as_deref()) {
                Some(reason) if reason.trim().is_empty() => problems.push(
                    Problem::new(page.map(|p| p.path.display().to_string()).unwrap_or_default(), "sets `unsigned_ok` without a reason")
                        .hint("say why the release is published unverified, e.g. `unsigned_ok: \"signed by the old key, see issue 12\"`"),
                ),
                // Excused: signatures missing, or by keys KEYS lacks; never a file
                // altered after it was signed (a PHP tarball changed since passed).
                Some(_) => {
                    let want = Want { require, signers, keys, cosign, ssh, unsigned: true, archived };
                    for a in &r.artifacts {
                        tampered(tree, project, r, a, &want, problems);
                    }
                    continue;
                }
                None => {}
            }
            for a in &r.artifacts {
                let want = Want { require, signers, keys, cosign, ssh, unsigned, archived };
                artifact_problems(tree, project, r, a, &want, &mut unknown, problems);
            }
            for list in &r.signed_lists {
                let want = Want { require, signers, keys, cosign, ssh, unsigned, archived };
                if let Some(p) = super::list_checks::release_list_problem(tree, project, r, list, &want) {
                    problems.push(p);
                }
            }
        }
        for list in &project.signed_lists {
            if let Some(check) = list.check.as_ref().filter(|c| c.outcome != Outcome::Good) {
                problems.push(super::list_checks::list_problem(tree, name, &format!("project {name}"), list, check));
            }
        }
        for (keys, (state, signers)) in unknown {
            problems.push(keys_problem(name, &keys, state, &signers));
        }
    }
}

/// The problems of one artifact's signatures, under what the project requires: an
/// OpenPGP signature that is needed and not good, a Sigstore one likewise, and either
/// kind altered (`bad`) whatever is required. A keyless KEYS's unknown signers are
/// gathered in `unknown` for one problem.
fn artifact_problems(
    tree: &Tree,
    project: &Project,
    r: &Release,
    a: &Artifact,
    want: &Want,
    unknown: &mut BTreeMap<PathBuf, (&'static str, Signers)>,
    problems: &mut Problems,
) {
    use super::sigstore::Verdict;
    // Not read (the build may not): its one problem says so; its signature is unknown.
    if a.file.digests.is_none() {
        return;
    }
    let alts = other_kinds(tree, project, r, a, want);
    let pgp = a.signature.as_ref();
    let pgp_good = pgp.is_some_and(|c| c.outcome == Outcome::Good);
    let pgp_bad = pgp.is_some_and(|c| c.outcome == Outcome::Bad);
    let pgp_missing = pgp.is_none_or(|c| c.outcome == Outcome::Missing);
    // Another way to an image (Debian's `bt-cd/X.iso.torrent`, `jigdo-cd/X.jigdo` and
    // `.template`) that no list or signature covers: what it makes, the image, is vouched
    // for by its own signed checksum; Debian never signs these.
    let way_to_image = [".torrent", ".jigdo", ".template"].iter().any(|e| a.name().ends_with(e));
    if way_to_image && pgp_missing && a.covered_by().is_none() {
        return;
    }
    // Which kinds count toward what the project requires.
    let counts = |k: Other| match want.require {
        Require::Openpgp => false,
        Require::Sigstore => k == Other::Sigstore,
        Require::Minisign => k == Other::Minisign,
        Require::Either | Require::Both => true,
    };
    // Either, for a project with no KEYS whose page names other signers: OpenPGP is not
    // its way (a file signed no way was also told its `.asc` is missing).
    let pgp_counts = match want.require {
        Require::Openpgp | Require::Both => true,
        Require::Either => !pgp_missing || alts.is_empty() || project.keys_of(r).is_some(),
        Require::Sigstore | Require::Minisign => false,
    };
    // Either: the kind the release manager chose must be good; with none, all are missing.
    let good = (pgp_counts && pgp_good) || alts.iter().any(|(k, v)| counts(*k) && matches!(v, Verdict::Good));
    let present =
        (pgp_counts && !pgp_missing) || alts.iter().any(|(k, v)| counts(*k) && !matches!(v, Verdict::Missing));
    let needed = |counts: bool, missing: bool| match want.require {
        Require::Either => counts && !good && (!missing || !present),
        _ => counts,
    };
    let pgp_needed = needed(pgp_counts, pgp_missing);
    if (pgp_needed || pgp_bad) && !(want.unsigned && pgp_missing) {
        if let Some(check) = pgp.filter(|c| c.outcome == Outcome::UnknownKey)
            && let Some(state) = keyless(project, r)
        {
            let fpr = check.fingerprint.as_deref().unwrap_or("(no issuer)").to_string();
            let keys = super::signature_problem::p_keys(tree, project, r);
            let e = unknown.entry(keys).or_insert((state, Signers::new())).1.entry(fpr).or_default();
            e.0 = check.user_id.as_deref().map(String::from);
            e.1 += 1;
        } else if let Some(check) = pgp
            && let Some(p) = super::signature_problem::signature_problem(tree, project, r, a, check)
        {
            let historic = want.archived && check.outcome == Outcome::Weak;
            problems.push(if historic { p.kind(crate::util::problem::Kind::ArchivedWeak) } else { p });
        }
    }
    for (k, v) in alts {
        let need = needed(counts(k), matches!(v, Verdict::Missing));
        match v {
            Verdict::Problem { problem, tampered } if need || tampered || want.require == Require::Openpgp => {
                problems.push(*problem)
            }
            Verdict::Missing if need && !want.unsigned => problems.push(match k {
                Other::Sigstore => super::sigstore::missing(tree, project, r, a),
                Other::Minisign => super::minisign::missing(tree, project, r, a, [want.keys, want.cosign, want.ssh]),
            }),
            _ => {}
        }
    }
}

/// The problems of an artifact altered after it was signed (a signature of any kind
/// that does not match its bytes), which no reason excuses.
fn tampered(tree: &Tree, project: &Project, r: &Release, a: &Artifact, want: &Want, problems: &mut Problems) {
    if a.file.digests.is_none() {
        return;
    }
    if let Some(check) = a.signature.as_ref().filter(|c| c.outcome == Outcome::Bad)
        && let Some(p) = super::signature_problem::signature_problem(tree, project, r, a, check)
    {
        problems.push(p);
    }
    for (_, v) in other_kinds(tree, project, r, a, want) {
        if let super::sigstore::Verdict::Problem { problem, tampered: true } = v {
            problems.push(*problem);
        }
    }
}

/// A kind of signature other than OpenPGP.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Other {
    Sigstore,
    Minisign,
}

/// The verdicts on an artifact's signatures other than OpenPGP, of the kinds the
/// project uses: Sigstore where it names signers or requires it (or `either`/`both`
/// without minisign or cosign keys, for a file with a bundle), minisign (and cosign keys)
/// where it names keys or requires it.
fn other_kinds(
    tree: &Tree,
    project: &Project,
    r: &Release,
    a: &Artifact,
    want: &Want,
) -> Vec<(Other, super::sigstore::Verdict)> {
    let sigstore = match want.require {
        Require::Sigstore => true,
        // Naming no signer and no key, the project uses Sigstore where a bundle is there:
        // a file without one is missing OpenPGP's signature, not Sigstore's too.
        Require::Either | Require::Both => {
            !want.signers.is_empty() || (!want.names_keys() && crate::check::sigstore::files_of(a).is_some())
        }
        Require::Openpgp | Require::Minisign => !want.signers.is_empty(),
    };
    // A cosign or SSH key signs as a minisign key does: a key the page names.
    let minisign = want.require == Require::Minisign || want.names_keys();
    let mut out = Vec::new();
    if sigstore {
        out.push((Other::Sigstore, super::sigstore::judge(tree, project, r, a, want.signers)));
    }
    if minisign {
        out.push((Other::Minisign, super::minisign::judge(tree, project, r, a, [want.keys, want.cosign, want.ssh])));
    }
    out
}

/// Who signed what a keyless KEYS should check: fingerprint -> (user id, signatures).
type Signers = BTreeMap<String, (Option<String>, usize)>;

/// How the KEYS of release `r` holds no key at all: it is missing, empty, or has no key
/// block in it; `None` when it has keys (an unknown signer is then that signature's
/// own problem). A line's own KEYS is not read here, so it is never called keyless.
fn keyless(p: &Project, r: &Release) -> Option<&'static str> {
    let Some(k) = p.keys_of(r) else { return Some("is missing") };
    if p.keys.as_ref().map(|own| &own.rel) != Some(&k.rel) {
        return None;
    }
    let bytes = p.keys_bytes.as_deref()?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Some("is empty");
    }
    let armored = !k.rel.ends_with(".gpg") && bytes.first().is_some_and(|b| *b < 0x80);
    let has_block = bytes.windows(29).any(|w| w == b"BEGIN PGP PUBLIC KEY BLOCK---");
    (armored && !has_block).then_some("holds no public key")
}

/// The one problem of a KEYS that holds no key (`state`: missing, empty, ...), so none
/// of the signatures made for it can be checked. The fix names each signer's
/// fingerprint.
fn keys_problem(project: &str, keys: &Path, state: &str, signers: &Signers) -> Problem {
    let total: usize = signers.values().map(|(_, n)| n).sum();
    let who: Vec<String> = signers
        .iter()
        .map(|(f, (u, n))| {
            format!(
                "key {f}{} ({n} signature{})",
                u.as_deref().map(|u| format!(" {u}")).unwrap_or_default(),
                if *n == 1 { "" } else { "s" }
            )
        })
        .collect();
    let armor = if keys.extension().is_some_and(|e| e == "gpg") { "" } else { "--armor " };
    let fix: Vec<String> = signers.keys().map(|f| format!("gpg {armor}--export {f} >> {}", keys.display())).collect();
    Problem::new(
        keys.display().to_string(),
        format!(
            "{state}, so none of the {total} signature{} of project {project} can be checked; they are by {}",
            if total == 1 { "" } else { "s" },
            who.join(", ")
        ),
    )
    .hint(format!(
        "add the release managers' public keys: {}{}",
        fix.join("; "),
        if state.contains("missing") {
            format!(
                "; or, if it was deleted by mistake, put back the copy the site last published (site/{project}/KEYS)"
            )
        } else {
            String::new()
        }
    ))
}
