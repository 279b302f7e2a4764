//! Checking a detached signature and saying precisely what is wrong with it: bad, by an
//! unknown key, by an expired or revoked key, or too weak. A file hashed in this run is
//! checked from its hash states without a second read.

use super::{null_policy, primary_uid, unix};
use crate::model::digests::HashState;
use crate::model::signature::{Check, Outcome};
use anyhow::{Context, Result, anyhow};
use openpgp::cert::prelude::*;
use openpgp::packet::Signature;
use openpgp::parse::Parse;
use openpgp::parse::stream::{
    DetachedVerifierBuilder, GoodChecksum, MessageLayer, MessageStructure, VerificationError, VerificationHelper,
};
use openpgp::types::{HashAlgorithm, PublicKeyAlgorithm};
use openpgp::{Cert, KeyHandle};
use sequoia_openpgp as openpgp;
use std::path::Path;

/// An outcome for a signature by a certificate found in KEYS.
fn check_by(outcome: Outcome, cert: &Cert, sig: &Signature, detail: String) -> Check {
    Check {
        outcome,
        fingerprint: Some(cert.fingerprint().to_hex().into()),
        user_id: primary_uid(cert).map(Into::into),
        signed_at: sig.signature_creation_time().map(unix),
        detail: detail.into(),
    }
}

/// Why a valid signature is still too weak to trust, if it is, judged when it was made,
/// with Sequoia's standard policy's dates (what `sq verify` accepts): a SHA-1 signature
/// made before 2013, or a 1024-bit DSA or RSA key's before 2014, was sound then (the
/// 2010 releases of a project's archive, signed with gpg's default DSA-1024 key of the
/// time), and a later one is not; DSA of 2048 bits and more until FIPS 186-5 withdrew
/// it (2023-02-03). The key comes first: signing again with a weak key does not help.
fn weakness(sig: &Signature, key_algo: PublicKeyAlgorithm, bits: Option<usize>) -> Option<String> {
    // 2013-02-01, 2014-02-01 and 2023-02-03, in seconds since 1970.
    const SHA1_UNTIL: u64 = 1_359_676_800;
    const SMALL_KEYS_UNTIL: u64 = 1_391_212_800;
    const DSA_UNTIL: u64 = 1_675_382_400;
    let made = sig.signature_creation_time().map_or(u64::MAX, |t| unix(t).max(0) as u64);
    let after = |until: u64| made >= until;
    let bits_text = bits.map(|b| format!("{b}-bit ")).unwrap_or_default();
    #[allow(deprecated)]
    let key = match key_algo {
        PublicKeyAlgorithm::DSA if bits.is_some_and(|b| b < 2048) && after(SMALL_KEYS_UNTIL) => {
            Some(format!("made with a {bits_text}DSA key, breakable since 2014"))
        }
        PublicKeyAlgorithm::DSA if after(DSA_UNTIL) => {
            Some(format!("made with a {bits_text}DSA key, withdrawn for signatures in 2023 (FIPS 186-5)"))
        }
        PublicKeyAlgorithm::ElGamalEncryptSign => Some("made with an ElGamal key".into()),
        PublicKeyAlgorithm::RSAEncryptSign | PublicKeyAlgorithm::RSASign => match bits {
            Some(b) if b < 2048 && after(SMALL_KEYS_UNTIL) => {
                Some(format!("made with a {b}-bit RSA key (at least 2048 bits are needed)"))
            }
            _ => None,
        },
        _ => None,
    };
    key.or_else(|| match sig.hash_algo() {
        HashAlgorithm::MD5 => Some("made with the broken MD5 digest".into()),
        HashAlgorithm::SHA1 if after(SHA1_UNTIL) => Some("made with the broken SHA-1 digest (after 2013)".into()),
        _ => None,
    })
}

