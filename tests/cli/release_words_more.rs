//! More of how publishers spell a release and what a page offers from it: CPAN's
//! `-TRIAL` uploads, Node.js's headers tarball beside its sources, GIMP's installers
//! uploaded again as `-setup-1.exe`, `-setup-3.exe`, GHC's bindists each for one
//! distribution, HAProxy's branches with their `devel/` and `snapshot/` folders.

use crate::util::Fixture;

/// The releases `closer releases --json` finds: (version, line, current, pre-release).
pub(crate) fn releases(f: &Fixture, project: &str) -> Vec<(String, String, bool, bool)> {
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = doc.as_array().unwrap().iter().find(|p| p["project"] == project).unwrap();
    let mut out = Vec::new();
    for l in p["lines"].as_array().unwrap() {
        for r in l["releases"].as_array().unwrap() {
            let line = l["line"].as_str().unwrap_or("").to_string();
            let flag = |k: &str| r[k].as_bool().unwrap_or(false);
            out.push((r["version"].as_str().unwrap().to_string(), line, flag("current"), flag("prerelease")));
        }
    }
    out
}

/// A project page of checksums only.
pub(crate) fn unsigned(f: &Fixture, project: &str) {
    f.write(&format!("content/{project}.md"), "---\nunsigned: \"checksums only, in this test\"\n---\n");
}

/// CPAN's `Moose-2.2208-TRIAL.tar.gz` (Dist::Zilla's `--trial`, never indexed by PAUSE)
/// was read as a final 2.2208 and offered as the newest stable download.
#[test]
fn a_cpan_trial_upload_is_a_pre_release() {
    let f = Fixture::new();
    unsigned(&f, "moose");
    for n in ["Moose-2.2207.tar.gz", "Moose-2.2208-TRIAL.tar.gz"] {
        f.write(&format!("dist/moose/{n}"), n);
    }
    let r = releases(&f, "moose");
    assert!(r.iter().any(|(v, _, _, pre)| v == "2.2208-TRIAL" && *pre), "{r:?}");
    f.closer(&["build"]).ok();
    let doc: serde_json::Value = serde_json::from_str(&f.read("site/moose/latest.json")).unwrap();
    assert_eq!(doc["offered"], "moose/Moose-2.2207.tar.gz", "{doc:#}");
}

/// Node.js's `node-v22.12.0-headers.tar.gz` (the C headers native addons build with)
/// sorts before `node-v22.12.0.tar.gz`: it was the page's and `latest.json`'s source. Its
/// `index.json` and `index.tab` held the project back as files of no version.
#[test]
fn a_headers_tarball_is_not_the_source() {
    let f = Fixture::new();
    unsigned(&f, "node");
    for n in ["node-v22.12.0-headers.tar.gz", "node-v22.12.0.tar.gz", "node-v22.12.0-linux-x64.tar.xz"] {
        f.write(&format!("dist/node/v22.12.0/{n}"), n);
    }
    // Its indexes of every release, which tools like nvm read, are notes.
    f.write("dist/node/index.json", "[{\"version\":\"v22.12.0\"}]\n");
    f.write("dist/node/index.tab", "version\tdate\nv22.12.0\t2024-12-03\n");
    f.closer(&["build"]).ok();
    let doc: serde_json::Value = serde_json::from_str(&f.read("site/node/latest.json")).unwrap();
    assert_eq!(doc["offered"], "node/v22.12.0/node-v22.12.0.tar.gz", "{doc:#}");
}

