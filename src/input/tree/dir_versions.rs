//! How a directory's own version relates to the versions its files name: whether it is
//! one release (its files name its version, a build of it, a pre-release after it), a
//! series (they go on from it), or a line named like a version (Armbian's `rock-5b/`);
//! what [`super::shape`] asks of each directory named with a number.

use super::dirs::Dir;
use super::flat;
use std::collections::BTreeSet;

/// Does a directory with no release files of its own (`v3.21/`) hold, in directories
/// below it (`releases/x86_64/`), releases of versions that go on from its own
/// (`alpine-standard-3.21.0-x86_64.iso`) and none of its own: a series, as kernel.org's
/// `v6.x/` is with its files right in it.
pub(super) fn holds_series(d: &Dir, versions: &[Option<String>], own: &str) -> bool {
    if versions.iter().any(Option::is_some) || d.dirs.is_empty() {
        return false;
    }
    let mut below = Vec::new();
    let mut stack: Vec<&Dir> = d.dirs.iter().collect();
    while let Some(x) = stack.pop() {
        below.extend(x.files.iter().filter_map(|(n, _)| flat::version_of(n)));
        stack.extend(x.dirs.iter());
    }
    let goes_on = |v: &String| crate::util::version::of_series(v, own);
    // One build of its version in every folder below (LibreOffice's release candidate
    // `testing/25.2.0/win/x86_64/LibreOffice_25.2.0.1_Win_x86-64.msi`) is that version's
    // release, as it is right in the directory.
    let named: BTreeSet<&str> = below.iter().map(String::as_str).collect();
    // A snapshot of the series' development (HAProxy's `3.1/src/devel/haproxy-3.1-dev13`)
    // beside its releases (3.1.0, 3.1.1) is one more of them, not the directory's own.
    let own_final = |v: &String| own_version(own, v) && !crate::util::version::is_prerelease(v);
    // A new branch before its first release (HAProxy's `3.2/src/devel/haproxy-3.2-dev1`,
    // `-dev2`): its snapshots are the series' pre-releases, not one release "3.2".
    let pre_of_own = |v: &String| own_version(own, v) && crate::util::version::is_prerelease(v);
    let before_first = !crate::util::version::is_prerelease(own) && below.iter().all(pre_of_own);
    !below.is_empty()
        && (below.iter().any(goes_on) || before_first)
        && !below.iter().any(own_final)
        && !build_number(own, &named)
}

/// Do the files of a version directory that name another version all name one build
/// of it (LibreOffice's `src/24.8.4/libreoffice-24.8.4.2.tar.xz`: build 2 of 24.8.4;
/// Electrum's `4.5.8/Electrum-4.5.8.0-x86_64-release.apk` beside `Electrum-4.5.8.tar.gz`)?
/// A build is one more number after a version of three or more; then the directory is
/// that version's release, not a series of one.
pub(super) fn build_number(own: &str, others: &BTreeSet<&str>) -> bool {
    let bare = crate::util::version::bare(own);
    let build = |v: &&str| {
        let rest =
            crate::util::version::bare(v).strip_prefix(&bare).and_then(|r| r.strip_prefix('.')).map(str::to_string);
        rest.is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()))
    };
    others.len() == 1 && bare.split('.').count() >= 3 && others.iter().all(build)
}

/// Do files at any depth of `d` name versions, none of them `own` or one after it (a
/// pre-release, Bitcoin Core's `bitcoin-core-28.1/test.rc1/`; a build, a patch letter)?
pub(super) fn names_others_only(d: &Dir, own: &str) -> bool {
    let bare = crate::util::version::bare;
    let after =
        |v: &str| bare(v).strip_prefix(&bare(own)).is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_digit()));
    let of_own = |v: &str| own_version(own, v) || after(v);
    let mut todo = vec![d];
    let mut any = false;
    while let Some(d) = todo.pop() {
        for (n, _) in &d.files {
            if let Some(v) = flat::version_of(n) {
                if of_own(&v) {
                    return false;
                }
                any = true;
            }
        }
        todo.extend(&d.dirs);
    }
    any
}

