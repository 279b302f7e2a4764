//! What a run measured, as text, CSV and an SVG chart: the share of mirror bandwidth
//! serving the new release over time, the times to 50, 80 and 95 percent, and the bytes
//! each tier pulled.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One sample: seconds since the build finished, share of bandwidth (0..1), mirrors
/// serving, mirrors carrying the project.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub t: f64,
    pub share: f64,
    pub serving: usize,
    pub carrying: usize,
}

/// One run's result.
#[derive(Debug, Clone, Default)]
pub struct Run {
    pub name: String,
    pub samples: Vec<Sample>,
    /// Bytes received by mirrors, by their tier (1 = pulled from the primary).
    pub bytes_by_tier: BTreeMap<u32, u64>,
    /// Samples that found a mirror whose stamp was new but whose release was incomplete.
    pub violations: Vec<String>,
}

impl Run {
    /// Seconds until the share first reached `p`.
    pub fn time_to(&self, p: f64) -> Option<f64> {
        self.samples.iter().find(|s| s.share + 1e-9 >= p).map(|s| s.t)
    }

    pub fn primary_bytes(&self) -> u64 {
        self.bytes_by_tier.get(&1).copied().unwrap_or(0)
    }
}

fn secs(t: Option<f64>) -> String {
    t.map_or("not reached".into(), |t| format!("{t:.1} s"))
}

/// The summary table.
pub fn text(runs: &[Run], note: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{note}");
    let _ = writeln!(
        s,
        "| run | 50% | 80% | 95% | bytes sent by the primary | bytes sent, by sender | incomplete releases served |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---|---:|");
    for r in runs {
        // What tier t pulled, tier t-1 (or the primary) sent.
        let sender = |t: u32| if t == 1 { "primary".to_string() } else { format!("tier {}", t - 1) };
        let tiers: Vec<String> =
            r.bytes_by_tier.iter().map(|(t, b)| format!("{} {:.0} MiB", sender(*t), *b as f64 / 1048576.0)).collect();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {:.0} MiB | {} | {} |",
            r.name,
            secs(r.time_to(0.5)),
            secs(r.time_to(0.8)),
            secs(r.time_to(0.95)),
            r.primary_bytes() as f64 / 1048576.0,
            tiers.join(", "),
            r.violations.len()
        );
    }
    s
}

/// `run,t,share,serving,carrying` for every sample of every run.
pub fn csv(runs: &[Run]) -> String {
    let mut s = String::from("run,seconds,share,serving,carrying\n");
    for r in runs {
        for x in &r.samples {
            let _ = writeln!(s, "{},{:.2},{:.4},{},{}", r.name, x.t, x.share, x.serving, x.carrying);
        }
    }
    s
}

/// A line per run: share (0-100%) against seconds since the build.
pub fn svg(runs: &[Run]) -> String {
    let (w, h, pad) = (640.0, 320.0, 40.0);
    let tmax = runs.iter().flat_map(|r| r.samples.iter().map(|s| s.t)).fold(1.0_f64, f64::max);
    let x = |t: f64| pad + (w - 2.0 * pad) * t / tmax;
    let y = |p: f64| h - pad - (h - 2.0 * pad) * p;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"11\">\n"
    );
    for p in [0.0, 0.5, 0.8, 0.95, 1.0] {
        let (x2, yy, pct) = (w - pad, y(p), p * 100.0);
        let _ = writeln!(
            s,
            "<line x1=\"{pad}\" x2=\"{x2}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#ccc\"/><text x=\"4\" y=\"{:.1}\">{pct:.0}%</text>",
            yy + 4.0
        );
    }
    let _ = writeln!(s, "<text x=\"{}\" y=\"{}\">seconds after closer build</text>", w / 2.0 - 70.0, h - 6.0);
    for i in 0..=5 {
        let t = tmax * f64::from(i) / 5.0;
        let _ = writeln!(s, "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{t:.0}</text>", x(t), h - pad + 14.0);
    }
    let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
    for (i, r) in runs.iter().enumerate() {
        let pts: Vec<String> = r.samples.iter().map(|p| format!("{:.1},{:.1}", x(p.t), y(p.share))).collect();
        let c = colors[i % colors.len()];
        let _ = writeln!(s, "<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" points=\"{}\"/>", pts.join(" "));
        let _ = writeln!(s, "<text x=\"{}\" y=\"{}\" fill=\"{c}\">{}</text>", pad + 8.0, pad + 14.0 * i as f64, r.name);
    }
    s.push_str("</svg>\n");
    s
}
