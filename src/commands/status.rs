//! `closer status <project> <version>`: have the mirrors caught up? From the probe state,
//! the stamp at which the release's files entered the mirror lists (`dist/zzz/since`) and
//! the registry: which mirrors serve the release now, what share of the bandwidth of the
//! mirrors that carry the project that is (in total and per continent), and which mirrors
//! are behind and why. A release script waits on its exit code instead of on a rule of thumb.

use super::{Global, Outcome};
use crate::input::registry::Registry;
use crate::model::since::{SINCE_FILE, Since};
use crate::model::stamp;
use crate::plan::copies::Copies;
pub use crate::plan::coverage::{Coverage, Share, coverage, release_since};
use crate::util::text::{age, datetime};
use anyhow::{Result, bail};
use std::fmt::Write as _;

/// Have the mirrors caught up with a release? Exit 0 when they serve enough of it, 1 when not yet.
#[derive(Debug, clap::Args)]
#[command(after_help = "Reads the probe state (run `closer probe` first), dist/zzz/since and the registry. \
    A release script can wait on it:\n  until closer probe -q && closer status hello 2.0; do sleep 600; done")]
pub struct Args {
    /// The project; with neither it nor VERSION, every current release the mirrors do
    /// not serve enough of yet, and which mirrors are behind on it.
    project: Option<String>,
    /// The release: its version, or `line/version` in a project with lines.
    version: Option<String>,
    /// Share of the bandwidth of the mirrors that carry the project that must serve the release.
    #[arg(long, default_value_t = 0.8, value_parser = parse_share)]
    threshold: f64,
    /// Probe and check again until the threshold is met or TIMEOUT has passed
    /// (`90s`, `30m`, `2h`; 1h when not given), printing the propagation so far.
    #[arg(long, value_name = "TIMEOUT", num_args = 0..=1, default_missing_value = "1h", value_parser = parse_wait)]
    wait: Option<u64>,
    /// With --wait: how often to probe.
    #[arg(long, value_name = "SECS", default_value = "60", value_parser = parse_wait, requires = "wait")]
    every: u64,
    /// Print JSON (`format` 1): `project`, `version`, `since` (Unix seconds), `threshold`,
    /// `share`, `met`, `serving` (mirror ids), `behind` [{`mirror`, `why`}], `continents`
    /// {name: {`serving`, `mirrors`, `share`, `bandwidth`}}, and `held` {`state`,
    /// `problems`} when the last build held the project back. The exit code is the same.
    #[arg(long)]
    pub(super) json: bool,
}

/// Who carries the release is the plan's answer (capacity mirrors included); who serves
/// it, the probe state's (probed again each round with `--wait`).
pub fn run(args: Args, g: &Global) -> Result<Outcome> {
    // A problem in the registry is one in every answer; one elsewhere in the tree (another
    // project's upload) does not change who serves this release.
    super::registry(g)?;
    let paths = g.paths();
    let a = crate::pipeline::analyse(&paths, &crate::util::clock::Timings::from_env())?;
    let Some((project, version)) = asked(&args)? else {
        return super::status_all::run(&a, &paths, args.threshold, args.json);
    };
    let (_, release) = super::find_release(&a, &project, &version)?;
    if !a.plan.is_current(&project, &release.id(), &a.tree) {
        bail!(crate::util::problem::with_fix(
            format!("{} {} is archived: no longer on the mirrors, only on the archive", project, release.id()),
            "policy.keep says how many releases of each project (or line) stay on the mirrors; ask about a current one"
        ));
    }
    // A project the last build held back: what the mirrors have is its last good state.
    let held = crate::output::held::read_held(&paths.cache).into_iter().find(|h| h.project == project);
    if let Some(h) = held.as_ref().filter(|_| !args.json) {
        let why = h.problems.first().map_or("", |p| p.lines().next().unwrap_or(""));
        println!(
            "{}: held back by the last build ({}): {why}{}",
            h.project,
            h.state,
            if h.published { "; its last good state is what the pages and mirrors have" } else { "" }
        );
    }
    let id = release.id();
    let files = crate::plan::coverage::query_files(release);
    let q = Query { project: &project, release: &id, files: &files, threshold: args.threshold };
    // Held before it was ever published: no mirror has it, nor will until it is fixed.
    if let Some(h) = held.as_ref()
        && Since::read(&paths.dist)?.is_none_or(|since| release_since(&since, q.files).is_none())
    {
        if args.json {
            let doc = serde_json::json!({
                "format": 1, "project": project, "version": id, "since": null, "threshold": args.threshold,
                "share": 0.0, "met": false, "serving": [], "behind": [], "continents": {},
                "held": {"state": h.state, "problems": h.problems},
            });
            println!("{}", serde_json::to_string_pretty(&doc)?);
        } else {
            println!(
                "{} {id}: not in the mirror lists: held back, no mirror has it until the problems are fixed and a build publishes it",
                project
            );
        }
        return Ok(Outcome::NotYet);
    }
    let c = match args.wait {
        None => status(&a.registry, &a.plan.copies, &paths, &q)?,
        Some(timeout) => {
            let how = Wait {
                timeout: std::time::Duration::from_secs(timeout),
                every: std::time::Duration::from_secs(args.every),
                probe: super::probe::ProbeOptions {
                    unsampled: super::probe::unsampled(&paths.cache),
                    ..Default::default()
                },
            };
            // With --json the propagation lines go to stderr: stdout is the document.
            let json = args.json;
            let line = |l: &str| if json { eprintln!("{l}") } else { println!("{l}") };
            wait(&a.registry, &a.plan.copies, &paths, &q, &how, line)?
        }
    };
    let met = c.share() >= args.threshold;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&json(&c, args.threshold, held.as_ref()))?);
    } else {
        print!("{}", report(&c, args.threshold));
    }
    Ok(if met { Outcome::Done } else { Outcome::NotYet })
}

