//! Reading checksum files in every form release managers upload: `sha512sum` output (one
//! or many lines, `*` binary marker, `\`-escaped names), BSD tags (`SHA512 (name) = hex`
//! from `shasum --tag`, `SHA512(name)= hex` from `openssl dgst`), `gpg --print-md`
//! (upper-case hex in groups, wrapped over several lines), and a bare digest. What a file
//! was read as is part of the result, so a mismatch can say it.

use super::tool_output::Tool;
use crate::model::digests::Algo;

/// The form a checksum file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `hex  name` lines, as `sha512sum` writes them.
    Gnu,
    /// `ALGO (name) = hex` lines.
    Bsd,
    /// `name: HEX GROUPS` over one or more lines, as `gpg --print-md` writes it.
    PrintMd,
    /// A digest alone (possibly in groups, over several lines).
    Bare,
    /// A tab-separated table whose header names its columns (Ruby's `index.txt`: `name`,
    /// `url`, `sha1`, `sha256`, `sha512`).
    Table,
    /// CPAN::Checksums' Perl hash (PAUSE's `CHECKSUMS` in every author's directory:
    /// `$cksum = { 'Moose-2.2207.tar.gz' => { 'sha256' => '...', ... }, ... };`).
    Perl,
    /// `certutil -hashfile` output (Windows).
    Certutil,
    /// PowerShell's `Get-FileHash`, as a table or a list.
    PowerShell,
    /// 7-Zip's `7z h` report.
    SevenZip,
}

impl Format {
    /// How a message names the form.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Gnu => "sha512sum format",
            Format::Bsd => "BSD tag format",
            Format::PrintMd => "gpg --print-md format",
            Format::Bare => "a bare digest",
            Format::Table => "a table with a header",
            Format::Perl => "CPAN::Checksums format",
            Format::Certutil => "certutil -hashfile output",
            Format::PowerShell => "PowerShell Get-FileHash output",
            Format::SevenZip => "7-Zip's 7z h output",
        }
    }
}

/// One checksum read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sum {
    /// Lower-case hex.
    pub hex: String,
    /// The file it names, when the form names one.
    pub name: Option<String>,
    /// The algorithm the line names (BSD tags, `gpg --print-mds`).
    pub algo: Option<Algo>,
    /// The line it starts on, from 1.
    pub line: usize,
}

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Hex in groups separated by white space (`0F7447DC FFC06558 ...`), joined.
fn grouped_hex(s: &str) -> Option<String> {
    let joined: String = s.split_whitespace().collect();
    is_hex(&joined).then(|| joined.to_ascii_lowercase())
}

/// The algorithm a BSD tag names.
fn bsd_algo(tag: &str) -> Option<Algo> {
    Some(match tag.to_ascii_uppercase().replace('-', "").as_str() {
        "MD5" => Algo::Md5,
        "SHA1" => Algo::Sha1,
        "SHA256" | "SHA2256" => Algo::Sha256,
        "SHA512" | "SHA2512" => Algo::Sha512,
        // `b2sum --tag` writes `BLAKE2b`; OpenSSL `BLAKE2b512`.
        "BLAKE2B" | "BLAKE2B512" => Algo::Blake2b,
        _ => return None,
    })
}

/// A comment that opens a section of one algorithm's lines: Gentoo's `# SHA512 HASH`,
/// Clonezilla's `### SHA256SUMS:` and `### b2sums:`; the algorithm, or `None` for one
/// closer does not know (`# WHIRLPOOL HASH`: its lines are skipped).
fn section_header(line: &str) -> Option<Option<Algo>> {
    let words = line.trim().strip_prefix('#')?.trim_start_matches('#').trim().trim_end_matches(':').trim_end();
    let upper = words.to_ascii_uppercase();
    let known = |name: &str| if name == "B2" { Some(Algo::Blake2b) } else { bsd_algo(name) };
    if let Some(name) = upper.strip_suffix("HASH").map(str::trim).filter(|n| !n.is_empty() && !n.contains(' ')) {
        return Some(known(name));
    }
    // `SUMS` only after a known algorithm: `# checksums` opens no section.
    let name = upper.strip_suffix("SUMS").or_else(|| upper.strip_suffix("SUM"))?;
    known(name.trim()).map(Some)
}

