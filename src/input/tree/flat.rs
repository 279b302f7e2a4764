//! Releases inferred from file names, for projects that keep them side by side
//! (`httpd/httpd-2.4.58.tar.gz` beside `httpd/httpd-2.4.57.tar.bz2`, kernel.org's
//! `linux-6.6.tar.xz`): `<name>-<version>[-<classifier>]<extension>`, the version being
//! the first part that starts with a digit (or `v` and a digit), with the pre-release
//! words real projects use kept in it (`-M10`, `-beta-1`, `-RC1`, `-incubating`).

use crate::model::digests::Algo;
use crate::model::tree::{SIGNATURE_EXTS, UNCOMPRESSED_SIGNATURE_EXT, checksum_list};

/// Extensions of release files, longest first so `.tar.gz` wins over `.gz`.
const EXTENSIONS: [&str; 31] = [
    ".tar.gz",
    ".tar.bz2",
    ".tar.xz",
    ".tar.zst",
    ".tar.lz",
    ".tar.lzma",
    ".tgz",
    ".tbz2",
    ".txz",
    ".tbz",
    ".tzst",
    ".tlz",
    ".tar",
    ".zip",
    ".jar",
    ".war",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
    ".7z",
    ".deb",
    ".rpm",
    ".exe",
    ".msi",
    ".dmg",
    ".pkg",
    ".whl",
    ".gem",
    ".iso",
    ".img",
];

/// Words that belong to a version after a `-`: pre-release and status markers.
fn version_word(word: &str) -> bool {
    // (`stable`: Godot's `Godot_v4.3-stable_win64.exe.zip` beside `godot-4.3-stable.tar.xz`,
    // in the tag's folder `4.3-stable/`.)
    const WORDS: [&str; 21] = [
        "stable",
        "trial",
        "ea",
        "canary",
        "a",
        "alpha",
        "b",
        "beta",
        "m",
        "milestone",
        "rc",
        "cr",
        "pre",
        "preview",
        "dev",
        "snapshot",
        "incubating",
        "final",
        "ga",
        "r",
        "",
    ];
    // Flutter's `3.28.0-0.1.pre`: numbers, then a word after a dot.
    let numbered = word.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    let word =
        if numbered.len() < word.len() && word[..word.len() - numbered.len()].ends_with('.') { numbered } else { word };
    let alpha = word.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    // LAMMPS's stable updates, `29Aug2024_update1`: a release after `29Aug2024`.
    let update = alpha.eq_ignore_ascii_case("update") && word.len() > alpha.len();
    update || WORDS.iter().any(|w| w.eq_ignore_ascii_case(alpha))
}

/// Is this the ending of a sidecar: a signature (`.asc`, `.sig`, `.gpg`, kernel.org's
/// `.sign`) or a checksum (`.sha512`, ...)?
pub fn sidecar_ext(ext: &str) -> bool {
    SIGNATURE_EXTS.contains(&ext) || ext == UNCOMPRESSED_SIGNATURE_EXT || Algo::from_ext(ext).is_some()
}

/// A sidecar's name split into what it is added to and its ending: `("X", "asc")`,
/// `("X", "sha256sum")` (Tor, Helm), `("X", "sha256.txt")` (Perl), `("X", "SHA256.txt")`
/// (FreeCAD's `X-SHA256.txt`); `None` when the name does not end like a sidecar.
pub fn split_sidecar(name: &str) -> Option<(&str, &str)> {
    let (stem, ext) = name.rsplit_once('.')?;
    if sidecar_ext(ext) {
        return Some((stem, ext));
    }
    if ext != "txt" {
        return None;
    }
    // `X.sha256.txt` (Perl), and FreeCAD's `X-SHA256.txt`.
    let dotted = stem.rsplit_once('.').filter(|(_, algo)| Algo::from_ext(algo).is_some());
    let (before, _) = dotted.or_else(|| stem.rsplit_once('-').filter(|(_, algo)| Algo::from_ext(algo).is_some()))?;
    Some((before, &name[before.len() + 1..]))
}

