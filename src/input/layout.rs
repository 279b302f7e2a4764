//! Explicit layout rules, for trees where inference places a file wrongly: a pattern of
//! the file's path that says which release (and line) it belongs to, or that it is a
//! note. Rules come from the registry (`policy.layout`, paths from the tree's top,
//! starting with the project) and from a project's content page (`layout:` in its front
//! matter, paths from the project's directory). A file matched by a rule is placed by
//! it; a file matched by two is an error; the others are inferred.
//!
//! Pattern syntax: `/`-separated parts; `*` any characters within a part; `**` any
//! number of parts; `{version}` a version (a digit, or `v` and a digit, then letters,
//! digits, `.`, `+`, `~`, `_`, `-`: the shortest that lets the rest of the pattern
//! match); `{line}` a line's name (one part or less). A
//! signature or checksum sidecar follows the file it belongs to.

use crate::util::problem::{Problem, Problems};
use serde::Deserialize;
use std::collections::HashMap;

/// A rule as written in YAML.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    /// The pattern of the paths it places.
    pub path: String,
    /// `artifact` (the default) or `notes`.
    pub role: Option<String>,
    /// The version, when the pattern has no `{version}`.
    pub version: Option<String>,
    /// The line, when the pattern has no `{line}`.
    pub line: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Artifact,
    Notes,
}

/// A rule, compiled.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Where it was written: `mirrors.yaml policy.layout[2]`.
    pub origin: String,
    /// The pattern as written (relative to the project).
    pub pattern: String,
    regex: regex::Regex,
    pub role: Role,
    version: Option<String>,
    line: Option<String>,
}

/// Where a rule puts a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub role: Role,
    pub version: Option<String>,
    pub line: Option<String>,
}

/// The rules of every project, in the order they were written.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    by_project: HashMap<String, Vec<Rule>>,
}

impl Rule {
    /// `mirrors.yaml policy.layout[2] (`p/nightly/{version}/*`)`, for messages.
    pub fn describe(&self) -> String {
        format!("{} (`{}`)", self.origin, self.pattern)
    }

    /// Where this rule puts the file at `path` (relative to the project), if it matches.
    pub fn place(&self, path: &str) -> Option<Placement> {
        let c = self.regex.captures(path)?;
        // (A rule that gives a line alone leaves the version to the file's name: the
        // tree's reading of it fills it in.)
        let version = c.name("version").map(|m| m.as_str().to_string()).or_else(|| self.version.clone());
        let line = c.name("line").map(|m| m.as_str().to_string()).or_else(|| self.line.clone());
        Some(Placement { role: self.role, version, line })
    }
}

impl Rules {
    /// Compiles the registry's rules (`registry`, shown as `registry_name`) and each
    /// project's (`pages`: project, page path, rules).
    pub fn compile(
        registry: &[RawRule],
        registry_name: &str,
        pages: &[(String, String, Vec<RawRule>)],
    ) -> (Rules, Problems) {
        let mut rules = Rules::default();
        let mut problems = Problems::default();
        for (i, raw) in registry.iter().enumerate() {
            let origin = format!("{registry_name} policy.layout[{i}]");
            let Some((project, rest)) = raw.path.split_once('/').filter(|(p, _)| !p.contains(['*', '{'])) else {
                problems.push(
                    Problem::new(&origin, format!("path `{}` does not start with a project directory", raw.path))
                        .hint("start it with the project's name, e.g. `httpd/patches/{version}/*`, or move the rule to the project's content page"),
                );
                continue;
            };
            match compile(raw, rest, &origin) {
                Ok(rule) => rules.by_project.entry(project.to_string()).or_default().push(rule),
                Err(p) => problems.push(p),
            }
        }
        for (project, page, raws) in pages {
            for (i, raw) in raws.iter().enumerate() {
                match compile(raw, &raw.path, &format!("{page} layout[{i}]")) {
                    Ok(rule) => rules.by_project.entry(project.clone()).or_default().push(rule),
                    Err(p) => problems.push(p),
                }
            }
        }
        (rules, problems)
    }

    /// The rules of one project.
    pub fn of(&self, project: &str) -> &[Rule] {
        self.by_project.get(project).map_or(&[], Vec::as_slice)
    }

    /// The projects with rules, for the check that each names a project in the tree.
    pub fn projects(&self) -> impl Iterator<Item = (&String, &Vec<Rule>)> {
        self.by_project.iter()
    }
}

