//! The release tree as the pipeline sees it: projects, releases, artifacts and their
//! sidecars, as found by the scan (`input::tree`). The fields later stages fill in
//! (`digests`, `signature`, `keys_bytes`) are plain data defined here, so the scan never
//! depends on the stages that run after it.

pub use super::artifact::{Artifact, Extra};
pub use super::codec::{Codec, Uncompressed};
use super::digests::{Algo, Digests};
use super::signature::Check;
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

/// The files of a tree in their fixed order, shared or mutable: one traversal, written
/// once, so [`Tree::files`] and [`Tree::files_mut`] cannot drift apart.
macro_rules! project_files {
    ($v:ident, $p:expr, $iter:ident, $as:ident $(, $mut:tt)?) => {{
        $v.extend($p.keys.$as());
        $v.extend($p.line_keys.$iter().map(|(_, k)| k));
        $v.extend($p.notes.$iter());
        $v.extend($p.signed_lists.$iter().map(|l| &$($mut)? l.signature));
        for r in $p.releases.$iter() {
            for a in r.artifacts.$iter() {
                $v.push(&$($mut)? a.file);
                $v.extend(a.asc.$as());
                $v.extend(a.checksums.$iter().map(|(_, c)| c));
                $v.extend(a.extra.$as().into_iter().flat_map(|e| e.companions.$iter()));
            }
            $v.extend(r.sums.$iter().map(|(_, s)| s));
            $v.extend(r.other.$iter());
            $v.extend(r.signed_lists.$iter().map(|l| &$($mut)? l.signature));
            $v.extend(r.tar_signs.$iter());
            $v.extend(r.notes.$iter());
        }
    }};
}

macro_rules! tree_files {
    ($tree:expr, $values:ident, $iter:ident, $as:ident $(, $mut:tt)?) => {{
        let mut v = Vec::new();
        v.extend($tree.notes.$iter());
        for p in $tree.projects.$values() {
            project_files!(v, p, $iter, $as $(, $mut)?);
        }
        v
    }};
}

/// Metadata that decides whether a file changed since it was last read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Stat {
    pub size: u64,
    pub mtime: i64,
    pub ctime: i64,
    pub ino: u64,
    // Nanoseconds fit 32 bits: every file of the tree carries a `Stat`.
    pub mtime_ns: u32,
    pub ctime_ns: u32,
}

impl Stat {
    pub fn of(m: &std::fs::Metadata) -> Stat {
        Stat {
            size: m.len(),
            mtime: m.mtime(),
            mtime_ns: m.mtime_nsec() as u32,
            ctime: m.ctime(),
            ctime_ns: m.ctime_nsec() as u32,
            ino: m.ino(),
        }
    }

    /// When the file arrived, for the upload grace.
    pub fn arrival(&self) -> crate::util::arrival::Arrival {
        crate::util::arrival::Arrival::at(self.mtime, self.ctime)
    }
}

/// A regular file of the tree.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FileRef {
    /// Path relative to the tree's root, `/`-separated.
    pub rel: Box<str>,
    pub stat: Stat,
    /// Filled in by the digest stage for regular files.
    pub digests: Option<Digests>,
}

impl FileRef {
    pub fn new(rel: impl Into<Box<str>>, stat: Stat) -> FileRef {
        FileRef { rel: rel.into(), stat, digests: None }
    }
}

/// The ending of kernel.org's signatures over uncompressed content.
pub const UNCOMPRESSED_SIGNATURE_EXT: &str = "sign";

/// File name endings of detached signatures, the preferred first: armored, then binary
/// (OpenTofu's GoReleaser config writes `X.gpgsig`; Postfix signs with GnuPG 2 as
/// `X.gpg2`).
pub const SIGNATURE_EXTS: [&str; 5] = ["asc", "sig", "gpg", "gpgsig", "gpg2"];

/// Endings of the signature of a checksum list: those of artifacts, and Debian's `.sign`.
pub const LIST_SIGNATURE_EXTS: [&str; 6] = ["asc", "sig", "gpg", "gpgsig", "gpg2", "sign"];

