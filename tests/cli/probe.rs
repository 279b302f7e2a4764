//! `closer probe` against real HTTP servers on 127.0.0.1 (fresh, stale, down, garbage,
//! slow, oversize, TLS to a plain server, 404), the state it writes, and what the next
//! build makes of it: `since` stamps, mirrors.json, the status page and Metalinks.

use crate::http::{Behaviour, Server, closed_port};
use crate::util::Fixture;
use serde_json::Value;
use std::time::Duration;

pub const DAY: i64 = 86400;

pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A registry entry for a mirror at `url`.
/// `place`: country, continent, latitude, longitude.
pub fn mirror(id: &str, place: (&str, &str, f64, f64), bw: u64, url: &str, extra: &str) -> String {
    let (country, continent, lat, lon) = place;
    let scheme = if url.starts_with("https:") { "https" } else { "http" };
    format!(
        "  - id: {id}\n    name: Mirror {id}\n    country: {country}\n    continent: {continent}\n    lat: {lat}\n    lon: {lon}\n    bandwidth: {bw}\n    urls:\n      {scheme}: {url}\n{extra}"
    )
}

pub fn registry(mirrors: &[String]) -> String {
    format!(
        "primary:\n  name: Test Foundation\n  host: dist.example.org\n  site_url: https://downloads.example.org/\n  dist_url: https://dist.example.org/dist/\n  rsync_url: rsync://dist.example.org/dist/\narchive:\n  url: https://archive.example.org/dist/\npolicy:\n  keep: 2\n  stale_after: 1d\n  probe_files: 0\nmirrors:\n{}",
        mirrors.concat()
    )
}

/// A mirror directory serving `stamp`.
pub fn mirror_dir(stamp: i64) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(d.path().join("zzz")).unwrap();
    std::fs::write(d.path().join("zzz/time.txt"), format!("{stamp} dist.example.org\n")).unwrap();
    d
}

pub fn json(f: &Fixture, rel: &str) -> Value {
    serde_json::from_str(&f.read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The mirror entry `id` of mirrors.json.
pub fn site_mirror<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["mirrors"].as_array().unwrap().iter().find(|m| m["id"] == id).unwrap_or_else(|| panic!("no {id}"))
}

#[test]
fn probe_records_each_kind_of_mirror() {
    let f = Fixture::new();
    // The primary published three days ago.
    let stamp = now() - 3 * DAY;
    let fresh_dir = mirror_dir(stamp);
    let stale_dir = mirror_dir(stamp - 100);
    let fresh = Server::start(Behaviour::Files(fresh_dir.path().into()));
    let stale = Server::start(Behaviour::Files(stale_dir.path().into()));
    let garbage = Server::start(Behaviour::Fixed(200, b"<html><body>It works!</body></html>".to_vec()));
    let slow = Server::start(Behaviour::Slow(Duration::from_secs(8), format!("{stamp} x\n").into_bytes()));
    let huge = Server::start(Behaviour::Fixed(200, vec![b'1'; 1 << 20]));
    let missing = Server::start(Behaviour::Fixed(404, b"no".to_vec()));
    let plain = Server::start(Behaviour::Fixed(200, format!("{stamp} x\n").into_bytes()));
    let partial = Server::start(Behaviour::Files(fresh_dir.path().into()));
    let down_port = closed_port();
    f.write(
        "mirrors.yaml",
        &registry(&[
            mirror("fresh", ("DE", "EU", 50.1, 8.7), 1000, &fresh.url(), ""),
            mirror("stale", ("FR", "EU", 48.9, 2.3), 1000, &stale.url(), ""),
            mirror("down", ("NL", "EU", 52.4, 4.9), 1000, &format!("http://127.0.0.1:{down_port}/"), ""),
            mirror("garbage", ("GB", "EU", 51.5, -0.1), 1000, &garbage.url(), ""),
            mirror("slow", ("IT", "EU", 41.9, 12.5), 1000, &slow.url(), ""),
            mirror("huge", ("ES", "EU", 40.4, -3.7), 1000, &huge.url(), ""),
            mirror("missing", ("PL", "EU", 52.2, 21.0), 1000, &missing.url(), ""),
            mirror("tls", ("SE", "EU", 59.3, 18.1), 1000, &format!("https://127.0.0.1:{}/", plain.port), ""),
            mirror("partial", ("AT", "EU", 48.2, 16.4), 1000, &partial.url(), "    include: [beta]\n"),
        ]),
    );
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &stamp.to_string())]).ok();
    assert_eq!(f.read("dist/zzz/time.txt"), format!("{stamp} dist.example.org\n"));

    let run = f.closer(&["probe", "--timeout", "2"]);
    run.ok();
    assert!(run.stderr.contains("probed 9 mirrors: 3 up (1 behind the primary), 6 down"), "{}", run.stderr);
    // Behind, said so with the states' times (it was a raw stamp, and counted up alone).
    assert!(run.stdout.lines().any(|l| l.starts_with("stale") && l.contains("behind: it has the primary's state of")));
    let state = json(&f, "probe.json");
    assert_eq!(state["primary_stamp"], stamp);
    let m = |id: &str| state["mirrors"][id].clone();
    let error = |id: &str| m(id)["error"].as_str().unwrap_or_default().to_string();
    assert_eq!(m("fresh")["ok"], true);
    assert_eq!(m("fresh")["stamp"], stamp);
    assert_eq!(m("stale")["ok"], true);
    assert_eq!(m("stale")["stamp"], stamp - 100);
    for id in ["down", "garbage", "slow", "huge", "missing", "tls"] {
        assert_eq!(m(id)["ok"], false, "{id}");
        assert!(m(id).get("stamp").is_none(), "{id}");
        assert_eq!(m(id)["history"].as_array().unwrap().len(), 1, "{id}");
    }
    assert!(error("down").contains("refused"), "{}", error("down"));
    assert!(error("garbage").contains("not a stamp file"), "{}", error("garbage"));
    assert!(error("slow").contains("timed out"), "{}", error("slow"));
    assert!(error("huge").contains("larger than"), "{}", error("huge"));
    assert!(error("missing").contains("HTTP 404"), "{}", error("missing"));
    assert!(!error("tls").is_empty());
    assert!(m("fresh")["latency_ms"].as_u64().is_some());

    judged(&f, stamp, [&fresh.url(), &stale.url(), &partial.url()]);
}

