//! closer.js in real headless Chromium: the visitor's time zone picks a nearby mirror
//! that has the file; lagging mirrors and backups are passed over; `?preferred=`,
//! `?update=` and the picker work and the choice survives a reload; without JavaScript
//! every link still goes to the primary; hostile text in every field never runs.

use crate::http::{Behaviour, Server};
use crate::probe::{DAY, mirror, mirror_dir, now, registry};
use crate::util::Fixture;
use crate::webdriver::Browser;

pub(crate) struct Demo {
    pub(crate) f: Fixture,
    pub(crate) site: Server,
    pub(crate) _mirrors: Vec<(tempfile::TempDir, Server)>,
    pub(crate) t1: i64,
}

/// A fixture published at t1 (alpha 1.9 and 1.10, beta 0.1) and t2 (beta 0.2), probed
/// mirrors around the world, and the built site served over HTTP.
pub(crate) fn demo() -> Demo {
    let f = Fixture::new();
    let (t1, t2) = (now() - 2 * DAY, now() - 3600);
    // id, place, bandwidth, stamp, extra registry lines
    type Spec<'a> = (&'a str, (&'a str, &'a str, f64, f64), u64, i64, &'a str);
    let spec: Vec<Spec> = vec![
        ("jp", ("JP", "AS", 36.08, 140.10), 1000, t2, ""),
        ("jp-lag", ("JP", "AS", 35.68, 139.69), 10000, t1, ""),
        ("jp-backup", ("JP", "AS", 35.69, 139.70), 10000, t2, "    backup: true\n"),
        ("de", ("DE", "EU", 50.11, 8.68), 1000, t2, ""),
        ("nl", ("NL", "EU", 52.37, 4.90), 1000, t1, ""),
        ("br", ("BR", "SA", -23.55, -46.63), 1000, t2, ""),
        ("in", ("IN", "AS", 19.08, 72.88), 1000, t2, ""),
        ("us", ("US", "NA", 40.71, -74.0), 1000, t2, ""),
    ];
    let mut mirrors = Vec::new();
    let mut entries = Vec::new();
    for (id, place, bw, stamp, extra) in spec {
        let dir = mirror_dir(stamp);
        let server = Server::start(Behaviour::Files(dir.path().into()));
        entries.push(mirror(id, place, bw, &server.url(), extra));
        mirrors.push((dir, server));
    }
    f.write("mirrors.yaml", &registry(&entries));
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &t1.to_string())]).ok();
    f.write("dist/beta/0.2/beta-0.2.tar.gz", "beta 0.2\n");
    f.sign();
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &t2.to_string())]).ok();
    f.closer(&["probe", "-q"]).ok();
    f.closer(&["build"]).ok();
    let site = Server::start(Behaviour::Files(f.path("site")));
    Demo { f, site, _mirrors: mirrors, t1 }
}

/// `YYYYMMDDhhmm` in UTC.
fn update_param(ts: i64) -> String {
    let (y, mo, d, h, mi, _) = closer::util::text::civil(ts);
    format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}")
}

/// The footer's "last probed" time: the probe's, which the page leaves out (a probe
/// renders no project), from the site's status.json.
fn probed_footer(b: &Browser, demo: &Demo) {
    let probed = demo.f.read("site/status.json");
    let at: serde_json::Value = serde_json::from_str(&probed).unwrap();
    let (y, mo, d, h, mi, _) = closer::util::text::civil(at["probed_at"].as_i64().unwrap());
    let footer = b.js("return document.getElementById('closer-probed').textContent;");
    assert_eq!(footer.as_str().unwrap(), format!("last probed {y:04}-{mo:02}-{d:02} {h:02}:{mi:02} UTC"));
}

/// Auckland: every mirror is far; the note does not call the one chosen nearby.
#[test]
fn a_far_mirror_is_not_called_nearby() {
    let demo = demo();
    let b = Browser::start("Pacific/Auckland", true);
    b.goto(&format!("{}beta/index.html", demo.site.url()));
    b.wait_closer();
    let note = b.js("return document.querySelector('a.download[data-path$=\"beta-0.2.tar.gz\"] + .via').textContent;");
    assert!(note.as_str().unwrap().ends_with(" · the nearest that has it"), "{note}");
}

