//! cargo-fuzz target: `closer::fuzz::stamp` (see src/fuzz.rs).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| closer::fuzz::stamp(data));
