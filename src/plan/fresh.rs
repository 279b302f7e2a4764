//! Freshness: which mirror may serve which file, from the primary's stamps and the last
//! probes. Two pieces of data meet here: `since`, the primary stamp at which each current
//! artifact first appeared in the mirror lists (`model::since`), and the probe state.
//! Pure functions.
//!
//! A mirror's lag is how long it has been missing something the primary published: zero
//! while its stamp is the primary's, else the time since the primary wrote the first stamp
//! after the mirror's. (Stamps only move when the lists change, so the difference of two
//! stamps says nothing about lag; the time since the primary moved on does.)

use super::Plan;
use crate::input::probe_state::State;
use crate::input::registry::Registry;
use crate::model::since::{Since, Sum};
use crate::model::tree::Tree;
use std::collections::BTreeSet;

/// A mirror as the site sees it after the last probe.
#[derive(Debug, Clone, Default)]
pub struct MirrorFresh {
    /// Probed at least once.
    pub probed: bool,
    pub ok: bool,
    pub error: Option<String>,
    pub stamp: Option<i64>,
    pub checked_at: Option<i64>,
    pub latency_ms: Option<u64>,
    /// Until when the mirror is known to have had everything the primary had.
    pub synced_at: Option<i64>,
    /// Seconds behind the primary at the last probe (see the module docs).
    pub lag: Option<i64>,
    /// Up but behind by more than `policy.stale_after`.
    pub stale: bool,
    /// Down: since the first of the probes in a row that found it so (as far as the
    /// history goes back).
    pub down_since: Option<i64>,
    /// Lag at each probe in the history, `None` where the mirror was down.
    pub history: Vec<(i64, Option<i64>)>,
}

impl MirrorFresh {
    /// `up`, `stale`, `down` or `unknown` (never probed).
    pub fn status(&self) -> &'static str {
        match (self.probed, self.ok, self.stale) {
            (false, _, _) => "unknown",
            (true, false, _) => "down",
            (true, true, true) => "stale",
            (true, true, false) => "up",
        }
    }
}

/// Every mirror's freshness, in registry order, and the primary's stamp.
#[derive(Debug, Clone, Default)]
pub struct Freshness {
    pub primary_stamp: i64,
    pub probed_at: Option<i64>,
    pub mirrors: Vec<MirrorFresh>,
    /// Per mirror in registry order: the stamp from which it carries each unit it
    /// carries (`copies::carried::carried_from`); empty where closer keeps no record (from stamp 0).
    pub from: Vec<UnitsFrom>,
}

/// The stamps from which a mirror carries its units.
#[derive(Debug, Clone)]
pub enum UnitsFrom {
    /// Every unit it carries, from one stamp.
    Every(i64),
    /// By unit index, sorted; a unit not named is carried from stamp 0.
    Each(Vec<(u32, i64)>),
}

/// The first primary stamp after `stamp`: when the primary moved past it.
fn moved_on(stamps: &BTreeSet<i64>, stamp: i64) -> Option<i64> {
    stamps.range(stamp + 1..).next().copied()
}

/// Lag of a mirror serving `stamp` at time `at`, the primary then serving `primary`.
fn lag(stamps: &BTreeSet<i64>, stamp: i64, primary: i64, at: i64) -> i64 {
    if stamp >= primary {
        return 0;
    }
    moved_on(stamps, stamp).map(|t| (at - t).max(0)).unwrap_or(0)
}

