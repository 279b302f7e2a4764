//! Publishers' trees from the thirty-second trial: Jenkins's LTS candidates in
//! `war-stable-rc/`, Rust's channel manifests, IPFire's installer ISO beside its disk
//! images, Azul Zulu's JDK beside its JavaFX bundle and JRE, GStreamer's modules, and the
//! labels of BSD images and Bazel's `aarch_64` builds.

use crate::release_words_more::unsigned;
use crate::util::Fixture;

/// (line, version, current, pre-release) of every release of `project`.
pub(crate) fn releases(f: &Fixture, project: &str) -> Vec<(String, String, bool, bool)> {
    let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = json.as_array().unwrap().iter().find(|p| p["project"] == project).unwrap().clone();
    let mut out = Vec::new();
    for l in p["lines"].as_array().unwrap() {
        for r in l["releases"].as_array().unwrap() {
            let line = l["line"].as_str().unwrap_or("").to_string();
            let version = r["version"].as_str().unwrap().to_string();
            out.push((line, version, r["current"].as_bool().unwrap(), r["prerelease"].as_bool().unwrap()));
        }
    }
    out
}

pub(crate) fn offered(f: &Fixture, project: &str) -> String {
    let latest: serde_json::Value = serde_json::from_str(&f.read(&format!("site/{project}/latest.json"))).unwrap();
    latest["offered"].as_str().unwrap_or_default().to_string()
}

/// The opening download box of a project's page: the text of its buttons.
pub(crate) fn box_buttons(f: &Fixture, project: &str) -> Vec<String> {
    let page = f.read(&format!("site/{project}/index.html"));
    let start = page.find("class=\"get").unwrap_or_else(|| panic!("no download box: {page}"));
    let end = page[start..].find("</section>").map_or(page.len(), |e| start + e);
    page[start..end]
        .split("<a class=\"download get\"")
        .skip(1)
        .filter_map(|a| a.split_once(">Download ").map(|(_, b)| b.split('<').next().unwrap_or("").trim().to_string()))
        .collect()
}

/// Jenkins keeps its LTS candidates in `war-stable-rc/<v>/` beside `war-stable/<v>/`: the
/// candidate was the current LTS, "Released", and pushed an LTS off the mirrors; once its
/// final was out the two were one release, a pre-release.
#[test]
fn lts_candidates_in_an_rc_folder_are_pre_releases_superseded_by_their_final() {
    let f = Fixture::new();
    unsigned(&f, "jenkins");
    for rel in ["war/2.490", "war/2.489", "war-stable/2.479.2", "war-stable/2.479.1", "war-stable-rc/2.479.3"] {
        f.write(&format!("dist/jenkins/{rel}/jenkins.war"), rel);
    }
    let lts = |f: &Fixture| -> Vec<(String, bool, bool)> {
        releases(f, "jenkins").into_iter().filter(|r| r.0 == "war-stable").map(|r| (r.1, r.2, r.3)).collect()
    };
    let s = |v: &str, current: bool, pre: bool| (v.to_string(), current, pre);
    assert_eq!(lts(&f), [s("2.479.3", true, true), s("2.479.2", true, false), s("2.479.1", true, false)]);
    // Its final: the candidate is superseded, a release of its own.
    f.write("dist/jenkins/war-stable/2.479.3/jenkins.war", "final");
    assert_eq!(
        lts(&f),
        [
            s("2.479.3", true, false),
            s("2.479.3-rc", false, true),
            s("2.479.2", true, false),
            s("2.479.1", false, false)
        ]
    );
    f.closer(&["build"]).ok();
}

/// Every dated directory of Rust's `dist/` holds `channel-rust-stable.toml` (what rustup
/// reads): a file whose name says no version, it held the project back.
#[test]
fn rusts_channel_manifests_are_notes() {
    let f = Fixture::new();
    unsigned(&f, "rust");
    for name in [
        "rust-1.83.0-x86_64-unknown-linux-gnu.tar.xz",
        "rustc-1.83.0-src.tar.xz",
        "channel-rust-1.83.0.toml",
        "channel-rust-stable.toml",
        "channel-rust-stable.toml.sha256",
    ] {
        f.write(&format!("dist/rust/dist/2024-11-28/{name}"), name);
    }
    f.closer(&["check"]).ok();
    f.closer(&["build"]).ok();
    assert_eq!(offered(&f, "rust"), "rust/dist/2024-11-28/rustc-1.83.0-src.tar.xz");
    let files = crate::util::release_files(&f, "rust");
    assert!(!files.iter().any(|x| x["path"].as_str().unwrap().contains("channel-rust")), "{files:?}");
}

