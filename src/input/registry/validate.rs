//! Validation of the registry, section by section: the primary, the policy, each mirror,
//! then the upstream chains (tiers). What is wrong names the mirror and the field and
//! says what was expected; nothing here stops at the first problem.

use super::checker::Checker;
use super::raw::{Percent, RawMirror, RawPolicy, RawPrimary, RawRegistry};
use super::{Mirror, NOTES, Policy, Primary, Registry, Urls};
use crate::util::problem::Problems;
use globset::{GlobSet, GlobSetBuilder};
use std::collections::{BTreeMap, BTreeSet};

/// Validates a push address: `ssh://user@host[:port]` and nothing else (no path, no
/// password, no option-like user or host), since it becomes an ssh argument.
pub fn check_push(raw: &str) -> std::result::Result<String, String> {
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains white space or control characters".into());
    }
    let u = url::Url::parse(raw).map_err(|e| format!("is not a valid address ({e})"))?;
    let host = u.host_str().unwrap_or("");
    if u.scheme() != "ssh" || host.is_empty() || u.username().is_empty() {
        return Err("is not `ssh://user@host[:port]`".into());
    }
    if u.password().is_some() || !matches!(u.path(), "" | "/") || u.query().is_some() || u.fragment().is_some() {
        return Err("has a password, path, query or fragment".into());
    }
    if u.username().starts_with('-') || host.starts_with('-') {
        return Err("has a user or host that starts with `-`".into());
    }
    Ok(raw.trim_end_matches('/').to_string())
}

/// Parses `90`, `45m`, `6h`, `2d`, `1w` into seconds.
pub fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, "s"),
    };
    let n: u64 = num.parse().ok()?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    n.checked_mul(mult)
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn valid_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

fn glob_set(c: &mut Checker, what: &str, field: &str, globs: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        match globset::Glob::new(g) {
            Ok(g) => {
                b.add(g);
            }
            Err(e) => c.at(
                what,
                field,
                format!("{g:?} is not a valid glob ({})", e.kind()),
                "use globs such as `commons-*` (project names) or `README*` (file names)",
            ),
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Validates every section of the raw registry; what is wrong comes back as problems
/// beside a best-effort registry.
pub(super) fn validate(raw: RawRegistry, file: &str) -> (Registry, Problems) {
    let mut c = Checker::new(file);
    let primary = validate_primary(&mut c, raw.primary);
    let archive_url = c.url("archive", "url", &raw.archive.url, &["https", "http"]);
    let policy = validate_policy(&mut c, raw.policy);
    let mut seen = BTreeSet::new();
    let mut mirrors: Vec<Mirror> =
        raw.mirrors.into_iter().enumerate().map(|(i, m)| validate_mirror(&mut c, i, m, &mut seen)).collect();
    same_urls(&mut c, &mirrors);
    assign_tiers(&mut c, &mut mirrors);
    check_sources(&mut c, &primary, &mirrors);
    (Registry { primary, archive_url, policy, mirrors, file: file.to_string() }, c.problems)
}

fn validate_primary(c: &mut Checker, p: RawPrimary) -> Primary {
    if p.name.trim().is_empty() {
        c.at("primary", "name", "is empty".into(), "name the organisation that runs the primary site");
    }
    if !valid_host(&p.host) {
        c.at(
            "primary",
            "host",
            format!("{:?} is not a host name", p.host),
            "give the primary's DNS name, e.g. `dist.example.org`",
        );
    }
    let site_url = c.url("primary", "site_url", &p.site_url, &["https", "http"]);
    let dist_url = c.url("primary", "dist_url", &p.dist_url, &["https", "http"]);
    let rsync_url = p.rsync_url.as_deref().map(|u| c.url("primary", "rsync_url", u, &["rsync"]));
    let module = rsync_url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| u.path_segments().and_then(|mut s| s.next().map(str::to_string)))
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "dist".to_string());
    if module.chars().any(|ch| !(ch.is_ascii_alphanumeric() || "._-".contains(ch))) {
        c.at(
            "primary",
            "rsync_url",
            format!("module name {module:?} has characters a file name cannot carry"),
            "use a module name of letters, digits, `.`, `_` and `-`",
        );
    }
    Primary {
        name: p.name,
        host: p.host,
        site_url,
        dist_url,
        rsync_url,
        module,
        signing_key: p.signing_key,
        push_key: p.push_key,
    }
}

