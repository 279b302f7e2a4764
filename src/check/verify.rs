//! The signature stage: every artifact's `.asc` is checked against its project's KEYS,
//! in parallel, and the outcome is stored on the artifact as data. Whether an outcome
//! stops the build is the plan's decision, not this stage's. Results are cached like
//! digests: an unchanged artifact with an unchanged `.asc` and unchanged KEYS is not
//! checked again.

use super::cache_journal::{self, Base, Served};
use super::{cache, cache_stream, decompress, pgp};
use crate::model::digests::{HashState, HashStates};
use crate::model::signature::{Check, Outcome};
use crate::model::tree::{Artifact, Codec, FileRef, Project, Release, Stat, Tree};
use crate::util::problem::Problems;
use crate::util::sha::{Sha256, Sha512};
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

const CACHE_KIND: &str = "signatures v4";

/// What the verify stage did.
#[derive(Debug, Default, Clone, Copy)]
pub struct VerifyStats {
    pub checked: u64,
    pub cached: u64,
    /// Sigstore bundles (and pairs) verified in this run, not from the cache.
    pub sigstore_checked: u64,
    /// minisign signatures verified in this run, not from the cache.
    pub minisign_checked: u64,
}

/// The key of a cached check: everything whose change must trigger a new check.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    artifact: Stat,
    asc: Stat,
    keys: [u8; 32],
}

/// An optional string of the cache, one shared copy per distinct value (one key signs
/// most files of a tree: half a million copies of its fingerprint would be 40 MB).
fn opt_str(r: &mut cache::Reader, seen: &mut Vec<std::sync::Arc<str>>) -> Option<Option<std::sync::Arc<str>>> {
    let s = r.str()?;
    if s.is_empty() {
        return Some(None);
    }
    if let Some(known) = seen.iter().find(|k| &***k == s) {
        return Some(Some(known.clone()));
    }
    let new: std::sync::Arc<str> = s.into();
    // A few signers per tree; a tree of many is still read, just without sharing.
    if seen.len() < 64 {
        seen.push(new.clone());
    }
    Some(Some(new))
}

/// The cache: hashes of KEYS files that parsed cleanly, then one entry per signed
/// artifact in the tree's artifact order (an unchanged tree matches entry by entry).
/// The key and check of one record, read after its path.
fn read_record(r: &mut cache::Reader, seen: &mut Vec<std::sync::Arc<str>>) -> Option<(Key, Check)> {
    let key = Key { artifact: r.stat()?, asc: r.stat()?, keys: r.raw(32)?.try_into().ok()? };
    let outcome = Outcome::parse(r.str()?)?;
    let fingerprint = opt_str(r, seen)?;
    let user_id = opt_str(r, seen)?;
    let signed_at = match r.u64()? {
        0 => None,
        _ => Some(r.i64()?),
    };
    let detail: Box<str> = r.str()?.into();
    Some((key, Check { outcome, fingerprint, user_id, signed_at, detail }))
}

/// The cache key of an artifact with a signature file: its stat, the signature's, and
/// the hash of the KEYS it is checked against.
fn key_of(p: &Project, r: &Release, a: &Artifact, keys: &HashMap<String, Keys>) -> Option<Key> {
    let asc = r.signature_file(a)?;
    Some(Key { artifact: a.file.stat, asc: asc.stat, keys: keys[p.keys_id(r).as_ref()].hash })
}

/// The records of `entries`: each artifact's key and its check's outcome.
fn records(entries: &[(&str, Key, &Check)]) -> cache::Writer {
    let mut w = cache::Writer::with_capacity(entries.iter().map(|(rel, _, c)| rel.len() + c.detail.len() + 300).sum());
    w.u64(entries.len() as u64);
    for (rel, key, check) in entries {
        w.bytes(rel.as_bytes());
        w.stat(&key.artifact);
        w.stat(&key.asc);
        w.raw(&key.keys);
        w.bytes(check.outcome.as_str().as_bytes());
        w.bytes(check.fingerprint.as_deref().unwrap_or("").as_bytes());
        w.bytes(check.user_id.as_deref().unwrap_or("").as_bytes());
        match check.signed_at {
            None => w.u64(0),
            Some(t) => {
                w.u64(1);
                w.i64(t);
            }
        }
        w.bytes(check.detail.as_bytes());
    }
    w
}

