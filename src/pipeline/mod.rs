//! The driver: the stages called in order for every command that reads the release
//! tree. [`analyse`] reads, checks and plans (what `releases`, `copies`, `status` and
//! `announce` need); [`run`] goes on to the outputs (`build`, `check`, `serve`). The
//! stages themselves live in their folders; ARCHITECTURE.md draws the whole.

pub mod isolate;
pub mod removal;

use crate::check::{self, digest, verify};
use crate::model::held::Held;
use crate::model::run::{Mode, Paths};
use crate::model::since::{Entry, Since};
use crate::output::commit::Written;
use crate::output::render::Input;
use crate::util::clock::Timings;
use crate::util::problem::{Problems, ProblemsFound};
use crate::{input, model, output, plan, util};
use anyhow::Result;

/// What a run did.
#[derive(Debug)]
pub struct BuildReport {
    pub projects: usize,
    pub current_releases: usize,
    pub archived_releases: usize,
    pub artifacts: usize,
    pub mirrors: usize,
    pub site_files: usize,
    pub digest: digest::DigestStats,
    pub verify: verify::VerifyStats,
    pub written: Option<Written>,
    /// Was the site rendered? Not when the one on disk was made from the same inputs.
    pub site_rendered: bool,
    /// What happened to the mirror lists in the release tree (builds only).
    pub lists: Option<output::lists::ListsWritten>,
    /// Fingerprint of the site key that signed the checksum lists.
    pub site_key: Option<String>,
    /// What the build accepted but the operator should see (copies short of the goal
    /// that `policy.copies_min_ok` allows).
    pub warnings: Vec<String>,
    /// What changed since the last build that the operator should hear of.
    pub news: News,
    /// The projects held back by their problems (their last good state published).
    pub held: Vec<Held>,
    /// The tree, its plan and stamps, which the report no longer needs.
    pub leftovers: Leftovers,
}

/// What a run leaves to free: the tree, its plan and its stamps, a million files' worth
/// of small allocations that take a tenth of a second to free one by one. A command that
/// ends right after [`Leftovers::leave`]s them to the end of the process, which frees
/// them at once; a long-running one (`serve`) drops them.
#[derive(Default)]
pub struct Leftovers {
    _kept: Option<Box<(Analysis, Since)>>,
}

impl Leftovers {
    /// Leaves them to the end of the process: not freed one by one.
    pub fn leave(self) {
        std::mem::forget(self);
    }
}

impl std::fmt::Debug for Leftovers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Leftovers")
    }
}

/// The inputs, read, checked and planned: everything but the outputs.
pub struct Analysis {
    pub registry: input::registry::Registry,
    pub tree: model::tree::Tree,
    pub content: input::content::Content,
    /// Sponsors' logos, checked, by mirror id.
    pub logos: input::logos::Logos,
    pub plan: plan::Plan,
    pub problems: Problems,
    pub digest: digest::DigestStats,
    pub verify: verify::VerifyStats,
    /// The digest and signature caches, being written while the command goes on.
    pub cache_writes: check::cache::CacheWrites,
    /// The Sigstore trusted root the registry pins, when it reads.
    pub sigstore_root: Option<check::sigstore::PinnedRoot>,
}

/// The stages every command that looks at releases shares: registry, scan, content,
/// digests (cached), signatures (cached) and the plan.
pub fn analyse(paths: &Paths, timings: &Timings) -> Result<Analysis> {
    analyse_with(paths, timings, false)
}

