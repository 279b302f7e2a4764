//! minisign: every artifact's `F.minisig` (Zig, libsodium, dnscrypt-proxy) is verified
//! against the minisign keys its project's page names (`minisign:`): Ed25519 over the
//! file's BLAKE2b-512 (or over the file itself, minisign's legacy form), and over the
//! trusted comment. This stage records which key signed, as data, and caches it like the
//! other checks; whether that key may sign the release's line is the plan's question
//! (`plan::minisign`). Checksum lists signed with a key other than OpenPGP's are checked
//! here too: minisign's `.minisig`, signify's `SHA256.sig`, and cosign's keyed `.sig`
//! (`check::cosign_key`, against the keys under `cosign:`), as are files each signed
//! with a cosign key or with signify in an `F.sig` that is not OpenPGP.

use super::cache;
use super::companion_cache::{self, Key};
use super::cosign_key::{self, Message};
use crate::input::content::Content;
use crate::model::signature::{Check, KeyTool, Outcome, minisign_key_id};
use crate::model::tree::{Artifact, ListScheme, SignedList, Tree};
use crate::util::problem::{Problem, Problems};
use anyhow::Result;
use base64::Engine;
use minisign_verify::{Error as MsError, PublicKey, Signature};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

// v2: key ids without leading zeros, as minisign prints them. v4: a good signature whose
// trusted comment names another file is bad.
const CACHE_KIND: &str = "minisign v4";

/// A signature file over 64 KiB is not minisign's (four short lines).
const MAX_SIG: u64 = 64 << 10;

/// A project's keys, parsed (with the raw Ed25519 key, for signify), with a hash of them
/// all (part of each check's cache key).
struct Keys {
    keys: Vec<(String, PublicKey)>,
    raw: Vec<(String, [u8; 32])>,
    /// The cosign keys, by id (`cosign:`).
    cosign: Vec<super::cosign_key::PublicKey>,
    /// The SSH keys, by fingerprint (`ssh:`).
    ssh: Vec<super::ssh_sig::PublicKey>,
    hash: [u8; 32],
}

/// Parses the keys each project's page names; a key that is not one is a problem on
/// that page.
fn project_keys(content: &Content, problems: &mut Problems) -> BTreeMap<String, Keys> {
    let mut out = BTreeMap::new();
    for (name, page) in &content.projects {
        let (mut keys, mut raw) = (Vec::new(), Vec::new());
        let mut h = Sha256::new();
        for k in &page.matter.minisign {
            match (PublicKey::from_base64(&k.key), k.id()) {
                (Ok(pk), Some(id)) => {
                    h.update(k.key.as_bytes());
                    h.update(b"\n");
                    let bytes = base64::engine::general_purpose::STANDARD.decode(&k.key).unwrap_or_default();
                    raw.push((id.clone(), bytes[10..].try_into().unwrap_or([0; 32])));
                    keys.push((id, pk));
                }
                _ => problems.push(
                    Problem::new(
                        page.path.display().to_string(),
                        format!("minisign key `{}` is not a minisign public key", k.key),
                    )
                    .hint("give the second line of the project's minisign.pub (56 characters, starting with RW)"),
                ),
            }
        }
        let mut cosign = Vec::new();
        for k in &page.matter.cosign {
            match crate::model::signature::cosign_key_der(&k.key) {
                Some(der) => {
                    h.update(&der);
                    cosign.push((crate::model::signature::cosign_key_id(&der), der));
                }
                None => problems.push(
                    Problem::new(page.path.display().to_string(), "a key under `cosign:` is not a PEM public key")
                        .hint("give the whole text of the project's cosign.pub, from -----BEGIN PUBLIC KEY----- to -----END PUBLIC KEY-----, as a YAML block (`- |`)"),
                ),
            }
        }
        let ssh = ssh_keys(page, &mut h, problems);
        if !keys.is_empty() || !cosign.is_empty() || !ssh.is_empty() {
            out.insert(name.clone(), Keys { keys, raw, cosign, ssh, hash: h.finalize().into() });
        }
    }
    out
}

/// One artifact's key signature to check: the file, its signature, the file's SHA-256
/// and SHA-512 (what a cosign key and an SSH key sign) and its project's keys.
struct Todo<'a> {
    rel: String,
    sig: String,
    digests: Option<([u8; 32], [u8; 64])>,
    keys: &'a Keys,
}

