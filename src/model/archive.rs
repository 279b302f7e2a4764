//! What an archive holds at its top, as the release rules ask it (one root directory
//! named after the file, LICENSE and NOTICE in it): read by `check::archive`, judged by
//! `plan::profile`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Top {
    /// The names at the archive's top level (directories and files), sorted.
    pub roots: Vec<String>,
    /// The files directly inside the single root directory, when there is one, sorted.
    pub root_files: Vec<String>,
    /// Why it could not be read to its end, when it could not.
    pub unreadable: Option<String>,
}

/// Where a project's sources are kept, for comparing its source archives with their
/// tag (`source:` on the project's page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRepo {
    /// A git repository (a bare clone kept beside the primary), relative to the
    /// registry's directory; read, never written.
    pub repository: String,
    /// The tag of a release, as one pattern or several tried in order: `v{version}`,
    /// `release-{version}`, `curl-{version_}` (`{version_}` is the version with its dots
    /// as underscores: curl's `curl-8_11_0`, PostgreSQL's `REL_17_2`, binutils'
    /// `binutils-2_43_1`).
    #[serde(deserialize_with = "tag_patterns")]
    pub tag: Vec<String>,
    /// Paths a release process makes that the tag does not hold (`configure`,
    /// `Makefile.in`, `aclocal.m4`), each with why; globs allowed.
    #[serde(default)]
    pub generated: Vec<Generated>,
}

impl SourceRepo {
    /// The tags release `version` may have, in the order the patterns name them.
    pub fn tags_for(&self, version: &str) -> Vec<String> {
        self.tag
            .iter()
            .map(|p| p.replace("{version_}", &version.replace('.', "_")).replace("{version}", version))
            .collect()
    }
}

/// `tag:` as one pattern or a list; each must name the version, and name nothing else.
fn tag_patterns<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let patterns = match OneOrMany::deserialize(d)? {
        OneOrMany::One(p) => vec![p],
        OneOrMany::Many(ps) => ps,
    };
    if patterns.is_empty() {
        return Err(serde::de::Error::custom("`tag` names no pattern; write one, e.g. tag: \"v{version}\""));
    }
    for p in &patterns {
        let rest = p.replace("{version_}", "").replace("{version}", "");
        if rest.len() == p.len() || rest.contains(['{', '}']) {
            return Err(serde::de::Error::custom(format!(
                "tag pattern `{p}` must hold {{version}} (or {{version_}}, the version with underscores for dots) and no other {{...}}"
            )));
        }
    }
    Ok(patterns)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generated {
    pub path: String,
    pub why: String,
}

/// How a source archive compares with its tag, for the release page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagMatch {
    pub tag: String,
    /// Files only in the archive that the project says its release process makes, with why.
    pub generated: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(yaml: &str) -> Result<SourceRepo, String> {
        serde_yaml::from_str(&format!("repository: git/x\n{yaml}")).map_err(|e| e.to_string())
    }

    #[test]
    fn tag_patterns_name_the_tags_real_projects_use() {
        let cases = [
            ("tag: \"v{version}\"", "5.6.0", vec!["v5.6.0"]),
            ("tag: \"curl-{version_}\"", "8.11.0", vec!["curl-8_11_0"]),
            ("tag: \"REL_{version_}\"", "17.2", vec!["REL_17_2"]),
            (
                "tag: [\"openssl-{version}\", \"OpenSSL_{version_}\"]",
                "1.1.1w",
                vec!["openssl-1.1.1w", "OpenSSL_1_1_1w"],
            ),
        ];
        for (yaml, version, want) in cases {
            assert_eq!(repo(yaml).unwrap().tags_for(version), want, "{yaml}");
        }
    }

    #[test]
    fn a_pattern_without_the_version_or_with_another_placeholder_is_refused() {
        for yaml in ["tag: \"latest\"", "tag: \"{project}-{version}\"", "tag: []"] {
            let err = repo(yaml).unwrap_err();
            assert!(err.contains("tag"), "{yaml}: {err}");
        }
    }
}
