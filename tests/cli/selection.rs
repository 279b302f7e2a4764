//! Each project's own selection data (`site/<project>/mirrors.json`, only the mirrors
//! that carry it, joined with the site's `status.json`, the mirrors serving at the last
//! probe) gives the same choice as the whole registry's `mirrors.json` did:
//! the same pages, once as built and once with the pages pointed back at the registry's
//! file, in headless Chromium with the same time zone, probe state and random number.
//! And a page of a project that no mirror serves still works.

use crate::browser::demo;
use crate::http::{Behaviour, Server};
use crate::util::{Fixture, copy_tree};
use crate::webdriver::Browser;

/// Every download link's chosen mirror on `url`.
fn choices(b: &Browser, url: &str) -> Vec<String> {
    b.goto(url);
    assert_eq!(b.wait_closer(), "ready", "{url}");
    let v = b.js("return Array.from(document.querySelectorAll('a.download')).map(a => a.getAttribute('data-path') + ' ' + a.getAttribute('data-mirror'));");
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect()
}

#[test]
fn a_projects_own_selection_data_chooses_as_the_whole_registry_did() {
    let demo = demo();
    // The same site with every page reading the registry's mirrors.json, as before.
    let before = tempfile::tempdir().unwrap();
    copy_tree(&demo.f.path("site"), before.path());
    let mut pages = 0;
    for page in ["alpha/index.html", "beta/index.html", "alpha/1.10/index.html", "beta/0.2/index.html"] {
        let path = before.path().join(page);
        let html = std::fs::read_to_string(&path).unwrap();
        let old = html.replace(" data-select=\"mirrors.json\"", "").replace(" data-select=\"../mirrors.json\"", "");
        assert_ne!(old, html, "{page} names its selection data");
        std::fs::write(&path, old).unwrap();
        pages += 1;
    }
    assert_eq!(pages, 4);
    let old_site = Server::start(Behaviour::Files(before.path().into()));
    // Only the mirrors that carry the project, and what the probe said of each once for
    // the site: fewer bytes than the registry's file.
    let own = demo.f.read("site/beta/mirrors.json") + &demo.f.read("site/status.json");
    assert!(own.len() * 2 < demo.f.read("site/mirrors.json").len(), "{own}");
    for tz in ["Asia/Tokyo", "Europe/Berlin", "America/Sao_Paulo", "US/Eastern"] {
        let b = Browser::start(tz, true);
        let mut seen = std::collections::BTreeSet::new();
        for r in ["0.05", "0.5", "0.95"] {
            // Scripts added later run later: each round's number wins over the last.
            b.on_new_document(&format!("Math.random = function () {{ return {r}; }};"));
            for page in ["alpha/index.html", "beta/index.html", "alpha/1.10/index.html", "beta/0.2/index.html"] {
                let now = choices(&b, &format!("{}{page}", demo.site.url()));
                let was = choices(&b, &format!("{}{page}", old_site.url()));
                assert!(!now.is_empty());
                assert_eq!(now, was, "TZ={tz} r={r} {page}");
                seen.insert(now);
            }
        }
        // Berlin has two mirrors near enough to share the load: the number decides, so
        // the comparison above is not one of two constant pickers.
        if tz == "Europe/Berlin" {
            assert!(seen.len() > 4, "the random number changed no choice: {seen:?}");
        }
    }
}

#[test]
fn a_page_of_a_project_no_mirror_serves_still_works() {
    // Never probed: no mirror is known to serve anything.
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let status = f.read("site/status.json");
    assert!(status.contains("\"serving\":{}"), "{status}");
    assert!(f.read("site/alpha/mirrors.json").contains("\"format\":3"));
    let site = Server::start(Behaviour::Files(f.path("site")));
    let b = Browser::start("Europe/Berlin", true);
    for page in ["alpha/index.html", "alpha/1.10/index.html"] {
        b.goto(&format!("{}{page}", site.url()));
        assert_eq!(b.wait_closer(), "ready");
        assert_eq!(b.chosen("alpha-1.10.tar.gz"), "primary");
        let note = b.js("return document.querySelector('a.download + .via').textContent;");
        assert_eq!(note.as_str().unwrap(), "from Test Foundation (the mirrors have not been checked yet)");
        let href = b.js("return document.querySelector('a.download').href;");
        assert!(href.as_str().unwrap().starts_with("https://dist.example.org/dist/alpha/1.10/"), "{href}");
    }
    // Probed, and every mirror down: the note says so, not "yet".
    f.closer(&["probe", "-q", "--timeout", "2"]).ok();
    f.closer(&["build"]).ok();
    b.goto(&format!("{}alpha/index.html", site.url()));
    assert_eq!(b.wait_closer(), "ready");
    let note = b.js("return document.querySelector('a.download + .via').textContent;");
    assert_eq!(note.as_str().unwrap(), "from Test Foundation (no mirror serves it now)");
}
