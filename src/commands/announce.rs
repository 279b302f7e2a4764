//! `closer announce <project> <version>`: the announcement mail, in the shape Apache
//! projects send: what was released, where to download it (the site, which picks a
//! mirror), and how to verify it with checksums, signatures and KEYS from the primary.
//! Plain text for a terminal or a mail, so control characters from the inputs are dropped.

use super::{Global, Outcome};
use crate::model::tree::{Project, Release};
use crate::pipeline::Analysis;
use crate::util::arrival::{Grace, UploadClock};
use crate::util::text::{hex, human_size, spaced_fingerprint, url_path};
use anyhow::{Result, bail};
use std::fmt::Write as _;

/// Text safe to print: no control characters but new lines and tabs.
fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect()
}

/// Print the announcement of a release (subject, download page, checksums, KEYS, how to verify).
#[derive(Debug, clap::Args)]
#[command(after_help = "Until `closer status PROJECT VERSION` says safe to announce, nothing is printed \
    on stdout (so `closer announce P V --to LIST | sendmail -t` sends nothing), a warning says why, and \
    the exit code is 1; --force prints it with exit 0.")]
pub struct Args {
    project: String,
    version: String,
    /// Announce even while too few mirrors serve the release (`closer status` says not yet).
    #[arg(long)]
    force: bool,
    /// The mail's `From:` header (`sendmail -t` takes the sender from it).
    #[arg(long, value_name = "ADDRESS")]
    from: Option<String>,
    /// A `To:` header, for each address given (`sendmail -t` sends to them).
    #[arg(long, value_name = "ADDRESS")]
    to: Vec<String>,
}

/// Reads and checks the inputs, then prints the announcement of the release; prints
/// nothing and warns (exit 1 without `--force`) while the mirrors have not caught up: a
/// pipe into `sendmail` must not send a refused announcement.
pub fn run(args: Args, g: &Global) -> Result<Outcome> {
    let a = analysed_for(g, &args.project)?;
    let (p, release) = find(&a, &args.project, &args.version)?;
    for addr in args.from.iter().chain(&args.to) {
        if addr.chars().any(char::is_control) || !addr.contains('@') {
            anyhow::bail!(
                "`{}` is not a mail address; give one such as announce@lists.example.org",
                addr.escape_debug()
            );
        }
    }
    let (subject, body) = announce(&a, p, release)?;
    let text = format!("{}\n{body}", header(&subject, args.from.as_deref(), &args.to));
    let id = release.id();
    let files = crate::plan::coverage::query_files(release);
    let q = super::status::Query { project: &args.project, release: &id, files: &files, threshold: 0.8 };
    // Not in the lists yet, or never probed: not ready either.
    let ready = super::status::serving(&a, &g.paths(), &q).is_ok_and(|(_, met)| met);
    if ready || args.force {
        print!("{text}");
        return Ok(Outcome::Done);
    }
    eprintln!(
        "warning: too few mirrors serve {} {id} yet (`closer status {} {}` says not yet): downloaders would \
         mostly reach the primary; nothing printed\n    fix: wait (`closer status {} {} --wait 2h`), or announce \
         anyway with --force",
        args.project, args.project, args.version, args.project, args.version
    );
    Ok(Outcome::NotYet)
}

/// The inputs, read and checked, when nothing stops `project`'s announcement: a problem
/// of the site (the registry, the primary's files) or of the project itself. Another
/// project's problems hold back that project alone, so they are a warning here.
fn analysed_for(g: &Global, project: &str) -> Result<Analysis> {
    let mut a = crate::pipeline::analyse(&g.paths(), &crate::util::clock::Timings::from_env())?;
    // The problems split by project as a build splits them (the upload grace does not
    // matter here: an announcement waits for none).
    let problems = std::mem::take(&mut a.problems);
    let (mut held, mut mine) = crate::pipeline::isolate::split(
        problems,
        &a.tree.root,
        &g.paths().content,
        &Grace { secs: 0, clock: UploadClock::Arrival },
        0,
    );
    held.remove(project).into_iter().flat_map(|h| h.problems).for_each(|p| mine.push(p));
    if !mine.is_empty() {
        return Err(crate::util::problem::ProblemsFound::new(mine.sorted()).into());
    }
    if !held.is_empty() {
        let names: Vec<&str> = held.keys().map(String::as_str).collect();
        eprintln!(
            "warning: other projects have problems ({}; `closer check` names them); they do not hold back {project}",
            names.join(", ")
        );
    }
    Ok(a)
}

/// The project and release named, when the release is current.
fn find<'a>(a: &'a Analysis, project: &str, version: &str) -> Result<(&'a Project, &'a Release)> {
    let (p, r) = super::find_release(a, project, version)?;
    if !a.plan.is_current(project, &r.id(), &a.tree) {
        bail!("{project} {version} is archived (not on the mirrors); only current releases are announced");
    }
    Ok((p, r))
}

/// A mail's header: who it is from and to, when given (`sendmail -t` reads them), its
/// subject (RFC 2047 words when it is not ASCII), and its body's charset.
fn header(subject: &str, from: Option<&str>, to: &[String]) -> String {
    use base64::Engine;
    let mut h = String::new();
    if let Some(f) = from {
        let _ = writeln!(h, "From: {f}");
    }
    if !to.is_empty() {
        let _ = writeln!(h, "To: {}", to.join(", "));
    }
    let subject: String = subject.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let subject = if subject.is_ascii() {
        subject
    } else {
        format!("=?UTF-8?B?{}?=", base64::engine::general_purpose::STANDARD.encode(subject.as_bytes()))
    };
    let _ = writeln!(h, "Subject: {subject}");
    h.push_str("MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n");
    h
}

