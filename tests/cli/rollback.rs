//! A hostile upstream against `tools/mirror-sync --keyring`, on real rsync daemons on
//! 127.0.0.1: rollback to an older validly signed state, a replayed old index, a freeze
//! (an expired index), mix-and-match (lists of one state, index of another), a forged
//! or altered index. Each is refused with exit 1 and the mirror left byte for byte as it
//! was. Also the index as the primary makes it (kept, re-signed when half through its
//! validity) and a site key rotation (two keys, either accepted).

use crate::gpg::Gpg;
use crate::mirror::{Daemon, dest, mirror_sync, mirrored};
use crate::util::{Fixture, copy_tree, snapshot};
use std::path::{Path, PathBuf};

const DAY: i64 = 86_400;

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A primary with a site key, and copies of its release tree at two states: A, then B
/// (one more release).
pub(crate) struct States {
    pub(crate) f: Fixture,
    pub(crate) g: Gpg,
    pub(crate) keyring: PathBuf,
    _dir: tempfile::TempDir,
    pub(crate) a: PathBuf,
    pub(crate) b: PathBuf,
}

pub(crate) fn states() -> States {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("Site <site@example.org>", "ed25519", "", None);
    f.write("site.sec.asc", &g.export_secret(&fpr, ""));
    let keyring = f.path("keyring.gpg");
    std::fs::write(&keyring, g.cmd(&["--export", &fpr]).stdout).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    f.closer(&["build", "--site-key", "site.sec.asc"]).ok();
    copy_tree(&f.path("dist"), &a);
    f.write("dist/alpha/1.11/alpha-1.11.tar.gz", "alpha 1.11 tarball\n");
    f.sign();
    f.closer(&["build", "--site-key", "site.sec.asc"]).ok();
    copy_tree(&f.path("dist"), &b);
    States { f, g, keyring, _dir: dir, a, b }
}

/// Makes `upstream` the tree `base` with the files `from` names taken from another tree.
pub(crate) fn serve_as(upstream: &Path, base: &Path, from: &[(&str, &Path)]) {
    copy_tree(base, upstream);
    for (rel, tree) in from {
        std::fs::copy(tree.join(rel), upstream.join(rel)).unwrap();
    }
}

impl States {
    pub(crate) fn sync(&self, url: &str, mirror: &Path, extra: &[&str]) -> crate::mirror::Sync {
        let mut args = vec!["--keyring", self.keyring.to_str().unwrap()];
        args.extend(extra);
        args.extend([url, mirror.to_str().unwrap()]);
        mirror_sync(&args)
    }

    /// A refused run: exit 1, `word` in the message, the mirror untouched.
    #[track_caller]
    fn refused(&self, url: &str, mirror: &Path, word: &str) {
        let before = mirrored(mirror);
        let run = self.sync(url, mirror, &[]);
        assert_eq!(run.code, 1, "{word}: not refused:\n{}", run.stderr);
        assert!(run.stderr.contains(word), "expected {word}:\n{}", run.stderr);
        // A mirror with a state keeps serving it; one that never synced is told so.
        let said = match before.contains_key("zzz/time.txt") {
            true => "still serves its previous state",
            false => "nothing was installed (this mirror has no state yet)",
        };
        assert!(run.stderr.contains(said), "{}", run.stderr);
        assert_eq!(mirrored(mirror), before, "{word}: the mirror changed");
    }
}

pub(crate) fn serial(tree: &Path) -> u64 {
    let text = std::fs::read_to_string(tree.join("zzz/index")).unwrap();
    text.lines().find_map(|l| l.strip_prefix("serial ")).unwrap().parse().unwrap()
}

