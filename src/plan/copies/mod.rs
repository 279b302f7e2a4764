//! Who carries what: full mirrors everything, glob mirrors the projects their globs name,
//! capacity mirrors what [`assign`] gives them, so that every current file has
//! `policy.copies` copies on two continents. Every later stage (the mirror lists,
//! `mirrors.json`, the download links, `closer status`, the reports) asks [`Copies`],
//! never the registry's globs.

pub mod assign;
pub mod carried;
mod report;
pub mod synthetic;
#[cfg(test)]
mod tests;
mod units;

pub use report::{CopiesReport, MirrorFill, ProjectCopies, Serving, shortfall_warnings};

use crate::input::content::Content;
use crate::input::registry::Registry;
use crate::model::continent::Continent;
use crate::model::tree::Tree;
use crate::util::problem::{Problem, Problems};
use assign::{Holds, Network, Node};

/// One unit of assignment: a project's current releases, or one release line of them.
#[derive(Debug, Clone)]
pub struct UnitInfo {
    /// `project`, or `project/line` for a line of a project assigned line by line.
    pub key: String,
    pub project: String,
    /// Indices into the project's `releases`: its current releases in this unit.
    pub releases: Vec<usize>,
    /// Their versions, in the same order.
    pub versions: Vec<String>,
    pub bytes: u64,
    pub weight: f64,
    pub copies: u32,
    /// The continents of the mirrors that carry it, sorted.
    pub continents: Vec<Continent>,
}

/// The plan's answer to "which mirror carries which current release".
#[derive(Debug, Clone, Default)]
pub struct Copies {
    /// Sorted by project, then key: a project's units are together, found by bisection.
    pub units: Vec<UnitInfo>,
    /// Per mirror in registry order: the units it carries (`None`: everything).
    pub carried: Vec<Option<Vec<u32>>>,
    /// Per mirror: bytes assigned (capacity mirrors), or carried (glob mirrors).
    pub used: Vec<u64>,
    /// Per mirror: what may be assigned (capacity less headroom and the tree's notes).
    pub usable: Vec<Option<u64>>,
    /// The bytes every mirror carries whatever it is assigned (the tree's top notes).
    pub common_bytes: u64,
    /// The copies every file should have, and whether the build insists.
    pub goal: u32,
    pub enforced: bool,
}

impl Copies {
    /// The indices of `project`'s units (together, since units sort by project).
    pub fn units_of(&self, project: &str) -> std::ops::Range<usize> {
        let start = self.units.partition_point(|u| u.project.as_str() < project);
        start..start + self.units[start..].partition_point(|u| u.project == project)
    }

    /// The units a file at `path` may be of: its line's, when its project is assigned
    /// line by line and the path is in one, else every one of its project's.
    pub fn units_of_path(&self, path: &str) -> std::ops::Range<usize> {
        let project = path.split('/').next().unwrap_or(path);
        let all = self.units_of(project);
        let own =
            all.clone().find(|&u| path.strip_prefix(self.units[u].key.as_str()).is_some_and(|r| r.starts_with('/')));
        match own {
            Some(u) if self.units[u].key != project => u..u + 1,
            _ => all,
        }
    }

    /// The unit holding release number `release` of `project`.
    pub fn unit_of(&self, project: &str, release: usize) -> Option<usize> {
        self.units_of(project).find(|&i| self.units[i].releases.contains(&release))
    }

    /// The unit holding `version` of `project`.
    pub fn unit_of_version(&self, project: &str, version: &str) -> Option<usize> {
        self.units_of(project).find(|&i| self.units[i].versions.iter().any(|v| v == version))
    }

    /// The key closer.js matches a download link against (`data-project`): the unit's,
    /// or the project's name for a release in no unit (archived).
    pub fn key_or<'a>(&'a self, unit: Option<usize>, project: &'a str) -> &'a str {
        unit.map_or(project, |u| self.units[u].key.as_str())
    }

    /// Does mirror number `mirror` carry unit `unit`?
    pub fn carries(&self, mirror: usize, unit: usize) -> bool {
        if unit >= self.units.len() {
            return false;
        }
        match self.carried.get(mirror) {
            Some(None) => true,
            Some(Some(units)) => units.binary_search(&(unit as u32)).is_ok(),
            None => false,
        }
    }

    /// Does mirror number `mirror` carry release number `release` of `project`?
    pub fn carries_release(&self, mirror: usize, project: &str, release: usize) -> bool {
        self.unit_of(project, release).is_some_and(|u| self.carries(mirror, u))
    }

    /// Does mirror number `mirror` carry any current release of `project`?
    pub fn carries_project(&self, mirror: usize, project: &str) -> bool {
        self.units_of(project).any(|i| self.carries(mirror, i))
    }

    /// The unit keys mirror number `mirror` carries, in order.
    pub fn keys(&self, mirror: usize) -> Vec<&str> {
        self.keys_of(mirror).collect()
    }

    /// [`Copies::keys`], one at a time.
    pub fn keys_of(&self, mirror: usize) -> impl Iterator<Item = &str> {
        // Sorted, as the units are: the mirror's own list, not every unit searched in it.
        let units: Box<dyn Iterator<Item = usize>> = match self.carried.get(mirror) {
            Some(None) => Box::new(0..self.units.len()),
            Some(Some(units)) => Box::new(units.iter().map(|&u| u as usize)),
            None => Box::new(std::iter::empty()),
        };
        units.filter_map(|u| self.units.get(u).map(|u| u.key.as_str()))
    }
}

