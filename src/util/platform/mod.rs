//! What a release file is for, read from its name the way people name them: the
//! operating system and processor of a binary (`-linux-x86_64.tar.gz`, `_amd64.deb`,
//! `-win64.zip`, `.dmg`), or a source archive. The download page offers the visitor's
//! platform first and the source archive to everyone else; nothing here reads a file.

use serde::Serialize;

/// An operating system a binary is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    Linux,
    Windows,
    Macos,
    Freebsd,
    Openbsd,
    Netbsd,
    Android,
    /// Node.js's `node-v22.12.0-aix-ppc64.tar.gz`.
    Aix,
    /// Solaris and illumos (`-solaris-sparcv9`, `-sunos-x64`, `-illumos-amd64`).
    Solaris,
}

/// A processor a binary is for. `Universal` is macOS's fat binary (both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Arch {
    #[serde(rename = "x86_64")]
    X86_64,
    Arm64,
    X86,
    Armv7,
    /// The Raspberry Pi Zero's and 1's (rclone's `linux-arm-v6`), and ARMv5.
    Armv6,
    Riscv64,
    Ppc64le,
    /// Big-endian POWER (AIX's, `ppc64`).
    Ppc64,
    Sparc64,
    S390x,
    /// Go's `mips`, `mipsle`, `mips64`, `mips64le` (restic's, rclone's builds).
    Mips,
    Mips64,
    /// Go's `loong64`.
    Loong64,
    Universal,
}

/// What a file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Platform {
    pub os: Option<Os>,
    pub arch: Option<Arch>,
    /// Named as a binary (`-bin.tar.gz`), or recognised as one by its OS or processor.
    pub binary: bool,
    /// Named as sources (`-src.zip`, `-source.tar.xz`).
    pub source: bool,
}

impl Os {
    pub fn label(self) -> &'static str {
        match self {
            Os::Linux => "Linux",
            Os::Windows => "Windows",
            Os::Macos => "macOS",
            Os::Freebsd => "FreeBSD",
            Os::Openbsd => "OpenBSD",
            Os::Android => "Android",
            Os::Aix => "AIX",
            Os::Solaris => "Solaris",
            Os::Netbsd => "NetBSD",
        }
    }
}

impl Arch {
    pub fn label(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86-64",
            Arch::Arm64 => "ARM64",
            Arch::X86 => "32-bit x86",
            Arch::Armv7 => "ARMv7",
            Arch::Armv6 => "ARMv6",
            Arch::Riscv64 => "RISC-V 64",
            Arch::Ppc64le => "POWER (ppc64le)",
            Arch::Ppc64 => "POWER (ppc64)",
            Arch::Sparc64 => "SPARC",
            Arch::S390x => "IBM Z (s390x)",
            Arch::Mips => "MIPS",
            Arch::Mips64 => "MIPS64",
            Arch::Loong64 => "LoongArch",
            Arch::Universal => "Intel and Apple silicon",
        }
    }
}

fn os_of(token: &str) -> Option<Os> {
    Some(match token {
        // A distribution's release named by its codename (Valkey's `valkey-8.0.2-jammy-x86_64`).
        "linux" | "musl" | "xenial" | "bionic" | "focal" | "jammy" | "noble" | "oracular" | "plucky" | "buster"
        | "bullseye" | "bookworm" | "trixie" => Os::Linux,
        "windows" | "win" | "win32" | "win64" | "mingw" | "mingw32" | "mingw64" | "msvc" => Os::Windows,
        "macos" | "darwin" | "osx" | "mac" | "macosx" => Os::Macos,
        "freebsd" => Os::Freebsd,
        "openbsd" => Os::Openbsd,
        // Tor's `tor-expert-bundle-android-aarch64-14.0.3.tar.gz`: no Linux build.
        "android" => Os::Android,
        "aix" => Os::Aix,
        "solaris" | "sunos" | "illumos" => Os::Solaris,
        "netbsd" => Os::Netbsd,
        // A distribution and its release (Swift's `ubuntu24.04`, `amazonlinux2`, `rhel-ubi9`).
        t if [
            "ubuntu",
            "debian",
            "rhel",
            "centos",
            "fedora",
            "amazonlinux",
            "amzn",
            "rocky",
            "almalinux",
            "opensuse",
        ]
        .iter()
        .any(|d| t.strip_prefix(d).is_some_and(|r| r.bytes().all(|b| b.is_ascii_digit()))) =>
        {
            Os::Linux
        }
        // A system and its release (MySQL's `macos14`, `freebsd14`, `darwin23`).
        t if t.ends_with(|c: char| c.is_ascii_digit()) => {
            let named = t.trim_end_matches(|c: char| c.is_ascii_digit());
            match named {
                "macos" | "macosx" | "osx" | "darwin" | "freebsd" | "openbsd" | "netbsd" => os_of(named)?,
                _ => return None,
            }
        }
        _ => return None,
    })
}