#[test]
fn closer_js_picks_a_near_mirror_that_has_the_file() {
    let demo = demo();
    let beta = format!("{}beta/index.html", demo.site.url());
    let alpha = format!("{}alpha/index.html", demo.site.url());

    // Tokyo: the nearest mirror lacks beta 0.2 (its stamp predates the file), the backup
    // is not needed, so jp serves it; beta 0.1 may come from either Tokyo-area mirror.
    let b = Browser::start("Asia/Tokyo", true);
    for _ in 0..3 {
        b.goto(&beta);
        assert_eq!(b.wait_closer(), "ready");
        assert_eq!(b.chosen("beta-0.2.tar.gz"), "jp");
        let old = b.chosen("beta-0.1.tar.gz");
        assert!(old == "jp" || old == "jp-lag", "{old}");
    }
    let href = b.js("return document.querySelector('a.download[data-path$=\"beta-0.2.tar.gz\"]').href;");
    assert_eq!(href.as_str().unwrap(), format!("{}beta/0.2/beta-0.2.tar.gz", demo._mirrors[0].1.url()));
    let note = b.js("return document.querySelector('a.download[data-path$=\"beta-0.2.tar.gz\"] + .via').textContent;");
    assert!(
        note.as_str().is_some_and(|n| n.starts_with("from Mirror jp (JP), synced ") && n.ends_with(" · nearby")),
        "{note}"
    );
    probed_footer(&b, &demo);

    // ?preferred= wins and is remembered; the picker changes it and that is remembered too.
    b.goto(&format!("{beta}?preferred=br"));
    b.wait_closer();
    assert_eq!(b.chosen("beta-0.2.tar.gz"), "br");
    b.goto(&beta);
    b.wait_closer();
    assert_eq!(b.chosen("beta-0.2.tar.gz"), "br", "the preference survives a new visit");
    b.click("#closer-mirror option[value=\"de\"]");
    assert_eq!(b.chosen("beta-0.2.tar.gz"), "de");
    b.refresh();
    b.wait_closer();
    assert_eq!(b.chosen("beta-0.2.tar.gz"), "de", "the picked mirror survives a reload");
    assert_eq!(b.js("return document.getElementById('closer-mirror').value;"), "de");
    // A preferred mirror that lacks the file is not used for it.
    b.goto(&format!("{beta}?preferred=nl"));
    b.wait_closer();
    assert_eq!(b.chosen("beta-0.2.tar.gz"), "jp");
    assert_eq!(b.chosen("beta-0.1.tar.gz"), "nl");
    b.click("#closer-mirror option[value=\"\"]");
    assert_eq!(b.chosen("beta-0.2.tar.gz"), "jp", "back to automatic");
    b.refresh();
    b.wait_closer();
    assert_eq!(b.chosen("beta-0.2.tar.gz"), "jp");
    drop(b);

    // Berlin: Frankfurt and Amsterdam are both near enough to share the load; with
    // ?update= only the one synced since then.
    let b = Browser::start("Europe/Berlin", true);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..12 {
        b.goto(&alpha);
        b.wait_closer();
        seen.insert(b.chosen("alpha-1.10.tar.gz"));
    }
    assert!(seen.iter().all(|m| m == "de" || m == "nl"), "{seen:?}");
    b.goto(&format!("{alpha}?update={}", update_param(demo.t1 + 120)));
    b.wait_closer();
    for _ in 0..3 {
        b.refresh();
        b.wait_closer();
        assert_eq!(b.chosen("alpha-1.10.tar.gz"), "de");
    }
    drop(b);

    for (tz, want) in [("America/Sao_Paulo", "br"), ("Asia/Calcutta", "in"), ("US/Eastern", "us")] {
        let b = Browser::start(tz, true);
        b.goto(&beta);
        b.wait_closer();
        assert_eq!(b.chosen("beta-0.2.tar.gz"), want, "TZ={tz}");
    }

    without_javascript(&demo, &beta);
}

