//! How file names are read for the system, machine and kind of file they are.

use super::*;

/// How narrow a build is, its system read from its name.
fn narrow(name: &str) -> u8 {
    narrowness(name, "", platform(name, "").os)
}

#[test]
fn the_source_archive_named_after_the_project_comes_before_its_parts() {
    let names =
        ["19.1.5/clang-19.1.5.src.tar.xz", "19.1.5/llvm-project-19.1.5.src.tar.xz", "19.1.5/lld-19.1.5.src.tar.xz"];
    assert_eq!(source_archive(names, "llvm"), Some(1));
    // Builds that name no machine beside one that does, and disk images, are none.
    let names = ["ideaIC-2024.3.1-aarch64.tar.gz", "ideaIC-2024.3.1.tar.gz", "ideaIC-2024.3.1.exe"];
    assert_eq!(source_archive(names, "idea"), None);
    assert_eq!(source_archive(["FD14-BonusCD.zip", "FD14-FullUSB.zip", "FD14-FloppyEdition.zip"], "freedos"), None);
    assert_eq!(source_archive(["tool-1.0-setup.zip", "tool-1.0.zip"], "tool"), Some(1));
    assert_eq!(source_archive(["libseccomp-2.5.5.tar.gz", "runc.tar.xz"], "runc"), Some(1));
    // A built web interface or documentation is no sources.
    assert!(!is_sources("prometheus-web-ui-3.0.1.tar.gz", "prometheus"));
    assert!(!is_sources("api-docs/dartdocs-gen-api.zip", "dart"));
}

#[test]
fn the_broadest_build_of_a_machine_is_the_least_narrow() {
    assert_eq!(narrow("dotnet-sdk-9.0.101-linux-x64.tar.gz"), 0);
    assert!(narrow("dotnet-sdk-9.0.101-linux-musl-x64.tar.gz") > 0);
    assert!(narrow("mongodb-linux-x86_64-rhel93-8.0.3.tgz") > 0);
    assert!(narrow("elasticsearch-8.16.1-amd64.deb") > 0);
    assert_eq!(narrow("elasticsearch-8.16.1-linux-x86_64.tar.gz"), 0);
    assert_eq!(narrow("debugger-1.0-linux-x86_64.tar.gz"), 0, "a word that only starts so");
    assert!(narrow("ghc-9.8.4-x86_64-rocky8-linux.tar.xz") > 0);
    // A name that says nothing of its platform: its folders do.
    let tb = platform("linux-x86_64/en-US/thunderbird-133.0.tar.bz2", "thunderbird");
    assert_eq!((tb.os, tb.arch), (Some(Os::Linux), Some(Arch::X86_64)));
    let win = platform("win32/de/Thunderbird Setup 133.0.exe", "thunderbird");
    assert_eq!((win.os, win.arch), (Some(Os::Windows), Some(Arch::X86)));
    assert_eq!(platform("source/thunderbird-133.0.source.tar.xz", "thunderbird").os, None);
    assert!(narrow("vlc-3.0.21-win64.7z") > narrow("vlc-3.0.21-win64.exe"));
    assert!(narrow("curl-8.11.0_4-win64-mingw.tar.xz") > narrow("curl-8.11.0_4-win64-mingw.exe"));
    assert_eq!(narrow("node-v22.11.0-linux-x64.tar.xz"), 0, "an archive for Linux is the broadest");
    assert!(narrow("bun-linux-x64-baseline-profile.zip") > narrow("bun-linux-x64.zip"));
    assert!(narrow("Godot_v4.3-stable_mono_win64.zip") > narrow("Godot_v4.3-stable_win64.exe.zip"));
}

#[test]
fn the_projects_own_plain_build_before_others_of_its_machine() {
    let win = |n: &str| narrowness(n, "keepassxc", platform(n, "keepassxc").os);
    assert!(win("KeePassXC-2.7.9-Win64-LegacyWindows.msi") > win("KeePassXC-2.7.9-Win64.msi"));
    let el = |n: &str| narrowness(n, "electron", platform(n, "electron").os);
    assert!(el("chromedriver-v33.2.1-darwin-arm64.zip") > el("electron-v33.2.1-darwin-arm64.zip"));
    assert!(is_accessory("HandBrake-1.9.0-Plugin-IntelMediaSDK-x86_64.flatpak", "HandBrake"));
    let a = platform("audacity-win-3.7.1-64bit.exe", "audacity");
    assert_eq!((a.os, a.arch), (Some(Os::Windows), Some(Arch::X86_64)));
    assert_eq!(platform("audacity-win-3.7.1-32bit.exe", "audacity").arch, Some(Arch::X86));
    let g = platform("Git-2.47.1-64-bit.exe", "git-for-windows");
    assert_eq!((g.os, g.arch), (Some(Os::Windows), Some(Arch::X86_64)));
    assert_eq!(platform("MinGit-2.47.1-32-bit.zip", "git").arch, Some(Arch::X86));
    let v = platform("valkey-8.0.2-jammy-x86_64.tar.gz", "valkey");
    assert_eq!((v.os, v.arch), (Some(Os::Linux), Some(Arch::X86_64)));
    assert!(narrow("valkey-8.0.2-noble-x86_64.tar.gz") > 0);
    // Named neither for the project nor with a version: no source archive.
    let names = ["v33.2.1/hunspell_dictionaries.zip", "v33.2.1/electron-v33.2.1-linux-x64.zip"];
    assert_eq!(source_archive(names, "electron"), None);
    assert_eq!(source_archive(["3.1/app-src.tar.gz"], "app"), Some(0), "named for the project");
}

