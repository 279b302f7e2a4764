//! cosign's signatures made with a key pair (`cosign sign-blob --key cosign.key`), made
//! here by OpenSSL, which writes the same bytes: GoReleaser's `checksums.txt.sig` over
//! its checksum list (its documented default), and every file's own `F.sig` (`signs:
//! artifacts: all`), each checked against the `cosign.pub` text the project's page
//! names, with every way either goes wrong named.

use super::minisign::{problems, shell};
use crate::util::Fixture;

/// A cosign key pair, `NAME.key` and `NAME.pub`, made by OpenSSL as `cosign
/// generate-key-pair` makes one (ECDSA P-256): (secret key path, public key text).
fn cosign_key(f: &Fixture, name: &str) -> (String, String) {
    let k = f.path(name).display().to_string();
    shell(
        f,
        ".",
        &format!(
            "openssl ecparam -genkey -name prime256v1 -noout -out {k}.key && openssl ec -in {k}.key -pubout -out {k}.pub 2>/dev/null"
        ),
    );
    (format!("{k}.key"), f.read(&format!("{name}.pub")))
}

const GORELEASER: &str = "dist/tool/v1.2.0";

/// Lists the release's tarballs in `checksums.txt` and signs it as `cosign sign-blob
/// --key` does: base64 of the ECDSA signature over the file, in `checksums.txt.sig`.
fn cosign_sign(f: &Fixture, secret: &str) {
    shell(
        f,
        GORELEASER,
        &format!(
            "sha256sum *.tar.gz > checksums.txt && openssl dgst -sha256 -sign {secret} checksums.txt | base64 -w0 > checksums.txt.sig"
        ),
    );
}

/// A GoReleaser-shaped release signed with a cosign key; the page names the key when
/// `named`. Returns the key pair.
fn goreleaser_keyed(f: &Fixture, named: bool) -> (String, String) {
    for name in ["tool_1.2.0_linux_amd64.tar.gz", "tool_1.2.0_darwin_arm64.tar.gz"] {
        f.write(&format!("{GORELEASER}/{name}"), &format!("{name}\n"));
    }
    let (secret, public) = cosign_key(f, "cosign");
    cosign_sign(f, &secret);
    let indented: String = public.lines().map(|l| format!("    {l}\n")).collect();
    let cosign = if named { format!("cosign:\n  - |\n{indented}") } else { String::new() };
    f.write("content/tool.md", &format!("---\ntitle: Tool\n{cosign}---\n"));
    (secret, public)
}

/// GoReleaser's keyed cosign (`cosign sign-blob --key cosign.key`, its documented
/// default for `signs: artifacts: checksum`): `checksums.txt.sig` is base64 of an ECDSA
/// signature, with no certificate beside it, checked against the `cosign.pub` text the
/// project's page names. Made here with OpenSSL, which writes the same bytes.
#[test]
fn a_checksum_list_signed_with_a_cosign_key_signs_the_files_it_lists() {
    let f = Fixture::new();
    let dir = GORELEASER;
    let (_, public) = goreleaser_keyed(&f, true);
    // Published beside the release, as GoReleaser projects do: a key, carried, not signed.
    f.write(&format!("{dir}/cosign.pub"), &public);
    f.closer(&["build"]).ok();
    let files = crate::util::release_files(&f, "tool");
    let through: Vec<_> = files.iter().filter(|f| f["signature"]["kind"] == "signed-list").collect();
    assert!(through.len() == 2 && through.iter().all(|f| f["signature"]["outcome"] == "good"), "{files:?}");
    let page = f.read("site/tool/v1.2.0/index.html");
    assert!(page.contains("cosign.pub"), "{page}");
    let id = shell(&f, ".", "openssl pkey -pubin -in cosign.pub -outform DER | sha256sum");
    assert!(page.contains(&format!("Signed with cosign, key <code class=\"fpr\">{}</code>", &id[..16])), "{page}");
    let verify = "cosign verify-blob --key tool-cosign.pub --signature checksums.txt.sig checksums.txt";
    assert!(page.contains(verify) && !page.contains("gpg --verify") && !page.contains("gpg may warn"), "{page}");
    // The key the page writes out is the project's: OpenSSL verifies with it as cosign would.
    let text = page.replace("&#x27;", "'").replace("&#39;", "'").replace("&gt;", ">").replace("&lt;", "<");
    let text = text.replace("&quot;", "\"").replace("&amp;", "&");
    let start = text.find("printf '%s").expect("the page writes the key");
    let end = start + text[start..].find("> tool-cosign.pub").unwrap() + "> tool-cosign.pub".len();
    shell(
        &f,
        dir,
        &format!(
            "{} && base64 -d checksums.txt.sig > s.der && openssl dgst -sha256 -verify tool-cosign.pub -signature s.der checksums.txt && rm s.der tool-cosign.pub",
            &text[start..end]
        ),
    );
    // The announcement mail indents its lines: pasted as shown, the key written is a key
    // (the indent went into a key quoted over several lines, and PEM readers refused it).
    let mail = f.closer(&["announce", "tool", "v1.2.0", "--force"]).ok().stdout.clone();
    let line = mail.lines().find(|l| l.trim_start().starts_with("printf '%s")).unwrap_or_else(|| panic!("{mail}"));
    let line = line.trim_end().trim_end_matches("&&");
    shell(&f, dir, &format!("{line} && openssl pkey -pubin -in tool-cosign.pub -noout && rm tool-cosign.pub"));
}

