//! Shared test helpers: a fixture project (registry, release tree, content) in a temp
//! directory, and a runner for the real `closer` binary.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const REGISTRY: &str = r#"primary:
  name: Test Foundation
  host: dist.example.org
  site_url: https://downloads.example.org/
  dist_url: https://dist.example.org/dist/
  rsync_url: rsync://dist.example.org/dist/
archive:
  url: https://archive.example.org/dist/
policy:
  keep: 2
  # The fixtures' mirrors serve a stamp and few files: the stamp only (probe_sample's
  # own test samples files).
  probe_files: 0
mirrors:
  - id: eu-one
    name: Mirror One
    sponsor: One University
    country: DE
    continent: EU
    lat: 50.1
    lon: 8.7
    bandwidth: 10000
    urls:
      https: https://one.example.net/pub/
      rsync: rsync://one.example.net/pub/
  - id: as-two
    name: Mirror Two
    country: JP
    continent: AS
    lat: 35.7
    lon: 139.7
    bandwidth: 1000
    upstream: eu-one
    include: ["alpha"]
    urls:
      http: http://two.example.com/mirror/
"#;

/// The demo release key (secret part, no passphrase); dist/*/KEYS hold its public part.
pub const DEMO_KEY: &str = "tests/fixtures/demo-release-key.sec.asc";

/// The repository's root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// A project with two projects: alpha (1.0, 1.9, 1.10: keep 2 archives 1.0) and beta (0.1).
    pub fn new() -> Fixture {
        let f = Fixture { dir: tempfile::tempdir().unwrap() };
        f.write("mirrors.yaml", REGISTRY);
        for v in ["1.0", "1.9", "1.10"] {
            f.write(&format!("dist/alpha/{v}/alpha-{v}.tar.gz"), &format!("alpha {v} tarball\n"));
            f.write(&format!("dist/alpha/{v}/alpha-{v}.zip"), &format!("alpha {v} zip\n"));
        }
        f.write("dist/beta/0.1/beta-0.1.tar.gz", "beta 0.1\n");
        f.write("content/_index.md", "---\ntitle: Test Downloads\n---\nWelcome.\n");
        f.write("content/alpha.md", "---\ntitle: Alpha\ndescription: The first one.\n---\nAlpha intro.\n");
        f.write("content/alpha/1.10.md", "---\ndate: 2026-01-02\n---\nNotes for *1.10*.\n");
        let keys = std::fs::read_to_string(repo().join("dist/hello/KEYS")).unwrap();
        f.write("dist/alpha/KEYS", &keys);
        f.write("dist/beta/KEYS", &keys);
        f.sign();
        f
    }

    /// An empty directory to build a fixture in.
    pub fn empty() -> Fixture {
        Fixture { dir: tempfile::tempdir().unwrap() }
    }

    /// Signs every unsigned artifact with the demo release key (which is in the KEYS).
    pub fn sign(&self) {
        let key = repo().join(DEMO_KEY);
        self.closer(&["sign", "--key", key.to_str().unwrap()]).ok();
    }

    /// Replaces an artifact and signs the new content.
    pub fn replace_signed(&self, rel: &str, text: &str) {
        self.write(rel, text);
        std::fs::remove_file(self.path(&format!("{rel}.asc"))).unwrap();
        self.sign();
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    pub fn read_bytes(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Runs closer in the fixture directory.
    /// Makes `rels` look uploaded `secs` ago. A test cannot set a file's change time, so
    /// the registry judges uploads by their modification time alone
    /// (`policy.upload_clock: modification`).
    pub fn uploaded_ago(&self, rels: &[&str], secs: u64) {
        let t = std::time::SystemTime::now() - std::time::Duration::from_secs(secs);
        for rel in rels {
            std::fs::File::options().write(true).open(self.path(rel)).unwrap().set_modified(t).unwrap();
        }
        let registry = self.read("mirrors.yaml");
        if !registry.contains("upload_clock:") {
            let clock = "  upload_clock: modification\n";
            let with = match registry.find("\npolicy:\n") {
                Some(at) => format!("{}{clock}{}", &registry[..at + 9], &registry[at + 9..]),
                None => format!("{registry}\npolicy:\n{clock}"),
            };
            self.write("mirrors.yaml", &with);
        }
    }

    pub fn closer(&self, args: &[&str]) -> Run {
        self.closer_env(args, &[])
    }

    pub fn closer_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_closer"));
        cmd.args(args).current_dir(self.dir.path()).env_remove("SOURCE_DATE_EPOCH");
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from(cmd.output().unwrap())
    }

    /// Every file under `rel` with its bytes.
    pub fn snapshot(&self, rel: &str) -> BTreeMap<String, Vec<u8>> {
        snapshot(&self.path(rel))
    }
}