/// Judges each mirror from the probe state. `primary_stamp` is the stamp this build
/// publishes; `since` and `published` (`zzz/stamps`, [`crate::model::published`]) add
/// the stamps at which files appeared to those the probes saw.
pub fn assess(
    registry: &Registry,
    state: &State,
    primary_stamp: i64,
    since: &Since,
    published: &BTreeSet<i64>,
) -> Freshness {
    let mut stamps: BTreeSet<i64> = since.stamps().collect();
    stamps.extend(published);
    stamps.insert(primary_stamp);
    for m in state.mirrors.values() {
        stamps.extend(m.history.iter().filter_map(|s| s.primary_stamp));
    }
    stamps.extend(state.primary_stamp);
    let stale_after = registry.policy.stale_after_secs as i64;
    let mirrors = registry
        .mirrors
        .iter()
        .map(|m| {
            let Some(p) = state.mirrors.get(&m.id) else { return MirrorFresh::default() };
            let history = p
                .history
                .iter()
                .map(|s| {
                    let l = match (s.ok, s.stamp) {
                        (true, Some(st)) => Some(lag(&stamps, st, s.primary_stamp.unwrap_or(st), s.at)),
                        _ => None,
                    };
                    (s.at, l)
                })
                .collect();
            let (lag_now, synced_at) = match (p.ok, p.stamp) {
                (true, Some(st)) => {
                    let l = lag(&stamps, st, primary_stamp, p.checked_at);
                    let synced = if l == 0 { p.checked_at } else { p.checked_at - l };
                    (Some(l), Some(synced))
                }
                _ => (None, None),
            };
            let down_since =
                (!p.ok).then(|| p.history.iter().rev().take_while(|s| !s.ok).last().map_or(p.checked_at, |s| s.at));
            MirrorFresh {
                down_since,
                probed: true,
                ok: p.ok,
                error: p.error.clone(),
                stamp: p.stamp,
                checked_at: Some(p.checked_at),
                latency_ms: p.latency_ms,
                synced_at,
                lag: lag_now,
                stale: lag_now.is_some_and(|l| l > stale_after),
                history,
            }
        })
        .collect();
    Freshness { primary_stamp, probed_at: (state.probed_at > 0).then_some(state.probed_at), mirrors, from: Vec::new() }
}

impl Freshness {
    /// Does mirror number `i`, which carries the file, serve it now that it appeared at
    /// `since`? Its last probe is ok, it is not stale, and its stamp is at least `since`.
    pub fn serves(&self, i: usize, since: i64) -> bool {
        let Some(f) = self.mirrors.get(i) else { return false };
        f.ok && !f.stale && f.stamp.is_some_and(|s| s >= since)
    }

    /// [`Freshness::serves`] of a file of copies unit `unit`: and the mirror has synced
    /// since its list took the unit in.
    pub fn serves_unit(&self, i: usize, unit: usize, since: i64) -> bool {
        self.serves(i, since.max(self.from(i, unit)))
    }

    /// Mirror number `i` lacks a file of each of `units` (of `count`): it serves none of
    /// them, whatever its stamp (a held project's file changed after it was published,
    /// which the mirror synced too late to get).
    pub fn lacking(&mut self, i: usize, units: impl Iterator<Item = usize>, count: usize) {
        let mut lacking: Vec<u32> = units.map(|u| u as u32).collect();
        if lacking.is_empty() || i >= self.from.len() {
            return;
        }
        lacking.sort_unstable();
        lacking.dedup();
        let each: Vec<(u32, i64)> = (0..count as u32)
            .map(|u| (u, if lacking.binary_search(&u).is_ok() { i64::MAX } else { self.from(i, u as usize) }))
            .filter(|&(_, s)| s > 0)
            .collect();
        self.from[i] = UnitsFrom::Each(each);
    }

    /// The stamp from which mirror number `i` carries unit `unit` (0 when not recorded).
    pub fn from(&self, i: usize, unit: usize) -> i64 {
        match self.from.get(i) {
            Some(UnitsFrom::Every(s)) => *s,
            Some(UnitsFrom::Each(v)) => v.binary_search_by_key(&(unit as u32), |e| e.0).map_or(0, |k| v[k].1),
            None => 0,
        }
    }
}

/// The artifacts of current releases (those on the mirrors), with the start of their
/// SHA-512, for the `since` stamps.
pub fn current_files<'a>(tree: &'a Tree, plan: &'a Plan) -> impl Iterator<Item = (&'a str, Sum)> + 'a {
    tree.projects.values().flat_map(move |p| {
        let current = plan.project(&p.name).map_or(&[][..], |pp| &pp.current[..]);
        current.iter().flat_map(move |&i| {
            p.releases[i]
                .artifacts
                .iter()
                .map(|a| (a.file.rel.as_ref(), a.file.digests.as_ref().map(|d| Sum::of(&d.sha512)).unwrap_or_default()))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lag_counts_from_when_the_primary_moved_on() {
        let stamps: BTreeSet<i64> = [100, 500, 900].into();
        assert_eq!(lag(&stamps, 900, 900, 2000), 0, "up to date");
        assert_eq!(lag(&stamps, 500, 900, 2000), 1100, "behind since 900");
        assert_eq!(lag(&stamps, 100, 900, 2000), 1500, "behind since 500");
        assert_eq!(lag(&stamps, 500, 500, 2000), 0);
    }
}
