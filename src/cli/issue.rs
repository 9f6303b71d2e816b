//! `kliento issue`: the group of commands that make VeraId and Kliento artefacts.

mod chain;
mod test_chain;

use super::exit::Exit;
use super::failure::Failure;
use super::ui::Ui;

/// Make VeraId artefacts: DNSSEC chains, certificates, tokens
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Chain(chain::Args),
    TestChain(test_chain::Args),
}

/// Runs the chosen `issue` subcommand.
pub fn run(ui: &Ui, args: Args) -> Result<Exit, Failure> {
    match args.command {
        Command::Chain(args) => chain::run(ui, args),
        Command::TestChain(args) => test_chain::run(ui, args),
    }
}
