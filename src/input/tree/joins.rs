//! Releases read apart that are one: a release's builds in machines' or kinds' folders,
//! copies of the newest, a version spelt two ways, a series' line and the line beside
//! it, a folder nested in its release, builds named for one of the project's lines.

use crate::model::tree::{FileRef, Release};

/// Releases of one line and version read from directories of one name (a series or the
/// version) in different machines' folders (Julia's `bin/linux/x64/1.11/` and
/// `bin/winnt/x64/1.11/`, each holding 1.11.2's files for its machine; `linux/2.0/` and
/// `windows/2.0/`) are one release: the first takes the others' files, their
/// directories as folders of it. It was 1.11.2 four times.
pub(super) fn join_machines(releases: &mut Vec<Release>) {
    candidates_apart(releases);
    let grouping = super::dir_names::is_folder;
    // Directories named for the product and a machine's width beside the product's own
    // (Slackware's `slackware64-15.0-iso/` and `slackware-15.0-iso/`): the same once the
    // version and the width are taken out.
    let twins = |p: &str, q: &str, v: &str| {
        let plain = |n: &str| n.replacen(v, "", 1).replace("64", "").replace("32", "");
        p != q && plain(p) == plain(q)
    };
    // (A candidate in a folder of pre-releases and its final are two releases: Jenkins's
    // `war-stable-rc/2.479.3/` and `war-stable/2.479.3/`, one `jenkins.war` each.)
    let pre = in_prerelease_folder;
    let apart = |a: &Release, b: &Release| {
        let (x, y): (Vec<&str>, Vec<&str>) = (a.dir.rel.split('/').collect(), b.dir.rel.split('/').collect());
        let last = (x.last().copied().unwrap_or_default(), y.last().copied().unwrap_or_default());
        a.line == b.line
            && crate::util::version::bare(&a.version) == crate::util::version::bare(&b.version)
            && pre(a) == pre(b)
            && x.len() == y.len()
            && x != y
            && (x.last() == y.last() || (x[..x.len() - 1] == y[..y.len() - 1] && twins(last.0, last.1, &a.version)))
            && x.iter().zip(&y).all(|(p, q)| p == q || (grouping(p) && grouping(q)) || twins(p, q, &a.version))
    };
    let mut i = 0;
    while i < releases.len() {
        match (i + 1..releases.len()).find(|&j| apart(&releases[i], &releases[j])) {
            Some(j) => {
                let other = releases.remove(j);
                releases[i].dirs.push(other.dir.clone());
                releases[i].absorb(other);
            }
            None => i += 1,
        }
    }
}

/// Is the release in a folder of pre-releases (`testing/`, `war-stable-rc/`)?
fn in_prerelease_folder(r: &Release) -> bool {
    r.dir.rel.split('/').any(crate::util::version::is_prerelease_folder)
}

/// A release candidate kept in a folder of pre-releases under its final's version
/// (LibreOffice's `testing/25.2.0/`, whose files are build `25.2.0.1`, beside
/// `stable/25.2.0/`): it is the build its files name, not the final. On release day the
/// two were one release 25.2.0, a pre-release for its `testing/` folder, and the page
/// went on offering the release before.
fn candidates_apart(releases: &mut [Release]) {
    let bare = crate::util::version::bare;
    let pre = in_prerelease_folder;
    let named = |r: &Release| -> std::collections::BTreeSet<String> {
        r.artifacts
            .iter()
            .filter_map(|a| super::flat::version_of(a.name().rsplit('/').next().unwrap_or(a.name())))
            .collect()
    };
    let candidates: Vec<usize> = (0..releases.len()).filter(|&i| pre(&releases[i])).collect();
    for i in candidates {
        let (line, version) = (releases[i].line.clone(), bare(&releases[i].version));
        // The final's release, with the builds its files name (`src/25.2.0/` may hold the
        // candidate's own sources, `libreoffice-25.2.0.1.tar.xz`: then they are one).
        let final_of = |o: &Release| o.line == line && bare(&o.version) == version && !pre(o);
        let Some(builds) = releases.iter().find(|o| final_of(o)).map(named) else { continue };
        let r = &mut releases[i];
        let own = named(r);
        if let [one] = own.iter().collect::<Vec<_>>()[..]
            && bare(one) != bare(&r.version)
            && bare(one).starts_with(&format!("{}.", bare(&r.version)))
            && !builds.contains(one)
        {
            r.version = one.clone();
        } else if own.iter().all(|v| bare(v) == version) {
            // Files that name no build of their own (Jenkins's `war-stable-rc/2.479.3/` and
            // `war-stable/2.479.3/`, a `jenkins.war` each): the candidate of that version,
            // older than its final, which supersedes it.
            r.version = format!("{}-rc", r.version);
        }
    }
}

