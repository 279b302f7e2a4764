//! The shell lines a downloader copies to check what they downloaded: fetch the file
//! from the primary, then its checksum, KEYS and signature from the primary too, never
//! from a mirror. Every path is percent-encoded in the URL and shell-quoted as a name,
//! and every fetch is built by one function.

use super::Input;
use super::list_lines::{
    TWO_SIGNATURES, base, curl, gpg_verify, list_commands, other_list_commands, signed_list_commands, unpack_command,
};
use crate::model::signature::{BASE64_MINISIGN, KeyTool, Outcome};
use crate::model::tree::{Artifact, Project, Release, SignedList, Uncompressed};
use crate::util::text::{shell_file, shell_quote};
use serde::Serialize;

/// Shell lines a downloader copies to verify an artifact.
#[derive(Serialize)]
pub struct Verify {
    /// The file these lines check (its name as downloaded).
    pub file: String,
    /// Its path in the release tree, URL-escaped as the download buttons' `data-path`:
    /// the page shows the lines of the build it offers a visitor.
    pub path: String,
    pub fetch: String,
    pub sha512: String,
    /// For a Windows build, the checksum's lines in PowerShell.
    pub powershell: Option<String>,
    pub keys: String,
    pub gpg: String,
    /// Check every file downloaded from the release against its checksum list (the
    /// site-signed list, verified first, when the site has a key).
    pub list: String,
    /// The Sigstore lines, with the identity and issuer that signed, when a bundle (or
    /// cosign pair) checked out.
    pub sigstore: Option<String>,
    /// Who those lines expect: "hugo@python.org (GitHub)".
    pub sigstore_by: Option<String>,
    /// The minisign lines, with the project's public key, when a `.minisig` checked out.
    pub minisign: Option<String>,
    /// The cosign lines, with the project's public key, when the file's own keyed
    /// `.sig` checked out.
    pub cosign: Option<String>,
    /// The signify lines likewise, for a file's own signify `.sig`.
    pub signify: Option<String>,
    /// The `ssh-keygen -Y verify` lines likewise, for a file's own SSH `.sig`.
    pub ssh: Option<String>,
    /// The lines run gpg, so the page says what gpg's warning means (a list signed with
    /// cosign or minisign has signature lines without gpg).
    pub gpg_note: bool,
    /// The file's signing key was retired after it signed: gpg warns it was revoked by
    /// its owner, and the page says why that is expected.
    pub retired_note: bool,
    /// The lines run signify, which Debian and Ubuntu install as `signify-openbsd`.
    pub signify_note: bool,
}

impl Verify {
    /// Every block's steps chained with `&&`, so that pasted whole, a step that fails
    /// (a bad signature, a missing tool) stops the block instead of letting the next
    /// step print `OK` for an unverified list. A comment line (an alternative) stands
    /// apart.
    fn chained(mut self) -> Verify {
        for block in [&mut self.fetch, &mut self.sha512, &mut self.keys, &mut self.gpg, &mut self.list] {
            *block = chain(block);
        }
        for b in [&mut self.sigstore, &mut self.minisign, &mut self.cosign, &mut self.signify, &mut self.ssh]
            .into_iter()
            .flatten()
        {
            *b = chain(b);
        }
        self.signify_note =
            [&self.gpg, &self.list].into_iter().chain(self.signify.as_ref()).any(|b| b.contains("signify "));
        self
    }

    /// The lines of a macOS build, with the checksum tool a Mac has: `shasum -a 512`
    /// (macOS has no `sha512sum`, and the block's list steps said it).
    fn on_a_mac(mut self) -> Verify {
        for block in [&mut self.gpg, &mut self.list] {
            *block = mac_sums(block);
        }
        for b in [&mut self.minisign, &mut self.cosign, &mut self.signify, &mut self.ssh].into_iter().flatten() {
            *b = mac_sums(b);
        }
        self
    }
}

