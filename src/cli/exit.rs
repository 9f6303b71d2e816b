//! The exit codes of the command-line contract, and the one place that decides them: from the
//! class of an error and from a verification verdict. One enum feeds the process status,
//! `--help` and the man pages.

use kliento::error::ErrorClass;
use kliento::report::Verdict;
use std::fmt;

/// How a `kliento` run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Success; for `verify`, the bundle is valid.
    Success = 0,
    /// `verify`: the bundle was understood and is invalid; `issue`: what was made would not
    /// verify, or a retrieved chain is not SECURE.
    Invalid = 1,
    /// Usage error: unknown flag, missing argument, bad flag value.
    Usage = 2,
    /// Malformed input that cannot be parsed (bundle, key, certificate, chain, TXT, anchors).
    Malformed = 3,
    /// Environment failure: file I/O, DNS, network, HTTP peer error or timeout.
    Environment = 4,
}

impl Exit {
    /// Every exit code, in numeric order.
    pub const ALL: [Exit; 5] = [
        Exit::Success,
        Exit::Invalid,
        Exit::Usage,
        Exit::Malformed,
        Exit::Environment,
    ];

    /// The numeric status.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// What the code means, as documented in `--help`, the man pages and the README.
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Success => "success (for verify: the bundle is valid)",
            Exit::Invalid => {
                "invalid: verify found the bundle invalid; issue refused what it made because it \
                 would not verify, or a DNSSEC chain that is not SECURE"
            }
            Exit::Usage => "usage error (unknown flag, missing argument or bad flag value)",
            Exit::Malformed => {
                "malformed input (bundle, key, certificate, chain, header, TXT value or anchors file)"
            }
            Exit::Environment => {
                "environment failure (file I/O, DNS, network, HTTP peer error or timeout)"
            }
        }
    }

    /// The exit-code table appended to every `--help` and man page.
    pub fn help_table() -> String {
        let mut table = String::from("Exit codes:\n");
        for exit in Self::ALL {
            table.push_str(&format!("  {}  {}\n", exit.code(), exit.meaning()));
        }
        table.pop();
        table
    }
}

impl From<ErrorClass> for Exit {
    fn from(class: ErrorClass) -> Self {
        match class {
            ErrorClass::Usage => Exit::Usage,
            ErrorClass::Malformed => Exit::Malformed,
            ErrorClass::Invalid => Exit::Invalid,
            ErrorClass::Environment => Exit::Environment,
        }
    }
}

impl Exit {
    /// `verify`'s status: valid, malformed or invalid (valid but for the audience included).
    pub fn of_verdict(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Valid => Exit::Success,
            Verdict::Malformed => Exit::Malformed,
            Verdict::Invalid | Verdict::ValidExceptAudience => Exit::Invalid,
        }
    }

    /// `inspect`'s status: a report was made (whatever the verdict), unless nothing decoded.
    pub fn of_inspection(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Malformed => Exit::Malformed,
            Verdict::Valid | Verdict::Invalid | Verdict::ValidExceptAudience => Exit::Success,
        }
    }
}

/// The rows of the exit-code table in the man pages: code and meaning.
pub fn table_rows() -> Vec<(String, String)> {
    Exit::ALL
        .iter()
        .map(|exit| (exit.code().to_string(), exit.meaning().to_string()))
        .collect()
}

impl fmt::Display for Exit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}
