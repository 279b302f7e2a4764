//! `closer announce <project> <version>`: the announcement mail, in the shape Apache
//! projects send: what was released, where to download it (the site, which picks a
//! mirror), and how to verify it with checksums, signatures and KEYS from the primary.
//! Plain text for a terminal or a mail, so control characters from the inputs are dropped.

use super::{Global, Outcome};
use crate::model::tree::{Project, Release};
use crate::output::render::verify_commands;
use crate::pipeline::Analysis;
use crate::util::text::{hex, human_size, spaced_fingerprint, url_path};
use anyhow::{Result, bail};
use std::fmt::Write as _;

/// Text safe to print: no control characters but new lines and tabs.
fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect()
}

/// Print the announcement of a release (subject, download page, checksums, KEYS, how to verify).
#[derive(Debug, clap::Args)]
pub struct Args {
    project: String,
    version: String,
}

/// Reads and checks the inputs, then prints the announcement of the release.
pub fn run(args: Args, g: &Global) -> Result<Outcome> {
    let a = super::analysed(g)?;
    print!("{}", announce(&a, &args.project, &args.version)?);
    Ok(Outcome::Done)
}

/// The project and release named, when the release is current.
fn find<'a>(a: &'a Analysis, project: &str, version: &str) -> Result<(&'a Project, &'a Release)> {
    let (p, r) = super::find_release(a, project, version)?;
    if !a.plan.is_current(project, &r.id(), &a.tree) {
        bail!("{project} {version} is archived (not on the mirrors); only current releases are announced");
    }
    Ok((p, r))
}

/// The announcement of a current release.
pub fn announce(a: &Analysis, project: &str, version: &str) -> Result<String> {
    let (p, r) = find(a, project, version)?;
    let reg = &a.registry;
    let site = &reg.primary.site_url;
    let page = a.content.projects.get(project);
    let title = page.and_then(|p| p.matter.title.clone()).unwrap_or_else(|| project.to_string());
    let id = r.id();
    let notes = a.content.releases.get(&(project.to_string(), id.clone()));
    let release_title =
        notes.and_then(|n| n.matter.title.clone()).unwrap_or_else(|| format!("{title} {}", id.replace('/', " ")));
    let pdir = format!("{site}{}/", url_path(project));
    let rdir = format!("{pdir}{}/", url_path(&id));

    let mut m = String::new();
    let _ = writeln!(m, "Subject: [ANNOUNCE] {release_title} released\n");
    let _ = writeln!(m, "{} is pleased to announce {release_title}.", reg.primary.name);
    if let Some(d) = page.and_then(|p| p.matter.description.as_deref()) {
        let _ = writeln!(m, "\n{d}");
    }
    if let Some(h) = page.and_then(|p| p.matter.homepage.as_deref()) {
        let _ = writeln!(m, "Project home: {h}");
    }
    if let Some(n) = notes {
        // The notes were read a moment ago; one that cannot be read now is an error.
        let text = crate::util::fs::read_to_string(&n.path)?;
        let body = crate::input::content::body(&text).trim();
        if !body.is_empty() {
            let _ = writeln!(m, "\nRelease notes:\n\n{body}");
        }
    }
    let _ = writeln!(m, "\nDownload it from a mirror near you:\n  {pdir}");
    let _ = writeln!(m, "Release page: {rdir}");
    let _ = writeln!(m, "\nFiles:");
    for art in &r.artifacts {
        let _ = writeln!(m, "  {} ({})", art.name, human_size(art.file.stat.size));
        if let Some(d) = &art.file.digests {
            let _ = writeln!(m, "    SHA-512: {}", hex(&d.sha512));
        }
    }
    verification(&mut m, a, p, r, &pdir, &rdir);
    let _ = writeln!(m, "\nNew releases, as a feed: {pdir}feed.xml");
    let _ = writeln!(m, "\n-- \n{}", reg.primary.name);
    Ok(clean(&m))
}

/// How to verify: KEYS and sums from the primary, the commands the pages show, the signer.
fn verification(m: &mut String, a: &Analysis, p: &Project, r: &Release, pdir: &str, rdir: &str) {
    let primary = &a.registry.primary;
    let _ = writeln!(
        m,
        "\nVerify what you download. Checksums, signatures and KEYS come from {}, never from a mirror:",
        primary.host
    );
    if p.keys.is_some() {
        let _ = writeln!(m, "  KEYS:       {pdir}KEYS");
    }
    let _ = writeln!(m, "  SHA512SUMS: {rdir}SHA512SUMS");
    if let Some(art) = r.artifacts.first() {
        let cmds = verify_commands(&primary.site_url, &primary.dist_url, &p.name, &r.id(), art);
        let mut lines = cmds.sha512;
        if p.keys.is_some() && art.asc.is_some() {
            lines = format!("{lines}\n{}\n{}", cmds.keys, cmds.gpg);
        }
        let _ = writeln!(m);
        for line in lines.lines() {
            let _ = writeln!(m, "  {line}");
        }
    }
    if let Some(sig) = r.artifacts.iter().find_map(|a| a.signature.as_ref()).filter(|s| s.fingerprint.is_some()) {
        let _ = writeln!(
            m,
            "\nThe release is signed by {}{}.",
            sig.user_id.as_deref().unwrap_or("a key in KEYS"),
            sig.fingerprint.as_deref().map(|f| format!(", fingerprint {}", spaced_fingerprint(f))).unwrap_or_default()
        );
    }
}
