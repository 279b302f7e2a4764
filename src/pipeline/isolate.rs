//! One project's broken upload never holds back another's release. The problems a build
//! finds are split by the project they are in (its files, its content pages); a project
//! with problems is held: its last good state (`input::snapshot`) is published in place
//! of what was found, so its pages and its entries in every list stay as they were, and
//! every other project goes on. Problems outside any project (the registry, templates,
//! logos) stop the build as before; so does a shortfall of copies that remains once the
//! held projects are back at their last good state. An artifact whose signature has
//! not arrived within `policy.upload_grace` of its upload is arriving, not a problem.

use super::Analysis;
use crate::input::content::{Page, ReleaseMatter};
use crate::input::snapshot;
pub use crate::model::held::Held;
use crate::model::listing::ListEntry;
use crate::util::arrival::Grace;
use crate::util::problem::{Problem, Problems};
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::Path;

/// The project a problem is in: the first part of its path in the release tree, or its
/// content page's; `None` for everything else.
pub fn owner(p: &Problem, root: &str, content: &str) -> Option<String> {
    let file = p.place.file.as_str();
    let in_tree = file.strip_prefix(root).and_then(|r| r.strip_prefix('/'));
    let in_content = file.strip_prefix(content).and_then(|r| r.strip_prefix('/'));
    let first = in_tree.or(in_content)?.split('/').next()?;
    let name = if in_content.is_some() { first.strip_suffix(".md").unwrap_or(first) } else { first };
    (!name.is_empty() && name != "_index" && !name.starts_with('.')).then(|| name.to_string())
}

/// Splits the problems: by the project they hold back, and those that stop the build.
/// `now` and `grace` tell an upload in progress from a missing signature.
pub fn split(
    problems: Problems,
    root: &Path,
    content: &Path,
    grace: &Grace,
    now: i64,
) -> (BTreeMap<String, Held>, Problems) {
    let (root, content) = (root.display().to_string(), content.display().to_string());
    let mut held: BTreeMap<String, Held> = BTreeMap::new();
    let mut global = Problems::default();
    for p in problems.into_vec() {
        match owner(&p, &root, &content) {
            Some(project) => {
                let arriving = p.kind.arriving(grace, now);
                let h = held.entry(project.clone()).or_insert(Held {
                    project,
                    problems: Vec::new(),
                    arriving: true,
                    published: false,
                    carried: false,
                    changed: Vec::new(),
                    told: false,
                });
                h.arriving &= arriving;
                h.problems.push(p);
            }
            None => global.push(p),
        }
    }
    for h in held.values_mut() {
        h.problems.sort();
        h.problems.dedup();
    }
    (held, global)
}

