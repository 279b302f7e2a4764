//! What a problem says of a signature that is not good: what is wrong, who signed, and
//! the fix for each outcome (add the key, sign again, sign the list, extend the key),
//! as release managers read it in `closer check`.

use crate::model::signature::{Check, KeyTool, Outcome};
use crate::model::tree::{Artifact, Project, Release, Tree};
use crate::util::problem::Problem;
use crate::util::text::shell_file;

/// For an artifact without OpenPGP signature that is signed another way: how to let that
/// signature count when the project's page does not name its signer yet, or, when it
/// does and the signature is good, that the page requires OpenPGP too (`signatures:`).
/// `place` is the artifact's path, for the `closer sign` line.
fn other_signature_hint(project: &str, a: &Artifact, place: &str) -> Option<String> {
    let page = format!("content/{project}.md");
    let sign = format!("sign it with OpenPGP: closer sign --key YOUR-SECRET-KEY.asc {}", shell_file(place));
    let good = |c: Option<&Check>| c.is_some_and(|c| c.outcome == Outcome::Good);
    let required = |what: &str, name: &str| {
        format!(
            "its {what} signature ({name}) is good, but {page} requires an OpenPGP signature too (`signatures:`): \
             {sign}; or, if {what} alone is enough, write `signatures: either` in {page}"
        )
    };
    if let Some((sig, tool)) = a.key_signed() {
        let name = sig.rel.rsplit('/').next().unwrap_or(&sig.rel);
        let (what, how) = match tool {
            KeyTool::Cosign => ("cosign", "with a cosign key"),
            KeyTool::Ssh => ("SSH", "with an SSH key"),
            KeyTool::Signify => ("signify", "with signify"),
            KeyTool::Minisign => ("minisign", "with minisign"),
        };
        if good(a.minisign()) {
            return Some(required(what, name));
        }
        return Some(format!(
            "it is signed {how} ({name}): {}, and that signature counts; or {sign}",
            super::minisign::how_to_name(tool, &page),
        ));
    }
    let cms = a.companions().iter().find(|f| f.rel.ends_with(crate::model::tree::CMS_EXT));
    if let Some(cms) = cms {
        let name = cms.rel.rsplit('/').next().unwrap_or(&cms.rel);
        return Some(format!(
            "its CMS (X.509) signature {name} is carried beside it, but closer does not check certificate chains: \
             {sign}; or, if the CMS signature is all the project gives, say so in {page} (`unsigned_ok: \"...\"`)"
        ));
    }
    let (_, files) = crate::check::sigstore::files_of(a)?;
    let name = files[0].rel.rsplit('/').next().unwrap_or(&files[0].rel);
    if good(a.sigstore()) {
        return Some(required("Sigstore", name));
    }
    Some(format!(
        "it is signed with Sigstore ({name}): name who signs in {page} (`sigstore: [{{identity: ..., issuer: ...}}]`) \
         and pin a trusted root (`closer sigstore-root`), and that signature counts; or {sign}"
    ))
}

/// For a file of a release whose other files are signed through an OpenPGP-signed
/// checksum list (CMake's `cmake-3.31.2-SHA-256.txt`): add its line to that list and
/// sign the list again, as the project does, before signing it alone.
fn list_hint(p: &Project, r: &Release, a: &Artifact, place: &str) -> Option<String> {
    // The release's own lists, or one beside its releases that covers its other files.
    let covers =
        |l: &&crate::model::tree::SignedList| r.artifacts.iter().any(|o| o.covered_by() == Some(&l.signature.rel));
    let l = r
        .signed_lists
        .iter()
        .chain(p.signed_lists.iter().filter(covers))
        .find(|l| l.scheme == crate::model::tree::ListScheme::Openpgp)?;
    let name = |f: &crate::model::tree::FileRef| f.rel.rsplit('/').next().unwrap_or(&f.rel).to_string();
    let file = a.name().rsplit('/').next().unwrap_or(a.name());
    let (list, sign) = match &l.list {
        Some(list) => (name(list), format!("gpg --armor --detach-sign --yes -o {} {}", name(&l.signature), name(list))),
        None => (name(&l.signature), "gpg --clearsign it again".to_string()),
    };
    Some(format!(
        "the release's other files are signed through {list}: add this file's line to it ({} {} >> {list}, in the \
         list's own form) and sign the list again ({sign}); or sign it alone: closer sign --key YOUR-SECRET-KEY.asc {}",
        l.algo.sum_command(),
        shell_file(file),
        shell_file(place)
    ))
}

