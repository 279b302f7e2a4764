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
