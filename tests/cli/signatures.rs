//! Signatures against the real gpg: what closer signs, gpg verifies; what gpg signs,
//! closer verifies; and every way a signature can be wrong is its own outcome.

use crate::gpg::Gpg;
use crate::util::{DEMO_KEY, Fixture, repo};

const DAY: i64 = 86_400;

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// The demo key, imported into a fresh gpg that trusts nothing else.
fn gpg_with_demo_key() -> Gpg {
    let g = Gpg::new();
    g.import(&std::fs::read_to_string(repo().join("dist/hello/KEYS")).unwrap());
    g
}

#[test]
fn closer_signatures_verify_with_gpg() {
    let f = Fixture::new();
    let g = gpg_with_demo_key();
    for rel in ["dist/alpha/1.10/alpha-1.10.tar.gz", "dist/beta/0.1/beta-0.1.tar.gz"] {
        let asc = f.path(&format!("{rel}.asc"));
        let text = std::fs::read_to_string(&asc).unwrap();
        assert!(text.starts_with("-----BEGIN PGP SIGNATURE-----"), "{text}");
        let (ok, err) = g.verify(&[asc.to_str().unwrap(), f.path(rel).to_str().unwrap()]);
        assert!(ok, "gpg rejects closer's signature of {rel}:\n{err}");
        assert!(err.contains("Good signature"), "{err}");
    }
    // A tampered file fails with gpg too: the check above is not vacuous.
    f.write("dist/beta/0.1/beta-0.1.tar.gz", "tampered\n");
    let (ok, _) = g.verify(&[
        f.path("dist/beta/0.1/beta-0.1.tar.gz.asc").to_str().unwrap(),
        f.path("dist/beta/0.1/beta-0.1.tar.gz").to_str().unwrap(),
    ]);
    assert!(!ok);
}

