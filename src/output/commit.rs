//! Putting a new site, or new parts of one, in place of the old. A whole site is one
//! directory exchange. An incremental build (a release added to one project of
//! thousands) exchanges each rendered project's directory, then the site-wide
//! directories and files: a reader sees every project whole, old or new, and every file
//! whole. A build killed in the middle leaves some projects new and others old, with
//! the site-wide pages old; the state it left (`output::site_state`) marks the rendered
//! projects and the site-wide pages unknown, so the next build renders them again.

use crate::util::fs::swap_in;
use anyhow::{Context, Result};
use std::collections::BTreeSet;
use std::path::Path;

/// Marks a directory as a closer site, so that closer never replaces a directory it
/// did not make (a mistyped `--out $HOME` must not lose anyone's files).
pub const MARKER: &str = ".closer-site";
pub(crate) const MARKER_TEXT: &[u8] =
    b"This directory is written by closer build and replaced as a whole on every build.\n";

/// What the writer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The site on disk was already identical.
    Unchanged,
    /// A new site was swapped in.
    Replaced,
    /// These many project directories, and the site-wide pages, were swapped in.
    Updated(usize),
}

/// An incremental build's commit: the projects rendered (swapped in one by one) and
/// those kept as they are; any other directory of the old site goes.
pub struct Partial {
    pub rendered: BTreeSet<String>,
    pub kept: BTreeSet<String>,
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
