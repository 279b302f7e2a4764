//! Signed checksum lists as publishers sign and name them, beyond the common forms:
//! Tor's `X.sha256sum.asc` holding each release manager's armored signature one after
//! the other, Tor Browser's `sha256sums-signed-build.txt` with its detached `.asc`, and
//! Mageia's signed `X.iso.md5` beside each image (shown under the files they name).

use crate::forms::tool;
use crate::gpg::Gpg;
use crate::publishers::artifact;
use crate::util::Fixture;
use serde_json::Value;

/// Mageia's images each with a signed `X.iso.md5` and `X.iso.sha512` (each with its
/// `.gpg`): a release's lists are listed under the files they name only (every list was
/// under every file). A file vouched for by a signed MD5 list alone is signed too weakly
/// (MD5 has known collisions): it was "signed".
#[test]
fn a_release_list_is_shown_under_the_files_it_names() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("Mageia Release <release@mageia.org>", "ed25519", "", None);
    f.write("dist/mageia/KEYS", &g.export_public(&fpr));
    let rel = "dist/mageia/9";
    let dir = f.path(rel);
    let sign = |list: &str| {
        let (out, of) = (dir.join(format!("{list}.gpg")), dir.join(list));
        g.ok(&["--local-user", &fpr, "--detach-sign", "-o", out.to_str().unwrap(), of.to_str().unwrap()]);
    };
    for iso in ["Mageia-9-x86_64.iso", "Mageia-9-Live-Xfce-x86_64.iso"] {
        f.write(&format!("{rel}/{iso}"), &format!("{iso}\n"));
        for (algo, tool_name) in [("md5", "md5sum"), ("sha512", "sha512sum")] {
            f.write(&format!("{rel}/{iso}.{algo}"), &tool(&dir, tool_name, &[iso]));
            sign(&format!("{iso}.{algo}"));
        }
    }
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    for iso in ["Mageia-9-x86_64.iso", "Mageia-9-Live-Xfce-x86_64.iso"] {
        let a = artifact(&doc, &format!("mageia/9/{iso}"));
        let paths: Vec<&str> = a["checksums"].as_array().unwrap().iter().map(|c| c["path"].as_str().unwrap()).collect();
        assert_eq!(paths, [format!("mageia/9/{iso}.md5"), format!("mageia/9/{iso}.sha512")], "{a:#}");
        assert_eq!(a["signature"]["outcome"], "good", "{a:#}");
    }
    // The MD5 list alone: too weak, with the way out.
    std::fs::remove_file(f.path(&format!("{rel}/Mageia-9-x86_64.iso.sha512.gpg"))).unwrap();
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("Mageia-9-x86_64.iso is signed too weakly: the signed list"), "{}", run.stderr);
    assert!(run.stderr.contains("by MD5, which has known collisions"), "{}", run.stderr);
}

#[test]
fn several_armored_signatures_in_one_file_each_count() {
    let f = Fixture::new();
    let g = Gpg::new();
    let other = g.generate("Another Release Manager <other@torproject.org>", "ed25519", "", None);
    let known = g.generate("Tor Release Manager <rm@torproject.org>", "ed25519", "", None);
    f.write("dist/tor/KEYS", &g.export_public(&known));
    let rel = "dist/tor/0.4.8.13";
    let dir = f.path(rel);
    let tarball = "tor-0.4.8.13.tar.gz";
    f.write(&format!("{rel}/{tarball}"), "tor sources\n");
    let sums = format!("{tarball}.sha256sum");
    f.write(&format!("{rel}/{sums}"), &tool(&dir, "sha256sum", &[tarball]));
    let signed = |who: &str| armored_by(&g, who, &dir.join(&sums));
    f.write(&format!("{rel}/{sums}.asc"), &format!("{}{}", signed(&other), signed(&known)));
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let a = artifact(&doc, &format!("tor/0.4.8.13/{tarball}"));
    assert_eq!(a["signature"]["outcome"], "good", "{a:#}");
    f.closer(&["build"]).ok();
    // The page's line passes with one signer's key at hand, as closer does (`gpg
    // --verify` exits 2 for the signature whose key is not in KEYS: Bitcoin Core's
    // SHA256SUMS.asc of many builders), and fails on an altered list.
    let page = f.read("site/tor/0.4.8.13/index.html");
    let page = page
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&gt;", ">")
        .replace("&lt;", "<")
        .replace("&amp;", "&");
    let line = page.lines().find(|l| l.contains("gpg --status-fd 1 --verify")).unwrap_or_else(|| panic!("{page}"));
    let line = line.trim_end_matches(" &&").trim_start_matches(|c: char| c != 'g').to_string();
    let downloader = Gpg::new();
    downloader.import(&f.read("dist/tor/KEYS"));
    let run = |dir: &std::path::Path| {
        std::process::Command::new("bash")
            .args(["-c", &line])
            .current_dir(dir)
            .env("GNUPGHOME", downloader.home.path())
            .status()
            .unwrap()
            .success()
    };
    assert!(run(&dir), "{line}");
    f.write(&format!("{rel}/{sums}"), "0000  tor-0.4.8.13.tar.gz\n");
    assert!(!run(&dir), "{line}");
}

