//! Fault injection for the crash tests: `CLOSER_FAULT=<point>:<n>` makes the process
//! kill itself with SIGKILL the `n`th time it reaches `point` (`hash`, `render`,
//! `write`, `swap`, `list`, `index`, `since`, `stamp`, `cache`), the way a power cut or
//! the OOM killer would. Unset (always, outside tests) it costs one load per point.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Armed {
    point: String,
    at: usize,
    seen: AtomicUsize,
}

fn armed() -> Option<&'static Armed> {
    static ARMED: OnceLock<Option<Armed>> = OnceLock::new();
    ARMED
        .get_or_init(|| {
            let spec = std::env::var("CLOSER_FAULT").ok()?;
            let (point, at) = spec.split_once(':')?;
            Some(Armed { point: point.to_string(), at: at.parse().ok()?, seen: AtomicUsize::new(0) })
        })
        .as_ref()
}

/// Marks a point where a crash must leave every output intact.
pub fn point(name: &str) {
    let Some(a) = armed() else { return };
    if a.point == name && a.seen.fetch_add(1, Ordering::SeqCst) + 1 == a.at {
        let _ = rustix::process::kill_process(rustix::process::getpid(), rustix::process::Signal::KILL);
    }
}
