#![no_main]
//! Fuzz target `authority_answer`: see `kliento_fuzz::checks::authority_answer` for what it asserts.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kliento_fuzz::checks::authority_answer(data));