/// The artifact a file belongs to: itself, or what its sidecar endings (`.asc`, `.sig`,
/// `.sha512`, a signed checksum's `.sha256.asc`, ...) are added to.
pub fn artifact_of(name: &str) -> &str {
    match split_sidecar(name) {
        Some((stem, _)) => split_sidecar(stem).map_or(stem, |(of, _)| of),
        None => name,
    }
}

/// Does this name start like a version: a digit, `v` and a digit (`2.4.58`, `v9.0.83`),
/// or `r` and a release's number (Haiku's `r1beta5`, Android's NDK `r27c` and
/// platform-tools `r35.0.2`)?
pub fn starts_version(s: &str) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(u8::is_ascii_digit)
        || (b.first() == Some(&b'v') && b.get(1).is_some_and(u8::is_ascii_digit))
        || s.strip_prefix('r').is_some_and(release_number)
}

/// What follows a release's `r`: a number, then the end of the word, a dotted number,
/// one patch letter (`27c`) or a pre-release word and its number (`1beta5`, `2rc1`).
fn release_number(rest: &str) -> bool {
    let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let word_end = rest.find(['-', '_', ' ']).unwrap_or(rest.len());
    let after = &rest[digits..word_end];
    digits > 0
        && (after.is_empty()
            || after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit())
            || after.len() == 1 && after.starts_with(|c: char| c.is_ascii_lowercase())
            || matches!(after.trim_end_matches(|c: char| c.is_ascii_digit()), "alpha" | "beta" | "rc"))
}

/// The version in a release file's name, if it has one.
pub fn version_of(file: &str) -> Option<String> {
    name_parts(file).map(|(_, v)| v.to_string())
}

/// An archive named for the project alone (ImageMagick's `ImageMagick.tar.gz` beside
/// `ImageMagick-7.1.1-41.tar.gz`), or a program named as it is (MinIO's `minio` beside
/// `archive/minio.RELEASE.<time>`): a copy of the newest, as Nextcloud's `latest.tar.bz2`
/// is, carried beside the releases with its sums and signatures.
pub fn is_project_copy(name: &str, project: &str) -> bool {
    let (stem, ext) = name.split_once('.').unwrap_or((name, ""));
    let archive = ["tar.", "tgz", "txz", "tbz", "zip", "7z"].iter().any(|e| ext.starts_with(e))
        || ext.is_empty()
        || ext.eq_ignore_ascii_case("exe");
    archive && stem.eq_ignore_ascii_case(project)
}

/// Which of `versions` (those of the releases beside it) a name gives without its dots:
/// zlib's `zlib131.zip` beside `zlib-1.3.1.tar.gz`, FreeType's `ft2133.zip` beside
/// `freetype-2.13.3.tar.xz`. The digits follow the letters that open the name and end its
/// first word; at least three, so that no `12` is taken for 1.2.
pub fn packed_version<'a>(name: &str, versions: impl IntoIterator<Item = &'a str>) -> Option<usize> {
    let letters = name.find(|c: char| !c.is_ascii_alphabetic())?;
    let rest = &name[letters..];
    let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let packed = &rest[..digits];
    let ends_word = rest[digits..].is_empty() || rest[digits..].starts_with(['.', '-', '_']);
    if letters == 0 || packed.len() < 3 || !ends_word {
        return None;
    }
    let dotted = |v: &str| v.contains('.') && v.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    versions.into_iter().position(|v| dotted(v) && v.replace('.', "") == packed)
}

/// The product a release file's name says before its version, and the version. The
/// product is normalised as package indexes do (`apache_airflow_providers_sftp` and
/// `apache-airflow-providers-sftp` are one): lower case, runs of `-`, `_`, `.` and spaces as
/// one `-`. The platform a name gives before its version is no part of the product
/// (Flutter's `flutter_linux_3.24.5-stable.tar.xz` and `flutter_macos_arm64_3.24.5-stable.zip`
/// are both `flutter`'s).
pub fn product_and_version(file: &str) -> Option<(String, String)> {
    name_parts(file).map(|(p, v)| (without_platform(normalise(p)), v.to_string()))
}

