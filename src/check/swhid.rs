//! SWHIDs (Software Heritage identifiers, v1.2, ISO/IEC 18670): `swh:1:cnt:<id>` of a
//! file is its git blob hash, and `swh:1:dir:<id>` of a directory its git tree hash, so
//! the directory SWHID of a faithful `git archive` of a tag equals
//! `git rev-parse TAG^{tree}`. Here: the tree of an archive's members, from a tar stream
//! (read once, in the digest stage's read) or a zip, hashed as git hashes trees; and the
//! listing of paths that tells two trees apart when their ids differ.

use sha1::{Digest, Sha1};
use std::collections::BTreeMap;
use std::io::Read;

/// How a source archive is read for its SWHIDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archive {
    /// A tar, compressed or not: read in the same pass as the digests.
    Tar(Option<crate::model::tree::Codec>),
    /// A zip: its central directory is at its end, so it is read again (from the page
    /// cache) after the digests.
    Zip,
}

impl Archive {
    /// How a file of this name is read, if it is a source archive of `project`.
    pub fn of(name: &str, project: &str) -> Option<Archive> {
        crate::util::platform::source_rank(name, project)?;
        Archive::of_name(name)
    }

    /// How a file of this name is read, if it is a tar (compressed or not) or a zip.
    pub fn of_name(name: &str) -> Option<Archive> {
        Archive::split(name).map(|(_, a)| a)
    }

    /// The name without its archive ending (`x-1.0` of `x-1.0.tar.lz`, `.tgz`, `.zip`)
    /// and how it is read, if it is a tar (compressed or not) or a zip.
    pub fn split(name: &str) -> Option<(&str, Archive)> {
        use crate::model::tree::Codec;
        let (stem, ext) = name.rsplit_once('.')?;
        let ext = ext.to_ascii_lowercase();
        match ext.as_str() {
            "zip" => return Some((stem, Archive::Zip)),
            "tar" => return Some((stem, Archive::Tar(None))),
            _ => {}
        }
        if let Some(codec) = Codec::from_tar_ext(&ext) {
            return Some((stem, Archive::Tar(Some(codec))));
        }
        let codec = Codec::from_ext(&ext)?;
        let (tar_stem, tar) = stem.rsplit_once('.')?;
        tar.eq_ignore_ascii_case("tar").then_some((tar_stem, Archive::Tar(Some(codec))))
    }
}

/// A git object id (SHA-1).
pub type Id = [u8; 20];

/// At most this many members are read from one archive.
const MAX_MEMBERS: usize = 1_000_000;

/// The deepest a member may be nested (directories in its path). No source tree comes
/// near it; a crafted archive's 3000-deep path overflowed the stack of every build (the
/// tree is built, hashed and dropped recursively).
const MAX_DEPTH: usize = 512;

/// A member nested deeper than [`MAX_DEPTH`]: why the archive has no tree.
fn too_deep(path: &[u8]) -> Option<String> {
    let depth = path.split(|b| *b == b'/').filter(|p| !p.is_empty() && *p != b".").count();
    (depth > MAX_DEPTH).then(|| format!("a member is nested {depth} directories deep, more than {MAX_DEPTH}"))
}

/// The git mode of a tree entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    File,
    Executable,
    Symlink,
    Dir,
}

impl Mode {
    fn git(self) -> &'static [u8] {
        match self {
            Mode::File => b"100644",
            Mode::Executable => b"100755",
            Mode::Symlink => b"120000",
            Mode::Dir => b"40000",
        }
    }

    /// What it is, with its article: "an executable".
    pub fn name(self) -> &'static str {
        match self {
            Mode::File => "a file",
            Mode::Executable => "an executable",
            Mode::Symlink => "a symlink",
            Mode::Dir => "a directory",
        }
    }
}

/// The git blob id of `bytes`.
pub fn blob_id(bytes: &[u8]) -> Id {
    let mut h = blob_hasher(bytes.len() as u64);
    h.update(bytes);
    h.finalize().into()
}

/// A SHA-1 that has read a blob header for `len` bytes: feed the bytes, then finish.
pub fn blob_hasher(len: u64) -> Sha1 {
    let mut h = Sha1::new();
    h.update(format!("blob {len}\0").as_bytes());
    h
}

#[derive(Debug, Default)]
struct Dir {
    children: BTreeMap<Vec<u8>, Node>,
}

#[derive(Debug)]
enum Node {
    Blob(Mode, Id),
    Dir(Dir),
}

/// The members of an archive, as a tree.
#[derive(Debug, Default)]
pub struct Tree {
    root: Dir,
    members: usize,
}