/// The problem for a signature that is not good (`None` for a good one): what is wrong,
/// who signed, how to fix.
pub(super) fn signature_problem(tree: &Tree, p: &Project, r: &Release, a: &Artifact, check: &Check) -> Option<Problem> {
    if check.outcome == Outcome::Good {
        return None; // most of them: build no message
    }
    let (project, version) = (p.name.as_str(), r.version.as_str());
    let place = tree.root.join(&*a.file.rel).display().to_string();
    let keys = p_keys(tree, p, r).display().to_string();
    let signer = match (&check.fingerprint, &check.user_id) {
        (Some(f), Some(u)) => format!("key {f} ({u})"),
        (Some(f), None) => format!("key {f}"),
        _ => "an unknown key".to_string(),
    };
    let asc = signature_said(p, a);
    let (message, hint) = match check.outcome {
        Outcome::Good => return None,
        Outcome::Missing => (
            format!("release {project} {version}: {} has no signature ({asc} is missing)", a.name()),
            other_signature_hint(project, a, &place)
                .or_else(|| list_hint(p, r, a, &place))
                .unwrap_or_else(|| format!("sign it: closer sign --key YOUR-SECRET-KEY.asc {}", shell_file(&place))),
        ),
        Outcome::Bad => (
            format!("release {project} {version}: {asc} does not match {} ({})", a.name(), check.detail),
            "the file or its signature was altered: upload both again, as the release manager made them".into(),
        ),
        Outcome::Malformed if check.detail.ends_with(crate::model::signature::UNSUPPORTED) => (
            format!("release {project} {version}: {asc} by {signer} cannot be checked: {}", check.detail),
            "build closer with the OpenSSL backend (cargo build --release --no-default-features --features \
             crypto-openssl), or sign with an Ed25519, NIST P-256 or RSA key"
                .into(),
        ),
        Outcome::Malformed => (
            format!("release {project} {version}: {asc} is not a usable signature ({})", check.detail),
            format!("sign again: gpg --armor --detach-sign {}", shell_file(a.name())),
        ),
        Outcome::UnknownKey => {
            let fix = add_key_fix(&keys, check.fingerprint.as_deref().unwrap_or("FPR"), &asc);
            (format!("release {project} {version}: {asc} is signed by {signer}, which is not in {keys}"), fix)
        }
        Outcome::ExpiredKey => (
            format!(
                "release {project} {version}: {asc} is signed by {signer}, which had expired when it signed ({})",
                check.detail
            ),
            format!(
                "if the key was extended since, {keys} still has its old export: export it again and put it there \
                 (gpg {}--export {} >> {}); else sign again with a key that is valid",
                crate::util::fs::export_armor(std::path::Path::new(&keys)),
                check.fingerprint.as_deref().unwrap_or("FPR"),
                crate::util::text::shell_file(&keys)
            ),
        ),
        Outcome::RevokedKey => (
            format!("release {project} {version}: {asc} is signed by {signer}, which is revoked ({})", check.detail),
            "sign again with another key; a revoked key must not vouch for releases".into(),
        ),
        Outcome::Untrusted => (
            format!("release {project} {version}: {asc} by {signer} is not trusted ({})", check.detail),
            "sign again with a key in the project's KEYS".into(),
        ),
        Outcome::Weak if a.covered_by().is_some() => (
            format!("release {project} {version}: {} is signed too weakly: {}", a.name(), check.detail),
            "publish a SHA-256 or SHA-512 list of the release's files (sha256sum * > SHA256SUMS) and sign that list"
                .into(),
        ),
        Outcome::Weak => (
            format!("release {project} {version}: {asc} by {signer} is too weak: {}", check.detail),
            "sign again with a strong key (Ed25519, or RSA of at least 2048 bits; 3072 or more for a new one) and \
             SHA-256 or better"
                .into(),
        ),
    };
    Some(Problem::new(place, message).hint(hint).kind(upload_kind(r, a, check)))
}

