//! A failed run: the error, the exit code it maps to, and an optional hint for the user.

use super::exit::Exit;

/// Why a command failed, ready to print as `error:` and `hint:` lines.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub exit: Exit,
    /// What went wrong; rendered on one line with its causes.
    pub error: anyhow::Error,
    /// What to do about it.
    pub hint: Option<String>,
    /// Extra members of the JSON failure object (`--format json`), e.g. a chain's `status`.
    pub fields: Vec<(&'static str, String)>,
}

impl Failure {
    /// A failure with a message.
    pub fn new(exit: Exit, message: impl std::fmt::Display) -> Self {
        Self {
            exit,
            error: anyhow::anyhow!("{message}"),
            hint: None,
            fields: Vec::new(),
        }
    }

    /// Adds a member to the JSON failure object.
    pub fn field(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.fields.push((key, value.into()));
        self
    }

    /// Adds a hint line.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// Attaches an exit code and context to library errors at the CLI edge.
pub trait OrFail<T> {
    /// Maps the error to a failure with `exit` and a one-line context (`"context: cause"`).
    fn or_fail(self, exit: Exit, context: impl std::fmt::Display) -> Result<T, Failure>;
}

impl<T, E> OrFail<T> for Result<T, E>
where
    E: Into<anyhow::Error>,
{
    fn or_fail(self, exit: Exit, context: impl std::fmt::Display) -> Result<T, Failure> {
        self.map_err(|e| Failure {
            exit,
            error: e.into().context(context.to_string()),
            hint: None,
            fields: Vec::new(),
        })
    }
}
