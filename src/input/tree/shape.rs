//! What each directory of a project is, read from its name and what it holds, the way
//! publishers lay their trees out:
//! - a version directory (`2.4.58/`, `v9.0.83/`, `39/`): one release (a file naming
//!   another version in it is a release of its own: Python keeps `3.13.0rc2` in `3.13.0/`,
//!   Bitcoin Core `28.1rc1` in `bitcoin-core-28.1/test.rc1/`);
//! - a product directory (`hadoop-3.3.6/`, `flink-connector-kafka-3.0.2/`): one release;
//! - a series (`v6.x/`, `2.4/`, `bash-5.2-patches/`): a line of releases side by side;
//! - a grouping directory (`binaries/`, `source/`, `releases/`), a dated one
//!   (`2023-12-28/`), a hidden one (Ubuntu's `.pool/`), or one that only leads to another
//!   (`linux/kernel/`): what it holds belongs to the directory above;
//! - any other directory (`tomcat-9/`, `commons/lang/`, `incubator/hertzbeat/`): a line
//!   (a sub-project), with its own KEYS when it has one.
//!
//! Files kept side by side are grouped by product and version (`apr-1.7.4`,
//! `apr-util-1.6.3`); products released together (Rust's `rust-`, `cargo-`, `rustc-`,
//! sharing their versions) are one line, products released apart each a line of its own.

use super::dir_names::{is_copies, is_date, is_grouping, is_holder, names_date, series_name};
use super::dir_versions::{
    build_number, built_for, folder_of_series, holds_series, names_others_only, own_version, series_in_grouping,
};
use super::dirs::Dir;
use super::flat;
use super::key_names::is_keys;
use super::products::{Times, made_apart, own_name, product_groups};
use crate::input::notes::Notes;
use crate::model::digests::Algo;
use crate::model::tree::{FileRef, ListScheme, checksum_list};
use crate::util::problem::{Problem, Problems};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

mod strays;

/// A release found: its version and line, the KEYS that sign it (a line's, by name, or
/// the project's when `None`), its directory and its files by their path from it.
#[derive(Debug)]
pub(super) struct RawRelease {
    pub(super) version: String,
    pub(super) line: Option<String>,
    pub(super) keys: Option<String>,
    pub(super) dir: FileRef,
    pub(super) files: Vec<(String, FileRef)>,
    pub(super) dirs: Vec<FileRef>,
    /// How it was read, for `closer releases --explain`.
    pub(super) reading: String,
}

/// What a project's directories hold.
#[derive(Default)]
pub(super) struct Shapes {
    pub(super) releases: Vec<RawRelease>,
    /// KEYS of lines and sub-projects, by the name releases give in `keys`.
    pub(super) line_keys: Vec<(String, FileRef)>,
    /// Notes beside the releases (and their signatures and checksums).
    pub(super) notes: Vec<FileRef>,
    /// Checksum lists beside releases kept side by side, which cover several of them.
    pub(super) lists: Vec<(Algo, FileRef)>,
    pub(super) list_signatures: Vec<(Algo, FileRef, ListScheme)>,
}

/// What the directory being read stands for.
#[derive(Clone, Default)]
struct Scope {
    /// The line its releases belong to (a sub-project's or series' name).
    line: Option<String>,
    /// The KEYS that sign them, when a line's own.
    keys: Option<String>,
    /// Why its releases are in that line, for `--explain`.
    why: String,
}

impl Scope {
    fn line(name: &str, keys: &Option<String>, why: &str) -> Scope {
        Scope { line: Some(name.to_string()), keys: keys.clone(), why: format!("; line `{name}`: {why}") }
    }
}

/// Files by their path from a directory.
type Files = Vec<(String, FileRef)>;

/// A file of releases kept side by side: its path from the directory that holds them.
struct Flat {
    name: String,
    file: FileRef,
    product: String,
    version: String,
}

/// A release a directory holds in a directory of its own, before its line is known.
struct Candidate {
    product: Option<String>,
    release: RawRelease,
}

pub(super) struct Reader<'a> {
    pub(super) root: &'a Path,
    pub(super) notes: &'a Notes,
    /// The layout rules tried, for the message about a file nothing places.
    pub(super) tried: &'a str,
    pub(super) problems: &'a mut Problems,
    pub(super) out: Shapes,
}

