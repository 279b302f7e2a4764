//! The digests that say which parts of the site must be rendered again. The site is a
//! pure function of its inputs (that is what makes it deterministic), so a digest of the
//! inputs of a part stands for the part: rendering a million-file tree's site only to
//! find most of it equal costs far more than the build's other stages.
//!
//! Three kinds: the *shared* digest covers what every page reads (the registry by
//! content, the templates, logos and the site's own content page by content, the site
//! key, the mode and the closer binary); each *project* digest covers what only that
//! project's pages and files read (its files by name, size, mtime and checksum, its plan
//! and copies, its signature checks, the `since` stamp of each file, the time its pages
//! state, its content pages, and what they show of the last probe: [`probe_view`]); the
//! *top* digest covers the site-wide pages, which read all of it plus the stamp and the
//! probe state whole. A probe that changes only times (when each mirror was checked and
//! synced, which only the site-wide pages and `status.json` state) renders no project: at
//! a million files the whole site costs minutes, and a primary probes every few minutes.

use crate::model::since::Since;
use crate::model::tree::{FileRef, Project, Tree};
use crate::output::fingerprint::Fingerprint;
use crate::plan::Plan;
use crate::plan::fresh::Freshness;
use crate::util::fs;
use anyhow::Result;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

const HEADER: &str = "closer-site-digest 2";

