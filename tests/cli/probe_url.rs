//! `closer probe` beyond the stamp (issue 33), against a real HTTP server and a real
//! rsync daemon on 127.0.0.1. `--url`: a mirror tested before it is registered; a good
//! one gets its registry entry; a stale, an empty and a half-copied one, and a wrong
//! rsync module, each fail with what to fix. And a registered mirror whose tree is gone
//! while its stamp stays is broken at the next probe and offered to nobody.

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
    assert!(!run.stdout.contains("a partial mirror?"), "one file of many: {}", run.stdout);
    // A partial mirror probed as a full one: most of the list missing, --list named.
    let part = tempfile::tempdir().unwrap();
    copy_tree(m, part.path());
    for project in ["alpha", "beta"] {
        let _ = std::fs::remove_dir_all(part.path().join(project));
    }
    let server = Server::start(Behaviour::Files(part.path().into()));
    let run = f.closer(&["probe", "--url", &format!("http://127.0.0.1:{}/", server.port)]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("a partial mirror? give --list ID"), "{}", run.stdout);

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

#[test]
fn a_mirror_whose_tree_is_gone_but_whose_stamp_stays_is_broken_and_gets_no_visitors() {
    use crate::probe::{json, mirror, registry, site_mirror};
    let f = crate::util::Fixture::new();
    let (_d, m) = crate::mirror::dest();
    std::fs::create_dir_all(&m).unwrap();
    let server = Server::start(Behaviour::Files(m.clone()));
    // The default policy.probe_files (2): this registry does not set it.
    let reg =
        registry(&[mirror("one", ("DE", "EU", 50.1, 8.7), 1000, &format!("http://127.0.0.1:{}/", server.port), "")]);
    f.write("mirrors.yaml", &reg.replace("  probe_files: 0\n", ""));
    f.closer(&["build"]).ok();
    let daemon = crate::mirror::Daemon::serve(&f.path("dist"));
    crate::mirror::mirror_sync(&[&daemon.url(), m.to_str().unwrap()]).ok();
    let hits = || server.hits.load(std::sync::atomic::Ordering::SeqCst);
    let before = hits();
    f.closer(&["probe"]).ok();
    assert_eq!(hits() - before, 3, "the stamp and two files: three requests per mirror and probe");
    assert_eq!(json(&f, "probe.json")["mirrors"]["one"]["ok"], true);
    f.closer(&["build"]).ok();
    let carried = json(&f, "site/alpha/mirrors.json")["mirrors"].as_array().unwrap().iter().any(|m| m[0] == "one");
    assert!(carried, "the project's pages know the mirror");
    let offered = || json(&f, "site/status.json")["serving"].get("one").is_some();
    assert!(offered(), "an up mirror is offered to the project's downloaders");

    // Reinstalled: the stamp is back, the tree is not.
    for e in std::fs::read_dir(&m).unwrap().flatten() {
        if e.file_name() != "zzz" {
            let p = e.path();
            if p.is_dir() { std::fs::remove_dir_all(p).unwrap() } else { std::fs::remove_file(p).unwrap() }
        }
    }
    let run = f.closer(&["probe"]);
    run.ok();
    let state = json(&f, "probe.json");
    assert_eq!(state["mirrors"]["one"]["ok"], false);
    let error = state["mirrors"]["one"]["error"].as_str().unwrap().to_string();
    assert!(error.starts_with("broken: ") && error.contains("HTTP 404"), "{error}");
    assert!(run.stdout.contains("DOWN: broken"), "{}", run.stdout);
    f.closer(&["build"]).ok();
    assert_eq!(site_mirror(&json(&f, "site/mirrors.json"), "one")["status"], "down");
    assert!(!offered(), "the broken mirror gets no visitors");
}

