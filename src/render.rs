//! Turns the planned tree into the files of the static site: pages from tera templates
//! (defaults embedded in the binary, overridable from `templates/`), the stylesheet,
//! checksum sidecars and lists, and copies of KEYS and signatures. Everything from the
//! registry, front matter or file names reaches HTML through tera's autoescaping; URLs
//! are built here, percent-encoded, from validated bases.

use crate::content::Content;
use crate::digest::hex;
use crate::manifest;
use crate::plan::{Plan, ProjectPlan};
use crate::registry::{Registry, continent_name};
use crate::scan::{Artifact, Project, Release, Tree};
use crate::text::{date, datetime, human_bandwidth, human_size, rfc3339, shell_quote, url_path};
use crate::write::Sink;
use anyhow::{Context as _, Result, anyhow};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use tera::{Context, Tera};

/// The default templates and assets, embedded so the binary works on its own.
const DEFAULTS: &[(&str, &str)] = &[
    ("base.html", include_str!("default_templates/base.html")),
    ("index.html", include_str!("default_templates/index.html")),
    ("project.html", include_str!("default_templates/project.html")),
    ("release.html", include_str!("default_templates/release.html")),
    ("mirrors.html", include_str!("default_templates/mirrors.html")),
    ("artifacts.html", include_str!("default_templates/artifacts.html")),
    ("mirror_table.html", include_str!("default_templates/mirror_table.html")),
    ("feed.xml", include_str!("default_templates/feed.xml")),
    ("style.css", include_str!("default_templates/style.css")),
    ("closer.js", include_str!("default_templates/closer.js")),
    ("zones.js", include_str!("default_templates/zones.js")),
];

/// Compiled templates and the static assets.
pub struct Templates {
    tera: Tera,
    assets: BTreeMap<String, Vec<u8>>,
}

