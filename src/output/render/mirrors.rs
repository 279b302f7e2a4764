//! Everything about the mirrors that the site shows: `mirrors.json` (what closer.js
//! chooses from), the rows of the mirrors page with their lag charts and sync commands,
//! and the mirror table of a download page.

use super::Input;
use crate::input::registry::{Mirror, Urls};
use crate::model::continent::Continent;
use crate::model::tree::{Project, Release};
use crate::plan::copies::MirrorFill;
use crate::plan::fresh::MirrorFresh;
use crate::util::text::{age, datetime, human_bandwidth, human_si, url_path};
use anyhow::{Context as _, Result};
use serde::Serialize;

/// `mirrors.json`, the selection data of closer.js. Its keys have always been in
/// alphabetical order (it was made through a `serde_json::Value`, whose maps sort them),
/// so the fields here are declared in that order, and the nested values are sorted one
/// at a time ([`Sorted`]): the file for a thousand partial mirrors is 8.5 MB, and as
/// one value it took 45 MB. Written around an empty list, into which
/// [`Input::mirrors_json`] puts the mirrors one at a time.
#[derive(Serialize)]
struct MirrorsJson<'a> {
    format: u32,
    generated_at: i64,
    mirrors: [(); 0],
    primary: Sorted<PrimaryJson<'a>>,
    probed_at: Option<i64>,
    stale_after: u64,
}

/// A value written with its maps' keys sorted: made a `serde_json::Value` (one mirror's,
/// small) just before it is written.
struct Sorted<T>(T);

impl<T: Serialize> Serialize for Sorted<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        serde_json::to_value(&self.0).map_err(serde::ser::Error::custom)?.serialize(s)
    }
}

#[derive(Serialize)]
struct PrimaryJson<'a> {
    name: &'a str,
    host: &'a str,
    url: &'a str,
    stamp: i64,
}

/// One mirror in `mirrors.json`: the registry's fields and the last probe's verdict.
#[derive(Serialize)]
struct MirrorJson<'a> {
    id: &'a str,
    name: &'a str,
    sponsor: &'a Option<String>,
    /// The sponsor's logo in the site (`logos/<id>.svg`), and where the registry says
    /// it is on the web (never loaded by a page).
    logo: Option<String>,
    logo_url: &'a Option<String>,
    country: &'a str,
    continent: Continent,
    lat: f64,
    lon: f64,
    bandwidth: u64,
    urls: &'a Urls,
    /// Has an `https` URL: the only kind a page served over https links to.
    https: bool,
    tier: u32,
    upstream: &'a Option<String>,
    backup: bool,
    /// What a partial mirror carries; a full mirror carries every project.
    partial: bool,
    projects: Vec<&'a str>,
    status: &'static str,
    ok: bool,
    stale: bool,
    stamp: Option<i64>,
    checked_at: Option<i64>,
    synced_at: Option<i64>,
    lag: Option<i64>,
}