/// A mirror that lost one project's files, its stamp intact: the probe that finds it
/// broken is not undone by the next, which sampled other files ("up again", and the
/// project's downloaders sent to it, every other probe); it is whole again when it has
/// the file back.
#[test]
fn a_broken_mirror_stays_broken_until_the_file_that_found_it_is_back() {
    use crate::probe::{json, mirror, registry};
    let f = crate::util::Fixture::new();
    let (_d, m) = crate::mirror::dest();
    let server = Server::start(Behaviour::Files(m.clone()));
    let reg =
        registry(&[mirror("one", ("DE", "EU", 50.1, 8.7), 1000, &format!("http://127.0.0.1:{}/", server.port), "")]);
    f.write("mirrors.yaml", &reg.replace("  probe_files: 0\n", "  probe_files: 1\n"));
    f.closer(&["build"]).ok();
    let daemon = crate::mirror::Daemon::serve(&f.path("dist"));
    crate::mirror::mirror_sync(&[&daemon.url(), m.to_str().unwrap()]).ok();
    std::fs::remove_dir_all(m.join("beta")).unwrap();
    let ok = || {
        f.closer(&["probe", "-q"]);
        json(&f, "probe.json")["mirrors"]["one"]["ok"] == true
    };
    assert!((0..8).any(|_| !ok()), "a probe samples beta's file within a few rounds");
    let verdicts: Vec<bool> = (0..6).map(|_| ok()).collect();
    assert_eq!(verdicts, vec![false; 6], "found broken, it stays broken while beta is missing");
    crate::util::copy_tree(&f.path("dist/beta"), &m.join("beta"));
    assert!(ok(), "whole again");
}

/// A file of a held project changed on the primary after it was published: a mirror that
/// joins after the change cannot have it (mirror-sync installs the rest and exits 4).
/// The probe does not ask for it: it was not the mirror's fault, and a broken verdict
/// took the mirror's visitors away for every project.
#[test]
fn a_file_changed_on_the_primary_after_publishing_is_not_asked_of_mirrors() {
    use crate::probe::{json, mirror, registry};
    let f = crate::util::Fixture::new();
    let (_d, m) = crate::mirror::dest();
    let server = Server::start(Behaviour::Files(m.clone()));
    let reg =
        registry(&[mirror("one", ("DE", "EU", 50.1, 8.7), 1000, &format!("http://127.0.0.1:{}/", server.port), "")]);
    // A file of each release at each probe, rotating over their files.
    f.write("mirrors.yaml", &reg.replace("  probe_files: 0\n", "  probe_files: 10\n"));
    f.closer(&["build"]).ok();
    let changed = "dist/alpha/1.10/alpha-1.10.zip";
    f.write(changed, "alpha 1.10 zip, rebuilt\n");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("alpha: held"), "{}", run.stderr);
    let daemon = crate::mirror::Daemon::serve(&f.path("dist"));
    let sync = crate::mirror::mirror_sync(&[&daemon.url(), m.to_str().unwrap()]);
    assert_eq!(sync.code, 4, "{}", sync.stderr);
    assert!(!m.join("alpha/1.10/alpha-1.10.zip").exists() && m.join("alpha/1.10/alpha-1.10.tar.gz").exists());
    for _ in 0..4 {
        let run = f.closer(&["probe"]);
        run.ok();
        assert_eq!(json(&f, "probe.json")["mirrors"]["one"]["ok"], true, "{}", run.stdout);
    }
    // Its other files are still asked for: one gone is the mirror's fault.
    std::fs::remove_file(m.join("alpha/1.10/alpha-1.10.tar.gz")).unwrap();
    let mut errors = Vec::new();
    for _ in 0..4 {
        f.closer(&["probe"]).ok();
        errors.push(json(&f, "probe.json")["mirrors"]["one"]["error"].as_str().unwrap_or_default().to_string());
    }
    assert!(errors.iter().any(|e| e.contains("broken: alpha/1.10/alpha-1.10.tar.gz")), "{errors:?}");
}
