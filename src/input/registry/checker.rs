//! What the registry's validation keeps as it goes: every problem, placed by the mirror
//! (or section) and field it is in, and the checks of a URL, which every section asks.

use crate::util::problem::{Place, Problem, Problems};

pub(super) struct Checker<'a> {
    file: &'a str,
    pub(super) problems: Problems,
}

impl<'a> Checker<'a> {
    pub(super) fn new(file: &'a str) -> Checker<'a> {
        Checker { file, problems: Problems::default() }
    }

    pub(super) fn at(&mut self, what: &str, field: &str, message: String, hint: &str) {
        let place = Place::what(self.file, format!("{what}, field `{field}`"));
        self.problems.push(Problem::new(place, message).hint(hint));
    }

    /// Checks a URL and returns it normalized with a trailing `/`.
    pub(super) fn url(&mut self, what: &str, field: &str, raw: &str, schemes: &[&str]) -> String {
        match check_url(raw, schemes) {
            Ok(u) => u,
            Err(why) => {
                let hint = format!(
                    "use an absolute {} URL such as `{}://mirror.example.org/pub/`",
                    schemes.join(" or "),
                    schemes[0]
                );
                self.at(what, field, format!("{:?} {why}", raw), &hint);
                raw.to_string()
            }
        }
    }
}

/// Validates a base URL: absolute, one of `schemes`, a host, no credentials, query or
/// fragment, no whitespace or control characters. Returns it with a trailing `/`.
pub fn check_url(raw: &str, schemes: &[&str]) -> std::result::Result<String, String> {
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains white space or control characters".into());
    }
    let u = url::Url::parse(raw).map_err(|e| format!("is not a valid URL ({e})"))?;
    if !schemes.contains(&u.scheme()) {
        return Err(format!("has scheme `{}:`, expected {}", u.scheme(), schemes.join(" or ")));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err("has no host".into());
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err("carries credentials; remove the user name and password".into());
    }
    if u.query().is_some() || u.fragment().is_some() {
        return Err("has a query or fragment; give a plain directory URL".into());
    }
    // A mirror's URL becomes a word of shell lines on other hosts (a downstream mirror's
    // cron line): a character a shell reads (`;`, `$`, `|`, `&`, parentheses, quotes,
    // `*`, `!`, a backslash) has no place in a directory's URL.
    if let Some(c) = u.path().chars().find(|c| ";$|&()'\"\\*!`<>{}".contains(*c)) {
        return Err(format!("holds `{c}`, a character a shell would read: give the directory's plain URL"));
    }
    if u.path().contains("//") {
        return Err("has an empty path segment (`//`)".into());
    }
    if u.scheme() == "rsync" && u.path() == "/" {
        return Err("names no module (rsync://host/MODULE/)".into());
    }
    // `…/closer/index.html`, pasted from a browser: the directory is what is meant.
    let last = u.path().rsplit('/').next().unwrap_or("");
    if let Some((_, ext)) = last.rsplit_once('.')
        && ["html", "htm", "php", "cgi", "asp", "aspx", "jsp", "shtml"].contains(&ext.to_ascii_lowercase().as_str())
    {
        return Err(format!("names a page ({last}), not the mirror's directory; give the directory it is in"));
    }
    let mut s = u.to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    Ok(s)
}
