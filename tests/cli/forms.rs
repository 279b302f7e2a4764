//! Release files in the forms foundations upload them: binary detached signatures
//! (GNU's `.sig`), and checksum files made by `gpg --print-md`, `sha256sum --tag`,
//! `sha1sum`, `md5sum` and bare digests; each verified, each mismatch caught and named.

use crate::gpg::Gpg;
use crate::util::{Fixture, sha512_hex};
use std::process::Command;

/// The output of a real tool run in `dir`.
pub(crate) fn tool(dir: &std::path::Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// `gpg --detach-sign` or `--clearsign` (`mode`) of `input` into `output`, by `fpr`.
pub(crate) fn gpg_sign(g: &Gpg, fpr: &str, mode: &str, output: &std::path::Path, input: &std::path::Path) {
    g.ok(&["--yes", "--local-user", fpr, mode, "--output", output.to_str().unwrap(), input.to_str().unwrap()]);
}

/// A GNU-style project (`dist/hello/2.12.1/`) signed with binary `.sig` files by a key of
/// its own, with checksum files in every form, made by the real tools.
pub(crate) fn gnu_release(f: &Fixture, g: &Gpg) -> String {
    let fpr = g.generate("GNU Maintainer <hello@example.org>", "ed25519", "", None);
    f.write("dist/hello/KEYS", &format!("The keys of GNU Hello.\n\n{}", g.export_public(&fpr)));
    let rel = "dist/hello/2.12.1";
    f.write(&format!("{rel}/hello-2.12.1.tar.gz"), "hello 2.12.1, gzip\n");
    f.write(&format!("{rel}/hello-2.12.1.tar.xz"), "hello 2.12.1, xz\n");
    let dir = f.path(rel);
    for name in ["hello-2.12.1.tar.gz", "hello-2.12.1.tar.xz"] {
        let sig = format!("{name}.sig");
        gpg_sign(g, &fpr, "--detach-sign", &dir.join(&sig), &dir.join(name));
        assert!(!f.read_bytes(&format!("{rel}/{sig}")).starts_with(b"-----"), "a binary signature");
    }
    let gz = "hello-2.12.1.tar.gz";
    // gpg --print-md writes upper-case hex in groups over several lines.
    let print_md = String::from_utf8(g.cmd(&["--print-md", "SHA512", dir.join(gz).to_str().unwrap()]).stdout).unwrap();
    let print_md = print_md.replace(dir.join(gz).to_str().unwrap(), gz);
    assert!(print_md.lines().count() > 1, "{print_md}");
    f.write(&format!("{rel}/{gz}.sha512"), &print_md);
    f.write(&format!("{rel}/{gz}.sha256"), &tool(&dir, "sha256sum", &["--tag", gz]));
    f.write(&format!("{rel}/{gz}.sha1"), &tool(&dir, "sha1sum", &[gz]));
    let md5 = tool(&dir, "md5sum", &[gz]);
    f.write(&format!("{rel}/{gz}.md5"), &format!("{}\n", md5.split_whitespace().next().unwrap()));
    // A list in BSD form, of both files.
    f.write(&format!("{rel}/SHA512SUMS"), &tool(&dir, "sha512sum", &["--tag", gz, "hello-2.12.1.tar.xz"]));
    fpr
}

#[test]
fn binary_signatures_and_every_checksum_form_are_verified_and_published() {
    let f = Fixture::new();
    let g = Gpg::new();
    gnu_release(&f, &g);
    let run = f.closer(&["build"]);
    run.ok();
    let site = "site/hello/2.12.1";
    // The binary signature is published under its own name, and gpg accepts it.
    let (ok, why) = g.verify(&[
        f.path(&format!("{site}/hello-2.12.1.tar.gz.sig")).to_str().unwrap(),
        f.path("dist/hello/2.12.1/hello-2.12.1.tar.gz").to_str().unwrap(),
    ]);
    assert!(ok, "{why}");
    let page = f.read(&format!("{site}/index.html"));
    assert!(page.contains("hello-2.12.1.tar.gz.sig"), "the page links the .sig");
    assert!(page.contains("gpg --verify hello-2.12.1.tar.gz.sig hello-2.12.1.tar.gz"), "and verifies with it");
    // The Metalink carries it armored, as RFC 5854 wants text.
    let meta4 = f.read(&format!("{site}/hello-2.12.1.tar.gz.meta4"));
    assert!(meta4.contains("-----BEGIN PGP SIGNATURE-----"), "{meta4}");
    // closer's own sums check with sha512sum -c.
    let sums = f.read(&format!("{site}/hello-2.12.1.tar.gz.sha512"));
    assert_eq!(sums, format!("{}  hello-2.12.1.tar.gz\n", sha512_hex(b"hello 2.12.1, gzip\n")));
}

#[test]
fn a_wrong_digest_in_any_form_names_the_file_the_form_and_both_digests() {
    let f = Fixture::new();
    let g = Gpg::new();
    gnu_release(&f, &g);
    f.closer(&["check"]).ok();
    let rel = "dist/hello/2.12.1/hello-2.12.1.tar.gz";
    let want = sha512_hex(b"hello 2.12.1, gzip\n");
    let cases: [(&str, String, &str); 4] = [
        (
            "sha512",
            // gpg --print-md of other bytes: grouped upper case over two lines.
            format!(
                "hello-2.12.1.tar.gz: {}\n                     {}\n",
                "0F7447DC FFC06558 ".repeat(4).trim_end(),
                "0F7447DC FFC06558 ".repeat(4).trim_end()
            ),
            "gpg --print-md format",
        ),
        ("sha256", format!("SHA256 (hello-2.12.1.tar.gz) = {}\n", "ab".repeat(32)), "BSD tag format"),
        ("sha1", format!("{}  hello-2.12.1.tar.gz\n", "cd".repeat(20)), "sha1sum format"),
        ("md5", format!("{}\n", "ef".repeat(16)), "a bare digest"),
    ];
    for (ext, text, form) in cases {
        let good = f.read(&format!("{rel}.{ext}"));
        f.write(&format!("{rel}.{ext}"), &text);
        let run = f.closer(&["check"]);
        assert_eq!(run.code, 1, "{ext}: {}", run.stderr);
        assert!(run.stderr.contains(&format!("hello-2.12.1.tar.gz.{ext}:1: says ")), "{ext}: {}", run.stderr);
        assert!(run.stderr.contains(&format!("(read in {form})")), "{ext}: {}", run.stderr);
        let got: String = text
            .split(['\n', ' ', ':'])
            .filter(|w| w.len() >= 8 && w.bytes().all(|b| b.is_ascii_hexdigit()))
            .collect::<String>()
            .to_ascii_lowercase();
        assert!(run.stderr.contains(&format!("the file says {got}")), "{ext}: {}", run.stderr);
        if ext == "sha512" {
            assert!(run.stderr.contains(&want), "{}", run.stderr);
        }
        f.write(&format!("{rel}.{ext}"), &good);
    }
    // A digest of the wrong length says so.
    f.write(&format!("{rel}.sha512"), &format!("{}  hello-2.12.1.tar.gz\n", "ab".repeat(32)));
    let run = f.closer(&["check"]);
    assert!(run.stderr.contains("as long as a SHA256 digest, not a SHA512 one"), "{}", run.stderr);
}

#[test]
fn a_file_altered_after_its_binary_signature_is_caught() {
    let f = Fixture::new();
    let g = Gpg::new();
    gnu_release(&f, &g);
    f.write("dist/hello/2.12.1/hello-2.12.1.tar.xz", "hello 2.12.1, xz, altered\n");
    let sums = f.read("dist/hello/2.12.1/SHA512SUMS");
    f.write("dist/hello/2.12.1/SHA512SUMS", &sums.lines().next().map(|l| format!("{l}\n")).unwrap());
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("hello-2.12.1.tar.xz.sig does not match hello-2.12.1.tar.xz"), "{}", run.stderr);
}

