//! Natural ordering of release versions, the way people read them: 1.10 after 1.9,
//! 2.0-rc1 before 2.0, 2.0 before 2.0.1, and pre-release words ranked dev < alpha <
//! beta < pre < rc. Ties fall back to the plain string, so the order is total.

use std::cmp::Ordering;

#[derive(Debug, PartialEq, Eq)]
enum Token<'a> {
    Num(u128),
    Word(&'a str),
    /// One letter at the end, right after a number: a patch letter, newer than the
    /// number alone (OpenSSL's `1.1.1w`, tzdata's `2024a`), never a pre-release.
    Letter(&'a str),
}

fn tokens(v: &str) -> Vec<Token<'_>> {
    // A leading `v` (`v9.0.83`) is no part of the version: v2.0 sorts with 2.0.
    let v = v.strip_prefix(['v', 'V']).filter(|r| r.starts_with(|c: char| c.is_ascii_digit())).unwrap_or(v);
    let mut out = Vec::new();
    let bytes = v.as_bytes();
    let mut i = 0;
    // A day written as LAMMPS writes its releases (`29Aug2024`, `4Feb2025`): one number,
    // the day as `YYYYMMDD`, so that a later day is a newer release.
    let first = v.find(['-', '_', '.', '+', '~']).unwrap_or(v.len());
    if let Some(day) = day_month_year(&v[..first]) {
        out.push(Token::Num(day.into()));
        i = first;
    }
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let digits = v[start..i].trim_start_matches('0');
            out.push(Token::Num(digits.parse().unwrap_or(if digits.is_empty() { 0 } else { u128::MAX })));
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            let glued = start > 0 && bytes[start - 1].is_ascii_digit();
            let word = &v[start..i];
            out.push(if glued && word.len() == 1 && i == bytes.len() {
                Token::Letter(word)
            } else {
                Token::Word(word)
            });
        } else {
            i += 1;
        }
    }
    out
}

/// Rank of a pre-release word; `None` for words that do not mark a pre-release.
fn pre_rank(word: &str) -> Option<u8> {
    Some(match word.to_ascii_lowercase().as_str() {
        // (`canary`: Next.js's, Chrome's; `ea`: the JDK's early access.)
        "dev" | "snapshot" | "nightly" | "canary" | "ea" => 0,
        "a" | "alpha" => 1,
        "b" | "beta" => 2,
        "m" | "milestone" => 3,
        "pre" | "preview" => 4,
        // CPAN's `Moose-2.2208-TRIAL.tar.gz` (Dist::Zilla's `--trial`): PAUSE never
        // indexes it, a candidate for 2.2208.
        // dnsmasq's `2.92test1`, before its `2.92rc1`.
        "test" => 4,
        "rc" | "cr" | "trial" => 5,
        _ => return None,
    })
}

fn cmp_tokens(a: &[Token], b: &[Token]) -> Ordering {
    for i in 0..a.len().max(b.len()) {
        let ord = match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) => match (x, y) {
                (Token::Num(x), Token::Num(y)) => x.cmp(y),
                (Token::Num(_), _) => Ordering::Greater,
                (_, Token::Num(_)) => Ordering::Less,
                (x, y) => match (rank(x), rank(y)) {
                    (Some(p), Some(q)) => p.cmp(&q),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => text(x).to_ascii_lowercase().cmp(&text(y).to_ascii_lowercase()),
                },
            },
            // One version is a prefix of the other: a pre-release word makes the longer
            // one older (2.0-rc1 < 2.0); anything else makes it newer (2.0 < 2.0.1).
            (None, Some(t)) => return if is_pre(t) { Ordering::Greater } else { Ordering::Less },
            (Some(t), None) => return if is_pre(t) { Ordering::Less } else { Ordering::Greater },
            (None, None) => Ordering::Equal,
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

fn is_pre(t: &Token) -> bool {
    rank(t).is_some()
}

/// A token's pre-release rank (a patch letter has none).
fn rank(t: &Token) -> Option<u8> {
    match t {
        Token::Word(w) => pre_rank(w),
        _ => None,
    }
}

fn text<'a>(t: &Token<'a>) -> &'a str {
    match t {
        Token::Word(w) | Token::Letter(w) => w,
        Token::Num(_) => "",
    }
}

/// Compares two version strings naturally. A pre-release word alone (`nightly`, `dev`,
/// a layout rule's `version: nightly` for Neovim's rolling `nightly/`) is the tip of
/// development: newer than every numbered version (it was older than all of them, and
/// archived as soon as it was published).
pub fn compare(a: &str, b: &str) -> Ordering {
    let (x, y) = (tokens(a), tokens(b));
    let tip = |t: &[Token]| !t.is_empty() && t.iter().all(is_pre);
    match (tip(&x), tip(&y)) {
        (true, false) if !y.is_empty() => Ordering::Greater,
        (false, true) if !x.is_empty() => Ordering::Less,
        _ => cmp_tokens(&x, &y),
    }
    .then_with(|| a.cmp(b))
}

