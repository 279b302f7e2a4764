//! sigstore-crypto's verification primitives on the RustCrypto crates closer already
//! builds for OpenPGP (p256, p384, ed25519-dalek, rsa, sha2): Sigstore verification
//! stays pure Rust, with no C library to build.

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
    use ecdsa::signature::hazmat::PrehashVerifier;
    let bad = |_| invalid(scheme);
    match scheme {
        SigningScheme::EcdsaP256Sha256 | SigningScheme::EcdsaP256Sha384 => {
            let k = p256::ecdsa::VerifyingKey::from_sec1_bytes(key).map_err(bad)?;
            let s = p256::ecdsa::DerSignature::from_bytes(sig).map_err(bad)?;
            k.verify_prehash(digest, &s).map_err(bad)
        }
        SigningScheme::EcdsaP384Sha256 | SigningScheme::EcdsaP384Sha384 => {
            let k = p384::ecdsa::VerifyingKey::from_sec1_bytes(key).map_err(bad)?;
            let s = p384::ecdsa::DerSignature::from_bytes(sig).map_err(bad)?;
            k.verify_prehash(digest, &s).map_err(bad)
        }
        _ => Err(Error::UnsupportedAlgorithm(format!("{scheme:?} is not ECDSA"))),
    }
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

fn digest(algorithm: HashAlgorithm, data: &[u8]) -> Result<Vec<u8>> {
    Ok(match algorithm {
        HashAlgorithm::Sha2256 => sha2::Sha256::digest(data).to_vec(),
        HashAlgorithm::Sha2384 => sha2::Sha384::digest(data).to_vec(),
        HashAlgorithm::Sha2512 => sha2::Sha512::digest(data).to_vec(),
        other => return Err(Error::UnsupportedAlgorithm(format!("cannot compute {other} digests"))),
    })
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
        if scheme == SigningScheme::Ed25519 {
            use ed25519_dalek::Verifier;
            let k: [u8; 32] = key.try_into().map_err(|_| invalid(scheme))?;
            let k = ed25519_dalek::VerifyingKey::from_bytes(&k).map_err(|_| invalid(scheme))?;
            let s = ed25519_dalek::Signature::from_slice(sig).map_err(|_| invalid(scheme))?;
            return k.verify(data, &s).map_err(|_| invalid(scheme));
        }
        let algorithm = scheme
            .hash_algorithm()
            .ok_or_else(|| Error::UnsupportedAlgorithm(format!("{scheme:?} is not supported")))?;
        self.verify_prehashed(scheme, key, &digest(algorithm, data)?, sig)
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

static PROVIDER: RustCrypto = RustCrypto;

/// Installs the provider for the process (once; later calls do nothing).
pub fn install() {
    let _ = sigstore_crypto::install_default_provider(&PROVIDER);
}
