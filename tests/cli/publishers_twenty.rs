//! Trees of publishers the twentieth trial moved onto closer: curl's Windows builds in
//! `windows/dl-<version>_<revision>/` beside its sources, curl's `win64a` builds.

use crate::util::Fixture;

/// A project page of checksums only.
fn unsigned(f: &Fixture, project: &str) {
    f.write(&format!("content/{project}.md"), "---\nunsigned: \"checksums only, in this test\"\n---\n");
}

/// curl keeps its Windows builds in `windows/dl-8.11.1_2/`, a line of its own whose
/// `8.11.1_2` sorts after the sources' 8.11.1: `latest.json` and every visitor's button
/// offered a Windows zip. A release of builds for one system alone comes after a
/// release of the sources.
#[test]
fn builds_for_one_system_are_not_offered_before_the_sources() {
    let f = Fixture::new();
    unsigned(&f, "curl");
    for rel in [
        "curl-8.11.1.tar.xz",
        "curl-8.11.0.tar.xz",
        "windows/dl-8.11.1_2/curl-8.11.1_2-win64-mingw.zip",
        "windows/dl-8.11.1_2/curl-8.11.1_2-win64a-mingw.zip",
        "windows/dl-8.11.1_1/curl-8.11.1_1-win64-mingw.zip",
    ] {
        f.write(&format!("dist/curl/{rel}"), rel);
    }
    f.closer(&["build"]).ok();
    let doc: serde_json::Value = serde_json::from_str(&f.read("site/curl/latest.json")).unwrap();
    assert_eq!(doc["offered"], "curl/curl-8.11.1.tar.xz", "{doc:#}");
    // A project of Windows builds alone still offers its newest.
    unsigned(&f, "tool");
    for rel in ["1.0/tool-1.0-win64.zip", "1.1/tool-1.1-win64.zip"] {
        f.write(&format!("dist/tool/{rel}"), rel);
    }
    f.closer(&["build"]).ok();
    let doc: serde_json::Value = serde_json::from_str(&f.read("site/tool/latest.json")).unwrap();
    assert_eq!(doc["offered"], "tool/1.1/tool-1.1-win64.zip", "{doc:#}");
}
