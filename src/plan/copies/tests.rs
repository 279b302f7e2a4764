//! Property tests of the assignment on random networks, judged by a checker that reads
//! only the network and the result (never the assignment's own bookkeeping): capacity,
//! globs, upstream supersets, the copy counts it reports, the guarantee, maximality,
//! independence of the registry's order, and how little moves when a mirror comes or goes.

use super::assign::{Assignment, Holds, Network, Node, Unit, assign};
use crate::model::continent::Continent;
use std::collections::BTreeMap;

/// xorshift64*: reproducible random networks from a seed, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// How much capacity the random mirrors get.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Room {
    /// Each holds everything: the guarantee is always met.
    Everywhere,
    /// Each holds a third to five sixths of the data.
    Some,
    /// Anything from nothing to everything: often too little for the goal.
    Little,
}

/// A random network: heavy-tailed unit sizes, full, glob and capacity mirrors on one to
/// four continents, some pulling from others (a glob list that narrows its upstream's).
fn network(seed: u64, room: Room) -> Network {
    let mut r = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    // With some room, many small units (as the split by release line makes them);
    // otherwise few, some of them as large as mirrors.
    let (projects, tail) = match room {
        Room::Some => (20 + r.below(200) as usize, 5),
        _ => (1 + r.below(40) as usize, 50),
    };
    let units: Vec<Unit> = (0..projects + r.below(10) as usize)
        .map(|i| {
            let project = i % projects;
            let bytes = 1 + r.below(1000) * if r.chance(10) { tail } else { 1 };
            let weight = [1.0, 1.0, 1.0, 2.0, 4.0, 0.5][r.below(6) as usize];
            Unit { key: format!("p{project}/u{i}"), project, bytes, weight }
        })
        .collect();
    let total: u64 = units.iter().map(|u| u.bytes).sum();
    let continents = 1 + r.below(4) as u8;
    let mut nodes: Vec<Node> = Vec::new();
    for i in 0..r.below(25) as usize {
        let upstream = (i > 0 && r.chance(30)).then(|| r.below(i as u64) as usize);
        let up_holds = upstream.map(|u| nodes[u].holds);
        let kind = r.below(100);
        let holds = match (kind, up_holds) {
            (0..10, None | Some(Holds::Everything)) => Holds::Everything,
            (10..25, None | Some(Holds::Everything | Holds::Globs)) => Holds::Globs,
            _ => Holds::Capacity(match room {
                Room::Everywhere => 3 * total + r.below(total),
                Room::Some => total / 3 + r.below(total / 2 + 1),
                Room::Little => 1 + r.below(total),
            }),
        };
        let own: Option<Vec<bool>> = (holds == Holds::Globs || (holds != Holds::Everything && r.chance(20)))
            .then(|| (0..projects).map(|_| r.chance(60)).collect());
        let up_eligible = upstream.and_then(|u| nodes[u].eligible.clone());
        let eligible = match (own, up_eligible) {
            (Some(a), Some(b)) => Some(a.iter().zip(&b).map(|(x, y)| *x && *y).collect()),
            (a, b) => a.or(b),
        };
        let continent = Continent::ALL[r.below(continents as u64) as usize];
        nodes.push(Node { id: format!("m{i:02}-{}", r.below(1000)), continent, holds, eligible, upstream });
    }
    Network { units, nodes, copies: 1 + r.below(4) as u32 }
}

fn may_carry(net: &Network, n: usize, u: usize) -> bool {
    net.nodes[n].eligible.as_ref().is_none_or(|e| e[net.units[u].project])
}

fn holds(a: &Assignment, n: usize, u: usize) -> bool {
    a.carried[n].as_ref().is_none_or(|c| c.contains(&(u as u32)))
}

fn used(net: &Network, a: &Assignment, n: usize) -> u64 {
    (0..net.units.len()).filter(|&u| holds(a, n, u)).map(|u| net.units[u].bytes).sum()
}

fn room(net: &Network, a: &Assignment, n: usize) -> u64 {
    match net.nodes[n].holds {
        Holds::Capacity(c) => c.saturating_sub(used(net, a, n)),
        _ => u64::MAX,
    }
}

