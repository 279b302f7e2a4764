//! Pure policy, no I/O: which releases of each project are current (on the mirrors and
//! on the download page) and which are archived, and whether the content pages and the
//! partial mirrors fit the tree that was found.

use crate::content::Content;
use crate::pgp::{Check, Outcome};
use crate::problem::{Problem, Problems};
use crate::registry::Registry;
use crate::scan::{Artifact, Tree};

/// The releases of one project, split by policy. Indices point into the project's
/// `releases` (newest first).
#[derive(Debug, Clone)]
pub struct ProjectPlan {
    pub name: String,
    pub keep: u32,
    pub current: Vec<usize>,
    pub archived: Vec<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// In project-name order.
    pub projects: Vec<ProjectPlan>,
}

impl Plan {
    pub fn project(&self, name: &str) -> Option<&ProjectPlan> {
        // `projects` is sorted by name (it follows the tree's BTreeMap).
        let i = self.projects.binary_search_by(|p| p.name.as_str().cmp(name)).ok()?;
        Some(&self.projects[i])
    }

    /// Is this release current (carried by mirrors)?
    pub fn is_current(&self, project: &str, version: &str, tree: &Tree) -> bool {
        let (Some(pp), Some(p)) = (self.project(project), tree.projects.get(project)) else { return false };
        pp.current.iter().any(|&i| p.releases[i].version == version)
    }
}

/// Is `s` a calendar date written `YYYY-MM-DD`?
pub fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (s[0..4].parse::<u32>(), s[5..7].parse::<u32>(), s[8..10].parse::<u32>()) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    (1..=12).contains(&m) && d >= 1 && d <= days[(m - 1) as usize]
}

/// The problem for a signature that is not good: what is wrong, who signed, how to fix.
fn signature_problem(tree: &Tree, project: &str, version: &str, a: &Artifact, check: &Check) -> Problem {
    let place = tree.root.join(&a.file.rel).display().to_string();
    let keys = tree.root.join(project).join("KEYS").display().to_string();
    let signer = match (&check.fingerprint, &check.user_id) {
        (Some(f), Some(u)) => format!("key {f} ({u})"),
        (Some(f), None) => format!("key {f}"),
        _ => "an unknown key".to_string(),
    };
    let asc = format!("{}.asc", a.name);
    let (message, hint) = match check.outcome {
        Outcome::Good => (String::new(), String::new()),
        Outcome::Missing => (
            format!("release {project} {version}: {} has no signature ({asc} is missing)", a.name),
            format!("sign it: closer sign --key YOUR-SECRET-KEY.asc {place}"),
        ),
        Outcome::Bad => (
            format!("release {project} {version}: {asc} does not match {} ({})", a.name, check.detail),
            "the file or its signature was altered: upload both again, as the release manager made them".into(),
        ),
        Outcome::Malformed => (
            format!("release {project} {version}: {asc} is not a usable signature ({})", check.detail),
            format!("sign again: gpg --armor --detach-sign {}", a.name),
        ),
        Outcome::UnknownKey => (
            format!("release {project} {version}: {asc} is signed by {signer}, which is not in {keys}"),
            format!("add the key: gpg --armor --export {} >> {keys}", check.fingerprint.as_deref().unwrap_or("FPR")),
        ),
        Outcome::ExpiredKey => (
            format!("release {project} {version}: {asc} is signed by {signer}, which had expired when it signed"),
            "sign again with a key that is valid, and publish it in KEYS".into(),
        ),
        Outcome::RevokedKey => (
            format!("release {project} {version}: {asc} is signed by {signer}, which is revoked"),
            "sign again with another key; a revoked key must not vouch for releases".into(),
        ),
        Outcome::Weak => (
            format!("release {project} {version}: {asc} by {signer} is too weak: {}", check.detail),
            "sign again with an Ed25519 or RSA-3072 (or larger) key and SHA-256 or better".into(),
        ),
    };
    Problem::new(place, message).hint(hint)
}

