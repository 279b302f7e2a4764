//! Checksum files and ignore files as a release manager on Windows or macOS saves them:
//! a byte-order mark (Notepad), UTF-16 (Windows PowerShell's `>` and `Out-File`), and the
//! output of the tools there (`certutil -hashfile`, `Get-FileHash`, 7-Zip, `shasum -U`).

use super::bad_input::uploaded_long_ago;
use crate::util::Fixture;

const ZIP: &str = "dist/alpha/1.10/alpha-1.10.zip";

fn sha256(f: &Fixture) -> String {
    use sha2::Digest;
    closer::util::text::hex(&sha2::Sha256::digest(f.read_bytes(ZIP)))
}

/// UTF-16 little-endian with its byte-order mark, as Windows PowerShell 5.1 writes.
fn utf16(text: &str) -> Vec<u8> {
    let mut b = vec![0xff, 0xfe];
    b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    b
}

/// Writes a checksum file beside the zip, both long ago (no upload in progress), and
/// checks.
fn check_with(f: &Fixture, rel: &str, bytes: &[u8]) -> crate::util::Run {
    f.write_bytes(rel, bytes);
    uploaded_long_ago(f, &[rel, ZIP]);
    f.closer(&["check"])
}

#[test]
fn checksums_saved_on_windows_and_macos_are_read() {
    let f = Fixture::new();
    let (good, wrong) = (sha256(&f), "ab".repeat(32));
    let side = "dist/alpha/1.10/alpha-1.10.zip.sha256";
    let pairs = |hex: &str| {
        hex.as_bytes().chunks(2).map(|c| String::from_utf8_lossy(c).to_uppercase()).collect::<Vec<_>>().join(" ")
    };
    let certutil = |hex: &str| {
        format!(
            "SHA256 hash of C:\\rel\\alpha-1.10.zip:\r\n{}\r\nCertUtil: -hashfile command completed successfully.\r\n",
            pairs(hex)
        )
    };
    let table = |hex: &str| {
        format!(
            "\r\nAlgorithm       Hash{pad}Path\r\n---------       ----{pad}----\r\nSHA256          {}       C:\\Users\\rm\\alpha-1.10.zip\r\n\r\n\r\n",
            hex.to_uppercase(),
            pad = " ".repeat(67)
        )
    };
    let seven = |hex: &str| {
        format!(
            "7-Zip 23.01 (x64)\n\nSHA256{pad}Size  Name\n{r}\n{hex}  {size:>13}  alpha-1.10.zip\n{r}\n\nEverything is Ok\n",
            pad = " ".repeat(60),
            r = "-".repeat(64),
            size = f.read_bytes(ZIP).len()
        )
    };
    let forms: [(&str, Vec<u8>, Vec<u8>); 5] = [
        ("certutil", certutil(&good).into_bytes(), certutil(&wrong).into_bytes()),
        ("Get-FileHash in UTF-16", utf16(&table(&good)), utf16(&table(&wrong))),
        ("7-Zip", seven(&good).into_bytes(), seven(&wrong).into_bytes()),
        (
            "BOM",
            format!("\u{feff}{good}  alpha-1.10.zip\r\n").into_bytes(),
            format!("\u{feff}{wrong}  alpha-1.10.zip\r\n").into_bytes(),
        ),
        (
            "shasum -U",
            format!("{good} Ualpha-1.10.zip\n").into_bytes(),
            format!("{wrong} Ualpha-1.10.zip\n").into_bytes(),
        ),
    ];
    for (form, right, bad) in forms {
        let run = check_with(&f, side, &right);
        assert_eq!(run.code, 0, "{form}: {}", run.stderr);
        let run = check_with(&f, side, &bad);
        assert_eq!(run.code, 1, "{form}: {}", run.stderr);
        assert!(run.stderr.contains("says abababababababab..."), "{form}: {}", run.stderr);
    }
    std::fs::remove_file(f.path(side)).unwrap();
    // A list whose first line is wrong, saved with a byte-order mark: that line was
    // skipped ("no problems").
    let list = format!("\u{feff}{wrong}  alpha-1.10.zip\r\n");
    let run = check_with(&f, "dist/alpha/1.10/SHA256SUMS", list.as_bytes());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("SHA256SUMS:1: says abababababababab"), "{}", run.stderr);
}

