//! The fuzz corpus (`fuzz/corpus/<target>/`, grown by `scripts/fuzz` on nightly)
//! replayed through the same functions on stable: every input that ever found a crash,
//! and every input that reached new code, must still pass.

use crate::util::repo;

#[test]
fn every_corpus_input_passes_its_target() {
    let mut ran = 0;
    for (name, target) in closer::fuzz::TARGETS {
        let dir = repo().join("fuzz/corpus").join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e} (every target needs a corpus)", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{}: empty corpus", dir.display());
        for path in files {
            // (scripts/fuzz, running meanwhile, may have merged an input away.)
            let Ok(bytes) = std::fs::read(&path) else { continue };
            if std::panic::catch_unwind(|| target(&bytes)).is_err() {
                panic!("fuzz target {name} fails on {}", path.display());
            }
            ran += 1;
        }
    }
    assert!(ran >= closer::fuzz::TARGETS.len());
}
