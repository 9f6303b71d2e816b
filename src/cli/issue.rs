//! `kliento issue`: the group of commands that make VeraId and Kliento artefacts.

mod cert;
mod chain;
mod check;
mod member_cert;
mod org_cert;
mod test_chain;
mod token;

use super::context::Context;
use super::failure::Failure;
use super::ui::Ui;

/// Make VeraId artefacts: token bundles, certificates, DNSSEC chains
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Token(Box<token::Args>),
    /// Self-issue an organisation certificate (veraid-js profile)
    OrgCert(org_cert::Args),
    /// Issue a member certificate for a user or a bot, signed by the organisation
    MemberCert(member_cert::Args),
    Chain(chain::Args),
    TestChain(test_chain::Args),
}

/// Runs the chosen `issue` subcommand.
pub fn run(ui: &Ui, context: &Context, args: Args) -> Result<(), Failure> {
    match args.command {
        Command::Token(args) => token::run(ui, context, *args),
        Command::OrgCert(args) => org_cert::run(ui, context, args),
        Command::MemberCert(args) => member_cert::run(ui, context, args),
        Command::Chain(args) => chain::run(ui, context, args),
        Command::TestChain(args) => test_chain::run(ui, context, args),
    }
}