/// The SSH keys a project's page names (`ssh:`), each hashed into `h`; a line that is
/// not one is a problem on that page.
fn ssh_keys(
    page: &crate::input::content::Page<crate::input::content::ProjectMatter>,
    h: &mut Sha256,
    problems: &mut Problems,
) -> Vec<super::ssh_sig::PublicKey> {
    let mut out = Vec::new();
    for k in &page.matter.ssh {
        match crate::model::signature::ssh_key(&k.key) {
            Some(key) => {
                // Refused as `ssh-keygen -Y verify` refuses it, so the page's line agrees.
                if let Some((why, fix)) = key.refused(crate::util::clock::now()) {
                    let id = crate::model::signature::ssh_key_id(&key.blob);
                    problems.push(
                        Problem::new(page.path.display().to_string(), format!("the SSH key {id} under `ssh:` {why}"))
                            .hint(fix),
                    );
                }
                h.update(&key.blob);
                out.push((crate::model::signature::ssh_key_id(&key.blob), key.blob));
            }
            None => problems.push(
                Problem::new(page.path.display().to_string(), format!("`{}` under `ssh:` is not an SSH public key", k.key))
                    .hint("give the project's allowed_signers line (`releases@example.org ssh-ed25519 AAAA...`) or its .pub line (ssh-ed25519, ecdsa-sha2-nistp256/384 or ssh-rsa)"),
            ),
        }
    }
    out
}

/// Verifies every artifact's own key signature (minisign's, signify's, a cosign or SSH
/// key's) against its project's keys and stores the outcome on it (`Artifact::minisign`); returns how many were checked (not taken
/// from the cache) and the problems of the keys themselves.
pub fn verify(
    mut tree: Tree,
    content: &Content,
    cache_path: Option<&Path>,
    writes: &mut cache::CacheWrites,
) -> Result<(Tree, u64, Problems)> {
    let mut problems = Problems::default();
    let keys = project_keys(content, &mut problems);
    let none = Keys { keys: Vec::new(), raw: Vec::new(), cosign: Vec::new(), ssh: Vec::new(), hash: [0; 32] };
    adopt(&mut tree);
    let mut cached = companion_cache::load(cache_path, CACHE_KIND, &tree.root);
    let todo: Vec<(usize, Key, Todo)> = tree
        .artifacts()
        .enumerate()
        .filter_map(|(i, (p, _, a))| {
            let sig = a.key_signature()?;
            let keys = keys.get(&p.name).unwrap_or(&none);
            let key = Key { artifact: a.file.stat, files: vec![sig.stat], against: keys.hash };
            let digests = a.file.digests.as_ref().map(|d| (d.sha256, d.sha512));
            Some((i, key, Todo { rel: a.file.rel.to_string(), sig: sig.rel.to_string(), digests, keys }))
        })
        .collect();
    let fresh: Vec<(usize, Key, Check, bool)> = todo
        .into_par_iter()
        .map(|(i, key, t)| match cached.get(&t.rel) {
            Some((old, c)) if *old == key => (i, key, c.clone(), false),
            _ => (i, key, check(&tree.root.join(&t.rel), &tree.root.join(&t.sig), t.digests, t.keys), true),
        })
        .collect();
    let checked = fresh.iter().filter(|f| f.3).count() as u64;
    let by_index: HashMap<usize, (Key, Check)> = fresh.into_iter().map(|(i, k, c, _)| (i, (k, c))).collect();
    cached.clear();
    let set = &mut |a: &mut Artifact, c| a.extra_mut().minisign = Some(Box::new(c));
    companion_cache::record(&mut tree, by_index, set, writes, cache_path, CACHE_KIND);
    // Checksum lists signed with minisign or signify, and through them the files they name.
    let root = tree.root.clone();
    let check_list = |project: &str, list: &SignedList, text: &[u8]| {
        let k = keys.get(project).unwrap_or(&none);
        let of = list.list.as_ref().map_or(&*list.signature.rel, |l| &*l.rel);
        let sig = root.join(&*list.signature.rel);
        if list.scheme == ListScheme::Minisign {
            return (check(&root.join(of), &sig, None, k), None);
        }
        let bytes = match crate::util::fs::read(&sig) {
            Ok(b) => b,
            Err(e) => {
                return (
                    Check { outcome: Outcome::Malformed, detail: format!("{e:#}").into(), ..Check::missing() },
                    None,
                );
            }
        };
        match list.scheme {
            ListScheme::Signify => {
                let (mut c, text) = super::signify::check(&bytes, list.list.as_ref().map(|_| text), &k.raw);
                c.user_id = KeyTool::Signify.marker();
                (c, text)
            }
            ListScheme::CosignKey => {
                // (A key's bundle holds the signature as its message signature.)
                let bundled =
                    super::cosign_key::bundle_signature(&String::from_utf8_lossy(&bytes)).map(String::into_bytes);
                (cosign_key::check(bundled.as_deref().unwrap_or(&bytes), Message::Bytes(text), &k.cosign), None)
            }
            _ => (super::ssh_sig::check(&bytes, Message::Bytes(text), None, &k.ssh), None),
        }
    };
    let scheme = |s: &ListScheme| {
        matches!(s, ListScheme::Minisign | ListScheme::Signify | ListScheme::CosignKey | ListScheme::Ssh)
    };
    super::signed_lists::check_other(&mut tree, &scheme, &check_list, &mut |a, c| {
        a.extra_mut().minisign = Some(Box::new(c))
    });
    Ok((tree, checked, problems))
}

