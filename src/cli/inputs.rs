//! What commands read from files or stdin (keys, certificates, DNSSEC chains): one reader per
//! kind, each naming its file in every error, and the rule that at most one input is stdin.

use super::context::Context;
use super::failure::{Failure, OrFail};
use super::hints;
use super::io;
use kliento::dnssec::DnssecChain;
use kliento::http::{Http, HttpPolicy};
use kliento::keys::RsaKey;
use kliento::signer::pkcs11::MODULE_VARIABLE;
use kliento::signer::{
    AwsKmsError, AwsKmsKey, AwsKmsUri, KeyReference, Pkcs11Error, Pkcs11Key, Pkcs11Uri, Signer,
    awskms,
};
use kliento::veraid::certificate::Certificate;
use std::ffi::OsString;
use std::path::Path;

/// A key option's value: a file path (`-` for stdin), a `pkcs11:` or an `awskms://` URI. Read
/// as given and parsed when used: clap would echo a refused value, and a URI may hold a PIN.
#[derive(Clone)]
pub struct KeyArg(OsString);

impl From<OsString> for KeyArg {
    fn from(value: OsString) -> Self {
        Self(value)
    }
}

impl std::fmt::Debug for KeyArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.file() {
            Some(path) => write!(f, "KeyArg({})", path.display()),
            None => f.write_str("KeyArg(URI)"),
        }
    }
}

impl KeyArg {
    /// The path, when the value is not a key URI.
    pub fn file(&self) -> Option<&Path> {
        let uri = self.0.to_str().is_some_and(KeyReference::is_uri);
        (!uri).then_some(Path::new(&self.0))
    }

    /// The key as messages show it: the file (or stdin), or the URI without its PIN.
    pub fn shown(&self) -> String {
        match self.reference() {
            Ok(KeyReference::File(path)) => source(&path),
            Ok(KeyReference::Pkcs11(uri)) => uri.to_string(),
            Ok(KeyReference::AwsKms(uri)) => uri.to_string(),
            Err(_) => "the key URI".to_string(),
        }
    }

    /// The parsed reference; a refused URI is a usage error that does not repeat it.
    pub fn reference(&self) -> Result<KeyReference, Failure> {
        match self.file() {
            Some(path) => Ok(KeyReference::File(path.to_path_buf())),
            None => {
                let text = self.0.to_str().expect("a key URI is UTF-8");
                KeyReference::parse(text).or_fail("cannot use the key")
            }
        }
    }
}

/// The module for URIs without `module-path`.
fn default_module(context: &Context) -> Option<&Path> {
    context.env.get(MODULE_VARIABLE).map(Path::new)
}

/// A private key that signs: an RSA key file, a key in a PKCS#11 token or in AWS KMS; `what`
/// names it.
pub fn signer(key: &KeyArg, what: &str, context: &Context) -> Result<Box<dyn Signer>, Failure> {
    match key.reference()? {
        KeyReference::File(path) => Ok(Box::new(private_key(&path, what)?)),
        KeyReference::Pkcs11(uri) => Ok(Box::new(device_key(&uri, what, context)?)),
        KeyReference::AwsKms(uri) => AwsKmsKey::open(&uri, &kms_http(context)?, &context.env)
            .map(|key| Box::new(key) as Box<dyn Signer>)
            .map_err(|e| kms_failure(e, format!("cannot use the {what} {uri}"))),
    }
}

/// The public half of a key file (private or public), of a key in a PKCS#11 token or in AWS
/// KMS.
pub fn public_key_of(
    key: &KeyArg,
    what: &str,
    context: &Context,
) -> Result<rsa::PublicKey, Failure> {
    match key.reference()? {
        KeyReference::File(path) => public_key(&path, what),
        KeyReference::Pkcs11(uri) => Pkcs11Key::read_public_key(&uri, default_module(context))
            .map_err(|e| pkcs11_failure(e, format!("cannot use the {what} {uri}"))),
        KeyReference::AwsKms(uri) => {
            awskms::read_public_key(&uri, &kms_http(context)?, &context.env)
                .map_err(|e| kms_failure(e, format!("cannot use the {what} {uri}")))
        }
    }
}

