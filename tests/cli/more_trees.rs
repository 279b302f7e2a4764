//! More publishers' trees, read as their publishers mean them: X.Org's libraries
//! numbered alike, Jenkins's lone `jenkins.war`, CRAN's and CPAN's package archives, and
//! Wine's release candidates in the directory of the version to come.

use crate::publisher_trees::{current_releases, lines_of};
use crate::util::Fixture;
use serde_json::Value;

/// X.Org's `individual/lib/`: a hundred libraries side by side, numbered alike by
/// coincidence. Two that share their versions but whose files of those versions were made
/// years apart (libXdamage and libXxf86dga, 1.1.0 to 1.1.6) are lines of their own, with
/// no problem said; made together (Rust's `rust-` and `cargo-`), one line.
#[test]
fn products_numbered_alike_years_apart_are_lines_of_their_own() {
    let f = Fixture::new();
    checksums_only(&f, "xorg");
    let versions = ["1.1.4", "1.1.5", "1.1.6"];
    for (i, v) in versions.iter().enumerate() {
        for (lib, years) in [("libXdamage", 0), ("libXxf86dga", 2)] {
            let rel = format!("dist/xorg/lib/{lib}-{v}.tar.xz");
            f.write(&rel, &format!("{lib} {v}\n"));
            let age = std::time::Duration::from_secs(((3 - i as u64) * 200 + years * 365) * 86_400);
            let t = std::time::SystemTime::now() - age;
            std::fs::File::options().write(true).open(f.path(&rel)).unwrap().set_modified(t).unwrap();
        }
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = doc.as_array().unwrap().iter().find(|p| p["project"] == "xorg").unwrap();
    let names: Vec<&str> = lines_of(p).into_iter().map(|(l, _)| l).collect();
    assert_eq!(names, ["libxdamage", "libxxf86dga"], "{p:#}");
    // The same names made the same days: released together, one line.
    for v in versions {
        let t = std::time::SystemTime::now();
        for lib in ["libXdamage", "libXxf86dga"] {
            let path = f.path(&format!("dist/xorg/lib/{lib}-{v}.tar.xz"));
            std::fs::File::options().write(true).open(path).unwrap().set_modified(t).unwrap();
        }
    }
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = doc.as_array().unwrap().iter().find(|p| p["project"] == "xorg").unwrap();
    assert_eq!(lines_of(p).len(), 1, "{p:#}");
}

/// Jenkins's `war/2.504/jenkins.war` and `war-stable/2.492.3/jenkins.war`: a release of
/// one file that is neither sources nor a platform's build. The page offers it by name,
/// not as "source code".
#[test]
fn a_file_that_is_no_source_archive_is_offered_by_its_name() {
    let f = Fixture::new();
    checksums_only(&f, "jenkins");
    for (line, v) in [("war", "2.504"), ("war-stable", "2.492.3")] {
        f.write(&format!("dist/jenkins/{line}/{v}/jenkins.war"), &format!("jenkins {v}\n"));
    }
    f.closer(&["build"]).ok();
    let page = f.read("site/jenkins/index.html");
    assert!(page.contains(">Download jenkins.war</a>"), "{page}");
    assert!(!page.contains("Download source code"), "{page}");
    assert!(f.read("site/alpha/index.html").contains("Download source code"), "a tarball is still the sources");
}

/// CRAN's `src/contrib/`: each package's current source beside the others
/// (`data.table_1.16.4.tar.gz`), its older ones in `Archive/<package>/`. A package whose
/// name has a dot is one line, named as its directory spells it (it was two:
/// `data-table` and `data.table`, each keeping its own newest).
#[test]
fn a_package_named_with_a_dot_is_one_line_with_its_archive() {
    let f = Fixture::new();
    checksums_only(&f, "cran");
    for rel in [
        "contrib/data.table_1.16.4.tar.gz",
        "contrib/Archive/data.table/data.table_1.12.8.tar.gz",
        "contrib/Archive/data.table/data.table_1.10.4-2.tar.gz",
        "contrib/ggplot2_3.5.2.tar.gz",
        "contrib/Archive/ggplot2/ggplot2_3.4.4.tar.gz",
    ] {
        f.write(&format!("dist/cran/{rel}"), &format!("{rel}\n"));
    }
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = doc.as_array().unwrap().iter().find(|p| p["project"] == "cran").unwrap();
    let lines = lines_of(p);
    let names: Vec<&str> = lines.iter().map(|(l, _)| *l).collect();
    assert_eq!(names.len(), 2, "{p:#}");
    let table = lines.iter().find(|(l, _)| *l == "data.table").unwrap_or_else(|| panic!("{p:#}"));
    assert_eq!(table.1.len(), 3, "{p:#}");
}

/// CPAN's `authors/id/E/ET/ETHER/`: an author's distributions side by side, each with its
/// `.meta` and `.readme`, a developer release (`2.2207_01`: a trial PAUSE does not
/// index), and PAUSE's `CHECKSUMS` (a Perl hash of every file's digests), checked.
#[test]
fn a_cpan_author_directory_with_its_checksums_and_a_developer_release() {
    let f = Fixture::new();
    checksums_only(&f, "cpan");
    let dir = "dist/cpan/authors/id/E/ET/ETHER";
    let mut hash = String::from("# CHECKSUMS file written by CPAN::Checksums (v2.14)\n$cksum = {\n");
    for v in ["2.2206", "2.2207", "2.2207_01"] {
        for ext in ["tar.gz", "meta", "readme"] {
            let name = format!("Moose-{v}.{ext}");
            f.write(&format!("{dir}/{name}"), &format!("{name}\n"));
            let sha = sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(format!("{name}\n")));
            let hex: String = sha.iter().map(|b| format!("{b:02x}")).collect();
            hash.push_str(&format!("  '{name}' => {{\n    'sha256' => '{hex}',\n    'size' => 1\n  }},\n"));
        }
    }
    f.write(&format!("{dir}/CHECKSUMS"), &format!("{hash}}};\n__END__\n"));
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = doc.as_array().unwrap().iter().find(|p| p["project"] == "cpan").unwrap();
    // Each version one release with its metadata; the developer release a pre-release.
    assert_eq!(lines_of(p), [("ETHER", vec![("2.2207_01", 3), ("2.2207", 3), ("2.2206", 3)])], "{p:#}");
    f.closer(&["build"]).ok();
    let latest = latest_json(&f, "cpan");
    let offered = (&latest["release"]["version"], &latest["release"]["prerelease"]);
    assert_eq!(offered, (&Value::from("ETHER/2.2207"), &Value::from(false)), "the trial is not offered: {latest:#}");
    // A file that is not what CHECKSUMS says: caught, at its line.
    f.write(&format!("{dir}/Moose-2.2207.tar.gz"), "changed\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("CHECKSUMS:") && run.stderr.contains("(read in CPAN::Checksums format)"),
        "{}",
        run.stderr
    );
}