/// `F.sig` files that proved not to be OpenPGP (the verify stage found them malformed)
/// and are a key's signature: one line of base64 (`cosign sign-blob --key`, GoReleaser's
/// `signs: artifacts: all`), or signify's two lines (`signify -S -m F -x F.sig`,
/// rxvt-unicode's), an SSH signature (`ssh-keygen -Y sign -n file F`), or a minisign
/// signature base64-encoded (Tauri's updater). Each becomes
/// its artifact's companion, checked with the others.
fn adopt(tree: &mut Tree) {
    let root = tree.root.clone();
    for a in tree.artifacts_mut() {
        let malformed = a.signature.as_ref().is_some_and(|c| c.outcome == Outcome::Malformed);
        let Some(sig) = a.asc.as_ref().filter(|s| malformed && s.rel.ends_with(".sig")) else { continue };
        if is_key_signature(&root.join(&*sig.rel)) {
            let asc = a.asc.take();
            let companions = &mut a.extra_mut().companions;
            companions.extend(asc);
            companions.sort_by(|x, y| x.rel.cmp(&y.rel));
            a.signature = Some(Check::missing());
        }
    }
    // A key's `F.sig` beside an OpenPGP `F.asc` (goredo signs with both, SSH's as
    // `.sig`): the `.asc` is the file's OpenPGP signature, and the `.sig` is checked too,
    // instead of being carried unread.
    for r in tree.projects.values_mut().flat_map(|p| p.releases.iter_mut()) {
        let mut i = 0;
        while i < r.other.len() {
            let rel = r.other[i].rel.clone();
            let of = rel.strip_suffix(".sig");
            let a =
                of.and_then(|of| r.artifacts.iter_mut().find(|a| &*a.file.rel == of && a.key_signature().is_none()));
            match a {
                Some(a) if is_key_signature(&root.join(&*rel)) => {
                    let companions = &mut a.extra_mut().companions;
                    companions.push(r.other.remove(i));
                    companions.sort_by(|x, y| x.rel.cmp(&y.rel));
                }
                _ => i += 1,
            }
        }
    }
}

/// Is the small file at `path` a key's signature: cosign's, signify's, SSH's, or
/// minisign's base64-encoded?
fn is_key_signature(path: &Path) -> bool {
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= MAX_SIG);
    let Some(bytes) = small.then(|| crate::util::fs::read(path).ok()).flatten() else { return false };
    let tauri = || std::str::from_utf8(&bytes).ok().and_then(base64_minisign).is_some();
    cosign_key::looks_like(&bytes)
        || super::signify::looks_like(&bytes)
        || super::ssh_sig::looks_like(&bytes)
        || tauri()
}

