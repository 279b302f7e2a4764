//! Which files a probe asks each mirror for, besides its stamp: a stamp alone says a
//! mirror is in sync even when its tree is gone (a reinstalled server answers 200 for
//! `zzz/time.txt` copied back, or a disk was emptied). Each probe HEADs two files the
//! mirror's stamp says it has (their `since` stamp is not later; `policy.probe_files`,
//! default 2), rotating over the releases with the number of probes so far, so that
//! probes every 10 minutes sample every release of a tree of up to 288 releases each
//! day. Three requests per mirror per probe in all. A file missing or of another size
//! makes the mirror broken: down, with no visitors.

use crate::input::registry::{Mirror, Registry};
use crate::model::listing::parse_filelist;
use crate::model::since::Since;
use std::collections::BTreeMap;
use std::path::Path;

/// The files of one mirror list, by release directory: (path, size, since).
type Releases = Vec<Vec<(String, u64, i64)>>;

/// Each list's files, read once per probe.
#[derive(Default)]
pub struct Samples {
    /// Files per mirror and probe.
    per_probe: usize,
    /// The full mirrors' list.
    top: String,
    lists: BTreeMap<String, Releases>,
    /// By list, the files not sampled: a held project's published files whose bytes
    /// changed since (path, size, since), each asked for on its own ([`Samples::changed`]).
    changed: BTreeMap<String, Vec<(String, u64, i64)>>,
}

impl Samples {
    /// Reads the full list and the partial mirrors' lists of the tree at `dist`, but the
    /// files `unsampled` names; a tree without lists or `since` (a probe before the first
    /// build) samples nothing.
    pub fn read(registry: &Registry, dist: &Path, unsampled: &std::collections::BTreeSet<String>) -> Samples {
        let Ok(Some(since)) = Since::read(dist) else { return Samples::default() };
        let per_probe = registry.policy.probe_files;
        if per_probe == 0 && unsampled.is_empty() {
            return Samples::default();
        }
        let top = crate::output::lists::full_list_path(registry);
        let mut out = Samples { per_probe, top, lists: BTreeMap::new(), changed: BTreeMap::new() };
        let mut names: Vec<String> = registry.mirrors.iter().map(|m| out.list_name(m, dist)).collect();
        names.sort();
        names.dedup();
        for name in names {
            let Ok(text) = std::fs::read_to_string(dist.join(&name)) else { continue };
            let Ok(entries) = parse_filelist(&text) else { continue };
            let mut by_dir: BTreeMap<&str, Vec<(String, u64, i64)>> = BTreeMap::new();
            for e in entries.iter().filter(|e| e.kind == 'f' && !e.path.starts_with("zzz/")) {
                let Some(at) = since.get(&e.path) else { continue };
                if unsampled.contains(&e.path) {
                    out.changed.entry(name.clone()).or_default().push((e.path.clone(), e.size, at));
                    continue;
                }
                let dir = e.path.rsplit_once('/').map_or("", |(d, _)| d);
                by_dir.entry(dir).or_default().push((e.path.clone(), e.size, at));
            }
            out.lists.insert(name, by_dir.into_values().collect());
        }
        out
    }

    /// The files to ask `m` for at its `probes`-th probe, when it serves `stamp`.
    pub fn pick(&self, m: &Mirror, dist: &Path, stamp: i64, probes: usize) -> Vec<(String, u64)> {
        let Some(releases) = self.lists.get(&self.list_name(m, dist)) else { return Vec::new() };
        let due: Vec<Vec<&(String, u64, i64)>> = releases
            .iter()
            .map(|r| r.iter().filter(|(_, _, at)| *at <= stamp).collect::<Vec<_>>())
            .filter(|r| !r.is_empty())
            .collect();
        let n = due.len();
        let mut out: Vec<(String, u64)> = (0..self.per_probe.min(n))
            .map(|j| {
                let r = &due[(probes * self.per_probe + j) % n];
                let (path, size, _) = r[(probes * self.per_probe / n.max(1)) % r.len()];
                (path.clone(), *size)
            })
            .collect();
        out.dedup();
        out
    }

    /// [`Samples::pick`], with the file that found `m` broken at the last probe asked
    /// first, while its list still has it and the stamp says the mirror does.
    pub fn pick_after(
        &self,
        m: &Mirror,
        dist: &Path,
        stamp: i64,
        probes: usize,
        broken: Option<&str>,
    ) -> Vec<(String, u64)> {
        let mut out = self.pick(m, dist, stamp, probes);
        let Some(broken) = broken.filter(|b| !out.iter().any(|(p, _)| p == b)) else { return out };
        let releases = self.lists.get(&self.list_name(m, dist));
        let entry = releases.into_iter().flatten().flatten().find(|(p, _, at)| p == broken && *at <= stamp);
        if let Some((path, size, _)) = entry {
            out.insert(0, (path.clone(), *size));
        }
        out
    }

    /// The files changed since they were published that `m`'s list names and its
    /// `stamp` says it has: a mirror that synced before the change has the published
    /// bytes, one that synced after cannot get them (mirror-sync refuses the primary's).
    pub fn changed(&self, m: &Mirror, dist: &Path, stamp: i64) -> Vec<(String, u64)> {
        let files = self.changed.get(&self.list_name(m, dist)).into_iter().flatten();
        files.filter(|(_, _, at)| *at <= stamp).map(|(p, n, _)| (p.clone(), *n)).collect()
    }

    /// The list a mirror pulls: its own under `zzz/lists/` when it has one, else the
    /// full one.
    fn list_name(&self, m: &Mirror, dist: &Path) -> String {
        let own = crate::output::lists::mirror_list_path(&m.id);
        if m.is_partial() && dist.join(&own).is_file() { own } else { self.top.clone() }
    }
}

/// HEADs each file under the mirror's `base` URL: an error names the first file that is
/// missing or of another size than the list's, as its path and what was wrong.
pub fn check(agent: &ureq::Agent, base: &str, files: &[(String, u64)]) -> Result<(), (String, String)> {
    let base = if base.ends_with('/') { base.to_string() } else { format!("{base}/") };
    for (path, size) in files {
        let url = format!("{base}{}", crate::util::text::url_path(path));
        let resp = super::same_host::call(agent, true, &url).map_err(|e| (path.clone(), format!("{path} ({e})")))?;
        let length = resp.headers().get("content-length").and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if let Some(n) = length.filter(|n| n != size) {
            return Err((path.clone(), format!("{path} has {n} bytes, the list says {size}")));
        }
    }
    Ok(())
}
