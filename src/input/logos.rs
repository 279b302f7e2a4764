//! Sponsors' logos: `logos/<mirror id>.svg` or `.png` beside the registry, copied into
//! the site so that a visitor's browser shows a mirror's sponsor without asking a third
//! party. Each file is checked before it is published from the site's own origin: its
//! type by its bytes, its size, and an SVG for anything that could run or load (scripts,
//! event handlers, external references), since a browser that opens it as a page would
//! run it as the site.

use crate::util::problem::{Problem, Problems};
use std::collections::BTreeMap;
use std::path::Path;

/// Largest logo closer publishes.
pub const MAX_BYTES: usize = 64 << 10;
/// Largest width or height of a PNG logo, in pixels.
pub const MAX_PIXELS: u32 = 1024;

/// One checked logo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    /// `svg` or `png`.
    pub ext: &'static str,
    pub bytes: Vec<u8>,
}

/// The logos by mirror id.
#[derive(Debug, Clone, Default)]
pub struct Logos(pub BTreeMap<String, Logo>);

impl Logos {
    /// The site path of a mirror's logo (`logos/<id>.svg`), if it has one.
    pub fn path(&self, id: &str) -> Option<String> {
        self.0.get(id).map(|l| format!("logos/{id}.{}", l.ext))
    }
}

/// Why `bytes` cannot be published as a logo of type `ext` (`svg` or `png`).
pub fn check(ext: &str, bytes: &[u8]) -> Result<&'static str, String> {
    if bytes.len() > MAX_BYTES {
        return Err(format!("is {} bytes, over the {} KiB a logo may have", bytes.len(), MAX_BYTES >> 10));
    }
    match ext {
        "png" => check_png(bytes).map(|()| "png"),
        "svg" => check_svg(bytes).map(|()| "svg"),
        _ => Err("is neither .svg nor .png".into()),
    }
}

fn check_png(b: &[u8]) -> Result<(), String> {
    if b.len() < 24 || &b[..8] != b"\x89PNG\r\n\x1a\n" || &b[12..16] != b"IHDR" {
        return Err("is not a PNG image (no PNG signature and header)".into());
    }
    let w = u32::from_be_bytes([b[16], b[17], b[18], b[19]]);
    let h = u32::from_be_bytes([b[20], b[21], b[22], b[23]]);
    if w == 0 || h == 0 || w > MAX_PIXELS || h > MAX_PIXELS {
        return Err(format!("is {w}×{h} pixels; a logo is at most {MAX_PIXELS}×{MAX_PIXELS}"));
    }
    Ok(())
}

fn check_svg(b: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(b).map_err(|_| "is not UTF-8 text, so not an SVG image".to_string())?;
    // Character references decoded first: `jav&#x61;script:` is `javascript:` to a browser.
    let lower = decode_refs(text).to_ascii_lowercase();
    if !lower.contains("<svg") {
        return Err("is not an SVG image (no <svg> element)".into());
    }
    let banned = [
        ("<script", "a script"),
        ("javascript:", "a javascript: URL"),
        ("<foreignobject", "a foreignObject (HTML inside SVG)"),
        ("<!entity", "an XML entity declaration"),
        ("<iframe", "an iframe"),
        ("<embed", "an embed"),
        ("<object", "an object"),
        ("@import", "a stylesheet import"),
        ("url(http", "an external url()"),
        ("url(//", "an external url()"),
        ("href=\"http", "a link to another site"),
        ("href='http", "a link to another site"),
        ("href=\"//", "a link to another site"),
        ("href='//", "a link to another site"),
        ("href=\"data:", "an embedded data: resource"),
        ("href='data:", "an embedded data: resource"),
    ];
    if let Some((_, what)) = banned.iter().find(|(needle, _)| lower.contains(needle)) {
        return Err(format!("contains {what}, which a logo may not"));
    }
    // Whatever a `url(...)` or an `href` names, in a stylesheet or an attribute, quoted
    // or spaced: only a fragment of the logo itself (`#gradient`).
    for (key, what) in [("url(", "a url() of something outside the logo"), ("href", "a link outside the logo")] {
        for (i, _) in lower.match_indices(key) {
            let mut rest = lower[i + key.len()..].trim_start();
            if key == "href" {
                let Some(value) = rest.strip_prefix('=') else { continue };
                rest = value.trim_start();
            }
            let target = rest.trim_start_matches(['"', '\'']).trim_start();
            if !target.starts_with('#') {
                return Err(format!("contains {what}, which a logo may not"));
            }
        }
    }
    // Event handler attributes: ` onload=`, `\tonclick =` ...
    let bytes = lower.as_bytes();
    for (i, w) in bytes.windows(2).enumerate() {
        if w == b"on" && i > 0 && bytes[i - 1].is_ascii_whitespace() {
            let rest = &lower[i + 2..];
            let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            if name_len > 0 && rest[name_len..].trim_start().starts_with('=') {
                return Err(format!("contains an event handler (on{}=), which a logo may not", &rest[..name_len]));
            }
        }
    }
    Ok(())
}

