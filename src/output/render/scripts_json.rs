//! The JSON for scripts: `site/<project>/latest.json`, the release and file a project
//! offers first (the same ones its page offers, `plan::offered`), and
//! `site/releases.json`, every project's current releases. Each file has its size,
//! SHA-512, and its URLs on the primary, the archive and for its signature and
//! checksum. The shape is versioned by `format` and documented in
//! docs/reference/scripts-json.md; a field is only ever added under one format.

use super::Input;
use crate::model::digests::Digests;
use crate::model::tree::{Artifact, Project, Release};
use crate::util::text::{hex, url_path};
use anyhow::Result;
use serde::Serialize;

/// The format of both files; raised only when a field changes meaning or goes away.
const FORMAT: u32 = 1;

#[derive(Serialize)]
struct FileJson {
    name: String,
    /// In the release tree (and on every mirror).
    path: String,
    size: u64,
    sha512: Option<String>,
    sha256: Option<String>,
    /// On the primary.
    url: String,
    /// On the archive, where it stays when it is no longer current.
    archive_url: String,
    /// Its checksum file on this site (`sha512sum -c` reads it).
    sha512_url: String,
    /// The same with its SHA-256 (`sha256sum -c` reads it).
    sha256_url: String,
    /// What signs it: its signature on this site, or the signed file that covers it.
    signature_url: Option<String>,
    /// What kind of signature that is, so a script knows which tool checks it.
    signature_kind: Option<&'static str>,
    /// The public key that checks a minisign, signify, SSH or cosign signature (as the
    /// project's page gives it), so a script needs no page to verify.
    #[serde(skip_serializing_if = "Option::is_none")]
    public_key: Option<String>,
    /// Its Sigstore bundle (or cosign `.sig`) on the primary, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    sigstore_url: Option<String>,
    /// Of a source archive: `swh:1:dir` of the directory it unpacks to.
    #[serde(skip_serializing_if = "Option::is_none")]
    swhid: Option<String>,
    /// Of a source archive compared with its tag: the tag whose tree it holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    tag: Option<String>,
}

#[derive(Serialize)]
struct ReleaseJson {
    version: String,
    /// The version alone (`2.0.1` of `srv-2/2.0.1`, `9.0.83` of `v9.0.83`), for
    /// comparing versions.
    number: String,
    /// The release line it is in (`srv-2`), when it is in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<String>,
    /// Its own keys on the primary (a line's `KEYS`), when it has keys other than the
    /// project's.
    #[serde(skip_serializing_if = "Option::is_none")]
    keys: Option<String>,
    prerelease: bool,
    /// When it was made (`YYYY-MM-DD`): the `date` of its notes page, else its newest
    /// file's modification time, as its page says.
    date: String,
    /// The release's page on this site.
    page: String,
    files: Vec<FileJson>,
}

#[derive(Serialize)]
struct LatestJson {
    format: u32,
    project: String,
    /// The project's KEYS on this site.
    keys: Option<String>,
    /// The path of the file the page offers first.
    offered: String,
    release: ReleaseJson,
}

/// A project's entry in `releases.json`, and the whole of `<project>/releases.json`.
#[derive(Serialize)]
struct ProjectJson {
    format: u32,
    project: String,
    /// The version its page offers first.
    latest: Option<String>,
    keys: Option<String>,
    current: Vec<ReleaseJson>,
}

