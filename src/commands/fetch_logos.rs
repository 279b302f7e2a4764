//! `closer fetch-logos`: the one time closer asks a sponsor's server for its logo. Each
//! mirror's `logo:` URL is downloaded, checked like any file in `logos/` (type by its
//! bytes, size, nothing in an SVG that runs or loads) and saved as `logos/<id>.svg` or
//! `.png`, where the build copies it into the site. Pages never load a remote logo.

use super::{Global, Outcome};
use crate::input::logos::{self, MAX_BYTES};
use crate::input::registry::Registry;
use anyhow::Result;
use std::path::Path;
use std::time::Duration;

/// Download each mirror's `logo:` URL into logos/<id>.svg|png, checked, for the build to copy into the site.
#[derive(Debug, clap::Args)]
#[command(after_help = "Pages show only logos from logos/ (served by the site \
    itself), never a remote one: this command is the only time a sponsor's server is asked. \
    Exit 0 when every logo was saved or kept, 1 when any failed (each is said), 2 on bad usage.")]
pub struct Args {
    /// Seconds each download may take.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    timeout: u64,
    /// Replace logos that are already in logos/.
    #[arg(long)]
    force: bool,
    /// Only these mirrors (by id).
    #[arg(value_name = "MIRROR")]
    only: Vec<String>,
}

/// Fetches the logos and says what happened to each: saved and kept on stdout, failures
/// on stderr.
pub fn run(args: Args, g: &Global) -> Result<Outcome> {
    let registry = super::registry(g)?;
    let opts = Options { timeout: Duration::from_secs(args.timeout), force: args.force, only: &args.only };
    let logos = g.paths().logos;
    let _lock = super::lock(g, &logos, "the logos", "fetch-logos")?;
    let done = fetch_all(&registry, &logos, &opts)?;
    let mut failed = 0;
    for (id, outcome) in &done {
        match outcome {
            Fetched::Saved(p) => println!("{id}: saved {p}"),
            Fetched::Kept(p) => println!("{id}: kept {p} (--force replaces it)"),
            Fetched::Failed(why) => {
                failed += 1;
                eprintln!("{id}: {why}");
            }
        }
    }
    if done.is_empty() {
        println!("no mirror has a logo: URL");
    }
    Ok(if failed > 0 { Outcome::NotYet } else { Outcome::Done })
}

/// What was done for one mirror.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// Saved as this file.
    Saved(String),
    /// A logo file is already there (`--force` replaces it).
    Kept(String),
    /// Why the logo was not saved.
    Failed(String),
}

/// The options of a run.
pub struct Options<'a> {
    pub timeout: Duration,
    pub force: bool,
    /// Only these mirror ids (all with a `logo:` when empty).
    pub only: &'a [String],
}

/// The type of a downloaded logo: by its bytes (a PNG signature), else SVG text.
fn sniff(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"\x89PNG") { "png" } else { "svg" }
}

fn fetch(agent: &ureq::Agent, url: &str) -> std::result::Result<(Vec<u8>, &'static str), String> {
    let mut resp = agent.get(url).call().map_err(|e| format!("cannot fetch {url}: {e}"))?;
    let body = resp.body_mut().with_config().limit(MAX_BYTES as u64 + 1).read_to_vec().map_err(|e| match e {
        ureq::Error::BodyExceedsLimit(_) => format!("{url} is larger than {} KiB", MAX_BYTES >> 10),
        e => format!("cannot fetch {url}: {e}"),
    })?;
    let ext = sniff(&body);
    logos::check(ext, &body).map_err(|why| format!("{url} {why}"))?;
    Ok((body, ext))
}

/// Fetches the logos into `dir`, one mirror after another, and says what happened to each.
pub fn fetch_all(registry: &Registry, dir: &Path, opts: &Options) -> Result<Vec<(String, Fetched)>> {
    for id in opts.only {
        if !registry.mirrors.iter().any(|m| &m.id == id) {
            anyhow::bail!("no mirror `{id}` in the registry (ids are the `id:` of each mirror)");
        }
    }
    let agent = super::http_agent("fetch-logos", opts.timeout, opts.timeout);
    let mut out = Vec::new();
    for m in &registry.mirrors {
        let Some(url) = &m.logo else { continue };
        if !opts.only.is_empty() && !opts.only.contains(&m.id) {
            continue;
        }
        let existing = ["svg", "png"].iter().map(|e| dir.join(format!("{}.{e}", m.id))).find(|p| p.exists());
        if let (Some(p), false) = (&existing, opts.force) {
            out.push((m.id.clone(), Fetched::Kept(p.display().to_string())));
            continue;
        }
        let outcome = match fetch(&agent, url) {
            Ok((bytes, ext)) => {
                crate::util::fs::create_dir_all(dir)?;
                let path = dir.join(format!("{}.{ext}", m.id));
                crate::util::fs::write_atomic(&path, &bytes)?;
                // A logo of the other type would now be a second one.
                if let Some(old) = existing.filter(|p| p != &path) {
                    crate::util::fs::remove_file(&old)?;
                }
                Fetched::Saved(path.display().to_string())
            }
            Err(why) => Fetched::Failed(why),
        };
        out.push((m.id.clone(), outcome));
    }
    Ok(out)
}
