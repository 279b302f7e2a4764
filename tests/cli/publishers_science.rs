//! Scientific and network servers' trees from the thirty-seventh and thirty-eighth
//! trials: LAMMPS's releases named by their day (`lammps-4Feb2025.tar.gz`) and their
//! stable updates, dnsmasq's `test-releases/`, HDF5's `hdf5-1.14.5.sha256sums.txt`,
//! ntpsec's `X.tar.gz.sum` and its clearsigned `X.tar.gz.sum.asc`.

use crate::forms::{gpg_sign, tool};
use crate::gpg::Gpg;
use crate::publishers_downloads::{offered, releases};
use crate::release_words_more::unsigned;
use crate::util::{Fixture, sha256_hex};

/// LAMMPS names each release by its day: they were ordered by the day of the month
/// (29Aug2024 above 19Nov2024, the newest archived), a February one was "a name that
/// says no version" (`4Feb2025` is all hex digits: read as a commit), and a stable
/// release's `_update1` was the release itself, its un-updated tarball offered.
#[test]
fn releases_named_by_their_day_are_ordered_by_it_and_an_update_is_newer() {
    let f = Fixture::new();
    unsigned(&f, "lammps");
    f.write("content/lammps.md", "---\nunsigned: \"checksums only, in this test\"\nkeep: 3\n---\n");
    for d in ["21Nov2023", "29Aug2024", "29Aug2024_update1", "19Nov2024", "4Feb2025"] {
        f.write(&format!("dist/lammps/tars/lammps-{d}.tar.gz"), d);
    }
    f.closer(&["build"]).ok();
    let versions: Vec<(String, bool)> = releases(&f, "lammps").into_iter().map(|r| (r.1, r.2)).collect();
    let want = [("4Feb2025", true), ("19Nov2024", true), ("29Aug2024_update1", true), ("29Aug2024", false)];
    assert_eq!(versions[..4], want.map(|(v, c)| (v.to_string(), c)), "{versions:?}");
    assert_eq!(offered(&f, "lammps"), "lammps/tars/lammps-4Feb2025.tar.gz");
}

/// dnsmasq keeps its test builds and candidates in `test-releases/`: `2.92test1` was
/// "the newest stable release", and `2.91test1` sorted above `2.91rc1`.
#[test]
fn test_builds_are_pre_releases_before_candidates() {
    let f = Fixture::new();
    unsigned(&f, "dnsmasq");
    for n in ["dnsmasq-2.90.tar.gz", "dnsmasq-2.91.tar.gz"] {
        f.write(&format!("dist/dnsmasq/{n}"), n);
    }
    for n in ["dnsmasq-2.91test1.tar.gz", "dnsmasq-2.91rc1.tar.gz", "dnsmasq-2.92test1.tar.gz"] {
        f.write(&format!("dist/dnsmasq/test-releases/{n}"), n);
    }
    f.closer(&["build"]).ok();
    assert_eq!(offered(&f, "dnsmasq"), "dnsmasq/dnsmasq-2.91.tar.gz");
    let all = releases(&f, "dnsmasq");
    let pre = |v: &str| all.iter().find(|r| r.1 == v).unwrap_or_else(|| panic!("{v}: {all:?}")).3;
    assert!(pre("2.92test1") && !pre("2.91"), "{all:?}");
    let order: Vec<&str> = all.iter().map(|r| r.1.as_str()).filter(|v| v.starts_with("2.91")).collect();
    assert_eq!(order, ["2.91", "2.91rc1", "2.91test1"], "{all:?}");
}

/// HDF5's `hdf5-1.14.5.sha256sums.txt` was a download of its own, "unsigned", its
/// digests never compared.
#[test]
fn a_versioned_sha256sums_txt_is_a_checksum_list() {
    let f = Fixture::new();
    unsigned(&f, "hdf5");
    let dir = "dist/hdf5/v1_14/v1_14_5/downloads";
    f.write(&format!("{dir}/hdf5-1.14.5.tar.gz"), "sources");
    f.write(&format!("{dir}/hdf5-1.14.5.zip"), "sources, zip");
    let sums = tool(&f.path(dir), "sha256sum", &["hdf5-1.14.5.tar.gz", "hdf5-1.14.5.zip"]);
    f.write(&format!("{dir}/hdf5-1.14.5.sha256sums.txt"), &sums);
    f.closer(&["check"]).ok();
    f.write(&format!("{dir}/hdf5-1.14.5.sha256sums.txt"), &sums.replacen(&sha256_hex(b"sources"), &"0".repeat(64), 1));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("hdf5-1.14.5.sha256sums.txt"), "{}", run.stderr);
}

/// ntpsec publishes `X.tar.gz.sum` (`sha256sum`'s output) and `X.tar.gz.sum.asc`, a
/// clearsigned copy of it: the `.sum` was a download, never compared, and the `.sum.asc`
/// "did not match" it ("upload both again"), though `gpg --verify` says it is good.
#[test]
fn a_sum_file_is_checked_and_its_clearsigned_copy_verified() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("ntpsec <security@ntpsec.org>", "ed25519", "", None);
    f.write("dist/ntpsec/KEYS", &g.export_public(&fpr));
    let dir = f.path("dist/ntpsec");
    let tgz = "ntpsec-1.2.3.tar.gz";
    f.write(&format!("dist/ntpsec/{tgz}"), "ntpsec 1.2.3");
    gpg_sign(&g, &fpr, "--detach-sign", &dir.join(format!("{tgz}.asc")), &dir.join(tgz));
    f.write(&format!("dist/ntpsec/{tgz}.sum"), &tool(&dir, "sha256sum", &[tgz]));
    gpg_sign(&g, &fpr, "--clearsign", &dir.join(format!("{tgz}.sum.asc")), &dir.join(format!("{tgz}.sum")));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let roles: Vec<(String, String)> = crate::util::release_files(&f, "ntpsec")
        .iter()
        .map(|x| (x["path"].as_str().unwrap().to_string(), x["role"].as_str().unwrap().to_string()))
        .collect();
    let role = |p: &str| roles.iter().find(|r| r.0 == format!("ntpsec/{p}")).map(|r| r.1.as_str());
    assert_eq!(role(tgz), Some("artifact"), "{roles:?}");
    assert_eq!(role(&format!("{tgz}.sum")), Some("checksum-list"), "{roles:?}");
    assert_eq!(role(&format!("{tgz}.sum.asc")), Some("signed-checksum-list"), "{roles:?}");
    f.write(&format!("dist/ntpsec/{tgz}.sum"), &format!("{}  {tgz}\n", "0".repeat(64)));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("{tgz}.sum")), "{}", run.stderr);
}
