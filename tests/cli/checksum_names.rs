//! Checksum files and companions as more publishers name them: KeePassXC's `X.DIGEST`,
//! Armbian's `X.sha` (names that say no algorithm), VeraCrypt's
//! `veracrypt-1.26.15-sha256sum.txt`, an AppImage's `X.zsync` and electron-builder's
//! `X.blockmap`, Redis's `redis-stable.tar.gz` copy, ICU's `SHASUM512.txt` and .NET's
//! `9.0.101-sha.txt` in its `checksums/` folder, nmap's `sigs/` of signatures and
//! `gpg --print-mds` digests.

use crate::forms::tool;
use crate::util::{Fixture, release_files};

#[test]
fn digests_named_without_their_algorithm_are_checked() {
    let f = Fixture::new();
    f.write("content/keepassxc.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    let dir = "dist/keepassxc/2.7.9";
    for name in ["KeePassXC-2.7.9-Win64.msi", "keepassxc-2.7.9-src.tar.xz", "Armbian_24.11.1_Rock-5b.img.xz"] {
        f.write(&format!("{dir}/{name}"), &format!("{name}\n"));
    }
    let at = f.path(dir);
    f.write(
        &format!("{dir}/KeePassXC-2.7.9-Win64.msi.DIGEST"),
        &tool(&at, "sha256sum", &["KeePassXC-2.7.9-Win64.msi"]),
    );
    f.write(
        &format!("{dir}/Armbian_24.11.1_Rock-5b.img.xz.sha"),
        &tool(&at, "sha256sum", &["-b", "Armbian_24.11.1_Rock-5b.img.xz"]),
    );
    // An old `.sha` holding SHA-1 (the ASF's once): nothing closer computed to compare.
    f.write(&format!("{dir}/keepassxc-2.7.9-src.tar.xz.sha"), &tool(&at, "sha1sum", &["keepassxc-2.7.9-src.tar.xz"]));
    // VeraCrypt's list, named with its version.
    let list = tool(&at, "sha256sum", &["KeePassXC-2.7.9-Win64.msi", "keepassxc-2.7.9-src.tar.xz"]);
    f.write(&format!("{dir}/keepassxc-2.7.9-sha256sum.txt"), &list);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = release_files(&f, "keepassxc");
    let names: Vec<&str> =
        files.iter().filter(|x| x["role"] == "artifact").filter_map(|x| x["path"].as_str()).collect();
    assert_eq!(names.len(), 3, "the checksum files are no artifacts: {files:#?}");
    // Each caught when wrong, at its line.
    let wrong = |text: &str| format!("{}{}", "0".repeat(64), &text[64..]);
    f.write(
        &format!("{dir}/KeePassXC-2.7.9-Win64.msi.DIGEST"),
        &wrong(&tool(&at, "sha256sum", &["KeePassXC-2.7.9-Win64.msi"])),
    );
    let second = list.lines().nth(1).unwrap();
    f.write(
        &format!("{dir}/keepassxc-2.7.9-sha256sum.txt"),
        &format!("{}\n{}\n", list.lines().next().unwrap(), wrong(second)),
    );
    crate::bad_input::uploaded_long_ago(
        &f,
        &[&format!("{dir}/KeePassXC-2.7.9-Win64.msi.DIGEST"), &format!("{dir}/keepassxc-2.7.9-sha256sum.txt")],
    );
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("KeePassXC-2.7.9-Win64.msi.DIGEST:1: says 0000000000000000"), "{}", run.stderr);
    assert!(run.stderr.contains("keepassxc-2.7.9-sha256sum.txt:2: says 0000000000000000"), "{}", run.stderr);
}

#[test]
fn delta_update_files_and_stable_copies_go_with_their_release() {
    let f = Fixture::new();
    f.write("content/nvim.md", "---\nunsigned: \"checksums only, in this test\"\n---\n");
    for name in [
        "nvim-0.10.2-x86_64.appimage",
        "nvim-0.10.2-x86_64.appimage.zsync",
        "nvim-0.10.2-setup.exe",
        "nvim-0.10.2-setup.exe.blockmap",
    ] {
        f.write(&format!("dist/nvim/0.10.2/{name}"), &format!("{name}\n"));
    }
    f.write("dist/nvim/nvim-stable.tar.gz", "a copy of the newest\n");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files = release_files(&f, "nvim");
    for x in &files {
        let name = x["path"].as_str().unwrap();
        let want = if name.ends_with(".zsync") || name.ends_with(".blockmap") { "companion" } else { "artifact" };
        assert_eq!(x["role"], want, "{name}: {files:#?}");
    }
    let page = f.read("site/nvim/index.html");
    assert!(
        !page.contains("Download for Linux x86-64</a> <span class=\"muted\">nvim-0.10.2-x86_64.appimage.zsync"),
        "{page}"
    );
}

