//! `closer build` and `closer check` on good input: what the site holds, that its lists
//! verify with coreutils, determinism, the digest cache, and atomic replacement.

use crate::util::{Fixture, snapshot};
use std::process::Command;

#[test]
fn site_has_pages_sidecars_and_archive_links() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    for page in [
        "index.html",
        "mirrors.html",
        "style.css",
        "alpha/index.html",
        "alpha/1.10/index.html",
        "alpha/1.9/index.html",
        "alpha/KEYS",
        "beta/index.html",
        "beta/0.1/index.html",
    ] {
        assert!(f.path(&format!("site/{page}")).is_file(), "missing site/{page}");
    }
    // KEYS and signatures are published exactly as the release tree has them.
    assert_eq!(f.read("site/alpha/KEYS"), f.read("dist/alpha/KEYS"));
    assert_eq!(f.read("site/alpha/1.10/alpha-1.10.tar.gz.asc"), f.read("dist/alpha/1.10/alpha-1.10.tar.gz.asc"));
    // 1.0 is archived (keep: 2, and 1.10 > 1.9 > 1.0): a link into the archive, and at
    // its address a page that says so (no downloads, no sidecars).
    assert!(f.read("site/alpha/1.0/index.html").contains("This release is archived"));
    assert!(!f.path("site/alpha/1.0/alpha-1.0.tar.gz.sha512").exists());
    let alpha = f.read("site/alpha/index.html");
    assert!(alpha.contains(r#"href="https://archive.example.org/dist/alpha/1.0/""#), "{alpha}");
    // Artifacts link to the primary's dist URL; sidecars and KEYS to the site itself.
    assert!(alpha.contains(r#"href="https://dist.example.org/dist/alpha/1.10/alpha-1.10.tar.gz""#));
    assert!(alpha.contains(r#"href="1.10/alpha-1.10.tar.gz.sha512""#));
    assert!(alpha.contains(r#"href="KEYS""#));
    // Checksums, signatures and keys never point at a mirror; the page's mirror table
    // links only mirrors' project directories.
    for href in alpha.split("href=\"").skip(1).map(|s| &s[..s.find('"').unwrap()]) {
        if href.contains("one.example.net") {
            assert_eq!(href, "https://one.example.net/pub/alpha/", "only a mirror's directory may be linked");
        }
    }
    assert!(alpha.contains(r#"href="https://one.example.net/pub/alpha/""#), "the no-JS mirror table");
    // 1.10 comes before 1.9 on the page.
    assert!(alpha.find("alpha-1.10.zip").unwrap() < alpha.find("alpha-1.9.zip").unwrap());
    // Size and SHA-512 are shown.
    let sha = crate::util::sha512_hex(b"alpha 1.10 tarball\n");
    assert!(alpha.contains(&sha), "page lacks the SHA-512");
    // Release notes are rendered on the release page.
    let notes = f.read("site/alpha/1.10/index.html");
    assert!(notes.contains("Notes for <em>1.10</em>"), "{notes}");
    assert!(notes.contains("2026-01-02"));
    // The mirrors page lists both mirrors, the partial one with what it carries.
    let mirrors = f.read("site/mirrors.html");
    assert!(mirrors.contains("Mirror One") && mirrors.contains("Mirror Two"));
    assert!(mirrors.contains("via eu-one"));
    // Each operator's cron line, from its upstream, on the mirror's own page.
    let own = f.read("site/mirrors/eu-one.html");
    assert!(own.contains("mirror-sync --carry-lists rsync://dist.example.org/dist/ /srv/mirror/eu-one/"), "{own}");
    let two = f.read("site/mirrors/as-two.html");
    assert!(two.contains("mirror-sync --list as-two rsync://one.example.net/pub/ /srv/mirror/as-two/"), "{two}");
    // The index lists each project with its latest release.
    let index = f.read("site/index.html");
    assert!(index.contains(r#"href="alpha/1.10/index.html""#), "{index}");
    assert!(index.contains("Test Downloads"));
}

#[test]
fn sidecars_pass_coreutils_check() {
    let f = Fixture::new();
    f.write("dist/alpha/1.10/name with space.tar.gz", "spacey\n");
    f.sign();
    f.closer(&["build"]).ok();
    assert_eq!(
        f.read("site/alpha/1.10/alpha-1.10.tar.gz.sha512"),
        format!("{}  alpha-1.10.tar.gz\n", crate::util::sha512_hex(b"alpha 1.10 tarball\n"))
    );
    for (tool, list) in [("sha512sum", "SHA512SUMS"), ("sha256sum", "SHA256SUMS")] {
        let dist = f.path("dist/alpha/1.10");
        let run = |file: &str| {
            let st = Command::new(tool)
                .arg("-c")
                .arg("--strict")
                .arg(f.path(&format!("site/alpha/1.10/{file}")))
                .current_dir(&dist)
                .output()
                .unwrap();
            assert!(st.status.success(), "{tool} -c {file}: {}", String::from_utf8_lossy(&st.stderr));
            String::from_utf8_lossy(&st.stdout).into_owned()
        };
        let out = run(list);
        assert_eq!(out.matches(": OK").count(), 3, "{out}");
        let ext = &tool[..6];
        run(&format!("alpha-1.10.zip.{ext}"));
        run(&format!("name with space.tar.gz.{ext}"));
    }
    // A wrong file fails the check: the sidecar really says something.
    f.write("dist/alpha/1.10/alpha-1.10.zip", "tampered\n");
    let st = Command::new("sha512sum")
        .arg("-c")
        .arg(f.path("site/alpha/1.10/alpha-1.10.zip.sha512"))
        .current_dir(f.path("dist/alpha/1.10"))
        .output()
        .unwrap();
    assert!(!st.status.success());
}

#[test]
fn two_builds_are_byte_identical() {
    let f = Fixture::new();
    f.closer(&["build", "--out", "site-a"]).ok();
    // A second build from a cold cache, into another directory.
    std::fs::remove_dir_all(f.path(".closer-cache")).unwrap();
    f.closer(&["build", "--out", "site-b"]).ok();
    let (a, b) = (f.snapshot("site-a"), f.snapshot("site-b"));
    assert!(a.len() > 10);
    assert_eq!(a, b);
    // SOURCE_DATE_EPOCH sets the stated time.
    f.closer_env(&["build", "--out", "site-c"], &[("SOURCE_DATE_EPOCH", "1700000000")]).ok();
    assert!(f.read("site-c/index.html").contains("2023-11-14 22:13 UTC"));
}

#[test]
fn the_stated_time_is_the_newest_input() {
    let f = Fixture::new();
    let at = |rel: &str, secs: u64| {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
        std::fs::File::options().write(true).open(f.path(rel)).unwrap().set_modified(t).unwrap();
    };
    // Release notes newer than everything else: their time is the site's.
    at("content/alpha/1.10.md", 1_900_000_000);
    f.closer(&["build"]).ok();
    assert!(f.read("site/index.html").contains("2030-03-17 17:46 UTC"), "{}", f.read("site/index.html"));
    // Then the registry, newer still.
    at("mirrors.yaml", 1_900_003_600);
    f.closer(&["build"]).ok();
    assert!(f.read("site/index.html").contains("2030-03-17 18:46 UTC"));
}

#[test]
fn a_terminal_sees_hashing_progress_as_bytes_are_read() {
    let f = Fixture::new();
    // One 300 MiB file (sparse: no disk used), over the progress bar's threshold.
    let big = std::fs::File::create(f.path("dist/alpha/1.10/alpha-1.10-big.tar.gz")).unwrap();
    big.set_len(300 << 20).unwrap();
    // Not a terminal: no bar.
    let plain = f.closer(&["check", "--cache", "cache-a"]);
    assert!(!plain.stderr.contains("hashing"), "{}", plain.stderr);
    // A terminal (`script` runs closer on a pseudo-terminal): the bar shows amounts between
    // none and all while the one file is read, not only when it is done.
    let cmd = format!("{} check --cache cache-b", env!("CARGO_BIN_EXE_closer"));
    let out = Command::new("script").args(["-qec", &cmd, "/dev/null"]).current_dir(f.dir.path()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let partial = text.split(['\r', '\n']).filter_map(|l| l.split_once("/300.00 MiB")).any(|(before, _)| {
        let mut t = before.split_whitespace().rev();
        let (unit, value) = (t.next().unwrap_or(""), t.next().and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0));
        // (The fixture's small files alone come to a few KiB.)
        unit == "MiB" && value > 1.0 && value < 299.0
    });
    assert!(text.contains("hashing"), "{text}");
    assert!(partial, "the bar did not move while the file was read:\n{text}");
}

#[test]
fn rebuild_with_nothing_changed_reads_no_artifact() {
    let f = Fixture::new();
    let first = f.closer(&["build", "--stats"]);
    first.ok();
    // 7 artifacts, their 7 signatures and 2 KEYS files.
    assert_eq!(first.stat("hashed_files"), "16");
    assert_ne!(first.stat("hashed_bytes"), "0");
    let before = f.snapshot("site");

    let second = f.closer(&["build", "--stats"]);
    second.ok();
    assert_eq!(second.stat("hashed_files"), "0");
    assert_eq!(second.stat("hashed_bytes"), "0");
    assert_eq!(second.stat("cached_files"), "16");
    assert_eq!(second.stat("site_written"), "false");
    assert_eq!(before, f.snapshot("site"));

    // A new file is read, and only it (a published one that changes holds its project:
    // tests/cli/isolation.rs).
    f.write("dist/beta/0.1/beta-0.1-extra.tar.gz", "BETA 0.1\n");
    f.sign();
    let third = f.closer(&["build", "--stats"]);
    third.ok();
    // The artifact and its new signature, nothing else.
    assert_eq!(third.stat("hashed_files"), "2");
    let asc = std::fs::metadata(f.path("dist/beta/0.1/beta-0.1-extra.tar.gz.asc")).unwrap().len();
    assert_eq!(third.stat("hashed_bytes"), (9 + asc).to_string());
    assert!(f.read("site/beta/0.1/SHA512SUMS").contains(&crate::util::sha512_hex(b"BETA 0.1\n")));
}

#[test]
fn a_lists_build_keeps_the_pieces_the_site_build_needs() {
    // The site build hashes the artifacts' BitTorrent pieces; a lists build after it that
    // writes the cache again (a new file) must keep them, or the next site build reads
    // every artifact again.
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    f.write("dist/beta/0.1/beta-0.1-extra.tar.gz", "BETA 0.1\n");
    f.sign();
    let lists = f.closer(&["build", "--lists-only", "--stats"]);
    lists.ok();
    assert_eq!(lists.stat("hashed_files"), "2");
    let site = f.closer(&["build", "--stats"]);
    site.ok();
    // The new artifact alone: it was hashed without pieces.
    assert_eq!(site.stat("hashed_files"), "1");
    assert!(f.path("site/beta/0.1/beta-0.1-extra.tar.gz.torrent").exists());
}

#[test]
fn corrupt_or_foreign_cache_is_discarded() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let cache = f.path(".closer-cache/digests");
    let mut bytes = std::fs::read(&cache).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 0xff;
    std::fs::write(&cache, &bytes).unwrap();
    let run = f.closer(&["build", "--stats"]);
    run.ok();
    assert_eq!(run.stat("cache_discarded"), "true");
    assert_eq!(run.stat("hashed_files"), "16");
    // A foreign cache (another tree) is discarded too.
    let g = Fixture::new();
    std::fs::create_dir_all(g.path(".closer-cache")).unwrap();
    std::fs::copy(f.path(".closer-cache/digests"), g.path(".closer-cache/digests")).unwrap();
    let run = g.closer(&["build", "--stats"]);
    run.ok();
    assert_eq!(run.stat("cache_discarded"), "true");
    assert_eq!(run.stat("cached_files"), "0");
}

#[test]
fn stale_files_do_not_linger() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    assert!(f.path("site/beta/0.1/beta-0.1.tar.gz.sha512").exists());
    std::fs::remove_dir_all(f.path("dist/beta")).unwrap();
    f.closer(&["build"]).ok();
    assert!(!f.path("site/beta").exists());
    // No temporary directories are left beside the site.
    let leftovers: Vec<_> = std::fs::read_dir(f.dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".site.closer-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn failed_build_leaves_previous_site_identical() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let before = f.snapshot("site");

    // A broken template: exit 2, site untouched.
    f.write("templates/index.html", "{% extends \"base.html\" %}{% block content %}{{ oops( }}{% endblock content %}");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("template"), "{}", run.stderr);
    assert_eq!(before, f.snapshot("site"));
    std::fs::remove_file(f.path("templates/index.html")).unwrap();

    // A template that fails only while rendering (unknown variable): exit 2, untouched.
    f.write("templates/project.html", "{{ no_such_thing.field }}");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("project.html"), "{}", run.stderr);
    assert_eq!(before, f.snapshot("site"));
    std::fs::remove_file(f.path("templates/project.html")).unwrap();

    // Problems in the input with --strict: exit 1, untouched. (Without it, the page's
    // project is held and the others publish: tests/cli/isolation.rs.)
    f.write("content/gamma.md", "about a project that does not exist\n");
    let run = f.closer(&["build", "--strict"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(before, f.snapshot("site"));
    std::fs::remove_file(f.path("content/gamma.md")).unwrap();

    // An artifact that changed and that the build may not read (a release manager's
    // umask 077 on a shared primary): its project's problem, held with its last good
    // state, the fix named.
    crate::util::unreadable_run(&f, "dist/beta/0.1/beta-0.1.tar.gz", |run| {
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("beta: held") && run.stderr.contains("the other one was published"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("beta-0.1.tar.gz: cannot be read by"), "{}", run.stderr);
        assert!(run.stderr.contains("fix: let the build read it: chmod a+r"), "{}", run.stderr);
        assert!(!run.stderr.contains("no signature"), "one problem, not a second for its signature: {}", run.stderr);
    });
    assert_eq!(before.get("beta/0.1/index.html"), f.snapshot("site").get("beta/0.1/index.html"), "held as it was");
}

#[test]
fn template_override_replaces_builtin() {
    let f = Fixture::new();
    f.write(
        "templates/index.html",
        "{% extends \"base.html\" %}{% block content %}<p>custom {{ projects | length }}</p>{% endblock content %}",
    );
    f.closer(&["build"]).ok();
    assert!(f.read("site/index.html").contains("<p>custom 2</p>"));
    assert!(f.read("site/alpha/index.html").contains("Alpha"));
}

#[test]
fn refuses_to_replace_a_directory_it_did_not_make() {
    let f = Fixture::new();
    f.write("precious/notes.txt", "keep me\n");
    let run = f.closer(&["build", "--out", "precious"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("refusing"), "{}", run.stderr);
    assert_eq!(f.read("precious/notes.txt"), "keep me\n");
}

#[test]
fn check_writes_nothing() {
    let f = Fixture::new();
    let run = f.closer(&["check"]);
    run.ok();
    assert!(run.stderr.contains("no problems"), "{}", run.stderr);
    assert!(!f.path("site").exists());
}

#[test]
fn links_inside_the_tree_are_kept_not_followed() {
    let f = Fixture::new();
    std::os::unix::fs::symlink("1.10", f.path("dist/alpha/latest")).unwrap();
    std::os::unix::fs::symlink("alpha-1.10.zip", f.path("dist/alpha/1.10/alpha-latest.zip")).unwrap();
    let run = f.closer(&["build", "--stats"]);
    run.ok();
    // The links are not artifacts: nothing was hashed through them.
    assert_eq!(run.stat("hashed_files"), "16");
    // They are other names, listed as such (its link and its name), not downloads.
    let page = f.read("site/alpha/index.html");
    assert_eq!(page.matches("alpha-latest.zip").count(), 2, "{page}");
    assert!(page.contains(">1.10/alpha-latest.zip</a> &rarr; alpha-1.10.zip</li>"), "{page}");
    assert!(page.contains(">latest</a> &rarr; 1.10</li>"), "{page}");
}

#[test]
fn mirror_name_and_release_note_are_escaped() {
    let f = Fixture::new();
    f.write("mirrors.yaml", &crate::util::REGISTRY.replace("Mirror One", "<script>alert('m')</script>"));
    f.write(
        "content/alpha/1.10.md",
        "---\ntitle: \"<script>alert('t')</script>\"\n---\n<script>alert('n')</script>\n\n[x](javascript:alert(1))\n",
    );
    f.write_bytes("dist/alpha/1.10/<img src=x onerror=alert(1)>.zip", b"x");
    f.sign();
    f.closer(&["build"]).ok();
    for page in ["mirrors.html", "alpha/index.html", "alpha/1.10/index.html", "index.html"] {
        let html = f.read(&format!("site/{page}"));
        assert!(!html.contains("<script>"), "{page} carries a raw <script>:\n{html}");
        assert!(!html.contains("<img src=x"), "{page} carries a raw <img>");
        assert!(!html.contains("javascript:"), "{page} carries a javascript: link");
    }
    assert!(f.read("site/mirrors.html").contains("&lt;script&gt;"));
    assert!(f.read("site/alpha/1.10/index.html").contains("&lt;script&gt;alert("));
    // The odd file name is percent-encoded in its link.
    assert!(f.read("site/alpha/index.html").contains("%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.zip"));
}

#[test]
fn help_reads_well() {
    let f = Fixture::new();
    let run = f.closer(&["--help"]);
    run.ok();
    for word in ["build", "check", "--dist", "--registry", "--out", "Exit codes"] {
        assert!(run.stdout.contains(word), "--help lacks {word}:\n{}", run.stdout);
    }
    let run = f.closer(&["build", "--help"]);
    run.ok();
    assert!(run.stdout.contains("--stats"));
    let run = f.closer(&["frobnicate"]);
    assert_eq!(run.code, 2);
}

#[test]
fn demo_tree_builds() {
    // A copy of the repository's demo, so that the build's own files land in the copy.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    for what in ["dist", "content"] {
        let st = Command::new("cp").arg("-a").arg(root.join(what)).arg(out.path()).status().unwrap();
        assert!(st.success());
    }
    std::fs::copy(root.join("mirrors.yaml"), out.path().join("mirrors.yaml")).unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_closer")).current_dir(out.path()).arg("build").output().unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    let pages = snapshot(&out.path().join("site"));
    assert!(pages.contains_key("hello/2.0/index.html"));
    assert!(pages.keys().filter(|k| k.ends_with(".asc")).count() >= 8);
    assert!(String::from_utf8_lossy(&pages["hello/index.html"]).contains("signed by Demo Release Manager"));
}

#[test]
fn a_small_change_rebuilds_a_site_equal_to_a_fresh_build() {
    // The writer links files that did not change from the old site; the result must be
    // exactly what a build from nothing gives.
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let before = f.snapshot("site");
    f.write("content/alpha/1.10.md", "---\ndate: 2026-01-03\n---\nNew notes.\n");
    let run = f.closer(&["build", "--stats"]);
    run.ok();
    assert_eq!(run.stat("site_written"), "true");
    f.closer(&["build", "--out", "fresh"]).ok();
    let (now, fresh) = (f.snapshot("site"), f.snapshot("fresh"));
    assert_eq!(now, fresh, "an incremental site differs from a fresh one");
    assert_ne!(now, before);
    assert!(f.read("site/alpha/1.10/index.html").contains("New notes."));
    // Again with a fixed date, so that only one page differs: most files are then
    // taken over from the old site, and the result still equals a fresh build.
    let sde = [("SOURCE_DATE_EPOCH", "1790000000")];
    f.closer_env(&["build"], &sde).ok();
    f.write("content/alpha/1.10.md", "---\ndate: 2026-01-04\n---\nNewer notes.\n");
    f.closer_env(&["build"], &sde).ok();
    std::fs::remove_dir_all(f.path("fresh")).unwrap();
    f.closer_env(&["build", "--out", "fresh"], &sde).ok();
    assert_eq!(f.snapshot("site"), f.snapshot("fresh"));
    assert!(
        !f.snapshot("site").keys().any(|k| k.contains(".closer-") && k != ".closer-site"),
        "no temporary files in the site"
    );
}

#[test]
fn unchanged_files_keep_their_inode_and_one_artifact_lists_are_its_sidecars() {
    use std::os::unix::fs::MetadataExt;
    let f = Fixture::new();
    let sde = [("SOURCE_DATE_EPOCH", "1790000000")];
    f.closer_env(&["build"], &sde).ok();
    let ino = |rel: &str| std::fs::metadata(f.path(rel)).unwrap().ino();
    // beta 0.1 has one artifact: each checksum list is its sidecar, one file.
    assert_eq!(ino("site/beta/0.1/SHA512SUMS"), ino("site/beta/0.1/beta-0.1.tar.gz.sha512"));
    assert_eq!(ino("site/beta/0.1/SHA256SUMS"), ino("site/beta/0.1/beta-0.1.tar.gz.sha256"));
    assert_eq!(
        f.read("site/beta/0.1/SHA512SUMS"),
        format!("{}  beta-0.1.tar.gz\n", crate::util::sha512_hex(b"beta 0.1\n"))
    );
    // alpha 1.10 has two: its list is a file of its own.
    assert_ne!(ino("site/alpha/1.10/SHA512SUMS"), ino("site/alpha/1.10/alpha-1.10.zip.sha512"));
    assert_ne!(ino("site/alpha/1.10/SHA512SUMS"), ino("site/alpha/1.10/alpha-1.10.tar.gz.sha512"));

    // New notes for alpha 1.10 change its page (and the feeds); every file that stays
    // the same is the old site's file, inode and mtime, so a publishing rsync skips it.
    let kept = ["beta/0.1/beta-0.1.tar.gz.asc", "beta/index.html", "alpha/1.10/alpha-1.10.zip.meta4", "style.css"];
    let stamp = |rel: &str| {
        let m = std::fs::metadata(f.path(&format!("site/{rel}"))).unwrap();
        (m.ino(), m.mtime(), m.mtime_nsec())
    };
    let before: Vec<_> = kept.iter().map(|r| stamp(r)).collect();
    let page_before = stamp("alpha/1.10/index.html");
    f.write("content/alpha/1.10.md", "---\ndate: 2026-01-02\n---\nOther notes.\n");
    f.closer_env(&["build"], &sde).ok();
    assert!(f.read("site/alpha/1.10/index.html").contains("Other notes."));
    assert_ne!(stamp("alpha/1.10/index.html").0, page_before.0, "a changed page is a new file");
    let after: Vec<_> = kept.iter().map(|r| stamp(r)).collect();
    assert_eq!(before, after, "unchanged files {kept:?} were rewritten");
    // And the site is still exactly what a build from nothing gives.
    f.closer_env(&["build", "--out", "fresh"], &sde).ok();
    assert_eq!(f.snapshot("site"), f.snapshot("fresh"));
}

#[test]
fn a_rebuild_renders_the_site_only_when_one_of_its_inputs_changed() {
    let f = Fixture::new();
    let sde = [("SOURCE_DATE_EPOCH", "1790000000")];
    let build = |out: &str| {
        let run = f.closer_env(&["build", "--stats", "--out", out], &sde);
        run.ok();
        run.stat("site_rendered") == "true"
    };
    assert!(build("site"));
    let site = f.snapshot("site");
    assert!(!build("site"), "nothing changed, yet the site was rendered");
    assert_eq!(site, f.snapshot("site"));
    // Each input, changed on its own, renders the site again, to what a fresh build
    // gives; the next build renders nothing.
    let registry = f.read("mirrors.yaml");
    type Change<'a> = (&'static str, bool, Box<dyn Fn() + 'a>);
    let changes: [Change; 6] = [
        ("a template", true, Box::new(|| f.write("templates/index.html", "{{ projects | length }} projects"))),
        (
            "a page, same size",
            true,
            Box::new(|| f.write("content/alpha.md", &f.read("content/alpha.md").replace("first", "FIRST"))),
        ),
        ("the registry", true, Box::new(|| f.write("mirrors.yaml", &registry.replace("Mirror Two", "Mirror Deux")))),
        (
            "the probe state",
            true,
            Box::new(|| f.write("probe.json", r#"{"format":1,"probed_at":1790000600,"mirrors":{}}"#)),
        ),
        (
            "a new release",
            true,
            Box::new(|| {
                f.write("dist/beta/0.2/beta-0.2.tar.gz", "beta 0.2\n");
                f.sign();
            }),
        ),
        (
            "the site put back by hand",
            false,
            Box::new(|| {
                std::fs::rename(f.path("site"), f.path("old")).unwrap();
                crate::util::copy_tree(&f.path("old"), &f.path("site"));
                std::fs::write(f.path("site/index.html"), "edited").unwrap();
            }),
        ),
    ];
    for (what, changes_site, change) in changes {
        let before = f.snapshot("site");
        change();
        assert!(build("site"), "{what}: the site was not rendered again");
        let _ = std::fs::remove_dir_all(f.path("fresh"));
        assert!(build("fresh"));
        assert_eq!(f.snapshot("site"), f.snapshot("fresh"), "{what}: the site is not a fresh build's");
        assert_eq!(f.snapshot("site") != before, changes_site, "{what}: the site changed, or did not");
        assert!(!build("site"), "{what}: rendered again with nothing changed");
    }
}

/// A build dated by a pinned `SOURCE_DATE_EPOCH` signs an index that has already expired,
/// which every mirror refuses: the build says so (it said nothing, and cron rebuilds never
/// renewed it).
#[test]
fn a_pinned_source_date_epoch_that_expires_the_signed_index_is_warned() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("Site <site@example.org>", "ed25519", "", None);
    f.write("site.sec.asc", &g.export_secret(&fpr, ""));
    let run = f.closer_env(&["build", "--site-key", "site.sec.asc"], &[("SOURCE_DATE_EPOCH", "1735689600")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning: the signed index (zzz/index) expired at 2025-01-08"), "{}", run.stderr);
    assert!(run.stderr.contains("unset SOURCE_DATE_EPOCH"), "{}", run.stderr);
    let run = f.closer(&["build", "--site-key", "site.sec.asc"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("zzz/index"), "{}", run.stderr);
}

/// Output piped into a reader that stops early (`| head -1`) ends quietly, as a Unix
/// tool's does: it panicked ("failed printing to stdout: Broken pipe").
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let f = Fixture::new();
    let script = format!(
        "'{}' releases | true; '{}' releases --json | true",
        env!("CARGO_BIN_EXE_closer"),
        env!("CARGO_BIN_EXE_closer")
    );
    let out = std::process::Command::new("sh").arg("-c").arg(&script).current_dir(f.path("")).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{err}");
}

/// rsync's temporary file of an upload in progress (`.NAME.XXXXXX`) is not an artifact
/// (it was "arriving", with the fix "closer sign .p044-4.0.tar.gz.Ab12Cd").
#[test]
fn an_rsync_upload_in_progress_is_not_a_file_of_the_release() {
    let f = Fixture::new();
    f.write("dist/alpha/1.10/.alpha-1.11.tar.gz.Ab12Cd", "half an upload");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!f.closer(&["releases"]).ok().stdout.contains("Ab12Cd"));
}
