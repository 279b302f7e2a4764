//! Sigstore signatures, offline, on real bundles (tests/fixtures/sigstore): a
//! CPython-shaped release signed with bundles alone and per-line signers, cosign's
//! `.sig` + `.cert` pair as Kubernetes ships it, and every way a bundle can be wrong:
//! the file, the bundle, the signer, the issuer and the root.

use crate::util::{Fixture, Run, repo};
use base64::Engine;

const BLOB: &str = "cosign-v3-blob";
const SIGNER: &str = "w.vollprecht@gmail.com";
const GITHUB: &str = "https://github.com/login/oauth";
const CONDA: &str = "signed-package-2.1.0-hb0f4dca_0.conda";
const WORKFLOW: &str = "https://github.com/prefix-dev/sigstore-example/.github/workflows/action.yaml@refs/heads/main";
const ACTIONS: &str = "https://token.actions.githubusercontent.com";

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/sigstore").join(name)).unwrap()
}

/// The page of project `python`: its Sigstore signers, `(identity, issuer, lines)`.
fn python_page(f: &Fixture, require: Option<&str>, signers: &[(&str, &str, &str)]) {
    let mut page = String::from("---\ntitle: Python\n");
    if let Some(r) = require {
        page.push_str(&format!("signatures: {r}\n"));
    }
    page.push_str("sigstore:\n");
    for (id, issuer, lines) in signers {
        page.push_str(&format!("  - identity: \"{id}\"\n    issuer: \"{issuer}\"\n    lines: [{lines}]\n"));
    }
    f.write("content/python.md", &format!("{page}---\nPython.\n"));
}