/// `sha512sum`, `sha256sum` and `sha1sum` run as a command (at a line's start or after
/// a `|`) spelled as macOS's `shasum` takes them.
fn mac_sums(lines: &str) -> String {
    let mut out = lines.to_string();
    for (gnu, mac) in [("sha512sum ", "shasum -a 512 "), ("sha256sum ", "shasum -a 256 "), ("sha1sum ", "shasum -a 1 ")]
    {
        out = out.replace(&format!("| {gnu}"), &format!("| {mac}"));
        out = out
            .split('\n')
            .map(|l| l.strip_prefix(gnu).map_or(l.to_string(), |r| format!("{mac}{r}")))
            .collect::<Vec<_>>()
            .join("\n");
    }
    out
}

/// `lines` joined with ` &&` at the end of each step but the last and comment lines; a
/// line that ends inside a quoted string (a PEM key's) is not a step's end.
fn chain(lines: &str) -> String {
    let all: Vec<&str> = lines.lines().collect();
    let mut out = String::with_capacity(lines.len() + 4 * all.len());
    let mut quoted = false;
    for (i, line) in all.iter().enumerate() {
        out.push_str(line);
        let mut escaped = false;
        for c in line.chars() {
            match (quoted, escaped, c) {
                (false, false, '\\') => escaped = true,
                (_, true, _) => escaped = false,
                (_, false, '\'') => quoted = !quoted,
                _ => {}
            }
        }
        let next_is_step = all.get(i + 1).is_some_and(|n| !n.starts_with('#'));
        if !quoted && !line.starts_with('#') && !line.ends_with("&&") && next_is_step {
            out.push_str(" &&");
        }
        if i + 1 < all.len() {
            out.push('\n');
        }
    }
    out
}

/// Fetch the minisign signature `sig` from the primary and verify the file with the
/// public `key` (`-x` where it is not minisign's default `F.minisig`).
fn minisign_commands(dist: &str, a: &Artifact, sig: &str, key: &str) -> String {
    let x = if sig.ends_with(crate::model::tree::MINISIGN_EXT) {
        String::new()
    } else {
        format!(" -x {}", shell_file(base(sig)))
    };
    format!("{}\nminisign -Vm {}{x} -P {}", curl(dist, sig), shell_file(base(a.name())), shell_quote(key))
}

/// Write the project's SSH `key` as an `allowed_signers` file and check `sig` (over
/// `of`) with it for the key's principal (the project's name when the page gives none).
fn ssh_check(project: &str, key: &str, sig: &str, of: &str) -> Option<String> {
    let parsed = crate::model::signature::ssh_key(key)?;
    let principal = parsed.identity();
    let line = match &parsed.principal {
        Some(_) => key.trim().to_string(),
        None => format!("{project} {}", key.trim()),
    };
    let file = shell_quote(&format!("{project}-allowed_signers"));
    Some(format!(
        "printf '%s\\n' {} > {file}\nssh-keygen -Y verify -f {file} -I {} -n file -s {} < {}",
        shell_quote(&line),
        shell_quote(principal.unwrap_or(project)),
        shell_file(sig),
        shell_file(of)
    ))
}

/// Write the project's signify public `key` to `<project>-signify.pub`: signify reads a
/// key from a file only.
fn signify_key_file(project: &str, key: &str) -> (String, String) {
    let pubkey = shell_quote(&format!("{project}-signify.pub"));
    (format!("printf 'untrusted comment: signify public key\\n%s\\n' {} > {pubkey}", shell_quote(key)), pubkey)
}

