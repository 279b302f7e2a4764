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
    /// A Sigstore signature whose certificate, log entry or timestamp the pinned trusted
    /// root does not vouch for.
    Untrusted,
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
            Outcome::Untrusted => "untrusted",
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
            Outcome::Untrusted,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

/// What the Sigstore stage says (as its check's `detail`, with the outcome `missing`) of a
/// bundle signed with a key, not an identity (`cosign sign-blob --key ... --bundle`, what
/// cosign 3 writes): the key stage checks it against the page's `cosign:` keys.
pub const KEY_BUNDLE: &str = "a bundle signed with a key, not a Sigstore identity";

/// What a good signify signature that embeds its list says (as its check's `detail`)
/// when the plain list published beside it is another text (OpenBSD's `SHA256` edited
/// after `SHA256.sig` was made): the embedded list vouches, the plain one misleads.
pub const LIST_DIFFERS: &str = "the list beside it is not the list it signs";

/// The detail of a file signed through a list that gives the digest of the tar inside it
/// (SBCL's lists name `X.tar` of `X.tar.bz2`): its page's lines uncompress it first.
pub const OF_UNCOMPRESSED: &str = "the signed list gives the digest of the tar inside it";

/// What a minisign signature kept base64-encoded on one line (Tauri's updater `X.sig`)
/// says as its check's `user_id`, so its verify lines decode it first.
pub const BASE64_MINISIGN: &str = "minisign, base64";

/// What a good OpenPGP signature's check says (as its `detail`) when its key was
/// retired after it signed (a soft revocation: superseded, no longer used): gpg warns
/// "This key has been revoked by its owner!", and the page says why that is expected.
pub const RETIRED_AFTER: &str = "its key was retired after it signed";

/// How a signature's detail ends when this build's OpenPGP backend cannot check its key
/// (brainpool and secp256k1 curves in the pure-Rust one): `plan::checks` gives the fix.
pub const UNSUPPORTED: &str = "this closer's OpenPGP backend cannot check (gpg can)";

/// The tool that made a signature by a key the project's page names (`minisign:`,
/// `signify:`, `cosign:`). Such a key has no user id, so a check records its tool there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyTool {
    Minisign,
    Signify,
    Cosign,
    /// `ssh-keygen -Y sign`.
    Ssh,
}

impl KeyTool {
    /// Its command's name, as pages, problems and `closer releases --json` say it.
    pub fn name(self) -> &'static str {
        match self {
            KeyTool::Minisign => "minisign",
            KeyTool::Signify => "signify",
            KeyTool::Cosign => "cosign",
            KeyTool::Ssh => "ssh",
        }
    }

    /// What a check's `user_id` says for this tool (minisign's says nothing).
    pub fn marker(self) -> Option<std::sync::Arc<str>> {
        match self {
            KeyTool::Minisign => None,
            KeyTool::Signify => Some("signify key".into()),
            KeyTool::Cosign => Some("cosign key".into()),
            KeyTool::Ssh => Some("ssh key".into()),
        }
    }

    /// The id a page's key has for this tool: minisign's key id (signify's keys are
    /// minisign's), a cosign key's, or an SSH key's fingerprint.
    pub fn id_of(self, k: &MinisignKey) -> Option<String> {
        match self {
            KeyTool::Minisign | KeyTool::Signify => k.id(),
            KeyTool::Cosign => k.cosign_id(),
            KeyTool::Ssh => k.ssh_id(),
        }
    }

    /// The tool a check of a key signature records.
    pub fn of(check: &Check) -> KeyTool {
        // (A minisign signature kept base64-encoded says [`BASE64_MINISIGN`]: minisign's.)
        match check.user_id.as_deref() {
            Some("cosign key") => KeyTool::Cosign,
            Some("signify key") => KeyTool::Signify,
            Some("ssh key") => KeyTool::Ssh,
            _ => KeyTool::Minisign,
        }
    }
}

/// The result of checking one artifact's signature. For a Sigstore signature,
/// `fingerprint` is the certificate's OIDC issuer and `user_id` its identity.
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
    /// (A `Box<str>`: every artifact's signature carries a `Check`.)
    pub detail: Box<str>,
}

