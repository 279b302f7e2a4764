//! Sigstore: every artifact's bundle (`F.sigstore`, `F.sigstore.json`) is verified
//! offline against the trusted root the registry pins (`policy.sigstore_root`): the
//! certificate chain to Fulcio, its SCT, the log's inclusion proof and promise, the
//! timestamps, and the signature over the artifact's SHA-256 (from the digest stage, so
//! no file is read again). cosign's `.sig` + `.crt` pair carries no log entry, so only
//! what it holds is checked (`pair`). Who may sign is the plan's question
//! (`plan::sigstore`): this stage records who did, as data, and caches it like the
//! OpenPGP checks.

mod legacy;
mod pair;
mod provider;

use super::cache;
use super::companion_cache::{self, Key};
use crate::model::signature::{Check, Outcome};
use crate::model::tree::{Artifact, FileRef, ListScheme, SignedList, Tree};
use anyhow::{Context, Result};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use sigstore_verify::error::{CertificateError, Error as VerifyError};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

const CACHE_KIND: &str = "sigstore v1";

/// The Sigstore production trusted root this closer was built with; what
/// `closer sigstore-root` writes.
pub const EMBEDDED_ROOT: &str = sigstore_trust_root::SIGSTORE_PRODUCTION_TRUSTED_ROOT;

/// What an artifact is signed with, in Sigstore's forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A bundle: certificate, signature, log entry and proofs in one file.
    Bundle,
    /// cosign's detached signature and certificate, without the log entry.
    Pair,
}

/// The Sigstore signature files of an artifact among its companions: its bundle, else
/// its `.sig` + `.crt`/`.cert` pair.
pub fn files_of(a: &Artifact) -> Option<(Form, Vec<&FileRef>)> {
    let named = |ext: &str| a.companions().iter().find(|f| f.rel.ends_with(&format!("{}{ext}", a.name())));
    // GitHub's artifact attestations as `gh attestation download` writes them and LLVM
    // publishes them beside each build (`X.jsonl`): Sigstore bundles, one a line.
    if let Some(b) =
        crate::model::tree::BUNDLE_EXTS.iter().chain(&[crate::model::tree::ATTESTATIONS_EXT]).find_map(|e| named(e))
    {
        return Some((Form::Bundle, vec![b]));
    }
    use crate::model::tree::{CERT_EXTS, KEYLESS_CERT, KEYLESS_SIG};
    if let (Some(sig), Some(cert)) = (named(KEYLESS_SIG), named(KEYLESS_CERT)) {
        return Some((Form::Pair, vec![sig, cert]));
    }
    let sig = named(".sig")?;
    let cert = CERT_EXTS.iter().find_map(|e| named(&format!(".{e}")))?;
    Some((Form::Pair, vec![sig, cert]))
}

/// The trusted root, read and hashed once per build.
pub struct Root {
    verifier: sigstore_verify::Verifier,
    fulcio: Vec<Vec<u8>>,
    hash: [u8; 32],
    /// Which Sigstore instance it trusts, and its text: a downloader's tools trust the
    /// public instance unless told otherwise (`PinnedRoot`).
    pub pinned: PinnedRoot,
}

/// The Sigstore instance a root trusts, as a downloader's verify line must name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instance {
    /// sigstore.dev's: what sigstore-python and cosign trust by default.
    Public,
    /// sigstage.dev's: sigstore-python's `--staging`.
    Staging,
    /// Another (a private instance): its root is given to the tools.
    Private,
}

/// A pinned root's instance and text (published on the site when not the public one).
#[derive(Debug, Clone)]
pub struct PinnedRoot {
    pub instance: Instance,
    pub text: String,
}

