//! X.509 organisation and member certificates with the veraid-js 3.1.2 profile (VeraId digest
//! §4): issuing them, reading what veraid-js emits, and checking who issued whom.
//!
//! Parsing is hand-assembled on `der`'s reader instead of `x509_cert::Certificate` because
//! veraid-js writes its 8 random serial bytes verbatim, so about 1 certificate in 512 has a
//! non-minimal INTEGER serial (`02 08 00 12 ...`) that `der` 0.8 rejects. The TBSCertificate
//! bytes are kept as received and signatures are checked over them, never over a re-encoding.

use super::algorithm::{AlgorithmError, HashAlgorithm, SignatureAlgorithm, pss_sign};
use super::asn1::{context, der_of, hex, sequence, set, tlv};
use super::der_time::{
    self, TimeError, encode_validity_time, parse_generalized_time, parse_utc_time,
};
use super::member::Member;
use crate::keys::{self, KeyError, OrgKeyAlgorithm, RsaKey};
use der::asn1::{BitStringRef, ObjectIdentifier, OctetStringRef, UintRef};
use der::{Decode, Header, Reader, SliceReader, Tag, TagMode, TagNumber, Tagged};
use jiff::Timestamp;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, KeyUsage};
use x509_cert::name::Name;

const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const AUTHORITY_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
const KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");

/// A certificate serial number, kept as the INTEGER content bytes received (possibly
/// non-minimal); equality compares the integer values, as pkijs does in IssuerAndSerialNumber.
#[derive(Clone, Debug, Eq)]
pub struct SerialNumber(Vec<u8>);

impl SerialNumber {
    /// Reads INTEGER content bytes (two's complement, big-endian, any number of leading
    /// sign-extension bytes).
    pub fn from_content(bytes: &[u8]) -> Option<Self> {
        (!bytes.is_empty()).then(|| Self(bytes.to_vec()))
    }

    /// The content bytes as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The content bytes with redundant sign-extension bytes removed (the DER form).
    pub fn minimal(&self) -> &[u8] {
        let mut bytes = self.0.as_slice();
        while bytes.len() > 1
            && ((bytes[0] == 0x00 && bytes[1] < 0x80) || (bytes[0] == 0xff && bytes[1] >= 0x80))
        {
            bytes = &bytes[1..];
        }
        bytes
    }

    /// The INTEGER TLV exactly as received.
    pub fn to_der(&self) -> Vec<u8> {
        tlv(Tag::Integer, &self.0)
    }
}

impl PartialEq for SerialNumber {
    fn eq(&self, other: &Self) -> bool {
        self.minimal() == other.minimal()
    }
}

impl std::hash::Hash for SerialNumber {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.minimal().hash(state);
    }
}

impl std::fmt::Display for SerialNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex(self.as_bytes()))
    }
}

/// The basicConstraints extension (RFC 5280 §4.2.1.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BasicConstraints {
    /// Whether the extension is marked critical.
    pub critical: bool,
    /// The cA flag (absent means false).
    pub ca: bool,
    /// pathLenConstraint, when present.
    pub path_len: Option<u32>,
}

/// A parsed certificate, with the exact DER it was read from.
#[derive(Clone, Debug)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: Vec<u8>,
    version: u8,
    serial: SerialNumber,
    issuer: Vec<u8>,
    subject: Vec<u8>,
    common_name: String,
    issuer_common_name: Option<String>,
    not_before: Timestamp,
    not_after: Timestamp,
    spki: Vec<u8>,
    basic_constraints: Option<BasicConstraints>,
    key_usage_cert_sign: Option<bool>,
    subject_key_id: Option<Vec<u8>>,
    authority_key_id: Option<Vec<u8>>,
    signature_algorithm: Vec<u8>,
    signature: Vec<u8>,
    /// The subject key, parsed on first use: building an `rsa::PublicKey` precomputes its
    /// Montgomery parameters, which cost more than a verification with it.
    rsa_key: std::sync::OnceLock<Result<rsa::PublicKey, CertificateError>>,
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Eq for Certificate {}

/// The raw pieces of a TBSCertificate, before their contents are interpreted.
struct RawTbs<'a> {
    version: Option<u8>,
    serial: &'a [u8],
    issuer: &'a [u8],
    not_before: (Tag, &'a [u8]),
    not_after: (Tag, &'a [u8]),
    subject: &'a [u8],
    spki: &'a [u8],
    extensions: Vec<RawExtension<'a>>,
}

struct RawExtension<'a> {
    oid: ObjectIdentifier,
    critical: bool,
    value: &'a [u8],
}

impl Certificate {
    /// Reads a certificate from DER.
    pub fn from_der(der: &[u8]) -> Result<Self, MalformedCertificate> {
        let encoding = |e: der::Error| MalformedCertificate::Encoding {
            detail: e.to_string(),
        };
        let (tbs, signature_algorithm, signature) = (|| {
            let mut reader = SliceReader::new(der)?;
            let parts = reader.sequence(|r| {
                let tbs = r.tlv_bytes()?;
                let algorithm = r.tlv_bytes()?;
                let signature = BitStringRef::decode(r)?;
                Ok::<_, der::Error>((tbs, algorithm, signature))
            })?;
            reader.finish()?;
            Ok(parts)
        })()
        .map_err(encoding)?;
        let signature = signature
            .as_bytes()
            .ok_or_else(|| MalformedCertificate::Field {
                field: "signatureValue",
                detail: "BIT STRING with unused bits".into(),
            })?
            .to_vec();
        let raw = read_tbs(tbs).map_err(encoding)?;

        let version = match raw.version {
            None => 1,
            Some(v @ 0..=2) => v + 1,
            Some(v) => {
                return Err(MalformedCertificate::Field {
                    field: "version",
                    detail: format!("unknown version value {v}"),
                });
            }
        };
        let serial = SerialNumber::from_content(raw.serial).ok_or(MalformedCertificate::Field {
            field: "serialNumber",
            detail: "empty INTEGER".into(),
        })?;
        let not_before = read_time("validity.notBefore", raw.not_before)?;
        let not_after = read_time("validity.notAfter", raw.not_after)?;
        let common_name = common_name_of(raw.subject)?;
        let mut certificate = Self {
            der: der.to_vec(),
            tbs: tbs.to_vec(),
            version,
            serial,
            issuer: raw.issuer.to_vec(),
            subject: raw.subject.to_vec(),
            common_name,
            issuer_common_name: common_name_of(raw.issuer).ok(),
            not_before,
            not_after,
            spki: raw.spki.to_vec(),
            basic_constraints: None,
            key_usage_cert_sign: None,
            subject_key_id: None,
            authority_key_id: None,
            signature_algorithm: signature_algorithm.to_vec(),
            signature,
            rsa_key: std::sync::OnceLock::new(),
        };
        certificate.read_extensions(&raw.extensions)?;
        Ok(certificate)
    }

