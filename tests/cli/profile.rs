//! `policy.profile: asf`: the ASF's release rules as Apache Trusted Releases checks
//! them, at build time. A release that keeps every rule is published; then every rule
//! is broken once, and each says what, where, the fix and where the rule is written.

use crate::util::{Fixture, Run};
use std::io::Write;

/// A `.tar.gz` holding `files` (path, text), made with the tar crate.
fn tar_gz(files: &[(&str, &str)]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    for (path, text) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(text.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, path, text.as_bytes()).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap()
}

/// A `.zip` holding `files`, stored.
fn zip(files: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (path, text) in files {
        w.start_file(*path, options).unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const RELEASE: &str = "dist/foo/1.0";

/// The fixture under `policy.profile: PROFILE`, with one project, `project` (its KEYS
/// the demo key's), in place of the fixture's alpha and beta (which publish no checksum
/// files and no archive that keeps any profile's rules: not these tests' concern).
fn profiled(profile: &str, project: &str) -> Fixture {
    let f = Fixture::new();
    let registry = f.read("mirrors.yaml").replace("policy:\n", &format!("policy:\n  profile: {profile}\n"));
    f.write("mirrors.yaml", &registry);
    for p in ["alpha", "beta"] {
        std::fs::remove_dir_all(f.path(&format!("dist/{p}"))).unwrap();
    }
    std::fs::remove_file(f.path("content/alpha.md")).unwrap();
    std::fs::remove_dir_all(f.path("content/alpha")).unwrap();
    let keys = std::fs::read_to_string(crate::util::repo().join("dist/hello/KEYS")).unwrap();
    f.write(&format!("dist/{project}/KEYS"), &keys);
    f
}

/// An ASF-shaped release that keeps every rule: a source tarball and a binary zip, each
/// with LICENSE and NOTICE in one top directory named like the file, `.asc` and a
/// checksum file each.
fn asf() -> Fixture {
    let f = profiled("asf", "foo");
    let src = tar_gz(&[
        ("apache-foo-1.0/LICENSE", "Apache License 2.0\n"),
        ("apache-foo-1.0/NOTICE", "Apache Foo\n"),
        ("apache-foo-1.0/src/foo.c", "int main;\n"),
    ]);
    f.write_bytes(&format!("{RELEASE}/apache-foo-1.0-src.tar.gz"), &src);
    let bin =
        zip(&[("apache-foo-1.0/LICENSE", "L\n"), ("apache-foo-1.0/NOTICE", "N\n"), ("apache-foo-1.0/bin/foo", "x\n")]);
    f.write_bytes(&format!("{RELEASE}/apache-foo-1.0-bin.zip"), &bin);
    f.write(&format!("{RELEASE}/apache-foo-1.0-src.tar.gz.sha512"), &sum(&src, "apache-foo-1.0-src.tar.gz"));
    f.write(&format!("{RELEASE}/apache-foo-1.0-bin.zip.sha512"), &sum(&bin, "apache-foo-1.0-bin.zip"));
    f.sign();
    f
}

fn sum(bytes: &[u8], name: &str) -> String {
    format!("{}  {name}\n", crate::util::sha512_hex(bytes))
}

fn problems(run: &Run) -> String {
    assert_eq!(run.code, 1, "expected problems\nstdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    run.stderr.clone()
}

#[test]
fn a_release_that_keeps_the_asf_rules_is_published() {
    let f = asf();
    let run = f.closer(&["build"]);
    run.ok();
    assert!(!run.stderr.contains("[asf rule"), "{}", run.stderr);
    // A second build reads no archive again (the cache), and says the same.
    let again = f.closer(&["build"]);
    again.ok();
    assert!(!again.stderr.contains("[asf rule"));
}

#[test]
fn every_asf_rule_broken_once() {
    let f = asf();
    let at = |name: &str| format!("{RELEASE}/{name}");
    // Concerns: warnings, said, and the release is published.
    let wrong_root = tar_gz(&[("foo/LICENSE", "L\n"), ("foo/NOTICE", "N\n")]);
    f.write_bytes(&at("apache-foo-1.0-source.tar.gz"), &wrong_root);
    f.write(&at("apache-foo-1.0-source.tar.gz.sha512"), &sum(&wrong_root, "apache-foo-1.0-source.tar.gz"));
    f.write(&at("apache-foo-1.0-src.tar.gz.sha1"), &sha1_of(&f.read_bytes(&at("apache-foo-1.0-src.tar.gz"))));
    f.sign();
    let run = f.closer(&["build"]);
    run.ok();
    for (rule, what) in [
        ("asf-sha1", "apache-foo-1.0-src.tar.gz.sha1 is published"),
        ("asf-archive-root", "apache-foo-1.0-source.tar.gz unpacks to foo/, not apache-foo-1.0-source/"),
    ] {
        let line = run
            .stderr
            .lines()
            .find(|l| l.contains(&format!("[asf rule {rule}]")))
            .unwrap_or_else(|| panic!("{rule} not warned:\n{}", run.stderr));
        assert!(line.starts_with("warning: ") && line.contains(what), "{rule}: {line}");
    }
    // Blockers.
    f.write(&at("apache-foo-1.0-src.tar.gz.md5"), "d41d8cd98f00b204e9800998ecf8427e\n");
    f.write_bytes(&at("apache-foo-1.0-bin.zip.sig"), b"\x89binary signature");
    f.write(&at("KEYS"), &f.read("dist/foo/KEYS"));
    f.write(&at(".htaccess"), "Options +Indexes\n");
    let no_notice = zip(&[("apache-foo-1.0-docs/LICENSE", "L\n"), ("apache-foo-1.0-docs/x.html", "x\n")]);
    f.write_bytes(&at("apache-foo-1.0-docs.zip"), &no_notice);
    f.write(&at("apache-foo-1.0-docs.zip.sha256"), "0000\n");
    let mut torn = tar_gz(&[("apache-foo-1.0-lib/LICENSE", &"l".repeat(100_000))]);
    torn.truncate(torn.len() / 2);
    f.write_bytes(&at("apache-foo-1.0-lib.tar.gz"), &torn);
    f.write(&at("apache-foo-1.0-lib.tar.gz.sha512"), &sum(&torn, "apache-foo-1.0-lib.tar.gz"));
    f.write(&at("apache-foo-1.0.pom"), "<project/>\n");
    f.sign();
    std::fs::remove_file(f.path(&at("apache-foo-1.0.pom.asc"))).unwrap();
    let err = problems(&f.closer(&["check"]));
    for (rule, what) in [
        ("asf-signature", "apache-foo-1.0.pom has no .asc"),
        ("asf-checksum", "apache-foo-1.0.pom has no .sha512 or .sha256"),
        ("asf-no-md5", "apache-foo-1.0-src.tar.gz.md5 is published"),
        ("asf-no-sig", "apache-foo-1.0-bin.zip.sig is published"),
        ("asf-no-keys-in-release", "KEYS is in the release"),
        ("asf-no-dotfiles", ".htaccess is a dotfile"),
        ("asf-archive-readable", "apache-foo-1.0-lib.tar.gz cannot be read"),
        ("asf-license-notice", "apache-foo-1.0-docs.zip has no NOTICE in its top directory"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(&format!("[asf rule {rule}]")))
            .unwrap_or_else(|| panic!("{rule} not broken:\n{err}"));
        assert!(line.contains(what), "{rule}: {line}");
    }
    assert!(
        err.contains("(rule: https://github.com/apache/tooling-trusted-releases/blob/main/atr/docs/checks.md)"),
        "{err}"
    );
    assert!(err.contains("(rule: https://infra.apache.org/release-distribution.html)"), "{err}");
    // Each fix names the file at hand (it said `sha512sum ARTIFACT > ARTIFACT.sha512`).
    assert!(err.contains("fix: add it: sha512sum apache-foo-1.0.pom > apache-foo-1.0.pom.sha512"), "{err}");
    assert!(err.contains("gpg --armor --detach-sign apache-foo-1.0-bin.zip, and remove the .sig"), "{err}");
    // A dotfile is one problem (remove it), not also a file to sign and checksum.
    assert_eq!(err.lines().filter(|l| l.contains(".htaccess")).count(), 1, "{err}");
    // The concerns stay warnings, never problems, and are said beside the problems (not
    // only once these are fixed).
    let concerns: Vec<&str> =
        err.lines().filter(|l| l.contains("asf-sha1") || l.contains("asf-archive-root")).collect();
    assert!(!concerns.is_empty() && concerns.iter().all(|l| l.starts_with("warning: ")), "{err}");
    // The size rules (1 GB refused, 100 MB a concern) are tested in plan::profile, on
    // sizes not worth writing.
}

/// A podling (`podling: true` on its page): its artifacts say `incubating`, and its
/// archives carry the Incubator's DISCLAIMER; the other projects are not asked.
#[test]
fn podling_rules_apply_to_podlings_alone() {
    let f = asf();
    f.closer(&["check"]).ok();
    f.write("content/foo.md", "---\ntitle: Foo\npodling: true\n---\n");
    let err = problems(&f.closer(&["check"]));
    for (rule, what) in [
        ("asf-incubating", "apache-foo-1.0-src.tar.gz does not say incubating"),
        ("asf-disclaimer", "apache-foo-1.0-bin.zip has no DISCLAIMER or DISCLAIMER-WIP in its top directory"),
    ] {
        let line = err.lines().find(|l| l.contains(&format!("[asf rule {rule}]")) && l.contains(what));
        assert!(line.is_some(), "{rule} ({what}) not broken:\n{err}");
    }
    // A podling that keeps them.
    let at = |name: &str| format!("{RELEASE}/{name}");
    for name in ["apache-foo-1.0-src.tar.gz", "apache-foo-1.0-bin.zip"] {
        for ext in ["", ".sha512", ".asc"] {
            std::fs::remove_file(f.path(&at(&format!("{name}{ext}")))).unwrap();
        }
    }
    let files = [
        ("apache-foo-1.0-incubating/LICENSE", "L\n"),
        ("apache-foo-1.0-incubating/NOTICE", "N\n"),
        ("apache-foo-1.0-incubating/DISCLAIMER-WIP", "D\n"),
    ];
    let src = tar_gz(&files);
    f.write_bytes(&at("apache-foo-1.0-incubating.tar.gz"), &src);
    f.write(&at("apache-foo-1.0-incubating.tar.gz.sha512"), &sum(&src, "apache-foo-1.0-incubating.tar.gz"));
    f.sign();
    f.closer(&["check"]).ok();
}

fn sha1_of(bytes: &[u8]) -> String {
    use sha1::Digest;
    format!("{}\n", closer::util::text::hex(&sha1::Sha1::digest(bytes)))
}

/// `policy.profile: gnu`, the second table: a GNU-shaped flat release (`hello-2.12.tar.gz`
/// and its binary `.sig` beside it, as gnupload leaves them) is published; then each of
/// its rules is broken once.
#[test]
fn the_gnu_rules_are_a_second_table() {
    let f = profiled("gnu", "hello");
    let good = [
        ("hello-2.12/README", "GNU Hello\n"),
        ("hello-2.12/COPYING", "GPL-3.0\n"),
        ("hello-2.12/hello.c", "int main;\n"),
    ];
    f.write_bytes("dist/hello/hello-2.12.tar.gz", &tar_gz(&good));
    // gnupload's binary signature: closer signs a new project armored; gpg --dearmor
    // makes the binary form.
    f.sign();
    let asc = f.path("dist/hello/hello-2.12.tar.gz.asc");
    let out =
        std::process::Command::new("gpg").arg("--dearmor").stdin(std::fs::File::open(&asc).unwrap()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    f.write_bytes("dist/hello/hello-2.12.tar.gz.sig", &out.stdout);
    std::fs::remove_file(asc).unwrap();
    f.closer(&["build"]).ok();
    // Concerns: a tarball made by hand, its directory misnamed, no README or COPYING.
    f.write_bytes("dist/hello/hello-2.13.tar.gz", &tar_gz(&[("hello/hello.c", "int main;\n")]));
    // A project signed in GNU's form is signed so by closer too.
    f.sign();
    assert!(
        f.path("dist/hello/hello-2.13.tar.gz.sig").exists() && !f.path("dist/hello/hello-2.13.tar.gz.asc").exists()
    );
    let run = f.closer(&["build"]);
    run.ok();
    for (rule, what) in [
        ("gnu-archive-root", "hello-2.13.tar.gz unpacks to hello/, not hello-2.13/"),
        ("gnu-copying", "hello-2.13.tar.gz has no COPYING or COPYING.LESSER or COPYING.LIB in its top directory"),
    ] {
        let line = run.stderr.lines().find(|l| l.contains(&format!("[gnu rule {rule}]")));
        assert!(line.is_some_and(|l| l.starts_with("warning: ") && l.contains(what)), "{rule}:\n{}", run.stderr);
    }
    // Blockers: a file with no .sig, and the upload's directive left behind.
    f.write_bytes("dist/hello/hello-2.14.tar.gz", &tar_gz(&good));
    f.write("dist/hello/hello-2.12.tar.gz.directive.asc", "-----BEGIN PGP SIGNED MESSAGE-----\n");
    let err = problems(&f.closer(&["check"]));
    let line = err.lines().find(|l| l.contains("[gnu rule gnu-signature]"));
    assert!(line.is_some_and(|l| l.contains("hello-2.14.tar.gz has no .sig")), "{err}");
    // The directive beside flat releases is named as what it is, whatever the profile;
    // inside a release directory the profile's rule names it.
    assert!(
        err.contains(
            "hello-2.12.tar.gz.directive.asc: is the upload directive for `hello-2.12.tar.gz`, not a file to publish"
        ),
        "{err}"
    );
    std::fs::remove_file(f.path("dist/hello/hello-2.12.tar.gz.directive.asc")).unwrap();
    f.write_bytes("dist/hello/2.15/hello-2.15.tar.gz", &tar_gz(&good));
    f.write("dist/hello/2.15/hello-2.15.tar.gz.directive", "version: 1.2\n");
    let err = problems(&f.closer(&["check"]));
    let line = err.lines().find(|l| l.contains("[gnu rule gnu-no-directive-draft]"));
    assert!(line.is_some_and(|l| l.contains("hello-2.15.tar.gz.directive is published")), "{err}");
    assert!(
        err.contains("(rule: https://www.gnu.org/prep/maintain/html_node/Automated-Upload-Procedure.html)"),
        "{err}"
    );
}