/// A BSD tag line: `SHA512 (name) = hex` or `SHA512(name)= hex`.
fn bsd_line(line: &str) -> Option<(Algo, String, String)> {
    let (tag, rest) = line.split_once('(')?;
    let (name, digest) = rest.rsplit_once(')')?;
    let digest = digest.trim_start().strip_prefix('=')?.trim();
    let algo = bsd_algo(tag.trim())?;
    is_hex(digest).then(|| (algo, name.to_string(), digest.to_ascii_lowercase()))
}

/// A `sha512sum` line: `hex  name`, `hex *name`, or `\hex  name` with `\\`, `\n` escapes;
/// or `hex name`, one space, as `sha512sum -c` reads it too (OpenSSL's release script
/// wrote its `.sha256` files with `echo $hash "$file"`).
fn gnu_line(line: &str) -> Option<(String, String)> {
    let (escaped, line) = match line.strip_prefix('\\') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let (digest, name) = line.split_once(' ')?;
    // One space only with a digest of a known length: `be careful` is no checksum.
    let name = match name.strip_prefix(' ').or_else(|| name.strip_prefix('*')) {
        Some(name) => name,
        None if algo_of_length(digest.len()).is_some() => name,
        None => return None,
    };
    if !is_hex(digest) || name.is_empty() {
        return None;
    }
    let name = if escaped { name.replace("\\n", "\n").replace("\\r", "\r").replace("\\\\", "\\") } else { name.into() };
    Some((digest.to_ascii_lowercase(), name))
}

/// `name: HEX GROUPS` on a line that starts an entry of `gpg --print-md`; with a long
/// name gpg writes `name: ` alone and the groups on the lines after it.
fn print_md_start(line: &str) -> Option<(String, String)> {
    if line.starts_with(char::is_whitespace) || line.starts_with('#') {
        return None;
    }
    if let Some(name) = line.trim_end().strip_suffix(':') {
        return (!name.is_empty()).then(|| (name.to_string(), String::new()));
    }
    let (name, groups) = line.split_once(": ")?;
    // `gpg --print-mds` names the algorithm (nmap's `X.digest.txt`): `X: SHA256 = …`.
    let groups = groups.trim_start().split_once(" = ").map_or(groups, |(_, hex)| hex);
    Some((name.to_string(), grouped_hex(groups)?))
}

/// The algorithm a `gpg --print-mds` line names (`X:    MD5 = …`): `Some(None)` for one
/// closer does not compute (RMD160, SHA224, SHA384), `None` when it names none.
fn print_mds_algo(line: &str) -> Option<Option<Algo>> {
    let (_, rest) = line.split_once(": ")?;
    let (word, _) = rest.trim_start().split_once(" = ")?;
    Some(bsd_algo(word))
}

/// The name a checksum list in the directory `list_dir` gives the file `rel` (both
/// relative to the tree): its path from the list's directory (`linux-x86_64/en-US/x.tar.bz2`
/// in Mozilla's lists), or, for a list kept in a directory of checksums beside the files
/// (Eclipse's `checksum/`), from the directory above.
pub fn name_in_list<'a>(list_dir: &str, rel: &'a str) -> Option<&'a str> {
    let under = |dir: &str| if dir.is_empty() { Some(rel) } else { rel.strip_prefix(dir)?.strip_prefix('/') };
    under(list_dir).or_else(|| {
        let (parent, _) = list_dir.rsplit_once('/').filter(|_| crate::model::tree::is_checksum_dir(list_dir))?;
        under(parent)
    })
}