#[test]
fn gpg_signatures_verify_in_closer() {
    let f = Fixture::new();
    let g = Gpg::new();
    let ed = g.generate("Ed Signer <ed@example.org>", "ed25519", "", None);
    let rsa = g.generate("Rsa Signer <rsa@example.org>", "rsa3072", "", None);
    let keys = format!(
        "Release managers of gamma\n\npub ed25519 ...\n{}\nsome text between keys\n{}",
        g.export_public(&ed),
        g.export_public(&rsa)
    );
    f.write("dist/gamma/KEYS", &keys);
    f.write("dist/gamma/1.0/gamma-1.0.tar.gz", "gamma by ed\n");
    f.write("dist/gamma/1.0/gamma-1.0.zip", "gamma by rsa\n");
    g.sign(&ed, &f.path("dist/gamma/1.0/gamma-1.0.tar.gz"), None, &[]);
    g.sign(&rsa, &f.path("dist/gamma/1.0/gamma-1.0.zip"), None, &[]);
    let run = f.closer(&["build", "--stats"]);
    run.ok();
    let page = f.read("site/gamma/index.html");
    assert!(page.contains("Signed by Ed Signer &lt;ed@example.org&gt;"), "{page}");
    assert!(page.contains("Signed by Rsa Signer &lt;rsa@example.org&gt;"), "{page}");
    let spaced = |fpr: &str| closer::util::text::spaced_fingerprint(fpr);
    assert!(page.contains(&spaced(&ed)) && page.contains(&spaced(&rsa)));
    assert!(page.contains(r#"href="KEYS""#));
    // A second build checks nothing again.
    let again = f.closer(&["build", "--stats"]);
    again.ok();
    assert_eq!(again.stat("signatures_checked"), "0");
}

#[test]
fn passphrase_protected_gpg_key_signs_in_closer() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("Guarded <guarded@example.org>", "ed25519", "s3cret pass", None);
    f.write("key.sec.asc", &g.export_secret(&fpr, "s3cret pass"));
    f.write("dist/delta/KEYS", &g.export_public(&fpr));
    f.write("dist/delta/2.0/delta-2.0.tar.gz", "delta\n");

    // Wrong passphrase: a clear error, nothing written.
    let run = f.closer_env(&["sign", "--key", "key.sec.asc", "--passphrase-env", "PW"], &[("PW", "wrong")]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("wrong passphrase"), "{}", run.stderr);
    assert!(!f.path("dist/delta/2.0/delta-2.0.tar.gz.asc").exists());
    // No passphrase given and no terminal: says how to give one.
    let run = f.closer(&["sign", "--key", "key.sec.asc"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--passphrase-file"), "{}", run.stderr);

    f.write("pw.txt", "s3cret pass\n");
    let run = f.closer(&["sign", "--key", "key.sec.asc", "--passphrase-file", "pw.txt", "dist/delta"]);
    run.ok();
    assert!(run.stderr.contains("signed 1 artifact"), "{}", run.stderr);
    let (ok, err) = g.verify(&[
        f.path("dist/delta/2.0/delta-2.0.tar.gz.asc").to_str().unwrap(),
        f.path("dist/delta/2.0/delta-2.0.tar.gz").to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    f.closer(&["build"]).ok();
}

#[test]
fn sign_refuses_keys_not_in_keys_public_keys_and_never_overwrites() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("Stranger <stranger@example.org>", "ed25519", "", None);
    f.write("stranger.sec.asc", &g.export_secret(&fpr, ""));
    f.write("stranger.pub.asc", &g.export_public(&fpr));
    f.write("dist/alpha/1.10/extra.tar.gz", "extra\n");

    let run = f.closer(&["sign", "--key", "stranger.sec.asc"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("gpg --armor --export {fpr} >> ")), "{}", run.stderr);
    assert!(run.stderr.contains("dist/alpha/KEYS"), "{}", run.stderr);
    assert!(!f.path("dist/alpha/1.10/extra.tar.gz.asc").exists());

    // On a shared primary: the key is in alpha's KEYS, and another project has an
    // unsigned upload too. Signing the whole tree names the releases to sign, not how to
    // put the key into the other project's KEYS.
    std::fs::OpenOptions::new()
        .append(true)
        .open(f.path("dist/alpha/KEYS"))
        .and_then(|mut k| std::io::Write::write_all(&mut k, g.export_public(&fpr).as_bytes()))
        .unwrap();
    f.write("dist/beta/0.1/beta-extra.tar.gz", "someone else's\n");
    let run = f.closer(&["sign", "--key", "stranger.sec.asc"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("but not of beta, which have unsigned files too"), "{}", run.stderr);
    assert!(run.stderr.contains("sign your own releases: closer sign --key YOUR-SECRET-KEY.asc "), "{}", run.stderr);
    assert!(!run.stderr.contains("dist/beta/KEYS"), "{}", run.stderr);
    let run = f.closer(&["sign", "--key", "stranger.sec.asc", "dist/alpha"]);
    run.ok();
    assert!(f.path("dist/alpha/1.10/extra.tar.gz.asc").exists());
    std::fs::remove_file(f.path("dist/alpha/1.10/extra.tar.gz.asc")).unwrap();
    std::fs::remove_file(f.path("dist/beta/0.1/beta-extra.tar.gz")).unwrap();

    let run = f.closer(&["sign", "--key", "stranger.pub.asc"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("only the public key"), "{}", run.stderr);

    // An existing signature is never replaced, even by a valid signer.
    let before = f.read("dist/alpha/1.10/alpha-1.10.zip.asc");
    let run = f.closer(&["sign", "--key", repo().join(DEMO_KEY).to_str().unwrap()]);
    run.ok();
    assert!(run.stderr.contains("signed 1 artifact"), "{}", run.stderr);
    assert_eq!(before, f.read("dist/alpha/1.10/alpha-1.10.zip.asc"));
}

/// A release manager who signs with minisign, signify or SSH gives `closer sign` that
/// key: told what it is and how its own tool signs. The fix once said `gpg
/// --export-secret-keys ... > KEY`, which the shell ran by emptying the key given.
#[test]
fn sign_names_another_tools_key_and_never_writes_over_it() {
    let f = Fixture::new();
    let (minisign_key, _) = crate::util::minisign_keypair(f.dir.path(), "zig");
    let run_in = |cmd: &str, args: &[&str]| {
        let out = std::process::Command::new(cmd).args(args).current_dir(f.dir.path()).output().unwrap();
        assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
    };
    run_in("signify-openbsd", &["-G", "-n", "-p", "obsd.pub", "-s", "obsd.sec"]);
    run_in("ssh-keygen", &["-q", "-t", "ed25519", "-N", "", "-f", "sshkey"]);
    f.write("notakey.asc", "hello\n");
    let cases = [
        (minisign_key.to_str().unwrap(), "is a minisign secret key", "minisign -S -s"),
        ("zig.pub", "is a minisign or signify public key", "sign with the secret key beside it"),
        ("obsd.sec", "is a signify (or usign) secret key", "signify -S -s"),
        ("sshkey", "is an OpenSSH private key", "ssh-keygen -Y sign -f"),
        ("notakey.asc", "is not an OpenPGP key", "gpg --export-secret-keys --armor FPR > release-key.asc"),
    ];
    for (key, what, fix) in cases {
        let before = std::fs::read(f.dir.path().join(key)).unwrap();
        let run = f.closer(&["sign", "--key", key]);
        assert_eq!(run.code, 2, "{key}: {}", run.stderr);
        assert!(run.stderr.contains(what) && run.stderr.contains(fix), "{key}: {}", run.stderr);
        let base = std::path::Path::new(key).file_name().unwrap().to_str().unwrap();
        assert!(
            !run.stderr.contains(&format!("> {key}")) && !run.stderr.contains(&format!("/{base}\n")),
            "{}",
            run.stderr
        );
        assert_eq!(std::fs::read(f.dir.path().join(key)).unwrap(), before, "{key} is unchanged");
    }
}

#[test]
fn expired_signing_key_is_refused_for_signing() {
    let f = Fixture::new();
    let g = Gpg::new();
    let t0 = now() - 30 * DAY;
    let fpr = g.generate("Old <old@example.org>", "ed25519", "", Some(t0));
    g.ok(&["--faked-system-time", &format!("{}!", t0 + 60), "--quick-set-expire", &fpr, "1d"]);
    f.write("old.sec.asc", &g.export_secret(&fpr, ""));
    let run = f.closer(&["sign", "--key", "old.sec.asc"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("expired"), "{}", run.stderr);
}

/// Every bad signature is its own outcome, reported with the artifact's path.
#[test]
fn every_bad_signature_is_its_own_outcome() {
    let f = Fixture::new();
    let g = Gpg::new();
    let known = g.generate("Known <known@example.org>", "ed25519", "", None);
    let stranger = g.generate("Stranger <stranger@example.org>", "ed25519", "", None);
    let weak = g.generate("Weak <weak@example.org>", "rsa1024", "", None);
    let t0 = now() - 30 * DAY;
    let expired = g.generate("Expired <expired@example.org>", "ed25519", "", Some(t0));
    let revoked = g.generate("Revoked <revoked@example.org>", "ed25519", "", None);

    let dir = "dist/omega/1.0";
    let file = |name: &str| f.path(&format!("{dir}/{name}"));
    for name in ["altered", "stranger", "weak", "sha1", "expired", "revoked", "garbage", "missing", "fine"] {
        f.write(&format!("{dir}/{name}.tar.gz"), &format!("{name}\n"));
    }
    g.sign(&known, &file("altered.tar.gz"), None, &[]);
    f.write(&format!("{dir}/altered.tar.gz"), "alterer\n"); // same size, one byte changed
    g.sign(&stranger, &file("stranger.tar.gz"), None, &[]);
    g.sign(&weak, &file("weak.tar.gz"), None, &[]);
    g.sign(&known, &file("sha1.tar.gz"), None, &["--digest-algo", "SHA1"]);
    // Signed two days after creation; then (at creation + 1 minute) the key was set to
    // expire one day after that: it had expired when it signed.
    g.sign(&expired, &file("expired.tar.gz"), Some(t0 + 2 * DAY), &[]);
    g.ok(&["--faked-system-time", &format!("{}!", t0 + 60), "--quick-set-expire", &expired, "1d"]);
    g.sign(&revoked, &file("revoked.tar.gz"), None, &[]);
    g.revoke(&revoked);
    f.write(
        &format!("{dir}/garbage.tar.gz.asc"),
        "-----BEGIN PGP SIGNATURE-----\n\nnot base64 at all!\n-----END PGP SIGNATURE-----\n",
    );
    g.sign(&known, &file("fine.tar.gz"), None, &[]);
    let keys: String = [&known, &weak, &expired, &revoked].iter().map(|k| g.export_public(k)).collect();
    f.write("dist/omega/KEYS", &keys);

    // Both ways of checking must agree: the one that finishes the hash states of the
    // digest pass, and sequoia's streaming verifier (forced, with a cold cache).
    for (cache, env) in [(".cache-fast", None), (".cache-stream", Some(("CLOSER_VERIFY_STREAM", "1")))] {
        let env: Vec<(&str, &str)> = env.into_iter().collect();
        let run = f.closer_env(&["check", "--cache", cache], &env);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let err = &run.stderr;
        let expect = [
            ("altered.tar.gz", "does not match"),
            ("stranger.tar.gz", &format!("signed by key {stranger}") as &str),
            ("weak.tar.gz", "1024-bit RSA"),
            ("sha1.tar.gz", "SHA-1"),
            ("expired.tar.gz", "had expired when it signed"),
            ("revoked.tar.gz", "is revoked"),
            ("garbage.tar.gz", "not a usable signature"),
            ("missing.tar.gz", "has no signature"),
        ];
        for (name, what) in expect {
            let line = err
                .lines()
                .find(|l| l.contains(&format!("{dir}/{name}:")))
                .unwrap_or_else(|| panic!("{cache}: no problem reported for {name}:\n{err}"));
            assert!(line.contains(what), "{cache}: {name}: expected {what:?} in {line:?}");
        }
        assert!(!err.contains("fine.tar.gz"), "{cache}: a good signature was reported:\n{err}");
        assert!(err.contains("8 problems found"), "{cache}: {err}");
        assert!(err.contains(&format!("gpg --armor --export {stranger} >> ")), "{err}");
    }

    // unsigned_ok publishes the release anyway, and the page says so plainly; but never
    // a file altered after it was signed.
    f.write("content/omega/1.0.md", "---\nunsigned_ok: \"signed before the key rollover\"\n---\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("altered.tar.gz.asc does not match") && run.stderr.contains("1 problem found"));
    std::fs::remove_file(f.path(&format!("{dir}/altered.tar.gz.asc"))).unwrap();
    f.closer(&["build"]).ok();
    let page = f.read("site/omega/index.html");
    assert!(page.contains("Not verified"), "{page}");
    assert!(page.contains("signed before the key rollover"));
    assert!(page.contains("Signature: unknown-key"));
    // Spelt as a project page spells it: read the same.
    f.write("content/omega/1.0.md", "---\nunsigned: \"signed before the key rollover\"\n---\n");
    f.closer(&["build"]).ok();
    assert!(f.read("site/omega/index.html").contains("signed before the key rollover"));
}

#[test]
fn unreadable_keys_names_the_line() {
    let f = Fixture::new();
    let keys = f.read("dist/alpha/KEYS");
    let broken = keys.replacen("\n\n", "\n\nthis is not base64 !!\n", 1);
    let start = broken.lines().position(|l| l.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK")).unwrap() + 1;
    let broken = broken.replacen("-----END PGP PUBLIC KEY BLOCK-----", "", 1);
    f.write("dist/alpha/KEYS", &broken);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("dist/alpha/KEYS:{start}")), "{}", run.stderr);
    assert!(run.stderr.contains("never closed"), "{}", run.stderr);
}

#[test]
fn site_key_clearsigns_checksum_lists() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("Downloads Site <site@example.org>", "ed25519", "", None);
    f.write("site.sec.asc", &g.export_secret(&fpr, ""));
    f.closer(&["build", "--site-key", "site.sec.asc"]).ok();
    let list = f.path("site/alpha/1.10/SHA512SUMS.asc");
    let text = std::fs::read_to_string(&list).unwrap();
    assert!(text.starts_with("-----BEGIN PGP SIGNED MESSAGE-----"), "{text}");
    let (ok, err) = g.verify(&[list.to_str().unwrap()]);
    assert!(ok, "gpg rejects SHA512SUMS.asc:\n{err}");
    // sha512sum -c accepts its content, next to the artifacts.
    let st = std::process::Command::new("sha512sum")
        .arg("-c")
        .arg(&list)
        .current_dir(f.path("dist/alpha/1.10"))
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    assert_eq!(String::from_utf8_lossy(&st.stdout).matches(": OK").count(), 2);
    // The public key is published and named on the download page.
    assert!(f.read("site/site-key.asc").contains("BEGIN PGP PUBLIC KEY BLOCK"));
    assert!(f.read("site/alpha/index.html").contains(&closer::util::text::spaced_fingerprint(&fpr)));
    // Rebuilding an unchanged site keeps the same signature bytes.
    let before = f.snapshot("site");
    f.closer(&["build", "--site-key", "site.sec.asc", "--out", "site2"]).ok();
    assert_eq!(before, f.snapshot("site2"));
    // So does a build that renders another project (or none, after a probe) before this
    // one is rendered again: its signatures stay in the cache meanwhile.
    let signed = f.read("site/alpha/1.10/SHA512SUMS.asc");
    for project in ["beta", "alpha"] {
        f.write(&format!("content/{project}.md"), "---\ntitle: Edited\n---\nNew words.\n");
        let run = f.closer(&["build", "--site-key", "site.sec.asc", "--stats"]);
        assert_eq!(run.stat("site_projects_rendered"), "1", "{}", run.stderr);
    }
    assert_eq!(f.read("site/alpha/1.10/SHA512SUMS.asc"), signed);
}

/// The key lifecycle: a signature made while the key was valid stays good after the key
/// expires, and after a soft revocation (superseded, retired) made later; a signature
/// made after a soft revocation, or by a key revoked as compromised (whenever it signed),
/// is refused with the revocation's reason.
#[test]
fn key_lifecycle_expiry_and_revocation_reasons() {
    let f = Fixture::new();
    let g = Gpg::new();
    let t0 = now() - 30 * DAY;
    let rotated = g.generate("Rotated <rotated@example.org>", "ed25519", "", Some(t0));
    let stolen = g.generate("Stolen <stolen@example.org>", "ed25519", "", Some(t0));
    let lapsed = g.generate("Lapsed <lapsed@example.org>", "ed25519", "", Some(t0));
    let dir = "dist/life/1.0";
    let file = |name: &str| f.path(&format!("{dir}/{name}.tar.gz"));
    for name in ["before", "after", "stolen", "lapsed"] {
        f.write(&format!("{dir}/{name}.tar.gz"), &format!("{name}\n"));
    }
    g.sign(&rotated, &file("before"), Some(t0 + DAY), &[]);
    g.sign(&rotated, &file("after"), Some(t0 + 20 * DAY), &[]);
    g.sign(&stolen, &file("stolen"), Some(t0 + DAY), &[]);
    g.sign(&lapsed, &file("lapsed"), Some(t0 + DAY), &[]);
    g.revoke_with(&rotated, 2, "replaced by the 2026 key", t0 + 10 * DAY);
    g.revoke_with(&stolen, 1, "laptop stolen", t0 + 10 * DAY);
    // Set (at creation + 2 days) to expire 3 days later: long past now, not when it signed.
    g.ok(&["--faked-system-time", &format!("{}!", t0 + 2 * DAY), "--quick-set-expire", &lapsed, "3d"]);
    let keys: String = [&rotated, &stolen, &lapsed].iter().map(|k| g.export_public(k)).collect();
    f.write("dist/life/KEYS", &keys);

    for (cache, env) in [(".cache-fast", None), (".cache-stream", Some(("CLOSER_VERIFY_STREAM", "1")))] {
        let env: Vec<(&str, &str)> = env.into_iter().collect();
        let run = f.closer_env(&["check", "--cache", cache], &env);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let line =
            |name: &str| run.stderr.lines().find(|l| l.contains(&format!("{dir}/{name}.tar.gz:"))).map(str::to_string);
        assert_eq!(line("before"), None, "{cache}: signed before a soft revocation:\n{}", run.stderr);
        // gpg exports only the newest self-signature, made after this signature: the fast
        // path judges the key by it; sequoia's streaming verifier cannot.
        if cache == ".cache-fast" {
            assert_eq!(line("lapsed"), None, "{cache}: signed before the key expired:\n{}", run.stderr);
        }
        let after = line("after").unwrap_or_default();
        assert!(after.contains("key superseded") && after.contains("replaced by the 2026 key"), "{cache}: {after}");
        let stolen = line("stolen").unwrap_or_default();
        assert!(stolen.contains("key compromised") && stolen.contains("\"laptop stolen\""), "{cache}: {stolen}");
        let n = if cache == ".cache-fast" { 2 } else { 3 };
        assert!(run.stderr.contains(&format!("{n} problems found")), "{cache}: {}", run.stderr);
    }
    // The good one published: gpg warns a downloader its key was revoked by its owner,
    // and the page says why that is expected (it explained only "not certified").
    for name in ["after", "stolen", "lapsed"] {
        std::fs::remove_file(file(name)).unwrap();
        std::fs::remove_file(f.path(&format!("{dir}/{name}.tar.gz.asc"))).unwrap();
    }
    f.closer(&["build"]).ok();
    let page = f.read("site/life/1.0/index.html");
    assert!(page.contains("This key has been revoked by its owner!</q>: its owner retired it after"), "{page}");
}

/// A missing or empty KEYS is one problem at its root, sorted first, whose fix names
/// the fingerprint that signed, not a placeholder; each artifact is not its own problem.
#[test]
fn a_missing_or_empty_keys_is_one_root_problem_with_the_fingerprint() {
    let f = Fixture::new();
    // The signer, as gpg reads the KEYS.
    let fpr = {
        let out = std::process::Command::new("gpg")
            .args(["--with-colons", "--show-keys"])
            .arg(f.path("dist/alpha/KEYS"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let line = text.lines().find(|l| l.starts_with("fpr:")).unwrap_or_else(|| panic!("{text}")).to_string();
        line.split(':').nth(9).unwrap().to_string()
    };
    std::fs::remove_file(f.path("dist/alpha/KEYS")).unwrap();
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("1 problem found"), "{}", run.stderr);
    assert!(run.stderr.contains("dist/alpha/KEYS: is missing, so none of the"), "{}", run.stderr);
    assert!(run.stderr.contains(&format!("gpg --armor --export {fpr} >> ")), "{}", run.stderr);
    assert!(!run.stderr.contains("YOUR-FPR") && !run.stderr.contains("FPR >>"), "{}", run.stderr);
    assert!(run.stderr.contains("put back the copy the site last published (site/alpha/KEYS)"), "{}", run.stderr);
    f.write("dist/alpha/KEYS", "");
    let run = f.closer(&["check"]);
    let first = run.stderr.lines().nth(1).unwrap_or_default();
    assert!(first.contains("dist/alpha/KEYS: is empty, so none of the"), "{}", run.stderr);
}

/// A key exported again (after a revocation, a new expiry) is appended to KEYS below the
/// old block, as closer's own fix says (`gpg --armor --export FPR >> KEYS`): the blocks
/// are one key, as `gpg --import` makes them (the first block alone hid the revocation),
/// and gpg's revocation certificate pasted as it is revokes the key it names.
#[test]
fn blocks_of_one_key_appended_to_keys_are_merged_as_gpg_imports_them() {
    let f = Fixture::new();
    let g = Gpg::new();
    let dir = "dist/omega/1.0";
    let file = |name: &str| f.path(&format!("{dir}/{name}"));
    let rm = g.generate("Rm <rm@example.org>", "ed25519", "", None);
    f.write(&format!("{dir}/omega-1.0.tar.gz"), "omega\n");
    g.sign(&rm, &file("omega-1.0.tar.gz"), None, &[]);
    let old = g.export_public(&rm);
    f.write("dist/omega/KEYS", &old);
    assert_eq!(f.closer(&["check"]).code, 0);

    let rev = std::fs::read_to_string(g.home.path().join(format!("openpgp-revocs.d/{rm}.rev"))).unwrap();
    assert!(rev.contains(":-----BEGIN PGP PUBLIC KEY BLOCK-----"), "gpg's form: {rev}");
    f.write("dist/omega/KEYS", &format!("{old}\n{rev}"));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "the pasted revocation certificate counts:\n{}", run.stderr);
    assert!(run.stderr.contains("is revoked"), "{}", run.stderr);
    g.revoke(&rm);
    f.write("dist/omega/KEYS", &format!("{old}{}", g.export_public(&rm)));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "the appended revoked block counts:\n{}", run.stderr);
    assert!(run.stderr.contains("is revoked"), "{}", run.stderr);

    // A key set to expire after a day, extended half a day later, signing on the second
    // day: the old block alone says it had expired, the old and the new one say good.
    let t0 = now() - 30 * DAY;
    let ext = g.generate("Ext <ext@example.org>", "ed25519", "", Some(t0));
    g.ok(&["--faked-system-time", &format!("{}!", t0 + 60), "--quick-set-expire", &ext, "1d"]);
    let before = g.export_public(&ext);
    g.ok(&["--faked-system-time", &format!("{}!", t0 + DAY / 2), "--quick-set-expire", &ext, "0"]);
    g.sign(&ext, &file("omega-1.0.tar.gz"), Some(t0 + 2 * DAY), &[]);
    f.write("dist/omega/KEYS", &before);
    let run = f.closer(&["check"]);
    assert!(run.stderr.contains("had expired when it signed (the key expired on "), "{}", run.stderr);
    assert!(run.stderr.contains(", and the signature was made on "), "{}", run.stderr);
    assert!(run.stderr.contains("KEYS still has its old export: export it again"), "{}", run.stderr);
    f.write("dist/omega/KEYS", &format!("{before}{}", g.export_public(&ext)));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// A secret key pasted into KEYS in place of its public part is the one problem said:
/// the signatures are checked against its public part (each was "signed by a key not in
/// KEYS", whose fix, appending the public key, left the secret one in place).
#[test]
fn a_secret_key_in_keys_is_its_one_problem() {
    let f = Fixture::new();
    f.write("dist/alpha/KEYS", &std::fs::read_to_string(repo().join(DEMO_KEY)).unwrap());
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("dist/alpha/KEYS:1: holds a SECRET key"), "{}", run.stderr);
    assert!(!run.stderr.contains("which is not in"), "{}", run.stderr);
    assert!(run.stderr.contains("1 problem found"), "{}", run.stderr);
}

/// A project that publishes no signatures (`unsigned:`) misspells another key of its
/// page: the page was dropped whole, its `unsigned:` with it, and every file of the
/// project was "has no signature" under the one typo. The typo is said alone, with the
/// key it likely is.
#[test]
fn a_typo_in_a_page_does_not_drop_its_unsigned_reason() {
    let f = Fixture::new();
    f.write("content/pg.md", "---\ntitle: PG\nhompage: https://pg.example.org/\nunsigned: \"checksums only\"\n---\n");
    for v in ["16.6", "17.2"] {
        f.write(&format!("dist/pg/v{v}/postgresql-{v}.tar.bz2"), &format!("pg {v}\n"));
    }
    crate::bad_input::uploaded_long_ago(
        &f,
        &["dist/pg/v16.6/postgresql-16.6.tar.bz2", "dist/pg/v17.2/postgresql-17.2.tar.bz2"],
    );
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("1 problem found"), "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown field `hompage`") && run.stderr.contains("did you mean `homepage`?"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("has no signature"), "{}", run.stderr);
}

/// ISC's `bind-9.20.4.tar.xz.sha512.asc` beside its `.asc`: one more signature of the
/// tarball (made with SHA-512), with no `.sha512` beside it. It was "a .asc file for
/// `bind-9.20.4.tar.xz.sha512`, which is not in the release", and held BIND back.
#[test]
fn a_signature_named_for_a_digest_is_carried_with_the_release() {
    let f = Fixture::new();
    let rel = "dist/bind9/9.20.4/bind-9.20.4.tar.xz";
    f.write(rel, "bind sources\n");
    f.write("dist/bind9/KEYS", &std::fs::read_to_string(repo().join("dist/hello/KEYS")).unwrap());
    let key = repo().join(DEMO_KEY);
    f.closer(&["sign", "--key", key.to_str().unwrap(), &f.path(rel).display().to_string()]).ok();
    let asc = f.read(&format!("{rel}.asc"));
    f.write(&format!("{rel}.sha512.asc"), &asc);
    crate::bad_input::uploaded_long_ago(&f, &[rel, &format!("{rel}.sha512.asc")]);
    f.closer(&["build"]).ok();
    // Kept with the release, as its signatures are (the archive has them; mirrors never
    // give a downloader a signature).
    let list = f.read("dist/zzz/lists/fullfiletimelist-archive");
    assert!(list.contains("\tbind9/9.20.4/bind-9.20.4.tar.xz.sha512.asc\n"), "{list}");
}

/// A release manager's exported secret key left beside the releases (`release.sec.asc`,
/// the form `closer sign --key` reads) was "a file whose name says no version", whose
/// fix offered `policy.notes`: made a note, it went to the archive. It is named for what
/// it is, as a note too, and nothing is published with it.
#[test]
fn a_secret_key_in_the_tree_is_named_and_never_carried() {
    let f = Fixture::new();
    let secret = std::fs::read_to_string(crate::util::repo().join("tests/fixtures/demo-release-key.sec.asc")).unwrap();
    f.write("dist/alpha/release.sec.asc", &secret);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("release.sec.asc: holds an OpenPGP secret key"), "{}", run.stderr);
    assert!(!run.stderr.contains("policy.notes"), "no fix that carries it: {}", run.stderr);
    // Made a note: still said, and the project held.
    f.write("mirrors.yaml", &crate::util::REGISTRY.replace("policy:\n", "policy:\n  notes: [\"*.sec.asc\"]\n"));
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("holds an OpenPGP secret key") && run.stderr.contains("alpha: held"), "{}", run.stderr);
    assert!(!f.read("dist/zzz/lists/fullfiletimelist-archive").contains("release.sec.asc"));
}

/// A binary KEYS (`gpg --export FPR > KEYS`, which closer reads): a second release
/// manager's key was to be added with `gpg --armor --export`, whose text appended to the
/// binary keyring broke it whole (every key lost, `gpg --import KEYS` failed). The fix
/// exports as the keyring is; pasted, it works.
#[test]
fn a_binary_keys_is_added_to_in_binary() {
    let f = Fixture::new();
    let g = Gpg::new();
    let alice = g.generate("Alice <alice@example.org>", "ed25519", "", None);
    let bob = g.generate("Bob <bob@example.org>", "ed25519", "", None);
    f.write_bytes("dist/gamma/KEYS", &g.cmd(&["--export", &alice]).stdout);
    f.write("dist/gamma/1.0/gamma-1.0.tar.gz", "gamma 1.0\n");
    f.write("content/gamma.md", "---\ntitle: Gamma\n---\n");
    let key = f.path("bob.sec.asc");
    std::fs::write(&key, g.export_secret(&bob, "")).unwrap();
    let run = f.closer(&["sign", "--key", key.to_str().unwrap(), "dist/gamma"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let fix = run.stderr.lines().find(|l| l.contains("--export")).unwrap_or_else(|| panic!("{}", run.stderr)).trim();
    assert!(!fix.contains("--armor"), "{fix}");
    let out = std::process::Command::new("sh").args(["-c", fix]).env("GNUPGHOME", g.home.path()).status().unwrap();
    assert!(out.success(), "{fix}");
    f.closer(&["sign", "--key", key.to_str().unwrap(), "dist/gamma"]).ok();
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
