//! cosign's signatures made with a key pair rather than keyless (`cosign sign-blob --key
//! cosign.key`): GoReleaser's `checksums.txt.sig` with the project's `cosign.pub`
//! published beside its sources, or every file's own `F.sig` (GoReleaser's `signs:
//! artifacts: all`). The signature file is base64 of an ASN.1 ECDSA signature (or a raw
//! Ed25519 one, or an RSA one, as `openssl dgst -sha256 -sign` makes for OPNsense's
//! images) over the file, with no certificate and no log entry; it is verified
//! against the public keys the project's page names under `cosign:`. This module only
//! verifies; the plan judges the key against the lines.

use crate::model::signature::{Check, Outcome};
use base64::Engine;
use std::path::Path;
use std::sync::Arc;

/// What a signature is over: bytes at hand (a checksum list, read whole), or an
/// artifact with the SHA-256 the digest stage computed, read again only where the key
/// needs more than that digest (P-384 over SHA-384, Ed25519 over the whole file).
pub enum Message<'a> {
    Bytes(&'a [u8]),
    File { path: &'a Path, sha256: &'a [u8; 32] },
}

/// The largest file an Ed25519 key's signature is checked over (read whole, as pure
/// Ed25519 signs the message itself, not a digest of it; signify's likewise).
pub const MAX_WHOLE: u64 = 256 << 20;

/// Does this signature file look like cosign's keyed one: one line of base64 that
/// decodes to an ASN.1 ECDSA signature or a 64-byte Ed25519 one; or base64 over one or
/// more lines of an RSA signature's 256, 384 or 512 bytes (`openssl dgst -sha256 -sign
/// key.pem F | openssl base64 > F.sig`, as OPNsense signs its images)?
pub fn looks_like(bytes: &[u8]) -> bool {
    if is_raw(bytes) {
        return true;
    }
    let text = bytes.trim_ascii();
    if text.is_empty() || text.len() > 1400 {
        return false;
    }
    let one_line = text.len() <= 300 && !text.contains(&b'\n');
    // (`openssl dgst -sha256 -sign key | openssl base64` wraps at 64 columns: two lines.)
    match decode(text) {
        Some(sig) if one_line => sig.len() == 64 || ecdsa_der(&sig) || rsa_sized(&sig),
        Some(sig) => ecdsa_der(&sig) || rsa_sized(&sig),
        None => false,
    }
}

/// An ECDSA signature in DER, as cosign's base64 holds it and OpenSSL writes it.
fn ecdsa_der(sig: &[u8]) -> bool {
    sig.len() > 8 && sig.len() <= 160 && sig[0] == 0x30 && usize::from(sig[1]) + 2 == sig.len()
}

/// Is this a signature as OpenSSL writes it without base64 (`openssl dgst -sha256 -sign
/// key.pem -out F.sig F`, the commonest form): ECDSA's DER, or an RSA signature's 256,
/// 384 or 512 bytes that are no OpenPGP signature packet (gpg's binary `.sig`)?
pub fn is_raw(bytes: &[u8]) -> bool {
    (ecdsa_der(bytes) || (rsa_sized(bytes) && !openpgp_packet(bytes))) && decode(bytes.trim_ascii()).is_none()
}

/// Is the signature file at `path` one of OpenSSL's raw ones ([`is_raw`])? (The page's
/// lines check it with `openssl dgst -verify`, which reads it so.)
pub fn is_raw_file(path: &Path) -> bool {
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= 1024);
    small && crate::util::fs::read(path).is_ok_and(|b| is_raw(&b))
}

/// Does `b` open with an OpenPGP signature packet's header whose length is all of `b`
/// (what gpg's binary detached signature is)?
fn openpgp_packet(b: &[u8]) -> bool {
    let (first, len) = (b[0], b.len());
    let at = |i: usize| usize::from(b.get(i).copied().unwrap_or(0));
    if first & 0xc0 == 0xc0 {
        // The new format: tag 2, then a one-, two- or five-byte length.
        let (header, body) = match at(1) {
            n @ 0..192 => (2, n),
            n @ 192..224 => (3, ((n - 192) << 8) + at(2) + 192),
            255 => (6, (at(2) << 24) | (at(3) << 16) | (at(4) << 8) | at(5)),
            _ => return true,
        };
        return first & 0x3f == 2 && header + body == len;
    }
    // The old format: tag 2 in bits 5-2, the length's size in bits 1-0.
    if first & 0xc0 != 0x80 || (first >> 2) & 0x0f != 2 {
        return false;
    }
    match first & 3 {
        0 => 2 + at(1) == len,
        1 => 3 + ((at(1) << 8) | at(2)) == len,
        2 => 5 + ((at(1) << 24) | (at(2) << 16) | (at(3) << 8) | at(4)) == len,
        _ => true,
    }
}