/// Prometheus publishes builds and `prometheus-web-ui-3.0.1.tar.gz` (its built web
/// interface), no sources: the web interface was "Download source code" and the file
/// `latest.json` offered. MySQL's Intel Mac tarball `mysql-8.4.3-macos14-x86_64.tar.gz`
/// was a Linux build.
#[test]
fn a_web_interface_is_no_source_and_a_macos_release_is_a_mac() {
    let f = Fixture::new();
    unsigned(&f, "prometheus");
    for n in [
        "prometheus-3.0.1.darwin-arm64.tar.gz",
        "prometheus-3.0.1.linux-amd64.tar.gz",
        "prometheus-web-ui-3.0.1.tar.gz",
    ] {
        f.write(&format!("dist/prometheus/v3.0.1/{n}"), n);
    }
    unsigned(&f, "mysql");
    for n in ["mysql-8.4.3.tar.gz", "mysql-8.4.3-linux-glibc2.28-x86_64.tar.xz", "mysql-8.4.3-macos14-x86_64.tar.gz"] {
        f.write(&format!("dist/mysql/8.4.3/{n}"), n);
    }
    f.closer(&["build"]).ok();
    let doc: serde_json::Value = serde_json::from_str(&f.read("site/prometheus/latest.json")).unwrap();
    assert_eq!(doc["offered"], "prometheus/v3.0.1/prometheus-3.0.1.linux-amd64.tar.gz", "{doc:#}");
    assert!(!f.read("site/prometheus/index.html").contains("source code"));
    let page = f.read("site/mysql/index.html");
    let get = &page[page.find("id=\"closer-get\"").unwrap()..];
    let li = get.split("<li").find(|li| li.contains("macos14-x86_64.tar.gz\"")).unwrap();
    assert!(li.contains("data-os=\"macos\""), "{li}");
    // Its verify lines use the checksum tool a Mac has, the list's step too.
    let block =
        page.split("<div class=\"verify-for\"").skip(1).find(|b| b.contains("macos14-x86_64.tar.gz\"")).unwrap();
    let block = &block[..block.find("</div>").unwrap()];
    assert!(block.contains("shasum -a 512 -c --ignore-missing") && !block.contains("sha512sum"), "{block}");
}

/// How narrow the project page's opening download list says the build at `file` is
/// (`data-narrow`, 0 when absent): page.js offers the broadest of builds alike.
fn narrow(page: &str, file: &str) -> u8 {
    let get = &page[page.find("id=\"closer-get\"").unwrap()..];
    let li = get.split("<li").find(|li| li.contains(&format!("/{file}\""))).unwrap_or_else(|| panic!("{file}: {get}"));
    li.split("data-narrow=\"").nth(1).map_or(0, |n| n.split('"').next().unwrap().parse().unwrap())
}

/// GHC publishes only bindists for one distribution each (`deb12`, `rocky8`,
/// `ubuntu22_04`, `alpine3_12`, and `-dwarf` ones with debug information): all were
/// equally narrow, and the first by name, Alpine's musl build, was a Linux visitor's.
#[test]
fn a_musl_or_debug_bindist_is_narrower_than_a_distributions_own() {
    let f = Fixture::new();
    unsigned(&f, "ghc");
    let names = [
        "ghc-9.10.1-x86_64-alpine3_12-linux.tar.xz",
        "ghc-9.10.1-x86_64-deb12-linux.tar.xz",
        "ghc-9.10.1-x86_64-deb12-linux-dwarf.tar.xz",
        "ghc-9.10.1-x86_64-rocky8-linux.tar.xz",
        "ghc-9.10.1-src.tar.xz",
    ];
    for n in names {
        f.write(&format!("dist/ghc/9.10.1/{n}"), n);
    }
    f.closer(&["build"]).ok();
    let page = f.read("site/ghc/index.html");
    let deb = narrow(&page, names[1]);
    assert!(narrow(&page, names[0]) > deb && narrow(&page, names[2]) > deb, "{page}");
    assert_eq!(narrow(&page, names[3]), deb);
}

/// Swift's Linux builds are each for one distribution: Amazon Linux's came first by
/// name, before Ubuntu's, for every Linux visitor.
#[test]
fn a_clouds_own_distribution_is_narrower_than_a_desktop_one() {
    let f = Fixture::new();
    unsigned(&f, "swift");
    let names = ["swift-6.0.3-RELEASE-amazonlinux2.tar.gz", "swift-6.0.3-RELEASE-ubuntu24.04.tar.gz"];
    for n in names {
        f.write(&format!("dist/swift/6.0.3/{n}"), n);
    }
    f.closer(&["build"]).ok();
    let page = f.read("site/swift/index.html");
    assert!(narrow(&page, names[0]) > narrow(&page, names[1]), "{page}");
}