/// A fixture with the trusted root written by `closer sigstore-root` and named in the
/// registry, and a CPython-shaped project: 3.13.1 and 3.14.0, each tarball with its
/// `.sigstore` bundle (the real blob under CPython's names) and an SPDX SBOM, no `.asc`.
fn cpython() -> Fixture {
    let f = Fixture::new();
    let run = f.closer(&["sigstore-root"]);
    run.ok();
    assert!(run.stdout.contains("certificate authority https://fulcio.sigstore.dev"), "{}", run.stdout);
    assert!(run.stdout.contains("sigstore_root: sigstore-root.json"), "{}", run.stdout);
    let registry = f.read("mirrors.yaml").replace("policy:\n", "policy:\n  sigstore_root: sigstore-root.json\n");
    f.write("mirrors.yaml", &registry);
    for v in ["3.13.1", "3.14.0"] {
        let dir = format!("dist/python/{v}");
        f.write_bytes(&format!("{dir}/Python-{v}.tgz"), &fixture_bytes(&format!("{BLOB}.txt")));
        f.write_bytes(&format!("{dir}/Python-{v}.tgz.sigstore"), &fixture_bytes(&format!("{BLOB}.sigstore.json")));
        f.write(&format!("{dir}/Python-{v}.tgz.spdx.json"), r#"{"spdxVersion": "SPDX-2.3", "name": "Python"}"#);
    }
    python_page(&f, None, &[(SIGNER, GITHUB, "\"3.13\", \"3.14\"")]);
    f
}

fn problems(run: &Run) -> String {
    assert_eq!(run.code, 1, "expected problems\nstdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    run.stderr.clone()
}

#[test]
fn cpython_shaped_release_with_bundles_alone_is_published() {
    let f = cpython();
    let run = f.closer(&["build", "--stats"]);
    run.ok();
    assert_eq!(run.stat("sigstore_checked"), "2");
    let page = f.read("site/python/3.14.0/index.html");
    assert!(page.contains(&format!("Signed by {SIGNER} (GitHub, Sigstore)")), "{page}");
    assert!(!page.contains("Signature: missing"), "{page}");
    // Its verify lines, with the identity and issuer that signed, and no gpg lines.
    let bundle = "Python-3.14.0.tgz.sigstore";
    assert!(
        page.contains(&format!(
            "python3 -m sigstore verify identity --offline --bundle {bundle} --cert-identity {SIGNER} --cert-oidc-issuer {GITHUB} Python-3.14.0.tgz"
        )),
        "{page}"
    );
    assert!(page.contains(&format!("cosign verify-blob --offline --bundle {bundle}")), "{page}");
    assert!(!page.contains("gpg --verify Python"), "{page}");
    // The bundle and the SBOM are linked from the file's row, from the primary.
    assert!(
        page.contains(&format!(r#"href="https://dist.example.org/dist/python/3.14.0/{bundle}""#))
            || page.contains(bundle)
    );
    assert!(page.contains(">sbom</a>"), "{page}");
    // Scripts see it too.
    let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let python = json.as_array().unwrap().iter().find(|p| p["project"] == "python").unwrap();
    let file = &python["lines"][0]["releases"][0]["files"][0];
    assert_eq!(file["sigstore"]["form"], "bundle", "{file}");
    assert_eq!(file["sigstore"]["outcome"], "good", "{file}");
    assert_eq!(file["sigstore"]["identity"], SIGNER, "{file}");
    assert_eq!(file["sigstore"]["issuer"], GITHUB, "{file}");
    // The announcement mail says who signed and how to check it, as the page does.
    let mail = f.closer(&["announce", "--force", "python", "3.14.0"]).ok().stdout.clone();
    assert!(mail.contains(&format!("--cert-identity {SIGNER} --cert-oidc-issuer {GITHUB}")), "{mail}");
    assert!(mail.contains(&format!("signed with Sigstore by {SIGNER} (GitHub)")), "{mail}");
    assert!(!mail.contains("gpg --verify"), "{mail}");
    // OpenPGP projects beside it are judged as before.
    assert!(f.read("site/alpha/index.html").to_lowercase().contains("signed by"));
    // Unchanged bundles are not verified again; a changed root verifies them again.
    let again = f.closer(&["build", "--stats"]);
    again.ok();
    assert_eq!(again.stat("sigstore_checked"), "0");
    f.write("sigstore-root.json", &format!("{}\n", f.read("sigstore-root.json")));
    assert_eq!(f.closer(&["build", "--stats"]).ok().stat("sigstore_checked"), "2");
}

#[test]
fn signers_are_per_release_line() {
    let f = cpython();
    // 3.13 is signed by someone else (PEP 761: thomas@ for 3.12-3.13, hugo@ for 3.14-3.15).
    python_page(
        &f,
        None,
        &[("thomas@python.org", "https://accounts.google.com", "\"3.13\""), (SIGNER, GITHUB, "\"3.14\"")],
    );
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("release python 3.13.1: Python-3.13.1.tgz.sigstore is signed by w.vollprecht@gmail.com (GitHub), whom content/python.md names as a Sigstore signer of lines 3.14 only, not of 3.13 (it names thomas@python.org (Google) for it)"), "{err}");
    assert!(!err.contains("python 3.14.0"), "{err}");
    // Named for another line only, and nobody for this one: said so, with the line to add.
    python_page(&f, None, &[(SIGNER, GITHUB, "\"3.14\"")]);
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("whom content/python.md names as a Sigstore signer of lines 3.14 only, not of 3.13"), "{err}");
    assert!(err.contains("add \"3.13\" to their `lines:` in content/python.md"), "{err}");
    // Same identity, another identity provider: the issuer is named.
    python_page(&f, None, &[(SIGNER, "https://accounts.google.com", "")]);
    let err = problems(&f.closer(&["check"]));
    assert!(
        err.contains(&format!(
            "is signed by {SIGNER} through {GITHUB}, but python names https://accounts.google.com as its issuer"
        )),
        "{err}"
    );
    assert!(err.contains(&format!("write `issuer: {GITHUB}` for them in content/python.md")), "{err}");
    // An issuer by name, or with a trailing slash: the URL certificates give is named.
    python_page(&f, None, &[(SIGNER, "github", ""), ("thomas@python.org", "https://accounts.google.com/", "")]);
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("issuer \"github\" is not the issuer's URL as certificates name it"), "{err}");
    assert!(err.contains(&format!("write `issuer: {GITHUB}`")), "{err}");
    assert!(err.contains("write `issuer: https://accounts.google.com`"), "{err}");
}

#[test]
fn tampered_file_bundle_and_foreign_root_are_refused() {
    let f = cpython();
    f.closer(&["check"]).ok();
    // The file.
    f.write("dist/python/3.14.0/Python-3.14.0.tgz", "not what was signed\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("Python-3.14.0.tgz.sigstore does not match Python-3.14.0.tgz"), "{err}");
    f.write_bytes("dist/python/3.14.0/Python-3.14.0.tgz", &fixture_bytes(&format!("{BLOB}.txt")));
    f.closer(&["check"]).ok();
    // The bundle: its signature over the file, one byte changed.
    let text = String::from_utf8(fixture_bytes(&format!("{BLOB}.sigstore.json"))).unwrap();
    let bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
    let sig = bundle["messageSignature"]["signature"].as_str().unwrap();
    let mut raw = base64::engine::general_purpose::STANDARD.decode(sig).unwrap();
    let last = raw.len() - 3;
    raw[last] ^= 1;
    let forged = text.replace(sig, &base64::engine::general_purpose::STANDARD.encode(&raw));
    f.write("dist/python/3.14.0/Python-3.14.0.tgz.sigstore", &forged);
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("release python 3.14.0: Python-3.14.0.tgz.sigstore"), "{err}");
    // Not JSON at all.
    f.write("dist/python/3.14.0/Python-3.14.0.tgz.sigstore", "{\"mediaType\": 1");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("is not a usable Sigstore signature"), "{err}");
    f.write(
        "dist/python/3.14.0/Python-3.14.0.tgz.sigstore",
        &String::from_utf8(fixture_bytes(&format!("{BLOB}.sigstore.json"))).unwrap(),
    );
    f.closer(&["check"]).ok();
    // A root without the public instance's authorities vouches for nothing.
    let root: serde_json::Value = serde_json::from_str(&f.read("sigstore-root.json")).unwrap();
    let mut other = root.clone();
    other["certificateAuthorities"] = serde_json::json!([]);
    f.write("sigstore-root.json", &other.to_string());
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("is not vouched for by the Sigstore trusted root"), "{err}");
    // A root that is not one: the registry's problem, with the command that fixes it.
    f.write("sigstore-root.json", "[]");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("policy.sigstore_root"), "{err}");
    assert!(err.contains("closer sigstore-root --file"), "{err}");
    // A bundle given as the root, to the command or to the registry: refused as what it is.
    let bundle = f.path("dist/python/3.14.0/Python-3.14.0.tgz.sigstore");
    let run = f.closer(&["sigstore-root", "--from", bundle.to_str().unwrap(), "--file", "root2.json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("it is a Sigstore bundle (application/vnd.dev.sigstore.bundle"), "{}", run.stderr);
    assert!(!f.path("root2.json").exists(), "nothing written");
    f.write("sigstore-root.json", &f.read("dist/python/3.14.0/Python-3.14.0.tgz.sigstore"));
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("it is a Sigstore bundle") && err.contains("closer sigstore-root --file"), "{err}");
}

#[test]
fn requirement_openpgp_sigstore_either_both() {
    let f = cpython();
    // `both`: the missing `.asc` is a problem too.
    python_page(&f, Some("both"), &[(SIGNER, GITHUB, "")]);
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("Python-3.14.0.tgz has no signature (Python-3.14.0.tgz.asc is missing)"), "{err}");
    // The fix says the bundle is good and the page asks for OpenPGP too, not to name the
    // signer it already names.
    assert!(err.contains("its Sigstore signature (Python-3.14.0.tgz.sigstore) is good, but content/python.md requires an OpenPGP signature too"), "{err}");
    assert!(err.contains("write `signatures: either`") && !err.contains("name who signs"), "{err}");
    // `either`, naming nobody: a file with no bundle is missing its OpenPGP signature
    // alone, not a Sigstore one too.
    f.write("content/alpha.md", "---\ntitle: Alpha\nsignatures: either\n---\n");
    std::fs::remove_file(f.path("dist/alpha/1.10/alpha-1.10.tar.gz.asc")).unwrap();
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("alpha-1.10.tar.gz has no signature (alpha-1.10.tar.gz.asc is missing)"), "{err}");
    assert!(!err.contains("alpha-1.10.tar.gz has no Sigstore signature"), "{err}");
    let key = crate::util::repo().join(crate::util::DEMO_KEY);
    f.closer(&["sign", "--key", key.to_str().unwrap(), "dist/alpha/1.10"]).ok();
    // `sigstore`, with one tarball's bundle gone: that one is missing, with how to sign.
    python_page(&f, Some("sigstore"), &[(SIGNER, GITHUB, "")]);
    std::fs::remove_file(f.path("dist/python/3.13.1/Python-3.13.1.tgz.sigstore")).unwrap();
    let err = problems(&f.closer(&["check"]));
    assert!(
        err.contains(
            "Python-3.13.1.tgz has no Sigstore signature (no Python-3.13.1.tgz.sigstore or .sigstore.json beside it)"
        ),
        "{err}"
    );
    assert!(err.contains("python3 -m sigstore sign Python-3.13.1.tgz"), "{err}");
    assert!(!err.contains(".asc is missing"), "{err}");
    // `openpgp` with no signers named: bundles are carried, not judged.
    f.write("content/python.md", "---\ntitle: Python\nunsigned: \"Sigstore only, checked by hand\"\n---\n");
    f.closer(&["check"]).ok();
}

