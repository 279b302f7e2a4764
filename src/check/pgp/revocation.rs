//! Whether a key's revocation withdraws a given signature, and why, in the words of the
//! revocation itself. RFC 9580's rule: a hard revocation (the key was compromised, or no
//! reason was given) withdraws every signature the key ever made; a soft one (superseded,
//! retired) only those made after it, so releases signed before a planned key rotation
//! stay good.

use openpgp::Cert;
use openpgp::packet::Signature;
use openpgp::types::{ReasonForRevocation, RevocationType};
use sequoia_openpgp as openpgp;

/// The revocation of `cert` (or of the key in it that made `sig`) that withdraws `sig`,
/// described: `None` when there is none.
pub(super) fn withdrawn(cert: &Cert, sig: &Signature) -> Option<String> {
    let issuers = sig.get_issuers();
    let signed_at = sig.signature_creation_time();
    let primary = cert.primary_key().self_revocations();
    let subkey = cert.keys().subkeys().key_handles(issuers.iter()).flat_map(|k| k.self_revocations());
    primary.chain(subkey).find(|rev| applies(rev, signed_at)).map(describe)
}

/// Was the key that made `sig` retired (softly revoked) after it did? Its signature
/// stays good; gpg warns of the revocation all the same.
pub fn retired_after(cert: &Cert, sig: &Signature) -> bool {
    let issuers = sig.get_issuers();
    let primary = cert.primary_key().self_revocations();
    let subkey = cert.keys().subkeys().key_handles(issuers.iter()).flat_map(|k| k.self_revocations());
    primary.chain(subkey).next().is_some()
}

fn applies(rev: &Signature, signed_at: Option<std::time::SystemTime>) -> bool {
    let soft = rev.reason_for_revocation().is_some_and(|(r, _)| r.revocation_type() == RevocationType::Soft);
    match (soft, rev.signature_creation_time(), signed_at) {
        (true, Some(revoked_at), Some(signed_at)) => signed_at >= revoked_at,
        _ => true,
    }
}

/// `key compromised: "laptop stolen", on 2026-12-01`.
fn describe(rev: &Signature) -> String {
    let (reason, text) = match rev.reason_for_revocation() {
        Some((r, text)) => (reason_words(r), String::from_utf8_lossy(text).into_owned()),
        None => ("no reason given", String::new()),
    };
    let text: String = text.chars().filter(|c| !c.is_control()).take(200).collect();
    let mut out = reason.to_string();
    if !text.trim().is_empty() {
        out.push_str(&format!(": {:?}", text.trim()));
    }
    if let Some(t) = rev.signature_creation_time() {
        out.push_str(&format!(", on {}", crate::util::text::date(super::unix(t))));
    }
    out
}

fn reason_words(r: ReasonForRevocation) -> &'static str {
    match r {
        ReasonForRevocation::KeyCompromised => "key compromised",
        ReasonForRevocation::KeySuperseded => "key superseded, and the signature was made after that",
        ReasonForRevocation::KeyRetired => "key retired, and the signature was made after that",
        ReasonForRevocation::UIDRetired => "user id retired",
        ReasonForRevocation::Unspecified => "no reason specified",
        _ => "an unknown reason",
    }
}
