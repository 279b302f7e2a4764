//! The site's own words: `content/_index.md` (site title and intro), `content/<project>.md`
//! (project description, homepage, `keep`), and `content/<project>/<version>.md` (release
//! notes). Each is Markdown with optional YAML front matter between `---` lines. Markdown
//! is untrusted: raw HTML in it comes out as text and links may only use safe schemes.

use crate::util::problem::{Place, Problem, Problems};
use anyhow::Result;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};
use rayon::prelude::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteMatter {
    pub title: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProjectMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub homepage: Option<String>,
    /// Overrides `policy.keep` for this project.
    pub keep: Option<u32>,
    /// `keep` newest of each major or minor series of a line, for releases of several
    /// maintained branches side by side (nginx's mainline 1.27 and stable 1.26, PHP's
    /// 8.4, 8.3 and 8.2 in one directory).
    pub keep_by: Option<crate::model::version_series::KeepBy>,
    /// Which of its releases are development ones, pre-releases of the stable series they
    /// lead to: `odd-minor` (BIND 9.21 beside 9.20, GLib 2.83 beside 2.82).
    pub development: Option<crate::model::version_series::Development>,
    /// How much the project is downloaded per byte, relative to an average one (1):
    /// capacity mirrors give it about this many times the copies (`plan::copies`).
    pub weight: Option<f64>,
    /// The file the download page offers first (a glob on file names, e.g.
    /// `"*-bin.tar.gz"`), instead of the source archive.
    pub primary: Option<String>,
    /// Layout rules for this project, from its directory (`input::layout`).
    pub layout: Vec<crate::input::layout::RawRule>,
    /// The project publishes no signatures, and why (PostgreSQL's and Qt's publish
    /// checksums alone): an artifact without one is then no problem, and its pages say
    /// so with the reason. A signature that is there must still be good. `unsigned_ok:`
    /// is read as the same, as a release page's is.
    #[serde(alias = "unsigned_ok", deserialize_with = "reason")]
    pub unsigned: Option<String>,
    /// Which signatures each artifact needs: `openpgp`, `sigstore`, `minisign`, `either`
    /// or `both` (default: `either` when `sigstore`, `minisign`, `cosign` or `ssh` names
    /// signers, else `openpgp`), or one of them by line (`{"1": openpgp, "2": minisign}`).
    pub signatures: Option<crate::model::signature_rule::Signatures>,
    /// Who may sign with Sigstore: identity, issuer, and the lines they sign.
    pub sigstore: Vec<crate::model::signature::Signer>,
    /// The minisign public keys that sign its `.minisig` files (or its signify lists,
    /// `signify:` being the same keys' other name), and the lines they sign.
    #[serde(alias = "signify")]
    pub minisign: Vec<crate::model::signature::MinisignKey>,
    /// The cosign public keys (the PEM text of `cosign.pub`) that sign its checksum
    /// lists with `cosign sign-blob --key`, and the lines they sign.
    pub cosign: Vec<crate::model::signature::MinisignKey>,
    /// The SSH public keys that sign its files or lists (`ssh-keygen -Y sign -n file`):
    /// each an `allowed_signers` line (`principal ssh-ed25519 AAAA...`) or a `.pub` line.
    pub ssh: Vec<crate::model::signature::MinisignKey>,
    /// The git repository and tag pattern its source archives are compared with.
    pub source: Option<crate::model::archive::SourceRepo>,
    /// An incubating project of its foundation: the profile's podling rules apply.
    pub podling: bool,
    /// Where the project went once `dist/<project>/` is gone (renamed, merged into another,
    /// split): a project of this site, or an http(s) URL. Its page stays, saying so, and
    /// its `latest.json` names it.
    pub moved_to: Option<String>,
    /// The project is retired (an attic), and why, in words, once `dist/<project>/` is
    /// gone: its page stays, saying so, with its releases on the archive.
    pub retired: Option<String>,
}