/// GIMP uploads a fixed installer again as `gimp-2.10.38-setup-1.exe`, `-setup-3.exe`:
/// Windows visitors were offered the first by name, the oldest. The replaced uploads are
/// listed with the release's files, never in the opening download.
#[test]
fn the_latest_revision_of_an_upload_comes_first() {
    let f = Fixture::new();
    unsigned(&f, "gimp");
    f.write("dist/gimp/v2.10/gimp-2.10.38.tar.bz2", "sources");
    for r in ["", "-1", "-3"] {
        f.write(&format!("dist/gimp/v2.10/windows/gimp-2.10.38-setup{r}.exe"), r);
    }
    f.closer(&["build"]).ok();
    let page = f.read("site/gimp/index.html");
    assert_eq!(narrow(&page, "gimp-2.10.38-setup-3.exe"), 0);
    let get = &page[page.find("id=\"closer-get\"").unwrap()..];
    let get = &get[..get.find("</ul>").unwrap()];
    assert!(!get.contains("setup-1.exe") && !get.contains("setup.exe\""), "{get}");
    assert!(page.matches("gimp-2.10.38-setup-1.exe").count() > 0, "listed with the release's files");
}

/// HAProxy keeps each branch in `<branch>/src/`, its daily snapshots in `snapshot/`
/// (`haproxy-ss-20241215.tar.gz`) and a new branch's development releases in `devel/`.
/// The snapshots made two lines across the branches, `haproxy` and `haproxy-ss`, so
/// keep 2 archived 3.0.7, the newest LTS; a branch with only `devel/` was one release
/// "3.2" holding every development tarball.
#[test]
fn haproxys_branches_keep_their_lines_with_snapshots_and_development_releases() {
    let f = Fixture::new();
    unsigned(&f, "haproxy");
    for rel in [
        "3.0/src/haproxy-3.0.7.tar.gz",
        "3.0/src/snapshot/haproxy-ss-20241215.tar.gz",
        "3.1/src/haproxy-3.1.0.tar.gz",
        "3.1/src/haproxy-3.1.1.tar.gz",
        "3.1/src/snapshot/haproxy-ss-20241220.tar.gz",
        "3.2/src/devel/haproxy-3.2-dev1.tar.gz",
        "3.2/src/devel/haproxy-3.2-dev2.tar.gz",
    ] {
        f.write(&format!("dist/haproxy/{rel}"), rel);
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = releases(&f, "haproxy");
    let find = |v: &str| r.iter().find(|x| x.0 == v).unwrap_or_else(|| panic!("{v}: {r:?}")).clone();
    assert_eq!((find("3.0.7").1, find("3.0.7").2), ("3.0".to_string(), true), "{r:?}");
    assert_eq!(find("20241215").1, "3.0", "{r:?}");
    assert_eq!(find("3.1.1").1, "3.1", "{r:?}");
    let dev2 = find("3.2-dev2");
    assert_eq!((dev2.1.as_str(), dev2.2, dev2.3), ("3.2", true, true), "{r:?}");
    assert!(!find("3.2-dev1").2, "a superseded development release: {r:?}");
}

/// Perl keeps its odd-numbered development releases (5.41.x) beside its stable ones in
/// `src/5.0/`; a layout rule puts them on a line `devel`, which was still "the newest
/// stable release" and the page's download.
#[test]
fn a_line_named_for_pre_releases_holds_pre_releases() {
    let f = Fixture::new();
    f.write(
        "content/perl.md",
        "---\nunsigned: \"checksums only, in this test\"\nlayout:\n  - path: \"src/5.0/perl-5.41.*\"\n    line: devel\n---\n",
    );
    for v in ["5.40.0", "5.41.6", "5.41.7"] {
        f.write(&format!("dist/perl/src/5.0/perl-{v}.tar.gz"), v);
    }
    let r = releases(&f, "perl");
    assert!(r.iter().any(|(v, l, _, pre)| v == "5.41.7" && l == "devel" && *pre), "{r:?}");
    f.closer(&["build"]).ok();
    let doc: serde_json::Value = serde_json::from_str(&f.read("site/perl/latest.json")).unwrap();
    assert_eq!(doc["offered"], "perl/src/5.0/perl-5.40.0.tar.gz", "{doc:#}");
}

/// Racket's installers for its legacy virtual machine (`-linux-bc.sh`) sort before the
/// default Chez Scheme ones (`-linux-cs.sh`): Linux visitors were offered BC.
#[test]
fn a_legacy_build_comes_after_the_default_one() {
    let f = Fixture::new();
    unsigned(&f, "racket");
    for n in ["racket-8.15-x86_64-linux-bc.sh", "racket-8.15-x86_64-linux-cs.sh", "racket-8.15-src.tgz"] {
        f.write(&format!("dist/racket/8.15/{n}"), n);
    }
    f.closer(&["build"]).ok();
    let page = f.read("site/racket/index.html");
    assert!(narrow(&page, "racket-8.15-x86_64-linux-bc.sh") > narrow(&page, "racket-8.15-x86_64-linux-cs.sh"));
}

/// Tor Browser's release folder holds its updater's files beside the installers
/// (`…_ALL.mar`, `…-14.0.2-14.0.3_ALL.incremental.mar`) and a second signed list for
/// the incremental ones: the incremental update was every Linux visitor's download, and
/// its list an artifact of no signature. FFmpeg's `ffmpeg-snapshot-git.tar.bz2` beside
/// `ffmpeg-snapshot.tar.bz2` held the project back.
#[test]
fn an_updaters_files_are_never_offered_and_tors_second_list_is_a_list() {
    let f = Fixture::new();
    unsigned(&f, "torbrowser");
    unsigned(&f, "ffmpeg");
    let rel = "dist/torbrowser/14.0.3";
    let names = [
        "tor-browser-linux-x86_64-14.0.2-14.0.3_ALL.incremental.mar",
        "tor-browser-linux-x86_64-14.0.3.tar.xz",
        "tor-browser-linux-x86_64-14.0.3_ALL.mar",
    ];
    for n in names {
        f.write(&format!("{rel}/{n}"), n);
    }
    let dir = f.path(rel);
    let sums = |files: &[&str]| crate::forms::tool(&dir, "sha256sum", files);
    f.write(&format!("{rel}/sha256sums-signed-build.txt"), &sums(&names[1..]));
    f.write(&format!("{rel}/sha256sums-signed-build.incrementals.txt"), &sums(&names[..1]));
    for n in ["ffmpeg-7.1.tar.xz", "ffmpeg-snapshot.tar.bz2", "ffmpeg-snapshot-git.tar.bz2"] {
        f.write(&format!("dist/ffmpeg/{n}"), n);
    }
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = f.read("site/torbrowser/index.html");
    let get = &page[page.find("id=\"closer-get\"").unwrap()..];
    let get = &get[..get.find("</ul>").unwrap()];
    assert!(!get.contains(".mar\""), "{get}");
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let text = doc.to_string();
    assert!(
        text.contains(
            "\"path\":\"torbrowser/14.0.3/sha256sums-signed-build.incrementals.txt\",\"role\":\"checksum-list\""
        ),
        "{text}"
    );
}

/// A release uploaded into the wrong version directory: `hello-2.1.tar.gz` beside
/// `hello-2.0.tar.gz` in `2.0/` was published as a file of 2.0 (and 2.1 never was);
/// `2.1/` holding only `hello-2.0.tar.gz` was release 2.1 offering 2.0's file. Both are
/// said, with the move that fixes them.
#[test]
fn a_file_in_another_releases_directory_is_said() {
    let f = Fixture::new();
    unsigned(&f, "hello");
    f.write("dist/hello/2.0/hello-2.0.tar.gz", "2.0");
    f.write("dist/hello/2.0/hello-2.1.tar.gz", "2.1");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("hello-2.1.tar.gz: is of version 2.1, in `2.0/`, the directory of release 2.0"),
        "{}",
        run.stderr
    );
    // Kafka's names say their Scala version first (`kafka_2.13-3.9.1.tgz`): found all the same.
    unsigned(&f, "kafka");
    for n in ["kafka_2.12-3.9.0.tgz", "kafka_2.13-3.9.0.tgz", "kafka-3.9.0-src.tgz", "kafka_2.13-3.9.1.tgz"] {
        f.write(&format!("dist/kafka/3.9.0/{n}"), n);
    }
    let run = f.closer(&["check"]);
    assert!(run.stderr.contains("kafka_2.13-3.9.1.tgz: is of version 3.9.1, in `3.9.0/`"), "{}", run.stderr);
    assert!(!run.stderr.contains("kafka_2.12-3.9.0.tgz:"), "{}", run.stderr);
    std::fs::remove_dir_all(f.path("dist/kafka")).unwrap();
    std::fs::remove_dir_all(f.path("dist/hello/2.0")).unwrap();
    f.write("dist/hello/2.1/hello-2.0.tar.gz", "2.0");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("is release 2.1 but its files are release 2.0's"), "{}", run.stderr);
}

