//! OpenPGP verdicts as the downloader's gpg gives them (the thirty-third trial): wherever
//! closer called a signature good that `gpg --verify` calls BAD, or refused one gpg calls
//! good, the page's lines and closer disagreed. Each test asks real gpg too.

use crate::gpg::Gpg;
use crate::util::Fixture;

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// `closer check` with the fast path (hash states) and with sequoia's streaming verifier:
/// both must say the same.
fn both_ways(f: &Fixture, check: impl Fn(&crate::util::Run)) {
    for (cache, env) in [(".cache-fast", None), (".cache-stream", Some(("CLOSER_VERIFY_STREAM", "1")))] {
        let env: Vec<(&str, &str)> = env.into_iter().collect();
        check(&f.closer_env(&["check", "--cache", cache], &env));
    }
}

/// A downloader's gpg with the project's KEYS imported: does `gpg --verify` pass?
fn downloader_verifies(f: &Fixture, keys: &str, asc: &str, file: &str) -> bool {
    let d = Gpg::new();
    d.import(&f.read(keys));
    d.verify(&[f.path(asc).to_str().unwrap(), f.path(file).to_str().unwrap()]).0
}

/// Two release managers' signatures in one `.asc`, one over other bytes: gpg reports
/// BAD and exits 1, and closer called the file good by the other signature.
#[test]
fn one_bad_signature_among_several_is_bad() {
    let f = Fixture::new();
    let g = Gpg::new();
    let alice = g.generate("Alice <alice@example.org>", "ed25519", "", None);
    let bob = g.generate("Bob <bob@example.org>", "ed25519", "", None);
    f.write("dist/proj/KEYS", &(g.export_public(&alice) + &g.export_public(&bob)));
    let (rel, asc) = ("dist/proj/1.0/proj-1.0.tar.gz", "dist/proj/1.0/proj-1.0.tar.gz.asc");
    f.write(rel, "an earlier build\n");
    g.sign(&bob, &f.path(rel), None, &[]);
    let bobs = f.read(asc);
    f.write(rel, "the release\n");
    g.sign(&alice, &f.path(rel), None, &[]);
    f.write(asc, &(bobs + &f.read(asc)));
    assert!(!downloader_verifies(&f, "dist/proj/KEYS", asc, rel));
    both_ways(&f, |run| {
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains(&format!("one of its 2 signatures, by {bob}")), "{}", run.stderr);
    });
}

/// `gpg -u A -u B --detach-sign` writes both signatures in one armoured block; with B's
/// key not in KEYS (Bitcoin Core's builders) closer is content with A's, and the page's
/// line must be too: plain `gpg --verify` exits 2 for B's.
#[test]
fn a_cosigner_in_one_block_gets_the_line_that_passes_with_one_key() {
    let f = Fixture::new();
    let g = Gpg::new();
    let alice = g.generate("Alice <alice@example.org>", "ed25519", "", None);
    let bob = g.generate("Bob <bob@example.org>", "ed25519", "", None);
    f.write("dist/proj/KEYS", &g.export_public(&alice));
    let rel = "dist/proj/1.0/proj-1.0.tar.gz";
    f.write(rel, "the release\n");
    let asc = format!("{}.asc", f.path(rel).display());
    g.ok(&["-u", &alice, "-u", &bob, "--armor", "--detach-sign", "-o", &asc, f.path(rel).to_str().unwrap()]);
    f.closer(&["build"]).ok();
    let page = f.read("site/proj/1.0/index.html");
    assert!(page.contains("gpg --status-fd 1 --verify proj-1.0.tar.gz.asc proj-1.0.tar.gz"), "{page}");
}

