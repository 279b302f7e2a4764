//! `closer status <project> <version>`: have the mirrors caught up? From the probe state,
//! the stamp at which the release's files entered the mirror lists (`dist/zzz/since`) and
//! the registry: which mirrors serve the release now, what share of the bandwidth of the
//! mirrors that carry the project that is (in total and per continent), and which mirrors
//! are behind and why. A release script waits on its exit code instead of on a rule of thumb.

use crate::input::registry::{Registry, continent_name};
use crate::model::since::{SINCE_FILE, Since};
use crate::model::stamp;
use crate::plan::copies::Copies;
use crate::plan::fresh::Freshness;
use crate::util::text::{age, datetime};
use anyhow::{Result, bail};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One continent's part.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Continent {
    pub serving: usize,
    pub mirrors: usize,
    pub serving_bandwidth: u64,
    pub bandwidth: u64,
}

impl Continent {
    /// Share of its mirrors' bandwidth that serves the release (0 with no mirrors).
    pub fn share(&self) -> f64 {
        if self.bandwidth == 0 { 0.0 } else { self.serving_bandwidth as f64 / self.bandwidth as f64 }
    }
}

/// What `closer status` is asked: a release, and the share that is enough.
#[derive(Debug, Clone, Copy)]
pub struct Query<'a> {
    pub project: &'a str,
    pub version: &'a str,
    pub threshold: f64,
}

/// How far a release has spread.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub project: String,
    pub version: String,
    /// The stamp at which the last of the release's files entered the lists.
    pub since: i64,
    /// Mirror ids serving every file of the release.
    pub serving: Vec<String>,
    /// Mirrors that carry the project but do not serve the release, with the reason.
    pub behind: Vec<(String, String)>,
    pub serving_bandwidth: u64,
    pub bandwidth: u64,
    pub continents: BTreeMap<String, Continent>,
}

impl Coverage {
    /// Share of the carrying mirrors' bandwidth that serves the release (0 with no mirrors).
    pub fn share(&self) -> f64 {
        if self.bandwidth == 0 { 0.0 } else { self.serving_bandwidth as f64 / self.bandwidth as f64 }
    }
}

/// The release's `since`: the newest stamp among its files in the lists.
pub fn release_since(since: &Since, project: &str, version: &str) -> Option<i64> {
    let prefix = format!("{project}/{version}/");
    since.0.iter().filter(|(rel, _)| rel.starts_with(&prefix)).map(|(_, (t, _))| *t).max()
}

/// Works out the coverage of `project` `version`, released into the lists at `since`,
/// over the mirrors that carry it (`copies`).
pub fn coverage(
    registry: &Registry,
    copies: &Copies,
    fresh: &Freshness,
    project: &str,
    version: &str,
    since: i64,
) -> Coverage {
    let unit = copies.unit_of_version(project, version);
    let mut c = Coverage {
        project: project.into(),
        version: version.into(),
        since,
        serving: Vec::new(),
        behind: Vec::new(),
        serving_bandwidth: 0,
        bandwidth: 0,
        continents: BTreeMap::new(),
    };
    for (i, m) in registry.mirrors.iter().enumerate() {
        if !unit.is_some_and(|u| copies.carries(i, u)) {
            continue;
        }
        let f = &fresh.mirrors[i];
        let cont = c.continents.entry(m.continent.clone()).or_default();
        cont.mirrors += 1;
        cont.bandwidth += m.bandwidth;
        c.bandwidth += m.bandwidth;
        if fresh.serves(i, since) {
            cont.serving += 1;
            cont.serving_bandwidth += m.bandwidth;
            c.serving_bandwidth += m.bandwidth;
            c.serving.push(m.id.clone());
            continue;
        }
        let why = match (f.status(), f.stamp) {
            ("unknown", _) => "not probed yet".to_string(),
            ("down", _) => format!("down: {}", f.error.as_deref().unwrap_or("no answer")),
            ("stale", _) => format!("stale: behind for {}", age(f.lag.unwrap_or(0))),
            (_, Some(stamp)) => format!(
                "behind: its stamp is {} (the release entered the lists {}; checked {})",
                datetime(stamp),
                datetime(since),
                f.checked_at.map(datetime).unwrap_or_default()
            ),
            _ => "no stamp".to_string(),
        };
        c.behind.push((m.id.clone(), why));
    }
    c
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
    for (code, k) in &c.continents {
        let share = k.share();
        let _ = writeln!(
            s,
            "  {:<14} {}/{} mirrors, {:.0}% of {}",
            continent_name(code),
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
    s
}

/// The coverage of a release from the probe state `state`, the lists' `since` stamps
/// and the stamp in `dist`.
fn coverage_now(
    registry: &Registry,
    copies: &Copies,
    dist: &std::path::Path,
    state: &crate::input::probe_state::State,
    project: &str,
    version: &str,
) -> Result<Coverage> {
    let since_path = dist.join(SINCE_FILE);
    let Some(since) = Since::read(dist)? else {
        bail!("{} does not exist: run `closer build` first, which writes it", since_path.display())
    };
    let Some(at) = release_since(&since, project, version) else {
        bail!(
            "{project} {version} is not in the mirror lists ({}): is it a current release, and has `closer build` run since it was uploaded?",
            since_path.display()
        );
    };
    let stamp = stamp::read(dist).ok().flatten().unwrap_or(at);
    let fresh = crate::plan::fresh::assess(registry, state, stamp, &since);
    Ok(coverage(registry, copies, &fresh, project, version, at))
}

/// Everything `closer status` reads, then its report and whether the threshold is met.
pub fn status(
    registry: &Registry,
    copies: &Copies,
    dist: &std::path::Path,
    probe: &std::path::Path,
    q: &Query,
) -> Result<(String, bool)> {
    let state = crate::input::probe_state::State::load(probe)?;
    let c = coverage_now(registry, copies, dist, &state, q.project, q.version)?;
    Ok((report(&c, q.threshold), c.share() >= q.threshold))
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
        c.continents.iter().map(|(code, k)| format!("{} {:.0}%", continent_name(code), k.share() * 100.0)).collect();
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
/// is up, printing a line of propagation per round (`line`); then the full report.
pub fn wait(
    registry: &Registry,
    copies: &Copies,
    dist: &std::path::Path,
    probe: &std::path::Path,
    q: &Query,
    how: &Wait,
    mut line: impl FnMut(&str),
) -> Result<(String, bool)> {
    let started = std::time::Instant::now();
    loop {
        let (state, warning) = super::probe::run(registry, dist, probe, &how.probe)?;
        if let Some(w) = warning {
            line(&format!("warning: {w}"));
        }
        let c = coverage_now(registry, copies, dist, &state, q.project, q.version)?;
        line(&progress_line(&c, started));
        let met = c.share() >= q.threshold;
        if met || started.elapsed() + how.every > how.timeout {
            return Ok((report(&c, q.threshold), met));
        }
        std::thread::sleep(how.every);
    }
}
