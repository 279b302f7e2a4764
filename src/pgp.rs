//! OpenPGP primitives on sequoia-openpgp (pure-Rust backend): reading KEYS files the way
//! Apache writes them, checking a detached signature and saying precisely what is wrong
//! with it, loading a secret key exported from gpg, and making detached and clearsigned
//! signatures. Keys and signatures stay OpenPGP v4 so that gpg 2.2 reads them.

use crate::problem::Problem;
use anyhow::{Context, Result, anyhow, bail};
use openpgp::cert::prelude::*;
use openpgp::crypto::{KeyPair, Password};
use openpgp::packet::Signature;
use openpgp::parse::Parse;
use openpgp::parse::stream::{
    DetachedVerifierBuilder, GoodChecksum, MessageLayer, MessageStructure, VerificationError, VerificationHelper,
};
use openpgp::policy::{NullPolicy, StandardPolicy};
use openpgp::serialize::stream::{Armorer, Message, Signer};
use openpgp::types::{HashAlgorithm, PublicKeyAlgorithm};
use openpgp::{Cert, KeyHandle};
use sequoia_openpgp as openpgp;
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::time::SystemTime;

/// What checking one signature found. Only `Good` lets a release through by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Good,
    /// The artifact or the signature was altered.
    Bad,
    /// No `.asc` beside the artifact.
    Missing,
    /// The `.asc` is not an OpenPGP signature.
    Malformed,
    /// Signed by a key that is not in the project's KEYS.
    UnknownKey,
    /// The signing key had expired when the signature was made.
    ExpiredKey,
    /// The signing key is revoked.
    RevokedKey,
    /// Cryptographically valid, but too weak to trust: RSA under 2048 bits, DSA,
    /// ElGamal, or a SHA-1 or MD5 digest.
    Weak,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Good => "good",
            Outcome::Bad => "bad",
            Outcome::Missing => "missing",
            Outcome::Malformed => "malformed",
            Outcome::UnknownKey => "unknown-key",
            Outcome::ExpiredKey => "expired-key",
            Outcome::RevokedKey => "revoked-key",
            Outcome::Weak => "weak",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        [
            Outcome::Good,
            Outcome::Bad,
            Outcome::Missing,
            Outcome::Malformed,
            Outcome::UnknownKey,
            Outcome::ExpiredKey,
            Outcome::RevokedKey,
            Outcome::Weak,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

/// The result of checking one artifact's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub outcome: Outcome,
    /// Full fingerprint of the signing certificate (or of the issuer, when unknown).
    pub fingerprint: Option<String>,
    /// The signer's primary user id.
    pub user_id: Option<String>,
    /// Signature creation time, Unix seconds.
    pub signed_at: Option<i64>,
    /// Why, in words, when not good.
    pub detail: String,
}

impl Check {
    pub fn missing() -> Check {
        Check { outcome: Outcome::Missing, fingerprint: None, user_id: None, signed_at: None, detail: String::new() }
    }

    /// An outcome for a signature by a certificate found in KEYS.
    fn by(outcome: Outcome, cert: &Cert, sig: &Signature, detail: String) -> Check {
        Check {
            outcome,
            fingerprint: Some(cert.fingerprint().to_hex()),
            user_id: primary_uid(cert),
            signed_at: sig.signature_creation_time().map(unix),
            detail,
        }
    }
}

/// The policy closer applies. The cryptographic check uses no policy at all, so that a
/// weak signature is reported as weak rather than as bad; strength is judged here.
fn null_policy() -> &'static NullPolicy {
    // SAFETY: the null policy accepts everything; every signature it lets through is
    // classified by `weakness` before anyone may call it good.
    static P: NullPolicy = unsafe { NullPolicy::new() };
    &P
}

