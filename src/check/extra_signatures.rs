//! More signatures of one file beside its own: ISC's `bind-9.20.4.tar.xz.sha256.asc` and
//! `.sha512.asc` beside `.asc`, the same file signed with other digests. ISC's users
//! verify any of them, so a bad one is a problem like a bad `.asc`: it was carried to the
//! primary and the archive unread, and `gpg --verify` told downloaders "BAD signature".
//! Checked on every run, as signed lists are; only releases that carry such files pay.

use crate::model::digests::Algo;
use crate::model::signature::Outcome;
use crate::model::tree::{Artifact, FileRef, Release, SIGNATURE_EXTS, Tree};
use crate::util::problem::{Problem, Problems};
use sequoia_openpgp::Cert;

/// The artifact `f` (a file the release carries) is one more signature of, if it is one.
pub fn signed<'r>(r: &'r Release, f: &FileRef) -> Option<&'r Artifact> {
    let (stem, ext) = f.rel.rsplit_once('.')?;
    let (of, algo) = stem.rsplit_once('.').filter(|_| SIGNATURE_EXTS.contains(&ext))?;
    Algo::from_ext(algo)?;
    r.artifacts.iter().find(|a| &*a.file.rel == of)
}

/// Verifies every such signature against `certs_of` the release's keys; what is not
/// good is a problem naming the signature.
pub fn check(tree: &Tree, certs_of: &dyn Fn(&str) -> Vec<Cert>, problems: &mut Problems) {
    for p in tree.projects.values() {
        for r in &p.releases {
            for (f, a) in r.other.iter().filter_map(|f| Some((f, signed(r, f)?))) {
                // A file the build may not read is its project's problem already (the
                // digest stage's), not the whole build's.
                let Ok(sig) = std::fs::read(tree.root.join(&*f.rel)) else { continue };
                let certs = certs_of(&p.keys_id(r));
                let Ok(check) = super::pgp::verify_detached(&certs, &sig, &tree.root.join(&*a.file.rel)) else {
                    continue;
                };
                let what = match check.outcome {
                    Outcome::Good => continue,
                    Outcome::Bad => format!("does not match {}", a.name()),
                    Outcome::UnknownKey => format!(
                        "is signed by key {}, which is not in the release's KEYS",
                        check.fingerprint.as_deref().unwrap_or("(no issuer)")
                    ),
                    Outcome::Malformed => "is not a usable signature".to_string(),
                    other => format!("is not a good signature ({}: {})", other.as_str(), check.detail),
                };
                let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
                problems.push(
                    Problem::new(
                        tree.root.join(&*f.rel).display().to_string(),
                        format!("release {} {}: {name}, one more signature of {}, {what}", p.name, r.id(), a.name()),
                    )
                    .hint(format!(
                        "downloaders verify it too: sign again (gpg --armor --detach-sign --digest-algo {} -o {name} {}), \
                         or remove it",
                        name.rsplit('.').nth(1).unwrap_or("SHA512").to_ascii_uppercase(),
                        a.name().rsplit('/').next().unwrap_or(a.name())
                    )),
                );
            }
        }
    }
}