/// A signature that gpg reports as BAD though its bytes match: one carrying a critical
/// notation (`gpg --sig-notation '!name=value'`) or a critical subpacket of a kind no
/// one knows, which RFC 9580 says makes it invalid. A critical policy URL is fine.
fn critical_unknown(sig: &Signature) -> Option<String> {
    use openpgp::packet::signature::subpacket::SubpacketValue;
    sig.hashed_area().iter().filter(|sp| sp.critical()).find_map(|sp| match sp.value() {
        SubpacketValue::NotationData(n) => Some(format!(
            "it carries the notation `{}` marked critical, which gpg does not know and so reports as a BAD signature",
            n.name()
        )),
        SubpacketValue::Unknown { .. } => Some(format!(
            "it carries a subpacket of an unknown kind ({}) marked critical, which makes it invalid to gpg",
            u8::from(sp.tag())
        )),
        _ => None,
    })
}

/// Why a key cannot be checked by this build, when its algorithm or curve is one the
/// OpenPGP backend lacks (the pure-Rust one has no brainpool and no secp256k1; gpg does).
fn unsupported(
    key: &openpgp::packet::Key<openpgp::packet::key::PublicParts, openpgp::packet::key::UnspecifiedRole>,
) -> Option<String> {
    use openpgp::crypto::mpi::PublicKey;
    let curve = match key.mpis() {
        PublicKey::ECDSA { curve, .. } | PublicKey::EdDSA { curve, .. } => Some(curve),
        _ => None,
    };
    let what = match curve {
        Some(c) if !c.is_supported() => format!("its key is on the curve {c}"),
        _ if !key.pk_algo().is_supported() => format!("its key is of the algorithm {}", key.pk_algo()),
        _ => return None,
    };
    Some(format!("{what}, which {}", crate::model::signature::UNSUPPORTED))
}

struct Helper<'a> {
    certs: &'a [Cert],
    check: Option<Check>,
}

impl VerificationHelper for Helper<'_> {
    fn get_certs(&mut self, _ids: &[KeyHandle]) -> openpgp::Result<Vec<Cert>> {
        Ok(self.certs.to_vec())
    }

    fn check(&mut self, structure: MessageStructure) -> openpgp::Result<()> {
        let mut best: Option<Check> = None;
        // A signature gpg reports as BAD fails `gpg --verify` (exit 1) whatever the others
        // say: two release managers' signatures in one `.asc`, one over other bytes.
        let (mut failing, mut n): (Option<Check>, usize) = (None, 0);
        for layer in structure.into_iter() {
            let MessageLayer::SignatureGroup { results } = layer else { continue };
            for r in results {
                let (c, fails) = classify(r);
                n += 1;
                if fails && failing.is_none() {
                    failing = Some(c.clone());
                }
                // Else the most favourable outcome when several signatures are present (a
                // cosigner KEYS lacks: the page's line asks for one good and no bad one).
                if best.as_ref().is_none_or(|b| c.outcome < b.outcome) {
                    best = Some(c);
                }
            }
        }
        self.check = match failing {
            Some(mut f) if n > 1 => {
                let by = f.fingerprint.as_deref().unwrap_or("an unknown key");
                f.detail =
                    format!("one of its {n} signatures, by {by}: {}; gpg --verify reports it BAD", f.detail).into();
                Some(f)
            }
            Some(f) => Some(f),
            None => best,
        };
        Ok(())
    }
}

