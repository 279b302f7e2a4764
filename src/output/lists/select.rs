//! Which files each mirror list holds: the full mirrors' (current releases, artifacts
//! only), each partial mirror's (the units of the copies it carries) and the archive's
//! (everything); and the fingerprints of their inputs, so that an unchanged tree makes
//! no list at all and a new release makes again only the lists that carry it.

use super::filelist::{Line, ListEntry, filelist};
use super::stream::{Made, RUN, Want, Writer, line, make_texts};
use crate::input::registry::Registry;
use crate::model::tree::{FileRef, Project, Tree, checksum_list};
use crate::output::fingerprint::Fingerprint;
use crate::plan::Plan;
use crate::util::fs::resolve_link;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

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

/// The releases of project `p` a list of `scope` carries.
fn releases_in(plan: &Plan, p: &Project, scope: Scope) -> Vec<u32> {
    let Some(pp) = plan.project(&p.name) else { return Vec::new() };
    let current = pp.current.iter().map(|&i| i as u32);
    match scope {
        Scope::Archive => (0..p.releases.len() as u32).collect(),
        Scope::Mirrors => current.collect(),
        Scope::Partial(units) => current
            .filter(|&i| {
                plan.copies.unit_of(&p.name, i as usize).is_some_and(|u| units.binary_search(&(u as u32)).is_ok())
            })
            .collect(),
    }
}

/// The lines of project `p` in a list carrying `releases` of it (none when it carries
/// none), every file of them in the archive's.
fn project_lines<'t>(p: &'t Project, releases: &[u32], archive: bool) -> Vec<Line<'t>> {
    let mut out = Vec::new();
    if releases.is_empty() {
        return out;
    }
    out.push(line(&p.dir, 'd'));
    // Checksum lists carried beside flat releases stay on the primary and the archive,
    // as every list and signature does.
    let on_mirrors = |n: &&FileRef| archive || checksum_list(n.rel.rsplit('/').next().unwrap_or(&n.rel)).is_none();
    out.extend(p.notes.iter().filter(on_mirrors).map(|n| line(n, 'f')));
    if archive {
        out.extend(p.keys.iter().map(|k| line(k, 'f')));
        out.extend(p.line_keys.iter().map(|(_, k)| line(k, 'f')));
        out.extend(p.signed_lists.iter().map(|l| line(&l.signature, 'f')));
    }
    for &i in releases {
        let r = &p.releases[i as usize];
        out.push(line(&r.dir, 'd'));
        out.extend(r.dirs.iter().map(|d| line(d, 'd')));
        out.extend(r.notes.iter().map(|n| line(n, 'f')));
        for a in &r.artifacts {
            out.push(line(&a.file, 'f'));
            if archive {
                out.extend(a.asc.iter().map(|s| line(s, 'f')));
                out.extend(a.checksums.iter().map(|(_, c)| line(c, 'f')));
                out.extend(a.companions().iter().map(|c| line(c, 'f')));
            }
        }
        if archive {
            out.extend(r.sums.iter().map(|(_, s)| line(s, 'f')));
            out.extend(r.other.iter().chain(&r.tar_signs).map(|o| line(o, 'f')));
            out.extend(r.signed_lists.iter().map(|l| line(&l.signature, 'f')));
        }
    }
    out
}

