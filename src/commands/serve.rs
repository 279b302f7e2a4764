//! `closer serve`: a live preview. It builds the site with the normal pipeline (and its
//! one writer), serves it on 127.0.0.1, rebuilds when an input changes, and tells open
//! pages to reload over server-sent events. A failed build keeps the last good site
//! served and shows the error over it. The release tree is never written in this mode,
//! and the reload script exists only in the responses of this server, never in `site/`.

use super::{Global, Outcome};
use crate::model::run::{Mode, Paths};
use crate::util::text::plural;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Build, serve the site on 127.0.0.1, and rebuild and reload the browser when an input changes.
#[derive(Debug, clap::Args)]
#[command(after_help = "The release tree is read but never written (no mirror lists, no stamp). \
    The reload script is added to pages as they are served; `closer build` never writes it. \
    Problems in the inputs are shown over the last good site, and serve goes on; it exits \
    2 only when it cannot listen or watch.")]
pub struct Args {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Address to listen on; anything but loopback makes the preview public.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Poll the inputs for changes (for network file systems without change events).
    #[arg(long)]
    poll: bool,
}

/// Serves until the process is stopped.
pub fn run(args: Args, g: &Global) -> Result<Outcome> {
    let opts = ServeOptions { bind: args.bind, port: args.port, poll: args.poll, debounce: Duration::from_millis(100) };
    let paths = g.paths();
    let ready = |addr: std::net::SocketAddr| {
        if !g.quiet {
            eprintln!("serving {} at http://{addr}/ (Ctrl-C stops)", paths.out.display());
        }
        if !addr.ip().is_loopback() {
            eprintln!("warning: listening on {}, not loopback: other machines can see this preview", addr.ip());
        }
    };
    serve(&paths, &opts, ready)?;
    Ok(Outcome::Done)
}

/// How `closer serve` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub bind: std::net::IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Poll the inputs instead of relying on file system events.
    pub poll: bool,
    /// Quiet time after the last change before rebuilding.
    pub debounce: Duration,
}

/// What the pages are told: a build counter, and the error of the last build, if any.
#[derive(Debug, Default, Clone)]
struct Status {
    version: u64,
    error: Option<String>,
}

struct Shared {
    status: Mutex<Status>,
    changed: Condvar,
}

const RELOAD_JS: &str = include_str!("serve-reload.js");
const PREFIX: &str = "/__closer/";

/// The content type of a site file, by its name.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if matches!(name, "KEYS" | "SHA512SUMS" | "SHA256SUMS" | "MD5SUMS") {
        return "text/plain; charset=utf-8";
    }
    if name == "metrics" {
        // The Prometheus text format's own type, as an exporter sends it.
        return "text/plain; version=0.0.4; charset=utf-8";
    }
    match name.rsplit_once('.').map(|(_, e)| e).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/atom+xml",
        "meta4" => "application/metalink4+xml",
        "torrent" => "application/x-bittorrent",
        "asc" | "sig" | "gpgsig" => "application/pgp-signature",
        "sha512" | "sha256" | "md5" | "sha1" | "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gz" | "tgz" => "application/gzip",
        "zip" => "application/zip",
        "xz" => "application/x-xz",
        "bz2" => "application/x-bzip2",
        _ => "application/octet-stream",
    }
}

/// The site-relative file a request path names, or `None` when it tries to leave the
/// site (`..`, a backslash, a NUL) or is not valid percent-encoded UTF-8.
pub fn site_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    if !decoded.starts_with('/') || decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    let mut rel = parts.join("/");
    if decoded.ends_with('/') || rel.is_empty() {
        if !rel.is_empty() {
            rel.push('/');
        }
        rel.push_str("index.html");
    }
    Some(rel)
}

/// Puts the reload script (and the error, if the last build failed) into an HTML page.
fn inject(html: &str, error: Option<&str>) -> String {
    let mut extra = String::new();
    if let Some(e) = error {
        extra.push_str(&overlay(e));
    }
    extra.push_str(&format!("<style>{OVERLAY_CSS}</style>\n<script src=\"{PREFIX}reload.js\"></script>\n"));
    match html.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &html[..i], &html[i..]),
        None => format!("{html}{extra}"),
    }
}

