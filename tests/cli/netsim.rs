//! A small `scripts/netsim` run (6 mirrors, 2 tiers, a 1 MiB release), by push and by
//! poll: no sample ever found a mirror claiming the new stamp without the whole release,
//! every live mirror ends with it, each tier-2 mirror installed its stamp after its
//! tier-1 upstream, and each mirror installed the release's file before its stamp.
//! Never a time: timing is the benchmark's.

use crate::util::repo;
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

fn ctime(p: &Path) -> (i64, i64) {
    let m = std::fs::metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    (m.ctime(), m.ctime_nsec())
}

/// mirror id -> (upstream id, None for the primary; partial), from netsim's registry.
fn mirrors(registry: &str) -> BTreeMap<String, (Option<String>, bool)> {
    let mut out: BTreeMap<String, (Option<String>, bool)> = BTreeMap::new();
    let mut current = String::new();
    for line in registry.lines().map(str::trim) {
        if let Some(id) = line.strip_prefix("- id: ") {
            current = id.to_string();
            out.insert(current.clone(), (None, false));
        } else if let Some(up) = line.strip_prefix("upstream: ") {
            out.get_mut(&current).unwrap().0 = Some(up.to_string());
        } else if line.starts_with("include: ") {
            out.get_mut(&current).unwrap().1 = true;
        }
    }
    out
}

/// The simulator is a binary of the developer tools' crate (`dev/`), which `cargo test`
/// of closer does not build: it is built here, beside the `closer` binary under test
/// (cargo holds no lock while tests run, and the library is already built).
fn build_netsim() -> std::path::PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let closer = Path::new(env!("CARGO_BIN_EXE_closer"));
    // The same profile as the binary under test (`cargo test --release` too).
    let release = closer.parent().is_some_and(|d| d.ends_with("release"));
    let built = std::process::Command::new(cargo)
        .current_dir(repo())
        .args(["build", "--quiet", "-p", "closer-dev", "--bin", "netsim"])
        .args(release.then_some("--release"))
        .status()
        .expect("run cargo");
    assert!(built.success(), "cargo build -p closer-dev --bin netsim failed");
    let netsim = closer.parent().unwrap().join("netsim");
    assert!(netsim.exists(), "cargo built netsim: {}", netsim.display());
    netsim
}

#[test]
fn a_small_network_gets_the_release_in_order_by_push_and_by_poll() {
    let netsim = build_netsim();
    for mode in ["push", "poll"] {
        let out = tempfile::tempdir().unwrap();
        let run = std::process::Command::new(&netsim)
            .current_dir(repo())
            .args(["--mirrors", "6", "--tiers", "2", "--size-mib", "1", "--no-flat", "--mode", mode])
            .args([
                "--sample",
                "0.5",
                "--timeout",
                "240",
                "--scale",
                "60",
                "--closer",
                env!("CARGO_BIN_EXE_closer"),
                "--out",
            ])
            .arg(out.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{mode}: netsim failed (a violation exits 1):\n{err}");
        let csv = std::fs::read_to_string(out.path().join("netsim.csv")).unwrap();
        assert!(csv.lines().count() > 1, "{mode}: no samples");
        let net = out.path().join("tiered");
        let all = mirrors(&std::fs::read_to_string(net.join("primary/mirrors.yaml")).unwrap());
        assert!(all.values().any(|(up, partial)| up.is_some() && !partial), "{mode}: a full tier-2 mirror: {all:?}");
        let new = std::fs::read_to_string(net.join("primary/dist/zzz/time.txt")).unwrap();
        let (down, frozen) = ("m04", "m05");
        for (id, (up, partial)) in &all {
            let dir = net.join(id);
            let stamp = std::fs::read_to_string(dir.join("zzz/time.txt")).unwrap();
            if id == down || id == frozen {
                assert_ne!(stamp, new, "{mode}: {id} was to stay behind");
                continue;
            }
            assert_eq!(stamp, new, "{mode}: {id} did not get the release");
            let file = dir.join("big/2.0/big-2.0.tar.gz");
            assert_eq!(file.exists(), !partial, "{mode}: {id} carries the release iff it is full");
            if !partial {
                assert!(ctime(&file) <= ctime(&dir.join("zzz/time.txt")), "{mode}: {id}: the stamp before the file");
            }
            if let Some(up) = up {
                let (mine, theirs) = (ctime(&dir.join("zzz/time.txt")), ctime(&net.join(up).join("zzz/time.txt")));
                assert!(theirs <= mine, "{mode}: {id} installed the stamp before its upstream {up}");
            }
        }
    }
}
