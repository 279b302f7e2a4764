//! After a build: a real rsync daemon serves the primary's tree, a real `mirror-sync`
//! pulls the full mirror and the archive, and every link on every page must resolve:
//! the site's own pages and files in `site/`, download links on the primary, archive
//! links on the archive. Every current artifact must be on the mirror too (the pages
//! send visitors there once it is fresh), every release's files on the archive.

use super::tree::{Kind, Tree};
use super::{ARCHIVE, DIST, MIRROR, SITE};
use crate::mirror::{Daemon, mirror_sync};
use crate::util::Fixture;
use std::path::Path;

/// `href="..."` and `src="..."` values of a page, unescaped.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for part in html.split(attr).skip(1) {
            if let Some(end) = part.find('"') {
                out.push(part[..end].replace("&amp;", "&").replace("&#x2F;", "/").replace("&#x27;", "'"));
            }
        }
    }
    out
}

fn decoded(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Does `rel` (a URL path under a root) name something in `dir`? A directory link
/// (`.../`) resolves to its index page on the site, to the directory elsewhere.
fn resolves(dir: &Path, rel: &str, site: bool) -> bool {
    let rel = decoded(rel.split(['#', '?']).next().unwrap_or(""));
    let p = dir.join(rel.trim_start_matches('/'));
    if site && (rel.is_empty() || rel.ends_with('/')) {
        return p.join("index.html").is_file();
    }
    std::fs::symlink_metadata(&p).is_ok()
}

/// Normalises `page_dir/href` (a relative link) into a path from the site's top.
fn join(page_dir: &str, href: &str) -> String {
    let mut parts: Vec<&str> = page_dir.split('/').filter(|p| !p.is_empty()).collect();
    let trailing = href.ends_with('/');
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if trailing {
        out.push('/');
    }
    out
}

pub fn check(f: &Fixture, t: &Tree) {
    let dist = f.path("dist");
    let daemon = Daemon::serve(&dist);
    let mirror = f.path("mirror");
    let archive = f.path("archive");
    mirror_sync(&[&daemon.url(), mirror.to_str().unwrap()]).ok();
    mirror_sync(&["--keep-removed", "--list", "archive", &daemon.url(), archive.to_str().unwrap()]).ok();
    let site = f.path("site");
    let mut broken = Vec::new();
    for e in walkdir::WalkDir::new(&site).into_iter().map(Result::unwrap) {
        if !e.file_type().is_file() || !e.file_name().to_string_lossy().ends_with(".html") {
            continue;
        }
        let page = e.path().strip_prefix(&site).unwrap().to_string_lossy().into_owned();
        let page_dir = page.rsplit_once('/').map_or("", |(d, _)| d);
        let html = std::fs::read_to_string(e.path()).unwrap();
        for href in links(&html) {
            let ok = if let Some(rel) = href.strip_prefix(DIST) {
                resolves(&dist, rel, false)
            } else if let Some(rel) = href.strip_prefix(ARCHIVE) {
                resolves(&archive, rel, false)
            } else if let Some(rel) = href.strip_prefix(MIRROR) {
                resolves(&mirror, rel, false)
            } else if let Some(rel) = href.strip_prefix(SITE) {
                resolves(&site, rel, true)
            } else if href.contains(':') || href.starts_with('#') || href.is_empty() {
                true // another site, a fragment, mailto:, magnet:
            } else {
                resolves(&site, &join(page_dir, &href), true)
            };
            if !ok {
                broken.push(format!("{page}: {href}"));
            }
        }
    }
    broken.sort();
    broken.dedup();
    assert!(broken.is_empty(), "{}: {} broken links:\n{}", t.name, broken.len(), broken.join("\n"));
    // The mirror carries every current artifact, the archive every artifact.
    for (path, kind) in &t.entries {
        let Kind::Artifact(e) = kind else { continue };
        assert!(std::fs::symlink_metadata(archive.join(path)).is_ok(), "{}: {path} is not on the archive", t.name);
        let on_mirror = std::fs::symlink_metadata(mirror.join(path)).is_ok();
        assert_eq!(on_mirror, e.current, "{}: {path} current={} but on the mirror: {on_mirror}", t.name, e.current);
    }
    // Links inside a project are named on the project's page; they are on the archive,
    // and on the mirror as links exactly when what they lead to is on the mirror.
    for (path, kind) in &t.entries {
        let Kind::Link(target) = kind else { continue };
        let Some((project, name)) = path.split_once('/') else { continue };
        let target_path = Path::new(path).parent().unwrap().join(target);
        for (host, there) in [("archive", &archive), ("mirror", &mirror)] {
            let expected = std::fs::metadata(there.join(&target_path)).is_ok().then(|| Path::new(target));
            let carried = std::fs::read_link(there.join(path)).ok();
            assert_eq!(carried.as_deref(), expected, "{}: the link {path} on the {host}", t.name);
        }
        let page = std::fs::read_to_string(site.join(project).join("index.html")).unwrap();
        assert!(page.contains(&format!(">{name}</a> &rarr; {target}</li>")), "{}: {path} is not on its page", t.name);
    }
}
