//! The series a version is of, for a project that keeps the newest releases of each
//! maintained branch when its releases sit side by side in one line (nginx's mainline
//! 1.27.x and stable 1.26.x, PHP's 8.4, 8.3 and 8.2): `keep_by` on its page; and the
//! series a project calls development ones (`development` on its page).

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

/// Which releases a project calls development ones, whatever their versions say: those
/// of an odd minor version (ISC's BIND 9.21 and Kea 2.7, GLib 2.83, GTK 4.17, Perl 5.41),
/// or of a third number of 90 and more: pre-releases of the stable series they lead to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Development {
    OddMinor,
    /// A third number of 90 or more: a pre-release of the next minor version
    /// (fontconfig's 2.15.91 before 2.16.0, libjpeg-turbo's 3.0.90, 3.1's first beta).
    #[serde(rename = "patch-90")]
    Patch90,
}

impl Development {
    /// Why a release is a development one, as `closer releases --explain` says it.
    pub fn reason(self) -> &'static str {
        match self {
            Development::OddMinor => {
                "a development release (an odd minor version: `development: odd-minor` on its page)"
            }
            Development::Patch90 => {
                "a development release (a third number of 90 or more: `development: patch-90` on its page)"
            }
        }
    }

    /// Is `version` a development release by this rule (`9.21.3`: yes; `9.20.4`, `9`: no)?
    pub fn says(self, version: &str) -> bool {
        let v = version.strip_prefix(['v', 'V']).unwrap_or(version);
        let end = v.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(v.len());
        let number = |i: usize| v[..end].split('.').nth(i).and_then(|m| m.parse::<u64>().ok());
        match self {
            Development::OddMinor => number(1).is_some_and(|m| m % 2 == 1),
            Development::Patch90 => number(2).is_some_and(|p| p >= 90),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Development, KeepBy};

    #[test]
    fn patch_90_versions_are_development_ones() {
        for v in ["2.15.91", "3.0.90", "v1.2.95"] {
            assert!(Development::Patch90.says(v), "{v}");
        }
        for v in ["2.15.0", "3.0.4", "3.1", "2.15.89"] {
            assert!(!Development::Patch90.says(v), "{v}");
        }
    }

    #[test]
    fn odd_minor_versions_are_development_ones() {
        for v in ["9.21.3", "2.7.5", "v2.83.0", "5.41.6", "4.17.1-rc1"] {
            assert!(Development::OddMinor.says(v), "{v}");
        }
        for v in ["9.20.4", "9.18.32", "2.6.1", "9", "10.0", "v2.82.4"] {
            assert!(!Development::OddMinor.says(v), "{v}");
        }
    }

    #[test]
    fn series_of_versions() {
        assert_eq!(KeepBy::Minor.series("1.26.2"), "1.26");
        assert_eq!(KeepBy::Minor.series("v8.4.1"), "8.4");
        assert_eq!(KeepBy::Minor.series("10.0-rc1"), "10.0");
        assert_eq!(KeepBy::Major.series("8.4.1"), "8");
        assert_eq!(KeepBy::Minor.series("7"), "7");
    }
}
