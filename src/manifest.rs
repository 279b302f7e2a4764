//! Checksum lists in the formats other tools read: `<artifact>.sha512`/`.sha256` sidecars
//! and per-release `SHA512SUMS`/`SHA256SUMS`, exactly as `sha512sum` writes them so that
//! `sha512sum -c` verifies them. It also checks the checksum files a release manager
//! uploaded against the digests closer computed.

use crate::digest::{Digests, hex};
use crate::problem::{Problem, Problems};
use crate::scan::{Algo, Release, Tree};
use crate::text::sum_line;
use std::collections::BTreeMap;

/// The hex digest of `algo`, when closer computed it.
pub fn digest_hex(d: &Digests, algo: Algo) -> Option<String> {
    match algo {
        Algo::Sha512 => Some(hex(&d.sha512)),
        Algo::Sha256 => Some(hex(&d.sha256)),
        Algo::Md5 => d.md5.as_ref().map(|m| hex(m)),
        Algo::Sha1 => None,
    }
}

/// The algorithms closer publishes.
pub fn published(legacy_md5: bool) -> Vec<Algo> {
    let mut v = vec![Algo::Sha512, Algo::Sha256];
    if legacy_md5 {
        v.push(Algo::Md5);
    }
    v
}

/// The name of a release's checksum list: `SHA512SUMS`.
pub fn sums_name(algo: Algo) -> String {
    format!("{}SUMS", algo.ext().to_ascii_uppercase())
}

/// A sidecar for one artifact: `<hex>  <basename>`.
pub fn sidecar(d: &Digests, algo: Algo, name: &str) -> Option<String> {
    let base = name.rsplit('/').next().unwrap_or(name);
    digest_hex(d, algo).map(|h| sum_line(&h, base))
}

/// A release's checksum list, one line per artifact, by path inside the release.
pub fn sums(release: &Release, algo: Algo) -> String {
    let mut out = String::new();
    for a in &release.artifacts {
        if let Some(h) = a.digests.as_ref().and_then(|d| digest_hex(d, algo)) {
            out.push_str(&sum_line(&h, &a.name));
        }
    }
    out
}

/// Parses one line of a checksum file: GNU (`hex  name`, `hex *name`), BSD
/// (`SHA512 (name) = hex`) or a bare digest. Returns (hex, name).
fn parse_sum_line(line: &str) -> Option<(String, Option<String>)> {
    let line = line.trim_end_matches(['\r', '\n']);
    if line.trim().is_empty() {
        return None;
    }
    if let Some(rest) = line.split_once(" (").map(|(_, r)| r)
        && let Some((name, h)) = rest.rsplit_once(") = ")
    {
        return Some((h.trim().to_ascii_lowercase(), Some(name.to_string())));
    }
    let line = line.strip_prefix('\\').unwrap_or(line);
    match line.split_once(char::is_whitespace) {
        Some((h, name)) => {
            let name = name.trim_start_matches([' ', '*']).trim_end();
            Some((h.to_ascii_lowercase(), (!name.is_empty()).then(|| name.to_string())))
        }
        None => Some((line.trim().to_ascii_lowercase(), None)),
    }
}

/// Checks the checksum files the release manager uploaded against computed digests.
pub fn check_uploaded(tree: &Tree) -> Problems {
    let mut problems = Problems::default();
    for project in tree.projects.values() {
        for release in &project.releases {
            for a in &release.artifacts {
                let Some(d) = &a.digests else { continue };
                for (algo, f) in &a.checksums {
                    let Some(want) = digest_hex(d, *algo) else { continue };
                    let path = tree.root.join(&f.rel);
                    let text = match std::fs::read_to_string(&path) {
                        Ok(t) => t,
                        Err(e) => {
                            problems.push(Problem::new(
                                path.display().to_string(),
                                format!("cannot be read as text ({e})"),
                            ));
                            continue;
                        }
                    };
                    let first = text.lines().filter_map(parse_sum_line).next();
                    match first {
                        Some((h, _)) if h == want => {}
                        Some((h, _)) => problems.push(
                            Problem::new(
                                path.display().to_string(),
                                format!("says {} but {} has {want}", short(&h), a.name),
                            )
                            .hint("the artifact or its checksum file is wrong: upload them again together"),
                        ),
                        None => problems.push(
                            Problem::new(path.display().to_string(), "holds no checksum")
                                .hint("remove it; closer publishes its own"),
                        ),
                    }
                }
            }
            if release.sums.is_empty() {
                continue;
            }
            let by_name: BTreeMap<&str, &Digests> =
                release.artifacts.iter().filter_map(|a| a.digests.as_ref().map(|d| (a.name.as_str(), d))).collect();
            for (algo, f) in &release.sums {
                let path = tree.root.join(&f.rel);
                let Ok(text) = std::fs::read_to_string(&path) else {
                    problems.push(Problem::new(path.display().to_string(), "cannot be read as text"));
                    continue;
                };
                for (i, line) in text.lines().enumerate() {
                    let Some((h, Some(name))) = parse_sum_line(line) else { continue };
                    let place = format!("{}:{}", path.display(), i + 1);
                    match by_name.get(name.as_str()) {
                        None => problems.push(
                            Problem::new(place, format!("lists {name:?}, which is not in the release"))
                                .hint("fix the list, or upload the file"),
                        ),
                        Some(d) => {
                            if let Some(want) = digest_hex(d, *algo)
                                && want != h
                            {
                                problems.push(
                                    Problem::new(
                                        place,
                                        format!("says {} for {name} but the file has {want}", short(&h)),
                                    )
                                    .hint("the artifact or the list is wrong: upload them again together"),
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    problems
}

fn short(h: &str) -> String {
    if h.len() > 16 { format!("{}...", &h[..16]) } else { h.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sum_lines() {
        assert_eq!(parse_sum_line("ABC  foo.tar.gz"), Some(("abc".into(), Some("foo.tar.gz".into()))));
        assert_eq!(parse_sum_line("abc *foo.tar.gz"), Some(("abc".into(), Some("foo.tar.gz".into()))));
        assert_eq!(parse_sum_line("SHA512 (foo.tar.gz) = abc"), Some(("abc".into(), Some("foo.tar.gz".into()))));
        assert_eq!(parse_sum_line("abc"), Some(("abc".into(), None)));
    }
}
