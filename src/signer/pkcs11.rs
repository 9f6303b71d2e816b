//! Keys in a PKCS#11 device (an HSM, a smart card, SoftHSM): found by a `pkcs11:` URI, used
//! through the `cryptoki` crate, which loads the device's module at run time. The private key
//! never leaves the device: it signs with `CKM_SHA{256,384,512}_RSA_PKCS_PSS` (MGF1 with the
//! same hash, salt = digest length); the public key is read from its attributes.

use super::uri::{PinSource, Pkcs11Uri};
use super::{Signer, SignerError};
use crate::keys::{KeyError, OrgKeyAlgorithm, RsaPublicParts};
use crate::veraid::HashAlgorithm;
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::{AuthPin, Ulong};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// The environment variable naming the module when the URI has no `module-path`.
pub const MODULE_VARIABLE: &str = "KLIENTO_PKCS11_MODULE";

/// Why a key in a PKCS#11 device could not be found or used. Messages never hold the PIN.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pkcs11Error {
    /// Neither `module-path=` nor the environment names the module.
    #[error("no PKCS#11 module: the URI has no module-path= and {MODULE_VARIABLE} is not set")]
    NoModule,
    /// The module could not be loaded or initialised.
    #[error("cannot load the PKCS#11 module {path}: {detail}")]
    Module {
        /// The module's path.
        path: PathBuf,
        /// What the loader or the module said.
        detail: String,
    },
    /// The PIN file could not be read.
    #[error("cannot read the PIN file {path}: {reason}")]
    PinFile {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// No token matches the URI's token attributes.
    #[error("no token matches the URI{}", token_list(.available))]
    TokenNotFound {
        /// The labels of the tokens present.
        available: Vec<String>,
    },
    /// More than one token or key matches.
    #[error("{what} match the URI: add {narrow} to it")]
    Ambiguous {
        /// What matched several times ("2 tokens", "3 private keys").
        what: String,
        /// The attributes that would narrow the match.
        narrow: &'static str,
    },
    /// The token refused the PIN.
    #[error("the token refused the PIN ({code})")]
    PinIncorrect {
        /// The PKCS#11 return code.
        code: &'static str,
    },
    /// The token needs a login for this and the URI gives no PIN.
    #[error("the token requires a login (CKR_USER_NOT_LOGGED_IN) and the URI gives no PIN")]
    LoginRequired,
    /// The token's user PIN is locked after too many failures.
    #[error("the token's PIN is locked (CKR_PIN_LOCKED)")]
    PinLocked,
    /// No key matches the URI.
    #[error("the token holds no key matching the URI{}", if *.logged_in { "" } else { " (no PIN given: private keys stay hidden until login)" })]
    ObjectNotFound {
        /// Whether the session was logged in.
        logged_in: bool,
    },
    /// `keygen` would create a key whose label or id is taken.
    #[error("the token already holds a key with this object= or id=")]
    ObjectExists,
    /// `keygen` needs a label for the new key.
    #[error("a new key needs a label: add object=NAME to the URI")]
    NoLabel,
    /// The key is not an RSA key.
    #[error("the key is a {key_type} key: VeraId needs an RSA key")]
    NotRsa {
        /// The key's type, as PKCS#11 names it.
        key_type: String,
    },
    /// The key's public modulus or exponent is missing or unusable.
    #[error("the key's public half cannot be used: {0}")]
    PublicKey(KeyError),
    /// Any other failure of the device or module.
    #[error("the PKCS#11 device failed during {operation}: {detail}")]
    Device {
        /// What kliento was doing.
        operation: &'static str,
        /// The module's answer.
        detail: String,
    },
}

fn token_list(labels: &[String]) -> String {
    if labels.is_empty() {
        " (the module shows no initialised token)".to_string()
    } else {
        format!(" (tokens present: {})", labels.join(", "))
    }
}

/// Maps a `cryptoki` failure during `operation`.
fn device(operation: &'static str) -> impl Fn(CkError) -> Pkcs11Error {
    move |error| match error {
        CkError::Pkcs11(RvError::PinIncorrect, _) => Pkcs11Error::PinIncorrect {
            code: "CKR_PIN_INCORRECT",
        },
        CkError::Pkcs11(RvError::PinLenRange, _) => Pkcs11Error::PinIncorrect {
            code: "CKR_PIN_LEN_RANGE",
        },
        CkError::Pkcs11(RvError::PinInvalid, _) => Pkcs11Error::PinIncorrect {
            code: "CKR_PIN_INVALID",
        },
        CkError::Pkcs11(RvError::PinLocked, _) => Pkcs11Error::PinLocked,
        CkError::Pkcs11(RvError::UserNotLoggedIn, _) => Pkcs11Error::LoginRequired,
        // The return code's description, without the function's name in front.
        CkError::Pkcs11(rv, _) => Pkcs11Error::Device {
            operation,
            detail: rv.to_string().trim_end_matches('.').to_string(),
        },
        other => Pkcs11Error::Device {
            operation,
            detail: other.to_string(),
        },
    }
}

