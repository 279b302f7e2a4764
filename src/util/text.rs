//! Small formatting helpers shared by the writers of pages and lists: sizes, dates,
//! URL path encoding, shell quoting, and `sha512sum`-style lines.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Characters kept as they are in a URL path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'+');

/// Percent-encodes each `/`-separated segment of a relative path.
pub fn url_path(rel: &str) -> String {
    // `/` is the only character kept here that a segment encodes.
    const PATH: &AsciiSet = &SEGMENT.remove(b'/');
    std::borrow::Cow::from(utf8_percent_encode(rel, PATH)).into_owned()
}

/// The plural ending of a count: `""` for one, `"s"` otherwise (`{n} file{}`).
pub fn plural(n: impl TryInto<u64>) -> &'static str {
    if n.try_into().ok() == Some(1) { "" } else { "s" }
}

/// `1.2 MiB`, `512 B`.
pub fn human_size(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if v < 10.0 { format!("{v:.1} {}", UNITS[u]) } else { format!("{v:.0} {}", UNITS[u]) }
}

/// A capacity as operators write it: `8TB`, `500 GB`, `1.5TiB`, `750000000000`. Decimal
/// units (KB, MB, GB, TB, PB: powers of 1000, as disks are sold) and binary ones (KiB ..
/// PiB); a bare number is bytes; case does not matter. `None` when it is not one.
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (num, unit) = (&s[..end], s[end..].trim().to_ascii_lowercase());
    if num.is_empty() || num.starts_with('.') || num.ends_with('.') || num.matches('.').count() > 1 {
        return None;
    }
    let mult: u64 = match unit.as_str() {
        "" | "b" => 1,
        "kb" | "k" => 1_000,
        "mb" | "m" => 1_000_000,
        "gb" | "g" => 1_000_000_000,
        "tb" | "t" => 1_000_000_000_000,
        "pb" | "p" => 1_000_000_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        "tib" => 1 << 40,
        "pib" => 1 << 50,
        _ => return None,
    };
    let value = num.parse::<f64>().ok()? * mult as f64;
    (value.is_finite() && value < u64::MAX as f64).then_some(value.round() as u64)
}

/// A size in decimal units, as capacities are given: `8.0 TB`, `512 GB`, `900 B`.
pub fn human_si(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KB", "MB", "GB", "TB", "PB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    match u {
        0 => format!("{n} B"),
        _ if v < 10.0 => format!("{v:.1} {}", UNITS[u]),
        _ => format!("{v:.0} {}", UNITS[u]),
    }
}

/// Bandwidth given in Mbit/s: `100 Mbit/s`, `10 Gbit/s`.
pub fn human_bandwidth(mbit: u64) -> String {
    if mbit >= 1000 && mbit.is_multiple_of(1000) {
        format!("{} Gbit/s", mbit / 1000)
    } else if mbit >= 1000 {
        format!("{:.1} Gbit/s", mbit as f64 / 1000.0)
    } else {
        format!("{mbit} Mbit/s")
    }
}

/// (year, month, day, hour, minute, second) in UTC of a Unix time.
pub fn civil(ts: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = if m <= 2 { y + 1 } else { y };
    (y, m, d, (secs / 3600) as u32, (secs % 3600 / 60) as u32, (secs % 60) as u32)
}

/// The Unix time of midnight UTC on `YYYY-MM-DD`, if it is such a date.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut it = s.splitn(3, '-');
    let (y, m, d): (i64, i64, i64) = (it.next()?.parse().ok()?, it.next()?.parse().ok()?, it.next()?.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || s.len() != 10 {
        return None;
    }
    // Howard Hinnant's days-from-civil algorithm.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let ts = (era * 146_097 + doe - 719_468) * 86_400;
    (date(ts) == s).then_some(ts)
}

/// `2026-11-22`.
pub fn date(ts: i64) -> String {
    let (y, m, d, ..) = civil(ts);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `2026-11-22 02:45 UTC`.
pub fn datetime(ts: i64) -> String {
    let (y, m, d, h, mi, _) = civil(ts);
    format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02} UTC")
}

/// RFC 3339: `2026-11-22T02:45:00Z`.
pub fn rfc3339(ts: i64) -> String {
    let (y, m, d, h, mi, s) = civil(ts);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// A duration in words, as pages show an age: `40 s`, `12 min`, `5 h`, `3 d`.
pub fn age(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..60 => format!("{s} s"),
        60..7200 => format!("{} min", s / 60),
        7200..172800 => format!("{} h", s / 3600),
        _ => format!("{} d", s / 86400),
    }
}

/// Escapes text for HTML or XML content and attribute values (pages closer writes by
/// hand: Metalinks, feed content, the preview server's pages).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Quotes a word for a POSIX shell when it needs it.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.,+/:=@%".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// A file name as a command's argument: quoted as [`shell_quote`] quotes it, and after
/// `./` when it starts with `-` (else the command reads it as an option).
pub fn shell_file(name: &str) -> String {
    if name.starts_with('-') { shell_quote(&format!("./{name}")) } else { shell_quote(name) }
}

/// One line of `sha512sum` output for `name`, escaped the way coreutils does it, so
/// that `sha512sum -c` reads it back.
pub fn sum_line(hex: &str, name: &str) -> String {
    if name.contains(['\\', '\n', '\r']) {
        let esc = name.replace('\\', "\\\\").replace('\n', "\\n").replace('\r', "\\r");
        format!("\\{hex}  {esc}\n")
    } else {
        format!("{hex}  {name}\n")
    }
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    push_hex(&mut s, bytes);
    s
}

/// Appends `bytes` as lower-case hex digits (what [`hex`] returns) without allocating.
pub fn push_hex(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 2);
    for b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
}

/// The bytes of `N * 2` lower-case hex digits (what [`hex`] writes); `None` otherwise.
pub fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let digit = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    };
    let bytes = s.as_bytes();
    if bytes.len() != N * 2 {
        return None;
    }
    let mut out = [0u8; N];
    for (i, pair) in bytes.chunks(2).enumerate() {
        out[i] = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

/// Groups a fingerprint in blocks of four, the way gpg prints it.
pub fn spaced_fingerprint(fpr: &str) -> String {
    let chunks: Vec<&str> = fpr.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or("")).collect();
    if chunks.len() == 10 { format!("{}  {}", chunks[..5].join(" "), chunks[5..].join(" ")) } else { chunks.join(" ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("2026-11-22"), Some(1_795_305_600));
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("2024-2-3"), None);
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_315_500), "2026-11-22T02:45:00Z");
        assert_eq!(date(951_782_400), "2000-02-29");
    }

    #[test]
    fn sizes_and_quoting() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_bandwidth(10_000), "10 Gbit/s");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("foo-1.0.tar.gz"), "foo-1.0.tar.gz");
        assert_eq!(url_path("1.0/a b#c.zip"), "1.0/a%20b%23c.zip");
    }

    #[test]
    fn capacities() {
        assert_eq!(parse_size("8TB"), Some(8_000_000_000_000));
        assert_eq!(parse_size("500 gb"), Some(500_000_000_000));
        assert_eq!(parse_size("1.5TiB"), Some(1_649_267_441_664));
        assert_eq!(parse_size("1234"), Some(1234));
        for bad in ["", "TB", "8 XB", "1..5TB", ".5TB", "-1TB", "99999999999PB"] {
            assert_eq!(parse_size(bad), None, "{bad:?}");
        }
        assert_eq!(human_si(8_000_000_000_000), "8.0 TB");
        assert_eq!(human_si(512_000_000_000), "512 GB");
        assert_eq!(human_si(900), "900 B");
    }
}