/// The build after the probe judges the mirrors: up, stale (behind for three days),
/// down; the pages and Metalinks say so. `urls`: the fresh, stale and partial mirrors'.
fn judged(f: &Fixture, stamp: i64, urls: [&str; 3]) {
    let [fresh, stale, partial] = urls;
    f.closer(&["build"]).ok();
    let site = json(f, "site/mirrors.json");
    assert_eq!(site["primary"]["stamp"], stamp);
    assert_eq!(site_mirror(&site, "fresh")["status"], "up");
    assert_eq!(site_mirror(&site, "stale")["status"], "stale");
    assert!(site_mirror(&site, "stale")["lag"].as_i64().unwrap() >= 3 * DAY - 60);
    assert_eq!(site_mirror(&site, "down")["status"], "down");
    assert_eq!(site_mirror(&site, "partial")["projects"], serde_json::json!(["beta"]));
    let page = f.read("site/mirrors.html");
    assert!(page.contains(r#"<tr id="mirror-stale" class="status-stale">"#));
    assert!(page.contains(r#"<tr id="mirror-down" class="status-down">"#));
    assert!(page.contains("connection refused"));
    let own = f.read("site/mirrors/stale.html");
    assert!(own.contains("<svg class=\"lag\""), "the lag chart is on the mirror's page");
    assert!(page.contains("<a href=\"mirrors/stale.html\">"), "linked from the mirrors page");
    assert!(page.contains("2 up, 1 stale, 6 down, 0 not probed"), "counts");

    // Metalinks list the mirrors serving the file, then the primary.
    let meta = f.read("site/alpha/1.10/alpha-1.10.tar.gz.meta4");
    assert!(meta.contains(&format!("<url location=\"de\" priority=\"1\">{fresh}alpha/1.10/alpha-1.10.tar.gz</url>")));
    assert!(meta.contains("<url priority=\"100\">https://dist.example.org/dist/alpha/1.10/alpha-1.10.tar.gz</url>"));
    assert!(!meta.contains(stale), "a stale mirror serves nothing");
    assert!(!meta.contains(partial), "the partial mirror does not carry alpha");
    assert!(f.read("site/beta/0.1/beta-0.1.tar.gz.meta4").contains(partial));
    // The site-wide pages state when mirrors were probed; a download page leaves the
    // time to closer.js (from status.json), or it would change with every probe.
    assert!(f.read("site/index.html").contains("mirrors last probed <time"));
    assert!(f.read("site/alpha/index.html").contains("id=\"closer-probed\">probed</a>"));
}

#[test]
fn probe_history_is_bounded_and_a_bad_state_is_kept_aside() {
    let f = Fixture::new();
    let up = mirror_dir(1000);
    let server = Server::start(Behaviour::Files(up.path().into()));
    f.write("mirrors.yaml", &registry(&[mirror("one", ("DE", "EU", 50.1, 8.7), 100, &server.url(), "")]));
    f.closer(&["probe", "-q"]).ok();
    f.closer(&["probe", "-q"]).ok();
    let state = json(&f, "probe.json");
    assert_eq!(state["mirrors"]["one"]["history"].as_array().unwrap().len(), 2);

    // 200 old samples: the oldest one goes.
    let mut s = state.clone();
    let sample = serde_json::json!({"at": 5, "ok": false});
    s["mirrors"]["one"]["history"] = Value::Array(vec![sample; 200]);
    f.write("probe.json", &serde_json::to_string(&s).unwrap());
    f.closer(&["probe", "-q"]).ok();
    let h = json(&f, "probe.json")["mirrors"]["one"]["history"].as_array().unwrap().clone();
    assert_eq!(h.len(), 200);
    assert_eq!(h[199]["ok"], true);
    assert_eq!(h[199]["stamp"], 1000);

    // A build refuses a state file it cannot read, naming it; probe keeps it aside and starts over.
    f.write("probe.json", "{ not json");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("probe.json:1:3") && run.stderr.contains("closer probe"), "{}", run.stderr);
    f.closer(&["build", "--lists-only"]).ok(); // the mirror lists do not need the probe state
    let run = f.closer(&["probe", "-q"]);
    run.ok();
    assert!(run.stderr.contains("probe.json.bad"), "{}", run.stderr);
    assert_eq!(f.read("probe.json.bad"), "{ not json");
    assert_eq!(json(&f, "probe.json")["mirrors"]["one"]["history"].as_array().unwrap().len(), 1);
    // Bad usage.
    assert_eq!(f.closer(&["probe", "--jobs", "0"]).code, 2);
}

/// Two mirrors in `f`'s registry, served over HTTP: `old` synced at t1, `new` at t2.
fn old_and_new(f: &Fixture, t1: i64, t2: i64) -> [(tempfile::TempDir, Server); 2] {
    let (old, new) = (mirror_dir(t1), mirror_dir(t2));
    let (s_old, s_new) =
        (Server::start(Behaviour::Files(old.path().into())), Server::start(Behaviour::Files(new.path().into())));
    f.write(
        "mirrors.yaml",
        &registry(&[
            mirror("old", ("DE", "EU", 50.1, 8.7), 100, &s_old.url(), ""),
            mirror("new", ("FR", "EU", 48.9, 2.3), 100, &s_new.url(), ""),
        ]),
    );
    [(old, s_old), (new, s_new)]
}

#[test]
fn since_stamps_persist_and_gate_mirrors() {
    let f = Fixture::new();
    let (t1, t2) = (now() - 2 * DAY, now() - DAY / 2);
    let [(_old, s_old), (_new, s_new)] = old_and_new(&f, t1, t2);
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &t1.to_string())]).ok();
    let since = f.read("dist/zzz/since");
    assert!(since.contains(&format!("{t1}\t")) && since.contains("alpha/1.10/alpha-1.10.tar.gz"), "{since}");
    assert!(!since.contains("alpha/1.0/"), "archived releases have no since");

    // A new release, published later; the cache is lost on the way.
    f.write("dist/beta/0.2/beta-0.2.tar.gz", "beta 0.2\n");
    f.sign();
    std::fs::remove_dir_all(f.path(".closer-cache")).unwrap();
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &t2.to_string())]).ok();
    let since = f.read("dist/zzz/since");
    let stamp_of = |rel: &str| -> i64 {
        since.lines().find(|l| l.ends_with(&format!("\t{rel}"))).unwrap().split('\t').next().unwrap().parse().unwrap()
    };
    assert_eq!(stamp_of("alpha/1.10/alpha-1.10.tar.gz"), t1, "a rebuild keeps the old since");
    assert_eq!(stamp_of("beta/0.2/beta-0.2.tar.gz"), t2);
    // The page carries each file's since.
    let page = f.read("site/beta/index.html");
    assert!(
        page.contains(&format!("data-path=\"beta/0.2/beta-0.2.tar.gz\" data-project=\"beta\" data-since=\"{t2}\""))
    );

    // The mirror at t1 serves alpha but not the new beta; the one at t2 serves both.
    f.closer(&["probe", "-q"]).ok();
    f.closer(&["build"]).ok();
    assert_eq!(f.read("dist/zzz/time.txt"), format!("{t2} dist.example.org\n"), "nothing new, no new stamp");
    let beta = f.read("site/beta/0.2/beta-0.2.tar.gz.meta4");
    assert!(beta.contains(&s_new.url()) && !beta.contains(&s_old.url()), "{beta}");
    let alpha = f.read("site/alpha/1.10/alpha-1.10.tar.gz.meta4");
    assert!(alpha.contains(&s_new.url()) && alpha.contains(&s_old.url()), "{alpha}");
    let site = json(&f, "site/mirrors.json");
    // The old mirror has been missing beta 0.2 for half a day: behind, but not stale yet.
    assert_eq!(site_mirror(&site, "old")["status"], "up");
    assert!(site_mirror(&site, "old")["lag"].as_i64().unwrap() >= DAY / 2 - 60);
    assert_eq!(site_mirror(&site, "new")["lag"], 0);
}

