//! Files placed by explicit layout rules (`input::layout`): taken out of the walk
//! before inference, and grouped into the releases the rules name. A file two rules
//! match is a problem, and so is a rule that matches nothing (a typo in it would
//! otherwise go unnoticed).

use super::flat;
use super::walk::{EntryKind, WalkEntry};
use crate::input::layout::{Role, Rule};
use crate::model::tree::FileRef;
use crate::util::problem::{Problem, Problems};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// A release's files by their path in the project, keyed by line and version.
type ByRelease = BTreeMap<(Option<String>, String), Vec<(String, FileRef)>>;

/// What the rules placed in one project.
#[derive(Default)]
pub(super) struct Placed {
    /// Files by their path in the project, by (line, version).
    pub(super) releases: ByRelease,
    pub(super) notes: Vec<FileRef>,
    /// Directories that hold placed files only.
    pub(super) dirs: Vec<FileRef>,
}

impl Placed {
    /// The directories in `dirs` that hold any of `files`.
    pub(super) fn dirs_of(&self, files: &[(String, FileRef)]) -> Vec<FileRef> {
        let holds = |d: &FileRef| files.iter().any(|(_, f)| crate::util::fs::is_under(&f.rel, &d.rel));
        self.dirs.iter().filter(|d| holds(d)).cloned().collect()
    }
}

/// Every directory above `rel` (tree-relative), below the project's.
fn ancestors<'a>(rel: &'a str, project: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    rel.match_indices('/').map(move |(i, _)| &rel[..i]).filter(move |d| d.len() > project.len())
}

/// Takes the files the rules place out of `entries` (in walk order), with the
/// directories that hold nothing else; returns the rest for inference.
pub(super) fn take_placed(
    root: &Path,
    project: &FileRef,
    entries: Vec<WalkEntry>,
    rules: &[Rule],
    problems: &mut Problems,
) -> (Vec<WalkEntry>, Placed) {
    let mut placed = Placed::default();
    if rules.is_empty() {
        return (entries, placed);
    }
    let prefix_len = project.rel.len() + 1;
    let mut used = vec![false; rules.len()];
    let (mut rest, mut dirs) = (Vec::with_capacity(entries.len()), Vec::new());
    let (mut needed, mut held) = (HashSet::new(), HashSet::new());
    for e in entries {
        match e.kind {
            EntryKind::Dir => {
                dirs.push(e);
                continue;
            }
            EntryKind::File => {}
            _ => {
                rest.push(e);
                continue;
            }
        }
        let in_project = &e.rel[prefix_len..];
        let placed_here = place_one(root, &e, in_project, rules, &mut used, &mut placed, problems);
        let set = if placed_here { &mut held } else { &mut needed };
        set.extend(ancestors(&e.rel, &project.rel).map(str::to_string));
        if !placed_here {
            rest.push(e);
        }
    }
    // Directories with unplaced files (or none at all) stay for inference.
    for d in dirs {
        if needed.contains(&d.rel) || !held.contains(&d.rel) {
            rest.push(d);
        } else {
            placed.dirs.push(FileRef::new(d.rel, d.stat));
        }
    }
    // Back in walk order: inference reads a directory's entries after it.
    rest.sort_by(|a, b| a.rel.split('/').cmp(b.rel.split('/')));
    for (r, used) in rules.iter().zip(used) {
        if !used {
            problems.push(
                Problem::new(&r.origin, format!("`{}` matches no file of project {}", r.pattern, project.rel))
                    .hint("fix the pattern (paths are from the project's directory), or remove the rule"),
            );
        }
    }
    (rest, placed)
}

/// Places one file by the rules that match it (by its own path, or a sidecar's by its
/// file's); says whether a rule took it. A file two rules match is a problem.
fn place_one(
    root: &Path,
    e: &WalkEntry,
    in_project: &str,
    rules: &[Rule],
    used: &mut [bool],
    placed: &mut Placed,
    problems: &mut Problems,
) -> bool {
    // A sidecar goes where its file goes.
    let key = flat::artifact_of(in_project);
    let hits: Vec<(usize, _)> = rules
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((i, r.place(key).or_else(|| r.place(in_project))?)))
        .collect();
    match hits.as_slice() {
        [] => false,
        [(i, p)] => {
            used[*i] = true;
            let f = FileRef::new(e.rel.clone(), e.stat);
            // A rule that gives a line alone: the version the file's name says.
            let named = || flat::version_of(key.rsplit('/').next().unwrap_or(key));
            match (p.role, p.version.clone().or_else(named)) {
                (Role::Artifact, Some(v)) => {
                    placed.releases.entry((p.line.clone(), v)).or_default().push((in_project.to_string(), f))
                }
                _ => placed.notes.push(f),
            }
            true
        }
        [(a, _), (b, _), ..] => {
            problems.push(
                Problem::new(
                    root.join(&e.rel).display().to_string(),
                    format!("matches two layout rules: {} and {}", rules[*a].describe(), rules[*b].describe()),
                )
                .hint("make the patterns exclusive, or remove one of the rules"),
            );
            true
        }
    }
}
