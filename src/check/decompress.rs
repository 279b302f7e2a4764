//! Compressed artifacts read as their uncompressed bytes, for signatures made over the
//! uncompressed content (kernel.org's `linux-6.6.tar.sign` over `linux-6.6.tar.xz`
//! and `.tar.gz`). Files of several streams (pixz, pigz, pbzip2, zstd frames) are read
//! whole, as `xz -dc` reads them; a truncated or corrupt stream is an error, never a
//! shorter file.

use crate::model::digests::HashState;
use crate::model::tree::Codec;
use crate::util::sha::{Sha256, Sha512};
use std::io::{BufRead, BufReader, Read};

/// The most memory an xz stream may ask for. Its header names its dictionary, so a
/// crafted file could otherwise make closer allocate gigabytes (found by the fuzzer);
/// xz's presets need at most 65 MiB to decompress.
pub const XZ_MEMLIMIT: u64 = 512 << 20;

/// A reader of the uncompressed bytes of `r`, compressed with `codec`.
pub fn decoder<'a, R: BufRead + Send + Sync + 'a>(
    codec: Codec,
    r: R,
) -> std::io::Result<Box<dyn Read + Send + Sync + 'a>> {
    Ok(match codec {
        Codec::Xz => {
            // The xz format only (not the legacy .lzma one the auto decoder also takes),
            // every stream of a file, within the memory limit.
            let stream = liblzma::stream::Stream::new_stream_decoder(XZ_MEMLIMIT, liblzma::stream::CONCATENATED)
                .map_err(std::io::Error::other)?;
            Box::new(liblzma::bufread::XzDecoder::new_stream(r, stream))
        }
        Codec::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(r)),
        Codec::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(r)),
        Codec::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(r)?),
        // lzip's members, every one of a file, within the same memory limit as xz.
        Codec::Lzip => {
            let stream = liblzma::stream::Stream::new_lzip_decoder(XZ_MEMLIMIT, liblzma::stream::CONCATENATED)
                .map_err(std::io::Error::other)?;
            Box::new(liblzma::bufread::XzDecoder::new_stream(r, stream))
        }
        Codec::Lzma => {
            let stream = liblzma::stream::Stream::new_lzma_decoder(XZ_MEMLIMIT).map_err(std::io::Error::other)?;
            Box::new(liblzma::bufread::XzDecoder::new_stream(r, stream))
        }
    })
}

/// Why a compressed file cannot be read, in the words a release manager needs.
pub fn describe(codec: Codec, e: &std::io::Error) -> String {
    let what = match e.kind() {
        std::io::ErrorKind::UnexpectedEof => {
            "it ends before its compressed stream does (truncated upload?)".to_string()
        }
        _ if e.to_string().contains("memory limit") => format!(
            "its stream needs more than {} MiB of memory to decompress (no xz preset does; recompress it with xz -9 or lower)",
            XZ_MEMLIMIT >> 20
        ),
        _ => format!("{e}"),
    };
    format!("cannot be read as {}: {what}", codec.ext())
}

/// Hashes the uncompressed bytes of what `r` reads, then reads `r` to its end (so that
/// a tee under it sees every byte even when the stream is corrupt). The result is the
/// uncompressed states, or why the stream cannot be read; the `Err` of the outer
/// result is an I/O error of `r` itself.
pub fn hash_uncompressed<R: Read + Send + Sync>(
    codec: Codec,
    r: &mut R,
) -> std::io::Result<Result<Box<HashState>, String>> {
    let read = read_uncompressed(Some(codec), r, u64::MAX, true, false)?;
    Ok(read.states.expect("asked for"))
}

/// What one read of an (uncompressed or compressed) stream found: the hash states of
/// its uncompressed bytes, and the tree of the tar archive it is, each when asked.
pub struct Uncompressed {
    pub states: Option<Result<Box<HashState>, String>>,
    pub tar: Option<Result<super::swhid::Tree, String>>,
}

/// Files up to this size (compressed) are decoded, hashed and read as a tar on the
/// calling thread: for them a second thread and its buffers cost more than they save
/// (a million-file tree holds hundreds of thousands of small `.tar.gz`).
const INLINE_UP_TO: u64 = 4 << 20;

