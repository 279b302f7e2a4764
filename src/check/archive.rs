//! What source archives hold at their top, for the release rules that look inside
//! (`plan::profile`: one root directory named after the file, LICENSE and NOTICE in
//! it). tar archives are read to their end through the decoders (every member header;
//! member bytes are skipped, not kept), zip archives from their central directory.
//! Only when a profile asks, and cached like the digests: an unchanged archive is not
//! read again.

use super::cache;
use super::swhid::Archive;
use crate::model::archive::Top;
use crate::model::tree::{Codec, Stat, Tree};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::Path;

const CACHE_KIND: &str = "archives v1";

/// At most this many members are read from one archive (a zip bomb of names stops here,
/// and is reported as unreadable).
const MAX_MEMBERS: usize = 1_000_000;

/// Whether closer can look into a file of this name.
pub fn is_archive(name: &str) -> bool {
    Archive::of_name(name).is_some()
}

/// Reads the top of every archive of the tree (from the cache when unchanged) and puts
/// it on the artifact.
pub fn read_all(mut tree: Tree, cache_path: Option<&Path>, writes: &mut cache::CacheWrites) -> Tree {
    let cached =
        cache_path.and_then(|p| cache::load(p, CACHE_KIND, &tree.root)).map(|b| parse_cache(&b)).unwrap_or_default();
    let root = tree.root.clone();
    let mut targets: Vec<&mut crate::model::tree::Artifact> =
        tree.artifacts_mut().filter(|a| is_archive(a.name())).collect();
    targets.par_iter_mut().for_each(|a| {
        a.extra_mut().archive = Some(Box::new(match cached.get(&*a.file.rel) {
            Some((stat, top)) if *stat == a.file.stat => top.clone(),
            _ => read_top(&root.join(&*a.file.rel), a.name()),
        }));
    });
    if let Some(path) = cache_path {
        let mut w = cache::Writer::with_capacity(targets.len() * 200);
        w.u64(targets.len() as u64);
        for a in &targets {
            let top = a.archive().expect("just read");
            w.bytes(a.file.rel.as_bytes());
            w.stat(&a.file.stat);
            for list in [&top.roots, &top.root_files] {
                w.u64(list.len() as u64);
                list.iter().for_each(|s| w.bytes(s.as_bytes()));
            }
            w.bytes(top.unreadable.as_deref().unwrap_or("").as_bytes());
        }
        writes.store(path, CACHE_KIND, &root, w);
    }
    tree
}

fn parse_cache(body: &[u8]) -> HashMap<String, (Stat, Top)> {
    fn read(body: &[u8]) -> Option<HashMap<String, (Stat, Top)>> {
        let mut r = cache::reader(body);
        let mut out = HashMap::new();
        for _ in 0..r.u64()? {
            let rel = r.str()?.to_string();
            let stat = r.stat()?;
            let mut lists = [Vec::new(), Vec::new()];
            for list in &mut lists {
                for _ in 0..r.u64()? {
                    list.push(r.str()?.to_string());
                }
            }
            let [roots, root_files] = lists;
            let unreadable = Some(r.str()?.to_string()).filter(|s| !s.is_empty());
            out.insert(rel, (stat, Top { roots, root_files, unreadable }));
        }
        r.is_empty().then_some(out)
    }
    read(body).unwrap_or_default()
}

/// The top of the archive at `path` (named `name`); what cannot be read is said in it.
pub fn read_top(path: &Path, name: &str) -> Top {
    let names = match Archive::of_name(name) {
        Some(Archive::Zip) => zip_names(path),
        Some(Archive::Tar(codec)) => tar_names(path, codec),
        None => Err((Vec::new(), "it is not a tar or zip archive".to_string())),
    };
    let (names, unreadable) = match names {
        Ok(n) => (n, None),
        Err((n, why)) => (n, Some(why)),
    };
    let mut top = summarize(names.iter().map(|(n, dir)| (n.as_str(), *dir)));
    top.unreadable = unreadable;
    top
}

