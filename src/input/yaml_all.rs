//! Every YAML mistake of a file in one run, not one per run. serde stops at the first
//! error; this parses again after taking the offending key out (a misspelt key) or
//! putting a neutral value in (a value of the wrong type), until the file parses or an
//! error is one that cannot be stepped over (a syntax error, a missing key). Each error
//! keeps its line and column and gets a fix: the key meant ("did you mean"), or the
//! form the value takes, with an example.

use super::yaml_error_parts;
use crate::util::problem::{Place, Problem};
use serde::de::DeserializeOwned;

/// At most this many errors are collected from one file.
const MAX: usize = 50;

/// Parses `text` (its lines counted after `line_offset`), or returns every error found.
pub fn parse_all<T: DeserializeOwned>(text: &str, file: &str, line_offset: usize) -> Result<T, Vec<Problem>> {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut work = text.to_string();
    let mut errors = Vec::new();
    // Lines this loop changed: an error there afterwards is of its own making.
    let mut touched = Vec::new();
    while errors.len() < MAX {
        let e = match serde_yaml::from_str::<T>(&work) {
            Ok(v) if errors.is_empty() => return Ok(v),
            Ok(_) => break,
            Err(e) => e,
        };
        let (place, msg) = yaml_error_parts(file, &e, line_offset, Place::from(file));
        let Some(loc) = e.location() else {
            errors.push(described(place, &msg, None));
            break;
        };
        let (line, col) = (loc.line().saturating_sub(1), loc.column().saturating_sub(1));
        let misplaced = misplaced(&lines, (line, col), &msg);
        let mine = touched.contains(&line);
        let fixable = !mine && step_over(&mut lines, line, col, &msg);
        if !mine || errors.is_empty() {
            let p = described(place, &msg, lines.get(line).map(String::as_str));
            errors.push(match misplaced {
                Some((at, has, wants)) => p.hint(format!(
                    "`{key}:` is on line {n}, indented {has} spaces where this entry's keys have {wants}: \
                     line it up with them (YAML tells whose key it is by its indentation)",
                    key = between(&msg, "missing field `", "`").unwrap_or_default(),
                    n = at + 1 + line_offset,
                )),
                None => p,
            });
        }
        if !fixable {
            break;
        }
        touched.push(line);
        work = lines.join("\n");
    }
    Err(errors)
}

/// Changes `lines` so that the error at (`line`, `col`) is not met again: a misspelt key
/// is taken out with what it holds, a wrong value replaced by one of the expected type.
/// `false` when the error is not of those kinds, or the key sits in a flow mapping.
fn step_over(lines: &mut [String], line: usize, col: usize, msg: &str) -> bool {
    let Some(text) = lines.get(line) else { return false };
    let Some(prefix) = text.get(..col) else { return false };
    if prefix.contains(['{', '[', ',']) {
        return false;
    }
    if msg.contains("unknown field") {
        lines[line] = prefix.trim_end().to_string();
        clear_block(lines, line, col);
        return true;
    }
    if let Some(expected) = msg.split(", expected ").nth(1).filter(|_| msg.contains("invalid type")) {
        let neutral = match expected {
            e if e.starts_with('u') || e.starts_with('i') => "0",
            e if e.starts_with('f') => "0.0",
            "a boolean" => "false",
            "a string" => "\"\"",
            "a sequence" => "[]",
            _ => return false,
        };
        // The value starts at `col`; it may run over the lines below (a block).
        let indent = indent_of(text);
        lines[line] = format!("{prefix}{neutral}");
        clear_block(lines, line, indent);
        return true;
    }
    false
}

/// For a missing key of the mapping that starts at (`line`, `col`): the line below where
/// that key stands with another indentation, still within the entry (a key indented
/// one space short or over is read as another mapping's, or as text), with its
/// indentation and the entry's.
fn misplaced(lines: &[String], (line, col): (usize, usize), msg: &str) -> Option<(usize, usize, usize)> {
    let key = between(msg, "missing field `", "`")?;
    let spaces = |l: &str| l.len() - l.trim_start_matches(' ').len();
    for (i, l) in lines.iter().enumerate().skip(line + 1) {
        let (indent, text) = (spaces(l), l.trim_start());
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        // The next entry of the list, or the next key of a mapping above: the end.
        if indent < col.saturating_sub(1) || (text.starts_with("- ") && indent < col) {
            return None;
        }
        if indent != col && text.strip_prefix(key).is_some_and(|r| r.starts_with(':')) {
            return Some((i, indent, col));
        }
    }
    None
}

