//! The seven continents, one type from the registry to the pages: mirrors are sorted,
//! grouped and counted by it (two-continent copies, Metalink caps, coverage), and its
//! two-letter code is what the registry, `mirrors.json` and the metrics carry.

use serde::{Serialize, Serializer};

/// A continent, ordered by its code (AF, AN, AS, EU, NA, OC, SA).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Continent {
    Africa,
    Antarctica,
    Asia,
    Europe,
    NorthAmerica,
    Oceania,
    SouthAmerica,
}

impl Continent {
    /// Every continent, in code order.
    pub const ALL: [Continent; 7] = [
        Continent::Africa,
        Continent::Antarctica,
        Continent::Asia,
        Continent::Europe,
        Continent::NorthAmerica,
        Continent::Oceania,
        Continent::SouthAmerica,
    ];

    /// The two-letter code (`EU`).
    pub fn code(self) -> &'static str {
        ["AF", "AN", "AS", "EU", "NA", "OC", "SA"][self as usize]
    }

    /// The English name (`Europe`).
    pub fn name(self) -> &'static str {
        ["Africa", "Antarctica", "Asia", "Europe", "North America", "Oceania", "South America"][self as usize]
    }

    /// The continent of a code, in any case (`eu`, `EU`).
    pub fn from_code(code: &str) -> Option<Continent> {
        Continent::ALL.into_iter().find(|c| c.code().eq_ignore_ascii_case(code))
    }

    /// Its bit in a set of continents held as a `u8` (the capacity assignment's).
    pub fn bit(self) -> u8 {
        1 << self as u8
    }

    /// The continents of a `u8` set, in code order.
    pub fn of_bits(bits: u8) -> impl Iterator<Item = Continent> {
        Continent::ALL.into_iter().filter(move |c| bits & c.bit() != 0)
    }
}

impl std::fmt::Display for Continent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Continent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_names_and_bits_agree() {
        let mut codes: Vec<&str> = Continent::ALL.iter().map(|c| c.code()).collect();
        let sorted = {
            let mut s = codes.clone();
            s.sort();
            s
        };
        assert_eq!(codes, sorted, "ALL is in code order, as Ord is");
        for c in Continent::ALL {
            assert_eq!(Continent::from_code(c.code()), Some(c));
            assert_eq!(Continent::from_code(&c.code().to_lowercase()), Some(c));
            assert_eq!(Continent::of_bits(c.bit()).collect::<Vec<_>>(), [c]);
        }
        assert_eq!(Continent::from_code("XX"), None);
        assert_eq!(Continent::Europe.name(), "Europe");
        codes.dedup();
        assert_eq!(codes.len(), 7);
    }
}
