//! `tools/mirror-sync` as mirror operators run it (issue 33), against real rsync
//! daemons on 127.0.0.1: silent under cron, its state beside DEST and never in it, a
//! killed run's rsync stopped by the next run and what it fetched kept, keyrings that
//! cannot be wrong silently, an unsigned index that cannot wedge the mirror, plain
//! errors for plain mistakes.

use crate::mirror::{Daemon, dest, mirror_sync, mirror_sync_raw, mirrored, state};
use crate::rollback::{serial, serve_as, states};
use crate::util::Fixture;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn quiet(url: &str, m: &Path) -> crate::mirror::Sync {
    mirror_sync_raw(&[url, m.to_str().unwrap()], &[])
}

#[test]
fn silent_when_it_succeeds_or_another_run_holds_the_lock() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let daemon = Daemon::serve(&f.path("dist"));
    let (_d, m) = dest();
    let first = quiet(&daemon.url(), &m).ok();
    // The one line a first sync without --keyring prints, once.
    assert_eq!(first.stderr.lines().count(), 1, "{}", first.stderr);
    assert!(first.stderr.contains("no --keyring") && first.stderr.contains("rollback checks are off"));
    assert_eq!(quiet(&daemon.url(), &m).ok().stderr, "", "a no-op run prints nothing");
    f.write("dist/alpha/1.11/alpha-1.11.tar.gz", "alpha 1.11 tarball\n");
    f.sign();
    f.closer(&["build"]).ok();
    assert_eq!(quiet(&daemon.url(), &m).ok().stderr, "", "nor does a sync");
    assert!(m.join("alpha/1.11/alpha-1.11.tar.gz").exists());

    // A long sync holds the lock: the next tick exits 3, silently unless -v.
    let mut holder = Command::new("sleep").arg("30").spawn().unwrap();
    std::fs::create_dir(state(&m).join("lock")).unwrap();
    std::fs::write(state(&m).join("lock/pid"), holder.id().to_string()).unwrap();
    let held = quiet(&daemon.url(), &m);
    assert_eq!((held.code, held.stderr.as_str()), (3, ""));
    let told = mirror_sync(&[&daemon.url(), m.to_str().unwrap()]);
    assert!(told.code == 3 && told.stderr.contains("holds the lock"), "{}", told.stderr);
    let _ = holder.kill();
    let _ = holder.wait();

    let version = mirror_sync_raw(&["--version"], &[]).ok();
    assert!(version.stderr.is_empty());
    let out =
        Command::new("dash").arg(crate::util::repo().join("tools/mirror-sync")).arg("--version").output().unwrap();
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(line.starts_with("mirror-sync 1.") && line.ends_with("(closer)\n"), "{line}");
}

#[test]
fn the_state_lives_beside_dest_and_an_old_one_moves_out() {
    let s = crate::mirror::synced();
    let (daemon, m) = (&s.daemon, &s.m);
    assert!(state(m).join("installed.list").exists());
    let hidden: Vec<String> = std::fs::read_dir(m)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "nothing of mirror-sync's is served: {hidden:?}");

    // An older version's state, inside DEST where the web server served it.
    std::fs::rename(state(m), m.join(".mirror-sync")).unwrap();
    let moved = mirror_sync(&[&daemon.url(), m.to_str().unwrap()]).ok();
    assert!(moved.stderr.contains("moved the state from"), "{}", moved.stderr);
    // (Its first run looks at the files, as a day's first does: none is fetched again.)
    assert!(moved.stderr.contains("fetched 0 file(s), deleted 0"), "the moved state is used: {}", moved.stderr);
    assert!(!m.join(".mirror-sync").exists());
    // A web server rooted at DEST no longer serves it.
    let web = crate::http::Server::start(crate::http::Behaviour::Files(m.clone()));
    let url = format!("http://127.0.0.1:{}/.mirror-sync/rsync.log", web.port);
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    assert_eq!(agent.get(&url).call().unwrap().status(), 404);
    // --state elsewhere, and never inside DEST.
    let other = m.parent().unwrap().join("elsewhere");
    mirror_sync(&["--state", other.to_str().unwrap(), &daemon.url(), m.to_str().unwrap()]).ok();
    assert!(other.join("rsync.log").exists());
    let inside = mirror_sync(&["--state", m.join("st").to_str().unwrap(), &daemon.url(), m.to_str().unwrap()]);
    assert!(inside.code == 2 && inside.stderr.contains("which the web server serves"), "{}", inside.stderr);
}

