//! The assignment itself, on plain numbers: which capacity mirror holds which unit (a
//! project's current releases, or one release line of a large project). No registry, no
//! tree, so the property tests and the benchmark drive it directly.
//!
//! Two passes, both by weighted rendezvous hashing, so a unit's affinity to a mirror is a
//! fixed number that depends on the two names only, never on the registry's order:
//!
//! 1. **Guarantee**: units in a fixed order (largest first) each get the mirrors they still
//!    need to reach `copies` (counting full and glob mirrors), on a second continent when
//!    all copies so far share one, from the mirrors ranking it highest (weighted by
//!    capacity) that have room. A mirror that pulls from a capacity mirror brings the
//!    unit to its upstream too, so tiers keep working.
//! 2. **Fill**: each capacity mirror then fills what is left of its capacity (minus the
//!    headroom) with the units it has most affinity to, scaled by their weight, taking
//!    those that fit. Mirrors fill independently (in parallel), upstreams before the
//!    mirrors that pull from them, which only take what their upstream holds.
//!
//! Adding a mirror therefore changes no other mirror's fill except where pass 1 moves a
//! guaranteed copy to it; removing one re-places only the guaranteed copies it held.

use crate::model::continent::Continent;
use rayon::prelude::*;

/// A unit of assignment.
#[derive(Debug, Clone)]
pub struct Unit {
    /// `project` or `project/line`: stable across builds, hashed for affinity.
    pub key: String,
    /// Index of its project (what globs are matched against).
    pub project: usize,
    pub bytes: u64,
    /// Relative demand per byte (1 by default): more weight, more copies.
    pub weight: f64,
}

/// What a mirror holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Holds {
    /// Every current file (no `capacity`, no globs).
    Everything,
    /// Every unit of the projects its globs match.
    Globs,
    /// What is assigned to it, at most this many bytes.
    Capacity(u64),
}

/// A mirror as the assignment sees it.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    /// For the two-continent rule.
    pub continent: Continent,
    pub holds: Holds,
    /// By project index: may it carry that project at all (its globs and every
    /// upstream's)? `None`: any project.
    pub eligible: Option<Vec<bool>>,
    /// Index of the node it pulls from (`None`: the primary).
    pub upstream: Option<usize>,
}

/// Everything the assignment needs.
#[derive(Debug, Clone)]
pub struct Network {
    pub units: Vec<Unit>,
    pub nodes: Vec<Node>,
    /// Copies every unit should have.
    pub copies: u32,
}

/// Which node carries which unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Per node, the units it carries in index order (`None`: everything).
    pub carried: Vec<Option<Vec<u32>>>,
    /// Per node, the bytes of the units it carries (0 for `Everything`).
    pub used: Vec<u64>,
    /// Per unit, how many nodes carry it.
    pub copies: Vec<u32>,
    /// Per unit, the continents of those nodes (a set of [`Continent::bit`]s).
    pub continents: Vec<u8>,
}

impl Network {
    fn eligible(&self, n: usize, u: usize) -> bool {
        self.nodes[n].eligible.as_ref().is_none_or(|e| e[self.units[u].project])
    }
}

/// A unit's affinity to a node, uniform in (0, 1), from the two names alone.
pub fn affinity(unit: u64, node: u64) -> f64 {
    let x = mix(unit ^ mix(node));
    ((x >> 11) as f64 + 0.5) / (1u64 << 53) as f64
}

/// The name hash [`affinity`] takes (FNV-1a, then mixed).
pub fn name_hash(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

/// splitmix64's finalizer.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The state both passes build up.
struct State<'a> {
    net: &'a Network,
    unit_hash: Vec<u64>,
    node_hash: Vec<u64>,
    /// Per node: does it carry the unit (a bitmap per capacity node, by unit).
    has: Vec<Vec<bool>>,
    /// Each node's upstream, `None` where following upstreams never reaches the primary
    /// (a cycle: the registry reports it; here it must not loop).
    upstream: Vec<Option<usize>>,
    used: Vec<u64>,
    copies: Vec<u32>,
    continents: Vec<u8>,
}

/// Assigns units to the capacity nodes. Deterministic, and independent of the order of
/// `nodes` (ties go to the smaller id).
pub fn assign(net: &Network) -> Assignment {
    let mut s = State {
        net,
        unit_hash: net.units.iter().map(|u| name_hash(&u.key)).collect(),
        node_hash: net.nodes.iter().map(|n| name_hash(&n.id)).collect(),
        has: net
            .nodes
            .iter()
            .map(|n| if matches!(n.holds, Holds::Capacity(_)) { vec![false; net.units.len()] } else { Vec::new() })
            .collect(),
        upstream: (0..net.nodes.len()).map(|n| net.nodes[n].upstream.filter(|_| reaches_primary(net, n))).collect(),
        used: vec![0; net.nodes.len()],
        copies: vec![0; net.units.len()],
        continents: vec![0; net.units.len()],
    };
    s.count_fixed();
    s.guarantee();
    s.fill();
    s.finish()
}

