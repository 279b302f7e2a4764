//! `site/metrics`: the mirrors' state at the last probe and how far each current
//! release has spread, in the Prometheus text format, so an infrastructure team scrapes
//! the static site like any exporter. Gauges only; registry order, so the file is the
//! same for the same inputs.

use super::Input;
use crate::output::metrics::Exposition;
use crate::plan::coverage::{Share, totals};

/// A current release and how far it has spread.
type Spread<'a> = (&'a str, String, Share);
use rayon::prelude::*;

/// A gauge family: its name, its help, and its value for one thing (`None`: no sample).
type Gauge<'a, T, V> = (&'static str, &'static str, &'a dyn Fn(T) -> V);

impl Input<'_> {
    /// The whole exposition.
    pub(super) fn metrics(&self) -> String {
        // About a line of a hundred bytes per mirror and metric, and per current release
        // and metric, with room to spare.
        let releases: usize = self.plan.projects.iter().map(|p| p.current.len()).sum();
        let mut e = Exposition::with_capacity((8 * self.registry.mirrors.len() + 3 * releases + 64) * 128);
        self.mirror_metrics(&mut e);
        self.release_metrics(&mut e);
        let fresh = self.freshness;
        e.gauge("closer_primary_stamp_timestamp_seconds", "The primary's stamp (zzz/time.txt) this site publishes.")
            .sample(&[], fresh.primary_stamp as f64);
        if let Some(t) = fresh.probed_at {
            e.gauge("closer_probe_timestamp_seconds", "When the mirrors were last probed.").sample(&[], t as f64);
        }
        e.gauge("closer_site_generated_timestamp_seconds", "When this site was built.")
            .sample(&[], self.generated_at as f64);
        if !self.held.is_empty() {
            let mut f = e.gauge(
                "closer_project_held",
                "A project held back by problems in its inputs (state held, or arriving: an upload in progress), valued by its number of problems; its last good state is published.",
            );
            for h in self.held {
                let state = if h.arriving { "arriving" } else { "held" };
                f.sample(&[("project", h.project.as_str()), ("state", state)], h.problems.len() as f64);
            }
        }
        e.finish()
    }

    fn mirror_metrics(&self, e: &mut Exposition) {
        let mirrors = &self.registry.mirrors;
        let fresh = &self.freshness.mirrors;
        let id = |i: usize| [("mirror", mirrors[i].id.as_str())];
        let mut f = e.gauge("closer_mirror_info", "A mirror of the registry, with its names and place (always 1).");
        for m in mirrors {
            let tier = m.tier.to_string();
            let labels = [
                ("mirror", m.id.as_str()),
                ("name", m.name.as_str()),
                ("sponsor", m.sponsor.as_deref().unwrap_or("")),
                ("country", m.country.as_str()),
                ("continent", m.continent.code()),
                ("tier", tier.as_str()),
            ];
            f.sample(&labels, 1.0);
        }
        let gauges: [Gauge<usize, Option<f64>>; 7] = [
            ("closer_mirror_probed", "1 if the mirror has been probed at least once.", &|i| {
                Some(f64::from(u8::from(fresh[i].probed)))
            }),
            ("closer_mirror_up", "1 if the mirror answered its last probe with a valid stamp.", &|i| {
                Some(f64::from(u8::from(fresh[i].ok)))
            }),
            ("closer_mirror_stale", "1 if the mirror is up but behind by more than policy.stale_after.", &|i| {
                Some(f64::from(u8::from(fresh[i].stale)))
            }),
            ("closer_mirror_lag_seconds", "How long the mirror has been missing what the primary published.", &|i| {
                fresh[i].lag.map(|l| l as f64)
            }),
            ("closer_mirror_last_check_timestamp_seconds", "When the mirror was last probed.", &|i| {
                fresh[i].checked_at.map(|t| t as f64)
            }),
            ("closer_mirror_bandwidth_bytes_per_second", "The bandwidth the mirror declares.", &|i| {
                Some(mirrors[i].bandwidth as f64 * 125_000.0)
            }),
            ("closer_mirror_capacity_bytes", "The space a partial mirror offers (capacity).", &|i| {
                mirrors[i].capacity.map(|c| c as f64)
            }),
        ];
        for (name, help, value) in gauges {
            let values: Vec<(usize, f64)> = (0..mirrors.len()).filter_map(|i| value(i).map(|v| (i, v))).collect();
            if values.is_empty() {
                continue;
            }
            let mut f = e.gauge(name, help);
            for (i, v) in values {
                f.sample(&id(i), v);
            }
        }
    }

    fn release_metrics(&self, e: &mut Exposition) {
        // A release at a time against every mirror: in parallel, in the tree's order.
        let per_project: Vec<Vec<Spread>> = self
            .tree
            .projects
            .par_iter()
            .map(|(name, project)| {
                let Some(plan) = self.plan.project(name) else { return Vec::new() };
                plan.current
                    .iter()
                    .map(|&i| {
                        let release = &project.releases[i];
                        // When its last file entered the lists (each file's own stamp: any layout).
                        let since = release.artifacts.iter().map(|a| self.since_of(a)).max();
                        let since = since.unwrap_or(self.freshness.primary_stamp);
                        let copies = &self.plan.copies;
                        let id = release.id();
                        let unit = copies.unit_of_version(name, &id);
                        let spread = totals(self.registry, copies, self.freshness, unit, since);
                        (name.as_str(), id, spread)
                    })
                    .collect()
            })
            .collect();
        let spread: Vec<Spread> = per_project.into_iter().flatten().collect();
        let families: [Gauge<&Share, f64>; 3] = [
            (
                "closer_release_serving_bandwidth_ratio",
                "Share of the bandwidth of the mirrors carrying a current release that serves it.",
                &|c| c.share(),
            ),
            ("closer_release_serving_mirrors", "Mirrors serving every file of a current release.", &|c| {
                c.serving as f64
            }),
            ("closer_release_carrying_mirrors", "Mirrors that carry a current release (serving it or not).", &|c| {
                c.mirrors as f64
            }),
        ];
        for (name, help, value) in families {
            let mut f = e.gauge(name, help);
            for (project, version, c) in &spread {
                f.sample(&[("project", project), ("version", version)], value(c));
            }
        }
    }
}
