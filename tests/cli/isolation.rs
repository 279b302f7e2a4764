//! One project's broken upload never holds back another's release, and two writers
//! never race. 300 projects: 10 get new good releases while 5 break in five ways; the
//! 10 are published (pages, lists, a real mirror-sync), the 5 keep their pages and list
//! entries byte for byte, and `closer status`, `site/metrics` and the mirrors page name
//! them. An upload in progress is arriving, not a problem, until `upload_grace` has
//! passed. Ten builds at once, some killed, end as one clean build would.

use crate::mirror::{Daemon, mirror_sync, mirrored};
use crate::util::{DEMO_KEY, Fixture, repo, sha512_hex, snapshot};
use std::collections::BTreeMap;
use std::process::{Command, Stdio};

const REGISTRY: &str = "primary:\n  name: Many\n  host: dist.example.org\n  site_url: https://downloads.example.org/\n  dist_url: https://dist.example.org/dist/\n  rsync_url: rsync://dist.example.org/dist/\narchive:\n  url: https://archive.example.org/dist/\npolicy:\n  keep: 2\n  upload_clock: modification\nmirrors:\n  - id: eu-one\n    name: Mirror One\n    country: DE\n    continent: EU\n    lat: 50.1\n    lon: 8.7\n    bandwidth: 10000\n    urls:\n      https: https://one.example.net/pub/\n      rsync: rsync://one.example.net/pub/\n";

fn name(i: usize) -> String {
    format!("p{i:03}")
}

/// `n` projects of one signed release each.
pub(crate) fn many(n: usize) -> Fixture {
    let f = Fixture::empty();
    f.write("mirrors.yaml", REGISTRY);
    let keys = std::fs::read_to_string(repo().join("dist/hello/KEYS")).unwrap();
    for i in 0..n {
        let p = name(i);
        f.write(&format!("dist/{p}/KEYS"), &keys);
        f.write(&format!("dist/{p}/1.0/{p}-1.0.tar.gz"), &format!("{p} 1.0\n"));
        f.write(&format!("content/{p}.md"), &format!("---\ntitle: Project {i}\n---\nProject {i}.\n"));
    }
    sign(&f);
    f
}

pub(crate) fn sign(f: &Fixture) {
    f.closer(&["sign", "--key", repo().join(DEMO_KEY).to_str().unwrap()]).ok();
}

/// The lines of every list that are about project `p`.
pub(crate) fn list_entries(f: &Fixture, p: &str) -> Vec<String> {
    let mut out = Vec::new();
    for list in ["dist/fullfiletimelist-dist", "dist/zzz/lists/fullfiletimelist-archive"] {
        out.extend(
            f.read(list)
                .lines()
                .filter(|l| l.contains(&format!("\t{p}/")) || l.ends_with(&format!("\t{p}")))
                .map(String::from),
        );
    }
    out
}

/// Makes a file's modification time `secs` in the past.
fn age(f: &Fixture, rel: &str, secs: u64) {
    f.uploaded_ago(&[rel], secs);
}

/// Five broken uploads, each its own way (and old enough not to be arriving): p010
/// unsigned, p020 altered after signing, p030's published bytes replaced and signed again, p040's front
/// matter broken, p050's KEYS deleted.
fn break_five(f: &Fixture) {
    f.write("dist/p010/1.1/p010-1.1.tar.gz", "unsigned\n");
    age(f, "dist/p010/1.1/p010-1.1.tar.gz", 7200);
    f.write("dist/p020/1.1/p020-1.1.tar.gz", "signed, then changed\n");
    f.closer(&["sign", "--key", repo().join(DEMO_KEY).to_str().unwrap(), "dist/p020"]).ok();
    f.write("dist/p020/1.1/p020-1.1.tar.gz", "altered after signing\n");
    // (Long enough ago: a file changed beside its signature within the upload grace is
    // an upload in progress.)
    age(f, "dist/p020/1.1/p020-1.1.tar.gz", 7200);
    age(f, "dist/p020/1.1/p020-1.1.tar.gz.asc", 7200);
    // Re-rolled: new bytes, signed again (the site kept serving the new signature, which
    // is BAD against the bytes the mirrors carry).
    f.write("dist/p030/1.0/p030-1.0.tar.gz", "published bytes replaced\n");
    std::fs::remove_file(f.path("dist/p030/1.0/p030-1.0.tar.gz.asc")).unwrap();
    f.closer(&["sign", "--key", repo().join(DEMO_KEY).to_str().unwrap(), "dist/p030"]).ok();
    f.write("content/p040.md", "---\ntitle: [unclosed\n---\n");
    std::fs::remove_file(f.path("dist/p050/KEYS")).unwrap();
}