/// ICU's `SHASUM512.txt` beside its release and .NET's `checksums/9.0.101-sha.txt`
/// (`Hash: SHA512`, a blank line, `sha512sum` lines) for the files in `Sdk/9.0.101/`:
/// both were downloads, never read, and a wrong digest in them passed.
#[test]
fn lists_named_as_icu_and_dotnet_name_them_are_checked() {
    let f = Fixture::new();
    for p in ["icu", "dotnet"] {
        f.write(&format!("content/{p}.md"), "---\nunsigned: \"checksums only, in this test\"\n---\n");
    }
    let icu = "dist/icu/76.1";
    let dotnet = "dist/dotnet/Sdk/9.0.101";
    for name in ["icu4c-76.1-src.tgz", "icu4c-76.1-Win64-MSVC2022.zip"] {
        f.write(&format!("{icu}/{name}"), name);
    }
    for name in ["dotnet-sdk-9.0.101-linux-x64.tar.gz", "dotnet-sdk-9.0.101-win-x64.exe"] {
        f.write(&format!("{dotnet}/{name}"), name);
    }
    let wrong = |text: String| format!("{}{}", "0".repeat(128), &text[128..]);
    let sums = wrong(tool(&f.path(icu), "sha512sum", &["icu4c-76.1-src.tgz", "icu4c-76.1-Win64-MSVC2022.zip"]));
    f.write(&format!("{icu}/SHASUM512.txt"), &sums);
    let sums =
        tool(&f.path(dotnet), "sha512sum", &["dotnet-sdk-9.0.101-win-x64.exe", "dotnet-sdk-9.0.101-linux-x64.tar.gz"]);
    f.write("dist/dotnet/checksums/9.0.101-sha.txt", &format!("Hash: SHA512\n\n{}", wrong(sums)));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("icu/76.1/SHASUM512.txt:1: says 0000000000000000"), "{}", run.stderr);
    assert!(run.stderr.contains("checksums/9.0.101-sha.txt:3: says 0000000000000000"), "{}", run.stderr);
    // The line is made again where the file is, not in the lists' folder.
    let here = f.path(dotnet).display().to_string();
    assert!(run.stderr.contains(&format!("cd {here} && sha512sum dotnet-sdk-9.0.101-win-x64.exe")), "{}", run.stderr);
    assert_eq!(run.stderr.matches(": says ").count(), 2, "{}", run.stderr);
}

/// nmap keeps each file's signature and `gpg --print-mds` digests (MD5, SHA1, RMD160,
/// SHA224, SHA256, ...) in `sigs/` beside its releases: every file "had no signature",
/// each `.asc` was one "for a file not in the release", `sigs/` an empty release, and a
/// `.digest.txt` "held no checksum".
#[test]
fn a_folder_of_signatures_and_print_mds_digests_serves_the_files_beside_it() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("Nmap Project Signing Key <fyodor@insecure.org>", "ed25519", "", None);
    f.write("dist/nmap/KEYS", &g.export_public(&fpr));
    std::fs::create_dir_all(f.path("dist/nmap/sigs")).unwrap();
    for name in ["nmap-7.95.tar.bz2", "nmap-7.95-setup.exe"] {
        f.write(&format!("dist/nmap/{name}"), name);
        let (file, sig) = (f.path(&format!("dist/nmap/{name}")), f.path(&format!("dist/nmap/sigs/{name}.asc")));
        g.ok(&["--local-user", &fpr, "--armor", "--detach-sign", "-o", sig.to_str().unwrap(), file.to_str().unwrap()]);
        let mds = g.ok(&["--print-mds", file.to_str().unwrap()]);
        f.write(
            &format!("dist/nmap/sigs/{name}.digest.txt"),
            &mds.replace(&format!("{}/", f.path("dist/nmap").display()), ""),
        );
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(text.contains("nmap/sigs/nmap-7.95.tar.bz2.asc: good"), "{text}");
    f.write("dist/nmap/nmap-7.95.tar.bz2", "altered");
    crate::bad_input::uploaded_long_ago(&f, &["dist/nmap/nmap-7.95.tar.bz2"]);
    let run = f.closer(&["check"]);
    assert!(run.stderr.contains("sigs/nmap-7.95.tar.bz2.digest.txt:"), "{}", run.stderr);
    assert!(run.stderr.contains("gpg --print-mds nmap-7.95.tar.bz2 > nmap-7.95.tar.bz2.digest.txt"), "{}", run.stderr);
}
