//! Turns the planned tree into the files of the static site: pages from tera templates
//! (`templates`), their contexts (`context`, `pages`, `feed`, `mirrors`), and the files
//! beside the pages (`files`). Everything from the registry, front matter or file names
//! reaches HTML through tera's autoescaping. It reads the signatures it copies, and
//! writes nothing itself: every file goes to a [`Sink`], the one writer's interface.

mod context;
mod copies;
mod download;
mod feed;
mod files;
mod list_lines;
mod metrics;
mod mirrors;
mod pages;
mod scripts_json;
mod selection;
mod templates;
mod tools;
mod verify_lines;
pub(crate) mod verify_sigstore;

pub use feed::FEED_ENTRIES;
pub use templates::{Templates, load_templates};
pub use verify_lines::Verify;

use crate::check::pgp::SigningKey;
use crate::input::content::Content;
use crate::input::registry::Registry;
use crate::model::since::Since;
use crate::model::tree::{Project, Tree};
use crate::output::write::Sink;
use crate::plan::fresh::Freshness;
use crate::plan::{Plan, ProjectPlan};
use anyhow::{Result, anyhow};
use context::SiteCtx;
use files::SiteFile;
use pages::SitePage;
use rayon::prelude::*;
use templates::tera_error;
use tera::Context;

/// Everything the render stage reads.
#[derive(Clone)]
pub struct Input<'a> {
    pub registry: &'a Registry,
    pub tree: &'a Tree,
    pub content: &'a Content,
    /// Sponsors' logos, copied into `site/logos/`.
    pub logos: &'a crate::input::logos::Logos,
    pub plan: &'a Plan,
    /// Unix time the site-wide pages state as their generation time.
    pub generated_at: i64,
    /// The time each project's pages state, when it is not `generated_at` (the later of
    /// the project's newest input and those every page reads): a release added to one
    /// project leaves every other project's pages as they were.
    pub project_times: std::collections::HashMap<String, i64>,
    /// Only these projects' pages and files, besides the site-wide ones (an incremental
    /// build: the other projects' directories are kept as they are); `None` for all.
    pub only: Option<&'a std::collections::BTreeSet<String>>,
    /// The key that clearsigns each release's SHA512SUMS, if any.
    pub site_key: Option<&'a SigningKey>,
    /// The stamp at which each current artifact appeared in the mirror lists.
    pub since: &'a Since,
    /// Which mirrors are up, stale or down, and the primary's stamp.
    pub freshness: &'a Freshness,
    /// Projects held back by their problems (their last good state is what is rendered).
    pub held: &'a [crate::model::held::Held],
    /// The site the last build wrote: a held project's signatures are copied from it
    /// when the tree's were replaced after they were checked.
    pub previous: Option<&'a std::path::Path>,
    /// The Sigstore trusted root the registry pins: published, and named in the verify
    /// lines, when it is not the public instance's.
    pub sigstore_root: Option<&'a crate::check::sigstore::PinnedRoot>,
}

/// The site's context, made once: every page shares it (a tera value is reference-counted).
struct Site {
    ctx: SiteCtx,
    value: tera::Value,
}

impl Input<'_> {
    /// Who holds what and how full, with the copies serving at the last probe (if any).
    fn copies_report(&self) -> crate::plan::copies::CopiesReport {
        use crate::plan::copies::{CopiesReport, Serving};
        let serving =
            self.freshness.probed_at.map(|_| Serving::new(self.freshness, &self.plan.copies, self.tree, self.since));
        CopiesReport::new(self.registry, &self.plan.copies, serving.as_ref())
    }

    /// The time the pages of `project` (or the site-wide pages) state.
    fn time_of(&self, project: Option<&Project>) -> i64 {
        project.and_then(|p| self.project_times.get(&p.name)).copied().unwrap_or(self.generated_at)
    }
}

impl Site {
    /// The site's context as a project's pages see it: the project's own time, and neither
    /// the primary stamp nor the probe's time, so that they change only when the project
    /// (or what they show of the mirrors) does.
    fn for_project(&self, at: i64) -> Site {
        use crate::util::text::{datetime, rfc3339};
        let ctx = SiteCtx {
            generated_at: datetime(at),
            generated_iso: rfc3339(at),
            primary_stamp: None,
            primary_stamp_at: None,
            probed_at: None,
            probed_iso: None,
            ..self.ctx.clone()
        };
        Site { value: tera::Value::from_serializable(&ctx), ctx }
    }
}

fn base_ctx(site: &Site, root: &str, title: &str, nav: &str) -> Context {
    let mut ctx = Context::new();
    ctx.insert_value("site", site.value.clone());
    ctx.insert("root", root);
    ctx.insert("page_title", title);
    ctx.insert("nav", nav);
    ctx
}

