//! closer publishes software releases through a network of mirrors with a static site.
//! The pipeline: registry + release tree + content -> digests -> plan -> render -> write.
//! Each stage is a function from values to values; only `write` touches the site.

pub mod announce;
pub mod cache;
pub mod content;
pub mod digest;
pub mod fresh;
pub mod fs;
pub mod manifest;
pub mod metalink;
pub mod pgp;
pub mod plan;
pub mod probe;
pub mod problem;
pub mod registry;
pub mod render;
pub mod scan;
pub mod serve;
pub mod sign;
pub mod status;
pub mod text;
pub mod verify;
pub mod version;
pub mod write;

use anyhow::{Context, Result};
use std::path::PathBuf;

/// Where closer reads and writes.
#[derive(Debug, Clone)]
pub struct Paths {
    pub registry: PathBuf,
    pub dist: PathBuf,
    pub content: PathBuf,
    pub templates: PathBuf,
    pub out: PathBuf,
    pub cache: PathBuf,
    /// Secret key that signs the site's checksum lists (overrides `primary.signing_key`).
    pub site_key: Option<PathBuf>,
    /// The probe state `closer probe` writes (`probe.json` beside the registry).
    pub probe: PathBuf,
}

/// Build everything and write the site, or only check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Build,
    /// Everything but the site: the mirror lists and the stamp.
    Lists,
    Check,
    /// Build the site but leave the release tree alone (`closer serve`).
    Preview,
}

/// What a run did.
#[derive(Debug)]
pub struct Report {
    pub projects: usize,
    pub current_releases: usize,
    pub archived_releases: usize,
    pub artifacts: usize,
    pub mirrors: usize,
    pub site_files: usize,
    pub digest: digest::Stats,
    pub verify: verify::Stats,
    pub written: Option<write::Written>,
    /// What happened to the mirror lists in the release tree (builds only).
    pub lists: Option<write::ListsWritten>,
    /// Fingerprint of the site key that signed the checksum lists.
    pub site_key: Option<String>,
}

/// `SOURCE_DATE_EPOCH`, when set: the time reproducible builds state.
fn source_date_epoch() -> Result<Option<i64>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v.trim().parse::<i64>().map(Some).with_context(|| {
            format!("SOURCE_DATE_EPOCH={v:?} is not a number of seconds since 1970 (unset it or fix it)")
        }),
        Err(_) => Ok(None),
    }
}

/// The time the site states as its own: `SOURCE_DATE_EPOCH` when set, else the newest
/// modification time among the inputs, so identical inputs give an identical site.
fn generated_at(paths: &Paths, tree: &scan::Tree, content: &content::Content) -> Result<i64> {
    if let Some(t) = source_date_epoch()? {
        return Ok(t);
    }
    use std::os::unix::fs::MetadataExt;
    let mtime = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.mtime()).unwrap_or(0);
    let mut newest = mtime(&paths.registry).max(content.newest_mtime);
    if let Ok(entries) = std::fs::read_dir(&paths.templates) {
        for e in entries.flatten() {
            newest = newest.max(mtime(&e.path()));
        }
    }
    for p in tree.projects.values() {
        if let Some(k) = &p.keys {
            newest = newest.max(k.stat.mtime);
        }
        for r in &p.releases {
            for a in &r.artifacts {
                newest = newest.max(a.file.stat.mtime);
                if let Some(s) = &a.asc {
                    newest = newest.max(s.stat.mtime);
                }
            }
        }
    }
    Ok(newest)
}

/// The key that signs the site's checksum lists: `--site-key`, else `primary.signing_key`
/// (relative to the registry's directory). Its passphrase, if any, comes from the
/// environment variable `CLOSER_SITE_KEY_PASSPHRASE`.
fn load_site_key(paths: &Paths, registry: &registry::Registry) -> Result<Option<pgp::SigningKey>> {
    let path = match (&paths.site_key, &registry.primary.signing_key) {
        (Some(p), _) => p.clone(),
        (None, Some(p)) => paths.registry.parent().unwrap_or(std::path::Path::new(".")).join(p),
        (None, None) => return Ok(None),
    };
    let pass = match std::env::var("CLOSER_SITE_KEY_PASSPHRASE") {
        Ok(p) => pgp::Passphrase::Given(p),
        Err(_) => pgp::Passphrase::None,
    };
    pgp::load_signing_key(&path, pass)
        .map(Some)
        .with_context(|| format!("cannot use the site key `{}`", path.display()))
}

/// The artifacts of current releases (those on the mirrors), with the start of their
/// SHA-512, for the `since` stamps.
fn current_files(tree: &scan::Tree, plan: &plan::Plan) -> Vec<(String, String)> {
    let mut v = Vec::new();
    for p in tree.projects.values() {
        let Some(pp) = plan.project(&p.name) else { continue };
        for &i in &pp.current {
            for a in &p.releases[i].artifacts {
                let sum = a.file.digests.as_ref().map(|d| digest::hex(&d.sha512[..16])).unwrap_or_default();
                v.push((a.file.rel.clone(), sum));
            }
        }
    }
    v
}

/// The inputs, read, checked and planned: everything but the outputs.
pub struct Analysis {
    pub registry: registry::Registry,
    pub tree: scan::Tree,
    pub content: content::Content,
    pub plan: plan::Plan,
    pub problems: problem::Problems,
    pub digest: digest::Stats,
    pub verify: verify::Stats,
}

