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
        if let Some(h) = a.file.digests.as_ref().and_then(|d| digest_hex(d, algo)) {
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
                let Some(d) = &a.file.digests else { continue };
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
            let by_name: BTreeMap<&str, &Digests> = release
                .artifacts
                .iter()
                .filter_map(|a| a.file.digests.as_ref().map(|d| (a.name.as_str(), d)))
                .collect();
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

/// One line of a file list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// max(mtime, ctime), whole seconds: a change of either must reach the mirrors.
    pub mtime: i64,
    /// `f`, `d` or `l`.
    pub kind: char,
    /// Bytes (for a link: the length of its target).
    pub size: u64,
    pub path: String,
    pub sha512: Option<[u8; 64]>,
}

fn entry(f: &crate::scan::FileRef, kind: char) -> Entry {
    Entry {
        mtime: f.stat.mtime.max(f.stat.ctime),
        kind,
        size: f.stat.size,
        path: f.rel.clone(),
        sha512: if kind == 'f' { f.digests.as_ref().map(|d| d.sha512) } else { None },
    }
}

/// A file list in quick-fedora-mirror's format (version 3), sorted by path.
pub fn filelist(mut entries: Vec<Entry>) -> String {
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    entries.dedup_by(|a, b| a.path == b.path);
    let mut out = String::with_capacity(entries.len() * 200 + 64);
    out.push_str("[Version]\n3\n\n[Files]\n");
    for e in &entries {
        out.push_str(&format!("{}\t{}\t{}\t{}\n", e.mtime, e.kind, e.size, e.path));
    }
    out.push_str("\n[Checksums SHA512]\n");
    for e in &entries {
        if let Some(h) = &e.sha512 {
            out.push_str(&hex(h));
            out.push('\t');
            out.push_str(&e.path);
            out.push('\n');
        }
    }
    out.push_str("\n[End]\n");
    out
}

