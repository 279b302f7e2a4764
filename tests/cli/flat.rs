//! GNU's shape through every command: releases side by side (`hello/hello-2.12.1.tar.gz`),
//! binary `.sig` signatures, one `gnu-keyring.gpg` at the top of the tree for every
//! package, `ChangeLog` and `NEWS` beside the releases. The first build says what it
//! archives; the page links the archive where the files are; `closer status` finds the
//! release; `closer sign` writes `.sig` checked against the keyring `check` reads; every
//! message names the keyring and the `.sig`; `--explain` says why.

use crate::gpg::Gpg;
use crate::util::{DEMO_KEY, Fixture, repo};

/// `dist/hello` with 2.12 and 2.12.1, signed `.sig` (binary) with the demo key, which is
/// in the tree-wide `gnu-keyring.gpg`.
fn gnu(f: &Fixture, g: &Gpg) {
    let keys = std::fs::read_to_string(repo().join("dist/hello/KEYS")).unwrap();
    g.import(&keys);
    let fpr = closer::check::pgp::load_signing_key(&repo().join(DEMO_KEY), closer::check::pgp::Passphrase::None)
        .unwrap()
        .fingerprint();
    let keyring = g.cmd(&["--export", &fpr]).stdout;
    f.write_bytes("dist/gnu-keyring.gpg", &keyring);
    for v in ["2.12", "2.12.1"] {
        f.write(&format!("dist/hello/hello-{v}.tar.gz"), &format!("hello {v}\n"));
    }
    f.write("dist/hello/ChangeLog", "2022-08-01 Released.\n");
    f.write("dist/hello/NEWS", "* Noteworthy changes\n");
    f.write("mirrors.yaml", &crate::util::REGISTRY.replacen("keep: 2", "keep: 1", 1));
    // closer sign writes `.sig` where the project's signatures are `.sig`: sign one by
    // hand first, so the project has that form.
    let sig = closer::check::pgp::load_signing_key(&repo().join(DEMO_KEY), closer::check::pgp::Passphrase::None)
        .unwrap()
        .sign_detached(&mut &b"hello 2.12\n"[..])
        .unwrap();
    f.write_bytes("dist/hello/hello-2.12.tar.gz.sig", &closer::check::pgp::dearmor(&sig).unwrap());
    // The fixture's other projects sign with `.asc`; this test is about hello.
    f.closer(&["sign", "--key", repo().join(DEMO_KEY).to_str().unwrap()]).ok();
}

