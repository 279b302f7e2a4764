//! `zzz/index`, the signed release index: what stops a mirror from serving an old state
//! as new (rollback), an old state forever (freeze), or lists of two states at once
//! (mix-and-match). It names a serial that only goes up, when it was made and when it
//! expires, the primary's stamp, and the SHA-512 of every file list; `zzz/index.asc`
//! signs it with the site key(s). `tools/mirror-sync` reads it with awk, so the format
//! is one `key value...` line per fact. This module alone knows its path and format.

use std::fmt::Write as _;

/// Where the index lives, relative to the release tree (and to a mirror's base URL).
pub const PATH: &str = "zzz/index";
/// Its detached signature, by every site key.
pub const SIGNATURE: &str = "zzz/index.asc";
const MAGIC: &str = "closer-index 1";

/// The release index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// Only goes up: one more than the last index's, or the time it was made if later.
    pub serial: u64,
    /// When it was made (Unix seconds).
    pub made: i64,
    /// When mirrors stop accepting it (Unix seconds).
    pub expires: i64,
    /// The primary's stamp (`zzz/time.txt`) and host, as that file says them.
    pub stamp: i64,
    pub host: String,
    /// Fingerprints of the keys that sign it.
    pub keys: Vec<String>,
    /// Every file list, by its path in the tree, with its SHA-512 (lower-case hex).
    pub lists: Vec<(String, String)>,
}

impl Index {
    /// The index's text: sorted lists, one fact a line, ending in `end`.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(128 + self.lists.len() * 200);
        let _ = writeln!(out, "{MAGIC}");
        let _ = writeln!(out, "serial {}", self.serial);
        let _ = writeln!(out, "made {}", self.made);
        let _ = writeln!(out, "expires {}", self.expires);
        let _ = writeln!(out, "stamp {} {}", self.stamp, self.host);
        for k in &self.keys {
            let _ = writeln!(out, "key {k}");
        }
        let mut lists = self.lists.clone();
        lists.sort();
        for (path, sha) in &lists {
            let _ = writeln!(out, "list {sha} {path}");
        }
        out.push_str("end\n");
        out
    }

    /// Parses an index; the error names the line and what is wrong with it.
    pub fn parse(text: &str) -> Result<Index, String> {
        let mut lines = text.lines().enumerate();
        if lines.next().map(|(_, l)| l) != Some(MAGIC) {
            return Err(format!("line 1: expected `{MAGIC}`"));
        }
        let (mut serial, mut made, mut expires, mut stamp) = (None, None, None, None);
        let mut ix =
            Index { serial: 0, made: 0, expires: 0, stamp: 0, host: String::new(), keys: vec![], lists: vec![] };
        let mut ended = false;
        for (i, line) in lines {
            let at = |m: &str| format!("line {}: {m}", i + 1);
            if ended {
                return Err(at("text after `end`"));
            }
            let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
            match key {
                "serial" => serial = Some(number(rest).ok_or_else(|| at("serial is not a number"))?),
                "made" => made = Some(number(rest).ok_or_else(|| at("made is not a time"))? as i64),
                "expires" => expires = Some(number(rest).ok_or_else(|| at("expires is not a time"))? as i64),
                "stamp" => {
                    let (t, host) = rest.split_once(' ').unwrap_or((rest, ""));
                    stamp = Some(number(t).ok_or_else(|| at("stamp is not a time"))? as i64);
                    if !host.bytes().all(|b| b.is_ascii_graphic()) {
                        return Err(at("the host has spaces or control characters"));
                    }
                    ix.host = host.to_string();
                }
                "key" if rest.len() >= 32 && rest.bytes().all(|b| b.is_ascii_hexdigit()) => ix.keys.push(rest.into()),
                "list" => {
                    let (sha, path) = rest.split_once(' ').ok_or_else(|| at("expected `list <sha512> <path>`"))?;
                    if sha.len() != 128 || !sha.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                        return Err(at("the SHA-512 is not 128 lower-case hex digits"));
                    }
                    // A list's path is closer's own name (`zzz/lists/fullfiletimelist-<id>`):
                    // letters, digits, `.`, `_`, `-` and `/`, which awk reads as one field.
                    let plain = path.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b));
                    if !plain || path.starts_with('/') || path.split('/').any(|p| p.is_empty() || p == "..") {
                        return Err(at("the list's path is not a plain relative path inside the tree"));
                    }
                    ix.lists.push((path.to_string(), sha.to_string()));
                }
                "end" if rest.is_empty() => ended = true,
                _ => return Err(at("unknown line")),
            }
        }
        if !ended {
            return Err("no `end` line: the index is truncated".into());
        }
        match (serial, made, expires, stamp) {
            (Some(s), Some(m), Some(e), Some(t)) => Ok(Index { serial: s, made: m, expires: e, stamp: t, ..ix }),
            _ => Err("a `serial`, `made`, `expires` or `stamp` line is missing".into()),
        }
    }

    /// Whether a build at `now` must make a new index rather than keep this one: past
    /// half its validity, made for another validity, or made in the future (by a build
    /// whose clock ran ahead: every mirror-sync refused it until real time passed it).
    pub fn due(&self, now: i64, valid_for: i64) -> bool {
        self.expires - self.made != valid_for || now >= self.made + valid_for / 2 || self.made > now + 300
    }
}

/// A non-negative number of at most 18 digits: it fits an `i64` (times) and the shell's
/// arithmetic in mirror-sync (a longer one, found by the fuzzer, overflowed into a
/// negative time).
fn number(s: &str) -> Option<u64> {
    (!s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Index {
        Index {
            serial: 7,
            made: 1_700_000_000,
            expires: 1_700_604_800,
            stamp: 1_699_999_000,
            host: "dist.example.org".into(),
            keys: vec!["A".repeat(40)],
            lists: vec![
                ("zzz/lists/fullfiletimelist-archive".into(), "ab".repeat(64)),
                ("fullfiletimelist-dist".into(), "cd".repeat(64)),
            ],
        }
    }

    #[test]
    fn renders_and_parses_back() {
        let ix = sample();
        let text = ix.render();
        let mut sorted = ix.clone();
        sorted.lists.sort();
        assert_eq!(Index::parse(&text), Ok(sorted));
        assert!(text.ends_with("end\n") && text.contains("\nlist cdcd"), "{text}");
    }

    #[test]
    fn refuses_what_is_not_an_index() {
        let text = sample().render();
        assert!(Index::parse(&text.replace("end\n", "")).unwrap_err().contains("truncated"));
        assert!(Index::parse(&text.replace("serial 7", "serial -7")).unwrap_err().starts_with("line 2"));
        assert!(Index::parse(&text.replace("fullfiletimelist-dist", "../etc/passwd")).is_err());
        assert!(Index::parse("").is_err());
        assert!(Index::parse(&format!("{text}more\n")).unwrap_err().contains("after `end`"));
    }

    #[test]
    fn is_due_past_half_its_validity() {
        let ix = sample();
        let week = 604_800;
        assert!(!ix.due(ix.made + week / 2 - 1, week));
        assert!(ix.due(ix.made + week / 2, week));
        assert!(ix.due(ix.made, 2 * week), "another validity");
        assert!(ix.due(ix.made - 3600, week), "made an hour ahead of this clock");
        assert!(!ix.due(ix.made - 60, week), "a minute's skew");
    }
}
