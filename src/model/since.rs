//! `dist/zzz/since`: the primary stamp at which each current artifact first appeared in
//! the mirror lists, so a new build never resets it. closer owns this file: the build
//! writes it beside the lists (`output::lists`), the pages and `closer status` read it.

use anyhow::Result;
use std::collections::BTreeMap;
use std::path::Path;

/// Where the `since` stamps live, relative to the release tree.
pub const SINCE_FILE: &str = "zzz/since";
const SINCE_HEADER: &str = "# closer since v1: <stamp>\t<sha512 prefix>\t<path>; the primary stamp at which each current artifact first appeared in the mirror lists\n";

/// For each current artifact (path in the release tree): the stamp and the start of its
/// SHA-512, so a replaced file gets a new stamp.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Since(pub BTreeMap<String, (i64, String)>);

impl Since {
    /// Parses the `since` file; lines that do not parse are dropped (their files get the
    /// current stamp, which only ever delays a mirror, never sends anyone to a stale one).
    pub fn parse(text: &str) -> Since {
        let mut map = BTreeMap::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let mut parts = line.splitn(3, '\t');
            let (Some(stamp), Some(sum), Some(rel)) = (parts.next(), parts.next(), parts.next()) else { continue };
            if let Ok(stamp) = stamp.parse::<i64>() {
                map.insert(rel.to_string(), (stamp, sum.to_string()));
            }
        }
        Since(map)
    }

    pub fn render(&self) -> String {
        let mut s = String::from(SINCE_HEADER);
        for (rel, (stamp, sum)) in &self.0 {
            s.push_str(&format!("{stamp}\t{sum}\t{rel}\n"));
        }
        s
    }

    /// The `since` of the files now in the lists: kept when a file is unchanged, `stamp`
    /// for a file that is new or was replaced.
    /// Returns the next map, and what is left of this one: the files that are no longer
    /// current (archived, or gone from the tree).
    pub fn next(mut self, files: impl IntoIterator<Item = (String, String)>, stamp: i64) -> (Since, Since) {
        // Each entry moves from the old map to the new: a million files are not held twice.
        let next = Since(
            files
                .into_iter()
                .map(|(rel, sum)| {
                    let at = match self.0.remove(&rel) {
                        Some((t, s)) if s == sum => t,
                        _ => stamp,
                    };
                    (rel, (at, sum))
                })
                .collect(),
        );
        (next, self)
    }

    /// Reads the `since` file of the release tree at `root`; `None` when there is none.
    pub fn read(root: &Path) -> Result<Option<Since>> {
        let bytes = crate::util::fs::read_optional(&root.join(SINCE_FILE))?;
        Ok(bytes.map(|b| Since::parse(&String::from_utf8_lossy(&b))))
    }

    /// The entries of these paths, where there are any.
    pub fn entries_of<'a>(&self, paths: impl Iterator<Item = &'a str>) -> Vec<(String, (i64, String))> {
        paths.filter_map(|p| self.0.get(p).map(|v| (p.to_string(), v.clone()))).collect()
    }

    pub fn get(&self, rel: &str) -> Option<i64> {
        self.0.get(rel).map(|(t, _)| *t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_keeps_old_stamps_and_renews_replaced_files() {
        let old = Since::parse("# header\n100\taa\tp/1/a.tgz\n100\tbb\tp/1/b.tgz\nnonsense\n");
        assert_eq!(old.0.len(), 2);
        let (next, rest) = old.next(
            [("p/1/a.tgz".into(), "aa".into()), ("p/1/b.tgz".into(), "cc".into()), ("p/2/c".into(), "dd".into())],
            200,
        );
        assert!(rest.0.is_empty(), "every old file is still current");
        assert_eq!(next.get("p/1/a.tgz"), Some(100));
        assert_eq!(next.get("p/1/b.tgz"), Some(200), "a replaced file gets the new stamp");
        assert_eq!(next.get("p/2/c"), Some(200));
        assert_eq!(Since::parse(&next.render()), next);
    }
}
