//! `closer probe --url URL`: tests a mirror before it is registered, the way a
//! registered one is judged. Its stamp must be the primary's (or within
//! `policy.stale_after`), a sample of the files its list holds must be there with their
//! sizes, and its rsync URL (when given) must answer; then it prints the registry entry
//! to add, with the URL that must serve the mirror's directory (DEST).

use super::Outcome;
use crate::input::registry::Registry;
use crate::model::listing::parse_filelist;
use crate::model::since::Since;
use crate::model::stamp;
use crate::util::text::age;
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::time::Duration;

/// Files of the list asked for, spread over it.
const SAMPLE: usize = 20;

/// What `--url` checks.
pub struct Candidate<'a> {
    pub url: &'a str,
    pub rsync: Option<&'a str>,
    pub list: Option<&'a str>,
    pub timeout: Duration,
}

/// Runs the checks, prints each with its verdict, and the registry entry when all pass.
pub fn run(c: &Candidate, registry: &Registry, dist: &Path) -> Result<Outcome> {
    let base = if c.url.ends_with('/') { c.url.to_string() } else { format!("{}/", c.url) };
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        bail!("--url {} is not an http(s) URL: give the URL that serves the mirror's directory", c.url);
    }
    let agent = super::mirror_agent("probe", Duration::from_secs(10), c.timeout);
    let primary = stamp::read(dist)?.context("the release tree has no zzz/time.txt: run `closer build` first")?;
    let mut failed = 0;
    let mut say = |ok: bool, what: String| {
        failed += usize::from(!ok);
        println!("{} {what}", if ok { "ok  " } else { "FAIL" });
    };
    if base.starts_with("http://") {
        println!("note no https: download pages served over https will not link to this mirror");
    }
    let stamp_url = stamp::url(&base);
    let served = fetch_stamp(&agent, &stamp_url);
    match &served {
        &Ok(s) if s >= primary => say(true, format!("{stamp_url}: the primary's stamp {s}")),
        &Ok(s) if primary - s <= registry.policy.stale_after_secs as i64 => say(
            true,
            format!("{stamp_url}: stamp {s}, {} behind the primary's (within policy.stale_after)", age(primary - s)),
        ),
        &Ok(s) => say(
            false,
            format!("{stamp_url}: stamp {s}, {} behind the primary's {primary}: not synced", age(primary - s)),
        ),
        Err(e) => say(
            false,
            format!(
                "{stamp_url}: {e}; the URL must serve the mirror's directory (DEST), so that {stamp_url} is DEST/zzz/time.txt"
            ),
        ),
    }
    let list = match c.list {
        Some(id) => crate::output::lists::mirror_list_path(id),
        None => crate::output::lists::full_list_path(registry),
    };
    if let Ok(s) = served {
        let (checked, missing) = sample(&agent, &base, dist, &dist.join(list), s)?;
        match missing.first() {
            None => say(true, format!("{checked} of the list's files present, with their sizes")),
            Some(first) => {
                // Most of the full list missing: a partial mirror probed as a full one.
                let partial = if c.list.is_none() && missing.len() * 2 > checked {
                    "; a partial mirror? give --list ID, the id its list goes by"
                } else {
                    ""
                };
                say(
                    false,
                    format!("{} of {checked} sampled files missing or wrong, e.g. {first}{partial}", missing.len()),
                )
            }
        }
    }
    if let Some(rsync) = c.rsync {
        match rsync_answers(rsync) {
            Ok(()) => say(true, format!("{rsync}: serves zzz/time.txt over rsync")),
            Err(e) => say(false, format!("{rsync}: {e}")),
        }
    }
    if failed > 0 {
        eprintln!("{failed} check(s) failed: fix them, then run closer probe --url again");
        return Ok(Outcome::NotYet);
    }
    print!("{}", entry(&base, c.rsync, c.list));
    Ok(Outcome::Done)
}

fn fetch_stamp(agent: &ureq::Agent, url: &str) -> std::result::Result<i64, String> {
    let mut resp = super::same_host::call(agent, false, url)?;
    let body = resp.body_mut().with_config().limit(4096).read_to_string().map_err(super::describe)?;
    stamp::parse(&body)
}

/// HEADs files of the list spread over it (those the mirror's stamp must include);
/// returns how many were checked and which are missing or of another size.
fn sample(agent: &ureq::Agent, base: &str, dist: &Path, path: &Path, served: i64) -> Result<(usize, Vec<String>)> {
    if !path.is_file() {
        bail!(
            "there is no list `{}`: run `closer build` first, or name a mirror that has a list of its own",
            path.display()
        );
    }
    let text = crate::util::fs::read_to_string(path)?;
    let entries = parse_filelist(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let since = Since::read(dist)?.unwrap_or_default();
    let files: Vec<_> = entries
        .iter()
        .filter(|e| e.kind == 'f' && !e.path.starts_with("zzz/") && since.get(&e.path).is_some_and(|t| t <= served))
        .collect();
    let step = files.len().div_ceil(SAMPLE).max(1);
    let mut missing = Vec::new();
    let picked: Vec<_> = files.iter().step_by(step).collect();
    for e in &picked {
        let url = format!("{base}{}", crate::util::text::url_path(&e.path));
        let verdict = match super::same_host::call(agent, true, &url) {
            Ok(resp) => match resp.headers().get("content-length").and_then(|v| v.to_str().ok()?.parse::<u64>().ok()) {
                Some(n) if n != e.size => Some(format!("{} ({n} bytes, the list says {})", e.path, e.size)),
                _ => None,
            },
            Err(err) => Some(format!("{} ({err})", e.path)),
        };
        missing.extend(verdict);
    }
    Ok((picked.len(), missing))
}

/// Does the rsync URL serve the stamp?
fn rsync_answers(url: &str) -> std::result::Result<(), String> {
    let target = format!("{}zzz/time.txt", if url.ends_with('/') { url.to_string() } else { format!("{url}/") });
    let out = std::process::Command::new("rsync")
        .args(["--no-motd", "--list-only", "--contimeout=10", "--timeout=30", &target])
        .output()
        .map_err(|e| format!("cannot run rsync ({e})"))?;
    if out.status.success() {
        return Ok(());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    Err(err.lines().find(|l| !l.trim().is_empty()).unwrap_or("rsync failed").to_string())
}

/// The registry entry to add, with what only the operator knows left to fill in.
fn entry(base: &str, rsync: Option<&str>, list: Option<&str>) -> String {
    let scheme = if base.starts_with("https://") { "https" } else { "http" };
    let id = list.unwrap_or("FILL-IN");
    let mut out = format!(
        "\nAdd to mirrors.yaml (fill in what says FILL-IN):\n  - id: {id}\n    name: FILL-IN\n    country: FILL-IN    # ISO 3166 code, e.g. DE\n    continent: FILL-IN  # e.g. EU\n    lat: 0.0            # FILL-IN\n    lon: 0.0            # FILL-IN\n    bandwidth: 1000     # FILL-IN, Mbit/s\n    urls:\n"
    );
    out.push_str(&format!("      {scheme}: {base}\n"));
    if let Some(r) = rsync {
        out.push_str(&format!("      rsync: {r}\n"));
    }
    if let Some(id) = list {
        out.push_str(&format!("    # a partial mirror: keep the include/exclude (or capacity) that made list {id}\n"));
    }
    out
}
