//! A project's last good state: what the last build that published it read of it (its
//! files with their digests and signature checks, its content pages). A build that
//! finds problems in a project publishes this instead of what it found, so the
//! project's pages and list entries stay as they were while every other project goes
//! on. One JSON file per project under `.closer-cache/good/` (written by `output::held`),
//! and an index of their
//! fingerprints so an unchanged project is not written again.

use crate::input::content::{Page, ProjectMatter, ReleaseMatter};
use crate::model::tree::Project;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The format of the files; another is not read (the project then has no last good
/// state until it is published again).
pub const FORMAT: u32 = 1;

/// One project's last good state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub format: u32,
    pub project: Project,
    /// Its content page, when it has one.
    pub page: Option<Page<ProjectMatter>>,
    /// Its releases' content pages, by release id.
    pub releases: BTreeMap<String, Page<ReleaseMatter>>,
    /// The newest modification time of its content pages (the time its pages state).
    pub newest: i64,
}

/// The directory of the snapshots in a cache directory.
pub fn dir(cache: &Path) -> PathBuf {
    cache.join("good")
}

/// The file of a project's snapshot (project names are URL-safe directory names).
pub fn path(dir: &Path, project: &str) -> PathBuf {
    dir.join(format!("{project}.json"))
}

/// The project's last good state, if there is a readable one.
pub fn read(dir: &Path, project: &str) -> Option<Snapshot> {
    let bytes = std::fs::read(path(dir, project)).ok()?;
    serde_json::from_slice::<Snapshot>(&bytes).ok().filter(|s| s.format == FORMAT && s.project.name == project)
}

/// The index: each project's fingerprint when its snapshot was written.
pub fn read_index(dir: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(dir.join("index")).unwrap_or_default();
    text.lines().filter_map(|l| l.split_once('\t')).map(|(f, p)| (p.to_string(), f.to_string())).collect()
}

/// The text of the index.
pub fn render_index(index: &BTreeMap<String, String>) -> String {
    index.iter().map(|(p, f)| format!("{f}\t{p}\n")).collect()
}