#[test]
fn an_ignore_file_saved_by_notepad_keeps_its_first_pattern() {
    let f = Fixture::new();
    f.write("dist/alpha/draft-notes.odt", "draft");
    f.write_bytes("dist/.closerignore", "\u{feff}draft-notes.odt\r\n".as_bytes());
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A file in a legacy encoding is named, with its line and how to save it.
    f.write_bytes("dist/.closerignore", b"# caf\xe9\ndraft-notes.odt\n");
    let run = f.closer(&["check"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("line 1") && run.stderr.contains("iconv"), "{}", run.stderr);
}

/// A project's page saved by Notepad as "ANSI" (Windows-1252) stopped the whole build
/// with a byte index; it holds back its own project, naming the line; a page saved as
/// "Unicode" (UTF-16) is read.
#[test]
fn a_page_in_another_encoding_holds_its_project_alone() {
    let f = Fixture::new();
    f.write_bytes("content/beta.md", b"---\ntitle: B\xeata\n---\nCaf\xe9.\n");
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/beta.md: is not UTF-8 text: line 2"), "{}", run.stderr);
    assert!(f.path("site/alpha/index.html").exists());
    f.write_bytes("content/beta.md", &utf16("---\r\ntitle: B\u{ea}ta\r\n---\r\nCaf\u{e9}.\r\n"));
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(f.read("site/beta/index.html").contains("B\u{ea}ta"));
}

/// What Finder and Explorer leave in folders, and an upload WinSCP broke off: they were
/// signed by `closer sign`, published as downloads and sent to every mirror, or held
/// the build ("a name with control characters" for Finder's `Icon\r`).
#[test]
fn system_litter_and_broken_off_uploads_are_no_release_files() {
    let f = Fixture::new();
    let litter = [
        "dist/alpha/1.10/Thumbs.db",
        "dist/alpha/1.10/desktop.ini",
        "dist/alpha/1.10/~$RELEASE-NOTES.docx",
        "dist/alpha/1.10/alpha-1.10.zip:Zone.Identifier",
        "dist/alpha/1.10/._alpha-1.10.zip",
        "dist/alpha/1.10/__MACOSX/._alpha-1.10.zip",
        "dist/alpha/1.10/alpha-1.10-x64.msi.filepart",
        "dist/alpha/Icon\r",
        "dist/.Spotlight-V100/Store-V2/Spotlight-db",
        "dist/.fseventsd/fseventsd-uuid",
        "dist/Thumbs.db",
    ];
    for rel in litter {
        f.write(rel, "litter");
    }
    let run = f.closer(&["sign", "--key", crate::util::repo().join(crate::util::DEMO_KEY).to_str().unwrap()]);
    assert!(run.stderr.contains("signed 0 artifacts"), "{}", run.stderr);
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list = f.read("dist/zzz/lists/fullfiletimelist-archive");
    let page = f.read("site/alpha/index.html");
    for rel in litter {
        let name = rel.rsplit('/').next().unwrap();
        assert!(!list.contains(name), "{name} in the list:\n{list}");
        assert!(!page.contains(name), "{name} on the page");
    }
}

/// A release of a Windows installer and a macOS disk image: the page's lines were
/// `sha512sum` alone, which neither system has. The macOS build's use `shasum`; the
/// Windows build's add PowerShell's `Get-FileHash`, names quoted as PowerShell does, in a
/// block of PowerShell alone.
#[test]
fn a_windows_or_macos_builds_checksum_lines_use_its_systems_tools() {
    let f = Fixture::new();
    for name in ["alpha-2.0-x64.msi", "alpha-2.0-universal.dmg", "alpha's-2.0-arm64.msi"] {
        f.write(&format!("dist/alpha/2.0/{name}"), name);
    }
    f.sign();
    let run = f.closer(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = f.read("site/alpha/index.html");
    assert!(page.contains("shasum -a 512 -c alpha-2.0-universal.dmg.sha512"), "{page}");
    assert!(!page.contains("sha512sum -c alpha-2.0-universal.dmg.sha512"), "{page}");
    assert!(page.contains("(Get-FileHash -Algorithm SHA512 &#39;alpha-2.0-x64.msi&#39;).Hash -eq"), "{page}");
    assert!(page.contains("Get-FileHash -Algorithm SHA512 &#39;alpha&#39;&#39;s-2.0-arm64.msi&#39;"), "{page}");
    // In a block of its own that fetches the checksum too: pasted into Windows
    // PowerShell 5.1, the shell block's `curl … &&` fails at its first line.
    let ps = page.split("in PowerShell (<code>True</code> when it matches):").nth(1).expect("a PowerShell block");
    let block = &ps[ps.find("<code>").unwrap() + 6..ps.find("</code>").unwrap()];
    assert!(
        block.starts_with("Invoke-WebRequest -OutFile &#39;alpha-2.0-x64.msi.sha512&#39; &#39;https://"),
        "{block}"
    );
    assert!(!block.contains("&&") && !block.contains("sha512sum"), "{block}");
    assert!(!page.contains("# In PowerShell"), "no PowerShell line in the shell block");
}

/// A file named on a Mac (`Café` decomposed, NFD) listed as typed (NFC), and one listed
/// in another case: "which is not in the release" alone, the two names printing alike.
/// The fix names the file and how the names differ.
#[test]
fn a_listed_name_differing_only_in_encoding_or_case_is_named() {
    let f = Fixture::new();
    let dir = "dist/alpha/1.10";
    f.write(&format!("{dir}/Cafe\u{301}-1.10.zip"), "cafe");
    f.write(&format!("{dir}/Alpha-1.10-Setup.exe"), "setup");
    f.sign();
    let d = "0".repeat(64);
    f.write(&format!("{dir}/SHA256SUMS"), &format!("{d}  Caf\u{e9}-1.10.zip\n{d}  alpha-1.10-setup.exe\n"));
    let run = f.closer(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("the same letters encoded otherwise (Unicode NFD"), "{}", run.stderr);
    assert!(
        run.stderr.contains("the release has \"Alpha-1.10-Setup.exe\", which differs in case only"),
        "{}",
        run.stderr
    );
}
