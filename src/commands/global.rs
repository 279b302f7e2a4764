//! The flags every command shares (paths and `--quiet`), and the paths they make.

use crate::model::run::Paths;
use clap::Args;
use std::path::PathBuf;

/// The flags every command takes: where closer reads and writes, and how much it says.
/// They are listed after each command's own flags in its `--help`.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Print only problems, warnings and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// When another closer is writing what this command writes, stop at once (exit 3)
    /// instead of waiting for it.
    #[arg(long, global = true)]
    pub no_wait: bool,

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
    /// closer's cache of checksums and signature checks of unchanged files, and the state a
    /// build keeps (each project's last good state, the lists made)
    /// [default: .closer-cache beside the registry].
    #[arg(long, global = true, value_name = "DIR")]
    pub cache: Option<PathBuf>,
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

impl Global {
    /// The paths, with the defaults of what a build keeps (the cache, the probe state, the
    /// logos) beside the registry: a run from another directory finds them as one from the
    /// registry's own does.
    pub fn paths(&self) -> Paths {
        let beside = self.registry.parent().unwrap_or(std::path::Path::new("")).to_path_buf();
        Paths {
            registry: self.registry.clone(),
            dist: self.dist.clone(),
            content: self.content.clone(),
            templates: self.templates.clone(),
            out: self.out.clone(),
            cache: self.cache.clone().unwrap_or_else(|| beside.join(".closer-cache")),
            site_key: self.site_key.clone(),
            probe: self.probe_state.clone().unwrap_or_else(|| beside.join("probe.json")),
            logos: self.logos.clone().unwrap_or_else(|| beside.join("logos")),
        }
    }
}
