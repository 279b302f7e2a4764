//! Mass removal by mistake: a release tree emptied (an unmounted volume, a wrong `rm`)
//! is not published, since its lists would have every mirror delete what it carries;
//! `--allow-removal` publishes a removal that is meant. A mirror does the same with a
//! list that drops most of what it carries, and a registry entry that would leave a
//! mirror no project is a problem.

use crate::isolation::many;
use crate::util::Fixture;

#[test]
fn a_tree_that_lost_most_of_its_projects_is_not_published_by_mistake() {
    let f = many(6);
    f.closer(&["build"]).ok();
    let list = f.read("dist/fullfiletimelist-dist");
    // Emptied, as an unmounted volume's mount point is.
    for i in 0..6 {
        std::fs::rename(f.path(&format!("dist/p{i:03}")), f.path(&format!("away-p{i:03}"))).unwrap();
    }
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("holds 0 of the 6 projects the last build published (p000, p001"), "{}", run.stderr);
    assert!(run.stderr.contains("closer build --allow-removal"), "{}", run.stderr);
    assert_eq!(f.read("dist/fullfiletimelist-dist"), list, "the lists are as they were");
    let run = f.closer(&["build", "--lists-only"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    // Back: built as before. Two removed of six is a decision, not an accident.
    for i in 0..6 {
        std::fs::rename(f.path(&format!("away-p{i:03}")), f.path(&format!("dist/p{i:03}"))).unwrap();
    }
    let remove = |i: usize| {
        std::fs::remove_dir_all(f.path(&format!("dist/p{i:03}"))).unwrap();
        std::fs::remove_file(f.path(&format!("content/p{i:03}.md"))).unwrap();
    };
    (0..2).for_each(remove);
    f.closer(&["build"]).ok();
    assert!(!f.read("dist/fullfiletimelist-dist").contains("p000/"));
    // Three of the four left removed at once: refused, then published when meant.
    (2..5).for_each(remove);
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("holds 1 of the 4 projects"), "{}", run.stderr);
    f.closer(&["build", "--allow-removal"]).ok();
    assert!(!f.read("dist/fullfiletimelist-dist").contains("p002/"));
    f.closer(&["build"]).ok();
    // The last one replaced by a new project (`closer init`'s example by the real one):
    // a tree rearranged, not emptied.
    remove(5);
    f.write("dist/real/KEYS", &std::fs::read_to_string(crate::util::repo().join("dist/hello/KEYS")).unwrap());
    f.write("dist/real/1.0/real-1.0.tar.gz", "real 1.0\n");
    crate::isolation::sign(&f);
    f.closer(&["build"]).ok();
}

/// A mirror that pulls a list dropping most of what it carries (an upstream emptied by
/// an older closer, a typo in the registry) keeps what it has until told the removal is
/// meant (`--allow-mass-delete`).
#[test]
fn a_mirror_keeps_its_files_when_a_list_drops_most_of_them() {
    use crate::mirror::{Daemon, mirror_sync, mirrored};
    let f = many(30);
    f.closer(&["build"]).ok();
    let daemon = Daemon::serve(&f.path("dist"));
    let dest = f.path("mirror");
    let args = [daemon.url(), dest.to_str().unwrap().to_string()];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    mirror_sync(&args).ok();
    let before = mirrored(&dest);
    assert!(before.contains_key("p000/1.0/p000-1.0.tar.gz"), "{before:?}");
    for i in 0..20 {
        std::fs::remove_dir_all(f.path(&format!("dist/p{i:03}"))).unwrap();
        std::fs::remove_file(f.path(&format!("content/p{i:03}.md"))).unwrap();
    }
    f.closer(&["build", "--allow-removal"]).ok();
    let run = mirror_sync(&args);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("names 10 files where this mirror carries 30, and drops 20 of them"), "{}", run.stderr);
    assert!(run.stderr.contains("--allow-mass-delete"), "{}", run.stderr);
    assert_eq!(mirrored(&dest), before, "nothing was changed");
    let mut meant = args.clone();
    meant.insert(0, "--allow-mass-delete");
    mirror_sync(&meant).ok();
    let after = mirrored(&dest);
    assert!(!after.contains_key("p000/1.0/p000-1.0.tar.gz") && after.contains_key("p020/1.0/p020-1.0.tar.gz"));
    mirror_sync(&args).ok();
}

