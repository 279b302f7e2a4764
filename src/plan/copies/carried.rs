//! From which stamp each mirror carries each unit: the record after a build
//! (`model::carried`, kept in closer's cache) and, from it, what [`crate::plan::fresh::Freshness::from`]
//! asks. A mirror given a unit later has none of its files until it syncs again.

use super::Copies;
use crate::input::registry::Registry;
use crate::model::carried::{ALL, Carried};
use crate::plan::fresh::UnitsFrom;

/// The record of what each mirror carries from when, after a build that publishes
/// `stamp`: what a mirror carried before keeps its stamp, what it carries anew is
/// carried from `stamp`. Without an `old` record, everything is carried from 0.
pub fn next_carried(old: Option<&Carried>, registry: &Registry, copies: &Copies, stamp: i64) -> Carried {
    let mut next = Carried::default();
    let new = if old.is_some() { stamp } else { 0 };
    for (i, m) in registry.mirrors.iter().enumerate() {
        let was = |key: &str| old.and_then(|o| o.get(&m.id, key));
        match copies.carried.get(i) {
            Some(None) => {
                let all = old.and_then(|o| o.get_exactly(&m.id, ALL)).unwrap_or(new);
                next.insert(&m.id, ALL, all);
                // What it carried before it carried everything, it still has (asked only
                // of a mirror with such lines: a thousand full mirrors by ten thousand
                // units was ten million lookups a build).
                let units = if old.is_some_and(|o| o.has_units(&m.id)) { &copies.units[..] } else { &[] };
                for u in units {
                    if let Some(s) = old.and_then(|o| o.get_exactly(&m.id, &u.key)).filter(|&s| s < all) {
                        next.insert(&m.id, &u.key, s);
                    }
                }
            }
            Some(Some(units)) => {
                for u in units.iter().filter_map(|&u| copies.units.get(u as usize)) {
                    next.insert(&m.id, &u.key, was(&u.key).unwrap_or(new));
                }
            }
            None => {}
        }
    }
    next
}

/// Sets `fresh.from`: per mirror, the stamps from which it carries its units (the
/// record), and never for the units of files the last probe found it without (`lacks`:
/// a held project's file changed after it was published, which it synced too late to
/// get). Every judge of the mirrors (the build, `status`, `copies`) asks this.
pub fn judge(
    fresh: &mut crate::plan::fresh::Freshness,
    carried: &Carried,
    (registry, copies): (&Registry, &Copies),
    state: &crate::input::probe_state::State,
) {
    fresh.from = carried_from(carried, registry, copies);
    for (i, m) in registry.mirrors.iter().enumerate() {
        let lacks = state.mirrors.get(&m.id).map_or(&[][..], |s| &s.lacks[..]);
        fresh.lacking(i, lacks.iter().flat_map(|path| copies.units_of_path(path)), copies.units.len());
    }
}

/// Per mirror in registry order, the stamps from which it carries its units, from the
/// record ([`crate::plan::fresh::Freshness::from`]).
pub fn carried_from(carried: &Carried, registry: &Registry, copies: &Copies) -> Vec<UnitsFrom> {
    let id = |u: u32| copies.units.get(u as usize).map(|u| u.key.as_str());
    let mirrors = registry.mirrors.iter().zip(&copies.carried);
    let units = |m: &str, units: Box<dyn Iterator<Item = u32> + '_>| {
        units.filter_map(|u| Some((u, carried.get(m, id(u)?)?))).filter(|&(_, s)| s > 0).collect::<Vec<_>>()
    };
    mirrors
        .map(|(m, c)| match c {
            None if !carried.has_units(&m.id) => UnitsFrom::Every(carried.get(&m.id, ALL).unwrap_or(0)),
            None => UnitsFrom::Each(units(&m.id, Box::new(0..copies.units.len() as u32))),
            Some(c) => UnitsFrom::Each(units(&m.id, Box::new(c.iter().copied()))),
        })
        .collect()
}
