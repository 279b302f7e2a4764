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
    out.push_str(HEAD);
    entries.iter().for_each(|e| push_files_line(&mut out, e));
    out.push_str(MIDDLE);
    entries.iter().for_each(|e| push_sums_line(&mut out, e));
    out.push_str(END);
    out
}

/// What a list opens with, what parts its two sections, and what ends it.
pub const HEAD: &str = "[Version]\n3\n\n[Files]\n";
pub const MIDDLE: &str = "\n[Checksums SHA512]\n";
pub const END: &str = "\n[End]\n";

/// Appends the `[Files]` line of `e`.
pub fn push_files_line(out: &mut String, e: &ListEntry) {
    use std::fmt::Write;
    // (Writing into a String cannot fail.)
    let _ = writeln!(out, "{}\t{}\t{}\t{}", e.mtime, e.kind, e.size, e.path);
}

/// Appends the `[Checksums SHA512]` line of `e`, if it has one.
pub fn push_sums_line(out: &mut String, e: &ListEntry) {
    if let Some(h) = &e.sha512 {
        push_hex(out, h);
        out.push('\t');
        out.push_str(&e.path);
        out.push('\n');
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