/// The outcome of one signature, and whether gpg reports it BAD.
fn classify(r: std::result::Result<GoodChecksum, VerificationError>) -> (Check, bool) {
    let issuer = |sig: &Signature| sig.get_issuers().first().map(|h| h.to_hex());
    let signed_at = |sig: &Signature| sig.signature_creation_time().map(unix);
    let check = match r {
        Ok(GoodChecksum { sig, ka }) => {
            let c = good(sig, ka.cert(), ka.key().pk_algo(), ka.key().mpis().bits());
            let fails = c.outcome == Outcome::Malformed;
            return (c, fails);
        }
        Err(VerificationError::MissingKey { sig }) => Check {
            outcome: Outcome::UnknownKey,
            fingerprint: issuer(sig).map(Into::into),
            user_id: None,
            signed_at: signed_at(sig),
            detail: "the signing key is not in KEYS".into(),
        },
        Err(VerificationError::UnboundKey { sig, cert, error }) => key_problem(sig, cert, &error),
        Err(VerificationError::BadKey { sig, ka, error }) => key_problem(sig, ka.cert(), &error),
        Err(VerificationError::BadSignature { sig, ka, error }) => {
            if let Some(why) = unsupported(ka.key().role_as_unspecified()).or_else(|| in_the_future(sig)) {
                return (check_by(Outcome::Malformed, ka.cert(), sig, why), false);
            }
            let c = check_by(Outcome::Bad, ka.cert(), sig, format!("the signature does not match the file ({error})"));
            return (c, true);
        }
        Err(VerificationError::MalformedSignature { sig, error }) => Check {
            outcome: Outcome::Malformed,
            fingerprint: issuer(sig).map(Into::into),
            user_id: None,
            signed_at: signed_at(sig),
            detail: format!("the signature cannot be used ({error})").into(),
        },
        Err(VerificationError::UnknownSignature { .. }) | Err(_) => Check {
            outcome: Outcome::Malformed,
            fingerprint: None,
            user_id: None,
            signed_at: None,
            detail: "the signature is of an unknown kind".into(),
        },
    };
    (check, false)
}

/// A signature dated later than now, beyond the half hour of clock skew gpg and Sequoia
/// allow: the signing machine's clock runs ahead (not an altered file).
fn in_the_future(sig: &Signature) -> Option<String> {
    let made = sig.signature_creation_time()?;
    let now = std::time::SystemTime::now();
    let ahead =
        made.duration_since(now).ok().filter(|d| *d > openpgp::packet::signature::subpacket::CLOCK_SKEW_TOLERANCE)?;
    Some(format!(
        "it is dated {}, {} minutes from now: the clock of the machine that signed runs ahead",
        crate::util::text::date(unix(made)),
        ahead.as_secs() / 60
    ))
}

/// A signature that checks out cryptographically: good, unless weak or since revoked.
fn good(sig: &Signature, cert: &Cert, algo: PublicKeyAlgorithm, bits: Option<usize>) -> Check {
    if let Some(why) = critical_unknown(sig) {
        return check_by(Outcome::Malformed, cert, sig, why);
    }
    let (outcome, detail) = match weakness(sig, algo, bits) {
        Some(why) => (Outcome::Weak, why),
        None => (Outcome::Good, String::new()),
    };
    // A hard revocation withdraws every signature, even one made before it; a soft one
    // (superseded, retired) those made after it.
    let (outcome, detail) = match super::revocation::withdrawn(cert, sig) {
        Some(why) if outcome == Outcome::Good => (Outcome::RevokedKey, why),
        None if outcome == Outcome::Good && super::revocation::retired_after(cert, sig) => {
            (outcome, crate::model::signature::RETIRED_AFTER.to_string())
        }
        _ => (outcome, detail),
    };
    check_by(outcome, cert, sig, detail)
}

/// The bytes a v4 signature hashes after the signed data (RFC 4880 5.2.4).
fn v4_trailer(sig: &Signature) -> Option<Vec<u8>> {
    use openpgp::serialize::MarshalInto;
    let area = sig.hashed_area().to_vec().ok()?;
    let len = u16::try_from(area.len()).ok()?;
    let mut t = Vec::with_capacity(area.len() + 12);
    t.extend_from_slice(&[4, sig.typ().into(), sig.pk_algo().into(), sig.hash_algo().into()]);
    t.extend_from_slice(&len.to_be_bytes());
    t.extend_from_slice(&area);
    t.extend_from_slice(&[4, 0xff]);
    t.extend_from_slice(&(6 + u32::from(len)).to_be_bytes());
    Some(t)
}

