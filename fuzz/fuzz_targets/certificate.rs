#![no_main]
//! Fuzz target `certificate`: see `kliento_fuzz::checks::certificate` for what it asserts.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kliento_fuzz::checks::certificate(data));
