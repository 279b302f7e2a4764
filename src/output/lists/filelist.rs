//! What the mirror lists say: quick-fedora-mirror's `fullfiletimelist` format (version
//! 3), one list for the full mirrors, one per partial mirror and one for the archive,
//! and a fingerprint of their inputs so an unchanged tree makes no lists at all.

use crate::input::registry::Registry;
use crate::model::tree::{FileRef, Tree, checksum_list};
use crate::plan::Plan;
use crate::util::text::push_hex;

/// One line of a file list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    /// max(mtime, ctime), whole seconds: a change of either must reach the mirrors.
    pub mtime: i64,
    /// `f`, `d` or `l`.
    pub kind: char,
    /// Bytes (for a link: the length of its target).
    pub size: u64,
    pub path: String,
    pub sha512: Option<[u8; 64]>,
}

fn entry(f: &FileRef, kind: char) -> ListEntry {
    ListEntry {
        mtime: f.stat.mtime.max(f.stat.ctime),
        kind,
        size: f.stat.size,
        path: f.rel.clone(),
        sha512: if kind == 'f' { f.digests.as_ref().map(|d| d.sha512) } else { None },
    }
}

/// A file list in quick-fedora-mirror's format (version 3), sorted by path.
pub fn filelist(mut entries: Vec<ListEntry>) -> String {
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    entries.dedup_by(|a, b| a.path == b.path);
    use std::fmt::Write;
    let mut out = String::with_capacity(entries.iter().map(|e| 2 * e.path.len() + 170).sum::<usize>() + 64);
    out.push_str("[Version]\n3\n\n[Files]\n");
    for e in &entries {
        // (Writing into a String cannot fail.)
        let _ = writeln!(out, "{}\t{}\t{}\t{}", e.mtime, e.kind, e.size, e.path);
    }
    out.push_str("\n[Checksums SHA512]\n");
    for e in &entries {
        if let Some(h) = &e.sha512 {
            push_hex(&mut out, h);
            out.push('\t');
            out.push_str(&e.path);
            out.push('\n');
        }
    }
    out.push_str("\n[End]\n");
    out
}

