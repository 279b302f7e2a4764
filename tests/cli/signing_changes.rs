//! A project that changes how it signs at a release line: OpenPGP for 1.x, minisign from
//! 2.x on, said by `signatures:` by line. A 2.x file signed the old way alone was
//! accepted as signed (a key's `lines:` limit what it may sign, not what a line needs).

use crate::util::Fixture;
use std::process::Command;

#[test]
fn a_line_may_require_another_kind_of_signature() {
    let f = Fixture::new();
    f.write("dist/alpha/2.0.1/alpha-2.0.1.tar.gz", "2.0.1, signed with the old OpenPGP key alone\n");
    f.sign();
    f.write("dist/alpha/2.0/alpha-2.0.tar.gz", "2.0, signed with minisign\n");
    let (secret, public) = crate::util::minisign_keypair(f.dir.path(), "new");
    let out = Command::new("minisign")
        .args(["-S", "-s"])
        .arg(&secret)
        .arg("-m")
        .arg(f.path("dist/alpha/2.0/alpha-2.0.tar.gz"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = |rule: &str| {
        format!(
            "---\ntitle: Alpha\nkeep: 9\nminisign:\n  - key: {public}\n    lines: [\"2\"]\nsignatures: {rule}\n---\n"
        )
    };
    // As one rule for the project (`either`, the default with a key named): accepted.
    f.write("content/alpha.md", &page("either"));
    f.closer(&["check"]).ok();
    // By line: 2.x needs minisign; 1.x keeps OpenPGP.
    f.write("content/alpha.md", &page("{1: openpgp, 2: minisign}"));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("alpha-2.0.1.tar.gz has no minisign signature"), "{}", run.stderr);
    assert!(run.stderr.starts_with("1 problem found"), "{}", run.stderr);
    // A dotted line unquoted is a fraction to YAML: said, with the fix.
    f.write("content/alpha.md", &page("{2.10: minisign}"));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/alpha.md:7:14: bad front matter: signatures: quote the line 2.1"));
}
