//! Bad input, one case per way it can be bad: each gives exit 1 or 2, a message that
//! names the place (file and line, or mirror and field, or the path) and the fix, and
//! leaves no output behind.

use crate::util::{Fixture, REGISTRY};

pub(super) struct Case {
    pub(super) name: &'static str,
    pub(super) setup: fn(&Fixture),
    pub(super) code: i32,
    /// Every one of these must appear in stderr.
    pub(super) expect: &'static [&'static str],
}

/// Files written longer ago than the upload grace: not an upload in progress.
pub(super) fn uploaded_long_ago(f: &Fixture, rels: &[&str]) {
    f.uploaded_ago(rels, 7200);
}

pub(super) fn registry_with(from: &str, to: &str) -> impl Fn(&Fixture) {
    let text = REGISTRY.replacen(from, to, 1);
    assert_ne!(text, REGISTRY, "replacement {from:?} did not apply");
    move |f: &Fixture| f.write("mirrors.yaml", &text)
}

const CASES: &[Case] = &[
    Case {
        name: "a continent the country is not on",
        setup: |f| registry_with("    country: DE\n    continent: EU\n", "    country: DE\n    continent: NA\n")(f),
        code: 1,
        expect: &[
            "mirror \"eu-one\", field `continent`",
            "is NA, but DE is in Europe (EU)",
            "fix: set `continent: EU`",
        ],
    },
    Case {
        // Saved by an editor that indents with tabs: libyaml says only "found character
        // that cannot start any token".
        name: "a registry line indented with a tab",
        setup: |f| registry_with("  name: Test Foundation\n", "\tname: Test Foundation\n")(f),
        code: 2,
        expect: &["mirrors.yaml:2:1", "indent with spaces"],
    },
    Case {
        name: "an rsync URL without a module",
        setup: |f| registry_with("rsync://one.example.net/pub/", "rsync://one.example.net/")(f),
        code: 1,
        expect: &["mirror \"eu-one\", field `urls.rsync`", "names no module (rsync://host/MODULE/)"],
    },
    Case {
        name: "one mirror listed twice",
        setup: |f| registry_with("http: http://two.example.com/mirror/", "https: https://one.example.net/pub/")(f),
        code: 1,
        expect: &["mirror \"as-two\", field `urls.https`", "https://one.example.net/pub/ is mirror \"eu-one\"'s too"],
    },
    Case {
        name: "index validity that is no duration",
        setup: |f| registry_with("  keep: 2\n", "  keep: 2\n  valid_for: a week\n")(f),
        code: 1,
        expect: &["policy, field `valid_for`", "\"a week\" is not a duration", "fix: write a number with a unit"],
    },
    Case {
        name: "index validity too short to sync",
        setup: |f| registry_with("  keep: 2\n", "  keep: 2\n  valid_for: 10m\n")(f),
        code: 1,
        expect: &["policy, field `valid_for`", "mirrors would refuse the index", "fix: give at least `1h`"],
    },
    Case {
        name: "capacity that is no size",
        setup: |f| registry_with("    bandwidth: 10000\n", "    bandwidth: 10000\n    capacity: lots\n")(f),
        code: 1,
        expect: &[
            "mirror \"eu-one\", field `capacity`",
            "\"lots\" is not a size",
            "fix: give what the mirror can hold",
        ],
    },
    Case {
        name: "no copies",
        setup: |f| registry_with("  keep: 2\n", "  keep: 2\n  copies: 0\n")(f),
        code: 1,
        expect: &["policy, field `copies`", "is 0", "fix: give at least 1"],
    },
    Case {
        name: "accepting more copies than the goal",
        setup: |f| registry_with("  keep: 2\n", "  keep: 2\n  copies: 2\n  copies_min_ok: 4\n")(f),
        code: 1,
        expect: &["policy, field `copies_min_ok`", "outside 1 ..= copies (2)"],
    },
    Case {
        name: "headroom over 90%",
        setup: |f| registry_with("  keep: 2\n", "  keep: 2\n  headroom: 95%\n")(f),
        code: 1,
        expect: &["policy, field `headroom`", "not a percentage between 0 and 90", "fix: write the share"],
    },
    Case {
        name: "weight that is not positive",
        setup: |f| f.write("content/alpha.md", "---\ntitle: Alpha\nweight: -2\n---\n"),
        code: 1,
        expect: &["content/alpha.md", "weight -2 is not a positive number", "fix: give how much more"],
    },
    Case {
        // eu-one carries everything (Europe), as-two alpha only (Asia): beta has one copy.
        name: "too few copies for the goal",
        setup: |f| registry_with("  keep: 2\n", "  keep: 2\n  copies: 3\n")(f),
        code: 1,
        expect: &[
            "copies of alpha: 2 copies (eu-one, as-two), on AS, EU; the goal is 3 on two continents",
            "fix: add 1 more mirror with",
            "copies of beta: 1 copy (eu-one), on EU",
            "one of them on a continent other than EU",
            "or accept fewer for now with `policy.copies_min_ok`",
        ],
    },
    Case {
        name: "malformed YAML",
        setup: |f| f.write("mirrors.yaml", &REGISTRY.replace("  name: Test Foundation", "  name: [Test Foundation")),
        code: 2,
        expect: &["mirrors.yaml:2:"],
    },
    Case {
        name: "unknown key",
        setup: |f| registry_with("    bandwidth: 1000\n", "    bandwith: 1000\n")(f),
        code: 2,
        expect: &["mirrors.yaml:32:5", "unknown field `bandwith`", "fix:"],
    },
    Case {
        name: "two misspelt keys and a value of the wrong type, all in one run",
        setup: |f| {
            let text = REGISTRY
                .replace("    bandwidth: 1000\n", "    bandwith: 1000\n")
                .replace("    country: DE\n", "    contry: DE\n    country: DE\n")
                .replace("    bandwidth: 10000\n", "    bandwidth: \"1 Gbit\"\n");
            f.write("mirrors.yaml", &text)
        },
        code: 2,
        expect: &[
            "unknown field `contry`",
            "did you mean `country`?",
            "unknown field `bandwith`",
            "did you mean `bandwidth`?",
            "invalid type: string \"1 Gbit\"",
            "`bandwidth: 1000 (Mbit/s",
            // The typo leaves the key missing; that is said too, with the line of its mirror.
            "mirrors[1]: missing field `bandwidth`",
            "(4 errors in the registry)",
        ],
    },
    Case {
        name: "a mirror pulls from an upstream with no rsync URL",
        setup: |f| registry_with("      rsync: rsync://one.example.net/pub/\n", "")(f),
        code: 1,
        expect: &["mirror \"as-two\", field `upstream`", "\"eu-one\" has no rsync URL", "fix: add `rsync:`"],
    },
    Case {
        name: "mirrors pull from a primary with no rsync URL",
        setup: |f| registry_with("  rsync_url: rsync://dist.example.org/dist/\n", "")(f),
        code: 1,
        expect: &["primary, field `rsync_url`", "eu-one pull from the primary"],
    },
    Case {
        name: "missing key",
        setup: |f| registry_with("    continent: AS\n", "")(f),
        code: 2,
        expect: &["mirrors.yaml:", "missing field `continent`"],
    },
    Case {
        name: "duplicate mirror id",
        setup: |f| registry_with("id: as-two", "id: eu-one")(f),
        code: 1,
        // At the later entry, where the clash was made.
        expect: &["mirrors.yaml:26:5: mirror #2, field `id`", "\"eu-one\" is used by another mirror"],
    },
    Case {
        name: "javascript: URL",
        setup: |f| registry_with("https: https://one.example.net/pub/", "https: \"javascript:alert(1)\"")(f),
        code: 1,
        expect: &["mirror \"eu-one\", field `urls.https`", "scheme `javascript:`"],
    },
    Case {
        name: "http URL under https",
        setup: |f| registry_with("https: https://one.example.net/pub/", "https: http://one.example.net/pub/")(f),
        code: 1,
        expect: &["field `urls.https`", "expected https"],
    },
    Case {
        name: "upstream cycle",
        setup: |f| {
            f.write(
                "mirrors.yaml",
                &REGISTRY.replace(
                    "    urls:\n      https: https://one",
                    "    upstream: as-two\n    urls:\n      https: https://one",
                ),
            )
        },
        code: 1,
        expect: &["field `upstream`", "cycle", "eu-one -> as-two -> eu-one"],
    },
    Case {
        name: "unknown upstream",
        setup: |f| registry_with("upstream: eu-one", "upstream: nowhere")(f),
        code: 1,
        expect: &["mirror \"as-two\", field `upstream`", "\"nowhere\" is not a mirror id"],
    },
    Case {
        name: "bad country",
        setup: |f| registry_with("country: JP", "country: XX")(f),
        code: 1,
        expect: &["field `country`", "ISO 3166-1"],
    },
    Case {
        name: "latitude out of range",
        setup: |f| registry_with("lat: 35.7", "lat: 135.7")(f),
        code: 1,
        expect: &["field `lat`", "out of range"],
    },
    Case {
        name: "bad glob",
        setup: |f| registry_with("include: [\"alpha\"]", "include: [\"alpha[\"]")(f),
        code: 1,
        expect: &["field `include`", "not a valid glob"],
    },
    Case {
        name: "partial mirror pulling from a narrower upstream",
        setup: |f| {
            f.write(
                "mirrors.yaml",
                &REGISTRY.replace(
                    "    urls:\n      https: https://one",
                    "    include: [\"beta\"]\n    urls:\n      https: https://one",
                ),
            )
        },
        code: 1,
        expect: &["mirror \"as-two\", field `upstream`", "carries alpha but its upstream \"eu-one\" does not"],
    },
    Case {
        name: "escaping symlink",
        setup: |f| std::os::unix::fs::symlink("/etc/passwd", f.path("dist/alpha/1.10/passwd")).unwrap(),
        code: 1,
        expect: &["dist/alpha/1.10/passwd", "outside the release tree"],
    },
    Case {
        name: "dangling symlink",
        setup: |f| std::os::unix::fs::symlink("gone.tar.gz", f.path("dist/alpha/1.10/latest.tar.gz")).unwrap(),
        code: 1,
        expect: &["latest.tar.gz", "dangling"],
    },
    Case {
        name: "control character in a name",
        setup: |f| f.write("dist/alpha/1.10/evil\u{1b}[31mred.tar.gz", "x"),
        code: 1,
        expect: &["evil\\u{1b}[31mred.tar.gz", "control characters"],
    },
    Case {
        name: "name that is not UTF-8",
        setup: |f| {
            use std::os::unix::ffi::OsStrExt;
            let name = std::ffi::OsStr::from_bytes(b"bad\xffname.zip");
            std::fs::write(f.path("dist/alpha/1.10").join(name), b"x").unwrap();
        },
        code: 1,
        expect: &["bad\\xffname.zip", "not UTF-8"],
    },
    Case {
        name: "bad front matter",
        setup: |f| f.write("content/alpha/1.10.md", "---\ntitle: ok\ndate: [2026\n---\nbody\n"),
        code: 1,
        expect: &["content/alpha/1.10.md:", "bad front matter"],
    },
    Case {
        name: "unknown front matter key",
        setup: |f| f.write("content/alpha.md", "---\ntitle: Alpha\nhompage: https://x.example.org/\n---\n"),
        code: 1,
        expect: &["content/alpha.md:3:1", "unknown field `hompage`"],
    },
    Case {
        name: "unclosed front matter",
        setup: |f| f.write("content/alpha.md", "---\ntitle: Alpha\n"),
        code: 1,
        expect: &["content/alpha.md:1", "never closed"],
    },
    Case {
        name: "unknown project in content",
        setup: |f| f.write("content/gamma.md", "# Gamma\n"),
        code: 1,
        expect: &["content/gamma.md", "project `gamma`", "not in the release tree"],
    },
    Case {
        name: "notes for an unknown release",
        setup: |f| f.write("content/alpha/9.9.md", "notes\n"),
        code: 1,
        expect: &["content/alpha/9.9.md", "alpha 9.9", "not in the release tree"],
    },
    Case {
        name: "bad release date",
        setup: |f| f.write("content/alpha/1.10.md", "---\ndate: 2026-02-30\n---\n"),
        code: 1,
        expect: &["content/alpha/1.10.md", "is not a date", "YYYY-MM-DD"],
    },
    Case {
        name: "javascript: homepage",
        setup: |f| f.write("content/alpha.md", "---\nhomepage: \"javascript:alert(1)\"\n---\n"),
        code: 1,
        expect: &["content/alpha.md", "homepage"],
    },
    Case {
        name: "bad notes glob",
        setup: |f| registry_with("  keep: 2\n", "  keep: 2\n  notes: [\"[oops\"]\n")(f),
        code: 1,
        expect: &["policy, field `notes`", "is not a valid glob"],
    },
    Case {
        name: "bad project directory name",
        setup: |f| f.write("dist/al pha/1.0/a.tar.gz", "x"),
        code: 1,
        expect: &["dist/al pha", "not a valid project directory name", "list it in .closerignore"],
    },
    Case {
        name: "FIFO in the tree",
        setup: |f| {
            let p =
                std::ffi::CString::new(f.path("dist/alpha/1.10/pipe").into_os_string().into_encoded_bytes()).unwrap();
            // SAFETY: valid path; mkfifo has no other preconditions.
            assert_eq!(unsafe { libc::mkfifo(p.as_ptr(), 0o644) }, 0);
        },
        code: 1,
        expect: &["dist/alpha/1.10/pipe", "not a regular file"],
    },
    Case {
        name: "missing release tree",
        setup: |f| std::fs::remove_dir_all(f.path("dist")).unwrap(),
        code: 2,
        expect: &["dist", "--dist"],
    },
    Case {
        name: "missing registry",
        setup: |f| std::fs::remove_file(f.path("mirrors.yaml")).unwrap(),
        code: 2,
        expect: &["cannot read `mirrors.yaml`", "fix: run `closer init`"],
    },
    Case { name: "bad SOURCE_DATE_EPOCH", setup: |_| {}, code: 2, expect: &["SOURCE_DATE_EPOCH"] },
    // Layout rules, kernel.org's signatures, lines and versions (issue 13).
    Case {
        name: "layout rule for a project not in the tree",
        setup: |f| registry_with("  keep: 2\n", "  keep: 2\n  layout:\n    - path: \"gamma/{version}/*\"\n")(f),
        code: 1,
        expect: &["mirrors.yaml policy.layout[0]", "project `gamma`, which is not in the release tree"],
    },
    Case {
        name: "two layout rules match one file",
        setup: |f| {
            let rules =
                "  layout:\n    - path: \"alpha/{version}/alpha-*.zip\"\n    - path: \"alpha/*/alpha-{version}.zip\"\n";
            registry_with("  keep: 2\n", &format!("  keep: 2\n{rules}"))(f)
        },
        code: 1,
        expect: &[
            "dist/alpha/1.10/alpha-1.10.zip",
            "matches two layout rules",
            "policy.layout[0] (`{version}/alpha-*.zip`)",
            "policy.layout[1]",
        ],
    },
    Case {
        name: "layout rule with an unknown placeholder",
        setup: |f| registry_with("  keep: 2\n", "  keep: 2\n  layout:\n    - path: \"alpha/{ver}/*\"\n")(f),
        code: 1,
        expect: &["policy.layout[0]", "`{ver}` is not a placeholder", "fix:"],
    },
    Case {
        name: "layout rule in front matter that matches nothing",
        setup: |f| {
            f.write("content/alpha.md", "---\ntitle: Alpha\nlayout:\n  - path: \"nightly/{version}/*\"\n---\nAlpha.\n")
        },
        code: 1,
        expect: &["content/alpha.md layout[0]", "`nightly/{version}/*` matches no file of project alpha"],
    },
    Case {
        name: "file neither a rule nor inference places",
        setup: |f| {
            f.write("content/alpha.md", "---\nlayout:\n  - path: \"{version}/*.zip\"\n---\nAlpha.\n");
            f.write("dist/alpha/alpha-extras.tar.gz", "x");
        },
        code: 1,
        expect: &[
            "dist/alpha/alpha-extras.tar.gz",
            "says no version",
            "layout rules tried: ",
            "layout[0] (`{version}/*.zip`)",
        ],
    },
    Case {
        name: "the same version twice",
        setup: |f| f.write("dist/alpha/v1.10/alpha-1.10.tar.bz2", "x"),
        code: 1,
        expect: &["dist/alpha/", "the same version twice", "keep one release per version"],
    },
    Case {
        name: "a release directory copied from another and left so",
        setup: |f| {
            f.write("dist/alpha/1.11/alpha-1.9.tar.gz", "alpha 1.9 tarball\n");
            f.write("dist/alpha/1.11/alpha-1.9.zip", "alpha 1.9 zip\n");
        },
        code: 1,
        expect: &[
            "dist/alpha/1.11: is release 1.11 but its files are release 1.9's (alpha-1.9.tar.gz, ...): a copied directory?",
            "put 1.11's own files in it, named for 1.11, or remove it",
        ],
    },
    Case {
        name: "files loose beside the directory of their version",
        setup: |f| {
            f.write("dist/alpha/alpha-1.10.tar.bz2", "x");
            f.write("dist/alpha/alpha-1.10.tar.bz2.asc", "x");
        },
        code: 1,
        expect: &[
            "dist/alpha/alpha-1.10.tar.bz2: is in release 1.10 and alpha/1.10/",
            "move the loose files into the version's directory: cd ",
            " && mv alpha/alpha-1.10.tar.bz2 alpha/alpha-1.10.tar.bz2.asc alpha/1.10/",
        ],
    },
    Case {
        name: "truncated xz stream under a signature of the uncompressed tar",
        setup: |f| {
            f.write_bytes("dist/alpha/1.10/alpha-1.10.tar.xz", b"\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46\x02\x00\x21\x01");
            f.write("dist/alpha/1.10/alpha-1.10.tar.sign", "-----BEGIN PGP SIGNATURE-----\n");
            uploaded_long_ago(f, &["dist/alpha/1.10/alpha-1.10.tar.xz", "dist/alpha/1.10/alpha-1.10.tar.sign"]);
        },
        code: 1,
        expect: &["alpha-1.10.tar.xz", "alpha-1.10.tar.sign (over its uncompressed content)", "cannot be read as xz"],
    },
    Case {
        name: "xz stream that asks for a 1 GiB dictionary under a signature of the uncompressed tar",
        // `printf 'hello\n' | xz --lzma2=preset=0,dict=1GiB`: 64 bytes that need 1 GiB.
        setup: |f| {
            f.write_bytes("dist/alpha/1.10/alpha-1.10.tar.xz", b"\xfd\x37\x7a\x58\x5a\x00\x00\x04\xe6\xd6\xb4\x46\x02\x00\x21\x01\x24\x00\x00\x00\x5e\x1f\xc7\xf9\x01\x00\x05\x68\x65\x6c\x6c\x6f\x0a\x00\x00\x00\xa5\x60\x97\xf1\x94\xf6\xfd\xe0\x00\x01\x1e\x06\xc1\x2f\xa4\x1d\x1f\xb6\xf3\x7d\x01\x00\x00\x00\x00\x04\x59\x5a");
            f.write("dist/alpha/1.10/alpha-1.10.tar.sign", "-----BEGIN PGP SIGNATURE-----\n");
            uploaded_long_ago(f, &["dist/alpha/1.10/alpha-1.10.tar.xz", "dist/alpha/1.10/alpha-1.10.tar.sign"]);
        },
        code: 1,
        expect: &["alpha-1.10.tar.xz", "cannot be read as xz", "needs more than 512 MiB of memory", "xz -9 or lower"],
    },
    Case {
        name: "signature of an uncompressed tar that is not there",
        setup: |f| f.write("dist/alpha/1.10/alpha-1.10-src.tar.sign", "-----BEGIN PGP SIGNATURE-----\n"),
        code: 1,
        expect: &["alpha-1.10-src.tar.sign", "is a signature over `alpha-1.10-src.tar`, which is not in the release"],
    },
    Case {
        name: "products released apart that share versions",
        setup: |f| {
            for v in ["1.0", "1.1", "1.2", "1.3", "1.4"] {
                f.write(&format!("dist/alpha/tools/foo-{v}.zip"), "x");
            }
            f.write("dist/alpha/tools/bar-1.3.zip", "x");
            f.write("dist/alpha/tools/bar-1.4.zip", "x");
        },
        code: 1,
        expect: &[
            "dist/alpha/tools",
            "holds `bar` and `foo`, which share versions 1.3, 1.4 but are otherwise released apart",
            "if they are one line, say so with a layout rule: - path: \"tools/foo-{version}*\"  line: bar",
        ],
    },
    Case {
        name: "products released apart that share versions in the project's own directory",
        setup: |f| {
            let names =
                "gromacs-2023.5 gromacs-2024 gromacs-2024.4 gromacs-2025.0-beta gromacs-2025-rc1 regressiontests-2024";
            for n in names.split(' ').chain(["regressiontests-2024.4"]) {
                f.write(&format!("dist/gromacs/{n}.tar.gz"), "x");
            }
        },
        code: 1,
        expect: &["which share versions 2024, 2024.4 but are", "path: \"regressiontests-{version}*\"  line: gromacs"],
    },
    Case {
        name: "file in a release line that says no version",
        setup: |f| {
            f.write("dist/alpha/alpha-2/v2.0/alpha-2.0.zip", "x");
            f.write("dist/alpha/alpha-2/random.bin", "x");
        },
        code: 1,
        expect: &["dist/alpha/alpha-2/random.bin", "in the release line alpha-2, outside its version directories"],
    },
];

