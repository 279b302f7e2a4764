//! `closer serve` as a user meets it: the real binary on a free port of 127.0.0.1, pages
//! fetched over HTTP, an edit seen as a reload event and a new page, a broken template
//! shown as an overlay over the last good site, traversal refused, content types right.

use crate::util::Fixture;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

struct Serve {
    child: Child,
    base: String,
    log: Receiver<String>,
}

impl Serve {
    fn start(f: &Fixture, extra: &[&str]) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_closer"))
            .args(["serve", "--port", "0"])
            .args(extra)
            .current_dir(f.dir.path())
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, log) = channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut s = Serve { child, base: String::new(), log };
        let start = Instant::now();
        while s.base.is_empty() {
            let line = s.log.recv_timeout(Duration::from_secs(30)).expect("closer serve said nothing");
            if let Some(rest) = line.strip_prefix("serving ") {
                s.base = rest.split(" at ").nth(1).unwrap().split(' ').next().unwrap().to_string();
            }
            assert!(start.elapsed() < Duration::from_secs(30));
        }
        s
    }

    fn get(&self, path: &str) -> (u16, String, String) {
        let agent: ureq::Agent =
            ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
        let mut r = agent.get(&format!("{}{}", self.base.trim_end_matches('/'), path)).call().unwrap();
        let ctype = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        (r.status().as_u16(), ctype, r.body_mut().read_to_string().unwrap_or_default())
    }

    /// The server-sent events, one `event` name per item, read on a thread.
    fn events(&self) -> Receiver<(String, String)> {
        let (tx, rx) = channel();
        let url = format!("{}__closer/events", self.base);
        std::thread::spawn(move || {
            let resp = ureq::get(&url).call().unwrap();
            let mut reader = BufReader::new(resp.into_body().into_reader());
            let (mut name, mut line) = (String::new(), String::new());
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                let l = line.trim_end().to_string();
                line.clear();
                if let Some(n) = l.strip_prefix("event: ") {
                    name = n.to_string();
                } else if let Some(d) = l.strip_prefix("data: ")
                    && tx.send((name.clone(), d.to_string())).is_err()
                {
                    return;
                }
            }
        });
        rx
    }

    /// Raw request line, so that `..` reaches the server as sent.
    fn raw(&self, path: &str) -> String {
        let addr = self.base.trim_start_matches("http://").trim_end_matches('/');
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn next_event(rx: &Receiver<(String, String)>, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok((name, data)) if name == want => return data,
            Ok(_) => continue,
            Err(_) => break,
        }
    }
    panic!("no `{want}` event within 10 s");
}

