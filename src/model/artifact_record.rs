//! An artifact as JSON records it (a held project's last good state): its name in full,
//! as before the name became an offset into its path, so the files stay byte for byte
//! what they were and old ones are still read.

use super::archive::{TagMatch, Top};
use super::codec::Uncompressed;
use super::digests::Algo;
use super::signature::Check;
use super::tree::{Artifact, Extra, FileRef};
use thin_vec::ThinVec;

#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct ArtifactRecord {
    name: String,
    file: FileRef,
    asc: Option<FileRef>,
    checksums: ThinVec<(Algo, FileRef)>,
    companions: ThinVec<FileRef>,
    signature: Option<Check>,
    sigstore: Option<Box<Check>>,
    minisign: Option<Box<Check>>,
    archive: Option<Box<Top>>,
    tag_match: Option<Box<TagMatch>>,
    covered_by: Option<String>,
    signed_uncompressed: Option<Box<Uncompressed>>,
}

impl From<Artifact> for ArtifactRecord {
    fn from(a: Artifact) -> ArtifactRecord {
        let name = a.name().to_string();
        let e = a.extra.map(|e| *e).unwrap_or_default();
        ArtifactRecord {
            name,
            file: a.file,
            asc: a.asc,
            checksums: a.checksums,
            companions: e.companions,
            signature: a.signature,
            sigstore: e.sigstore,
            minisign: e.minisign,
            archive: e.archive,
            tag_match: e.tag_match,
            covered_by: e.covered_by.map(String::from),
            signed_uncompressed: e.signed_uncompressed,
        }
    }
}

impl TryFrom<ArtifactRecord> for Artifact {
    type Error = String;

    fn try_from(r: ArtifactRecord) -> Result<Artifact, String> {
        if !r.file.rel.ends_with(&r.name) {
            return Err(format!("the artifact `{}` is not the end of its path `{}`", r.name, r.file.rel));
        }
        let mut a = Artifact::new(&r.name, r.file);
        a.asc = r.asc;
        a.checksums = r.checksums;
        a.signature = r.signature;
        let e = Extra {
            companions: r.companions,
            sigstore: r.sigstore,
            minisign: r.minisign,
            archive: r.archive,
            tag_match: r.tag_match,
            covered_by: r.covered_by.map(String::into_boxed_str),
            signed_uncompressed: r.signed_uncompressed,
        };
        let none = e.companions.is_empty()
            && e.sigstore.is_none()
            && e.minisign.is_none()
            && e.archive.is_none()
            && e.tag_match.is_none()
            && e.covered_by.is_none()
            && e.signed_uncompressed.is_none();
        a.extra = (!none).then(|| Box::new(e));
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tree::Stat;

    #[test]
    fn an_artifact_reads_back_as_written_with_its_name_in_full() {
        let mut a = Artifact::new("bin/a.zip", FileRef::new("p/1.0/bin/a.zip", Stat::default()));
        a.extra_mut().covered_by = Some("p/1.0/SHA256SUMS.asc".into());
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.starts_with(r#"{"name":"bin/a.zip","file":{"rel":"p/1.0/bin/a.zip""#), "{json}");
        let back: Artifact = serde_json::from_str(&json).unwrap();
        assert_eq!((back.name(), back.covered_by()), ("bin/a.zip", Some("p/1.0/SHA256SUMS.asc")));
        let wrong = json.replace(r#""name":"bin/a.zip""#, r#""name":"other.zip""#);
        assert!(serde_json::from_str::<Artifact>(&wrong).is_err(), "a name that is not the path's end");
        let mut nested = Artifact::new("a.zip", FileRef::new("p/1.0/bin/a.zip", Stat::default()));
        nested.name_from("bin");
        assert_eq!(nested.name(), "bin/a.zip");
    }
}
