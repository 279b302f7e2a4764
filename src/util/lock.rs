//! One writer at a time. Every command that writes something (the release tree, the
//! site, the probe state, the logos) first takes an exclusive `flock` on a lock file
//! beside it, so two builds, a build and `closer sign`, or two probes never write at
//! once; the kernel releases the lock when the process ends, however it ends (SIGKILL
//! included). A second writer waits, saying who holds the lock, or with `--no-wait`
//! stops at once with [`LockHeld`] (exit code 3). Readers (`check`, `releases`,
//! `status` without `--wait`) never lock.

use anyhow::{Context, Result};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Another closer holds the lock (exit code 3).
#[derive(Debug)]
pub struct LockHeld {
    /// What is locked: `the release tree dist`.
    pub what: String,
    /// Who holds it, as it wrote itself into the lock file.
    pub holder: String,
}

impl std::fmt::Display for LockHeld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is being written by {}\n    fix: run again once it is done, or without --no-wait to wait for it",
            self.what, self.holder
        )
    }
}

impl std::error::Error for LockHeld {}

/// A lock held until dropped.
#[derive(Debug)]
pub struct Lock {
    _file: std::fs::File,
}

/// The lock file of `resource`: a hidden file beside it (`.dist.closer-lock` beside
/// `dist`), out of every tree closer serves or mirrors.
pub fn lock_path(resource: &Path) -> PathBuf {
    let name = resource.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "root".into());
    resource.with_file_name(format!(".{name}.closer-lock"))
}

/// What the holder writes of itself: command, pid, start time.
fn holder_line(command: &str) -> String {
    let now = crate::util::clock::now();
    format!("closer {command} (pid {}, started {})\n", std::process::id(), crate::util::text::datetime(now))
}

/// Takes the lock of `resource` (`what` names it in messages) for `command`: at once
/// when it is free; otherwise waits (saying who holds it) or, unless `wait`, returns
/// [`LockHeld`].
pub fn acquire(resource: &Path, what: &str, command: &str, wait: bool) -> Result<Lock> {
    acquire_said(resource, what, command, wait, true)
}

/// [`acquire`], saying that it waits only when `say` (not under `--quiet`: cron mails
/// what a run prints, and runs that overlap are no news).
pub fn acquire_said(resource: &Path, what: &str, command: &str, wait: bool, say: bool) -> Result<Lock> {
    use rustix::fs::{FlockOperation, flock};
    let (mut file, ours) = open(resource, what)?;
    if flock(&file, FlockOperation::NonBlockingLockExclusive).is_err() {
        let mut holder = String::new();
        let _ = file.read_to_string(&mut holder);
        let holder = holder.trim().to_string();
        let holder = if holder.is_empty() { "another closer".to_string() } else { holder };
        if !wait {
            return Err(LockHeld { what: what.to_string(), holder }.into());
        }
        if say {
            eprintln!("waiting: {what} is being written by {holder}");
        }
        flock(&file, FlockOperation::LockExclusive).with_context(|| format!("cannot lock {what}"))?;
    }
    // Ours now: say who holds it, for the next one to read (when we may write to it).
    if ours {
        let line = holder_line(command);
        let _ = file.set_len(0).and_then(|_| file.rewind()).and_then(|_| file.write_all(line.as_bytes()));
    }
    Ok(Lock { _file: file })
}

/// The file to lock for `resource`, and whether we may write our name into it. Its lock
/// file, made if missing; read-only when another user made it (a release manager's `sign`
/// after the cron user's build: `flock` needs no write access); the resource's directory
/// itself when no lock file can be made beside it (a `--dist /srv/dist` whose `/srv` the
/// build user may not write). Nothing is created for a resource whose directory is missing
/// (a mistyped path).
fn open(resource: &Path, what: &str) -> Result<(std::fs::File, bool)> {
    use std::io::ErrorKind::PermissionDenied;
    let path = lock_path(resource);
    let parent = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !parent.is_dir() {
        anyhow::bail!(
            "{}",
            crate::util::problem::with_fix(
                format!("cannot lock {what}: `{}` is not a directory", parent.display()),
                "check the path given; closer makes no directory for it",
            )
        );
    }
    let rw = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path);
    match rw {
        Ok(file) => Ok((file, true)),
        Err(e) if e.kind() == PermissionDenied && path.exists() => std::fs::File::open(&path)
            .map(|f| (f, false))
            .with_context(|| format!("cannot open the lock file `{}`", path.display())),
        Err(e) if e.kind() == PermissionDenied && resource.is_dir() => std::fs::File::open(resource)
            .map(|f| (f, false))
            .with_context(|| format!("cannot lock `{}`", resource.display())),
        Err(e) => Err(e).with_context(|| {
            crate::util::problem::with_fix(
                format!("cannot open the lock file `{}`", path.display()),
                format!("let this user create files in `{}`, or run as the user who owns it", parent.display()),
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_told_who_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let resource = dir.path().join("dist");
        let held = acquire(&resource, "the release tree dist", "build", false).unwrap();
        // flock locks belong to the open file: a second open in this process conflicts too.
        let e = acquire(&resource, "the release tree dist", "sign", false).unwrap_err();
        let held_err = e.downcast_ref::<LockHeld>().unwrap();
        assert!(held_err.holder.starts_with("closer build (pid "), "{held_err}");
        assert!(e.to_string().contains("without --no-wait"));
        drop(held);
        acquire(&resource, "the release tree dist", "sign", false).unwrap();
        assert!(dir.path().join(".dist.closer-lock").exists());
    }
}
