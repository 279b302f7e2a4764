//! Server software publishers' trees (the thirty-first trial): MongoDB's sources named by
//! their tag (`mongodb-src-r8.0.4.tar.gz`), rsync's `src-previews/` beside `src/`,
//! Postfix's `official/` folder and `.gpg2` signatures, Dovecot's Pigeonhole named for
//! the Dovecot it is for (`dovecot-2.3-pigeonhole-0.5.21.1.tar.gz`).

use crate::release_words_more::unsigned;
use crate::util::Fixture;

/// Every release's version and whether it is current, newest first.
fn releases(f: &Fixture, project: &str) -> Vec<(String, bool)> {
    let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = json.as_array().unwrap().iter().find(|p| p["project"] == project).unwrap().clone();
    let all = p["lines"].as_array().unwrap().iter().flat_map(|l| l["releases"].as_array().unwrap().clone());
    all.map(|r| (r["version"].as_str().unwrap().to_string(), r["current"].as_bool().unwrap())).collect()
}

/// `mongodb-src-r8.0.4.tar.gz` (the tag `r8.0.4`) was a release of its own, archived at
/// once: the sources never reached the page, and a macOS build was offered instead.
#[test]
fn sources_named_by_their_tag_join_the_version() {
    let f = Fixture::new();
    unsigned(&f, "mongodb");
    for v in ["8.0.4", "7.0.16"] {
        f.write(&format!("dist/mongodb/linux/mongodb-linux-x86_64-ubuntu2204-{v}.tgz"), v);
        f.write(&format!("dist/mongodb/osx/mongodb-macos-arm64-{v}.tgz"), v);
        f.write(&format!("dist/mongodb/src/mongodb-src-r{v}.tar.gz"), v);
    }
    f.closer(&["build"]).ok();
    assert_eq!(releases(&f, "mongodb"), [("8.0.4".to_string(), true), ("7.0.16".to_string(), true)]);
    let latest: serde_json::Value = serde_json::from_str(&f.read("site/mongodb/latest.json")).unwrap();
    assert_eq!(latest["offered"], "mongodb/src/mongodb-src-r8.0.4.tar.gz", "{latest}");
}

/// rsync's previews in `src-previews/` beside `src/`: `3.4.0pre1` stayed current after
/// `3.4.0` was out, a line of its own.
#[test]
fn previews_kept_beside_the_sources_are_superseded_by_their_final() {
    let f = Fixture::new();
    unsigned(&f, "rsync");
    for rel in ["src/rsync-3.4.0.tar.gz", "src/rsync-3.3.0.tar.gz", "src-previews/rsync-3.4.0pre1.tar.gz"] {
        f.write(&format!("dist/rsync/{rel}"), rel);
    }
    f.closer(&["build"]).ok();
    let all = releases(&f, "rsync");
    assert!(all.contains(&("3.4.0pre1".to_string(), false)), "{all:?}");
    assert!(all.contains(&("3.4.0".to_string(), true)), "{all:?}");
    // A current preview is said to be one.
    f.write("dist/rsync/src-previews/rsync-3.5.0pre1.tar.gz", "3.5.0pre1");
    let why = f.closer(&["releases", "--explain", "rsync/src-previews/rsync-3.5.0pre1.tar.gz"]).ok().stdout.clone();
    assert!(why.contains("(current, a pre-release:"), "{why}");
}

/// Postfix signs with GnuPG 2 as `postfix-3.9.1.tar.gz.gpg2`, in `official/`: the tarball
/// and the signature each "had no signature", and `official` was a line.
#[test]
fn a_gpg2_signature_signs_its_file() {
    let f = Fixture::new();
    f.write("dist/postfix/KEYS", &f.read("dist/alpha/KEYS"));
    f.write("dist/postfix/official/postfix-3.9.1.tar.gz", "postfix 3.9.1\n");
    f.sign();
    std::fs::rename(
        f.path("dist/postfix/official/postfix-3.9.1.tar.gz.asc"),
        f.path("dist/postfix/official/postfix-3.9.1.tar.gz.gpg2"),
    )
    .unwrap();
    f.closer(&["build"]).ok();
    let files = crate::util::release_files(&f, "postfix");
    let tarball = files.iter().find(|x| x["path"] == "postfix/official/postfix-3.9.1.tar.gz").expect("the tarball");
    assert_eq!(tarball["signature"]["outcome"], "good", "{tarball}");
    let page = f.read("site/postfix/3.9.1/index.html");
    assert!(page.contains("gpg --verify postfix-3.9.1.tar.gz.gpg2 postfix-3.9.1.tar.gz"), "{page}");
}

