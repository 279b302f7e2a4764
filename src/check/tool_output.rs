//! Checksums as Windows tools print them, which release managers on Windows save beside
//! their files: `certutil -hashfile F SHA256` (a header line naming the file, the digest,
//! older Windows' in spaced byte pairs, and a closing line), PowerShell's `Get-FileHash`
//! (its table of Algorithm, Hash and Path, or `Format-List`'s `Key : value` lines, the
//! path a Windows one), and 7-Zip's `7z h -scrcSHA256` report (digest, size and name
//! between two rulers). Each names the file it read, by a path; the name is its last part.

use crate::model::digests::Algo;

/// The tool that wrote a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tool {
    Certutil,
    PowerShell,
    SevenZip,
}

/// One digest a tool printed: its line (from 1), lower-case hex, the name of the file
/// (the last part of the path it printed) and the algorithm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Sum {
    pub(super) line: usize,
    pub(super) hex: String,
    pub(super) name: String,
    pub(super) algo: Algo,
}

/// A text's non-blank lines, numbered from 1, without a Windows line end: what
/// checksum files are read from.
pub(super) fn numbered_lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect()
}

/// The sums of a text written by one of those tools (its [`numbered_lines`]), or
/// `None` for any other text.
pub(super) fn parse(lines: &[(usize, &str)]) -> Option<(Tool, Vec<Sum>)> {
    certutil(lines)
        .map(|s| (Tool::Certutil, s))
        .or_else(|| powershell(lines).map(|s| (Tool::PowerShell, s)))
        .or_else(|| seven_zip(lines).map(|s| (Tool::SevenZip, s)))
}

/// The last part of a Windows or Unix path.
fn base(path: &str) -> String {
    path.trim().rsplit(['\\', '/']).next().unwrap_or(path).to_string()
}

/// A digest of the algorithm's length, in one piece or in groups (`e3 b0 c4 ...`).
fn digest(text: &str, algo: Algo) -> Option<String> {
    let joined: String = text.split_whitespace().collect();
    (joined.len() == algo.hex_len() && joined.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| joined.to_ascii_lowercase())
}

/// The algorithm a tool names (`SHA256`, `SHA512`, `MD5`, `SHA1`).
fn algo_named(name: &str) -> Option<Algo> {
    Algo::from_ext(&name.to_ascii_lowercase()).filter(|_| name.len() > 3 || name.eq_ignore_ascii_case("md5"))
}

/// `SHA256 hash of NAME:` (`SHA1 hash of file NAME:` on Windows 7), then the digest.
fn certutil(lines: &[(usize, &str)]) -> Option<Vec<Sum>> {
    let mut sums = Vec::new();
    for (i, &(n, l)) in lines.iter().enumerate() {
        let Some((algo, rest)) = l.trim().split_once(" hash of ") else { continue };
        let (Some(algo), Some(name)) = (algo_named(algo), rest.strip_suffix(':')) else { continue };
        let name = name.strip_prefix("file ").unwrap_or(name);
        if let Some(hex) = lines.get(i + 1).and_then(|(_, h)| digest(h, algo)) {
            sums.push(Sum { hex, name: base(name), algo, line: n + 1 });
        }
    }
    let closing = lines.iter().any(|(_, l)| l.trim_start().starts_with("CertUtil:"));
    (closing || !sums.is_empty()).then_some(sums)
}

/// `Get-FileHash` as a table (`Algorithm  Hash  Path` over rows) or as a list
/// (`Algorithm : SHA256`, `Hash : ...`, `Path : ...`).
fn powershell(lines: &[(usize, &str)]) -> Option<Vec<Sum>> {
    let header = lines.iter().position(|(_, l)| l.split_whitespace().eq(["Algorithm", "Hash", "Path"]));
    let mut sums = Vec::new();
    if let Some(h) = header {
        for &(n, l) in &lines[h + 1..] {
            let mut words = l.trim().splitn(2, char::is_whitespace);
            let (Some(algo), Some(rest)) = (words.next().and_then(algo_named), words.next()) else { continue };
            let rest = rest.trim_start();
            let (hex, path) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            if let Some(hex) = digest(hex, algo) {
                sums.push(Sum { hex, name: base(path), algo, line: n });
            }
        }
        return Some(sums);
    }
    let field = |l: &str, key: &str| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == key).then(|| v.trim().to_string())
    };
    let mut algo = None;
    let mut hex: Option<(usize, String)> = None;
    for &(n, l) in lines {
        if let Some(a) = field(l, "Algorithm") {
            algo = algo_named(&a);
        } else if let Some(h) = field(l, "Hash") {
            hex = Some((n, h));
        } else if let (Some(path), Some(a), Some((hn, h))) =
            (l.split_once(':').filter(|(k, _)| k.trim() == "Path"), algo, &hex)
            && let Some(hex) = digest(h, a)
        {
            sums.push(Sum { hex, name: base(path.1), algo: a, line: *hn });
        }
    }
    (!sums.is_empty()).then_some(sums)
}

