//! The site key, which signs the checksum lists and the mirror lists: `--site-key`, else
//! `primary.signing_key` in the registry (relative to the registry's directory), its
//! passphrase from `CLOSER_SITE_KEY_PASSPHRASE`.

use crate::check::pgp::{self, SigningKey};
use crate::input::registry::Registry;
use anyhow::{Context, Result};
use std::path::Path;

/// Loads the site key, if one is set.
pub fn load(given: Option<&Path>, registry_path: &Path, registry: &Registry) -> Result<Option<SigningKey>> {
    let path = match (given, &registry.primary.signing_key) {
        (Some(p), _) => p.to_path_buf(),
        (None, Some(p)) => registry_path.parent().unwrap_or(Path::new(".")).join(p),
        (None, None) => return Ok(None),
    };
    let pass = match std::env::var("CLOSER_SITE_KEY_PASSPHRASE") {
        Ok(p) => pgp::Passphrase::Given(p),
        Err(_) => pgp::Passphrase::None,
    };
    let missing = given.is_none() && !path.exists();
    pgp::load_signing_key(&path, pass).map(Some).with_context(|| {
        let mut e = format!("cannot use the site key `{}`", path.display());
        if missing {
            // A fresh clone: `closer init`'s .gitignore keeps keys/ out of git.
            e = crate::util::problem::with_fix(
                e,
                concat!(
                    "the site key is a secret kept out of git (keys/ is ignored): on the machine that builds, ",
                    "give its path with --site-key PATH (e.g. /srv/closer/site-key.asc), or copy it to that path"
                ),
            );
        }
        e
    })
}
