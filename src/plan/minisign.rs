//! Who may sign with minisign: the verify stage found which key signed each `.minisig`
//! (`check::minisign`); here that key is held against the keys the project's page
//! names for the release's line, with the same outcomes and fixes as OpenPGP's.

use super::sigstore::Verdict;
use crate::check::minisign::file_of;
use crate::model::signature::{MinisignKey, Outcome};
use crate::model::tree::{Artifact, Project, Release, Tree};
use crate::util::problem::Problem;

/// Judges the minisign signature of artifact `a` of release `r`.
pub(super) fn judge(tree: &Tree, p: &Project, r: &Release, a: &Artifact, keys: &[MinisignKey]) -> Verdict {
    let Some(sig) = file_of(a) else { return super::sigstore::through_list(tree, p, r, a, a.minisign.as_deref()) };
    let Some(check) = &a.minisign else { return Verdict::Missing };
    let (project, version) = (p.name.as_str(), r.version.as_str());
    let sig_name = sig.rel.rsplit('/').next().unwrap_or(&sig.rel);
    let what = format!("release {project} {version}: {sig_name}");
    let problem = |message: String, hint: String, tampered: bool| Verdict::Problem {
        problem: Box::new(Problem::new(tree.root.join(&a.file.rel).display().to_string(), message).hint(hint)),
        tampered,
    };
    let id = check.fingerprint.as_deref().unwrap_or("?");
    let sign_again = format!("sign again: minisign -Sm {}", a.name);
    let page = format!("content/{project}.md");
    match check.outcome {
        Outcome::Good => {
            let line = r.line.as_deref();
            if keys.iter().any(|k| k.id().as_deref() == Some(id) && k.signs(line, version)) {
                return Verdict::Good;
            }
            let of = line.map_or_else(|| format!(" (release {version})"), |l| format!(" for line {l}"));
            problem(
                format!("{what} is signed by minisign key {id}, which {page} does not name{of}"),
                format!("if this key signs that line, add the line to its `lines:` in {page}"),
                false,
            )
        }
        Outcome::Bad => problem(
            format!("{what} does not match {} ({})", a.name, check.detail),
            "the file or its signature was altered: upload both again, as the release manager made them".into(),
            true,
        ),
        Outcome::UnknownKey => problem(
            format!("{what} is signed by minisign key {id}, which is not one of {project}'s minisign keys"),
            if keys.is_empty() {
                format!(
                    "name the project's key in {page}: `minisign: [\"RW...\"]` (the second line of its minisign.pub)"
                )
            } else {
                format!(
                    "if key {id} signs {project}'s releases, add its public key to `minisign:` in {page}; else {sign_again}"
                )
            },
            false,
        ),
        _ => problem(format!("{what} is not a usable minisign signature ({})", check.detail), sign_again, false),
    }
}

/// The problem of an artifact that has no minisign signature where one is required;
/// with `cosign_only` (the page names cosign keys and no minisign key), none by a cosign
/// key, which signs through a checksum list.
pub(super) fn missing(tree: &Tree, p: &Project, r: &Release, a: &Artifact, cosign_only: bool) -> Problem {
    let (message, hint) = if cosign_only {
        (
            format!("{} is in no checksum list signed with the project's cosign key", a.name),
            "list it in the release's checksum list and sign the list again: cosign sign-blob --key cosign.key \
             --output-signature checksums.txt.sig checksums.txt"
                .to_string(),
        )
    } else {
        (
            format!("{} has no minisign signature ({}.minisig is missing)", a.name, a.name),
            format!("sign it: minisign -Sm {} (writes {}.minisig)", a.name, a.name),
        )
    };
    Problem::new(
        tree.root.join(&a.file.rel).display().to_string(),
        format!("release {} {}: {message}", p.name, r.version),
    )
    .hint(hint)
    .kind(crate::util::problem::Kind::Unsigned(a.file.stat.mtime))
}