/// 7-Zip's report: a header `SHA256  Size  Name`, a ruler, then `digest size name` rows
/// up to the next ruler (after it come the totals).
fn seven_zip(lines: &[(usize, &str)]) -> Option<Vec<Sum>> {
    let h = lines.iter().position(|(_, l)| {
        let w: Vec<&str> = l.split_whitespace().collect();
        w.len() == 3 && w[1] == "Size" && w[2] == "Name" && algo_named(w[0]).is_some()
    })?;
    let algo = algo_named(lines[h].1.split_whitespace().next()?)?;
    let ruler = |l: &str| l.trim().starts_with("---");
    let mut sums = Vec::new();
    for &(n, l) in lines[h + 1..].iter().skip_while(|(_, l)| ruler(l)).take_while(|(_, l)| !ruler(l)) {
        let mut words = l.trim().splitn(2, char::is_whitespace);
        let (Some(hex), Some(rest)) = (words.next(), words.next()) else { continue };
        let rest = rest.trim_start();
        let name = rest
            .split_once(char::is_whitespace)
            .map_or("", |(size, name)| if size.bytes().all(|b| b.is_ascii_digit()) { name.trim_start() } else { "" });
        if let (Some(hex), false) = (digest(hex, algo), name.is_empty()) {
            sums.push(Sum { hex, name: base(name), algo, line: n });
        }
    }
    Some(sums)
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn one(text: &str) -> (Tool, Sum) {
        let (tool, sums) = parse(&numbered_lines(text)).unwrap_or_else(|| panic!("not read: {text}"));
        assert_eq!(sums.len(), 1, "{text}: {sums:?}");
        (tool, sums.into_iter().next().unwrap())
    }

    #[test]
    fn certutil_now_and_on_windows_7() {
        let (t, s) = one(&format!(
            "SHA256 hash of app 1.2.zip:\r\n{D}\r\nCertUtil: -hashfile command completed successfully.\r\n"
        ));
        assert_eq!((t, s.name.as_str(), s.hex.as_str(), s.line), (Tool::Certutil, "app 1.2.zip", D, 2));
        let pairs: Vec<String> = D.as_bytes().chunks(2).map(|c| String::from_utf8_lossy(c).to_uppercase()).collect();
        let (_, s) = one(&format!(
            "SHA256 hash of file C:\\dist\\app.zip:\r\n{}\r\nCertUtil: -hashfile command completed successfully.\r\n",
            pairs.join(" ")
        ));
        assert_eq!((s.name.as_str(), s.hex.as_str()), ("app.zip", D));
    }

    #[test]
    fn get_filehash_table_and_list() {
        let table = format!(
            "\r\nAlgorithm       Hash                                                                   Path\r\n\
             ---------       ----                                                                   ----\r\n\
             SHA256          {}       C:\\Users\\rm\\My Builds\\app.zip\r\n\r\n",
            D.to_uppercase()
        );
        let (t, s) = one(&table);
        assert_eq!((t, s.name.as_str(), s.hex.as_str(), s.algo), (Tool::PowerShell, "app.zip", D, Algo::Sha256));
        let list =
            format!("\r\nAlgorithm : SHA256\r\nHash      : {}\r\nPath      : C:\\b\\app.zip\r\n", D.to_uppercase());
        let (t, s) = one(&list);
        assert_eq!((t, s.name.as_str(), s.hex.as_str(), s.line), (Tool::PowerShell, "app.zip", D, 3));
    }

    #[test]
    fn seven_zip_report() {
        let text = format!(
            "7-Zip 23.01 (x64) : Copyright (c) 1999-2023 Igor Pavlov : 2023-06-20\n\nScanning\n1 file, 11 bytes (1 KiB)\n\n\
             SHA256                                                            Size  Name\n\
             ---------------------------------------------------------------- -------------  ------------\n\
             {D}             11  app (x64) 1.2.zip\n\
             ---------------------------------------------------------------- -------------  ------------\n\
             {D}             11\n\nSize: 11\n\nSHA256 for data:              {D}\n\nEverything is Ok\n"
        );
        let (t, s) = one(&text);
        assert_eq!((t, s.name.as_str(), s.hex.as_str()), (Tool::SevenZip, "app (x64) 1.2.zip", D));
    }
}
