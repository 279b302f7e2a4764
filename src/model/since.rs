//! `dist/zzz/since`: the primary stamp at which each current artifact first appeared in
//! the mirror lists, so a new build never resets it. closer owns this file: the build
//! writes it beside the lists (`output::lists`), the pages and `closer status` read it.
//!
//! It holds a line for every current artifact (half a million at foundation scale), so
//! it is kept compact: one sorted vector, each entry its path, its stamp and the first
//! 16 bytes of its SHA-512 as bytes; read as a stream and never rendered whole to be
//! compared (BENCHMARKS.md, session 19).

use crate::util::text::push_hex;
use anyhow::{Context, Result};
use std::io::BufRead;
use std::path::Path;

/// Where the `since` stamps live, relative to the release tree.
pub const SINCE_FILE: &str = "zzz/since";
const SINCE_HEADER: &str = "# closer since v1: <stamp>\t<sha512 prefix>\t<path>; the primary stamp at which each current artifact first appeared in the mirror lists\n";

/// The start of a file's SHA-512 as `since` records it: 16 bytes, written as 32 hex
/// digits, or none (an empty field) for a file whose digest was not known, kept as 16
/// zero bytes (a SHA-512 that starts so is not to be met). 16 bytes, so that an entry
/// is 40 and the next entries are made in place of the files they are of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sum([u8; 16]);

impl Sum {
    /// The prefix `since` records of a file with this SHA-512.
    pub fn of(sha512: &[u8; 64]) -> Sum {
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&sha512[..16]);
        Sum(bytes)
    }

    /// Reads 32 lower-case hex digits, or none.
    fn parse(hex: &str) -> Option<Sum> {
        match hex {
            "" => Some(Sum::default()),
            _ => crate::util::text::unhex::<16>(hex).map(Sum),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0 == [0u8; 16]
    }

    fn recorded(&self) -> &[u8] {
        if self.is_empty() { &[] } else { &self.0 }
    }

    /// Does a file with this SHA-512 have this prefix? (An empty one says nothing.)
    pub fn matches(&self, sha512: &[u8; 64]) -> bool {
        self.is_empty() || sha512[..16] == self.0
    }

    pub fn hex(&self) -> String {
        crate::util::text::hex(self.recorded())
    }
}

/// One current artifact's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its path in the release tree.
    pub rel: Box<str>,
    pub stamp: i64,
    pub sum: Sum,
}

impl Entry {
    fn push_line(&self, out: &mut String) {
        use std::fmt::Write as _;
        let _ = write!(out, "{}\t", self.stamp);
        push_hex(out, self.sum.recorded());
        out.push('\t');
        out.push_str(&self.rel);
        out.push('\n');
    }
}

/// For each current artifact (path in the release tree): the stamp and the start of its
/// SHA-512, so a replaced file gets a new stamp. Sorted by path, each path once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Since(Vec<Entry>);

impl Since {
    /// Parses the `since` file; lines that do not parse are dropped (their files get the
    /// current stamp, which only ever delays a mirror, never sends anyone to a stale one).
    pub fn parse(text: &str) -> Since {
        Since::from_entries(text.lines().filter_map(parse_line).collect())
    }

    fn from_entries(mut entries: Vec<Entry>) -> Since {
        if !entries.is_sorted_by(|a, b| a.rel < b.rel) {
            // A later line for the same path wins, as a map's insert would.
            entries.reverse();
            entries.sort_by(|a, b| a.rel.cmp(&b.rel));
            entries.dedup_by(|later, first| later.rel == first.rel);
        }
        Since(entries)
    }

    /// The file's text, whole (what [`Since::write_if_changed`] writes a line at a time).
    pub fn render(&self) -> String {
        let mut s = String::with_capacity(SINCE_HEADER.len() + self.0.iter().map(|e| e.rel.len() + 56).sum::<usize>());
        s.push_str(SINCE_HEADER);
        self.0.iter().for_each(|e| e.push_line(&mut s));
        s
    }

    /// The SHA-256 of [`Since::render`], made a line at a time.
    pub fn digest(&self) -> [u8; 32] {
        let mut h = crate::util::sha::Sha256::new();
        let _ = self.each_line(&mut |b| {
            h.update(b);
            Ok(())
        });
        h.finish()
    }