/// The release `status` is asked about: `None` for every one (no project named).
fn asked(args: &Args) -> Result<Option<(String, String)>> {
    match (&args.project, &args.version) {
        (Some(p), Some(v)) => Ok(Some((p.clone(), v.clone()))),
        (None, _) if args.wait.is_some() => bail!(crate::util::problem::with_fix(
            "--wait waits for one release",
            "closer status PROJECT VERSION --wait (`closer status` alone says where every release stands now)"
        )),
        (None, _) => Ok(None),
        (Some(p), None) => bail!(crate::util::problem::with_fix(
            format!("which release of {p}?"),
            format!("closer status {p} VERSION (or `closer status` alone, for every current release)")
        )),
    }
}

/// `closer status --json`: the coverage as data, with the verdict and the held state.
fn json(c: &Coverage, threshold: f64, held: Option<&crate::output::held::HeldRecord>) -> serde_json::Value {
    let continents: serde_json::Map<String, serde_json::Value> = c
        .continents
        .iter()
        .map(|(k, s)| {
            let v = serde_json::json!({
                "serving": s.serving, "mirrors": s.mirrors, "share": s.share(), "bandwidth": s.bandwidth,
            });
            (k.name().to_string(), v)
        })
        .collect();
    let behind: Vec<_> = c.behind.iter().map(|(m, why)| serde_json::json!({"mirror": m, "why": why})).collect();
    serde_json::json!({
        "format": 1,
        "project": c.project,
        "version": c.version,
        "since": c.since,
        "threshold": threshold,
        "share": c.share(),
        "met": c.share() >= threshold,
        "serving": c.serving,
        "behind": behind,
        "continents": continents,
        "held": held.map(|h| serde_json::json!({"state": h.state, "problems": h.problems})),
    })
}

/// The report on `q` from the last probe, and whether enough mirrors serve it.
pub fn serving(a: &crate::pipeline::Analysis, paths: &crate::model::run::Paths, q: &Query) -> Result<(String, bool)> {
    let c = status(&a.registry, &a.plan.copies, paths, q)?;
    Ok((report(&c, q.threshold), c.share() >= q.threshold))
}

fn parse_wait(s: &str) -> Result<u64, String> {
    match crate::input::registry::parse_duration(s) {
        Some(0) | None => Err(format!("`{s}` is not a duration (`90s`, `30m`, `2h`)")),
        Some(n) => Ok(n),
    }
}

fn parse_share(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=1.0).contains(&v) { Ok(v) } else { Err(format!("{v} is not between 0 and 1")) }
}

/// What `closer status` is asked: a release (its id and its artifacts' paths in the
/// tree, whatever the layout), and the share that is enough.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    pub project: &'a str,
    pub release: &'a str,
    pub files: &'a [&'a str],
    pub threshold: f64,
}