/// Debian's `cdimage/release/12.8.0/amd64/`: `iso-cd/`, `bt-cd/` and `jigdo-cd/`, each
/// with `SHA512SUMS` naming the image and its `SHA512SUMS.sign`. The torrent, the jigdo
/// file and its template, which Debian never signs, held the release back ("no
/// signature", fix: `closer sign`); the image they make is vouched for by its own line.
#[test]
fn ways_to_an_image_ride_along_unsigned() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("Debian CD signing key <debian-cd@lists.debian.org>", "ed25519", "", None);
    f.write("dist/debian-cd/KEYS", &g.export_public(&fpr));
    let v = "dist/debian-cd/12.8.0/amd64";
    let iso = "debian-12.8.0-amd64-netinst.iso";
    f.write(&format!("{v}/iso-cd/{iso}"), "the image\n");
    f.write(&format!("{v}/bt-cd/{iso}.torrent"), "d8:announce\n");
    f.write(&format!("{v}/jigdo-cd/debian-12.8.0-amd64-netinst.jigdo"), "jigdo\n");
    f.write(&format!("{v}/jigdo-cd/debian-12.8.0-amd64-netinst.template"), "template\n");
    let sums = crate::forms::tool(&f.path(&format!("{v}/iso-cd")), "sha512sum", &[iso]);
    for d in ["iso-cd", "bt-cd", "jigdo-cd"] {
        let dir = f.path(&format!("{v}/{d}"));
        f.write(&format!("{v}/{d}/SHA512SUMS"), &sums);
        crate::forms::gpg_sign(&g, &fpr, "--detach-sign", &dir.join("SHA512SUMS.sign"), &dir.join("SHA512SUMS"));
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Blender keeps its builds in `release/Blender4.3/` and its sources in `source/`: two
/// releases 4.3.2, the sources' one of no line, and every system was offered them.
#[test]
fn sources_beside_a_line_named_for_product_and_series_join_its_release() {
    let f = Fixture::new();
    unsigned(&f, "blender");
    for rel in [
        "release/Blender4.3/blender-4.3.2-linux-x64.tar.xz",
        "release/Blender4.3/blender-4.3.2-windows-x64.msi",
        "release/Blender4.3/blender-4.3.2-macos-arm64.dmg",
        "source/blender-4.3.2.tar.xz",
    ] {
        f.write(&format!("dist/blender/{rel}"), rel);
    }
    let r = releases(&f, "blender");
    assert_eq!(r.len(), 1, "{r:?}");
    f.closer(&["build"]).ok();
    let page = f.read("site/blender/index.html");
    let get = &page[page.find("id=\"closer-get\"").unwrap()..];
    let get = &get[..get.find("</ul>").unwrap()];
    assert!(get.contains("blender-4.3.2-windows-x64.msi") && get.contains("source/blender-4.3.2.tar.xz"), "{get}");
}

/// LibreOffice on release day: the candidate in `testing/25.2.0/` (build `25.2.0.1`)
/// beside the final in `stable/25.2.0/` and `src/25.2.0/`. They were one release
/// 25.2.0, a pre-release for its `testing/` folder, and the page kept offering 24.8.4.
#[test]
fn a_candidate_in_testing_beside_its_final_is_a_release_of_its_own() {
    let f = Fixture::new();
    unsigned(&f, "libreoffice");
    for rel in [
        "stable/24.8.4/win/x86_64/LibreOffice_24.8.4_Win_x86-64.msi",
        "src/24.8.4/libreoffice-24.8.4.2.tar.xz",
        "stable/25.2.0/win/x86_64/LibreOffice_25.2.0_Win_x86-64.msi",
        "src/25.2.0/libreoffice-25.2.0.3.tar.xz",
        "testing/25.2.0/win/x86_64/LibreOffice_25.2.0.1_Win_x86-64.msi",
        "testing/25.2.0/src/libreoffice-25.2.0.1.tar.xz",
    ] {
        f.write(&format!("dist/libreoffice/{rel}"), rel);
    }
    let r = releases(&f, "libreoffice");
    let find = |v: &str| r.iter().find(|x| x.0 == v).unwrap_or_else(|| panic!("{v}: {r:?}")).clone();
    assert!(!find("25.2.0").3 && find("25.2.0.1").3, "{r:?}");
    f.closer(&["build"]).ok();
    let doc: serde_json::Value = serde_json::from_str(&f.read("site/libreoffice/latest.json")).unwrap();
    assert_eq!(doc["offered"], "libreoffice/src/25.2.0/libreoffice-25.2.0.3.tar.xz", "{doc:#}");
}

/// Tails keeps its release candidates in `alpha/` beside `stable/`: `6.11~rc1` stayed
/// current (a line "alpha" of its own) after 6.11 was out; it is 6.11's candidate.
#[test]
fn an_alpha_folders_candidate_is_superseded_by_its_final() {
    let f = Fixture::new();
    unsigned(&f, "tails");
    for (dir, v) in [("stable", "6.11"), ("stable", "6.10"), ("alpha", "6.11~rc1")] {
        for ext in ["img", "iso"] {
            f.write(&format!("dist/tails/{dir}/tails-amd64-{v}/tails-amd64-{v}.{ext}"), v);
        }
    }
    let got = releases(&f, "tails");
    let of = |v: &str| got.iter().find(|r| r.0 == v).unwrap_or_else(|| panic!("{v}: {got:?}")).clone();
    assert_eq!(of("6.11"), ("6.11".into(), String::new(), true, false), "{got:?}");
    assert_eq!(of("6.11~rc1"), ("6.11~rc1".into(), String::new(), false, true), "{got:?}");
}

/// Kali's weekly images (`kali-weekly/kali-linux-2024-W50-installer-amd64.iso`) were one
/// final release "2024" a year; each week is a release of its own, a pre-release by its
/// folder, beside the quarterly `kali-2024.4/`.
#[test]
fn a_weekly_image_is_a_release_of_its_week() {
    let f = Fixture::new();
    unsigned(&f, "kali");
    f.write("dist/kali/kali-2024.4/kali-linux-2024.4-installer-amd64.iso", "2024.4");
    for w in ["W49", "W50"] {
        f.write(&format!("dist/kali/kali-weekly/kali-linux-2024-{w}-installer-amd64.iso"), w);
    }
    let got = releases(&f, "kali");
    let of = |v: &str| got.iter().find(|r| r.0 == v).unwrap_or_else(|| panic!("{v}: {got:?}")).clone();
    assert!(of("2024.4").2 && !of("2024.4").3, "{got:?}");
    assert!(of("2024-W50").2 && of("2024-W50").3, "{got:?}");
    assert!(!of("2024-W49").2 && of("2024-W49").3, "{got:?}");
}

/// Apache NetBeans keeps its installers in `netbeans-installers/23/` beside
/// `netbeans/23/`: they were two lines at the same versions, and the page offered only
/// the sources. The installers are the line's builds.
#[test]
fn a_lines_builds_kept_beside_it_join_its_releases() {
    let f = Fixture::new();
    unsigned(&f, "netbeans");
    for v in ["22", "23"] {
        f.write(&format!("dist/netbeans/netbeans/{v}/netbeans-{v}-source.zip"), v);
        f.write(&format!("dist/netbeans/netbeans-installers/{v}/Apache-NetBeans-{v}-bin-windows-x64.exe"), v);
    }
    let got = releases(&f, "netbeans");
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.iter().all(|r| r.1 == "netbeans"), "{got:?}");
    f.closer(&["build"]).ok();
    assert!(f.read("site/netbeans/index.html").contains("Apache-NetBeans-23-bin-windows-x64.exe"));
}
