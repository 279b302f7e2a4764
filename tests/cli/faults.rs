//! Faults survived, on real processes: `closer build` killed with SIGKILL at 20 points
//! (hashing, rendering, writing, swapping the site in, writing the lists, the index and
//! the stamp, saving the caches) leaves the previous site and lists intact, or the new
//! ones whole, and the next build is exactly a clean build's; a full disk during a build
//! is a clear error with nothing half-written.

use crate::util::{Fixture, copy_tree, snapshot};
use std::collections::BTreeMap;
use std::process::Command;

const T: &str = "1790000000";

type Snap = BTreeMap<String, Vec<u8>>;

/// A primary with a site key built once (state 1), and the change that makes state 2: a
/// new signed release (which archives one) and an edited page.
struct Scene {
    f: Fixture,
    _keep: tempfile::TempDir,
    saved: std::path::PathBuf,
    change: std::path::PathBuf,
}

const PARTS: [&str; 4] = ["dist", "site", ".closer-cache", "content"];

impl Scene {
    fn new() -> Scene {
        let f = Fixture::new();
        let g = crate::gpg::Gpg::new();
        let fpr = g.generate("Site <site@example.org>", "ed25519", "", None);
        f.write("site.sec.asc", &g.export_secret(&fpr, ""));
        f.write("content/alpha/1.9.md", &"A long page. ".repeat(2000));
        let keep = tempfile::tempdir().unwrap();
        // The change, made once (signatures carry a random salt).
        f.write("dist/alpha/1.11/alpha-1.11.tar.gz", &"alpha 1.11 tarball\n".repeat(1000));
        f.write("dist/alpha/1.11/alpha-1.11.zip", "alpha 1.11 zip\n");
        f.sign();
        let change = keep.path().join("change");
        copy_tree(&f.path("dist/alpha/1.11"), &change);
        std::fs::remove_dir_all(f.path("dist/alpha/1.11")).unwrap();
        let s = Scene { f, saved: keep.path().join("saved"), change, _keep: keep };
        s.build().ok();
        std::fs::create_dir_all(&s.saved).unwrap();
        for p in PARTS {
            copy_tree(&s.f.path(p), &s.saved.join(p));
        }
        s
    }

    fn build(&self) -> crate::util::Run {
        self.f.closer_env(&["build", "--site-key", "site.sec.asc"], &[("SOURCE_DATE_EPOCH", T)])
    }

    /// Back to state 1, with the change applied (not yet built).
    fn reset(&self) {
        for p in PARTS {
            copy_tree(&self.saved.join(p), &self.f.path(p));
        }
        copy_tree(&self.change, &self.f.path("dist/alpha/1.11"));
        self.f.write("content/alpha.md", "---\ntitle: Alpha\n---\nA new intro.\n");
    }

    fn state(&self) -> (Snap, Snap) {
        (self.f.snapshot("site"), self.f.snapshot("dist"))
    }
}

/// The same outputs: byte for byte, but for OpenPGP signatures, which carry a random
/// salt (of those, the same signed text, or the same presence), and the times in the
/// mirror lists (each trial copies the inputs anew, so their ctimes differ; the index
/// holds the lists' digests).
fn same(a: &Snap, b: &Snap) -> Vec<String> {
    let unsalted = norm;
    a.keys()
        .chain(b.keys())
        .filter(|k| a.get(*k).map(|v| unsalted(k, v)) != b.get(*k).map(|v| unsalted(k, v)))
        .cloned()
        .collect()
}

/// What [`same`] compares of one file.
fn norm(rel: &str, bytes: &[u8]) -> Vec<u8> {
    {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        if name.starts_with("fullfiletimelist-") && !name.ends_with(".asc") {
            let text = String::from_utf8_lossy(bytes);
            let lines: Vec<&str> = text.lines().map(|l| l.split_once('\t').map_or(l, |(_, rest)| rest)).collect();
            return lines.join("\n").into_bytes();
        }
        if rel == "zzz/index" {
            let text = String::from_utf8_lossy(bytes);
            return text.lines().filter(|l| !l.starts_with("list ")).collect::<Vec<_>>().join("\n").into_bytes();
        }
        if !rel.ends_with(".asc") || rel.ends_with("KEYS") || rel == "site-key.asc" {
            return bytes.to_vec();
        }
        let text = String::from_utf8_lossy(bytes);
        text.split("-----BEGIN PGP SIGNATURE-----").next().unwrap_or("").as_bytes().to_vec()
    }
}

