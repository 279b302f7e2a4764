//! A project's `signatures:` rule: one requirement for every release (`signatures:
//! minisign`), or one per release line, for a project that changed how it signs at a
//! line (OpenPGP for 1.x, minisign from 2.x on: `signatures: {"1": openpgp, "2":
//! minisign}`), so that a 2.x file signed the old way alone is a problem.

use super::signature::{Require, on_lines};
use serde::{Deserialize, Serialize};

/// What `signatures:` says: a requirement, or requirements by line. Written as it is read
/// (a held project's snapshot keeps its page, and reads it back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signatures {
    All(Require),
    /// By line (or version prefix, as a key's `lines:` reads them), as written.
    ByLine(Vec<(String, Require)>),
}

impl Signatures {
    /// The requirement for release `version` of `line`: the rule's, or the one of the
    /// longest line it names that the release is of; `None` when it names none.
    pub fn of(&self, line: Option<&str>, version: &str) -> Option<Require> {
        match self {
            Signatures::All(r) => Some(*r),
            Signatures::ByLine(by) => by
                .iter()
                .filter(|(l, _)| on_lines(std::slice::from_ref(l), line, version))
                .max_by_key(|(l, _)| l.len())
                .map(|(_, r)| *r),
        }
    }
}

impl Serialize for Signatures {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Signatures::All(r) => r.serialize(s),
            Signatures::ByLine(by) => {
                let mut map = s.serialize_map(Some(by.len()))?;
                for (line, r) in by {
                    map.serialize_entry(line, r)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Signatures {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Signatures, D::Error> {
        use serde::de::{Error, MapAccess, Visitor};
        struct Rule;
        impl<'de> Visitor<'de> for Rule {
            type Value = Signatures;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "`openpgp`, `sigstore`, `minisign`, `either` or `both`, or one of them by line (`\"2\": minisign`)",
                )
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Signatures, E> {
                Require::deserialize(serde::de::value::StrDeserializer::<E>::new(v)).map(Signatures::All)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Signatures, A::Error> {
                let mut by = Vec::new();
                while let Some(line) = map.next_key::<Line>()? {
                    by.push((line.0, map.next_value::<Require>()?));
                }
                Ok(Signatures::ByLine(by))
            }
        }
        d.deserialize_any(Rule)
    }
}

/// A line as a map's key: text, or a whole number YAML read unquoted (`2:`); a number
/// with a dot must be quoted, since YAML reads `3.10` as 3.1.
struct Line(String);

impl<'de> Deserialize<'de> for Line {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Line, D::Error> {
        use serde::de::{Error, Visitor};
        struct Key;
        impl Visitor<'_> for Key {
            type Value = Line;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a release line, quoted (`\"3.10\"`)")
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Line, E> {
                Ok(Line(v.to_string()))
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<Line, E> {
                Ok(Line(v.to_string()))
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<Line, E> {
                Ok(Line(v.to_string()))
            }
            fn visit_f64<E: Error>(self, v: f64) -> Result<Line, E> {
                Err(E::custom(format!("quote the line {v} (`\"{v}\"`): YAML reads a number with a dot as a fraction")))
            }
        }
        d.deserialize_any(Key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_by_line_picks_the_longest_line_a_release_is_of() {
        let rule: Signatures = serde_yaml::from_str("{\"1\": openpgp, 2: minisign, \"2.1\": both}").unwrap();
        assert_eq!(rule.of(None, "1.4.2"), Some(Require::Openpgp));
        assert_eq!(rule.of(None, "2.0.1"), Some(Require::Minisign));
        assert_eq!(rule.of(None, "2.1.3"), Some(Require::Both));
        assert_eq!(rule.of(None, "3.0"), None);
        assert_eq!(rule.of(Some("2"), "20241203"), Some(Require::Minisign));
        let all: Signatures = serde_yaml::from_str("minisign").unwrap();
        assert_eq!(all.of(None, "9"), Some(Require::Minisign));
        assert!(serde_yaml::from_str::<Signatures>("{3.10: minisign}").unwrap_err().to_string().contains("quote"));
        assert!(serde_yaml::from_str::<Signatures>("gpg").is_err());
        // Written as read: a held project's snapshot reads its page back the same.
        for rule in [rule, all] {
            let json = serde_json::to_string(&rule).unwrap();
            assert_eq!(serde_json::from_str::<Signatures>(&json).unwrap(), rule, "{json}");
        }
    }
}
