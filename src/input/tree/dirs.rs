//! A project's walk as a tree of directories, each with its files and subdirectories,
//! so that the shape of each directory can be read from what it holds.

use super::walk::{EntryKind, WalkEntry};
use crate::model::tree::FileRef;

/// A directory, with its files (by name) and its subdirectories, in name order.
#[derive(Debug, Clone)]
pub(super) struct Dir {
    pub(super) dir: FileRef,
    pub(super) files: Vec<(String, FileRef)>,
    pub(super) dirs: Vec<Dir>,
}

impl Dir {
    /// Its own name, the last part of its path.
    pub(super) fn name(&self) -> &str {
        self.dir.rel.rsplit('/').next().unwrap_or(&self.dir.rel)
    }

    /// Every file below it, named by its path from this directory, and every directory
    /// below it; in walk order.
    pub(super) fn flatten(self) -> (Vec<(String, FileRef)>, Vec<FileRef>) {
        let mut files = Vec::new();
        let mut dirs = Vec::new();
        self.flatten_into("", &mut files, &mut dirs);
        (files, dirs)
    }

    fn flatten_into(self, prefix: &str, files: &mut Vec<(String, FileRef)>, dirs: &mut Vec<FileRef>) {
        files.extend(self.files.into_iter().map(|(n, f)| (format!("{prefix}{n}"), f)));
        for d in self.dirs {
            let inner = format!("{prefix}{}/", d.name());
            dirs.push(d.dir.clone());
            d.flatten_into(&inner, files, dirs);
        }
    }

    /// Every directory below it (not itself).
    pub(super) fn all_dirs(&self) -> Vec<FileRef> {
        let mut out = Vec::new();
        let mut todo: Vec<&Dir> = self.dirs.iter().collect();
        while let Some(d) = todo.pop() {
            out.push(d.dir.clone());
            todo.extend(d.dirs.iter());
        }
        out
    }

    /// Is there no file anywhere below it?
    pub(super) fn is_empty(&self) -> bool {
        self.files.is_empty() && self.dirs.iter().all(Dir::is_empty)
    }
}

/// Builds the directory tree of `top` from the files and directories of its walk, in
/// walk order (a directory before what it holds). Links and other entries are not in it.
pub(super) fn build(top: FileRef, entries: Vec<WalkEntry>) -> Dir {
    let mut stack = vec![Dir { dir: top, files: Vec::new(), dirs: Vec::new() }];
    // Closes the directories the walk has left, into their parents.
    fn close_until(stack: &mut Vec<Dir>, parent: &str) {
        while stack.len() > 1 && stack.last().is_some_and(|d| &*d.dir.rel != parent) {
            if let Some(done) = stack.pop()
                && let Some(up) = stack.last_mut()
            {
                up.dirs.push(done);
            }
        }
    }
    for e in entries {
        let Some((parent, name)) = e.rel.rsplit_once('/') else { continue };
        close_until(&mut stack, parent);
        if stack.last().is_none_or(|d| &*d.dir.rel != parent) {
            continue; // not under `top` (the walk gives none such)
        }
        match e.kind {
            EntryKind::Dir => stack.push(Dir { dir: FileRef::new(e.rel, e.stat), files: Vec::new(), dirs: Vec::new() }),
            EntryKind::File => {
                let name = name.to_string();
                if let Some(d) = stack.last_mut() {
                    d.files.push((name, FileRef::new(e.rel, e.stat)));
                }
            }
            EntryKind::Link | EntryKind::Other => {}
        }
    }
    close_until(&mut stack, "");
    stack.pop().unwrap_or_else(|| Dir {
        dir: FileRef::new(String::new(), Default::default()),
        files: Vec::new(),
        dirs: Vec::new(),
    })
}