/// A version without a leading `v` and in lower case: two versions are the same when
/// these are equal (`v2.4.58` and `2.4.58`, `2.0-RC1` and `2.0-rc1`; not `1.9` and `1.9.0`).
pub fn bare(v: &str) -> String {
    v.strip_prefix(['v', 'V']).filter(|r| r.starts_with(|c: char| c.is_ascii_digit())).unwrap_or(v).to_ascii_lowercase()
}

/// A version of numbers joined by `_` (HDF5's folder `1_14_5`, QGIS's `3_40_2`, Ruby's
/// branch `3_3`), dotted: `1.14.5`.
pub fn underscored(v: &str) -> Option<String> {
    let numbers = v.split('_').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    (!v.contains('.') && v.contains('_') && numbers).then(|| v.replace('_', "."))
}

/// The version a package's revision is of: one or two digits after a last `-`
/// (`3.40.2` of QGIS's `3.40.2-1`, SWI-Prolog's `9.2.9-1`).
pub fn revision_of(v: &str) -> Option<&str> {
    let (of, n) = v.rsplit_once('-')?;
    ((1..=2).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit())).then_some(of)
}

/// Is `version` of the series `series`: it and more numbers (`3.0.15` of `3.0`,
/// `v2.4.58` of `2.4`)?
pub fn of_series(version: &str, series: &str) -> bool {
    bare(version).strip_prefix(bare(series).as_str()).is_some_and(|r| r.starts_with('.'))
}

/// Does this version look like a pre-release (alpha, beta, rc, ...)?
pub fn is_prerelease(v: &str) -> bool {
    // A commit's hash in a version (NixOS's `24.11.711815.d70bd19e0a38`) is no tag: its
    // letters read as `a`lpha and `b`eta.
    if v.split(['.', '-', '+', '_', '~']).any(is_hash) {
        let kept: Vec<&str> = v.split(['.', '-', '+', '_', '~']).filter(|p| !is_hash(p)).collect();
        return is_prerelease(&kept.join("."));
    }
    tokens(v).iter().any(is_pre) || developer(v)
}

/// Is `word` a day, `2023-12-28` or `20231228` (a year from 1900 to 2099, a month and a
/// day that can be)?
pub fn is_day(word: &str) -> bool {
    let b = word.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let number = |r: std::ops::Range<usize>| word[r].parse::<u8>().unwrap_or(0);
    let (month, day) = match b.len() {
        10 if digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10) => (5..7, 8..10),
        8 if digits(0..8) => (4..6, 6..8),
        _ => return false,
    };
    (word.starts_with("19") || word.starts_with("20"))
        && (1..=12).contains(&number(month))
        && (1..=31).contains(&number(day))
}

/// A day written as a day of the month, its name's first three letters and a year
/// (LAMMPS's `29Aug2024`, `4Feb2025`), as `YYYYMMDD`.
pub fn day_month_year(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let digits = word.find(|c: char| !c.is_ascii_digit())?;
    let (day, rest) = word.split_at(digits);
    let (month, year) = (rest.get(..3)?, rest.get(3..)?);
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))? as u32 + 1;
    let day: u32 = day.parse().ok().filter(|d| (1..=31).contains(d) && (1..=2).contains(&digits))?;
    let year: u32 = year.parse().ok().filter(|y| (1900..2100).contains(y) && year.len() == 4)?;
    Some(year * 10_000 + month * 100 + day)
}

/// The latest day a file's path names as a word of its own (postmarketOS's build
/// folders `20241203-0422/`, LineageOS's `-20241203-`), as `YYYYMMDD`: of builds alike
/// but for their day, the newest.
pub fn latest_day(path: &str) -> Option<String> {
    let b = path.as_bytes();
    let alone =
        |i: usize, end: usize| (i == 0 || !b[i - 1].is_ascii_digit()) && b.get(end).is_none_or(|c| !c.is_ascii_digit());
    let day = |i: usize, n: usize| {
        let end = i + n;
        (end <= b.len()
            && b[i].is_ascii_digit()
            && path.is_char_boundary(end)
            && alone(i, end)
            && is_day(&path[i..end]))
        .then(|| path[i..end].replace('-', ""))
    };
    (0..b.len()).flat_map(|i| [8, 10].into_iter().filter_map(move |n| day(i, n))).max()
}

