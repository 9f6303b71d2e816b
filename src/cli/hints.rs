//! What to tell the user to do about a failure: every hint that depends on a library error, in
//! one place. The failure's class (and so the exit code) comes from the error itself
//! ([`kliento::error::Classify`]); the hint only adds the next step.

use kliento::authority::exchange::{ExchangeError, Problem};
use kliento::authority::jwt_source::JwtSourceError;
use kliento::authority::sources::github;
use kliento::authority::sources::kubernetes;
use kliento::authority::sources::oidc::OidcError;
use kliento::authority::{HttpError, TransportFailure};
use kliento::aws::AwsError;
use kliento::dnssec::retrieve::RetrieveError;
use kliento::signer::{AwsKmsError, Pkcs11Error, SignerError};
use kliento::token::bundle;
use kliento::veraid::certificate::IssueError;
use kliento::veraid::signature::SignError;
use std::path::Path;

/// A test chain checked against anchors that are not its own.
pub const FOREIGN_ROOT: &str = "the chain's root key matches none of the trust anchors \
     in use: a chain made by `kliento issue test-chain` verifies only with its own anchors, \
     --trust-anchors FILE (the file --trust-anchors-out wrote)";

/// What to do about a failed HTTP exchange with a peer.
pub fn for_http(error: &HttpError) -> Option<&'static str> {
    match error {
        HttpError::Transport {
            failure: TransportFailure::Timeout,
            ..
        } => Some("the server did not answer in time; raise --timeout or check the network"),
        HttpError::Transport {
            failure: TransportFailure::Deadline,
            ..
        } => Some(
            "the command's overall deadline (3 × (--retries + 1) × --timeout) passed; raise --timeout or check the network",
        ),
        HttpError::Transport {
            failure: TransportFailure::Certificate,
            ..
        } => Some(
            "the server's certificate is not trusted for this name: this does not change by retrying; check the URL or the server's certificate",
        ),
        HttpError::Transport {
            failure: TransportFailure::Connect,
            ..
        } => Some("check the URL and that the server is reachable"),
        HttpError::Insecure { .. } => {
            Some("use https (plain http is allowed to loopback hosts only)")
        }
        _ => None,
    }
}

/// What to do about a failed exchange.
pub fn for_exchange(error: &ExchangeError) -> Option<String> {
    match error {
        ExchangeError::Http(e) => for_http(e).map(str::to_string),
        ExchangeError::Rejected { status, problem } => Some(
            match (problem, status) {
                (Some(Problem::SpecNotFound), _) | (None, 404) => {
                    "check the exchange URL: use the exchangeUrl returned when the signature spec was created"
                }
                (Some(Problem::InvalidJwt), _) => {
                    "the JWT's issuer must be the spec's providerIssuerUrl and its audience exactly the exchange URL (see --jwt-audience)"
                }
                (Some(Problem::ExpiredJwt), _) => {
                    "get a fresh JWT: the Authority refuses tokens past their exp or issued over 60 minutes ago"
                }
                (Some(Problem::JwksRetrieval), _) => {
                    "the Authority cannot fetch the issuer's discovery document or JWKS: check the spec's providerIssuerUrl, or retry later"
                }
                (Some(Problem::DnssecChain), _) => {
                    "check the organisation's _veraid TXT record and its DNSSEC signatures, or retry later"
                }
                (None, 401) => "the Authority refused the Bearer JWT; check the JWT source",
                (_, 500..) => "the Authority is failing; retry later",
                _ => "see the Authority's logs",
            }
            .to_string(),
        ),
        ExchangeError::Redirect { .. } => Some(
            "kliento never follows redirects with a Bearer JWT: if the new location is the \
             Authority, pass its exchange URL instead"
                .to_string(),
        ),
        ExchangeError::TooLarge { .. } => Some(
            "no verifier accepts a bundle this large: check the Authority's signature spec"
                .to_string(),
        ),
        ExchangeError::ContentType { .. }
        | ExchangeError::Base64
        | ExchangeError::Bundle(_) => {
            Some("check that the URL is a VeraId Authority exchange URL".to_string())
        }
        _ => None,
    }
}

