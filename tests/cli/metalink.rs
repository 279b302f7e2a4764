//! The `.meta4` files with a real download manager: aria2c fetches an artifact from two
//! loopback mirrors through its Metalink and checks the hash; with one mirror serving a
//! corrupted copy it ends with the right file or fails loudly, never silently wrong.

use crate::http::{Behaviour, Server};
use crate::probe::{mirror, now, registry};
use crate::util::{Fixture, sha512_hex};
use std::process::Command;

pub(crate) const FILE: &str = "alpha/1.10/alpha-1.10.tar.gz";

/// Two mirrors carrying the fixture's current files: `one` (tier 1, so Metalink clients try
/// it first; possibly corrupted) and `two` (tier 2, pulling from `one`),
/// probed, and the site built; returns the fixture, the servers and the artifact's bytes.
pub(crate) fn setup(corrupt_first: bool) -> (Fixture, Vec<(tempfile::TempDir, Server)>, Vec<u8>) {
    let f = Fixture::new();
    // Big enough for aria2c to split it between the mirrors.
    let body: Vec<u8> = (0..3_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    f.write_bytes(&format!("dist/{FILE}"), &body);
    std::fs::remove_file(f.path(&format!("dist/{FILE}.asc"))).unwrap();
    f.sign();
    let stamp = now() - 60;
    let mut servers = Vec::new();
    let mut entries = Vec::new();
    for (i, id) in ["one", "two"].into_iter().enumerate() {
        let dir = crate::probe::mirror_dir(stamp);
        let mut copy = body.clone();
        if i == 0 && corrupt_first {
            copy[1_234_567] ^= 0x55;
        }
        std::fs::create_dir_all(dir.path().join("alpha/1.10")).unwrap();
        std::fs::write(dir.path().join(FILE), &copy).unwrap();
        let server = Server::start(Behaviour::Files(dir.path().into()));
        // Two pulls from one, which needs an rsync URL for it.
        let extra = if i == 1 { "    upstream: one\n" } else { "      rsync: rsync://one.example.net/pub/\n" };
        entries.push(mirror(id, ("DE", "EU", 50.0 + i as f64, 8.0), 1000, &server.url(), extra));
        servers.push((dir, server));
    }
    f.write("mirrors.yaml", &registry(&entries));
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &stamp.to_string())]).ok();
    f.closer(&["probe", "-q"]).ok();
    f.closer(&["build"]).ok();
    (f, servers, body)
}

/// aria2c downloading `input` into `out`, quickly giving up on a dead mirror, quiet
/// but for warnings, overwriting.
pub(crate) fn aria2c_command(input: &std::path::Path, out: &std::path::Path) -> Command {
    let mut cmd = Command::new("aria2c");
    cmd.arg(input).arg(format!("--dir={}", out.display())).args([
        "--max-tries=2",
        "--retry-wait=1",
        "--connect-timeout=3",
        "--timeout=10",
        "--console-log-level=warn",
        "--summary-interval=0",
        "--allow-overwrite=true",
        "--auto-file-renaming=false",
    ]);
    cmd
}

/// aria2c on the artifact's Metalink; `extra` adds options.
fn aria2c(f: &Fixture, out: &std::path::Path, extra: &[&str]) -> std::process::Output {
    aria2c_command(&f.path(&format!("site/{FILE}.meta4")), out)
        .args(["--check-integrity=true", "--split=4", "--min-split-size=1M", "--max-connection-per-server=1"])
        .args(extra)
        .output()
        .expect("aria2c is needed for the Metalink tests (scripts/test installs it)")
}

#[test]
fn aria2c_downloads_through_the_metalink_from_two_mirrors() {
    let (f, servers, body) = setup(false);
    let meta = f.read(&format!("site/{FILE}.meta4"));
    assert!(meta.contains(&format!("<size>{}</size>", body.len())));
    assert!(meta.contains(&format!("<hash type=\"sha-512\">{}</hash>", sha512_hex(&body))));
    assert!(meta.contains("<signature mediatype=\"application/pgp-signature\">-----BEGIN PGP SIGNATURE-----"));
    // The download page links it.
    assert!(f.read("site/alpha/index.html").contains("href=\"1.10/alpha-1.10.tar.gz.meta4\""));

    let out = tempfile::tempdir().unwrap();
    // Slowed down, so that the second piece starts while the first is still coming and
    // goes to the other mirror.
    let o = aria2c(
        &f,
        out.path(),
        &["--max-download-limit=1500K", "--max-connection-per-server=2", "--uri-selector=inorder"],
    );
    assert!(
        o.status.success(),
        "aria2c failed:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let got = std::fs::read(out.path().join("alpha-1.10.tar.gz")).unwrap();
    assert_eq!(sha512_hex(&got), sha512_hex(&body));
    // One probe each, then pieces of the file from both mirrors.
    let hits: Vec<usize> = servers.iter().map(|(_, s)| s.hits.load(std::sync::atomic::Ordering::SeqCst)).collect();
    assert!(hits.iter().all(|&h| h >= 2), "both mirrors served a piece ({hits:?} requests)");
    let order: Vec<usize> = servers.iter().map(|(_, s)| meta.find(&s.url()).unwrap()).collect();
    assert!(order[0] < order[1], "tier 1 before tier 2");
}

#[test]
fn a_corrupted_mirror_never_yields_a_wrong_file() {
    let (f, servers, body) = setup(true);
    let out = tempfile::tempdir().unwrap();
    let o = aria2c(&f, out.path(), &[]);
    let log = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let path = out.path().join("alpha-1.10.tar.gz");
    let served = servers[0].1.hits.load(std::sync::atomic::Ordering::SeqCst);
    assert!(served >= 2, "the corrupted mirror (tier 1) was asked for the file ({served} requests)");
    if o.status.success() {
        assert_eq!(sha512_hex(&std::fs::read(&path).unwrap()), sha512_hex(&body), "aria2c said ok for a wrong file");
    } else {
        assert!(log.contains("Checksum error"), "aria2c failed without naming the checksum:\n{log}");
    }
}