    /// Reads a certificate from PEM (`CERTIFICATE` block) or DER, whichever `bytes` hold.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, MalformedCertificate> {
        let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
        match start {
            Some(at) if bytes[at..].starts_with(b"-----BEGIN ") => {
                let (label, der) = der::pem::decode_vec(&bytes[at..]).map_err(|e| {
                    MalformedCertificate::Encoding {
                        detail: format!("bad PEM: {e}"),
                    }
                })?;
                if label != "CERTIFICATE" {
                    return Err(MalformedCertificate::Encoding {
                        detail: format!("PEM block labelled \"{label}\" is not a certificate"),
                    });
                }
                Self::from_der(&der)
            }
            _ => Self::from_der(bytes),
        }
    }

    fn read_extensions(&mut self, extensions: &[RawExtension<'_>]) -> Result<(), Malformed> {
        for (i, extension) in extensions.iter().enumerate() {
            if extensions[..i].iter().any(|e| e.oid == extension.oid) {
                return Err(MalformedCertificate::Field {
                    field: "extensions",
                    detail: format!("extension {} appears twice", extension.oid),
                });
            }
            let bad = |field, e: der::Error| MalformedCertificate::Field {
                field,
                detail: e.to_string(),
            };
            match extension.oid {
                BASIC_CONSTRAINTS => {
                    let (ca, path_len) = read_basic_constraints(extension.value)
                        .map_err(|e| bad("basicConstraints", e))?;
                    self.basic_constraints = Some(BasicConstraints {
                        critical: extension.critical,
                        ca,
                        path_len,
                    });
                }
                SUBJECT_KEY_ID => {
                    let id = <&OctetStringRef>::from_der(extension.value)
                        .map_err(|e| bad("subjectKeyIdentifier", e))?;
                    self.subject_key_id = Some(id.as_bytes().to_vec());
                }
                AUTHORITY_KEY_ID => {
                    let aki = AuthorityKeyIdentifier::from_der(extension.value)
                        .map_err(|e| bad("authorityKeyIdentifier", e))?;
                    self.authority_key_id = aki.key_identifier.map(|id| id.as_bytes().to_vec());
                }
                KEY_USAGE => {
                    let usage =
                        KeyUsage::from_der(extension.value).map_err(|e| bad("keyUsage", e))?;
                    self.key_usage_cert_sign = Some(usage.key_cert_sign());
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The certificate's DER, exactly as read or issued.
    pub fn to_der(&self) -> &[u8] {
        &self.der
    }

    /// The certificate as PEM (`CERTIFICATE`, LF line endings).
    pub fn to_pem(&self) -> String {
        der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, &self.der)
            .expect("PEM encoding of bytes cannot fail")
    }

    /// The TBSCertificate bytes as received: what the issuer signed.
    pub fn tbs_der(&self) -> &[u8] {
        &self.tbs
    }

    /// The X.509 version (1, 2 or 3).
    pub fn version(&self) -> u8 {
        self.version
    }

    /// The serial number.
    pub fn serial_number(&self) -> &SerialNumber {
        &self.serial
    }

    /// The issuer Name, DER as received.
    pub fn issuer_der(&self) -> &[u8] {
        &self.issuer
    }

    /// The subject Name, DER as received.
    pub fn subject_der(&self) -> &[u8] {
        &self.subject
    }

    /// The subject's common name: the organisation domain, a user name, or `@` for a bot.
    pub fn common_name(&self) -> &str {
        &self.common_name
    }

    /// The issuer's common name, when the issuer Name has a readable CN.
    pub fn issuer_common_name(&self) -> Option<&str> {
        self.issuer_common_name.as_deref()
    }

    /// Start of validity (notBefore), inclusive.
    pub fn not_before(&self) -> Timestamp {
        self.not_before
    }

    /// End of validity (notAfter), inclusive.
    pub fn not_after(&self) -> Timestamp {
        self.not_after
    }

    /// The SubjectPublicKeyInfo DER as received.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// The subject public key, when it is an RSA key (rsaEncryption or id-RSASSA-PSS).
    pub fn rsa_public_key(&self) -> Result<rsa::PublicKey, CertificateError> {
        self.rsa_key
            .get_or_init(|| {
                RsaKey::from_bytes(&self.spki)
                    .map(|key| key.public_key())
                    .map_err(|e| CertificateError::UnusableKey {
                        subject: self.common_name.clone(),
                        detail: e.to_string(),
                    })
            })
            .clone()
    }

    /// The basicConstraints extension, if present.
    pub fn basic_constraints(&self) -> Option<BasicConstraints> {
        self.basic_constraints
    }

    /// Whether a keyUsage extension is present and, if so, whether it allows keyCertSign.
    pub fn key_usage_allows_cert_sign(&self) -> Option<bool> {
        self.key_usage_cert_sign
    }

    /// The subjectKeyIdentifier (SHA-256 of the SPKI in VeraId), if present.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.subject_key_id.as_deref()
    }

    /// The authorityKeyIdentifier keyIdentifier, if present.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.authority_key_id.as_deref()
    }

    /// The outer signature algorithm, if kliento can verify it.
    pub fn signature_algorithm(&self) -> Result<SignatureAlgorithm, AlgorithmError> {
        SignatureAlgorithm::from_der(&self.signature_algorithm)
    }

    /// The signature bytes.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// Whether the certificate is valid at `at` (bounds inclusive, as pkijs checks them).
    pub fn check_validity_at(&self, at: Timestamp) -> Result<(), CertificateError> {
        if at < self.not_before {
            return Err(CertificateError::NotYetValid {
                subject: self.common_name.clone(),
                at,
                not_before: self.not_before,
            });
        }
        if at > self.not_after {
            return Err(CertificateError::Expired {
                subject: self.common_name.clone(),
                at,
                not_after: self.not_after,
            });
        }
        Ok(())
    }

    /// Checks the certificate may issue others, as pkijs checks every non-leaf certificate:
    /// basicConstraints with cA TRUE, and keyCertSign if a keyUsage extension is present.
    pub fn check_is_ca(&self) -> Result<(), CertificateError> {
        let subject = self.common_name.clone();
        match self.basic_constraints {
            None => Err(CertificateError::NotCa {
                subject,
                reason: "the basicConstraints extension is missing",
            }),
            Some(bc) if !bc.ca => Err(CertificateError::NotCa {
                subject,
                reason: "basicConstraints cA is FALSE",
            }),
            _ if self.key_usage_cert_sign == Some(false) => Err(CertificateError::NotCa {
                subject,
                reason: "keyUsage does not include keyCertSign",
            }),
            _ => Ok(()),
        }
    }

    /// Checks the organisation certificate is signed with RSASSA-PSS: veraid-js imports the
    /// organisation key with the certificate's own signature algorithm and accepts only PSS
    /// (digest §3).
    pub fn check_rsa_pss_signed(&self) -> Result<(), CertificateError> {
        match self.signature_algorithm() {
            Ok(SignatureAlgorithm::RsaPss { .. }) => Ok(()),
            Ok(other) => Err(CertificateError::NotRsaPss {
                got: other.webcrypto_name().to_string(),
            }),
            Err(e) => Err(CertificateError::NotRsaPss { got: e.to_string() }),
        }
    }
}

type Malformed = MalformedCertificate;

fn read_tbs(tbs: &[u8]) -> der::Result<RawTbs<'_>> {
    let mut reader = SliceReader::new(tbs)?;
    let raw = reader.sequence(|r| {
        let version = r.context_specific::<u8>(TagNumber(0), TagMode::Explicit)?;
        let header = Header::decode(r)?;
        header.tag().assert_eq(Tag::Integer)?;
        let serial = r.read_slice(header.length())?;
        let _inner_signature_algorithm = r.tlv_bytes()?;
        let issuer = r.tlv_bytes()?;
        let (not_before, not_after) = r.sequence(|v| {
            let mut time = || -> der::Result<(Tag, &[u8])> {
                let header = Header::decode(v)?;
                Ok((header.tag(), v.read_slice(header.length())?))
            };
            Ok::<_, der::Error>((time()?, time()?))
        })?;
        let subject = r.tlv_bytes()?;
        let spki = r.tlv_bytes()?;
        // issuerUniqueID [1] and subjectUniqueID [2] (IMPLICIT BIT STRING): skipped.
        for number in [1, 2] {
            if Tag::peek(r).ok() == Some(context(number, false)) {
                r.tlv_bytes()?;
            }
        }
        let mut extensions = Vec::new();
        if !r.is_finished() {
            let header = Header::decode(r)?;
            header.tag().assert_eq(context(3, true))?;
            r.read_nested(header.length(), |e| {
                e.sequence(|list| {
                    while !list.is_finished() {
                        extensions.push(list.sequence(read_extension)?);
                    }
                    Ok::<_, der::Error>(())
                })
            })?;
        }
        Ok::<_, der::Error>(RawTbs {
            version,
            serial,
            issuer,
            not_before,
            not_after,
            subject,
            spki,
            extensions,
        })
    })?;
    reader.finish()?;
    Ok(raw)
}