/// Resolves a link's target against the link's directory, inside the tree; `None` when
/// it would leave the tree.
fn resolve(link_rel: &str, target: &str) -> Option<String> {
    if target.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = link_rel.split('/').collect();
    parts.pop();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// What one list carries.
#[derive(Clone, Copy)]
enum Scope<'a> {
    /// Current releases of every project, artifacts only: the full mirrors' list.
    Mirrors,
    /// Current releases of the projects one partial mirror carries.
    Partial(&'a crate::registry::Mirror),
    /// Every release and every file of it: the archive host's list.
    Archive,
}

fn entries_for(tree: &Tree, plan: &crate::plan::Plan, scope: Scope) -> Vec<Entry> {
    let mut out = Vec::new();
    for p in tree.projects.values() {
        let carried = match scope {
            Scope::Partial(m) => m.carries(&p.name),
            _ => true,
        };
        let Some(pp) = plan.project(&p.name).filter(|_| carried) else { continue };
        let releases: Vec<usize> = match scope {
            Scope::Archive => (0..p.releases.len()).collect(),
            _ => pp.current.clone(),
        };
        if releases.is_empty() {
            continue;
        }
        out.push(entry(&p.dir, 'd'));
        if let (Scope::Archive, Some(k)) = (scope, &p.keys) {
            out.push(entry(k, 'f'));
        }
        for &i in &releases {
            let r = &p.releases[i];
            out.push(entry(&r.dir, 'd'));
            out.extend(r.dirs.iter().map(|d| entry(d, 'd')));
            for a in &r.artifacts {
                out.push(entry(&a.file, 'f'));
                if let Scope::Archive = scope {
                    out.extend(a.asc.iter().map(|s| entry(s, 'f')));
                    out.extend(a.checksums.iter().map(|(_, c)| entry(c, 'f')));
                }
            }
            if let Scope::Archive = scope {
                out.extend(r.sums.iter().map(|(_, s)| entry(s, 'f')));
                out.extend(r.other.iter().map(|o| entry(o, 'f')));
            }
        }
    }
    // Links come along when they sit in a carried directory and point at carried content.
    let carried: std::collections::HashSet<&str> = out.iter().map(|e| e.path.as_str()).collect();
    let links: Vec<Entry> = tree
        .links
        .iter()
        .filter(|l| {
            let dir = l.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            carried.contains(dir) && resolve(&l.rel, &l.target).is_some_and(|t| carried.contains(t.as_str()))
        })
        .map(|l| Entry { mtime: l.mtime, kind: 'l', size: l.target.len() as u64, path: l.rel.clone(), sha512: None })
        .collect();
    out.extend(links);
    out
}

/// The lists closer writes into the release tree, by path relative to its root.
pub fn mirror_lists(
    registry: &crate::registry::Registry,
    tree: &Tree,
    plan: &crate::plan::Plan,
) -> Vec<(String, String)> {
    let mut lists = vec![(
        format!("fullfiletimelist-{}", registry.primary.module),
        filelist(entries_for(tree, plan, Scope::Mirrors)),
    )];
    for m in registry.mirrors.iter().filter(|m| m.is_partial()) {
        lists.push((
            format!("zzz/lists/fullfiletimelist-{}", m.id),
            filelist(entries_for(tree, plan, Scope::Partial(m))),
        ));
    }
    lists.push(("zzz/lists/fullfiletimelist-archive".into(), filelist(entries_for(tree, plan, Scope::Archive))));
    lists
}

#[cfg(test)]
mod list_tests {
    use super::*;

    #[test]
    fn filelist_format() {
        let e =
            |path: &str, kind, sha: Option<[u8; 64]>| Entry { mtime: 7, kind, size: 3, path: path.into(), sha512: sha };
        let text = filelist(vec![e("b/x", 'f', Some([1; 64])), e("b", 'd', None), e("a", 'd', None)]);
        let want = format!(
            "[Version]\n3\n\n[Files]\n7\td\t3\ta\n7\td\t3\tb\n7\tf\t3\tb/x\n\n[Checksums SHA512]\n{}\tb/x\n\n[End]\n",
            "01".repeat(64)
        );
        assert_eq!(text, want);
    }

    #[test]
    fn links_resolve_inside_the_tree() {
        assert_eq!(resolve("p/latest", "2.0").as_deref(), Some("p/2.0"));
        assert_eq!(resolve("p/2.0/a.tgz", "../1.0/a.tgz").as_deref(), Some("p/1.0/a.tgz"));
        assert_eq!(resolve("p/x", "../../../etc"), None);
        assert_eq!(resolve("p/x", "/etc"), None);
    }
}

/// A digest of everything the mirror lists are made from (the tree's names, metadata
/// and checksums, the plan, the partial mirrors and the module name). Equal digests
/// give equal lists, so an unchanged tree needs no lists generated at all.
pub fn lists_fingerprint(registry: &crate::registry::Registry, tree: &Tree, plan: &crate::plan::Plan) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut put = |b: &[u8]| {
        h.update((b.len() as u64).to_le_bytes());
        h.update(b);
    };
    put(registry.primary.module.as_bytes());
    for m in registry.mirrors.iter().filter(|m| m.is_partial()) {
        put(m.id.as_bytes());
        put(m.include.join("\n").as_bytes());
        put(m.exclude.join("\n").as_bytes());
    }
    let file = |put: &mut dyn FnMut(&[u8]), f: &crate::scan::FileRef| {
        put(f.rel.as_bytes());
        let s = &f.stat;
        put(&[s.size.to_le_bytes(), (s.mtime as u64).to_le_bytes(), (s.ctime as u64).to_le_bytes()].concat());
        if let Some(d) = &f.digests {
            put(&d.sha512);
        }
    };
    for p in tree.projects.values() {
        file(&mut put, &p.dir);
        if let Some(pp) = plan.project(&p.name) {
            put(&pp.current.iter().flat_map(|i| (*i as u64).to_le_bytes()).collect::<Vec<u8>>());
        }
        for r in &p.releases {
            file(&mut put, &r.dir);
            r.dirs.iter().for_each(|d| file(&mut put, d));
        }
    }
    for f in tree.files() {
        file(&mut put, f);
    }
    for l in &tree.links {
        put(l.rel.as_bytes());
        put(l.target.as_bytes());
        put(&l.mtime.to_le_bytes());
    }
    h.finalize().into()
}