fn validate_policy(c: &mut Checker, raw: RawPolicy) -> Policy {
    let keep = raw.keep.unwrap_or(1);
    if keep == 0 {
        c.at("policy", "keep", "is 0: no release would be current".into(), "keep at least 1 release per project");
    }
    let stale_after_secs = duration_or(c, "stale_after", raw.stale_after.as_deref(), 86_400);
    let valid_for_secs = duration_or(c, "valid_for", raw.valid_for.as_deref(), 7 * 86_400);
    if valid_for_secs < 3_600 {
        c.at(
            "policy",
            "valid_for",
            format!("is {valid_for_secs} seconds: mirrors would refuse the index before they could sync it"),
            "give at least `1h`; the default, `7d`, is what Debian's archives use",
        );
    }
    let notes = notes_of(c, raw.notes.unwrap_or_default());
    let (notes_set, bad) = crate::input::notes::Notes::new(notes.iter().map(String::as_str));
    for (g, e) in bad {
        c.at(
            "policy",
            "notes",
            format!("{g:?} is not a valid glob ({})", e.kind()),
            "use file-name globs such as `README*` or `*-CHANGELOG`",
        );
    }
    let copies_required = raw.copies.is_some();
    let (copies, copies_min_ok) = validate_copies(c, raw.copies, raw.copies_min_ok);
    Policy {
        keep: keep.max(1),
        stale_after_secs,
        valid_for_secs,
        legacy_md5: raw.legacy_md5,
        notes,
        notes_set,
        layout: raw.layout,
        copies,
        copies_required,
        copies_min_ok,
        headroom: headroom(c, raw.headroom.as_ref()),
        metalink_per_continent: match raw.metalink_per_continent.unwrap_or(10) {
            0 => None,
            n => Some(n as usize),
        },
        probe_files: match raw.probe_files.unwrap_or(2) {
            n @ 0..=10 => n as usize,
            n => {
                c.at(
                    "policy",
                    "probe_files",
                    format!("is {n}: each probe would ask every mirror for {n} files"),
                    "give 0 to 10; the default, 2, samples every release over a day",
                );
                2
            }
        },
        upload_grace: crate::util::arrival::Grace {
            secs: duration_or(c, "upload_grace", raw.upload_grace.as_deref(), 3_600) as i64,
            clock: raw.upload_clock.unwrap_or_default(),
        },
        notify: raw.notify.filter(|n| !n.trim().is_empty()),
        sigstore_root: raw.sigstore_root.filter(|p| !p.trim().is_empty()),
        profile: raw.profile,
    }
}

/// `copies` (default 3) and `copies_min_ok` (between 1 and `copies` when given).
fn validate_copies(c: &mut Checker, copies: Option<u32>, min_ok: Option<u32>) -> (u32, Option<u32>) {
    let copies = copies.unwrap_or(3);
    if copies == 0 {
        c.at("policy", "copies", "is 0: a file on no mirror".into(), "give at least 1; the default is 3");
    }
    let copies = copies.max(1);
    if let Some(n) = min_ok.filter(|&n| n == 0 || n > copies) {
        c.at(
            "policy",
            "copies_min_ok",
            format!("is {n}, outside 1 ..= copies ({copies})"),
            "give the fewest copies you accept for a while, between 1 and `copies`",
        );
    }
    (copies, min_ok.map(|n| n.clamp(1, copies)))
}

/// `headroom: 10%` (or `10`): between 0 and 90 percent, 10 when not given.
fn headroom(c: &mut Checker, given: Option<&Percent>) -> f64 {
    let percent = match given {
        None => Some(10.0),
        Some(Percent::Number(n)) => Some(*n),
        Some(Percent::Text(t)) => t.trim().strip_suffix('%').unwrap_or(t).trim().parse::<f64>().ok(),
    };
    match percent.filter(|p| (0.0..=90.0).contains(p)) {
        Some(p) => p / 100.0,
        None => {
            c.at(
                "policy",
                "headroom",
                "is not a percentage between 0 and 90".into(),
                "write the share of each capacity mirror to keep free, such as `10%`",
            );
            0.1
        }
    }
}

