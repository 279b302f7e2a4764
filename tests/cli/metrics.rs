//! `site/metrics`: `promtool check metrics` (Prometheus's own linter) accepts it, and
//! its numbers are the probe's and `closer status`'s: who is up, who lags, how much of
//! the bandwidth serves each current release.

use crate::browser::demo;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

/// Every sample: `name{labels}` to value.
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let (k, v) = l.rsplit_once(' ').unwrap();
            (k.to_string(), v.parse().unwrap_or_else(|_| panic!("{l}")))
        })
        .collect()
}

#[test]
fn metrics_pass_promtool_and_say_what_the_probe_and_status_say() {
    let demo = demo();
    let text = demo.f.read("site/metrics");
    let mut promtool = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool is needed (Debian's prometheus package; scripts/test installs it)");
    promtool.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = promtool.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && said.trim().is_empty(), "promtool: {said}\n{text}");

    let s = samples(&text);
    // Probed: every mirror up; `jp-lag` has the first release only, so it lags.
    assert_eq!(s["closer_mirror_up{mirror=\"jp\"}"], 1.0);
    assert_eq!(s["closer_mirror_lag_seconds{mirror=\"jp\"}"], 0.0);
    assert!(s["closer_mirror_lag_seconds{mirror=\"jp-lag\"}"] > 3000.0, "{text}");
    assert_eq!(s["closer_mirror_bandwidth_bytes_per_second{mirror=\"jp-lag\"}"], 10000.0 * 125_000.0);
    assert!(s.contains_key("closer_probe_timestamp_seconds"));
    // Each current release: the same counts and share `closer status` reports.
    for (project, version) in [("beta", "0.2"), ("alpha", "1.10")] {
        let run = demo.f.closer(&["status", project, version]);
        let first = run.stdout.lines().next().unwrap().to_string();
        let key = |m: &str| format!("{m}{{project=\"{project}\",version=\"{version}\"}}");
        let serving = s[&key("closer_release_serving_mirrors")];
        let carrying = s[&key("closer_release_carrying_mirrors")];
        let share = s[&key("closer_release_serving_bandwidth_ratio")];
        let want = format!("{serving} of {carrying} mirrors serve it, {:.0}% of their bandwidth", share * 100.0);
        assert!(first.contains(&want), "status says {first:?}, metrics {want:?}");
    }
    // beta 0.2 came after jp-lag and nl last synced: not every carrying mirror serves it.
    let beta = s["closer_release_serving_bandwidth_ratio{project=\"beta\",version=\"0.2\"}"];
    assert!(beta > 0.0 && beta < 1.0, "{text}");
}