/// Wine's `source/10.0/` in December 2024: `wine-10.0-rc1.tar.xz` and `-rc2` in the
/// directory of the version to come. Each is a pre-release of its own (they were release
/// 10.0, offered as "the newest stable release"), the newest one current beside the
/// newest final, and the final, once there, is its own release.
#[test]
fn release_candidates_in_the_version_directory_to_come_are_pre_releases() {
    let f = Fixture::new();
    f.write("content/wine.md", "---\nunsigned: \"checksums only, in this test\"\nkeep: 1\n---\n");
    for rel in ["9.0/wine-9.0.tar.xz", "10.0/wine-10.0-rc1.tar.xz", "10.0/wine-10.0-rc2.tar.xz"] {
        f.write(&format!("dist/wine/{rel}"), &format!("{rel}\n"));
    }
    f.closer(&["build"]).ok();
    let latest = latest_json(&f, "wine");
    assert_eq!(latest["release"]["version"], "9.0", "the stable release is offered: {latest:#}");
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = doc.as_array().unwrap().iter().find(|p| p["project"] == "wine").unwrap();
    let current: Vec<&str> = p["lines"][0]["releases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["current"] == true)
        .map(|r| r["version"].as_str().unwrap())
        .collect();
    assert_eq!(current, ["10.0-rc2", "9.0"], "{p:#}");
    f.write("dist/wine/10.0/wine-10.0.tar.xz", "final\n");
    f.closer(&["build"]).ok();
    let latest = latest_json(&f, "wine");
    assert_eq!(latest["offered"], "wine/10.0/wine-10.0.tar.xz", "{latest:#}");
}

/// nginx's `download/`: mainline 1.27 and stable 1.26 side by side in one directory.
/// `keep: 1` kept only the newest mainline, and the stable branch left the mirrors;
/// `keep_by: minor` keeps the newest of each branch.
#[test]
fn maintained_branches_side_by_side_each_keep_their_newest() {
    let f = Fixture::new();
    for v in ["1.27.3", "1.27.2", "1.26.2", "1.26.1"] {
        f.write(&format!("dist/nginx/nginx-{v}.tar.gz"), &format!("nginx {v}\n"));
    }
    let current = |f: &Fixture| -> Vec<String> {
        let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
        let p = doc.as_array().unwrap().iter().find(|p| p["project"] == "nginx").unwrap().clone();
        let releases = p["lines"][0]["releases"].as_array().unwrap().clone();
        releases.iter().filter(|r| r["current"] == true).map(|r| r["version"].as_str().unwrap().to_string()).collect()
    };
    f.write("content/nginx.md", "---\nunsigned: \"checksums only, in this test\"\nkeep: 1\n---\n");
    assert_eq!(current(&f), ["1.27.3"]);
    f.write("content/nginx.md", "---\nunsigned: \"checksums only, in this test\"\nkeep: 1\nkeep_by: minor\n---\n");
    assert_eq!(current(&f), ["1.27.3", "1.26.2"]);
    f.closer(&["build"]).ok();
    assert!(f.path("site/nginx/1.26.2/index.html").exists());
    // (An archived release keeps a page at its address, saying so.)
    assert!(f.read("site/nginx/1.26.1/index.html").contains("This release is archived"));
}

/// GNOME's series directories (`glib/2.82/glib-2.82.2.tar.xz`): a release's title says
/// its version, not its series and then its version (`glib 2.82 2.82.2`).
#[test]
fn a_release_of_a_series_is_titled_by_its_version_alone() {
    let f = Fixture::new();
    f.write("content/glib.md", "---\ntitle: GLib\nunsigned: \"checksums only, in this test\"\n---\n");
    for v in ["2.82.1", "2.82.2"] {
        f.write(&format!("dist/glib/2.82/glib-{v}.tar.xz"), &format!("glib {v}\n"));
    }
    f.closer(&["build"]).ok();
    let page = f.read("site/glib/2.82/2.82.2/index.html");
    assert!(page.contains("GLib 2.82.2") && !page.contains("GLib 2.82 2.82.2"), "{page}");
    // A line that is no series keeps its name: tomcat-9 v9.0.83.
    let alpha = f.read("site/alpha/index.html");
    assert!(alpha.contains("Alpha 1.10"), "{alpha}");
}

/// KDE's `unstable/plasma/6.2.90/` (a beta by KDE's `.90` numbering) and LibreOffice's
/// `testing/`: the folder says pre-release where the version does not. 6.2.90 was the
/// newest stable release, offered first, and pushed 6.2.4 to the archive.
#[test]
fn a_release_in_an_unstable_folder_is_a_prerelease() {
    let f = Fixture::new();
    f.write("content/kde.md", "---\nunsigned: \"checksums only, in this test\"\nkeep: 2\n---\n");
    for (dir, v) in [("stable", "6.2.4"), ("stable", "6.2.5"), ("unstable", "6.2.90")] {
        f.write(&format!("dist/kde/{dir}/plasma/{v}/kwin-{v}.tar.xz"), &format!("kwin {v}\n"));
    }
    f.closer(&["build"]).ok();
    let doc: Value = serde_json::from_str(&f.read("site/kde/releases.json")).unwrap();
    let current: Vec<(&str, bool)> = current_releases(&doc).into_iter().map(|(v, pre, _)| (v, pre)).collect();
    assert_eq!(current, [("plasma/6.2.90", true), ("plasma/6.2.5", false), ("plasma/6.2.4", false)], "{doc:#}");
    assert_eq!(doc["latest"], "plasma/6.2.5", "{doc:#}");
    let latest = latest_json(&f, "kde");
    assert_eq!(latest["release"]["prerelease"], false, "{latest:#}");
    // For scripts: the SHA-256 beside the SHA-512 and its file on the site, the date, and
    // the same pre-release word in `closer releases --json`.
    let file = &latest["release"]["files"][0];
    let sha256 = file["sha256"].as_str().unwrap();
    assert_eq!(sha256.len(), 64, "{file:#}");
    let url = file["sha256_url"].as_str().unwrap();
    let on_site = url.split_once("/kde/").map(|(_, p)| format!("site/kde/{p}")).unwrap();
    assert!(f.read(&on_site).starts_with(sha256), "{url}");
    let date = latest["release"]["date"].as_str().unwrap();
    assert!(date.len() == 10 && date.as_bytes()[4] == b'-', "{date}");
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let kde = doc.as_array().unwrap().iter().find(|p| p["project"] == "kde").unwrap();
    let pre: Vec<(&str, bool)> = kde["lines"][0]["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["version"].as_str().unwrap(), r["prerelease"].as_bool().unwrap()))
        .collect();
    assert_eq!(pre, [("6.2.90", true), ("6.2.5", false), ("6.2.4", false)], "{kde:#}");
}

/// Alpine's images in `releases/x86_64/` and `releases/aarch64/`: `primary:` written as
/// a file name (as the docs show it) named no file, its glob held to the path within the
/// release; one with folders let `*` cross them.
#[test]
fn a_primary_file_name_matches_the_file_in_any_folder_of_its_release() {
    let f = Fixture::new();
    let page =
        |primary: &str| format!("---\nunsigned: \"checksums only, in this test\"\nprimary: \"{primary}\"\n---\n");
    for arch in ["aarch64", "x86_64"] {
        for kind in ["extended", "standard"] {
            let name = format!("alpine-{kind}-3.21.2-{arch}.iso");
            f.write(&format!("dist/alpine/v3.21/releases/{arch}/{name}"), &format!("{name}\n"));
        }
    }
    let offered = |f: &Fixture| latest_json(f, "alpine")["offered"].as_str().unwrap().to_string();
    f.write("content/alpine.md", &page("alpine-standard-*-x86_64.iso"));
    f.closer(&["build"]).ok();
    assert!(offered(&f).ends_with("releases/x86_64/alpine-standard-3.21.2-x86_64.iso"), "{}", offered(&f));
    // With a folder, `*` stays within one and `**` crosses them.
    f.write("content/alpine.md", &page("*/alpine-standard-*.iso"));
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("names no file"), "{}", run.stderr);
    f.write("content/alpine.md", &page("**/x86_64/alpine-standard-*.iso"));
    f.closer(&["build"]).ok();
    assert!(offered(&f).ends_with("releases/x86_64/alpine-standard-3.21.2-x86_64.iso"), "{}", offered(&f));
}

/// Eclipse Temurin's releases, one folder a tag (`jdk-21.0.5+11/`), its files naming
/// the build with `_` (`21.0.5_11`), each with the build system's `X.json` beside it, and
/// an early-access build named by date under a tag of its own. `21.0.5_11` was a CPAN
/// developer release (a pre-release), each tag folder a line, every `X.json` a download
/// demanding a signature, and the debug image the build offered to Linux visitors.
#[test]
fn temurins_tag_folders_are_releases_and_its_early_access_a_prerelease() {
    let f = Fixture::new();
    checksums_only(&f, "temurin");
    for (tag, v) in
        [("jdk-21.0.4+7", "21.0.4_7"), ("jdk-21.0.5+11", "21.0.5_11"), ("jdk-21.0.6+5-ea-beta", "2024-12-10-11-02")]
    {
        for kind in ["debugimage", "jdk", "jre"] {
            let name = format!("OpenJDK21U-{kind}_x64_linux_hotspot_{v}.tar.gz");
            f.write(&format!("dist/temurin/{tag}/{name}"), &format!("{kind} {v}\n"));
            f.write(&format!("dist/temurin/{tag}/{name}.json"), &format!("{{\"version\": \"{v}\"}}\n"));
        }
    }
    f.closer(&["build"]).ok();
    let doc: Value = serde_json::from_str(&f.read("site/temurin/releases.json")).unwrap();
    let current = current_releases(&doc);
    assert_eq!(
        current,
        [("jdk-21.0.6+5-ea-beta/2024-12-10-11-02", true, 3), ("21.0.5+11", false, 3), ("21.0.4+7", false, 3)],
        "{doc:#}"
    );
    assert_eq!(doc["latest"], "21.0.5+11", "{doc:#}");
    // The page offers Linux visitors the JDK or the JRE, never the debug image.
    let page = f.read("site/temurin/index.html");
    let get = page.split("id=\"closer-get\"").nth(1).unwrap().split("</ul>").next().unwrap();
    assert!(get.contains("OpenJDK21U-jdk_x64_linux") && !get.contains("debugimage"), "{get}");
}

/// Alpine's `v3.20/releases/x86_64/`: an image of 3.21.3 uploaded there by mistake
/// headed the 3.20 line as its newest release, without a word.
#[test]
fn a_release_uploaded_into_another_series_folder_is_named() {
    let f = Fixture::new();
    checksums_only(&f, "alpine");
    for (series, v) in [("v3.20", "3.20.3"), ("v3.20", "3.20.4"), ("v3.21", "3.21.2"), ("v3.20", "3.21.3")] {
        let name = format!("alpine-standard-{v}-x86_64.iso");
        f.write(&format!("dist/alpine/{series}/releases/x86_64/{name}"), &format!("{name}\n"));
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("v3.20/releases/x86_64/alpine-standard-3.21.3-x86_64.iso: is of version 3.21.3, in `v3.20/`"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("the folder of the").count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("move release 3.21.3's files into `v3.21/`"), "its own series' folder: {}", run.stderr);
    // Moved where it belongs, the tree checks.
    let from = f.path("dist/alpine/v3.20/releases/x86_64/alpine-standard-3.21.3-x86_64.iso");
    std::fs::rename(from, f.path("dist/alpine/v3.21/releases/x86_64/alpine-standard-3.21.3-x86_64.iso")).unwrap();
    f.closer(&["check"]).ok();
}

/// HAProxy's `3.1/src/` with the series' development snapshots in `3.1/src/devel/`: the
/// snapshot `3.1-dev13` made `3.1/` one release of 3.1.0, 3.1.1 and it, archived under
/// `3.2` (a snapshot of the next series), and the page offered 3.0.7 as the newest.
#[test]
fn development_snapshots_beside_a_series_are_its_prereleases() {
    let f = Fixture::new();
    checksums_only(&f, "haproxy");
    for (series, v) in [("3.0", "3.0.6"), ("3.0", "3.0.7"), ("3.1", "3.1.0"), ("3.1", "3.1.1")] {
        f.write(&format!("dist/haproxy/{series}/src/haproxy-{v}.tar.gz"), &format!("{v}\n"));
    }
    for (series, v) in [("3.1", "3.1-dev13"), ("3.2", "3.2-dev1")] {
        f.write(&format!("dist/haproxy/{series}/src/devel/haproxy-{v}.tar.gz"), &format!("{v}\n"));
    }
    f.closer(&["build"]).ok();
    let doc: Value = serde_json::from_str(&f.read("site/haproxy/releases.json")).unwrap();
    assert_eq!(doc["latest"], "3.1/3.1.1", "{doc:#}");
    let current: Vec<(&str, bool)> = current_releases(&doc).into_iter().map(|(v, pre, _)| (v, pre)).collect();
    assert!(current.contains(&("3.1/3.1.1", false)) && current.contains(&("3.1/3.1.0", false)), "{current:?}");
    assert!(current.iter().all(|(v, pre)| *pre == v.contains("3.2")), "{current:?}");
}

/// Boost's `boost_1_86_0.tar.bz2.json` beside each archive gives its SHA-256: a page
/// linked it, and a wrong one passed unchecked.
#[test]
fn a_digest_in_a_files_metadata_is_checked() {
    let f = Fixture::new();
    checksums_only(&f, "boost");
    let rel = "dist/boost/release/1.86.0/source/boost_1_86_0.tar.bz2";
    f.write(rel, "boost sources\n");
    let sha256 =
        crate::forms::tool(&f.path("dist/boost/release/1.86.0/source"), "sha256sum", &["boost_1_86_0.tar.bz2"]);
    let sha256 = sha256.split(' ').next().unwrap();
    let json = |digest: &str| format!("{{\"file\": \"boost_1_86_0.tar.bz2\", \"sha256\": \"{digest}\"}}\n");
    f.write(&format!("{rel}.json"), &json(sha256));
    f.closer(&["check"]).ok();
    f.write(&format!("{rel}.json"), &json(&"0".repeat(64)));
    crate::bad_input::uploaded_long_ago(&f, &[rel, &format!("{rel}.json")]);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("boost_1_86_0.tar.bz2.json gives SHA256 {}", "0".repeat(64))),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&format!("has {sha256}")), "{}", run.stderr);
}

