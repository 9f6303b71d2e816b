//! Signing a chain per a [`ChainSpec`]: every zone's DNSKEY and DS responses, then the TXT
//! response, each RRset signed by its zone with the spec's faults applied.

use super::keys::{Zone, ZoneKey, colliding_key};
use super::{ChainSpec, Fault, Target, TestChain, TestChainError, TestZones, failure};
use crate::dnssec::anchors::TrustAnchor;
use crate::dnssec::retrieve::veraid_name;
use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS, RRSIG, SigInput};
use hickory_proto::dnssec::{Algorithm, DigestType, PublicKey, PublicKeyBuf, TBS};
use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::rdata::TXT;
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType, SerialNumber};

/// TTL of the DNSKEY and DS records in test zones.
const ZONE_TTL: u32 = 3600;

pub(super) struct Builder<'a> {
    pub(super) zones: &'a TestZones,
    pub(super) spec: &'a ChainSpec,
    /// The second key of each zone in a [`Fault::Rollover`].
    pub(super) rollover_keys: Vec<(usize, ZoneKey)>,
}

impl Builder<'_> {
    fn faults(&self) -> impl Iterator<Item = &Fault> {
        self.spec.faults.iter()
    }

    fn flags(&self, zone: usize) -> u16 {
        if self.faults().any(|f| *f == Fault::NoZoneFlag { zone }) {
            1
        } else {
            257
        }
    }

    /// The second key of a zone in a [`Fault::Rollover`].
    fn rollover_key(&self, zone: usize) -> Option<&ZoneKey> {
        self.rollover_keys
            .iter()
            .find(|(z, _)| *z == zone)
            .map(|(_, key)| key)
    }

    /// The key-signing key's DNSKEY.
    fn dnskey(&self, zone: usize) -> DNSKEY {
        self.zones.zones[zone].ksk.dnskey(self.flags(zone))
    }

    /// The zone-signing key's DNSKEY, if the zone has one.
    fn zsk_dnskey(&self, zone: usize) -> Option<DNSKEY> {
        let flags = self
            .faults()
            .find_map(|f| match f {
                Fault::ZskFlags { zone: z, flags } if *z == zone => Some(*flags),
                _ => None,
            })
            .unwrap_or(256);
        let zsk = self.zones.zones[zone].zsk.as_ref()?;
        Some(zsk.dnskey(flags))
    }

    /// The key signing `target` in `zone` and its DNSKEY: the KSK for the DNSKEY RRset, else
    /// the ZSK when there is one.
    fn signing_key(&self, target: Target, zone: usize) -> (&ZoneKey, DNSKEY) {
        let keys = &self.zones.zones[zone];
        match (&keys.zsk, self.zsk_dnskey(zone), target) {
            (Some(zsk), Some(dnskey), Target::Ds(_) | Target::Txt) => (zsk, dnskey),
            _ => (&keys.ksk, self.dnskey(zone)),
        }
    }

    fn ds(&self, zone: usize) -> Result<DS, TestChainError> {
        let name = &self.zones.zones[zone].name;
        let dnskey = self.dnskey(zone);
        let digest_type = DigestType::from(self.spec.digest_type);
        let computed_with = match self.spec.digest_type {
            1 | 2 | 4 => digest_type,
            _ => DigestType::SHA256,
        };
        let mut digest = dnskey
            .to_digest(name, computed_with)
            .map_err(failure)?
            .as_ref()
            .to_vec();
        if self.faults().any(|f| *f == Fault::WrongDsDigest { zone }) {
            digest[0] ^= 0xff;
        }
        let tag = dnskey.calculate_key_tag().map_err(failure)?;
        Ok(DS::new(
            tag,
            dnskey.public_key().algorithm(),
            digest_type,
            digest,
        ))
    }

    pub(super) fn build(&self) -> Result<TestChain, TestChainError> {
        let zones = &self.zones.zones;
        let owner = veraid_name(&self.zones.domain).map_err(|e| failure(e.reason))?;
        let mut dnskey_messages = Vec::new();
        let mut ds_messages = Vec::new();
        for (zone, Zone { name, .. }) in zones.iter().enumerate() {
            let keys = [Some(self.dnskey(zone)), self.zsk_dnskey(zone)];
            let mut records: Vec<Record> = keys
                .into_iter()
                .flatten()
                .map(|key| {
                    Record::from_rdata(
                        name.clone(),
                        ZONE_TTL,
                        RData::DNSSEC(DNSSECRData::DNSKEY(key)),
                    )
                })
                .collect();
            if let Some(key) = self.rollover_key(zone) {
                records.push(Record::from_rdata(
                    name.clone(),
                    ZONE_TTL,
                    RData::DNSSEC(DNSSECRData::DNSKEY(key.dnskey(256))),
                ));
            }
            for fault in self.faults() {
                if let Fault::CollidingKeys { zone: z, count } = fault
                    && *z == zone
                {
                    let (key, dnskey) = self.signing_key(Target::Txt, zone);
                    let tag = dnskey.calculate_key_tag().map_err(failure)?;
                    for _ in 0..*count {
                        records.push(Record::from_rdata(
                            name.clone(),
                            ZONE_TTL,
                            RData::DNSSEC(DNSSECRData::DNSKEY(colliding_key(key.algorithm, tag)?)),
                        ));
                    }
                }
                if let Fault::ExtraDnskey { zone: z, algorithm } = fault
                    && *z == zone
                {
                    let extra = PublicKeyBuf::new(vec![7; 32], Algorithm::from_u8(*algorithm));
                    records.push(Record::from_rdata(
                        name.clone(),
                        ZONE_TTL,
                        RData::DNSSEC(DNSSECRData::DNSKEY(DNSKEY::with_flags(256, extra))),
                    ));
                }
            }
            dnskey_messages.push(self.response(Target::Dnskey(zone), name, records, zone)?);
            if zone > 0 {
                let ds = Record::from_rdata(
                    name.clone(),
                    ZONE_TTL,
                    RData::DNSSEC(DNSSECRData::DS(self.ds(zone)?)),
                );
                ds_messages.push(self.response(Target::Ds(zone), name, vec![ds], zone - 1)?);
            }
        }
        // veraid-js also asks for DNSKEY and DS at the TXT owner, which is no zone: NODATA.
        dnskey_messages.push(Some(nodata(&owner, RecordType::DNSKEY)?));
        ds_messages.push(Some(nodata(&owner, RecordType::DS)?));

        let mut txt: Vec<Record> = self
            .spec
            .txt
            .iter()
            .map(|value| {
                Record::from_rdata(
                    owner.clone(),
                    self.spec.txt_ttl,
                    RData::TXT(TXT::new(vec![value.clone()])),
                )
            })
            .collect();
        if txt.is_empty() {
            return Err(failure("at least one TXT record is needed"));
        }
        let apex = zones.len() - 1;
        let txt_message = if self.faults().any(|f| *f == Fault::TamperedTxt) {
            // Sign the genuine RRset, then publish the first record with a trailing space added:
            // it still parses to the same fields, so only the signature can catch it.
            let signed = self.signed_answers(Target::Txt, &owner, txt.clone(), apex)?;
            txt[0] = Record::from_rdata(
                owner.clone(),
                self.spec.txt_ttl,
                RData::TXT(TXT::new(vec![format!("{} ", self.spec.txt[0])])),
            );
            let rrsigs = signed
                .into_iter()
                .filter(|r| r.record_type() == RecordType::RRSIG);
            let answers: Vec<Record> = txt.into_iter().chain(rrsigs).collect();
            self.finish(Target::Txt, &owner, RecordType::TXT, answers)?
        } else {
            self.response(Target::Txt, &owner, txt, apex)?
        };

        let messages = dnskey_messages
            .into_iter()
            .chain(ds_messages)
            .chain([txt_message])
            .flatten()
            .collect();
        // The root's DS is the trust anchor; `WrongDsDigest { zone: 0 }` corrupts it.
        let root_anchor = self.ds(0)?;
        Ok(TestChain {
            messages,
            root_anchor: TrustAnchor::from_ds(&root_anchor),
        })
    }

    /// The records plus their RRSIG by `signer_zone`, with the faults on that RRSIG applied.
    fn signed_answers(
        &self,
        target: Target,
        owner: &Name,
        records: Vec<Record>,
        signer_zone: usize,
    ) -> Result<Vec<Record>, TestChainError> {
        if self.faults().any(|f| *f == Fault::Unsigned { target }) {
            return Ok(records);
        }
        let zone_name = &self.zones.zones[signer_zone].name;
        let (key, dnskey) = self.signing_key(target, signer_zone);
        let mut validity = self.spec.validity;
        let mut signer_name = zone_name.clone();
        let mut key_tag = dnskey.calculate_key_tag().map_err(failure)?;
        let mut algorithm = key.signer.algorithm();
        let mut labels = owner.num_labels();
        let mut rrsig_ttl = records[0].ttl;
        for fault in self.faults() {
            match fault {
                Fault::RrsigValidity {
                    target: t,
                    validity: v,
                } if *t == target => validity = *v,
                Fault::Signer { target: t, signer } if *t == target => {
                    signer_name = Name::from_ascii(signer).map_err(failure)?;
                }
                Fault::WrongKeyTag { target: t } if *t == target => {
                    key_tag = key_tag.div_ceil(2) + 2;
                }
                Fault::Labels {
                    target: t,
                    labels: l,
                } if *t == target => labels = *l,
                Fault::RrsigTtl { target: t, ttl } if *t == target => rrsig_ttl = *ttl,
                Fault::RrsigAlgorithm {
                    target: t,
                    algorithm: a,
                } if *t == target => algorithm = Algorithm::from_u8(*a),
                _ => {}
            }
        }
        let seconds = |t: jiff::Timestamp| {
            u32::try_from(t.as_second())
                .map_err(|_| failure(format!("{t} is outside the RRSIG time range (1970-2106)")))
        };
        let input = SigInput {
            type_covered: records[0].record_type(),
            algorithm,
            num_labels: labels,
            original_ttl: records[0].ttl,
            sig_expiration: SerialNumber::new(seconds(validity.end)?),
            sig_inception: SerialNumber::new(seconds(validity.start)?),
            key_tag,
            signer_name,
        };
        // Sign the RRset in canonical form, duplicates removed (RFC 4034 §6.3), as dnssec-js does.
        let mut distinct: Vec<&Record> = Vec::new();
        for record in &records {
            if !distinct.iter().any(|r| r.data == record.data) {
                distinct.push(record);
            }
        }
        let tbs =
            TBS::from_input(owner, DNSClass::IN, &input, distinct.into_iter()).map_err(failure)?;
        let signature = key.signer.sign(&tbs).map_err(failure)?;
        let rrsig_record = |input: SigInput, signature: Vec<u8>| {
            Record::from_rdata(
                owner.clone(),
                rrsig_ttl,
                RData::DNSSEC(DNSSECRData::RRSIG(RRSIG::from_sig(input, signature))),
            )
        };
        let mut rrsigs = Vec::new();
        if let Some(second) = self.rollover_key(signer_zone) {
            let second_input = SigInput {
                key_tag: second.dnskey(256).calculate_key_tag().map_err(failure)?,
                ..input.clone()
            };
            let second_tbs = TBS::from_input(owner, DNSClass::IN, &second_input, records.iter())
                .map_err(failure)?;
            let second_signature = second.signer.sign(&second_tbs).map_err(failure)?;
            rrsigs.push(rrsig_record(second_input, second_signature));
        }
        for fault in self.faults() {
            if let Fault::JunkRrsigs { target: t, count } = fault
                && *t == target
            {
                for i in 0..*count {
                    let mut junk = signature.clone();
                    junk[i % signature.len()] ^= 0x55;
                    rrsigs.push(rrsig_record(input.clone(), junk));
                }
            }
        }
        rrsigs.push(rrsig_record(input, signature));
        Ok(records.into_iter().chain(rrsigs).collect())
    }

    /// The signed response for `target`, or `None` when a fault omits it.
    fn response(
        &self,
        target: Target,
        owner: &Name,
        records: Vec<Record>,
        signer_zone: usize,
    ) -> Result<Option<Vec<u8>>, TestChainError> {
        let rtype = records[0].record_type();
        let answers = self.signed_answers(target, owner, records, signer_zone)?;
        self.finish(target, owner, rtype, answers)
    }

    /// Wraps answers in a response message and applies the message-level faults.
    fn finish(
        &self,
        target: Target,
        owner: &Name,
        rtype: RecordType,
        answers: Vec<Record>,
    ) -> Result<Option<Vec<u8>>, TestChainError> {
        if self.faults().any(|f| *f == Fault::OmitResponse { target }) {
            return Ok(None);
        }
        let nxdomain = self.faults().any(|f| *f == Fault::Nxdomain { target });
        let answers = if nxdomain { Vec::new() } else { answers };
        let rcode = if nxdomain {
            ResponseCode::NXDomain
        } else {
            ResponseCode::NoError
        };
        let mut bytes = message(owner, rtype, rcode, answers)?;
        if self.faults().any(|f| *f == Fault::Truncate { target }) {
            bytes.truncate(bytes.len().saturating_sub(5));
        }
        Ok(Some(bytes))
    }
}

/// An authoritative response with one question and the given answers.
fn message(
    owner: &Name,
    rtype: RecordType,
    rcode: ResponseCode,
    answers: Vec<Record>,
) -> Result<Vec<u8>, TestChainError> {
    let mut message = Message::new(0, MessageType::Response, OpCode::Query);
    message.metadata.authoritative = true;
    message.metadata.response_code = rcode;
    message.add_query(Query::query(owner.clone(), rtype));
    message.add_answers(answers);
    message.to_vec().map_err(failure)
}

fn nodata(owner: &Name, rtype: RecordType) -> Result<Vec<u8>, TestChainError> {
    message(owner, rtype, ResponseCode::NoError, Vec::new())
}
