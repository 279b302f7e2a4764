//! The third stage, pure policy with no I/O: which releases of each project are current
//! (on the mirrors and the download page) and which are archived, whether the inputs fit
//! together (`checks`), which mirror carries which current release (`copies`, with the
//! capacity assignment) and which serves it now (`fresh`).

mod branches;
mod checks;
pub mod copies;
pub mod coverage;
pub mod fresh;
mod list_checks;
mod minisign;
pub mod offered;
pub mod profile;
mod signature_problem;
mod sigstore;
mod want;

use crate::input::content::Content;
use crate::input::registry::Registry;
use crate::model::tree::{Project, Tree};
use crate::util::problem::{Problem, Problems};

/// The releases of one project, split by policy. Indices point into the project's
/// `releases` (newest first).
#[derive(Debug, Clone)]
pub struct ProjectPlan {
    pub name: String,
    pub current: Vec<usize>,
    pub archived: Vec<usize>,
    /// The project page's `primary:` glob: the file, and so the release, offered first.
    pub primary: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// In project-name order.
    pub projects: Vec<ProjectPlan>,
    /// Which mirror carries which current release.
    pub copies: copies::Copies,
    /// What the foundation profile (`policy.profile`) says is discouraged, not refused,
    /// and maintained branches `keep` archives (`branches`).
    pub warnings: Vec<String>,
}

impl Plan {
    pub fn project(&self, name: &str) -> Option<&ProjectPlan> {
        // `projects` is sorted by name (it follows the tree's BTreeMap).
        let i = self.projects.binary_search_by(|p| p.name.as_str().cmp(name)).ok()?;
        Some(&self.projects[i])
    }

    /// Is this release (by its [`id`](crate::model::tree::Release::id)) current (carried
    /// by mirrors)?
    pub fn is_current(&self, project: &str, id: &str, tree: &Tree) -> bool {
        let (Some(pp), Some(p)) = (self.project(project), tree.projects.get(project)) else { return false };
        pp.current.iter().any(|&i| p.releases[i].id() == id)
    }
}

/// Plans the tree: current and archived releases per project, who carries them, and
/// every problem that stops the build (content pages that fit no release, signatures
/// that are not good, mirrors that carry more than their upstream, too few copies).
pub fn plan(registry: &Registry, tree: &Tree, content: &Content) -> (Plan, Problems) {
    let mut problems = Problems::default();
    checks::content_pages(tree, content, &mut problems);
    let projects: Vec<ProjectPlan> = tree
        .projects
        .iter()
        .map(|(name, project)| {
            let page = content.projects.get(name).map(|p| &p.matter);
            let keep = page.and_then(|p| p.keep).filter(|&k| k > 0);
            let withdrawn: Vec<bool> = project
                .releases
                .iter()
                .map(|r| content.release_page(name, &r.id()).is_some_and(|p| p.matter.withdrawn.is_some()))
                .collect();
            let keep = (keep.unwrap_or(registry.policy.keep) as usize, page.and_then(|p| p.keep_by));
            ProjectPlan { primary: page.and_then(|p| p.primary.clone()), ..split_releases(project, keep, &withdrawn) }
        })
        .collect();
    let mut signed = Problems::default();
    checks::signatures(tree, content, &projects, &mut signed);
    // A release `keep` archived, signed too weakly by today's rules: said, never held.
    let (historic, held): (Vec<Problem>, Vec<Problem>) =
        signed.into_vec().into_iter().partition(|p| p.kind == crate::util::problem::Kind::ArchivedWeak);
    held.into_iter().for_each(|p| problems.push(p));
    let historic = historic.into_iter().map(|p| {
        let fix =
            "kept on the archive as it was signed; a release page's `unsigned_ok:` says why, if you want it said there";
        format!("{}: {} (an archived release: not held; {fix})", p.place, p.message)
    });
    let warnings = tree.projects.values().zip(&projects).filter_map(|(p, pp)| branches::warnings(p, pp, content));
    let unmatched = tree.projects.values().zip(&projects).filter_map(|(p, pp)| offered::unmatched_primary(p, pp));
    let warnings = historic.chain(warnings).chain(unmatched).collect();
    let mut plan = Plan { projects, copies: copies::Copies::default(), warnings };
    if let Some(name) = registry.policy.profile {
        let current = |p: &str| plan.project(p).map(|pp| pp.current.clone()).unwrap_or_default();
        let podling = |p: &str| content.projects.get(p).is_some_and(|page| page.matter.podling);
        let (p, warnings) = profile::apply(name, tree, &current, &podling);
        problems.extend(p);
        plan.warnings.extend(warnings);
    }
    let (copies, p) = copies::plan_copies(registry, tree, content, &plan);
    problems.extend(p);
    plan.copies = copies;
    (plan, problems)
}