/// [`analyse`], also hashing BitTorrent pieces (in the same read) when `pieces`: a
/// build that writes the site needs them for the `.torrent` files; checks and the
/// mirror lists do not, so they do not pay for them.
pub fn analyse_with(paths: &Paths, timings: &Timings, pieces: bool) -> Result<Analysis> {
    let (registry, mut problems) = input::registry::Registry::from_disk(&paths.registry)?;
    let ids: Vec<&str> = registry.mirrors.iter().map(|m| m.id.as_str()).collect();
    let (logos, p) = input::logos::load(&paths.logos, &ids);
    problems.extend(p);
    timings.stage("registry");
    let registry_name = paths.registry.display().to_string();
    let pages = input::content::project_layouts(&paths.content);
    let (rules, p) = input::layout::Rules::compile(&registry.policy.layout, &registry_name, &pages);
    problems.extend(p);
    // The release tree and the content pages do not depend on each other.
    let (scanned, loaded) = rayon::join(
        || input::tree::scan(&paths.dist, &registry.policy.notes_set, &rules),
        || input::content::load(&paths.content),
    );
    let (mut tree, p) = scanned?;
    problems.extend(p);
    let (content, p) = loaded?;
    problems.extend(p);
    content.mark_development(&mut tree);
    timings.stage("scan+content");
    let mut cache_writes = check::cache::CacheWrites::default();
    let digests = Some(paths.cache.join("digests"));
    let (tree, digest, states) =
        digest::digest(tree, digests.as_deref(), &mut cache_writes, registry.policy.legacy_md5, pieces)?;
    timings.stage("digest");
    digest.unreadable_problems(&tree.root).into_iter().for_each(|p| problems.push(p));
    problems.extend(check::uploaded::check_uploaded(&tree));
    timings.stage("check_uploaded");
    let (tree, p, mut verify) =
        verify::verify(tree, &states, Some(&paths.cache.join("signatures")), &mut cache_writes)?;
    drop(states);
    problems.extend(p);
    timings.stage("verify");
    let root = sigstore_root(paths, &registry, &mut problems);
    let sigstore = Some(paths.cache.join("sigstore"));
    let (tree, n) = check::sigstore::verify(tree, root.as_ref(), sigstore.as_deref(), &mut cache_writes)?;
    verify.sigstore_checked = n;
    let minisign = Some(paths.cache.join("minisign"));
    let (tree, n, p) = check::minisign::verify(tree, &content, minisign.as_deref(), &mut cache_writes)?;
    verify.minisign_checked = n;
    problems.extend(p);
    problems.extend(check::companions::check(&tree, root.as_ref()));
    let mut tree = tree;
    let base = paths.registry.parent().unwrap_or(std::path::Path::new("."));
    problems.extend(check::source::compare(&mut tree, &content, base, &paths.cache.join("tags.json")));
    let tree = match registry.policy.profile.filter(|p| plan::profile::reads_archives(*p)) {
        Some(_) => check::archive::read_all(tree, Some(&paths.cache.join("archives")), &mut cache_writes),
        None => tree,
    };
    timings.stage("sigstore");
    let (mut plan, p) = plan::plan(&registry, &tree, &content);
    problems.extend(p);
    // (A partial mirror's last list, `zzz/lists/fullfiletimelist-<id>`: the projects of
    // the files it names.)
    let carries_now = |id: &str| {
        let list = tree.root.join(format!("zzz/lists/fullfiletimelist-{id}"));
        let text = std::fs::read_to_string(list).unwrap_or_default();
        let files = text.lines().filter_map(|l| l.split('\t').collect::<Vec<_>>().get(1..4).map(<[_]>::to_vec));
        let mut projects: Vec<String> =
            files.filter(|f| f[0] == "f").filter_map(|f| f[2].split('/').next().map(str::to_string)).collect();
        projects.dedup();
        projects
    };
    let (p, warnings) = plan::mirrors_without_projects(&registry, &tree, &carries_now);
    problems.extend(p);
    plan.warnings.extend(warnings);
    timings.stage("releases+copies");
    let sigstore_root = root.map(|r| r.pinned);
    Ok(Analysis { registry, tree, content, logos, plan, problems, digest, verify, cache_writes, sigstore_root })
}

