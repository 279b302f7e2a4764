//! `scripts/netsim`: how fast a new release reaches a network of mirrors, measured end to
//! end on this machine. A primary and N mirrors in tiers, all on 127.0.0.1: each mirror a
//! real rsync daemon over a real `tools/mirror-sync` copy, with its own `--bwlimit`, and
//! an HTTP server for its `zzz/time.txt`; a few partial mirrors, one down, one that never
//! syncs. It publishes a signed release (`closer sign`, `closer build`), runs the mirrors'
//! schedules (polling, or `closer push` and `--then-push`), samples `closer probe` +
//! `closer status`, and reports the share of mirror bandwidth serving the release over
//! time, with a flat network (everyone pulls from the primary) beside it.

mod net;
mod pollcost;
mod report;
mod world;

use clap::Parser;
use std::path::PathBuf;

#[derive(Parser, Debug, Clone)]
#[command(about = "Simulate a mirror network on 127.0.0.1 and measure how fast a release spreads")]
pub struct Args {
    /// Mirrors in the network.
    #[arg(long, default_value_t = 30)]
    pub mirrors: usize,
    /// Tiers (tier 1 pulls from the primary, tier 2 from tier 1, ...).
    #[arg(long, default_value_t = 3)]
    pub tiers: usize,
    /// Size of the new release, MiB.
    #[arg(long, default_value_t = 100)]
    pub size_mib: usize,
    /// `push` (closer push, then --then-push down the tiers, with every mirror polling
    /// as well, as the fallback) or `poll` (polling only).
    #[arg(long, default_value = "push")]
    pub mode: String,
    /// Poll interval, in simulated minutes.
    #[arg(long, default_value_t = 2.0)]
    pub poll_minutes: f64,
    /// Simulated seconds per real second for the poll schedule (transfers run at real
    /// speed): 60 makes a 2-minute poll a 2-second one. 1: real time.
    #[arg(long, default_value_t = 1.0)]
    pub scale: f64,
    /// Seconds between samples (closer probe + closer status).
    #[arg(long, default_value_t = 1.0)]
    pub sample: f64,
    /// Give up after this many real seconds.
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
    /// Skip the flat network run.
    #[arg(long)]
    pub no_flat: bool,
    /// Where the network lives and the CSV and SVG go.
    #[arg(long, default_value = "target/netsim")]
    pub out: PathBuf,
    /// Instead: measure what N no-op polls cost the primary, scaled to 1,000 mirrors.
    #[arg(long, value_name = "N")]
    pub poll_cost: Option<usize>,
    /// The closer binary.
    #[arg(long, default_value = "target/release/closer")]
    pub closer: PathBuf,
}

fn main() {
    let args = Args::parse();
    let repo = std::env::current_dir().unwrap();
    if let Some(n) = args.poll_cost {
        print!("{}", world::poll_cost(&args, &repo, n));
        return;
    }
    let mut runs = Vec::new();
    let shapes: &[(bool, &str)] =
        if args.no_flat { &[(false, "tiered")] } else { &[(false, "tiered"), (true, "flat")] };
    for &(flat, name) in shapes {
        let label = format!(
            "{name} {} x{} {} MiB {}",
            args.mirrors,
            if flat { 1 } else { args.tiers },
            args.size_mib,
            args.mode
        );
        eprintln!("netsim: {label}: setting up");
        let run = world::run(&args, &repo, flat, &label);
        eprintln!("{}", report::text(std::slice::from_ref(&run), ""));
        runs.push(run);
    }
    let note = format!(
        "netsim: {} mirrors, {} tiers, a {} MiB release, mode {}; polls every {} simulated minutes = {:.1} real seconds \
         (schedule scaled {}x; transfers at real speed, each mirror's rsync --bwlimit from a 5-100 MB/s spread); \
         times are real seconds after `closer build` finished; 2 mirrors (one down, one that never syncs) count against the share.",
        args.mirrors,
        args.tiers,
        args.size_mib,
        args.mode,
        args.poll_minutes,
        args.poll_minutes * 60.0 / args.scale,
        args.scale
    );
    let text = report::text(&runs, &note);
    println!("{text}");
    std::fs::create_dir_all(&args.out).unwrap();
    std::fs::write(args.out.join("netsim.csv"), report::csv(&runs)).unwrap();
    std::fs::write(args.out.join("netsim.svg"), report::svg(&runs)).unwrap();
    std::fs::write(args.out.join("netsim.md"), &text).unwrap();
    eprintln!("netsim: wrote {}/netsim.{{csv,svg,md}}", args.out.display());
    if runs.iter().any(|r| !r.violations.is_empty()) {
        eprintln!(
            "netsim: a mirror served an incomplete release: {:?}",
            runs.iter().flat_map(|r| &r.violations).collect::<Vec<_>>()
        );
        std::process::exit(1);
    }
}