fn read_extension<'a>(r: &mut SliceReader<'a>) -> der::Result<RawExtension<'a>> {
    let oid = ObjectIdentifier::decode(r)?;
    let critical = if Tag::peek(r)? == Tag::Boolean {
        bool::decode(r)?
    } else {
        false
    };
    let value = <&OctetStringRef>::decode(r)?.as_bytes();
    Ok(RawExtension {
        oid,
        critical,
        value,
    })
}

/// `SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }`, accepting an
/// explicitly encoded FALSE as veraid-jvm writes it (digest §4).
fn read_basic_constraints(value: &[u8]) -> der::Result<(bool, Option<u32>)> {
    let mut reader = SliceReader::new(value)?;
    let parsed = reader.sequence(|r| {
        let ca = if Tag::peek(r).ok() == Some(Tag::Boolean) {
            bool::decode(r)?
        } else {
            false
        };
        let path_len = if r.is_finished() {
            None
        } else {
            Some(u32::decode(r)?)
        };
        Ok::<_, der::Error>((ca, path_len))
    })?;
    reader.finish()?;
    Ok(parsed)
}

fn read_time(field: &'static str, (tag, bytes): (Tag, &[u8])) -> Result<Timestamp, Malformed> {
    let parsed = match tag {
        Tag::UtcTime => parse_utc_time(bytes),
        Tag::GeneralizedTime => parse_generalized_time(bytes),
        other => {
            return Err(MalformedCertificate::Field {
                field,
                detail: format!("expected UTCTime or GeneralizedTime, got {other}"),
            });
        }
    };
    parsed.map_err(|e| MalformedCertificate::Field {
        field,
        detail: e.to_string(),
    })
}

/// The first CN in a Name, in whatever string type it is written (veraid-js accepts any).
fn common_name_of(name_der: &[u8]) -> Result<String, Malformed> {
    let name = Name::from_der(name_der).map_err(|e| MalformedCertificate::Field {
        field: "subject",
        detail: e.to_string(),
    })?;
    let value = name
        .iter()
        .find(|atv| atv.oid == COMMON_NAME)
        .map(|atv| &atv.value)
        .ok_or(MalformedCertificate::MissingCommonName)?;
    decode_directory_string(value.tag(), value.value()).ok_or_else(|| MalformedCertificate::Field {
        field: "subject commonName",
        detail: format!("cannot decode a {} value", value.tag()),
    })
}

fn decode_directory_string(tag: Tag, bytes: &[u8]) -> Option<String> {
    match tag {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::VisibleString
        | Tag::GeneralString => String::from_utf8(bytes.to_vec()).ok(),
        // T.61 is close enough to Latin-1 for the names anyone writes with it.
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            if !bytes.len().is_multiple_of(2) {
                return None;
            }
            let units = bytes.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        _ => None,
    }
}

