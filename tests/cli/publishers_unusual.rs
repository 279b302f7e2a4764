//! Publishers whose file names are unusual (the twenty-fourth trial): Syncthing's Go
//! machine `386` before the version, MinIO's `minio.RELEASE.<time>` in `linux-amd64/`
//! with its unversioned `minio`, PuTTY's `w32/`/`w64/`/`wa64/`, Godot's `SHA512-SUMS.txt`,
//! musl's `musl.pub`, PyPy's interpreters side by side, and versions written without
//! their dots (zlib's `zlib131.zip`, FreeType's `ft2133.zip`); dated builds (LineageOS's
//! weekly `lineage-22.0-<day>-…`, postmarketOS's `<day>-<time>/` folders); Zig's `-dev.N+commit`;
//! SourceForge's folder a platform (`Lazarus_Windows_64_bits/Lazarus_3.6/`).

use crate::release_words_more::unsigned;
use crate::util::Fixture;
use std::process::Command;

fn latest(f: &Fixture, project: &str) -> serde_json::Value {
    serde_json::from_str(&f.read(&format!("site/{project}/latest.json"))).unwrap()
}

/// The versions `closer releases --json` found in `project`, every line's, newest first.
fn versions(f: &Fixture, project: &str) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = json.as_array().unwrap().iter().find(|p| p["project"] == project).unwrap().clone();
    let lines = p["lines"].as_array().unwrap();
    lines
        .iter()
        .flat_map(|l| l["releases"].as_array().unwrap().iter().map(|r| r["version"].as_str().unwrap().into()))
        .collect()
}

/// `syncthing-linux-386-v1.28.1.tar.gz`: the `386` (Go's 32-bit x86) was the version, and
/// a release "386" mixing two versions' builds was offered as the newest.
#[test]
fn go_386_before_the_version_is_a_machine() {
    let f = Fixture::new();
    unsigned(&f, "syncthing");
    for v in ["v1.28.1", "v1.28.0"] {
        for name in ["linux-amd64", "linux-386", "source"] {
            f.write(&format!("dist/syncthing/syncthing-{name}-{v}.tar.gz"), &format!("{name} {v}\n"));
        }
    }
    // A version 386 alone stays one (`less-386`).
    unsigned(&f, "less");
    f.write("dist/less/less-386.tar.gz", "less\n");
    f.closer(&["build"]).ok();
    assert_eq!(versions(&f, "syncthing"), ["v1.28.1", "v1.28.0"]);
    assert_eq!(latest(&f, "syncthing")["offered"], "syncthing/syncthing-source-v1.28.1.tar.gz");
    assert_eq!(versions(&f, "less"), ["386"]);
}

/// MinIO's `release/linux-amd64/archive/minio.RELEASE.2024-11-07T00-52-20Z`: the month was
/// the version (two November releases one, each year a line), each `linux-amd64/` a line,
/// and the unversioned newest copy `minio` (with its sums and minisign signature) held the
/// project back.
#[test]
fn minio_releases_are_named_by_their_time() {
    let f = Fixture::new();
    unsigned(&f, "minio");
    for machine in ["linux-amd64", "linux-arm64", "windows-amd64"] {
        let exe = if machine.starts_with("windows") { ".exe" } else { "" };
        for t in ["2024-11-07T00-52-20Z", "2024-11-22T18-59-11Z", "2025-01-20T14-49-07Z"] {
            f.write(
                &format!("dist/minio/release/{machine}/archive/minio.RELEASE.{t}{exe}"),
                &format!("{machine} {t}\n"),
            );
        }
        let copy = format!("dist/minio/release/{machine}/minio{exe}");
        f.write(&copy, &format!("{machine} newest\n"));
        f.write(&format!("{copy}.minisig"), "untrusted comment: a signature\n");
    }
    f.closer(&["check"]).ok();
    assert_eq!(versions(&f, "minio"), ["2025-01-20T14-49-07Z", "2024-11-22T18-59-11Z", "2024-11-07T00-52-20Z"]);
}

