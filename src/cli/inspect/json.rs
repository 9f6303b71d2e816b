//! `inspect --format json`: the schema (README, "inspect JSON") and how a [`View`] fills it.

use super::*;

impl View<'_> {
    pub(super) fn json(&self) -> InspectJson {
        let findings = self.findings();
        let verified = self.verification.and_then(TokenVerification::verified);
        InspectJson {
            schema_version: SCHEMA_VERSION,
            input: InputJson {
                bytes: self.read_whole().then_some(self.size),
                encoding: self.encoding.map(str::to_string),
            },
            status: self.status(),
            error: self.error(),
            subject_id: verified.map(|v| v.subject_id.clone()),
            organisation: findings
                .and_then(|f| f.organisation_certificate.as_ref())
                .map(|c| OrganisationJson {
                    name: without_trailing_dot(c.common_name()).into(),
                    certificate: CertificateJson::of(c),
                }),
            member: verified.map(|v| MemberJson {
                kind: if v.member.user().is_some() {
                    "user"
                } else {
                    "bot"
                },
                name: v.member.name().to_string(),
                signed_by: if v.signed_by_member {
                    "member"
                } else {
                    "organisation"
                },
            }),
            member_certificate: findings
                .and_then(|f| f.member_certificate.as_ref())
                .map(CertificateJson::of),
            signature: findings.and_then(|f| {
                f.metadata.as_ref().map(|m| SignatureJson {
                    service: m.service.to_string(),
                    start: m.start.to_string(),
                    end: m.end.to_string(),
                    encapsulated: f
                        .signed_data
                        .as_ref()
                        .map(|s| s.encapsulated_plaintext().is_some()),
                })
            }),
            token: verified.map(|v| TokenJson {
                audience: v.token.audience.clone(),
                claims: v.token.claims.to_json(),
            }),
            dnssec: findings.and_then(|f| {
                f.chain.as_ref().map(|chain| DnssecJson {
                    messages: chain.summaries().iter().map(MessageJson::of).collect(),
                    txt_record: f.txt_record.as_ref().map(ToString::to_string),
                    window: f.dnssec_window.map(|w| w.to_string()),
                    walk: f.walk.as_ref().map(WalkJson::of),
                    work: WorkJson {
                        signature_verifications: f.dnssec_work.verifications,
                        cost: f.dnssec_work.cost,
                        ds_digests: f.dnssec_work.ds_digests,
                    },
                })
            }),
            checks: self.report.checks.iter().map(CheckJson::of).collect(),
        }
    }
}

/// `inspect --format json`, schema version [`SCHEMA_VERSION`]: every key always present
/// (`null` where there is nothing to show), as the README's "inspect" section documents.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct InspectJson {
    schema_version: u32,
    input: InputJson,
    status: &'static str,
    error: Option<String>,
    subject_id: Option<String>,
    organisation: Option<OrganisationJson>,
    member: Option<MemberJson>,
    member_certificate: Option<CertificateJson>,
    signature: Option<SignatureJson>,
    token: Option<TokenJson>,
    dnssec: Option<DnssecJson>,
    checks: Vec<CheckJson>,
}

#[derive(Serialize)]
struct InputJson {
    bytes: Option<usize>,
    encoding: Option<String>,
}

