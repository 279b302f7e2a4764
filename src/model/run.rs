//! What one run of closer reads and writes ([`Paths`]) and what it makes ([`Mode`]):
//! set by the command line, read by every stage, so it sits below them all.

use std::path::PathBuf;

/// Where closer reads and writes.
#[derive(Debug, Clone)]
pub struct Paths {
    pub registry: PathBuf,
    pub dist: PathBuf,
    pub content: PathBuf,
    pub templates: PathBuf,
    pub out: PathBuf,
    pub cache: PathBuf,
    /// Secret key that signs the site's checksum lists (overrides `primary.signing_key`).
    pub site_key: Option<PathBuf>,
    /// The probe state `closer probe` writes (`probe.json` beside the registry).
    pub probe: PathBuf,
    /// Sponsors' logos, `<mirror id>.svg|png` (`logos/` beside the registry).
    pub logos: PathBuf,
}

/// Build everything and write the site, or only check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Build,
    /// Everything but the site: the mirror lists and the stamp.
    Lists,
    Check,
    /// Build the site but leave the release tree alone (`closer serve`).
    Preview,
}