/// The look of the error box: the server puts it over pages of a failed build, and the
/// reload script makes the same box when a build fails while a page is open.
const OVERLAY_CSS: &str = "#closer-error{position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;margin:0;padding:1rem;background:#2b0b0b;color:#ffd7d7;font:14px/1.4 monospace;white-space:pre-wrap;z-index:2147483647;border-top:4px solid #e53935}";

/// The error box shown over the page.
fn overlay(error: &str) -> String {
    format!(
        "<div id=\"closer-error\" role=\"alert\"><strong>closer: the last build failed; this is the last good site.</strong>\n{}</div>\n",
        crate::util::text::escape(error)
    )
}

fn not_found_page(path: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body><main><h1>Not found</h1><p>There is no <code>{}</code> in this site. <a href=\"/index.html\">Back to the start</a>.</p></main></body></html>\n",
        crate::util::text::escape(path)
    )
}

/// Answers `req` and closes its connection. tiny_http serves each connection on a thread
/// of its pool until the client closes it, and a connection accepted while a woken thread
/// has not yet taken the last one can wait in the queue until some connection ends: a
/// browser's idle keep-alive connections then held a script of the page for 20 s and
/// more (the page never finished loading). A connection per request ends at once.
fn respond_with(req: tiny_http::Request, code: u16, headers: &[(&str, &str)], body: &[u8]) {
    let head_only = *req.method() == tiny_http::Method::Head;
    let reason = tiny_http::StatusCode(code).default_reason_phrase();
    let mut head = format!("HTTP/1.1 {code} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut w = req.into_writer();
    let body = if head_only { &[][..] } else { body };
    let _ = w.write_all(head.as_bytes()).and_then(|_| w.write_all(body)).and_then(|_| w.flush());
}

fn respond(req: tiny_http::Request, code: u16, ctype: &str, body: Vec<u8>) {
    let headers = [("Content-Type", ctype), ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")];
    respond_with(req, code, &headers, &body);
}

/// Answers one request: the reload script, the event stream, or a file of the site.
fn handle(req: tiny_http::Request, out: &Path, shared: &Shared) {
    let url = req.url().to_string();
    if url == format!("{PREFIX}reload.js") {
        return respond(req, 200, "text/javascript; charset=utf-8", RELOAD_JS.as_bytes().to_vec());
    }
    if url == format!("{PREFIX}events") {
        return events(req, shared);
    }
    if !matches!(req.method(), tiny_http::Method::Get | tiny_http::Method::Head) {
        return respond(req, 405, "text/plain; charset=utf-8", b"only GET and HEAD\n".to_vec());
    }
    let error = shared.status.lock().unwrap_or_else(|e| e.into_inner()).error.clone();
    let Some(rel) = site_path(&url) else {
        let page = inject(&not_found_page(&url), error.as_deref());
        return respond(req, 404, "text/html; charset=utf-8", page.into_bytes());
    };
    let path = out.join(&rel);
    if path.is_dir() {
        // `/hello` -> `/hello/`, so relative links on the page work.
        // The name comes from the request: a line break in it must not end the header.
        let to = percent_encoding::utf8_percent_encode(&rel, percent_encoding::CONTROLS);
        respond_with(req, 301, &[("Location", &format!("/{to}/"))], b"");
        return;
    }
    match std::fs::read(&path) {
        Ok(bytes) => {
            let ctype = content_type(&rel);
            if ctype.starts_with("text/html") {
                let page = inject(&String::from_utf8_lossy(&bytes), error.as_deref());
                respond(req, 200, ctype, page.into_bytes())
            } else {
                respond(req, 200, ctype, bytes)
            }
        }
        Err(_) => {
            let page = inject(&not_found_page(&format!("/{rel}")), error.as_deref());
            respond(req, 404, "text/html; charset=utf-8", page.into_bytes())
        }
    }
}

/// A server-sent event stream: the current state at once, then `reload` after each good
/// build and `failed` (with the message) after each bad one; a comment every 15 s finds
/// closed connections.
fn events(req: tiny_http::Request, shared: &Shared) {
    let mut w = req.into_writer();
    let head =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    if w.write_all(head.as_bytes()).is_err() {
        return;
    }
    let event = |s: &Status| match &s.error {
        None => format!("event: ok\ndata: {}\n\n", s.version),
        Some(e) => format!("event: failed\ndata: {}\n\n", serde_json::to_string(e).unwrap_or_default()),
    };
    let mut seen = {
        let s = shared.status.lock().unwrap_or_else(|e| e.into_inner());
        if w.write_all(event(&s).as_bytes()).and_then(|_| w.flush()).is_err() {
            return;
        }
        s.version
    };
    loop {
        let s = shared.status.lock().unwrap_or_else(|e| e.into_inner());
        let (s, timeout) = shared
            .changed
            .wait_timeout_while(s, Duration::from_secs(15), |s| s.version == seen)
            .unwrap_or_else(|e| e.into_inner());
        let msg = if timeout.timed_out() {
            ": still here\n\n".to_string()
        } else {
            seen = s.version;
            match s.error {
                None => format!("event: reload\ndata: {}\n\n", s.version),
                Some(_) => event(&s),
            }
        };
        drop(s);
        if w.write_all(msg.as_bytes()).and_then(|_| w.flush()).is_err() {
            return;
        }
    }
}

/// Is this changed path an input (and not one of closer's own outputs)?
fn is_input(path: &Path, paths: &Paths) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.contains(".closer-") || name.ends_with('~') || name.starts_with(".#") {
        return false;
    }
    let under = |dir: &Path| path.starts_with(dir);
    if under(&paths.dist) {
        let rel = path.strip_prefix(&paths.dist).unwrap_or(path).to_string_lossy().into_owned();
        return !crate::input::tree::is_own_file(&rel);
    }
    if under(&paths.out) || under(&paths.cache) {
        return false;
    }
    under(&paths.content)
        || under(&paths.templates)
        || under(&paths.logos)
        || path == paths.registry
        || path == paths.probe
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Watches the input trees that exist and are not watched yet.
fn watch_trees(
    watcher: &mut dyn notify::Watcher,
    paths: &Paths,
    watched: &mut std::collections::HashSet<PathBuf>,
) -> Result<()> {
    for dir in [&paths.content, &paths.templates, &paths.dist, &paths.logos] {
        if dir.is_dir() && !watched.contains(dir.as_path()) {
            watcher
                .watch(dir, notify::RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch `{}`", dir.display()))?;
            watched.insert(dir.clone());
        }
    }
    Ok(())
}

/// Runs the pipeline once and tells the pages how it went.
fn build(paths: &Paths, shared: &Shared) {
    let start = Instant::now();
    // The preview writes the site and the caches (never the release tree), which builds
    // write under the release tree's lock: it takes that lock too, one build at a time.
    let result = crate::util::lock::acquire(&paths.dist, "the release tree", "serve", true)
        .and_then(|_lock| crate::pipeline::run(paths, Mode::Preview, false, false));
    let mut s = shared.status.lock().unwrap_or_else(|e| e.into_inner());
    s.version += 1;
    match result {
        Ok(r) => {
            s.error = None;
            let what = match r.written {
                Some(crate::output::commit::Written::Unchanged) => "unchanged",
                _ => "rebuilt",
            };
            eprintln!(
                "{what} in {} ms ({} file{} hashed, {} signature{} checked; the rest from the cache)",
                start.elapsed().as_millis(),
                r.digest.hashed_files,
                plural(r.digest.hashed_files),
                r.verify.checked,
                plural(r.verify.checked),
            );
        }
        Err(e) => {
            let msg = match e.downcast_ref::<crate::util::problem::ProblemsFound>() {
                Some(p) => p.to_string(),
                None => format!("error: {e:#}"),
            };
            eprintln!("{msg}\nthe build failed; serving the last good site until it is fixed");
            s.error = Some(msg);
        }
    }
    shared.changed.notify_all();
}

/// Builds once, then serves and rebuilds until the process is stopped. `ready` is told
/// the address once the server listens.
pub fn serve(paths: &Paths, opts: &ServeOptions, ready: impl FnOnce(std::net::SocketAddr)) -> Result<()> {
    let paths = Paths {
        registry: absolute(&paths.registry),
        dist: absolute(&paths.dist),
        content: absolute(&paths.content),
        templates: absolute(&paths.templates),
        out: absolute(&paths.out),
        cache: absolute(&paths.cache),
        site_key: paths.site_key.clone(),
        probe: absolute(&paths.probe),
        logos: absolute(&paths.logos),
    };
    let shared = Arc::new(Shared { status: Mutex::new(Status::default()), changed: Condvar::new() });
    build(&paths, &shared);

    let addr = std::net::SocketAddr::new(opts.bind, opts.port);
    let server = tiny_http::Server::http(addr).map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let local = server.server_addr().to_ip().context("the server has no IP address")?;

    spawn_rebuilder(&paths, opts, &shared)?;
    ready(local);

    let out = paths.out.clone();
    for req in server.incoming_requests() {
        let shared = shared.clone();
        let out = out.clone();
        std::thread::spawn(move || handle(req, &out, &shared));
    }
    Ok(())
}

type Events = std::sync::mpsc::Receiver<notify::Result<notify::Event>>;

/// Watches the inputs: native events, or polling for file systems that lack them.
fn watch_inputs(paths: &Paths, poll: bool) -> Result<(Box<dyn notify::Watcher + Send>, Events)> {
    let (tx, rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher: Box<dyn notify::Watcher + Send> = if poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(300));
        Box::new(notify::PollWatcher::new(tx, config).context("cannot start polling the inputs")?)
    } else {
        Box::new(notify::recommended_watcher(tx).context("cannot watch the inputs (try --poll)")?)
    };
    // The registry and the probe state are watched through their directories, which
    // also sees them replaced by a rename (as editors and `closer probe` do), and sees
    // content/ or templates/ appear.
    let mut parents: Vec<PathBuf> = [&paths.registry, &paths.probe, &paths.content, &paths.templates]
        .iter()
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .filter(|p| p.is_dir())
        .collect();
    parents.sort();
    parents.dedup();
    for dir in &parents {
        watcher
            .watch(dir, notify::RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch `{}`", dir.display()))?;
    }
    Ok((watcher, rx))
}

/// Starts the thread that rebuilds after each quiet moment following a change of an
/// input; it runs, with the watcher, until the process ends.
fn spawn_rebuilder(paths: &Paths, opts: &ServeOptions, shared: &Arc<Shared>) -> Result<()> {
    let (mut watcher, rx) = watch_inputs(paths, opts.poll)?;
    let mut trees = std::collections::HashSet::new();
    watch_trees(watcher.as_mut(), paths, &mut trees)?;
    let debounce = opts.debounce;
    let shared = shared.clone();
    let paths = paths.clone();
    std::thread::spawn(move || {
        let relevant = |ev: &notify::Result<notify::Event>| match ev {
            Ok(e) => !e.kind.is_access() && e.paths.iter().any(|p| is_input(p, &paths)),
            Err(_) => true,
        };
        while let Ok(ev) = rx.recv() {
            if !relevant(&ev) {
                continue;
            }
            // Wait for a quiet moment: an editor's save or an upload is many events.
            let mut quiet_since = Instant::now();
            while quiet_since.elapsed() < debounce {
                if let Ok(ev) = rx.recv_timeout(Duration::from_millis(20))
                    && relevant(&ev)
                {
                    quiet_since = Instant::now();
                }
            }
            // content/ or templates/ may have been created since the last build.
            if let Err(e) = watch_trees(watcher.as_mut(), &paths, &mut trees) {
                eprintln!("warning: {e:#}");
            }
            build(&paths, &shared);
        }
    });
    Ok(())
}