/// Puts each held project's last good state in place of what the scan found, then
/// plans again. With no recorded state (the cache was lost) the project's entries in
/// the previous lists are carried into the new ones unchanged, and it has no pages
/// until it is fixed; a project in no list was never published and is left out.
pub fn restore(a: &mut Analysis, held: &mut BTreeMap<String, Held>, cache: &Path) -> Result<Problems> {
    let dir = snapshot::dir(cache);
    let mut previous: Option<Vec<(String, Vec<ListEntry>)>> = None;
    for h in held.values_mut() {
        let name = &h.project;
        let withdrawn = withdrawn_now(&a.content, name);
        a.content.releases.retain(|(p, _), _| p != name);
        match snapshot::read(&dir, name) {
            Some(mut s) => {
                h.published = true;
                if let Some(p) = without_gone(&a.tree.root, &mut s.project) {
                    h.problems.push(p);
                }
                let root = &a.tree.root;
                let kept = s.project.releases.len();
                let now = a.tree.projects.get(name);
                match now.and_then(|now| withdraw_revoked(root, now, &mut s.project)) {
                    Some(p) => h.problems.push(p),
                    None => h.problems.extend(now.and_then(|now| keys_changed(root, now, &s.project))),
                }
                // Its whole directory is gone: nothing of it can stay published. (Every
                // release withdrawn for a revoked key: its page and KEYS stay, and say so.)
                if s.project.releases.is_empty() && kept == 0 {
                    h.published = false;
                    a.tree.projects.remove(name);
                    a.content.projects.remove(name);
                    a.content.newest_of.remove(name);
                    continue;
                }
                a.tree.projects.insert(name.clone(), s.project);
                match s.page {
                    Some(page) => a.content.projects.insert(name.clone(), page),
                    None => a.content.projects.remove(name),
                };
                // The pages of the releases still in it: one left out (a file of it gone)
                // has none, or its page would name a release that is not there.
                let kept: std::collections::HashSet<String> =
                    a.tree.projects[name].releases.iter().map(|r| r.id()).collect();
                for (id, page) in s.releases.into_iter().filter(|(id, _)| kept.contains(id)) {
                    a.content.releases.insert((name.clone(), id), page);
                }
                a.content.releases.extend(withdrawn.into_iter().filter(|((_, id), _)| kept.contains(id)));
                a.content.newest_of.insert(name.clone(), s.newest);
            }
            None => {
                a.tree.projects.remove(name);
                a.content.projects.remove(name);
                a.content.newest_of.remove(name);
                let lists = match &previous {
                    Some(l) => l,
                    None => previous.insert(previous_lists(&a.tree.root)?),
                };
                for (rel, entries) in lists {
                    let own = entries.iter().filter(|e| e.path == *name || e.path.starts_with(&format!("{name}/")));
                    let own: Vec<ListEntry> = own.cloned().collect();
                    if !own.is_empty() {
                        h.published = true;
                        h.carried = true;
                        a.tree.carried.entry(rel.clone()).or_default().extend(own);
                    }
                }
            }
        }
    }
    let (plan, problems) = crate::plan::plan(&a.registry, &a.tree, &a.content);
    // What was said of the tree as scanned (the mirrors it leaves no project, the
    // profile's concerns with a held project's upload) stays said.
    let scanned = std::mem::take(&mut a.plan.warnings);
    a.plan = plan;
    for w in scanned {
        if !a.plan.warnings.contains(&w) {
            a.plan.warnings.push(w);
        }
    }
    Ok(problems)
}

/// Leaves out of a held project's last good state what is gone from the tree since (a
/// release manager moved its files while fixing it): the releases that held those
/// files, and project notes and lists that are gone. (Its KEYS is published from the
/// bytes its signatures were checked against, kept with the state.) A state that names
/// missing files cannot be published as it was; the problem says what was left out.
fn without_gone(root: &Path, p: &mut crate::model::tree::Project) -> Option<crate::util::problem::Problem> {
    // In the tree, not reached through a link out of it (a project directory replaced by
    // a link elsewhere: a mirror's rsync cannot follow it, and nothing outside the tree
    // is published).
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let dirs = std::cell::RefCell::new(std::collections::HashMap::<std::path::PathBuf, bool>::new());
    let inside = |dir: &Path| {
        *dirs
            .borrow_mut()
            .entry(dir.to_path_buf())
            .or_insert_with(|| dir.canonicalize().is_ok_and(|d| d.starts_with(&real_root)))
    };
    let present = |f: &crate::model::tree::FileRef| {
        let path = root.join(&*f.rel);
        std::fs::symlink_metadata(&path).is_ok() && path.parent().is_some_and(&inside)
    };
    let keys = p.keys.as_ref().map(|k| k.rel.as_ref());
    let gone: Vec<String> = p
        .files()
        .into_iter()
        .filter(|f| Some(f.rel.as_ref()) != keys && !present(f))
        .map(|f| f.rel.to_string())
        .collect();
    let first = gone.first()?;
    let dropped: Vec<String> =
        p.releases.iter().filter(|r| r.files().iter().any(|f| !present(f))).map(|r| r.version.clone()).collect();
    p.releases.retain(|r| r.files().iter().all(|f| present(f)));
    p.notes.retain(|f| present(f));
    p.line_keys.retain(|(_, f)| present(f));
    p.signed_lists.retain(|l| present(&l.signature) && l.list.as_ref().is_none_or(&present));
    if p.releases.is_empty() {
        return Some(
            crate::util::problem::Problem::new(
                root.join(&p.name).display().to_string(),
                format!(
                    "is gone from the release tree: {} {} {} the mirrors and its pages go",
                    if dropped.len() == 1 { "release" } else { "releases" },
                    dropped.join(", "),
                    if dropped.len() == 1 { "leaves" } else { "leave" },
                ),
            )
            .hint(format!(
                "if that was meant, remove content/{}.md (and content/{}/) too; else put the directory back",
                p.name, p.name
            ))
            .kind(crate::util::problem::Kind::Gone),
        );
    }
    let left_out = match dropped.as_slice() {
        [] => String::new(),
        v => format!("; release{} {} left out until it is fixed", if v.len() == 1 { "" } else { "s" }, v.join(", ")),
    };
    Some(
        crate::util::problem::Problem::new(
            root.join(&p.name).display().to_string(),
            format!(
                "its last published state names {} file{} no longer in the tree ({first}{}){left_out}",
                gone.len(),
                if gone.len() == 1 { "" } else { "s" },
                if gone.len() > 1 { ", ..." } else { "" },
            ),
        )
        .hint("fix the project's other problems and the new state is published; or put the files back"),
    )
}

