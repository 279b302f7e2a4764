//! The lists of a tree without links, made a run of projects at a time. A list's
//! `[Files]` lines all come before its checksums, so the lists are written in two passes
//! over the tree's projects in the order of their paths: each pass makes the pieces of
//! one run (about [`RUN`] lines), writes their part of every list, and drops them. Held
//! whole until the last list was written, a million files' pieces were 400 MB after one
//! new release (BENCHMARKS.md, session 21).

use super::filelist::{END, Line, ListEntry, Section};
use super::pieces::{Piece, write_part};
use crate::model::tree::{FileRef, Project, Tree};
use anyhow::Context;
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// About how many lines a run's pieces hold (more when one project has more): 2 MB or so
/// of formatted lines for the full and archive lists.
pub const RUN: usize = 1 << 14;

/// A list's text, made and set aside in a file of closer's state until it is written
/// into the tree: held in memory, a million files' lists were 2 GB after one new release
/// and 4.5 GB in a cold build (BENCHMARKS.md, session 16).
#[derive(Debug)]
pub struct Made {
    /// Where it waits (in the directory the lists were made in).
    pub path: PathBuf,
    pub sha512: [u8; 64],
    pub len: u64,
}

/// What one list text carries: the releases of each project (in the tree's order; none
/// for a project it does not carry), and the entries of a held project.
pub struct Want<'t> {
    pub archive: bool,
    pub releases: Carried,
    pub extra: Option<&'t [ListEntry]>,
}

/// The releases a text carries of each project, in the tree's order, packed in one
/// vector: a vector per project in each of hundreds of texts (ten thousand projects)
/// were the lists stage's peak memory.
#[derive(Debug, Default)]
pub struct Carried {
    /// Where each project's releases start in `releases`, and where the last ends.
    starts: Vec<u32>,
    releases: Vec<u32>,
}

impl Carried {
    /// The releases carried of project number `i` (none past the last project).
    pub fn of(&self, i: usize) -> &[u32] {
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.releases[a as usize..b as usize],
            _ => &[],
        }
    }
}

impl FromIterator<Vec<u32>> for Carried {
    fn from_iter<I: IntoIterator<Item = Vec<u32>>>(projects: I) -> Carried {
        let mut c = Carried { starts: vec![0], releases: Vec::new() };
        for releases in projects {
            c.releases.extend(releases);
            c.starts.push(c.releases.len() as u32);
        }
        c.starts.shrink_to_fit();
        c.releases.shrink_to_fit();
        c
    }
}

/// The lines of a project in a list carrying the given releases of it (every file of
/// them in the archive's).
pub type Lines<'t> = dyn Fn(&'t Project, &[u32], bool) -> Vec<Line<'t>> + Sync + 't;

/// The line of a file of the tree of `kind` (`f` or `d`). Its time is the mtime, as
/// Fedora's lists have it, not the ctime too: a `chmod -R` on the primary, or the tree
/// copied to a new disk with `cp -a`, changed every line, and every mirror fetched every
/// file again (rsync `-I`, reading both ends whole). A file's other bytes change its
/// size or mtime, and its SHA-512 in the list; the build holds a project whose
/// published file changed.
pub fn line(f: &FileRef, kind: char) -> Line<'_> {
    let sha512 = if kind == 'f' { f.digests.as_ref().map(|d| &d.sha512) } else { None };
    Line { mtime: f.stat.mtime, kind, size: f.stat.size, path: &f.rel, sha512 }
}

/// How many texts are made at once: each is an open file with a buffer until its last
/// line (a registry of thousands of partial mirrors has thousands of texts). One in the
/// unit tests, so that they make texts in several batches.
const TEXTS_AT_ONCE: usize = if cfg!(test) { 1 } else { 256 };

