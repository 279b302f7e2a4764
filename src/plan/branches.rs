//! A maintained branch that `keep` takes off the mirrors: Varnish's 6.0 LTS kept flat
//! beside 7.x, containerd's 1.7 beside 2.0. Counted in one line with the newer series,
//! its newest release was archived on migration day with nothing said but the count.
//! A final archived though it came out after a current one of its line is the sign.

use super::ProjectPlan;
use crate::input::content::Content;
use crate::model::tree::{Project, Release};

/// The time a release came out, as its files say: the newest of them.
fn out_at(r: &Release) -> i64 {
    r.artifacts.iter().map(|a| a.file.stat.mtime).max().unwrap_or(0)
}

/// One warning per project whose archived final release came out after one of its line's
/// current finals, unless its page already keeps by series (`keep_by`).
pub(super) fn warnings(project: &Project, plan: &ProjectPlan, content: &Content) -> Option<String> {
    let page = content.projects.get(&project.name);
    if page.is_some_and(|p| p.matter.keep_by.is_some()) {
        return None;
    }
    let finals = |ids: &[usize]| -> Vec<usize> {
        ids.iter().copied().filter(|&i| !project.releases[i].is_prerelease()).collect()
    };
    let current = finals(&plan.current);
    let late: Vec<&Release> = finals(&plan.archived)
        .into_iter()
        .map(|i| &project.releases[i])
        .filter(|a| {
            let withdrawn = content.release_page(&project.name, &a.id()).is_some_and(|p| p.matter.withdrawn.is_some());
            !withdrawn
                && current.iter().map(|&c| &project.releases[c]).any(|c| c.line == a.line && out_at(a) > out_at(c))
        })
        .collect();
    let first = late.first()?;
    let names: Vec<String> = late.iter().take(3).map(|r| r.id()).collect();
    let page = format!("content/{}.md", project.name);
    Some(format!(
        "project {}: archived {} though {} came out after a current release of {}: if {} a maintained branch, \
         `keep_by: minor` (or `major`) on {page} keeps each series' newest",
        project.name,
        names.join(", "),
        if late.len() == 1 { "it" } else { "they" },
        first.line.as_deref().map_or("the project".to_string(), |l| format!("line {l}")),
        if late.len() == 1 { "its series is" } else { "their series are" },
    ))
}