/// Pages of no project: a project whose directory was removed from the release tree,
/// its page left behind, is removed, as one removed with its page is (its releases left
/// the mirrors and its pages went), not held; so is a page of a project that never was
/// (`check` says it, as a problem). A build warns, naming the page: there is nothing to
/// hold, and every build had failed until the page went.
pub fn retired(held: &mut BTreeMap<String, Held>) -> Vec<String> {
    use crate::util::problem::Kind;
    let retired =
        |h: &Held| !h.published && h.problems.iter().all(|p| matches!(p.kind, Kind::Gone | Kind::PageOfNoProject));
    let names: Vec<String> = held.values().filter(|h| retired(h)).map(|h| h.project.clone()).collect();
    names
        .into_iter()
        .map(|name| {
            let gone = held.remove(&name).is_some_and(|h| h.problems.iter().any(|p| p.kind == Kind::Gone));
            match gone {
                true => format!(
                    "project {name} was removed from the release tree, and content/{name}.md is left: remove it \
                     (and content/{name}/), or put dist/{name}/ back"
                ),
                false => format!(
                    "content/{name}.md describes project `{name}`, which is not in the release tree: remove or \
                     rename the page, or create dist/{name}/"
                ),
            }
        })
        .collect()
}

/// The pages of `project`'s releases withdrawn now. They stay withdrawn in its last good
/// state: a withdrawal only takes away, and holding the project must not put a bad
/// release back.
fn withdrawn_now(content: &crate::input::content::Content, project: &str) -> Vec<ReleasePage> {
    let withdrawn =
        |((p, _), page): &(&(String, String), &Page<ReleaseMatter>)| p == project && page.matter.withdrawn.is_some();
    content.releases.iter().filter(withdrawn).map(|(k, page)| (k.clone(), page.clone())).collect()
}

type ReleasePage = ((String, String), Page<ReleaseMatter>);

/// A held project's KEYS edited since its last good state: the lists name the published
/// one, so a mirror (or the archive host) that fetches this one now fails its check of it,
/// run after run, until the project is published again. Said where the project's release
/// manager and the operator read it, as a changed artifact is.
fn keys_changed(
    root: &Path,
    now: &crate::model::tree::Project,
    last: &crate::model::tree::Project,
) -> Option<crate::util::problem::Problem> {
    let (keys, was) = (now.keys.as_ref()?, last.keys.as_ref()?);
    let digest = |f: &crate::model::tree::FileRef| f.digests.as_ref().map(|d| d.sha512);
    if keys.rel != was.rel || digest(keys)? == digest(was)? {
        return None;
    }
    Some(
        crate::util::problem::Problem::new(
            root.join(&*keys.rel).display().to_string(),
            "changed since the project was last published: the lists name the published KEYS, so every mirror \
             and the archive host that fetch this one fail their check of it until a build publishes the project \
             again",
        )
        .hint(
            "fix the project's other problems so the next build publishes this KEYS; a key is only ever added to \
             KEYS (the old one verifies the releases it signed), so put back any key taken out",
        ),
    )
}