/// Does following upstreams from `n` end at the primary (no cycle, no dangling index)?
fn reaches_primary(net: &Network, mut n: usize) -> bool {
    for _ in 0..=net.nodes.len() {
        match net.nodes[n].upstream {
            None => return true,
            Some(up) if up < net.nodes.len() => n = up,
            Some(_) => return false,
        }
    }
    false
}

/// Candidate nodes with their rendezvous scores, sorted (highest first) only as far as
/// the walk needs: a unit usually takes the first few of hundreds.
struct Ranked {
    nodes: Vec<(f64, usize)>,
    sorted: usize,
}

impl Ranked {
    /// Sorts the next stretch (doubling, at least 16); false when all are sorted already.
    fn sort_more(&mut self, net: &Network) -> bool {
        let len = self.nodes.len();
        if self.sorted == len {
            return false;
        }
        let by = |a: &(f64, usize), b: &(f64, usize)| {
            b.0.total_cmp(&a.0).then_with(|| net.nodes[a.1].id.cmp(&net.nodes[b.1].id))
        };
        let end = (self.sorted * 2).max(16).min(len);
        let rest = &mut self.nodes[self.sorted..];
        if end - self.sorted < rest.len() {
            rest.select_nth_unstable_by(end - self.sorted - 1, by);
        }
        self.nodes[self.sorted..end].sort_unstable_by(by);
        self.sorted = end;
        true
    }
}

