//! Every shape at once, in one tree, as a foundation's tree holds them: version
//! directories (alpha), releases side by side (httpd), release lines (tomcat),
//! sub-projects in grouping directories (commons), kernel.org's series signed over the
//! uncompressed tars (linux), GNU's binary signatures (hello) and Debian's signed list
//! (debian). Each is grouped as it should be, published so that `sha512sum -c` and
//! `gpg --verify` accept it, and a tampered file in each is caught.

use crate::gpg::Gpg;
use crate::util::Fixture;
use std::path::Path;
use std::process::Command;

fn mixed_tree(f: &Fixture, g: &Gpg) {
    let demo_keys = f.read("dist/alpha/KEYS");
    for (rel, text) in [
        ("httpd/httpd-2.4.58.tar.gz", "httpd 2.4.58\n"),
        ("httpd/httpd-2.4.58.tar.bz2", "httpd 2.4.58 bz2\n"),
        ("httpd/httpd-2.4.57.tar.gz", "httpd 2.4.57\n"),
        ("tomcat/tomcat-9/v9.0.83/bin/apache-tomcat-9.0.83.tar.gz", "tomcat 9\n"),
        ("tomcat/tomcat-10/v10.1.16/bin/apache-tomcat-10.1.16.zip", "tomcat 10\n"),
        ("tomcat/tomcat-10/v10.1.16/src/apache-tomcat-10.1.16-src.zip", "tomcat 10 src\n"),
        ("commons/lang/binaries/commons-lang3-3.14.0-bin.tar.gz", "lang bin\n"),
        ("commons/lang/source/commons-lang3-3.14.0-src.tar.gz", "lang src\n"),
        ("commons/io/binaries/commons-io-2.15.1-bin.tar.gz", "io bin\n"),
    ] {
        f.write(&format!("dist/{rel}"), text);
    }
    for p in ["httpd", "tomcat", "commons"] {
        f.write(&format!("dist/{p}/KEYS"), &demo_keys);
    }
    f.sign();
    crate::forms::gnu_release(f, g);
    crate::kernel::kernel_tree(f, g);
    // Debian's form: files signed only through SHA256SUMS and its binary signature.
    let fpr = g.fingerprint("Kernel Releaser <kernel@example.org>");
    f.write("dist/debian/KEYS", &g.export_public(&fpr));
    f.write("dist/debian/12.4/debian-12.4-amd64-netinst.iso", "an installer\n");
    let deb = f.path("dist/debian/12.4");
    let sums = Command::new("sha256sum").arg("debian-12.4-amd64-netinst.iso").current_dir(&deb).output().unwrap();
    f.write_bytes("dist/debian/12.4/SHA256SUMS", &sums.stdout);
    g.ok(&[
        "--yes",
        "-u",
        &fpr,
        "--detach-sign",
        "-o",
        deb.join("SHA256SUMS.sign").to_str().unwrap(),
        deb.join("SHA256SUMS").to_str().unwrap(),
    ]);
}

/// Every artifact: (project, line, version, path, signature kind), from `closer releases --json`.
fn artifacts(f: &Fixture) -> Vec<(String, Option<String>, String, String, String)> {
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let mut out = Vec::new();
    for p in doc.as_array().unwrap() {
        for l in p["lines"].as_array().unwrap() {
            for r in l["releases"].as_array().unwrap() {
                for file in r["files"].as_array().unwrap().iter().filter(|x| x["role"] == "artifact") {
                    assert_eq!(file["signature"]["outcome"], "good", "{file}");
                    out.push((
                        p["project"].as_str().unwrap().to_string(),
                        l["line"].as_str().map(String::from),
                        r["version"].as_str().unwrap().to_string(),
                        file["path"].as_str().unwrap().to_string(),
                        file["signature"]["kind"].as_str().unwrap().to_string(),
                    ));
                }
            }
        }
    }
    out
}

/// The file named `name` somewhere under `dir`.
fn find(dir: &Path, name: &str) -> Option<std::path::PathBuf> {
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).ok()?.flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.file_name().is_some_and(|n| n == name) {
                return Some(p);
            }
        }
    }
    None
}