/// A file's own `.asc` holding its cosigners' signatures too (Electrum's): the page's line
/// was plain `gpg --verify`, which exits 2 for the cosigner KEYS does not hold.
#[test]
fn a_files_signature_with_its_cosigners_gets_a_line_that_passes_with_one_key() {
    let f = Fixture::new();
    let g = Gpg::new();
    let other = g.generate("A Cosigner <cosigner@electrum.org>", "ed25519", "", None);
    let known = g.generate("Electrum Release Manager <rm@electrum.org>", "ed25519", "", None);
    f.write("dist/electrum/KEYS", &g.export_public(&known));
    let (rel, tarball) = ("dist/electrum/4.5.8", "Electrum-4.5.8.tar.gz");
    let dir = f.path(rel);
    f.write(&format!("{rel}/{tarball}"), "electrum sources\n");
    let signed = |who: &str| armored_by(&g, who, &dir.join(tarball));
    f.write(&format!("{rel}/{tarball}.asc"), &format!("{}{}", signed(&other), signed(&known)));
    f.closer(&["build"]).ok();
    let page =
        f.read("site/electrum/4.5.8/index.html").replace("&#39;", "'").replace("&gt;", ">").replace("&amp;", "&");
    let line = page
        .lines()
        .find(|l| l.contains(&format!("gpg --status-fd 1 --verify {tarball}.asc")))
        .unwrap_or_else(|| panic!("{page}"));
    let line = line.split("</code>").next().unwrap().trim_end_matches(" &&").trim_start_matches(|c: char| c != 'g');
    let downloader = Gpg::new();
    downloader.import(&f.read("dist/electrum/KEYS"));
    let ok = |dir: &std::path::Path| {
        let mut c = std::process::Command::new("bash");
        c.args(["-c", line]).current_dir(dir).env("GNUPGHOME", downloader.home.path());
        c.status().unwrap().success()
    };
    assert!(ok(&dir), "{line}");
    f.write(&format!("{rel}/{tarball}"), "electrum sources, altered\n");
    assert!(!ok(&dir), "{line}");
}

/// Tor Browser's release: `sha256sums-signed-build.txt` with its detached signature
/// `sha256sums-signed-build.txt.asc` (read as a list itself, it signed nothing: a `.mar`
/// covered by that list alone had no signature, and a broken `.asc` passed).
#[test]
fn tor_browsers_signed_build_list_signs_its_files() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("Tor Browser Developers <torbrowser@torproject.org>", "ed25519", "", None);
    f.write("dist/torbrowser/KEYS", &g.export_public(&fpr));
    let rel = "dist/torbrowser/14.0.4";
    let dir = f.path(rel);
    let mar = "tor-browser-linux-x86_64-14.0.4_ALL.mar";
    f.write(&format!("{rel}/{mar}"), "an update\n");
    f.write(&format!("{rel}/sha256sums-signed-build.txt"), &tool(&dir, "sha256sum", &[mar]));
    let list = dir.join("sha256sums-signed-build.txt");
    g.ok(&["--local-user", &fpr, "--armor", "--detach-sign", list.to_str().unwrap()]);
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let a = artifact(&doc, &format!("torbrowser/14.0.4/{mar}"));
    assert_eq!((&a["signature"]["kind"], &a["signature"]["outcome"]), (&"signed-list".into(), &"good".into()), "{a:#}");
    f.write(
        &format!("{rel}/sha256sums-signed-build.txt.asc"),
        "-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n",
    );
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("sha256sums-signed-build.txt"), "{}", run.stderr);
}

