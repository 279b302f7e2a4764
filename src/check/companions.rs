//! The files that describe an artifact, read for what they claim: an SBOM must be an
//! SPDX or CycloneDX document, and a provenance (in-toto statements, one per line, bare
//! or in DSSE envelopes or Sigstore bundles, as SLSA generators write them) must name the
//! artifact's SHA-256 among its subjects. A provenance of a whole release
//! (`multiple.intoto.jsonl`) must agree with every file of the release it names. A
//! provenance line that is a Sigstore bundle (GitHub's attestations) is verified against
//! the trusted root when there is one: a forged one was linked as the file's provenance.

use crate::model::tree::{Artifact, FileRef, Release, Tree};
use crate::util::problem::{Problem, Problems};
use crate::util::text::hex;
use base64::Engine;
use rayon::prelude::*;
use serde_json::Value;

/// Companion files larger than this are not read (an SBOM of a whole distribution can
/// be tens of megabytes; a provenance is small).
const MAX_BYTES: u64 = 256 << 20;

/// What an SBOM or provenance file says is wrong with it, for every companion of the tree.
pub fn check(tree: &Tree, root: Option<&super::sigstore::Root>) -> Problems {
    let mut work: Vec<(String, &Release, Option<&Artifact>, &FileRef)> = Vec::new();
    for (p, r, a) in tree.artifacts() {
        for f in a.companions().iter().filter(|f| kind(&f.rel).is_some()) {
            work.push((format!("release {} {}", p.name, r.version), r, Some(a), f));
        }
    }
    for p in tree.projects.values() {
        for r in &p.releases {
            for f in r.other.iter().filter(|f| f.rel.ends_with(crate::model::tree::ATTESTATIONS_EXT)) {
                work.push((format!("release {} {}", p.name, r.version), r, None, f));
            }
        }
    }
    let found: Vec<Problem> = work
        .par_iter()
        .filter_map(|(what, r, a, f)| {
            let path = tree.root.join(&*f.rel);
            let place = path.display().to_string();
            let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
            if f.stat.size > MAX_BYTES {
                return Some(Problem::new(place, format!("{what}: {name} is over 256 MiB")).hint("split it, or leave it out"));
            }
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) => return Some(Problem::new(place, format!("{what}: cannot read {name}: {e}"))),
            };
            let why = match kind(&f.rel)? {
                Kind::Provenance => provenance_problem(&bytes, r, *a, root),
                Kind::Metadata => a.and_then(|a| metadata_problem(&bytes, a)),
                k => sbom_problem(k, &bytes),
            }?;
            Some(Problem::new(place, format!("{what}: {name} {why}")).hint(match kind(&f.rel)? {
                Kind::Provenance => "publish the provenance the build made for these very files; a file changed after it was attested must be built and attested again",
                Kind::Metadata => "write it again from the file it describes (as the build wrote it), or upload the file it was written for",
                _ => "publish the SBOM as the generator wrote it (syft, cdxgen, spdx-sbom-generator), as JSON",
            }))
        })
        .collect();
    let mut problems = Problems::default();
    for p in found {
        problems.push(p);
    }
    problems
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Spdx,
    /// SPDX's tag-value form (`.spdx`).
    SpdxTags,
    CycloneDx,
    /// Either JSON form (GoReleaser's `.sbom.json`, whatever syft was asked for).
    AnySbom,
    Provenance,
    /// What a build system says of a file (Boost's and Temurin's `X.json`): a digest it
    /// gives must be the file's.
    Metadata,
}

fn kind(rel: &str) -> Option<Kind> {
    // A Sigstore bundle is the signature stage's.
    if crate::model::tree::BUNDLE_EXTS.iter().any(|e| rel.ends_with(e)) {
        return None;
    }
    [
        (".spdx.json", Kind::Spdx),
        (".spdx", Kind::SpdxTags),
        (".cdx.json", Kind::CycloneDx),
        (".cyclonedx.json", Kind::CycloneDx),
        (".bom.json", Kind::CycloneDx),
        (".sbom.json", Kind::AnySbom),
        (".intoto.jsonl", Kind::Provenance),
        // LLVM's `X.jsonl`: GitHub's attestation bundles (the scan makes one a
        // companion only when X is beside it).
        (".jsonl", Kind::Provenance),
        // Any other `X.json` is a companion only when X is beside it (the scan's rule).
        (".json", Kind::Metadata),
    ]
    .into_iter()
    .find_map(|(ext, k)| rel.ends_with(ext).then_some(k))
}

/// Why an SBOM is not one, if it is not.
fn sbom_problem(kind: Kind, bytes: &[u8]) -> Option<String> {
    if kind == Kind::SpdxTags {
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
        let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or("");
        return (!first.starts_with("SPDXVersion: SPDX-"))
            .then(|| "is not an SPDX tag-value document (it does not start with `SPDXVersion: SPDX-x.y`)".into());
    }
    let doc: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return Some(format!("is not JSON ({e})")),
    };
    let spdx = doc.get("spdxVersion").and_then(Value::as_str).is_some_and(|v| v.starts_with("SPDX-"));
    let cyclonedx = doc.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX");
    match kind {
        Kind::Spdx if !spdx => Some("is not an SPDX document (no `spdxVersion: SPDX-x.y`)".into()),
        Kind::CycloneDx if !cyclonedx => Some("is not a CycloneDX document (no `bomFormat: CycloneDX`)".into()),
        Kind::AnySbom if !spdx && !cyclonedx => {
            Some("is neither an SPDX document (`spdxVersion`) nor a CycloneDX one (`bomFormat`)".into())
        }
        _ => None,
    }
}