/// Base64 over one or more lines, decoded.
fn decode(text: &[u8]) -> Option<Vec<u8>> {
    let joined: Vec<u8> = text.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(joined).ok()
}

/// As long as an RSA signature of a 2048-, 3072- or 4096-bit key, and no text.
fn rsa_sized(sig: &[u8]) -> bool {
    matches!(sig.len(), 256 | 384 | 512) && !sig.starts_with(b"untrusted comment")
}

/// A public key, as the page names it: its id (see [`crate::model::signature::cosign_key_id`])
/// and its SubjectPublicKeyInfo.
pub type PublicKey = (String, Vec<u8>);

/// Checks a keyed cosign signature `sig` over `message` against `keys`. A signature
/// carries no key id, so each key is tried; the one it verifies with is named.
pub fn check(sig: &[u8], message: Message, keys: &[PublicKey]) -> Check {
    let outcome = |outcome: Outcome, detail: &str| Check { outcome, detail: detail.into(), ..Check::missing() };
    let Some(sig) = decode(sig.trim_ascii()).or_else(|| is_raw(sig).then(|| sig.to_vec())) else {
        return outcome(Outcome::Malformed, "it is not base64, as cosign writes a signature");
    };
    if keys.is_empty() {
        return outcome(Outcome::UnknownKey, "the project's page names no cosign public key");
    }
    for (id, spki) in keys {
        if verifies(spki, &message, &sig) {
            let mut c = outcome(Outcome::Good, "");
            c.fingerprint = Some(Arc::from(id.as_str()));
            c.user_id = crate::model::signature::KeyTool::Cosign.marker();
            return c;
        }
    }
    outcome(
        Outcome::Bad,
        "it verifies with none of the project's cosign keys: the file changed after it was signed, or another key signed it",
    )
}

/// Whether `sig` is a signature over `message` by the key `spki` (ECDSA P-256 or P-384
/// with SHA-256, as cosign signs, or SHA-384; Ed25519; RSA PKCS #1 v1.5 with SHA-256).
fn verifies(spki: &[u8], message: &Message, sig: &[u8]) -> bool {
    let Some((algorithm, key)) = key_of(spki) else { return false };
    let (path, sha256) = match message {
        Message::Bytes(m) if matches!(algorithm, Algorithm::Rsa) => {
            use sha2::Digest;
            return rsa_verifies(key, &sha2::Sha256::digest(m), sig);
        }
        Message::Bytes(m) => return whole_verifies(&algorithm, key, m, sig),
        Message::File { path, sha256 } => (path, sha256),
    };
    match algorithm {
        Algorithm::Rsa => rsa_verifies(key, &sha256[..], sig),
        Algorithm::P256 => prehash_verifies(&algorithm, key, &sha256[..], sig),
        Algorithm::P384 => {
            prehash_verifies(&algorithm, key, &sha256[..], sig)
                || sha384_of(path).is_some_and(|d| prehash_verifies(&algorithm, key, &d, sig))
        }
        Algorithm::Ed25519 => std::fs::metadata(path)
            .is_ok_and(|m| m.len() <= MAX_WHOLE)
            .then(|| std::fs::read(path).ok())
            .flatten()
            .is_some_and(|m| whole_verifies(&algorithm, key, &m, sig)),
    }
}

/// RSA PKCS #1 v1.5 over a SHA-256 digest, with the PKCS #1 key `key`.
fn rsa_verifies(key: &[u8], digest: &[u8], sig: &[u8]) -> bool {
    use rsa::pkcs1::DecodeRsaPublicKey;
    rsa::RsaPublicKey::from_pkcs1_der(key)
        .is_ok_and(|k| k.verify(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), digest, sig).is_ok())
}

