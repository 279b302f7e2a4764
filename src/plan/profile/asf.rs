//! The Apache Software Foundation's release rules, as Apache Trusted Releases checks them
//! (apache/tooling-trusted-releases, `atr/docs/checks.md`) and as the ASF's release
//! distribution policy states them. Data only: each rule is a test the engine knows, a
//! level (a blocker holds the release back; a concern is a warning), what it asks, how to
//! fix it, and where the rule is written.

use super::{Level, Profile, Rule, Test};

const CHECKS: &str = "https://github.com/apache/tooling-trusted-releases/blob/main/atr/docs/checks.md";
const DISTRIBUTION: &str = "https://infra.apache.org/release-distribution.html";

pub(super) const ASF: Profile = Profile {
    name: "asf",
    archives: &[".tar.gz", ".tgz", ".zip"],
    rules: &[
        Rule {
            id: "asf-signature",
            level: Level::Blocker,
            test: Test::Signature(&[".asc"]),
            asks: "every artifact has an armored OpenPGP signature, ARTIFACT.asc",
            fix: "sign it: gpg --armor --detach-sign ARTIFACT (or closer sign --key KEY.asc)",
            source: CHECKS,
        },
        Rule {
            id: "asf-checksum",
            level: Level::Blocker,
            test: Test::Checksum(&[".sha512", ".sha256"]),
            asks: "every artifact has ARTIFACT.sha512 or ARTIFACT.sha256",
            fix: "add it: sha512sum ARTIFACT > ARTIFACT.sha512",
            source: CHECKS,
        },
        Rule {
            id: "asf-no-md5",
            level: Level::Blocker,
            test: Test::Sidecar(".md5"),
            asks: "no .md5 checksum is published",
            fix: "remove the .md5 file; publish .sha512",
            source: DISTRIBUTION,
        },
        Rule {
            id: "asf-no-sig",
            level: Level::Blocker,
            test: Test::Sidecar(".sig"),
            asks: "signatures are armored .asc, not binary .sig",
            fix: "sign again armored: gpg --armor --detach-sign ARTIFACT, and remove the .sig",
            source: CHECKS,
        },
        Rule {
            id: "asf-sha1",
            level: Level::Warning,
            test: Test::Sidecar(".sha1"),
            asks: "no .sha1 checksum (SHA-1 is deprecated)",
            fix: "publish .sha512 instead",
            source: CHECKS,
        },
        Rule {
            id: "asf-sha",
            level: Level::Warning,
            test: Test::Sidecar(".sha"),
            asks: "no .sha checksum (its algorithm is not named)",
            fix: "publish .sha512 instead",
            source: CHECKS,
        },
        Rule {
            id: "asf-no-keys-in-release",
            level: Level::Blocker,
            test: Test::Named("KEYS"),
            asks: "no KEYS inside a release directory (the project's KEYS is kept once, beside its releases)",
            fix: "remove it, and keep the keys in the project's KEYS",
            source: CHECKS,
        },
        Rule {
            id: "asf-no-dotfiles",
            level: Level::Blocker,
            test: Test::Dotfile,
            asks: "no dotfiles in a release",
            fix: "remove it",
            source: CHECKS,
        },
        Rule {
            id: "asf-max-size",
            level: Level::Blocker,
            test: Test::Size(1 << 30),
            asks: "no artifact over 1 GB is distributed through the mirrors",
            fix: "split it, or ask Infra for an exception before the release",
            source: DISTRIBUTION,
        },
        Rule {
            id: "asf-large",
            level: Level::Warning,
            test: Test::Size(100 << 20),
            asks: "artifacts over 100 MB are discouraged",
            fix: "leave out what downloaders can get elsewhere (bundled dependencies, documentation)",
            source: DISTRIBUTION,
        },
        Rule {
            id: "asf-archive-readable",
            level: Level::Blocker,
            test: Test::Readable,
            asks: "every archive can be read to its end",
            fix: "build the archive again and upload it again",
            source: CHECKS,
        },
        Rule {
            id: "asf-archive-root",
            level: Level::Warning,
            test: Test::Root(&["-src", "-source", "_src", "_source"]),
            asks: "a source archive unpacks to exactly one directory named after the file (its -src or -source suffix optional)",
            fix: "build the archive from one top directory named like the file",
            source: CHECKS,
        },
        Rule {
            id: "asf-license-notice",
            level: Level::Blocker,
            test: Test::RootFiles(&["LICENSE", "NOTICE"]),
            asks: "every archive has LICENSE and NOTICE in its top directory",
            fix: "add LICENSE (the Apache License 2.0) and NOTICE at the top of the archive",
            source: CHECKS,
        },
    ],
};
