//! Keyless `.sig` + `.crt` pairs as sigstore-python 0.x and 1.x made them (CPython 3.10
//! and 3.11 published such pairs): a P-384 key signing the file's SHA-256. Real files
//! from sigstore-python's tests, checked against the staging root they chain to.

use crate::util::{Fixture, repo};

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/sigstore").join(name)).unwrap()
}

/// The pair was "bad" ("the file or its bundle was altered: upload both again"): closer
/// asked the P-384 key for SHA-384, a digest the pair never used. `openssl dgst -sha256
/// -verify` and sigstore-python say it is good; so does closer now, and a changed file is
/// still bad.
#[test]
fn a_p384_pair_over_sha256_is_good_and_a_changed_file_bad() {
    let f = Fixture::new();
    f.write_bytes("staging-root.json", &fixture_bytes("sigstore-staging-root.json"));
    f.closer(&["sigstore-root", "--from", "staging-root.json"]).ok();
    let registry = f.read("mirrors.yaml").replace("policy:\n", "policy:\n  sigstore_root: sigstore-root.json\n");
    f.write("mirrors.yaml", &registry);
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