/// A new mirror syncs while p030 is held with a re-rolled file: that file, which the
/// primary serves with other bytes than its lists name, is left out; every other
/// project arrives (the whole sync was refused), and the exit (4) says so.
fn a_new_mirror_gets_all_but_the_rerolled_file(f: &Fixture, daemon: &Daemon) {
    let fresh = f.path("mirror-new");
    let run = mirror_sync(&[&daemon.url(), fresh.to_str().unwrap()]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(run.stderr.contains("1 file(s) on the upstream are not the files its signed list names"), "{}", run.stderr);
    let got = mirrored(&fresh);
    assert!(!got.contains_key("p030/1.0/p030-1.0.tar.gz"));
    assert!(got.contains_key("p105/1.1/p105-1.1.tar.gz") && got.contains_key("p020/1.0/p020-1.0.tar.gz"));
    assert!(fresh.join("zzz/time.txt").exists());
}

/// A script asks which projects a build holds (`closer releases --json`): the broken
/// ones, each with its problems (p030's changed file among them).
fn scripts_see(f: &Fixture, broken: &[&str]) {
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).stdout).unwrap();
    let held: Vec<&str> = doc
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p["problems"].as_array().unwrap().is_empty())
        .map(|p| p["project"].as_str().unwrap())
        .collect();
    assert_eq!(held, broken, "{doc:#}");
    let p030 = doc.as_array().unwrap().iter().find(|p| p["project"] == "p030").unwrap();
    assert!(p030["problems"][0].as_str().unwrap().contains("changed after it was published"), "{p030:#}");
}

/// Operators see the held projects: status, metrics, the mirrors page.
fn operators_see(f: &Fixture, broken: &[&str]) {
    let status = f.closer(&["status", "p010", "1.0"]);
    assert!(status.stdout.contains("p010: held back by the last build (held)"), "{}", status.stdout);
    // Its new release, held before it was published: said, in the document too.
    let status = f.closer(&["status", "p010", "1.1", "--json"]);
    assert_eq!(status.code, 1, "{}", status.stderr);
    let doc: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!((doc["met"].clone(), doc["held"]["state"].clone()), (false.into(), "held".into()), "{doc:#}");
    let metrics = f.read("site/metrics");
    for p in broken {
        assert!(metrics.contains(&format!("closer_project_held{{project=\"{p}\",state=\"held\"}}")), "{metrics}");
    }
    let page = f.read("site/mirrors.html");
    assert!(page.contains("<strong>p040</strong> (held)"), "{page}");
    // A new operator reads how to join.
    assert!(page.contains("To join:") && page.contains("<code>closer probe --url YOUR_URL</code>"), "{page}");
    // Each problem names its file, never its path on the primary.
    assert!(page.contains("<strong>p050</strong> (held): KEYS: is missing"), "{page}");
    assert!(!page.contains(&f.path("dist").display().to_string()), "{page}");
}