/// Is `file_version` the version `dir` names: the same (`v2.4.58/httpd-2.4.58...`), or
/// it with a build suffix (`1.0/p-1.0-0.tar.gz`, `1.0/p-1.0_amd64.deb`), or its build
/// written with `_` for the tag's `+` a file name cannot hold (Eclipse Temurin's
/// `jdk-21.0.5+11/OpenJDK21U-jdk_x64_linux_hotspot_21.0.5_11.tar.gz`)?
pub(super) fn own_version(dir: &str, file_version: &str) -> bool {
    let (dir, file) = (crate::util::version::bare(dir), crate::util::version::bare(file_version));
    // ICU's `release-76-1/icu4c-76_1-src.tgz`: the numbers alike, whatever joins them.
    let numbers = |v: &str| v.replace(['-', '_'], ".");
    file == dir
        || (dir.bytes().all(|b| b.is_ascii_digit() || b == b'-' || b == b'_') && numbers(&file) == numbers(&dir))
        || file.strip_prefix(&dir).is_some_and(|rest| rest.starts_with(['-', '_', '+', '~']))
        || (dir.contains('+') && file == dir.replace('+', "_"))
}

/// A folder without a version in a series directory, all of whose versioned files are
/// of the series (KDE's `frameworks/6.8/portingAids/kross-6.8.0.tar.xz`): its files are
/// the series' releases', the folder one of theirs. It was a line of its own.
pub(super) fn folder_of_series(series: &str, c: &Dir) -> bool {
    let versions: Vec<String> = c.files.iter().filter_map(|(n, _)| flat::version_of(n)).collect();
    c.dirs.is_empty()
        && !flat::starts_version(c.name())
        && flat::version_of(c.name()).is_none()
        && !versions.is_empty()
        && versions.iter().all(|v| crate::util::version::of_series(v, series))
}

/// A series folder inside a system's or machine's folder, named for the project and a
/// whole number (GNU Emacs's `windows/emacs-30/`: `emacs-30.1-installer.exe`,
/// `emacs-30.1.zip` and the DLLs every 30.x needs, `emacs-30-deps.zip`): its files are
/// of the releases beside the folder, the sources' 30.1 among them. Returns the newest
/// version of the series in it, which a file naming the series alone joins. It was a
/// line of its own, with the DLLs a release "30".
pub(super) fn series_in_grouping(c: &Dir) -> Option<String> {
    let (_, own) = flat::product_and_version(c.name())?;
    if !c.dirs.is_empty() || flat::starts_version(c.name()) || !own.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut newest: Option<String> = None;
    for v in c.files.iter().filter_map(|(n, _)| flat::version_of(n)) {
        if crate::util::version::of_series(&v, &own) {
            if newest.as_deref().is_none_or(|n| crate::util::version::compare(&v, n).is_gt()) {
                newest = Some(v);
            }
        } else if v != own {
            return None;
        }
    }
    newest
}

/// The version of a directory named for a version and the system it was built for
/// (BusyBox's `binaries/1.35.0-x86_64-linux-musl/busybox`): `1.35.0`, whose release
/// its files are builds of. It was a release "1.35.0-x86_64-linux-musl", newer than
/// 1.35.0, whose sources it archived.
pub(super) fn built_for(name: &str) -> Option<&str> {
    let version = flat::version_of(&format!("x-{name}"))?;
    let rest = name.get(version.len()..)?;
    let p = crate::util::platform::platform(rest, "");
    // (And a kind of files: Maxima's `5.47.0-source/` beside `5.47.0-Windows/`.)
    let kind = p.os.is_some() || p.arch.is_some() || p.source || p.binary;
    (rest.starts_with(['-', '_']) && kind).then(|| &name[..version.len()])
}

/// Files naming the series their directory is named for, and what they are after it
/// (OCaml's `5.2/ocaml-5.2-refman.pdf` beside `ocaml-5.2.1.tar.gz`): the series' manuals,
/// with its newest release. Alone they were release 5.2, archived at once by 5.2.1.
/// (util-linux's `v2.39/util-linux-2.39.tar.xz` is release 2.39 itself.)
pub(super) fn series_files_join_newest(mut files: Vec<(&str, &mut String)>, series: &str) {
    use crate::util::version::{bare, compare, of_series};
    let newest = files.iter().map(|(_, v)| &**v).filter(|v| of_series(v, series)).max_by(|a, b| compare(a, b));
    let Some(newest) = newest.cloned() else { return };
    let described = |name: &str, v: &str| {
        let after = name.rsplit('/').next().unwrap_or(name).split_once(v).map_or("", |(_, r)| r);
        after.strip_prefix(['-', '_']).is_some_and(|r| r.starts_with(|c: char| c.is_ascii_alphabetic()))
    };
    for (_, v) in files.iter_mut().filter(|(n, v)| bare(v) == bare(series) && described(n, v)) {
        **v = newest.clone();
    }
}
