//! The site stage of a build: decide from the digests of its inputs what to render
//! (nothing, some projects and the site-wide pages, or everything), render it into the
//! writer, sign its checksum lists, commit it, and say what to remember. Rendering
//! everything when one release was added to a site of millions of files costs minutes;
//! rendering one project's directory and the site-wide pages costs seconds.

use crate::model::run::{Mode, Paths};
use crate::output::commit::{Partial, Written};
use crate::output::render::{self, Input, Templates};
use crate::output::site_digest::{self, Digests, SiteInputs};
use crate::output::site_state::{self, Recorded, Render};
use crate::output::write::{Discard, SiteWriter};
use crate::util::clock::Timings;
use anyhow::Result;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// What the site stage did, and what to remember once the lists are in place too.
pub struct SiteDone {
    pub written: Option<Written>,
    pub files: usize,
    pub rendered: bool,
    /// Where the site's inputs are remembered, and what to remember.
    pub state: Option<(PathBuf, Recorded)>,
}

impl SiteDone {
    pub fn none() -> SiteDone {
        SiteDone { written: None, files: 0, rendered: false, state: None }
    }

    /// Remembers what the site at `out` is made from (once the lists are in place too).
    pub fn remember(&self, out: &std::path::Path) -> Result<()> {
        match &self.state {
            Some((state, recorded)) => site_state::remember(state, out, recorded),
            None => Ok(()),
        }
    }
}

/// Renders what changed of the site (a build or preview; `check` renders all of it and
/// keeps nothing, to find template errors). `lists` and `stamp` are what the mirror
/// lists are made from and the stamp they publish.
pub fn build(
    paths: &Paths,
    mode: Mode,
    input: &Input,
    templates: &Templates,
    (lists, stamp): (&[u8; 32], i64),
    timings: &Timings,
) -> Result<SiteDone> {
    if mode == Mode::Check {
        let discard = Discard::default();
        render::render(input, templates, &discard)?;
        timings.stage("render");
        return Ok(SiteDone { written: None, files: discard.count(), rendered: true, state: None });
    }
    let key = input.site_key.map(|k| k.fingerprint()).unwrap_or_default();
    let digests = site_digest::digests(&SiteInputs {
        lists,
        tree: input.tree,
        plan: input.plan,
        since: input.since,
        freshness: input.freshness,
        registry: &paths.registry,
        probe: &paths.probe,
        dirs: [&paths.templates, &paths.logos],
        content: &paths.content,
        project_times: &input.project_times,
        held: input.held,
        // (The pinned Sigstore root: every Sigstore verify line names its instance.)
        shared_values: [key.as_bytes(), &[mode as u8], input.sigstore_root.map_or(&b""[..], |r| r.text.as_bytes())],
        top_values: [&stamp.to_le_bytes(), &input.since.digest(), &input.generated_at.to_le_bytes()],
    })?;
    timings.stage("site fingerprint");
    let state = site_state::state_path(&paths.cache, &paths.out);
    let recorded = site_state::recorded(&state, &paths.out);
    let (written, files, now) = match (site_state::what_to_render(recorded.as_ref(), &digests, &paths.out), recorded) {
        (Render::Nothing(files), _) => {
            return Ok(SiteDone { written: Some(Written::Unchanged), files, rendered: false, state: None });
        }
        (Render::Projects(changed), Some(was)) => some(paths, input, templates, &digests, &was, changed, &state)?,
        _ => {
            site_state::forget(&state)?;
            whole(paths, input, templates, &digests)?
        }
    };
    timings.stage("render");
    Ok(SiteDone { written: Some(written), files, rendered: true, state: Some((state, now)) })
}

/// Renders everything into a new site, swapped in whole.
fn whole(paths: &Paths, input: &Input, templates: &Templates, d: &Digests) -> Result<(Written, usize, Recorded)> {
    let writer = SiteWriter::begin(&paths.out)?;
    render_into(input, templates, &writer, &paths.cache)?;
    let now = recorded_now(&writer, d, None);
    let files = writer.count();
    Ok((writer.finish()?, files, now))
}

/// Renders the `changed` projects and the site-wide pages, and commits them in place.
fn some(
    paths: &Paths,
    input: &Input,
    templates: &Templates,
    d: &Digests,
    was: &Recorded,
    changed: BTreeSet<String>,
    state: &std::path::Path,
) -> Result<(Written, usize, Recorded)> {
    let kept: BTreeSet<String> = d.projects.keys().filter(|p| !changed.contains(*p)).cloned().collect();
    let input = Input { only: Some(&changed), ..input.clone() };
    let writer = SiteWriter::begin_partial(&paths.out, Partial { rendered: changed.clone(), kept: kept.clone() })?;
    render_into(&input, templates, &writer, &paths.cache)?;
    let now = recorded_now(&writer, d, Some(was));
    // While committing, the rendered projects and the site-wide pages are unknown: a
    // build killed now leaves them to the next build to render again.
    let committing = Recorded {
        top: None,
        projects: was.projects.iter().filter(|(p, _)| kept.contains(*p)).map(|(p, v)| (p.clone(), *v)).collect(),
        ..now.clone()
    };
    site_state::remember(state, &paths.out, &committing)?;
    let files = now.files();
    Ok((writer.finish()?, files, now))
}

/// Renders into `writer`, then clearsigns the checksum lists (reusing cached signatures).
fn render_into(input: &Input, templates: &Templates, writer: &SiteWriter, cache: &std::path::Path) -> Result<()> {
    let to_sign = render::render(input, templates, writer)?;
    if let Some(key) = input.site_key {
        let signed = crate::output::sums::clearsign_all(key, to_sign, cache, input.only.is_none())?;
        render::put_signed(writer, key, signed)?;
    }
    Ok(())
}

/// What the site will have been made from once `writer` is committed: the projects it
/// rendered, and (an incremental build) those it kept as `was` recorded them.
fn recorded_now(writer: &SiteWriter, d: &Digests, was: Option<&Recorded>) -> Recorded {
    let counts = writer.counts();
    let projects = d
        .projects
        .iter()
        .map(|(name, digest)| {
            let files = match counts.get(name) {
                Some(n) => *n,
                None => was.and_then(|w| w.projects.get(name)).map_or(0, |(_, n)| *n),
            };
            (name.clone(), (*digest, files))
        })
        .collect::<std::collections::BTreeMap<_, _>>();
    let project_files: usize = d.projects.keys().filter_map(|p| counts.get(p)).sum();
    Recorded { shared: d.shared, top: Some(d.top), top_files: writer.count() - project_files, projects }
}
