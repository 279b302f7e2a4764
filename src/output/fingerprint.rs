//! The fingerprint of a set of inputs: equal fingerprints mean an output made from them
//! would be equal, so it need not be made again. The mirror lists (`lists::select`) and
//! the site (`site_digest`) are fingerprinted by the same hasher, so a file counts the
//! same way in both.

use crate::model::tree::FileRef;

/// A SHA-256 of build inputs: length-prefixed bytes, files by name, metadata and
/// checksum, links by name and target.
#[derive(Default, Clone)]
pub struct Fingerprint(sha2::Sha256);

impl Fingerprint {
    pub fn put(&mut self, b: &[u8]) {
        use sha2::Digest;
        self.0.update((b.len() as u64).to_le_bytes());
        self.0.update(b);
    }

    pub fn file(&mut self, f: &FileRef) {
        self.put(f.rel.as_bytes());
        let s = &f.stat;
        self.put(&[s.size.to_le_bytes(), (s.mtime as u64).to_le_bytes(), (s.ctime as u64).to_le_bytes()].concat());
        if let Some(d) = &f.digests {
            self.put(&d.sha512);
        }
    }

    pub fn link(&mut self, l: &crate::model::tree::Link) {
        self.put(l.rel.as_bytes());
        self.put(l.target.as_bytes());
        self.put(&l.mtime.to_le_bytes());
    }

    pub fn finish(self) -> [u8; 32] {
        use sha2::Digest;
        self.0.finalize().into()
    }
}
