//! The contexts pages are rendered from: the site, a project, a release and its artifact
//! rows (the shell lines that verify a download are `verify_lines`). Every text reaches
//! HTML through tera's autoescaping; URLs are built here, percent-encoded, from
//! validated bases.

use super::Input;
use crate::input::registry::Mirror;
use crate::model::digests::Digests;
use crate::model::signature::{KeyTool, Outcome};
use crate::model::tree::{Artifact, Project, Release};
use crate::util::platform::{Arch, Os, platform};
use crate::util::text::{date, datetime, hex, human_size, parse_date, rfc3339, spaced_fingerprint, url_path};
use serde::Serialize;

#[derive(Serialize, Clone)]
pub(super) struct SiteCtx {
    pub(super) title: String,
    pub(super) description: String,
    pub(super) intro_html: String,
    pub(super) site_url: String,
    pub(super) primary_name: String,
    pub(super) primary_host: String,
    pub(super) generated_at: String,
    pub(super) generated_iso: String,
    pub(super) closer_version: &'static str,
    pub(super) mirror_count: usize,
    /// Whether the mirrors were ever probed.
    pub(super) probed: bool,
    /// When the mirrors were last probed; on the site-wide pages only (a project's pages
    /// are rendered again when what they show of a probe changes, not with every probe).
    pub(super) probed_at: Option<String>,
    pub(super) probed_iso: Option<String>,
    /// The stamp this build publishes; on the site-wide pages only (a project's pages are
    /// rendered again only when the project changes, not with every new stamp).
    pub(super) primary_stamp: Option<i64>,
    /// The same as a time people read.
    pub(super) primary_stamp_at: Option<String>,
    /// The site key that signs checksum lists: fingerprint, user id, and its file.
    pub(super) site_key: Option<SiteKeyCtx>,
}
#[derive(Serialize, Clone)]
pub(super) struct SiteKeyCtx {
    pub(super) fingerprint: String,
    pub(super) user_id: String,
    pub(super) href: &'static str,
}
#[derive(Serialize, Clone)]
pub(super) struct ArtifactRow {
    pub(super) name: String,
    pub(super) size: u64,
    pub(super) size_h: String,
    pub(super) url: String,
    pub(super) sha512: String,
    pub(super) sha256: String,
    pub(super) sha512_href: String,
    pub(super) sha256_href: String,
    pub(super) md5_href: Option<String>,
    pub(super) asc_href: Option<String>,
    /// What the signature link says: `asc`, `sig`, `gpg` or `signed list`.
    pub(super) sig_label: String,
    /// Signature outcome (`good`, `missing`, ...), and who signed.
    pub(super) sig: &'static str,
    pub(super) signer: Option<String>,
    pub(super) signer_fpr: Option<String>,
    /// The file's path in the release tree, URL-encoded, for closer.js to put after a
    /// mirror's base URL.
    pub(super) path: String,
    pub(super) project: String,
    /// The primary stamp at which the file appeared in the mirror lists.
    pub(super) since: i64,
    pub(super) meta4_href: String,
    /// What the file is for, read from its name (`util::platform`): `os` and `arch` for
    /// page.js, `platform` for people ("Linux x86-64", "source").
    pub(super) os: Option<Os>,
    pub(super) arch: Option<Arch>,
    pub(super) platform: Option<String>,
    /// How narrow a build it is among those of its machine (`platform::narrowness`).
    pub(super) narrow: u8,
    /// An upload a later revision of it among the release's replaces (GIMP's
    /// `-setup-1.exe`, OpenVPN's `-I001-`): listed, never in the opening download.
    pub(super) superseded: bool,
    /// A program other than the project's own (`platform::another_program`).
    pub(super) aux: bool,
    /// The BitTorrent metainfo of the file, and its magnet link.
    pub(super) torrent_href: Option<String>,
    pub(super) magnet: Option<String>,
    /// Of a source archive: `swh:1:dir` of what it unpacks to, and the tag it matches
    /// with the files the release process generated (and why).
    pub(super) swhid_dir: Option<String>,
    pub(super) tag: Option<String>,
    pub(super) generated: Vec<String>,
    /// Who signed it with Sigstore, when that checked out: "hugo@python.org (GitHub, Sigstore)".
    pub(super) sigstore_by: Option<String>,
    /// The id of the minisign key that signed it, when that checked out.
    pub(super) minisign_by: Option<String>,
    /// The id of the cosign key that signed it (or the list that covers it), when that
    /// checked out.
    pub(super) cosign_key_by: Option<String>,
    /// The id of the signify key likewise (OpenBSD's `SHA256.sig`, rxvt-unicode's `F.sig`).
    pub(super) signify_by: Option<String>,
    /// The fingerprint of the SSH key likewise (`ssh-keygen -Y sign`).
    pub(super) ssh_by: Option<String>,
    /// The files that describe it (Sigstore bundle, SBOM, provenance), from the primary.
    pub(super) companions: Vec<Companion>,
}
#[derive(Serialize, Clone)]
pub(super) struct Companion {
    /// `sigstore`, `sbom`, `provenance`, `cert`, ...
    pub(super) label: &'static str,
    pub(super) href: String,
    /// The file's name, for the link's title.
    pub(super) name: String,
}
/// Who signed every file of a release, when it is one key: the page says it once.
#[derive(Serialize, Clone)]
pub(super) struct SignerRow {
    pub(super) name: Option<String>,
    pub(super) fpr: String,
}
#[derive(Serialize, Clone)]
pub(super) struct ReleaseRow {
    /// What the index shows of it too (its fields are the row's own in templates).
    #[serde(flatten)]
    pub(super) head: BriefRelease,
    pub(super) artifacts: Vec<ArtifactRow>,
    pub(super) sums_href: String,
    pub(super) sha256sums_href: String,
    /// The reason, when the release is published although a signature is not good.
    pub(super) unsigned_ok: Option<String>,
    pub(super) sums_asc_href: Option<String>,
    /// Its own keys (a line's KEYS), on the primary, when it has keys other than the
    /// project's.
    pub(super) keys_href: Option<String>,
    /// Files of the release that are not artifacts (`README`, ...), on the primary.
    pub(super) files_notes: Vec<ArchivedRow>,
    /// The one key that signed every file, when all signatures are good and by it.
    pub(super) signer: Option<SignerRow>,
}
/// A link: a version into the archive, or a note by its name.
#[derive(Serialize, Clone)]
pub(super) struct ArchivedRow {
    pub(super) version: String,
    pub(super) url: String,
    /// Why the release was withdrawn, when it was (its page's `withdrawn:`).
    pub(super) withdrawn: Option<String>,
}
/// A release as the index shows it (a project's latest): what its table says, without
/// the files, lists and signer a release's page has (ten thousand full rows as template
/// values were the render's peak memory at foundation scale).
#[derive(Serialize, Clone)]
pub(super) struct BriefRelease {
    pub(super) version: String,
    /// The line it belongs to, when the project has lines.
    pub(super) line: Option<String>,
    pub(super) title: String,
    pub(super) date: String,
    pub(super) prerelease: bool,
    pub(super) href: String,
    pub(super) notes_html: String,
    pub(super) has_notes: bool,
}
/// A project's names, as its pages and the index's rows show them.
#[derive(Serialize)]
pub(super) struct ProjectHead {
    pub(super) name: String,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) homepage: Option<String>,
    pub(super) href: String,
}
/// A project as the index shows it: its names and its latest release, brief (its intro,
/// keys, notes and links are on its own page).
#[derive(Serialize)]
pub(super) struct IndexProject {
    #[serde(flatten)]
    pub(super) head: ProjectHead,
    pub(super) latest: Option<BriefRelease>,
}
/// A project as its pages show it (the fields of `head` are its own in templates).
#[derive(Serialize)]
pub(super) struct ProjectCtx {
    #[serde(flatten)]
    pub(super) head: ProjectHead,
    pub(super) intro_html: String,
    pub(super) keys_href: Option<String>,
    pub(super) keys_url: Option<String>,
    pub(super) latest: Option<ReleaseRow>,
    pub(super) archive_url: String,
    /// Files beside the releases that are not artifacts (`HEADER.html`, `README`, the
    /// checksum lists of flat releases), on the primary.
    pub(super) notes: Vec<ArchivedRow>,
    /// Symbolic links in the project (`stable -> zookeeper-3.8.3`), carried to the
    /// mirrors as links: shown as other names, never as releases of their own.
    pub(super) aliases: Vec<AliasRow>,
}
/// A symbolic link in a project: its name under the project, what it points to, and
/// where that is (the release's page when it names a current release's directory).
#[derive(Serialize)]
pub(super) struct AliasRow {
    pub(super) name: String,
    pub(super) target: String,
    pub(super) url: String,
}
/// What a file is for, as the table says it: "Linux x86-64", "Windows", "source".
/// The id of the key of `tool` whose good signature, its own or its list's, signs `a`.
fn key_signer(a: &Artifact, tool: KeyTool) -> Option<String> {
    let c = a.minisign().filter(|c| c.outcome == crate::model::signature::Outcome::Good)?;
    (KeyTool::of(c) == tool).then(|| c.fingerprint.as_deref().map(String::from))?
}