/// A duration of the policy (`90m`, `6h`, `2d`, `1w`), `default` when not given.
fn duration_or(c: &mut Checker, key: &str, given: Option<&str>, default: u64) -> u64 {
    let Some(s) = given else { return default };
    parse_duration(s).unwrap_or_else(|| {
        c.at("policy", key, format!("{s:?} is not a duration"), "write a number with a unit: `90m`, `6h`, `2d`, `1w`");
        default
    })
}

/// Checks the `i`-th mirror (0-based); `seen` holds the ids of the mirrors before it.
fn validate_mirror(c: &mut Checker, i: usize, m: RawMirror, seen: &mut BTreeSet<String>) -> Mirror {
    let what = format!("mirror {:?}", m.id);
    if !valid_id(&m.id) {
        c.at(
            &format!("mirror #{}", i + 1),
            "id",
            format!("{:?} is not a valid id", m.id),
            "use lower-case letters, digits and `-`, starting with a letter or digit",
        );
    } else if ["primary", "archive", "index"].contains(&m.id.as_str()) {
        c.at(&what, "id", format!("{:?} is reserved", m.id), "choose another id");
    } else if !seen.insert(m.id.clone()) {
        // Placed at this entry (the later one), not the first with the id.
        c.at(
            &format!("mirror #{}", i + 1),
            "id",
            format!("{:?} is used by another mirror too", m.id),
            "give every mirror its own id",
        );
    }
    if m.name.trim().is_empty() {
        c.at(&what, "name", "is empty".into(), "give the mirror a display name");
    }
    let (country, continent) = super::mirror_fields::place(c, &what, &m);
    super::mirror_fields::bandwidth(c, &what, m.bandwidth);
    let urls = Urls {
        https: m.urls.https.as_deref().map(|u| c.url(&what, "urls.https", u, &["https"])),
        http: m.urls.http.as_deref().map(|u| c.url(&what, "urls.http", u, &["http"])),
        ftp: m.urls.ftp.as_deref().map(|u| c.url(&what, "urls.ftp", u, &["ftp"])),
        rsync: m.urls.rsync.as_deref().map(|u| c.url(&what, "urls.rsync", u, &["rsync"])),
    };
    if urls.download().is_none() {
        c.at(&what, "urls", "has no https, http or ftp URL".into(), "downloaders need at least one of them");
    }
    let logo = m.logo.as_deref().map(|u| c.url(&what, "logo", u, &["https", "http"]).trim_end_matches('/').to_string());
    let push = m.push.as_deref().and_then(|p| match check_push(p) {
        Ok(p) => Some(p),
        Err(e) => {
            c.at(
                &what,
                "push",
                format!("{p:?} {e}"),
                "write the mirror's ssh address as `ssh://user@host` or `ssh://user@host:port`",
            );
            None
        }
    });
    let capacity = super::mirror_fields::capacity(c, &what, m.capacity.as_deref());
    let include_set = glob_set(c, &what, "include", &m.include);
    let exclude_set = glob_set(c, &what, "exclude", &m.exclude);
    Mirror {
        id: m.id,
        name: m.name,
        sponsor: m.sponsor,
        logo,
        country,
        continent,
        lat: m.lat,
        lon: m.lon,
        bandwidth: m.bandwidth,
        urls,
        upstream: m.upstream.filter(|u| u != "primary"),
        tier: 1,
        include: m.include,
        exclude: m.exclude,
        capacity,
        backup: m.backup,
        push,
        include_set,
        exclude_set,
    }
}