/// Without JavaScript every download link goes to the primary, and the page lists the mirrors.
fn without_javascript(demo: &Demo, beta: &str) {
    let b = Browser::start("Asia/Tokyo", false);
    b.goto(beta);
    let hrefs = b.js("return Array.from(document.querySelectorAll('a.download')).map(a => a.href);");
    let hrefs = hrefs.as_array().unwrap();
    // The opening download (beta 0.2's source) and the two releases' files.
    assert_eq!(hrefs.len(), 3);
    for h in hrefs {
        assert!(h.as_str().unwrap().starts_with("https://dist.example.org/dist/beta/"), "{h}");
    }
    assert_eq!(b.js("return document.documentElement.getAttribute('data-closer');"), serde_json::Value::Null);
    let html = demo.f.read("site/beta/index.html");
    assert!(html.contains("<section class=\"page-mirrors\" id=\"mirrors\">") && html.contains("Mirror jp-lag"));
}

#[test]
fn hostile_text_never_runs() {
    let f = Fixture::new();
    let up = mirror_dir(now());
    let server = Server::start(Behaviour::Files(up.path().into()));
    // Payloads that break out of an attribute, a text node, a script string, or JSON.
    let p = |tag: &str| {
        format!(
            "\\\"'><img src=x onerror=window.__xss='{tag}'><script>window.__xss='{tag}'</script></script><svg onload=window.__xss='{tag}'>"
        )
    };
    let yaml = |s: String| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let m = format!(
        "  - id: evil\n    name: {}\n    sponsor: {}\n    logo: \"https://logo.example.net/x\\\"onerror=\\\"window.__xss=1.png\"\n    country: DE\n    continent: EU\n    lat: 50\n    lon: 8\n    bandwidth: 10\n    urls:\n      http: {}\n",
        yaml(p("name")),
        yaml(p("sponsor")),
        server.url()
    );
    let reg = registry(&[m]).replace("name: Test Foundation", &format!("name: {}", yaml(p("primary"))));
    f.write("mirrors.yaml", &reg);
    let matter = |fields: &[&str]| fields.iter().map(|k| format!("{k}: {}\n", yaml(p(k)))).collect::<String>();
    f.write("content/_index.md", &format!("---\n{}---\n{}\n", matter(&["title", "description"]), p("intro")));
    f.write(
        "content/alpha.md",
        &format!(
            "---\n{}homepage: \"javascript:window.__xss='home'\"\n---\n{}\n",
            matter(&["title", "description"]),
            p("body")
        ),
    );
    f.write(
        "content/alpha/1.10.md",
        &format!("---\n{}---\n{}\n\n[x](javascript:window.__xss='link')\n", matter(&["title"]), p("notes")),
    );
    // A homepage that is not an http(s) URL is refused; then a plain one is used.
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("homepage \"javascript:"), "{}", run.stderr);
    let page = f.read("content/alpha.md").replace("javascript:window.__xss='home'", "https://alpha.example.org/");
    f.write("content/alpha.md", &page);
    f.closer(&["probe", "-q"]).ok();
    f.closer(&["build"]).ok();
    let site = Server::start(Behaviour::Files(f.path("site")));
    let b = Browser::start("Europe/Berlin", true);
    for page in ["index.html", "mirrors.html", "alpha/index.html", "alpha/1.10/index.html", "beta/index.html"] {
        b.goto(&format!("{}{page}", site.url()));
        if page != "index.html" && page != "mirrors.html" {
            assert_eq!(b.wait_closer(), "ready", "{page}");
        }
        // Let anything that would run, run.
        std::thread::sleep(std::time::Duration::from_millis(200));
        let xss = b.js("return window.__xss === undefined ? null : String(window.__xss);");
        assert_eq!(xss, serde_json::Value::Null, "a payload ran on {page}");
        let imgs = b.js("return document.querySelectorAll('img[onerror], svg[onload], script:not([src])').length;");
        assert_eq!(imgs, 0, "{page} grew an element from a payload");
    }
    // The mirror's name reached the picker and the link note as text.
    b.goto(&format!("{}alpha/index.html", site.url()));
    b.wait_closer();
    let note = b.js("return document.querySelector('.via').textContent;");
    assert!(note.as_str().unwrap().contains("<img src=x"), "{note}");
}

