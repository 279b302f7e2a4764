//! The registry as written in `mirrors.yaml`, before any check: serde types that reject
//! unknown keys, so a typo is an error with its line and column, never ignored. A key
//! that may be left out is an `Option` (or has a default); the others are required.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegistry {
    pub(super) primary: RawPrimary,
    pub(super) archive: RawArchive,
    #[serde(default)]
    pub(super) policy: RawPolicy,
    #[serde(default)]
    pub(super) mirrors: Vec<RawMirror>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPrimary {
    pub(super) name: String,
    pub(super) host: String,
    pub(super) site_url: String,
    pub(super) dist_url: String,
    pub(super) rsync_url: Option<String>,
    pub(super) signing_key: Option<String>,
    /// The ssh key `closer push` triggers the tier-1 mirrors with.
    pub(super) push_key: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawArchive {
    pub(super) url: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawPolicy {
    pub(super) keep: Option<u32>,
    pub(super) stale_after: Option<String>,
    /// How long a signed release index stays valid.
    pub(super) valid_for: Option<String>,
    pub(super) legacy_md5: bool,
    /// File names (globs) that are not artifacts: carried, never signed.
    pub(super) notes: Option<Vec<String>>,
    /// Explicit layout rules (`input::layout`).
    pub(super) layout: Vec<crate::input::layout::RawRule>,
    /// How many mirrors carry every current file (full ones count).
    pub(super) copies: Option<u32>,
    /// Fewer copies than `copies` (but at least this many) is a warning, not an error.
    pub(super) copies_min_ok: Option<u32>,
    /// What share of a capacity mirror stays free: `10%` or `10`.
    pub(super) headroom: Option<Percent>,
    /// How many mirrors per continent each Metalink and torrent names.
    pub(super) metalink_per_continent: Option<u32>,
}

/// A percentage written `10%` or `10`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum Percent {
    Number(f64),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMirror {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) sponsor: Option<String>,
    pub(super) logo: Option<String>,
    pub(super) country: String,
    pub(super) continent: String,
    pub(super) lat: f64,
    pub(super) lon: f64,
    /// Mbit/s.
    pub(super) bandwidth: u64,
    pub(super) urls: RawUrls,
    pub(super) upstream: Option<String>,
    #[serde(default)]
    pub(super) include: Vec<String>,
    #[serde(default)]
    pub(super) exclude: Vec<String>,
    #[serde(default)]
    pub(super) backup: bool,
    /// How much of the release tree the mirror can hold (`8TB`, `500GB`): closer assigns
    /// it a share of the current releases.
    pub(super) capacity: Option<String>,
    /// `ssh://user@host[:port]`: where `closer push` (or the upstream's mirror-sync
    /// `--then-push`) triggers this mirror's sync.
    pub(super) push: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawUrls {
    pub(super) https: Option<String>,
    pub(super) http: Option<String>,
    pub(super) ftp: Option<String>,
    pub(super) rsync: Option<String>,
}
