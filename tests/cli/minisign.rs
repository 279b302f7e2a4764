//! minisign signatures, made by the real `minisign` (Zig, libsodium and dnscrypt-proxy
//! sign this way): a Zig-shaped project signed with `.minisig` files alone, its keys on
//! its page, published with the lines a downloader runs; then every way it goes wrong
//! (the file, the signature, an unknown key, a key for another line, a key that is not
//! one, a missing signature), minisign's legacy form, and GoReleaser's companions
//! (`.sig` + `.pem`, `.sbom.json`) and SPDX's tag-value SBOMs beside their artifacts.

use crate::signify::{signify, signify_lines};
use crate::util::{Fixture, Run};
use std::process::Command;

/// A minisign key pair in the fixture's directory: (secret key path, public key line).
fn keypair(f: &Fixture, name: &str) -> (String, String) {
    let (secret, line) = crate::util::minisign_keypair(f.dir.path(), name);
    (secret.display().to_string(), line)
}

/// Signs `rel` with the secret key `secret` (with `-l`: minisign's legacy form).
fn sign(f: &Fixture, secret: &str, rel: &str, legacy: bool) {
    let mut cmd = Command::new("minisign");
    cmd.args(["-S", "-s", secret, "-m"]).arg(f.path(rel));
    if legacy {
        cmd.arg("-l");
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "minisign -S {rel}: {}", String::from_utf8_lossy(&out.stderr));
}

/// `minisign -S` of `file` in `dir` with the secret key `secret`, written as `sig` (`-x`).
fn sign_as(f: &Fixture, dir: &str, secret: &str, file: &str, sig: &str) {
    let out = Command::new("minisign")
        .args(["-S", "-s", secret, "-m", file, "-x", sig])
        .current_dir(f.path(dir))
        .output()
        .unwrap();
    assert!(out.status.success(), "minisign -S {file}: {}", String::from_utf8_lossy(&out.stderr));
}

const FILES: [&str; 3] = ["zig-{v}.tar.xz", "zig-linux-x86_64-{v}.tar.xz", "zig-windows-x86_64-{v}.zip"];

/// A Zig-shaped project beside the fixture's two: 0.12.0 and 0.13.0, each file with its
/// `.minisig` and nothing else, the key on the project's page. Returns the key pair.
fn zig(f: &Fixture) -> (String, String) {
    let (secret, public) = keypair(f, "zig");
    for v in ["0.12.0", "0.13.0"] {
        for name in FILES {
            let rel = format!("dist/zig/{v}/{}", name.replace("{v}", v));
            f.write(&rel, &format!("{rel} bytes\n"));
            sign(f, &secret, &rel, false);
        }
    }
    f.write("content/zig.md", &format!("---\ntitle: Zig\nminisign:\n  - {public}\n---\nZig.\n"));
    (secret, public)
}

