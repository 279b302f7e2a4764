//! Which of a release's files is its source archive: the download a page offers first
//! when the release has one, and the one its verify lines are for.

use super::{arch_of, source_rank};

/// Is this file sources, and nothing else (not documentation, tests, symbols, ...)?
pub fn is_sources(name: &str, project: &str) -> bool {
    source_rank(name, project).is_some_and(|r| r >= 32)
}

/// Is `name` a build, though it says no machine, because one of `names` (its release's)
/// is the same name with a machine's (JetBrains' `ideaIC-2024.3.1.tar.gz` beside
/// `ideaIC-2024.3.1-aarch64.tar.gz`)? It is no source archive.
pub fn for_a_machine<S: AsRef<str>>(name: &str, names: &[S]) -> bool {
    let Some(dot) = name.find(".tar.").or_else(|| name.rfind('.')) else { return false };
    let (stem, ext) = name.split_at(dot);
    names.iter().any(|o| {
        o.as_ref()
            .strip_prefix(stem)
            .and_then(|r| r.strip_suffix(ext))
            .and_then(|r| r.strip_prefix(['-', '_', '.']))
            .is_some_and(|word| arch_of(&word.to_ascii_lowercase()).is_some())
    })
}

/// Which of a release's files (`names`, in table order) is its source archive: the
/// best [`source_rank`], the least deep and then the first among equals.
pub fn source_archive<'a>(names: impl IntoIterator<Item = &'a str>, project: &str) -> Option<usize> {
    // Of equal rank, the first of the least deep: Wireshark's `src/wireshark-4.4.0.tar.xz`
    // before its copy in `src/all-versions/`; then one named after the project before
    // its parts (LLVM's `llvm-project-19.1.5.src.tar.xz` before `clang-19.1.5.src.tar.xz`).
    let lower = project.to_ascii_lowercase();
    let own = |n: &str| {
        let base = n.rsplit('/').next().unwrap_or(n).to_ascii_lowercase();
        !lower.is_empty() && base.starts_with(&lower)
    };
    let names: Vec<&str> = names.into_iter().collect();
    // Named for the project first: runc's `runc.tar.xz` before the `libseccomp-2.5.5.tar.gz`
    // it bundles, whatever their compression.
    let ranked = names.iter().enumerate().filter_map(|(i, n)| {
        let r = source_rank(n, project).filter(|_| !for_a_machine(n, &names))?;
        Some(((own(n), r, std::cmp::Reverse(n.matches('/').count())), i))
    });
    // Then the higher number glued to the project's name: PyPy's `pypy3.10-v7.3.17-src`
    // (for Python 3.10) before `pypy2.7-v7.3.17-src`.
    let higher = |b: usize, c: usize| match (glued_number(names[b], project), glued_number(names[c], project)) {
        (Some(x), Some(y)) => crate::util::version::compare(&y, &x).is_gt(),
        _ => false,
    };
    ranked
        .fold(None::<((bool, u8, std::cmp::Reverse<usize>), usize)>, |best, c| match best {
            Some(b) if b.0 > c.0 || (b.0 == c.0 && !higher(b.1, c.1)) => Some(b),
            _ => Some(c),
        })
        .map(|(_, i)| i)
}

/// The number glued to the project's name at the start of a file's (PyPy's `3.10` of
/// `pypy3.10-v7.3.17-src.tar.gz`: the Python it is for), when there is one.
pub fn glued_number(name: &str, project: &str) -> Option<String> {
    let base = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
    let lower = project.to_ascii_lowercase();
    let rest =
        base.strip_prefix(&lower).filter(|r| !lower.is_empty() && r.starts_with(|c: char| c.is_ascii_digit()))?;
    Some(rest[..rest.find(['-', '_']).unwrap_or(rest.len())].to_string())
}
