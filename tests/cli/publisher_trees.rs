//! Trees laid out as publishers version and sort their releases beyond the usual forms:
//! OpenSSL's patch letters (`1.1.1w`) with one-space `.sha256` files, GIMP's installers
//! in operating systems' folders beside each series' tarballs, Bitcoin Core's release
//! candidates inside the final release's directory, Wireshark's `all-versions/` folders,
//! Julia's series directories inside machines' folders, KDE's `portingAids/`,
//! LibreOffice's `src/` and `stable/` with a build number in the source's name, Ruby's
//! `index.txt`, Node.js's `latest/` folders of copies, OpenSSL's current release of a
//! series in `source/` and the older ones in `source/old/<series>/`.

use crate::forms::tool;
use crate::util::Fixture;
use serde_json::Value;

/// OpenSSL's `source/old/1.1.1/`: releases 1.1.1 to 1.1.1w, a patch letter after the
/// number (newer than the number alone, not a pre-release: 1.1.1a was "the pre-release
/// 1.1.1a" and sorted before 1.1.1), each with a `.sha256` its release script wrote with
/// one space (`echo $hash "$file"`: it was "holds no checksum").
#[test]
fn patch_letters_are_releases_and_one_space_checksums_are_read() {
    let f = Fixture::new();
    f.write("content/openssl.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    let dir = "dist/openssl/old/1.1.1";
    for v in ["1.1.1", "1.1.1a", "1.1.1w"] {
        let name = format!("openssl-{v}.tar.gz");
        f.write(&format!("{dir}/{name}"), &format!("{v}\n"));
        let sum = tool(&f.path(dir), "sha256sum", &[&name]);
        f.write(&format!("{dir}/{name}.sha256"), &sum.replacen("  ", " ", 1));
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = doc.as_array().unwrap().iter().find(|p| p["project"] == "openssl").unwrap();
    let versions: Vec<&str> =
        p["lines"][0]["releases"].as_array().unwrap().iter().map(|r| r["version"].as_str().unwrap()).collect();
    // Newest first; 1.1.1a after 1.1.1, as no pre-release is.
    assert_eq!(versions, ["1.1.1w", "1.1.1a", "1.1.1"], "{p:#}");
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(text.contains("checksums sha256 (sha256sum format)"), "it said (sha512sum): {text}");
    // A wrong digest in one: named.
    let name = "openssl-1.1.1w.tar.gz";
    f.write(&format!("{dir}/{name}.sha256"), &format!("{} {name}\n", "0".repeat(64)));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("{name}.sha256:1: says 00000000")), "{}", run.stderr);
}

/// GIMP's tree: a series directory per minor version (`v2.10/`), the source tarball in
/// it and the installers in operating systems' folders (`windows/`, `osx/`, `linux/`).
/// Each release is one, its installers with it (the folders were lines of their own:
/// 3.0.0 on four pages, and `keep` archived an installer whose tarball stayed).
#[test]
fn installers_in_operating_systems_folders_are_their_release() {
    let f = Fixture::new();
    f.write("content/gimp.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    for rel in [
        "v2.10/gimp-2.10.36.tar.bz2",
        "v2.10/gimp-2.10.38.tar.bz2",
        "v2.10/windows/gimp-2.10.36-setup.exe",
        "v2.10/windows/gimp-2.10.38-setup.exe",
        "v2.10/osx/gimp-2.10.38-arm64.dmg",
        "v3.0/gimp-3.0.0.tar.xz",
        "v3.0/linux/GIMP-3.0.0-x86_64.AppImage",
        "v3.0/windows/gimp-3.0.0-setup.exe",
    ] {
        f.write(&format!("dist/gimp/{rel}"), &format!("{rel}\n"));
    }
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let gimp = doc.as_array().unwrap().iter().find(|p| p["project"] == "gimp").unwrap();
    let lines = lines_of(gimp);
    assert_eq!(lines, [("v3.0", vec![("3.0.0", 3)]), ("v2.10", vec![("2.10.38", 3), ("2.10.36", 2)])], "{gimp:#}");
}

