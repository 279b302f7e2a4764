//! The cache of a check that may not write the build's: a scratch one, started from what
//! of the build's it may read, removed when the check ends.

use crate::model::run::Paths;
use anyhow::Result;
use std::path::Path;

/// A check fills the cache as a build does, to be fast on the next run. Where it may not
/// write there (a read-only checkout in CI, another user's primary) it checks with a
/// scratch cache instead, removed when the check ends: slower, the same answers.
pub(super) fn if_unwritable(paths: &mut Paths, quiet: bool) -> Result<Option<tempfile::TempDir>> {
    let cache = &paths.cache;
    let probe = if cache.is_dir() { Some(cache.as_path()) } else { cache.parent() };
    let probe = probe.map(|p| if p.as_os_str().is_empty() { Path::new(".") } else { p });
    if probe.is_some_and(|dir| tempfile::tempfile_in(dir).is_ok()) {
        return Ok(None);
    }
    let scratch = tempfile::Builder::new().prefix("closer-check-cache.").tempdir()?;
    // What the cache holds that this user may read starts the scratch one: a release
    // manager's check on a shared primary reads only what changed, not every project.
    let copied = copy_readable(cache, scratch.path());
    if !quiet {
        let from = if copied > 0 {
            format!(" (a copy of the {copied} files of it this user may read)")
        } else {
            String::new()
        };
        eprintln!("note: cannot write the cache `{}` here: checking with a scratch cache{from}", cache.display());
    }
    paths.cache = scratch.path().to_path_buf();
    Ok(Some(scratch))
}

/// Copies the files under `from` this user may read to `to`, as they are; how many.
fn copy_readable(from: &Path, to: &Path) -> usize {
    let mut copied = 0;
    for entry in walkdir::WalkDir::new(from).min_depth(1).into_iter().flatten() {
        let Ok(rel) = entry.path().strip_prefix(from) else { continue };
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            let _ = std::fs::create_dir_all(&target);
        } else if entry.file_type().is_file() && std::fs::copy(entry.path(), &target).is_ok() {
            copied += 1;
        }
    }
    copied
}