/// cosign's pair as Kubernetes ships it (`kubectl.sig` base64, `kubectl.cert` base64
/// PEM), made from the real bundle's signature and certificate.
#[test]
fn kubernetes_shaped_sig_and_cert_pair() {
    let f = cpython();
    let text = String::from_utf8(fixture_bytes(&format!("{BLOB}.sigstore.json"))).unwrap();
    let bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
    let sig = bundle["messageSignature"]["signature"].as_str().unwrap();
    let der = bundle["verificationMaterial"]["certificate"]["rawBytes"].as_str().unwrap();
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let pem = format!("-----BEGIN CERTIFICATE-----\n{der}\n-----END CERTIFICATE-----\n");
    f.write_bytes("dist/kubernetes/v1.31.0/kubectl", &fixture_bytes(&format!("{BLOB}.txt")));
    f.write("dist/kubernetes/v1.31.0/kubectl.sig", sig);
    f.write("dist/kubernetes/v1.31.0/kubectl.cert", &b64(pem.as_bytes()));
    f.write(
        "content/kubernetes.md",
        &format!("---\ntitle: Kubernetes\nsignatures: sigstore\nsigstore:\n  - identity: {SIGNER}\n    issuer: {GITHUB}\n---\n"),
    );
    f.closer(&["build"]).ok();
    let page = f.read("site/kubernetes/v1.31.0/index.html");
    assert!(page.contains(&format!("Signed by {SIGNER} (GitHub, Sigstore)")), "{page}");
    assert!(page.contains("cosign verify-blob --signature kubectl.sig --certificate kubectl.cert"), "{page}");
    // The file changed: its signature no longer matches.
    f.write("dist/kubernetes/v1.31.0/kubectl", "another kubectl\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("kubectl.sig + kubectl.cert does not match kubectl"), "{err}");
    // A certificate of nobody Sigstore knows: its own self-signed one would do.
    f.write_bytes("dist/kubernetes/v1.31.0/kubectl", &fixture_bytes(&format!("{BLOB}.txt")));
    let root: serde_json::Value = serde_json::from_str(&f.read("sigstore-root.json")).unwrap();
    let ca = root["certificateAuthorities"][1]["certChain"]["certificates"][0]["rawBytes"].as_str().unwrap();
    f.write(
        "dist/kubernetes/v1.31.0/kubectl.cert",
        &format!("-----BEGIN CERTIFICATE-----\n{ca}\n-----END CERTIFICATE-----\n"),
    );
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("kubectl.sig + kubectl.cert"), "{err}");
}