/// What to do when no JWT could be obtained.
pub fn for_jwt_source(error: &JwtSourceError) -> Option<String> {
    match error {
        JwtSourceError::MissingVariable { variable, .. }
            if variable == github::REQUEST_URL_VAR || variable == github::REQUEST_TOKEN_VAR =>
        {
            Some(
                "the job needs `permissions: id-token: write` for GitHub to provide an OIDC token"
                    .to_string(),
            )
        }
        JwtSourceError::MissingVariable { variable, .. } => {
            Some(format!("set {variable}, or choose another --jwt-source"))
        }
        JwtSourceError::File { path, .. } if path == Path::new(kubernetes::DEFAULT_TOKEN_PATH) => {
            Some("mount a projected serviceAccountToken volume there, or pass --jwt-file".into())
        }
        JwtSourceError::Http { error, .. } => for_http(error).map(str::to_string),
        JwtSourceError::Oidc(OidcError::Http(error) | OidcError::Insecure(error)) => {
            for_http(error).map(str::to_string)
        }
        JwtSourceError::Oidc(OidcError::SecretRequired) => {
            Some("pass --client-secret-env VAR or --client-secret-file FILE".into())
        }
        JwtSourceError::Oidc(OidcError::StateMismatch) => {
            Some("the redirect did not come from this sign-in (possible CSRF); start again".into())
        }
        JwtSourceError::Aws(error) => for_aws(error).map(str::to_string),
        _ => None,
    }
}

/// What to do about an AWS failure.
fn for_aws(error: &AwsError) -> Option<&'static str> {
    match error {
        AwsError::NoRegion => Some(
            "STS tokens come from a regional endpoint: set AWS_REGION (e.g. AWS_REGION=eu-west-1)",
        ),
        AwsError::NoCredentials { .. } => Some(
            "configure AWS credentials (variables, a profile, web identity, a container or an \
             instance role), or choose another --jwt-source",
        ),
        AwsError::Http(error) => for_http(error),
        AwsError::Refused {
            action,
            code: Some(code),
            ..
        } => match code.as_str() {
            "SignatureDoesNotMatch" | "InvalidClientTokenId" | "IncompleteSignature" => Some(
                "AWS refused the credentials: check the access key id and secret access key \
                 (and the session token of temporary credentials), and that the clock is right",
            ),
            "ExpiredToken" | "ExpiredTokenException" => {
                Some("the AWS session token has expired: obtain fresh credentials")
            }
            "OutboundWebIdentityFederationDisabledException" => Some(
                "turn on outbound identity federation once for the account: \
                 `aws iam enable-outbound-web-identity-federation`",
            ),
            "AccessDenied" | "AccessDeniedException" if action == "GetWebIdentityToken" => Some(
                "allow the identity sts:GetWebIdentityToken (condition key \
                 sts:IdentityTokenAudience: the exchange URL)",
            ),
            _ => None,
        },
        _ => None,
    }
}

/// What to do about a key in a PKCS#11 device that could not be found or used.
pub fn for_pkcs11(error: &Pkcs11Error) -> Option<&'static str> {
    Some(match error {
        Pkcs11Error::NoModule | Pkcs11Error::Module { .. } => {
            "name the PKCS#11 module with module-path=/path/to/module.so in the URI, or set \
             KLIENTO_PKCS11_MODULE (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so)"
        }
        Pkcs11Error::PinIncorrect { .. } => {
            "check the PIN: pin-value=PIN in the URI, or pin-source=file:PATH (a file whose first \
             line is the PIN)"
        }
        Pkcs11Error::PinLocked => {
            "the token's security officer must reset the user PIN (pkcs11-tool --init-pin --login \
             --login-type so)"
        }
        Pkcs11Error::TokenNotFound { .. } => {
            "check token= (the token's label); list the tokens with pkcs11-tool --module MODULE \
             --list-token-slots"
        }
        Pkcs11Error::LoginRequired
        | Pkcs11Error::ObjectNotFound {
            logged_in: false, ..
        } => {
            "add pin-value= or pin-source=file:PATH to the URI: private keys are listed after login"
        }
        Pkcs11Error::ObjectNotFound { .. } => {
            "check object= (the key's label) or id=; list the keys with pkcs11-tool --module \
             MODULE --login --list-objects --type privkey"
        }
        Pkcs11Error::NotRsa { .. } | Pkcs11Error::PublicKey(_) => {
            "VeraId keys are RSA 2048, 3072 or 4096 bits: create one with kliento keygen --key \
             pkcs11:...;object=NAME"
        }
        Pkcs11Error::ObjectExists => "choose another object= (and id=), or use the existing key",
        _ => return None,
    })
}