/// Pigeonhole for Dovecot 2.3 (`dovecot-2.3-pigeonhole-0.5.21.1.tar.gz`): every 0.5.x
/// was one release "2.3", which `keep` never retired. In the folder of the Dovecot series
/// it is for (`releases/2.3/`), it is no stray of another series.
#[test]
fn a_plugin_named_for_the_version_it_is_for_has_its_own_version() {
    let f = Fixture::new();
    unsigned(&f, "pigeonhole");
    for v in ["0.5.21.1", "0.5.21", "0.5.20"] {
        f.write(&format!("dist/pigeonhole/releases/2.3/dovecot-2.3-pigeonhole-{v}.tar.gz"), v);
    }
    f.write("dist/pigeonhole/releases/2.4/dovecot-pigeonhole-2.4.0.tar.gz", "2.4.0");
    f.closer(&["build"]).ok();
    let all: Vec<String> = releases(&f, "pigeonhole").into_iter().map(|(v, _)| v).collect();
    assert_eq!(all, ["2.4.0", "0.5.21.1", "0.5.21", "0.5.20"]);
}

/// ISC numbers BIND's and Kea's development series with an odd minor (9.21 beside the
/// stable 9.20 and the extended-support 9.18): 9.21.3 was the download, and `keep: 2`
/// retired 9.18. `development: odd-minor` on the project's page makes them pre-releases.
#[test]
fn odd_minor_releases_are_development_ones_when_the_page_says_so() {
    let f = Fixture::new();
    for v in ["9.21.3", "9.21.2", "9.20.4", "9.18.32"] {
        f.write(&format!("dist/bind9/{v}/bind-{v}.tar.xz"), v);
    }
    let page = |extra: &str| format!("---\nunsigned: \"checksums only, in this test\"\nkeep: 2\n{extra}---\n");
    f.write("content/bind9.md", &page(""));
    f.closer(&["build"]).ok();
    let current =
        |f: &Fixture| -> Vec<String> { releases(f, "bind9").into_iter().filter(|(_, c)| *c).map(|(v, _)| v).collect() };
    // Without the key: the development releases are the two kept, the download among them.
    assert_eq!(current(&f), ["9.21.3", "9.21.2"]);
    f.write("content/bind9.md", &page("development: odd-minor\n"));
    f.closer(&["build"]).ok();
    assert_eq!(current(&f), ["9.21.3", "9.20.4", "9.18.32"]);
    let latest: serde_json::Value = serde_json::from_str(&f.read("site/bind9/latest.json")).unwrap();
    assert_eq!(latest["offered"], "bind9/9.20.4/bind-9.20.4.tar.xz", "{latest}");
    let why = f.closer(&["releases", "--explain", "bind9/9.21.3/bind-9.21.3.tar.xz"]).ok().stdout.clone();
    assert!(why.contains("a development release (an odd minor version"), "{why}");
    // A value it does not know is refused, naming the file and what it may be.
    f.write("content/bind9.md", &page("development: odd\n"));
    let out = f.closer(&["check"]);
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(out.stderr.contains("content/bind9.md") && out.stderr.contains("odd-minor"), "{}", out.stderr);
}