#[test]
fn zone_table_resolves_legacy_names() {
    let dir = tempfile::tempdir().unwrap();
    let w = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    w("zone1970.tab", "# comment\nJP\t+353916+1394441\tAsia/Tokyo\nIN\t+2232+08822\tAsia/Kolkata\n");
    w("zone.tab", "NO\t+5955+01045\tEurope/Oslo\nJP\t+3539+13944\tAsia/Tokyo\n");
    w("backward", "Link\tAsia/Kolkata\tAsia/Calcutta\nLink\tAsia/Calcutta\tAsia/Old_Calcutta\nLink\tEtc/UTC\tUTC\n");
    let out =
        std::process::Command::new(crate::util::repo().join("scripts/make-zones")).arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let js = String::from_utf8(out.stdout).unwrap();
    assert!(
        js.contains("\"Asia/Tokyo\":[35.65,139.74]"),
        "seconds are minutes/60 + seconds/3600, zone1970.tab first:\n{js}"
    );
    assert!(js.contains("\"Asia/Calcutta\":[22.53,88.37]"), "{js}");
    assert!(js.contains("\"Asia/Old_Calcutta\":[22.53,88.37]"), "links to links resolve");
    assert!(js.contains("\"Europe/Oslo\":[59.92,10.75]"), "zone.tab adds zones zone1970.tab merged");
    assert!(!js.contains("\"UTC\""), "a link to a zone without a place is left out");
    // The committed table covers the names browsers report.
    let table =
        std::fs::read_to_string(crate::util::repo().join("src/output/render/default_templates/zones.js")).unwrap();
    for z in ["Asia/Tokyo", "Europe/Berlin", "America/Sao_Paulo", "Asia/Calcutta", "US/Eastern", "Europe/Kiev"] {
        assert!(table.contains(&format!("\"{z}\":[")), "zones.js lacks {z}");
    }
}

#[test]
fn backups_only_when_nothing_else_has_the_file_and_the_primary_when_none_does() {
    let f = Fixture::new();
    let (t1, t2) = (now() - 2 * DAY, now() - 3600);
    let main_dir = mirror_dir(t1);
    let backup_dir = mirror_dir(t2);
    let main = Server::start(Behaviour::Files(main_dir.path().into()));
    let backup = Server::start(Behaviour::Files(backup_dir.path().into()));
    f.write(
        "mirrors.yaml",
        &registry(&[
            mirror("main", ("DE", "EU", 50.1, 8.7), 10000, &main.url(), ""),
            mirror("bk", ("DE", "EU", 50.2, 8.8), 10000, &backup.url(), "    backup: true\n"),
        ]),
    );
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &t1.to_string())]).ok();
    f.write("dist/beta/0.2/beta-0.2.tar.gz", "beta 0.2\n");
    f.sign();
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &t2.to_string())]).ok();
    f.closer(&["probe", "-q"]).ok();
    // A release published after the probe: no mirror can have it yet.
    f.write("dist/alpha/1.11/alpha-1.11.tar.gz", "alpha 1.11\n");
    f.sign();
    f.closer(&["build"]).ok();
    let site = Server::start(Behaviour::Files(f.path("site")));
    let b = Browser::start("Europe/Berlin", true);
    b.goto(&format!("{}beta/index.html", site.url()));
    assert_eq!(b.wait_closer(), "ready");
    assert_eq!(b.chosen("beta-0.2.tar.gz"), "bk", "only the backup has it");
    assert_eq!(b.chosen("beta-0.1.tar.gz"), "main", "the backup waits while another mirror has it");
    b.goto(&format!("{}alpha/index.html", site.url()));
    b.wait_closer();
    assert_eq!(b.chosen("alpha-1.11.tar.gz"), "primary");
    let href = b.js("return document.querySelector('a.download[data-path$=\"alpha-1.11.tar.gz\"]').href;");
    assert_eq!(href, "https://dist.example.org/dist/alpha/1.11/alpha-1.11.tar.gz");
    let note =
        b.js("return document.querySelector('a.download[data-path$=\"alpha-1.11.tar.gz\"] + .via').textContent;");
    assert_eq!(note, "from Test Foundation (no mirror has this file yet)");
}