impl Root {
    /// Reads the root the registry names; errors name the file and the fix.
    pub fn load(path: &Path) -> Result<Root> {
        let text = std::fs::read_to_string(path).with_context(|| {
            format!("cannot read the Sigstore trusted root `{}`; write it with `closer sigstore-root`", path.display())
        })?;
        Root::parse(&text).with_context(|| {
            format!(
                "`{}` is not a Sigstore trusted root; write it again with `closer sigstore-root --file {}`",
                path.display(),
                path.display()
            )
        })
    }

    pub fn parse(text: &str) -> Result<Root> {
        provider::install();
        let root = sigstore_trust_root::TrustedRoot::from_json(text).map_err(|e| anyhow::anyhow!("{e}"))?;
        // Any JSON object parses (every list defaults to empty): one with nothing to
        // trust is no root, whatever it is (a bundle given by mistake, most often).
        if root.certificate_authorities.is_empty() && root.tlogs.is_empty() && root.timestamp_authorities.is_empty() {
            let what = match root.media_type.as_str() {
                m if m.contains("sigstore.bundle") => format!("a Sigstore bundle ({m})"),
                m => format!("`{m}`"),
            };
            anyhow::bail!(
                "it is {what}, with no certificate authority, transparency log or timestamp authority: not a \
                 trusted root (application/vnd.dev.sigstore.trustedroot+json, as Sigstore's TUF repository serves it)"
            );
        }
        let fulcio: Vec<Vec<u8>> = root.fulcio_certs().iter().map(|c| c.as_bytes().to_vec()).collect();
        let tsa: Vec<Vec<u8>> = root
            .timestamp_authorities
            .iter()
            .flat_map(|t| t.cert_chain.certificates.iter().map(|c| c.raw_bytes.as_bytes().to_vec()))
            .collect();
        provider::memo::root_certificates(fulcio.iter().chain(&tsa).map(Vec::as_slice));
        let verifier = sigstore_verify::Verifier::new(&root)?;
        let uris: Vec<&str> = root.certificate_authorities.iter().map(|c| c.uri.as_str()).collect();
        let instance = match () {
            _ if uris.iter().any(|u| u.contains("sigstage.dev")) => Instance::Staging,
            _ if uris.is_empty() || uris.iter().any(|u| u.contains("fulcio.sigstore.dev")) => Instance::Public,
            _ => Instance::Private,
        };
        let pinned = PinnedRoot { instance, text: text.to_string() };
        Ok(Root { verifier, fulcio, hash: Sha256::digest(text.as_bytes()).into(), pinned })
    }
}

/// An artifact whose Sigstore signature is to be checked (or taken from the cache).
struct Todo {
    /// Its position in the tree's artifact order.
    i: usize,
    form: Form,
    files: Vec<String>,
    key: Key,
    sha256: [u8; 32],
    rel: String,
}

