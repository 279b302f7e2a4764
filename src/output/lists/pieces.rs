//! A list made of pieces: each project's lines, sorted once per build and formatted once
//! per section for every list that carries the same releases of it (the full mirrors',
//! the capacity mirrors', the archive's), then put in order and streamed into the list's
//! file. Made whole from its entries, every list formatted and sorted all its lines
//! again: after one new release at a million files, 32 capacity mirrors' lists of a
//! quarter of the tree each (BENCHMARKS.md, session 17).

use super::filelist::{Line, Section};

/// A run of a list's lines, sorted by path, with no path twice.
#[derive(Debug)]
pub struct Piece<'t> {
    lines: Vec<Line<'t>>,
}

impl<'t> Piece<'t> {
    /// The piece of `lines`, sorted and without a path twice as [`super::filelist`]
    /// makes them (the first of equal paths is kept); `None` when there are none.
    pub fn new(lines: Vec<Line<'t>>) -> Option<Piece<'t>> {
        Piece::sorted(&lines).map(|(p, _)| p)
    }

    /// [`Piece::new`], and the order it put `lines` in (which of them, first to last),
    /// to make the piece again from the same lines without sorting them.
    pub fn sorted(lines: &[Line<'t>]) -> Option<(Piece<'t>, Box<[u32]>)> {
        let mut order: Vec<u32> = (0..lines.len() as u32).collect();
        let path = |i: &u32| lines[*i as usize].path;
        order.sort_unstable_by(|a, b| path(a).cmp(path(b)).then(a.cmp(b)));
        order.dedup_by(|a, b| path(a) == path(b));
        Some((Piece::ordered(lines, &order)?, order.into()))
    }

    /// The piece of `lines` in the `order` [`Piece::sorted`] gave for the same lines.
    pub fn ordered(lines: &[Line<'t>], order: &[u32]) -> Option<Piece<'t>> {
        let lines: Vec<Line> = order.iter().filter_map(|&i| lines.get(i as usize).copied()).collect();
        (!lines.is_empty()).then_some(Piece { lines })
    }

    pub fn first(&self) -> &'t str {
        self.lines.first().map_or("", |l| l.path)
    }

    pub fn last(&self) -> &'t str {
        self.lines.last().map_or("", |l| l.path)
    }

    /// The piece's lines of `section`.
    pub fn format(&self, section: Section) -> String {
        let per = if section == Section::Files { 40 } else { 130 };
        let mut out = String::with_capacity(self.lines.iter().map(|l| l.path.len() + per).sum());
        self.lines.iter().for_each(|l| section.push(&mut out, l));
        out
    }
}

/// Writes the `section` lines of `pieces` (each with its lines of the section as
/// [`Piece::format`] gives them), byte for byte what [`super::filelist`] makes of all
/// their entries gathered in this order. Pieces whose paths do not interleave are copied
/// whole; those that do (project `p1`'s directory sorts before `p1-extra/`, its files
/// after) are merged line by line.
pub fn write_part<'t>(
    pieces: &[(&Piece<'t>, &str)],
    section: Section,
    out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut order: Vec<usize> = (0..pieces.len()).collect();
    order.sort_by(|&a, &b| pieces[a].0.first().cmp(pieces[b].0.first()).then(a.cmp(&b)));
    // Groups of pieces whose ranges of paths overlap (or touch), in order.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut reach: Option<&str> = None;
    for i in order {
        let p = pieces[i].0;
        match (groups.last_mut(), reach) {
            (Some(g), Some(r)) if p.first() <= r => g.push(i),
            _ => groups.push(vec![i]),
        }
        reach = Some(reach.filter(|r| *r > p.last()).unwrap_or(p.last()));
    }
    for g in groups {
        if let [one] = g[..] {
            out(pieces[one].1.as_bytes())?;
        } else {
            let mut text = String::new();
            merge(g.iter().map(|&i| (i, pieces[i].0)).collect()).iter().for_each(|l| section.push(&mut text, l));
            out(text.as_bytes())?;
        }
    }
    Ok(())
}

/// The lines of interleaving pieces merged: sorted by path, the first gathered of equal
/// paths kept.
fn merge<'t>(mut group: Vec<(usize, &Piece<'t>)>) -> Vec<Line<'t>> {
    group.sort_by_key(|(i, _)| *i);
    let mut lines: Vec<(usize, Line)> = group.iter().flat_map(|(i, p)| p.lines.iter().map(|l| (*i, *l))).collect();
    lines.sort_by(|a, b| a.1.path.cmp(b.1.path).then(a.0.cmp(&b.0)));
    lines.dedup_by(|a, b| a.1.path == b.1.path);
    lines.into_iter().map(|(_, l)| l).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::lists::filelist;
    use crate::output::lists::filelist::{END, ListEntry};

    fn e(path: &str, kind: char, mtime: i64) -> ListEntry {
        let sha512 = (kind == 'f').then_some([path.len() as u8; 64]);
        ListEntry { mtime, kind, size: 3, path: path.into(), sha512 }
    }

    fn whole(pieces: &[&Piece]) -> String {
        let mut out = Vec::new();
        for section in [Section::Files, Section::Sums] {
            out.extend_from_slice(section.opening().as_bytes());
            let formatted: Vec<String> = pieces.iter().map(|p| p.format(section)).collect();
            let parts: Vec<(&Piece, &str)> = pieces.iter().copied().zip(formatted.iter().map(String::as_str)).collect();
            write_part(&parts, section, &mut |b| {
                out.extend_from_slice(b);
                Ok(())
            })
            .unwrap();
        }
        out.extend_from_slice(END.as_bytes());
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
        let pieces: Vec<Piece> = groups.iter().filter_map(|g| Piece::new(g.iter().map(Line::of).collect())).collect();
        let refs: Vec<&Piece> = pieces.iter().collect();
        let want = filelist(groups.iter().flatten().cloned().collect());
        assert_eq!(whole(&refs), want);
        assert!(want.contains("2\tf\t3\tp1/1.0/a.tgz\n") && !want.contains("9\tf\t3\tp1/1.0/a.tgz"));
        // Pieces that do not interleave are copied whole, in order of their paths.
        let (b, a) = (e("b", 'd', 1), e("a/x", 'f', 1));
        let (pb, pa) = (Piece::new(vec![Line::of(&b)]).unwrap(), Piece::new(vec![Line::of(&a)]).unwrap());
        assert_eq!(whole(&[&pb, &pa]), filelist(vec![b.clone(), a.clone()]));
        assert_eq!(whole(&[]), filelist(Vec::new()));
    }
}