fn ok_in(dir: &Path, program: &str, args: &[&str], g: &Gpg) {
    let out = Command::new(program).args(args).current_dir(dir).env("GNUPGHOME", g.home.path()).output().unwrap();
    assert!(out.status.success(), "{program} {args:?} in {}: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
}

/// Every current artifact in `found` (`closer releases`) has a `.sha512` on the site that
/// `sha512sum -c` accepts beside the file, and its own signature passes `gpg --verify`.
fn published_files_verify(f: &Fixture, g: &Gpg, found: &[(String, Option<String>, String, String, String)]) {
    for p in ["alpha", "httpd", "tomcat", "commons", "hello"] {
        g.import(&f.read(&format!("site/{p}/KEYS")));
    }
    let mut checked = 0;
    for (project, line, version, path, kind) in found {
        let base = path.rsplit('/').next().unwrap();
        // A release in a line has its pages in the line's directory.
        let id = line.as_ref().map_or(version.clone(), |l| format!("{l}/{version}"));
        let release = f.path(&format!("site/{project}/{id}"));
        let Some(sidecar) = find(&release, &format!("{base}.sha512")) else {
            assert!(!release.exists() || project == "alpha", "{path}: no {base}.sha512 under {}", release.display());
            continue; // an archived release
        };
        let file = f.path(&format!("dist/{path}"));
        let dir = file.parent().unwrap();
        ok_in(dir, "sha512sum", &["-c", sidecar.to_str().unwrap()], g);
        if kind == "armored" || kind == "binary" {
            let sig = ["asc", "sig", "sign"]
                .iter()
                .map(|e| format!("{}.{e}", file.display()))
                .find(|s| Path::new(s).exists())
                .unwrap();
            ok_in(dir, "gpg", &["--batch", "--verify", &sig, file.to_str().unwrap()], g);
        }
        checked += 1;
    }
    assert!(checked >= 12, "{checked} artifacts checked");
}

#[test]
fn a_tree_of_every_shape_is_grouped_published_and_guarded() {
    let f = Fixture::new();
    let g = Gpg::new();
    mixed_tree(&f, &g);
    let found = artifacts(&f);
    let has = |project: &str, line: Option<&str>, version: &str, path: &str, kind: &str| {
        found
            .iter()
            .any(|(p, l, v, a, k)| p == project && l.as_deref() == line && v == version && a == path && k == kind)
    };
    for (project, line, version, path, kind) in [
        ("alpha", None, "1.10", "alpha/1.10/alpha-1.10.zip", "armored"),
        ("httpd", None, "2.4.58", "httpd/httpd-2.4.58.tar.bz2", "armored"),
        ("httpd", None, "2.4.57", "httpd/httpd-2.4.57.tar.gz", "armored"),
        ("tomcat", Some("tomcat-9"), "v9.0.83", "tomcat/tomcat-9/v9.0.83/bin/apache-tomcat-9.0.83.tar.gz", "armored"),
        (
            "tomcat",
            Some("tomcat-10"),
            "v10.1.16",
            "tomcat/tomcat-10/v10.1.16/src/apache-tomcat-10.1.16-src.zip",
            "armored",
        ),
        ("commons", Some("lang"), "3.14.0", "commons/lang/source/commons-lang3-3.14.0-src.tar.gz", "armored"),
        ("commons", Some("io"), "2.15.1", "commons/io/binaries/commons-io-2.15.1-bin.tar.gz", "armored"),
        ("linux", Some("v6.x"), "6.6.1", "linux/v6.x/linux-6.6.1.tar.xz", "uncompressed"),
        ("linux", Some("v5.x"), "5.15", "linux/v5.x/linux-5.15.tar.xz", "signed-list"),
        ("hello", None, "2.12.1", "hello/2.12.1/hello-2.12.1.tar.gz", "binary"),
        ("debian", None, "12.4", "debian/12.4/debian-12.4-amd64-netinst.iso", "signed-list"),
    ] {
        assert!(
            has(project, line, version, path, kind),
            "{project} {line:?} {version} {path} {kind} not in {found:#?}"
        );
    }

    // Published: every current artifact's .sha512 passes sha512sum -c beside the file,
    // and every own signature passes gpg --verify, with the project's KEYS imported.
    f.closer(&["build"]).ok();
    published_files_verify(&f, &g, &found);

    // A tampered file in each shape is caught, and named.
    let tampered = [
        "alpha/1.10/alpha-1.10.zip",
        "httpd/httpd-2.4.58.tar.bz2",
        "tomcat/tomcat-10/v10.1.16/bin/apache-tomcat-10.1.16.zip",
        "commons/lang/source/commons-lang3-3.14.0-src.tar.gz",
        "linux/v6.x/patch-6.6.1.xz",
        "linux/v5.x/linux-5.15.tar.xz",
        "hello/2.12.1/hello-2.12.1.tar.xz",
        "debian/12.4/debian-12.4-amd64-netinst.iso",
    ];
    for rel in tampered {
        let mut bytes = f.read_bytes(&format!("dist/{rel}"));
        bytes.extend_from_slice(b"\0tampered");
        f.write_bytes(&format!("dist/{rel}"), &bytes);
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for rel in tampered {
        assert!(run.stderr.contains(&format!("dist/{rel}: ")), "{rel} not named:\n{}", run.stderr);
    }
    // Uploaded checksums that no longer match are named too (hello's and debian's lists),
    // and each current file as changed after it was published.
    assert!(run.stderr.contains("18 problems found"), "{}", run.stderr);
    assert_eq!(run.stderr.matches("changed after it was published").count(), 8, "{}", run.stderr);
}