/// Bitcoin Core's `bin/`: `bitcoin-core-28.0/` holds a release with one `SHA256SUMS`
/// that builders sign (`SHA256SUMS.asc`), and the candidates of the next one wait in a
/// subdirectory of its directory, `bitcoin-core-28.1/test.rc1/`, until the final files
/// join them at its top. Each candidate is a pre-release of its own with its own list
/// (it was read as 28.1, its list's files "not in the release" once 28.1 came), and the
/// source archive offered is `bitcoin-28.1.tar.gz`, never `-codesignatures-28.1.tar.gz`.
#[test]
fn release_candidates_in_the_final_releases_directory_are_releases_of_their_own() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("Bitcoin Core Builder <builder@bitcoincore.org>", "ed25519", "", None);
    f.write("dist/bitcoin-core/KEYS", &g.export_public(&fpr));
    let release = |dir: &str, v: &str| {
        let mut names = Vec::new();
        for suffix in
            [".tar.gz", "-x86_64-linux-gnu.tar.gz", "-win64-setup.exe", &format!("-codesignatures-{v}.tar.gz")]
        {
            let name = format!("bitcoin-{v}{suffix}");
            f.write(&format!("{dir}/{name}"), &format!("{name}\n"));
            names.push(name);
        }
        let path = f.path(dir);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        f.write(&format!("{dir}/SHA256SUMS"), &tool(&path, "sha256sum", &names));
        let (asc, sums) = (path.join("SHA256SUMS.asc"), path.join("SHA256SUMS"));
        g.ok(&["--local-user", &fpr, "--armor", "--detach-sign", "-o", asc.to_str().unwrap(), sums.to_str().unwrap()]);
    };
    let versions = |f: &Fixture| -> Vec<(String, usize)> {
        let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
        let p = doc.as_array().unwrap().iter().find(|p| p["project"] == "bitcoin-core").unwrap().clone();
        let releases = p["lines"][0]["releases"].as_array().unwrap().clone();
        releases
            .iter()
            .map(|r| (r["version"].as_str().unwrap().to_string(), r["files"].as_array().unwrap().len()))
            .collect()
    };
    release("dist/bitcoin-core/bitcoin-core-28.0", "28.0");
    release("dist/bitcoin-core/bitcoin-core-28.1/test.rc1", "28.1rc1");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(versions(&f), [("28.1rc1".to_string(), 6), ("28.0".to_string(), 6)]);
    release("dist/bitcoin-core/bitcoin-core-28.1/test.rc2", "28.1rc2");
    release("dist/bitcoin-core/bitcoin-core-28.1", "28.1");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let want = [("28.1", 6), ("28.1rc2", 6), ("28.1rc1", 6), ("28.0", 6)].map(|(v, n)| (v.to_string(), n));
    assert_eq!(versions(&f), want);
    f.closer(&["build"]).ok();
    let latest: Value = serde_json::from_str(&f.read("site/bitcoin-core/latest.json")).unwrap();
    assert_eq!(latest["offered"], "bitcoin-core/bitcoin-core-28.1/bitcoin-28.1.tar.gz", "{latest:#}");
}

