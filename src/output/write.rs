//! The only code that writes the site. Files are written as they are rendered into a
//! hidden sibling directory, which `output::commit` puts in place (the whole site with
//! one exchange, or an incremental build's project directories one by one), so a build
//! that fails before the commit leaves the previous site exactly as it was, and files
//! of an earlier build that no longer belong disappear with it. An output that is
//! byte-identical to the site on disk is not written at all. (closer's own files in the
//! release tree, the mirror lists and the stamp, are written by `output::lists`.)

use crate::output::commit::{MARKER, MARKER_TEXT, Partial, Written};
use crate::util::problem::with_fix;
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

fn is_closer_dir(dir: &Path) -> Result<bool> {
    if dir.join(MARKER).is_file() {
        return Ok(true);
    }
    let mut entries = std::fs::read_dir(dir).with_context(|| format!("cannot read `{}`", dir.display()))?;
    Ok(entries.next().is_none())
}

/// Removes temporary directories left by builds that were killed.
fn clean_leftovers(out_dir: &Path) {
    let (Some(parent), Some(name)) = (out_dir.parent(), out_dir.file_name()) else { return };
    let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
    crate::util::fs::remove_leftovers(parent, Some(&name.to_string_lossy()));
}

/// Where the render stage puts each file of the site, as soon as it is made.
pub trait Sink: Sync {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()>;
    /// Puts a file whose bytes equal those of `same_as`, a file put before it (a release
    /// with one artifact has a checksum list equal to its sidecar). A writer may make it
    /// a hard link, which costs the file system far less than a new file.
    fn put_same(&self, rel: &str, bytes: &[u8], same_as: &str) -> Result<()> {
        let _ = same_as;
        self.put(rel, bytes)
    }
    /// Does it want the files that are not pages (sidecars, copies, Metalinks)? `check`
    /// renders only pages, to find template errors.
    fn wants_files(&self) -> bool {
        true
    }
    /// Puts a file made of `parts` in order, each written as it comes, so that a file of
    /// hundreds of megabytes (`releases.json` at ten thousand projects) is never whole
    /// in memory.
    fn put_joined(&self, rel: &str, parts: &mut dyn Iterator<Item = Result<Vec<u8>>>) -> Result<()> {
        let mut bytes = Vec::new();
        for part in parts {
            bytes.extend_from_slice(&part?);
        }
        self.put(rel, &bytes)
    }
    /// The bytes of `rel`, a file put in this build or (an incremental build) one of a
    /// project it keeps as it was; `None` when the writer keeps no files or cannot read it.
    fn get(&self, rel: &str) -> Option<Vec<u8>> {
        let _ = rel;
        None
    }
}

/// For `check`: the site is rendered (so template errors are found) and dropped.
#[derive(Default)]
pub struct Discard(AtomicUsize);

impl Sink for Discard {
    fn put(&self, _rel: &str, _bytes: &[u8]) -> Result<()> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn wants_files(&self) -> bool {
        false
    }

    fn put_joined(&self, rel: &str, _parts: &mut dyn Iterator<Item = Result<Vec<u8>>>) -> Result<()> {
        self.put(rel, &[])
    }
}

