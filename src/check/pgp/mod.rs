//! OpenPGP on sequoia-openpgp (pure-Rust backend): reading KEYS files the way Apache
//! writes them (here), checking detached signatures (`verify`), and signing with a key
//! exported from gpg (`signing`). Every stage that checks or makes a signature uses these.

mod revocation;
mod signing;
mod verify;

pub use signing::{Passphrase, SigningKey, generate_key, load_signing_key};
pub use verify::{signature_count, verify_cleartext, verify_detached, verify_detached_reader, verify_with_state};

use crate::util::problem::{Place, Problem};
use openpgp::Cert;
use openpgp::cert::prelude::*;
use openpgp::parse::Parse;
use openpgp::policy::{NullPolicy, StandardPolicy};
use sequoia_openpgp as openpgp;
use std::path::Path;
use std::time::SystemTime;

/// The policy closer applies. The cryptographic check uses no policy at all, so that a
/// weak signature is reported as weak rather than as bad; strength is judged here.
pub(crate) fn null_policy() -> &'static NullPolicy {
    // SAFETY: the null policy accepts everything; every signature it lets through is
    // classified by `weakness` before anyone may call it good.
    static P: NullPolicy = unsafe { NullPolicy::new() };
    &P
}

/// Parses a project's keys: a KEYS file of armored public key blocks with any text
/// between them, as Apache projects keep them, or a binary keyring (GNU's
/// `gnu-keyring.gpg`). Real KEYS files carry blocks no current tool reads (v3 keys,
/// damaged pastes): those are skipped, since only the keys that sign matter. It is a
/// problem, naming the line, when a block is never closed, a secret key is published,
/// or no key at all can be read.
pub fn parse_keys(bytes: &[u8], path: &Path) -> std::result::Result<Vec<Cert>, Problem> {
    let armored = bytes.windows(10).any(|w| w == b"-----BEGIN");
    if !armored && bytes.first().is_some_and(|b| b & 0x80 != 0) {
        let certs: Vec<Cert> = CertParser::from_bytes(bytes).map(|p| p.flatten().collect()).unwrap_or_default();
        if certs.is_empty() {
            return Err(Problem::new(format!("{}", path.display()), "is a binary keyring that holds no readable key")
                .hint("export it again: gpg --export FPR... > keyring.gpg"));
        }
        return Ok(merged(certs, Vec::new()));
    }
    parse_armored_keys(&String::from_utf8_lossy(bytes), path)
}

/// The keys of a KEYS file that [`parse_keys`] refuses for a secret key in it: the
/// public parts of every block, so that the signatures are still checked (each one
/// "unknown key" beside the secret key's problem sent the release manager the wrong way).
pub fn usable_keys(bytes: &[u8], path: &Path) -> Vec<Cert> {
    match parse_keys(bytes, path) {
        Ok(certs) => certs,
        Err(_) => read_armored(&String::from_utf8_lossy(bytes), path).0,
    }
}

/// The armored form of [`parse_keys`].
fn parse_armored_keys(text: &str, path: &Path) -> std::result::Result<Vec<Cert>, Problem> {
    match read_armored(text, path) {
        (_, Some(problem)) => Err(problem),
        (certs, None) => Ok(certs),
    }
}

