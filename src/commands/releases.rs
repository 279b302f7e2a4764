//! `closer releases [--json]`: what closer made of the release tree. For every project,
//! line, release (current or archived) and file: the file's role, and the signature and
//! checksums that cover it. It is how a release manager sees the grouping, and how the
//! tests do; `--json` is a stable shape (docs/reference/commands.md, "closer releases --json").

use super::{Global, Outcome};
use crate::check::checksums;
use crate::model::digests::{Algo, Digests};
use crate::model::tree::{Artifact, FileRef, Project, Release, Tree};
use crate::pipeline::Analysis;
use crate::pipeline::isolate::owner;
use crate::util::problem::ProblemsFound;
use serde::Serialize;
use std::fmt::Write as _;

/// Print what closer inferred from the release tree: projects, lines, releases
/// (current or archived) and every file's role, signature and checksums.
#[derive(Debug, clap::Args)]
#[command(after_help = "Exit 0 when the inputs have no problems, 1 when they do (the problems follow \
    on stderr, after what was inferred), 2 on bad usage or unreadable input.")]
pub struct Args {
    /// Print JSON: an array of projects, each with `project`, `keys` (its KEYS, relative to the release tree), `notes`, `signed_lists`, `aliases`, `files` (its own: KEYS, notes, lists), `problems` (each as `closer check` prints it; a build holds back a project with any) and `lines`, each
    /// with `line`, `keys` (when the line has its own KEYS) and `releases`, each with `version`, `current`, `prerelease` and `files`, each
    /// with `path`, `role`, `size`, `sha512`, `swhid_dir` and `swhid_cnt` (source archives), `url`, `archive_url`, `signature` {`path`, `kind` (`armored`, `binary`, `uncompressed`, `signed-list`, or `none` when there is no OpenPGP signature: its `path` is then where one would be; read `outcome`), `outcome` (`good`, `bad`, `missing`, ...)}, `sigstore` {`path`, `form`, `outcome` (`unchecked` without a trusted root), `identity`, `issuer`}, `minisign` {`path`, `scheme` (`minisign`, or for a file's own `.sig` that is not OpenPGP `cosign`, `signify` or `ssh`), `outcome`, `key`} and `checksums` {`path`, `algorithm`, `format`}.
    #[arg(long)]
    pub(super) json: bool,
    /// Say what closer made of one file (its role, release, line, whether it is current)
    /// and why: which directory shape, name or rule placed it, with its problems (exit 1)
    /// and a count of the tree's others. PATH is in the release tree, or relative to it.
    #[arg(long, value_name = "PATH", conflicts_with = "json")]
    explain: Option<std::path::PathBuf>,
}

