//! A held project's files moved or linked away while it is held: its last good state
//! cannot be published as it was, so what is gone from the tree (or reached only
//! through a link out of it) leaves the lists, and the other projects build. So does
//! what a key revoked since signed: the last state no longer vouches for it.

use crate::isolation::{list_entries, many, sign};

/// A release manager moves a published release's files (from flat to a version
/// directory) and, in the same change, breaks the project's page: the project is held,
/// but its last published state names files that are gone. The release that held them
/// is left out of the held state, said, and the rest of the site is built, where the
/// whole build used to stop on the first missing signature.
#[test]
fn a_held_project_whose_published_files_moved_leaves_them_out_and_the_rest_builds() {
    let f = many(3);
    f.write("dist/p001/p001-1.1.tar.gz", "flat\n");
    sign(&f);
    f.closer(&["build"]).ok();
    assert!(f.path("site/p001/1.1/index.html").exists());
    std::fs::create_dir_all(f.path("dist/p001/1.1")).unwrap();
    for ext in ["", ".asc"] {
        std::fs::rename(
            f.path(&format!("dist/p001/p001-1.1.tar.gz{ext}")),
            f.path(&format!("dist/p001/1.1/p001-1.1.tar.gz{ext}")),
        )
        .unwrap();
    }
    f.write("content/p001.md", "---\ntitel: typo\n---\n");
    f.write("content/p002.md", "---\ntitle: P2, edited\n---\n");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("p001: held"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown field `titel`"), "{}", run.stderr);
    assert!(run.stderr.contains("its last published state names 2 files no longer in the tree (p001/p001-1.1.tar.gz, ...); release 1.1 left out until it is fixed"), "{}", run.stderr);
    assert!(f.read("site/p002/index.html").contains("P2, edited"));
    assert!(f.path("site/p001/1.0/index.html").exists() && !f.path("site/p001/1.1").exists());
    assert!(!list_entries(&f, "p001").iter().any(|l| l.contains("1.1")), "{:?}", list_entries(&f, "p001"));
    // Fixed: the new state, with the moved release, is published.
    f.write("content/p001.md", "---\ntitle: P1\n---\n");
    f.closer(&["build"]).ok();
    assert!(f.path("site/p001/1.1/index.html").exists());
}

/// A project's directory moved out of the tree and linked back: held (nothing outside
/// the tree is read), and its last good state is no longer published either: a mirror's
/// rsync daemon cannot follow the link, and a list naming those files failed every new
/// mirror's first sync, for every project.
#[test]
fn a_project_linked_from_outside_the_tree_leaves_the_lists() {
    let f = many(3);
    f.closer(&["build"]).ok();
    assert!(!list_entries(&f, "p001").is_empty());
    std::fs::rename(f.path("dist/p001"), f.path("elsewhere")).unwrap();
    std::os::unix::fs::symlink(f.path("elsewhere"), f.path("dist/p001")).unwrap();
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("p001: held"), "{}", run.stderr);
    assert!(run.stderr.contains("is gone from the release tree: release 1.0 leaves the mirrors"), "{}", run.stderr);
    assert!(list_entries(&f, "p001").is_empty(), "{:?}", list_entries(&f, "p001"));
    assert!(!list_entries(&f, "p002").is_empty(), "the others stay");
    // Moved back: published again.
    std::fs::remove_file(f.path("dist/p001")).unwrap();
    std::fs::rename(f.path("elsewhere"), f.path("dist/p001")).unwrap();
    f.closer(&["build"]).ok();
    assert!(!list_entries(&f, "p001").is_empty());
}

/// A published release with notes of its own loses a signature: the project is held and
/// the release left out of its state, but its notes page was put back with the state,
/// naming a release that was not there; that stopped the whole build ("holds notes for
/// release p001 1.1, which is not in the release tree"), every other project with it.
#[test]
fn a_held_release_left_out_takes_its_notes_page_with_it() {
    let f = many(3);
    f.write("dist/p001/1.1/p001-1.1.tar.gz", "one point one\n");
    f.write("content/p001/1.1.md", "---\ntitle: P1 1.1\n---\nWhat is new.\n");
    sign(&f);
    f.closer(&["build"]).ok();
    assert!(f.path("site/p001/1.1/index.html").exists());
    std::fs::remove_file(f.path("dist/p001/1.1/p001-1.1.tar.gz.asc")).unwrap();
    crate::bad_input::uploaded_long_ago(&f, &["dist/p001/1.1/p001-1.1.tar.gz"]);
    f.write("content/p002.md", "---\ntitle: P2, edited\n---\n");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("p001: held"), "{}", run.stderr);
    assert!(!run.stderr.contains("not in the release tree"), "{}", run.stderr);
    assert!(run.stderr.contains("release 1.1 left out until it is fixed"), "{}", run.stderr);
    assert!(f.read("site/p002/index.html").contains("P2, edited"));
    assert!(!f.path("site/p001/1.1").exists() && f.path("site/p001/1.0/index.html").exists());
}