/// What to do about a key in AWS KMS that could not be found, created or used.
pub fn for_kms(error: &AwsKmsError) -> Option<&'static str> {
    Some(match error {
        AwsKmsError::AccessDenied { action, .. } => match *action {
            "Sign" => "allow the identity kms:Sign on the key (IAM policy or key policy)",
            "GetPublicKey" => {
                "allow the identity kms:GetPublicKey on the key (IAM policy or key policy)"
            }
            "CreateKey" => "allow the identity kms:CreateKey (and kms:CreateAlias on the alias)",
            "CreateAlias" => "allow the identity kms:CreateAlias on the alias and the new key",
            "DescribeKey" => "allow the identity kms:DescribeKey (keygen checks the alias is free)",
            _ => return None,
        },
        AwsKmsError::NotFound { .. } => {
            "check the key id, ARN or alias/NAME and the region (AWS_REGION; an ARN names its \
             own): aws kms list-aliases"
        }
        AwsKmsError::NotRsa { .. } | AwsKmsError::WrongUsage { .. } | AwsKmsError::PublicKey(_) => {
            "VeraId keys are RSA 2048, 3072 or 4096 bits for SIGN_VERIFY: create one with \
             kliento keygen --key awskms:///alias/NAME"
        }
        AwsKmsError::AliasExists { .. } => "choose another alias/NAME, or use the existing key",
        AwsKmsError::Aws(AwsError::NoRegion) => {
            "a KMS key lives in a region: set AWS_REGION (e.g. AWS_REGION=eu-west-1), or name \
             the key by its ARN"
        }
        AwsKmsError::Aws(AwsError::NoCredentials { .. }) => {
            "configure AWS credentials (variables, a profile, web identity, a container or an \
             instance role)"
        }
        AwsKmsError::Aws(AwsError::Http(error)) => return for_http(error),
        AwsKmsError::Aws(AwsError::Refused {
            code: Some(code), ..
        }) => match code.as_str() {
            "UnrecognizedClientException"
            | "InvalidSignatureException"
            | "IncompleteSignatureException" => {
                "KMS refused the credentials: check the access key id and secret access key \
                 (and the session token of temporary credentials), and that the clock is right"
            }
            "ExpiredTokenException" => {
                "the AWS session token has expired: obtain fresh credentials"
            }
            "DisabledException" | "KMSInvalidStateException" => {
                "enable the key (aws kms enable-key) or cancel its deletion (aws kms \
                 cancel-key-deletion)"
            }
            _ => return None,
        },
        _ => return None,
    })
}

/// What to do about a key that failed while signing.
fn for_signer(error: &SignerError) -> Option<&'static str> {
    match error {
        SignerError::Pkcs11(error) => for_pkcs11(error),
        SignerError::AwsKms(error) => for_kms(error),
        _ => None,
    }
}

/// What to do about a certificate that could not be issued.
pub fn for_certificate_issue(error: &IssueError) -> Option<&'static str> {
    match error {
        IssueError::Signer(error) => for_signer(error),
        IssueError::EndBeforeStart { .. } => {
            Some("choose an --expiry after --start, or a --valid-for duration")
        }
        IssueError::KeyMismatch => {
            Some("--org-key must be the private key of the certificate given with --org-cert")
        }
        IssueError::IssuerNotCa(_) | IssueError::IssuerKey(_) => {
            Some("--org-cert must be an organisation certificate (kliento issue org-cert)")
        }
        _ => None,
    }
}

/// What to do about a token bundle that could not be signed.
pub fn for_token_signing(error: &bundle::IssueError) -> Option<&'static str> {
    match error {
        bundle::IssueError::Sign(SignError::KeyMismatch { .. } | SignError::Certificate { .. }) => {
            Some(
                "the signing key must match its certificate (--key with --org-cert, --member-key \
                 with --member-cert)",
            )
        }
        bundle::IssueError::Sign(SignError::Signer(error)) => for_signer(error),
        _ => None,
    }
}

/// What to check when a DNSSEC chain could not be retrieved.
pub fn for_retrieval(error: &RetrieveError, plain_dns: bool) -> Option<&'static str> {
    match (error, plain_dns) {
        (RetrieveError::Transport(_), true) => Some(
            "check that --resolver points at a DNS server that answers for every zone of the \
             name, or raise --timeout",
        ),
        (RetrieveError::Transport(_), false) => {
            Some("check the network and the --doh URL, or use --resolver HOST:PORT")
        }
        _ => None,
    }
}
