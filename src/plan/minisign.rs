//! Who may sign with a key the project's page names: the verify stage found which key
//! signed each `.minisig` and each file's own keyed cosign `.sig` (`check::minisign`);
//! here that key is held against the keys the page names for the release's line, with
//! the same outcomes and fixes as OpenPGP's, and a list signed with such a key is signed
//! again with its own tool.

use super::sigstore::Verdict;
use crate::model::signature::{KeyTool, MinisignKey, Outcome};
use crate::model::tree::{Artifact, ListScheme, Project, Release, SignedList, Tree};
use crate::util::problem::Problem;
use std::path::Path;

/// How one kind of key signature is spoken of: its tool, the keys the page names for
/// it, how a key is named there and how a file is signed again.
struct Kind<'a> {
    tool: KeyTool,
    keys: &'a [MinisignKey],
    name_key: String,
    sign_again: String,
}

impl<'a> Kind<'a> {
    /// `keys`: the page's minisign, cosign and SSH keys.
    fn of(a: &Artifact, page: &str, [keys, cosign, ssh]: PageKeys<'a>, tool: KeyTool) -> Self {
        let n = &a.name();
        let (keys, sign_again) = match tool {
            KeyTool::Ssh => (ssh, format!("ssh-keygen -Y sign -f KEY -n file {n} (writes {n}.sig)")),
            KeyTool::Cosign => (cosign, format!("cosign sign-blob --key cosign.key --output-signature {n}.sig {n}")),
            KeyTool::Signify => (keys, format!("signify -S -s KEY.sec -m {n} -x {n}.sig")),
            KeyTool::Minisign => (keys, format!("minisign -Sm {n}")),
        };
        Kind { tool, keys, name_key: how_to_name(tool, page), sign_again: format!("sign again: {sign_again}") }
    }
}

/// How to name a project's key of `tool` on its page `page`: the one wording of the
/// fixes that ask for it.
pub(super) fn how_to_name(tool: KeyTool, page: &str) -> String {
    match tool {
        KeyTool::Ssh => format!(
            "name the project's SSH public key in {page}: `ssh:` with its allowed_signers line \
             (`releases@example.org ssh-ed25519 AAAA...`)"
        ),
        KeyTool::Cosign => format!(
            "name the project's cosign public key in {page}: `cosign:` with the whole text of its cosign.pub \
             (or of the .pub an `openssl dgst -sign` key gives), from -----BEGIN PUBLIC KEY-----, as a YAML \
             block (`- |`)"
        ),
        KeyTool::Signify => {
            format!(
                "name the project's signify public key in {page}: `signify: [\"RW...\"]` (the second line of its .pub)"
            )
        }
        KeyTool::Minisign => format!(
            "name the project's minisign public key in {page}: `minisign: [\"RW...\"]` (the second line of its minisign.pub)"
        ),
    }
}

/// The keys a project's page names, by field: `minisign:` (and `signify:`), `cosign:`,
/// `ssh:`.
pub(super) type PageKeys<'a> = [&'a [MinisignKey]; 3];

