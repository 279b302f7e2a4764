//! `closer sign`: signs, in one process and in parallel, every artifact that has no
//! `.asc` yet, with a secret key exported from gpg. It refuses to sign for a project
//! whose KEYS does not hold the key (downloaders could not verify the result), and it
//! never overwrites a signature.

use super::{Global, Outcome};
use crate::check::pgp::{self, Passphrase, SigningKey};
use crate::model::tree::Tree;
use crate::util::text::plural;
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `closer sign` did.
#[derive(Debug, Default)]
pub struct SignReport {
    pub fingerprint: String,
    pub user_id: Option<String>,
    pub signed: usize,
    pub already_signed: usize,
}

/// Sign every artifact that has no .asc yet, with a secret key exported from gpg.
#[derive(Debug, clap::Args)]
#[command(after_help = "Export the key with: gpg --export-secret-keys --armor FPR > key.asc\n\
    The key must be in the KEYS of every project it signs for. Existing .asc files are never replaced.")]
pub struct Args {
    /// The secret key (armored or binary), as `gpg --export-secret-keys` writes it.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// Read the key's passphrase from the first line of FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "passphrase_env")]
    passphrase_file: Option<PathBuf>,
    /// Read the key's passphrase from the environment variable VAR.
    #[arg(long, value_name = "VAR")]
    passphrase_env: Option<String>,
    /// Sign only artifacts under these paths (default: the whole release tree).
    #[arg(value_name = "PATH")]
    only: Vec<PathBuf>,
}

/// Loads the key (asking for its passphrase on a terminal when none is given), signs,
/// and says what it did.
pub fn run(args: Args, g: &Global) -> Result<Outcome> {
    use std::io::IsTerminal;
    let start = std::time::Instant::now();
    let pass = match (args.passphrase_file, args.passphrase_env) {
        (Some(f), _) => {
            let text = crate::util::fs::read_to_string(&f)?;
            Passphrase::Given(text.lines().next().unwrap_or("").to_string())
        }
        (None, Some(var)) => Passphrase::Given(
            std::env::var(&var)
                .map_err(|_| anyhow::anyhow!("--passphrase-env {var}: the environment variable {var} is not set"))?,
        ),
        (None, None) if std::io::stdin().is_terminal() => Passphrase::Prompt,
        (None, None) => Passphrase::None,
    };
    let key = pgp::load_signing_key(&args.key, pass)?;
    let paths = g.paths();
    // The tree's lock is taken only to write the signatures: reading and signing a large
    // artifact must not hold every project's build (a signature never replaces one).
    let r = sign(&paths, &key, &args.only, || super::lock(g, &paths.dist, "the release tree", "sign"))?;
    if !g.quiet {
        eprintln!(
            "signed {} artifact{} with {}{} in {:.2}s; {} already had a signature{}",
            r.signed,
            plural(r.signed),
            r.fingerprint,
            r.user_id.map(|u| format!(" ({u})")).unwrap_or_default(),
            start.elapsed().as_secs_f64(),
            r.already_signed,
            if r.already_signed > 0 {
                " (never replaced: to sign one again, delete its signature first; `closer check` names any that is bad)"
            } else {
                ""
            }
        );
    }
    Ok(Outcome::Done)
}

/// Puts the finished temporary file `tmp` in place as `path` only if `path` does not
/// exist yet: the file appears whole or not at all, and an existing one is never
/// replaced. `tmp` is removed either way.
fn link_new(tmp: &Path, path: &Path) -> Result<bool> {
    let linked = std::fs::hard_link(tmp, path);
    let _ = std::fs::remove_file(tmp);
    match linked {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e).with_context(|| format!("cannot write `{}`", path.display())),
    }
}

/// Flushes the file system holding `dir` to disk: one call for all the signatures
/// written, instead of one fsync per file.
fn sync_fs(dir: &Path) -> Result<()> {
    let d = std::fs::File::open(dir).with_context(|| format!("cannot open `{}`", dir.display()))?;
    rustix::fs::syncfs(&d).with_context(|| format!("cannot sync `{}`", dir.display()))
}