/// Reads a checksum file. Lines that fit no form are skipped in lists (release managers
/// add comments and blank lines); the caller decides what finding nothing means.
pub fn parse(text: &str) -> (Format, Vec<Sum>) {
    // A byte-order mark (Notepad's) is not part of the first line.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = super::tool_output::numbered_lines(text);
    let Some(&(_, first)) = lines.first() else { return (Format::Gnu, Vec::new()) };
    if let Some(sums) = table(&lines) {
        return (Format::Table, sums);
    }
    if let Some((tool, sums)) = super::tool_output::parse(&lines) {
        let format = match tool {
            Tool::Certutil => Format::Certutil,
            Tool::PowerShell => Format::PowerShell,
            Tool::SevenZip => Format::SevenZip,
        };
        let sums = sums.into_iter().map(|s| Sum { hex: s.hex, name: Some(s.name), algo: Some(s.algo), line: s.line });
        return (format, sums.collect());
    }
    if lines.iter().any(|(_, l)| l.trim_start().starts_with("$cksum = {")) {
        return (Format::Perl, perl_hash(&lines));
    }
    // Lists may open with comments or sizes (`# Fedora-...iso: 2037372928 bytes`,
    // Wireshark's `wireshark-4.4.2.tar.xz: 46434252 bytes`): the first line that is an
    // entry of either form says which.
    let bsd = lines
        .iter()
        .find_map(|(_, l)| if bsd_line(l.trim()).is_some() { Some(true) } else { gnu_line(l).map(|_| false) })
        .unwrap_or(false);
    if bsd {
        let sums = lines
            .iter()
            .filter_map(|&(n, l)| {
                bsd_line(l.trim()).map(|(algo, name, hex)| Sum { hex, name: Some(name), algo: Some(algo), line: n })
            })
            .collect();
        return (Format::Bsd, sums);
    }
    // (A sentence ending in `:` before `sha256sum` lines is no `--print-md` entry: SBCL's
    // "The SHA256 checksums of the following distribution files are:".)
    if gnu_line(first).is_none() && print_md_start(first).is_some() && !lines.iter().any(|(_, l)| gnu_line(l).is_some())
    {
        return (Format::PrintMd, print_md(&lines));
    }
    if lines.iter().all(|(_, l)| grouped_hex(l).is_some()) {
        let joined: String = lines.iter().map(|(_, l)| *l).collect::<Vec<_>>().join(" ");
        let hex = grouped_hex(&joined).unwrap_or_default();
        return (Format::Bare, vec![Sum { hex, name: None, algo: None, line: lines[0].0 }]);
    }
    // Gentoo's DIGESTS give a section per algorithm (`# BLAKE2B HASH`, `# SHA512 HASH`,
    // formerly `# WHIRLPOOL HASH`): its lines are that algorithm's, or are skipped when
    // it is none closer knows. Qubes's `X.iso.DIGESTS` give no sections, but a line per
    // algorithm (MD5, SHA-1, SHA-256, SHA-512): in a list giving a file in digests of
    // several known lengths, each line is the algorithm of its length (a digest of the
    // wrong length for the list, given once, is still reported as such).
    let entries: std::collections::BTreeSet<(String, usize)> =
        lines.iter().filter_map(|(_, l)| gnu_line(l)).map(|(hex, name)| (name, hex.len())).collect();
    let by_length = entries.iter().all(|(_, n)| algo_of_length(*n).is_some())
        && entries.iter().zip(entries.iter().skip(1)).any(|(a, b)| a.0 == b.0);
    let mut section: Option<Option<Algo>> = None;
    let sums = lines
        .iter()
        .filter_map(|&(n, l)| {
            if let Some(algo) = section_header(l) {
                section = Some(algo);
                return None;
            }
            let (hex, name) = gnu_line(l)?;
            let algo = match section {
                Some(None) => return None,
                Some(known) => known,
                None if by_length => Some(algo_of_length(hex.len())?),
                None => None,
            };
            Some(Sum { hex, name: Some(name), algo, line: n })
        })
        .collect();
    (Format::Gnu, sums)
}