/// Elasticsearch's builds with no source archive: an `aarch64.rpm` (first by name) was
/// the file offered without JavaScript and in `latest.json`; the plain Linux x86-64
/// archive is.
#[test]
fn a_release_of_builds_alone_offers_the_broadest() {
    let f = Fixture::new();
    checksums_only(&f, "es");
    for b in ["aarch64.rpm", "amd64.deb", "darwin-x86_64.tar.gz", "linux-aarch64.tar.gz", "linux-x86_64.tar.gz"] {
        f.write(&format!("dist/es/8.16.1/elasticsearch-8.16.1-{b}"), &format!("{b}\n"));
    }
    f.closer(&["build"]).ok();
    let latest = latest_json(&f, "es");
    assert_eq!(latest["offered"], "es/8.16.1/elasticsearch-8.16.1-linux-x86_64.tar.gz", "{latest:#}");
}

/// SQLite's year folders (`2024/sqlite-autoconf-3470200.tar.gz`) are no series a file can
/// be uploaded outside of; Nextcloud's `latest.tar.bz2` and `latest-30.tar.bz2` (copies
/// of the newest, under names that say no version) were problems that held the project.
#[test]
fn year_folders_and_latest_copies_are_no_problem() {
    let f = Fixture::new();
    checksums_only(&f, "sqlite");
    checksums_only(&f, "nextcloud");
    for (year, v) in [("2023", "3440200"), ("2024", "3470100"), ("2024", "3470200")] {
        f.write(&format!("dist/sqlite/{year}/sqlite-autoconf-{v}.tar.gz"), &format!("{v}\n"));
        f.write(&format!("dist/sqlite/{year}/sqlite-amalgamation-{v}.zip"), &format!("{v}\n"));
    }
    for v in ["29.0.10", "30.0.4"] {
        f.write(&format!("dist/nextcloud/nextcloud-{v}.tar.bz2"), &format!("{v}\n"));
    }
    f.write("dist/nextcloud/latest.tar.bz2", "30.0.4\n");
    f.write("dist/nextcloud/latest-30.tar.bz2", "30.0.4\n");
    f.write("dist/nextcloud/latest-30.tar.bz2.sha256", "0000  latest-30.tar.bz2\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = doc.as_array().unwrap().iter().find(|p| p["project"] == "nextcloud").unwrap();
    assert_eq!(lines_of(p), [("", vec![("30.0.4", 1), ("29.0.10", 1)])], "{p:#}");
}

/// The page of a project that publishes checksums only, so its files need no signature.
fn checksums_only(f: &Fixture, project: &str) {
    f.write(&format!("content/{project}.md"), "---\nunsigned: \"checksums only, in this test\"\n---\n");
}

/// `site/<project>/latest.json`: what a project's page offers first.
fn latest_json(f: &Fixture, project: &str) -> Value {
    serde_json::from_str(&f.read(&format!("site/{project}/latest.json"))).unwrap()
}

/// Thunderbird's releases: each release folder carries the key that signed it, `KEY`,
/// and the project none. The page's lines imported `KEYS` after fetching `KEY` (gpg:
/// "can't open 'KEYS'"), and `latest.json` said no keys at all.
#[test]
fn keys_named_key_in_each_release_are_fetched_and_imported_by_their_name() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("Mozilla Software Releases <release@mozilla.com>", "ed25519", "", None);
    for v in ["132.0", "133.0"] {
        let dir = format!("dist/thunderbird/releases/{v}");
        f.write(&format!("{dir}/KEY"), &g.export_public(&fpr));
        let rel = format!("{dir}/source/thunderbird-{v}.source.tar.xz");
        f.write(&rel, &format!("thunderbird {v}\n"));
        g.sign(&fpr, &f.path(&rel), None, &[]);
    }
    f.closer(&["build"]).ok();
    let latest: Value = serde_json::from_str(&f.read("site/thunderbird/latest.json")).unwrap();
    assert_eq!(latest["keys"], "https://dist.example.org/dist/thunderbird/releases/133.0/KEY", "{latest:#}");
    let page = f.read("site/thunderbird/index.html");
    assert!(page.contains("releases/133.0/KEY &amp;&amp;\ngpg --import KEY\n"), "{page}");
    assert!(!page.contains("gpg --import KEYS"), "{page}");
}