impl ProjectMatter {
    /// Whether the page keeps a project that left the tree on purpose (moved or retired).
    pub fn left(&self) -> bool {
        self.moved_to.is_some() || self.retired.is_some()
    }
}

/// The `layout:` rules of the project pages (`content/<project>.md`): project, page and
/// rules, by project. The scan needs them before the pages are loaded; a page that
/// cannot be read or parsed gives none here, and [`load`] reports why.
pub fn project_layouts(dir: &Path) -> Vec<(String, String, Vec<crate::input::layout::RawRule>)> {
    #[derive(Deserialize)]
    struct Only {
        #[serde(default)]
        layout: Vec<crate::input::layout::RawRule>,
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let path = e.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".md")) else {
            continue;
        };
        if name == "_index" || !e.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let Ok((Some(matter), _)) = split(&text) else { continue };
        if !matter.contains("layout") {
            continue;
        }
        if let Ok(only) = serde_yaml::from_str::<Only>(matter)
            && !only.layout.is_empty()
        {
            out.push((name.to_string(), path.display().to_string(), only.layout));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[derive(Debug, Default, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReleaseMatter {
    pub title: Option<String>,
    /// Release date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Publish this release even though signatures are missing or by a key KEYS lacks;
    /// the reason is shown on the download page. A file altered after it was signed (a
    /// signature that does not match it) is a problem all the same. `unsigned:` is read
    /// as the same, as a project page spells it.
    #[serde(alias = "unsigned", deserialize_with = "reason")]
    pub unsigned_ok: Option<String>,
    /// The release is withdrawn (a bad build, a security hole found after it): why, in
    /// words. Its files leave the mirrors, no page offers it, and the project's page
    /// says so with the reason; `keep` counts the releases beside it.
    #[serde(default, deserialize_with = "withdrawn")]
    pub withdrawn: Option<String>,
}

/// Why a release is withdrawn, in words (a yes alone says nothing to a downloader).
fn withdrawn<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    use serde::de::Error as _;
    match serde_yaml::Value::deserialize(d)? {
        serde_yaml::Value::Null => Ok(None),
        serde_yaml::Value::String(s) if !s.trim().is_empty() && !matches!(s.trim(), "yes" | "true") => Ok(Some(s)),
        _ => Err(D::Error::custom(
            "expected why it is withdrawn, in words, e.g. `withdrawn: \"the Windows build was signed with the wrong key; use 2.0.1\"`",
        )),
    }
}

/// The reason a project or release publishes without signatures, in words. The field
/// turns the signature check off, so a value that reads as a yes or a no (`false`, `no`,
/// `true`, an empty one) is refused rather than taken as a reason: `unsigned_ok: false`
/// meant the opposite of what it did.
fn reason<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    use serde::de::Error as _;
    let text = match serde_yaml::Value::deserialize(d)? {
        serde_yaml::Value::Null => return Ok(None),
        serde_yaml::Value::String(s) => s,
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        _ => return Err(D::Error::custom("expected a reason in words, e.g. `the project publishes checksums only`")),
    };
    let word = text.trim().to_ascii_lowercase();
    if matches!(word.as_str(), "false" | "no" | "off" | "n" | "true" | "yes" | "on" | "y" | "0" | "1") {
        return Err(D::Error::custom(format!(
            "`{text}` is not a reason: this field turns the signature check off and the download page shows \
             its words; write why in words (`the project publishes checksums only`), or remove the line to \
             require signatures"
        )));
    }
    Ok(Some(text))
}

/// One page: its front matter and its body rendered to safe HTML.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct Page<M> {
    pub matter: M,
    pub html: String,
    pub path: PathBuf,
}

#[derive(Debug, Default, Clone)]
pub struct Content {
    pub site: Page<SiteMatter>,
    pub projects: BTreeMap<String, Page<ProjectMatter>>,
    /// Keyed by (project, version).
    pub releases: BTreeMap<(String, String), Page<ReleaseMatter>>,
    /// The newest modification time (Unix seconds) of the content files, for the
    /// generated-at stamp; 0 without content.
    pub newest_mtime: i64,
    /// The same, per project (its page and its releases' pages); the site's page is "".
    pub newest_of: BTreeMap<String, i64>,
}

