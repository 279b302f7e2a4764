//! Problems found in the inputs. They are data, collected from every stage and reported
//! together in a fixed order, so one run of `closer check` lists everything to fix.

use std::fmt;
use std::num::NonZeroU32;

/// Where a problem is: a file (or another thing, `copies of hello`), the line and column
/// in it when known, and what in it (`mirror "x", field `urls``). Places sort by file,
/// then by line as a number (`:9` before `:12`), then by what.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub file: String,
    pub line: Option<NonZeroU32>,
    pub column: Option<NonZeroU32>,
    pub what: Option<String>,
}

impl Place {
    /// A line of a file (counted from 1).
    pub fn line(file: impl Into<String>, line: usize) -> Place {
        Place { file: file.into(), line: saturate(line), ..Place::default() }
    }

    /// A line and column of a file (counted from 1).
    pub fn at(file: impl Into<String>, line: usize, column: usize) -> Place {
        Place { file: file.into(), line: saturate(line), column: saturate(column), what: None }
    }

    /// A thing in a file that has no line (`mirror "x", field `urls``).
    pub fn what(file: impl Into<String>, what: impl Into<String>) -> Place {
        Place { file: file.into(), what: Some(what.into()), ..Place::default() }
    }
}

/// A line or column number as a place keeps it (no file closer reads has 4 billion
/// lines); counted from 1, so 0 is no number.
fn saturate(n: usize) -> Option<NonZeroU32> {
    NonZeroU32::new(u32::try_from(n).unwrap_or(u32::MAX))
}

impl<T: Into<String>> From<T> for Place {
    fn from(file: T) -> Place {
        Place { file: file.into(), ..Place::default() }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(what) = &self.what {
            write!(f, ": {what}")?;
        }
        Ok(())
    }
}

/// What a problem means beyond its words, for what is decided from it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    #[default]
    Other,
    /// An artifact with no signature yet, or one (or a checksum) that does not match it,
    /// arrived at this time: an upload still in progress until `policy.upload_grace` has
    /// passed.
    Unsigned(crate::util::arrival::Arrival),
    /// A project's page with no project in the release tree.
    PageOfNoProject,
    /// A published project whose directory is gone from the release tree.
    Gone,
    /// A signature too weak by today's rules on a release `keep` archived (cairo's 2018
    /// release signed over a SHA-1 list): said as a warning, never held, since history
    /// is not signed again.
    ArchivedWeak,
}

impl Kind {
    /// Whether this is an upload still in progress at `now`.
    pub fn arriving(self, grace: &crate::util::arrival::Grace, now: i64) -> bool {
        matches!(self, Kind::Unsigned(at) if grace.arriving(at, now))
    }
}

/// One thing wrong with the inputs: where it is, what is wrong, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub place: Place,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
    pub kind: Kind,
}

impl Problem {
    /// The problem as data (`closer check --json`, `build --json`): the project it is in
    /// (`None` outside any), where, what, the fix, and whether it is an upload arriving.
    pub fn to_json(&self, project: Option<&str>, arriving: bool) -> serde_json::Value {
        serde_json::json!({
            "project": project,
            "file": self.place.file,
            "line": self.place.line,
            "column": self.place.column,
            "what": self.place.what,
            "message": self.message,
            "fix": self.hint,
            "arriving": arriving,
        })
    }

    pub fn new(place: impl Into<Place>, message: impl Into<String>) -> Self {
        Problem { place: place.into(), message: message.into(), hint: None, kind: Kind::Other }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)?;
        if let Some(h) = &self.hint {
            f.write_str(&with_fix("", h))?;
        }
        Ok(())
    }
}

/// The place an error message starts with, `FILE:LINE:COLUMN: ` or `FILE:LINE: `, as
/// file, line and column.
pub fn place_of(message: &str) -> Option<(String, usize, Option<usize>)> {
    let (head, _) = message.split_once(": ")?;
    if head.contains(' ') {
        return None;
    }
    let parts: Vec<&str> = head.rsplitn(3, ':').collect();
    let number = |s: &str| s.parse::<usize>().ok();
    match parts.as_slice() {
        [column, line, file] if !file.is_empty() => Some((file.to_string(), number(line)?, Some(number(column)?))),
        [line, file] if !file.is_empty() => Some((file.to_string(), number(line)?, None)),
        _ => None,
    }
}

