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

/// How long mimalloc keeps freed memory before it returns it to the system. At once for
/// a large tree: a million-file build frees and allocates hundreds of megabytes stage after
/// stage, and returned later the stages' peaks add up (BENCHMARKS.md, session 19); at once,
/// the peak is a tenth lower. But what is returned at once is faulted in again when the
/// next allocation needs it: a warm build of 100,000 files took 87,000 page faults, a third
/// of its time in the kernel, and with 100 ms 35,000, a sixth faster, for a peak a tenth
/// higher (BENCHMARKS.md, session 31). The size of the tree is known before any thread starts
/// from the last build's digest cache: over 100 MiB (some 400,000 files), or none yet, is
/// large. `MIMALLOC_PURGE_DELAY` (milliseconds) overrides it.
fn allocator_options(cache: &std::path::Path) {
    const LARGE: u64 = 100 << 20;
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    let large = std::fs::metadata(cache.join("digests")).map_or(true, |m| m.len() > LARGE);
    // `mi_option_purge_delay` in mimalloc.h (v2 and v3); the Rust bindings lack its name.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: setting an option is a plain store in mimalloc's option table, made here
    // before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, if large { 0 } else { 100 }) };
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
    allocator_options(&cli.global.paths().cache);
    thread_pool();
    let json = cli.command.json();
    let result = cli.command.run(&cli.global);
    if let Some(doc) = json_error(&result).filter(|_| json) {
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    ExitCode::from(exit_code(&result))
}
