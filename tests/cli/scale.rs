//! A registry of 1,000 mirrors (a quarter partial, 3 tiers, every continent): the
//! mirrors page lists them all without JavaScript and filters and sorts them with it,
//! each mirror has its own page, and a download page loads only its project's mirrors.
//! Sizes and times are the benchmark's (`scripts/bench scale`); here, what works.

use crate::http::{Behaviour, Server};
use crate::util::{Fixture, REGISTRY};
use crate::webdriver::Browser;

/// `n` mirrors: countries cycling through every continent, tiers 1-3, every fourth
/// partial (alternately by globs and by capacity).
pub(crate) fn big_registry(n: usize) -> String {
    const PLACES: [(&str, &str, f64, f64); 8] = [
        ("DE", "EU", 50.1, 8.7),
        ("US", "NA", 40.7, -74.0),
        ("JP", "AS", 35.7, 139.7),
        ("BR", "SA", -23.5, -46.6),
        ("AU", "OC", -33.9, 151.2),
        ("ZA", "AF", -33.9, 18.4),
        ("FR", "EU", 48.9, 2.4),
        ("CA", "NA", 43.7, -79.4),
    ];
    let head = REGISTRY.split("mirrors:\n").next().unwrap();
    let mut out = format!("{head}mirrors:\n");
    for i in 0..n {
        let (country, continent, lat, lon) = PLACES[i % PLACES.len()];
        let id = format!("m{i:04}-{}", country.to_lowercase());
        out += &format!(
            "  - id: {id}\n    name: Mirror {i}\n    country: {country}\n    continent: {continent}\n    lat: {}\n    lon: {}\n    bandwidth: {}\n    urls:\n      https: https://{id}.example.net/pub/\n      rsync: rsync://{id}.example.net/pub/\n",
            lat + (i % 7) as f64 * 0.1,
            lon + (i % 5) as f64 * 0.1,
            [100, 1000, 10000][i % 3]
        );
        if i >= 100 {
            // Tier 2 pulls from a full tier-1 mirror, tier 3 from a full tier-2 one.
            let up = if i < 600 { (i % 100) / 4 * 4 } else { 100 + (i % 500) / 4 * 4 };
            out += &format!("    upstream: m{up:04}-{}\n", PLACES[up % PLACES.len()].0.to_lowercase());
        }
        match i % 8 {
            3 => out += "    include: [\"alpha\"]\n",
            7 => out += "    capacity: 1MB\n",
            _ => {}
        }
    }
    out
}

