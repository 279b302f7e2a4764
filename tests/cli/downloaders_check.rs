//! What a careful downloader runs from the pages (the twenty-seventh trial): the release
//! page's check of several files at once, with builds in folders beside the ones at the
//! top, feeds that never offer a withdrawn release, and a download box that calls only a
//! pre-release one.

use crate::release_words_more::unsigned;
use crate::util::Fixture;
use std::process::Command;

/// The text of the page's first `<pre>` block that mentions `needle`, as a browser shows it.
pub(crate) fn pre_block_with(page: &str, needle: &str) -> String {
    let blocks = page.split("<pre").skip(1).filter_map(|b| Some(&b[b.find('>')? + 1..b.find("</pre>")?]));
    let block =
        blocks.into_iter().find(|b| b.contains(needle)).unwrap_or_else(|| panic!("no block with {needle}: {page}"));
    let mut text = String::new();
    let mut in_tag = false;
    for c in block.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&#39;", "'").replace("&gt;", ">").replace("&lt;", "<").replace("&quot;", "\"").replace("&amp;", "&")
}

/// A release with a dmg at the top and its Linux build in `linux/`: the release page's
/// `sha512sum -c --ignore-missing SHA512SUMS` skipped the Linux build (the list names it
/// `linux/…`, the downloader has it beside the dmg) and a tampered one passed as "1 OK".
#[test]
fn the_check_of_several_files_reaches_builds_in_folders() {
    let f = Fixture::new();
    unsigned(&f, "vidplay");
    let dir = "dist/vidplay/5.1.0";
    for (rel, text) in [
        ("vidplay-5.1.0.tar.gz", "sources\n"),
        ("vidplay-5.1.0-macos-arm64.dmg", "a dmg\n"),
        ("linux/vidplay-5.1.0-linux-aarch64.tar.gz", "a linux build\n"),
    ] {
        f.write(&format!("{dir}/{rel}"), text);
    }
    f.closer(&["build"]).ok();
    let page = f.read("site/vidplay/5.1.0/index.html");
    let block = pre_block_with(&page, "SHA512SUMS");
    let script: String = block
        .lines()
        .filter(|l| !l.starts_with("curl "))
        .map(|l| l.trim_end_matches(" &&"))
        .collect::<Vec<_>>()
        .join("\n");
    // The downloads, side by side, and the list the block fetches.
    let downloads = tempfile::tempdir().unwrap();
    std::fs::copy(f.path("site/vidplay/5.1.0/SHA512SUMS"), downloads.path().join("SHA512SUMS")).unwrap();
    std::fs::write(downloads.path().join("vidplay-5.1.0-macos-arm64.dmg"), "a dmg\n").unwrap();
    let linux = downloads.path().join("vidplay-5.1.0-linux-aarch64.tar.gz");
    std::fs::write(&linux, "a linux build\n").unwrap();
    let run = || Command::new("sh").arg("-ec").arg(&script).current_dir(downloads.path()).output().unwrap();
    let good = run();
    let said = String::from_utf8_lossy(&good.stdout).into_owned();
    assert!(good.status.success() && said.contains("vidplay-5.1.0-linux-aarch64.tar.gz: OK"), "{script}\n{said}");
    std::fs::write(&linux, "altered by a mirror\n").unwrap();
    let bad = run();
    assert!(!bad.status.success(), "a tampered build in a folder fails: {script}");
    assert!(!page.contains("the checksum list beside it there"), "no list is promised where none is");
}

/// A withdrawn release is left out of both feeds, as of `latest.json` and the pages.
#[test]
fn no_feed_offers_a_withdrawn_release() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    assert!(f.read("site/alpha/feed.xml").contains("1.10"));
    f.write("content/alpha/1.10.md", "---\nwithdrawn: \"built from the wrong tag; use 1.9\"\n---\n");
    f.closer(&["build"]).ok();
    for feed in ["site/feed.xml", "site/alpha/feed.xml"] {
        let text = f.read(feed);
        assert!(!text.contains("alpha 1.10") && !text.contains("alpha-1.10"), "{feed}: {text}");
        assert!(text.contains("1.9"), "{feed}: {text}");
    }
}

/// The browser check of a build kept in a folder (`linux/x.tar.gz`, saved as `x.tar.gz`):
/// a corrupted download said "does not match any file of this release", which sends the
/// visitor looking for another file, not for another download.
#[test]
fn the_browser_check_names_a_corrupted_build_from_a_folder() {
    let f = Fixture::new();
    unsigned(&f, "vidplay");
    f.write("dist/vidplay/5.1.0/vidplay-5.1.0.tar.gz", "sources\n");
    f.write("dist/vidplay/5.1.0/linux/vidplay-5.1.0-linux-aarch64.tar.gz", "a linux build\n");
    f.closer(&["build"]).ok();
    let server = crate::http::Server::start(crate::http::Behaviour::Files(f.path("site")));
    let b = crate::webdriver::Browser::start("UTC", true);
    b.goto(&format!("{}vidplay/5.1.0/index.html", server.url()));
    let saved = tempfile::tempdir().unwrap();
    let file = saved.path().join("vidplay-5.1.0-linux-aarch64.tar.gz");
    std::fs::write(&file, "a linux build, corrupted\n").unwrap();
    b.type_into("#closer-check-file", file.to_str().unwrap());
    let v = b.wait_for("var v = document.getElementById('closer-check').getAttribute('data-verdict'); return v === 'does-not-match' || v === 'matches' ? v : null;");
    let text = b.js("return document.getElementById('closer-check-result').textContent;");
    assert_eq!(v, "does-not-match", "{text}");
    assert!(
        text.as_str().unwrap().contains("this is not linux/vidplay-5.1.0-linux-aarch64.tar.gz as published"),
        "{text}"
    );
}

/// A Linux tarball and an AppImage for one machine were both "Download for Linux x86-64":
/// each says its format now.
#[test]
fn two_builds_for_one_platform_say_their_formats() {
    let f = Fixture::new();
    unsigned(&f, "vidplay");
    for rel in ["vidplay-5.1.0.tar.gz", "vidplay-5.1.0-linux-x86_64.tar.gz", "vidplay-5.1.0-x86_64.AppImage"] {
        f.write(&format!("dist/vidplay/5.1.0/{rel}"), rel);
    }
    f.closer(&["build"]).ok();
    let page = f.read("site/vidplay/index.html");
    for label in ["Download for Linux x86-64 (tar.gz)</a>", "Download for Linux x86-64 (AppImage)</a>"] {
        assert!(page.contains(label), "{label}: {page}");
    }
}

/// A final release of another line (`p-agent-3.0.msi` beside `p-1.0.tar.gz`: two
/// products, two lines) was announced in the download box as "A pre-release, 3.0, is
/// also available for testing".
#[test]
fn a_newer_final_of_another_line_is_never_called_a_pre_release() {
    let f = Fixture::new();
    unsigned(&f, "p");
    f.write("dist/p/p-1.0.tar.gz", "p 1.0\n");
    f.write("dist/p/p-agent-3.0.msi", "agent 3.0\n");
    f.write("dist/p/p-2.0-rc1.tar.gz", "p 2.0-rc1\n");
    f.closer(&["build"]).ok();
    let page = f.read("site/p/index.html");
    assert!(!page.contains("A pre-release, <a href=\"#v3.0\">"), "{page}");
    assert!(page.contains("A pre-release, <a href=\"#v2.0-rc1\">2.0-rc1</a>, is also available"), "{page}");
}
