//! A release manager's weeks after the first release: a key pasted into KEYS with a
//! typo, a key extended after it expired, and what the build and `closer sign` say.

use crate::gpg::Gpg;
use crate::util::Fixture;

const DAY: i64 = 86_400;

/// Changes one base64 character in the first key block's body, as a paste typo does.
fn damage(keys: &str) -> String {
    let mut lines: Vec<String> = keys.lines().map(String::from).collect();
    let begin = lines.iter().position(|l| l.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK")).unwrap();
    let body = begin + 3;
    let c = lines[body].chars().nth(10).unwrap();
    let other = if c == 'A' { "B" } else { "A" };
    lines[body].replace_range(10..11, other);
    lines.join("\n") + "\n"
}

/// gpg refuses a KEYS whose block fails its armor checksum ("CRC error"), so nobody
/// could import any key from it: the build names the block and holds the project at
/// its last good KEYS, and `closer sign` names the block rather than signing.
#[test]
fn a_key_block_damaged_in_a_paste_is_named_and_never_published() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let good = f.read("site/alpha/KEYS");
    f.write("dist/alpha/KEYS", &damage(&f.read("dist/alpha/KEYS")));
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("dist/alpha/KEYS:") && run.stderr.contains(": key block (lines "), "{}", run.stderr);
    assert!(run.stderr.contains("is damaged: its armor checksum ="), "{}", run.stderr);
    assert!(!run.stderr.contains("expired"), "{}", run.stderr);
    assert_eq!(f.read("site/alpha/KEYS"), good, "the published KEYS stays the last good one");
    let g = Gpg::new();
    g.import(&good);
    f.write("dist/alpha/1.10/extra.tar.gz", "extra\n");
    let run = f.closer(&["sign", "--key", crate::util::repo().join(crate::util::DEMO_KEY).to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("is damaged") && run.stderr.contains("nothing was signed"), "{}", run.stderr);
    assert!(!f.path("dist/alpha/1.10/extra.tar.gz.asc").exists());
}