/// Write the project's cosign public `key` to `<project>-cosign.pub` and check
/// `sig` (over `of`) with it: how a downloader checks a keyed cosign signature.
/// `raw`: the signature is OpenSSL's, not base64'd (`openssl dgst -sha256 -sign key.pem
/// -out F.sig F`), checked as OpenSSL reads it.
fn cosign_key_check(project: &str, key: &str, (sig, raw): (&str, bool), of: &str) -> String {
    let pubkey = shell_quote(&format!("{project}-cosign.pub"));
    // A key's bundle (cosign 3's `--bundle`) is given as one.
    let flag = match crate::model::tree::BUNDLE_EXTS.iter().any(|e| sig.ends_with(e)) {
        true => "--bundle",
        false => "--signature",
    };
    // The PEM's lines each an argument of one command line: quoted whole, its lines
    // were the command's, and the announcement mail's indent went into the key file
    // (`  -----END PUBLIC KEY-----`, which PEM readers refuse).
    let lines: Vec<String> = key.trim().lines().map(|l| shell_quote(l.trim())).collect();
    if raw {
        return format!(
            "printf '%s\\n' {} > {pubkey}\nopenssl dgst -sha256 -verify {pubkey} -signature {} {}",
            lines.join(" "),
            shell_file(sig),
            shell_file(of)
        );
    }
    format!(
        "printf '%s\\n' {} > {pubkey}\ncosign verify-blob --key {pubkey} {flag} {} {}",
        lines.join(" "),
        shell_file(sig),
        shell_file(of)
    )
}

/// Fetch the keys from `url_base` + `rel` and import them, under the name they are
/// saved as (Thunderbird's `KEY`, a keyring named for its owner, not always `KEYS`).
fn keys_commands(url_base: &str, rel: &str) -> String {
    format!("{}\ngpg --import {}", curl(url_base, rel), shell_file(base(rel)))
}

/// kernel.org's form: fetch the `.sign`, verify it over the uncompressed stream.
fn uncompressed_commands(dist: &str, a: &Artifact, u: &Uncompressed) -> String {
    format!(
        "{}\n{} {} | gpg --verify {} -",
        curl(dist, &u.signature),
        u.codec.decompress_command(),
        shell_file(base(a.name())),
        shell_file(base(&u.signature)),
    )
}

/// Fetch a file's `.sha512` from the site and check the file against it, with the tool
/// its system has: `shasum` on macOS (which has no `sha512sum`); for a Windows build,
/// PowerShell's `Get-FileHash` too, its names quoted as PowerShell quotes them.
fn sha512_commands(site: &str, rel: &str, name: &str, os: Option<crate::util::platform::Os>) -> String {
    use crate::util::platform::Os;
    let sums = format!("{name}.sha512");
    let tool = if os == Some(Os::Macos) { "shasum -a 512 -c" } else { "sha512sum -c" };
    format!("{}\n{tool} {}", curl(site, &format!("{rel}.sha512")), shell_file(&sums))
}

/// The same check in PowerShell, for a Windows build: Windows PowerShell 5.1 (the one
/// Windows 10 and 11 have) has no `sha512sum`, takes `curl` for its own Invoke-WebRequest
/// and refuses `&&`, so the shell lines fail at their first. Two lines of its own: fetch
/// the checksum, then compare (`True` when they match).
fn powershell_commands(site: &str, rel: &str, name: &str) -> String {
    let ps = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let sums = format!("{name}.sha512");
    format!(
        "Invoke-WebRequest -OutFile {} {}\n(Get-FileHash -Algorithm SHA512 {}).Hash -eq ((Get-Content {}) -split ' ')[0]",
        ps(&sums),
        ps(&format!("{site}{}", crate::util::text::url_path(&format!("{rel}.sha512")))),
        ps(name),
        ps(&sums)
    )
}

