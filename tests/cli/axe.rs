//! The demo site's pages as everyone gets them: axe-core (the accessibility engine
//! browsers' tools use) reports no violation on the index, a project page, a release
//! page and the mirrors page, in the light and the dark colour scheme, after the scripts
//! ran; and no page is over 100 KB before compression.

use crate::http::{Behaviour, Server};
use crate::util::{repo, snapshot};
use crate::webdriver::Browser;
use serde_json::json;
use std::process::Command;

/// The repository's demo, built in a temporary directory.
fn demo_site() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    for what in ["dist", "content", "logos", "mirrors.yaml"] {
        let st = Command::new("cp").arg("-a").arg(repo().join(what)).arg(out.path()).status().unwrap();
        assert!(st.success());
    }
    let st = Command::new(env!("CARGO_BIN_EXE_closer")).current_dir(out.path()).arg("build").output().unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    out
}

fn axe_source() -> String {
    let path = repo().join("tests/axe/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e} (scripts/test installs axe-core with `npm ci --prefix tests/axe`)", path.display())
    })
}

/// axe-core's violations on the page now open: `rule: node, node` lines.
fn violations(b: &Browser, axe: &str) -> Vec<String> {
    b.js(&format!("{axe}\n;window.axe = axe; return true;"));
    let v = b.js_async(
        "var done = arguments[arguments.length - 1];\
         axe.run(document, {resultTypes: ['violations']}).then(function (r) {\
           done(r.violations.map(function (v) { return v.id + ': ' + v.help + ' at ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', '); }));\
         }, function (e) { done(['axe failed: ' + e]); });",
    );
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect()
}

#[test]
fn the_demo_pages_have_no_accessibility_violations_in_light_or_dark() {
    let dir = demo_site();
    let site = Server::start(Behaviour::Files(dir.path().join("site")));
    let axe = axe_source();
    let b = Browser::start("Europe/Berlin", true);
    let pages = ["index.html", "widget/index.html", "widget/3.10.0/index.html", "mirrors.html", "mirrors/de-fau.html"];
    let mut found = Vec::new();
    for scheme in ["light", "dark"] {
        b.cdp("Emulation.setEmulatedMedia", json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}));
        for page in pages {
            b.goto(&format!("{}{page}", site.url()));
            if page.contains("widget") {
                b.wait_closer();
            }
            let dark = b.js("return matchMedia('(prefers-color-scheme: dark)').matches;");
            assert_eq!(dark, json!(scheme == "dark"));
            found.extend(violations(&b, &axe).into_iter().map(|v| format!("{scheme} {page}: {v}")));
        }
    }
    assert!(found.is_empty(), "axe-core found:\n{}", found.join("\n"));
}

#[test]
fn a_broken_page_is_reported_by_the_axe_check() {
    // The check can fail: an image without alt text and a low-contrast line are found.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.html"),
        "<!DOCTYPE html><html lang=\"en\"><head><title>bad</title></head><body><main><img src=\"x.png\"><p style=\"color:#eee\">faint</p></main></body></html>",
    )
    .unwrap();
    let site = Server::start(Behaviour::Files(dir.path().into()));
    let b = Browser::start("UTC", true);
    b.goto(&format!("{}bad.html", site.url()));
    let v = violations(&b, &axe_source()).join("\n");
    assert!(v.contains("image-alt") && v.contains("color-contrast"), "{v}");
}

#[test]
fn every_demo_page_is_under_100_kb() {
    let dir = demo_site();
    let pages = snapshot(&dir.path().join("site"));
    let html: Vec<_> = pages.iter().filter(|(k, _)| k.ends_with(".html")).collect();
    assert!(html.len() > 20, "{}", html.len());
    for (name, bytes) in html {
        assert!(bytes.len() < 100_000, "{name} is {} bytes", bytes.len());
    }
}
