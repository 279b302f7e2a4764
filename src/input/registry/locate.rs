//! Lines for the registry's value problems. Validation works on parsed values, which no
//! longer know their lines, and names what is wrong as `mirror "x", field `urls.https``;
//! this finds that key in the text, so the problem says `mirrors.yaml:57:7:` as a YAML
//! error does, and an editor jumps there. A key it cannot find (a default, a value
//! written in flow style) gets the line of the key above it, or of the mirror's `id:`.

use crate::util::problem::{Place, Problems};

/// `problems` with the line and column of each one's key, where the text has it.
pub fn lines(text: &str, problems: Problems) -> Problems {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Problems::default();
    for mut p in problems.into_vec() {
        if p.place.line.is_none()
            && let Some((line, col)) = p.place.what.as_deref().and_then(|w| locate(&lines, w))
        {
            let what = p.place.what.take();
            p.place = Place { what, ..Place::at(p.place.file.clone(), line + 1, col + 1) };
        }
        out.push(p);
    }
    out
}

/// Where `what` (`mirror "id", field `a.b``, or `policy, field `keep``) stands: the
/// line and column of its last key, or of the deepest one written (`urls:` of
/// `urls: { https: ... }`), or of the mirror's `id:`.
fn locate(lines: &[&str], what: &str) -> Option<(usize, usize)> {
    let (owner, field) = what.split_once(", field `")?;
    let field = field.strip_suffix('`')?;
    let (start, indent) = match owner.strip_prefix("mirror ") {
        // `mirror #3`: the third entry (an id that is invalid, or taken by another).
        Some(n) if n.starts_with('#') => mirror_nth(lines, n[1..].parse().ok()?)?,
        Some(id) => mirror_start(lines, id.trim_matches('"'))?,
        None => (lines.iter().position(|l| l.strip_prefix(owner).is_some_and(|r| r.starts_with(':')))?, 0),
    };
    let mut at = (start, indent);
    for key in field.split('.') {
        match find_key(lines, at, key) {
            Some(found) => at = found,
            None => return Some(at),
        }
    }
    Some(at)
}

/// The line of the mirror whose `id:` is `id`, and the column its keys start at.
fn mirror_start(lines: &[&str], id: &str) -> Option<(usize, usize)> {
    lines.iter().enumerate().find_map(|(i, l)| {
        let key = l.trim_start_matches([' ', '-']);
        // (`closer init` writes the first mirror's id with a comment after it.)
        let value = key.strip_prefix("id:")?.split(" #").next().unwrap_or("").trim();
        (value.trim_matches(['"', '\'']) == id).then_some((i, l.len() - key.len()))
    })
}

/// The line of the `n`-th entry (from 1) of `mirrors:`, and the column its keys start at.
fn mirror_nth(lines: &[&str], n: usize) -> Option<(usize, usize)> {
    let list = lines.iter().position(|l| l.strip_prefix("mirrors:").is_some())?;
    let mut entries = lines.iter().enumerate().skip(list + 1).filter(|(_, l)| l.trim_start().starts_with("- "));
    let (first, l) = entries.next()?;
    let indent = l.len() - l.trim_start().len();
    let at = |i: usize| lines[i].len() - lines[i].trim_start_matches([' ', '-']).len();
    let mut same = std::iter::once((first, *l))
        .chain(entries.map(|(i, l)| (i, *l)))
        .filter(|(_, l)| l.len() - l.trim_start().len() == indent);
    same.nth(n.checked_sub(1)?).map(|(i, _)| (i, at(i)))
}

/// The first `key:` below (`line`, `indent`) within its block: the lines indented
/// further than `indent` (the mirror's first line holds its own keys too).
fn find_key(lines: &[&str], (line, indent): (usize, usize), key: &str) -> Option<(usize, usize)> {
    let first = lines.get(line)?;
    let own = first.trim_start_matches([' ', '-']);
    if own.strip_prefix(key).is_some_and(|r| r.starts_with(':')) && own.len() != first.trim_start().len() {
        return Some((line, first.len() - own.len()));
    }
    for (i, l) in lines.iter().enumerate().skip(line + 1) {
        let text = l.trim_start();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let col = l.len() - text.len();
        if col < indent || (col == indent && text.starts_with("- ")) || (indent == 0 && col == 0) {
            return None;
        }
        if text.strip_prefix(key).is_some_and(|r| r.starts_with(':')) {
            return Some((i, col));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "primary:\n  name: X\npolicy:\n  keep: 0\nmirrors:\n  - id: a\n    country: France\n    urls:\n      http: x\n      https: http://a/\n  - id: \"b\"\n    name: B\n";

    #[test]
    fn a_value_problem_gets_its_keys_line() {
        let lines: Vec<&str> = TEXT.lines().collect();
        assert_eq!(locate(&lines, "mirror \"a\", field `urls.https`"), Some((9, 6)));
        assert_eq!(locate(&lines, "mirror \"a\", field `country`"), Some((6, 4)));
        assert_eq!(locate(&lines, "policy, field `keep`"), Some((3, 2)));
        // Not written (a default, or missing): the mirror's first line.
        assert_eq!(locate(&lines, "mirror \"b\", field `urls`"), Some((10, 4)));
        assert_eq!(locate(&lines, "mirror \"b\", field `id`"), Some((10, 4)));
        assert_eq!(locate(&lines, "mirror \"zz\", field `id`"), None);
        // An id with a comment after it, as `closer init` writes the first.
        let commented: Vec<&str> = vec!["mirrors:", "  - id: a   # REQUIRED", "    push: x"];
        assert_eq!(locate(&commented, "mirror \"a\", field `push`"), Some((2, 4)));
        // By its place in the list: the second entry.
        assert_eq!(locate(&lines, "mirror #2, field `id`"), Some((10, 4)));
    }
}
