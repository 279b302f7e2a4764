//! The real-tree corpus: fifty-five publishers' release trees, each written down as the
//! exact names of two or more of its real releases with where they come from
//! (`tests/fixtures/corpus/*.tree`, FORMAT.md there), made on disk with signatures and
//! checksums in the publisher's own forms. For each: `closer releases --json` must give
//! the grouping written by hand (every file's role; every artifact's project, line,
//! version, current or archived), `closer build` must publish it, a real `mirror-sync`
//! must sync a mirror and the archive from a real rsync daemon, and every link on every
//! page must resolve on the primary, the archive or the mirror.

mod links;
mod make;
mod tree;

use crate::util::Fixture;
use std::collections::BTreeMap;
use tree::{Expect, Kind, Tree};

/// The registry of every corpus tree: one full mirror, the archive, the tree's policy.
fn registry(t: &Tree) -> String {
    let mut policy = format!("policy:\n  keep: {}\n", t.keep);
    for p in &t.policy {
        policy.push_str(&format!("  {p}\n"));
    }
    if !t.rules.is_empty() {
        policy.push_str("  layout:\n");
        for r in &t.rules {
            policy.push_str(&format!("    - {r}\n"));
        }
    }
    format!(
        "primary:\n  name: Corpus\n  host: dist.example.org\n  site_url: {SITE}\n  dist_url: {DIST}\n  rsync_url: rsync://dist.example.org/dist/\n\
         archive:\n  url: {ARCHIVE}\n{policy}\
         mirrors:\n  - id: eu-one\n    name: Mirror One\n    country: DE\n    continent: EU\n    lat: 50.1\n    lon: 8.7\n    bandwidth: 10000\n\
         \x20   urls:\n      https: {MIRROR}\n      rsync: rsync://one.example.net/pub/\n"
    )
}

pub(crate) const SITE: &str = "https://downloads.example.org/";
pub(crate) const DIST: &str = "https://dist.example.org/dist/";
pub(crate) const ARCHIVE: &str = "https://archive.example.org/dist/";
pub(crate) const MIRROR: &str = "https://one.example.net/pub/";

/// What closer inferred of each file: its role, and for an artifact its release.
fn inferred(f: &Fixture) -> BTreeMap<String, (String, Option<Expect>)> {
    let r = f.closer(&["releases", "--json"]);
    assert_eq!(r.code, 0, "closer releases --json found problems:\n{}", r.stderr);
    let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let mut out = BTreeMap::new();
    let s = |v: &serde_json::Value| v.as_str().map(str::to_string);
    for p in doc.as_array().unwrap() {
        let project = s(&p["project"]).unwrap();
        for file in p["files"].as_array().unwrap() {
            out.insert(s(&file["path"]).unwrap(), (s(&file["role"]).unwrap(), None));
        }
        for a in p["aliases"].as_array().unwrap() {
            out.insert(s(&a["path"]).unwrap(), ("alias".to_string(), None));
        }
        for l in p["lines"].as_array().unwrap() {
            for r in l["releases"].as_array().unwrap() {
                for file in r["files"].as_array().unwrap() {
                    let role = s(&file["role"]).unwrap();
                    let release = (role == "artifact").then(|| Expect {
                        project: project.clone(),
                        line: s(&l["line"]),
                        version: s(&r["version"]).unwrap(),
                        current: r["current"].as_bool().unwrap(),
                    });
                    out.insert(s(&file["path"]).unwrap(), (role, release));
                }
            }
        }
    }
    out
}

/// Every file written in the tree has the role and release written there.
fn same_grouping(t: &Tree, got: &BTreeMap<String, (String, Option<Expect>)>) {
    let mut wrong = Vec::new();
    for (path, kind) in &t.entries {
        let Some(role) = kind.role() else { continue };
        let want = match kind {
            Kind::Artifact(e) => Some(e.clone()),
            _ => None,
        };
        match got.get(path) {
            None => wrong.push(format!("{path}: not in closer's answer (want {role})")),
            Some((r, release)) if r != role || *release != want => {
                wrong.push(format!("{path}: closer says {r} {release:?}, want {role} {want:?}"))
            }
            Some(_) => {}
        }
    }
    assert!(wrong.is_empty(), "{}: {} files read wrongly:\n{}", t.name, wrong.len(), wrong.join("\n"));
}

