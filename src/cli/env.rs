//! `KLIENTO_*` environment variables: an empty one means unset (CI systems set variables to
//! empty), and an invalid value is reported with the name of the variable it came from.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use std::ffi::OsStr;

/// Whether `name` is one of ours and set to the empty string.
fn empty_kliento_variable(name: &OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with("KLIENTO_"))
        && std::env::var_os(name).is_some_and(|value| value.is_empty())
}

/// Drops the environment default of every argument whose `KLIENTO_*` variable is empty, so
/// that the argument behaves as if the variable were unset.
pub fn ignore_empty_variables(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(|arg| {
        if arg.get_env().is_some_and(empty_kliento_variable) {
            arg.env(None::<&'static str>)
        } else {
            arg
        }
    })
    .mut_subcommands(ignore_empty_variables)
}

/// When clap refused a value that came from a `KLIENTO_*` variable (not from the command
/// line), the message to show instead, naming the variable.
pub fn invalid_variable(
    cmd: &clap::Command,
    error: &clap::Error,
    argv: &[String],
) -> Option<String> {
    if !matches!(
        error.kind(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
    ) {
        return None;
    }
    let Some(ContextValue::String(arg)) = error.get(ContextKind::InvalidArg) else {
        return None;
    };
    let long = arg.split_whitespace().next()?.strip_prefix("--")?;
    let on_command_line = argv
        .iter()
        .skip(1)
        .any(|a| a == &format!("--{long}") || a.starts_with(&format!("--{long}=")));
    if on_command_line {
        return None;
    }
    let variable = find_env(cmd, long)?;
    let value = std::env::var(&variable).ok()?;
    let mut message = format!(
        "invalid value '{value}' in the environment variable {variable} (used for --{long})"
    );
    if let Some(ContextValue::Strings(valid)) = error.get(ContextKind::ValidValue) {
        message.push_str(&format!("; possible values: {}", valid.join(", ")));
    } else if let Some(source) = std::error::Error::source(error) {
        message.push_str(&format!(": {source}"));
    }
    Some(message)
}

/// The `KLIENTO_*` variable of the argument `--long`, anywhere in the command tree.
fn find_env(cmd: &clap::Command, long: &str) -> Option<String> {
    cmd.get_arguments()
        .filter(|arg| arg.get_long() == Some(long))
        .find_map(|arg| arg.get_env()?.to_str().map(str::to_string))
        .filter(|name| name.starts_with("KLIENTO_"))
        .or_else(|| cmd.get_subcommands().find_map(|sub| find_env(sub, long)))
}

/// When the value of `--long` came from the `KLIENTO_*` variable `variable` (the flag is not on
/// the command line and the variable holds `value`): `VARIABLE=value`, to name it in messages.
pub fn origin(long: &str, variable: &str, value: &OsStr) -> Option<String> {
    let flag = format!("--{long}");
    let on_command_line = std::env::args_os().skip(1).any(|a| {
        a.to_str()
            .is_some_and(|a| a == flag || a.starts_with(&format!("{flag}=")))
    });
    let from_variable = std::env::var_os(variable).is_some_and(|v| v == value);
    (!on_command_line && from_variable).then(|| format!("{variable}={}", value.to_string_lossy()))
}
