//! Reads a corpus file (`tests/fixtures/corpus/*.tree`, FORMAT.md there): a real
//! publisher's file names, what the test makes of each, and what closer must infer.

use std::collections::BTreeMap;

/// What one line of a tree asks the test to make.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// An artifact, and the release closer must put it in.
    Artifact(Expect),
    /// A detached signature over the file named without the last suffix; `true`: armored.
    Sig(bool),
    /// A signature over the uncompressed bytes of `<stem>.<codec>` (kernel.org's `.sign`).
    SigTar(bool),
    /// A checksum of the file named without the last suffix, in a form.
    Sum(String),
    /// A checksum list: algorithm, form, which files (glob, relative to its directory).
    List {
        algo: String,
        form: String,
        glob: Option<String>,
        signed: Signed,
    },
    /// A detached signature over the list named without the last suffix.
    ListSig(bool),
    /// A KEYS text (`true`) or a binary keyring.
    Keys(bool),
    Notes,
    /// A Sigstore bundle, cosign's `.sig` / `.crt` pair, an SBOM, a provenance.
    Companion(String),
    /// A minisign signature of the file named without `.minisig`, by the real `minisign`.
    Minisig,
    /// OpenBSD's `SHA256.sig`: signify's signature with the list it signs embedded.
    SignifySig,
    /// A Sigstore signature of a checksum list (a bundle, or a pair's `.sig` or
    /// certificate), not verified in the corpus (it pins no trusted root).
    SigstoreList,
    Link(String),
    Dir,
}

/// How a checksum list is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signed {
    No,
    /// A `list-sig` beside it signs it.
    Detached,
    /// It is itself clearsigned.
    Clear,
}

/// The release an artifact must be in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expect {
    pub project: String,
    /// `None` for a project's single line.
    pub line: Option<String>,
    pub version: String,
    pub current: bool,
}

/// One publisher's tree.
#[derive(Debug, Default)]
pub struct Tree {
    pub name: String,
    pub keep: u32,
    /// Layout rules (YAML flow mappings) for what only a rule settles, and why.
    pub rules: Vec<String>,
    /// `policy` keys beside `keep` (YAML), for what the publisher declares.
    pub policy: Vec<String>,
    /// `content/<project>.md` front matter lines, by project.
    pub pages: BTreeMap<String, Vec<String>>,
    /// Path -> what to make, in the order written.
    pub entries: Vec<(String, Kind)>,
}

fn flag(word: Option<&str>, file: &str, n: usize) -> bool {
    match word {
        Some("armored") => true,
        Some("binary") => false,
        w => panic!("{file}:{n}: expected armored or binary, found {w:?}"),
    }
}

/// Parses `text`, the file `file` (for messages).
pub fn parse(file: &str, text: &str) -> Tree {
    let mut t = Tree { name: file.to_string(), keep: 2, ..Tree::default() };
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((key, value)) = line.split_once(": ").filter(|(k, _)| !k.contains('/')) {
            match key {
                "source" | "root" => {}
                "keys" => {
                    let (path, form) = value.trim().split_once(' ').expect("keys: <path> armored|binary");
                    t.entries.push((path.to_string(), Kind::Keys(flag(Some(form.trim()), file, n))));
                }
                "keep" => t.keep = value.trim().parse().unwrap_or_else(|_| panic!("{file}:{n}: keep")),
                "rule" => t.rules.push(value.trim().to_string()),
                "policy" => t.policy.push(value.trim().to_string()),
                "page" => {
                    let (project, matter) = value.trim().split_once(' ').expect("page: <project> <yaml line>");
                    t.pages.entry(project.to_string()).or_default().push(matter.to_string());
                }
                _ => panic!("{file}:{n}: unknown header `{key}`"),
            }
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let (path, kind, args) = (words[0], words.get(1).copied().unwrap_or(""), &words[2.min(words.len())..]);
        let arg = |k: usize| args.get(k).copied();
        let kind = match kind {
            "artifact" => {
                let [project, line, version, state] = args else { panic!("{file}:{n}: artifact needs 4 fields") };
                Kind::Artifact(Expect {
                    project: project.to_string(),
                    line: (*line != "-").then(|| line.to_string()),
                    version: version.to_string(),
                    current: match *state {
                        "current" => true,
                        "archived" => false,
                        s => panic!("{file}:{n}: {s} is neither current nor archived"),
                    },
                })
            }
            "sig" => Kind::Sig(flag(arg(0), file, n)),
            "sig-tar" => Kind::SigTar(flag(arg(0), file, n)),
            "sum" => Kind::Sum(arg(0).unwrap_or_else(|| panic!("{file}:{n}: sum needs a form")).to_string()),
            "list" | "signed-list" | "clearsigned-list" => Kind::List {
                algo: arg(0).unwrap_or_else(|| panic!("{file}:{n}: list needs an algorithm")).to_string(),
                form: arg(1).unwrap_or_else(|| panic!("{file}:{n}: list needs a form")).to_string(),
                glob: arg(2).map(str::to_string),
                signed: match kind {
                    "list" => Signed::No,
                    "signed-list" => Signed::Detached,
                    _ => Signed::Clear,
                },
            },
            "list-sig" => Kind::ListSig(flag(arg(0), file, n)),
            "keys" => Kind::Keys(flag(arg(0), file, n)),
            "notes" => Kind::Notes,
            "minisig" => Kind::Minisig,
            "signify-sig" => Kind::SignifySig,
            "sigstore-list" => Kind::SigstoreList,
            "sigstore" | "sigstore-sig" | "sigstore-cert" | "sbom" | "provenance" | "delta" => {
                Kind::Companion(kind.to_string())
            }
            "link" => Kind::Link(arg(0).unwrap_or_else(|| panic!("{file}:{n}: link needs a target")).to_string()),
            "dir" => Kind::Dir,
            k => panic!("{file}:{n}: unknown kind `{k}`"),
        };
        assert!(!path.starts_with('/') && !path.contains(".."), "{file}:{n}: {path} leaves the tree");
        t.entries.push((path.to_string(), kind));
    }
    t
}

impl Kind {
    /// The role `closer releases --json` must give the file.
    pub fn role(&self) -> Option<&'static str> {
        Some(match self {
            Kind::Artifact(_) => "artifact",
            Kind::Sig(_) | Kind::SigTar(_) => "signature",
            Kind::Sum(_) => "checksum",
            Kind::List { signed: Signed::Clear, .. } | Kind::ListSig(_) | Kind::SignifySig | Kind::SigstoreList => {
                "signed-checksum-list"
            }
            Kind::List { .. } => "checksum-list",
            Kind::Keys(_) => "keys",
            Kind::Notes => "notes",
            Kind::Companion(_) | Kind::Minisig => "companion",
            Kind::Link(_) => "alias",
            Kind::Dir => return None,
        })
    }
}
