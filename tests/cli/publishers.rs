//! Checksum files named and written as distributions and tool vendors publish them,
//! made by the real tools: Arch Linux's `b2sums.txt` (BLAKE2b) over files and their
//! version-less links, FreeBSD's `CHECKSUM.SHA512-...`, NetBSD's `MD5`, Blender's
//! `blender-4.3.1.sha256`, Perl's `X.sha256.txt`; and checksum files signed themselves:
//! Tor's `X.sha256sum.asc`, HashiCorp's list with a second signature named by key id.
//! Each is read, checked, and a wrong digest or signature in it is named.

use crate::forms::{gpg_sign, tool};
use crate::gpg::Gpg;
use crate::util::Fixture;
use serde_json::Value;

/// What `closer releases --json` says of the artifact at `path`.
pub(crate) fn artifact(doc: &Value, path: &str) -> Value {
    let releases = doc.as_array().unwrap().iter().flat_map(|p| p["lines"].as_array().unwrap().iter());
    let files =
        releases.flat_map(|l| l["releases"].as_array().unwrap().iter()).flat_map(|r| r["files"].as_array().unwrap());
    files.into_iter().find(|f| f["path"] == path).unwrap_or_else(|| panic!("{path} not in {doc:#}")).clone()
}

/// The algorithms of the checksums the release manager uploaded for an artifact.
fn algorithms(a: &Value) -> Vec<String> {
    let mut v: Vec<String> =
        a["checksums"].as_array().unwrap().iter().map(|c| c["algorithm"].as_str().unwrap().to_string()).collect();
    v.sort();
    v
}

/// Unsigned trees in five publishers' forms, every checksum made by the real tool.
fn unsigned_trees(f: &Fixture) {
    let arch = "dist/archlinux/iso/2024.12.01";
    f.write(&format!("{arch}/archlinux-2024.12.01-x86_64.iso"), "an Arch Linux image\n");
    std::os::unix::fs::symlink("archlinux-2024.12.01-x86_64.iso", f.path(&format!("{arch}/archlinux-x86_64.iso")))
        .unwrap();
    let names = ["archlinux-2024.12.01-x86_64.iso", "archlinux-x86_64.iso"];
    f.write(&format!("{arch}/b2sums.txt"), &tool(&f.path(arch), "b2sum", &names));
    f.write(&format!("{arch}/sha256sums.txt"), &tool(&f.path(arch), "sha256sum", &names));
    let bsd = "dist/FreeBSD/ISO-IMAGES/14.2";
    f.write(&format!("{bsd}/FreeBSD-14.2-RELEASE-amd64-disc1.iso"), "a FreeBSD image\n");
    let iso = ["FreeBSD-14.2-RELEASE-amd64-disc1.iso"];
    let list = tool(&f.path(bsd), "sha512sum", &[&["--tag"][..], &iso].concat());
    f.write(&format!("{bsd}/CHECKSUM.SHA512-FreeBSD-14.2-RELEASE-amd64"), &list);
    let net = "dist/NetBSD/NetBSD-10.0/images";
    f.write(&format!("{net}/NetBSD-10.0-amd64.iso"), "a NetBSD image\n");
    f.write(&format!("{net}/MD5"), &tool(&f.path(net), "md5sum", &["--tag", "NetBSD-10.0-amd64.iso"]));
    let blender = "dist/blender/Blender4.3";
    f.write(&format!("{blender}/blender-4.3.1-linux-x64.tar.xz"), "Blender for Linux\n");
    f.write(&format!("{blender}/blender-4.3.1-windows-x64.zip"), "Blender for Windows\n");
    let builds = ["blender-4.3.1-linux-x64.tar.xz", "blender-4.3.1-windows-x64.zip"];
    f.write(&format!("{blender}/blender-4.3.1.sha256"), &tool(&f.path(blender), "sha256sum", &builds));
    let perl = "dist/perl/5.0";
    f.write(&format!("{perl}/perl-5.40.0.tar.gz"), "Perl 5.40.0\n");
    let sum = tool(&f.path(perl), "sha256sum", &["perl-5.40.0.tar.gz"]);
    f.write(&format!("{perl}/perl-5.40.0.tar.gz.sha256.txt"), sum.split_whitespace().next().unwrap());
}