/// Checks a detached signature against a file whose SHA-512 and SHA-256 states are at
/// hand, without reading the file again. Returns `None` when the signature is not the
/// plain case (one v4 binary signature over SHA-512 or SHA-256); the caller then uses
/// [`verify_detached`].
pub fn verify_with_state(certs: &[Cert], sig_bytes: &[u8], state: &HashState) -> Option<Check> {
    use openpgp::Packet;
    use openpgp::types::SignatureType;
    if blocks_joined(sig_bytes).is_some() {
        return None;
    }
    let pile = openpgp::PacketPile::from_bytes(sig_bytes).ok()?;
    let mut packets = pile.children();
    let (Some(Packet::Signature(sig)), None) = (packets.next(), packets.next()) else { return None };
    if sig.version() != 4 || sig.typ() != SignatureType::Binary {
        return None;
    }
    let trailer = v4_trailer(sig)?;
    let digest: Vec<u8> = match sig.hash_algo() {
        HashAlgorithm::SHA512 => {
            let mut h = state.sha512.clone();
            h.update(&trailer);
            h.finish().to_vec()
        }
        HashAlgorithm::SHA256 => {
            let mut h = state.sha256.clone();
            h.update(&trailer);
            h.finish().to_vec()
        }
        _ => return None,
    };
    let sig_time = sig.signature_creation_time()?;
    let issuers = sig.get_issuers();
    let found = certs.iter().find_map(|c| c.keys().key_handles(issuers.iter()).next().map(|ka| (c, ka)));
    let Some((cert, ka)) = found else {
        return Some(Check {
            outcome: Outcome::UnknownKey,
            fingerprint: issuers.first().map(|h| h.to_hex().into()),
            user_id: None,
            signed_at: Some(unix(sig_time)),
            detail: "the signing key is not in KEYS".into(),
        });
    };
    let policy = null_policy();
    let at = judged_at(cert, ka.key().creation_time(), sig_time);
    if let Err(e) = cert.with_policy(policy, at) {
        return Some(key_problem(sig, cert, &e));
    }
    let vka = match ka.with_policy(policy, at) {
        Ok(k) => k,
        Err(e) => return Some(key_problem(sig, cert, &e)),
    };
    let alive = match at == sig_time {
        true => vka.alive(),
        false if vka.key_expiration_time().is_some_and(|e| e <= sig_time) => Err(anyhow!("the key had expired")),
        false => Ok(()),
    };
    if let Err(e) = alive {
        return Some(key_problem(sig, cert, &e));
    }
    if let openpgp::types::RevocationStatus::Revoked(_) = vka.revocation_status() {
        return Some(key_problem(sig, cert, &anyhow!("the key is revoked")));
    }
    if !vka.for_signing() {
        return Some(key_problem(sig, cert, &anyhow!("the key may not make signatures")));
    }
    if let Some(why) = unsupported(vka.key().role_as_unspecified()) {
        return Some(check_by(Outcome::Malformed, cert, sig, why));
    }
    // (A signature a few minutes ahead of this clock is good, as to gpg and Sequoia.)
    if let Err(e) = sig.signature_alive(None, openpgp::packet::signature::subpacket::CLOCK_SKEW_TOLERANCE) {
        let why = in_the_future(sig).unwrap_or_else(|| format!("the signature is not valid now ({e})"));
        return Some(check_by(Outcome::Malformed, cert, sig, why));
    }
    Some(match sig.verify_digest(vka.key(), &digest) {
        Ok(()) => good(sig, cert, vka.key().pk_algo(), vka.key().mpis().bits()),
        Err(e) => check_by(Outcome::Bad, cert, sig, format!("the signature does not match the file ({e})")),
    })
}

/// The time to judge a key at: when the signature was made, or, when the certificate has
/// no self-signature that old, its oldest later one, provided the key existed when it
/// signed. gpg exports only a key's newest self-signature, so a key whose expiry was
/// changed after it signed a release carries only a binding newer than that signature;
/// the expiry that binding states is then checked against the signature's time.
fn judged_at(
    cert: &Cert,
    key_created: std::time::SystemTime,
    sig_time: std::time::SystemTime,
) -> std::time::SystemTime {
    if key_created > sig_time || cert.with_policy(null_policy(), sig_time).is_ok() {
        return sig_time;
    }
    let bindings = cert.primary_key().self_signatures().chain(cert.userids().flat_map(|u| u.self_signatures()));
    bindings.filter_map(|s| s.signature_creation_time()).filter(|t| *t > sig_time).min().unwrap_or(sig_time)
}