#[test]
fn flat_releases_work_in_every_command() {
    let f = Fixture::new();
    let g = Gpg::new();
    gnu(&f, &g);
    assert!(f.path("dist/hello/hello-2.12.1.tar.gz.sig").exists(), "closer sign writes the project's .sig");
    assert!(!f.path("dist/hello/hello-2.12.1.tar.gz.asc").exists());
    // gpg accepts what closer sign wrote, against the keyring.
    let (ok, err) = g.verify(&[
        f.path("dist/hello/hello-2.12.1.tar.gz.sig").to_str().unwrap(),
        f.path("dist/hello/hello-2.12.1.tar.gz").to_str().unwrap(),
    ]);
    assert!(ok, "{err}");

    let built = f.closer(&["build"]).ok().stderr.clone();
    assert!(built.contains("archived 3 releases") && built.contains(": alpha 1.9, alpha 1.0, hello 2.12"), "{built}");
    let again = f.closer(&["build"]).ok().stderr.clone();
    assert!(!again.contains("no longer on the mirrors"), "only what changes is said: {again}");
    let page = f.read("site/hello/index.html");
    assert!(page.contains("https://archive.example.org/dist/hello/"), "{page}");
    assert!(!page.contains("https://archive.example.org/dist/hello/2.12/"), "the archive keeps flat files flat");
    let list = f.read("dist/fullfiletimelist-dist");
    assert!(list.contains("\thello/NEWS\n") && list.contains("\thello/ChangeLog\n"), "notes go to the mirrors");

    // status finds the release whatever its layout (before a probe: not yet, exit 1).
    let status = f.closer(&["status", "hello", "2.12.1"]);
    assert_eq!(status.code, 1, "{}", status.stderr);
    assert!(status.stdout.contains("hello 2.12.1"), "{}", status.stdout);
    // The files a flat release's page offers name where the file is: the project's
    // directory, not a version directory the tree does not have.
    let on_primary = "https://dist.example.org/dist/hello/hello-2.12.1.tar.gz";
    let meta4 = f.read("site/hello/2.12.1/hello-2.12.1.tar.gz.meta4");
    assert!(meta4.contains(&format!(">{on_primary}</url>")), "{meta4}");
    let torrent = std::fs::read(f.path("site/hello/2.12.1/hello-2.12.1.tar.gz.torrent")).unwrap();
    assert!(torrent.windows(on_primary.len()).any(|w| w == on_primary.as_bytes()), "the web seed");
    let feed = f.read("site/hello/feed.xml");
    assert!(feed.contains("href=\"https://downloads.example.org/hello/2.12.1/\""), "{feed}");
    let metrics = f.read("site/metrics");
    assert!(metrics.contains("closer_release_carrying_mirrors{project=\"hello\",version=\"2.12.1\"}"), "{metrics}");
    let announce = f.closer(&["announce", "--force", "hello", "2.12.1"]).ok().stdout.clone();
    assert!(announce.contains("hello-2.12.1.tar.gz.sig &&\n  gpg --verify hello-2.12.1.tar.gz.sig"), "{announce}");
    let wrong = f.closer(&["status", "hello", "9.9"]);
    assert_eq!(wrong.code, 2);
    assert!(wrong.stderr.contains("name one of its current releases: 2.12.1"), "{}", wrong.stderr);

    let why = f.closer(&["releases", "--explain", "hello/hello-2.12.1.tar.gz"]).ok().stdout.clone();
    assert!(why.contains("artifact of release hello 2.12.1 (current"), "{why}");
    assert!(why.contains("files kept side by side in `hello`"), "{why}");
    assert!(why.contains("signature: hello/hello-2.12.1.tar.gz.sig (binary): good"), "{why}");
    let why = f.closer(&["releases", "--explain", "hello/NEWS"]).ok().stdout.clone();
    assert!(why.contains("notes of project hello"), "{why}");
    assert_eq!(f.closer(&["releases", "--explain", "hello/nothing"]).code, 2);

    // An unsigned upload: the message names the .sig and the fix; an unknown signer's
    // fix appends to the keyring in its own (binary) form.
    f.write("dist/hello/hello-2.13.tar.gz", "hello 2.13\n");
    let check = f.closer(&["check"]);
    assert_eq!(check.code, 1);
    assert!(check.stderr.contains("hello-2.13.tar.gz.sig is missing"), "{}", check.stderr);
    let other = g.generate("Other Maintainer <other@example.org>", "ed25519", "", None);
    f.write("other.sec.asc", &g.export_secret(&other, ""));
    let refused = f.closer(&["sign", "--key", "other.sec.asc", "dist/hello"]);
    assert_eq!(refused.code, 2);
    let keyring = f.path("dist/gnu-keyring.gpg");
    assert!(
        refused.stderr.contains(&format!("gpg --export {other} >> {}", keyring.canonicalize().unwrap().display())),
        "{}",
        refused.stderr
    );
    assert!(!f.path("dist/hello/hello-2.13.tar.gz.sig").exists(), "nothing is signed");
}

#[test]
fn a_checksum_file_must_name_the_file_beside_it() {
    let f = Fixture::new();
    // alpha-1.10.tar.gz.sha512 that names the zip: `sha512sum -c` would check the zip.
    let zip = f.read_bytes("dist/alpha/1.10/alpha-1.10.zip");
    let line = format!("{}  alpha-1.10.zip\n", crate::util::sha512_hex(&zip));
    f.write("dist/alpha/1.10/alpha-1.10.tar.gz.sha512", &line);
    let check = f.closer(&["check"]);
    assert_eq!(check.code, 1);
    assert!(
        check
            .stderr
            .contains("alpha-1.10.tar.gz.sha512:1: names `alpha-1.10.zip`, but it sits beside `alpha-1.10.tar.gz`"),
        "{}",
        check.stderr
    );
}