impl Input<'_> {
    fn file_json(&self, project: &Project, release: &Release, a: &Artifact) -> FileJson {
        let (site, dist) = (&self.registry.primary.site_url, &self.registry.primary.dist_url);
        let on_site = format!("{site}{}/{}/{}", url_path(&project.name), url_path(&release.id()), url_path(a.name()));
        let (signature_url, signature_kind) = match (&a.asc, a.signed_uncompressed(), a.covered_by(), a.key_signed()) {
            (Some(_), _, _, _) => (Some(format!("{on_site}.{}", a.signature_ext())), Some("openpgp")),
            (None, Some(u), _, _) => (Some(format!("{dist}{}", url_path(&u.signature))), Some("openpgp-uncompressed")),
            (None, None, Some(list), _) => (Some(format!("{dist}{}", url_path(list))), Some("signed-list")),
            (None, None, None, Some((sig, tool))) => (Some(format!("{dist}{}", url_path(&sig.rel))), Some(tool.name())),
            _ => (None, None),
        };
        FileJson {
            name: a.name().to_string(),
            path: a.file.rel.to_string(),
            size: a.file.stat.size,
            sha512: a.file.digests.as_ref().map(|d| hex(&d.sha512)),
            sha256: a.file.digests.as_ref().map(|d| hex(&d.sha256)),
            url: format!("{dist}{}", url_path(&a.file.rel)),
            archive_url: format!("{}{}", self.registry.archive_url, url_path(&a.file.rel)),
            sha512_url: format!("{on_site}.sha512"),
            sha256_url: format!("{on_site}.sha256"),
            signature_url,
            signature_kind,
            public_key: a.key_signed().and_then(|(_, tool)| self.page_key(project, tool, a)).map(str::to_string),
            sigstore_url: crate::check::sigstore::files_of(a).map(|(_, f)| format!("{dist}{}", url_path(&f[0].rel))),
            swhid: a.file.digests.as_ref().and_then(Digests::swhid_dir),
            tag: a.tag_match().map(|t| t.tag.clone()),
        }
    }

    fn release_json(&self, project: &Project, release: &Release) -> ReleaseJson {
        let site = &self.registry.primary.site_url;
        ReleaseJson {
            version: release.id(),
            number: number(&release.version),
            line: release.line.clone(),
            keys: self.own_keys_url(project, release),
            prerelease: release.is_prerelease(),
            date: crate::util::text::date(super::context::release_time(
                release,
                self.content.release_page(&project.name, &release.id()).and_then(|p| p.matter.date.as_deref()),
            )),
            page: format!("{site}{}/{}/", url_path(&project.name), url_path(&release.id())),
            files: release.artifacts.iter().map(|a| self.file_json(project, release, a)).collect(),
        }
    }

    /// The keys of a release that has its own (a line's KEYS, Thunderbird's
    /// `releases/133.0/KEY`), on the primary.
    fn own_keys_url(&self, project: &Project, release: &Release) -> Option<String> {
        release.keys.as_ref()?;
        project.keys_of(release).map(|k| format!("{}{}", self.registry.primary.dist_url, url_path(&k.rel)))
    }

    fn keys_url(&self, project: &Project) -> Option<String> {
        project.keys.as_ref().map(|_| format!("{}{}/KEYS", self.registry.primary.site_url, url_path(&project.name)))
    }

    /// `<project>/latest.json`; `None` for a project with nothing current.
    pub(super) fn latest_json(&self, project: &Project) -> Result<Option<Vec<u8>>> {
        let Some(plan) = self.plan.project(&project.name) else { return Ok(None) };
        let Some(o) = crate::plan::offered::offered(project, plan, self.content) else { return Ok(None) };
        let release = o.release(project);
        let latest = LatestJson {
            format: FORMAT,
            project: project.name.clone(),
            // A release with keys of its own: those, from the primary.
            keys: self.own_keys_url(project, release).or_else(|| self.keys_url(project)),
            offered: release.artifacts[o.artifact].file.rel.to_string(),
            release: self.release_json(project, release),
        };
        Ok(Some(to_bytes(&latest)?))
    }

    /// `<project>/releases.json`: the project's current releases, newest first (its
    /// entry in `releases.json`); `None` for a project not in the plan.
    pub(super) fn project_releases_json(&self, p: &Project) -> Result<Option<Vec<u8>>> {
        let Some(plan) = self.plan.project(&p.name) else { return Ok(None) };
        let json = ProjectJson {
            format: FORMAT,
            project: p.name.clone(),
            latest: crate::plan::offered::offered_release(p, plan).map(|i| p.releases[i].id()),
            keys: self.keys_url(p),
            current: plan.current.iter().map(|&i| self.release_json(p, &p.releases[i])).collect(),
        };
        Ok(Some(to_bytes(&json)?))
    }

    /// `releases.json`, every project's entry in name order, as the parts it is written
    /// from: each project's `<project>/releases.json` as `sink` has it (put in this build
    /// or kept from the last), made again only when it has none. A new release at ten
    /// thousand projects serializes one project, not all of them.
    pub(super) fn releases_json_parts<'s>(
        &'s self,
        sink: &'s dyn crate::output::write::Sink,
    ) -> impl Iterator<Item = Result<Vec<u8>>> + 's {
        let head = format!("{{\n  \"format\": {FORMAT},\n  \"projects\": [\n").into_bytes();
        let entries = self.tree.projects.values().filter_map(move |p| {
            self.plan.project(&p.name)?;
            let entry = match sink.get(&format!("{}/releases.json", p.name)) {
                Some(bytes) => Ok(Some(bytes)),
                None => self.project_releases_json(p),
            };
            let mut entry = match entry {
                Ok(entry) => entry?,
                Err(e) => return Some(Err(e)),
            };
            if entry.last() == Some(&b'\n') {
                entry.pop();
            }
            Some(Ok(entry))
        });
        // The separator is a part of its own: an entry is never copied to put it first.
        let entries = entries
            .enumerate()
            .flat_map(|(i, e)| (i > 0).then(|| Ok(b",\n".to_vec())).into_iter().chain(std::iter::once(e)));
        std::iter::once(Ok(head)).chain(entries).chain(std::iter::once(Ok(b"\n  ]\n}\n".to_vec())))
    }
}

fn to_bytes<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(v)?;
    out.push(b'\n');
    Ok(out)
}

/// A version as version checkers compare it: without a leading `v` (`v9.0.83`), and
/// dotted where a directory spells it with `_` (HDF5's `v1_14_5` is 1.14.5, as its files
/// say).
fn number(version: &str) -> String {
    let n = match version.strip_prefix(['v', 'V']) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => version,
    };
    crate::util::version::underscored(n).unwrap_or_else(|| n.to_string())
}