fn arch_of(token: &str) -> Option<Arch> {
    Some(match token {
        // VideoLAN's `vlc-3.0.21-intel64.dmg`.
        // OBS Studio's `OBS-Studio-31.0.0-macOS-Intel.dmg` and `-macOS-Apple.dmg`.
        "x86_64" | "amd64" | "x64" | "win64" | "x86-64" | "intel64" | "64bit" | "intel" => Arch::X86_64,
        "aarch64" | "arm64" | "apple" | "applesilicon" => Arch::Arm64,
        "i386" | "i486" | "i586" | "i686" | "x86" | "win32" | "386" | "ia32" | "32bit" => Arch::X86,
        "armv7" | "armv7l" | "armhf" | "armv7hl" | "armv7a" | "arm" => Arch::Armv7,
        // Docker's static `armel/` builds (Debian's ARM EABI soft-float name).
        "armv6" | "armv6l" | "armv6hf" | "armv5" | "armv5l" | "armel" | "armv5te" => Arch::Armv6,
        "riscv64" => Arch::Riscv64,
        "ppc64le" | "ppc64el" | "powerpc64le" => Arch::Ppc64le,
        "ppc64" | "powerpc64" => Arch::Ppc64,
        "sparcv9" | "sparc64" | "sparc" => Arch::Sparc64,
        "s390x" => Arch::S390x,
        "mips" | "mipsle" | "mipsel" | "mips32" => Arch::Mips,
        "mips64" | "mips64le" | "mips64el" => Arch::Mips64,
        "loong64" | "loongarch64" => Arch::Loong64,
        "universal" | "universal2" => Arch::Universal,
        _ => return None,
    })
}

/// A word naming both a system and a machine: Julia's `mac64` and `macaarch64`, LLVM's
/// `woa64` and curl's `win64a` (Windows on Arm).
fn os_and_arch_of(token: &str) -> Option<(Os, Arch)> {
    Some(match token {
        "mac64" | "macx64" | "osx64" => (Os::Macos, Arch::X86_64),
        // VirtualBox's `VirtualBox-7.1.4-165100-macOSArm64.dmg`.
        "macaarch64" | "macarm64" | "macosarm64" | "macosxarm64" | "osxarm64" => (Os::Macos, Arch::Arm64),
        // curl's and MSYS2's `curl-8.11.1_1-win64a-mingw.zip`.
        "woa64" | "winarm64" | "win64a" => (Os::Windows, Arch::Arm64),
        // MySQL's `mysql-8.4.3-winx64.zip`.
        "winx64" | "windowsx64" => (Os::Windows, Arch::X86_64),
        "winx86" | "winx32" => (Os::Windows, Arch::X86),
        // PuTTY's `w32/putty.exe`, `w64/` and `wa64/` (Windows on Arm).
        "w32" => (Os::Windows, Arch::X86),
        "w64" => (Os::Windows, Arch::X86_64),
        "wa64" => (Os::Windows, Arch::Arm64),
        "wa32" => (Os::Windows, Arch::Armv7),
        "linux64" => (Os::Linux, Arch::X86_64),
        "linux32" => (Os::Linux, Arch::X86),
        _ => return None,
    })
}

/// The OS a package format is for, by the file's extension.
fn os_of_extension(ext: &str) -> Option<Os> {
    Some(match ext {
        // Ardour's `Ardour-8.10.0-x86_64.run` (a makeself installer).
        "deb" | "rpm" | "appimage" | "snap" | "flatpak" | "run" => Os::Linux,
        "exe" | "msi" | "msix" => Os::Windows,
        "dmg" | "pkg" => Os::Macos,
        _ => return None,
    })
}

/// Does one word (lower case) name a system or a machine (`linux`, `macos`, `arm64`,
/// `win64`, `rhel93`)?
pub fn names_platform(word: &str) -> bool {
    os_of(word).is_some() || arch_of(word).is_some() || os_and_arch_of(word).is_some()
}