/// Judges the signature of artifact `a` of release `r` by a key its project's page
/// names (`keys`).
pub(super) fn judge(tree: &Tree, p: &Project, r: &Release, a: &Artifact, keys: PageKeys) -> Verdict {
    let Some((sig, tool)) = a.key_signed() else {
        return super::sigstore::through_list(tree, p, r, a, a.minisign());
    };
    let Some(check) = a.minisign() else { return Verdict::Missing };
    let (project, version) = (p.name.as_str(), r.version.as_str());
    let sig_name = sig.rel.rsplit('/').next().unwrap_or(&sig.rel);
    let what = format!("release {project} {version}: {sig_name}");
    let problem = |message: String, hint: String, tampered: bool| Verdict::Problem {
        problem: Box::new(Problem::new(tree.root.join(&*a.file.rel).display().to_string(), message).hint(hint)),
        tampered,
    };
    let id = check.fingerprint.as_deref().unwrap_or("?");
    let page = format!("content/{project}.md");
    let kind = Kind::of(a, &page, keys, tool);
    let tool = kind.tool.name();
    match check.outcome {
        Outcome::Good => {
            let line = r.line.as_deref();
            if kind.keys.iter().any(|k| kind.tool.id_of(k).as_deref() == Some(id) && k.signs(line, version)) {
                return Verdict::Good;
            }
            let of = line.map_or_else(|| format!(" (release {version})"), |l| format!(" for line {l}"));
            // A key the page names for other lines only: which ones.
            let named =
                kind.keys.iter().find(|k| kind.tool.id_of(k).as_deref() == Some(id)).map(|k| k.lines.join(", "));
            let names = match named {
                Some(lines) => {
                    let not = line.map_or_else(|| format!("release {version}"), |l| format!("line {l}"));
                    format!("which {page} names for lines {lines} only, not for {not}")
                }
                None => format!("which {page} does not name{of}"),
            };
            problem(
                format!("{what} is signed by {tool} key {id}, {names}"),
                format!("if this key signs that line, add the line to its `lines:` in {page}"),
                false,
            )
        }
        Outcome::Bad if check.detail.starts_with(crate::check::minisign::MADE_FOR) => problem(
            format!("{what} is not {}'s signature ({})", a.name(), check.detail),
            format!(
                "sign {} itself (its own name in the trusted comment), or upload the file that signature is for",
                a.name()
            ),
            true,
        ),
        Outcome::Bad if check.detail.starts_with(crate::check::minisign::COMMENT_ALTERED) => problem(
            format!("{what}: {}", check.detail),
            format!("the file may be whole: upload {sig_name} again, as minisign wrote it"),
            true,
        ),
        Outcome::Bad => problem(
            format!("{what} does not match {} ({})", a.name(), check.detail),
            "the file or its signature was altered: upload both again, as the release manager made them".into(),
            true,
        ),
        Outcome::UnknownKey if kind.tool == KeyTool::Cosign => problem(
            format!("{what} is signed with a cosign key, and {page} names none of {project}'s cosign keys"),
            kind.name_key,
            false,
        ),
        Outcome::UnknownKey => problem(
            format!("{what} is signed by {tool} key {id}, which is not one of {project}'s {tool} keys"),
            if kind.keys.is_empty() {
                kind.name_key
            } else {
                format!(
                    "if key {id} signs {project}'s releases, add its public key to `{tool}:` in {page}; else {}",
                    kind.sign_again
                )
            },
            false,
        ),
        _ => problem(format!("{what} is not a usable {tool} signature ({})", check.detail), kind.sign_again, false),
    }
}