/// A normalised product name without the system and machine words at its end, when a
/// name remains (the kernel's `linux` stays `linux`).
fn without_platform(mut product: String) -> String {
    loop {
        let cut = match product.rsplit_once('-') {
            Some((head, "64")) if head.ends_with("x86") => head.rsplit_once('-').map(|(h, _)| h.len()),
            Some((head, last)) if crate::util::platform::names_platform(last) => Some(head.len()),
            _ => None,
        };
        match cut {
            Some(n) if n > 0 => product.truncate(n),
            _ => return product,
        }
    }
}

/// `<product>-<version>[-<classifier>]<extension>` read from a file's name: the version
/// is the first part after a `-` or `_` that starts with a digit (or `v` and a digit),
/// with the version words real projects add to it; failing that, a dotted number right
/// after the letters that start the name (Go's `go1.21.5.src.tar.gz`). A part after a
/// `.` that starts with a letter (`1.21.5.linux-amd64`, `1.75.0.toml`) ends it.
/// Returns the product as written, and the version.
fn name_parts(file: &str) -> Option<(&str, &str)> {
    if checksum_list(file).is_some() {
        return None;
    }
    let name = artifact_of(file);
    let stem = EXTENSIONS
        .iter()
        .find(|e| name.len() > e.len() && name.as_bytes()[name.len() - e.len()..].eq_ignore_ascii_case(e.as_bytes()))
        .map_or(name, |e| &name[..name.len() - e.len()]);
    let stem = package_stem(name, stem);
    // A name that opens with its date (Raspberry Pi OS's
    // `2024-11-19-raspios-bookworm-arm64-lite.img.xz`): the date is the version.
    if let Some(date) = leading_date(stem) {
        return Some((stem[date.len()..].trim_start_matches(['-', '_']), date));
    }
    if let Some(parts) = release_stamp(stem) {
        return Some(parts);
    }
    let start = version_start_at(stem)?;
    let start = later_product_version(stem, start).unwrap_or(start);
    // Then the parts after it that are version words (`-M10`, `-beta-1`, `-incubating`),
    // taken as written; a classifier (`-bin`, `_amd64`) ends it.
    let rest = &stem[start..];
    let next = |from: usize| rest[from..].find(['-', '_', ' ']).map_or(rest.len(), |i| from + i);
    let mut end = dotted_end(&rest[..next(0)]);
    if end == next(0) {
        while end < rest.len() {
            let after = next(end + 1);
            let word = &rest[end + 1..after];
            // The last word may carry an extension closer does not know (CPAN's
            // `Moose-2.2207_01.meta`): the word is what comes before it.
            let cut = dotted_end(word);
            let core = &word[..cut];
            // A build stamp (Eclipse's `R-4.30-202312010110`, Inkscape's
            // `1.4_2024-10-11_86a8ad7`: a date after a dotted version) is not part of it.
            let year =
                core.len() == 4 && (core.starts_with("19") || core.starts_with("20")) && rest[..end].contains('.');
            // Git for Windows' `Git-2.47.1-64-bit.exe`, Meson's `meson-1.6.1-64.msi`: a width.
            let width = rest[after..].get(1..4).is_some_and(|w| w.eq_ignore_ascii_case("bit"))
                || (matches!(core, "32" | "64") && after == rest.len() && rest[..end].contains('.'));
            // A year's week (Kali's weekly `kali-linux-2024-W50-...`): each week a release.
            let week = end == 4
                && rest[..4].bytes().all(|b| b.is_ascii_digit())
                && core
                    .strip_prefix(['W', 'w'])
                    .is_some_and(|n| (1..=2).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()));
            // A build's day after a dotted version and a `-` (LineageOS's weekly
            // `lineage-22.0-20241203-nightly-husky-signed.zip`): each day's build a release,
            // 22.0-20241203, so the newest is offered and the oldest age out. (After a `_`
            // it is an installer's stamp: GnuPG's `gnupg-w32-2.4.7_20241125.exe` is 2.4.7's.)
            let day = core.len() == 8
                && crate::util::version::is_day(core)
                && rest[..end].contains('.')
                && rest.as_bytes()[end] == b'-';
            // Semver's build metadata after a pre-release (Zig's development builds,
            // `zig-0.15.0-dev.1034+bd97b6618.tar.xz`) stays with it.
            let tagged = core.split_once('+').map_or(core, |(pre, _)| pre);
            // MX Linux's `MX-23.4_386.iso`: the machine, not a part of 23.4.
            if !(version_word(tagged) || week)
                || core == "386"
                || (core.len() >= 8 && core.bytes().all(|b| b.is_ascii_digit()) && !day)
                || year
                || width
            {
                break;
            }
            end += 1 + cut;
            if cut < word.len() {
                break;
            }
        }
    }
    Some((stem[..start].trim_end_matches(['-', '_', '.', ' ']), &rest[..end]))
}

