//! What the copies come to, for people: the shortfalls that hold a project (or warn, with
//! `policy.copies_min_ok`), and the report `closer copies` prints and the mirrors page
//! shows: per project its copies and continents, per mirror its fill, and the projects
//! closest to losing a copy.

use super::Copies;
use crate::input::registry::Registry;
use crate::model::continent::Continent;
use crate::model::since::Since;
use crate::model::tree::Tree;
use crate::plan::fresh::Freshness;
use crate::util::problem::{Place, Problem, Problems};
use crate::util::text::human_si;
use serde::Serialize;
use std::path::Path;

/// How many short units are named one by one before the rest are summed up.
const NAMED: usize = 20;

/// A unit short of the goal: copies missing, and whether its copies share one continent.
struct Short {
    unit: usize,
    missing: u32,
    one_continent: bool,
}

fn shorts(copies: &Copies) -> Vec<Short> {
    (0..copies.units.len())
        .filter_map(|u| {
            let unit = &copies.units[u];
            let missing = copies.goal.saturating_sub(unit.copies);
            // (A goal of one copy asks for no second continent.)
            let one_continent = copies.goal >= 2 && unit.continents.len() < 2;
            (missing > 0 || one_continent).then_some(Short { unit: u, missing, one_continent })
        })
        .collect()
}

/// What one short unit lacks, and what would fix it.
fn describe(registry: &Registry, copies: &Copies, s: &Short) -> (String, String) {
    let u = &copies.units[s.unit];
    let holders: Vec<&str> = (0..registry.mirrors.len())
        .filter(|&m| copies.carries(m, s.unit))
        .map(|m| registry.mirrors[m].id.as_str())
        .collect();
    let on = if u.continents.is_empty() {
        "nowhere".to_string()
    } else {
        u.continents.iter().map(|c| c.code()).collect::<Vec<_>>().join(", ")
    };
    let what = format!(
        "{} cop{} ({}), on {on}; the goal is {}{}",
        u.copies,
        if u.copies == 1 { "y" } else { "ies" },
        if holders.is_empty() { "no mirror".to_string() } else { holders.join(", ") },
        copies.goal,
        if copies.goal >= 2 { " on two continents" } else { "" }
    );
    let gross = |b: u64| human_si((b as f64 / (1.0 - registry.policy.headroom)).ceil() as u64);
    let mut fix = Vec::new();
    let need = gross(u.bytes + copies.common_bytes);
    if s.missing > 0 {
        fix.push(format!(
            "{} more mirror{} with {} free for it (a new capacity mirror of at least {need}, headroom included)",
            s.missing,
            if s.missing == 1 { "" } else { "s" },
            human_si(u.bytes),
        ));
    }
    if s.one_continent {
        let which = if s.missing > 0 { "one of them" } else { "a mirror" };
        fix.push(format!("{which} on a continent other than {on} ({need} of capacity there)"));
    }
    (what, format!("add {}; or accept fewer for now with `policy.copies_min_ok`", fix.join(", ")))
}

/// The shortfalls the build refuses: all of them, or with `copies_min_ok`, the units
/// with fewer copies than that. Each is its project's problem (placed in its directory
/// of the release tree), so a project whose new release no mirror has room for is held
/// while every other project publishes; a shortfall that remains once the held projects
/// are back at their last good state (a registry that lost a mirror, a goal raised)
/// stops the build. A project's units are named one by one up to [`NAMED`], then summed.
pub(super) fn shortfall_problems(registry: &Registry, copies: &Copies, root: &Path) -> Problems {
    let min_ok = registry.policy.copies_min_ok;
    let refused: Vec<Short> =
        shorts(copies).into_iter().filter(|s| min_ok.is_none_or(|n| copies.units[s.unit].copies < n)).collect();
    let mut problems = Problems::default();
    for of_project in refused.chunk_by(|a, b| copies.units[a.unit].project == copies.units[b.unit].project) {
        let project = &copies.units[of_project[0].unit].project;
        let dir = root.join(project).display().to_string();
        for s in of_project.iter().take(NAMED) {
            let (what, fix) = describe(registry, copies, s);
            problems.push(
                Problem::new(Place::what(&dir, format!("copies of {}", copies.units[s.unit].key)), what).hint(fix),
            );
        }
        if of_project.len() > NAMED {
            let rest = &of_project[NAMED..];
            let bytes: u64 = rest.iter().map(|s| copies.units[s.unit].bytes * s.missing.max(1) as u64).sum();
            problems.push(
                Problem::new(
                    Place::what(&dir, "copies"),
                    format!("{} more of its units are short of copies ({} in all)", rest.len(), human_si(bytes)),
                )
                .hint(
                    "`closer copies` lists every one; add capacity mirrors or accept fewer with `policy.copies_min_ok`",
                ),
            );
        }
    }
    problems
}