/// A name with the machine's words that separators split joined into one token each.
fn one_word_each(base: String) -> String {
    // `x86_64` and `x86-64` are one token though `_` and `-` separate the others, and so
    // are Wireshark's `Arm 64` and `Intel 64` (`Wireshark 4.4.0 Arm 64.dmg`).
    let mut base = base.replace("x86_64", "x86~64").replace("x86-64", "x86~64");
    // Bazel's `aarch_64` (Envoy's `envoy-1.32.2-linux-aarch_64`): one word too.
    if base.contains("aarch_64") {
        base = base.replace("aarch_64", "aarch64");
    }
    for (word, joined) in [("arm", "arm64"), ("intel", "x86~64")] {
        // (Asked of every file on every page: most names hold neither word.)
        if base.contains(word) {
            for between in [" ", "-", "_"] {
                base = base.replace(&format!("{word}{between}64"), joined);
            }
        }
    }
    // rclone's `linux-arm-v6.zip` and `linux-arm-v7.zip`: one word each.
    if base.contains("arm-v") || base.contains("arm_v") {
        for v in ["5", "6", "7"] {
            base = base
                .replace(&format!("arm-v{v}"), &format!("armv{v}"))
                .replace(&format!("arm_v{v}"), &format!("armv{v}"));
        }
    }
    // Git for Windows' `-64-bit`, `-32-bit`: one word.
    if base.contains("bit") {
        for (split, joined) in [("64-bit", "64bit"), ("32-bit", "32bit"), ("64_bit", "64bit"), ("32_bit", "32bit")] {
            base = base.replace(split, joined);
        }
    }
    base
}

/// Reads a file name (its last path segment) of `project`: the project's own name at
/// its start says nothing (the kernel's `linux-6.6.tar.xz` is a source archive).
pub fn platform(name: &str, project: &str) -> Platform {
    let base = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
    let project = project.to_ascii_lowercase();
    let base = base.strip_prefix(project.as_str()).unwrap_or(&base).to_string();
    let base = one_word_each(base);
    let mut p = Platform::default();
    let mut by_windows = None;
    read_tokens(&base, &mut p, &mut by_windows);
    // A name that says no system or machine: the folders it is in, nearest first
    // (Thunderbird's `linux-x86_64/en-US/thunderbird-133.0.tar.bz2`, `win64/`, `mac/`).
    if p.os.is_none() && p.arch.is_none() && by_windows.is_none() {
        for folder in name.rsplit('/').skip(1) {
            let mut q = Platform::default();
            read_tokens(&folder.to_ascii_lowercase().replace("x86_64", "x86~64"), &mut q, &mut by_windows);
            (p.os, p.arch) = (p.os.or(q.os), p.arch.or(q.arch));
        }
    }
    p.arch = p.arch.or(by_windows);
    // `intel` names the processor of a Mac build (OBS's `-macOS-Intel.dmg`); in a Windows
    // or Linux build's name it is the compiler (HDF5's `-win-vs2022_intel.msi`), and says
    // nothing of the machine.
    if matches!(p.os, Some(Os::Windows | Os::Linux))
        && base.split(['-', '_', '.', ' ']).any(|t| t == "intel")
        && !base.split(['-', '_', '.', ' ']).any(|t| t != "intel" && arch_of(t).is_some())
    {
        p.arch = None;
    }
    let ext = base.rsplit('.').next().unwrap_or("");
    // A source RPM (`nmap-7.95-1.src.rpm`) is for no system: it builds the binary ones.
    if base.ends_with(".src.rpm") {
        p.source = true;
        return p;
    }
    p.os = p.os.or_else(|| os_of_extension(ext));
    // Boost's Windows installers `boost_1_87_0-msvc-14.3-64.exe` and `-32.exe`: the width
    // last, after a `-`, where nothing else names the machine.
    if p.arch.is_none() && p.os == Some(Os::Windows) {
        let stem = base.strip_suffix(ext).unwrap_or(&base);
        p.arch = match () {
            _ if stem.ends_with("-64.") => Some(Arch::X86_64),
            _ if stem.ends_with("-32.") => Some(Arch::X86),
            _ => None,
        };
    }
    // A build for a machine in a project named for its system (OpenBSD's
    // `7.6/amd64/bsd.rd`, FreeBSD's `-amd64-disc1.iso`) is that system's.
    if p.os.is_none() && p.arch.is_some() {
        p.os = os_of(&project);
    }
    // A build that names its machine and no system, as a program alone or a tarball
    // (k3s's `k3s-arm64`, runc's `runc.arm64`, JetBrains' `-aarch64.tar.gz`), is Linux's;
    // a `.zip` or `.7z` so named may be Windows's, and is left unsaid.
    // A `.zip` or `.7z` that names its machine as Windows does, `x64` (Krita's
    // `krita-x64-5.2.6.zip`), is Windows's.
    // A disk image, compressed or not (DragonFly's `dfly-x86_64-6.4.0_REL.iso.bz2`,
    // pfSense's `-amd64.iso.gz`), is the system it installs, which its name does not say.
    if p.os.is_none() && p.arch.is_some_and(|a| a != Arch::Universal) && !is_disk_image(&base) {
        let tarball = [".tar.", ".tgz", ".txz", ".tbz", ".gz", ".bz2", ".xz", ".zst"].iter().any(|e| base.contains(e));
        if !base.contains('.') || arch_of(ext).is_some() || tarball {
            p.os = Some(Os::Linux);
        } else if matches!(ext, "zip" | "7z") && base.split(['-', '_', '.', ' ']).any(|t| t == "x64") {
            p.os = Some(Os::Windows);
        }
    }
    p.binary |= p.os.is_some() || p.arch.is_some();
    p
}

