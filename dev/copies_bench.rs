//! `scripts/bench copies`: the capacity assignment on the network (10,000
//! projects of heavy-tailed sizes totalling 50 TB, 400 mirrors of 8-12 TB, 5 full), made
//! of numbers. `--assign` assigns once (what hyperfine and /usr/bin/time measure);
//! without it, it also adds a 10 TB mirror and removes one, and prints what moves
//! against the mirror's fair share, beside what modulo placement (unit i on mirrors
//! i, i+1, ... in id order, the obvious script) would move.
//!
//! Usage: copies-bench [--assign] [--no-full] [--projects N] [--mirrors N]
//! Prints tab-separated lines: `assign SECS`, `add MOVED FAIR MODULO_MOVED`,
//! `remove MOVED HELD MODULO_MOVED` (bytes), and `release CHANGED HOLDERS CAPACITY
//! MOVED`: after a new release of a median project, the capacity mirrors whose unit set
//! changed (each a partial list to write again), those holding the project, all
//! capacity mirrors, and the bytes fetched.

use closer::plan::copies::assign::{Holds, Network, Node, assign};
use closer::plan::copies::synthetic::{Shape, network, transferred};
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut shape = Shape::foundation();
    let value =
        |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok());
    shape.projects = value("--projects").unwrap_or(shape.projects);
    shape.mirrors = value("--mirrors").unwrap_or(shape.mirrors);
    if args.iter().any(|a| a == "--no-full") {
        shape.full = 0;
    }
    let net = network(&shape);
    let t = Instant::now();
    let a = assign(&net);
    println!("assign\t{:.3}", t.elapsed().as_secs_f64());
    let min = a.copies.iter().min().copied().unwrap_or(0);
    let mean = a.copies.iter().map(|&c| c as f64).sum::<f64>() / a.copies.len().max(1) as f64;
    let one_continent = a.continents.iter().filter(|c| c.count_ones() < 2).count();
    let (used, usable) = fill(&net, &a.used);
    eprintln!(
        "{} projects, {} mirrors ({} full): copies min {min}, mean {mean:.1}; {one_continent} on one continent; capacity used {:.1}%",
        shape.projects,
        shape.mirrors,
        shape.full,
        100.0 * used as f64 / usable as f64
    );
    if args.iter().any(|a| a == "--assign") {
        return;
    }
    // Add a 10 TB mirror: what moves, against the share of a mirror of its size.
    let mut grown = net.clone();
    let usable = (10e12 * (1.0 - shape.headroom)) as u64;
    grown.nodes.push(Node {
        id: "m0200a".into(),
        continent: closer::model::continent::Continent::Europe,
        holds: Holds::Capacity(usable),
        eligible: None,
        upstream: None,
    });
    let b = assign(&grown);
    let (used, cap) = fill(&grown, &b.used);
    let fair = (usable as f64 * used as f64 / cap as f64) as u64;
    let moved = transferred((&net, &a), (&grown, &b));
    println!("add\t{moved}\t{fair}\t{}", modulo_moved(&net, &grown));
    // Remove a mirror: what the others fetch, against what it held.
    let mut shrunk = net.clone();
    shrunk.nodes.remove(0);
    let moved = transferred((&net, &a), (&shrunk, &assign(&shrunk)));
    println!("remove\t{moved}\t{}\t{}", a.used[0], modulo_moved(&net, &shrunk));
    new_release(&net, &a);
}

/// A new release of a mid-sized project (its unit grows by half): how many capacity
/// mirrors' unit sets change, against how many hold the project. Every changed set is
/// a partial mirror list to write again.
fn new_release(net: &Network, a: &closer::plan::copies::assign::Assignment) {
    let mut sizes: Vec<(u64, usize)> = net.units.iter().enumerate().map(|(i, u)| (u.bytes, i)).collect();
    sizes.sort();
    let unit = sizes[sizes.len() / 2].1;
    let mut grown = net.clone();
    grown.units[unit].bytes += grown.units[unit].bytes / 2;
    let b = assign(&grown);
    let holders = a.carried.iter().filter(|c| c.as_ref().is_some_and(|u| u.contains(&(unit as u32)))).count();
    let changed = a.carried.iter().zip(&b.carried).filter(|(x, y)| x.is_some() && x != y).count();
    let capacity = a.carried.iter().filter(|c| c.is_some()).count();
    println!("release\t{changed}\t{holders}\t{capacity}\t{}", transferred((net, a), (&grown, &b)));
}

/// Bytes assigned and usable over the capacity mirrors.
fn fill(net: &Network, used: &[u64]) -> (u64, u64) {
    net.nodes
        .iter()
        .enumerate()
        .filter_map(|(n, node)| if let Holds::Capacity(c) = node.holds { Some((used[n], c)) } else { None })
        .fold((0, 0), |(u, c), (x, y)| (u + x, c + y))
}

/// Modulo placement: capacity mirrors in id order, unit `i` (in key order) on the `c`
/// mirrors from `i * c mod M` on, `c` the copies the capacity allows on average.
fn modulo(net: &Network) -> BTreeMap<String, Vec<usize>> {
    let mut ids: Vec<(&str, u64)> = net
        .nodes
        .iter()
        .filter_map(|n| if let Holds::Capacity(c) = n.holds { Some((n.id.as_str(), c)) } else { None })
        .collect();
    ids.sort();
    let total: u64 = net.units.iter().map(|u| u.bytes).sum();
    let copies = (ids.iter().map(|(_, c)| c).sum::<u64>() / total.max(1)).max(1) as usize;
    let m = ids.len();
    let mut out: BTreeMap<String, Vec<usize>> = ids.iter().map(|(id, _)| (id.to_string(), Vec::new())).collect();
    for u in 0..net.units.len() {
        for k in 0..copies.min(m) {
            out.get_mut(ids[(u * copies + k) % m].0).unwrap().push(u);
        }
    }
    out
}

fn modulo_moved(before: &Network, after: &Network) -> u64 {
    let (old, new) = (modulo(before), modulo(after));
    new.iter()
        .map(|(id, units)| {
            let had = old.get(id);
            units
                .iter()
                .filter(|u| had.is_none_or(|h| h.binary_search(u).is_err()))
                .map(|&u| after.units[u].bytes)
                .sum::<u64>()
        })
        .sum()
}