/// Runs the pipeline. A project with problems is held (its last good state published in
/// its place, `isolate`) unless `strict` or in `check`, where any problem stops the run.
/// `Err` holding [`ProblemsFound`] means the inputs have problems that hold everything
/// (exit 1); any other `Err` means an input could not be read (exit 2).
pub fn run(paths: &Paths, mode: Mode, strict: bool, allow_removal: bool) -> Result<BuildReport> {
    let timings = Timings::from_env();
    // Templates first, so a typo in one is found even when the inputs have problems.
    let templates = match mode {
        Mode::Lists => None,
        _ => Some(output::render::load_templates(Some(&paths.templates))?),
    };
    timings.stage("templates");
    let (mut a, old_since, retired) = analyse_and_read_stamps(paths, &timings, mode)?;
    if matches!(mode, Mode::Build | Mode::Lists) && !allow_removal {
        removal::guard(&paths.cache, &a.tree)?;
    }
    // The digest and signature caches are written while the build goes on.
    let cache_writes = std::mem::take(&mut a.cache_writes);
    let mut held = hold(paths, &mut a, mode == Mode::Check || strict, [old_since.as_ref(), retired.as_ref()])?;
    timings.stage("hold");
    let site_key = site_key(paths, &a.registry, mode, &mut a.plan.warnings)?;
    let (registry, tree, plan) = (&a.registry, &a.tree, &a.plan);
    // The lists and the stamp are decided first: the pages carry the stamp at which each
    // file appeared, and which mirror already serves it.
    let state = paths.cache.join("lists");
    let cx = lists_context(&a, &state, site_key.as_ref(), mode)?;
    timings.stage("lists fingerprint");
    let prepared = output::lists::prepare_lists(registry, tree, plan, &cx)?;
    timings.stage("lists made");
    let (since, news, gone) = next_since(old_since, &a, prepared.stamp);
    let mirrors = judge_mirrors(paths, mode, (registry, &plan.copies), &tree.root, prepared.stamp, &since)?;
    let freshness = &mirrors.freshness;
    timings.stage("plan");
    let site = match &templates {
        Some(templates) => {
            let mut input = site_input(paths, &a, site_key.as_ref(), &since, freshness)?;
            input.held = &held;
            output::site::build(paths, mode, &input, templates, (&cx.fingerprint, prepared.stamp), &timings)?
        }
        None => output::site::SiteDone::none(),
    };
    let lists = match mode {
        Mode::Build | Mode::Lists => Some(output::lists::commit_lists(
            &tree.root,
            &state,
            prepared,
            &since,
            &registry.primary.host,
            site_key.as_ref(),
        )?),
        Mode::Check | Mode::Preview => None,
    };
    site.remember(&paths.out)?;
    let mut warnings = [plan::copies::shortfall_warnings(registry, &plan.copies), plan.warnings.clone()].concat();
    if let Some(stamp) = lists.as_ref().map(|l| l.stamp) {
        warnings.extend(expired_index(site_key.is_some(), registry.policy.valid_for_secs as i64)?);
        output::held::remember_good(&paths.cache, &tree.projects, &a.content, &held)?;
        retire(&paths.cache.join(RETIRED), retired, gone, &since)?;
        mirrors.remember(paths, &tree.root, &since, stamp)?;
        warnings.extend(output::held::remember_held(&paths.cache, &mut held, registry.policy.notify.as_deref())?);
    }
    timings.stage("write");
    let report = BuildReport {
        projects: tree.projects.len(),
        current_releases: plan.projects.iter().map(|p| p.current.len()).sum(),
        archived_releases: plan.projects.iter().map(|p| p.archived.len()).sum(),
        artifacts: tree.artifacts().count(),
        mirrors: registry.mirrors.len(),
        site_files: site.files,
        digest: a.digest.clone(),
        verify: a.verify,
        written: site.written,
        site_rendered: site.rendered,
        lists,
        site_key: site_key.map(|k| k.fingerprint()),
        warnings,
        news,
        held,
        leftovers: Leftovers { _kept: Some(Box::new((a, since))) },
    };
    cache_writes.finish()?;
    timings.stage("caches written");
    Ok(report)
}