/// One publisher's tree, end to end.
fn check(file: &str) {
    let path = crate::util::repo().join("tests/fixtures/corpus").join(file);
    let t = tree::parse(file, &std::fs::read_to_string(&path).unwrap());
    let f = Fixture::empty();
    f.write("mirrors.yaml", &registry(&t));
    let (minisign_secret, minisign_public) = make::minisign_key(f.dir.path());
    for (project, lines) in &t.pages {
        let page = format!("---\n{}\n---\n", lines.join("\n")).replace("{minisign-key}", &minisign_public);
        f.write(&format!("content/{project}.md"), &page);
    }
    make::make(&t, &f.path("dist"), &make::key());
    make::sign_minisign(&t, &f.path("dist"), &minisign_secret);
    let got = inferred(&f);
    same_grouping(&t, &got);
    let built = f.closer(&["build"]);
    assert_eq!(built.code, 0, "{file}: closer build:\n{}", built.stderr);
    links::check(&f, &t);
}

/// One test per publisher, and a test that every tree file has one.
macro_rules! corpus {
    ($($test:ident: $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                check($file);
            }
        )*

        #[test]
        fn every_corpus_tree_has_its_test() {
            let listed = [$($file),*];
            let dir = crate::util::repo().join("tests/fixtures/corpus");
            let mut files: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".tree"))
                .collect();
            files.sort();
            assert_eq!(files, listed, "every tests/fixtures/corpus/*.tree has a line in corpus!");
            assert!(files.len() >= 40, "the corpus holds at least 40 publishers");
        }
    };
}

corpus! {
    apache_airflow: "apache-airflow.tree",
    apache_ant: "apache-ant.tree",
    apache_apr: "apache-apr.tree",
    apache_camel: "apache-camel.tree",
    apache_cassandra: "apache-cassandra.tree",
    apache_commons: "apache-commons.tree",
    apache_flink: "apache-flink.tree",
    apache_groovy: "apache-groovy.tree",
    apache_hadoop: "apache-hadoop.tree",
    apache_httpd: "apache-httpd.tree",
    apache_incubator: "apache-incubator.tree",
    apache_kafka: "apache-kafka.tree",
    apache_logging: "apache-logging.tree",
    apache_lucene: "apache-lucene.tree",
    apache_maven: "apache-maven.tree",
    apache_nifi: "apache-nifi.tree",
    apache_spark: "apache-spark.tree",
    apache_subversion: "apache-subversion.tree",
    apache_tomcat: "apache-tomcat.tree",
    apache_zookeeper: "apache-zookeeper.tree",
    archlinux: "archlinux.tree",
    blender: "blender.tree",
    dart: "dart.tree",
    debian: "debian.tree",
    eclipse: "eclipse.tree",
    fedora: "fedora.tree",
    flutter: "flutter.tree",
    freebsd: "freebsd.tree",
    gnome: "gnome.tree",
    gnu_bash: "gnu-bash.tree",
    gnu_binutils: "gnu-binutils.tree",
    gnu_coreutils: "gnu-coreutils.tree",
    gnu_gcc: "gnu-gcc.tree",
    gnu_make: "gnu-make.tree",
    go: "go.tree",
    goreleaser: "goreleaser.tree",
    hashicorp: "hashicorp.tree",
    kernel_git: "kernel-git.tree",
    kernel_linux: "kernel-linux.tree",
    kernel_utils: "kernel-utils.tree",
    kubernetes: "kubernetes.tree",
    libsodium: "libsodium.tree",
    linuxmint: "linuxmint.tree",
    mariadb: "mariadb.tree",
    mozilla_firefox: "mozilla-firefox.tree",
    mysql: "mysql.tree",
    netbsd: "netbsd.tree",
    nixos: "nixos.tree",
    node: "node.tree",
    openbsd: "openbsd.tree",
    opensuse: "opensuse.tree",
    perl: "perl.tree",
    postgresql: "postgresql.tree",
    python: "python.tree",
    qt: "qt.tree",
    rocky: "rocky.tree",
    rust: "rust.tree",
    tor: "tor.tree",
    ubuntu: "ubuntu.tree",
    xorg: "xorg.tree",
    zig: "zig.tree",
}
