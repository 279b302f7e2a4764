//! One line of a mirror list (quick-fedora-mirror's `fullfiletimelist`, version 3), and
//! the reader of such lists: the lists a build wrote are the record of what was
//! published, which the next build reads back when a held project has no other record
//! (`pipeline::isolate`). `output::lists` writes them.

/// One line of a file list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    /// The mtime, whole seconds (`output::lists::stream::line` says why not the ctime).
    pub mtime: i64,
    /// `f`, `d` or `l`.
    pub kind: char,
    /// Bytes (for a link: the length of its target).
    pub size: u64,
    pub path: String,
    pub sha512: Option<[u8; 64]>,
}

/// Reads a file list back, strictly: the sections in order, every line of `[Files]`
/// four tab-separated fields, every checksum 128 hex digits of a listed regular file.
/// The mirror side reads lists with awk (`tools/mirror-sync`); this reader is the
/// format's definition in code, and what the fuzz target holds the writer to.
pub fn parse_filelist(text: &str) -> Result<Vec<ListEntry>, String> {
    let mut lines = text.split('\n').enumerate().map(|(i, l)| (i + 1, l));
    let mut expect = |want: &str| match lines.next() {
        Some((_, l)) if l == want => Ok(()),
        Some((n, l)) => Err(format!("line {n}: expected `{want}`, found `{}`", l.escape_default())),
        None => Err(format!("ends before `{want}`")),
    };
    for want in ["[Version]", "3", "", "[Files]"] {
        expect(want)?;
    }
    let mut entries: Vec<ListEntry> = Vec::new();
    let mut at = std::collections::HashMap::new();
    let mut section = "files";
    for (n, line) in lines {
        let bad = |m: &str| Err(format!("line {n}: {m}"));
        match (section, line) {
            ("files", "") => section = "gap",
            ("files", l) => {
                let f: Vec<&str> = l.splitn(4, '\t').collect();
                let (Some(mtime), Some(size)) =
                    (f[0].parse::<i64>().ok(), f.get(2).and_then(|s| s.parse::<u64>().ok()))
                else {
                    return bad("expected `mtime<TAB>type<TAB>size<TAB>path`");
                };
                let kind = match f.get(1) {
                    Some(&"f") => 'f',
                    Some(&"d") => 'd',
                    Some(&"l") => 'l',
                    _ => return bad("the type is not f, d or l"),
                };
                let Some(path) = f.get(3).filter(|p| !p.is_empty()) else { return bad("no path") };
                at.insert(path.to_string(), entries.len());
                entries.push(ListEntry { mtime, kind, size, path: path.to_string(), sha512: None });
            }
            ("gap", "[Checksums SHA512]") => section = "sums",
            ("sums", "") => section = "end",
            ("sums", l) => {
                let Some((hex, path)) = l.split_once('\t') else { return bad("expected `sha512<TAB>path`") };
                let Some(sum) = crate::util::text::unhex::<64>(hex) else { return bad("not 128 hex digits") };
                match at.get(path).map(|&i| &mut entries[i]) {
                    Some(e) if e.kind == 'f' => e.sha512 = Some(sum),
                    _ => return bad("a checksum of a path that is not a listed file"),
                }
            }
            ("end", "[End]") => section = "done",
            ("done", "") => section = "after",
            _ => return bad("unexpected line"),
        }
    }
    if section != "after" {
        return Err("the list ends before `[End]` and its newline".into());
    }
    Ok(entries)
}