/// Stores the outcomes: those the base did not serve as a journal beside it (with the
/// same clean KEYS), while that stays small, else the whole cache with `good_keys`.
fn store_cache(
    writes: &mut cache::CacheWrites,
    path: &Path,
    tree: &Tree,
    keys: &HashMap<String, Keys>,
    good_keys: &[[u8; 32]],
    base: Option<(&Base, &[bool])>,
) {
    let entries =
        || tree.artifacts().map(|(p, r, a)| Some((a.file.rel.as_ref(), key_of(p, r, a, keys)?, a.signature.as_ref()?)));
    let served = base.map_or(&[][..], |(_, s)| s);
    let new = || records(&entries().zip(served).filter(|(_, s)| !**s).filter_map(|(e, _)| e).collect::<Vec<_>>());
    let whole = || {
        let mut w = cache::Writer::default();
        w.u64(good_keys.len() as u64);
        for k in good_keys {
            w.raw(k);
        }
        w.raw(&records(&entries().flatten().collect::<Vec<_>>()).into_bytes());
        w
    };
    cache_journal::store_added(writes, (path, CACHE_KIND, &tree.root), base.map(|(b, _)| b), new, whole);
}

/// A project's KEYS: the hash of its bytes, and its certificates once parsed.
struct Keys {
    path: Option<std::path::PathBuf>,
    bytes: std::sync::Arc<[u8]>,
    hash: [u8; 32],
    certs: Vec<sequoia_openpgp::Cert>,
}

/// `CLOSER_VERIFY_STREAM=1` forces every check through sequoia's streaming verifier
/// (the tests compare both paths).
fn stream_only() -> bool {
    std::env::var_os("CLOSER_VERIFY_STREAM").is_some()
}

/// Checks every artifact's signature and stores the outcome on it. KEYS files that
/// cannot be read are problems; outcomes are not.
pub fn verify(
    mut tree: Tree,
    states: &HashStates,
    cache_path: Option<&Path>,
    writes: &mut cache::CacheWrites,
) -> Result<(Tree, Problems, VerifyStats)> {
    let mut problems = Problems::default();
    let mut stats = VerifyStats::default();
    super::signed_lists::promote_clearsigned(&mut tree)?;
    let mut keys = read_keys(&mut tree)?;
    let stream = cache_path.filter(|p| p.exists()).and_then(|p| cache_stream::open(p, CACHE_KIND, &tree.root));
    let had_cache = stream.is_some();
    let journal = match (&stream, cache_path) {
        (Some(s), Some(p)) => cache_journal::open(p, CACHE_KIND, &tree.root, &s.seal),
        _ => None,
    };
    let (todo, cached_keys, base) = from_cache(&mut tree, &keys, (stream, journal), &mut stats);
    // Signed checksum lists are checked on every run, against parsed keys.
    let mut with_lists: Vec<String> = Vec::new();
    for p in tree.projects.values() {
        with_lists.extend((!p.signed_lists.is_empty()).then(|| p.name.clone()));
        with_lists.extend(p.releases.iter().filter(|r| !r.signed_lists.is_empty()).map(|r| p.keys_id(r).into_owned()));
        // And the keys of releases with more signatures of a file (`extra_signatures`).
        let extra =
            |r: &&crate::model::tree::Release| r.other.iter().any(|f| super::extra_signatures::signed(r, f).is_some());
        with_lists.extend(p.releases.iter().filter(extra).map(|r| p.keys_id(r).into_owned()));
    }
    let with_lists: Vec<&str> = with_lists.iter().map(String::as_str).collect();
    let good_keys = parse_needed_keys(&mut keys, &todo, &with_lists, &cached_keys, &mut problems);
    let keys_changed = {
        let mut old = cached_keys;
        old.sort_unstable();
        old != good_keys
    };

    let changed = !todo.is_empty();
    let checked = check_all(&tree.root, todo, &keys, states);
    let mut arts: Vec<&mut Artifact> = tree.artifacts_mut().collect();
    for c in checked {
        let (i, check) = match c {
            Ok(done) => done,
            // A file the build may not read is its project's problem (the digest stage's).
            Err(e) if super::digest::denied(&e) => continue,
            Err(e) => return Err(e),
        };
        stats.checked += 1;
        arts[i].signature = Some(check);
    }
    arts.into_iter().filter(|a| a.signature.is_none()).for_each(|a| a.signature = Some(Check::missing()));
    let certs_of = |name: &str| keys.get(name).map(|k| k.certs.clone()).unwrap_or_default();
    // (The uncompressed digests a list asks for are kept beside the signatures' cache.)
    let memo = cache_path.map(|p| p.with_file_name("uncompressed"));
    super::signed_lists::check_all(&mut tree, &certs_of, memo.as_deref())?;
    super::extra_signatures::check(&tree, &certs_of, &mut problems);
    super::release_keys::check(&tree, &mut problems);
    if let Some(path) = cache_path
        && (changed || keys_changed || !had_cache)
    {
        // New KEYS make the cache's list of clean ones change: written whole.
        let base = base.as_ref().filter(|_| !keys_changed).map(|(b, served)| (b, served.as_slice()));
        store_cache(writes, path, &tree, &keys, &good_keys, base);
    }
    Ok((tree, problems, stats))
}

