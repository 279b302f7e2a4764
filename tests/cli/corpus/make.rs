//! Makes a corpus tree on disk: every file with bytes, keys, signatures and checksum
//! files in the publisher's own forms, signed with the demo key (in-process, so fifty
//! trees sign in a second; `gpg --print-md` is the real tool, as its form is gpg's).

use super::tree::{Kind, Signed, Tree};
use closer::check::pgp::{Passphrase, SigningKey, load_signing_key};
use sha2::Digest;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

/// The demo key, which signs every corpus tree.
pub fn key() -> SigningKey {
    load_signing_key(&crate::util::repo().join(crate::util::DEMO_KEY), Passphrase::None).unwrap()
}

/// `path` without its last suffix: what a sidecar (`X.asc`, `X.sha512`) is about; Perl's
/// `X.sha256.txt` is about `X`.
fn subject(path: &str) -> &str {
    let stem = path.rsplit_once('.').map_or(path, |(s, _)| s);
    match path.strip_suffix(".txt").and_then(|p| p.rsplit_once('.')) {
        Some((of, algo)) if sum_algo(algo).is_some() => of,
        _ => stem,
    }
}

/// The algorithm a checksum file's ending names, as publishers write it: `sha512`,
/// Tor's and Helm's `sha256sum`, Perl's `sha256.txt`.
fn sum_algo(ext: &str) -> Option<&'static str> {
    let ext = ext.strip_suffix(".txt").unwrap_or(ext);
    ["md5", "sha1", "sha256", "sha512"].into_iter().find(|a| ext == *a || ext.strip_suffix("sum") == Some(*a))
}