impl Discard {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

/// Writes a new site into a hidden sibling of the output directory as the files arrive
/// (so a build never holds the whole site in memory), then swaps it into place in
/// [`SiteWriter::finish`]. While every file so far equals the old site's, nothing is
/// written at all; from the first difference on, new files are written and files equal
/// to the old site's are hard-linked from it (those seen before the difference at the
/// end), so an unchanged file keeps its inode and mtime from build to build. Dropped
/// without `finish` (a failed build), it removes what it wrote and the old site stays as
/// it was.
pub struct SiteWriter {
    out_dir: PathBuf,
    tmp: PathBuf,
    /// The old site, when there is one to compare with.
    old: Option<PathBuf>,
    diverged: AtomicBool,
    /// Files equal to the old site's, not in `tmp` yet.
    same: Mutex<Vec<String>>,
    /// Directories made in `tmp`.
    dirs: Mutex<HashSet<String>>,
    files: AtomicUsize,
    /// Files put, by their first directory (a project's, `mirrors`, `logos`).
    by_dir: Mutex<HashMap<String, usize>>,
    /// Set for a build that replaces only some projects' directories.
    partial: Option<Partial>,
    finished: bool,
}

impl SiteWriter {
    /// Starts a new site for `out_dir`; refuses a directory closer did not make.
    pub fn begin(out_dir: &Path) -> Result<SiteWriter> {
        let exists = match std::fs::symlink_metadata(out_dir) {
            Ok(m) if m.is_dir() => true,
            Ok(_) => bail!("`{}` exists and is not a directory; choose another --out", out_dir.display()),
            Err(_) => false,
        };
        if exists && !is_closer_dir(out_dir)? {
            bail!(with_fix(
                format!("`{}` is not empty and was not made by closer; refusing to replace it", out_dir.display()),
                "choose another --out, or empty the directory"
            ));
        }
        clean_leftovers(out_dir);
        let tmp = crate::util::fs::sibling(out_dir, "new");
        crate::util::fs::remove_dir_all(&tmp)?;
        crate::util::fs::create_dir_all(&tmp)?;
        Ok(SiteWriter {
            out_dir: out_dir.to_path_buf(),
            tmp,
            old: exists.then(|| out_dir.to_path_buf()),
            diverged: AtomicBool::new(!exists),
            same: Mutex::new(Vec::new()),
            dirs: Mutex::new(HashSet::new()),
            files: AtomicUsize::new(0),
            by_dir: Mutex::new(HashMap::new()),
            partial: None,
            finished: false,
        })
    }

    /// Starts an incremental build of the site at `out_dir`, which must be a closer site:
    /// only `partial.rendered` projects and the site-wide files are put; [`finish`]
    /// swaps each rendered project's directory in (`renameat2` exchange, so a reader sees
    /// a project whole, old or new), removes the directories of projects that are gone,
    /// and then replaces the site-wide files and directories.
    ///
    /// [`finish`]: SiteWriter::finish
    pub fn begin_partial(out_dir: &Path, partial: Partial) -> Result<SiteWriter> {
        let mut w = SiteWriter::begin(out_dir)?;
        // Every file goes to the new directories: equal ones as links to the old.
        w.diverged = AtomicBool::new(true);
        w.partial = Some(partial);
        Ok(w)
    }

    /// Files put so far under each first directory.
    pub fn counts(&self) -> HashMap<String, usize> {
        self.by_dir.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Files put so far.
    pub fn count(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    fn counted(&self, rel: &str) {
        self.files.fetch_add(1, Ordering::Relaxed);
        if let Some((dir, _)) = rel.split_once('/') {
            let mut by_dir = self.by_dir.lock().unwrap_or_else(|e| e.into_inner());
            match by_dir.get_mut(dir) {
                Some(n) => *n += 1,
                None => {
                    by_dir.insert(dir.to_string(), 1);
                }
            }
        }
    }

    /// Makes the parent directories of `rel` in the new site.
    fn parent_dirs(&self, rel: &str) -> Result<()> {
        let Some((parent, _)) = rel.rsplit_once('/') else { return Ok(()) };
        if self.dirs.lock().unwrap_or_else(|e| e.into_inner()).contains(parent) {
            return Ok(());
        }
        crate::util::fs::create_dir_all(&self.tmp.join(parent))?;
        self.dirs.lock().unwrap_or_else(|e| e.into_inner()).insert(parent.to_string());
        Ok(())
    }

    /// Swaps the new site in, or keeps the old one when nothing differs.
    pub fn finish(mut self) -> Result<Written> {
        self.finished = true;
        let result = self.finish_inner();
        crate::util::fault::point("swap");
        // After an exchange `tmp` holds the old site; otherwise the unused new one.
        let cleanup = crate::util::fs::remove_dir_all(&self.tmp);
        let written = result?;
        cleanup?;
        Ok(written)
    }

    fn finish_inner(&mut self) -> Result<Written> {
        if let Some(partial) = &self.partial {
            return crate::output::commit::commit(&self.tmp, &self.out_dir, partial);
        }
        if !self.diverged.load(Ordering::SeqCst)
            && let Some(old) = &self.old
        {
            // Every new file equals an old one: the same site unless the old one has more.
            let old_files = walkdir::WalkDir::new(old)
                .min_depth(1)
                .into_iter()
                .filter(|e| e.as_ref().is_ok_and(|e| !e.file_type().is_dir() && e.file_name() != MARKER))
                .count();
            if old_files == self.count() {
                return Ok(Written::Unchanged);
            }
        }
        if let Some(old) = &self.old {
            let same = std::mem::take(&mut *self.same.lock().unwrap_or_else(|e| e.into_inner()));
            same.par_iter().try_for_each(|rel| {
                self.parent_dirs(rel)?;
                let (from, to) = (old.join(rel), self.tmp.join(rel));
                std::fs::hard_link(&from, &to)
                    .or_else(|_| std::fs::copy(&from, &to).map(|_| ()))
                    .with_context(|| format!("cannot copy `{}` into the new site", from.display()))
            })?;
        }
        crate::util::fs::write(&self.tmp.join(MARKER), MARKER_TEXT)?;
        crate::util::fault::point("swap");
        crate::util::fs::swap_in(&self.tmp, &self.out_dir)?;
        Ok(Written::Replaced)
    }
}

/// Does the regular file at `path` hold exactly `bytes`? One open, one read.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(path) else { return false };
    if !f.metadata().is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64) {
        return false;
    }
    let mut have = Vec::with_capacity(bytes.len() + 1);
    f.read_to_end(&mut have).is_ok() && have == bytes
}

impl Sink for SiteWriter {
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        crate::util::fault::point("write");
        self.counted(rel);
        if let Some(old) = &self.old {
            let path = old.join(rel);
            if holds(&path, bytes) {
                if !self.diverged.load(Ordering::Relaxed) {
                    self.same.lock().unwrap_or_else(|e| e.into_inner()).push(rel.to_string());
                    return Ok(());
                }
                // The old site's file, kept: no new inode now, none freed when the old
                // site goes, and its mtime stays, so a publishing rsync skips it.
                self.parent_dirs(rel)?;
                if std::fs::hard_link(&path, self.tmp.join(rel)).is_ok() {
                    return Ok(());
                }
            } else {
                self.diverged.store(true, Ordering::SeqCst);
            }
        }
        self.parent_dirs(rel)?;
        crate::util::fs::write(&self.tmp.join(rel), bytes)
    }