#[test]
fn checksum_files_in_every_publishers_name_are_read_and_checked() {
    let f = Fixture::new();
    unsigned_trees(&f);
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).stdout).unwrap();
    for (path, want) in [
        ("archlinux/iso/2024.12.01/archlinux-2024.12.01-x86_64.iso", &["blake2b", "sha256"][..]),
        ("FreeBSD/ISO-IMAGES/14.2/FreeBSD-14.2-RELEASE-amd64-disc1.iso", &["sha512"]),
        ("NetBSD/NetBSD-10.0/images/NetBSD-10.0-amd64.iso", &["md5"]),
        ("blender/Blender4.3/blender-4.3.1-windows-x64.zip", &["sha256"]),
        ("perl/5.0/perl-5.40.0.tar.gz", &["sha256"]),
    ] {
        assert_eq!(algorithms(&artifact(&doc, path)), want, "{path}");
    }
    let clean = f.closer(&["check"]);
    for list in ["b2sums.txt", "sha256sums.txt", "CHECKSUM.SHA512", "MD5", "blender-4.3.1.sha256", ".sha256.txt"] {
        assert!(!clean.stderr.contains(list), "{list} is right: {}", clean.stderr);
    }

    // Every file changed after its checksums were made: each list names it.
    for (path, text) in [
        ("dist/archlinux/iso/2024.12.01/archlinux-2024.12.01-x86_64.iso", "another image\n"),
        ("dist/FreeBSD/ISO-IMAGES/14.2/FreeBSD-14.2-RELEASE-amd64-disc1.iso", "another image\n"),
        ("dist/NetBSD/NetBSD-10.0/images/NetBSD-10.0-amd64.iso", "another image\n"),
        ("dist/blender/Blender4.3/blender-4.3.1-windows-x64.zip", "another build\n"),
        ("dist/perl/5.0/perl-5.40.0.tar.gz", "another tarball\n"),
    ] {
        f.write(path, text);
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1);
    for (list, line, named) in [
        ("b2sums.txt", 1, "archlinux-2024.12.01-x86_64.iso has"),
        // The version-less link is checked as the file it leads to.
        ("b2sums.txt", 2, "archlinux-x86_64.iso has"),
        ("sha256sums.txt", 1, "archlinux-2024.12.01-x86_64.iso has"),
        (
            "CHECKSUM.SHA512-FreeBSD-14.2-RELEASE-amd64",
            1,
            "(read in BSD tag format) but FreeBSD-14.2-RELEASE-amd64-disc1.iso has",
        ),
        ("MD5", 1, "(read in BSD tag format) but NetBSD-10.0-amd64.iso has"),
        ("blender-4.3.1.sha256", 2, "blender-4.3.1-windows-x64.zip has"),
        ("perl-5.40.0.tar.gz.sha256.txt", 1, "(read in a bare digest) but perl-5.40.0.tar.gz has"),
    ] {
        let want = format!("/{list}:{line}: says ");
        let hit = run.stderr.lines().find(|l| l.contains(&want));
        assert!(hit.is_some_and(|l| l.contains(named)), "{list}:{line} names {named:?}: {}", run.stderr);
    }
    assert!(!run.stderr.contains("blender-4.3.1.sha256:1:"), "the Linux build is unchanged: {}", run.stderr);

    // A checksum of one file whose file is missing says so.
    std::fs::remove_file(f.path("dist/perl/5.0/perl-5.40.0.tar.gz")).unwrap();
    f.write("dist/perl/5.0/perl-5.40.0.tar.xz", "Perl 5.40.0, xz\n");
    let run = f.closer(&["check"]);
    assert!(
        run.stderr
            .contains("perl-5.40.0.tar.gz.sha256.txt:1: lists \"perl-5.40.0.tar.gz\", which is not in the release"),
        "{}",
        run.stderr
    );
}

