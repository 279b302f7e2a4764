//! A list made of pieces: each project's lines, formatted and sorted once per build and
//! shared by every list that carries the same releases of it (the full mirrors', the
//! capacity mirrors', the archive's), then put in order and streamed into the list's
//! file. Made whole from its entries, every list formatted and sorted all its lines
//! again: after one new release at a million files, 32 capacity mirrors' lists of a
//! quarter of the tree each (BENCHMARKS.md, session 17).

use super::filelist::{END, HEAD, ListEntry, MIDDLE, push_files_line, push_sums_line};

/// A run of a list's lines, sorted by path, with no path twice.
#[derive(Debug)]
pub struct Piece {
    files: String,
    sums: String,
    first: Box<str>,
    last: Box<str>,
}

impl Piece {
    /// The piece of `entries`, sorted and without a path twice as [`super::filelist`]
    /// makes them (the first of equal paths is kept); `None` when there are none.
    pub fn new(mut entries: Vec<ListEntry>) -> Option<Piece> {
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        entries.dedup_by(|a, b| a.path == b.path);
        let (first, last) = (entries.first()?.path.as_str().into(), entries.last()?.path.as_str().into());
        let mut files = String::with_capacity(entries.iter().map(|e| e.path.len() + 40).sum());
        let mut sums = String::with_capacity(entries.iter().map(|e| e.path.len() + 130).sum());
        for e in &entries {
            push_files_line(&mut files, e);
            push_sums_line(&mut sums, e);
        }
        Some(Piece { files, sums, first, last })
    }
}

/// Writes the list of every entry of `pieces` to `out`, byte for byte what
/// [`super::filelist`] makes of all their entries gathered in this order. Pieces whose
/// paths do not interleave are copied whole; those that do (project `p1`'s directory
/// sorts before `p1-extra/`, its files after) are merged line by line.
pub fn write_list(pieces: &[&Piece], out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<()> {
    let mut order: Vec<usize> = (0..pieces.len()).collect();
    order.sort_by(|&a, &b| pieces[a].first.cmp(&pieces[b].first).then(a.cmp(&b)));
    // Groups of pieces whose ranges of paths overlap (or touch), in order.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut reach: Option<&str> = None;
    for i in order {
        let p = pieces[i];
        match (groups.last_mut(), reach) {
            (Some(g), Some(r)) if *p.first <= *r => g.push(i),
            _ => groups.push(vec![i]),
        }
        reach = Some(reach.filter(|r| **r > *p.last).unwrap_or(&p.last));
    }
    let merged: Vec<Option<(String, String)>> =
        groups.iter().map(|g| (g.len() > 1).then(|| merge(g.iter().map(|&i| (i, pieces[i])).collect()))).collect();
    let part = |g: usize, files: bool| -> &[u8] {
        match (&merged[g], files) {
            (Some((f, _)), true) => f.as_bytes(),
            (Some((_, s)), false) => s.as_bytes(),
            (None, true) => pieces[groups[g][0]].files.as_bytes(),
            (None, false) => pieces[groups[g][0]].sums.as_bytes(),
        }
    };
    out(HEAD.as_bytes())?;
    (0..groups.len()).try_for_each(|g| out(part(g, true)))?;
    out(MIDDLE.as_bytes())?;
    (0..groups.len()).try_for_each(|g| out(part(g, false)))?;
    out(END.as_bytes())
}

/// The lines of interleaving pieces merged: sorted by path, the first gathered of equal
/// paths kept with its checksum line.
fn merge(mut group: Vec<(usize, &Piece)>) -> (String, String) {
    group.sort_by_key(|(i, _)| *i);
    let mut lines: Vec<(&str, usize, &str, Option<&str>)> = Vec::new();
    for (order, p) in group {
        let mut sums = p.sums.split_inclusive('\n').peekable();
        for f in p.files.split_inclusive('\n') {
            let path = f.splitn(4, '\t').nth(3).unwrap_or("").trim_end_matches('\n');
            let sum = sums.next_if(|s| s.split_once('\t').is_some_and(|(_, sp)| sp.trim_end_matches('\n') == path));
            lines.push((path, order, f, sum));
        }
    }
    lines.sort_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
    lines.dedup_by(|a, b| a.0 == b.0);
    (lines.iter().map(|l| l.2).collect(), lines.iter().filter_map(|l| l.3).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::lists::filelist;

    fn e(path: &str, kind: char, mtime: i64) -> ListEntry {
        let sha512 = (kind == 'f').then_some([path.len() as u8; 64]);
        ListEntry { mtime, kind, size: 3, path: path.into(), sha512 }
    }

    fn whole(pieces: &[&Piece]) -> String {
        let mut out = Vec::new();
        write_list(pieces, &mut |b| {
            out.extend_from_slice(b);
            Ok(())
        })
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn pieces_make_the_list_the_entries_make() {
        // Projects whose names are prefixes of others (`p1`, `p1-extra`, `p1.x`) and a
        // note at the top between them; a path in two pieces (the first kept).
        let groups: Vec<Vec<ListEntry>> = vec![
            vec![e("README", 'f', 1), e("p1-notes", 'f', 1)],
            vec![e("p1", 'd', 2), e("p1/1.0", 'd', 2), e("p1/1.0/a.tgz", 'f', 2), e("p1/KEYS", 'f', 2)],
            vec![e("p1-extra", 'd', 3), e("p1-extra/2.0/b.tgz", 'f', 3), e("p1-extra/2.0", 'd', 3)],
            vec![e("p1.x", 'd', 4), e("p1.x/c.tgz", 'f', 4)],
            vec![e("q", 'd', 5), e("q/d.tgz", 'f', 5)],
            vec![e("p1/1.0/a.tgz", 'f', 9), e("q/0.9/old.tgz", 'f', 9)],
        ];
        let pieces: Vec<Piece> = groups.iter().cloned().filter_map(Piece::new).collect();
        let refs: Vec<&Piece> = pieces.iter().collect();
        let want = filelist(groups.into_iter().flatten().collect());
        assert_eq!(whole(&refs), want);
        assert!(want.contains("2\tf\t3\tp1/1.0/a.tgz\n") && !want.contains("9\tf\t3\tp1/1.0/a.tgz"));
        // Pieces that do not interleave are copied whole, in order of their paths.
        let (a, b) = (Piece::new(vec![e("b", 'd', 1)]).unwrap(), Piece::new(vec![e("a/x", 'f', 1)]).unwrap());
        assert_eq!(whole(&[&a, &b]), filelist(vec![e("b", 'd', 1), e("a/x", 'f', 1)]));
        assert_eq!(whole(&[]), filelist(Vec::new()));
    }
}
