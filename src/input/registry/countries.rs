//! Which continent each country is on, so that a mirror's `continent:` can be checked
//! against its `country:` (a mirror in NL said to be in NA counted as a second continent
//! for the copies of every release it carries). The groups are the usual ones of the
//! geolocation databases (GeoNames' continent codes); a country across two continents
//! may give either.

use crate::model::continent::Continent;

/// The countries of each continent, by ISO 3166-1 alpha-2 code.
const BY_CONTINENT: [(Continent, &str); 7] = [
    (
        Continent::Africa,
        "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML MR MU MW \
         MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW",
    ),
    (Continent::Antarctica, "AQ BV GS HM TF"),
    (
        Continent::Asia,
        "AE AF AM AZ BD BH BN BT CC CN CX CY GE HK ID IL IN IO IQ IR JO JP KG KH KP KR KW KZ LA LB LK MM MN MO \
         MV MY NP OM PH PK PS QA SA SG SY TH TJ TL TM TR TW UZ VN YE",
    ),
    (
        Continent::Europe,
        "AD AL AT AX BA BE BG BY CH CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV MC MD \
         ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA",
    ),
    (
        Continent::NorthAmerica,
        "AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC MF MQ MS MX NI PA PM PR SV \
         SX TC TT US VC VG VI",
    ),
    (Continent::Oceania, "AS AU CK FJ FM GU KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV UM VU WF WS"),
    (Continent::SouthAmerica, "AR BO BR CL CO EC FK GF GY PE PY SR UY VE"),
];

/// Countries on two continents, with the other one.
const ALSO: [(&str, Continent); 14] = [
    ("RU", Continent::Asia),
    ("TR", Continent::Europe),
    ("CY", Continent::Europe),
    ("KZ", Continent::Europe),
    ("GE", Continent::Europe),
    ("AM", Continent::Europe),
    ("AZ", Continent::Europe),
    ("EG", Continent::Asia),
    ("ES", Continent::Africa),
    ("PA", Continent::SouthAmerica),
    ("TT", Continent::SouthAmerica),
    ("ID", Continent::Oceania),
    ("UM", Continent::NorthAmerica),
    ("GL", Continent::Europe),
];

/// The continent a country (upper case) is on; `None` for a code that is no country.
pub fn continent_of(country: &str) -> Option<Continent> {
    BY_CONTINENT.iter().find(|(_, codes)| codes.split_ascii_whitespace().any(|c| c == country)).map(|(k, _)| *k)
}

/// Can a mirror in `country` be on `continent`?
pub fn is_on(country: &str, continent: Continent) -> bool {
    continent_of(country).is_none_or(|k| k == continent) || ALSO.contains(&(country, continent))
}

/// Is the point (degrees) on or near `continent`, by a generous box around it? A
/// longitude that lost its minus sign (a mirror in New York at 75 E, in China) or a
/// latitude and longitude swapped leaves it, and the pages would send visitors across
/// the world to it.
pub fn near(continent: Continent, lat: f64, lon: f64) -> bool {
    let within = |(lat0, lat1): (f64, f64), lons: &[(f64, f64)]| {
        (lat0..=lat1).contains(&lat) && lons.iter().any(|&(a, b)| (a..=b).contains(&lon))
    };
    match continent {
        Continent::Africa => within((-47.0, 38.0), &[(-26.0, 64.0)]),
        Continent::Antarctica => lat <= -45.0,
        Continent::Asia => within((-12.0, 82.0), &[(25.0, 180.0), (-180.0, -168.0)]),
        // Russia as far as the Pacific; Madeira, the Canaries and the Azores to the west.
        Continent::Europe => within((27.0, 82.0), &[(-32.0, 180.0), (-180.0, -168.0)]),
        // Greenland to the east, Hawaii and the Aleutians to the west.
        Continent::NorthAmerica => within((5.0, 84.0), &[(-180.0, -10.0), (170.0, 180.0)]),
        Continent::Oceania => within((-56.0, 30.0), &[(110.0, 180.0), (-180.0, -120.0)]),
        Continent::SouthAmerica => within((-57.0, 15.0), &[(-110.0, -25.0)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_is_on_one_continent() {
        for code in super::super::COUNTRIES.split(' ') {
            let n = BY_CONTINENT.iter().filter(|(_, c)| c.split_ascii_whitespace().any(|c| c == code)).count();
            assert_eq!(n, 1, "{code} is in {n} groups");
        }
        let all: usize = BY_CONTINENT.iter().map(|(_, c)| c.split_ascii_whitespace().count()).sum();
        assert_eq!(all, super::super::COUNTRIES.split(' ').count());
        assert!(is_on("NL", Continent::Europe) && !is_on("NL", Continent::NorthAmerica));
        assert!(is_on("RU", Continent::Asia) && is_on("RU", Continent::Europe));
    }
}
