//! Keyless `.sig` + `.crt` pairs as sigstore-python 0.x and 1.x made them (CPython 3.10
//! and 3.11 published such pairs): a P-384 key signing the file's SHA-256. Real files
//! from sigstore-python's tests, checked against the staging root they chain to. And the
//! fixes of two Sigstore problems a release manager meets: a signer named for another
//! line, a cosign key's bundle where a Sigstore identity is required.

use crate::util::{Fixture, repo};

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/sigstore").join(name)).unwrap()
}

/// A fixture whose registry names the trusted root `closer sigstore-root` wrote: the
/// public instance's, or the one in `from` (a fixture's name).
fn pinned(from: Option<&str>) -> Fixture {
    let f = Fixture::new();
    match from {
        Some(name) => {
            f.write_bytes("given-root.json", &fixture_bytes(name));
            f.closer(&["sigstore-root", "--from", "given-root.json"]).ok();
        }
        None => {
            f.closer(&["sigstore-root"]).ok();
        }
    }
    let registry = f.read("mirrors.yaml").replace("policy:\n", "policy:\n  sigstore_root: sigstore-root.json\n");
    f.write("mirrors.yaml", &registry);
    f
}

/// The pair was "bad" ("the file or its bundle was altered: upload both again"): closer
/// asked the P-384 key for SHA-384, a digest the pair never used. `openssl dgst -sha256
/// -verify` and sigstore-python say it is good; so does closer now, and a changed file is
/// still bad.
#[test]
fn a_p384_pair_over_sha256_is_good_and_a_changed_file_bad() {
    let f = pinned(Some("sigstore-staging-root.json"));
    let dir = "dist/python/3.11.0";
    f.write_bytes(&format!("{dir}/Python-3.11.0.tgz"), &fixture_bytes("sigstore-python-a.txt"));
    f.write_bytes(&format!("{dir}/Python-3.11.0.tgz.sig"), &fixture_bytes("sigstore-python-a.txt.sig"));
    f.write_bytes(&format!("{dir}/Python-3.11.0.tgz.crt"), &fixture_bytes("sigstore-python-a.txt.crt"));
    let page = "---\ntitle: Python\nsigstore:\n  - identity: william@yossarian.net\n    issuer: https://github.com/login/oauth\n---\n";
    f.write("content/python.md", page);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    f.write(&format!("{dir}/Python-3.11.0.tgz"), "another Python\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("Python-3.11.0.tgz.sig + Python-3.11.0.tgz.crt does not match"), "{}", run.stderr);
}

/// A signer the page names for line 3.13 signed 3.14, a line with a signer of its own:
/// they were "not a Sigstore signer of python", and the fix added them with no `lines:`,
/// trusting them for every line. It says they are named for 3.13 only, and to add 3.14.
#[test]
fn a_signer_named_for_another_line_is_told_to_widen_their_lines_only() {
    let f = pinned(None);
    let dir = "dist/python/3.14.0";
    f.write_bytes(&format!("{dir}/Python-3.14.0.tgz"), &fixture_bytes("cosign-v3-blob.txt"));
    f.write_bytes(&format!("{dir}/Python-3.14.0.tgz.sigstore"), &fixture_bytes("cosign-v3-blob.sigstore.json"));
    let signer = |id: &str, line: &str| {
        format!("  - identity: \"{id}\"\n    issuer: \"https://github.com/login/oauth\"\n    lines: [\"{line}\"]\n")
    };
    let (a, b) = (signer("hugo@python.org", "3.14"), signer("w.vollprecht@gmail.com", "3.13"));
    f.write("content/python.md", &format!("---\ntitle: Python\nsigstore:\n{a}{b}---\n"));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("names as a Sigstore signer of lines 3.13 only, not of 3.14"), "{}", run.stderr);
    assert!(run.stderr.contains("add \"3.14\" to their `lines:`"), "{}", run.stderr);
}

