//! cargo-fuzz target: `closer::fuzz::zip` (see src/fuzz.rs).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| closer::fuzz::zip(data));
