//! "Which file do I want?": the download a project page opens with. It is the file the
//! project offers first (`plan::offered`: the newest stable release's source archive,
//! or the file front matter's `primary:` names), and beside it that release's
//! per-platform builds, which page.js offers first to a visitor on that platform.
//! Pre-releases are never the default; without JavaScript the default is what everyone
//! gets.

use super::context::{ArtifactRow, ReleaseRow};
use serde::Serialize;

/// One file the opening download can offer.
#[derive(Serialize)]
pub(super) struct GetFile {
    #[serde(flatten)]
    pub(super) row: ArtifactRow,
    /// The file everyone gets unless their platform has a build of its own.
    pub(super) default: bool,
    /// What the button says after "Download": "source code", "for Linux x86-64", or the
    /// file's name when it is neither.
    pub(super) label: String,
}

/// The opening download of a project page.
#[derive(Serialize)]
pub(super) struct GetCtx {
    pub(super) version: String,
    pub(super) title: String,
    pub(super) date: String,
    /// The release's anchor on the project page, where every file is listed.
    pub(super) anchor: String,
    /// A newer pre-release, when there is one: marked, linked, never the default.
    pub(super) newer_prerelease: Option<String>,
    /// The default file first, then the per-platform builds.
    pub(super) files: Vec<GetFile>,
}

/// Builds whose labels are the same ("for Linux x86-64" of a tarball and an AppImage) say
/// their format too: a screen reader's list of links, or a text browser, showed two alike.
/// Of the same format, they say where their names differ (Zulu's `jdk`, `fx-jdk` and
/// `jre` tarballs for one machine were three buttons "for Linux x86-64 (tar.gz)").
fn told_apart(files: &mut [GetFile]) {
    let said: Vec<(String, Option<String>)> =
        files.iter().map(|f| (f.label.clone(), package_kind(&f.row.name).map(str::to_string))).collect();
    for (f, (label, kind)) in files.iter_mut().zip(&said) {
        // (Only where the formats differ: two tarballs alike are told apart below.)
        let other_kind = said.iter().any(|(l, k)| l == label && k != kind);
        if let Some(kind) = kind.as_deref().filter(|_| other_kind) {
            f.label = format!("{label} ({kind})");
        }
    }
    let labels: Vec<String> = files.iter().map(|f| f.label.clone()).collect();
    for label in &labels {
        let alike: Vec<usize> = (0..files.len()).filter(|&i| &files[i].label == label).collect();
        if alike.len() < 2 {
            continue;
        }
        let names: Vec<&str> = alike.iter().map(|&i| base_name(&files[i].row.name)).collect();
        let middles = differing(&names);
        if middles.iter().all(|m| !m.is_empty()) {
            for (&i, m) in alike.iter().zip(middles) {
                files[i].label = format!("{label} ({m})");
            }
        }
    }
}