/// Syncthing's releases: two clearsigned lists of the same files, `sha1sum.txt.asc` and
/// `sha256sum.txt.asc`. Both are checked (a wrong digest in the second went unnoticed:
/// the first had vouched already), and the pages give the SHA-256 one.
#[test]
fn every_signed_list_of_a_file_is_checked_and_the_stronger_one_given() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("Syncthing Release Management <release@syncthing.net>", "ed25519", "", None);
    f.write("dist/syncthing/KEYS", &g.export_public(&fpr));
    let rel = "dist/syncthing/v1.28.1";
    let dir = f.path(rel);
    let files = ["syncthing-linux-amd64-v1.28.1.tar.gz", "syncthing-source-v1.28.1.tar.gz"];
    for n in files {
        f.write(&format!("{rel}/{n}"), &format!("{n}\n"));
    }
    let sign = |list: &str, text: &str| {
        f.write(&format!("{rel}/{list}"), text);
        crate::forms::gpg_sign(&g, &fpr, "--clearsign", &dir.join(format!("{list}.asc")), &dir.join(list));
        std::fs::remove_file(dir.join(list)).unwrap();
    };
    sign("sha1sum.txt", &tool(&dir, "sha1sum", &files));
    let sha256 = tool(&dir, "sha256sum", &files);
    sign("sha256sum.txt", &sha256);
    f.closer(&["build"]).ok();
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let a = artifact(&doc, &format!("syncthing/v1.28.1/{}", files[1]));
    assert_eq!(a["signature"]["path"], "syncthing/v1.28.1/sha256sum.txt.asc", "{a:#}");
    let page = f.read("site/syncthing/v1.28.1/index.html");
    assert!(page.contains("sha256sum -c") && !page.contains("sha1sum -c"), "{page}");
    // A wrong SHA-256 in its signed list, signed again: caught.
    sign("sha256sum.txt", &sha256.replacen(&sha256[..8], "00000000", 1));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("is not the one in the signed list sha256sum.txt.asc"), "{}", run.stderr);
}

/// Node.js's `SHASUMS256.txt.asc` is the list clearsigned, beside the plain
/// `SHASUMS256.txt`: the page said `gpg --verify SHASUMS256.txt.asc SHASUMS256.txt`,
/// which gpg refuses ("not a detached signature"). The line gpg takes, run as a
/// downloader would, passes.
#[test]
fn a_clearsigned_list_beside_its_plain_copy_gets_a_line_gpg_takes() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("Node.js Releaser <rel@nodejs.org>", "ed25519", "", None);
    f.write("dist/node/KEYS", &g.export_public(&fpr));
    let rel = "dist/node/v22.12.0";
    let dir = f.path(rel);
    let files = ["node-v22.12.0.tar.gz", "node-v22.12.0-linux-x64.tar.xz"];
    for n in files {
        f.write(&format!("{rel}/{n}"), &format!("{n}\n"));
    }
    f.write(&format!("{rel}/SHASUMS256.txt"), &tool(&dir, "sha256sum", &files));
    crate::forms::gpg_sign(&g, &fpr, "--clearsign", &dir.join("SHASUMS256.txt.asc"), &dir.join("SHASUMS256.txt"));
    f.closer(&["build"]).ok();
    let page = f.read("site/node/v22.12.0/index.html").replace("&#x27;", "'").replace("&amp;", "&");
    assert!(!page.contains("gpg --verify SHASUMS256.txt.asc SHASUMS256.txt"), "{page}");
    let line = page.lines().find(|l| l.contains("--decrypt SHASUMS256.txt.asc")).unwrap_or_else(|| panic!("{page}"));
    let line = line.trim_end_matches(" &&").trim_start_matches(|c: char| c != 'g').to_string();
    let downloader = Gpg::new();
    downloader.import(&f.read("dist/node/KEYS"));
    let ok = std::process::Command::new("bash")
        .args(["-c", &line])
        .current_dir(&dir)
        .env("GNUPGHOME", downloader.home.path())
        .status()
        .unwrap()
        .success();
    assert!(ok, "{line}");
    assert_eq!(f.read(&format!("{rel}/SHASUMS256.txt")), tool(&dir, "sha256sum", &files), "the text it signs");
}

