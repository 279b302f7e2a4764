//! Trees of publishers the twentieth trial moved onto closer: curl's Windows builds in
//! `windows/dl-<version>_<revision>/` beside its sources, OpenWrt's lists signed twice,
//! KiCad's installers in `windows/stable/` beside `sources/<version>/`; and the
//! twenty-second's SQLite, Neovim, nginx and Zabbix; Boost's candidates, ImageMagick's copy,
//! Slackware's ISO folders, OCaml's series manuals.

use crate::release_words_more::unsigned;
use crate::util::Fixture;

/// curl keeps its Windows builds in `windows/dl-8.11.1_2/`, a line of its own whose
/// `8.11.1_2` sorts after the sources' 8.11.1: `latest.json` and every visitor's button
/// offered a Windows zip. A release of builds for one system alone comes after a
/// release of the sources.
#[test]
fn builds_for_one_system_are_not_offered_before_the_sources() {
    let f = Fixture::new();
    unsigned(&f, "curl");
    for rel in [
        "curl-8.11.1.tar.xz",
        "curl-8.11.0.tar.xz",
        "windows/dl-8.11.1_2/curl-8.11.1_2-win64-mingw.zip",
        "windows/dl-8.11.1_2/curl-8.11.1_2-win64a-mingw.zip",
        "windows/dl-8.11.1_1/curl-8.11.1_1-win64-mingw.zip",
    ] {
        f.write(&format!("dist/curl/{rel}"), rel);
    }
    f.closer(&["build"]).ok();
    let doc: serde_json::Value = serde_json::from_str(&f.read("site/curl/latest.json")).unwrap();
    assert_eq!(doc["offered"], "curl/curl-8.11.1.tar.xz", "{doc:#}");
    // A project of Windows builds alone still offers its newest.
    unsigned(&f, "tool");
    for rel in ["1.0/tool-1.0-win64.zip", "1.1/tool-1.1-win64.zip"] {
        f.write(&format!("dist/tool/{rel}"), rel);
    }
    f.closer(&["build"]).ok();
    let doc: serde_json::Value = serde_json::from_str(&f.read("site/tool/latest.json")).unwrap();
    assert_eq!(doc["offered"], "tool/1.1/tool-1.1-win64.zip", "{doc:#}");
}

/// OpenWrt signs each target's `sha256sums` twice: `sha256sums.asc` (OpenPGP, its key in
/// KEYS) and `sha256sums.sig` (usign, signify's form). Its page names no signify key, so
/// the second signature is carried as it is, as a bundle is where the project names no
/// Sigstore signer: it had held the project back.
#[test]
fn a_second_signature_of_a_kind_the_project_does_not_name_is_carried() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("OpenWrt Build System <contact@openwrt.org>", "ed25519", "", None);
    f.write("dist/openwrt/KEYS", &g.export_public(&fpr));
    let dir = "dist/openwrt/releases/23.05.5/targets/x86/64";
    let img = "openwrt-23.05.5-x86-64-generic-ext4-combined.img.gz";
    f.write(&format!("{dir}/{img}"), "an image\n");
    f.write(
        &format!("{dir}/sha256sums"),
        &format!("{} *{img}\n", closer::util::text::hex(&<sha2::Sha256 as sha2::Digest>::digest(b"an image\n"))),
    );
    g.sign(&fpr, &f.path(&format!("{dir}/sha256sums")), None, &[]);
    let run = |args: &[&str]| {
        let out = std::process::Command::new("signify-openbsd").args(args).current_dir(f.path(dir)).output();
        assert!(out.expect("signify-openbsd is installed by scripts/test").status.success(), "signify {args:?}");
    };
    run(&["-G", "-n", "-p", "usign.pub", "-s", "usign.sec"]);
    run(&["-S", "-s", "usign.sec", "-m", "sha256sums", "-x", "sha256sums.sig"]);
    for key in ["usign.pub", "usign.sec"] {
        std::fs::rename(f.path(&format!("{dir}/{key}")), f.path(key)).unwrap();
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // With no good OpenPGP signature beside it, the unnamed key is the problem it was.
    f.write(&format!("{dir}/sha256sums.asc"), "not a signature\n");
    let run = f.closer(&["check"]);
    assert!(run.stderr.contains("the signed list sha256sums.sig is signed by key"), "{}", run.stderr);
}