/// A checksum list or a list's signature, by file name (`SHA256SUMS`, `SHA256SUMS.sign`,
/// kernel.org's `sha256sums.asc`, HashiCorp's `terraform_1.10.0_SHA256SUMS.72D7468F.sig`):
/// the list's algorithm, and whether it is the signature.
pub fn checksum_list(name: &str) -> Option<(Algo, bool)> {
    if let Some(algo) = Algo::from_sums_name(name) {
        return Some((algo, false));
    }
    let (stem, ext) = name.rsplit_once('.')?;
    if !LIST_SIGNATURE_EXTS.contains(&ext) {
        return None;
    }
    Algo::from_sums_name(signed_list_name(stem)).map(|algo| (algo, true))
}

/// The list a signature named `<list>.<ext>` signs: `<list>`, or `<list>` alone when a
/// key id stands between (HashiCorp signs `X_SHA256SUMS` as `X_SHA256SUMS.sig` and, by
/// the key's short id, `X_SHA256SUMS.72D7468F.sig`).
pub fn signed_list_name(stem: &str) -> &str {
    match stem.rsplit_once('.') {
        Some((list, id)) if (8..=16).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_hexdigit()) => list,
        _ => stem,
    }
}

/// Is `dir` a directory of checksums kept beside the files they are of (Eclipse's
/// `checksum/`)? A checksum there names a file one directory up.
pub fn is_checksum_dir(dir: &str) -> bool {
    // nmap's `sigs/`: `sigs/nmap-7.95.tar.bz2.asc` and `.digest.txt`.
    matches!(dir.rsplit('/').next(), Some("checksum" | "checksums" | "sums" | "hashes" | "signatures" | "sigs"))
}

/// A signed checksum list: Debian's `SHA256SUMS` with `SHA256SUMS.sign` (or `.gpg`,
/// `.asc`) beside it, kernel.org's clearsigned `sha256sums.asc`, or GoReleaser's
/// `checksums.txt` signed with Sigstore (`.sig` + `.pem`, or a bundle) or minisign.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SignedList {
    /// The signature: detached, or the clearsigned list itself.
    pub signature: FileRef,
    /// The list a detached signature signs; `None` for a clearsigned list.
    pub list: Option<FileRef>,
    pub algo: Algo,
    /// What kind of signature it is.
    pub scheme: ListScheme,
    /// Filled in by the check stage.
    pub check: Option<Check>,
}

/// The kind of a checksum list's signature.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ListScheme {
    /// OpenPGP, detached or clearsigned, against the project's KEYS.
    #[default]
    Openpgp,
    /// A Sigstore bundle (`L.sigstore.json`, `L.sigstore`).
    SigstoreBundle,
    /// cosign's pair: the signature is `L.sig`, this its certificate (`L.pem`, ...),
    /// relative to the tree (the file is carried with the release's other files).
    SigstorePair(String),
    /// A minisign signature (`L.minisig`).
    Minisign,
    /// OpenBSD's signify (`SHA256.sig`, the list embedded after the signature): named
    /// like an OpenPGP one, told apart by its first line when checked.
    Signify,
    /// cosign with a key pair (`cosign sign-blob --key`): `L.sig`, base64 of the
    /// signature alone, against a key the project's page names under `cosign:`; named
    /// like an OpenPGP one, told apart by its content when checked.
    CosignKey,
    /// An SSH signature (`ssh-keygen -Y sign -n file SHA256SUMS`, `SHA256SUMS.sig`)
    /// against a key the project's page names under `ssh:`; told apart by its armor.
    Ssh,
}

impl ListScheme {
    /// The scheme of `name`, a signature of the checksum list `list` among `names` (the
    /// release directory's files), and the list's name, when it is one other than
    /// OpenPGP; a certificate of a pair gives `Some((list, None))`.
    pub fn of<'a>(name: &'a str, names: &dyn Fn(&str) -> Option<String>) -> Option<(&'a str, Option<ListScheme>)> {
        let is_list = |l: &str| checksum_list(l.rsplit('/').next().unwrap_or(l)).is_some_and(|(_, signed)| !signed);
        let bundles = BUNDLE_EXTS.iter().map(|e| (*e, ListScheme::SigstoreBundle));
        for (ext, scheme) in bundles.chain([(MINISIGN_EXT, ListScheme::Minisign)]) {
            if let Some(list) = name.strip_suffix(ext).filter(|l| is_list(l)) {
                return Some((list, Some(scheme)));
            }
        }
        let (list, ext) = name.rsplit_once('.').filter(|(l, _)| is_list(l))?;
        if ext == "sig" {
            let cert = CERT_EXTS.iter().find_map(|e| names(&format!("{list}.{e}")))?;
            return Some((list, Some(ListScheme::SigstorePair(cert))));
        }
        (CERT_EXTS.contains(&ext) && names(&format!("{list}.sig")).is_some()).then_some((list, None))
    }
}

