//! The mirror lists' format: quick-fedora-mirror's `fullfiletimelist` (version 3), as
//! closer writes it (`model::listing` reads it back, and the fuzz target holds the
//! writer to that reader). Which files a list
//! holds is `select`'s business.

pub use crate::model::listing::{ListEntry, parse_filelist};
use crate::util::text::push_hex;

/// A file list in quick-fedora-mirror's format (version 3), sorted by path.
pub fn filelist(mut entries: Vec<ListEntry>) -> String {
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    entries.dedup_by(|a, b| a.path == b.path);
    let mut out = String::with_capacity(entries.iter().map(|e| 2 * e.path.len() + 170).sum::<usize>() + 64);
    for section in [Section::Files, Section::Sums] {
        out.push_str(section.opening());
        entries.iter().for_each(|e| section.push(&mut out, &Line::of(e)));
    }
    out.push_str(END);
    out
}

/// What a list opens with, what parts its two sections, and what ends it.
pub const HEAD: &str = "[Version]\n3\n\n[Files]\n";
pub const MIDDLE: &str = "\n[Checksums SHA512]\n";
pub const END: &str = "\n[End]\n";

/// A line of a list, borrowed from what it lists (the tree, or a held project's entries
/// in the previous lists).
#[derive(Debug, Clone, Copy)]
pub struct Line<'t> {
    pub mtime: i64,
    pub kind: char,
    pub size: u64,
    pub path: &'t str,
    pub sha512: Option<&'t [u8; 64]>,
}

impl<'t> Line<'t> {
    pub fn of(e: &'t ListEntry) -> Line<'t> {
        Line { mtime: e.mtime, kind: e.kind, size: e.size, path: &e.path, sha512: e.sha512.as_ref() }
    }

    pub fn to_entry(self) -> ListEntry {
        ListEntry {
            mtime: self.mtime,
            kind: self.kind,
            size: self.size,
            path: self.path.into(),
            sha512: self.sha512.copied(),
        }
    }
}

/// A list's two sections: every path with its metadata, then the files' checksums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Files,
    Sums,
}

impl Section {
    /// What comes before the section's lines.
    pub fn opening(self) -> &'static str {
        match self {
            Section::Files => HEAD,
            Section::Sums => MIDDLE,
        }
    }

    /// Appends the section's line of `l` (a checksum line only for a file with one).
    pub fn push(self, out: &mut String, l: &Line) {
        use std::fmt::Write;
        match (self, l.sha512) {
            // (Writing into a String cannot fail.)
            (Section::Files, _) => drop(writeln!(out, "{}\t{}\t{}\t{}", l.mtime, l.kind, l.size, l.path)),
            (Section::Sums, Some(h)) => {
                push_hex(out, h);
                out.push('\t');
                out.push_str(l.path);
                out.push('\n');
            }
            (Section::Sums, None) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filelist_format() {
        let e = |path: &str, kind, sha: Option<[u8; 64]>| ListEntry {
            mtime: 7,
            kind,
            size: 3,
            path: path.into(),
            sha512: sha,
        };
        let text = filelist(vec![e("b/x", 'f', Some([1; 64])), e("b", 'd', None), e("a", 'd', None)]);
        let want = format!(
            "[Version]\n3\n\n[Files]\n7\td\t3\ta\n7\td\t3\tb\n7\tf\t3\tb/x\n\n[Checksums SHA512]\n{}\tb/x\n\n[End]\n",
            "01".repeat(64)
        );
        assert_eq!(text, want);
    }
}