#[derive(Serialize)]
pub(super) struct MirrorRow {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) sponsor: Option<String>,
    /// The sponsor's logo in the site, and the registry's remote one (a link only).
    pub(super) logo: Option<String>,
    pub(super) logo_url: Option<String>,
    pub(super) country: String,
    pub(super) continent: Continent,
    pub(super) continent_name: &'static str,
    pub(super) lat: f64,
    pub(super) lon: f64,
    pub(super) bandwidth: u64,
    pub(super) bandwidth_h: String,
    pub(super) url: Option<String>,
    pub(super) https: Option<String>,
    pub(super) http: Option<String>,
    pub(super) ftp: Option<String>,
    pub(super) rsync: Option<String>,
    pub(super) tier: u32,
    pub(super) upstream: String,
    /// What it carries, in words: everything, the projects its globs name, or what
    /// capacity bought it (a few unit keys, then a count).
    pub(super) carries: String,
    /// The mirrors table sorts the status column by this: the lag in seconds while up
    /// or stale, then down, then not probed.
    pub(super) sort_status: i64,
    /// With a capacity: the bytes assigned, the capacity, and the fill in percent.
    pub(super) assigned_h: Option<String>,
    pub(super) capacity_h: Option<String>,
    pub(super) fill: Option<u32>,
    pub(super) backup: bool,
    /// `up`, `stale`, `down` or `unknown`, and the details of the last probe.
    pub(super) status: &'static str,
    pub(super) error: Option<String>,
    pub(super) stamp: Option<i64>,
    pub(super) checked: Option<String>,
    /// The time of the primary's state it has (its stamp).
    pub(super) state_of: Option<String>,
    /// When the primary moved past that state, when it has not caught up since.
    pub(super) behind_since: Option<String>,
    pub(super) down_since: Option<String>,
    pub(super) lag_h: Option<String>,
    pub(super) latency_ms: Option<u64>,
    /// An SVG sparkline of the lag over the probe history (built here, numbers only).
    pub(super) chart: String,
    /// The operator's sync command: mirror-sync from the upstream's rsync URL.
    pub(super) sync: String,
    /// How to install mirror-sync and run that command from cron or systemd.
    pub(super) setup: super::tools::Setup,
    /// With `push`: the forced command for the operator's `authorized_keys`, which starts
    /// the same sync (and triggers the mirrors that pull from this one).
    pub(super) push_command: Option<String>,
}
/// A mirror's own page: its row, and every unit key it carries ("everything" for a full
/// mirror). The mirrors page says it in words: a thousand partial mirrors' keys in its
/// rows were megabytes of template values for a page that shows none of them.
#[derive(Serialize)]
pub(super) struct MirrorPage<'a> {
    #[serde(flatten)]
    pub(super) row: &'a MirrorRow,
    pub(super) carries_all: String,
}
/// The mirrors of one continent on a download page.
#[derive(Serialize)]
pub(super) struct MirrorGroup {
    pub(super) continent_name: &'static str,
    /// How many of them serve the release.
    pub(super) serving: usize,
    pub(super) mirrors: Vec<PageMirror>,
}

/// A mirror in the list of a download page.
#[derive(Serialize)]
pub(super) struct PageMirror {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) country: String,
    pub(super) status: &'static str,
    /// The project's directory on the mirror.
    pub(super) url: Option<String>,
    /// Serves every file of the newest release on the page.
    pub(super) has_release: bool,
    /// Has an `https` URL (pages served over https link to no other kind).
    pub(super) https: bool,
}
/// An SVG sparkline of a mirror's lag over its probe history: a line for the lag (capped
/// at twice `stale_after`), a dashed line at `stale_after`, red ticks where it was down.
/// Only numbers reach the markup.
pub(super) fn lag_chart(f: &MirrorFresh, stale_after: i64) -> String {
    const W: f64 = 160.0;
    const H: f64 = 28.0;
    let n = f.history.len();
    if n == 0 {
        return String::new();
    }
    let cap = (stale_after.max(60) * 2) as f64;
    let x = |i: usize| if n == 1 { W / 2.0 } else { i as f64 * W / (n - 1) as f64 };
    let y = |lag: i64| H - 2.0 - (lag as f64).min(cap) / cap * (H - 4.0);
    let mut svg = format!(
        "<svg class=\"lag\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"lag over the last {n} probes\"><title>lag over the last {n} probes; dashed: stale</title>"
    );
    svg.push_str(&format!("<line class=\"limit\" x1=\"0\" x2=\"{W}\" y1=\"{0:.1}\" y2=\"{0:.1}\"/>", y(stale_after)));
    let mut segment = String::new();
    let flush = |segment: &mut String, svg: &mut String| {
        if !segment.is_empty() {
            svg.push_str(&format!("<polyline points=\"{}\"/>", segment.trim_end()));
            segment.clear();
        }
    };
    for (i, (_, lag)) in f.history.iter().enumerate() {
        match lag {
            Some(l) => segment.push_str(&format!("{:.1},{:.1} ", x(i), y(*l))),
            None => {
                flush(&mut segment, &mut svg);
                svg.push_str(&format!("<line class=\"down\" x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"0\" y2=\"{H}\"/>", x(i)));
            }
        }
    }
    flush(&mut segment, &mut svg);
    svg.push_str("</svg>");
    svg
}