/// Builds kept in a grouping folder at the project's top and named for one of its lines
/// (GnuPG's `binary/gnupg-w32-2.4.7_20241125.exe` beside the line `gnupg/`) join that
/// line's release of their version. Read alone, they were the project's newest release
/// and the Windows installer its only download.
pub(super) fn join_line_builds(releases: &mut Vec<Release>, project: &str) {
    use super::flat::{normalise, product_and_version};
    let bare = crate::util::version::bare;
    let grouped = |r: &Release| {
        r.artifacts.iter().all(|a| {
            let folders = a.file.rel.strip_prefix(project).unwrap_or(&a.file.rel).trim_start_matches('/');
            let mut parts: Vec<&str> = folders.split('/').collect();
            parts.pop();
            !parts.is_empty() && parts.iter().all(|p| super::dir_names::is_folder(p))
        })
    };
    let mut i = 0;
    while i < releases.len() {
        let r = &releases[i];
        // (Asked of every release: the products are read only of those it may be.)
        if r.line.is_some() || !grouped(r) {
            i += 1;
            continue;
        }
        let products: Vec<String> =
            r.artifacts.iter().filter_map(|a| product_and_version(a.name().rsplit('/').next()?)).map(|p| p.0).collect();
        let of_line = |o: &Release| {
            let line = o.line.as_deref().map(|l| format!("{}-", normalise(l.rsplit('/').next().unwrap_or(l))));
            let named = |l: &str, p: &str| p.starts_with(l) || Some(p) == l.strip_suffix('-');
            line.is_some_and(|l| bare(&o.version) == bare(&r.version) && products.iter().all(|p| named(&l, p)))
        };
        let target = (!products.is_empty()).then(|| releases.iter().position(of_line)).flatten();
        match target {
            Some(j) => {
                let other = releases.remove(i);
                let j = if j > i { j - 1 } else { j };
                releases[j].dirs.push(other.dir.clone());
                releases[j].absorb(other);
            }
            None => i += 1,
        }
    }
}

/// Copies of the newest release under a name with no version (Node.js's `latest/` and
/// `latest-v22.x/` beside `v22.11.0/`): the release read from them joins the one of the
/// same line and version read elsewhere, whose files they are (a page shows a file held
/// twice once). It was "the same version twice". Alone, copies are a release of their own.
pub(super) fn join_copies(releases: &mut Vec<Release>, all_dirs: &[FileRef]) {
    let bare = crate::util::version::bare;
    let in_copies = |f: &FileRef| f.rel.split('/').any(super::dir_names::is_copies);
    let copies = |r: &Release| !r.artifacts.is_empty() && r.artifacts.iter().all(|a| in_copies(&a.file));
    let mut i = 0;
    while i < releases.len() {
        let c = &releases[i];
        let into = copies(c)
            .then(|| {
                releases.iter().position(|o| !copies(o) && o.line == c.line && bare(&o.version) == bare(&c.version))
            })
            .flatten();
        let Some(j) = into else {
            i += 1;
            continue;
        };
        let mut c = releases.remove(i);
        let into = &mut releases[if j > i { j - 1 } else { j }];
        // The copies' folders go to the mirrors with the release.
        let mut folders: Vec<&str> = c.files().iter().filter_map(|f| f.rel.rsplit_once('/').map(|(d, _)| d)).collect();
        folders.sort_unstable();
        folders.dedup();
        let folders: Vec<FileRef> = folders
            .into_iter()
            .filter(|d| *d != &*into.dir.rel && !into.dirs.iter().any(|x| &*x.rel == *d))
            .filter_map(|d| all_dirs.iter().find(|x| &*x.rel == d).cloned())
            .collect();
        c.dirs.retain(|d| in_copies(d));
        into.dirs.extend(folders);
        into.absorb(c);
    }
}

