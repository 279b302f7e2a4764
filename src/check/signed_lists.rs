//! Checksum lists signed by the release manager: Debian's `SHA256SUMS` with
//! `SHA256SUMS.sign` (or `.gpg`, `.asc`) beside it, and kernel.org's clearsigned
//! `sha256sums.asc`. Each list's signature is checked against the project's KEYS; an
//! artifact without a signature of its own is then signed when a list with a good
//! signature holds its digest, and altered when the list holds another. One check per
//! list, not cached: a release has a list or two.

use super::{checksums, pgp};
use crate::model::digests::Algo;
use crate::model::signature::{Check, Outcome};
use crate::model::tree::{Artifact, FileRef, ListScheme, SignedList, Tree};
use anyhow::Result;
use sequoia_openpgp::Cert;
use std::collections::HashMap;
use std::path::Path;

/// Is this a cleartext-signed message rather than a detached signature?
pub fn clearsigned(bytes: &[u8]) -> bool {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    bytes[start..].starts_with(b"-----BEGIN PGP SIGNED MESSAGE-----")
}

/// Checks a list's signature; returns the outcome and the list's text.
fn check_list(root: &Path, certs: &[Cert], list: &SignedList) -> Result<(Check, Vec<u8>)> {
    let sig = crate::util::fs::read(&root.join(&*list.signature.rel))?;
    match &list.list {
        Some(l) if !clearsigned(&sig) => {
            let path = root.join(&*l.rel);
            Ok((pgp::verify_detached(certs, &sig, &path)?, crate::util::fs::read(&path)?))
        }
        _ => pgp::verify_cleartext(certs, &sig),
    }
}

/// What a good list says of an artifact: signed (its digest is the list's), or bad.
fn vouched(list: &SignedList, by: &Check, (algo, got): (Algo, Option<String>), want: &str) -> Check {
    let name = list.signature.rel.rsplit('/').next().unwrap_or(&list.signature.rel);
    let (outcome, detail) = match got {
        // A digest with known collisions vouches for nothing a signature may rest on.
        Some(h) if h == want && strength(algo) < 2 => (
            Outcome::Weak,
            format!(
                "the signed list {name} vouches for it by {}, which has known collisions",
                algo.ext().to_ascii_uppercase()
            ),
        ),
        Some(h) if h == want => (Outcome::Good, String::new()),
        Some(_) => (Outcome::Bad, format!("its {} is not the one in the signed list {name}", list.algo.ext())),
        None => (Outcome::Bad, format!("no {} of it was computed for the signed list {name}", list.algo.ext())),
    };
    Check { outcome, detail: detail.into(), ..by.clone() }
}

/// `name` from the directory `dir`, as a path of the tree (`..` and `.` resolved), and
/// through a link of the tree to what it points at (Ubuntu's `jammy/*.iso` are links
/// into `.pool/`).
pub fn path_of(dir: &str, name: &str, links: &HashMap<String, String>) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in name.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let path = parts.join("/");
    links.get(&path).cloned().unwrap_or(path)
}

/// Checks an OpenPGP-signed list and signs, through it, the `artifacts` it names that
/// have no signature of their own (lists signed otherwise are checked by their stage).
fn apply<'a>(
    (root, unpacked): (&Path, &super::unpacked::Unpacked),
    certs: &[Cert],
    links: &HashMap<String, String>,
    list: &mut SignedList,
    artifacts: impl Iterator<Item = &'a mut Artifact>,
) -> Result<()> {
    // A list's bundle a cosign key made (a key hint, no certificate) is the key's.
    if matches!(list.scheme, ListScheme::SigstoreBundle) && list.signature.stat.size <= 1 << 20 {
        let text = crate::util::fs::read(&root.join(&*list.signature.rel))?;
        if super::cosign_key::bundle_signature(&String::from_utf8_lossy(&text)).is_some() {
            list.scheme = ListScheme::CosignKey;
        }
        return Ok(());
    }
    if !matches!(list.scheme, ListScheme::Openpgp) {
        return Ok(());
    }
    let signature = crate::util::fs::read(&root.join(&*list.signature.rel))?;
    // minisign's signature opens as signify's does; its third line is a trusted comment
    // (Void Linux signs `sha256sum.txt` so, as `sha256sum.sig`).
    if super::signify::looks_like(&signature) {
        let minisign = signature.split(|b| *b == b'\n').nth(2).is_some_and(|l| l.starts_with(b"trusted comment:"));
        list.scheme = if minisign && list.list.is_some() { ListScheme::Minisign } else { ListScheme::Signify };
        return Ok(());
    }
    if super::cosign_key::looks_like(&signature) {
        list.scheme = ListScheme::CosignKey;
        return Ok(());
    }
    if super::ssh_sig::looks_like(&signature) {
        list.scheme = ListScheme::Ssh;
        return Ok(());
    }
    // A Sigstore bundle saved as `L.sig` (`cosign sign-blob --bundle SHA256SUMS.sig`).
    let head = &signature[..signature.len().min(512)];
    if head.trim_ascii_start().starts_with(b"{") && head.windows(15).any(|w| w == b"sigstore.bundle") {
        list.scheme = ListScheme::SigstoreBundle;
        return Ok(());
    }
    let (check, text) = check_list(root, certs, list)?;
    list.check = Some(check.clone());
    if check.outcome == Outcome::Good {
        cover(unpacked, list, &check, &text, links, artifacts, &mut |a, c| a.signature = Some(c));
    }
    Ok(())
}

