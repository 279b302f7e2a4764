//! How narrow a build is among those that fit a visitor alike (a musl build, a
//! distribution's own, an installer's older revision), so that a page offers the
//! broadest, newest one first.

use super::{Os, another_program};

/// Words of a build for one C library or distribution, not the system at large: musl
/// (Alpine), a distribution's own build (MongoDB's `rhel93`, `ubuntu2204`, an `el9`, a
/// release's codename), a
/// package format (`.deb`, `.rpm`) beside a plain archive; each word alone or with a
/// release number after it.
const NARROW: [&str; 42] = [
    // Racket's `racket-8.15-x86_64-linux-bc.sh`: its legacy virtual machine, beside `-cs`.
    "bc",
    "musl",
    "alpine",
    // GHC's `ghc-9.10.1-x86_64-deb12-linux-dwarf.tar.xz`: with debug information.
    "dwarf",
    "rhel",
    "el",
    "centos",
    "ubuntu",
    "debian",
    "suse",
    "sles",
    "amzn",
    "amazonlinux",
    "fedora",
    "deb",
    "rpm",
    // GHC's `x86_64-rocky8-linux`; AlmaLinux's, Oracle Linux's, openSUSE's builds.
    "rocky",
    "alma",
    "almalinux",
    "ol",
    "opensuse",
    "xenial",
    "bionic",
    "focal",
    "jammy",
    "noble",
    "oracular",
    "plucky",
    "buster",
    "bullseye",
    "bookworm",
    "trixie",
    // Bun's `bun-linux-x64-baseline-profile.zip` (for older processors, with profiling),
    // Godot's .NET editor `Godot_v4.3-stable_mono_win64.zip`.
    "baseline",
    "profile",
    "mono",
    // Azul Zulu's JavaFX and CRaC bundles and its runtime alone beside the plain JDK
    // (`zulu21.38.21-ca-fx-jdk21.0.5-linux_x64.tar.gz`, `-ca-crac-jdk…`, `-ca-jre21…`).
    "fx",
    "crac",
    "jre",
    // Debug symbols beside a build (KiCad's `kicad-8.0.7-x86_64-pdbs.exe`), and a build
    // on the older toolkit beside the current one (Stellarium's `-qt5-` beside `-qt6-`).
    "pdbs",
    "dbgsym",
    "debuginfo",
    "qt5",
];

/// Among builds for the same system and machine, how narrow one is (0: any such
/// machine runs it): a page offers the broadest first (.NET's `linux-x64` before its
/// `linux-musl-x64`, Elasticsearch's `linux-x86_64.tar.gz` before its `amd64.deb`,
/// KeePassXC's `Win64.msi` before its `Win64-LegacyWindows.msi`), and the project's own
/// program before another one its release carries (Electron's `chromedriver-…` and
/// `ffmpeg-…` builds beside `electron-…`). `os`: the system the file is for, as
/// [`platform`] read it; `project`: the project's name.
pub fn narrowness(name: &str, project: &str, os: Option<Os>) -> u8 {
    let lower = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
    let words = lower.split(['-', '_', '.', '+', ' ']).filter(|w| {
        w.starts_with("legacy")
            || NARROW.iter().any(|n| w.strip_prefix(n).is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit())))
    });
    // For Windows, an archive (VLC's `win64.7z`, curl's `win64-mingw.tar.xz`) is for
    // those who know they want it: the installer beside it comes first.
    let archive = [".zip", ".7z", ".tar.xz", ".tar.gz", ".tar.bz2", ".tar.zst"].iter().any(|e| lower.ends_with(e));
    let windows = archive && os == Some(Os::Windows);
    let other = another_program(name, project);
    // A musl build (Alpine's) runs on no glibc system: narrower than one distribution's
    // glibc build (GHC's bindists are each for one; a Linux visitor got the Alpine one).
    // So is a cloud's own distribution (Swift's `amazonlinux2` came before its `ubuntu24.04`).
    let of = |w: &str, d: &str| w.strip_prefix(d).is_some_and(|r| r.bytes().all(|b| b.is_ascii_digit()));
    let musl = is_musl(name) || lower.split(['-', '_', '.']).any(|w| of(w, "amazonlinux") || of(w, "amzn"));
    // HDF5's `-win-vs2022_intel.msi` beside `_cl.msi`: built with Intel's compilers, which
    // need Intel's runtime (on a Mac, `Intel` names the processor).
    let intel = matches!(os, Some(Os::Windows | Os::Linux)) && lower.split(['-', '_', '.']).any(|w| w == "intel");
    let narrow = words.count() + usize::from(windows) + 2 * usize::from(other) + usize::from(musl);
    (narrow + usize::from(locale(name)) + usize::from(intel)).min(9) as u8
}