impl Tree {
    /// The directory that holds `path`'s last component, made as needed; `None` when a
    /// file is in the way (a member named like a directory already given as a file).
    fn parent(&mut self, path: &[u8]) -> Option<(&mut Dir, Vec<u8>)> {
        let parts: Vec<&[u8]> = path.split(|b| *b == b'/').filter(|p| !p.is_empty() && *p != b".").collect();
        let (last, dirs) = parts.split_last()?;
        let mut d = &mut self.root;
        for part in dirs {
            let node = d.children.entry(part.to_vec()).or_insert_with(|| Node::Dir(Dir::default()));
            d = match node {
                Node::Dir(sub) => sub,
                Node::Blob(..) => return None,
            };
        }
        Some((d, last.to_vec()))
    }

    pub fn add_blob(&mut self, path: &[u8], mode: Mode, id: Id) {
        self.members += 1;
        if let Some((d, name)) = self.parent(path) {
            d.children.insert(name, Node::Blob(mode, id));
        }
    }

    pub fn add_dir(&mut self, path: &[u8]) {
        self.members += 1;
        if let Some((d, name)) = self.parent(path) {
            d.children.entry(name).or_insert_with(|| Node::Dir(Dir::default()));
        }
    }

    /// The id of the blob at `path`, if one was added (a tar hard link points to it).
    fn blob_at(&self, path: &[u8]) -> Option<(Mode, Id)> {
        let mut d = &self.root;
        let parts: Vec<&[u8]> = path.split(|b| *b == b'/').filter(|p| !p.is_empty() && *p != b".").collect();
        let (last, dirs) = parts.split_last()?;
        for part in dirs {
            d = match d.children.get(*part)? {
                Node::Dir(sub) => sub,
                Node::Blob(..) => return None,
            };
        }
        match d.children.get(*last)? {
            Node::Blob(m, id) => Some((*m, *id)),
            Node::Dir(_) => None,
        }
    }

    /// The directory an archive unpacks to: its single top directory, else its top.
    fn top(&self) -> &Dir {
        match self.root.children.values().collect::<Vec<_>>().as_slice() {
            [Node::Dir(only)] => only,
            _ => &self.root,
        }
    }

    /// The `swh:1:dir` id of the directory the archive unpacks to.
    pub fn dir_id(&self) -> Id {
        hash_dir(self.top())
    }

    /// Every path under the directory the archive unpacks to, with its mode and id
    /// (directories too, so that an empty one is listed).
    pub fn listing(&self) -> BTreeMap<String, (Mode, Id)> {
        let mut out = BTreeMap::new();
        list(self.top(), "", &mut out);
        out
    }
}

fn list(d: &Dir, prefix: &str, out: &mut BTreeMap<String, (Mode, Id)>) {
    for (name, node) in &d.children {
        let path = format!("{prefix}{}", String::from_utf8_lossy(name));
        match node {
            Node::Blob(m, id) => {
                out.insert(path, (*m, *id));
            }
            Node::Dir(sub) => {
                out.insert(path.clone(), (Mode::Dir, hash_dir(sub)));
                list(sub, &format!("{path}/"), out);
            }
        }
    }
}

/// The git tree id of `d`: entries in git's order (a directory sorts as if its name
/// ended in `/`), each `<mode> <name>\0<id>`.
fn hash_dir(d: &Dir) -> Id {
    let mut entries: Vec<(Vec<u8>, Mode, Id)> = d
        .children
        .iter()
        .map(|(name, node)| match node {
            Node::Blob(m, id) => (name.clone(), *m, *id),
            Node::Dir(sub) => (name.clone(), Mode::Dir, hash_dir(sub)),
        })
        .collect();
    let key = |(name, m, _): &(Vec<u8>, Mode, Id)| {
        let mut k = name.clone();
        if *m == Mode::Dir {
            k.push(b'/');
        }
        k
    };
    entries.sort_by_key(key);
    let mut body = Vec::new();
    for (name, m, id) in &entries {
        body.extend_from_slice(m.git());
        body.push(b' ');
        body.extend_from_slice(name);
        body.push(0);
        body.extend_from_slice(id);
    }
    let mut h = Sha1::new();
    h.update(format!("tree {}\0", body.len()).as_bytes());
    h.update(&body);
    h.finalize().into()
}