    fn put_same(&self, rel: &str, bytes: &[u8], same_as: &str) -> Result<()> {
        // Before the first difference nothing is in the new site yet; after it `same_as`
        // usually is (unless it was equal to the old site's and deferred): link, or write.
        if self.diverged.load(Ordering::Relaxed) {
            self.counted(rel);
            self.parent_dirs(rel)?;
            let to = self.tmp.join(rel);
            if std::fs::hard_link(self.tmp.join(same_as), &to).is_ok() {
                return Ok(());
            }
            return crate::util::fs::write(&to, bytes);
        }
        self.put(rel, bytes)
    }

    fn put_joined(&self, rel: &str, parts: &mut dyn Iterator<Item = Result<Vec<u8>>>) -> Result<()> {
        crate::util::fault::point("write");
        self.counted(rel);
        self.parent_dirs(rel)?;
        let to = self.tmp.join(rel);
        let len = write_joined(&to, parts)?;
        let Some(old) = &self.old else { return Ok(()) };
        let path = old.join(rel);
        if !same_bytes(&path, &to, len) {
            self.diverged.store(true, Ordering::SeqCst);
            return Ok(());
        }
        // As `put` does with a file equal to the old site's: deferred, or linked.
        if !self.diverged.load(Ordering::Relaxed) {
            self.same.lock().unwrap_or_else(|e| e.into_inner()).push(rel.to_string());
            return crate::util::fs::remove_file(&to);
        }
        let link = crate::util::fs::sibling(&to, "link");
        if std::fs::hard_link(&path, &link).is_ok() {
            std::fs::rename(&link, &to).with_context(|| format!("cannot write `{}`", to.display()))?;
        }
        Ok(())
    }

    fn get(&self, rel: &str) -> Option<Vec<u8>> {
        if let Ok(bytes) = std::fs::read(self.tmp.join(rel)) {
            return Some(bytes);
        }
        // Not in the new site: equal to the old site's (a whole build), or kept from it.
        let kept = match &self.partial {
            Some(partial) => rel.split_once('/').is_some_and(|(dir, _)| partial.kept.contains(dir)),
            None => true,
        };
        self.old.as_ref().filter(|_| kept).and_then(|old| std::fs::read(old.join(rel)).ok())
    }
}

