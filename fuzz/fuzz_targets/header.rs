#![no_main]
//! Fuzz target `header`: see `kliento_fuzz::checks::header` for what it asserts.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kliento_fuzz::checks::header(data));