/// What closer inferred on stdout; then the problems, if any, on stderr (exit 1).
pub fn run(args: Args, g: &Global) -> anyhow::Result<Outcome> {
    let mut a = crate::pipeline::analyse(&g.paths(), &crate::util::clock::Timings::off())?;
    // A published file changed since is a problem only a build sees (it knows what the
    // lists published); a build holds its project back for it, so it is said here too.
    let retired = crate::model::since::Since::read_file(&g.paths().cache.join(crate::pipeline::RETIRED))?;
    for (record, removed) in [(crate::model::since::Since::read(&g.paths().dist)?, false), (retired, true)] {
        let Some(since) = record else { continue };
        let changed = crate::pipeline::isolate::changed_since_published(&a.tree, &since, removed);
        changed.into_iter().for_each(|(_, p)| a.problems.push(p));
    }
    if let Some(path) = &args.explain {
        let rel = tree_path(&a.tree.root, path);
        let text = explain(&a, &rel);
        let all = a.problems.sorted();
        let about = |p: &crate::util::problem::Problem| p.place.file.contains(rel.as_str());
        match text {
            Some(text) => println!("{}", text.trim_end()),
            // Not placed because of its problems (a signature of a file not in the
            // release, a link out of the tree): those problems are the explanation.
            None if all.iter().any(about) => println!("{rel}\n  not placed in a release: see its problems"),
            None => anyhow::bail!(crate::util::problem::with_fix(
                format!("`{rel}` is not a file closer read in the release tree {}", a.tree.root.display()),
                "give a path inside the tree (from its top, e.g. project/1.0/file.tar.gz); ignored files and \
                 closer's own files are not in it"
            )),
        }
        // The problems of that file (its own, or of a file that goes with it); the others
        // are counted, not listed, since the question was about this one.
        let (mine, others): (Vec<_>, Vec<_>) = all.into_iter().partition(about);
        if !others.is_empty() {
            eprintln!(
                "({} other problem{} in the tree: `closer check` lists them)",
                others.len(),
                plural(others.len())
            );
        }
        return if mine.is_empty() { Ok(Outcome::Done) } else { Err(ProblemsFound::new(mine).into()) };
    }
    print!("{}", if args.json { json(&a, &g.paths().content) } else { text(&a) });
    if a.problems.is_empty() {
        return Ok(Outcome::Done);
    }
    Err(ProblemsFound::new(a.problems.sorted()).into())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A project as `closer releases --json` prints it.
#[derive(Debug, Serialize)]
pub struct ProjectInfo {
    pub project: String,
    /// The project's KEYS file, relative to the release tree.
    pub keys: Option<String>,
    /// Notes beside the releases (`HEADER.html`, ...), and checksum lists there.
    pub notes: Vec<String>,
    /// Signed checksum lists beside the releases (kernel.org's `v6.x/sha256sums.asc`),
    /// which sign the files they hold.
    pub signed_lists: Vec<String>,
    /// Every file of the project outside its releases, with its role: `keys` (KEYS,
    /// keyrings, a line's KEYS), `notes`, `checksum-list`, `signed-checksum-list`, or
    /// `signature` / `checksum` of a note.
    pub files: Vec<FileInfo>,
    /// Symbolic links in the project (`current -> 3.9.6`): carried to the mirrors as
    /// links, shown as aliases, never counted as releases.
    pub aliases: Vec<AliasInfo>,
    pub lines: Vec<LineInfo>,
    /// The project's problems (`file: message`, the fix after a newline), as `closer
    /// check` prints them; a build holds a project with any back (`--json` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<String>>,
}

/// A symbolic link in the project.
#[derive(Debug, Serialize)]
pub struct AliasInfo {
    pub path: String,
    pub target: String,
}

/// A release line: releases kept side by side (Apache keeps the newest of each).
#[derive(Debug, Serialize)]
pub struct LineInfo {
    /// The line's name; `null` for a project with a single line.
    pub line: Option<String>,
    /// The line's own KEYS (`tomcat/tomcat-9/KEYS`), which signs its releases instead
    /// of the project's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys: Option<String>,
    pub releases: Vec<ReleaseInfo>,
}

#[derive(Debug, Serialize)]
pub struct ReleaseInfo {
    pub version: String,
    /// On the mirrors and the download page (else archived).
    pub current: bool,
    /// A pre-release, by its version or its folder (`Release::is_prerelease`).
    pub prerelease: bool,
    pub files: Vec<FileInfo>,
}

/// An artifact's Sigstore signature: the bundle (or `.sig` of a pair), its form
/// (`bundle` or `pair`), the outcome of its check (`unchecked` without a trusted root),
/// and the certificate's identity and issuer.
#[derive(Debug, Serialize)]
pub struct SigstoreInfo {
    pub path: String,
    pub form: &'static str,
    pub outcome: &'static str,
    pub identity: Option<String>,
    pub issuer: Option<String>,
}

/// An artifact's minisign signature: the file, what checking it found, and the id of
/// the key that made it.
#[derive(Debug, Serialize)]
pub struct MinisignInfo {
    pub path: String,
    /// `minisign` (a `.minisig`), or what made the file's own `.sig`: `cosign` (a key's),
    /// `signify`, `ssh`.
    pub scheme: &'static str,
    pub outcome: &'static str,
    pub key: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FileInfo {
    /// Relative to the release tree, as mirrors and URLs carry it.
    pub path: String,
    /// `artifact`, `signature`, `checksum`, `checksum-list`, `signed-checksum-list`,
    /// `keys`, `companion` (a Sigstore bundle, SBOM or provenance of an artifact) or
    /// `notes` (carried, never signed: `README`, `HEADER.html`, ...).
    pub role: &'static str,
    /// For artifacts: the signature that covers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureInfo>,
    /// For artifacts with a Sigstore bundle (or cosign pair): it, and who signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sigstore: Option<SigstoreInfo>,
    /// For artifacts with a `.minisig`: it, and the key that signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minisign: Option<MinisignInfo>,
    /// For artifacts: the checksum files that cover it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checksums: Vec<ChecksumInfo>,
    /// For artifacts: the size in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// For artifacts, once hashed: the SHA-512 (hex).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha512: Option<String>,
    /// For source archives: `swh:1:dir` of the directory it unpacks to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swhid_dir: Option<String>,
    /// For source archives: `swh:1:cnt` of the archive file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swhid_cnt: Option<String>,
    /// For artifacts (in `--json`): the file on the primary and on the archive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SignatureInfo {
    pub path: String,
    /// `armored`, `binary`, `uncompressed` (kernel.org's `.tar.sign`, over the
    /// uncompressed content), or `signed-list` (a signed checksum list holds its digest).
    pub kind: &'static str,
    /// The outcome of the check: `good`, `bad`, `missing`, `unknown-key`, ...
    pub outcome: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChecksumInfo {
    pub path: String,
    /// `sha512`, `sha256`, `sha1` or `md5`.
    pub algorithm: &'static str,
    /// The form it was read in: `sha512sum`, `bsd`, `print-md`, `bare`, `table` or `cpan`.
    pub format: &'static str,
}

fn format_name(f: checksums::Format) -> &'static str {
    match f {
        checksums::Format::Gnu => "sha512sum",
        checksums::Format::Bsd => "bsd",
        checksums::Format::PrintMd => "print-md",
        checksums::Format::Bare => "bare",
        checksums::Format::Table => "table",
        checksums::Format::Perl => "cpan",
        checksums::Format::Certutil => "certutil",
        checksums::Format::PowerShell => "powershell",
        checksums::Format::SevenZip => "7-zip",
    }
}

fn file(f: &FileRef, role: &'static str) -> FileInfo {
    FileInfo {
        path: f.rel.to_string(),
        role,
        signature: None,
        sigstore: None,
        minisign: None,
        checksums: Vec::new(),
        size: None,
        sha512: None,
        swhid_dir: None,
        swhid_cnt: None,
        url: None,
        archive_url: None,
    }
}

/// The role of a file beside artifacts, by its name: KEYS, a checksum list or its
/// signature, a note's signature or checksum, or a note.
fn extra(f: &FileRef) -> FileInfo {
    let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    let role = if crate::input::tree::is_keys(name) {
        "keys"
    } else if let Some((_, signature)) = crate::model::tree::checksum_list(name) {
        if signature { "signed-checksum-list" } else { "checksum-list" }
    } else if crate::model::tree::CERT_EXTS.contains(&ext)
        && name.rsplit_once('.').and_then(|(stem, _)| crate::model::tree::checksum_list(stem)).is_some()
    {
        // The certificate of cosign's pair over a checksum list.
        "signed-checksum-list"
    } else if crate::model::tree::SIGNATURE_EXTS.contains(&ext) || ext == crate::model::tree::UNCOMPRESSED_SIGNATURE_EXT
    {
        "signature"
    } else if Algo::from_ext(ext).is_some() {
        "checksum"
    } else {
        "notes"
    };
    file(f, role)
}

/// How a checksum file reads; an unreadable one is `unreadable` (the build says why).
fn checksum(tree: &Tree, algo: Algo, f: &FileRef) -> ChecksumInfo {
    listed(tree, algo, f).0
}

/// How a checksum file reads, and the paths (in the tree) of the files it names.
fn listed(tree: &Tree, algo: Algo, f: &FileRef) -> (ChecksumInfo, std::collections::HashSet<String>) {
    let (format, names) = match crate::util::fs::read_text(&tree.root.join(&*f.rel)) {
        Ok(text) => {
            let (format, sums) = checksums::parse_list(&text, &f.rel);
            let dir = f.rel.rsplit_once('/').map_or("", |(d, _)| d);
            let no_links = std::collections::HashMap::new();
            let names = sums
                .iter()
                .filter_map(|s| s.name.as_deref())
                .map(|n| crate::check::signed_lists::path_of(dir, n, &no_links))
                .collect();
            (format_name(format), names)
        }
        Err(_) => ("unreadable", Default::default()),
    };
    (ChecksumInfo { path: f.rel.to_string(), algorithm: algo.ext(), format }, names)
}

/// `armored` or `binary`, by the file's first bytes: a `.sign` or `.sig` may be either.
fn armor(tree: &Tree, f: &FileRef) -> &'static str {
    let head = crate::util::fs::head(&tree.root.join(&*f.rel)).unwrap_or_default();
    let text = String::from_utf8_lossy(&head);
    if text.trim_start().starts_with("-----BEGIN PGP") { "armored" } else { "binary" }
}

/// A release's checksum lists as read, each with the files it names.
type Lists = [(ChecksumInfo, std::collections::HashSet<String>)];

fn artifact(tree: &Tree, lists: &Lists, a: &Artifact) -> FileInfo {
    let outcome = a.signature.as_ref().map_or("missing", |c| c.outcome.as_str());
    // A list signs in its own kind: OpenPGP's check, Sigstore's, or a key's (minisign,
    // signify, cosign).
    let through_list = [a.signature.as_ref(), a.sigstore(), a.minisign()]
        .into_iter()
        .flatten()
        .find(|c| c.outcome != crate::model::signature::Outcome::Missing);
    let list_outcome = through_list.map_or("missing", |c| c.outcome.as_str());
    let signature = match (&a.asc, a.signed_uncompressed(), a.covered_by()) {
        (Some(s), _, _) => Some(SignatureInfo { path: s.rel.to_string(), kind: armor(tree, s), outcome }),
        (None, Some(u), _) => Some(SignatureInfo { path: u.signature.clone(), kind: "uncompressed", outcome }),
        (None, None, Some(list)) => {
            Some(SignatureInfo { path: list.to_string(), kind: "signed-list", outcome: list_outcome })
        }
        // No OpenPGP signature at all: said, so a filter on the outcome sees it.
        (None, None, None) => Some(SignatureInfo {
            path: format!("{}.{}", a.file.rel, a.signature_ext()),
            kind: "none",
            outcome: "missing",
        }),
    };
    let mut checksums: Vec<ChecksumInfo> = a.checksums.iter().map(|(algo, f)| checksum(tree, *algo, f)).collect();
    // The lists that name it: the release's (Mageia's `X.iso.md5` beside each image names
    // that one) and its project's (GIMP's `v2.10/SHA256SUMS`; Ruby's `index.txt` above the
    // folders, by the file's name alone).
    let (dir, base) = a.file.rel.rsplit_once('/').unwrap_or(("", &a.file.rel));
    let names = |n: &String| {
        *n == *a.file.rel
            || n.rsplit_once('/').is_some_and(|(d, b)| b == base && (dir.starts_with(&format!("{d}/")) || dir == d))
    };
    checksums.extend(lists.iter().filter(|(_, listed)| listed.iter().any(names)).map(|(c, _)| c.clone()));
    FileInfo {
        path: a.file.rel.to_string(),
        role: "artifact",
        signature,
        sigstore: sigstore_info(a),
        minisign: a.key_signed().map(|(f, tool)| MinisignInfo {
            path: f.rel.to_string(),
            scheme: tool.name(),
            outcome: a.minisign().map_or("unchecked", |c| c.outcome.as_str()),
            key: a.minisign().and_then(|c| c.fingerprint.as_deref().map(String::from)),
        }),
        checksums,
        size: Some(a.file.stat.size),
        sha512: a.file.digests.as_ref().map(|d| crate::util::text::hex(&d.sha512)),
        swhid_dir: a.file.digests.as_ref().and_then(Digests::swhid_dir),
        swhid_cnt: a.file.digests.as_ref().and_then(Digests::swhid_cnt),
        url: None,
        archive_url: None,
    }
}

fn sigstore_info(a: &Artifact) -> Option<SigstoreInfo> {
    let (form, files) = crate::check::sigstore::files_of(a)?;
    let check = a.sigstore();
    Some(SigstoreInfo {
        path: files[0].rel.to_string(),
        form: if form == crate::check::sigstore::Form::Bundle { "bundle" } else { "pair" },
        outcome: check.map_or("unchecked", |c| c.outcome.as_str()),
        identity: check.and_then(|c| c.user_id.as_deref().map(String::from)),
        issuer: check.and_then(|c| c.fingerprint.as_deref().map(String::from)),
    })
}

/// The checksum lists of a project beside its releases, each with the files it names.
fn project_lists(tree: &Tree, p: &Project) -> Vec<(ChecksumInfo, std::collections::HashSet<String>)> {
    p.lists().map(|(algo, f)| listed(tree, algo, f)).collect()
}

/// A release as the JSON gives it; `beside`: its project's lists ([`project_lists`]).
fn release_info(tree: &Tree, beside: &Lists, r: &Release, current: bool) -> ReleaseInfo {
    let mut files = Vec::new();
    let mut lists: Vec<_> = r.sums.iter().map(|(algo, f)| listed(tree, *algo, f)).collect();
    lists.extend(beside.iter().cloned());
    for a in &r.artifacts {
        files.push(artifact(tree, &lists, a));
        files.extend(a.asc.iter().map(|s| file(s, "signature")));
        files.extend(a.checksums.iter().map(|(_, c)| file(c, "checksum")));
        files.extend(a.companions().iter().map(|c| file(c, "companion")));
    }
    files.extend(r.sums.iter().map(|(_, s)| file(s, "checksum-list")));
    files.extend(r.notes.iter().map(extra));
    files.extend(r.other.iter().map(extra));
    files.extend(r.tar_signs.iter().map(|o| file(o, "signature")));
    files.extend(r.signed_lists.iter().map(|l| file(&l.signature, "signed-checksum-list")));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    ReleaseInfo { version: r.version.clone(), current, prerelease: r.is_prerelease(), files }
}

fn project_info(a: &Analysis, p: &Project) -> ProjectInfo {
    let plan = a.plan.project(&p.name);
    // Lines in the order of their newest release; releases newest first in each.
    let mut lines: Vec<LineInfo> = Vec::new();
    let beside = project_lists(&a.tree, p);
    for (i, r) in p.releases.iter().enumerate() {
        let info = release_info(&a.tree, &beside, r, plan.is_some_and(|pp| pp.current.contains(&i)));
        match lines.iter_mut().find(|l| l.line == r.line) {
            Some(l) => l.releases.push(info),
            None => {
                let keys = r.keys.is_some().then(|| p.keys_of(r)).flatten().map(|k| k.rel.to_string());
                lines.push(LineInfo { line: r.line.clone(), keys, releases: vec![info] })
            }
        }
    }
    let mut files: Vec<FileInfo> =
        p.keys.iter().chain(p.line_keys.iter().map(|(_, k)| k)).map(|k| file(k, "keys")).collect();
    files.extend(p.notes.iter().map(extra));
    files.extend(p.signed_lists.iter().map(|l| file(&l.signature, "signed-checksum-list")));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let aliases =
        a.tree.links_of(&p.name).map(|l| AliasInfo { path: l.rel.clone(), target: l.target.clone() }).collect();
    ProjectInfo {
        project: p.name.clone(),
        keys: p.keys.as_ref().map(|k| k.rel.to_string()),
        notes: p.notes.iter().map(|n| n.rel.to_string()).collect(),
        signed_lists: p.signed_lists.iter().map(|l| l.signature.rel.to_string()).collect(),
        files,
        aliases,
        lines,
        problems: None,
    }
}

/// `path` as the tree names it: from the tree's top, whether given that way or as a
/// path on disk.
fn tree_path(root: &std::path::Path, path: &std::path::Path) -> String {
    let on_disk = std::fs::canonicalize(path).ok().and_then(|p| p.strip_prefix(root).ok().map(|p| p.to_path_buf()));
    on_disk.unwrap_or_else(|| path.to_path_buf()).to_string_lossy().trim_start_matches("./").to_string()
}

/// Why a file outside any release has its role.
fn beside_reason(role: &str) -> &'static str {
    match role {
        "keys" => {
            "a KEYS file or keyring: the public keys signatures are checked against (stays on the primary and the archive)"
        }
        "notes" => "a note by its name (policy.notes): carried to the mirrors and the archive, never signed",
        "checksum-list" => "a checksum list beside releases: compared with the digests closer computes, never signed",
        "signed-checksum-list" => {
            "a signed checksum list: it signs every file it names that has no signature of its own"
        }
        "signature" | "checksum" => "the signature or checksum of a note: carried with it",
        _ => "",
    }
}

