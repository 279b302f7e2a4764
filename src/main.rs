//! The thin binary: parse the command line, call the library, print the outcome, and
//! choose the exit code (0 ok, 1 problems found, 2 bad usage or unreadable input).

mod cli;

use clap::Parser;
use closer::problem::ProblemsFound;
use closer::{Mode, Paths, Report};
use std::process::ExitCode;
use std::time::Instant;

/// Rendering makes many small strings on every core; mimalloc serves them faster than
/// the system allocator (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn summary(verb: &str, r: &Report, paths: &Paths, secs: f64) -> String {
    let written = match r.written {
        Some(closer::write::Written::Unchanged) => format!(", {} unchanged", paths.out.display()),
        Some(closer::write::Written::Replaced) => format!(", wrote {} files to {}", r.site_files, paths.out.display()),
        None => String::new(),
    };
    format!(
        "{verb}: {} project{}, {} current and {} archived release{}, {} artifact{} ({} hashed, {} from cache), {} mirror{}{written} in {secs:.2}s",
        r.projects,
        if r.projects == 1 { "" } else { "s" },
        r.current_releases,
        r.archived_releases,
        if r.archived_releases == 1 { "" } else { "s" },
        r.artifacts,
        if r.artifacts == 1 { "" } else { "s" },
        r.digest.hashed_files,
        r.digest.cached_files,
        r.mirrors,
        if r.mirrors == 1 { "" } else { "s" },
    )
}

