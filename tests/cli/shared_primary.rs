//! A primary shared by many projects, each written by its own release managers: one
//! project's directory the build may not read holds that project alone, a release
//! manager's check of their own project reads what others' directories they may not, and
//! reuses the build's cache they may read but not write.

use crate::util::{Fixture, as_nobody, chown_under, run_as_nobody};
use std::os::unix::fs::PermissionsExt;

fn private(f: &Fixture, rel: &str) {
    std::fs::create_dir_all(f.path(rel)).unwrap();
    std::fs::write(f.path(&format!("{rel}/beta-0.2.tar.gz")), "beta 0.2\n").unwrap();
    std::fs::set_permissions(f.path(rel), std::fs::Permissions::from_mode(0o000)).unwrap();
}

fn open(f: &Fixture, rel: &str) {
    std::fs::set_permissions(f.path(rel), std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A release directory made with umask 077 by its uploader (here: one nobody may read)
/// stopped the build of every project (exit 2, nothing published). Now it is its
/// project's problem, with the chmod that fixes it; the others publish.
#[test]
fn a_directory_the_build_may_not_read_holds_its_project_alone() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let beta_page = f.read("site/beta/index.html");
    f.write("dist/alpha/1.11/alpha-1.11.tar.gz", "alpha 1.11\n");
    f.sign();
    private(&f, "dist/beta/0.2");
    let run = as_nobody(&f, &["build"]);
    open(&f, "dist/beta/0.2");
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("dist/beta/0.2: cannot be read by") && run.stderr.contains("chmod a+rx"),
        "{}",
        run.stderr
    );
    assert!(f.read("site/alpha/index.html").contains("alpha-1.11.tar.gz"), "alpha's new release is published");
    assert_eq!(f.read("site/beta/index.html"), beta_page, "beta stays at its last good state");
}

/// A release manager of alpha who may not read beta's directory checks alpha: no error
/// for beta's directory, alpha's answer.
#[test]
fn a_check_of_one_project_is_not_stopped_by_anothers_directory() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    private(&f, "dist/beta/0.2");
    let run = as_nobody(&f, &["check", "--project", "alpha"]);
    open(&f, "dist/beta/0.2");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("checked, no problems in alpha"), "{}", run.stderr);
}

/// The build's cache, readable but not writable by a release manager: their check starts
/// from a copy of it and hashes nothing that did not change.
#[test]
fn a_check_reuses_a_cache_it_may_read_but_not_write() {
    let f = Fixture::new();
    if !crate::util::is_root() {
        // (Only root can make a cache this user may read and not write, and give it back.)
        return;
    }
    // The build user's tree and cache, then the cache made another user's.
    chown_under(f.dir.path(), 65534);
    run_as_nobody(&f, &["build"]).ok();
    chown_under(&f.path(".closer-cache"), 0);
    let run = run_as_nobody(&f, &["check"]);
    chown_under(f.dir.path(), 0);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("checking with a scratch cache (a copy of the"), "{}", run.stderr);
    assert!(run.stderr.contains("(0 hashed, "), "{}", run.stderr);
}

/// A release manager replaces KEYS (the old key taken out) and the project is held: the
/// lists keep naming the published KEYS, so mirrors and the archive host fetching the new
/// one fail their check, run after run. The build said only "signed by a key not in
/// KEYS"; it names the changed KEYS now, as it names a changed artifact.
#[test]
fn a_held_projects_changed_keys_is_named() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("New Manager <new@example.org>", "ed25519", "", None);
    f.write("dist/beta/KEYS", &g.export_public(&fpr));
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("dist/beta/KEYS: changed since the project was last published"), "{}", run.stderr);
    assert!(!run.stderr.contains("dist/alpha/KEYS: changed"), "{}", run.stderr);
}

/// The mail for an upload still in progress said "closer held project" and "upload both
/// again": alarming for something that needs nothing. It says what it is now.
#[test]
fn the_mail_for_an_upload_in_progress_says_it_is_waiting() {
    let f = Fixture::new();
    let registry = f.read("mirrors.yaml");
    let notify = "  notify: \"cat > notified-$CLOSER_PROJECT\"\n";
    f.write("mirrors.yaml", &registry.replacen("policy:\n", &format!("policy:\n{notify}"), 1));
    assert!(f.read("mirrors.yaml").contains("notify:"), "the fixture's registry has a policy");
    f.closer(&["build"]).ok();
    f.write("dist/beta/0.2/beta-0.2.tar.gz", "still being copied\n");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mail = f.read("notified-beta");
    assert!(mail.starts_with("closer is waiting for an upload to project beta to finish (arriving)"), "{mail}");
    assert!(!mail.contains("closer held project"), "{mail}");
}

/// A project renamed, merged or retired on a shared primary: its directory leaves the
/// tree, and its page stays (`moved_to:`, `retired:`), saying where it went or why, with
/// `latest.json` saying so for scripts and bots that poll it. Before, its pages and
/// `latest.json` simply went (404), and a page kept for it was "a page of no project".
#[test]
fn a_project_that_moved_or_retired_keeps_a_page_saying_so() {
    let f = Fixture::new();
    f.write("dist/gamma/1.0/gamma-1.0.tar.gz", "gamma\n");
    f.write("dist/gamma/KEYS", &f.read("dist/alpha/KEYS"));
    f.sign();
    f.closer(&["build"]).ok();
    std::fs::remove_dir_all(f.path("dist/beta")).unwrap();
    f.write("content/beta.md", "---\ntitle: Beta\nmoved_to: alpha\n---\nBeta is part of Alpha now.\n");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let page = f.read("site/beta/index.html");
    assert!(page.contains("Beta has moved") && page.contains("<a href=\"../alpha/\">Alpha</a>"), "{page}");
    assert!(page.contains("Beta is part of Alpha now."), "{page}");
    let latest: serde_json::Value = serde_json::from_str(&f.read("site/beta/latest.json")).unwrap();
    assert_eq!((latest["format"].as_i64(), latest["moved_to"].as_str()), (Some(1), Some("alpha")), "{latest}");
    f.closer(&["check"]).ok();
    // A later build that renders one project keeps the page.
    f.write("dist/gamma/1.1/gamma-1.1.tar.gz", "gamma 1.1\n");
    f.sign();
    f.closer(&["build"]).ok();
    assert!(f.path("site/beta/index.html").is_file() && f.path("site/beta/latest.json").is_file());
    // Retired, with why.
    f.write("content/beta.md", "---\nretired: \"no maintainers since 2026; see the attic\"\n---\n");
    f.closer(&["build"]).ok();
    assert!(f.read("site/beta/index.html").contains("beta is retired: no maintainers since 2026"));
    // Mistakes: a project that is still there, and a name that is nowhere.
    f.write("content/gamma.md", "---\nretired: \"gone\"\n---\n");
    f.write("content/beta.md", "---\nmoved_to: betta\n---\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("says `retired:`, but dist/gamma/ is still in the release tree"), "{}", run.stderr);
    assert!(run.stderr.contains("says `moved_to: betta`, which is neither a project"), "{}", run.stderr);
}