/// Every way a list signed with a cosign key goes wrong, each named with its fix.
#[test]
fn every_way_a_cosign_keyed_list_goes_wrong_is_named() {
    let f = Fixture::new();
    let dir = GORELEASER;
    let (secret, public) = goreleaser_keyed(&f, false);
    // The page names no cosign key yet: said, with where to name it.
    let err = problems(&f.closer(&["check"]));
    assert!(
        err.contains("the signed list checksums.txt.sig is signed, which the project's page does not name"),
        "{err}"
    );
    assert!(err.contains("under `cosign:` in content/tool.md"), "{err}");
    // Named on one line, as a string: read too.
    f.write("content/tool.md", &format!("---\ntitle: Tool\ncosign: [{:?}]\n---\n", public.trim()));
    f.closer(&["check"]).ok();
    // A file changed after the list was signed.
    f.write(&format!("{dir}/tool_1.2.0_darwin_arm64.tar.gz"), "another\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("tool_1.2.0_darwin_arm64.tar.gz does not match the signed list checksums.txt.sig"), "{err}");
    // The list signed again by a key the page does not name.
    let (other, _) = cosign_key(&f, "other");
    cosign_sign(&f, &other);
    let err = problems(&f.closer(&["check"]));
    assert!(
        err.contains("the signed list checksums.txt.sig is bad") && err.contains("none of the project's cosign keys"),
        "{err}"
    );
    // A file the list does not name: said in cosign's terms, not minisign's.
    cosign_sign(&f, &secret);
    f.write(&format!("{dir}/tool_1.2.0_windows_amd64.zip"), "zip\n");
    let err = problems(&f.closer(&["check"]));
    assert!(
        err.contains("tool_1.2.0_windows_amd64.zip has no signature by the project's cosign key: no tool_1.2.0_windows_amd64.zip.sig"),
        "{err}"
    );
    // A key that is not one: named on its page.
    f.write(
        "content/tool.md",
        "---\ntitle: Tool\ncosign: [\"RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3\"]\n---\n",
    );
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("content/tool.md: a key under `cosign:` is not a PEM public key"), "{err}");
}

/// Signs each of `names` in the GoReleaser release as `cosign sign-blob --key` does, in
/// its own `NAME.sig`, with `digest` (`sha256`, cosign's; `sha384` for a P-384 key).
fn sign_each(f: &Fixture, secret: &str, digest: &str, names: &[&str]) {
    for n in names {
        shell(f, GORELEASER, &format!("openssl dgst -{digest} -sign {secret} {n} | base64 -w0 > {n}.sig"));
    }
}