/// Empties what a key on `line` held: the lines below it indented further than `indent`.
fn clear_block(lines: &mut [String], line: usize, indent: usize) {
    let mut end = line + 1;
    while end < lines.len() && (lines[end].trim().is_empty() || indent_of(&lines[end]) > indent) {
        end += 1;
    }
    for l in &mut lines[line + 1..end] {
        l.clear();
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '-']).len()
}

/// The problem for one error, with its fix.
fn described(place: Place, msg: &str, line: Option<&str>) -> Problem {
    if msg.contains("unknown field") {
        // The keys it could be go in the fix, not in the message.
        let p = Problem::new(place, msg.split(", expected ").next().unwrap_or(msg).to_string());
        let wrong = between(msg, "unknown field `", "`").unwrap_or_default();
        let known: Vec<&str> = msg.split(", expected ").nth(1).unwrap_or("").split('`').skip(1).step_by(2).collect();
        return match did_you_mean(wrong, &known) {
            Some(meant) => p.hint(format!("did you mean `{meant}`? (the keys here: {})", known.join(", "))),
            None => {
                p.hint(format!("the keys here are {}; docs/reference/registry.md describes each", known.join(", ")))
            }
        };
    }
    let plain = plain_types(msg);
    let msg = plain.as_str();
    let p = Problem::new(place, msg.to_string());
    // A line indented with a tab stops the scanner before any key: "found character
    // that cannot start any token".
    if msg.contains("tab character") || line.is_some_and(|l| l.trim_start_matches(' ').starts_with('\t')) {
        return p.hint("indent with spaces: YAML does not allow tabs there (an editor's \"convert tabs to spaces\")");
    }
    if msg.contains("missing field") {
        let key = between(msg, "missing field `", "`").unwrap_or_default();
        return p.hint(format!(
            "add `{key}:` (it is required; docs/reference/registry.md describes every key, and \
             `closer init` writes a registry with all of them)"
        ));
    }
    if let (true, Some(expected)) = (msg.contains("invalid type"), msg.split(", expected ").nth(1)) {
        let key = line.and_then(|l| l.trim_start_matches([' ', '-']).split(':').next()).unwrap_or("the key").trim();
        return p.hint(form_of(key, expected));
    }
    p
}