/// A DSSE attestation (in-toto statement over the package) from GitHub Actions.
#[test]
fn github_actions_attestation_bundle() {
    let f = cpython();
    f.write_bytes(&format!("dist/conda/2.1.0/{CONDA}"), &fixture_bytes(CONDA));
    f.write_bytes(
        &format!("dist/conda/2.1.0/{CONDA}.sigstore.json"),
        &fixture_bytes("conda-attestation.sigstore.json"),
    );
    f.write(
        "content/conda.md",
        &format!("---\ntitle: Conda\nsigstore:\n  - identity: \"{WORKFLOW}\"\n    issuer: {ACTIONS}\n---\n"),
    );
    f.closer(&["build"]).ok();
    let page = f.read("site/conda/2.1.0/index.html");
    assert!(page.contains(&format!("Signed by {WORKFLOW} (GitHub Actions, Sigstore)")), "{page}");
    // Another package under the same name: the attestation's subject does not match.
    f.write(&format!("dist/conda/2.1.0/{CONDA}"), "a different package\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains(&format!("{CONDA}.sigstore.json does not match {CONDA}")), "{err}");
}

/// Provenance (`F.intoto.jsonl`, and SLSA's `multiple.intoto.jsonl` for a release) must
/// name the file's SHA-256; an SBOM must be SPDX or CycloneDX. The provenance is the
/// real attestation's in-toto statement over the conda package, one JSON line.
#[test]
fn provenance_and_sboms_are_read_and_checked() {
    let f = Fixture::new();
    let bundle: serde_json::Value = serde_json::from_slice(&fixture_bytes("conda-attestation.sigstore.json")).unwrap();
    let line = format!("{}\n", bundle);
    f.write_bytes(&format!("dist/conda/2.1.0/{CONDA}"), &fixture_bytes(CONDA));
    f.write(&format!("dist/conda/2.1.0/{CONDA}.intoto.jsonl"), &line);
    f.write("dist/conda/2.1.0/multiple.intoto.jsonl", &line);
    f.write(&format!("dist/conda/2.1.0/{CONDA}.cdx.json"), r#"{"bomFormat": "CycloneDX", "specVersion": "1.5"}"#);
    f.write("content/conda.md", "---\ntitle: Conda\nunsigned: \"attested by provenance only\"\n---\n");
    f.closer(&["build"]).ok();
    let page = f.read("site/conda/2.1.0/index.html");
    assert!(page.contains(">provenance</a>") && page.contains(">sbom</a>"), "{page}");
    // The archive carries them, and the release's own provenance; like signatures, the
    // mirrors do not (they come from the primary, never from the mirror that serves the file).
    let archive = f.read("dist/zzz/lists/fullfiletimelist-archive");
    let mirrors = f.read("dist/fullfiletimelist-dist");
    for name in [format!("{CONDA}.intoto.jsonl"), format!("{CONDA}.cdx.json"), "multiple.intoto.jsonl".into()] {
        assert!(archive.contains(&format!("\tconda/2.1.0/{name}\n")), "{name} not in the archive's list:\n{archive}");
        assert!(!mirrors.contains(&name), "{name} in the mirrors' list:\n{mirrors}");
    }
    assert!(mirrors.contains(&format!("\tconda/2.1.0/{CONDA}\n")), "{mirrors}");
    // The package changed after it was attested: both provenances name the mismatch.
    f.write(&format!("dist/conda/2.1.0/{CONDA}"), "rebuilt without attesting\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains(&format!("{CONDA}.intoto.jsonl attests {CONDA} (")), "{err}");
    assert!(err.contains(&format!("not {CONDA} (SHA-256 ")), "{err}");
    assert!(err.contains(&format!("multiple.intoto.jsonl attests {CONDA} with SHA-256")), "{err}");
    // An SBOM that is not one.
    f.write_bytes(&format!("dist/conda/2.1.0/{CONDA}"), &fixture_bytes(CONDA));
    f.write(&format!("dist/conda/2.1.0/{CONDA}.cdx.json"), r#"{"spdxVersion": "SPDX-2.3"}"#);
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains(&format!("{CONDA}.cdx.json is not a CycloneDX document")), "{err}");
    assert!(!err.contains("intoto"), "{err}");
}

/// GoReleaser's shape: the checksum list alone is signed, with a bundle
/// (`checksums.txt.sigstore.json`) or cosign's pair (`.sig` + `.pem`). The real bundle
/// signs a text that lists nothing, so what is checked here is the list's own
/// signature and signer; what a good list signs through it is `minisign`'s test.
#[test]
fn goreleaser_shaped_checksum_list_signed_with_sigstore() {
    let f = cpython();
    let dir = "dist/tool/v1.2.0";
    // The archive is signed on its own (OpenPGP) as the list lists nothing.
    f.write(&format!("{dir}/tool_1.2.0_linux_amd64.tar.gz"), "tool\n");
    f.write("dist/tool/KEYS", &f.read("dist/alpha/KEYS"));
    let key = repo().join(crate::util::DEMO_KEY);
    let artifact = f.path(&format!("{dir}/tool_1.2.0_linux_amd64.tar.gz"));
    f.closer(&["sign", "--key", key.to_str().unwrap(), artifact.to_str().unwrap()]).ok();
    f.write_bytes(&format!("{dir}/tool_1.2.0_checksums.txt"), &fixture_bytes(&format!("{BLOB}.txt")));
    f.write_bytes(
        &format!("{dir}/tool_1.2.0_checksums.txt.sigstore.json"),
        &fixture_bytes(&format!("{BLOB}.sigstore.json")),
    );
    let page = |who: &str| format!("---\ntitle: Tool\nsigstore:\n  - identity: {who}\n    issuer: {GITHUB}\n---\n");
    f.write("content/tool.md", &page(SIGNER));
    let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let tool = json.as_array().unwrap().iter().find(|p| p["project"] == "tool").unwrap();
    let files = tool["lines"][0]["releases"][0]["files"].as_array().unwrap();
    let role =
        |name: &str| files.iter().find(|f| f["path"] == format!("tool/v1.2.0/{name}")).map(|f| f["role"].clone());
    assert_eq!(role("tool_1.2.0_checksums.txt.sigstore.json").unwrap(), "signed-checksum-list", "{files:?}");
    assert_eq!(role("tool_1.2.0_checksums.txt").unwrap(), "checksum-list", "{files:?}");
    f.closer(&["check"]).ok();
    // Signed by someone the project does not name.
    f.write("content/tool.md", &page("someone@example.org"));
    let err = problems(&f.closer(&["check"]));
    assert!(
        err.contains("the signed list tool_1.2.0_checksums.txt.sigstore.json is signed by w.vollprecht@gmail.com"),
        "{err}"
    );
    assert!(err.contains("so it signs none of the files it lists"), "{err}");
    // The list changed after it was signed.
    f.write("content/tool.md", &page(SIGNER));
    f.write(&format!("{dir}/tool_1.2.0_checksums.txt"), "0000  tool_1.2.0_linux_amd64.tar.gz\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("the signed list tool_1.2.0_checksums.txt.sigstore.json is bad"), "{err}");
    assert!(
        err.contains("cosign sign-blob --bundle tool_1.2.0_checksums.txt.sigstore.json tool_1.2.0_checksums.txt"),
        "{err}"
    );
    // cosign's pair as GoReleaser wrote it up to v2.12 (`.sig` + `.pem`).
    f.write_bytes(&format!("{dir}/tool_1.2.0_checksums.txt"), &fixture_bytes(&format!("{BLOB}.txt")));
    std::fs::remove_file(f.path(&format!("{dir}/tool_1.2.0_checksums.txt.sigstore.json"))).unwrap();
    let text = String::from_utf8(fixture_bytes(&format!("{BLOB}.sigstore.json"))).unwrap();
    let bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
    let der = bundle["verificationMaterial"]["certificate"]["rawBytes"].as_str().unwrap();
    let pem = format!("-----BEGIN CERTIFICATE-----\n{der}\n-----END CERTIFICATE-----\n");
    f.write(&format!("{dir}/tool_1.2.0_checksums.txt.sig"), bundle["messageSignature"]["signature"].as_str().unwrap());
    f.write(&format!("{dir}/tool_1.2.0_checksums.txt.pem"), &base64::engine::general_purpose::STANDARD.encode(pem));
    f.closer(&["build"]).ok();
    // The archive keeps the list, its signature and the certificate.
    let archive = f.read("dist/zzz/lists/fullfiletimelist-archive");
    for name in ["tool_1.2.0_checksums.txt", "tool_1.2.0_checksums.txt.sig", "tool_1.2.0_checksums.txt.pem"] {
        assert!(archive.contains(&format!("tool/v1.2.0/{name}\n")), "{name} in the archive's list:\n{archive}");
    }
}

/// cosign's own releases (to v3.0.0): `cosign-linux-amd64-keyless.sig` + `-keyless.pem`
/// beside the binary, and `cosign-linux-amd64.sig` signed with a KMS key, which is not
/// OpenPGP and is carried as it is.
#[test]
fn cosign_shaped_keyless_pair() {
    let f = cpython();
    let text = String::from_utf8(fixture_bytes(&format!("{BLOB}.sigstore.json"))).unwrap();
    let bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
    let der = bundle["verificationMaterial"]["certificate"]["rawBytes"].as_str().unwrap();
    let pem = format!("-----BEGIN CERTIFICATE-----\n{der}\n-----END CERTIFICATE-----\n");
    let dir = "dist/cosign/v2.4.1";
    f.write_bytes(&format!("{dir}/cosign-linux-amd64"), &fixture_bytes(&format!("{BLOB}.txt")));
    f.write(
        &format!("{dir}/cosign-linux-amd64-keyless.sig"),
        bundle["messageSignature"]["signature"].as_str().unwrap(),
    );
    f.write(&format!("{dir}/cosign-linux-amd64-keyless.pem"), &base64::engine::general_purpose::STANDARD.encode(pem));
    f.write(&format!("{dir}/cosign-linux-amd64.sig"), "MEUCIQDkms-signature-not-openpgp==");
    f.write(
        "content/cosign.md",
        &format!("---\ntitle: cosign\nsigstore:\n  - identity: {SIGNER}\n    issuer: {GITHUB}\n---\n"),
    );
    f.closer(&["build"]).ok();
    let page = f.read("site/cosign/v2.4.1/index.html");
    assert!(page.contains(&format!("Signed by {SIGNER} (GitHub, Sigstore)")), "{page}");
    assert!(
        page.contains(
            "cosign verify-blob --signature cosign-linux-amd64-keyless.sig --certificate cosign-linux-amd64-keyless.pem"
        ),
        "{page}"
    );
    f.write(&format!("{dir}/cosign-linux-amd64"), "another cosign\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("cosign-linux-amd64-keyless.sig + cosign-linux-amd64-keyless.pem does not match"), "{err}");
}

/// Project `tool`: the real blob as `tool-1.2.0.tar.gz` with `bundle` beside it as
/// `X{ext}`, its page naming the blob's signer; checked. Every file `closer releases`
/// reads in the project, and the tarball's.
fn tool_with_bundle(f: &Fixture, bundle: &[u8], ext: &str) -> (Vec<serde_json::Value>, serde_json::Value) {
    let dir = "dist/tool/1.2.0";
    f.write_bytes(&format!("{dir}/tool-1.2.0.tar.gz"), &fixture_bytes(&format!("{BLOB}.txt")));
    f.write_bytes(&format!("{dir}/tool-1.2.0.tar.gz{ext}"), bundle);
    f.write(
        "content/tool.md",
        &format!("---\ntitle: Tool\nsigstore:\n  - identity: {SIGNER}\n    issuer: {GITHUB}\n---\n"),
    );
    f.closer(&["check"]).ok();
    let files = crate::util::release_files(f, "tool");
    let tarball = files.iter().find(|x| x["path"] == "tool/1.2.0/tool-1.2.0.tar.gz").unwrap().clone();
    (files, tarball)
}

/// Bundles named as cosign users name them (`cosign sign-blob --bundle X.bundle`, a
/// list's `checksums.txt.cosign-bundle`): read as Sigstore bundles, a file's when the
/// file is beside it, a list's when it signs a list; before, each was an artifact that
/// wanted a signature of its own.
#[test]
fn bundles_named_bundle_or_cosign_bundle_are_read_as_bundles() {
    let f = cpython();
    // As `X.bundle`, `X.bundle.json` (opentelemetry-ebpf), `X.sigstore.jsonl` (borg).
    let bundle = fixture_bytes(&format!("{BLOB}.sigstore.json"));
    let line = serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(&bundle).unwrap()).unwrap();
    for (ext, bytes) in [(".bundle", &bundle), (".bundle.json", &bundle), (".sigstore.jsonl", &line)] {
        let (files, tarball) = tool_with_bundle(&f, bytes, ext);
        assert_eq!(
            (&tarball["sigstore"]["form"], &tarball["sigstore"]["outcome"]),
            (&"bundle".into(), &"good".into()),
            "{ext}: {files:?}"
        );
        assert_eq!(files.len(), 2, "{ext}: the bundle is the tarball's, no file of its own: {files:?}");
        std::fs::remove_file(f.path(&format!("dist/tool/1.2.0/tool-1.2.0.tar.gz{ext}"))).unwrap();
    }
    // A list's bundle, named `.cosign-bundle`, signs the files it lists.
    let list = "dist/gadget/1.0";
    f.write_bytes(&format!("{list}/SHA256SUMS"), &fixture_bytes(&format!("{BLOB}.txt")));
    f.write_bytes(&format!("{list}/SHA256SUMS.cosign-bundle"), &fixture_bytes(&format!("{BLOB}.sigstore.json")));
    f.write(&format!("{list}/gadget-1.0.tar.gz"), "gadget\n");
    f.write(
        "content/gadget.md",
        &format!("---\ntitle: Gadget\nsigstore:\n  - identity: {SIGNER}\n    issuer: {GITHUB}\n---\n"),
    );
    // (The fixture's list does not name gadget's tarball: that one is a problem here;
    // the list's bundle itself checks out: no problem names it.)
    let run = f.closer(&["releases", "--json"]);
    assert!(!run.stderr.contains("SHA256SUMS.cosign-bundle"), "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let gadget = json.as_array().unwrap().iter().find(|p| p["project"] == "gadget").unwrap();
    let files = gadget["lines"][0]["releases"][0]["files"].as_array().unwrap();
    let role = |end: &str| files.iter().find(|x| x["path"].as_str().unwrap().ends_with(end)).map(|x| x["role"].clone());
    assert_eq!(role("SHA256SUMS.cosign-bundle"), Some("signed-checksum-list".into()), "{files:?}");
    // Signed by someone the page does not name: the list is named, so it was checked.
    f.write(
        "content/gadget.md",
        &format!("---\ntitle: Gadget\nsigstore:\n  - identity: x@example.org\n    issuer: {GITHUB}\n---\n"),
    );
    let run = f.closer(&["check"]);
    assert!(
        run.stderr.contains("the signed list SHA256SUMS.cosign-bundle is signed by w.vollprecht@gmail.com"),
        "{}",
        run.stderr
    );
    // The same bundle saved as `SHA256SUMS.sig` (`cosign sign-blob --bundle SHA256SUMS.sig`):
    // told from an OpenPGP signature by its content.
    std::fs::rename(f.path(&format!("{list}/SHA256SUMS.cosign-bundle")), f.path(&format!("{list}/SHA256SUMS.sig")))
        .unwrap();
    let run = f.closer(&["check"]);
    assert!(
        run.stderr.contains("the signed list SHA256SUMS.sig is signed by w.vollprecht@gmail.com"),
        "{}",
        run.stderr
    );
}

/// The real bundle rewritten in cosign's legacy form (`cosign sign-blob --bundle` of
/// cosign 1 and 2: `base64Signature`, `cert` as base64 PEM, `rekorBundle`), as projects
/// still ship `X.bundle`: verified as the same signing ("missing field
/// `verificationMaterial`" and "sign again" before); a changed file is bad.
#[test]
fn cosign_legacy_bundles_are_verified() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let f = cpython();
    let bundle: serde_json::Value = serde_json::from_slice(&fixture_bytes(&format!("{BLOB}.sigstore.json"))).unwrap();
    let entry = &bundle["verificationMaterial"]["tlogEntries"][0];
    let der = bundle["verificationMaterial"]["certificate"]["rawBytes"].as_str().unwrap();
    let wrapped: Vec<String> = der.as_bytes().chunks(64).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
    let pem = format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", wrapped.join("\n"));
    let log_id: String =
        b64.decode(entry["logId"]["keyId"].as_str().unwrap()).unwrap().iter().map(|b| format!("{b:02x}")).collect();
    let legacy = serde_json::json!({
        "base64Signature": bundle["messageSignature"]["signature"],
        "cert": b64.encode(pem),
        "rekorBundle": {
            "SignedEntryTimestamp": entry["inclusionPromise"]["signedEntryTimestamp"],
            "Payload": {
                "body": entry["canonicalizedBody"],
                "integratedTime": entry["integratedTime"].as_str().unwrap().parse::<i64>().unwrap(),
                "logIndex": entry["logIndex"].as_str().unwrap().parse::<i64>().unwrap(),
                "logID": log_id,
            }
        }
    });
    let dir = "dist/tool/1.2.0";
    let (files, tarball) = tool_with_bundle(&f, legacy.to_string().as_bytes(), ".bundle");
    assert_eq!(tarball["sigstore"]["outcome"], "good", "{files:?}");
    f.write(&format!("{dir}/tool-1.2.0.tar.gz"), "another tool\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("tool-1.2.0.tar.gz") && !err.contains("verificationMaterial"), "{err}");
}

/// A provenance line that is a Sigstore bundle (GitHub's attestations, `F.intoto.jsonl`)
/// is verified against the trusted root: the real attestation checks out; one whose
/// signature was altered, with its statement intact, was linked as the file's
/// provenance without a word.
#[test]
fn an_attestation_bundle_is_verified_not_only_read() {
    let f = cpython();
    let bundle: serde_json::Value = serde_json::from_slice(&fixture_bytes("conda-attestation.sigstore.json")).unwrap();
    let dir = "dist/conda/2.1.0";
    f.write_bytes(&format!("{dir}/{CONDA}"), &fixture_bytes(CONDA));
    f.write(&format!("{dir}/{CONDA}.intoto.jsonl"), &format!("{bundle}\n"));
    f.write("content/conda.md", "---\ntitle: Conda\nunsigned: \"attested by provenance only\"\n---\n");
    f.closer(&["check"]).ok();
    let mut forged = bundle.clone();
    let sig = forged["dsseEnvelope"]["signatures"][0]["sig"].as_str().unwrap().to_string();
    let flipped = if sig.as_bytes()[20] == b'A' { 'B' } else { 'A' };
    forged["dsseEnvelope"]["signatures"][0]["sig"] = format!("{}{flipped}{}", &sig[..20], &sig[21..]).into();
    f.write(&format!("{dir}/{CONDA}.intoto.jsonl"), &format!("{forged}\n"));
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains(&format!("{CONDA}.intoto.jsonl line 1: its Sigstore signature is")), "{err}");
}

/// PyPI's PEP 740 attestation beside its sdist (`X.publish.attestation`, the real one of
/// pypi-attestations 0.0.19, signed from GitHub Actions): verified as the Sigstore
/// signing it wraps, with the identity its page names (each was an artifact wanting a
/// signature, and its sdist had none); a changed sdist is not vouched for.
#[test]
fn pep740_attestations_sign_their_distributions() {
    let f = cpython();
    let sdist = "pypi_attestations-0.0.19.tar.gz";
    let dir = "dist/pypi-attestations/0.0.19";
    f.write_bytes(&format!("{dir}/{sdist}"), &fixture_bytes(sdist));
    let attestation = format!("{sdist}.publish.attestation");
    f.write_bytes(&format!("{dir}/{attestation}"), &fixture_bytes(&attestation));
    let workflow = "https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19";
    f.write(
        "content/pypi-attestations.md",
        &format!(
            "---\ntitle: pypi-attestations\nsigstore:\n  - identity: \"{workflow}\"\n    issuer: \"{ACTIONS}\"\n---\n"
        ),
    );
    f.closer(&["build"]).ok();
    let files = crate::util::release_files(&f, "pypi-attestations");
    let a = files.iter().find(|x| x["path"] == format!("pypi-attestations/0.0.19/{sdist}")).unwrap();
    assert_eq!(
        (&a["sigstore"]["outcome"], &a["sigstore"]["identity"]),
        (&"good".into(), &workflow.into()),
        "{files:?}"
    );
    let page = f.read("site/pypi-attestations/0.0.19/index.html");
    assert!(page.contains("pypi_attestations verify attestation"), "{page}");
    f.write(&format!("{dir}/{sdist}"), "another sdist\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains(&format!("{attestation} does not match {sdist}")), "{err}");
}