#[test]
fn broken_projects_keep_their_last_good_state_and_the_others_publish() {
    let f = many(300);
    f.closer(&["build"]).ok();
    let broken = ["p010", "p020", "p030", "p040", "p050"];
    // Each broken project's pages and list entries as published.
    type Published = (BTreeMap<String, Vec<u8>>, Vec<String>);
    let before: BTreeMap<&str, Published> =
        broken.iter().map(|p| (*p, (f.snapshot(&format!("site/{p}")), list_entries(&f, p)))).collect();
    // A real mirror has the good state.
    let daemon = Daemon::serve(&f.path("dist"));
    let dest = f.path("mirror");
    mirror_sync(&[&daemon.url(), dest.to_str().unwrap()]).ok();

    // Ten new good releases.
    for i in 100..110 {
        let p = name(i);
        f.write(&format!("dist/{p}/1.1/{p}-1.1.tar.gz"), &format!("{p} 1.1\n"));
    }
    sign(&f);
    break_five(&f);

    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("held back 5 projects; the 295 others were published"), "{}", run.stderr);
    for p in broken {
        assert!(run.stderr.contains(&format!("{p}: held: its last good state stays published")), "{p}: {}", run.stderr);
        let (site, lists) = &before[p];
        let now = f.snapshot(&format!("site/{p}"));
        // Its pages; the selection data (mirrors.json) changes for p030: it withholds
        // the changed file from the primary.
        let page = |k: &&String| k.as_str() != "mirrors.json";
        let differ: Vec<&String> = now
            .keys()
            .filter(page)
            .filter(|k| site.get(*k) != now.get(*k))
            .chain(site.keys().filter(|k| !now.contains_key(*k)))
            .collect();
        assert!(differ.is_empty(), "{p}'s pages changed: {differ:?}");
        assert_eq!(&list_entries(&f, p), lists, "{p}'s list entries changed");
    }
    assert!(run.stderr.contains("changed after it was published"), "{}", run.stderr);
    scripts_see(&f, &broken);
    assert!(f.read("site/p030/mirrors.json").contains("\"withheld\":[\"p030/1.0/p030-1.0.tar.gz\"]"));
    assert!(!f.read("site/p020/mirrors.json").contains("withheld"));
    for i in 100..110 {
        let p = name(i);
        assert!(f.path(&format!("site/{p}/1.1/index.html")).exists(), "{p} 1.1 has its page");
        assert!(f.read("dist/fullfiletimelist-dist").contains(&format!("\t{p}/1.1/{p}-1.1.tar.gz\n")));
    }

    // The mirror syncs again: the new releases arrive, nothing of the held projects is
    // lost, and the replaced file keeps its verified bytes.
    mirror_sync(&[&daemon.url(), dest.to_str().unwrap()]).ok();
    let got = mirrored(&dest);
    assert!(got.contains_key("p105/1.1/p105-1.1.tar.gz"));
    assert_eq!(
        got["p030/1.0/p030-1.0.tar.gz"],
        crate::util::sha512_hex(b"p030 1.0\n"),
        "the mirror keeps the published bytes"
    );
    for p in broken {
        assert!(got.contains_key(&format!("{p}/1.0/{p}-1.0.tar.gz")), "{p} 1.0 is still on the mirror");
    }
    a_new_mirror_gets_all_but_the_rerolled_file(&f, &daemon);

    operators_see(&f, &broken);

    // Fixing one releases it at the next build.
    f.write("content/p040.md", "---\ntitle: Project 40\n---\nFixed.\n");
    let run = f.closer(&["build"]);
    assert!(run.stderr.contains("held back 4 projects"), "{}", run.stderr);
    assert!(f.read("site/p040/index.html").contains("Fixed."));
    // check and build --strict stay all-or-nothing.
    assert!(f.closer(&["check"]).stderr.contains("problems found"));
    let strict = f.closer(&["build", "--strict"]);
    assert_eq!(strict.code, 1);
    assert!(strict.stderr.contains("nothing was written"), "{}", strict.stderr);
}

#[test]
fn with_the_cache_lost_the_last_lists_are_the_record_of_a_held_project() {
    let f = many(20);
    f.closer(&["build"]).ok();
    let daemon = Daemon::serve(&f.path("dist"));
    let dest = f.path("mirror");
    mirror_sync(&[&daemon.url(), dest.to_str().unwrap()]).ok();
    let before = list_entries(&f, "p010");
    assert!(!before.is_empty());
    // The cache (and with it every project's last good state) is gone; then p010's
    // new upload is broken and p011 gets a new release.
    std::fs::remove_dir_all(f.path(".closer-cache")).unwrap();
    f.write("dist/p011/1.1/p011-1.1.tar.gz", "p011 1.1\n");
    sign(&f);
    f.write("dist/p010/1.1/p010-1.1.tar.gz", "unsigned\n");
    age(&f, "dist/p010/1.1/p010-1.1.tar.gz", 7200);
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("p010: held: its files stay on the mirrors as the last lists have them"),
        "{}",
        run.stderr
    );
    assert_eq!(list_entries(&f, "p010"), before, "the held project's entries are carried unchanged");
    assert!(f.read("dist/fullfiletimelist-dist").contains("\tp011/1.1/p011-1.1.tar.gz\n"));
    assert!(!f.path("site/p010/index.html").exists(), "no recorded state: no pages until fixed");
    // The same build twice writes the same lists.
    let lists = f.read("dist/fullfiletimelist-dist");
    f.closer(&["build"]);
    assert_eq!(f.read("dist/fullfiletimelist-dist"), lists);
    // The mirror loses nothing of p010, and gets p011's release.
    mirror_sync(&[&daemon.url(), dest.to_str().unwrap()]).ok();
    let got = mirrored(&dest);
    assert!(got.contains_key("p010/1.0/p010-1.0.tar.gz"), "{:?}", got.keys().collect::<Vec<_>>());
    assert!(got.contains_key("p011/1.1/p011-1.1.tar.gz"));
    assert!(!got.contains_key("p010/1.1/p010-1.1.tar.gz"));
    let status = f.closer(&["status", "p010", "1.0"]);
    assert!(status.stdout.contains("p010: held back by the last build"), "{}", status.stdout);
    // Fixed, it publishes again with its pages, and its old entries keep their times.
    sign(&f);
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(f.path("site/p010/index.html").exists());
    let old = before.iter().find(|l| l.ends_with("\tp010/1.0/p010-1.0.tar.gz")).unwrap();
    assert!(list_entries(&f, "p010").contains(old), "{:?}", list_entries(&f, "p010"));
}