/// `closer releases --explain PATH`: what closer made of one file, and why.
pub fn explain(a: &Analysis, rel: &str) -> Option<String> {
    let mut out = String::new();
    for p in a.tree.projects.values() {
        let info = project_info(a, p);
        if let Some(f) = info.files.iter().find(|f| f.path == rel) {
            let _ = writeln!(out, "{rel}\n  {} of project {}: {}", f.role, p.name, beside_reason(f.role));
            return Some(out);
        }
        if let Some(l) = info.aliases.iter().find(|l| l.path == rel) {
            let _ = writeln!(
                out,
                "{rel}\n  alias of project {}: a link to `{}`, carried to the mirrors as a link",
                p.name, l.target
            );
            return Some(out);
        }
        let plan = a.plan.project(&p.name);
        let beside = project_lists(&a.tree, p);
        for (i, r) in p.releases.iter().enumerate() {
            let current = plan.is_some_and(|pp| pp.current.contains(&i));
            let ri = release_info(&a.tree, &beside, r, current);
            let Some(f) = ri.files.iter().find(|f| f.path == rel) else { continue };
            let keep = a.content.projects.get(&p.name).and_then(|c| c.matter.keep).unwrap_or(a.registry.policy.keep);
            let state = if current && r.is_prerelease() {
                format!(
                    "current, a pre-release: newer than its line's final releases, one of the {keep} newest (keep: \
                     {keep}), on the mirrors until its final is out"
                )
            } else if current {
                format!("current: one of the {keep} newest of its line (keep: {keep}), on the mirrors")
            } else {
                format!(
                    "archived: older than the {keep} newest of its line (keep: {keep}), or a pre-release older than its final release; on the archive only"
                )
            };
            let _ = writeln!(out, "{rel}\n  {} of release {} {} ({state})", f.role, p.name, r.id());
            let _ = writeln!(out, "  read as: {}", if r.reading.is_empty() { "its directory" } else { &r.reading });
            match f.signature.as_ref().filter(|s| s.kind != "none") {
                Some(s) => drop(writeln!(out, "  signature: {} ({}): {}", s.path, s.kind, s.outcome)),
                None if f.role == "artifact" => drop(writeln!(out, "  signature: none")),
                None => {}
            }
            for c in &f.checksums {
                let _ = writeln!(out, "  checksum: {} ({})", c.path, checksum_text(c));
            }
            return Some(out);
        }
    }
    None
}