/// A minisign signature kept base64-encoded on one line (Tauri's `X.sig`), decoded.
fn base64_minisign(text: &str) -> Option<String> {
    use base64::Engine;
    let line = text.trim();
    if line.contains(char::is_whitespace) || line.len() > 4 * MAX_SIG as usize {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(line).ok()?;
    let decoded = String::from_utf8(bytes).ok()?;
    (decoded.starts_with("untrusted comment:") && decoded.contains("\ntrusted comment:")).then_some(decoded)
}

/// Checks `file` against OpenSSL's raw signature `sig` (`openssl dgst -sha256 -sign key.pem
/// -out F.sig F`) and the page's `cosign:` keys, as a cosign key's base64 one is.
fn raw_signature(file: &Path, sig: &[u8], digests: Option<([u8; 32], [u8; 64])>, keys: &Keys) -> Check {
    let Some((sha256, _)) = digests else {
        return Check { outcome: Outcome::Malformed, detail: "the file was not hashed".into(), ..Check::missing() };
    };
    let mut c = cosign_key::check(sig, Message::File { path: file, sha256: &sha256 }, &keys.cosign);
    c.user_id = KeyTool::Cosign.marker();
    c
}

/// A key's signature file: its text, or the bytes of OpenSSL's raw signature; `Err` with
/// why, when it is too large or cannot be read.
fn read_signature(sig: &Path) -> std::result::Result<std::result::Result<String, Vec<u8>>, String> {
    match std::fs::metadata(sig).map(|m| m.len()) {
        Ok(n) if n > MAX_SIG => Err(format!("it is {n} bytes, not a minisign signature")),
        _ => match crate::util::fs::read(sig) {
            Ok(raw) if cosign_key::is_raw(&raw) => Ok(Err(raw)),
            Ok(bytes) => String::from_utf8(bytes).map(Ok).map_err(|e| format!("it cannot be read as text: {e}")),
            Err(e) => Err(format!("it cannot be read: {e}")),
        },
    }
}

/// Checks one artifact (`file`, with its SHA-256 and SHA-512 when hashed) against its
/// signature (`sig`) and the project's keys: minisign's, signify's, a cosign key's or an
/// SSH key's, by its form (a `.minisig` is minisign's whatever it holds).
fn check(file: &Path, sig: &Path, digests: Option<([u8; 32], [u8; 64])>, keys: &Keys) -> Check {
    let outcome = |outcome: Outcome, detail: String| Check { outcome, detail: detail.into(), ..Check::missing() };
    let text = match read_signature(sig) {
        Ok(Ok(text)) => text,
        // OpenSSL's signature as it writes it, not base64'd.
        Ok(Err(raw)) => return raw_signature(file, &raw, digests, keys),
        Err(detail) => return outcome(Outcome::Malformed, detail),
    };
    // Tauri's updater signs with minisign and keeps the signature base64-encoded, on one
    // line, as `X.sig`.
    let decoded = base64_minisign(&text);
    let tauri = decoded.is_some();
    let text = decoded.unwrap_or(text);
    if let Some(signature) = super::cosign_key::bundle_signature(&text) {
        let Some((sha256, _)) = digests else {
            return outcome(Outcome::Malformed, "the file was not hashed".into());
        };
        let mut c =
            cosign_key::check(signature.as_bytes(), Message::File { path: file, sha256: &sha256 }, &keys.cosign);
        c.user_id = KeyTool::Cosign.marker();
        return c;
    }
    let (cosign, ssh) = (cosign_key::looks_like(text.as_bytes()), super::ssh_sig::looks_like(text.as_bytes()));
    let (sha256, sha512) = match digests {
        Some(d) => d,
        None if cosign || ssh => return outcome(Outcome::Malformed, "the file was not hashed".into()),
        None => ([0; 32], [0; 64]),
    };
    let message = Message::File { path: file, sha256: &sha256 };
    if ssh {
        return super::ssh_sig::check(text.as_bytes(), message, Some(&sha512), &keys.ssh);
    }
    if cosign {
        let mut c = cosign_key::check(text.as_bytes(), message, &keys.cosign);
        c.user_id = KeyTool::Cosign.marker();
        return c;
    }
    let minisig = sig.extension().is_some_and(|e| e == "minisig");
    if !minisig && !text.contains("\ntrusted comment:") {
        return signify_file(file, text.as_bytes(), keys);
    }
    let signature = match Signature::decode(&text) {
        Ok(s) => s,
        Err(e) => return outcome(Outcome::Malformed, format!("it is not a minisign signature: {e}")),
    };
    let id = text.lines().nth(1).and_then(|l| minisign_key_id(l, 74));
    let signed_at = signature
        .trusted_comment()
        .split(|c: char| c.is_whitespace() || c == '\t')
        .find_map(|w| w.strip_prefix("timestamp:"))
        .and_then(|t| t.parse().ok());
    let Some((_, key)) = keys.keys.iter().find(|(k, _)| Some(k) == id.as_ref()) else {
        let mut c = outcome(Outcome::UnknownKey, "its key is not one the project names".into());
        c.fingerprint = id.map(Arc::from);
        c.signed_at = signed_at;
        return c;
    };
    let result = match key.verify_stream(&signature) {
        Ok(mut stream) => crate::util::fs::read_chunks(file, &mut |b| stream.update(b))
            .map_err(MsError::IoError)
            .and_then(|_| stream.finalize()),
        // The legacy form signs the file itself, so it is read whole.
        Err(MsError::UnsupportedLegacyMode) => {
            std::fs::read(file).map_err(MsError::IoError).and_then(|bytes| key.verify(&bytes, &signature, true))
        }
        Err(e) => Err(e),
    };
    let raw = keys.raw.iter().find(|(k, _)| Some(k) == id.as_ref()).map(|(_, r)| r);
    let (outcome, detail) = match result {
        Err(MsError::IoError(e)) => return outcome(Outcome::Malformed, format!("the file cannot be read: {e}")),
        Err(MsError::InvalidSignature) if raw.is_some_and(|r| comment_altered(&text, r)) => {
            (Outcome::Bad, format!("{COMMENT_ALTERED} (minisign: Comment signature verification failed)"))
        }
        result => judged(result, &signature, file),
    };
    let user_id = tauri.then(|| Arc::from(crate::model::signature::BASE64_MINISIGN));
    Check { outcome, fingerprint: id.map(Arc::from), user_id, signed_at, detail: detail.into() }
}

/// How the detail of a signature whose trusted comment was changed after signing begins.
pub const COMMENT_ALTERED: &str = "its trusted comment (or its signature line) was changed after it was signed";

/// Does the global signature of the minisign signature `text` (over the signature and
/// its trusted comment) fail with the key `raw`: the trusted comment (or the signature
/// line) was edited, whatever the file?
fn comment_altered(text: &str, raw: &[u8; 32]) -> bool {
    use base64::Engine;
    let lines: Vec<&str> = text.lines().collect();
    let decode = |l: &str| base64::engine::general_purpose::STANDARD.decode(l.trim()).ok();
    let (Some(sig), Some(comment), Some(global)) = (
        lines.get(1).and_then(|l| decode(l)),
        lines.get(2).and_then(|l| l.strip_prefix("trusted comment: ")),
        lines.get(3).and_then(|l| decode(l)),
    ) else {
        return false;
    };
    let mut signed = sig.get(10..).unwrap_or_default().to_vec();
    signed.extend_from_slice(comment.as_bytes());
    let key = ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, raw);
    sig.len() == 74 && key.verify(&signed, &global).is_err()
}