#[test]
fn a_lag_counts_from_the_first_stamp_after_the_mirrors_even_once_its_files_are_archived() {
    let f = Fixture::new();
    let (t1, t2, t3, t4) = (now() - 2 * DAY, now() - DAY / 2, now() - DAY / 3, now() - DAY / 4);
    let old = mirror_dir(t1);
    let s_old = Server::start(Behaviour::Files(old.path().into()));
    f.write("mirrors.yaml", &registry(&[mirror("old", ("DE", "EU", 50.1, 8.7), 100, &s_old.url(), "")]));
    let release = |v: &str, at: i64| {
        f.write(&format!("dist/beta/{v}/beta-{v}.tar.gz"), &format!("beta {v}\n"));
        f.sign();
        let run = f.closer_env(&["build", "--stats"], &[("SOURCE_DATE_EPOCH", &at.to_string())]);
        run.ok();
        run
    };
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &t1.to_string())]).ok();
    // Two builds before the next probe: beta 0.2 moves the primary past the mirror at
    // t2, beta 0.3 to t3. The probe sees the mirror at t1 and the primary at t3.
    release("0.2", t2);
    release("0.3", t3);
    let stamps: Vec<String> = [t1, t2, t3].iter().map(i64::to_string).collect();
    assert_eq!(f.read("dist/zzz/stamps").lines().skip(1).collect::<Vec<_>>(), stamps);
    f.closer(&["probe", "-q"]).ok();
    let probed = json(&f, "probe.json")["probed_at"].as_i64().unwrap();
    f.closer(&["build"]).ok();
    let lag = || site_mirror(&json(&f, "site/mirrors.json"), "old")["lag"].as_i64().unwrap();
    assert_eq!(lag(), probed - t2, "behind since beta 0.2 came");
    // beta 0.4 archives 0.2 (keep: 2): no current file has the stamp t2 any more. The
    // mirror is still behind since t2.
    release("0.4", t4);
    assert!(!f.read("dist/zzz/since").contains(&format!("{t2}\t")), "beta 0.2 left the mirror lists");
    assert_eq!(lag(), probed - t2, "still behind since t2, not since t3");
    let archived = f.closer(&["status", "beta", "0.2"]);
    assert_eq!(archived.code, 2, "{}", archived.stderr);
    assert!(archived.stderr.contains("beta 0.2 is archived: no longer on the mirrors"), "{}", archived.stderr);
    // The mirror catches up and is probed. Its history still holds the probe at
    // t1, whose lag counts from t2: nothing is forgotten until that sample is.
    std::fs::write(old.path().join("zzz/time.txt"), format!("{t4} dist.example.org\n")).unwrap();
    f.closer(&["probe", "-q"]).ok();
    f.closer(&["build"]).ok();
    let stamps: Vec<String> = [t1, t2, t3, t4].iter().map(i64::to_string).collect();
    assert_eq!(f.read("dist/zzz/stamps").lines().skip(1).collect::<Vec<_>>(), stamps);
    assert_eq!(lag(), 0);
}