pub(crate) fn problems(run: &Run) -> String {
    assert_eq!(run.code, 1, "expected problems\nstdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    run.stderr.clone()
}

#[test]
fn zig_shaped_release_signed_with_minisign_alone_is_published() {
    let f = Fixture::new();
    let (_, public) = zig(&f);
    let run = f.closer(&["build", "--stats"]);
    run.ok();
    assert_eq!(run.stat("minisign_checked"), "6");
    let id = std::fs::read_to_string(f.path("zig.pub")).unwrap();
    let id = id.lines().next().unwrap().rsplit(' ').next().unwrap().to_string();
    let page = f.read("site/zig/0.13.0/index.html");
    assert!(page.contains(&format!("Signed with minisign, key <code class=\"fpr\">{id}</code>")), "{page}");
    assert!(!page.contains("Signature: missing"), "{page}");
    assert!(!page.contains("gpg --verify"), "no OpenPGP lines for a release signed with minisign alone:\n{page}");
    // The page's lines, run as a downloader would (the files beside them, not fetched).
    let line = format!("minisign -Vm zig-0.13.0.tar.xz -P {public}");
    assert!(page.contains(&line), "{page}");
    assert!(page.contains("https://dist.example.org/dist/zig/0.13.0/zig-0.13.0.tar.xz.minisig"), "{page}");
    let out = Command::new("sh").arg("-c").arg(&line).current_dir(f.path("dist/zig/0.13.0")).output().unwrap();
    assert!(out.status.success(), "{line}: {}", String::from_utf8_lossy(&out.stderr));
    // The announcement mail carries the same line.
    let mail = f.closer(&["announce", "--force", "zig", "0.13.0"]).ok().stdout.clone();
    assert!(mail.contains(&line) && !mail.contains("gpg --verify"), "{mail}");
    // Like every signature, the `.minisig` is served by the primary and kept by the
    // archive, not carried by the mirrors; releases --json names the key.
    assert!(f.read("dist/zzz/lists/fullfiletimelist-archive").contains("zig/0.13.0/zig-0.13.0.tar.xz.minisig"));
    assert!(!f.read("dist/fullfiletimelist-dist").contains(".minisig"));
    let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let zig = json.as_array().unwrap().iter().find(|p| p["project"] == "zig").unwrap();
    let file = &zig["lines"][0]["releases"][0]["files"][0];
    assert_eq!(file["minisign"]["outcome"], "good", "{file}");
    assert_eq!(file["minisign"]["key"], id.as_str(), "{file}");
    // A script has the key too, as it has KEYS for OpenPGP.
    let latest: serde_json::Value = serde_json::from_str(&f.read("site/zig/latest.json")).unwrap();
    let offered =
        latest["release"]["files"].as_array().unwrap().iter().find(|x| x["path"] == latest["offered"]).unwrap();
    assert_eq!((&offered["signature_kind"], &offered["public_key"]), (&"minisign".into(), &public.as_str().into()));
    // Read as a person reads it: the minisign signature, not "no signature".
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(
        text.contains("zig-0.13.0.tar.xz: minisign signature zig/0.13.0/zig-0.13.0.tar.xz.minisig: good"),
        "{text}"
    );
    // A second build takes every check from the cache.
    assert_eq!(f.closer(&["build", "--stats"]).ok().stat("minisign_checked"), "0");
}

#[test]
fn every_way_a_minisign_signature_goes_wrong_is_named() {
    let f = Fixture::new();
    let (_, public) = zig(&f);
    let (other, other_public) = keypair(&f, "other");
    f.write("dist/zig/0.13.0/zig-0.13.0.tar.xz", "altered after signing\n");
    sign(&f, &other, "dist/zig/0.13.0/zig-linux-x86_64-0.13.0.tar.xz", false);
    f.write("dist/zig/0.12.0/zig-0.12.0.tar.xz.minisig", "untrusted comment: nothing\nnot base64\n");
    std::fs::remove_file(f.path("dist/zig/0.12.0/zig-windows-x86_64-0.12.0.zip.minisig")).unwrap();
    f.write("content/zig.md", &format!("---\ntitle: Zig\nsignatures: minisign\nminisign:\n  - {public}\n---\nZig.\n"));
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("zig-0.13.0.tar.xz.minisig does not match zig-0.13.0.tar.xz"), "{err}");
    assert!(err.contains("upload both again"), "{err}");
    assert!(err.contains("zig-linux-x86_64-0.13.0.tar.xz.minisig is signed by minisign key"), "{err}");
    assert!(err.contains("which is not one of zig's minisign keys"), "{err}");
    assert!(err.contains("zig-0.12.0.tar.xz.minisig is not a usable minisign signature"), "{err}");
    assert!(err.contains("zig-windows-x86_64-0.12.0.zip has no minisign signature"), "{err}");
    assert!(err.contains("minisign -Sm zig-windows-x86_64-0.12.0.zip"), "{err}");
    // `signatures: minisign`: no OpenPGP signature is asked for.
    assert!(!err.contains(".asc is missing"), "{err}");
    assert!(err.starts_with("4 problems found"), "{err}");
    // A signature of another file, beside this one: its trusted comment names the other.
    let before = f.read("dist/zig/0.12.0/zig-0.12.0.tar.xz.minisig");
    std::fs::copy(
        f.path("dist/zig/0.12.0/zig-linux-x86_64-0.12.0.tar.xz.minisig"),
        f.path("dist/zig/0.12.0/zig-0.12.0.tar.xz.minisig"),
    )
    .unwrap();
    let err = problems(&f.closer(&["check"]));
    assert!(
        err.contains("its trusted comment names `zig-linux-x86_64-0.12.0.tar.xz`: made for another file?"),
        "{err}"
    );
    f.write("dist/zig/0.12.0/zig-0.12.0.tar.xz.minisig", &before);
    // Last release's tarball and its good signature uploaded under the new name: the
    // trusted comment names the old file, which Zig's clients check and refuse.
    for ext in ["", ".minisig"] {
        let (from, to) =
            ("dist/zig/0.12.0/zig-linux-x86_64-0.12.0.tar.xz", "dist/zig/0.13.0/zig-linux-x86_64-0.13.0.tar.xz");
        std::fs::copy(f.path(&format!("{from}{ext}")), f.path(&format!("{to}{ext}"))).unwrap();
    }
    let err = problems(&f.closer(&["check"]));
    assert!(
        err.contains(
            "zig-linux-x86_64-0.13.0.tar.xz.minisig is not zig-linux-x86_64-0.13.0.tar.xz's signature (the signature \
             is good, but its trusted comment names `zig-linux-x86_64-0.12.0.tar.xz`"
        ),
        "{err}"
    );
    // A trusted comment edited after signing (minisign: "Comment signature verification
    // failed"): said so, not that the file was altered.
    let sig = "dist/zig/0.12.0/zig-windows-x86_64-0.12.0.zip";
    sign(&f, &other, sig, false);
    let text = f.read(&format!("{sig}.minisig"));
    f.write(&format!("{sig}.minisig"), &text.replace("trusted comment: timestamp:", "trusted comment: timestamp:1"));
    f.write("content/zig.md", &format!("---\ntitle: Zig\nminisign:\n  - {public}\n  - {other_public}\n---\n"));
    let err = problems(&f.closer(&["check"]));
    assert!(
        err.contains("zig-windows-x86_64-0.12.0.zip.minisig: its trusted comment (or its signature line) was changed")
    );
    assert!(err.contains("the file may be whole: upload zig-windows-x86_64-0.12.0.zip.minisig again"), "{err}");
}

