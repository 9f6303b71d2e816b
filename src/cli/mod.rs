//! The command line: the clap tree, the output context, and dispatch to one handler per
//! subcommand. This is the only code that knows about clap, stdout, colours and exit codes.

mod anchors;
mod context;
mod docs;
mod env;
mod exchange;
mod exit;
mod failure;
mod hints;
mod inputs;
mod inspect;
mod io;
mod issue;
mod keygen;
mod output;
mod serve;
mod sign_out;
mod text;
mod txt_record;
mod ui;
mod values;
mod verify;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use context::Context;
use exit::Exit;
use std::process::ExitCode;
use ui::{ColorChoice, Format, Ui};

/// Heading of the options every subcommand accepts.
const GLOBAL: &str = "Global options";

/// Kliento token bundles and VeraId, from the command line.
#[derive(Debug, Parser)]
#[command(
    name = "kliento",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    /// Output format: human-readable text, or one JSON document on stdout
    #[arg(long, global = true, value_enum, default_value_t = Format::Text, env = "KLIENTO_FORMAT", help_heading = GLOBAL)]
    format: Format,

    /// Print nothing on stderr but errors
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = GLOBAL)]
    quiet: bool,

    /// More detail: debug lines on stderr (repeat for more); `inspect -v` adds the DNSSEC walk to
    /// its report
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = GLOBAL)]
    verbose: u8,

    /// Colour diagnostics: auto (terminal without NO_COLOR), always or never
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto, help_heading = GLOBAL)]
    color: ColorChoice,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Keygen(keygen::Args),
    TxtRecord(txt_record::Args),
    Issue(issue::Args),
    Verify(verify::Args),
    Inspect(inspect::Args),
    Exchange(Box<exchange::Args>),
    SignOut(sign_out::Args),
    Serve(serve::Args),
    Completions(docs::CompletionsArgs),
    Man(docs::ManArgs),
}

/// The full clap definition, with the exit-code table on every command's help.
pub fn command() -> clap::Command {
    fn with_exit_codes(cmd: clap::Command) -> clap::Command {
        cmd.after_help(Exit::help_table())
            .mut_subcommands(with_exit_codes)
    }
    with_exit_codes(with_lifetimes(Cli::command()))
}

/// `--valid-for` is shared by `issue token`, `org-cert` and `member-cert`; each says its own
/// default where the flag is described.
fn with_lifetimes(cmd: clap::Command) -> clap::Command {
    let lifetime = |default: &'static str| {
        move |arg: clap::Arg| {
            arg.help(format!(
                "Lifetime from the start: 300s, 90m, 1h, 7d, 2w, or plain seconds [default: \
                 {default}]"
            ))
        }
    };
    cmd.mut_subcommand("issue", |issue| {
        issue
            .mut_subcommand("token", |c| c.mut_arg("valid_for", lifetime("5m")))
            .mut_subcommand("org-cert", |c| c.mut_arg("valid_for", lifetime("90d")))
            .mut_subcommand("member-cert", |c| {
                c.mut_arg(
                    "valid_for",
                    lifetime("90d, capped at the organisation certificate's expiry"),
                )
            })
    })
}

/// Runs `kliento` with the process arguments and returns its exit status.
pub fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let cmd = env::ignore_empty_variables(command());
    let cli = match cmd
        .clone()
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&cmd, &e, &argv),
    };
    io::set_quiet(cli.quiet);
    let ui = Ui::new(cli.format, cli.quiet, cli.verbose, cli.color);
    let context = Context::read();
    let outcome = match cli.command {
        Command::Keygen(args) => keygen::run(&ui, &context, args).map(|()| Exit::Success),
        Command::TxtRecord(args) => txt_record::run(&ui, &context, args).map(|()| Exit::Success),
        Command::Issue(args) => issue::run(&ui, &context, args).map(|()| Exit::Success),
        Command::Verify(args) => verify::run(&ui, &context, args).map(Exit::of_verdict),
        Command::Inspect(args) => inspect::run(&ui, &context, args).map(Exit::of_inspection),
        Command::Exchange(args) => exchange::run(&ui, &context, *args).map(|()| Exit::Success),
        Command::SignOut(args) => sign_out::run(&ui, &context, args).map(|()| Exit::Success),
        Command::Serve(args) => serve::run(&ui, args).map(|()| Exit::Success),
        Command::Completions(args) => docs::completions(args).map(|()| Exit::Success),
        Command::Man(args) => docs::man(&ui, args).map(|()| Exit::Success),
    };
    match outcome {
        Ok(exit) => exit.into(),
        Err(failure) => {
            ui.report(&failure);
            failure.exit.into()
        }
    }
}

/// What a clap error or early exit (help, version) becomes. Help and version go to stdout
/// (exit 0), and failing to write them is an environment failure like any other stdout write
/// (a closed pipe excepted); usage errors go to stderr (exit 2), whether or not stderr can be
/// written.
fn clap_exit(cmd: &clap::Command, e: &clap::Error, argv: &[String]) -> ExitCode {
    use std::io::Write;
    if !e.use_stderr() {
        let written = e.print().and_then(|()| std::io::stdout().flush());
        return match written {
            Ok(()) => Exit::Success.into(),
            Err(error) => {
                let failure = io::stdout_failure(error);
                if !failure.is_closed_stdout() {
                    io::stderr_line(format_args!("error: {:#}", failure.error));
                }
                failure.exit.into()
            }
        };
    }
    let json = argv
        .windows(2)
        .any(|pair| pair[0] == "--format" && pair[1] == "json")
        || argv.iter().any(|arg| arg == "--format=json")
        || std::env::var("KLIENTO_FORMAT").is_ok_and(|value| value == "json");
    let message = env::invalid_variable(cmd, e, argv);
    if json {
        // In JSON mode every failure is one JSON object on stderr, usage errors included.
        let rendered = e.render().to_string();
        let text = message.unwrap_or_else(|| {
            rendered
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ")
                .to_string()
        });
        let object = serde_json::json!({
            "error": text,
            "hint": serde_json::Value::Null,
            "exitCode": Exit::Usage as i32,
        });
        io::stderr_line(format_args!("{object}"));
        return Exit::Usage.into();
    }
    match message {
        Some(message) => io::stderr_line(format_args!("error: {message}")),
        None => {
            let _ = e.print();
        }
    }
    Exit::Usage.into()
}
