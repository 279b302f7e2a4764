//! The file a project offers first, decided once: the download button, the "Verify what
//! you downloaded" block, "Latest release" on the home page, the feed and `closer
//! announce` all follow it, so they never disagree. It is the newest stable current
//! release (a pre-release only when there is no stable one), and in it the file the
//! project page's `primary:` glob names, else the source archive, else the first file.

use super::ProjectPlan;
use crate::input::content::Content;
use crate::model::tree::{Project, Release};

/// The offered release and file, as indices into `project.releases` and its artifacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offered {
    pub release: usize,
    pub artifact: usize,
}

impl Offered {
    pub fn release<'a>(&self, project: &'a Project) -> &'a Release {
        &project.releases[self.release]
    }
}

/// The release a project offers first: its newest stable current release, or its newest
/// current one when none is stable. A release of builds for one system alone (curl's
/// `windows/dl-8.11.1_2/`, a line of its own) comes after a stable one for every system
/// (its sources): a visitor on another system would be offered nothing of use.
/// A line named for the project is its own product's (GStreamer's `src/gstreamer/`
/// beside its plugins' modules, PowerDNS's `pdns` beside `pdns-recursor`), and so are
/// releases in no line of files named for it alone (Tor's `tor-0.4.8.13.tar.gz` beside
/// `torbrowser/14.0.3/`): its newest stable release comes first, before another
/// module's of the same or a higher version. A `primary:` glob names the product by
/// its file (PowerDNS's `pdns-[0-9]*.tar.bz2` in a project named `powerdns`): the
/// newest stable release with a file it matches comes first.
pub fn offered_release(project: &Project, plan: &ProjectPlan) -> Option<usize> {
    let mut stable = plan.current.iter().copied().filter(|&i| !project.releases[i].is_prerelease());
    let first = stable.clone().next();
    let glob = plan.primary.as_deref().and_then(|g| PrimaryGlob::new(g).ok());
    let named =
        |i: &usize| glob.as_ref().is_some_and(|g| project.releases[*i].artifacts.iter().any(|a| g.is_match(a.name())));
    if let Some(i) = stable.clone().find(named) {
        return Some(i);
    }
    let own = project.name.rsplit('/').next().unwrap_or(&project.name).to_ascii_lowercase();
    let last = |l: &str| l.rsplit('/').next().unwrap_or(l).to_ascii_lowercase();
    // Not where other lines are series of the same product (SourceForge's Hugin:
    // `hugin-2024.0/` beside a folder read as a line `hugin`): the newest is its own.
    let series_of_own = project.releases.iter().filter_map(|r| r.line.as_deref()).any(|l| {
        let rest = last(l).strip_prefix(own.as_str()).map(str::to_string);
        rest.is_some_and(|r| r.strip_prefix(['-', '_']).is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit())))
    });
    // (A file named for the project alone: `tor-0.4.8.13.tar.gz`, not `tor-browser-…`.)
    let own_files = |r: &Release| {
        r.artifacts.iter().any(|a| {
            let base = a.name().rsplit('/').next().unwrap_or(a.name()).to_ascii_lowercase();
            base.strip_prefix(own.as_str())
                .and_then(|rest| rest.strip_prefix(['-', '_']))
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit() || c == 'v'))
        })
    };
    let lined = project.releases.iter().any(|r| r.line.is_some());
    let of_own_line = |i: &usize| {
        let r = &project.releases[*i];
        !series_of_own && r.line.as_deref().map_or_else(|| lined && own_files(r), |l| last(l) == own)
    };
    let everyones = |i: &usize| !for_one_system(project, &project.releases[*i]);
    stable
        .clone()
        .find(|i| of_own_line(i) && everyones(i))
        .or_else(|| stable.find(everyones))
        .or(first)
        .or_else(|| plan.current.first().copied())
}

/// A `primary:` glob that matches no file of a current release, only an archived one's:
/// said, as the page then offers what it would without one.
pub(super) fn unmatched_primary(project: &Project, plan: &ProjectPlan) -> Option<String> {
    let glob = plan.primary.as_deref()?;
    let matcher = PrimaryGlob::new(glob).ok()?;
    let matches = |i: &usize| project.releases[*i].artifacts.iter().any(|a| matcher.is_match(a.name()));
    // (One that matches no file at all is a problem of the page, `checks`.)
    let archived_only = !plan.current.iter().any(matches) && plan.archived.iter().any(matches);
    archived_only.then(|| {
        format!(
            "content/{}.md: `primary: \"{glob}\"` matches only archived releases' files, so the page offers \
             what it would without it: match the current release's file (a glob is matched against \
             each file's name, or its path in the release when it holds a `/`)",
            project.name
        )
    })
}

/// Whether every file of `r` is a build for one and the same system.
fn for_one_system(project: &Project, r: &crate::model::tree::Release) -> bool {
    let os = |a: &crate::model::tree::Artifact| crate::util::platform::platform(a.name(), &project.name).os;
    let first = r.artifacts.first().and_then(os);
    first.is_some() && r.artifacts.iter().all(|a| os(a) == first)
}

