//! Sponsors' logos: files in `logos/` are checked (type by their bytes, size, nothing in
//! an SVG that runs or loads), copied into the site, and shown beside a download link
//! that goes to the sponsor's mirror; the page asks no other host for anything (the
//! browser's network log). `closer fetch-logos` is the one step that downloads them.

use crate::http::{Behaviour, Server};
use crate::probe::{mirror, mirror_dir, now, registry};
use crate::util::Fixture;
use crate::webdriver::Browser;

const SVG: &str =
    r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" fill="#c00"/></svg>"##;

/// A fixture with one probed mirror sponsored by "Tokyo Example University" (its logo in
/// `logos/jp.svg`) and one without a sponsor, the site built.
fn sponsored() -> (Fixture, Vec<(tempfile::TempDir, Server)>) {
    let f = Fixture::new();
    let stamp = now() - 60;
    let mut servers = Vec::new();
    let mut entries = Vec::new();
    for (id, place, extra) in [
        (
            "jp",
            ("JP", "AS", 35.7, 139.7),
            "    sponsor: Tokyo Example University\n    logo: https://logos.example.net/jp.svg\n",
        ),
        ("de", ("DE", "EU", 50.1, 8.7), ""),
    ] {
        let dir = mirror_dir(stamp);
        let server = Server::start(Behaviour::Files(dir.path().into()));
        entries.push(mirror(id, place, 1000, &server.url(), extra));
        servers.push((dir, server));
    }
    f.write("mirrors.yaml", &registry(&entries));
    f.write("logos/jp.svg", SVG);
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &stamp.to_string())]).ok();
    f.closer(&["probe", "-q"]).ok();
    f.closer(&["build"]).ok();
    (f, servers)
}

#[test]
fn a_sponsors_logo_is_shown_from_the_site_itself() {
    let (f, _mirrors) = sponsored();
    assert_eq!(f.read("site/logos/jp.svg"), SVG);
    let site = Server::start(Behaviour::Files(f.path("site")));
    let b = Browser::start_logging("Asia/Tokyo");
    b.goto(&format!("{}alpha/index.html", site.url()));
    assert_eq!(b.wait_closer(), "ready");
    assert_eq!(b.chosen("alpha-1.10.tar.gz"), "jp");
    let v = b.wait_for("var s = document.querySelector('.via .sponsor'); var i = s && s.querySelector('img'); return i && i.complete ? [s.textContent, i.src, i.naturalWidth > 0] : null;");
    assert_eq!(v[0], " sponsored by Tokyo Example University", "{v}");
    assert_eq!(v[1].as_str().unwrap(), format!("{}logos/jp.svg", site.url()));
    assert_eq!(v[2], true, "the logo loaded: {v}");
    // Everything the page asked for came from the site: not the logo's remote URL, not
    // a mirror, no other host.
    let asked: Vec<String> = b.requested_urls().into_iter().filter(|u| u.starts_with("http")).collect();
    assert!(asked.iter().any(|u| u.ends_with("/logos/jp.svg")), "{asked:?}");
    assert!(asked.iter().all(|u| u.starts_with(&site.url())), "{asked:?}");
    // From Berlin the unsponsored mirror: no sponsor line.
    let b = Browser::start("Europe/Berlin", true);
    b.goto(&format!("{}alpha/index.html", site.url()));
    b.wait_closer();
    assert_eq!(b.chosen("alpha-1.10.tar.gz"), "de");
    assert_eq!(b.js("return document.querySelectorAll('.via .sponsor').length;"), 0);
    // The mirrors page shows the site's copy, and the remote URL only as a link.
    let page = f.read("site/mirrors.html");
    assert!(page.contains("src=\"logos/jp.svg\""), "{page}");
    assert!(!page.contains("src=\"https://logos.example.net"), "{page}");
}

#[test]
fn logos_that_are_not_plain_images_are_problems() {
    let (f, _mirrors) = sponsored();
    let cases = [
        ("logos/jp.svg", "<svg onload=\"alert(1)\"></svg>".to_string(), "an event handler (onload=)"),
        ("logos/jp.svg", "<svg><image href=\"https://t.example/p.png\"/></svg>".into(), "a link to another site"),
        ("logos/jp.svg", "GIF89a".into(), "no <svg> element"),
        ("logos/jp.svg", format!("<svg>{}</svg>", " ".repeat(70_000)), "over the 64 KiB"),
        ("logos/zz.svg", SVG.into(), "the logo of `zz`, which is no mirror"),
    ];
    for (rel, body, says) in cases {
        std::fs::remove_dir_all(f.path("logos")).unwrap();
        f.write(rel, &body);
        let run = f.closer(&["build"]);
        assert_eq!(run.code, 1, "{rel}: {}", run.stderr);
        assert!(
            run.stderr.contains(rel) && run.stderr.contains(says) && run.stderr.contains("fix:"),
            "{says}: {}",
            run.stderr
        );
    }
    // Two logos for one mirror.
    f.write("logos/jp.svg", SVG);
    f.write("logos/jp.png", "\u{89}PNG");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn fetch_logos_downloads_checks_and_keeps() {
    let f = Fixture::new();
    let files = tempfile::tempdir().unwrap();
    std::fs::write(files.path().join("good.svg"), SVG).unwrap();
    std::fs::write(files.path().join("bad.svg"), "<svg><script>alert(1)</script></svg>").unwrap();
    let server = Server::start(Behaviour::Files(files.path().into()));
    let with = |file: &str| format!("    logo: {}{file}\n", server.url());
    let reg = registry(&[
        mirror("one", ("DE", "EU", 50.0, 8.0), 100, "https://one.example.net/", &with("good.svg")),
        mirror("two", ("JP", "AS", 35.0, 139.0), 100, "https://two.example.net/", &with("bad.svg")),
        mirror("three", ("US", "NA", 40.0, -74.0), 100, "https://three.example.net/", ""),
    ]);
    f.write("mirrors.yaml", &reg);
    let run = f.closer(&["fetch-logos"]);
    assert_eq!(run.code, 1, "one logo is refused: {}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("one: saved"), "{}", run.stdout);
    assert!(run.stderr.contains("two: ") && run.stderr.contains("contains a script"), "{}", run.stderr);
    assert_eq!(f.read("logos/one.svg"), SVG);
    assert!(!f.path("logos/two.svg").exists(), "a refused logo is not saved");
    // Again: kept, not fetched; with --force, fetched.
    let hits = server.hits.load(std::sync::atomic::Ordering::SeqCst);
    let run = f.closer(&["fetch-logos", "one"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("one: kept"), "{}", run.stdout);
    assert_eq!(server.hits.load(std::sync::atomic::Ordering::SeqCst), hits);
    let run = f.closer(&["fetch-logos", "--force", "one"]);
    assert!(run.code == 0 && run.stdout.contains("one: saved"), "{}", run.stdout);
    // The build publishes the fetched logo.
    f.closer(&["build"]).ok();
    assert_eq!(f.read("site/logos/one.svg"), SVG);
    let run = f.closer(&["fetch-logos", "nope"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}
