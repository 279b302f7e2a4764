//! Explicit layout rules, where inference places a file wrongly: in the registry
//! (`policy.layout`, from the tree's top) and in a project's content page (`layout:`,
//! from the project's directory). Sidecars follow their files; `closer releases --json`
//! shows the result.

use crate::util::{Fixture, REGISTRY};

/// The `tools` project of `closer releases --json`.
fn tools(f: &Fixture) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    doc.as_array().unwrap().iter().find(|p| p["project"] == "tools").unwrap().clone()
}

/// A project whose file names mislead inference: `foo-bar-2-1.0.tar.gz` reads as
/// version `2-1.0`, `UPGRADING-1.0.txt` as a release `1.0` of a product `upgrading`, and
/// the nightly builds sit in a directory named by date under `snapshots/`.
fn misleading(f: &Fixture) {
    f.write("dist/tools/KEYS", &f.read("dist/alpha/KEYS"));
    f.write("dist/tools/foo-bar-2-1.0.tar.gz", "foo bar 2, version 1.0\n");
    f.write("dist/tools/foo-bar-2-1.1.tar.gz", "foo bar 2, version 1.1\n");
    f.write("dist/tools/UPGRADING-1.0.txt", "what changed\n");
    f.write("dist/tools/snapshots/build-20261201/tool.zip", "a nightly build\n");
}

#[test]
fn without_rules_inference_gets_these_names_wrong() {
    let f = Fixture::new();
    misleading(&f);
    f.sign();
    let doc = tools(&f);
    let versions: Vec<(Option<&str>, &str)> = doc["lines"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| {
            l["releases"].as_array().unwrap().iter().map(|r| (l["line"].as_str(), r["version"].as_str().unwrap()))
        })
        .collect();
    assert!(
        versions.contains(&(Some("foo-bar"), "2-1.0")) && versions.contains(&(Some("upgrading"), "1.0")),
        "{versions:?}"
    );
}

#[test]
fn layout_rules_place_what_inference_cannot_and_sidecars_follow() {
    let f = Fixture::new();
    misleading(&f);
    let rules = "  layout:\n    - path: \"tools/foo-bar-2-{version}.tar.gz\"\n    - path: \"tools/snapshots/build-{version}/**\"\n      line: nightly\n";
    f.write("mirrors.yaml", &REGISTRY.replacen("  keep: 2\n", &format!("  keep: 2\n{rules}"), 1));
    f.write(
        "content/tools.md",
        "---\ntitle: Tools\nlayout:\n  - path: \"UPGRADING-*.txt\"\n    role: notes\n---\nTools.\n",
    );
    // `closer sign` follows the rules too: the notes get no signature.
    f.sign();
    let doc = tools(&f);
    let lines: Vec<(Option<&str>, Vec<&str>)> = doc["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["line"].as_str(),
                l["releases"].as_array().unwrap().iter().map(|r| r["version"].as_str().unwrap()).collect(),
            )
        })
        .collect();
    // Lines come in the order of their newest release.
    assert_eq!(lines, [(Some("nightly"), vec!["20261201"]), (None, vec!["1.1", "1.0"])]);
    let release = &doc["lines"][1]["releases"][1];
    let files: Vec<(&str, &str)> = release["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["role"].as_str().unwrap()))
        .collect();
    assert_eq!(files, [("tools/foo-bar-2-1.0.tar.gz", "artifact"), ("tools/foo-bar-2-1.0.tar.gz.asc", "signature")]);
    assert_eq!(release["files"][0]["signature"]["outcome"], "good");
    assert_eq!(doc["notes"], serde_json::json!(["tools/UPGRADING-1.0.txt"]));
    let nightly = &doc["lines"][0]["releases"][0]["files"][0];
    assert_eq!(nightly["path"], "tools/snapshots/build-20261201/tool.zip");

    // The build publishes them at their own paths; the mirrors get the directories.
    f.closer(&["build"]).ok();
    let page = f.read("site/tools/1.0/index.html");
    assert!(page.contains("https://dist.example.org/dist/tools/foo-bar-2-1.0.tar.gz"), "{page}");
    let list = f.read("dist/fullfiletimelist-dist");
    for want in ["\ttools/foo-bar-2-1.1.tar.gz\n", "\td\t", "\ttools/snapshots/build-20261201/tool.zip\n"] {
        assert!(list.contains(want), "{want:?} in {list}");
    }
    assert!(list.contains("\ttools/snapshots\n") && list.contains("\ttools/snapshots/build-20261201\n"), "{list}");
}

