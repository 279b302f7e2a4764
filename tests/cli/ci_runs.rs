//! closer as CI and scripts run it: a fresh clone without the site key, a read-only
//! checkout, another working directory, a hardened umask, `--json` on every path, and the
//! shipped `tools/ci-site`.

use crate::util::{Fixture, closer_in, repo};
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

/// A site made by `closer init` in `f`, built once: the registry names `keys/site-key.asc`.
fn init_site(f: &Fixture, dir: &str) -> std::path::PathBuf {
    f.closer(&["init", dir]).ok();
    let site = f.path(dir);
    closer_in(&site, &["build"]).ok();
    site
}

/// A fresh clone has no keys/ (init's .gitignore): a check verifies all the same and says
/// that nothing was signed; a build still needs the key.
#[test]
fn a_check_needs_no_secret_site_key() {
    let f = Fixture::empty();
    let site = init_site(&f, "site");
    std::fs::remove_dir_all(site.join("keys")).unwrap();
    let check = closer_in(&site, &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(check.stderr.contains("cannot use the site key") && check.stderr.contains("nothing was signed"));
    assert!(!check.stderr.contains("give                 "), "{}", check.stderr);
    let build = closer_in(&site, &["build"]);
    assert_eq!(build.code, 2, "{}", build.stderr);
    assert!(build.stderr.contains("give its path with --site-key PATH"), "{}", build.stderr);
}

/// Every command asked for `--json` prints one JSON document, even when it cannot run:
/// the error, its fix and its place.
#[test]
fn json_is_printed_when_a_command_cannot_run() {
    let f = Fixture::new();
    let registry = f.read("mirrors.yaml");
    f.write("mirrors.yaml", &registry.replacen("mirrors:", "mirors:", 1));
    let line = registry.lines().position(|l| l.starts_with("mirrors:")).unwrap() + 1;
    for args in [&["check", "--json"][..], &["build", "--json"], &["releases", "--json"], &["copies", "--json"]] {
        let run = f.closer(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let error = &doc["error"];
        assert_eq!((doc["format"].as_i64(), error["exit"].as_i64()), (Some(1), Some(2)), "{doc}");
        assert_eq!(error["file"], "mirrors.yaml", "{doc}");
        assert_eq!((error["line"].as_u64(), error["column"].as_u64()), (Some(line as u64), Some(1)), "{doc}");
        assert!(error["fix"].as_str().unwrap().contains("`mirrors`"), "{doc}");
    }
    f.write("mirrors.yaml", &registry);
    let run = f.closer(&["check", "--json", "--project", "nosuch"]);
    assert_eq!(run.code, 2);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(doc["error"]["message"].as_str().unwrap().contains("no project `nosuch`"), "{doc}");
    assert!(doc["error"]["file"].is_null() && doc["error"]["fix"].as_str().unwrap().contains("alpha"), "{doc}");
    let copies: serde_json::Value = serde_json::from_str(&f.closer(&["copies", "--json"]).ok().stdout).unwrap();
    assert_eq!(copies["format"], 1);
}

/// The site written into the release tree would be read back as a project (and
/// mirrored): refused before anything is written.
#[test]
fn the_site_is_never_written_inside_what_closer_reads() {
    let f = Fixture::new();
    for out in ["dist/site", "dist", "content/www"] {
        let run = f.closer(&["build", "--out", out]);
        assert_eq!(run.code, 2, "{out}: {}", run.stderr);
        assert!(run.stderr.contains(&format!("--out `{out}` is inside")), "{}", run.stderr);
        assert!(!f.path("dist/site").exists() && !f.path("content/www").exists());
    }
    f.closer(&["build", "--out", "public/www"]).ok();
}

/// The cache and the other state a build keeps are beside the registry whatever the
/// working directory: a run from elsewhere finds the held project's last good pages.
#[test]
fn the_cache_is_beside_the_registry_from_any_directory() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let elsewhere = tempfile::tempdir().unwrap();
    let p = |rel: &str| f.path(rel).to_str().unwrap().to_string();
    let paths = ["--registry", &p("mirrors.yaml"), "--dist", &p("dist"), "--content", &p("content")];
    let run = closer_in(elsewhere.path(), &[&paths[..], &["--out", &p("site"), "build", "--stats"]].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stat("hashed_files"), "0", "{}", run.stderr);
    assert!(std::fs::read_dir(elsewhere.path()).unwrap().next().is_none(), "nothing is left in the working directory");
    // A check where the cache cannot be written (here: /proc) checks with a scratch one.
    let run = f.closer(&["--cache", "/proc/closer-cache", "check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("checking with a scratch cache"), "{}", run.stderr);
}

/// Under umask 077 the lists, the stamp and the site are still readable by the web
/// server and rsync's `uid = nobody`.
#[test]
fn what_closer_writes_is_readable_by_all_under_any_umask() {
    let f = Fixture::new();
    let script = format!("umask 077 && exec '{}' build", env!("CARGO_BIN_EXE_closer"));
    let out = Command::new("sh").arg("-c").arg(&script).current_dir(f.path("")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut seen = 0;
    for top in ["site", "dist/zzz"] {
        for e in walkdir::WalkDir::new(f.path(top)) {
            let mode = e.unwrap().metadata().unwrap().permissions().mode();
            assert_eq!(mode & 0o004, 0o004, "{top}: mode {mode:o} is not readable by others");
            seen += 1;
        }
    }
    assert!(seen > 20, "{seen}");
}

/// A lock is never made for a path that does not exist: a mistyped --dist makes no
/// directory.
#[test]
fn a_mistyped_dist_makes_no_directory() {
    let f = Fixture::new();
    let run = f.closer(&["--dist", "typo/deep/dist", "build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("`typo/deep` is not a directory"), "{}", run.stderr);
    assert!(!f.path("typo").exists());
}

/// A release dated by its files' times is no later than `SOURCE_DATE_EPOCH`: two clones
/// of one commit checked out on different days give the same pages.
#[test]
fn source_date_epoch_clamps_the_dates_of_the_files() {
    let f = Fixture::new();
    let sde = "1780000000"; // 2026-05-28
    let run = f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", sde)]);
    run.ok();
    let latest: serde_json::Value = serde_json::from_str(&f.read("site/beta/latest.json")).unwrap();
    assert_eq!(latest["release"]["date"], "2026-05-28", "{latest}");
}

/// `closer init`'s cron line and systemd unit for a site whose path has a space: the build
/// runs in that directory, and nothing runs when it is missing.
#[test]
fn the_cron_line_and_unit_quote_the_site_path() {
    let f = Fixture::empty();
    f.closer(&["init", "Downloads Site"]).ok();
    let site = f.path("Downloads Site");
    let cron = f.read("Downloads Site/deploy/closer.cron");
    let line = cron.lines().find(|l| l.starts_with("*/15")).unwrap();
    let command = line.split_once(&format!("{} ", std::env::var("USER").unwrap_or("closer".into()))).unwrap().1;
    // Run the line's command with a stub closer that records where it ran.
    let bin = tempfile::tempdir().unwrap();
    let stub = bin.path().join("closer");
    std::fs::write(&stub, "#!/bin/sh\necho \"$(pwd) $*\" >> \"$LOG\"\n").unwrap();
    std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = bin.path().join("log");
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    let run = |cmd: &str| Command::new("sh").arg("-c").arg(cmd).env("PATH", &path).env("LOG", &log).status().unwrap();
    run(command);
    let ran = std::fs::read_to_string(&log).unwrap();
    assert_eq!(ran, format!("{0} probe -q\n{0} build -q\n", site.display()), "{line}");
    std::fs::remove_file(&log).unwrap();
    run(&command.replace("Downloads Site", "Gone Site"));
    assert!(!log.exists(), "nothing runs when the directory is missing: {line}");
    let unit = f.read("Downloads Site/deploy/closer-build.service");
    assert!(unit.contains(&format!("ReadWritePaths=\"{}\"", site.display())), "{unit}");
}

/// `tools/ci-site` publishes the site `--out` names, and gives a command's own flags
/// (`--strict` among its arguments, more in `CLOSER_BUILD_ARGS`) to that command.
#[test]
fn ci_site_publishes_the_site_out_names() {
    let f = Fixture::new();
    let publish = f.path("www");
    let ci = |args: &[&str], build_args: &str| {
        let out = Command::new("sh")
            .arg(repo().join("tools/ci-site"))
            .args(args)
            .current_dir(f.path(""))
            .env("CLOSER", env!("CARGO_BIN_EXE_closer"))
            .env("CLOSER_BRANCH", "main")
            .env("CLOSER_PUBLISH_SITE", format!("{}/", publish.display()))
            .env("CLOSER_BUILD_ARGS", build_args)
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
    };
    let (code, said) = ci(&["--out", "public", "--strict"], "--stats");
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("stats: "), "CLOSER_BUILD_ARGS reach the build: {said}");
    assert!(!f.path("site").exists() && publish.join("alpha/index.html").is_file(), "{said}");
    assert_eq!(std::fs::read(publish.join("index.html")).unwrap(), f.read_bytes("public/index.html"));
}
