//! What a directory's name says of what it holds, before its files are looked at:
//! grouping by kind, machine or system (`x86_64/`, `windows/`), a dated snapshot
//! (`2023-12-28/`), or a series (`v6.x/`).

/// Names of directories that group a project's files by kind, by machine or by operating
/// system, never by version or line (Alpine's `v3.21/releases/x86_64/`, GIMP's
/// `v2.10/windows/` and `osx/`, LibreOffice's `24.8.4/deb/x86_64/`, Julia's
/// `bin/winnt/x64/1.11/`).
pub(super) const GROUPING: [&str; 70] = [
    "x86_64",
    "x64",
    "arm",
    "armel",
    "armv6l",
    "armv7l",
    "ppc64",
    "powerpc",
    "mips64el",
    "winnt",
    "musl",
    "freebsd",
    "openbsd",
    "netbsd",
    "android",
    "x86",
    "i386",
    "i686",
    "amd64",
    "aarch64",
    "arm64",
    "armhf",
    "armv7",
    "ppc64le",
    "s390x",
    "riscv64",
    "loongarch64",
    "bin",
    "binaries",
    "binary",
    "src",
    "source",
    "sources",
    "dist",
    "distribution",
    // Gradle's `distributions/gradle-8.11.1-bin.zip`.
    "distributions",
    // nginx's `download/nginx-1.27.3.tar.gz`.
    "download",
    "downloads",
    "files",
    "release",
    "releases",
    "pub",
    "manual",
    "docs",
    "windows",
    "win",
    "win32",
    "win64",
    "osx",
    "macos",
    "mac",
    "darwin",
    "linux",
    "deb",
    "rpm",
    // Jenkins's `war/2.490/jenkins.war` beside `windows/2.490/jenkins.msi`: folders by
    // the kind of package.
    "war",
    "msi",
    "exe",
    "dmg",
    "pkg",
    "apk",
    "appimage",
    "installer",
    "installers",
    "tarballs",
    // nmap's `sigs/` of signatures and digests of the files beside it.
    "sigs",
    // Dart's `channels/stable/release/3.5.4/sdk/` and `api-docs/`.
    "sdk",
    "api-docs",
    // GRASS GIS's `binary/mswindows/native/WinGRASS-8.4.0-1-Setup.exe`.
    "mswindows",
    "native",
];

/// Does `name` group files by kind, machine or system: a word of [`GROUPING`], a word
/// naming a system or machine (SageMath's `osx/intel/` and `osx/arm64/`, MySQL's
/// `macos14/`), PuTTY's `w32/`, `w64/` and `wa64/`, or a system and its machine (MinIO's
/// `linux-amd64/`, `windows-amd64/`, `darwin-arm64/`, Go's `linux_386/`)?
pub(super) fn is_grouping(name: &str) -> bool {
    use crate::util::platform::names_platform;
    let lower = name.to_ascii_lowercase();
    let word = |w: &str| GROUPING.contains(&w);
    word(&lower)
        || names_platform(&lower)
        || matches!(lower.as_str(), "w32" | "w64" | "wa32" | "wa64")
        || lower
            .split_once(['-', '_'])
            .is_some_and(|(system, machine)| names_platform(system) && names_platform(machine))
}

/// Does a directory named `name` hold copies of the newest release (Node.js's
/// `latest/`, `latest-v22.x/` and `latest-jod/`, a `current/`): its files join the
/// release they are copies of, never a line or a release of their own.
pub(super) fn is_copies(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "latest" || lower == "current" || lower.starts_with("latest-") || lower.starts_with("latest_")
}

/// Does a directory named `name` hold releases, never a line of them: Linux Mint's
/// `stable/`, Arch Linux's `iso/`, Rocky Linux's `isos/`, FreeBSD's `ISO-IMAGES/`,
/// older versions kept apart (Wireshark's `src/all-versions/`, OpenSSL's `source/old/`,
/// curl's `archeology/`), release candidates kept apart (curl's `rc/`), and copies of the
/// newest ([`is_copies`])?
pub(super) fn is_holder(name: &str) -> bool {
    is_copies(name)
        || matches!(
            name.to_ascii_lowercase().as_str(),
            "releases"
                | "release"
                | "pub"
                | "dist"
                | "download"
                | "downloads"
                | "stable"
                | "iso"
                | "isos"
                | "iso-images"
                | "images"
                | "all-versions"
                | "old"
                | "older"
                | "old-releases"
                // libpng's `libpng16/older-releases/1.6.43/` beside `libpng16/1.6.44/`.
                | "older-releases"
                | "old-versions"
                // Mesa's `older-versions/`.
                | "older-versions"
                // zlib's `fossils/`.
                | "fossils"
                // cgit's `snapshot/`, a tarball per tag (and others' dated builds).
                | "snapshot"
                | "previous"
                | "archive"
                | "archives"
                // curl's `download/archeology/`.
                | "archeology"
                | "historic"
                // Dart's `channels/stable/`, `channels/beta/`.
                | "channels"
                // Postfix's `official/` beside `experimental/`.
                | "official"
        )
        // Pre-releases kept apart (curl's `rc/`, LibreOffice's `testing/`; rsync's
        // `src-previews/` beside `src/`): releases of the lines beside them, so the final
        // supersedes them.
        || crate::util::version::PRERELEASES_APART.contains(&name.to_ascii_lowercase().as_str())
        || name.split_once(['-', '_']).is_some_and(|(kind, apart)| {
            let apart = apart.to_ascii_lowercase();
            is_grouping(kind)
                && (crate::util::version::PRERELEASES_APART.contains(&apart.as_str()) || apart == "previews")
        })
}

/// Is `name` a folder that groups a release's files (by kind, machine or system), or
/// one that holds releases ([`is_holder`])?
pub(super) fn is_folder(name: &str) -> bool {
    is_grouping(name) || is_holder(name)
}

/// Is `name` a date (`2023-12-28`, `20231228`): a snapshot of releases kept elsewhere?
pub(super) fn is_date(name: &str) -> bool {
    crate::util::version::is_day(name)
}

/// Does the file name `file` hold the date `date` as a word of its own (not inside a
/// longer run of digits)?
pub(super) fn names_date(file: &str, date: &str) -> bool {
    file.match_indices(date).any(|(i, _)| {
        let before = file[..i].chars().next_back();
        let after = file[i + date.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

/// Does `dir` say it is a series (`v6.x`, `2.4.x`) rather than one version?
pub(super) fn series_name(dir: &str) -> bool {
    dir.split(['.', '-']).any(|part| part.eq_ignore_ascii_case("x"))
}
