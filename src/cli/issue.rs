//! `kliento issue`: VeraId artefacts, one subcommand each.

mod cert;
mod member_cert;
mod org_cert;

use super::exit::Exit;
use super::failure::Failure;
use super::ui::Ui;
use clap::Subcommand;

/// Issue VeraId certificates
#[derive(Debug, Subcommand)]
pub enum IssueCommand {
    /// Self-issue an organisation certificate (veraid-js profile)
    OrgCert(org_cert::Args),
    /// Issue a member certificate for a user or a bot, signed by the organisation
    MemberCert(member_cert::Args),
}

/// Runs one `issue` subcommand.
pub fn run(ui: &Ui, command: IssueCommand) -> Result<Exit, Failure> {
    match command {
        IssueCommand::OrgCert(args) => org_cert::run(ui, args),
        IssueCommand::MemberCert(args) => member_cert::run(ui, args),
    }
}
