//! `closer init` as a newcomer runs it: each layout makes a site that builds at once,
//! with a signature gpg accepts, files for rsyncd, cron and systemd; it never
//! overwrites a site; `closer build` where there is none says to run it.

use crate::util::Fixture;

#[test]
fn each_layout_makes_a_site_that_builds_and_verifies() {
    for (layout, artifact, signature) in [
        ("apache", "dist/hello/1.0.0/hello-1.0.0.tar.gz", "dist/hello/1.0.0/hello-1.0.0.tar.gz.asc"),
        ("gnu", "dist/hello/hello-1.0.0.tar.gz", "dist/hello/hello-1.0.0.tar.gz.sig"),
        ("kernel", "dist/hello/v1.x/hello-1.0.0.tar.gz", "dist/hello/v1.x/hello-1.0.0.tar.sign"),
    ] {
        let f = Fixture::empty();
        let run = f.closer(&["init", "site", "--layout", layout, "--project", "hello", "--name", "Hello Foundation"]);
        assert_eq!(run.code, 0, "{layout}: {}", run.stderr);
        assert!(run.stdout.contains("next:"), "{}", run.stdout);
        let site = f.path("site");
        for file in [
            "mirrors.yaml",
            "rsyncd.conf",
            "deploy/closer.cron",
            "deploy/closer-build.service",
            "deploy/closer-build.timer",
            "content/hello.md",
            artifact,
            signature,
        ] {
            assert!(site.join(file).is_file(), "{layout}: {file} is missing");
        }
        let registry = f.read("site/mirrors.yaml");
        assert!(registry.contains("name: Hello Foundation") && registry.contains("# REQUIRED"), "{registry}");
        assert!(f.read("site/rsyncd.conf").contains(&format!("path = {}", site.join("dist").display())));
        assert!(
            f.read("site/deploy/closer.cron")
                .contains(&format!("cd {} && {{ closer probe -q; closer build -q; }}", site.display()))
        );
        // The secret key is the owner's alone.
        use std::os::unix::fs::PermissionsExt;
        for key in ["keys/example-release-key.asc", "keys/site-key.asc"] {
            let mode = std::fs::metadata(site.join(key)).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{layout}: {key} is readable by others");
        }

        let build = crate::util::closer_in(&site, &["build"]);
        assert_eq!(build.code, 0, "{layout}: {}", build.stderr);
        assert!(site.join("site/hello/index.html").is_file());
        // The site key made by init signs what mirrors check: the public half, the
        // clearsigned SHA512SUMS and the signed index mirror-sync reads.
        assert!(site.join("site/site-key.asc").is_file(), "{layout}: no site-key.asc");
        assert!(site.join("dist/zzz/index.asc").is_file(), "{layout}: no signed index");
        let releases = crate::util::closer_in(&site, &["releases"]);
        assert!(releases.stdout.contains("good"), "{layout}: {}", releases.stdout);
        // What the pages tell a downloader to run works: the archive unpacks to one
        // directory named after it.
        let tar = std::process::Command::new("tar").arg("tzf").arg(site.join(artifact)).output().unwrap();
        assert_eq!(String::from_utf8_lossy(&tar.stdout), "hello-1.0.0/\nhello-1.0.0/README\n", "{layout}");
    }
}

