//! Lines of builds alone named for another product than the sources beside them
//! (GRASS GIS's `WinGRASS-8.4.0-1-Setup.exe` beside `grass-8.4.0.tar.gz`, SageMath's
//! `osx/arm64/SageMath-10.5-arm64.dmg` beside `src/sage-10.5.tar.gz`, QGIS's
//! `QGIS-OSGeo4W-3.40.2-1.msi` beside `qgis-3.40.2.tar.bz2`): each of their releases is
//! a build of the sources' release of its version, and joins it. Read apart, the release
//! pages had no installer and every visitor was offered the sources.

use crate::model::tree::Release;
use crate::util::platform::{is_sources, platform};

/// The version a build names, as the sources' release would: `3.40.2` of `3.40.2-1` (a
/// package revision) and of `3_40_2` (QGIS's macOS images), lowercased.
fn as_sources(version: &str) -> Vec<String> {
    use crate::util::version::{bare, revision_of, underscored};
    let bare = bare(version);
    let of = revision_of(&bare).map(str::to_string);
    let dotted = underscored(&bare);
    std::iter::once(bare).chain(of).chain(dotted).collect()
}

/// Is every file of the release a build for some system (an installer, a disk image, a
/// binary archive), none of it sources?
fn builds_only(r: &Release, project: &str) -> bool {
    !r.artifacts.is_empty()
        && r.artifacts.iter().all(|a| {
            let p = platform(&a.file.rel, project);
            p.os.is_some() && !p.source && !is_sources(a.name(), project)
        })
}

/// Joins each line of builds alone whose every release is a build of one other line's
/// release holding sources (the same version, or the version it is a package revision
/// or an underscored spelling of) to that line, release by release.
pub(super) fn join_build_lines(releases: &mut Vec<Release>, project: &str) {
    let name = project.rsplit('/').next().unwrap_or(project);
    let lines: std::collections::BTreeSet<Option<String>> = releases.iter().map(|r| r.line.clone()).collect();
    if lines.len() < 2 {
        return;
    }
    let with_sources: Vec<bool> =
        releases.iter().map(|r| r.artifacts.iter().any(|a| is_sources(a.name(), name))).collect();
    for line in lines {
        let of_line: Vec<usize> = (0..releases.len()).filter(|&i| releases[i].line == line).collect();
        if !of_line.iter().all(|&i| builds_only(&releases[i], name)) {
            continue;
        }
        // Each release's target: the one release of one other line with sources.
        let targets: Vec<Option<usize>> = of_line
            .iter()
            .map(|&i| {
                let versions = as_sources(&releases[i].version);
                let found: Vec<usize> = (0..releases.len())
                    .filter(|&j| {
                        releases[j].line != line
                            && with_sources[j]
                            && versions.contains(&crate::util::version::bare(&releases[j].version))
                    })
                    .collect();
                (found.len() == 1).then(|| found[0])
            })
            .collect();
        let Some(targets) = targets.into_iter().collect::<Option<Vec<usize>>>() else { continue };
        let target_lines: std::collections::BTreeSet<&Option<String>> =
            targets.iter().map(|&j| &releases[j].line).collect();
        let clash = of_line.iter().zip(&targets).any(|(&i, &j)| {
            releases[i].artifacts.iter().any(|a| releases[j].artifacts.iter().any(|b| a.name() == b.name()))
        });
        if target_lines.len() != 1 || clash {
            continue;
        }
        // Taken out last first, so that the indices still to take hold; each target's
        // index then less the releases taken out before it.
        let mut taken: Vec<(Release, usize)> = Vec::new();
        for (&i, &j) in of_line.iter().zip(&targets).rev() {
            taken.push((releases.remove(i), j));
        }
        for (build, j) in taken {
            let j = j - of_line.iter().filter(|&&i| i < j).count();
            if build.dir.rel != releases[j].dir.rel {
                releases[j].dirs.push(build.dir.clone());
            }
            releases[j].absorb(build);
        }
        return join_build_lines(releases, project);
    }
}