impl Check {
    pub fn missing() -> Check {
        Check { outcome: Outcome::Missing, fingerprint: None, user_id: None, signed_at: None, detail: Box::default() }
    }
}

/// Which signatures a project requires of each artifact (`signatures:` on its page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Require {
    /// A good `.asc` (the default without Sigstore signers).
    Openpgp,
    /// A good Sigstore bundle by one of the project's signers.
    Sigstore,
    /// A good signature by a key the project's page names: minisign's, signify's,
    /// cosign's or SSH's (`signify`, `cosign`, `ssh` say the same).
    #[serde(alias = "signify", alias = "cosign", alias = "ssh", alias = "usign")]
    Minisign,
    /// Any one of the kinds the project signs with (the default when it names Sigstore
    /// signers or minisign keys).
    Either,
    /// OpenPGP and each other kind the project names.
    Both,
}

/// Whether a signer of `lines` signs the release `version` of `line`: no line is named,
/// the line is named, or the version starts with a named line at a dot (`3.14.1` is
/// of `3.14`).
pub(crate) fn on_lines(lines: &[String], line: Option<&str>, version: &str) -> bool {
    lines.is_empty()
        || lines.iter().any(|l| {
            line == Some(l.as_str())
                || version.strip_prefix(l.as_str()).is_some_and(|r| r.is_empty() || r.starts_with('.'))
        })
}

/// A public key a project signs with, alone or with the release lines it signs: a
/// minisign (or signify) key under `minisign:` on its page (the base64 line of
/// `minisign.pub`), or a cosign key under `cosign:` (the PEM text of `cosign.pub`).
/// What KEYS is for OpenPGP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MinisignKey {
    pub key: String,
    /// The release lines this key signs; empty: every line.
    pub lines: Vec<String>,
}

/// The key of a page's `minisign:` entry: the line given, or of the whole `minisign.pub`
/// pasted as a YAML block (as `cosign:` takes `cosign.pub`), its second line.
fn key_line(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    match lines.as_slice() {
        [comment, key] if comment.starts_with("untrusted comment:") => key.to_string(),
        _ => text.trim().to_string(),
    }
}

/// A key alone (`- RWS...`) or `key:` with `lines:`; any other field is refused by name
/// (a `line:` typo read as no field would let the key sign every line).
impl<'de> Deserialize<'de> for MinisignKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<MinisignKey, D::Error> {
        use serde::de::{Error, MapAccess, Visitor};
        struct Key;
        impl<'de> Visitor<'de> for Key {
            type Value = MinisignKey;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a public key (one line), or `key:` with the `lines:` it signs")
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<MinisignKey, E> {
                Ok(MinisignKey { key: key_line(v), lines: Vec::new() })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MinisignKey, A::Error> {
                let (mut key, mut lines) = (None, Vec::new());
                while let Some(field) = map.next_key::<String>()? {
                    match field.as_str() {
                        "key" => key = Some(map.next_value::<String>()?),
                        "lines" => lines = map.next_value::<Vec<String>>()?,
                        "untrusted comment" => {
                            return Err(A::Error::custom(
                                "this is the first line of minisign.pub (`untrusted comment: ...`); give its \
                                 second line, the key itself (RW...)",
                            ));
                        }
                        other => return Err(A::Error::unknown_field(other, &["key", "lines"])),
                    }
                }
                let key = key.ok_or_else(|| A::Error::missing_field("key"))?;
                Ok(MinisignKey { key: key_line(&key), lines })
            }
        }
        d.deserialize_any(Key)
    }
}

impl MinisignKey {
    /// Whether this key signs the release `version` of `line`.
    pub fn signs(&self, line: Option<&str>, version: &str) -> bool {
        on_lines(&self.lines, line, version)
    }

    /// Its key id as minisign prints it (upper-case hex, without leading zeros), when it is a key.
    pub fn id(&self) -> Option<String> {
        minisign_key_id(&self.key, 42)
    }

