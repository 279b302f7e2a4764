//! `closer check`: everything a build checks, every problem listed at once, nothing
//! written (the site is rendered and dropped, so a template error is found too). What
//! CI runs on every commit. On a primary shared by many projects, `--project` reports
//! one release manager's own.

use super::{Global, Outcome};
use crate::model::run::Mode;
use crate::util::problem::{ProblemsFound, with_fix};
use anyhow::{Result, bail};
use std::path::Path;

/// Check everything a build checks, list every problem, write nothing.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Report only this project's problems (and those outside any project, such as the
    /// registry's); repeat for more. Everything is still checked.
    #[arg(long, value_name = "NAME")]
    pub project: Vec<String>,
    /// Also print the problems as JSON on stdout (each with its project, file, line,
    /// message, fix, and whether it is an upload still arriving), for CI.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, g: &Global) -> Result<Outcome> {
    let json = args.json;
    let result = check(args, g);
    if json {
        let doc = match &result {
            Ok(_) => serde_json::json!({ "format": 1, "problems": [] }),
            Err(e) => match e.downcast_ref::<ProblemsFound>() {
                Some(found) => found.to_json(),
                None => return result,
            },
        };
        println!("{}", serde_json::to_string_pretty(&doc)?);
    }
    result
}

fn check(mut args: Args, g: &Global) -> Result<Outcome> {
    let dist = g.paths().dist;
    args.project = args.project.iter().map(|p| project_name(p, &dist)).collect();
    if !args.project.is_empty() {
        known_projects(&args.project, &dist)?;
    }
    match super::build::pipeline(g, Mode::Check, false, [true, false, false]) {
        Err(e) if !args.project.is_empty() => match e.downcast::<ProblemsFound>() {
            Ok(found) => {
                let (mine, others) = found.only(&args.project);
                let more = format!("{others} more in other projects: `closer check` without --project lists them");
                if mine.problems.is_empty() {
                    if !g.quiet {
                        let more = if others > 0 { format!(" ({more})") } else { String::new() };
                        eprintln!("checked, no problems in {}{more}", args.project.join(", "));
                    }
                    return Ok(Outcome::Done);
                }
                Err(if others > 0 { mine.then(more) } else { mine }.into())
            }
            Err(e) => Err(e),
        },
        r => r,
    }
}

/// The project a `--project` names: its name, or its directory as a shell completes it
/// (`hello/`, `dist/hello/`).
fn project_name(arg: &str, dist: &Path) -> String {
    let trimmed = arg.trim_end_matches('/');
    let path = Path::new(trimmed);
    let in_dist = path.parent().filter(|d| !d.as_os_str().is_empty()).is_some_and(|d| {
        let canonical = |p: &Path| std::fs::canonicalize(p).ok();
        canonical(d).is_some_and(|d| Some(d) == canonical(dist))
    });
    match path.file_name().and_then(|n| n.to_str()) {
        Some(name) if in_dist => name.to_string(),
        _ => trimmed.to_string(),
    }
}

/// Each named project is a directory of the release tree, or the error names the ones
/// there are.
fn known_projects(names: &[String], dist: &Path) -> Result<()> {
    for name in names {
        if !name.contains('/') && !name.starts_with('.') && dist.join(name).is_dir() {
            continue;
        }
        let mut there: Vec<String> = std::fs::read_dir(dist)
            .map(|d| {
                d.flatten()
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        there.retain(|n| !n.starts_with('.') && n != "zzz");
        there.sort();
        let shown = match there.len() {
            0 => "none".to_string(),
            n if n > 10 => format!("{}, and {} more", there[..10].join(", "), n - 10),
            _ => there.join(", "),
        };
        bail!(
            "{}",
            with_fix(
                format!("there is no project `{name}` in {}", dist.display()),
                format!("name one of its projects: {shown}")
            )
        );
    }
    Ok(())
}
