//! `kliento issue`: the group of commands that produce VeraId artefacts.

use super::exit::Exit;
use super::failure::Failure;
use super::issue_chain;
use super::ui::Ui;
use clap::Subcommand;

/// Produce VeraId artefacts: DNSSEC chains (and, later, certificates and tokens)
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Chain(issue_chain::Args),
}

/// Dispatches to the `issue` subcommand.
pub fn run(ui: &Ui, args: Args) -> Result<Exit, Failure> {
    match args.command {
        Command::Chain(args) => issue_chain::run(ui, args),
    }
}