#[test]
fn words_naming_a_system_and_its_machine() {
    let p = platform("julia-1.11.2-macaarch64.dmg", "julia");
    assert_eq!((p.os, p.arch), (Some(Os::Macos), Some(Arch::Arm64)));
    let p = platform("julia-1.11.2-mac64.tar.gz", "julia");
    assert_eq!((p.os, p.arch), (Some(Os::Macos), Some(Arch::X86_64)));
    let p = platform("LLVM-19.1.5-woa64.exe", "llvm");
    assert_eq!((p.os, p.arch), (Some(Os::Windows), Some(Arch::Arm64)));
    // A machine's folder in a project named for its system: that system's, not Linux's.
    let p = platform("7.6/amd64/bsd.rd", "OpenBSD");
    assert_eq!((p.os, p.arch), (Some(Os::Openbsd), Some(Arch::X86_64)));
    // Docker's static builds in `armel/` (Debian's name for ARM EABI, ARMv5 and later).
    assert_eq!(platform("docker-27.4.0-armel.tgz", "docker").arch, Some(Arch::Armv6));
    let p = platform("curl-8.11.1_1-win64a-mingw.zip", "curl");
    assert_eq!((p.os, p.arch), (Some(Os::Windows), Some(Arch::Arm64)));
    let p = platform("curl-8.11.1_1-win64-mingw.zip", "curl");
    assert_eq!((p.os, p.arch), (Some(Os::Windows), Some(Arch::X86_64)));
    let p = platform("clang+llvm-19.1.5-powerpc64le-linux-rhel-8.8.tar.xz", "llvm");
    assert_eq!((p.os, p.arch), (Some(Os::Linux), Some(Arch::Ppc64le)));
}

#[test]
fn symbols_tests_and_language_packs_are_no_build_to_offer() {
    assert!(is_accessory("jdk-21.0.5+11/OpenJDK21U-debugimage_x64_linux_hotspot_21.0.5_11.tar.gz", "temurin"));
    assert!(is_accessory("mac/LibreOffice_24.8.4_MacOS_aarch64_langpack_de.dmg", "libreoffice"));
    assert!(!is_accessory("OpenJDK21U-jdk_x64_linux_hotspot_21.0.5_11.tar.gz", "temurin"));
    assert!(!is_accessory("docs-tool-1.0-linux-x86_64.tar.gz", "docs-tool"), "the project's own name");
}

