//! `closer build [--lists-only] [--stats]`: the whole pipeline, then the site (swapped
//! in atomically) and closer's own files in the release tree (the mirror lists and the
//! stamp, written last). A build with problems writes nothing and lists them all.

use super::{Global, Outcome};
use crate::model::run::{Mode, Paths};
use crate::output::commit::Written;
use crate::pipeline::BuildReport;
use crate::util::problem::ProblemsFound;
use crate::util::text::plural;
use anyhow::Result;
use std::time::Instant;

/// Check everything and write the site; a failed build leaves the old site as it was.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print what was hashed and written, as `key=value` lines on stderr.
    #[arg(long)]
    stats: bool,
    /// Check everything, then write only the mirror lists and stamp into the release
    /// tree, not the site (for a primary that refreshes its lists from cron).
    #[arg(long)]
    lists_only: bool,
    /// Write nothing when any project has a problem (as `check` decides), instead of
    /// holding back only that project: for CI.
    #[arg(long)]
    strict: bool,
    /// Publish a release tree that holds none, or under half, of the projects the last
    /// build published, and no new one (refused otherwise: an unmounted volume looks like
    /// that, and every mirror would delete them).
    #[arg(long)]
    allow_removal: bool,
    /// Also print on stdout, as JSON, the projects held back (`held` or `arriving`, each
    /// with its problems), the warnings, and what left the mirrors; or, when the build
    /// stopped, its problems (as `closer check --json`).
    #[arg(long)]
    pub(super) json: bool,
}

pub fn run(args: Args, g: &Global) -> Result<Outcome> {
    let mode = if args.lists_only { Mode::Lists } else { Mode::Build };
    let result = pipeline(g, mode, args.stats, [args.strict, args.allow_removal, args.json]);
    if args.json
        && let Err(e) = &result
        && let Some(found) = e.downcast_ref::<ProblemsFound>()
    {
        println!("{}", serde_json::to_string_pretty(&found.to_json())?);
    }
    result
}

/// What `build --json` prints of a build that ran: the projects held back with their
/// problems, the warnings, the releases archived and the directories removed.
fn report_json(r: &BuildReport) -> serde_json::Value {
    let held: Vec<serde_json::Value> = r
        .held
        .iter()
        .map(|h| {
            let problems: Vec<_> = h.problems.iter().map(|p| p.to_json(Some(&h.project), h.arriving)).collect();
            serde_json::json!({
                "project": h.project,
                "state": if h.arriving { "arriving" } else { "held" },
                "published": h.published,
                "problems": problems,
            })
        })
        .collect();
    let removed: Vec<_> = r.news.removed.iter().map(|(dir, n)| serde_json::json!({"dir": dir, "files": n})).collect();
    serde_json::json!({
        "format": 1,
        "held": held,
        "warnings": r.warnings,
        "archived": r.news.archived,
        "removed": removed,
    })
}

/// The warnings to print: all of them, or with `quiet` those the last run did not
/// have (kept in the cache's `warnings`, rewritten when they change).
fn told_once<'a>(cache: &std::path::Path, warnings: &'a [String], quiet: bool) -> Vec<&'a String> {
    let file = cache.join("warnings");
    let before = std::fs::read_to_string(&file).unwrap_or_default();
    let now = warnings.iter().map(|w| format!("{}\n", w.replace('\n', " "))).collect::<String>();
    if now != before && cache.is_dir() {
        // Only a record of what was said: failing to keep it says them again next time.
        let _ = crate::util::fs::write_parts_atomic(&file, &[now.as_bytes()], false);
    }
    let said: std::collections::HashSet<&str> = before.lines().collect();
    warnings.iter().filter(|w| !quiet || !said.contains(w.replace('\n', " ").as_str())).collect()
}

