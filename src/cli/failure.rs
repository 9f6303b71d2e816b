//! A failed run: the error, the exit code its class maps to, and an optional hint for the user.

use super::exit::Exit;
use kliento::error::{Classify, ErrorClass};

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
    /// A failure of `class` with a message.
    pub fn new(class: ErrorClass, message: impl std::fmt::Display) -> Self {
        Self::with_exit(Exit::from(class), anyhow::anyhow!("{message}"))
    }

    /// A request that cannot be met as asked (exit 2).
    pub fn usage(message: impl std::fmt::Display) -> Self {
        Self::new(ErrorClass::Usage, message)
    }

    /// An input that cannot be parsed (exit 3).
    pub fn malformed(message: impl std::fmt::Display) -> Self {
        Self::new(ErrorClass::Malformed, message)
    }

    /// Something made or checked that does not verify (exit 1).
    pub fn invalid(message: impl std::fmt::Display) -> Self {
        Self::new(ErrorClass::Invalid, message)
    }

    /// A failure of files, network, peers or devices (exit 4).
    pub fn environment(message: impl std::fmt::Display) -> Self {
        Self::new(ErrorClass::Environment, message)
    }

    /// A library error, classified by its type.
    pub fn classified<E>(error: E) -> Self
    where
        E: Classify + Into<anyhow::Error>,
    {
        Self::with_exit(Exit::from(error.class()), error.into())
    }

    /// A library error, classified by its type, with a one-line context.
    pub fn of<E>(error: E, context: impl std::fmt::Display) -> Self
    where
        E: Classify + Into<anyhow::Error>,
    {
        let exit = Exit::from(error.class());
        Self::with_exit(exit, error.into().context(context.to_string()))
    }

    /// Stdout was closed by its reader (`kliento ... | head`): the run ends quietly, successfully.
    pub fn closed_stdout() -> Self {
        Self::with_exit(Exit::Success, anyhow::anyhow!("stdout closed"))
    }

    /// Whether this is [`Failure::closed_stdout`].
    pub fn is_closed_stdout(&self) -> bool {
        self.exit == Exit::Success
    }

    fn with_exit(exit: Exit, error: anyhow::Error) -> Self {
        Self {
            exit,
            error,
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

    /// Adds a hint line when there is one.
    pub fn hint_if(self, hint: Option<impl Into<String>>) -> Self {
        match hint {
            Some(hint) => self.hint(hint),
            None => self,
        }
    }
}

/// Attaches context to library errors at the CLI edge; the exit code follows the error's class.
pub trait OrFail<T> {
    /// Maps the error to a failure with a one-line context (`"context: cause"`).
    fn or_fail(self, context: impl std::fmt::Display) -> Result<T, Failure>;
}

impl<T, E> OrFail<T> for Result<T, E>
where
    E: Classify + Into<anyhow::Error>,
{
    fn or_fail(self, context: impl std::fmt::Display) -> Result<T, Failure> {
        self.map_err(|e| Failure::of(e, context))
    }
}
