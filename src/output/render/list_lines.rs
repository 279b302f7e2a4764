//! The lines a page gives to check a file through a checksum list: the site's own
//! `SHA512SUMS` (signed with the site key when there is one) and a publisher's signed
//! list (`SHA256SUMS` with its `.asc`, a clearsigned one, one signed with Sigstore,
//! minisign, signify, cosign or SSH), each checking the file downloaded alone.

use crate::model::tree::SignedList;
use crate::util::text::url_path;
use crate::util::text::{shell_file, shell_quote};

/// Lines that check the files of release `version` one downloaded against SHA512SUMS:
/// `--ignore-missing`, since nobody downloads every file. With `signed`, the list's
/// site-key signature is verified first and the verified text is what is checked (`--yes`:
/// pasted a second time, gpg would stop to ask about replacing it). The list names
/// files in a release's folders by their path (`x86_64/x.iso`); a downloader has them
/// side by side, so the names are cut to the files' own, or every such file would be
/// skipped as missing without a word (`nested`: some file of the release is in a folder;
/// a tampered `linux/x.tar.gz` beside a good `x.dmg` passed "1 OK"). `name`: the file's path in the release; with
/// `own`, its own line is taken (two files of the release share its name: cut to their
/// names, the whole list made them one), else every file one downloaded is checked.
pub(super) fn list_commands(
    site: &str,
    project: &str,
    version: &str,
    signed: bool,
    (name, own, nested): (&str, bool, bool),
) -> String {
    let sums = format!("{project}/{version}/SHA512SUMS");
    let check = if own {
        check_in_list("sha512sum", "SHA512SUMS", name)
    } else if nested || name.contains('/') {
        "sed 's|^\\([0-9a-f]*  \\).*/|\\1|' SHA512SUMS | sha512sum -c --ignore-missing -".to_string()
    } else {
        "sha512sum -c --ignore-missing SHA512SUMS".to_string()
    };
    if signed {
        format!(
            "{}\ncurl -fsS {} | gpg --import\ngpg --yes --output SHA512SUMS --decrypt SHA512SUMS.asc\n{check}",
            curl(site, &format!("{sums}.asc")),
            shell_quote(&format!("{site}site-key.asc"))
        )
    } else {
        format!("{}\n{check}", curl(site, &sums))
    }
}

/// The line that checks the downloaded file `name` (its path in the list's folder)
/// against `list` with `tool`. A list names files in folders by their path
/// (`linux-x86_64/en-US/firefox-133.0.tar.bz2`, `x86_64/x.iso`); a downloader has the
/// file alone: its own line is taken and cut to its name (the whole list, cut so, made
/// two files of one name one, and checked nothing: `no file was verified`).
fn check_in_list(tool: &str, list: &str, name: &str) -> String {
    match name.rsplit_once('/') {
        None => format!("{tool} -c --ignore-missing {}", shell_file(list)),
        Some((dir, _)) => format!(
            "grep -F -- {} {} | sed {} | {tool} -c --ignore-missing -",
            shell_quote(name),
            shell_file(list),
            shell_quote(&format!("s|{dir}/||"))
        ),
    }
}

/// Lines that fetch a list signed other than with OpenPGP, its signature (and a pair's
/// certificate), check it with `check`, then the files one downloaded against it.
pub(super) fn other_list_commands(dist: &str, list: &SignedList, check: &str, name: &str) -> String {
    // A signature that holds its list (signify's `-e`): fetched, and `check` checks the file.
    let Some(of) = &list.list else { return [curl(dist, &list.signature.rel), check.to_string()].join("\n") };
    let mut lines = vec![curl(dist, &of.rel), curl(dist, &list.signature.rel)];
    if let crate::model::tree::ListScheme::SigstorePair(cert) = &list.scheme {
        lines.push(curl(dist, cert));
    }
    lines.push(check.to_string());
    lines.push(check_in_list(list.algo.sum_command(), base(&of.rel), name));
    lines.join("\n")
}

