//! A release page's address stays once published: announcements and verify lines link
//! it. An archived release's and a withdrawn one's were a 404 from the build that took
//! them off the mirrors (the thirty-fifth trial).

use crate::release_words_more::unsigned;
use crate::util::Fixture;

#[test]
fn an_archived_or_withdrawn_release_keeps_a_page_at_its_address() {
    let f = Fixture::new();
    unsigned(&f, "proj");
    f.write("content/proj.md", "---\ntitle: Proj\nunsigned: \"checksums only, in this test\"\nkeep: 1\n---\n");
    for v in ["1.0", "1.1"] {
        f.write(&format!("dist/proj/{v}/proj-{v}.tar.gz"), v);
    }
    f.closer(&["build"]).ok();
    let page = f.read("site/proj/1.0/index.html");
    assert!(page.contains("This release is archived"), "{page}");
    assert!(page.contains("href=\"https://archive.example.org/"), "{page}");
    assert!(page.contains("the newest release is <a href=\"../1.1/\">Proj 1.1</a>"), "{page}");
    // Withdrawn: its page says why.
    f.write("dist/proj/1.2/proj-1.2.tar.gz", "1.2");
    f.closer(&["build"]).ok();
    f.write("content/proj/1.2.md", "---\nwithdrawn: \"a broken build; use 1.1\"\n---\n");
    let run = f.closer(&["build"]);
    assert!(run.stderr.contains("proj 1.2 (withdrawn: a broken build; use 1.1)"), "{}", run.stderr);
    let page = f.read("site/proj/1.2/index.html");
    assert!(page.contains("This release was withdrawn: a broken build; use 1.1"), "{page}");
    assert!(page.contains("the newest release is <a href=\"../1.1/\">"), "{page}");
}

/// MIT Kerberos names each series' first release without `.0`, alone in its folder
/// (`1.22/krb5-1.22.tar.gz` beside `1.21/` of 1.21, 1.21.2, 1.21.3): it was a release of
/// its own at `krb5/1.22/`, and moved to `krb5/1.22/1.22/` when 1.22.1 came, every link
/// its announcement gave gone. It is of the series line `1.22` from the first.
#[test]
fn a_series_first_release_alone_in_its_folder_keeps_its_address() {
    let f = Fixture::new();
    unsigned(&f, "krb5");
    for v in ["1.21", "1.21.2", "1.21.3", "1.22"] {
        f.write(&format!("dist/krb5/{}/krb5-{v}.tar.gz", &v[..4]), v);
    }
    f.closer(&["build"]).ok();
    assert!(f.path("site/krb5/1.22/1.22/index.html").exists());
    f.write("dist/krb5/1.22/krb5-1.22.1.tar.gz", "1.22.1");
    f.closer(&["build"]).ok();
    assert!(f.path("site/krb5/1.22/1.22/index.html").exists() && f.path("site/krb5/1.22/1.22.1/index.html").exists());
}
