//! `tools/mirror-sync` killed with SIGKILL at 20 points of a sync (each phase, each
//! install step, and twice in the middle of a transfer), against a real rsync daemon:
//! each time the mirror serves a consistent state (the old stamp with the old files, or
//! the new stamp with exactly the new files) and the next run converges. And a mirror
//! whose disk fills during a sync fails clearly, keeps serving, and completes once there
//! is room.

use crate::faults::Tmpfs;
use crate::mirror::{Daemon, dest, mirror_sync, mirrored};
use crate::util::{Fixture, copy_tree, repo, sha512_hex};
use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

type Files = BTreeMap<String, String>;

/// path -> SHA-512 of the regular files a list names, from the list's own checksums.
fn listed(list: &str) -> Files {
    let sums = list.split("[Checksums SHA512]\n").nth(1).unwrap().split("\n\n").next().unwrap();
    sums.lines().map(|l| l.split_once('\t').unwrap()).map(|(h, p)| (p.to_string(), h.to_string())).collect()
}

struct Scene {
    f: Fixture,
    keyring: std::path::PathBuf,
    daemon: Daemon,
    /// The mirror synced to the old state, kept aside.
    saved: std::path::PathBuf,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    mirror: std::path::PathBuf,
    old: (String, Files),
    new: (String, Files),
    /// The primary's signed index in the old and the new state.
    indexes: [Vec<u8>; 2],
}

