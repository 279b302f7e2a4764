//! `tools/mirror-sync` on hosts unlike the primary (the twenty-third trial): a mirror on
//! a disk of its own, an upstream that accepts and then sends nothing, a host of busybox
//! alone, busybox's `date`, a partial mirror two tiers down.

use crate::faults::Tmpfs;
use crate::mirror::{Daemon, dest, mirror_sync, mirror_sync_env};
use crate::util::Fixture;
use std::time::{Duration, Instant};

/// DEST a mount point, its state beside it on the parent's file system: refused before
/// anything is fetched, with the fix. Every run had fetched the whole tree into the
/// state, died at a hard link across devices, and installed nothing, every 15 minutes.
#[test]
fn a_state_on_another_file_system_than_the_mirror_is_refused_first() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let daemon = Daemon::serve(&f.path("dist"));
    let fs = Tmpfs::mount("8m");
    let run = mirror_sync(&[&daemon.url(), fs.0.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("is on another file system than"), "{}", run.stderr);
    assert!(run.stderr.contains("mount it one level up"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(&fs.0).unwrap().count(), 0, "nothing fetched");
    // One level down, on the same disk, it syncs.
    mirror_sync(&[&daemon.url(), fs.0.join("dist").to_str().unwrap()]).ok();
}

/// An upstream that accepts the connection and sends nothing: the run ends with rsync's
/// timeout, said (cron mails it). It had held the lock for hours, every later run exiting
/// 3 without a word.
#[test]
fn an_upstream_that_sends_nothing_ends_the_run() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts and holds every connection for 45 s, then closes them all (so that a
    // mirror-sync without a timeout ends too, and this test fails rather than hangs).
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let (until, mut held) = (Instant::now() + Duration::from_secs(45), Vec::new());
        while Instant::now() < until {
            held.extend(listener.accept().ok());
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let (_d, m) = dest();
    let started = Instant::now();
    let env = [("MIRROR_SYNC_IO_TIMEOUT", "2"), ("MIRROR_SYNC_CONNECT_TIMEOUT", "2")];
    let run = mirror_sync_env(&[&format!("rsync://127.0.0.1:{port}/dist/"), m.to_str().unwrap()], &env);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(started.elapsed() < Duration::from_secs(40), "it ended by the timeout: {:?}", started.elapsed());
    assert!(run.stderr.contains("timeout") || run.stderr.contains("timed out"), "{}", run.stderr);
}

/// A directory of every command of /usr/bin but `leave_out`, and `extra` scripts.
fn path_without(leave_out: &str, extra: &[(&str, &str)]) -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir("/usr/bin").unwrap().flatten() {
        let name = e.file_name();
        if name != leave_out && !extra.iter().any(|(n, _)| *n == name) {
            std::os::unix::fs::symlink(e.path(), d.path().join(&name)).unwrap();
        }
    }
    for (name, script) in extra {
        let p = d.path().join(name);
        std::fs::write(&p, script).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    d
}

/// A host of busybox alone has no `comm`: said before anything moves, with the package
/// to install (it died at `comm: not found`, exit 127). busybox's `date` has no `%N`:
/// `-v` timed its phases with a division by zero and died; now in whole seconds.
#[test]
fn busybox_hosts_are_told_what_to_install_and_v_works_without_nanoseconds() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let daemon = Daemon::serve(&f.path("dist"));
    let (_d, m) = dest();
    let bin = path_without("comm", &[]);
    let run = mirror_sync_env(&[&daemon.url(), m.to_str().unwrap()], &[("PATH", bin.path().to_str().unwrap())]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("needs `comm`") && run.stderr.contains("install GNU coreutils"), "{}", run.stderr);
    assert!(!m.exists() || std::fs::read_dir(&m).unwrap().count() == 0, "nothing fetched");
    let date = "#!/bin/sh\ncase \"$1\" in *%N*) /usr/bin/date \"$(echo \"$1\" | sed 's/%N//')\" | sed 's/$/%N/' ;; \
                *) exec /usr/bin/date \"$@\" ;; esac\n";
    let bin = path_without("date", &[("date", date)]);
    let run = mirror_sync_env(&[&daemon.url(), m.to_str().unwrap()], &[("PATH", bin.path().to_str().unwrap())]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains(" ms: "), "-v times its phases: {}", run.stderr);
}

/// A partial mirror two tiers down (as-two from na-mid, na-mid from eu-one): every mirror
/// on its way to the primary carries its list. The tier-1's page lacked `--carry-lists`,
/// so the tier-2 had no list to carry and the partial mirror failed every run.
#[test]
fn every_mirror_above_a_partial_one_carries_its_lists() {
    let f = Fixture::new();
    let mid = "  - id: na-mid\n    name: Mirror Mid\n    country: US\n    continent: NA\n    lat: 40.7\n    lon: -74.0\n    \
               bandwidth: 1000\n    upstream: eu-one\n    urls:\n      https: https://mid.example.org/pub/\n      \
               rsync: rsync://mid.example.org/pub/\n";
    let registry =
        f.read("mirrors.yaml").replace("    upstream: eu-one\n    include:", "    upstream: na-mid\n    include:");
    f.write("mirrors.yaml", &format!("{registry}{mid}"));
    f.closer(&["build"]).ok();
    let page = |id: &str| f.read(&format!("site/mirrors/{id}.html"));
    assert!(page("eu-one").contains("mirror-sync --carry-lists rsync://dist.example.org/dist/"), "{}", page("eu-one"));
    assert!(page("na-mid").contains("mirror-sync --carry-lists rsync://one.example.net/pub/"), "{}", page("na-mid"));
    assert!(page("as-two").contains("mirror-sync --list as-two rsync://mid.example.org/pub/"), "{}", page("as-two"));
}