/// Signs the unsigned artifacts of the release tree that lie under one of `only` (the
/// whole tree when `only` is empty), writing them under the lock `lock` takes. What is
/// an artifact comes from the registry's notes and layout rules and the projects' rules, as the build sees it; without a
/// registry file (a release manager's own copy of the tree), from the defaults and the
/// projects' rules. A registry with problems signs nothing: its rules might place
/// files wrongly.
pub fn sign<L>(
    paths: &crate::model::run::Paths,
    key: &SigningKey,
    only: &[PathBuf],
    lock: impl FnOnce() -> Result<L>,
) -> Result<SignReport> {
    let registry = match paths.registry.exists() {
        false => None,
        true => {
            let (registry, problems) = crate::input::registry::Registry::from_disk(&paths.registry)?;
            if !problems.is_empty() {
                return Err(crate::util::problem::ProblemsFound::new(problems.sorted()).into());
            }
            Some(registry)
        }
    };
    let notes = registry.as_ref().map_or_else(crate::input::registry::default_notes, |r| r.policy.notes_set.clone());
    let pages = crate::input::content::project_layouts(&paths.content);
    let layout = registry.as_ref().map_or(&[][..], |r| &r.policy.layout[..]);
    let (rules, _) = crate::input::layout::Rules::compile(layout, &paths.registry.display().to_string(), &pages);
    let (tree, _problems) = crate::input::tree::scan(&paths.dist, &notes, &rules)?;
    let mut report = SignReport { fingerprint: key.fingerprint(), user_id: key.user_id(), ..SignReport::default() };
    let (todo, keyrings) = unsigned(&tree, only, &mut report)?;
    check_keys_list(&tree, key, &keyrings, only.is_empty())?;
    // Signing runs in parallel; the files are then created by one thread, since
    // creating files in one directory from several threads only contends for its lock.
    let signed = todo
        .par_iter()
        .map(|(rel, ext)| {
            let path = tree.root.join(rel);
            let mut f = std::fs::File::open(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
            let sig = key.sign_detached(&mut f).with_context(|| format!("cannot sign `{}`", path.display()))?;
            // GNU's form: binary, as the project's other `.sig` files.
            let sig = if *ext == "sig" { pgp::dearmor(&sig)? } else { sig };
            Ok((path, *ext, sig))
        })
        .collect::<Result<Vec<(PathBuf, &str, Vec<u8>)>>>()?;
    // Into hidden temporary files, made durable with one sync, then each linked into place,
    // under the tree's lock (a build never sees the temporary files).
    let _lock = lock()?;
    let pairs = write_temporaries(signed)?;
    if !pairs.is_empty() {
        sync_fs(&tree.root)?;
    }
    for (tmp, asc) in &pairs {
        if link_new(tmp, asc)? {
            report.signed += 1;
        } else {
            report.already_signed += 1;
        }
    }
    Ok(report)
}

/// The artifacts under `paths` without a signature (with the ending their project's
/// signatures have), and the KEYS files that must hold the key; counts the signed ones
/// in `report`.
type Todo = Vec<(String, &'static str)>;
fn unsigned(tree: &Tree, paths: &[PathBuf], report: &mut SignReport) -> Result<(Todo, BTreeSet<PathBuf>)> {
    let mut limits = Vec::new();
    for p in paths {
        let c = std::fs::canonicalize(p).with_context(|| format!("cannot find `{}`", p.display()))?;
        if !c.starts_with(&tree.root) {
            bail!(
                "`{}` is not inside the release tree `{}` (give the tree with --dist)",
                p.display(),
                tree.root.display()
            );
        }
        limits.push(c);
    }
    let selected = |rel: &str| limits.is_empty() || limits.iter().any(|l| tree.root.join(rel).starts_with(l));
    let mut todo = Vec::new();
    let mut keyrings = BTreeSet::new();
    for (p, r, a) in tree.artifacts() {
        if !selected(&a.file.rel) {
            continue;
        }
        if a.has_signature_file() {
            report.already_signed += 1;
            continue;
        }
        // The keys check reads: the line's own, the project's, or the tree's keyring.
        keyrings.insert(p.keys_of(r).map_or_else(|| tree.root.join(&p.name).join("KEYS"), |k| tree.root.join(&*k.rel)));
        todo.push((a.file.rel.to_string(), p.signature_ext()));
    }
    Ok((todo, keyrings))
}

/// Every KEYS signed for must list the key, or nobody can verify. Signing the whole
/// tree (`whole`) with a key some of those KEYS list, the others are other people's
/// projects (a primary shared by hundreds): the fix is to say which releases to sign.
fn check_keys_list(tree: &Tree, key: &SigningKey, keyrings: &BTreeSet<PathBuf>, whole: bool) -> Result<()> {
    let mut missing = Vec::new();
    let mut mine = Vec::new();
    let own: BTreeSet<String> = key.all_key_fingerprints().into_iter().collect();
    for keys_path in keyrings {
        let certs = match std::fs::read(keys_path) {
            // A KEYS with a problem (a damaged block) is said as the build would say it.
            Ok(bytes) => pgp::parse_keys(&bytes, keys_path).map_err(|p| anyhow::anyhow!("{p}\nnothing was signed"))?,
            Err(_) => Vec::new(),
        };
        let copy = certs.iter().find(|c| c.keys().any(|k| own.contains(&k.key().fingerprint().to_hex())));
        match copy.map(pgp::not_usable_now) {
            Some(None) => mine.push(keys_path.clone()),
            // Its copy in KEYS expired or revoked: what it signs now would not verify.
            Some(Some(why)) => bail!(
                "{}'s copy of key {} {why}: a signature made now would not verify with it; nothing was signed\n    \
                 fix: if the key was extended since, export it again: gpg {}--export {} >> {}",
                keys_path.display(),
                key.fingerprint(),
                crate::util::fs::export_armor(keys_path),
                key.fingerprint(),
                keys_path.display()
            ),
            None => missing.push(keys_path.clone()),
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    if whole && !mine.is_empty() {
        let dirs: Vec<String> = mine
            .iter()
            .filter_map(|k| k.parent())
            .map(|d| crate::util::text::shell_file(&d.display().to_string()))
            .collect();
        let others = missing.iter().filter_map(|k| k.strip_prefix(&tree.root).ok()?.iter().next()?.to_str());
        let others: BTreeSet<&str> = others.collect();
        bail!(
            "key {} is in the KEYS of {} but not of {}, which have unsigned files too: nothing was signed\n    fix: \
             sign your own releases: closer sign --key YOUR-SECRET-KEY.asc {} (or one release's directory)",
            key.fingerprint(),
            mine.iter().map(|k| format!("`{}`", k.display())).collect::<Vec<_>>().join(", "),
            others.into_iter().collect::<Vec<_>>().join(", "),
            dirs.join(" ")
        );
    }
    let fpr = key.fingerprint();
    // A binary keyring (GNU's `gnu-keyring.gpg`) takes a binary export.
    let fixes: Vec<String> = missing
        .iter()
        .map(|k| format!("    gpg {}--export {fpr} >> {}", crate::util::fs::export_armor(k), k.display()))
        .collect();
    bail!(
        "key {fpr} is not in the KEYS of {}: downloaders could not verify what it signs; nothing was signed\n    fix:\n{}",
        missing.iter().map(|k| format!("`{}`", k.display())).collect::<Vec<_>>().join(", "),
        fixes.join("\n")
    )
}

/// Writes each signature into a hidden temporary file beside its `.asc` (or `.sig`);
/// returns the (temporary, final) pairs. On a failure, removes those written and
/// returns the first error.
fn write_temporaries(signed: Vec<(PathBuf, &str, Vec<u8>)>) -> Result<Vec<(PathBuf, PathBuf)>> {
    let mut pairs = Vec::new();
    let mut first_error = None;
    for (path, ext, sig) in signed {
        let mut asc = path.into_os_string();
        asc.push(format!(".{ext}"));
        let asc = PathBuf::from(asc);
        let tmp = crate::util::fs::sibling(&asc, "sig");
        match std::fs::File::create(&tmp).and_then(|mut t| t.write_all(&sig)) {
            Ok(()) => pairs.push((tmp, asc)),
            Err(e) => {
                first_error.get_or_insert(anyhow::Error::new(e).context(format!("cannot write `{}`", tmp.display())));
            }
        }
    }
    if let Some(e) = first_error {
        for (tmp, _) in &pairs {
            let _ = std::fs::remove_file(tmp);
        }
        return Err(e);
    }
    Ok(pairs)
}