#[test]
fn releases_json_says_what_was_inferred() {
    let f = Fixture::new();
    let g = Gpg::new();
    gnu_release(&f, &g);
    let run = f.closer(&["releases", "--json"]);
    run.ok();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let projects: Vec<&str> = doc.as_array().unwrap().iter().map(|p| p["project"].as_str().unwrap()).collect();
    assert_eq!(projects, ["alpha", "beta", "hello"]);
    let alpha = &doc[0]["lines"][0];
    assert!(alpha["line"].is_null());
    let versions: Vec<(&str, bool)> = alpha["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["version"].as_str().unwrap(), r["current"].as_bool().unwrap()))
        .collect();
    assert_eq!(versions, [("1.10", true), ("1.9", true), ("1.0", false)]);
    let hello = &doc[2];
    assert_eq!(hello["keys"], "hello/KEYS");
    let files = hello["lines"][0]["releases"][0]["files"].as_array().unwrap();
    let role = |path: &str| files.iter().find(|f| f["path"] == path).map(|f| f["role"].as_str().unwrap().to_string());
    assert_eq!(role("hello/2.12.1/hello-2.12.1.tar.gz").as_deref(), Some("artifact"));
    assert_eq!(role("hello/2.12.1/hello-2.12.1.tar.gz.sig").as_deref(), Some("signature"));
    assert_eq!(role("hello/2.12.1/hello-2.12.1.tar.gz.md5").as_deref(), Some("checksum"));
    assert_eq!(role("hello/2.12.1/SHA512SUMS").as_deref(), Some("checksum-list"));
    let gz = files.iter().find(|f| f["path"] == "hello/2.12.1/hello-2.12.1.tar.gz").unwrap();
    assert_eq!(
        gz["signature"],
        serde_json::json!({"path": "hello/2.12.1/hello-2.12.1.tar.gz.sig", "kind": "binary", "outcome": "good"})
    );
    let forms: Vec<(&str, &str)> = gz["checksums"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["algorithm"].as_str().unwrap(), c["format"].as_str().unwrap()))
        .collect();
    // Sidecars in the order the scan found them (by algorithm), then the release's list.
    let mut sidecars = forms[..4].to_vec();
    sidecars.sort();
    assert_eq!(sidecars, [("md5", "bare"), ("sha1", "sha512sum"), ("sha256", "bsd"), ("sha512", "print-md")]);
    assert_eq!(forms[4], ("sha512", "bsd"));
    // The same, for people.
    let text = f.closer(&["releases"]);
    assert!(text.stdout.contains("  2.12.1 (current)"), "{}", text.stdout);
    assert!(text.stdout.contains("hello/2.12.1/hello-2.12.1.tar.gz: binary signature"), "{}", text.stdout);
}

