//! The fingerprint of a set of inputs: equal fingerprints mean an output made from them
//! would be equal, so it need not be made again. The mirror lists (`lists::select`) and
//! the site (`site_digest`) are fingerprinted by the same hasher, so a file counts the
//! same way in both.

use crate::model::tree::FileRef;

/// A SHA-256 of build inputs: length-prefixed bytes, files by name, metadata and
/// checksum, links by name and target. The pieces are small (a million files make
/// three million of them), so they are gathered in a buffer and hashed in large blocks:
/// the same bytes, the same digest, a fifth of the time.
#[derive(Clone)]
pub struct Fingerprint {
    hash: crate::util::sha::Sha256,
    buf: Vec<u8>,
}

/// How much is gathered before it is hashed.
const BLOCK: usize = 64 << 10;

impl Default for Fingerprint {
    fn default() -> Fingerprint {
        Fingerprint { hash: crate::util::sha::Sha256::new(), buf: Vec::with_capacity(BLOCK + 4096) }
    }
}

impl Fingerprint {
    pub fn put(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(&(b.len() as u64).to_le_bytes());
        self.buf.extend_from_slice(b);
        if self.buf.len() >= BLOCK {
            self.hash.update(&self.buf);
            self.buf.clear();
        }
    }

    pub fn file(&mut self, f: &FileRef) {
        self.put(f.rel.as_bytes());
        let s = &f.stat;
        let mut meta = [0u8; 24];
        meta[..8].copy_from_slice(&s.size.to_le_bytes());
        meta[8..16].copy_from_slice(&(s.mtime as u64).to_le_bytes());
        meta[16..].copy_from_slice(&(s.ctime as u64).to_le_bytes());
        self.put(&meta);
        if let Some(d) = &f.digests {
            self.put(&d.sha512);
        }
    }

    pub fn link(&mut self, l: &crate::model::tree::Link) {
        self.put(l.rel.as_bytes());
        self.put(l.target.as_bytes());
        self.put(&l.mtime.to_le_bytes());
    }

    pub fn finish(mut self) -> [u8; 32] {
        self.hash.update(&self.buf);
        self.hash.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Buffered or not, the digest is SHA-256 of the length-prefixed pieces: a
    /// fingerprint written by an older closer still matches.
    #[test]
    fn the_digest_is_that_of_the_pieces_whatever_the_buffer() {
        use sha2::Digest;
        let pieces: Vec<Vec<u8>> =
            (0..20_000u32).map(|i| i.to_string().repeat((i % 7) as usize).into_bytes()).collect();
        let mut f = Fingerprint::default();
        let mut plain = sha2::Sha256::new();
        for p in &pieces {
            f.put(p);
            plain.update((p.len() as u64).to_le_bytes());
            plain.update(p);
        }
        assert_eq!(f.finish(), <[u8; 32]>::from(plain.finalize()));
    }
}