/// `message`, then the fix on a line of its own: the one way closer spells a hint, in
/// problems and in errors alike.
pub fn with_fix(message: impl fmt::Display, fix: impl fmt::Display) -> String {
    format!("{message}\n    fix: {fix}")
}

/// A file or directory of the release tree the build may not read: its project's problem,
/// with the `chmod` that fixes it (`a+rx` for a directory, which must be searched too).
pub fn unreadable(path: &std::path::Path, dir: bool) -> Problem {
    let who = crate::util::fs::user_name();
    let (mode, what) = if dir { ("a+rx", "a directory made") } else { ("a+r", "an upload made") };
    let shown = crate::util::text::shell_quote(&path.display().to_string());
    Problem::new(
        path.display().to_string(),
        format!("cannot be read by {who}, the user closer runs as (permission denied)"),
    )
    .hint(format!("let the build read it: chmod {mode} {shown} ({what} with umask 077 is private to its uploader)"))
}

/// A text [`with_fix`] made, taken apart again: the message, and the fix when it has one.
pub fn split_fix(text: &str) -> (&str, Option<&str>) {
    match text.split_once("\n    fix: ") {
        Some((message, fix)) => (message, Some(fix.trim())),
        None => (text, None),
    }
}

/// The problems a run found, sorted and without duplicates when reported.
#[derive(Debug, Default)]
pub struct Problems(Vec<Problem>);

impl Problems {
    /// The problems as they are (unsorted), to be split.
    pub fn into_vec(self) -> Vec<Problem> {
        self.0
    }

    pub fn push(&mut self, p: Problem) {
        self.0.push(p);
    }

    pub fn extend(&mut self, other: Problems) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter()
    }

    /// The problems in their reporting order.
    pub fn sorted(mut self) -> Vec<Problem> {
        self.0.sort();
        self.0.dedup();
        self.0
    }
}

/// The error a command returns when the inputs have problems (exit code 1), as opposed
/// to an input that cannot be read at all (exit code 2).
#[derive(Debug)]
pub struct ProblemsFound {
    pub problems: Vec<Problem>,
    /// The project each problem is in (`None`: outside any), when a build told them
    /// apart ([`ProblemsFound::in_projects`]); empty otherwise.
    owners: Vec<Option<String>>,
    /// Which problems are files uploaded within `policy.upload_grace` (minutes) with no
    /// signature yet, which `closer build` holds back as arriving (said after the list).
    arriving: Option<(Vec<bool>, i64)>,
    /// A line printed after the problems (`nothing was written; site is as it was`).
    after: Option<String>,
}

impl ProblemsFound {
    pub fn new(problems: Vec<Problem>) -> ProblemsFound {
        ProblemsFound { problems, owners: Vec::new(), arriving: None, after: None }
    }

    /// The problems (sorted) told apart by the project `owner` says each is in: listed
    /// under a heading per project when there are several (a primary shared by hundreds
    /// of projects), those outside any project first.
    pub fn in_projects(problems: Vec<Problem>, owner: impl Fn(&Problem) -> Option<String>) -> ProblemsFound {
        let mut owned: Vec<(Option<String>, Problem)> = problems.into_iter().map(|p| (owner(&p), p)).collect();
        owned.sort_by(|a, b| a.0.cmp(&b.0));
        let (owners, problems) = owned.into_iter().unzip();
        ProblemsFound { problems, owners, arriving: None, after: None }
    }

    /// The same, with a line to print after the problems (below any there is).
    pub fn then(self, line: String) -> ProblemsFound {
        let after = match self.after {
            Some(a) => format!("{a}\n{line}"),
            None => line,
        };
        ProblemsFound { after: Some(after), ..self }
    }

