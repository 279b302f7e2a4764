//! The pages of the site, one function per kind: the index, the mirrors page, the feeds,
//! a project's download page and a release's page. Each returns its path, its template
//! and its context; the context is built on the thread that renders it.

use super::context::{ArchivedRow, ReleaseRow};
use super::mirrors::{MirrorPage, MirrorRow};
use super::{Input, Site, Verify, base_ctx};
use crate::model::tree::{Project, Release};
use crate::plan::ProjectPlan;
use crate::plan::copies::CopiesReport;
use crate::util::text::{age, url_path};
use tera::Context;

/// A page to render; its context is built on the thread that renders it, so that only
/// a few contexts exist at a time.
pub(super) enum SitePage<'a> {
    Index,
    /// The mirrors page, from every mirror's row and the copies report.
    Mirrors(&'a [MirrorRow], &'a CopiesReport),
    /// One mirror's page: its lag chart, what it carries, its sync command.
    Mirror(usize, &'a MirrorRow),
    /// The Atom feed of every project's releases, or of one project's.
    Feed(Option<&'a Project>),
    Project(&'a Project, &'a ProjectPlan),
    /// A release, with its project's context as release pages see it (made once for all
    /// of the project's releases).
    Release(&'a Project, &'a Release, &'a tera::Value),
    /// The page a project that left the tree keeps (`moved_to:` or `retired:`).
    Left(&'a str, &'a crate::input::content::Page<crate::input::content::ProjectMatter>),
    /// The page an archived or withdrawn release keeps at its address, where its
    /// announcement linked: what became of it, its archive, the newest release.
    Archived(&'a Project, &'a ProjectPlan, &'a Release),
}

/// A rendered page's place in the site, its template, and its context.
type PageParts = (String, &'static str, Context);

impl Input<'_> {
    pub(super) fn page(&self, page: &SitePage, site: &Site) -> PageParts {
        match *page {
            SitePage::Index => self.index_page(site),
            SitePage::Mirrors(rows, copies) => self.mirrors_page(site, rows, copies),
            SitePage::Mirror(i, row) => {
                let mut ctx = base_ctx(site, "../", &row.name, "mirrors");
                ctx.insert("mirror", &MirrorPage { row, carries_all: self.carries_all(i) });
                (format!("mirrors/{}.html", row.id), "mirror.html", ctx)
            }
            SitePage::Feed(project) => {
                let path = match project {
                    Some(p) => format!("{}/feed.xml", p.name),
                    None => "feed.xml".into(),
                };
                (path, "feed.xml", self.feed_ctx(site, project))
            }
            SitePage::Project(project, plan) => self.project_page(site, project, plan),
            SitePage::Release(project, release, project_ctx) => self.release_page(site, project, release, project_ctx),
            SitePage::Left(name, page) => self.left_page(site, name, page),
            SitePage::Archived(project, plan, release) => self.archived_page(site, project, plan, release),
        }
    }

    /// An archived (or withdrawn) release's page: its address stays, as announcements
    /// and verify lines gave it; it had been a 404 from the build that archived it.
    fn archived_page(&self, site: &Site, project: &Project, plan: &ProjectPlan, release: &Release) -> PageParts {
        let up = release.up();
        let project_title = self.content.projects.get(&project.name).and_then(|p| p.matter.title.clone());
        let project_title = project_title.unwrap_or_else(|| project.name.clone());
        let title = format!("{project_title} {}", release.spoken_in(&project.name));
        let mut ctx = base_ctx(site, &format!("../{up}"), &title, "");
        let page = self.content.release_page(&project.name, &release.id());
        ctx.insert("up", &up);
        ctx.insert("project_title", &project_title);
        ctx.insert("withdrawn", &page.and_then(|p| p.matter.withdrawn.clone()));
        ctx.insert("body", &page.map(|p| p.html.clone()));
        ctx.insert("archive", &format!("{}{}/", self.registry.archive_url, url_path(&release.dir.rel)));
        let latest = crate::plan::offered::offered_release(project, plan).map(|i| &project.releases[i]);
        let latest = latest.map(|r| {
            let title = format!("{project_title} {}", r.spoken_in(&project.name));
            serde_json::json!({ "title": title, "href": format!("{}/", url_path(&r.id())) })
        });
        ctx.insert("latest", &latest);
        (format!("{}/{}/index.html", project.name, release.id()), "archived.html", ctx)
    }

    /// Where a project that left the tree went, or why it retired, with its archive.
    fn left_page(
        &self,
        site: &Site,
        name: &str,
        page: &crate::input::content::Page<crate::input::content::ProjectMatter>,
    ) -> PageParts {
        let title = page.matter.title.as_deref().unwrap_or(name);
        let mut ctx = base_ctx(site, "../", title, "");
        if let Some(to) = &page.matter.moved_to {
            let href = if to.contains("://") { to.clone() } else { format!("../{}/", url_path(to)) };
            let named = self.content.projects.get(to).and_then(|p| p.matter.title.as_deref()).unwrap_or(to);
            ctx.insert("moved_to", &serde_json::json!({ "name": named, "href": href }));
        }
        ctx.insert("retired", &page.matter.retired);
        ctx.insert("archive", &format!("{}{}/", self.registry.archive_url, url_path(name)));
        ctx.insert("body", &page.html);
        (format!("{name}/index.html"), "moved.html", ctx)
    }

    /// What `latest.json` of a project that left the tree says: where it went, or that it
    /// retired, and its archive.
    pub(super) fn left_json(
        &self,
        name: &str,
        page: &crate::input::content::Page<crate::input::content::ProjectMatter>,
    ) -> Vec<u8> {
        let doc = serde_json::json!({
            "format": 1,
            "project": name,
            "moved_to": page.matter.moved_to,
            "retired": page.matter.retired,
            "archive": format!("{}{}/", self.registry.archive_url, url_path(name)),
        });
        let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// The pages of projects that left the tree on purpose (`moved_to:`, `retired:`).
    pub(super) fn left_projects(
        &self,
    ) -> Vec<(&str, &crate::input::content::Page<crate::input::content::ProjectMatter>)> {
        let left = self
            .content
            .projects
            .iter()
            .filter(|(name, page)| page.matter.left() && !self.tree.projects.contains_key(*name));
        left.map(|(name, page)| (name.as_str(), page)).collect()
    }

    fn index_page(&self, site: &Site) -> PageParts {
        // Each project's row is made a value at once: ten thousand rows held twice, as
        // rows and as values, were 60 MB.
        let projects: Vec<tera::Value> = self
            .tree
            .projects
            .values()
            .map(|p| tera::Value::from_serializable(&self.project_ctx_brief(p, &format!("{}/", url_path(&p.name)))))
            .collect();
        let mut ctx = base_ctx(site, "", &site.ctx.title, "home");
        ctx.insert_value("projects", tera::Value::from(projects));
        ("index.html".into(), "index.html", ctx)
    }

    fn mirrors_page(&self, site: &Site, rows: &[MirrorRow], copies: &CopiesReport) -> PageParts {
        let mut ctx = base_ctx(site, "", "Mirrors", "mirrors");
        ctx.insert("copies", &self.copies_ctx(copies));
        // Held projects for operators: the project and what is wrong (never a path of
        // the primary's disk).
        #[derive(serde::Serialize)]
        struct HeldRow<'a> {
            project: &'a str,
            state: &'a str,
            problems: Vec<String>,
        }
        let held: Vec<HeldRow> = self
            .held
            .iter()
            .map(|h| HeldRow {
                project: &h.project,
                state: if h.arriving { "arriving" } else { "held" },
                // The file's name, not its path on the primary (this page is public).
                problems: h
                    .problems
                    .iter()
                    .map(|p| {
                        let message = public_text(&p.message, &self.tree.root);
                        match p.place.file.rsplit('/').next().filter(|n| !n.is_empty()) {
                            Some(name) => format!("{name}: {message}"),
                            None => message,
                        }
                    })
                    .collect(),
            })
            .collect();
        ctx.insert("held", &held);
        let count = |s: &str| rows.iter().filter(|m| m.status == s).count();
        ctx.insert(
            "counts",
            &serde_json::json!({"up": count("up"), "stale": count("stale"), "down": count("down"), "unknown": count("unknown")}),
        );
        ctx.insert("stale_after", &age(self.registry.policy.stale_after_secs as i64));
        ctx.insert("valid_for", &age(self.registry.policy.valid_for_secs as i64));
        ctx.insert("keyring", super::mirrors::KEYRING);
        ctx.insert(
            "example_sync",
            &rows.first().map_or("mirror-sync rsync://primary/dist/ /srv/mirror/ID/", |m| m.sync.as_str()),
        );
        ctx.insert("mirrors", rows);
        ctx.insert("primary", &self.registry.primary);
        ("mirrors.html".into(), "mirrors.html", ctx)
    }

    fn project_page(&self, site: &Site, project: &Project, plan: &ProjectPlan) -> PageParts {
        let current: Vec<ReleaseRow> =
            plan.current.iter().map(|&i| self.release_row(project, &project.releases[i], "")).collect();
        // What the page offers first; the verify block and "latest" follow it.
        let offered = crate::plan::offered::offered(project, plan, self.content);
        let offered_at = offered.and_then(|o| Some((plan.current.iter().position(|&i| i == o.release)?, o.artifact)));
        let offered_row = offered_at.map(|(k, _)| &current[k]);
        let pctx = self.project_ctx_with(project, "", offered_row.or(current.first()).cloned());
        let archived: Vec<ArchivedRow> = plan
            .archived
            .iter()
            .map(|&i| {
                // The archive holds the release where the tree does: its own directory, or
                // the one its files sit in beside others'.
                let r = &project.releases[i];
                let page = self.content.release_page(&project.name, &r.id());
                ArchivedRow {
                    version: r.id(),
                    url: format!("{}{}/", self.registry.archive_url, url_path(&r.dir.rel)),
                    withdrawn: page.and_then(|p| p.matter.withdrawn.clone()),
                }
            })
            .collect();
        // Withdrawn releases are said apart, with why, newest first.
        let (withdrawn, archived): (Vec<ArchivedRow>, Vec<ArchivedRow>) =
            archived.into_iter().partition(|a| a.withdrawn.is_some());
        let verify = offered.and_then(|o| self.verify_lines(project, o.release(project), Some(o.artifact)));
        // By name: the page's rows show a file kept twice once (`context::shown`), so
        // their positions are not the release's.
        let offered_name = offered.map(|o| o.release(project).artifacts[o.artifact].name());
        let get = super::download::get_ctx(&project.name, &current, offered_at.map(|(k, _)| k).zip(offered_name));
        // The lines of each build the page may offer a visitor in its place (page.js shows
        // the one of the build it offers), after the offered file's.
        let builds: Vec<Verify> = offered
            .zip(get.as_ref())
            .map(|(o, g)| {
                let r = o.release(project);
                let at = |name: &str| r.artifacts.iter().position(|a| a.name() == name);
                let others = g.files.iter().filter(|f| !f.default).filter_map(|f| at(&f.row.name));
                others.filter_map(|i| self.verify_lines(project, r, Some(i))).collect()
            })
            .unwrap_or_default();
        let mut ctx = base_ctx(site, "../", &pctx.head.title, "project");
        ctx.insert("get", &get);
        ctx.insert("verifies", &verify.iter().chain(&builds).collect::<Vec<&Verify>>());
        ctx.insert("project", &pctx);
        ctx.insert("current", &current);
        ctx.insert("archived", &archived);
        ctx.insert("withdrawn", &withdrawn);
        ctx.insert("verify", &verify);
        ctx.insert("verify_release", &offered_row);
        ctx.insert("page_mirrors", &self.page_mirrors(project, plan.current.first().map(|&i| &project.releases[i])));
        ctx.insert("copies", &self.project_copies(&project.name));
        (format!("{}/index.html", project.name), "project.html", ctx)
    }

    fn release_page(&self, site: &Site, project: &Project, release: &Release, project_ctx: &tera::Value) -> PageParts {
        let up = release.up();
        let row = self.release_row(project, release, &up);
        let mut ctx = base_ctx(site, &format!("../{up}"), &row.head.title, "release");
        ctx.insert("up", &up);
        ctx.insert_value("project", project_ctx.clone());
        ctx.insert("release", &row);
        let offered = crate::plan::offered::offered_in(project, release, self.content);
        ctx.insert("verify", &self.verify_lines(project, release, offered));
        // Files signed another way than the one the lines are for (restic's binaries
        // through its signed `SHA256SUMS`, its sources by their own `.asc`): their lines
        // too, where "the same lines with its name" would fetch a signature that is not
        // there.
        // Files signed by another key of a tool whose lines name the key (minisign, SSH,
        // cosign, signify): a second release manager's Windows builds.
        let key = |a: &crate::model::tree::Artifact| {
            let good = |c: &&crate::model::signature::Check| c.outcome == crate::model::signature::Outcome::Good;
            a.minisign().filter(good).and_then(|c| c.fingerprint.clone())
        };
        let form = |a: &crate::model::tree::Artifact| {
            let kind = match (&a.asc, a.signed_uncompressed(), a.covered_by()) {
                (Some(_), _, _) => Some(0),
                (None, Some(_), _) => Some(1),
                (None, None, Some(_)) => Some(2),
                _ => None,
            };
            let key = key(a);
            (kind.is_some() || key.is_some()).then_some((kind, key))
        };
        let shown = offered.and_then(|i| release.artifacts.get(i)).and_then(form);
        let other = release
            .artifacts
            .iter()
            .position(|a| shown.is_some() && form(a).is_some_and(|f| Some(&f) != shown.as_ref()));
        ctx.insert("verify_also", &other.and_then(|i| self.verify_lines(project, release, Some(i))));
        // Files in several folders (OpenBSD's `7.6/` and `7.6/amd64/`, each with its own
        // list): "the same lines with its name" holds only within one.
        let folder = |a: &crate::model::tree::Artifact| a.file.rel.rsplit_once('/').map(|(d, _)| d.to_string());
        let folders: std::collections::BTreeSet<_> = release.artifacts.iter().map(folder).collect();
        ctx.insert("many_folders", &(folders.len() > 1));
        (format!("{}/{}/index.html", project.name, release.id()), "release.html", ctx)
    }
}

/// A problem's text as a public page may show it: paths in the release tree relative to
/// it, and any other absolute path (a link's target elsewhere on the primary) by its last
/// name alone: the primary's layout is not the world's business.
fn public_text(message: &str, root: &std::path::Path) -> String {
    let root = format!("{}/", root.display());
    let text = message.replace(&root, "");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find('/') {
        let starts_word = at == 0 || rest[..at].ends_with([' ', '`', '(', '\'', '"', '=']);
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if !starts_word {
            out.push('/');
            rest = &rest[1..];
            continue;
        }
        let end = rest.find([' ', '`', ')', '\'', '"', ',', ';']).unwrap_or(rest.len());
        let path = rest[..end].trim_end_matches(['.', ':']);
        let last = path.rsplit('/').find(|n| !n.is_empty()).unwrap_or("");
        out.push_str(&format!("…/{last}"));
        rest = &rest[path.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn public_text_keeps_the_primary_s_paths_to_itself() {
        let root = std::path::Path::new("/srv/closer/dist");
        let t = |m: &str| super::public_text(m, root);
        assert_eq!(
            t("signed by a key which is not in /srv/closer/dist/p030/KEYS"),
            "signed by a key which is not in p030/KEYS"
        );
        assert_eq!(
            t("p050 is a link to /home/ops/elsewhere/p050, outside the tree"),
            "p050 is a link to …/p050, outside the tree"
        );
        assert_eq!(t("`/etc/passwd`: read 1/2 of it"), "`…/passwd`: read 1/2 of it");
        assert_eq!(t("ends at /x/y."), "ends at …/y.");
    }
}