/// Endings of SBOMs beside their artifact, as generators name them: SPDX JSON and
/// tag-value, CycloneDX (`.cdx.json`, `.bom.json`, `.cyclonedx.json`), and GoReleaser's
/// `.sbom.json` (syft's output, either format).
pub const SBOM_EXTS: [&str; 6] = [".spdx.json", ".cdx.json", ".cyclonedx.json", ".bom.json", ".sbom.json", ".spdx"];

/// The ending of a listing of what an archive holds (Gentoo's
/// `stage3-...tar.xz.CONTENTS.gz`): it describes the archive and goes where it goes.
pub const CONTENTS_EXT: &str = ".CONTENTS.gz";

/// Endings of a Sigstore bundle: `.sigstore.json` (the convention), CPython's `.sigstore`,
/// what `cosign sign-blob --bundle` users name it, `.cosign-bundle` and `.bundle` (a
/// file's only when the file is beside it: a git bundle is `.bundle` too), and PyPI's
/// PEP 740 attestation, `.publish.attestation` (the same signing in another wrapping);
/// `.bundle.json` (cosign users' again, beside its file only) and `.sigstore.jsonl` (the
/// `bundle-path` of GitHub's attest-build-provenance, as borg publishes it: bundles, one a
/// line).
pub const BUNDLE_EXTS: [&str; 7] =
    [".sigstore.json", ".sigstore", ".cosign-bundle", ".bundle", ".bundle.json", ".sigstore.jsonl", PEP740_EXT];

/// The ending of a file of GitHub's artifact attestations beside the file they attest
/// (`gh attestation download`, LLVM's `X.jsonl`: Sigstore bundles, one a line); one named
/// after no file of its release is the release's provenance.
pub const ATTESTATIONS_EXT: &str = ".jsonl";

/// The ending of a PEP 740 attestation as gh-action-pypi-publish writes it beside each
/// distribution.
pub const PEP740_EXT: &str = ".publish.attestation";

/// The ending of a minisign signature (Zig, libsodium, dnscrypt-proxy).
pub const MINISIGN_EXT: &str = ".minisig";

/// The ending of a detached CMS (X.509, S/MIME) signature: carried beside its file, not
/// checked (closer checks signatures against keys a project's page or KEYS names, not
/// certificate chains).
pub const CMS_EXT: &str = ".p7s";

/// Endings of the certificate of cosign's detached pair: `.crt`, `.cert` (Kubernetes),
/// `.pem` (GoReleaser, cosign's `--output-certificate`).
pub const CERT_EXTS: [&str; 3] = ["crt", "cert", "pem"];

/// cosign's own name for a keyless pair beside `X` (its releases up to v3.0.0).
pub const KEYLESS_SIG: &str = "-keyless.sig";
pub const KEYLESS_CERT: &str = "-keyless.pem";

/// What a companion file is, by its name: `sigstore` (a bundle), `sig` and `cert`
/// (cosign's pair), `minisign`, `sbom` (SPDX, CycloneDX), `provenance` (in-toto) or
/// `metadata` (a build system's JSON of it).
pub fn companion_label(rel: &str) -> &'static str {
    if BUNDLE_EXTS.iter().any(|e| rel.ends_with(e)) {
        "sigstore"
    } else if SBOM_EXTS.iter().any(|e| rel.ends_with(e)) {
        "sbom"
    } else if rel.ends_with(".jsonl") {
        "provenance"
    } else if rel.ends_with(MINISIGN_EXT) {
        "minisign"
    } else if rel.ends_with(CMS_EXT) {
        "CMS signature, not checked"
    } else if rel.ends_with(".sig") {
        "sig"
    } else if rel.ends_with(CONTENTS_EXT) {
        "contents"
    } else if rel.ends_with(".torrent") {
        // Beside closer's own `torrent` link (the mirrors its web seeds): told apart.
        "publisher's torrent"
    } else if rel.ends_with(".zsync") || rel.ends_with(".blockmap") {
        "delta update"
    } else if rel.ends_with(".MANIFEST") {
        "manifest"
    } else if rel.ends_with(".json") {
        "metadata"
    } else {
        "cert"
    }
}