/// Where the mirrors page tells operators to keep the site key (`gpg --dearmor`ed).
pub(super) const KEYRING: &str = "/etc/closer/site-keyring.gpg";

impl Input<'_> {
    /// `mirror-sync [--list ID] SOURCE /srv/mirror/ID/`, SOURCE being the upstream's rsync
    /// URL (the primary's, or the upstream mirror's).
    pub(super) fn sync_line(&self, m: &Mirror) -> String {
        let source = match m.upstream.as_deref().and_then(|u| self.registry.mirror(u)) {
            Some(up) => up.urls.rsync.clone().unwrap_or_else(|| format!("rsync://<{} has no rsync URL>/", up.id)),
            None => {
                self.registry.primary.rsync_url.clone().unwrap_or_else(|| "rsync://<primary has no rsync_url>/".into())
            }
        };
        let list = if m.is_partial() { format!("--list {} ", m.id) } else { String::new() };
        // A mirror that partial mirrors pull from, directly or through other mirrors (a
        // tier-1 above a tier-2 above them), carries their lists for them: the tier-2's
        // `--carry-lists` found none at the tier-1.
        let serves_partial = self.registry.mirrors.iter().filter(|o| o.is_partial()).any(|o| self.pulls_from(o, m));
        let carry = if serves_partial && !m.is_partial() { "--carry-lists " } else { "" };
        // With a site key, the signed index and lists are checked against it.
        let keyring = if self.site_key.is_some() { format!("--keyring {KEYRING} ") } else { String::new() };
        // Quoted: it becomes a shell's words in a cron line, a systemd unit and an ssh
        // `command=` (the registry refuses a shell's characters in it besides).
        let source = crate::util::text::shell_quote(&source);
        format!("mirror-sync {keyring}{carry}{list}{source} /srv/mirror/{}/", m.id)
    }
    /// Whether `m` is on `o`'s way to the primary (its upstream, or theirs, ...).
    fn pulls_from(&self, o: &Mirror, m: &Mirror) -> bool {
        let mut at = o.upstream.as_deref();
        // (At most as many steps as mirrors: the registry refuses a circle, and this
        // stops on one all the same.)
        for _ in 0..self.registry.mirrors.len() {
            match at {
                Some(id) if id == m.id => return true,
                Some(id) => at = self.registry.mirror(id).and_then(|u| u.upstream.as_deref()),
                None => return false,
            }
        }
        false
    }
    fn setup(&self, m: &Mirror) -> super::tools::Setup {
        let line = self.sync_line(m);
        let args = line.strip_prefix("mirror-sync ").unwrap_or(&line);
        super::tools::setup(&self.registry.primary.site_url, args, self.site_key.is_some().then_some(KEYRING))
    }
    /// `command="/usr/local/bin/mirror-sync --detach [--then-push ...] ...",restrict`.
    fn push_command(&self, m: &Mirror) -> String {
        let line = self.sync_line(m);
        let args = line.strip_prefix("mirror-sync ").unwrap_or(&line);
        let pushes_downstream =
            self.registry.mirrors.iter().any(|o| o.push.is_some() && o.upstream.as_deref() == Some(m.id.as_str()));
        let then = if pushes_downstream { "--then-push /etc/closer/downstream " } else { "" };
        format!("command=\"{} --detach {then}{args}\",restrict", super::tools::INSTALLED)
    }
    pub(super) fn fresh(&self, i: usize) -> &MirrorFresh {
        static NEVER: std::sync::OnceLock<MirrorFresh> = std::sync::OnceLock::new();
        self.freshness.mirrors.get(i).unwrap_or_else(|| NEVER.get_or_init(Default::default))
    }
    /// The mirrors of a download page, for choosing by hand (and without JavaScript):
    /// every mirror that carries the project, by continent, and whether it serves
    /// `release` now.
    pub(super) fn page_mirrors(&self, project: &Project, release: Option<&Release>) -> Vec<MirrorGroup> {
        let newest = release.map(|r| r.artifacts.iter().map(|a| self.since_of(a)).max().unwrap_or(0));
        let copies = &self.plan.copies;
        let unit = release.and_then(|r| copies.unit_of_version(&project.name, &r.id()));
        let mut groups: Vec<MirrorGroup> = Vec::new();
        for (i, m) in self.registry.mirrors.iter().enumerate() {
            if !copies.carries_project(i, &project.name) {
                continue;
            }
            let row = PageMirror {
                id: m.id.clone(),
                name: m.name.clone(),
                country: m.country.clone(),
                status: self.fresh(i).status(),
                url: m.urls.download().map(|u| format!("{u}{}/", url_path(&project.name))),
                has_release: newest
                    .is_some_and(|t| unit.is_some_and(|u| copies.carries(i, u) && self.freshness.serves_unit(i, u, t))),
                https: m.urls.https.is_some(),
            };
            let name = m.continent.name();
            let group = match groups.iter().position(|g| g.continent_name == name) {
                Some(g) => &mut groups[g],
                None => {
                    groups.push(MirrorGroup { continent_name: name, serving: 0, mirrors: Vec::new() });
                    groups.last_mut().unwrap()
                }
            };
            group.serving += usize::from(row.has_release);
            group.mirrors.push(row);
        }
        groups.sort_by_key(|g| g.continent_name);
        groups
    }
    /// What mirror `m`, carrying units `keys`, carries, in words: at most ten unit keys,
    /// then a count.
    fn carries_words(&self, m: &Mirror, keys: &[&str]) -> String {
        if !m.is_partial() {
            return "everything".into();
        }
        let how = if m.capacity.is_some() { "by capacity: " } else { "" };
        match keys.len() {
            0 => format!("{how}nothing yet"),
            1..=10 => format!("{how}{}", keys.join(", ")),
            n => format!("{how}{}, and {} more (mirrors.json lists them)", keys[..10].join(", "), n - 10),
        }
    }
    /// One mirror's entry in `mirrors.json`.
    fn mirror_json(&self, i: usize) -> MirrorJson<'_> {
        let m = &self.registry.mirrors[i];
        let f = self.fresh(i);
        MirrorJson {
            id: &m.id,
            name: &m.name,
            sponsor: &m.sponsor,
            logo: self.logos.path(&m.id),
            logo_url: &m.logo,
            country: &m.country,
            continent: m.continent,
            lat: m.lat,
            lon: m.lon,
            bandwidth: m.bandwidth,
            urls: &m.urls,
            https: m.urls.https.is_some(),
            tier: m.tier,
            upstream: &m.upstream,
            backup: m.backup,
            partial: m.is_partial(),
            // The unit keys (closer.js matches a link's `data-project`).
            projects: if m.is_partial() { self.plan.copies.keys(i) } else { Vec::new() },
            status: f.status(),
            ok: f.ok,
            stale: f.stale,
            stamp: f.stamp,
            checked_at: f.checked_at,
            synced_at: f.synced_at,
            lag: f.lag,
        }
    }
    /// `site/mirrors.json`: what closer.js chooses from, in parts: the document up to its
    /// mirrors, each mirror, and the rest. Joined, they are the document as `serde_json`
    /// writes it whole; apart, the file of a thousand partial mirrors (8.5 MB) is never
    /// whole in memory beside the index page.
    pub(super) fn mirrors_json(&self) -> Result<impl Iterator<Item = Result<Vec<u8>>> + '_> {
        let primary = &self.registry.primary;
        let doc = MirrorsJson {
            format: 1,
            generated_at: self.generated_at,
            probed_at: self.freshness.probed_at,
            stale_after: self.registry.policy.stale_after_secs,
            primary: Sorted(PrimaryJson {
                name: &primary.name,
                host: &primary.host,
                url: &primary.dist_url,
                stamp: self.freshness.primary_stamp,
            }),
            mirrors: [],
        };
        let mut around = serde_json::to_vec_pretty(&doc).context("cannot encode mirrors.json")?;
        around.push(b'\n');
        let n = self.registry.mirrors.len();
        // Where the mirrors go: the empty list's `]`.
        const EMPTY: &[u8] = b"\"mirrors\": []";
        let at = around.windows(EMPTY.len()).position(|w| w == EMPTY).map(|p| p + EMPTY.len() - 1);
        let (head, tail) = match at {
            Some(at) if n > 0 => (around[..at].to_vec(), [&b"\n  "[..], &around[at..]].concat()),
            _ => (around, Vec::new()),
        };
        let mirrors = (0..n).map(move |i| {
            let one = serde_json::to_vec_pretty(&Sorted(self.mirror_json(i))).context("cannot encode mirrors.json")?;
            // Nested two levels down: every line four spaces in (no JSON string holds a
            // raw line break).
            let mut part = Vec::with_capacity(one.len() + one.len() / 8 + 8);
            part.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
            for &b in &one {
                part.push(b);
                if b == b'\n' {
                    part.extend_from_slice(b"    ");
                }
            }
            Ok(part)
        });
        let tail = (!tail.is_empty()).then_some(Ok(tail));
        Ok(std::iter::once(Ok(head)).chain(mirrors).chain(tail))
    }
    /// Every unit key mirror `i` carries, for its own page.
    pub(super) fn carries_all(&self, i: usize) -> String {
        match self.registry.mirrors[i].is_partial() {
            true => self.plan.copies.keys(i).join(", "),
            false => "everything".into(),
        }
    }
    pub(super) fn mirror_rows(&self, fills: &[MirrorFill]) -> Vec<MirrorRow> {
        self.registry
            .mirrors
            .iter()
            .enumerate()
            .map(|(i, m)| (i, m, if m.is_partial() { self.plan.copies.keys(i) } else { Vec::new() }))
            .map(|(i, m, keys)| MirrorRow {
                id: m.id.clone(),
                name: m.name.clone(),
                sponsor: m.sponsor.clone(),
                logo: self.logos.path(&m.id),
                logo_url: m.logo.clone(),
                country: m.country.clone(),
                continent: m.continent,
                continent_name: m.continent.name(),
                lat: m.lat,
                lon: m.lon,
                bandwidth: m.bandwidth,
                bandwidth_h: human_bandwidth(m.bandwidth),
                url: m.urls.download().map(str::to_string),
                https: m.urls.https.clone(),
                http: m.urls.http.clone(),
                ftp: m.urls.ftp.clone(),
                rsync: m.urls.rsync.clone(),
                tier: m.tier,
                upstream: m.upstream.clone().unwrap_or_else(|| "primary".into()),
                carries: self.carries_words(m, &keys),
                sort_status: match self.fresh(i).status() {
                    "up" | "stale" => self.fresh(i).lag.unwrap_or(0),
                    "down" => i64::MAX / 4,
                    _ => i64::MAX / 2,
                },
                assigned_h: fills.get(i).filter(|f| f.capacity.is_some()).map(|f| human_si(f.bytes)),
                capacity_h: m.capacity.map(human_si),
                fill: fills.get(i).and_then(|f| f.fill).map(|f| (f * 100.0).round() as u32),
                backup: m.backup,
                status: self.fresh(i).status(),
                error: self.fresh(i).error.clone(),
                stamp: self.fresh(i).stamp,
                checked: self.fresh(i).checked_at.map(datetime),
                state_of: self.fresh(i).stamp.map(datetime),
                behind_since: self
                    .fresh(i)
                    .synced_at
                    .filter(|_| self.fresh(i).lag.is_some_and(|l| l > 0))
                    .map(datetime),
                down_since: self.fresh(i).down_since.map(datetime),
                lag_h: self.fresh(i).lag.map(age),
                latency_ms: self.fresh(i).latency_ms,
                chart: lag_chart(self.fresh(i), self.registry.policy.stale_after_secs as i64),
                sync: self.sync_line(m),
                setup: self.setup(m),
                push_command: m.push.as_ref().map(|_| self.push_command(m)),
            })
            .collect()
    }
}
