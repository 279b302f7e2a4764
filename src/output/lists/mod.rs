//! closer's own files in the release tree, the only ones it writes there: the mirror
//! lists (and their signatures with a site key), the `since` stamps, and the stamp
//! `zzz/time.txt`, written last. What a build will write is decided first
//! ([`prepare_lists`]), so the pages can carry the stamp; it is written at the end
//! ([`commit_lists`]), each file replaced atomically.

mod filelist;
mod index;
mod pieces;
mod select;
mod stream;

pub use filelist::{ListEntry, filelist, parse_filelist};
pub use index::IndexInputs;
pub use select::{MirrorList, full_list_path, lists_fingerprint, mirror_list_path};

use crate::check::pgp::SigningKey;
use crate::input::registry::Registry;
use crate::model::since::Since;
use crate::model::stamp;
use crate::model::tree::Tree;
use crate::plan::Plan;
use anyhow::{Context, Result};
use std::path::Path;

/// What writing the mirror lists did.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListsWritten {
    /// Lists that changed (and were written).
    pub changed: usize,
    /// Lists made (the others were kept: made from the same inputs as the ones on disk).
    pub made: usize,
    /// The stamp in `zzz/time.txt` after the build.
    pub stamp: i64,
}

/// The mirror lists a build is about to write, decided before anything is written, so
/// the site can be rendered with the stamp the lists will carry.
#[derive(Debug, Default)]
pub struct PreparedLists {
    fingerprint: [u8; 32],
    signer: String,
    /// Every list closer writes, made or kept (empty when nothing changed).
    lists: Vec<MirrorList>,
    /// The SHA-512 of each list's text (a kept one's as remembered).
    hashes: Vec<[u8; 64]>,
    /// Indices into `lists` of the files that differ from those on disk.
    changed: Vec<usize>,
    /// Lists on disk that closer no longer makes.
    obsolete: Vec<std::path::PathBuf>,
    /// The stamp in `zzz/time.txt` now, if any.
    old_stamp: Option<i64>,
    /// The stamp after the build: the old one when no list changes.
    pub stamp: i64,
    /// The inputs are those of the last build and its files are untouched.
    unchanged: bool,
    /// The signed index to write, when it changes.
    index: Option<String>,
    /// Where the made lists wait to be written (`stream::Made`).
    aside: Option<std::path::PathBuf>,
}

/// What deciding the lists reads besides the tree.
pub struct ListsContext<'a> {
    /// Where closer remembers what it wrote (`.closer-cache/lists`).
    pub state: &'a Path,
    /// The fingerprint of every input of the lists.
    pub fingerprint: [u8; 32],
    pub now: i64,
    /// The site key and what the signed index needs; `None` without a site key.
    pub index: Option<IndexInputs<'a>>,
    /// For `check` and `serve`, which write no lists: only read the stamp.
    pub dry: bool,
}

