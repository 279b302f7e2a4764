//! Bad checksums and signatures a release manager uploads, one case each, run by
//! `bad_input`'s runner with its cases: each names the file, the line and the fix.

use super::bad_input::{Case, uploaded_long_ago};
use crate::util::Fixture;

/// A checksum file written beside `alpha-1.10.zip`, both longer ago than the upload
/// grace: a wrong checksum, not an upload in progress.
fn written_long_ago(f: &Fixture, rel: &str, text: &str) {
    f.write(rel, text);
    uploaded_long_ago(f, &[rel, "dist/alpha/1.10/alpha-1.10.zip"]);
}

pub(super) const CASES: &[Case] = &[
    Case {
        name: "uploaded checksum that does not match",
        setup: |f| {
            written_long_ago(
                f,
                "dist/alpha/1.10/alpha-1.10.zip.sha512",
                &format!("{}  alpha-1.10.zip\n", "0".repeat(128)),
            )
        },
        code: 1,
        expect: &["alpha-1.10.zip.sha512", "says 0000000000000000..."],
    },
    Case {
        name: "signature for a file that is not there",
        setup: |f| f.write("dist/alpha/1.10/alpha-1.10.tar.xz.asc", "sig"),
        code: 1,
        expect: &["alpha-1.10.tar.xz.asc", "not in the release"],
    },
    Case {
        // (README*, HEADER.html and the like are notes, carried: see forms.rs.)
        name: "stray file in a project",
        setup: |f| f.write("dist/alpha/alpha-new.tar.gz", "hi"),
        code: 1,
        expect: &["dist/alpha/alpha-new.tar.gz", ".closerignore"],
    },
    // The forms foundations upload (issue 13).
    Case {
        name: "binary signature of a file that is not there",
        setup: |f| f.write_bytes("dist/alpha/1.10/alpha-1.10.tar.bz2.sig", &[0x88, 0x75, 0x04, 0x00]),
        code: 1,
        expect: &["alpha-1.10.tar.bz2.sig", "is a .sig file for `alpha-1.10.tar.bz2`", "which is not in the release"],
    },
    Case {
        name: "checksum file that holds no digest",
        setup: |f| f.write("dist/alpha/1.10/alpha-1.10.zip.sha512", "see the web site\n"),
        code: 1,
        expect: &["alpha-1.10.zip.sha512", "holds no checksum", "fix:"],
    },
    Case {
        name: "digest of another algorithm's length",
        setup: |f| {
            written_long_ago(
                f,
                "dist/alpha/1.10/alpha-1.10.zip.sha512",
                &format!("{}  alpha-1.10.zip\n", "ab".repeat(32)),
            )
        },
        code: 1,
        expect: &[
            "alpha-1.10.zip.sha512:1",
            "(read in sha512sum format)",
            "as long as a SHA256 digest, not a SHA512 one",
        ],
    },
    Case {
        name: "truncated gpg --print-md",
        setup: |f| written_long_ago(f, "dist/alpha/1.10/alpha-1.10.zip.sha512", "alpha-1.10.zip: 0F7447DC FFC06558\n"),
        code: 1,
        expect: &["(read in gpg --print-md format)", "16 hex digits: no digest has that length", "0f7447dcffc06558"],
    },
    Case {
        name: "BSD tag that does not match",
        setup: |f| {
            written_long_ago(
                f,
                "dist/alpha/1.10/alpha-1.10.zip.sha256",
                &format!("SHA256 (alpha-1.10.zip) = {}\n", "0".repeat(64)),
            )
        },
        code: 1,
        expect: &["alpha-1.10.zip.sha256:1", "(read in BSD tag format)", "upload them again together"],
    },
    Case {
        name: "sidecar naming the file under a build directory",
        setup: |f| {
            let sum = crate::util::sha512_hex(b"alpha 1.10 zip\n");
            f.write("dist/alpha/1.10/alpha-1.10.zip.sha512", &format!("{sum}  out/alpha-1.10.zip\n"))
        },
        code: 1,
        expect: &[
            "alpha-1.10.zip.sha512:1",
            "names `out/alpha-1.10.zip`: `sha512sum -c` looks for it under `out/`",
            "sha512sum alpha-1.10.zip > alpha-1.10.zip.sha512",
        ],
    },
    Case {
        name: "sidecar holding its neighbour's digest",
        setup: |f| {
            let sum = crate::util::sha512_hex(b"alpha 1.10 tarball\n");
            written_long_ago(f, "dist/alpha/1.10/alpha-1.10.zip.sha512", &format!("{sum}  alpha-1.10.zip\n"))
        },
        code: 1,
        expect: &["it is the digest of alpha-1.10.tar.gz, copied from its checksum?", "write alpha-1.10.zip's own"],
    },
    Case {
        name: "signed list whose signature is garbage",
        setup: |f| {
            let sums = crate::util::sha512_hex(b"alpha 1.10 zip\n");
            f.write("dist/alpha/1.10/SHA512SUMS", &format!("{sums}  alpha-1.10.zip\n"));
            f.write("dist/alpha/1.10/SHA512SUMS.sign", "not a signature\n");
        },
        code: 1,
        expect: &["SHA512SUMS.sign", "the signed list SHA512SUMS.sign is malformed", "so it signs none of the files"],
    },
    Case {
        name: "clearsigned list that is not signed",
        setup: |f| f.write("dist/alpha/1.10/sha256sums.asc", "0000  alpha-1.10.zip\n"),
        code: 1,
        expect: &["sha256sums.asc", "is malformed", "sign the list again"],
    },
];

