//! What kind of failure each library error is: the one table from which callers derive their
//! answer (the command line's exit codes, an HTTP server's status), instead of each call site
//! deciding again.
//!
//! The classes follow the command-line contract: a *usage* error is a request that cannot be
//! met as asked (values that contradict each other, a key that is not the certificate's); a
//! *malformed* input cannot be parsed; an *invalid* one parses but fails a check; an
//! *environment* failure comes from outside the input (files, network, peers, devices).

use crate::authority::JwtFormatError;
use crate::authority::bundle_cache::CacheError;
use crate::authority::exchange::{ExchangeError, ExchangeUrlError};
use crate::authority::jwt_source::{JwtSourceError, NoSourceApplies};
use crate::authority::private::PrivacyError;
use crate::authority::sources::oidc::OidcError;
use crate::aws::AwsError;
use crate::bounded::BoundedReadError;
use crate::dnssec::anchors::AnchorsError;
use crate::dnssec::chain::ChainError;
use crate::dnssec::minimise::MinimiseError;
use crate::dnssec::retrieve::{NameError, RetrieveError, SetupError, TransportError};
use crate::dnssec::test_chain::TestChainError;
use crate::domain::DomainError;
use crate::http::HttpError;
use crate::keys::KeyError;
use crate::signer::{AwsKmsError, Pkcs11Error, SignerError, UriError};
use crate::time::PeriodError;
use crate::token::TokenError;
use crate::token::encoding::BundleInputError;
use crate::token::verifier::Malformed as MalformedBundle;
use crate::veraid::bundle::BundleError;
use crate::veraid::certificate::{self, CertificateError, MalformedCertificate};
use crate::veraid::member::UserNameError;
use crate::veraid::signature::{MalformedSignature, SignError, SignatureError};
use crate::veraid::txt::{TtlOverrideError, TxtParseError};
use crate::veraid::{AlgorithmError, ServiceOidError, TimeError};

/// The kind of a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorClass {
    /// The request cannot be met as asked.
    Usage,
    /// An input that cannot be parsed.
    Malformed,
    /// An input that parses but fails a check.
    Invalid,
    /// A failure outside the input: I/O, network, peers, devices.
    Environment,
}

/// An error that knows its [`ErrorClass`].
pub trait Classify {
    /// The kind of this failure.
    fn class(&self) -> ErrorClass;
}

use ErrorClass::{Environment, Invalid, Malformed, Usage};

/// Implements [`Classify`] for error types that are wholly of one class.
macro_rules! one_class {
    ($class:expr => $($error:ty),+ $(,)?) => {
        $(impl Classify for $error {
            fn class(&self) -> ErrorClass {
                $class
            }
        })+
    };
}

one_class!(Malformed => BundleInputError, MalformedBundle, TokenError, TxtParseError, BundleError,
    MalformedCertificate, MalformedSignature, ChainError, MinimiseError, AnchorsError);
one_class!(Usage => ExchangeUrlError, DomainError, TtlOverrideError, ServiceOidError,
    UserNameError, PeriodError, NameError, UriError);
one_class!(Environment => CacheError, std::io::Error, ExchangeError, OidcError, JwtFormatError, PrivacyError,
    NoSourceApplies, HttpError, TransportError, TestChainError);

impl Classify for JwtSourceError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::Aws(error) => error.class(),
            _ => Environment,
        }
    }
}

/// A missing region or an unusable AWS variable is the caller's configuration to fix; the rest
/// happens outside (files, network, AWS's answers).
impl Classify for AwsError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::NoRegion | Self::BadVariable { .. } => Usage,
            _ => Environment,
        }
    }
}

/// A key in a device: a URI that cannot be met is usage, a device, a module or a PIN that fails
/// is environment (as an unreadable key file is), a key of the wrong kind is malformed.
impl Classify for Pkcs11Error {
    fn class(&self) -> ErrorClass {
        match self {
            Self::NoModule
            | Self::Ambiguous { .. }
            | Self::ObjectExists
            | Self::NoLabel
            | Self::LoginRequired => Usage,
            Self::NotRsa { .. } | Self::PublicKey(_) => Malformed,
            Self::Module { .. }
            | Self::PinFile { .. }
            | Self::TokenNotFound { .. }
            | Self::PinIncorrect { .. }
            | Self::PinLocked
            | Self::ObjectNotFound { .. }
            | Self::Device { .. } => Environment,
        }
    }
}

