//! The checksum files a release manager uploaded (`<artifact>.sha512` sidecars and
//! `SHA512SUMS`-style lists, in GNU, BSD or bare form) checked against the digests
//! closer computed: a mismatch means the artifact or its checksum is wrong.

use crate::model::digests::Digests;
use crate::model::tree::{Artifact, Release, Tree};
use crate::util::problem::{Problem, Problems};
use std::collections::BTreeMap;
use std::path::Path;

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
                check_sidecars(&tree.root, a, &mut problems);
            }
            check_lists(&tree.root, release, &mut problems);
        }
    }
    problems
}

/// An artifact's sidecars (`<name>.sha512`, ...): the first checksum in each must match.
fn check_sidecars(root: &Path, a: &Artifact, problems: &mut Problems) {
    let Some(d) = &a.file.digests else { return };
    for (algo, f) in &a.checksums {
        let Some(want) = d.hex(*algo) else { continue };
        let path = root.join(&f.rel);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(Problem::new(path.display().to_string(), format!("cannot be read as text ({e})")));
                continue;
            }
        };
        match text.lines().filter_map(parse_sum_line).next() {
            Some((h, _)) if h == want => {}
            Some((h, _)) => problems.push(
                Problem::new(path.display().to_string(), format!("says {} but {} has {want}", short(&h), a.name))
                    .hint("the artifact or its checksum file is wrong: upload them again together"),
            ),
            None => problems.push(
                Problem::new(path.display().to_string(), "holds no checksum")
                    .hint("remove it; closer publishes its own"),
            ),
        }
    }
}

/// A release's checksum lists (`SHA512SUMS`, ...): every line must name a file of the
/// release, with its digest.
fn check_lists(root: &Path, release: &Release, problems: &mut Problems) {
    if release.sums.is_empty() {
        return;
    }
    let by_name: BTreeMap<&str, &Digests> =
        release.artifacts.iter().filter_map(|a| a.file.digests.as_ref().map(|d| (a.name.as_str(), d))).collect();
    for (algo, f) in &release.sums {
        let path = root.join(&f.rel);
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
                    if let Some(want) = d.hex(*algo)
                        && want != h
                    {
                        problems.push(
                            Problem::new(place, format!("says {} for {name} but the file has {want}", short(&h)))
                                .hint("the artifact or the list is wrong: upload them again together"),
                        );
                    }
                }
            }
        }
    }
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
