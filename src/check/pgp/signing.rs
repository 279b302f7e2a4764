//! Signing with a secret key exported from gpg: detached signatures for `closer sign`
//! and the mirror lists, clearsigned checksum lists for the site. Keys and signatures
//! stay OpenPGP v4 so that gpg 2.2 reads them.

use super::primary_uid;
use crate::util::problem::with_fix;
use anyhow::{Context, Result, anyhow, bail};
use openpgp::Cert;
use openpgp::crypto::{KeyPair, Password};
use openpgp::parse::Parse;
use openpgp::policy::StandardPolicy;
use openpgp::serialize::stream::{Armorer, Message, Signer};
use sequoia_openpgp as openpgp;
use std::io::Write;
use std::path::Path;

/// A new key for `closer init`'s example release: Ed25519, valid three years, with no
/// passphrase (it signs one example, then is thrown away).
pub fn generate_key(user_id: &str) -> Result<SigningKey> {
    use openpgp::cert::{CertBuilder, CipherSuite};
    let (cert, _revocation) = CertBuilder::new()
        .set_cipher_suite(CipherSuite::Cv25519)
        .set_profile(openpgp::Profile::RFC4880)?
        .add_userid(user_id)
        .add_signing_subkey()
        .set_validity_period(std::time::Duration::from_secs(3 * 365 * 24 * 3600))
        .generate()?;
    let keypair = unlock(cert.clone(), Path::new("(new key)"), &Passphrase::None)?;
    Ok(SigningKey { keys: vec![(cert, keypair)] })
}

/// One or more secret signing keys, unlocked. Several keys sign together while a site
/// key is rotated: every signature made carries one signature packet per key, so a
/// verifier that knows either key accepts it.
pub struct SigningKey {
    keys: Vec<(Cert, KeyPair)>,
}

impl SigningKey {
    /// The certificates' fingerprints (what KEYS lists), joined by `, `.
    pub fn fingerprint(&self) -> String {
        self.keys.iter().map(|(c, _)| c.fingerprint().to_hex()).collect::<Vec<_>>().join(", ")
    }

    /// Each certificate's fingerprint.
    pub fn fingerprints(&self) -> Vec<String> {
        self.keys.iter().map(|(c, _)| c.fingerprint().to_hex()).collect()
    }

    /// The fingerprints of every key and subkey of every certificate.
    pub fn all_key_fingerprints(&self) -> Vec<String> {
        self.keys.iter().flat_map(|(c, _)| c.keys().map(|k| k.key().fingerprint().to_hex())).collect()
    }

    /// The primary user ids, joined by ` and `.
    pub fn user_id(&self) -> Option<String> {
        let ids: Vec<String> = self.keys.iter().filter_map(|(c, _)| primary_uid(c)).collect();
        (!ids.is_empty()).then(|| ids.join(" and "))
    }

    /// The armored secret keys, as `gpg --export-secret-keys --armor` writes them (only
    /// for a key this run made: a loaded key has its secrets stripped).
    pub fn secret_armored(&self) -> Result<Vec<u8>> {
        use openpgp::serialize::SerializeInto;
        let mut out = Vec::new();
        for (c, _) in &self.keys {
            out.extend(c.as_tsk().armored().to_vec()?);
        }
        Ok(out)
    }

    /// The armored public keys, for publishing.
    pub fn public_armored(&self) -> Result<Vec<u8>> {
        use openpgp::serialize::SerializeInto;
        let mut out = Vec::new();
        for (c, _) in &self.keys {
            out.extend(c.armored().to_vec()?);
        }
        Ok(out)
    }

    fn signer<'a>(&self, message: Message<'a>) -> Result<Signer<'a>> {
        let mut keys = self.keys.iter().map(|(_, k)| k.clone());
        let first = keys.next().ok_or_else(|| anyhow!("no signing key"))?;
        let mut signer = Signer::new(message, first)?;
        for k in keys {
            signer = signer.add_signer(k)?;
        }
        Ok(signer)
    }

    /// An armored detached signature over `data`.
    pub fn sign_detached(&self, data: &mut dyn std::io::Read) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let message = Message::new(&mut out);
        let message = Armorer::new(message).kind(openpgp::armor::Kind::Signature).build()?;
        let mut signer = self.signer(message)?.detached().build()?;
        std::io::copy(data, &mut signer)?;
        signer.finalize()?;
        Ok(out)
    }

    /// A cleartext-signed copy of `text` (the form of kernel.org's sha256sums.asc).
    pub fn clearsign(&self, text: &[u8]) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let message = Message::new(&mut out);
        let mut signer = self.signer(message)?.cleartext().build()?;
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

/// Loads the secret keys exported from gpg (`gpg --export-secret-keys --armor`, one key
/// or several one after the other) and unlocks their signing keys.
pub fn load_signing_key(path: &Path, passphrase: Passphrase) -> Result<SigningKey> {
    use openpgp::cert::CertParser;
    let bytes = crate::util::fs::read(path)?;
    let not_a_key = |e: &dyn std::fmt::Display| {
        anyhow!(with_fix(
            format!("`{}` is not an OpenPGP key ({e})", path.display()),
            format!("export it with gpg --export-secret-keys --armor FPR > {}", path.display())
        ))
    };
    let certs: Vec<Cert> = CertParser::from_bytes(&bytes)
        .map_err(|e| not_a_key(&e))?
        .collect::<openpgp::Result<Vec<Cert>>>()
        .map_err(|e| not_a_key(&e))?;
    if certs.is_empty() {
        return Err(not_a_key(&"it holds no key"));
    }
    let mut keys = Vec::new();
    for cert in certs {
        let keypair = unlock(cert.clone(), path, &passphrase)?;
        keys.push((cert.strip_secret_key_material(), keypair));
    }
    Ok(SigningKey { keys })
}

/// The signing key pair of one certificate, checked to be usable now.
fn unlock(cert: Cert, path: &Path, passphrase: &Passphrase) -> Result<KeyPair> {
    let fpr = cert.fingerprint().to_hex();
    if !cert.is_tsk() {
        bail!(with_fix(
            format!("`{}` holds only the public key {fpr}, not the secret key", path.display()),
            format!("gpg --export-secret-keys --armor {fpr} > {}", path.display())
        ));
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
            Passphrase::Given(p) => p.clone().into(),
            Passphrase::None => bail!(with_fix(
                format!("key {fpr} is protected by a passphrase"),
                "give --passphrase-file FILE or --passphrase-env VAR, or run on a terminal to be asked"
            )),
            Passphrase::Prompt => rpassword::prompt_password(format!("Passphrase for {fpr}: "))
                .context("cannot read the passphrase from the terminal")?
                .into(),
        };
        key = key.decrypt_secret(&pass).map_err(|_| anyhow!("wrong passphrase for key {fpr}"))?;
    }
    key.into_keypair().map_err(|e| anyhow!("key {fpr} cannot sign: {e}"))
}