#[test]
fn rollback_replay_and_forgery_are_refused() {
    let s = states();
    assert!(serial(&s.b) > serial(&s.a), "the serial goes up with the new state");
    let dir = tempfile::tempdir().unwrap();
    let evil = dir.path().join("evil");
    serve_as(&evil, &s.b, &[]);
    let daemon = Daemon::serve(&evil);
    let (_d, m) = dest();
    s.sync(&daemon.url(), &m, &[]).ok();
    assert!(m.join("alpha/1.11/alpha-1.11.tar.gz").exists());
    assert_eq!(std::fs::read(m.join("zzz/index")).unwrap(), std::fs::read(s.b.join("zzz/index")).unwrap());

    // Rollback: the upstream switches to last state, validly signed and not expired.
    serve_as(&evil, &s.a, &[]);
    s.refused(&daemon.url(), &m, "ROLLBACK?");
    s.refused(&daemon.url(), &m, "run once with --allow-rollback");
    // A replayed old index (and stamp) with the new lists.
    serve_as(&evil, &s.b, &[("zzz/index", &s.a), ("zzz/index.asc", &s.a), ("zzz/time.txt", &s.a)]);
    s.refused(&daemon.url(), &m, "ROLLBACK?");

    // Forged: a newer serial signed by a key the mirror does not trust.
    serve_as(&evil, &s.b, &[]);
    let text = std::fs::read_to_string(evil.join("zzz/index")).unwrap();
    let forged = text.replace(&format!("serial {}", serial(&s.b)), &format!("serial {}", serial(&s.b) + 10));
    std::fs::write(evil.join("zzz/index"), &forged).unwrap();
    let stranger = s.g.generate("Stranger <evil@example.org>", "ed25519", "", None);
    std::fs::remove_file(evil.join("zzz/index.asc")).unwrap();
    s.g.sign(&stranger, &evil.join("zzz/index"), None, &[]);
    s.refused(&daemon.url(), &m, "no key in");
    // Altered: the site's own signature over other content.
    std::fs::copy(s.b.join("zzz/index.asc"), evil.join("zzz/index.asc")).unwrap();
    s.refused(&daemon.url(), &m, "BAD");

    // An operator who restores an older state on purpose says so, and is told loudly.
    serve_as(&evil, &s.a, &[]);
    let run = s.sync(&daemon.url(), &m, &["--allow-rollback"]).ok();
    assert!(run.stderr.contains("WARNING: --allow-rollback"), "{}", run.stderr);
    assert!(!m.join("alpha/1.11").exists(), "the older state is installed");
    assert_eq!(std::fs::read(m.join("zzz/index")).unwrap(), std::fs::read(s.a.join("zzz/index")).unwrap());
}

#[test]
fn mix_and_match_and_freeze_are_refused() {
    let s = states();
    let dir = tempfile::tempdir().unwrap();
    let evil = dir.path().join("evil");
    serve_as(&evil, &s.a, &[]);
    let daemon = Daemon::serve(&evil);
    let (_d, m) = dest();
    s.sync(&daemon.url(), &m, &[]).ok();

    // The new index and stamp with the old list: the list is not the one the index names.
    serve_as(&evil, &s.a, &[("zzz/index", &s.b), ("zzz/index.asc", &s.b), ("zzz/time.txt", &s.b)]);
    s.refused(&daemon.url(), &m, "MIX-AND-MATCH?");
    // The new index with the old stamp.
    serve_as(&evil, &s.b, &[("zzz/time.txt", &s.a)]);
    s.refused(&daemon.url(), &m, "MIX-AND-MATCH?");

    // Freeze: a state whose index expired a day ago (made eight days ago, valid seven).
    s.f.write("dist/alpha/1.12/alpha-1.12.tar.gz", "alpha 1.12 tarball\n");
    s.f.sign();
    let then = (now() - 8 * DAY).to_string();
    s.f.closer_env(&["build", "--site-key", "site.sec.asc"], &[("SOURCE_DATE_EPOCH", &then)]).ok();
    assert!(serial(&s.f.path("dist")) > serial(&s.b));
    serve_as(&evil, &s.f.path("dist"), &[]);
    s.refused(&daemon.url(), &m, "FREEZE?");
    // A mirror that never synced refuses it as well: nothing is installed.
    let (_d2, fresh) = dest();
    s.refused(&daemon.url(), &fresh, "FREEZE?");

    // The genuine new state goes through.
    serve_as(&evil, &s.b, &[]);
    s.sync(&daemon.url(), &m, &[]).ok();
    assert!(m.join("alpha/1.11/alpha-1.11.tar.gz").exists());
}

