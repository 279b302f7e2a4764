//! Networks made of numbers, for the benchmark (`dev/copies_bench.rs`) and the scale
//! tests: projects with heavy-tailed sizes (Pareto, as download trees are: a few huge
//! projects, a long tail of small ones), capacity mirrors spread over the continents as
//! real mirror networks are, and a few full mirrors. No files: sizes are data.

use super::assign::{Assignment, Holds, Network, Node, Unit};
use crate::model::continent::Continent;

/// What to make.
#[derive(Debug, Clone)]
pub struct Shape {
    pub projects: usize,
    /// Sum of the projects' sizes, in bytes.
    pub total: u64,
    pub mirrors: usize,
    /// Capacity of each mirror, drawn uniformly from this range (bytes).
    pub capacity: (u64, u64),
    pub full: usize,
    pub copies: u32,
    pub headroom: f64,
    pub seed: u64,
}

impl Shape {
    /// The network: 10,000 projects, 50 TB, 400 mirrors of 8-12 TB and 5 full.
    pub fn foundation() -> Shape {
        Shape {
            projects: 10_000,
            total: 50_000_000_000_000,
            mirrors: 400,
            capacity: (8_000_000_000_000, 12_000_000_000_000),
            full: 5,
            copies: 3,
            headroom: 0.1,
            seed: 1,
        }
    }
}

/// splitmix64 as a generator: reproducible from the seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in (0, 1).
    fn unit(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

/// Continents drawn as mirror networks spread: Europe 40%, North America 30%, Asia 15%,
/// the rest 5% each.
fn continent(r: f64) -> Continent {
    match r {
        r if r < 0.40 => Continent::Europe,
        r if r < 0.70 => Continent::NorthAmerica,
        r if r < 0.85 => Continent::Asia,
        r if r < 0.90 => Continent::SouthAmerica,
        r if r < 0.95 => Continent::Oceania,
        _ => Continent::Africa,
    }
}

/// Makes the network: units named `p00042`, mirrors `m0042` (capacity) and `full0`
/// (full, alternating Europe and North America).
pub fn network(shape: &Shape) -> Network {
    let mut rng = Rng(shape.seed);
    // Pareto with alpha 1.1, then scaled to the total; one project in ten is popular.
    let raw: Vec<f64> = (0..shape.projects).map(|_| rng.unit().powf(-1.0 / 1.1)).collect();
    let scale = shape.total as f64 / raw.iter().sum::<f64>();
    let units = raw
        .iter()
        .enumerate()
        .map(|(i, x)| Unit {
            key: format!("p{i:05}"),
            project: i,
            bytes: (x * scale).max(1.0) as u64,
            weight: if rng.unit() < 0.1 { [2.0, 4.0, 8.0][(rng.next() % 3) as usize] } else { 1.0 },
        })
        .collect();
    let (lo, hi) = shape.capacity;
    let mut nodes: Vec<Node> = (0..shape.mirrors)
        .map(|i| {
            let capacity = lo + ((hi - lo) as f64 * rng.unit()) as u64;
            Node {
                id: format!("m{i:04}"),
                continent: continent(rng.unit()),
                holds: Holds::Capacity((capacity as f64 * (1.0 - shape.headroom)) as u64),
                eligible: None,
                upstream: None,
            }
        })
        .collect();
    nodes.extend((0..shape.full).map(|i| Node {
        id: format!("full{i}"),
        continent: if i % 2 == 0 { Continent::Europe } else { Continent::NorthAmerica },
        holds: Holds::Everything,
        eligible: None,
        upstream: None,
    }));
    Network { units, nodes, copies: shape.copies }
}

/// Bytes mirrors must fetch to go from `before` to `after`: per mirror (by id), the
/// units (by key) it carries after and did not before. A mirror new in `after` fetches
/// all it carries; full mirrors count nothing (they fetch releases, not assignments).
pub fn transferred(before: (&Network, &Assignment), after: (&Network, &Assignment)) -> u64 {
    use std::collections::{HashMap, HashSet};
    let (bnet, ba) = before;
    let old: HashMap<&str, Option<HashSet<&str>>> = (0..bnet.nodes.len())
        .map(|n| {
            let keys = ba.carried[n]
                .as_ref()
                .map(|units| units.iter().map(|&u| bnet.units[u as usize].key.as_str()).collect());
            (bnet.nodes[n].id.as_str(), keys)
        })
        .collect();
    let (net, a) = after;
    (0..net.nodes.len())
        .filter_map(|n| a.carried[n].as_ref().map(|units| (n, units)))
        .map(|(n, units)| {
            let was = old.get(net.nodes[n].id.as_str());
            units
                .iter()
                .map(|&u| &net.units[u as usize])
                .filter(|u| match was {
                    Some(None) => false,
                    Some(Some(set)) => !set.contains(u.key.as_str()),
                    None => true,
                })
                .map(|u| u.bytes)
                .sum::<u64>()
        })
        .sum()
}