/// The fix of a checksum file written for another file, pasted into a shell as it is
/// printed, for a file whose name has a space, a quote and markup: it writes the right
/// checksum, under the right name, and the release checks.
#[test]
fn a_fix_line_runs_as_printed_for_any_file_name() {
    let f = Fixture::new();
    let name = "alpha-1.10-a b'c<i>.zip";
    let rel = format!("dist/alpha/1.10/{name}");
    f.write(&rel, "an oddly named zip\n");
    let key = crate::util::repo().join(crate::util::DEMO_KEY);
    f.closer(&["sign", "--key", key.to_str().unwrap(), &f.path(&rel).display().to_string()]).ok();
    written_long_ago(&f, &format!("{rel}.sha512"), &format!("{}  other.zip\n", "0".repeat(128)));
    uploaded_long_ago(&f, &[&rel]);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let fix = run.stderr.lines().find_map(|l| l.split_once("beside it: ").map(|(_, c)| c.to_string()));
    let fix = fix.unwrap_or_else(|| panic!("no fix line:\n{}", run.stderr));
    let out = std::process::Command::new("sh").arg("-c").arg(&fix).output().unwrap();
    assert!(out.status.success(), "{fix}: {}", String::from_utf8_lossy(&out.stderr));
    f.closer(&["check"]).ok();
}

/// LibreOffice's `24.8.5/win/x86_64/X.msi.sha256`: the fix of a checksum that does not
/// match said `sha256sum win/x86_64/X.msi`, whose line names the file by a path that
/// closer then refuses. Pasted as printed, the fix now writes a line that checks.
#[test]
fn a_mismatch_fix_in_a_nested_folder_runs_as_printed() {
    let f = Fixture::new();
    let rel = "dist/alpha/1.10/win/x86_64/alpha-1.10-x86_64.msi";
    f.write(rel, "an installer\n");
    let key = crate::util::repo().join(crate::util::DEMO_KEY);
    f.closer(&["sign", "--key", key.to_str().unwrap(), &f.path(rel).display().to_string()]).ok();
    for s in [".sha256", ".sha512"] {
        let _ = std::fs::remove_file(f.path(&format!("{rel}{s}")));
    }
    written_long_ago(&f, &format!("{rel}.sha256"), &format!("{}  alpha-1.10-x86_64.msi\n", "0".repeat(64)));
    uploaded_long_ago(&f, &[rel]);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let fix = run_printed_fix(&run.stderr);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{fix}\n{}", run.stderr);
}

/// Unbound's `X.sha256` holds the digest alone: the fix wrote `sha256sum`'s line over
/// it, another form. It keeps the file's own form now.
#[test]
fn a_mismatch_fix_keeps_a_bare_digest_bare() {
    let f = Fixture::new();
    let rel = "dist/alpha/1.10/alpha-1.10.zip";
    written_long_ago(&f, &format!("{rel}.sha512"), &format!("{}\n", "0".repeat(128)));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let fix = run_printed_fix(&run.stderr);
    let written = f.read(&format!("{rel}.sha512"));
    assert!(written.trim().len() == 128 && !written.contains(' '), "{fix}: {written:?}");
    f.closer(&["check"]).ok();
}

/// Runs, in `sh`, the command a mismatch's fix prints ("write its checksum again
/// (`...`)"), as a release manager pastes it; returns it.
fn run_printed_fix(stderr: &str) -> String {
    let fix = stderr.lines().find_map(|l| Some(l.split_once("write its checksum again (`")?.1.split_once("`)")?.0));
    let fix = fix.unwrap_or_else(|| panic!("no fix line:\n{stderr}"));
    let out = std::process::Command::new("sh").arg("-c").arg(fix).output().unwrap();
    assert!(out.status.success(), "{fix}: {}", String::from_utf8_lossy(&out.stderr));
    fix.to_string()
}

/// `cd dist/alpha && sha512sum 1.10/alpha-1.10.zip > 1.10/SHA512SUMS`: the list names
/// the file by a path from the folder above. It was "not in the release" with "fix the
/// list, or upload the file", and the file was there; the fix now writes the list where
/// the files are, and pasted, it is clean.
#[test]
fn a_list_made_from_another_folder_is_said_so_with_a_fix_that_runs() {
    let f = Fixture::new();
    let zip = f.path("dist/alpha/1.10/alpha-1.10.zip");
    let digest = crate::util::sha512_hex(&std::fs::read(&zip).unwrap());
    written_long_ago(&f, "dist/alpha/1.10/SHA512SUMS", &format!("{digest}  1.10/alpha-1.10.zip\n"));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let fix = run.stderr.lines().find_map(|l| l.split_once("naming each as this one: ")).map(|(_, c)| c.to_string());
    let fix = fix.unwrap_or_else(|| panic!("{}", run.stderr));
    let out = std::process::Command::new("sh").arg("-c").arg(&fix).output().unwrap();
    assert!(out.status.success(), "{fix}");
    f.closer(&["check"]).ok();
}