/// Decides what [`commit_lists`] will write, reading but never writing: the mirror lists
/// of `tree` (made only when their inputs changed), the signed index, and the stamp,
/// which moves to `now` (or one past the old stamp) only when a list changes.
pub fn prepare_lists(registry: &Registry, tree: &Tree, plan: &Plan, cx: &ListsContext) -> Result<PreparedLists> {
    let root = tree.root.as_path();
    let (fingerprint, now, state) = (cx.fingerprint, cx.now, cx.state);
    let key = cx.index.as_ref().map(|i| i.key);
    let signer = key.map(|k| k.fingerprint()).unwrap_or_default();
    // A build killed while writing the lists left `zzz/pending`: the lists on disk may
    // be new while the stamp is old, so the stamp must move even if no list differs.
    let pending = root.join(PENDING).exists();
    if let Some(stamp) = unchanged_lists(root, state, &fingerprint, &signer).filter(|_| !pending)
        && (cx.dry || cx.index.as_ref().is_none_or(|i| !index::due(root, i)))
    {
        return Ok(PreparedLists {
            fingerprint,
            signer,
            stamp,
            old_stamp: Some(stamp),
            unchanged: true,
            ..Default::default()
        });
    }
    if cx.dry {
        // Nothing will be written; the inputs changed, so assume the lists do: new files
        // then get a stamp no mirror has yet, as they will when the lists are written.
        let old = stamp::read(root)?;
        let stamp = old.map_or(now, |t| now.max(t + 1));
        return Ok(PreparedLists { fingerprint, signer, stamp, old_stamp: old, unchanged: true, ..Default::default() });
    }
    // A list made from the same inputs as the one on disk, which nobody touched since,
    // with its signature when there is a key, is kept: not made, not compared.
    let remembered = Remembered::load(root, state).filter(|r| r.signer == signer).filter(|_| !pending);
    let keep = |rel: &str, inputs: &[u8; 32]| {
        remembered.as_ref().is_some_and(|r| r.kept(root, rel, inputs, key.is_some()).is_some())
    };
    let aside = state.with_file_name("lists-made");
    crate::util::fs::remove_dir_all(&aside)?;
    crate::util::fs::create_dir_all(&aside)?;
    let lists = select::mirror_lists(registry, tree, plan, &fingerprint, &keep, &aside)?;
    let (hashes, changed) = compare(root, &lists, remembered.as_ref(), key.is_some())?;
    // Lists of mirrors that are gone, or of an old module name.
    let ours: std::collections::HashSet<&str> = lists.iter().map(|l| l.rel.as_str()).collect();
    let mut obsolete = Vec::new();
    for dir in ["", "zzz/lists"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let base = name.strip_suffix(".asc").unwrap_or(&name);
            let rel = if dir.is_empty() { base.to_string() } else { format!("{dir}/{base}") };
            if base.starts_with("fullfiletimelist-") && !ours.contains(rel.as_str()) {
                obsolete.push(e.path());
            }
        }
    }
    obsolete.sort();
    let old_stamp = stamp::read(root)?;
    let stamp = match old_stamp {
        Some(t) if changed.is_empty() && obsolete.is_empty() && !pending => t,
        Some(t) => now.max(t + 1),
        None => now,
    };
    let named: Vec<(String, String)> =
        lists.iter().zip(&hashes).map(|(l, h)| (l.rel.clone(), crate::util::text::hex(h))).collect();
    let index = cx.index.as_ref().and_then(|i| index::decide(root, i, stamp, named));
    Ok(PreparedLists {
        fingerprint,
        signer,
        lists,
        hashes,
        changed,
        obsolete,
        old_stamp,
        stamp,
        unchanged: false,
        index,
        aside: Some(aside),
    })
}

/// Each list's SHA-512 (a kept one's as remembered), and the indices of the made lists
/// that differ from the files on disk (or lack a signature, when `signed`). A shared
/// text is hashed once; a file this build's predecessor wrote and nobody touched is
/// compared by its remembered SHA-512, without reading it.
fn compare(
    root: &Path,
    lists: &[MirrorList],
    remembered: Option<&Remembered>,
    signed: bool,
) -> Result<(Vec<[u8; 64]>, Vec<usize>)> {
    let mut changed = Vec::new();
    let mut hashes = Vec::with_capacity(lists.len());
    for (i, l) in lists.iter().enumerate() {
        let Some(t) = &l.text else {
            hashes.push(remembered.and_then(|r| r.kept(root, &l.rel, &l.inputs, signed)).unwrap_or([0; 64]));
            continue;
        };
        let hash = t.sha512;
        hashes.push(hash);
        let same = match remembered.and_then(|r| r.lists.get(&l.rel).filter(|_| r.untouched(root, &l.rel))) {
            Some((_, was)) => *was == hash,
            None => file_sha512(&root.join(&l.rel))?.is_some_and(|old| old == (t.len, hash)),
        };
        if !(same && (!signed || root.join(format!("{}.asc", l.rel)).exists())) {
            changed.push(i);
        }
    }
    Ok((hashes, changed))
}