/// Signs, through a list whose signature checked out (`check`, over `text`), the
/// `artifacts` it names that have no signature of their own, with `set`. Names in the
/// list are relative to the list's directory (or, for a list in a directory of
/// checksums, the one above), and may be links.
pub fn cover<'a>(
    unpacked: &super::unpacked::Unpacked,
    list: &SignedList,
    check: &Check,
    text: &[u8],
    links: &HashMap<String, String>,
    artifacts: impl Iterator<Item = &'a mut Artifact>,
    set: &mut dyn FnMut(&mut Artifact, Check),
) {
    let rel = list.list.as_ref().map_or(&list.signature.rel, |l| &l.rel);
    let (_, sums) = checksums::parse_list(&String::from_utf8_lossy(text), rel);
    let dir = list.signature.rel.rsplit_once('/').map_or("", |(d, _)| d);
    let mut by_path: HashMap<String, &checksums::Sum> = HashMap::new();
    // A list may give a file's digest in several algorithms (Wireshark's SHA256 and
    // SHA1 lines): the one of the list's own algorithm vouches for it.
    let own_algo = |s: &checksums::Sum| s.algo.is_none_or(|a| a == list.algo);
    for s in sums.iter().filter(|s| own_algo(s)).chain(sums.iter().filter(|s| !own_algo(s))) {
        let Some(name) = s.name.as_deref() else { continue };
        by_path.entry(path_of(dir, name, links)).or_insert(s);
        if let Some((up, _)) = dir.rsplit_once('/').filter(|_| crate::model::tree::is_checksum_dir(dir)) {
            by_path.entry(path_of(up, name, links)).or_insert(s);
        }
    }
    // A file with a signature of its own of the list's kind (`.asc` for OpenPGP's,
    // `.minisig` for a key's) is judged by that one; one of another kind does not keep
    // the list from vouching for it (`signatures: both`, each kind its own way).
    let own = |a: &Artifact| match list.scheme {
        ListScheme::Openpgp => a.has_signature_file(),
        _ => a.key_signature().is_some(),
    };
    let artifacts: Vec<&mut Artifact> = artifacts.filter(|a| !own(a)).collect();
    // A name alone, in a list above the folders its files are in (Monero's `hashes.txt`
    // over `cli/` and `gui/`, Wireshark's `SIGNATURES-X.txt` over `src/` and `win64/`):
    // every file of that name, each held to the one digest (Wireshark keeps the current
    // release in `src/` and a copy in `src/all-versions/`; a list cannot tell two
    // different files of one name apart, so a copy that differs is bad).
    let base = |rel: &str| rel.rsplit('/').next().unwrap_or(rel).to_string();
    let alone: HashMap<&str, &checksums::Sum> = sums
        .iter()
        .filter(|s| own_algo(s))
        .filter_map(|s| Some((s.name.as_deref().filter(|n| !n.contains('/'))?, s)))
        .collect();
    // ... but only files below the list's folder (or the folder its checksum folder is
    // in): OpenWrt's every target folder holds a `sha256sums` naming its own
    // `profiles.json`, which is no other target's.
    let scope = match dir.rsplit_once('/') {
        Some((up, _)) if crate::model::tree::is_checksum_dir(dir) => up,
        _ if crate::model::tree::is_checksum_dir(dir) => "",
        _ => dir,
    };
    let below = |rel: &str| scope.is_empty() || rel.strip_prefix(scope).is_some_and(|r| r.starts_with('/'));
    for a in artifacts {
        let of = |rel: &str| by_path.get(rel).or_else(|| alone.get(base(rel).as_str()).filter(|_| below(rel))).copied();
        // SBCL's list names `sbcl-2.4.11-source.tar`, which it then compressed with bzip2.
        let tar = || uncompressed_name(&a.file.rel).and_then(|(rel, codec)| Some((of(rel)?, codec)));
        let (sum, codec) = match of(&a.file.rel) {
            Some(sum) => (sum, None),
            None => match tar() {
                Some((sum, codec)) => (sum, Some(codec)),
                None => continue,
            },
        };
        let algo = sum.algo.unwrap_or(list.algo);
        let got = match codec {
            Some(codec) => unpacked.hex(a, codec, algo),
            None => a.file.digests.as_ref().and_then(|d| d.hex(algo)),
        };
        if a.covered_by().is_some() && !replaces(a, algo, got.as_deref(), &sum.hex) {
            continue;
        }
        let mut said = vouched(list, check, (algo, got), &sum.hex);
        if codec.is_some() && said.outcome == Outcome::Good {
            said.detail = crate::model::signature::OF_UNCOMPRESSED.into();
        }
        set(a, said);
        a.extra_mut().covered_by = Some(list.signature.rel.as_ref().into());
    }
}