/// Clonezilla's `CHECKSUMS.TXT`: a section per algorithm (`### MD5SUMS:`, `###
/// SHA256SUMS:`, `### b2sums:`), signed with a binary `CHECKSUMS.TXT.gpg`. Its lines are
/// read by section (it covered nothing: every image "had no signature" and an altered
/// one went unnoticed).
#[test]
fn a_list_in_sections_per_algorithm_signs_its_files() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("Clonezilla <clonezilla@example.org>", "ed25519", "", None);
    f.write("dist/clonezilla/KEYS", &g.export_public(&fpr));
    let rel = "dist/clonezilla/3.2.0-5";
    let dir = f.path(rel);
    let isos = ["clonezilla-live-3.2.0-5-amd64.iso", "clonezilla-live-3.2.0-5-amd64.zip"];
    for n in isos {
        f.write(&format!("{rel}/{n}"), &format!("{n}\n"));
    }
    let text = format!(
        "### MD5SUMS:\n{}### SHA1SUMS:\n{}### SHA256SUMS:\n{}### SHA512SUMS:\n{}### b2sums:\n{}",
        tool(&dir, "md5sum", &isos),
        tool(&dir, "sha1sum", &isos),
        tool(&dir, "sha256sum", &isos),
        tool(&dir, "sha512sum", &isos),
        tool(&dir, "b2sum", &isos)
    );
    f.write(&format!("{rel}/CHECKSUMS.TXT"), &text);
    crate::forms::gpg_sign(&g, &fpr, "--detach-sign", &dir.join("CHECKSUMS.TXT.gpg"), &dir.join("CHECKSUMS.TXT"));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let a = artifact(&doc, &format!("clonezilla/3.2.0-5/{}", isos[0]));
    assert_eq!(a["signature"]["outcome"], "good", "{a:#}");
    f.write(&format!("{rel}/{}", isos[0]), "an altered image\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(isos[0]), "{}", run.stderr);
}

/// Monero's downloads: `cli/` and `gui/` beside a clearsigned `hashes.txt` above them,
/// whose lines name each file alone (`## CLI`, `## GUI` sections of `hash  name`). Each
/// file is signed through the line of its name when one file alone has it (they were
/// "no signature", and `hashes.txt` "a file whose name says no version").
#[test]
fn a_list_above_the_folders_names_each_file_alone() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("binaryFate <binaryfate@getmonero.org>", "ed25519", "", None);
    f.write("dist/monero/KEYS", &g.export_public(&fpr));
    let files = [
        "cli/monero-linux-x64-v0.18.3.4.tar.bz2",
        "cli/monero-win-x64-v0.18.3.4.zip",
        "gui/monero-gui-linux-x64-v0.18.3.4.tar.bz2",
    ];
    for rel in files {
        f.write(&format!("dist/monero/{rel}"), &format!("{rel}\n"));
    }
    let dir = f.path("dist/monero");
    let section = |name: &str, of: &[&str]| {
        format!("## {name}\n{}\n", tool(&dir, "sha256sum", of).replace("cli/", "").replace("gui/", ""))
    };
    f.write("dist/monero/hashes.tmp", &format!("{}{}", section("CLI", &files[..2]), section("GUI", &files[2..])));
    crate::forms::gpg_sign(&g, &fpr, "--clearsign", &dir.join("hashes.txt"), &dir.join("hashes.tmp"));
    std::fs::remove_file(dir.join("hashes.tmp")).unwrap();
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    for rel in files {
        let a = artifact(&doc, &format!("monero/{rel}"));
        assert_eq!(
            (a["signature"]["path"].as_str(), a["signature"]["outcome"].as_str()),
            (Some("monero/hashes.txt"), Some("good")),
            "{a:#}"
        );
    }
    // Its pages check the list, not an `.asc` that is not there.
    f.closer(&["build"]).ok();
    let page = f.read("site/monero/cli/v0.18.3.4/index.html");
    assert!(page.contains("--decrypt hashes.txt") && !page.contains(".tar.bz2.asc"), "{page}");
    f.write(&format!("dist/monero/{}", files[1]), "an altered build\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("the signed list hashes.txt does not match monero-win-x64-v0.18.3.4.zip"),
        "{}",
        run.stderr
    );
}

