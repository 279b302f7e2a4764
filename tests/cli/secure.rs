//! The browser never downgrades: a download page served over https (a real TLS server,
//! `openssl s_server`, with a certificate the test makes) sends no download to an
//! http-only mirror, even the nearest one; the same page over http does. Headless
//! Chromium decides, as a visitor's browser would.

use crate::http::{Behaviour, Server};
use crate::probe::{json, mirror, now, registry, site_mirror};
use crate::util::Fixture;
use crate::webdriver::Browser;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `openssl s_server -WWW` serving a directory over TLS on a free port.
struct Tls {
    child: Child,
    port: u16,
    _keys: tempfile::TempDir,
}

impl Tls {
    fn serve(dir: &std::path::Path) -> Tls {
        let keys = tempfile::tempdir().unwrap();
        let (cert, key) = (keys.path().join("cert.pem"), keys.path().join("key.pem"));
        let made = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"])
            .args(["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl is needed for the https test (scripts/test installs it)");
        assert!(made.success(), "openssl req failed");
        let port = crate::http::closed_port();
        let child = Command::new("openssl")
            .args(["s_server", "-quiet", "-WWW", "-accept", &format!("127.0.0.1:{port}"), "-cert"])
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed() < Duration::from_secs(10), "openssl s_server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Tls { child, port, _keys: keys }
    }
}

impl Drop for Tls {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn an_https_page_never_links_an_http_only_mirror() {
    let f = Fixture::new();
    // `plain` is in Tokyo with http only; `secure` is in Frankfurt with https.
    let entries = [
        mirror("plain", ("JP", "AS", 35.68, 139.69), 10000, "http://127.0.0.2:8080/plain/", ""),
        mirror("secure", ("DE", "EU", 50.11, 8.68), 1000, "https://127.0.0.1:8443/secure/", ""),
    ];
    f.write("mirrors.yaml", &registry(&entries));
    f.closer(&["build"]).ok();
    // Both probed up to date (written as `closer probe` would).
    let stamp: i64 = f.read("dist/zzz/time.txt").split(' ').next().unwrap().parse().unwrap();
    let t = now();
    let state = |url: &str| {
        serde_json::json!({"url": url, "ok": true, "stamp": stamp, "latency_ms": 5, "checked_at": t,
            "history": [{"at": t, "ok": true, "stamp": stamp, "primary_stamp": stamp}]})
    };
    let probe = serde_json::json!({"format": 1, "probed_at": t, "primary_stamp": stamp, "mirrors": {
        "plain": state("http://127.0.0.2:8080/plain/zzz/time.txt"),
        "secure": state("https://127.0.0.1:8443/secure/zzz/time.txt")}});
    f.write("probe.json", &probe.to_string());
    f.closer(&["build"]).ok();

    let doc = json(&f, "site/mirrors.json");
    assert_eq!(site_mirror(&doc, "plain")["https"], false);
    assert_eq!(site_mirror(&doc, "secure")["https"], true);
    let page = f.read("site/alpha/index.html");
    assert!(page.contains("http only: not offered on https pages"), "the list says why");
    assert!(f.read("site/mirrors.html").contains("no https"), "the status page marks it");

    let tls = Tls::serve(&f.path("site"));
    let http = Server::start(Behaviour::Files(f.path("site")));
    let b = Browser::start_with("Asia/Tokyo", true, &["--ignore-certificate-errors"]);
    // Over http, the nearest mirror serves, http or not.
    b.goto(&format!("{}alpha/index.html", http.url()));
    assert_eq!(b.wait_closer(), "ready");
    assert_eq!(b.chosen("alpha-1.10.tar.gz"), "plain");
    // Over https, never an http URL: the far https mirror instead, and the picker
    // offers no http-only mirror.
    b.goto(&format!("https://127.0.0.1:{}/alpha/index.html", tls.port));
    assert_eq!(b.js("return location.protocol;"), "https:");
    assert_eq!(b.wait_closer(), "ready");
    for file in ["alpha-1.10.tar.gz", "alpha-1.9.zip"] {
        assert_eq!(b.chosen(file), "secure", "{file}");
    }
    let hrefs = b.js("return Array.from(document.querySelectorAll('a.download')).map(a => a.href);");
    let hrefs: Vec<&str> = hrefs.as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(!hrefs.is_empty() && hrefs.iter().all(|h| h.starts_with("https://")), "{hrefs:?}");
    let options = b.js("return Array.from(document.querySelectorAll('#closer-mirror option')).map(o => o.value);");
    assert_eq!(options, serde_json::json!(["", "secure"]));
    // Even chosen by hand, an http-only mirror is not used from an https page.
    // (s_server serves no query strings: the remembered choice stands in for ?preferred=.)
    b.js("localStorage.setItem('closer.mirror', 'plain');");
    b.refresh();
    b.wait_closer();
    assert_eq!(b.chosen("alpha-1.10.tar.gz"), "secure");
}
