//! The values of a mirror's entry that parse but can still be wrong: its place (the
//! country's code, its continent, coordinates on that continent), its bandwidth (a few
//! zeros too many made one mirror the whole network) and its capacity (a number with no
//! unit of bytes).

use super::COUNTRIES;
use super::checker::Checker;
use super::raw::RawMirror;
use crate::model::continent::Continent;

/// A mirror's bandwidth: more than 0, and no more than any link has.
pub(super) fn bandwidth(c: &mut Checker, what: &str, bandwidth: u64) {
    if bandwidth == 0 {
        c.at(what, "bandwidth", "is 0".into(), "give the mirror's bandwidth in Mbit/s");
    } else if bandwidth > MAX_BANDWIDTH {
        // Its region's every download, and `closer status`'s "100% of their bandwidth".
        c.at(
            what,
            "bandwidth",
            format!("{bandwidth} Mbit/s is more than any mirror's link ({} Gbit/s)", MAX_BANDWIDTH / 1000),
            "bandwidth is in Mbit/s: 1 Gbit/s is `1000`, 10 Gbit/s `10000`",
        );
    }
}

/// A mirror's capacity in bytes, from a size with a unit of bytes.
pub(super) fn capacity(c: &mut Checker, what: &str, given: Option<&str>) -> Option<u64> {
    given.and_then(|s| match crate::util::text::parse_size(s) {
        // `8000` (meant as GB) was 8000 bytes; `8Tb` is terabits.
        Some(_) if s.trim().ends_with(|c: char| c.is_ascii_digit()) || bits(s) => {
            c.at(
                what,
                "capacity",
                format!("{s:?} has no unit of bytes"),
                "give what the mirror can hold with a unit of bytes, such as `8TB` or `500GB` (or `1.5TiB`)",
            );
            None
        }
        Some(0) | None => {
            c.at(
                what,
                "capacity",
                format!("{s:?} is not a size"),
                "give what the mirror can hold with a unit, such as `8TB` or `500GB` (or `1.5TiB`)",
            );
            None
        }
        Some(n) => Some(n),
    })
}

/// More bandwidth than any mirror's link has, in Mbit/s (400 Gbit/s).
const MAX_BANDWIDTH: u64 = 400_000;

/// Is a size written in bits (`8Tb`, `500Gb`: an upper-case prefix, a lower-case `b`)?
fn bits(size: &str) -> bool {
    let unit: String = size.trim().chars().skip_while(|c| c.is_ascii_digit() || *c == '.' || *c == ' ').collect();
    unit.len() == 2 && unit.starts_with(|c: char| "KMGTP".contains(c)) && unit.ends_with('b')
}

/// A mirror's country and continent, upper case, and its coordinates checked.
pub(super) fn place(c: &mut Checker, what: &str, m: &RawMirror) -> (String, Continent) {
    let country = m.country.to_ascii_uppercase();
    if country.len() != 2 || !COUNTRIES.split(' ').any(|k| k == country) {
        c.at(
            what,
            "country",
            format!("{:?} is not an ISO 3166-1 alpha-2 country code", m.country),
            "use a two-letter code such as `DE`, `JP` or `BR`",
        );
    }
    let continent = Continent::from_code(&m.continent);
    if continent.is_none() {
        c.at(
            what,
            "continent",
            format!("{:?} is not a continent code", m.continent),
            "use one of AF, AN, AS, EU, NA, OC, SA",
        );
    }
    if let Some(k) = continent
        && !super::countries::is_on(&country, k)
        && let Some(on) = super::countries::continent_of(&country)
    {
        c.at(
            what,
            "continent",
            format!("is {}, but {country} is in {} ({})", k.code(), on.name(), on.code()),
            &format!("set `continent: {}` (or correct the country): copies count a second continent by it", on.code()),
        );
    }
    if !(-90.0..=90.0).contains(&m.lat) {
        c.at(what, "lat", format!("{} is out of range", m.lat), "latitude is between -90 and 90 degrees");
    }
    if !(-180.0..=180.0).contains(&m.lon) {
        c.at(what, "lon", format!("{} is out of range", m.lon), "longitude is between -180 and 180 degrees");
    } else if let Some(k) = continent
        && (-90.0..=90.0).contains(&m.lat)
        && !super::countries::near(k, m.lat, m.lon)
    {
        // A sign lost, or the two swapped: the fix names the point that is there.
        let flips = [(m.lat, -m.lon), (-m.lat, m.lon), (m.lon, m.lat), (-m.lat, -m.lon)];
        let fix = flips.iter().find(|(lat, lon)| super::countries::near(k, *lat, *lon)).map_or_else(
            || "give the mirror's own latitude and longitude: the pages send each visitor to the nearest mirror".into(),
            |(lat, lon)| {
                format!("did a sign go missing or the two swap? `lat: {lat}`, `lon: {lon}` is in {}", k.name())
            },
        );
        c.at(what, "lon", format!("lat {}, lon {} is not in {} ({})", m.lat, m.lon, k.name(), k.code()), &fix);
    }
    // A registry with a problem is never published; any continent serves until it is fixed.
    (country, continent.unwrap_or(Continent::Europe))
}