/// The site key, if one is set. A check verifies and writes nothing: it goes on without a
/// site key it cannot read (a fresh clone, where keys/ is not in git; a release manager on
/// a shared primary, where the key is its owner's alone), with a warning saying so. Only a
/// build needs the secret.
fn site_key(
    paths: &Paths,
    registry: &input::registry::Registry,
    mode: Mode,
    warnings: &mut Vec<String>,
) -> Result<Option<crate::check::pgp::SigningKey>> {
    match output::site_key::load(paths.site_key.as_deref(), &paths.registry, registry) {
        Err(e) if mode == Mode::Check => {
            let said = e.to_string();
            let first = said.lines().next().unwrap_or(&said);
            warnings.push(format!("{first}: checked without it (nothing was signed); a build needs it"));
            Ok(None)
        }
        key => key,
    }
}

/// The mirrors as the last probe found them, and what judging them read.
struct Mirrors {
    freshness: plan::fresh::Freshness,
    /// The stamps the primary published (`zzz/stamps`), as the last build recorded them.
    published: std::collections::BTreeSet<i64>,
    /// The oldest stamp a probed mirror reports: older published stamps are not kept.
    oldest: Option<i64>,
    /// What each mirror carries from when, after this build (`freshness.from` is of it).
    carried: model::carried::Carried,
}

impl Mirrors {
    /// Records, with the lists committed, the stamps published and what each mirror
    /// carries from when.
    fn remember(&self, paths: &Paths, root: &std::path::Path, since: &Since, stamp: i64) -> Result<()> {
        self.carried.write_if_changed(&paths.cache.join(model::carried::CARRIED_FILE))?;
        model::published::record(root, &self.published, since.stamps().chain([stamp]), self.oldest)
    }
}

/// Judges the mirrors from the probe state, the stamp this build publishes, `since`, the
/// stamps published before and what each mirror carries from when. Only the pages need the probe state: refreshing the
/// lists alone does not read it (and must not depend on it).
fn judge_mirrors(
    paths: &Paths,
    mode: Mode,
    (registry, copies): (&input::registry::Registry, &plan::copies::Copies),
    root: &std::path::Path,
    stamp: i64,
    since: &Since,
) -> Result<Mirrors> {
    let state = match mode {
        Mode::Lists => input::probe_state::State::default(),
        _ => input::probe_state::State::load(&paths.probe)?,
    };
    let published = model::published::read(root)?;
    let mut freshness = plan::fresh::assess(registry, &state, stamp, since, &published);
    let old = model::carried::Carried::read(&paths.cache.join(model::carried::CARRIED_FILE))?;
    let carried = plan::copies::carried::next_carried(old.as_ref(), registry, copies, stamp);
    plan::copies::carried::judge(&mut freshness, &carried, (registry, copies), &state);
    Ok(Mirrors { freshness, published, oldest: state.oldest_stamp(), carried })
}

/// The inputs analysed, with the stamps of the last build and the record of files
/// retired, which are read on a thread meanwhile (they depend on nothing else, and the
/// analysis leaves a core idle after its scan).
fn analyse_and_read_stamps(
    paths: &Paths,
    timings: &Timings,
    mode: Mode,
) -> Result<(Analysis, Option<Since>, Option<Since>)> {
    let (a, olds) = std::thread::scope(|s| {
        let olds = s.spawn(|| (Since::read(&paths.dist), Since::read_file(&paths.cache.join(RETIRED))));
        let a = analyse_with(paths, timings, matches!(mode, Mode::Build | Mode::Preview));
        (a, olds.join())
    });
    let (old_since, retired) = olds.map_err(|_| anyhow::anyhow!("reading the stamps of the last build failed"))?;
    Ok((a?, old_since?, retired?))
}