/// Where the version in a release file's stem begins: the first part after a `-`, `_` or
/// space that starts like a version and is no machine's name or git revision; else after
/// `R` (Qubes OS); else glued to the letters that open the name (`go1.21.5`).
fn version_start_at(stem: &str) -> Option<usize> {
    let bytes = stem.as_bytes();
    // A space too: Wireshark's `Wireshark 4.4.0 Arm 64.dmg`.
    let after_separator = |i: &usize| matches!(bytes[*i - 1], b'-' | b'_' | b' ');
    // The `64` of `x86_64` is a machine's name, not a version; the version after `x86-`
    // is one (SQLite's `sqlite-dll-win-x86-3470200.zip`).
    let more_digits = |w: &str| w.starts_with(|c: char| c.is_ascii_digit());
    let machine = |i: usize| {
        let more =
            |w: &str| w.starts_with(|c: char| c.is_ascii_digit()) || w.strip_prefix('.').is_some_and(more_digits);
        let word = stem[i..].strip_prefix("64").filter(|w| !more(w));
        let before = stem[..i - 1].to_ascii_lowercase();
        // Go's 32-bit x86 after a system (`go1.23.4.linux-386.tar.gz`, Syncthing's
        // `syncthing-linux-386-v1.28.1.tar.gz`); a version 386 alone stays one (`less-386`).
        let system = || before.rsplit(['-', '_', '.', ' ']).next().is_some_and(crate::util::platform::names_platform);
        let go_386 = stem[i..].strip_prefix("386").is_some_and(|w| !more(w)) && system();
        (word.is_some() && before.ends_with("x86")) || go_386
    };
    // A git revision is no version (Inkscape's `Inkscape-091e20e-x86_64.AppImage`).
    let revision = |i: usize| {
        let word = &stem[i..stem[i..].find(['-', '_', ' ', '.']).map_or(stem.len(), |e| i + e)];
        word.len() >= 7
            && word.bytes().all(|b| b.is_ascii_hexdigit())
            && word.bytes().any(|b| b.is_ascii_alphabetic())
            && crate::util::version::day_month_year(word).is_none()
    };
    (1..bytes.len())
        .filter(after_separator)
        .find(|&i| starts_version(&stem[i..]) && !machine(i) && !revision(i))
        .or_else(|| (1..bytes.len()).filter(after_separator).find_map(|i| release_letter(&stem[i..]).then_some(i + 1)))
        .or_else(|| glued_version(stem))
}