/// Every file signed on its own with a cosign key, as GoReleaser's `signs: artifacts:
/// all` with `--key=cosign.key` does (its documented form, verified with `cosign
/// verify-blob --key cosign.pub --signature file.tar.gz.sig file.tar.gz`): each `.sig`
/// is read as cosign's, not as a broken OpenPGP signature, checked against the page's
/// key, shown and given verify lines; then each way it goes wrong, named.
#[test]
fn files_each_signed_with_a_cosign_key_are_checked_and_published() {
    let f = Fixture::new();
    let names = ["tool_1.2.0_darwin_arm64.tar.gz", "tool_1.2.0_linux_amd64.tar.gz"];
    for n in names {
        f.write(&format!("{GORELEASER}/{n}"), &format!("{n}\n"));
    }
    let (secret, public) = cosign_key(&f, "cosign");
    sign_each(&f, &secret, "sha256", &names);
    // The page names no key yet: the fix says what the `.sig` is and where its key goes.
    f.write("content/tool.md", "---\ntitle: Tool\n---\n");
    let err = f.closer(&["check"]).stderr;
    assert!(err.contains("tool_1.2.0_darwin_arm64.tar.gz has no signature"), "{err}");
    assert!(err.contains("it is signed with a cosign key (tool_1.2.0_darwin_arm64.tar.gz.sig"), "{err}");
    assert!(!err.contains("not a usable"), "{err}");
    let indented: String = public.lines().map(|l| format!("    {l}\n")).collect();
    f.write("content/tool.md", &format!("---\ntitle: Tool\ncosign:\n  - |\n{indented}---\n"));
    f.closer(&["build"]).ok();
    let files = crate::util::release_files(&f, "tool");
    let own: Vec<_> = files.iter().filter(|f| f["minisign"]["scheme"] == "cosign").collect();
    assert!(own.len() == 2 && own.iter().all(|f| f["minisign"]["outcome"] == "good"), "{files:?}");
    assert!(own.iter().all(|f| f["signature"]["outcome"] == "missing"), "no OpenPGP signature is claimed: {files:?}");
    let page = f.read("site/tool/v1.2.0/index.html");
    let id = shell(&f, ".", "openssl pkey -pubin -in cosign.pub -outform DER | sha256sum");
    assert!(page.contains(&format!("Signed with cosign, key <code class=\"fpr\">{}</code>", &id[..16])), "{page}");
    // (The page's lines are for the file it offers: of builds alone, Linux x86-64's.)
    let verify = "cosign verify-blob --key tool-cosign.pub --signature tool_1.2.0_linux_amd64.tar.gz.sig tool_1.2.0_linux_amd64.tar.gz";
    assert!(page.contains(verify) && !page.contains("gpg --verify"), "{page}");
    // The lines run as the page gives them, with OpenSSL standing in for cosign.
    let text = page.replace("&#x27;", "'").replace("&#39;", "'").replace("&gt;", ">").replace("&lt;", "<");
    let text = text.replace("&quot;", "\"").replace("&amp;", "&");
    let start = text.find("printf '%s").expect("the page writes the key");
    let end = start + text[start..].find("> tool-cosign.pub").unwrap() + "> tool-cosign.pub".len();
    let n = names[1];
    shell(
        &f,
        GORELEASER,
        &format!(
            "{} && base64 -d {n}.sig > s.der && openssl dgst -sha256 -verify tool-cosign.pub -signature s.der {n} && rm s.der tool-cosign.pub",
            &text[start..end]
        ),
    );
    // The signatures stay with their files on the archive (mirrors carry the files;
    // signatures are fetched from the primary, as every signature is).
    let listed = f.read("dist/zzz/lists/fullfiletimelist-archive");
    assert!(names.iter().all(|n| listed.contains(&format!("tool/v1.2.0/{n}.sig"))), "{listed}");
    cosign_failures(&f, &secret, &names);
}

