//! File-system helpers that put the path into every error, so that no caller has to
//! remember to, and the atomic primitives every writer of state uses: replace a file
//! ([`write_atomic`]), put a directory in place of another ([`swap_in`]).

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Reads a whole file as bytes.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))
}

/// Reads a whole file as UTF-8 text.
pub fn read_to_string(path: &Path) -> Result<String> {
    read_to_string_with_mtime(path).map(|(text, _)| text)
}

/// Reads a whole file as UTF-8 text, with its modification time (Unix seconds) from the
/// open file, so that no second lookup of the path is needed.
pub fn read_to_string_with_mtime(path: &Path) -> Result<(String, i64)> {
    use std::io::Read;
    use std::os::unix::fs::MetadataExt;
    let read = || -> std::io::Result<(Vec<u8>, i64)> {
        let mut f = std::fs::File::open(path)?;
        let meta = f.metadata()?;
        let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
        f.read_to_end(&mut bytes)?;
        Ok((bytes, meta.mtime()))
    };
    let (bytes, mtime) = read().with_context(|| format!("cannot read `{}`", path.display()))?;
    let text = decode_text(bytes).map_err(|e| anyhow::anyhow!("`{}` {e}", path.display()))?;
    Ok((text, mtime))
}

/// Reads a whole file as text with [`decode_text`]; the error says what it is instead.
pub fn read_text(path: &Path) -> std::result::Result<String, String> {
    decode_text(std::fs::read(path).map_err(|e| format!("cannot be read ({e})"))?)
}

/// Text as editors and shells save it: UTF-8, its byte-order mark dropped (Notepad's,
/// PowerShell's `Set-Content -Encoding UTF8`), or UTF-16 with a byte-order mark (Windows
/// PowerShell 5.1's `>` and `Out-File`, Notepad's "Unicode"). Anything else is refused
/// with a message naming what it is and how to save it as UTF-8.
pub fn decode_text(bytes: Vec<u8>) -> std::result::Result<String, String> {
    let utf16 = |b: &[u8], unit: fn([u8; 2]) -> u16| {
        let units = b.chunks(2).map(|c| unit([c[0], *c.get(1).unwrap_or(&0)]));
        char::decode_utf16(units).collect::<std::result::Result<String, _>>().ok()
    };
    let fix = "save it as UTF-8 (in PowerShell: Out-File -Encoding utf8; or iconv -f UTF-16 -t UTF-8)";
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return utf16(rest, u16::from_le_bytes).ok_or_else(|| format!("is UTF-16 text that does not decode; {fix}"));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return utf16(rest, u16::from_be_bytes).ok_or_else(|| format!("is UTF-16 text that does not decode; {fix}"));
    }
    let mut bytes = bytes;
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(t) => Ok(t),
        Err(e) => {
            let body = e.as_bytes();
            let line = body[..e.utf8_error().valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(format!(
                "is not UTF-8 text: line {line} holds a byte UTF-8 does not allow (a legacy encoding such as \
                 Windows-1252?); save it as UTF-8 (iconv -f WINDOWS-1252 -t UTF-8)"
            ))
        }
    }
}

/// Reads a file if it exists; `Ok(None)` when it does not.
pub fn read_optional(path: &Path) -> Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read `{}`", path.display())),
    }
}

/// Creates a directory and its parents.
pub fn create_dir_all(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).with_context(|| format!("cannot create directory `{}`", path.display()))
}

/// Reads the file at `path` as a stream, handing each chunk to `each`; returns its size.
pub fn read_chunks(path: &Path, each: &mut dyn FnMut(&[u8])) -> std::io::Result<u64> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let (mut len, mut buf) = (0u64, vec![0u8; 256 << 10]);
    loop {
        match f.read(&mut buf) {
            Ok(0) => return Ok(len),
            Ok(n) => {
                each(&buf[..n]);
                len += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Writes a file (creating or truncating it).
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write `{}`", path.display()))
}

/// Starts writing a file just written out to disk, without waiting for it. A large file
/// that is then renamed over an older one (a mirror list, `releases.json`) is flushed
/// by the rename on ext4 (`auto_da_alloc`) and by the next `fsync` anywhere; started
/// now, the disk works while the build goes on. Best effort: an error changes nothing.
pub fn start_writeback(file: &std::fs::File) {
    use std::os::fd::AsRawFd;
    // SAFETY: a plain system call on a descriptor `file` keeps open; it touches no memory.
    let _ = unsafe { libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE) };
}

/// Replaces `path` with `bytes` atomically: a reader sees the old file or the new one,
/// never a torn one, and a crash leaves at most a stray temporary file beside it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_parts_atomic(path, &[bytes], true)
}