/// The bytes a sidecar at `path` is about: the file without its suffix, beside it or,
/// for Eclipse's `checksum/X.sha512`, one directory up.
fn subject_bytes<'a>(bytes: &'a BTreeMap<String, Vec<u8>>, path: &str) -> Option<(&'a [u8], String)> {
    let of = subject(path);
    if let Some(b) = bytes.get(of) {
        return Some((b, base(of).to_string()));
    }
    let (dir, name) = of.rsplit_once('/')?;
    let up = dir.rsplit_once('/').map_or(name.to_string(), |(u, _)| format!("{u}/{name}"));
    bytes.get(&up).map(|b| (&b[..], name.to_string()))
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn base(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn dearmor(armored: &[u8]) -> Vec<u8> {
    use sequoia_openpgp::armor::{Reader, ReaderMode};
    let mut out = Vec::new();
    Reader::from_bytes(armored, ReaderMode::Tolerant(None)).read_to_end(&mut out).unwrap();
    out
}

/// The digest of `bytes` by algorithm name, in lower-case hex.
fn digest(algo: &str, bytes: &[u8]) -> String {
    let raw: Vec<u8> = match algo {
        "sha512" => sha2::Sha512::digest(bytes).to_vec(),
        "sha256" => sha2::Sha256::digest(bytes).to_vec(),
        "sha1" => <sha1::Sha1 as Digest>::digest(bytes).to_vec(),
        "md5" => <md5::Md5 as Digest>::digest(bytes).to_vec(),
        // BLAKE2b-512 from the real coreutils `b2sum` (Arch Linux's b2sums.txt).
        "blake2b" => return b2sum(bytes),
        a => panic!("unknown algorithm {a}"),
    };
    closer::util::text::hex(&raw)
}

/// BLAKE2b-512 of `bytes`, in hex, as the real `b2sum` computes it.
fn b2sum(bytes: &[u8]) -> String {
    use std::process::{Command, Stdio};
    let mut child =
        Command::new("b2sum").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("coreutils b2sum");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_string()
}

/// One checksum line of `name` in `form`; `gpg --print-md` is asked of the real gpg.
fn sum_line(form: &str, algo: &str, name: &str, bytes: &[u8], scratch: &Path) -> String {
    let hex = digest(algo, bytes);
    let tag = if algo == "blake2b" { "BLAKE2b".to_string() } else { algo.to_ascii_uppercase() };
    match form {
        "gnu" => format!("{hex}  {name}\n"),
        "gnu-bin" => format!("{hex} *{name}\n"),
        "bsd" => format!("{tag} ({name}) = {hex}\n"),
        "openssl" => format!("{tag}({name})= {hex}\n"),
        "bare" => format!("{hex}\n"),
        "bare-upper" => format!("{}\n", hex.to_ascii_uppercase()),
        "print-md" => {
            let file = scratch.join(name.rsplit('/').next().unwrap_or(name));
            std::fs::write(&file, bytes).unwrap();
            let out = std::process::Command::new("gpg")
                .args(["--batch", "--no-tty", "--homedir"])
                .arg(scratch)
                .args(["--print-md", &tag])
                .arg(&file)
                .current_dir(scratch)
                .output()
                .expect("gpg is needed for gpg --print-md (scripts/test installs it)");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            std::fs::remove_file(&file).unwrap();
            String::from_utf8(out.stdout).unwrap().replace(&format!("{}:", file.display()), &format!("{name}:"))
        }
        f => panic!("unknown checksum form {f}"),
    }
}

/// The uncompressed bytes kernel.org's `<stem>.sign` signs, and their compressed forms.
fn uncompressed(stem: &str) -> Vec<u8> {
    (0..200).map(|i| format!("{stem} line {i}\n")).collect::<String>().into_bytes()
}

fn compress(ext: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match ext {
        "gz" => {
            let mut e = flate2::write::GzEncoder::new(&mut out, flate2::Compression::default());
            e.write_all(bytes).unwrap();
            e.finish().unwrap();
        }
        "xz" => {
            let mut e = liblzma::write::XzEncoder::new(&mut out, 6);
            e.write_all(bytes).unwrap();
            e.finish().unwrap();
        }
        "bz2" => {
            let mut e = bzip2::write::BzEncoder::new(&mut out, bzip2::Compression::default());
            e.write_all(bytes).unwrap();
            e.finish().unwrap();
        }
        "zst" => out = zstd::encode_all(bytes, 3).unwrap(),
        e => panic!("no codec {e}"),
    }
    out
}

/// The path a link at `link` leads to, as the tree sees it.
fn resolve(link: &str, target: &str) -> String {
    let mut parts: Vec<&str> = link.split('/').collect();
    parts.pop();
    for seg in target.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The files a checksum list at `list` lists: artifacts (and links to them) beside it,
/// or those its glob (relative to its directory) matches, notes too; named as the
/// publisher names them.
fn listed<'a>(
    list: &str,
    glob: Option<&str>,
    (plain, with_notes): (&'a [String], &'a [String]),
) -> Vec<(String, &'a String)> {
    let dir = dir_of(list);
    let matcher = glob.map(|g| globset::GlobBuilder::new(g).literal_separator(true).build().unwrap().compile_matcher());
    let mut out = Vec::new();
    for a in if glob.is_some() { with_notes } else { plain } {
        let rel = if let Some(r) = a.strip_prefix(&format!("{dir}/")) {
            r.to_string()
        } else if let Some(r) = a.strip_prefix(&format!("{}/", dir_of(dir))) {
            format!("../{r}")
        } else {
            continue;
        };
        let take = match &matcher {
            Some(m) => m.is_match(&rel) && (rel.starts_with("../") == glob.is_some_and(|g| g.starts_with("../"))),
            None => !rel.contains('/'),
        };
        if take {
            let name = if rel.starts_with("../") { base(a).to_string() } else { rel };
            out.push((name, a));
        }
    }
    out
}

/// Makes `tree` under `dist`.
pub fn make(tree: &Tree, dist: &Path, key: &SigningKey) {
    let scratch = tempfile::tempdir().unwrap();
    let artifacts: Vec<String> =
        tree.entries.iter().filter(|(_, k)| matches!(k, Kind::Artifact(_))).map(|(p, _)| p.clone()).collect();
    // Links to artifacts are listed by their own names (Ubuntu's `jammy/*.iso`).
    let links: Vec<(String, String)> = tree
        .entries
        .iter()
        .filter_map(|(p, k)| match k {
            Kind::Link(t) => Some((p.clone(), resolve(p, t))),
            _ => None,
        })
        .filter(|(_, t)| artifacts.contains(t))
        .collect();
    // And notes, where a list's glob names them (GNOME's `.sha256sum` lists its `.news`).
    let notes = tree.entries.iter().filter(|(_, k)| matches!(k, Kind::Notes)).map(|(p, _)| p.clone());
    let plain: Vec<String> = artifacts.iter().cloned().chain(links.iter().map(|(l, _)| l.clone())).collect();
    let with_notes: Vec<String> = plain.iter().cloned().chain(notes).collect();
    let listable = (plain.as_slice(), with_notes.as_slice());
    let mut bytes = contents(tree, &key.public_armored().unwrap());
    // Then what describes them: signatures, checksums, lists.
    describe(tree, key, &links, listable, &mut bytes, scratch.path());
    write_out(tree, dist, &bytes);
}

/// The contents first: artifacts (those under a `.sign` compressed from its bytes),
/// notes, keys, companions; a `.sign`'s uncompressed bytes under `<stem>\0plain`.
fn contents(tree: &Tree, public: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut bytes: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (path, kind) in &tree.entries {
        let b = match kind {
            Kind::Artifact(_) => format!("{path}\n").into_bytes(),
            Kind::Notes => format!("Notes of {path}.\n").into_bytes(),
            Kind::Keys(true) => [b"This file holds the keys of the release managers.\n\n", public].concat(),
            Kind::Keys(false) => dearmor(public),
            Kind::Companion(c) if c == "sbom" && path.ends_with(".spdx.json") => {
                format!("{{\"spdxVersion\": \"SPDX-2.3\", \"name\": \"{}\"}}\n", subject(path)).into_bytes()
            }
            Kind::Companion(c) if c == "sbom" => {
                format!("{{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"of\": \"{}\"}}\n", subject(path))
                    .into_bytes()
            }
            Kind::Companion(c) if c == "provenance" => continue,
            Kind::Companion(c) => format!("{{\"companion\": \"{c}\", \"of\": \"{}\"}}\n", subject(path)).into_bytes(),
            Kind::SigstoreList => format!("{{\"sigstore-of\": \"{}\"}}\n", subject(path)).into_bytes(),
            _ => continue,
        };
        bytes.insert(path.clone(), b);
    }
    // A provenance names its artifact's SHA-256, as a build's attestation does.
    for (path, kind) in &tree.entries {
        if matches!(kind, Kind::Companion(c) if c == "provenance") {
            use sha2::Digest;
            let of = subject(subject(path));
            let sha = bytes.get(of).map(|b| closer::util::text::hex(&sha2::Sha256::digest(b))).unwrap_or_default();
            let name = of.rsplit('/').next().unwrap_or(of);
            let statement = format!(
                "{{\"_type\": \"https://in-toto.io/Statement/v1\", \"subject\": [{{\"name\": \"{name}\", \"digest\": {{\"sha256\": \"{sha}\"}}}}], \"predicateType\": \"https://slsa.dev/provenance/v1\"}}\n"
            );
            bytes.insert(path.clone(), statement.into_bytes());
        }
    }
    for (path, kind) in &tree.entries {
        if let Kind::SigTar(_) = kind {
            let stem = subject(path);
            let plain = uncompressed(stem);
            for ext in ["xz", "gz", "bz2", "zst"] {
                let c = format!("{stem}.{ext}");
                if let Some(b) = bytes.get_mut(&c) {
                    *b = compress(ext, &plain);
                }
            }
            bytes.insert(format!("{stem}\u{0}plain"), plain);
        }
    }
    bytes
}

/// Signatures, checksums and lists of what `bytes` holds, added to it.
fn describe(
    tree: &Tree,
    key: &SigningKey,
    links: &[(String, String)],
    listable: (&[String], &[String]),
    bytes: &mut BTreeMap<String, Vec<u8>>,
    scratch: &Path,
) {
    for (path, kind) in &tree.entries {
        let of = subject(path);
        let b = match kind {
            Kind::Sig(armored) => {
                let target = bytes.get(of).unwrap_or_else(|| panic!("{}: {path} signs nothing made", tree.name));
                let s = key.sign_detached(&mut &target[..]).unwrap();
                if *armored { s } else { dearmor(&s) }
            }
            Kind::SigTar(armored) => {
                let plain = &bytes[&format!("{of}\u{0}plain")];
                let s = key.sign_detached(&mut &plain[..]).unwrap();
                if *armored { s } else { dearmor(&s) }
            }
            Kind::Sum(form) => {
                let ext = &path[subject(path).len() + 1..];
                let algo = sum_algo(ext).unwrap_or_else(|| panic!("{}: {path}: no algorithm in its name", tree.name));
                let (target, name) =
                    subject_bytes(bytes, path).unwrap_or_else(|| panic!("{}: {path} sums nothing made", tree.name));
                sum_line(form, algo, &name, target, scratch).into_bytes()
            }
            Kind::List { algo, form, glob, signed } => {
                let text: String = listed(path, glob.as_deref(), listable)
                    .into_iter()
                    .map(|(name, a)| {
                        let target = links.iter().find(|(l, _)| l == a).map_or(a, |(_, t)| t);
                        sum_line(form, algo, &name, &bytes[target], scratch)
                    })
                    .collect();
                assert!(!text.is_empty(), "{}: {path} lists no file", tree.name);
                match signed {
                    Signed::Clear => key.clearsign(text.as_bytes()).unwrap(),
                    _ => text.into_bytes(),
                }
            }
            _ => continue,
        };
        bytes.insert(path.clone(), b);
    }
    for (path, kind) in &tree.entries {
        if let Kind::ListSig(armored) = kind {
            // HashiCorp's `X_SHA256SUMS.72D7468F.sig` signs `X_SHA256SUMS`: a key id between.
            let of = subject(path);
            let keyed =
                of.rsplit_once('.').filter(|(_, id)| id.len() == 8 && id.bytes().all(|b| b.is_ascii_hexdigit()));
            let of = if bytes.contains_key(of) { of } else { keyed.map_or(of, |(list, _)| list) };
            let list = bytes.get(of).unwrap_or_else(|| panic!("{}: {path} signs no list", tree.name));
            let s = key.sign_detached(&mut &list[..]).unwrap();
            bytes.insert(path.clone(), if *armored { s } else { dearmor(&s) });
        }
    }
}

/// A minisign key pair (signify reads minisign's keys), made by the real `minisign` in
/// `dir`: its secret key file and its public key line, which a tree's pages name as
/// `{minisign-key}`.
pub fn minisign_key(dir: &Path) -> (std::path::PathBuf, String) {
    crate::util::minisign_keypair(dir, "corpus-minisign")
}

/// Signs with the real `minisign` and the key `secret`, once the files are on disk under
/// `dist`, the files a `minisig` names, and the lists a `signify-sig` embeds: minisign's
/// legacy signature (`-l`, Ed25519 over the file) begins with signify's two lines, which
/// are kept, and the list follows them as `signify -S -e` writes it.
pub fn sign_minisign(tree: &Tree, dist: &Path, secret: &Path) {
    for (path, kind) in &tree.entries {
        let (of, args): (&str, &[&str]) = match kind {
            Kind::Minisig => (path.strip_suffix(".minisig").unwrap(), &[]),
            Kind::SignifySig => (subject(path), &["-l"]),
            _ => continue,
        };
        let out = std::process::Command::new("minisign")
            .args(["-S", "-s"])
            .arg(secret)
            .arg("-m")
            .arg(dist.join(of))
            .arg("-x")
            .arg(dist.join(path))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}: minisign -S {of}: {}", tree.name, String::from_utf8_lossy(&out.stderr));
        if let Kind::SignifySig = kind {
            // signify's form: the comment and the signature line, then the list itself.
            let sig = std::fs::read_to_string(dist.join(path)).unwrap();
            let two: Vec<&str> = sig.lines().take(2).collect();
            let list = std::fs::read(dist.join(of)).unwrap();
            std::fs::write(dist.join(path), [format!("{}\n{}\n", two[0], two[1]).into_bytes(), list].concat()).unwrap();
        }
    }
}

/// Writes the files, then the empty directories and links, under `dist`.
fn write_out(tree: &Tree, dist: &Path, bytes: &BTreeMap<String, Vec<u8>>) {
    for (path, b) in bytes.iter().filter(|(p, _)| !p.contains('\u{0}')) {
        let p = dist.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, b).unwrap();
    }
    for (path, kind) in &tree.entries {
        let p = dist.join(path);
        match kind {
            Kind::Dir => std::fs::create_dir_all(&p).unwrap(),
            Kind::Link(target) => {
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::os::unix::fs::symlink(target, &p).unwrap();
            }
            _ => {}
        }
    }
}
