//! How publishers spell a release beyond a number and where they put its builds:
//! Haiku's `r1beta5` and Android's NDK `r27c` (a release's `r` and its number), GNU
//! Emacs's Windows builds in a series folder inside `windows/`, zlib's `fossils/`,
//! chrony's signatures named `X-tar-gz-asc.txt` and OpenTofu's `X.gpgsig`, Jenkins's folders by kind of package,
//! ICU's `release-76-1/icu4c-76_1-src.tgz`, BusyBox's `binaries/1.35.0-x86_64-linux-musl/`,
//! JetBrains' builds and FreeDOS's disk images that are no sources, cgit's `snapshot/`,
//! GnuPG's `binary/` folder of its lines' Windows installers, Neovim's rolling `nightly/`,
//! Godot's `4.3-stable/`, nmap's products side by side.

use crate::util::Fixture;

/// Haiku's `haiku-release/r1beta5/haiku-r1beta5-x86_64-anyboot.iso` and Android's
/// `android-ndk-r27c-linux.zip`: their names said no version, so every file was a
/// problem ("whose name says no version") and the project had no release.
#[test]
fn a_release_named_by_its_r_and_number_is_a_release() {
    let f = Fixture::new();
    for p in ["haiku", "ndk"] {
        f.write(&format!("content/{p}.md"), "---\nunsigned: \"checksums only, in this test\"\n---\n");
    }
    for v in ["r1beta4", "r1beta5"] {
        f.write(&format!("dist/haiku/haiku-release/{v}/haiku-{v}-x86_64-anyboot.iso"), v);
    }
    for v in ["r26d", "r27", "r27c"] {
        f.write(&format!("dist/ndk/{v}/android-ndk-{v}-linux.zip"), v);
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(text.contains("r1beta5 (current, a pre-release)") && text.contains("r27c (current)"), "{text}");
    assert!(text.contains("r1beta4 (archived)") && text.contains("r26d (archived)"), "{text}");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = f.read("site/haiku/index.html");
    assert!(page.contains("No stable release yet"), "a beta is a pre-release: {page}");
    assert!(!f.read("site/ndk/index.html").contains("No stable release yet"));
}

/// GNU Emacs: `emacs-30.1.tar.xz` at the top, the Windows builds in
/// `windows/emacs-30/` with the DLLs every 30.x needs (`emacs-30-deps.zip`). The folder
/// was a line of its own holding a second 30.1 and a release "30" of the DLLs, and the
/// DLLs were the page's Windows download.
#[test]
fn a_series_folder_in_a_systems_folder_holds_builds_of_the_releases_beside_it() {
    let f = Fixture::new();
    f.write("content/emacs.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    for rel in [
        "emacs-29.4.tar.xz",
        "emacs-30.1.tar.xz",
        "windows/emacs-29/emacs-29.4-installer.exe",
        "windows/emacs-29/emacs-29-deps.zip",
        "windows/emacs-30/emacs-30-deps.zip",
        "windows/emacs-30/emacs-30.1-installer.exe",
        "windows/emacs-30/emacs-30.1.zip",
        "windows/emacs-30/emacs-30.1-no-deps.zip",
    ] {
        f.write(&format!("dist/emacs/{rel}"), rel);
    }
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let emacs = doc.as_array().unwrap().iter().find(|p| p["project"] == "emacs").unwrap();
    let text = emacs.to_string();
    assert!(!text.contains("emacs-30\"") && !text.contains("\"30\""), "no line emacs-30, no release 30: {emacs:#}");
    let page = f.read("site/emacs/index.html");
    let windows = page.find("Download for Windows").expect("a Windows download");
    assert!(page[windows..].trim_start().contains("emacs-30.1-installer.exe"), "{page}");
    assert!(!page.contains("Download for Windows</a> <span class=\"muted\">windows/emacs-30/emacs-30-deps"));
    let release = f.read("site/emacs/30.1/index.html");
    assert!(release.contains("emacs-30-deps.zip") && release.contains("emacs-30.1.tar.xz"), "{release}");
}

/// zlib keeps every release in `fossils/`, the current one too: the folder was a second
/// line, 1.3.1 in both, and `keep` counted in each.
#[test]
fn a_folder_of_fossils_holds_older_releases_of_the_line_beside_it() {
    let f = Fixture::new();
    f.write("content/zlib.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    for rel in
        ["zlib-1.3.1.tar.gz", "fossils/zlib-1.3.1.tar.gz", "fossils/zlib-1.3.tar.gz", "fossils/zlib-1.2.13.tar.gz"]
    {
        f.write(&format!("dist/zlib/{rel}"), rel.rsplit('/').next().unwrap());
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(!text.contains("line fossils") && text.matches("1.3.1 (").count() == 1, "{text}");
    assert!(text.contains("  1.2.13 (archived)"), "{text}");
}

/// chrony publishes `chrony-4.6.1.tar.gz` with its armoured signature named
/// `chrony-4.6.1-tar-gz-asc.txt`: the tarball "had no signature" and the fix was to sign
/// the signature. It is the tarball's, checked against KEYS; the page's verify lines
/// give it the name gpg users expect, and a signature that does not verify is caught.
#[test]
fn a_signature_named_with_dashes_for_dots_signs_its_file() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("Chrony Maintainer <chrony@example.org>", "ed25519", "", None);
    f.write("dist/chrony/KEYS", &g.export_public(&fpr));
    f.write("dist/chrony/chrony-4.6.1.tar.gz", "chrony 4.6.1\n");
    g.sign(&fpr, &f.path("dist/chrony/chrony-4.6.1.tar.gz"), None, &[]);
    let asc = f.read("dist/chrony/chrony-4.6.1.tar.gz.asc");
    std::fs::remove_file(f.path("dist/chrony/chrony-4.6.1.tar.gz.asc")).unwrap();
    f.write("dist/chrony/chrony-4.6.1-tar-gz-asc.txt", &asc);
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(text.contains("armored signature chrony/chrony-4.6.1-tar-gz-asc.txt: good"), "{text}");
    let page = f.read("site/chrony/index.html");
    assert!(page.contains("gpg --verify chrony-4.6.1.tar.gz.asc chrony-4.6.1.tar.gz"), "{page}");
    assert_eq!(f.read("site/chrony/4.6.1/chrony-4.6.1.tar.gz.asc"), asc);
    f.write("dist/chrony/chrony-4.6.1.tar.gz", "chrony 4.6.1, changed\n");
    crate::bad_input::uploaded_long_ago(&f, &["dist/chrony/chrony-4.6.1.tar.gz"]);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("chrony-4.6.1-tar-gz-asc.txt"), "{}", run.stderr);
}

/// get.jenkins.io: `war/2.490/jenkins.war` beside `windows/2.490/jenkins.msi`, each
/// file named without its version. `war/` was a line with a second 2.490, and Linux and
/// macOS visitors were offered the Windows installer: a file for no system (a `.war`)
/// is the build everyone else gets.
#[test]
fn folders_by_kind_of_package_hold_one_release_and_a_build_for_no_system_is_everyones() {
    let f = Fixture::new();
    f.write("content/jenkins.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    for rel in [
        "war/2.489/jenkins.war",
        "war/2.490/jenkins.war",
        "windows/2.489/jenkins.msi",
        "windows/2.490/jenkins.msi",
        // The LTS: lines `war-stable` and `windows-stable`, 2.479.2 in each.
        "war-stable/2.479.2/jenkins.war",
        "windows-stable/2.479.2/jenkins.msi",
    ] {
        f.write(&format!("dist/jenkins/{rel}"), rel);
    }
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(!text.contains("line war") && text.matches("2.490 (").count() == 1, "{text}");
    assert!(text.contains("  line stable\n") && text.matches("2.479.2 (").count() == 1, "{text}");
    assert!(!text.contains("line windows-stable"), "{text}");
    let page = f.read("site/jenkins/index.html");
    let default = page.split("<li data-default>").nth(1).expect("a default download");
    assert!(default.split("</li>").next().unwrap().contains("war/2.490/jenkins.war"), "{page}");
    assert!(page.contains("<li data-os=\"windows\" hidden>"), "{page}");
}

/// ICU: `release-76-1/icu4c-76_1-src.tgz`, the folder's numbers joined by `-` and the
/// files' by `_`. Each folder was a line of its own holding a release "76_1", so `keep`
/// archived none.
#[test]
fn a_folder_and_its_files_naming_one_version_with_other_separators_are_one_release() {
    let f = Fixture::new();
    f.write("content/icu.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    for v in ["74_2", "75_1", "76_1"] {
        let dir = format!("release-{}", v.replace('_', "-"));
        for name in [format!("icu4c-{v}-src.tgz"), format!("icu4c-{v}-Win64-MSVC2022.zip")] {
            f.write(&format!("dist/icu/{dir}/{name}"), &name);
        }
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(!text.contains("line release-"), "{text}");
    assert!(text.contains("76-1 (current)") && text.contains("75-1 (current)"), "{text}");
    assert!(text.contains("74-2 (archived)"), "{text}");
}

/// BusyBox: `busybox-1.35.0.tar.bz2` and its builds in
/// `binaries/1.35.0-x86_64-linux-musl/busybox` and `binaries/1.35.0-i686-linux-musl/`.
/// Each folder was a release "1.35.0-x86_64-linux-musl", newer than 1.35.0, whose
/// sources were archived.
#[test]
fn a_folder_named_for_a_version_and_a_system_holds_builds_of_that_release() {
    let f = Fixture::new();
    f.write("content/busybox.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    for rel in [
        "busybox-1.35.0.tar.bz2",
        "binaries/1.35.0-x86_64-linux-musl/busybox",
        "binaries/1.35.0-i686-linux-musl/busybox",
        "busybox-1.34.1.tar.bz2",
    ] {
        f.write(&format!("dist/busybox/{rel}"), rel);
    }
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(text.contains("  1.35.0 (current)") && !text.contains("linux-musl ("), "{text}");
    assert_eq!(text.matches("1.35.0 (").count(), 1, "{text}");
    let page = f.read("site/busybox/index.html");
    assert!(page.contains("data-os=\"linux\" data-arch=\"x86_64\""), "{page}");
}

/// JetBrains' `ideaIC-2024.3.1.tar.gz` (the Linux x86-64 build, beside
/// `-aarch64.tar.gz`) and FreeDOS's `FD14-BonusCD.zip` were each release's "source code".
#[test]
fn builds_and_disk_images_that_name_no_system_are_no_source_code() {
    let f = Fixture::new();
    for p in ["idea", "freedos"] {
        f.write(&format!("content/{p}.md"), "---\nunsigned: \"checksums only, in this test\"\n---\n");
    }
    for name in
        ["ideaIC-2024.3.1.tar.gz", "ideaIC-2024.3.1-aarch64.tar.gz", "ideaIC-2024.3.1.exe", "ideaIC-2024.3.1.dmg"]
    {
        f.write(&format!("dist/idea/2024.3.1/{name}"), name);
    }
    for name in ["FD14-BonusCD.zip", "FD14-LiveCD.zip", "FD14-FullUSB.zip"] {
        f.write(&format!("dist/freedos/1.4/{name}"), name);
    }
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for p in ["idea", "freedos"] {
        let page = f.read(&format!("site/{p}/index.html"));
        assert!(!page.contains("Download source code"), "{page}");
    }
    let page = f.read("site/idea/index.html");
    let default = page.split("<li data-default>").nth(1).expect("a default download");
    assert!(default.split("</li>").next().unwrap().contains("ideaIC-2024.3.1.tar.gz"), "{page}");
}

/// cgit serves each tag's tarball under `snapshot/`
/// (`wireguard-tools/snapshot/wireguard-tools-1.0.20210914.tar.xz`): every release there
/// was a pre-release and the page said "No stable release yet". A dated build alone
/// (`tool-20241201.tar.gz`) in such a folder stays a pre-release.
#[test]
fn a_cgit_snapshot_folder_holds_releases_and_dated_builds_stay_prereleases() {
    let f = Fixture::new();
    for p in ["wireguard-tools", "tool"] {
        f.write(&format!("content/{p}.md"), "---\nunsigned: \"checksums only, in this test\"\n---\n");
    }
    for v in ["1.0.20210424", "1.0.20210914"] {
        f.write(&format!("dist/wireguard-tools/snapshot/wireguard-tools-{v}.tar.xz"), v);
    }
    f.write("dist/tool/tool-1.2.3.tar.gz", "1.2.3");
    f.write("dist/tool/snapshot/tool-20241201.tar.gz", "a nightly");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = f.read("site/wireguard-tools/index.html");
    assert!(
        !page.contains("No stable release yet") && page.contains("Download wireguard-tools 1.0.20210914"),
        "{page}"
    );
    let page = f.read("site/tool/index.html");
    assert!(page.contains("Download tool 1.2.3"), "the dated build is no stable release: {page}");
}

/// GnuPG's tree (`gcrypt/`): the lines `gnupg/` and `libgcrypt/`, and the Windows
/// installer in `binary/gnupg-w32-2.4.7_20241125.exe`. The installer was a release 2.4.7
/// of its own, the project's newest, and its only download.
#[test]
fn builds_in_a_folder_at_the_top_named_for_a_line_join_its_release() {
    let f = Fixture::new();
    f.write("content/gcrypt.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    for rel in
        ["gnupg/gnupg-2.4.7.tar.bz2", "libgcrypt/libgcrypt-1.11.0.tar.bz2", "binary/gnupg-w32-2.4.7_20241125.exe"]
    {
        f.write(&format!("dist/gcrypt/{rel}"), rel);
    }
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = f.closer(&["releases"]).ok().stdout.clone();
    let gcrypt = text.split("\ngcrypt").nth(1).expect("the project gcrypt");
    assert!(gcrypt.lines().nth(1).is_some_and(|l| l == "  line gnupg"), "no release outside the lines: {text}");
    assert_eq!(text.matches("2.4.7 (").count(), 1, "{text}");
    let page = f.read("site/gcrypt/index.html");
    let default = page.split(" data-default>").nth(1).unwrap_or_else(|| panic!("a default download: {page}"));
    assert!(default.split("</li>").next().unwrap().contains("gnupg-2.4.7.tar.bz2"), "{page}");
}

/// Neovim's `nightly/` holds unversioned builds replaced every night; a layout rule gives
/// it `version: nightly`. The release was older than every numbered one, so it was
/// archived the build that published it, without a word.
#[test]
fn a_rolling_release_named_by_a_pre_release_word_is_the_newest_pre_release() {
    let f = Fixture::new();
    f.write("content/neovim.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    for dir in ["v0.10.4", "nightly"] {
        for name in ["nvim-linux-x86_64.tar.gz", "nvim-win64.zip"] {
            f.write(&format!("dist/neovim/{dir}/{name}"), &format!("{dir} {name}"));
        }
    }
    let registry = f.read("mirrors.yaml");
    let rule = "policy:\n  layout:\n    - path: \"neovim/nightly/**\"\n      version: nightly\n";
    f.write("mirrors.yaml", &registry.replacen("policy:\n", rule, 1));
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("neovim nightly"), "{}", run.stderr);
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(text.contains("nightly (current, a pre-release)") && text.contains("v0.10.4 (current)"), "{text}");
    let page = f.read("site/neovim/index.html");
    assert!(page.contains("Download neovim v0.10.4"), "the stable release first: {page}");
}

/// OpenTofu's releases carry a binary OpenPGP signature `X.gpgsig` beside each file (its
/// GoReleaser config): every file "had no signature" and each `.gpgsig` was asked one.
#[test]
fn a_gpgsig_is_a_binary_signature() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("OpenTofu <core@opentofu.org>", "ed25519", "", None);
    f.write("dist/tofu/KEYS", &g.export_public(&fpr));
    let zip = "dist/tofu/v1.8.7/tofu_1.8.7_linux_amd64.zip";
    f.write(zip, "tofu\n");
    let (sig, file) = (format!("{}.gpgsig", f.path(zip).display()), f.path(zip).display().to_string());
    g.ok(&["--local-user", &fpr, "--detach-sign", "-o", &sig, &file]);
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(text.contains("tofu_1.8.7_linux_amd64.zip.gpgsig: good"), "{text}");
    let page = f.read("site/tofu/index.html");
    assert!(page.contains("gpg --verify tofu_1.8.7_linux_amd64.zip.gpgsig tofu_1.8.7_linux_amd64.zip"), "{page}");
    f.write(zip, "tofu, altered\n");
    crate::bad_input::uploaded_long_ago(&f, &[zip]);
    let run = f.closer(&["check"]);
    assert!(run.stderr.contains("tofu_1.8.7_linux_amd64.zip.gpgsig does not match"), "{}", run.stderr);
}

/// Godot's release folder `4.3-stable/`: `godot-4.3-stable.tar.xz` (its sources, read as a
/// copy like Redis's `redis-stable.tar.gz`), `Godot_v4.3-stable_win64.exe.zip` and the
/// .NET editor `Godot_v4.3-stable_mono_win64.zip` (Windows's download, first by name).
#[test]
fn a_stable_tag_is_part_of_the_version_and_the_standard_build_comes_first() {
    let f = Fixture::new();
    f.write("content/godot.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    for name in [
        "godot-4.3-stable.tar.xz",
        "Godot_v4.3-stable_mono_win64.zip",
        "Godot_v4.3-stable_win64.exe.zip",
        "Godot_v4.3-stable_linux.x86_64.zip",
    ] {
        f.write(&format!("dist/godot/4.3-stable/{name}"), name);
    }
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(text.contains("  4.3-stable (current)") && !text.contains("line 4.3-stable"), "{text}");
    let page = f.read("site/godot/index.html");
    assert!(page.contains("Download source code</a> <span class=\"muted\">godot-4.3-stable.tar.xz"), "{page}");
    // The page offers the least narrow build of a system.
    let narrow = |name: &str| {
        let li = page.split("<li ").find(|li| li.contains(&format!("data-path=\"godot/4.3-stable/{name}\""))).unwrap();
        li.split("data-narrow=\"").nth(1).map_or(0, |n| n[..1].parse::<u8>().unwrap())
    };
    assert!(narrow("Godot_v4.3-stable_mono_win64.zip") > narrow("Godot_v4.3-stable_win64.exe.zip"), "{page}");
}

/// nmap keeps `nmap-7.95.tar.bz2`, `ncat-7.95-1.x86_64.rpm`, `zenmap-7.95-1.noarch.rpm`
/// and `nping-0.7.95-1.x86_64.rpm` side by side: two lines, the first named "ncat" (the
/// shortest name, then the first), its page "Download Nmap ncat 7.95".
#[test]
fn the_line_of_the_projects_own_product_is_named_for_it_and_not_said_twice() {
    let f = Fixture::new();
    f.write("content/nmap.md", "---\ntitle: Nmap\nunsigned: \"checksums only, in this test\"\n---\n");
    for v in ["7.94", "7.95"] {
        for name in [
            format!("nmap-{v}.tar.bz2"),
            format!("ncat-{v}-1.x86_64.rpm"),
            format!("zenmap-{v}-1.noarch.rpm"),
            format!("nping-0.{v}-1.x86_64.rpm"),
        ] {
            f.write(&format!("dist/nmap/{name}"), &name);
        }
    }
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(text.contains("  line nmap\n") && text.contains("  line nping\n") && !text.contains("line ncat"), "{text}");
    let page = f.read("site/nmap/index.html");
    assert!(page.contains("Download Nmap 7.95</h2>"), "{page}");
}