/// Each wanted text's file in `aside` (named by its index), made from pieces: each
/// project's lines sorted once for every text that carries the same releases of it,
/// about `run` lines at a time ([`RUN`]), [`TEXTS_AT_ONCE`] texts at a time.
pub fn make_texts<'t>(
    tree: &'t Tree,
    wants: &[Want<'t>],
    lines: &Lines<'t>,
    aside: &Path,
    run: usize,
) -> anyhow::Result<Vec<Arc<Made>>> {
    let projects: Vec<&Project> = tree.projects.values().collect();
    // Notes (`HEADER.html`, `README`, ...) go wherever their directory goes.
    let notes: Vec<Piece> = tree.notes.iter().filter_map(|n| Piece::new(vec![line(n, 'f')])).collect();
    let extras: Vec<Option<Piece>> =
        wants.iter().map(|w| w.extra.and_then(|e| Piece::new(e.iter().map(Line::of).collect()))).collect();
    let runs = runs(&projects, lines, &notes, &extras, run);
    let mut made = Vec::with_capacity(wants.len());
    for first in (0..wants.len()).step_by(TEXTS_AT_ONCE) {
        let batch = first..wants.len().min(first + TEXTS_AT_ONCE);
        let with = Batch { projects: &projects, notes: &notes, extras: &extras[batch.clone()], runs: &runs };
        made.extend(with.make(&wants[batch], lines, aside, first)?);
    }
    Ok(made)
}

/// What every batch of texts is made from.
struct Batch<'a, 't> {
    projects: &'a [&'t Project],
    notes: &'a [Piece<'t>],
    extras: &'a [Option<Piece<'t>>],
    runs: &'a [Run],
}

impl<'t> Batch<'_, 't> {
    /// The texts of `wants`, named from `first` on.
    fn make(
        &self,
        wants: &[Want<'t>],
        lines: &Lines<'t>,
        aside: &Path,
        first: usize,
    ) -> anyhow::Result<Vec<Arc<Made>>> {
        let (projects, notes, extras, runs) = (self.projects, self.notes, self.extras, self.runs);
        // Buffers of 32 MiB in all, 16 to 256 KiB each.
        let buffer = ((32 << 20) / wants.len().max(1)).clamp(16 << 10, 256 << 10);
        let mut writers: Vec<Writer> = (0..wants.len())
            .map(|i| Writer::create(aside.join((first + i).to_string()), buffer))
            .collect::<anyhow::Result<_>>()?;
        // The order each project's pieces were sorted in, kept from the first pass for the
        // second (4 bytes a line).
        let mut orders: Vec<Orders> = Vec::with_capacity(runs.len());
        for section in [Section::Files, Section::Sums] {
            writers.iter_mut().try_for_each(|w| w.put(section.opening().as_bytes()))?;
            for (r, run) in runs.iter().enumerate() {
                let mut made = make_run(run, projects, wants, lines, section, orders.get(r));
                writers.par_iter_mut().enumerate().try_for_each(|(t, w)| {
                    let texts: Vec<String> = run.notes.iter().map(|&n| notes[n].format(section)).collect();
                    let mut parts: Vec<(&Piece, &str)> =
                        run.notes.iter().map(|&n| &notes[n]).zip(texts.iter().map(String::as_str)).collect();
                    for (&i, keys) in run.projects.iter().zip(&made) {
                        let want = (wants[t].archive, wants[t].releases.of(i));
                        let key = keys.iter().find(|k| (k.0, k.1) == want).and_then(|k| k.2.as_ref());
                        parts.extend(key.map(|(p, s)| (p, s.as_str())));
                    }
                    let extra = extras[t].as_ref().filter(|_| run.extras.contains(&(first + t)));
                    let formatted = extra.map(|e| e.format(section));
                    parts.extend(extra.zip(formatted.as_deref()));
                    let written = write_part(&parts, section, &mut |b| w.write(b));
                    written.with_context(|| format!("cannot write `{}`", w.path.display()))
                })?;
                if orders.len() == r {
                    orders.push(made.iter_mut().map(|keys| keys.iter_mut().map(|k| k.3.take()).collect()).collect());
                }
            }
        }
        writers.into_iter().map(|w| w.finish(END.as_bytes())).collect()
    }
}

/// A run of the tree's projects (by their index in the tree's order) and of its notes
/// and the texts' extras, whose paths do not interleave with any other run's.
#[derive(Default)]
struct Run {
    projects: Vec<usize>,
    notes: Vec<usize>,
    extras: Vec<usize>,
}

/// Something a run holds.
enum Item {
    Project(usize),
    Note(usize),
    Extra(usize),
}