impl Reader<'_> {
    fn is_note(&self, name: &str) -> bool {
        super::is_note(self.notes, name)
    }

    /// Is the directory `d`, which names the version `own`, a series of releases kept
    /// side by side (kernel.org's `v6.x/`, util-linux's `v2.39/` holding 2.39 and 2.39.3,
    /// GNU's `bash-5.2-patches/`) rather than one release? Its files name versions other
    /// than its own: versions that go on from it (`2.39.3`), or only other ones, several
    /// of them or under a series or product name.
    fn is_series(&self, d: &Dir, versions: &[Option<String>], own: &str) -> bool {
        // The versions the files right in `d` name, notes not counted. Most name the
        // directory's own version: whether one is a note is asked only while no file
        // has shown the version to be the directory's own (the scan asks this of every
        // version directory).
        let mut others = BTreeSet::new();
        let mut has_own = false;
        // A product's directory (SourceForge's `Lazarus_3.6/`) is its release, also when
        // a package writes the version with a `.0` (`lazarus-project_3.6.0-0_amd64.deb`);
        // a bare series (KDE's `frameworks/6.8/` of `kross-6.8.0`) is not.
        let product = !flat::starts_version(d.name());
        let zero =
            |v: &str| product && crate::util::version::bare(v) == format!("{}.0", crate::util::version::bare(own));
        for ((n, _), v) in d.files.iter().zip(versions) {
            let Some(v) = v else { continue };
            if own_version(own, v) || zero(v) {
                has_own = has_own || !self.is_note(n);
            } else if !self.is_note(n) {
                others.insert(v.as_str());
            }
        }
        // Elixir's `v1.17.3/` holds `elixir-otp-25.zip` to `-27.zip`: whole numbers of what
        // the release was built for, not versions of their own.
        let built_for = own.contains('.')
            && flat::starts_version(d.name())
            && !series_name(d.name())
            && others.iter().all(|v| v.bytes().all(|b| b.is_ascii_digit()));
        if built_for {
            return false;
        }
        if build_number(own, &others) {
            return false;
        }
        let goes_on = others.iter().any(|v| crate::util::version::of_series(v, own));
        !others.is_empty()
            && (goes_on || (!has_own && (others.len() > 1 || series_name(d.name()) || !flat::starts_version(d.name()))))
    }

    /// Does the directory only hold what belongs to the one above: a dated or hidden
    /// directory, one that holds releases (`releases/`), a grouping one (`binaries/`,
    /// `x86_64/`; with version directories, LibreOffice's `src/24.8.4/`), or one with no
    /// files that leads to one other?
    fn is_transparent(&self, d: &Dir) -> bool {
        let name = d.name();
        if is_date(name) {
            // A dated snapshot of releases kept elsewhere (Rust's `dist/2023-12-28/`),
            // unless its files name the date as theirs: then the date is the release's
            // version (Void Linux's `live/20240314/void-live-x86_64-20240314-base.iso`).
            return !d.files.iter().any(|(n, _)| names_date(n, name));
        }
        if name.starts_with('.') {
            return true;
        }
        // SQLite's `2024/`, `2025/`: the year its releases came out, whose files name
        // versions of their own (not a year's version, CalVer's `2024/app-2024.tar.gz`).
        if name.len() == 4 && name.parse::<u16>().is_ok_and(|y| (1990..=2100).contains(&y)) {
            let versions: Vec<String> = d.files.iter().filter_map(|(n, _)| flat::version_of(n)).collect();
            return !versions.is_empty() && !versions.iter().any(|v| v.starts_with(name));
        }
        let lower = name.to_ascii_lowercase();
        // (Before the version test: `x86_64` would read as version 64, `latest-v22.x`
        // as 22.)
        if is_grouping(&lower) || is_copies(name) {
            return true;
        }
        if flat::starts_version(name) || flat::version_of(name).is_some() {
            return false;
        }
        // One that only leads to a series or to a directory of releases (kernel.org's
        // `linux/kernel/v6.x/`, Fedora's `fedora/linux/releases/`); not a sub-project
        // whose files sit in a grouping directory (Commons' `io/binaries/`), nor a line
        // that holds one version for now (Manjaro's `gnome/24.2.1/` beside `kde/24.2.0/`
        // and `kde/24.2.1/`: read through, it was 24.2.1 twice).
        let leads_on = |c: &Dir| (flat::starts_version(c.name()) && series_name(c.name())) || is_holder(c.name());
        is_holder(name) || (d.files.is_empty() && d.dirs.len() == 1 && d.dirs.iter().all(leads_on))
    }

    /// Reads the project directory itself (its KEYS already taken out).
    pub(super) fn project(&mut self, top: Dir) {
        self.container(top, Scope::default());
    }

    /// Reads a directory that holds releases: its own files, then its subdirectories.
    fn container(&mut self, mut d: Dir, mut scope: Scope) {
        if let Some(line) = scope.line.clone()
            && let Some(keys) = super::key_names::take(&mut d.files)
        {
            self.out.line_keys.push((line.clone(), keys));
            scope.keys = Some(line);
        }
        let series = flat::starts_version(d.name()).then(|| d.name().to_string());
        let mut flats = Vec::new();
        let mut candidates = Vec::new();
        let mut grouping = Vec::new();
        self.gather(d.files, "", &mut flats, scope.line.as_deref());
        let join = super::dir_versions::series_files_join_newest;
        series.iter().for_each(|s| join(flats.iter_mut().map(|f| (&*f.name, &mut f.version)).collect(), s));
        let mut todo: Vec<(String, Dir)> = d.dirs.into_iter().map(|c| (String::new(), c)).collect();
        while let Some((prefix, c)) = todo.pop() {
            if c.is_empty() && !flat::starts_version(c.name()) {
                continue;
            }
            if let Some(lists) = version_lists(&c, &flats) {
                self.out.lists.extend(lists);
                continue;
            }
            let of_series = series.as_deref().is_some_and(|s| folder_of_series(s, &c));
            let newest = (!prefix.is_empty()).then(|| series_in_grouping(&c)).flatten();
            if let Some(newest) = newest {
                let (inner, from) = (format!("{prefix}{}/", c.name()), flats.len());
                let own = flat::version_of(c.name()).unwrap_or_default();
                grouping.push(c.dir.clone());
                self.gather(c.files, &inner, &mut flats, scope.line.as_deref());
                flats[from..].iter_mut().filter(|f| f.version == own).for_each(|f| f.version = newest.clone());
                continue;
            }
            if (of_series || self.is_transparent(&c)) && !c.is_empty() {
                let inner = format!("{prefix}{}/", c.name());
                grouping.push(c.dir.clone());
                self.gather(c.files, &inner, &mut flats, scope.line.as_deref());
                todo.extend(c.dirs.into_iter().map(|g| (inner.clone(), g)));
                continue;
            }
            self.child(c, &scope, &mut candidates);
        }
        tagged_versions_join(&mut flats);
        self.place(flats, candidates, (&d.dir, series.is_some()), &grouping, &scope);
    }

    /// Sorts the files right in a directory: notes, checksum lists and their signatures,
    /// and the versioned files of releases kept side by side.
    fn gather(&mut self, files: Vec<(String, FileRef)>, prefix: &str, flats: &mut Vec<Flat>, line: Option<&str>) {
        let mut named_notes = Vec::new();
        let mut strays: Vec<(String, FileRef)> = Vec::new();
        for (name, file) in files {
            match checksum_list(&name) {
                Some((algo, false)) => self.out.lists.push((algo, file)),
                Some((algo, true)) => self.out.list_signatures.push((algo, file, ListScheme::Openpgp)),
                None if self.is_note(&name) => match flat::product_and_version(&name) {
                    Some(of) => named_notes.push((name, file, of)),
                    None => self.out.notes.push(file),
                },
                None if is_keys(&name) => self.out.notes.push(file),
                None => match flat::product_and_version(&name) {
                    Some((product, version)) => {
                        flats.push(Flat { name: format!("{prefix}{name}"), file, product, version })
                    }
                    None => strays.push((name, file)),
                },
            }
        }
        self.strays(&strays, prefix, flats, line);
        // Notes named after a release beside them go with it (GNOME's `glib-2.82.2.news`
        // and `.changes`, which its `.sha256sum` lists, and which leave the mirrors with
        // it); others (`CHANGES-APR-1.7`) are the project's.
        if named_notes.is_empty() {
            return;
        }
        let releases: BTreeSet<(String, String)> =
            flats.iter().map(|f| (f.product.clone(), f.version.clone())).collect();
        for (name, file, of) in named_notes {
            if releases.contains(&of) {
                let (product, version) = of;
                flats.push(Flat { name: format!("{prefix}{name}"), file, product, version });
            } else {
                self.out.notes.push(file);
            }
        }
    }

    /// A subdirectory of a directory of releases: a line with version directories
    /// (`tomcat-9/`, Qt's `6.6/`), a series, a release of its own, or a sub-project.
    fn child(&mut self, c: Dir, scope: &Scope, candidates: &mut Vec<Candidate>) {
        let name = c.name().to_string();
        if c.dirs.iter().any(|g| flat::starts_version(g.name())) {
            return self.container(c, Scope::line(&name, &scope.keys, "a directory of version directories"));
        }
        let (product, version) = if flat::starts_version(&name) {
            (None, Some(built_for(&name).unwrap_or(&name).to_string()))
        } else {
            flat::product_and_version(&name).map_or((None, None), |(p, v)| (Some(p), Some(v)))
        };
        // The versions the files right in it name, read once for both questions.
        let versions: Vec<Option<String>> = c.files.iter().map(|(n, _)| flat::version_of(n)).collect();
        match version {
            Some(v) if self.is_series(&c, &versions, &v) || holds_series(&c, &versions, &v) => {
                let why = "a series: its files name versions other than its own";
                self.container(c, Scope::line(&name, &scope.keys, why))
            }
            // Named like a product and version (Armbian's board folder `rock-5b/`) while
            // every versioned file below names versions of its own, none its: a
            // sub-project, not release `5b`.
            Some(v) if product.is_some() && names_others_only(&c, &v) => {
                self.container(c, Scope::line(&name, &scope.keys, "a sub-project directory"))
            }
            Some(v) => self.release_dir(c, versions, v, product, scope, candidates),
            None => self.container(c, Scope::line(&name, &scope.keys, "a sub-project directory")),
        }
    }

    /// A directory that is one release, or several when its files name other versions
    /// beside its own (Python's `3.13.0/` holds `3.13.0rc2` too, Wine's `10.0/` holds
    /// `wine-10.0-rc1` before `wine-10.0`).
    fn release_dir(
        &mut self,
        c: Dir,
        versions: Vec<Option<String>>,
        version: String,
        product: Option<String>,
        scope: &Scope,
        out: &mut Vec<Candidate>,
    ) {
        let dir = c.dir.clone();
        // Spelt with dots: Boost's `boost_1_87_0_rc1` is of `1.87.0/`.
        let bare = |v: &str| crate::util::version::bare(v).replace('_', ".");
        let own = bare(&version);
        // Only a pre-release of the directory's version (`3.13.0rc2` in `3.13.0/`), or a
        // patch letter after it (`1.1.1w` in `1.1.1/`), is another release; any other
        // version in a name (Kafka's `kafka_2.13-3.6.1` names its Scala version first) is
        // not the release's.
        // (`10.0-rc1` in Wine's `10.0/` too: a pre-release after a separator.)
        let another = |v: &String| {
            bare(v).strip_prefix(&own).is_some_and(|r| {
                r.starts_with(|c: char| c.is_ascii_alphabetic())
                    || (r.starts_with(['-', '_', '.', '~']) && crate::util::version::is_prerelease(v))
            })
        };
        // A subdirectory whose files name one such version is that release, its checksum
        // list and signature with it (Bitcoin Core's `bitcoin-core-28.1/test.rc1/`).
        let subdirs: Vec<(String, String)> = c
            .dirs
            .iter()
            .filter_map(|g| {
                let named: BTreeSet<String> =
                    g.files.iter().filter(|(n, _)| !self.is_note(n)).filter_map(|(n, _)| flat::version_of(n)).collect();
                let one = named.first().filter(|v| named.len() == 1 && another(v))?;
                Some((format!("{}/", g.name()), one.clone()))
            })
            .collect();
        let (files, dirs) = c.flatten();
        let mut by_version: BTreeMap<String, Vec<(String, FileRef)>> = BTreeMap::new();
        // `flatten` gives the files right in the directory first, in order.
        let mut versions = versions.into_iter();
        for (n, f) in files {
            let base = n.rsplit('/').next().unwrap_or(&n);
            let named = versions.next().flatten().or_else(|| n.contains('/').then(|| flat::version_of(base)).flatten());
            let other = match subdirs.iter().find(|(sub, _)| n.starts_with(sub.as_str())) {
                Some((_, v)) => Some(v.clone()),
                // In a folder too when a pre-release (Boost's `source/boost_1_87_0_rc1.zip`).
                None => named
                    .filter(|v| !n.contains('/') || crate::util::version::is_prerelease(v))
                    .filter(another)
                    .filter(|_| !self.is_note(&n)),
            };
            by_version.entry(other.unwrap_or_else(|| version.clone())).or_default().push((n, f));
        }
        let what = match &product {
            Some(p) => format!("the directory `{}`, named for product `{p}` and version {version}", dir.rel),
            None => format!("the version directory `{}`", dir.rel),
        };
        for (v, files) in by_version {
            let reading = if v == version {
                format!("{what}{}", scope.why)
            } else if crate::util::version::is_prerelease(&v) {
                format!("files naming the pre-release {v} in {what}{}", scope.why)
            } else {
                // A patch letter: OpenSSL's `old/1.1.1/` holds 1.1.1a to 1.1.1w.
                format!("files naming the version {v} in {what}{}", scope.why)
            };
            let release = RawRelease {
                version: v,
                line: scope.line.clone(),
                keys: scope.keys.clone(),
                dir: dir.clone(),
                files,
                dirs: dirs.clone(),
                reading,
            };
            out.push(Candidate { product: product.clone(), release });
        }
    }
}

