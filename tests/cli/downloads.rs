//! What a downloader sees first and does last, in headless Chromium: the project page
//! offers the newest stable release's build for the visitor's platform (from client
//! hints or the user agent string), the source archive otherwise and without
//! JavaScript; a release page checks a chosen file's SHA-512 in the browser; the verify
//! commands have copy buttons, and a release signed by one key says so once.

use crate::http::{Behaviour, Server};
use crate::util::Fixture;
use crate::webdriver::Browser;
use serde_json::json;

// A musl build sorts before the plain one: the page offers the broadest of builds alike.
const BUILDS: [&str; 6] = [
    "alpha-1.10-linux-musl-x86_64.tar.gz",
    "alpha-1.10-linux-x86_64.tar.gz",
    "alpha-1.10-linux-aarch64.tar.gz",
    "alpha-1.10-windows-x86_64.zip",
    "alpha-1.10-macos-arm64.tar.gz",
    "alpha-1.10-freebsd-x86_64.tar.gz",
];

/// The fixture with per-platform builds of alpha 1.10 and a newer pre-release, built.
fn site() -> (Fixture, Server) {
    let f = Fixture::new();
    for b in BUILDS {
        f.write(&format!("dist/alpha/1.10/{b}"), &format!("{b} build\n"));
    }
    f.write("dist/alpha/2.0-rc1/alpha-2.0-rc1.tar.gz", "alpha 2.0-rc1\n");
    f.write("content/alpha.md", "---\ntitle: Alpha\nkeep: 3\n---\nAlpha intro.\n");
    f.sign();
    f.closer(&["build"]).ok();
    let server = Server::start(Behaviour::Files(f.path("site")));
    (f, server)
}

/// The file names the project page's opening download offers, visible ones in order.
fn offered(b: &Browser, url: &str) -> Vec<String> {
    b.goto(url);
    b.wait_for("return document.documentElement.getAttribute('data-platform');");
    let v = b.js("return Array.from(document.querySelectorAll('#closer-get li')).filter(li => !li.hidden).map(li => li.querySelector('a').getAttribute('data-path'));");
    v.as_array().unwrap().iter().map(|p| p.as_str().unwrap().rsplit('/').next().unwrap().to_string()).collect()
}

/// Client hints: platform, architecture, bitness.
type Hints<'a> = Option<(&'a str, &'a str, &'a str)>;

fn agent(b: &Browser, ua: &str, hints: Hints) {
    let mut params = json!({"userAgent": ua});
    // Client hints as the browser would send them; an empty platform leaves only the
    // user agent string to go by.
    let (platform, architecture, bitness) = hints.unwrap_or(("", "", ""));
    params["userAgentMetadata"] = json!({
        "brands": [{"brand": "Chromium", "version": "156"}], "fullVersion": "156.0.0.0",
        "platform": platform, "platformVersion": "", "architecture": architecture,
        "bitness": bitness, "model": "", "mobile": false
    });
    b.cdp("Emulation.setUserAgentOverride", params);
}

