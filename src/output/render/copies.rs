//! The copies section of the mirrors page: the goal, whether every release meets it, and
//! the projects closest to losing a copy, from the plan's report (`plan::copies`).

use super::Input;
use crate::plan::copies::CopiesReport;
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
}

#[derive(Serialize)]
struct ClosestRow {
    project: String,
    href: String,
    copies: u32,
    serving: Option<u32>,
    continents: String,
    size_h: String,
}

impl Input<'_> {
    pub(super) fn copies_ctx(&self, r: &CopiesReport) -> CopiesCtx {
        let closest = r
            .closest
            .iter()
            .filter_map(|name| r.projects.iter().find(|p| &p.project == name))
            .map(|p| ClosestRow {
                project: p.project.clone(),
                href: format!("{}/", url_path(&p.project)),
                copies: p.copies,
                serving: p.serving,
                continents: p
                    .continents
                    .iter()
                    .map(|c| crate::input::registry::continent_name(c))
                    .collect::<Vec<_>>()
                    .join(", "),
                size_h: human_si(p.bytes),
            })
            .collect();
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
        }
    }
}