/// The shortfalls `copies_min_ok` accepts, as warnings; with a capacity mirror and no
/// goal set, the shortfall of the default goal, as one.
pub fn shortfall_warnings(registry: &Registry, copies: &Copies) -> Vec<String> {
    if !copies.enforced && registry.mirrors.iter().any(|m| m.capacity.is_some()) {
        let short = shorts(copies).len();
        return (short > 0)
            .then(|| {
                format!(
                    "{short} release unit{} short of the default goal of {} copies on two continents \
                     (reported only: `closer copies` says what would fix {}; set policy.copies in \
                     mirrors.yaml to hold a release that is short)",
                    if short == 1 { " is" } else { "s are" },
                    copies.goal,
                    if short == 1 { "it" } else { "them" },
                )
            })
            .into_iter()
            .collect();
    }
    let Some(min_ok) = registry.policy.copies_min_ok.filter(|_| copies.enforced) else { return Vec::new() };
    let accepted: Vec<Short> = shorts(copies).into_iter().filter(|s| copies.units[s.unit].copies >= min_ok).collect();
    let mut out: Vec<String> = accepted
        .iter()
        .take(NAMED)
        .map(|s| {
            let (what, _) = describe(registry, copies, s);
            format!("copies of {}: {what} (accepted: policy.copies_min_ok is {min_ok})", copies.units[s.unit].key)
        })
        .collect();
    if accepted.len() > NAMED {
        out.push(format!("{} more units are short of copies (`closer copies` lists them)", accepted.len() - NAMED));
    }
    out
}

/// One project in the report.
#[derive(Debug, Serialize)]
pub struct ProjectCopies {
    pub project: String,
    pub bytes: u64,
    /// The fewest copies of any of its units.
    pub copies: u32,
    /// The continents of its least-copied unit.
    pub continents: Vec<Continent>,
    /// Copies on mirrors that are up and not stale at the last probe (with a probe).
    pub serving: Option<u32>,
    pub units: Vec<UnitCopies>,
}

#[derive(Debug, Serialize)]
pub struct UnitCopies {
    pub key: String,
    pub bytes: u64,
    pub weight: f64,
    pub copies: u32,
    pub continents: Vec<Continent>,
    /// The mirrors that carry it (filled by [`CopiesReport::with_holders`] only: the
    /// pages need counts, and at a thousand mirrors the names are most of the report).
    pub mirrors: Vec<String>,
}

/// One mirror in the report.
#[derive(Debug, Serialize)]
pub struct MirrorFill {
    pub id: String,
    /// `full`, `globs` or `capacity`.
    pub holds: &'static str,
    pub capacity: Option<u64>,
    /// What may be assigned: the capacity less the headroom and the tree's top notes.
    pub usable: Option<u64>,
    /// Bytes of current releases it carries (everything, for a full mirror).
    pub bytes: u64,
    /// `bytes` over `capacity`.
    pub fill: Option<f64>,
    pub units: usize,
}

/// `closer copies --json`, and what the mirrors page shows.
#[derive(Debug, Serialize)]
pub struct CopiesReport {
    pub goal: u32,
    pub min_ok: Option<u32>,
    /// Does the build stop on a shortfall (`policy.copies` given, or a capacity mirror)?
    pub enforced: bool,
    pub headroom: f64,
    pub total_bytes: u64,
    /// Units short of the goal.
    pub short: usize,
    pub projects: Vec<ProjectCopies>,
    pub mirrors: Vec<MirrorFill>,
    /// Projects closest to losing a copy: fewest copies serving (else copies) over the
    /// goal, then fewest continents, then the largest first.
    pub closest: Vec<String>,
}

/// The last probe as the report counts the copies serving now: a mirror's copy of a unit
/// serves when the mirror is up, not stale, and has the unit's newest file (its stamp is
/// at least that file's `since`). Up but behind, it has not got the newest release yet.
pub struct Serving<'a> {
    fresh: &'a Freshness,
    /// Per unit, the newest `since` of its files.
    newest: Vec<i64>,
}