/// The announcement of a current release `r` of `p`: its subject and its body.
pub fn announce(a: &Analysis, p: &Project, r: &Release) -> Result<(String, String)> {
    let project = p.name.as_str();
    let reg = &a.registry;
    let site = &reg.primary.site_url;
    let page = a.content.projects.get(project);
    let title = page.and_then(|p| p.matter.title.clone()).unwrap_or_else(|| project.to_string());
    let id = r.id();
    let notes = a.content.release_page(project, &id);
    let release_title =
        notes.and_then(|n| n.matter.title.clone()).unwrap_or_else(|| format!("{title} {}", r.spoken_in(&p.name)));
    let pdir = format!("{site}{}/", url_path(project));
    let rdir = format!("{pdir}{}/", url_path(&id));

    let mut m = String::new();
    let subject;
    if r.is_prerelease() {
        subject = format!("[ANNOUNCE] {release_title} pre-release, for testing");
        let _ = writeln!(m, "{} is pleased to announce {release_title}, a pre-release for testing.", reg.primary.name);
        let stable = a.plan.project(project).and_then(|pp| crate::plan::offered::offered_release(p, pp));
        if let Some(s) = stable.map(|i| &p.releases[i]).filter(|s| !s.is_prerelease()) {
            let _ = writeln!(m, "It is not for production use; the current stable release is {}.", s.id());
        }
    } else {
        subject = format!("[ANNOUNCE] {release_title} released");
        let _ = writeln!(m, "{} is pleased to announce {release_title}.", reg.primary.name);
    }
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
        let _ = writeln!(m, "  {} ({})", art.name(), human_size(art.file.stat.size));
        if let Some(d) = &art.file.digests {
            let _ = writeln!(m, "    SHA-512: {}", hex(&d.sha512));
        }
    }
    verification(&mut m, a, p, r, &pdir, &rdir);
    let _ = writeln!(m, "\nNew releases, as a feed: {pdir}feed.xml");
    let _ = writeln!(m, "\n-- \n{}", reg.primary.name);
    Ok((subject, clean(&m)))
}

/// What the release pages are rendered from, as far as their verify lines need it (no
/// probe, no site key: the mail names SHA512SUMS, not the lines that check it).
fn page_input<'a>(
    a: &'a Analysis,
    since: &'a crate::model::since::Since,
    freshness: &'a crate::plan::fresh::Freshness,
) -> crate::output::render::Input<'a> {
    crate::output::render::Input {
        registry: &a.registry,
        tree: &a.tree,
        content: &a.content,
        logos: &a.logos,
        plan: &a.plan,
        generated_at: 0,
        project_times: Default::default(),
        only: None,
        site_key: None,
        since,
        freshness,
        held: &[],
        previous: None,
        sigstore_root: a.sigstore_root.as_ref(),
    }
}

/// How to verify: KEYS and sums from the primary, the commands the pages show, the signer.
fn verification(m: &mut String, a: &Analysis, p: &Project, r: &Release, pdir: &str, rdir: &str) {
    let primary = &a.registry.primary;
    // The host the links below use.
    let site_host = url::Url::parse(&primary.site_url).ok().and_then(|u| u.host_str().map(String::from));
    let _ = writeln!(
        m,
        "\nVerify what you download. Checksums, signatures and KEYS come from {}, never from a mirror:",
        site_host.as_deref().unwrap_or(&primary.site_url)
    );
    if p.keys.is_some() {
        let _ = writeln!(m, "  KEYS:       {pdir}KEYS");
    }
    let _ = writeln!(m, "  SHA512SUMS: {rdir}SHA512SUMS");
    // The file the project page offers, when this is the release it offers; else this
    // release's source archive.
    let offered = a.plan.project(&p.name).and_then(|pp| crate::plan::offered::offered(p, pp, &a.content));
    let pick = match offered {
        Some(o) if std::ptr::eq(o.release(p), r) => Some(o.artifact),
        _ => crate::util::platform::source_archive(r.artifacts.iter().map(|a| a.name()), &p.name),
    };
    // The lines the release page shows for that file, in every form it is signed in
    // (OpenPGP, Sigstore, minisign, cosign, signify, SSH): the same words in the mail.
    let (since, freshness) = Default::default();
    let input = page_input(a, &since, &freshness);
    if let Some(v) = input.verify_lines(p, r, pick) {
        let gpg = (!v.gpg.is_empty())
            .then(|| if v.keys.is_empty() { v.gpg.clone() } else { format!("{}\n{}", v.keys, v.gpg) });
        let signed = [&v.sigstore, &v.minisign, &v.cosign, &v.signify, &v.ssh].into_iter().flatten();
        let _ = writeln!(m);
        for line in std::iter::once(&v.sha512).chain(gpg.as_ref()).chain(signed).flat_map(|b| b.lines()) {
            let _ = writeln!(m, "  {line}");
        }
        if let Some(by) = &v.sigstore_by {
            let _ = writeln!(m, "\nThe release is signed with Sigstore by {by}.");
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