/// ECDSA over a digest the digest stage (or [`sha384_of`]) computed, as cosign signs a
/// file: the RustCrypto curves, since ring verifies only whole messages.
fn prehash_verifies(algorithm: &Algorithm, key: &[u8], digest: &[u8], sig: &[u8]) -> bool {
    match algorithm {
        Algorithm::P256 => ecdsa_prehash(false, key, digest, sig),
        Algorithm::P384 => ecdsa_prehash(true, key, digest, sig),
        Algorithm::Ed25519 | Algorithm::Rsa => false,
    }
}

/// Whether the DER signature `sig` is the SEC1 key `key`'s over `digest`, on P-256 or
/// (`p384`) P-384, with a digest of any length: the one ECDSA-over-a-digest check,
/// which the Sigstore provider uses too.
pub(crate) fn ecdsa_prehash(p384: bool, key: &[u8], digest: &[u8], sig: &[u8]) -> bool {
    use ecdsa::signature::hazmat::PrehashVerifier;
    if p384 {
        let k = p384::ecdsa::VerifyingKey::from_sec1_bytes(key);
        let s = p384::ecdsa::DerSignature::from_bytes(sig);
        k.ok().zip(s.ok()).is_some_and(|(k, s)| k.verify_prehash(digest, &s).is_ok())
    } else {
        let k = p256::ecdsa::VerifyingKey::from_sec1_bytes(key);
        let s = p256::ecdsa::DerSignature::from_bytes(sig);
        k.ok().zip(s.ok()).is_some_and(|(k, s)| k.verify_prehash(digest, &s).is_ok())
    }
}

/// The SHA-384 of a file, read in chunks.
fn sha384_of(path: &Path) -> Option<Vec<u8>> {
    use sha2::Digest;
    let mut h = sha2::Sha384::new();
    crate::util::fs::read_chunks(path, &mut |b| h.update(b)).ok()?;
    Some(h.finalize().to_vec())
}

/// A signature over a whole message at hand, with ring.
fn whole_verifies(algorithm: &Algorithm, key: &[u8], message: &[u8], sig: &[u8]) -> bool {
    use ring::signature as rs;
    let algorithms: &[&dyn rs::VerificationAlgorithm] = match algorithm {
        Algorithm::P256 => &[&rs::ECDSA_P256_SHA256_ASN1],
        Algorithm::P384 => &[&rs::ECDSA_P384_SHA256_ASN1, &rs::ECDSA_P384_SHA384_ASN1],
        Algorithm::Ed25519 => &[&rs::ED25519],
        Algorithm::Rsa => return false,
    };
    algorithms.iter().any(|a| rs::UnparsedPublicKey::new(*a, key).verify(message, sig).is_ok())
}

enum Algorithm {
    P256,
    P384,
    Ed25519,
    Rsa,
}

/// The algorithm and the raw public key of a SubjectPublicKeyInfo.
fn key_of(spki: &[u8]) -> Option<(Algorithm, &[u8])> {
    const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    let (body, _) = der(spki, 0x30)?;
    let (alg, rest) = der(body, 0x30)?;
    let (bits, _) = der(rest, 0x03)?;
    let key = bits.strip_prefix(&[0])?;
    let (oid, params) = der(alg, 0x06)?;
    let algorithm = if oid == ED25519 {
        Algorithm::Ed25519
    } else if oid == RSA {
        Algorithm::Rsa
    } else {
        match der(params, 0x06)?.0 {
            curve if curve == P256 => Algorithm::P256,
            curve if curve == P384 => Algorithm::P384,
            _ => return None,
        }
    };
    Some((algorithm, key))
}

/// One DER element of `tag` at the start of `b`: its contents and what follows it.
fn der(b: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, rest) = b.split_first()?;
    let (&first, rest) = rest.split_first()?;
    if t != tag {
        return None;
    }
    let (len, rest) = match first {
        n if n < 0x80 => (usize::from(n), rest),
        0x81 => (usize::from(*rest.first()?), &rest[1..]),
        0x82 => (usize::from(u16::from_be_bytes([*rest.first()?, *rest.get(1)?])), rest.get(2..)?),
        _ => return None,
    };
    (rest.len() >= len).then(|| rest.split_at(len))
}

