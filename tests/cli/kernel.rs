//! kernel.org's shape: releases side by side in series directories (`v6.x/`), signed
//! over their uncompressed content (`linux-6.6.tar.sign` covers `.tar.xz`, `.tar.gz`,
//! ...), patches signed the same way, ChangeLogs signed as they are, and a clearsigned
//! `sha256sums.asc` beside them. Made with the real tar, xz, gzip, bzip2, zstd and gpg.

use crate::gpg::Gpg;
use crate::util::Fixture;
use std::path::Path;
use std::process::Command;

/// Runs `program args` in `dir`, and says what went wrong if it failed.
fn run(dir: &Path, program: &str, args: &[&str], gpg: Option<&Gpg>) {
    let mut c = Command::new(program);
    c.args(args).current_dir(dir);
    if let Some(g) = gpg {
        c.env("GNUPGHOME", g.home.path());
    }
    let out = c.output().unwrap();
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

const COMPRESSORS: [(&str, &[&str]); 4] =
    [("xz", &["xz", "-k"]), ("gz", &["gzip", "-k"]), ("bz2", &["bzip2", "-k"]), ("zst", &["zstd", "-q", "-k"])];

/// `linux-<v>.tar` made by tar from a small source tree, signed uncompressed (armored,
/// as kernel.org signs), then compressed by every tool; the tar itself is not uploaded.
fn kernel_release(g: &Gpg, fpr: &str, dir: &Path, v: &str) {
    let src = dir.join(format!("linux-{v}"));
    std::fs::create_dir_all(src.join("kernel")).unwrap();
    let body: String = (0..20_000).map(|i| format!("obj-y += file{i}.o # linux {v}\n")).collect();
    std::fs::write(src.join("Makefile"), body).unwrap();
    std::fs::write(src.join("kernel/fork.c"), format!("int fork(void) {{ return {}; }}\n", v.len())).unwrap();
    let tar = format!("linux-{v}.tar");
    run(dir, "tar", &["--sort=name", "--mtime=@0", "-cf", &tar, &format!("linux-{v}")], None);
    std::fs::remove_dir_all(&src).unwrap();
    let sign = format!("linux-{v}.tar.sign");
    run(dir, "gpg", &["--batch", "--yes", "-u", fpr, "--armor", "--detach-sign", "-o", &sign, &tar], Some(g));
    for (_, cmd) in COMPRESSORS {
        run(dir, cmd[0], &[&cmd[1..], &[tar.as_str()]].concat(), None);
    }
    std::fs::remove_file(dir.join(&tar)).unwrap();
}

/// `dist/linux/v6.x/` with 6.6 and 6.6.1 (and a patch and a ChangeLog), and
/// `dist/linux/v5.x/` whose one file is signed by a clearsigned `sha256sums.asc`.
pub(crate) fn kernel_tree(f: &Fixture, g: &Gpg) -> String {
    let fpr = g.generate("Kernel Releaser <kernel@example.org>", "ed25519", "", None);
    f.write("dist/linux/KEYS", &g.export_public(&fpr));
    let v6 = f.path("dist/linux/v6.x");
    std::fs::create_dir_all(&v6).unwrap();
    for v in ["6.6", "6.6.1"] {
        kernel_release(g, &fpr, &v6, v);
    }
    f.write("dist/linux/v6.x/patch-6.6.1", "--- a/Makefile\n+++ b/Makefile\n");
    f.write("dist/linux/v6.x/ChangeLog-6.6.1", "commit 1\n    Linux 6.6.1\n");
    for file in ["patch-6.6.1", "ChangeLog-6.6.1"] {
        let sign = format!("{file}.sign");
        run(&v6, "gpg", &["--batch", "-u", &fpr, "--armor", "--detach-sign", "-o", &sign, file], Some(g));
    }
    run(&v6, "xz", &["patch-6.6.1"], None);
    f.write("dist/linux/v5.x/linux-5.15.tar.xz", "");
    std::fs::remove_file(f.path("dist/linux/v5.x/linux-5.15.tar.xz")).unwrap();
    let v5 = f.path("dist/linux/v5.x");
    kernel_release(g, &fpr, &v5, "5.15");
    for ext in ["gz", "bz2", "zst"] {
        std::fs::remove_file(v5.join(format!("linux-5.15.tar.{ext}"))).unwrap();
    }
    std::fs::remove_file(v5.join("linux-5.15.tar.sign")).unwrap();
    let sums = Command::new("sha256sum").arg("linux-5.15.tar.xz").current_dir(&v5).output().unwrap().stdout;
    f.write_bytes("dist/linux/v5.x/.sums", &sums);
    run(&v5, "gpg", &["--batch", "-u", &fpr, "--clearsign", "-o", "sha256sums.asc", ".sums"], Some(g));
    std::fs::remove_file(v5.join(".sums")).unwrap();
    fpr
}

/// The `linux` project of `closer releases --json`.
fn releases(f: &Fixture) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    doc.as_array().unwrap().iter().find(|p| p["project"] == "linux").unwrap().clone()
}