fn base_name(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// Of names alike, the part of each between what all begin and end with, at a word's
/// edge (`jdk`, `fx-jdk`, `jre` of Zulu's three tarballs for one machine).
fn differing(names: &[&str]) -> Vec<String> {
    let first = names[0].as_bytes();
    let common = |n: &&str, rev: bool| match rev {
        false => first.iter().zip(n.as_bytes()).take_while(|(a, b)| a == b).count(),
        true => first.iter().rev().zip(n.as_bytes().iter().rev()).take_while(|(a, b)| a == b).count(),
    };
    let (pre, suf) = (names.iter().map(|n| common(n, false)).min(), names.iter().map(|n| common(n, true)).min());
    let sep = |b: u8| matches!(b, b'-' | b'_' | b'.' | b' ');
    // Back to a separator, so that a word is said whole (`jdk21` and `jre21` share `j`).
    let pre = (0..=pre.unwrap_or(0)).rev().find(|&i| i == 0 || sep(first[i - 1])).unwrap_or(0);
    let suf = (0..=suf.unwrap_or(0).min(first.len() - pre))
        .rev()
        .find(|&i| i == 0 || sep(first[first.len() - i]))
        .unwrap_or(0);
    names
        .iter()
        .map(|n| {
            let end = n.len().saturating_sub(suf).max(pre);
            n.get(pre..end).unwrap_or("").trim_matches(|c: char| sep(c as u8)).to_string()
        })
        .collect()
}

/// A file's package format as its name ends (`AppImage`, `tar.gz`, `deb`, `msi`).
fn package_kind(name: &str) -> Option<&str> {
    const KINDS: [&str; 25] = [
        "tar.gz", "tar.xz", "tar.bz2", "tar.zst", "tgz", "appimage", "flatpak", "snap", "deb", "rpm", "dmg", "pkg",
        "msi", "msix", "exe", "zip", "7z", "iso", "iso.gz", "iso.bz2", "iso.xz", "img", "img.gz", "img.bz2", "img.xz",
    ];
    let lower = name.to_ascii_lowercase();
    let kind = KINDS.iter().find(|k| lower.len() > k.len() && lower.ends_with(&format!(".{k}")))?;
    Some(&name[name.len() - kind.len()..])
}

/// The opening download from a project page's current releases (newest first), given
/// the offered one (its position among them) and its offered file's name. `None` when
/// the offered release is a pre-release (no release is stable).
pub(super) fn get_ctx(project: &str, current: &[ReleaseRow], offered: Option<(usize, &str)>) -> Option<GetCtx> {
    let (stable, artifact) = offered?;
    let release = current.get(stable).filter(|r| !r.head.prerelease)?;
    // The file, or the copy of it the page shows in its place (same name, elsewhere).
    let base = |n: &str| n.rsplit('/').next().unwrap_or(n).to_string();
    let default = release
        .artifacts
        .iter()
        .find(|a| a.name == artifact)
        .or_else(|| release.artifacts.iter().find(|a| base(&a.name) == base(artifact)))?;
    let base = default.name.rsplit('/').next().unwrap_or(&default.name);
    let names: Vec<&str> = release.artifacts.iter().map(|a| a.name.as_str()).collect();
    let mut files = vec![GetFile {
        label: match &default.platform {
            Some(p) if default.os.is_some() || default.arch.is_some() => format!("for {p}"),
            _ if crate::util::platform::is_sources(&default.name, project)
                && !crate::util::platform::for_a_machine(&default.name, &names) =>
            {
                "source code".to_string()
            }
            // Neither a platform's build nor sources (Jenkins's `jenkins.war`, a `.jar`,
            // PHP's `php-test-pack-8.4.1.zip`, a document): its name says what it is.
            _ => base.to_string(),
        },
        row: default.clone(),
        default: true,
    }];
    // (A disk image names its machine only: IPFire's `-aarch64.img.xz` beside the ISO.)
    let image = |a: &ArtifactRow| a.arch.is_some() && crate::util::platform::is_disk_image(&a.name);
    let build = |a: &&ArtifactRow| {
        (a.os.is_some() || image(a)) && !a.superseded && !crate::util::platform::is_accessory(&a.name, project)
    };
    for a in release.artifacts.iter().filter(build).filter(|a| a.name != default.name) {
        files.push(GetFile {
            label: format!("for {}", a.platform.as_deref().unwrap_or("your platform")),
            row: a.clone(),
            default: false,
        });
    }
    // Builds of the default's kind first (PyPy's for Python 3.10 before those for 2.7,
    // which fit a visitor's machine as well): the page offers the first that fits.
    let kind = crate::util::platform::glued_number(&default.name, project);
    files[1..].sort_by_key(|f| kind.is_some() && crate::util::platform::glued_number(&f.row.name, project) != kind);
    told_apart(&mut files);
    Some(GetCtx {
        version: release.head.version.clone(),
        title: release.head.title.clone(),
        date: release.head.date.clone(),
        anchor: format!("v{}", release.head.version),
        // (A newer final of another line, or one for one system, is none.)
        newer_prerelease: current[..stable].iter().find(|r| r.head.prerelease).map(|r| r.head.version.clone()),
        files,
    })
}
