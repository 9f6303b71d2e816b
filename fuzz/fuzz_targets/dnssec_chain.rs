#![no_main]
//! Fuzz target `dnssec_chain`: see `kliento_fuzz::checks::dnssec_chain` for what it asserts.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kliento_fuzz::checks::dnssec_chain(data));