/// Every project's KEYS, read and hashed on all cores (parsed only when needed, in
/// [`parse_needed_keys`]). The bytes go on the project too, so that the site publishes
/// the very file the signatures were checked against.
fn read_keys(tree: &mut Tree) -> Result<HashMap<String, Keys>> {
    // Each project's KEYS (by project), and its lines' own (by `project/line`).
    type KeysFiles<'a> = (String, Option<&'a FileRef>, Vec<&'a FileRef>);
    let files: Vec<KeysFiles> = tree
        .projects
        .values()
        .flat_map(|p| {
            let lines = p.line_keys.iter().map(|(l, k)| (format!("{}/{l}", p.name), Some(k), Vec::new()));
            // A project whose every release has its line's KEYS needs none of its own.
            let needs_own = p.keys.is_some() || p.releases.iter().any(|r| p.keys_id(r) == p.name);
            needs_own.then(|| (p.name.clone(), p.keys.as_ref(), sibling_keys(p))).into_iter().chain(lines)
        })
        .collect();
    let read: Vec<(String, Option<Keys>)> = files
        .par_iter()
        .map(|(id, k, siblings)| {
            let Some(k) = k else { return Ok((id.clone(), None)) };
            let path = tree.root.join(&*k.rel);
            let mut bytes = crate::util::fs::read(&path)?;
            // Other armored keys files beside it (nginx's `keys/pluknet.key` beside
            // `mdounin.key`): one keyring, published as one KEYS.
            let armored = |b: &[u8]| b.trim_ascii_start().starts_with(b"-----BEGIN PGP PUBLIC KEY BLOCK-----");
            if armored(&bytes) {
                for s in siblings {
                    let more = crate::util::fs::read(&tree.root.join(&*s.rel))?;
                    if armored(&more) {
                        bytes.extend_from_slice(if bytes.ends_with(b"\n") { b"" } else { b"\n" });
                        bytes.extend_from_slice(&more);
                    }
                }
            }
            let bytes: std::sync::Arc<[u8]> = bytes.into();
            let hash = Sha256::with_prefix(&bytes).finish();
            Ok((id.clone(), Some(Keys { path: Some(path), bytes, hash, certs: Vec::new() })))
        })
        .collect::<Result<_>>()?;
    let mut keys = HashMap::new();
    for (name, k) in read {
        // A missing KEYS is reported once, with the signers' fingerprints, where the
        // signatures are judged (`plan::checks`).
        let k =
            k.unwrap_or_else(|| Keys { path: None, bytes: std::sync::Arc::from([]), hash: [0; 32], certs: Vec::new() });
        if let Some(p) = tree.projects.get_mut(&name)
            && k.path.is_some()
        {
            p.keys_bytes = Some(k.bytes.clone());
        }
        keys.insert(name, k);
    }
    Ok(keys)
}

