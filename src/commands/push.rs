//! `closer push`: after a build, tells the tier-1 mirrors to sync now instead of at
//! their next poll, the way Debian's ftpsync pushes: one ssh connection per mirror to
//! an account whose `authorized_keys` forces the command (`mirror-sync --detach ...`),
//! so the key can do nothing else. Triggers run in parallel; one that fails or times
//! out is reported and never holds up the others.

use super::{Global, Outcome};
use crate::input::registry::{Mirror, Registry};
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Tell the tier-1 mirrors (those with `push:` in the registry) to sync now, over ssh.
#[derive(Debug, clap::Args)]
#[command(after_help = "Each mirror's operator puts the primary's public key in authorized_keys with \
    a forced command, so the key can do nothing but start a sync:\n  \
    command=\"/usr/local/bin/mirror-sync --detach rsync://dist.example.org/dist/ /srv/mirror/\",restrict ssh-ed25519 AAAA... closer-push\n\
    CLOSER_SSH replaces the ssh command (e.g. to give -o UserKnownHostsFile=FILE). \
    Exit 0 when every mirror was triggered, 1 when any failed or timed out (all are tried), 2 on bad usage.")]
pub struct Args {
    /// The ssh private key [default: primary.push_key in the registry, else ssh's own].
    #[arg(long, value_name = "FILE")]
    ssh_key: Option<PathBuf>,
    /// Seconds a trigger may take.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
    /// Mirrors triggered at once.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: u16,
    /// Only these mirrors (by id; any tier) instead of every tier-1 mirror with `push`.
    #[arg(value_name = "MIRROR")]
    only: Vec<String>,
}

/// Triggers the mirrors and prints how each went (failures even with `--quiet`).
pub fn run(args: Args, g: &Global) -> Result<Outcome> {
    let registry = super::registry(g)?;
    let opts = PushOptions {
        key: key_path(args.ssh_key.as_deref(), &g.registry, &registry),
        timeout: Duration::from_secs(args.timeout),
        jobs: args.jobs as usize,
        only: args.only,
    };
    let pushed = push(&registry, &opts)?;
    let failed = pushed.iter().any(|p| p.outcome != Trigger::Done);
    if !g.quiet || failed {
        eprint!("{}", report(&pushed));
    }
    if pushed.is_empty() {
        eprintln!("closer push: no mirror to push to (give tier-1 mirrors `push: ssh://user@host` in the registry)");
    }
    Ok(if failed { Outcome::NotYet } else { Outcome::Done })
}

/// How `closer push` behaves.
#[derive(Debug, Clone)]
pub struct PushOptions {
    /// The ssh key (`--ssh-key`, else `primary.push_key`); ssh's defaults when `None`.
    pub key: Option<PathBuf>,
    /// The longest a trigger may take.
    pub timeout: Duration,
    /// Triggers at once.
    pub jobs: usize,
    /// Only these mirrors (default: every tier-1 mirror with `push`).
    pub only: Vec<String>,
}

/// What happened to one trigger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    Done,
    Failed(String),
    TimedOut,
}

/// One mirror's trigger.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub id: String,
    pub outcome: Trigger,
    pub took: Duration,
}

/// The mirrors a push reaches: those that pull from the primary and give `push`.
pub fn targets<'a>(registry: &'a Registry, only: &[String]) -> Result<Vec<&'a Mirror>> {
    for id in only {
        match registry.mirror(id) {
            None => bail!("no mirror `{id}` in the registry"),
            Some(m) if m.push.is_none() => bail!("mirror `{id}` has no `push` address in the registry"),
            Some(_) => {}
        }
    }
    Ok(registry
        .mirrors
        .iter()
        .filter(|m| m.push.is_some())
        .filter(|m| if only.is_empty() { m.upstream.is_none() } else { only.contains(&m.id) })
        .collect())
}

/// The ssh command: `CLOSER_SSH` (split on white space, as `GIT_SSH_COMMAND` is) or
/// `ssh`, never asking anything (`BatchMode`), with a connect timeout.
fn ssh(key: Option<&Path>, timeout: Duration) -> Command {
    let custom = std::env::var("CLOSER_SSH").unwrap_or_default();
    let mut words = custom.split_whitespace();
    let mut cmd = Command::new(words.next().unwrap_or("ssh"));
    cmd.args(words);
    cmd.args(["-o", "BatchMode=yes", "-o"]).arg(format!("ConnectTimeout={}", timeout.as_secs().clamp(1, 10)));
    if let Some(k) = key {
        cmd.arg("-i").arg(k).args(["-o", "IdentitiesOnly=yes"]);
    }
    cmd
}

/// Triggers one mirror: `ssh DEST sync`, killed after `timeout`.
fn trigger(m: &Mirror, opts: &PushOptions) -> Pushed {
    let start = Instant::now();
    let dest = m.push.as_deref().unwrap_or_default();
    let mut cmd = ssh(opts.key.as_deref(), opts.timeout);
    cmd.arg("--").arg(dest).arg("sync").stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    let outcome = match cmd.spawn() {
        Err(e) => Trigger::Failed(format!("cannot run ssh: {e}")),
        Ok(child) => wait(child, opts.timeout),
    };
    Pushed { id: m.id.clone(), outcome, took: start.elapsed() }
}

fn wait(mut child: std::process::Child, timeout: Duration) -> Trigger {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Trigger::Done,
            Ok(Some(status)) => {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut e, &mut err);
                }
                let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
                let shown: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
                return Trigger::Failed(format!(
                    "{status}{}",
                    if shown.is_empty() { String::new() } else { format!(": {shown}") }
                ));
            }
            Ok(None) if start.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Trigger::TimedOut;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Trigger::Failed(e.to_string()),
        }
    }
}

/// Triggers every target, `jobs` at once; returns each outcome in registry order.
pub fn push(registry: &Registry, opts: &PushOptions) -> Result<Vec<Pushed>> {
    let targets = targets(registry, &opts.only)?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(opts.jobs.max(1)).build().context("cannot start threads")?;
    Ok(pool.install(|| targets.par_iter().map(|m| trigger(m, opts)).collect()))
}

/// The key: `--ssh-key`, else `primary.push_key` relative to the registry's directory.
pub fn key_path(given: Option<&Path>, registry_path: &Path, registry: &Registry) -> Option<PathBuf> {
    match (given, &registry.primary.push_key) {
        (Some(p), _) => Some(p.to_path_buf()),
        (None, Some(p)) => Some(registry_path.parent().unwrap_or(Path::new(".")).join(p)),
        (None, None) => None,
    }
}

/// One line per mirror, for the terminal.
pub fn report(pushed: &[Pushed]) -> String {
    let mut out = String::new();
    for p in pushed {
        let what = match &p.outcome {
            Trigger::Done => format!("triggered in {:.1} s", p.took.as_secs_f64()),
            Trigger::Failed(why) => format!("FAILED after {:.1} s: {why}", p.took.as_secs_f64()),
            Trigger::TimedOut => format!("TIMED OUT after {:.0} s", p.took.as_secs_f64()),
        };
        out.push_str(&format!("{}: {what}\n", p.id));
    }
    out
}