fn scene() -> Scene {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("Site <site@example.org>", "ed25519", "", None);
    f.write("site.sec.asc", &g.export_secret(&fpr, ""));
    let keyring = f.path("keyring.gpg");
    std::fs::write(&keyring, g.cmd(&["--export", &fpr]).stdout).unwrap();
    f.closer(&["build", "--site-key", "site.sec.asc"]).ok();
    let daemon = Daemon::serve(&f.path("dist"));
    let (d, mirror) = dest();
    let ms = mirror.to_str().unwrap().to_string();
    mirror_sync(&["--carry-lists", "--keyring", keyring.to_str().unwrap(), &daemon.url(), &ms]).ok();
    let old = (f.read("dist/zzz/time.txt"), listed(&f.read("dist/fullfiletimelist-dist")));
    let old_index = f.read_bytes("dist/zzz/index");
    let keep = tempfile::tempdir().unwrap();
    let saved = keep.path().join("mirror");
    copy_tree(&mirror, &saved);
    // The new state: a large new release (archiving alpha 1.9, so files go) and a new beta.
    let big: Vec<u8> = (0..2_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    f.write_bytes("dist/alpha/1.11/alpha-1.11.tar.gz", &big);
    f.write("dist/beta/0.2/beta-0.2.tar.gz", "beta 0.2\n");
    f.sign();
    f.closer(&["build", "--site-key", "site.sec.asc"]).ok();
    let new = (f.read("dist/zzz/time.txt"), listed(&f.read("dist/fullfiletimelist-dist")));
    let indexes = [old_index, f.read_bytes("dist/zzz/index")];
    Scene { f, keyring, daemon, saved, _dirs: (d, keep), mirror, old, new, indexes }
}

impl Scene {
    fn args(&self) -> Vec<String> {
        let k = self.keyring.to_str().unwrap().to_string();
        vec!["--carry-lists".into(), "--keyring".into(), k, self.daemon.url(), self.mirror.to_str().unwrap().into()]
    }

    fn spawn(&self, env: &[(&str, &str)], extra: &[&str]) -> std::process::Child {
        use std::os::unix::process::CommandExt;
        Command::new("dash")
            .arg(repo().join("tools/mirror-sync"))
            .args(extra)
            .args(self.args())
            .envs(env.iter().copied())
            .env("MIRROR_SYNC_RETRY_SECONDS", "0")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap()
    }

    /// What the mirror serves must be one whole state.
    #[track_caller]
    fn consistent(&self, point: &str) {
        let have = mirrored(&self.mirror);
        let stamp = std::fs::read_to_string(self.mirror.join("zzz/time.txt")).unwrap();
        let payload: Files = have
            .iter()
            .filter(|(k, _)| self.old.1.contains_key(*k) || self.new.1.contains_key(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if stamp == self.new.0 {
            // What left the list is deleted last (by this run, or the next): until then it
            // is there, unchanged, beside the new state.
            let (listed, left): (Files, Files) = payload.into_iter().partition(|(k, _)| self.new.1.contains_key(k));
            assert_eq!(listed, self.new.1, "{point}: the new stamp, but not exactly the new files");
            for (path, sum) in &left {
                assert_eq!(self.old.1.get(path), Some(sum), "{point}: {path} left the list and is corrupt");
            }
            assert_eq!(std::fs::read(self.mirror.join("zzz/index")).unwrap(), self.indexes[1], "{point}");
            return;
        }
        assert_eq!(stamp, self.old.0, "{point}: a stamp of neither state");
        for (path, sum) in &self.old.1 {
            match (have.get(path), self.new.1.get(path)) {
                (Some(h), _) => assert!(h == sum || self.new.1.get(path) == Some(h), "{point}: {path} is corrupt"),
                (None, Some(_)) => panic!("{point}: {path}, in both states, is missing"),
                (None, None) => panic!("{point}: {path} left the list, and was deleted while the old list names it"),
            }
        }
        let index = std::fs::read(self.mirror.join("zzz/index")).unwrap();
        assert!(self.indexes.contains(&index), "{point}: an index of neither state");
    }

    fn converges(&self, point: &str) {
        let out = Command::new("dash")
            .arg(repo().join("tools/mirror-sync"))
            .args(self.args())
            .env("MIRROR_SYNC_RETRY_SECONDS", "0")
            .output()
            .unwrap();
        assert!(out.status.success(), "{point}: the next run failed:\n{}", String::from_utf8_lossy(&out.stderr));
        let have = mirrored(&self.mirror);
        assert_eq!(std::fs::read_to_string(self.mirror.join("zzz/time.txt")).unwrap(), self.new.0, "{point}");
        let payload: Files =
            have.into_iter().filter(|(k, _)| !k.starts_with("zzz/") && !k.starts_with("fullfiletimelist-")).collect();
        assert_eq!(payload, self.new.1, "{point}: the next run did not converge");
        for rel in ["zzz/index", "zzz/index.asc", "fullfiletimelist-dist", "zzz/lists/fullfiletimelist-as-two"] {
            assert_eq!(
                sha512_hex(&std::fs::read(self.mirror.join(rel)).unwrap()),
                sha512_hex(&self.f.read_bytes(&format!("dist/{rel}"))),
                "{point}: {rel}"
            );
        }
    }
}

#[test]
fn a_sync_killed_anywhere_serves_one_state_and_the_next_run_converges() {
    let s = scene();
    let named = [
        "stamp fetched",
        "lists fetched",
        "list checked",
        "lists parsed",
        "local listing done",
        "missing files found",
        "fetch and delete sets worked out",
        "files fetched",
        "files checked",
        "files installed",
        "before deleting",
        "files deleted",
        "partial lists installed",
        "list signature installed",
        "list installed",
        "index signature installed",
        "index installed",
        "lists and stamp installed",
    ];
    for point in named {
        copy_tree(&s.saved, &s.mirror);
        let status = s.spawn(&[("MIRROR_SYNC_FAULT", point)], &[]).wait().unwrap();
        assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(9), "{point}: not killed there");
        s.consistent(point);
        s.converges(point);
    }
    // In the middle of the transfer of the large file, at two moments.
    for delay in [200, 1500] {
        let point = format!("transfer + {delay} ms");
        copy_tree(&s.saved, &s.mirror);
        let mut child = s.spawn(&[], &["--bwlimit", "400"]);
        let start = Instant::now();
        let staged = || {
            walkdir::WalkDir::new(crate::mirror::state(&s.mirror))
                .into_iter()
                .flatten()
                .any(|e| e.file_type().is_file() && e.path().to_string_lossy().contains("alpha-1.11"))
        };
        while !staged() && start.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(delay));
        // SAFETY: signalling the process group the test started.
        unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
        let status = child.wait().unwrap();
        assert!(status.code().is_none(), "{point}: the sync finished before it was killed");
        s.consistent(&point);
        s.converges(&point);
    }
}

#[test]
fn a_full_mirror_disk_is_a_clear_error_and_the_mirror_keeps_serving() {
    let s = scene();
    let fs = Tmpfs::mount("1500k");
    let m = fs.0.join("mirror");
    copy_tree(&s.saved, &m);
    let before = mirrored(&m);
    let args = ["--keyring", s.keyring.to_str().unwrap(), &s.daemon.url(), m.to_str().unwrap()];
    let run = mirror_sync(&args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("still serves its previous state"), "{}", run.stderr);
    // Said before rsync fills the disk: what the new files need, what is free.
    assert!(run.stderr.contains("new file(s) need") && run.stderr.contains(" free: free space"), "{}", run.stderr);
    assert_eq!(mirrored(&m), before, "the mirror serves exactly what it served");
    fs.resize("8m");
    mirror_sync(&args).ok();
    let have = mirrored(&m);
    let payload: Files =
        have.into_iter().filter(|(k, _)| !k.starts_with("zzz/") && !k.starts_with("fullfiletimelist-")).collect();
    assert_eq!(payload, s.new.1);
}