#[test]
fn every_bad_input_is_reported_with_its_place_and_no_output() {
    assert!(CASES.len() + super::bad_checksums::CASES.len() >= 35);
    let mut failures = Vec::new();
    for case in
        CASES.iter().chain(super::bad_checksums::CASES).chain(super::bad_registry::CASES).chain(super::bad_names::CASES)
    {
        let f = Fixture::new();
        (case.setup)(&f);
        let env: &[(&str, &str)] =
            if case.name == "bad SOURCE_DATE_EPOCH" { &[("SOURCE_DATE_EPOCH", "yesterday")] } else { &[] };
        for cmd in ["check", "build --strict"] {
            let run = f.closer_env(&cmd.split(' ').collect::<Vec<_>>(), env);
            if run.code != case.code {
                failures
                    .push(format!("{} ({cmd}): exit {} instead of {}\n{}", case.name, run.code, case.code, run.stderr));
            }
            for e in case.expect {
                if !run.stderr.contains(e) {
                    failures.push(format!("{} ({cmd}): stderr lacks {e:?}\n{}", case.name, run.stderr));
                }
            }
            if run.stderr.contains("panicked") {
                failures.push(format!("{} ({cmd}): panicked\n{}", case.name, run.stderr));
            }
        }
        let leftovers: Vec<String> = std::fs::read_dir(f.dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n == "site" || n.starts_with(".site.closer-"))
            .collect();
        if !leftovers.is_empty() {
            failures.push(format!("{}: left output behind: {leftovers:?}", case.name));
        }
        // A plain build reports the same, with the same exit code; a problem in one
        // project holds that project back and publishes the others (tests/cli/isolation.rs).
        // A page of no project holds nothing back: the build warns (exit 0).
        let run = f.closer_env(&["build"], env);
        let code = if case.name == "unknown project in content" { 0 } else { case.code };
        if run.code != code || !case.expect.iter().all(|e| run.stderr.contains(e)) {
            failures.push(format!("{} (build): exit {} or a missing line\n{}", case.name, run.code, run.stderr));
        }
    }
    assert!(failures.is_empty(), "{} failure(s):\n\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn check_lists_every_problem_at_once() {
    let f = Fixture::new();
    registry_with("country: JP", "country: XX")(&f);
    f.write("content/gamma.md", "# Gamma\n");
    std::os::unix::fs::symlink("/etc", f.path("dist/alpha/etc")).unwrap();
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("3 problems found"), "{}", run.stderr);
    for e in ["field `country`", "content/gamma.md", "dist/alpha/etc"] {
        assert!(run.stderr.contains(e), "lacks {e}:\n{}", run.stderr);
    }
}