    /// The file's text, handed to `out` a line at a time (the header first).
    fn each_line(&self, out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<()> {
        out(SINCE_HEADER.as_bytes())?;
        let mut line = String::new();
        self.0.iter().try_for_each(|e| {
            line.clear();
            e.push_line(&mut line);
            out(line.as_bytes())
        })
    }

    /// Writes the file at `root` unless it already holds these stamps (compared by
    /// digest, so a no-op build neither renders nor holds it whole). Returns whether it
    /// wrote.
    pub fn write_if_changed(&self, root: &Path) -> Result<bool> {
        self.write_file_if_changed(&root.join(SINCE_FILE))
    }

    /// [`Since::write_if_changed`] to the file at `path` (closer's record of files
    /// published and removed, in its cache, has this form too).
    pub fn write_file_if_changed(&self, path: &Path) -> Result<bool> {
        let mut h = crate::util::sha::Sha256::new();
        let same = match crate::util::fs::read_chunks(path, &mut |b| h.update(b)) {
            Ok(_) => h.finish() == self.digest(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", path.display())),
        };
        if !same {
            // A line at a time: whole, the text of half a million files was 41 MB at the
            // build's peak.
            crate::util::fs::write_with_atomic(path, true, &mut |f| self.each_line(&mut |b| f.write_all(b)))?;
        }
        Ok(!same)
    }

    /// The `since` of the files now in the lists: kept when a file is unchanged, `stamp`
    /// for a file that is new or was replaced.
    /// Returns the next map, and what is left of this one: the files that are no longer
    /// current (archived, or gone from the tree). `count` is how many files there are,
    /// so that their vector is made once, not doubled as it fills (at the last doubling
    /// both buffers were the build's peak).
    pub fn next<'a>(
        mut self,
        count: usize,
        current: impl IntoIterator<Item = (&'a str, Sum)>,
        stamp: i64,
    ) -> (Since, Since) {
        // As large as an entry, so that the entries are made in its place (in-place
        // collection) and half a million are not held twice.
        let mut files: Vec<(&str, i64, Sum)> = Vec::with_capacity(count);
        files.extend(current.into_iter().map(|(rel, sum)| (rel, stamp, sum)));
        files.sort_unstable_by(|a, b| a.0.cmp(b.0));
        files.dedup_by(|a, b| a.0 == b.0);
        // A merge of two sorted runs; each path moves from the old entry to the new one,
        // so a million paths are not held twice.
        let mut old = 0;
        let next = files
            .into_iter()
            .map(|(rel, stamp, sum)| {
                while old < self.0.len() && &*self.0[old].rel < rel {
                    old += 1;
                }
                match self.0.get_mut(old) {
                    Some(e) if &*e.rel == rel => {
                        let at = if e.sum == sum { e.stamp } else { stamp };
                        Entry { rel: std::mem::take(&mut e.rel), stamp: at, sum }
                    }
                    _ => Entry { rel: rel.into(), stamp, sum },
                }
            })
            .collect();
        self.0.retain(|e| !e.rel.is_empty());
        (Since(next), self)
    }

    /// Adds entries (kept for held projects), which replace those of the same path.
    pub fn extend(&mut self, entries: Vec<Entry>) {
        let mut all = entries;
        all.append(&mut self.0);
        all.sort_by(|a, b| a.rel.cmp(&b.rel));
        all.dedup_by(|later, first| later.rel == first.rel);
        self.0 = all;
    }

    /// Reads the `since` file of the release tree at `root`, a line at a time; `None`
    /// when there is none.
    pub fn read(root: &Path) -> Result<Option<Since>> {
        Since::read_file(&root.join(SINCE_FILE))
    }

    /// [`Since::read`] of the file at `path`.
    pub fn read_file(path: &Path) -> Result<Option<Since>> {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", path.display())),
        };
        // One line buffer for them all. (Not sized from the file's length: lines are 45
        // bytes and a path, and a guess short of the count doubled the vector.)
        let mut entries = Vec::new();
        let (mut reader, mut line) = (std::io::BufReader::with_capacity(256 << 10, file), Vec::new());
        loop {
            line.clear();
            let n = reader.read_until(b'\n', &mut line).with_context(|| format!("cannot read `{}`", path.display()))?;
            if n == 0 {
                break;
            }
            let text = line.strip_suffix(b"\n").unwrap_or(&line);
            entries.extend(parse_line(&String::from_utf8_lossy(text)));
        }
        Ok(Some(Since::from_entries(entries)))
    }

    fn find(&self, rel: &str) -> Option<&Entry> {
        self.0.binary_search_by(|e| (*e.rel).cmp(rel)).ok().map(|i| &self.0[i])
    }

    /// The entries of these paths, where there are any.
    pub fn entries_of<'a>(&self, paths: impl Iterator<Item = &'a str>) -> Vec<Entry> {
        paths.filter_map(|p| self.find(p).cloned()).collect()
    }

    pub fn get(&self, rel: &str) -> Option<i64> {
        self.find(rel).map(|e| e.stamp)
    }

    /// The SHA-512 prefix recorded for `rel`.
    pub fn sum(&self, rel: &str) -> Option<Sum> {
        self.find(rel).map(|e| e.sum)
    }