/// What the site is made from.
pub struct SiteInputs<'a> {
    /// `lists_fingerprint`: the tree and plan as the mirror lists see them.
    pub lists: &'a [u8; 32],
    pub tree: &'a Tree,
    pub plan: &'a Plan,
    pub since: &'a Since,
    pub freshness: &'a Freshness,
    pub registry: &'a Path,
    pub probe: &'a Path,
    /// Read whole: templates and logos.
    pub dirs: [&'a Path; 2],
    /// The content pages: the site's own is shared, a project's is its own.
    pub content: &'a Path,
    /// The time each project's pages state.
    pub project_times: &'a HashMap<String, i64>,
    /// The held projects: the files a project's selection data withholds.
    pub held: &'a [crate::model::held::Held],
    /// The site key's fingerprint, the mode (a preview differs from a build) and the
    /// pinned Sigstore root's text.
    pub shared_values: [&'a [u8]; 3],
    /// The stamp, the `since` state and the time the site-wide pages state.
    pub top_values: [&'a [u8]; 3],
}

/// The digests of the site's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digests {
    pub shared: [u8; 32],
    pub top: [u8; 32],
    pub projects: BTreeMap<String, [u8; 32]>,
}

/// The digests of everything the site is rendered from.
pub fn digests(s: &SiteInputs) -> Result<Digests> {
    let mut content = content_by_owner(s.content, s.tree)?;
    let mut h = Fingerprint::default();
    h.put(HEADER.as_bytes());
    s.shared_values.iter().for_each(|v| h.put(v));
    h.put(&fs::read_optional(s.registry)?.unwrap_or_default());
    match std::env::current_exe().and_then(std::fs::metadata) {
        Ok(m) => h.put(&stat_bytes(&m)),
        Err(_) => h.put(&rand_bytes()),
    }
    for dir in s.dirs {
        h.put(dir.as_os_str().as_encoded_bytes());
        each_entry(dir, &mut |rel, bytes| {
            h.put(rel.as_bytes());
            h.put(bytes);
        })?;
    }
    h.put(&content.remove("").unwrap_or_default());
    h.put(&[u8::from(s.freshness.probed_at.is_some())]);
    let copies = &s.plan.copies;
    h.put(format!("{} {} {:?}", copies.goal, copies.enforced, full_mirrors(s)).as_bytes());
    let shared = h.finish();

    let carriers = carriers(s);
    let probed = probed(s);
    let projects: BTreeMap<String, [u8; 32]> = s
        .tree
        .projects
        .par_iter()
        .map(|(_, p)| {
            let own = content.get(&p.name).map(Vec::as_slice).unwrap_or_default();
            (p.name.clone(), project_digest(s, &shared, p, own, (&carriers, &probed)))
        })
        .collect();
    let mut h = Fingerprint::default();
    h.put(&shared);
    h.put(s.lists);
    s.top_values.iter().for_each(|v| h.put(v));
    h.put(&fs::read_optional(s.probe)?.unwrap_or_default());
    h.put(format!("{:?}{:?}", s.freshness.probed_at, s.freshness.mirrors).as_bytes());
    // The held projects and why: the mirrors page and the metrics list them, and a
    // project newly held changes nothing else that is published.
    for held in s.held {
        h.put(format!("{} {} {}", held.project, held.arriving, held.problems.len()).as_bytes());
        held.problems.iter().for_each(|p| h.put(format!("{}\0{}", p.place.file, p.message).as_bytes()));
    }
    for (name, d) in &projects {
        h.put(name.as_bytes());
        h.put(d);
    }
    Ok(Digests { shared, top: h.finish(), projects })
}

/// What one project's pages and files are made from, besides the shared inputs.
fn project_digest(
    s: &SiteInputs,
    shared: &[u8; 32],
    p: &Project,
    content: &[u8],
    (carriers, probed): (&[Vec<u32>], &Probed),
) -> [u8; 32] {
    let mut h = Fingerprint::default();
    h.put(shared);
    h.put(p.name.as_bytes());
    h.put(content);
    h.put(&s.project_times.get(&p.name).copied().unwrap_or(i64::MIN).to_le_bytes());
    for held in s.held.iter().filter(|h| h.project == p.name) {
        held.changed.iter().for_each(|c| h.put(c.as_bytes()));
    }
    for f in project_files(p) {
        // What pages show of a file: its name, size, time and checksum. Not its ctime,
        // which a restore or `chown -R` of the tree moves without changing a page.
        h.put(f.rel.as_bytes());
        h.put(&[f.stat.size.to_le_bytes(), (f.stat.mtime as u64).to_le_bytes()].concat());
        h.put(f.digests.as_ref().map_or(&[][..], |d| &d.sha512[..]));
    }
    if let Some(plan) = s.plan.project(&p.name) {
        h.put(format!("{:?} {:?}", plan.current, plan.archived).as_bytes());
    }
    let copies = &s.plan.copies;
    for u in copies.units_of(&p.name) {
        let unit = &copies.units[u];
        h.put(
            format!("{} {:?} {:?} {} {:?}", unit.key, unit.releases, unit.versions, unit.copies, unit.continents)
                .as_bytes(),
        );
        h.put(&carriers[u].iter().flat_map(|m| m.to_le_bytes()).collect::<Vec<u8>>());
    }
    let current: &[usize] = s.plan.project(&p.name).map_or(&[], |plan| &plan.current);
    let mut stamps = Vec::new();
    for (i, r) in p.releases.iter().enumerate() {
        for a in &r.artifacts {
            // Pages show the stamp of current files only (archived ones have none).
            if current.contains(&i) {
                let since = s.since.get(&a.file.rel).unwrap_or(s.freshness.primary_stamp);
                h.put(&since.to_le_bytes());
                stamps.push(since);
            }
            let Some(c) = &a.signature else {
                h.put(b"-");
                continue;
            };
            h.put(c.outcome.as_str().as_bytes());
            h.put(c.fingerprint.as_deref().unwrap_or("").as_bytes());
            h.put(c.user_id.as_deref().unwrap_or("").as_bytes());
            h.put(&c.signed_at.unwrap_or(i64::MIN).to_le_bytes());
            h.put(c.detail.as_bytes());
            h.put(a.covered_by().unwrap_or("").as_bytes());
        }
    }
    h.put(&probe_view(s, p, stamps, probed, carriers));
    h.finish()
}

/// The mirrors as pages see the last probe, worked out once for every project: each
/// mirror's key (a digest of its number and status: up, stale, down, unknown) and the
/// stamp up to which it serves files (`i64::MIN` when down, stale or never probed).
struct Probed {
    each: Vec<(i64, u128)>,
    /// The full mirrors (they carry every project) by that stamp, their keys XORed.
    full: Vec<(i64, u128)>,
    /// The full mirrors that carry some units from other stamps than the rest
    /// ([`crate::plan::fresh::UnitsFrom::Each`]: they carried them before they carried
    /// everything), asked of each project as the partial ones are.
    uneven: Vec<u32>,
}

fn probed(s: &SiteInputs) -> Probed {
    let f = s.freshness;
    let each: Vec<(i64, u128)> = f
        .mirrors
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut h = Fingerprint::default();
            h.put(&(i as u64).to_le_bytes());
            h.put(m.status().as_bytes());
            let key = u128::from_le_bytes(h.finish()[..16].try_into().unwrap_or_default());
            (m.stamp.filter(|_| f.serves(i, i64::MIN)).unwrap_or(i64::MIN), key)
        })
        .collect();
    let mut full: BTreeMap<i64, u128> = BTreeMap::new();
    let mut uneven = Vec::new();
    for (i, &(to, key)) in each.iter().enumerate() {
        if matches!(s.plan.copies.carried.get(i), Some(None)) {
            // A full mirror that took everything in at a stamp newer than its own serves nothing.
            let to = match f.from.get(i) {
                Some(crate::plan::fresh::UnitsFrom::Every(from)) if to < *from => i64::MIN,
                Some(crate::plan::fresh::UnitsFrom::Each(_)) => {
                    uneven.push(i as u32);
                    to
                }
                _ => to,
            };
            *full.entry(to).or_default() ^= key;
        }
    }
    Probed { each, full: full.into_iter().collect(), uneven }
}

