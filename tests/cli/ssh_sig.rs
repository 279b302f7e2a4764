//! SSH signatures made by the real `ssh-keygen -Y sign -n file` (OpenSSH 8.1 on): a
//! project that signs its `SHA256SUMS` with the Ed25519 key it signs commits with, and
//! one that signs every file with ECDSA and RSA keys, each held against the
//! `allowed_signers` (or `.pub`) line its page names, published with the `ssh-keygen -Y
//! verify` lines a downloader runs (run here as given), then every way it goes wrong: no
//! key named, the file changed, another key, a signature made for another namespace; and
//! a release whose files two keys signed, each with lines of its own.

use super::minisign::{problems, shell};
use crate::util::Fixture;

/// A key pair `NAME` (and `NAME.pub`) of `kind` (`ed25519`, `ecdsa`, `rsa`) made by
/// ssh-keygen; its public line.
fn keygen(f: &Fixture, name: &str, kind: &str) -> String {
    shell(f, ".", &format!("ssh-keygen -q -t {kind} -N '' -C {name} -f {name}"));
    f.read(&format!("{name}.pub")).trim().to_string()
}

/// `ssh-keygen -Y sign` of `file` in `dir` with key `key`, for namespace `ns`: writes `file.sig`.
fn sign(f: &Fixture, dir: &str, key: &str, file: &str, ns: &str) {
    let key = f.path(key).display().to_string();
    shell(f, dir, &format!("rm -f {file}.sig && ssh-keygen -q -Y sign -f {key} -n {ns} {file}"));
}

/// The lines of the page's `<pre>` block that write the signer file and verify, as a
/// shell runs them (the `curl` before them fetches what is already here).
fn verify_lines(page: &str) -> String {
    let text = page.replace("&#x27;", "'").replace("&#39;", "'").replace("&gt;", ">").replace("&lt;", "<");
    let text = text.replace("&quot;", "\"").replace("&amp;", "&");
    let start = text.find("printf '%s\\n'").expect("the page writes the allowed_signers file");
    let end = start + text[start..].find("</code>").unwrap();
    text[start..end].to_string()
}

const TOOL: &str = "dist/tool/1.0";
const EACH: &str = "dist/each/2.0";

/// Two projects signed with SSH keys: tool's checksum list, each's every file.
fn signed_with_ssh(f: &Fixture) -> [String; 3] {
    for (dir, names) in [(TOOL, ["tool-1.0.tar.gz", "tool-1.0.zip"]), (EACH, ["each-2.0.tar.gz", "each-2.0.zip"])] {
        for n in names {
            f.write(&format!("{dir}/{n}"), &format!("{n}\n"));
        }
    }
    let keys = [keygen(f, "ed", "ed25519"), keygen(f, "ec", "ecdsa"), keygen(f, "rs", "rsa")];
    shell(f, TOOL, "sha256sum tool-1.0.tar.gz tool-1.0.zip > SHA256SUMS");
    sign(f, TOOL, "ed", "SHA256SUMS", "file");
    sign(f, EACH, "ec", "each-2.0.tar.gz", "file");
    sign(f, EACH, "rs", "each-2.0.zip", "file");
    keys
}

#[test]
fn lists_and_files_signed_with_ssh_keys_are_checked_and_published() {
    let f = Fixture::new();
    let [ed, ec, rs] = signed_with_ssh(&f);
    // No key named yet: each says what signed it and where its key goes.
    let err = f.closer(&["check"]).stderr;
    assert!(
        err.contains("it is signed with an SSH key (each-2.0.zip.sig): name the project's SSH public key"),
        "{err}"
    );
    assert!(err.contains("the signed list SHA256SUMS.sig is signed by key"), "{err}");
    assert!(!err.contains("not a usable"), "{err}");
    // tool names its key as an allowed_signers line, each its keys as .pub lines.
    f.write(
        "content/tool.md",
        &format!("---\ntitle: Tool\nssh: ['releases@tool.example,ops@tool.example namespaces=\"file\" {ed}']\n---\n"),
    );
    f.write("content/each.md", &format!("---\ntitle: Each\nssh: [\"{ec}\", \"{rs}\"]\n---\n"));
    f.closer(&["build"]).ok();
    let files = |p: &str| crate::util::release_files(&f, p);
    let listed: Vec<_> = files("tool").into_iter().filter(|f| f["signature"]["kind"] == "signed-list").collect();
    assert!(listed.len() == 2 && listed.iter().all(|f| f["signature"]["outcome"] == "good"), "{listed:?}");
    let own: Vec<_> = files("each").into_iter().filter(|f| f["minisign"]["scheme"] == "ssh").collect();
    assert!(own.len() == 2 && own.iter().all(|f| f["minisign"]["outcome"] == "good"), "{own:?}");
    // The pages' lines verify with the real ssh-keygen, as a downloader runs them.
    let page = f.read("site/tool/1.0/index.html");
    let want =
        "ssh-keygen -Y verify -f tool-allowed_signers -I releases@tool.example -n file -s SHA256SUMS.sig < SHA256SUMS";
    assert!(page.contains(&want.replace('<', "&lt;")), "{page}");
    shell(
        &f,
        TOOL,
        &format!("{} && sha256sum -c --ignore-missing SHA256SUMS && rm tool-allowed_signers", verify_lines(&page)),
    );
    let page = f.read("site/each/2.0/index.html");
    let fpr = shell(&f, ".", "ssh-keygen -lf ec.pub | cut -d' ' -f2");
    assert!(page.contains(&format!("Signed with SSH key <code class=\"fpr\">{}</code>", fpr.trim())), "{page}");
    assert!(page.contains("-I each -n file -s each-2.0.tar.gz.sig &lt; each-2.0.tar.gz"), "{page}");
    shell(&f, EACH, &format!("{} && rm each-allowed_signers", verify_lines(&page)));
    // The zip, signed by the second key (another release manager's): lines of its own,
    // with that key, that verify it (the first key's lines, with its name, fail).
    let also = &page[page.find("Not every file of this release is signed that way").expect("the zip's lines")..];
    assert!(also.contains("each-2.0.zip.sig &lt; each-2.0.zip") && also.contains(rs.split(' ').nth(1).unwrap()));
    shell(&f, EACH, &format!("{} && rm each-allowed_signers", verify_lines(also)));
    // A project publishing its allowed_signers beside its releases: a key, not an artifact.
    f.write(&format!("{EACH}/allowed_signers"), &format!("each {ec}\n"));
    f.closer(&["check"]).ok();
    std::fs::remove_file(f.path(&format!("{EACH}/allowed_signers"))).unwrap();
    what_goes_wrong(&f);
}

