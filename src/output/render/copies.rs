//! The copies section of the mirrors page: the goal, whether every release meets it, and
//! the projects closest to losing a copy, from the plan's report (`plan::copies`).

use super::Input;
use crate::plan::copies::{CopiesReport, ProjectCopies};
use crate::util::text::{human_si, url_path};
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct CopiesCtx {
    goal: u32,
    /// Does the build stop when a release is short?
    enforced: bool,
    min_ok: Option<u32>,
    short: usize,
    projects: usize,
    total_h: String,
    /// The fewest copies any project has.
    fewest: u32,
    by_capacity: usize,
    /// Were the mirrors probed (so that `serving` means something)?
    probed: bool,
    closest: Vec<ClosestRow>,
    /// Every project, by name, when there are at most [`LISTED`] (each project's page
    /// says its own copies, and `closer copies` lists them all).
    all: Vec<ClosestRow>,
}

const LISTED: usize = 200;

#[derive(Serialize)]
struct ClosestRow {
    project: String,
    href: String,
    copies: u32,
    serving: Option<u32>,
    continents: String,
    size_h: String,
}

/// A project's copies, for its page: the fewest of any of its units, and where.
#[derive(Serialize)]
pub(super) struct ProjectCopiesCtx {
    copies: u32,
    continents: usize,
    goal: u32,
}

impl Input<'_> {
    pub(super) fn project_copies(&self, project: &str) -> Option<ProjectCopiesCtx> {
        let c = &self.plan.copies;
        let least = c.units_of(project).map(|u| &c.units[u]).min_by_key(|u| u.copies)?;
        Some(ProjectCopiesCtx { copies: least.copies, continents: least.continents.len(), goal: c.goal })
    }
    pub(super) fn copies_ctx(&self, r: &CopiesReport) -> CopiesCtx {
        let row = |p: &ProjectCopies| ClosestRow {
            project: p.project.clone(),
            href: format!("{}/", url_path(&p.project)),
            copies: p.copies,
            serving: p.serving,
            continents: p.continents.iter().map(|c| c.name()).collect::<Vec<_>>().join(", "),
            size_h: human_si(p.bytes),
        };
        let closest =
            r.closest.iter().filter_map(|name| r.projects.iter().find(|p| &p.project == name)).map(row).collect();
        let all = if r.projects.len() <= LISTED { r.projects.iter().map(row).collect() } else { Vec::new() };
        CopiesCtx {
            goal: r.goal,
            enforced: r.enforced,
            min_ok: r.min_ok,
            short: r.short,
            projects: r.projects.len(),
            total_h: human_si(r.total_bytes),
            fewest: r.projects.iter().map(|p| p.copies).min().unwrap_or(0),
            by_capacity: r.mirrors.iter().filter(|m| m.holds == "capacity").count(),
            probed: self.freshness.probed_at.is_some(),
            closest,
            all,
        }
    }
}