/// A signature carrying a notation marked critical (`--sig-notation '!name=value'`): gpg
/// does not know it and reports BAD; closer called it good.
#[test]
fn a_critical_notation_is_refused_as_gpg_refuses_it() {
    let f = Fixture::new();
    let g = Gpg::new();
    let alice = g.generate("Alice <alice@example.org>", "ed25519", "", None);
    f.write("dist/proj/KEYS", &g.export_public(&alice));
    let rel = "dist/proj/1.0/proj-1.0.tar.gz";
    f.write(rel, "the release\n");
    g.sign(&alice, &f.path(rel), None, &["--sig-notation", "!release-policy@example.org=reviewed"]);
    assert!(!downloader_verifies(&f, "dist/proj/KEYS", &format!("{rel}.asc"), rel));
    both_ways(&f, |run| {
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains("notation `release-policy@example.org` marked critical"), "{}", run.stderr);
        assert!(run.stderr.contains("sign again"), "{}", run.stderr);
    });
    // Not critical: good, to both.
    g.sign(&alice, &f.path(rel), None, &["--sig-notation", "release-policy@example.org=reviewed"]);
    assert!(downloader_verifies(&f, "dist/proj/KEYS", &format!("{rel}.asc"), rel));
    both_ways(&f, |run| assert_eq!(run.code, 0, "{}", run.stderr));
}

/// A signature from a machine whose clock runs ten minutes fast is good, to gpg and to
/// closer (it was "altered: upload both again"); three hours fast is said to be the clock.
#[test]
fn a_signature_a_few_minutes_ahead_is_good_and_hours_ahead_blames_the_clock() {
    let f = Fixture::new();
    let g = Gpg::new();
    let alice = g.generate("Alice <alice@example.org>", "ed25519", "", Some(now() - 86_400));
    f.write("dist/proj/KEYS", &g.export_public(&alice));
    let rel = "dist/proj/1.0/proj-1.0.tar.gz";
    f.write(rel, "the release\n");
    g.sign(&alice, &f.path(rel), Some(now() + 600), &[]);
    assert!(downloader_verifies(&f, "dist/proj/KEYS", &format!("{rel}.asc"), rel));
    both_ways(&f, |run| assert_eq!(run.code, 0, "{}", run.stderr));
    g.sign(&alice, &f.path(rel), Some(now() + 3 * 3600), &[]);
    both_ways(&f, |run| {
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains("the clock of the machine that signed runs ahead"), "{}", run.stderr);
        assert!(!run.stderr.contains("altered"), "{}", run.stderr);
    });
}

/// A project's archive signed in 2010 and 2012 with gpg's default key of the time (DSA
/// 1024, SHA-1) held the whole project back, its current releases too; gpg calls them
/// good. Judged when they were made, they are; the same key signing today is weak.
#[test]
fn weakness_is_judged_when_the_signature_was_made() {
    let f = Fixture::new();
    let g = Gpg::new();
    let y2008 = 1_204_372_800;
    let old = g.generate("Old RM <old@example.org>", "dsa1024", "", Some(y2008));
    let new = g.generate("New RM <new@example.org>", "ed25519", "", None);
    f.write("dist/proj/KEYS", &(g.export_public(&old) + &g.export_public(&new)));
    for (v, key, at) in [("0.9", &old, Some(1_270_123_200)), ("1.0", &old, Some(1_333_281_600)), ("2.0", &new, None)] {
        let rel = format!("dist/proj/{v}/proj-{v}.tar.gz");
        f.write(&rel, &format!("proj {v}\n"));
        g.sign(key, &f.path(&rel), at, &["--digest-algo", "SHA1"]);
    }
    // (2.0 is signed with SHA-1 today: weak.)
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("proj-2.0.tar.gz.asc") && run.stderr.contains("SHA-1"), "{}", run.stderr);
    assert!(!run.stderr.contains("proj-0.9") && !run.stderr.contains("proj-1.0"), "{}", run.stderr);
    let rel = "dist/proj/2.0/proj-2.0.tar.gz";
    g.sign(&new, &f.path(rel), None, &[]);
    f.closer(&["build"]).ok();
    // The old key signing today is weak, by its key first (signing again with it cannot help).
    g.sign(&old, &f.path(rel), None, &[]);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("made with a 1024-bit DSA key"), "{}", run.stderr);
}