#[test]
fn a_key_signs_only_the_lines_its_page_names_and_a_bad_key_is_named() {
    let f = Fixture::new();
    let (_, public) = zig(&f);
    let page =
        format!("---\ntitle: Zig\nminisign:\n  - key: {public}\n    lines: [\"0.13\"]\n  - RWnotakey\n---\nZig.\n");
    f.write("content/zig.md", &page);
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("content/zig.md: minisign key `RWnotakey` is not a minisign public key"), "{err}");
    assert!(err.contains("release zig 0.12.0: zig-0.12.0.tar.xz.minisig is signed by minisign key"), "{err}");
    assert!(err.contains("which content/zig.md names for lines 0.13 only, not for release 0.12.0"), "{err}");
    assert!(!err.contains("release zig 0.13.0"), "0.13.0 is the key's line:\n{err}");
    // A misspelt field is named where it is, not read as no field (the key would sign
    // every line); minisign.pub's comment line pasted as a key is told apart.
    f.write("content/zig.md", &format!("---\nminisign:\n  - key: {public}\n    line: [\"0.13\"]\n---\n"));
    let err = problems(&f.closer(&["check"]));
    assert!(
        err.contains(
            "content/zig.md:3:5: bad front matter: minisign[0]: unknown field `line`, expected `key` or `lines`"
        ),
        "{err}"
    );
    f.write("content/zig.md", "---\nminisign:\n  - untrusted comment: minisign public key 1234\n---\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("give its second line, the key itself") && !err.contains("untagged"), "{err}");
}