/// The report `closer status` prints.
pub fn report(c: &Coverage, threshold: f64) -> String {
    let carrying = c.serving.len() + c.behind.len();
    let mut s = String::new();
    let verdict = if c.share() >= threshold { "safe to announce" } else { "not yet" };
    let _ = writeln!(
        s,
        "{} {}: {} of {} mirrors serve it, {:.0}% of their bandwidth (threshold {:.0}%): {verdict}",
        c.project,
        c.version,
        c.serving.len(),
        carrying,
        c.share() * 100.0,
        threshold * 100.0
    );
    let _ = writeln!(s, "  in the mirror lists since {}", datetime(c.since));
    for (continent, k) in &c.continents {
        let share = k.share();
        let _ = writeln!(
            s,
            "  {:<14} {}/{} mirrors, {:.0}% of {}",
            continent.name(),
            k.serving,
            k.mirrors,
            share * 100.0,
            crate::util::text::human_bandwidth(k.bandwidth)
        );
    }
    if !c.behind.is_empty() {
        let _ = writeln!(s, "behind:");
        for (id, why) in &c.behind {
            let _ = writeln!(s, "  {id:<20} {why}");
        }
    }
    // What to run next.
    if c.behind.iter().any(|(_, why)| why == "not probed yet") {
        let _ = writeln!(s, "next: run `closer probe` (it asks each mirror what it has), then `closer status` again");
    } else if c.share() < threshold {
        let _ = writeln!(
            s,
            "next: `closer status {} {} --wait 2h` waits until enough mirrors serve it (`closer push` asks the tier-1 mirrors to sync now)",
            c.project, c.version
        );
    }
    s
}

/// The coverage of a release from the probe state `state`, the lists' `since` stamps
/// and the stamp in `dist`.
fn coverage_now(
    registry: &Registry,
    copies: &Copies,
    paths: &crate::model::run::Paths,
    state: &crate::input::probe_state::State,
    q: &Query,
) -> Result<Coverage> {
    let dist = &paths.dist;
    let since_path = dist.join(SINCE_FILE);
    let Some(since) = Since::read(dist)? else {
        bail!("{} does not exist: run `closer build` first, which writes it", since_path.display())
    };
    let (project, id) = (q.project, q.release);
    let Some(at) = release_since(&since, q.files) else {
        bail!(
            "{project} {id} is not in the mirror lists ({}): is it a current release, and has `closer build` run since it was uploaded?",
            since_path.display()
        );
    };
    let stamp = stamp::read(dist).ok().flatten().unwrap_or(at);
    let published = crate::model::published::read(dist)?;
    let mut fresh = crate::plan::fresh::assess(registry, state, stamp, &since, &published);
    crate::plan::copies::carried::judge(
        &mut fresh,
        &crate::model::carried::Carried::recorded(&paths.cache)?,
        (registry, copies),
        state,
    );
    Ok(coverage(registry, copies, &fresh, project, id, at))
}

/// Everything `closer status` reads, then how far the release has spread.
pub fn status(registry: &Registry, copies: &Copies, paths: &crate::model::run::Paths, q: &Query) -> Result<Coverage> {
    let state = crate::input::probe_state::State::load(&paths.probe)?;
    coverage_now(registry, copies, paths, &state, q)
}

/// How `closer status --wait` waits.
pub struct Wait {
    /// Give up after this long.
    pub timeout: std::time::Duration,
    /// Probe this often.
    pub every: std::time::Duration,
    pub probe: super::probe::ProbeOptions,
}

/// One line of the propagation so far: time, elapsed, the share, and per continent.
fn progress_line(c: &Coverage, started: std::time::Instant) -> String {
    let now = crate::util::clock::now();
    let (_, _, _, h, m, sec) = crate::util::text::civil(now);
    let continents: Vec<String> =
        c.continents.iter().map(|(c, k)| format!("{} {:.0}%", c.name(), k.share() * 100.0)).collect();
    format!(
        "{h:02}:{m:02}:{sec:02} UTC +{:<7} {:>3.0}% of bandwidth, {}/{} mirrors ({})",
        age(started.elapsed().as_secs() as i64),
        c.share() * 100.0,
        c.serving.len(),
        c.serving.len() + c.behind.len(),
        continents.join(", ")
    )
}

/// `closer status --wait`: probe, check, sleep, until the threshold is met or the time
/// is up, printing a line of propagation per round (`line`); then the coverage.
pub fn wait(
    registry: &Registry,
    copies: &Copies,
    paths: &crate::model::run::Paths,
    q: &Query,
    how: &Wait,
    mut line: impl FnMut(&str),
) -> Result<Coverage> {
    let started = std::time::Instant::now();
    loop {
        let (state, warning) = {
            let _lock = crate::util::lock::acquire(&paths.probe, "the probe state", "status --wait", true)?;
            super::probe::probe_and_save(registry, &paths.dist, &paths.probe, &how.probe)?
        };
        if let Some(w) = warning {
            line(&format!("warning: {w}"));
        }
        let c = coverage_now(registry, copies, paths, &state, q)?;
        line(&progress_line(&c, started));
        if c.share() >= q.threshold || started.elapsed() + how.every > how.timeout {
            return Ok(c);
        }
        std::thread::sleep(how.every);
    }
}
