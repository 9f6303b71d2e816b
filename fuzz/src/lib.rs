//! Shared code of kliento's fuzz targets: the invariants ([`checks`]) and the structure-aware
//! bundle builder ([`structured`]).

pub mod checks;
pub mod structured;