/// A published file whose bytes changed on the primary (issue 31): its project is held,
/// a mirror with the verified bytes still serves it, and when none can, the link goes
/// nowhere rather than to the primary's changed copy; the project's other files still
/// fall back to the primary.
#[test]
fn a_file_changed_after_publication_is_never_sent_to_the_primary() {
    let demo = demo();
    demo.f.write("dist/beta/0.2/beta-0.2.tar.gz", "beta 0.2, replaced\n");
    let run = demo.f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("beta: held") && run.stderr.contains("changed after it was published"),
        "{}",
        run.stderr
    );
    let beta = format!("{}beta/index.html", demo.site.url());
    let b = Browser::start("Asia/Tokyo", true);
    b.goto(&beta);
    assert_eq!(b.wait_closer(), "ready");
    assert_eq!(b.chosen("beta-0.2.tar.gz"), "jp", "a mirror has the published bytes");
    // Asking for mirrors synced after every mirror's stamp: none qualifies.
    b.goto(&format!("{beta}?update={}", update_param(now() + 3600)));
    assert_eq!(b.wait_closer(), "ready");
    assert_eq!(b.chosen("beta-0.2.tar.gz"), "none");
    let href =
        b.js("return document.querySelector('a.download[data-path$=\"beta-0.2.tar.gz\"]').getAttribute('href');");
    assert_eq!(href, serde_json::Value::Null, "no link to the primary's changed copy");
    let note = b.js("return document.querySelector('a.download[data-path$=\"beta-0.2.tar.gz\"] + .via').textContent;");
    assert!(note.as_str().unwrap().contains("changed after it was published"), "{note}");
    assert_eq!(b.chosen("beta-0.1.tar.gz"), "primary", "the unchanged file still falls back to the primary");
}

/// A partial mirror given another project (its `include` widened; a capacity mirror
/// assigned one does the same) has, until it syncs again, a stamp newer than the
/// project's files and none of them: its pages sent downloads there, which were 404s.
/// It serves the project once its stamp is at least when its list took the project in.
#[test]
fn a_mirror_given_a_project_serves_it_only_once_it_has_synced_since() {
    let f = Fixture::new();
    let (t1, t2) = (now() - 2 * DAY, now() - 3600);
    let full_dir = mirror_dir(t2);
    let part_dir = mirror_dir(t2);
    let full = Server::start(Behaviour::Files(full_dir.path().into()));
    let part = Server::start(Behaviour::Files(part_dir.path().into()));
    let entries = |include: &str| {
        registry(&[
            mirror("far", ("US", "NA", 40.7, -74.0), 1000, &full.url(), ""),
            mirror("near", ("DE", "EU", 50.1, 8.7), 1000, &part.url(), &format!("    include: [{include}]\n")),
        ])
    };
    f.write("mirrors.yaml", &entries("alpha"));
    f.closer_env(&["build"], &[("SOURCE_DATE_EPOCH", &t1.to_string())]).ok();
    f.write("mirrors.yaml", &entries("alpha, beta"));
    f.closer(&["build"]).ok();
    f.closer(&["probe", "-q"]).ok();
    f.closer(&["build"]).ok();
    let site = Server::start(Behaviour::Files(f.path("site")));
    let b = Browser::start("Europe/Berlin", true);
    let chosen = |page: &str, file: &str| {
        b.goto(&format!("{}{page}/index.html", site.url()));
        assert_eq!(b.wait_closer(), "ready");
        b.chosen(file)
    };
    assert_eq!(chosen("alpha", "alpha-1.10.tar.gz"), "near", "it has carried alpha all along");
    assert_eq!(chosen("beta", "beta-0.1.tar.gz"), "far", "it has not synced since it was given beta");
    let status = f.closer(&["status", "beta", "0.1"]);
    assert!(
        status.stdout.contains("1 of 2 mirrors serve it") && status.stdout.contains("its list took"),
        "{}",
        status.stdout
    );
    // Synced: the stamp the primary now publishes.
    let stamp = f.read("dist/zzz/time.txt");
    std::fs::write(part_dir.path().join("zzz/time.txt"), stamp).unwrap();
    f.closer(&["probe", "-q"]).ok();
    f.closer(&["build"]).ok();
    assert_eq!(chosen("beta", "beta-0.1.tar.gz"), "near");
}