/// IPFire's release: the installer ISO and flash images. The box held the images alone
/// (the ISO says no system) and offered the x86-64 image; DragonFly's and pfSense's
/// compressed images were said to be "for Linux".
#[test]
fn an_installer_iso_is_offered_before_disk_images_and_images_name_no_system() {
    let f = Fixture::new();
    unsigned(&f, "ipfire");
    unsigned(&f, "dragonfly");
    for name in ["x86_64.iso", "x86_64.img.xz", "aarch64.img.xz"] {
        f.write(&format!("dist/ipfire/ipfire-2.x/2.29-core190/ipfire-2.29-core190-{name}"), name);
    }
    f.write("dist/dragonfly/iso-images/dfly-x86_64-6.4.0_REL.iso.bz2", "iso");
    f.closer(&["build"]).ok();
    assert_eq!(offered(&f, "ipfire"), "ipfire/ipfire-2.x/2.29-core190/ipfire-2.29-core190-x86_64.iso");
    let buttons = box_buttons(&f, "ipfire");
    assert_eq!(buttons, ["for x86-64 (iso)", "for ARM64", "for x86-64 (img.xz)"], "{buttons:?}");
    assert_eq!(box_buttons(&f, "dragonfly"), ["for x86-64"]);
}

/// Azul Zulu's flat CDN: the JDK, its JavaFX bundle and the JRE for one machine. The
/// JavaFX bundle was offered first (`fx` sorts before `jdk`) and the three buttons read
/// alike.
#[test]
fn the_plain_jdk_comes_before_its_bundles_and_alike_buttons_say_how_they_differ() {
    let f = Fixture::new();
    unsigned(&f, "zulu");
    for kind in ["jdk", "fx-jdk", "jre"] {
        for machine in ["linux_x64.tar.gz", "macosx_aarch64.dmg"] {
            let name = format!("zulu21.38.21-ca-{kind}21.0.5-{machine}");
            f.write(&format!("dist/zulu/{name}"), &name);
        }
    }
    f.closer(&["build"]).ok();
    assert_eq!(offered(&f, "zulu"), "zulu/zulu21.38.21-ca-jdk21.0.5-linux_x64.tar.gz");
    let buttons = box_buttons(&f, "zulu");
    for b in ["for Linux x86-64 (jdk21)", "for Linux x86-64 (fx-jdk21)", "for Linux x86-64 (jre21)"] {
        assert!(buttons.iter().any(|x| x == b), "{b}: {buttons:?}");
    }
}

/// GStreamer's modules side by side, each a line at 1.24.10: the project offered
/// `gst-plugins-base` (first by name), not `gstreamer`.
#[test]
fn the_line_named_for_the_project_is_offered_first() {
    let f = Fixture::new();
    unsigned(&f, "gstreamer");
    for module in ["gstreamer", "gst-plugins-base", "gst-plugins-good"] {
        for v in ["1.24.10", "1.24.9"] {
            f.write(&format!("dist/gstreamer/src/{module}/{module}-{v}.tar.xz"), &format!("{module} {v}"));
        }
    }
    f.closer(&["build"]).ok();
    assert_eq!(offered(&f, "gstreamer"), "gstreamer/src/gstreamer/gstreamer-1.24.10.tar.xz");
}

/// Envoy's `envoy-1.32.2-linux-aarch_64` (Bazel's spelling) was "for Linux", no machine.
#[test]
fn bazels_aarch_64_is_arm64() {
    let f = Fixture::new();
    unsigned(&f, "envoy");
    for name in ["envoy-1.32.2-linux-x86_64", "envoy-1.32.2-linux-aarch_64"] {
        f.write(&format!("dist/envoy/v1.32.2/{name}"), name);
    }
    f.closer(&["build"]).ok();
    let buttons = box_buttons(&f, "envoy");
    assert!(buttons.iter().any(|b| b == "for Linux ARM64"), "{buttons:?}");
}

