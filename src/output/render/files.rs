//! The files of a current release that are not pages: checksum sidecars and lists
//! (`output::sums`), copies of the signatures, and a Metalink per artifact listing the
//! mirrors that serve it.

use super::Input;
use crate::model::tree::{Artifact, Project, Release};
use crate::output::{metalink, sums, torrent};
use crate::util::text::{hex, url_path};
use anyhow::Result;

/// A file of the site that is not a page.
pub(super) struct SiteFile {
    pub(super) rel: String,
    pub(super) bytes: Vec<u8>,
    /// A file before it in the same directory with the same bytes.
    pub(super) same_as: Option<String>,
}
impl SiteFile {
    fn new(rel: String, bytes: Vec<u8>) -> SiteFile {
        SiteFile { rel, bytes, same_as: None }
    }
}

impl Input<'_> {
    /// The Metalink of an artifact: the mirrors serving it, best tier first, then the primary.
    pub(super) fn metalink(&self, unit: Option<usize>, a: &Artifact, signature: Option<&str>) -> Option<String> {
        let d = a.file.digests.as_ref()?;
        let path = url_path(&a.file.rel);
        let mut urls: Vec<metalink::Url> = self
            .serving(unit, self.since_of(a))
            .filter_map(|m| {
                let base = m.urls.download()?;
                Some(metalink::Url {
                    url: format!("{base}{path}"),
                    location: Some(m.country.to_ascii_lowercase()),
                    priority: m.tier + if m.backup { 10 } else { 0 },
                })
            })
            .collect();
        urls.push(metalink::Url {
            url: format!("{}{path}", self.registry.primary.dist_url),
            location: None,
            priority: 100,
        });
        Some(metalink::metalink(&metalink::File {
            name: a.name.rsplit('/').next().unwrap_or(&a.name),
            size: a.file.stat.size,
            sha256: &hex(&d.sha256),
            sha512: &hex(&d.sha512),
            signature,
            urls: &urls,
            published: self.generated_at,
        }))
    }
    /// The `.torrent` of an artifact: the mirrors serving it, in registry order, then
    /// the primary, as web seeds.
    pub(super) fn torrent(&self, unit: Option<usize>, a: &Artifact) -> Option<Vec<u8>> {
        let pieces = a.file.digests.as_ref()?.pieces.as_ref()?;
        let path = url_path(&a.file.rel);
        let mut seeds: Vec<String> = self
            .serving(unit, self.since_of(a))
            .filter_map(|m| Some(format!("{}{path}", m.urls.download()?)))
            .collect();
        seeds.push(format!("{}{path}", self.registry.primary.dist_url));
        let name = a.name.rsplit('/').next().unwrap_or(&a.name);
        let file = torrent::File { name, size: a.file.stat.size, pieces, web_seeds: &seeds };
        Some(torrent::metainfo(&file).0)
    }
    /// The files of a current release that are not pages: checksum lists and sidecars,
    /// signature copies and Metalinks.
    pub(super) fn release_files(&self, project: &Project, release: &Release) -> Result<Vec<SiteFile>> {
        let mut out = Vec::new();
        let algos = sums::published(self.registry.policy.legacy_md5);
        let dir = format!("{}/{}", project.name, release.version);
        let unit = self.plan.copies.unit_of_version(&project.name, &release.version);
        for a in &release.artifacts {
            let Some(d) = &a.file.digests else { continue };
            for &algo in &algos {
                if let Some(line) = sums::sidecar(d, algo, &a.name) {
                    out.push(SiteFile::new(format!("{dir}/{}.{}", a.name, algo.ext()), line.into_bytes()));
                }
            }
            let asc = match &a.asc {
                Some(asc) => Some(crate::util::fs::read(&self.tree.root.join(&asc.rel))?),
                None => None,
            };
            // Metalink carries the signature as text: an armored one as it is, a binary
            // one armored.
            let sig_text = match (asc.as_deref(), a.signature_ext()) {
                (Some(b), "asc") => std::str::from_utf8(b).ok().map(str::to_string),
                (Some(b), _) => crate::check::pgp::armored_signature(b),
                (None, _) => None,
            };
            if let Some(m) = self.metalink(unit, a, sig_text.as_deref()) {
                out.push(SiteFile::new(format!("{dir}/{}.meta4", a.name), m.into_bytes()));
            }
            if let Some(asc) = asc {
                out.push(SiteFile::new(format!("{dir}/{}.{}", a.name, a.signature_ext()), asc));
            }
            if let Some(t) = self.torrent(unit, a) {
                out.push(SiteFile::new(format!("{dir}/{}.torrent", a.name), t));
            }
        }
        for &algo in &algos {
            let mut sums =
                SiteFile::new(format!("{dir}/{}", sums::sums_name(algo)), sums::sums(release, algo).into_bytes());
            // With one artifact the list is its sidecar, byte for byte: the same file.
            sums.same_as = out.iter().find(|f| f.bytes == sums.bytes).map(|f| f.rel.clone());
            out.push(sums);
        }
        Ok(out)
    }
}