/// Closer's record (in its cache, in `since`'s form) of the artifacts published that
/// have since left the mirrors (archived, or removed from the tree): one with other bytes
/// now is a version published twice.
pub const RETIRED: &str = "retired";

/// Adds the files this build found removed (`gone`) to the record at `path`, and
/// forgets those back in the lists with the bytes they had.
fn retire(path: &std::path::Path, retired: Option<Since>, gone: Vec<Entry>, since: &Since) -> Result<()> {
    if retired.is_none() && gone.is_empty() {
        return Ok(());
    }
    let mut retired = retired.unwrap_or_default();
    retired.extend(gone);
    retired.retain(|e| since.sum(&e.rel).is_none_or(|now| now != e.sum));
    retired.write_file_if_changed(path).map(|_| ())
}

/// The `since` stamps after this build: the current files' (new ones at `stamp`), and
/// the old stamps of entries carried for held projects; and the entries of the files
/// removed from the tree.
fn next_since(old: Option<Since>, a: &Analysis, stamp: i64) -> (Since, News, Vec<Entry>) {
    let (tree, plan) = (&a.tree, &a.plan);
    let mut news = news(a, old.as_ref());
    let carried = tree.carried.values().flatten().map(|e| e.path.as_str());
    let kept = old.as_ref().map(|s| s.entries_of(carried)).unwrap_or_default();
    let current = || plan::fresh::current_files(tree, plan);
    let (mut since, rest) = old.unwrap_or_default().next(current().count(), current(), stamp);
    let gone;
    (news.removed, gone) = removed(&tree.root, rest, &kept);
    since.extend(kept);
    (since, news, gone)
}

/// Decides what the problems hold: with `all_or_nothing` (`check`, `build --strict`)
/// any problem stops the run; otherwise each project with problems is held and its last
/// good state put in its place, and only problems outside every project stop the run.
fn hold(
    paths: &Paths,
    a: &mut Analysis,
    all_or_nothing: bool,
    [old, retired]: [Option<&Since>; 2],
) -> Result<Vec<Held>> {
    let mut changed = old.map(|since| isolate::changed_since_published(&a.tree, since, false)).unwrap_or_default();
    changed.extend(retired.map(|r| isolate::changed_since_published(&a.tree, r, true)).unwrap_or_default());
    changed.iter().for_each(|(_, p)| a.problems.push(p.clone()));
    if a.problems.is_empty() {
        return Ok(Vec::new());
    }
    let now = util::clock::run_time()?;
    let grace = a.registry.policy.upload_grace;
    let (root, content) = (a.tree.root.display().to_string(), paths.content.display().to_string());
    let by_project = |problems: Vec<_>| ProblemsFound::in_projects(problems, |p| isolate::owner(p, &root, &content));
    if all_or_nothing {
        let found = by_project(std::mem::take(&mut a.problems).sorted());
        let arriving = found.problems.iter().map(|p| p.kind.arriving(&grace, now)).collect();
        let mut found = found.arriving(arriving, grace.minutes());
        // The profile's concerns too: fixing the problems must not be the way to learn them.
        for w in &a.plan.warnings {
            found = found.then(format!("warning: {w}"));
        }
        return Err(found.into());
    }
    let (mut held, global) = isolate::split(std::mem::take(&mut a.problems), &a.tree.root, &paths.content, &grace, now);
    if !global.is_empty() {
        let mut all = global;
        held.into_values().flat_map(|h| h.problems).for_each(|p| all.push(p));
        return Err(by_project(all.sorted()).into());
    }
    isolate::mark_changed(&mut held, changed);
    let after = isolate::restore(a, &mut held, &paths.cache)?;
    a.plan.warnings.extend(isolate::retired(&mut held));
    if !after.is_empty() {
        return Err(ProblemsFound::new(after.sorted()).into());
    }
    Ok(held.into_values().collect())
}

