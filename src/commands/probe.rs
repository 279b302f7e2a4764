//! `closer probe`: asks every mirror for its stamp (`zzz/time.txt`) and a couple of the
//! files that stamp says it has (`probe_sample`), and keeps what it answered in a state
//! file (`probe.json`) with a bounded history per mirror. The build
//! reads that file to decide which mirror may serve which file; nothing else in closer
//! touches the network. A mirror that fails in any way is recorded as down with the
//! reason; the probe itself never fails because a mirror did.

use super::{Global, Outcome};
use crate::input::probe_state::{FORMAT, HISTORY, MirrorState, Sample, State};
use crate::input::registry::{Mirror, Registry};
use crate::model::stamp;
use crate::util::clock::now;
use crate::util::text::plural;
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// The most a stamp file may hold; `time.txt` is one short line.
const MAX_BODY: u64 = 4096;

/// Fetch every mirror's stamp (zzz/time.txt) and record who is up, stale or down.
#[derive(Debug, clap::Args)]
#[command(after_help = "The state (probe.json beside mirrors.yaml unless --probe-state says otherwise) keeps \
    the last 200 probes per mirror; the next build uses it to send downloads only to mirrors that have \
    the file. Exit 0 even when mirrors are down (they are reported); 1 when the registry has problems; \
    2 on bad usage or an unreadable registry.\n\n\
    From cron on the primary: */10 * * * * cd /srv/site && closer probe -q && closer build -q")]
pub struct Args {
    /// Mirrors probed at once.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: u16,
    /// Seconds a mirror has to answer (the connection alone gets at most 10).
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
    /// Test a mirror that is not registered yet, at this URL (the one that serves its
    /// directory): its stamp, a sample of its files, and the registry entry to add.
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// With --url: its rsync URL, checked too.
    #[arg(long, value_name = "URL", requires = "url")]
    rsync: Option<String>,
    /// With --url: the list it carries (a partial or capacity mirror's id).
    #[arg(long, value_name = "ID", requires = "url")]
    list: Option<String>,
}

/// Probes, saves the state, and prints each mirror's verdict.
pub fn run(args: Args, g: &Global) -> Result<Outcome> {
    if let Some(url) = &args.url {
        let registry = super::registry(g)?;
        let c = super::candidate::Candidate {
            url,
            rsync: args.rsync.as_deref(),
            list: args.list.as_deref(),
            timeout: Duration::from_secs(args.timeout),
        };
        return super::candidate::run(&c, &registry, &g.paths().dist);
    }
    let paths = g.paths();
    let opts = ProbeOptions {
        jobs: args.jobs as usize,
        timeout: Duration::from_secs(args.timeout),
        connect_timeout: Duration::from_secs(args.timeout.min(10)),
        unsampled: unsampled(&paths.cache),
    };
    let registry = super::registry(g)?;
    let _lock = super::lock(g, &paths.probe, "the probe state", "probe")?;
    let (state, warning) = probe_and_save(&registry, &paths.dist, &paths.probe, &opts)?;
    if let Some(w) = warning {
        eprintln!("warning: {w}");
    }
    print(&state, &paths.probe, g.quiet);
    Ok(Outcome::Done)
}