/// A project's key revoked (compromised) after it signed two releases, one of them
/// signed again with a new key: the project is held (the old release's signature is
/// withdrawn), but its last good state no longer vouches for what the revoked key
/// signed. That release leaves the lists and the pages, and the site's KEYS carries the
/// revocation (it kept the old KEYS, the pages "signed by" the revoked key, and the
/// mirrors the files).
#[test]
fn a_revoked_key_withdraws_what_it_signed_from_a_held_projects_last_state() {
    let f = many(1);
    let g = crate::gpg::Gpg::new();
    let old = g.generate("Old <old@example.org>", "ed25519", "", None);
    let new = g.generate("New <new@example.org>", "ed25519", "", None);
    for v in ["1.0", "1.1"] {
        f.write(&format!("dist/wexul/{v}/wexul-{v}.tar.gz"), &format!("wexul {v}\n"));
    }
    g.sign(&old, &f.path("dist/wexul/1.0/wexul-1.0.tar.gz"), None, &[]);
    g.sign(&new, &f.path("dist/wexul/1.1/wexul-1.1.tar.gz"), None, &[]);
    f.write("dist/wexul/KEYS", &format!("{}{}", g.export_public(&old), g.export_public(&new)));
    f.closer(&["build"]).ok();
    assert!(list_entries(&f, "wexul").iter().any(|l| l.contains("wexul-1.0.tar.gz")));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    g.revoke_with(&old, 1, "laptop stolen", now);
    let keys = format!("{}{}", g.export_public(&old), g.export_public(&new));
    f.write("dist/wexul/KEYS", &keys);
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("wexul: held"), "{}", run.stderr);
    assert!(run.stderr.contains("is revoked: release 1.0 it signed leaves the mirrors"), "{}", run.stderr);
    let entries = list_entries(&f, "wexul");
    assert!(!entries.iter().any(|l| l.contains("wexul-1.0.tar.gz")), "{entries:?}");
    assert!(entries.iter().any(|l| l.contains("wexul-1.1.tar.gz")), "{entries:?}");
    assert!(!f.path("site/wexul/1.0/index.html").exists());
    assert_eq!(f.read("site/wexul/KEYS"), keys, "the site's KEYS carries the revocation");
}

/// The project's one key revoked, every release it published signed by it: every
/// release leaves, and the project stays on the site with its KEYS carrying the
/// revocation (the project had gone altogether, KEYS and all, though the build said the
/// revocation was published).
#[test]
fn a_revoked_key_that_signed_every_release_leaves_the_project_and_its_keys_published() {
    let f = many(1);
    let g = crate::gpg::Gpg::new();
    let old = g.generate("Only <only@example.org>", "ed25519", "", None);
    f.write("dist/wexul/1.0/wexul-1.0.tar.gz", "wexul 1.0\n");
    g.sign(&old, &f.path("dist/wexul/1.0/wexul-1.0.tar.gz"), None, &[]);
    f.write("dist/wexul/KEYS", &g.export_public(&old));
    f.closer(&["build"]).ok();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    g.revoke_with(&old, 1, "laptop stolen", now);
    let keys = g.export_public(&old);
    f.write("dist/wexul/KEYS", &keys);
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("is revoked: release 1.0 it signed leaves the mirrors"), "{}", run.stderr);
    assert!(!list_entries(&f, "wexul").iter().any(|l| l.contains("wexul-1.0.tar.gz")));
    assert!(!f.path("site/wexul/1.0/index.html").exists());
    assert_eq!(f.read("site/wexul/KEYS"), keys, "the site's KEYS carries the revocation");
    let page = f.read("site/wexul/index.html");
    assert!(!page.contains("wexul-1.0.tar.gz"), "{page}");
}
