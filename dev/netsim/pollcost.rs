//! What polling costs the primary: N no-op `mirror-sync` runs (the stamp and the signed
//! index unchanged) against the primary's rsync daemon, measuring per session the bytes
//! the daemon sent and received (its own log) and the CPU its session processes used
//! (the daemon's reaped children, from /proc), then scaling to 1,000 mirrors polling
//! every 2 minutes.

use crate::net;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// User + system CPU seconds of `pid`'s reaped children (/proc/PID/stat fields 16, 17).
fn children_cpu(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    // After the ")" field 3 is index 0, so fields 16 and 17 are indices 13 and 14.
    let ticks: f64 = [13, 14].iter().filter_map(|&i| f.get(i)?.parse::<f64>().ok()).sum();
    ticks / 100.0
}

/// Sums `sent N bytes  received M bytes` over the daemon's log.
fn logged_bytes(log: &Path) -> (u64, u64, usize) {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let mut total = (0, 0, 0);
    for l in text.lines().filter(|l| l.contains(" sent ") && l.contains(" received ")) {
        let num = |key: &str| l.split(key).nth(1)?.split_whitespace().next()?.parse::<u64>().ok();
        total.0 += num(" sent ").unwrap_or(0);
        total.1 += num(" received ").unwrap_or(0);
        total.2 += 1;
    }
    total
}

/// Runs `sessions` no-op syncs of a mirror of `primary` (built, with a site key).
pub fn measure(repo: &Path, primary: &Path, work: &Path, keyring: &Path, sessions: usize) -> String {
    let (daemon, port) = net::rsyncd(&primary.join("dist"), work);
    let pid = daemon.0.id();
    let mirror = work.join("poll-mirror");
    let sync = |quiet: bool| {
        let out = Command::new("dash")
            .arg(repo.join("tools/mirror-sync"))
            .args(["--keyring", &keyring.display().to_string()])
            .arg(format!("rsync://127.0.0.1:{port}/dist/"))
            .arg(&mirror)
            .output()
            .unwrap();
        assert!(out.status.success() || quiet, "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    sync(false);
    let log = work.join(format!("rsyncd-{port}.log"));
    let (s0, r0, n0) = logged_bytes(&log);
    let cpu0 = children_cpu(pid);
    let start = Instant::now();
    for _ in 0..sessions {
        let text = sync(false);
        assert!(text.contains("up to date"), "not a no-op: {text}");
    }
    let wall = start.elapsed().as_secs_f64() / sessions as f64;
    // The daemon reaps its session processes as they end; give the last one a moment.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let cpu = (children_cpu(pid) - cpu0) / sessions as f64;
    let (s1, r1, n1) = logged_bytes(&log);
    let conns = (n1 - n0).max(1) as f64 / sessions as f64;
    let (sent, recv) = ((s1 - s0) as f64 / sessions as f64, (r1 - r0) as f64 / sessions as f64);
    let rate = 1000.0 / 120.0;
    format!(
        "poll cost, {sessions} no-op mirror-sync runs against the primary's rsync daemon (with a signed index):\n\
         per poll: {conns:.0} connection(s), {sent:.0} bytes sent and {recv:.0} received by the daemon, \
         {:.2} ms of daemon CPU, {:.0} ms wall on the mirror\n\
         1,000 mirrors polling every 2 minutes: {rate:.1} connections/s, {:.1} KB/s out and {:.1} KB/s in, \
         {:.1}% of one core\n",
        cpu * 1000.0,
        wall * 1000.0,
        rate * sent / 1000.0,
        rate * recv / 1000.0,
        rate * cpu * 100.0
    )
}