/// The key exists in KEYS but could not sign at that time. Which it is comes from the
/// certificate itself, not from the error's wording: revoked (the certificate or the
/// signing key, at any time: its owner withdrew it), or expired or not yet valid when
/// the signature was made; anything else is a bad signature with the error as detail.
fn key_problem(sig: &Signature, cert: &Cert, error: &anyhow::Error) -> Check {
    let issuers = sig.get_issuers();
    let key = || cert.keys().key_handles(issuers.iter()).next();
    let revoked = super::revocation::withdrawn(cert, sig);
    let dead_when_signed = || {
        let Some(at) = sig.signature_creation_time() else { return false };
        let Ok(valid) = cert.with_policy(null_policy(), at) else { return true };
        valid.alive().is_err()
            || key().is_some_and(|k| k.with_policy(null_policy(), at).map_or(true, |k| k.alive().is_err()))
    };
    let unusable = key().and_then(|k| unsupported(k.key().role_as_unspecified()));
    let (outcome, detail) = if let Some(why) = unusable {
        (Outcome::Malformed, why)
    } else if let Some(why) = revoked {
        (Outcome::RevokedKey, why)
    } else if dead_when_signed() {
        (Outcome::ExpiredKey, expired_detail(cert, sig))
    } else {
        (Outcome::Bad, format!("the signing key cannot be used ({error})"))
    };
    check_by(outcome, cert, sig, detail)
}

/// When the key that signed had expired and when it signed, as the KEYS file has it: a
/// release manager who extended the key since compares the dates with their own.
fn expired_detail(cert: &Cert, sig: &Signature) -> String {
    let Some(at) = sig.signature_creation_time() else {
        return "the signing key had expired when the signature was made".into();
    };
    let day = |t: std::time::SystemTime| crate::util::text::date(super::unix(t));
    let Ok(valid) = cert.with_policy(null_policy(), at) else {
        return format!("the key was not valid on {}, when the signature was made", day(at));
    };
    let primary = cert.fingerprint();
    let signing = valid.keys().key_handles(sig.get_issuers().iter()).next();
    // An offline primary key with a signing subkey that expires: the subkey is what
    // lapsed, and what to extend (`gpg --quick-set-expire PRIMARY 2y SUBKEY`).
    if let Some(k) = signing.as_ref().filter(|k| k.key().fingerprint() != primary)
        && let Some(until) = k.key_expiration_time().filter(|u| *u <= at)
    {
        let sub = k.key().fingerprint().to_hex();
        return format!(
            "its signing subkey {sub} expired on {}, and the signature was made on {}; \
             extend it with gpg --quick-set-expire {} 2y {sub}",
            day(until),
            day(at),
            primary.to_hex()
        );
    }
    let expiry = signing.and_then(|k| k.key_expiration_time()).or_else(|| valid.primary_key().key_expiration_time());
    match expiry {
        Some(until) => format!("the key expired on {}, and the signature was made on {}", day(until), day(at)),
        None => format!("the key was not valid on {}, when the signature was made", day(at)),
    }
}

/// The outcome for bytes that are not what they should be: `what`, and why.
fn malformed(what: &str, why: anyhow::Error) -> Check {
    Check {
        outcome: Outcome::Malformed,
        fingerprint: None,
        user_id: None,
        signed_at: None,
        detail: format!("{what} ({why})").into(),
    }
}

/// Checks a detached signature (`sig`, armored or binary) over the file at `data`.
pub fn verify_detached(certs: &[Cert], sig: &[u8], data: &Path) -> Result<Check> {
    let file = std::fs::File::open(data).with_context(|| format!("cannot read `{}`", data.display()))?;
    verify_detached_reader(certs, sig, std::io::BufReader::with_capacity(1 << 16, file), data)
}