/// The project's other keys files in its KEYS's folder (carried as notes), by name.
fn sibling_keys(p: &crate::model::tree::Project) -> Vec<&FileRef> {
    let Some(keys) = &p.keys else { return Vec::new() };
    let folder = |rel: &str| rel.rsplit_once('/').map(|(d, _)| d.to_string());
    let dir = folder(&keys.rel);
    let base = |rel: &str| rel.rsplit('/').next().unwrap_or(rel).to_string();
    // Those named for keys, and armoured ones that may be keys by content (`ThomasV.asc`
    // beside `sombernight_releasekey.asc`): [`read_keys`] takes only what is armoured keys.
    let keys_named = |f: &FileRef| {
        let n = base(&f.rel);
        crate::input::tree::is_keys(&n)
            || (n.ends_with(".asc") && f.stat.size <= 1 << 20 && crate::input::tree::may_hold_keys(&n))
    };
    let mut v: Vec<&FileRef> = p.notes.iter().filter(|n| folder(&n.rel) == dir && keys_named(n)).collect();
    v.sort_by(|a, b| a.rel.cmp(&b.rel));
    v
}

/// A signature to check.
struct Todo {
    /// The artifact's position in the tree.
    i: usize,
    project: String,
    rel: String,
    signature: String,
    /// Set when the signature is over the uncompressed content.
    codec: Option<Codec>,
}

/// The artifacts of a tree, each by its place (project, release, artifact), in the
/// order of [`Tree::artifacts`], over the projects borrowed mutably: the cache's checks
/// go straight onto the artifacts (a copy of half a million of them beside the tree was
/// 40 MB at the stage's peak).
struct Arts<'t> {
    projects: Vec<&'t mut Project>,
    places: Vec<(u32, u32, u32)>,
}