/// The runs of the tree, in the order of their paths: a project's range is that of all
/// its lines in the archive's list, which holds every line of it any list holds.
fn runs<'t>(
    projects: &[&'t Project],
    lines: &Lines<'t>,
    notes: &[Piece],
    extras: &[Option<Piece>],
    size: usize,
) -> Vec<Run> {
    let every: Vec<Option<(&str, &str, usize)>> = projects
        .par_iter()
        .map(|p| {
            let all = lines(p, &(0..p.releases.len() as u32).collect::<Vec<_>>(), true);
            let first = all.iter().map(|l| l.path).min()?;
            Some((first, all.iter().map(|l| l.path).max().unwrap_or(first), all.len()))
        })
        .collect();
    let mut items: Vec<(&str, &str, usize, Item)> =
        every.into_iter().enumerate().filter_map(|(i, r)| r.map(|(a, b, n)| (a, b, n, Item::Project(i)))).collect();
    items.extend(notes.iter().enumerate().map(|(i, n)| (n.first(), n.last(), 1, Item::Note(i))));
    let extras = extras.iter().enumerate().filter_map(|(i, e)| e.as_ref().map(|e| (i, e)));
    items.extend(extras.map(|(i, e)| (e.first(), e.last(), size / 4, Item::Extra(i))));
    items.sort_by(|a, b| a.0.cmp(b.0));
    let mut runs: Vec<Run> = Vec::new();
    let (mut reach, mut weight) = ("", 0);
    for (first, last, n, item) in items {
        if runs.is_empty() || (first > reach && weight >= size) {
            runs.push(Run::default());
            weight = 0;
        }
        let run = runs.last_mut().expect("a run was just pushed");
        match item {
            Item::Project(i) => run.projects.push(i),
            Item::Note(i) => run.notes.push(i),
            Item::Extra(i) => run.extras.push(i),
        }
        reach = reach.max(last);
        weight += n;
    }
    for r in &mut runs {
        r.projects.sort_unstable();
        r.notes.sort_unstable();
    }
    runs
}

/// A project's piece for the texts carrying these releases of it (in the archive's list
/// or not), with its lines of one section, and the order its lines were sorted in.
type Key<'t, 'w> = (bool, &'w [u32], Option<(Piece<'t>, String)>, Option<Box<[u32]>>);

/// For each project of a run, the order of each of its pieces' lines.
type Orders = Vec<Vec<Option<Box<[u32]>>>>;

/// The pieces of a run's projects, each formatted for `section`: for each project, one
/// per distinct set of releases the texts carry of it.
fn make_run<'t, 'w>(
    run: &Run,
    projects: &[&'t Project],
    wants: &'w [Want<'t>],
    lines: &Lines<'t>,
    section: Section,
    orders: Option<&Orders>,
) -> Vec<Vec<Key<'t, 'w>>> {
    run.projects
        .par_iter()
        .enumerate()
        .map(|(at, &i)| {
            let mut keys: Vec<Key> = Vec::new();
            for w in wants.iter().filter(|w| !w.releases.of(i).is_empty()) {
                if !keys.iter().any(|k| (k.0, k.1) == (w.archive, w.releases.of(i))) {
                    keys.push((w.archive, w.releases.of(i), None, None));
                }
            }
            let known = orders.and_then(|o| o.get(at));
            keys.par_iter_mut().enumerate().for_each(|(j, k)| {
                let all = lines(projects[i], k.1, k.0);
                let made = match known.and_then(|o| o.get(j)) {
                    Some(order) => order.as_deref().and_then(|o| Piece::ordered(&all, o)).map(|p| (p, None)),
                    None => Piece::sorted(&all).map(|(p, o)| (p, Some(o))),
                };
                if let Some((p, order)) = made {
                    let s = p.format(section);
                    (k.2, k.3) = (Some((p, s)), order);
                }
            });
            keys
        })
        .collect()
}

/// A text's file being written: buffered, hashed on the way.
pub struct Writer {
    path: PathBuf,
    out: std::io::BufWriter<std::fs::File>,
    hash: crate::util::sha::Sha512,
    len: u64,
}

impl Writer {
    /// A writer of a new file at `path`, through a buffer of `buffer` bytes.
    pub fn create(path: PathBuf, buffer: usize) -> anyhow::Result<Writer> {
        let file = std::fs::File::create(&path).with_context(|| format!("cannot create `{}`", path.display()))?;
        let out = std::io::BufWriter::with_capacity(buffer, file);
        Ok(Writer { path, out, hash: crate::util::sha::Sha512::new(), len: 0 })
    }