/// The problem of an artifact that has no signature by a key the page names (`keys`)
/// where one is required: in the words of the first kind the page names (minisign's,
/// SSH's, cosign's), of its own or through a checksum list.
pub(super) fn missing(tree: &Tree, p: &Project, r: &Release, a: &Artifact, keys: PageKeys) -> Problem {
    use crate::model::tree::ListScheme;
    let n = &a.name();
    // A release signed through a list signed with a key (OpenBSD's `SHA256.sig`): the
    // file is one the list does not name (added after it was signed).
    let keyed = |s: &ListScheme| matches!(s, ListScheme::Minisign | ListScheme::Signify | ListScheme::Ssh);
    let list = r.signed_lists.iter().chain(&p.signed_lists).find(|l| keyed(&l.scheme));
    let unvouched = list.filter(|l| l.check.as_ref().is_some_and(|c| c.outcome != Outcome::Good));
    let (message, hint) = if let Some(list) = unvouched {
        // The list's own problem says what is wrong with it (a key the page does not
        // name): that it "does not name" each file would be false, and a wrong fix.
        let sig = list.signature.rel.rsplit('/').next().unwrap_or(&list.signature.rel);
        (
            format!("{n} is unsigned while the signed list {sig} is not good, and it has no signature of its own"),
            format!("fix {sig} (its own problem says how)"),
        )
    } else if let Some(list) = list {
        let sig = list.signature.rel.rsplit('/').next().unwrap_or(&list.signature.rel);
        let (_, again) = sign_list_again(&tree.root, list);
        (
            format!("{n} has no signature: the signed list {sig} does not name it, and it has no signature of its own"),
            format!("add it to the list and sign the list again: {again}; or, if it does not belong, remove it"),
        )
    } else if keys[0].is_empty() && !keys[2].is_empty() {
        (
            format!(
                "{n} has no signature by the project's SSH key: no {n}.sig, and no checksum list signed with it names {n}"
            ),
            format!(
                "sign it: ssh-keygen -Y sign -f KEY -n file {n} (writes {n}.sig); or sign the release's checksum list"
            ),
        )
    } else if keys[0].is_empty() {
        (
            format!(
                "{n} has no signature by the project's cosign key: no {n}.sig, and no checksum list signed with it names {n}"
            ),
            format!(
                "sign it: cosign sign-blob --key cosign.key --output-signature {n}.sig {n}; or list it in the \
                 release's checksum list and sign the list again: cosign sign-blob --key cosign.key \
                 --output-signature checksums.txt.sig checksums.txt"
            ),
        )
    } else if signs_with_signify(p) {
        // (rxvt-unicode's every tarball has its signify `F.sig`.)
        (
            format!("{n} has no signify signature ({n}.sig is missing)"),
            format!("sign it: signify -S -s KEY.sec -m {n} -x {n}.sig"),
        )
    } else {
        (
            format!("{n} has no minisign signature ({n}.minisig is missing)"),
            format!("sign it: minisign -Sm {n} (writes {n}.minisig)"),
        )
    };
    Problem::new(
        tree.root.join(&*a.file.rel).display().to_string(),
        format!("release {} {}: {message}", p.name, r.version),
    )
    .hint(hint)
    .kind(crate::util::problem::Kind::Unsigned(a.file.stat.arrival()))
}

/// Does the project sign its files with signify (its other files' `F.sig` are signify's
/// signatures, which its page's keys check: a `signify:` key is a `minisign:` one)?
fn signs_with_signify(p: &Project) -> bool {
    let signify = |a: &Artifact| a.minisign().is_some_and(|c| KeyTool::of(c) == KeyTool::Signify);
    p.releases.iter().flat_map(|r| &r.artifacts).any(signify)
}

/// How a list signed with a key is signed again, and the tool: minisign's, or signify's
/// (OpenWrt's usign, one format), embedded or beside it.
pub(super) fn sign_list_again(root: &Path, list: &SignedList) -> (KeyTool, String) {
    let (l, signature) = (list_name(list), list.signature.rel.rsplit('/').next().unwrap_or(&list.signature.rel));
    let embeds = || crate::check::signify::embeds_list(&root.join(&*list.signature.rel));
    match list.scheme {
        ListScheme::Minisign => (KeyTool::Minisign, format!("minisign -Sm {l}")),
        ListScheme::Ssh => (KeyTool::Ssh, format!("ssh-keygen -Y sign -f KEY -n file {l} (writes {signature})")),
        ListScheme::CosignKey => {
            (KeyTool::Cosign, format!("cosign sign-blob --key cosign.key --output-signature {signature} {l}"))
        }
        // OpenBSD's `SHA256.sig` holds the list after the signature.
        _ if list.list.is_none() || embeds() => {
            (KeyTool::Signify, format!("signify -S -e -s KEY.sec -m {l} -x {signature}"))
        }
        _ => (
            KeyTool::Signify,
            format!("signify -S -s KEY.sec -m {l} -x {signature} (OpenWrt's usign: usign -S -m {l} -s KEY)"),
        ),
    }
}

/// The file name of the list a signature signs.
pub(super) fn list_name(list: &SignedList) -> &str {
    let rel = list.list.as_ref().map_or(&list.signature.rel, |l| &l.rel);
    rel.rsplit('/').next().unwrap_or(rel)
}