/// serde's words for closer's own types (`expected struct RawPrimary`) in the user's:
/// what the key takes, not what the program calls it.
fn plain_types(msg: &str) -> String {
    let mut out = String::new();
    let mut rest = msg;
    let next = |r: &str| [r.find("struct "), r.find("enum ")].into_iter().flatten().min();
    while let Some(i) = next(rest) {
        let word = if rest[i..].starts_with("struct ") { "struct " } else { "enum " };
        let after = &rest[i + word.len()..];
        let name_len = after.find(|c: char| !c.is_ascii_alphanumeric() && c != '_').unwrap_or(after.len());
        out.push_str(&rest[..i]);
        out.push_str(if word == "struct " { "keys indented under it" } else { "one of the forms the reference gives" });
        rest = &after[name_len..];
    }
    out.push_str(rest);
    // And Rust's number types in a person's words.
    for (rust, plain) in [
        ("expected u64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected u16", "expected a whole number"),
        ("expected u8", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected usize", "expected a whole number"),
        ("expected f64", "expected a number"),
    ] {
        if out.contains(rust) {
            out = out.replace(rust, plain);
        }
    }
    out
}

/// The form a value of type `expected` takes, with an example for `key`.
fn form_of(key: &str, expected: &str) -> String {
    let example = match key {
        "bandwidth" => "1000 (Mbit/s: 1 Gbit/s is 1000)",
        "lat" => "50.11 (degrees north; south is negative)",
        "lon" => "8.68 (degrees east; west is negative)",
        "keep" => "2",
        "copies" | "copies_min_ok" => "3",
        "metalink_per_continent" => "10",
        _ => "",
    };
    let (form, generic) = match expected {
        e if e.starts_with('u') || e.starts_with('i') || e.starts_with("a whole number") => ("a whole number", "1000"),
        e if e.starts_with('f') || e.starts_with("a number") => ("a number", "50.11"),
        "a boolean" => ("`true` or `false`", "true"),
        "a sequence" => ("a list", "[\"first\", \"second\"]"),
        "a string" => ("text (in quotes when it holds `:` or starts with a symbol)", "\"text\""),
        "keys indented under it" => ("keys indented under it, on the lines below (docs/reference/registry.md)", ""),
        other => (other, ""),
    };
    let example = if example.is_empty() { generic } else { example };
    if example.is_empty() {
        format!("`{key}` takes {form}")
    } else {
        format!("`{key}` takes {form}, e.g. `{key}: {example}`")
    }
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = s.split_once(start)?.1;
    Some(rest.split_once(end)?.0)
}

/// The known name closest to `wrong`, when it is close enough to be a typo.
pub fn did_you_mean<'a>(wrong: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(wrong, k), *k))
        .filter(|(d, k)| *d <= (k.len().max(wrong.len()) / 3).max(1))
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closers_own_type_names_never_reach_the_user() {
        let said = plain_types("primary: invalid type: sequence, expected struct RawPrimary at line 2");
        assert_eq!(said, "primary: invalid type: sequence, expected keys indented under it at line 2");
        let said = plain_types("mirrors[0].bandwidth: invalid type: string \"10G\", expected u64");
        assert_eq!(said, "mirrors[0].bandwidth: invalid type: string \"10G\", expected a whole number");
        assert!(!plain_types("x: unknown variant, expected enum KeepBy").contains("KeepBy"));
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Item {
        #[allow(dead_code)]
        country: String,
        #[allow(dead_code)]
        bandwidth: u64,
        #[allow(dead_code)]
        nested: Option<Vec<String>>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        #[allow(dead_code)]
        mirrors: Vec<Item>,
    }

    #[test]
    fn every_misspelt_key_and_wrong_value_at_once() {
        let text = "mirrors:\n  - contry: DE\n    country: DE\n    bandwidth: 1000\n  - country: FR\n    bandwith: 10\n    bandwidth: \"1 Gbit\"\n    extra:\n      deep: 1\n    nested: [a]\n";
        let errors = parse_all::<Doc>(text, "m.yaml", 0).unwrap_err();
        let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 4, "{shown:#?}");
        assert!(shown[0].starts_with("m.yaml:2:5: mirrors[0]: unknown field `contry`"), "{}", shown[0]);
        assert!(shown[0].contains("did you mean `country`?"), "{}", shown[0]);
        assert!(shown[1].contains("m.yaml:6:5") && shown[1].contains("did you mean `bandwidth`?"), "{}", shown[1]);
        assert!(shown[2].contains("m.yaml:7:") && shown[2].contains("`bandwidth: 1000 (Mbit/s"), "{}", shown[2]);
        assert!(shown[3].contains("unknown field `extra`") && !shown[3].contains("did you mean"), "{}", shown[3]);
    }

    #[test]
    fn a_key_indented_one_space_short_is_named_not_asked_for() {
        let text =
            "mirrors:\n  - country: DE\n    nested: [a]\n   bandwidth: 1000\n  - country: FR\n    bandwidth: 1\n";
        let errors = parse_all::<Doc>(text, "m.yaml", 10).unwrap_err();
        let shown = errors[0].to_string();
        assert!(shown.contains("missing field `bandwidth`"), "{shown}");
        assert!(
            shown.contains("`bandwidth:` is on line 14, indented 3 spaces where this entry's keys have 4"),
            "{shown}"
        );
        // Missing from the entry for real: the usual fix, not the next entry's key.
        let text = "mirrors:\n  - country: DE\n  - country: FR\n    bandwidth: 1\n";
        let shown = parse_all::<Doc>(text, "m.yaml", 0).unwrap_err()[0].to_string();
        assert!(shown.contains("add `bandwidth:`"), "{shown}");
    }

    #[test]
    fn a_syntax_error_is_one_error_and_a_good_file_parses() {
        assert_eq!(parse_all::<Doc>("mirrors: [\n", "m.yaml", 0).unwrap_err().len(), 1);
        let tab = parse_all::<Doc>("mirrors:\n  - country: DE\n\tbandwidth: 1\n", "m.yaml", 0).unwrap_err();
        assert!(tab[0].to_string().contains("indent with spaces"), "{}", tab[0]);
        assert!(parse_all::<Doc>("mirrors:\n  - country: DE\n    bandwidth: 1\n", "m.yaml", 0).is_ok());
        assert_eq!(did_you_mean("contry", &["country", "continent"]), Some("country"));
        assert_eq!(did_you_mean("xyz", &["country", "continent"]), None);
    }
}