#[test]
fn a_probe_renders_only_the_projects_whose_mirrors_changed() {
    let f = Fixture::new();
    let (t1, t2) = (now() - 2 * DAY, now() - DAY / 2);
    let [(old, s_old), (new, _s_new)] = old_and_new(&f, t1, t2);
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &t1.to_string())]).ok();
    f.write("dist/beta/0.2/beta-0.2.tar.gz", "beta 0.2\n");
    f.sign();
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &t2.to_string())]).ok();
    let probe_and_build = || {
        f.closer(&["probe", "-q"]).ok();
        let run = f.closer(&["build", "--stats"]);
        run.ok();
        run
    };
    probe_and_build();
    let status = || json(&f, "site/status.json");
    let serving = |id: &str| status()["serving"][id][0].as_i64();
    assert_eq!((serving("old"), serving("new")), (Some(t1), Some(t2)));
    let (alpha, beta) = (f.read("site/alpha/index.html"), f.read("site/beta/index.html"));
    let probed = status()["probed_at"].as_i64().unwrap();
    // A copy serves once its mirror has the unit's newest file: old lacks beta 0.2.
    let copies_serving = || {
        let doc: Value = serde_json::from_str(&f.closer(&["copies", "--json"]).stdout).unwrap();
        let of = |p: &str| {
            doc["projects"].as_array().unwrap().iter().find(|x| x["project"] == p).unwrap()["serving"].clone()
        };
        (of("alpha"), of("beta"))
    };
    assert_eq!(copies_serving(), (2.into(), 1.into()));

    // Probed again, nothing changed but the times: no project's pages are made again;
    // the probe's time is in status.json and on the site-wide pages.
    std::thread::sleep(Duration::from_millis(1100));
    let run = probe_and_build();
    assert_eq!(f.closer(&["probe", "-q"]).stderr, "", "-q: nothing changed, nothing said");
    assert_eq!(run.stat("site_projects_rendered"), "0", "{}", run.stderr);
    assert!(status()["probed_at"].as_i64().unwrap() > probed);
    assert_eq!((f.read("site/alpha/index.html"), f.read("site/beta/index.html")), (alpha.clone(), beta.clone()));
    assert!(f.read("site/index.html").contains("last probed <time"));
    assert!(alpha.contains("id=\"closer-probed\">probed</a>"), "the project's footer leaves the time to closer.js");

    // The old mirror catches up with beta 0.2: beta's pages change, alpha's do not.
    std::fs::write(old.path().join("zzz/time.txt"), format!("{t2} dist.example.org\n")).unwrap();
    let run = probe_and_build();
    assert_eq!(run.stat("site_projects_rendered"), "1", "{}", run.stderr);
    assert_eq!(serving("old"), Some(t2));
    assert_eq!(copies_serving(), (2.into(), 2.into()));
    assert!(f.read("site/beta/0.2/beta-0.2.tar.gz.meta4").contains(&s_old.url()));
    assert_eq!(f.read("site/alpha/index.html"), alpha);

    // The new mirror breaks: every project it carries says so. A quiet probe tells it
    // once, and again when it is back.
    std::fs::remove_file(new.path().join("zzz/time.txt")).unwrap();
    let quiet = || f.closer(&["probe", "-q"]).stderr;
    let told = quiet();
    assert!(told.starts_with("new: DOWN: HTTP 404") && told.contains("1 up, 1 down"), "{told}");
    assert_eq!(quiet(), "");
    let run = probe_and_build();
    assert_ne!(run.stat("site_projects_rendered"), "0", "{}", run.stderr);
    assert_eq!(serving("new"), None);
    for p in ["alpha", "beta"] {
        let page = f.read(&format!("site/{p}/index.html"));
        assert!(page.contains("data-mirror=\"new\" class=\"status-down\""), "{p}");
        assert!(!f.read(&format!("site/{p}/mirrors.json")).contains("\"synced_at\""));
    }
    std::fs::write(new.path().join("zzz/time.txt"), format!("{t2} dist.example.org\n")).unwrap();
    assert!(quiet().starts_with("new: up again\n"));
}