fn sign(
    dist: &std::path::Path,
    key: &std::path::Path,
    passphrase_file: Option<std::path::PathBuf>,
    passphrase_env: Option<String>,
    only: &[std::path::PathBuf],
    quiet: bool,
) -> ExitCode {
    use closer::pgp::Passphrase;
    use std::io::IsTerminal;
    let start = Instant::now();
    let result = (|| -> anyhow::Result<closer::sign::Report> {
        let pass =
            match (passphrase_file, passphrase_env) {
                (Some(f), _) => {
                    let text = closer::fs::read_to_string(&f)?;
                    Passphrase::Given(text.lines().next().unwrap_or("").to_string())
                }
                (None, Some(var)) => Passphrase::Given(std::env::var(&var).map_err(|_| {
                    anyhow::anyhow!("--passphrase-env {var}: the environment variable {var} is not set")
                })?),
                (None, None) if std::io::stdin().is_terminal() => Passphrase::Prompt,
                (None, None) => Passphrase::None,
            };
        let key = closer::pgp::load_signing_key(key, pass)?;
        closer::sign::sign(dist, &key, only)
    })();
    match result {
        Ok(r) => {
            if !quiet {
                eprintln!(
                    "signed {} artifact{} with {}{} in {:.2}s; {} already had a signature",
                    r.signed,
                    if r.signed == 1 { "" } else { "s" },
                    r.fingerprint,
                    r.user_id.map(|u| format!(" ({u})")).unwrap_or_default(),
                    start.elapsed().as_secs_f64(),
                    r.already_signed
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn probe(paths: &Paths, jobs: u16, timeout: u64, quiet: bool) -> ExitCode {
    let result = (|| -> anyhow::Result<(closer::probe::State, Option<String>)> {
        let (registry, problems) = closer::registry::Registry::from_disk(&paths.registry)?;
        if !problems.is_empty() {
            return Err(ProblemsFound(problems.sorted()).into());
        }
        let opts = closer::probe::Options {
            jobs: jobs as usize,
            timeout: std::time::Duration::from_secs(timeout),
            connect_timeout: std::time::Duration::from_secs(timeout.min(10)),
            ..Default::default()
        };
        let r = closer::probe::run(&registry, &paths.dist, &paths.probe, &opts)?;
        Ok(r)
    })();
    match result {
        Ok((state, warning)) => {
            if let Some(w) = warning {
                eprintln!("warning: {w}");
            }
            let down: Vec<_> = state.mirrors.iter().filter(|(_, m)| !m.ok).collect();
            if !quiet {
                for (id, m) in &state.mirrors {
                    let what = match (m.ok, m.stamp, state.primary_stamp) {
                        (true, Some(s), Some(p)) if s >= p => "up to date".to_string(),
                        (true, Some(s), _) => format!("stamp {s}"),
                        (_, _, _) => format!("DOWN: {}", m.error.as_deref().unwrap_or("?")),
                    };
                    let ms = m.latency_ms.map(|l| format!(" ({l} ms)")).unwrap_or_default();
                    println!("{id:<20} {what}{ms}");
                }
            }
            if !down.is_empty() || !quiet {
                eprintln!(
                    "probed {} mirror{}: {} up, {} down; wrote {}",
                    state.mirrors.len(),
                    if state.mirrors.len() == 1 { "" } else { "s" },
                    state.mirrors.len() - down.len(),
                    down.len(),
                    paths.probe.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if let Some(problems) = e.downcast_ref::<ProblemsFound>() {
                eprint!("{problems}");
            } else {
                eprintln!("error: {e:#}");
            }
            ExitCode::from(2)
        }
    }
}

/// Reports an error of a command that does not build: problems in the inputs or an
/// unreadable input both mean it could not do its job (exit 2).
fn fail(e: anyhow::Error) -> ExitCode {
    match e.downcast_ref::<ProblemsFound>() {
        Some(problems) => eprint!("{problems}"),
        None => eprintln!("error: {e:#}"),
    }
    ExitCode::from(2)
}

/// Threads for the global pool: four per core. A build spends much of its time in the
/// kernel creating files and reading metadata and small files, and a thread that waits
/// for the disk leaves its core idle; with more threads than cores another one runs
/// meanwhile (hugo gets the same from Go's scheduler). On a warm page cache the extra
/// threads cost nothing measurable (BENCHMARKS.md). `RAYON_NUM_THREADS` overrides it.
fn thread_pool() {
    if std::env::var_os("RAYON_NUM_THREADS").is_some() {
        return;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Capped at 64 (or one per core beyond that): many cores overlap waits by themselves.
    let threads = (cores * 4).min(cores.max(64));
    // Fails only if a pool exists already; the default one is fine then.
    let _ = rayon::ThreadPoolBuilder::new().num_threads(threads).build_global();
}

fn main() -> ExitCode {
    // With RUST_BACKTRACE=1 (common in CI), anyhow captures a backtrace for every error
    // made, and sequoia's parser makes and drops some on its normal path: a third of the
    // time of checking 1,000 signatures. closer never prints them (panics still do).
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // SAFETY: first thing in main, before any other thread exists.
        unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
    }
    let cli = cli::Cli::parse();
    thread_pool();
    let p = cli.paths;
    let probe_state =
        p.probe_state.unwrap_or_else(|| p.registry.parent().unwrap_or(std::path::Path::new("")).join("probe.json"));
    let paths = Paths {
        registry: p.registry,
        dist: p.dist,
        content: p.content,
        templates: p.templates,
        out: p.out,
        cache: p.cache,
        site_key: p.site_key,
        probe: probe_state,
    };
    let start = Instant::now();
    let (mode, stats) = match cli.command {
        cli::Command::Build { stats, lists_only: false } => (Mode::Build, stats),
        cli::Command::Build { stats, lists_only: true } => (Mode::Lists, stats),
        cli::Command::Check => (Mode::Check, false),
        cli::Command::Serve { port, bind, poll } => {
            let opts = closer::serve::Options { bind, port, poll, debounce: std::time::Duration::from_millis(100) };
            let quiet = cli.quiet;
            return match closer::serve::serve(&paths, &opts, |addr| {
                if !quiet {
                    eprintln!("serving {} at http://{addr}/ (Ctrl-C stops)", paths.out.display());
                }
                if !addr.ip().is_loopback() {
                    eprintln!("warning: listening on {}, not loopback: other machines can see this preview", addr.ip());
                }
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::from(2)
                }
            };
        }
        cli::Command::Status { project, version, threshold } => {
            let result = closer::registry::Registry::from_disk(&paths.registry).and_then(|(registry, problems)| {
                if !problems.is_empty() {
                    return Err(ProblemsFound(problems.sorted()).into());
                }
                closer::status::status(&registry, &paths.dist, &paths.probe, &project, &version, threshold)
            });
            return match result {
                Ok((report, met)) => {
                    print!("{report}");
                    if met { ExitCode::SUCCESS } else { ExitCode::from(1) }
                }
                Err(e) => fail(e),
            };
        }
        cli::Command::Announce { project, version } => {
            let result = closer::analyse(&paths, &|_| {}).and_then(|a| {
                if !a.problems.is_empty() {
                    return Err(ProblemsFound(a.problems.sorted()).into());
                }
                closer::announce::announce(&a, &project, &version)
            });
            return match result {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            };
        }
        cli::Command::Probe { jobs, timeout } => return probe(&paths, jobs, timeout, cli.quiet),
        cli::Command::Sign { key, passphrase_file, passphrase_env, paths: only } => {
            return sign(&paths.dist, &key, passphrase_file, passphrase_env, &only, cli.quiet);
        }
    };
    match closer::run(&paths, mode) {
        Ok(report) => {
            if !cli.quiet {
                let verb = match mode {
                    Mode::Build => "built",
                    Mode::Lists => "wrote the mirror lists",
                    Mode::Check => "checked, no problems",
                    Mode::Preview => "previewed",
                };
                eprintln!("{}", summary(verb, &report, &paths, start.elapsed().as_secs_f64()));
            }
            if stats {
                let d = report.digest;
                eprintln!("stats: hashed_files={}", d.hashed_files);
                eprintln!("stats: hashed_bytes={}", d.hashed_bytes);
                eprintln!("stats: cached_files={}", d.cached_files);
                eprintln!("stats: cache_discarded={}", d.cache_discarded);
                eprintln!("stats: signatures_checked={}", report.verify.checked);
                eprintln!("stats: signatures_cached={}", report.verify.cached);
                eprintln!("stats: site_files={}", report.site_files);
                eprintln!("stats: site_written={}", report.written == Some(closer::write::Written::Replaced));
                if let Some(l) = report.lists {
                    eprintln!("stats: lists_changed={}", l.changed);
                    eprintln!("stats: stamp={}", l.stamp);
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if let Some(problems) = e.downcast_ref::<ProblemsFound>() {
                eprint!("{problems}");
                if mode != Mode::Check {
                    eprintln!("nothing was written; {} is as it was", paths.out.display());
                }
                ExitCode::from(1)
            } else {
                eprintln!("error: {e:#}");
                ExitCode::from(2)
            }
        }
    }
}