#[test]
fn the_project_page_offers_the_visitors_platform_first_and_the_source_to_the_rest() {
    let (f, server) = site();
    let page = format!("{}alpha/index.html", server.url());
    let linux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
    let windows =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
    let mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
    let arm = "Mozilla/5.0 (X11; Linux aarch64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
    let iphone =
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";
    let cases: &[(&str, Hints, &str)] = &[
        // Client hints: the processor is known.
        (linux, Some(("Windows", "x86", "64")), "alpha-1.10-windows-x86_64.zip"),
        (mac, Some(("macOS", "arm", "64")), "alpha-1.10-macos-arm64.tar.gz"),
        (linux, Some(("Linux", "arm", "64")), "alpha-1.10-linux-aarch64.tar.gz"),
        (linux, Some(("Linux", "x86", "64")), "alpha-1.10-linux-x86_64.tar.gz"),
        // The user agent string alone.
        (linux, None, "alpha-1.10-linux-x86_64.tar.gz"),
        (arm, None, "alpha-1.10-linux-aarch64.tar.gz"),
        (windows, None, "alpha-1.10-windows-x86_64.zip"),
        (mac, None, "alpha-1.10-macos-arm64.tar.gz"),
        (
            "Mozilla/5.0 (X11; FreeBSD amd64; rv:120.0) Gecko/20100101 Firefox/120.0",
            None,
            "alpha-1.10-freebsd-x86_64.tar.gz",
        ),
    ];
    let b = Browser::start("UTC", true);
    for (ua, hints, want) in cases {
        agent(&b, ua, *hints);
        let got = offered(&b, &page);
        // The build first, the source archive still one click away, nothing else shown.
        assert_eq!(got, vec![want.to_string(), "alpha-1.10.tar.gz".to_string()], "{ua} {hints:?}");
    }
    // The verify lines shown are the offered build's (they named the source archive: a
    // downloader who pasted them over the build got "No such file").
    agent(&b, linux, Some(("Linux", "x86", "64")));
    offered(&b, &page);
    let shown = b.js("return Array.from(document.querySelectorAll('.verify-for')).filter(d => !d.hidden).map(d => d.querySelector('pre code').textContent);");
    let shown = shown.as_array().unwrap();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(shown[0].as_str().unwrap().contains("sha512sum -c alpha-1.10-linux-x86_64.tar.gz.sha512"), "{shown:?}");
    // Safari on a Mac tells no processor: the Apple silicon build is a guess, said so.
    let said = |b: &Browser| b.js("return document.querySelector('#closer-get li').textContent;");
    agent(&b, mac, None);
    offered(&b, &page);
    assert!(said(&b).as_str().unwrap().contains("likely your system"), "{}", said(&b));
    agent(&b, mac, Some(("macOS", "arm", "64")));
    offered(&b, &page);
    assert!(said(&b).as_str().unwrap().contains("matches your system"), "{}", said(&b));
    // No build for a phone: the source archive, alone.
    agent(&b, iphone, None);
    assert_eq!(offered(&b, &page), vec!["alpha-1.10.tar.gz"]);
    // iPadOS's Safari says it is a Mac; its touch screen says it is not.
    agent(&b, mac, None);
    b.cdp("Emulation.setTouchEmulationEnabled", json!({"enabled": true, "maxTouchPoints": 5}));
    assert_eq!(offered(&b, &page), vec!["alpha-1.10.tar.gz"]);
    b.cdp("Emulation.setTouchEmulationEnabled", json!({"enabled": false}));
    // The link goes where the table's link for that file goes (a mirror or the primary).
    let same = b.js("var get = document.querySelector('#closer-get a'); var row = Array.from(document.querySelectorAll('table a.download')).find(a => a.getAttribute('data-path') === get.getAttribute('data-path')); return get.href === row.href;");
    assert_eq!(same, json!(true));

    // Without JavaScript: the source archive of the newest stable release, not the
    // newer pre-release, which is named and marked.
    let html = f.read("site/alpha/index.html");
    let get = &html[html.find("id=\"closer-get\"").unwrap()..html.find("</ul>").unwrap()];
    let shown: Vec<&str> = get.split("<li").skip(1).filter(|li| !li.contains(" hidden>")).collect();
    assert_eq!(shown.len(), 1, "{get}");
    assert!(shown[0].contains("alpha/1.10/alpha-1.10.tar.gz") && shown[0].contains("Download source code"), "{get}");
    assert!(!get.contains("2.0-rc1"), "a pre-release is never the default: {get}");
    assert!(html.contains("A pre-release, <a href=\"#v2.0-rc1\">2.0-rc1</a>, is also available"), "{html}");
    let nojs = Browser::start("UTC", false);
    nojs.goto(&page);
    let visible = nojs.js("return Array.from(document.querySelectorAll('#closer-get a')).filter(a => a.offsetParent !== null).map(a => a.textContent);");
    assert_eq!(visible, json!(["Download source code"]));
}