/// A version written as its tag (MongoDB's `mongodb-src-r8.0.4.tar.gz`, from tag
/// `r8.0.4`; libarchive's Windows build `libarchive-v3.7.7-amd64.zip`) beside files
/// naming it plainly (`mongodb-linux-x86_64-ubuntu2204-8.0.4.tgz`,
/// `libarchive-3.7.7.tar.gz`) is that version: it was a release `r8.0.4` of its own,
/// archived at once, and the sources never reached the page; `v3.7.7` and `3.7.7` were
/// the same version twice, and held libarchive back.
fn tagged_versions_join(flats: &mut [Flat]) {
    let plain: BTreeSet<String> = flats.iter().map(|f| f.version.clone()).collect();
    for f in flats.iter_mut() {
        let untagged =
            f.version.strip_prefix(['r', 'R', 'v', 'V']).filter(|v| v.starts_with(|c: char| c.is_ascii_digit()));
        if let Some(v) = untagged.filter(|v| v.contains('.') && plain.contains(*v)) {
            f.version = v.to_string();
        }
    }
}

impl Reader<'_> {
    /// Groups what a directory holds into releases: its files kept side by side by
    /// product and version, and the releases in directories of their own. Products
    /// released apart are lines of their own (Apache APR's `apr` and `apr-util`, Maven's
    /// plugins), unless the directory holds version directories too.
    fn place(
        &mut self,
        flats: Vec<Flat>,
        candidates: Vec<Candidate>,
        (dir, series): (&FileRef, bool),
        grouping: &[FileRef],
        scope: &Scope,
    ) {
        // Files in a folder of pre-releases (HAProxy's `3.0/src/snapshot/haproxy-ss-…`)
        // are the line's snapshots, whatever their product: they split no line (each
        // branch's snapshots made two lines, `haproxy` and `haproxy-ss`, across branches).
        let apart = |f: &Flat| {
            scope.line.is_some() && f.name.split('/').rev().skip(1).any(crate::util::version::is_prerelease_folder)
        };
        let (versions, times) = product_versions(flats.iter().filter(|f| !apart(f)), &candidates);
        let mut groups = product_groups(&versions, &times, series);
        own_name(&mut groups, &flat::normalise(dir.rel.rsplit('/').next().unwrap_or_default()));
        let distinct: BTreeSet<&String> = groups.values().collect();
        let split = distinct.len() > 1 && candidates.iter().all(|c| c.product.is_some());
        if split {
            self.shared_versions(&versions, &groups, &times, dir);
        }
        let line_of = |product: Option<&String>| match product {
            Some(p) if split => groups.get(p).cloned(),
            _ => scope.line.clone(),
        };
        let mut by: BTreeMap<(Option<String>, String), Files> = BTreeMap::new();
        for f in flats {
            let line = if apart(&f) { scope.line.clone() } else { line_of(Some(&f.product)) };
            by.entry((line, f.version)).or_default().push((f.name, f.file));
        }
        let why = |line: &Option<String>| match line {
            Some(l) if split => {
                format!("; line `{l}`: products released apart in `{}` are lines of their own", dir.rel)
            }
            _ => scope.why.clone(),
        };
        for ((line, version), files) in by {
            let holds = |d: &&FileRef| files.iter().any(|(_, f)| crate::util::fs::is_under(&f.rel, &d.rel));
            let dirs = grouping.iter().filter(holds).cloned().collect();
            let reading = format!("files kept side by side in `{}`, named <product>-{version}{}", dir.rel, why(&line));
            self.out.releases.push(RawRelease {
                version,
                line,
                keys: scope.keys.clone(),
                dir: dir.clone(),
                files,
                dirs,
                reading,
            });
        }
        for c in candidates {
            let mut r = c.release;
            r.line = line_of(c.product.as_ref());
            if split {
                r.reading = format!("{}{}", r.reading.split("; line").next().unwrap_or(&r.reading), why(&r.line));
            }
            self.out.releases.push(r);
        }
    }

    /// Products read as released apart that still share versions made together: say
    /// which readings there are, and the rule that makes them one line. (One version in
    /// common, or versions made weeks apart, is a coincidence: X.Org's `lib/` holds a
    /// hundred libraries, numbered alike.)
    fn shared_versions(
        &mut self,
        versions: &BTreeMap<String, BTreeSet<String>>,
        groups: &BTreeMap<String, String>,
        times: &Times,
        dir: &FileRef,
    ) {
        let products: Vec<&String> = versions.keys().collect();
        for (i, a) in products.iter().enumerate() {
            for b in &products[i + 1..] {
                if groups[*a] == groups[*b] {
                    continue;
                }
                let shared: Vec<&String> = versions[*a].intersection(&versions[*b]).collect();
                if shared.len() < 2 || made_apart(a, b, &shared, times) {
                    continue;
                }
                // (Each one, up to three: GROMACS's `gromacs-2024.4` and `regressiontests-2024.4`
                // share 2024.4 as well as 2024.)
                let mut v: Vec<&str> = shared.iter().take(3).map(|s| s.as_str()).collect();
                if shared.len() > 3 {
                    v.push("…");
                }
                let v = v.join(", ");
                // The rule's path from the project's directory: none in the project's own.
                let folder = dir.rel.split_once('/').map_or("", |(_, r)| r).trim_start_matches('/');
                let folder = if folder.is_empty() { String::new() } else { format!("{folder}/") };
                self.problems.push(
                    Problem::new(
                        self.root.join(&*dir.rel).display().to_string(),
                        format!(
                            "holds `{a}` and `{b}`, which share versions {v} but are otherwise released apart: \
                             closer reads them as two lines, `{}` and `{}`",
                            groups[*a], groups[*b]
                        ),
                    )
                    .hint(format!(
                        "if they are one line, say so with a layout rule: - path: \"{folder}{b}-{{version}}*\"  line: {}",
                        groups[*a]
                    )),
                );
            }
        }
    }
}