/// [`write_atomic`] of the concatenation of `parts`; synced to disk before the rename
/// only with `sync` (a cache, which checks itself when read, needs no sync).
pub fn write_parts_atomic(path: &Path, parts: &[&[u8]], sync: bool) -> Result<()> {
    write_with_atomic(path, sync, &mut |f| parts.iter().try_for_each(|part| f.write_all(part)))
}

/// [`write_atomic`] of what `write` writes, as it writes it (a file too large to be
/// made whole in memory first).
pub fn write_with_atomic(
    path: &Path,
    sync: bool,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    create_dir_all(dir)?;
    let tmp = sibling(path, "tmp");
    let result = (|| -> std::io::Result<()> {
        let mut f = std::io::BufWriter::with_capacity(256 << 10, std::fs::File::create(&tmp)?);
        write(&mut f)?;
        let f = f.into_inner().map_err(|e| e.into_error())?;
        if sync {
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write `{}`", path.display()))
}

/// Replaces `path` atomically with a hard link to `existing`, a file of the same
/// content written before (a list two mirrors share is written once); where the file
/// system cannot link, it is copied instead.
pub fn link_atomic(existing: &Path, path: &Path) -> Result<()> {
    let tmp = sibling(path, "tmp");
    let _ = std::fs::remove_file(&tmp);
    let made = std::fs::hard_link(existing, &tmp).or_else(|_| std::fs::copy(existing, &tmp).map(|_| ()));
    made.and_then(|()| std::fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
        .with_context(|| format!("cannot write `{}`", path.display()))
}

/// Puts the file `from` at `path` atomically: renamed where both are on one file system
/// (`from` is then gone), else copied beside `path` and renamed into place.
pub fn move_atomic(from: &Path, path: &Path) -> Result<()> {
    create_dir_all(path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")))?;
    if std::fs::rename(from, path).is_ok() {
        return Ok(());
    }
    let tmp = sibling(path, "tmp");
    std::fs::copy(from, &tmp)
        .and_then(|_| std::fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
        .with_context(|| format!("cannot write `{}`", path.display()))
}

/// Swaps two directory entries atomically (Linux `renameat2(RENAME_EXCHANGE)`).
pub fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

/// Puts the directory `new` at `at`, atomically where the file system can exchange two
/// directories; afterwards `new` holds the old directory, or nothing.
pub fn swap_in(new: &Path, at: &Path) -> Result<()> {
    if std::fs::symlink_metadata(at).is_err() {
        return std::fs::rename(new, at).with_context(|| format!("cannot move `{}` into place", at.display()));
    }
    match exchange(new, at) {
        Ok(()) => Ok(()),
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOSYS) | Some(libc::EINVAL)) => {
            // File systems without atomic exchange: two renames, a moment apart.
            let old = sibling(at, "old");
            std::fs::rename(at, &old).with_context(|| format!("cannot move `{}` aside", at.display()))?;
            std::fs::rename(new, at).with_context(|| format!("cannot move `{}` into place", at.display()))?;
            remove_dir_all(&old)
        }
        Err(e) => Err(e).with_context(|| format!("cannot swap `{}` into place", at.display())),
    }
}

/// A hidden sibling name for `path`, unique to this process: `.<name>.closer-<tag>-<pid>`.
pub fn sibling(path: &Path, tag: &str) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.closer-{tag}-{}", std::process::id()))
}

/// Removes what a killed closer left in `dir`: the hidden [`sibling`]s of `name` (of any
/// name when `None`) whose process is gone. Best effort: what cannot go stays.
pub fn remove_leftovers(dir: &Path, name: Option<&str>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let rest = match name {
            Some(name) => n.strip_prefix(&format!(".{name}.closer-")),
            None => n.strip_prefix('.').and_then(|r| r.split_once(".closer-")).map(|(_, rest)| rest),
        };
        let Some(rest) = rest else { continue };
        let pid = rest.rsplit('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|p| !Path::new(&format!("/proc/{p}")).exists()) {
            let _ = std::fs::remove_dir_all(e.path()).or_else(|_| std::fs::remove_file(e.path()));
        }
    }
}

/// Removes a file; a missing one is fine.
pub fn remove_file(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove `{}`", path.display()))
        }
        _ => Ok(()),
    }
}