/// Lines whose names differ only as product names may (CRAN's `contrib/data.table_1.16.4.tar.gz`
/// is read as product `data-table`, its older releases' directory is
/// `contrib/Archive/data.table/`): one line, named as the directory spells it.
pub(super) fn join_spellings(releases: &mut [Release]) {
    let mut spelt: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for l in releases.iter().filter_map(|r| r.line.as_deref()) {
        let key = super::flat::normalise(l);
        let best = spelt.entry(key.clone()).or_insert_with(|| l.to_string());
        // The spelling a directory gives (not the product's normal form) wins.
        if *best == key && l != key {
            *best = l.to_string();
        }
    }
    for r in releases.iter_mut() {
        if let Some(l) = &r.line
            && let Some(best) = spelt.get(&super::flat::normalise(l))
            && best != l
        {
            r.line = Some(best.clone());
        }
    }
}

/// A release in no line whose version is of a line named for its series (OpenSSL keeps
/// each series' current release in `source/`, `openssl-3.0.15.tar.gz`, and the older
/// ones in `source/old/3.0/`) belongs to that line: it was the main line's, archived
/// there by newer series, while its own line offered the older 3.0.14 as current.
/// So does one beside a line named for its product and series (Blender keeps its builds
/// in `release/Blender4.3/` and its sources in `source/`: the page offered the sources,
/// a release of their own, to every system).
pub(super) fn join_series_lines(releases: &mut Vec<Release>, project: &str) {
    // The series a line is named for: `3.0`, or `4.3` of `Blender4.3`.
    let series = |l: &str| {
        let s = l.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        (s.contains('.') && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')).then(|| s.to_string())
    };
    let mut lines: Vec<(String, String)> =
        releases.iter().filter_map(|r| r.line.clone()).filter_map(|l| Some((series(&l)?, l))).collect();
    lines.sort_unstable();
    lines.dedup();
    if lines.is_empty() {
        return;
    }
    // Of the series, or one patch letter after it (`1.1.1w` of `1.1.1`).
    let of = |version: &str, line: &str| {
        let letter = crate::util::version::bare(version)
            .strip_prefix(line)
            .is_some_and(|rest| rest.len() == 1 && rest.bytes().all(|b| b.is_ascii_lowercase()));
        letter || crate::util::version::of_series(version, line)
    };
    let mut i = 0;
    while i < releases.len() {
        // In no line, or in the line named for the project (OpenSSL's `source/` once the
        // FIPS module beside it makes its products lines: 3.0.15 was archived there while
        // the older 3.0.14 stayed current in `old/3.0/`).
        let main = releases[i].line.as_deref().is_none_or(|l| l.eq_ignore_ascii_case(project));
        let line = main.then(|| lines.iter().find(|(s, _)| of(&releases[i].version, s))).flatten();
        let Some((_, line)) = line.cloned() else {
            i += 1;
            continue;
        };
        let bare = crate::util::version::bare(&releases[i].version);
        let same = releases
            .iter()
            .position(|o| o.line.as_deref() == Some(line.as_str()) && crate::util::version::bare(&o.version) == bare);
        match same {
            // The same version in the line's folder too: one release.
            Some(j) => {
                let r = releases.remove(i);
                releases[if j > i { j - 1 } else { j }].absorb(r);
            }
            None => {
                releases[i].line = Some(line);
                i += 1;
            }
        }
    }
}

/// A release read from a directory inside another release's directory, of the same line
/// and version, is a folder of that release (Alpine's `releases/x86_64/netboot-3.21.0/`
/// beside `alpine-minirootfs-3.21.0-x86_64.tar.gz`): its files join the outer release,
/// named by their path from its directory. It was "the same version twice".
pub(super) fn fold_nested(releases: &mut Vec<Release>) {
    let bare = crate::util::version::bare;
    let mut i = 0;
    while i < releases.len() {
        let inner = &releases[i];
        let outer = releases.iter().position(|o| {
            o.line == inner.line
                && bare(&o.version) == bare(&inner.version)
                && inner.dir.rel.strip_prefix(o.dir.rel.as_ref()).is_some_and(|r| r.starts_with('/'))
                // Named for something and the version (`netboot-3.21.0`), or the version and
                // the system its files are for (BusyBox's `1.35.0-x86_64-linux-musl/`); a
                // directory that is the version alone beside loose files of it is a problem
                // of its own.
                && (!super::flat::starts_version(inner.dir.rel.rsplit('/').next().unwrap_or_default())
                    || super::dir_versions::built_for(inner.dir.rel.rsplit('/').next().unwrap_or_default()).is_some())
        });
        let Some(o) = outer else {
            i += 1;
            continue;
        };
        let mut inner = releases.remove(i);
        let outer = &mut releases[if o > i { o - 1 } else { o }];
        let folder = inner.dir.rel[outer.dir.rel.len() + 1..].to_string();
        for a in &mut inner.artifacts {
            a.name_from(&folder);
        }
        inner.dirs.push(inner.dir.clone());
        outer.absorb(inner);
    }
}

/// Lines named for a kind of package and the same word (Jenkins's LTS in
/// `war-stable/2.479.2/jenkins.war` and `windows-stable/2.479.2/jenkins.msi`, beside the
/// weekly `war/` and `windows/`) are one line named by the word, each version one release.
/// They were lines `war-stable` and `windows-stable`, 2.479.2 in each. So are a line's
/// builds kept beside it in a line named for it and a kind (NetBeans's
/// `netbeans-installers/`): lines `netbeans` and `netbeans-installers`, 23 in each, and
/// the page offered only the sources. Their keys, if a line has its own, go with the
/// line's new name.
pub(super) fn join_kind_lines(releases: &mut Vec<Release>, line_keys: &mut [(String, FileRef)]) {
    let word = |line: &str| {
        let (kind, word) = line.rsplit('/').next().unwrap_or(line).split_once('-')?;
        (super::dir_names::is_folder(kind) && !word.is_empty()).then(|| word.to_string())
    };
    let kinds: std::collections::BTreeSet<String> = releases.iter().filter_map(|r| r.line.clone()).collect();
    // Only where two such lines share the word: one alone keeps its name.
    let mut by_word: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    kinds.iter().filter_map(|l| word(l)).for_each(|w| *by_word.entry(w).or_default() += 1);
    // And a line named for another and a kind (NetBeans's `netbeans-installers/23/`
    // beside `netbeans/23/`): its builds are that line's.
    let of_line = |line: &str| {
        let (other, kind) = line.rsplit_once('-')?;
        (super::dir_names::is_folder(kind) && kinds.contains(other)).then(|| other.to_string())
    };
    let renamed = |line: &str| word(line).filter(|w| by_word.get(w).is_some_and(|n| *n > 1)).or_else(|| of_line(line));
    let mut joined = std::collections::BTreeSet::new();
    for r in releases.iter_mut() {
        if let Some(w) = r.line.as_deref().and_then(renamed) {
            joined.insert(w.clone());
            r.line = Some(w);
        }
    }
    if joined.is_empty() {
        return;
    }
    for (line, _) in line_keys.iter_mut() {
        if let Some(w) = renamed(line) {
            *line = w;
        }
    }
    absorb_same(releases, &joined);
}

/// Of the releases of the lines `joined`, each one of a version takes the others of it.
fn absorb_same(releases: &mut Vec<Release>, joined: &std::collections::BTreeSet<String>) {
    let bare = crate::util::version::bare;
    let mut i = 0;
    while i < releases.len() {
        let ours = releases[i].line.as_ref().is_some_and(|l| joined.contains(l));
        // (Not a candidate and its final: `war-stable-rc/2.479.3/` and `war-stable/2.479.3/`.)
        let pre = in_prerelease_folder;
        let same = |o: &Release| {
            ours && o.line == releases[i].line
                && bare(&o.version) == bare(&releases[i].version)
                && pre(o) == pre(&releases[i])
        };
        match (i + 1..releases.len()).find(|&j| same(&releases[j])) {
            Some(j) => {
                let other = releases.remove(j);
                releases[i].dirs.push(other.dir.clone());
                releases[i].absorb(other);
            }
            None => i += 1,
        }
    }
}

/// Lines named for a product and a platform or kind of package, side by side, as
/// SourceForge keeps a release's builds (Lazarus's `Lazarus_Windows_64_bits/Lazarus_3.6/`,
/// `Lazarus_Linux_amd64_DEB/Lazarus_3.6/`, `Lazarus_Zip__GZip/Lazarus_3.6/`): one line
/// named for the product, each version one release. They were a line a platform, 3.6 in
/// each, and `keep` counted per platform.
pub(super) fn join_platform_lines(releases: &mut Vec<Release>, line_keys: &mut [(String, FileRef)]) {
    use std::collections::{BTreeMap, BTreeSet};
    let kinds = ["zip", "gzip", "tgz", "tar", "7z", "debian", "ubuntu", "fedora"];
    let split = |line: &str| {
        let (up, last) = line.rsplit_once('/').map_or(("", line), |(u, l)| (u, l));
        // `Lazarus_Windows_64_bits`; with a `-` only for a system or the sources, named
        // outright (Maxima's `Maxima-source/`, `Maxima-Linux/`, `Maxima-Windows-Installer/`).
        let dashed = !last.contains('_');
        let (product, rest) = last.split_once(if dashed { '-' } else { '_' })?;
        let words = rest.split(['_', '-', '.']).filter(|w| !w.is_empty()).map(str::to_ascii_lowercase);
        let named = words.collect::<Vec<_>>().iter().any(|w| match dashed {
            true => crate::util::platform::names_platform(w) || ["source", "src", "sources"].contains(&w.as_str()),
            false => {
                super::dir_names::is_folder(w)
                    || crate::util::platform::names_platform(w)
                    || kinds.contains(&w.as_str())
            }
        }) && !product.contains(|c: char| c.is_ascii_digit());
        let joined = if up.is_empty() { product.to_string() } else { format!("{up}/{product}") };
        named.then_some(joined)
    };
    // Only where two such lines of one product share a version.
    let mut versions: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for r in releases.iter() {
        if let Some((line, to)) = r.line.as_deref().and_then(|l| Some((l, split(l)?))) {
            let of = versions.entry(to).or_default().entry(line.to_string()).or_default();
            of.insert(crate::util::version::bare(&r.version));
        }
    }
    let shared = |lines: &BTreeMap<String, BTreeSet<String>>| {
        lines.len() > 1 && lines.iter().any(|(a, va)| lines.iter().any(|(b, vb)| a != b && !va.is_disjoint(vb)))
    };
    let renamed: BTreeMap<String, String> = versions
        .iter()
        .filter(|(_, lines)| shared(lines))
        .flat_map(|(to, lines)| lines.keys().map(move |l| (l.clone(), to.clone())))
        .collect();
    if renamed.is_empty() {
        return;
    }
    for r in releases.iter_mut() {
        if let Some(to) = r.line.as_ref().and_then(|l| renamed.get(l)) {
            r.line = Some(to.clone());
        }
    }
    for (line, _) in line_keys.iter_mut() {
        if let Some(to) = renamed.get(line.as_str()) {
            *line = to.clone();
        }
    }
    absorb_same(releases, &renamed.values().cloned().collect());
}

/// Builds kept in folders named for their systems or for builds, apart from the
/// version's directory (KiCad's `windows/stable/kicad-8.0.7-x86_64.exe` and
/// `macos/stable/…-8.0.7.dmg`, its sources in `sources/8.0.7/`; Zabbix's
/// `binaries/stable/7.2/7.2.2/` beside `sources/stable/7.2/zabbix-7.2.2.tar.gz`), join
/// the release of the same line and version read elsewhere (or the version a build's
/// package revision is of: SWI-Prolog's `bin/swipl-9.2.9-1.x64.exe`), when no file name is
/// in both. It was "the same version twice".
pub(super) fn join_system_builds(releases: &mut Vec<Release>) {
    let in_system_folders = |r: &Release| {
        // The folders between the project's directory and the file.
        let system = |rel: &str| {
            let parts: Vec<&str> = rel.split('/').collect();
            let builds = |f: &&str| {
                crate::util::platform::names_platform(f)
                    || ["binaries", "binary", "bin", "builds", "installers"].contains(&f.to_ascii_lowercase().as_str())
            };
            parts.len() > 2 && parts[1..parts.len() - 1].iter().any(builds)
        };
        !r.artifacts.is_empty() && r.artifacts.iter().all(|a| system(&a.file.rel))
    };
    let bare = crate::util::version::bare;
    let mut i = 0;
    while i < releases.len() {
        let (a, builds) = (&releases[i], in_system_folders(&releases[i]));
        // (A build's package revision is of the version: SWI-Prolog's
        // `bin/swipl-9.2.9-1.x64.exe` beside `src/swipl-9.2.9.tar.gz`.)
        let revision = |build: &str, of: &str| crate::util::version::revision_of(build) == Some(of);
        let joins = |b: &Release| {
            let b_builds = in_system_folders(b);
            let same = bare(&b.version) == bare(&a.version)
                || (builds && !b_builds && revision(&a.version, &b.version))
                || (b_builds && !builds && revision(&b.version, &a.version));
            b.line == a.line
                && same
                && (builds || b_builds)
                && !b.artifacts.iter().any(|x| a.artifacts.iter().any(|y| x.name() == y.name()))
        };
        match (0..releases.len()).filter(|&j| j != i).find(|&j| joins(&releases[j])) {
            // The release of the sources (in no system's folder) takes the builds.
            Some(j) => {
                let (keep, take) = if builds { (j, i) } else { (i, j) };
                let other = releases.remove(take);
                let keep = if take < keep { keep - 1 } else { keep };
                releases[keep].absorb(other);
                i = 0;
            }
            None => i += 1,
        }
    }
}

/// Extended-support releases named so in their version (Firefox's and Thunderbird's
/// `releases/128.5.0esr/` beside `releases/133.0/`): a line of their own, `esr` (or
/// `<line>-esr`), so that `keep` counts them apart. Newer rapid releases archived them.
pub(super) fn support_lines(releases: &mut [Release]) {
    for r in releases.iter_mut() {
        let lower = r.version.to_ascii_lowercase();
        let esr = lower.strip_suffix("esr").is_some_and(|v| v.ends_with(|c: char| c.is_ascii_digit()));
        if esr {
            r.line = Some(r.line.as_ref().map_or_else(|| "esr".to_string(), |l| format!("{l}-esr")));
        }
    }
}

/// A series' first release alone in its folder, named without `.0` (MIT Kerberos's
/// `1.22/krb5-1.22.tar.gz`, beside `1.21/` holding 1.21, 1.21.2 and 1.21.3): of the
/// series line its folder is named for, as its siblings are. Read as a release of its
/// own, its page moved from `1.22/` to `1.22/1.22/` when 1.22.1 came, and the links its
/// announcement gave were gone.
pub(super) fn lone_series_firsts(releases: &mut [Release]) {
    let folder = |r: &Release| r.dir.rel.rsplit_once('/').map(|(parent, name)| (parent.to_string(), name.to_string()));
    // The parents of series lines: folders whose name is their line's, a series.
    let parents: std::collections::BTreeSet<String> = releases
        .iter()
        .filter_map(|r| {
            let (parent, name) = folder(r)?;
            let line = r.line.as_deref()?;
            (line == name && crate::util::version::of_series(&r.version, line)).then_some(parent)
        })
        .collect();
    for r in releases.iter_mut().filter(|r| r.line.is_none()) {
        let Some((parent, name)) = folder(r) else { continue };
        if name == r.version && r.version.matches('.').count() == 1 && parents.contains(&parent) {
            r.line = Some(name);
        }
    }
}
