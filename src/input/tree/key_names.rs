//! Which files are public keys, by their names: Apache's `KEYS`, Subversion's
//! `subversion-1.14.3.KEYS`, Mozilla's `KEY`, GNU's `gnu-keyring.gpg`, Wireshark's
//! `gerald_at_wireshark_dot_org.gpg`, curl's `mykey.asc`, Rust's `rust-key.gpg.ascii`,
//! Fedora's `RPM-GPG-KEY-fedora-40-primary`, Grafana's `gpg.key`, nginx's `pluknet.key`,
//! runc's `runc.keyring`. A directory with several takes the first by [`rank`] as its keys; the others are carried as notes. A
//! key named for its owner alone (FFmpeg's `ffmpeg-devel.asc`, TeX Live's `texlive.asc`,
//! Electrum's `ThomasV.asc`) is known by what it holds: [`by_content`].

use crate::model::tree::FileRef;
use std::path::Path;

/// Where a keys file stands among those of one directory (`KEYS` first, then its other
/// names, then keyrings, then other names that say "key", then a lone binary keyring,
/// then a release's own `X.KEYS`); `None` for a name that is not a keys file.
pub fn rank(name: &str) -> Option<u8> {
    let base = name.rsplit('/').next().unwrap_or(name);
    let lower = base.to_ascii_lowercase();
    let ends = |s: &[&str]| s.iter().any(|e| lower.ends_with(e));
    if crate::model::tree::checksum_list(base).is_some() {
        // `SHA256SUMS.gpg` signs a list.
        None
    } else if base == "KEYS" {
        Some(0)
    } else if matches!(lower.as_str(), "keys.txt" | "keys.asc" | "keys.gpg" | "key" | "keys") {
        Some(1)
    } else if base.ends_with(".KEYS") {
        // A release's own (`subversion-1.14.3.KEYS`): the project's only when it has
        // no other, the newest then.
        Some(5)
    } else if ends(&["keyring.gpg", "keyring.asc", "keyring.pgp"]) || ends(&[".keyring"]) {
        // (runc's `runc.keyring`, armoured, in the project's directory and each release's.)
        Some(2)
    } else if ends(&["key.asc", "keys.asc", "key.gpg", "keys.gpg", "key.pgp", ".gpg.key", ".pub.asc", ".gpg.ascii"])
        // nginx's `keys/pluknet.key`, `nginx_signing.key`.
        || (lower.ends_with(".key") && lower.len() > 4)
        || matches!(lower.as_str(), "gpg.key" | "gpg" | "pubkey.txt")
        // OpenLDAP's `gpg-pubkey.txt`, named for what it is.
        || ends(&["-pubkey.txt", "_pubkey.txt", "-pubkey.asc", "-public-key.txt", "-public-key.asc"])
        || lower.starts_with("rpm-gpg-key-")
        || lower.starts_with("gpg-key-")
    {
        Some(3)
    } else if lower
        .strip_suffix(".gpg")
        .or_else(|| lower.strip_suffix(".pgp"))
        .is_some_and(|s| !s.is_empty() && !s.contains('.'))
    {
        // A binary file of keys named for its owner; `README.gpg` beside `README` is a
        // signature (see `take`).
        Some(4)
    } else {
        None
    }
}

/// Is this a file of public keys?
pub fn is_keys(name: &str) -> bool {
    rank(name).is_some()
}

/// Takes a directory's keys out of the files right in it: the first by [`rank`] (then
/// by name; releases' own by newest version), a lone binary keyring only when no file is
/// named as it is without `.gpg`.
pub fn take(files: &mut Vec<(String, FileRef)>) -> Option<FileRef> {
    take_ranked(files, &rank)
}

/// [`take`] with a project directory's keys known by content ranked beside those named
/// for keys, the content ones it did not take moved to `carried`. `is_note`: names of
/// notes, never opened (every scan passes here: a README is no key).
pub fn take_at_top(
    root: &Path,
    files: &mut Vec<(String, FileRef)>,
    is_note: &dyn Fn(&str) -> bool,
    carried: &mut Vec<FileRef>,
) -> Option<FileRef> {
    let by_content = by_content(root, files, is_note);
    let keys = take_ranked(files, &|n: &str| rank(n).or_else(|| by_content.iter().any(|c| c == n).then_some(3)));
    files.retain(|(n, f)| {
        !by_content.contains(n) || {
            carried.push(f.clone());
            false
        }
    });
    keys
}