/// Reads what `r` reads (`size` bytes, or `u64::MAX` when unknown), uncompressed
/// through `codec` (none: as it is), into the hash states (`states`) and a tar
/// archive's tree (`tar`), then reads `r` to its end (so that a tee under it sees every
/// byte even when the stream is corrupt). The `Err` is an I/O error of `r` itself.
pub fn read_uncompressed<R: Read + Send + Sync>(
    codec: Option<Codec>,
    r: &mut R,
    size: u64,
    states: bool,
    tar: bool,
) -> std::io::Result<Uncompressed> {
    let mut input = BufReader::with_capacity(size.saturating_add(1).clamp(8 << 10, 1 << 20) as usize, r);
    let name = |e: &std::io::Error| codec.map_or_else(|| format!("cannot be read: {e}"), |c| describe(c, e));
    let read = |d: &mut dyn Read| {
        if size <= INLINE_UP_TO { consume_inline(d, states, tar) } else { consume(d, states, tar) }
    };
    let outcome = match codec {
        Some(c) => match decoder(c, &mut input) {
            Ok(mut d) => read(&mut d),
            Err(e) => Err(e),
        },
        None => read(&mut input),
    };
    std::io::copy(&mut input, &mut std::io::sink())?;
    Ok(match outcome {
        Ok((s, t)) => Uncompressed { states: s.map(|s| Ok(Box::new(s))), tar: t },
        Err(e) => Uncompressed { states: states.then(|| Err(name(&e))), tar: tar.then(|| Err(name(&e))) },
    })
}

/// The buffers one thread decodes into and another reads, as a `Read`, hashing what
/// passes when asked.
struct Channel {
    rx: std::sync::mpsc::Receiver<(Vec<u8>, usize)>,
    back: std::sync::mpsc::Sender<Vec<u8>>,
    current: Option<(Vec<u8>, usize, usize)>,
    hashes: Option<(Sha512, Sha256)>,
}

impl Read for Channel {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if let Some((buf, n, at)) = &mut self.current {
                if *at < *n {
                    let k = out.len().min(*n - *at);
                    out[..k].copy_from_slice(&buf[*at..*at + k]);
                    if let Some((s512, s256)) = &mut self.hashes {
                        s512.update(&out[..k]);
                        s256.update(&out[..k]);
                    }
                    *at += k;
                    return Ok(k);
                }
                // The decoder may be gone after an error; the buffer is then dropped.
                _ = self.back.send(self.current.take().expect("just seen").0);
            }
            match self.rx.recv() {
                Ok((buf, n)) => self.current = Some((buf, n, 0)),
                Err(_) => return Ok(0),
            }
        }
    }
}

/// Reads what passes through the hash states, when there are any.
struct Hashing<'a> {
    inner: &'a mut dyn Read,
    hashes: Option<(Sha512, Sha256)>,
    /// The first error of `inner`, kept: the tar reader reports its own words for it.
    error: Option<std::io::Error>,
}

impl Read for Hashing<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = match self.inner.read(out) {
            Ok(n) => n,
            Err(e) => {
                let again = std::io::Error::new(e.kind(), e.to_string());
                self.error.get_or_insert(e);
                return Err(again);
            }
        };
        if let Some((s512, s256)) = &mut self.hashes {
            s512.update(&out[..n]);
            s256.update(&out[..n]);
        }
        Ok(n)
    }
}

/// [`consume`] on the calling thread, for a small file.
fn consume_inline(decoded: &mut dyn Read, states: bool, tar: bool) -> std::io::Result<Consumed> {
    let hashes = states.then(|| (Sha512::new(), Sha256::new()));
    let mut h = Hashing { inner: decoded, hashes, error: None };
    let tree = tar.then(|| super::swhid::of_tar(&mut h));
    let rest = std::io::copy(&mut h, &mut std::io::sink());
    if let Some(e) = h.error {
        return Err(e);
    }
    rest?;
    let state = h.hashes.map(|(sha512, sha256)| HashState { sha512, sha256, uncompressed: None });
    Ok((state, tree))
}