/// The digests of a table whose first line names its columns, tab-separated: `name`
/// (or `file`, `filename`) and one or more algorithms (`sha256`, `sha512`, ...); `None`
/// for any other text. A cell that is not a digest of its column's length is skipped.
fn table(lines: &[(usize, &str)]) -> Option<Vec<Sum>> {
    let (_, head) = lines.first()?;
    let columns: Vec<String> = head.split('\t').map(|c| c.trim().to_ascii_lowercase()).collect();
    let name = columns.iter().position(|c| matches!(c.as_str(), "name" | "file" | "filename"))?;
    // Ruby's `name` is the release (`ruby-3.3.6`, a row for each of its archives); the
    // file is the last part of its `url`.
    let url = columns.iter().position(|c| c == "url");
    let algos: Vec<(usize, Algo)> =
        columns.iter().enumerate().filter_map(|(i, c)| Some((i, Algo::from_ext(c)?))).collect();
    if algos.is_empty() {
        return None;
    }
    let mut sums = Vec::new();
    for &(n, l) in &lines[1..] {
        let cells: Vec<&str> = l.split('\t').map(str::trim).collect();
        let of_url = url.and_then(|u| cells.get(u)).and_then(|u| u.rsplit('/').next()).filter(|f| !f.is_empty());
        let Some(file) = of_url.or_else(|| cells.get(name).copied()).filter(|f| !f.is_empty()) else { continue };
        for &(i, algo) in &algos {
            let Some(hex) = cells.get(i).filter(|h| is_hex(h) && algo_of_length(h.len()) == Some(algo)) else {
                continue;
            };
            sums.push(Sum { hex: hex.to_ascii_lowercase(), name: Some(file.to_string()), algo: Some(algo), line: n });
        }
    }
    Some(sums)
}

/// The digests of CPAN::Checksums' Perl hash: a `'<file>' => {` line opens a file's
/// entry, its `'sha256' => '<hex>'` and `'md5' => '<hex>'` lines give its digests (the
/// `-ungz` ones are of the uncompressed tar, which closer does not hash).
fn perl_hash(lines: &[(usize, &str)]) -> Vec<Sum> {
    let quoted = |s: &str| {
        let s = s.trim().strip_prefix('\'')?;
        Some(s[..s.find('\'')?].to_string())
    };
    let mut file: Option<String> = None;
    let mut sums = Vec::new();
    for &(n, l) in lines {
        let Some((key, value)) = l.split_once("=>") else {
            continue;
        };
        let Some(key) = quoted(key) else { continue };
        if value.trim() == "{" {
            file = Some(key);
            continue;
        }
        let algo = match key.as_str() {
            "sha256" => Algo::Sha256,
            "md5" => Algo::Md5,
            _ => continue,
        };
        if let (Some(name), Some(hex)) = (&file, quoted(value).filter(|h| is_hex(h))) {
            sums.push(Sum { hex: hex.to_ascii_lowercase(), name: Some(name.clone()), algo: Some(algo), line: n });
        }
    }
    sums
}

/// Reads a checksum list at `rel` (relative to the tree): as [`parse`], with a digest
/// that names no file given to the file the list is named after, when it is named as
/// one file's checksum is (`X.sha256` holding only the hex is `X`'s).
pub fn parse_list(text: &str, rel: &str) -> (Format, Vec<Sum>) {
    let (format, mut sums) = parse(text);
    let base = rel.rsplit('/').next().unwrap_or(rel);
    if let Some((of, _)) = crate::input::tree::split_sidecar(base) {
        for s in sums.iter_mut().filter(|s| s.name.is_none()) {
            s.name = Some(of.to_string());
        }
    }
    (format, sums)
}

/// The entries of `gpg --print-md` output: a line `name: groups` (or `name:` alone),
/// continued by the lines of hex groups after it.
fn print_md(lines: &[(usize, &str)]) -> Vec<Sum> {
    let mut sums: Vec<Sum> = Vec::new();
    // A digest in an algorithm closer does not compute is read and left out.
    let mut skipping = false;
    for &(n, l) in lines {
        // A long name on a line of its own, its digests each on the lines below
        // (`    MD5 = …`).
        let under = l.trim_start().split_once(" = ").filter(|(w, _)| w.bytes().all(|b| b.is_ascii_alphanumeric()));
        if let (Some(last), Some((word, hex))) = (sums.last().cloned(), under) {
            let algo = bsd_algo(word);
            skipping = algo.is_none();
            match (algo, grouped_hex(hex)) {
                (Some(algo), Some(hex)) if last.hex.is_empty() => {
                    if let Some(s) = sums.last_mut() {
                        (s.algo, s.hex, s.line) = (Some(algo), hex, n);
                    }
                }
                (Some(algo), Some(hex)) => sums.push(Sum { hex, name: last.name, algo: Some(algo), line: n }),
                _ => {}
            }
        } else if let (Some(last), Some(more)) = (sums.last_mut(), grouped_hex(l)) {
            if !skipping {
                last.hex.push_str(&more);
            }
        } else if let Some((name, hex)) = print_md_start(l) {
            let algo = print_mds_algo(l);
            skipping = algo == Some(None);
            if !skipping {
                sums.push(Sum { hex, name: Some(name), algo: algo.flatten(), line: n });
            }
        }
    }
    sums.retain(|s| !s.hex.is_empty());
    sums
}

