#![no_main]
//! Fuzz target `cms`: see `kliento_fuzz::checks::cms` for what it asserts.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kliento_fuzz::checks::cms(data));