/// Grafana ships one Mac build, for Intel, and etcd's Windows build is x86-64 alone: a
/// Mac (Apple silicon or unknown) and Windows on Arm run those under emulation, and were
/// offered the Linux build (the page's default) instead.
#[test]
fn a_build_the_system_runs_under_emulation_is_offered_before_another_systems() {
    let f = Fixture::new();
    for b in ["gamma-3.1-linux-amd64.tar.gz", "gamma-3.1-darwin-amd64.tar.gz", "gamma-3.1-windows-386.zip"] {
        f.write(&format!("dist/gamma/3.1/{b}"), &format!("{b} build\n"));
    }
    f.write("content/gamma.md", "---\ntitle: Gamma\n---\n");
    f.write("dist/gamma/KEYS", &f.read("dist/alpha/KEYS"));
    f.sign();
    f.closer(&["build"]).ok();
    let server = Server::start(Behaviour::Files(f.path("site")));
    let page = format!("{}gamma/index.html", server.url());
    let mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
    let windows =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
    let b = Browser::start("UTC", true);
    let cases: &[(&str, Hints, &str)] = &[
        (mac, None, "gamma-3.1-darwin-amd64.tar.gz"),
        (mac, Some(("macOS", "arm", "64")), "gamma-3.1-darwin-amd64.tar.gz"),
        (windows, Some(("Windows", "arm", "64")), "gamma-3.1-windows-386.zip"),
        (windows, None, "gamma-3.1-windows-386.zip"),
    ];
    for (ua, hints, want) in cases {
        agent(&b, ua, *hints);
        let got = offered(&b, &page);
        assert_eq!(got.first().map(String::as_str), Some(*want), "{ua} {hints:?}: {got:?}");
        let said = b.js("return document.querySelector('#closer-get li').textContent;");
        assert!(said.as_str().unwrap().contains("under emulation"), "{said}");
    }
}

/// Tor Browser's release carries the tor daemon alone for each machine
/// (`tor-expert-bundle-macos-aarch64-…`) beside the browser, whose Mac build names no
/// machine: a Mac that told its processor was offered the daemon, "matching" it.
#[test]
fn the_projects_own_program_comes_before_another_that_fits_better() {
    let f = Fixture::new();
    let builds = [
        "tor-browser-macos-14.0.3.dmg",
        "tor-expert-bundle-macos-aarch64-14.0.3.tar.gz",
        "tor-browser-linux-x86_64-14.0.3.tar.xz",
    ];
    for b in builds {
        f.write(&format!("dist/torbrowser/14.0.3/{b}"), &format!("{b} build\n"));
    }
    f.write("content/torbrowser.md", "---\ntitle: Tor Browser\n---\n");
    f.write("dist/torbrowser/KEYS", &f.read("dist/alpha/KEYS"));
    f.sign();
    f.closer(&["build"]).ok();
    let server = Server::start(Behaviour::Files(f.path("site")));
    let page = format!("{}torbrowser/index.html", server.url());
    let mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
    let b = Browser::start("UTC", true);
    agent(&b, mac, Some(("macOS", "arm", "64")));
    let got = offered(&b, &page);
    assert_eq!(got.first().map(String::as_str), Some(builds[0]), "{got:?}");
}

/// dmd's `dmd.2.109.1.linux.tar.xz` (for any processor) beside its `dmd_2.109.1-0_amd64.deb`:
/// a Linux x86-64 visitor was offered the Debian package, the closer fit by machine,
/// though the page offers the broadest of builds that surely run. An Android visitor is
/// offered Tor's Android build, a Linux one its Linux build.
#[test]
fn the_broadest_build_that_surely_runs_comes_first_and_android_is_its_own_system() {
    let f = Fixture::new();
    let builds = ["dmd.2.109.1.linux.tar.xz", "dmd_2.109.1-0_amd64.deb", "dmd-2.109.1-android-aarch64.tar.gz"];
    for b in builds {
        f.write(&format!("dist/dmd/2.109.1/{b}"), &format!("{b} build\n"));
    }
    f.write("dist/dmd/2.109.1/dmd-2.109.1.tar.gz", "sources\n");
    f.write("content/dmd.md", "---\ntitle: dmd\nunsigned: \"in this test\"\n---\n");
    f.closer(&["build"]).ok();
    let server = Server::start(Behaviour::Files(f.path("site")));
    let page = format!("{}dmd/index.html", server.url());
    let linux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
    let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36";
    let b = Browser::start("UTC", true);
    let cases: &[(&str, Hints, &str)] = &[
        (linux, Some(("Linux", "x86", "64")), builds[0]),
        (linux, None, builds[0]),
        (android, Some(("Android", "arm", "64")), builds[2]),
        (android, None, builds[2]),
    ];
    for (ua, hints, want) in cases {
        agent(&b, ua, *hints);
        let got = offered(&b, &page);
        assert_eq!(got.first().map(String::as_str), Some(*want), "{ua} {hints:?}: {got:?}");
    }
}