#[test]
fn sub_projects_are_lines_with_their_own_current_releases() {
    let f = Fixture::new();
    f.write("dist/commons/KEYS", &f.read("dist/alpha/KEYS"));
    for (sub, name, v) in [
        ("lang", "commons-lang3", "3.14.0"),
        ("lang", "commons-lang3", "3.13.0"),
        ("lang", "commons-lang3", "3.12.0"),
        ("io", "commons-io", "2.15.1"),
        ("io", "commons-io", "2.15.0"),
    ] {
        f.write(&format!("dist/commons/{sub}/binaries/{name}-{v}-bin.tar.gz"), &format!("{name} {v} bin\n"));
        f.write(&format!("dist/commons/{sub}/source/{name}-{v}-src.tar.gz"), &format!("{name} {v} src\n"));
    }
    f.write("dist/commons/lang/RELEASE-NOTES.txt", "what changed in lang\n");
    f.sign();
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let commons = doc.as_array().unwrap().iter().find(|p| p["project"] == "commons").unwrap();
    let lines: Vec<(&str, Vec<(&str, bool)>)> = commons["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let releases = l["releases"].as_array().unwrap();
            (
                l["line"].as_str().unwrap(),
                releases.iter().map(|r| (r["version"].as_str().unwrap(), r["current"].as_bool().unwrap())).collect(),
            )
        })
        .collect();
    // keep: 2 applies to each sub-project.
    assert_eq!(
        lines,
        [
            ("lang", vec![("3.14.0", true), ("3.13.0", true), ("3.12.0", false)]),
            ("io", vec![("2.15.1", true), ("2.15.0", true)])
        ]
    );
    assert_eq!(commons["notes"], serde_json::json!(["commons/lang/RELEASE-NOTES.txt"]));
    f.closer(&["build"]).ok();
    let page = f.read("site/commons/io/2.15.1/index.html");
    assert!(page.contains("https://dist.example.org/dist/commons/io/binaries/commons-io-2.15.1-bin.tar.gz"), "{page}");
    let list = f.read("dist/fullfiletimelist-dist");
    assert!(list.contains("\tcommons/lang/RELEASE-NOTES.txt\n") && !list.contains("commons-lang3-3.12.0"), "{list}");
}

#[test]
fn a_line_with_its_own_keys_is_checked_against_them() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let old = g.generate("Tomcat 9 RM <tomcat9@example.org>", "ed25519", "", None);
    let new = g.generate("Tomcat RM <tomcat@example.org>", "ed25519", "", None);
    f.write("dist/tomcat/KEYS", &g.export_public(&new));
    f.write("dist/tomcat/tomcat-9/KEYS", &g.export_public(&old));
    for (rel, fpr) in [
        ("tomcat/tomcat-9/v9.0.83/apache-tomcat-9.0.83.tar.gz", &old),
        ("tomcat/tomcat-10/v10.1.16/apache-tomcat-10.1.16.tar.gz", &new),
    ] {
        f.write(&format!("dist/{rel}"), rel);
        g.sign(fpr, &f.path(&format!("dist/{rel}")), None, &[]);
    }
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let tomcat = doc.as_array().unwrap().iter().find(|p| p["project"] == "tomcat").unwrap();
    let nine = tomcat["lines"].as_array().unwrap().iter().find(|l| l["line"] == "tomcat-9").unwrap();
    assert_eq!(nine["keys"], "tomcat/tomcat-9/KEYS");
    assert_eq!(nine["releases"][0]["files"][0]["signature"]["outcome"], "good");
    f.closer(&["build"]).ok();
    let page = f.read("site/tomcat/tomcat-9/v9.0.83/index.html");
    assert!(page.contains("https://dist.example.org/dist/tomcat/tomcat-9/KEYS"), "{page}");
    // The page's "signing keys" link is the line's, and so are a script's keys.
    assert!(page.contains("signing keys: <a href=\"https://dist.example.org/dist/tomcat/tomcat-9/KEYS\">"), "{page}");
    let json: serde_json::Value = serde_json::from_str(&f.read("site/tomcat/releases.json")).unwrap();
    let current = json["current"].as_array().unwrap();
    let of = |v: &str| current.iter().find(|r| r["version"] == v).unwrap();
    let nine = of("tomcat-9/v9.0.83");
    assert_eq!((&nine["number"], &nine["line"]), (&"9.0.83".into(), &"tomcat-9".into()), "{nine}");
    assert_eq!(nine["keys"], "https://dist.example.org/dist/tomcat/tomcat-9/KEYS");
    assert!(of("tomcat-10/v10.1.16").get("keys").is_none(), "the project's KEYS: {json}");

    // The line's KEYS is the one that counts: a key only in the project's does not sign it.
    f.write("dist/tomcat/tomcat-9/KEYS", &g.export_public(&new));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("apache-tomcat-9.0.83.tar.gz.asc is signed by key")
            && run.stderr.contains("which is not in ")
            && run.stderr.contains("dist/tomcat/tomcat-9/KEYS\n"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("apache-tomcat-10"), "{}", run.stderr);
}
