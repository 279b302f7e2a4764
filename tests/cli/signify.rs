//! signify, made by the real `signify-openbsd`: OpenBSD's `SHA256` lists and their
//! `SHA256.sig`, the list embedded in the signature, every way one goes wrong, and the
//! lines a downloader pastes.

use crate::minisign::{problems, shell};
use crate::util::Fixture;
use std::process::Command;

/// The page's two signify lines (the key written, then the check), as a downloader
/// pastes them (signify-openbsd is Debian's name for signify).
pub(crate) fn signify_lines(page: &str) -> String {
    let start = page.find("printf &#39;untrusted").expect("the signify lines");
    let lines: String = page[start..].lines().take(2).collect::<Vec<_>>().join("\n");
    lines.replace("&#39;", "'").replace("&gt;", ">").replace("&amp;", "&").replace("signify -V", "signify-openbsd -V")
}

/// A real `signify-openbsd` run, in `dir` of the fixture.
pub(crate) fn signify(f: &Fixture, dir: &str, args: &[&str]) {
    let out = Command::new("signify-openbsd")
        .args(args)
        .current_dir(f.path(dir))
        .output()
        .expect("signify-openbsd is installed by scripts/test");
    assert!(out.status.success(), "signify {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// OpenBSD's shape: per release and architecture a `SHA256` list (BSD lines) and
/// `SHA256.sig`, signify's signature with the list embedded after it; the files have no
/// signatures of their own.
#[test]
fn openbsd_shaped_release_signed_with_signify() {
    let f = Fixture::new();
    let dir = "dist/OpenBSD/7.6/amd64";
    for name in ["bsd", "bsd.rd", "base76.tgz", "install76.iso"] {
        f.write(&format!("{dir}/{name}"), &format!("{name} of 7.6\n"));
    }
    let sums = Command::new("sh")
        .arg("-c")
        .arg("sha256sum --tag bsd bsd.rd base76.tgz install76.iso")
        .current_dir(f.path(dir))
        .output()
        .unwrap();
    f.write_bytes(&format!("{dir}/SHA256"), &sums.stdout);
    signify(&f, ".", &["-G", "-n", "-p", "openbsd-76-base.pub", "-s", "openbsd-76-base.sec"]);
    let key = f.read("openbsd-76-base.pub").lines().nth(1).unwrap().to_string();
    let sec = f.path("openbsd-76-base.sec");
    signify(&f, dir, &["-S", "-e", "-s", sec.to_str().unwrap(), "-m", "SHA256", "-x", "SHA256.sig"]);
    f.write("content/OpenBSD.md", &format!("---\ntitle: OpenBSD\nsignify: [\"{key}\"]\n---\n"));
    f.closer(&["build"]).ok();
    let page = f.read("site/OpenBSD/7.6/index.html");
    assert!(page.contains("signify -V -e -p OpenBSD-signify.pub -x SHA256.sig -m SHA256"), "{page}");
    assert!(!page.contains("Signature: missing"), "{page}");
    // The page's lines, run as a downloader would (signify-openbsd is Debian's name).
    let lines = signify_lines(&page);
    shell(&f, dir, &format!("{} && sha256sum -c --ignore-missing SHA256", lines.trim_end_matches(" &&")));
    // A file added after the list was signed: one problem (no `.asc` asked for, as the
    // project signs with signify alone), with signify's way to sign the list again.
    f.write(&format!("{dir}/xbase76.tgz"), "xbase\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("1 problem found"), "{err}");
    assert!(err.contains("xbase76.tgz has no signature: the signed list SHA256.sig does not name it"), "{err}");
    assert!(err.contains("signify -S -e -s KEY.sec -m SHA256 -x SHA256.sig"), "{err}");
    std::fs::remove_file(f.path(&format!("{dir}/xbase76.tgz"))).unwrap();
    // The plain SHA256 edited after SHA256.sig was made: it is not what the signature
    // vouches for, and a downloader checking it would trust other digests. Said, and the
    // fix puts the signed list back.
    shell(&f, dir, "echo 'SHA256 (xbase76.tgz) = 00' >> SHA256");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("SHA256 is not the list SHA256.sig signs (embedded in it)"), "{err}");
    assert!(err.contains("tail -n +3 SHA256.sig > SHA256"), "{err}");
    shell(&f, dir, "tail -n +3 SHA256.sig > SHA256");
    f.closer(&["check"]).ok();
    // The embedded list is what is signed: a file changed since is named.
    f.write(&format!("{dir}/bsd.rd"), "another kernel\n");
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("amd64/bsd.rd does not match the signed list SHA256.sig"), "{err}");
    // The signature altered.
    f.write(&format!("{dir}/bsd.rd"), "bsd.rd of 7.6\n");
    let sig = f.read(&format!("{dir}/SHA256.sig")).replacen("SHA256 (bsd)", "SHA256 (bsd.mp)", 1);
    f.write(&format!("{dir}/SHA256.sig"), &sig);
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("the signed list SHA256.sig is bad"), "{err}");
    // Signed with next release's key: the list's key is the problem; its files are not
    // said to be missing from it (they were, with "add it to the list").
    signify(&f, ".", &["-G", "-n", "-p", "openbsd-77-base.pub", "-s", "openbsd-77-base.sec"]);
    let sec = f.path("openbsd-77-base.sec");
    shell(&f, dir, "tail -n +3 SHA256.sig > SHA256 && rm SHA256.sig");
    signify(&f, dir, &["-S", "-e", "-s", sec.to_str().unwrap(), "-m", "SHA256", "-x", "SHA256.sig"]);
    let err = problems(&f.closer(&["check"]));
    assert!(err.contains("the signed list SHA256.sig is signed by key"), "{err}");
    assert!(!err.contains("does not name it"), "{err}");
    assert!(err.contains("bsd.rd is unsigned while the signed list SHA256.sig is not good"), "{err}");
}

/// `SHA256.sig` uploaded alone (the list is in it): the page gave `gpg --verify
/// SHA256.sig` against a KEYS the project does not have. Its lines are signify's,
/// `signify -C` checking the file against the list the signature holds, and pass.
#[test]
fn a_signify_signature_holding_its_list_alone_gets_signifys_check() {
    let f = Fixture::new();
    let dir = "dist/OpenBSD/7.6/amd64";
    f.write(&format!("{dir}/install76.iso"), "install76.iso of 7.6\n");
    shell(&f, dir, "sha256sum --tag install76.iso > SHA256");
    signify(&f, ".", &["-G", "-n", "-p", "openbsd-76-base.pub", "-s", "openbsd-76-base.sec"]);
    let key = f.read("openbsd-76-base.pub").lines().nth(1).unwrap().to_string();
    let sec = f.path("openbsd-76-base.sec");
    signify(&f, dir, &["-S", "-e", "-s", sec.to_str().unwrap(), "-m", "SHA256", "-x", "SHA256.sig"]);
    std::fs::remove_file(f.path(&format!("{dir}/SHA256"))).unwrap();
    f.write("content/OpenBSD.md", &format!("---\ntitle: OpenBSD\nsignify: [\"{key}\"]\n---\n"));
    f.closer(&["build"]).ok();
    let page = f.read("site/OpenBSD/7.6/index.html");
    assert!(
        page.contains("signify -C -p OpenBSD-signify.pub -x SHA256.sig install76.iso")
            && !page.contains("gpg --verify"),
        "{page}"
    );
    let lines = signify_lines(&page).replace("signify -C", "signify-openbsd -C").replace("</code></pre>", "");
    shell(&f, dir, lines.trim_end_matches(" &&"));
}
