//! SSH signatures (`ssh-keygen -Y sign -n file`, OpenSSH 8.1 on): a growing number of
//! projects sign their `SHA256SUMS` (or each file) with the SSH key they already sign
//! git commits with, and publish an `allowed_signers` line for it. The signature is
//! `-----BEGIN SSH SIGNATURE-----` armor around PROTOCOL.sshsig's blob: the signer's
//! public key, a namespace, and a signature over a hash of the file (SHA-512 by
//! default), so a file's signature is checked from the digests already computed, with
//! no second read. Keys are the ones the project's page names under `ssh:`; this
//! module only verifies, the plan judges the key against the lines.

use super::cosign_key::Message;
use crate::model::signature::{Check, KeyTool, Outcome, ssh_key_id, ssh_string};
use base64::Engine;
use std::sync::Arc;

const BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
const END: &str = "-----END SSH SIGNATURE-----";

/// The namespace `ssh-keygen -Y sign` is told for files (`-n file`); a signature made
/// for another purpose (`git`, an e-mail) must not count as a file's.
pub const NAMESPACE: &str = "file";

/// Does this signature file start as `ssh-keygen -Y sign` writes one?
pub fn looks_like(bytes: &[u8]) -> bool {
    bytes.trim_ascii_start().starts_with(BEGIN.as_bytes())
}

/// A public key as the page names it: its fingerprint (`SHA256:...`, as `ssh-keygen -l`
/// prints it) and its wire-format blob.
pub type PublicKey = (String, Vec<u8>);

/// Checks an SSH signature `sig` (the armored text) over `message` against `keys`.
pub fn check(sig: &[u8], message: Message, sha512: Option<&[u8; 64]>, keys: &[PublicKey]) -> Check {
    let outcome = |outcome: Outcome, detail: String| Check {
        outcome,
        detail: detail.into(),
        user_id: KeyTool::Ssh.marker(),
        ..Check::missing()
    };
    let Some(p) = unarmor(sig).as_deref().and_then(parse) else {
        return outcome(Outcome::Malformed, "it is not an SSH signature as ssh-keygen -Y sign writes one".into());
    };
    let id = ssh_key_id(&p.key);
    let with_id = |mut c: Check| {
        c.fingerprint = Some(Arc::from(id.as_str()));
        c
    };
    if p.namespace != NAMESPACE.as_bytes() {
        let ns = String::from_utf8_lossy(&p.namespace);
        return with_id(outcome(Outcome::Malformed, format!("it was made for namespace `{ns}`, not `file`")));
    }
    if !keys.iter().any(|(_, blob)| *blob == p.key) {
        return with_id(outcome(Outcome::UnknownKey, "its key is not one the project names".into()));
    }
    let digest = match (p.hash.as_slice(), &message) {
        (b"sha512", Message::File { .. }) => sha512.map(|d| d.to_vec()),
        (b"sha256", Message::File { sha256, .. }) => Some(sha256.to_vec()),
        (b"sha512", Message::Bytes(m)) => Some(<sha2::Sha512 as sha2::Digest>::digest(m).to_vec()),
        (b"sha256", Message::Bytes(m)) => Some(<sha2::Sha256 as sha2::Digest>::digest(m).to_vec()),
        _ => None,
    };
    let Some(digest) = digest else {
        let alg = String::from_utf8_lossy(&p.hash);
        return with_id(outcome(Outcome::Malformed, format!("its hash `{alg}` is not sha256 or sha512")));
    };
    let mut signed = b"SSHSIG".to_vec();
    for field in [NAMESPACE.as_bytes(), &p.reserved, &p.hash, &digest] {
        put_string(&mut signed, field);
    }
    match verifies(&p.key, &signed, &p.signature) {
        Ok(true) => with_id(outcome(Outcome::Good, String::new())),
        Ok(false) => with_id(outcome(Outcome::Bad, "it does not verify: the file changed after it was signed".into())),
        Err(why) => with_id(outcome(Outcome::Malformed, why)),
    }
}

/// What an SSHSIG blob holds: the signer's key, the namespace, the reserved field, the
/// hash algorithm's name and the signature, each as SSH's wire format gives it.
struct Sshsig {
    key: Vec<u8>,
    namespace: Vec<u8>,
    reserved: Vec<u8>,
    hash: Vec<u8>,
    signature: Vec<u8>,
}

/// The bytes between the armor lines, base64-decoded.
fn unarmor(text: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(text).ok()?.trim();
    let body = text.strip_prefix(BEGIN)?.strip_suffix(END)?;
    let b64: String = body.split_ascii_whitespace().collect();
    base64::engine::general_purpose::STANDARD.decode(b64).ok()
}