#[test]
fn a_build_killed_anywhere_leaves_the_old_outputs_or_the_new_ones_whole() {
    let s = Scene::new();
    let (old_site, old_dist) = (s.f.snapshot("site"), s.f.snapshot("dist"));
    s.reset();
    let run = s.build();
    run.ok();
    let (new_site, new_dist) = s.state();
    assert_ne!(old_site, new_site);

    let points = [
        "hash:1", "hash:2", "render:1", "render:4", "render:8", "write:1", "write:10", "write:25", "write:40",
        "swap:1", "swap:2", "cache:1", "cache:2", "cache:3", "since:1", "list:1", "list:2", "list:5", "index:1",
        "stamp:1",
    ];
    for point in points {
        s.reset();
        let killed = s
            .f
            .closer_env(&["build", "--site-key", "site.sec.asc"], &[("SOURCE_DATE_EPOCH", T), ("CLOSER_FAULT", point)]);
        assert_eq!(
            killed.code, -1,
            "{point}: the build was not killed there (exit {}):\n{}",
            killed.code, killed.stderr
        );
        let (site, dist) = s.state();
        assert!(
            same(&site, &old_site).is_empty() || same(&site, &new_site).is_empty(),
            "{point}: the site is neither the old one nor the new one"
        );
        for (rel, bytes) in &dist {
            let mine = Some(norm(rel, bytes));
            let known =
                old_dist.get(rel).map(|b| norm(rel, b)) == mine || new_dist.get(rel).map(|b| norm(rel, b)) == mine;
            let temporary = rel.rsplit('/').next().is_some_and(|n| n.starts_with('.') && n.contains(".closer-"));
            // zzz/pending: the lists are being written; the next build moves the stamp.
            assert!(known || temporary || rel == "zzz/pending", "{point}: dist/{rel} is half-written or unknown");
        }
        for rel in old_dist.keys().filter(|r| new_dist.contains_key(*r)) {
            assert!(dist.contains_key(rel), "{point}: dist/{rel} was lost");
        }
        // The stamp moves last. Lists newer than the stamp are marked pending, so the
        // next build moves the stamp even though it finds the lists already written.
        let lists_new = dist.iter().any(|(rel, b)| {
            rel.contains("fullfiletimelist-") && old_dist.get(rel).map(|o| norm(rel, o)) != Some(norm(rel, b))
        });
        if dist.get("zzz/time.txt") == old_dist.get("zzz/time.txt") && lists_new {
            assert!(dist.contains_key("zzz/pending"), "{point}: new lists under the old stamp, unmarked");
        }
        // What a write killed half-way leaves (a temporary file never renamed) goes.
        s.f.write("dist/.fullfiletimelist-dist.closer-tmp-4000000", "half a list");
        s.build().ok();
        let (site, dist) = s.state();
        let differ = same(&site, &new_site);
        assert!(differ.is_empty(), "{point}: the next build's site differs from a clean build's: {differ:?}");
        let differ = same(&dist, &new_dist);
        assert!(differ.is_empty(), "{point}: the next build's release tree differs from a clean build's: {differ:?}");
    }
}

/// A small tmpfs mounted by the test (it runs as root, as `scripts/test` does).
pub(crate) struct Tmpfs(pub(crate) std::path::PathBuf, #[allow(dead_code)] tempfile::TempDir);

impl Tmpfs {
    pub(crate) fn mount(size: &str) -> Tmpfs {
        let d = tempfile::tempdir().unwrap();
        let at = d.path().join("fs");
        std::fs::create_dir(&at).unwrap();
        let ok = Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(&at).status();
        assert!(
            ok.is_ok_and(|s| s.success()),
            "cannot mount a tmpfs at {} (the fault tests run as root, as scripts/test does)",
            at.display()
        );
        Tmpfs(at, d)
    }

    pub(crate) fn resize(&self, size: &str) {
        let ok = Command::new("mount").args(["-o", &format!("remount,size={size}")]).arg(&self.0).status().unwrap();
        assert!(ok.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_during_a_build_is_a_clear_error_and_nothing_is_half_written() {
    let s = Scene::new();
    // The site on a file system with room for the old site, not for two.
    let fs = Tmpfs::mount("600k");
    let out = fs.0.join("site");
    let out_s = out.to_str().unwrap();
    let args = ["build", "--site-key", "site.sec.asc", "--out", out_s];
    s.f.closer_env(&args, &[("SOURCE_DATE_EPOCH", T)]).ok();
    let before = snapshot(&out);
    s.reset();
    s.f.write("content/alpha/1.10.md", &"A much longer page. ".repeat(20000));
    let run = s.f.closer_env(&args, &[("SOURCE_DATE_EPOCH", T)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("No space left on device"), "{}", run.stderr);
    assert!(run.stderr.contains(&fs.0.display().to_string()), "the error names the place: {}", run.stderr);
    assert_eq!(snapshot(&out), before, "the previous site is intact");
    let left: Vec<_> = std::fs::read_dir(&fs.0).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, vec![std::ffi::OsString::from("site")], "nothing is left beside it");
    // With room, the next build completes.
    fs.resize("4m");
    s.f.closer_env(&args, &[("SOURCE_DATE_EPOCH", T)]).ok();
    assert!(std::fs::read_to_string(out.join("alpha/1.10/index.html")).unwrap().contains("A much longer page."));

    // The release tree full: a new mirror's list cannot be written; the old lists, the
    // index and the stamp stay as they were, and nothing half-written is left.
    let small = Tmpfs::mount("2m");
    let dist = small.0.join("dist");
    copy_tree(&s.f.path("dist"), &dist);
    let lists_before = snapshot(&dist);
    let mut filler = std::fs::File::create(small.0.join("filler")).unwrap();
    let _ = std::io::Write::write_all(&mut filler, &vec![0u8; 4 << 20]);
    let with_mirror = s.f.read("mirrors.yaml")
        + "  - id: as-three\n    name: Three\n    country: SG\n    continent: AS\n    lat: 1.3\n    lon: 103.8\n    bandwidth: 100\n    include: [\"beta\"]\n    urls:\n      https: https://three.example.com/m/\n";
    s.f.write("mirrors.yaml", &with_mirror);
    let lists = ["build", "--lists-only", "--dist", dist.to_str().unwrap(), "--site-key", "site.sec.asc"];
    let run = s.f.closer_env(&lists, &[("SOURCE_DATE_EPOCH", T)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("No space left on device") && run.stderr.contains("dist/"), "{}", run.stderr);
    assert_eq!(snapshot(&dist), lists_before, "the release tree is as it was");
    drop(filler);
    std::fs::remove_file(small.0.join("filler")).unwrap();
    s.f.closer_env(&lists, &[("SOURCE_DATE_EPOCH", T)]).ok();
    assert!(dist.join("zzz/lists/fullfiletimelist-as-three").exists());
}