    /// Its id as a cosign key, when it is one (see [`cosign_key_id`]).
    pub fn cosign_id(&self) -> Option<String> {
        cosign_key_der(&self.key).map(|der| cosign_key_id(&der))
    }

    /// Its fingerprint as an SSH key, when it is one (see [`ssh_key_id`]).
    pub fn ssh_id(&self) -> Option<String> {
        ssh_key(&self.key).map(|k| ssh_key_id(&k.blob))
    }
}

/// An SSH public key as a page names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshKey {
    /// Who it is for, when the line gives one (`allowed_signers`' principals, comma
    /// separated).
    pub principal: Option<String>,
    /// The key in SSH's wire format.
    pub blob: Vec<u8>,
    /// The `allowed_signers` options between the principals and the key.
    pub options: SshOptions,
}

/// The options of an `allowed_signers` line that `ssh-keygen -Y verify` enforces; closer
/// enforces them too, so that a key it accepts is one the page's line accepts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SshOptions {
    /// `cert-authority`: the key signs certificates, not files.
    pub cert_authority: bool,
    /// `namespaces="file,git"`: the namespaces the key may sign in.
    pub namespaces: Option<Vec<String>>,
    /// `valid-after="YYYYMMDD[HHMM[SS]]"` and `valid-before=...`, as written.
    pub valid_after: Option<String>,
    pub valid_before: Option<String>,
    /// Options ssh-keygen does not know either.
    pub unknown: Vec<String>,
}

impl SshKey {
    /// The principal the page's `ssh-keygen -Y verify -I` names: the first of the line's.
    pub fn identity(&self) -> Option<&str> {
        self.principal.as_deref().and_then(|p| p.split(',').next())
    }

    /// Why `ssh-keygen -Y verify -n file` refuses this key at `now` (Unix time), with
    /// the fix, if it does.
    pub fn refused(&self, now: i64) -> Option<(String, &'static str)> {
        let o = &self.options;
        if o.cert_authority {
            return Some((
                "is a `cert-authority` line: it vouches for SSH certificates, and closer verifies signatures by plain keys".into(),
                "name the key that signs the files itself (its .pub line), without `cert-authority`",
            ));
        }
        if let Some(u) = o.unknown.first() {
            return Some((
                format!("has the option `{u}`, which ssh-keygen does not know"),
                "remove it; an allowed_signers line may give cert-authority, namespaces, valid-after and valid-before",
            ));
        }
        if let Some(ns) = o.namespaces.as_ref().filter(|ns| !ns.iter().any(|n| n == "file" || n == "*")) {
            return Some((
                format!(
                    "may sign only in the namespaces `{}`, not `file`, in which releases are signed and checked",
                    ns.join(",")
                ),
                "add `file` to its namespaces=\"...\" (releases are signed with `ssh-keygen -Y sign -n file`)",
            ));
        }
        let (y, mo, d, h, mi, sec) = crate::util::text::civil(now);
        let now = format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{sec:02}");
        let stamp = |t: &str| format!("{:0<14}", t.trim_end_matches(['Z', 'z']));
        if let Some(b) = o.valid_before.as_deref().filter(|b| stamp(b) <= now) {
            return Some((
                format!("expired: its valid-before=\"{b}\" has passed"),
                "renew the key's validity on the page (valid-before), or name the key that signs now",
            ));
        }
        if let Some(a) = o.valid_after.as_deref().filter(|a| stamp(a) > now) {
            return Some((format!("is not valid yet: valid-after=\"{a}\""), "correct valid-after on the page"));
        }
        None
    }
}

/// The key types an `allowed_signers` or `.pub` line may give that closer verifies.
const SSH_KEY_TYPES: [&str; 4] = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ssh-rsa"];