/// A digest a file's metadata gives (`"sha256": "…"`, Temurin's `"checksum"`) that is
/// not the file's; a document giving none, or no JSON, says nothing here.
fn metadata_problem(bytes: &[u8], a: &Artifact) -> Option<String> {
    let doc: Value = serde_json::from_slice(bytes).ok()?;
    let d = a.file.digests.as_ref()?;
    ["sha256", "sha512", "sha1", "md5", "checksum"].iter().find_map(|key| {
        let given = doc.get(key)?.as_str()?.trim().to_ascii_lowercase();
        let algo = super::checksums::algo_of_length(given.len())?;
        let own = d.hex(algo)?;
        (own != given)
            .then(|| format!("gives {} {given} (`{key}`), but {} has {own}", algo.ext().to_ascii_uppercase(), a.name()))
    })
}

/// The subjects of an in-toto statement: (name, SHA-256 hex).
fn subjects(statement: &Value) -> Vec<(String, String)> {
    let list = statement.get("subject").and_then(Value::as_array).cloned().unwrap_or_default();
    list.iter()
        .map(|s| {
            let name = s.get("name").and_then(Value::as_str).unwrap_or("").to_string();
            let sha = s.pointer("/digest/sha256").and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
            (name, sha)
        })
        .collect()
}

/// The in-toto statement of one line: bare, in a DSSE envelope, or in a Sigstore
/// bundle's envelope.
fn statement(line: &Value) -> Option<Value> {
    if line.get("_type").is_some() {
        return Some(line.clone());
    }
    let envelope = line.get("dsseEnvelope").unwrap_or(line);
    let payload = envelope.get("payload")?.as_str()?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(payload).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Why a provenance does not vouch for its artifact (`a`), or for the files of release
/// `r` it names (a release's own provenance), if it does not.
fn provenance_problem(
    bytes: &[u8],
    r: &Release,
    a: Option<&Artifact>,
    root: Option<&super::sigstore::Root>,
) -> Option<String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => return Some("is not UTF-8 text".into()),
    };
    let mut all = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let value: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => return Some(format!("line {} is not JSON ({e})", i + 1)),
        };
        match statement(&value) {
            Some(s) => all.extend(subjects(&s)),
            None => return Some(format!("line {} is not an in-toto statement (bare, DSSE or Sigstore bundle)", i + 1)),
        }
        if let Some(why) = bundle_problem(line, &value, a, root) {
            return Some(format!("line {}: {why}", i + 1));
        }
    }
    let sha = |a: &Artifact| a.file.digests.as_ref().map(|d| hex(&d.sha256)).unwrap_or_default();
    let named = || all.iter().map(|(n, d)| format!("{n} ({})", short(d))).collect::<Vec<_>>().join(", ");
    if let Some(a) = a {
        let mine = sha(a);
        return (!all.iter().any(|(_, d)| *d == mine)).then(|| {
            format!(
                "attests {}, not {} (SHA-256 {})",
                if all.is_empty() { "nothing".into() } else { named() },
                a.name(),
                short(&mine)
            )
        });
    }
    let mut matched = 0;
    for (name, digest) in &all {
        let base = name.rsplit('/').next().unwrap_or(name);
        if let Some(a) = r.artifacts.iter().find(|a| a.name().rsplit('/').next() == Some(base)) {
            matched += 1;
            if sha(a) != *digest {
                return Some(format!(
                    "attests {base} with SHA-256 {}, but the release's {} has {}",
                    short(digest),
                    a.name(),
                    short(&sha(a))
                ));
            }
        }
    }
    (matched == 0).then(|| format!("attests none of the release's files (it names {})", named()))
}

/// Why a line that is a Sigstore bundle does not verify against the root (for its
/// artifact's SHA-256), if it does not.
fn bundle_problem(
    line: &str,
    value: &Value,
    a: Option<&Artifact>,
    root: Option<&super::sigstore::Root>,
) -> Option<String> {
    let is_bundle = value.get("mediaType").and_then(Value::as_str).is_some_and(|m| m.contains("sigstore.bundle"));
    let (root, sha256) = (root?, a?.file.digests.as_ref()?.sha256);
    if !is_bundle {
        return None;
    }
    let c = super::sigstore::check_bundle(root, line.as_bytes(), sha256);
    (c.outcome != crate::model::signature::Outcome::Good)
        .then(|| format!("its Sigstore signature is {} ({})", c.outcome.as_str(), c.detail))
}

/// The first 16 hex digits of a digest, enough to tell two apart in a message.
fn short(hex: &str) -> &str {
    &hex[..hex.len().min(16)]
}