/// A symlink inside the tree, kept as a link and never read through.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Link {
    pub rel: String,
    /// What the link says, unchanged.
    pub target: String,
    pub mtime: i64,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Release {
    pub version: String,
    /// The release line it belongs to (`tomcat-9` in `tomcat/tomcat-9/v9.0.83/`), when
    /// the project keeps lines side by side; `policy.keep` applies per line.
    pub line: Option<String>,
    /// The line or sub-project whose own KEYS signs it (`Project::line_keys`); the
    /// project's KEYS when `None`.
    pub keys: Option<String>,
    /// How the scan read it from the tree (`closer releases --explain`).
    pub reading: String,
    /// Sorted by name.
    pub artifacts: Vec<Artifact>,
    /// Checksum lists the release manager uploaded (`SHA512SUMS`, ...).
    pub sums: Vec<(Algo, FileRef)>,
    /// Other files that belong to the release but not to one artifact (signed
    /// checksum lists such as `SHA512SUMS.asc`).
    pub other: Vec<FileRef>,
    /// Checksum lists signed by the release manager: a file is signed when a list with a
    /// good signature holds its digest.
    pub signed_lists: Vec<SignedList>,
    /// kernel.org's signatures over uncompressed content (`linux-6.6.tar.sign`); the
    /// artifacts they cover name them in `signed_uncompressed`.
    pub tar_signs: Vec<FileRef>,
    /// Files that are not artifacts (`README`, `HEADER.html`, ...: `policy.notes`):
    /// carried to the mirrors and the archive, never signed.
    pub notes: Vec<FileRef>,
    /// The release's directory.
    pub dir: FileRef,
    /// Directories inside the release (for nested layouts), relative to the tree root.
    pub dirs: Vec<FileRef>,
    /// A development release by its project's page (`development: odd-minor`): a
    /// pre-release, whatever its version says.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub development: bool,
}

impl Project {
    /// The unsigned checksum lists beside its releases (kept with its notes: Wireshark's
    /// `SIGNATURES-4.4.2.txt` beside the tarballs it lists, Julia's version lists in
    /// `bin/checksums/julia-1.11.2.sha256`, Ruby's `index.txt`).
    pub fn lists(&self) -> impl Iterator<Item = (Algo, &FileRef)> {
        self.notes.iter().filter_map(|f| {
            let (dir, name) = f.rel.rsplit_once('/').unwrap_or(("", &f.rel));
            match checksum_list(name) {
                Some((algo, signed)) => (!signed).then_some((algo, f)),
                None if is_checksum_dir(dir) => Algo::from_ext(name.rsplit_once('.')?.1).map(|a| (a, f)),
                // Ruby's table: its columns name the algorithms.
                None => name.eq_ignore_ascii_case("index.txt").then_some((Algo::Sha256, f)),
            }
        })
    }

    /// The project's files, in the order of [`Tree::files`].
    pub fn files(&self) -> Vec<&FileRef> {
        let mut v = Vec::new();
        project_files!(v, self, iter, as_ref);
        v
    }

    /// Which KEYS checks the signatures of `release`: its line's own (`project/line`),
    /// else the project's (`project`). The verify stage keys its keyrings by this; it is
    /// asked once per artifact, so the common case borrows the project's name.
    pub fn keys_id(&self, release: &Release) -> std::borrow::Cow<'_, str> {
        match &release.keys {
            Some(l) if self.line_keys.iter().any(|(line, _)| line == l) => format!("{}/{l}", self.name).into(),
            _ => self.name.as_str().into(),
        }
    }

    /// The ending of the project's own signatures: `sig` when its artifacts are signed
    /// with GNU's binary `.sig` and none with `.asc`, else `asc` (what `closer sign`
    /// writes, armored or binary to match).
    pub fn signature_ext(&self) -> &'static str {
        let exts = self.releases.iter().flat_map(|r| &r.artifacts).filter_map(|a| a.asc.as_ref());
        let (mut asc, mut sig) = (false, false);
        for f in exts {
            asc |= f.rel.ends_with(".asc");
            sig |= f.rel.ends_with(".sig");
        }
        if sig && !asc { "sig" } else { "asc" }
    }

    /// The KEYS file that signs `release`: its line's own, else the project's.
    pub fn keys_of(&self, release: &Release) -> Option<&FileRef> {
        let own = release.keys.as_ref().and_then(|l| self.line_keys.iter().find(|(line, _)| line == l));
        own.map(|(_, k)| k).or(self.keys.as_ref())
    }
}