/// An SSH key from an `allowed_signers` line (`releases@example.org ssh-ed25519 AAAA...`,
/// options such as `namespaces="file"` between) or a `.pub` line (`ssh-ed25519 AAAA...
/// comment`).
pub fn ssh_key(line: &str) -> Option<SshKey> {
    use base64::Engine;
    let words: Vec<&str> = line.split_ascii_whitespace().collect();
    let at = words.iter().position(|w| SSH_KEY_TYPES.contains(w))?;
    let blob = base64::engine::general_purpose::STANDARD.decode(words.get(at + 1)?).ok()?;
    let mut r = blob.as_slice();
    (ssh_string(&mut r)? == words[at].as_bytes()).then_some(())?;
    let options = ssh_options(&words.get(1..at).unwrap_or_default().join(" "));
    Some(SshKey { principal: (at > 0).then(|| words[0].to_string()), blob, options })
}

/// The options of an `allowed_signers` line: comma-separated, values in double quotes.
fn ssh_options(text: &str) -> SshOptions {
    let mut parts = Vec::new();
    let (mut part, mut quoted) = (String::new(), false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => parts.push(std::mem::take(&mut part)),
            c => part.push(c),
        }
    }
    parts.push(part);
    let mut o = SshOptions::default();
    for p in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let (name, value) = p.split_once('=').map_or((p, None), |(n, v)| (n, Some(v.to_string())));
        match name.to_ascii_lowercase().as_str() {
            "cert-authority" => o.cert_authority = true,
            "namespaces" => o.namespaces = value.map(|v| v.split(',').map(|n| n.trim().to_string()).collect()),
            "valid-after" => o.valid_after = value,
            "valid-before" => o.valid_before = value,
            _ => o.unknown.push(p.to_string()),
        }
    }
    o
}

/// An SSH key's fingerprint as `ssh-keygen -l` prints it: `SHA256:` and the unpadded
/// base64 of the SHA-256 of its blob.
pub fn ssh_key_id(blob: &[u8]) -> String {
    use base64::Engine;
    use sha2::Digest;
    format!("SHA256:{}", base64::engine::general_purpose::STANDARD_NO_PAD.encode(sha2::Sha256::digest(blob)))
}

/// One string of SSH's wire format (a 32-bit length, then the bytes), taken off `r`.
pub fn ssh_string<'a>(r: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (n, rest) = r.split_first_chunk::<4>()?;
    let n = usize::try_from(u32::from_be_bytes(*n)).ok()?;
    let (s, rest) = (rest.get(..n)?, rest.get(n..)?);
    *r = rest;
    Some(s)
}

/// The SubjectPublicKeyInfo of a PEM public key (`cosign.pub`: `-----BEGIN PUBLIC
/// KEY-----`, base64, `-----END PUBLIC KEY-----`).
pub fn cosign_key_der(pem: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let body = pem.trim().strip_prefix("-----BEGIN PUBLIC KEY-----")?.strip_suffix("-----END PUBLIC KEY-----")?;
    let text: String = body.split_whitespace().collect();
    base64::engine::general_purpose::STANDARD.decode(text).ok().filter(|d| d.first() == Some(&0x30))
}

/// A cosign key's id: the first 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo,
/// what `openssl pkey -pubin -in cosign.pub -outform DER | sha256sum` begins with
/// (cosign's signatures name no key, so this is closer's name for it).
pub fn cosign_key_id(der: &[u8]) -> String {
    use sha2::Digest;
    crate::util::text::hex(&sha2::Sha256::digest(der)[..8])
}

/// The key id in a minisign key or signature line (base64 of the algorithm, the 8-byte
/// id and the rest, `len` bytes in all), as minisign prints it: little-endian, in hex.
pub fn minisign_key_id(line: &str, len: usize) -> Option<String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(line.trim()).ok().filter(|b| b.len() == len)?;
    Some(minisign_id(&bytes[2..10]))
}

/// An 8-byte minisign key id as minisign prints it: a little-endian number in upper-case
/// hex, without leading zeros (`minisign.pub`'s comment says `34349B7E9A2F96F`).
pub fn minisign_id(bytes: &[u8]) -> String {
    let mut le = [0u8; 8];
    le.copy_from_slice(&bytes[..8]);
    format!("{:X}", u64::from_le_bytes(le))
}