/// A Name with exactly one RDN holding a BMPString CN (UTF-16BE), as veraid-js writes it.
fn bmp_common_name(name: &str) -> Vec<u8> {
    let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let atv = sequence(&[&der_of(&COMMON_NAME), &tlv(Tag::BmpString, &utf16)]);
    sequence(&[&set(&[&atv])])
}

/// Verifies that `issuer` issued `child`: the issuer lookup pkijs performs (AKI keyIdentifier
/// against SKI when both exist, otherwise issuer Name against subject Name), then the signature
/// over the TBSCertificate bytes as received, with the child's signature algorithm.
pub fn verify_issued_by(child: &Certificate, issuer: &Certificate) -> Result<(), CertificateError> {
    match (child.authority_key_id(), issuer.subject_key_id()) {
        (Some(aki), Some(ski)) => {
            if aki != ski {
                return Err(CertificateError::IssuerMismatch {
                    field: "authority key identifier",
                    expected: hex(ski),
                    actual: hex(aki),
                });
            }
        }
        _ => {
            if child.issuer_der() != issuer.subject_der() {
                return Err(CertificateError::IssuerMismatch {
                    field: "issuer name",
                    expected: hex(issuer.subject_der()),
                    actual: hex(child.issuer_der()),
                });
            }
        }
    }
    let algorithm =
        child
            .signature_algorithm()
            .map_err(|e| CertificateError::UnsupportedAlgorithm {
                subject: child.common_name.clone(),
                detail: e.to_string(),
            })?;
    let key = issuer.rsa_public_key()?;
    algorithm
        .verify(&key, child.tbs_der(), child.signature())
        .map_err(|_| CertificateError::BadSignature {
            subject: child.common_name.clone(),
            issuer: issuer.common_name.clone(),
            algorithm: algorithm.to_string(),
        })
}

/// What to put in a new certificate besides names and keys.
#[derive(Clone, Copy, Debug)]
pub struct CertificateOptions {
    /// notBefore (truncated to whole seconds).
    pub start: Timestamp,
    /// notAfter (truncated to whole seconds; for members, capped at the organisation's).
    pub expiry: Timestamp,
    /// Hash of the RSASSA-PSS signature. veraid-js uses the issuer key's configured hash,
    /// SHA-256 for keys made by its generator.
    pub hash: HashAlgorithm,
}

/// Self-issues an organisation certificate: CN = `name` verbatim (BMPString), critical
/// basicConstraints cA TRUE + pathLen 0, AKI = SKI = SHA-256 of the canonical SPKI.
pub fn issue_organisation_certificate(
    name: &str,
    key: &rsa::PrivateKey,
    options: &CertificateOptions,
) -> Result<Certificate, IssueError> {
    let public = key.to_public_key();
    OrgKeyAlgorithm::for_key(&public)?;
    let subject = bmp_common_name(name);
    let spki = keys::canonical_spki_der(&public);
    issue(Issue {
        issuer: &subject,
        subject: &subject,
        spki: &spki,
        issuer_spki: &spki,
        ca: true,
        start: options.start,
        expiry: options.expiry,
        key,
        hash: options.hash,
    })
}

/// Issues a member certificate signed by the organisation: CN = user name or `@`, issuer =
/// the organisation certificate's subject, critical basicConstraints with pathLen 0 only,
/// expiry capped at the organisation certificate's.
pub fn issue_member_certificate(
    member: &Member,
    member_key: &rsa::PublicKey,
    org_certificate: &Certificate,
    org_key: &rsa::PrivateKey,
    options: &CertificateOptions,
) -> Result<Certificate, IssueError> {
    org_certificate
        .check_is_ca()
        .map_err(IssueError::IssuerNotCa)?;
    let org_public = org_key.to_public_key();
    let org_spki = keys::canonical_spki_der(&org_public);
    let certified_spki = keys::canonical_spki_der(&org_certificate.rsa_public_key()?);
    if org_spki != certified_spki {
        return Err(IssueError::KeyMismatch);
    }
    let subject = bmp_common_name(member.name());
    let spki = keys::canonical_spki_der(member_key);
    issue(Issue {
        issuer: org_certificate.subject_der(),
        subject: &subject,
        spki: &spki,
        issuer_spki: &org_spki,
        ca: false,
        start: options.start,
        expiry: options.expiry.min(org_certificate.not_after()),
        key: org_key,
        hash: options.hash,
    })
}

struct Issue<'a> {
    issuer: &'a [u8],
    subject: &'a [u8],
    spki: &'a [u8],
    issuer_spki: &'a [u8],
    ca: bool,
    start: Timestamp,
    expiry: Timestamp,
    key: &'a rsa::PrivateKey,
    hash: HashAlgorithm,
}

fn issue(request: Issue<'_>) -> Result<Certificate, IssueError> {
    let start = der_time::truncate_to_second(request.start);
    let expiry = der_time::truncate_to_second(request.expiry);
    if expiry < start {
        return Err(IssueError::EndBeforeStart { start, expiry });
    }
    let algorithm = SignatureAlgorithm::pss(request.hash).to_der();
    let validity = {
        let (tag, bytes) = encode_validity_time(start)?;
        let not_before = tlv(tag, &bytes);
        let (tag, bytes) = encode_validity_time(expiry)?;
        sequence(&[&not_before, &tlv(tag, &bytes)])
    };
    let tbs = sequence(&[
        &tlv(context(0, true), &der_of(&2u8)),
        &random_serial()?,
        &algorithm,
        request.issuer,
        &validity,
        request.subject,
        request.spki,
        &tlv(context(3, true), &extensions(&request)),
    ]);
    let signature = pss_sign(request.key, request.hash, &tbs).map_err(|e| IssueError::Signing {
        detail: e.to_string(),
    })?;
    let bits = BitStringRef::from_bytes(&signature).expect("a signature fits in a BIT STRING");
    let der = sequence(&[&tbs, &algorithm, &der_of(&bits)]);
    Certificate::from_der(&der).map_err(|e| IssueError::Signing {
        detail: format!("issued certificate does not read back: {e}"),
    })
}