/// The size and SHA-512 of the file at `path`, read as a stream; `None` when there is
/// no such file.
fn file_sha512(path: &Path) -> Result<Option<(u64, [u8; 64])>> {
    let mut h = crate::util::sha::Sha512::new();
    match crate::util::fs::read_chunks(path, &mut |chunk| h.update(chunk)) {
        Ok(len) => Ok(Some((len, h.finish()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read `{}`", path.display())),
    }
}

/// Writes closer's own files into the release tree: the mirror lists (and their
/// signatures, with a site key), the `since` stamps, the signed index, then
/// `zzz/time.txt` last. Each file
/// is replaced atomically; lists closer no longer makes are removed. Nothing else in the
/// tree is touched.
pub fn commit_lists(
    root: &Path,
    state: &Path,
    prepared: PreparedLists,
    since: &Since,
    host: &str,
    key: Option<&SigningKey>,
) -> Result<ListsWritten> {
    // What a killed build left half-written (never seen by a mirror: it was not renamed).
    for dir in ["", "zzz", "zzz/lists"] {
        crate::util::fs::remove_leftovers(&root.join(dir), None);
    }
    crate::util::fault::point("since");
    since.write_if_changed(root)?;
    if prepared.unchanged {
        return Ok(ListsWritten { changed: 0, made: 0, stamp: prepared.stamp });
    }
    let pending = root.join(PENDING);
    let moves = prepared.old_stamp != Some(prepared.stamp);
    if moves {
        crate::util::fs::write_atomic(
            &pending,
            b"closer is writing the mirror lists; the next build moves the stamp\n",
        )?;
    }
    write_changed(root, &prepared, key)?;
    for path in &prepared.obsolete {
        std::fs::remove_file(path).with_context(|| format!("cannot remove `{}`", path.display()))?;
    }
    match (key, &prepared.index) {
        (Some(k), Some(text)) => {
            crate::util::fault::point("index");
            index::write(root, k, text)?
        }
        (Some(_), None) => {}
        (None, _) => index::remove(root)?,
    }
    crate::util::fault::point("stamp");
    if prepared.old_stamp != Some(prepared.stamp) {
        crate::util::fs::write_atomic(&root.join(stamp::PATH), stamp::format(prepared.stamp, host).as_bytes())?;
    }
    if moves {
        std::fs::remove_file(&pending).with_context(|| format!("cannot remove `{}`", pending.display()))?;
    }
    remember_lists(root, state, &prepared)?;
    if let Some(aside) = &prepared.aside {
        crate::util::fs::remove_dir_all(aside)?;
    }
    Ok(ListsWritten {
        changed: prepared.changed.len() + prepared.obsolete.len(),
        made: prepared.lists.iter().filter(|l| l.text.is_some()).count(),
        stamp: prepared.stamp,
    })
}

/// Writes the lists that changed, with their signatures; a text several mirrors share
/// is written and signed once and linked for the others, and distinct texts are
/// written in parallel.
fn write_changed(root: &Path, prepared: &PreparedLists, key: Option<&SigningKey>) -> Result<()> {
    use rayon::prelude::*;
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: std::collections::HashMap<*const stream::Made, usize> = std::collections::HashMap::new();
    for &i in &prepared.changed {
        let Some(text) = &prepared.lists[i].text else { continue };
        let g = *group_of.entry(std::sync::Arc::as_ptr(text)).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    groups.par_iter().try_for_each(|group| -> Result<()> {
        let Some(made) = prepared.lists[group[0]].text.as_deref() else { return Ok(()) };
        let signature = match key {
            Some(k) => {
                let mut f = std::fs::File::open(&made.path)
                    .with_context(|| format!("cannot read `{}`", made.path.display()))?;
                Some(k.sign_detached(&mut f)?)
            }
            None => None,
        };
        let first = root.join(&prepared.lists[group[0]].rel);
        for &i in group {
            let rel = &prepared.lists[i].rel;
            let (path, asc) = (root.join(rel), root.join(format!("{rel}.asc")));
            crate::util::fault::point("list");
            if i == group[0] {
                crate::util::fs::move_atomic(&made.path, &path)?;
            } else {
                crate::util::fs::link_atomic(&first, &path)?;
            }
            crate::util::fault::point("list");
            match &signature {
                Some(s) => crate::util::fs::write_atomic(&asc, s)?,
                None => {
                    let _ = std::fs::remove_file(&asc);
                }
            }
        }
        Ok(())
    })
}

const LISTS_STATE: &str = "lists v3";
/// Written before the lists and removed after the stamp: a build killed in between left
/// lists the stamp does not cover.
const PENDING: &str = "zzz/pending";

/// The metadata of a file closer wrote, to notice if anyone touched it since.
fn file_id(path: &Path) -> Option<[u64; 3]> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::symlink_metadata(path).ok()?;
    Some([m.len(), m.ino(), (m.mtime() as u64) ^ ((m.mtime_nsec() as u64) << 32)])
}

/// The files of the lists, their signatures and the stamp, as written.
fn list_files(lists: &[String]) -> Vec<String> {
    let mut v: Vec<String> = lists.iter().flat_map(|l| [l.clone(), format!("{l}.asc")]).collect();
    v.extend([stamp::PATH.into(), crate::model::index::PATH.into(), crate::model::index::SIGNATURE.into()]);
    v
}

fn remember_lists(root: &Path, state: &Path, prepared: &PreparedLists) -> Result<()> {
    let mut w = crate::check::cache::Writer::default();
    w.raw(&prepared.fingerprint);
    w.bytes(prepared.signer.as_bytes());
    let names = list_files(&prepared.lists.iter().map(|l| l.rel.clone()).collect::<Vec<_>>());
    w.u64(names.len() as u64);
    for n in &names {
        w.bytes(n.as_bytes());
        match file_id(&root.join(n)) {
            Some(id) => {
                w.u64(1);
                id.iter().for_each(|x| w.u64(*x));
            }
            None => w.u64(0),
        }
    }
    w.u64(prepared.lists.len() as u64);
    for (l, h) in prepared.lists.iter().zip(&prepared.hashes) {
        w.bytes(l.rel.as_bytes());
        w.raw(&l.inputs);
        w.raw(h);
    }
    crate::check::cache::store(state, LISTS_STATE, root, w)
}

/// What the last build wrote: the inputs' fingerprint, the signer, the metadata of each
/// file as it left it, and each list's own inputs and SHA-512.
struct Remembered {
    fingerprint: [u8; 32],
    signer: String,
    files: std::collections::HashMap<String, Option<[u64; 3]>>,
    lists: std::collections::HashMap<String, ([u8; 32], [u8; 64])>,
}

impl Remembered {
    fn load(root: &Path, state: &Path) -> Option<Remembered> {
        let body = crate::check::cache::load(state, LISTS_STATE, root)?;
        let mut r = crate::check::cache::reader(&body);
        let fingerprint = r.raw(32)?.try_into().ok()?;
        let signer = r.str()?.to_string();
        let mut files = std::collections::HashMap::new();
        for _ in 0..r.u64()? {
            let name = r.str()?.to_string();
            let id = match r.u64()? {
                0 => None,
                _ => Some([r.u64()?, r.u64()?, r.u64()?]),
            };
            files.insert(name, id);
        }
        let mut lists = std::collections::HashMap::new();
        for _ in 0..r.u64()? {
            let rel = r.str()?.to_string();
            let inputs = r.raw(32)?.try_into().ok()?;
            let hash = r.raw(64)?.try_into().ok()?;
            lists.insert(rel, (inputs, hash));
        }
        r.is_empty().then_some(Remembered { fingerprint, signer, files, lists })
    }

    /// The file at `rel` is as this build left it (and exists).
    fn untouched(&self, root: &Path, rel: &str) -> bool {
        self.files.get(rel).is_some_and(|id| id.is_some() && file_id(&root.join(rel)) == *id)
    }

    /// The SHA-512 of the list at `rel`, when it was made from `inputs` and it (and its
    /// signature, `signed`) are as this build left them.
    fn kept(&self, root: &Path, rel: &str, inputs: &[u8; 32], signed: bool) -> Option<[u8; 64]> {
        let (was, hash) = self.lists.get(rel)?;
        let ok = was == inputs && self.untouched(root, rel) && (!signed || self.untouched(root, &format!("{rel}.asc")));
        ok.then_some(*hash)
    }
}

/// The stamp, if the lists on disk are exactly those the last build wrote from the same
/// inputs (same fingerprint, same site key, every file as it was left).
fn unchanged_lists(root: &Path, state: &Path, fp: &[u8; 32], signer: &str) -> Option<i64> {
    let r = Remembered::load(root, state)?;
    if &r.fingerprint != fp || r.signer != signer {
        return None;
    }
    if r.files.iter().any(|(name, want)| file_id(&root.join(name)) != *want) {
        return None;
    }
    stamp::read(root).ok().flatten()
}
