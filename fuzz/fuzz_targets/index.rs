//! cargo-fuzz target: `closer::fuzz::index` (see src/fuzz.rs).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| closer::fuzz::index(data));
