//! sigstore-crypto's verification primitives on crates closer already builds: ring
//! (there for rustls) verifies whole messages, which is most of a bundle's checks
//! (certificate chains, SCTs, log promises, checkpoints, timestamps) and ten times
//! faster on P-384 than the pure-Rust curves; the RustCrypto crates sequoia builds
//! (p256, p384, rsa) verify over a digest, which ring cannot (the artifact's own
//! signature, over the SHA-256 the checksum pass computed). No aws-lc to build.

use sha2::Digest;
use sigstore_crypto::{CryptoProvider, Error, HashContext, Result, SigningScheme};
use sigstore_types::HashAlgorithm;

/// The provider closer installs before it verifies its first bundle.
#[derive(Debug)]
pub struct RustCrypto;

struct Hasher<D>(D);

impl<D: Digest + Send + 'static> HashContext for Hasher<D> {
    fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    fn finalize(self: Box<Self>) -> Vec<u8> {
        self.0.finalize().to_vec()
    }
}

fn invalid(scheme: SigningScheme) -> Error {
    Error::Verification(format!("{} signature invalid", scheme.name()))
}

/// Verifies an ECDSA signature (DER) over a digest of any length (P-256 with SHA-384
/// and P-384 with SHA-256 are valid, if unusual).
fn ecdsa_prehash(scheme: SigningScheme, key: &[u8], digest: &[u8], sig: &[u8]) -> Result<()> {
    let p384 = match scheme {
        SigningScheme::EcdsaP256Sha256 | SigningScheme::EcdsaP256Sha384 => false,
        SigningScheme::EcdsaP384Sha256 | SigningScheme::EcdsaP384Sha384 => true,
        _ => return Err(Error::UnsupportedAlgorithm(format!("{scheme:?} is not ECDSA"))),
    };
    crate::check::cosign_key::ecdsa_prehash(p384, key, digest, sig).then_some(()).ok_or_else(|| invalid(scheme))
}

fn rsa_prehash(scheme: SigningScheme, key: &[u8], digest: &[u8], sig: &[u8]) -> Result<()> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::{Pkcs1v15Sign, Pss, RsaPublicKey};
    let k = RsaPublicKey::from_pkcs1_der(key).map_err(|_| invalid(scheme))?;
    let r = match scheme {
        SigningScheme::RsaPkcs1Sha256 => k.verify(Pkcs1v15Sign::new::<sha2::Sha256>(), digest, sig),
        SigningScheme::RsaPkcs1Sha384 => k.verify(Pkcs1v15Sign::new::<sha2::Sha384>(), digest, sig),
        SigningScheme::RsaPkcs1Sha512 => k.verify(Pkcs1v15Sign::new::<sha2::Sha512>(), digest, sig),
        SigningScheme::RsaPssSha256 => k.verify(Pss::new::<sha2::Sha256>(), digest, sig),
        SigningScheme::RsaPssSha384 => k.verify(Pss::new::<sha2::Sha384>(), digest, sig),
        SigningScheme::RsaPssSha512 => k.verify(Pss::new::<sha2::Sha512>(), digest, sig),
        _ => return Err(Error::UnsupportedAlgorithm(format!("{scheme:?} is not RSA"))),
    };
    r.map_err(|_| invalid(scheme))
}

impl CryptoProvider for RustCrypto {
    fn hash(&self, algorithm: HashAlgorithm) -> Result<Box<dyn HashContext>> {
        Ok(match algorithm {
            HashAlgorithm::Sha2256 => Box::new(Hasher(sha2::Sha256::new())),
            HashAlgorithm::Sha2384 => Box::new(Hasher(sha2::Sha384::new())),
            HashAlgorithm::Sha2512 => Box::new(Hasher(sha2::Sha512::new())),
            other => return Err(Error::UnsupportedAlgorithm(format!("cannot compute {other} digests"))),
        })
    }

    fn verify_raw(&self, scheme: SigningScheme, key: &[u8], data: &[u8], sig: &[u8]) -> Result<()> {
        use ring::signature as r;
        let algorithm: &dyn r::VerificationAlgorithm = match scheme {
            SigningScheme::EcdsaP256Sha256 => &r::ECDSA_P256_SHA256_ASN1,
            SigningScheme::EcdsaP256Sha384 => &r::ECDSA_P256_SHA384_ASN1,
            SigningScheme::EcdsaP384Sha256 => &r::ECDSA_P384_SHA256_ASN1,
            SigningScheme::EcdsaP384Sha384 => &r::ECDSA_P384_SHA384_ASN1,
            SigningScheme::Ed25519 => &r::ED25519,
            SigningScheme::RsaPkcs1Sha256 => &r::RSA_PKCS1_2048_8192_SHA256,
            SigningScheme::RsaPkcs1Sha384 => &r::RSA_PKCS1_2048_8192_SHA384,
            SigningScheme::RsaPkcs1Sha512 => &r::RSA_PKCS1_2048_8192_SHA512,
            SigningScheme::RsaPssSha256 => &r::RSA_PSS_2048_8192_SHA256,
            SigningScheme::RsaPssSha384 => &r::RSA_PSS_2048_8192_SHA384,
            SigningScheme::RsaPssSha512 => &r::RSA_PSS_2048_8192_SHA512,
            _ => return Err(Error::UnsupportedAlgorithm(format!("{scheme:?} is not supported by closer"))),
        };
        let memo = memo::key(scheme, key, data, sig);
        if memo::known(&memo, data) {
            return Ok(());
        }
        r::UnparsedPublicKey::new(algorithm, key).verify(data, sig).map_err(|_| invalid(scheme))?;
        memo::remember(memo, data);
        Ok(())
    }

