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
    /// The tag of a release: `v{version}`, `release-{version}`.
    pub tag: String,
    /// Paths a release process makes that the tag does not hold (`configure`,
    /// `Makefile.in`, `aclocal.m4`), each with why; globs allowed.
    #[serde(default)]
    pub generated: Vec<Generated>,
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
