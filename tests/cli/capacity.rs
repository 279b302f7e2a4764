//! Capacity mirrors end to end: eight projects of different sizes, one full mirror in
//! Europe and capacity mirrors in North America and Asia, `policy.copies: 2`. Real
//! `mirror-sync` runs against an rsync daemon on loopback: each capacity mirror receives
//! exactly what `closer copies` says it holds, within its capacity, and every project is
//! on two continents, counted from the files the mirrors hold; after a mirror joins, the
//! files that move are those the reports before and after differ by; and closer.js in
//! headless Chromium sends visitors only to mirrors that hold the file.

use crate::http::{Behaviour, Server};
use crate::mirror::{Daemon, dest, mirror_sync, mirrored};
use crate::probe::{mirror, now, registry};
use crate::util::Fixture;
use crate::webdriver::Browser;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const CAPACITY: u64 = 100_000;

/// Project `pN` (N = 1..=8): one release, 1.0, one artifact of `size(N)` bytes.
fn size(n: usize) -> usize {
    9_000 + 2_000 * n
}

/// The projects, and a registry of `mirrors` (id, place): `eu-full` carries everything,
/// the others have a capacity of 100 kB; their URLs are the HTTP servers in `urls`.
fn fixture() -> Fixture {
    let f = Fixture::new();
    let keys = f.read("dist/alpha/KEYS");
    for n in 1..=8 {
        f.write(&format!("dist/p{n}/KEYS"), &keys);
        f.write_bytes(&format!("dist/p{n}/1.0/p{n}-1.0.tar.gz"), &vec![b'a' + n as u8; size(n)]);
    }
    f.sign();
    f
}

/// Country, continent, latitude, longitude.
type Place = (&'static str, &'static str, f64, f64);

fn write_registry(f: &Fixture, mirrors: &[(&str, Place, &str)]) {
    let entries: Vec<String> = mirrors
        .iter()
        .map(|(id, place, url)| {
            let extra = if *id == "eu-full" { String::new() } else { format!("    capacity: {CAPACITY}B\n") };
            mirror(id, *place, 1000, url, &extra)
        })
        .collect();
    f.write("mirrors.yaml", &registry(&entries).replace("  keep: 2\n", "  keep: 2\n  copies: 2\n"));
}

const EU: Place = ("DE", "EU", 50.1, 8.7);
const NA: Place = ("US", "NA", 40.7, -74.0);
const AS: Place = ("JP", "AS", 35.7, 139.7);
/// The full mirror and the two capacity mirrors, at URLs nothing serves.
const THREE: [(&str, Place, &str); 3] = [
    ("eu-full", EU, "https://eu.example.net/"),
    ("na-cap", NA, "https://na.example.net/"),
    ("as-cap", AS, "https://as.example.net/"),
];
const SA: Place = ("BR", "SA", -23.5, -46.6);

/// `closer copies --json`: mirror id -> the unit keys it holds.
fn holdings(f: &Fixture) -> BTreeMap<String, BTreeSet<String>> {
    let run = f.closer(&["copies", "--json"]).ok().stdout.clone();
    let doc: Value = serde_json::from_str(&run).unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in doc["projects"].as_array().unwrap() {
        for u in p["units"].as_array().unwrap() {
            for m in u["mirrors"].as_array().unwrap() {
                out.entry(m.as_str().unwrap().into()).or_default().insert(u["key"].as_str().unwrap().into());
            }
        }
    }
    out
}

/// The artifacts a mirror holds, by project (`pN`), from its files.
fn projects_in(dir: &Path) -> BTreeSet<String> {
    mirrored(dir)
        .keys()
        .filter(|k| k.contains('/') && !k.starts_with("zzz/"))
        .map(|k| k.split('/').next().unwrap().to_string())
        .collect()
}

/// Bytes of everything mirror-sync put in `dir` (its own state aside).
fn bytes_in(dir: &Path) -> u64 {
    walk(dir).into_iter().map(|(_, n)| n).sum()
}

fn walk(dir: &Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let (p, t) = (e.path(), e.file_type().unwrap());
        let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
        if t.is_dir() {
            out.extend(walk(&p).into_iter().map(|(k, n)| (format!("{rel}/{k}"), n)));
        } else if t.is_file() {
            out.push((rel, e.metadata().unwrap().len()));
        }
    }
    out
}