/// KiCad keeps its sources in `sources/8.0.7/` and its installers in `windows/stable/`
/// and `macos/stable/`: `closer releases` showed one 8.0.7, and `check` held the project
/// back for "the same version twice". Builds in folders named for their systems join
/// the release of their version.
#[test]
fn builds_in_system_folders_join_the_release_of_their_version() {
    let f = Fixture::new();
    unsigned(&f, "kicad");
    let files = [
        "sources/8.0.7/kicad-8.0.7.tar.xz",
        "windows/stable/kicad-8.0.7-x86_64.exe",
        "macos/stable/kicad-unified-universal-8.0.7.dmg",
    ];
    for rel in files {
        f.write(&format!("dist/kicad/{rel}"), rel);
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let kicad = doc.as_array().unwrap().iter().find(|p| p["project"] == "kicad").unwrap();
    let releases = kicad["lines"][0]["releases"].as_array().unwrap();
    assert_eq!(releases.len(), 1, "{kicad:#}");
    assert_eq!(releases[0]["files"].as_array().unwrap().len(), 3, "{kicad:#}");
    // Zabbix: its agents in `binaries/stable/7.2/7.2.2/`, its sources in the series
    // folder `sources/stable/7.2/`.
    unsigned(&f, "zabbix");
    let b = "binaries/stable/7.2/7.2.2";
    for rel in [
        "sources/stable/7.2/zabbix-7.2.2.tar.gz".to_string(),
        "sources/stable/7.2/zabbix-7.2.1.tar.gz".to_string(),
        format!("{b}/zabbix_agent-7.2.2-windows-amd64-openssl.msi"),
        format!("{b}/zabbix_agent-7.2.2-linux-3.0-amd64-static.tar.gz"),
    ] {
        f.write(&format!("dist/zabbix/{rel}"), &rel);
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = crate::util::release_files(&f, "zabbix");
    assert_eq!(files.len(), 3, "the sources and both agents: {files:#?}");
}

/// The twenty-second trial's smaller ones: SQLite's `sqlite-dll-win-x86-3470200.zip` (the
/// version after `x86-` was read as `x86_64`'s 64, and the file had none), Neovim's
/// `shasum.txt` (a download, its digests unchecked), nginx's `download/` folder (releases
/// `download/1.27.3`).
#[test]
fn sqlite_x86_neovim_shasum_and_nginx_download_folder() {
    let f = Fixture::new();
    for p in ["sqlite", "nvim", "nginx"] {
        unsigned(&f, p);
    }
    for n in ["sqlite-autoconf-3470200.tar.gz", "sqlite-dll-win-x86-3470200.zip", "sqlite-dll-win-x64-3470200.zip"] {
        f.write(&format!("dist/sqlite/2024/{n}"), n);
    }
    f.write("dist/nvim/v0.10.3/nvim-linux64.tar.gz", "nvim\n");
    let sum = |bytes: &[u8]| closer::util::text::hex(&<sha2::Sha256 as sha2::Digest>::digest(bytes));
    f.write("dist/nvim/v0.10.3/shasum.txt", &format!("{}  nvim-linux64.tar.gz\n", sum(b"nvim\n")));
    f.write("dist/nginx/download/nginx-1.27.3.tar.gz", "nginx\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = crate::util::release_files(&f, "sqlite");
    assert!(files.iter().any(|x| x["path"] == "sqlite/2024/sqlite-dll-win-x86-3470200.zip"), "{files:?}");
    let files = crate::util::release_files(&f, "nvim");
    let role = files.iter().find(|x| x["path"] == "nvim/v0.10.3/shasum.txt").map(|x| x["role"].clone());
    assert_eq!(role, Some("checksum-list".into()), "{files:?}");
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).stdout).unwrap();
    let nginx = doc.as_array().unwrap().iter().find(|p| p["project"] == "nginx").unwrap();
    assert_eq!(nginx["lines"][0]["releases"][0]["version"], "1.27.3", "{nginx:#}");
    // Neovim's list is read: a wrong digest in it is a problem.
    f.write("dist/nvim/v0.10.3/shasum.txt", &format!("{}  nvim-linux64.tar.gz\n", sum(b"other\n")));
    let run = f.closer(&["check"]);
    assert!(run.code == 1 && run.stderr.contains("shasum.txt"), "{}", run.stderr);
}

/// Boost keeps its release candidates in the final's `source/` folder
/// (`1.87.0/source/boost_1_87_0_rc1.tar.gz` beside `boost_1_87_0.tar.gz`): they were files
/// of the final release, and a page could offer the candidate. A file in a folder of a
/// version's directory naming a pre-release of it is that pre-release.
#[test]
fn candidates_in_a_folder_of_the_final_are_pre_releases() {
    let f = Fixture::new();
    unsigned(&f, "widget");
    for n in ["widget-2.0.0-rc1.tar.gz", "widget-2.0.0.tar.bz2"] {
        f.write(&format!("dist/widget/2.0.0/source/{n}"), n);
    }
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = crate::release_words_more::releases(&f, "widget");
    assert!(r.iter().any(|(v, _, _, pre)| v == "2.0.0-rc1" && *pre), "{r:?}");
    let doc: serde_json::Value = serde_json::from_str(&f.read("site/widget/latest.json")).unwrap();
    assert_eq!(doc["offered"], "widget/2.0.0/source/widget-2.0.0.tar.bz2", "{doc:#}");
}

/// ImageMagick keeps `ImageMagick.tar.gz` beside `ImageMagick-7.1.1-41.tar.gz`: a copy of
/// the newest under the project's name alone, as Nextcloud's `latest.tar.bz2` is. It held
/// the project back as a file that says no version; it is carried beside, as a note.
#[test]
fn an_archive_named_for_the_project_alone_is_a_copy_carried_beside() {
    let f = Fixture::new();
    unsigned(&f, "imagemagick");
    for n in ["ImageMagick-7.1.1-41.tar.gz", "ImageMagick-7.1.1-40.tar.gz", "ImageMagick.tar.gz", "ImageMagick.tar.xz"]
    {
        f.write(&format!("dist/imagemagick/{n}"), n);
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = doc.as_array().unwrap().iter().find(|p| p["project"] == "imagemagick").unwrap();
    assert!(p["notes"].as_array().unwrap().iter().any(|n| n == "imagemagick/ImageMagick.tar.gz"), "{p:#}");
}

/// Slackware's ISO folders, `slackware64-15.0-iso/` beside `slackware-15.0-iso/`: one
/// release 15.0 for two machines' widths, not "the same version twice".
#[test]
fn folders_named_for_a_machine_width_are_one_release() {
    let f = Fixture::new();
    unsigned(&f, "slackware");
    for rel in
        ["slackware64-15.0-iso/slackware64-15.0-install-dvd.iso", "slackware-15.0-iso/slackware-15.0-install-dvd.iso"]
    {
        f.write(&format!("dist/slackware/slackware-iso/{rel}"), rel);
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(crate::util::release_files(&f, "slackware").len(), 2);
}

/// OCaml's `releases/5.2/` holds `ocaml-5.2-refman.pdf` beside `ocaml-5.2.1.tar.gz`: the
/// series' manual goes with its newest release (it was a release 5.2 of its own, archived
/// at once, and left the mirrors).
#[test]
fn a_series_manual_goes_with_the_series_newest_release() {
    let f = Fixture::new();
    unsigned(&f, "ocaml");
    for n in ["ocaml-5.2.0.tar.gz", "ocaml-5.2.1.tar.gz", "ocaml-5.2-refman.pdf", "ocaml-5.2-refman-html.tar.gz"] {
        f.write(&format!("dist/ocaml/releases/5.2/{n}"), n);
    }
    let files = crate::util::release_files(&f, "ocaml");
    let paths: Vec<&str> = files.iter().map(|x| x["path"].as_str().unwrap()).collect();
    assert!(paths.contains(&"ocaml/releases/5.2/ocaml-5.2-refman.pdf"), "in 5.2.1: {paths:?}");
    assert!(paths.contains(&"ocaml/releases/5.2/ocaml-5.2.1.tar.gz"), "{paths:?}");
}

/// A release whose files are in several folders (OpenBSD's `7.6/` and `7.6/amd64/`):
/// its verify lines hold for another file in the same folder only, and the page says so
/// (it had said "the same lines with its name" for any file, and for `amd64/bsd.rd` they
/// fetched a checksum that is not there).
#[test]
fn verify_lines_say_they_hold_within_one_folder() {
    let f = Fixture::new();
    unsigned(&f, "tool");
    for rel in ["2.0/tool-2.0.tar.gz", "2.0/amd64/tool-2.0-amd64.tar.gz"] {
        f.write(&format!("dist/tool/{rel}"), rel);
    }
    f.closer(&["build"]).ok();
    let page = f.read("site/tool/2.0/index.html");
    assert!(
        page.contains("for another file of this release in the same folder, the same lines with its name"),
        "{page}"
    );
    let page = f.read("site/alpha/1.10/index.html");
    assert!(page.contains("for another file of this release, the same lines with its name"), "{page}");
}