pub fn plan(registry: &Registry, tree: &Tree, content: &Content) -> (Plan, Problems) {
    let mut problems = Problems::default();
    let mut plan = Plan::default();

    for (name, page) in &content.projects {
        let place = page.path.display().to_string();
        if !tree.projects.contains_key(name) {
            problems.push(
                Problem::new(place.clone(), format!("describes project `{name}`, which is not in the release tree"))
                    .hint(format!("create dist/{name}/, or rename or remove the page")),
            );
        }
        if page.matter.keep == Some(0) {
            problems.push(
                Problem::new(place.clone(), "sets `keep: 0`: no release would be current")
                    .hint("keep at least 1 release"),
            );
        }
        if let Some(h) = &page.matter.homepage
            && let Err(why) = crate::registry::check_url(h, &["https", "http"])
        {
            problems.push(Problem::new(place, format!("homepage {h:?} {why}")).hint("use an absolute https:// URL"));
        }
    }
    for ((project, version), page) in &content.releases {
        let place = page.path.display().to_string();
        let known = tree.projects.get(project).is_some_and(|p| p.releases.iter().any(|r| &r.version == version));
        if !known {
            problems.push(
                Problem::new(
                    place.clone(),
                    format!("holds notes for release {project} {version}, which is not in the release tree"),
                )
                .hint(format!("upload dist/{project}/{version}/, or rename or remove the page")),
            );
        }
        if let Some(d) = &page.matter.date
            && !valid_date(d)
        {
            problems.push(
                Problem::new(place, format!("date {d:?} is not a date"))
                    .hint("write it as YYYY-MM-DD, e.g. `date: 2026-03-01`"),
            );
        }
    }

    for (name, project) in &tree.projects {
        let keep =
            content.projects.get(name).and_then(|p| p.matter.keep).filter(|&k| k > 0).unwrap_or(registry.policy.keep)
                as usize;
        // A pre-release older than the newest final release is over: it goes to the
        // archive whatever `keep` says.
        let newest_final = project.releases.iter().position(|r| !crate::version::is_prerelease(&r.version));
        let (mut current, mut archived) = (Vec::new(), Vec::new());
        for (i, r) in project.releases.iter().enumerate() {
            let superseded = crate::version::is_prerelease(&r.version) && newest_final.is_some_and(|f| f < i);
            if !superseded && current.len() < keep {
                current.push(i);
            } else {
                archived.push(i);
            }
        }
        plan.projects.push(ProjectPlan { name: name.clone(), keep: keep as u32, current, archived });
    }

    // Signatures: anything but good stops the build, unless the release opts out.
    for (name, project) in &tree.projects {
        for r in &project.releases {
            let page = content.releases.get(&(name.clone(), r.version.clone()));
            match page.and_then(|p| p.matter.unsigned_ok.as_deref()) {
                Some(reason) if reason.trim().is_empty() => problems.push(
                    Problem::new(page.map(|p| p.path.display().to_string()).unwrap_or_default(), "sets `unsigned_ok` without a reason")
                        .hint("say why the release is published unverified, e.g. `unsigned_ok: \"signed by the old key, see issue 12\"`"),
                ),
                Some(_) => continue,
                None => {}
            }
            for a in &r.artifacts {
                if let Some(check) = &a.signature
                    && check.outcome != Outcome::Good
                {
                    problems.push(signature_problem(tree, name, &r.version, a, check));
                }
            }
        }
    }

    // A mirror can only pass on what its upstream carries.
    for m in &registry.mirrors {
        let Some(up) = m.upstream.as_deref().and_then(|u| registry.mirror(u)) else { continue };
        let missing: Vec<&str> =
            tree.projects.keys().filter(|p| m.carries(p) && !up.carries(p)).map(String::as_str).collect();
        if !missing.is_empty() {
            problems.push(
                Problem::new(
                    format!("mirror {:?}", m.id),
                    format!("carries {} but its upstream {:?} does not", missing.join(", "), up.id),
                )
                .hint("pull from a mirror that carries a superset (or from `primary`), or narrow `include`/`exclude`"),
            );
        }
    }
    (plan, problems)
}