/// Is this part of a version a commit's hash: seven or more hex digits, letters and
/// digits both (`d70bd19e0a38`; not git describe's `g1a2b3c4`, a development build)?
fn is_hash(part: &str) -> bool {
    day_month_year(part).is_none()
        && part.len() >= 7
        && part.bytes().all(|b| b.is_ascii_hexdigit())
        && part.bytes().any(|b| b.is_ascii_digit())
        && part.bytes().any(|b| b.is_ascii_alphabetic())
}

/// Folders that keep a line's pre-releases apart from its releases: release candidates
/// (curl's `rc/`), LibreOffice's `testing/`, KDE's and GNOME's `unstable/`, the ASF's
/// `dev/`, HAProxy's `devel/`, GNU's `pretest/` (Emacs's on alpha.gnu.org). Their releases are of the lines beside them (the scan
/// looks through them), pre-releases by the folder.
pub const PRERELEASES_APART: [&str; 16] = [
    "rc",
    // dnsmasq's `test-releases/`.
    "test-releases",
    // Tails's `alpha/`, its release candidates beside `stable/`.
    "alpha",
    "rcs",
    "candidates",
    "release-candidates",
    "prerelease",
    "prereleases",
    "pre-releases",
    "testing",
    "unstable",
    "dev",
    "devel",
    "development",
    "pretest",
    "pretests",
];

/// Is `name` a folder that holds pre-releases, whatever their versions say: those of
/// [`PRERELEASES_APART`], and nightly, beta and preview builds?
pub fn is_prerelease_folder(name: &str) -> bool {
    // (Asked of every folder of every release at each scan: compared as they are, no copy.)
    const MORE: [&str; 12] = [
        "beta",
        "betas",
        // Kali's `kali-weekly/`: a build a week, for testing.
        "weekly",
        "weeklies",
        "nightly",
        "nightlies",
        "snapshot",
        "snapshots",
        "preview",
        "previews",
        "early-access",
        "experimental",
    ];
    // Also named for its project (`kali-weekly`, `foo-nightly`) or its kind (rsync's
    // `src-previews/`, R's `base-prerelease/`, Jenkins's LTS candidates in
    // `war-stable-rc/` beside `war-stable/`; not `-alpha` nor `-dev`, a machine and a
    // package of headers).
    const SUFFIXES: [&str; 14] = [
        "weekly",
        "nightly",
        "nightlies",
        "snapshots",
        "previews",
        "preview",
        "prerelease",
        "prereleases",
        "rc",
        "rcs",
        "candidates",
        "beta",
        "betas",
        "unstable",
    ];
    let last = name.rsplit_once('-').map_or(name, |(_, w)| w);
    // Named for the kind and then its date or number (FreeCAD's `weekly-2025.01.14/`).
    let dated = name.split_once('-').is_some_and(|(kind, rest)| {
        rest.starts_with(|c: char| c.is_ascii_digit())
            && ["weekly", "nightly", "snapshot", "dev", "devel", "beta", "preview"]
                .iter()
                .any(|w| w.eq_ignore_ascii_case(kind))
    });
    dated
        || PRERELEASES_APART.iter().chain(&MORE).any(|w| w.eq_ignore_ascii_case(name))
        || (last.len() < name.len() && SUFFIXES.iter().any(|w| w.eq_ignore_ascii_case(last)))
}

