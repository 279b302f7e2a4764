//! The commands, one file each: its flags (a clap `Args`), its `run`, and how it prints
//! what it did. `main.rs` parses the command line, calls [`Command::run`], and turns the
//! result into the exit code in one place, [`exit_code`]. A new command is a file here
//! and one variant of [`Command`]; ARCHITECTURE.md says the rest.

pub mod announce;
pub mod build;
mod candidate;
pub mod check;
pub mod copies;
pub mod fetch_logos;
mod global;
pub mod init;
pub mod probe;
mod probe_sample;
pub mod push;
pub mod releases;
mod same_host;
mod scratch_cache;
pub mod serve;
pub mod sign;
pub mod sigstore_root;
pub mod status;
pub mod status_all;

pub use global::Global;

use crate::util::problem::ProblemsFound;
use clap::{Parser, Subcommand};

/// The whole command line.
#[derive(Debug, Parser)]
#[command(
    name = "closer",
    version,
    about = "Publish software releases through a network of mirrors, with a static download site",
    long_about = "Publish software releases through a network of mirrors, with a static download site.\n\n\
        closer reads the mirror registry (mirrors.yaml), the release tree (dist/), the site's \
        pages (content/) and templates (templates/), checks checksums and signatures, and writes \
        the static download site (site/).\n\n\
        Exit codes: 0 success, 1 problems found in the inputs (or, for status, push and \
        fetch-logos, not done yet), 2 bad usage or unreadable input.",
    after_help = "Run `closer <command> --help` for the flags of a command."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands; each variant's flags and help live in its own file.
#[derive(Debug, Subcommand)]
pub enum Command {
    Init(init::Args),
    Build(build::Args),
    Check(check::Args),
    Serve(serve::Args),
    Status(status::Args),
    Copies(copies::Args),
    Announce(announce::Args),
    Probe(probe::Args),
    FetchLogos(fetch_logos::Args),
    Push(push::Args),
    Sign(sign::Args),
    Releases(releases::Args),
    SigstoreRoot(sigstore_root::Args),
}

/// How a command that ran to its end came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Done,
    /// Exit 1: what the command reports is not there yet (`status`: the mirrors have not
    /// caught up) or not all of it worked (`push`, `fetch-logos`); it printed which.
    NotYet,
}

impl Command {
    /// A command that reports on standard output and writes to no other process: piped
    /// into `head`, it may simply end when the reader has had enough. (Not `build`: its
    /// `policy.notify` command may not read what it is given, and `build` must go on.)
    pub fn only_reports(&self) -> bool {
        matches!(
            self,
            Command::Check(_)
                | Command::Status(_)
                | Command::Copies(_)
                | Command::Announce(_)
                | Command::Probe(_)
                | Command::Releases(_)
        )
    }

    /// Whether the command was asked for JSON on stdout (`--json`).
    pub fn json(&self) -> bool {
        match self {
            Command::Build(a) => a.json,
            Command::Check(a) => a.json,
            Command::Status(a) => a.json,
            Command::Copies(a) => a.json,
            Command::Releases(a) => a.json,
            _ => false,
        }
    }

    /// Runs the command. `Err` is printed by [`exit_code`].
    pub fn run(self, g: &Global) -> anyhow::Result<Outcome> {
        match self {
            Command::Init(a) => init::run(a, g),
            Command::Build(a) => build::run(a, g),
            Command::Check(a) => check::run(a, g),
            Command::Serve(a) => serve::run(a, g),
            Command::Status(a) => status::run(a, g),
            Command::Copies(a) => copies::run(a, g),
            Command::Announce(a) => announce::run(a, g),
            Command::Probe(a) => probe::run(a, g),
            Command::FetchLogos(a) => fetch_logos::run(a, g),
            Command::Push(a) => push::run(a, g),
            Command::Sign(a) => sign::run(a, g),
            Command::Releases(a) => releases::run(a, g),
            Command::SigstoreRoot(a) => sigstore_root::run(a, g),
        }
    }
}

/// The exit code of a command's result, after printing an error: 1 when the inputs
/// have problems (all of them listed, with their fixes), 3 when another closer is
/// writing what the command writes (`--no-wait`), 2 when an input cannot be read or the
/// command cannot be carried out.
pub fn exit_code(result: &anyhow::Result<Outcome>) -> u8 {
    match result {
        Ok(Outcome::Done) => 0,
        Ok(Outcome::NotYet) => 1,
        Err(e) => {
            if let Some(found) = e.downcast_ref::<ProblemsFound>() {
                eprint!("{found}");
                1
            } else if let Some(held) = e.downcast_ref::<crate::util::lock::LockHeld>() {
                eprintln!("error: {held}");
                3
            } else {
                eprintln!("error: {e:#}");
                2
            }
        }
    }
}

