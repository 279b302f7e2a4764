//! Problems found in the inputs. They are data, collected from every stage and reported
//! together in a fixed order, so one run of `closer check` lists everything to fix.

use std::fmt;

/// One thing wrong with the inputs: where it is, what is wrong, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The place: `mirrors.yaml:12:3`, `mirrors.yaml: mirror "x", field "urls"`, a path.
    pub place: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
}

impl Problem {
    pub fn new(place: impl Into<String>, message: impl Into<String>) -> Self {
        Problem { place: place.into(), message: message.into(), hint: None }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
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

/// `message`, then the fix on a line of its own: the one way closer spells a hint, in
/// problems and in errors alike.
pub fn with_fix(message: impl fmt::Display, fix: impl fmt::Display) -> String {
    format!("{message}\n    fix: {fix}")
}

/// The problems a run found, sorted and without duplicates when reported.
#[derive(Debug, Default)]
pub struct Problems(Vec<Problem>);

impl Problems {
    pub fn push(&mut self, p: Problem) {
        self.0.push(p);
    }

    pub fn extend(&mut self, other: Problems) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems in their reporting order.
    pub fn sorted(mut self) -> Vec<Problem> {
        self.0.sort();
        self.0.dedup();
        self.0
    }
}

/// The error a build returns when the inputs have problems (exit code 1), as opposed to
/// an input that cannot be read at all (exit code 2).
#[derive(Debug)]
pub struct ProblemsFound(pub Vec<Problem>);

impl fmt::Display for ProblemsFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(f, "{n} problem{} found:", if n == 1 { "" } else { "s" })?;
        for (i, p) in self.0.iter().enumerate() {
            writeln!(f, "{:>3}. {p}", i + 1)?;
        }
        Ok(())
    }
}

impl std::error::Error for ProblemsFound {}