#[derive(Serialize)]
struct OrganisationJson {
    name: String,
    certificate: CertificateJson,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MemberJson {
    kind: &'static str,
    name: String,
    signed_by: &'static str,
}

#[derive(Serialize)]
struct SignatureJson {
    service: String,
    start: String,
    end: String,
    encapsulated: Option<bool>,
}

#[derive(Serialize)]
struct TokenJson {
    audience: String,
    claims: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CertificateJson {
    common_name: String,
    issuer: Option<String>,
    serial_number: String,
    not_before: String,
    not_after: String,
    signature_algorithm: Option<&'static str>,
    key_bits: Option<usize>,
    key_algorithm: Option<u8>,
    key_id: Option<String>,
    subject_key_id: Option<String>,
    authority_key_id: Option<String>,
    is_ca: Option<bool>,
}

impl CertificateJson {
    fn of(certificate: &Certificate) -> Self {
        let key = certificate_key(certificate);
        Self {
            common_name: certificate.common_name().to_string(),
            issuer: certificate.issuer_common_name().map(str::to_string),
            serial_number: certificate.serial_number().to_string(),
            not_before: certificate.not_before().to_string(),
            not_after: certificate.not_after().to_string(),
            signature_algorithm: certificate
                .signature_algorithm()
                .map(|a| a.webcrypto_name())
                .ok(),
            key_bits: key.as_ref().map(|(a, _)| a.bits()),
            key_algorithm: key.as_ref().map(|(a, _)| a.id()),
            key_id: key.map(|(_, id)| id),
            subject_key_id: certificate.subject_key_id().map(hex),
            authority_key_id: certificate.authority_key_id().map(hex),
            is_ca: certificate.basic_constraints().map(|b| b.ca),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DnssecJson {
    messages: Vec<MessageJson>,
    txt_record: Option<String>,
    window: Option<String>,
    walk: Option<WalkJson>,
    work: WorkJson,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WorkJson {
    signature_verifications: u32,
    cost: u32,
    ds_digests: u32,
}

#[derive(Serialize)]
struct MessageJson {
    question: String,
    rcode: u16,
    bytes: usize,
    rrsets: Vec<RrsetJson>,
}

#[derive(Serialize)]
struct RrsetJson {
    name: String,
    ttl: u32,
    records: Vec<String>,
    rrsigs: Vec<RrsigJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RrsigJson {
    algorithm: u8,
    key_tag: u16,
    signer: String,
    inception: String,
    expiration: String,
}

impl MessageJson {
    fn of(summary: &MessageSummary) -> Self {
        Self {
            question: summary.questions.join(", "),
            rcode: summary.response_code,
            bytes: summary.bytes,
            rrsets: summary
                .rrsets
                .iter()
                .map(|r| RrsetJson {
                    name: r.name.clone(),
                    ttl: r.ttl,
                    records: r.records.clone(),
                    rrsigs: r
                        .signatures
                        .iter()
                        .map(|s| RrsigJson {
                            algorithm: s.algorithm,
                            key_tag: s.key_tag,
                            signer: s.signer.clone(),
                            inception: from_unix_seconds(s.inception).to_string(),
                            expiration: from_unix_seconds(s.expiration).to_string(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The walk zone by zone, as data: which DS matched which key and which RRSIG authenticated
/// each RRset.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WalkJson {
    window: String,
    zones: Vec<ZoneJson>,
    answer_signature: Option<SignatureUseJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ZoneJson {
    zone: String,
    ds_signature: Option<SignatureUseJson>,
    ds_matches: Vec<DsMatchJson>,
    dnskey_signature: Option<SignatureUseJson>,
    keys: Vec<KeyJson>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DsMatchJson {
    ds_key_tag: u16,
    digest_type: u8,
    dnskey_tag: u16,
    algorithm: u8,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyJson {
    key_tag: u16,
    algorithm: u8,
    flags: u16,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignatureUseJson {
    rrset: String,
    signer: String,
    key_tag: u16,
    algorithm: u8,
    inception: String,
    expiration: String,
}

impl SignatureUseJson {
    fn of(signature: &SignatureUse) -> Self {
        Self {
            rrset: signature.rrset.clone(),
            signer: signature.signer.clone(),
            key_tag: signature.key_tag,
            algorithm: signature.algorithm,
            inception: signature.validity.start.to_string(),
            expiration: signature.validity.end.to_string(),
        }
    }
}

impl WalkJson {
    fn of(walk: &Walk) -> Self {
        Self {
            window: walk.window.to_string(),
            zones: walk
                .zones
                .iter()
                .map(|zone| ZoneJson {
                    zone: zone.zone.clone(),
                    ds_signature: zone.ds_signature.as_ref().map(SignatureUseJson::of),
                    ds_matches: zone
                        .ds_matches
                        .iter()
                        .map(|m| DsMatchJson {
                            ds_key_tag: m.ds_key_tag,
                            digest_type: m.digest_type,
                            dnskey_tag: m.dnskey_tag,
                            algorithm: m.algorithm,
                        })
                        .collect(),
                    dnskey_signature: zone.dnskey_signature.as_ref().map(SignatureUseJson::of),
                    keys: zone
                        .keys
                        .iter()
                        .map(|k| KeyJson {
                            key_tag: k.key_tag,
                            algorithm: k.algorithm,
                            flags: k.flags,
                        })
                        .collect(),
                })
                .collect(),
            answer_signature: walk.answer_signature.as_ref().map(SignatureUseJson::of),
        }
    }
}

#[derive(Serialize)]
struct CheckJson {
    name: &'static str,
    title: &'static str,
    outcome: &'static str,
    detail: String,
    expected: Option<String>,
    actual: Option<String>,
}

impl CheckJson {
    fn of(check: &Check) -> Self {
        Self {
            name: check.id.name(),
            title: check.id.title(),
            outcome: outcome_name(&check.outcome),
            detail: check.detail.clone(),
            expected: check.expected.clone(),
            actual: check.actual.clone(),
        }
    }
}