/// Is `name` a build for musl, Alpine's C library (Bun's `bun-linux-x64-musl.zip`, GHC's
/// `-alpine3_12-linux`)? It runs on no glibc system, and its label says so.
pub fn is_musl(name: &str) -> bool {
    let lower = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
    let alpine = |w: &str| w.strip_prefix("alpine").is_some_and(|r| r.bytes().all(|b| b.is_ascii_digit()));
    lower.split(['-', '_', '.']).any(|w| w == "musl" || alpine(w))
}

/// Is the file in a folder of a language other than English (Firefox's and
/// Thunderbird's `linux-x86_64/de/`, `win64/ja-JP-mac/` beside `en-US/`)? Every visitor
/// was offered the German build, first by name.
fn locale(name: &str) -> bool {
    let mut folders = name.split('/').rev().skip(1);
    folders.any(|f| {
        let mut parts = f.split('-');
        let lang = parts.next().unwrap_or("");
        let region = parts.next();
        let two = lang.len() == 2 && lang.bytes().all(|b| b.is_ascii_lowercase());
        let regional = region.is_some_and(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase()));
        (two && (region.is_none() || regional)) && lang != "en"
    })
}

/// Which of `names` (a release's) are uploads superseded by a later revision among
/// them? GIMP uploads a fixed installer again as `gimp-2.10.38-setup-1.exe`,
/// `-setup-3.exe`, OpenVPN as `OpenVPN-2.6.12-I002-amd64.msi` after `-I001-`: the
/// highest revision is the one to offer. A revision is one digit after a last `-`
/// (never `-32`/`-64`, a width), or a word `I` and three digits, the rest of the name
/// the same.
pub fn superseded_revisions<S: AsRef<str>>(names: &[S]) -> Vec<bool> {
    fn split(name: &str) -> ((String, &str), u16) {
        let base = name.rsplit('/').next().unwrap_or(name);
        let dot = base.find(".tar.").or_else(|| base.rfind('.')).unwrap_or(base.len());
        let (stem, ext) = base.split_at(dot);
        let installer =
            |w: &str| w.len() == 4 && w.starts_with(['I', 'i']) && w[1..].bytes().all(|b| b.is_ascii_digit());
        if let Some(w) = stem.split('-').find(|w| installer(w)) {
            return ((stem.replacen(&format!("-{w}"), "", 1), ext), w[1..].parse().unwrap_or(0));
        }
        match stem.rsplit_once('-') {
            Some((s, r)) if r.len() == 1 && r.as_bytes()[0].is_ascii_digit() => {
                ((s.to_string(), ext), u16::from(r.as_bytes()[0] - b'0'))
            }
            _ => ((stem.to_string(), ext), 0),
        }
    }
    let split: Vec<_> = names.iter().map(|n| split(n.as_ref())).collect();
    let mut newest: std::collections::HashMap<&(String, &str), u16> = std::collections::HashMap::new();
    for (key, rev) in &split {
        let e = newest.entry(key).or_insert(*rev);
        *e = (*e).max(*rev);
    }
    split.iter().map(|(key, rev)| newest[key] > *rev).collect()
}

/// Which of `names` (a release's) are another of them with a word more, a variant of
/// it: ParaView's `ParaView-5.13.1-MPI-Windows-…-AMD64.msi` beside the plain
/// `ParaView-5.13.1-Windows-…-AMD64.msi`, Octave's `octave-9.2.0-w64-64-installer.exe`
/// (64-bit indexing) beside `octave-9.2.0-w64-installer.exe`. Of builds that fit a
/// visitor alike, the plain one comes first.
pub fn variants<S: AsRef<str>>(names: &[S]) -> Vec<bool> {
    let words = |n: &str| -> Vec<String> {
        let base = n.rsplit('/').next().unwrap_or(n).to_ascii_lowercase();
        base.split(['-', '_', '.', ' ']).filter(|w| !w.is_empty()).map(str::to_string).collect()
    };
    let all: Vec<Vec<String>> = names.iter().map(|n| words(n.as_ref())).collect();
    let one_more = |long: &[String], short: &[String]| {
        long.len() == short.len() + 1 && {
            let at = long.iter().zip(short).position(|(a, b)| a != b).unwrap_or(short.len());
            // (A digit alone is an upload's revision, GIMP's `-setup-3.exe`: newer, not narrower.)
            let revision = long[at].len() == 1 && long[at].as_bytes()[0].is_ascii_digit();
            !revision && long[at + 1..] == short[at..] && long[..at] == short[..at]
        }
    };
    // (A release of thousands of files is asked once each per other of its length less one.)
    all.iter().map(|w| all.iter().any(|o| one_more(w, o))).collect()
}