/// The OIDC issuers people sign releases through: the URL certificates name, and the
/// name people know.
const ISSUERS: [(&str, &str); 6] = [
    ("https://github.com/login/oauth", "GitHub"),
    ("https://accounts.google.com", "Google"),
    ("https://login.microsoftonline.com", "Microsoft"),
    ("https://token.actions.githubusercontent.com", "GitHub Actions"),
    ("https://gitlab.com", "GitLab"),
    ("https://oauth2.sigstore.dev/auth", "Sigstore OAuth"),
];

/// Who may sign a project's artifacts with Sigstore: a certificate identity (an email
/// or a workflow URI) and the OIDC issuer that vouched for it, on some release lines or
/// on all of them. What KEYS is for OpenPGP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signer {
    pub identity: String,
    pub issuer: String,
    /// The release lines (`3.14`) this signer signs; empty: every line.
    #[serde(default)]
    pub lines: Vec<String>,
}

impl Signer {
    /// Whether this signer signs the release `version` of `line`: the line is named,
    /// or the version starts with a named line at a dot (`3.14.1` is of `3.14`).
    pub fn signs(&self, line: Option<&str>, version: &str) -> bool {
        on_lines(&self.lines, line, version)
    }

    /// Does the certificate identity `identity` name this signer? The same text; or, for
    /// a CI workflow written without its ref (`https://github.com/llvm/llvm-project/
    /// .github/workflows/release-binaries.yml`), that workflow run at any ref, since each
    /// release's tag is in the identity (`...@refs/tags/llvmorg-19.1.5`); or, for one
    /// written with `*`, any identity the glob matches (`...@refs/tags/*`: tags only).
    pub fn names(&self, identity: &str) -> bool {
        let page = self.identity.as_str();
        if page == identity {
            return true;
        }
        if page.contains('*') {
            return globset::Glob::new(page).is_ok_and(|g| g.compile_matcher().is_match(identity));
        }
        page.starts_with("https://")
            && !page.contains('@')
            && identity.strip_prefix(page).is_some_and(|rest| rest.starts_with('@'))
    }

    /// The issuer as people know it: "GitHub", "Google", "GitHub Actions", else its URL.
    pub fn issuer_name(issuer: &str) -> &str {
        ISSUERS.iter().find(|(url, _)| *url == issuer).map_or(issuer, |(_, name)| name)
    }

    /// Why a page's issuer cannot match any certificate's, with the URL it likely means:
    /// a name instead of the URL (`github`), or the URL with a trailing `/`.
    pub fn issuer_problem(issuer: &str) -> Option<(String, String)> {
        let trimmed = issuer.trim_end_matches('/');
        let by_name = ISSUERS.iter().find(|(url, name)| name.eq_ignore_ascii_case(issuer) || *url == trimmed);
        let known = || ISSUERS.iter().map(|(u, n)| format!("{u} ({n})")).collect::<Vec<_>>().join(", ");
        match by_name {
            Some((url, _)) if *url == issuer => None,
            Some((url, _)) => {
                Some(("is not the issuer's URL as certificates name it".into(), format!("write `issuer: {url}`")))
            }
            None if url::Url::parse(issuer).map_or(true, |u| u.scheme() != "https" || u.host_str().is_none()) => {
                Some((
                    "is not an https URL: certificates name their OIDC issuer by URL".into(),
                    format!("give the issuer's URL, e.g. one of {}", known()),
                ))
            }
            None if issuer.ends_with('/') => {
                Some(("ends with `/`, which certificates do not write".into(), format!("write `issuer: {trimmed}`")))
            }
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    /// minisign prints its ids without leading zeros (`minisign.pub`'s comment line);
    /// closer names a key the same way, so the id on a page is the one in the file.
    #[test]
    fn minisign_ids_are_printed_as_minisign_prints_them() {
        assert_eq!(super::minisign_id(&[0x6F, 0x96, 0x2F, 0x9A, 0x7E, 0x9B, 0x34, 0x03]), "3349B7E9A2F966F");
        assert_eq!(super::minisign_id(&[0x6F, 0x96, 0x2F, 0x9A, 0x7E, 0x9B, 0x34, 0xA3]), "A3349B7E9A2F966F");
    }
}
