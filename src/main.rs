//! The thin binary: parse the command line, call the library, print the outcome, and
//! choose the exit code (0 ok, 1 problems found, 2 bad usage or unreadable input).

mod cli;

use clap::Parser;
use closer::commands::{announce, copies, probe, push, releases, serve, sign, status};
use closer::input::registry::Registry;
use closer::output::write::Written;
use closer::util::problem::ProblemsFound;
use closer::{BuildReport, Mode, Paths};
use std::process::ExitCode;
use std::time::Instant;

/// Rendering makes many small strings on every core; mimalloc serves them faster than
/// the system allocator (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Prints an error, or the problems found, and gives the exit code: `problems` when the
/// inputs have problems, 2 when an input could not be read at all.
fn report(e: &anyhow::Error, problems: u8) -> ExitCode {
    match e.downcast_ref::<ProblemsFound>() {
        Some(found) => {
            eprint!("{found}");
            ExitCode::from(problems)
        }
        None => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The registry, when it has no problems (commands that need no release tree).
fn registry(paths: &Paths) -> anyhow::Result<Registry> {
    let (registry, problems) = Registry::from_disk(&paths.registry)?;
    if !problems.is_empty() {
        return Err(ProblemsFound(problems.sorted()).into());
    }
    Ok(registry)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn summary(verb: &str, r: &BuildReport, paths: &Paths, secs: f64) -> String {
    let written = match r.written {
        Some(Written::Unchanged) => format!(", {} unchanged", paths.out.display()),
        Some(Written::Replaced) => format!(", wrote {} files to {}", r.site_files, paths.out.display()),
        Some(Written::Updated(n)) => {
            format!(", updated {n} project{} in {} ({} files)", plural(n), paths.out.display(), r.site_files)
        }
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

fn print_stats(r: &BuildReport) {
    let d = r.digest;
    eprintln!("stats: hashed_files={}", d.hashed_files);
    eprintln!("stats: hashed_bytes={}", d.hashed_bytes);
    eprintln!("stats: cached_files={}", d.cached_files);
    eprintln!("stats: cache_discarded={}", d.cache_discarded);
    eprintln!("stats: signatures_checked={}", r.verify.checked);
    eprintln!("stats: signatures_cached={}", r.verify.cached);
    eprintln!("stats: site_files={}", r.site_files);
    eprintln!("stats: site_written={}", matches!(r.written, Some(Written::Replaced | Written::Updated(_))));
    let updated = match r.written {
        Some(Written::Updated(n)) => n.to_string(),
        _ => "-".into(),
    };
    eprintln!("stats: site_projects_rendered={updated}");
    eprintln!("stats: site_rendered={}", r.site_rendered);
    if let Some(l) = r.lists {
        eprintln!("stats: lists_changed={}", l.changed);
        eprintln!("stats: lists_made={}", l.made);
        eprintln!("stats: stamp={}", l.stamp);
    }
}

/// `build`, `build --lists-only` and `check`: the pipeline.
fn build(paths: &Paths, mode: Mode, stats: bool, quiet: bool) -> ExitCode {
    let start = Instant::now();
    match closer::run(paths, mode) {
        Ok(r) => {
            // Warnings print even with --quiet: they are what the operator must act on.
            for w in &r.warnings {
                eprintln!("warning: {w}");
            }
            if !quiet {
                let verb = match mode {
                    Mode::Build => "built",
                    Mode::Lists => "wrote the mirror lists",
                    Mode::Check => "checked, no problems",
                    Mode::Preview => "previewed",
                };
                eprintln!("{}", summary(verb, &r, paths, start.elapsed().as_secs_f64()));
            }
            if stats {
                print_stats(&r);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            let code = report(&e, 1);
            if mode != Mode::Check && e.downcast_ref::<ProblemsFound>().is_some() {
                eprintln!("nothing was written; {} is as it was", paths.out.display());
            }
            code
        }
    }
}

fn run_sign(paths: &Paths, args: sign::Args, quiet: bool) -> ExitCode {
    let start = Instant::now();
    match sign::run(paths, args) {
        Ok(r) => {
            if !quiet {
                eprintln!(
                    "signed {} artifact{} with {}{} in {:.2}s; {} already had a signature",
                    r.signed,
                    plural(r.signed),
                    r.fingerprint,
                    r.user_id.map(|u| format!(" ({u})")).unwrap_or_default(),
                    start.elapsed().as_secs_f64(),
                    r.already_signed
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => report(&e, 2),
    }
}

fn run_probe(paths: &Paths, jobs: u16, timeout: u64, quiet: bool) -> ExitCode {
    let opts = probe::ProbeOptions {
        jobs: jobs as usize,
        timeout: std::time::Duration::from_secs(timeout),
        connect_timeout: std::time::Duration::from_secs(timeout.min(10)),
        ..Default::default()
    };
    match registry(paths).and_then(|r| probe::run(&r, &paths.dist, &paths.probe, &opts)) {
        Ok((state, warning)) => {
            if let Some(w) = warning {
                eprintln!("warning: {w}");
            }
            print_probe(&state, paths, quiet);
            ExitCode::SUCCESS
        }
        Err(e) => report(&e, 2),
    }
}

fn run_fetch_logos(paths: &Paths, timeout: u64, force: bool, only: &[String]) -> ExitCode {
    use closer::commands::fetch_logos::{Options, Outcome, run};
    let opts = Options { timeout: std::time::Duration::from_secs(timeout), force, only };
    match registry(paths).and_then(|r| run(&r, &paths.logos, &opts)) {
        Ok(done) => {
            let mut failed = 0;
            for (id, outcome) in &done {
                match outcome {
                    Outcome::Saved(p) => println!("{id}: saved {p}"),
                    Outcome::Kept(p) => println!("{id}: kept {p} (--force replaces it)"),
                    Outcome::Failed(why) => {
                        failed += 1;
                        eprintln!("{id}: {why}");
                    }
                }
            }
            if done.is_empty() {
                println!("no mirror has a logo: URL");
            }
            if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
        }
        Err(e) => report(&e, 2),
    }
}

fn run_push(
    paths: &Paths,
    key: Option<std::path::PathBuf>,
    timeout: u64,
    jobs: u16,
    only: Vec<String>,
    quiet: bool,
) -> ExitCode {
    let pushed = registry(paths).and_then(|r| {
        let key = push::key_path(key.as_deref(), &paths.registry, &r);
        let opts =
            push::PushOptions { key, timeout: std::time::Duration::from_secs(timeout), jobs: jobs as usize, only };
        push::run(&r, &opts)
    });
    match pushed {
        Ok(pushed) => {
            let failed = pushed.iter().any(|p| p.outcome != push::Outcome::Triggered);
            if !quiet || failed {
                eprint!("{}", push::report(&pushed));
            }
            if pushed.is_empty() {
                eprintln!(
                    "closer push: no mirror to push to (give tier-1 mirrors `push: ssh://user@host` in the registry)"
                );
            }
            if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
        }
        Err(e) => report(&e, 2),
    }
}

/// What closer inferred on stdout; then the problems, if any, on stderr (exit 1).
fn run_releases(paths: &Paths, json: bool) -> ExitCode {
    match closer::analyse(paths, &closer::util::clock::Timings::off()) {
        Ok(a) => {
            print!("{}", if json { releases::json(&a) } else { releases::text(&a) });
            if a.problems.is_empty() {
                return ExitCode::SUCCESS;
            }
            report(&ProblemsFound(a.problems.sorted()).into(), 1)
        }
        Err(e) => report(&e, 2),
    }
}

fn run_copies(paths: &Paths, json: bool) -> ExitCode {
    let result = closer::analyse(paths, &closer::util::clock::Timings::off())
        .and_then(|a| copies::report(&a, &paths.dist, &paths.probe).map(|r| (a, r)));
    match result {
        Ok((a, r)) => {
            print!("{}", if json { copies::json(&r) } else { copies::text(&r) });
            if a.problems.is_empty() {
                return ExitCode::SUCCESS;
            }
            report(&ProblemsFound(a.problems.sorted()).into(), 1)
        }
        Err(e) => report(&e, 2),
    }
}

/// Each mirror's verdict on stdout, and a summary on stderr when a mirror is down.
fn print_probe(state: &closer::input::probe_state::State, paths: &Paths, quiet: bool) {
    let down = state.mirrors.values().filter(|m| !m.ok).count();
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
    if down > 0 || !quiet {
        eprintln!(
            "probed {} mirror{}: {} up, {down} down; wrote {}",
            state.mirrors.len(),
            plural(state.mirrors.len()),
            state.mirrors.len() - down,
            paths.probe.display()
        );
    }
}

fn run_serve(paths: &Paths, opts: &serve::ServeOptions, quiet: bool) -> ExitCode {
    let ready = |addr: std::net::SocketAddr| {
        if !quiet {
            eprintln!("serving {} at http://{addr}/ (Ctrl-C stops)", paths.out.display());
        }
        if !addr.ip().is_loopback() {
            eprintln!("warning: listening on {}, not loopback: other machines can see this preview", addr.ip());
        }
    };
    match serve::serve(paths, opts, ready) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(&e, 2),
    }
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
    let paths = cli.paths.into_paths();
    let quiet = cli.quiet;
    let code = match cli.command {
        cli::Command::Build { stats, lists_only: false } => build(&paths, Mode::Build, stats, quiet),
        cli::Command::Build { stats, lists_only: true } => build(&paths, Mode::Lists, stats, quiet),
        cli::Command::Check => build(&paths, Mode::Check, false, quiet),
        cli::Command::Serve { port, bind, poll } => {
            let opts = serve::ServeOptions { bind, port, poll, debounce: std::time::Duration::from_millis(100) };
            run_serve(&paths, &opts, quiet)
        }
        cli::Command::Status { project, version, threshold, wait, every } => {
            let q = status::Query { project: &project, version: &version, threshold };
            // Who carries the release is the plan's answer (capacity mirrors included).
            let analysed = closer::analyse(&paths, &closer::util::clock::Timings::from_env());
            let result = analysed.and_then(|a| match wait {
                None => status::status(&a.registry, &a.plan.copies, &paths.dist, &paths.probe, &q),
                Some(timeout) => {
                    let how = status::Wait {
                        timeout: std::time::Duration::from_secs(timeout),
                        every: std::time::Duration::from_secs(every),
                        probe: Default::default(),
                    };
                    status::wait(&a.registry, &a.plan.copies, &paths.dist, &paths.probe, &q, &how, |l| println!("{l}"))
                }
            });
            match result {
                Ok((text, met)) => {
                    print!("{text}");
                    if met { ExitCode::SUCCESS } else { ExitCode::from(1) }
                }
                Err(e) => report(&e, 2),
            }
        }
        cli::Command::Announce { project, version } => match announce::run(&paths, &project, &version) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => report(&e, 2),
        },
        cli::Command::Probe { jobs, timeout } => run_probe(&paths, jobs, timeout, quiet),
        cli::Command::FetchLogos { timeout, force, only } => run_fetch_logos(&paths, timeout, force, &only),
        cli::Command::Push { ssh_key, timeout, jobs, only } => run_push(&paths, ssh_key, timeout, jobs, only, quiet),
        cli::Command::Releases { json } => run_releases(&paths, json),
        cli::Command::Copies { json } => run_copies(&paths, json),
        cli::Command::Sign { key, passphrase_file, passphrase_env, paths: only } => {
            run_sign(&paths, sign::Args { key, passphrase_file, passphrase_env, only }, quiet)
        }
    };
    // A cache still being written is finished before the process ends (an error writing
    // one costs only time: the next run hashes again).
    if let Err(e) = closer::check::cache::written() {
        eprintln!("warning: {e:#}");
    }
    code
}
