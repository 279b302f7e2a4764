//! A small HTTP server for tests, on 127.0.0.1 with a port chosen at run time: serves a
//! directory (a mirror, or the built site) or misbehaves on purpose (slow, huge, garbage).

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

#[derive(Clone)]
pub enum Behaviour {
    /// Files under a directory, with their content types; 404 for anything else.
    Files(PathBuf),
    /// The same answer to every request.
    Fixed(u16, Vec<u8>),
    /// Waits, then answers like `Fixed(200, body)`.
    Slow(Duration, Vec<u8>),
    /// 302 to this base URL with the request's path appended.
    Redirect(String),
}

pub struct Server {
    pub port: u16,
    server: Arc<tiny_http::Server>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Requests answered so far.
    pub hits: Arc<AtomicUsize>,
}

impl Server {
    pub fn start(behaviour: Behaviour) -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("cannot listen on 127.0.0.1"));
        let port = server.server_addr().to_ip().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let hits = Arc::new(AtomicUsize::new(0));
        let (s, st, h) = (server.clone(), stop.clone(), hits.clone());
        let thread = std::thread::spawn(move || {
            while !st.load(Ordering::SeqCst) {
                let Ok(Some(req)) = s.recv_timeout(Duration::from_millis(100)) else { continue };
                h.fetch_add(1, Ordering::SeqCst);
                let b = behaviour.clone();
                std::thread::spawn(move || answer(req, &b));
            }
        });
        Server { port, server, stop, thread: Some(thread), hits }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn answer(req: tiny_http::Request, b: &Behaviour) {
    let respond = |req: tiny_http::Request, code: u16, body: Vec<u8>, ctype: &str| {
        let header = tiny_http::Header::from_bytes("Content-Type", ctype).unwrap();
        // Always a Content-Length, never chunks: download managers want the size.
        let resp = tiny_http::Response::from_data(body).with_status_code(code).with_header(header);
        let _ = req.respond(resp.with_chunked_threshold(usize::MAX));
    };
    match b {
        Behaviour::Redirect(to) => {
            let location = format!("{}{}", to.trim_end_matches('/'), req.url());
            let header = tiny_http::Header::from_bytes("Location", location).unwrap();
            let _ = req.respond(tiny_http::Response::empty(302).with_header(header));
        }
        Behaviour::Fixed(code, body) => respond(req, *code, body.clone(), "text/plain"),
        Behaviour::Slow(wait, body) => {
            std::thread::sleep(*wait);
            respond(req, 200, body.clone(), "text/plain");
        }
        Behaviour::Files(dir) => {
            let path = req.url().split(['?', '#']).next().unwrap_or("").to_string();
            let decoded = percent_encoding::percent_decode_str(&path).decode_utf8_lossy().into_owned();
            let mut rel = decoded.trim_start_matches('/').to_string();
            if rel.is_empty() || rel.ends_with('/') {
                rel.push_str("index.html");
            }
            if rel.split('/').any(|s| s == "..") {
                return respond(req, 404, b"not found".to_vec(), "text/plain");
            }
            match std::fs::read(dir.join(&rel)) {
                Ok(bytes) => {
                    let ctype = closer::commands::serve::content_type(&rel);
                    // One `bytes=a-b` range, as download managers ask for pieces.
                    let range = req
                        .headers()
                        .iter()
                        .find(|h| h.field.equiv("Range"))
                        .and_then(|h| h.value.as_str().strip_prefix("bytes=").map(str::to_string))
                        .and_then(|r| {
                            let (a, b) = r.split_once('-')?;
                            let a: usize = a.parse().ok()?;
                            let b: usize = if b.is_empty() { bytes.len().checked_sub(1)? } else { b.parse().ok()? };
                            (a <= b && b < bytes.len()).then_some((a, b))
                        });
                    match range {
                        Some((a, b)) => {
                            let total = bytes.len();
                            let h = |k: &str, v: &str| tiny_http::Header::from_bytes(k, v).unwrap();
                            let resp = tiny_http::Response::from_data(bytes[a..=b].to_vec())
                                .with_status_code(206)
                                .with_header(h("Content-Type", ctype))
                                .with_header(h("Content-Range", &format!("bytes {a}-{b}/{total}")))
                                .with_chunked_threshold(usize::MAX);
                            let _ = req.respond(resp);
                        }
                        None => respond(req, 200, bytes, ctype),
                    }
                }
                Err(_) => respond(req, 404, b"not found".to_vec(), "text/plain"),
            }
        }
    }
}

/// A port on 127.0.0.1 where nothing listens.
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}
