//! The command line: subcommands and flags only, no I/O.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "closer",
    version,
    about = "Publish software releases through a network of mirrors, with a static download site",
    long_about = "Publish software releases through a network of mirrors, with a static download site.\n\n\
        closer reads the mirror registry (mirrors.yaml), the release tree (dist/), the site's \
        pages (content/) and templates (templates/), checks checksums and signatures, and writes \
        the static download site (site/).\n\n\
        Exit codes: 0 success, 1 problems found in the inputs, 2 bad usage or unreadable input.",
    after_help = "Run `closer <command> --help` for the flags of a command."
)]
pub struct Cli {
    #[command(flatten)]
    pub paths: PathArgs,

    /// Print only problems and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct PathArgs {
    /// The mirror registry.
    #[arg(long, global = true, value_name = "FILE", default_value = "mirrors.yaml")]
    pub registry: PathBuf,
    /// The release tree: <project>/<version>/<files>.
    #[arg(long, global = true, value_name = "DIR", default_value = "dist")]
    pub dist: PathBuf,
    /// Markdown pages: _index.md, <project>.md, <project>/<version>.md.
    #[arg(long, global = true, value_name = "DIR", default_value = "content")]
    pub content: PathBuf,
    /// Template overrides (files named like the built-in ones replace them).
    #[arg(long, global = true, value_name = "DIR", default_value = "templates")]
    pub templates: PathBuf,
    /// Where the site is written (replaced as a whole on every build).
    #[arg(long, global = true, value_name = "DIR", default_value = "site")]
    pub out: PathBuf,
    /// closer's cache of checksums and signature checks of unchanged files.
    #[arg(long, global = true, value_name = "DIR", default_value = ".closer-cache")]
    pub cache: PathBuf,
    /// Secret key that clearsigns each release's SHA512SUMS (overrides
    /// `primary.signing_key`); its passphrase, if any, in CLOSER_SITE_KEY_PASSPHRASE.
    #[arg(long, global = true, value_name = "FILE")]
    pub site_key: Option<PathBuf>,
    /// The mirror probe state that `closer probe` writes and builds read
    /// [default: probe.json beside the registry].
    #[arg(long, global = true, value_name = "FILE")]
    pub probe_state: Option<PathBuf>,
    /// Sponsors' logos, `<mirror id>.svg` or `.png`, copied into the site
    /// [default: logos/ beside the registry].
    #[arg(long, global = true, value_name = "DIR")]
    pub logos: Option<PathBuf>,
}

