//! The SHA-512 and SHA-256 every artifact is read through, on the fastest implementation
//! the build has: OpenSSL's (feature `digest-openssl`, or `crypto-openssl`, which links
//! it anyway), else ring's assembly, already built for rustls. Hashing is most of a cold
//! build, and the two differ by a quarter on SHA-512 (BENCHMARKS.md, session 16), so the
//! choice is made once, here, behind one small type per digest that the hash states and
//! the signature checks share. Both can be cloned mid-stream: a signature check finishes
//! a copy of a file's state with its own trailer.

/// One digest type over a backend state: `new`, `update`, `finish` and `with_prefix`.
macro_rules! digest {
    ($name:ident, $len:literal, $state:ty, $new:expr, $finish:expr) => {
        #[derive(Clone)]
        pub struct $name($state);

        impl $name {
            pub fn new() -> $name {
                $name($new)
            }
            pub fn update(&mut self, bytes: &[u8]) {
                self.0.update(bytes)
            }
            pub fn finish(self) -> [u8; $len] {
                $finish(self.0)
            }
            /// A state that has already hashed `bytes`.
            pub fn with_prefix(bytes: &[u8]) -> $name {
                let mut h = $name::new();
                h.update(bytes);
                h
            }
        }

        impl Default for $name {
            fn default() -> $name {
                $name::new()
            }
        }
    };
}

#[cfg(feature = "digest-openssl")]
mod imp {
    use openssl::sha;
    digest!(Sha512, 64, sha::Sha512, sha::Sha512::new(), sha::Sha512::finish);
    digest!(Sha256, 32, sha::Sha256, sha::Sha256::new(), sha::Sha256::finish);
    pub const NAME: &str = "openssl";
}

#[cfg(not(feature = "digest-openssl"))]
mod imp {
    use ring::digest::{Context, SHA256, SHA512};
    /// ring's digest, as an array (its length is the algorithm's).
    fn array<const N: usize>(c: Context) -> [u8; N] {
        c.finish().as_ref().try_into().expect("the algorithm's length")
    }
    digest!(Sha512, 64, Context, Context::new(&SHA512), array::<64>);
    digest!(Sha256, 32, Context, Context::new(&SHA256), array::<32>);
    pub const NAME: &str = "ring";
}

pub use imp::{NAME, Sha256, Sha512};

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::Digest;

    #[test]
    fn agrees_with_the_reference_on_every_split() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        for split in [0, 1, 63, 64, 111, 112, 127, 128, 129, 4096, 9_999, 10_000] {
            let mut a = Sha512::new();
            a.update(&data[..split]);
            let copy = a.clone();
            a.update(&data[split..]);
            assert_eq!(a.finish().to_vec(), sha2::Sha512::digest(&data).to_vec(), "{NAME} sha512 at {split}");
            let mut b = copy;
            b.update(b"trailer");
            let mut want = sha2::Sha512::new_with_prefix(&data[..split]);
            want.update(b"trailer");
            assert_eq!(b.finish().to_vec(), want.finalize().to_vec(), "{NAME} clone at {split}");
            let mut c = Sha256::with_prefix(&data[..split]);
            c.update(&data[split..]);
            assert_eq!(c.finish().to_vec(), sha2::Sha256::digest(&data).to_vec(), "{NAME} sha256 at {split}");
        }
    }
}