/// Verifies every artifact's Sigstore signature and stores the outcome on it
/// (`Artifact::sigstore`). Without a root, nothing is verified: the plan says so where
/// a project requires Sigstore.
pub fn verify(
    mut tree: Tree,
    root: Option<&Root>,
    cache_path: Option<&Path>,
    writes: &mut cache::CacheWrites,
) -> Result<(Tree, u64)> {
    let Some(root) = root else {
        mark_key_bundles(&mut tree);
        return Ok((tree, 0));
    };
    let mut cached = companion_cache::load(cache_path, CACHE_KIND, &tree.root);
    let todo: Vec<Todo> = tree
        .artifacts()
        .enumerate()
        .filter_map(|(i, (_, _, a))| {
            let (form, files) = files_of(a)?;
            let sha256 = a.file.digests.as_ref()?.sha256;
            let key = Key { artifact: a.file.stat, files: files.iter().map(|f| f.stat).collect(), against: root.hash };
            let files = files.iter().map(|f| f.rel.to_string()).collect();
            Some(Todo { i, form, files, key, sha256, rel: a.file.rel.to_string() })
        })
        .collect();
    let fresh: Vec<Result<(usize, Key, Check, bool)>> = todo
        .into_par_iter()
        .map(|t| {
            if let Some((k, c)) = cached.get(&t.rel)
                && *k == t.key
            {
                return Ok((t.i, t.key, c.clone(), false));
            }
            let bytes: Vec<Vec<u8>> =
                t.files.iter().map(|f| crate::util::fs::read(&tree.root.join(f))).collect::<Result<_>>()?;
            provider::memo::begin_bundle();
            let check = match t.form {
                Form::Bundle if t.files[0].ends_with(crate::model::tree::ATTESTATIONS_EXT) => {
                    check_lines(root, &bytes[0], t.sha256)
                }
                Form::Bundle => check_bundle(root, &bytes[0], t.sha256),
                Form::Pair => pair::check(&root.fulcio, &bytes[0], &bytes[1], t.sha256),
            };
            Ok((t.i, t.key, check, true))
        })
        .collect();
    let mut by_index = HashMap::new();
    let mut checked = 0;
    for r in fresh {
        let (i, key, check, new) = r?;
        checked += u64::from(new);
        by_index.insert(i, (key, check));
    }
    cached.clear();
    let set = &mut |a: &mut Artifact, c| a.extra_mut().sigstore = Some(Box::new(c));
    companion_cache::record(&mut tree, by_index, set, writes, cache_path, CACHE_KIND);
    // Checksum lists signed with Sigstore, and through them the files they name.
    let base = tree.root.clone();
    let check_list = |_: &str, list: &SignedList, text: &[u8]| {
        let sha256: [u8; 32] = Sha256::digest(text).into();
        let read = |rel: &str| crate::util::fs::read(&base.join(rel));
        provider::memo::begin_bundle();
        let check = match (&list.scheme, read(&list.signature.rel)) {
            (ListScheme::SigstorePair(cert), Ok(sig)) => match read(cert) {
                Ok(cert) => pair::check(&root.fulcio, &sig, &cert, sha256),
                Err(e) => Check { outcome: Outcome::Malformed, detail: format!("{e:#}").into(), ..Check::missing() },
            },
            (_, Ok(bundle)) => check_bundle(root, &bundle, sha256),
            (_, Err(e)) => Check { outcome: Outcome::Malformed, detail: format!("{e:#}").into(), ..Check::missing() },
        };
        (check, None)
    };
    super::signed_lists::check_other(
        &mut tree,
        &|s| matches!(s, ListScheme::SigstoreBundle | ListScheme::SigstorePair(_)),
        &check_list,
        &mut |a, c| a.extra_mut().sigstore = Some(Box::new(c)),
    );
    Ok((tree, checked))
}

/// Without a trusted root nothing is verified here; a bundle a cosign key made is still
/// told apart, for the key stage to check against the page's keys (it needs no root).
fn mark_key_bundles(tree: &mut Tree) {
    let root = tree.root.clone();
    for a in tree.artifacts_mut() {
        let Some((Form::Bundle, files)) = files_of(a) else { continue };
        let small = files[0].stat.size <= 1 << 20;
        let Some(text) = small.then(|| std::fs::read_to_string(root.join(&*files[0].rel)).ok()).flatten() else {
            continue;
        };
        if super::cosign_key::bundle_signature(&text).is_some() {
            a.extra_mut().sigstore =
                Some(Box::new(Check { detail: crate::model::signature::KEY_BUNDLE.into(), ..Check::missing() }));
        }
    }
}

