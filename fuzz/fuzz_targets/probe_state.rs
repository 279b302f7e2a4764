//! cargo-fuzz target: `closer::fuzz::probe_state` (see src/fuzz.rs).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| closer::fuzz::probe_state(data));