#[test]
fn an_upload_in_progress_is_arriving_until_the_grace_has_passed() {
    let f = many(3);
    f.closer(&["build"]).ok();
    f.write("dist/p001/1.1/p001-1.1.tar.gz", "new\n");
    // Just uploaded, no signature yet: arriving, exit 0, the old state stays.
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("p001: arriving"), "{}", run.stderr);
    assert!(!f.path("site/p001/1.1").exists());
    // `check` counts it (CI fails on any problem), and says why build did not.
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("1 of these is a file uploaded less than policy.upload_grace (60 min) ago whose signature"),
        "{}",
        run.stderr
    );
    // The signature arrives: published.
    sign(&f);
    f.closer(&["build"]).ok();
    assert!(f.path("site/p001/1.1/index.html").exists());
    // Signed, then its file written again (an upload cut short and resumed): arriving
    // too while it is new (it was held, "upload both again"), held past the grace.
    f.write("dist/p001/1.2/p001-1.2.tar.gz", "new\n");
    sign(&f);
    f.write("dist/p001/1.2/p001-1.2.tar.gz", "ne");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("p001: arriving"), "{}", run.stderr);
    age(&f, "dist/p001/1.2/p001-1.2.tar.gz", 7200);
    age(&f, "dist/p001/1.2/p001-1.2.tar.gz.asc", 7200);
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("p001: held") && run.stderr.contains("does not match"), "{}", run.stderr);
    f.write("dist/p001/1.2/p001-1.2.tar.gz", "new\n");
    // With its checksum beside it, as release managers are asked to upload: the
    // half-written file does not match the checksum either, and is arriving all the same.
    f.write("dist/p001/1.3/p001-1.3.tar.gz", "new\n");
    f.write("dist/p001/1.3/p001-1.3.tar.gz.sha512", &format!("{}  p001-1.3.tar.gz\n", sha512_hex(b"new\n")));
    sign(&f);
    f.write("dist/p001/1.3/p001-1.3.tar.gz", "ne");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("p001: arriving (an upload in progress"), "{}", run.stderr);
    for file in ["p001-1.3.tar.gz", "p001-1.3.tar.gz.asc", "p001-1.3.tar.gz.sha512"] {
        age(&f, &format!("dist/p001/1.3/{file}"), 7200);
    }
    let run = f.closer(&["build"]);
    assert!(
        run.stderr.contains("p001: held") && run.stderr.contains("p001-1.3.tar.gz.sha512:1: says"),
        "{}",
        run.stderr
    );
    f.write("dist/p001/1.3/p001-1.3.tar.gz", "new\n");
    // The same, past the grace: a problem.
    f.write("dist/p002/1.1/p002-1.1.tar.gz", "new\n");
    age(&f, "dist/p002/1.1/p002-1.1.tar.gz", 7200);
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("p002: held"), "{}", run.stderr);
}