/// basicConstraints (critical), AKI, SKI, in the order veraid-js writes them (digest §4).
fn extensions(request: &Issue<'_>) -> Vec<u8> {
    let extension = |oid: ObjectIdentifier, critical: bool, value: &[u8]| {
        let octets = OctetStringRef::new(value).expect("extension values are small");
        if critical {
            sequence(&[&der_of(&oid), &der_of(&true), &der_of(&octets)])
        } else {
            sequence(&[&der_of(&oid), &der_of(&octets)])
        }
    };
    // cA is DEFAULT FALSE, so DER omits it for members; pathLen 0 is written for both.
    let basic = if request.ca {
        sequence(&[&der_of(&true), &der_of(&0u8)])
    } else {
        sequence(&[&der_of(&0u8)])
    };
    let issuer_id = HashAlgorithm::Sha256.digest(request.issuer_spki);
    let subject_id = HashAlgorithm::Sha256.digest(request.spki);
    let aki = sequence(&[&tlv(context(0, false), &issuer_id)]);
    let ski = der_of(&OctetStringRef::new(&subject_id).expect("32 bytes"));
    sequence(&[
        &extension(BASIC_CONSTRAINTS, true, &basic),
        &extension(AUTHORITY_KEY_ID, false, &aki),
        &extension(SUBJECT_KEY_ID, false, &ski),
    ])
}

/// A positive random 64-bit serial in minimal DER (veraid-js writes its 8 bytes verbatim,
/// which is occasionally non-minimal; digest §4 recommends minimal).
fn random_serial() -> Result<Vec<u8>, IssueError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| IssueError::Signing {
        detail: format!("random source: {e}"),
    })?;
    bytes[0] &= 0x7f;
    Ok(der_of(&UintRef::new(&bytes).expect("8 bytes")))
}

/// A certificate that cannot be parsed.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum MalformedCertificate {
    /// Not DER (or PEM) of a Certificate.
    #[error("malformed certificate: {detail}")]
    Encoding {
        /// What the decoder said.
        detail: String,
    },
    /// A field whose content cannot be interpreted.
    #[error("malformed certificate: {field}: {detail}")]
    Field {
        /// The field, named as in RFC 5280.
        field: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// The subject has no CN (veraid-js refuses these when deserialising).
    #[error("malformed certificate: Distinguished Name does not contain Common Name")]
    MissingCommonName,
}

/// A parsed certificate that fails a check.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateError {
    /// The child does not name this issuer.
    #[error("certificate was not issued by this issuer: {field} is {actual}, expected {expected}")]
    IssuerMismatch {
        /// "authority key identifier" or "issuer name".
        field: &'static str,
        /// The issuer's SKI or subject (hex).
        expected: String,
        /// The child's AKI or issuer (hex).
        actual: String,
    },
    /// The signature algorithm cannot be verified.
    #[error("certificate for {subject}: {detail}")]
    UnsupportedAlgorithm {
        /// The certificate's CN.
        subject: String,
        /// Why.
        detail: String,
    },
    /// The signature does not verify.
    #[error("certificate for {subject} has an invalid {algorithm} signature from {issuer}")]
    BadSignature {
        /// The child's CN.
        subject: String,
        /// The issuer's CN.
        issuer: String,
        /// The algorithm used.
        algorithm: String,
    },
    /// The certificate's key is not an RSA key kliento can use.
    #[error("certificate for {subject} has an unusable public key: {detail}")]
    UnusableKey {
        /// The certificate's CN.
        subject: String,
        /// Why.
        detail: String,
    },
    /// Checked before notBefore.
    #[error("certificate for {subject} is not yet valid at {at}: it starts at {not_before}")]
    NotYetValid {
        /// The certificate's CN.
        subject: String,
        /// The time checked.
        at: Timestamp,
        /// Its start.
        not_before: Timestamp,
    },
    /// Checked after notAfter.
    #[error("certificate for {subject} expired at {not_after} (checked at {at})")]
    Expired {
        /// The certificate's CN.
        subject: String,
        /// The time checked.
        at: Timestamp,
        /// Its end.
        not_after: Timestamp,
    },
    /// The certificate may not issue certificates.
    #[error("certificate for {subject} is not a CA: {reason}")]
    NotCa {
        /// The certificate's CN.
        subject: String,
        /// Which rule failed.
        reason: &'static str,
    },
    /// An organisation certificate not signed with RSASSA-PSS (veraid-js's message).
    #[error("Only RSA-PSS keys are supported (got {got})")]
    NotRsaPss {
        /// The algorithm found.
        got: String,
    },
}

