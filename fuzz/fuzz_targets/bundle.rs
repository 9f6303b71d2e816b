#![no_main]
//! Fuzz target `bundle`: see `kliento_fuzz::checks::bundle` for what it asserts.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kliento_fuzz::checks::bundle(data));