#[test]
fn notes_are_carried_to_the_mirrors_and_never_need_a_signature() {
    let f = Fixture::new();
    f.write("dist/HEADER.html", "<p>Welcome to the dist tree.</p>\n");
    f.write("dist/alpha/README.html", "<p>About alpha.</p>\n");
    f.write("dist/alpha/1.10/README", "Read me first.\n");
    f.write("dist/alpha/1.10/.htaccess", "Options +Indexes\n");
    f.write("dist/alpha/1.0/README", "An old release.\n");
    f.closer(&["build"]).ok();
    let list = f.read("dist/fullfiletimelist-dist");
    for carried in ["\tHEADER.html\n", "\talpha/README.html\n", "\talpha/1.10/README\n", "\talpha/1.10/.htaccess\n"] {
        assert!(list.contains(carried), "{carried:?} in\n{list}");
    }
    assert!(!list.contains("alpha/1.0/README"), "archived releases stay off the mirrors");
    assert!(f.read("dist/zzz/lists/fullfiletimelist-archive").contains("\talpha/1.0/README\n"));
    let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    assert_eq!(json[0]["notes"], serde_json::json!(["alpha/README.html"]));
    let files = json[0]["lines"][0]["releases"][0]["files"].as_array().unwrap();
    let readme = files.iter().find(|f| f["path"] == "alpha/1.10/README").unwrap();
    assert_eq!(readme["role"], "notes");
    assert!(readme.get("signature").is_none());
    // The pages link them on the primary, where they are shown as they are.
    let project = f.read("site/alpha/index.html");
    assert!(
        project.contains(r#"<a href="https://dist.example.org/dist/alpha/README.html">README.html</a>"#),
        "{project}"
    );
    let release = f.read("site/alpha/1.10/index.html");
    assert!(release.contains(r#"<a href="https://dist.example.org/dist/alpha/1.10/README">README</a>"#), "{release}");

    // The set is the registry's to say: here READMEs are artifacts, and need a signature.
    let registry = f.read("mirrors.yaml").replace("policy:\n", "policy:\n  notes: [\"*.html\", \"!README*\"]\n");
    f.write("mirrors.yaml", &registry);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("alpha 1.10: README has no signature"), "{}", run.stderr);
}

/// Debian's form (`SHA256SUMS` with a binary `SHA256SUMS.sign`) and kernel.org's (a
/// clearsigned `sha256sums.asc`), each covering files that have no signature of their own.
fn signed_lists(f: &Fixture, g: &Gpg) -> String {
    let fpr = g.generate("Release Team <release@example.org>", "ed25519", "", None);
    let keys = g.export_public(&fpr);
    f.write("dist/debian/KEYS", &keys);
    f.write("dist/linux/KEYS", &keys);
    let deb = f.path("dist/debian/12.4");
    f.write("dist/debian/12.4/debian-12.4-amd64-netinst.iso", "an installer image\n");
    f.write("dist/debian/12.4/debian-12.4-arm64-netinst.iso", "another installer image\n");
    let sums = tool(&deb, "sha256sum", &["debian-12.4-amd64-netinst.iso", "debian-12.4-arm64-netinst.iso"]);
    f.write("dist/debian/12.4/SHA256SUMS", &sums);
    gpg_sign(g, &fpr, "--detach-sign", &deb.join("SHA256SUMS.sign"), &deb.join("SHA256SUMS"));
    let linux = f.path("dist/linux/6.6");
    f.write("dist/linux/6.6/linux-6.6.tar.xz", "the kernel, xz\n");
    f.write("dist/linux/6.6/linux-6.6.tar.gz", "the kernel, gzip\n");
    f.write("dist/linux/6.6/.sums", &tool(&linux, "sha256sum", &["linux-6.6.tar.xz", "linux-6.6.tar.gz"]));
    gpg_sign(g, &fpr, "--clearsign", &linux.join("sha256sums.asc"), &linux.join(".sums"));
    std::fs::remove_file(linux.join(".sums")).unwrap();
    fpr
}

#[test]
fn files_are_signed_through_signed_checksum_lists() {
    let f = Fixture::new();
    let g = Gpg::new();
    signed_lists(&f, &g);
    f.closer(&["build"]).ok();
    let doc: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let files = |project: &str| {
        let p = doc.as_array().unwrap().iter().find(|p| p["project"] == project).unwrap();
        p["lines"][0]["releases"][0]["files"].as_array().unwrap().clone()
    };
    let deb = files("debian");
    let iso = deb.iter().find(|f| f["path"] == "debian/12.4/debian-12.4-amd64-netinst.iso").unwrap();
    assert_eq!(
        iso["signature"],
        serde_json::json!({"path": "debian/12.4/SHA256SUMS.sign", "kind": "signed-list", "outcome": "good"})
    );
    assert!(deb.iter().any(|f| f["path"] == "debian/12.4/SHA256SUMS.sign" && f["role"] == "signed-checksum-list"));
    let linux = files("linux");
    let xz = linux.iter().find(|f| f["path"] == "linux/6.6/linux-6.6.tar.xz").unwrap();
    assert_eq!(xz["signature"]["path"], "linux/6.6/sha256sums.asc");
    assert_eq!(xz["signature"]["outcome"], "good");
    // The page sends the downloader to the list on the primary, and says how to check it.
    let page = f.read("site/linux/6.6/index.html");
    assert!(page.contains("https://dist.example.org/dist/linux/6.6/sha256sums.asc"), "{page}");
    // The text gpg verified is what the sums check, not the armored file around it.
    assert!(page.contains("gpg --yes --output sha256sums --decrypt sha256sums.asc"), "{page}");
    assert!(
        page.contains("sha256sum -c --ignore-missing sha256sums")
            && !page.contains("-c --ignore-missing sha256sums.asc")
    );
    // The archive carries the lists and their signatures; the mirrors only the files.
    let archive = f.read("dist/zzz/lists/fullfiletimelist-archive");
    assert!(archive.contains("\tdebian/12.4/SHA256SUMS.sign\n") && archive.contains("\tlinux/6.6/sha256sums.asc\n"));
    assert!(!f.read("dist/fullfiletimelist-dist").contains("sha256sums.asc"));
}

#[test]
fn a_signed_list_catches_an_altered_file_and_a_foreign_key() {
    let f = Fixture::new();
    let g = Gpg::new();
    signed_lists(&f, &g);
    f.write("dist/linux/6.6/linux-6.6.tar.xz", "the kernel, xz, with a backdoor\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("the signed list sha256sums.asc does not match linux-6.6.tar.xz (its sha256 is not the one in the signed list sha256sums.asc)"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("linux-6.6.tar.gz"), "the other file is fine: {}", run.stderr);

    // The Debian list signed by a key that is not in KEYS signs nothing.
    let f = Fixture::new();
    let g = Gpg::new();
    signed_lists(&f, &g);
    let stranger = g.generate("Stranger <stranger@example.org>", "ed25519", "", None);
    let deb = f.path("dist/debian/12.4");
    gpg_sign(&g, &stranger, "--detach-sign", &deb.join("SHA256SUMS.sign"), &deb.join("SHA256SUMS"));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("the signed list SHA256SUMS.sign is signed by key"), "{}", run.stderr);
    assert!(run.stderr.contains("debian-12.4-amd64-netinst.iso has no signature"), "{}", run.stderr);
}

#[test]
fn a_binary_keyring_stands_for_keys() {
    let f = Fixture::new();
    let g = Gpg::new();
    let fpr = g.generate("GNU Maintainer <hello@example.org>", "ed25519", "", None);
    let keyring = g.cmd(&["--export", &fpr]).stdout;
    assert!(keyring.first().is_some_and(|b| b & 0x80 != 0), "a binary keyring");
    f.write_bytes("dist/gnuhello/gnuhello-keyring.gpg", &keyring);
    f.write("dist/gnuhello/1.0/gnuhello-1.0.tar.gz", "hello\n");
    let dir = f.path("dist/gnuhello/1.0");
    gpg_sign(&g, &fpr, "--detach-sign", &dir.join("gnuhello-1.0.tar.gz.sig"), &dir.join("gnuhello-1.0.tar.gz"));
    f.closer(&["build"]).ok();
    assert_eq!(
        f.read_bytes("site/gnuhello/KEYS"),
        keyring,
        "the site publishes the keyring the signature was checked against"
    );
    let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = json.as_array().unwrap().iter().find(|p| p["project"] == "gnuhello").unwrap();
    assert_eq!(p["keys"], "gnuhello/gnuhello-keyring.gpg");
}

#[test]
fn keys_with_real_world_oddities_are_read_and_only_the_signing_keys_matter() {
    let f = Fixture::new();
    let g = Gpg::new();
    // An old DSA key with an ElGamal subkey, as many Apache KEYS files still hold.
    let old = g.generate("Old Timer <old@example.org>", "dsa2048", "", None);
    g.ok(&["--passphrase", "", "--quick-add-key", &old, "elg2048", "encr", "0"]);
    let signer = g.generate("Release Manager <rm@example.org>", "ed25519", "", None);
    // A block no current tool reads (a truncated v3 key packet).
    let v3 = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nVersion: PGP 2.6.3i\n\nmQAFAwAAAAA=\n-----END PGP PUBLIC KEY BLOCK-----\n";
    let keys = format!(
        "This file contains the PGP keys of various developers.\n\npub   1024D/ABCD1234 2003-01-01 Old Timer\n{}\n{v3}\nsig 3 ABCD1234 Old Timer\n\n{}",
        g.export_public(&old),
        g.export_public(&signer),
    );
    f.write("dist/odd/KEYS", &keys);
    f.write("dist/odd/1.0/odd-1.0.tar.gz", "odd\n");
    g.sign(&signer, &f.path("dist/odd/1.0/odd-1.0.tar.gz"), None, &[]);
    f.closer(&["check"]).ok();
    // The DSA key is read too: what it signs is found weak, not unknown.
    f.write("dist/odd/1.0/odd-1.0.zip", "odd zip\n");
    g.sign(&old, &f.path("dist/odd/1.0/odd-1.0.zip"), None, &[]);
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("odd-1.0.zip.asc by key"), "{}", run.stderr);
    assert!(run.stderr.contains("2048-bit DSA key, withdrawn for signatures in 2023"), "{}", run.stderr);
    // A KEYS of nothing but unreadable blocks says where the first one is.
    f.write("dist/odd/KEYS", &format!("text\n{v3}"));
    let run = f.closer(&["check"]);
    assert!(run.stderr.contains("dist/odd/KEYS:2: key block cannot be read"), "{}", run.stderr);
}

#[test]
fn releases_kept_side_by_side_are_grouped_by_the_version_in_their_names() {
    let f = Fixture::new();
    let keys = f.read("dist/alpha/KEYS");
    f.write("dist/httpd/KEYS", &keys);
    for v in ["2.4.58", "2.4.57", "2.4.9"] {
        f.write(&format!("dist/httpd/httpd-{v}.tar.gz"), &format!("httpd {v} gzip\n"));
        f.write(&format!("dist/httpd/httpd-{v}.tar.bz2"), &format!("httpd {v} bzip2\n"));
    }
    f.write("dist/httpd/CHANGES_2.4.58", "Changes with Apache 2.4.58\n");
    f.write("dist/httpd/SHA512SUMS", "not read: it covers several releases\n");
    f.write(
        "dist/httpd/httpd-2.4.58.tar.gz.sha256",
        &format!("{}  httpd-2.4.58.tar.gz\n", {
            use sha2::Digest;
            closer::util::text::hex(&sha2::Sha256::digest(b"httpd 2.4.58 gzip\n"))
        }),
    );
    f.sign();
    assert!(f.path("dist/httpd/httpd-2.4.58.tar.gz.asc").exists(), "closer sign signs flat files in place");
    f.closer(&["build"]).ok();
    let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let httpd = json.as_array().unwrap().iter().find(|p| p["project"] == "httpd").unwrap();
    let releases: Vec<(&str, bool)> = httpd["lines"][0]["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["version"].as_str().unwrap(), r["current"].as_bool().unwrap()))
        .collect();
    assert_eq!(releases, [("2.4.58", true), ("2.4.57", true), ("2.4.9", false)], "2.4.58 > 2.4.9; keep 2");
    let files = httpd["lines"][0]["releases"][0]["files"].as_array().unwrap();
    let roles: Vec<(&str, &str)> =
        files.iter().map(|f| (f["path"].as_str().unwrap(), f["role"].as_str().unwrap())).collect();
    assert!(roles.contains(&("httpd/httpd-2.4.58.tar.gz", "artifact")), "{roles:?}");
    assert!(roles.contains(&("httpd/httpd-2.4.58.tar.gz.asc", "signature")), "{roles:?}");
    assert!(roles.contains(&("httpd/httpd-2.4.58.tar.gz.sha256", "checksum")), "{roles:?}");
    assert_eq!(httpd["notes"], serde_json::json!(["httpd/CHANGES_2.4.58", "httpd/SHA512SUMS"]));
    // Links are the tree's own paths; the mirrors carry the current ones and the notes.
    let page = f.read("site/httpd/2.4.58/index.html");
    assert!(page.contains("href=\"https://dist.example.org/dist/httpd/httpd-2.4.58.tar.gz\""), "{page}");
    let list = f.read("dist/fullfiletimelist-dist");
    assert!(list.contains("\thttpd/httpd-2.4.57.tar.bz2\n") && list.contains("\thttpd/CHANGES_2.4.58\n"), "{list}");
    assert!(!list.contains("httpd-2.4.9"), "archived: {list}");
    assert!(!list.contains("httpd/SHA512SUMS"), "lists stay off the mirrors: {list}");
    assert!(f.read("dist/zzz/lists/fullfiletimelist-archive").contains("\thttpd/SHA512SUMS\n"));
    // closer's checksum files check against the tree's files with sha512sum -c.
    std::fs::copy(f.path("site/httpd/2.4.58/httpd-2.4.58.tar.gz.sha512"), f.path("dist/httpd/check.sha512")).unwrap();
    let out =
        Command::new("sha512sum").args(["-c", "check.sha512"]).current_dir(f.path("dist/httpd")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    std::fs::remove_file(f.path("dist/httpd/check.sha512")).unwrap();
    // A file whose name says no version is named, with the fix; once with its signature
    // (zlib's `zlib131.zip` and `.asc` were two problems).
    f.write("dist/httpd/httpd-new.tar.gz", "which one?\n");
    f.write("dist/httpd/httpd-new.tar.gz.asc", "its signature\n");
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let said = "httpd-new.tar.gz: is a file beside the releases whose name says no version (and so is its \
                httpd-new.tar.gz.asc beside it)";
    assert!(run.stderr.contains(said), "{}", run.stderr);
    assert_eq!(run.stderr.matches("says no version").count(), 1, "{}", run.stderr);
    std::fs::remove_file(f.path("dist/httpd/httpd-new.tar.gz")).unwrap();
    std::fs::remove_file(f.path("dist/httpd/httpd-new.tar.gz.asc")).unwrap();
    // A version both as a directory and as files beside it is ambiguous: the loose
    // files are named, with the command that moves them in.
    f.write("dist/httpd/2.4.57/httpd-2.4.57.zip", "zip\n");
    let run = f.closer(&["check"]);
    assert!(
        run.stderr.contains(
            "httpd/httpd-2.4.57.tar.bz2: is in release 2.4.57 and httpd/2.4.57/httpd-2.4.57.zip is in release 2.4.57: the same version twice"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("httpd/httpd-2.4.57.tar.gz.asc httpd/2.4.57/\n"), "{}", run.stderr);
}

#[test]
fn release_lines_side_by_side_keep_their_newest_each() {
    let f = Fixture::new();
    f.write("dist/tomcat/KEYS", &f.read("dist/alpha/KEYS"));
    for (line, v) in [
        ("tomcat-9", "9.0.83"),
        ("tomcat-9", "9.0.82"),
        ("tomcat-9", "9.0.80"),
        ("tomcat-10", "10.1.16"),
        ("tomcat-10", "10.1.15"),
    ] {
        f.write(&format!("dist/tomcat/{line}/v{v}/bin/apache-tomcat-{v}.tar.gz"), &format!("tomcat {v}\n"));
        f.write(&format!("dist/tomcat/{line}/v{v}/src/apache-tomcat-{v}-src.tar.gz"), &format!("tomcat {v} source\n"));
    }
    f.sign();
    f.closer(&["build"]).ok();
    let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let tomcat = json.as_array().unwrap().iter().find(|p| p["project"] == "tomcat").unwrap();
    let lines: Vec<(String, Vec<(String, bool)>)> = tomcat["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let releases = l["releases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["version"].as_str().unwrap().to_string(), r["current"].as_bool().unwrap()))
                .collect();
            (l["line"].as_str().unwrap().to_string(), releases)
        })
        .collect();
    let want = |v: &[(&str, bool)]| v.iter().map(|(s, c)| (s.to_string(), *c)).collect::<Vec<_>>();
    assert_eq!(
        lines,
        [
            ("tomcat-10".to_string(), want(&[("v10.1.16", true), ("v10.1.15", true)])),
            ("tomcat-9".to_string(), want(&[("v9.0.83", true), ("v9.0.82", true), ("v9.0.80", false)])),
        ],
        "policy.keep (2) applies per line"
    );
    let files = tomcat["lines"][1]["releases"][0]["files"].as_array().unwrap();
    assert!(
        files
            .iter()
            .any(|f| f["path"] == "tomcat/tomcat-9/v9.0.83/bin/apache-tomcat-9.0.83.tar.gz" && f["role"] == "artifact")
    );
    // Pages and links: the tree's own paths; the mirrors carry both lines' current releases.
    let page = f.read("site/tomcat/tomcat-9/v9.0.83/index.html");
    assert!(
        page.contains("https://dist.example.org/dist/tomcat/tomcat-9/v9.0.83/bin/apache-tomcat-9.0.83.tar.gz"),
        "{page}"
    );
    let list = f.read("dist/fullfiletimelist-dist");
    for carried in [
        "\ttomcat/tomcat-9\n",
        "\ttomcat/tomcat-9/v9.0.82/src/apache-tomcat-9.0.82-src.tar.gz\n",
        "\ttomcat/tomcat-10/v10.1.15\n",
    ] {
        assert!(list.contains(carried), "{carried:?} in {list}");
    }
    assert!(!list.contains("v9.0.80"), "archived: {list}");
    // A file in a line but in no version is named.
    f.write("dist/tomcat/tomcat-9/stray.tar.gz", "?\n");
    let run = f.closer(&["check"]);
    assert!(
        run.stderr.contains("stray.tar.gz: is a file in the release line tomcat-9, outside its version directories"),
        "{}",
        run.stderr
    );
}

#[test]
fn grouping_directories_of_versioned_files_make_releases() {
    let f = Fixture::new();
    f.write("dist/lang/KEYS", &f.read("dist/alpha/KEYS"));
    for v in ["3.14.0", "3.13.0"] {
        f.write(&format!("dist/lang/binaries/commons-lang3-{v}-bin.tar.gz"), &format!("lang {v} bin\n"));
        f.write(&format!("dist/lang/source/commons-lang3-{v}-src.tar.gz"), &format!("lang {v} src\n"));
    }
    f.sign();
    f.closer(&["build"]).ok();
    let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let lang = json.as_array().unwrap().iter().find(|p| p["project"] == "lang").unwrap();
    let releases = lang["lines"][0]["releases"].as_array().unwrap();
    let versions: Vec<&str> = releases.iter().map(|r| r["version"].as_str().unwrap()).collect();
    assert_eq!(versions, ["3.14.0", "3.13.0"]);
    let artifacts: Vec<&str> = releases[0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["role"] == "artifact")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        artifacts,
        ["lang/binaries/commons-lang3-3.14.0-bin.tar.gz", "lang/source/commons-lang3-3.14.0-src.tar.gz"]
    );
    let list = f.read("dist/fullfiletimelist-dist");
    assert!(
        list.contains("\tlang/binaries\n") && list.contains("\tlang/source/commons-lang3-3.13.0-src.tar.gz\n"),
        "{list}"
    );
    assert!(
        f.read("site/lang/3.14.0/index.html")
            .contains("https://dist.example.org/dist/lang/binaries/commons-lang3-3.14.0-bin.tar.gz")
    );
}