fn sync(daemon: &Daemon, id: &str, to: &Path) {
    let args: Vec<&str> = if id == "eu-full" { vec![] } else { vec!["--list", id] };
    let mut all = args.clone();
    let url = daemon.url();
    all.extend([url.as_str(), to.to_str().unwrap()]);
    mirror_sync(&all).ok();
}

#[test]
fn capacity_mirrors_hold_what_they_are_assigned_and_a_new_mirror_moves_what_the_report_says() {
    let f = fixture();
    let ids = ["eu-full", "na-cap", "as-cap"];
    write_registry(&f, &THREE);
    f.closer(&["build"]).ok();
    let before = holdings(&f);
    // The pages say the same: the mirrors page's capacity column and copies section,
    // and each project page its own copies.
    let page = f.read("site/mirrors.html");
    assert!(page.contains("<h2 id=\"copies\">Copies</h2>") && page.contains(" of 100 KB<br><meter"), "{page}");
    for n in 1..=8 {
        let p = format!("p{n}");
        let holders: Vec<&String> = before.iter().filter(|(_, units)| units.contains(&p)).map(|(id, _)| id).collect();
        let continents = holders.len(); // one mirror per continent here
        let html = f.read(&format!("site/{p}/index.html"));
        let says =
            format!("Its current releases are assigned to {} mirrors on {continents} continents;", holders.len());
        assert!(html.contains(&says), "{p}: {says}");
    }
    let daemon = Daemon::serve(&f.path("dist"));
    let dirs: Vec<(tempfile::TempDir, std::path::PathBuf)> = ids.iter().map(|_| dest()).collect();
    for (id, (_, d)) in ids.iter().zip(&dirs) {
        sync(&daemon, id, d);
    }
    let all: BTreeSet<String> = (1..=8).map(|n| format!("p{n}")).chain(["alpha".into(), "beta".into()]).collect();
    assert_eq!(projects_in(&dirs[0].1), all, "the full mirror has everything");
    for (id, (_, d)) in ids.iter().zip(&dirs).skip(1) {
        assert_eq!(projects_in(d), before[*id], "{id} holds exactly what `closer copies` says");
        assert!(!before[*id].is_empty(), "{id} was assigned something");
        assert!(bytes_in(d) <= CAPACITY, "{id} holds {} bytes, more than its capacity", bytes_in(d));
    }
    // Every project on two mirrors on two continents, from the files themselves.
    for p in &all {
        let holders: Vec<&str> =
            ids.iter().zip(&dirs).filter(|(_, (_, d))| projects_in(d).contains(p)).map(|(id, _)| *id).collect();
        assert!(holders.len() >= 2 && holders.iter().any(|h| *h != "eu-full"), "{p} is on {holders:?}");
    }

    // A mirror joins: the files that move are those the reports differ by.
    let mut four = THREE.to_vec();
    four.push(("sa-new", SA, "https://sa.example.net/"));
    write_registry(&f, &four);
    f.closer(&["build"]).ok();
    let after = holdings(&f);
    assert!(!after["sa-new"].is_empty());
    for (id, (_, d)) in ids.iter().zip(&dirs).skip(1) {
        let had = projects_in(d);
        sync(&daemon, id, d);
        let has = projects_in(d);
        let (gained, lost): (BTreeSet<_>, BTreeSet<_>) =
            (has.difference(&had).cloned().collect(), had.difference(&has).cloned().collect());
        assert_eq!(gained, after[*id].difference(&before[*id]).cloned().collect(), "{id}: what it fetched");
        assert_eq!(lost, before[*id].difference(&after[*id]).cloned().collect(), "{id}: what it deleted");
        assert!(bytes_in(d) <= CAPACITY);
    }
    let (_n, new) = dest();
    sync(&daemon, "sa-new", &new);
    assert_eq!(projects_in(&new), after["sa-new"]);
    assert!(bytes_in(&new) <= CAPACITY);
}

