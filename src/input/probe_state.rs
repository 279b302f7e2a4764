//! The probe state, `probe.json`: what `closer probe` last found on each mirror, with a
//! bounded history. `closer probe` writes it; the build reads it to decide which mirror
//! may serve which file. A missing file is an empty state (no mirror probed yet).

use crate::util::problem::with_fix;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Samples kept per mirror.
pub const HISTORY: usize = 200;
/// Version of the state file's layout.
pub const FORMAT: u32 = 1;

/// What the last probes found, as stored in `probe.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub format: u32,
    /// When the last probe ran (unix seconds).
    pub probed_at: i64,
    /// The primary's stamp at that time, if known.
    pub primary_stamp: Option<i64>,
    pub mirrors: BTreeMap<String, MirrorState>,
}

/// One mirror's last probe and its history.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MirrorState {
    /// The URL that was fetched.
    pub url: String,
    pub ok: bool,
    /// Why the mirror is down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The stamp the mirror serves (when `ok`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    pub checked_at: i64,
    /// The file whose absence (or other size) found the mirror broken: the next probe
    /// asks for it first, so a mirror is whole again when it has it back, not when a
    /// probe happens to sample other files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broken: Option<String>,
    /// Files of a held project, changed on the primary since they were published, that
    /// the mirror does not have (it synced after the change, and mirror-sync refused
    /// the primary's bytes): no visitor is sent to it for that project.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lacks: Vec<String>,
    /// Oldest first, at most [`HISTORY`] samples, the last one being this probe.
    #[serde(default)]
    pub history: Vec<Sample>,
}

/// One probe of one mirror.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    pub at: i64,
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<i64>,
    /// The primary's stamp at the time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_stamp: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
}

impl State {
    /// Reads a state file; a missing file is an empty state (no mirror probed yet).
    pub fn load(path: &Path) -> Result<State> {
        let Some(bytes) = crate::util::fs::read_optional(path)? else { return Ok(State::default()) };
        State::parse(&bytes, path)
    }

    /// Parses a state file's bytes; errors name `path`, the line and the column.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<State> {
        let state: State = serde_json::from_slice(bytes).map_err(|e| {
            anyhow::anyhow!(with_fix(
                format!("{}:{}:{}: not a closer probe state: {e}", path.display(), e.line(), e.column()),
                "run `closer probe` to write a new one (or delete the file)"
            ))
        })?;
        if state.format != FORMAT {
            anyhow::bail!(
                "{}: probe state format {} is not {FORMAT}; run `closer probe` to write a new one",
                path.display(),
                state.format
            );
        }
        Ok(state)
    }

    /// The oldest stamp a mirror reports, at its last probe or in its history: no lag is
    /// counted from a primary stamp before it.
    pub fn oldest_stamp(&self) -> Option<i64> {
        self.mirrors.values().flat_map(|m| m.stamp.into_iter().chain(m.history.iter().filter_map(|s| s.stamp))).min()
    }

    /// Writes the state atomically (a reader never sees half a file).
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self).context("cannot encode the probe state")?;
        text.push('\n');
        crate::util::fs::write_atomic(path, text.as_bytes())
    }
}
