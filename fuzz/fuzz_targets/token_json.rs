#![no_main]
//! Fuzz target `token_json`: see `kliento_fuzz::checks::token_json` for what it asserts.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kliento_fuzz::checks::token_json(data));