#[test]
fn a_held_project_is_told_to_the_notify_command() {
    let f = many(2);
    f.write(
        "mirrors.yaml",
        &REGISTRY.replace("  keep: 2\n", "  keep: 2\n  notify: \"cat > notified-$CLOSER_PROJECT\"\n"),
    );
    f.closer(&["build"]).ok();
    std::fs::remove_file(f.path("dist/p001/KEYS")).unwrap();
    assert_eq!(f.closer(&["build"]).code, 1);
    let mail = f.read("notified-p001");
    assert!(
        mail.contains("closer held project p001 (held)") && mail.contains("KEYS: is missing, so none of the"),
        "{mail}"
    );
    // Held for the same reasons: not told again.
    std::fs::remove_file(f.path("notified-p001")).unwrap();
    assert_eq!(f.closer(&["build"]).code, 1);
    assert!(!f.path("notified-p001").exists());

    // A command that fails is told again at the next build; one that reads nothing of
    // its input (a webhook) ends the build normally (it was killed: exit 141, silent).
    let registry = |notify: &str| {
        REGISTRY.replace(
            "  keep: 2
",
            &format!(
                "  keep: 2
  notify: \"{notify}\"
"
            ),
        )
    };
    f.write("mirrors.yaml", &registry("exit 3"));
    f.write("dist/p002/1.0/p002-1.0.tar.gz", &"changed after it was published\n".repeat(20_000));
    age(&f, "dist/p002/1.0/p002-1.0.tar.gz", 7200);
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("policy.notify for p002: `exit 3` exited with exit status: 3; it is told again"),
        "{}",
        run.stderr
    );
    f.write("mirrors.yaml", &registry("true"));
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "the build ends as builds do: {}", run.stderr);
    assert!(run.stderr.contains("p002: held"), "{}", run.stderr);
    f.write("mirrors.yaml", &registry("cat > notified-$CLOSER_PROJECT"));
    assert_eq!(f.closer(&["build"]).code, 1);
    assert!(!f.path("notified-p002").exists(), "told once, by `true`");
}

/// Starts every run of `runs` at once (killing the first after a moment when `kill`),
/// and checks each ended cleanly: done, killed, or holding an arriving project.
fn run_together(f: &Fixture, runs: &[Vec<&str>], kill: bool, round: usize) {
    let children: Vec<_> = runs
        .iter()
        .map(|args| {
            Command::new(env!("CARGO_BIN_EXE_closer"))
                .args(args)
                .current_dir(f.dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    if kill {
        // Kill one, whoever holds the lock then; the others go on.
        std::thread::sleep(std::time::Duration::from_millis(30));
        // SAFETY: kill(2) on a child this test started.
        unsafe { libc::kill(children[0].id() as i32, libc::SIGKILL) };
    }
    for c in children {
        let out = c.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("os error"), "round {round}: a raw OS error: {err}");
        // Under -q (cron) a run that waits for another says nothing of it.
        assert!(!err.contains("waiting:"), "round {round}: {err}");
        // A build that ran before the sign finished holds the new file's project
        // (exit 1, "arriving"); nothing else is allowed.
        let held = out.status.code() == Some(1) && err.contains("arriving");
        assert!(matches!(out.status.code(), Some(0) | None) || held, "round {round}: {:?} {err}", out.status);
    }
}

#[test]
fn writers_take_turns_and_a_killed_one_leaves_the_lock_free() {
    let f = many(20);
    // A probe has a mirror to probe (nothing listens there: it is down, at once).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    f.write(
        "mirrors.yaml",
        &REGISTRY.replace("https: https://one.example.net/pub/", &format!("http: http://127.0.0.1:{port}/pub/")),
    );
    let key = repo().join(DEMO_KEY);
    let key = key.to_str().unwrap();
    let build = ["build", "-q", "--site-key", key];
    f.closer(&build).ok();
    let clean = |f: &Fixture| (snapshot(&f.path("site")), f.read("dist/fullfiletimelist-dist"));
    let serial = |f: &Fixture| -> u64 {
        let index = f.read("dist/zzz/index");
        index.lines().find_map(|l| l.strip_prefix("serial ")).unwrap().parse().unwrap()
    };
    let mut last = serial(&f);
    for round in 0..20 {
        f.write(&format!("dist/p00{}/1.{}/x-1.{}.tar.gz", round % 10, round + 1, round + 1), "more\n");
        // Ten builds, and in every third round a sign and a probe among them.
        let mut runs: Vec<Vec<&str>> = vec![build.to_vec(); 10];
        if round % 3 == 0 {
            runs.insert(3, vec!["sign", "-q", "--key", key]);
            runs.insert(6, vec!["probe", "-q", "--timeout", "2"]);
        } else {
            sign(&f);
        }
        run_together(&f, &runs, round % 2 == 1, round);
        // A build after them publishes all; one more changes nothing: they left what
        // one build leaves.
        f.closer(&build).ok();
        let after = clean(&f);
        let again = f.closer(&["build", "--stats", "--site-key", key]);
        assert_eq!(again.stat("lists_changed"), "0", "round {round}");
        assert_eq!(clean(&f), after, "round {round}");
        // The index serial only goes up.
        let now = serial(&f);
        assert!(now > last, "round {round}: serial {now} after {last}");
        last = now;
    }
    // --no-wait reports the holder and exits 3.
    let lock = f.path(".dist.closer-lock");
    let file = std::fs::File::options().read(true).write(true).create(true).truncate(false).open(&lock).unwrap();
    // SAFETY: flock(2) on a file this test opened.
    assert_eq!(unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(&file), libc::LOCK_EX) }, 0);
    let busy = f.closer(&["build", "--no-wait"]);
    assert_eq!(busy.code, 3, "{}", busy.stderr);
    assert!(
        busy.stderr.contains("is being written by") && busy.stderr.contains("without --no-wait"),
        "{}",
        busy.stderr
    );
    assert_eq!(f.closer(&["sign", "--no-wait", "--key", repo().join(DEMO_KEY).to_str().unwrap()]).code, 3);
    // Readers never wait.
    f.closer(&["check"]).ok();
    f.closer(&["releases"]).ok();
    drop(file);
}