/// Every command that reads the registry exits 1 when it has a validation problem, and
/// names it; the list of commands comes from `closer --help`, so a new command cannot be
/// left out. `serve` is the exception docs/reference/commands.md states: it shows problems over the
/// last good site and goes on.
#[test]
fn every_command_exits_1_on_a_registry_with_a_problem() {
    let f = Fixture::new();
    registry_with("bandwidth: 1000\n", "bandwidth: 0\n")(&f);
    let key = crate::util::repo().join(crate::util::DEMO_KEY);
    let key = key.to_str().unwrap();
    let runs: &[&[&str]] = &[
        &["build"],
        &["build", "--lists-only"],
        &["check"],
        &["status", "alpha", "1.10"],
        &["copies"],
        &["announce", "alpha", "1.10"],
        &["probe"],
        &["fetch-logos"],
        &["push"],
        &["sign", "--key", key],
        &["releases", "--json"],
    ];
    let help = f.closer(&["--help"]).ok().stdout.clone();
    let listed: Vec<&str> = help
        .split("Commands:\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| l.starts_with("  "))
        // A command's name starts its line; a wrapped description is indented further.
        .filter_map(|l| l.strip_prefix("  ").filter(|l| !l.starts_with(' ')))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(listed.len() >= 12, "{help}");
    // `init` reads no registry: it writes one; `sigstore-root` reads only the name the
    // registry gives its root (`sigstore_pairs`).
    for command in listed.iter().filter(|c| !matches!(**c, "serve" | "help" | "init" | "sigstore-root")) {
        assert!(runs.iter().any(|r| r[0] == *command), "`closer {command}` is not tried here");
    }
    for args in runs {
        let r = f.closer(args);
        assert_eq!(r.code, 1, "closer {args:?}: {}", r.stderr);
        assert!(r.stderr.contains("mirror \"as-two\", field `bandwidth`"), "closer {args:?}: {}", r.stderr);
    }
}
