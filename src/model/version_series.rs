//! The series a version is of, for a project that keeps the newest releases of each
//! maintained branch when its releases sit side by side in one line (nginx's mainline
//! 1.27.x and stable 1.26.x, PHP's 8.4, 8.3 and 8.2): `keep_by` on its page.

use serde::{Deserialize, Serialize};

/// Which part of a version names its branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeepBy {
    /// `8` of `8.4.1`.
    Major,
    /// `8.4` of `8.4.1`.
    Minor,
}

impl KeepBy {
    /// The branch of `version`: its first one or two numbers (a leading `v` and what
    /// follows the numbers, `-rc1`, are no part of it).
    pub fn series(self, version: &str) -> String {
        let v = version.strip_prefix(['v', 'V']).unwrap_or(version);
        let end = v.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(v.len());
        let parts: Vec<&str> = v[..end].split('.').filter(|p| !p.is_empty()).collect();
        let n = match self {
            KeepBy::Major => 1,
            KeepBy::Minor => 2,
        };
        parts.iter().take(n).copied().collect::<Vec<_>>().join(".")
    }
}

#[cfg(test)]
mod tests {
    use super::KeepBy;

    #[test]
    fn series_of_versions() {
        assert_eq!(KeepBy::Minor.series("1.26.2"), "1.26");
        assert_eq!(KeepBy::Minor.series("v8.4.1"), "8.4");
        assert_eq!(KeepBy::Minor.series("10.0-rc1"), "10.0");
        assert_eq!(KeepBy::Major.series("8.4.1"), "8");
        assert_eq!(KeepBy::Minor.series("7"), "7");
    }
}