impl PathArgs {
    /// The paths, with the probe state's default beside the registry.
    pub fn into_paths(self) -> closer::Paths {
        let beside = self.registry.parent().unwrap_or(std::path::Path::new("")).to_path_buf();
        let probe = self.probe_state.unwrap_or_else(|| beside.join("probe.json"));
        let logos = self.logos.unwrap_or_else(|| beside.join("logos"));
        closer::Paths {
            registry: self.registry,
            dist: self.dist,
            content: self.content,
            templates: self.templates,
            out: self.out,
            cache: self.cache,
            site_key: self.site_key,
            probe,
            logos,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check everything and write the site; a failed build leaves the old site as it was.
    Build {
        /// Print what was hashed and written, as `key=value` lines on stderr.
        #[arg(long)]
        stats: bool,
        /// Check everything, then write only the mirror lists and stamp into the release
        /// tree, not the site (for a primary that refreshes its lists from cron).
        #[arg(long)]
        lists_only: bool,
    },
    /// Check everything a build checks, list every problem, write nothing.
    Check,
    /// Build, serve the site on 127.0.0.1, and rebuild and reload the browser when an input changes.
    #[command(after_help = "The release tree is read but never written (no mirror lists, no stamp). \
        The reload script is added to pages as they are served; `closer build` never writes it.")]
    Serve {
        /// Port to listen on (0: any free port).
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Address to listen on; anything but loopback makes the preview public.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Poll the inputs for changes (for network file systems without change events).
        #[arg(long)]
        poll: bool,
    },
    /// Have the mirrors caught up with a release? Exit 0 when they serve enough of it, 1 when not yet.
    #[command(after_help = "Reads the probe state (run `closer probe` first), dist/zzz/since and the registry. \
        A release script can wait on it:\n  until closer probe -q && closer status hello 2.0; do sleep 600; done")]
    Status {
        project: String,
        version: String,
        /// Share of the bandwidth of the mirrors that carry the project that must serve the release.
        #[arg(long, default_value_t = 0.8, value_parser = parse_share)]
        threshold: f64,
        /// Probe and check again until the threshold is met or TIMEOUT has passed
        /// (`90s`, `30m`, `2h`; 1h when not given), printing the propagation so far.
        #[arg(long, value_name = "TIMEOUT", num_args = 0..=1, default_missing_value = "1h", value_parser = parse_wait)]
        wait: Option<u64>,
        /// With --wait: how often to probe.
        #[arg(long, value_name = "SECS", default_value = "60", value_parser = parse_wait, requires = "wait")]
        every: u64,
    },
    /// How many copies of every current release the mirrors hold, and where.
    #[command(after_help = "Per project its copies, the copies serving now (after `closer probe`) and their \
        continents; per mirror what it carries and how full its capacity is; the projects closest to losing \
        a copy first. Exit 0 when every release meets policy.copies (or the build would accept it), 1 when \
        not (the shortfalls follow on stderr), 2 on bad usage or unreadable input.")]
    Copies {
        /// Print JSON: `goal`, `min_ok`, `enforced`, `headroom`, `total_bytes`, `short`,
        /// `projects` (each with `project`, `bytes`, `copies`, `continents`, `serving` and
        /// `units`, each with `key`, `bytes`, `weight`, `copies`, `continents`, `mirrors`),
        /// `mirrors` (each with `id`, `holds`, `capacity`, `usable`, `bytes`, `fill`,
        /// `units`) and `closest` (project names).
        #[arg(long)]
        json: bool,
    },
    /// Print the announcement of a release (subject, download page, checksums, KEYS, how to verify).
    Announce { project: String, version: String },
    /// Fetch every mirror's stamp (zzz/time.txt) and record who is up, stale or down.
    #[command(after_help = "The state (probe.json beside mirrors.yaml unless --probe-state says otherwise) keeps \
        the last 200 probes per mirror; the next build uses it to send downloads only to mirrors that have \
        the file. Exit 0 even when mirrors are down (they are reported); 2 on bad usage or an unreadable registry.\n\n\
        From cron on the primary: */10 * * * * cd /srv/site && closer probe -q && closer build -q")]
    Probe {
        /// Mirrors probed at once.
        #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
        jobs: u16,
        /// Seconds a mirror has to answer (the connection alone gets at most 10).
        #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
        timeout: u64,
    },
    /// Download each mirror's `logo:` URL into logos/<id>.svg|png, checked, for the build to copy into the site.
    #[command(
        name = "fetch-logos",
        after_help = "Pages show only logos from logos/ (served by the site \
        itself), never a remote one: this command is the only time a sponsor's server is asked."
    )]
    FetchLogos {
        /// Seconds each download may take.
        #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
        timeout: u64,
        /// Replace logos that are already in logos/.
        #[arg(long)]
        force: bool,
        /// Only these mirrors (by id).
        #[arg(value_name = "MIRROR")]
        only: Vec<String>,
    },
    /// Tell the tier-1 mirrors (those with `push:` in the registry) to sync now, over ssh.
    #[command(after_help = "Each mirror's operator puts the primary's public key in authorized_keys with \
        a forced command, so the key can do nothing but start a sync:\n  \
        command=\"/opt/closer/scripts/mirror-sync --detach rsync://dist.example.org/releases/ /srv/mirror/\",restrict ssh-ed25519 AAAA... closer-push\n\
        CLOSER_SSH replaces the ssh command (e.g. to give -o UserKnownHostsFile=FILE). \
        Exit 0 when every mirror was triggered, 1 when any failed or timed out (all are tried), 2 on bad usage.")]
    Push {
        /// The ssh private key [default: primary.push_key in the registry, else ssh's own].
        #[arg(long, value_name = "FILE")]
        ssh_key: Option<PathBuf>,
        /// Seconds a trigger may take.
        #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
        timeout: u64,
        /// Mirrors triggered at once.
        #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
        jobs: u16,
        /// Only these mirrors (by id; any tier) instead of every tier-1 mirror with `push`.
        #[arg(value_name = "MIRROR")]
        only: Vec<String>,
    },
    /// Sign every artifact that has no .asc yet, with a secret key exported from gpg.
    #[command(after_help = "Export the key with: gpg --export-secret-keys --armor FPR > key.asc\n\
        The key must be in the KEYS of every project it signs for. Existing .asc files are never replaced.")]
    Sign {
        /// The secret key (armored or binary), as `gpg --export-secret-keys` writes it.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// Read the key's passphrase from the first line of FILE.
        #[arg(long, value_name = "FILE", conflicts_with = "passphrase_env")]
        passphrase_file: Option<PathBuf>,
        /// Read the key's passphrase from the environment variable VAR.
        #[arg(long, value_name = "VAR")]
        passphrase_env: Option<String>,
        /// Sign only artifacts under these paths (default: the whole release tree).
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Print what closer inferred from the release tree: projects, lines, releases
    /// (current or archived) and every file's role, signature and checksums.
    #[command(after_help = "Exit 0 when the inputs have no problems, 1 when they do (the problems follow \
        on stderr, after what was inferred), 2 on bad usage or unreadable input.")]
    Releases {
        /// Print JSON: an array of projects, each with `project`, `keys` and `lines`, each
        /// with `line` and `releases`, each with `version`, `current` and `files`, each
        /// with `path`, `role`, `signature` {`path`, `kind`, `outcome`} and `checksums`.
        #[arg(long)]
        json: bool,
    },
}

fn parse_wait(s: &str) -> Result<u64, String> {
    match closer::input::registry::parse_duration(s) {
        Some(0) | None => Err(format!("`{s}` is not a duration (`90s`, `30m`, `2h`)")),
        Some(n) => Ok(n),
    }
}

fn parse_share(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=1.0).contains(&v) { Ok(v) } else { Err(format!("{v} is not between 0 and 1")) }
}