/// The tree of a tar stream. Regular files, symbolic links (a blob of their target) and
/// directories are members; hard links take their target's blob; pax headers, devices
/// and fifos are not. Contents are hashed as they stream past, never kept.
pub fn of_tar(r: impl Read) -> Result<Tree, String> {
    let mut archive = tar::Archive::new(r);
    let mut tree = Tree::default();
    let entries = archive.entries().map_err(|e| e.to_string())?;
    for entry in entries {
        if tree.members >= MAX_MEMBERS {
            return Err(format!("it has more than {MAX_MEMBERS} members"));
        }
        let mut entry = entry.map_err(|e| format!("it cannot be read to its end ({e})"))?;
        let kind = entry.header().entry_type();
        let path = entry.path_bytes().into_owned();
        if let Some(why) = too_deep(&path) {
            return Err(why);
        }
        use tar::EntryType as T;
        match kind {
            T::Regular | T::Continuous | T::GNUSparse => {
                let exec = entry.header().mode().unwrap_or(0o644) & 0o100 != 0;
                let mut h = blob_hasher(entry.size());
                std::io::copy(&mut entry, &mut HashWriter(&mut h))
                    .map_err(|e| format!("a member cannot be read ({e})"))?;
                tree.add_blob(&path, if exec { Mode::Executable } else { Mode::File }, h.finalize().into());
            }
            T::Symlink => {
                let target = entry.link_name_bytes().map(|t| t.into_owned()).unwrap_or_default();
                tree.add_blob(&path, Mode::Symlink, blob_id(&target));
            }
            T::Link => {
                let target = entry.link_name_bytes().map(|t| t.into_owned()).unwrap_or_default();
                let (mode, id) = tree.blob_at(&target).ok_or_else(|| {
                    format!(
                        "hard link {} points to {}, not an earlier file",
                        String::from_utf8_lossy(&path),
                        String::from_utf8_lossy(&target)
                    )
                })?;
                tree.add_blob(&path, mode, id);
            }
            T::Directory => tree.add_dir(&path),
            _ => {}
        }
    }
    Ok(tree)
}

/// The tree of a zip archive, from its central directory and its members' bytes. A
/// member's Unix mode (in its external attributes, where the zip was made on Unix) says
/// whether it is executable or a symbolic link.
pub fn of_zip<R: Read + std::io::Seek>(r: R) -> Result<Tree, String> {
    let mut archive = zip::ZipArchive::new(r).map_err(|e| format!("it is not a readable zip ({e})"))?;
    if archive.len() > MAX_MEMBERS {
        return Err(format!("it has more than {MAX_MEMBERS} members"));
    }
    let mut tree = Tree::default();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).map_err(|e| format!("member {i} cannot be read ({e})"))?;
        let path = f.name_raw().to_vec();
        if let Some(why) = too_deep(&path) {
            return Err(why);
        }
        let mode = f.unix_mode().unwrap_or(0o644);
        if f.is_dir() {
            tree.add_dir(&path);
            continue;
        }
        let kind = match mode & 0o170000 {
            0o120000 => Mode::Symlink,
            _ if mode & 0o100 != 0 => Mode::Executable,
            _ => Mode::File,
        };
        let mut h = blob_hasher(f.size());
        std::io::copy(&mut f, &mut HashWriter(&mut h))
            .map_err(|e| format!("member {} cannot be read ({e})", String::from_utf8_lossy(&path)))?;
        tree.add_blob(&path, kind, h.finalize().into());
    }
    Ok(tree)
}

struct HashWriter<'a>(&'a mut Sha1);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_ids_of_known_objects() {
        // `git hash-object /dev/null` and the empty tree.
        assert_eq!(crate::util::text::hex(&blob_id(b"")), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
        assert_eq!(crate::util::text::hex(&Tree::default().dir_id()), "4b825dc642cb6eb9a060e54bf8d69288fbee4904");
        // printf 'hello\n' | git hash-object --stdin
        assert_eq!(crate::util::text::hex(&blob_id(b"hello\n")), "ce013625030ba8dba906f756967f9e9ca394464a");
    }

    #[test]
    fn directories_sort_as_if_their_names_ended_in_a_slash() {
        // `a.c` (0x2e) sorts before `a/` (0x2f) and `a0` (0x30) after it.
        let mut t = Tree::default();
        t.add_blob(b"top/a0", Mode::File, blob_id(b"0"));
        t.add_blob(b"top/a/x", Mode::File, blob_id(b"x"));
        t.add_blob(b"top/a.c", Mode::File, blob_id(b"c"));
        let names: Vec<String> = t.listing().into_keys().collect();
        assert_eq!(names, ["a", "a.c", "a/x", "a0"]);
        let mut u = Tree::default();
        u.add_blob(b"top/a.c", Mode::File, blob_id(b"c"));
        u.add_blob(b"top/a0", Mode::File, blob_id(b"0"));
        u.add_blob(b"top/a/x", Mode::File, blob_id(b"x"));
        assert_eq!(t.dir_id(), u.dir_id(), "the order members come in does not matter");
    }

    #[test]
    fn a_member_nested_thousands_deep_is_refused_not_a_stack_overflow() {
        let tar = |depth: usize| {
            let mut b = tar::Builder::new(Vec::new());
            let mut h = tar::Header::new_gnu();
            h.set_size(1);
            h.set_mode(0o644);
            let path = format!("top/{}f", "d/".repeat(depth));
            b.append_data(&mut h, path, &b"x"[..]).unwrap();
            b.into_inner().unwrap()
        };
        assert!(of_tar(&tar(100)[..]).is_ok());
        let e = of_tar(&tar(3000)[..]).unwrap_err();
        assert!(e.contains("nested 3002 directories deep, more than 512"), "{e}");
    }
}
