//! Checksum lists signed by the release manager: Debian's `SHA256SUMS` with
//! `SHA256SUMS.sign` (or `.gpg`, `.asc`) beside it, and kernel.org's clearsigned
//! `sha256sums.asc`. Each list's signature is checked against the project's KEYS; an
//! artifact without a signature of its own is then signed when a list with a good
//! signature holds its digest, and altered when the list holds another. One check per
//! list, not cached: a release has a list or two.

use super::{checksums, pgp};
use crate::model::signature::{Check, Outcome};
use crate::model::tree::{Artifact, SignedList, Tree};
use anyhow::Result;
use sequoia_openpgp::Cert;
use std::collections::HashMap;
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

/// Checks a signed list and signs, through it, the `artifacts` it names that have no
/// signature of their own. Names in the list are relative to the list's directory.
fn apply<'a>(
    root: &Path,
    certs: &[Cert],
    list: &mut SignedList,
    artifacts: impl Iterator<Item = &'a mut Artifact>,
) -> Result<()> {
    let (check, text) = check_list(root, certs, list)?;
    list.check = Some(check.clone());
    if check.outcome != Outcome::Good {
        return Ok(());
    }
    let (_, sums) = checksums::parse(&String::from_utf8_lossy(&text));
    let by_name: HashMap<&str, &checksums::Sum> =
        sums.iter().filter_map(|s| Some((s.name.as_deref()?.trim_start_matches("./"), s))).collect();
    let dir = list.signature.rel.rsplit_once('/').map_or("", |(d, _)| d);
    for a in artifacts.filter(|a| !a.has_signature_file() && a.covered_by.is_none()) {
        let Some(name) = a.file.rel.strip_prefix(dir).and_then(|n| n.strip_prefix('/')) else { continue };
        let Some(sum) = by_name.get(name) else { continue };
        let got = a.file.digests.as_ref().and_then(|d| d.hex(sum.algo.unwrap_or(list.algo)));
        a.signature = Some(vouched(list, &check, got, &sum.hex));
        a.covered_by = Some(list.signature.rel.clone());
    }
    Ok(())
}

/// Checks every signed list of the tree, the releases' own first, then those beside a
/// project's flat releases; `certs` gives the keys of a project or of a line with its
/// own KEYS (`Project::keys_id`).
pub fn check_all(tree: &mut Tree, certs: &dyn Fn(&str) -> Vec<Cert>) -> Result<()> {
    let root = tree.root.clone();
    for p in tree.projects.values_mut() {
        if p.signed_lists.is_empty() && p.releases.iter().all(|r| r.signed_lists.is_empty()) {
            continue;
        }
        let keys = certs(&p.name);
        let ids: Vec<String> = p.releases.iter().map(|r| p.keys_id(r).into_owned()).collect();
        for (r, id) in p.releases.iter_mut().zip(ids) {
            let line_keys = if id == p.name { None } else { Some(certs(&id)) };
            for list in &mut r.signed_lists {
                apply(&root, line_keys.as_deref().unwrap_or(&keys), list, r.artifacts.iter_mut())?;
            }
        }
        for list in &mut p.signed_lists {
            apply(&root, &keys, list, p.releases.iter_mut().flat_map(|r| r.artifacts.iter_mut()))?;
        }
    }
    Ok(())
}
