//! The `.torrent` of each artifact with a real client: aria2c reads it (its info hash is
//! the page's magnet link's) and downloads the file from the web seeds alone (the two
//! loopback mirrors and no peer), checking every piece; a mirror serving a corrupted
//! copy never yields a wrong file.

use crate::metalink::{FILE, aria2c_command, setup};
use crate::util::{Fixture, sha512_hex};
use std::process::Command;

fn aria2c(f: &Fixture, out: &std::path::Path, extra: &[&str]) -> std::process::Output {
    // No peers from anywhere: only the web seeds.
    aria2c_command(&f.path(&format!("site/{FILE}.torrent")), out)
        .args([
            "--enable-dht=false",
            "--enable-dht6=false",
            "--bt-enable-lpd=false",
            "--enable-peer-exchange=false",
            "--seed-time=0",
            "--bt-stop-timeout=5",
        ])
        .arg(format!("--listen-port={}", crate::http::closed_port()))
        .args(extra)
        .output()
        .expect("aria2c is needed for the torrent tests (scripts/test installs it)")
}

#[test]
fn aria2c_downloads_an_artifact_from_the_torrents_web_seeds() {
    let (f, servers, body) = setup(false);
    let torrent = f.path(&format!("site/{FILE}.torrent"));
    // aria2c's reading of the file: its info hash, pieces and web seeds.
    let shown = Command::new("aria2c").arg("--show-files").arg(&torrent).output().unwrap();
    let shown = String::from_utf8_lossy(&shown.stdout).to_string();
    let hash = shown.lines().find_map(|l| l.strip_prefix("Info Hash: ")).unwrap_or_else(|| panic!("{shown}"));
    let page = f.read("site/alpha/1.10/index.html");
    assert!(
        page.contains(&format!("magnet:?xt=urn:btih:{hash}&amp;dn=alpha-1.10.tar.gz&amp;xl={}", body.len())),
        "{shown}"
    );
    assert!(f.read("site/alpha/index.html").contains("href=\"1.10/alpha-1.10.tar.gz.torrent\""));
    // 3 MB in 2,048 or fewer pieces: 2 KiB would be too small, so 16 KiB.
    assert!(shown.contains("Piece Length: 16KiB") && shown.contains("The Number of Pieces: 184"), "{shown}");
    for (_, s) in &servers {
        assert!(shown.contains(&format!("{}{FILE}", s.url())), "every serving mirror is a web seed: {shown}");
    }
    assert!(shown.contains(&format!("https://dist.example.org/dist/{FILE}")), "{shown}");

    let out = tempfile::tempdir().unwrap();
    let o = aria2c(&f, out.path(), &[]);
    let log = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "aria2c failed:\n{log}");
    let got = std::fs::read(out.path().join("alpha-1.10.tar.gz")).unwrap();
    assert_eq!(sha512_hex(&got), sha512_hex(&body));
    let hits: usize = servers.iter().map(|(_, s)| s.hits.load(std::sync::atomic::Ordering::SeqCst)).sum();
    assert!(hits >= 3, "the mirrors served it ({hits} requests, one probe each)");
}

#[test]
fn a_corrupted_web_seed_never_yields_a_wrong_file() {
    let (f, mut servers, body) = setup(true);
    // Only the corrupted mirror answers: the other is gone, the primary is not on
    // loopback.
    drop(servers.pop());
    let out = tempfile::tempdir().unwrap();
    let o = aria2c(&f, out.path(), &[]);
    let log = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let served = servers[0].1.hits.load(std::sync::atomic::Ordering::SeqCst);
    assert!(served >= 2, "the corrupted mirror was asked ({served} requests)\n{log}");
    let path = out.path().join("alpha-1.10.tar.gz");
    let whole = std::fs::read(&path).is_ok_and(|got| sha512_hex(&got) == sha512_hex(&body));
    // Every piece is checked: the damaged one is never taken, so the download cannot end.
    assert!(!o.status.success() && !whole, "aria2c said ok:\n{log}");
    assert!(log.contains("Invalid checksum"), "the bad piece is named:\n{log}");
}
