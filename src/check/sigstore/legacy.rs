//! Signings wrapped other than as Sigstore bundles, rewritten as the bundle they amount
//! to and verified as every bundle is: cosign's own format before Sigstore's (`cosign
//! sign-blob --bundle F.bundle`, cosign 1 and 2: `base64Signature`, `cert` as base64
//! PEM, `rekorBundle`), which many projects still ship (`checksums.txt.bundle`), a
//! bundle v0.1; and PyPI's PEP 740 attestation (`F.publish.attestation`: a certificate,
//! the log's entries, and the DSSE envelope's statement and signature), a bundle v0.3.

use base64::Engine;
use serde_json::{Value, json};

/// The v0.1 bundle `text` is in cosign's legacy form; `None` when it is not that form.
pub fn as_bundle(text: &str) -> Option<String> {
    // (Asked of every bundle: a Sigstore bundle is not parsed here.)
    if !text.contains("\"base64Signature\"") {
        return None;
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let legacy: Value = serde_json::from_str(text).ok()?;
    let signature = legacy.get("base64Signature")?.as_str()?;
    let payload = legacy.get("rekorBundle")?.get("Payload")?;
    let set = legacy["rekorBundle"].get("SignedEntryTimestamp")?.as_str()?;
    let pem = String::from_utf8(b64.decode(legacy.get("cert")?.as_str()?).ok()?).ok()?;
    let der: String = pem.lines().filter(|l| !l.is_empty() && !l.starts_with("-----")).collect();
    let body_b64 = payload.get("body")?.as_str()?;
    let body: Value = serde_json::from_slice(&b64.decode(body_b64).ok()?).ok()?;
    let digest = crate::util::text::unhex::<32>(body["spec"]["data"]["hash"]["value"].as_str()?)?;
    let log_id = crate::util::text::unhex::<32>(payload.get("logID")?.as_str()?)?;
    let bundle = json!({
        "mediaType": "application/vnd.dev.sigstore.bundle+json;version=0.1",
        "verificationMaterial": {
            "x509CertificateChain": { "certificates": [ { "rawBytes": der } ] },
            "tlogEntries": [ {
                "logIndex": payload.get("logIndex")?.as_i64()?.to_string(),
                "logId": { "keyId": b64.encode(log_id) },
                "kindVersion": { "kind": body.get("kind")?, "version": body.get("apiVersion")? },
                "integratedTime": payload.get("integratedTime")?.as_i64()?.to_string(),
                "inclusionPromise": { "signedEntryTimestamp": set },
                "canonicalizedBody": body_b64,
            } ],
        },
        "messageSignature": {
            "messageDigest": { "algorithm": "SHA2_256", "digest": b64.encode(digest) },
            "signature": signature,
        },
    });
    Some(bundle.to_string())
}

/// The v0.3 bundle `text` is as a PEP 740 attestation; `None` when it is not one.
pub fn pep740_as_bundle(text: &str) -> Option<String> {
    if !text.contains("\"verification_material\"") {
        return None;
    }
    let a: Value = serde_json::from_str(text).ok()?;
    let material = a.get("verification_material")?;
    let envelope = a.get("envelope")?;
    let bundle = json!({
        "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {
            "certificate": { "rawBytes": material.get("certificate")?.as_str()? },
            "tlogEntries": material.get("transparency_entries")?,
        },
        "dsseEnvelope": {
            "payload": envelope.get("statement")?.as_str()?,
            "payloadType": "application/vnd.in-toto+json",
            "signatures": [ { "sig": envelope.get("signature")?.as_str()? } ],
        },
    });
    Some(bundle.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_legacy_form_is_rewritten() {
        assert_eq!(super::as_bundle("{\"mediaType\": \"application/vnd.dev.sigstore.bundle.v0.3+json\"}"), None);
        assert_eq!(super::as_bundle("not json"), None);
        assert_eq!(super::pep740_as_bundle("{\"mediaType\": \"application/vnd.dev.sigstore.bundle.v0.3+json\"}"), None);
    }
}
