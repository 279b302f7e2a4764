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
    if let Some((what, fix)) = other_key(&bytes, path) {
        bail!(with_fix(format!("`{}` is {what}; closer sign makes OpenPGP signatures only", path.display()), fix));
    }
    // Never `> path`: the shell empties the file given before gpg runs.
    let not_a_key = |e: &dyn std::fmt::Display| {
        anyhow!(with_fix(
            format!("`{}` is not an OpenPGP key ({e})", path.display()),
            "export the key from gpg to a new file: gpg --export-secret-keys --armor FPR > release-key.asc, \
             then closer sign --key release-key.asc"
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

/// What a key file of another tool is, and how that tool signs with it: minisign's,
/// signify's (and OpenWrt's usign, one format), OpenSSH's or cosign's keys.
fn other_key(bytes: &[u8], path: &Path) -> Option<(&'static str, String)> {
    use base64::Engine;
    let k = path.display();
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let text = text.trim_start();
    if text.starts_with("untrusted comment:") {
        let line = text.lines().nth(1).unwrap_or("").trim();
        let key = base64::engine::general_purpose::STANDARD.decode(line).unwrap_or_default();
        // Public keys: `Ed`, the key number and the key (42 bytes); secret keys are longer,
        // minisign's with the KDF `Sc` or none, signify's `BK`.
        return Some(match (key.len(), key.get(2..4)) {
            (42, _) => (
                "a minisign or signify public key, not a secret key",
                "sign with the secret key beside it \
                 (minisign's or signify's own tool: see the fixes `closer check` gives); closer reads the public key \
                 from the project's page (`minisign:` or `signify:`)"
                    .into(),
            ),
            (_, Some(b"BK")) => (
                "a signify (or usign) secret key",
                format!(
                    "sign with signify: signify -S -s {k} -m FILE -x FILE.sig (OpenWrt's usign: usign -S -m FILE -s {k}); \
                 closer checks it against the key the project's page names under `signify:`"
                ),
            ),
            _ => (
                "a minisign secret key",
                format!(
                    "sign with minisign: minisign -S -s {k} -m FILE (writes FILE.minisig); closer checks it against the \
                 key the project's page names under `minisign:`"
                ),
            ),
        });
    }
    if text.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----") {
        return Some((
            "an OpenSSH private key",
            format!(
                "sign with ssh-keygen: ssh-keygen -Y sign -f {k} -n file FILE (writes FILE.sig); closer checks it \
             against the allowed_signers line the project's page names under `ssh:`"
            ),
        ));
    }
    if text.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----")
        || text.starts_with("-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----")
    {
        return Some((
            "a cosign private key",
            format!(
                "sign with cosign: cosign sign-blob --key {k} --output-signature FILE.sig FILE; closer checks it \
             against the key the project's page names under `cosign:`"
            ),
        ));
    }
    None
}

/// The signing key pair of one certificate, checked to be usable now.
fn unlock(cert: Cert, path: &Path, passphrase: &Passphrase) -> Result<KeyPair> {
    let fpr = cert.fingerprint().to_hex();
    if !cert.is_tsk() {
        bail!(with_fix(
            format!("`{}` holds only the public key {fpr}, not the secret key", path.display()),
            format!(
                "export the secret key to a new file: gpg --export-secret-keys --armor {fpr} > release-key.asc, \
                 then closer sign --key release-key.asc"
            )
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