/// A key extended after it expired still has its expired copy in KEYS: what `sign`
/// makes with it would be "expired when it signed" at the next build. `sign` says so
/// and gives the export that brings KEYS up to date; after it, it signs.
#[test]
fn sign_refuses_a_key_whose_copy_in_keys_has_expired() {
    let f = Fixture::new();
    let g = Gpg::new();
    let t0 = now() - 30 * DAY;
    let fpr = g.generate("Late <late@example.org>", "ed25519", "", Some(t0));
    g.ok(&["--faked-system-time", &format!("{}!", t0 + 60), "--quick-set-expire", &fpr, "1d"]);
    f.write("dist/alpha/KEYS", &g.export_public(&fpr));
    g.ok(&["--quick-set-expire", &fpr, "2y"]);
    f.write("late.sec.asc", &g.export_secret(&fpr, ""));
    f.write("dist/alpha/1.10/extra.tar.gz", "extra\n");
    let run = f.closer(&["sign", "--key", "late.sec.asc", "dist/alpha/1.10"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("copy of key {fpr} expired on ")), "{}", run.stderr);
    assert!(run.stderr.contains(&format!("gpg --armor --export {fpr} >> ")), "{}", run.stderr);
    assert!(!f.path("dist/alpha/1.10/extra.tar.gz.asc").exists());
    let mut keys = f.read("dist/alpha/KEYS");
    keys.push_str(&g.export_public(&fpr));
    f.write("dist/alpha/KEYS", &keys);
    f.closer(&["sign", "--key", "late.sec.asc", "dist/alpha/1.10"]).ok();
    assert!(f.path("dist/alpha/1.10/extra.tar.gz.asc").exists());
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// CI reads the problems as data: `closer check --json` gives each with its project,
/// file, line, message and fix, and says which are uploads still arriving (which a
/// build holds back without failing); a clean tree gives none.
#[test]
fn check_json_gives_ci_every_problem_as_data() {
    let f = Fixture::new();
    let run = f.closer(&["check", "--json"]);
    run.ok();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["problems"], serde_json::json!([]));
    // An upload in progress in alpha, and a registry value wrong outside any project.
    f.write("dist/alpha/1.11/alpha-1.11.tar.gz", "alpha 1.11\n");
    f.write("mirrors.yaml", &f.read("mirrors.yaml").replace("bandwidth: 1000\n", "bandwidth: 0\n"));
    let run = f.closer(&["check", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let problems = doc["problems"].as_array().unwrap();
    let upload = problems.iter().find(|p| p["project"] == "alpha").unwrap_or_else(|| panic!("{doc:#}"));
    assert!(upload["file"].as_str().unwrap().ends_with("dist/alpha/1.11/alpha-1.11.tar.gz"), "{upload}");
    assert_eq!(upload["arriving"], true, "{upload}");
    assert!(upload["fix"].is_string(), "{upload}");
    let registry = problems.iter().find(|p| p["project"].is_null()).unwrap_or_else(|| panic!("{doc:#}"));
    assert!(registry["file"].as_str().unwrap().ends_with("mirrors.yaml") && registry["line"].is_u64(), "{registry}");
    assert!(registry["message"].as_str().unwrap().contains("is 0"), "{registry}");
}

/// An upload in progress beside another problem of its project (a published file
/// changed): the build holds the project back and exits 1, and `check` no longer says
/// the build would hold it back as arriving with exit 0.
#[test]
fn an_upload_beside_another_problem_of_its_project_is_not_said_to_be_arriving() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    f.write("dist/alpha/1.10/alpha-1.10.zip", "other bytes\n");
    f.write("dist/alpha/1.11/alpha-1.11.tar.gz", "alpha 1.11\n");
    let run = f.closer(&["check", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("as arriving (exit 0)"), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(doc["problems"].as_array().unwrap().iter().all(|p| p["arriving"] == false), "{doc:#}");
    assert_eq!(f.closer(&["build"]).code, 1);
}

/// A bad release withdrawn with a reason (its page's `withdrawn:`): its files leave the
/// mirrors (the archive keeps them), no page or script is offered it, and the project's
/// page says it was withdrawn and why; `keep` counts the releases beside it. (Deleting
/// its directory had been the only way, and it left no word.)
#[test]
fn a_withdrawn_release_leaves_the_mirrors_and_the_page_says_why() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    let latest =
        |f: &Fixture| -> serde_json::Value { serde_json::from_str(&f.read("site/alpha/latest.json")).unwrap() };
    let bad = latest(&f)["release"]["version"].as_str().unwrap().to_string();
    f.write(
        &format!("content/alpha/{bad}.md"),
        "---\nwithdrawn: \"the tarball was built from the wrong tag; use the release before\"\n---\nNotes.\n",
    );
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_ne!(latest(&f)["release"]["version"], bad.as_str());
    let page = f.read("site/alpha/index.html");
    assert!(page.contains("Withdrawn releases") && page.contains("built from the wrong tag"), "{page}");
    let full = f.read("dist/fullfiletimelist-dist");
    assert!(!full.contains(&format!("alpha/{bad}/")), "{full}");
    assert!(f.read("dist/zzz/lists/fullfiletimelist-archive").contains(&format!("alpha/{bad}/")));
    // Held later (an unsigned upload): its last good state keeps the release withdrawn.
    f.write("dist/alpha/9.9/alpha-9.9.tar.gz", "unsigned\n");
    crate::bad_input::uploaded_long_ago(&f, &["dist/alpha/9.9/alpha-9.9.tar.gz"]);
    let run = f.closer(&["build"]);
    assert!(run.stderr.contains("alpha: held"), "{}", run.stderr);
    assert!(!f.read("dist/fullfiletimelist-dist").contains(&format!("alpha/{bad}/")));
    assert_ne!(latest(&f)["release"]["version"], bad.as_str());
    assert!(f.read(&format!("site/alpha/{bad}/index.html")).contains("This release was withdrawn"));
    std::fs::remove_dir_all(f.path("dist/alpha/9.9")).unwrap();
    // A yes is no reason.
    f.write(&format!("content/alpha/{bad}.md"), "---\nwithdrawn: yes\n---\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("why it is withdrawn, in words"), "{}", run.stderr);
}

/// CMake signs its files through `cmake-3.31.2-SHA-256.txt` and its `.asc`: a file the
/// list leaves out is told to join the list, as the project does, before being signed
/// alone (the fix had been a signature of its own).
#[test]
fn a_file_a_signed_list_leaves_out_is_told_to_join_the_list() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("CMake <cmake@example.org>", "ed25519", "", None);
    f.write("dist/cmake/KEYS", &g.export_public(&fpr));
    let rel = "dist/cmake/v3.31";
    f.write(&format!("{rel}/cmake-3.31.2.tar.gz"), "cmake 3.31.2\n");
    f.write(&format!("{rel}/cmake-3.31.2-windows-x86_64.msi"), "cmake 3.31.2 msi\n");
    let sum =
        std::process::Command::new("sha256sum").arg("cmake-3.31.2.tar.gz").current_dir(f.path(rel)).output().unwrap();
    f.write(&format!("{rel}/cmake-3.31.2-SHA-256.txt"), &String::from_utf8(sum.stdout).unwrap());
    let list = f.path(&format!("{rel}/cmake-3.31.2-SHA-256.txt"));
    let asc = f.path(&format!("{rel}/cmake-3.31.2-SHA-256.txt.asc"));
    g.ok(&[
        "--yes",
        "--local-user",
        &fpr,
        "--armor",
        "--detach-sign",
        "--output",
        asc.to_str().unwrap(),
        list.to_str().unwrap(),
    ]);
    crate::bad_input::uploaded_long_ago(&f, &[&format!("{rel}/cmake-3.31.2-windows-x86_64.msi")]);
    let run = f.closer(&["check", "--project", "cmake"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("signed through cmake-3.31.2-SHA-256.txt: add this file's line to it (sha256sum cmake-3.31.2-windows-x86_64.msi >> cmake-3.31.2-SHA-256.txt"),
        "{}",
        run.stderr
    );
}

/// A release page's `unsigned_ok` excuses signatures that are missing or by a key KEYS
/// lacks, never a file altered after it was signed: a PHP tarball changed since passed
/// `check` and went to the mirrors with "Signature: bad" under the excuse's banner.
#[test]
fn unsigned_ok_never_excuses_a_file_altered_after_it_was_signed() {
    let f = Fixture::new();
    f.write("content/alpha/1.10.md", "---\nunsigned_ok: \"the Windows builds carry checksums only\"\n---\n");
    f.write("dist/alpha/1.10/alpha-1.10-extra.tar.gz", "unsigned\n");
    crate::bad_input::uploaded_long_ago(&f, &["dist/alpha/1.10/alpha-1.10-extra.tar.gz"]);
    f.closer(&["check"]).ok();
    f.write("dist/alpha/1.10/alpha-1.10.zip", "altered after it was signed\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("alpha-1.10.zip.asc does not match alpha-1.10.zip"), "{}", run.stderr);
    assert!(!run.stderr.contains("alpha-1.10-extra.tar.gz"), "{}", run.stderr);
}

/// A file named with a leading `-`: the page's checksum and signature lines name it as
/// `./-NAME`, which the tools read as a file (as `-NAME` they read an option and
/// failed), and pasted, they verify it.
#[test]
fn verify_lines_name_a_file_that_starts_with_a_dash_as_a_file() {
    let f = Fixture::new();
    let name = "-dash-1.0.tar.gz";
    f.write(&format!("dist/dash/1.0/{name}"), "dash\n");
    f.write("dist/dash/KEYS", &f.read("dist/alpha/KEYS"));
    f.sign();
    f.closer(&["build"]).ok();
    let page = f.read("site/dash/1.0/index.html").replace("&#x27;", "'").replace("&amp;", "&");
    let line = |tool: &str| {
        page.lines()
            .map(|l| l.split('<').next().unwrap_or("").trim().trim_end_matches(" &&"))
            .find(|l| l.starts_with(tool) && l.contains("dash-1.0.tar.gz"))
            .unwrap_or_else(|| panic!("{tool}: {page}"))
            .to_string()
    };
    let (sum, verify) = (line("sha512sum -c"), line("gpg --verify"));
    assert!(sum.contains("./-dash") && verify.contains("./-dash"), "{sum}\n{verify}");
    let dir = f.path("dist/dash/1.0");
    std::fs::copy(f.path(&format!("site/dash/1.0/{name}.sha512")), dir.join(format!("{name}.sha512"))).unwrap();
    let g = Gpg::new();
    g.import(&f.read("dist/alpha/KEYS"));
    for l in [&sum, &verify] {
        let out = std::process::Command::new("sh")
            .args(["-c", l])
            .current_dir(&dir)
            .env("GNUPGHOME", g.home.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{l}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// ISC signs each file three times (`bind-9.20.4.tar.xz.asc`, `.sha256.asc`, `.sha512.asc`,
/// made with those digests), and its users verify any of them: each is checked like the
/// `.asc` (one that did not match had been carried to the primary and the archive unread).
#[test]
fn every_signature_beside_a_file_is_checked() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("ISC <codesign@isc.org>", "ed25519", "", None);
    f.write("dist/bind/KEYS", &g.export_public(&fpr));
    let rel = "dist/bind/9.20.4";
    f.write(&format!("{rel}/bind-9.20.4.tar.xz"), "bind 9.20.4\n");
    f.write(&format!("{rel}/other.txt"), "other bytes\n");
    let file = f.path(&format!("{rel}/bind-9.20.4.tar.xz"));
    let sign = |out: &str, input: &std::path::Path, algo: &str| {
        let out = f.path(&format!("{rel}/{out}"));
        let (out, input) = (out.to_str().unwrap(), input.to_str().unwrap());
        g.ok(&[
            "--yes",
            "--local-user",
            &fpr,
            "--digest-algo",
            algo,
            "--armor",
            "--detach-sign",
            "--output",
            out,
            input,
        ]);
    };
    sign("bind-9.20.4.tar.xz.asc", &file, "SHA256");
    sign("bind-9.20.4.tar.xz.sha512.asc", &file, "SHA512");
    sign("bind-9.20.4.tar.xz.sha256.asc", &f.path(&format!("{rel}/other.txt")), "SHA256");
    std::fs::remove_file(f.path(&format!("{rel}/other.txt"))).unwrap();
    let run = f.closer(&["check", "--project", "bind"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("bind-9.20.4.tar.xz.sha256.asc, one more signature of bind-9.20.4.tar.xz, does not match"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("sha512.asc"), "{}", run.stderr);
    sign("bind-9.20.4.tar.xz.sha256.asc", &file, "SHA256");
    f.closer(&["check", "--project", "bind"]).ok();
}

/// CI reads a build as data too: `build --json` gives each project held back, `held` or
/// `arriving`, with its problems, beside the warnings; a build that stopped gives its
/// problems as `check --json` does.
#[test]
fn build_json_gives_ci_the_projects_held_back() {
    let f = Fixture::new();
    f.closer(&["build"]).ok();
    f.write("dist/alpha/1.11/alpha-1.11.tar.gz", "alpha 1.11\n");
    f.write("dist/beta/0.1/beta-0.1.tar.gz", "altered after it was published\n");
    let run = f.closer(&["build", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let held = doc["held"].as_array().unwrap();
    let of = |p: &str| held.iter().find(|h| h["project"] == p).unwrap_or_else(|| panic!("{p}: {doc:#}"));
    assert_eq!(of("alpha")["state"], "arriving", "{doc:#}");
    assert_eq!(of("beta")["state"], "held", "{doc:#}");
    assert!(
        of("beta")["problems"][0]["message"].as_str().unwrap().contains("changed after it was published"),
        "{doc:#}"
    );
    // A build that stops for the registry: its problems, as check --json gives them.
    f.write("mirrors.yaml", &f.read("mirrors.yaml").replace("bandwidth: 1000\n", "bandwidth: 0\n"));
    let run = f.closer(&["build", "--json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(
        doc["problems"].as_array().unwrap().iter().any(|p| p["message"].as_str().unwrap().contains("is 0")),
        "{doc:#}"
    );
}

/// `rsync -a` and `scp -p` keep the release manager's modification times: a tarball
/// built last week arrives now, its signature a moment later. It arrived when it was
/// written here (its change time), so it is arriving, not held, and only a registry that
/// asks for modification times (`policy.upload_clock`) judges by them.
#[test]
fn an_upload_that_keeps_its_old_modification_time_is_arriving() {
    let f = crate::isolation::many(2);
    // (The other tests here judge by modification time, the one time they can set.)
    let registry = f.read("mirrors.yaml");
    f.write("mirrors.yaml", &registry.replace("  upload_clock: modification\n", ""));
    f.closer(&["build"]).ok();
    f.write("dist/p001/1.1/p001-1.1.tar.gz", "built last week\n");
    let week = std::time::SystemTime::now() - std::time::Duration::from_secs(7 * 86_400);
    std::fs::File::options()
        .write(true)
        .open(f.path("dist/p001/1.1/p001-1.1.tar.gz"))
        .unwrap()
        .set_modified(week)
        .unwrap();
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("p001: arriving"), "{}", run.stderr);
    f.write("mirrors.yaml", &registry);
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("p001: held"), "{}", run.stderr);
    f.write("mirrors.yaml", &registry.replace("upload_clock: modification", "upload_clock: mtime"));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("mirrors.yaml:") && run.stderr.contains("upload_clock"), "{}", run.stderr);
}