/// Each way an SSH signature goes wrong, on the projects the test above made good.
fn what_goes_wrong(f: &Fixture) {
    // A signature made for git, not for files: refused, with the namespace named.
    sign(f, EACH, "rs", "each-2.0.zip", "git");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("each-2.0.zip.sig is not a usable ssh signature (it was made for namespace `git`"), "{err}");
    assert!(err.contains("ssh-keygen -Y sign -f KEY -n file each-2.0.zip"), "{err}");
    // Signed by a key the page does not name.
    keygen(f, "stranger", "ed25519");
    sign(f, EACH, "stranger", "each-2.0.zip", "file");
    let fpr = shell(f, ".", "ssh-keygen -lf stranger.pub | cut -d' ' -f2");
    let err = problems(&f.closer(&["check"]));
    assert!(
        err.contains(&format!(
            "each-2.0.zip.sig is signed by ssh key {}, which is not one of each's ssh keys",
            fpr.trim()
        )),
        "{err}"
    );
    sign(f, EACH, "rs", "each-2.0.zip", "file");
    f.closer(&["check"]).ok();
    // The list changed after it was signed.
    shell(f, TOOL, "printf '%064d  extra\\n' 0 >> SHA256SUMS");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("the signed list SHA256SUMS.sig is bad"), "{err}");
    // Its key is named: the fix is to put the list back or sign it again, not to name it.
    assert!(err.contains("put back the list as it was signed, or sign it again: ssh-keygen -Y sign"), "{err}");
    assert!(!err.contains("give its allowed_signers line"), "{err}");
    // A key line that is not one is named on its page.
    f.write("content/each.md", "---\ntitle: Each\nssh: [\"ssh-ed25519 AAAA\"]\n---\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("content/each.md: `ssh-ed25519 AAAA` under `ssh:` is not an SSH public key"), "{err}");
    // Options ssh-keygen -Y verify enforces are enforced alike: the page's line would fail.
    for (opts, why) in [
        ("valid-before=\"20200101\"", "expired: its valid-before=\"20200101\" has passed"),
        ("namespaces=\"git\"", "may sign only in the namespaces `git`, not `file`"),
        ("cert-authority", "is a `cert-authority` line"),
    ] {
        f.write(
            "content/each.md",
            &format!("---\ntitle: Each\nssh: ['each {opts} {}']\n---\n", f.read("ec.pub").trim()),
        );
        let err = problems(&f.closer(&["check"]));
        assert!(err.contains("content/each.md: the SSH key SHA256:") && err.contains(why), "{opts}: {err}");
    }
}

/// goredo's shape: each tarball with an OpenPGP `.asc` and an SSH `.sig` side by side,
/// and the publisher's `.meta4` of it. The `.sig` is checked too (it was carried unread:
/// one that did not match was published), and the `.meta4` goes with its file.
#[test]
fn an_ssh_sig_beside_an_asc_is_checked_too() {
    let f = Fixture::new();
    let public = keygen(&f, "goredo", "ed25519");
    let dir = "dist/goredo/2.6.2";
    let tarball = "goredo-2.6.2.tar.zst";
    f.write(&format!("{dir}/{tarball}"), "goredo sources\n");
    sign(&f, dir, "goredo", tarball, "file");
    let keys = std::fs::read_to_string(crate::util::repo().join("dist/hello/KEYS")).unwrap();
    f.write("dist/goredo/KEYS", &keys);
    f.closer(&["sign", "--key", crate::util::repo().join(crate::util::DEMO_KEY).to_str().unwrap(), dir]).ok();
    f.write(&format!("{dir}/{tarball}.meta4"), "<metalink xmlns=\"urn:ietf:params:xml:ns:metalink\"/>\n");
    f.write("content/goredo.md", &format!("---\ntitle: goredo\nssh: [\"goredo@example.org {public}\"]\n---\n"));
    f.closer(&["check"]).ok();
    // Another file's SSH signature under the tarball's name.
    f.write(&format!("{dir}/other"), "another file\n");
    sign(&f, dir, "goredo", "other", "file");
    std::fs::rename(f.path(&format!("{dir}/other.sig")), f.path(&format!("{dir}/{tarball}.sig"))).unwrap();
    std::fs::remove_file(f.path(&format!("{dir}/other"))).unwrap();
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains(&format!("{tarball}.sig does not match {tarball}")), "{err}");
    assert!(!err.contains(".meta4"), "{err}");
}
