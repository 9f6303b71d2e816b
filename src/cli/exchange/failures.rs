//! Failures of an exchange: server text scrubbed of every secret sent and bounded, with hints.

use super::*;

/// Longest error message shown from an exchange (server text included).
const MESSAGE_LIMIT: usize = 600;

/// An error message that may carry text from a server: every secret sent in this exchange
/// scrubbed, and the whole bounded (control and bidi characters are escaped when it is
/// printed, as for every error).
fn server_text(message: &str, secrets: &Secrets) -> String {
    let values: Vec<&str> = secrets.0.iter().map(Secret::expose).collect();
    let scrubbed = kliento::http::scrub(message, &values);
    let count = scrubbed.chars().count();
    if count <= MESSAGE_LIMIT {
        return scrubbed;
    }
    let kept: String = scrubbed.chars().take(MESSAGE_LIMIT).collect();
    format!("{kept}... ({} more characters)", count - MESSAGE_LIMIT)
}

/// Every secret this exchange sends, so that none is ever printed back.
#[derive(Default)]
pub(super) struct Secrets(Vec<Secret>);

impl Secrets {
    pub(super) fn add(&mut self, value: &str) {
        if !value.is_empty() {
            self.0.push(Secret::new(value));
        }
    }
}

pub(super) fn exchange_failure(error: ExchangeError, secrets: &Secrets) -> Failure {
    let hint = hints::for_exchange(&error);
    let failure = Failure::new(
        error.class(),
        server_text(&format!("exchange failed: {error}"), secrets),
    );
    failure.hint_if(hint)
}

pub(super) fn source_failure(error: JwtSourceError, secrets: &Secrets) -> Failure {
    let hint = hints::for_jwt_source(&error);
    let failure = Failure::new(
        error.class(),
        server_text(&format!("cannot obtain a JWT: {error}"), secrets),
    );
    failure.hint_if(hint)
}