#[test]
fn legacy_minisign_signatures_are_verified_too() {
    let f = Fixture::new();
    let (secret, _) = zig(&f);
    let rel = "dist/zig/0.13.0/zig-0.13.0.tar.xz";
    sign(&f, &secret, rel, true);
    f.closer(&["check"]).ok();
    f.write(rel, "altered\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("zig-0.13.0.tar.xz.minisig does not match"), "{err}");
}

#[test]
fn goreleaser_and_spdx_companions_go_with_their_artifact() {
    let f = Fixture::new();
    let dir = "dist/alpha/1.10";
    // cosign's pair as GoReleaser names it (`.sig` + `.pem`), and the SBOMs syft writes.
    f.write(&format!("{dir}/alpha-1.10.tar.gz.sig"), "MEUCIQ...\n");
    f.write(&format!("{dir}/alpha-1.10.tar.gz.pem"), "-----BEGIN CERTIFICATE-----\n");
    f.write(&format!("{dir}/alpha-1.10.tar.gz.sbom.json"), r#"{"bomFormat": "CycloneDX", "specVersion": "1.5"}"#);
    f.write(&format!("{dir}/alpha-1.10.zip.spdx"), "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n");
    let run = f.closer(&["releases", "--json"]);
    run.ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let files: Vec<(String, String)> = json
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["lines"].as_array().unwrap().iter())
        .flat_map(|l| l["releases"].as_array().unwrap().iter())
        .flat_map(|r| r["files"].as_array().unwrap().iter())
        .map(|f| (f["path"].as_str().unwrap().to_string(), f["role"].as_str().unwrap().to_string()))
        .collect();
    for ext in [".tar.gz.sig", ".tar.gz.pem", ".tar.gz.sbom.json", ".zip.spdx"] {
        let path = format!("alpha/1.10/alpha-1.10{ext}");
        assert!(files.contains(&(path.clone(), "companion".into())), "{path} is a companion: {files:?}");
    }
    f.closer(&["build"]).ok();
    let page = f.read("site/alpha/1.10/index.html");
    assert!(page.contains("title=\"alpha-1.10.tar.gz.sbom.json\">sbom</a>"), "{page}");
    assert!(page.contains("title=\"alpha-1.10.zip.spdx\">sbom</a>"), "{page}");
    // An SBOM that is neither SPDX nor CycloneDX is named.
    f.write(&format!("{dir}/alpha-1.10.tar.gz.sbom.json"), r#"{"name": "alpha"}"#);
    f.write(&format!("{dir}/alpha-1.10.zip.spdx"), "hello\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("alpha-1.10.tar.gz.sbom.json is neither an SPDX document"), "{err}");
    assert!(err.contains("alpha-1.10.zip.spdx is not an SPDX tag-value document"), "{err}");
}

#[test]
fn a_checksum_list_signed_with_minisign_signs_the_files_it_lists() {
    let f = Fixture::new();
    let (secret, public) = keypair(&f, "tool");
    let dir = "dist/tool/v1.2.0";
    for name in ["tool_1.2.0_linux_amd64.tar.gz", "tool_1.2.0_darwin_arm64.tar.gz"] {
        f.write(&format!("{dir}/{name}"), &format!("{name}\n"));
    }
    let sums = Command::new("sh").arg("-c").arg("sha256sum *.tar.gz").current_dir(f.path(dir)).output().unwrap();
    f.write_bytes(&format!("{dir}/tool_1.2.0_checksums.txt"), &sums.stdout);
    sign(&f, &secret, &format!("{dir}/tool_1.2.0_checksums.txt"), false);
    f.write("content/tool.md", &format!("---\ntitle: Tool\nminisign: [\"{public}\"]\n---\n"));
    f.closer(&["build"]).ok();
    let page = f.read("site/tool/v1.2.0/index.html");
    let line = format!("minisign -Vm tool_1.2.0_checksums.txt -x tool_1.2.0_checksums.txt.minisig -P {public}");
    assert!(page.contains(&line), "{page}");
    assert!(page.contains("sha256sum -c --ignore-missing tool_1.2.0_checksums.txt"), "{page}");
    assert!(!page.contains("gpg --verify"), "{page}");
    // The page's lines, run as a downloader would.
    shell(&f, dir, &format!("{line} && sha256sum -c tool_1.2.0_checksums.txt"));
    // A file changed after the list was signed.
    f.write(&format!("{dir}/tool_1.2.0_darwin_arm64.tar.gz"), "another\n");
    let err = problems(&f.closer(&["check"]));
    assert!(
        err.contains("tool_1.2.0_darwin_arm64.tar.gz does not match the signed list tool_1.2.0_checksums.txt.minisig"),
        "{err}"
    );
    // The list signed by another key.
    f.write(&format!("{dir}/tool_1.2.0_darwin_arm64.tar.gz"), "tool_1.2.0_darwin_arm64.tar.gz\n");
    let (other, _) = keypair(&f, "other");
    sign(&f, &other, &format!("{dir}/tool_1.2.0_checksums.txt"), false);
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("the signed list tool_1.2.0_checksums.txt.minisig is signed by key"), "{err}");
    assert!(err.contains("else sign the list again with one it names: minisign -Sm tool_1.2.0_checksums.txt"), "{err}");
}

/// Void Linux's shape: a release's live images with `sha256sum.txt` (BSD lines) and its
/// minisign signature named `sha256sum.sig` (the list's name without `.txt`), checked as
/// Void's handbook says: `minisign -Vm sha256sum.txt -x sha256sum.sig -p KEY.pub`. It
/// opens as signify's does; its trusted comment tells it apart.
#[test]
fn void_shaped_list_signed_with_minisign_as_a_sig() {
    let f = Fixture::new();
    let dir = "dist/void-live/20240314";
    let isos = ["void-live-x86_64-20240314-base.iso", "void-live-x86_64-20240314-xfce.iso"];
    for n in isos {
        f.write(&format!("{dir}/{n}"), &format!("{n}\n"));
    }
    // As a loop writes it, the list names itself, empty when it was read (a list whose
    // own line can never match is not a problem).
    shell(&f, dir, "for n in *; do sha256sum --tag \"$n\"; done > sha256sum.txt");
    assert!(f.read(&format!("{dir}/sha256sum.txt")).contains("(sha256sum.txt) = e3b0c442"));
    let (secret, public) = keypair(&f, "void-release-20240314");
    sign_as(&f, dir, &secret, "sha256sum.txt", "sha256sum.sig");
    f.write("content/void-live.md", &format!("---\ntitle: Void live images\nminisign: [\"{public}\"]\n---\n"));
    f.closer(&["build"]).ok();
    let files = crate::util::release_files(&f, "void-live");
    let through: Vec<_> = files.iter().filter(|f| f["signature"]["kind"] == "signed-list").collect();
    assert!(through.len() == 2 && through.iter().all(|f| f["signature"]["outcome"] == "good"), "{files:?}");
    let page = f.read("site/void-live/20240314/index.html");
    assert!(page.contains("minisign -Vm sha256sum.txt -x sha256sum.sig -P"), "{page}");
    f.write(&format!("{dir}/{}", isos[1]), "another image\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains(&format!("{} does not match the signed list sha256sum.sig", isos[1])), "{err}");
}

const RXVT: &str = "dist/rxvt-unicode";

/// rxvt-unicode's shape (dist.schmorp.de, whose author signs every file so): each
/// tarball signed on its own with signify (`signify -S -m F -x F.sig`), and here one
/// signed with minisign but kept as `F.sig` (`minisign -Sm F -x F.sig`). Neither is a
/// broken OpenPGP signature: each is checked with the key the page names and given the
/// lines that check it; then each way it goes wrong, named.
#[test]
fn files_each_signed_with_signify_or_minisign_in_a_sig() {
    let f = Fixture::new();
    for v in ["9.30", "9.31"] {
        f.write(&format!("{RXVT}/rxvt-unicode-{v}.tar.bz2"), &format!("rxvt-unicode {v}\n"));
    }
    signify(&f, ".", &["-G", "-n", "-p", "schmorp.pub", "-s", "schmorp.sec"]);
    let key = f.read("schmorp.pub").lines().nth(1).unwrap().to_string();
    let sec = f.path("schmorp.sec").display().to_string();
    signify(&f, RXVT, &["-S", "-s", &sec, "-m", "rxvt-unicode-9.31.tar.bz2", "-x", "rxvt-unicode-9.31.tar.bz2.sig"]);
    let (msec, mkey) = keypair(&f, "other");
    sign_as(&f, RXVT, &msec, "rxvt-unicode-9.30.tar.bz2", "rxvt-unicode-9.30.tar.bz2.sig");
    // No key named: each says what signed it and where its key goes.
    f.write("content/rxvt-unicode.md", "---\ntitle: rxvt-unicode\n---\n");
    let err = f.closer(&["check"]).stderr;
    assert!(
        err.contains(
            "it is signed with signify (rxvt-unicode-9.31.tar.bz2.sig): name the project's signify public key"
        ),
        "{err}"
    );
    assert!(err.contains("it is signed with minisign (rxvt-unicode-9.30.tar.bz2.sig)"), "{err}");
    assert!(!err.contains("not a usable"), "{err}");
    f.write("content/rxvt-unicode.md", &format!("---\ntitle: rxvt-unicode\nsignify: [\"{key}\", \"{mkey}\"]\n---\n"));
    f.closer(&["build"]).ok();
    let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let rxvt = json.as_array().unwrap().iter().find(|p| p["project"] == "rxvt-unicode").unwrap().to_string();
    let signed = |v: &str, scheme: &str| {
        format!(r#""outcome":"good","path":"rxvt-unicode/rxvt-unicode-{v}.tar.bz2.sig","scheme":"{scheme}""#)
    };
    assert!(rxvt.contains(&signed("9.31", "signify")) && rxvt.contains(&signed("9.30", "minisign")), "{rxvt}");
    let page = f.read("site/rxvt-unicode/9.31/index.html");
    assert!(page.contains("Signed with signify, key <code class=\"fpr\">"), "{page}");
    let check = "signify -V -p rxvt-unicode-signify.pub -x rxvt-unicode-9.31.tar.bz2.sig -m rxvt-unicode-9.31.tar.bz2";
    assert!(page.contains(check) && !page.contains("gpg --verify"), "{page}");
    // The page's lines, run as a downloader would, with the real signify.
    let lines = signify_lines(&page);
    shell(&f, RXVT, lines.split("</code>").next().unwrap().trim_end_matches(" &&"));
    let page = f.read("site/rxvt-unicode/9.30/index.html");
    assert!(page.contains("minisign -Vm rxvt-unicode-9.30.tar.bz2 -x rxvt-unicode-9.30.tar.bz2.sig -P"), "{page}");
    // The signify signature of another file: it does not match this one.
    std::fs::copy(
        f.path(&format!("{RXVT}/rxvt-unicode-9.31.tar.bz2.sig")),
        f.path(&format!("{RXVT}/rxvt-unicode-9.30.tar.bz2.sig")),
    )
    .unwrap();
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("rxvt-unicode-9.30.tar.bz2.sig does not match rxvt-unicode-9.30.tar.bz2"), "{err}");
    // A key the page does not name.
    f.write("content/rxvt-unicode.md", &format!("---\ntitle: rxvt-unicode\nsignify: [\"{mkey}\"]\n---\n"));
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("rxvt-unicode-9.31.tar.bz2.sig is signed by signify key"), "{err}");
    assert!(err.contains("which is not one of rxvt-unicode's signify keys"), "{err}");
    // A new tarball uploaded without its signature: the fix is signify's, as the others are.
    f.write("content/rxvt-unicode.md", &format!("---\ntitle: rxvt-unicode\nsignify: [\"{key}\"]\n---\n"));
    std::fs::remove_file(f.path(&format!("{RXVT}/rxvt-unicode-9.30.tar.bz2.sig"))).unwrap();
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("rxvt-unicode-9.30.tar.bz2 has no signify signature (rxvt-unicode-9.30.tar.bz2.sig"), "{err}");
    assert!(err.contains("signify -S -s KEY.sec -m rxvt-unicode-9.30.tar.bz2 -x rxvt-unicode-9.30.tar.bz2.sig"));
}

/// A first build of a minisign-signed project whose page names no key: the problem says
/// how to let the `.minisig` count, and following it publishes the release.
#[test]
fn an_unnamed_minisign_key_is_met_with_how_to_name_it() {
    let f = Fixture::new();
    let (_, public) = zig(&f);
    std::fs::remove_file(f.path("content/zig.md")).unwrap();
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("zig-0.13.0.tar.xz has no signature (zig-0.13.0.tar.xz.asc is missing)"), "{err}");
    assert!(err.contains("it is signed with minisign (zig-0.13.0.tar.xz.minisig): name the project's minisign public key in content/zig.md"), "{err}");
    f.write("content/zig.md", &format!("---\nminisign: [\"{public}\"]\n---\n"));
    f.closer(&["build"]).ok();
    // The whole minisign.pub pasted as a block, as `cosign:` takes cosign.pub: its key line.
    let block = format!("  - |\n    untrusted comment: minisign public key\n    {public}\n");
    f.write("content/zig.md", &format!("---\nminisign:\n{block}---\n"));
    f.closer(&["check"]).ok();
}