/// Parses a KEYS file: armored public key blocks with any text between them, as Apache
/// projects keep them. Returns the certificates, or a problem naming the bad line.
pub fn parse_keys(text: &str, path: &Path) -> std::result::Result<Vec<Cert>, Problem> {
    let place = |line: usize| format!("{}:{line}", path.display());
    let mut certs = Vec::new();
    let mut block: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let trimmed = line.trim_end();
        match &mut block {
            None if trimmed == "-----BEGIN PGP PUBLIC KEY BLOCK-----" => block = Some((n, format!("{trimmed}\n"))),
            None if trimmed.starts_with("-----BEGIN PGP PRIVATE KEY BLOCK-----") => {
                return Err(Problem::new(place(n), "holds a SECRET key")
                    .hint("remove it at once and export only the public key: gpg --armor --export FPR"));
            }
            None => {}
            Some((start, buf)) => {
                buf.push_str(trimmed);
                buf.push('\n');
                if trimmed == "-----END PGP PUBLIC KEY BLOCK-----" {
                    let start = *start;
                    let parsed = CertParser::from_bytes(buf.as_bytes())
                        .map_err(|e| Problem::new(place(start), format!("key block cannot be read: {e}")))?;
                    for c in parsed {
                        let c = c.map_err(|e| {
                            Problem::new(place(start), format!("key block cannot be read: {e}"))
                                .hint("replace it with the output of gpg --armor --export FPR")
                        })?;
                        certs.push(c);
                    }
                    block = None;
                }
            }
        }
    }
    if let Some((start, _)) = block {
        return Err(Problem::new(place(start), "key block is never closed (no END PGP PUBLIC KEY BLOCK line)")
            .hint("replace it with the output of gpg --armor --export FPR"));
    }
    if certs.is_empty() {
        return Err(Problem::new(place(1), "holds no public key")
            .hint("add the release managers' keys: gpg --armor --export FPR >> KEYS"));
    }
    Ok(certs)
}

fn primary_uid(cert: &Cert) -> Option<String> {
    let p = StandardPolicy::new();
    let uid = cert
        .with_policy(&p, None)
        .ok()
        .and_then(|v| v.primary_userid().ok().map(|u| u.userid().clone()))
        .or_else(|| cert.userids().next().map(|u| u.userid().clone()))?;
    Some(String::from_utf8_lossy(uid.value()).into_owned())
}

fn unix(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Why a valid signature is still too weak to trust, if it is.
fn weakness(sig: &Signature, key_algo: PublicKeyAlgorithm, bits: Option<usize>) -> Option<String> {
    match sig.hash_algo() {
        HashAlgorithm::MD5 => return Some("made with the broken MD5 digest".into()),
        HashAlgorithm::SHA1 => return Some("made with the broken SHA-1 digest".into()),
        _ => {}
    }
    #[allow(deprecated)]
    match key_algo {
        PublicKeyAlgorithm::DSA => Some("made with a DSA key".into()),
        PublicKeyAlgorithm::ElGamalEncryptSign => Some("made with an ElGamal key".into()),
        PublicKeyAlgorithm::RSAEncryptSign | PublicKeyAlgorithm::RSASign => match bits {
            Some(b) if b < 2048 => Some(format!("made with a {b}-bit RSA key (at least 2048 bits are needed)")),
            _ => None,
        },
        _ => None,
    }
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
        for layer in structure.into_iter() {
            let MessageLayer::SignatureGroup { results } = layer else { continue };
            for r in results {
                let c = classify(r);
                // Keep the most favourable outcome when several signatures are present.
                if best.as_ref().is_none_or(|b| c.outcome < b.outcome) {
                    best = Some(c);
                }
            }
        }
        self.check = best;
        Ok(())
    }
}

fn classify(r: std::result::Result<GoodChecksum, VerificationError>) -> Check {
    let issuer = |sig: &Signature| sig.get_issuers().first().map(|h| h.to_hex());
    let signed_at = |sig: &Signature| sig.signature_creation_time().map(unix);
    match r {
        Ok(GoodChecksum { sig, ka }) => good(sig, ka.cert(), ka.key().pk_algo(), ka.key().mpis().bits()),
        Err(VerificationError::MissingKey { sig }) => Check {
            outcome: Outcome::UnknownKey,
            fingerprint: issuer(sig),
            user_id: None,
            signed_at: signed_at(sig),
            detail: "the signing key is not in KEYS".into(),
        },
        Err(VerificationError::UnboundKey { sig, cert, error }) => key_problem(sig, cert, &error),
        Err(VerificationError::BadKey { sig, ka, error }) => key_problem(sig, ka.cert(), &error),
        Err(VerificationError::BadSignature { sig, ka, error }) => {
            Check::by(Outcome::Bad, ka.cert(), sig, format!("the signature does not match the file ({error})"))
        }
        Err(VerificationError::MalformedSignature { sig, error }) => Check {
            outcome: Outcome::Malformed,
            fingerprint: issuer(sig),
            user_id: None,
            signed_at: signed_at(sig),
            detail: format!("the signature cannot be used ({error})"),
        },
        Err(VerificationError::UnknownSignature { .. }) | Err(_) => Check {
            outcome: Outcome::Malformed,
            fingerprint: None,
            user_id: None,
            signed_at: None,
            detail: "the signature is of an unknown kind".into(),
        },
    }
}