/// A mirror's redirect is followed within its own host only: one to another host (an
/// admin page on the primary's network, a cloud's metadata address) is its error, and
/// what a mirror answers instead of a stamp is never published.
#[test]
fn a_mirrors_redirect_is_followed_within_its_own_host_only() {
    let f = Fixture::new();
    let stamp = now() - DAY;
    let dir = mirror_dir(stamp);
    let files = Server::start(Behaviour::Files(dir.path().into()));
    let moved = Server::start(Behaviour::Redirect(files.url()));
    let secret = Server::start(Behaviour::Fixed(200, b"SECRET-TOKEN internal only".to_vec()));
    let elsewhere = Server::start(Behaviour::Redirect(format!("http://localhost:{}/", secret.port)));
    let garbage = Server::start(Behaviour::Fixed(200, b"SECRET-TOKEN internal only".to_vec()));
    f.write(
        "mirrors.yaml",
        &registry(&[
            mirror("moved", ("DE", "EU", 50.1, 8.7), 1000, &moved.url(), ""),
            mirror("elsewhere", ("FR", "EU", 48.9, 2.3), 1000, &elsewhere.url(), ""),
            mirror("garbage", ("NL", "EU", 52.4, 4.9), 1000, &garbage.url(), ""),
        ]),
    );
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &stamp.to_string())]).ok();
    f.closer(&["probe", "-q"]).ok();
    let state = json(&f, "probe.json");
    assert_eq!(state["mirrors"]["moved"]["stamp"], stamp, "{state:#}");
    let error = state["mirrors"]["elsewhere"]["error"].as_str().unwrap_or_default().to_string();
    assert!(error.contains("redirects to another host (localhost)"), "{error}");
    assert_eq!(secret.hits.load(std::sync::atomic::Ordering::SeqCst), 0, "never asked");
    f.closer(&["build"]).ok();
    assert!(!f.read("probe.json").contains("SECRET") && !f.read("site/mirrors.html").contains("SECRET"));
}

