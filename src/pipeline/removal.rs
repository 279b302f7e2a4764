//! A release tree that lost most of its projects at once is more likely an unmounted
//! volume or a mistaken `rm` than a decision: published, its lists would tell every
//! mirror to delete what it carries. A build refuses it unless told the removal is meant.

use crate::input::snapshot;
use crate::model::tree::Tree;
use crate::util::problem::with_fix;
use anyhow::{Result, bail};
use std::path::Path;

/// Refuses a tree holding none, or under half, of the projects the last build published
/// (of four or more) and nothing new, naming those missing. (A tree with new projects is
/// being rearranged: `closer init`'s example project replaced by the real ones.)
pub fn guard(cache: &Path, tree: &Tree) -> Result<()> {
    let published = snapshot::read_index(&snapshot::dir(cache));
    let now = published.keys().filter(|p| tree.projects.contains_key(*p)).count();
    let last = published.len();
    let new = tree.projects.len() - now;
    if last == 0 || new > 0 || (now > 0 && (last < 4 || now * 2 >= last)) {
        return Ok(());
    }
    let missing: Vec<&str> = published.keys().filter(|p| !tree.projects.contains_key(*p)).map(String::as_str).collect();
    let named = match missing.len() {
        n if n > 5 => format!("{}, and {} more", missing[..5].join(", "), n - 5),
        _ => missing.join(", "),
    };
    bail!(with_fix(
        format!(
            "the release tree {} holds {now} of the {last} projects the last build published ({named} missing): \
             is it mounted, or emptied by mistake? Published, its lists would have every mirror delete them",
            tree.root.display()
        ),
        "restore the tree and build again; to remove those projects on purpose, run closer build --allow-removal"
    ))
}
