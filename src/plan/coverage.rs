//! How far a release has spread over the mirrors that carry it: which serve it now (by
//! the probe state and the stamp at which its files entered the lists), the share of
//! their bandwidth that is, per continent, and why the others do not. `closer status`
//! prints it and waits on it; the site's metrics publish it. Pure.

use crate::input::registry::Registry;
use crate::model::continent::Continent;
use crate::model::since::Since;
use crate::plan::copies::Copies;
use crate::plan::fresh::Freshness;
use crate::util::text::{age, datetime};
use std::collections::BTreeMap;

/// The part of a set of mirrors (a continent's, or all of them) that serves a release.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Share {
    pub serving: usize,
    pub mirrors: usize,
    pub serving_bandwidth: u64,
    pub bandwidth: u64,
}

impl Share {
    /// Share of its mirrors' bandwidth that serves the release (0 with no mirrors).
    pub fn share(&self) -> f64 {
        if self.bandwidth == 0 { 0.0 } else { self.serving_bandwidth as f64 / self.bandwidth as f64 }
    }
}

/// How far a release has spread.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub project: String,
    pub version: String,
    /// The stamp at which the last of the release's files entered the lists.
    pub since: i64,
    /// Mirror ids serving every file of the release.
    pub serving: Vec<String>,
    /// Mirrors that carry the project but do not serve the release, with the reason.
    pub behind: Vec<(String, String)>,
    pub serving_bandwidth: u64,
    pub bandwidth: u64,
    pub continents: BTreeMap<Continent, Share>,
}

impl Coverage {
    /// Share of the carrying mirrors' bandwidth that serves the release (0 with no mirrors).
    pub fn share(&self) -> f64 {
        if self.bandwidth == 0 { 0.0 } else { self.serving_bandwidth as f64 / self.bandwidth as f64 }
    }
}

/// The release's `since`: the newest stamp among its files (their paths in the tree, in
/// any layout: `p/1.0/p-1.0.tar.gz`, GNU's `p/p-1.0.tar.gz`) in the lists; `None` when
/// none of them is.
pub fn release_since(since: &Since, files: &[&str]) -> Option<i64> {
    files.iter().filter_map(|f| since.get(f)).max()
}

/// The totals of [`coverage`] alone for the release in copies unit `unit`, without
/// naming the mirrors or their reasons: what the site's metrics publish for every
/// current release (tens of thousands of them).
pub fn totals(registry: &Registry, copies: &Copies, fresh: &Freshness, unit: Option<usize>, since: i64) -> Share {
    let mut t = Share::default();
    let Some(unit) = unit else { return t };
    for (i, m) in registry.mirrors.iter().enumerate().filter(|(i, _)| copies.carries(*i, unit)) {
        t.mirrors += 1;
        t.bandwidth += m.bandwidth;
        if fresh.serves_unit(i, unit, since) {
            t.serving += 1;
            t.serving_bandwidth += m.bandwidth;
        }
    }
    t
}

/// The files `closer status` asks about for `release`: its artifacts, by path in the
/// tree, whatever the layout.
pub fn query_files(release: &crate::model::tree::Release) -> Vec<&str> {
    release.artifacts.iter().map(|f| f.file.rel.as_ref()).collect()
}

/// Works out the coverage of `project` `version`, released into the lists at `since`,
/// over the mirrors that carry it (`copies`).
pub fn coverage(
    registry: &Registry,
    copies: &Copies,
    fresh: &Freshness,
    project: &str,
    version: &str,
    since: i64,
) -> Coverage {
    let unit = copies.unit_of_version(project, version);
    let mut c = Coverage {
        project: project.into(),
        version: version.into(),
        since,
        serving: Vec::new(),
        behind: Vec::new(),
        serving_bandwidth: 0,
        bandwidth: 0,
        continents: BTreeMap::new(),
    };
    for (i, m) in registry.mirrors.iter().enumerate() {
        if !unit.is_some_and(|u| copies.carries(i, u)) {
            continue;
        }
        let f = &fresh.mirrors[i];
        let cont = c.continents.entry(m.continent).or_default();
        cont.mirrors += 1;
        cont.bandwidth += m.bandwidth;
        c.bandwidth += m.bandwidth;
        if unit.is_some_and(|u| fresh.serves_unit(i, u, since)) {
            cont.serving += 1;
            cont.serving_bandwidth += m.bandwidth;
            c.serving_bandwidth += m.bandwidth;
            c.serving.push(m.id.clone());
            continue;
        }
        let why = match (f.status(), f.stamp) {
            ("unknown", _) => "not probed yet".to_string(),
            ("down", _) => format!(
                "down{}: {}",
                f.down_since.map(|t| format!(" since {}", datetime(t))).unwrap_or_default(),
                f.error.as_deref().unwrap_or("no answer")
            ),
            ("stale", _) => format!("stale: behind for {}", age(f.lag.unwrap_or(0))),
            // It lacks a file of the project (`probe_state::MirrorState::lacks`).
            (_, Some(_)) if unit.is_some_and(|u| fresh.from(i, u) == i64::MAX) => {
                "lacks a file of it: it synced after the primary's copy of a published file changed, so mirror-sync \
                 could not give it the published bytes (put the published file back on the primary)"
                    .to_string()
            }
            (_, Some(stamp)) => match unit.map(|u| fresh.from(i, u)).filter(|&from| from > since) {
                // Its list took the release in after it entered the lists (the mirror
                // was given the project later): it has not synced since.
                Some(from) => format!(
                    "behind: its stamp is {} (its list took the release in {}; checked {})",
                    datetime(stamp),
                    datetime(from),
                    f.checked_at.map(datetime).unwrap_or_default()
                ),
                None => behind(stamp, since, f.checked_at),
            },
            _ => "no stamp".to_string(),
        };
        c.behind.push((m.id.clone(), why));
    }
    c
}

/// Why an up mirror does not serve a release: its stamp predates the release's. To the
/// second when the minutes agree: "behind" beside two equal times reads as wrong.
fn behind(stamp: i64, since: i64, checked: Option<i64>) -> String {
    let at = if datetime(stamp) == datetime(since) { crate::util::text::rfc3339 } else { datetime };
    format!(
        "behind: its stamp is {} (the release entered the lists {}; checked {})",
        at(stamp),
        at(since),
        checked.map(datetime).unwrap_or_default()
    )
}

#[cfg(test)]
mod tests {
    use crate::util::text::{datetime, rfc3339};

    #[test]
    fn two_times_in_one_minute_are_told_apart() {
        let t = 1_796_000_000 - 1_796_000_000 % 60;
        let said = super::behind(t + 10, t + 40, None);
        assert!(said.contains(&rfc3339(t + 10)) && said.contains(&rfc3339(t + 40)), "{said}");
        assert!(super::behind(t, t + 120, Some(t)).contains(&datetime(t + 120)));
    }
}
