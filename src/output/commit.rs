//! Putting a new site, or new parts of one, in place of the old. A whole site is one
//! directory exchange. An incremental build (a release added to one project of
//! thousands) exchanges each rendered project's directory, then the site-wide
//! directories and files: a reader sees every project whole, old or new, and every file
//! whole. A build killed in the middle leaves some projects new and others old, with
//! the site-wide pages old; the state it left (`output::site_state`) marks the rendered
//! projects and the site-wide pages unknown, so the next build renders them again.

use crate::output::write::{MARKER, Partial, Written, exchange};
use anyhow::{Context, Result};
use std::path::Path;

/// Puts the directory `new` at `at`, atomically where the file system can exchange two
/// directories; afterwards `new` holds the old directory, or nothing.
pub fn swap_in(new: &Path, at: &Path) -> Result<()> {
    if std::fs::symlink_metadata(at).is_err() {
        return std::fs::rename(new, at).with_context(|| format!("cannot move `{}` into place", at.display()));
    }
    match exchange(new, at) {
        Ok(()) => Ok(()),
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOSYS) | Some(libc::EINVAL)) => {
            // File systems without atomic exchange: two renames, a moment apart.
            let old = crate::util::fs::sibling(at, "old");
            std::fs::rename(at, &old).with_context(|| format!("cannot move `{}` aside", at.display()))?;
            std::fs::rename(new, at).with_context(|| format!("cannot move `{}` into place", at.display()))?;
            crate::util::fs::remove_dir_all(&old)
        }
        Err(e) => Err(e).with_context(|| format!("cannot swap `{}` into place", at.display())),
    }
}

/// Commits an incremental build written in `tmp` to the site at `out`: the rendered
/// projects, one directory at a time; the directories of projects no longer in the
/// tree go; then the site-wide directories and files, the index last.
pub fn commit(tmp: &Path, out: &Path, partial: &Partial) -> Result<Written> {
    crate::util::fault::point("swap");
    for name in &partial.rendered {
        swap_in(&tmp.join(name), &out.join(name))?;
        crate::util::fault::point("commit");
    }
    let gone = tmp.join(".gone");
    crate::util::fs::create_dir_all(&gone)?;
    for entry in std::fs::read_dir(out).with_context(|| format!("cannot read `{}`", out.display()))? {
        let name = entry?.file_name();
        let name_s = name.to_string_lossy();
        let ours = name_s == MARKER || partial.rendered.contains(&*name_s) || partial.kept.contains(&*name_s);
        if !ours && std::fs::symlink_metadata(tmp.join(&name)).is_err() {
            // Gone from the site: out of sight at once, deleted with `tmp`.
            std::fs::rename(out.join(&name), gone.join(&name))
                .with_context(|| format!("cannot remove `{}`", out.join(&name).display()))?;
        }
    }
    let mut top: Vec<(bool, std::ffi::OsString)> = Vec::new();
    for entry in std::fs::read_dir(tmp).with_context(|| format!("cannot read `{}`", tmp.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        let name_s = name.to_string_lossy();
        if name_s == ".gone" || name_s == MARKER || partial.rendered.contains(&*name_s) {
            continue;
        }
        top.push((name_s == "index.html", name));
    }
    // Directories and files in name order, the index last: it links to everything else.
    top.sort();
    for (_, name) in top {
        let (from, to) = (tmp.join(&name), out.join(&name));
        if std::fs::symlink_metadata(&from).is_ok_and(|m| m.is_dir()) {
            swap_in(&from, &to)?;
        } else {
            std::fs::rename(&from, &to).with_context(|| format!("cannot move `{}` into place", to.display()))?;
        }
        crate::util::fault::point("commit");
    }
    Ok(Written::Updated(partial.rendered.len()))
}
