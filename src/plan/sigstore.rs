//! Who may sign with Sigstore, and what a project requires: the verify stage found who
//! signed each bundle (`check::sigstore`); here the signer is held against the
//! project's `sigstore:` list for the release's line, and the project's `signatures:`
//! (OpenPGP, Sigstore, either or both) decides which failures stop its release.

use crate::check::sigstore::{Form, files_of};
use crate::input::content::ProjectMatter;
use crate::model::signature::{Check, Outcome, Require, Signer};
use crate::model::tree::{Artifact, Project, Release, Tree};
use crate::util::problem::Problem;

/// What one artifact's Sigstore signature comes to.
pub(super) enum Verdict {
    /// Good, by a signer the project names for the release's line.
    Good,
    /// There is no bundle (nor cosign pair).
    Missing,
    /// Something is wrong; `tampered` when the file or the bundle was altered, which
    /// no requirement excuses.
    Problem { problem: Box<Problem>, tampered: bool },
}

/// The project's requirement of release `r`: as written (for its line, when written by
/// line), else `either` when it names Sigstore signers or minisign keys, and `openpgp`
/// when not.
pub(super) fn require(matter: Option<&ProjectMatter>, r: &crate::model::tree::Release) -> Require {
    match matter {
        Some(m) if let Some(req) = m.signatures.as_ref().and_then(|s| s.of(r.line.as_deref(), &r.version)) => req,
        Some(m) if !(m.sigstore.is_empty() && m.minisign.is_empty() && m.cosign.is_empty() && m.ssh.is_empty()) => {
            Require::Either
        }
        _ => Require::Openpgp,
    }
}

/// The bundle's file name, for messages.
fn bundle_name(a: &Artifact) -> String {
    match files_of(a) {
        Some((_, files)) => {
            files.iter().map(|f| f.rel.rsplit('/').next().unwrap_or(&f.rel)).collect::<Vec<_>>().join(" + ")
        }
        None => format!("{}.sigstore", a.name()),
    }
}

/// Judges the Sigstore signature of artifact `a` of release `r`.
pub(super) fn judge(tree: &Tree, p: &Project, r: &Release, a: &Artifact, signers: &[Signer]) -> Verdict {
    let Some((form, _)) = files_of(a) else { return through_list(tree, p, r, a, a.sigstore()) };
    let (project, version) = (p.name.as_str(), r.version.as_str());
    let place = tree.root.join(&*a.file.rel).display().to_string();
    let bundle = bundle_name(a);
    let what = format!("release {project} {version}: {bundle}");
    let problem = |message: String, hint: String, tampered: bool| Verdict::Problem {
        problem: Box::new(Problem::new(place.clone(), message).hint(hint)),
        tampered,
    };
    let Some(check) = a.sigstore() else {
        return problem(
            format!("{what} cannot be verified without a Sigstore trusted root"),
            "when mirrors.yaml sets `policy.sigstore_root`, its problem says why the root cannot be read; \
             else write one with `closer sigstore-root --file sigstore-root.json` and set `policy.sigstore_root: \
             sigstore-root.json` there"
                .into(),
            false,
        );
    };
    let signer = signer_text(check);
    match check.outcome {
        Outcome::Good => {
            who_may(project, r, check, signers).map_or(Verdict::Good, |(m, h)| problem(format!("{what} {m}"), h, false))
        }
        Outcome::Bad => problem(
            format!("{what} does not match {} ({})", a.name(), check.detail),
            "the file or its bundle was altered: upload both again, as the release manager made them".into(),
            true,
        ),
        // Bundles of sigstore-python before 2.0 lack the log's checkpoint (CPython 3.12.5's):
        // the log still has it, and sigstore-python adds it without signing again.
        Outcome::Malformed if check.detail.contains("checkpoint") => problem(
            format!("{what} is not a usable Sigstore signature ({})", check.detail),
            format!(
                "the bundle lacks its log's checkpoint (sigstore-python before 2.0 wrote it so); \
                 python3 -m sigstore plumbing fix-bundle --bundle {}.sigstore --in-place adds it from the log, \
                 without signing again",
                a.name()
            ),
            false,
        ),
        Outcome::Malformed => problem(
            format!("{what} is not a usable Sigstore signature ({})", check.detail),
            format!(
                "sign again: python3 -m sigstore sign {} (or cosign sign-blob --bundle {}.sigstore.json {})",
                a.name(),
                a.name(),
                a.name()
            ),
            false,
        ),
        Outcome::ExpiredKey => problem(
            format!("{what} by {signer} was made outside its certificate's validity ({})", check.detail),
            format!("sign again: python3 -m sigstore sign {}", a.name()),
            false,
        ),
        _ => problem(
            format!("{what} by {signer} is not vouched for by the Sigstore trusted root ({})", check.detail),
            if form == Form::Pair {
                "check that the certificate is Sigstore's (Fulcio's), or publish a bundle: cosign sign-blob --bundle"
                    .into()
            } else if *check.detail == *crate::model::signature::KEY_BUNDLE {
                // (cosign's `sign-blob --key … --bundle`: a key's signature in a bundle's form.)
                format!(
                    "this bundle is signed with a cosign key, which `signatures: sigstore` does not count (it asks \
                     for a Sigstore identity): name the key under `cosign:` and write `signatures: cosign` (or \
                     `either`) in content/{}.md",
                    p.name
                )
            } else {
                "refresh the trusted root (`closer sigstore-root`), or sign again against the public Sigstore instance"
                    .into()
            },
            false,
        ),
    }
}