#[test]
fn a_thousand_mirrors_page_filters_and_sorts_and_reads_without_javascript() {
    let f = Fixture::new();
    f.write("mirrors.yaml", &big_registry(1000));
    f.closer(&["build"]).ok();
    let page = f.read("site/mirrors.html");
    assert_eq!(page.matches("<tr id=\"mirror-").count(), 1000, "every mirror, without JavaScript");
    assert!(f.path("site/mirrors/m0999-ca.html").exists(), "each mirror has its own page");
    let site = Server::start(Behaviour::Files(f.path("site")));
    let b = Browser::start("Europe/Berlin", true);
    b.goto(&format!("{}mirrors.html", site.url()));
    let visible =
        "return Array.from(document.querySelectorAll('#mirror-table tbody tr')).filter(r => !r.hidden).map(r => r.id);";
    assert_eq!(b.js(visible).as_array().unwrap().len(), 1000);
    // Filter: every word must match a row's text.
    b.js("var i = document.getElementById('mirror-filter'); i.value = 'JP Asia'; i.dispatchEvent(new Event('input')); return null;");
    let jp = b.js(visible);
    assert_eq!(jp.as_array().unwrap().len(), 125, "{jp}");
    assert!(jp.as_array().unwrap().iter().all(|id| id.as_str().unwrap().ends_with("-jp")));
    assert_eq!(b.js("return document.getElementById('mirror-shown').textContent;"), "125 of 1000 mirrors");
    // Sort by bandwidth: ascending, then descending on a second click.
    b.js("var i = document.getElementById('mirror-filter'); i.value = ''; i.dispatchEvent(new Event('input')); return null;");
    let bandwidths = "return Array.from(document.querySelectorAll('#mirror-table tbody tr')).map(r => +r.cells[2].getAttribute('data-v'));";
    b.click("#mirror-table th:nth-child(3) button");
    let up: Vec<i64> = b.js(bandwidths).as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert!(up.windows(2).all(|w| w[0] <= w[1]) && up[0] == 100 && up[999] == 10000);
    b.click("#mirror-table th:nth-child(3) button");
    let down: Vec<i64> = b.js(bandwidths).as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert!(down.windows(2).all(|w| w[0] >= w[1]));
    // A download page loads its project's selection data, not the registry's: the 875
    // mirrors that carry beta as compact arrays, about 87 bytes each, and the site's
    // status.json (no mirror serves before a probe).
    let own = f.read("site/beta/mirrors.json");
    let all = f.read("site/mirrors.json");
    assert_eq!(json(&own)["mirrors"].as_array().unwrap().len(), 875);
    assert!(own.len() * 8 < all.len(), "{} vs {}", own.len(), all.len());
    assert_eq!(json(&f.read("site/status.json"))["serving"], serde_json::json!({}));
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

/// A probe state in which every mirror of `registry` answered a minute ago with `stamp`.
fn all_fresh(registry: &str, stamp: i64) -> String {
    let mirrors: serde_json::Map<String, serde_json::Value> = registry
        .lines()
        .filter_map(|l| l.strip_prefix("  - id: "))
        .map(|id| {
            let probe = serde_json::json!({
                "url": format!("https://{id}.example.net/pub/zzz/time.txt"), "ok": true, "stamp": stamp,
                "checked_at": stamp + 60, "history": [{"at": stamp + 60, "ok": true, "stamp": stamp}],
            });
            (id.to_string(), probe)
        })
        .collect();
    serde_json::json!({"format": 1, "probed_at": stamp + 60, "primary_stamp": stamp, "mirrors": mirrors}).to_string()
}

/// The mirror numbers named in `text`, in order (`https://m0042-de.example.net/...`).
fn named(text: &str) -> Vec<usize> {
    text.match_indices("https://m").filter_map(|(i, _)| text.get(i + 9..i + 13)?.parse().ok()).collect()
}

#[test]
fn metalinks_and_torrents_name_the_best_ten_mirrors_per_continent() {
    let f = Fixture::new();
    // m0008-de would be among Europe's best ten, but it is a backup.
    let registry = big_registry(1000).replacen(
        "rsync: rsync://m0008-de.example.net/pub/\n",
        "rsync: rsync://m0008-de.example.net/pub/\n    backup: true\n",
        1,
    );
    f.write("mirrors.yaml", &registry);
    let stamp = crate::probe::now() - 120;
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &stamp.to_string())]).ok();
    f.write("probe.json", &all_fresh(&registry, stamp));
    f.closer(&["build"]).ok();
    let artifact = "site/alpha/1.10/alpha-1.10.tar.gz";
    let meta = f.read(&format!("{artifact}.meta4"));
    let torrent = String::from_utf8_lossy(&std::fs::read(f.path(&format!("{artifact}.torrent"))).unwrap()).to_string();
    // Every European mirror is full, so all 250 serve the file; the ten named are not
    // backups, then the lowest tier (1: the first hundred), the most bandwidth, registry
    // order.
    let tier = |i: usize| {
        if i < 100 {
            1
        } else if i < 600 {
            2
        } else {
            3
        }
    };
    let bandwidth = |i: usize| [100, 1000, 10000][i % 3];
    let mut europe: Vec<usize> = (0..1000).filter(|i| matches!(i % 8, 0 | 6)).collect();
    europe.sort_by_key(|&i| (i == 8, tier(i), std::cmp::Reverse(bandwidth(i)), i));
    assert!(!europe[..10].contains(&8));
    let mut best: Vec<usize> = europe[..10].to_vec();
    best.sort();
    let in_europe = |v: Vec<usize>| v.into_iter().filter(|i| matches!(i % 8, 0 | 6)).collect::<Vec<_>>();
    assert_eq!(in_europe(named(&meta)), best, "{meta}");
    assert_eq!(in_europe(named(&torrent)), best);
    // At most ten on each continent, and the primary after them.
    let all = named(&meta);
    for continent in [[0, 6], [1, 7], [2, 2], [3, 3], [4, 4], [5, 5]] {
        let n = all.iter().filter(|i| continent.contains(&(*i % 8))).count();
        assert!((1..=10).contains(&n), "{n} mirrors on continent {continent:?}");
    }
    assert_eq!(named(&torrent), all);
    assert!(meta.contains("<url priority=\"100\">https://dist.example.org/dist/alpha/1.10/alpha-1.10.tar.gz</url>"));
    // `metalink_per_continent: 0` names every mirror that serves the file.
    f.write("mirrors.yaml", &registry.replacen("  keep: 2\n", "  keep: 2\n  metalink_per_continent: 0\n", 1));
    f.closer(&["build"]).ok();
    let every = named(&f.read(&format!("{artifact}.meta4")));
    assert_eq!(in_europe(every.clone()).len(), 250);
    assert!(every.len() > 750, "{}", every.len());
}
