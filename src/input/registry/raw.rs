//! The registry as written in `mirrors.yaml`, before any check: serde types that reject
//! unknown keys, so a typo is an error with its line and column, never ignored. A key
//! that may be left out is an `Option` (or has a default); the others are required.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRegistry {
    /// The primary site: its name, host and URLs.
    pub(super) primary: RawPrimary,
    /// Where every release stays for good, current or not.
    pub(super) archive: RawArchive,
    /// What is current, what is checked, how many copies.
    #[serde(default)]
    pub(super) policy: RawPolicy,
    /// The mirrors, each pulling from the primary or another mirror.
    #[serde(default)]
    pub(super) mirrors: Vec<RawMirror>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPrimary {
    /// The organisation's name, shown on every page.
    pub(super) name: String,
    /// The primary's host name (`dist.example.org`).
    pub(super) host: String,
    /// Where `site/` is published (`https://downloads.example.org/`).
    pub(super) site_url: String,
    /// Where `dist/` is served over https.
    pub(super) dist_url: String,
    /// Where mirrors pull `dist/` (`rsync://host/module/`); needed while a mirror pulls from the primary.
    pub(super) rsync_url: Option<String>,
    /// A secret key file that signs the lists, the release index and each SHA512SUMS.
    pub(super) signing_key: Option<String>,
    /// The ssh key `closer push` triggers the tier-1 mirrors with.
    pub(super) push_key: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawArchive {
    /// The archive's URL (`https://archive.example.org/dist/`).
    pub(super) url: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawPolicy {
    /// Current releases per project [1]; a project page may override it.
    pub(super) keep: Option<u32>,
    /// A mirror this far behind the primary is stale [1d]: `90m`, `6h`, `2d`, `1w`.
    pub(super) stale_after: Option<String>,
    /// How long the signed release index (`zzz/index`) stays valid [7d].
    pub(super) valid_for: Option<String>,
    /// Also compute and publish MD5 sums [false].
    pub(super) legacy_md5: bool,
    /// File names (globs) that are not artifacts besides closer's own (carried, never
    /// signed: README*, KEYS, NEWS*, ... 86 globs); `!GLOB` takes one of closer's out [none].
    pub(super) notes: Option<Vec<String>>,
    /// Explicit layout rules, for trees inference reads wrongly: `path`, `role`, `version`, `line`.
    pub(super) layout: Vec<crate::input::layout::RawRule>,
    /// How many mirrors carry every current file, on two continents when two or more [3]
    /// (full ones count).
    pub(super) copies: Option<u32>,
    /// Fewer copies than `copies` (but at least this many) is a warning, not an error.
    pub(super) copies_min_ok: Option<u32>,
    /// What share of a capacity mirror stays free: `10%` or `10`.
    pub(super) headroom: Option<Percent>,
    /// How many mirrors per continent each Metalink and torrent names.
    pub(super) metalink_per_continent: Option<u32>,
    /// Files each probe asks each mirror for besides its stamp, to see a tree that is gone [2] (0: the stamp only).
    pub(super) probe_files: Option<u32>,
    /// How long an artifact may wait for its signature before that is a problem.
    pub(super) upload_grace: Option<String>,
    /// Which time says when a file arrived: `arrival` (the later of its modification and change times, right for `rsync -a` uploads) or `modification` (where a job renews every change time).
    pub(super) upload_clock: Option<crate::util::arrival::UploadClock>,
    /// A command told about each project a build holds back (the problems on stdin).
    pub(super) notify: Option<String>,
    /// The Sigstore trusted root bundles are verified against, offline (`closer sigstore-root` writes it).
    pub(super) sigstore_root: Option<String>,
    /// A foundation's release rules applied as problems and warnings: `asf` (the ASF's, as Apache Trusted Releases checks them), `gnu` (the GNU Project's).
    pub(super) profile: Option<crate::model::profile::Profile>,
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
    /// Lower-case letters, digits and `-`; unique; not `primary` or `archive`.
    pub(super) id: String,
    /// The mirror's name on the pages.
    pub(super) name: String,
    /// Who runs or pays for it, credited on the pages.
    pub(super) sponsor: Option<String>,
    /// Where `closer fetch-logos` gets its logo (the pages never load it).
    pub(super) logo: Option<String>,
    /// ISO 3166-1 alpha-2 code (`DE`).
    pub(super) country: String,
    /// `AF`, `AN`, `AS`, `EU`, `NA`, `OC` or `SA`.
    pub(super) continent: String,
    /// Latitude in degrees (south is negative).
    pub(super) lat: f64,
    /// Longitude in degrees (west is negative); the point must be on its continent.
    pub(super) lon: f64,
    /// Its bandwidth in Mbit/s (1 Gbit/s is `1000`), at most `400000`.
    pub(super) bandwidth: u64,
    /// Its URLs: at least one of `https`, `http`, `ftp`; `rsync` to be pulled from.
    pub(super) urls: RawUrls,
    /// `primary` (the default) or the id of the mirror it pulls from.
    pub(super) upstream: Option<String>,
    /// Project globs it carries (a partial mirror); empty carries all. With `exclude`,
    /// leaving a mirror that carries files no project is a problem (its empty list would
    /// have it delete them all; a new mirror, or one whose projects left the tree, is
    /// warned); one glob of several matching nothing, a warning.
    #[serde(default)]
    pub(super) include: Vec<String>,
    /// Project globs it leaves out.
    #[serde(default)]
    pub(super) exclude: Vec<String>,
    /// Sent visitors only when no other mirror has the file [false].
    #[serde(default)]
    pub(super) backup: bool,
    /// How much of the release tree the mirror can hold, with a unit of bytes (`8TB`,
    /// `500GB`): closer assigns it a share of the current releases.
    pub(super) capacity: Option<String>,
    /// `ssh://user@host[:port]`: where `closer push` (or the upstream's mirror-sync
    /// `--then-push`) triggers this mirror's sync.
    pub(super) push: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawUrls {
    /// The mirror's https URL of the tree.
    pub(super) https: Option<String>,
    /// Its plain http URL.
    pub(super) http: Option<String>,
    /// Its ftp URL.
    pub(super) ftp: Option<String>,
    /// Its rsync URL, for the mirrors that pull from it.
    pub(super) rsync: Option<String>,
}
