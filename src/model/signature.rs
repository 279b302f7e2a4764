//! What checking a signature found, as plain data: the check stage fills it in, the plan
//! decides what is fatal, the outputs show it. Not an error type: every outcome is data.

use serde::{Deserialize, Serialize};

/// What checking one signature found. Only `Good` lets a release through by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub outcome: Outcome,
    /// Full fingerprint of the signing certificate (or of the issuer, when unknown);
    /// shared, as one key signs many files.
    pub fingerprint: Option<std::sync::Arc<str>>,
    /// The signer's primary user id (shared likewise).
    pub user_id: Option<std::sync::Arc<str>>,
    /// Signature creation time, Unix seconds.
    pub signed_at: Option<i64>,
    /// Why, in words, when not good.
    pub detail: String,
}

impl Check {
    pub fn missing() -> Check {
        Check { outcome: Outcome::Missing, fingerprint: None, user_id: None, signed_at: None, detail: String::new() }
    }
}
