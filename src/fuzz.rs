//! Every parser of outside input behind one `fn(&[u8])`, so that cargo-fuzz (the targets
//! in `fuzz/`, nightly) and the corpus replay test (`tests/fuzz_corpus.rs`, stable) drive
//! exactly the same code. A target must never panic, hang or exhaust memory on any
//! input; where closer also writes the format, it checks that what it writes reads back.

use crate::model::digests::HashState;
use crate::model::tree::Codec;
use std::io::Read;
use std::path::Path;

/// A fuzz target: a parser of outside input that must take any bytes.
pub type Target = fn(&[u8]);

/// Every target, by name: the name of its directory in `fuzz/corpus/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("registry", registry),
    ("front_matter", front_matter),
    ("keys", keys),
    ("signature", signature),
    ("checksums", checksums),
    ("filelist", filelist),
    ("stamp", stamp),
    ("probe_state", probe_state),
    ("index", index),
    ("decompress", decompress),
    ("logo", logo),
    ("tar", tar),
    ("zip", zip),
];

/// A tar stream, read for its SWHID (a source archive): crafted headers, names that climb
/// out (`../`), sizes larger than the stream, links to nothing give a tree or an error.
/// Contents are hashed as they pass, never kept: memory grows with the members' names
/// alone (at most a million members), not with the sizes headers claim.
pub fn tar(data: &[u8]) {
    if let Ok(tree) = crate::check::swhid::of_tar(data) {
        let id = tree.dir_id();
        assert!(tree.listing().keys().all(|p| !p.is_empty() && !p.starts_with('/')));
        assert_eq!(id, tree.dir_id(), "the id of a tree is a function of it");
    }
}

/// A zip archive, read for its SWHID, likewise; a member's bytes are streamed through
/// the hash, so a deflate bomb costs time (bounded by libFuzzer's timeout), not memory.
pub fn zip(data: &[u8]) {
    if let Ok(tree) = crate::check::swhid::of_zip(std::io::Cursor::new(data)) {
        let _ = tree.dir_id();
        let _ = tree.listing();
    }
}

/// A sponsor's logo (`logos/<id>.svg|png` or what `closer fetch-logos` downloaded):
/// the check takes any bytes as either type, and accepts only what it says it does.
pub fn logo(data: &[u8]) {
    for ext in ["svg", "png"] {
        if let Ok(kind) = crate::input::logos::check(ext, data) {
            assert_eq!(kind, ext);
            assert!(data.len() <= crate::input::logos::MAX_BYTES);
            if ext == "svg" {
                let lower = String::from_utf8_lossy(data).to_ascii_lowercase();
                assert!(!lower.contains("<script") && !lower.contains("javascript:"), "{lower}");
            }
        }
    }
}

fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// `mirrors.yaml`: YAML, then every validation.
pub fn registry(data: &[u8]) {
    let _ = crate::input::registry::Registry::parse(&text(data), "mirrors.yaml");
}

/// A content page: front matter of every kind, and the Markdown body rendered.
pub fn front_matter(data: &[u8]) {
    use crate::input::content::{ProjectMatter, ReleaseMatter, SiteMatter, parse_page};
    let t = text(data);
    let path = Path::new("content/p.md");
    let _ = parse_page::<SiteMatter>(&t, path);
    let _ = parse_page::<ProjectMatter>(&t, path);
    let _ = parse_page::<ReleaseMatter>(&t, path);
}

/// A KEYS file or a binary keyring.
pub fn keys(data: &[u8]) {
    let _ = crate::check::pgp::parse_keys(data, Path::new("dist/p/KEYS"));
}

/// The demo release key, which the signature target verifies against.
fn demo_keys() -> &'static [sequoia_openpgp::Cert] {
    static KEYS: std::sync::OnceLock<Vec<sequoia_openpgp::Cert>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        crate::check::pgp::parse_keys(include_bytes!("../dist/hello/KEYS"), Path::new("KEYS")).unwrap_or_default()
    })
}

/// A detached signature (both ways closer checks one) and a clearsigned list.
pub fn signature(data: &[u8]) {
    use crate::check::pgp::{verify_cleartext, verify_detached_reader, verify_with_state};
    use crate::util::sha::{Sha256, Sha512};
    let signed = b"closer fuzz data\n";
    let certs = demo_keys();
    let state =
        HashState { sha512: Sha512::with_prefix(signed), sha256: Sha256::with_prefix(signed), uncompressed: None };
    let _ = verify_with_state(certs, data, &state);
    let _ = verify_detached_reader(certs, data, &signed[..], Path::new("p.asc"));
    let _ = verify_cleartext(certs, data);
}

/// An uploaded checksum file in any form.
pub fn checksums(data: &[u8]) {
    let (_, sums) = crate::check::checksums::parse(&text(data));
    for s in sums {
        let _ = crate::check::checksums::algo_of_length(s.hex.len());
    }
}

/// A mirror file list: what parses is written back the same.
pub fn filelist(data: &[u8]) {
    use crate::output::lists::{filelist, parse_filelist};
    let Ok(entries) = parse_filelist(&text(data)) else { return };
    let again = parse_filelist(&filelist(entries.clone())).expect("closer's own list must parse");
    let mut want = entries;
    want.sort_by(|a, b| a.path.cmp(&b.path));
    want.dedup_by(|a, b| a.path == b.path);
    assert_eq!(want, again, "a list written from a parsed list reads back differently");
}

/// `zzz/time.txt`.
pub fn stamp(data: &[u8]) {
    if let Ok(t) = crate::model::stamp::parse(&text(data)) {
        assert_eq!(crate::model::stamp::parse(&crate::model::stamp::format(t, "h")), Ok(t));
    }
}

/// `probe.json`.
pub fn probe_state(data: &[u8]) {
    let _ = crate::input::probe_state::State::parse(data, Path::new("probe.json"));
}

/// The signed release index: what parses renders back to an index that parses the same.
pub fn index(data: &[u8]) {
    use crate::model::index::Index;
    let Ok(ix) = Index::parse(&text(data)) else { return };
    let mut want = ix.clone();
    want.lists.sort();
    assert_eq!(Index::parse(&ix.render()), Ok(want), "an index rendered from a parsed one reads back differently");
    let _ = ix.due(0, 1);
}

/// A compressed stream under a `.tar.sign`: the first byte picks the codec. Output is
/// capped, so a decompression bomb costs the fuzzer time, not memory.
pub fn decompress(data: &[u8]) {
    let Some((&which, stream)) = data.split_first() else { return };
    let codecs = [Codec::Xz, Codec::Gzip, Codec::Bzip2, Codec::Zstd, Codec::Lzip, Codec::Lzma];
    let codec = codecs[usize::from(which) % codecs.len()];
    if let Ok(d) = crate::check::decompress::decoder(codec, std::io::BufReader::new(stream)) {
        let _ = std::io::copy(&mut d.take(1 << 20), &mut std::io::sink());
    }
    // The two-thread hashing path, on a prefix short enough that no bomb in it is large.
    let _ = crate::check::decompress::hash_uncompressed(codec, &mut &stream[..stream.len().min(512)]);
}
