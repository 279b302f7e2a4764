//! `zzz/time.txt`, the primary's stamp: one line, `<unix-seconds> <host>`, what Apache
//! mirrors carried and mirmon reads. It is transferred last, so a mirror's stamp says up
//! to when it holds everything. This module alone knows its path and its format.

use anyhow::Result;
use std::path::Path;

/// Where the stamp lives, relative to the release tree (and to a mirror's base URL).
pub const PATH: &str = "zzz/time.txt";

/// The stamp file's text for `stamp`, written by `host`.
pub fn format(stamp: i64, host: &str) -> String {
    format!("{stamp} {host}\n")
}

/// Parses a stamp file: `<unix-seconds> <host>` on the first line.
pub fn parse(body: &str) -> std::result::Result<i64, String> {
    let first = body.lines().next().unwrap_or("").trim();
    let word = first.split_whitespace().next().unwrap_or("");
    if word.is_empty() || word.len() > 12 || !word.bytes().all(|b| b.is_ascii_digit()) {
        // Not what it says instead: the mirrors page publishes this, and a mirror could
        // make the answer anything.
        return Err("not a stamp file: its first line is not `<unix-seconds> <host>`".into());
    }
    word.parse::<i64>().map_err(|e| format!("not a stamp: {e}"))
}

/// The stamp of the release tree at `root`: `None` when there is none or it does not
/// parse (a new one is then written); an error only when the file cannot be read.
pub fn read(root: &Path) -> Result<Option<i64>> {
    let bytes = crate::util::fs::read_optional(&root.join(PATH))?;
    Ok(bytes.and_then(|b| parse(&String::from_utf8_lossy(&b)).ok()))
}

/// The URL of the stamp under a base URL that ends in `/`.
pub fn url(base: &str) -> String {
    format!("{base}{PATH}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_back() {
        assert_eq!(parse(&format(1_700_000_000, "dist.example.org")), Ok(1_700_000_000));
        assert!(parse("soon dist.example.org\n").is_err());
        assert!(parse("").is_err());
    }
}