/// The public keys of an armored KEYS file, and its first problem.
fn read_armored(text: &str, path: &Path) -> (Vec<Cert>, Option<Problem>) {
    let place = |line: usize| Place::line(path.display().to_string(), line);
    let mut certs = Vec::new();
    let mut revoked = Vec::new();
    let mut unreadable: Option<Problem> = None;
    let mut secret: Option<Problem> = None;
    let mut damaged: Option<Problem> = None;
    let mut block: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let trimmed = line.trim_end();
        match &mut block {
            // gpg's revocation certificate (`openpgp-revocs.d/FPR.rev`) starts `:-----BEGIN`.
            None if trimmed.trim_start_matches(':') == "-----BEGIN PGP PUBLIC KEY BLOCK-----" => {
                block = Some((n, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n".to_string()))
            }
            None if trimmed.starts_with("-----BEGIN PGP PRIVATE KEY BLOCK-----") => {
                secret.get_or_insert(
                    Problem::new(place(n), "holds a SECRET key")
                        .hint("remove it at once and export only the public key: gpg --armor --export FPR"),
                );
                block = Some((n, format!("{trimmed}\n")));
            }
            None => {}
            Some((start, buf)) => {
                buf.push_str(trimmed);
                buf.push('\n');
                if trimmed == "-----END PGP PUBLIC KEY BLOCK-----" || trimmed == "-----END PGP PRIVATE KEY BLOCK-----" {
                    let start = *start;
                    if let Some(fault) = armor_fault(buf) {
                        // gpg stops at such a block and imports nothing after it.
                        damaged.get_or_insert(damaged_block(place(start), (start, n), &fault));
                        block = None;
                        continue;
                    }
                    if let Some(sigs) = revocations(buf.as_bytes()) {
                        revoked.extend(sigs);
                        block = None;
                        continue;
                    }
                    match CertParser::from_bytes(buf.as_bytes()).map(|p| p.collect::<Vec<_>>()) {
                        Ok(parsed) => {
                            for c in parsed {
                                match c {
                                    Ok(c) => certs.push(c.strip_secret_key_material()),
                                    Err(e) => _ = unreadable.get_or_insert(unreadable_block(place(start), e)),
                                }
                            }
                        }
                        Err(e) => _ = unreadable.get_or_insert(unreadable_block(place(start), e)),
                    }
                    block = None;
                }
            }
        }
    }
    let certs = merged(certs, revoked);
    if let Some(problem) = secret.or(damaged) {
        return (certs, Some(problem));
    }
    if let Some((start, _)) = block {
        let problem = Problem::new(place(start), "key block is never closed (no END PGP PUBLIC KEY BLOCK line)")
            .hint("replace it with the output of gpg --armor --export FPR");
        return (certs, Some(problem));
    }
    if certs.is_empty() {
        return (
            certs,
            Some(unreadable.unwrap_or_else(|| {
                Problem::new(place(1), "holds no public key")
                    .hint("add the release managers' keys: gpg --armor --export FPR >> KEYS")
            })),
        );
    }
    (certs, None)
}

/// The signatures of a block that holds bare signatures and no key: a revocation
/// certificate, as gpg writes it to `openpgp-revocs.d/` and people paste into KEYS.
fn revocations(block: &[u8]) -> Option<Vec<openpgp::packet::Signature>> {
    let pile = openpgp::PacketPile::from_bytes(block).ok()?;
    let sigs: Vec<_> = pile
        .into_children()
        .map(|p| match p {
            openpgp::Packet::Signature(s) => Some(s),
            _ => None,
        })
        .collect::<Option<_>>()?;
    (!sigs.is_empty()).then_some(sigs)
}

/// One certificate per key, as `gpg --import` keeps it: the blocks of the same key merged
/// (a key exported again after a new expiry or a revocation is appended to KEYS, the old
/// block left above it; the first block alone hid the revocation), and revocation
/// certificates given to the key they name. Order: each key where it first appears.
fn merged(certs: Vec<Cert>, revoked: Vec<openpgp::packet::Signature>) -> Vec<Cert> {
    let mut out: Vec<Cert> = Vec::with_capacity(certs.len());
    for c in certs {
        match out.iter().position(|o| o.fingerprint() == c.fingerprint()) {
            Some(i) => {
                let first = out[i].clone();
                out[i] = first.clone().merge_public(c).unwrap_or(first);
            }
            None => out.push(c),
        }
    }
    for sig in revoked {
        let names = |c: &Cert| {
            let fpr = c.fingerprint();
            sig.issuer_fingerprints().any(|f| *f == fpr) || sig.issuers().any(|id| *id == openpgp::KeyID::from(&fpr))
        };
        if let Some(i) = out.iter().position(names) {
            let first = out[i].clone();
            out[i] = first.clone().insert_packets(std::iter::once(sig)).map(|(c, _)| c).unwrap_or(first);
        }
    }
    out
}

/// The problem of a key block (lines `start`..=`end`) that gpg refuses.
fn damaged_block(place: Place, (start, end): (usize, usize), fault: &str) -> Problem {
    Problem::new(place, format!("key block (lines {start}-{end}) is damaged: {fault}")).hint(format!(
        "gpg --import refuses this KEYS at that block; replace lines {start}-{end} with a fresh \
         `gpg --armor --export FPR` of the key (a character changed when it was pasted)"
    ))
}

/// What is wrong with an armored block's checksum line (`=XXXX`, the CRC-24 of its
/// bytes), as gpg checks it; `None` when it matches or the block carries none.
fn armor_fault(block: &str) -> Option<String> {
    use base64::Engine;
    let mut lines = block.lines().skip(1);
    // Armor headers (`Comment: ...`) end at the first empty line.
    let body: Vec<&str> = lines.by_ref().skip_while(|l| l.contains(": ")).collect();
    let sum = body.iter().find(|l| l.starts_with('=') && l.len() == 5)?;
    let data: String =
        body.iter().take_while(|l| !l.starts_with('=') && !l.starts_with("-----")).map(|l| l.trim()).collect();
    let engine = base64::engine::general_purpose::STANDARD;
    let Ok(bytes) = engine.decode(data.as_bytes()) else { return Some("its base64 does not decode".into()) };
    let want = engine.decode(&sum[1..]).ok().filter(|w| w.len() == 3)?;
    let want = u32::from_be_bytes([0, want[0], want[1], want[2]]);
    (crc24(&bytes) != want).then(|| format!("its armor checksum {sum} does not match its contents"))
}

/// OpenPGP's CRC-24 (RFC 9580, section 6.1).
fn crc24(bytes: &[u8]) -> u32 {
    let mut crc: u32 = 0xB7_04CE;
    for &b in bytes {
        crc ^= u32::from(b) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x100_0000 != 0 {
                crc ^= 0x186_4CFB;
            }
        }
    }
    crc & 0xFF_FFFF
}