/// Could `u` be added to capacity node `n` (and the capacity upstreams it would bring it
/// to) without breaking a capacity or a glob?
fn could_add(net: &Network, a: &Assignment, n: usize, u: usize) -> bool {
    if !matches!(net.nodes[n].holds, Holds::Capacity(_)) {
        return false;
    }
    let mut cur = Some(n);
    while let Some(c) = cur {
        match net.nodes[c].holds {
            Holds::Capacity(_) if !holds(a, c, u) => {
                if !may_carry(net, c, u) || room(net, a, c) < net.units[u].bytes {
                    return false;
                }
            }
            _ => return true,
        }
        cur = net.nodes[c].upstream;
    }
    true
}

/// Every rule of the assignment, checked from the network and the result alone.
fn check(net: &Network, a: &Assignment, roomy: bool) -> Result<(), String> {
    let (nu, nn) = (net.units.len(), net.nodes.len());
    for n in 0..nn {
        let node = &net.nodes[n];
        if let Holds::Capacity(c) = node.holds
            && used(net, a, n) > c
        {
            return Err(format!("{} holds {} > {c}", node.id, used(net, a, n)));
        }
        for u in (0..nu).filter(|&u| holds(a, n, u)) {
            if !may_carry(net, n, u) {
                return Err(format!("{} holds {} against its globs", node.id, net.units[u].key));
            }
            if let Some(up) = node.upstream
                && !holds(a, up, u)
            {
                return Err(format!(
                    "{} holds {} but its upstream {} does not",
                    node.id, net.units[u].key, net.nodes[up].id
                ));
            }
        }
        if node.holds == Holds::Everything && a.carried[n].is_some() {
            return Err(format!("full {} does not hold everything", node.id));
        }
    }
    for u in 0..nu {
        let holders: Vec<usize> = (0..nn).filter(|&n| holds(a, n, u)).collect();
        let continents = holders.iter().fold(0u8, |m, &n| m | net.nodes[n].continent.bit());
        if a.copies[u] as usize != holders.len() || a.continents[u] != continents {
            return Err(format!("{}: reported {} copies, counted {}", net.units[u].key, a.copies[u], holders.len()));
        }
        let short = (holders.len() as u32) < net.copies;
        // Short of copies: no mirror could still take it (maximality).
        if short && let Some(n) = (0..nn).find(|&n| !holds(a, n, u) && could_add(net, a, n, u)) {
            return Err(format!("{} is short but {} could take it", net.units[u].key, net.nodes[n].id));
        }
        // On one continent (of a goal of two copies or more): no mirror on another could
        // still take it.
        if net.copies >= 2
            && continents.count_ones() < 2
            && let Some(n) = (0..nn)
                .find(|&n| continents & net.nodes[n].continent.bit() == 0 && !holds(a, n, u) && could_add(net, a, n, u))
        {
            return Err(format!("{} is on one continent but {} could take it", net.units[u].key, net.nodes[n].id));
        }
        // With room everywhere, the goal is met wherever enough mirrors may carry it, and
        // on two continents wherever they exist among them.
        if roomy {
            let able: Vec<usize> = (0..nn).filter(|&n| may_carry(net, n, u)).collect();
            if short && able.len() as u32 >= net.copies {
                return Err(format!("{}: {} copies with {} able mirrors", net.units[u].key, holders.len(), able.len()));
            }
            let able_continents = able.iter().fold(0u8, |m, &n| m | net.nodes[n].continent.bit());
            if net.copies >= 2 && able_continents.count_ones() >= 2 && continents.count_ones() < 2 {
                return Err(format!("{} is on one continent though others are there", net.units[u].key));
            }
        }
    }
    Ok(())
}

/// Unit keys by node id: a result as the registry's order cannot change it.
fn by_id(net: &Network, a: &Assignment) -> BTreeMap<String, Vec<String>> {
    (0..net.nodes.len())
        .map(|n| {
            let keys = (0..net.units.len()).filter(|&u| holds(a, n, u)).map(|u| net.units[u].key.clone()).collect();
            (net.nodes[n].id.clone(), keys)
        })
        .collect()
}