#[test]
fn closer_js_sends_visitors_only_to_mirrors_that_hold_the_file() {
    let f = fixture();
    // Registry first with URLs nothing serves, to sync the mirrors; then their real URLs.
    write_registry(&f, &THREE);
    let t = now() - 3600;
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &t.to_string())]).ok();
    let held = holdings(&f);
    // The test can fail only if each capacity mirror lacks some project and has some.
    for id in ["na-cap", "as-cap"] {
        assert!((1..10).contains(&held[id].len()), "{id} holds {:?}", held[id]);
    }
    let daemon = Daemon::serve(&f.path("dist"));
    let mut servers = Vec::new();
    let mut real = Vec::new();
    for (id, place, _) in THREE {
        let (d, p) = dest();
        sync(&daemon, id, &p);
        let server = Server::start(Behaviour::Files(p.clone()));
        real.push((id, place, server.url()));
        servers.push((d, p, server));
    }
    write_registry(&f, &real.iter().map(|(a, b, c)| (*a, *b, c.as_str())).collect::<Vec<_>>());
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &t.to_string())]).ok();
    assert_eq!(holdings(&f), held, "the URLs do not change the assignment");
    f.closer(&["probe", "-q"]).ok();
    f.closer(&["build"]).ok();
    let site = Server::start(Behaviour::Files(f.path("site")));
    for tz in ["America/New_York", "Asia/Tokyo", "Europe/Berlin"] {
        let b = Browser::start(tz, true);
        for n in 1..=8 {
            let p = format!("p{n}");
            b.goto(&format!("{}{p}/index.html", site.url()));
            assert_eq!(b.wait_closer(), "ready");
            let chosen = b.chosen(&format!("p{n}-1.0.tar.gz"));
            assert!(held[&chosen].contains(&p), "TZ={tz}: {p} sent to {chosen}, which does not hold it");
            // The nearby capacity mirror is chosen when it holds the project.
            let near = match tz {
                "America/New_York" => "na-cap",
                "Asia/Tokyo" => "as-cap",
                _ => "eu-full",
            };
            if held[near].contains(&p) {
                assert_eq!(chosen, near, "TZ={tz}: {p}");
            }
        }
    }
}

#[test]
fn a_project_too_large_for_one_mirror_is_assigned_line_by_line() {
    let f = Fixture::new();
    let keys = f.read("dist/alpha/KEYS");
    f.write("dist/big/KEYS", &keys);
    for line in [1, 2] {
        f.write_bytes(&format!("dist/big/big-{line}/v{line}.0/big-{line}.0.tar.gz"), &vec![b'0' + line; 40_000]);
    }
    // A project whose name sorts between `big` and its line keys (`-` before `/`).
    f.write("dist/big-tools/KEYS", &keys);
    f.write("dist/big-tools/1.0/big-tools-1.0.tar.gz", "tools\n");
    f.sign();
    write_registry(&f, &THREE);
    f.closer(&["build"]).ok();
    let doc: Value = serde_json::from_str(&f.closer(&["copies", "--json"]).ok().stdout).unwrap();
    let big = doc["projects"].as_array().unwrap().iter().find(|p| p["project"] == "big").unwrap();
    let units: Vec<&str> = big["units"].as_array().unwrap().iter().map(|u| u["key"].as_str().unwrap()).collect();
    assert_eq!(units, ["big/big-1", "big/big-2"], "80 kB is more than half of a 90 kB mirror: one unit per line");
    // Each capacity mirror's list carries exactly the lines it holds.
    let held = holdings(&f);
    for id in ["na-cap", "as-cap"] {
        let list = f.read(&format!("dist/zzz/lists/fullfiletimelist-{id}"));
        for line in ["big-1", "big-2"] {
            let listed = list.contains(&format!("big/{line}/v"));
            assert_eq!(listed, held[id].contains(&format!("big/{line}")), "{id}: {line}");
        }
    }
    // The download links name their unit, which is what closer.js matches mirrors.json against.
    let page = f.read("site/big/index.html");
    assert!(page.contains("data-project=\"big/big-2\""), "{page}");
    let text = f.read("site/mirrors.json");
    let mirrors: Value = serde_json::from_str(&text).unwrap();
    // Written a mirror at a time, it is byte for byte the document serde_json writes whole
    // (keys sorted, two-space indents, a final newline).
    assert_eq!(text, serde_json::to_string_pretty(&mirrors).unwrap() + "\n");
    for m in mirrors["mirrors"].as_array().unwrap().iter().filter(|m| m["partial"] == true) {
        let keys: BTreeSet<String> =
            m["projects"].as_array().unwrap().iter().map(|k| k.as_str().unwrap().into()).collect();
        assert_eq!(keys, held[m["id"].as_str().unwrap()], "mirrors.json and closer copies agree");
    }
}

