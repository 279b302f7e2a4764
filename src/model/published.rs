//! `dist/zzz/stamps`: the stamps the primary has published, one per line, back to the
//! oldest one a probed mirror still reports. A mirror's lag counts from the first stamp
//! after its own ([`crate::plan::fresh`]), and `since` holds only the stamps of current
//! files: once the files of a stamp were archived, a lag counted from a later stamp. It
//! was too short, and it changed with each release archived; the freshness is part of
//! what every page reads, so each such build rendered the whole site again (170 s
//! instead of 10 at a million files, BENCHMARKS.md session 25). Kept beside `since` in
//! the tree, not in the cache, so that a lost cache changes no page.

use anyhow::Result;
use std::collections::BTreeSet;
use std::path::Path;

/// Where the stamps live, relative to the release tree.
pub const STAMPS_FILE: &str = "zzz/stamps";
const HEADER: &str =
    "# closer stamps v1: each stamp the primary published, back to the oldest a probed mirror reports\n";
/// How many are kept when no mirror has reported a stamp yet (a stamp is a build that
/// changed the lists).
const MOST: usize = 100_000;

/// The stamps recorded in the tree at `root` (none before the first build that records
/// them); a line that is not a stamp is passed over.
pub fn read(root: &Path) -> Result<BTreeSet<i64>> {
    let bytes = crate::util::fs::read_optional(&root.join(STAMPS_FILE))?.unwrap_or_default();
    Ok(String::from_utf8_lossy(&bytes).lines().filter_map(|l| l.trim().parse().ok()).collect())
}

/// Records `old` and `new` (the stamps `since` holds and the one this build published),
/// leaving out those older than `floor`, the oldest stamp a probed mirror reports: a lag
/// never counts from a stamp before the mirror's own. Without a floor the newest
/// [`MOST`] are kept. Writes only when the record changes.
pub fn record(root: &Path, old: &BTreeSet<i64>, new: impl Iterator<Item = i64>, floor: Option<i64>) -> Result<()> {
    let mut all = old.clone();
    all.extend(new);
    match floor {
        Some(floor) => all.retain(|&s| s >= floor),
        None => {
            while all.len() > MOST {
                all.pop_first();
            }
        }
    }
    if &all == old && root.join(STAMPS_FILE).exists() {
        return Ok(());
    }
    let mut text = String::from(HEADER);
    all.iter().for_each(|s| text.push_str(&format!("{s}\n")));
    crate::util::fs::write_atomic(&root.join(STAMPS_FILE), text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_kept_back_to_the_oldest_a_mirror_reports() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("zzz")).unwrap();
        assert!(read(dir.path()).unwrap().is_empty(), "none before the first build");
        record(dir.path(), &BTreeSet::new(), [300, 100, 200].into_iter(), None).unwrap();
        let text = std::fs::read_to_string(dir.path().join(STAMPS_FILE)).unwrap();
        assert_eq!(text.lines().skip(1).collect::<Vec<_>>(), ["100", "200", "300"]);
        let old = read(dir.path()).unwrap();
        assert_eq!(old, [100, 200, 300].into());
        // The files of 200 left the lists: it stays. A mirror still reports 200: 100 goes.
        record(dir.path(), &old, [300, 400].into_iter(), Some(200)).unwrap();
        assert_eq!(read(dir.path()).unwrap(), [200, 300, 400].into());
        // A line that is not a stamp is passed over.
        std::fs::write(dir.path().join(STAMPS_FILE), "# closer stamps v1\n500\nsoon\n 600 \n").unwrap();
        assert_eq!(read(dir.path()).unwrap(), [500, 600].into());
    }

    #[test]
    fn an_unchanged_record_is_not_written_again() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("zzz")).unwrap();
        record(dir.path(), &BTreeSet::new(), [100].into_iter(), None).unwrap();
        let path = dir.path().join(STAMPS_FILE);
        let before = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        record(dir.path(), &read(dir.path()).unwrap(), [100].into_iter(), Some(50)).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), before);
    }
}