#[test]
fn names_say_what_a_file_is_for() {
    let cases: &[(&str, Option<Os>, Option<Arch>)] = &[
        ("widget-3.10.0-linux-x86_64.tar.gz", Some(Os::Linux), Some(Arch::X86_64)),
        ("widget_3.10.0_amd64.deb", Some(Os::Linux), Some(Arch::X86_64)),
        ("node-v20.1.0-darwin-arm64.tar.xz", Some(Os::Macos), Some(Arch::Arm64)),
        ("Wireshark 4.4.0 Arm 64.dmg", Some(Os::Macos), Some(Arch::Arm64)),
        ("Wireshark 4.4.0 Intel 64.dmg", Some(Os::Macos), Some(Arch::X86_64)),
        ("python-3.12.0-macos11.pkg", Some(Os::Macos), None),
        ("go1.22.linux-aarch64.tar.gz", Some(Os::Linux), Some(Arch::Arm64)),
        ("putty-64bit-0.80-installer.msi", Some(Os::Windows), Some(Arch::X86_64)),
        ("app-1.0-win64.zip", Some(Os::Windows), Some(Arch::X86_64)),
        ("app-1.0-win32.zip", Some(Os::Windows), Some(Arch::X86)),
        ("rg-14.1.0-x86_64-unknown-linux-musl.tar.gz", Some(Os::Linux), Some(Arch::X86_64)),
        ("app-1.0-x86-64-freebsd.tar.gz", Some(Os::Freebsd), Some(Arch::X86_64)),
        ("app-1.0-macos-universal.dmg", Some(Os::Macos), Some(Arch::Universal)),
        ("vlc-3.0.21-intel64.dmg", Some(Os::Macos), Some(Arch::X86_64)),
        ("php-8.4.1-Win32-vs17-x64.zip", Some(Os::Windows), Some(Arch::X86_64)),
        ("php-8.4.1-Win32-vs17-x86.zip", Some(Os::Windows), Some(Arch::X86)),
        ("VirtualBox-7.1.4-165100-macOSArm64.dmg", Some(Os::Macos), Some(Arch::Arm64)),
        ("restic_0.17.3_linux_mips64le.bz2", Some(Os::Linux), Some(Arch::Mips64)),
        ("rclone-v1.68.2-linux-mipsle.zip", Some(Os::Linux), Some(Arch::Mips)),
        ("restic_0.17.3_linux_loong64.bz2", Some(Os::Linux), Some(Arch::Loong64)),
        ("nmap-7.95-1.src.rpm", None, None),
        ("k3s-arm64", Some(Os::Linux), Some(Arch::Arm64)),
        ("runc.arm64", Some(Os::Linux), Some(Arch::Arm64)),
        ("ideaIC-2024.3.1-aarch64.tar.gz", Some(Os::Linux), Some(Arch::Arm64)),
        // Notepad++'s portable build: Windows names its machine `x64`.
        ("npp.8.7.portable.x64.zip", Some(Os::Windows), Some(Arch::X86_64)),
        ("rclone-v1.68.2-linux-arm-v6.zip", Some(Os::Linux), Some(Arch::Armv6)),
        ("swift-6.0.2-RELEASE-ubuntu24.04.tar.gz", Some(Os::Linux), None),
        ("swift-6.0.2-RELEASE-amazonlinux2.tar.gz", Some(Os::Linux), None),
        ("rclone-v1.68.2-linux-arm-v7.zip", Some(Os::Linux), Some(Arch::Armv7)),
        ("nmap-7.95-1.x86_64.rpm", Some(Os::Linux), Some(Arch::X86_64)),
        ("boost_1_87_0-msvc-14.3-64.exe", Some(Os::Windows), Some(Arch::X86_64)),
        ("boost_1_87_0-msvc-14.3-32.exe", Some(Os::Windows), Some(Arch::X86)),
        ("tool-1.64.exe", Some(Os::Windows), None),
        ("hello-2.0.tar.gz", None, None),
        ("rpm-4.19.1.tar.bz2", None, None),
        ("gnu-efi-3.0.18.tar.bz2", None, None),
        ("apache-maven-3.9.6-bin.tar.gz", None, None),
    ];
    for (name, os, arch) in cases {
        let p = platform(name, "app");
        assert_eq!((p.os, p.arch), (*os, *arch), "{name}");
    }
    assert!(platform("apache-maven-3.9.6-bin.tar.gz", "maven").binary);
    assert!(!platform("hello-2.0.tar.gz", "hello").binary);
    // The project's own name says nothing: the kernel's source is no Linux binary.
    assert_eq!(platform("linux-6.6.tar.xz", "linux"), Platform::default());
    assert_eq!(platform("linux-6.6.tar.xz", "other").os, Some(Os::Linux));
}

#[test]
fn the_source_archive_is_a_tarball_before_a_zip_and_never_a_binary() {
    assert!(source_rank("hello-2.0.tar.gz", "p") > source_rank("hello-2.0-src.zip", "p"));
    assert!(source_rank("maven-3.9-src.tar.gz", "p") > source_rank("maven-3.9.tar.gz", "p"));
    assert_eq!(source_rank("maven-3.9-bin.tar.gz", "p"), None);
    assert_eq!(source_rank("widget-3.10.0-linux-x86_64.tar.gz", "p"), None);
    assert_eq!(source_rank("hello-2.0.tar.gz.asc", "p"), None);
    assert_eq!(source_rank("notes.txt", "p"), None);
    let names = ["p-1-linux-x86_64.tar.gz", "p-1-src.zip", "p-1.tar.gz", "p-1.tar.xz"];
    assert_eq!(source_archive(names, "p"), Some(2), "the first of the best");
    assert_eq!(source_archive(["curl-8.11.1.tar.bz2", "curl-8.11.1.tar.gz", "curl-8.11.1.tar.xz"], "curl"), Some(1));
    assert_eq!(source_archive(["p-1.exe"], "p"), None);
    // An archive of something else is the source only when nothing else is.
    let bitcoin = ["bitcoin-28.0-codesignatures-28.0.tar.gz", "bitcoin-28.0.tar.gz", "bitcoin-28.0-win64.zip"];
    assert_eq!(source_archive(bitcoin, "bitcoin-core"), Some(1));
    let kafka = ["kafka-3.7.0-site-docs.tgz", "kafka-3.7.0-src.tgz"];
    assert_eq!(source_archive(kafka, "kafka"), Some(1));
    assert!(source_rank("commons-io-2.16.1-src.zip", "io") > source_rank("commons-io-2.16.1-javadoc.tar.gz", "io"));
    assert_eq!(source_archive(["p-1-docs.tar.gz"], "p"), Some(0));
    // The project's own name is not a word of the file's: `docs` sources are sources.
    assert_eq!(source_archive(["docs-1.0-html.tar.gz", "docs-1.0.tar.gz"], "docs"), Some(1));
}