/// PROTOCOL.sshsig: "SSHSIG", version 1, then the key, namespace, reserved, hash
/// algorithm and signature, each an SSH string.
fn parse(blob: &[u8]) -> Option<Sshsig> {
    let mut r = blob.strip_prefix(b"SSHSIG")?;
    if take_u32(&mut r)? != 1 {
        return None;
    }
    let mut next = || ssh_string(&mut r).map(<[u8]>::to_vec);
    Some(Sshsig { key: next()?, namespace: next()?, reserved: next()?, hash: next()?, signature: next()? })
}

fn take_u32(r: &mut &[u8]) -> Option<u32> {
    let (n, rest) = r.split_first_chunk::<4>()?;
    *r = rest;
    Some(u32::from_be_bytes(*n))
}

fn put_string(out: &mut Vec<u8>, s: &[u8]) {
    out.extend((s.len() as u32).to_be_bytes());
    out.extend(s);
}

/// Whether `sig` (an SSH signature blob: its type, then its bytes) is `key`'s over
/// `data`: Ed25519, ECDSA P-256 or P-384, or RSA with SHA-256 or SHA-512. Keys on a
/// security token (`sk-...`) are not read.
fn verifies(key: &[u8], data: &[u8], sig: &[u8]) -> Result<bool, String> {
    use ring::signature as rs;
    let (mut k, mut s) = (key, sig);
    let bad = || "its key or signature is not in SSH's wire format".to_string();
    let key_type = ssh_string(&mut k).ok_or_else(bad)?;
    let sig_type = ssh_string(&mut s).ok_or_else(bad)?;
    let sig_bytes = ssh_string(&mut s).ok_or_else(bad)?;
    let ring_verify = |alg: &'static dyn rs::VerificationAlgorithm, public: &[u8], sig: &[u8]| {
        rs::UnparsedPublicKey::new(alg, public).verify(data, sig).is_ok()
    };
    match key_type {
        b"ssh-ed25519" => Ok(ring_verify(&rs::ED25519, ssh_string(&mut k).ok_or_else(bad)?, sig_bytes)),
        b"ecdsa-sha2-nistp256" | b"ecdsa-sha2-nistp384" => {
            let (alg, width): (&'static dyn rs::VerificationAlgorithm, usize) = match key_type {
                b"ecdsa-sha2-nistp256" => (&rs::ECDSA_P256_SHA256_FIXED, 32),
                _ => (&rs::ECDSA_P384_SHA384_FIXED, 48),
            };
            let _curve = ssh_string(&mut k).ok_or_else(bad)?;
            let point = ssh_string(&mut k).ok_or_else(bad)?;
            let mut rs_bytes = sig_bytes;
            let mut fixed = Vec::with_capacity(2 * width);
            for _ in 0..2 {
                let n = ssh_string(&mut rs_bytes).ok_or_else(bad)?;
                let n = n.strip_prefix(&[0]).unwrap_or(n);
                if n.len() > width {
                    return Err(bad());
                }
                fixed.extend(std::iter::repeat_n(0, width - n.len()));
                fixed.extend(n);
            }
            Ok(ring_verify(alg, point, &fixed))
        }
        b"ssh-rsa" => {
            let e = ssh_string(&mut k).ok_or_else(bad)?;
            let n = ssh_string(&mut k).ok_or_else(bad)?;
            let alg: &'static rs::RsaParameters = match sig_type {
                b"rsa-sha2-512" => &rs::RSA_PKCS1_2048_8192_SHA512,
                b"rsa-sha2-256" => &rs::RSA_PKCS1_2048_8192_SHA256,
                _ => return Err("it is an RSA signature over SHA-1 (ssh-rsa), which OpenSSH no longer makes".into()),
            };
            let strip = |b: &[u8]| b.iter().position(|x| *x != 0).map_or(Vec::new(), |i| b[i..].to_vec());
            let public = rs::RsaPublicKeyComponents { n: strip(n), e: strip(e) };
            Ok(public.verify(alg, data, sig_bytes).is_ok())
        }
        other => Err(format!(
            "its key type `{}` is not one closer reads (ssh-ed25519, ecdsa-sha2-nistp256/384, ssh-rsa)",
            String::from_utf8_lossy(other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An Ed25519 key's blob and a signature blob over `data`, as ssh-keygen makes them.
    fn signed(data: &[u8], namespace: &str) -> (Vec<u8>, String) {
        use ring::signature::KeyPair;
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = ring::signature::Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let pair = ring::signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let mut key = Vec::new();
        put_string(&mut key, b"ssh-ed25519");
        put_string(&mut key, pair.public_key().as_ref());
        let digest = <sha2::Sha512 as sha2::Digest>::digest(data);
        let mut to_sign = b"SSHSIG".to_vec();
        for f in [namespace.as_bytes(), b"", b"sha512", &digest[..]] {
            put_string(&mut to_sign, f);
        }
        let mut sig = Vec::new();
        put_string(&mut sig, b"ssh-ed25519");
        put_string(&mut sig, pair.sign(&to_sign).as_ref());
        let mut blob = b"SSHSIG".to_vec();
        blob.extend(1u32.to_be_bytes());
        for f in [&key[..], namespace.as_bytes(), b"", b"sha512", &sig] {
            put_string(&mut blob, f);
        }
        let b64 = base64::engine::general_purpose::STANDARD.encode(blob);
        (key, format!("{BEGIN}\n{b64}\n{END}\n"))
    }

    #[test]
    fn a_signature_verifies_with_its_key_in_its_namespace_only() {
        let (key, sig) = signed(b"list", "file");
        let keys = vec![(ssh_key_id(&key), key.clone())];
        assert!(looks_like(sig.as_bytes()));
        let check = |m: &'static [u8], keys: &[PublicKey]| check(sig.as_bytes(), Message::Bytes(m), None, keys);
        assert_eq!(check(b"list", &keys).outcome, Outcome::Good);
        assert_eq!(check(b"list!", &keys).outcome, Outcome::Bad);
        assert_eq!(check(b"list", &[]).outcome, Outcome::UnknownKey);
        // Made for git, not for files: refused whoever made it.
        let (gkey, git) = signed(b"list", "git");
        let gkeys = vec![(ssh_key_id(&gkey), gkey)];
        let c = super::check(git.as_bytes(), Message::Bytes(b"list"), None, &gkeys);
        assert_eq!((c.outcome, &*c.detail), (Outcome::Malformed, "it was made for namespace `git`, not `file`"));
        assert_eq!(
            super::check(b"-----BEGIN SSH SIGNATURE-----\n%%\n", Message::Bytes(b""), None, &keys).outcome,
            Outcome::Malformed
        );
        // From the file's digests, unread.
        let sha512: [u8; 64] = <sha2::Sha512 as sha2::Digest>::digest(b"list").into();
        let file = Message::File { path: std::path::Path::new("/nonexistent"), sha256: &[0; 32] };
        assert_eq!(super::check(sig.as_bytes(), file, Some(&sha512), &keys).outcome, Outcome::Good);
        // A page's line names the same key, with or without its principal.
        use crate::model::signature::{SshOptions, ssh_key};
        let line = format!("ssh-ed25519 {}", base64::engine::general_purpose::STANDARD.encode(&key));
        let plain = ssh_key(&line).unwrap();
        assert_eq!((plain.principal, &plain.blob, plain.options), (None, &key, SshOptions::default()));
        let line = format!("releases@example.org namespaces=\"file\" {line} comment");
        let named = ssh_key(&line).unwrap();
        assert_eq!((named.principal.as_deref(), &named.blob), (Some("releases@example.org"), &key));
        assert_eq!(named.options.namespaces, Some(vec!["file".to_string()]));
        assert_eq!(ssh_key("ssh-ed25519 AAAA"), None);
        // The options ssh-keygen -Y verify -n file enforces, enforced alike.
        let key_part = line.split_once("namespaces=\"file\" ").unwrap().1;
        let with = |opts: &str| ssh_key(&format!("a@example.org,b@example.org {opts} {key_part}")).unwrap();
        let now = 1_800_000_000; // 2027-01-15
        assert_eq!(with("namespaces=\"file,git\"").refused(now), None);
        assert_eq!(with("").identity(), Some("a@example.org"), "one principal for -I");
        let refused = |opts: &str| with(opts).refused(now).map(|(why, _)| why).unwrap_or_default();
        assert!(refused("cert-authority,namespaces=\"file\"").contains("cert-authority"));
        assert!(refused("namespaces=\"git\"").contains("namespaces `git`, not `file`"));
        assert!(refused("valid-before=\"20200101\"").contains("expired"));
        assert_eq!(with("valid-before=\"20270116\"").refused(now), None);
        assert!(refused("valid-after=\"202702010000Z\"").contains("not valid yet"));
        assert!(refused("no-touch-required").contains("`no-touch-required`"));
    }
}