/// OpenWrt signs each target folder's `sha256sums`, which names files every target has
/// (`profiles.json`): a list's bare names were matched against the same names in other
/// targets' folders too, so each list called the other target's `profiles.json` altered.
#[test]
fn each_targets_list_vouches_for_its_own_folder_only() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("OpenWrt Build System <contact@openwrt.org>", "ed25519", "", None);
    f.write("dist/openwrt/KEYS", &g.export_public(&fpr));
    for target in ["x86/64", "ath79/generic"] {
        let rel = format!("dist/openwrt/23.05.5/targets/{target}");
        let dir = f.path(&rel);
        let image = format!("openwrt-23.05.5-{}-squashfs-sysupgrade.bin", target.replace('/', "-"));
        f.write(&format!("{rel}/{image}"), &format!("{target} image\n"));
        f.write(&format!("{rel}/profiles.json"), &format!("{{\"target\": \"{target}\"}}\n"));
        f.write(&format!("{rel}/config.buildinfo"), "CONFIG_TARGET_x86=y\n");
        let listed = ["--binary", &image, "profiles.json", "config.buildinfo"];
        f.write(&format!("{rel}/sha256sums"), &tool(&dir, "sha256sum", &listed));
        armored_signature(&g, &fpr, &dir.join("sha256sums"));
    }
    let run = f.closer(&["check"]);
    assert!(
        !run.stdout.contains("does not match") && !run.stderr.contains("does not match"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    for target in ["x86/64", "ath79/generic"] {
        let a = artifact(&doc, &format!("openwrt/23.05.5/targets/{target}/profiles.json"));
        assert_eq!(a["signature"]["outcome"], "good", "{a:#}");
    }
    // What the build was made from is no download: the page offers an image.
    f.closer(&["build"]).ok();
    let latest: Value = serde_json::from_str(&f.read("site/openwrt/latest.json")).unwrap();
    assert!(latest["offered"].as_str().unwrap().ends_with("-squashfs-sysupgrade.bin"), "{latest:#}");
}

/// CMake's `cmake-3.31.2-SHA-256.txt` and its `.asc`: the algorithm spelt as its standard
/// does was no list's name, so the signed list was a download of its own and every
/// file "has no signature".
#[test]
fn cmakes_sha_256_list_signs_its_files() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("CMake Release <release@cmake.org>", "ed25519", "", None);
    f.write("dist/cmake/KEYS", &g.export_public(&fpr));
    let rel = "dist/cmake/v3.31";
    let dir = f.path(rel);
    let names = ["cmake-3.31.2.tar.gz", "cmake-3.31.2-linux-x86_64.tar.gz"];
    for n in names {
        f.write(&format!("{rel}/{n}"), &format!("{n}\n"));
    }
    f.write(&format!("{rel}/cmake-3.31.2-SHA-256.txt"), &tool(&dir, "sha256sum", &names));
    let list = dir.join("cmake-3.31.2-SHA-256.txt");
    armored_signature(&g, &fpr, &list);
    let doc: Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    for n in names {
        let a = artifact(&doc, &format!("cmake/v3.31/{n}"));
        assert_eq!(a["signature"]["outcome"], "good", "{a:#}");
    }
    // A file that is not the one listed is caught through the list.
    f.write(&format!("{rel}/{}", names[0]), "tampered\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("cmake-3.31.2-SHA-256.txt"), "{}", run.stderr);
}

/// `gpg --armor --detach-sign` of `file` by `fpr`, into `file.asc`.
fn armored_signature(g: &Gpg, fpr: &str, file: &std::path::Path) {
    let out = format!("{}.asc", file.display());
    g.ok(&["--local-user", fpr, "--armor", "--detach-sign", "-o", &out, file.to_str().unwrap()]);
}

/// restic signs its sources (`restic-0.17.3.tar.gz.asc`) and its binaries only through
/// the signed `SHA256SUMS`: the release page gave the sources' lines "for another file,
/// the same lines with its name", a `.asc` no binary has. The list's lines are there too.
#[test]
fn a_release_signed_two_ways_shows_the_lines_of_both() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("restic <restic@example.org>", "ed25519", "", None);
    f.write("dist/restic/KEYS", &g.export_public(&fpr));
    let rel = "dist/restic/0.17.3";
    for name in ["restic-0.17.3.tar.gz", "restic_0.17.3_linux_amd64.bz2"] {
        f.write(&format!("{rel}/{name}"), name);
    }
    let dir = f.path(rel);
    f.write(
        &format!("{rel}/SHA256SUMS"),
        &tool(&dir, "sha256sum", &["restic-0.17.3.tar.gz", "restic_0.17.3_linux_amd64.bz2"]),
    );
    g.sign(&fpr, &dir.join("SHA256SUMS"), None, &[]);
    g.sign(&fpr, &dir.join("restic-0.17.3.tar.gz"), None, &[]);
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = f.read("site/restic/0.17.3/index.html");
    assert!(page.contains("gpg --verify restic-0.17.3.tar.gz.asc restic-0.17.3.tar.gz"), "{page}");
    assert!(page.contains("Not every file of this release is signed that way"), "{page}");
    assert!(page.contains("gpg --verify SHA256SUMS.asc SHA256SUMS"), "{page}");
}