#[test]
fn a_project_that_publishes_no_signatures_says_so_and_its_pages_say_why() {
    let f = Fixture::new();
    f.write("dist/pg/16.1/postgresql-16.1.tar.bz2", "postgres\n");
    let sum = crate::util::sha512_hex(b"postgres\n");
    f.write("dist/pg/16.1/postgresql-16.1.tar.bz2.sha512", &format!("{sum}  postgresql-16.1.tar.bz2\n"));
    let check = f.closer(&["check"]);
    assert_eq!(check.code, 1, "silently unsigned is a problem");
    assert!(check.stderr.contains("postgresql-16.1.tar.bz2.asc is missing"), "{}", check.stderr);
    f.write("content/pg.md", "---\nunsigned: \"\"\n---\n");
    assert!(f.closer(&["check"]).stderr.contains("sets `unsigned` without a reason"));
    // A yes or a no is not a reason: `unsigned_ok: false` turned the check off.
    for (page, text) in [("content/pg.md", "unsigned_ok: false"), ("content/pg/16.1.md", "unsigned_ok: no")] {
        f.write(page, &format!("---\n{text}\n---\n"));
        let check = f.closer(&["check"]);
        assert_eq!(check.code, 1, "{text} in {page}: {}", check.stderr);
        assert!(check.stderr.contains("is not a reason"), "{}", check.stderr);
        assert!(check.stderr.contains(page) && check.stderr.contains("postgresql-16.1.tar.bz2.asc is missing"));
        std::fs::remove_file(f.path(page)).unwrap();
    }
    f.write("content/pg.md", "---\nunsigned: \"checksums only, from the primary over https\"\n---\n");
    f.closer(&["build"]).ok();
    let page = f.read("site/pg/16.1/index.html");
    assert!(
        page.contains("the project publishes files without signatures: checksums only, from the primary over https")
    );
    // No gpg lines for a KEYS and an .asc that do not exist; the checksum lines stay.
    assert!(!page.contains("gpg --verify") && !page.contains("pg/KEYS"), "{page}");
    let project = f.read("site/pg/index.html");
    assert!(project.contains("with the checksum from the primary:"), "{project}");
    assert!(page.contains("sha512sum -c postgresql-16.1.tar.bz2.sha512"), "{page}");
}

/// `closer releases --explain PATH` is about that file: its problems are listed (exit 1),
/// another file's are counted in one line (they were all printed after the explanation).
#[test]
fn explain_lists_the_problems_of_its_file_only() {
    let f = Fixture::new();
    f.write("dist/beta/0.2/beta-0.2.tar.gz", "unsigned\n");
    let t = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(f.path("dist/beta/0.2/beta-0.2.tar.gz"))
        .unwrap()
        .set_modified(t)
        .unwrap();
    let good = f.closer(&["releases", "--explain", "alpha/1.10/alpha-1.10.tar.gz"]);
    assert_eq!(good.code, 0, "{}", good.stderr);
    assert!(good.stdout.contains("artifact of release alpha 1.10"), "{}", good.stdout);
    assert!(good.stderr.contains("(1 other problem in the tree: `closer check` lists them)"), "{}", good.stderr);
    assert!(!good.stderr.contains("beta-0.2.tar.gz"), "{}", good.stderr);
    let bad = f.closer(&["releases", "--explain", "beta/0.2/beta-0.2.tar.gz"]);
    assert_eq!(bad.code, 1, "{}", bad.stderr);
    assert!(bad.stderr.contains("beta-0.2.tar.gz has no signature"), "{}", bad.stderr);
    // A signature of a file not in the release is not placed: its problems explain it
    // (it was "not a file closer read", exit 2).
    f.write("dist/alpha/1.10/alpha-1.10-old-name.tar.gz.asc", &f.read("dist/alpha/1.10/alpha-1.10.tar.gz.asc"));
    let orphan = f.closer(&["releases", "--explain", "alpha/1.10/alpha-1.10-old-name.tar.gz.asc"]);
    assert_eq!(orphan.code, 1, "{}", orphan.stderr);
    assert!(orphan.stdout.contains("not placed in a release"), "{}", orphan.stdout);
    assert!(orphan.stderr.contains("which is not in the release"), "{}", orphan.stderr);
    std::fs::remove_file(f.path("dist/alpha/1.10/alpha-1.10-old-name.tar.gz.asc")).unwrap();
    // A published file changed since: the build's problem, said here too (it said good).
    std::fs::remove_file(f.path("dist/beta/0.2/beta-0.2.tar.gz")).unwrap();
    f.closer(&["build"]).ok();
    f.write("dist/alpha/1.10/alpha-1.10.zip", "re-rolled\n");
    let changed = f.closer(&["releases", "--explain", "alpha/1.10/alpha-1.10.zip"]);
    assert_eq!(changed.code, 1, "{}", changed.stderr);
    assert!(changed.stderr.contains("changed after it was published"), "{}", changed.stderr);
}