/// `text` with its numeric character references (`&#97;`, `&#x61;`) as the characters
/// they stand for; one that does not decode stays as it is.
fn decode_refs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("&#") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let (digits, radix) = match after.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16),
            None => (after, 10),
        };
        let len = digits.bytes().take_while(|b| b.is_ascii_alphanumeric()).count();
        let code = u32::from_str_radix(&digits[..len], radix).ok().and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                let used = after.len() - digits.len() + len;
                rest = after[used..].strip_prefix(';').unwrap_or(&after[used..]);
            }
            None => {
                out.push_str("&#");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads `dir` (absent: no logos). Every file must be `<id>.svg` or `<id>.png` of a
/// mirror in `ids` and pass [`check`]; each that does not is a problem naming it.
pub fn load(dir: &Path, ids: &[&str]) -> (Logos, Problems) {
    let mut logos = Logos::default();
    let mut problems = Problems::default();
    let Ok(entries) = std::fs::read_dir(dir) else { return (logos, problems) };
    let mut names: Vec<_> = entries.flatten().collect();
    names.sort_by_key(|e| e.file_name());
    for e in names {
        let path = e.path();
        let place = path.display().to_string();
        let name = e.file_name().to_string_lossy().into_owned();
        let Some((id, ext)) = name.rsplit_once('.') else {
            problems.push(
                Problem::new(place, "is not a logo (no .svg or .png)")
                    .hint("name logos <mirror id>.svg or <mirror id>.png"),
            );
            continue;
        };
        if !ids.contains(&id) {
            problems.push(
                Problem::new(place, format!("is the logo of `{id}`, which is no mirror of the registry"))
                    .hint("name it after a mirror's id, or remove it"),
            );
            continue;
        }
        // Not through a symlink: only regular files in the directory are read.
        if !e.file_type().is_ok_and(|t| t.is_file()) {
            problems
                .push(Problem::new(place, "is not a regular file").hint("copy the image into logos/ (no symlinks)"));
            continue;
        }
        let checked = std::fs::read(&path).map_err(|err| format!("cannot be read: {err}")).and_then(|b| {
            let ext = check(&ext.to_ascii_lowercase(), &b)?;
            Ok(Logo { ext, bytes: b })
        });
        match checked {
            Ok(logo) if logos.0.contains_key(id) => {
                let _ = logo;
                problems.push(
                    Problem::new(place, format!("is a second logo of `{id}`")).hint("keep one of its .svg and .png"),
                );
            }
            Ok(logo) => {
                logos.0.insert(id.to_string(), logo);
            }
            Err(why) => problems
                .push(Problem::new(place, why).hint("use a plain SVG or PNG of at most 64 KiB (and 1024×1024 pixels)")),
        }
    }
    (logos, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&[8, 6, 0, 0, 0]);
        b
    }

    #[test]
    fn logos_are_checked_by_their_bytes() {
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#06c"/></svg>"##;
        assert_eq!(check("svg", svg), Ok("svg"));
        assert_eq!(check("png", &png(64, 32)), Ok("png"));
        assert!(check("png", &png(4000, 10)).unwrap_err().contains("4000×10"));
        assert!(check("png", svg).unwrap_err().contains("not a PNG"));
        assert!(check("svg", &png(1, 1)).is_err());
        assert!(check("svg", &vec![b' '; MAX_BYTES + 1]).unwrap_err().contains("64 KiB"));
        for bad in [
            r#"<svg><script>alert(1)</script></svg>"#,
            r#"<svg onload="alert(1)"></svg>"#,
            r#"<svg><rect ONCLICK = "x"/></svg>"#,
            r#"<svg><image href="https://tracker.example/p.png"/></svg>"#,
            r#"<svg><image xlink:href="//tracker.example/p.png"/></svg>"#,
            r#"<svg><a href="javascript:alert(1)">x</a></svg>"#,
            r#"<svg><foreignObject><iframe/></foreignObject></svg>"#,
            r#"<!DOCTYPE svg [<!ENTITY x "y">]><svg>&x;</svg>"#,
            r#"<svg><style>@import "https://x/y.css";</style></svg>"#,
            // Spelt so a list of words misses them: a character reference, a quoted or
            // spaced url() in an attribute, a relative link.
            r#"<svg><a href="jav&#x61;script:alert(1)">x</a></svg>"#,
            r#"<svg><a href="&#106;avascript:alert(1)">x</a></svg>"#,
            r#"<svg><rect style="fill:url('https://tracker.example/p')"/></svg>"#,
            r#"<svg><rect style="fill:url( &quot;//tracker.example/p&quot;)"/></svg>"#,
            r#"<svg><image href = "other.svg"/></svg>"#,
        ] {
            assert!(check("svg", bad.as_bytes()).is_err(), "{bad}");
        }
        // Its own fragments are fine.
        let own = br##"<svg xmlns:xlink="http://www.w3.org/1999/xlink"><defs><linearGradient id="g"/></defs><rect fill="url(#g)"/><use xlink:href="#g"/></svg>"##;
        assert_eq!(check("svg", own), Ok("svg"));
        // A word beginning with "on" is no handler.
        assert_eq!(check("svg", br#"<svg><title>one online</title></svg>"#), Ok("svg"));
    }
}