/// PuTTY's `w32/putty.exe`, `w64/putty.exe` and `wa64/putty.exe` were each plain
/// "Windows": a visitor on x64 could be offered the 32-bit one.
#[test]
fn putty_machine_folders_name_the_machine() {
    let f = Fixture::new();
    unsigned(&f, "putty");
    for rel in ["putty-0.82.tar.gz", "w32/putty.exe", "w64/putty.exe", "wa64/putty.exe"] {
        f.write(&format!("dist/putty/0.82/{rel}"), rel);
    }
    f.closer(&["build"]).ok();
    let page = f.read("site/putty/index.html");
    for (dir, arch) in [("w32", "x86"), ("w64", "x86_64"), ("wa64", "arm64")] {
        let at = page.find(&format!("putty/0.82/{dir}/putty.exe")).unwrap_or_else(|| panic!("{dir}: {page}"));
        let li = &page[page[..at].rfind("<li").unwrap()..at];
        assert!(li.contains("data-os=\"windows\"") && li.contains(&format!("data-arch=\"{arch}\"")), "{dir}: {li}");
    }
}

/// Godot's `SHA512-SUMS.txt` was an artifact: a wrong digest in it went unnoticed.
#[test]
fn godot_sha512_sums_txt_is_a_checksum_list() {
    let f = Fixture::new();
    unsigned(&f, "godot");
    let dir = "dist/godot/4.3-stable";
    f.write(&format!("{dir}/godot-4.3-stable.tar.xz"), "sources\n");
    f.write(&format!("{dir}/Godot_v4.3-stable_linux.x86_64.zip"), "linux\n");
    let sum = |b: &[u8]| closer::util::text::hex(&<sha2::Sha512 as sha2::Digest>::digest(b));
    let list = format!(
        "{}  godot-4.3-stable.tar.xz\n{}  Godot_v4.3-stable_linux.x86_64.zip\n",
        sum(b"sources\n"),
        sum(b"not the zip\n")
    );
    f.write(&format!("{dir}/SHA512-SUMS.txt"), &list);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("Godot_v4.3-stable_linux.x86_64.zip") && run.stderr.contains("SHA512-SUMS.txt"),
        "{}",
        run.stderr
    );
    let listed = f.closer(&["releases", "--json"]).stdout;
    assert!(listed.contains("\"role\": \"checksum-list\""), "{listed}");
}

/// musl publishes its OpenPGP key as `musl.pub`: the project was held for a missing KEYS.
#[test]
fn an_openpgp_key_named_pub_is_the_projects_keys() {
    let f = Fixture::new();
    let keys = f.read("dist/alpha/KEYS");
    f.write("dist/musl/musl.pub", &keys);
    f.write("dist/musl/musl-1.2.5.tar.gz", "musl\n");
    f.sign();
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let musl = json.as_array().unwrap().iter().find(|p| p["project"] == "musl").unwrap();
    assert_eq!(musl["keys"], "musl/musl.pub", "{musl:#}");
}

/// PyPy's `pypy3.10-v7.3.17-src.tar.gz` beside `pypy2.7-v7.3.17-src.tar.gz`: the button
/// offered the interpreter for Python 2.7.
#[test]
fn pypy_offers_the_newest_interpreter() {
    let f = Fixture::new();
    unsigned(&f, "pypy");
    for py in ["pypy2.7", "pypy3.10"] {
        for v in ["v7.3.17", "v7.3.16"] {
            for what in ["src.tar.gz", "linux64.tar.bz2"] {
                f.write(&format!("dist/pypy/{py}-{v}-{what}"), &format!("{py} {v} {what}\n"));
            }
        }
    }
    f.closer(&["build"]).ok();
    assert_eq!(latest(&f, "pypy")["offered"], "pypy/pypy3.10-v7.3.17-src.tar.gz");
    // A Linux visitor's build: page.js offers the first that fits, the 3.10 one.
    let page = f.read("site/pypy/index.html");
    let get = &page[page.find("id=\"get-title\"").unwrap()..];
    let at = |name: &str| get.find(name).unwrap_or_else(|| panic!("{name}: {get}"));
    assert!(at("pypy3.10-v7.3.17-linux64.tar.bz2") < at("pypy2.7-v7.3.17-linux64.tar.bz2"), "{get}");
}