fn platform_label(p: &crate::util::platform::Platform) -> Option<String> {
    match (p.os, p.arch) {
        (Some(os), Some(arch)) => Some(format!("{} {}", os.label(), arch.label())),
        (Some(os), None) => Some(os.label().to_string()),
        (None, Some(arch)) => Some(arch.label().to_string()),
        (None, None) if p.source => Some("source".to_string()),
        (None, None) => None,
    }
}

/// The key that made every good signature of `release`, when there is one.
fn one_signer(release: &Release) -> Option<SignerRow> {
    let mut fprs = release
        .artifacts
        .iter()
        .map(|a| a.signature.as_ref().filter(|s| s.outcome == Outcome::Good).and_then(|s| s.fingerprint.as_deref()));
    let first = fprs.next()??;
    if !fprs.all(|f| f == Some(first)) {
        return None;
    }
    let name = release
        .artifacts
        .iter()
        .find_map(|a| a.signature.as_ref().and_then(|s| s.user_id.as_deref().map(str::to_string)));
    Some(SignerRow { name, fpr: spaced_fingerprint(first) })
}

/// The artifacts a release's page shows: each once, where the release holds two copies
/// of one file (Wireshark's `src/wireshark-4.4.0.tar.xz` and the same bytes in
/// `src/all-versions/`, Node.js's `v22.11.0/` and `latest/`), the one in the release's
/// own directory, else the one less deep (all are on the mirrors).
pub(super) fn shown(release: &Release) -> Vec<&Artifact> {
    let own = format!("{}/", release.dir.rel);
    let depth = |a: &Artifact| (!a.file.rel.starts_with(&own), a.file.rel.matches('/').count());
    // (Without its digest, a file is only itself.)
    fn key(a: &Artifact) -> (&str, u64, Option<[u8; 64]>) {
        match &a.file.digests {
            Some(d) => (a.file.rel.rsplit('/').next().unwrap_or_default(), a.file.stat.size, Some(d.sha512)),
            None => (a.file.rel.as_ref(), 0, None),
        }
    }
    let mut first: std::collections::HashMap<_, &Artifact> = std::collections::HashMap::new();
    for a in &release.artifacts {
        let kept = first.entry(key(a)).or_insert(a);
        if depth(a) < depth(kept) {
            *kept = a;
        }
    }
    release.artifacts.iter().filter(|a| first.get(&key(a)).is_some_and(|k| std::ptr::eq(*k, *a))).collect()
}

