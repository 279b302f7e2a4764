//! `closer copies [--json]`: how many copies of every current release the network holds
//! and where. Per project its copies and continents, per mirror what it is assigned and
//! how full that makes it, and the projects closest to losing a copy (by the copies that
//! serve now, when the mirrors have been probed). The same report the mirrors page shows.

use super::{Global, Outcome};
use crate::model::continent::Continent;
use crate::model::since::Since;
use crate::pipeline::Analysis;
use crate::plan::copies::{CopiesReport, Serving};
use crate::plan::fresh::Freshness;
use crate::util::problem::ProblemsFound;
use crate::util::text::human_si;
use anyhow::Result;
use std::fmt::Write as _;

/// How many copies of every current release the mirrors hold, and where.
#[derive(Debug, clap::Args)]
#[command(after_help = "Per project its copies, the copies serving now (after `closer probe`) and their \
    continents; per mirror what it carries and how full its capacity is; the projects closest to losing \
    a copy first. Exit 0 when every release meets policy.copies (or the build would accept it), 1 when \
    not (the shortfalls follow on stderr), 2 on bad usage or unreadable input.")]
pub struct Args {
    /// Print JSON: `goal`, `min_ok`, `enforced`, `headroom`, `total_bytes`, `short`,
    /// `projects` (each with `project`, `bytes`, `copies`, `continents`, `serving` and
    /// `units`, each with `key`, `bytes`, `weight`, `copies`, `continents`, `mirrors`),
    /// `mirrors` (each with `id`, `holds`, `capacity`, `usable`, `bytes`, `fill`,
    /// `units`) and `closest` (project names).
    #[arg(long)]
    pub(super) json: bool,
}

/// The report on stdout; then the problems, if any, on stderr (exit 1).
pub fn run(args: Args, g: &Global) -> Result<Outcome> {
    let paths = g.paths();
    let a = crate::pipeline::analyse(&paths, &crate::util::clock::Timings::off())?;
    let r = report(&a, &paths)?;
    print!("{}", if args.json { json(&r) } else { text(&r) });
    if a.problems.is_empty() {
        return Ok(Outcome::Done);
    }
    Err(ProblemsFound::new(a.problems.sorted()).into())
}

/// The report, with the copies serving now when `probe` holds a probe.
pub fn report(a: &Analysis, paths: &crate::model::run::Paths) -> Result<CopiesReport> {
    let fresh = freshness(a, paths)?;
    let serving = fresh.as_ref().map(|(f, since)| Serving::new(f, &a.plan.copies, &a.tree, since));
    Ok(CopiesReport::with_holders(&a.registry, &a.plan.copies, serving.as_ref()))
}

/// The mirrors' freshness from the last probe (and the last build's record of what each
/// carries from when), with the `since` stamps it was judged with; `None` before the
/// first probe.
fn freshness(a: &Analysis, paths: &crate::model::run::Paths) -> Result<Option<(Freshness, Since)>> {
    let dist = &paths.dist;
    let state = crate::input::probe_state::State::load(&paths.probe)?;
    if state.probed_at == 0 {
        return Ok(None);
    }
    let since = crate::model::since::Since::read(dist)?.unwrap_or_default();
    let stamp = crate::model::stamp::read(dist).ok().flatten().unwrap_or(0);
    let published = crate::model::published::read(dist)?;
    let mut fresh = crate::plan::fresh::assess(&a.registry, &state, stamp, &since, &published);
    let carried = crate::model::carried::Carried::recorded(&paths.cache)?;
    crate::plan::copies::carried::judge(&mut fresh, &carried, (&a.registry, &a.plan.copies), &state);
    Ok(Some((fresh, since)))
}

/// The report as JSON, with `"format": 1` as every JSON closer prints for scripts.
pub fn json(r: &CopiesReport) -> String {
    let mut doc = serde_json::to_value(r).unwrap_or_default();
    if let Some(fields) = doc.as_object_mut() {
        fields.insert("format".into(), 1.into());
    }
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn continents(c: &[Continent]) -> String {
    if c.is_empty() { "-".into() } else { c.iter().map(|c| c.code()).collect::<Vec<_>>().join(" ") }
}

pub fn text(r: &CopiesReport) -> String {
    let mut s = String::new();
    let enforced = if r.enforced {
        match r.min_ok {
            Some(n) => format!("the build stops below {n} (policy.copies_min_ok) and warns below the goal"),
            None => "the build stops when a release is short".into(),
        }
    } else {
        "reported only: set policy.copies to enforce it".into()
    };
    let spread = if r.goal >= 2 { " on two continents" } else { "" };
    let _ = writeln!(s, "goal: {} cop{}{spread} ({enforced})", r.goal, if r.goal == 1 { "y" } else { "ies" });
    let count = |h: &str| r.mirrors.iter().filter(|m| m.holds == h).count();
    let _ = writeln!(
        s,
        "{} projects, {} of current releases; {} mirrors: {} full, {} by globs, {} by capacity (headroom {:.0}%)",
        r.projects.len(),
        human_si(r.total_bytes),
        r.mirrors.len(),
        count("full"),
        count("globs"),
        count("capacity"),
        r.headroom * 100.0
    );
    let _ = writeln!(
        s,
        "short of the goal: {}",
        if r.short == 0 { "none".to_string() } else { format!("{} units", r.short) }
    );
    let _ = writeln!(s, "\nclosest to losing a copy:");
    header(&mut s);
    for name in &r.closest {
        if let Some(p) = r.projects.iter().find(|p| &p.project == name) {
            row(&mut s, p);
        }
    }
    mirrors_table(&mut s, r);
    let _ = writeln!(s, "\nprojects:");
    header(&mut s);
    for p in &r.projects {
        row(&mut s, p);
    }
    s
}

/// A project's line of the table, and its units' lines when it has several.
fn row(s: &mut String, p: &crate::plan::copies::ProjectCopies) {
    let serving = p.serving.map_or("-".to_string(), |n| n.to_string());
    let _ = writeln!(
        s,
        "  {:<28} {:>6} {:>8}  {:<18} {:>9}",
        p.project,
        p.copies,
        serving,
        continents(&p.continents),
        human_si(p.bytes)
    );
    if p.units.len() > 1 {
        for u in &p.units {
            let _ = writeln!(
                s,
                "    {:<26} {:>6} {:>8}  {:<18} {:>9}",
                u.key,
                u.copies,
                "",
                continents(&u.continents),
                human_si(u.bytes)
            );
        }
    }
}

fn header(s: &mut String) {
    let _ = writeln!(s, "  {:<28} {:>6} {:>8}  {:<18} {:>9}", "project", "copies", "serving", "continents", "size");
}

/// Each mirror: what it holds, how much, and how full it is.
fn mirrors_table(s: &mut String, r: &CopiesReport) {
    let _ = writeln!(s, "\nmirrors:");
    let _ =
        writeln!(s, "  {:<24} {:<9} {:>9} {:>9} {:>6} {:>7}", "mirror", "holds", "carries", "usable", "fill", "units");
    for m in &r.mirrors {
        let usable = m.usable.map_or("-".to_string(), human_si);
        let fill = m.fill.map_or("-".to_string(), |f| format!("{:.0}%", f * 100.0));
        let _ = writeln!(
            s,
            "  {:<24} {:<9} {:>9} {:>9} {:>6} {:>7}",
            m.id,
            m.holds,
            human_si(m.bytes),
            usable,
            fill,
            m.units
        );
    }
}