#[test]
fn the_index_is_kept_until_half_its_validity_then_signed_anew() {
    let s = states();
    let tree = s.f.path("dist");
    let index = || s.f.read_bytes("dist/zzz/index");
    let first = index();
    let site = snapshot(&s.f.path("site"));
    s.f.closer(&["build", "--site-key", "site.sec.asc"]).ok();
    assert_eq!(index(), first, "a rebuild with nothing changed keeps the index byte for byte");
    assert_eq!(snapshot(&s.f.path("site")), site);
    let text = String::from_utf8(first.clone()).unwrap();
    let field = |t: &str, k: &str| -> i64 {
        t.lines().find_map(|l| l.strip_prefix(&format!("{k} "))).unwrap().split(' ').next().unwrap().parse().unwrap()
    };
    assert_eq!(field(&text, "expires") - field(&text, "made"), 7 * DAY, "valid for 7 days by default");
    let stamp = s.f.read("dist/zzz/time.txt");
    assert_eq!(format!("{} dist.example.org\n", field(&text, "stamp")), stamp);
    // The SHA-512 of every list, as sha512sum computes it.
    for line in text.lines().filter(|l| l.starts_with("list ")) {
        let mut w = line.split(' ').skip(1);
        let (sha, rel) = (w.next().unwrap(), w.next().unwrap());
        assert_eq!(crate::util::sha512_hex(&std::fs::read(tree.join(rel)).unwrap()), sha, "{rel}");
    }
    assert!(text.contains(" zzz/lists/fullfiletimelist-archive\n") && text.contains(" fullfiletimelist-dist\n"));

    // Four days later a cron'd build signs it anew: serial up, new expiry, same stamp.
    let later = (field(&text, "made") + 4 * DAY).to_string();
    let run = s.f.closer_env(&["build", "--site-key", "site.sec.asc"], &[("SOURCE_DATE_EPOCH", &later)]);
    run.ok();
    let renewed = String::from_utf8(index()).unwrap();
    assert!(field(&renewed, "serial") > field(&text, "serial"));
    assert_eq!(field(&renewed, "expires"), later.parse::<i64>().unwrap() + 7 * DAY);
    assert_eq!(s.f.read("dist/zzz/time.txt"), stamp, "nothing else changed");
    let (ok, out) =
        s.g.verify(&[tree.join("zzz/index.asc").to_str().unwrap(), tree.join("zzz/index").to_str().unwrap()]);
    assert!(ok, "{out}");
    // policy.valid_for sets the validity.
    let reg = s.f.read("mirrors.yaml").replace("policy:\n", "policy:\n  valid_for: 2d\n");
    s.f.write("mirrors.yaml", &reg);
    s.f.closer(&["build", "--site-key", "site.sec.asc"]).ok();
    let short = String::from_utf8(index()).unwrap();
    assert_eq!(field(&short, "expires") - field(&short, "made"), 2 * DAY);
}

#[test]
fn a_rotated_site_key_signs_with_both_and_either_is_accepted() {
    let f = Fixture::new();
    let g = Gpg::new();
    let old = g.generate("Site 2025 <site@example.org>", "ed25519", "", None);
    let new = g.generate("Site 2026 <site@example.org>", "ed25519", "", None);
    f.write("site.sec.asc", &(g.export_secret(&old, "") + &g.export_secret(&new, "")));
    f.closer(&["build", "--site-key", "site.sec.asc"]).ok();
    let text = f.read("dist/zzz/index");
    assert!(text.contains(&format!("key {old}\n")) && text.contains(&format!("key {new}\n")), "{text}");
    // The published site key holds both.
    let check = Gpg::new();
    check.import(&f.read("site/site-key.asc"));
    assert!(!check.ok(&["--with-colons", "--list-keys", &old]).is_empty());
    assert!(!check.ok(&["--with-colons", "--list-keys", &new]).is_empty());

    let daemon = Daemon::serve(&f.path("dist"));
    let mut mirrors = Vec::new();
    for fpr in [&old, &new] {
        let keyring = f.path(&format!("{fpr}.gpg"));
        std::fs::write(&keyring, g.cmd(&["--export", fpr]).stdout).unwrap();
        let (d, m) = dest();
        mirror_sync(&["--carry-lists", "--keyring", keyring.to_str().unwrap(), &daemon.url(), m.to_str().unwrap()])
            .ok();
        mirrors.push((d, m, keyring));
    }
    assert_eq!(mirrored(&mirrors[0].1), mirrored(&mirrors[1].1));
    // A tier 2 passes the index on unchanged.
    let tier1 = Daemon::serve(&mirrors[0].1);
    let (_d, t2) = dest();
    mirror_sync(&["--keyring", mirrors[1].2.to_str().unwrap(), &tier1.url(), t2.to_str().unwrap()]).ok();
    for rel in ["zzz/index", "zzz/index.asc", "zzz/time.txt"] {
        assert_eq!(std::fs::read(t2.join(rel)).unwrap(), f.read_bytes(&format!("dist/{rel}")), "{rel}");
    }
}
