//! Which products kept side by side in one directory are released together (one line)
//! and which apart (a line each), read from their versions and when their files were
//! made: Rust's `rust-`, `cargo-` and `rustc-` share every version; X.Org's hundred
//! libraries are numbered alike by coincidence.

use std::collections::{BTreeMap, BTreeSet};

/// When each product's files of each version were last modified (the newest of them).
pub(super) type Times = BTreeMap<(String, String), i64>;

/// Whether products `a` and `b` (their versions `va`, `vb`) are released together: they
/// share at least half their versions (Rust's `rust-`, `cargo-`, `rustc-`), more than
/// one unless one is a part of the other by name (`rust-std` of `rust`), they are in a
/// `series` directory (kernel.org's `v6.x/linux-6.6.1.tar.xz` and `patch-6.6.1.xz`: one
/// line's files), or they have the same one in a `coherent` directory (one of a few
/// versions, each of several products: Alpine's `alpine-virt-3.21.0.iso` and
/// `alpine-standard-3.21.0.iso`); and the
/// files of the versions they share were not made weeks apart (X.Org's libXdamage and
/// libXxf86dga share their 1.1.x numbers by coincidence, years apart).
fn together(
    a: &str,
    b: &str,
    (va, vb): (&BTreeSet<String>, &BTreeSet<String>),
    (coherent, series): (bool, bool),
    times: &Times,
) -> bool {
    let shared: Vec<&String> = va.intersection(vb).collect();
    let part = |x: &str, y: &str| y.strip_prefix(x).is_some_and(|r| r.starts_with(['-', '_']));
    // A part of the other by name whose versions are all the other's, however few (PHP's
    // `php-devel-pack-8.4.1` beside `php-8.4.1` and its older releases).
    let of_other = (part(a, b) && vb.is_subset(va)) || (part(b, a) && va.is_subset(vb));
    if shared.len() * 2 < va.union(vb).count() && !of_other {
        return false;
    }
    let alike = shared.len() >= 2 || series || (va == vb && coherent) || part(a, b) || part(b, a);
    if !alike {
        return false;
    }
    !made_apart(a, b, &shared, times)
}

/// Whether most of the versions `shared` by products `a` and `b` were made weeks apart.
pub(super) fn made_apart(a: &str, b: &str, shared: &[&String], times: &Times) -> bool {
    const APART: i64 = 14 * 86_400;
    let time = |p: &str, v: &String| times.get(&(p.to_string(), v.clone())).copied();
    let apart = shared
        .iter()
        .filter(|v| matches!((time(a, v), time(b, v)), (Some(x), Some(y)) if (x - y).abs() > APART))
        .count();
    apart * 2 > shared.len()
}

/// Products whose releases share most of their versions are released together (one
/// line); the others apart. Returns, per product, the name of its group.
pub(super) fn product_groups(
    versions: &BTreeMap<String, BTreeSet<String>>,
    times: &Times,
    series: bool,
) -> BTreeMap<String, String> {
    let products: Vec<&String> = versions.keys().collect();
    let distinct: BTreeSet<&String> = versions.values().flatten().collect();
    let coherent = distinct.len() * 2 <= products.len();
    let mut group: Vec<usize> = (0..products.len()).collect();
    fn find(g: &mut [usize], i: usize) -> usize {
        let mut i = i;
        while g[i] != i {
            g[i] = g[g[i]];
            i = g[i];
        }
        i
    }
    for a in 0..products.len() {
        for b in a + 1..products.len() {
            let (va, vb) = (&versions[products[a]], &versions[products[b]]);
            if together(products[a], products[b], (va, vb), (coherent, series), times) {
                let (ra, rb) = (find(&mut group, a), find(&mut group, b));
                group[ra.max(rb)] = ra.min(rb);
            }
        }
    }
    // A group is named by its shortest product name (then the first in order).
    let mut names: BTreeMap<usize, &String> = BTreeMap::new();
    for (i, p) in products.iter().enumerate() {
        let r = find(&mut group, i);
        let best = names.entry(r).or_insert(p);
        if (p.len(), *p) < (best.len(), *best) {
            *best = p;
        }
    }
    products.iter().enumerate().map(|(i, p)| ((*p).clone(), names[&find(&mut group, i)].clone())).collect()
}

/// Names the group holding the product named as the directory (`own`) after it: nmap's
/// `nmap-7.95.tar.bz2`, `ncat-7.95-1.x86_64.rpm` and `zenmap-7.95.exe` were line "ncat"
/// (the shortest name, then the first), and its page "Download Nmap ncat 7.95".
pub(super) fn own_name(groups: &mut BTreeMap<String, String>, own: &str) {
    let Some(name) = groups.get(own).cloned() else { return };
    groups.values_mut().filter(|g| **g == name).for_each(|g| *g = own.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(of: &[(&str, &[&str])]) -> BTreeMap<String, BTreeSet<String>> {
        of.iter().map(|(p, vs)| (p.to_string(), vs.iter().map(|v| v.to_string()).collect())).collect()
    }

    #[test]
    fn released_together_or_apart() {
        let none = Times::new();
        // Rust: every version shared, and rust-std a part of rust by name.
        let rust =
            versions(&[("rust", &["1.74.1", "1.75.0"]), ("cargo", &["1.74.1", "1.75.0"]), ("rust-std", &["1.75.0"])]);
        let g = product_groups(&rust, &none, false);
        assert!(g.values().all(|l| l == "rust"), "{g:?}");
        // X.Org: one version in common by coincidence.
        let xorg = versions(&[
            ("libxinerama", &["1.1.4", "1.1.5"]),
            ("libxxf86vm", &["1.1.5"]),
            ("libx11", &["1.8.7", "1.8.10"]),
        ]);
        let g = product_groups(&xorg, &none, false);
        assert_ne!(g["libxinerama"], g["libxxf86vm"], "{g:?}");
        // kernel.org's series `v6.x/`: a release's patch beside its tarballs is of it.
        let kernel = versions(&[("linux", &["6.6", "6.6.1"]), ("patch", &["6.6.1"])]);
        assert_eq!(product_groups(&kernel, &none, true)["patch"], "linux");
        // A part by name, only for the newest of several versions.
        let php = versions(&[("php", &["8.2.26", "8.3.13", "8.3.14"]), ("php-devel-pack", &["8.3.14"])]);
        assert_eq!(product_groups(&php, &none, false)["php-devel-pack"], "php");
        // Alpine: one version, several images of it.
        let alpine = versions(&[("alpine-virt", &["3.21.0"]), ("alpine-standard", &["3.21.0"])]);
        let g = product_groups(&alpine, &none, false);
        assert_eq!(g["alpine-virt"], g["alpine-standard"], "{g:?}");
        // Shared versions made years apart.
        let apart = versions(&[("libxdamage", &["1.1.5", "1.1.6"]), ("libxxf86dga", &["1.1.5", "1.1.6"])]);
        let mut times = Times::new();
        for (i, v) in ["1.1.5", "1.1.6"].into_iter().enumerate() {
            times.insert(("libxdamage".into(), v.into()), i as i64 * 1000);
            times.insert(("libxxf86dga".into(), v.into()), 60_000_000 + i as i64 * 1000);
        }
        let g = product_groups(&apart, &times, false);
        assert_ne!(g["libxdamage"], g["libxxf86dga"], "{g:?}");
        assert_eq!(product_groups(&apart, &none, false)["libxxf86dga"], "libxdamage");
    }
}