/// Mirrors that the tree as read leaves no project (`include` matching none, or
/// `exclude` leaving none: a typo, a glob in the wrong case) are problems of the registry;
/// one glob of several that matches nothing, a warning. Asked of the tree as scanned,
/// not as held projects leave it (a mirror including only a held project is fine).
pub fn mirrors_without_projects(
    registry: &Registry,
    tree: &Tree,
    carries_now: &dyn Fn(&str) -> Vec<String>,
) -> (Problems, Vec<String>) {
    let (mut problems, mut warnings) = (Problems::default(), Vec::new());
    // A mirror whose `include:` matches no project carries nothing (a glob in the wrong
    // case, a project renamed): said, as its list is empty.
    // The tree's projects, and those held with their last lists' entries carried (a
    // mirror including one carries them still).
    let carried = tree.carried.values().flatten().filter_map(|e| e.path.split('/').next());
    let names: std::collections::BTreeSet<&str> = tree.projects.keys().map(String::as_str).chain(carried).collect();
    let narrowed = |m: &&crate::input::registry::Mirror| !m.include.is_empty() || !m.exclude.is_empty();
    for m in registry.mirrors.iter().filter(narrowed).filter(|_| !names.is_empty()) {
        // Published, its empty list would have a mirror that carries files (`carries_now`:
        // the projects its last list names) delete them all: a problem of the registry,
        // which stops the build with the lists as they were. A mirror new to the
        // registry, or one whose projects left the tree: said.
        if !names.iter().any(|p| m.matches(p)) {
            let which = match (m.include.is_empty(), m.exclude.is_empty()) {
                (false, true) => format!("include {:?} matches no project", m.include),
                (true, false) => format!("exclude {:?} leaves it no project", m.exclude),
                _ => format!("include {:?} with exclude {:?} leaves it no project", m.include, m.exclude),
            };
            let had = carries_now(&m.id);
            if had.is_empty() {
                warnings.push(format!("mirror {:?}: {which}, so its list is empty", m.id));
                continue;
            }
            // What it carried left the tree (a project retired, `rm -rf dist/p01`): its
            // removal, said, leaves the mirror nothing; no glob is wrong.
            if had.iter().all(|p| !tree.projects.contains_key(p)) {
                warnings.push(format!(
                    "mirror {:?}: {which} now that {} left the tree, so its list is empty and it deletes what it \
                     carried; give it other projects or remove it from the registry",
                    m.id,
                    had.join(", ")
                ));
                continue;
            }
            let field = if m.include.is_empty() { "exclude" } else { "include" };
            problems.push(
                Problem::new(
                    registry.place(&m.id, field),
                    format!("{which}, so its list would be empty and the mirror would delete all it carries"),
                )
                .hint(format!(
                    "correct `include`/`exclude` of {:?} in the registry (globs match project names, case and all: \
                     `httpd`, `commons-*`), or remove the mirror",
                    m.id
                )),
            );
            continue;
        }
        // One glob of several that matches nothing: the mirror carries less than meant.
        for g in &m.include {
            let Ok(glob) = globset::Glob::new(g) else { continue };
            let glob = glob.compile_matcher();
            if !names.iter().any(|p| glob.is_match(p)) {
                warnings.push(format!(
                    "mirror {:?}: include {g:?} matches no project (globs match project names, case and all)",
                    m.id
                ));
            }
        }
    }
    (problems, warnings)
}

/// The `keep` newest final releases of each line of a project are current, the rest
/// archived (Apache keeps the newest of every maintained line), and the line's newest
/// release besides when it is a pre-release. Any other pre-release is over (superseded by
/// a newer one or by its final): it goes to the archive whatever `keep` says.
fn split_releases(
    project: &Project,
    (keep, by): (usize, Option<crate::model::version_series::KeepBy>),
    withdrawn: &[bool],
) -> ProjectPlan {
    let (mut current, mut archived) = (Vec::new(), Vec::new());
    // A line, or with `keep_by` each series of a line (its major or minor version).
    // (A branch's snapshot is of a series of its own: GCC's `snapshots/13-20241205/` beside
    // `14-…` and `15-…`, Ruby's `snapshot-ruby_3_3` beside `_3_4`, each branch's current.)
    let groups: Vec<(Option<&str>, Option<String>)> = project
        .releases
        .iter()
        .map(|r| (r.line.as_deref(), by.map(|b| b.series(&r.version)).or_else(|| branch_snapshot(r))))
        .collect();
    let mut lines = groups.clone();
    lines.sort();
    lines.dedup();
    for line in lines {
        // Indices into `releases`, newest first, of this line.
        // (A withdrawn release is archived, and counts for nothing.)
        let of_line: Vec<usize> = (0..groups.len()).filter(|&i| groups[i] == line).collect();
        let (gone, of_line): (Vec<usize>, Vec<usize>) =
            of_line.into_iter().partition(|&i| withdrawn.get(i).copied().unwrap_or(false));
        archived.extend(gone);
        // The `keep` newest final releases, and the newest pre-release when it is newer
        // than them (Wine's `10.0-rc2` beside 9.0): an older pre-release is superseded.
        let pre = |i: usize| project.releases[i].is_prerelease();
        let newest_final = of_line.iter().position(|&i| !pre(i));
        let mut kept = 0;
        for (n, &i) in of_line.iter().enumerate() {
            let keeps = if pre(i) {
                n == 0 && newest_final.is_none_or(|f| f > 0) && !stable_since(project, i)
            } else {
                kept < keep
            };
            if keeps {
                current.push(i);
                kept += usize::from(!pre(i));
            } else {
                archived.push(i);
            }
        }
    }
    current.sort_unstable();
    archived.sort_unstable();
    ProjectPlan { name: project.name.clone(), current, archived, primary: None }
}