/// Release notes named after their release and the indexes publishers keep beside
/// releases are notes (GNOME's `.news`, `.changes` and `cache.json`, Samba's
/// `WHATSNEW.txt`, Erlang's `OTP-27.2.README` and `otp_versions.table`, CRAN's
/// `PACKAGES`, Gitea's `version.json`); `policy.notes` adds to closer's set (it replaced it: adding `cache.json`
/// made every README an artifact) and `!` takes one out.
#[test]
fn notes_named_after_releases_and_indexes_are_notes_and_policy_notes_adds() {
    let f = Fixture::new();
    for rel in [
        "dist/alpha/1.10/alpha-1.10.news",
        "dist/alpha/1.10/alpha-1.10.changes",
        "dist/alpha/1.10/alpha-1.10.WHATSNEW.txt",
        // Squid's, and OCaml's install notes.
        "dist/alpha/1.10/alpha-1.10-RELEASENOTES.html",
        "dist/alpha/1.10/alpha-1.10-ChangeLog.txt",
        "dist/alpha/INSTALL.adoc",
        "dist/alpha/1.10/OTP-1.10.README",
        "dist/alpha/cache.json",
        "dist/alpha/otp_versions.table",
        // Gitea's, beside its version folders, for its update checker.
        "dist/alpha/version.json",
        "dist/alpha/PACKAGES.gz",
        "dist/alpha/samba-pubkey.asc",
        "dist/alpha/LATEST.TXT",
        "dist/alpha/1.10/README",
        // Copies of the newest under names that say so (Wireshark's), rolling snapshots
        // (FFmpeg's), a source tree's texts.
        "dist/alpha/osx/Alpha Latest Arm 64.dmg",
        "dist/alpha/win64/Alpha-latest-x64.exe",
        "dist/alpha/alpha-current-linux-amd64.zip",
        "dist/alpha/alpha-snapshot.tar.bz2",
        "dist/alpha/COPYING",
        "dist/alpha/AUTHORS",
        "dist/alpha/INSTALL",
    ] {
        f.write(rel, "notes\n");
    }
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    f.write("dist/alpha/1.10/alpha.spec", "a spec\n");
    assert!(f.closer(&["check"]).stderr.contains("alpha.spec has no signature"));
    let registry = f.read("mirrors.yaml");
    f.write("mirrors.yaml", &registry.replace("policy:\n", "policy:\n  notes: [\"*.spec\"]\n"));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "the README stays a note: {}", run.stderr);
    f.write("mirrors.yaml", &registry.replace("policy:\n", "policy:\n  notes: [\"*.spec\", \"!READ*\"]\n"));
    let run = f.closer(&["check"]);
    assert!(run.stderr.contains("\"!READ*\" takes out `READ*`, which is not one of closer's notes"), "{}", run.stderr);
    assert!(run.stderr.contains("take out one of: README*,"), "{}", run.stderr);
}
