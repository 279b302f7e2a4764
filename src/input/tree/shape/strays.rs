//! Files right in a directory of releases whose names say no version: a copy of the
//! newest named for the project (carried as a note), a version written without its dots
//! (joins the release beside it), or a problem naming the file and its sidecars at once.

use super::{Flat, Reader, flat};
use crate::model::tree::FileRef;
use crate::util::problem::Problem;
use std::collections::BTreeSet;

impl Reader<'_> {
    /// Places the files of a directory that no name read as a release's.
    pub(super) fn strays(
        &mut self,
        strays: &[(String, FileRef)],
        prefix: &str,
        flats: &mut Vec<Flat>,
        line: Option<&str>,
    ) {
        // One problem for a file and its signatures and checksums (zlib's `zlib131.zip`
        // and `zlib131.zip.asc` were two).
        let names: BTreeSet<&str> = strays.iter().map(|(n, _)| n.as_str()).collect();
        // (A minisign signature is one too: MinIO's `minio.minisig`.)
        let artifact_of = |n: &'_ str| flat::artifact_of(n.strip_suffix(".minisig").unwrap_or(n)).to_string();
        for (name, file) in strays {
            let of = artifact_of(name);
            if flat::is_project_copy(&of, file.rel.split('/').next().unwrap_or_default()) {
                self.out.notes.push(file.clone());
                continue;
            }
            if let Some(k) = flat::packed_version(&of, flats.iter().map(|f| f.version.as_str())) {
                let (product, version) = (flats[k].product.clone(), flats[k].version.clone());
                flats.push(Flat { name: format!("{prefix}{name}"), file: file.clone(), product, version });
                continue;
            }
            if of == *name || !names.contains(of.as_str()) {
                let with: Vec<&str> = names.iter().copied().filter(|n| n != name && artifact_of(n) == *name).collect();
                self.stray(file, line, &with);
            }
        }
    }

    fn stray(&mut self, f: &FileRef, line: Option<&str>, with: &[&str]) {
        // An exported secret key left beside the releases: said as what it is, never with
        // a fix that would carry it.
        let path = self.root.join(&*f.rel);
        if let Some(kind) = crate::util::secrets::kind_of_file(&path) {
            self.problems.push(crate::util::secrets::problem(&path, kind));
            return;
        }
        let what = match line {
            Some(l) => format!(
                "is a file in the release line {l}, outside its version directories, whose name says no version"
            ),
            None => "is a file beside the releases whose name says no version".to_string(),
        };
        let what = match with {
            [] => what,
            [one] => format!("{what} (and so is its {one} beside it)"),
            _ => format!("{what} (and so are its {} beside it)", with.join(", ")),
        };
        self.problems.push(
            Problem::new(
                self.root.join(&*f.rel).display().to_string(),
                format!(
                    "{what}; a project directory holds KEYS, notes, a directory per version, or release files \
                     named <name>-<version><extension>{}",
                    self.tried
                ),
            )
            .hint(format!(
                "rename it, move it into a version directory, place it with a layout rule, add its name to \
                 policy.notes if it is a note (carried, never signed), or list it in {}",
                super::super::IGNORE_FILE
            )),
        );
    }
}