/// The signature of the artifact at `path`, from `closer releases --json`.
fn signature_of(doc: &serde_json::Value, path: &str) -> serde_json::Value {
    let files = doc["lines"].as_array().unwrap().iter().flat_map(|l| l["releases"].as_array().unwrap().clone());
    let files: Vec<serde_json::Value> = files.flat_map(|r| r["files"].as_array().unwrap().clone()).collect();
    files.iter().find(|f| f["path"] == path).unwrap_or_else(|| panic!("{path} in {doc:#}"))["signature"].clone()
}

#[test]
fn signatures_over_uncompressed_tars_are_checked_through_every_compression() {
    let f = Fixture::new();
    let g = Gpg::new();
    kernel_tree(&f, &g);
    let doc = releases(&f);
    let lines: Vec<(&str, Vec<&str>)> = doc["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let versions = l["releases"].as_array().unwrap().iter().map(|r| r["version"].as_str().unwrap()).collect();
            (l["line"].as_str().unwrap(), versions)
        })
        .collect();
    assert_eq!(lines, [("v6.x", vec!["6.6.1", "6.6"]), ("v5.x", vec!["5.15"])]);
    for v in ["6.6", "6.6.1"] {
        for (ext, _) in COMPRESSORS {
            let sig = signature_of(&doc, &format!("linux/v6.x/linux-{v}.tar.{ext}"));
            let want = format!("linux/v6.x/linux-{v}.tar.sign");
            assert_eq!(sig, serde_json::json!({"path": want, "kind": "uncompressed", "outcome": "good"}));
        }
    }
    let patch = signature_of(&doc, "linux/v6.x/patch-6.6.1.xz");
    assert_eq!(patch["kind"], "uncompressed");
    assert_eq!(patch["outcome"], "good");
    // A ChangeLog is a note (carried, never demanded a signature), its `.sign` carried
    // with it.
    let roles: Vec<(&str, &str)> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["role"].as_str().unwrap()))
        .collect();
    assert!(roles.contains(&("linux/v6.x/ChangeLog-6.6.1", "notes")), "{roles:?}");
    assert!(roles.contains(&("linux/v6.x/ChangeLog-6.6.1.sign", "signature")), "{roles:?}");
    let old = signature_of(&doc, "linux/v5.x/linux-5.15.tar.xz");
    assert_eq!(old, serde_json::json!({"path": "linux/v5.x/sha256sums.asc", "kind": "signed-list", "outcome": "good"}));
    assert_eq!(doc["signed_lists"], serde_json::json!(["linux/v5.x/sha256sums.asc"]));

    f.closer(&["build"]).ok();
    // The page says how to check the signature, and the command it gives works.
    let page = f.read("site/linux/v6.x/6.6/index.html");
    // (For the `.tar.gz` of the four: the form every tar reads.)
    let line = "gzip -dc linux-6.6.tar.gz | gpg --verify linux-6.6.tar.sign -";
    assert!(page.contains(line), "{page}");
    assert!(page.contains("https://dist.example.org/dist/linux/v6.x/linux-6.6.tar.sign"), "{page}");
    for (ext, _) in COMPRESSORS {
        let cmd = format!("{} -dc linux-6.6.tar.{ext} | gpg --verify linux-6.6.tar.sign -", ext_tool(ext));
        run(&f.path("dist/linux/v6.x"), "bash", &["-ec", &format!("set -o pipefail; {cmd}")], Some(&g));
    }
    // The signature goes to the archive once; mirrors carry the files, as for every form.
    let archive = f.read("dist/zzz/lists/fullfiletimelist-archive");
    let files = archive.split("[Checksums").next().unwrap();
    assert_eq!(files.matches("\tlinux/v6.x/linux-6.6.tar.sign\n").count(), 1, "{archive}");
    let dist = f.read("dist/fullfiletimelist-dist");
    assert!(dist.contains("\tlinux/v6.x/linux-6.6.tar.xz\n") && !dist.contains(".tar.sign"), "{dist}");
}