/// The releases archived now that were current in the lists `old` records (every one
/// when there are no lists yet: a first build), as `project id`.
fn newly_archived(a: &Analysis, old: Option<&Since>) -> Vec<String> {
    let mut out = Vec::new();
    for pp in &a.plan.projects {
        let Some(p) = a.tree.projects.get(&pp.name) else { continue };
        for &i in &pp.archived {
            let r = &p.releases[i];
            // A current release's files are all in `since`: its first and last tell (this
            // runs for every archived release, on every build).
            let ends = [r.artifacts.first(), r.artifacts.last()];
            let was_current = old.is_none_or(|s| ends.iter().flatten().any(|f| s.get(&f.file.rel).is_some()));
            // (A withdrawal is said as one, with its reason, not as `keep`'s rotation.)
            let withdrawn = a.content.release_page(&p.name, &r.id()).and_then(|pg| pg.matter.withdrawn.clone());
            match (was_current, withdrawn) {
                (true, Some(why)) => out.push(format!("{} {} (withdrawn: {why})", p.name, r.id())),
                (true, None) => out.push(format!("{} {}", p.name, r.id())),
                _ => {}
            }
        }
    }
    out
}

/// What changed since the last build that the operator should hear of.
#[derive(Debug, Default)]
pub struct News {
    /// Releases this build takes off the mirrors: current in the last build's lists (or,
    /// on a first build, every archived one), archived now.
    pub archived: Vec<String>,
    /// What the last build published that is gone from the release tree now (a release
    /// or a project its release manager removed), by directory, with its number of files:
    /// the mirrors delete it on their next sync.
    pub removed: Vec<(String, usize)>,
    /// Projects new since the last build that have no page (`content/<project>.md`):
    /// their pages show the directory's name and no description.
    pub new_without_page: Vec<String>,
}

/// What the last lists say that the next build should tell (archived releases, new
/// projects without a page); what was removed is found as the lists are made anew.
fn news(a: &Analysis, old: Option<&Since>) -> News {
    // A project the last lists carried has entries under `name/`: one range lookup each.
    let carried_before = |since: &Since, name: &str| since.has_under(&format!("{name}/"));
    let new_without_page = match old {
        Some(since) => a
            .tree
            .projects
            .keys()
            .filter(|p| !a.content.projects.contains_key(*p) && !carried_before(since, p))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    News { archived: newly_archived(a, old), removed: Vec::new(), new_without_page }
}

/// The files the last lists carried that are current no more (`rest`) and are gone from
/// the tree, less those carried for a held project (`kept`), counted by their directory;
/// and the entries to retire: those, and an archived release's (still in the tree).
/// Only what left the lists is looked at.
fn removed(root: &std::path::Path, rest: Since, kept: &[Entry]) -> (Vec<(String, usize)>, Vec<Entry>) {
    let mut by_dir: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    let kept: std::collections::HashSet<&str> = kept.iter().map(|e| &*e.rel).collect();
    let mut gone = Vec::new();
    for e in rest.into_entries() {
        let rel = &*e.rel;
        if kept.contains(rel) || rel.starts_with("zzz/") {
            continue;
        }
        // Archived, still in the tree: no removal, but its digest is kept as a removed
        // file's is (its bytes replaced there would reach the archive unnoticed).
        if std::fs::symlink_metadata(root.join(rel)).is_ok() {
            gone.push(e);
            continue;
        }
        *by_dir.entry(rel.rsplit_once('/').map_or("", |(d, _)| d).to_string()).or_default() += 1;
        gone.push(e);
    }
    (by_dir.into_iter().collect(), gone)
}

/// What deciding the mirror lists reads besides the tree: where they are remembered,
/// their inputs' fingerprint, the time, and the site key that signs the index.
fn lists_context<'a>(
    a: &'a Analysis,
    state: &'a std::path::Path,
    site_key: Option<&'a check::pgp::SigningKey>,
    mode: Mode,
) -> Result<output::lists::ListsContext<'a>> {
    let now = util::clock::run_time()?;
    let registry = &a.registry;
    Ok(output::lists::ListsContext {
        state,
        fingerprint: output::lists::lists_fingerprint(registry, &a.tree, &a.plan),
        now,
        index: site_key.map(|key| output::lists::IndexInputs {
            key,
            now,
            valid_for: registry.policy.valid_for_secs as i64,
            host: &registry.primary.host,
        }),
        dry: matches!(mode, Mode::Check | Mode::Preview),
    })
}

