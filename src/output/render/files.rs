//! The files of a current release that are not pages: checksum sidecars and lists
//! (`output::sums`), copies of the signatures, and a Metalink and a torrent per artifact
//! naming the mirrors that serve it: the best few per continent, since a thousand mirrors
//! named in each of half a million artifacts would make the site larger than the tree.

use super::Input;
use crate::input::registry::Mirror;
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

/// The mirrors a Metalink or torrent names, in registry order: of those that serve the
/// file, at most `per_continent` on each continent, preferring a mirror that is not a
/// backup, then a lower tier, then more bandwidth, then the registry's order.
fn named<'m>(serving: impl Iterator<Item = &'m Mirror>, per_continent: Option<usize>) -> Vec<&'m Mirror> {
    let mut all: Vec<(usize, &Mirror)> = serving.enumerate().collect();
    let Some(cap) = per_continent else { return all.into_iter().map(|(_, m)| m).collect() };
    let rank = |m: &Mirror| (m.backup, m.tier, std::cmp::Reverse(m.bandwidth));
    all.sort_by(|(i, a), (j, b)| (&a.continent, rank(a), i).cmp(&(&b.continent, rank(b), j)));
    let mut kept: Vec<(usize, &Mirror)> =
        all.chunk_by(|(_, a), (_, b)| a.continent == b.continent).flat_map(|c| c.iter().take(cap)).copied().collect();
    kept.sort_by_key(|&(i, _)| i);
    kept.into_iter().map(|(_, m)| m).collect()
}

impl Input<'_> {
    /// The Metalink of an artifact: the mirrors named for it (`named`), then the primary;
    /// `published` is the time its project's pages state.
    fn metalink(&self, mirrors: &[&Mirror], a: &Artifact, signature: Option<&str>, published: i64) -> Option<String> {
        let d = a.file.digests.as_ref()?;
        let path = url_path(&a.file.rel);
        let mut urls: Vec<metalink::Url> = mirrors
            .iter()
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
            name: a.name().rsplit('/').next().unwrap_or(a.name()),
            size: a.file.stat.size,
            sha256: &hex(&d.sha256),
            sha512: &hex(&d.sha512),
            signature,
            urls: &urls,
            published,
        }))
    }
    /// The `.torrent` of an artifact: the mirrors named for it (`named`), in registry
    /// order, then the primary, as web seeds.
    fn torrent(&self, mirrors: &[&Mirror], a: &Artifact) -> Option<Vec<u8>> {
        let pieces = a.file.digests.as_ref()?.pieces()?;
        let path = url_path(&a.file.rel);
        let mut seeds: Vec<String> =
            mirrors.iter().filter_map(|m| Some(format!("{}{path}", m.urls.download()?))).collect();
        seeds.push(format!("{}{path}", self.registry.primary.dist_url));
        let name = a.name().rsplit('/').next().unwrap_or(a.name());
        let file = torrent::File { name, size: a.file.stat.size, pieces, web_seeds: &seeds };
        Some(torrent::metainfo(&file).0)
    }
    /// A signature's bytes for the site: the tree's, when they are what was checked; else
    /// (a held project's signature replaced after its last good state was published, a
    /// re-rolled release) the copy the last build wrote, when it is, and none otherwise:
    /// a held project's page never serves a signature of bytes the mirrors do not carry.
    fn signature_bytes(&self, asc: &crate::model::tree::FileRef, site_rel: &str) -> Option<Vec<u8>> {
        let checked = |b: &Vec<u8>| {
            asc.digests.as_ref().is_none_or(|d| {
                let mut h = crate::util::sha::Sha256::new();
                h.update(b);
                h.finish() == d.sha256
            })
        };
        std::fs::read(self.tree.root.join(&*asc.rel))
            .ok()
            .filter(checked)
            .or_else(|| self.previous.and_then(|out| std::fs::read(out.join(site_rel)).ok()).filter(checked))
    }
    /// The files of a current release that are not pages: checksum lists and sidecars,
    /// signature copies and Metalinks.
    pub(super) fn release_files(&self, project: &Project, release: &Release) -> Result<Vec<SiteFile>> {
        let mut out = Vec::new();
        let algos = sums::published(self.registry.policy.legacy_md5);
        let dir = format!("{}/{}", project.name, release.id());
        let unit = self.plan.copies.unit_of_version(&project.name, &release.id());
        // The artifacts of a release mostly share the time they appeared, so the mirrors
        // named for one are named for the next.
        let mut named_since: Option<(i64, Vec<&Mirror>)> = None;
        for a in &release.artifacts {
            let Some(d) = &a.file.digests else { continue };
            let since = self.since_of(a);
            if named_since.as_ref().is_none_or(|(s, _)| *s != since) {
                let policy = &self.registry.policy;
                named_since = Some((since, named(self.serving(unit, since), policy.metalink_per_continent)));
            }
            let mirrors = named_since.as_ref().map(|(_, m)| m.as_slice()).unwrap_or_default();
            for &algo in &algos {
                if let Some(line) = sums::sidecar(d, algo, a.name()) {
                    out.push(SiteFile::new(format!("{dir}/{}.{}", a.name(), algo.ext()), line.into_bytes()));
                }
            }
            let site_rel = format!("{dir}/{}.{}", a.name(), a.signature_ext());
            let asc = a.asc.as_ref().and_then(|asc| self.signature_bytes(asc, &site_rel));
            // Metalink carries the signature as text: an armored one as it is, a binary
            // one armored.
            let sig_text = match (asc.as_deref(), a.signature_ext()) {
                (Some(b), "asc") => std::str::from_utf8(b).ok().map(str::to_string),
                (Some(b), _) => crate::check::pgp::armored_signature(b),
                (None, _) => None,
            };
            if let Some(m) = self.metalink(mirrors, a, sig_text.as_deref(), self.time_of(Some(project))) {
                out.push(SiteFile::new(format!("{dir}/{}.meta4", a.name()), m.into_bytes()));
            }
            if let Some(asc) = asc {
                out.push(SiteFile::new(site_rel, asc));
            }
            if let Some(t) = self.torrent(mirrors, a) {
                out.push(SiteFile::new(format!("{dir}/{}.torrent", a.name()), t));
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