impl Classify for SignerError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::Rsa { .. } => Environment,
            Self::Pkcs11(error) => error.class(),
            Self::AwsKms(error) => error.class(),
        }
    }
}

/// A key in AWS KMS: a URI or configuration that cannot be met is usage, KMS unreachable or
/// refusing (denied, no such key, a disabled key) is environment, a key of the wrong kind is malformed.
impl Classify for AwsKmsError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::Aws(error) => error.class(),
            Self::Uri(_) | Self::AliasExists { .. } | Self::NoAlias => Usage,
            Self::NotRsa { .. } | Self::WrongUsage { .. } | Self::PublicKey(_) => Malformed,
            Self::AccessDenied { .. } | Self::NotFound { .. } => Environment,
        }
    }
}

impl Classify for BoundedReadError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::TooLarge { .. } => Malformed,
            Self::Stalled | Self::Io(_) => Environment,
        }
    }
}

impl Classify for KeyError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::Generation { .. } => Environment,
            _ => Malformed,
        }
    }
}

impl Classify for AlgorithmError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::BadSignature => Invalid,
            Self::Malformed { .. } | Self::Unsupported { .. } => Malformed,
        }
    }
}

impl Classify for CertificateError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::UnsupportedAlgorithm { .. }
            | Self::UnusableKey { .. }
            | Self::NotRsaPss { .. } => Malformed,
            Self::IssuerMismatch { .. }
            | Self::BadSignature { .. }
            | Self::NotYetValid { .. }
            | Self::Expired { .. }
            | Self::NotCa { .. } => Invalid,
        }
    }
}

impl Classify for TimeError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::Malformed { .. } => Malformed,
            Self::OutOfRange { .. } => Usage,
        }
    }
}

/// Issuing a certificate: the issuer, the key and the dates are the caller's choice.
impl Classify for certificate::IssueError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::Key(error) => error.class(),
            Self::EndBeforeStart { .. }
            | Self::IssuerNotCa(_)
            | Self::IssuerKey(_)
            | Self::KeyMismatch
            | Self::Time(_) => Usage,
            Self::Signer(error) => error.class(),
            Self::Signing { .. } => Environment,
        }
    }
}

impl Classify for SignError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::StartAfterEnd { .. }
            | Self::KeyMismatch { .. }
            | Self::Certificate { .. }
            | Self::Time(_) => Usage,
            Self::Signer(error) => error.class(),
        }
    }
}

impl Classify for crate::token::bundle::IssueError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::Sign(error) => error.class(),
            Self::Bundle(error) => error.class(),
        }
    }
}

impl Classify for SignatureError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::Algorithm(error) => error.class(),
            Self::DigestMismatch { .. } | Self::SignerKey { .. } | Self::BadSignature { .. } => {
                Invalid
            }
            _ => Malformed,
        }
    }
}

impl Classify for SetupError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::ResolverSyntax { .. } | Self::DohUrl { .. } => Usage,
            Self::ResolverLookup { .. } | Self::HttpClient(_) => Environment,
        }
    }
}

impl Classify for RetrieveError {
    fn class(&self) -> ErrorClass {
        match self {
            Self::Name(error) => error.class(),
            Self::Transport(error) => error.class(),
        }
    }
}

/// An I/O error as a short phrase for a one-line message: the common kinds in words, any other
/// as the system says it, without the " (os error N)" suffix.
pub fn io_reason(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "no such file or directory".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        ErrorKind::IsADirectory => "is a directory".into(),
        ErrorKind::ConnectionRefused => "connection refused".into(),
        _ => without_os_error(&error.to_string()).to_string(),
    }
}

/// A system error's text without the " (os error N)" suffix Rust appends.
pub fn without_os_error(text: &str) -> &str {
    text.find(" (os error").map_or(text, |at| &text[..at])
}