/// A private RSA key in a PKCS#11 token, with a logged-in session to it.
pub struct Pkcs11Key {
    session: Session,
    handle: ObjectHandle,
    public: rsa::PublicKey,
}

impl std::fmt::Debug for Pkcs11Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pkcs11Key(..)")
    }
}

impl Pkcs11Key {
    /// Finds the private key `uri` names; `default_module` is used when the URI has no
    /// `module-path` (the command line passes `KLIENTO_PKCS11_MODULE`).
    pub fn open(uri: &Pkcs11Uri, default_module: Option<&Path>) -> Result<Self, Pkcs11Error> {
        let (session, logged_in) = open_session(uri, default_module, false)?;
        let template = key_template(uri, ObjectClass::PRIVATE_KEY);
        let handle = only_match(&session, &template, logged_in)?;
        let public = read_public_key(&session, handle)?;
        Ok(Self {
            session,
            handle,
            public,
        })
    }

    /// The public key of the key pair `uri` names, read from the private key when logged in,
    /// else from the public key object (which a token shows without a PIN).
    pub fn read_public_key(
        uri: &Pkcs11Uri,
        default_module: Option<&Path>,
    ) -> Result<rsa::PublicKey, Pkcs11Error> {
        let (session, logged_in) = open_session(uri, default_module, false)?;
        let mut template = key_template(uri, ObjectClass::PRIVATE_KEY);
        if !logged_in {
            template = key_template(uri, ObjectClass::PUBLIC_KEY);
        }
        let handle = only_match(&session, &template, logged_in)?;
        read_public_key(&session, handle)
    }

    /// Creates an RSA key pair of `algorithm`'s size in the token, labelled with the URI's
    /// `object` (and `id`, when given, else random): the private half sensitive, not
    /// extractable and for signing only.
    pub fn generate(
        uri: &Pkcs11Uri,
        default_module: Option<&Path>,
        algorithm: OrgKeyAlgorithm,
    ) -> Result<Self, Pkcs11Error> {
        let label = uri.object.as_deref().ok_or(Pkcs11Error::NoLabel)?;
        let (session, _) = open_session(uri, default_module, true)?;
        let mut taken = vec![vec![Attribute::Label(label.as_bytes().to_vec())]];
        if let Some(id) = &uri.id {
            taken.push(vec![Attribute::Id(id.clone())]);
        }
        for template in taken {
            if !session
                .find_objects(&template)
                .map_err(device("the key search"))?
                .is_empty()
            {
                return Err(Pkcs11Error::ObjectExists);
            }
        }
        let id = match &uri.id {
            Some(id) => id.clone(),
            None => {
                let mut id = vec![0u8; 16];
                getrandom::fill(&mut id).map_err(|e| Pkcs11Error::Device {
                    operation: "key generation",
                    detail: format!("random source: {e}"),
                })?;
                id
            }
        };
        let bits = Ulong::try_from(algorithm.bits()).expect("a key size fits a CK_ULONG");
        let common = [
            Attribute::Token(true),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Id(id),
            Attribute::KeyType(KeyType::RSA),
        ];
        let public_template = [
            &common[..],
            &[
                Attribute::Private(false),
                Attribute::Verify(true),
                Attribute::Encrypt(false),
                Attribute::Wrap(false),
                Attribute::ModulusBits(bits),
                Attribute::PublicExponent(vec![0x01, 0x00, 0x01]),
            ],
        ]
        .concat();
        let private_template = [
            &common[..],
            &[
                Attribute::Private(true),
                Attribute::Sensitive(true),
                Attribute::Extractable(false),
                Attribute::Sign(true),
                Attribute::Decrypt(false),
                Attribute::Unwrap(false),
                Attribute::Derive(false),
            ],
        ]
        .concat();
        let (_, handle) = session
            .generate_key_pair(
                &Mechanism::RsaPkcsKeyPairGen,
                &public_template,
                &private_template,
            )
            .map_err(device("key generation"))?;
        let public = read_public_key(&session, handle)?;
        Ok(Self {
            session,
            handle,
            public,
        })
    }
}

impl Signer for Pkcs11Key {
    fn public_key(&self) -> &rsa::PublicKey {
        &self.public
    }