/// A CPAN developer release (`2.2207_01`: a decimal number, `_`, digits), which PAUSE
/// does not index: a trial of the next release, not a release for production. A dotted
/// version's `_` is a build number (Temurin's `21.0.5_11`, JDK 21.0.5 build 11), not one.
fn developer(v: &str) -> bool {
    let Some((number, trial)) = v.rsplit_once('_') else { return false };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(trial) && number.split('.').all(digits) && number.matches('.').count() == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_is_of_a_series_when_more_numbers_follow_it() {
        assert!(of_series("3.0.15", "3.0") && of_series("v2.4.58", "2.4") && of_series("1.11.2", "v1.11"));
        assert!(!of_series("3.0", "3.0") && !of_series("3.01.1", "3.0") && !of_series("1.1.1w", "1.1.1"));
    }

    #[test]
    fn natural_order() {
        let mut v = vec![
            "2.0",
            "1.10",
            "2.0-rc1",
            "1.9",
            "2.0.1",
            "2.0-beta2",
            "2.0-rc2",
            "1.9.0",
            "10.0",
            "2.0-alpha",
            "v1.11",
            "v9.0.83",
        ];
        v.sort_by(|a, b| compare(a, b));
        assert_eq!(
            v,
            [
                "1.9",
                "1.9.0",
                "1.10",
                "v1.11",
                "2.0-alpha",
                "2.0-beta2",
                "2.0-rc1",
                "2.0-rc2",
                "2.0",
                "2.0.1",
                "v9.0.83",
                "10.0"
            ]
        );
        // Patch letters: OpenSSL's 1.1.1 < 1.1.1a < 1.1.1w < 3.0.0, tzdata's 2024a <
        // 2024b; still pre-releases: Python's 3.13.0a1 < 3.13.0b2 < 3.13.0.
        let mut v = vec!["3.0.0", "1.1.1w", "1.1.1", "1.1.1a", "2024b", "2024a", "3.13.0", "3.13.0b2", "3.13.0a1"];
        v.sort_by(|a, b| compare(a, b));
        assert_eq!(v, ["1.1.1", "1.1.1a", "1.1.1w", "3.0.0", "3.13.0a1", "3.13.0b2", "3.13.0", "2024a", "2024b"]);
        assert!(!is_prerelease("1.1.1a") && !is_prerelease("1.1.1b") && !is_prerelease("2024a"));
        assert!(is_prerelease("3.13.0a1") && is_prerelease("2.0b2") && is_prerelease("1.0-a"));
        // A pre-release word alone is the tip: Neovim's `nightly` after its v0.10.4.
        let mut v = vec!["nightly", "v0.10.4", "0.9.5"];
        v.sort_by(|a, b| compare(a, b));
        assert_eq!(v, ["0.9.5", "v0.10.4", "nightly"]);
        assert!(is_prerelease("nightly"));
    }

    #[test]
    fn same_versions() {
        let same = |a: &str, b: &str| bare(a) == bare(b);
        assert!(same("v2.4.58", "2.4.58") && same("2.0-RC1", "2.0-rc1") && same("1.0", "1.0"));
        assert!(!same("1.9", "1.9.0") && !same("vista-1", "ista-1"));
    }

    #[test]
    fn the_forms_real_projects_use() {
        let less = |a: &str, b: &str| assert_eq!(compare(a, b), Ordering::Less, "{a} < {b}");
        less("2.4.9", "2.4.58");
        less("1.0.0-M9", "1.0.0-M10");
        less("3.0.0-beta-1", "3.0.0-RC1");
        less("3.0.0-RC1", "3.0.0");
        less("1.9.0", "2.0.0-incubating");
        less("2.0.0-alpha", "2.0.0-beta");
        less("1.0.0-rc.1", "1.0.0-rc.2");
        less("1.0.0-rc.2", "1.0.0");
        less("20231130", "20231201");
        less("v9.0.9", "9.0.83");
        // LAMMPS's days, and a stable release's update after it.
        less("29Aug2024", "19Nov2024");
        less("21Nov2023", "4Feb2024");
        less("29Aug2024", "29Aug2024_update1");
        less("29Aug2024_update1", "29Aug2024_update2");
        // dnsmasq's test builds before its candidates.
        less("2.92test1", "2.92test2");
        less("2.92test2", "2.92rc1");
        assert!(is_prerelease("2.92test1") && !is_prerelease("4Feb2025"));
    }

    #[test]
    fn prerelease() {
        assert!(is_prerelease("2.0-RC1"));
        assert!(!is_prerelease("2.0.1"));
        // CPAN's developer releases; not a date or a build number glued with `_`.
        assert!(is_prerelease("2.2207_01") && !is_prerelease("2.2207") && !is_prerelease("20240101_1"));
        assert!(!is_prerelease("21.0.5_11"), "Temurin's JDK 21.0.5 build 11");
        // A commit's hash is no alpha or beta tag; a tag beside it still is.
        assert!(!is_prerelease("24.11.711815.d70bd19e0a38"), "NixOS 24.11");
        assert!(is_prerelease("25.05pre711815.d70bd19e0a38"));
        assert!(is_prerelease("1.2.3-5-g1a2b3c4"), "git describe: a development build");
        assert!(is_prerelease("0.15.0-dev.1034+bd97b6618"), "Zig's development build");
    }

    #[test]
    fn days_in_names() {
        assert!(is_day("20241203") && is_day("2024-12-03"));
        assert!(!is_day("20241303") && !is_day("20241200") && !is_day("21241203") && !is_day("2024-1203"));
        let day = |p: &str| latest_day(p);
        assert_eq!(day("v24.06/phosh/20241203-0422/20241203-0422-pmos.img.xz").as_deref(), Some("20241203"));
        assert_eq!(day("lineage-22.0-20241119-nightly-husky-signed.zip").as_deref(), Some("20241119"));
        assert_eq!(day("2024-11-19-raspios-arm64.img.xz").as_deref(), Some("20241119"));
        // Inside a longer run of digits (Eclipse's stamp), or not a day: none.
        assert_eq!(day("R-4.30-202312010110/eclipse.tar.gz"), None);
        assert_eq!(day("tool-1.2-20241301-\u{e9}.zip"), None);
        assert_eq!(day("a/20241119/b/20241203\u{e9}"), Some("20241203".to_string()));
    }
}