/// Roots and the files in the single root, from member paths (`dir` for directories).
fn summarize<'a>(names: impl Iterator<Item = (&'a str, bool)>) -> Top {
    let mut roots = BTreeSet::new();
    let mut in_root: Vec<(String, String)> = Vec::new();
    for (name, dir) in names {
        let name = name.trim_start_matches("./");
        let mut parts = name.split('/').filter(|p| !p.is_empty());
        let Some(first) = parts.next() else { continue };
        roots.insert(first.to_string());
        if let (Some(second), None) = (parts.next(), parts.next())
            && !dir
        {
            in_root.push((first.to_string(), second.to_string()));
        }
    }
    let single = (roots.len() == 1).then(|| roots.iter().next().cloned()).flatten();
    let mut root_files: Vec<String> =
        in_root.into_iter().filter(|(r, _)| Some(r) == single.as_ref()).map(|(_, f)| f).collect();
    root_files.sort();
    root_files.dedup();
    Top { roots: roots.into_iter().collect(), root_files, unreadable: None }
}

type Names = Vec<(String, bool)>;

fn tar_names(path: &Path, codec: Option<Codec>) -> Result<Names, (Names, String)> {
    let file = std::fs::File::open(path).map_err(|e| (Vec::new(), e.to_string()))?;
    let buffered = std::io::BufReader::with_capacity(1 << 16, file);
    let reader: Box<dyn Read> = match codec {
        Some(codec) => super::decompress::decoder(codec, buffered).map_err(|e| (Vec::new(), e.to_string()))?,
        None => Box::new(buffered),
    };
    let mut archive = tar::Archive::new(reader);
    let mut names = Vec::new();
    let entries = archive.entries().map_err(|e| (Vec::new(), e.to_string()))?;
    for entry in entries {
        if names.len() >= MAX_MEMBERS {
            return Err((names, format!("it has more than {MAX_MEMBERS} members")));
        }
        let entry = match entry {
            Ok(e) => e,
            Err(e) => return Err((names, format!("it cannot be read to its end ({e})"))),
        };
        let kind = entry.header().entry_type();
        if kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        match entry.path() {
            Ok(p) => names.push((p.to_string_lossy().into_owned(), kind.is_dir())),
            Err(e) => return Err((names, format!("a member's name cannot be read ({e})"))),
        }
    }
    Ok(names)
}

fn zip_names(path: &Path) -> Result<Names, (Names, String)> {
    let file = std::fs::File::open(path).map_err(|e| (Vec::new(), e.to_string()))?;
    let archive = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| (Vec::new(), format!("it is not a readable zip ({e})")))?;
    if archive.len() > MAX_MEMBERS {
        return Err((Vec::new(), format!("it has more than {MAX_MEMBERS} members")));
    }
    let mut names = Vec::with_capacity(archive.len());
    for n in archive.file_names() {
        match n {
            Ok(n) => names.push((n.to_string(), n.ends_with('/'))),
            Err(e) => return Err((names, format!("a member's name cannot be read ({e})"))),
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_member_paths() {
        let t = summarize(
            [("a-1.0/", true), ("a-1.0/LICENSE", false), ("./a-1.0/NOTICE", false), ("a-1.0/src/x.c", false)]
                .into_iter(),
        );
        assert_eq!(t.roots, ["a-1.0"]);
        assert_eq!(t.root_files, ["LICENSE", "NOTICE"]);
        let two = summarize([("a/LICENSE", false), ("b/x", false), ("README", false)].into_iter());
        assert_eq!(two.roots, ["README", "a", "b"]);
        assert!(two.root_files.is_empty());
    }

    #[test]
    fn archive_names() {
        assert!(
            is_archive("a-1.0-src.tar.gz") && is_archive("a.tgz") && is_archive("a.zip") && is_archive("a.tar.zst")
        );
        assert!(!is_archive("a.gz") && !is_archive("a.jar") && !is_archive("a.tar.gz.asc"));
    }
}