/// The signatures of several armored blocks in one file, as one binary run of packets:
/// Tor's `X.sha256sum.asc` is each release manager's `.asc` one after the other, and an
/// armor reader reads the first block alone (a signer not in KEYS first made the whole
/// file unknown-key). `None` for a file of one block or none.
fn blocks_joined(sig: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    const BEGIN: &[u8] = b"-----BEGIN PGP SIGNATURE-----";
    let starts: Vec<usize> =
        sig.windows(BEGIN.len()).enumerate().filter(|(_, w)| *w == BEGIN).map(|(i, _)| i).collect();
    if starts.len() < 2 {
        return None;
    }
    let mut out = Vec::new();
    for (n, &at) in starts.iter().enumerate() {
        let block = &sig[at..starts.get(n + 1).copied().unwrap_or(sig.len())];
        let mode = openpgp::armor::ReaderMode::Tolerant(Some(openpgp::armor::Kind::Signature));
        let mut r = openpgp::armor::Reader::from_bytes(block, mode);
        r.read_to_end(&mut out).ok()?;
    }
    Some(out)
}

/// How many signatures a detached signature file holds (in one armoured block, as `gpg
/// -u A -u B --detach-sign` writes them, or in several one after the other).
pub fn signature_count(sig: &[u8]) -> usize {
    let joined = blocks_joined(sig);
    let bytes = joined.as_deref().unwrap_or(sig);
    openpgp::PacketPile::from_bytes(bytes)
        .map(|pile| pile.children().filter(|p| matches!(p, openpgp::Packet::Signature(_))).count())
        .unwrap_or(0)
}

/// Checks a detached signature over what `data` reads (the file at `place`, maybe
/// uncompressed on the way). I/O errors are errors; everything else is an outcome.
/// Several signatures (in one block or several) give the most favourable outcome.
pub fn verify_detached_reader(
    certs: &[Cert],
    sig: &[u8],
    data: impl std::io::Read + Send + Sync,
    place: &Path,
) -> Result<Check> {
    let joined = blocks_joined(sig);
    let sig = joined.as_deref().unwrap_or(sig);
    let malformed = |e: anyhow::Error| malformed("not an OpenPGP signature", e);
    let builder = match DetachedVerifierBuilder::from_bytes(sig) {
        Ok(b) => b,
        Err(e) => return Ok(malformed(e)),
    };
    let helper = Helper { certs, check: None };
    let mut verifier = match builder.with_policy(null_policy(), None, helper) {
        Ok(v) => v,
        Err(e) => return Ok(malformed(e)),
    };
    if let Err(e) = verifier.verify_reader(data) {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Err(anyhow!("cannot read `{}`: {io}", place.display()));
        }
        let helper = verifier.into_helper();
        return Ok(helper.check.unwrap_or_else(|| malformed(e)));
    }
    Ok(verifier.into_helper().check.unwrap_or_else(|| malformed(anyhow!("it holds no signature"))))
}

/// Checks a cleartext-signed message (a clearsigned checksum list, kernel.org's
/// `sha256sums.asc`) and returns the outcome with the text that was signed (empty when
/// the message cannot be read).
pub fn verify_cleartext(certs: &[Cert], signed: &[u8]) -> Result<(Check, Vec<u8>)> {
    use openpgp::parse::stream::VerifierBuilder;
    let malformed = |e: anyhow::Error| malformed("not a signed OpenPGP message", e);
    let builder = match VerifierBuilder::from_bytes(signed) {
        Ok(b) => b,
        Err(e) => return Ok((malformed(e), Vec::new())),
    };
    let helper = Helper { certs, check: None };
    let mut verifier = match builder.with_policy(null_policy(), None, helper) {
        Ok(v) => v,
        Err(e) => return Ok((malformed(e), Vec::new())),
    };
    let mut text = Vec::new();
    if let Err(e) = std::io::copy(&mut verifier, &mut text) {
        let helper = verifier.into_helper();
        return Ok((helper.check.unwrap_or_else(|| malformed(e.into())), Vec::new()));
    }
    let check = verifier.into_helper().check.unwrap_or_else(|| malformed(anyhow!("it holds no signature")));
    Ok((check, text))
}