/// `policy.copies: 1` asks for one copy anywhere: two full mirrors in Europe were "2
/// copies on EU; the goal is 1 on two continents", a problem that held every build.
#[test]
fn a_goal_of_one_copy_asks_for_no_second_continent() {
    let f = Fixture::new();
    let full = |id: &str| mirror(id, EU, 1000, &format!("https://{id}.example.net/"), "");
    f.write("mirrors.yaml", &registry(&[full("one"), full("two")]).replace("  keep: 2\n", "  keep: 2\n  copies: 1\n"));
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = f.closer(&["copies"]).ok().stdout.clone();
    assert!(report.contains("goal: 1 copy (") && !report.contains("two continents"), "{report}");
    // Two copies do ask for it, and say so.
    f.write("mirrors.yaml", &registry(&[full("one"), full("two")]).replace("  keep: 2\n", "  keep: 2\n  copies: 2\n"));
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("the goal is 2 on two continents"), "{}", run.stderr);
}

/// On a primary shared by many projects, one project's release that no mirror has room
/// for is that project's problem: it is held at its last good state and every other
/// project publishes. A shortfall that stays once it is held (the goal raised) stops
/// the build, as before.
#[test]
fn a_release_no_mirror_has_room_for_holds_only_its_project() {
    let f = fixture();
    write_registry(&f, &THREE);
    f.closer(&["build"]).ok();
    f.write_bytes("dist/p8/2.0/p8-2.0.tar.gz", &vec![b'z'; 150_000]);
    f.write_bytes("dist/p1/2.0/p1-2.0.tar.gz", &vec![b'y'; 9_000]);
    f.sign();
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("held back 1 project"), "{}", run.stderr);
    assert!(run.stderr.contains("dist/p8: copies of p8"), "{}", run.stderr);
    assert!(f.read("site/p1/index.html").contains("p1-2.0.tar.gz"), "the other project publishes");
    let p8 = f.read("site/p8/index.html");
    assert!(p8.contains("p8-1.0.tar.gz") && !p8.contains("p8-2.0.tar.gz"), "{p8}");
    let full = f.read("dist/fullfiletimelist-dist");
    assert!(full.contains("p1/2.0/p1-2.0.tar.gz") && !full.contains("p8/2.0/"), "{full}");
    // Once the mirrors have room, it publishes.
    f.write("mirrors.yaml", &f.read("mirrors.yaml").replace("capacity: 100000B", "capacity: 400000B"));
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(f.read("site/p8/index.html").contains("p8-2.0.tar.gz"));
    // A goal no project's last good state meets is the registry's, and stops every build.
    f.write("mirrors.yaml", &f.read("mirrors.yaml").replace("  copies: 2\n", "  copies: 4\n"));
    f.write_bytes("dist/p2/2.0/p2-2.0.tar.gz", &vec![b'x'; 9_000]);
    f.sign();
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("held back"), "{}", run.stderr);
    assert!(run.stderr.contains("the goal is 4"), "{}", run.stderr);
    assert!(!f.read("site/p2/index.html").contains("p2-2.0.tar.gz"), "nothing published");
}

/// A volunteer's spare disk, the first capacity mirror, joins a network too small for the
/// default goal of 3 copies: with no `policy.copies` the goal stays reported (one warning
/// says how many units are short), and releases keep publishing. Setting the goal makes
/// the same shortfall hold.
#[test]
fn a_first_capacity_mirror_does_not_make_the_default_goal_binding() {
    let f = fixture();
    write_registry(&f, &THREE);
    f.write("mirrors.yaml", &f.read("mirrors.yaml").replace("  copies: 2\n", ""));
    f.write_bytes("dist/p1/2.0/p1-2.0.tar.gz", &vec![b'y'; 9_000]);
    f.sign();
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("short of the default goal of 3 copies") && run.stderr.contains("policy.copies"),
        "{}",
        run.stderr
    );
    assert!(f.read("dist/fullfiletimelist-dist").contains("p1/2.0/p1-2.0.tar.gz"));
    let report = f.closer(&["copies"]).ok().stdout.clone();
    assert!(report.contains("reported only: set policy.copies"), "{report}");
    f.write("mirrors.yaml", &f.read("mirrors.yaml").replace("  keep: 2\n", "  keep: 2\n  copies: 3\n"));
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("the goal is 3"), "{}", run.stderr);
}