    /// The same, saying which problems are arriving files (`flags`, in the problems'
    /// order) of a grace of `grace_min` minutes. A build holds a project back as arriving
    /// only when all its problems are: one beside another problem (a published file
    /// changed) is no longer said to be arriving.
    pub fn arriving(self, mut flags: Vec<bool>, grace_min: i64) -> ProblemsFound {
        if !self.owners.is_empty() {
            let mut all: std::collections::HashMap<Option<&str>, bool> = std::collections::HashMap::new();
            for (o, f) in self.owners.iter().zip(&flags) {
                *all.entry(o.as_deref()).or_insert(true) &= *f;
            }
            for (o, f) in self.owners.iter().zip(flags.iter_mut()) {
                *f &= o.is_some() && all[&o.as_deref()];
            }
        }
        ProblemsFound { arriving: Some((flags, grace_min)), ..self }
    }

    /// Only the problems of `projects` and those outside any project; with how many
    /// were left out.
    pub fn only(self, projects: &[String]) -> (ProblemsFound, usize) {
        let before = self.problems.len();
        let keep: Vec<bool> = self.owners.iter().map(|o| o.as_ref().is_none_or(|o| projects.contains(o))).collect();
        fn kept<T>(v: Vec<T>, keep: &[bool]) -> Vec<T> {
            v.into_iter().zip(keep).filter(|(_, k)| **k).map(|(x, _)| x).collect()
        }
        let arriving = self.arriving.map(|(flags, grace)| (kept(flags, &keep), grace));
        let (problems, owners) = (kept(self.problems, &keep), kept(self.owners, &keep));
        let left_out = before - problems.len();
        (ProblemsFound { problems, owners, arriving, after: self.after }, left_out)
    }

    /// The problems as data, for CI (`closer check --json`): each with its project
    /// (`null` outside any), file, line and column, what in it, the message and the fix,
    /// and whether it is a file still arriving (which `closer build` holds back without
    /// failing).
    pub fn to_json(&self) -> serde_json::Value {
        let arriving = |i: usize| self.arriving.as_ref().is_some_and(|(flags, _)| flags.get(i) == Some(&true));
        let problems: Vec<serde_json::Value> = self
            .problems
            .iter()
            .enumerate()
            .map(|(i, p)| p.to_json(self.owners.get(i).and_then(Option::as_deref), arriving(i)))
            .collect();
        serde_json::json!({ "format": 1, "problems": problems })
    }

    /// Is every problem in one place (a project, or outside them all)?
    fn one_place(&self) -> bool {
        self.owners.windows(2).all(|w| w[0] == w[1])
    }
}

impl fmt::Display for ProblemsFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        writeln!(f, "{n} problem{} found:", crate::util::text::plural(n))?;
        let grouped = !self.one_place();
        for (i, p) in self.problems.iter().enumerate() {
            let owner = self.owners.get(i);
            if grouped && (i == 0 || self.owners.get(i - 1) != owner) {
                let count = self.owners.iter().filter(|o| Some(*o) == owner).count();
                match owner.and_then(Option::as_deref) {
                    Some(project) => writeln!(f, "project {project} ({count}):")?,
                    None => writeln!(f, "outside any project ({count}):")?,
                }
            }
            writeln!(f, "{:>3}. {p}", i + 1)?;
        }
        let arriving = self.arriving.as_ref().map(|(flags, grace)| (flags.iter().filter(|a| **a).count(), grace));
        if let Some((n, grace)) = arriving.filter(|(n, _)| *n > 0) {
            writeln!(
                f,
                "{n} of these {} a file uploaded less than policy.upload_grace ({grace} min) ago whose signature or \
                 checksum is not there or does not match it yet (an upload in progress): `closer build` holds {} back \
                 as arriving (exit 0) until the grace has passed or the upload is whole",
                if n == 1 { "is" } else { "are" },
                if n == 1 { "it" } else { "them" },
            )?;
        }
        if let Some(after) = &self.after {
            writeln!(f, "{after}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ProblemsFound {}