/// A release that brings its own `KEY` (Thunderbird's, Firefox's) signed with a key the
/// release before it does not name: it was "good", the new key vouching for itself, so
/// whoever could upload a release could sign it. A KEYS at the project's top with both
/// keys (a real change of keys) makes it good again.
#[test]
fn a_release_signed_by_a_key_only_its_own_key_names_is_a_problem() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let old = g.generate("Mozilla Software Releases <release@mozilla.com>", "ed25519", "", None);
    let new = g.generate("Mallory <m@example.org>", "ed25519", "", None);
    for (v, fpr) in [("132.0", &old), ("133.0", &old), ("134.0", &new)] {
        let dir = format!("dist/thunderbird/releases/{v}");
        f.write(&format!("{dir}/KEY"), &g.export_public(fpr));
        let rel = format!("{dir}/source/thunderbird-{v}.source.tar.xz");
        f.write(&rel, &format!("thunderbird {v}\n"));
        g.sign(fpr, &f.path(&rel), None, &[]);
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let want = format!("release thunderbird 134.0 is signed by key {new}, which only its own");
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    assert!(run.stderr.starts_with("1 problem found"), "{}", run.stderr);
    f.write("dist/thunderbird/KEYS", &format!("{}{}", g.export_public(&old), g.export_public(&new)));
    f.closer(&["check"]).ok();
}