/// For a command asked for `--json` that could not be carried out (exit 2 or 3; the
/// problems of exit 1 are the command's own JSON): one JSON document on stdout all the
/// same, so a script reading it never reads nothing (`jq` takes empty input as success).
/// The message and its fix as on stderr; `file`, `line` and `column` where the error
/// names a place (`mirrors.yaml:49:1: ...`).
pub fn json_error(result: &anyhow::Result<Outcome>) -> Option<serde_json::Value> {
    let e = result.as_ref().err().filter(|e| e.downcast_ref::<ProblemsFound>().is_none())?;
    let text = match e.downcast_ref::<crate::util::lock::LockHeld>() {
        Some(held) => held.to_string(),
        None => format!("{e:#}"),
    };
    let (message, fix) = crate::util::problem::split_fix(&text);
    let place = crate::util::problem::place_of(message);
    Some(serde_json::json!({
        "format": 1,
        "error": {
            "exit": if e.downcast_ref::<crate::util::lock::LockHeld>().is_some() { 3 } else { 2 },
            "message": message,
            "fix": fix,
            "file": place.as_ref().map(|p| p.0.clone()),
            "line": place.as_ref().map(|p| p.1),
            "column": place.as_ref().and_then(|p| p.2),
        },
    }))
}

/// Takes the lock of what `command` writes (waiting unless `--no-wait`).
fn lock(g: &Global, resource: &std::path::Path, what: &str, command: &str) -> anyhow::Result<crate::util::lock::Lock> {
    crate::util::lock::acquire_said(resource, &format!("{what} {}", resource.display()), command, !g.no_wait, !g.quiet)
}

/// The HTTP client of the commands that go on the network (`probe`, `fetch-logos`):
/// statuses other than 2xx are errors, the user agent is `closer-WHAT/VERSION`, and a
/// request takes at most `timeout` (its connection at most `connect`).
fn http_agent(what: &str, connect: std::time::Duration, timeout: std::time::Duration) -> ureq::Agent {
    agent_with(what, connect, timeout, 3)
}

/// An agent that follows no redirect itself: [`same_host`] follows a mirror's own.
fn mirror_agent(what: &str, connect: std::time::Duration, timeout: std::time::Duration) -> ureq::Agent {
    agent_with(what, connect, timeout, 0)
}

fn agent_with(what: &str, connect: std::time::Duration, timeout: std::time::Duration, redirects: u32) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(connect.min(timeout)))
        .timeout_global(Some(timeout))
        .max_redirects(redirects)
        .http_status_as_error(true)
        .user_agent(format!("closer-{what}/{}", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// An error in words an operator can act on.
fn describe(e: ureq::Error) -> String {
    match e {
        ureq::Error::StatusCode(c) => format!("HTTP {c}"),
        ureq::Error::Timeout(t) => format!("timed out ({t})"),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
        ureq::Error::Io(io) => format!("network error: {io}"),
        ureq::Error::TooManyRedirects => "too many redirects".into(),
        ureq::Error::Tls(t) => format!("TLS error: {t}"),
        ureq::Error::Rustls(t) => format!("TLS error: {t}"),
        ureq::Error::HostNotFound => "host not found".into(),
        e => e.to_string(),
    }
}

/// The registry, when it has no problems (for commands that need no release tree).
fn registry(g: &Global) -> anyhow::Result<crate::input::registry::Registry> {
    let path = g.paths().registry;
    let (registry, problems) = crate::input::registry::Registry::from_disk(&path)?;
    if !problems.is_empty() {
        return Err(ProblemsFound::new(problems.sorted()).into());
    }
    Ok(registry)
}

/// The release `version` of `project` names: its id (`tomcat-9/v9.0.83`), or its
/// version when no other line has it. A name that fits none says which there are.
fn find_release<'a>(
    a: &'a crate::pipeline::Analysis,
    project: &str,
    version: &str,
) -> anyhow::Result<(&'a crate::model::tree::Project, &'a crate::model::tree::Release)> {
    let Some(p) = a.tree.projects.get(project) else {
        let known: Vec<&str> = a.tree.projects.keys().map(String::as_str).collect();
        anyhow::bail!("there is no project `{project}` in the release tree (projects: {})", known.join(", "));
    };
    let by_id = p.releases.iter().find(|r| r.id() == version);
    let by_version: Vec<&crate::model::tree::Release> = p.releases.iter().filter(|r| r.version == version).collect();
    match (by_id, by_version.as_slice()) {
        (Some(r), _) | (None, &[r]) => Ok((p, r)),
        (None, []) => {
            let current: Vec<String> = a
                .plan
                .project(project)
                .map(|pp| pp.current.iter().map(|&i| p.releases[i].id()).collect())
                .unwrap_or_default();
            anyhow::bail!(crate::util::problem::with_fix(
                format!("{project} has no release `{version}`"),
                format!("name one of its current releases: {}", current.join(", "))
            ))
        }
        (None, several) => {
            let ids: Vec<String> = several.iter().map(|r| r.id()).collect();
            anyhow::bail!(crate::util::problem::with_fix(
                format!("{project} has a release `{version}` in several lines"),
                format!("name it with its line: {}", ids.join(" or "))
            ))
        }
    }
}