/// Is `name` a disk image, compressed or not (`X.iso`, `X.img.xz`, `X.iso.gz`)?
pub fn is_disk_image(name: &str) -> bool {
    let lower = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
    [".iso", ".img"].iter().any(|e| lower.ends_with(e) || lower.contains(&format!("{e}.")))
}

/// What the words of `text` (a name, or a folder's) say of the system and machine, and
/// whether they say binary or sources. `win32`/`win64` name Windows more than a machine:
/// PHP's `php-8.4.1-Win32-vs17-x64.zip` is x86-64; they give the machine (`by_windows`)
/// only when nothing else does.
fn read_tokens(text: &str, p: &mut Platform, by_windows: &mut Option<Arch>) {
    for token in text.split(['-', '_', '.', '+', ' ']).filter(|t| !t.is_empty()) {
        let token = if token == "x86~64" { "x86_64" } else { token };
        if let Some((os, arch)) = os_and_arch_of(token) {
            p.os = p.os.or(Some(os));
            p.arch = p.arch.or(Some(arch));
        }
        p.os = p.os.or_else(|| os_of(token));
        match token {
            "win32" | "win64" => *by_windows = by_windows.or_else(|| arch_of(token)),
            _ => p.arch = p.arch.or_else(|| arch_of(token)),
        }
        match token {
            "bin" | "binary" | "binaries" | "setup" | "installer" | "portable" => p.binary = true,
            "src" | "source" | "sources" => p.source = true,
            // A disk image's archive (FreeDOS's `FD14-LiveCD.zip`, `FD14-FullUSB.zip`,
            // `FD14-FloppyEdition.zip`), never the sources.
            t if t.len() > 2
                && (t.ends_with("cd") || t.ends_with("usb") || t.ends_with("dvd") || t.starts_with("floppy")) =>
            {
                p.binary = true
            }
            _ => {}
        }
    }
}

/// Words that name an archive of something other than the sources, though it is no
/// binary: documentation (Apache's `-javadoc`, `-site-docs`), Bitcoin Core's
/// `-codesignatures-`, debug symbols, test data, translations (LibreOffice's
/// `-langpack`, `-helppack`), SBOMs and checksums.
const NOT_SOURCES: [&str; 33] = [
    // Prometheus's `prometheus-web-ui-3.0.1.tar.gz`: the built web interface.
    "ui",
    "webui",
    "assets",
    // HandBrake's `HandBrake-1.9.0-Plugin-IntelMediaSDK-x86_64.flatpak`.
    "plugin",
    // Node.js's `node-v22.12.0-headers.tar.gz`: the C headers native addons build with.
    "headers",
    "includes",
    // GNU Emacs's `emacs-30-deps.zip` and `emacs-30.1-no-deps.zip`: the DLLs a Windows
    // build needs, and a build without them.
    "deps",
    "plugins",
    "doc",
    "docs",
    "javadoc",
    "apidocs",
    "manual",
    "html",
    "man",
    "manpages",
    "codesignatures",
    "signatures",
    "sigs",
    "debug",
    "debugimage",
    "testimage",
    "dbg",
    "dbgsym",
    "symbols",
    "testdata",
    "test",
    "tests",
    "examples",
    "langpack",
    "helppack",
    "sbom",
    "checksums",
];