/// The files no name says are keys that hold an ASCII-armoured OpenPGP public key: a
/// name without a version, no note's (but a `.pub`), that signs no file beside it, of at most 1 MiB, whose text
/// holds the armour's first line. Only such files are opened.
fn by_content(root: &Path, files: &[(String, FileRef)], is_note: &dyn Fn(&str) -> bool) -> Vec<String> {
    let signs_a_sibling = |n: &str| n.rsplit_once('.').is_some_and(|(stem, _)| files.iter().any(|(o, _)| o == stem));
    files
        .iter()
        .filter(|(n, f)| {
            // A `.pub` is a note for its name (cosign's, minisign's), but musl's
            // `musl.pub` is its OpenPGP key: opened too.
            may_hold_keys(n)
                && (!is_note(n) || n.ends_with(".pub"))
                && f.stat.size <= 1 << 20
                && !signs_a_sibling(n)
                && holds_public_key(&root.join(&*f.rel))
        })
        .map(|(n, _)| n.clone())
        .collect()
}

/// Could a file of this name be a key known by its content (see [`by_content`])?
pub fn may_hold_keys(name: &str) -> bool {
    rank(name).is_none() && super::flat::version_of(name).is_none() && crate::model::tree::checksum_list(name).is_none()
}

/// Does this file hold an armoured OpenPGP public key in its first 8 KiB (after text
/// such as Apache's KEYS header, or `gpg --list-keys` output, before it)?
fn holds_public_key(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::with_capacity(8192);
    let Ok(_) = std::fs::File::open(path).and_then(|f| f.take(8192).read_to_end(&mut head)) else { return false };
    head.split(|&b| b == b'\n').any(|line| line.trim_ascii() == b"-----BEGIN PGP PUBLIC KEY BLOCK-----")
}

fn take_ranked(files: &mut Vec<(String, FileRef)>, rank: &dyn Fn(&str) -> Option<u8>) -> Option<FileRef> {
    let signs_a_sibling = |n: &str| n.rsplit_once('.').is_some_and(|(stem, _)| files.iter().any(|(o, _)| o == stem));
    let newest_first = |a: &str, b: &str| {
        let v = |n: &str| super::flat::version_of(n.trim_end_matches(".KEYS")).unwrap_or_default();
        crate::util::version::compare(&v(b), &v(a)).then(a.cmp(b))
    };
    let (i, _) = files
        .iter()
        .enumerate()
        .filter_map(|(i, (n, _))| rank(n).filter(|&r| r != 4 || !signs_a_sibling(n)).map(|r| (i, (r, n))))
        .min_by(|a, b| a.1.0.cmp(&b.1.0).then_with(|| newest_first(a.1.1, b.1.1)))?;
    Some(files.remove(i).1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_by_name() {
        let keys = [
            "KEYS",
            "KEY",
            "KEYS.txt",
            "subversion-1.14.3.KEYS",
            "gnu-keyring.gpg",
            "gerald_at_wireshark_dot_org.gpg",
            "mykey.asc",
            "rust-key.gpg.ascii",
            "RPM-GPG-KEY-fedora-40-primary",
            "GPG-KEY-elasticsearch",
            "gpg.key",
            "pluknet.key",
            "nginx_signing.key",
            "release-signing-keys.asc",
            "nodesource.gpg.key",
            "runc.keyring",
        ];
        for k in keys {
            assert!(is_keys(k), "{k}");
        }
        for not in [
            "wireshark-4.4.0.tar.xz.gpg",
            "monkey-1.0.tar.gz",
            "hello-1.0.tar.gz.asc",
            "SHA256SUMS.gpg",
            "keyboard.txt",
            ".gpg",
        ] {
            assert!(!is_keys(not), "{not}");
        }
    }

    #[test]
    fn a_directory_takes_the_first_keys_file() {
        let f = |n: &str| (n.to_string(), FileRef::new(format!("p/{n}"), Default::default()));
        let mut files = vec![f("gnu-keyring.gpg"), f("mykey.asc"), f("KEYS"), f("NEWS")];
        assert_eq!(take(&mut files).map(|k| k.rel).as_deref(), Some("p/KEYS"));
        assert_eq!(take(&mut files).map(|k| k.rel).as_deref(), Some("p/gnu-keyring.gpg"));
        assert_eq!(take(&mut files).map(|k| k.rel).as_deref(), Some("p/mykey.asc"));
        assert!(take(&mut files).is_none());
        // Releases' own KEYS: the newest, when there is nothing else.
        let mut files = vec![f("subversion-1.14.2.KEYS"), f("subversion-1.14.10.KEYS"), f("subversion-1.9.0.KEYS")];
        assert_eq!(take(&mut files).map(|k| k.rel).as_deref(), Some("p/subversion-1.14.10.KEYS"));
        // `README.gpg` signs `README`; a lone `owner.gpg` is keys.
        let mut files = vec![f("README"), f("README.gpg")];
        assert!(take(&mut files).is_none());
        let mut files = vec![f("README"), f("gerald_at_wireshark_dot_org.gpg")];
        assert_eq!(take(&mut files).map(|k| k.rel).as_deref(), Some("p/gerald_at_wireshark_dot_org.gpg"));
    }
}
