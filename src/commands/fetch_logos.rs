//! `closer fetch-logos`: the one time closer asks a sponsor's server for its logo. Each
//! mirror's `logo:` URL is downloaded, checked like any file in `logos/` (type by its
//! bytes, size, nothing in an SVG that runs or loads) and saved as `logos/<id>.svg` or
//! `.png`, where the build copies it into the site. Pages never load a remote logo.

use crate::input::logos::{self, MAX_BYTES};
use crate::input::registry::Registry;
use anyhow::Result;
use std::path::Path;
use std::time::Duration;

/// What was done for one mirror.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
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
pub fn run(registry: &Registry, dir: &Path, opts: &Options) -> Result<Vec<(String, Outcome)>> {
    for id in opts.only {
        if !registry.mirrors.iter().any(|m| &m.id == id) {
            anyhow::bail!("no mirror `{id}` in the registry (ids are the `id:` of each mirror)");
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(true)
        .user_agent(concat!("closer-fetch-logos/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut out = Vec::new();
    for m in &registry.mirrors {
        let Some(url) = &m.logo else { continue };
        if !opts.only.is_empty() && !opts.only.contains(&m.id) {
            continue;
        }
        let existing = ["svg", "png"].iter().map(|e| dir.join(format!("{}.{e}", m.id))).find(|p| p.exists());
        if let (Some(p), false) = (&existing, opts.force) {
            out.push((m.id.clone(), Outcome::Kept(p.display().to_string())));
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
                Outcome::Saved(path.display().to_string())
            }
            Err(why) => Outcome::Failed(why),
        };
        out.push((m.id.clone(), outcome));
    }
    Ok(out)
}