    fn verify_prehashed(&self, scheme: SigningScheme, key: &[u8], digest: &[u8], sig: &[u8]) -> Result<()> {
        match scheme {
            SigningScheme::EcdsaP256Sha256
            | SigningScheme::EcdsaP256Sha384
            | SigningScheme::EcdsaP384Sha256
            | SigningScheme::EcdsaP384Sha384 => ecdsa_prehash(scheme, key, digest, sig),
            SigningScheme::Ed25519 => Err(Error::UnsupportedAlgorithm("Ed25519 signs messages, not digests".into())),
            SigningScheme::MlDsa44 | SigningScheme::MlDsa65 | SigningScheme::MlDsa87 => {
                Err(Error::UnsupportedAlgorithm(format!("{scheme:?} is not supported by closer")))
            }
            _ => rsa_prehash(scheme, key, digest, sig),
        }
    }
}

/// Verifications not made twice, since a signature that verified once verifies again:
/// those of the trusted root's own certificates (the timestamp authority's chain is the
/// same in every bundle), kept for the run, and, within one bundle, the signing
/// certificate's, which sigstore-verify checks once per verified time. Nothing else is
/// kept across bundles: each bundle's own signatures are always verified.
pub mod memo {
    use super::SigningScheme;
    use sha2::{Digest, Sha256};
    use std::cell::RefCell;
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};

    type Key = [u8; 32];

    /// The signed parts (TBSCertificate) of the root's certificates, by SHA-256.
    static ROOT_SIGNED: OnceLock<Mutex<HashSet<Key>>> = OnceLock::new();
    /// Verified signatures over them.
    static ROOT_OK: OnceLock<Mutex<HashSet<Key>>> = OnceLock::new();

    thread_local! {
        static BUNDLE_OK: RefCell<Vec<Key>> = const { RefCell::new(Vec::new()) };
    }

    fn set(s: &'static OnceLock<Mutex<HashSet<Key>>>) -> &'static Mutex<HashSet<Key>> {
        s.get_or_init(Default::default)
    }

    pub fn key(scheme: SigningScheme, key: &[u8], data: &[u8], sig: &[u8]) -> Key {
        let mut h = Sha256::new();
        for part in [scheme.name().as_bytes(), key, data, sig] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
        h.finalize().into()
    }

    fn is_root(data: &[u8]) -> bool {
        set(&ROOT_SIGNED).lock().is_ok_and(|s| s.contains(&<Key>::from(Sha256::digest(data))))
    }

    pub fn known(key: &Key, data: &[u8]) -> bool {
        BUNDLE_OK.with(|b| b.borrow().contains(key))
            || (is_root(data) && set(&ROOT_OK).lock().is_ok_and(|s| s.contains(key)))
    }

    pub fn remember(key: Key, data: &[u8]) {
        if is_root(data) {
            if let Ok(mut s) = set(&ROOT_OK).lock() {
                s.insert(key);
            }
        } else {
            BUNDLE_OK.with(|b| b.borrow_mut().push(key));
        }
    }

    /// Starts a bundle: what the last one verified is forgotten.
    pub fn begin_bundle() {
        BUNDLE_OK.with(|b| b.borrow_mut().clear());
    }

    /// Registers a trusted root's certificates (DER).
    pub fn root_certificates<'a>(certs: impl Iterator<Item = &'a [u8]>) {
        if let Ok(mut s) = set(&ROOT_SIGNED).lock() {
            s.extend(certs.filter_map(super::tbs).map(|t| <Key>::from(Sha256::digest(t))));
        }
    }
}

/// The signed part of a DER certificate: the first element of its outer SEQUENCE.
fn tbs(cert: &[u8]) -> Option<&[u8]> {
    /// (header length, content length) of the DER element at the start of `b`.
    fn element(b: &[u8]) -> Option<(usize, usize)> {
        let first = *b.get(1)?;
        if first < 0x80 {
            return Some((2, first as usize));
        }
        let n = (first & 0x7f) as usize;
        let len = b.get(2..2 + n)?.iter().try_fold(0usize, |acc, &x| acc.checked_mul(256)?.checked_add(x as usize))?;
        Some((2 + n, len))
    }
    let (outer, _) = element(cert).filter(|_| cert.first() == Some(&0x30))?;
    let inner = &cert[outer..];
    let (head, len) = element(inner).filter(|_| inner.first() == Some(&0x30))?;
    inner.get(..head + len)
}

static PROVIDER: RustCrypto = RustCrypto;

/// Installs the provider for the process (once; later calls do nothing).
pub fn install() {
    let _ = sigstore_crypto::install_default_provider(&PROVIDER);
}

#[cfg(test)]
mod tests {
    #[test]
    fn signed_part_of_a_certificate() {
        // SEQUENCE { SEQUENCE { 01 02 } , 05 00 } and a long-form length.
        assert_eq!(super::tbs(&[0x30, 0x06, 0x30, 0x02, 0x01, 0x02, 0x05, 0x00]), Some(&[0x30, 0x02, 0x01, 0x02][..]));
        let mut long = vec![0x30, 0x81, 0x85, 0x30, 0x81, 0x80];
        long.extend([7u8; 0x80]);
        long.extend([0x05, 0x00]);
        assert_eq!(super::tbs(&long).map(<[u8]>::len), Some(0x83));
        assert_eq!(super::tbs(&[0x30, 0x05, 0x30, 0x09]), None, "truncated");
        assert_eq!(super::tbs(&[0x02, 0x01, 0x00]), None, "not a SEQUENCE");
    }
}