/// Where the version begins when the one found at `start` is a part of the product's
/// name, a word and a dotted version after it: Dovecot's Pigeonhole for Dovecot 2.3,
/// `dovecot-2.3-pigeonhole-0.5.21.1.tar.gz`, is version 0.5.21.1 (every 0.5.x was one
/// release "2.3"). Not a machine or system, a classifier, or a version's own word.
fn later_product_version(stem: &str, start: usize) -> Option<usize> {
    let rest = &stem[start..];
    let first = rest.find(['-', '_'])?;
    let after = &rest[first + 1..];
    let word_end = after.find(['-', '_'])?;
    let (word, version) = (&after[..word_end], &after[word_end + 1..]);
    let plain = word.len() > 2 && word.bytes().all(|b| b.is_ascii_alphabetic());
    let lower = word.to_ascii_lowercase();
    let classifier = ["doc", "docs", "setup", "portable", "static", "debug", "dbg", "full", "lite"];
    // What a build was made with, after the product's version (Lazarus's
    // `lazarus-3.6-fpc-3.2.2-win64.exe` is 3.6, built with FPC 3.2.2).
    let toolchain = [
        "fpc", "otp", "erlang", "jdk", "jre", "java", "gcc", "mingw", "msvc", "clang", "llvm", "qt", "node", "python",
        "py", "cuda", "go", "lua", "scala", "php", "ruby", "perl", "openssl", "wx", "gtk",
    ];
    let product_word = plain
        && !version_word(word)
        && !crate::util::platform::names_platform(&lower)
        && !super::dir_names::is_grouping(&lower)
        && !classifier.contains(&lower.as_str())
        && !toolchain.contains(&lower.as_str());
    let dotted = version.split(['-', '_']).next().is_some_and(|v| v.contains('.') && starts_version(v));
    (product_word && dotted && rest[..first].contains('.')).then(|| start + first + 1 + word_end + 1)
}

/// A package's name without what its packaging adds to the upstream version: an RPM's
/// `-<release>.<arch>` (`grafana-11.3.1-1.x86_64.rpm`, `jenkins-2.481-1.1.noarch.rpm`)
/// and a Debian package's `-<revision>` (`foo_1.2.3-1_amd64.deb`), so that the package
/// is a file of the release its tarballs are (11.3.1, not a release `11.3.1-1`).
fn package_stem<'a>(name: &str, stem: &'a str) -> &'a str {
    let revision = |r: &str| r.starts_with(|c: char| c.is_ascii_digit()) && !r.contains(['_', ' ']);
    // A tarball of a release's RPMs is named as one RPM is (MySQL's
    // `mysql-8.4.3-1.el9.x86_64.rpm-bundle.tar`).
    let (name, stem) = match stem.strip_suffix(".rpm-bundle") {
        Some(rpm) => (".rpm", rpm),
        None => (name, stem),
    };
    if name.ends_with(".rpm") {
        // `.src.rpm` is a source package, `.noarch`, `.x86_64`, `.el9.aarch64` ... a machine.
        let Some((nvr, arch)) = stem.rsplit_once('.') else { return stem };
        if !arch.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return stem;
        }
        return match nvr.rsplit_once('-') {
            Some((nv, release)) if revision(release) && nv.contains('-') && version_start(nv) => nv,
            _ => stem,
        };
    }
    if name.ends_with(".deb") {
        let mut parts = stem.splitn(3, '_');
        if let (Some(package), Some(version), Some(_arch)) = (parts.next(), parts.next(), parts.next())
            && let Some((upstream, debian)) = version.rsplit_once('-')
            && revision(debian)
            // A revision counts from 1; `01` is the upstream's own (`11.3.0+security-01`).
            && !(debian.starts_with('0') && debian.len() > 1 && debian.bytes().all(|b| b.is_ascii_digit()))
            && starts_version(upstream)
        {
            return &stem[..package.len() + 1 + upstream.len()];
        }
    }
    stem
}

/// Does a `-`-separated part of `stem` after its first open like a version?
fn version_start(stem: &str) -> bool {
    stem.split('-').skip(1).any(starts_version)
}

