//! One release's files, sorted: artifacts, the sidecars that belong to each (`.asc`,
//! `.sig`, `.sha512`, ...), kernel.org's signatures over uncompressed content
//! (`linux-6.6.tar.sign`), checksum lists and their signatures, and notes.

use crate::input::notes::Notes;
use crate::model::digests::Algo;
use crate::model::tree::{
    ATTESTATIONS_EXT, Artifact, CERT_EXTS, CMS_EXT, CONTENTS_EXT, Codec, FileRef, KEYLESS_CERT, KEYLESS_SIG,
    ListScheme, MINISIGN_EXT, Release, SBOM_EXTS, SIGNATURE_EXTS, SignedList, UNCOMPRESSED_SIGNATURE_EXT, Uncompressed,
    checksum_list,
};
use crate::util::problem::{Problem, Problems};
use std::collections::{BTreeMap, BTreeSet};

use super::flat;

/// Sorts a release's files into artifacts, their sidecars, and checksum lists.
pub(super) fn group_release(
    version: String,
    dir: FileRef,
    files: Vec<(String, FileRef)>,
    dirs: Vec<FileRef>,
    place: &str,
    notes: &Notes,
    problems: &mut Problems,
) -> Release {
    let names: BTreeSet<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let mut artifacts: BTreeMap<String, Artifact> = BTreeMap::new();
    let mut sidecars = Vec::new();
    let mut sums = Vec::new();
    let mut other = Vec::new();
    let mut release_notes = Vec::new();
    let mut list_signatures = Vec::new();
    let mut companions = Vec::new();
    let by_name: BTreeMap<&str, &FileRef> = files.iter().map(|(n, f)| (n.as_str(), f)).collect();
    let lookup = |n: &str| by_name.get(n).map(|f| f.rel.to_string());
    for (name, f) in &files {
        let base = name.rsplit('/').next().unwrap_or(name);
        // A list signed other than with OpenPGP (a pair's certificate goes with its `.sig`).
        if let Some((list, scheme)) = ListScheme::of(name, &lookup) {
            if let Some(scheme) = scheme {
                let algo = checksum_list(list.rsplit('/').next().unwrap_or(list)).map_or(Algo::Sha256, |(a, _)| a);
                list_signatures.push((algo, f.clone(), scheme));
            } else {
                other.push(f.clone());
            }
            continue;
        }
        if let Some((algo, signed)) = checksum_list(base) {
            match signed {
                true => list_signatures.push((algo, f.clone(), ListScheme::Openpgp)),
                false => sums.push((listed_algo(algo, base, &std::path::Path::new(place).join(name)), f.clone())),
            }
            continue;
        }
        if super::is_note(notes, base) || super::key_names::is_keys(base) {
            release_notes.push(f.clone());
            continue;
        }
        // (Provenance of several files, LLVM's `attestation.jsonl` over its source
        // tarballs, describes none alone: the release carries it.)
        if let Some(of) = companion_of(name, &names).or_else(|| base.ends_with(ATTESTATIONS_EXT).then_some("")) {
            companions.push((of.to_string(), f.clone()));
            continue;
        }
        match signed_checksum(name, &names) {
            Some(Signed::Checksum(algo)) => sums.push((algo, f.clone())),
            Some(Signed::Signature(algo)) => list_signatures.push((algo, f.clone(), ListScheme::Openpgp)),
            None => match dashed_signature(name, &names).map(|of| (of, "asc")).or_else(|| flat::split_sidecar(name)) {
                Some((stem, ext)) => sidecars.push((stem.to_string(), ext.to_string(), f.clone())),
                None => {
                    artifacts.insert(name.clone(), Artifact::new(name, f.clone()));
                }
            },
        }
    }
    let tar_signs = attach_sidecars(&mut artifacts, sidecars, &names, place, &mut other, &mut sums, problems);
    attach_companions(&mut artifacts, companions, place, &mut other, problems);
    let signed_lists = signed_lists(list_signatures, &sums);
    Release {
        version,
        line: None,
        keys: None,
        reading: String::new(),
        artifacts: artifacts.into_values().collect(),
        sums,
        other,
        signed_lists,
        tar_signs,
        notes: release_notes,
        dir,
        dirs,
        development: false,
    }
}

