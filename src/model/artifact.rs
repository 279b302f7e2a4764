//! A release file and what describes it ([`Artifact`]): the tree's most numerous value
//! (half a million at foundation scale), kept apart from the rest of the tree's model so
//! that its size, which decides the build's memory, is looked after in one place.

use super::codec::Uncompressed;
use super::digests::Algo;
use super::signature::Check;
use super::tree::{BUNDLE_EXTS, CERT_EXTS, FileRef, MINISIGN_EXT};
use thin_vec::ThinVec;

/// A release file and the files that describe it. Written and read as JSON (a held
/// project's last good state) through `artifact_record`, its name in full.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(into = "super::artifact_record::ArtifactRecord", try_from = "super::artifact_record::ArtifactRecord")]
pub struct Artifact {
    /// Where its name starts in `file.rel`: its path relative to the release directory
    /// (usually a plain file name) is the end of its path in the tree ([`Artifact::name`];
    /// a copy of it was a `String` of each of half a million artifacts).
    pub(super) name_at: u32,
    pub file: FileRef,
    /// The detached signature: `<name>.asc` (armored), else `<name>.sig` or `<name>.gpg`
    /// (binary, GNU's form).
    pub asc: Option<FileRef>,
    /// Checksum sidecars the release manager uploaded: `<name>.sha512` and friends.
    pub checksums: ThinVec<(Algo, FileRef)>,
    /// Filled in by the verify stage.
    pub signature: Option<Check>,
    /// What few artifacts have, in one allocation made when the first of it is set
    /// ([`Artifact::extra_mut`]): an artifact is the tree's most numerous value (half a
    /// million at foundation scale), and these inline made it 950 bytes, then boxed
    /// one by one 584.
    pub extra: Option<Box<Extra>>,
}

/// The rarer facts of an [`Artifact`], read through its methods of the same names.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// Files that describe it and go where it goes: a Sigstore bundle (`.sigstore`,
    /// `.sigstore.json`, cosign's `.sig` + `.crt`), an SBOM (`.spdx.json`, `.cdx.json`),
    /// a provenance (`.intoto.jsonl`), a minisign signature.
    pub companions: ThinVec<FileRef>,
    /// Its Sigstore bundle (or cosign pair) checked against the pinned root, filled in
    /// by `check::sigstore` when the registry names one.
    pub sigstore: Option<Box<Check>>,
    /// Its minisign signature (`F.minisig`) checked against the project's minisign
    /// keys, filled in by `check::minisign`; `fingerprint` is the key id.
    pub minisign: Option<Box<Check>>,
    /// What it holds at its top, for an archive a release profile looks into
    /// (`check::archive`).
    pub archive: Option<Box<crate::model::archive::Top>>,
    /// A source archive whose tree is its tag's (`check::source`).
    pub tag_match: Option<Box<crate::model::archive::TagMatch>>,
    /// The signature of the signed checksum list that vouches for it, when its own
    /// signature is missing (filled in by the verify stage).
    pub covered_by: Option<Box<str>>,
    /// kernel.org's form: a `.sign` beside it signs its uncompressed content
    /// (`linux-6.6.tar.sign` covers `linux-6.6.tar.xz` and `linux-6.6.tar.gz`).
    pub signed_uncompressed: Option<Box<Uncompressed>>,
}

impl Artifact {
    /// An artifact as found, named `name` in its release, before its sidecars are
    /// attached and it is checked.
    pub fn new(name: &str, file: FileRef) -> Artifact {
        debug_assert!(file.rel.ends_with(name), "{name} is not the end of {}", file.rel);
        Artifact {
            name_at: file.rel.len().saturating_sub(name.len()) as u32,
            file,
            asc: None,
            checksums: ThinVec::new(),
            signature: None,
            extra: None,
        }
    }

