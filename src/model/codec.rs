//! The compressions closer reads a release's archives through (kernel.org's signatures
//! over the uncompressed tar, the source comparison's archive reader): their file name
//! endings and the command a downloader runs to decompress.

/// A compressed artifact whose signature is over its uncompressed bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Uncompressed {
    /// The signature, relative to the tree root (one of the release's `tar_signs`).
    pub signature: String,
    pub codec: Codec,
}

/// A compression a signature over the uncompressed content is checked through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Codec {
    Xz,
    Gzip,
    Bzip2,
    Zstd,
    /// lzip (GNU's `.tar.lz`: GMP, binutils, guile, gawk).
    Lzip,
    /// The legacy `.lzma` format (LZMA-Alone) that xz replaced.
    Lzma,
}

impl Codec {
    /// The codec of a file name ending (`xz`, `gz`, `bz2`, `zst`, `lz`, `lzma`).
    pub fn from_ext(ext: &str) -> Option<Codec> {
        Some(match ext {
            "xz" => Codec::Xz,
            "gz" => Codec::Gzip,
            "bz2" => Codec::Bzip2,
            "zst" => Codec::Zstd,
            "lz" => Codec::Lzip,
            "lzma" => Codec::Lzma,
            _ => return None,
        })
    }

    /// A compressed file's name split into the name of what it holds and its codec:
    /// `("X.tar", Bzip2)` of `X.tar.bz2`.
    pub fn split(name: &str) -> Option<(&str, Codec)> {
        let (inner, ext) = name.rsplit_once('.')?;
        Some((inner, Codec::from_ext(ext)?))
    }

    /// The codec of a short tar name's ending (`tgz`, `txz`, `tbz2`, `tbz`, `tzst`,
    /// `tlz`), which stands for `.tar.` and the codec's own.
    pub fn from_tar_ext(ext: &str) -> Option<Codec> {
        Some(match ext {
            "tgz" => Codec::Gzip,
            "txz" => Codec::Xz,
            "tbz2" | "tbz" => Codec::Bzip2,
            "tzst" => Codec::Zstd,
            "tlz" => Codec::Lzip,
            _ => return None,
        })
    }

    pub fn ext(self) -> &'static str {
        match self {
            Codec::Xz => "xz",
            Codec::Gzip => "gz",
            Codec::Bzip2 => "bz2",
            Codec::Zstd => "zst",
            Codec::Lzip => "lz",
            Codec::Lzma => "lzma",
        }
    }

    /// The command that writes the uncompressed bytes to standard output.
    pub fn decompress_command(self) -> &'static str {
        match self {
            Codec::Xz => "xz -dc",
            Codec::Gzip => "gzip -dc",
            Codec::Bzip2 => "bzip2 -dc",
            Codec::Zstd => "zstd -dc",
            Codec::Lzip => "lzip -dc",
            Codec::Lzma => "xz --format=lzma -dc",
        }
    }
}