/// A key revoked since (a hard revocation withdraws every signature it made): the
/// releases of the last good state it signed, directly or through a signed list, leave
/// the mirrors and the pages, and the project's KEYS is published as it is now, with the
/// revocation (kept, the last state went on vouching for what the key signed).
fn withdraw_revoked(
    root: &Path,
    now: &crate::model::tree::Project,
    last: &mut crate::model::tree::Project,
) -> Option<crate::util::problem::Problem> {
    use crate::model::signature::{Check, Outcome};
    let revoked_in = |c: Option<&Check>| c.filter(|c| c.outcome == Outcome::RevokedKey)?.fingerprint.clone();
    let lists = now.signed_lists.iter().chain(now.releases.iter().flat_map(|r| &r.signed_lists));
    let revoked: std::collections::BTreeSet<std::sync::Arc<str>> = now
        .releases
        .iter()
        .flat_map(|r| &r.artifacts)
        .filter_map(|a| revoked_in(a.signature.as_ref()))
        .chain(lists.filter_map(|l| revoked_in(l.check.as_ref())))
        .collect();
    if revoked.is_empty() {
        return None;
    }
    let by_revoked = |c: Option<&Check>| c.and_then(|c| c.fingerprint.as_ref()).is_some_and(|f| revoked.contains(f));
    let signed_by_revoked = |r: &crate::model::tree::Release| {
        r.artifacts.iter().any(|a| by_revoked(a.signature.as_ref()))
            || r.signed_lists.iter().any(|l| by_revoked(l.check.as_ref()))
    };
    let withdrawn: Vec<String> = last.releases.iter().filter(|r| signed_by_revoked(r)).map(|r| r.id()).collect();
    last.releases.retain(|r| !signed_by_revoked(r));
    last.keys_bytes = now.keys_bytes.clone();
    let keys: Vec<&str> = revoked.iter().map(|k| &**k).collect();
    Some(
        crate::util::problem::Problem::new(
            root.join(now.keys.as_ref().map_or(now.name.as_str(), |k| &*k.rel)).display().to_string(),
            format!(
                "key {} is revoked: {} it signed {} the mirrors and the site now, whatever else is fixed, and \
                 KEYS is published with the revocation",
                keys.join(", "),
                match withdrawn.len() {
                    0 => "no release".to_string(),
                    1 => format!("release {}", withdrawn[0]),
                    _ => format!("releases {}", withdrawn.join(", ")),
                },
                if withdrawn.len() == 1 { "leaves" } else { "leave" },
            ),
        )
        .hint(
            "sign those releases again with a valid key in KEYS (closer sign --key NEW-KEY.asc, after removing \
               the revoked key's .asc files), or remove them",
        ),
    )
}

/// The lists the last build wrote (the full list at the top of the tree, the archive's
/// and the partial mirrors' under `zzz/lists/`), by path; a list that does not read
/// back is an error, since it is the only record left.
fn previous_lists(root: &Path) -> Result<Vec<(String, Vec<ListEntry>)>> {
    let mut out = Vec::new();
    for dir in ["", "zzz/lists"] {
        let Ok(read) = std::fs::read_dir(root.join(dir)) else { continue };
        let mut names: Vec<String> = read.flatten().filter_map(|e| e.file_name().into_string().ok()).collect();
        names.sort();
        // (Not their site-key signatures, `fullfiletimelist-*.asc`.)
        let list = |n: &String| n.starts_with("fullfiletimelist-") && !n.ends_with(".asc");
        for n in names.into_iter().filter(list) {
            let rel = if dir.is_empty() { n } else { format!("{dir}/{n}") };
            let text = crate::util::fs::read_to_string(&root.join(&rel))?;
            let entries = crate::model::listing::parse_filelist(&text).map_err(|e| {
                anyhow::anyhow!("{}: {e}; it is the record of what was published", root.join(&rel).display())
            })?;
            out.push((rel, entries));
        }
    }
    Ok(out)
}

