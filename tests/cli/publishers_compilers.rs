//! Compilers', interpreters' and build tools' trees from the thirty-ninth trial:
//! Node.js's builds for AIX and Solaris beside its sources, Meson's `meson-1.6.1-64.msi`,
//! Bun's musl builds beside its glibc ones.

use crate::publishers_downloads::{offered, releases};
use crate::release_words_more::unsigned;
use crate::util::Fixture;

/// Node.js's `node-v22.12.0-aix-ppc64.tar.gz` named no system closer knew: it was read
/// as sources, first by name, and offered to everyone (`latest.json`, the button without
/// JavaScript, the feed). AIX, Solaris and their machines are now systems of their own.
#[test]
fn builds_for_aix_and_solaris_are_builds_not_sources() {
    let f = Fixture::new();
    unsigned(&f, "node");
    for n in [
        "node-v22.12.0.tar.gz",
        "node-v22.12.0-aix-ppc64.tar.gz",
        "node-v22.12.0-solaris-sparcv9.tar.xz",
        "node-v22.12.0-linux-x64.tar.xz",
        "node-v22.12.0-x64.msi",
    ] {
        f.write(&format!("dist/node/v22.12.0/{n}"), n);
    }
    f.closer(&["build"]).ok();
    assert_eq!(offered(&f, "node"), "node/v22.12.0/node-v22.12.0.tar.gz");
    let page = f.read("site/node/v22.12.0/index.html");
    assert!(page.contains("AIX POWER (ppc64)") && page.contains("Solaris SPARC"), "{page}");
}

/// Meson ships `meson-1.6.1-64.msi` beside `meson-1.6.1.tar.gz`: the installer was a
/// release of its own, `1.6.1-64`, so `keep` counted each version twice.
#[test]
fn a_width_after_the_version_is_no_part_of_it() {
    let f = Fixture::new();
    unsigned(&f, "meson");
    for v in ["1.6.0", "1.6.1"] {
        f.write(&format!("dist/meson/meson-{v}.tar.gz"), v);
        f.write(&format!("dist/meson/meson-{v}-64.msi"), v);
    }
    f.closer(&["build"]).ok();
    let versions: Vec<String> = releases(&f, "meson").into_iter().map(|r| r.1).collect();
    assert_eq!(versions, ["1.6.1", "1.6.0"]);
    assert_eq!(offered(&f, "meson"), "meson/meson-1.6.1.tar.gz");
}

/// Bun's `bun-linux-x64-musl.zip` and GHC's `-alpine3_12-linux` builds were labelled
/// "Linux x86-64", as the glibc builds beside them.
#[test]
fn musl_builds_are_labelled_apart() {
    let f = Fixture::new();
    unsigned(&f, "bun");
    for n in ["bun-linux-x64.zip", "bun-linux-x64-musl.zip"] {
        f.write(&format!("dist/bun/bun-v1.1.38/{n}"), n);
    }
    f.closer(&["build"]).ok();
    let page = f.read("site/bun/v1.1.38/index.html");
    let label = |n: &str| {
        page.split(&format!("{n}</a>"))
            .nth(1)
            .and_then(|r| r.split("class=\"tag\">").nth(1))
            .map(|t| t.split('<').next().unwrap().to_string())
    };
    assert_eq!(label("bun-linux-x64.zip").as_deref(), Some("Linux x86-64"), "{page}");
    assert_eq!(label("bun-linux-x64-musl.zip").as_deref(), Some("Linux x86-64 (musl)"), "{page}");
}

/// GCC keeps a weekly snapshot per maintained branch (`snapshots/13-20241205/`,
/// `14-20241207/`, `15-20241208/`), Ruby one per branch (`snapshot-ruby_3_3.tar.gz`): only
/// the newest branch's stayed on the mirrors, the others "superseded" by it. Each
/// branch's newest snapshot is current; its older one is archived.
#[test]
fn each_branchs_newest_snapshot_is_current() {
    let f = Fixture::new();
    for p in ["gcc", "ruby"] {
        unsigned(&f, p);
    }
    f.write("dist/gcc/releases/gcc-14.2.0/gcc-14.2.0.tar.xz", "14.2.0");
    for s in ["13-20241128", "13-20241205", "14-20241207", "15-20241208"] {
        f.write(&format!("dist/gcc/snapshots/{s}/gcc-{s}.tar.xz"), s);
    }
    f.write("dist/ruby/3.4/ruby-3.4.1.tar.gz", "3.4.1");
    for b in ["3_3", "3_4"] {
        f.write(&format!("dist/ruby/snapshot/snapshot-ruby_{b}.tar.gz"), b);
    }
    f.closer(&["build"]).ok();
    let current = |p: &str| -> Vec<String> { releases(&f, p).into_iter().filter(|r| r.2).map(|r| r.1).collect() };
    let gcc = current("gcc");
    for v in ["14.2.0", "13-20241205", "14-20241207", "15-20241208"] {
        assert!(gcc.contains(&v.to_string()), "{v}: {gcc:?}");
    }
    assert!(!gcc.contains(&"13-20241128".to_string()), "{gcc:?}");
    let ruby = current("ruby");
    assert!(ruby.contains(&"3_3".to_string()) && ruby.contains(&"3_4".to_string()), "{ruby:?}");
}