/// When a release was made: the `date` of its notes, else the newest modification time
/// of its artifacts (no later than `SOURCE_DATE_EPOCH`). Pages and feeds both date
/// releases by it.
pub(super) fn release_time(release: &Release, page_date: Option<&str>) -> i64 {
    page_date.and_then(parse_date).unwrap_or_else(|| {
        crate::util::clock::clamped(release.artifacts.iter().map(|a| a.file.stat.mtime).max().unwrap_or(0))
    })
}

impl Input<'_> {
    /// An artifact as a page lists it; `unit` is its release's unit of the copies.
    pub(super) fn artifact_row(
        &self,
        project: &Project,
        unit: Option<usize>,
        a: &Artifact,
        prefix: &str,
    ) -> ArtifactRow {
        let d = a.file.digests.as_ref();
        let sig = a.signature.as_ref();
        let base = format!("{prefix}{}", url_path(a.name()));
        let kind = platform(a.name(), &project.name);
        ArtifactRow {
            name: a.name().to_string(),
            size: a.file.stat.size,
            size_h: human_size(a.file.stat.size),
            // The file's own path in the tree: `p/1.0/a.tar.gz`, or `p/p-1.0.tar.gz`.
            url: format!("{}{}", self.registry.primary.dist_url, url_path(&a.file.rel)),
            sha512: d.map(|d| hex(&d.sha512)).unwrap_or_default(),
            sha256: d.map(|d| hex(&d.sha256)).unwrap_or_default(),
            sha512_href: format!("{base}.sha512"),
            sha256_href: format!("{base}.sha256"),
            md5_href: self.registry.policy.legacy_md5.then(|| format!("{base}.md5")),
            asc_href: match (&a.asc, a.signed_uncompressed(), a.covered_by()) {
                (Some(_), _, _) => Some(format!("{base}.{}", a.signature_ext())),
                (None, Some(u), _) => Some(format!("{}{}", self.registry.primary.dist_url, url_path(&u.signature))),
                (None, None, Some(list)) => Some(format!("{}{}", self.registry.primary.dist_url, url_path(list))),
                (None, None, None) => None,
            },
            sig_label: match (&a.asc, a.signed_uncompressed(), a.covered_by()) {
                (None, Some(_), _) => "sign (uncompressed)".to_string(),
                (None, None, Some(_)) => "signed list".to_string(),
                _ => a.signature_ext().to_string(),
            },
            sig: sig.map(|s| s.outcome.as_str()).unwrap_or("missing"),
            signer: sig.and_then(|s| s.user_id.as_deref().map(str::to_string)),
            signer_fpr: sig.and_then(|s| s.fingerprint.as_deref().map(spaced_fingerprint)),
            path: url_path(&a.file.rel),
            project: self.plan.copies.key_or(unit, &project.name).to_string(),
            since: self.since_of(a),
            meta4_href: format!("{base}.meta4"),
            os: kind.os,
            arch: kind.arch,
            // (A musl build said apart from the glibc one beside it: "Linux x86-64 (musl)".)
            platform: platform_label(&kind)
                .map(|l| if crate::util::platform::is_musl(a.name()) { format!("{l} (musl)") } else { l }),
            narrow: crate::util::platform::narrowness(a.name(), &project.name, kind.os),
            superseded: false,
            aux: crate::util::platform::another_program(a.name(), &project.name),
            torrent_href: d.and_then(|d| d.pieces()).map(|_| format!("{base}.torrent")),
            magnet: None,
            swhid_dir: d.and_then(Digests::swhid_dir),
            tag: a.tag_match().map(|t| t.tag.clone()),
            generated: a
                .tag_match()
                .iter()
                .flat_map(|t| t.generated.iter().map(|(p, why)| format!("{p} ({why})")))
                .collect(),
            sigstore_by: a.sigstore().filter(|c| c.outcome == crate::model::signature::Outcome::Good).map(|c| {
                let issuer = c.fingerprint.as_deref().map_or("", crate::model::signature::Signer::issuer_name);
                format!("{} ({issuer}, Sigstore)", c.user_id.as_deref().unwrap_or("?"))
            }),
            minisign_by: key_signer(a, KeyTool::Minisign),
            cosign_key_by: key_signer(a, KeyTool::Cosign),
            signify_by: key_signer(a, KeyTool::Signify),
            ssh_by: key_signer(a, KeyTool::Ssh),
            companions: a
                .companions()
                .iter()
                .map(|f| Companion {
                    label: crate::model::tree::companion_label(&f.rel),
                    href: format!("{}{}", self.registry.primary.dist_url, url_path(&f.rel)),
                    name: f.rel.rsplit('/').next().unwrap_or(&f.rel).to_string(),
                })
                .collect(),
        }
    }
    /// The magnet link of an artifact of `version` with pieces.
    fn magnet(&self, project: &Project, version: &str, a: &Artifact) -> Option<String> {
        let pieces = a.file.digests.as_ref()?.pieces()?;
        let name = a.name().rsplit('/').next().unwrap_or(a.name());
        let file = crate::output::torrent::File { name, size: a.file.stat.size, pieces, web_seeds: &[] };
        let hash = crate::output::torrent::info_hash(&file);
        let primary = &self.registry.primary;
        let torrent = format!(
            "{}{}/{}/{}.torrent",
            primary.site_url,
            url_path(&project.name),
            url_path(version),
            url_path(a.name())
        );
        Some(crate::output::torrent::magnet(
            &hash,
            name,
            a.file.stat.size,
            &torrent,
            &format!("{}{}", primary.dist_url, url_path(&a.file.rel)),
        ))
    }
    /// The stamp at which an artifact appeared (the primary's current stamp if unknown).
    pub(super) fn since_of(&self, a: &Artifact) -> i64 {
        self.since.get(&a.file.rel).unwrap_or(self.freshness.primary_stamp)
    }
    /// The mirrors serving a file of unit `unit` (of the copies) that appeared at `since`.
    pub(super) fn serving(&self, unit: Option<usize>, since: i64) -> impl Iterator<Item = &Mirror> + '_ {
        self.registry
            .mirrors
            .iter()
            .enumerate()
            .filter(move |(i, _)| {
                unit.is_some_and(|u| self.plan.copies.carries(*i, u) && self.freshness.serves_unit(*i, u, since))
            })
            .map(|(_, m)| m)
    }
    /// A release as a page shows it; `prefix` leads from the page to the project's
    /// directory (`""` on the project page, `"../"` on a release page).
    pub(super) fn release_row(&self, project: &Project, release: &Release, prefix: &str) -> ReleaseRow {
        let head = self.brief_release(project, release, prefix);
        let id = release.id();
        let matter = self.content.release_page(&project.name, &id).map(|p| &p.matter);
        let unit = self.plan.copies.unit_of_version(&project.name, &id);
        let here = head.href.clone();
        let shown = shown(release);
        // An upload a later revision of it replaces (GIMP's `-setup-1.exe` beside
        // `-setup-3.exe`) comes after it.
        let names: Vec<&str> = shown.iter().map(|a| a.name()).collect();
        // So does a variant with a word more (ParaView's `-MPI-` installer).
        let superseded = crate::util::platform::superseded_revisions(&names);
        let variants = crate::util::platform::variants(&names);
        ReleaseRow {
            artifacts: shown
                .into_iter()
                .zip(superseded.into_iter().zip(variants))
                .map(|(a, (old, variant))| {
                    let mut row = self.artifact_row(project, unit, a, &here);
                    row.magnet = self.magnet(project, &id, a);
                    row.narrow += u8::from(old) + u8::from(variant);
                    row.superseded = old;
                    row
                })
                .collect(),
            sums_href: format!("{here}SHA512SUMS"),
            sha256sums_href: format!("{here}SHA256SUMS"),
            unsigned_ok: matter
                .and_then(|m| m.unsigned_ok.clone())
                .or_else(|| {
                    let project = self.content.projects.get(&project.name)?;
                    Some(format!(
                        "the project publishes files without signatures: {}",
                        project.matter.unsigned.as_deref()?
                    ))
                })
                .filter(|_| {
                    release.artifacts.iter().any(|a| a.signature.as_ref().is_none_or(|s| s.outcome != Outcome::Good))
                }),
            sums_asc_href: self.site_key.map(|_| format!("{here}SHA512SUMS.asc")),
            keys_href: release
                .keys
                .as_ref()
                .and_then(|_| project.keys_of(release))
                .map(|k| format!("{}{}", self.registry.primary.dist_url, crate::util::text::url_path(&k.rel))),
            files_notes: self.note_links(&release.dir.rel, &release.notes),
            signer: one_signer(release),
            head,
        }
    }
    /// What a release's row says before its files: all the index shows of it (the index
    /// lists the latest release of every project: ten thousand projects' files would
    /// take it seconds to describe, for a table that shows none of them).
    fn brief_release(&self, project: &Project, release: &Release, prefix: &str) -> BriefRelease {
        let id = release.id();
        let page = self.content.release_page(&project.name, &id);
        let matter = page.map(|p| &p.matter);
        BriefRelease {
            version: release.version.clone(),
            line: release.line.clone(),
            title: matter
                .and_then(|m| m.title.clone())
                .unwrap_or_else(|| format!("{} {}", self.project_title(project), release.spoken_in(&project.name))),
            date: date(release_time(release, matter.and_then(|m| m.date.as_deref()))),
            prerelease: release.is_prerelease(),
            href: format!("{prefix}{}/", url_path(&id)),
            notes_html: page.map(|p| p.html.clone()).unwrap_or_default(),
            has_notes: page.is_some_and(|p| !p.html.trim().is_empty()),
        }
    }
    pub(super) fn project_title(&self, project: &Project) -> String {
        self.content
            .projects
            .get(&project.name)
            .and_then(|p| p.matter.title.clone())
            .unwrap_or_else(|| project.name.clone())
    }
    pub(super) fn project_ctx(&self, project: &Project, prefix: &str) -> ProjectCtx {
        let latest = self.latest(project).map(|i| self.release_row(project, &project.releases[i], prefix));
        self.project_ctx_with(project, prefix, latest)
    }
    /// A project as the index shows it ([`IndexProject`]).
    pub(super) fn project_ctx_brief(&self, project: &Project, prefix: &str) -> IndexProject {
        let latest = self.latest(project).map(|i| self.brief_release(project, &project.releases[i], prefix));
        IndexProject { head: self.project_head(project), latest }
    }
    fn project_head(&self, project: &Project) -> ProjectHead {
        let page = self.content.projects.get(&project.name);
        ProjectHead {
            name: project.name.clone(),
            title: self.project_title(project),
            description: page.and_then(|p| p.matter.description.clone()).unwrap_or_default(),
            homepage: page.and_then(|p| p.matter.homepage.clone()),
            href: format!("{}/", url_path(&project.name)),
        }
    }
    /// The release a project's page offers first.
    fn latest(&self, project: &Project) -> Option<usize> {
        crate::plan::offered::offered_release(project, self.plan.project(&project.name)?)
    }
    /// [`Self::project_ctx`] with the latest release's row already made.
    pub(super) fn project_ctx_with(&self, project: &Project, prefix: &str, latest: Option<ReleaseRow>) -> ProjectCtx {
        let page = self.content.projects.get(&project.name);
        let site = &self.registry.primary.site_url;
        ProjectCtx {
            head: self.project_head(project),
            intro_html: page.map(|p| p.html.clone()).unwrap_or_default(),
            keys_href: project.keys.as_ref().map(|_| format!("{prefix}KEYS")),
            keys_url: project.keys.as_ref().map(|_| format!("{site}{}/KEYS", url_path(&project.name))),
            latest,
            archive_url: format!("{}{}/", self.registry.archive_url, url_path(&project.name)),
            notes: self.note_links(&project.dir.rel, &project.notes),
            aliases: self.aliases(project, prefix),
        }
    }
    /// The project's symbolic links, each with where it leads.
    fn aliases(&self, project: &Project, prefix: &str) -> Vec<AliasRow> {
        let current = self.plan.project(&project.name).map(|p| p.current.as_slice()).unwrap_or_default();
        self.tree
            .links_of(&project.name)
            .map(|l| {
                let resolved = crate::util::fs::resolve_link(&l.rel, &l.target);
                let release =
                    current.iter().map(|&i| &project.releases[i]).find(|r| Some(&*r.dir.rel) == resolved.as_deref());
                let url = match release {
                    Some(r) => format!("{prefix}{}/index.html", url_path(&r.id())),
                    None => format!("{}{}", self.registry.primary.dist_url, url_path(&l.rel)),
                };
                AliasRow { name: l.rel[project.name.len() + 1..].to_string(), target: l.target.clone(), url }
            })
            .collect()
    }
    /// Links to notes on the primary, named by their paths under `dir`.
    fn note_links(&self, dir: &str, notes: &[crate::model::tree::FileRef]) -> Vec<ArchivedRow> {
        let name = |rel: &str| rel.strip_prefix(dir).map_or(rel, |r| r.trim_start_matches('/')).to_string();
        notes
            .iter()
            .map(|n| ArchivedRow {
                version: name(&n.rel),
                url: format!("{}{}", self.registry.primary.dist_url, url_path(&n.rel)),
                withdrawn: None,
            })
            .collect()
    }
    pub(super) fn site_ctx(&self) -> SiteCtx {
        let m = &self.content.site.matter;
        SiteCtx {
            title: m.title.clone().unwrap_or_else(|| format!("{} downloads", self.registry.primary.name)),
            description: m.description.clone().unwrap_or_default(),
            intro_html: self.content.site.html.clone(),
            site_url: self.registry.primary.site_url.clone(),
            primary_name: self.registry.primary.name.clone(),
            primary_host: self.registry.primary.host.clone(),
            generated_at: datetime(self.generated_at),
            generated_iso: rfc3339(self.generated_at),
            closer_version: env!("CARGO_PKG_VERSION"),
            mirror_count: self.registry.mirrors.len(),
            probed: self.freshness.probed_at.is_some(),
            probed_at: self.freshness.probed_at.map(datetime),
            probed_iso: self.freshness.probed_at.map(rfc3339),
            primary_stamp: Some(self.freshness.primary_stamp),
            primary_stamp_at: Some(datetime(self.freshness.primary_stamp)),
            site_key: self.site_key.map(|k| SiteKeyCtx {
                fingerprint: spaced_fingerprint(&k.fingerprint()),
                user_id: k.user_id().unwrap_or_default(),
                href: "site-key.asc",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_is_dated_by_its_notes_else_its_newest_file() {
        use crate::model::tree::{FileRef, Stat};
        let file = |mtime| FileRef::new("p/1.0/a", Stat { mtime, ..Stat::default() });
        let artifact = |mtime| Artifact::new("a", file(mtime));
        let r = Release {
            version: "1.0".into(),
            line: None,
            keys: None,
            reading: String::new(),
            artifacts: vec![artifact(100), artifact(86_400 * 3 + 5)],
            sums: Vec::new(),
            other: Vec::new(),
            signed_lists: Vec::new(),
            tar_signs: Vec::new(),
            notes: Vec::new(),
            dir: file(0),
            dirs: Vec::new(),
            development: false,
        };
        assert_eq!(release_time(&r, None), 86_400 * 3 + 5);
        assert_eq!(date(release_time(&r, Some("2026-03-01"))), "2026-03-01");
    }
}
