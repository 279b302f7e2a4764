//! Trees laid out as publishers version and sort their releases beyond the usual forms:
//! OpenSSL's patch letters (`1.1.1w`) with one-space `.sha256` files, and GIMP's
//! installers in operating systems' folders beside each series' tarballs.

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
    let lines: Vec<(&str, Vec<(&str, usize)>)> = gimp["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let releases = l["releases"].as_array().unwrap();
            let r = releases.iter().map(|r| (r["version"].as_str().unwrap(), r["files"].as_array().unwrap().len()));
            (l["line"].as_str().unwrap_or(""), r.collect())
        })
        .collect();
    assert_eq!(lines, [("v3.0", vec![("3.0.0", 3)]), ("v2.10", vec![("2.10.38", 3), ("2.10.36", 2)])], "{gimp:#}");
}