/// A cron job runs `closer build -q` every quarter hour: a held project is said when it
/// is newly held or its problems change, not on every run (cron mails what is printed);
/// the exit code stays 1 while it is held. Without -q it is always said.
#[test]
fn quiet_builds_say_a_held_project_once_until_it_changes() {
    let f = many(3);
    f.closer(&["build"]).ok();
    f.write("dist/p001/1.1/p001-1.1.tar.gz", "unsigned\n");
    age(&f, "dist/p001/1.1/p001-1.1.tar.gz", 7200);
    let first = f.closer(&["build", "-q"]);
    assert_eq!(first.code, 1, "{}", first.stderr);
    assert!(first.stderr.contains("p001: held") && first.stderr.contains("held back 1 project"), "{}", first.stderr);
    // Nothing published changed, yet the mirrors page and the metrics say it is held
    // (the site-wide pages were rendered for it), without the primary's own paths.
    let page = f.read("site/mirrors.html");
    assert!(page.contains("<strong>p001</strong> (held): p001-1.1.tar.gz:"), "{page}");
    assert!(!page.contains(&f.path("dist").display().to_string()), "{page}");
    assert!(f.read("site/metrics").contains("closer_project_held{project=\"p001\""));
    let again = f.closer(&["build", "-q"]);
    assert_eq!((again.code, again.stderr.as_str()), (1, ""), "said again");
    let loud = f.closer(&["build"]);
    assert!(loud.stderr.contains("p001: held"), "{}", loud.stderr);
    // Its problems change: said again.
    f.write("dist/p001/1.1/p001-1.1.zip", "unsigned too\n");
    age(&f, "dist/p001/1.1/p001-1.1.zip", 7200);
    let changed = f.closer(&["build", "-q"]);
    assert!(changed.stderr.contains("p001-1.1.zip"), "{}", changed.stderr);
    assert!(f.read("site/mirrors.html").contains("p001-1.1.zip:"));
}

