//! `closer probe --url`: a mirror tested before it is registered (issue 33), against a
//! real HTTP server and a real rsync daemon on 127.0.0.1: a good mirror gets its
//! registry entry; a stale, an empty and a half-copied one, and a wrong rsync module,
//! each fail with what to fix.

use crate::http::{Behaviour, Server};
use crate::mirror::synced;
use crate::util::copy_tree;

#[test]
fn a_candidate_mirror_is_tested_before_it_is_registered() {
    let s = synced();
    let (f, daemon, m) = (&s.f, &s.daemon, &s.m);
    let good = Server::start(Behaviour::Files(m.clone()));
    let url = format!("http://127.0.0.1:{}/", good.port);
    let run = f.closer(&["probe", "--url", &url, "--rsync", &daemon.url()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("the primary's stamp"), "{}", run.stdout);
    assert!(run.stdout.contains("of the list's files present, with their sizes"), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("      http: {url}\n      rsync: {}\n", daemon.url())), "{}", run.stdout);
    assert!(!run.stdout.contains("FAIL"), "{}", run.stdout);
    // One request for the stamp, one HEAD per sampled file (at most 20).
    assert!(good.hits.load(std::sync::atomic::Ordering::SeqCst) <= 21);

    // A wrong rsync module: rsync's own reason.
    let wrong = daemon.url().replace("/dist/", "/dists/");
    let run = f.closer(&["probe", "--url", &url, "--rsync", &wrong]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("FAIL") && run.stdout.contains("Unknown module 'dists'"), "{}", run.stdout);

    // Half-copied: the stamp is there, a file is not.
    let half = tempfile::tempdir().unwrap();
    copy_tree(m, half.path());
    std::fs::remove_file(half.path().join("alpha/1.10/alpha-1.10.tar.gz")).unwrap();
    let server = Server::start(Behaviour::Files(half.path().into()));
    let run = f.closer(&["probe", "--url", &format!("http://127.0.0.1:{}/", server.port)]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("sampled files missing or wrong"), "{}", run.stdout);
    assert!(!run.stdout.contains("Add to mirrors.yaml"));

    // Stale: an old stamp.
    let stale = tempfile::tempdir().unwrap();
    copy_tree(m, stale.path());
    std::fs::write(stale.path().join("zzz/time.txt"), "1000000000 dist.example.org\n").unwrap();
    let server = Server::start(Behaviour::Files(stale.path().into()));
    let run = f.closer(&["probe", "--url", &format!("http://127.0.0.1:{}/", server.port)]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("behind the primary's") && run.stdout.contains("not synced"), "{}", run.stdout);

    // Empty, or the URL of something else than the mirror's directory.
    let empty = tempfile::tempdir().unwrap();
    let server = Server::start(Behaviour::Files(empty.path().into()));
    let run = f.closer(&["probe", "--url", &format!("http://127.0.0.1:{}/", server.port)]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("must serve the mirror's directory (DEST)"), "{}", run.stdout);
    // Not a URL at all: bad usage.
    assert_eq!(f.closer(&["probe", "--url", "mirror.example.org"]).code, 2);
}