/// Why a certificate could not be issued.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum IssueError {
    /// Expiry before start (equal is allowed, as in veraid-js).
    #[error("the expiry {expiry} is before the start {start}")]
    EndBeforeStart {
        /// notBefore.
        start: Timestamp,
        /// notAfter (after capping at the organisation's expiry for members).
        expiry: Timestamp,
    },
    /// The key is unusable (wrong size for an organisation...).
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The organisation certificate cannot issue member certificates.
    #[error("the organisation certificate cannot issue certificates: {0}")]
    IssuerNotCa(CertificateError),
    /// The organisation certificate's key is unusable.
    #[error(transparent)]
    IssuerKey(#[from] CertificateError),
    /// The organisation key is not the one in the organisation certificate.
    #[error("the organisation key does not match the organisation certificate's public key")]
    KeyMismatch,
    /// A validity time X.509 cannot carry.
    #[error(transparent)]
    Time(#[from] TimeError),
    /// Signing or randomness failed.
    #[error("cannot sign the certificate: {detail}")]
    Signing {
        /// Why.
        detail: String,
    },
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::keys::generate;
    use std::sync::OnceLock;

    /// Two organisation-size keys, generated once for the whole test binary.
    pub(crate) fn test_keys() -> &'static [rsa::PrivateKey; 3] {
        static KEYS: OnceLock<[rsa::PrivateKey; 3]> = OnceLock::new();
        KEYS.get_or_init(|| {
            std::array::from_fn(|_| generate(OrgKeyAlgorithm::Rsa2048).expect("key"))
        })
    }

    pub(crate) fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    pub(crate) fn options(start: &str, expiry: &str) -> CertificateOptions {
        CertificateOptions {
            start: ts(start),
            expiry: ts(expiry),
            hash: HashAlgorithm::Sha256,
        }
    }

    pub(crate) fn org_cert() -> Certificate {
        issue_organisation_certificate(
            "example.com",
            &test_keys()[0],
            &options("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        )
        .unwrap()
    }

    pub(crate) fn member_cert(member: &Member) -> Certificate {
        issue_member_certificate(
            member,
            &test_keys()[1].to_public_key(),
            &org_cert(),
            &test_keys()[0],
            &options("2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"),
        )
        .unwrap()
    }

    fn unhex(text: &str) -> Vec<u8> {
        let text: String = text.split_whitespace().collect();
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// The TLVs inside a SEQUENCE.
    fn elements(der: &[u8]) -> Vec<Vec<u8>> {
        let mut reader = SliceReader::new(der).unwrap();
        reader
            .sequence(|r| {
                let mut out = Vec::new();
                while !r.is_finished() {
                    out.push(r.tlv_bytes()?.to_vec());
                }
                Ok::<_, der::Error>(out)
            })
            .unwrap()
    }

    /// Rebuilds a certificate with the TBS elements in `edits` replaced, signed by `key` with `alg`.
    pub(crate) fn resigned(
        cert: &Certificate,
        edits: &[(usize, Vec<u8>)],
        key: &rsa::PrivateKey,
        alg: SignatureAlgorithm,
    ) -> Vec<u8> {
        let mut tbs_parts = elements(cert.tbs_der());
        for (index, replacement) in edits {
            tbs_parts[*index] = replacement.clone();
        }
        tbs_parts[2] = alg.to_der();
        let refs: Vec<&[u8]> = tbs_parts.iter().map(Vec::as_slice).collect();
        let tbs = sequence(&refs);
        let signature = match alg {
            SignatureAlgorithm::RsaPss { hash, .. } => pss_sign(key, hash, &tbs).unwrap(),
            SignatureAlgorithm::RsaPkcs1v15 { .. } => key
                .sign(
                    rsa::pkcs1v15::Pkcs1v15Sign::new::<sha2::Sha256>(),
                    &HashAlgorithm::Sha256.digest(&tbs),
                )
                .unwrap(),
        };
        let bits = BitStringRef::from_bytes(&signature).unwrap();
        sequence(&[&tbs, &alg.to_der(), &der_of(&bits)])
    }

    #[test]
    fn organisation_subject_is_one_bmpstring_common_name() {
        let cert = org_cert();
        // SEQUENCE { SET { SEQUENCE { 2.5.4.3, BMPString "example.com" } } }
        let expected = unhex(
            "30 21 31 1f 30 1d 06 03 55 04 03 1e 16
             00 65 00 78 00 61 00 6d 00 70 00 6c 00 65 00 2e 00 63 00 6f 00 6d",
        );
        assert_eq!(cert.subject_der(), expected);
        assert_eq!(cert.issuer_der(), expected, "self-issued");
        assert_eq!(cert.common_name(), "example.com");
        assert_eq!(cert.version(), 3);
    }

    #[test]
    fn organisation_extensions_follow_veraid_order_criticality_and_values() {
        let cert = org_cert();
        let spki = keys::canonical_spki_der(&test_keys()[0].to_public_key());
        let id = HashAlgorithm::Sha256.digest(&spki);
        let mut expected = unhex("a3 6e 30 6c");
        expected.extend(unhex(
            "30 12 06 03 55 1d 13 01 01 ff 04 08 30 06 01 01 ff 02 01 00",
        ));
        expected.extend(unhex("30 2b 06 03 55 1d 23 04 24 30 22 80 20"));
        expected.extend(&id);
        expected.extend(unhex("30 29 06 03 55 1d 0e 04 22 04 20"));
        expected.extend(&id);
        assert!(cert.tbs_der().ends_with(&expected));
        assert_eq!(
            cert.basic_constraints(),
            Some(BasicConstraints {
                critical: true,
                ca: true,
                path_len: Some(0)
            })
        );
        assert_eq!(cert.subject_key_id(), Some(id.as_slice()));
        assert_eq!(cert.authority_key_id(), Some(id.as_slice()));
    }

    #[test]
    fn member_basic_constraints_carry_path_len_zero_without_ca() {
        let cert = member_cert(&Member::from_name("alice").unwrap());
        let expected = unhex("30 0f 06 03 55 1d 13 01 01 ff 04 05 30 03 02 01 00");
        assert!(
            cert.tbs_der()
                .windows(expected.len())
                .any(|w| w == expected)
        );
        assert_eq!(
            cert.basic_constraints(),
            Some(BasicConstraints {
                critical: true,
                ca: false,
                path_len: Some(0)
            })
        );
    }

    #[test]
    fn member_key_identifiers_are_sha256_of_canonical_spkis() {
        let cert = member_cert(&Member::from_name("alice").unwrap());
        let member_spki = keys::canonical_spki_der(&test_keys()[1].to_public_key());
        assert_eq!(cert.spki_der(), member_spki);
        assert_eq!(
            cert.subject_key_id().unwrap(),
            HashAlgorithm::Sha256.digest(&member_spki)
        );
        assert_eq!(cert.authority_key_id(), org_cert().subject_key_id());
        assert_eq!(cert.issuer_der(), org_cert().subject_der());
        assert_eq!(cert.issuer_common_name(), Some("example.com"));
    }

    #[test]
    fn signature_algorithm_is_pss_with_pkijs_parameters_in_tbs_and_outer() {
        let cert = org_cert();
        let pss = unhex(
            "30 41 06 09 2a 86 48 86 f7 0d 01 01 0a 30 34 a0 0f 30 0d 06 09 60 86 48 01 65 03 04
             02 01 05 00 a1 1c 30 1a 06 09 2a 86 48 86 f7 0d 01 01 08 30 0d 06 09 60 86 48 01 65
             03 04 02 01 05 00 a2 03 02 01 20",
        );
        assert_eq!(elements(cert.tbs_der())[2], pss);
        assert_eq!(elements(cert.to_der())[1], pss);
        assert_eq!(
            cert.signature_algorithm().unwrap(),
            SignatureAlgorithm::pss(HashAlgorithm::Sha256)
        );
    }

    #[test]
    fn serial_is_positive_and_minimal() {
        for _ in 0..20 {
            let cert = org_cert();
            let serial = elements(cert.tbs_der())[1].clone();
            assert_eq!(serial[0], 0x02);
            let content = &serial[2..];
            assert!(content.len() <= 9 && !content.is_empty());
            assert!(content[0] < 0x80, "negative serial {}", hex(content));
            if content.len() > 1 {
                assert!(
                    !(content[0] == 0 && content[1] < 0x80),
                    "non-minimal serial {}",
                    hex(content)
                );
            }
        }
    }

    #[test]
    fn validity_is_truncated_to_whole_seconds() {
        let cert = issue_organisation_certificate(
            "example.com",
            &test_keys()[0],
            &options("2026-01-01T00:00:00.999Z", "2026-02-01T00:00:00.5Z"),
        )
        .unwrap();
        assert_eq!(cert.not_before(), ts("2026-01-01T00:00:00Z"));
        assert_eq!(cert.not_after(), ts("2026-02-01T00:00:00Z"));
        let validity = elements(cert.tbs_der())[4].clone();
        assert_eq!(
            validity,
            [
                &unhex("30 1e 17 0d")[..],
                b"260101000000Z",
                &[0x17, 0x0d],
                b"260201000000Z"
            ]
            .concat()
        );
    }

    #[test]
    fn validity_from_2050_is_generalized_time() {
        let cert = issue_organisation_certificate(
            "example.com",
            &test_keys()[0],
            &options("2049-06-01T00:00:00Z", "2060-01-01T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(cert.not_after(), ts("2060-01-01T00:00:00Z"));
        let validity = elements(cert.tbs_der())[4].clone();
        assert!(validity.ends_with(&[&[0x18, 0x0f][..], b"20600101000000Z"].concat()));
    }

    #[test]
    fn member_expiry_is_capped_at_the_organisation_expiry() {
        let cert = issue_member_certificate(
            &Member::Bot,
            &test_keys()[1].to_public_key(),
            &org_cert(),
            &test_keys()[0],
            &options("2026-06-01T00:00:00Z", "2030-01-01T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(cert.not_after(), ts("2027-01-01T00:00:00Z"));
    }

    #[test]
    fn bot_common_name_is_at_sign_in_bmpstring() {
        let cert = member_cert(&Member::Bot);
        assert!(
            cert.subject_der()
                .ends_with(&unhex("06 03 55 04 03 1e 02 00 40"))
        );
        assert_eq!(cert.common_name(), "@");
    }

    #[test]
    fn refuses_expiry_before_start() {
        let error = issue_organisation_certificate(
            "example.com",
            &test_keys()[0],
            &options("2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "the expiry 2026-01-01T00:00:00Z is before the start 2026-01-02T00:00:00Z"
        );
        // Capping at the organisation's expiry can also put the end before the start.
        let error = issue_member_certificate(
            &Member::Bot,
            &test_keys()[1].to_public_key(),
            &org_cert(),
            &test_keys()[0],
            &options("2027-06-01T00:00:00Z", "2027-07-01T00:00:00Z"),
        )
        .unwrap_err();
        assert!(matches!(error, IssueError::EndBeforeStart { .. }));
    }

    #[test]
    fn refuses_member_certificate_from_non_ca_or_wrong_key() {
        let member = member_cert(&Member::Bot);
        let error = issue_member_certificate(
            &Member::Bot,
            &test_keys()[2].to_public_key(),
            &member,
            &test_keys()[1],
            &options("2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z"),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "the organisation certificate cannot issue certificates: certificate for @ is not a \
             CA: basicConstraints cA is FALSE"
        );
        let error = issue_member_certificate(
            &Member::Bot,
            &test_keys()[2].to_public_key(),
            &org_cert(),
            &test_keys()[1],
            &options("2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z"),
        )
        .unwrap_err();
        assert_eq!(error, IssueError::KeyMismatch);
    }

    #[test]
    fn verifies_member_issued_by_organisation_and_org_by_itself() {
        let org = org_cert();
        verify_issued_by(&member_cert(&Member::Bot), &org).unwrap();
        verify_issued_by(&org, &org).unwrap();
        org.check_is_ca().unwrap();
        org.check_rsa_pss_signed().unwrap();
    }

    #[test]
    fn detects_tampered_certificate() {
        let member = member_cert(&Member::from_name("alice").unwrap());
        let mut der = member.to_der().to_vec();
        // Flip a byte inside the member's SPKI (within the TBS).
        let at = der
            .windows(member.spki_der().len())
            .position(|w| w == member.spki_der());
        der[at.unwrap() + 40] ^= 1;
        let tampered = Certificate::from_der(&der).unwrap();
        assert_eq!(
            verify_issued_by(&tampered, &org_cert())
                .unwrap_err()
                .to_string(),
            "certificate for alice has an invalid RSASSA-PSS (SHA-256, MGF1-SHA-256, salt 32) \
             signature from example.com"
        );
    }

    #[test]
    fn rejects_certificate_from_another_issuer() {
        let other = issue_organisation_certificate(
            "example.com",
            &test_keys()[2],
            &options("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        )
        .unwrap();
        let error = verify_issued_by(&member_cert(&Member::Bot), &other).unwrap_err();
        assert!(matches!(
            error,
            CertificateError::IssuerMismatch {
                field: "authority key identifier",
                ..
            }
        ));
        assert!(
            error.to_string().starts_with(
                "certificate was not issued by this issuer: authority key identifier is"
            )
        );
    }

    #[test]
    fn falls_back_to_names_without_key_identifiers() {
        let org = org_cert();
        let member = member_cert(&Member::Bot);
        // Drop the extensions (element 7): no AKI, so the issuer name decides.
        let mut parts = elements(member.tbs_der());
        parts.truncate(7);
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let tbs = sequence(&refs);
        let signature = pss_sign(&test_keys()[0], HashAlgorithm::Sha256, &tbs).unwrap();
        let bits = BitStringRef::from_bytes(&signature).unwrap();
        let alg = SignatureAlgorithm::pss(HashAlgorithm::Sha256).to_der();
        let bare = Certificate::from_der(&sequence(&[&tbs, &alg, &der_of(&bits)])).unwrap();
        verify_issued_by(&bare, &org).unwrap();
        let other_name = issue_organisation_certificate(
            "example.net",
            &test_keys()[0],
            &options("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        )
        .unwrap();
        let error = verify_issued_by(&bare, &other_name).unwrap_err();
        assert!(matches!(
            error,
            CertificateError::IssuerMismatch {
                field: "issuer name",
                ..
            }
        ));
    }

    #[test]
    fn parses_and_verifies_non_minimal_serial() {
        let org = org_cert();
        let member = member_cert(&Member::Bot);
        let non_minimal = unhex("02 08 00 12 34 56 78 9a bc de");
        let der = resigned(
            &member,
            &[(1, non_minimal.clone())],
            &test_keys()[0],
            SignatureAlgorithm::pss(HashAlgorithm::Sha256),
        );
        let cert = Certificate::from_der(&der).unwrap();
        assert_eq!(cert.serial_number().as_bytes(), &non_minimal[2..]);
        assert_eq!(cert.serial_number().minimal(), &non_minimal[3..]);
        assert_eq!(cert.serial_number().to_der(), non_minimal);
        assert_eq!(
            cert.serial_number(),
            &SerialNumber::from_content(&non_minimal[3..]).unwrap()
        );
        verify_issued_by(&cert, &org).unwrap();
    }

    #[test]
    fn reads_common_name_in_utf8string() {
        let member = member_cert(&Member::Bot);
        let utf8_name = unhex("30 10 31 0e 30 0c 06 03 55 04 03 0c 05 61 6c 69 63 65");
        let der = resigned(
            &member,
            &[(5, utf8_name)],
            &test_keys()[0],
            SignatureAlgorithm::pss(HashAlgorithm::Sha256),
        );
        let cert = Certificate::from_der(&der).unwrap();
        assert_eq!(cert.common_name(), "alice");
        verify_issued_by(&cert, &org_cert()).unwrap();
    }

    #[test]
    fn rejects_subject_without_common_name() {
        let member = member_cert(&Member::Bot);
        // O=example instead of a CN.
        let no_cn = unhex("30 12 31 10 30 0e 06 03 55 04 0a 0c 07 65 78 61 6d 70 6c 65");
        let der = resigned(
            &member,
            &[(5, no_cn)],
            &test_keys()[0],
            SignatureAlgorithm::pss(HashAlgorithm::Sha256),
        );
        assert_eq!(
            Certificate::from_der(&der).unwrap_err().to_string(),
            "malformed certificate: Distinguished Name does not contain Common Name"
        );
    }

    #[test]
    fn verifies_pkcs1v15_member_but_flags_pkcs1v15_organisation() {
        let org = org_cert();
        let member = member_cert(&Member::Bot);
        let pkcs1 = SignatureAlgorithm::RsaPkcs1v15 {
            hash: HashAlgorithm::Sha256,
        };
        let member_pkcs1 =
            Certificate::from_der(&resigned(&member, &[], &test_keys()[0], pkcs1.clone())).unwrap();
        verify_issued_by(&member_pkcs1, &org).unwrap();
        let org_pkcs1 =
            Certificate::from_der(&resigned(&org, &[], &test_keys()[0], pkcs1)).unwrap();
        verify_issued_by(&org_pkcs1, &org_pkcs1).unwrap();
        assert_eq!(
            org_pkcs1.check_rsa_pss_signed().unwrap_err().to_string(),
            "Only RSA-PSS keys are supported (got RSASSA-PKCS1-v1_5)"
        );
    }

    #[test]
    fn checks_validity_bounds_inclusively() {
        let cert = org_cert();
        cert.check_validity_at(ts("2026-01-01T00:00:00Z")).unwrap();
        cert.check_validity_at(ts("2027-01-01T00:00:00Z")).unwrap();
        assert_eq!(
            cert.check_validity_at(ts("2025-12-31T23:59:59.999Z"))
                .unwrap_err()
                .to_string(),
            "certificate for example.com is not yet valid at 2025-12-31T23:59:59.999Z: it starts \
             at 2026-01-01T00:00:00Z"
        );
        assert_eq!(
            cert.check_validity_at(ts("2027-01-01T00:00:00.001Z"))
                .unwrap_err()
                .to_string(),
            "certificate for example.com expired at 2027-01-01T00:00:00Z (checked at \
             2027-01-01T00:00:00.001Z)"
        );
    }

    #[test]
    fn reads_pem_and_der_alike_and_rejects_garbage() {
        let cert = org_cert();
        assert_eq!(
            Certificate::from_bytes(cert.to_pem().as_bytes()).unwrap(),
            cert
        );
        assert_eq!(Certificate::from_bytes(cert.to_der()).unwrap(), cert);
        assert!(matches!(
            Certificate::from_bytes(b"hello"),
            Err(MalformedCertificate::Encoding { .. })
        ));
        let mut trailing = cert.to_der().to_vec();
        trailing.push(0);
        assert!(Certificate::from_der(&trailing).is_err());
    }

    #[test]
    fn refuses_organisation_key_of_unsupported_size() {
        let key = rsa::PrivateKey::new(&mut getrandom::SysRng, 1024).unwrap();
        let error = issue_organisation_certificate(
            "example.com",
            &key,
            &options("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        )
        .unwrap_err();
        assert_eq!(
            error,
            IssueError::Key(KeyError::UnsupportedSize { bits: 1024 })
        );
    }

    #[test]
    fn no_single_byte_change_panics_or_alters_what_verifies() {
        let org = org_cert();
        let member = member_cert(&Member::from_name("alice").unwrap());
        let der = member.to_der();
        for at in 0..der.len() {
            let mut tampered = der.to_vec();
            tampered[at] ^= 0x01;
            if let Ok(cert) = Certificate::from_der(&tampered)
                && verify_issued_by(&cert, &org).is_ok()
            {
                // Only the unsigned outer AlgorithmIdentifier may change (e.g. NULL hash
                // parameters written another way), never what was signed.
                assert_eq!(cert.tbs_der(), member.tbs_der(), "byte {at}");
            }
        }
        for len in 0..der.len() {
            assert!(Certificate::from_der(&der[..len]).is_err());
        }
    }
}