/// Runs `script` with `sh` in `dir` of the fixture; its standard output.
pub(crate) fn shell(f: &Fixture, dir: &str, script: &str) -> String {
    let out = Command::new("sh").arg("-c").arg(script).current_dir(f.path(dir)).output().unwrap();
    assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Tauri's updater: each bundle's `X.sig` is minisign's signature base64-encoded on one
/// line, and `latest.json` (the updater's manifest) beside them. Read as minisign's, its
/// page's lines decode it first, and run as a downloader would they pass; a changed
/// bundle is bad ("not an OpenPGP signature ... sign again with gpg" before).
#[test]
fn tauri_updater_signatures_are_minisign_base64() {
    use base64::Engine;
    let f = Fixture::new();
    let (secret, public) = keypair(&f, "tauri");
    let dir = "dist/yap/0.7.1";
    for n in ["Yap.app.tar.gz", "Yap_0.7.1_amd64.AppImage"] {
        f.write(&format!("{dir}/{n}"), &format!("{n} bytes\n"));
        sign_as(&f, dir, &secret, n, "t.minisig");
        let encoded = base64::engine::general_purpose::STANDARD.encode(f.read(&format!("{dir}/t.minisig")));
        f.write(&format!("{dir}/{n}.sig"), &encoded);
        std::fs::remove_file(f.path(&format!("{dir}/t.minisig"))).unwrap();
    }
    f.write(&format!("{dir}/latest.json"), "{\"version\":\"0.7.1\",\"platforms\":{}}\n");
    f.write("content/yap.md", &format!("---\ntitle: Yap\nminisign: [\"{public}\"]\n---\n"));
    f.closer(&["build"]).ok();
    let page = f.read("site/yap/0.7.1/index.html").replace("&#39;", "'").replace("&gt;", ">").replace("&amp;", "&");
    let start = page.find("base64 -d").expect("the lines decode the signature");
    let lines = page[start..].split("</code>").next().unwrap().to_string();
    assert!(lines.contains("minisign -Vm Yap.app.tar.gz -P"), "{lines}");
    shell(&f, dir, &format!("{lines} && rm Yap.app.tar.gz.minisig"));
    f.write(&format!("{dir}/Yap.app.tar.gz"), "another bundle\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("Yap.app.tar.gz") && !err.contains("gpg --armor --detach-sign"), "{err}");
}

/// OpenWrt signs each target's `sha256sums` with usign, whose `sha256sums.sig` is
/// signify's format (made here by the real signify): a key the page does not name is met
/// with how to name it, signify's and usign's way to sign again (not minisign's, as
/// before), and named, the list signs the target's files.
#[test]
fn openwrt_usign_list_is_signify_and_its_fix_says_so() {
    let f = Fixture::new();
    let dir = "dist/openwrt/23.05.5/targets/x86/64";
    f.write(&format!("{dir}/openwrt-23.05.5-x86-64-generic-ext4-combined.img.gz"), "image\n");
    f.write(&format!("{dir}/profiles.json"), "{\"target\": \"x86/64\"}\n");
    shell(&f, dir, "sha256sum --binary *.img.gz profiles.json > sha256sums");
    signify(&f, ".", &["-G", "-n", "-p", "usign.pub", "-s", "usign.sec"]);
    let sec = f.path("usign.sec");
    signify(&f, dir, &["-S", "-s", sec.to_str().unwrap(), "-m", "sha256sums", "-x", "sha256sums.sig"]);
    f.write("content/openwrt.md", "---\ntitle: OpenWrt\n---\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("the signed list sha256sums.sig is signed by key"), "{err}");
    assert!(err.contains("which the project's page does not name"), "{err}");
    assert!(err.contains("name the project's signify public key in content/openwrt.md"), "{err}");
    assert!(err.contains("usign -S -m sha256sums -s KEY") && !err.contains("minisign -Sm"), "{err}");
    let key = f.read("usign.pub").lines().nth(1).unwrap().to_string();
    // (`signatures: signify` is read as `minisign`: any key the page names.)
    f.write("content/openwrt.md", &format!("---\ntitle: OpenWrt\nsignatures: signify\nsignify: [\"{key}\"]\n---\n"));
    f.closer(&["build"]).ok();
    let page = f.read("site/openwrt/23.05.5/index.html");
    // Detached: no `-e` (which reads the list out of the signature, and fails).
    assert!(page.contains("signify -V -p openwrt-signify.pub -x sha256sums.sig -m sha256sums"), "{page}");
    // The page's lines, run as a downloader would.
    let lines = signify_lines(&page);
    shell(&f, dir, &format!("{} && sha256sum -c sha256sums", lines.trim_end_matches(" &&")));
}

/// `signatures: both`, each kind its own way: 1.3's file has its `.asc` and the release's
/// `SHA256SUMS.minisig`; 1.4's its `.minisig` and `SHA256SUMS.asc`. A signature of one
/// kind of its own kept the other kind's signed list from vouching for the file ("has no
/// minisign signature", "has no signature").
#[test]
fn both_kinds_required_may_come_one_from_a_signed_list() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("Dual <dual@example.org>", "ed25519", "", None);
    f.write("dist/dual/KEYS", &g.export_public(&fpr));
    let (secret, public) = keypair(&f, "dual");
    for v in ["1.3", "1.4"] {
        let dir = format!("dist/dual/{v}");
        f.write(&format!("{dir}/dual-{v}.tar.gz"), &format!("dual {v}\n"));
        shell(&f, &dir, &format!("sha256sum dual-{v}.tar.gz > SHA256SUMS"));
    }
    g.sign(&fpr, &f.path("dist/dual/1.3/dual-1.3.tar.gz"), None, &[]);
    sign(&f, &secret, "dist/dual/1.3/SHA256SUMS", false);
    sign(&f, &secret, "dist/dual/1.4/dual-1.4.tar.gz", false);
    g.sign(&fpr, &f.path("dist/dual/1.4/SHA256SUMS"), None, &[]);
    f.write("content/dual.md", &format!("---\ntitle: Dual\nsignatures: both\nminisign: [\"{public}\"]\n---\n"));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The list's word is the file's: the file changed, both kinds say so.
    f.write("dist/dual/1.3/dual-1.3.tar.gz", "dual 1.3, altered\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("dual-1.3.tar.gz does not match the signed list SHA256SUMS.minisig"), "{err}");
}

/// LibreSSL's shape: every version's tarball flat in one folder, one `SHA256` over them
/// all and its embedded signify signature `SHA256.sig` beside. A list beside flat
/// releases was checked for OpenPGP alone, so every tarball was "not named by the signed
/// list". A version added without signing the list again is the one problem.
#[test]
fn a_signify_list_beside_flat_releases_signs_every_version() {
    let f = Fixture::new();
    let dir = "dist/libressl";
    for v in ["3.9.2", "4.0.0"] {
        f.write(&format!("{dir}/libressl-{v}.tar.gz"), &format!("libressl {v}\n"));
    }
    shell(&f, dir, "sha256sum --tag libressl-*.tar.gz > SHA256");
    signify(&f, ".", &["-G", "-n", "-p", "libressl.pub", "-s", "libressl.sec"]);
    let sec = f.path("libressl.sec");
    signify(&f, dir, &["-S", "-e", "-s", sec.to_str().unwrap(), "-m", "SHA256", "-x", "SHA256.sig"]);
    let key = f.read("libressl.pub").lines().nth(1).unwrap().to_string();
    f.write("content/libressl.md", &format!("---\ntitle: LibreSSL\nsignify: [\"{key}\"]\n---\n"));
    f.closer(&["build"]).ok();
    let page = f.read("site/libressl/4.0.0/index.html");
    assert!(page.contains("signify -V -e -p libressl-signify.pub -x SHA256.sig -m SHA256"), "{page}");
    f.write(&format!("{dir}/libressl-4.0.1.tar.gz"), "libressl 4.0.1\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("1 problem found"), "{err}");
    assert!(
        err.contains("libressl-4.0.1.tar.gz has no signature: the signed list SHA256.sig does not name it"),
        "{err}"
    );
}