#[test]
fn serve_rebuilds_reloads_and_shows_errors_over_the_last_good_site() {
    let f = Fixture::new();
    let s = Serve::start(&f, &[]);
    assert!(s.base.starts_with("http://127.0.0.1:"), "loopback by default: {}", s.base);

    let (code, ctype, home) = s.get("/");
    assert_eq!((code, ctype.as_str()), (200, "text/html; charset=utf-8"));
    assert!(home.contains("<script src=\"/__closer/reload.js\"></script>"));
    assert!(!f.read("site/index.html").contains("__closer"), "the reload script is never written to the site");
    assert!(
        !f.path("dist/zzz").exists() && !f.path("dist/fullfiletimelist-dist").exists(),
        "serve never writes the release tree"
    );

    let events = s.events();
    assert_eq!(next_event(&events, "ok"), "1");
    // An edit: a reload event, and the new text on the page.
    let before = Instant::now();
    f.write("content/alpha.md", "---\ntitle: Alpha\ndescription: Edited while serving.\n---\nAlpha intro.\n");
    next_event(&events, "reload");
    let took = before.elapsed();
    let (_, _, page) = s.get("/alpha/");
    assert!(page.contains("Edited while serving."), "{page}");
    eprintln!("edit to reload event: {} ms", took.as_millis());

    // A broken template: the error reaches the page as an overlay, over the last good site.
    f.write("templates/base.html", "{% block content %}{% if %}{% endblock content %}");
    let message = next_event(&events, "failed");
    assert!(message.contains("template"), "{message}");
    let (code, _, page) = s.get("/alpha/");
    assert_eq!(code, 200);
    assert!(page.contains("Edited while serving."), "the last good page is still served");
    assert!(page.contains("<div id=\"closer-error\" role=\"alert\""), "{page}");
    assert!(page.contains("template"));
    // Fixing it clears the error and reloads.
    std::fs::remove_file(f.path("templates/base.html")).unwrap();
    next_event(&events, "reload");
    let (_, _, page) = s.get("/alpha/");
    assert!(!page.contains("<div id=\"closer-error\""));

    // Traversal is refused, however it is spelled.
    for path in [
        "/../mirrors.yaml",
        "/%2e%2e/mirrors.yaml",
        "/alpha/../../mirrors.yaml",
        "/..%2fmirrors.yaml",
        "/a%5c..%5cmirrors.yaml",
    ] {
        let resp = s.raw(path);
        assert!(resp.starts_with("HTTP/1.1 404"), "{path}: {}", resp.lines().next().unwrap_or(""));
        assert!(!resp.contains("primary:"), "{path} leaked the registry");
    }
    let (code, _, page) = s.get("/no/such/page.html");
    assert_eq!(code, 404);
    assert!(page.contains("<h1>Not found</h1>"));
    redirects(&f, &s);

    // Content types.
    for (path, want) in [
        ("/alpha/1.10/alpha-1.10.tar.gz.meta4", "application/metalink4+xml"),
        ("/alpha/1.10/alpha-1.10.tar.gz.asc", "application/pgp-signature"),
        ("/alpha/1.10/alpha-1.10.tar.gz.sha512", "text/plain; charset=utf-8"),
        ("/alpha/1.10/SHA512SUMS", "text/plain; charset=utf-8"),
        ("/mirrors.json", "application/json"),
        ("/feed.xml", "application/atom+xml"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/closer.js", "text/javascript; charset=utf-8"),
    ] {
        let (code, ctype, _) = s.get(path);
        assert_eq!((code, ctype.as_str()), (200, want), "{path}");
    }
    assert_eq!(closer::commands::serve::content_type("a/lag.svg"), "image/svg+xml");
}

/// `/alpha` redirects to `/alpha/` so relative links work. Each answer closes its
/// connection (tiny_http's pool otherwise let a browser's page wait 20 s for a script);
/// a line break in a directory's name stays in the redirect's address.
fn redirects(f: &Fixture, s: &Serve) {
    let resp = s.raw("/alpha");
    assert!(
        resp.starts_with("HTTP/1.1 301") && resp.contains("\r\nConnection: close\r\nLocation: /alpha/\r\n"),
        "{resp}"
    );
    std::fs::create_dir(f.path("site/a\r\nSet-Cookie: x=1")).unwrap();
    let resp = s.raw("/a%0D%0ASet-Cookie:%20x=1");
    assert!(resp.contains("Location: /a%0D%0ASet-Cookie: x=1/\r\n") && !resp.contains("\nSet-Cookie"), "{resp}");
}

#[test]
fn serve_polls_when_asked_and_sees_new_releases() {
    let f = Fixture::new();
    let s = Serve::start(&f, &["--poll"]);
    let events = s.events();
    next_event(&events, "ok");
    f.write("dist/beta/0.2/beta-0.2.tar.gz", "beta 0.2\n");
    f.sign();
    // The poll may see the upload in two steps (the file, then its signature): the
    // reload that shows it may be the second.
    let mut page = String::new();
    for _ in 0..2 {
        next_event(&events, "reload");
        page = s.get("/beta/").2;
        if page.contains("beta-0.2.tar.gz") {
            break;
        }
    }
    assert!(page.contains("beta-0.2.tar.gz"), "{page}");
    // Only the new file and its signature were read; everything else came from the cache.
    let log: Vec<String> = s.log.try_iter().collect();
    let rebuilt = log.iter().rev().find(|l| l.starts_with("rebuilt in")).unwrap_or_else(|| panic!("{log:?}"));
    // (The upload may be seen in two steps, the file and then its signature.)
    assert!(
        rebuilt.contains("(2 files hashed, 1 signature checked;")
            || rebuilt.contains("(1 file hashed, 1 signature checked;"),
        "{rebuilt}"
    );
    assert!(!f.path("dist/zzz").exists(), "serve never writes the release tree");
    // A sponsor's logo added while serving is in the site at the next reload.
    f.write("logos/eu-one.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"4\" height=\"4\"/></svg>");
    next_event(&events, "reload");
    let (code, ctype, body) = s.get("/logos/eu-one.svg");
    assert_eq!((code, ctype.as_str()), (200, "image/svg+xml"), "{body}");
}

#[test]
fn serve_refuses_a_busy_port_clearly() {
    let f = Fixture::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = f.closer(&["serve", "--port", &port]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")), "{}", run.stderr);
}

#[test]
fn the_browser_reloads_itself_and_shows_the_overlay() {
    let f = Fixture::new();
    let s = Serve::start(&f, &[]);
    let b = crate::webdriver::Browser::start("UTC", true);
    b.goto(&format!("{}alpha/", s.base));
    // The page reloads itself while the test polls it; Chromium sometimes leaves such a
    // reload pending, and a poll then waits on it: fail that poll fast and poll again.
    b.page_load_timeout(2000);
    let wait_for = |script: &str, what: &str| {
        let start = Instant::now();
        loop {
            match b.try_js(script) {
                Ok(serde_json::Value::Bool(true)) => break,
                Ok(_) => {}
                Err(e) if e.contains("timeout") => eprintln!("polling again after {e}"),
                Err(e) => panic!("{e}"),
            }
            // Generous: under the whole suite's load on two cores Chromium's renderer was
            // seen to stall for 20 s and more (every poll timing out) before it went on.
            // When it fails, say what serve did and what the page shows: the failure seen
            // under load (the overlay never came, every poll answered) is not explained yet.
            if start.elapsed() > Duration::from_secs(90) {
                let log: Vec<String> = s.log.try_iter().collect();
                let page = b.try_js(
                    "return [String(window.__old_page), document.readyState, \
                     'events ' + document.documentElement.dataset.closerEvents, \
                     'stream ' + document.documentElement.dataset.closerStream, \
                     (document.getElementById('closer-error') || {}).textContent || 'no overlay', \
                     document.body.textContent.slice(0, 300)].join(' | ');",
                );
                panic!("{what} did not happen within 90 s\nserve said: {log:#?}\nthe page: {page:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    // The event stream is open once the page has its first event; mark this page.
    std::thread::sleep(Duration::from_millis(300));
    b.js("window.__old_page = true; return null;");
    f.write("content/alpha.md", "---\ntitle: Alpha\ndescription: Seen in the browser.\n---\n");
    wait_for("return !window.__old_page && document.body.textContent.includes('Seen in the browser.');", "a reload");
    b.js("window.__old_page = true; return null;");
    f.write(
        "templates/project.html",
        "{% extends \"base.html\" %}{% block content %}{{ nope( }}{% endblock content %}",
    );
    wait_for(
        "var e = document.getElementById('closer-error'); return !!e && e.textContent.includes('template');",
        "the overlay",
    );
    assert_eq!(b.js("return window.__old_page === true;"), true, "the overlay came without a reload");
    std::fs::remove_file(f.path("templates/project.html")).unwrap();
    wait_for(
        "return !window.__old_page && !document.getElementById('closer-error');",
        "a reload that clears the overlay",
    );
}