/// The line that uncompresses `file` beside itself (keeping it), for a list that names the
/// tar inside; `None` for an ending no common tool takes.
pub(super) fn unpack_command(ext: &str, file: &str) -> Option<String> {
    let tool = match ext {
        "bz2" => "bzip2",
        "gz" => "gzip",
        "xz" => "xz",
        "zst" => "zstd",
        "lz" => "lzip",
        _ => return None,
    };
    Some(format!("{tool} -dkf {}", shell_file(file)))
}

/// Fewer bytes than two OpenPGP signatures take at the least, armoured (`.asc`: two
/// Ed25519 signatures in one block come to about 380) and binary (over 100 bytes each):
/// a smaller file is not read again for its page (most are one signature).
pub(super) const TWO_SIGNATURES: (u64, u64) = (360, 200);

/// `gpg --verify {args}`; of a signature file with `several` signers' signatures, some
/// of whose keys KEYS may lack (`gpg --verify` exits 2 for such a one), the line that
/// asks for one good signature and no bad one.
pub(super) fn gpg_verify(args: &str, several: bool) -> String {
    if several {
        format!(
            "gpg --status-fd 1 --verify {args} 2>/dev/null | awk '/^\\[GNUPG:\\] GOODSIG/ {{ good = 1 }} \
             /^\\[GNUPG:\\] BADSIG/ {{ bad = 1 }} END {{ exit !(good && !bad) }}'"
        )
    } else {
        format!("gpg --verify {args}")
    }
}

/// The shell lines that check a signed checksum list from the primary, then the file
/// (`name`, its path in the list's folder) against it.
/// `several`: the signature file holds several signers' signatures (Tor's, Bitcoin
/// Core's builders'), of which KEYS may know some only: `gpg --verify` exits 2 for a
/// signature whose key it lacks, so the line asks for one good signature and no bad one.
/// `clearsigned`: the signature file is the list itself, signed (Node.js's
/// `SHASUMS256.txt.asc` beside the plain `SHASUMS256.txt`), which gpg refuses to take as
/// a detached signature of the plain one.
pub(super) fn signed_list_commands(
    dist: &str,
    list: &SignedList,
    (several, clearsigned): (bool, bool),
    name: &str,
) -> String {
    let sig = base(&list.signature.rel);
    let mut lines = Vec::new();
    let verify = |args: String| gpg_verify(&args, several);
    let checked = match list.list.as_ref().filter(|_| !clearsigned) {
        Some(l) => {
            lines.push(curl(dist, &l.rel));
            lines.push(curl(dist, &list.signature.rel));
            lines.push(verify(format!("{} {}", shell_file(sig), shell_file(base(&l.rel)))));
            base(&l.rel)
        }
        // A clearsigned list alone (Syncthing's `sha256sum.txt.asc`, Fedora's `CHECKSUM`):
        // the text gpg verified is what the sums check, not the armored file around it
        // (whose other lines `sha256sum -c` warns of, and which gpg did not verify).
        None if !several => {
            lines.push(curl(dist, &list.signature.rel));
            let plain = verified_text(sig);
            lines.push(format!("gpg --yes --output {} --decrypt {}", shell_file(&plain), shell_file(sig)));
            lines.push(check_in_list(list.algo.sum_command(), &plain, name));
            return lines.join("\n");
        }
        None => {
            lines.push(curl(dist, &list.signature.rel));
            lines.push(verify(shell_file(sig)));
            sig
        }
    };
    lines.push(check_in_list(list.algo.sum_command(), checked, name));
    lines.join("\n")
}

/// The name the text of a clearsigned list is saved under: its own without `.asc`
/// (`sha256sum.txt`), else with `.verified` (Monero's `hashes.txt.verified`).
fn verified_text(sig: &str) -> String {
    match sig.strip_suffix(".asc").filter(|s| !s.is_empty()) {
        Some(plain) => plain.to_string(),
        None => format!("{sig}.verified"),
    }
}

/// `curl -fL -o <name> <base><rel>`: the one way a line fetches a file, `rel`
/// percent-encoded in the URL and saved under its own name (`curl -O` would keep the
/// encoding: `a%20b.tar.gz`).
pub(super) fn curl(base: &str, rel: &str) -> String {
    format!("curl -fL -o {} {}", shell_quote(self::base(rel)), shell_quote(&format!("{base}{}", url_path(rel))))
}

/// The last part of a path: the name a file is saved as.
pub(super) fn base(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}