/// One build on a primary whose clock ran two hours ahead: its index was "made in the
/// future", which every mirror-sync refused until real time passed it, and the probe
/// called its up-to-date mirrors down ("the stamp lies in the future"). The next build
/// signs the index anew; a mirror with the primary's own stamp is up.
#[test]
fn a_build_with_its_clock_ahead_leaves_no_index_from_the_future_and_no_mirror_down() {
    let f = Fixture::new();
    let g = crate::gpg::Gpg::new();
    let fpr = g.generate("Site <site@example.org>", "ed25519", "", None);
    f.write("site.sec.asc", &g.export_secret(&fpr, ""));
    let ahead = now() + 2 * 3600;
    let dir = mirror_dir(ahead);
    let server = Server::start(Behaviour::Files(dir.path().into()));
    f.write("mirrors.yaml", &registry(&[mirror("de", ("DE", "EU", 50.1, 8.7), 1000, &server.url(), "")]));
    f.closer_env(&["build", "--site-key", "site.sec.asc"], &[("SOURCE_DATE_EPOCH", &ahead.to_string())]).ok();
    let made = |f: &Fixture| -> i64 {
        let index = f.read("dist/zzz/index");
        index.lines().find_map(|l| l.strip_prefix("made ")).unwrap().parse().unwrap()
    };
    assert_eq!(made(&f), ahead);
    // The clock set right: the same lists, the index signed anew, now.
    f.closer(&["build", "--site-key", "site.sec.asc"]).ok();
    assert!(made(&f) <= now() + 300, "made {} is still ahead", made(&f));
    let run = f.closer(&["probe", "--timeout", "2"]);
    run.ok();
    assert!(run.stderr.contains("1 up, 0 down"), "{}", run.stderr);
}