/// The signature (base64) of a bundle a key made (a public key hint, no certificate:
/// `cosign sign-blob --key --bundle`): its message signature, which the key made over the
/// file's SHA-256. The one test of that form, for the Sigstore stage, the key stage and
/// lists; a bundle without the hint is not parsed a second time.
pub fn bundle_signature(text: &str) -> Option<String> {
    if !text.contains("\"publicKey\"") {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    v.get("verificationMaterial")?.get("publicKey")?;
    Some(v.get("messageSignature")?.get("signature")?.as_str()?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::KeyPair;

    /// A P-256 key as cosign makes one, its SubjectPublicKeyInfo, and a signer.
    fn p256() -> (ring::signature::EcdsaKeyPair, Vec<u8>) {
        let rng = ring::rand::SystemRandom::new();
        let alg = &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING;
        let pkcs8 = ring::signature::EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
        let pair = ring::signature::EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &rng).unwrap();
        let mut spki = vec![0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08];
        spki.extend([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00]);
        spki.extend(pair.public_key().as_ref());
        (pair, spki)
    }

    #[test]
    fn a_keyed_signature_verifies_with_its_key_only() {
        let (pair, spki) = p256();
        let (_, other) = p256();
        let rng = ring::rand::SystemRandom::new();
        let sig = pair.sign(&rng, b"list").unwrap();
        let text = base64::engine::general_purpose::STANDARD.encode(sig.as_ref());
        assert!(looks_like(text.as_bytes()));
        assert!(!looks_like(b"-----BEGIN PGP SIGNATURE-----\n"));
        assert!(!looks_like(b"untrusted comment: x\nRWQ\n"));
        let keys = vec![("a".to_string(), other), ("b".to_string(), spki)];
        let bytes = |m: &'static [u8]| Message::Bytes(m);
        let good = check(text.as_bytes(), bytes(b"list"), &keys);
        assert_eq!((good.outcome, good.fingerprint.as_deref()), (Outcome::Good, Some("b")));
        assert_eq!(check(text.as_bytes(), bytes(b"list!"), &keys).outcome, Outcome::Bad);
        assert_eq!(check(text.as_bytes(), bytes(b"list"), &keys[..1]).outcome, Outcome::Bad);
        assert_eq!(check(text.as_bytes(), bytes(b"list"), &[]).outcome, Outcome::UnknownKey);
        assert_eq!(check(b"%%%", bytes(b"list"), &keys).outcome, Outcome::Malformed);
        // Over a file, from its SHA-256 alone: the file is not read for a P-256 key.
        let sha256: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(b"list").into();
        let gone = Path::new("/nonexistent/list");
        let file = |sha256| Message::File { path: gone, sha256 };
        assert_eq!(check(text.as_bytes(), file(&sha256), &keys).outcome, Outcome::Good);
        assert_eq!(check(text.as_bytes(), file(&[0; 32]), &keys).outcome, Outcome::Bad);
    }

    #[test]
    fn raw_signatures_are_told_from_gpgs_binary_ones() {
        let (pair, _) = p256();
        let sig = pair.sign(&ring::rand::SystemRandom::new(), b"file").unwrap();
        assert!(is_raw(sig.as_ref()) && looks_like(sig.as_ref()), "ECDSA's DER");
        let mut rsa = vec![0xa5_u8; 384];
        assert!(is_raw(&rsa), "an RSA-3072 signature's bytes");
        // gpg's binary signature of that size: a signature packet that is all of it.
        rsa[..3].copy_from_slice(&[0xc2, 0xc0, 0xbd]);
        assert!(!is_raw(&rsa), "new format, a two-byte length of 189 + 192 = 381, and its header");
        rsa[..3].copy_from_slice(&[0x89, 0x01, 0x7d]);
        assert!(!is_raw(&rsa), "old format, two-byte length 381, and its header");
        rsa[..3].copy_from_slice(&[0x89, 0x01, 0x7e]);
        assert!(is_raw(&rsa), "a length that is not all of it: no packet");
    }
}
