//! signify, OpenBSD's signatures: a release directory's `SHA256` list is signed as
//! `SHA256.sig`, two lines (a comment, then base64 of `Ed`, the key number and an Ed25519
//! signature) followed by the signed list itself. Its keys have minisign's public-key
//! form, so a project names them under `minisign:`; this module only verifies.

use crate::model::signature::{Check, Outcome};
use base64::Engine;
use std::sync::Arc;

/// Does this signature file start as signify's (and minisign's) do?
pub fn looks_like(bytes: &[u8]) -> bool {
    bytes.starts_with(b"untrusted comment:")
}

/// The list a signify signature carries after its two lines (OpenBSD's `SHA256.sig`;
/// `None` for a detached one, OpenWrt's usign `sha256sums.sig`).
pub fn embedded(sig: &[u8]) -> Option<&[u8]> {
    sig.splitn(3, |b| *b == b'\n').nth(2).filter(|rest| !rest.trim_ascii().is_empty())
}

/// Does the signify signature in the file at `path` embed its list? (An unreadable one
/// does not.)
pub fn embeds_list(path: &std::path::Path) -> bool {
    std::fs::read(path).is_ok_and(|sig| embedded(&sig).is_some())
}

/// Checks a signify signature `sig` against `keys` (key id as minisign prints it, raw
/// Ed25519 key). The message is what the signature embeds, else `detached` (the list
/// beside it). Returns the outcome and, when good, the text it vouches for.
pub fn check(sig: &[u8], detached: Option<&[u8]>, keys: &[(String, [u8; 32])]) -> (Check, Option<Vec<u8>>) {
    let outcome = |outcome: Outcome, detail: &str| Check { outcome, detail: detail.into(), ..Check::missing() };
    let mut parts = sig.splitn(3, |b| *b == b'\n');
    let (Some(_comment), Some(line)) = (parts.next(), parts.next()) else {
        return (outcome(Outcome::Malformed, "it is not a signify signature (two lines)"), None);
    };
    let carried = embedded(sig);
    let engine = base64::engine::general_purpose::STANDARD;
    let Some(bin) = engine.decode(line.trim_ascii()).ok().filter(|b| b.len() == 74 && b.starts_with(b"Ed")) else {
        return (outcome(Outcome::Malformed, "its second line is not a signify Ed25519 signature"), None);
    };
    let id = crate::model::signature::minisign_id(&bin[2..10]);
    let Some(message) = carried.or(detached) else {
        return (outcome(Outcome::Malformed, "it embeds no list, and none is beside it"), None);
    };
    let Some((_, key)) = keys.iter().find(|(k, _)| *k == id) else {
        let mut c = outcome(Outcome::UnknownKey, "its key is not one the project names");
        c.fingerprint = Some(Arc::from(id.as_str()));
        return (c, None);
    };
    let good =
        ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, key).verify(message, &bin[10..]).is_ok();
    let mut c = if good { outcome(Outcome::Good, "") } else { outcome(Outcome::Bad, "the signature does not verify") };
    c.fingerprint = Some(Arc::from(id.as_str()));
    (c, good.then(|| message.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_signature() {
        let keys = [("00".repeat(8), [0u8; 32])];
        assert_eq!(check(b"untrusted comment: x\n", Some(b"list"), &keys).0.outcome, Outcome::Malformed);
        assert_eq!(check(b"untrusted comment: x\nbm90\n", Some(b"list"), &keys).0.outcome, Outcome::Malformed);
        let sig = format!("untrusted comment: x\n{}\n", base64::engine::general_purpose::STANDARD.encode([b'E'; 74]));
        assert_eq!(check(sig.as_bytes(), Some(b"list"), &keys).0.outcome, Outcome::Malformed);
    }
}