/// An offline primary key with a signing subkey that expired: the message named the
/// primary, which never expires, and so a fix that changes nothing.
#[test]
fn an_expired_signing_subkey_is_named() {
    let f = Fixture::new();
    let g = Gpg::new();
    let y2015 = 1_425_211_200;
    let at = format!("{y2015}!");
    g.ok(&[
        "--passphrase",
        "",
        "--faked-system-time",
        &at,
        "--quick-generate-key",
        "RM <rm@example.org>",
        "ed25519",
        "cert",
        "0",
    ]);
    let primary = g.fingerprint("rm@example.org");
    g.ok(&["--passphrase", "", "--faked-system-time", &at, "--quick-add-key", &primary, "ed25519", "sign", "0"]);
    let colons = g.ok(&["--with-colons", "--list-keys", &primary]);
    let sub =
        colons.lines().filter_map(|l| l.strip_prefix("fpr:::::::::")).nth(1).unwrap().trim_end_matches(':').to_string();
    let rel = "dist/proj/1.0/proj-1.0.tar.gz";
    f.write(rel, "the release\n");
    g.sign(&primary, &f.path(rel), Some(1_614_600_000), &[]);
    g.ok(&[
        "--passphrase",
        "",
        "--faked-system-time",
        "1456833600!",
        "--quick-set-expire",
        &primary,
        "2020-01-01",
        &sub,
    ]);
    f.write("dist/proj/KEYS", &g.export_public(&primary));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("its signing subkey {sub} expired on 2020-01-01")), "{}", run.stderr);
    assert!(run.stderr.contains(&format!("gpg --quick-set-expire {primary} 2y {sub}")), "{}", run.stderr);
}

/// A key on a brainpool curve (BSI's recommendation; gpg verifies it): the pure-Rust
/// backend cannot check it, and closer said the key "had expired when it signed" with a
/// fix that changed nothing. Either it is checked (the OpenSSL backend) or said so.
#[test]
fn a_key_this_build_cannot_check_is_said_so_not_expired() {
    let f = Fixture::new();
    let g = Gpg::new();
    let erika = g.generate("Erika <erika@example.de>", "brainpoolP256r1", "", None);
    f.write("dist/proj/KEYS", &g.export_public(&erika));
    let rel = "dist/proj/1.0/proj-1.0.tar.gz";
    f.write(rel, "the release\n");
    g.sign(&erika, &f.path(rel), None, &[]);
    assert!(downloader_verifies(&f, "dist/proj/KEYS", &format!("{rel}.asc"), rel));
    both_ways(&f, |run| {
        assert!(!run.stderr.contains("expired"), "{}", run.stderr);
        let said =
            run.stderr.contains("on the curve brainpoolP256r1, which this closer's OpenPGP backend cannot check")
                && run.stderr.contains("--features crypto-openssl");
        assert!(run.code == 0 || said, "{}", run.stderr);
    });
}

/// cairo's 2018 release, signed over a SHA-1 list, held back cairo 1.18 and pixman though
/// `keep` had archived it: a weak signature on an archived release is a warning (history
/// is not signed again); on a current one it still holds the project.
#[test]
fn a_weak_signature_on_an_archived_release_is_said_not_held() {
    let f = Fixture::new();
    let g = Gpg::new();
    let rm = g.generate("RM <rm@example.org>", "ed25519", "", None);
    f.write("dist/proj/KEYS", &g.export_public(&rm));
    f.write("content/proj.md", "---\nkeep: 1\n---\n");
    for (v, extra) in [("1.0", &["--digest-algo", "SHA1"][..]), ("2.0", &[][..])] {
        let rel = format!("dist/proj/{v}/proj-{v}.tar.gz");
        f.write(&rel, v);
        g.sign(&rm, &f.path(&rel), None, extra);
    }
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("proj-1.0.tar.gz.asc by key"), "{}", run.stderr);
    assert!(run.stderr.contains("(an archived release: not held;"), "{}", run.stderr);
    // Current (keep: 2), it holds the project as before.
    f.write("content/proj.md", "---\nkeep: 2\n---\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("SHA-1"), "{}", run.stderr);
}