/// Verifies one bundle against the root: every check but who signed.
pub(crate) fn check_bundle(root: &Root, bundle: &[u8], sha256: [u8; 32]) -> Check {
    let malformed = |detail: String| Check { outcome: Outcome::Malformed, detail: detail.into(), ..Check::missing() };
    let Ok(text) = std::str::from_utf8(bundle) else { return malformed("it is not UTF-8 JSON".into()) };
    // A key's bundle (a public key hint, no certificate) is the key stage's to check.
    if super::cosign_key::bundle_signature(text).is_some() {
        return Check { detail: crate::model::signature::KEY_BUNDLE.into(), ..Check::missing() };
    }
    let legacy = legacy::as_bundle(text).or_else(|| legacy::pep740_as_bundle(text));
    let text = legacy.as_deref().unwrap_or(text);
    let bundle = match sigstore_types::Bundle::from_json(text) {
        Ok(b) => b,
        Err(e) => return malformed(format!("it is not a Sigstore bundle: {e}")),
    };
    let artifact = sigstore_types::Sha256Hash::new(sha256);
    let policy = sigstore_verify::VerificationPolicy::any_identity();
    match root.verifier.verify(artifact, &bundle, &policy) {
        Ok(r) => Check {
            outcome: Outcome::Good,
            fingerprint: r.issuer().map(Arc::from),
            user_id: r.identity().map(|i| Arc::from(i.as_str())),
            signed_at: r.integrated_time().or_else(|| r.verified_timestamps().first().copied()).map(|t| t.as_second()),
            detail: Box::default(),
        },
        Err(e) => {
            let who = bundle.signing_certificate().and_then(|c| sigstore_crypto::parse_certificate_info(c).ok());
            Check {
                outcome: outcome_of(&e),
                fingerprint: who.as_ref().and_then(|w| w.issuer.as_deref()).map(Arc::from),
                user_id: who.as_ref().and_then(|w| w.identity.as_ref()).map(|i| Arc::from(i.as_str())),
                signed_at: None,
                detail: e.to_string().into(),
            }
        }
    }
}

/// Verifies a file of bundles, one a line (GitHub's attestations of one file, as `gh
/// attestation download` writes them): the file is signed when one line verifies; else
/// the first line's outcome says why not.
fn check_lines(root: &Root, text: &[u8], sha256: [u8; 32]) -> Check {
    let mut first = None;
    for line in text.split(|&b| b == b'\n').filter(|l| !l.trim_ascii().is_empty()) {
        provider::memo::begin_bundle();
        let check = check_bundle(root, line, sha256);
        if check.outcome == Outcome::Good {
            return check;
        }
        first.get_or_insert(check);
    }
    first.unwrap_or_else(|| Check {
        outcome: Outcome::Malformed,
        detail: "it holds no Sigstore bundle (GitHub's attestations are one bundle a line)".into(),
        ..Check::missing()
    })
}

/// The outcome a verification error stands for.
fn outcome_of(e: &VerifyError) -> Outcome {
    match e {
        VerifyError::SignatureInvalid(_) | VerifyError::ArtifactMismatch(_) => Outcome::Bad,
        VerifyError::Certificate(CertificateError::Expired { .. } | CertificateError::NotYetValid { .. }) => {
            Outcome::ExpiredKey
        }
        VerifyError::Certificate(CertificateError::Malformed(_))
        | VerifyError::InvalidBundle(_)
        | VerifyError::UnsupportedBundle(_)
        | VerifyError::Bundle(_)
        | VerifyError::Types(_) => Outcome::Malformed,
        // A chain, log or timestamp the pinned root does not vouch for.
        _ => Outcome::Untrusted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_map_to_outcomes() {
        let t = jiff::Timestamp::UNIX_EPOCH;
        assert_eq!(outcome_of(&VerifyError::SignatureInvalid("x".into())), Outcome::Bad);
        assert_eq!(outcome_of(&VerifyError::ArtifactMismatch("x".into())), Outcome::Bad);
        assert_eq!(outcome_of(&CertificateError::Expired { time: t, not_after: t }.into()), Outcome::ExpiredKey);
        assert_eq!(outcome_of(&CertificateError::ChainInvalid("x".into()).into()), Outcome::Untrusted);
        assert_eq!(outcome_of(&VerifyError::InvalidBundle("x".into())), Outcome::Malformed);
    }
}