/// Pids of rsync processes still alive among `pids`.
fn alive(pids: &[String]) -> Vec<String> {
    pids.iter().filter(|p| Path::new(&format!("/proc/{p}")).exists()).cloned().collect()
}

#[test]
fn a_killed_run_stops_its_rsync_and_the_rerun_keeps_what_it_fetched() {
    let f = Fixture::new();
    let big: Vec<u8> = (0..12_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    f.write_bytes("dist/alpha/1.11/alpha-1.11.tar.gz", &big);
    f.sign();
    f.closer(&["build"]).ok();
    let daemon = Daemon::serve(&f.path("dist"));
    let (_d, m) = dest();
    // 1.5 MB/s: the big file takes 8 seconds.
    let mut run = Command::new("dash")
        .arg(crate::util::repo().join("tools/mirror-sync"))
        .args(["--bwlimit", "1500", &daemon.url(), m.to_str().unwrap()])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let children = state(&m).join("lock/children");
    let start = Instant::now();
    let staged = || {
        walkdir::WalkDir::new(state(&m).join("stage"))
            .into_iter()
            .flatten()
            .filter_map(|e| e.metadata().ok())
            .map(|md| md.len())
            .sum::<u64>()
    };
    while staged() < 2_000_000 {
        assert!(start.elapsed() < Duration::from_secs(30), "the fetch never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    let pids: Vec<String> = std::fs::read_to_string(&children).unwrap().lines().map(String::from).collect();
    // SIGKILL: the script cannot stop its rsync, which goes on writing.
    // SAFETY: kill(2) with a pid this test started.
    unsafe { libc::kill(run.id() as i32, libc::SIGKILL) };
    let _ = run.wait();
    assert!(!alive(&pids).is_empty(), "the killed run's rsync is still running");
    let rerun = mirror_sync(&[&daemon.url(), m.to_str().unwrap()]).ok();
    assert!(alive(&pids).is_empty(), "the next run stopped it: {}", rerun.stderr);
    let received: u64 = rerun.stderr.rsplit("received ").next().unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(received < big.len() as u64 - 1_000_000, "fetched again from the start: {received} bytes");
    assert_eq!(std::fs::read(m.join("alpha/1.11/alpha-1.11.tar.gz")).unwrap(), big);
    assert!(!state(&m).join("stage").exists());
}

#[test]
fn keyrings_that_are_wrong_or_armored_say_so_on_the_next_run() {
    let s = states();
    let dir = tempfile::tempdir().unwrap();
    let up = dir.path().join("up");
    serve_as(&up, &s.b, &[]);
    let daemon = Daemon::serve(&up);
    let (_d, m) = dest();
    s.sync(&daemon.url(), &m, &[]).ok();
    let url = daemon.url();
    let ms = m.to_str().unwrap();

    // The downloaded site-key.asc, as it is: refused with the line that makes a keyring.
    let armored = dir.path().join("site-key.asc");
    std::fs::write(&armored, s.g.cmd(&["--armor", "--export"]).stdout).unwrap();
    let run = mirror_sync(&["--keyring", armored.to_str().unwrap(), &url, ms]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("gpg --dearmor < {}", armored.display())), "{}", run.stderr);

    // A wrong keyring fails the next (no-op) run, not the next release.
    let stranger = s.g.generate("Stranger <x@example.org>", "ed25519", "", None);
    let wrong = dir.path().join("wrong.gpg");
    std::fs::write(&wrong, s.g.cmd(&["--export", &stranger]).stdout).unwrap();
    let before = mirrored(&m);
    let run = mirror_sync(&["--keyring", wrong.to_str().unwrap(), &url, ms]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("does not verify with") && run.stderr.contains("gpg --dearmor"), "{}", run.stderr);
    assert_eq!(mirrored(&m), before);
    // The right one again: a no-op, one transfer.
    let ok = s.sync(&url, &m, &[]).ok();
    assert!(ok.stderr.contains("up to date"), "{}", ok.stderr);
}

#[test]
fn without_a_keyring_a_forged_index_cannot_wedge_the_mirror() {
    let s = states();
    let dir = tempfile::tempdir().unwrap();
    let up = dir.path().join("up");
    let forge = |serial_now: u64| {
        let text = std::fs::read_to_string(s.a.join("zzz/index")).unwrap();
        let forged = text.replace(&format!("serial {}\n", serial(&s.a)), &format!("serial {serial_now}\n"));
        std::fs::write(up.join("zzz/index"), forged).unwrap();
    };
    serve_as(&up, &s.a, &[]);
    let daemon = Daemon::serve(&up);
    let (_d, m) = dest();
    let ms = m.to_str().unwrap();
    // A serial far in the future (past the index's own expiry): refused either way.
    forge(1_999_999_999);
    let run = mirror_sync(&[&daemon.url(), ms]);
    assert!(run.code == 1 && run.stderr.contains("in the future"), "{}", run.stderr);
    // A forged serial ahead of the primary's, unsigned and unchecked, gets installed...
    forge(serial(&s.b) + 1000);
    mirror_sync(&[&daemon.url(), ms]).ok();
    // ...and the primary's next state is still taken (no ROLLBACK wedge).
    serve_as(&up, &s.b, &[]);
    let run = mirror_sync(&[&daemon.url(), ms]).ok();
    assert!(!run.stderr.contains("ROLLBACK"), "{}", run.stderr);
    assert!(m.join("alpha/1.11/alpha-1.11.tar.gz").exists());
}

#[test]
fn list_and_module_mistakes_are_plain() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let daemon = Daemon::serve(&f.path("dist"));
    let (_d, m) = dest();
    let ms = m.to_str().unwrap();
    // A full mirror's own id is not a list.
    let run = mirror_sync(&["--list", "eu-one", &daemon.url(), ms]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("serves no list named eu-one"), "{}", run.stderr);
    assert!(
        run.stderr.contains("drop --list eu-one") && run.stderr.contains("the upstream has not synced since"),
        "{}",
        run.stderr
    );
    // With no signed index (this primary has no site key), the lists it does serve are
    // named from its zzz/lists/.
    assert!(run.stderr.contains("(it serves: archive"), "{}", run.stderr);
    assert!(!run.stderr.contains("cannot open") && !run.stderr.contains("MIX-AND-MATCH"), "{}", run.stderr);
    // A wrong module: rsync's own reason, and the modules the daemon does serve.
    let wrong = daemon.url().replace("/dist/", "/dists/");
    let run = mirror_sync(&[&wrong, ms]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("Unknown module 'dists'"), "{}", run.stderr);
    assert!(run.stderr.contains("serves: dist"), "{}", run.stderr);
    // The download site's https URL where the rsync one belongs.
    let run = mirror_sync(&["https://downloads.example.org/", ms]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("is not rsync://host/module/ or a directory"), "{}", run.stderr);
    // A DEST that cannot be made (a file stands in its way): said, with whom it runs as.
    f.write("in-the-way", "a file\n");
    let run = mirror_sync(&[&daemon.url(), f.path("in-the-way/mirror").to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("mirror-sync: cannot create") && run.stderr.contains("chown"), "{}", run.stderr);
    // A disk without room for the new files: said before rsync fills it (a `df` that
    // reports 0 KiB free stands in for the full disk).
    let bin = f.path("fake-bin");
    f.write(
        "fake-bin/df",
        "#!/bin/sh\necho 'Filesystem 1024-blocks Used Available Capacity Mounted on'\necho '/dev/x 100 100 0 100% /'\n",
    );
    std::fs::set_permissions(bin.join("df"), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let run = crate::mirror::mirror_sync_env(&[&daemon.url(), ms], &[("PATH", &path)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("new file(s) need 1 KiB and") && run.stderr.contains("has 0 KiB free"),
        "{}",
        run.stderr
    );
    assert!(!m.join("alpha").exists());
}

/// Root syncing a mirror that belongs to another user (tried by hand before the cron
/// job) is warned: the owner's runs could not remove what root wrote when it retired.
#[test]
fn root_on_another_users_mirror_is_warned() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let daemon = Daemon::serve(&f.path("dist"));
    let (_d, m) = dest();
    std::fs::create_dir_all(&m).unwrap();
    std::os::unix::fs::chown(&m, Some(65534), Some(65534)).unwrap();
    let run = mirror_sync(&[&daemon.url(), m.to_str().unwrap()]).ok();
    // (The tests run as root, as CI does.)
    assert!(run.stderr.contains("warning: running as root on"), "{}", run.stderr);
    assert!(run.stderr.contains("sudo -u "), "{}", run.stderr);
}

/// The text of the `n`th `<pre><code>` block after `heading` on a page, unescaped.
fn code_after(page: &str, heading: &str, n: usize) -> String {
    let after = &page[page.find(heading).unwrap()..];
    let block = after.split("<pre tabindex=\"0\"><code>").nth(n + 1).unwrap().split("</code>").next().unwrap();
    block.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#x27;", "'").replace("&amp;", "&")
}

#[test]
fn the_published_script_is_installed_and_run_as_the_mirror_page_says() {
    let s = states();
    let site = s.f.path("site");
    let page = std::fs::read_to_string(site.join("mirrors/eu-one.html")).unwrap();
    let install = code_after(&page, "Syncing this mirror", 0);
    // The page's lines, run as they are; URLs of the site are the built site's files, and
    // /etc and /usr/local are in a scratch directory.
    let root = tempfile::tempdir().unwrap();
    let r = root.path().display().to_string();
    let script: Vec<String> = install
        .lines()
        .map(|l| match l.strip_prefix("curl -fLO https://downloads.example.org/") {
            Some(name) => format!("cp {}/{name} .", site.display()),
            None => l.replace("/etc/closer", &format!("{r}/etc/closer")).replace("/usr/local/bin", &format!("{r}/bin")),
        })
        .collect();
    let script = script.join("\n");
    std::fs::create_dir(root.path().join("bin")).unwrap();
    let out = Command::new("sh").args(["-euc", &format!("cd {r} && {script}")]).output().unwrap();
    assert!(out.status.success(), "{script}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("mirror-sync: OK"), "sha512sum -c said OK");
    let installed = root.path().join("bin/mirror-sync");
    assert_eq!(
        std::fs::read(&installed).unwrap(),
        std::fs::read(crate::util::repo().join("tools/mirror-sync")).unwrap()
    );
    // A changed script fails the check.
    std::fs::write(site.join("mirror-sync"), "#!/bin/sh\necho evil\n").unwrap();
    let out = Command::new("sh").args(["-euc", &format!("cd {r} && {script}")]).output().unwrap();
    assert!(!out.status.success(), "a changed script must not install");

    // The cron.d line and the service run the installed script with the page's arguments,
    // and the keyring the install lines made is the one that verifies the index.
    let cron = code_after(&page, "Syncing this mirror", 1);
    let line = cron.lines().last().unwrap();
    let command = line.split_once(" mirror ").unwrap().1;
    assert!(command.starts_with("/usr/local/bin/mirror-sync --keyring /etc/closer/site-keyring.gpg "), "{command}");
    let systemd = code_after(&page, "Syncing this mirror", 2);
    assert!(systemd.contains(&format!("ExecStart={command}\n")) && systemd.contains("OnCalendar=*:0/15"), "{systemd}");
    let daemon = Daemon::serve(&s.b);
    let (_d, m) = dest();
    let keyring = format!("{r}/etc/closer/site-keyring.gpg");
    let run = mirror_sync_raw(&["--keyring", &keyring, &daemon.url(), m.to_str().unwrap()], &[]).ok();
    assert_eq!(run.stderr, "", "silent with the keyring the page made");
}

/// mirror-sync run as `nobody` (65534), the mirror's user, with `-v`.
fn sync_as_nobody(args: &[&str]) -> crate::mirror::Sync {
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--", "dash"])
        .arg(crate::util::repo().join("tools/mirror-sync"))
        .arg("-v")
        .args(args)
        .env("MIRROR_SYNC_RETRY_SECONDS", "0")
        .output()
        .expect("setpriv (util-linux)");
    crate::mirror::Sync {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A directory of the mirror left root's (a run as root by hand) stopped every later run
/// of its owner with a bare `mv: cannot move ...: Permission denied`; it is said, with
/// the chown that fixes it, before anything moves. And a DEST its user cannot make is
/// told with the state directory beside it, so that doing what it says is enough.
#[test]
fn what_another_user_left_in_the_mirror_is_said_with_the_fix() {
    use std::os::unix::fs::{PermissionsExt, chown};
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let daemon = Daemon::serve(&f.path("dist"));
    let d = tempfile::tempdir().unwrap();
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let parent = d.path().join("srv");
    std::fs::create_dir(&parent).unwrap();
    let m = parent.join("mirror");
    let ms = m.to_str().unwrap();
    // The parent is root's: the message names both directories to make and give.
    let run = sync_as_nobody(&[&daemon.url(), ms]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let fix = run.stderr.split("state in: ").nth(1).unwrap_or_else(|| panic!("{}", run.stderr)).trim().to_string();
    assert!(fix.contains(".mirror.mirror-sync"), "{fix}");
    assert!(Command::new("sh").args(["-c", &fix]).status().unwrap().success(), "{fix}");
    let run = sync_as_nobody(&[&daemon.url(), ms]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A directory left root's, then a release into it.
    chown(m.join("alpha"), Some(0), Some(0)).unwrap();
    f.write("dist/alpha/1.11/alpha-1.11.tar.gz", "alpha 1.11\n");
    f.sign();
    f.closer(&["build"]).ok();
    let run = sync_as_nobody(&[&daemon.url(), ms]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("cannot install into {ms}/alpha as nobody: it belongs to root")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&format!("chown -R nobody {ms}")) && !run.stderr.contains("mv: "), "{}", run.stderr);
    chown(m.join("alpha"), Some(65534), Some(65534)).unwrap();
    sync_as_nobody(&[&daemon.url(), ms]).ok();
    assert!(m.join("alpha/1.11/alpha-1.11.tar.gz").exists());
}

/// A published file replaced on the primary (the wrong tarball uploaded): a mirror that
/// synced before has the published bytes, one that syncs after cannot get them
/// (mirror-sync refuses the primary's) and still takes the new stamp. The probe asks
/// each mirror for such files, and one without them serves the project to nobody:
/// `closer status` counted it ("2 of 2 ... safe to announce") and pages sent visitors
/// to a 404.
#[test]
fn a_mirror_that_synced_after_a_published_file_changed_serves_none_of_its_project() {
    use crate::http::{Behaviour, Server};
    use crate::probe::{mirror, registry};
    let f = Fixture::new();
    let (_d1, m1) = dest();
    let (_d2, m2) = dest();
    let (s1, s2) = (Server::start(Behaviour::Files(m1.clone())), Server::start(Behaviour::Files(m2.clone())));
    let eu = mirror("eu", ("DE", "EU", 50.1, 8.7), 1000, &s1.url(), "");
    let us = mirror("us", ("US", "NA", 40.7, -74.0), 1000, &s2.url(), "");
    f.write("mirrors.yaml", &registry(&[eu, us]));
    f.closer(&["build"]).ok();
    let daemon = Daemon::serve(&f.path("dist"));
    mirror_sync(&[&daemon.url(), m1.to_str().unwrap()]).ok();
    f.write("dist/alpha/1.10/alpha-1.10.zip", "the wrong build\n");
    assert_eq!(f.closer(&["build"]).code, 1);
    let late = mirror_sync(&[&daemon.url(), m2.to_str().unwrap()]);
    assert_eq!(late.code, 4, "{}", late.stderr);
    assert!(!m2.join("alpha/1.10/alpha-1.10.zip").exists() && m1.join("alpha/1.10/alpha-1.10.zip").exists());
    f.closer(&["probe", "-q"]).ok();
    let state: serde_json::Value = serde_json::from_str(&f.read("probe.json")).unwrap();
    assert_eq!(state["mirrors"]["us"]["lacks"], serde_json::json!(["alpha/1.10/alpha-1.10.zip"]), "{state:#}");
    assert!(state["mirrors"]["eu"].get("lacks").is_none(), "{state:#}");
    assert_eq!(f.closer(&["build"]).code, 1);
    let status = f.closer(&["status", "alpha", "1.10"]);
    assert_eq!(status.code, 1, "{}", status.stdout);
    assert!(status.stdout.contains("1 of 2 mirrors serve it"), "{}", status.stdout);
    assert!(status.stdout.contains("lacks a file of it"), "{}", status.stdout);
    // The operator's overview names that release, the mirror and why, and nothing else.
    let all = f.closer(&["status"]);
    assert_eq!(all.code, 1, "{}", all.stdout);
    assert!(all.stdout.contains("alpha 1.10: 1 of 2 mirrors serve it"), "{}", all.stdout);
    assert!(all.stdout.contains("us ") && all.stdout.contains("lacks a file of it"), "{}", all.stdout);
    assert!(!all.stdout.contains("beta "), "{}", all.stdout);
    // The project's page data: the late mirror carries it from a stamp it never reaches.
    let doc: serde_json::Value = serde_json::from_str(&f.read("site/alpha/mirrors.json")).unwrap();
    let from = doc["fields"].as_array().unwrap().iter().position(|k| k == "from").unwrap();
    let of = |id: &str| doc["mirrors"].as_array().unwrap().iter().find(|m| m[0] == id).unwrap()[from].as_i64();
    assert_eq!(of("us"), Some(i64::MAX), "{doc}");
    assert!(of("eu").unwrap() < i64::MAX, "{doc}");
    // The published bytes put back: every mirror gets them, and serves again.
    f.write("dist/alpha/1.10/alpha-1.10.zip", &std::fs::read_to_string(m1.join("alpha/1.10/alpha-1.10.zip")).unwrap());
    f.closer(&["build"]).ok();
    mirror_sync(&[&daemon.url(), m2.to_str().unwrap()]).ok();
    f.closer(&["probe", "-q"]).ok();
    f.closer(&["build"]).ok();
    let status = f.closer(&["status", "alpha", "1.10"]);
    assert!(status.stdout.contains("2 of 2 mirrors serve it"), "{}", status.stdout);
    // A mirror that stops answering: down since the first probe that found it so.
    drop(s2);
    f.closer(&["probe", "-q"]).ok();
    f.closer(&["probe", "-q"]).ok();
    let all = f.closer(&["status"]);
    assert_eq!(all.code, 1, "{}", all.stdout);
    let line =
        all.stdout.lines().find(|l| l.trim_start().starts_with("us ")).unwrap_or_else(|| panic!("{}", all.stdout));
    assert!(line.contains("down since "), "{line}");
    f.closer(&["build"]).ok();
    assert!(f.read("site/mirrors/us.html").contains("down since "));
}

/// A hostile upstream serving the genuine lists retargets a listed link at a file of
/// the mirror's host: mirror-sync never makes a link that leaves its tree (a web server
/// that follows links served /etc/hostname under a release's name).
#[test]
fn a_link_that_leaves_the_tree_is_never_made() {
    let f = Fixture::new();
    std::os::unix::fs::symlink("alpha-1.10.zip", f.path("dist/alpha/1.10/alpha-copy.zip")).unwrap();
    f.closer(&["build"]).ok();
    let evil = tempfile::tempdir().unwrap();
    crate::util::copy_tree(&f.path("dist"), &evil.path().join("dist"));
    let link = evil.path().join("dist/alpha/1.10/alpha-copy.zip");
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", &link).unwrap();
    let (_d, m) = dest();
    let source = format!("{}/", evil.path().join("dist").display());
    mirror_sync(&[&source, m.to_str().unwrap()]);
    let made = std::fs::read_link(m.join("alpha/1.10/alpha-copy.zip"));
    assert!(made.as_ref().map_or(true, |t| !t.is_absolute()), "{made:?}");
    assert!(m.join("alpha/1.10/alpha-1.10.zip").is_file(), "the rest is synced");
}
