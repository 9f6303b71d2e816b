#![no_main]
//! Fuzz target `trust_anchors`: see `kliento_fuzz::checks::trust_anchors` for what it asserts.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kliento_fuzz::checks::trust_anchors(data));