/// A build dated by `SOURCE_DATE_EPOCH` signs an index that expires `valid_for` after
/// that date: one already past is refused by every mirror (mirror-sync's FREEZE?), and
/// a cron build with the variable pinned never renews it.
fn expired_index(signed: bool, valid_for: i64) -> Result<Option<String>> {
    let Some(sde) = util::clock::source_date_epoch()?.filter(|_| signed) else { return Ok(None) };
    let expires = sde.saturating_add(valid_for);
    Ok((expires <= util::clock::now()).then(|| {
        format!(
            "the signed index (zzz/index) expired at {}, before it was made: SOURCE_DATE_EPOCH={sde} dates it, and \
             every mirror refuses an expired index; unset SOURCE_DATE_EPOCH in the builds mirrors sync from (it is \
             for reproducing a build)",
            util::text::datetime(expires)
        )
    }))
}

/// What the pages are rendered from. The site states `SOURCE_DATE_EPOCH` as its time when
/// set, else the newest input's (or the last probe's, if later); a project's pages state
/// their own inputs' newest, not the probe's (each probe would otherwise render them all).
fn site_input<'a>(
    paths: &'a Paths,
    a: &'a Analysis,
    site_key: Option<&'a check::pgp::SigningKey>,
    since: &'a Since,
    freshness: &'a plan::fresh::Freshness,
) -> Result<Input<'a>> {
    let sde = util::clock::source_date_epoch()?;
    let shared = input::shared_newest(&paths.registry, &paths.templates, &a.content);
    let probed = freshness.probed_at.unwrap_or(0);
    let project_times: std::collections::HashMap<String, i64> = a
        .tree
        .projects
        .values()
        .map(|p| (p.name.clone(), sde.unwrap_or_else(|| shared.max(input::project_newest(p, &a.content)))))
        .collect();
    let stated = sde.unwrap_or_else(|| {
        let projects = project_times.values().copied().max().unwrap_or(0);
        shared.max(a.content.newest_mtime).max(projects)
    });
    Ok(Input {
        registry: &a.registry,
        tree: &a.tree,
        content: &a.content,
        logos: &a.logos,
        plan: &a.plan,
        generated_at: stated.max(probed),
        project_times,
        only: None,
        site_key,
        since,
        freshness,
        held: &[],
        previous: Some(&paths.out),
        sigstore_root: a.sigstore_root.as_ref(),
    })
}

/// The Sigstore trusted root the registry names, read; one that cannot be read is a
/// problem of the registry (and no bundle is verified).
fn sigstore_root(
    paths: &Paths,
    registry: &input::registry::Registry,
    problems: &mut crate::util::problem::Problems,
) -> Option<check::sigstore::Root> {
    let rel = registry.policy.sigstore_root.as_deref()?;
    let path = paths.registry.parent().unwrap_or(std::path::Path::new(".")).join(rel);
    check::sigstore::Root::load(&path)
        .map_err(|e| {
            problems.push(
                crate::util::problem::Problem::new(
                    paths.registry.display().to_string(),
                    format!("policy.sigstore_root: {e:#}"),
                )
                .hint(format!("write it: closer sigstore-root --file {}", path.display())),
            )
        })
        .ok()
}
