//! What a release manager does around a build: the Atom feeds (read back with a real
//! Atom parser), `closer status` on crafted probe states (counts, shares, exit codes),
//! `closer announce`, the CI script on a feature branch and on main, and a version
//! deleted and uploaded again with other bytes.

use crate::probe::{DAY, now};
use crate::util::{Fixture, sha512_hex};
use base64::Engine;

fn feed(f: &Fixture, rel: &str) -> atom_syndication::Feed {
    let text = f.read(rel);
    atom_syndication::Feed::read_from(text.as_bytes())
        .unwrap_or_else(|e| panic!("{rel} is not valid Atom: {e}\n{text}"))
}

#[test]
fn feeds_list_every_release_newest_first() {
    let f = Fixture::new();
    f.write("content/alpha/1.9.md", "---\ndate: 2025-06-01\n---\nNotes for 1.9.\n");
    f.write("content/alpha/1.0.md", "---\ndate: 2024-01-01\n---\nThe first.\n");
    f.write("content/beta/0.1.md", "---\ndate: 2025-12-24\ntitle: \"Beta <b>0.1</b>\"\n---\nBeta.\n");
    f.write_bytes("dist/beta/0.1/<i>odd</i>.tar.gz", b"odd\n");
    f.sign();
    f.closer(&["build"]).ok();

    let all = feed(&f, "site/feed.xml");
    let titles: Vec<&str> = all.entries().iter().map(|e| e.title().as_str()).collect();
    // alpha 1.10 (2026-01-02), beta 0.1 (2025-12-24), alpha 1.9, alpha 1.0 (archived).
    assert_eq!(titles, ["Alpha 1.10", "Beta <b>0.1</b>", "Alpha 1.9", "Alpha 1.0"]);
    assert_eq!(all.id(), "https://downloads.example.org/feed.xml");
    assert_eq!(all.updated().to_rfc3339(), "2026-01-02T00:00:00+00:00");
    let e = &all.entries()[0];
    assert_eq!(e.links()[0].href(), "https://downloads.example.org/alpha/1.10/");
    assert!(e.summary().unwrap().as_str().contains("alpha-1.10.tar.gz"));
    assert!(e.content().unwrap().value().unwrap().contains("<li>alpha-1.10.zip</li>"));
    let archived = &all.entries()[3];
    assert_eq!(archived.links()[0].href(), "https://archive.example.org/dist/alpha/1.0/", "archived: the archive");
    assert_eq!(archived.id(), "https://downloads.example.org/alpha/1.0/", "ids stay when a release is archived");
    let ids: std::collections::BTreeSet<&str> = all.entries().iter().map(|e| e.id()).collect();
    assert_eq!(ids.len(), 4);
    // A file name reaches the HTML content as text, not as markup.
    let beta = &all.entries()[1];
    assert!(beta.content().unwrap().value().unwrap().contains("<li>&lt;i&gt;odd&lt;/i&gt;.tar.gz</li>"));

    let alpha = feed(&f, "site/alpha/feed.xml");
    assert_eq!(alpha.entries().len(), 3);
    assert!(alpha.entries().iter().all(|e| e.categories()[0].term() == "alpha"));
    let page = f.read("site/alpha/index.html");
    assert!(page.contains(r#"<link rel="alternate" type="application/atom+xml" href="feed.xml""#));
}

/// A fixture built at `t`, with a probe state: eu-one (10 Gbit/s, carries everything)
/// and as-two (1 Gbit/s, carries alpha only) as given.
fn probed(eu: serde_json::Value, as_two: serde_json::Value, t: i64) -> Fixture {
    let f = Fixture::new();
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &t.to_string())]).ok();
    let state = serde_json::json!({
        "format": 1, "probed_at": now(), "primary_stamp": t,
        "mirrors": {"eu-one": eu, "as-two": as_two},
    });
    f.write("probe.json", &serde_json::to_string_pretty(&state).unwrap());
    f
}

fn up(stamp: i64) -> serde_json::Value {
    serde_json::json!({"url": "x", "ok": true, "stamp": stamp, "checked_at": now(), "history": []})
}