/// The branch a pre-release is a snapshot of, when its version names a branch and a day
/// (GCC's `13-20241205`) or a branch alone (Ruby's `3_3`, of `snapshot-ruby_3_3`).
fn branch_snapshot(r: &crate::model::tree::Release) -> Option<String> {
    let v = r.version.as_str();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !r.is_prerelease() {
        return None;
    }
    match v.split_once('-') {
        Some((branch, day)) if digits(branch) && day.len() == 8 && crate::util::version::is_day(day) => {
            Some(format!("branch {branch}"))
        }
        _ if crate::util::version::underscored(v).is_some() => Some(format!("branch {v}")),
        _ => None,
    }
}

/// Is release `i` a development release (`development: odd-minor`) whose stable series is
/// out? GLib's `2.83/` line holds development releases alone: once 2.84.0 is out in
/// `2.84/`, 2.83.2 is over, though its line has no final to supersede it.
fn stable_since(project: &Project, i: usize) -> bool {
    let r = &project.releases[i];
    r.development
        && project.releases.iter().any(|o| {
            !o.is_prerelease() && crate::util::version::compare(&o.version, &r.version) == std::cmp::Ordering::Greater
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tree::{FileRef, Release, Stat};

    fn project(versions: &[&str]) -> Project {
        let dir = |rel: &str| FileRef::new(rel.to_string(), Stat::default());
        let releases = versions
            .iter()
            .map(|v| Release {
                version: v.to_string(),
                line: None,
                keys: None,
                reading: String::new(),
                artifacts: Vec::new(),
                sums: Vec::new(),
                other: Vec::new(),
                signed_lists: Vec::new(),
                tar_signs: Vec::new(),
                notes: Vec::new(),
                dir: dir(&format!("p/{v}")),
                dirs: Vec::new(),
                development: false,
            })
            .collect();
        Project {
            name: "p".into(),
            keys: None,
            line_keys: Vec::new(),
            notes: Vec::new(),
            signed_lists: Vec::new(),
            keys_bytes: None,
            releases,
            dir: dir("p"),
        }
    }

    #[test]
    fn keep_newest_releases_current() {
        let p = split_releases(&project(&["3.0", "2.0", "1.0"]), (2, None), &[]);
        assert_eq!((p.current, p.archived), (vec![0, 1], vec![2]));
    }

    #[test]
    fn a_prerelease_older_than_the_newest_final_is_archived() {
        // Newest first: 2.1-rc1 is ahead of 2.0 and stays; 2.0-rc2 is superseded by 2.0.
        let p = split_releases(&project(&["2.1-rc1", "2.0", "2.0-rc2", "1.9"]), (3, None), &[]);
        assert_eq!((p.current, p.archived), (vec![0, 1, 3], vec![2]));
        // Release candidates ahead of the finals (Wine's 10.0-rc2 and -rc1 beside 9.0):
        // the newest is current beside the `keep` finals; the older one is superseded.
        let p = split_releases(&project(&["10.0-rc2", "10.0-rc1", "9.0", "8.0"]), (1, None), &[]);
        assert_eq!((p.current, p.archived), (vec![0, 2], vec![1, 3]));
    }

    #[test]
    fn keep_applies_per_release_line() {
        let mut p = project(&["10.1.16", "10.1.15", "9.0.83", "9.0.82", "9.0.81"]);
        for r in &mut p.releases {
            r.line = Some(if r.version.starts_with("10") { "tomcat-10".into() } else { "tomcat-9".into() });
        }
        let plan = split_releases(&p, (2, None), &[]);
        assert_eq!((plan.current, plan.archived), (vec![0, 1, 2, 3], vec![4]));
    }

    #[test]
    fn keep_by_minor_keeps_each_maintained_branch() {
        // nginx: mainline 1.27 and stable 1.26 side by side, keep 1 of each.
        let p = project(&["1.27.3", "1.27.2", "1.26.2", "1.26.1"]);
        let plan = split_releases(&p, (1, Some(crate::model::version_series::KeepBy::Minor)), &[]);
        assert_eq!((plan.current, plan.archived), (vec![0, 2], vec![1, 3]));
    }

    #[test]
    fn a_withdrawn_release_is_archived_and_counts_for_nothing() {
        let p = split_releases(&project(&["1.2", "1.1", "1.0"]), (2, None), &[true, false, false]);
        assert_eq!((p.current, p.archived), (vec![1, 2], vec![0]));
    }

    #[test]
    fn keep_larger_than_the_releases_keeps_all() {
        let p = split_releases(&project(&["1.0"]), (5, None), &[]);
        assert_eq!((p.current, p.archived), (vec![0], vec![]));
    }
}