/// Whether this list's line replaces what another signed list already said of `a`
/// (Syncthing signs `sha1sum.txt.asc` and `sha256sum.txt.asc`): this one's line is still
/// checked, a wrong digest in either is the file's outcome, and the stronger list is the
/// one pages give.
fn replaces(a: &Artifact, algo: Algo, got: Option<&str>, want: &str) -> bool {
    let Some(other) = a.covered_by() else { return true };
    let mismatch = got.is_some_and(|h| h != want);
    // (Weak: vouched for by MD5 or SHA-1, which a stronger list replaces.)
    let was_good = a.signature.as_ref().is_some_and(|c| matches!(c.outcome, Outcome::Good | Outcome::Weak));
    let base = other.rsplit('/').next().unwrap_or(other);
    let weak = a.signature.as_ref().is_some_and(|c| c.outcome == Outcome::Weak);
    let stronger = (weak && strength(algo) == 2)
        || crate::model::tree::checksum_list(base).is_some_and(|(o, _)| strength(o) < strength(algo));
    let agrees = got == Some(want);
    was_good && (mismatch || (stronger && agrees))
}

/// A compressed tarball's name as the tar inside it (`X.tar` of `X.tar.bz2`), and how it
/// is compressed.
fn uncompressed_name(rel: &str) -> Option<(&str, crate::model::codec::Codec)> {
    crate::model::codec::Codec::split(rel).filter(|(tar, _)| tar.ends_with(".tar"))
}

/// How much a list's digest vouches for: MD5 and SHA-1 have known collisions.
fn strength(algo: Algo) -> u8 {
    match algo {
        Algo::Md5 => 0,
        Algo::Sha1 => 1,
        _ => 2,
    }
}

/// The tree's links, each to the path of the tree it points at.
pub fn links_of(tree: &Tree) -> HashMap<String, String> {
    tree.links
        .iter()
        .map(|l| (l.rel.clone(), path_of(l.rel.rsplit_once('/').map_or("", |(d, _)| d), &l.target, &HashMap::new())))
        .collect()
}

/// What checking a list signed other than with OpenPGP found, and the text it vouches
/// for when that is not the list beside it (signify embeds the list it signs).
pub type OtherCheck = (Check, Option<Vec<u8>>);

/// Checks the lists of the tree signed with `scheme` (not OpenPGP) with `check_one`
/// (given the project, the list and the list's bytes), and signs through each good one,
/// with `set`, the files of its release it names.
pub fn check_other(
    tree: &mut Tree,
    is_scheme: &dyn Fn(&ListScheme) -> bool,
    check_one: &dyn Fn(&str, &SignedList, &[u8]) -> OtherCheck,
    set: &mut dyn FnMut(&mut Artifact, Check),
) {
    let links = links_of(tree);
    let root = tree.root.clone();
    for p in tree.projects.values_mut() {
        for r in &mut p.releases {
            for list in r.signed_lists.iter_mut().filter(|l| is_scheme(&l.scheme)) {
                list.check = Some(check_other_one(&root, &p.name, list, check_one, &links, &mut r.artifacts, set));
            }
        }
        // Beside a project's flat releases (LibreSSL's `SHA256.sig` over every version's
        // tarball): vouching for the files of every release it names.
        let (name, releases) = (&p.name, &mut p.releases);
        for list in p.signed_lists.iter_mut().filter(|l| is_scheme(&l.scheme)) {
            let mut all: Vec<&mut Artifact> = releases.iter_mut().flat_map(|r| r.artifacts.iter_mut()).collect();
            let check = check_other_one(&root, name, list, check_one, &links, &mut all, set);
            list.check = Some(check);
        }
    }
}