/// Loads the embedded templates, overridden by same-named files in `dir`; other `.html`
/// files in `dir` are added (for includes). Errors name the template and the line.
pub fn load_templates(dir: Option<&Path>) -> Result<Templates> {
    let mut sources: BTreeMap<String, String> = DEFAULTS.iter().map(|(n, s)| (n.to_string(), s.to_string())).collect();
    if let Some(dir) = dir.filter(|d| d.exists()) {
        for entry in
            std::fs::read_dir(dir).with_context(|| format!("cannot read templates directory `{}`", dir.display()))?
        {
            let entry = entry.with_context(|| format!("cannot read templates directory `{}`", dir.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !(name.ends_with(".html") || name.ends_with(".css") || name.ends_with(".xml") || name.ends_with(".js")) {
                continue;
            }
            sources.insert(name, crate::fs::read_to_string(&entry.path())?);
        }
    }
    let mut assets = BTreeMap::new();
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    let mut pages = Vec::new();
    for (name, src) in sources {
        // Stylesheets and scripts are copied as they are; the rest are templates.
        if name.ends_with(".css") || name.ends_with(".js") {
            assets.insert(name, src.into_bytes());
        } else {
            pages.push((name, src));
        }
    }
    tera.add_raw_templates(pages.iter().map(|(n, s)| (n.as_str(), s.as_str()))).map_err(|e| {
        anyhow!(
            "template error{}: {}",
            dir.map(|d| format!(" (templates in `{}`)", d.display())).unwrap_or_default(),
            tera_error(&e)
        )
    })?;
    Ok(Templates { tera, assets })
}

fn tera_error(e: &tera::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(cause) = src {
        s.push_str(&format!("\n  caused by: {cause}"));
        src = cause.source();
    }
    s
}

/// Everything the render stage reads.
pub struct Input<'a> {
    pub registry: &'a Registry,
    pub tree: &'a Tree,
    pub content: &'a Content,
    pub plan: &'a Plan,
    /// Unix time the site states as its generation time.
    pub generated_at: i64,
    /// The key that clearsigns each release's SHA512SUMS, if any.
    pub site_key: Option<&'a crate::pgp::SigningKey>,
    /// Where reusable signatures are kept.
    pub cache_dir: &'a Path,
    /// The stamp at which each current artifact appeared in the mirror lists.
    pub since: &'a crate::fresh::Since,
    /// Which mirrors are up, stale or down, and the primary's stamp.
    pub freshness: &'a crate::fresh::Freshness,
}

#[derive(Serialize)]
struct SiteCtx {
    title: String,
    description: String,
    intro_html: String,
    site_url: String,
    primary_name: String,
    primary_host: String,
    generated_at: String,
    generated_iso: String,
    closer_version: &'static str,
    mirror_count: usize,
    /// When the mirrors were last probed, if ever.
    probed_at: Option<String>,
    probed_iso: Option<String>,
    /// The stamp this build publishes.
    primary_stamp: i64,
    /// The site key that signs checksum lists: fingerprint, user id, and its file.
    site_key: Option<SiteKeyCtx>,
}

#[derive(Serialize)]
struct SiteKeyCtx {
    fingerprint: String,
    user_id: String,
    href: &'static str,
}

#[derive(Serialize, Clone)]
struct ArtifactRow {
    name: String,
    size: u64,
    size_h: String,
    url: String,
    sha512: String,
    sha256: String,
    sha512_href: String,
    sha256_href: String,
    md5_href: Option<String>,
    asc_href: Option<String>,
    /// Signature outcome (`good`, `missing`, ...), and who signed.
    sig: &'static str,
    signer: Option<String>,
    signer_fpr: Option<String>,
    /// The file's path in the release tree, URL-encoded, for closer.js to put after a
    /// mirror's base URL.
    path: String,
    project: String,
    /// The primary stamp at which the file appeared in the mirror lists.
    since: i64,
    meta4_href: String,
}

#[derive(Serialize, Clone)]
struct ReleaseRow {
    version: String,
    title: String,
    date: String,
    prerelease: bool,
    href: String,
    artifacts: Vec<ArtifactRow>,
    sums_href: String,
    sha256sums_href: String,
    notes_html: String,
    has_notes: bool,
    /// The reason, when the release is published although a signature is not good.
    unsigned_ok: Option<String>,
    sums_asc_href: Option<String>,
}

#[derive(Serialize)]
struct ArchivedRow {
    version: String,
    url: String,
}

#[derive(Serialize)]
struct ProjectCtx {
    name: String,
    title: String,
    description: String,
    homepage: Option<String>,
    intro_html: String,
    href: String,
    keys_href: Option<String>,
    keys_url: Option<String>,
    latest: Option<ReleaseRow>,
    archive_url: String,
}

#[derive(Serialize)]
struct MirrorRow {
    id: String,
    name: String,
    sponsor: Option<String>,
    logo: Option<String>,
    country: String,
    continent: String,
    continent_name: &'static str,
    lat: f64,
    lon: f64,
    bandwidth: u64,
    bandwidth_h: String,
    url: Option<String>,
    https: Option<String>,
    http: Option<String>,
    ftp: Option<String>,
    rsync: Option<String>,
    tier: u32,
    upstream: String,
    carries: String,
    backup: bool,
    /// `up`, `stale`, `down` or `unknown`, and the details of the last probe.
    status: &'static str,
    error: Option<String>,
    stamp: Option<i64>,
    checked: Option<String>,
    synced: Option<String>,
    lag_h: Option<String>,
    latency_ms: Option<u64>,
    /// An SVG sparkline of the lag over the probe history (built here, numbers only).
    chart: String,
    /// The operator's cron command: scripts/mirror-sync from the upstream's rsync URL.
    sync: String,
}

/// The newest releases a feed carries.
pub const FEED_ENTRIES: usize = 100;

/// A release in an Atom feed.
#[derive(Serialize)]
struct FeedEntry {
    title: String,
    id: String,
    url: String,
    updated: String,
    project: String,
    summary: String,
    /// Release notes and the list of files, as HTML (escaped once more by the template).
    content_html: String,
    #[serde(skip)]
    at: i64,
}

#[derive(Serialize)]
struct FeedCtx {
    title: String,
    subtitle: String,
    id: String,
    self_url: String,
    page_url: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

/// A mirror in the table of a download page.
#[derive(Serialize)]
struct PageMirror {
    id: String,
    name: String,
    country: String,
    continent_name: &'static str,
    status: &'static str,
    /// The project's directory on the mirror.
    url: Option<String>,
    /// Serves every file of the newest release on the page.
    has_release: bool,
}

/// An SVG sparkline of a mirror's lag over its probe history: a line for the lag (capped
/// at twice `stale_after`), a dashed line at `stale_after`, red ticks where it was down.
/// Only numbers reach the markup.
fn lag_chart(f: &crate::fresh::MirrorFresh, stale_after: i64) -> String {
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

/// Shell lines a downloader copies to verify an artifact.
#[derive(Serialize)]
struct Verify {
    fetch: String,
    sha512: String,
    keys: String,
    gpg: String,
}

fn release_date(release: &Release, page_date: Option<&String>) -> String {
    page_date.cloned().unwrap_or_else(|| date(release.artifacts.iter().map(|a| a.file.stat.mtime).max().unwrap_or(0)))
}

impl Input<'_> {
    fn artifact_row(&self, project: &Project, release: &Release, a: &Artifact, prefix: &str) -> ArtifactRow {
        let d = a.file.digests.as_ref();
        let sig = a.signature.as_ref();
        let base = format!("{prefix}{}", url_path(&a.name));
        ArtifactRow {
            name: a.name.clone(),
            size: a.file.stat.size,
            size_h: human_size(a.file.stat.size),
            url: format!(
                "{}{}/{}/{}",
                self.registry.primary.dist_url,
                url_path(&project.name),
                url_path(&release.version),
                url_path(&a.name)
            ),
            sha512: d.map(|d| hex(&d.sha512)).unwrap_or_default(),
            sha256: d.map(|d| hex(&d.sha256)).unwrap_or_default(),
            sha512_href: format!("{base}.sha512"),
            sha256_href: format!("{base}.sha256"),
            md5_href: self.registry.policy.legacy_md5.then(|| format!("{base}.md5")),
            asc_href: a.asc.as_ref().map(|_| format!("{base}.asc")),
            sig: sig.map(|s| s.outcome.as_str()).unwrap_or("missing"),
            signer: sig.and_then(|s| s.user_id.clone()),
            signer_fpr: sig.and_then(|s| s.fingerprint.as_deref().map(crate::verify::spaced_fingerprint)),
            path: url_path(&a.file.rel),
            project: project.name.clone(),
            since: self.since_of(a),
            meta4_href: format!("{base}.meta4"),
        }
    }

    /// The stamp at which an artifact appeared (the primary's current stamp if unknown).
    fn since_of(&self, a: &Artifact) -> i64 {
        self.since.get(&a.file.rel).unwrap_or(self.freshness.primary_stamp)
    }

    /// The mirrors serving a file of `project` that appeared at `since`.
    fn serving<'s>(&'s self, project: &'s str, since: i64) -> impl Iterator<Item = &'s crate::registry::Mirror> + 's {
        self.registry
            .mirrors
            .iter()
            .enumerate()
            .filter(move |(i, m)| self.freshness.serves(*i, m, project, since))
            .map(|(_, m)| m)
    }

    /// A release as a page shows it; `prefix` leads from the page to the project's
    /// directory (`""` on the project page, `"../"` on a release page).
    fn release_row(&self, project: &Project, release: &Release, prefix: &str) -> ReleaseRow {
        let page = self.content.releases.get(&(project.name.clone(), release.version.clone()));
        let matter = page.map(|p| &p.matter);
        ReleaseRow {
            version: release.version.clone(),
            title: matter
                .and_then(|m| m.title.clone())
                .unwrap_or_else(|| format!("{} {}", self.project_title(project), release.version)),
            date: release_date(release, matter.and_then(|m| m.date.as_ref())),
            prerelease: crate::version::is_prerelease(&release.version),
            href: format!("{prefix}{}/", url_path(&release.version)),
            artifacts: release
                .artifacts
                .iter()
                .map(|a| self.artifact_row(project, release, a, &format!("{prefix}{}/", url_path(&release.version))))
                .collect(),
            sums_href: format!("{prefix}{}/SHA512SUMS", url_path(&release.version)),
            sha256sums_href: format!("{prefix}{}/SHA256SUMS", url_path(&release.version)),
            notes_html: page.map(|p| p.html.clone()).unwrap_or_default(),
            has_notes: page.is_some_and(|p| !p.html.trim().is_empty()),
            unsigned_ok: matter.and_then(|m| m.unsigned_ok.clone()).filter(|_| {
                release
                    .artifacts
                    .iter()
                    .any(|a| a.signature.as_ref().is_none_or(|s| s.outcome != crate::pgp::Outcome::Good))
            }),
            sums_asc_href: self.site_key.map(|_| format!("{prefix}{}/SHA512SUMS.asc", url_path(&release.version))),
        }
    }

    fn project_title(&self, project: &Project) -> String {
        self.content
            .projects
            .get(&project.name)
            .and_then(|p| p.matter.title.clone())
            .unwrap_or_else(|| project.name.clone())
    }

    fn project_ctx(&self, project: &Project, prefix: &str) -> ProjectCtx {
        let plan = self.plan.project(&project.name);
        let latest =
            plan.and_then(|p| p.current.first()).map(|&i| self.release_row(project, &project.releases[i], prefix));
        self.project_ctx_with(project, prefix, latest)
    }

    /// [`Self::project_ctx`] with the latest release's row already made.
    fn project_ctx_with(&self, project: &Project, prefix: &str, latest: Option<ReleaseRow>) -> ProjectCtx {
        let page = self.content.projects.get(&project.name);
        let site = &self.registry.primary.site_url;
        ProjectCtx {
            name: project.name.clone(),
            title: self.project_title(project),
            description: page.and_then(|p| p.matter.description.clone()).unwrap_or_default(),
            homepage: page.and_then(|p| p.matter.homepage.clone()),
            intro_html: page.map(|p| p.html.clone()).unwrap_or_default(),
            href: format!("{}/", url_path(&project.name)),
            keys_href: project.keys.as_ref().map(|_| format!("{prefix}KEYS")),
            keys_url: project.keys.as_ref().map(|_| format!("{site}{}/KEYS", url_path(&project.name))),
            latest,
            archive_url: format!("{}{}/", self.registry.archive_url, url_path(&project.name)),
        }
    }

    fn verify_lines(&self, project: &Project, release: &Release) -> Option<Verify> {
        let a = release.artifacts.first()?;
        let site = &self.registry.primary.site_url;
        let base = a.name.rsplit('/').next().unwrap_or(&a.name);
        let rel = format!("{}/{}/{}", url_path(&project.name), url_path(&release.version), url_path(&a.name));
        Some(Verify {
            fetch: format!("curl -fLO {}", shell_quote(&format!("{}{rel}", self.registry.primary.dist_url))),
            sha512: format!(
                "curl -fLO {}\nsha512sum -c {}",
                shell_quote(&format!("{site}{rel}.sha512")),
                shell_quote(&format!("{base}.sha512"))
            ),
            keys: format!(
                "curl -fLO {}\ngpg --import KEYS",
                shell_quote(&format!("{site}{}/KEYS", url_path(&project.name)))
            ),
            gpg: format!(
                "curl -fLO {}\ngpg --verify {} {}",
                shell_quote(&format!("{site}{rel}.asc")),
                shell_quote(&format!("{base}.asc")),
                shell_quote(base)
            ),
        })
    }

    fn site_ctx(&self) -> SiteCtx {
        let m = &self.content.site.matter;
        SiteCtx {
            title: m.title.clone().unwrap_or_else(|| format!("{} downloads", self.registry.primary.name)),
            description: m.description.clone().unwrap_or_default(),
            intro_html: self.content.site.html.clone(),
            site_url: self.registry.primary.site_url.clone(),
            primary_name: self.registry.primary.name.clone(),
            primary_host: self.registry.primary.host.clone(),
            generated_at: datetime(self.generated_at),
            generated_iso: rfc3339(self.generated_at),
            closer_version: env!("CARGO_PKG_VERSION"),
            mirror_count: self.registry.mirrors.len(),
            probed_at: self.freshness.probed_at.map(datetime),
            probed_iso: self.freshness.probed_at.map(rfc3339),
            primary_stamp: self.freshness.primary_stamp,
            site_key: self.site_key.map(|k| SiteKeyCtx {
                fingerprint: crate::verify::spaced_fingerprint(&k.fingerprint()),
                user_id: k.user_id().unwrap_or_default(),
                href: "site-key.asc",
            }),
        }
    }

    /// `mirror-sync [--list ID] SOURCE /srv/mirror/ID/`, SOURCE being the upstream's rsync
    /// URL (the primary's, or the upstream mirror's).
    fn sync_line(&self, m: &crate::registry::Mirror) -> String {
        let source = match m.upstream.as_deref().and_then(|u| self.registry.mirror(u)) {
            Some(up) => up.urls.rsync.clone().unwrap_or_else(|| format!("rsync://<{} has no rsync URL>/", up.id)),
            None => {
                self.registry.primary.rsync_url.clone().unwrap_or_else(|| "rsync://<primary has no rsync_url>/".into())
            }
        };
        let list = if m.is_partial() { format!("--list {} ", m.id) } else { String::new() };
        // A mirror that partial mirrors pull from carries their lists for them.
        let serves_partial =
            self.registry.mirrors.iter().any(|o| o.is_partial() && o.upstream.as_deref() == Some(&m.id));
        let carry = if serves_partial && !m.is_partial() { "--carry-lists " } else { "" };
        format!("mirror-sync {carry}{list}{source} /srv/mirror/{}/", m.id)
    }

    /// Every release of `project` (or of all projects), newest first: current ones link
    /// their page, archived ones the archive. Ids are page URLs, which do not change when
    /// a release is archived.
    fn feed_ctx(&self, site: &Site, project: Option<&Project>) -> Context {
        let base = &self.registry.primary.site_url;
        // Dates first, to keep the newest; then only those are rendered.
        let projects: Vec<&Project> = match project {
            Some(p) => vec![p],
            None => self.tree.projects.values().collect(),
        };
        let mut releases: Vec<(i64, &Project, &Release)> = Vec::new();
        for p in projects {
            for r in &p.releases {
                let page = self.content.releases.get(&(p.name.clone(), r.version.clone()));
                let at = page
                    .and_then(|pg| pg.matter.date.as_deref())
                    .and_then(crate::text::parse_date)
                    .unwrap_or_else(|| r.artifacts.iter().map(|a| a.file.stat.mtime).max().unwrap_or(0));
                releases.push((at, p, r));
            }
        }
        releases.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| a.1.name.cmp(&b.1.name))
                .then_with(|| crate::version::compare(&b.2.version, &a.2.version))
        });
        // Feed readers want news, not the whole history (which the pages have).
        releases.truncate(FEED_ENTRIES);
        let entries: Vec<FeedEntry> = releases
            .into_iter()
            .map(|(at, p, r)| {
                let page = self.content.releases.get(&(p.name.clone(), r.version.clone()));
                let rel = format!("{}/{}/", url_path(&p.name), url_path(&r.version));
                let url = if self.plan.is_current(&p.name, &r.version, self.tree) {
                    format!("{base}{rel}")
                } else {
                    format!("{}{rel}", self.registry.archive_url)
                };
                let names: Vec<&str> = r.artifacts.iter().map(|a| a.name.as_str()).collect();
                let mut content_html = page.map(|pg| pg.html.clone()).unwrap_or_default();
                content_html.push_str("<p>Files:</p><ul>");
                for n in &names {
                    content_html.push_str(&format!("<li>{}</li>", crate::text::escape(n)));
                }
                content_html.push_str("</ul>");
                FeedEntry {
                    title: page
                        .and_then(|pg| pg.matter.title.clone())
                        .unwrap_or_else(|| format!("{} {}", self.project_title(p), r.version)),
                    id: format!("{base}{rel}"),
                    url,
                    updated: rfc3339(at),
                    project: p.name.clone(),
                    summary: format!("{} {}: {}", self.project_title(p), r.version, names.join(", ")),
                    content_html,
                    at,
                }
            })
            .collect();
        let (title, subtitle, dir) = match project {
            Some(p) => (
                format!("{} releases", self.project_title(p)),
                format!("New releases of {}", self.project_title(p)),
                format!("{}/", url_path(&p.name)),
            ),
            None => (
                format!("{}: new releases", site.ctx.title),
                format!("New releases from {}", site.ctx.primary_name),
                String::new(),
            ),
        };
        let feed = FeedCtx {
            title,
            subtitle,
            id: format!("{base}{dir}feed.xml"),
            self_url: format!("{base}{dir}feed.xml"),
            page_url: format!("{base}{dir}"),
            updated: rfc3339(entries.first().map(|e| e.at).unwrap_or(self.generated_at)),
            entries,
        };
        let mut ctx = base_ctx(site, "", &feed.title, "feed");
        ctx.insert("feed", &feed);
        ctx
    }

    fn fresh(&self, i: usize) -> &crate::fresh::MirrorFresh {
        static NEVER: std::sync::OnceLock<crate::fresh::MirrorFresh> = std::sync::OnceLock::new();
        self.freshness.mirrors.get(i).unwrap_or_else(|| NEVER.get_or_init(Default::default))
    }

    /// The mirror table of a download page, for choosing by hand (and without JavaScript):
    /// every mirror that carries the project, and whether it serves `release` now.
    fn page_mirrors(&self, project: &Project, release: Option<&Release>) -> Vec<PageMirror> {
        let newest = release.map(|r| r.artifacts.iter().map(|a| self.since_of(a)).max().unwrap_or(0));
        self.registry
            .mirrors
            .iter()
            .enumerate()
            .filter(|(_, m)| m.carries(&project.name))
            .map(|(i, m)| PageMirror {
                id: m.id.clone(),
                name: m.name.clone(),
                country: m.country.clone(),
                continent_name: continent_name(&m.continent),
                status: self.fresh(i).status(),
                url: m.urls.download().map(|u| format!("{u}{}/", url_path(&project.name))),
                has_release: newest.is_some_and(|t| self.freshness.serves(i, m, &project.name, t)),
            })
            .collect()
    }

    /// `site/mirrors.json`: what closer.js chooses from.
    fn mirrors_json(&self) -> Result<Vec<u8>> {
        let projects: Vec<&String> = self.tree.projects.keys().collect();
        let mirrors: Vec<serde_json::Value> = self
            .registry
            .mirrors
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let f = self.fresh(i);
                serde_json::json!({
                    "id": m.id,
                    "name": m.name,
                    "sponsor": m.sponsor,
                    "logo": m.logo,
                    "country": m.country,
                    "continent": m.continent,
                    "lat": m.lat,
                    "lon": m.lon,
                    "bandwidth": m.bandwidth,
                    "urls": m.urls,
                    "tier": m.tier,
                    "upstream": m.upstream,
                    "backup": m.backup,
                    // What a partial mirror carries; a full mirror carries every project.
                    "partial": m.is_partial(),
                    "projects": if m.is_partial() {
                        projects.iter().filter(|p| m.carries(p)).collect::<Vec<_>>()
                    } else {
                        Vec::new()
                    },
                    "status": f.status(),
                    "ok": f.ok,
                    "stale": f.stale,
                    "stamp": f.stamp,
                    "checked_at": f.checked_at,
                    "synced_at": f.synced_at,
                    "lag": f.lag,
                })
            })
            .collect();
        let doc = serde_json::json!({
            "format": 1,
            "generated_at": self.generated_at,
            "probed_at": self.freshness.probed_at,
            "stale_after": self.registry.policy.stale_after_secs,
            "primary": {
                "name": self.registry.primary.name,
                "host": self.registry.primary.host,
                "url": self.registry.primary.dist_url,
                "stamp": self.freshness.primary_stamp,
            },
            "mirrors": mirrors,
        });
        let mut text = serde_json::to_string_pretty(&doc).context("cannot encode mirrors.json")?;
        text.push('\n');
        Ok(text.into_bytes())
    }

    /// The Metalink of an artifact: the mirrors serving it, best tier first, then the primary.
    fn metalink(&self, project: &Project, a: &Artifact, signature: Option<&str>) -> Option<String> {
        let d = a.file.digests.as_ref()?;
        let path = url_path(&a.file.rel);
        let mut urls: Vec<crate::metalink::Url> = self
            .serving(&project.name, self.since_of(a))
            .filter_map(|m| {
                let base = m.urls.download()?;
                Some(crate::metalink::Url {
                    url: format!("{base}{path}"),
                    location: Some(m.country.to_ascii_lowercase()),
                    priority: m.tier + if m.backup { 10 } else { 0 },
                })
            })
            .collect();
        urls.push(crate::metalink::Url {
            url: format!("{}{path}", self.registry.primary.dist_url),
            location: None,
            priority: 100,
        });
        Some(crate::metalink::metalink(&crate::metalink::File {
            name: a.name.rsplit('/').next().unwrap_or(&a.name),
            size: a.file.stat.size,
            sha256: &hex(&d.sha256),
            sha512: &hex(&d.sha512),
            signature,
            urls: &urls,
            published: self.generated_at,
        }))
    }

    fn mirror_rows(&self) -> Vec<MirrorRow> {
        let projects: Vec<&String> = self.tree.projects.keys().collect();
        self.registry
            .mirrors
            .iter()
            .enumerate()
            .map(|(i, m)| MirrorRow {
                id: m.id.clone(),
                name: m.name.clone(),
                sponsor: m.sponsor.clone(),
                logo: m.logo.clone(),
                country: m.country.clone(),
                continent: m.continent.clone(),
                continent_name: continent_name(&m.continent),
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
                carries: if m.is_partial() {
                    let c: Vec<&str> = projects.iter().filter(|p| m.carries(p)).map(|p| p.as_str()).collect();
                    if c.is_empty() { "nothing yet".into() } else { c.join(", ") }
                } else {
                    "everything".into()
                },
                backup: m.backup,
                status: self.fresh(i).status(),
                error: self.fresh(i).error.clone(),
                stamp: self.fresh(i).stamp,
                checked: self.fresh(i).checked_at.map(datetime),
                synced: self.fresh(i).synced_at.map(datetime),
                lag_h: self.fresh(i).lag.map(crate::text::age),
                latency_ms: self.fresh(i).latency_ms,
                chart: lag_chart(self.fresh(i), self.registry.policy.stale_after_secs as i64),
                sync: self.sync_line(m),
            })
            .collect()
    }
}