impl Content {
    /// Marks the releases a project's page calls development ones (`development:
    /// odd-minor`), and says so in how the scan read them (`closer releases --explain`).
    pub fn mark_development(&self, tree: &mut crate::model::tree::Tree) {
        for (name, project) in &mut tree.projects {
            let Some(rule) = self.projects.get(name).and_then(|p| p.matter.development) else { continue };
            for r in project.releases.iter_mut().filter(|r| rule.says(&r.version)) {
                r.development = true;
                let why = rule.reason();
                r.reading = if r.reading.is_empty() { why.to_string() } else { format!("{}; {why}", r.reading) };
            }
        }
    }

    /// The page of release `id` (`version`, or `line/version`) of `project`, if it has one.
    pub fn release_page(&self, project: &str, id: &str) -> Option<&Page<ReleaseMatter>> {
        // Asked for every release on every build; most trees have a page for few or none.
        if self.releases.is_empty() {
            return None;
        }
        self.releases.get(&(project.to_string(), id.to_string()))
    }
}

/// Splits `---` front matter from the body. Returns (front matter, body, line where the
/// front matter starts).
fn split(text: &str) -> std::result::Result<(Option<&str>, &str), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return Ok((None, text));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Ok((Some(&rest[..offset]), &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err("front matter opened with `---` on line 1 is never closed".into())
}

/// The Markdown body of a page, without its front matter.
pub fn body(text: &str) -> &str {
    split(text).map(|(_, b)| b).unwrap_or(text)
}

/// Parses one page. Problems (bad front matter) are reported with file and line.
pub fn parse_page<M: DeserializeOwned + Default>(text: &str, path: &Path) -> std::result::Result<Page<M>, Problem> {
    let shown = path.display().to_string();
    let (matter, body) = split(text).map_err(|m| {
        Problem::new(Place::line(&shown, 1), m).hint("end the front matter with a line of three dashes, `---`")
    })?;
    let matter: M = match matter {
        None => M::default(),
        Some(m) if m.trim().is_empty() => M::default(),
        Some(m) => serde_yaml::from_str(m).map_err(|e| {
            // +1 for the opening `---` line.
            let (place, msg) = super::yaml_error_parts(&shown, &e, 1, Place::line(&shown, 2));
            // A misspelt key: the one it most likely is.
            let wrong = msg.split_once("unknown field `").and_then(|(_, r)| r.split_once('`')).map(|(w, _)| w);
            let known: Vec<&str> =
                msg.split_once(", expected ").map_or("", |(_, k)| k).split('`').skip(1).step_by(2).collect();
            let hint = match wrong.and_then(|w| super::yaml_all::did_you_mean(w, &known)) {
                Some(meant) => format!("did you mean `{meant}`? (docs/reference/front-matter.md lists the keys)"),
                None => "front matter is YAML between two `---` lines; docs/reference/front-matter.md lists the keys"
                    .to_string(),
            };
            Problem::new(place, format!("bad front matter: {msg}")).hint(hint)
        })?,
    };
    Ok(Page { matter, html: markdown(body), path: path.to_path_buf() })
}

/// Is a link destination safe to put in an `href`/`src`?
fn safe_link(dest: &str) -> bool {
    let d = dest.trim();
    if d.chars().any(char::is_control) {
        return false;
    }
    match d.find([':', '/', '?', '#']) {
        Some(i) if d.as_bytes()[i] == b':' => {
            let scheme = d[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// Renders untrusted Markdown to HTML: raw HTML becomes text, unsafe links are dropped.
pub fn markdown(body: &str) -> String {
    let opts =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES | Options::ENABLE_TASKLISTS;
    let events = Parser::new_ext(body, opts).map(|ev| match ev {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) if !safe_link(&dest_url) => {
            Event::Start(Tag::Link { link_type, dest_url: CowStr::Borrowed("#"), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) if !safe_link(&dest_url) => {
            Event::Start(Tag::Image { link_type, dest_url: CowStr::Borrowed("#"), title, id })
        }
        other => other,
    });
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// Which page a content file is.
enum PageKind {
    Site,
    Project(String),
    Release(String, String),
}

/// A page parsed on its own thread.
enum Parsed {
    Site(Page<SiteMatter>),
    Project(String, Box<Page<ProjectMatter>>),
    Release(String, String, Page<ReleaseMatter>),
}

/// One content file read: its modification time, the project it dates (empty for the
/// site's own page), its page, and the problem with it. A page whose front matter has a
/// problem is still read for the keys that are right (see [`salvage`]).
type ReadPage = (i64, String, Option<Parsed>, Option<Problem>);

/// The page, or what of it can be read and the problem with the rest.
fn page_or_salvage<M: DeserializeOwned + Default>(text: &str, path: &Path) -> (Option<Page<M>>, Option<Problem>) {
    match parse_page(text, path) {
        Ok(page) => (Some(page), None),
        Err(problem) => (salvage(text, path), Some(problem)),
    }
}

/// The keys of a page's front matter that are right, when others are not (a typo in
/// `homepage:`): the problem holds its project back all the same, but its `unsigned:`,
/// `signatures:` and signers still count, so the one mistake is said alone, not under
/// a "has no signature" for every file of the project. `None` when the front matter is
/// no YAML mapping at all.
fn salvage<M: DeserializeOwned + Default>(text: &str, path: &Path) -> Option<Page<M>> {
    let (Some(matter), body) = split(text).ok()? else { return None };
    let serde_yaml::Value::Mapping(map) = serde_yaml::from_str(matter).ok()? else { return None };
    let mut good = serde_yaml::Mapping::new();
    for (k, v) in map {
        let one: serde_yaml::Mapping = [(k.clone(), v.clone())].into_iter().collect();
        if serde_yaml::from_value::<M>(serde_yaml::Value::Mapping(one)).is_ok() {
            good.insert(k, v);
        }
    }
    let matter = serde_yaml::from_value(serde_yaml::Value::Mapping(good)).ok()?;
    Some(Page { matter, html: markdown(body), path: path.to_path_buf() })
}

/// Reads and parses one page; also returns its modification time and the project it
/// is of (`""` for the site's page), whether it parses or not.
fn parse_file(path: &Path, kind: PageKind) -> Result<ReadPage> {
    let owner = match &kind {
        PageKind::Site => String::new(),
        PageKind::Project(p) | PageKind::Release(p, _) => p.clone(),
    };
    let (text, mtime) = match crate::util::fs::read_to_string_with_mtime(path) {
        Ok(read) => read,
        // A project's page saved in another encoding (Notepad's "ANSI") holds back its
        // project alone, as a mistake in its front matter does.
        Err(e) if !owner.is_empty() => match std::fs::read(path).map(crate::util::fs::decode_text) {
            Ok(Err(wrong)) => return Ok((0, owner, None, Some(Problem::new(path.display().to_string(), wrong)))),
            _ => return Err(e),
        },
        Err(e) => return Err(e),
    };
    let (page, problem) = match kind {
        PageKind::Site => {
            let (page, problem) = page_or_salvage(&text, path);
            (page.map(Parsed::Site), problem)
        }
        PageKind::Project(p) => {
            let (page, problem) = page_or_salvage(&text, path);
            (page.map(|page| Parsed::Project(p, Box::new(page))), problem)
        }
        PageKind::Release(p, v) => {
            let (page, problem) = page_or_salvage(&text, path);
            (page.map(|page| Parsed::Release(p, v, page)), problem)
        }
    };
    Ok((mtime, owner, page, problem))
}

/// Loads the content directory (a missing one means no content). Pages are read and
/// rendered in parallel.
pub fn load(dir: &Path) -> Result<(Content, Problems)> {
    let mut content = Content::default();
    let mut problems = Problems::default();
    if !dir.exists() {
        return Ok((content, problems));
    }
    let mut todo = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).follow_links(false).sort_by_file_name() {
        let entry = entry.map_err(|e| anyhow::anyhow!("cannot read `{}`: {e}", dir.display()))?;
        let path = entry.path();
        let rel = path.strip_prefix(dir).unwrap_or(path);
        let Some(rel_s) = rel.to_str().filter(|s| !s.chars().any(char::is_control)) else {
            problems.push(
                Problem::new(crate::util::fs::escaped(path.as_os_str()), "has a name that is not printable UTF-8")
                    .hint("rename it"),
            );
            continue;
        };
        let ft = entry.file_type();
        if ft.is_dir() {
            continue;
        }
        if ft.is_symlink() {
            problems.push(
                Problem::new(path.display().to_string(), "is a symlink; content pages must be plain files")
                    .hint("copy the file instead of linking it"),
            );
            continue;
        }
        let parts: Vec<&str> = rel_s.split('/').collect();
        let Some(stem) = parts.last().and_then(|n| n.strip_suffix(".md")) else {
            problems.push(
                Problem::new(path.display().to_string(), "is not a Markdown page (.md); closer would not use it")
                    .hint("remove it, or move it out of the content directory"),
            );
            continue;
        };
        let kind = match parts.as_slice() {
            ["_index.md"] => PageKind::Site,
            [_] => PageKind::Project(stem.to_string()),
            [project, _] => PageKind::Release(project.to_string(), stem.to_string()),
            // A release in a line: its id is `<line>/<version>`.
            [project, line, _] => PageKind::Release(project.to_string(), format!("{line}/{stem}")),
            _ => {
                problems.push(Problem::new(path.display().to_string(), "is nested too deep").hint(
                    "content holds _index.md, <project>.md, <project>/<version>.md and <project>/<line>/<version>.md",
                ));
                continue;
            }
        };
        todo.push((path.to_path_buf(), kind));
    }
    let parsed: Vec<Result<ReadPage>> = todo.into_par_iter().map(|(path, kind)| parse_file(&path, kind)).collect();
    for p in parsed {
        let (mtime, owner, page, problem) = p?;
        content.newest_mtime = content.newest_mtime.max(mtime);
        // A page that does not parse still dates its own project, not every page.
        let newest = content.newest_of.entry(owner).or_default();
        *newest = (*newest).max(mtime);
        match page {
            Some(Parsed::Site(page)) => content.site = page,
            Some(Parsed::Project(name, page)) => {
                content.projects.insert(name, *page);
            }
            Some(Parsed::Release(project, version, page)) => {
                content.releases.insert((project, version), page);
            }
            None => {}
        }
        if let Some(problem) = problem {
            problems.push(problem);
        }
    }
    Ok((content, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_and_bad_links_are_neutralised() {
        let html = markdown("Hi <script>alert(1)</script> [x](javascript:alert(1)) [y](https://ok.example.org/)");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("https://ok.example.org/"), "{html}");
    }

    #[test]
    fn front_matter_error_names_the_line() {
        let e = parse_page::<ReleaseMatter>("---\ntitle: x\ndatum: 2020-01-01\n---\nbody\n", Path::new("c/p/1.0.md"))
            .unwrap_err();
        assert_eq!((e.place.file.as_str(), e.place.line.map(|l| l.get())), ("c/p/1.0.md", Some(3)), "{e}");
        assert!(e.message.contains("unknown field `datum`"), "{e}");
    }

    #[test]
    fn unclosed_front_matter() {
        let e = parse_page::<ReleaseMatter>("---\ntitle: x\n", Path::new("a.md")).unwrap_err();
        assert!(e.message.contains("never closed"), "{e}");
    }
}