/// `who`'s armoured detached signature of `file`, as text (several make one file).
fn armored_by(g: &Gpg, who: &str, file: &std::path::Path) -> String {
    let out = file.with_extension(format!("{who}.asc"));
    g.ok(&["--local-user", who, "--armor", "--detach-sign", "-o", out.to_str().unwrap(), file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&out).unwrap();
    std::fs::remove_file(out).unwrap();
    text
}

/// Mozilla's `releases/133.0/`: builds by platform and language
/// (`linux-x86_64/de/firefox-133.0.tar.bz2`, `…/en-US/…`), one `SHA256SUMS` naming them
/// by path, signed detached with the `KEY` beside it. The page's `sha256sum -c
/// --ignore-missing SHA256SUMS` verified nothing for a file downloaded alone, and the
/// site's own SHA512SUMS line made the two builds of one name one; both take the file's
/// own line now, and pass. The English build comes before the German one.
#[test]
fn a_list_naming_files_by_path_checks_the_file_downloaded_alone() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("Mozilla Software Releases <release@mozilla.com>", "ed25519", "", None);
    let rel = "dist/firefox/releases/133.0";
    f.write(&format!("{rel}/KEY"), &g.export_public(&fpr));
    let files = ["linux-x86_64/de/firefox-133.0.tar.bz2", "linux-x86_64/en-US/firefox-133.0.tar.bz2"];
    for n in files {
        f.write(&format!("{rel}/{n}"), &format!("{n}\n"));
    }
    let dir = f.path(rel);
    f.write(&format!("{rel}/SHA256SUMS"), &tool(&dir, "sha256sum", &files));
    crate::forms::gpg_sign(&g, &fpr, "--detach-sign", &dir.join("SHA256SUMS.asc"), &dir.join("SHA256SUMS"));
    f.closer(&["build"]).ok();
    let page =
        f.read("site/firefox/133.0/index.html").replace("&#x27;", "'").replace("&#39;", "'").replace("&amp;", "&");
    // The downloader's folder: the file alone, with the lists fetched beside it.
    let here = tempfile::tempdir().unwrap();
    std::fs::copy(dir.join(files[1]), here.path().join("firefox-133.0.tar.bz2")).unwrap();
    for list in ["SHA256SUMS", "SHA256SUMS.asc"] {
        std::fs::copy(dir.join(list), here.path().join(list)).unwrap();
    }
    std::fs::copy(f.path("site/firefox/133.0/SHA512SUMS"), here.path().join("SHA512SUMS")).unwrap();
    let lines: Vec<&str> = page.lines().filter(|l| l.contains("grep -F -- linux-x86_64/en-US/")).collect();
    assert_eq!(lines.len(), 2, "the publisher's list and the site's: {page}");
    for line in lines {
        let line = line.trim_end_matches("</code></pre>").trim_end_matches(" &&");
        let ok = std::process::Command::new("sh").args(["-c", line]).current_dir(here.path()).status().unwrap();
        assert!(ok.success(), "{line}");
    }
    let project = f.read("site/firefox/index.html");
    let narrow = |n: &str| {
        let li = project.split("<li").find(|li| li.contains(&format!("/{n}\""))).unwrap_or_else(|| panic!("{project}"));
        li.split("data-narrow=\"").nth(1).map_or(0, |x| x.split('"').next().unwrap().parse::<u8>().unwrap())
    };
    assert!(narrow(files[0]) > narrow(files[1]), "English first");
}
