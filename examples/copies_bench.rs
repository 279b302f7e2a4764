//! `scripts/bench copies`: the capacity assignment on the network (10,000
//! projects of heavy-tailed sizes totalling 50 TB, 400 mirrors of 8-12 TB, 5 full), made
//! of numbers. `--assign` assigns once (what hyperfine and /usr/bin/time measure);
//! without it, it also adds a 10 TB mirror and removes one, and prints what moves
//! against the mirror's fair share, and the spread of copies.
//!
//! Usage: copies_bench [--assign] [--no-full] [--projects N] [--mirrors N]

use closer::plan::copies::assign::{Holds, Node, assign};
use closer::plan::copies::synthetic::{Shape, network, transferred};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut shape = Shape::foundation();
    let value =
        |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok());
    if let Some(n) = value("--projects") {
        shape.projects = n;
    }
    if let Some(n) = value("--mirrors") {
        shape.mirrors = n;
    }
    if args.iter().any(|a| a == "--no-full") {
        shape.full = 0;
    }
    let net = network(&shape);
    let t = Instant::now();
    let a = assign(&net);
    let secs = t.elapsed().as_secs_f64();
    let min = a.copies.iter().min().copied().unwrap_or(0);
    let mean = a.copies.iter().map(|&c| c as f64).sum::<f64>() / a.copies.len().max(1) as f64;
    let one_continent = a.continents.iter().filter(|c| c.count_ones() < 2).count();
    println!(
        "assign\t{secs:.3} s\t{} projects, {} mirrors ({} full)\tcopies min {min} mean {mean:.1}, {one_continent} on one continent",
        shape.projects, shape.mirrors, shape.full
    );
    if args.iter().any(|a| a == "--assign") {
        return;
    }
    // Add a 10 TB mirror: what moves, against the share a mirror of its size holds.
    let mut grown = net.clone();
    let usable = (10e12 * (1.0 - shape.headroom)) as u64;
    grown.nodes.push(Node {
        id: "new".into(),
        continent: 3,
        holds: Holds::Capacity(usable),
        eligible: None,
        upstream: None,
    });
    let b = assign(&grown);
    let held: u64 = b.used[grown.nodes.len() - 1];
    let (used, cap): (u64, u64) = grown
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(n, node)| match node.holds {
            Holds::Capacity(c) => Some((b.used[n], c)),
            _ => None,
        })
        .fold((0, 0), |(u, c), (x, y)| (u + x, c + y));
    let fair = usable as f64 * used as f64 / cap as f64;
    let moved = transferred((&net, &a), (&grown, &b));
    println!(
        "add 10 TB\tmoved {:.2} TB\tfair share {:.2} TB\tratio {:.3}\t(it holds {:.2} TB)",
        moved as f64 / 1e12,
        fair / 1e12,
        moved as f64 / fair,
        held as f64 / 1e12
    );
    // Remove a mirror: what the others fetch, against what it held.
    let gone = 0;
    let mut shrunk = net.clone();
    shrunk.nodes.remove(gone);
    let c = assign(&shrunk);
    let moved = transferred((&net, &a), (&shrunk, &c));
    println!(
        "remove {}\tmoved {:.2} TB\tit held {:.2} TB\tratio {:.3}",
        net.nodes[gone].id,
        moved as f64 / 1e12,
        a.used[gone] as f64 / 1e12,
        moved as f64 / a.used[gone] as f64
    );
}
