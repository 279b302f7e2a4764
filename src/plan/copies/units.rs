//! The units of assignment, from the plan's current releases: a project's current
//! releases together, or, for a project larger than half the usable space of the median
//! capacity mirror, each release line apart (so no one unit takes most of a mirror). A
//! unit's size counts its artifacts, its release notes and the project's notes.

use super::UnitInfo;
use crate::input::content::Content;
use crate::model::tree::Tree;
use crate::plan::Plan;
use crate::util::problem::{Problem, Problems};

/// The units, sorted by project and key, with their sizes and weights (`weight` from the project's
/// front matter, 1 when not given; a bad one is a problem and counts as 1).
pub(super) fn units(
    tree: &Tree,
    content: &Content,
    plan: &Plan,
    usable: &[Option<u64>],
    problems: &mut Problems,
) -> Vec<UnitInfo> {
    let split_above = split_above(usable);
    let mut out = Vec::new();
    for (name, project) in &tree.projects {
        let Some(pp) = plan.project(name) else { continue };
        if pp.current.is_empty() {
            continue;
        }
        let weight = weight(content, name, problems);
        let notes: u64 = project.notes.iter().map(|n| n.stat.size).sum();
        let size = |i: &usize| {
            let r = &project.releases[*i];
            r.artifacts.iter().map(|a| a.file.stat.size).chain(r.notes.iter().map(|n| n.stat.size)).sum::<u64>()
        };
        let total: u64 = notes + pp.current.iter().map(size).sum::<u64>();
        let mut lines: Vec<Option<&str>> = pp.current.iter().map(|&i| project.releases[i].line.as_deref()).collect();
        lines.sort();
        lines.dedup();
        let unit = |key: String, releases: Vec<usize>| UnitInfo {
            key,
            project: name.clone(),
            bytes: notes + releases.iter().map(size).sum::<u64>(),
            versions: releases.iter().map(|&i| project.releases[i].id()).collect(),
            releases,
            weight,
            copies: 0,
            continents: Vec::new(),
        };
        if lines.len() < 2 || split_above.is_none_or(|limit| total <= limit) {
            out.push(unit(name.clone(), pp.current.clone()));
            continue;
        }
        for line in lines {
            let releases: Vec<usize> =
                pp.current.iter().copied().filter(|&i| project.releases[i].line.as_deref() == line).collect();
            out.push(unit(format!("{name}/{}", line.unwrap_or("")), releases));
        }
    }
    // By project, then key: `foo/1` must not land after `foo-bar` (`/` sorts after `-`).
    out.sort_by(|a, b| (&a.project, &a.key).cmp(&(&b.project, &b.key)));
    out
}

/// Half the usable bytes of the median capacity mirror; `None` without capacity mirrors.
fn split_above(usable: &[Option<u64>]) -> Option<u64> {
    let mut sizes: Vec<u64> = usable.iter().flatten().copied().collect();
    sizes.sort_unstable();
    sizes.get(sizes.len() / 2).map(|m| m / 2)
}

/// The project's `weight`: a positive number, at most 1000.
fn weight(content: &Content, project: &str, problems: &mut Problems) -> f64 {
    let Some(page) = content.projects.get(project) else { return 1.0 };
    let Some(w) = page.matter.weight else { return 1.0 };
    if w.is_finite() && w > 0.0 && w <= 1000.0 {
        return w;
    }
    problems.push(
        Problem::new(page.path.display().to_string(), format!("weight {w} is not a positive number up to 1000"))
            .hint("give how much more than an average project, per byte, it is downloaded: `weight: 4` gives it about four times the copies; leave it out for 1"),
    );
    1.0
}