/// The file of the release an armoured signature named with its extension's dots as
/// dashes signs: chrony's `chrony-4.6.1-tar-gz-asc.txt` is `chrony-4.6.1.tar.gz`'s.
fn dashed_signature<'n>(name: &str, names: &BTreeSet<&'n str>) -> Option<&'n str> {
    let stem = name.strip_suffix("-asc.txt")?;
    let dashed = |n: &str| n.replace('.', "-");
    names.iter().copied().find(|n| n.len() == stem.len() && *n != stem && dashed(n) == dashed(stem))
}

/// A checksum file of one artifact that is signed itself, as a checksum list of one:
/// Tor's and Helm's `X.sha256sum` with `X.sha256sum.asc`, openSUSE's `X.sha256` with
/// `X.sha256.asc`. The artifact is signed through it.
enum Signed {
    /// The checksum file (it has a signature beside it).
    Checksum(Algo),
    /// The signature of one.
    Signature(Algo),
}

/// Is `name` a signed checksum file of one artifact, or its signature (see [`Signed`])?
fn signed_checksum(name: &str, names: &BTreeSet<&str>) -> Option<Signed> {
    let (stem, ext) = flat::split_sidecar(name)?;
    if let Some(algo) = Algo::from_ext(ext) {
        let signed = SIGNATURE_EXTS.iter().any(|e| names.contains(format!("{name}.{e}").as_str()));
        return signed.then_some(Signed::Checksum(algo));
    }
    let (_, sum_ext) = flat::split_sidecar(stem).filter(|_| SIGNATURE_EXTS.contains(&ext))?;
    let algo = Algo::from_ext(sum_ext).filter(|_| names.contains(stem))?;
    Some(Signed::Signature(algo))
}

/// Gives each companion file (SBOM, Sigstore bundle, provenance) to the artifact it
/// describes; one that describes no artifact of the release is a problem, except a
/// provenance of several (SLSA's `multiple.intoto.jsonl`, LLVM's `attestation.jsonl`),
/// which the release carries.
fn attach_companions(
    artifacts: &mut BTreeMap<String, Artifact>,
    companions: Vec<(String, FileRef)>,
    place: &str,
    other: &mut Vec<FileRef>,
    problems: &mut Problems,
) {
    for (of, f) in companions {
        match artifacts.get_mut(&of) {
            Some(a) => a.extra_mut().companions.push(f),
            None if f.rel.ends_with(ATTESTATIONS_EXT) => other.push(f),
            None => problems.push(
                Problem::new(
                    format!("{place}/{}", f.rel.rsplit('/').next().unwrap_or(&f.rel)),
                    format!("describes `{of}`, which is not in the release"),
                )
                .hint("upload the file it describes, or remove it"),
            ),
        }
    }
}

/// Endings of files that describe an artifact and go where it goes: Sigstore bundles,
/// minisign signatures and SLSA provenance (SBOMs are `SBOM_EXTS`).
const COMPANION_EXTS: [&str; 7] = [
    ".sigstore.json",
    ".sigstore",
    ".sigstore.jsonl",
    MINISIGN_EXT,
    ".intoto.jsonl",
    CONTENTS_EXT,
    crate::model::tree::PEP740_EXT,
];

