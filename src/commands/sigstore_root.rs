//! `closer sigstore-root`: writes the Sigstore trusted root that builds verify bundles
//! against, offline. The build never fetches it: a root changes only when a person runs
//! this command (and commits the file), so every build of the same inputs judges the
//! same bundles the same way.

use super::{Global, Outcome};
use anyhow::{Context, Result};
use std::path::PathBuf;

/// Write the Sigstore trusted root (`policy.sigstore_root`) that bundles are verified against.
#[derive(Debug, clap::Args)]
#[command(after_help = "Without --from, writes the public Sigstore instance's root that \
    this closer was built with. With --from, checks a trusted_root.json you obtained yourself \
    (`sigstore` or `cosign trusted-root` refresh one through Sigstore's TUF repository) and \
    writes it. Prints the authorities it holds, and the line mirrors.yaml needs. \
    Exit 0 when written, 2 when the file is not a trusted root.")]
pub struct Args {
    /// Where to write it [default: what `policy.sigstore_root` names, else sigstore-root.json beside the registry].
    #[arg(long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// A trusted_root.json to check and write instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
}

pub fn run(args: Args, g: &Global) -> Result<Outcome> {
    let registry_path = g.paths().registry;
    // Only `policy.sigstore_root` is read of the registry: a registry still being set up
    // (no `rsync_url` yet) does not stop the root from being written. None at all is fine
    // (the root is written beside where it will be); one that is no YAML is refused.
    let named = match registry_path.exists() {
        true => root_named(&registry_path)?,
        false => None,
    };
    let beside = registry_path.parent().unwrap_or(std::path::Path::new(".")).to_path_buf();
    let out = args.file.clone().unwrap_or_else(|| beside.join(named.as_deref().unwrap_or("sigstore-root.json")));
    let text = match &args.from {
        Some(from) => crate::util::fs::read_to_string(from)?,
        None => crate::check::sigstore::EMBEDDED_ROOT.to_string(),
    };
    let source =
        args.from.as_ref().map_or("the built-in public Sigstore root".to_string(), |f| f.display().to_string());
    // The crate's error says its cause and chains it too: its text alone, said once.
    let root: sigstore_trust_root::TrustedRoot = sigstore_trust_root::TrustedRoot::from_json(&text)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("{source} is not a Sigstore trusted root (trusted_root.json)"))?;
    crate::check::sigstore::Root::parse(&text).with_context(|| format!("{source} cannot verify anything"))?;
    let old = std::fs::read_to_string(&out).ok();
    crate::util::fs::write_atomic(&out, text.as_bytes())?;
    if !g.quiet {
        let changed = match old {
            Some(o) if o == text => "unchanged",
            Some(_) => "replaced",
            None => "new",
        };
        println!("wrote {} ({changed}) from {source}", out.display());
        for line in summary(&root) {
            println!("  {line}");
        }
        if named.is_none() {
            let rel = out.strip_prefix(&beside).unwrap_or(&out);
            println!("next: set `sigstore_root: {}` under policy: in {}", rel.display(), registry_path.display());
        }
    }
    Ok(Outcome::Done)
}

/// What the registry's `policy.sigstore_root` names, read without checking the rest.
fn root_named(registry: &std::path::Path) -> Result<Option<String>> {
    let text = crate::util::fs::read_to_string(registry)?;
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text)
        .with_context(|| format!("{} is not YAML: fix it, or give the root's file", registry.display()))?;
    Ok(yaml.get("policy").and_then(|p| p.get("sigstore_root")).and_then(|v| v.as_str()).map(str::to_string))
}

/// One line per authority: what it is and when it is valid.
fn summary(root: &sigstore_trust_root::TrustedRoot) -> Vec<String> {
    let when = |v: &Option<sigstore_types::TimeRange>| match v {
        Some(r) => format!(
            "{} to {}",
            r.start.strftime("%Y-%m-%d"),
            r.end.map_or("now".into(), |e| e.strftime("%Y-%m-%d").to_string())
        ),
        None => "always".into(),
    };
    let mut out = Vec::new();
    for ca in &root.certificate_authorities {
        out.push(format!("certificate authority {} ({})", ca.uri, when(&ca.valid_for)));
    }
    for log in &root.tlogs {
        out.push(format!("transparency log {} ({})", log.base_url, when(&log.public_key.valid_for)));
    }
    for log in &root.ctlogs {
        out.push(format!("certificate log {} ({})", log.base_url, when(&log.public_key.valid_for)));
    }
    for tsa in &root.timestamp_authorities {
        out.push(format!("timestamp authority {} ({})", tsa.uri.as_deref().unwrap_or("?"), when(&tsa.valid_for)));
    }
    out
}
