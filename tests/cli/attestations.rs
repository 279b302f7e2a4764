//! GitHub's artifact attestations as publishers ship them beside their builds: LLVM's
//! `X.jsonl` (one Sigstore bundle a line, as `gh attestation download` writes it) is the
//! file's Sigstore signature, and `attestation.jsonl` over several files is the release's
//! provenance. The bundle is the real DSSE attestation of tests/fixtures/sigstore. And a
//! CMS (X.509) signature, `X.p7s`: carried with its file, said not to be checked.

use crate::util::{Fixture, repo};

const CONDA: &str = "signed-package-2.1.0-hb0f4dca_0.conda";
const WORKFLOW: &str = "https://github.com/prefix-dev/sigstore-example/.github/workflows/action.yaml";
const ACTIONS: &str = "https://token.actions.githubusercontent.com";

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/sigstore").join(name)).unwrap()
}

/// A fixture with the trusted root named in the registry, the package, its attestation
/// as one JSON line in `X.jsonl`, and the project's page naming `identity` as signer.
fn attested(identity: &str) -> Fixture {
    let f = Fixture::new();
    f.closer(&["sigstore-root"]).ok();
    let registry = f.read("mirrors.yaml").replace("policy:\n", "policy:\n  sigstore_root: sigstore-root.json\n");
    f.write("mirrors.yaml", &registry);
    let bundle: serde_json::Value = serde_json::from_slice(&fixture_bytes("conda-attestation.sigstore.json")).unwrap();
    f.write_bytes(&format!("dist/conda/2.1.0/{CONDA}"), &fixture_bytes(CONDA));
    f.write(&format!("dist/conda/2.1.0/{CONDA}.jsonl"), &format!("{bundle}\n"));
    f.write("dist/conda/2.1.0/attestation.jsonl", &format!("{bundle}\n"));
    f.write(
        "content/conda.md",
        &format!("---\ntitle: Conda\nsigstore:\n  - identity: \"{identity}\"\n    issuer: {ACTIONS}\n---\n"),
    );
    f
}

/// The page names the workflow without its ref (each release's tag is in the identity):
/// the attestation signs the file, the page says who and gives `gh attestation verify`.
#[test]
fn a_github_attestation_beside_a_file_is_its_signature() {
    let f = attested(WORKFLOW);
    f.closer(&["build"]).ok();
    let page = f.read("site/conda/2.1.0/index.html");
    assert!(page.contains(&format!("Signed by {WORKFLOW}@refs/heads/main (GitHub Actions, Sigstore)")), "{page}");
    assert!(
        page.contains(&format!(
            "gh attestation verify {CONDA} --bundle {CONDA}.jsonl --repo prefix-dev/sigstore-example"
        )),
        "{page}"
    );
    // The release's `attestation.jsonl` is its provenance, no download needing a signature.
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let conda = doc.as_array().unwrap().iter().find(|p| p["project"] == "conda").unwrap();
    let files = conda["lines"][0]["releases"][0]["files"].as_array().unwrap();
    let artifacts: Vec<&str> =
        files.iter().filter(|x| x["role"] == "artifact").map(|x| x["path"].as_str().unwrap()).collect();
    assert_eq!(artifacts, [format!("conda/2.1.0/{CONDA}")], "{doc:#}");
    // The package changed after it was attested: both attestations say so.
    f.write(&format!("dist/conda/2.1.0/{CONDA}"), "a different package\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("{CONDA}.jsonl does not match {CONDA}")), "{}", run.stderr);
    assert!(run.stderr.contains(&format!("attestation.jsonl attests {CONDA}")), "{}", run.stderr);
}

/// Another workflow of the same repository, a workflow named with `*` for tags alone,
/// and the fix that names the workflow at any tag.
#[test]
fn a_workflow_signer_is_named_whole_or_by_a_glob() {
    let other = WORKFLOW.replace("action.yaml", "other.yaml");
    let run = attested(&other).closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("who is not a Sigstore signer of conda"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("identity: {WORKFLOW}@refs/heads/main")),
        "a branch is named as it is: {}",
        run.stderr
    );
    let run = attested(&format!("{WORKFLOW}@refs/tags/*")).closer(&["check"]);
    assert_eq!(run.code, 1, "signed from a branch, not a tag: {}", run.stderr);
    attested(&format!("{WORKFLOW}@refs/heads/*")).closer(&["check"]).ok();
}

/// `openssl cms -sign -binary -outform DER` beside a tarball (`X.p7s`): it was a download
/// of its own asking for `X.p7s.asc`, and nothing said it was a signature closer does not
/// check.
#[test]
fn a_cms_signature_goes_with_its_file_and_is_said_to_be_unchecked() {
    let f = Fixture::new();
    let dir = "dist/alpha/1.10";
    f.write(&format!("{dir}/alpha-1.10-win64.zip"), "a Windows build\n");
    let script = "openssl req -x509 -newkey rsa:2048 -nodes -keyout cms.key -out cms.crt -subj /CN=Release -days 30 \
                  2>/dev/null && openssl cms -sign -binary -in alpha-1.10-win64.zip -signer cms.crt -inkey cms.key \
                  -outform DER -out alpha-1.10-win64.zip.p7s && rm cms.key cms.crt";
    crate::minisign::shell(&f, dir, script);
    crate::bad_input::uploaded_long_ago(&f, &[&format!("{dir}/alpha-1.10-win64.zip")]);
    let err = f.closer(&["check"]).stderr.clone();
    assert!(!err.contains("p7s.asc"), "the CMS signature is no download: {err}");
    assert!(err.contains("alpha-1.10-win64.zip has no signature"), "{err}");
    assert!(err.contains("its CMS (X.509) signature alpha-1.10-win64.zip.p7s is carried beside it"), "{err}");
    f.write("content/alpha/1.10.md", "---\nunsigned_ok: \"the Windows build carries a CMS signature\"\n---\n");
    f.closer(&["build"]).ok();
    let files = crate::util::release_files(&f, "alpha");
    let cms = files.iter().find(|x| x["path"].as_str().unwrap().ends_with(".p7s")).expect("carried");
    assert_eq!(cms["role"], "companion", "{cms}");
    // Beside its file on the primary and the archive host, as signatures are.
    let list = f.read("dist/zzz/lists/fullfiletimelist-archive");
    assert!(list.contains("alpha-1.10-win64.zip.p7s"), "carried to the archive: {list}");
}
