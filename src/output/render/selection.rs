//! A project's selection data, `site/<project>/mirrors.json`: what closer.js on the
//! project's pages chooses from. Only the mirrors that carry the project and were up and
//! not stale at the last probe, each as a compact array (one base URL, coordinates to two
//! decimals, about a kilometre; the stamp), so a page's data grows with the mirrors that can serve it,
//! not with the registry. `site/mirrors.json` stays the whole registry, for scripts.

use super::Input;
use crate::model::tree::Project;
use anyhow::{Context as _, Result};
use serde::Serialize;
use serde_json::{Value, json};

/// The file closer.js reads on a project's pages (format 2).
#[derive(Serialize)]
struct Selection<'a> {
    format: u32,
    /// The primary's name, for "from <primary> (no mirror has this file yet)".
    primary: &'a str,
    /// The project's unit keys (what each link's `data-project` names); a mirror that
    /// carries only some lists their indices.
    units: Vec<&'a str>,
    /// The order of each mirror's array.
    fields: [&'static str; 13],
    mirrors: Vec<Value>,
    /// Files (paths under the mirrors' base) whose primary copy changed after they were
    /// published: only a mirror, with the verified bytes, may serve them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    withheld: Vec<&'a str>,
}

const FIELDS: [&str; 13] = [
    "id",
    "name",
    "country",
    "lat",
    "lon",
    "bandwidth",
    "url",
    "stamp",
    "synced_at",
    "backup",
    "units",
    "sponsor",
    "logo",
];

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
                let f = self.fresh(i);
                let url = m.urls.https.as_deref().or(m.urls.http.as_deref())?;
                let carried: Vec<usize> = (0..units.len()).filter(|&k| copies.carries(i, units[k])).collect();
                if !f.ok || f.stale || carried.is_empty() {
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
                    f.stamp,
                    f.synced_at,
                    u8::from(m.backup),
                    which,
                    m.sponsor,
                    self.logos.path(&m.id)
                ]))
            })
            .collect();
        let doc = Selection {
            format: 2,
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
}
