//! `carried`, in closer's cache: the primary stamp from which each mirror carries each
//! unit (a project, or a line of one) in its list. A file's `since` says when it entered
//! the lists; a mirror whose list gained a unit later (a partial mirror's `include`
//! widened, a capacity mirror assigned another project) has an older stamp than that
//! from the syncs before, without the unit's files. A page sends a download to a mirror
//! only when its stamp is at least both.
//!
//! A mirror that carries everything has one line, `*`. With no record at all (the first
//! build that keeps one) every mirror carries what it carries from stamp 0, as before.

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// Where closer keeps the record, in its cache directory.
pub const CARRIED_FILE: &str = "carried";
const HEADER: &str = "# closer carried v1: <stamp>\t<mirror id>\t<unit, or * for every unit>; the primary stamp from which the mirror's list holds it\n";
/// The unit key of a mirror that carries everything.
pub const ALL: &str = "*";

/// By mirror id, then unit key (or [`ALL`]): the stamp from which the mirror carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Carried {
    entries: BTreeMap<Box<str>, BTreeMap<Box<str>, i64>>,
}

impl Carried {
    /// The stamp from which mirror `id` carries unit `key`, if the record has it
    /// (through [`ALL`] for a mirror that carries everything).
    pub fn get(&self, id: &str, key: &str) -> Option<i64> {
        let units = self.entries.get(id)?;
        units.get(key).or_else(|| units.get(ALL)).copied()
    }

    /// The stamp of mirror `id`'s own line for `key` (no [`ALL`] in its place).
    pub fn get_exactly(&self, id: &str, key: &str) -> Option<i64> {
        self.entries.get(id)?.get(key).copied()
    }

    /// Has mirror `id` lines for single units (besides, for a full one, its [`ALL`])?
    pub fn has_units(&self, id: &str) -> bool {
        self.entries.get(id).is_some_and(|u| u.keys().any(|k| &**k != ALL))
    }

    /// Records that mirror `id` carries `key` from `stamp`.
    pub fn insert(&mut self, id: &str, key: &str, stamp: i64) {
        self.entries.entry(id.into()).or_default().insert(key.into(), stamp);
    }

    /// Reads the record at `path`: `None` when there is none yet.
    /// The last build's record in closer's cache directory `cache` (empty when none).
    pub fn recorded(cache: &Path) -> Result<Carried> {
        Ok(Carried::read(&cache.join(CARRIED_FILE))?.unwrap_or_default())
    }

    pub fn read(path: &Path) -> Result<Option<Carried>> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", path.display())),
        };
        let mut carried = Carried::default();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.starts_with('#') && !l.is_empty()) {
            let mut parts = line.splitn(3, '\t');
            let (Some(stamp), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
                anyhow::bail!(
                    "{}:{}: not a line of closer's record of what mirrors carry; delete the file (the next build writes it again)",
                    path.display(),
                    n + 1
                );
            };
            let stamp = stamp.parse().with_context(|| {
                format!(
                    "{}:{}: `{stamp}` is not a stamp; delete the file (the next build writes it again)",
                    path.display(),
                    n + 1
                )
            })?;
            carried.insert(id, key, stamp);
        }
        Ok(Some(carried))
    }

    /// Writes the record to `path` (whole, or not at all), unless it holds this already.
    pub fn write_if_changed(&self, path: &Path) -> Result<()> {
        let mut text = String::from(HEADER);
        for (id, units) in &self.entries {
            for (key, stamp) in units {
                text.push_str(&format!("{stamp}\t{id}\t{key}\n"));
            }
        }
        if std::fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
            return Ok(());
        }
        crate::util::fs::write_with_atomic(path, true, &mut |f| f.write_all(text.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_as_written_and_every_unit_of_a_full_mirror_is_its_star() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CARRIED_FILE);
        assert_eq!(Carried::read(&path).unwrap(), None);
        let mut c = Carried::default();
        c.insert("full", ALL, 5);
        c.insert("part", "p01", 7);
        c.write_if_changed(&path).unwrap();
        let back = Carried::read(&path).unwrap().unwrap();
        assert_eq!(back, c);
        assert_eq!(
            (back.get("full", "anything"), back.get("part", "p01"), back.get("part", "p02")),
            (Some(5), Some(7), None)
        );
        std::fs::write(&path, "12\tm1\n").unwrap();
        let err = Carried::read(&path).unwrap_err().to_string();
        assert!(err.contains(":1:") && err.contains("delete the file"), "{err}");
    }
}
