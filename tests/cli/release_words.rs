//! How publishers spell a release beyond a number: Haiku's `r1beta5` and Android's NDK
//! `r27c` (a release's `r` and its number).

use crate::util::Fixture;

/// Haiku's `haiku-release/r1beta5/haiku-r1beta5-x86_64-anyboot.iso` and Android's
/// `android-ndk-r27c-linux.zip`: their names said no version, so every file was a
/// problem ("whose name says no version") and the project had no release.
#[test]
fn a_release_named_by_its_r_and_number_is_a_release() {
    let f = Fixture::new();
    for p in ["haiku", "ndk"] {
        f.write(&format!("content/{p}.md"), "---\nunsigned: \"checksums only, in this test\"\n---\n");
    }
    for v in ["r1beta4", "r1beta5"] {
        f.write(&format!("dist/haiku/haiku-release/{v}/haiku-{v}-x86_64-anyboot.iso"), v);
    }
    for v in ["r26d", "r27", "r27c"] {
        f.write(&format!("dist/ndk/{v}/android-ndk-{v}-linux.zip"), v);
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(text.contains("r1beta5 (current)") && text.contains("r27c (current)"), "{text}");
    assert!(text.contains("r1beta4 (archived)") && text.contains("r26d (archived)"), "{text}");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = f.read("site/haiku/index.html");
    assert!(page.contains("No stable release yet"), "a beta is a pre-release: {page}");
    assert!(!f.read("site/ndk/index.html").contains("No stable release yet"));
}