/// The versions of each product among `flats` and `candidates`, and, where there are
/// several products to tell apart, when each product's versions were made.
fn product_versions<'f>(
    flats: impl Iterator<Item = &'f Flat> + Clone,
    candidates: &[Candidate],
) -> (BTreeMap<String, BTreeSet<String>>, Times) {
    let mut versions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in flats.clone() {
        versions.entry(f.product.clone()).or_default().insert(f.version.clone());
    }
    for c in candidates {
        if let Some(p) = &c.product {
            versions.entry(p.clone()).or_default().insert(c.release.version.clone());
        }
    }
    // When each product's versions were made: asked only where there are products to
    // tell apart (most directories hold one, and a million files' worth of keys cost).
    let mut times = Times::new();
    if versions.len() > 1 {
        let mut time = |product: &str, version: &str, t: i64| {
            let e = times.entry((product.to_string(), version.to_string())).or_insert(t);
            *e = (*e).max(t);
        };
        for f in flats {
            time(&f.product, &f.version, f.file.stat.mtime);
        }
        for c in candidates {
            if let Some(p) = &c.product {
                c.release.files.iter().for_each(|(_, f)| time(p, &c.release.version, f.stat.mtime));
            }
        }
    }
    (versions, times)
}

/// A folder of checksums (`checksums/`) whose files are each a version's list of files
/// elsewhere (Julia's `bin/checksums/julia-1.11.2.sha256` over `bin/<os>/<arch>/1.11/`),
/// not the checksum of a file one directory up (Eclipse's `checksum/X.tar.gz.sha512`):
/// lists beside the releases, which cover any of them. They were releases of their own
/// whose files were "not in the release".
fn version_lists(c: &Dir, beside: &[Flat]) -> Option<Vec<(Algo, FileRef)>> {
    if !crate::model::tree::is_checksum_dir(c.name()) || !c.dirs.is_empty() || c.files.is_empty() {
        return None;
    }
    c.files
        .iter()
        .map(|(n, f)| {
            let (stem, ext) = n.rsplit_once('.')?;
            let algo = Algo::from_ext(ext)?;
            let of_a_file = beside.iter().any(|b| b.name.rsplit('/').next() == Some(stem));
            (!of_a_file && flat::product_and_version(stem).is_some()).then(|| (algo, f.clone()))
        })
        .collect()
}