/// Firefox's extended-support releases (`releases/128.5.0esr/` beside `releases/133.0/`):
/// `keep` counted them with the rapid releases, and archived the ESR its users run.
#[test]
fn extended_support_releases_are_a_line_of_their_own() {
    let f = Fixture::new();
    checksums_only(&f, "firefox");
    for v in ["133.0", "132.0", "131.0", "128.5.0esr", "128.4.0esr"] {
        f.write(&format!("dist/firefox/releases/{v}/source/firefox-{v}.source.tar.xz"), v);
    }
    f.closer(&["build"]).ok();
    let json: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = json.as_array().unwrap().iter().find(|p| p["project"] == "firefox").unwrap();
    let esr = p["lines"].as_array().unwrap().iter().find(|l| l["line"] == "esr").expect("a line esr");
    let current: Vec<_> = esr["releases"].as_array().unwrap().iter().map(|r| r["current"].as_bool()).collect();
    assert_eq!(current, [Some(true), Some(true)], "{esr:#}");
    assert_eq!(latest_json(&f, "firefox")["offered"], "firefox/releases/133.0/source/firefox-133.0.source.tar.xz");
}

/// nginx's keys, one file per release manager beside the releases (`mdounin.key`,
/// `pluknet.key`): the first by name was the project's keys and the others notes, so
/// pluknet's releases were "signed by a key not in mdounin.key", and the fix appended his
/// key to mdounin's file. Keys files side by side are one keyring, published as one KEYS.
#[test]
fn keys_files_side_by_side_are_one_keyring() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let (md, pl) = (
        g.generate("Maxim <mdounin@example.org>", "ed25519", "", None),
        g.generate("Sergey <pluknet@example.org>", "ed25519", "", None),
    );
    f.write("dist/nginx/mdounin.key", &g.export_public(&md));
    f.write("dist/nginx/pluknet.key", &g.export_public(&pl));
    for (v, who) in [("1.27.2", &md), ("1.27.3", &pl)] {
        let rel = format!("dist/nginx/nginx-{v}.tar.gz");
        f.write(&rel, &format!("nginx {v}\n"));
        g.sign(who, &f.path(&rel), None, &[]);
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    f.closer(&["build"]).ok();
    let keys = f.read("site/nginx/KEYS");
    assert_eq!(keys.matches("-----BEGIN PGP PUBLIC KEY BLOCK-----").count(), 2, "{keys}");
    // A third manager's key missing: its file of its own beside theirs, not appended to
    // one of them (the fix wrote his key into mdounin.key), and following it, checked.
    let th = g.generate("Third <third@example.org>", "ed25519", "", None);
    f.write("dist/nginx/nginx-1.27.4.tar.gz", "nginx 1.27.4\n");
    g.sign(&th, &f.path("dist/nginx/nginx-1.27.4.tar.gz"), None, &[]);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let own = format!("{}.key", &th[th.len() - 8..]);
    assert!(run.stderr.contains(&format!("gpg --armor --export {th} > ")), "{}", run.stderr);
    assert!(run.stderr.contains(&format!("dist/nginx/{own}")), "{}", run.stderr);
    f.write(&format!("dist/nginx/{own}"), &g.export_public(&th));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// A key named for its owner alone (FFmpeg's `ffmpeg-devel.asc`, Electrum's
/// `ThomasV.asc`): the project was held for a file "whose name says no version" and KEYS
/// "missing". An armoured public key is known by what it holds; one beside a key named
/// for keys joins that keyring.
#[test]
fn keys_named_for_their_owner_are_known_by_content() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let (a, b) = (
        g.generate("Thomas <thomasv@example.org>", "ed25519", "", None),
        g.generate("Somber <somber@example.org>", "ed25519", "", None),
    );
    f.write("dist/ffmpeg/ffmpeg-devel.asc", &g.export_public(&a));
    f.write("dist/ffmpeg/ffmpeg-7.1.tar.xz", "ffmpeg 7.1\n");
    g.sign(&a, &f.path("dist/ffmpeg/ffmpeg-7.1.tar.xz"), None, &[]);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    f.closer(&["build"]).ok();
    assert!(f.read("site/ffmpeg/KEYS").contains("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
    // Electrum's: one key named for keys, one for its owner, each signing a release.
    f.write("dist/electrum/sombernight_releasekey.asc", &g.export_public(&b));
    f.write("dist/electrum/ThomasV.asc", &g.export_public(&a));
    f.write("dist/electrum/README", "not a key\n");
    for (v, who) in [("4.5.7", &a), ("4.5.8", &b)] {
        let rel = format!("dist/electrum/Electrum-{v}.tar.gz");
        f.write(&rel, &format!("electrum {v}\n"));
        g.sign(who, &f.path(&rel), None, &[]);
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    f.closer(&["build"]).ok();
    let keys = f.read("site/electrum/KEYS");
    assert_eq!(keys.matches("-----BEGIN PGP PUBLIC KEY BLOCK-----").count(), 2, "{keys}");
}
