//! Incremental builds: a release added to one project renders that project's directory
//! and the site-wide pages, and keeps every other project's directory as it is; the
//! result is byte for byte a fresh build's. A build killed while committing leaves each
//! project whole (old or new), and the next build repairs the rest.

use crate::util::Fixture;
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::process::Command;

const SDE: [(&str, &str); 1] = [("SOURCE_DATE_EPOCH", "1790000000")];

fn build(f: &Fixture, out: &str) -> crate::util::Run {
    let run = f.closer_env(&["build", "--stats", "--out", out], &SDE);
    run.ok();
    run
}

fn ino(f: &Fixture, rel: &str) -> u64 {
    std::fs::metadata(f.path(rel)).unwrap().ino()
}

/// Builds a fresh site into `fresh` and says whether `site` is the same.
fn assert_fresh(f: &Fixture, what: &str) {
    let _ = std::fs::remove_dir_all(f.path("fresh"));
    build(f, "fresh");
    assert_eq!(f.snapshot("site"), f.snapshot("fresh"), "{what}: the site is not a fresh build's");
}

#[test]
fn a_new_release_renders_its_project_and_keeps_the_others() {
    let f = Fixture::new();
    f.write("dist/gamma/2.0/gamma-2.0.tar.gz", "gamma 2.0\n");
    f.write("dist/gamma/KEYS", &f.read("dist/beta/KEYS"));
    f.sign();
    assert_eq!(build(&f, "site").stat("site_projects_rendered"), "-", "a first build renders all");
    let kept = [
        "site/beta",
        "site/beta/index.html",
        "site/beta/0.1/beta-0.1.tar.gz.meta4",
        "site/gamma/mirrors.json",
        "site/gamma/releases.json",
    ];
    let before: Vec<u64> = kept.iter().map(|r| ino(&f, r)).collect();
    let (alpha, index) = (ino(&f, "site/alpha"), f.read("site/index.html"));

    f.write("dist/alpha/1.11/alpha-1.11.tar.gz", "alpha 1.11 tarball\n");
    f.sign();
    let run = build(&f, "site");
    assert_eq!(run.stat("site_projects_rendered"), "1", "{}", run.stderr);
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(said.contains("updated 1 project in site ("), "{said}");
    assert_eq!(run.stat("site_files"), (f.snapshot("site").len() - 1).to_string(), "the marker aside");
    let after: Vec<u64> = kept.iter().map(|r| ino(&f, r)).collect();
    assert_eq!(before, after, "{kept:?} were rewritten, though their project did not change");
    assert_ne!(ino(&f, "site/alpha"), alpha, "alpha's directory was not swapped in");
    assert!(f.read("site/alpha/1.11/index.html").contains("alpha-1.11.tar.gz"));
    assert_ne!(f.read("site/index.html"), index, "the index does not show the new release");
    assert!(f.read("site/index.html").contains("1.11"));
    // `releases.json` is joined from each project's own: the kept ones as they were.
    let all: serde_json::Value = serde_json::from_str(&f.read("site/releases.json")).unwrap();
    let names: Vec<&str> = all["projects"].as_array().unwrap().iter().map(|p| p["project"].as_str().unwrap()).collect();
    assert_eq!(names, ["alpha", "beta", "gamma"]);
    let gamma: serde_json::Value = serde_json::from_str(&f.read("site/gamma/releases.json")).unwrap();
    assert_eq!((&all["projects"][2], &gamma["format"]), (&gamma, &serde_json::json!(1)));
    assert!(all["projects"][0]["current"].to_string().contains("alpha-1.11.tar.gz"));
    assert_fresh(&f, "a new release");
    assert_eq!(build(&f, "site").stat("site_rendered"), "false", "rendered again with nothing changed");

    // A project removed from the tree goes from the site; the others stay.
    std::fs::remove_dir_all(f.path("dist/gamma")).unwrap();
    let run = build(&f, "site");
    assert_eq!(run.stat("site_projects_rendered"), "0", "{}", run.stderr);
    assert!(!f.path("site/gamma").exists());
    assert_eq!(ino(&f, "site/beta"), before[0]);
    assert_fresh(&f, "a project removed");

    // A project directory removed by hand is rendered again, alone.
    std::fs::remove_dir_all(f.path("site/beta")).unwrap();
    assert_eq!(build(&f, "site").stat("site_projects_rendered"), "1");
    assert_fresh(&f, "a project directory removed by hand");

    // A project's own content page renders that project only.
    f.write("content/beta.md", "---\ntitle: Beta\n---\nBeta intro.\n");
    assert_eq!(build(&f, "site").stat("site_projects_rendered"), "1");
    assert!(f.read("site/beta/index.html").contains("Beta intro."));
    assert_fresh(&f, "a project's content page");
}