/// Tor's tarball signed through its signed `.sha256sum`, and HashiCorp's list with its
/// two signatures (`.sig` and `.72D7468F.sig`), signed by `fpr`.
fn signed_trees(f: &Fixture, g: &Gpg, fpr: &str) {
    let tor = f.path("dist/tor");
    f.write("dist/tor/tor-0.4.8.13.tar.gz", "Tor 0.4.8.13\n");
    f.write("dist/tor/tor-0.4.8.13.tar.gz.sha256sum", &tool(&tor, "sha256sum", &["tor-0.4.8.13.tar.gz"]));
    let (asc, sum) = (tor.join("tor-0.4.8.13.tar.gz.sha256sum.asc"), tor.join("tor-0.4.8.13.tar.gz.sha256sum"));
    g.ok(&["--local-user", fpr, "--armor", "--detach-sign", "--output", asc.to_str().unwrap(), sum.to_str().unwrap()]);
    let tf = f.path("dist/terraform/1.10.0");
    f.write("dist/terraform/1.10.0/terraform_1.10.0_linux_amd64.zip", "Terraform for Linux\n");
    f.write("dist/terraform/1.10.0/terraform_1.10.0_windows_amd64.zip", "Terraform for Windows\n");
    let zips = ["terraform_1.10.0_linux_amd64.zip", "terraform_1.10.0_windows_amd64.zip"];
    f.write("dist/terraform/1.10.0/terraform_1.10.0_SHA256SUMS", &tool(&tf, "sha256sum", &zips));
    for sig in ["terraform_1.10.0_SHA256SUMS.sig", "terraform_1.10.0_SHA256SUMS.72D7468F.sig"] {
        gpg_sign(g, fpr, "--detach-sign", &tf.join(sig), &tf.join("terraform_1.10.0_SHA256SUMS"));
    }
}

