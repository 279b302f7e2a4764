//! More of how publishers spell a release and what a page offers from it: CPAN's
//! `-TRIAL` uploads, Node.js's headers tarball beside its sources, GIMP's installers
//! uploaded again as `-setup-1.exe`, `-setup-3.exe`, GHC's bindists each for one
//! distribution, HAProxy's branches with their `devel/` and `snapshot/` folders.

use crate::util::Fixture;

/// The releases `closer releases --json` finds: (version, line, current, pre-release).
fn releases(f: &Fixture, project: &str) -> Vec<(String, String, bool, bool)> {
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = doc.as_array().unwrap().iter().find(|p| p["project"] == project).unwrap();
    let mut out = Vec::new();
    for l in p["lines"].as_array().unwrap() {
        for r in l["releases"].as_array().unwrap() {
            let line = l["line"].as_str().unwrap_or("").to_string();
            let flag = |k: &str| r[k].as_bool().unwrap_or(false);
            out.push((r["version"].as_str().unwrap().to_string(), line, flag("current"), flag("prerelease")));
        }
    }
    out
}

/// A project page of checksums only.
fn unsigned(f: &Fixture, project: &str) {
    f.write(&format!("content/{project}.md"), "---\nunsigned: \"checksums only, in this test\"\n---\n");
}

/// CPAN's `Moose-2.2208-TRIAL.tar.gz` (Dist::Zilla's `--trial`, never indexed by PAUSE)
/// was read as a final 2.2208 and offered as the newest stable download.
#[test]
fn a_cpan_trial_upload_is_a_pre_release() {
    let f = Fixture::new();
    unsigned(&f, "moose");
    for n in ["Moose-2.2207.tar.gz", "Moose-2.2208-TRIAL.tar.gz"] {
        f.write(&format!("dist/moose/{n}"), n);
    }
    let r = releases(&f, "moose");
    assert!(r.iter().any(|(v, _, _, pre)| v == "2.2208-TRIAL" && *pre), "{r:?}");
    f.closer(&["build"]).ok();
    let doc: serde_json::Value = serde_json::from_str(&f.read("site/moose/latest.json")).unwrap();
    assert_eq!(doc["offered"], "moose/Moose-2.2207.tar.gz", "{doc:#}");
}

/// Node.js's `node-v22.12.0-headers.tar.gz` (the C headers native addons build with)
/// sorts before `node-v22.12.0.tar.gz`: it was the page's and `latest.json`'s source.
#[test]
fn a_headers_tarball_is_not_the_source() {
    let f = Fixture::new();
    unsigned(&f, "node");
    for n in ["node-v22.12.0-headers.tar.gz", "node-v22.12.0.tar.gz", "node-v22.12.0-linux-x64.tar.xz"] {
        f.write(&format!("dist/node/v22.12.0/{n}"), n);
    }
    f.closer(&["build"]).ok();
    let doc: serde_json::Value = serde_json::from_str(&f.read("site/node/latest.json")).unwrap();
    assert_eq!(doc["offered"], "node/v22.12.0/node-v22.12.0.tar.gz", "{doc:#}");
}