impl Release {
    /// Every file of the release: artifacts and what describes them, lists, notes.
    pub fn files(&self) -> Vec<&FileRef> {
        let mut v = Vec::new();
        for a in &self.artifacts {
            v.push(&a.file);
            v.extend(a.asc.as_ref());
            v.extend(a.checksums.iter().map(|(_, c)| c));
            v.extend(a.companions().iter());
        }
        v.extend(self.sums.iter().map(|(_, s)| s));
        v.extend(self.other.iter());
        v.extend(self.signed_lists.iter().map(|l| &l.signature));
        v.extend(self.tar_signs.iter());
        v.extend(self.notes.iter());
        v
    }

    /// The release's name within its project: its version, after its line when it has
    /// one (`tomcat-9/v9.0.83`, `lang/3.14.0`). Lines may share versions (Apache Commons'
    /// `text` and `csv` are both at 1.10.0), so this is what its pages are named by, what
    /// content pages and commands name it by, and what the copies are planned by.
    pub fn id(&self) -> String {
        match &self.line {
            Some(l) => format!("{l}/{}", self.version),
            None => self.version.clone(),
        }
    }

    /// The release as a title says it after the name of its `project`: its line and
    /// version (`tomcat-9 v9.0.83`), or the version alone when the line is the version's
    /// series (GNOME's `2.82/2.82.2` says `2.82.2`, not `2.82 2.82.2`) or the project's
    /// own name (nmap's line `nmap` beside `nping`: "Nmap 7.95", not "Nmap nmap 7.95").
    pub fn spoken_in(&self, project: &str) -> String {
        let own = project.rsplit('/').next().unwrap_or(project);
        match &self.line {
            Some(l) if !own.is_empty() && l.eq_ignore_ascii_case(own) => self.version.clone(),
            Some(l) if crate::util::version::of_series(&self.version, l) => self.version.clone(),
            Some(l) => format!("{l} {}", self.version),
            None => self.version.clone(),
        }
    }

    /// Is it a pre-release: by its version (`2.0-rc1`, `3.13.0a1`) or line, or by the folder it
    /// was uploaded to (LibreOffice's `testing/25.2.0/`, KDE's `unstable/plasma/6.2.90/`,
    /// the ASF's `dev/`), whatever its version says?
    pub fn is_prerelease(&self) -> bool {
        use crate::util::version::is_prerelease;
        self.development
            || is_prerelease(&self.version)
            // A line of a pre-release's own (Temurin's early-access builds, named by date,
            // under `jdk-21.0.6+5-ea-beta/`).
            || self.line.as_deref().is_some_and(|l| l.bytes().any(|b| b.is_ascii_digit()) && is_prerelease(l))
            // A line named for pre-releases (a layout rule's `line: devel` for Perl's
            // odd-numbered development releases, 5.41.x beside 5.40.x).
            || self.line.as_deref().is_some_and(crate::util::version::is_prerelease_folder)
            || std::iter::once(&self.dir).chain(&self.dirs).any(|d| {
                // The first part is the project's own folder, whatever its name. cgit
                // serves each tag's tarball under `snapshot/`
                // (`wireguard-tools/snapshot/wireguard-tools-1.0.20210914.tar.xz`): there a
                // dotted version is a release; a date alone (`20241201`) is a snapshot.
                let cgit = |f: &str| f.eq_ignore_ascii_case("snapshot") && self.version.contains('.');
                d.rel.split('/').skip(1).any(|f| crate::util::version::is_prerelease_folder(f) && !cgit(f))
            })
    }

    /// Takes in the files of `other`, a part of the same release found elsewhere (files a
    /// layout rule places into a release inference found).
    pub fn absorb(&mut self, other: Release) {
        self.artifacts.extend(other.artifacts);
        self.artifacts.sort_by(|a, b| a.name().cmp(b.name()));
        self.sums.extend(other.sums);
        self.other.extend(other.other);
        self.signed_lists.extend(other.signed_lists);
        self.tar_signs.extend(other.tar_signs);
        self.notes.extend(other.notes);
        self.dirs.extend(other.dirs);
    }