/// The problem for a key block that cannot be read, reported when no block can.
fn unreadable_block(place: Place, e: anyhow::Error) -> Problem {
    Problem::new(place, format!("key block cannot be read: {e}"))
        .hint("replace it with the output of gpg --armor --export FPR")
}

/// Why a key as KEYS has it cannot sign now (expired, revoked, no valid self-signature);
/// `None` when it can.
pub fn not_usable_now(cert: &Cert) -> Option<String> {
    let p = StandardPolicy::new();
    let valid = match cert.with_policy(&p, None) {
        Ok(v) => v,
        Err(e) => return Some(format!("is not valid ({e})")),
    };
    if let openpgp::types::RevocationStatus::Revoked(_) = valid.revocation_status() {
        return Some("is revoked".into());
    }
    if valid.alive().is_err() {
        let until = valid.primary_key().key_expiration_time().map(|t| crate::util::text::date(unix(t)));
        return Some(until.map_or("has expired".into(), |d| format!("expired on {d}")));
    }
    None
}

pub(crate) fn primary_uid(cert: &Cert) -> Option<String> {
    let p = StandardPolicy::new();
    let uid = cert
        .with_policy(&p, None)
        .ok()
        .and_then(|v| v.primary_userid().ok().map(|u| u.userid().clone()))
        .or_else(|| cert.userids().next().map(|u| u.userid().clone()))?;
    Some(String::from_utf8_lossy(uid.value()).into_owned())
}

pub(crate) fn unix(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// A binary signature, ASCII-armored (for formats that carry text, such as Metalink).
pub fn armored_signature(bytes: &[u8]) -> Option<String> {
    use std::io::Write;
    let mut w = openpgp::armor::Writer::new(Vec::new(), openpgp::armor::Kind::Signature).ok()?;
    w.write_all(bytes).ok()?;
    String::from_utf8(w.finalize().ok()?).ok()
}

/// The binary form of an armored OpenPGP message (GNU's `.sig` files are binary).
pub fn dearmor(armored: &[u8]) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    openpgp::armor::Reader::from_bytes(armored, openpgp::armor::ReaderMode::Tolerant(None)).read_to_end(&mut out)?;
    Ok(out)
}

/// Fingerprints of every certificate, and of every subkey, in `certs`.
pub fn fingerprints(certs: &[Cert]) -> Vec<String> {
    certs.iter().flat_map(|c| c.keys().map(|k| k.key().fingerprint().to_hex())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> String {
        parse_keys(text.as_bytes(), Path::new("dist/p/KEYS")).err().unwrap().to_string()
    }

    #[test]
    fn keys_problems_name_the_line_and_the_fix() {
        assert!(problem("just some text\n").starts_with("dist/p/KEYS:1: holds no public key"));
        let secret = "pub 1024D/ABCD\n-----BEGIN PGP PRIVATE KEY BLOCK-----\nxyz\n";
        let e = problem(secret);
        assert!(e.starts_with("dist/p/KEYS:2: holds a SECRET key") && e.contains("fix: remove it"), "{e}");
        let open = "text\n\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF\n";
        assert!(problem(open).starts_with("dist/p/KEYS:3: key block is never closed"), "{}", problem(open));
        let broken = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot base64 at all!\n-----END PGP PUBLIC KEY BLOCK-----\n";
        assert!(problem(broken).starts_with("dist/p/KEYS:1: key block cannot be read"), "{}", problem(broken));
    }
}
