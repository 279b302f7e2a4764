//! The one clock: the time a run states (`SOURCE_DATE_EPOCH` stands in for it, so tests
//! and reproducible builds get the same output) and the stage timings that
//! `CLOSER_TIMINGS=1` prints for profiling.

use anyhow::{Context, Result};
use std::time::Instant;

/// Unix seconds now, by the system clock.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// `SOURCE_DATE_EPOCH`, when set: the time reproducible builds state.
pub fn source_date_epoch() -> Result<Option<i64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v.trim().parse::<i64>().map(Some).with_context(|| {
            format!("SOURCE_DATE_EPOCH={v:?} is not a number of seconds since 1970 (unset it or fix it)")
        }),
        Err(_) => Ok(None),
    }
}

/// A file's time as a reproducible build states it: no later than `SOURCE_DATE_EPOCH` when
/// that is set (as `tar --clamp-mtime` does), since a checkout's files all bear the time of
/// the checkout, and two clones of one commit must give the same site.
pub fn clamped(t: i64) -> i64 {
    static SDE: std::sync::OnceLock<Option<i64>> = std::sync::OnceLock::new();
    match SDE.get_or_init(|| source_date_epoch().ok().flatten()) {
        Some(sde) => t.min(*sde),
        None => t,
    }
}

/// The time of this run: `SOURCE_DATE_EPOCH` when set, else now.
pub fn run_time() -> Result<i64> {
    Ok(source_date_epoch()?.unwrap_or_else(now))
}

/// When each stage of a run ends, printed to stderr when `CLOSER_TIMINGS` is set: wall
/// time, CPU time (against the wall clock it shows how well a stage uses the cores) and
/// resident memory now and at its peak so far.
pub struct Timings {
    start: Instant,
    on: bool,
}

impl Timings {
    /// Prints when `CLOSER_TIMINGS` is set.
    pub fn from_env() -> Timings {
        Timings { start: Instant::now(), on: std::env::var_os("CLOSER_TIMINGS").is_some() }
    }

    /// Prints nothing.
    pub fn off() -> Timings {
        Timings { start: Instant::now(), on: false }
    }

    /// Marks the end of `stage`.
    pub fn stage(&self, stage: &str) {
        if !self.on {
            return;
        }
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().trim_end_matches(" kB")).unwrap_or("")
        };
        let (rss, hwm) = (field("VmRSS:"), field("VmHWM:"));
        // SAFETY: getrusage only writes the struct it is given.
        let (user, sys) = unsafe {
            let mut ru: libc::rusage = std::mem::zeroed();
            libc::getrusage(libc::RUSAGE_SELF, &mut ru);
            let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
            (ms(ru.ru_utime), ms(ru.ru_stime))
        };
        eprintln!(
            "{:>9.1} ms  user {user:>7.1} ms  sys {sys:>7.1} ms  rss {rss:>8} kB  peak {hwm:>8} kB  {stage}",
            self.start.elapsed().as_secs_f64() * 1000.0,
        );
    }
}