#[test]
fn primary_in_front_matter_chooses_the_default_and_must_name_a_file() {
    let (f, _server) = site();
    f.write("content/alpha.md", "---\ntitle: Alpha\nkeep: 3\nprimary: \"alpha-*0.zip\"\n---\n");
    f.closer(&["build"]).ok();
    let html = f.read("site/alpha/index.html");
    let default = html.split("<li").find(|li| li.contains("data-default")).unwrap();
    assert!(default.contains("alpha/1.10/alpha-1.10.zip\""), "{default}");
    f.write("content/alpha.md", "---\ntitle: Alpha\nprimary: \"*.dmg\"\n---\n");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/alpha.md") && run.stderr.contains("primary \"*.dmg\" names no file"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("fix:"), "{}", run.stderr);
}

#[test]
fn a_release_page_checks_a_downloaded_file_in_the_browser() {
    let (f, server) = site();
    let b = Browser::start_logging("UTC");
    b.goto(&format!("{}alpha/1.10/index.html", server.url()));
    let verdict = |path: &std::path::Path| {
        b.js("document.getElementById('closer-check').removeAttribute('data-verdict'); document.getElementById('closer-check-file').value = '';");
        b.type_into("#closer-check-file", path.to_str().unwrap());
        let v = b.wait_for("var v = document.getElementById('closer-check').getAttribute('data-verdict'); return v === 'matches' || v === 'does-not-match' || v === 'unknown' ? v : null;");
        let text = b.js("return document.getElementById('closer-check-result').textContent;");
        (v.as_str().unwrap().to_string(), text.as_str().unwrap().to_string())
    };
    let real = f.path("dist/alpha/1.10/alpha-1.10-windows-x86_64.zip");
    let (v, text) = verdict(&real);
    assert_eq!(v, "matches", "{text}");
    assert!(text.contains("alpha-1.10-windows-x86_64.zip exactly as published"), "{text}");
    // The same name, one byte changed.
    let other = tempfile::tempdir().unwrap();
    let changed = other.path().join("alpha-1.10-windows-x86_64.zip");
    let mut bytes = std::fs::read(&real).unwrap();
    bytes[0] ^= 1;
    std::fs::write(&changed, bytes).unwrap();
    let (v, text) = verdict(&changed);
    assert_eq!(v, "does-not-match", "{text}");
    assert!(text.contains("Does not match: this is not alpha-1.10-windows-x86_64.zip"), "{text}");
    // A renamed download (the browser's "(1)") is still recognised by its content.
    let renamed = other.path().join("alpha-1.10 (1).tar.gz");
    std::fs::copy(f.path("dist/alpha/1.10/alpha-1.10.tar.gz"), &renamed).unwrap();
    let (v, text) = verdict(&renamed);
    assert_eq!(v, "matches", "{text}");
    assert!(text.contains("this is alpha-1.10.tar.gz"), "{text}");
    // Nothing was sent anywhere: every request on the network went to the site.
    let web: Vec<String> = b.requested_urls().into_iter().filter(|u| u.starts_with("http")).collect();
    assert!(web.iter().any(|u| u.ends_with("page.js")), "{web:?}");
    assert!(web.iter().all(|u| u.starts_with(&server.url())), "{web:?}");
}

#[test]
fn verify_commands_have_copy_buttons_and_one_signer_is_named_once() {
    let (f, server) = site();
    let b = Browser::start("UTC", true);
    for page in ["alpha/index.html", "alpha/1.10/index.html"] {
        b.goto(&format!("{}{page}", server.url()));
        let n =
            b.wait_for("var n = document.querySelectorAll('section.verify button.copy').length; return n ? n : null;");
        let blocks = b.js("return document.querySelectorAll('section.verify pre').length;");
        assert_eq!(n, blocks, "{page}: one button per block");
        // (The lines shown: on the project page, those of the build it offers.)
        b.js("Array.from(document.querySelectorAll('section.verify button.copy')).find(x => x.offsetParent !== null).id = 'copy-under-test'; return true;");
        b.click("#copy-under-test");
        // Copied to the clipboard, or (no clipboard access) the commands selected.
        // (The clipboard answers asynchronously.)
        b.wait_for("var btn = document.getElementById('copy-under-test'); return btn.textContent === 'Copied' || String(window.getSelection()).includes('sha512sum -c') ? true : null;");
    }
    // Every file of 1.10 is signed by the demo key: one line says so, no row repeats it.
    let html = f.read("site/alpha/1.10/index.html");
    assert_eq!(html.matches("is signed by Demo Release Manager").count(), 1, "{html}");
    assert_eq!(html.matches("<div class=\"signer\">").count(), 0, "{html}");
}