/// Bytes newly carried in `after` (what mirrors must transfer), by unit key and node id.
fn transferred(
    before: &BTreeMap<String, Vec<String>>,
    after: &BTreeMap<String, Vec<String>>,
    size: &BTreeMap<String, u64>,
) -> u64 {
    after
        .iter()
        .map(|(id, keys)| {
            let old = before.get(id);
            keys.iter().filter(|k| old.is_none_or(|o| !o.contains(k))).map(|k| size[k]).sum::<u64>()
        })
        .sum()
}

#[test]
fn random_networks_keep_every_rule() {
    for seed in 0..600 {
        let room = [Room::Everywhere, Room::Some, Room::Little][seed as usize % 3];
        let net = network(seed, room);
        let a = assign(&net);
        check(&net, &a, room == Room::Everywhere).unwrap_or_else(|e| panic!("seed {seed} ({room:?}): {e}"));
        assert_eq!(assign(&net), a, "seed {seed}: not deterministic");
    }
}

#[test]
fn the_registry_order_changes_nothing() {
    for seed in 0..150 {
        let net = network(seed, if seed % 2 == 0 { Room::Some } else { Room::Little });
        let mut shuffled = net.clone();
        // Reverse the nodes, renumbering upstreams.
        let n = shuffled.nodes.len();
        shuffled.nodes.reverse();
        for node in &mut shuffled.nodes {
            node.upstream = node.upstream.map(|u| n - 1 - u);
        }
        assert_eq!(by_id(&net, &assign(&net)), by_id(&shuffled, &assign(&shuffled)), "seed {seed}");
    }
}

/// A network where the goal's copies take at most a quarter of the capacity (of each
/// continent's, for the copies on a second continent), every unit
/// is at most an eighth of the smallest mirror, and capacity mirrors pull from the primary
/// or from full and glob mirrors (a capacity mirror under a capacity mirror follows every
/// change of its upstream, which is not its own share moving).
fn stable_network(seed: u64) -> Option<Network> {
    let mut net = network(seed, Room::Some);
    let capacity = |n: &Node| if let Holds::Capacity(c) = n.holds { Some(c) } else { None };
    for i in 0..net.nodes.len() {
        if capacity(&net.nodes[i]).is_some() && net.nodes[i].upstream.is_some_and(|u| capacity(&net.nodes[u]).is_some())
        {
            net.nodes[i].upstream = None;
        }
    }
    let total: u64 = net.units.iter().map(|u| u.bytes).sum();
    let all: u64 = net.nodes.iter().filter_map(capacity).sum();
    let smallest = net.nodes.iter().filter_map(capacity).min()?;
    let largest = net.units.iter().map(|u| u.bytes).max()?;
    // The second-continent copies too: each continent's capacity holds four times the data.
    let per_continent = Continent::ALL.into_iter().all(|c| {
        let here: u64 = net.nodes.iter().filter(|n| n.continent == c).filter_map(capacity).sum();
        here == 0 || here >= 4 * total
    });
    (net.copies as u64 * total * 4 <= all && largest * 8 <= smallest && per_continent).then_some(net)
}

#[test]
fn a_new_mirror_moves_about_its_fair_share_and_a_removed_one_only_what_it_held() {
    let mut tried = 0;
    for seed in 0..3000 {
        let Some(net) = stable_network(seed) else { continue };
        tried += 1;
        let size: BTreeMap<String, u64> = net.units.iter().map(|u| (u.key.clone(), u.bytes)).collect();
        let largest = net.units.iter().map(|u| u.bytes).max().unwrap_or(0);
        let before = by_id(&net, &assign(&net));
        let mut grown = net.clone();
        let usable = net.units.iter().map(|u| u.bytes).sum::<u64>() / 2 + 1;
        grown.nodes.push(Node {
            id: "new".into(),
            continent: Continent::Africa,
            holds: Holds::Capacity(usable),
            eligible: None,
            upstream: None,
        });
        let after = by_id(&grown, &assign(&grown));
        // Its fair share is what it holds; everything else that moves is overhead.
        let held: u64 = after["new"].iter().map(|k| size[k]).sum();
        let moved = transferred(&before, &after, &size);
        assert!(moved as f64 <= 1.25 * held as f64 + largest as f64, "seed {seed}: moved {moved}, it holds {held}");
        // And back: removing it transfers no more than it held.
        let mut after_without = after.clone();
        after_without.remove("new");
        let moved_back = transferred(&after_without, &before, &size);
        assert!(moved_back <= held, "seed {seed}: removing moved {moved_back}, it held {held}");
    }
    assert!(tried >= 100, "only {tried} networks had room for the test");
}