/// A partial mirror whose `include:` matches no project (a glob in the wrong case, a
/// typo) is a problem of the registry: published, its empty list had the mirror delete
/// all it carried, after a warning. The build writes nothing; the lists stay as they were.
#[test]
fn an_include_that_matches_no_project_is_a_problem() {
    let f = Fixture::new();
    f.closer(&["build", "-q"]).ok();
    let list = f.read("dist/zzz/lists/fullfiletimelist-as-two");
    f.write("mirrors.yaml", &crate::util::REGISTRY.replace("include: [\"alpha\"]", "include: [\"ALPHA\"]"));
    let run = f.closer(&["build", "-q"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "mirrors.yaml:34:5: mirror \"as-two\", field `include`: include [\"ALPHA\"] matches no project, so its list would be empty"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("correct `include`/`exclude` of \"as-two\""), "{}", run.stderr);
    assert_eq!(f.read("dist/zzz/lists/fullfiletimelist-as-two"), list);
    // Everything excluded: the same.
    f.write("mirrors.yaml", &crate::util::REGISTRY.replace("include: [\"alpha\"]", "exclude: [\"*\"]"));
    let run = f.closer(&["check"]);
    assert!(run.stderr.contains("exclude [\"*\"] leaves it no project"), "{}", run.stderr);
    // One glob of two matching nothing: that one is named.
    f.write("mirrors.yaml", &crate::util::REGISTRY.replace("include: [\"alpha\"]", "include: [\"alpha\", \"Beta*\"]"));
    let run = f.closer(&["build", "-q"]);
    assert!(run.stderr.contains("warning: mirror \"as-two\": include \"Beta*\" matches no project"), "{}", run.stderr);
    // Said once to cron (`-q`), not every quarter hour; in full without `-q`.
    assert!(!f.closer(&["build", "-q"]).stderr.contains("Beta*"));
    assert!(f.closer(&["build"]).stderr.contains("warning: mirror \"as-two\": include \"Beta*\""));
    f.write("mirrors.yaml", crate::util::REGISTRY);
    assert!(!f.closer(&["build", "-q"]).stderr.contains("matches no project"));
    // alpha held with no recorded state (the cache lost): its entries are carried in
    // the lists, and the mirror that includes it carries them still; no warning.
    std::fs::remove_dir_all(f.path(".closer-cache")).unwrap();
    std::fs::remove_file(f.path("dist/alpha/1.10/alpha-1.10.zip.asc")).unwrap();
    crate::bad_input::uploaded_long_ago(&f, &["dist/alpha/1.10/alpha-1.10.zip"]);
    let run = f.closer(&["build"]);
    assert!(run.stderr.contains("alpha: held"), "{}", run.stderr);
    assert!(!run.stderr.contains("matches no project"), "{}", run.stderr);
}

/// A mirror directory filled by a plain rsync of the primary (its stamp and list copied
/// too): mirror-sync was "up to date" at once and kept every file no list names for ever
/// (signatures, KEYS, what the primary never sends to mirrors). Its first run there
/// syncs, says how many such files there are and how to delete them; `--prune-unlisted`
/// does, leaving exactly the list's files.
#[test]
fn a_directory_filled_by_a_plain_rsync_is_told_and_pruned() {
    use crate::mirror::{Daemon, dest, mirror_sync, mirrored};
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let daemon = Daemon::serve(&f.path("dist"));
    let (_d, m) = dest();
    let plain =
        std::process::Command::new("rsync").args(["-a", &daemon.url(), &format!("{}/", m.display())]).output().unwrap();
    assert!(plain.status.success(), "{}", String::from_utf8_lossy(&plain.stderr));
    assert!(m.join("alpha/KEYS").exists() && m.join("alpha/1.10/alpha-1.10.zip.asc").exists());
    let run = mirror_sync(&[&daemon.url(), m.to_str().unwrap()]).ok();
    assert!(run.stderr.contains("are in no list"), "{}", run.stderr);
    assert!(run.stderr.contains("mirror-sync --prune-unlisted"), "{}", run.stderr);
    assert!(m.join("alpha/KEYS").exists(), "nothing deleted unasked");
    let run = mirror_sync(&["--prune-unlisted", &daemon.url(), m.to_str().unwrap()]).ok();
    assert!(!run.stderr.contains("are in no list"), "{}", run.stderr);
    let listed: Vec<String> = f
        .read("dist/fullfiletimelist-dist")
        .lines()
        .filter(|l| l.split('\t').nth(1) == Some("f"))
        .map(|l| l.split('\t').nth(3).unwrap().to_string())
        .collect();
    let have: Vec<String> =
        mirrored(&m).into_keys().filter(|k| !k.starts_with("zzz/") && !k.starts_with("fullfiletimelist-")).collect();
    assert_eq!(have, listed, "exactly the list's files");
    // Synced by mirror-sync since: nothing more is said.
    let run = mirror_sync(&[&daemon.url(), m.to_str().unwrap()]).ok();
    assert!(!run.stderr.contains("in no list"), "{}", run.stderr);
}

/// A university mirror's directory holds other trees (`debian/`) beside closer's
/// (`closer/`). A run with DEST one level too high copied the whole tree again beside it
/// and advised `--prune-unlisted`, which deleted the real mirror and `debian/`: the run is
/// refused, naming the mirror below; and `--prune-unlisted` never touches a file outside
/// the tree's own top folders.
#[test]
fn a_dest_one_level_too_high_is_refused_and_other_trees_are_never_pruned() {
    use crate::mirror::{Daemon, dest, mirror_sync};
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let daemon = Daemon::serve(&f.path("dist"));
    let (_d, srv) = dest();
    let closer = srv.join("closer");
    std::fs::create_dir_all(&closer).unwrap();
    mirror_sync(&[&daemon.url(), closer.to_str().unwrap()]).ok();
    std::fs::create_dir_all(srv.join("debian/pool")).unwrap();
    std::fs::write(srv.join("debian/pool/a.deb"), "deb").unwrap();
    let run = mirror_sync(&[&daemon.url(), srv.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("holds a mirror already, in {}", closer.display())), "{}", run.stderr);
    assert!(!srv.join("alpha").exists(), "nothing fetched");
    // A mirror of its own beside another tree: that tree is said, never pruned.
    let (_e, shared) = dest();
    std::fs::create_dir_all(shared.join("debian")).unwrap();
    std::fs::write(shared.join("debian/b.iso"), "iso").unwrap();
    let run = mirror_sync(&["--prune-unlisted", &daemon.url(), shared.to_str().unwrap()]).ok();
    assert!(run.stderr.contains("outside this tree's folders (first: debian/b.iso)"), "{}", run.stderr);
    assert!(shared.join("debian/b.iso").exists(), "another tree's file is left alone");
}

/// A mirror's tree with a hole (a restore that missed a directory, an `rm -rf`): every
/// run at the same stamp said "up to date" and the hole stayed, until the probe called
/// the mirror broken. Once a day a run looks at the files too, and fetches what is missing.
#[test]
fn a_hole_in_a_mirror_is_repaired_by_the_days_first_run() {
    use crate::mirror::{Daemon, dest, mirror_sync};
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let daemon = Daemon::serve(&f.path("dist"));
    let (_d, m) = dest();
    mirror_sync(&[&daemon.url(), m.to_str().unwrap()]).ok();
    let zip = m.join("alpha/1.10/alpha-1.10.zip");
    assert!(zip.exists());
    std::fs::remove_dir_all(m.join("alpha")).unwrap();
    let run = mirror_sync(&[&daemon.url(), m.to_str().unwrap()]).ok();
    assert!(!zip.exists(), "looked at within the day: {}", run.stderr);
    let looked = m.parent().unwrap().join(".mirror.mirror-sync/looked");
    let day_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86_400);
    std::fs::File::options().write(true).open(&looked).unwrap().set_modified(day_ago).unwrap();
    mirror_sync(&[&daemon.url(), m.to_str().unwrap()]).ok();
    assert!(zip.exists(), "the day's first run fetches what is missing");
}

/// The project a partial mirror carried alone retires (`rm -rf dist/alpha`, as the
/// release manager's removal): its include matches nothing, but no glob is wrong. It was
/// the same problem as a typo, and stopped every build until the registry was edited;
/// it is a warning, the removal is said, and the others publish.
#[test]
fn a_partial_mirrors_only_project_retiring_is_a_warning_not_a_stop() {
    let f = Fixture::new();
    f.closer(&["build", "-q"]).ok();
    std::fs::remove_dir_all(f.path("dist/alpha")).unwrap();
    std::fs::remove_file(f.path("content/alpha.md")).unwrap();
    std::fs::remove_dir_all(f.path("content/alpha")).unwrap();
    f.write("dist/beta/0.2/beta-0.2.tar.gz", "beta 0.2\n");
    f.sign();
    let run = f.closer(&["build", "--allow-removal"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "warning: mirror \"as-two\": include [\"alpha\"] matches no project now that alpha left the tree"
        ),
        "{}",
        run.stderr
    );
    assert!(f.path("site/beta/0.2/index.html").exists());
}