/// Runs closer in `dir` (a site made inside a fixture).
pub fn closer_in(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_closer"));
    cmd.args(args).current_dir(dir).env_remove("SOURCE_DATE_EPOCH");
    Run::from(cmd.output().unwrap())
}

/// `cp -a FROM TO`, replacing TO: a tree with its times and links as they are.
pub fn copy_tree(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    let ok = Command::new("cp").arg("-a").arg(from).arg(to).status().unwrap().success();
    assert!(ok, "cp -a {} {}", from.display(), to.display());
}

pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(dir).min_depth(1) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn ok(&self) -> &Run {
        assert_eq!(self.code, 0, "expected success\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    /// A `--stats` value.
    pub fn stat(&self, key: &str) -> String {
        let prefix = format!("stats: {key}=");
        self.stderr
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("no {key} in stderr:\n{}", self.stderr))
            .to_string()
    }
}

pub fn sha512_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    closer::util::text::hex(&sha2::Sha512::digest(bytes))
}

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Changes the file at `rel` (so the cache cannot serve it) and makes it unreadable to
/// the closer process, runs `closer build`, hands the result to `check`, and restores
/// the file. As root, permissions do not stop reads, so closer runs as `nobody` there
/// (with setpriv) over a fixture handed to that user.
pub fn unreadable_run(f: &Fixture, rel: &str, check: impl FnOnce(&Run)) {
    use std::os::unix::fs::PermissionsExt;
    let path = f.path(rel);
    let old = std::fs::read(&path).unwrap();
    std::fs::write(&path, b"changed, and nobody may read it\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = as_nobody(f, &["build"]);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(&path, old).unwrap();
    check(&run);
}

/// Runs closer in the fixture as a user who is not root, for what permissions stop: as
/// root, closer runs as `nobody` (with setpriv) over the fixture handed to that user, then
/// handed back.
pub fn as_nobody(f: &Fixture, args: &[&str]) -> Run {
    if !is_root() {
        return f.closer(args);
    }
    chown_under(f.dir.path(), 65534);
    let run = run_as_nobody(f, args);
    chown_under(f.dir.path(), 0);
    run
}

/// Gives everything under `dir` to `uid` (which changes their ctimes, so the digest cache
/// reads the files again).
pub fn chown_under(dir: &Path, uid: u32) {
    for e in walkdir::WalkDir::new(dir) {
        std::os::unix::fs::lchown(e.unwrap().path(), Some(uid), Some(uid)).unwrap();
    }
}

/// Runs closer in the fixture as `nobody` (with setpriv), the fixture as it is.
pub fn run_as_nobody(f: &Fixture, args: &[&str]) -> Run {
    // A copy of the binary inside the fixture, so that `nobody` can run it wherever
    // the checkout lives (a home directory is often closed to other users).
    let bin = f.path("closer-bin");
    std::fs::copy(env!("CARGO_BIN_EXE_closer"), &bin).unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(&bin)
        .args(args)
        .current_dir(f.dir.path())
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("setpriv (util-linux) is needed to test permissions as root");
    std::fs::remove_file(&bin).unwrap();
    Run::from(out)
}

/// A minisign key pair without a password, made by the real `minisign` in `dir` as
/// `NAME.pub` and `NAME.key`: the secret key's path and the public key line (the base64
/// one a project's page names).
pub fn minisign_keypair(dir: &Path, name: &str) -> (PathBuf, String) {
    let (public, secret) = (dir.join(format!("{name}.pub")), dir.join(format!("{name}.key")));
    let out = Command::new("minisign")
        .args(["-G", "-W", "-f", "-p"])
        .arg(&public)
        .arg("-s")
        .arg(&secret)
        .output()
        .expect("minisign is installed by scripts/test");
    assert!(out.status.success(), "minisign -G: {}", String::from_utf8_lossy(&out.stderr));
    (secret, std::fs::read_to_string(&public).unwrap().lines().nth(1).unwrap().to_string())
}

/// The files of `project`'s newest release in its first line, as `closer releases --json`
/// gives them (the command must succeed).
pub fn release_files(f: &Fixture, project: &str) -> Vec<serde_json::Value> {
    let json: serde_json::Value = serde_json::from_str(&f.closer(&["releases", "--json"]).ok().stdout).unwrap();
    let p = json.as_array().unwrap().iter().find(|p| p["project"] == project).unwrap_or_else(|| panic!("{json}"));
    p["lines"][0]["releases"][0]["files"].as_array().unwrap().clone()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    closer::util::text::hex(&sha2::Sha256::digest(bytes))
}