#[test]
fn checksum_files_signed_themselves_sign_their_files() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("Release Manager <release@example.org>", "ed25519", "", None);
    for project in ["tor", "terraform"] {
        f.write(&format!("dist/{project}/KEYS"), &g.export_public(&fpr));
    }
    signed_trees(&f, &g, &fpr);
    let run = f.closer(&["releases", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let tor = artifact(&doc, "tor/tor-0.4.8.13.tar.gz");
    assert_eq!(tor["signature"]["path"], "tor/tor-0.4.8.13.tar.gz.sha256sum.asc");
    assert_eq!((&tor["signature"]["kind"], &tor["signature"]["outcome"]), (&"signed-list".into(), &"good".into()));
    for zip in ["terraform_1.10.0_linux_amd64.zip", "terraform_1.10.0_windows_amd64.zip"] {
        let a = artifact(&doc, &format!("terraform/1.10.0/{zip}"));
        assert_eq!(a["signature"]["outcome"], "good", "{a:#}");
    }
    let terraform = doc.as_array().unwrap().iter().find(|p| p["project"] == "terraform").unwrap();
    let roles: Vec<(&str, &str)> = terraform["lines"][0]["releases"][0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["role"] != "artifact")
        .map(|f| (f["path"].as_str().unwrap(), f["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        roles,
        [
            ("terraform/1.10.0/terraform_1.10.0_SHA256SUMS", "checksum-list"),
            ("terraform/1.10.0/terraform_1.10.0_SHA256SUMS.72D7468F.sig", "signed-checksum-list"),
            ("terraform/1.10.0/terraform_1.10.0_SHA256SUMS.sig", "signed-checksum-list"),
        ]
    );
    f.closer(&["build"]).ok();
    let page = f.read("site/tor/0.4.8.13/index.html");
    assert!(page.contains("sha256sum -c --ignore-missing tor-0.4.8.13.tar.gz.sha256sum"), "{page}");

    // A tarball changed after its checksum was signed, and a second signature by a
    // stranger: each named.
    f.write("dist/tor/tor-0.4.8.13.tar.gz", "Tor 0.4.8.13, altered\n");
    let stranger = g.generate("Stranger <stranger@example.org>", "ed25519", "", None);
    gpg_sign(
        &g,
        &stranger,
        "--detach-sign",
        &f.path("dist/terraform/1.10.0/terraform_1.10.0_SHA256SUMS.72D7468F.sig"),
        &f.path("dist/terraform/1.10.0/terraform_1.10.0_SHA256SUMS"),
    );
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("the signed list tor-0.4.8.13.tar.gz.sha256sum.asc does not match tor-0.4.8.13.tar.gz"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("the signed list terraform_1.10.0_SHA256SUMS.72D7468F.sig is signed by key"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("terraform_1.10.0_linux_amd64.zip has no signature"),
        "the other signature signs it: {}",
        run.stderr
    );
}

#[test]
fn a_list_beside_releases_kept_side_by_side_is_checked() {
    // Wireshark: tarballs side by side, and a list per release that opens with a size
    // line and gives each file in two algorithms (`openssl dgst` lines).
    let f = Fixture::new();
    let dir = f.path("dist/wireshark");
    f.write("dist/wireshark/wireshark-4.4.2.tar.xz", "Wireshark 4.4.2\n");
    f.write("dist/wireshark/wireshark-4.4.1.tar.xz", "Wireshark 4.4.1\n");
    let mut list = "wireshark-4.4.2.tar.xz: 16 bytes\n".to_string();
    for algo in ["-sha256", "-sha1"] {
        list.push_str(&tool(&dir, "openssl", &["dgst", algo, "wireshark-4.4.2.tar.xz"]));
    }
    f.write("dist/wireshark/SIGNATURES-4.4.2.txt", &list);
    let clean = f.closer(&["check"]);
    assert!(!clean.stderr.contains("SIGNATURES-4.4.2.txt"), "{}", clean.stderr);
    f.write("dist/wireshark/wireshark-4.4.2.tar.xz", "Wireshark 4.4.2, altered\n");
    let run = f.closer(&["check"]);
    let want = "SIGNATURES-4.4.2.txt:2: says ";
    let hit = run.stderr.lines().find(|l| l.contains(want));
    assert!(hit.is_some_and(|l| l.contains("but wireshark-4.4.2.tar.xz has")), "{}", run.stderr);
    // The list's own algorithm (SHA-256, by its name) is checked; its SHA-1 lines are
    // not computed for it.
    assert!(!run.stderr.contains("SIGNATURES-4.4.2.txt:3:"), "{}", run.stderr);
}

/// Gentoo's autobuilds (`releases/amd64/autobuilds/<stamp>/`): a stage3 tarball with its
/// `.asc`, a listing of what it holds (`.CONTENTS.gz`), a `.sha256`, and a `.DIGESTS`
/// clearsigned by the release key with a section per algorithm (`# BLAKE2B HASH`,
/// `# SHA512 HASH`), each naming the tarball and its listing. The listing goes with the
/// tarball (no signature of its own is asked of it); the SHA-512 lines are checked and a
/// wrong one named at its line; the BLAKE2b ones, of a length SHA-512 shares, are not
/// read as SHA-512.
#[test]
fn gentoo_shaped_autobuild_is_read_and_its_digests_checked() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("Gentoo Linux Release Engineering <releng@gentoo.org>", "ed25519", "", None);
    f.write("dist/gentoo/KEYS", &g.export_public(&fpr));
    let rel = "dist/gentoo/20241201T170304Z";
    let dir = f.path(rel);
    let stage3 = "stage3-amd64-openrc-20241201T170304Z.tar.xz";
    let contents = format!("{stage3}.CONTENTS.gz");
    f.write(&format!("{rel}/{stage3}"), "a stage3 tarball\n");
    f.write(&format!("{rel}/{contents}"), "a listing, gzipped\n");
    g.ok(&["--local-user", &fpr, "--armor", "--detach-sign", dir.join(stage3).to_str().unwrap()]);
    f.write(&format!("{rel}/{stage3}.sha256"), &tool(&dir, "sha256sum", &[stage3]));
    let files = [stage3, contents.as_str()];
    let digests =
        format!("# BLAKE2B HASH\n{}# SHA512 HASH\n{}", tool(&dir, "b2sum", &files), tool(&dir, "sha512sum", &files));
    f.write(&format!("{rel}/digests.tmp"), &digests);
    gpg_sign(&g, &fpr, "--clearsign", &dir.join(format!("{stage3}.DIGESTS")), &dir.join("digests.tmp"));
    std::fs::remove_file(dir.join("digests.tmp")).unwrap();
    f.write("content/gentoo.md", "---\ntitle: Gentoo\n---\n");
    f.closer(&["build"]).ok();
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let a = artifact(&doc, &format!("gentoo/20241201T170304Z/{stage3}"));
    assert_eq!(a["signature"]["outcome"], "good", "{a:#}");
    let page = f.read("site/gentoo/20241201T170304Z/index.html");
    assert!(page.contains(&format!("title=\"{contents}\">contents</a>")), "{page}");
    // A SHA-512 line that is not the tarball's: named at its line.
    let text = f.read(&format!("{rel}/{stage3}.DIGESTS"));
    let sha512 = tool(&dir, "sha512sum", &[stage3]);
    let wrong = text.replacen(&sha512[..128], &"0".repeat(128), 1);
    f.write(&format!("{rel}/{stage3}.DIGESTS"), &wrong);
    let line = wrong.lines().position(|l| l.starts_with(&"0".repeat(128))).unwrap() + 1;
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("{stage3}.DIGESTS:{line}: says 00000000")), "{}", run.stderr);
    // The listing altered: the signed DIGESTS name its SHA-512 too (it passed).
    f.write(&format!("{rel}/{stage3}.DIGESTS"), &text);
    f.closer(&["check"]).ok();
    f.write(&format!("{rel}/{contents}"), "a listing, gzipped, altered\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let line =
        text.lines().collect::<Vec<_>>().iter().rposition(|l| l.ends_with(&format!("  {contents}"))).unwrap() + 1;
    assert!(run.stderr.contains(&format!("{stage3}.DIGESTS:{line}: says ")), "{}", run.stderr);
    assert!(run.stderr.contains(contents.as_str()), "{}", run.stderr);
}

/// Trees laid out by machine and by date: Alpine's `v3.21/releases/<arch>/` (the line's
/// releases under machine directories, `latest-releases.yaml` beside them) and Raspberry
/// Pi OS's `images/raspios_lite_arm64-2024-11-19/` (a file named for its date first, with
/// the publisher's `.torrent` of it). Before, `x86_64` read as version 64, each machine
/// directory as a line, and the date as version `11-19`.
#[test]
fn trees_by_machine_and_by_date_are_read_as_their_publishers_mean() {
    let f = Fixture::new();
    for (dir, names) in [
        ("dist/alpine/v3.21/releases/x86_64", ["alpine-standard-3.21.0-x86_64.iso", "alpine-virt-3.21.0-x86_64.iso"]),
        (
            "dist/alpine/v3.21/releases/aarch64",
            ["alpine-standard-3.21.0-aarch64.iso", "alpine-virt-3.21.0-aarch64.iso"],
        ),
    ] {
        for n in names {
            f.write(&format!("{dir}/{n}"), &format!("{n}\n"));
            f.write(&format!("{dir}/{n}.sha256"), &tool(&f.path(dir), "sha256sum", &[n]));
        }
    }
    f.write("dist/alpine/v3.21/releases/x86_64/latest-releases.yaml", "---\n- title: Standard\n");
    // The netboot files, in a folder named for them and the version (it was "the same
    // version twice").
    for n in ["vmlinuz-lts", "initramfs-lts"] {
        let dir = "dist/alpine/v3.21/releases/x86_64/netboot-3.21.0";
        f.write(&format!("{dir}/{n}"), &format!("{n}\n"));
        f.write(&format!("{dir}/{n}.sha256"), &tool(&f.path(dir), "sha256sum", &[n]));
    }
    let pi = "dist/raspios_lite_arm64/images/raspios_lite_arm64-2024-11-19";
    let img = "2024-11-19-raspios-bookworm-arm64-lite.img.xz";
    f.write(&format!("{pi}/{img}"), "an image\n");
    f.write(&format!("{pi}/{img}.sha256"), &tool(&f.path(pi), "sha256sum", &[img]));
    f.write(&format!("{pi}/{img}.torrent"), "d8:announce0:e\n");
    // CentOS Stream's images: `X.iso.SHA256SUM` (upper case, a comment, then BSD lines)
    // and `X.iso.MANIFEST`, the packages the image holds.
    let cs = "dist/centos-stream/9-stream/BaseOS/x86_64/iso";
    let iso = "CentOS-Stream-9-20241202.0-x86_64-dvd1.iso";
    f.write(&format!("{cs}/{iso}"), "a DVD image\n");
    let tag = tool(&f.path(cs), "sha256sum", &["--tag", iso]);
    f.write(&format!("{cs}/{iso}.SHA256SUM"), &format!("# {iso}: 12 bytes\n{tag}"));
    f.write(&format!("{cs}/{iso}.MANIFEST"), "Packages/bash-5.1.8-9.el9.x86_64.rpm\n");
    for p in ["alpine", "raspios_lite_arm64", "centos-stream"] {
        f.write(&format!("content/{p}.md"), "---\nunsigned: \"checksums only, in this test\"\n---\n");
    }
    // As a person reads it: each unsigned file says so, with its checksum.
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(text.contains("x86_64/alpine-virt-3.21.0-x86_64.iso: no signature; checksums sha256"), "{text}");
    let run = f.closer(&["releases", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let project = |p: &str| doc.as_array().unwrap().iter().find(|x| x["project"] == p).unwrap().clone();
    let alpine = project("alpine");
    let lines = alpine["lines"].as_array().unwrap();
    assert_eq!((lines.len(), &lines[0]["line"]), (1, &Value::from("v3.21")), "{alpine:#}");
    let release = &lines[0]["releases"][0];
    assert_eq!(release["version"], "3.21.0", "{alpine:#}");
    let roles: Vec<(&str, &str)> = release["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap().rsplit('/').next().unwrap(), f["role"].as_str().unwrap()))
        .collect();
    assert_eq!(roles.iter().filter(|(_, r)| *r == "artifact").count(), 6, "{roles:?}");
    assert!(release.to_string().contains("v3.21/releases/x86_64/netboot-3.21.0/vmlinuz-lts"), "{alpine:#}");
    // The note is carried with the line's files, never asked for a signature.
    assert!(alpine["notes"].to_string().contains("releases/x86_64/latest-releases.yaml"), "{alpine:#}");
    let pi = project("raspios_lite_arm64");
    let release = &pi["lines"][0]["releases"][0];
    assert_eq!(release["version"], "2024-11-19", "{pi:#}");
    let torrent =
        release["files"].as_array().unwrap().iter().find(|f| f["path"].as_str().unwrap().ends_with(".torrent"));
    assert_eq!(torrent.map(|t| t["role"].clone()), Some("companion".into()), "{pi:#}");
    let files = crate::util::release_files(&f, "centos-stream");
    let role = |end: &str| files.iter().find(|x| x["path"].as_str().unwrap().ends_with(end)).map(|x| x["role"].clone());
    assert_eq!((role(".MANIFEST"), role(".iso")), (Some("companion".into()), Some("artifact".into())), "{files:?}");
    let iso = files.iter().find(|x| x["path"].as_str().unwrap().ends_with(".iso")).unwrap();
    assert_eq!(iso["checksums"][0]["algorithm"], "sha256", "{iso:#}");
}

/// LLVM's releases: the source tarball with its binary `.sig` and `X.jsonl`, GitHub's
/// attestation (a Sigstore bundle per line, its DSSE envelope an in-toto statement that
/// names the file and its SHA-256). The attestation goes with its file (it was an
/// artifact asking for a signature) and its subject is checked: one naming other bytes
/// is a problem that says whose digest it holds.
#[test]
fn llvm_shaped_attestations_go_with_their_files_and_are_checked() {
    use base64::Engine;
    let f = Fixture::new();
    let dir = "dist/llvm-project/19.1.4";
    let src = "llvm-project-19.1.4.src.tar.xz";
    f.write(&format!("{dir}/{src}"), "the LLVM sources\n");
    let attest = |sha: &str| {
        let statement = serde_json::json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": src, "digest": {"sha256": sha}}],
            "predicateType": "https://slsa.dev/provenance/v1",
        });
        let payload = base64::engine::general_purpose::STANDARD.encode(statement.to_string());
        let bundle = serde_json::json!({
            "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
            "dsseEnvelope": {"payload": payload, "payloadType": "application/vnd.in-toto+json", "signatures": []},
        });
        f.write(&format!("{dir}/{src}.jsonl"), &format!("{bundle}\n"));
    };
    let sha = tool(&f.path(dir), "sha256sum", &[src]);
    attest(&sha[..64]);
    f.write("content/llvm-project.md", "---\nunsigned: \"in this test\"\n---\n");
    let run = f.closer(&["releases", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = crate::util::release_files(&f, "llvm-project");
    let roles: Vec<(&str, &str)> =
        files.iter().map(|x| (x["path"].as_str().unwrap(), x["role"].as_str().unwrap())).collect();
    assert!(roles.contains(&("llvm-project/19.1.4/llvm-project-19.1.4.src.tar.xz.jsonl", "companion")), "{roles:?}");
    attest(&"ab".repeat(32));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("{src}.jsonl attests {src} (abababababababab), not {src}")), "{}", run.stderr);
}

/// Debian's cdimage: `iso-cd/` holds the images and their lists; `bt-cd/` holds their
/// torrents and lists of their own that name the same images, which are not beside
/// them. Those lines are checked against the images in `iso-cd/` (they were "not in the
/// release"), and a wrong one is named.
#[test]
fn debian_lists_beside_torrents_name_the_images_of_the_release() {
    let f = Fixture::new();
    let rel = "dist/debian-cd/12.8.0/amd64";
    let iso = "debian-12.8.0-amd64-netinst.iso";
    f.write(&format!("{rel}/iso-cd/{iso}"), "the netinst image\n");
    let sums = tool(&f.path(&format!("{rel}/iso-cd")), "sha256sum", &[iso]);
    f.write(&format!("{rel}/iso-cd/SHA256SUMS"), &sums);
    f.write(&format!("{rel}/bt-cd/{iso}.torrent"), "d8:announce0:e\n");
    f.write(&format!("{rel}/bt-cd/SHA256SUMS"), &sums);
    f.write("content/debian-cd.md", "---\nunsigned: \"in this test\"\n---\n");
    let run = f.closer(&["check"]);
    assert!(!run.stderr.contains("not in the release"), "{}", run.stderr);
    f.write(&format!("{rel}/bt-cd/SHA256SUMS"), &format!("{}  {iso}\n", "0".repeat(64)));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("bt-cd/SHA256SUMS:1: says 0000000000000000"), "{}", run.stderr);
}

/// Qubes OS's `iso/`: each image with a clearsigned `X.iso.DIGESTS` giving it in MD5,
/// SHA-1, SHA-256 and SHA-512, one line each and no sections (each line was read as
/// SHA-512: three false mismatches an image); AlmaLinux's `X.iso.manifest` beside the
/// image (it was an artifact wanting a signature); a signed list whose project has no
/// KEYS says so in its fix, and the distribution's `RPM-GPG-KEY-AlmaLinux-9` is its keys.
#[test]
fn qubes_digests_and_almalinux_manifests_are_read_as_their_publishers_mean() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("Qubes OS Release 4 Signing Key", "ed25519", "", None);
    f.write("dist/qubes/KEYS", &g.export_public(&fpr));
    let rel = "dist/qubes/iso";
    let dir = f.path(rel);
    let iso = "Qubes-R4.2.3-x86_64.iso";
    f.write(&format!("{rel}/{iso}"), "an installation image\n");
    let digests: String =
        ["md5sum", "sha1sum", "sha256sum", "sha512sum"].iter().map(|t| tool(&dir, t, &["-b", iso])).collect();
    f.write(&format!("{rel}/digests.tmp"), &digests);
    gpg_sign(&g, &fpr, "--clearsign", &dir.join(format!("{iso}.DIGESTS")), &dir.join("digests.tmp"));
    std::fs::remove_file(dir.join("digests.tmp")).unwrap();
    // AlmaLinux: the image's package manifest and the distribution's RPM key.
    let alma = "dist/almalinux/9.5/isos/x86_64";
    let image = "AlmaLinux-9.5-x86_64-minimal.iso";
    f.write(&format!("{alma}/{image}"), "another image\n");
    f.write(&format!("{alma}/{image}.manifest"), "bash-5.1.8-9.el9.x86_64.rpm\n");
    let adir = f.path(alma);
    f.write(&format!("{alma}/sums.tmp"), &tool(&adir, "sha256sum", &["--tag", image]));
    gpg_sign(&g, &fpr, "--clearsign", &adir.join("CHECKSUM"), &adir.join("sums.tmp"));
    std::fs::remove_file(adir.join("sums.tmp")).unwrap();
    let run = f.closer(&["check"]);
    // No KEYS for AlmaLinux: the fix says to add the key, by its fingerprint.
    assert!(
        run.stderr.contains("the project has no KEYS: put the public key that signs its lists in"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&format!("gpg --armor --export {fpr}")), "{}", run.stderr);
    assert!(!run.stderr.contains(".manifest") && !run.stderr.contains("DIGESTS"), "{}", run.stderr);
    // The distribution's RPM key is its keys (the one that signs `CHECKSUM`).
    f.write("dist/almalinux/RPM-GPG-KEY-AlmaLinux-9", &g.export_public(&fpr));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    f.closer(&["build"]).ok();
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let a = artifact(&doc, &format!("almalinux/9.5/isos/x86_64/{image}"));
    assert_eq!(a["signature"]["outcome"], "good", "{a:#}");
    let alma = doc.as_array().unwrap().iter().find(|p| p["project"] == "almalinux").unwrap();
    assert_eq!(alma["keys"], "almalinux/RPM-GPG-KEY-AlmaLinux-9", "{alma:#}");
    // The SHA-256 line altered: named at its line, as SHA-256.
    let text = f.read(&format!("{rel}/{iso}.DIGESTS"));
    let sha256 = tool(&dir, "sha256sum", &[iso]);
    let wrong = text.replacen(&sha256[..64], &"0".repeat(64), 1);
    f.write(&format!("{rel}/{iso}.DIGESTS"), &wrong);
    let line = wrong.lines().position(|l| l.starts_with(&"0".repeat(64))).unwrap() + 1;
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let named = format!("{iso}.DIGESTS:{line}: says 00000000");
    assert!(run.stderr.contains(&named) && !run.stderr.contains("as long as"), "{}", run.stderr);
    assert_eq!(run.stderr.matches(": says ").count(), 1, "{}", run.stderr);
}

/// The (line, version) pairs `closer releases --json` read for `project`.
fn releases_of(doc: &Value, project: &str) -> Vec<(String, String)> {
    let p = doc.as_array().unwrap().iter().find(|p| p["project"] == project).unwrap();
    let mut out: Vec<(String, String)> = p["lines"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| {
            let line = l["line"].as_str().unwrap_or("-").to_string();
            l["releases"].as_array().unwrap().iter().map(move |r| (line.clone(), r["version"].as_str().unwrap().into()))
        })
        .collect();
    out.sort();
    out
}

/// Elixir's `v1.17.3/` holds `elixir-otp-25.zip` to `-27.zip` (built for OTP 25 to 27):
/// one release, not a series of releases 25, 26 and 27 with `Precompiled.zip` wanting a
/// version; Manjaro's editions are lines whether they hold one version (`gnome/24.2.1/`)
/// or two (`kde/`): read through, `gnome/24.2.1/` and `kde/24.2.1/` were one version twice.
#[test]
fn version_directories_win_over_numbers_in_names_and_lines_hold_one_version() {
    let f = Fixture::new();
    for v in ["v1.17.2", "v1.17.3"] {
        let dir = format!("dist/elixir/{v}");
        for n in ["elixir-otp-25.zip", "elixir-otp-26.zip", "elixir-otp-27.zip", "Precompiled.zip", "Docs.zip"] {
            f.write(&format!("{dir}/{n}"), &format!("{n} of {v}\n"));
            let sum = tool(&f.path(&dir), "sha256sum", &[n]);
            f.write(&format!("{dir}/{n}.sha256sum"), &sum);
        }
    }
    for (edition, v) in [("kde", "24.1.2"), ("kde", "24.2.1"), ("gnome", "24.2.1"), ("xfce", "24.2.1")] {
        let dir = format!("dist/manjaro/{edition}/{v}");
        let iso = format!("manjaro-{edition}-{v}-241216-linux612.iso");
        f.write(&format!("{dir}/{iso}"), &format!("{edition} {v}\n"));
        let sum = tool(&f.path(&dir), "sha512sum", &[iso.as_str()]);
        f.write(&format!("{dir}/{iso}.sha512"), &sum);
    }
    for p in ["elixir", "manjaro"] {
        f.write(&format!("content/{p}.md"), "---\nunsigned_ok: \"checksums only, in this test\"\n---\n");
    }
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let pair = |l: &str, v: &str| (l.to_string(), v.to_string());
    assert_eq!(releases_of(&doc, "elixir"), [pair("-", "v1.17.2"), pair("-", "v1.17.3")]);
    let manjaro = [pair("gnome", "24.2.1"), pair("kde", "24.1.2"), pair("kde", "24.2.1"), pair("xfce", "24.2.1")];
    assert_eq!(releases_of(&doc, "manjaro"), manjaro);
    f.closer(&["build"]).ok();
}
