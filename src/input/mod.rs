//! The first stage: read what the release manager and the operators wrote, and nothing
//! else. The registry (`mirrors.yaml`), the release tree (names and metadata only, no
//! contents), the content pages and the probe state. A new input format, or a new
//! layout rule for release trees, goes here.

pub mod content;
pub mod layout;
pub mod logos;
pub mod notes;
pub mod probe_state;
pub mod registry;
pub mod snapshot;
pub mod tree;
pub mod yaml_all;

use crate::util::problem::Place;

/// Where a YAML error is and what it says, without the position serde_yaml appends.
/// `line_offset` counts lines before the YAML starts (a front matter's opening `---`);
/// `fallback` is the place when the error has none.
pub fn yaml_error_parts(file: &str, e: &serde_yaml::Error, line_offset: usize, fallback: Place) -> (Place, String) {
    let msg = e.to_string();
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    let place = match e.location() {
        Some(l) => Place::at(file, l.line() + line_offset, l.column()),
        None => fallback,
    };
    (place, msg)
}

/// The newest modification time among the inputs every page reads (registry, templates,
/// the site's own content page): with [`project_newest`], the time the site states when
/// `SOURCE_DATE_EPOCH` is not set, so identical inputs give an identical site.
pub fn shared_newest(registry: &std::path::Path, templates: &std::path::Path, content: &content::Content) -> i64 {
    use std::os::unix::fs::MetadataExt;
    let mtime = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.mtime()).unwrap_or(0);
    let mut newest = mtime(registry).max(content.newest_of.get("").copied().unwrap_or(0));
    if let Ok(entries) = std::fs::read_dir(templates) {
        for e in entries.flatten() {
            newest = newest.max(mtime(&e.path()));
        }
    }
    newest
}

/// The newest modification time among one project's inputs: its content pages, KEYS,
/// artifacts and signatures. A project's pages state the later of this and
/// [`shared_newest`], so a release added to one project changes no other project's page.
pub fn project_newest(project: &crate::model::tree::Project, content: &content::Content) -> i64 {
    let mut newest = content.newest_of.get(&project.name).copied().unwrap_or(0);
    if let Some(k) = &project.keys {
        newest = newest.max(k.stat.mtime);
    }
    for r in &project.releases {
        for a in &r.artifacts {
            newest = newest.max(a.file.stat.mtime);
            if let Some(s) = r.signature_file(a) {
                newest = newest.max(s.stat.mtime);
            }
        }
    }
    newest
}