    fn sign_pss(&self, hash: HashAlgorithm, message: &[u8]) -> Result<Vec<u8>, SignerError> {
        let params = |hash_alg, mgf| PkcsPssParams {
            hash_alg,
            mgf,
            s_len: Ulong::try_from(usize::from(hash.output_len())).expect("small"),
        };
        let mechanism = match hash {
            HashAlgorithm::Sha256 => {
                Mechanism::Sha256RsaPkcsPss(params(MechanismType::SHA256, PkcsMgfType::MGF1_SHA256))
            }
            HashAlgorithm::Sha384 => {
                Mechanism::Sha384RsaPkcsPss(params(MechanismType::SHA384, PkcsMgfType::MGF1_SHA384))
            }
            HashAlgorithm::Sha512 => {
                Mechanism::Sha512RsaPkcsPss(params(MechanismType::SHA512, PkcsMgfType::MGF1_SHA512))
            }
        };
        Ok(self
            .session
            .sign(&mechanism, self.handle, message)
            .map_err(device("signing"))?)
    }
}

/// Loads the module, finds the token and opens a session, logged in when there is a PIN.
fn open_session(
    uri: &Pkcs11Uri,
    default_module: Option<&Path>,
    read_write: bool,
) -> Result<(Session, bool), Pkcs11Error> {
    let pin = match &uri.pin {
        None => None,
        Some(PinSource::Value(pin)) => Some(pin.clone()),
        Some(PinSource::File(path)) => Some(read_pin_file(path)?),
    };
    let module = uri
        .module_path
        .as_deref()
        .or(default_module)
        .ok_or(Pkcs11Error::NoModule)?;
    let module_error = |detail: String| Pkcs11Error::Module {
        path: module.to_path_buf(),
        detail,
    };
    let context = Pkcs11::new(module).map_err(|e| module_error(e.to_string()))?;
    match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(module_error(e.to_string())),
    }
    let slot = find_token(&context, uri)?;
    let session = if read_write {
        context.open_rw_session(slot)
    } else {
        context.open_ro_session(slot)
    }
    .map_err(device("opening a session"))?;
    let logged_in = match pin {
        Some(pin) => {
            let pin = AuthPin::from(pin.as_str());
            match session.login(UserType::User, Some(&pin)) {
                Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => true,
                Err(e) => return Err(device("login")(e)),
            }
        }
        None => false,
    };
    Ok((session, logged_in))
}

/// How long a PIN file (a FIFO, `/dev/fd/N`) may take to deliver the PIN.
const PIN_FILE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// The first line of a PIN file (without its line ending), read as secret files are: opened
/// without blocking, capped at 4 KiB, given up after [`PIN_FILE_DEADLINE`].
fn read_pin_file(path: &Path) -> Result<Zeroizing<String>, Pkcs11Error> {
    use crate::bounded::{BoundedReadError, read_file_bounded_by};
    let failed = |reason: String| Pkcs11Error::PinFile {
        path: path.to_path_buf(),
        reason,
    };
    let deadline = std::time::Instant::now() + PIN_FILE_DEADLINE;
    let bytes = Zeroizing::new(read_file_bounded_by(path, 4096, deadline).map_err(
        |e| match e {
            BoundedReadError::Io(e) => failed(crate::error::io_reason(&e)),
            other => failed(other.to_string()),
        },
    )?);
    let text = std::str::from_utf8(&bytes).map_err(|_| failed("not UTF-8".into()))?;
    Ok(Zeroizing::new(
        text.lines().next().unwrap_or_default().to_string(),
    ))
}

fn find_token(context: &Pkcs11, uri: &Pkcs11Uri) -> Result<Slot, Pkcs11Error> {
    let slots = context
        .get_slots_with_token()
        .map_err(device("listing the tokens"))?;
    let mut labels = Vec::new();
    let mut matching = Vec::new();
    for slot in slots {
        let info = context
            .get_token_info(slot)
            .map_err(device("reading token information"))?;
        if !info.token_initialized() {
            continue;
        }
        let label = info.label().trim_end().to_string();
        let matches = |wanted: &Option<String>, actual: &str| {
            wanted.as_deref().is_none_or(|w| w == actual.trim_end())
        };
        if matches(&uri.token, &label)
            && matches(&uri.manufacturer, info.manufacturer_id())
            && matches(&uri.serial, info.serial_number())
            && matches(&uri.model, info.model())
        {
            matching.push(slot);
        }
        labels.push(label);
    }
    match matching.as_slice() {
        [one] => Ok(*one),
        [] => Err(Pkcs11Error::TokenNotFound { available: labels }),
        several => Err(Pkcs11Error::Ambiguous {
            what: format!("{} tokens", several.len()),
            narrow: "token= or serial=",
        }),
    }
}

fn key_template(uri: &Pkcs11Uri, class: ObjectClass) -> Vec<Attribute> {
    let mut template = vec![Attribute::Class(class)];
    if let Some(label) = &uri.object {
        template.push(Attribute::Label(label.as_bytes().to_vec()));
    }
    if let Some(id) = &uri.id {
        template.push(Attribute::Id(id.clone()));
    }
    template
}

