//! Checksum lists signed by the release manager: Debian's `SHA256SUMS` with
//! `SHA256SUMS.sign` (or `.gpg`, `.asc`) beside it, and kernel.org's clearsigned
//! `sha256sums.asc`. Each list's signature is checked against the project's KEYS; an
//! artifact without a signature of its own is then signed when a list with a good
//! signature holds its digest, and altered when the list holds another. One check per
//! list, not cached: a release has a list or two.

use super::{checksums, pgp};
use crate::model::signature::{Check, Outcome};
use crate::model::tree::{Release, SignedList, Tree};
use anyhow::Result;
use sequoia_openpgp::Cert;
use std::path::Path;

/// Is this a cleartext-signed message rather than a detached signature?
fn clearsigned(bytes: &[u8]) -> bool {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    bytes[start..].starts_with(b"-----BEGIN PGP SIGNED MESSAGE-----")
}

/// Checks a list's signature; returns the outcome and the list's text.
fn check_list(root: &Path, certs: &[Cert], list: &SignedList) -> Result<(Check, Vec<u8>)> {
    let sig = crate::util::fs::read(&root.join(&list.signature.rel))?;
    match &list.list {
        Some(l) if !clearsigned(&sig) => {
            let path = root.join(&l.rel);
            Ok((pgp::verify_detached(certs, &sig, &path)?, crate::util::fs::read(&path)?))
        }
        _ => pgp::verify_cleartext(certs, &sig),
    }
}

/// What a good list says of an artifact: signed (its digest is the list's), or bad.
fn vouched(list: &SignedList, by: &Check, got: Option<String>, want: &str) -> Check {
    let name = list.signature.rel.rsplit('/').next().unwrap_or(&list.signature.rel);
    let (outcome, detail) = match got {
        Some(h) if h == want => (Outcome::Good, String::new()),
        Some(_) => (Outcome::Bad, format!("its {} is not the one in the signed list {name}", list.algo.ext())),
        None => (Outcome::Bad, format!("no {} of it was computed for the signed list {name}", list.algo.ext())),
    };
    Check { outcome, detail, ..by.clone() }
}

/// Checks the signed lists of one release and signs, through them, its artifacts that
/// have no signature of their own.
fn apply(root: &Path, certs: &[Cert], release: &mut Release) -> Result<()> {
    for list in &mut release.signed_lists {
        let (check, text) = check_list(root, certs, list)?;
        list.check = Some(check.clone());
        if check.outcome != Outcome::Good {
            continue;
        }
        let (_, sums) = checksums::parse(&String::from_utf8_lossy(&text));
        for a in release.artifacts.iter_mut().filter(|a| a.asc.is_none()) {
            let named = |s: &&checksums::Sum| s.name.as_deref().is_some_and(|n| n.trim_start_matches("./") == a.name);
            let Some(sum) = sums.iter().find(named) else { continue };
            let got = a.file.digests.as_ref().and_then(|d| d.hex(sum.algo.unwrap_or(list.algo)));
            a.signature = Some(vouched(list, &check, got, &sum.hex));
            a.covered_by = Some(list.signature.rel.clone());
        }
    }
    Ok(())
}

/// Checks every signed list of the tree; `certs` gives a project's keys.
pub fn check_all(tree: &mut Tree, certs: &dyn Fn(&str) -> Vec<Cert>) -> Result<()> {
    let root = tree.root.clone();
    for p in tree.projects.values_mut() {
        if p.releases.iter().all(|r| r.signed_lists.is_empty()) {
            continue;
        }
        let keys = certs(&p.name);
        for r in &mut p.releases {
            apply(&root, &keys, r)?;
        }
    }
    Ok(())
}