/// Runs the pipeline in `mode` and says what it did (`build`, `check`): exit 0 when
/// every project was published, 1 when one was held back (its problems are listed).
/// `strict`: write nothing when any project has a problem; `allow_removal`: publish a
/// tree that lost most of its projects.
pub(super) fn pipeline(
    g: &Global,
    mode: Mode,
    stats: bool,
    [strict, allow_removal, json]: [bool; 3],
) -> Result<Outcome> {
    let start = Instant::now();
    let mut paths = g.paths();
    let _scratch = match mode {
        Mode::Check => super::scratch_cache::if_unwritable(&mut paths, g.quiet)?,
        _ => None,
    };
    // A directory that is no site (no registry) gets its error before a lock file is
    // left in it.
    if !paths.registry.exists() {
        crate::input::registry::Registry::from_disk(&paths.registry)?;
    }
    if matches!(mode, Mode::Build | Mode::Preview) {
        out_outside_inputs(&paths)?;
    }
    // One writer at a time: the release tree's lock covers what a build writes (the
    // lists and stamp, the site made from them, the caches of both).
    let _lock = match mode {
        Mode::Check => None,
        _ => Some(super::lock(g, &paths.dist, "the release tree", "build")?),
    };
    let mut r =
        crate::pipeline::run(&paths, mode, strict, allow_removal).map_err(|e| match e.downcast::<ProblemsFound>() {
            Ok(found) if mode != Mode::Check => {
                found.then(format!("nothing was written; {} is as it was", paths.out.display())).into()
            }
            Ok(found) => found.into(),
            Err(e) => e,
        })?;
    // The command ends after its report: the process's end frees the tree at once.
    std::mem::take(&mut r.leftovers).leave();
    // Warnings print even with --quiet: they are what the operator must act on; with
    // --quiet (cron) once, not the same ones every run.
    for w in told_once(&paths.cache, &r.warnings, g.quiet && mode != Mode::Check) {
        eprintln!("warning: {w}");
    }
    // So do the projects held back, each with its problems; with --quiet (cron) only
    // those newly held or whose problems changed, not the same report every run.
    let untold: Vec<_> = r.held.iter().filter(|h| !(g.quiet && h.told)).cloned().collect();
    eprint!("{}", crate::pipeline::isolate::report(&untold));
    if !r.news.removed.is_empty() {
        eprintln!("{}", removed_line(mode, &r.news.removed));
    }
    if !g.quiet && !r.news.new_without_page.is_empty() {
        eprintln!("{}", without_page_line(&r.news.new_without_page));
    }
    if !g.quiet && !r.news.archived.is_empty() {
        eprintln!("{}", archived_line(mode, &r.news.archived));
    }
    if !g.quiet {
        let verb = match mode {
            Mode::Build => "built",
            Mode::Lists => "wrote the mirror lists",
            Mode::Check => "checked, no problems",
            Mode::Preview => "previewed",
        };
        eprintln!("{}", summary(verb, &r, &paths, start.elapsed().as_secs_f64()));
    }
    if stats {
        print_stats(&r);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&report_json(&r))?);
    }
    Ok(held_verdict(mode, &r, untold.is_empty()))
}

/// The build's exit: 1 when a project was held back (said, with how many others were
/// published, unless `--quiet` has said it before), else 0.
/// The site is not written into what closer reads: inside the release tree it would be
/// read as a project by the next build (and mirrored), inside the content or the templates
/// as pages.
fn out_outside_inputs(paths: &Paths) -> Result<()> {
    let out = resolved(&paths.out);
    let inputs =
        [(&paths.dist, "the release tree"), (&paths.content, "the content"), (&paths.templates, "the templates")];
    for (input, what) in inputs {
        if out.starts_with(resolved(input)) {
            anyhow::bail!(
                "{}",
                crate::util::problem::with_fix(
                    format!("--out `{}` is inside {what} `{}`", paths.out.display(), input.display()),
                    "write the site outside what closer reads: --out site, or a directory of its own"
                )
            );
        }
    }
    Ok(())
}

/// `path` absolute, with symbolic links resolved in the part of it that exists.
fn resolved(path: &std::path::Path) -> std::path::PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut at = abs.as_path();
    loop {
        if let Ok(real) = std::fs::canonicalize(at) {
            return rest.iter().rev().fold(real, |p, part| p.join(part));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            _ => return abs,
        }
    }
}

fn held_verdict(mode: Mode, r: &BuildReport, untold_empty: bool) -> Outcome {
    let held = r.held.iter().filter(|h| !h.arriving).count();
    if held > 0 && untold_empty {
        return Outcome::NotYet;
    }
    if held > 0 {
        let arriving = r.held.len() - held;
        // Held projects whose last good state is published are in the tree's count.
        let others = r.projects.saturating_sub(r.held.iter().filter(|h| h.published).count());
        let verb = if mode == Mode::Check { "checked" } else { "published" };
        let rest = match others {
            0 => "there are no others".to_string(),
            1 => format!("the other one was {verb}"),
            n => format!("the {n} others were {verb}"),
        };
        let waiting =
            if arriving > 0 { format!(", {arriving} arriving (within the upload grace)") } else { String::new() };
        eprintln!("held back {held} project{}{waiting}; {rest}", plural(held));
        return Outcome::NotYet;
    }
    Outcome::Done
}

/// The releases a build takes off the mirrors (they stay on the archive), at most ten by
/// name: a first build of a tree with `keep: 1` archives all but the newest of each line.
fn archived_line(mode: Mode, archived: &[String]) -> String {
    let verb = if matches!(mode, Mode::Check | Mode::Preview) { "would archive" } else { "archived" };
    let shown: Vec<&str> = archived.iter().take(10).map(String::as_str).collect();
    let more = archived.len().saturating_sub(shown.len());
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    format!(
        "{verb} {} release{} (no longer on the mirrors; on the archive; policy.keep sets how many stay): {}{more}",
        archived.len(),
        plural(archived.len()),
        shown.join(", ")
    )
}