/// The site's context, made once: every page shares it (a tera value is reference-counted).
struct Site {
    ctx: SiteCtx,
    value: tera::Value,
}

fn base_ctx(site: &Site, root: &str, title: &str, nav: &str) -> Context {
    let mut ctx = Context::new();
    ctx.insert_value("site", site.value.clone());
    ctx.insert("root", root);
    ctx.insert("page_title", title);
    ctx.insert("nav", nav);
    ctx
}

/// Renders the whole site into memory.
/// A page to render; its context is built on the thread that renders it, so that only
/// a few contexts exist at a time.
enum Page<'a> {
    Index,
    Mirrors,
    /// The Atom feed of every project's releases, or of one project's.
    Feed(Option<&'a Project>),
    Project(&'a Project, &'a ProjectPlan),
    /// A release, with its project's context as release pages see it (made once for all
    /// of the project's releases).
    Release(&'a Project, &'a Release, &'a tera::Value),
}

impl Input<'_> {
    fn page(&self, page: &Page, site: &Site) -> (String, &'static str, Context) {
        match *page {
            Page::Index => {
                let projects: Vec<ProjectCtx> = self
                    .tree
                    .projects
                    .values()
                    .map(|p| self.project_ctx(p, &format!("{}/", url_path(&p.name))))
                    .collect();
                let mut ctx = base_ctx(site, "", &site.ctx.title, "home");
                ctx.insert("projects", &projects);
                ("index.html".into(), "index.html", ctx)
            }
            Page::Mirrors => {
                let mut ctx = base_ctx(site, "", "Mirrors", "mirrors");
                let rows = self.mirror_rows();
                let count = |s: &str| rows.iter().filter(|m| m.status == s).count();
                ctx.insert(
                    "counts",
                    &serde_json::json!({"up": count("up"), "stale": count("stale"), "down": count("down"), "unknown": count("unknown")}),
                );
                ctx.insert("stale_after", &crate::text::age(self.registry.policy.stale_after_secs as i64));
                ctx.insert("mirrors", &rows);
                ctx.insert("primary", &self.registry.primary);
                ("mirrors.html".into(), "mirrors.html", ctx)
            }
            Page::Feed(project) => {
                let ctx = self.feed_ctx(site, project);
                let path = match project {
                    Some(p) => format!("{}/feed.xml", p.name),
                    None => "feed.xml".into(),
                };
                (path, "feed.xml", ctx)
            }
            Page::Project(project, plan) => {
                let pdir = url_path(&project.name);
                let current: Vec<ReleaseRow> =
                    plan.current.iter().map(|&i| self.release_row(project, &project.releases[i], "")).collect();
                let pctx = self.project_ctx_with(project, "", current.first().cloned());
                let archived: Vec<ArchivedRow> = plan
                    .archived
                    .iter()
                    .map(|&i| {
                        let v = &project.releases[i].version;
                        ArchivedRow {
                            version: v.clone(),
                            url: format!("{}{}/{}/", self.registry.archive_url, pdir, url_path(v)),
                        }
                    })
                    .collect();
                let verify = plan.current.first().and_then(|&i| self.verify_lines(project, &project.releases[i]));
                let mut ctx = base_ctx(site, "../", &pctx.title, "project");
                ctx.insert("project", &pctx);
                ctx.insert("current", &current);
                ctx.insert("archived", &archived);
                ctx.insert("verify", &verify);
                ctx.insert(
                    "page_mirrors",
                    &self.page_mirrors(project, plan.current.first().map(|&i| &project.releases[i])),
                );
                (format!("{}/index.html", project.name), "project.html", ctx)
            }
            Page::Release(project, release, project_ctx) => {
                let row = self.release_row(project, release, "../");
                let mut ctx = base_ctx(site, "../../", &row.title, "release");
                ctx.insert_value("project", project_ctx.clone());
                ctx.insert("release", &row);
                ctx.insert("verify", &self.verify_lines(project, release));
                (format!("{}/{}/index.html", project.name, release.version), "release.html", ctx)
            }
        }
    }

    /// The files of a current release that are not pages: checksum lists and sidecars,
    /// signature copies and Metalinks.
    fn release_files(&self, project: &Project, release: &Release) -> Result<Vec<SiteFile>> {
        let mut out = Vec::new();
        let algos = manifest::published(self.registry.policy.legacy_md5);
        let dir = format!("{}/{}", project.name, release.version);
        for a in &release.artifacts {
            let Some(d) = &a.file.digests else { continue };
            for &algo in &algos {
                if let Some(line) = manifest::sidecar(d, algo, &a.name) {
                    out.push(SiteFile::new(format!("{dir}/{}.{}", a.name, algo.ext()), line.into_bytes()));
                }
            }
            let asc = match &a.asc {
                Some(asc) => Some(crate::fs::read(&self.tree.root.join(&asc.rel))?),
                None => None,
            };
            let sig_text = asc.as_deref().and_then(|b| std::str::from_utf8(b).ok());
            if let Some(m) = self.metalink(project, a, sig_text) {
                out.push(SiteFile::new(format!("{dir}/{}.meta4", a.name), m.into_bytes()));
            }
            if let Some(asc) = asc {
                out.push(SiteFile::new(format!("{dir}/{}.asc", a.name), asc));
            }
        }
        for &algo in &algos {
            let mut sums = SiteFile::new(
                format!("{dir}/{}", manifest::sums_name(algo)),
                manifest::sums(release, algo).into_bytes(),
            );
            // With one artifact the list is its sidecar, byte for byte: the same file.
            sums.same_as = out.iter().find(|f| f.bytes == sums.bytes).map(|f| f.rel.clone());
            out.push(sums);
        }
        Ok(out)
    }
}

