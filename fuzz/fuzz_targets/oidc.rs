#![no_main]
//! Fuzz target `oidc`: see `kliento_fuzz::checks::oidc` for what it asserts.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kliento_fuzz::checks::oidc(data));