/// A signature that checks out cryptographically: good, unless weak or since revoked.
fn good(sig: &Signature, cert: &Cert, algo: PublicKeyAlgorithm, bits: Option<usize>) -> Check {
    let (outcome, detail) = match weakness(sig, algo, bits) {
        Some(why) => (Outcome::Weak, why),
        None => (Outcome::Good, String::new()),
    };
    // A key revoked after signing still withdraws its trust: its owner said it must
    // not be relied on.
    let p = StandardPolicy::new();
    let (outcome, detail) = match cert.revocation_status(&p, None) {
        openpgp::types::RevocationStatus::Revoked(_) if outcome == Outcome::Good => {
            (Outcome::RevokedKey, "the signing key has been revoked".to_string())
        }
        _ => (outcome, detail),
    };
    Check::by(outcome, cert, sig, detail)
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
pub fn verify_with_state(certs: &[Cert], sig_bytes: &[u8], state: &crate::digest::HashState) -> Option<Check> {
    use openpgp::Packet;
    use openpgp::types::SignatureType;
    use sha2::Digest;
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
            h.finalize().to_vec()
        }
        HashAlgorithm::SHA256 => {
            let mut h = state.sha256.clone();
            h.update(&trailer);
            h.finalize().to_vec()
        }
        _ => return None,
    };
    let sig_time = sig.signature_creation_time()?;
    let issuers = sig.get_issuers();
    let found = certs.iter().find_map(|c| c.keys().key_handles(issuers.iter()).next().map(|ka| (c, ka)));
    let Some((cert, ka)) = found else {
        return Some(Check {
            outcome: Outcome::UnknownKey,
            fingerprint: issuers.first().map(|h| h.to_hex()),
            user_id: None,
            signed_at: Some(unix(sig_time)),
            detail: "the signing key is not in KEYS".into(),
        });
    };
    let policy = null_policy();
    if let Err(e) = cert.with_policy(policy, sig_time) {
        return Some(key_problem(sig, cert, &e));
    }
    let vka = match ka.with_policy(policy, sig_time) {
        Ok(k) => k,
        Err(e) => return Some(key_problem(sig, cert, &e)),
    };
    if let Err(e) = vka.alive() {
        return Some(key_problem(sig, cert, &e));
    }
    if let openpgp::types::RevocationStatus::Revoked(_) = vka.revocation_status() {
        return Some(key_problem(sig, cert, &anyhow!("the key is revoked")));
    }
    if !vka.for_signing() {
        return Some(key_problem(sig, cert, &anyhow!("the key may not make signatures")));
    }
    if let Err(e) = sig.signature_alive(None, std::time::Duration::ZERO) {
        return Some(Check::by(Outcome::Bad, cert, sig, format!("the signature is not valid now ({e})")));
    }
    Some(match sig.verify_digest(vka.key(), &digest) {
        Ok(()) => good(sig, cert, vka.key().pk_algo(), vka.key().mpis().bits()),
        Err(e) => Check::by(Outcome::Bad, cert, sig, format!("the signature does not match the file ({e})")),
    })
}

/// The key exists in KEYS but could not sign at that time: expired or revoked.
fn key_problem(sig: &Signature, cert: &Cert, error: &anyhow::Error) -> Check {
    let text = format!("{error:#}").to_lowercase();
    let p = StandardPolicy::new();
    let revoked = matches!(cert.revocation_status(&p, None), openpgp::types::RevocationStatus::Revoked(_))
        || text.contains("revoked");
    let (outcome, detail) = if revoked {
        (Outcome::RevokedKey, "the signing key is revoked".to_string())
    } else if text.contains("expired") || text.contains("not live") || text.contains("not alive") {
        (Outcome::ExpiredKey, "the signing key had expired when the signature was made".to_string())
    } else {
        (Outcome::Bad, format!("the signing key cannot be used ({error})"))
    };
    Check::by(outcome, cert, sig, detail)
}

/// Checks a detached signature (`sig`, armored or binary) over the file at `data`.
pub fn verify_detached(certs: &[Cert], sig: &[u8], data: &Path) -> Result<Check> {
    let malformed = |e: anyhow::Error| Check {
        outcome: Outcome::Malformed,
        fingerprint: None,
        user_id: None,
        signed_at: None,
        detail: format!("not an OpenPGP signature ({e})"),
    };
    let builder = match DetachedVerifierBuilder::from_bytes(sig) {
        Ok(b) => b,
        Err(e) => return Ok(malformed(e)),
    };
    let helper = Helper { certs, check: None };
    let mut verifier = match builder.with_policy(null_policy(), None, helper) {
        Ok(v) => v,
        Err(e) => return Ok(malformed(e)),
    };
    let file = std::fs::File::open(data).with_context(|| format!("cannot read `{}`", data.display()))?;
    if let Err(e) = verifier.verify_reader(std::io::BufReader::with_capacity(1 << 16, file)) {
        // I/O errors are real errors; everything else is an outcome.
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Err(anyhow!("cannot read `{}`: {io}", data.display()));
        }
        let helper = verifier.into_helper();
        return Ok(helper.check.unwrap_or_else(|| malformed(e)));
    }
    Ok(verifier.into_helper().check.unwrap_or_else(|| malformed(anyhow!("it holds no signature"))))
}