/// Endings of a file's companion only when the file is beside it: a `.torrent` a
/// publisher made (Raspberry Pi OS, Tails; Ubuntu's, of an image linked from its pool,
/// is a download of its own), CentOS Stream's `X.iso.MANIFEST` (the packages an image
/// holds), GitHub's attestations as LLVM publishes them (`X.jsonl`), and Sigstore
/// bundles as cosign users name them (`X.bundle`, `X.cosign-bundle`; a git bundle is a
/// `.bundle` too); AlmaLinux's `X.iso.manifest`, Slackware's `X.iso.txt` (what the
/// image holds), and Mageia's `X.iso.idx`, `.langs` and `.lst` (its packages and
/// languages); a publisher's own Metalink of it (goredo's `X.meta4`); what a build
/// system says of it (Eclipse Temurin's `X.tar.gz.json`: version, checksum, build); what
/// an updater fetches to download it in part (an AppImage's `X.zsync`, electron-builder's
/// `X.exe.blockmap`); cosign users' `X.bundle.json`; a CMS (X.509) signature
/// (`openssl cms -sign -binary -outform DER`'s `X.p7s`), carried and not checked.
const BESIDE_EXTS: [&str; 17] = [
    ".bundle.json",
    ".zsync",
    ".blockmap",
    ".torrent",
    ".json",
    ".MANIFEST",
    ".manifest",
    ATTESTATIONS_EXT,
    ".cosign-bundle",
    ".bundle",
    ".txt",
    ".idx",
    ".langs",
    ".lst",
    ".meta4",
    ".metalink",
    CMS_EXT,
];

/// The artifact a companion file describes (`X.sigstore`, `X.spdx.json`, `X.minisig`,
/// ...; cosign's `X.sig` when `X.crt`, `X.cert` or `X.pem` is beside it, and that
/// certificate), if it is one.
fn companion_of<'a>(name: &'a str, names: &BTreeSet<&str>) -> Option<&'a str> {
    if let Some(of) = COMPANION_EXTS.iter().chain(&SBOM_EXTS).find_map(|e| name.strip_suffix(e)) {
        return Some(of);
    }
    if let Some(of) = BESIDE_EXTS.iter().find_map(|e| name.strip_suffix(e)).filter(|of| names.contains(of)) {
        return Some(of);
    }
    // cosign's own releases (to v3.0.0): `X-keyless.sig` + `X-keyless.pem`.
    if let Some(of) = [KEYLESS_SIG, KEYLESS_CERT].iter().find_map(|e| name.strip_suffix(e)) {
        return names.contains(of).then_some(of);
    }
    let (stem, ext) = name.rsplit_once('.')?;
    let certificate = |s: &str| CERT_EXTS.iter().any(|e| names.contains(format!("{s}.{e}").as_str()));
    match ext {
        // A `.pem` alone may be anything (a key, a CA); beside its `.sig` it is cosign's.
        "pem" if names.contains(format!("{stem}.sig").as_str()) => Some(stem),
        "crt" | "cert" => Some(stem),
        "sig" if certificate(stem) => Some(stem),
        _ => None,
    }
}

/// Marks the compressed forms of `stem` (`linux-6.6.tar.xz`, `.gz` for
/// `linux-6.6.tar`) that have no signature of their own as signed through their
/// uncompressed content by `signature`; says whether there was any.
fn cover_compressed(artifacts: &mut BTreeMap<String, Artifact>, stem: &str, signature: &str) -> bool {
    let mut any = false;
    for (name, a) in artifacts.range_mut(format!("{stem}.")..) {
        if !name.strip_prefix(stem).is_some_and(|r| r.starts_with('.')) {
            break;
        }
        let Some((_, codec)) = Codec::split(name).filter(|(inner, _)| *inner == stem) else { continue };
        any = true;
        if a.asc.is_none() {
            a.extra_mut().signed_uncompressed =
                Some(Box::new(Uncompressed { signature: signature.to_string(), codec }));
        }
    }
    any
}

/// A detached signature (`.asc`, `.sig`, `.gpg`) of a `.tar` that is not in the release
/// but compressed is: it signs the uncompressed content, as kernel.org's `.tar.sign`
/// does (Samba's `samba-4.21.1.tar.asc` beside `samba-4.21.1.tar.gz`).
fn over_tar(artifacts: &BTreeMap<String, Artifact>, stem: &str, ext: &str) -> bool {
    SIGNATURE_EXTS.contains(&ext) && stem.ends_with(".tar") && !artifacts.contains_key(stem)
}