/// Works out the copies: units from the tree, the network from the registry, the
/// assignment, and the problems (bad weights, a mirror holding more than its upstream,
/// copies short of the goal when the registry insists on them).
pub fn plan_copies(registry: &Registry, tree: &Tree, content: &Content, plan: &super::Plan) -> (Copies, Problems) {
    let mut problems = Problems::default();
    let common_bytes: u64 = tree.notes.iter().map(|n| n.stat.size).sum();
    let usable: Vec<Option<u64>> = registry
        .mirrors
        .iter()
        .map(|m| {
            m.capacity.map(|c| ((c as f64 * (1.0 - registry.policy.headroom)) as u64).saturating_sub(common_bytes))
        })
        .collect();
    let units = units::units(tree, content, plan, &usable, &mut problems);
    let projects: Vec<&str> = tree.projects.keys().map(String::as_str).collect();
    let net = network(registry, &units, &projects, &usable);
    let a = assign::assign(&net);
    let units: Vec<UnitInfo> = units
        .into_iter()
        .enumerate()
        .map(|(i, u)| UnitInfo { copies: a.copies[i], continents: Continent::of_bits(a.continents[i]).collect(), ..u })
        .collect();
    // Only a goal the registry sets is enforced. (A first capacity mirror had made the
    // default goal of 3 binding, and a network too small for it stopped every build, the
    // opposite of what adding a volunteer's disk should do. With no mirror at all, a new
    // primary's, there is nothing to enforce: holding every project left no list for a
    // first mirror.)
    let enforced = !registry.mirrors.is_empty() && registry.policy.copies_required;
    let copies = Copies {
        units,
        carried: a.carried,
        used: a.used,
        usable,
        common_bytes,
        goal: registry.policy.copies,
        enforced,
    };
    upstreams(registry, &copies, &mut problems);
    if enforced {
        problems.extend(report::shortfall_problems(registry, &copies, &tree.root));
    }
    (copies, problems)
}

/// The network [`assign`] works on: one node per mirror, with what it may carry.
fn network(registry: &Registry, units: &[UnitInfo], projects: &[&str], usable: &[Option<u64>]) -> Network {
    let mirrors = &registry.mirrors;
    let index = |id: &str| mirrors.iter().position(|m| m.id == id);
    // A cycle of upstreams (a problem of the registry) is cut by `assign`; here the walk
    // up a chain stops after as many steps as there are mirrors.
    let upstream: Vec<Option<usize>> = mirrors.iter().map(|m| m.upstream.as_deref().and_then(index)).collect();
    // A capacity mirror is assigned only what every upstream's globs let through; a glob
    // mirror carries what its globs say, and one wider than its upstream is a problem.
    let eligible: Vec<Option<Vec<bool>>> = (0..mirrors.len())
        .map(|i| {
            let mut chain = vec![i];
            while let Some(up) = upstream[*chain.last().unwrap()].filter(|_| usable[i].is_some()) {
                if chain.len() > mirrors.len() {
                    break;
                }
                chain.push(up);
            }
            let globbed: Vec<usize> = chain
                .into_iter()
                .filter(|&c| !mirrors[c].include.is_empty() || !mirrors[c].exclude.is_empty())
                .collect();
            (!globbed.is_empty())
                .then(|| projects.iter().map(|p| globbed.iter().all(|&c| mirrors[c].matches(p))).collect())
        })
        .collect();
    let nodes = mirrors
        .iter()
        .enumerate()
        .map(|(i, m)| Node {
            id: m.id.clone(),
            continent: m.continent,
            holds: match (usable[i], m.is_partial()) {
                (Some(bytes), _) => Holds::Capacity(bytes),
                (None, true) => Holds::Globs,
                (None, false) => Holds::Everything,
            },
            eligible: eligible[i].clone(),
            upstream: upstream[i],
        })
        .collect();
    let project_index = |p: &str| projects.binary_search(&p).unwrap_or(0);
    let units = units
        .iter()
        .map(|u| assign::Unit {
            key: u.key.clone(),
            project: project_index(&u.project),
            bytes: u.bytes,
            weight: u.weight,
        })
        .collect();
    Network { units, nodes, copies: registry.policy.copies }
}

/// A mirror can only pass on what its upstream carries.
fn upstreams(registry: &Registry, copies: &Copies, problems: &mut Problems) {
    for (i, m) in registry.mirrors.iter().enumerate() {
        let Some(up) = m.upstream.as_deref().and_then(|u| registry.mirrors.iter().position(|o| o.id == u)) else {
            continue;
        };
        let mut missing: Vec<&str> = (0..copies.units.len())
            .filter(|&u| copies.carries(i, u) && !copies.carries(up, u))
            .map(|u| copies.units[u].key.as_str())
            .collect();
        missing.dedup();
        if !missing.is_empty() {
            problems.push(
                Problem::new(
                    registry.place(&m.id, "upstream"),
                    format!("carries {} but its upstream {:?} does not", missing.join(", "), registry.mirrors[up].id),
                )
                .hint("pull from a mirror that carries a superset (or from `primary`), or narrow `include`/`exclude`; closer assigns a `capacity` mirror only what its upstream can pass on"),
            );
        }
    }
}
