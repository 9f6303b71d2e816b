//! The integration tests: one binary (`cargo test --test it`), one module per area, one support
//! tree (`support/`), and the table of command-line cases (`cases/`, run by `cli_cases`).
//! `cargo test NAME` selects tests by name as before, e.g. `cargo test verify_checks::`.

/// Declares tests that each run their cases of `cases/<this module>.toml` (see
/// `support::cases`), and a test that every case there belongs to one of them.
macro_rules! cases {
    ($($test:ident),+ $(,)?) => {
        $(
            #[test]
            fn $test() {
                let module = crate::support::cases::module_name(module_path!());
                crate::support::cases::run(module, stringify!($test));
            }
        )+

        #[test]
        fn every_case_of_the_module_file_is_run() {
            let module = crate::support::cases::module_name(module_path!());
            crate::support::cases::all_claimed(module, &[$(stringify!($test)),+]);
        }
    };
}

mod support;

// The fuzz targets' invariant checks and structured mutator, replayed here on stable: they are
// the sources of the fuzz crate (its own nightly workspace, fuzz/Cargo.toml), compiled in.
#[path = "../../fuzz/src/checks.rs"]
mod checks;
#[path = "../../fuzz/src/structured.rs"]
mod structured;

mod cli_contract;
mod cli_exchange;
mod cli_exchange_cache;
mod cli_exchange_peers;
mod cli_io;
mod cli_issue_cert;
mod cli_issue_test_chain;
mod cli_keygen;
mod cli_kms;
mod cli_output_rules;
mod cli_pkcs11;
mod cli_sign_out;
mod cli_token;
mod cli_txt_record;
mod differential;
mod dnssec_interop;
mod dnssec_retrieve;
mod example_server;
mod fuzz_regressions;
mod github_action;
mod interop_bundles;
mod interop_pki;
mod interop_txt;
mod issue_chain_cli;
mod knot_e2e;
mod readme_example;
mod serve_api;
mod serve_cache;
mod serve_compat;
mod serve_container;
mod serve_faults;
mod tamper;
mod verify_checks;