impl State<'_> {
    fn usable(&self, n: usize) -> u64 {
        match self.net.nodes[n].holds {
            Holds::Capacity(c) => c,
            _ => u64::MAX,
        }
    }

    /// Full and glob nodes: their copies and continents, and what glob nodes use.
    fn count_fixed(&mut self) {
        for (n, node) in self.net.nodes.iter().enumerate() {
            if matches!(node.holds, Holds::Capacity(_)) {
                continue;
            }
            for u in 0..self.net.units.len() {
                if node.holds == Holds::Everything || self.net.eligible(n, u) {
                    self.copies[u] += 1;
                    self.continents[u] |= node.continent.bit();
                    if node.holds == Holds::Globs {
                        self.used[n] += self.net.units[u].bytes;
                    }
                }
            }
        }
    }

    /// The capacity nodes `n` brings `u` to: itself and the capacity upstreams that do not
    /// carry it yet. `None` if one of them has no room.
    fn chain(&self, n: usize, u: usize) -> Option<Vec<usize>> {
        let bytes = self.net.units[u].bytes;
        let mut out = Vec::new();
        let mut cur = Some(n);
        while let Some(c) = cur {
            if !matches!(self.net.nodes[c].holds, Holds::Capacity(_)) || self.has[c][u] {
                break;
            }
            if self.used[c].saturating_add(bytes) > self.usable(c) {
                return None;
            }
            out.push(c);
            cur = self.upstream[c];
        }
        Some(out)
    }

    fn take(&mut self, nodes: &[usize], u: usize) {
        for &c in nodes {
            self.has[c][u] = true;
            self.used[c] += self.net.units[u].bytes;
            self.copies[u] += 1;
            self.continents[u] |= self.net.nodes[c].continent.bit();
        }
    }

    /// Pass 1: the copies each unit still needs, largest units first.
    fn guarantee(&mut self) {
        let net = self.net;
        let capacity: Vec<usize> =
            (0..net.nodes.len()).filter(|&n| matches!(net.nodes[n].holds, Holds::Capacity(_))).collect();
        let mut order: Vec<usize> = (0..net.units.len()).collect();
        order.sort_unstable_by(|&a, &b| {
            net.units[b].bytes.cmp(&net.units[a].bytes).then_with(|| net.units[a].key.cmp(&net.units[b].key))
        });
        // Two continents for two copies or more (a goal of one asks for no second).
        let spread = |c: u8| net.copies < 2 || c.count_ones() >= 2;
        for u in order {
            let need = net.copies.saturating_sub(self.copies[u]);
            let one_continent = !spread(self.continents[u]);
            if need == 0 && !one_continent {
                continue;
            }
            // Ranked by weighted rendezvous: capacity / -ln(affinity), highest first.
            let ranked: Vec<(f64, usize)> = capacity
                .iter()
                .filter(|&&n| !self.has[n][u] && net.eligible(n, u))
                .map(|&n| {
                    let a = affinity(self.unit_hash[u], self.node_hash[n]);
                    (self.usable(n) as f64 / -a.ln(), n)
                })
                .collect();
            let mut ranked = Ranked { nodes: ranked, sorted: 0 };
            for pick in 0..need {
                // The last pick goes to another continent while all copies share one;
                // without a node there, any node still helps the count.
                let other = pick + 1 == need && !spread(self.continents[u]);
                let found = self
                    .pick(&mut ranked, u, other)
                    .or_else(|| other.then(|| self.pick(&mut ranked, u, false)).flatten());
                match found {
                    Some(chain) => self.take(&chain, u),
                    None => break,
                }
            }
            // Enough copies, all on one continent (or the first copy just placed): one more
            // on another.
            if !spread(self.continents[u])
                && let Some(chain) = self.pick(&mut ranked, u, true)
            {
                self.take(&chain, u);
            }
        }
    }

    /// The best-ranked node (and its chain) that can take `u`; with `other`, only on a
    /// continent none of its copies is on. A node that takes it alone comes before one
    /// that would bring it to capacity upstreams too (each a copy more to move later).
    fn pick(&self, ranked: &mut Ranked, u: usize, other: bool) -> Option<Vec<usize>> {
        self.pick_where(ranked, u, other, true).or_else(|| self.pick_where(ranked, u, other, false))
    }

    fn pick_where(&self, ranked: &mut Ranked, u: usize, other: bool, alone: bool) -> Option<Vec<usize>> {
        let mut i = 0;
        loop {
            if i == ranked.sorted && !ranked.sort_more(self.net) {
                return None;
            }
            let n = ranked.nodes[i].1;
            i += 1;
            if self.has[n][u] || (other && self.continents[u] & self.net.nodes[n].continent.bit() != 0) {
                continue;
            }
            if let Some(chain) = self.chain(n, u).filter(|c| !alone || c.len() == 1) {
                return Some(chain);
            }
        }
    }

    /// Pass 2: every capacity node fills its remaining room, upstreams first.
    fn fill(&mut self) {
        let net = self.net;
        let mut tiers: Vec<(u32, usize)> = (0..net.nodes.len())
            .filter(|&n| matches!(net.nodes[n].holds, Holds::Capacity(_)))
            .map(|n| (self.tier(n), n))
            .collect();
        tiers.sort_unstable();
        let mut start = 0;
        while start < tiers.len() {
            let tier = tiers[start].0;
            let end = start + tiers[start..].iter().take_while(|t| t.0 == tier).count();
            let added: Vec<(usize, Vec<usize>)> =
                tiers[start..end].par_iter().map(|&(_, n)| (n, self.fill_one(n))).collect();
            for (n, units) in added {
                for u in units {
                    self.take(&[n], u);
                }
            }
            start = end;
        }
    }

    fn tier(&self, mut n: usize) -> u32 {
        let mut t = 1;
        while let Some(up) = self.upstream[n] {
            t += 1;
            n = up;
        }
        t
    }

    /// The units node `n` adds in pass 2: by affinity scaled by weight (an exponential
    /// clock, `-ln(a) / weight`, smallest first), each that still fits.
    fn fill_one(&self, n: usize) -> Vec<usize> {
        let net = self.net;
        let up = self.upstream[n].filter(|&up| matches!(net.nodes[up].holds, Holds::Capacity(_)));
        let mut room = self.usable(n).saturating_sub(self.used[n]);
        // A positive f64's bits order as the number does: integer keys sort faster.
        let mut keyed: Vec<(u64, usize)> = (0..net.units.len())
            .filter(|&u| !self.has[n][u] && net.eligible(n, u) && up.is_none_or(|up| self.has[up][u]))
            .filter(|&u| net.units[u].bytes <= room)
            .map(|u| ((-affinity(self.unit_hash[u], self.node_hash[n]).ln() / net.units[u].weight).to_bits(), u))
            .collect();
        keyed.sort_unstable();
        let mut out = Vec::new();
        // The first unit that does not fit ends the fill, unless it is large (over 1% of
        // the mirror): then smaller ones after it may still fit. So a mirror's set is a
        // prefix of its order, and a change in its room moves only what is at the end,
        // at the cost of leaving at most 1% unused.
        let large = self.usable(n) / 100;
        for (_, u) in keyed {
            let bytes = net.units[u].bytes;
            if bytes <= room {
                room -= bytes;
                out.push(u);
            } else if bytes <= large {
                break;
            }
        }
        out
    }

    fn finish(self) -> Assignment {
        let net = self.net;
        let carried = net
            .nodes
            .iter()
            .enumerate()
            .map(|(n, node)| match node.holds {
                Holds::Everything => None,
                Holds::Globs => Some((0..net.units.len() as u32).filter(|&u| net.eligible(n, u as usize)).collect()),
                Holds::Capacity(_) => Some((0..net.units.len() as u32).filter(|&u| self.has[n][u as usize]).collect()),
            })
            .collect();
        Assignment { carried, used: self.used, copies: self.copies, continents: self.continents }
    }
}
