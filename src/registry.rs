//! The mirror registry, `mirrors.yaml`. It is parsed into a raw serde type that rejects
//! unknown keys, then validated into [`Registry`], so that no later stage ever sees an
//! unchecked URL, country or upstream. Syntax errors name file, line and column; semantic
//! ones name the mirror and the field, and say what was expected.

use crate::problem::{Problem, Problems};
use anyhow::{Result, anyhow};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegistry {
    primary: RawPrimary,
    archive: RawArchive,
    #[serde(default)]
    policy: RawPolicy,
    #[serde(default)]
    mirrors: Vec<RawMirror>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrimary {
    name: String,
    host: String,
    site_url: String,
    dist_url: String,
    #[serde(default)]
    rsync_url: Option<String>,
    #[serde(default)]
    signing_key: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArchive {
    url: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    keep: Option<u32>,
    #[serde(default)]
    stale_after: Option<String>,
    #[serde(default)]
    legacy_md5: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMirror {
    id: String,
    name: String,
    #[serde(default)]
    sponsor: Option<String>,
    #[serde(default)]
    logo: Option<String>,
    country: String,
    continent: String,
    lat: f64,
    lon: f64,
    /// Mbit/s.
    bandwidth: u64,
    urls: RawUrls,
    #[serde(default)]
    upstream: Option<String>,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    backup: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUrls {
    #[serde(default)]
    https: Option<String>,
    #[serde(default)]
    http: Option<String>,
    #[serde(default)]
    ftp: Option<String>,
    #[serde(default)]
    rsync: Option<String>,
}

/// The validated registry.
#[derive(Debug, Clone, Serialize)]
pub struct Registry {
    pub primary: Primary,
    pub archive_url: String,
    pub policy: Policy,
    /// In the order of the file.
    pub mirrors: Vec<Mirror>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Primary {
    pub name: String,
    pub host: String,
    /// Base URL of the download site (`site/`), ending in `/`.
    pub site_url: String,
    /// Base URL of the release tree (`dist/`), ending in `/`.
    pub dist_url: String,
    /// rsync URL of the release tree, ending in `/`.
    pub rsync_url: Option<String>,
    /// The rsync module name (first path segment of `rsync_url`), or `dist`.
    pub module: String,
    /// Secret key that signs the site's checksum lists and mirror lists.
    pub signing_key: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    /// How many releases per project stay current (on the mirrors).
    pub keep: u32,
    /// A mirror whose stamp is older than the primary's by more than this is stale.
    pub stale_after_secs: u64,
    /// Also compute and publish MD5 sums.
    pub legacy_md5: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mirror {
    pub id: String,
    pub name: String,
    pub sponsor: Option<String>,
    pub logo: Option<String>,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    /// Two-letter continent code: AF AN AS EU NA OC SA.
    pub continent: String,
    pub lat: f64,
    pub lon: f64,
    /// Mbit/s.
    pub bandwidth: u64,
    pub urls: Urls,
    /// `None`: pulls from the primary.
    pub upstream: Option<String>,
    /// 1 for mirrors of the primary, 2 for mirrors of those, ...
    pub tier: u32,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub backup: bool,
    #[serde(skip)]
    include_set: GlobSet,
    #[serde(skip)]
    exclude_set: GlobSet,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Urls {
    pub https: Option<String>,
    pub http: Option<String>,
    pub ftp: Option<String>,
    pub rsync: Option<String>,
}

impl Urls {
    /// The URL downloads should use: HTTPS, else HTTP, else FTP.
    pub fn download(&self) -> Option<&str> {
        self.https.as_deref().or(self.http.as_deref()).or(self.ftp.as_deref())
    }
}

impl Mirror {
    /// A partial mirror carries only some projects.
    pub fn is_partial(&self) -> bool {
        !self.include.is_empty() || !self.exclude.is_empty()
    }

    /// Does this mirror carry `project`?
    pub fn carries(&self, project: &str) -> bool {
        (self.include.is_empty() || self.include_set.is_match(project)) && !self.exclude_set.is_match(project)
    }
}

/// ISO 3166-1 alpha-2 codes (officially assigned).
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

const CONTINENTS: [(&str, &str); 7] = [
    ("AF", "Africa"),
    ("AN", "Antarctica"),
    ("AS", "Asia"),
    ("EU", "Europe"),
    ("NA", "North America"),
    ("OC", "Oceania"),
    ("SA", "South America"),
];

/// The English name of a continent code.
pub fn continent_name(code: &str) -> &'static str {
    CONTINENTS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n).unwrap_or("")
}

impl Registry {
    /// Reads and validates a registry file. Syntax errors are `Err` (the file cannot be
    /// used at all); semantic ones come back as problems beside a best-effort registry.
    pub fn from_disk(path: &Path) -> Result<(Registry, Problems)> {
        let text = crate::fs::read_to_string(path)?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses registry text; `file` is the name used in messages.
    pub fn parse(text: &str, file: &str) -> Result<(Registry, Problems)> {
        let raw: RawRegistry = serde_yaml::from_str(text).map_err(|e| yaml_error(file, &e))?;
        Ok(validate(raw, file))
    }

    pub fn mirror(&self, id: &str) -> Option<&Mirror> {
        self.mirrors.iter().find(|m| m.id == id)
    }
}

/// Formats a YAML error as `file:line:column: message`, with a hint for the usual causes.
pub fn yaml_error(file: &str, e: &serde_yaml::Error) -> anyhow::Error {
    let msg = e.to_string();
    let msg = match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    let place = match e.location() {
        Some(l) => format!("{file}:{}:{}", l.line(), l.column()),
        None => file.to_string(),
    };
    let hint = if msg.contains("unknown field") {
        "\n    fix: check the spelling of the key; the README lists every key"
    } else if msg.contains("missing field") {
        "\n    fix: add the missing key; the README lists every key"
    } else {
        ""
    };
    anyhow!("{place}: {msg}{hint}")
}

struct Checker<'a> {
    file: &'a str,
    problems: Problems,
}

impl Checker<'_> {
    fn at(&mut self, what: &str, field: &str, message: String, hint: &str) {
        let mut p = Problem::new(format!("{}: {what}, field `{field}`", self.file), message);
        if !hint.is_empty() {
            p = p.hint(hint);
        }
        self.problems.push(p);
    }

    /// Checks a URL and returns it normalized with a trailing `/`.
    fn url(&mut self, what: &str, field: &str, raw: &str, schemes: &[&str]) -> String {
        match check_url(raw, schemes) {
            Ok(u) => u,
            Err(why) => {
                let hint = format!(
                    "use an absolute {} URL such as `{}://mirror.example.org/pub/`",
                    schemes.join(" or "),
                    schemes[0]
                );
                self.at(what, field, format!("{:?} {why}", raw), &hint);
                raw.to_string()
            }
        }
    }
}

/// Validates a base URL: absolute, one of `schemes`, a host, no credentials, query or
/// fragment, no whitespace or control characters. Returns it with a trailing `/`.
pub fn check_url(raw: &str, schemes: &[&str]) -> std::result::Result<String, String> {
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains white space or control characters".into());
    }
    let u = url::Url::parse(raw).map_err(|e| format!("is not a valid URL ({e})"))?;
    if !schemes.contains(&u.scheme()) {
        return Err(format!("has scheme `{}:`, expected {}", u.scheme(), schemes.join(" or ")));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err("has no host".into());
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err("carries credentials; remove the user name and password".into());
    }
    if u.query().is_some() || u.fragment().is_some() {
        return Err("has a query or fragment; give a plain directory URL".into());
    }
    let mut s = u.to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    Ok(s)
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
        match Glob::new(g) {
            Ok(g) => {
                b.add(g);
            }
            Err(e) => c.at(
                what,
                field,
                format!("{g:?} is not a valid glob ({})", e.kind()),
                "use project-name globs such as `commons-*`",
            ),
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

fn validate(raw: RawRegistry, file: &str) -> (Registry, Problems) {
    let mut c = Checker { file, problems: Problems::default() };

    let p = raw.primary;
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
    let archive_url = c.url("archive", "url", &raw.archive.url, &["https", "http"]);

    let keep = raw.policy.keep.unwrap_or(1);
    if keep == 0 {
        c.at("policy", "keep", "is 0: no release would be current".into(), "keep at least 1 release per project");
    }
    let stale_after_secs = match raw.policy.stale_after.as_deref() {
        None => 86_400,
        Some(s) => parse_duration(s).unwrap_or_else(|| {
            c.at(
                "policy",
                "stale_after",
                format!("{s:?} is not a duration"),
                "write a number with a unit: `90m`, `6h`, `2d`, `1w`",
            );
            86_400
        }),
    };

    let mut seen = BTreeSet::new();
    let mut mirrors = Vec::new();
    for (i, m) in raw.mirrors.into_iter().enumerate() {
        let what = format!("mirror {:?}", m.id);
        if !valid_id(&m.id) {
            c.at(
                &format!("mirror #{}", i + 1),
                "id",
                format!("{:?} is not a valid id", m.id),
                "use lower-case letters, digits and `-`, starting with a letter or digit",
            );
        } else if m.id == "primary" || m.id == "archive" {
            c.at(&what, "id", format!("{:?} is reserved", m.id), "choose another id");
        } else if !seen.insert(m.id.clone()) {
            c.at(&what, "id", "is used by another mirror too".into(), "give every mirror its own id");
        }
        if m.name.trim().is_empty() {
            c.at(&what, "name", "is empty".into(), "give the mirror a display name");
        }
        let country = m.country.to_ascii_uppercase();
        if country.len() != 2 || !COUNTRIES.split(' ').any(|k| k == country) {
            c.at(
                &what,
                "country",
                format!("{:?} is not an ISO 3166-1 alpha-2 country code", m.country),
                "use a two-letter code such as `DE`, `JP` or `BR`",
            );
        }
        let continent = m.continent.to_ascii_uppercase();
        if !CONTINENTS.iter().any(|(k, _)| *k == continent) {
            c.at(
                &what,
                "continent",
                format!("{:?} is not a continent code", m.continent),
                "use one of AF, AN, AS, EU, NA, OC, SA",
            );
        }
        if !(-90.0..=90.0).contains(&m.lat) {
            c.at(&what, "lat", format!("{} is out of range", m.lat), "latitude is between -90 and 90 degrees");
        }
        if !(-180.0..=180.0).contains(&m.lon) {
            c.at(&what, "lon", format!("{} is out of range", m.lon), "longitude is between -180 and 180 degrees");
        }
        if m.bandwidth == 0 {
            c.at(&what, "bandwidth", "is 0".into(), "give the mirror's bandwidth in Mbit/s");
        }
        let urls = Urls {
            https: m.urls.https.as_deref().map(|u| c.url(&what, "urls.https", u, &["https"])),
            http: m.urls.http.as_deref().map(|u| c.url(&what, "urls.http", u, &["http"])),
            ftp: m.urls.ftp.as_deref().map(|u| c.url(&what, "urls.ftp", u, &["ftp"])),
            rsync: m.urls.rsync.as_deref().map(|u| c.url(&what, "urls.rsync", u, &["rsync"])),
        };
        if urls.download().is_none() {
            c.at(&what, "urls", "has no https, http or ftp URL".into(), "downloaders need at least one of them");
        }
        let logo = m.logo.as_deref().map(|u| c.url(&what, "logo", u, &["https"]).trim_end_matches('/').to_string());
        let include_set = glob_set(&mut c, &what, "include", &m.include);
        let exclude_set = glob_set(&mut c, &what, "exclude", &m.exclude);
        let upstream = m.upstream.filter(|u| u != "primary");
        mirrors.push(Mirror {
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
            upstream,
            tier: 1,
            include: m.include,
            exclude: m.exclude,
            backup: m.backup,
            include_set,
            exclude_set,
        });
    }

    // Upstreams: they must exist, and following them must reach the primary.
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

    let registry = Registry {
        primary: Primary {
            name: p.name,
            host: p.host,
            site_url,
            dist_url,
            rsync_url,
            module,
            signing_key: p.signing_key,
        },
        archive_url,
        policy: Policy { keep: keep.max(1), stale_after_secs, legacy_md5: raw.policy.legacy_md5 },
        mirrors,
    };
    (registry, c.problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
primary:
  name: Example
  host: dist.example.org
  site_url: https://downloads.example.org
  dist_url: https://dist.example.org/dist/
  rsync_url: rsync://dist.example.org/dist/
archive:
  url: https://archive.example.org/dist/
mirrors:
  - id: a
    name: A
    country: de
    continent: EU
    lat: 49.5
    lon: 11.0
    bandwidth: 1000
    urls: { https: "https://a.example.net/pub/" }
  - id: b
    name: B
    country: JP
    continent: AS
    lat: 35.6
    lon: 139.7
    bandwidth: 1000
    upstream: a
    include: ["alpha*"]
    urls: { http: "http://b.example.com/x" }
"#;

    #[test]
    fn good_registry_validates() {
        let (r, p) = Registry::parse(GOOD, "mirrors.yaml").unwrap();
        assert!(p.is_empty(), "{:?}", p.sorted());
        assert_eq!(r.primary.site_url, "https://downloads.example.org/");
        assert_eq!(r.primary.module, "dist");
        assert_eq!(r.mirrors[0].country, "DE");
        assert_eq!(r.mirrors[1].tier, 2);
        assert!(r.mirrors[1].carries("alpha-tools"));
        assert!(!r.mirrors[1].carries("beta"));
        assert_eq!(r.mirrors[1].urls.http.as_deref(), Some("http://b.example.com/x/"));
    }

    #[test]
    fn typo_is_an_error_with_line_and_column() {
        let bad = GOOD.replace("    bandwidth: 1000\n    upstream", "    bandwith: 1000\n    upstream");
        let e = Registry::parse(&bad, "mirrors.yaml").unwrap_err().to_string();
        assert!(e.starts_with("mirrors.yaml:25:5: mirrors[1]: "), "{e}");
        assert!(e.contains("unknown field `bandwith`"), "{e}");
    }

    #[test]
    fn semantic_problems_name_mirror_and_field() {
        let bad = GOOD
            .replace("upstream: a", "upstream: b")
            .replace("\"https://a.example.net/pub/\"", "\"javascript:alert(1)\"");
        let (_, p) = Registry::parse(&bad, "mirrors.yaml").unwrap();
        let text: Vec<String> = p.sorted().iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|t| t.contains("mirror \"a\", field `urls.https`") && t.contains("scheme `javascript:`")),
            "{text:?}"
        );
        assert!(text.iter().any(|t| t.contains("mirror \"b\", field `upstream`") && t.contains("cycle")), "{text:?}");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration("6h"), Some(21_600));
        assert_eq!(parse_duration("2d"), Some(172_800));
        assert_eq!(parse_duration("soon"), None);
    }
}