/// The stages every command that looks at releases shares: registry, scan, content,
/// digests (cached), signatures (cached) and the plan. `tr` hears when each ends.
pub fn analyse(paths: &Paths, tr: &dyn Fn(&str)) -> Result<Analysis> {
    let (registry, mut problems) = registry::Registry::from_disk(&paths.registry)?;
    tr("registry");
    // The release tree and the content pages do not depend on each other.
    let (scanned, loaded) = rayon::join(|| scan::scan(&paths.dist), || content::load(&paths.content));
    let (tree, p) = scanned?;
    problems.extend(p);
    let (content, p) = loaded?;
    problems.extend(p);
    tr("scan+content");
    let (tree, digest, states) = digest::digest(tree, Some(&paths.cache.join("digests")), registry.policy.legacy_md5)?;
    tr("digest");
    problems.extend(manifest::check_uploaded(&tree));
    tr("check_uploaded");
    let (tree, p, verify) = verify::verify(tree, &states, Some(&paths.cache.join("signatures")))?;
    drop(states);
    problems.extend(p);
    tr("verify");
    let (plan, p) = plan::plan(&registry, &tree, &content);
    problems.extend(p);
    Ok(Analysis { registry, tree, content, plan, problems, digest, verify })
}

/// Runs the pipeline. `Err` holding [`problem::ProblemsFound`] means the inputs have
/// problems (exit 1); any other `Err` means an input could not be read (exit 2).
pub fn run(paths: &Paths, mode: Mode) -> Result<Report> {
    // CLOSER_TIMINGS=1 prints when each stage ends, for profiling.
    let t0 = std::time::Instant::now();
    let timings = std::env::var_os("CLOSER_TIMINGS").is_some();
    let tr = |stage: &str| {
        if timings {
            // The peak resident memory so far, from /proc.
            let hwm = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l[6..].trim().to_string()))
                .unwrap_or_default();
            // CPU time so far (user + system, all threads): against the wall clock it
            // shows how well a stage uses the cores.
            // SAFETY: getrusage only writes the struct it is given.
            let cpu = unsafe {
                let mut ru: libc::rusage = std::mem::zeroed();
                libc::getrusage(libc::RUSAGE_SELF, &mut ru);
                let ms = |t: libc::timeval| t.tv_sec as f64 * 1000.0 + t.tv_usec as f64 / 1000.0;
                (ms(ru.ru_utime), ms(ru.ru_stime))
            };
            eprintln!(
                "{:>9.1} ms  user {:>7.1} ms  sys {:>7.1} ms  {hwm:>12}  {stage}",
                t0.elapsed().as_secs_f64() * 1000.0,
                cpu.0,
                cpu.1
            );
        }
    };
    let templates = render::load_templates(Some(&paths.templates))?;
    tr("templates");
    let Analysis { registry, tree, content, plan, problems, digest: digest_stats, verify: verify_stats } =
        analyse(paths, &tr)?;
    if !problems.is_empty() {
        return Err(problem::ProblemsFound(problems.sorted()).into());
    }

    let site_key = load_site_key(paths, &registry)?;
    // The clock for a new stamp (`SOURCE_DATE_EPOCH` stands in for it in tests).
    let now = match source_date_epoch()? {
        Some(t) => t,
        None => {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
        }
    };
    // The lists and the stamp are decided first: the pages carry the stamp at which each
    // file appeared, and which mirror already serves it.
    let prepared = write::prepare_lists(
        &tree.root,
        &paths.cache.join("lists"),
        manifest::lists_fingerprint(&registry, &tree, &plan),
        || manifest::mirror_lists(&registry, &tree, &plan),
        now,
        site_key.as_ref(),
        matches!(mode, Mode::Check | Mode::Preview),
    )?;
    let old_since = crate::fs::read_optional(&tree.root.join(fresh::SINCE_FILE))?
        .map(|b| fresh::Since::parse(&String::from_utf8_lossy(&b)))
        .unwrap_or_default();
    let since = old_since.next(current_files(&tree, &plan), prepared.stamp);
    // Only the pages need the probe state; refreshing the lists must not depend on it.
    let probe_state = if mode == Mode::Lists { probe::State::default() } else { probe::State::load(&paths.probe)? };
    let freshness = fresh::assess(&registry, &probe_state, prepared.stamp, &since);
    tr("plan");
    let input = render::Input {
        registry: &registry,
        tree: &tree,
        content: &content,
        plan: &plan,
        generated_at: generated_at(paths, &tree, &content)?.max(freshness.probed_at.unwrap_or(0)),
        site_key: site_key.as_ref(),
        cache_dir: &paths.cache,
        since: &since,
        freshness: &freshness,
    };
    // The site is rendered in check mode too, so template errors are found; it is
    // written as it is rendered, and swapped in only when all of it was.
    let (written, site_files) = match mode {
        Mode::Build | Mode::Preview => {
            let writer = write::SiteWriter::begin(&paths.out)?;
            render::render(&input, &templates, &writer)?;
            let n = writer.count();
            tr("render");
            (Some(writer.finish()?), n)
        }
        Mode::Check => {
            let discard = write::Discard::default();
            render::render(&input, &templates, &discard)?;
            tr("render");
            (None, discard.count())
        }
        Mode::Lists => (None, 0),
    };
    let lists_written = match mode {
        Mode::Build | Mode::Lists => Some(write::commit_lists(
            &tree.root,
            &paths.cache.join("lists"),
            prepared,
            &since.render(),
            &registry.primary.host,
            site_key.as_ref(),
        )?),
        Mode::Check | Mode::Preview => None,
    };
    tr("write");
    Ok(Report {
        projects: tree.projects.len(),
        current_releases: plan.projects.iter().map(|p| p.current.len()).sum(),
        archived_releases: plan.projects.iter().map(|p| p.archived.len()).sum(),
        artifacts: tree.artifacts().count(),
        mirrors: registry.mirrors.len(),
        site_files,
        digest: digest_stats,
        verify: verify_stats,
        written,
        lists: lists_written,
        site_key: site_key.map(|k| k.fingerprint()),
    })
}
