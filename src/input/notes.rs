//! Which file names are notes (`policy.notes`): carried to the mirrors, never signed.
//! Publishers write their names in any case (`ChangeLog`, `NEWS`, `changes.txt`), so
//! names match whatever their case. The scan asks this of every file (twice, for a
//! signature's name), so the common globs (`NEWS`, `README*`, `*-CHANGELOG`,
//! `*pubkey*`, `latest*.txt`) are plain comparisons, without regard to ASCII case and
//! without lower-casing an ASCII name: globset's case-insensitive regex was seven
//! percent of a warm build's time at a million files.

use globset::{Glob, GlobSet, GlobSetBuilder};

/// The compiled `policy.notes` globs.
#[derive(Clone, Debug, Default)]
pub struct Notes {
    /// Globs that are a name, `name*`, `*name`, `*name*` or `start*end`, lower-cased.
    exact: Vec<String>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    inner: Vec<String>,
    around: Vec<(String, String)>,
    /// The others, compiled for lower-case names.
    set: GlobSet,
    /// The first bytes of the names and prefixes, and the last bytes of the suffixes (a
    /// bit each; every bit when one is empty): most names are ruled out by a byte.
    firsts: Bytes,
    lasts: Bytes,
}

/// A set of bytes.
#[derive(Clone, Copy, Debug, Default)]
struct Bytes([u64; 4]);

impl Bytes {
    fn add(&mut self, b: Option<&u8>) {
        match b {
            Some(&b) => self.0[usize::from(b >> 6)] |= 1 << (b & 63),
            None => self.0 = [u64::MAX; 4],
        }
    }
    fn has(&self, b: Option<&u8>) -> bool {
        b.map(u8::to_ascii_lowercase).is_some_and(|b| self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0)
    }
}

/// Does the glob `g` use no glob syntax at all?
fn plain(g: &str) -> bool {
    !g.contains(['*', '?', '[', ']', '{', '}', '\\'])
}

/// `hay` starts with the lower-case `p`, in any ASCII case.
fn starts(hay: &[u8], p: &str) -> bool {
    hay.len() >= p.len() && hay[..p.len()].eq_ignore_ascii_case(p.as_bytes())
}

/// `hay` ends with the lower-case `s`, in any ASCII case.
fn ends(hay: &[u8], s: &str) -> bool {
    hay.len() >= s.len() && hay[hay.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes())
}

/// Does `hay` hold the lower-case `word` in any ASCII case?
fn holds_word(hay: &[u8], word: &[u8]) -> bool {
    let Some(&first) = word.first() else { return true };
    hay.len() >= word.len()
        && hay.windows(word.len()).any(|x| x[0].to_ascii_lowercase() == first && x.eq_ignore_ascii_case(word))
}

impl Notes {
    /// Compiles `globs`; each one that is not a valid glob comes back with its error
    /// (the others are still used).
    pub fn new<'a>(globs: impl IntoIterator<Item = &'a str>) -> (Notes, Vec<(&'a str, globset::Error)>) {
        let mut b = GlobSetBuilder::new();
        let mut bad = Vec::new();
        let mut notes = Notes::default();
        for g in globs {
            let lower = g.to_lowercase();
            let (stars, bare) = (lower.matches('*').count(), lower.replace('*', ""));
            let (first, last) = (lower.starts_with('*'), lower.ends_with('*'));
            match (plain(&bare), stars) {
                (true, 0) => notes.exact.push(lower),
                (true, 1) if last => notes.prefixes.push(bare),
                (true, 1) if first => notes.suffixes.push(bare),
                (true, 1) => {
                    let (start, end) = lower.split_once('*').unwrap_or_default();
                    notes.around.push((start.to_string(), end.to_string()));
                }
                (true, 2) if first && last => notes.inner.push(bare),
                _ => match Glob::new(&lower) {
                    Ok(glob) => {
                        b.add(glob);
                    }
                    Err(e) => bad.push((g, e)),
                },
            }
        }
        notes.set = b.build().unwrap_or_else(|_| GlobSet::empty());
        for p in notes.exact.iter().chain(&notes.prefixes) {
            notes.firsts.add(p.as_bytes().first());
        }
        for s in &notes.suffixes {
            notes.lasts.add(s.as_bytes().last());
        }
        (notes, bad)
    }

    /// Is the file name `name` (no directory) a note, in any case?
    pub fn is_match(&self, name: &str) -> bool {
        if !name.is_ascii() {
            return self.matches(name.to_lowercase().as_bytes());
        }
        self.matches(name.as_bytes())
    }

    /// `name` is ASCII (in any case) or lower-cased.
    fn matches(&self, name: &[u8]) -> bool {
        let (first, last) = (self.firsts.has(name.first()), self.lasts.has(name.last()));
        (first
            && (self.exact.iter().any(|e| name.eq_ignore_ascii_case(e.as_bytes()))
                || self.prefixes.iter().any(|p| starts(name, p))))
            || (last && self.suffixes.iter().any(|s| ends(name, s)))
            || self.inner.iter().any(|w| holds_word(name, w.as_bytes()))
            || self.around.iter().any(|(a, z)| name.len() >= a.len() + z.len() && starts(name, a) && ends(name, z))
            || (!self.set.is_empty() && self.set.is_match(lowered(name).as_ref()))
    }
}

/// `name` in lower case, for globset (which matches case-sensitively).
fn lowered(name: &[u8]) -> std::borrow::Cow<'_, str> {
    let text = String::from_utf8_lossy(name);
    if text.bytes().any(|b| b.is_ascii_uppercase()) { text.to_lowercase().into() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_in_any_case_and_patterns_in_any_case() {
        let (notes, bad) = Notes::new(["README*", "*-CHANGELOG", "news", "[", "ChangeLog", "*.rat.txt", "REL*NOTES"]);
        assert_eq!(bad.len(), 1, "the unclosed class is the one bad glob");
        let yes = ["README", "readme.txt", "ReadMe.md", "gcc-13-ChangeLog", "NEWS", "News", "changelog", "p-1.rat.txt"];
        for yes in yes.into_iter().chain(["RELEASE-NOTES", "rel_notes"]) {
            assert!(notes.is_match(yes), "{yes}");
        }
        for no in ["p-1.0.tar.gz", "NEWS.tar.gz.x", "my-readme", "rat.txt", "release-notes.txt"] {
            assert!(!notes.is_match(no), "{no}");
        }
        assert!(Notes::new(["LICENSE*"]).0.is_match("LICENSE.txt"));
        let (shapes, _) = Notes::new(["*pubkey*", "latest*.txt", "a*b*c", "*.x?z", "Ü*"]);
        assert!(shapes.set.len() == 2 && shapes.inner.len() == 1 && shapes.around.len() == 1);
        for yes in
            ["samba-PubKey.asc", "pubkey", "LATEST.TXT", "latest-stage3.txt", "AxxBxxC", "f.XYZ", "über", "Über-1"]
        {
            assert!(shapes.is_match(yes), "{yes}");
        }
        for no in ["pubke", "latest.tx", "lates.txt", "latestxt", "acb", "f.xz", "uber"] {
            assert!(!shapes.is_match(no), "{no}");
        }
        assert!(!Notes::default().is_match("README"), "an empty set matches nothing");
        // An empty name, prefix or suffix (`*`) rules out no byte.
        assert!(Notes::new(["*"]).0.is_match("anything") && Notes::new(["x", "*"]).0.is_match("y"));
        assert!(Notes::new(["**"]).0.is_match("a") && !Notes::new(["x"]).0.is_match(""));
    }
}