    /// Every stamp, once per file.
    pub fn stamps(&self) -> impl Iterator<Item = i64> + '_ {
        self.0.iter().map(|e| e.stamp)
    }

    /// Is there an entry whose path starts with `prefix`?
    pub fn has_under(&self, prefix: &str) -> bool {
        let i = self.0.partition_point(|e| &*e.rel < prefix);
        self.0.get(i).is_some_and(|e| e.rel.starts_with(prefix))
    }

    /// Keeps the entries `keep` says yes to.
    pub fn retain(&mut self, keep: impl FnMut(&Entry) -> bool) {
        self.0.retain(keep);
    }

    /// The entries, in order of their paths.
    pub fn into_entries(self) -> Vec<Entry> {
        self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn parse_line(line: &str) -> Option<Entry> {
    if line.starts_with('#') {
        return None;
    }
    let mut parts = line.splitn(3, '\t');
    let (stamp, sum, rel) = (parts.next()?, parts.next()?, parts.next()?);
    let rel = rel.strip_suffix('\r').unwrap_or(rel);
    if rel.is_empty() {
        return None;
    }
    Some(Entry { rel: rel.into(), stamp: stamp.parse().ok()?, sum: Sum::parse(sum)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha(first: u8) -> [u8; 64] {
        [first; 64]
    }

    #[test]
    fn since_keeps_old_stamps_and_renews_replaced_files() {
        let (a, b) = (Sum::of(&sha(0xaa)).hex(), Sum::of(&sha(0xbb)).hex());
        let old = Since::parse(&format!("# header\n100\t{a}\tp/1/a.tgz\n100\t{b}\tp/1/b.tgz\nnonsense\n"));
        assert_eq!(old.len(), 2);
        let (next, rest) = old.next(
            3,
            [("p/2/c", Sum::of(&sha(0xdd))), ("p/1/a.tgz", Sum::of(&sha(0xaa))), ("p/1/b.tgz", Sum::of(&sha(0xcc)))],
            200,
        );
        assert!(rest.is_empty(), "every old file is still current");
        assert_eq!(next.get("p/1/a.tgz"), Some(100));
        assert_eq!(next.get("p/1/b.tgz"), Some(200), "a replaced file gets the new stamp");
        assert_eq!(next.get("p/2/c"), Some(200));
        assert_eq!(Since::parse(&next.render()), next);
        assert_eq!(next.digest(), crate::util::sha::Sha256::with_prefix(next.render().as_bytes()).finish());
    }

    #[test]
    fn files_no_longer_current_are_what_is_left() {
        let old = Since::parse("1\t\tp/1/a\n2\t\tp/1/b\n3\t\tp/1/c\n");
        let (next, rest) = old.next(1, [("p/1/b", Sum::default())], 9);
        assert_eq!(next.get("p/1/b"), Some(2));
        assert_eq!(
            rest.into_entries().into_iter().map(|e| String::from(e.rel)).collect::<Vec<_>>(),
            ["p/1/a", "p/1/c"]
        );
    }

    #[test]
    fn an_unsorted_or_repeated_file_still_reads_and_an_empty_prefix_matches_anything() {
        let (ab, cd) = (Sum::of(&sha(0xab)).hex(), Sum::of(&sha(0xcd)).hex());
        let since = Since::parse(&format!("5\t{ab}\tz/1/f\n1\t\ta/1/f\n7\t{cd}\tz/1/f\n"));
        assert_eq!(since.get("z/1/f"), Some(7), "the later line wins");
        assert_eq!(since.get("a/1/f"), Some(1));
        assert!(since.has_under("z/") && !since.has_under("b/"));
        assert!(since.sum("z/1/f").is_some_and(|s| s.matches(&sha(0xcd)) && !s.matches(&sha(0xab))));
        assert!(since.sum("a/1/f").is_some_and(|s| s.is_empty() && s.matches(&sha(0xab))));
        assert_eq!(since.render().lines().nth(2), Some("7\tcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd\tz/1/f"));
        assert!(
            Since::parse("5\txyz\tp/f\n5\tabcd\tp/g\n6\t\t\n").is_empty(),
            "a bad or short prefix, or no path, drops the line"
        );
        // An entry is as large as the tuple it is made in place of (`Since::next`).
        assert_eq!(std::mem::size_of::<Entry>(), std::mem::size_of::<(&str, i64, Sum)>());
        assert_eq!(std::mem::size_of::<Entry>(), 40);
    }

    #[test]
    fn reading_the_file_streams_the_same_entries_and_an_unchanged_file_is_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let since = Since::parse(&format!("1\t{}\tp/1/a b\n2\t\tp/1/c\n", Sum::of(&sha(1)).hex()));
        assert!(since.write_if_changed(dir.path()).unwrap(), "no file yet");
        assert_eq!(Since::read(dir.path()).unwrap(), Some(since.clone()));
        assert!(!since.write_if_changed(dir.path()).unwrap(), "the same stamps");
        let (next, _) = since.clone().next(1, [("p/1/c", Sum::default())], 3);
        assert!(next.write_if_changed(dir.path()).unwrap());
        assert_eq!(Since::read(dir.path()).unwrap(), Some(next));
    }
}