fn run_in(dir: &Path, script: &str) {
    run(dir, "sh", &["-ec", script], None);
}

/// The decompressing tool of a file ending.
fn ext_tool(ext: &str) -> &'static str {
    match ext {
        "xz" => "xz",
        "gz" => "gzip",
        "bz2" => "bzip2",
        _ => "zstd",
    }
}

#[test]
fn a_truncated_or_altered_compressed_file_is_caught_read_once_or_from_the_cache() {
    for warm in [false, true] {
        for stream in [false, true] {
            let f = Fixture::new();
            let g = Gpg::new();
            kernel_tree(&f, &g);
            let env: &[(&str, &str)] = if stream { &[("CLOSER_VERIFY_STREAM", "1")] } else { &[] };
            if warm {
                // The digests come from the cache; the signature is checked again.
                f.closer_env(&["check"], env).ok();
            }
            let v6 = f.path("dist/linux/v6.x");
            let xz = std::fs::read(v6.join("linux-6.6.tar.xz")).unwrap();
            std::fs::write(v6.join("linux-6.6.tar.xz"), &xz[..xz.len() / 2]).unwrap();
            // Another tar, well compressed, under the old signature.
            let alter = "gzip -dc linux-6.6.1.tar.gz > t && echo more >> t && gzip -c t > linux-6.6.1.tar.gz && rm t";
            run_in(&v6, alter);
            let run = f.closer_env(&["check"], env);
            assert_eq!(run.code, 1, "{}", run.stderr);
            assert!(
                run.stderr.contains(
                    "linux-6.6.tar.sign (over its uncompressed content) does not match linux-6.6.tar.xz (it cannot be read as xz: it ends before its compressed stream does"
                ),
                "warm {warm}, stream {stream}: {}",
                run.stderr
            );
            assert!(run.stderr.contains("linux-6.6.1.tar.gz"), "{}", run.stderr);
            assert!(!run.stderr.contains("linux-6.6.tar.gz"), "the intact file is fine: {}", run.stderr);
        }
    }
}

/// Samba's form: `samba-4.21.1.tar.asc` beside `samba-4.21.1.tar.gz` signs the tar
/// inside it (its download page says to gunzip before verifying). It was "a .asc file
/// for `samba-4.21.1.tar`, which is not in the release", and the tarball unsigned.
#[test]
fn an_asc_of_the_uncompressed_tar_signs_its_compressed_form() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("Samba Distribution Verification Key <samba-bugs@samba.org>", "ed25519", "", None);
    f.write("dist/samba/KEYS", &g.export_public(&fpr));
    let dir = f.path("dist/samba/stable");
    std::fs::create_dir_all(dir.join("samba-4.21.1")).unwrap();
    std::fs::write(dir.join("samba-4.21.1/WHATSNEW.txt"), "Release Announcements\n".repeat(500)).unwrap();
    run(&dir, "tar", &["--sort=name", "--mtime=@0", "-cf", "samba-4.21.1.tar", "samba-4.21.1"], None);
    std::fs::remove_dir_all(dir.join("samba-4.21.1")).unwrap();
    let sign = ["--batch", "-u", &fpr, "--armor", "--detach-sign", "-o", "samba-4.21.1.tar.asc", "samba-4.21.1.tar"];
    run(&dir, "gpg", &sign, Some(&g));
    run(&dir, "gzip", &["-n", "samba-4.21.1.tar"], None);
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let samba = doc.as_array().unwrap().iter().find(|p| p["project"] == "samba").unwrap();
    let sig = signature_of(samba, "samba/stable/samba-4.21.1.tar.gz");
    let want =
        serde_json::json!({"path": "samba/stable/samba-4.21.1.tar.asc", "kind": "uncompressed", "outcome": "good"});
    assert_eq!(sig, want);
    f.closer(&["build"]).ok();
    let page = f.read("site/samba/4.21.1/index.html");
    let line = "gzip -dc samba-4.21.1.tar.gz | gpg --verify samba-4.21.1.tar.asc -";
    assert!(page.contains(line), "{page}");
    run(&dir, "bash", &["-ec", &format!("set -o pipefail; {line}")], Some(&g));
    // Another tarball under the same signature: bad.
    std::fs::write(dir.join("samba-4.21.1.tar.gz"), b"not the signed tar").unwrap();
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("samba-4.21.1.tar.gz"), "{}", run.stderr);
}
