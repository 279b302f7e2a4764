//! cosign's detached form (`F.sig` + `F.crt` or `F.cert`, as Kubernetes ships): a
//! signature and a Fulcio certificate, without the log entry that proves when it was
//! made. Checked offline: the certificate chains to a Fulcio authority of the pinned
//! root (at its own `notBefore`, since nothing else dates it), carries the code-signing
//! usage, and its key signed the artifact's SHA-256 (whatever its curve). Good, with the missing log proof
//! said in its detail; only a bundle proves the signing time.

use crate::model::signature::{Check, Outcome};
use base64::Engine;
use rustls_pki_types::{CertificateDer, UnixTime};
use std::sync::Arc;

/// What a pair check says beside a good outcome.
pub const UNLOGGED: &str = "certificate and signature only: no log entry proves when it was signed";

/// Checks a `.sig` + `.crt` pair against the root's Fulcio certificates.
pub fn check(fulcio: &[Vec<u8>], sig: &[u8], cert: &[u8], sha256: [u8; 32]) -> Check {
    let malformed = |detail: &str| Check { outcome: Outcome::Malformed, detail: detail.into(), ..Check::missing() };
    let Some(der) = certificate_der(cert) else {
        return malformed("the certificate is not PEM, base64 PEM or DER");
    };
    let Some(sig) = signature_der(sig) else { return malformed("the signature is not base64 or DER") };
    let info = match sigstore_crypto::parse_certificate_info(&sigstore_types::DerCertificate::new(der.clone())) {
        Ok(i) => i,
        Err(e) => return malformed(&format!("the certificate cannot be read: {e}")),
    };
    let who = |outcome: Outcome, detail: String| Check {
        outcome,
        fingerprint: info.issuer.as_deref().map(Arc::from),
        user_id: info.identity.as_ref().map(|i| Arc::from(i.as_str())),
        signed_at: Some(info.not_before.as_second()),
        detail: detail.into(),
    };
    if let Err(why) = chain(fulcio, &der, info.not_before) {
        return who(Outcome::Untrusted, why);
    }
    // The pair gives no digest's name: its key signed the artifact's SHA-256, as cosign
    // does and as sigstore-python 0.x and 1.x did with their P-384 keys (CPython
    // 3.10's and 3.11's `.sig` + `.crt`), not the SHA-384 a P-384 key defaults to.
    let scheme = match info.key_algorithm.default_signing_scheme() {
        sigstore_crypto::SigningScheme::EcdsaP384Sha384 => sigstore_crypto::SigningScheme::EcdsaP384Sha256,
        s => s,
    };
    let signature = sigstore_types::SignatureBytes::new(sig);
    match sigstore_crypto::verify_signature_prehashed(&info.public_key, &sha256, &signature, scheme) {
        Ok(()) => who(Outcome::Good, UNLOGGED.into()),
        Err(e) => who(Outcome::Bad, format!("the signature does not match the file ({e})")),
    }
}

/// The certificate chains to one of the root's Fulcio certificates at `at`, for code
/// signing.
fn chain(fulcio: &[Vec<u8>], leaf: &[u8], at: jiff::Timestamp) -> Result<(), String> {
    let cas: Vec<CertificateDer> = fulcio.iter().map(|c| CertificateDer::from(c.as_slice())).collect();
    let anchors: Vec<_> = cas.iter().filter_map(|c| webpki::anchor_from_trusted_cert(c).ok()).collect();
    if anchors.is_empty() {
        return Err("the trusted root names no Fulcio authority".into());
    }
    let leaf = CertificateDer::from(leaf);
    let ee = webpki::EndEntityCert::try_from(&leaf).map_err(|e| format!("the certificate cannot be read: {e}"))?;
    let time = UnixTime::since_unix_epoch(std::time::Duration::from_secs(at.as_second().max(0) as u64));
    const CODE_SIGNING: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03];
    ee.verify_for_usage(
        sigstore_crypto::WEBPKI_VERIFICATION_ALGS,
        &anchors,
        &cas,
        time,
        webpki::KeyUsage::required(CODE_SIGNING),
        None,
        None,
    )
    .map(|_| ())
    .map_err(|e| format!("the certificate does not chain to the trusted root's Fulcio authorities ({e:?})"))
}

fn base64_text(bytes: &[u8]) -> Option<Vec<u8>> {
    let text: Vec<u8> = bytes.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// A PEM certificate, base64 of one (Kubernetes' `.cert`), or DER.
fn certificate_der(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.first() == Some(&0x30) {
        return Some(bytes.to_vec());
    }
    let pem = if bytes.starts_with(b"-----BEGIN") { bytes.to_vec() } else { base64_text(bytes)? };
    let text = std::str::from_utf8(&pem).ok()?;
    let body: String = text
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE-----"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    base64_text(body.as_bytes())
}

/// The signature: base64 text (cosign's `.sig`), or DER.
fn signature_der(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.first() == Some(&0x30) {
        return Some(bytes.to_vec());
    }
    base64_text(bytes)
}
