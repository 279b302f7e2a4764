//! A real gpg (2.2+) in a throwaway GNUPGHOME, for tests that check closer against it.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

pub struct Gpg {
    pub home: tempfile::TempDir,
}

impl Gpg {
    pub fn new() -> Gpg {
        let home = tempfile::tempdir().unwrap();
        Gpg { home }
    }

    pub fn cmd(&self, args: &[&str]) -> Output {
        Command::new("gpg")
            .env("GNUPGHOME", self.home.path())
            .args(["--batch", "--no-tty", "--pinentry-mode", "loopback"])
            .args(args)
            .output()
            .expect("gpg is needed for the OpenPGP tests (scripts/test installs gnupg)")
    }

    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args);
        assert!(out.status.success(), "gpg {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Generates a signing key; returns its fingerprint. `at` fakes the creation time.
    pub fn generate(&self, uid: &str, algo: &str, passphrase: &str, at: Option<i64>) -> String {
        let faked = at.map(|t| format!("{t}!"));
        let mut args = vec!["--passphrase", passphrase];
        if let Some(f) = &faked {
            args.extend(["--faked-system-time", f.as_str()]);
        }
        args.extend(["--quick-generate-key", uid, algo, "sign", "0"]);
        self.ok(&args);
        self.fingerprint(uid)
    }

    pub fn fingerprint(&self, uid: &str) -> String {
        let out = self.ok(&["--with-colons", "--list-keys", uid]);
        out.lines().find_map(|l| l.strip_prefix("fpr:::::::::")).map(|f| f.trim_end_matches(':').to_string()).unwrap()
    }

    pub fn export_public(&self, fpr: &str) -> String {
        self.ok(&["--armor", "--export", fpr])
    }

    pub fn export_secret(&self, fpr: &str, passphrase: &str) -> String {
        self.ok(&["--passphrase", passphrase, "--armor", "--export-secret-keys", fpr])
    }

    /// A detached armored signature of `file` into `file.asc`.
    pub fn sign(&self, fpr: &str, file: &Path, at: Option<i64>, extra: &[&str]) {
        let faked = at.map(|t| format!("{t}!"));
        let asc = format!("{}.asc", file.display());
        let mut args =
            vec!["--passphrase", "", "--yes", "--local-user", fpr, "--armor", "--detach-sign", "--output", &asc];
        if let Some(f) = &faked {
            args.extend(["--faked-system-time", f.as_str()]);
        }
        args.extend(extra);
        let file = file.to_str().unwrap();
        args.push(file);
        self.ok(&args);
    }

    /// Imports armored data (keys, revocations).
    pub fn import(&self, armored: &str) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("import.asc");
        std::fs::write(&p, armored).unwrap();
        self.ok(&["--import", p.to_str().unwrap()]);
    }

    /// Revokes a key with the revocation certificate gpg made when it created the key.
    pub fn revoke(&self, fpr: &str) {
        let rev = std::fs::read_to_string(self.home.path().join(format!("openpgp-revocs.d/{fpr}.rev"))).unwrap();
        self.import(&rev.replace(":-----BEGIN PGP PUBLIC KEY BLOCK-----", "-----BEGIN PGP PUBLIC KEY BLOCK-----"));
    }

    /// Revokes a key with a reason (gpg's menu: 1 compromised, 2 superseded, 3 no longer
    /// used) and a text, made at `at`, and imports the revocation.
    pub fn revoke_with(&self, fpr: &str, menu: u8, text: &str, at: i64) {
        use std::io::Write;
        let out = self.home.path().join(format!("{fpr}.rev.asc"));
        // Run in the key's home: gpg's dialogue can write a file where it runs (a stray
        // `\x04` holding the certificate appeared in the checkout).
        let mut child = Command::new("gpg")
            .env("GNUPGHOME", self.home.path())
            .current_dir(self.home.path())
            .args(["--no-tty", "--yes", "--pinentry-mode", "loopback", "--passphrase", "", "--command-fd", "0"])
            .args(["--faked-system-time", &format!("{at}!"), "--armor", "--output"])
            .arg(&out)
            .args(["--gen-revoke", fpr])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(format!("y\n{menu}\n{text}\n\ny\n").as_bytes()).unwrap();
        assert!(child.wait().unwrap().success(), "gpg --gen-revoke {fpr}");
        self.import(&std::fs::read_to_string(&out).unwrap());
    }

    /// `gpg --verify`; returns (success, stderr).
    pub fn verify(&self, args: &[&str]) -> (bool, String) {
        let mut all = vec!["--verify"];
        all.extend(args);
        let out = self.cmd(&all);
        (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
    }
}