/// The one key matching `template`.
fn only_match(
    session: &Session,
    template: &[Attribute],
    logged_in: bool,
) -> Result<ObjectHandle, Pkcs11Error> {
    let handles = session
        .find_objects(template)
        .map_err(device("the key search"))?;
    match handles.as_slice() {
        [] => Err(Pkcs11Error::ObjectNotFound { logged_in }),
        [one] => Ok(*one),
        several => Err(Pkcs11Error::Ambiguous {
            what: format!("{} keys", several.len()),
            narrow: "object= or id=",
        }),
    }
}

/// The key's type, modulus and exponent: from the private key object, else from the public
/// key object with the same CKA_ID.
fn read_public_key(session: &Session, handle: ObjectHandle) -> Result<rsa::PublicKey, Pkcs11Error> {
    let wanted = [
        AttributeType::KeyType,
        AttributeType::Modulus,
        AttributeType::PublicExponent,
        AttributeType::Id,
    ];
    let attributes = session
        .get_attributes(handle, &wanted)
        .map_err(device("reading the key's attributes"))?;
    let (mut key_type, mut modulus, mut exponent, mut id) = (None, None, None, None);
    for attribute in attributes {
        match attribute {
            Attribute::KeyType(t) => key_type = Some(t),
            Attribute::Modulus(m) => modulus = Some(m),
            Attribute::PublicExponent(e) => exponent = Some(e),
            Attribute::Id(i) => id = Some(i),
            _ => {}
        }
    }
    if let Some(key_type) = key_type.filter(|t| *t != KeyType::RSA) {
        return Err(Pkcs11Error::NotRsa {
            key_type: key_type.to_string(),
        });
    }
    if exponent.is_none()
        && let Some(id) = id
    {
        let publics = session
            .find_objects(&[Attribute::Class(ObjectClass::PUBLIC_KEY), Attribute::Id(id)])
            .map_err(device("the public key search"))?;
        if let [public] = publics.as_slice() {
            for attribute in session
                .get_attributes(
                    *public,
                    &[AttributeType::Modulus, AttributeType::PublicExponent],
                )
                .map_err(device("reading the public key's attributes"))?
            {
                match attribute {
                    Attribute::Modulus(m) => modulus = Some(m),
                    Attribute::PublicExponent(e) => exponent = Some(e),
                    _ => {}
                }
            }
        }
    }
    let (Some(modulus), Some(exponent)) = (modulus, exponent) else {
        return Err(Pkcs11Error::PublicKey(KeyError::MalformedRsa {
            detail: "the device shows no modulus or public exponent".into(),
        }));
    };
    RsaPublicParts::from_parts(&modulus, &exponent)
        .and_then(|parts| parts.to_rsa())
        .map_err(Pkcs11Error::PublicKey)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Classify, ErrorClass};
    use cryptoki::context::Function;

    #[test]
    fn pin_failures_are_told_apart_from_device_failures() {
        let login = |rv| device("login")(CkError::Pkcs11(rv, Function::Login));
        assert_eq!(
            login(RvError::PinIncorrect),
            Pkcs11Error::PinIncorrect {
                code: "CKR_PIN_INCORRECT"
            }
        );
        assert_eq!(login(RvError::PinLocked), Pkcs11Error::PinLocked);
        assert_eq!(login(RvError::UserNotLoggedIn), Pkcs11Error::LoginRequired);
        assert_eq!(Pkcs11Error::LoginRequired.class(), ErrorClass::Usage);
        let other = login(RvError::DeviceRemoved);
        assert!(
            matches!(&other, Pkcs11Error::Device { operation: "login", detail }
                if detail == "The token was removed from its slot during the execution of the function"),
            "{other:?}"
        );
        assert_eq!(other.class(), ErrorClass::Environment);
        assert_eq!(
            login(RvError::PinIncorrect).class(),
            ErrorClass::Environment
        );
    }

    #[test]
    fn a_missing_module_is_usage_and_an_unloadable_one_environment() {
        let uri = Pkcs11Uri::parse("pkcs11:object=k").unwrap();
        let error = Pkcs11Key::open(&uri, None).unwrap_err();
        assert_eq!(error, Pkcs11Error::NoModule);
        assert_eq!(error.class(), ErrorClass::Usage);
        let error = Pkcs11Key::open(&uri, Some(Path::new("/nonexistent/module.so"))).unwrap_err();
        assert!(
            matches!(&error, Pkcs11Error::Module { path, .. } if path == Path::new("/nonexistent/module.so")),
            "{error:?}"
        );
        assert_eq!(error.class(), ErrorClass::Environment);
    }
}