/// The file a project offers first (see the module's doc); `None` without a current
/// release with files.
pub fn offered(project: &Project, plan: &ProjectPlan, content: &Content) -> Option<Offered> {
    let release = offered_release(project, plan)?;
    let artifact = offered_in(project, &project.releases[release], content)?;
    Some(Offered { release, artifact })
}

/// The file of `r` a page offers first and its verify lines are for: the one the
/// project's `primary:` glob names, else the source archive, else the broadest build
/// that is no debug image or language pack, else an archive of something beside the
/// sources (documentation, a built web interface: Prometheus's `-web-ui-` tarball came
/// before its Linux build), else the first.
pub fn offered_in(project: &Project, r: &crate::model::tree::Release, content: &Content) -> Option<usize> {
    use crate::util::platform::{is_sources, source_archive};
    let glob = content.projects.get(&project.name).and_then(|p| p.matter.primary.as_deref());
    let matcher = glob.and_then(|g| PrimaryGlob::new(g).ok());
    let named = matcher.and_then(|m| r.artifacts.iter().position(|a| m.is_match(a.name())));
    let archive = || source_archive(r.artifacts.iter().map(|a| a.name()), &project.name);
    named
        .or_else(|| archive().filter(|&i| is_sources(r.artifacts[i].name(), &project.name)))
        .or_else(|| broadest_build(project, r))
        .or_else(archive)
        .or_else(|| (!r.artifacts.is_empty()).then_some(0))
}

/// Of a release with no source archive (Elasticsearch's, Helm's builds alone): the
/// broadest build (`platform::narrowness`) that is no debug image or language pack, one
/// for no system at all first (Jenkins's `jenkins.war` before its `jenkins.msi`), then
/// for x86-64 before other machines and Linux before other systems (what servers and
/// command-line tools run on most), an ISO before a disk image, then the newest by the
/// day its path names, else the first such.
fn broadest_build(project: &Project, r: &crate::model::tree::Release) -> Option<usize> {
    use crate::util::platform::{Arch, Os, for_a_machine, is_accessory, narrowness, platform};
    use crate::util::platform::{superseded_revisions, variants};
    let candidates = r.artifacts.iter().enumerate().filter(|(_, a)| !is_accessory(a.name(), &project.name));
    let names: Vec<&str> = r.artifacts.iter().map(|a| a.name()).collect();
    // An older revision of an upload, a variant with a word more: narrower too.
    let more: Vec<u8> = superseded_revisions(&names)
        .into_iter()
        .zip(variants(&names))
        .map(|(a, b)| u8::from(a) + u8::from(b))
        .collect();
    let rank = |i: usize, a: &crate::model::tree::Artifact| {
        let p = platform(a.name(), &project.name);
        // A build that names no machine beside one that does is for the usual one.
        let usual = p.arch.is_none() && for_a_machine(a.name(), &names);
        let anywhere = p.os.is_none() && p.arch.is_none() && !usual;
        let x86_64 = p.arch == Some(Arch::X86_64) || usual;
        // (Such a tarball is the Linux build: macOS's come as `.dmg`, Windows's as `.exe`.)
        let linux = p.os == Some(Os::Linux) || (usual && a.name().contains(".tar."));
        // An installer's ISO before a disk image to write (IPFire's `-x86_64.iso` beside
        // its `-x86_64.img.xz`).
        let iso = a.name().to_ascii_lowercase().contains(".iso");
        (narrowness(a.name(), &project.name, p.os) + more[i], !anywhere, !x86_64, !linux, !iso)
    };
    // Of builds alike but for their day (postmarketOS keeps a few dated builds of
    // each image in one release), the newest.
    let newest = |a: &crate::model::tree::Artifact| std::cmp::Reverse(crate::util::version::latest_day(a.name()));
    candidates.min_by_key(|(i, a)| (rank(*i, a), newest(a), *i)).map(|(i, _)| i)
}

/// A project's `primary:` glob: a file name (`alpine-standard-*-x86_64.iso`) matches the
/// file's name wherever in its release it is; one with a `/` matches its path within the
/// release, `*` not crossing a `/` (`**` does).
pub struct PrimaryGlob {
    matcher: globset::GlobMatcher,
    by_path: bool,
}

impl PrimaryGlob {
    pub fn new(glob: &str) -> Result<PrimaryGlob, globset::Error> {
        let by_path = glob.contains('/');
        let matcher = globset::GlobBuilder::new(glob).literal_separator(by_path).build()?.compile_matcher();
        Ok(PrimaryGlob { matcher, by_path })
    }

    /// Does it name the file at `name` (its path within its release)?
    pub fn is_match(&self, name: &str) -> bool {
        let name = if self.by_path { name } else { name.rsplit('/').next().unwrap_or(name) };
        self.matcher.is_match(name)
    }
}