    /// Its rarer facts, to set one: made when first asked for.
    pub fn extra_mut(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Default::default)
    }

    /// The files that describe it ([`Extra::companions`]).
    pub fn companions(&self) -> &[FileRef] {
        self.extra.as_ref().map_or(&[], |e| &e.companions)
    }

    /// Its Sigstore bundle's check ([`Extra::sigstore`]).
    pub fn sigstore(&self) -> Option<&Check> {
        self.extra.as_ref()?.sigstore.as_deref()
    }

    /// Its minisign (or other key) signature's check ([`Extra::minisign`]).
    pub fn minisign(&self) -> Option<&Check> {
        self.extra.as_ref()?.minisign.as_deref()
    }

    /// What it holds at its top ([`Extra::archive`]).
    pub fn archive(&self) -> Option<&crate::model::archive::Top> {
        self.extra.as_ref()?.archive.as_deref()
    }

    /// The tag its tree matches ([`Extra::tag_match`]).
    pub fn tag_match(&self) -> Option<&crate::model::archive::TagMatch> {
        self.extra.as_ref()?.tag_match.as_deref()
    }

    /// The signed list that vouches for it ([`Extra::covered_by`]).
    pub fn covered_by(&self) -> Option<&str> {
        self.extra.as_ref()?.covered_by.as_deref()
    }

    /// kernel.org's signature over its uncompressed content ([`Extra::signed_uncompressed`]).
    pub fn signed_uncompressed(&self) -> Option<&Uncompressed> {
        self.extra.as_ref()?.signed_uncompressed.as_deref()
    }

    /// Its path relative to the release directory (usually a plain file name).
    pub fn name(&self) -> &str {
        self.file.rel.get(self.name_at as usize..).unwrap_or(&self.file.rel)
    }

    /// Makes its name start `folder/` earlier: the name in a release that absorbed the
    /// folder it was in (`netboot-3.21.0/` of Alpine's `x86_64/`).
    pub fn name_from(&mut self, folder: &str) {
        self.name_at = self.name_at.saturating_sub(folder.len() as u32 + 1);
    }

    /// Is it signed other than by a checksum list: its own signature, or one over its
    /// uncompressed content?
    pub fn has_signature_file(&self) -> bool {
        self.asc.is_some() || self.signed_uncompressed().is_some()
    }

    /// Its own signature by a key its project's page names: `F.minisig` among its
    /// companions, else an `F.sig` there with no certificate beside it (a cosign key's or
    /// signify's; with a certificate it is cosign's keyless pair, Sigstore's). The
    /// minisign stage moves a `.sig` there when it proves not to be OpenPGP.
    pub fn key_signature(&self) -> Option<&FileRef> {
        // Asked of every artifact on every build: most have no companion at all.
        if self.companions().is_empty() {
            return None;
        }
        let named = |ext: &str| {
            let want = format!("{}{ext}", self.name());
            self.companions()
                .iter()
                .find(move |f| f.rel.ends_with(&want) && f.rel[..f.rel.len() - want.len()].ends_with('/'))
        };
        named(MINISIGN_EXT)
            .or_else(|| {
                let sig = named(".sig")?;
                CERT_EXTS.iter().all(|e| named(&format!(".{e}")).is_none()).then_some(sig)
            })
            .or_else(|| {
                // A cosign key's bundle, as the Sigstore stage found it.
                self.sigstore().filter(|c| *c.detail == *super::signature::KEY_BUNDLE)?;
                BUNDLE_EXTS.iter().find_map(|e| named(e))
            })
    }

    /// Its own key signature and the tool that made it: a `.minisig` is minisign's, a
    /// `.sig` what its check found (minisign's too until checked).
    pub fn key_signed(&self) -> Option<(&FileRef, super::signature::KeyTool)> {
        use super::signature::KeyTool;
        let sig = self.key_signature()?;
        let tool = match self.minisign() {
            Some(c) if !sig.rel.ends_with(MINISIGN_EXT) => KeyTool::of(c),
            _ => KeyTool::Minisign,
        };
        Some((sig, tool))
    }

    /// The ending of its signature file: `asc` when it has none yet (what `closer sign`
    /// makes) or its name says so before `.txt` (chrony's `X-tar-gz-asc.txt`).
    pub fn signature_ext(&self) -> &str {
        match self.asc.as_ref().map(|f| &f.rel) {
            Some(rel) if rel.ends_with("-asc.txt") => "asc",
            rel => rel.and_then(|r| r.rsplit_once('.')).map_or("asc", |(_, ext)| ext),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_artifact_stays_small_and_its_rare_facts_cost_nothing_until_set() {
        // Half a million of them at foundation scale: 448 bytes (its two files' rarer
        // digests in one box each, its own rare facts in one, paths as `Box<str>`) was 584.
        assert!(std::mem::size_of::<Artifact>() <= 448, "{}", std::mem::size_of::<Artifact>());
        let mut a = Artifact::new("a.tar.gz", FileRef::new("p/1.0/a.tar.gz", Default::default()));
        assert!(a.extra.is_none() && a.companions().is_empty() && a.covered_by().is_none());
        a.extra_mut().covered_by = Some("p/1.0/SHA256SUMS.asc".into());
        assert_eq!((a.covered_by(), a.sigstore().is_none()), (Some("p/1.0/SHA256SUMS.asc"), true));
    }
}