/// The ways files each signed with a cosign key go wrong, on the release
/// [`files_each_signed_with_a_cosign_key_are_checked_and_published`] made good.
fn cosign_failures(f: &Fixture, secret: &str, names: &[&str]) {
    let [darwin, linux] = names else { unreachable!() };
    // A file changed after it was signed.
    f.write(&format!("{GORELEASER}/{linux}"), "another\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains(&format!("{linux}.sig does not match {linux}")), "{err}");
    assert!(err.contains("upload both again"), "{err}");
    // Signed again by a key the page does not name: it verifies with none of them.
    let (other, _) = cosign_key(f, "other");
    sign_each(f, &other, "sha256", &[linux]);
    let err = problems(&f.closer(&["check"]));
    assert!(
        err.contains(&format!(
            "{linux}.sig does not match {linux} (it verifies with none of the project's cosign keys"
        )),
        "{err}"
    );
    // The published bytes back, signed with a P-384 key over SHA-384: good once the
    // page names that key too.
    f.write(&format!("{GORELEASER}/{linux}"), &format!("{linux}\n"));
    shell(
        f,
        ".",
        "openssl ecparam -genkey -name secp384r1 -noout -out p384.key && openssl ec -in p384.key -pubout -out p384.pub 2>/dev/null",
    );
    sign_each(f, &f.path("p384.key").display().to_string(), "sha384", &[linux]);
    let keys: String = ["cosign.pub", "p384.pub"]
        .iter()
        .map(|k| format!("  - |\n{}", f.read(k).lines().map(|l| format!("    {l}\n")).collect::<String>()))
        .collect();
    f.write("content/tool.md", &format!("---\ntitle: Tool\ncosign:\n{keys}---\n"));
    f.closer(&["check"]).ok();
    // A new file with no signature of its own, and no list: named, with both ways to sign.
    sign_each(f, secret, "sha256", &[darwin]);
    f.write(&format!("{GORELEASER}/tool_1.2.0_windows_amd64.zip"), "zip\n");
    let err = f.closer(&["check"]).stderr;
    assert!(err.contains("tool_1.2.0_windows_amd64.zip has no signature by the project's cosign key"), "{err}");
    assert!(err.contains("--output-signature tool_1.2.0_windows_amd64.zip.sig"), "{err}");
}

/// cosign 3's form of a key's signature: `cosign sign-blob --key cosign.key --bundle
/// F.sigstore.json F`, a Sigstore bundle with a public key hint and no certificate (the
/// real one of sigstore-rust's test data). Checked against the page's `cosign:` key, with
/// or without a trusted root, and given as `cosign verify-blob --key --bundle` (it was
/// "no signing certificate", and "sign again" with Sigstore's keyless signing).
#[test]
fn a_bundle_signed_with_a_cosign_key_is_checked_against_the_key() {
    let f = Fixture::new();
    let fixture = |n: &str| std::fs::read(crate::util::repo().join("tests/fixtures/sigstore").join(n)).unwrap();
    let dir = "dist/tool/1.0.0";
    f.write_bytes(&format!("{dir}/tool-1.0.0.tar.gz"), &fixture("managed-key-artifact.txt"));
    f.write_bytes(
        &format!("{dir}/tool-1.0.0.tar.gz.sigstore.json"),
        &fixture("managed-key-artifact.txt.sigstore.json"),
    );
    let key = String::from_utf8(fixture("managed-key.pub")).unwrap();
    let indented: String = key.lines().map(|l| format!("      {l}\n")).collect();
    f.write("content/tool.md", &format!("---\ntitle: Tool\ncosign:\n  - |\n{indented}---\n"));
    f.closer(&["build"]).ok();
    let files = crate::util::release_files(&f, "tool");
    let a = files.iter().find(|x| x["path"] == "tool/1.0.0/tool-1.0.0.tar.gz").unwrap();
    assert_eq!((&a["minisign"]["scheme"], &a["minisign"]["outcome"]), (&"cosign".into(), &"good".into()), "{a:#}");
    let page = f.read("site/tool/1.0.0/index.html");
    assert!(
        page.contains(
            "cosign verify-blob --key tool-cosign.pub --bundle tool-1.0.0.tar.gz.sigstore.json tool-1.0.0.tar.gz"
        ),
        "{page}"
    );
    f.write(&format!("{dir}/tool-1.0.0.tar.gz"), "another tool\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("tool-1.0.0.tar.gz.sigstore.json does not match tool-1.0.0.tar.gz"), "{err}");
    // The same bundle over a checksum list (GoReleaser's `checksums.txt.sigstore.json`
    // signed with the key): the list's signature is the key's. (The signed text lists
    // no file: what is checked is the list's own signature.)
    std::fs::remove_dir_all(f.path(dir)).unwrap();
    let list = "dist/tool/1.1.0";
    f.write_bytes(&format!("{list}/checksums.txt"), &fixture("managed-key-artifact.txt"));
    f.write_bytes(&format!("{list}/checksums.txt.sigstore.json"), &fixture("managed-key-artifact.txt.sigstore.json"));
    f.write(&format!("{list}/tool-1.1.0.tar.gz"), "tool 1.1.0\n");
    let err = problems(&f.closer(&["check"]));
    assert!(!err.contains("checksums.txt.sigstore.json"), "the list's signature checks out: {err}");
    f.write(&format!("{list}/checksums.txt"), "0000  tool-1.1.0.tar.gz\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("the signed list checksums.txt.sigstore.json is bad"), "{err}");
}

/// OPNsense's images, each signed with an RSA key by OpenSSL (`openssl dgst -sha256
/// -sign key.pem F | openssl base64 > F.sig`, base64 over several lines) and its `.pub`
/// beside them: the `.sig` was "not an OpenPGP signature" and the fix said to sign again
/// with gpg. It is read as a key's signature, checked against the page's key; a changed
/// image is named.
#[test]
fn an_openssl_rsa_signature_is_checked_against_the_pages_key() {
    let f = Fixture::new();
    let dir = "dist/opnsense/releases/24.7";
    let image = "OPNsense-24.7-dvd-amd64.iso.bz2";
    f.write(&format!("{dir}/{image}"), "image\n");
    let k = f.path("opn").display().to_string();
    shell(
        &f,
        ".",
        &format!(
            "openssl genrsa -out {k}.key 2048 2>/dev/null && openssl rsa -in {k}.key -pubout -out {k}.pub 2>/dev/null"
        ),
    );
    shell(&f, dir, &format!("openssl dgst -sha256 -sign {k}.key {image} | openssl base64 > {image}.sig"));
    assert!(f.read(&format!("{dir}/{image}.sig")).trim().contains('\n'), "openssl base64 wraps its lines");
    let indented: String = f.read("opn.pub").lines().map(|l| format!("    {l}\n")).collect();
    f.write("content/opnsense.md", &format!("---\ntitle: OPNsense\ncosign:\n  - |\n{indented}---\n"));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = f.closer(&["releases"]).ok().stdout.clone();
    assert!(text.contains(&format!("{image}.sig: good")), "{text}");
    f.write(&format!("{dir}/{image}"), "image, changed\n");
    let listed = problems(&f.closer(&["check"]));
    assert!(listed.contains(&format!("{image}.sig does not match {image}")), "{listed}");
    // An ECDSA P-256 key's signature made so (DER, wrapped over two lines): it was
    // "not an OpenPGP signature", with `gpg --armor --detach-sign` as the fix.
    f.write(&format!("{dir}/{image}"), "image\n");
    shell(
        &f,
        ".",
        &format!(
            "openssl ecparam -name prime256v1 -genkey -noout -out {k}.ec 2>/dev/null && openssl ec -in {k}.ec -pubout -out {k}.ecpub 2>/dev/null"
        ),
    );
    shell(&f, dir, &format!("openssl dgst -sha256 -sign {k}.ec {image} | openssl base64 > {image}.sig"));
    assert!(f.read(&format!("{dir}/{image}.sig")).trim().contains('\n'), "two lines");
    let indented: String = f.read("opn.ecpub").lines().map(|l| format!("    {l}\n")).collect();
    f.write("content/opnsense.md", &format!("---\ntitle: OPNsense\ncosign:\n  - |\n{indented}---\n"));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Caddy's GoReleaser config sets `checksum: algorithm: sha512`: its `caddy_<v>_checksums.txt`
/// names no algorithm and holds SHA-512 digests. It was read as SHA-256 and every file
/// "did not match the signed list"; its length says SHA-512, and the page checks it so.
#[test]
fn a_goreleaser_list_of_sha512_digests_is_read_by_their_length() {
    let f = Fixture::new();
    let (secret, public) = cosign_key(&f, "cosign");
    for name in ["caddy_2.9.1_linux_amd64.tar.gz", "caddy_2.9.1_linux_arm64.tar.gz"] {
        f.write(&format!("{GORELEASER}/{name}"), &format!("{name}\n"));
    }
    let list = "caddy_2.9.1_checksums.txt";
    shell(
        &f,
        GORELEASER,
        &format!("sha512sum *.tar.gz > {list} && openssl dgst -sha256 -sign {secret} {list} | base64 -w0 > {list}.sig"),
    );
    let indented: String = public.lines().map(|l| format!("    {l}\n")).collect();
    f.write("content/tool.md", &format!("---\ntitle: Caddy\ncosign:\n  - |\n{indented}---\n"));
    f.closer(&["build"]).ok();
    let files = crate::util::release_files(&f, "tool");
    let through: Vec<_> = files.iter().filter(|f| f["signature"]["kind"] == "signed-list").collect();
    assert!(through.len() == 2 && through.iter().all(|f| f["signature"]["outcome"] == "good"), "{files:?}");
    let page = f.read("site/tool/v1.2.0/index.html");
    assert!(page.contains(&format!("sha512sum -c --ignore-missing {list}")), "{page}");
    // A file changed after: named as a SHA-512 mismatch.
    f.write(&format!("{GORELEASER}/caddy_2.9.1_linux_arm64.tar.gz"), "changed\n");
    let err = f.closer(&["check"]).stderr.clone();
    assert!(err.contains("caddy_2.9.1_linux_arm64.tar.gz does not match the signed list"), "{err}");
    assert!(!err.contains("as long as a SHA512 digest"), "{err}");
}

/// OpenSSL's signature as it writes it, not base64'd (`openssl dgst -sha256 -sign key.pem
/// -out F.sig F`, its commonest form), RSA and ECDSA: it was "not an OpenPGP signature"
/// (fix: sign with gpg), or "no F.sig" under `signatures: cosign`. It is checked against
/// the page's key, and the page's lines check it with `openssl dgst -verify`, run here.
#[test]
fn a_raw_openssl_signature_is_checked_and_its_page_lines_verify() {
    let f = Fixture::new();
    let dir = "dist/tool/1.0";
    let k = f.path("raw").display().to_string();
    let keys = [
        format!(
            "openssl genrsa -out {k}.key 3072 2>/dev/null && openssl rsa -in {k}.key -pubout -out {k}.pub 2>/dev/null"
        ),
        format!(
            "openssl ecparam -name prime256v1 -genkey -noout -out {k}.key 2>/dev/null && openssl ec -in {k}.key -pubout -out {k}.pub 2>/dev/null"
        ),
    ];
    for (i, make) in keys.iter().enumerate() {
        let image = format!("tool-1.0-{i}.img");
        f.write(&format!("{dir}/{image}"), &format!("image {i}\n"));
        shell(&f, ".", make);
        shell(&f, dir, &format!("openssl dgst -sha256 -sign {k}.key -out {image}.sig {image}"));
        let indented: String = f.read("raw.pub").lines().map(|l| format!("    {l}\n")).collect();
        f.write("content/tool.md", &format!("---\ntitle: Tool\ncosign:\n  - |\n{indented}signatures: cosign\n---\n"));
        std::fs::remove_file(f.path(&format!("{dir}/tool-1.0-{}.img", 1 - i))).ok();
        std::fs::remove_file(f.path(&format!("{dir}/tool-1.0-{}.img.sig", 1 - i))).ok();
        f.closer(&["build"]).ok();
        let text = f.closer(&["releases"]).ok().stdout.clone();
        assert!(text.contains(&format!("{image}.sig: good")), "{text}");
        let page = f.read("site/tool/1.0/index.html");
        let text = page.replace("&#x27;", "'").replace("&#39;", "'").replace("&gt;", ">").replace("&lt;", "<");
        let text = text.replace("&amp;", "&");
        let start = text.find("printf '%s\\n'").expect("the page writes the key");
        let end = start + text[start..].find("</code>").unwrap();
        assert!(text[start..end].contains("openssl dgst -sha256 -verify"), "{}", &text[start..end]);
        shell(&f, dir, &format!("{} && rm tool-cosign.pub", &text[start..end]));
        f.write(&format!("{dir}/{image}"), "changed\n");
        let listed = problems(&f.closer(&["check"]));
        assert!(listed.contains(&format!("{image}.sig does not match {image}")), "{listed}");
        f.write(&format!("{dir}/{image}"), &format!("image {i}\n"));
    }
}
