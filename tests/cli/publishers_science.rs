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
/// digests never compared; its `latest.json` said the number `1_14_5`, as the folder.
#[test]
fn a_versioned_sha256sums_txt_is_a_checksum_list() {
    let f = Fixture::new();
    unsigned(&f, "hdf5");
    let dir = "dist/hdf5/v1_14/v1_14_5/downloads";
    f.write(&format!("{dir}/hdf5-1.14.5.tar.gz"), "sources");
    f.write(&format!("{dir}/hdf5-1.14.5.zip"), "sources, zip");
    let sums = tool(&f.path(dir), "sha256sum", &["hdf5-1.14.5.tar.gz", "hdf5-1.14.5.zip"]);
    f.write(&format!("{dir}/hdf5-1.14.5.sha256sums.txt"), &sums);
    f.closer(&["build"]).ok();
    // Its `latest.json` gives the number as version checkers compare it, dotted.
    let latest: serde_json::Value = serde_json::from_str(&f.read("site/hdf5/latest.json")).unwrap();
    assert_eq!(latest["release"]["number"], "1.14.5", "{latest}");
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

/// The opening download box's builds of a project page: (file name, `data-os`,
/// `data-arch`, `data-narrow`) of each, as page.js reads them to choose.
fn box_builds(f: &Fixture, project: &str) -> Vec<(String, String, String, u8)> {
    let page = f.read(&format!("site/{project}/index.html"));
    let start = page.find("id=\"closer-get\"").unwrap_or_else(|| panic!("no download box: {page}"));
    let end = page[start..].find("</ul>").map_or(page.len(), |e| start + e);
    let attr = |li: &str, name: &str| {
        li.split_once(&format!(" {name}=\"")).map_or(String::new(), |(_, r)| r.split('"').next().unwrap().to_string())
    };
    page[start..end]
        .split("<li")
        .skip(1)
        .filter(|li| li.contains("data-os"))
        .map(|li| {
            let name = li.split("<span class=\"muted\">").nth(1).unwrap().split(" · ").next().unwrap();
            let narrow = attr(li, "data-narrow").parse().unwrap_or(0);
            (name.rsplit('/').next().unwrap().to_string(), attr(li, "data-os"), attr(li, "data-arch"), narrow)
        })
        .collect()
}

/// Builds that fit a visitor alike, and the one page.js must offer: HDF5's Intel-compiler
/// builds (`_intel`, read as the processor: they fitted x86-64 best), ParaView's MPI
/// installer and Octave's 64-bit-indexing `w64-64` one (a word more than the plain one:
/// first by name), VTK's CPython wheel (a `pip` package, the Windows button), OpenVPN's
/// `-I001-` installers beside the `-I002-` that replaced them, and Tor's Android bundles
/// ("Linux ARM64").
#[test]
fn of_builds_alike_the_plain_newest_build_for_the_visitors_system_is_offered() {
    let f = Fixture::new();
    let files = [
        ("hdf5", "hdf5-1.14.5.tar.gz"),
        ("hdf5", "hdf5-1.14.5-win-vs2022_cl.msi"),
        ("hdf5", "hdf5-1.14.5-win-vs2022_intel.msi"),
        ("hdf5", "hdf5-1.14.5-ubuntu-2204_gcc.tar.gz"),
        ("hdf5", "hdf5-1.14.5-ubuntu-2204_intel.tar.gz"),
        ("paraview", "ParaView-5.13.1.tar.gz"),
        ("paraview", "ParaView-5.13.1-Windows-Python3.10-msvc2017-AMD64.msi"),
        ("paraview", "ParaView-5.13.1-MPI-Windows-Python3.10-msvc2017-AMD64.msi"),
        ("octave", "octave-9.2.0.tar.xz"),
        ("octave", "octave-9.2.0-w64-installer.exe"),
        ("octave", "octave-9.2.0-w64-64-installer.exe"),
        ("vtk", "VTK-9.4.1.tar.gz"),
        ("vtk", "vtk-9.4.1-cp312-cp312-win_amd64.whl"),
        ("openvpn", "openvpn-2.6.12.tar.gz"),
        ("openvpn", "OpenVPN-2.6.12-I001-amd64.msi"),
        ("openvpn", "OpenVPN-2.6.12-I002-amd64.msi"),
        ("tor", "tor-0.4.8.13.tar.gz"),
        ("tor", "tor-0.4.8.13-android-aarch64.tar.gz"),
        ("tor", "tor-0.4.8.13-linux-aarch64.tar.gz"),
    ];
    for (p, n) in files {
        unsigned(&f, p);
        f.write(&format!("dist/{p}/{n}"), n);
    }
    f.closer(&["build"]).ok();
    let builds = |p: &str| box_builds(&f, p);
    let narrow =
        |p: &str, n: &str| builds(p).iter().find(|b| b.0 == n).unwrap_or_else(|| panic!("{n}: {:?}", builds(p))).3;
    // Intel's compiler says nothing of the machine, and is the narrower build.
    let hdf5 = builds("hdf5");
    assert!(hdf5.iter().all(|b| b.2.is_empty()), "{hdf5:?}");
    assert!(narrow("hdf5", "hdf5-1.14.5-win-vs2022_cl.msi") < narrow("hdf5", "hdf5-1.14.5-win-vs2022_intel.msi"));
    assert!(
        narrow("hdf5", "hdf5-1.14.5-ubuntu-2204_gcc.tar.gz") < narrow("hdf5", "hdf5-1.14.5-ubuntu-2204_intel.tar.gz")
    );
    let plain = "ParaView-5.13.1-Windows-Python3.10-msvc2017-AMD64.msi";
    assert!(
        narrow("paraview", plain) < narrow("paraview", "ParaView-5.13.1-MPI-Windows-Python3.10-msvc2017-AMD64.msi")
    );
    assert!(narrow("octave", "octave-9.2.0-w64-installer.exe") < narrow("octave", "octave-9.2.0-w64-64-installer.exe"));
    assert!(builds("vtk").is_empty(), "a wheel is no build to offer: {:?}", builds("vtk"));
    let openvpn: Vec<String> = builds("openvpn").into_iter().map(|b| b.0).collect();
    assert_eq!(openvpn, ["OpenVPN-2.6.12-I002-amd64.msi"]);
    let tor = builds("tor");
    let os_of = |n: &str| tor.iter().find(|b| b.0 == n).map(|b| b.1.clone());
    assert_eq!(os_of("tor-0.4.8.13-android-aarch64.tar.gz").as_deref(), Some("android"), "{tor:?}");
    assert_eq!(os_of("tor-0.4.8.13-linux-aarch64.tar.gz").as_deref(), Some("linux"), "{tor:?}");
    assert!(f.read("site/tor/index.html").contains("Android ARM64"));
}

/// Tor keeps its own sources at the top (`tor-0.4.8.13.tar.gz`) beside
/// `torbrowser/14.0.3/`: the higher 14.0.3 of another product was offered. PowerDNS's
/// products share one folder and the project is named `powerdns`: its documented
/// `primary: "pdns-[0-9]*.tar.bz2"` only chose within the Recursor's release 5.1.2, and
/// did nothing. A glob that matches an archived release's file alone is said.
#[test]
fn the_projects_own_product_is_offered_and_primary_names_the_release() {
    let f = Fixture::new();
    for p in ["tor", "powerdns"] {
        unsigned(&f, p);
    }
    f.write("dist/tor/tor-0.4.8.13.tar.gz", "tor");
    f.write("dist/tor/tor-0.4.8.12.tar.gz", "tor");
    f.write("dist/tor/torbrowser/14.0.3/tor-browser-linux-x86_64-14.0.3.tar.xz", "tb");
    f.write("dist/tor/torbrowser/14.0.3/tor-expert-bundle-linux-x86_64-14.0.3.tar.gz", "teb");
    for n in ["pdns-4.9.2.tar.bz2", "pdns-recursor-5.1.2.tar.bz2", "dnsdist-1.9.7.tar.bz2"] {
        f.write(&format!("dist/powerdns/{n}"), n);
    }
    let page = "---\nunsigned: \"checksums only, in this test\"\nprimary: \"pdns-[0-9]*.tar.bz2\"\n---\n";
    f.write("content/powerdns.md", page);
    let run = f.closer(&["build"]);
    run.ok();
    assert!(!run.stderr.contains("primary"), "{}", run.stderr);
    assert_eq!(offered(&f, "tor"), "tor/tor-0.4.8.13.tar.gz");
    assert_eq!(offered(&f, "powerdns"), "powerdns/pdns-4.9.2.tar.bz2");
    // A glob that names an archived release's file alone is said.
    f.write("dist/powerdns/pdns-4.9.1.tar.bz2", "4.9.1");
    f.write("content/powerdns.md", &page.replace("primary: \"pdns-[0-9]*", "keep: 1\nprimary: \"pdns-4.9.1"));
    let run = f.closer(&["build"]);
    run.ok();
    let said = "content/powerdns.md: `primary: \"pdns-4.9.1.tar.bz2\"` matches only archived releases' files";
    assert!(run.stderr.contains(said), "{}", run.stderr);
}