/// Every mirror pulls with rsync from its upstream, so that upstream needs an rsync URL:
/// the primary's `rsync_url`, or the upstream mirror's `urls.rsync`. Without one the
/// pages would print a command with no source in it.
fn check_sources(c: &mut Checker, primary: &Primary, mirrors: &[Mirror]) {
    let from_primary: Vec<&str> = mirrors.iter().filter(|m| m.upstream.is_none()).map(|m| m.id.as_str()).collect();
    if primary.rsync_url.is_none() && !from_primary.is_empty() {
        c.at(
            "primary",
            "rsync_url",
            format!("is missing, and {} pull from the primary: their sync command would have no source", from_primary.join(", ")),
            "add `rsync_url: rsync://HOST/MODULE/` under `primary:` (closer init writes an rsyncd.conf that serves dist/)",
        );
    }
    for m in mirrors {
        let Some(up) = m.upstream.as_deref() else { continue };
        if mirrors.iter().any(|u| u.id == up && u.urls.rsync.is_none()) {
            c.at(
                &format!("mirror {:?}", m.id),
                "upstream",
                format!("{up:?} has no rsync URL to pull from"),
                &format!("add `rsync:` under the urls of mirror {up:?}, or pull from `primary`"),
            );
        }
    }
}

/// Upstreams must exist, and following them must reach the primary: each mirror's tier
/// is the length of its chain.
fn assign_tiers(c: &mut Checker, mirrors: &mut [Mirror]) {
    let index: BTreeMap<&str, usize> = mirrors.iter().enumerate().map(|(i, m)| (m.id.as_str(), i)).collect();
    let mut tiers = vec![0u32; mirrors.len()];
    for (i, m) in mirrors.iter().enumerate() {
        let what = format!("mirror {:?}", m.id);
        let mut chain = vec![m.id.as_str()];
        let mut cur = i;
        let tier = loop {
            match mirrors[cur].upstream.as_deref() {
                None => break Some(chain.len() as u32),
                Some(up) => match index.get(up) {
                    None => {
                        if cur == i {
                            c.at(
                                &what,
                                "upstream",
                                format!("{up:?} is not a mirror id"),
                                "name `primary` or the id of another mirror",
                            );
                        }
                        break None;
                    }
                    Some(&j) => {
                        if chain.contains(&up) {
                            chain.push(up);
                            c.at(
                                &what,
                                "upstream",
                                format!("forms a cycle: {}", chain.join(" -> ")),
                                "one mirror in the chain must pull from `primary`",
                            );
                            break None;
                        }
                        chain.push(up);
                        cur = j;
                    }
                },
            }
        };
        tiers[i] = tier.unwrap_or(1);
    }
    for (m, t) in mirrors.iter_mut().zip(tiers) {
        m.tier = t;
    }
}

/// The note globs: closer's defaults, with the registry's added and those it names with
/// a `!` taken out (`policy.notes: ["*.whl.metadata", "!README*"]`). It replaced the
/// defaults: a primary that added `cache.json` as its problem said made every README
/// an artifact wanting a signature.
fn notes_of(c: &mut Checker, asked: Vec<String>) -> Vec<String> {
    let mut notes: Vec<String> = NOTES.iter().map(|n| n.to_string()).collect();
    for glob in asked {
        match glob.strip_prefix('!') {
            Some(out) => {
                let before = notes.len();
                notes.retain(|n| !n.eq_ignore_ascii_case(out));
                if notes.len() == before {
                    c.at(
                        "policy",
                        "notes",
                        format!("{glob:?} takes out `{out}`, which is not one of closer's notes"),
                        &format!("take out one of: {}", NOTES.join(", ")),
                    );
                }
            }
            None => notes.push(glob),
        }
    }
    notes
}

/// Two entries of the registry with one URL are one mirror listed twice: counted as two
/// copies of everything it carries, probed and shown twice.
fn same_urls(c: &mut Checker, mirrors: &[Mirror]) {
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for m in mirrors {
        for (field, url) in [("https", &m.urls.https), ("http", &m.urls.http), ("rsync", &m.urls.rsync)] {
            let Some(url) = url.as_deref() else { continue };
            if let Some(first) = owner.insert(url, &m.id).filter(|first| *first != m.id) {
                c.at(
                    &format!("mirror {:?}", m.id),
                    &format!("urls.{field}"),
                    format!("{url} is mirror {first:?}'s too"),
                    "list a mirror once, or give each entry the URLs it serves",
                );
            }
        }
    }
}
