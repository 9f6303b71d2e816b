#![no_main]
//! Fuzz target `txt`: see `kliento_fuzz::checks::txt` for what it asserts.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kliento_fuzz::checks::txt(data));
