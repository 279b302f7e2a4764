//! The files `closer build` writes into the release tree for the mirrors: the list in
//! quick-fedora-mirror's format, the stamp, the partial and archive lists.

use crate::util::Fixture;

fn files_section(list: &str) -> Vec<(String, String)> {
    let files = list.split("[Files]\n").nth(1).unwrap().split("\n\n").next().unwrap();
    files
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 4, "bad line {l:?}");
            (f[3].to_string(), f[1].to_string())
        })
        .collect()
}

#[test]
fn main_list_carries_current_artifacts_only() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let list = f.read("dist/fullfiletimelist-dist");
    assert!(list.starts_with("[Version]\n3\n\n[Files]\n"), "{list}");
    assert!(list.ends_with("\n[End]\n"));
    let files = files_section(&list);
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "alpha",
            "alpha/1.10",
            "alpha/1.10/alpha-1.10.tar.gz",
            "alpha/1.10/alpha-1.10.zip",
            "alpha/1.9",
            "alpha/1.9/alpha-1.9.tar.gz",
            "alpha/1.9/alpha-1.9.zip",
            "beta",
            "beta/0.1",
            "beta/0.1/beta-0.1.tar.gz"
        ]
    );
    assert!(!list.contains("KEYS") && !list.contains(".asc") && !list.contains("alpha/1.0/"));
    // Every file has its SHA-512, every line is `hex<TAB>path`.
    let sums = list.split("[Checksums SHA512]\n").nth(1).unwrap();
    let sha = crate::util::sha512_hex(b"beta 0.1\n");
    assert!(sums.contains(&format!("{sha}\tbeta/0.1/beta-0.1.tar.gz\n")), "{sums}");
    assert_eq!(sums.lines().filter(|l| l.contains('\t')).count(), 5);
    // The stamp: `<unix-seconds> <host>`.
    let stamp = f.read("dist/zzz/time.txt");
    let (t, host) = stamp.trim_end().split_once(' ').unwrap();
    assert!(t.parse::<i64>().unwrap() > 1_700_000_000);
    assert_eq!(host, "dist.example.org");
}

#[test]
fn partial_and_archive_lists() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    // as-two carries alpha only.
    let partial = files_section(&f.read("dist/zzz/lists/fullfiletimelist-as-two"));
    assert!(partial.iter().all(|(p, _)| p.starts_with("alpha")), "{partial:?}");
    assert!(!f.path("dist/zzz/lists/fullfiletimelist-eu-one").exists(), "a full mirror needs no list of its own");
    // The archive: every release, with signatures and KEYS.
    let archive = f.read("dist/zzz/lists/fullfiletimelist-archive");
    for p in
        ["alpha/1.0/alpha-1.0.tar.gz", "alpha/1.0/alpha-1.0.tar.gz.asc", "alpha/KEYS", "beta/0.1/beta-0.1.tar.gz.asc"]
    {
        assert!(archive.contains(&format!("\t{p}\n")), "archive lacks {p}");
    }
}

#[test]
fn stamp_changes_only_with_the_list_and_lists_are_deterministic() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let (list, stamp) = (f.read("dist/fullfiletimelist-dist"), f.read("dist/zzz/time.txt"));
    let run = f.closer(&["build", "--stats"]);
    run.ok();
    assert_eq!(run.stat("lists_changed"), "0");
    assert_eq!(f.read("dist/zzz/time.txt"), stamp);
    // A site-only change (a page) does not move the stamp either.
    f.write("content/beta.md", "---\ntitle: Beta!\n---\n");
    f.closer(&["build"]).ok();
    assert_eq!(f.read("dist/zzz/time.txt"), stamp);
    assert_eq!(f.read("dist/fullfiletimelist-dist"), list);
    // A new release does; the new stamp is later.
    f.write("dist/beta/0.2/beta-0.2.tar.gz", "beta 0.2\n");
    f.sign();
    let run = f.closer(&["build", "--stats"]);
    run.ok();
    assert_ne!(run.stat("lists_changed"), "0");
    let new_stamp = f.read("dist/zzz/time.txt");
    assert!(
        new_stamp.split(' ').next().unwrap().parse::<i64>().unwrap()
            > stamp.split(' ').next().unwrap().parse::<i64>().unwrap()
    );
    assert!(f.read("dist/fullfiletimelist-dist").contains("\tbeta/0.2/beta-0.2.tar.gz\n"));
}

