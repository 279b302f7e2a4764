//! Signed checksum lists in the plan: whether a list's signature lets it vouch for the
//! files it names (good, and by a signer the project names for the release's line), and
//! the problem and its fix when not.

use super::want::Want;
use crate::model::signature::{Check, KeyTool, MinisignKey, Outcome, Require};
use crate::model::tree::{ListScheme, Project, Release, SignedList, Tree};
use crate::util::problem::Problem;
use std::path::Path;

/// The problem of a release's signed list, if it has one: its signature is not good, or
/// (Sigstore, minisign) it is good but by a signer the project does not name for the
/// release's line.
pub(super) fn release_list_problem(
    tree: &Tree,
    p: &Project,
    r: &Release,
    list: &SignedList,
    want: &Want,
) -> Option<Problem> {
    let whose = format!("release {} {}", p.name, r.version);
    let place = || tree.root.join(&*list.signature.rel).display().to_string();
    let name = list.signature.rel.rsplit('/').next().unwrap_or(&list.signature.rel);
    let Some(check) = &list.check else {
        // Unchecked: Sigstore without a root; a problem where the project signs with Sigstore.
        let sigstore = matches!(list.scheme, ListScheme::SigstoreBundle | ListScheme::SigstorePair(_));
        return (sigstore && (!want.signers.is_empty() || want.require == Require::Sigstore)).then(|| {
            Problem::new(place(), format!("{whose}: the list's Sigstore signature {name} cannot be verified without a Sigstore trusted root"))
                .hint("write one with `closer sigstore-root --file sigstore-root.json` and set `policy.sigstore_root: sigstore-root.json` in mirrors.yaml")
        });
    };
    if check.outcome == Outcome::UnknownKey && second_of_a_kind_not_asked_for(r, list, want) {
        return None;
    }
    if check.outcome != Outcome::Good {
        return Some(list_problem(tree, &p.name, &whose, list, check));
    }
    if &*check.detail == crate::model::signature::LIST_DIFFERS {
        let plain = super::minisign::list_name(list);
        return Some(
            Problem::new(
                tree.root.join(list.list.as_ref().map_or(&*list.signature.rel, |l| &*l.rel)).display().to_string(),
                format!(
                    "{whose}: {plain} is not the list {name} signs (embedded in it): a downloader checking {plain} \
                     gets other digests than the signed ones"
                ),
            )
            .hint(format!(
                "put back the signed list: tail -n +3 {name} > {plain}; or, if the new list is meant, sign it: {}",
                super::minisign::sign_list_again(&tree.root, list).1
            )),
        );
    }
    let (message, hint) = match &list.scheme {
        ListScheme::Openpgp => return None,
        s if let Some((tool, keys)) = list_keys(s, want) => {
            let id = check.fingerprint.as_deref().unwrap_or("?");
            if keys.iter().any(|k| tool.id_of(k).as_deref() == Some(id) && k.signs(r.line.as_deref(), &r.version)) {
                return None;
            }
            let tool = tool.name();
            let page = format!("content/{}.md", p.name);
            (
                format!("is signed by {tool} key {id}, which {page} does not name for this release"),
                format!("add the release's line to the key's `lines:` under `{tool}:` in {page}"),
            )
        }
        _ => super::sigstore::who_may(&p.name, r, check, want.signers)?,
    };
    Some(
        Problem::new(
            place(),
            format!("{whose}: the signed list {name} {message}, so it signs none of the files it lists"),
        )
        .hint(hint),
    )
}

/// Whether `list`'s signature is of a key-based kind whose keys the project's page does
/// not name at all, over a list another signature already vouches for (OpenWrt signs
/// each `sha256sums` as `.asc` and with usign as `.sig`): carried as it is, as a bundle
/// is where the project names no Sigstore signer.
fn second_of_a_kind_not_asked_for(r: &Release, list: &SignedList, want: &Want) -> bool {
    let plain = |l: &SignedList| l.list.as_ref().map(|f| f.rel.clone());
    list_keys(&list.scheme, want).is_some_and(|(_, keys)| keys.is_empty())
        && r.signed_lists.iter().any(|o| {
            !std::ptr::eq(o, list)
                && plain(o) == plain(list)
                && o.check.as_ref().is_some_and(|c| c.outcome == Outcome::Good)
        })
}