/// The HTTP client for KMS calls: 30 s per attempt, two retries of the calls that may be
/// repeated (network errors, 5xx, 429), two minutes in all.
fn kms_http(context: &Context) -> Result<Http, Failure> {
    let timeout = std::time::Duration::from_secs(30);
    Http::new(
        HttpPolicy {
            timeout,
            retries: 2,
            backoff: std::time::Duration::from_millis(500),
            deadline: Some(std::time::Instant::now() + timeout * 4),
        },
        kliento::http::ProxySettings::from_vars(|name| context.env.get(name).map(str::to_string)),
    )
    .or_fail("cannot set up the HTTP client")
}

/// Creates a key in AWS KMS, named by the URI's alias.
pub fn generate_in_kms(
    uri: &AwsKmsUri,
    algorithm: kliento::keys::OrgKeyAlgorithm,
    context: &Context,
) -> Result<AwsKmsKey, Failure> {
    AwsKmsKey::generate(uri, &kms_http(context)?, &context.env, algorithm)
        .map_err(|e| kms_failure(e, format!("cannot create the key {uri}")))
}

/// An AWS KMS failure with its context and hint.
pub fn kms_failure(error: AwsKmsError, context: impl std::fmt::Display) -> Failure {
    let hint = hints::for_kms(&error);
    Failure::of(error, context).hint_if(hint)
}

fn device_key(uri: &Pkcs11Uri, what: &str, context: &Context) -> Result<Pkcs11Key, Failure> {
    Pkcs11Key::open(uri, default_module(context))
        .map_err(|e| pkcs11_failure(e, format!("cannot use the {what} {uri}")))
}

/// Creates a key in a PKCS#11 token.
pub fn generate_in_device(
    uri: &Pkcs11Uri,
    algorithm: kliento::keys::OrgKeyAlgorithm,
    context: &Context,
) -> Result<Pkcs11Key, Failure> {
    Pkcs11Key::generate(uri, default_module(context), algorithm)
        .map_err(|e| pkcs11_failure(e, format!("cannot create the key {uri}")))
}

/// A PKCS#11 failure with its context and hint.
pub fn pkcs11_failure(error: Pkcs11Error, context: impl std::fmt::Display) -> Failure {
    let hint = hints::for_pkcs11(&error);
    Failure::of(error, context).hint_if(hint)
}

/// A human name for a path argument (`-` is stdin).
pub fn source(path: &Path) -> String {
    if io::is_stdio(path) {
        "stdin".to_string()
    } else {
        path.display().to_string()
    }
}

/// Refuses more than one of `paths` on stdin: it can be read once.
pub fn one_stdin_at_most<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Result<(), Failure> {
    if paths.into_iter().filter(|path| io::is_stdio(path)).count() > 1 {
        return Err(Failure::usage("only one input can be read from stdin"));
    }
    Ok(())
}

/// An RSA private key file (PEM or DER, PKCS#8 or PKCS#1); `what` names it in errors.
pub fn private_key(path: &Path, what: &str) -> Result<rsa::PrivateKey, Failure> {
    RsaKey::from_bytes(&io::read_input(path, io::KEY)?)
        .and_then(RsaKey::into_private)
        .or_fail(format!("cannot read the {what} in {}", source(path)))
}

/// The public half of an RSA key file, private or public.
pub fn public_key(path: &Path, what: &str) -> Result<rsa::PublicKey, Failure> {
    Ok(RsaKey::from_bytes(&io::read_input(path, io::KEY)?)
        .or_fail(format!("cannot read the {what} in {}", source(path)))?
        .public_key())
}

/// A certificate file (PEM or DER).
pub fn certificate(path: &Path, what: &str) -> Result<Certificate, Failure> {
    Certificate::from_bytes(&io::read_input(path, io::CERTIFICATE)?)
        .or_fail(format!("cannot read the {what} in {}", source(path)))
}

/// A DNSSEC chain file (DER).
pub fn chain(path: &Path) -> Result<DnssecChain, Failure> {
    DnssecChain::from_der(&io::read_input(path, io::CHAIN)?)
        .or_fail(format!("cannot read the DNSSEC chain in {}", source(path)))
}