/// Puts a sidecar (`.asc`, `.sig`, `.sha512`, ...) on its artifact. One signature per
/// artifact, armored before binary; another is carried along as it is (in `other`).
fn attach(a: &mut Artifact, ext: &str, f: FileRef, other: &mut Vec<FileRef>) {
    // `X.sign` beside `X` itself is a plain detached signature (kernel.org's ChangeLogs).
    if SIGNATURE_EXTS.contains(&ext) || ext == UNCOMPRESSED_SIGNATURE_EXT {
        match a.asc.take() {
            Some(old) if ext != "asc" => {
                a.asc = Some(old);
                other.push(f);
            }
            Some(old) => {
                a.asc = Some(f);
                other.push(old);
            }
            None => a.asc = Some(f),
        }
    } else if let Some(algo) = Algo::from_ext(ext) {
        a.checksums.push((algo, f));
    }
}

/// Pairs each signature of a checksum list with the list it signs (`SHA256SUMS.sign`
/// with `SHA256SUMS`; Void Linux's `sha256sum.sig` with `sha256sum.txt`, the list's
/// name without its `.txt`); one without a list beside it is a clearsigned list itself.
pub(super) fn signed_lists(signatures: Vec<(Algo, FileRef, ListScheme)>, sums: &[(Algo, FileRef)]) -> Vec<SignedList> {
    signatures
        .into_iter()
        .map(|(algo, signature, scheme)| {
            let rel = signature.rel.as_ref();
            let stem = match scheme {
                ListScheme::SigstoreBundle => crate::model::tree::BUNDLE_EXTS.iter().find_map(|e| rel.strip_suffix(e)),
                ListScheme::Minisign => rel.strip_suffix(MINISIGN_EXT),
                _ => rel.rsplit_once('.').map(|(s, _)| crate::model::tree::signed_list_name(s)),
            }
            .unwrap_or("");
            let txt = format!("{stem}.txt");
            let list = sums.iter().find(|(_, l)| &*l.rel == stem).or_else(|| sums.iter().find(|(_, l)| *l.rel == txt));
            // (The list's algorithm, read from its digests when its name says none.)
            let (algo, list) = list.map_or((algo, None), |(a, l)| (*a, Some(l.clone())));
            SignedList { signature, list, algo, scheme, check: None }
        })
        .collect()
}

/// The algorithm of a checksum list clearsigned with OpenPGP at `path`, read from the
/// digests of its first lines; `None` for anything else (a signature whose file is
/// missing). Only a `.asc` named after no file of its release is opened.
fn clearsigned_list(path: &std::path::Path) -> Option<Algo> {
    let text = head(path)?;
    if !text.trim_start().starts_with("-----BEGIN PGP SIGNED MESSAGE-----") {
        return None;
    }
    first_digest(&text)
}

/// The algorithm of the list at `path` named `name`, `by_name` by its name: when the name
/// says none (GoReleaser's `checksums.txt`, SHA-512 in Caddy's), the one of its first
/// digest's length. Only such lists are opened, once each scan.
fn listed_algo(by_name: Algo, name: &str, path: &std::path::Path) -> Algo {
    if !Algo::says_no_algorithm(name) {
        return by_name;
    }
    head(path).and_then(|t| first_digest(&t)).unwrap_or(by_name)
}