#[test]
fn init_never_overwrites_and_build_without_a_site_says_to_run_it() {
    let f = Fixture::empty();
    assert_eq!(f.closer(&["init", "s"]).code, 0);
    let before = crate::util::snapshot(&f.path("s"));
    let again = f.closer(&["init", "s", "--layout", "gnu"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists: closer init never overwrites a site"), "{}", again.stderr);
    assert_eq!(crate::util::snapshot(&f.path("s")), before, "nothing was changed");
    let bad = f.closer(&["init", "t", "--project", "../evil"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("is not a valid project directory name"), "{}", bad.stderr);
    assert!(!f.path("t").exists());

    let empty = Fixture::empty();
    let run = empty.closer(&["build"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("fix: run `closer init` to start a site here"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(empty.path("")).unwrap().count(), 0, "nothing left behind, not even a lock");
}

#[test]
fn a_name_with_yamls_own_characters_makes_a_site_that_builds() {
    let f = Fixture::empty();
    let name = "ACME: #1 \"Open\" Foundation";
    assert_eq!(f.closer(&["init", "s", "--name", name]).code, 0);
    let site = f.path("s");
    let run =
        std::process::Command::new(env!("CARGO_BIN_EXE_closer")).arg("build").current_dir(&site).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let index = std::fs::read_to_string(site.join("site/index.html")).unwrap();
    assert!(index.contains("<title>ACME: #1 &quot;Open&quot; Foundation downloads"), "{index}");
    // The registry's comments stay in their column whatever the name's length.
    let registry = std::fs::read_to_string(site.join("mirrors.yaml")).unwrap();
    let column = |key: &str| registry.lines().find(|l| l.starts_with(key)).unwrap().find('#').unwrap();
    assert_eq!(column("  host:"), column("  dist_url:"));
    assert!(registry.lines().any(|l| l.starts_with("  name: \"ACME: #1 \\\"Open\\\" Foundation\" ")), "{registry}");
    let bad = f.closer(&["init", "t", "--name", "two\nlines"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("holds a line break"), "{}", bad.stderr);
}

/// `zzz/` is closer's own directory (the stamp, the lists): a project named `zzz` was
/// passed over without a word, never published. It is a problem, and `init` refuses
/// the name.
#[test]
fn a_project_named_zzz_is_said_not_dropped() {
    let f = crate::util::Fixture::new();
    f.write("dist/zzz/1.0/zzz-1.0.tar.gz", "zzz 1.0\n");
    f.write("dist/zzz/KEYS", &f.read("dist/alpha/KEYS"));
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("dist/zzz/1.0: is not closer's") && run.stderr.contains("cannot be named zzz"),
        "{}",
        run.stderr
    );
    assert!(f.path("site/alpha/index.html").exists(), "the other projects publish");
    let init = crate::util::closer_in(f.dir.path(), &["init", "other", "--project", "zzz"]);
    assert_eq!(init.code, 2, "{}", init.stderr);
    assert!(init.stderr.contains("`zzz` is closer's own"), "{}", init.stderr);
}

/// CI as docs/ci/github-actions.yml runs it, on a fresh clone of a site `closer init`
/// made: the clone has tools/ci-site, and no site key (init's .gitignore keeps keys/
/// out of git). Without `--site-key` the build says where to give it; with it, the job
/// builds and publishes.
#[test]
fn a_fresh_clone_of_an_init_site_runs_the_ci_job_as_the_example_says() {
    let f = Fixture::empty();
    f.closer(&["init", "s"]).ok();
    let git = |dir: &std::path::Path, args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let site = f.path("s");
    git(&site, &["init", "-q", "-b", "main"]);
    git(&site, &["add", "."]);
    git(&site, &["commit", "-q", "-m", "site"]);
    git(f.dir.path(), &["clone", "-q", "s", "clone"]);
    let clone = f.path("clone");
    assert!(!clone.join("keys").exists(), "the keys stay out of git");
    let publish = tempfile::tempdir().unwrap();
    let ci = |extra: &[&str]| {
        let dist = site.join("dist");
        let mut args = vec!["tools/ci-site", "--dist", dist.to_str().unwrap()];
        args.extend(extra);
        crate::util::Run::from(
            std::process::Command::new("sh")
                .args(&args)
                .current_dir(&clone)
                .env("CLOSER", env!("CARGO_BIN_EXE_closer"))
                .env("CLOSER_BRANCH", "main")
                .env("CLOSER_PUBLISH_SITE", format!("{}/", publish.path().display()))
                .env_remove("SOURCE_DATE_EPOCH")
                .output()
                .unwrap(),
        )
    };
    let run = ci(&[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("fix:") && run.stderr.contains("--site-key"), "{}", run.stderr);
    let key = site.join("keys/site-key.asc");
    ci(&["--site-key", key.to_str().unwrap()]).ok();
    assert!(publish.path().join("example/index.html").is_file());
}

/// `dist/zzz` made a link out of the tree: the build wrote the stamp, the index and the
/// lists through it. It is the tree's problem, and nothing is written through it.
#[test]
fn zzz_as_a_link_out_of_the_tree_stops_the_build() {
    let f = crate::util::Fixture::new();
    f.closer(&["build"]).ok();
    let outside = tempfile::tempdir().unwrap();
    std::fs::rename(f.path("dist/zzz"), outside.path().join("zzz")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("zzz"), f.path("dist/zzz")).unwrap();
    let before = std::fs::read(outside.path().join("zzz/time.txt")).unwrap();
    f.write("dist/alpha/1.11/alpha-1.11.tar.gz", "alpha 1.11\n");
    f.sign();
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("its zzz is not a directory"), "{}", run.stderr);
    assert_eq!(std::fs::read(outside.path().join("zzz/time.txt")).unwrap(), before, "nothing written through it");
}

/// A new primary whose example mirrors are taken out before any real one joins: `copies`
/// (then set by init) held every project, so the full list was empty and no first mirror
/// could sync. With no mirror, the goal is reported only; the first mirror then joins.
#[test]
fn a_new_primary_without_mirrors_publishes_so_that_a_first_mirror_can_join() {
    let f = Fixture::empty();
    f.closer(&["init", "s"]).ok();
    let registry = f.read("s/mirrors.yaml");
    let cut = registry.find("\nmirrors:").unwrap();
    f.write("s/mirrors.yaml", &format!("{}\nmirrors: []\n", &registry[..cut]));
    let run = crate::util::closer_in(&f.path("s"), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list = f.read("s/dist/fullfiletimelist-dist");
    assert!(list.lines().any(|l| l.split('\t').nth(1) == Some("f")), "{list}");
    // With its goal set explicitly, still nothing to enforce without a mirror.
    let registry = f.read("s/mirrors.yaml");
    assert!(registry.contains("\n  # copies: 2"), "{registry}");
    f.write("s/mirrors.yaml", &registry.replace("\n  # copies: 2", "\n  copies: 2"));
    crate::util::closer_in(&f.path("s"), &["check"]).ok();
}
