//! `closer status` with no release named: the primary operator's overview. Every current
//! release the mirrors that carry it do not serve enough of yet (by bandwidth, as for
//! one release), each with the mirrors behind on it and why (down since when, stale,
//! behind its stamp, lacking a file): on a primary shared by hundreds of projects, who
//! is behind, for which project, since when, in one command.

use super::Outcome;
use crate::model::since::Since;
use crate::plan::coverage::{Coverage, coverage, release_since};
use anyhow::{Result, bail};

/// How many mirrors behind a release are named before the rest are counted.
const NAMED: usize = 5;

pub fn run(
    a: &crate::pipeline::Analysis,
    paths: &crate::model::run::Paths,
    threshold: f64,
    json: bool,
) -> Result<Outcome> {
    let dist = &paths.dist;
    let Some(since) = Since::read(dist)? else {
        bail!(
            "{} does not exist: run `closer build` first, which writes it",
            dist.join(crate::model::since::SINCE_FILE).display()
        )
    };
    let state = crate::input::probe_state::State::load(&paths.probe)?;
    let stamp = crate::model::stamp::read(dist).ok().flatten().unwrap_or(0);
    let published = crate::model::published::read(dist)?;
    let mut fresh = crate::plan::fresh::assess(&a.registry, &state, stamp, &since, &published);
    let carried = crate::model::carried::Carried::recorded(&paths.cache)?;
    crate::plan::copies::carried::judge(&mut fresh, &carried, (&a.registry, &a.plan.copies), &state);
    let mut all: Vec<Coverage> = Vec::new();
    for pp in &a.plan.projects {
        let Some(p) = a.tree.projects.get(&pp.name) else { continue };
        for &i in &pp.current {
            let r = &p.releases[i];
            let files = crate::plan::coverage::query_files(r);
            // Not in the lists (held before it was ever published): no mirror has it.
            let Some(at) = release_since(&since, &files) else { continue };
            all.push(coverage(&a.registry, &a.plan.copies, &fresh, &p.name, &r.id(), at));
        }
    }
    let short: Vec<&Coverage> = all.iter().filter(|c| c.share() < threshold).collect();
    if json {
        let doc = serde_json::json!({
            "format": 1,
            "threshold": threshold,
            "releases": all.len(),
            "short": short.iter().map(|c| serde_json::json!({
                "project": c.project, "version": c.version, "since": c.since, "share": c.share(),
                "serving": c.serving,
                "behind": c.behind.iter().map(|(m, why)| serde_json::json!({"mirror": m, "why": why})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print!("{}", report(&all, &short, threshold));
    }
    Ok(if short.is_empty() { Outcome::Done } else { Outcome::NotYet })
}

/// The overview as text: a line per release short of the threshold, its mirrors behind
/// below it, then the count.
fn report(all: &[Coverage], short: &[&Coverage], threshold: f64) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    for c in short {
        let carrying = c.serving.len() + c.behind.len();
        let _ = writeln!(
            s,
            "{} {}: {} of {carrying} mirrors serve it, {:.0}% of their bandwidth (in the lists since {})",
            c.project,
            c.version,
            c.serving.len(),
            c.share() * 100.0,
            crate::util::text::datetime(c.since)
        );
        for (id, why) in c.behind.iter().take(NAMED) {
            let _ = writeln!(s, "  {id:<20} {why}");
        }
        if c.behind.len() > NAMED {
            let _ = writeln!(
                s,
                "  and {} more behind (`closer status {} {}` names them)",
                c.behind.len() - NAMED,
                c.project,
                c.version
            );
        }
    }
    let _ = writeln!(
        s,
        "{} of {} current release{} served by at least {:.0}% of their mirrors' bandwidth{}",
        all.len() - short.len(),
        all.len(),
        if all.len() == 1 { "" } else { "s" },
        threshold * 100.0,
        if short.is_empty() { "" } else { "; the others are listed above" }
    );
    s
}