/// Copies renewed in place under a name that says what, not which version: Lua's
/// `lua-all.tar.gz` (every version in one) and R's `base-prerelease/R-devel.tar.gz` each
/// held the project back as a file whose name says no version. Gradle's
/// `gradle-8.11-all.zip` stays a release's artifact.
#[test]
fn copies_named_for_a_branch_or_for_all_are_carried_beside_the_releases() {
    let f = Fixture::new();
    for p in ["lua", "r", "gradle"] {
        unsigned(&f, p);
    }
    for rel in ["lua/ftp/lua-5.4.7.tar.gz", "lua/ftp/lua-5.4.6.tar.gz", "lua/ftp/lua-all.tar.gz"] {
        f.write(&format!("dist/{rel}"), rel);
    }
    for rel in ["base/R-4/R-4.4.2.tar.gz", "base-prerelease/R-devel.tar.gz", "base-prerelease/R-patched.tar.gz"] {
        f.write(&format!("dist/r/src/{rel}"), rel);
    }
    f.write("dist/gradle/gradle-8.11-all.zip", "all");
    f.write("dist/gradle/gradle-8.11-bin.zip", "bin");
    f.closer(&["check"]).ok();
    f.closer(&["build"]).ok();
    let latest =
        |p: &str| -> serde_json::Value { serde_json::from_str(&f.read(&format!("site/{p}/latest.json"))).unwrap() };
    assert_eq!(latest("lua")["offered"], "lua/ftp/lua-5.4.7.tar.gz");
    assert_eq!(latest("r")["offered"], "r/src/base/R-4/R-4.4.2.tar.gz");
    assert!(f.read("dist/fullfiletimelist-dist").contains("r/src/base-prerelease/R-devel.tar.gz"));
    let files = crate::util::release_files(&f, "gradle");
    assert!(files.iter().any(|x| x["path"] == "gradle/gradle-8.11-all.zip"), "{files:?}");
}

/// GLib's series folders: `2.83/` holds development releases alone. They are pre-releases
/// by its page's `development: odd-minor`, and once `2.84/` has its first stable release
/// the line `2.83` is over, though no final of its own supersedes it.
#[test]
fn a_development_series_is_over_once_its_stable_series_is_out() {
    let f = Fixture::new();
    f.write("content/glib.md", "---\nunsigned: \"checksums only, in this test\"\ndevelopment: odd-minor\n---\n");
    for v in ["2.83.2", "2.83.1", "2.82.4"] {
        f.write(&format!("dist/glib/{}/glib-{v}.tar.xz", &v[..4]), v);
    }
    let current =
        |f: &Fixture| -> Vec<String> { releases(f, "glib").into_iter().filter(|(_, c)| *c).map(|(v, _)| v).collect() };
    assert_eq!(current(&f), ["2.83.2", "2.82.4"]);
    f.closer(&["build"]).ok();
    let latest: serde_json::Value = serde_json::from_str(&f.read("site/glib/latest.json")).unwrap();
    assert_eq!(latest["offered"], "glib/2.82/glib-2.82.4.tar.xz", "{latest}");
    f.write("dist/glib/2.84/glib-2.84.0.tar.xz", "2.84.0");
    assert_eq!(current(&f), ["2.84.0", "2.82.4"]);
}

/// fontconfig numbers its pre-releases with a third number of 90 and more (2.15.91 before
/// 2.16.0): `development: patch-90` makes them pre-releases; the stable one is offered.
#[test]
fn a_third_number_of_ninety_is_a_development_release_when_the_page_says_so() {
    let f = Fixture::new();
    f.write("content/fontconfig.md", "---\nunsigned: \"checksums only, in this test\"\ndevelopment: patch-90\n---\n");
    for v in ["2.15.91", "2.15.0", "2.14.2"] {
        f.write(&format!("dist/fontconfig/release/fontconfig-{v}.tar.xz"), v);
    }
    f.closer(&["build"]).ok();
    let latest: serde_json::Value = serde_json::from_str(&f.read("site/fontconfig/latest.json")).unwrap();
    assert_eq!(latest["offered"], "fontconfig/release/fontconfig-2.15.0.tar.xz", "{latest}");
    let why = f.closer(&["releases", "--explain", "fontconfig/release/fontconfig-2.15.91.tar.xz"]).ok().stdout.clone();
    assert!(why.contains("a third number of 90 or more"), "{why}");
}