/// Does this part open with `R` and a dotted number (Qubes OS's `Qubes-R4.2.3-x86_64.iso`,
/// release 4.2.3)?
fn release_letter(part: &str) -> bool {
    let Some(rest) = part.strip_prefix('R') else { return false };
    let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    digits > 0 && rest[digits..].starts_with('.') && rest[digits + 1..].starts_with(|c: char| c.is_ascii_digit())
}

/// The `YYYY-MM-DD` date a name opens with, when it is a word of its own.
fn leading_date(stem: &str) -> Option<&str> {
    let date = stem.get(..10).filter(|d| crate::util::version::is_day(d))?;
    matches!(stem.as_bytes().get(10), None | Some(b'-' | b'_' | b'.')).then_some(date)
}

/// MinIO's `minio.RELEASE.2024-11-07T00-52-20Z` (and `mc`'s): a release named by its UTC
/// time. The time is the version (it sorts as one); the product is what comes before.
fn release_stamp(stem: &str) -> Option<(&str, &str)> {
    let at = stem.find("RELEASE.")?;
    let product = stem[..at].strip_suffix(['.', '-', '_']).filter(|p| !p.is_empty())?;
    let stamp = &stem[at + "RELEASE.".len()..];
    let b = stamp.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let shape = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && b.get(10) == Some(&b'T')
        && digits(11..13)
        && b.get(13) == Some(&b'-')
        && digits(14..16)
        && b.get(16) == Some(&b'-')
        && digits(17..19)
        && b.get(19) == Some(&b'Z');
    shape.then(|| (product, &stamp[..20]))
}

/// Where a version glued to the letters that start a name begins (`go1.21.5`): two or
/// more letters, then a number with at least one dot.
fn glued_version(stem: &str) -> Option<usize> {
    let i = stem.find(|c: char| !c.is_ascii_alphabetic())?;
    let rest = &stem[i..];
    let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    (i >= 2
        && digits > 0
        && rest[digits..].starts_with('.')
        && rest[digits + 1..].starts_with(|c: char| c.is_ascii_digit()))
    .then_some(i)
}

/// The end of the version in its first part: before a `.` followed by a word that is
/// no version word (`1.21.5.linux`, `1.75.0.toml`). A git revision is part of it
/// (NixOS's `24.05.7709.b134951a4c9f`, as its `24.11.712512.3f0a8ac25fb6`).
fn dotted_end(first: &str) -> usize {
    let revision = |p: &str| p.len() >= 7 && p.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    let mut at = 0;
    for (i, part) in first.split('.').enumerate() {
        let word = part.starts_with(|c: char| c.is_ascii_alphabetic()) && !revision(part);
        if i > 0 && word && !version_word(part) {
            return at - 1;
        }
        at += part.len() + 1;
    }
    first.len()
}

