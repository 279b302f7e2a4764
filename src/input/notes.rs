//! Which file names are notes (`policy.notes`): carried to the mirrors, never signed.
//! Publishers write their names in any case (`ChangeLog`, `NEWS`, `changes.txt`), so
//! names match whatever their case. The scan asks this of every file: names are
//! lower-cased once, and the common globs (`NEWS`, `README*`, `*-CHANGELOG`) are plain
//! comparisons, about ten times faster than globset's case-insensitive regex.

use globset::{Glob, GlobSet, GlobSetBuilder};

/// The compiled `policy.notes` globs.
#[derive(Clone, Debug, Default)]
pub struct Notes {
    /// Globs that are a name, `name*` or `*name`, lower-cased.
    exact: Vec<String>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    /// The others, compiled for lower-case names.
    set: GlobSet,
}

/// Does the glob `g` use no glob syntax at all?
fn plain(g: &str) -> bool {
    !g.contains(['*', '?', '[', ']', '{', '}', '\\'])
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
            if plain(&lower) {
                notes.exact.push(lower);
            } else if let Some(p) = lower.strip_suffix('*').filter(|p| plain(p)) {
                notes.prefixes.push(p.to_string());
            } else if let Some(s) = lower.strip_prefix('*').filter(|s| plain(s)) {
                notes.suffixes.push(s.to_string());
            } else {
                match Glob::new(&lower) {
                    Ok(glob) => {
                        b.add(glob);
                    }
                    Err(e) => bad.push((g, e)),
                }
            }
        }
        notes.set = b.build().unwrap_or_else(|_| GlobSet::empty());
        (notes, bad)
    }

    /// Is the file name `name` (no directory) a note, in any case?
    pub fn is_match(&self, name: &str) -> bool {
        let lower;
        let name = if name.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
            lower = name.to_lowercase();
            lower.as_str()
        } else {
            name
        };
        self.exact.iter().any(|e| e == name)
            || self.prefixes.iter().any(|p| name.starts_with(p.as_str()))
            || self.suffixes.iter().any(|s| name.ends_with(s.as_str()))
            || (!self.set.is_empty() && self.set.is_match(name))
    }
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
        assert!(!Notes::default().is_match("README"), "an empty set matches nothing");
    }
}