/// Wireshark's download tree: the current release's files in `src/`, `win64/` and `osx/`
/// (named with spaces: `Wireshark 4.4.0 Arm 64.dmg`), every release's in `all-versions/`
/// beside them (the current one's a copy), a clearsigned `SIGNATURES-<v>.txt` per release
/// at the top naming each file alone (`SHA256(NAME)=`, and SHA-1), and the signer's key
/// as a binary keyring named for him, `gerald_at_wireshark_dot_org.gpg`. Each version is
/// one release, signed (it was a line `all-versions` with 4.4.0 three times, unsigned:
/// "the signing key is not in KEYS"); the page shows each file once; a copy that differs
/// is bad.
#[test]
fn older_versions_folders_and_a_keyring_named_for_its_owner() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("Gerald Combs <gerald@wireshark.org>", "ed25519", "", None);
    let top = f.path("dist/wireshark");
    std::fs::create_dir_all(&top).unwrap();
    g.ok(&["--output", top.join("gerald_at_wireshark_dot_org.gpg").to_str().unwrap(), "--export", &fpr]);
    let release = |v: &str, current: bool| {
        let mut list = String::new();
        let files = [
            ("src", format!("wireshark-{v}.tar.xz")),
            ("win64", format!("Wireshark-{v}-x64.exe")),
            ("osx", format!("Wireshark {v} Arm 64.dmg")),
        ];
        for (dir, name) in files {
            let body = format!("{name}\n");
            f.write(&format!("dist/wireshark/{dir}/all-versions/{name}"), &body);
            if current {
                f.write(&format!("dist/wireshark/{dir}/{name}"), &body);
            }
            let all = f.path(&format!("dist/wireshark/{dir}/all-versions"));
            let sum = |cmd: &str| tool(&all, cmd, &[&name]).split(' ').next().unwrap().to_string();
            list += &format!(
                "{name}: {} bytes\nSHA256({name})={}\nSHA1({name})={}\n\n",
                body.len(),
                sum("sha256sum"),
                sum("sha1sum")
            );
        }
        let plain = f.path(&format!("SIGNATURES-{v}.plain"));
        std::fs::write(&plain, list).unwrap();
        let signed = top.join(format!("SIGNATURES-{v}.txt"));
        g.ok(&["--local-user", &fpr, "--clearsign", "-o", signed.to_str().unwrap(), plain.to_str().unwrap()]);
    };
    release("4.2.6", false);
    release("4.4.0", true);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = doc.as_array().unwrap().iter().find(|p| p["project"] == "wireshark").unwrap();
    assert_eq!(p["keys"], "wireshark/gerald_at_wireshark_dot_org.gpg", "{p:#}");
    assert_eq!(p["lines"].as_array().unwrap().len(), 1, "{p:#}");
    let releases = p["lines"][0]["releases"].as_array().unwrap();
    let seen: Vec<(&str, usize)> =
        releases.iter().map(|r| (r["version"].as_str().unwrap(), r["files"].as_array().unwrap().len())).collect();
    assert_eq!(seen, [("4.4.0", 6), ("4.2.6", 3)], "{p:#}");
    for file in releases.iter().flat_map(|r| r["files"].as_array().unwrap()) {
        assert_eq!(file["signature"]["outcome"], "good", "{file:#}");
    }
    f.closer(&["build"]).ok();
    let page = f.read("site/wireshark/4.4.0/index.html");
    assert!(!page.contains("all-versions"), "the copies are shown, or checked: {page}");
    assert_eq!(page.matches("<td class=\"links\">").count(), 3, "{page}");
    // The project page offers the source archive, as latest.json does (its position among
    // the files the page shows once was taken for its position among all: the copies
    // made a Windows installer the default, and no source button).
    let page = f.read("site/wireshark/index.html");
    let default = page.split("data-default").nth(1).unwrap().split("</li>").next().unwrap();
    assert!(default.contains("data-path=\"wireshark/src/wireshark-4.4.0.tar.xz\""), "{default}");
    assert!(default.contains("Download source code"), "{default}");
    // A copy that is not the file the list signs: bad, named.
    f.write("dist/wireshark/src/all-versions/wireshark-4.4.0.tar.xz", "wireshark-4.4.X.tar.xz\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("src/all-versions/wireshark-4.4.0.tar.xz"), "{}", run.stderr);
}