/// Every entry of a list of `scope`, links included.
fn entries_for(tree: &Tree, plan: &Plan, scope: Scope) -> Vec<ListEntry> {
    // Notes (`HEADER.html`, `README`, ...) go wherever their directory goes.
    let mut out: Vec<ListEntry> = tree.notes.iter().map(|n| line(n, 'f').to_entry()).collect();
    for p in tree.projects.values() {
        let lines = project_lines(p, &releases_in(plan, p, scope), matches!(scope, Scope::Archive));
        out.extend(lines.into_iter().map(Line::to_entry));
    }
    let links: Vec<ListEntry> = carried_links(tree, &out)
        .into_iter()
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

/// The links that come along with `entries`: those in a directory the mirror has (one
/// carried, or above something carried) that lead to carried content, directly or
/// through other carried links (Node.js's `node-latest.tar.gz ->
/// latest/node-v21.5.0.tar.gz`, with `latest -> v21.5.0`; Ubuntu's `jammy/*.iso ->
/// ../.pool/*.iso`).
fn carried_links<'a>(tree: &'a Tree, entries: &[ListEntry]) -> Vec<&'a crate::model::tree::Link> {
    if tree.links.is_empty() {
        // Most trees have none; the set below hashes every path of a list.
        return Vec::new();
    }
    let mut carried: HashSet<&str> = HashSet::new();
    for e in entries {
        let mut path = e.path.as_str();
        while carried.insert(path) {
            let Some((up, _)) = path.rsplit_once('/') else { break };
            path = up;
        }
    }
    let mut through: HashMap<&str, String> = HashMap::new();
    let mut out: Vec<&crate::model::tree::Link> = Vec::new();
    // Each round takes the links that lead to what is carried so far; a chain of n
    // links takes n rounds.
    loop {
        let before = out.len();
        for l in &tree.links {
            let dir = l.rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            if through.contains_key(l.rel.as_str()) || !carried.contains(dir) {
                continue;
            }
            let Some(to) = resolve_link(&l.rel, &l.target).map(|t| follow(t, &through)) else { continue };
            if carried.contains(to.as_str()) {
                through.insert(&l.rel, to);
                out.push(l);
            }
        }
        if out.len() == before {
            break;
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// `path` with its leading part replaced where that part is a carried link.
fn follow(path: String, through: &HashMap<&str, String>) -> String {
    let ends = path.match_indices('/').map(|(i, _)| i).chain([path.len()]);
    let hop = ends.into_iter().find_map(|i| through.get(&path[..i]).map(|t| format!("{t}{}", &path[i..])));
    hop.unwrap_or(path)
}

/// Where the full mirrors' list is, relative to the release tree.
pub fn full_list_path(registry: &Registry) -> String {
    format!("fullfiletimelist-{}", registry.primary.module)
}

/// Where the own list of a partial (or capacity) mirror is, relative to the release tree.
pub fn mirror_list_path(id: &str) -> String {
    format!("zzz/lists/fullfiletimelist-{id}")
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
    pub text: Option<std::sync::Arc<Made>>,
}

/// The lists closer writes into the release tree. `fingerprint` is
/// [`lists_fingerprint`], the inputs of the full and archive lists; a partial mirror's
/// list has inputs of its own, the units it carries, so a new release makes again only
/// the lists of the mirrors that carry its project (or whose units moved). A list for
/// which `keep(rel, inputs)` says the one on disk was made from the same inputs is not
/// made; mirrors that carry the same units share one text, made once, and the distinct
/// texts are made in parallel, each written to a file in `aside` as soon as it is made.
pub fn mirror_lists(
    registry: &Registry,
    tree: &Tree,
    plan: &Plan,
    fingerprint: &[u8; 32],
    keep: &dyn Fn(&str, &[u8; 32]) -> bool,
    aside: &std::path::Path,
) -> anyhow::Result<Vec<MirrorList>> {
    let units = unit_inputs(registry, tree, plan);
    let mut wanted: Vec<(String, [u8; 32], Scope)> = vec![(full_list_path(registry), *fingerprint, Scope::Mirrors)];
    for (i, m) in registry.mirrors.iter().enumerate() {
        let Some(Some(carried)) = plan.copies.carried.get(i).filter(|_| m.is_partial()) else { continue };
        wanted.push((mirror_list_path(&m.id), units.of(carried), Scope::Partial(carried)));
    }
    wanted.push(("zzz/lists/fullfiletimelist-archive".into(), *fingerprint, Scope::Archive));
    // A list that carries a held project's previous entries has them in its inputs and
    // a text of its own.
    let carried = |rel: &str| tree.carried.get(rel).filter(|c| !c.is_empty());
    for (rel, inputs, _) in &mut wanted {
        if let Some(c) = carried(rel) {
            let mut h = Fingerprint::default();
            h.put(inputs);
            put_entries(&mut h, c);
            *inputs = h.finish();
        }
    }
    // Which distinct text each list needs, if it is made at all.
    let mut distinct: Vec<Text> = Vec::new();
    let mut seen: std::collections::HashMap<(Scope, Option<&str>), usize> = std::collections::HashMap::new();
    let text_of: Vec<Option<usize>> = wanted
        .iter()
        .map(|(rel, inputs, scope)| {
            (!keep(rel, inputs)).then(|| {
                let extra = carried(rel).map(Vec::as_slice);
                *seen.entry((*scope, extra.map(|_| rel.as_str()))).or_insert_with(|| {
                    distinct.push((*scope, extra));
                    distinct.len() - 1
                })
            })
        })
        .collect();
    let texts = texts(tree, plan, &distinct, aside)?;
    Ok(wanted
        .into_iter()
        .zip(text_of)
        .map(|((rel, inputs, _), t)| MirrorList { rel, inputs, text: t.map(|t| texts[t].clone()) })
        .collect())
}

/// A distinct list text: its scope, and the entries of a held project it carries.
type Text<'a> = (Scope<'a>, Option<&'a [ListEntry]>);

/// Each distinct text's file in `aside`. A tree with links has each text made whole,
/// since a list carries a link by what else it carries; any other is made from pieces,
/// a run of projects at a time ([`super::stream`]).
fn texts<'t>(tree: &'t Tree, plan: &Plan, distinct: &[Text<'t>], aside: &Path) -> anyhow::Result<Vec<Arc<Made>>> {
    use rayon::prelude::*;
    if !tree.links.is_empty() {
        return distinct
            .par_iter()
            .enumerate()
            .map(|(i, (scope, extra))| {
                let mut entries = entries_for(tree, plan, *scope);
                entries.extend(extra.iter().flat_map(|e| e.iter().cloned()));
                let w = Writer::create(aside.join(i.to_string()), 1 << 20)?;
                w.finish(filelist(entries).as_bytes())
            })
            .collect();
    }
    let wants: Vec<Want> = distinct
        .iter()
        .map(|(scope, extra)| Want {
            archive: matches!(scope, Scope::Archive),
            releases: tree.projects.values().map(|p| releases_in(plan, p, *scope)).collect(),
            extra: *extra,
        })
        .collect();
    make_texts(tree, &wants, &project_lines, aside, RUN)
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
        let mut h = Fingerprint::default();
        h.put(&self.common);
        for &u in carried {
            h.put(&u.to_le_bytes());
            h.put(&self.units.get(u as usize).copied().unwrap_or_default());
        }
        h.finish()
    }
}

fn unit_inputs(registry: &Registry, tree: &Tree, plan: &Plan) -> UnitInputs {
    let mut common = Fingerprint::default();
    common.put(registry.primary.module.as_bytes());
    tree.notes.iter().for_each(|n| common.file(n));
    tree.links.iter().for_each(|l| common.link(l));
    let mut units = vec![Fingerprint::default().finish(); plan.copies.units.len()];
    // A unit is of one project: its digest is made while that project is read (one
    // hasher per unit at once held 100 MB at ten thousand projects).
    for p in tree.projects.values() {
        let Some(pp) = plan.project(&p.name) else { continue };
        let mut open: Vec<(usize, Fingerprint)> = Vec::new();
        for &i in &pp.current {
            let Some(u) = plan.copies.unit_of(&p.name, i) else { continue };
            let at = open.iter().position(|(o, _)| *o == u).unwrap_or_else(|| {
                open.push((u, Fingerprint::default()));
                open.len() - 1
            });
            let h = &mut open[at].1;
            h.file(&p.dir);
            p.notes.iter().for_each(|n| h.file(n));
            let r = &p.releases[i];
            h.put(&(i as u64).to_le_bytes());
            h.file(&r.dir);
            r.dirs.iter().chain(&r.notes).for_each(|f| h.file(f));
            r.artifacts.iter().for_each(|a| h.file(&a.file));
        }
        open.into_iter().for_each(|(u, h)| units[u] = h.finish());
    }
    UnitInputs { common: common.finish(), units }
}

/// A digest of everything the mirror lists are made from (the tree's names, metadata
/// and checksums, the plan, the partial mirrors and the module name). Equal digests
/// give equal lists, so an unchanged tree needs no lists generated at all.
pub fn lists_fingerprint(registry: &Registry, tree: &Tree, plan: &Plan) -> [u8; 32] {
    let mut h = Fingerprint::default();
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
    tree.each_file(|f| h.file(f));
    tree.links.iter().for_each(|l| h.link(l));
    for (rel, entries) in &tree.carried {
        h.put(rel.as_bytes());
        put_entries(&mut h, entries);
    }
    h.finish()
}

/// Adds list entries to a fingerprint.
fn put_entries(h: &mut Fingerprint, entries: &[ListEntry]) {
    for e in entries {
        h.put(format!("{} {} {} {}", e.mtime, e.kind, e.size, e.path).as_bytes());
        h.put(e.sha512.as_ref().map_or(&[][..], |s| &s[..]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_inside_the_tree() {
        assert_eq!(resolve_link("p/latest", "2.0").as_deref(), Some("p/2.0"));
        assert_eq!(resolve_link("p/2.0/a.tgz", "../1.0/a.tgz").as_deref(), Some("p/1.0/a.tgz"));
        assert_eq!(resolve_link("p/x", "../../../etc"), None);
        assert_eq!(resolve_link("p/x", "/etc"), None);
        let through = HashMap::from([("p/latest", "p/2.0".to_string())]);
        assert_eq!(follow("p/latest/a.tgz".into(), &through), "p/2.0/a.tgz");
        assert_eq!(follow("p/latest".into(), &through), "p/2.0");
        assert_eq!(follow("p/latest-2".into(), &through), "p/latest-2", "a whole part only");
    }
}