/// zlib's `zlib131.zip` beside `zlib-1.3.1.tar.gz` "said no version" and held the project;
/// FreeType's `ft2133.zip` beside `freetype-2.13.3.tar.xz` likewise.
#[test]
fn a_version_written_without_its_dots_joins_its_release() {
    let f = Fixture::new();
    for rel in ["zlib-1.3.1.tar.gz", "zlib131.zip", "fossils/zlib-1.3.tar.gz"] {
        f.write(&format!("dist/zlib/{rel}"), rel);
    }
    f.write("dist/zlib/KEYS", &f.read("dist/alpha/KEYS"));
    f.sign();
    unsigned(&f, "freetype");
    for rel in ["freetype-2.13.3.tar.xz", "ft2133.zip", "ftdoc2133.zip", "freetype-2.13.2.tar.xz", "ft2132.zip"] {
        f.write(&format!("dist/freetype/{rel}"), rel);
    }
    f.closer(&["build"]).ok();
    let names = |p: &str| -> Vec<String> {
        let files = crate::util::release_files(&f, p);
        let artifacts = files.iter().filter(|x| x["role"] == "artifact");
        artifacts.map(|x| x["path"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(names("zlib"), ["zlib/zlib-1.3.1.tar.gz", "zlib/zlib131.zip"]);
    assert_eq!(names("freetype"), ["freetype/freetype-2.13.3.tar.xz", "freetype/ft2133.zip", "freetype/ftdoc2133.zip"]);
    assert_eq!(versions(&f, "zlib"), ["1.3.1", "1.3"]);
}

/// SBCL's release 2.4.11 as its release script makes it: each `.tar` summed, then
/// compressed with bzip2, and the list clearsigned under its release manager's name.
fn sbcl_release(f: &Fixture) {
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("Christophe Rhodes <csr21@cantab.net>", "ed25519", "", None);
    f.write("dist/sbcl/KEYS", &g.export_public(&fpr));
    let dir = f.path("dist/sbcl/2.4.11");
    let work = tempfile::tempdir().unwrap();
    let mut list = "The SHA256 checksums of the following distribution files are:\n\n".to_string();
    for what in ["source", "x86-64-linux-binary"] {
        let tree = work.path().join("sbcl-2.4.11");
        std::fs::create_dir_all(&tree).unwrap();
        std::fs::write(tree.join(what), what).unwrap();
        let tar = format!("sbcl-2.4.11-{what}.tar");
        let sh = |cmd: &str| {
            assert!(Command::new("sh").arg("-c").arg(cmd).current_dir(work.path()).status().unwrap().success(), "{cmd}")
        };
        sh(&format!("tar -cf {tar} sbcl-2.4.11 && sha256sum {tar} >> list && bzip2 {tar}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(work.path().join(format!("{tar}.bz2")), dir.join(format!("{tar}.bz2"))).unwrap();
    }
    list.push_str(&std::fs::read_to_string(work.path().join("list")).unwrap());
    std::fs::write(work.path().join("sbcl-2.4.11-crhodes"), &list).unwrap();
    let out = dir.join("sbcl-2.4.11-crhodes.asc");
    let signed = work.path().join("sbcl-2.4.11-crhodes");
    g.ok(&[
        "--passphrase",
        "",
        "--local-user",
        &fpr,
        "--clearsign",
        "--output",
        out.to_str().unwrap(),
        signed.to_str().unwrap(),
    ]);
}

/// SBCL clearsigns one checksum list per release, named after its release manager
/// (`sbcl-2.4.11-crhodes.asc`), whose lines give the SHA-256 of each `.tar` before it was
/// compressed with bzip2. It was a signature of a missing file, and every tarball unsigned.
/// Now the list signs them, and the page's lines uncompress before they check: run here as
/// a downloader runs them, they pass, and fail for an altered tarball.
#[test]
fn a_clearsigned_list_of_the_tars_inside_signs_the_tarballs() {
    let f = Fixture::new();
    sbcl_release(&f);
    let dir = f.path("dist/sbcl/2.4.11");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = f.read("site/sbcl/2.4.11/index.html");
    let lines = crate::downloaders_check::pre_block_with(&page, "sbcl-2.4.11-crhodes.asc");
    assert!(lines.contains("bzip2 -dkf sbcl-2.4.11-source.tar.bz2"), "{lines}");
    // The publisher's lines after the downloads (the site's own `.sha512` check aside),
    // in a directory holding what they download.
    let downloader = tempfile::tempdir().unwrap();
    for file in ["sbcl-2.4.11-source.tar.bz2", "sbcl-2.4.11-crhodes.asc"] {
        std::fs::copy(dir.join(file), downloader.path().join(file)).unwrap();
    }
    std::fs::copy(f.path("dist/sbcl/KEYS"), downloader.path().join("KEYS")).unwrap();
    let script: String = lines
        .lines()
        .filter(|l| !l.starts_with("curl ") && !l.contains(".sha512"))
        .map(|l| l.trim_end_matches(" &&"))
        .collect::<Vec<_>>()
        .join("\n");
    let home = tempfile::tempdir().unwrap();
    let check = || {
        Command::new("sh")
            .arg("-ec")
            .arg(&script)
            .current_dir(downloader.path())
            .env("GNUPGHOME", home.path())
            .output()
            .unwrap()
    };
    let ok = check();
    assert!(ok.status.success(), "{script}\n{}", String::from_utf8_lossy(&ok.stderr));
    let bad = Command::new("sh")
        .arg("-c")
        .arg("echo altered | bzip2 > sbcl-2.4.11-source.tar.bz2")
        .current_dir(downloader.path())
        .status()
        .unwrap();
    assert!(bad.success());
    assert!(!check().status.success(), "an altered tarball fails the lines");
}

/// A warm build does not uncompress SBCL's tarballs again: their digests are kept in the
/// cache, by the compressed file's SHA-512 (a value changed there is what the next check
/// uses, so it was not read again).
#[test]
fn the_digests_inside_tarballs_are_kept_in_the_cache() {
    let f = Fixture::new();
    sbcl_release(&f);
    f.closer(&["build"]).ok();
    let memo = f.read(".closer-cache/uncompressed");
    let source = crate::util::sha512_hex(&f.read_bytes("dist/sbcl/2.4.11/sbcl-2.4.11-source.tar.bz2"));
    let line = memo.lines().find(|l| l.starts_with(&format!("{source}:sha256 "))).unwrap_or_else(|| panic!("{memo}"));
    assert_eq!(memo.lines().count(), 2, "{memo}");
    f.write(".closer-cache/uncompressed", &memo.replace(line, &format!("{source}:sha256 {}", "0".repeat(64))));
    let run = f.closer(&["check"]);
    assert!(run.code == 1 && run.stderr.contains("sbcl-2.4.11-source.tar.bz2"), "{}", run.stderr);
}

/// Go names its builds `go1.23.4.linux-386.tar.gz`: the `386` after the system was the
/// version, and every version's 32-bit builds a release "386" of a line of their own.
/// MX Linux's `MX-23.4_386.iso` was a pre-release "23.4_386".
#[test]
fn go_386_after_a_system_is_a_machine() {
    let f = Fixture::new();
    unsigned(&f, "go");
    for v in ["1.23.4", "1.22.10"] {
        for what in ["src.tar.gz", "linux-amd64.tar.gz", "linux-386.tar.gz", "windows-386.msi"] {
            f.write(&format!("dist/go/go{v}.{what}"), &format!("{v} {what}\n"));
        }
    }
    unsigned(&f, "mx");
    for name in ["MX-23.4_x64.iso", "MX-23.4_386.iso", "MX-23.4_ahs_x64.iso", "MX-23.3_x64.iso"] {
        f.write(&format!("dist/mx/{name}"), name);
    }
    f.closer(&["build"]).ok();
    assert_eq!(versions(&f, "go"), ["1.23.4", "1.22.10"]);
    assert_eq!(versions(&f, "mx"), ["23.4", "23.3"]);
    let page = f.read("site/go/index.html");
    assert!(page.contains("data-arch=\"x86\"") && page.contains("go1.23.4.linux-386.tar.gz"), "{page}");
}

/// GrapheneOS signs each image with signify's embedded form: `F.zip.sig` carries the line
/// `SHA256 (F.zip) = …`. closer checked it right, but the page's `signify -V … -m F.zip`
/// fails for every genuine image: the line is `signify -C` now, run here as a downloader
/// runs it.
#[test]
fn a_signify_signature_embedding_the_files_checksum_gets_signifys_check() {
    let f = Fixture::new();
    let dir = "dist/grapheneos";
    let zip = "husky-install-2024120400.zip";
    f.write(&format!("{dir}/{zip}"), "an install image\n");
    crate::signify::signify(&f, ".", &["-G", "-n", "-p", "factory.pub", "-s", "factory.sec"]);
    let key = f.read("factory.pub").lines().nth(1).unwrap().to_string();
    crate::minisign::shell(&f, dir, &format!("sha256sum --tag {zip} > line"));
    let sec = f.path("factory.sec");
    let sig = format!("{zip}.sig");
    crate::signify::signify(&f, dir, &["-S", "-e", "-s", sec.to_str().unwrap(), "-m", "line", "-x", &sig]);
    std::fs::remove_file(f.path(&format!("{dir}/line"))).unwrap();
    f.write("content/grapheneos.md", &format!("---\ntitle: GrapheneOS\nsignify: [\"{key}\"]\n---\n"));
    f.closer(&["build"]).ok();
    let page = f.read("site/grapheneos/index.html");
    assert!(page.contains(&format!("signify -C -p grapheneos-signify.pub -x {sig} {zip}")), "{page}");
    // The key written, then the check, as the page gives them (signify-openbsd is
    // Debian's name for signify).
    let lines = crate::downloaders_check::pre_block_with(&page, "signify -C");
    let script: Vec<&str> = lines.lines().filter(|l| !l.starts_with("curl ")).collect();
    let script = script.join("\n").replace("signify -C", "signify-openbsd -C");
    crate::minisign::shell(&f, dir, script.trim_end_matches(" &&"));
}

/// SWI-Prolog keeps `stable/src/swipl-9.2.9.tar.gz` and `stable/bin/swipl-9.2.9-1.x64.exe`
/// (a package revision): two releases, the Windows installer "the latest", and `keep`
/// spent on them. A build's package revision joins its version's release.
#[test]
fn a_builds_package_revision_joins_its_versions_release() {
    let f = Fixture::new();
    unsigned(&f, "swipl");
    for v in ["9.2.9", "9.2.8"] {
        f.write(&format!("dist/swipl/stable/src/swipl-{v}.tar.gz"), v);
        f.write(&format!("dist/swipl/stable/bin/swipl-{v}-1.x64.exe"), v);
        f.write(&format!("dist/swipl/stable/bin/swipl-{v}-1.fat.dmg"), v);
    }
    f.closer(&["build"]).ok();
    assert_eq!(versions(&f, "swipl"), ["9.2.9", "9.2.8"]);
    assert_eq!(latest(&f, "swipl")["offered"], "swipl/stable/src/swipl-9.2.9.tar.gz");
}

/// LineageOS's weekly builds, `lineage-22.0-<day>-nightly-<device>-signed.zip`, were one
/// release 22.0 that never aged out, and its oldest build was offered.
#[test]
fn lineageos_weekly_builds_are_releases_of_their_day() {
    let f = Fixture::new();
    unsigned(&f, "lineageos");
    for day in ["20241119", "20241126", "20241203"] {
        let name = format!("lineage-22.0-{day}-nightly-husky-signed.zip");
        f.write(&format!("dist/lineageos/husky/{name}"), &name);
    }
    f.closer(&["build"]).ok();
    assert_eq!(versions(&f, "lineageos"), ["22.0-20241203", "22.0-20241126", "22.0-20241119"]);
    assert_eq!(latest(&f, "lineageos")["offered"], "lineageos/husky/lineage-22.0-20241203-nightly-husky-signed.zip");
    // keep: 2 retires the oldest week's build from the mirrors.
    let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = json.as_array().unwrap().iter().find(|p| p["project"] == "lineageos").unwrap();
    let releases = p["lines"][0]["releases"].as_array().unwrap();
    let current: Vec<bool> = releases.iter().map(|r| r["current"].as_bool().unwrap()).collect();
    assert_eq!(current, [true, true, false]);
}

/// postmarketOS keeps a few dated builds of each image in its release `v24.06`
/// (`<device>/<ui>/<day>-<time>/`): the oldest was offered.
#[test]
fn postmarketos_offers_the_newest_dated_build() {
    let f = Fixture::new();
    unsigned(&f, "postmarketos");
    for build in ["20241203-0422", "20241119-0420", "20241126-0421"] {
        let dir = format!("dist/postmarketos/v24.06/pine64-pinephone/phosh/{build}");
        let name = format!("{build}-postmarketOS-v24.06-phosh-22.3-pine64-pinephone.img.xz");
        f.write(&format!("{dir}/{name}"), &name);
    }
    f.closer(&["build"]).ok();
    let offered = latest(&f, "postmarketos")["offered"].as_str().unwrap().to_string();
    assert!(offered.ends_with("/20241203-0422/20241203-0422-postmarketOS-v24.06-phosh-22.3-pine64-pinephone.img.xz"));
}

/// Zig's development builds, `builds/zig-0.15.0-dev.1034+bd97b6618.tar.xz`: semver's build
/// metadata after the pre-release cut the version to 0.15.0, a final release offered
/// before 0.14.1.
#[test]
fn a_development_build_with_build_metadata_is_a_pre_release() {
    let f = Fixture::new();
    unsigned(&f, "zig");
    for rel in ["0.14.1/zig-0.14.1.tar.xz", "builds/zig-0.15.0-dev.1034+bd97b6618.tar.xz"] {
        f.write(&format!("dist/zig/{rel}"), rel);
    }
    f.closer(&["build"]).ok();
    assert!(versions(&f, "zig").contains(&"0.15.0-dev.1034+bd97b6618".to_string()), "{:?}", versions(&f, "zig"));
    let latest = latest(&f, "zig");
    assert_eq!(latest["offered"], "zig/0.14.1/zig-0.14.1.tar.xz", "{latest}");
}

/// SourceForge keeps a release's builds in a folder a platform
/// (`Lazarus_Windows_64_bits/Lazarus_3.6/`, `Lazarus_Linux_amd64_DEB/Lazarus_3.6/`,
/// `Lazarus_Zip__GZip/Lazarus_3.6/`): each was a line with its own 3.6, the `.deb`s
/// (`lazarus-project_3.6.0-0`, the bundled `fpc-laz_3.2.2`) lines of their own, and
/// `keep` counted per platform.
#[test]
fn sourceforge_platform_folders_are_one_line() {
    let f = Fixture::new();
    unsigned(&f, "lazarus");
    for rel in [
        "Lazarus_Windows_64_bits/Lazarus_3.6/lazarus-3.6-fpc-3.2.2-win64.exe",
        "Lazarus_Linux_amd64_DEB/Lazarus_3.6/lazarus-project_3.6.0-0_amd64.deb",
        "Lazarus_Linux_amd64_DEB/Lazarus_3.6/fpc-laz_3.2.2-210709_amd64.deb",
        "Lazarus_Zip__GZip/Lazarus_3.6/lazarus-3.6-0.tar.gz",
        "Lazarus_Zip__GZip/Lazarus_3.4/lazarus-3.4-0.tar.gz",
        "Lazarus_Windows_64_bits/Lazarus_3.4/lazarus-3.4-fpc-3.2.2-win64.exe",
    ] {
        f.write(&format!("dist/lazarus/{rel}"), rel);
    }
    f.closer(&["build"]).ok();
    assert_eq!(versions(&f, "lazarus"), ["3.6", "3.4"]);
    let files = crate::util::release_files(&f, "lazarus");
    let newest: Vec<_> = files.iter().filter(|x| x["path"].as_str().unwrap().contains("/Lazarus_3.6/")).collect();
    assert_eq!(newest.len(), 4, "{files:?}");
    assert_eq!(latest(&f, "lazarus")["offered"], "lazarus/Lazarus_Zip__GZip/Lazarus_3.6/lazarus-3.6-0.tar.gz");
}