/// How well a file serves as the source archive: an archive that is not a binary,
/// nothing else named (`-docs`, `-codesignatures-`) before the rest, tarballs before
/// zip (the form Unix builds expect), `.tar.gz` before `.tar.xz` before `.tar.bz2`,
/// named as sources first. `None` for files that
/// are no source archive.
pub fn source_rank(name: &str, project: &str) -> Option<u8> {
    let p = platform(name, project);
    if p.binary {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    // Named neither for the project nor with a version: something the release carries
    // (Electron's `hunspell_dictionaries.zip`), not its sources.
    if !project.is_empty() && !base.bytes().any(|b| b.is_ascii_digit()) && !is_named_for(base, project) {
        return None;
    }
    let base = base.strip_prefix(project.to_ascii_lowercase().as_str()).unwrap_or(base);
    let other = names_other(base);
    let tar = [
        ".tar.gz",
        ".tgz",
        ".tar.xz",
        ".txz",
        ".tar.bz2",
        ".tbz2",
        ".tbz",
        ".tar.zst",
        ".tzst",
        ".tar.lz",
        ".tlz",
        ".tar.lzma",
        ".tar",
    ];
    let form = if tar.iter().any(|e| lower.ends_with(e)) {
        2
    } else if lower.ends_with(".zip") || lower.ends_with(".7z") {
        1
    } else {
        return None;
    };
    // Among tarballs, the one every tar reads first (curl's and PHP's `.tar.bz2` came
    // first by name before their `.tar.gz`).
    let compression = match () {
        _ if lower.ends_with(".tar.gz") || lower.ends_with(".tgz") => 3,
        _ if lower.ends_with(".tar.xz") || lower.ends_with(".txz") => 2,
        _ if lower.ends_with(".tar.bz2") || lower.ends_with(".tbz2") || lower.ends_with(".tbz") => 1,
        _ => 0,
    };
    Some(u8::from(!other) * 32 + form * 8 + compression * 2 + u8::from(p.source))
}

/// Does a file's name (lowercase, its project's name taken off) say it holds something
/// beside the program (`-docs`, `-debugimage_`, `_langpack_`)?
fn names_other(base: &str) -> bool {
    base.split(['-', '_', '.', '+', ' ']).any(|t| NOT_SOURCES.contains(&t))
}

/// Is this a build for a platform that holds something beside the program: debug
/// symbols, a test image, a language pack (Temurin's `OpenJDK21U-debugimage_x64_linux_…`,
/// LibreOffice's `…_langpack_de.dmg`)? A page never offers one as the build for a
/// visitor's system.
pub fn is_accessory(name: &str, project: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    // An update for the program's own updater (Tor Browser's and Firefox's `.mar`, full
    // or incremental), never what a visitor installs.
    // A package for a language's package manager (VTK's `vtk-9.4.1-cp312-cp312-win_amd64.whl`,
    // for `pip install` on one CPython) is no download for a system either.
    let package = [".mar", ".whl", ".egg", ".gem", ".nupkg"].iter().any(|e| base.ends_with(e));
    package || names_other(base.strip_prefix(project.to_ascii_lowercase().as_str()).unwrap_or(base))
}

/// Is `name` (a release file's path) a program other than the project's own, by its
/// name (Tor Browser's release carries `tor-expert-bundle-…`, the tor daemon alone)?
/// A page offers the project's own build before another's, however well that fits.
pub fn another_program(name: &str, project: &str) -> bool {
    let lower = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
    project.len() > 1 && !is_named_for(&lower, project)
}

/// Does a file's name (`base`, lower case) start with its project's (`KeePassXC-…` for
/// `keepassxc`), letters and digits alone compared?
fn is_named_for(base: &str, project: &str) -> bool {
    let squash = |s: &str| s.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    squash(base).starts_with(&squash(project.rsplit('/').next().unwrap_or(project)))
}

mod narrow;
mod sources;
pub use narrow::{is_musl, narrowness, superseded_revisions, variants};
pub use sources::{for_a_machine, glued_number, is_sources, source_archive};

#[cfg(test)]
mod tests;
