#![no_main]
//! Fuzz target `bundle_structured`: the input describes a bundle (see
//! `kliento_fuzz::structured`), which is built, signed and verified with every invariant of
//! `kliento_fuzz::checks::verify_bundle`.

use kliento_fuzz::{checks, structured};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(built) = structured::build(data, checks::at(), &[2048]) {
        checks::verify_bundle(&built.der, &built.anchors, built.at);
    }
});