/// Reads a file list back, strictly: the sections in order, every line of `[Files]`
/// four tab-separated fields, every checksum 128 hex digits of a listed regular file.
/// The mirror side reads lists with awk (`scripts/mirror-sync`); this reader is the
/// format's definition in code, and what the fuzz target holds the writer to.
pub fn parse_filelist(text: &str) -> Result<Vec<ListEntry>, String> {
    let mut lines = text.split('\n').enumerate().map(|(i, l)| (i + 1, l));
    let mut expect = |want: &str| match lines.next() {
        Some((_, l)) if l == want => Ok(()),
        Some((n, l)) => Err(format!("line {n}: expected `{want}`, found `{}`", l.escape_default())),
        None => Err(format!("ends before `{want}`")),
    };
    for want in ["[Version]", "3", "", "[Files]"] {
        expect(want)?;
    }
    let mut entries: Vec<ListEntry> = Vec::new();
    let mut at = std::collections::HashMap::new();
    let mut section = "files";
    for (n, line) in lines {
        let bad = |m: &str| Err(format!("line {n}: {m}"));
        match (section, line) {
            ("files", "") => section = "gap",
            ("files", l) => {
                let f: Vec<&str> = l.splitn(4, '\t').collect();
                let (Some(mtime), Some(size)) =
                    (f[0].parse::<i64>().ok(), f.get(2).and_then(|s| s.parse::<u64>().ok()))
                else {
                    return bad("expected `mtime<TAB>type<TAB>size<TAB>path`");
                };
                let kind = match f.get(1) {
                    Some(&"f") => 'f',
                    Some(&"d") => 'd',
                    Some(&"l") => 'l',
                    _ => return bad("the type is not f, d or l"),
                };
                let Some(path) = f.get(3).filter(|p| !p.is_empty()) else { return bad("no path") };
                at.insert(path.to_string(), entries.len());
                entries.push(ListEntry { mtime, kind, size, path: path.to_string(), sha512: None });
            }
            ("gap", "[Checksums SHA512]") => section = "sums",
            ("sums", "") => section = "end",
            ("sums", l) => {
                let Some((hex, path)) = l.split_once('\t') else { return bad("expected `sha512<TAB>path`") };
                let Some(sum) = crate::util::text::unhex::<64>(hex) else { return bad("not 128 hex digits") };
                match at.get(path).map(|&i| &mut entries[i]) {
                    Some(e) if e.kind == 'f' => e.sha512 = Some(sum),
                    _ => return bad("a checksum of a path that is not a listed file"),
                }
            }
            ("end", "[End]") => section = "done",
            ("done", "") => section = "after",
            _ => return bad("unexpected line"),
        }
    }
    if section != "after" {
        return Err("the list ends before `[End]` and its newline".into());
    }
    Ok(entries)
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
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Scope<'a> {
    /// Current releases of every project, artifacts only: the full mirrors' list.
    Mirrors,
    /// The current releases one partial mirror carries (its units of the copies).
    Partial(&'a [u32]),
    /// Every release and every file of it: the archive host's list.
    Archive,
}

fn entries_for(tree: &Tree, plan: &Plan, scope: Scope) -> Vec<ListEntry> {
    // Notes (`HEADER.html`, `README`, ...) go wherever their directory goes.
    let mut out: Vec<ListEntry> = tree.notes.iter().map(|n| entry(n, 'f')).collect();
    for p in tree.projects.values() {
        let Some(pp) = plan.project(&p.name) else { continue };
        let releases: Vec<usize> = match scope {
            Scope::Archive => (0..p.releases.len()).collect(),
            Scope::Mirrors => pp.current.clone(),
            Scope::Partial(units) => {
                let carried = |i: &usize| {
                    plan.copies.unit_of(&p.name, *i).is_some_and(|u| units.binary_search(&(u as u32)).is_ok())
                };
                pp.current.iter().copied().filter(carried).collect()
            }
        };
        if releases.is_empty() {
            continue;
        }
        out.push(entry(&p.dir, 'd'));
        // Checksum lists carried beside flat releases stay on the primary and the archive,
        // as every list and signature does.
        let on_mirrors = |n: &&FileRef| {
            matches!(scope, Scope::Archive) || checksum_list(n.rel.rsplit('/').next().unwrap_or(&n.rel)).is_none()
        };
        out.extend(p.notes.iter().filter(on_mirrors).map(|n| entry(n, 'f')));
        if let (Scope::Archive, Some(k)) = (scope, &p.keys) {
            out.push(entry(k, 'f'));
        }
        if let Scope::Archive = scope {
            out.extend(p.line_keys.iter().map(|(_, k)| entry(k, 'f')));
            out.extend(p.signed_lists.iter().map(|l| entry(&l.signature, 'f')));
        }
        for &i in &releases {
            let r = &p.releases[i];
            out.push(entry(&r.dir, 'd'));
            out.extend(r.dirs.iter().map(|d| entry(d, 'd')));
            out.extend(r.notes.iter().map(|n| entry(n, 'f')));
            for a in &r.artifacts {
                out.push(entry(&a.file, 'f'));
                if let Scope::Archive = scope {
                    out.extend(a.asc.iter().map(|s| entry(s, 'f')));
                    out.extend(a.checksums.iter().map(|(_, c)| entry(c, 'f')));
                }
            }
            if let Scope::Archive = scope {
                out.extend(r.sums.iter().map(|(_, s)| entry(s, 'f')));
                out.extend(r.other.iter().chain(&r.tar_signs).map(|o| entry(o, 'f')));
                out.extend(r.signed_lists.iter().map(|l| entry(&l.signature, 'f')));
            }
        }
    }
    // Links come along when they sit in a carried directory and point at carried content.
    let carried: std::collections::HashSet<&str> = out.iter().map(|e| e.path.as_str()).collect();
    let links: Vec<ListEntry> = tree
        .links
        .iter()
        .filter(|l| {
            let dir = l.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            carried.contains(dir) && resolve(&l.rel, &l.target).is_some_and(|t| carried.contains(t.as_str()))
        })
        .map(|l| ListEntry {
            mtime: l.mtime,
            kind: 'l',
            size: l.target.len() as u64,
            path: l.rel.clone(),
            sha512: None,
        })
        .collect();
    out.extend(links);
    out
}

/// A list closer writes into the release tree.
#[derive(Debug, Clone)]
pub struct MirrorList {
    /// Its path relative to the tree's root.
    pub rel: String,
    /// A digest of everything it is made from: equal digests give equal lists.
    pub inputs: [u8; 32],
    /// Its text (shared by the mirrors that carry the same units); `None` when it was
    /// not made because the caller keeps the one on disk.
    pub text: Option<std::sync::Arc<str>>,
}

/// The lists closer writes into the release tree. `fingerprint` is
/// [`lists_fingerprint`], the inputs of the full and archive lists; a partial mirror's
/// list has inputs of its own, the units it carries, so a new release makes again only
/// the lists of the mirrors that carry its project (or whose units moved). A list for
/// which `keep(rel, inputs)` says the one on disk was made from the same inputs is not
/// made; mirrors that carry the same units share one text, made once, and the distinct
/// texts are made in parallel.
pub fn mirror_lists(
    registry: &Registry,
    tree: &Tree,
    plan: &Plan,
    fingerprint: &[u8; 32],
    keep: &dyn Fn(&str, &[u8; 32]) -> bool,
) -> Vec<MirrorList> {
    use rayon::prelude::*;
    let units = unit_inputs(registry, tree, plan);
    let mut wanted: Vec<(String, [u8; 32], Scope)> =
        vec![(format!("fullfiletimelist-{}", registry.primary.module), *fingerprint, Scope::Mirrors)];
    for (i, m) in registry.mirrors.iter().enumerate() {
        let Some(Some(carried)) = plan.copies.carried.get(i).filter(|_| m.is_partial()) else { continue };
        wanted.push((format!("zzz/lists/fullfiletimelist-{}", m.id), units.of(carried), Scope::Partial(carried)));
    }
    wanted.push(("zzz/lists/fullfiletimelist-archive".into(), *fingerprint, Scope::Archive));
    // Which distinct text each list needs, if it is made at all.
    let mut distinct: Vec<Scope> = Vec::new();
    let mut seen: std::collections::HashMap<Scope, usize> = std::collections::HashMap::new();
    let text_of: Vec<Option<usize>> = wanted
        .iter()
        .map(|(rel, inputs, scope)| {
            (!keep(rel, inputs)).then(|| {
                *seen.entry(*scope).or_insert_with(|| {
                    distinct.push(*scope);
                    distinct.len() - 1
                })
            })
        })
        .collect();
    let texts: Vec<std::sync::Arc<str>> =
        distinct.par_iter().map(|scope| filelist(entries_for(tree, plan, *scope)).into()).collect();
    wanted
        .into_iter()
        .zip(text_of)
        .map(|((rel, inputs, _), t)| MirrorList { rel, inputs, text: t.map(|t| texts[t].clone()) })
        .collect()
}

/// The inputs of partial lists: what every one of them holds (the module, the notes at
/// the top, the links) and a digest per unit of the copies (its project's directory
/// and notes, its releases' directories, notes and artifacts, names, metadata, checksums).
struct UnitInputs {
    common: [u8; 32],
    units: Vec<[u8; 32]>,
}

impl UnitInputs {
    /// The inputs of the list of a mirror carrying `carried`.
    fn of(&self, carried: &[u32]) -> [u8; 32] {
        let mut h = Inputs::default();
        h.put(&self.common);
        for &u in carried {
            h.put(&u.to_le_bytes());
            h.put(&self.units.get(u as usize).copied().unwrap_or_default());
        }
        h.finish()
    }
}

fn unit_inputs(registry: &Registry, tree: &Tree, plan: &Plan) -> UnitInputs {
    let mut common = Inputs::default();
    common.put(registry.primary.module.as_bytes());
    tree.notes.iter().for_each(|n| common.file(n));
    tree.links.iter().for_each(|l| common.link(l));
    let mut units = vec![Inputs::default(); plan.copies.units.len()];
    for p in tree.projects.values() {
        let Some(pp) = plan.project(&p.name) else { continue };
        for &i in &pp.current {
            let Some(u) = plan.copies.unit_of(&p.name, i) else { continue };
            let h = &mut units[u];
            h.file(&p.dir);
            p.notes.iter().for_each(|n| h.file(n));
            let r = &p.releases[i];
            h.put(&(i as u64).to_le_bytes());
            h.file(&r.dir);
            r.dirs.iter().chain(&r.notes).for_each(|f| h.file(f));
            r.artifacts.iter().for_each(|a| h.file(&a.file));
        }
    }
    UnitInputs { common: common.finish(), units: units.into_iter().map(Inputs::finish).collect() }
}

/// A digest of everything the mirror lists are made from (the tree's names, metadata
/// and checksums, the plan, the partial mirrors and the module name). Equal digests
/// give equal lists, so an unchanged tree needs no lists generated at all.
pub fn lists_fingerprint(registry: &Registry, tree: &Tree, plan: &Plan) -> [u8; 32] {
    let mut h = Inputs::default();
    h.put(registry.primary.module.as_bytes());
    for (i, m) in registry.mirrors.iter().enumerate().filter(|(_, m)| m.is_partial()) {
        h.put(m.id.as_bytes());
        let units = plan.copies.carried.get(i).cloned().flatten().unwrap_or_default();
        h.put(&units.iter().flat_map(|u| u.to_le_bytes()).collect::<Vec<u8>>());
    }
    for u in &plan.copies.units {
        h.put(u.key.as_bytes());
    }
    for p in tree.projects.values() {
        h.file(&p.dir);
        if let Some(pp) = plan.project(&p.name) {
            h.put(&pp.current.iter().flat_map(|i| (*i as u64).to_le_bytes()).collect::<Vec<u8>>());
        }
        for r in &p.releases {
            h.file(&r.dir);
            r.dirs.iter().for_each(|d| h.file(d));
        }
    }
    tree.files().into_iter().for_each(|f| h.file(f));
    tree.links.iter().for_each(|l| h.link(l));
    h.finish()
}

/// A digest of build inputs: length-prefixed bytes, files by name, metadata and
/// checksum (the lists' fingerprints, and the site's in `output::site_state`).
#[derive(Default, Clone)]
pub struct Inputs(sha2::Sha256);

impl Inputs {
    pub fn put(&mut self, b: &[u8]) {
        use sha2::Digest;
        self.0.update((b.len() as u64).to_le_bytes());
        self.0.update(b);
    }

    pub fn file(&mut self, f: &FileRef) {
        self.put(f.rel.as_bytes());
        let s = &f.stat;
        self.put(&[s.size.to_le_bytes(), (s.mtime as u64).to_le_bytes(), (s.ctime as u64).to_le_bytes()].concat());
        if let Some(d) = &f.digests {
            self.put(&d.sha512);
        }
    }

    fn link(&mut self, l: &crate::model::tree::Link) {
        self.put(l.rel.as_bytes());
        self.put(l.target.as_bytes());
        self.put(&l.mtime.to_le_bytes());
    }

    pub fn finish(self) -> [u8; 32] {
        use sha2::Digest;
        self.0.finalize().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filelist_format() {
        let e = |path: &str, kind, sha: Option<[u8; 64]>| ListEntry {
            mtime: 7,
            kind,
            size: 3,
            path: path.into(),
            sha512: sha,
        };
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