/// Checks one list signed other than with OpenPGP and, when good, signs through it
/// the `artifacts` it names.
fn check_other_one<'a, A: std::borrow::BorrowMut<Artifact> + 'a>(
    root: &Path,
    project: &str,
    list: &SignedList,
    check_one: &dyn Fn(&str, &SignedList, &[u8]) -> OtherCheck,
    links: &HashMap<String, String>,
    artifacts: &'a mut [A],
    set: &mut dyn FnMut(&mut Artifact, Check),
) -> Check {
    let of = match (&list.list, &list.scheme) {
        (Some(l), _) => &*l.rel,
        (None, ListScheme::Signify) => &*list.signature.rel,
        (None, _) => {
            let detail = "the list it signs is not beside it".into();
            return Check { outcome: Outcome::Malformed, detail, ..Check::missing() };
        }
    };
    let text = match crate::util::fs::read(&root.join(of)) {
        Ok(text) => text,
        Err(e) => return Check { outcome: Outcome::Malformed, detail: format!("{e:#}").into(), ..Check::missing() },
    };
    let (mut check, vouched) = check_one(project, list, &text);
    let differs = vouched.as_deref().is_some_and(|v| v != text.as_slice());
    if check.outcome == Outcome::Good && list.list.is_some() && differs {
        check.detail = crate::model::signature::LIST_DIFFERS.into();
    }
    if check.outcome == Outcome::Good {
        let text = vouched.as_deref().unwrap_or(&text);
        // (No list signed but with OpenPGP names the tar inside yet: nothing kept.)
        let unpacked = super::unpacked::Unpacked::load(root, None);
        cover(&unpacked, list, &check, text, links, artifacts.iter_mut().map(|a| a.borrow_mut()), set);
    }
    check
}

/// Checks every signed list of the tree, the releases' own first, then those beside a
/// project's flat releases; `certs` gives the keys of a project or of a line with its
/// own KEYS (`Project::keys_id`).
pub fn check_all(tree: &mut Tree, certs: &dyn Fn(&str) -> Vec<Cert>, memo: Option<&Path>) -> Result<()> {
    let root = tree.root.clone();
    let unpacked = super::unpacked::Unpacked::load(&root, memo);
    let links = links_of(tree);
    for p in tree.projects.values_mut() {
        if p.signed_lists.is_empty() && p.releases.iter().all(|r| r.signed_lists.is_empty()) {
            continue;
        }
        let keys = certs(&p.name);
        let ids: Vec<String> = p.releases.iter().map(|r| p.keys_id(r).into_owned()).collect();
        for (r, id) in p.releases.iter_mut().zip(ids) {
            let line_keys = if id == p.name { None } else { Some(certs(&id)) };
            for list in &mut r.signed_lists {
                let keys = line_keys.as_deref().unwrap_or(&keys);
                apply((&root, &unpacked), keys, &links, list, r.artifacts.iter_mut())?;
            }
        }
        for list in &mut p.signed_lists {
            let all = p.releases.iter_mut().flat_map(|r| r.artifacts.iter_mut());
            apply((&root, &unpacked), &keys, &links, list, all)?;
        }
    }
    unpacked.save()
}

/// Checksum lists named like plain lists whose content is clearsigned (Fedora's
/// `...-CHECKSUM`) are signed lists: they are moved where signed lists are.
pub fn promote_clearsigned(tree: &mut Tree) -> Result<()> {
    let root = tree.root.clone();
    let is_clear = |f: &FileRef| -> Result<bool> {
        let path = root.join(&*f.rel);
        let head =
            crate::util::fs::head(&path).map_err(|e| anyhow::anyhow!("cannot read `{}`: {e}", path.display()))?;
        Ok(clearsigned(&head))
    };
    for p in tree.projects.values_mut() {
        for r in &mut p.releases {
            let mut kept = Vec::with_capacity(r.sums.len());
            for (algo, f) in std::mem::take(&mut r.sums) {
                if is_clear(&f)? {
                    r.signed_lists.push(SignedList {
                        signature: f,
                        list: None,
                        algo,
                        scheme: Default::default(),
                        check: None,
                    });
                } else {
                    kept.push((algo, f));
                }
            }
            r.sums = kept;
        }
        let mut kept = Vec::with_capacity(p.notes.len());
        for f in std::mem::take(&mut p.notes) {
            let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
            match crate::model::tree::checksum_list(name) {
                Some((algo, false)) if is_clear(&f)? => p.signed_lists.push(SignedList {
                    signature: f,
                    list: None,
                    algo,
                    scheme: Default::default(),
                    check: None,
                }),
                _ => kept.push(f),
            }
        }
        p.notes = kept;
    }
    Ok(())
}
