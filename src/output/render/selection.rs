//! What closer.js on a project's pages chooses from, in two files. The project's own,
//! `site/<project>/mirrors.json`: the mirrors that carry the project, each as a compact
//! array (one base URL, coordinates to two decimals, about a kilometre), so a page's data
//! grows with the mirrors that can serve it, not with the registry. The site's
//! `status.json`: which mirrors were up and not stale at the last probe, with their stamp
//! and when they synced. Apart, a probe rewrites one small file instead of every
//! project's: a project's file changes with its mirrors, not with their times.
//! `site/mirrors.json` stays the whole registry, for scripts.

use super::Input;
use crate::model::tree::Project;
use anyhow::{Context as _, Result};
use serde::Serialize;
use serde_json::{Value, json};

/// The file closer.js reads on a project's pages (format 3).
#[derive(Serialize)]
struct Selection<'a> {
    format: u32,
    /// The primary's name, for "from <primary> (no mirror has this file yet)".
    primary: &'a str,
    /// The project's unit keys (what each link's `data-project` names); a mirror that
    /// carries only some lists their indices.
    units: Vec<&'a str>,
    /// The order of each mirror's array.
    fields: [&'static str; 12],
    mirrors: Vec<Value>,
    /// Files (paths under the mirrors' base) whose primary copy changed after they were
    /// published: only a mirror, with the verified bytes, may serve them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    withheld: Vec<&'a str>,
}

const FIELDS: [&str; 12] =
    ["id", "name", "country", "lat", "lon", "bandwidth", "url", "backup", "units", "sponsor", "logo", "from"];

/// The site's `status.json` (format 1): the mirrors a page may send a download to now.
#[derive(Serialize)]
struct Status<'a> {
    format: u32,
    probed_at: Option<i64>,
    primary_stamp: i64,
    /// The order of each serving mirror's array.
    fields: [&'static str; 2],
    /// By mirror id: the mirrors up and not stale at the last probe.
    serving: std::collections::BTreeMap<&'a str, [Option<i64>; 2]>,
}

/// Two decimals of a degree (about a kilometre): near enough to pick, short to send.
fn degrees(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl Input<'_> {
    pub(super) fn selection(&self, project: &Project) -> Result<Vec<u8>> {
        let copies = &self.plan.copies;
        let units: Vec<usize> = copies.units_of(&project.name).collect();
        let mirrors = self
            .registry
            .mirrors
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                let url = m.urls.https.as_deref().or(m.urls.http.as_deref())?;
                let carried: Vec<usize> = (0..units.len()).filter(|&k| copies.carries(i, units[k])).collect();
                if carried.is_empty() {
                    return None;
                }
                let which = if carried.len() == units.len() { Value::Null } else { json!(carried) };
                Some(json!([
                    m.id,
                    m.name,
                    m.country,
                    degrees(m.lat),
                    degrees(m.lon),
                    m.bandwidth,
                    url,
                    u8::from(m.backup),
                    which,
                    m.sponsor,
                    self.logos.path(&m.id),
                    // The stamp its list took the project in: before, it had none of it.
                    carried.iter().map(|&k| self.freshness.from(i, units[k])).max().unwrap_or(0)
                ]))
            })
            .collect();
        let doc = Selection {
            format: 3,
            primary: &self.registry.primary.name,
            units: units.iter().map(|&u| copies.units[u].key.as_str()).collect(),
            fields: FIELDS,
            mirrors,
            withheld: self
                .held
                .iter()
                .filter(|h| h.project == project.name)
                .flat_map(|h| h.changed.iter().map(String::as_str))
                .collect(),
        };
        let mut text = serde_json::to_string(&doc).context("cannot encode a project's mirrors.json")?;
        text.push('\n');
        Ok(text.into_bytes())
    }

    /// The site's `status.json`: the mirrors' state at the last probe, for every project's
    /// pages (see the module docs).
    pub(super) fn status_json(&self) -> Result<Vec<u8>> {
        let serving = (0..self.registry.mirrors.len())
            .filter(|&i| self.fresh(i).ok && !self.fresh(i).stale)
            .map(|i| (self.registry.mirrors[i].id.as_str(), [self.fresh(i).stamp, self.fresh(i).synced_at]))
            .collect();
        let doc = Status {
            format: 1,
            probed_at: self.freshness.probed_at,
            primary_stamp: self.freshness.primary_stamp,
            fields: ["stamp", "synced_at"],
            serving,
        };
        let mut text = serde_json::to_string(&doc).context("cannot encode status.json")?;
        text.push('\n');
        Ok(text.into_bytes())
    }
}
