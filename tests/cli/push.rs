//! Push, as Debian's ftpsync does it, on a real sshd on 127.0.0.1 (its own host key and
//! config, a free port): `closer push` triggers the tier-1 mirror through a forced
//! command (`mirror-sync --detach`), which syncs from the primary and then triggers its
//! own downstream mirror (`--then-push`), which syncs from it. A trigger that fails is
//! reported and blocks nothing; a push that arrives during a sync makes it sync again.

use crate::mirror::{Daemon, dest, mirror_sync};
use crate::util::{Fixture, repo};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn keygen(path: &Path) -> String {
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "closer-test", "-f"])
        .arg(path)
        .status()
        .expect("ssh-keygen is needed for the push test (scripts/test installs openssh-client)");
    assert!(ok.success());
    std::fs::read_to_string(path.with_extension("pub")).unwrap().trim().to_string()
}

/// sshd on 127.0.0.1 with `authorized_keys` as given.
struct Sshd {
    child: Child,
    port: u16,
    known_hosts: PathBuf,
}

impl Sshd {
    fn start(dir: &Path, authorized_keys: &str) -> Sshd {
        std::fs::create_dir_all("/run/sshd").unwrap();
        let host_pub = keygen(&dir.join("host_key"));
        std::fs::write(dir.join("authorized_keys"), authorized_keys).unwrap();
        let port = crate::http::closed_port();
        let config = format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\nPidFile {}\nStrictModes no\n\
             UsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin forced-commands-only\n",
            dir.join("host_key").display(),
            dir.join("authorized_keys").display(),
            dir.join("sshd.pid").display()
        );
        std::fs::write(dir.join("sshd_config"), config).unwrap();
        let child = Command::new("/usr/sbin/sshd")
            .args(["-D", "-e", "-f"])
            .arg(dir.join("sshd_config"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("sshd.log")).unwrap())
            .spawn()
            .expect("sshd is needed for the push test (scripts/test installs openssh-server)");
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "sshd did not start: {}",
                dir.join("sshd.log").display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let known_hosts = dir.join("known_hosts"); // (the test may name it before sshd starts)
        std::fs::write(&known_hosts, format!("[127.0.0.1]:{port} {host_pub}\n")).unwrap();
        Sshd { child, port, known_hosts }
    }

    fn address(&self) -> String {
        format!("ssh://root@127.0.0.1:{}", self.port)
    }

    /// The ssh command a client uses: this server's host key, nothing else trusted.
    fn ssh(&self, key: &Path) -> String {
        format!("ssh -o UserKnownHostsFile={} -i {} -o IdentitiesOnly=yes", self.known_hosts.display(), key.display())
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn stamp(mirror: &Path) -> String {
    std::fs::read_to_string(mirror.join("zzz/time.txt")).unwrap_or_default()
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Tier 1 (`m1`) and then tier 2 (`m2`) reach stamp `new`, files before stamps, and
/// tier 1's push log says it pushed to `pushed` after its sync and that `dead` failed.
fn tiers_synced_in_order(m1: &Path, m2: &Path, new: &str, pushed: &str, dead: &str) {
    let log1 = crate::mirror::state(m1).join("push.log");
    wait_for("tier 1 to sync", || stamp(m1) == new);
    wait_for("tier 2 to sync", || stamp(m2) == new);
    let t1 = std::fs::metadata(m1.join("zzz/time.txt")).unwrap().modified().unwrap();
    let t2 = std::fs::metadata(m2.join("zzz/time.txt")).unwrap().modified().unwrap();
    assert!(t1 <= t2, "tier 1 installed its stamp before tier 2");
    assert!(m2.join("alpha/1.11/alpha-1.11.tar.gz").exists(), "the files arrived with the stamp");
    wait_for("tier 1's push report", || std::fs::read_to_string(&log1).unwrap_or_default().contains(dead));
    let log = std::fs::read_to_string(&log1).unwrap();
    assert!(log.contains(&format!("pushed to {pushed}")), "{log}");
    assert!(log.contains(&format!("push to {dead} FAILED")), "{log}");
    let synced = log.find("synced to stamp").unwrap();
    assert!(synced < log.find("pushed to").unwrap(), "the stamp before the push: {log}");
}

#[test]
fn push_reaches_tier_1_then_tier_2_and_a_failed_trigger_blocks_nothing() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let primary = Daemon::serve(&f.path("dist"));
    let (_d1, m1) = dest();
    let (_d2, m2) = dest();
    mirror_sync(&["--carry-lists", &primary.url(), m1.to_str().unwrap()]).ok();
    let tier1 = Daemon::serve(&m1);
    mirror_sync(&["--list", "as-two", &tier1.url(), m2.to_str().unwrap()]).ok();

    // Two keys: the primary's (starts tier 1's sync), tier 1's (starts tier 2's).
    let dir = tempfile::tempdir().unwrap();
    let (k1, k2) = (dir.path().join("primary_key"), dir.path().join("tier1_key"));
    let (p1, p2) = (keygen(&k1), keygen(&k2));
    let script = repo().join("tools/mirror-sync");
    let push_list = dir.path().join("downstream");
    let dead = format!("ssh://root@127.0.0.1:{}", crate::http::closed_port());
    let sshd_dir = dir.path().join("sshd");
    std::fs::create_dir(&sshd_dir).unwrap();
    // Tier 1 reaches tier 2 with its own key, trusting only this sshd's host key.
    let known = sshd_dir.join("known_hosts");
    let tier1_ssh = format!("ssh -o UserKnownHostsFile={} -i {} -o IdentitiesOnly=yes", known.display(), k2.display());
    // The address is known once sshd runs; the list is read only when tier 1 syncs.
    let keys = format!(
        "command=\"MIRROR_SYNC_SSH='{tier1_ssh}' dash {s} --detach --carry-lists --then-push {l} {src} {m1}\",restrict {p1}\n\
         command=\"dash {s} --detach --list as-two {t1} {m2}\",restrict {p2}\n",
        s = script.display(),
        l = push_list.display(),
        src = primary.url(),
        m1 = m1.display(),
        t1 = tier1.url(),
        m2 = m2.display(),
    );
    let sshd = Sshd::start(&sshd_dir, &keys);
    std::fs::write(&push_list, format!("# tier 2 mirrors of eu-one\n{}\n{dead}\n", sshd.address())).unwrap();

    // A new release, built; eu-one is pushed (as-two is tier 2: its upstream pushes it).
    f.write("dist/alpha/1.11/alpha-1.11.tar.gz", "alpha 1.11 tarball\n");
    f.sign();
    f.closer(&["build"]).ok();
    let new = f.read("dist/zzz/time.txt");
    let reg = f
        .read("mirrors.yaml")
        .replace("    upstream: eu-one\n", "    upstream: eu-one\n    push: ssh://root@127.0.0.1:1\n");
    let reg =
        reg.replacen("    bandwidth: 10000\n", &format!("    bandwidth: 10000\n    push: {}\n", sshd.address()), 1);
    f.write("mirrors.yaml", &reg);
    // The mirror's page gives its operator the forced command.
    f.closer(&["build"]).ok();
    let page = f.read("site/mirrors/eu-one.html");
    assert!(
        page.contains("command=&quot;/usr/local/bin/mirror-sync --detach --then-push /etc/closer/downstream --carry-lists rsync://dist.example.org/dist/ /srv/mirror/eu-one/&quot;,restrict"),
        "{page}"
    );
    let env_ssh = sshd.ssh(&k1);
    let run = f.closer_env(&["push"], &[("CLOSER_SSH", &env_ssh)]);
    run.ok();
    assert!(run.stderr.contains("eu-one: triggered"), "{}", run.stderr);
    assert!(!run.stderr.contains("as-two"), "only tier-1 mirrors are pushed: {}", run.stderr);

    // The trigger returned at once; tier 1 syncs, then tier 2.
    tiers_synced_in_order(&m1, &m2, &new, &sshd.address(), &dead);

    // closer push to a mirror that does not answer: reported, exit 1, the others done.
    let both = f.read("mirrors.yaml").replace("    upstream: eu-one\n    push:", "    push:");
    let both = both.replace("    include: [\"alpha\"]\n", "    include: [\"alpha\"]\n    upstream: primary\n");
    f.write("mirrors.yaml", &both);
    let run = f.closer_env(&["push", "--timeout", "5"], &[("CLOSER_SSH", &env_ssh)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("eu-one: triggered") && run.stderr.contains("as-two: FAILED"), "{}", run.stderr);
}

#[test]
fn a_push_during_a_sync_makes_it_sync_again() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let primary = Daemon::serve(&f.path("dist"));
    let (_d, m) = dest();
    let ms = m.to_str().unwrap();
    mirror_sync(&[&primary.url(), ms]).ok();
    // Another run holds the lock (a live process).
    let mut holder = Command::new("sleep").arg("30").spawn().unwrap();
    std::fs::create_dir_all(crate::mirror::state(&m).join("lock")).unwrap();
    std::fs::write(crate::mirror::state(&m).join("lock/pid"), holder.id().to_string()).unwrap();
    let out = Command::new("dash")
        .arg(repo().join("tools/mirror-sync"))
        .args(["-v", &primary.url(), ms])
        .env("MIRROR_SYNC_TRIGGERED", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.contains("will sync once more"), "{err}");
    assert!(crate::mirror::state(&m).join("again").exists());
    let _ = holder.kill();
    let _ = holder.wait();
    std::fs::remove_dir_all(crate::mirror::state(&m).join("lock")).unwrap();
    // The run that held the lock finishes (here: the next one) and syncs once more.
    let run = mirror_sync(&[&primary.url(), ms]).ok();
    assert!(run.stderr.contains("a push arrived during this run: syncing again"), "{}", run.stderr);
    assert_eq!(run.stderr.matches("up to date").count(), 2, "{}", run.stderr);
    assert!(!crate::mirror::state(&m).join("again").exists());
}