/// What left the release tree since the last build: said even with `-q`, since mirrors
/// delete it (a release manager's `rm -rf` is otherwise silent).
fn removed_line(mode: Mode, removed: &[(String, usize)]) -> String {
    let verb = if matches!(mode, Mode::Check | Mode::Preview) { "would take" } else { "took" };
    let shown: Vec<String> = removed.iter().take(10).map(|(d, n)| format!("{d}/ ({n} file{})", plural(*n))).collect();
    let more = removed.len().saturating_sub(shown.len());
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    format!(
        "removed from the release tree since the last build, so this build {verb} it off the mirrors (the archive keeps what it has): {}{more}",
        shown.join(", ")
    )
}

/// The one line a build prints: what it read, hashed and wrote.
pub(super) fn summary(verb: &str, r: &BuildReport, paths: &Paths, secs: f64) -> String {
    let out = paths.out.display();
    let written = match r.written {
        Some(Written::Unchanged) => format!(", {out} unchanged"),
        Some(Written::Replaced) => format!(", wrote {} files to {out}", r.site_files),
        Some(Written::Updated(n)) => format!(", updated {n} project{} in {out} ({} files)", plural(n), r.site_files),
        None => String::new(),
    };
    format!(
        "{verb}: {} project{}, {} current and {} archived release{}, {} artifact{} ({} hashed, {} from cache), {} mirror{}{written} in {secs:.2}s",
        r.projects,
        plural(r.projects),
        r.current_releases,
        r.archived_releases,
        plural(r.archived_releases),
        r.artifacts,
        plural(r.artifacts),
        r.digest.hashed_files,
        r.digest.cached_files,
        r.mirrors,
        plural(r.mirrors),
    )
}

/// `--stats`: `stats: key=value` lines on stderr, for scripts and the benchmarks.
fn print_stats(r: &BuildReport) {
    let d = &r.digest;
    let updated = match r.written {
        Some(Written::Updated(n)) => n.to_string(),
        _ => "-".into(),
    };
    let mut lines = vec![
        ("hashed_files", d.hashed_files.to_string()),
        ("hashed_bytes", d.hashed_bytes.to_string()),
        ("cached_files", d.cached_files.to_string()),
        ("cache_discarded", d.cache_discarded.to_string()),
        ("signatures_checked", r.verify.checked.to_string()),
        ("sigstore_checked", r.verify.sigstore_checked.to_string()),
        ("minisign_checked", r.verify.minisign_checked.to_string()),
        ("signatures_cached", r.verify.cached.to_string()),
        ("site_files", r.site_files.to_string()),
        ("site_written", matches!(r.written, Some(Written::Replaced | Written::Updated(_))).to_string()),
        ("site_projects_rendered", updated),
        ("site_rendered", r.site_rendered.to_string()),
    ];
    if let Some(l) = r.lists {
        lines.extend([
            ("lists_changed", l.changed.to_string()),
            ("lists_made", l.made.to_string()),
            ("stamp", l.stamp.to_string()),
        ]);
    }
    for (k, v) in lines {
        eprintln!("stats: {k}={v}");
    }
}

/// The new projects without a content page, named (the first few of a primary's hundreds:
/// one line naming 300 projects and 300 paths helps nobody).
fn without_page_line(new: &[String]) -> String {
    const NAMED: usize = 5;
    let shown: Vec<&str> = new.iter().take(NAMED).map(String::as_str).collect();
    let more = new.len().saturating_sub(NAMED);
    let (names, page) = match more {
        0 if new.len() == 1 => (shown.join(", "), format!("content/{}.md", new[0])),
        0 => (shown.join(", "), "content/<project>.md".to_string()),
        n => (format!("{} and {n} more", shown.join(", ")), "content/<project>.md".to_string()),
    };
    format!(
        "{} new project{} without a page: {names} (until {page} gives a title and a description, its pages show the \
         directory's name)",
        new.len(),
        plural(new.len())
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn hundreds_of_new_projects_are_counted_not_all_named() {
        let one = super::without_page_line(&["gamma".to_string()]);
        assert!(one.starts_with("1 new project without a page: gamma (until content/gamma.md gives"), "{one}");
        let many: Vec<String> = (0..300).map(|i| format!("p{i:03}")).collect();
        let line = super::without_page_line(&many);
        assert!(
            line.starts_with("300 new projects without a page: p000, p001, p002, p003, p004 and 295 more"),
            "{line}"
        );
        assert!(line.len() < 200, "{line}");
    }
}
