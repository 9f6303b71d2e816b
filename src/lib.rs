//! kliento: Kliento token bundles and the VeraId protocol under them.
//!
//! The library never prints, never exits and never reads the clock: callers pass time in and
//! render the results. The `kliento` binary is the command-line front end over it.

pub mod authority;
pub mod bounded;
pub mod dnssec;
pub mod domain;
pub mod http;
pub mod keys;
pub mod report;
pub mod time;
pub mod token;
pub mod veraid;