impl<'a> Serving<'a> {
    pub fn new(fresh: &'a Freshness, copies: &Copies, tree: &Tree, since: &Since) -> Serving<'a> {
        let stamp = |rel: &str| since.get(rel).unwrap_or(fresh.primary_stamp);
        // Half a million lookups at a million files: on every core.
        use rayon::prelude::*;
        let newest = copies
            .units
            .par_iter()
            .map(|u| {
                let Some(p) = tree.projects.get(&u.project) else { return fresh.primary_stamp };
                let files = u.releases.iter().filter_map(|&r| p.releases.get(r)).flat_map(|r| &r.artifacts);
                files.map(|a| stamp(&a.file.rel)).max().unwrap_or(i64::MIN)
            })
            .collect();
        Serving { fresh, newest }
    }

    fn serves(&self, mirror: usize, unit: usize) -> bool {
        self.fresh.serves_unit(mirror, unit, self.newest.get(unit).copied().unwrap_or(self.fresh.primary_stamp))
    }
}

impl CopiesReport {
    /// The report, with `serving` (the last probe) counting the copies serving now.
    pub fn new(registry: &Registry, copies: &Copies, serving: Option<&Serving>) -> CopiesReport {
        Self::make(registry, copies, serving, false)
    }

    /// [`CopiesReport::new`] with every unit's mirrors named (`closer copies`).
    pub fn with_holders(registry: &Registry, copies: &Copies, serving: Option<&Serving>) -> CopiesReport {
        Self::make(registry, copies, serving, true)
    }

    fn make(registry: &Registry, copies: &Copies, fresh: Option<&Serving>, named: bool) -> CopiesReport {
        let total_bytes: u64 = copies.units.iter().map(|u| u.bytes).sum();
        let mut projects: Vec<ProjectCopies> = Vec::new();
        for (i, u) in copies.units.iter().enumerate() {
            let holders: Vec<usize> = (0..registry.mirrors.len()).filter(|&m| copies.carries(m, i)).collect();
            let serving = fresh.map(|s| holders.iter().filter(|&&m| s.serves(m, i)).count() as u32);
            let unit = UnitCopies {
                key: u.key.clone(),
                bytes: u.bytes,
                weight: u.weight,
                copies: u.copies,
                continents: u.continents.clone(),
                mirrors: if named {
                    holders.iter().map(|&m| registry.mirrors[m].id.clone()).collect()
                } else {
                    Vec::new()
                },
            };
            match projects.last_mut().filter(|p| p.project == u.project) {
                Some(p) => {
                    p.bytes += u.bytes;
                    if u.copies < p.copies {
                        (p.copies, p.continents) = (u.copies, u.continents.clone());
                    }
                    p.serving = p.serving.min(serving);
                    p.units.push(unit);
                }
                None => projects.push(ProjectCopies {
                    project: u.project.clone(),
                    bytes: u.bytes,
                    copies: u.copies,
                    continents: u.continents.clone(),
                    serving,
                    units: vec![unit],
                }),
            }
        }
        let mut closest: Vec<&ProjectCopies> = projects.iter().collect();
        closest.sort_by(|a, b| {
            (a.serving.unwrap_or(a.copies), a.continents.len(), std::cmp::Reverse(a.bytes), &a.project).cmp(&(
                b.serving.unwrap_or(b.copies),
                b.continents.len(),
                std::cmp::Reverse(b.bytes),
                &b.project,
            ))
        });
        let closest = closest.iter().take(10).map(|p| p.project.clone()).collect();
        CopiesReport {
            goal: copies.goal,
            min_ok: registry.policy.copies_min_ok,
            enforced: copies.enforced,
            headroom: registry.policy.headroom,
            total_bytes,
            short: shorts(copies).len(),
            mirrors: mirror_fills(registry, copies, total_bytes),
            projects,
            closest,
        }
    }
}

fn mirror_fills(registry: &Registry, copies: &Copies, total_bytes: u64) -> Vec<MirrorFill> {
    registry
        .mirrors
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let carried = copies.carried.get(i).cloned().flatten();
            let (holds, bytes) = match (&carried, m.capacity) {
                (None, _) => ("full", total_bytes),
                (Some(_), Some(_)) => ("capacity", copies.used[i]),
                (Some(_), None) => ("globs", copies.used[i]),
            };
            MirrorFill {
                id: m.id.clone(),
                holds,
                capacity: m.capacity,
                usable: copies.usable[i],
                bytes,
                fill: m.capacity.map(|c| (bytes + copies.common_bytes) as f64 / c as f64),
                units: carried.map_or(copies.units.len(), |c| c.len()),
            }
        })
        .collect()
}