/// The signature of `a` as a problem names it: its file, the signed list that covers
/// it, or the `.asc` it lacks.
fn signature_said(p: &Project, a: &Artifact) -> String {
    match (a.signed_uncompressed(), a.covered_by()) {
        (Some(u), _) if a.asc.is_none() => {
            format!("{} (over its uncompressed content)", u.signature.rsplit('/').next().unwrap_or(&u.signature))
        }
        (_, Some(list)) => format!("the signed list {}", list.rsplit('/').next().unwrap_or(list)),
        _ if a.asc.is_none() => format!("{}.{}", a.name(), p.signature_ext()),
        // Its own name, beside the file (chrony's `X-tar-gz-asc.txt`).
        _ => {
            let own = a.asc.as_ref().map_or("", |f| f.rel.rsplit('/').next().unwrap_or(&f.rel));
            match a.name().rsplit_once('/') {
                Some((dir, _)) => format!("{dir}/{own}"),
                None => own.to_string(),
            }
        }
    }
}

/// How to add a signer's key to the release's keys (`keys`), or sign `asc` again: a
/// binary keyring (GNU's `gnu-keyring.gpg`) takes a binary export; one person's keys
/// file (nginx's `mdounin.key`) a file of its own beside it, read with it as one keyring.
fn add_key_fix(keys: &str, fpr: &str, asc: &str) -> String {
    let armor = crate::util::fs::export_armor(std::path::Path::new(keys));
    let base = keys.rsplit('/').next().unwrap_or(keys);
    let own = base.ends_with(".key") || (base.ends_with(".asc") && !base.eq_ignore_ascii_case("KEYS.asc"));
    let add = match keys.rsplit_once('/') {
        Some((dir, _)) if own && !base.contains("keyring") => {
            format!("gpg --armor --export {fpr} > {dir}/{}.key", &fpr[fpr.len().saturating_sub(8)..])
        }
        _ => format!("gpg {armor}--export {fpr} >> {keys}"),
    };
    format!(
        "if it is a release manager's key, add it: {add}; if the file was signed with the wrong key, \
         delete {asc} and sign again with a key {keys} holds (closer sign --key KEY.asc)"
    )
}

/// Whether a signature's problem may be an upload in progress: one missing, or a file
/// still being written beside its signature (or a signature before its file), which does
/// not match until the upload ends: arriving within the grace (it was held, and its
/// project told to upload both again).
fn upload_kind(r: &Release, a: &Artifact, check: &Check) -> crate::util::problem::Kind {
    use crate::util::problem::Kind;
    match check.outcome {
        Outcome::Missing => Kind::Unsigned(a.file.stat.arrival()),
        Outcome::Bad => Kind::Unsigned(
            r.signature_file(a).map_or(a.file.stat.arrival(), |s| a.file.stat.arrival().and(s.stat.arrival())),
        ),
        _ => Kind::Other,
    }
}

/// The KEYS (or keyring) that verifies a release: its line's own, else the project's,
/// else where the project's KEYS belongs.
pub(super) fn p_keys(tree: &Tree, p: &Project, r: &Release) -> std::path::PathBuf {
    p.keys_of(r).map_or_else(|| tree.root.join(&p.name).join("KEYS"), |k| tree.root.join(&*k.rel))
}