/// What a project's pages and files show of the last probe: which of the mirrors that
/// carry it serve how many of its `since` stamps, with each one's status (a page says
/// which mirrors have a release; a Metalink names the mirrors serving its file). Not a
/// mirror's own stamp or times: a mirror catching up with another project's release, or
/// probed again unchanged, leaves this project as it was. As sets: for each count, the
/// XOR of its mirrors' keys, the full mirrors taken a stamp at a time, so a project
/// costs the few stamps the mirrors are at, not the registry (10,000 projects and 1,000
/// mirrors would be ten million steps).
fn probe_view(s: &SiteInputs, p: &Project, mut stamps: Vec<i64>, probed: &Probed, carriers: &[Vec<u32>]) -> Vec<u8> {
    stamps.sort_unstable();
    stamps.dedup();
    let units = s.plan.copies.units_of(&p.name);
    let mut served = vec![0u128; stamps.len() + 1];
    if !units.is_empty() {
        for &(to, keys) in &probed.full {
            served[stamps.partition_point(|&t| t <= to)] ^= keys;
        }
    }
    let mut partial: Vec<u32> = units.flat_map(|u| carriers[u].iter().copied()).collect();
    partial.sort_unstable();
    partial.dedup();
    for &m in &partial {
        if let Some(&(to, key)) = probed.each.get(m as usize) {
            served[stamps.partition_point(|&t| t <= to)] ^= key;
        }
    }
    let mut view: Vec<u8> = served.iter().flat_map(|k| k.to_le_bytes()).collect();
    // Whether each mirror has synced since its list took each unit in, where it took one
    // in after the rest (a partial mirror given the project later).
    for m in partial.into_iter().chain(probed.uneven.iter().copied()) {
        let to = probed.each.get(m as usize).map_or(i64::MIN, |e| e.0);
        for u in s.plan.copies.units_of(&p.name) {
            let from = s.freshness.from(m as usize, u);
            if from > 0 {
                view.extend(m.to_le_bytes());
                view.extend((u as u32).to_le_bytes());
                view.push(u8::from(to >= from));
            }
        }
    }
    view
}

/// A project's files ([`Project::files`]), its directories and the lists its signed
/// lists cover, in a fixed order.
fn project_files(p: &Project) -> Vec<&FileRef> {
    let mut v = p.files();
    v.push(&p.dir);
    v.extend(p.signed_lists.iter().filter_map(|l| l.list.as_ref()));
    for r in &p.releases {
        v.push(&r.dir);
        v.extend(r.dirs.iter());
        v.extend(r.signed_lists.iter().filter_map(|l| l.list.as_ref()));
    }
    v
}

/// The mirrors that carry everything (not partial).
fn full_mirrors(s: &SiteInputs) -> Vec<usize> {
    s.plan.copies.carried.iter().enumerate().filter(|(_, c)| c.is_none()).map(|(i, _)| i).collect()
}

/// For each unit, the partial mirrors carrying it, once for all projects.
fn carriers(s: &SiteInputs) -> Vec<Vec<u32>> {
    let mut by_unit = vec![Vec::new(); s.plan.copies.units.len()];
    for (m, carried) in s.plan.copies.carried.iter().enumerate() {
        for &u in carried.iter().flatten() {
            if let Some(v) = by_unit.get_mut(u as usize) {
                v.push(m as u32);
            }
        }
    }
    by_unit
}

/// The content pages' names and bytes by owner: a project's (`<project>.md`,
/// `<project>/<version>.md`), or "" for the rest (the site's `_index.md`, strays).
fn content_by_owner(dir: &Path, tree: &Tree) -> Result<HashMap<String, Vec<u8>>> {
    let mut by: HashMap<String, Fingerprint> = HashMap::new();
    let mut put = |rel: &str, bytes: &[u8]| {
        let first = rel.split('/').next().unwrap_or("");
        let owner = if rel.contains('/') { first } else { first.strip_suffix(".md").unwrap_or(first) };
        let owner = if tree.projects.contains_key(owner) { owner } else { "" };
        let h = by.entry(owner.to_string()).or_default();
        h.put(rel.as_bytes());
        h.put(bytes);
    };
    each_entry(dir, &mut put)?;
    Ok(by.into_iter().map(|(k, h)| (k, h.finish().to_vec())).collect())
}

/// Every entry under `dir` by name, in name order, with each file's bytes (by content:
/// an edit within a timestamp's granularity keeps size and mtime; a directory's are none).
fn each_entry(dir: &Path, each: &mut dyn FnMut(&str, &[u8])) -> Result<()> {
    for e in walkdir::WalkDir::new(dir).sort_by_file_name().follow_links(true).into_iter().flatten() {
        let rel = e.path().strip_prefix(dir).unwrap_or(e.path()).to_string_lossy();
        let bytes = if e.file_type().is_file() { fs::read(e.path())? } else { Vec::new() };
        each(&rel, &bytes);
    }
    Ok(())
}

fn stat_bytes(m: &std::fs::Metadata) -> Vec<u8> {
    [m.dev(), m.ino(), m.size(), m.mtime() as u64, m.mtime_nsec() as u64, m.ctime() as u64, m.ctime_nsec() as u64]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect()
}

/// When closer cannot name its own binary, nothing can be skipped: a value no state has.
fn rand_bytes() -> Vec<u8> {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    [t.as_nanos().to_le_bytes().as_slice(), &std::process::id().to_le_bytes()].concat()
}