#[test]
fn a_new_release_is_journalled_beside_the_caches_until_the_journal_grows() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let read = |name: &str| std::fs::read(f.path(&format!(".closer-cache/{name}"))).unwrap();
    let journals =
        || ["digests.journal", "signatures.journal"].map(|j| f.path(&format!(".closer-cache/{j}")).is_file());
    let bases = || (read("digests"), read("signatures"));
    let (before, files) = (bases(), f.closer(&["build", "--stats"]).stat("cached_files"));
    assert_eq!(journals(), [false, false]);
    f.write("dist/alpha/1.11/alpha-1.11.tar.gz", "alpha 1.11 tarball\n");
    f.sign();
    let run = build(&f, "site");
    assert_eq!((run.stat("hashed_files"), run.stat("signatures_checked")), ("2".into(), "1".into()));
    // The caches are as they were; what the build learnt is in journals beside them.
    assert!(bases() == before, "a cache was written whole for one new release");
    assert_eq!(journals(), [true, true]);
    let run = build(&f, "site");
    assert_eq!((run.stat("hashed_files"), run.stat("signatures_checked")), ("0".into(), "0".into()));
    assert_eq!(run.stat("cached_files").parse::<u64>().unwrap(), files.parse::<u64>().unwrap() + 2);
    // A broken journal: what it held is read again, nothing else.
    let mut journal = read("digests.journal");
    let n = journal.len();
    journal[n - 40] ^= 1;
    std::fs::write(f.path(".closer-cache/digests.journal"), journal).unwrap();
    let run = build(&f, "site");
    assert_eq!((run.stat("hashed_files"), run.stat("cache_discarded")), ("2".into(), "false".into()));
    // More than an eighth of the cache new (and over 4 KiB): written whole, without a journal.
    for i in 0..30 {
        f.write(&format!("dist/alpha/1.12/alpha-1.12-part{i}.tar.gz"), &format!("part {i}\n"));
    }
    f.sign();
    assert_eq!(build(&f, "site").stat("hashed_files"), "60");
    assert_eq!(journals(), [false, false]);
    assert!(bases().0 != before.0 && bases().1 != before.1);
    assert_eq!(build(&f, "site").stat("hashed_files"), "0");
    assert_fresh(&f, "caches with journals");
}

type Snap = BTreeMap<String, Vec<u8>>;

/// The files of `snap` under `dir/` (a project), or at the top when `dir` is "".
fn part(snap: &Snap, dir: &str) -> Snap {
    snap.iter()
        .filter(|(rel, _)| match rel.split_once('/') {
            Some((first, _)) => first == dir,
            None => dir.is_empty(),
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[test]
fn a_build_killed_while_committing_leaves_whole_projects_and_the_next_repairs_it() {
    let f = Fixture::new();
    // Two projects of five change: when most change, the whole site is swapped at once.
    for p in ["gamma", "delta", "epsilon"] {
        f.write(&format!("dist/{p}/1.0/{p}-1.0.tar.gz"), &format!("{p} 1.0\n"));
        f.write(&format!("dist/{p}/KEYS"), &f.read("dist/beta/KEYS"));
    }
    f.sign();
    build(&f, "site");
    let saved = tempfile::tempdir().unwrap();
    for p in ["site", ".closer-cache"] {
        crate::util::copy_tree(&f.path(p), &saved.path().join(p));
    }
    let old = f.snapshot("site");
    // Two projects change: alpha gets a release, beta a new KEYS comment.
    f.write("dist/alpha/1.11/alpha-1.11.tar.gz", "alpha 1.11 tarball\n");
    f.write("dist/beta/KEYS", &format!("{}\n", f.read("dist/beta/KEYS")));
    f.sign();
    let change = tempfile::tempdir().unwrap();
    crate::util::copy_tree(&f.path("dist"), &change.path().join("dist"));
    assert_eq!(build(&f, "site").stat("site_projects_rendered"), "2");
    let new = f.snapshot("site");
    let reset = || {
        crate::util::copy_tree(&saved.path().join(".closer-cache"), &f.path(".closer-cache"));
        crate::util::copy_tree(&change.path().join("dist"), &f.path("dist"));
        // The old site back in the same directory: the state knows the site by its inode.
        for e in std::fs::read_dir(f.path("site")).unwrap() {
            let path = e.unwrap().path();
            let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
        }
        let from = saved.path().join("site/.");
        assert!(Command::new("cp").arg("-a").arg(from).arg(f.path("site")).status().unwrap().success());
    };
    let mut mixed = false;
    for point in ["swap:1", "commit:1", "commit:2", "commit:3", "commit:4"] {
        reset();
        let killed = f.closer_env(&["build"], &[SDE[0], ("CLOSER_FAULT", point)]);
        assert_eq!(killed.code, -1, "{point}: not killed there (exit {}):\n{}", killed.code, killed.stderr);
        let site = f.snapshot("site");
        for dir in ["", "alpha", "beta", "mirrors"] {
            let (now, was, will) = (part(&site, dir), part(&old, dir), part(&new, dir));
            if dir.is_empty() {
                // Each site-wide file is whole: the old one or the new one.
                for (rel, bytes) in &now {
                    assert!(was.get(rel) == Some(bytes) || will.get(rel) == Some(bytes), "{point}: {rel} is torn");
                }
            } else {
                assert!(now == was || now == will, "{point}: {dir}/ is neither the old nor the new directory");
            }
        }
        mixed |= site != old && site != new;
        let run = build(&f, "site");
        assert_eq!(f.snapshot("site"), new, "{point}: the next build did not repair the site");
        assert_eq!(run.stat("site_rendered"), "true", "{point}");
    }
    assert!(mixed, "no kill point fell between two projects' commits");
}
