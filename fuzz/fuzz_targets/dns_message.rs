#![no_main]
//! Fuzz target `dns_message`: see `kliento_fuzz::checks::dns_message` for what it asserts.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kliento_fuzz::checks::dns_message(data));