#[test]
fn weight_buys_copies() {
    // Twenty equal units, ten equal mirrors that each hold a quarter: the unit with
    // weight 8 is on more mirrors than the average one.
    let units: Vec<Unit> = (0..20)
        .map(|i| Unit { key: format!("p{i}"), project: i, bytes: 10, weight: if i == 0 { 8.0 } else { 1.0 } })
        .collect();
    let nodes: Vec<Node> = (0..10)
        .map(|i| Node {
            id: format!("m{i}"),
            continent: Continent::ALL[i % 2],
            holds: Holds::Capacity(50),
            eligible: None,
            upstream: None,
        })
        .collect();
    let a = assign(&Network { units, nodes, copies: 2 });
    let mean = a.copies.iter().map(|&c| c as f64).sum::<f64>() / 20.0;
    assert!(a.copies[0] as f64 > 1.5 * mean, "weighted {} vs mean {mean}", a.copies[0]);
}

#[test]
fn the_foundation_network_scaled_down_meets_the_goals() {
    use super::synthetic::{Shape, network, transferred};
    for full in [5, 0] {
        let shape = Shape { projects: 2000, total: 10_000_000_000_000, mirrors: 80, full, ..Shape::foundation() };
        let net = network(&shape);
        let a = assign(&net);
        check(&net, &a, false).unwrap();
        assert!(a.copies.iter().all(|&c| c >= 3) && a.continents.iter().all(|c| c.count_ones() >= 2), "full {full}");
        let mut grown = net.clone();
        let usable = 9_000_000_000_000;
        grown.nodes.push(Node {
            id: "new".into(),
            continent: Continent::Europe,
            holds: Holds::Capacity(usable),
            eligible: None,
            upstream: None,
        });
        let b = assign(&grown);
        let held = b.used[grown.nodes.len() - 1];
        let moved = transferred((&net, &a), (&grown, &b));
        assert!(moved as f64 <= 1.25 * held as f64, "full {full}: adding moved {moved}, it holds {held}");
        let mut shrunk = net.clone();
        shrunk.nodes.remove(0);
        let moved = transferred((&net, &a), (&shrunk, &assign(&shrunk)));
        assert!(moved <= a.used[0], "full {full}: removing moved {moved}, it held {}", a.used[0]);
        // A new project, and a new release of one (its unit grows): what moves is little
        // more than the release's copies (full mirrors fetch every release and count nothing).
        let mut more = net.clone();
        more.units.push(Unit { key: "zz-new".into(), project: net.units.len(), bytes: 5_000_000_000, weight: 1.0 });
        let c = assign(&more);
        let copies =
            c.carried.iter().filter(|k| k.as_ref().is_some_and(|k| k.contains(&(net.units.len() as u32)))).count();
        let moved = transferred((&net, &a), (&more, &c));
        assert!(
            moved as f64 <= 1.25 * (copies as u64 * 5_000_000_000) as f64,
            "full {full}: a new project moved {moved}"
        );
        let mut grown = net.clone();
        grown.units[7].bytes += 2_000_000_000;
        let c = assign(&grown);
        let holders = c.carried.iter().filter(|k| k.as_ref().is_some_and(|k| k.contains(&7))).count();
        // (Units are compared by key: this is what moves besides the release itself.)
        let moved = transferred((&net, &a), (&grown, &c));
        assert!(
            moved as f64 <= 0.25 * (holders as u64 * 2_000_000_000) as f64,
            "full {full}: a new release moved {moved}"
        );
    }
}