/// Each mirror's verdict on stdout, and a summary on stderr. With `--quiet` (cron's, which
/// mails what a job prints), only the mirrors that went down or came back since the
/// last probe, then the summary: a mirror that stays down is told once, not at every
/// probe.
fn print(state: &State, saved: &Path, quiet: bool) {
    let down = state.mirrors.values().filter(|m| !m.ok).count();
    let mut changed = false;
    for (id, m) in &state.mirrors {
        let reason = m.error.as_deref().unwrap_or("?");
        if quiet {
            // The last sample is this probe's; the one before it, the last probe's.
            let was = m.history.len().checked_sub(2).map(|i| m.history[i].ok);
            match (was, m.ok) {
                (Some(false), true) => eprintln!("{id}: up again"),
                (Some(true) | None, false) => eprintln!("{id}: DOWN: {reason}"),
                _ => continue,
            }
            changed = true;
            continue;
        }
        // (A raw stamp said nothing of how far behind a mirror is.)
        let when = crate::util::text::datetime;
        let what = match (m.ok, m.stamp, state.primary_stamp) {
            (true, Some(s), Some(p)) if s >= p => "up to date".to_string(),
            (true, Some(s), Some(p)) => format!("behind: it has the primary's state of {}, not {}", when(s), when(p)),
            (true, Some(s), None) => format!("up, with the primary's state of {}", when(s)),
            (_, _, _) => format!("DOWN: {reason}"),
        };
        let ms = m.latency_ms.map(|l| format!(" ({l} ms)")).unwrap_or_default();
        println!("{id:<20} {what}{ms}");
    }
    if changed || !quiet {
        let n = state.mirrors.len();
        let behind = state.mirrors.values().filter(|m| m.ok && m.stamp < state.primary_stamp).count();
        let behind = if behind > 0 { format!(" ({behind} behind the primary)") } else { String::new() };
        eprintln!("probed {n} mirror{}: {} up{behind}, {down} down; wrote {}", plural(n), n - down, saved.display());
    }
}

/// The files a probe does not ask mirrors for ([`ProbeOptions::unsampled`]), from the
/// last build's record of its held projects.
pub fn unsampled(cache: &Path) -> std::collections::BTreeSet<String> {
    crate::output::held::read_held(cache).into_iter().flat_map(|h| h.changed).collect()
}

/// How `closer probe` behaves.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Mirrors probed at once.
    pub jobs: usize,
    /// Connect timeout, and the limit for the whole request.
    pub connect_timeout: Duration,
    pub timeout: Duration,
    /// Files no mirror is asked for: a held project's published files whose bytes
    /// changed since (`held.json`), which mirror-sync cannot install on a mirror that
    /// joined after the change. Their absence is the primary's problem, not the mirror's.
    pub unsampled: std::collections::BTreeSet<String>,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            jobs: 16,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            unsampled: Default::default(),
        }
    }
}

/// The result of fetching one stamp.
struct Fetched {
    stamp: std::result::Result<i64, String>,
    latency_ms: u64,
}

/// The URL of a mirror's stamp: over HTTPS, else HTTP.
pub fn stamp_url(m: &Mirror) -> Option<String> {
    m.urls.https.as_deref().or(m.urls.http.as_deref()).map(stamp::url)
}

fn fetch(agent: &ureq::Agent, url: &str, now: i64) -> Fetched {
    let start = Instant::now();
    let result = (|| -> std::result::Result<i64, String> {
        let mut resp = super::same_host::call(agent, false, url)?;
        let body = resp.body_mut().with_config().limit(MAX_BODY).read_to_vec().map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => format!("the stamp file is larger than {MAX_BODY} bytes"),
            e => super::describe(e),
        })?;
        let text = String::from_utf8(body).map_err(|_| "the stamp file is not UTF-8 text".to_string())?;
        let stamp = stamp::parse(&text)?;
        // A little clock skew is fine; a stamp from the future is not a stamp the primary wrote.
        if stamp > now + 3600 {
            return Err(format!("the stamp {stamp} lies in the future"));
        }
        Ok(stamp)
    })();
    // What was asked, with why it failed: the operator tries the same URL.
    let result = result.map_err(|e| format!("{e} (GET {url})"));
    Fetched { stamp: result, latency_ms: start.elapsed().as_millis() as u64 }
}

/// The primary's stamp: from the release tree when it is here, else from its dist URL.
fn primary_stamp(registry: &Registry, dist: &Path, agent: &ureq::Agent, now: i64) -> Option<i64> {
    if dist.join(stamp::PATH).is_file() {
        return stamp::read(dist).ok().flatten();
    }
    fetch(agent, &stamp::url(&registry.primary.dist_url), now).stamp.ok()
}