/// Removes a directory tree; a missing one is fine.
pub fn remove_dir_all(path: &Path) -> Result<()> {
    match std::fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("cannot remove `{}`", path.display())),
    }
}

/// Where the link at `rel` (relative to the tree, `/`-separated) leads when it says
/// `target`, relative to the tree; `None` for an absolute target or one that climbs out.
pub fn resolve_link(rel: &str, target: &str) -> Option<String> {
    if target.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Is the path `rel` (relative to the tree, `/`-separated) below the directory `dir`
/// (relative too)? Without building `"{dir}/"` for every pair the scan compares.
pub fn is_under(rel: &str, dir: &str) -> bool {
    rel.len() > dir.len() && rel.as_bytes()[dir.len()] == b'/' && rel.starts_with(dir)
}

/// Shows a path or name with anything unprintable escaped, for messages: a file name must
/// never be able to move the cursor or forge another line of output. Bytes that are not
/// UTF-8 are shown as `\xNN`.
pub fn escaped(name: &std::ffi::OsStr) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for chunk in name.as_bytes().utf8_chunks() {
        out.extend(chunk.valid().chars().flat_map(char::escape_debug));
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// The name of the user this process runs as (from `/etc/passwd`), else `uid N`: for a
/// message about a file it may not read.
pub fn user_name() -> String {
    let uid = rustix::process::geteuid().as_raw().to_string();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let name = passwd.lines().find_map(|l| {
        let mut f = l.split(':');
        let name = f.next()?;
        (f.nth(1)? == uid).then(|| name.to_string())
    });
    name.unwrap_or_else(|| format!("uid {uid}"))
}

/// Is the keyring at `path` binary OpenPGP (`gpg --export FPR > KEYS`, GNU's
/// `gnu-keyring.gpg`) rather than armored text? Its first byte is a packet tag (high
/// bit set); a `.gpg` that cannot be read is taken as binary. Keys added to it must be
/// exported the same way: armored text appended to a binary keyring breaks it whole.
pub fn binary_keyring(path: &Path) -> bool {
    match head(path) {
        Ok(h) if !h.is_empty() => h[0] & 0x80 != 0,
        _ => path.extension().is_some_and(|e| e == "gpg"),
    }
}

/// How a key is exported to be added to the keyring at `path`: `--armor ` for text,
/// nothing for a binary keyring ([`binary_keyring`]).
pub fn export_armor(path: &Path) -> &'static str {
    if binary_keyring(path) { "" } else { "--armor " }
}

/// The first bytes of the file at `path` (up to 64): enough to tell what a file opens
/// with (an armour line, a clearsigned message, a key's marker, a packet tag).
pub fn head(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = [0u8; 64];
    let n = std::fs::File::open(path)?.read(&mut buf)?;
    Ok(buf[..n].to_vec())
}

#[cfg(test)]
mod tests {
    use super::decode_text;

    #[test]
    fn text_as_windows_saves_it() {
        let utf16 = |s: &str, le: bool| {
            let mut b = if le { vec![0xff, 0xfe] } else { vec![0xfe, 0xff] };
            for u in s.encode_utf16() {
                b.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            b
        };
        assert_eq!(decode_text(b"\xef\xbb\xbfab  c\r\n".to_vec()).unwrap(), "ab  c\r\n");
        assert_eq!(decode_text(utf16("Hash  Caf\u{e9}\r\n", true)).unwrap(), "Hash  Caf\u{e9}\r\n");
        assert_eq!(decode_text(utf16("x\n", false)).unwrap(), "x\n");
        let e = decode_text(b"a\nb\nCaf\xe9\n".to_vec()).unwrap_err();
        assert!(e.contains("line 3") && e.contains("iconv"), "{e}");
        assert!(decode_text(vec![0xff, 0xfe, 0x00, 0xd8]).unwrap_err().contains("UTF-16"));
    }
}