/// A secret signing key, unlocked.
pub struct SigningKey {
    pub cert: Cert,
    keypair: KeyPair,
}

impl SigningKey {
    /// The certificate's fingerprint (what KEYS lists).
    pub fn fingerprint(&self) -> String {
        self.cert.fingerprint().to_hex()
    }

    pub fn user_id(&self) -> Option<String> {
        primary_uid(&self.cert)
    }

    /// The armored public key, for publishing.
    pub fn public_armored(&self) -> Result<Vec<u8>> {
        use openpgp::serialize::SerializeInto;
        self.cert.armored().to_vec()
    }

    /// An armored detached signature over `data`.
    pub fn sign_detached(&self, data: &mut dyn std::io::Read) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let message = Message::new(&mut out);
        let message = Armorer::new(message).kind(openpgp::armor::Kind::Signature).build()?;
        let mut signer = Signer::new(message, self.keypair.clone())?.detached().build()?;
        std::io::copy(data, &mut signer)?;
        signer.finalize()?;
        Ok(out)
    }

    /// A cleartext-signed copy of `text` (the form of kernel.org's sha256sums.asc).
    pub fn clearsign(&self, text: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let message = Message::new(&mut out);
        let mut signer = Signer::new(message, self.keypair.clone())?.cleartext().build()?;
        signer.write_all(text)?;
        signer.finalize()?;
        Ok(out)
    }
}

/// Where a passphrase comes from.
pub enum Passphrase {
    None,
    Given(String),
    /// Ask on the terminal if the key needs one.
    Prompt,
}

/// Loads a secret key exported from gpg (`gpg --export-secret-keys --armor`) and
/// unlocks its signing key.
pub fn load_signing_key(path: &Path, passphrase: Passphrase) -> Result<SigningKey> {
    let bytes = crate::fs::read(path)?;
    let cert = Cert::from_bytes(&bytes).map_err(|e| {
        anyhow!(
            "`{}` is not an OpenPGP key ({e})\n    fix: export it with gpg --export-secret-keys --armor FPR > {}",
            path.display(),
            path.display()
        )
    })?;
    let fpr = cert.fingerprint().to_hex();
    if !cert.is_tsk() {
        bail!(
            "`{}` holds only the public key {fpr}, not the secret key\n    fix: gpg --export-secret-keys --armor {fpr} > {}",
            path.display(),
            path.display()
        );
    }
    let p = StandardPolicy::new();
    let valid =
        cert.with_policy(&p, None).map_err(|e| anyhow!("key {fpr} in `{}` cannot be used: {e}", path.display()))?;
    if let openpgp::types::RevocationStatus::Revoked(_) = valid.revocation_status() {
        bail!("key {fpr} in `{}` is revoked; sign with another key", path.display());
    }
    if let Err(e) = valid.alive() {
        bail!(
            "key {fpr} in `{}` has expired ({e}); extend it with gpg --quick-set-expire {fpr} 2y, or use another key",
            path.display()
        );
    }
    let ka = valid.keys().secret().for_signing().alive().revoked(false).next().ok_or_else(|| {
        anyhow!("key {fpr} in `{}` has no usable signing (sub)key with its secret part", path.display())
    })?;
    let mut key = ka.key().clone();
    if key.secret().is_encrypted() {
        let pass: Password = match passphrase {
            Passphrase::Given(p) => p.into(),
            Passphrase::None => bail!(
                "key {fpr} is protected by a passphrase\n    fix: give --passphrase-file FILE or --passphrase-env VAR, or run on a terminal to be asked"
            ),
            Passphrase::Prompt => rpassword::prompt_password(format!("Passphrase for {fpr}: "))
                .context("cannot read the passphrase from the terminal")?
                .into(),
        };
        key = key.decrypt_secret(&pass).map_err(|_| anyhow!("wrong passphrase for key {fpr}"))?;
    }
    let keypair = key.into_keypair().map_err(|e| anyhow!("key {fpr} cannot sign: {e}"))?;
    Ok(SigningKey { cert: cert.strip_secret_key_material(), keypair })
}

/// Fingerprints of every certificate, and of every subkey, in `certs`.
pub fn fingerprints(certs: &[Cert]) -> Vec<String> {
    certs.iter().flat_map(|c| c.keys().map(|k| k.key().fingerprint().to_hex())).collect()
}