/// The shell lines that verify artifact `a` of `project` `version`: fetch it from the
/// primary's dist (at its own path in the tree), then checksum, KEYS and signature from
/// the site, never from a mirror; before their steps are chained (a page changes some
/// first: [`Input::verify_lines`]).
fn commands(site: &str, dist: &str, (project, version): (&str, &str), a: &Artifact, several: bool) -> Verify {
    let name = base(a.name());
    let sig_ext = a.signature_ext();
    let rel = format!("{project}/{version}/{}", a.name());
    let os = crate::util::platform::platform(a.name(), project).os;
    Verify {
        file: name.to_string(),
        path: crate::util::text::url_path(&a.file.rel),
        fetch: curl(dist, &a.file.rel),
        sha512: sha512_commands(site, &rel, name, os),
        powershell: (os == Some(crate::util::platform::Os::Windows)).then(|| powershell_commands(site, &rel, name)),
        keys: keys_commands(site, &format!("{project}/KEYS")),
        gpg: format!(
            "{}\n{}",
            curl(site, &format!("{rel}.{sig_ext}")),
            gpg_verify(&format!("{} {}", shell_file(&format!("{name}.{sig_ext}")), shell_file(name)), several)
        ),
        list: list_commands(site, project, version, false, (a.name(), false, false)),
        sigstore: None,
        sigstore_by: None,
        minisign: None,
        cosign: None,
        signify: None,
        ssh: None,
        gpg_note: true,
        retired_note: false,
        signify_note: false,
    }
}

