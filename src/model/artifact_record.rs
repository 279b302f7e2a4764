//! An artifact as JSON records it (a held project's last good state): its name in full,
//! as before the name became an offset into its path, so the files stay byte for byte
//! what they were and old ones are still read.

use super::archive::{TagMatch, Top};
use super::codec::Uncompressed;
use super::digests::Algo;
use super::signature::Check;
use super::tree::{Artifact, FileRef};
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
        ArtifactRecord {
            name: a.name().to_string(),
            file: a.file,
            asc: a.asc,
            checksums: a.checksums,
            companions: a.companions,
            signature: a.signature,
            sigstore: a.sigstore,
            minisign: a.minisign,
            archive: a.archive,
            tag_match: a.tag_match,
            covered_by: a.covered_by,
            signed_uncompressed: a.signed_uncompressed,
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
        a.companions = r.companions;
        a.signature = r.signature;
        a.sigstore = r.sigstore;
        a.minisign = r.minisign;
        a.archive = r.archive;
        a.tag_match = r.tag_match;
        a.covered_by = r.covered_by;
        a.signed_uncompressed = r.signed_uncompressed;
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tree::Stat;

    #[test]
    fn an_artifact_reads_back_as_written_with_its_name_in_full() {
        let mut a = Artifact::new("bin/a.zip", FileRef::new("p/1.0/bin/a.zip".into(), Stat::default()));
        a.covered_by = Some("p/1.0/SHA256SUMS.asc".into());
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.starts_with(r#"{"name":"bin/a.zip","file":{"rel":"p/1.0/bin/a.zip""#), "{json}");
        let back: Artifact = serde_json::from_str(&json).unwrap();
        assert_eq!((back.name(), back.covered_by.as_deref()), ("bin/a.zip", Some("p/1.0/SHA256SUMS.asc")));
        let wrong = json.replace(r#""name":"bin/a.zip""#, r#""name":"other.zip""#);
        assert!(serde_json::from_str::<Artifact>(&wrong).is_err(), "a name that is not the path's end");
        let mut nested = Artifact::new("a.zip", FileRef::new("p/1.0/bin/a.zip".into(), Stat::default()));
        nested.name_from("bin");
        assert_eq!(nested.name(), "bin/a.zip");
    }
}