/// Writes the concatenation of `parts` to `path` as they come; returns its length.
fn write_joined(path: &Path, parts: &mut dyn Iterator<Item = Result<Vec<u8>>>) -> Result<u64> {
    use std::io::Write;
    let context = || format!("cannot write `{}`", path.display());
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path).with_context(context)?);
    let mut len = 0;
    for part in parts {
        let part = part?;
        out.write_all(&part).with_context(context)?;
        len += part.len() as u64;
    }
    out.flush().with_context(context)?;
    crate::util::fs::start_writeback(out.get_ref());
    Ok(len)
}

/// Do the regular files `a` and `b` (of `len` bytes) hold the same bytes? Read in
/// blocks, never whole.
fn same_bytes(a: &Path, b: &Path, len: u64) -> bool {
    use std::io::Read;
    let (Ok(mut fa), Ok(mut fb)) = (std::fs::File::open(a), std::fs::File::open(b)) else { return false };
    if !fa.metadata().is_ok_and(|m| m.is_file() && m.len() == len) {
        return false;
    }
    let (mut ba, mut bb) = (vec![0; 1 << 20], vec![0; 1 << 20]);
    loop {
        let Ok(n) = fa.read(&mut ba) else { return false };
        if n == 0 {
            return fb.read(&mut bb).is_ok_and(|m| m == 0);
        }
        if fb.read_exact(&mut bb[..n]).is_err() || ba[..n] != bb[..n] {
            return false;
        }
    }
}

impl Drop for SiteWriter {
    fn drop(&mut self) {
        if !self.finished {
            let _ = crate::util::fs::remove_dir_all(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(out: &Path, files: &[(&str, &str)]) -> Result<Written> {
        let w = SiteWriter::begin(out)?;
        for (rel, text) in files {
            w.put(rel, text.as_bytes())?;
        }
        w.finish()
    }

    #[test]
    fn unchanged_sites_are_not_rewritten_and_failed_ones_leave_the_old() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let site = [("index.html", "home"), ("p/index.html", "project")];
        assert_eq!(build(&out, &site).unwrap(), Written::Replaced);
        assert_eq!(build(&out, &site).unwrap(), Written::Unchanged);
        // One file fewer is a different site.
        assert_eq!(build(&out, &site[..1]).unwrap(), Written::Replaced);
        assert!(!out.join("p/index.html").exists());
        // A build dropped before `finish` changes nothing and leaves no temporary directory.
        {
            let w = SiteWriter::begin(&out).unwrap();
            w.put("index.html", b"half").unwrap();
        }
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "home");
        let names: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
        assert_eq!(names, ["site"]);
    }

    #[test]
    fn refuses_a_directory_closer_did_not_make() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("precious.txt"), "mine").unwrap();
        let e = SiteWriter::begin(dir.path()).err().unwrap().to_string();
        assert!(e.contains("was not made by closer") && e.contains("fix: choose another --out"), "{e}");
        assert!(dir.path().join("precious.txt").exists());
    }

    #[test]
    fn a_joined_file_is_its_parts_and_an_equal_one_keeps_its_inode() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let build = |a: &str, parts: &[&str]| {
            let w = SiteWriter::begin(&out).unwrap();
            w.put("p/a", a.as_bytes()).unwrap();
            w.put_joined("all", &mut parts.iter().map(|p| Ok(p.as_bytes().to_vec()))).unwrap();
            assert_eq!(w.get("p/a").as_deref(), Some(a.as_bytes()), "what was put is what `get` gives");
            w.finish().unwrap()
        };
        let ino = || std::fs::metadata(out.join("all")).unwrap().ino();
        assert_eq!(build("A", &["x", "y"]), Written::Replaced);
        assert_eq!(std::fs::read_to_string(out.join("all")).unwrap(), "xy");
        let first = ino();
        // The same bytes from other parts: nothing written.
        assert_eq!(build("A", &["xy"]), Written::Unchanged);
        // Another file differs: the equal joined file is the old one, linked.
        assert_eq!(build("B", &["x", "y"]), Written::Replaced);
        assert_eq!((ino(), std::fs::read_to_string(out.join("p/a")).unwrap()), (first, "B".into()));
        // A part that fails fails the put, and the old site stays.
        let w = SiteWriter::begin(&out).unwrap();
        let mut parts = [Ok(b"x".to_vec()), Err(anyhow::anyhow!("no"))].into_iter();
        assert!(w.put_joined("all", &mut parts).is_err());
        drop(w);
        assert_eq!(std::fs::read_to_string(out.join("all")).unwrap(), "xy");
    }
}