/// Decodes on this thread and hashes (and reads the tar) on another, so that
/// decompression (the slow part) never waits for them: `xz -dc | gpg --verify` runs in
/// two processes too.
type Consumed = (Option<HashState>, Option<Result<super::swhid::Tree, String>>);
fn consume(decoded: &mut dyn Read, states: bool, tar: bool) -> std::io::Result<Consumed> {
    const BUF: usize = 256 << 10;
    let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<(Vec<u8>, usize)>(4);
    let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::scope(|s| {
        let hasher = s.spawn(move || {
            let hashes = states.then(|| (Sha512::new(), Sha256::new()));
            let mut ch = Channel { rx: full_rx, back: empty_tx, current: None, hashes };
            let tree = tar.then(|| super::swhid::of_tar(&mut ch));
            // What the tar did not read (its end blocks, anything after) is hashed too.
            _ = std::io::copy(&mut ch, &mut std::io::sink());
            let state = ch.hashes.map(|(sha512, sha256)| HashState { sha512, sha256, uncompressed: None });
            (state, tree)
        });
        let mut result = Ok(());
        loop {
            let mut buf = empty_rx.try_recv().unwrap_or_else(|_| vec![0; BUF]);
            match fill(decoded, &mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    if full_tx.send((buf, n)).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        drop(full_tx);
        let consumed = hasher.join().map_err(|_| std::io::Error::other("the hashing thread failed"))?;
        result.map(|()| consumed)
    })
}

/// Reads until `buf` is full or the stream ends (decoders return short reads).
fn fill(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn compress(codec: Codec, data: &[u8]) -> Vec<u8> {
        match codec {
            Codec::Xz => {
                let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
                e.write_all(data).unwrap();
                e.finish().unwrap()
            }
            Codec::Gzip => {
                let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                e.write_all(data).unwrap();
                e.finish().unwrap()
            }
            Codec::Bzip2 => {
                let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
                e.write_all(data).unwrap();
                e.finish().unwrap()
            }
            Codec::Zstd => zstd::stream::encode_all(data, 1).unwrap(),
            Codec::Lzip => lzip_member(data),
            Codec::Lzma => {
                let opts = liblzma::stream::LzmaOptions::new_preset(1).unwrap();
                let stream = liblzma::stream::Stream::new_lzma_encoder(&opts).unwrap();
                let mut e = liblzma::write::XzEncoder::new_stream(Vec::new(), stream);
                e.write_all(data).unwrap();
                e.finish().unwrap()
            }
        }
    }

    /// One lzip member, as `lzip` writes it: "LZIP", version 1, the dictionary size,
    /// a raw LZMA stream with its end marker, then the CRC32, data size and member size.
    fn lzip_member(data: &[u8]) -> Vec<u8> {
        let mut opts = liblzma::stream::LzmaOptions::new_preset(1).unwrap();
        opts.dict_size(1 << 20);
        let mut filters = liblzma::stream::Filters::new();
        filters.lzma1(&opts);
        let stream = liblzma::stream::Stream::new_raw_encoder(&filters).unwrap();
        let mut e = liblzma::write::XzEncoder::new_stream(Vec::new(), stream);
        e.write_all(data).unwrap();
        let lzma = e.finish().unwrap();
        let mut crc = flate2::Crc::new();
        crc.update(data);
        let mut out = b"LZIP\x01\x14".to_vec();
        out.extend(&lzma);
        out.extend(crc.sum().to_le_bytes());
        out.extend((data.len() as u64).to_le_bytes());
        out.extend(((6 + lzma.len() + 20) as u64).to_le_bytes());
        out
    }

    fn read_all(codec: Codec, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        decoder(codec, bytes)?.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn every_codec_reads_back_two_streams_and_refuses_a_truncated_one() {
        let data: Vec<u8> = (0..300_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        for codec in [Codec::Xz, Codec::Gzip, Codec::Bzip2, Codec::Zstd, Codec::Lzip, Codec::Lzma] {
            // The legacy .lzma format has one stream per file.
            let mut two = compress(codec, &data[..500_000]);
            if codec == Codec::Lzma {
                two = compress(codec, &data);
            } else {
                two.extend(compress(codec, &data[500_000..]));
            }
            assert_eq!(read_all(codec, &two).unwrap(), data, "{codec:?}");
            let one = compress(codec, &data);
            let cut = &one[..one.len() * 2 / 3];
            let e = read_all(codec, cut).expect_err(&format!("{codec:?} read a truncated stream"));
            assert!(!describe(codec, &e).is_empty());
            let mut garbled = one.clone();
            let mid = garbled.len() / 2;
            garbled[mid] ^= 0x55;
            garbled[mid + 1] ^= 0xaa;
            assert!(read_all(codec, &garbled).map_or(true, |d| d != data), "{codec:?} read garbled data as good");
            // Hashed in two threads, the uncompressed states are those of the data.
            let mut r: &[u8] = &two;
            let state = hash_uncompressed(codec, &mut r).unwrap().unwrap();
            assert_eq!(state.sha512.finish().to_vec(), <sha2::Sha512 as sha2::Digest>::digest(&data).to_vec());
            let mut r: &[u8] = cut;
            assert!(hash_uncompressed(codec, &mut r).unwrap().is_err());
            assert!(r.is_empty(), "the rest of a corrupt file is read too");
            // A small file is read on the calling thread, to the same states and errors.
            let mut r: &[u8] = &two;
            let inline = read_uncompressed(Some(codec), &mut r, two.len() as u64, true, false).unwrap();
            let state = inline.states.unwrap().unwrap();
            assert_eq!(state.sha512.finish().to_vec(), <sha2::Sha512 as sha2::Digest>::digest(&data).to_vec());
            let mut r: &[u8] = cut;
            let inline = read_uncompressed(Some(codec), &mut r, cut.len() as u64, true, true).unwrap();
            assert!(
                inline.states.unwrap().is_err() && inline.tar.unwrap().is_err(),
                "{codec:?} inline read a truncated stream"
            );
            assert!(r.is_empty(), "the rest of a corrupt file is read too, inline");
        }
    }
}