/// The algorithm a digest of `hex_len` hex digits belongs to.
pub fn algo_of_length(hex_len: usize) -> Option<Algo> {
    Algo::of_hex_len(hex_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (Format, Sum) {
        let (f, sums) = parse(text);
        assert_eq!(sums.len(), 1, "{text:?}: {sums:?}");
        (f, sums.into_iter().next().unwrap())
    }

    #[test]
    fn cpan_checksums_are_read() {
        let text = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n# CHECKSUMS file written by CPAN::Checksums\n$cksum = {\n  'Moose-2.2207.tar.gz' => {\n    'md5' => 'AB12',\n    'sha256' => 'cd34',\n    'sha256-ungz' => 'ef56',\n    'size' => 2\n  },\n  'Moose-2.2207.meta' => {\n    'sha256' => '0099'\n  }\n};\n__END__\n";
        let (format, sums) = parse(text);
        assert_eq!(format, Format::Perl);
        let got: Vec<(&str, &str, Option<Algo>, usize)> =
            sums.iter().map(|s| (s.name.as_deref().unwrap(), s.hex.as_str(), s.algo, s.line)).collect();
        assert_eq!(
            got,
            [
                ("Moose-2.2207.tar.gz", "ab12", Some(Algo::Md5), 7),
                ("Moose-2.2207.tar.gz", "cd34", Some(Algo::Sha256), 8),
                ("Moose-2.2207.meta", "0099", Some(Algo::Sha256), 13)
            ]
        );
    }

    #[test]
    fn gnu_lines_with_markers_and_escapes() {
        let (f, s) = one("ABC123  foo.tar.gz\n");
        assert_eq!((f, s.hex.as_str(), s.name.as_deref()), (Format::Gnu, "abc123", Some("foo.tar.gz")));
        assert_eq!(one("abc *foo bar.zip\n").1.name.as_deref(), Some("foo bar.zip"));
        assert_eq!(one("\\abc  a\\nb\n").1.name.as_deref(), Some("a\nb"));
        // Clonezilla's CHECKSUMS.TXT: a section per algorithm.
        let (m, b, h) = ("a".repeat(32), "b".repeat(64), "c".repeat(64));
        let (_, sums) =
            parse(&format!("### MD5SUMS:\n{m}  x.iso\n### SHA256SUMS:\n{b}  x.iso\n### b2sums:\n{h}  x.iso\n"));
        let algos: Vec<_> = sums.iter().map(|s| s.algo).collect();
        assert_eq!(algos, [Some(Algo::Md5), Some(Algo::Sha256), Some(Algo::Blake2b)]);
        assert_eq!(parse(&format!("# checksums\n{b}  x.iso\n")).1.len(), 1, "a comment opens no section");
        let sha256 = "a".repeat(64);
        assert_eq!(one(&format!("{sha256} openssl-3.0.15.tar.gz\n")).1.name.as_deref(), Some("openssl-3.0.15.tar.gz"));
        assert!(parse("be careful\n").1.is_empty(), "one space, and no digest of a known length");
        let (_, many) = parse("aa  a\nnot a line\nbb  b\n");
        assert_eq!(many.iter().map(|s| (s.line, s.hex.as_str())).collect::<Vec<_>>(), [(1, "aa"), (3, "bb")]);
    }

    #[test]
    fn bsd_tags_from_shasum_and_openssl() {
        let (f, s) = one("SHA512 (foo.tar.gz) = ABCDEF\n");
        assert_eq!(
            (f, s.algo, s.name.as_deref(), s.hex.as_str()),
            (Format::Bsd, Some(Algo::Sha512), Some("foo.tar.gz"), "abcdef")
        );
        assert_eq!(one("SHA2-256(x (1).zip)= 0a\n").1.name.as_deref(), Some("x (1).zip"));
        assert_eq!(one("MD5 (x) = 0a\n").1.algo, Some(Algo::Md5));
        assert_eq!(one("BLAKE2b (x) = 0a\n").1.algo, Some(Algo::Blake2b));
        // Opened by a comment (Fedora, Rocky Linux) or a size line (Wireshark), with
        // the same file in several algorithms.
        let (f, sums) = parse("# x.iso: 3 bytes\nSHA256 (x.iso) = 0a\n");
        assert_eq!((f, sums.len()), (Format::Bsd, 1));
        let (f, sums) = parse("x.tar.xz: 46434252 bytes\nSHA256(x.tar.xz)=0a\nSHA1(x.tar.xz)=0b\n");
        assert_eq!(f, Format::Bsd);
        assert_eq!(sums.iter().map(|s| s.algo).collect::<Vec<_>>(), [Some(Algo::Sha256), Some(Algo::Sha1)]);
        // Qubes's DIGESTS: one line per algorithm, no sections; each line by its length.
        let qubes = format!("{}  *q.iso\n{} *q.iso\n{} *q.iso\n", "a".repeat(32), "b".repeat(64), "c".repeat(128));
        let (_, sums) = parse(&qubes);
        assert_eq!(
            sums.iter().map(|s| s.algo).collect::<Vec<_>>(),
            [Some(Algo::Md5), Some(Algo::Sha256), Some(Algo::Sha512)]
        );
    }

    #[test]
    fn a_digest_alone_in_a_list_named_after_a_file_is_that_files() {
        let (_, sums) = parse_list("0A0B\n", "tor/tor-0.4.8.13.tar.gz.sha256sum");
        assert_eq!(sums[0].name.as_deref(), Some("tor-0.4.8.13.tar.gz"));
        let (_, sums) = parse_list("0A0B\n", "x/SHA256SUMS");
        assert_eq!(sums[0].name, None);
    }

    #[test]
    fn gpg_print_md_over_several_lines() {
        let text = "httpd-2.4.58.tar.bz2: 0F7447DC FFC06558 2A4B4C6C 3B5C8F2A 1E2D3C4B 5A697887 96A5B4C3\n                      D2E1F0A1 B2C3D4E5 F6071829 3A4B5C6D 7E8F9A0B 1C2D3E4F 5A6B7C8D\n                      9E0F1A2B 3C4D5E6F\n";
        let (f, s) = one(text);
        assert_eq!(f, Format::PrintMd);
        assert_eq!(s.name.as_deref(), Some("httpd-2.4.58.tar.bz2"));
        assert_eq!(s.hex.len(), 128);
        assert!(s.hex.starts_with("0f7447dcffc06558") && s.hex.ends_with("3c4d5e6f"));
        let real = "hello-2.12.1.tar.gz: 8DE91217 F48DCEF8 39C9BDBD 56BC2A48 A21B8940 8C4CD21B\n                          048B3FC0 25117BAB 20B71B06 D97B76B5 F8FFAD33 77AFCACC\n                          A642055A 36CC9C96 75296AC1 FF433CBA\n";
        let (f, s) = one(real);
        assert_eq!((f, s.hex.len()), (Format::PrintMd, 128));
        let long = "/tmp/.tmpabcdef/dist/hello/2.12.1/hello-2.12.1.tar.gz: \n8DE91217 F48DCEF8 39C9BDBD 56BC2A48 A21B8940 8C4CD21B 048B3FC0 25117BAB 20B71B06\n D97B76B5 F8FFAD33 77AFCACC A642055A 36CC9C96 75296AC1 FF433CBA\n";
        let (f, s) = one(long);
        assert_eq!((f, s.hex.as_str()), (Format::PrintMd, one(real).1.hex.as_str()));
        let (_, two) = parse("a: 00 11\n   22\nb: 33\n");
        assert_eq!(two.iter().map(|s| s.hex.as_str()).collect::<Vec<_>>(), ["001122", "33"]);
        // `gpg --print-mds`: every algorithm, named; those closer computes are kept.
        let mds = "x.tar.bz2:    MD5 = 0F 74 47 DC FF C0 65 58  2A 4B 4C 6C 3B 5C 8F 2A\nx.tar.bz2:   SHA1 = 0F74 47DC FFC0 6558 2A4B  4C6C 3B5C 8F2A 1E2D 3C4B\nx.tar.bz2: RMD160 = 0F74 47DC FFC0 6558 2A4B  4C6C 3B5C 8F2A 1E2D 3C4B\nx.tar.bz2: SHA256 = 0F7447DC FFC06558 2A4B4C6C 3B5C8F2A 1E2D3C4B\n                    5A697887 96A5B4C3 D2E1F0A1\n";
        let (f, sums) = parse(mds);
        assert_eq!(f, Format::PrintMd);
        let got: Vec<_> = sums.iter().map(|s| (s.algo, s.hex.len())).collect();
        assert_eq!(got, [(Some(Algo::Md5), 32), (Some(Algo::Sha1), 40), (Some(Algo::Sha256), 64)]);
        // A long name on a line of its own before each digest.
        let long = "/a/long/path/x.tar.bz2: \n   MD5 = 76 4E FA 88 3D DA 1E 11  DB 47 67 1C 4A 3B BD 9E\n/a/long/path/x.tar.bz2: \nRMD160 = 1AC2 E29F D645 EDFE 32F3  442C ADF5 A46C 5A0D F960\n/a/long/path/x.tar.bz2: \nSHA512 = D78ABB05 42736865 F9470452 1609C230 DAC03A2F 369D043A C212D693 3B91410E\n         06399E37 F9C5CC88 436A3173 7330C1C8 ECCB2C2F 9F374D62 F716432A 32D50FAC\n";
        let (_, sums) = parse(long);
        let got: Vec<_> = sums.iter().map(|s| (s.algo, s.hex.len(), s.name.as_deref())).collect();
        let name = Some("/a/long/path/x.tar.bz2");
        assert_eq!(got, [(Some(Algo::Md5), 32, name), (Some(Algo::Sha512), 128, name)]);
    }

    #[test]
    fn tables_with_a_header_naming_their_columns() {
        // Ruby's `index.txt`; a cell of the wrong length for its column is skipped.
        let (a, b) = ("a".repeat(40), "B".repeat(64));
        // Its `name` is the release's, a row for each archive: the file is the url's.
        let text =
            format!("name\turl\tsha1\tsha256\nr-1\thttps://x/r-1.tar.gz\t{a}\t{b}\nr-2.zip\tr-2.zip\tabc\t{b}\n");
        let (f, sums) = parse(&text);
        let got: Vec<_> = sums.iter().map(|s| (s.name.as_deref().unwrap(), s.algo, s.line, s.hex.len())).collect();
        let want = [
            ("r-1.tar.gz", Some(Algo::Sha1), 2, 40),
            ("r-1.tar.gz", Some(Algo::Sha256), 2, 64),
            ("r-2.zip", Some(Algo::Sha256), 3, 64),
        ];
        assert_eq!((f, got), (Format::Table, want.to_vec()));
        assert_eq!(sums[1].hex, "b".repeat(64));
        // A header that names no algorithm is no table.
        assert_eq!(parse("name\turl\nx\ty\n").0, Format::Gnu);
    }

    #[test]
    fn bare_digests_alone_or_grouped() {
        let (f, s) = one("ABCDEF0123\n");
        assert_eq!((f, s.hex.as_str(), s.name), (Format::Bare, "abcdef0123", None));
        assert_eq!(one("0F7447DC FFC06558\n 2A4B4C6C\n").1.hex, "0f7447dcffc065582a4b4c6c");
        assert!(parse("\n\n").1.is_empty());
    }
}
