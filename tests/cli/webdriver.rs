//! Drives real headless Chromium through chromedriver (the W3C WebDriver protocol, over
//! HTTP on 127.0.0.1 with a free port), with the time zone set through `TZ`.

#![allow(dead_code)]

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// How many browsers may run at once. Each Chromium wants a core while it renders; the
/// test harness runs as many tests as there are cores, and with every browser test
/// running together on a two-core machine a renderer starved past WebDriver's timeouts.
const BROWSERS_AT_ONCE: usize = 2;

static RUNNING: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

/// One of the [`BROWSERS_AT_ONCE`] places, given back when the browser is dropped.
struct Slot;

impl Slot {
    fn take() -> Slot {
        let (lock, freed) = &RUNNING;
        let mut running = lock.lock().unwrap_or_else(|e| e.into_inner());
        while *running >= BROWSERS_AT_ONCE {
            running = freed.wait(running).unwrap_or_else(|e| e.into_inner());
        }
        *running += 1;
        Slot
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let (lock, freed) = &RUNNING;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        freed.notify_one();
    }
}

pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
    _slot: Slot,
}

fn chromium_binary() -> &'static str {
    ["/usr/lib/chromium/chromium", "/usr/bin/chromium"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("chromium is needed for the browser tests (scripts/test installs it)")
}

impl Browser {
    /// A browser whose clock runs in time zone `tz`; `javascript: false` turns scripts off.
    pub fn start(tz: &str, javascript: bool) -> Browser {
        Browser::start_with(tz, javascript, &[])
    }

    /// [`Browser::start`] with scripts on and the network events recorded, for
    /// [`Browser::requested_urls`].
    pub fn start_logging(tz: &str) -> Browser {
        Browser::launch(tz, true, &[], true)
    }

    /// [`Browser::start`] with more command-line switches for Chromium.
    pub fn start_with(tz: &str, javascript: bool, extra: &[&str]) -> Browser {
        Browser::launch(tz, javascript, extra, false)
    }

