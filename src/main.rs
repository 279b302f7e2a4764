//! The thin binary: parse the command line, run the command, and turn what came of it
//! into the exit code in one place (`commands::exit_code`): 0 done, 1 problems found
//! (or not yet), 2 bad usage or unreadable input.

use clap::Parser;
use closer::commands::{Cli, exit_code, json_error};
use std::process::ExitCode;

/// Rendering makes many small strings on every core; mimalloc serves them faster than
/// the system allocator (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// mimalloc returns freed memory to the system 10 ms after the free by default; a
/// million-file build frees and allocates hundreds of megabytes stage after stage, and
/// with the delay the stages' peaks add up (BENCHMARKS.md, session 19). Returned at once,
/// the peak is a tenth lower and the build and the render are as fast.
fn allocator_options() {
    // `mi_option_purge_delay` in mimalloc.h (v2 and v3); the Rust bindings lack its name.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: setting an option is a plain store in mimalloc's option table.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
}

/// What closer writes is published (the site to the web server, the release tree's lists
/// and stamp and the signatures it makes to rsync's `uid = nobody`): a umask of 027 or 077
/// must not leave mirrors a tree they may not read. The umask's read and search bits for
/// group and others are lifted; its write bits are kept. The secrets closer makes (the
/// keys `init` writes) are restricted to their owner explicitly.
fn publishable_umask() {
    // SAFETY: umask only swaps the process's mask; called before any other thread exists.
    unsafe {
        let old = libc::umask(0o022);
        libc::umask(old & !0o055);
    }
}

fn main() -> ExitCode {
    // With RUST_BACKTRACE=1 (common in CI), anyhow captures a backtrace for every error
    // made, and sequoia's parser makes and drops some on its normal path: a third of the
    // time of checking 1,000 signatures. closer never prints them (panics still do).
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // SAFETY: first thing in main, before any other thread exists.
        unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
    }
    let cli = Cli::parse();
    // A report piped into `head` ends quietly when the reader has had enough, as a Unix
    // tool's does (Rust ignores SIGPIPE, and printing then panicked: "failed printing to
    // stdout: Broken pipe"). Only for commands that write to no other process: a build
    // killed by its notify command leaving its input unread was exit 141, every run.
    if cli.command.only_reports() {
        // SAFETY: before any other thread exists.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    }
    publishable_umask();
    thread_pool();
    allocator_options();
    let json = cli.command.json();
    let result = cli.command.run(&cli.global);
    if let Some(doc) = json_error(&result).filter(|_| json) {
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    ExitCode::from(exit_code(&result))
}