/// Compiles one rule whose pattern, relative to the project, is `pattern`.
fn compile(raw: &RawRule, pattern: &str, origin: &str) -> Result<Rule, Problem> {
    let bad = |why: String, hint: &str| Problem::new(origin, why).hint(hint.to_string());
    let role = match raw.role.as_deref() {
        None | Some("artifact") => Role::Artifact,
        Some("notes") => Role::Notes,
        Some(other) => {
            return Err(bad(format!("role `{other}` is not a role"), "use `artifact` (the default) or `notes`"));
        }
    };
    if pattern.is_empty()
        || pattern.starts_with('/')
        || pattern.split('/').any(|p| p.is_empty() || p == "." || p == "..")
    {
        return Err(bad(
            format!("path `{}` is not a relative path inside the project", raw.path),
            "write it like `nightly/{version}/*`, without empty, `.` or `..` parts",
        ));
    }
    let source = to_regex(pattern).map_err(|why| {
        bad(
            format!("path `{}`: {why}", raw.path),
            "the placeholders are `{version}` and `{line}`; `*` and `**` match names and directories",
        )
    })?;
    // (A rule that gives a line alone, `line: devel` for Perl's 5.41.x, leaves each
    // file's version to its name.)
    let lined = raw.line.is_some() || pattern.contains("{line}");
    if role == Role::Artifact && raw.version.is_none() && !pattern.contains("{version}") && !lined {
        return Err(bad(
            format!("path `{}` says no version", raw.path),
            "put `{version}` in the path where the version is, or give `version:` (or `line:`, the versions then read from the names)",
        ));
    }
    let regex =
        regex::Regex::new(&source).map_err(|e| bad(format!("path `{}`: {e}", raw.path), "simplify the pattern"))?;
    Ok(Rule {
        origin: origin.to_string(),
        pattern: pattern.to_string(),
        regex,
        role,
        version: raw.version.clone(),
        line: raw.line.clone(),
    })
}

/// The anchored regular expression of a pattern.
fn to_regex(pattern: &str) -> Result<String, String> {
    let mut out = String::from("^");
    let parts: Vec<&str> = pattern.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if *part == "**" {
            out.push_str(if last { ".*" } else { "(?:[^/]+/)*" });
            continue;
        }
        let mut rest = *part;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("{version}") {
                if out.contains("?P<version>") {
                    return Err("`{version}` appears twice".into());
                }
                // The shortest that lets the rest match: `sqlite-*-{version}.*` gives 3460100
                // of `sqlite-autoconf-3460100.tar.gz`, not `3460100.tar`.
                out.push_str("(?P<version>v?[0-9][A-Za-z0-9.+~_-]*?)");
                rest = r;
            } else if let Some(r) = rest.strip_prefix("{line}") {
                if out.contains("?P<line>") {
                    return Err("`{line}` appears twice".into());
                }
                out.push_str("(?P<line>[A-Za-z0-9][A-Za-z0-9.+_-]*)");
                rest = r;
            } else if rest.starts_with('{') {
                let name = rest.split('}').next().unwrap_or(rest);
                return Err(format!("`{name}}}` is not a placeholder"));
            } else if let Some(r) = rest.strip_prefix("**") {
                out.push_str("[^/]*");
                rest = r;
            } else if let Some(r) = rest.strip_prefix('*') {
                out.push_str("[^/]*");
                rest = r;
            } else {
                let c = rest.chars().next().unwrap_or_default();
                out.push_str(&regex::escape(&c.to_string()));
                rest = &rest[c.len_utf8()..];
            }
        }
        if !last {
            out.push('/');
        }
    }
    out.push('$');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(path: &str) -> Rule {
        let raw = RawRule { path: path.into(), role: None, version: None, line: None };
        compile(&raw, path, "test").unwrap()
    }

    #[test]
    fn patterns_place_files_and_capture_versions_and_lines() {
        let r = rule("nightly/{version}/*.tar.gz");
        assert_eq!(r.place("nightly/20261201/tool.tar.gz").unwrap().version.as_deref(), Some("20261201"));
        assert!(r.place("nightly/20261201/sub/tool.tar.gz").is_none());
        let r = rule("{line}/**/foo-bar-2-{version}.tar.gz");
        let p = r.place("stable/bin/x/foo-bar-2-1.0.0-M10.tar.gz").unwrap();
        assert_eq!((p.line.as_deref(), p.version.as_deref()), (Some("stable"), Some("1.0.0-M10")));
        assert!(r.place("stable/foo-bar-2-1.0.tar.gz").is_some(), "`**` matches no directory too");
        assert!(rule("tools/*-{version}-bin.zip").place("tools/a-1.2-bin.zip").is_some());
        // What follows the version is not taken into it.
        let v = |pattern: &str, path: &str| rule(pattern).place(path).and_then(|p| p.version);
        assert_eq!(v("*/sqlite-*-{version}.*", "2024/sqlite-autoconf-3460100.tar.gz").as_deref(), Some("3460100"));
        assert_eq!(
            v("bin/*/{line}/julia-{version}-*", "bin/linux/1.11/julia-1.11.2-linux-x86_64.tar.gz").as_deref(),
            Some("1.11.2")
        );
    }

    #[test]
    fn bad_patterns_are_refused_with_the_reason() {
        let err = |path: &str, role: Option<&str>| {
            let raw = RawRule { path: path.into(), role: role.map(String::from), version: None, line: None };
            compile(&raw, path, "here").unwrap_err().message
        };
        assert!(err("a/{vers}/x", None).contains("`{vers}` is not a placeholder"));
        assert!(err("a/*.zip", None).contains("says no version"));
        assert!(err("../x/{version}", None).contains("not a relative path"));
        assert!(err("a/{version}", Some("docs")).contains("`docs` is not a role"));
        assert!(err("{version}/{version}", None).contains("appears twice"));
        let (_, problems) = Rules::compile(
            &[RawRule { path: "*/x/{version}".into(), role: None, version: None, line: None }],
            "m.yaml",
            &[],
        );
        assert_eq!(problems.sorted().len(), 1);
    }
}