/// A bundle a cosign key made (`cosign sign-blob --key … --bundle`) under
/// `signatures: sigstore`: held, and the fix was to refresh the trusted root or sign
/// against the public instance, neither of which helps. It names `signatures: cosign`.
#[test]
fn a_key_signed_bundle_under_a_sigstore_requirement_is_told_what_to_write() {
    let f = pinned(None);
    let dir = "dist/tool/1.0.0";
    f.write_bytes(&format!("{dir}/tool-1.0.0.tar.gz"), &fixture_bytes("managed-key-artifact.txt"));
    let bundle = fixture_bytes("managed-key-artifact.txt.sigstore.json");
    f.write_bytes(&format!("{dir}/tool-1.0.0.tar.gz.sigstore.json"), &bundle);
    let key: String =
        String::from_utf8(fixture_bytes("managed-key.pub")).unwrap().lines().map(|l| format!("      {l}\n")).collect();
    f.write("content/tool.md", &format!("---\ntitle: Tool\nsignatures: sigstore\ncosign:\n  - |\n{key}---\n"));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("write `signatures: cosign` (or `either`) in content/tool.md"), "{}", run.stderr);
    f.write("content/tool.md", &format!("---\ntitle: Tool\nsignatures: cosign\ncosign:\n  - |\n{key}---\n"));
    f.closer(&["check"]).ok();
}

/// A release manager setting up signing before the registry is whole (no
/// `primary.rsync_url` yet): `closer sigstore-root` refused for a problem that has nothing
/// to do with the root. It reads only `policy.sigstore_root` of the registry now.
#[test]
fn the_trusted_root_is_written_before_the_registry_is_whole() {
    let f = pinned(None);
    let registry = f.read("mirrors.yaml");
    let whole: Vec<&str> = registry.lines().filter(|l| !l.trim_start().starts_with("rsync_url:")).collect();
    f.write("mirrors.yaml", &whole.join("\n"));
    std::fs::remove_file(f.path("sigstore-root.json")).unwrap();
    let run = f.closer(&["sigstore-root"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(f.path("sigstore-root.json").exists());
    assert!(f.closer(&["check"]).code != 0, "the registry's own problem is still said by check");
}

/// With a root pinned for another instance than the public one (staging here), the
/// page's lines had named no root: run as printed, sigstore-python and cosign checked
/// against the public instance and failed for every downloader. The site publishes the
/// pinned root, sigstore-python's line says `--staging`, and cosign's names the root.
#[test]
fn another_instances_root_is_published_and_named_in_the_verify_lines() {
    let f = pinned(Some("sigstore-staging-root.json"));
    let dir = "dist/widget/1.0";
    f.write_bytes(&format!("{dir}/widget-1.0.txt"), &fixture_bytes("sigstore-python-bundle_v3.txt"));
    f.write_bytes(&format!("{dir}/widget-1.0.txt.sigstore"), &fixture_bytes("sigstore-python-bundle_v3.txt.sigstore"));
    let dir = "dist/python/3.11.0";
    f.write_bytes(&format!("{dir}/Python-3.11.0.tgz"), &fixture_bytes("sigstore-python-a.txt"));
    f.write_bytes(&format!("{dir}/Python-3.11.0.tgz.sig"), &fixture_bytes("sigstore-python-a.txt.sig"));
    f.write_bytes(&format!("{dir}/Python-3.11.0.tgz.crt"), &fixture_bytes("sigstore-python-a.txt.crt"));
    let signer = "sigstore:\n  - identity: william@yossarian.net\n    issuer: https://github.com/login/oauth\n";
    for p in ["widget", "python"] {
        f.write(&format!("content/{p}.md"), &format!("---\ntitle: {p}\n{signer}---\n"));
    }
    f.closer(&["build"]).ok();
    assert_eq!(f.read("site/sigstore-root.json"), f.read("sigstore-root.json"));
    let page = f.read("site/widget/1.0/index.html");
    assert!(
        page.contains("python3 -m sigstore --staging verify identity --offline --bundle widget-1.0.txt.sigstore"),
        "{page}"
    );
    assert!(
        page.contains("sigstore-root.json &amp;&amp; cosign verify-blob --trusted-root sigstore-root.json --offline"),
        "{page}"
    );
    let page = f.read("site/python/3.11.0/index.html");
    assert!(
        page.contains("cosign verify-blob --trusted-root sigstore-root.json --signature Python-3.11.0.tgz.sig"),
        "{page}"
    );
}

/// The root pinned anew, for the public instance, with nothing else changed: the site
/// is made again, and no longer publishes the staging root (a site made from the same
/// registry and tree had been "unchanged").
#[test]
fn a_root_pinned_anew_makes_the_site_again() {
    let f = pinned(Some("sigstore-staging-root.json"));
    f.closer(&["build"]).ok();
    assert!(f.path("site/sigstore-root.json").exists());
    f.closer(&["sigstore-root"]).ok();
    f.closer(&["build"]).ok();
    assert!(!f.path("site/sigstore-root.json").exists());
}
