//! Secret keys left in the release tree: an exported OpenPGP secret key (the form
//! `closer sign --key` reads), an SSH, minisign, signify or cosign private key. Such a
//! file published is a key every downloader holds; the build names it wherever it is
//! (a note, a file whose name says no version), and no fix offers to carry it.

use std::path::Path;

/// What a file's first bytes say it is when they open a secret key: `None` otherwise.
pub fn kind_of(head: &[u8]) -> Option<&'static str> {
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start();
    const MARKERS: [(&str, &str); 7] = [
        ("-----BEGIN PGP PRIVATE KEY BLOCK-----", "an OpenPGP secret key"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", "an SSH private key"),
        ("untrusted comment: minisign encrypted secret key", "a minisign secret key"),
        ("untrusted comment: minisign secret key", "a minisign secret key"),
        ("untrusted comment: signify secret key", "a signify secret key"),
        ("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----", "a cosign private key"),
        ("-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----", "a cosign private key"),
    ];
    if let Some((_, kind)) = MARKERS.iter().find(|(m, _)| text.starts_with(m)) {
        return Some(kind);
    }
    // PEM's own (`-----BEGIN PRIVATE KEY-----`, `EC PRIVATE KEY`, `RSA PRIVATE KEY`).
    let first = text.lines().next().unwrap_or("");
    (first.starts_with("-----BEGIN ") && first.ends_with(" PRIVATE KEY-----") || first == "-----BEGIN PRIVATE KEY-----")
        .then_some("a private key (PEM)")
}

/// [`kind_of`] the file at `path` (its first bytes); `None` when it cannot be read.
pub fn kind_of_file(path: &Path) -> Option<&'static str> {
    kind_of(&super::fs::head(path).ok()?)
}

/// The problem of a secret key at `path`, of kind `kind`.
pub fn problem(path: &Path, kind: &str) -> crate::util::problem::Problem {
    crate::util::problem::Problem::new(
        path.display().to_string(),
        format!("holds {kind}: published, every downloader would have it"),
    )
    .hint(format!(
        "remove it from the release tree at once (rm {}), and treat the key as exposed if it was ever served",
        crate::util::text::shell_quote(&path.display().to_string())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys_are_known_by_their_first_line_and_public_ones_are_not() {
        assert_eq!(kind_of(b"-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQ"), Some("an OpenPGP secret key"));
        assert_eq!(kind_of(b"\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3"), Some("an SSH private key"));
        assert_eq!(kind_of(b"untrusted comment: minisign encrypted secret key\nRW"), Some("a minisign secret key"));
        assert_eq!(kind_of(b"-----BEGIN EC PRIVATE KEY-----\nMH"), Some("a private key (PEM)"));
        assert_eq!(kind_of(b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n"), None);
        assert_eq!(kind_of(b"untrusted comment: minisign public key\n"), None);
        assert_eq!(kind_of(b"# README\n"), None);
    }
}