#[test]
fn nothing_else_in_the_tree_changes() {
    let f = Fixture::new();
    let before = f.snapshot("dist");
    f.closer(&["build"]).ok();
    let mut after = f.snapshot("dist");
    after.retain(|k, _| !k.starts_with("zzz/") && !k.starts_with("fullfiletimelist-"));
    assert_eq!(before, after);
    // check writes nothing at all.
    let g = Fixture::new();
    g.closer(&["check"]).ok();
    assert!(!g.path("dist/zzz").exists());
}

#[test]
fn site_key_signs_the_lists() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("Site <site@example.org>", "ed25519", "", None);
    f.write("site.sec.asc", &g.export_secret(&fpr, ""));
    f.closer(&["build", "--site-key", "site.sec.asc"]).ok();
    for list in ["dist/fullfiletimelist-dist", "dist/zzz/lists/fullfiletimelist-archive"] {
        let (ok, err) = g.verify(&[f.path(&format!("{list}.asc")).to_str().unwrap(), f.path(list).to_str().unwrap()]);
        assert!(ok, "{list}: {err}");
    }
}

#[test]
fn a_list_touched_by_hand_is_written_again() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let list = f.read("dist/fullfiletimelist-dist");
    // An unchanged tree: the lists are not even generated again...
    let run = f.closer(&["build", "--stats"]);
    assert_eq!(run.stat("lists_changed"), "0");
    // ...but a list someone edited is noticed and rewritten.
    f.write("dist/fullfiletimelist-dist", &list.replace("[End]", "1\tf\t1\tevil\n[End]"));
    let run = f.closer(&["build", "--stats"]);
    run.ok();
    assert_eq!(run.stat("lists_changed"), "1");
    assert_eq!(f.read("dist/fullfiletimelist-dist"), list);
    std::fs::remove_file(f.path("dist/zzz/lists/fullfiletimelist-archive")).unwrap();
    f.closer(&["build"]).ok();
    assert!(f.path("dist/zzz/lists/fullfiletimelist-archive").exists());
}

#[test]
fn a_new_release_makes_only_the_lists_of_the_mirrors_that_carry_it() {
    let f = Fixture::new();
    // Besides as-two (alpha), a partial mirror of beta and one of both.
    let beta = "  - id: us-three\n    name: Three\n    country: US\n    continent: NA\n    lat: 40.7\n    lon: -74.0\n    bandwidth: 100\n    include: [\"beta\"]\n    urls:\n      https: https://three.example.com/m/\n";
    let both = beta
        .replace("us-three", "us-four")
        .replace("three.example", "four.example")
        .replace("[\"beta\"]", "[\"alpha\", \"beta\"]");
    f.write("mirrors.yaml", &format!("{}{beta}{both}", crate::util::REGISTRY));
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("Site <site@example.org>", "ed25519", "", None);
    f.write("site.sec.asc", &g.export_secret(&fpr, ""));
    f.closer(&["build", "--site-key", "site.sec.asc"]).ok();
    let alpha_list = f.read("dist/zzz/lists/fullfiletimelist-as-two");
    let alpha_sig = f.read("dist/zzz/lists/fullfiletimelist-as-two.asc");
    f.write("dist/beta/0.2/beta-0.2.tar.gz", "beta 0.2\n");
    f.sign();
    let run = f.closer(&["build", "--stats", "--site-key", "site.sec.asc"]);
    run.ok();
    // The full list, the archive's, beta's and both's: not alpha's, which is kept as it
    // was, signature and all.
    assert_eq!(run.stat("lists_made"), "4", "{}", run.stderr);
    assert_eq!(run.stat("lists_changed"), "4", "{}", run.stderr);
    assert_eq!(f.read("dist/zzz/lists/fullfiletimelist-as-two"), alpha_list);
    assert_eq!(f.read("dist/zzz/lists/fullfiletimelist-as-two.asc"), alpha_sig);
    assert!(f.read("dist/zzz/lists/fullfiletimelist-us-three").contains("beta/0.2/beta-0.2.tar.gz"));
    assert!(f.read("dist/zzz/lists/fullfiletimelist-us-four").contains("beta/0.2/beta-0.2.tar.gz"));
    // What was kept is what a build from nothing makes, and the signed index names it.
    let lists = f.snapshot("dist/zzz/lists");
    std::fs::remove_dir_all(f.path(".closer-cache")).unwrap();
    let run = f.closer(&["build", "--stats", "--site-key", "site.sec.asc"]);
    assert_eq!(run.stat("lists_changed"), "0", "{}", run.stderr);
    let again = f.snapshot("dist/zzz/lists");
    let unsigned = |m: &std::collections::BTreeMap<String, Vec<u8>>| {
        m.iter().filter(|(k, _)| !k.ends_with(".asc")).map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>()
    };
    assert_eq!(unsigned(&again), unsigned(&lists));
    let index = f.read("dist/zzz/index");
    assert!(index.contains(&crate::util::sha512_hex(alpha_list.as_bytes())), "{index}");
    // A kept list someone edited is made again.
    f.write("dist/zzz/lists/fullfiletimelist-as-two", "edited\n");
    f.write("dist/beta/0.3/beta-0.3.tar.gz", "beta 0.3\n");
    f.sign();
    let run = f.closer(&["build", "--stats", "--site-key", "site.sec.asc"]);
    assert_eq!(run.stat("lists_made"), "5", "{}", run.stderr);
    assert_eq!(f.read("dist/zzz/lists/fullfiletimelist-as-two"), alpha_list);
}

