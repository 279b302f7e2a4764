//! The mirror registry, `mirrors.yaml`. It is parsed into a raw serde type that rejects
//! unknown keys, then validated into [`Registry`], so that no later stage ever sees an
//! unchecked URL, country or upstream. Syntax errors name file, line and column; semantic
//! ones name the mirror and the field, and say what was expected.

mod checker;
mod countries;
mod locate;
mod mirror_fields;
mod raw;
mod validate;

pub use checker::check_url;
pub use validate::parse_duration;

use crate::model::continent::Continent;
use crate::util::problem::Problems;
use anyhow::{Result, anyhow};
use globset::GlobSet;
use raw::RawRegistry;
use serde::Serialize;
use std::path::Path;

/// The validated registry.
#[derive(Debug, Clone, Serialize)]
pub struct Registry {
    pub primary: Primary,
    pub archive_url: String,
    pub policy: Policy,
    /// In the order of the file.
    pub mirrors: Vec<Mirror>,
    /// The file it was read from, as messages name it.
    #[serde(skip)]
    pub file: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Primary {
    pub name: String,
    pub host: String,
    /// Base URL of the download site (`site/`), ending in `/`.
    pub site_url: String,
    /// Base URL of the release tree (`dist/`), ending in `/`.
    pub dist_url: String,
    /// rsync URL of the release tree, ending in `/`.
    pub rsync_url: Option<String>,
    /// The rsync module name (first path segment of `rsync_url`), or `dist`.
    pub module: String,
    /// Secret key that signs the site's checksum lists and mirror lists.
    pub signing_key: Option<String>,
    /// The ssh key `closer push` uses (relative to the registry's directory).
    pub push_key: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    /// How many releases per project stay current (on the mirrors).
    pub keep: u32,
    /// A mirror whose stamp is older than the primary's by more than this is stale.
    pub stale_after_secs: u64,
    /// How long the signed release index (`zzz/index`) stays valid after it is made.
    pub valid_for_secs: u64,
    /// Also compute and publish MD5 sums.
    pub legacy_md5: bool,
    /// What is not an artifact in the release tree (file-name globs): carried to the
    /// mirrors and the archive, never required to be signed.
    pub notes: Vec<String>,
    #[serde(skip)]
    pub notes_set: crate::input::notes::Notes,
    /// Explicit layout rules, from the tree's top (`input::layout`).
    pub layout: Vec<crate::input::layout::RawRule>,
    /// How many mirrors carry every current file, full mirrors included (`plan::copies`).
    pub copies: u32,
    /// Given in the registry: the build then holds a project whose files have fewer
    /// copies; otherwise copies are reported only (a warning with a capacity mirror).
    pub copies_required: bool,
    /// When given, a file with fewer copies than `copies` (or on one continent) but at
    /// least this many is a warning; only fewer stops the build. Not given: any shortfall
    /// stops it.
    pub copies_min_ok: Option<u32>,
    /// The share of a capacity mirror that is never assigned (0.1 = 10%).
    pub headroom: f64,
    /// At most this many mirrors per continent in each artifact's Metalink and torrent
    /// (not backups, then the lowest tier, then the most bandwidth), so that those files stay small with a
    /// thousand mirrors; `None`: every serving mirror.
    pub metalink_per_continent: Option<usize>,
    /// Files each probe HEADs on each mirror besides its stamp (`commands::probe_sample`).
    pub probe_files: usize,
    /// An artifact whose signature has not arrived is an upload in progress, not a
    /// problem, for this long after it arrived (default 1 hour, by `policy.upload_clock`).
    pub upload_grace: crate::util::arrival::Grace,
    /// A shell command run for each project a build holds back, with the project in
    /// `CLOSER_PROJECT` and its problems on standard input (a foundation mails it).
    pub notify: Option<String>,
    /// The Sigstore trusted root (relative to the registry's directory) that bundles
    /// are verified against; without one, bundles are carried but not verified.
    pub sigstore_root: Option<String>,
    /// A foundation's release rules, checked as problems and warnings (`plan::profile`).
    pub profile: Option<crate::model::profile::Profile>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mirror {
    pub id: String,
    pub name: String,
    pub sponsor: Option<String>,
    pub logo: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    pub continent: Continent,
    pub lat: f64,
    pub lon: f64,
    /// Mbit/s.
    pub bandwidth: u64,
    pub urls: Urls,
    /// `None`: pulls from the primary.
    pub upstream: Option<String>,
    /// 1 for mirrors of the primary, 2 for mirrors of those, ...
    pub tier: u32,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// Bytes the mirror offers; closer assigns it a share of the current releases.
    pub capacity: Option<u64>,
    pub backup: bool,
    /// `ssh://user@host[:port]` that triggers its sync (Debian ftpsync's push).
    pub push: Option<String>,
    #[serde(skip)]
    pub(super) include_set: GlobSet,
    #[serde(skip)]
    pub(super) exclude_set: GlobSet,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Urls {
    pub https: Option<String>,
    pub http: Option<String>,
    pub ftp: Option<String>,
    pub rsync: Option<String>,
}

impl Urls {
    /// The URL downloads should use: HTTPS, else HTTP, else FTP.
    pub fn download(&self) -> Option<&str> {
        self.https.as_deref().or(self.http.as_deref()).or(self.ftp.as_deref())
    }
}

impl Mirror {
    /// A partial mirror carries only some releases: those its globs name, or by capacity
    /// those `plan::copies` assigns it. It pulls its own list.
    pub fn is_partial(&self) -> bool {
        !self.include.is_empty() || !self.exclude.is_empty() || self.capacity.is_some()
    }

    /// Do this mirror's `include` / `exclude` globs let it carry `project`? What it
    /// carries is the plan's answer (`plan::copies::Copies`), which also counts capacity.
    pub fn matches(&self, project: &str) -> bool {
        (self.include.is_empty() || self.include_set.is_match(project)) && !self.exclude_set.is_match(project)
    }
}

/// closer's default notes compiled, for commands run without a registry.
pub fn default_notes() -> crate::input::notes::Notes {
    crate::input::notes::Notes::new(NOTES).0
}

/// What is not an artifact unless the registry says otherwise (`policy.notes`): the
/// files publishers' trees carry beside the releases (Apache's READMEs, headers,
/// announcements and RAT reports, GNU's ChangeLog and NEWS, kernel.org's ChangeLogs and
/// ReleaseNotes, licences, public keys such as `cosign.pub` and an `allowed_signers`
/// file of SSH keys, release notes named after their release, directory indexes).
/// Matched without regard to case; `policy.notes` adds to them and takes out with `!`.
pub const NOTES: [&str; 86] = [
    "README*",
    "HEADER.html",
    "FOOTER.html",
    "index.html",
    "KEYS",
    "*.pub",
    // The RPM distributions' public keys (AlmaLinux, Rocky, CentOS: `RPM-GPG-KEY-AlmaLinux-9`),
    // and keys named for what they are (Samba's `samba-pubkey.asc`, `release-signing-key.asc`).
    "RPM-GPG-KEY-*",
    "*pubkey*",
    "*public-key*",
    "*signing-key*",
    "*allowed_signers",
    // What a release page's scripts read: Alpine's `latest-releases.yaml`, Gentoo's
    // `latest-stage3-amd64-openrc.txt`.
    "latest-releases.yaml",
    // Tauri's updater manifest (its signatures are inside, those of the files beside it).
    "latest.json",
    // A Maven repository's index of an artifact's versions, beside their directories.
    "maven-metadata.xml",
    // Gentoo's `latest-stage3-amd64-openrc.txt`, VirtualBox's `LATEST.TXT`.
    "latest*.txt",
    // Copies of the newest release under a name that says no version (Nextcloud's
    // `latest.tar.bz2` and `latest-30.tar.bz2`, Unbound's `unbound-latest.tar.gz`):
    // carried beside it; the release itself is what pages offer and signatures cover.
    "latest.*",
    "latest-*",
    "*-latest.*",
    // ... and named for what they are (Wireshark's `Wireshark-latest-x64.exe` and
    // `Wireshark Latest Arm 64.dmg`); rolling builds replaced in place under one name
    // (FFmpeg's and BusyBox's `X-snapshot.tar.bz2`), never a release.
    "*-latest-*",
    // rclone's `rclone-current-linux-amd64.zip`, what install scripts fetch.
    "*-current-*",
    "*-current.*",
    "* Latest *",
    "*-snapshot.tar.*",
    // FFmpeg's `ffmpeg-snapshot-git.tar.bz2` beside it, the one its download page links.
    "*-snapshot-git.tar.*",
    // Redis's `redis-stable.tar.gz`: the newest stable release's copy (not Godot's
    // `godot-4.3-stable.tar.xz`, its sources: a version before `-stable`).
    "*[!0-9]-stable.tar.*",
    // ... and the other copies a publisher renews in place under a name that says what,
    // not which: R's `base-prerelease/R-devel.tar.gz` and `R-patched.tar.gz`, Lua's
    // `lua-all.tar.gz` (every version in one), nightly tarballs of a branch (not Gradle's
    // `gradle-8.11-all.zip`: a version before `-all`).
    "*[!0-9]-devel.tar.*",
    "*[!0-9]-patched.tar.*",
    "*[!0-9]-all.tar.*",
    "*[!0-9]-nightly.tar.*",
    "*[!0-9]-master.tar.*",
    "*[!0-9]-trunk.tar.*",
    // SHA-3 digests beside a file (OpenLDAP's `openldap-2.6.9.sha3-512`, made by
    // `openssl dgst -sha3-512`): carried with its release, not compared (closer computes
    // no SHA-3; the `.sha256` beside it is); a file's "signature" to sign it was asked.
    "*.sha3-512",
    "*.sha3-384",
    "*.sha3-256",
    // OpenTTD's CI writes the release's date into each release folder.
    "released.txt",
    // What rustup reads of a dated release (`dist/2024-11-28/channel-rust-stable.toml`,
    // `channel-rust-1.83.0.toml`): the channel's manifest, never a download.
    "channel-rust-*.toml",
    "CHANGES*",
    "CHANGELOG*",
    "*-CHANGELOG",
    // Squid's `squid-6.12-ChangeLog.txt` and `squid-6.12-RELEASENOTES.html`.
    "*-CHANGELOG.*",
    "*-RELEASENOTES.*",
    "NEWS*",
    "RELEASE-NOTES*",
    "RELEASE_NOTES*",
    "RELEASENOTES*",
    "*-RELEASENOTES",
    "ANNOUNCE*",
    "CURRENT-IS-*",
    "LICENSE*",
    "NOTICE*",
    // A source tree's top-level texts, where a publisher puts them beside the releases
    // (exact names: `install-tl-unx.tar.gz` is TeX Live's installer).
    "COPYING",
    "COPYING.*",
    "AUTHORS",
    "THANKS",
    "INSTALL",
    "INSTALL.txt",
    // OCaml's `INSTALL.adoc` beside its `README.adoc`.
    "INSTALL.md",
    "INSTALL.adoc",
    "DISCLAIMER*",
    "*-rat.txt",
    "*.rat.txt",
    // Release notes named after their release: GNOME's `glib-2.82.2.news` and `.changes`,
    // Samba's `samba-4.21.1.WHATSNEW.txt`, Erlang's `OTP-27.2.README`.
    "*.news",
    "*.changes",
    "*WHATSNEW*",
    "*.readme",
    // CPAN's `Moose-2.2207.meta`: the distribution's META, beside its tarball.
    "*.meta",
    // What a build was made from: OpenWrt's `config.buildinfo` and `feeds.buildinfo`,
    // Debian's `X.buildinfo`; never the download a page offers.
    "*.buildinfo",
    // Dotfiles: a web server's `.htaccess`, an FTP server's `.message`; never artifacts.
    ".*",
    // Indexes of a directory that downloaders' tools read: GNOME's `cache.json`, GnuPG's
    // `swdb.lst` (and its signature), Erlang's `otp_versions.table`, CRAN's `PACKAGES`,
    // Ruby's `index.txt`, Node.js's `index.json` and `index.tab`.
    "cache.json",
    "swdb.lst*",
    "otp_versions.table",
    "PACKAGES",
    "PACKAGES.*",
    "index.txt",
    "index.json",
    "index.tab",
    // What an update checker reads beside the version folders: Gitea's `version.json`.
    "version.json",
    "versions.json",
    // Flutter's index of every release per system, which installers and IDEs read
    // (`releases_linux.json`, `releases_macos.json`, `releases_windows.json`).
    "releases_*.json",
    // Dart's `VERSION` in each release: its version, revision and date, as JSON.
    "VERSION",
    // What a NixOS release's folder says of it, for Nix's tools: where its sources and
    // binaries are, its commit, its store paths, its packages and options.
    "src-url",
    "git-revision",
    "binary-cache-url",
    "store-paths.xz",
    "packages.json.br",
    "options.json.br",
];

/// ISO 3166-1 alpha-2 codes (officially assigned).
pub(super) const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

impl Registry {
    /// Reads and validates a registry file. Syntax errors are `Err` (the file cannot be
    /// used at all); semantic ones come back as problems beside a best-effort registry.
    pub fn from_disk(path: &Path) -> Result<(Registry, Problems)> {
        if !path.exists() {
            anyhow::bail!(crate::util::problem::with_fix(
                format!("cannot read `{}`: there is no such file", path.display()),
                "run `closer init` to start a site here (or `closer init DIR`), cd to your site, \
                 or give the registry with --registry FILE"
            ));
        }
        let text = crate::util::fs::read_to_string(path)?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses registry text; `file` is the name used in messages.
    pub fn parse(text: &str, file: &str) -> Result<(Registry, Problems)> {
        let raw: RawRegistry = super::yaml_all::parse_all(text, file, 0).map_err(|errors| yaml_errors(&errors))?;
        let (registry, problems) = validate::validate(raw, file);
        Ok((registry, locate::lines(text, problems)))
    }

    /// Where a mirror's field is in the registry file, for a problem found after the
    /// registry was read (a glob that matches no project, an upstream that carries less):
    /// `mirrors.yaml:57:5`, as a problem of the registry's own says it.
    pub fn place(&self, mirror: &str, field: &str) -> crate::util::problem::Place {
        let what = format!("mirror {mirror:?}, field `{field}`");
        let text = std::fs::read_to_string(&self.file).unwrap_or_default();
        let mut one = Problems::default();
        one.push(crate::util::problem::Problem::new(crate::util::problem::Place::what(&self.file, &what), ""));
        locate::lines(&text, one).into_vec().pop().map(|p| p.place).unwrap_or_default()
    }

    pub fn mirror(&self, id: &str) -> Option<&Mirror> {
        self.mirrors.iter().find(|m| m.id == id)
    }
}

/// Every YAML error of the registry, each as `file:line:column: message` and its fix;
/// the file cannot be used until they are fixed (exit 2).
fn yaml_errors(errors: &[crate::util::problem::Problem]) -> anyhow::Error {
    let all: Vec<String> = errors.iter().map(|p| p.to_string()).collect();
    let more = match errors.len() {
        1 => String::new(),
        n => format!("\n({n} errors in the registry)"),
    };
    anyhow!("{}{more}", all.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
primary:
  name: Example
  host: dist.example.org
  site_url: https://downloads.example.org
  dist_url: https://dist.example.org/dist/
  rsync_url: rsync://dist.example.org/dist/
archive:
  url: https://archive.example.org/dist/
mirrors:
  - id: a
    name: A
    country: de
    continent: EU
    lat: 49.5
    lon: 11.0
    bandwidth: 1000
    urls: { https: "https://a.example.net/pub/", rsync: "rsync://a.example.net/pub/" }
  - id: b
    name: B
    country: JP
    continent: AS
    lat: 35.6
    lon: 139.7
    bandwidth: 1000
    upstream: a
    include: ["alpha*"]
    urls: { http: "http://b.example.com/x" }
"#;

    #[test]
    fn good_registry_validates() {
        let (r, p) = Registry::parse(GOOD, "mirrors.yaml").unwrap();
        assert!(p.is_empty(), "{:?}", p.sorted());
        assert_eq!(r.primary.site_url, "https://downloads.example.org/");
        assert_eq!(r.primary.module, "dist");
        assert_eq!(r.mirrors[0].country, "DE");
        assert_eq!(r.mirrors[1].tier, 2);
        assert!(r.mirrors[1].matches("alpha-tools"));
        assert!(!r.mirrors[1].matches("beta"));
        assert_eq!(r.mirrors[1].urls.http.as_deref(), Some("http://b.example.com/x/"));
    }

    #[test]
    fn typo_is_an_error_with_line_and_column() {
        let bad = GOOD.replace("    bandwidth: 1000\n    upstream", "    bandwith: 1000\n    upstream");
        let e = Registry::parse(&bad, "mirrors.yaml").unwrap_err().to_string();
        assert!(e.starts_with("mirrors.yaml:25:5: mirrors[1]: "), "{e}");
        assert!(e.contains("unknown field `bandwith`"), "{e}");
    }

    #[test]
    fn semantic_problems_name_mirror_and_field() {
        let bad = GOOD
            .replace("upstream: a", "upstream: b")
            .replace("\"https://a.example.net/pub/\"", "\"javascript:alert(1)\"");
        let (_, p) = Registry::parse(&bad, "mirrors.yaml").unwrap();
        let text: Vec<String> = p.sorted().iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|t| t.contains("mirror \"a\", field `urls.https`") && t.contains("scheme `javascript:`")),
            "{text:?}"
        );
        assert!(text.iter().any(|t| t.contains("mirror \"b\", field `upstream`") && t.contains("cycle")), "{text:?}");
        // Each at the line of its key, as a YAML error is (`urls:`, whose value is in
        // flow style).
        let line = bad.lines().position(|l| l.contains("javascript:")).unwrap() + 1;
        let col = bad.lines().nth(line - 1).unwrap().find("urls").unwrap() + 1;
        let at = format!("mirrors.yaml:{line}:{col}: mirror \"a\", field `urls.https`");
        assert!(text.iter().any(|t| t.starts_with(&at)), "{at} in {text:?}");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration("6h"), Some(21_600));
        assert_eq!(parse_duration("2d"), Some(172_800));
        assert_eq!(parse_duration("soon"), None);
    }
}
