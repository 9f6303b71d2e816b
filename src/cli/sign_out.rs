//! `kliento sign-out`: ends what `exchange --oidc-issuer` started with a browser sign-in: the
//! stored refresh token is revoked at the provider (when it offers revocation) and deleted, and
//! the provider's end-session URL is printed for the browser.

use super::context::Context;
use super::failure::{Failure, OrFail};
use super::io;
use super::text::Esc;
use super::ui::Ui;
use super::values;
use kliento::authority::sources::oidc::{
    Grant, OidcConfig, OidcSource, Revocation, SignedOut, TokenKind, refresh_store_path,
};
use kliento::authority::{Http, HttpPolicy, ProxySettings, Secret};
use serde::Serialize;
use std::time::Duration;

/// Sign out of an OIDC provider: revoke and delete the refresh token `exchange` keeps
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Sign out of an OpenID Connect provider that `kliento exchange --oidc-issuer` \
                  signed in to with a browser: the refresh token kept for that issuer and client \
                  is revoked at the provider's revocation endpoint (RFC 7009) when discovery \
                  lists one, and deleted here in any case; the provider's end-session URL \
                  (RP-Initiated Logout), when it has one, is printed for the browser, which holds \
                  the provider's own session. Exit 0 when the token is gone everywhere kliento \
                  can reach; 4 when it was deleted here but the provider could not revoke it."
)]
pub struct Args {
    /// OIDC issuer URL, as given to `exchange --oidc-issuer`
    #[arg(long, value_name = "URL")]
    oidc_issuer: url::Url,

    /// OIDC client id, as given to `exchange --client-id`
    #[arg(long, value_name = "ID")]
    client_id: String,

    /// Environment variable holding the client secret, for providers that authenticate
    /// revocation (never pass a secret as a flag value)
    #[arg(long, value_name = "VAR")]
    client_secret_env: Option<String>,

    /// Timeout of each HTTP request: seconds or a duration (30s, 2m)
    #[arg(long, value_name = "DURATION", default_value = "10", value_parser = values::timeout)]
    timeout: Duration,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    schema_version: u8,
    refresh_token_deleted: bool,
    revocation: &'static str,
    revocation_error: Option<String>,
    end_session_url: Option<String>,
}

/// Signs out and reports.
pub fn run(ui: &Ui, context: &Context, args: Args) -> Result<(), Failure> {
    let client_secret = match &args.client_secret_env {
        Some(variable) => Some(Secret::new(context.env.get(variable).ok_or_else(|| {
            Failure::environment(format!("the client secret variable {variable} is not set"))
        })?)),
        None => None,
    };
    let refresh_store =
        refresh_store_path(&context.env, args.oidc_issuer.as_str(), &args.client_id);
    let source = OidcSource::new(
        OidcConfig {
            issuer: args.oidc_issuer,
            client_id: args.client_id,
            client_secret,
            scope: None,
            token: TokenKind::Id,
            grant: Grant::AuthorizationCode,
            refresh_store,
            redirect_port: 0,
            login_wait: Duration::ZERO,
        },
        Box::new(|_| {}),
    );
    let http = Http::new(
        HttpPolicy {
            timeout: args.timeout,
            retries: 1,
            backoff: Duration::from_millis(500),
            deadline: Some(std::time::Instant::now() + args.timeout * 4),
        },
        ProxySettings::from_vars(|name| context.env.get(name).map(str::to_string)),
    )
    .or_fail("cannot set up the HTTP client")?;
    let signed_out = source
        .sign_out(&http)
        .or_fail("cannot delete the stored refresh token")?;
    report(ui, &signed_out)?;
    match signed_out.revocation {
        Revocation::Failed(error) => Err(Failure::of(
            error,
            "the refresh token was deleted here, but the provider did not revoke it",
        )
        .hint("it stays valid at the provider until it expires; retry, or revoke it there")),
        _ => Ok(()),
    }
}

fn report(ui: &Ui, signed_out: &SignedOut) -> Result<(), Failure> {
    let revocation = match &signed_out.revocation {
        Revocation::Revoked => "revoked",
        Revocation::NothingStored => "nothing-stored",
        Revocation::NotOffered => "not-offered",
        Revocation::Failed(_) => "failed",
    };
    let end_session = signed_out.end_session.as_ref().map(url::Url::to_string);
    if ui.json() {
        return ui.print_json(&Report {
            schema_version: 1,
            refresh_token_deleted: signed_out.had_refresh_token,
            revocation,
            revocation_error: match &signed_out.revocation {
                Revocation::Failed(error) => Some(error.to_string()),
                _ => None,
            },
            end_session_url: end_session,
        });
    }
    ui.note(match &signed_out.revocation {
        Revocation::Revoked => "the refresh token was revoked at the provider and deleted here",
        Revocation::NothingStored => "no refresh token was stored for this issuer and client",
        Revocation::NotOffered => {
            "the provider offers no revocation: the refresh token was deleted here only"
        }
        Revocation::Failed(_) => "the refresh token was deleted here",
    });
    if let Some(url) = &signed_out.end_session {
        // The URL comes from the provider's discovery document: escaped like any server text.
        io::write_stdout(format!("{}\n", Esc(url)).as_bytes(), false)?;
        ui.note("open that URL in the browser to end the provider's session too");
    }
    Ok(())
}