/// What closer inferred, project by project.
pub fn inferred(a: &Analysis) -> Vec<ProjectInfo> {
    a.tree.projects.values().map(|p| project_info(a, p)).collect()
}

/// The JSON document: an array of projects, each artifact with its URLs on the primary
/// and the archive.
pub fn json(a: &Analysis, content: &std::path::Path) -> String {
    let mut projects = inferred(a);
    let (root, content) = (a.tree.root.display().to_string(), content.display().to_string());
    for p in &mut projects {
        let mine = a.problems.iter().filter(|x| owner(x, &root, &content).as_deref() == Some(p.project.as_str()));
        let mut mine: Vec<_> = mine.collect();
        mine.sort();
        mine.dedup();
        p.problems = Some(mine.into_iter().map(ToString::to_string).collect());
    }
    let (dist, archive) = (&a.registry.primary.dist_url, &a.registry.archive_url);
    let files = projects.iter_mut().flat_map(|p| &mut p.lines).flat_map(|l| &mut l.releases).flat_map(|r| &mut r.files);
    for f in files.filter(|f| f.role == "artifact") {
        let path = crate::util::text::url_path(&f.path);
        f.url = Some(format!("{dist}{path}"));
        f.archive_url = Some(format!("{archive}{path}"));
    }
    let mut s = serde_json::to_string_pretty(&projects).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

/// The same, for people: a line per release and per file.
/// A checksum's algorithm and form in words: `sha256 (sha256sum format)`, not
/// `sha256 (sha512sum)`, the form's name in the JSON.
fn checksum_text(c: &ChecksumInfo) -> String {
    match c.format {
        "sha512sum" => format!("{} ({}sum format)", c.algorithm, c.algorithm),
        other => format!("{} ({other})", c.algorithm),
    }
}

pub fn text(a: &Analysis) -> String {
    let mut out = String::new();
    for p in inferred(a) {
        let _ = writeln!(out, "{}{}", p.project, p.keys.map(|k| format!("  (keys: {k})")).unwrap_or_default());
        for line in p.lines {
            let indent = if let Some(name) = &line.line {
                let _ = writeln!(out, "  line {name}");
                "    "
            } else {
                "  "
            };
            for r in line.releases {
                let state = match (r.current, r.prerelease) {
                    (true, true) => "current, a pre-release",
                    (true, false) => "current",
                    (false, _) => "archived",
                };
                let _ = writeln!(out, "{indent}{} ({state})", r.version);
                for f in r.files.iter().filter(|f| f.role == "artifact") {
                    // Every signature it has: OpenPGP (its own or a list's), minisign (or
                    // signify, SSH, a cosign key's), Sigstore.
                    let mut sigs: Vec<String> = Vec::new();
                    if let Some(s) = f.signature.as_ref().filter(|s| s.kind != "none") {
                        sigs.push(format!("{} signature {}: {}", s.kind, s.path, s.outcome));
                    }
                    if let Some(m) = &f.minisign {
                        sigs.push(format!("{} signature {}: {}", m.scheme, m.path, m.outcome));
                    }
                    if let Some(s) = &f.sigstore {
                        sigs.push(format!("sigstore {} {}: {}", s.form, s.path, s.outcome));
                    }
                    let sig = if sigs.is_empty() { "no signature".to_string() } else { sigs.join("; ") };
                    let sums: Vec<String> = f.checksums.iter().map(checksum_text).collect();
                    let sums = if sums.is_empty() { String::new() } else { format!("; checksums {}", sums.join(", ")) };
                    let _ = writeln!(out, "{indent}  {}: {sig}{sums}", f.path);
                }
            }
        }
    }
    out
}