impl<'t> Arts<'t> {
    fn of(tree: &'t mut Tree) -> Arts<'t> {
        let projects: Vec<&mut Project> = tree.projects.values_mut().collect();
        let mut places = Vec::new();
        for (pi, p) in projects.iter().enumerate() {
            for (ri, r) in p.releases.iter().enumerate() {
                places.extend((0..r.artifacts.len()).map(|ai| (pi as u32, ri as u32, ai as u32)));
            }
        }
        Arts { projects, places }
    }

    fn len(&self) -> usize {
        self.places.len()
    }

    fn get(&self, i: usize) -> (&Project, &Release, &Artifact) {
        let (pi, ri, ai) = self.places[i];
        let p = &*self.projects[pi as usize];
        let r = &p.releases[ri as usize];
        (p, r, &r.artifacts[ai as usize])
    }

    fn get_mut(&mut self, i: usize) -> &mut Artifact {
        let (pi, ri, ai) = self.places[i];
        &mut self.projects[pi as usize].releases[ri as usize].artifacts[ai as usize]
    }
}

/// Takes the outcomes of unchanged signatures from the cache, read as a stream (its
/// records in the tree's order: the next artifact is tried first, then the artifacts
/// sorted by path), onto the artifacts; returns what needs a real check and the KEYS
/// the cache saw parse cleanly. A corrupt cache gives nothing.
fn from_cache(
    tree: &mut Tree,
    keys: &HashMap<String, Keys>,
    (stream, journal): (Option<cache_stream::Stream>, Option<cache_stream::Stream>),
    stats: &mut VerifyStats,
) -> (Vec<Todo>, Vec<[u8; 32]>, Option<Served>) {
    let mut arts = Arts::of(tree);
    (0..arts.len()).for_each(|i| arts.get_mut(i).signature = None);
    let read = stream.and_then(|mut s| {
        let good = read_good_keys(&mut s)?;
        let (records, used) = read_cached(&mut s, &mut arts, keys)?;
        s.finished().then_some((good, Base { seal: s.seal, len: s.len, records, unused: records - used }))
    });
    let (good_keys, base) = match read {
        Some((good, base)) => (good, Some(base)),
        None => {
            (0..arts.len()).for_each(|i| arts.get_mut(i).signature = None);
            (Vec::new(), None)
        }
    };
    let base = base.map(|b| (b, (0..arts.len()).map(|i| arts.get(i).2.signature.is_some()).collect::<Vec<bool>>()));
    if let (Some((_, served)), Some(mut j)) = (&base, journal)
        && read_cached(&mut j, &mut arts, keys).filter(|_| j.finished()).is_none()
    {
        // A corrupt journal: what it gave is checked again.
        (0..arts.len()).filter(|&i| !served[i]).for_each(|i| arts.get_mut(i).signature = None);
    }
    let mut todo = Vec::new();
    for i in 0..arts.len() {
        let (p, r, a) = arts.get(i);
        if a.signature.is_some() {
            stats.cached += 1;
            continue;
        }
        let (Some(asc), Some(_)) = (r.signature_file(a), key_of(p, r, a, keys)) else { continue };
        todo.push(Todo {
            i,
            project: p.keys_id(r).into_owned(),
            rel: a.file.rel.to_string(),
            signature: asc.rel.to_string(),
            codec: a.asc.is_none().then(|| a.signed_uncompressed().map(|u| u.codec)).flatten(),
        });
    }
    (todo, good_keys, base)
}

/// The KEYS a cache saw parse cleanly, at the head of its base.
fn read_good_keys(s: &mut cache_stream::Stream) -> Option<Vec<[u8; 32]>> {
    let mut good_keys = Vec::new();
    for _ in 0..s.next(|r| r.u64())? {
        good_keys.push(s.next(|r| r.raw(32)?.try_into().ok())?);
    }
    Some(good_keys)
}

/// Reads the records (of a cache's base or journal) onto the artifacts, each one whose
/// key is its artifact's now; returns how many there were and how many an artifact
/// took, `None` when a record is corrupt.
fn read_cached(s: &mut cache_stream::Stream, arts: &mut Arts, keys: &HashMap<String, Keys>) -> Option<(u64, u64)> {
    let mut at = cache::Locator::new(arts.len());
    let mut seen = Vec::new();
    let (records, mut used) = (s.next(|r| r.u64())?, 0);
    for _ in 0..records {
        let (places, key, check) = s.next(|r| {
            let places = at.find(r.str()?, |i| &arts.get(i).2.file.rel);
            let (key, check) = read_record(r, &mut seen)?;
            Some((places, key, check))
        })?;
        let mut took = false;
        for k in 0..places.len() {
            let i = at.file(places, k);
            let (p, r, a) = arts.get(i);
            if key_of(p, r, a, keys).is_some_and(|k| k == key) {
                arts.get_mut(i).signature = Some(check.clone());
                took = true;
            }
        }
        used += u64::from(took);
    }
    Some((records, used))
}

/// Parses a KEYS file when something must be checked against it, or when it has not
/// been seen to parse cleanly before (so its problems are always reported). Returns the
/// hashes of the KEYS files that parse cleanly, sorted.
fn parse_needed_keys(
    keys: &mut HashMap<String, Keys>,
    todo: &[Todo],
    also: &[&str],
    known_good: &[[u8; 32]],
    problems: &mut Problems,
) -> Vec<[u8; 32]> {
    let needed: std::collections::HashSet<&str> =
        todo.iter().map(|t| t.project.as_str()).chain(also.iter().copied()).collect();
    let mut good_keys = Vec::new();
    for (name, k) in keys.iter_mut() {
        let Some(path) = &k.path else { continue };
        if known_good.contains(&k.hash) && !needed.contains(name.as_str()) {
            good_keys.push(k.hash);
            continue;
        }
        match pgp::parse_keys(&k.bytes, path) {
            Ok(certs) => {
                k.certs = certs;
                good_keys.push(k.hash);
            }
            Err(problem) => {
                k.certs = pgp::usable_keys(&k.bytes, path);
                problems.push(problem)
            }
        }
    }
    good_keys.sort_unstable();
    good_keys.dedup();
    good_keys
}

/// Checks the signatures in `todo` on all cores.
fn check_all(
    root: &Path,
    todo: Vec<Todo>,
    keys: &HashMap<String, Keys>,
    states: &HashStates,
) -> Vec<Result<(usize, Check)>> {
    todo.into_par_iter()
        .map(|t: Todo| {
            let sig = crate::util::fs::read(&root.join(&t.signature))?;
            let certs = &keys[&t.project].certs;
            let check = match t.codec {
                Some(codec) => check_uncompressed(root, certs, &sig, &t.rel, codec, states)?,
                // A file hashed in this run is not read again: its hash states are
                // finished with the signature's trailer. Anything unusual takes the
                // streaming path.
                None if stream_only() => pgp::verify_detached(certs, &sig, &root.join(&t.rel))?,
                None => {
                    // A small file kept no states (`digest::STATES_FROM`): read it again.
                    let read;
                    let state = match states.get(&t.rel) {
                        Some(s) => s,
                        None => {
                            read = states_of(&root.join(&t.rel))?;
                            &read
                        }
                    };
                    match pgp::verify_with_state(certs, &sig, state) {
                        Some(c) => c,
                        None => pgp::verify_detached(certs, &sig, &root.join(&t.rel))?,
                    }
                }
            };
            Ok((t.i, check))
        })
        .collect()
}

/// The hash states of the file at `path`, read now (a file the digest stage took from
/// its cache, or one too small to keep states for).
fn states_of(path: &Path) -> Result<HashState> {
    let (mut sha512, mut sha256) = (Sha512::new(), Sha256::new());
    crate::util::fs::read_chunks(path, &mut |chunk| {
        sha512.update(chunk);
        sha256.update(chunk);
    })
    .with_context(|| format!("cannot read `{}`", path.display()))?;
    Ok(HashState { sha512, sha256, uncompressed: None })
}

/// Checks a signature over the uncompressed content of the file at `rel`, from the
/// states the digest stage kept when it read the file in this run, else by reading it
/// uncompressed now. A stream that cannot be uncompressed is a bad signature.
fn check_uncompressed(
    root: &Path,
    certs: &[sequoia_openpgp::Cert],
    sig: &[u8],
    rel: &str,
    codec: Codec,
    states: &HashStates,
) -> Result<Check> {
    let path = root.join(rel);
    let uncompressed = match states.get(rel).and_then(|s| s.uncompressed.clone()) {
        Some(u) => u,
        None => {
            let mut f = std::fs::File::open(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
            decompress::hash_uncompressed(codec, &mut f).with_context(|| format!("cannot read `{}`", path.display()))?
        }
    };
    let state = match uncompressed {
        Ok(s) => s,
        Err(why) => return Ok(Check { outcome: Outcome::Bad, detail: format!("it {why}").into(), ..Check::missing() }),
    };
    if let Some(c) = pgp::verify_with_state(certs, sig, &state).filter(|_| !stream_only()) {
        return Ok(c);
    }
    let file = std::fs::File::open(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let data = decompress::decoder(codec, std::io::BufReader::with_capacity(1 << 16, file))?;
    pgp::verify_detached_reader(certs, sig, data, &path)
}