/// Current artifacts whose bytes are not those the lists published (their SHA-512
/// prefix in `since`): tampered with, or replaced by mistake, each with its path in the
/// tree. Their project is held, so the lists keep the published digest and the mirrors
/// keep the verified bytes. With `removed`, `since` is the record of files published
/// and later removed (`retired`): a version's file deleted and uploaded again with other
/// bytes is held the same way.
pub fn changed_since_published(
    tree: &crate::model::tree::Tree,
    since: &crate::model::since::Since,
    removed: bool,
) -> Vec<(String, Problem)> {
    let mut changed = Vec::new();
    for (_, _, a) in tree.artifacts() {
        let (Some(was), Some(d)) = (since.sum(&a.file.rel), &a.file.digests) else { continue };
        if !was.matches(&d.sha512) {
            let (was, now) = (was.hex(), crate::util::text::hex(&d.sha512));
            let now = &now[..was.len()];
            let (what, fix) = match removed {
                false => (
                    format!(
                        "changed after it was published: the lists and the mirrors have the file whose SHA-512 starts \
                         {was}, this one's starts {now}"
                    ),
                    "put the published file back (every mirror has it: rsync it from one); a version is never \
                     published twice with different bytes, so for new bytes remove this file from the release \
                     and publish them under a new version",
                ),
                true => (
                    format!(
                        "was published with other bytes and has since left the mirrors (archived or removed): \
                         the file then had a SHA-512 starting {was}, this one's starts {now}, and downloads of \
                         the first are still around (the archive has them)"
                    ),
                    "a version is never published twice with different bytes: publish these under a new version \
                     (or put the first file back: the archive keeps it)",
                ),
            };
            changed.push((
                a.file.rel.to_string(),
                Problem::new(tree.root.join(&*a.file.rel).display().to_string(), what).hint(fix),
            ));
        }
    }
    changed
}

/// Tells each held project which of its files changed after they were published.
pub fn mark_changed(held: &mut BTreeMap<String, Held>, changed: Vec<(String, Problem)>) {
    for (rel, _) in changed {
        let project = rel.split('/').next().unwrap_or_default();
        if let Some(h) = held.get_mut(project) {
            h.changed.push(rel);
        }
    }
}

/// What to print of the held projects: each with its problems, then what it means.
pub fn report(held: &[Held]) -> String {
    let mut out = String::new();
    for h in held {
        let state = match (h.arriving, h.published, h.carried) {
            (true, _, true) => {
                "arriving (an upload in progress; its files stay on the mirrors, its pages return with it)"
            }
            (true, true, false) => "arriving (an upload in progress; its last good state stays published)",
            (true, false, _) => "arriving (an upload in progress; not published yet)",
            (false, _, true) => {
                "held: its files stay on the mirrors as the last lists have them; with no recorded state \
                 (the cache was lost) it has no pages until this is fixed"
            }
            (false, true, false) => "held: its last good state stays published until this is fixed",
            (false, false, _) => "held: not published until this is fixed",
        };
        out.push_str(&format!("{}: {state}\n", h.project));
        for (i, p) in h.problems.iter().enumerate() {
            out.push_str(&format!("{:>3}. {p}\n", i + 1));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::arrival::{Arrival, UploadClock};
    use crate::util::problem::{Kind, Place};

    #[test]
    fn problems_go_to_their_project_and_young_uploads_are_arriving() {
        let mut ps = Problems::default();
        ps.push(Problem::new("/t/dist/a/1.0/a.tgz", "no signature").kind(Kind::Unsigned(Arrival::at(1_000, 1_000))));
        ps.push(Problem::new("/t/dist/b/1.0/b.tgz", "no signature").kind(Kind::Unsigned(Arrival::at(100, 100))));
        ps.push(Problem::new("/t/content/c.md", "bad front matter"));
        ps.push(Problem::new("/t/content/c/1.0.md", "bad front matter"));
        ps.push(Problem::new(Place::at("mirrors.yaml", 3, 1), "unknown key"));
        ps.push(Problem::new("/t/content/_index.md", "bad front matter"));
        let (held, global) = split(
            ps,
            Path::new("/t/dist"),
            Path::new("/t/content"),
            &Grace { secs: 600, clock: UploadClock::Arrival },
            1_200,
        );
        assert_eq!(held.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert!(held["a"].arriving && !held["b"].arriving && !held["c"].arriving);
        assert_eq!(held["c"].problems.len(), 2);
        assert_eq!(global.sorted().len(), 2);
    }
}
