//! tools/mirror-sync against a real rsync daemon on 127.0.0.1 (a free port chosen at
//! run time, stopped by PID): initial, no-op and incremental syncs, partial mirrors,
//! tiers, a killed run, corruption at rest and in transit, a tampered list, odd names
//! and the lock.

use crate::util::{Fixture, repo, snapshot};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An rsync daemon serving one directory as the module `dist`.
pub(crate) struct Daemon {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Daemon {
    pub(crate) fn serve(path: &Path) -> Daemon {
        let dir = tempfile::tempdir().unwrap();
        // SAFETY: no preconditions.
        let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
        for _ in 0..20 {
            let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let conf = dir.path().join("rsyncd.conf");
            std::fs::write(
                &conf,
                format!(
                    "use chroot = no\nreverse lookup = no\nuid = {uid}\ngid = {gid}\nlog file = {}\n[dist]\n  path = {}\n  read only = yes\n",
                    dir.path().join("log").display(),
                    path.display()
                ),
            )
            .unwrap();
            let mut child = Command::new("rsync")
                .args(["--daemon", "--no-detach", "--address=127.0.0.1"])
                .arg(format!("--port={port}"))
                .arg(format!("--config={}", conf.display()))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("rsync is needed for the mirror tests (scripts/test installs it)");
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(5) {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Daemon { child, port, _dir: dir };
                }
                if child.try_wait().unwrap().is_some() {
                    break; // the port was taken in the meantime: try another
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("could not start an rsync daemon on 127.0.0.1");
    }

    pub(crate) fn url(&self) -> String {
        format!("rsync://127.0.0.1:{}/dist/", self.port)
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) struct Sync {
    pub(crate) code: i32,
    pub(crate) stderr: String,
}

pub(crate) fn mirror_sync(args: &[&str]) -> Sync {
    mirror_sync_env(args, &[])
}

/// Runs mirror-sync with `-v` (it is silent on success otherwise, and the tests read
/// what it did), unless `args` say `-q`.
pub(crate) fn mirror_sync_env(args: &[&str], env: &[(&str, &str)]) -> Sync {
    let mut all: Vec<&str> = args.to_vec();
    if !args.contains(&"-q") {
        all.insert(usize::from(args.first() == Some(&"--detach")), "-v");
    }
    mirror_sync_raw(&all, env)
}

/// Runs mirror-sync with exactly `args`.
pub(crate) fn mirror_sync_raw(args: &[&str], env: &[(&str, &str)]) -> Sync {
    let out = Command::new("dash")
        .arg(repo().join("tools/mirror-sync"))
        .args(args)
        .env("MIRROR_SYNC_RETRY_SECONDS", "0")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    Sync { code: out.status.code().unwrap_or(-1), stderr: String::from_utf8_lossy(&out.stderr).into_owned() }
}

impl Sync {
    #[track_caller]
    pub(crate) fn ok(self) -> Sync {
        assert_eq!(self.code, 0, "mirror-sync failed:\n{}", self.stderr);
        self
    }

    fn received(&self) -> u64 {
        let line = self.stderr.lines().last().unwrap_or("");
        line.rsplit("received ")
            .next()
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(u64::MAX)
    }
}

/// The mirror's files (path -> SHA-512): mirror-sync keeps its own state elsewhere.
pub(crate) fn mirrored(dest: &Path) -> BTreeMap<String, String> {
    snapshot(dest).into_iter().map(|(k, v)| (k, crate::util::sha512_hex(&v))).collect()
}

/// What the list says the mirror must hold: path -> SHA-512 of the source's file.
fn expected(f: &Fixture, list: &str) -> BTreeMap<String, String> {
    let text = f.read(&format!("dist/{list}"));
    let files = text.split("[Files]\n").nth(1).unwrap().split("\n\n").next().unwrap();
    files
        .lines()
        .filter(|l| l.split('\t').nth(1) == Some("f"))
        .map(|l| {
            let p = l.split('\t').nth(3).unwrap().to_string();
            let bytes = std::fs::read(f.path(&format!("dist/{p}"))).unwrap();
            (p, crate::util::sha512_hex(&bytes))
        })
        .collect()
}

fn payload(m: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    m.iter()
        .filter(|(k, _)| !k.starts_with("zzz/") && !k.starts_with("fullfiletimelist-"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn built() -> Fixture {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    f
}

/// A built fixture, an rsync daemon serving its tree, and a mirror synced from it.
pub(crate) struct Synced {
    pub(crate) f: Fixture,
    pub(crate) daemon: Daemon,
    _dir: tempfile::TempDir,
    pub(crate) m: PathBuf,
}

pub(crate) fn synced() -> Synced {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let daemon = Daemon::serve(&f.path("dist"));
    let (_dir, m) = dest();
    mirror_sync(&[&daemon.url(), m.to_str().unwrap()]).ok();
    Synced { f, daemon, _dir, m }
}

/// Where mirror-sync keeps the state of the mirror `dest` by default: beside it.
pub(crate) fn state(dest: &Path) -> PathBuf {
    let name = dest.file_name().unwrap().to_string_lossy();
    dest.parent().unwrap().join(format!(".{name}.mirror-sync"))
}

pub(crate) fn dest() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("mirror");
    (d, p)
}

#[test]
fn initial_noop_and_incremental_syncs() {
    let f = built();
    let daemon = Daemon::serve(&f.path("dist"));
    let (_d, m) = dest();
    let ms = m.to_str().unwrap();

    // Initial: exactly the listed files, no KEYS, signatures or archived releases.
    mirror_sync(&[&daemon.url(), ms]).ok();
    let have = mirrored(&m);
    assert_eq!(payload(&have), expected(&f, "fullfiletimelist-dist"));
    assert!(
        have.keys().all(|k| !k.ends_with(".asc") && !k.ends_with("KEYS") && !k.contains("alpha/1.0/")),
        "{:?}",
        have.keys()
    );
    assert_eq!(have["zzz/time.txt"], crate::util::sha512_hex(&std::fs::read(f.path("dist/zzz/time.txt")).unwrap()));
    assert!(have.contains_key("fullfiletimelist-dist"));
    assert!(!have.keys().any(|k| k.starts_with("zzz/lists/")), "a plain mirror carries only its own list");

    // No-op: only the stamp is looked at.
    let noop = mirror_sync(&["-v", &daemon.url(), ms]).ok();
    assert!(noop.stderr.contains("up to date"), "{}", noop.stderr);
    assert!(noop.received() < 200, "a no-op run received {} bytes:\n{}", noop.received(), noop.stderr);
    assert!(noop.stderr.contains("Number of regular files transferred: 0"), "{}", noop.stderr);

    // A new release (which archives alpha 1.9: keep is 2): only its files move, and
    // only the archived files go.
    let ino = |p: &str| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(m.join(p)).unwrap());
    let kept = ino("alpha/1.10/alpha-1.10.tar.gz");
    f.write("dist/alpha/1.11/alpha-1.11.tar.gz", "alpha 1.11 tarball\n");
    f.sign();
    f.closer(&["build"]).ok();
    let run = mirror_sync(&[&daemon.url(), ms]).ok();
    assert!(run.stderr.contains("fetched 1 file(s), deleted 2"), "{}", run.stderr);
    assert_eq!(payload(&mirrored(&m)), expected(&f, "fullfiletimelist-dist"));
    assert!(!m.join("alpha/1.9").exists(), "the archived release's directory is gone");
    assert_eq!(ino("alpha/1.10/alpha-1.10.tar.gz"), kept, "an unchanged file was touched");
}

#[test]
fn many_files_are_fetched_in_batches() {
    // rsync's work per name grows with the length of --files-from: a first sync of a
    // large tree fetches its names in batches (of 2 here, 10,000 by default).
    let f = built();
    let daemon = Daemon::serve(&f.path("dist"));
    let (_d, m) = dest();
    let run = mirror_sync_env(&[&daemon.url(), m.to_str().unwrap()], &[("MIRROR_SYNC_BATCH", "2")]).ok();
    let want = expected(&f, "fullfiletimelist-dist");
    assert_eq!(payload(&mirrored(&m)), want);
    let fetched = run.stderr.split("fetched ").nth(1).and_then(|s| s.split(' ').next()).unwrap();
    let fetched: usize = fetched.parse().unwrap();
    assert!(fetched >= 5, "{}", run.stderr);
    let log = std::fs::read_to_string(crate::mirror::state(&m).join("rsync.log")).unwrap();
    // The stamp, the lists, then one transfer per batch.
    let transfers = log.matches("Total bytes received").count();
    assert_eq!(transfers, 2 + fetched.div_ceil(2), "{log}");
    let left: Vec<_> = std::fs::read_dir(crate::mirror::state(&m)).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(!left.iter().any(|n| n.to_string_lossy().starts_with("batch.")), "{left:?}");
}

#[test]
fn partial_mirror_and_tiers() {
    let f = built();
    let daemon = Daemon::serve(&f.path("dist"));
    // A partial mirror gets only its projects.
    let (_d, p) = dest();
    mirror_sync(&["--list", "as-two", &daemon.url(), p.to_str().unwrap()]).ok();
    let got = payload(&mirrored(&p));
    assert!(!got.is_empty() && got.keys().all(|k| k.starts_with("alpha/")), "{:?}", got.keys());
    assert_eq!(got, expected(&f, "zzz/lists/fullfiletimelist-as-two"));

    // Tier 1 from the primary (carrying the partial lists for its own mirrors), tier 2
    // from tier 1 through a second daemon.
    // (Set up as a full mirror first: adding --carry-lists takes effect at once, not at
    // the primary's next stamp.)
    let (_d1, t1) = dest();
    mirror_sync(&[&daemon.url(), t1.to_str().unwrap()]).ok();
    assert!(!t1.join("zzz/lists").exists());
    mirror_sync(&["--carry-lists", &daemon.url(), t1.to_str().unwrap()]).ok();
    assert!(t1.join("zzz/lists/fullfiletimelist-as-two").exists());
    assert!(!t1.join("zzz/lists/fullfiletimelist-archive").exists());
    let tier1 = Daemon::serve(&t1);
    let (_d2, t2) = dest();
    mirror_sync(&["--carry-lists", &tier1.url(), t2.to_str().unwrap()]).ok();
    assert_eq!(mirrored(&t2), mirrored(&t1));
    // A partial tier 2 of the full tier 1.
    let (_d3, t3) = dest();
    mirror_sync(&["--list", "as-two", &tier1.url(), t3.to_str().unwrap()]).ok();
    assert_eq!(payload(&mirrored(&t3)), expected(&f, "zzz/lists/fullfiletimelist-as-two"));
    // A full mirror turned partial to save disk: the other projects go at once, and so
    // do the lists it no longer follows (the top-level list and the partial mirrors'
    // lists it carried would describe files it does not hold).
    assert!(t2.join("fullfiletimelist-dist").exists() && t2.join("zzz/lists/fullfiletimelist-as-two").exists());
    mirror_sync(&["--list", "as-two", &daemon.url(), t2.to_str().unwrap()]).ok();
    assert_eq!(payload(&mirrored(&t2)), expected(&f, "zzz/lists/fullfiletimelist-as-two"));
    let lists = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("fullfiletimelist-"))
            .collect();
        names.sort();
        names
    };
    assert_eq!(lists(&t2), Vec::<String>::new(), "a stale top-level list");
    assert_eq!(lists(&t2.join("zzz/lists")), ["fullfiletimelist-as-two"], "stale partial lists");
    // And back to full: the top-level list again, the partial one gone.
    mirror_sync(&[&daemon.url(), t2.to_str().unwrap()]).ok();
    assert_eq!(lists(&t2), ["fullfiletimelist-dist"]);
    assert_eq!(lists(&t2.join("zzz/lists")), Vec::<String>::new());
}

#[test]
fn killed_run_leaves_the_old_state_and_the_next_run_completes() {
    let f = built();
    let daemon = Daemon::serve(&f.path("dist"));
    let (_d, m) = dest();
    let ms = m.to_str().unwrap();
    mirror_sync(&[&daemon.url(), ms]).ok();
    let before = mirrored(&m);

    // A large new release, pulled slowly, killed half-way.
    let big: Vec<u8> = (0..8_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    f.write_bytes("dist/beta/0.2/beta-0.2.tar.gz", &big);
    f.sign();
    f.closer(&["build"]).ok();
    let slow_run = || {
        use std::os::unix::process::CommandExt;
        let child = Command::new("dash")
            .arg(repo().join("tools/mirror-sync"))
            .args(["--bwlimit", "2000", &daemon.url(), ms])
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap();
        let start = Instant::now();
        let partial = || {
            walkdir::WalkDir::new(crate::mirror::state(&m))
                .into_iter()
                .flatten()
                .any(|e| e.file_type().is_file() && e.path().to_string_lossy().contains("beta-0.2"))
        };
        while !partial() && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(500));
        child
    };
    // Stopped by a signal to the script alone (as `systemctl stop` sends): it stops its
    // rsync, says so, and the mirror serves its old state.
    let child = slow_run();
    // SAFETY: signalling the process we started.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("stopped by a signal; the mirror still serves its previous state"), "{said}");
    assert_eq!(mirrored(&m), before, "a stopped run changed what the mirror serves");
    // Killed outright, as a power cut would (from scratch: the stopped run's staged
    // bytes would let this one finish first).
    std::fs::remove_dir_all(crate::mirror::state(&m).join("stage")).unwrap();
    let mut child = slow_run();
    // SAFETY: signalling the process group we started.
    unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
    let _ = child.wait();
    // The mirror still serves exactly its old state.
    assert_eq!(mirrored(&m), before, "a killed run changed what the mirror serves");

    let run = mirror_sync(&[&daemon.url(), ms]).ok();
    assert!(run.stderr.contains("stale lock"), "{}", run.stderr);
    assert_eq!(payload(&mirrored(&m)), expected(&f, "fullfiletimelist-dist"));
}

#[test]
fn corruption_is_found_and_refused() {
    let f = built();
    let daemon = Daemon::serve(&f.path("dist"));
    let (_d, m) = dest();
    let ms = m.to_str().unwrap();
    mirror_sync(&[&daemon.url(), ms]).ok();

    // At rest: same size and mtime, other bytes. A normal run cannot see it...
    let victim = m.join("alpha/1.10/alpha-1.10.zip");
    let meta = std::fs::metadata(&victim).unwrap();
    let good = std::fs::read(&victim).unwrap();
    let mut bad = good.clone();
    bad[0] ^= 0x20;
    std::fs::write(&victim, &bad).unwrap();
    let mtime = filetime(&meta);
    set_mtime(&victim, mtime);
    mirror_sync(&[&daemon.url(), ms]).ok();
    assert_eq!(std::fs::read(&victim).unwrap(), bad);
    // ...--verify-all finds and repairs it.
    let run = mirror_sync(&["--verify-all", &daemon.url(), ms]).ok();
    assert!(run.stderr.contains("1 local file(s) do not match"), "{}", run.stderr);
    assert_eq!(std::fs::read(&victim).unwrap(), good);

    // Cut short (a full disk, a copy killed): the next run that syncs fetches it again,
    // without --verify-all.
    let cut = m.join("alpha/1.10/alpha-1.10.tar.gz");
    let whole = std::fs::read(&cut).unwrap();
    std::fs::write(&cut, b"").unwrap();
    f.write("dist/alpha/1.11/alpha-1.11.tar.gz", "a release to move the stamp\n");
    f.sign();
    f.closer(&["build"]).ok();
    let run = mirror_sync(&[&daemon.url(), ms]).ok();
    assert!(run.stderr.contains("1 local file(s) are not the size the list gives"), "{}", run.stderr);
    assert_eq!(std::fs::read(&cut).unwrap(), whole);

    // In transit: the primary serves bytes that are not what its list says. The file
    // is refused and never exposed; the rest is installed, and the exit (4) says so.
    let stamp = std::fs::read(m.join("zzz/time.txt")).unwrap();
    f.write("dist/beta/0.2/beta-0.2.tar.gz", "beta 0.2\n");
    f.sign();
    f.closer(&["build"]).ok();
    f.write("dist/beta/0.2/beta-0.2.tar.gz", "BETA 0.2\n"); // same size, after the list was made
    let run = mirror_sync(&[&daemon.url(), ms]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(
        run.stderr.contains("not the files its signed list names (first: beta/0.2/beta-0.2.tar.gz)"),
        "{}",
        run.stderr
    );
    assert!(!m.join("beta/0.2/beta-0.2.tar.gz").exists());
    assert_ne!(std::fs::read(m.join("zzz/time.txt")).unwrap(), stamp);
    // Put right on the primary, the next build's run fetches it.
    f.write("dist/beta/0.2/beta-0.2.tar.gz", "beta 0.2\n");
    f.write("dist/beta/0.3/beta-0.3.tar.gz", "beta 0.3\n");
    f.sign();
    f.closer(&["build"]).ok();
    mirror_sync(&[&daemon.url(), ms]).ok();
    assert_eq!(std::fs::read(m.join("beta/0.2/beta-0.2.tar.gz")).unwrap(), b"beta 0.2\n");
}

fn filetime(meta: &std::fs::Metadata) -> (i64, i64) {
    use std::os::unix::fs::MetadataExt;
    (meta.mtime(), meta.mtime_nsec())
}

fn set_mtime(path: &Path, (s, ns): (i64, i64)) {
    let t = std::time::UNIX_EPOCH + Duration::new(s as u64, ns as u32);
    std::fs::File::options().write(true).open(path).unwrap().set_modified(t).unwrap();
}

#[test]
fn tampered_list_fails_keyring_verification() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("Site <site@example.org>", "ed25519", "", None);
    f.write("site.sec.asc", &g.export_secret(&fpr, ""));
    f.closer(&["build", "--site-key", "site.sec.asc"]).ok();
    let keyring = f.path("keyring.gpg");
    std::fs::write(&keyring, g.cmd(&["--export", &fpr]).stdout).unwrap();
    let daemon = Daemon::serve(&f.path("dist"));
    let (_d, m) = dest();
    let ms = m.to_str().unwrap();
    mirror_sync(&["--keyring", keyring.to_str().unwrap(), &daemon.url(), ms]).ok();
    let before = mirrored(&m);
    // A keyring named without a directory is the one in the working directory (gpgv
    // looked for it in ~/.gnupg: "no key made the signature ... forged").
    let bare = Command::new("dash")
        .arg(repo().join("tools/mirror-sync"))
        .args(["--verify-all", "--keyring", "keyring.gpg", &daemon.url(), ms])
        .current_dir(f.path(""))
        .output()
        .unwrap();
    assert!(bare.status.success(), "{}", String::from_utf8_lossy(&bare.stderr));
    // SOURCE and DEST swapped, or SOURCE a directory inside the tree: said, with the fix.
    let swapped = mirror_sync(&[ms, &daemon.url()]);
    assert_eq!(swapped.code, 2, "{}", swapped.stderr);
    assert!(swapped.stderr.contains("is a URL; SOURCE comes first"), "{}", swapped.stderr);
    assert!(!std::path::Path::new("rsync:").exists());
    // An empty DEST (an unset variable in a cron line) or `/`: refused before anything.
    for dest in ["", "/"] {
        let run = mirror_sync(&[&daemon.url(), dest]);
        assert_eq!(run.code, 2, "{dest:?}: {}", run.stderr);
        assert!(run.stderr.contains("is not a mirror's directory"), "{}", run.stderr);
    }
    let inside = mirror_sync(&[&format!("{}alpha/", daemon.url()), ms]);
    assert_eq!(inside.code, 1, "{}", inside.stderr);
    assert!(inside.stderr.contains("SOURCE must be the top of the upstream's tree"), "{}", inside.stderr);

    // Someone changes the list on the primary (and the stamp, so mirrors look).
    let list = f.read("dist/fullfiletimelist-dist");
    f.write("dist/fullfiletimelist-dist", &list.replace("[End]", "1\tf\t1\tevil\n[End]"));
    f.write("dist/zzz/time.txt", "1999999999 dist.example.org\n");
    let run = mirror_sync(&["--keyring", keyring.to_str().unwrap(), &daemon.url(), ms]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("refused: MIX-AND-MATCH?"), "{}", run.stderr);
    assert_eq!(mirrored(&m), before);
}

#[test]
fn odd_names_lock_usage_and_dry_run() {
    let f = Fixture::new();
    f.write("dist/beta/0.1/beta with space ünïcødé.tar.gz", "odd\n");
    f.sign();
    f.closer(&["build"]).ok();
    let daemon = Daemon::serve(&f.path("dist"));
    let (_d, m) = dest();
    let ms = m.to_str().unwrap();

    let dry = mirror_sync(&["-n", &daemon.url(), ms]).ok();
    assert!(dry.stderr.contains("would fetch 6 file(s)"), "{}", dry.stderr);
    assert!(!m.join("beta").exists());

    mirror_sync(&[&daemon.url(), ms]).ok();
    assert_eq!(std::fs::read(m.join("beta/0.1/beta with space ünïcødé.tar.gz")).unwrap(), b"odd\n");

    // A live run holds the lock: a second one exits 3.
    std::fs::create_dir(crate::mirror::state(&m).join("lock")).unwrap();
    std::fs::write(crate::mirror::state(&m).join("lock/pid"), std::process::id().to_string()).unwrap();
    let run = mirror_sync(&[&daemon.url(), ms]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    std::fs::remove_dir_all(crate::mirror::state(&m).join("lock")).unwrap();

    assert_eq!(mirror_sync(&[]).code, 2);
    assert_eq!(mirror_sync(&["--bogus", "a", "b"]).code, 2);
}

#[test]
fn script_passes_shellcheck() {
    let out = Command::new("shellcheck")
        .args(["-s", "sh"])
        .arg(repo().join("tools/mirror-sync"))
        .arg(repo().join("scripts/make-zones"))
        .output()
        .expect("shellcheck is needed (scripts/test installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}
