//! The output context: format, verbosity and colour, and how results and diagnostics are shown.

use super::failure::Failure;
use super::io;
use super::text::{DIAGNOSTIC_LIMIT, escape, escape_bounded};
use serde::Serialize;
use std::io::IsTerminal;

/// How results are written to stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable text
    Text,
    /// One JSON document
    Json,
}

/// When diagnostics are coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// When stderr is a terminal and NO_COLOR is unset
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// Global output settings, passed to every handler.
#[derive(Debug)]
pub struct Ui {
    /// Result format on stdout.
    pub format: Format,
    quiet: bool,
    verbose: u8,
    color: bool,
}

impl Ui {
    /// Resolves the global flags (and NO_COLOR) into output settings.
    pub fn new(format: Format, quiet: bool, verbose: u8, color: ColorChoice) -> Self {
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stderr().is_terminal()
            }
        };
        Self {
            format,
            quiet,
            verbose,
            color,
        }
    }

    /// How many `-v` were given.
    pub fn verbosity(&self) -> u8 {
        self.verbose
    }

    /// Whether `-q` was given.
    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// Whether results go out as JSON.
    pub fn json(&self) -> bool {
        self.format == Format::Json
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A short informational line on stderr, unless `-q`. Control characters in it (from
    /// untrusted names it may quote) are escaped.
    pub fn note(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            self.labelled("1;36", "note:", escape(&message.to_string()));
        }
    }

    /// A hint on stderr (what to do about the result just printed), unless `-q`.
    pub fn hint(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            self.labelled("1;33", "hint:", escape(&message.to_string()));
        }
    }

    /// A warning on stderr (something was done that the user should know is wrong), unless
    /// `-q`; escaped as notes are.
    pub fn warn(&self, message: impl std::fmt::Display) {
        if !self.quiet {
            self.labelled("1;33", "warning:", escape(&message.to_string()));
        }
    }

    /// Detail shown with `-v` (level 1) or `-vv` (level 2), escaped as notes are.
    pub fn detail(&self, level: u8, message: impl std::fmt::Display) {
        if self.verbose >= level {
            self.labelled("2", "debug:", escape(&message.to_string()));
        }
    }

    /// One diagnostic line on stderr: a coloured label, then `text` (already escaped).
    fn labelled(&self, colour: &str, label: &str, text: impl std::fmt::Display) {
        io::stderr_line(format_args!("{} {text}", self.paint(colour, label)));
    }

    /// Prints a failure as `error:` and `hint:` lines (nothing for a closed stdout).
    pub fn report(&self, failure: &Failure) {
        if failure.is_closed_stdout() {
            return;
        }
        // Errors quote what servers, files and bundles said: escaped and bounded.
        let error = format!("{:#}", failure.error);
        if self.json() {
            // One JSON object on stderr, so that scripts never parse text (serde escapes
            // control characters; the bound still applies).
            let mut object = serde_json::Map::new();
            let bounded = |text: &str| {
                let kept: String = text.chars().take(DIAGNOSTIC_LIMIT).collect();
                serde_json::Value::String(kept)
            };
            object.insert("error".into(), bounded(&error));
            object.insert(
                "hint".into(),
                failure
                    .hint
                    .as_deref()
                    .map_or(serde_json::Value::Null, bounded),
            );
            object.insert("exitCode".into(), (failure.exit as i32).into());
            for (key, value) in &failure.fields {
                object.insert((*key).into(), bounded(value));
            }
            io::stderr_line(format_args!("{}", serde_json::Value::Object(object)));
            return;
        }
        self.labelled("1;31", "error:", escape_bounded(&error, DIAGNOSTIC_LIMIT));
        if let Some(hint) = &failure.hint {
            self.labelled("1;33", "hint:", escape_bounded(hint, DIAGNOSTIC_LIMIT));
        }
    }

    /// Writes one JSON document (and a newline) to stdout.
    pub fn print_json(&self, value: &impl Serialize) -> Result<(), Failure> {
        let mut text = serde_json::to_string_pretty(value).expect("results serialise to JSON");
        text.push('\n');
        io::write_stdout(text.as_bytes(), false)
    }

    /// Writes a text result (and a newline) to stdout.
    pub fn print_line(&self, line: impl std::fmt::Display) -> Result<(), Failure> {
        io::write_stdout(format!("{line}\n").as_bytes(), false)
    }
}