/// The tool of a list signed with a key the page names, and the keys it is held against
/// (signify's are under `minisign:`, its other name).
fn list_keys<'a>(scheme: &ListScheme, want: &Want<'a>) -> Option<(KeyTool, &'a [MinisignKey])> {
    match scheme {
        ListScheme::Minisign => Some((KeyTool::Minisign, want.keys)),
        ListScheme::Signify => Some((KeyTool::Signify, want.keys)),
        ListScheme::CosignKey => Some((KeyTool::Cosign, want.cosign)),
        ListScheme::Ssh => Some((KeyTool::Ssh, want.ssh)),
        _ => None,
    }
}

/// The problem for a signed checksum list whose signature is not good: none of the
/// files it lists is signed through it.
/// `whose`: `release p 1.0`, or `project p` for a list beside flat releases.
pub(super) fn list_problem(tree: &Tree, project: &str, whose: &str, list: &SignedList, check: &Check) -> Problem {
    let name = list.signature.rel.rsplit('/').next().unwrap_or(&list.signature.rel);
    let signer = check.fingerprint.as_deref().map(|f| format!(" by key {f}")).unwrap_or_default();
    let what = match check.outcome {
        Outcome::UnknownKey if matches!(list.scheme, ListScheme::Openpgp) => {
            format!("signed{signer}, which is not in the project's KEYS")
        }
        Outcome::UnknownKey => format!("signed{signer}, which the project's page does not name"),
        o => format!("{}{signer} ({})", o.as_str(), check.detail),
    };
    Problem::new(
        tree.root.join(&*list.signature.rel).display().to_string(),
        format!("{whose}: the signed list {name} is {what}, so it signs none of the files it lists"),
    )
    .hint(match &list.scheme {
        ListScheme::Openpgp => {
            let keys = tree.root.join(project).join("KEYS");
            let has_keys = tree.projects.get(project).is_some_and(|p| p.keys.is_some());
            match (check.outcome, has_keys) {
                (Outcome::UnknownKey, false) => format!(
                    "the project has no KEYS: put the public key that signs its lists in {} \
                     (`gpg --armor --export {}`), then build again",
                    keys.display(),
                    check.fingerprint.as_deref().unwrap_or("KEY-ID")
                ),
                (Outcome::UnknownKey, true) => format!(
                    "if {} is the project's key, add it to {} (`gpg --armor --export {0} >> KEYS`); else sign the list again with a key in KEYS",
                    check.fingerprint.as_deref().unwrap_or("the signing key"),
                    keys.display()
                ),
                _ => format!("sign the list again with a key in {}", keys.display()),
            }
        }
        ListScheme::Minisign | ListScheme::Signify => key_list_fix(&tree.root, project, list, check),
        // By a key the page names, and not good: the list or its signature changed after
        // signing, or it was signed for another namespace (the detail says which). (A
        // cosign signature names no key: one by another key is bad too, so its fix
        // below names both ways.)
        ListScheme::Ssh if check.outcome != Outcome::UnknownKey => format!(
            "put back the list as it was signed, or sign it again: {}",
            super::minisign::sign_list_again(&tree.root, list).1
        ),
        ListScheme::CosignKey => format!(
            "if the project signs with cosign.pub's key, give that file's text under `cosign:` in content/{project}.md \
             (`cosign: [\"-----BEGIN PUBLIC KEY-----...\"]`, a YAML block); else sign the list again: \
             cosign sign-blob --key cosign.key --output-signature {} {}",
            list.signature.rel.rsplit('/').next().unwrap_or(&list.signature.rel),
            super::minisign::list_name(list)
        ),
        ListScheme::Ssh => format!(
            "if the project signs with this SSH key, give its allowed_signers line under `ssh:` in \
             content/{project}.md; else sign the list again: ssh-keygen -Y sign -f KEY -n file {}",
            super::minisign::list_name(list)
        ),
        _ => format!(
            "sign the list again: cosign sign-blob --bundle {}.sigstore.json {}",
            super::minisign::list_name(list),
            super::minisign::list_name(list)
        ),
    })
}

/// The fix for a list signed by minisign, or by signify or OpenWrt's usign (one format).
fn key_list_fix(root: &Path, project: &str, list: &SignedList, check: &Check) -> String {
    let (tool, again) = super::minisign::sign_list_again(root, list);
    let page = format!("content/{project}.md");
    match (check.outcome, check.fingerprint.as_deref()) {
        (Outcome::UnknownKey, Some(key)) => format!(
            "if key {key} is the project's, {}; else sign the list again with one it names: {again}",
            super::minisign::how_to_name(tool, &page)
        ),
        _ => format!("sign the list again with a key {page} names: {again}"),
    }
}