/// The first 8 KiB of the file at `path`, as text.
fn head(path: &std::path::Path) -> Option<String> {
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(path).ok()?.take(8 << 10).read_to_end(&mut head).ok()?;
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// The algorithm of the first line of `text` that opens with a digest and names a file.
fn first_digest(text: &str) -> Option<Algo> {
    text.lines().find_map(|l| {
        let word = l.split_whitespace().next()?;
        let hex = word.bytes().all(|b| b.is_ascii_hexdigit()) && l.len() > word.len();
        Algo::of_hex_len(word.len()).filter(|_| hex && word.len() >= 64)
    })
}

/// Puts each sidecar on its artifact; returns the signatures over uncompressed content
/// (each may cover several compressed artifacts). A sidecar of nothing is a problem.
fn attach_sidecars(
    artifacts: &mut BTreeMap<String, Artifact>,
    mut sidecars: Vec<(String, String, FileRef)>,
    names: &BTreeSet<&str>,
    place: &str,
    other: &mut Vec<FileRef>,
    sums: &mut Vec<(Algo, FileRef)>,
    problems: &mut Problems,
) -> Vec<FileRef> {
    // Signatures over uncompressed content last, so that they go to the artifacts left
    // without a signature of their own.
    sidecars.sort_by_key(|(stem, ext, _)| ext == UNCOMPRESSED_SIGNATURE_EXT || over_tar(artifacts, stem, ext));
    let mut tar_signs = Vec::new();
    for (stem, ext, f) in sidecars {
        let file_place = || format!("{place}/{}", f.rel.rsplit('/').next().unwrap_or(&f.rel));
        let path = std::path::Path::new(place).join(format!("{stem}.{ext}"));
        // Eclipse keeps checksums in `checksum/` beside the files: `checksum/X.sha512` is X's.
        let stem = match stem.rsplit_once('/') {
            Some((dir, name)) if !artifacts.contains_key(&stem) && crate::model::tree::is_checksum_dir(dir) => {
                dir.rsplit_once('/').map_or(name.to_string(), |(up, _)| format!("{up}/{name}"))
            }
            _ => stem,
        };
        let over_tar = over_tar(artifacts, &stem, &ext);
        match artifacts.get_mut(&stem) {
            Some(a) => attach(a, &ext, f, other),
            // A signature or checksum of a note (or of a list) goes where it goes.
            None if names.contains(stem.as_str()) => other.push(f),
            // Samba's `samba-4.21.1.tar.asc` signs the tar inside `samba-4.21.1.tar.gz`.
            None if ext == UNCOMPRESSED_SIGNATURE_EXT || over_tar => {
                if cover_compressed(artifacts, &stem, &f.rel) {
                    tar_signs.push(f);
                } else {
                    problems.push(
                        Problem::new(
                            file_place(),
                            format!(
                                "is a signature over `{stem}`, which is not in the release, uncompressed or \
                                 compressed (.xz, .gz, .bz2, .zst)"
                            ),
                        )
                        .hint("upload the file it signs, or remove the signature"),
                    );
                }
            }
            // A checksum named after no file is a list named after the release: Blender's
            // `blender-4.3.0.sha256`, Julia's `julia-1.11.2.sha256` (its lines name the files).
            None => match Algo::from_ext(&ext) {
                Some(algo) => sums.push((algo, f)),
                // GNU's upload triplet left behind: `F.directive.asc` tells ftp-upload.gnu.org
                // where to put `F`, and is not for downloaders.
                None if stem.ends_with(".directive") => problems.push(
                    Problem::new(
                        file_place(),
                        format!("is the upload directive for `{}`, not a file to publish", &stem[..stem.len() - 10]),
                    )
                    .hint("remove it: it belongs on the upload host (ftp-upload.gnu.org reads it), not beside the release"),
                ),
                // ISC's `bind-9.20.4.tar.xz.sha512.asc`: one more signature of the file,
                // made with that digest (no `.sha512` beside it): carried with the release.
                None if SIGNATURE_EXTS.contains(&ext.as_str())
                    && stem.rsplit_once('.').is_some_and(|(of, algo)| {
                        Algo::from_ext(algo).is_some() && artifacts.contains_key(of)
                    }) =>
                {
                    other.push(f)
                }
                // SBCL's `sbcl-2.4.11-crhodes.asc`, a checksum list clearsigned and named
                // after its release manager.
                None if ext == "asc" && let Some(algo) = clearsigned_list(&path) => sums.push((algo, f)),
                None => problems.push(
                    Problem::new(file_place(), format!("is a .{ext} file for `{stem}`, which is not in the release"))
                        .hint("upload the file it belongs to, or remove it"),
                ),
            },
        }
    }
    tar_signs
}