/// A project's whole directory removed while its page stays: said as gone (its releases
/// leave the mirrors, its pages go), not as a last good state that stays published; the
/// others publish. With its page removed too, the build is clean.
#[test]
fn a_project_removed_from_the_tree_is_said_gone_not_kept() {
    let f = many(3);
    f.closer(&["build"]).ok();
    std::fs::remove_dir_all(f.path("dist/p002")).unwrap();
    // Its page left behind: removed, not held (there is nothing to hold), and a warning
    // names the page, on this build and the next (every build had failed until it went).
    for _ in 0..2 {
        let run = f.closer(&["build"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(!run.stderr.contains("held"), "{}", run.stderr);
        assert!(
            run.stderr.contains("warning: project p002 was removed from the release tree, and content/p002.md is left")
                || run
                    .stderr
                    .contains("warning: content/p002.md describes project `p002`, which is not in the release tree"),
            "{}",
            run.stderr
        );
        assert!(list_entries(&f, "p002").is_empty(), "{:?}", list_entries(&f, "p002"));
        assert!(!f.path("site/p002").exists());
    }
    // `check`, which CI runs, still counts the page: a typo in a page's name is caught.
    assert_eq!(f.closer(&["check"]).code, 1);
    std::fs::remove_file(f.path("content/p002.md")).unwrap();
    f.closer(&["build"]).ok();
}

/// With a site key (what `closer init` sets up), the lists carry `.asc` signatures
/// beside them: a held project's last state is read from the lists, never from their
/// signatures (every build stopped, "expected [Version], found -----BEGIN PGP
/// SIGNATURE-----", as soon as one project was held).
#[test]
fn a_held_project_on_a_site_with_a_key_holds_only_itself() {
    let f = many(3);
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("Site <site@example.org>", "ed25519", "", None);
    f.write("site.sec.asc", &g.export_secret(&fpr, ""));
    f.closer(&["build", "--site-key", "site.sec.asc"]).ok();
    assert!(f.path("dist/fullfiletimelist-dist.asc").exists());
    // A new project whose signature has not come (old enough not to be arriving), and
    // a new release of another.
    let keys = std::fs::read_to_string(repo().join("dist/hello/KEYS")).unwrap();
    f.write("dist/newcomer/KEYS", &keys);
    f.write("dist/newcomer/0.1/newcomer-0.1.tar.gz", "unsigned\n");
    age(&f, "dist/newcomer/0.1/newcomer-0.1.tar.gz", 7200);
    f.write("dist/p001/1.1/p001-1.1.tar.gz", "p001 1.1\n");
    f.closer(&["sign", "--key", repo().join(DEMO_KEY).to_str().unwrap(), "dist/p001"]).ok();
    let run = f.closer(&["build", "--site-key", "site.sec.asc"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("newcomer"), "{}", run.stderr);
    assert!(f.read("dist/fullfiletimelist-dist").contains("\tp001/1.1/p001-1.1.tar.gz\n"));
    assert!(!f.read("dist/fullfiletimelist-dist").contains("newcomer"));
    let list = f.path("dist/fullfiletimelist-dist");
    let (ok, err) = g.verify(&[f.path("dist/fullfiletimelist-dist.asc").to_str().unwrap(), list.to_str().unwrap()]);
    assert!(ok, "{err}");
}

/// On a primary shared by many projects, `closer check` lists each project's problems
/// under its name, and `--project` reports one release manager's own (everything is still
/// checked): exit 0 when that project is clean, whatever the others hold.
#[test]
fn check_groups_problems_by_project_and_reports_one_on_request() {
    let f = Fixture::new();
    f.write("dist/alpha/1.10/alpha-1.10.zip", "tampered\n");
    f.write("dist/beta/0.2/beta-0.2.tar.gz", "beta 0.2\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let err = &run.stderr;
    let (a, b) = (err.find("project alpha (1):"), err.find("project beta (1):"));
    let (Some(a), Some(b)) = (a, b) else { panic!("no headings: {err}") };
    assert!(a < b && err[a..b].contains("alpha-1.10.zip") && err[b..].contains("beta-0.2.tar.gz"), "{err}");
    // One project: its problems alone, no heading, and how many the others have.
    let run = f.closer(&["check", "--project", "beta"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("beta-0.2.tar.gz") && !run.stderr.contains("alpha-1.10.zip"), "{}", run.stderr);
    assert!(!run.stderr.contains("project beta ("), "{}", run.stderr);
    assert!(run.stderr.contains("\n1 more in other projects: "), "{}", run.stderr);
    assert!(run.stderr.contains("1 of these is a file uploaded"), "beta's own arriving file: {}", run.stderr);
    std::fs::remove_dir_all(f.path("dist/beta/0.2")).unwrap();
    let run = f.closer(&["check", "--project", "beta"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("checked, no problems in beta (1 more in other projects"), "{}", run.stderr);
    // Its directory as the shell completes it names it too.
    for arg in ["beta/", &f.path("dist/beta/").display().to_string()] {
        let run = f.closer(&["check", "--project", arg]);
        assert_eq!(run.code, 0, "{arg}: {}", run.stderr);
    }
    // A name that is no project: said, with the ones there are.
    let run = f.closer(&["check", "--project", "gamma"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("there is no project `gamma`") && run.stderr.contains("alpha, beta"), "{}", run.stderr);
}