/// Renders the whole site, handing each file to `sink` as soon as it is made (the site
/// is never held in memory as a whole). Returns the `SHA512SUMS` lists to clearsign, by
/// the path of their signature, when there is a site key and `sink` wants files.
pub fn render(input: &Input, templates: &Templates, sink: &dyn Sink) -> Result<Vec<(String, Vec<u8>)>> {
    let ctx = input.site_ctx();
    let site = Site { value: tera::Value::from_serializable(&ctx), ctx };
    let render_page = |page: &SitePage, site: &Site| -> Result<()> {
        let (path, template, ctx) = input.page(page, site);
        let html = templates
            .tera
            .render(template, &ctx)
            .map_err(|e| anyhow!("cannot render {path} with template `{template}`: {}", tera_error(&e)))?;
        crate::util::fault::point("render");
        sink.put(&path, html.as_bytes())
    };
    let projects: Vec<(&Project, &ProjectPlan)> = input
        .tree
        .projects
        .values()
        .filter(|p| input.only.is_none_or(|only| only.contains(&p.name)))
        .filter_map(|p| input.plan.project(&p.name).map(|plan| (p, plan)))
        .collect();
    // A project at a time, pages and files together: each directory is filled at once.
    // The checksum lists are kept (they are small) to be signed together at the end,
    // which reuses cached signatures (kernel.org's model: a clearsigned list per release).
    // The site-wide pages go alongside: the index alone takes as long as many projects.
    let sums = std::sync::Mutex::new(Vec::new());
    let copies = input.copies_report();
    let rows = input.mirror_rows(&copies.mirrors);
    let top_pages = || {
        let mut pages = vec![SitePage::Index, SitePage::Mirrors(&rows, &copies), SitePage::Feed(None)];
        pages.extend(rows.iter().enumerate().map(|(i, row)| SitePage::Mirror(i, row)));
        pages.extend(input.left_projects().into_iter().map(|(name, page)| SitePage::Left(name, page)));
        pages.par_iter().try_for_each(|page| render_page(page, &site))
    };
    let project_pages = || {
        projects.par_iter().try_for_each(|&(project, plan)| {
            let site = &site.for_project(input.time_of(Some(project)));
            render_page(&SitePage::Project(project, plan), site)?;
            render_page(&SitePage::Feed(Some(project)), site)?;
            if sink.wants_files() {
                project_files(input, project, sink)?;
            }
            // A release's pages are one directory down from the project's, or two in a line.
            let mut release_pages_ctx: [Option<tera::Value>; 2] = [None, None];
            for &i in &plan.current {
                let release = &project.releases[i];
                let up = release.up();
                let ctx = release_pages_ctx[usize::from(release.line.is_some())]
                    .get_or_insert_with(|| tera::Value::from_serializable(&input.project_ctx(project, &up)));
                render_page(&SitePage::Release(project, release, ctx), site)?;
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
            let archived = |&i: &usize| render_page(&SitePage::Archived(project, plan, &project.releases[i]), site);
            plan.archived.iter().try_for_each(archived)
        })
    };
    // The site-wide files (the metrics take as long as the pages) go alongside too.
    let files = || if sink.wants_files() { site_files(input, templates, sink).map(Some) } else { Ok(None) };
    let ((top, per_project), files) = rayon::join(|| rayon::join(top_pages, project_pages), files);
    top?;
    per_project?;
    let Some(tool_sums) = files? else { return Ok(Vec::new()) };
    // Joined from the projects' own, put above (or kept, in an incremental build).
    sink.put_joined("releases.json", &mut input.releases_json_parts(sink))?;
    let mut sums = sums.into_inner().unwrap_or_else(|e| e.into_inner());
    if input.site_key.is_some() {
        sums.push(tool_sums);
    }
    sums.sort();
    Ok(sums)
}

/// A project's files beside its pages: its selection data and its KEYS.
fn project_files(input: &Input, project: &Project, sink: &dyn Sink) -> Result<()> {
    sink.put(&format!("{}/mirrors.json", project.name), &input.selection(project)?)?;
    if let Some(latest) = input.latest_json(project)? {
        sink.put(&format!("{}/latest.json", project.name), &latest)?;
    }
    if let Some(releases) = input.project_releases_json(project)? {
        sink.put(&format!("{}/releases.json", project.name), &releases)?;
    }
    if let Some(keys) = &project.keys {
        // The bytes the signatures were checked against, not a second read.
        let read;
        let bytes: &[u8] = match &project.keys_bytes {
            Some(b) => b,
            None => {
                read = crate::util::fs::read(&input.tree.root.join(&*keys.rel))?;
                &read
            }
        };
        sink.put(&format!("{}/KEYS", project.name), bytes)?;
    }
    Ok(())
}

/// The files of the site as a whole: the registry's mirrors.json, the mirrors' state for
/// the download pages (status.json), the metrics, the
/// sponsors' logos, the stylesheets and scripts, and mirror-sync. Returns mirror-sync's
/// SHA-512 file to clearsign.
fn site_files(input: &Input, templates: &Templates, sink: &dyn Sink) -> Result<(String, Vec<u8>)> {
    sink.put_joined("mirrors.json", &mut input.mirrors_json()?)?;
    sink.put("status.json", &input.status_json()?)?;
    sink.put("metrics", input.metrics().as_bytes())?;
    for (name, page) in input.left_projects() {
        sink.put(&format!("{name}/latest.json"), &input.left_json(name, page))?;
    }
    for (id, logo) in &input.logos.0 {
        sink.put(&format!("logos/{id}.{}", logo.ext), &logo.bytes)?;
    }
    for (name, bytes) in &templates.assets {
        sink.put(name, bytes)?;
    }
    if let Some(root) = input.sigstore_root.filter(|r| r.instance != crate::check::sigstore::Instance::Public) {
        sink.put(crate::output::render::verify_sigstore::ROOT_FILE, root.text.as_bytes())?;
    }
    tools::put(sink)
}

/// Puts the clearsigned checksum lists (made from what [`render`] returned) and the
/// site key's public half into the site.
pub fn put_signed(sink: &dyn Sink, key: &SigningKey, signed: Vec<(String, Vec<u8>)>) -> Result<()> {
    for (rel, bytes) in signed {
        sink.put(&rel, &bytes)?;
    }
    sink.put("site-key.asc", &key.public_armored()?)
}