/// A file of the site that is not a page.
struct SiteFile {
    rel: String,
    bytes: Vec<u8>,
    /// A file before it in the same directory with the same bytes.
    same_as: Option<String>,
}

impl SiteFile {
    fn new(rel: String, bytes: Vec<u8>) -> SiteFile {
        SiteFile { rel, bytes, same_as: None }
    }
}

/// Renders the whole site, handing each file to `sink` as soon as it is made (the site
/// is never held in memory as a whole). Returns the number of files.
pub fn render(input: &Input, templates: &Templates, sink: &dyn Sink) -> Result<()> {
    let ctx = input.site_ctx();
    let site = Site { value: tera::Value::from_serializable(&ctx), ctx };
    let render_page = |page: &Page| -> Result<()> {
        let (path, template, ctx) = input.page(page, &site);
        let html = templates
            .tera
            .render(template, &ctx)
            .map_err(|e| anyhow!("cannot render {path} with template `{template}`: {}", tera_error(&e)))?;
        sink.put(&path, html.as_bytes())
    };
    let projects: Vec<(&Project, &ProjectPlan)> =
        input.tree.projects.values().filter_map(|p| input.plan.project(&p.name).map(|plan| (p, plan))).collect();
    // A project at a time, pages and files together: each directory is filled at once.
    // The checksum lists are kept (they are small) to be signed together at the end,
    // which reuses cached signatures (kernel.org's model: a clearsigned list per release).
    // The site-wide pages go alongside: the index alone takes as long as many projects.
    let sums = std::sync::Mutex::new(Vec::new());
    let top_pages = || [Page::Index, Page::Mirrors, Page::Feed(None)].par_iter().try_for_each(render_page);
    let project_pages = || {
        projects.par_iter().try_for_each(|&(project, plan)| {
            render_page(&Page::Project(project, plan))?;
            render_page(&Page::Feed(Some(project)))?;
            if sink.wants_files()
                && let Some(keys) = &project.keys
            {
                // The bytes the signatures were checked against, not a second read.
                let read;
                let bytes: &[u8] = match &project.keys_bytes {
                    Some(b) => b,
                    None => {
                        read = crate::fs::read(&input.tree.root.join(&keys.rel))?;
                        &read
                    }
                };
                sink.put(&format!("{}/KEYS", project.name), bytes)?;
            }
            let release_pages_ctx = tera::Value::from_serializable(&input.project_ctx(project, "../"));
            for &i in &plan.current {
                let release = &project.releases[i];
                render_page(&Page::Release(project, release, &release_pages_ctx))?;
                if !sink.wants_files() {
                    continue;
                }
                for SiteFile { rel, bytes, same_as } in input.release_files(project, release)? {
                    match &same_as {
                        Some(first) => sink.put_same(&rel, &bytes, first)?,
                        None => sink.put(&rel, &bytes)?,
                    }
                    if input.site_key.is_some() && rel.ends_with("/SHA512SUMS") {
                        sums.lock().unwrap_or_else(|e| e.into_inner()).push((format!("{rel}.asc"), bytes));
                    }
                }
            }
            Ok::<(), anyhow::Error>(())
        })
    };
    let (top, per_project) = rayon::join(top_pages, project_pages);
    top?;
    per_project?;
    if !sink.wants_files() {
        return Ok(());
    }
    if let Some(key) = input.site_key {
        let mut sums = sums.into_inner().unwrap_or_else(|e| e.into_inner());
        sums.sort();
        for (rel, bytes) in crate::sign::clearsign_all(key, sums, input.cache_dir)? {
            sink.put(&rel, &bytes)?;
        }
        sink.put("site-key.asc", &key.public_armored()?)?;
    }
    sink.put("mirrors.json", &input.mirrors_json()?)?;
    for (name, bytes) in &templates.assets {
        sink.put(name, bytes)?;
    }
    Ok(())
}