    pub fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.hash.update(bytes);
        self.len += bytes.len() as u64;
        self.out.write_all(bytes)
    }

    /// [`Writer::write`], saying which file could not be written.
    pub fn put(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.write(bytes).with_context(|| format!("cannot write `{}`", self.path.display()))
    }

    /// Writes `last`, and the file is ready (and on its way to the disk).
    pub fn finish(mut self, last: &[u8]) -> anyhow::Result<Arc<Made>> {
        self.put(last)?;
        self.out.flush().with_context(|| format!("cannot write `{}`", self.path.display()))?;
        crate::util::fs::start_writeback(self.out.get_ref());
        Ok(Arc::new(Made { path: self.path, sha512: self.hash.finish(), len: self.len }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::lists::filelist;

    #[test]
    fn texts_made_a_run_at_a_time_are_the_lists_made_whole() {
        // Project names that are prefixes of others (`p1`, `p1-extra`, `p1.x`), so their
        // paths interleave, a note at the top between them, and a held project's entries
        // with a path the tree has too (the tree's line is kept).
        let dir = tempfile::tempdir().unwrap();
        let files =
            ["README", "p1/1.0/p1-1.0.tar.gz", "p1/2.0/p1-2.0.tar.gz", "p1/NEWS", "p1-extra/2.0/p1-extra-2.0.tar.gz"];
        let more = ["p1.x/1.0/p1.x-1.0.tar.gz", "q/0.9/q-0.9.tar.gz", "q/1.0/q-1.0.tar.gz", "r/1.0/r-1.0.zip"];
        for f in files.iter().chain(&more) {
            let path = dir.path().join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, f).unwrap();
        }
        let notes = crate::input::registry::default_notes();
        let (mut tree, _) = crate::input::tree::scan(dir.path(), &notes, &Default::default()).unwrap();
        for (n, a) in
            tree.projects.values_mut().flat_map(|p| &mut p.releases).flat_map(|r| &mut r.artifacts).enumerate()
        {
            let (sha512, sha256) = ([n as u8; 64], [0; 32]);
            a.file.digests = Some(crate::model::digests::Digests::new(sha512, sha256, None, Default::default()));
        }
        let held = vec![
            ListEntry { mtime: 1, kind: 'f', size: 9, path: "p1/1.0/p1-1.0.tar.gz".into(), sha512: Some([9; 64]) },
            ListEntry { mtime: 1, kind: 'd', size: 9, path: "p1-held".into(), sha512: None },
        ];
        fn lines<'t>(p: &'t Project, releases: &[u32], archive: bool) -> Vec<Line<'t>> {
            let mut out = vec![line(&p.dir, 'd')];
            out.extend(p.notes.iter().filter(|_| archive).map(|n| line(n, 'f')));
            for r in releases.iter().map(|&i| &p.releases[i as usize]) {
                out.push(line(&r.dir, 'd'));
                out.extend(r.artifacts.iter().map(|a| line(&a.file, 'f')));
            }
            out
        }
        let every =
            |archive: bool| {
                tree.projects
                    .values()
                    .map(|p| {
                        if archive { (0..p.releases.len() as u32).collect() } else { vec![p.releases.len() as u32 - 1] }
                    })
                    .collect::<Carried>()
            };
        let wants = [
            Want { archive: true, releases: every(true), extra: None },
            Want { archive: false, releases: every(false), extra: Some(&held) },
        ];
        let whole: Vec<String> = wants
            .iter()
            .map(|w| {
                let mut all: Vec<ListEntry> = tree.notes.iter().map(|n| line(n, 'f').to_entry()).collect();
                for (i, p) in tree.projects.values().enumerate() {
                    all.extend(lines(p, w.releases.of(i), w.archive).into_iter().map(Line::to_entry));
                }
                all.extend(w.extra.into_iter().flatten().cloned());
                filelist(all)
            })
            .collect();
        assert!(whole[1].contains("p1-1.0.tar.gz") && whole[1].contains("\tp1-held\n"), "{}", whole[1]);
        for run in [1, 2, 3, RUN] {
            let aside = tempfile::tempdir().unwrap();
            let made = make_texts(&tree, &wants, &lines, aside.path(), run).unwrap();
            for (m, want) in made.iter().zip(&whole) {
                assert_eq!(&std::fs::read_to_string(&m.path).unwrap(), want, "runs of {run} lines");
                assert_eq!(m.len, want.len() as u64);
            }
        }
    }
}