/// Probes every mirror of `registry` and returns the new state, built on `old`.
pub fn probe(registry: &Registry, dist: &Path, old: &State, opts: &ProbeOptions) -> State {
    let agent = super::mirror_agent("probe", opts.connect_timeout, opts.timeout);
    let at = now();
    let primary = primary_stamp(registry, dist, &agent, at);

    // Besides the stamp, a few files the stamp says the mirror has (probe_sample).
    let samples = super::probe_sample::Samples::read(registry, dist, &opts.unsampled);
    // A pool of its own bounds how many mirrors are asked at once.
    let fetch_one = |m: &Mirror| match stamp_url(m) {
        Some(url) => {
            // (A stamp the primary published is none from the future, whatever this clock
            // says: a build with its clock ahead stamped its tree so, and its mirrors, up
            // to date, were called down until real time passed it.)
            let mut f = fetch(&agent, &url, at.max(primary.unwrap_or(0)));
            let last = old.mirrors.get(&m.id);
            // Down: what found it broken before is still to be asked first.
            let mut broken = last.and_then(|o| o.broken.clone()).filter(|_| f.stamp.is_err());
            let mut lacks = Vec::new();
            if let Ok(s) = f.stamp {
                let probes = last.map_or(0, |o| o.history.len());
                let files = samples.pick_after(m, dist, s, probes, last.and_then(|o| o.broken.as_deref()));
                let base = m.urls.https.as_deref().or(m.urls.http.as_deref()).unwrap_or_default();
                if let Err((path, e)) = super::probe_sample::check(&agent, base, &files) {
                    f.stamp = Err(format!(
                        "broken: {e}, though its stamp {s} says it has it (a tree deleted or not restored?)"
                    ));
                    broken = Some(path);
                }
                // Its copies of files changed since they were published: missing ones
                // keep visitors away from it for their project, not from the mirror.
                for file in samples.changed(m, dist, s) {
                    if super::probe_sample::check(&agent, base, std::slice::from_ref(&file)).is_err() {
                        lacks.push(file.0);
                    }
                }
            }
            (url, Some(f), Lacks { broken, lacks })
        }
        None => (String::new(), None, Lacks::default()),
    };
    let results: Vec<(String, Option<Fetched>, Lacks)> =
        match rayon::ThreadPoolBuilder::new().num_threads(opts.jobs.max(1)).build() {
            Ok(pool) => pool.install(|| registry.mirrors.par_iter().map(fetch_one).collect()),
            Err(_) => registry.mirrors.iter().map(fetch_one).collect(),
        };

    let mut state = State { format: FORMAT, probed_at: at, primary_stamp: primary, mirrors: BTreeMap::new() };
    for (m, (url, fetched, Lacks { broken, lacks })) in registry.mirrors.iter().zip(results) {
        let (ok, error, stamp, latency_ms) = match fetched {
            Some(Fetched { stamp: Ok(s), latency_ms }) => (true, None, Some(s), Some(latency_ms)),
            Some(Fetched { stamp: Err(e), latency_ms }) => (false, Some(e), None, Some(latency_ms)),
            None => (false, Some("no https or http URL to probe".to_string()), None, None),
        };
        let mut history = old.mirrors.get(&m.id).map(|o| o.history.clone()).unwrap_or_default();
        history.push(Sample { at, ok, stamp, primary_stamp: primary, latency_ms });
        if history.len() > HISTORY {
            history.drain(..history.len() - HISTORY);
        }
        state.mirrors.insert(
            m.id.clone(),
            MirrorState { url, ok, error, stamp, latency_ms, checked_at: at, broken, lacks, history },
        );
    }
    state
}

/// What a probe found a mirror without: the file that found it broken, and files of
/// held projects it does not have.
#[derive(Default)]
struct Lacks {
    broken: Option<String>,
    lacks: Vec<String>,
}

/// Loads the old state, probes, and writes the new state. A state file that cannot be
/// read is kept as `<file>.bad` and a new history starts, so a cron job never stalls.
pub fn probe_and_save(
    registry: &Registry,
    dist: &Path,
    path: &Path,
    opts: &ProbeOptions,
) -> Result<(State, Option<String>)> {
    let (old, warning) = match State::load(path) {
        Ok(s) => (s, None),
        Err(e) => {
            let bad = path.with_extension("json.bad");
            std::fs::rename(path, &bad).with_context(|| format!("cannot move `{}` aside", path.display()))?;
            (State::default(), Some(format!("{e:#}\n  the unreadable file was kept as `{}`", bad.display())))
        }
    };
    let state = probe(registry, dist, &old, opts);
    state.save(path)?;
    Ok((state, warning))
}