impl Input<'_> {
    /// The verify lines of a release's page for its artifact `artifact` (by default its
    /// source archive, the file most people check), in the form its signature takes.
    pub fn verify_lines(&self, project: &Project, release: &Release, artifact: Option<usize>) -> Option<Verify> {
        let a = match artifact {
            Some(i) => release.artifacts.get(i)?,
            None => {
                // Of the files the page shows (not a copy kept in `all-versions/`).
                let shown = super::context::shown(release);
                let names = shown.iter().map(|a| a.name());
                *shown.get(crate::util::platform::source_archive(names, &project.name).unwrap_or(0))?
            }
        };
        let primary = &self.registry.primary;
        // Electrum's `.asc` holds its cosigners' signatures too (one too small for two,
        // most of them, is not read again).
        let least = |rel: &str| if rel.ends_with(".asc") { TWO_SIGNATURES.0 } else { TWO_SIGNATURES.1 };
        let several = a.asc.as_ref().is_some_and(|f| f.stat.size >= least(&f.rel) && self.several_signers(&f.rel));
        let mut v = commands(&primary.site_url, &primary.dist_url, (&project.name, &release.id()), a, several);
        let twice = release.artifacts.iter().filter(|o| base(o.name()) == base(a.name())).count() > 1;
        let signed = self.site_key.is_some();
        let nested = release.artifacts.iter().any(|o| o.name().contains('/'));
        v.list = list_commands(&primary.site_url, &project.name, &release.id(), signed, (a.name(), twice, nested));
        // A line with a KEYS of its own: that one, from the primary.
        if release.keys.is_some()
            && let Some(k) = project.keys_of(release)
        {
            v.keys = keys_commands(&primary.dist_url, &k.rel);
        }
        if a.asc.is_none()
            && let Some(u) = a.signed_uncompressed()
        {
            v.gpg = uncompressed_commands(&primary.dist_url, a, u);
        }
        // Signed through a checksum list: check the list's signature, then the file in it.
        if a.asc.is_none()
            // The release's own lists, or one beside its releases (Monero's `hashes.txt`).
            && let Some(list) = release
                .signed_lists
                .iter()
                .chain(&project.signed_lists)
                .find(|l| a.covered_by() == Some(&l.signature.rel))
        {
            self.list_lines(project, a, list, &mut v);
        }
        if let Some(c) = a.sigstore().filter(|c| c.outcome == crate::model::signature::Outcome::Good)
            && let (Some(id), Some(issuer)) = (c.user_id.as_deref(), c.fingerprint.as_deref())
        {
            let instance = self.sigstore_root.map(|r| r.instance);
            v.sigstore =
                super::verify_sigstore::commands(&primary.dist_url, &primary.site_url, instance, a, (id, issuer));
            v.sigstore_by = Some(format!("{id} ({})", crate::model::signature::Signer::issuer_name(issuer)));
        }
        // No OpenPGP signature of it (signed with Sigstore or minisign alone, or a
        // project that publishes checksums only): no gpg lines for files that are not
        // there.
        if a.asc.is_none() & a.signed_uncompressed().is_none() & a.covered_by().is_none() {
            v.gpg.clear();
            v.keys.clear();
        }
        self.minisign_lines(project, a, &mut v);
        v.gpg_note = v.gpg.contains("gpg --verify") || v.gpg.contains("gpgv ");
        v.retired_note =
            v.gpg_note && a.signature.as_ref().is_some_and(|c| &*c.detail == crate::model::signature::RETIRED_AFTER);
        if crate::util::platform::platform(a.name(), &project.name).os == Some(crate::util::platform::Os::Macos) {
            v = v.on_a_mac();
        }
        Some(v.chained())
    }

    /// The lines that check `a` through the signed `list` that vouches for it: the list's
    /// signature, then the file in it.
    fn list_lines(&self, project: &Project, a: &crate::model::tree::Artifact, list: &SignedList, v: &mut Verify) {
        let primary = &self.registry.primary;
        // The file's path in the list's folder (the way the list names it).
        let at = list.list.as_ref().unwrap_or(&list.signature).rel.rsplit_once('/').map_or("", |(d, _)| d);
        let name = a.file.rel.strip_prefix(&format!("{at}/")).unwrap_or(base(a.name()));
        // (SBCL's list names the tar inside: uncompressed first, then checked.)
        let inside = a.signature.as_ref().is_some_and(|c| &*c.detail == crate::model::signature::OF_UNCOMPRESSED);
        let (name, unpack) = match name.rsplit_once('.').filter(|_| inside) {
            Some((tar, ext)) => (tar, unpack_command(ext, base(a.name()))),
            None => (name, None),
        };
        v.gpg = match self.other_list_check(project, a, list) {
            Some(line) => {
                v.keys.clear();
                other_list_commands(&primary.dist_url, list, &line, name)
            }
            None => {
                let rel = &list.signature.rel;
                let how = (self.several_signers(rel), self.clearsigned(rel));
                signed_list_commands(&primary.dist_url, list, how, name)
            }
        };
        if let Some(unpack) = unpack {
            let mut lines: Vec<&str> = v.gpg.lines().collect();
            lines.insert(lines.len().saturating_sub(1), &unpack);
            v.gpg = lines.join("\n");
        }
    }

    /// Does a signature file hold several signatures (in one armoured block or several)?
    fn several_signers(&self, rel: &str) -> bool {
        let bytes = std::fs::read(self.tree.root.join(rel)).unwrap_or_default();
        crate::check::pgp::signature_count(&bytes) > 1
    }

    /// Is a list's OpenPGP signature file the list itself, clearsigned?
    fn clearsigned(&self, rel: &str) -> bool {
        let head = crate::util::fs::head(&self.tree.root.join(rel)).unwrap_or_default();
        crate::check::signed_lists::clearsigned(&head)
    }

    /// Does a list's signify signature embed the list after its two lines?
    fn embeds_list(&self, list: &SignedList) -> bool {
        crate::check::signify::embeds_list(&self.tree.root.join(&*list.signature.rel))
    }

    /// The line that checks a list signed other than with OpenPGP, by the signer that
    /// signed it (from artifact `a`, which it covers): cosign's, minisign's or signify's.
    fn other_list_check(&self, project: &Project, a: &Artifact, list: &SignedList) -> Option<String> {
        use crate::model::tree::ListScheme;
        let sig = shell_file(base(&list.signature.rel));
        // OpenBSD's `SHA256.sig` alone, the list in it: signify checks the file against it.
        if list.list.is_none() && list.scheme == ListScheme::Signify && self.embeds_list(list) {
            let key = self.page_key(project, KeyTool::Minisign, a)?;
            let (write, pubkey) = signify_key_file(&project.name, key);
            return Some(format!("{write}\nsignify -C -p {pubkey} -x {sig} {}", shell_file(base(a.name()))));
        }
        let of = shell_file(base(&list.list.as_ref()?.rel));
        let who = |c: Option<&crate::model::signature::Check>| {
            let c = c.filter(|c| c.outcome == Outcome::Good)?;
            Some((c.user_id.as_deref().map(shell_quote)?, c.fingerprint.as_deref().map(shell_quote)?))
        };
        Some(match &list.scheme {
            ListScheme::Openpgp => return None,
            ListScheme::SigstoreBundle => {
                let (id, iss) = who(a.sigstore())?;
                format!(
                    "cosign verify-blob --offline --bundle {sig} --certificate-identity {id} --certificate-oidc-issuer {iss} {of}"
                )
            }
            ListScheme::SigstorePair(cert) => {
                let (id, iss) = who(a.sigstore())?;
                format!(
                    "cosign verify-blob --signature {sig} --certificate {} --certificate-identity {id} --certificate-oidc-issuer {iss} {of}",
                    shell_file(base(cert))
                )
            }
            ListScheme::CosignKey => {
                let key = self.page_key(project, KeyTool::Cosign, a)?;
                let of = list.list.as_ref().map_or("", |l| base(&l.rel));
                let raw = crate::check::cosign_key::is_raw_file(&self.tree.root.join(&*list.signature.rel));
                cosign_key_check(&project.name, key, (base(&list.signature.rel), raw), of)
            }
            ListScheme::Ssh => {
                let key = self.page_key(project, KeyTool::Ssh, a)?;
                let of = list.list.as_ref().map_or("", |l| base(&l.rel));
                ssh_check(&project.name, key, base(&list.signature.rel), of)?
            }
            ListScheme::Minisign | ListScheme::Signify => {
                let key = self.page_key(project, KeyTool::Minisign, a)?;
                if list.scheme == ListScheme::Minisign {
                    format!("minisign -Vm {of} -x {sig} -P {}", shell_quote(key))
                } else {
                    let (write, pubkey) = signify_key_file(&project.name, key);
                    // OpenBSD's `SHA256.sig` embeds the list it vouches for (`-e` writes it
                    // over the one fetched); OpenWrt's usign `sha256sums.sig` is detached.
                    let e = if self.embeds_list(list) { " -e" } else { "" };
                    format!("{write}\nsignify -V{e} -p {pubkey} -x {sig} -m {of}")
                }
            }
        })
    }

    /// The public key (as the project's page gives it) of `tool` whose good signature, the
    /// artifact's own or its list's, signs `a`.
    pub(super) fn page_key(&self, project: &Project, tool: KeyTool, a: &Artifact) -> Option<&str> {
        let id = a.minisign().filter(|c| c.outcome == Outcome::Good)?.fingerprint.as_deref()?;
        let matter = &self.content.projects.get(&project.name)?.matter;
        let keys = match tool {
            KeyTool::Minisign | KeyTool::Signify => &matter.minisign,
            KeyTool::Cosign => &matter.cosign,
            KeyTool::Ssh => &matter.ssh,
        };
        keys.iter().find(|k| tool.id_of(k).as_deref() == Some(id)).map(|k| k.key.as_str())
    }

    /// The lines that check artifact `a`'s own signature by a key its page names
    /// (minisign, signify, cosign, SSH); signed with such a key alone, there are no
    /// OpenPGP lines to offer.
    fn minisign_lines(&self, project: &Project, a: &Artifact, v: &mut Verify) {
        let Some((sig, tool)) = a.key_signed() else { return };
        let Some(key) = self.page_key(project, tool, a) else { return };
        let dist = &self.registry.primary.dist_url;
        let (fetch, sig_name, name) = (curl(dist, &sig.rel), base(&sig.rel), base(a.name()));
        match tool {
            KeyTool::Cosign => {
                let raw = crate::check::cosign_key::is_raw_file(&self.tree.root.join(&*sig.rel));
                v.cosign = Some(format!("{fetch}\n{}", cosign_key_check(&project.name, key, (sig_name, raw), name)))
            }
            KeyTool::Ssh => {
                let Some(check) = ssh_check(&project.name, key, sig_name, name) else { return };
                v.ssh = Some(format!("{fetch}\n{check}"));
            }
            KeyTool::Signify => {
                let (write, pubkey) = signify_key_file(&project.name, key);
                let (sig_name, name) = (shell_file(sig_name), shell_file(name));
                // A signature that embeds the file's checksum line (GrapheneOS's
                // `F.zip.sig`, `signify -S -e` over `SHA256 (F.zip) = …`) signs that line,
                // not the file: `-C` checks the file against it; `-V -m` always failed.
                let check = match crate::check::signify::embeds_list(&self.tree.root.join(&*sig.rel)) {
                    true => format!("signify -C -p {pubkey} -x {sig_name} {name}"),
                    false => format!("signify -V -p {pubkey} -x {sig_name} -m {name}"),
                };
                v.signify = Some(format!("{fetch}\n{write}\n{check}"));
            }
            KeyTool::Minisign if a.minisign().and_then(|c| c.user_id.as_deref()) == Some(BASE64_MINISIGN) => {
                let minisig = shell_file(&format!("{name}.minisig"));
                v.minisign = Some(format!(
                    "{fetch}\nbase64 -d {} > {minisig}\nminisign -Vm {} -P {}",
                    shell_file(sig_name),
                    shell_file(name),
                    shell_quote(key)
                ));
            }
            KeyTool::Minisign => v.minisign = Some(minisign_commands(dist, a, &sig.rel, key)),
        }
        if a.asc.is_none() & a.signed_uncompressed().is_none() & a.covered_by().is_none() {
            v.gpg.clear();
            v.keys.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_commands_fetch_from_the_primary_and_quote() {
        use crate::model::tree::{FileRef, Stat};
        let a = Artifact::new("bin/a b.tar.gz", FileRef::new("p/1.0/bin/a b.tar.gz", Stat::default()));
        let v = commands("https://site/", "https://dist/", ("p", "1.0"), &a, false).chained();
        assert_eq!(v.fetch, "curl -fL -o 'a b.tar.gz' https://dist/p/1.0/bin/a%20b.tar.gz");
        assert_eq!(
            v.sha512,
            "curl -fL -o 'a b.tar.gz.sha512' https://site/p/1.0/bin/a%20b.tar.gz.sha512 &&\nsha512sum -c 'a b.tar.gz.sha512'"
        );
        assert_eq!(v.keys, "curl -fL -o KEYS https://site/p/KEYS &&\ngpg --import KEYS");
        assert_eq!(
            keys_commands("https://site/", "tb/133.0/KEY"),
            "curl -fL -o KEY https://site/tb/133.0/KEY\ngpg --import KEY"
        );
        assert_eq!(
            v.gpg,
            "curl -fL -o 'a b.tar.gz.asc' https://site/p/1.0/bin/a%20b.tar.gz.asc &&\ngpg --verify 'a b.tar.gz.asc' 'a b.tar.gz'"
        );
        assert!(v.list.ends_with(
            "SHA512SUMS &&\nsed 's|^\\([0-9a-f]*  \\).*/|\\1|' SHA512SUMS | sha512sum -c --ignore-missing -"
        ));
        assert_eq!(
            mac_sums(
                "curl -fL -o sha256sum.txt X\nsha256sum -c --ignore-missing sha256sum.txt\ngrep -F -- a L | sha512sum -c -"
            ),
            "curl -fL -o sha256sum.txt X\nshasum -a 256 -c --ignore-missing sha256sum.txt\ngrep -F -- a L | shasum -a 512 -c -"
        );
        assert_eq!(chain("a\nb\n# or: c"), "a &&\nb\n# or: c");
        assert_eq!(chain(&chain("a\nb")), "a &&\nb", "chained once");
        assert_eq!(chain("printf 'x\ny' > k\nc 'it'\\''s\nb'\nd"), "printf 'x\ny' > k &&\nc 'it'\\''s\nb' &&\nd");
    }
}