/// With a newer pre-release present, everything that names "the" file agrees on the one
/// the page offers: the download button, the verify block, "Latest release" on the home
/// page; the feed marks the pre-release; `primary:` moves them all together.
#[test]
fn the_offered_file_the_verify_block_and_the_latest_release_agree() {
    let (f, server) = site();
    let b = Browser::start("UTC", true);
    let agree = |want: &str| {
        b.goto(&format!("{}alpha/index.html", server.url()));
        let default =
            b.js("return document.querySelector('#closer-get li[data-default] a').getAttribute('data-path');");
        assert_eq!(default, json!(format!("alpha/1.10/{want}")));
        let verify = b.js("return document.querySelector('section.verify').textContent;");
        let verify = verify.as_str().unwrap();
        assert!(
            verify.contains("For Alpha 1.10.") && verify.contains(&format!("gpg --verify {want}.asc {want}")),
            "{verify}"
        );
        assert!(!verify.contains("2.0-rc1"), "{verify}");
        assert!(verify.contains("sha512sum -c --ignore-missing SHA512SUMS"), "{verify}");
        // The release's own page gives its lines for the same file.
        b.goto(&format!("{}alpha/1.10/index.html", server.url()));
        let verify = b.js("return document.querySelector('section.verify').textContent;");
        assert!(verify.as_str().unwrap().contains(&format!("gpg --verify {want}.asc {want}")), "{verify}");
        b.goto(&server.url());
        let latest = b.js("return Array.from(document.querySelectorAll('table.projects tr')).find(tr => tr.textContent.includes('Alpha')).cells[1].textContent.trim();");
        assert_eq!(latest, json!("1.10"));
    };
    agree("alpha-1.10.tar.gz");
    assert!(f.read("site/alpha/feed.xml").contains("Alpha 2.0-rc1 (pre-release)"));
    // Scripts read the same choice, and every URL of the site they are given is there.
    let latest: serde_json::Value = serde_json::from_str(&f.read("site/alpha/latest.json")).unwrap();
    assert_eq!(
        (latest["format"].clone(), latest["offered"].clone()),
        (json!(1), json!("alpha/1.10/alpha-1.10.tar.gz"))
    );
    assert_eq!(latest["release"]["version"], json!("1.10"));
    for file in latest["release"]["files"].as_array().unwrap() {
        assert!(file["size"].as_u64().unwrap() > 0 && file["sha512"].as_str().unwrap().len() == 128, "{file}");
        for key in ["sha512_url", "signature_url"] {
            let url = file[key].as_str().unwrap();
            let rel = url.strip_prefix("https://downloads.example.org/").unwrap_or_else(|| panic!("{url}"));
            assert!(f.path(&format!("site/{rel}")).is_file(), "{key} {url} is not in the site");
        }
    }
    let all: serde_json::Value = serde_json::from_str(&f.read("site/releases.json")).unwrap();
    let alpha = all["projects"].as_array().unwrap().iter().find(|p| p["project"] == "alpha").unwrap();
    assert_eq!(alpha["latest"], json!("1.10"));
    assert_eq!(alpha["current"][0]["version"], json!("2.0-rc1"), "every current release, newest first");
    // `closer releases --json` carries the same fields for each artifact.
    let inferred: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let text = inferred.to_string();
    let tarball =
        &latest["release"]["files"].as_array().unwrap().iter().find(|x| x["name"] == "alpha-1.10.tar.gz").unwrap();
    for key in ["size", "sha512", "url", "archive_url"] {
        assert!(text.contains(&format!("\"{key}\":{}", tarball[key])), "releases --json lacks {key} {}", tarball[key]);
    }
    f.write("content/alpha.md", "---\ntitle: Alpha\nkeep: 3\nprimary: \"alpha-*0.zip\"\n---\n");
    f.closer(&["build"]).ok();
    agree("alpha-1.10.zip");
}