/// Varnish keeps its 6.0 LTS flat beside 7.x: `keep: 2` archived 6.0.14, released after
/// the current 7.6.0, with nothing said but the count. It is said, with `keep_by`.
#[test]
fn an_archived_release_newer_than_a_current_one_is_said_to_be_a_maintained_branch() {
    let f = Fixture::new();
    let page = |extra: &str| format!("---\nunsigned: \"checksums only, in this test\"\nkeep: 2\n{extra}---\n");
    f.write("content/varnish.md", &page(""));
    let day = |n: u64| std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000 + n * 86_400);
    for (v, n) in [("7.5.0", 1), ("7.6.0", 2), ("6.0.14", 3), ("7.6.1", 4)] {
        let rel = format!("dist/varnish/varnish-{v}.tgz");
        f.write(&rel, v);
        std::fs::File::options().write(true).open(f.path(&rel)).unwrap().set_modified(day(n)).unwrap();
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("project varnish: archived 6.0.14 though it came out after a current release"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`keep_by: minor` (or `major`) on content/varnish.md"), "{}", run.stderr);
    assert!(!run.stderr.contains("7.5.0 though"), "{}", run.stderr);
    f.write("content/varnish.md", &page("keep_by: minor\n"));
    let run = f.closer(&["check"]);
    assert!(!run.stderr.contains("maintained branch"), "{}", run.stderr);
}

/// Libraries' trees from the thirty-fourth trial: libarchive's Windows build named by its
/// tag (`libarchive-v3.7.7-amd64.zip`, "the same version twice", held back), OpenLDAP's
/// `.sha3-512` beside its `.sha256` (an artifact asked to be signed) and its key file
/// `gpg-pubkey.txt` ("KEYS is missing"), libpng's `older-releases/` (a line of its own
/// mixing 1.6 and 1.5).
#[test]
fn libraries_trees_tags_sha3_key_names_and_older_releases() {
    let f = Fixture::new();
    unsigned(&f, "libarchive");
    unsigned(&f, "libpng");
    for name in ["libarchive-3.7.7.tar.gz", "libarchive-v3.7.7-amd64.zip", "libarchive-3.7.6.tar.gz"] {
        f.write(&format!("dist/libarchive/{name}"), name);
    }
    for rel in
        ["libpng16/1.6.44", "libpng16/older-releases/1.6.43", "libpng15/1.5.30", "libpng15/older-releases/1.5.29"]
    {
        let v = rel.rsplit('/').next().unwrap();
        f.write(&format!("dist/libpng/{rel}/libpng-{v}.tar.xz"), v);
    }
    let g = crate::gpg::Gpg::new();
    let key = g.generate("OpenLDAP Project <project@openldap.org>", "ed25519", "", None);
    f.write("dist/openldap/gpg-pubkey.txt", &g.export_public(&key));
    let rel = "dist/openldap/openldap-release/openldap-2.6.9.tgz";
    f.write(rel, "openldap\n");
    g.sign(&key, &f.path(rel), None, &[]);
    f.write("dist/openldap/openldap-release/openldap-2.6.9.sha3-512", "SHA3-512(openldap-2.6.9.tgz)= 00\n");
    f.closer(&["check"]).ok();
    let versions = |p: &str| -> Vec<(String, String, bool)> {
        releases(&f, p).into_iter().map(|(l, v, c, _)| (l, v, c)).collect()
    };
    let r = |l: &str, v: &str| (l.to_string(), v.to_string(), true);
    assert_eq!(versions("libarchive"), [r("", "3.7.7"), r("", "3.7.6")]);
    assert_eq!(
        versions("libpng"),
        [r("libpng16", "1.6.44"), r("libpng16", "1.6.43"), r("libpng15", "1.5.30"), r("libpng15", "1.5.29")]
    );
    let files = crate::util::release_files(&f, "openldap");
    let sha3 = files.iter().find(|x| x["path"].as_str().unwrap().ends_with(".sha3-512"));
    assert!(sha3.is_none_or(|x| x["role"] != "artifact"), "{files:?}");
}