/// A release its release manager removed from the tree leaves the mirror lists, and the
/// build says so (even with -q): before, a `rm -rf` of a published release was silent.
#[test]
fn a_release_removed_from_the_tree_is_said_as_it_leaves_the_mirrors() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    std::fs::remove_dir_all(f.path("dist/alpha/1.9")).unwrap();
    let run = f.closer(&["build", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("removed from the release tree since the last build, so this build took it off the mirrors")
            && run.stderr.contains("alpha/1.9/ (2 files)"),
        "{}",
        run.stderr
    );
    assert!(!f.read("dist/fullfiletimelist-dist").contains("alpha/1.9/"));
    // Said once: the next build has nothing to say.
    let run = f.closer(&["build", "-q"]);
    assert!(!run.stderr.contains("removed from"), "{}", run.stderr);
    // A new project with no page is named once, with the page that would describe it.
    f.write("dist/gamma/1.0/gamma-1.0.tar.gz", "gamma\n");
    f.write("dist/gamma/KEYS", &f.read("dist/alpha/KEYS"));
    f.sign();
    let run = f.closer(&["build"]);
    assert!(run.stderr.contains("1 new project without a page: gamma (until content/gamma.md gives"), "{}", run.stderr);
    let run = f.closer(&["build"]);
    assert!(!run.stderr.contains("new project"), "{}", run.stderr);
}

/// A `chmod -R g+w dist` (or the tree copied to a new disk with `cp -a`) changes every
/// file's ctime and no byte: the lists carried max(mtime, ctime), so every line changed
/// and every mirror fetched every file again. The lists and the stamp stay.
#[test]
fn permissions_changed_on_the_primary_change_no_list() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::new();
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3 * 86400);
    let files: Vec<std::path::PathBuf> = walkdir::WalkDir::new(f.path("dist"))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    for p in &files {
        std::fs::File::options().write(true).open(p).unwrap().set_modified(past).unwrap();
    }
    f.closer(&["build"]).ok();
    let (list, stamp) = (f.read("dist/fullfiletimelist-dist"), f.read("dist/zzz/time.txt"));
    // The next second: a ctime of its own.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    for p in files.iter().filter(|p| p.exists()) {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o664)).unwrap();
    }
    f.closer(&["build"]).ok();
    assert_eq!(f.read("dist/fullfiletimelist-dist"), list);
    assert_eq!(f.read("dist/zzz/time.txt"), stamp);
}