/// Julia's `bin/`: a folder per system and machine, a series directory per minor version
/// in each (`bin/linux/x64/1.11/julia-1.11.2-linux-x86_64.tar.gz`,
/// `bin/winnt/x64/1.11/julia-1.11.2-win64.exe`), and each version's checksums of every
/// machine's files in `bin/checksums/julia-1.11.2.sha256`. Each version is one release of
/// its series, across the machines (it was 1.11.2 four times, one per folder), and the
/// version's checksum files are lists beside the releases, checked against the files
/// they name (each was a release of its own whose files were "not in the release").
#[test]
fn series_directories_in_machines_folders_are_one_release_per_version() {
    let f = Fixture::new();
    f.write("content/julia.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    let machines = [
        ("linux/x64", "linux-x86_64.tar.gz"),
        ("linux/aarch64", "linux-aarch64.tar.gz"),
        ("winnt/x64", "win64.exe"),
        ("mac/aarch64", "macaarch64.dmg"),
    ];
    for (line, versions) in [("1.10", ["1.10.4", "1.10.5"]), ("1.11", ["1.11.1", "1.11.2"])] {
        for v in versions {
            let mut sums = String::new();
            for (dir, suffix) in machines {
                let name = format!("julia-{v}-{suffix}");
                let at = format!("dist/julia/bin/{dir}/{line}");
                f.write(&format!("{at}/{name}"), &format!("{name}\n"));
                sums += &tool(&f.path(&at), "sha256sum", &[&name]);
            }
            f.write(&format!("dist/julia/bin/checksums/julia-{v}.sha256"), &sums);
        }
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let julia = doc.as_array().unwrap().iter().find(|p| p["project"] == "julia").unwrap();
    let lines = lines_of(julia);
    let want = [("1.11", vec![("1.11.2", 4), ("1.11.1", 4)]), ("1.10", vec![("1.10.5", 4), ("1.10.4", 4)])];
    assert_eq!(lines, want, "{julia:#}");
    let notes: Vec<&str> = julia["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert!(notes.contains(&"julia/bin/checksums/julia-1.11.2.sha256"), "{julia:#}");
    f.closer(&["build"]).ok();
    let page = f.read("site/julia/1.11/1.11.2/index.html");
    for (dir, suffix) in machines {
        assert!(page.contains(&format!("julia/bin/{dir}/1.11/julia-1.11.2-{suffix}")), "{dir}: {page}");
    }
    // The version's list is checked against the files it names, wherever they are.
    let list = "dist/julia/bin/checksums/julia-1.11.2.sha256";
    let text = f.read(list);
    f.write(list, &format!("{}{}", "0".repeat(64), &text[64..]));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("julia-1.11.2.sha256:1: says 00000000"), "{}", run.stderr);
}

/// KDE Frameworks: a series directory per minor version (`frameworks/6.8/`) holding its
/// release's tarballs, and the porting aids of the same release in a folder of it
/// (`frameworks/6.8/portingAids/kross-6.8.0.tar.xz`). They are files of release 6.8.0
/// (the folder was a line `portingAids` holding 6.8.0 and 6.7.0 again).
#[test]
fn a_folder_in_a_series_directory_is_a_folder_of_its_releases() {
    let f = Fixture::new();
    f.write("content/frameworks.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    for v in ["6.7", "6.8"] {
        for name in [format!("{v}/kio-{v}.0.tar.xz"), format!("{v}/portingAids/kross-{v}.0.tar.xz")] {
            f.write(&format!("dist/frameworks/{name}"), &format!("{name}\n"));
        }
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = doc.as_array().unwrap().iter().find(|p| p["project"] == "frameworks").unwrap();
    let lines = lines_of(p);
    assert_eq!(lines, [("6.8", vec![("6.8.0", 2)]), ("6.7", vec![("6.7.0", 2)])], "{p:#}");
}

/// A project's `releases.json` current releases: (version, pre-release, files).
pub(crate) fn current_releases(doc: &Value) -> Vec<(&str, bool, usize)> {
    let releases = doc["current"].as_array().unwrap().iter();
    releases
        .map(|r| {
            (r["version"].as_str().unwrap(), r["prerelease"].as_bool().unwrap(), r["files"].as_array().unwrap().len())
        })
        .collect()
}

/// Each line of a project in `closer releases --json` (by name, `""` for the main one),
/// with its releases' versions and how many files each has.
pub(crate) fn lines_of(project: &Value) -> Vec<(&str, Vec<(&str, usize)>)> {
    let lines = project["lines"].as_array().unwrap().iter();
    lines
        .map(|l| {
            let releases = l["releases"].as_array().unwrap();
            let r = releases.iter().map(|r| (r["version"].as_str().unwrap(), r["files"].as_array().unwrap().len()));
            (l["line"].as_str().unwrap_or(""), r.collect())
        })
        .collect()
}

/// LibreOffice's tree: the installers in `stable/24.8.4/<format>/<machine>/` and the
/// sources in `src/24.8.4/`, named with the build (`libreoffice-24.8.4.2.tar.xz`). Each
/// version is one release with both (the sources were a line `24.8.4` holding a release
/// 24.8.4.2, or a line `src`), and the source archive offered is the tarball.
#[test]
fn sources_named_with_a_build_join_the_release_of_their_version() {
    let f = Fixture::new();
    f.write("content/libreoffice.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    for v in ["24.8.3", "24.8.4"] {
        for name in [
            format!("src/{v}/libreoffice-{v}.2.tar.xz"),
            format!("src/{v}/libreoffice-help-{v}.2.tar.xz"),
            format!("stable/{v}/deb/x86_64/LibreOffice_{v}_Linux_x86-64_deb.tar.gz"),
            format!("stable/{v}/win/x86_64/LibreOffice_{v}_Win_x86-64.msi"),
        ] {
            f.write(&format!("dist/libreoffice/{name}"), &format!("{name}\n"));
        }
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = doc.as_array().unwrap().iter().find(|p| p["project"] == "libreoffice").unwrap();
    assert_eq!(lines_of(p), [("", vec![("24.8.4", 4), ("24.8.3", 4)])], "{p:#}");
    f.closer(&["build"]).ok();
    let latest: Value = serde_json::from_str(&f.read("site/libreoffice/latest.json")).unwrap();
    assert_eq!(latest["offered"], "libreoffice/src/24.8.4/libreoffice-24.8.4.2.tar.xz", "{latest:#}");
    // A release candidate in `testing/25.2.0/`, its files named with the build
    // (`25.2.0.1`): one release with its sources, a pre-release by its folder (it was a
    // line `25.2.0`, and its sources the newest stable release).
    for name in [
        "src/25.2.0/libreoffice-25.2.0.1.tar.xz".to_string(),
        "testing/25.2.0/win/x86_64/LibreOffice_25.2.0.1_Win_x86-64.msi".to_string(),
    ] {
        f.write(&format!("dist/libreoffice/{name}"), &format!("{name}\n"));
    }
    f.closer(&["build"]).ok();
    let doc: Value = serde_json::from_str(&f.read("site/libreoffice/releases.json")).unwrap();
    let current = current_releases(&doc);
    assert_eq!(current, [("25.2.0", true, 2), ("24.8.4", false, 4), ("24.8.3", false, 4)], "{doc:#}");
    assert_eq!(doc["latest"], "24.8.4", "{doc:#}");
}

/// Ruby's `pub/ruby/`: a series directory per minor version (`3.3/ruby-3.3.6.tar.xz`),
/// no signatures, and `index.txt` at the top: a tab-separated table with a header
/// (`name url sha1 sha256 sha512`) and a row per archive, its `name` the release's
/// (`ruby-3.3.6`), the file the last part of its `url`. The table is checked against
/// the files it names (a tampered tarball passed: the table was a note and nothing more,
/// and then, its names no files', never compared).
#[test]
fn a_table_of_digests_beside_the_releases_is_checked() {
    let f = Fixture::new();
    f.write("content/ruby.md", "---\nunsigned: \"digests in index.txt, in this test\"\n---\n");
    let mut index = String::from("name\turl\tsha1\tsha256\tsha512\n");
    for (line, v, ext) in [("3.3", "3.3.6", "tar.gz"), ("3.3", "3.3.6", "tar.xz"), ("3.4", "3.4.0", "tar.xz")] {
        let name = format!("ruby-{v}.{ext}");
        f.write(&format!("dist/ruby/{line}/{name}"), &format!("{name}\n"));
        let dir = f.path(&format!("dist/ruby/{line}"));
        let sum = |cmd: &str| tool(&dir, cmd, &[&name]).split(' ').next().unwrap().to_string();
        let url = format!("https://cache.ruby-lang.org/pub/ruby/{line}/{name}");
        index += &format!("ruby-{v}\t{url}\t{}\t{}\t{}\n", sum("sha1sum"), sum("sha256sum"), sum("sha512sum"));
    }
    f.write("dist/ruby/index.txt", &index);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // `closer releases --json` says so of each file (it said no list covered them).
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let ruby = doc.as_array().unwrap().iter().find(|p| p["project"] == "ruby").unwrap();
    let file = ruby["lines"].as_array().unwrap().iter().flat_map(|l| l["releases"].as_array().unwrap());
    let file = file.flat_map(|r| r["files"].as_array().unwrap()).find(|f| f["path"] == "ruby/3.3/ruby-3.3.6.tar.xz");
    let checksums = &file.unwrap()["checksums"];
    assert_eq!(checksums[0]["path"], "ruby/index.txt", "{checksums}");
    f.write("dist/ruby/3.3/ruby-3.3.6.tar.xz", "ruby-3.3.X.tar.xz\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("index.txt:3: says") && run.stderr.contains("(read in a table with a header)"),
        "{}",
        run.stderr
    );
}

/// Node.js's `dist/`: a directory per version (`v22.11.0/`, with a clearsigned
/// `SHASUMS256.txt.asc`), and copies of the newest under names with no version
/// (`latest/`, `latest-v22.x/`, each with its own `SHASUMS256.txt.asc`). The copies are
/// more files of 22.11.0 (they were lines `latest` and `latest-v22.x`, each with 22.11.0
/// again): carried to the mirrors, shown once, the release's own directory's offered.
/// When 22.12.0 comes and the copies are replaced, they go with it; copies that differ
/// from the list are bad; copies alone (the version's directory not there yet) are a
/// release.
#[test]
fn folders_of_copies_of_the_newest_join_its_release() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("Node.js Releases <release@nodejs.invalid>", "ed25519", "", None);
    std::fs::create_dir_all(f.path("dist/node")).unwrap();
    g.ok(&["--output", f.path("dist/node/KEYS").to_str().unwrap(), "--armor", "--export", &fpr]);
    let publish = |v: &str, dirs: &[&str]| {
        for dir in dirs {
            let d = format!("dist/node/{dir}");
            let _ = std::fs::remove_dir_all(f.path(&d));
            let names = [format!("node-v{v}.tar.gz"), format!("node-v{v}-linux-x64.tar.xz")];
            for name in &names {
                f.write(&format!("{d}/{name}"), &format!("{name}\n"));
            }
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            f.write(&format!("{d}/SHASUMS256.txt"), &tool(&f.path(&d), "sha256sum", &names));
            let list = f.path(&format!("{d}/SHASUMS256.txt"));
            let signed = f.path(&format!("{d}/SHASUMS256.txt.asc"));
            g.ok(&["--local-user", &fpr, "--clearsign", "-o", signed.to_str().unwrap(), list.to_str().unwrap()]);
        }
    };
    let releases = |f: &Fixture| -> Vec<(String, Vec<String>)> {
        let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
        let p = doc.as_array().unwrap().iter().find(|p| p["project"] == "node").unwrap().clone();
        assert_eq!(p["lines"].as_array().unwrap().len(), 1, "no line of copies: {p:#}");
        let rs = p["lines"][0]["releases"].as_array().unwrap().clone();
        rs.iter()
            .map(|r| {
                let files: Vec<&Value> =
                    r["files"].as_array().unwrap().iter().filter(|x| x["role"] == "artifact").collect();
                for file in &files {
                    assert_eq!(file["signature"]["outcome"], "good", "{file:#}");
                }
                (
                    r["version"].as_str().unwrap().to_string(),
                    files.iter().map(|x| x["path"].as_str().unwrap().to_string()).collect(),
                )
            })
            .collect()
    };
    publish("22.10.0", &["v22.10.0"]);
    publish("22.11.0", &["v22.11.0", "latest", "latest-v22.x"]);
    let seen = releases(&f);
    let versions: Vec<(&str, usize)> = seen.iter().map(|(v, files)| (v.as_str(), files.len())).collect();
    assert_eq!(versions, [("v22.11.0", 6), ("v22.10.0", 2)], "{seen:?}");
    f.closer(&["build"]).ok();
    let page = f.read("site/node/v22.11.0/index.html");
    assert_eq!(page.matches("<td class=\"links\">").count(), 2, "{page}");
    assert!(!page.contains("data-path=\"node/latest"), "the release's own files are offered: {page}");
    let list = f.read("dist/zzz/lists/fullfiletimelist-archive");
    assert!(list.contains("\tnode/latest-v22.x/node-v22.11.0.tar.gz\n"), "the copies go to the mirrors: {list}");
    // The next release replaces the copies: they are its files now.
    publish("22.12.0", &["v22.12.0", "latest", "latest-v22.x"]);
    let seen = releases(&f);
    let versions: Vec<(&str, usize)> = seen.iter().map(|(v, files)| (v.as_str(), files.len())).collect();
    assert_eq!(versions, [("v22.12.0", 6), ("v22.11.0", 2), ("v22.10.0", 2)], "{seen:?}");
    assert!(seen[1].1.iter().all(|p| p.starts_with("node/v22.11.0/")), "{seen:?}");
    // A copy that is not the file its list signs: bad, named.
    let good = f.read("dist/node/latest/node-v22.12.0.tar.gz");
    f.write("dist/node/latest/node-v22.12.0.tar.gz", "tampered\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("node/latest/node-v22.12.0.tar.gz"), "{}", run.stderr);
    f.write("dist/node/latest/node-v22.12.0.tar.gz", &good);
    // Copies uploaded before the version's own directory: a release of their own.
    publish("22.13.0", &["latest"]);
    let versions: Vec<String> = releases(&f).into_iter().map(|(v, _)| v).collect();
    assert_eq!(versions[0], "v22.13.0", "{versions:?}");
}

/// OpenSSL's `source/`: each series' current release beside the newest series'
/// (`openssl-3.4.0.tar.gz`, `openssl-3.0.15.tar.gz`), and the older ones of a series in
/// `source/old/3.0/`. 3.0.15 is line 3.0's current release: it was the main line's,
/// archived there by 3.4.0 and 3.3.2, while line 3.0 offered 3.0.14 as its current.
#[test]
fn a_series_current_release_beside_its_older_ones_folder_is_of_that_line() {
    let f = Fixture::new();
    f.write("content/openssl.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    for (dir, v) in [
        ("source", "3.4.0"),
        ("source", "3.3.2"),
        ("source", "3.0.15"),
        ("source/old/3.0", "3.0.14"),
        ("source/old/3.0", "3.0.13"),
    ] {
        let d = format!("dist/openssl/{dir}");
        let name = format!("openssl-{v}.tar.gz");
        f.write(&format!("{d}/{name}"), &format!("{v}\n"));
        f.write(&format!("{d}/{name}.sha256"), &tool(&f.path(&d), "sha256sum", &[&name]));
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = doc.as_array().unwrap().iter().find(|p| p["project"] == "openssl").unwrap();
    let lines: Vec<(Value, Vec<&str>)> = p["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["line"].clone(),
                l["releases"].as_array().unwrap().iter().map(|r| r["version"].as_str().unwrap()).collect(),
            )
        })
        .collect();
    let want = [(Value::Null, vec!["3.4.0", "3.3.2"]), (Value::from("3.0"), vec!["3.0.15", "3.0.14", "3.0.13"])];
    assert_eq!(lines, want, "{p:#}");
    f.closer(&["build"]).ok();
    let page = f.read("site/openssl/3.0/3.0.15/index.html");
    assert!(page.contains("openssl/source/openssl-3.0.15.tar.gz"), "{page}");
    assert!(!f.path("site/openssl/3.0.15").exists(), "3.0.15 is not the main line's too");
    // The FIPS module beside them makes the products lines (`openssl`, `openssl-fips`):
    // 3.0.15 stays line 3.0's, and current (it was archived in line `openssl`).
    for (dir, name) in [("source", "openssl-fips-2.0.16.tar.gz"), ("source/old/fips", "openssl-fips-2.0.15.tar.gz")] {
        let d = format!("dist/openssl/{dir}");
        f.write(&format!("{d}/{name}"), name);
        f.write(&format!("{d}/{name}.sha256"), &tool(&f.path(&d), "sha256sum", &[name]));
    }
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = doc.as_array().unwrap().iter().find(|p| p["project"] == "openssl").unwrap();
    let line = p["lines"].as_array().unwrap().iter().find(|l| l["line"] == "3.0").expect("line 3.0");
    let r = &line["releases"][0];
    assert_eq!((&r["version"], &r["current"]), (&Value::from("3.0.15"), &Value::from(true)), "{p:#}");
}

/// SQLite's year folders (`2024/`, `2025/`) and GNU Emacs's `pretest/`: with two year
/// folders the years were the releases ("Download SQLite 2025"), and a pretest headed
/// the page as "the newest stable release". A year whose files name versions of their
/// own is read through; `pretest/` holds pre-releases of the line beside it.
#[test]
fn year_folders_are_read_through_and_pretests_are_prereleases() {
    let f = Fixture::new();
    f.write("content/sqlite.md", "---\nunsigned: \"SHA3-256 on the download page\"\n---\n");
    for (year, v) in [("2024", "3470100"), ("2024", "3470200"), ("2025", "3480000"), ("2025", "3490100")] {
        f.write(&format!("dist/sqlite/{year}/sqlite-autoconf-{v}.tar.gz"), v);
        f.write(&format!("dist/sqlite/{year}/sqlite-tools-linux-x64-{v}.zip"), v);
    }
    f.write("dist/emacs/emacs-30.1.tar.xz", "30.1\n");
    f.write("dist/emacs/pretest/emacs-31.0.90.tar.xz", "31.0.90\n");
    f.write("dist/emacs/KEYS", &f.read("dist/alpha/KEYS"));
    f.write("dist/sqlite/KEYS", &f.read("dist/alpha/KEYS"));
    f.sign();
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let project = |name: &str| doc.as_array().unwrap().iter().find(|p| p["project"] == name).unwrap().clone();
    let sqlite = project("sqlite");
    assert_eq!(sqlite["lines"].as_array().unwrap().len(), 1, "{sqlite:#}");
    let versions: Vec<&str> =
        sqlite["lines"][0]["releases"].as_array().unwrap().iter().map(|r| r["version"].as_str().unwrap()).collect();
    assert_eq!(versions, ["3490100", "3480000", "3470200", "3470100"]);
    assert!(
        f.read("site/sqlite/index.html").contains("Download SQLite 3490100")
            || f.read("site/sqlite/index.html").contains("3490100")
    );
    let emacs = f.read("site/emacs/index.html");
    let head = &emacs[..emacs.find("newest stable release").expect("a stable release")];
    assert!(head.contains("emacs-30.1.tar.xz") && !head.contains("31.0.90"), "{head}");
}

/// Electrum's `4.5.8/`: its Android packages carry a build number
/// (`Electrum-4.5.8.0-x86_64-release.apk`) beside `Electrum-4.5.8.tar.gz`; the folder
/// was a line of two releases, 4.5.8.0 the newest, and an APK the page's only button.
#[test]
fn a_build_number_beside_the_version_is_the_same_release() {
    let f = Fixture::new();
    f.write("dist/electrum/KEYS", &f.read("dist/alpha/KEYS"));
    for name in ["Electrum-4.5.8.tar.gz", "electrum-4.5.8-setup.exe", "Electrum-4.5.8.0-x86_64-release.apk"] {
        f.write(&format!("dist/electrum/4.5.8/{name}"), name);
    }
    f.sign();
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(
        text.contains("  4.5.8 (current)") && !text.contains("4.5.8.0 (") && !text.contains("line 4.5.8"),
        "{text}"
    );
    let page = f.read("site/electrum/index.html");
    assert!(page.contains("Download source code"), "{page}");
}

/// Armbian's board folders: `rock-5b/archive/Armbian_24.11.1_Rock-5b_bookworm….img.xz`.
/// The folder read as product `rock`, release `5b`, its images of two versions in one
/// release. A folder named like a version whose files all name others is a line.
#[test]
fn a_board_folder_named_like_a_version_is_a_line_of_its_files_releases() {
    let f = Fixture::new();
    f.write("content/armbian.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    for v in ["24.11.1", "24.8.1"] {
        f.write(&format!("dist/armbian/rock-5b/archive/Armbian_{v}_Rock-5b_bookworm_current_6.1.img.xz"), v);
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(
        text.contains("24.11.1 (current)") && text.contains("24.8.1 (current)") && !text.contains("5b ("),
        "{text}"
    );
}