    fn launch(tz: &str, javascript: bool, extra: &[&str], log: bool) -> Browser {
        let slot = Slot::take();
        let port = crate::http::closed_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .env("TZ", tz)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is needed for the browser tests (scripts/test installs it)");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while agent.get(&format!("{base}/status")).call().is_err() {
            assert!(start.elapsed() < Duration::from_secs(20), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().unwrap();
        let mut args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-quic".into(),
            // A page that reloads itself while polled (`closer serve`'s) stalled the
            // renderer for 90 s under the suite's load: keep its timers and renderer
            // running at full priority whatever Chromium thinks of its visibility.
            "--disable-renderer-backgrounding".into(),
            "--disable-background-timer-throttling".into(),
            "--disable-backgrounding-occluded-windows".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        if !javascript {
            args.push("--blink-settings=scriptEnabled=false".into());
        }
        args.extend(extra.iter().map(|a| a.to_string()));
        // `eager`: navigation returns once the document is parsed (deferred scripts have
        // run), not after every image; the tests wait for what they check. Under load a
        // stalled subresource held whole navigations past the client's timeout.
        let mut caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "pageLoadStrategy": "eager",
            "timeouts": {"pageLoad": 20000},
            "goog:chromeOptions": {"binary": chromium_binary(), "args": args}
        }}});
        if log {
            caps["capabilities"]["alwaysMatch"]["goog:loggingPrefs"] = json!({"performance": "ALL"});
        }
        let mut b = Browser { driver, base, session: String::new(), agent, _profile: profile, _slot: slot };
        let v = b.call("POST", "/session", Some(caps));
        b.session = v["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {v}")).to_string();
        b
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.try_call(method, path, body).unwrap_or_else(|e| panic!("{e}"))
    }

    fn try_call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = format!("{}{path}", self.base);
        let mut resp = match method {
            "GET" => self.agent.get(&url).call(),
            "DELETE" => self.agent.delete(&url).call(),
            _ => self
                .agent
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.unwrap_or(json!({})).to_string()),
        }
        .map_err(|e| format!("{method} {path}: {e}"))?;
        let v: Value = serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap();
        if let Some(err) = v["value"].get("error") {
            return Err(format!("{method} {path}: {err}: {}", v["value"]["message"]));
        }
        Ok(v["value"].clone())
    }

    fn session_path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    /// Opens `url`. A navigation that has not reached the parsed document in 20 s (seen
    /// only on a loaded machine, in Chromium itself) is tried again, twice.
    pub fn goto(&self, url: &str) {
        for attempt in 1.. {
            match self.try_call("POST", &self.session_path("/url"), Some(json!({"url": url}))) {
                Ok(_) => return,
                Err(e) if attempt < 3 && e.contains("timeout") => eprintln!("retrying after {e}"),
                Err(e) => panic!("{e}"),
            }
        }
    }

    pub fn refresh(&self) {
        self.call("POST", &self.session_path("/refresh"), None);
    }

    /// Runs `source` in every page this browser opens from now on, before the page's own
    /// scripts (Chromium's DevTools `Page.addScriptToEvaluateOnNewDocument`).
    pub fn on_new_document(&self, source: &str) {
        let body = json!({"cmd": "Page.addScriptToEvaluateOnNewDocument", "params": {"source": source}});
        self.call("POST", &self.session_path("/goog/cdp/execute"), Some(body));
    }

    /// Runs a Chromium DevTools command (`Emulation.setUserAgentOverride`, ...).
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        let body = json!({"cmd": cmd, "params": params});
        self.call("POST", &self.session_path("/goog/cdp/execute"), Some(body))
    }

    /// Types `text` into the element matching a CSS selector; for a file input, `text`
    /// is the path of the file to choose, as WebDriver defines it.
    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css);
        self.call("POST", &self.session_path(&format!("/element/{id}/value")), Some(json!({"text": text})));
    }

    fn element(&self, css: &str) -> String {
        let el =
            self.call("POST", &self.session_path("/element"), Some(json!({"using": "css selector", "value": css})));
        el.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).unwrap().to_string()
    }

    /// Waits until `script` (a function body) returns something other than null.
    pub fn wait_for(&self, script: &str) -> Value {
        let start = Instant::now();
        loop {
            let v = self.js(script);
            if !v.is_null() {
                return v;
            }
            assert!(start.elapsed() < Duration::from_secs(15), "timed out waiting for: {script}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every URL the browser requested since it started (Chromium's performance log,
    /// which records the network events), and clears the log. Needs a browser from
    /// [`Browser::start_logging`].
    pub fn requested_urls(&self) -> Vec<String> {
        let log = self.call("POST", &self.session_path("/se/log"), Some(json!({"type": "performance"})));
        let mut urls = Vec::new();
        for entry in log.as_array().into_iter().flatten() {
            let Some(msg) = entry["message"].as_str() else { continue };
            let v: Value = serde_json::from_str(msg).unwrap_or(Value::Null);
            if v["message"]["method"] == "Network.requestWillBeSent"
                && let Some(u) = v["message"]["params"]["request"]["url"].as_str()
            {
                urls.push(u.to_string());
            }
        }
        urls
    }

    /// Runs `script` (a function body) in the page and returns what it returns.
    pub fn js(&self, script: &str) -> Value {
        self.call("POST", &self.session_path("/execute/sync"), Some(json!({"script": script, "args": []})))
    }

    /// [`Browser::js`], with `Err` when the browser gave up waiting on a navigation the
    /// page started itself (a reload that Chromium left pending: seen under load).
    pub fn try_js(&self, script: &str) -> Result<Value, String> {
        self.try_call("POST", &self.session_path("/execute/sync"), Some(json!({"script": script, "args": []})))
    }

    /// How long a command waits on a pending navigation before it fails (20 s at start).
    pub fn page_load_timeout(&self, ms: u64) {
        self.call("POST", &self.session_path("/timeouts"), Some(json!({"pageLoad": ms})));
    }

    /// Runs `script` (a function body whose last argument is a callback) and returns
    /// what it passes the callback.
    pub fn js_async(&self, script: &str) -> Value {
        self.call("POST", &self.session_path("/execute/async"), Some(json!({"script": script, "args": []})))
    }

    /// Waits until closer.js has run (or given up and left the links on the primary).
    pub fn wait_closer(&self) -> String {
        let start = Instant::now();
        loop {
            let v = self.js("return document.documentElement.getAttribute('data-closer');");
            if let Some(s) = v.as_str() {
                return s.to_string();
            }
            assert!(start.elapsed() < Duration::from_secs(15), "closer.js never finished");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `data-mirror` of the download link whose path ends with `file`.
    pub fn chosen(&self, file: &str) -> String {
        let v = self.js(&format!(
            "var a = Array.from(document.querySelectorAll('a.download')).find(a => a.getAttribute('data-path').endsWith({}));\
             return a ? [a.getAttribute('data-mirror'), a.href] : null;",
            json!(file)
        ));
        let pair = v.as_array().unwrap_or_else(|| panic!("no link for {file}"));
        pair[0].as_str().unwrap_or("").to_string()
    }

    /// Clicks the element matching a CSS selector, as a user would.
    pub fn click(&self, css: &str) {
        let id = self.element(css);
        self.call("POST", &self.session_path(&format!("/element/{id}/click")), None);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.agent.delete(&format!("{}/session/{}", self.base, self.session)).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