fn down(why: &str) -> serde_json::Value {
    serde_json::json!({"url": "x", "ok": false, "error": why, "checked_at": now(), "history": []})
}

#[test]
fn status_counts_mirrors_and_bandwidth() {
    let t = now() - DAY / 4;
    // Both up to date.
    let f = probed(up(t), up(t), t);
    let run = f.closer(&["status", "alpha", "1.10"]);
    run.ok();
    assert!(run.stdout.starts_with("alpha 1.10: 2 of 2 mirrors serve it, 100% of their bandwidth"), "{}", run.stdout);
    assert!(run.stdout.contains("Asia           1/1 mirrors, 100% of 1 Gbit/s"), "{}", run.stdout);

    // as-two is behind (its stamp predates the release): 10 of 11 Gbit/s = 91%.
    let f = probed(up(t), up(t - 100), t);
    let run = f.closer(&["status", "alpha", "1.10"]);
    run.ok();
    assert!(
        run.stdout.contains("1 of 2 mirrors serve it, 91% of their bandwidth (threshold 80%): safe to announce"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("as-two               behind: its stamp is"), "{}", run.stdout);
    // 100 s apart: two times that differ, to the second when the minute is the same.
    let line = run.stdout.lines().find(|l| l.contains("behind: its stamp is")).unwrap();
    let (stamp, entered) =
        (line.split("its stamp is ").nth(1).unwrap(), line.split("entered the lists ").nth(1).unwrap());
    assert_ne!(stamp.split(" (").next(), entered.split(';').next(), "{line}");
    let run = f.closer(&["status", "alpha", "1.10", "--threshold", "0.95"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("not yet"));
    // The same, as a script reads it: the document on stdout, the same exit code.
    let run = f.closer(&["status", "alpha", "1.10", "--threshold", "0.95", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (&doc["format"], &doc["met"], &doc["serving"]),
        (&1.into(), &false.into(), &serde_json::json!(["eu-one"]))
    );
    assert_eq!(doc["behind"][0]["mirror"], "as-two", "{doc:#}");
    assert!((doc["share"].as_f64().unwrap() - 10.0 / 11.0).abs() < 1e-9, "{doc:#}");
    assert_eq!(doc["continents"]["Asia"]["serving"], 0, "{doc:#}");
    assert!(doc["held"].is_null(), "{doc:#}");
    // beta is carried by eu-one only.
    let run = f.closer(&["status", "beta", "0.1"]);
    run.ok();
    assert!(run.stdout.contains("1 of 1 mirrors serve it, 100%"), "{}", run.stdout);

    // The big mirror down: 1 of 11 Gbit/s.
    let f = probed(down("connection refused"), up(t), t);
    let run = f.closer(&["status", "alpha", "1.10"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("1 of 2 mirrors serve it, 9% of their bandwidth"), "{}", run.stdout);
    let line = run.stdout.lines().find(|l| l.contains("eu-one  ")).unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(line.contains("down since ") && line.ends_with(": connection refused"), "{line}");
    assert!(run.stdout.contains("Europe         0/1 mirrors, 0% of 10 Gbit/s"));

    // Stale: up, but missing a release published two days ago.
    let t_old = now() - 2 * DAY;
    let f = probed(up(t_old - 1000), up(t_old), t_old);
    let run = f.closer(&["status", "beta", "0.1"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("eu-one               stale: behind for"), "{}", run.stdout);

    // An archived release (not in the lists), bad usage.
    let run = f.closer(&["status", "alpha", "1.0"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("alpha 1.0 is archived: no longer on the mirrors"), "{}", run.stderr);
    assert_eq!(f.closer(&["status", "alpha", "1.10", "--threshold", "2"]).code, 2);
    assert_eq!(f.closer(&["status", "alpha"]).code, 2);
}

#[test]
fn announce_says_what_where_and_how_to_verify() {
    let f = Fixture::new();
    f.write("content/alpha.md", "---\ntitle: Alpha\ndescription: \"The first one.\\e[31m red\"\n---\nAlpha intro.\n");
    // No probe yet: `status` says not yet, so no text (a pipe into sendmail sends nothing),
    // a warning and exit 1.
    let early = f.closer(&["announce", "alpha", "1.10"]);
    assert_eq!(early.code, 1, "{}", early.stderr);
    assert!(
        early.stderr.contains("too few mirrors serve alpha 1.10 yet") && early.stderr.contains("--force"),
        "{}",
        early.stderr
    );
    assert_eq!(early.stdout, "", "a refused announcement prints nothing");
    let run = f.closer(&["announce", "alpha", "1.10", "--force"]);
    run.ok();
    let text = &run.stdout;
    assert!(text.contains("come from downloads.example.org, never from a mirror"), "{text}");
    assert!(text.starts_with("Subject: [ANNOUNCE] Alpha 1.10 released\n"), "{text}");
    assert!(text.contains("Test Foundation is pleased to announce Alpha 1.10."));
    assert!(text.contains("Notes for *1.10*."), "release notes");
    assert!(text.contains("https://downloads.example.org/alpha/\n"), "download page");
    assert!(text.contains("KEYS:       https://downloads.example.org/alpha/KEYS"));
    assert!(text.contains("SHA512SUMS: https://downloads.example.org/alpha/1.10/SHA512SUMS"));
    assert!(text.contains(&format!("SHA-512: {}", sha512_hex(b"alpha 1.10 tarball\n"))));
    assert!(text.contains("gpg --verify alpha-1.10.tar.gz.asc alpha-1.10.tar.gz"));
    assert!(!text.contains('\u{1b}'), "control characters from the inputs are dropped");
    assert!(!text.contains("one.example.net"), "checksums and keys never come from a mirror");

    // Another project's problem holds back that project, not this announcement; one of
    // alpha's own stops it.
    f.write("dist/beta/0.2/beta-0.2.tar.gz", "beta 0.2, unsigned\n");
    assert_eq!(early.stdout, "", "a refused announcement prints nothing");
    let run = f.closer(&["announce", "alpha", "1.10", "--force"]);
    run.ok();
    assert!(run.stderr.contains("warning: other projects have problems (beta;"), "{}", run.stderr);
    f.write("dist/alpha/1.10/alpha-1.10.tar.gz", "altered\n");
    let run = f.closer(&["announce", "alpha", "1.10", "--force"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("alpha-1.10.tar.gz") && !run.stderr.contains("beta-0.2"), "{}", run.stderr);
    f.write("dist/alpha/1.10/alpha-1.10.tar.gz", "alpha 1.10 tarball\n");
    std::fs::remove_file(f.path("dist/beta/0.2/beta-0.2.tar.gz")).unwrap();
    // A pre-release is announced as one, pointing at the stable release.
    f.write("dist/alpha/2.0-rc1/alpha-2.0-rc1.tar.gz", "alpha rc\n");
    f.sign();
    let rc = f.closer(&["announce", "alpha", "2.0-rc1", "--force"]);
    rc.ok();
    assert!(rc.stdout.starts_with("Subject: [ANNOUNCE] Alpha 2.0-rc1 pre-release, for testing\n"), "{}", rc.stdout);
    assert!(rc.stdout.contains("the current stable release is 1.10."), "{}", rc.stdout);
    // For `sendmail -t`: the addresses as headers, the body's charset, a subject that is
    // not ASCII (nor one line: a title cannot add a header) in RFC 2047 words.
    f.write("content/alpha.md", "---\ntitle: \"Älpha\\nBcc: x@example.org\"\n---\n");
    let to = ["--to", "announce@lists.example.org", "--to", "users@lists.example.org"];
    let run = f.closer(&[&["announce", "alpha", "1.10", "--force", "--from", "rm@example.org"][..], &to].concat());
    run.ok();
    let (head, _) = run.stdout.split_once("\n\n").unwrap();
    let subject = base64::engine::general_purpose::STANDARD.encode("[ANNOUNCE] Älpha Bcc: x@example.org 1.10 released");
    assert_eq!(
        head,
        format!(
            "From: rm@example.org\nTo: announce@lists.example.org, users@lists.example.org\nSubject: =?UTF-8?B?{subject}?=\n\
             MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit"
        )
    );
    let run = f.closer(&["announce", "alpha", "1.10", "--force", "--to", "no address"]);
    assert_eq!(run.code, 2, "{}", run.stderr);

    let run = f.closer(&["announce", "alpha", "1.0"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("archived"), "{}", run.stderr);
    let run = f.closer(&["announce", "gamma", "1.0"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no project `gamma`") && run.stderr.contains("alpha, beta"), "{}", run.stderr);
}

#[test]
fn ci_script_checks_every_branch_and_publishes_main() {
    let f = Fixture::new();
    let script = crate::util::repo().join("tools/ci-site");
    let publish = tempfile::tempdir().unwrap();
    let run = |branch: &str| {
        crate::util::Run::from(
            std::process::Command::new(&script)
                .current_dir(f.dir.path())
                .env("CLOSER", env!("CARGO_BIN_EXE_closer"))
                .env("CLOSER_BRANCH", branch)
                .env("CLOSER_PUBLISH_SITE", format!("{}/", publish.path().display()))
                .env_remove("SOURCE_DATE_EPOCH")
                .output()
                .unwrap(),
        )
    };
    run("feature/x").ok();
    assert!(!f.path("site").exists(), "a branch is only checked");
    run("main").ok();
    assert!(publish.path().join("alpha/index.html").is_file(), "main is built and published");
    assert_eq!(
        std::fs::read(publish.path().join("index.html")).unwrap(),
        std::fs::read(f.path("site/index.html")).unwrap()
    );
    // A problem fails the job on any branch.
    f.write("content/alpha.md", "---\nnot: [valid\n---\n");
    let r = run("feature/x");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("content/alpha.md"), "{}", r.stderr);
    // On main it holds back alpha alone: the others are built and the site is published
    // all the same, and the job says so with exit 1.
    f.write("content/beta.md", "---\ntitle: Beta, edited\n---\n");
    let r = run("main");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("alpha: held"), "{}", r.stderr);
    assert!(r.stdout.contains("ci-site: publishing site/"), "{}", r.stdout);
    let beta = std::fs::read_to_string(publish.path().join("beta/index.html")).unwrap();
    assert!(beta.contains("Beta, edited"), "{beta}");
    // An upload in progress (its signature not there yet) holds its project back as
    // arriving, and the job passes, as docs/ci.md says.
    f.write("content/alpha.md", "---\ntitle: Alpha\n---\n");
    f.write("dist/beta/9.0/beta-9.0.tar.gz", "still uploading\n");
    let r = run("main");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("beta: arriving"), "{}", r.stderr);
    assert!(r.stdout.contains("ci-site: publishing site/"), "{}", r.stdout);
}

/// `closer status --wait`: real probes of two HTTP mirrors, which catch up while it waits.
#[test]
fn status_waits_for_the_mirrors_and_prints_the_propagation() {
    use crate::http::{Behaviour, Server};
    use crate::probe::{mirror, mirror_dir, registry};
    let f = Fixture::new();
    let t = now() - 3600;
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &t.to_string())]).ok();
    let dirs = [mirror_dir(t - 600), mirror_dir(t - 600)];
    let servers: Vec<Server> = dirs.iter().map(|d| Server::start(Behaviour::Files(d.path().into()))).collect();
    let entries = [
        mirror("eu", ("DE", "EU", 50.1, 8.7), 9000, &servers[0].url(), ""),
        mirror("jp", ("JP", "AS", 35.7, 139.7), 1000, &servers[1].url(), ""),
    ];
    f.write("mirrors.yaml", &registry(&entries));

    // Nobody catches up: it gives up when the time is up, exit 1, having probed each round.
    let run = f.closer(&["status", "alpha", "1.10", "--wait", "2s", "--every", "1"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let rounds = run.stdout.lines().filter(|l| l.contains("% of bandwidth")).count();
    assert!(rounds >= 2, "{}", run.stdout);
    assert!(run.stdout.contains("0% of bandwidth, 0/2 mirrors (Asia 0%, Europe 0%)"), "{}", run.stdout);
    assert!(run.stdout.contains("not yet"), "{}", run.stdout);

    // The mirrors sync while it waits: Europe first, then Asia.
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_closer"))
        .current_dir(f.path(""))
        .args(["status", "alpha", "1.10", "--wait", "60s", "--every", "1", "--threshold", "1"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    std::fs::write(dirs[0].path().join("zzz/time.txt"), format!("{t} dist.example.org\n")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    std::fs::write(dirs[1].path().join("zzz/time.txt"), format!("{t} dist.example.org\n")).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let shares: Vec<&str> = text.lines().filter_map(|l| l.split_once("% of bandwidth")?.0.rsplit(' ').next()).collect();
    assert_eq!(shares.first(), Some(&"0"), "{text}");
    assert!(shares.contains(&"90"), "Europe's 9 of 10 Gbit/s first: {text}");
    assert_eq!(shares.last(), Some(&"100"), "{text}");
    assert!(
        text.contains("2 of 2 mirrors serve it, 100% of their bandwidth (threshold 100%): safe to announce"),
        "{text}"
    );
}

/// A version's file published, deleted, and uploaded again with other bytes is a
/// version published twice (downloads of the first are still around): the build holds
/// its project, naming both digests, as it does a file changed in place; `releases
/// --explain` says so too. The first bytes put back are fine, and forgotten.
#[test]
fn a_version_deleted_and_uploaded_again_with_other_bytes_is_held() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let first = f.read("dist/alpha/1.10/alpha-1.10.zip");
    std::fs::remove_dir_all(f.path("dist/alpha/1.10")).unwrap();
    std::fs::remove_file(f.path("content/alpha/1.10.md")).unwrap();
    let run = f.closer(&["build"]).ok().stderr.clone();
    assert!(!run.contains("held"), "{run}");
    // Uploaded again: the tarball as it was, the zip with other bytes, both signed.
    f.write("dist/alpha/1.10/alpha-1.10.tar.gz", "alpha 1.10 tarball\n");
    f.write("dist/alpha/1.10/alpha-1.10.zip", "alpha 1.10 zip, rebuilt\n");
    f.sign();
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("alpha: held"), "{}", run.stderr);
    assert!(
        run.stderr.contains("alpha-1.10.zip: was published with other bytes and has since left the mirrors"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("alpha-1.10.tar.gz: was published"), "the same bytes are fine: {}", run.stderr);
    let explain = f.closer(&["releases", "--explain", "alpha/1.10/alpha-1.10.zip"]);
    assert!(explain.stderr.contains("was published with other bytes"), "{}", explain.stderr);
    // The first bytes back (their signature with them): published, and the record forgets.
    f.write("dist/alpha/1.10/alpha-1.10.zip", &first);
    std::fs::remove_file(f.path("dist/alpha/1.10/alpha-1.10.zip.asc")).unwrap();
    f.sign();
    let run = f.closer(&["build"]).ok().stderr.clone();
    assert!(!run.contains("held"), "{run}");
    assert!(!f.read(".closer-cache/retired").contains("alpha-1.10.zip"), "{}", f.read(".closer-cache/retired"));
}

/// A release published, then archived by a newer one, then its file replaced in place
/// (and signed again) on the primary: the archive would take the new bytes as a repair,
/// unnoticed. Its digest is kept as a removed file's is: the project is held.
#[test]
fn an_archived_releases_file_replaced_in_place_is_held() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    // 1.11 archives 1.9 (keep 2).
    f.write("dist/alpha/1.11/alpha-1.11.tar.gz", "alpha 1.11 tarball\n");
    f.sign();
    f.closer(&["build"]).ok();
    assert!(!f.read("dist/fullfiletimelist-dist").contains("alpha/1.9/"), "1.9 is archived");
    f.write("dist/alpha/1.9/alpha-1.9.tar.gz", "alpha 1.9 tarball, replaced\n");
    std::fs::remove_file(f.path("dist/alpha/1.9/alpha-1.9.tar.gz.asc")).unwrap();
    f.sign();
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("alpha: held"), "{}", run.stderr);
    assert!(
        run.stderr.contains("alpha-1.9.tar.gz: was published with other bytes and has since left the mirrors"),
        "{}",
        run.stderr
    );
}