/// The outcome of a verification that read the file. Good, but signed as another file
/// (last release's tarball and signature copied under the new name), is bad: Zig's
/// clients check `file:` and refuse it.
fn judged(result: std::result::Result<(), MsError>, signature: &Signature, file: &Path) -> (Outcome, String) {
    match result {
        Ok(()) => match other_file(signature, file) {
            Some(n) => (Outcome::Bad, format!("{MADE_FOR} `{n}`: it was made for that file")),
            None => (Outcome::Good, String::new()),
        },
        Err(e) => (Outcome::Bad, bad_detail(&e, signature, file)),
    }
}

/// How the detail of a good signature made for another file begins.
pub const MADE_FOR: &str = "the signature is good, but its trusted comment names";

/// Why a minisign signature does not verify: minisign's word, and the file its trusted
/// comment names (`file:NAME`, as minisign writes it) when that is another file.
fn bad_detail(e: &MsError, signature: &Signature, file: &Path) -> String {
    match other_file(signature, file) {
        Some(n) => format!("{e}; its trusted comment names `{n}`: made for another file?"),
        None => e.to_string(),
    }
}

/// The file a signature's trusted comment names (`file:NAME`, as minisign writes it),
/// when that is not `file` (by its last path part).
fn other_file(signature: &Signature, file: &Path) -> Option<String> {
    let comment = signature.trusted_comment();
    let named = comment.split(['\t', ' ']).find_map(|w| w.strip_prefix("file:"))?;
    let mine = file.file_name().and_then(|n| n.to_str());
    (Some(named.rsplit('/').next().unwrap_or(named)) != mine).then(|| named.to_string())
}

/// A signify signature of a whole file (`signify -S -m F -x F.sig`): pure Ed25519 over the
/// file, read whole (up to [`cosign_key::MAX_WHOLE`]).
fn signify_file(file: &Path, sig: &[u8], keys: &Keys) -> Check {
    let malformed = |detail: String| Check { outcome: Outcome::Malformed, detail: detail.into(), ..Check::missing() };
    let message = match std::fs::metadata(file) {
        Ok(m) if m.len() > cosign_key::MAX_WHOLE => {
            return malformed(format!(
                "the file is {} bytes; closer checks a signify signature of a whole file up to {} MiB \
                 (sign a checksum list of it instead: signify -S -e -m SHA256 -x SHA256.sig)",
                m.len(),
                cosign_key::MAX_WHOLE >> 20
            ));
        }
        _ => match std::fs::read(file) {
            Ok(m) => m,
            Err(e) => return malformed(format!("the file cannot be read: {e}")),
        },
    };
    let (mut c, _) = super::signify::check(sig, Some(&message), &keys.raw);
    c.user_id = KeyTool::Signify.marker();
    c
}
