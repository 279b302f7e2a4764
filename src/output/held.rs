//! What a build remembers of its projects for the builds after it: the last good state
//! of each project it published (`input::snapshot`, written only when the project
//! changed), and the projects it held back (`held.json` in the cache, which `closer
//! status` reads). A project newly held, or held for other reasons than before, is told
//! to `policy.notify` with its problems on standard input.

use crate::input::content::Content;
use crate::input::snapshot::{self, Snapshot};
use crate::model::held::Held;
use crate::model::tree::Project;
use crate::output::fingerprint::Fingerprint;
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// A held project as `held.json` records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldRecord {
    pub project: String,
    /// `held` or `arriving`.
    pub state: String,
    /// Its last good state is published (else it never was).
    pub published: bool,
    pub problems: Vec<String>,
    /// Its published files whose bytes changed since (paths in the tree): mirrors that
    /// joined since cannot have them, so a probe does not ask for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
    /// The notify command failed for it: it is told again at the next build.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub notify_failed: bool,
}

impl From<&Held> for HeldRecord {
    fn from(h: &Held) -> HeldRecord {
        HeldRecord {
            project: h.project.clone(),
            state: if h.arriving { "arriving" } else { "held" }.into(),
            published: h.published,
            problems: h.problems.iter().map(ToString::to_string).collect(),
            changed: h.changed.clone(),
            notify_failed: false,
        }
    }
}

/// The file the held projects are recorded in.
pub fn held_path(cache: &Path) -> std::path::PathBuf {
    cache.join("held.json")
}

/// The held projects the last build recorded.
pub fn read_held(cache: &Path) -> Vec<HeldRecord> {
    std::fs::read(held_path(cache)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
}

/// What a project's snapshot is made from: its files (names, metadata, digests), its
/// signature checks and its content pages' time.
fn fingerprint(p: &Project, content: &Content) -> String {
    let mut h = Fingerprint::default();
    p.files().into_iter().for_each(|f| h.file(f));
    for a in p.releases.iter().flat_map(|r| &r.artifacts) {
        h.put(a.signature.as_ref().map_or("", |c| c.outcome.as_str()).as_bytes());
    }
    h.put(&content.newest_of.get(&p.name).copied().unwrap_or(0).to_le_bytes());
    h.put(&content.projects.get(&p.name).map(|pg| pg.html.len()).unwrap_or(0).to_le_bytes());
    crate::util::text::hex(&h.finish())
}

/// Writes the snapshot of every project published as it is now (not those held, whose
/// snapshot is what was published in their place), and forgets projects gone.
pub fn remember_good(
    cache: &Path,
    projects: &BTreeMap<String, Project>,
    content: &Content,
    held: &[Held],
) -> Result<()> {
    let dir = snapshot::dir(cache);
    let old = snapshot::read_index(&dir);
    // Each project's fingerprint hashes the metadata of all its files: on every core.
    let fps: BTreeMap<&String, String> = {
        use rayon::prelude::*;
        let all: Vec<(&String, &Project)> = projects.iter().collect();
        all.into_par_iter().map(|(name, p)| (name, fingerprint(p, content))).collect()
    };
    let mut index = BTreeMap::new();
    for (name, p) in projects {
        if let Some(h) = held.iter().find(|h| &h.project == name) {
            if h.published
                && let Some(f) = old.get(name)
            {
                index.insert(name.clone(), f.clone());
            }
            continue;
        }
        let fp = fps[name].clone();
        if old.get(name) != Some(&fp) || !snapshot::path(&dir, name).exists() {
            // The pages are keyed by (project, release): this project's are one range.
            let releases = content
                .releases
                .range((name.clone(), String::new())..)
                .take_while(|((project, _), _)| project == name)
                .map(|((_, id), page)| (id.clone(), page.clone()))
                .collect();
            let s = Snapshot {
                format: snapshot::FORMAT,
                project: p.clone(),
                page: content.projects.get(name).cloned(),
                releases,
                newest: content.newest_of.get(name).copied().unwrap_or(0),
            };
            crate::util::fs::write_parts_atomic(&snapshot::path(&dir, name), &[&serde_json::to_vec(&s)?], false)?;
        }
        index.insert(name.clone(), fp);
    }
    for gone in old.keys().filter(|p| !index.contains_key(*p)) {
        crate::util::fs::remove_file(&snapshot::path(&dir, gone))?;
    }
    if index != old {
        crate::util::fs::write_atomic(&dir.join("index"), snapshot::render_index(&index).as_bytes())?;
    }
    Ok(())
}

/// Records the held projects, and tells `notify` about each one held anew or for
/// other reasons than the last build said. A notify command that fails is a warning.
pub fn remember_held(cache: &Path, held: &mut [Held], notify: Option<&str>) -> Result<Vec<String>> {
    let old = read_held(cache);
    let mut now: Vec<HeldRecord> = held.iter().map(HeldRecord::from).collect();
    for (h, record) in held.iter_mut().zip(&now) {
        h.told = old.contains(record);
    }
    let mut warnings = Vec::new();
    if let Some(cmd) = notify {
        for h in now.iter_mut().filter(|h| !old.contains(h)) {
            if let Err(e) = run_notify(cmd, h) {
                warnings.push(format!("policy.notify for {}: {e:#}; it is told again at the next build", h.project));
                h.notify_failed = true;
            }
        }
    }
    if now != old {
        crate::util::fs::write_atomic(&held_path(cache), &serde_json::to_vec_pretty(&now)?)?;
    }
    Ok(warnings)
}

/// Runs the notify command for one held project: `sh -c CMD`, the project in
/// `CLOSER_PROJECT`, its state in `CLOSER_STATE`, its problems on standard input.
fn run_notify(cmd: &str, h: &HeldRecord) -> Result<()> {
    use std::io::Write;
    let mut child = std::process::Command::new("sh")
        .args(["-c", cmd])
        .env("CLOSER_PROJECT", &h.project)
        .env("CLOSER_STATE", &h.state)
        .stdin(std::process::Stdio::piped())
        .spawn()?;
    let text: String = h.problems.iter().map(|p| format!("{p}\n")).collect();
    let head = match h.state.as_str() {
        // An upload still within its grace: nothing to do if it completes.
        "arriving" => format!(
            "closer is waiting for an upload to project {} to finish (arriving): its last good state stays \
             published meanwhile, and nothing needs doing if these files are whole and signed within \
             policy.upload_grace; if they are not by then, they hold it back as these problems:",
            h.project
        ),
        state => format!("closer held project {} ({state}):", h.project),
    };
    let text = format!("{head}\n{text}");
    // Written beside the wait: a command that never reads its input (a webhook's `curl`)
    // must not block the build on a full pipe.
    if let Some(mut stdin) = child.stdin.take() {
        std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    }
    // One that hangs must not hold the release tree's lock, and every project, with it.
    let deadline = std::time::Instant::now() + NOTIFY_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if std::time::Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            anyhow::bail!("`{cmd}` did not finish within {} s and was stopped", NOTIFY_TIMEOUT.as_secs());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    anyhow::ensure!(status.success(), "`{cmd}` exited with {status}");
    Ok(())
}

/// How long the notify command may take for one project.
const NOTIFY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