/// The verdict on an artifact signed through a checksum list of its release (`check`:
/// what the list says of it; its signer is judged on the list), else `Missing`.
pub(super) fn through_list(tree: &Tree, p: &Project, r: &Release, a: &Artifact, check: Option<&Check>) -> Verdict {
    let (Some(list), Some(check)) = (a.covered_by(), check) else { return Verdict::Missing };
    match check.outcome {
        Outcome::Good => Verdict::Good,
        _ => Verdict::Problem {
            problem: Box::new(
                Problem::new(
                    tree.root.join(&*a.file.rel).display().to_string(),
                    format!(
                        "release {} {}: {} does not match the signed list {} ({})",
                        p.name,
                        r.version,
                        a.name(),
                        list.rsplit('/').next().unwrap_or(list),
                        check.detail
                    ),
                )
                .hint("the file or the list was altered: upload both again, as the release manager made them"),
            ),
            tampered: true,
        },
    }
}

/// "hugo@python.org (GitHub)": who signed, as the certificate says.
fn signer_text(check: &Check) -> String {
    match (&check.user_id, &check.fingerprint) {
        (Some(id), Some(issuer)) => format!("{id} ({})", Signer::issuer_name(issuer)),
        (Some(id), None) => id.to_string(),
        _ => "an unknown signer".into(),
    }
}

/// `None` when the signer of a good bundle may sign release `r`; else what is wrong
/// and the fix.
pub(super) fn who_may(project: &str, r: &Release, check: &Check, signers: &[Signer]) -> Option<(String, String)> {
    let identity = check.user_id.as_deref().unwrap_or("");
    let issuer = check.fingerprint.as_deref().unwrap_or("");
    let line = r.line.as_deref();
    let mine: Vec<&Signer> = signers.iter().filter(|s| s.signs(line, &r.version)).collect();
    if mine.iter().any(|s| s.names(identity) && s.issuer == issuer) {
        return None;
    }
    let of = line.map_or_else(String::new, |l| format!(" for line {l}"));
    // A workflow's identity names the ref it ran at, another each release: the page
    // names the workflow, at any tag.
    let named = match identity.split_once("@refs/tags/") {
        Some((workflow, _)) if identity.starts_with("https://") => format!("\"{workflow}@refs/tags/*\""),
        _ => identity.to_string(),
    };
    // Scoped as the page scopes its signers: an entry without `lines:` trusts them for
    // every line, which a page naming signers by line does not mean.
    let scoped = line.map(str::to_string).or_else(|| signers.iter().any(|s| !s.lines.is_empty()).then(|| series(r)));
    let add = format!(
        "if they sign {project}'s releases, add them to content/{project}.md: `sigstore: [{{identity: {named}, \
         issuer: \"{issuer}\"{}}}]`",
        scoped.map_or_else(String::new, |l| format!(", lines: [\"{l}\"]"))
    );
    if let Some(s) = mine.iter().find(|s| s.names(identity)) {
        return Some((
            format!("is signed by {identity} through {issuer}, but {project} names {} as its issuer{of}", s.issuer),
            format!(
                "sign again through {} (the identity provider the project names); or, if {identity} signs \
                 through {issuer} now, write `issuer: {issuer}` for them in content/{project}.md",
                s.issuer
            ),
        ));
    }
    // Named, for other lines only (whether or not another signer is named for this one).
    let names: Vec<String> =
        mine.iter().map(|s| format!("{} ({})", s.identity, Signer::issuer_name(&s.issuer))).collect();
    if let Some((message, fix)) = other_lines(project, r, identity, issuer, signers) {
        let this = if names.is_empty() { String::new() } else { format!(" (it names {} for it)", names.join(", ")) };
        return Some((format!("{message}{this}"), fix));
    }
    let named = if mine.is_empty() { "it names none".to_string() } else { format!("it names {}", names.join(", ")) };
    Some((
        format!(
            "is signed by {identity} ({}), who is not a Sigstore signer of {project}{of} ({named})",
            Signer::issuer_name(issuer)
        ),
        add,
    ))
}

/// A good bundle's signer whom the project names for other lines only: what is wrong
/// and the fix, or `None` when nobody names them.
fn other_lines(
    project: &str,
    r: &Release,
    identity: &str,
    issuer: &str,
    signers: &[Signer],
) -> Option<(String, String)> {
    let s = signers.iter().find(|s| s.names(identity) && s.issuer == issuer && !s.lines.is_empty())?;
    let series = series(r);
    Some((
        format!(
            "is signed by {identity} ({}), whom content/{project}.md names as a Sigstore signer of lines {} \
             only, not of {series}",
            Signer::issuer_name(issuer),
            s.lines.join(", ")
        ),
        format!("if they sign {series} too, add \"{series}\" to their `lines:` in content/{project}.md"),
    ))
}

/// The release's line, or its version's series (`3.14` of `3.14.0`).
fn series(r: &Release) -> String {
    r.line.clone().unwrap_or_else(|| {
        let v = &r.version;
        v.rsplit_once('.').filter(|(head, _)| head.contains('.')).map_or(v.clone(), |(head, _)| head.to_string())
    })
}

/// The problem of an artifact that has no Sigstore bundle where one is required.
pub(super) fn missing(tree: &Tree, p: &Project, r: &Release, a: &Artifact) -> Problem {
    Problem::new(
        tree.root.join(&*a.file.rel).display().to_string(),
        format!(
            "release {} {}: {} has no Sigstore signature (no {}.sigstore or .sigstore.json beside it)",
            p.name,
            r.version,
            a.name(),
            a.name()
        ),
    )
    .hint(format!(
        "sign it: python3 -m sigstore sign {} (writes {}.sigstore.json), or cosign sign-blob --bundle {}.sigstore.json {}",
        a.name(), a.name(), a.name(), a.name()
    ))
    .kind(crate::util::problem::Kind::Unsigned(a.file.stat.arrival()))
}
