//! The Atom feeds: one of every project's releases at the top of the site, one per
//! project beside its page. Entry ids are page URLs, which do not change when a release
//! is archived.

use super::context::release_time;
use super::{Input, Site, base_ctx};
use crate::model::tree::{Project, Release};
use crate::util::text::{escape, rfc3339, url_path};
use serde::Serialize;
use tera::Context;

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

impl Input<'_> {
    /// The feed of `project`, or of all projects.
    pub(super) fn feed_ctx(&self, site: &Site, project: Option<&Project>) -> Context {
        let base = &self.registry.primary.site_url;
        let entries: Vec<FeedEntry> =
            self.newest_releases(project).into_iter().map(|(at, p, r)| self.feed_entry(at, p, r)).collect();
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
            updated: rfc3339(entries.first().map(|e| e.at).unwrap_or(self.time_of(project))),
            entries,
        };
        let mut ctx = base_ctx(site, "", &feed.title, "feed");
        ctx.insert("feed", &feed);
        ctx
    }

    /// Every release of `project` (or of all projects), current or archived but not
    /// withdrawn, newest first, at most [`FEED_ENTRIES`]: dates first, so only those are
    /// rendered.
    fn newest_releases<'t>(&'t self, project: Option<&'t Project>) -> Vec<(i64, &'t Project, &'t Release)> {
        let projects: Vec<&Project> = match project {
            Some(p) => vec![p],
            None => self.tree.projects.values().collect(),
        };
        let mut releases: Vec<(i64, &Project, &Release)> = Vec::new();
        for p in projects {
            for r in &p.releases {
                let page = self.content.release_page(&p.name, &r.id());
                // A withdrawn release is offered by no feed.
                if page.is_some_and(|pg| pg.matter.withdrawn.is_some()) {
                    continue;
                }
                releases.push((release_time(r, page.and_then(|pg| pg.matter.date.as_deref())), p, r));
            }
        }
        releases.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| a.1.name.cmp(&b.1.name))
                .then_with(|| crate::util::version::compare(&b.2.version, &a.2.version))
        });
        // Feed readers want news, not the whole history (which the pages have).
        releases.truncate(FEED_ENTRIES);
        releases
    }

    /// One release in a feed: current ones link their page, archived ones the archive.
    fn feed_entry(&self, at: i64, p: &Project, r: &Release) -> FeedEntry {
        let base = &self.registry.primary.site_url;
        let id = r.id();
        let page = self.content.release_page(&p.name, &id);
        let url = if self.plan.is_current(&p.name, &id, self.tree) {
            format!("{base}{}/{}/", url_path(&p.name), url_path(&id))
        } else {
            format!("{}{}/", self.registry.archive_url, url_path(&r.dir.rel))
        };
        let names: Vec<&str> = r.artifacts.iter().map(|a| a.name()).collect();
        let mut content_html = page.map(|pg| pg.html.clone()).unwrap_or_default();
        content_html.push_str("<p>Files:</p><ul>");
        for n in &names {
            content_html.push_str(&format!("<li>{}</li>", escape(n)));
        }
        content_html.push_str("</ul>");
        FeedEntry {
            title: page
                .and_then(|pg| pg.matter.title.clone())
                .unwrap_or_else(|| format!("{} {}", self.project_title(p), r.spoken_in(&p.name)))
                + if r.is_prerelease() { " (pre-release)" } else { "" },
            id: format!("{base}{}/{}/", url_path(&p.name), url_path(&id)),
            url,
            updated: rfc3339(at),
            project: p.name.clone(),
            summary: format!("{} {}: {}", self.project_title(p), r.spoken_in(&p.name), names.join(", ")),
            content_html,
            at,
        }
    }
}