    /// From its pages' directory, the way up to the project's (`../`, `../../` for a
    /// release in a line).
    pub fn up(&self) -> String {
        "../".repeat(1 + usize::from(self.line.is_some()))
    }

    /// The file holding an artifact's signature: its own, or the release's signature
    /// over its uncompressed content.
    pub fn signature_file<'a>(&'a self, a: &'a Artifact) -> Option<&'a FileRef> {
        match (&a.asc, a.signed_uncompressed()) {
            (Some(asc), _) => Some(asc),
            (None, Some(u)) => self.tar_signs.iter().find(|f| *f.rel == *u.signature),
            (None, None) => None,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Project {
    pub name: String,
    pub keys: Option<FileRef>,
    /// KEYS of release lines that have their own (`tomcat/tomcat-9/KEYS`), by line:
    /// they sign that line's releases instead of the project's KEYS.
    pub line_keys: Vec<(String, FileRef)>,
    /// Notes beside the releases (`HEADER.html`, `README.html`, ...), and the checksum
    /// lists there.
    pub notes: Vec<FileRef>,
    /// Signed checksum lists beside flat releases (kernel.org's `v6.x/sha256sums.asc`):
    /// they sign the files they hold in any of the project's releases.
    pub signed_lists: Vec<SignedList>,
    /// The bytes of KEYS as signatures were checked against them (filled by
    /// `verify::verify`), so that the site publishes that very file.
    #[serde(with = "super::hex_serde::opt_shared")]
    pub keys_bytes: Option<std::sync::Arc<[u8]>>,
    /// Newest first.
    pub releases: Vec<Release>,
    pub dir: FileRef,
}

/// The release tree as found on disk.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub root: PathBuf,
    pub projects: BTreeMap<String, Project>,
    pub links: Vec<Link>,
    /// Notes at the top of the tree (`HEADER.html`, `README.html`, ...).
    pub notes: Vec<FileRef>,
    /// Keys at the top of the tree (GNU's `gnu-keyring.gpg`, or a `KEYS`): they sign every
    /// project that has none of its own, and such a project's `keys` is this file.
    pub keys: Option<FileRef>,
    /// Entries of held projects that have no recorded last good state (the cache was
    /// lost), carried unchanged from the previous lists into the new ones, by the
    /// list's path in the tree: the previous lists are the record of what was published.
    pub carried: BTreeMap<String, Vec<crate::model::listing::ListEntry>>,
}

impl Tree {
    /// Every regular file of the tree (KEYS, artifacts, signatures, checksum files), in a
    /// fixed order.
    pub fn files(&self) -> Vec<&FileRef> {
        tree_files!(self, values, iter, as_ref)
    }

    /// Visits the files of [`Tree::files`] in the same order, a project at a time: a
    /// million-file tree's vector of them is 8 MB (16 while it grows).
    pub fn each_file(&self, mut visit: impl FnMut(&FileRef)) {
        self.notes.iter().for_each(&mut visit);
        self.projects.values().for_each(|p| p.files().into_iter().for_each(&mut visit));
    }

    /// The same files as [`Tree::files`], mutably, in the same order.
    pub fn files_mut(&mut self) -> Vec<&mut FileRef> {
        tree_files!(self, values_mut, iter_mut, as_mut, mut)
    }

    /// Every artifact of the tree, mutably, in the same order as [`Tree::artifacts`].
    pub fn artifacts_mut(&mut self) -> impl Iterator<Item = &mut Artifact> {
        self.projects.values_mut().flat_map(|p| p.releases.iter_mut().flat_map(|r| r.artifacts.iter_mut()))
    }

    /// Every artifact of the tree, in a fixed order.
    /// The symbolic links inside `project`'s directory (`stable -> 3.8.3`).
    pub fn links_of<'a>(&'a self, project: &'a str) -> impl Iterator<Item = &'a Link> {
        self.links.iter().filter(move |l| crate::util::fs::is_under(&l.rel, project))
    }

    pub fn artifacts(&self) -> impl Iterator<Item = (&Project, &Release, &Artifact)> {
        self.projects
            .values()
            .flat_map(|p| p.releases.iter().flat_map(move |r| r.artifacts.iter().map(move |a| (p, r, a))))
    }
}