#[test]
fn a_later_revision_of_an_upload_supersedes_it_and_a_width_is_no_revision() {
    let gimp = ["gimp-2.10.38-setup.exe", "gimp-2.10.38-setup-1.exe", "gimp-2.10.38-setup-3.exe"];
    assert_eq!(superseded_revisions(&gimp), [true, true, false]);
    let boost = ["boost_1_87_0-msvc-14.3-32.exe", "boost_1_87_0-msvc-14.3-64.exe"];
    assert_eq!(superseded_revisions(&boost), [false, false]);
    let other = ["gimp-2.10.38-setup-1.exe", "gimp-2.10.38-setup-2.dmg"];
    assert_eq!(superseded_revisions(&other), [false, false]);
    let openvpn = ["OpenVPN-2.6.12-I001-amd64.msi", "OpenVPN-2.6.12-I002-amd64.msi", "OpenVPN-2.6.12-I001-x86.msi"];
    assert_eq!(superseded_revisions(&openvpn), [true, false, false]);
}

#[test]
fn a_name_with_a_word_more_is_a_variant() {
    let paraview = ["ParaView-5.13.1-MPI-Windows-AMD64.msi", "ParaView-5.13.1-Windows-AMD64.msi"];
    assert_eq!(variants(&paraview), [true, false]);
    let octave = ["octave-9.2.0-w64-installer.exe", "octave-9.2.0-w64-64-installer.exe", "octave-9.2.0-w64.zip"];
    assert_eq!(variants(&octave), [false, true, false]);
    let gimp = ["gimp-2.10.38-setup.exe", "gimp-2.10.38-setup-3.exe"];
    assert_eq!(variants(&gimp), [false, false]);
    let machines = ["p-1.0-linux-x64.tar.gz", "p-1.0-linux-arm64.tar.gz"];
    assert_eq!(variants(&machines), [false, false]);
}

#[test]
fn a_system_with_its_release_or_machine_in_one_word_is_read() {
    let of = |name: &str, project: &str| {
        let p = platform(name, project);
        (p.os, p.arch)
    };
    assert_eq!(of("mysql-8.4.3-macos14-x86_64.tar.gz", "mysql"), (Some(Os::Macos), Some(Arch::X86_64)));
    assert_eq!(of("mysql-8.4.3-winx64.zip", "mysql"), (Some(Os::Windows), Some(Arch::X86_64)));
    assert_eq!(of("OBS-Studio-31.0.0-macOS-Apple.dmg", "obs-studio"), (Some(Os::Macos), Some(Arch::Arm64)));
    assert_eq!(of("OBS-Studio-31.0.0-macOS-Intel.dmg", "obs-studio"), (Some(Os::Macos), Some(Arch::X86_64)));
    assert_eq!(of("calibre-7.22.0-x86_64.txz", "calibre"), (Some(Os::Linux), Some(Arch::X86_64)));
    assert_eq!(of("krita-x64-5.2.6.zip", "krita"), (Some(Os::Windows), Some(Arch::X86_64)));
    assert_eq!(of("tool-freebsd14-amd64.tar.gz", "tool"), (Some(Os::Freebsd), Some(Arch::X86_64)));
    // A word that only ends in digits names nothing.
    assert_eq!(of("tool-1.0-linux2-x64.zip", "tool").0, Some(Os::Windows));
}

#[test]
fn bazels_aarch_64_and_compressed_disk_images() {
    let p = platform("envoy-1.32.2-linux-aarch_64", "envoy");
    assert_eq!((p.os, p.arch), (Some(Os::Linux), Some(Arch::Arm64)));
    // A disk image names the machine, not the system it installs: no "Linux" is made up.
    for name in
        ["dfly-x86_64-6.4.0_REL.iso.bz2", "pfSense-CE-2.7.2-RELEASE-amd64.iso.gz", "dfly-x86_64-6.4.0_REL.img.bz2"]
    {
        let p = platform(name, "dragonfly");
        assert_eq!((p.os, p.arch), (None, Some(Arch::X86_64)), "{name}");
    }
}