/// A product name as package indexes compare them: lower case, separators as one `-`.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.' | ' ') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(file: &str) -> Option<String> {
        product_and_version(file).map(|(p, _)| p)
    }

    #[test]
    fn an_unknown_extension_after_a_version_word_ends_it() {
        let of = |n: &str| product_and_version(n).map(|(_, v)| v);
        assert_eq!(of("Moose-2.2207_01.meta").as_deref(), Some("2.2207_01"));
        assert_eq!(of("Moose-2.2207_01.tar.gz").as_deref(), Some("2.2207_01"));
        assert_eq!(of("Moose-2.2207.readme").as_deref(), Some("2.2207"));
    }

    #[test]
    fn versions_from_the_names_real_projects_use() {
        let cases = [
            ("httpd-2.4.58.tar.bz2", Some("2.4.58")),
            ("httpd-2.4.58.tar.bz2.asc", Some("2.4.58")),
            ("httpd-2.4.58.tar.gz.sha512", Some("2.4.58")),
            ("linux-6.6.tar.xz", Some("6.6")),
            ("hello-2.12.1.tar.gz.sig", Some("2.12.1")),
            ("commons-lang3-3.14.0-bin.tar.gz", Some("3.14.0")),
            ("commons-lang3-3.14.0-src.zip", Some("3.14.0")),
            ("apache-tomcat-9.0.83.tar.gz", Some("9.0.83")),
            ("maven-4.0.0-M10-bin.zip", Some("4.0.0-M10")),
            ("foo-3.0.0-beta-1.tar.gz", Some("3.0.0-beta-1")),
            ("foo-3.0.0-RC1.tar.gz", Some("3.0.0-RC1")),
            ("incubator-foo-2.0.0-incubating-source-release.zip", Some("2.0.0-incubating")),
            ("bar-1.2-alpha.tar.gz", Some("1.2-alpha")),
            ("baz-1.0.0-rc.2.tgz", Some("1.0.0-rc.2")),
            ("data-20231201.tar.gz", Some("20231201")),
            ("tool-v1.4.0-linux-amd64.tar.gz", Some("v1.4.0")),
            ("tool_1.4.0_amd64.deb", Some("1.4.0")),
            ("go1.21.5.src.tar.gz", Some("1.21.5")),
            // Flutter's pre-releases: numbers, then a word after a dot.
            ("flutter_linux_3.28.0-0.1.pre-beta.tar.xz", Some("3.28.0-0.1.pre-beta")),
            ("Git-2.47.1-64-bit.exe", Some("2.47.1")),
            ("PortableGit-2.47.1-32-bit.7z.exe", Some("2.47.1")),
            ("go1.21.5.linux-amd64.tar.gz", Some("1.21.5")),
            ("channel-rust-1.75.0.toml", Some("1.75.0")),
            ("Python-3.13.0rc2.tgz", Some("3.13.0rc2")),
            ("bash52-001", Some("001")),
            ("R-4.30-202312010110", Some("4.30")),
            ("Qubes-R4.2.3-x86_64.iso", Some("4.2.3")),
            ("proxmox-ve_8.2-1.iso", Some("8.2-1")),
            ("nixos-24.05.7709.b134951a4c9f-x86_64-linux.iso", Some("24.05.7709.b134951a4c9f")),
            ("nixos-24.11.712512.3f0a8ac25fb6-x86_64-linux.iso", Some("24.11.712512.3f0a8ac25fb6")),
            ("proxmox-ve_8.2-2.iso", Some("8.2-2")),
            ("grafana-11.3.1-1.x86_64.rpm", Some("11.3.1")),
            ("inkscape-1.4_2024-10-11_86a8ad7-x64.msi", Some("1.4")),
            ("Inkscape-091e20e-x86_64.AppImage", None),
            ("sqlite-dll-win-x86-3470200.zip", Some("3470200")),
            ("Inkscape-1.4_arm64.dmg", Some("1.4")),
            ("grafana-enterprise-11.3.0+security-01-1.aarch64.rpm", Some("11.3.0+security-01")),
            ("jenkins-2.481-1.1.noarch.rpm", Some("2.481")),
            ("foo-2.0-3.el9.src.rpm", Some("2.0")),
            ("foo-1.0.x86_64.rpm", Some("1.0")),
            ("mysql-8.4.3-1.el9.x86_64.rpm-bundle.tar", Some("8.4.3")),
            ("kali-linux-2024-W50-installer-amd64.iso", Some("2024-W50")),
            ("kali-linux-2024.4-installer-amd64.iso", Some("2024.4")),
            ("foo_1.2.3-1_amd64.deb", Some("1.2.3")),
            ("grafana_11.3.1_amd64.deb", Some("11.3.1")),
            ("grafana_11.3.0+security-01_amd64.deb", Some("11.3.0+security-01")),
            ("foo_2.1-1+deb12u1_arm64.deb", Some("2.1")),
            ("code_1.95.3-1731513102_amd64.deb", Some("1.95.3")),
            ("Qubes-R4.2.4-rc1-x86_64.iso.asc", Some("4.2.4-rc1")),
            ("tool_x86_64.tar.gz", None),
            ("Godot_v4.3-stable_win64.exe.zip", Some("v4.3-stable")),
            ("godot-4.3-stable.tar.xz", Some("4.3-stable")),
            // A release's `r` and its number: Haiku, Android's NDK and platform tools.
            ("haiku-r1beta5-x86_64-anyboot.iso", Some("r1beta5")),
            ("haiku-r1beta5-x86_64-anyboot.zip.sha256", Some("r1beta5")),
            ("android-ndk-r27c-linux.zip", Some("r27c")),
            ("platform-tools_r35.0.2-linux.zip", Some("r35.0.2")),
            ("tool-rpi4-arm64.tar.gz", None),
            ("rootfs-rw-x86_64.img", None),
            ("Wireshark 4.4.0 Arm 64.dmg", Some("4.4.0")),
            ("Wireshark 4.4.0rc1 Intel 64.dmg", Some("4.4.0rc1")),
            ("Some Tool 2.1-beta-1 Setup.exe", Some("2.1-beta-1")),
            ("tool-x86-64-2.1.tar.gz", Some("2.1")),
            ("md5sum.txt", None),
            ("README", None),
            ("alpha-latest.tar.gz", None),
            ("SHA512SUMS", None),
            ("sha256sums.asc", None),
        ];
        for (name, want) in cases {
            assert_eq!(version_of(name).as_deref(), want, "{name}");
        }
        // Named with spaces or dashes, one product.
        let spaced = product_and_version("Wireshark 4.4.0 Arm 64.dmg");
        assert_eq!(spaced, product_and_version("Wireshark-4.4.0-x64.exe"));
    }

    #[test]
    fn versions_of_dated_builds_plugins_and_development_builds() {
        let cases = [
            ("lineage-22.0-20241203-nightly-husky-signed.zip", Some("22.0-20241203")),
            ("lineage-22.0-20241203-nightly-husky-signed.zip.sha256sum", Some("22.0-20241203")),
            // Not a day (month 13), nor after a dotted version (a GCC snapshot's own folder
            // names it).
            ("tool-1.2-20241301-x86_64.tar.gz", Some("1.2")),
            ("gcc-15-20241201.tar.xz", Some("15")),
            ("gnupg-w32-2.4.7_20241125.exe", Some("2.4.7")),
            ("dovecot-2.3-pigeonhole-0.5.21.1.tar.gz", Some("0.5.21.1")),
            ("dovecot-2.3.21.1.tar.gz", Some("2.3.21.1")),
            ("kafka_2.13-3.6.1.tgz", Some("2.13-3.6.1")),
            ("lazarus-3.6-fpc-3.2.2-win64.exe", Some("3.6")),
            ("zig-x86_64-linux-0.15.0-dev.1034+bd97b6618.tar.xz", Some("0.15.0-dev.1034+bd97b6618")),
            ("zig-0.15.0-dev.1034+bd97b6618.tar.xz.minisig", Some("0.15.0-dev.1034+bd97b6618")),
        ];
        for (name, want) in cases {
            assert_eq!(version_of(name).as_deref(), want, "{name}");
        }
    }

    #[test]
    fn products_are_named_as_package_indexes_name_them() {
        assert_eq!(
            product("apache_airflow_providers_sftp-4.11.1.tar.gz").as_deref(),
            Some("apache-airflow-providers-sftp")
        );
        assert_eq!(
            product("apache-airflow-providers-sftp-4.11.1.tar.gz").as_deref(),
            Some("apache-airflow-providers-sftp")
        );
        assert_eq!(product("go1.21.5.src.tar.gz").as_deref(), Some("go"));
        assert_eq!(product("Python-3.12.1.tgz").as_deref(), Some("python"));
        assert_eq!(product("rust-std-1.75.0-x86_64-unknown-linux-gnu.tar.xz").as_deref(), Some("rust-std"));
    }
}
