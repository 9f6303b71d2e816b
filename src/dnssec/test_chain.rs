//! Self-contained DNSSEC chains for tests and developers: a root, every intermediate zone and the
//! organisation's zone, signed in memory with throw-away keys, whose `_veraid.<domain>` TXT
//! RRset carries the given RDATA (the Rust counterpart of dnssec-js's `MockChain`, VeraId digest
//! §11.2).
//!
//! [`TestZones::generate`] makes one key per zone (RSA keys are slow to make, so reuse the zones
//! for many chains); [`TestZones::build`] signs a chain according to a [`ChainSpec`], whose
//! [`Fault`]s each break exactly one validation rule. Messages come out in the order veraid-js
//! retrieves them (§6.2): DNSKEY for every zone and for the TXT owner, DS for the same names but
//! the root, then the TXT response.

use super::anchors::TrustAnchor;
use super::chain::{self, ChainError, DnssecChain};
use crate::domain::Domain;
use crate::time::Period;
use hickory_proto::dnssec::crypto::{EcdsaSigningKey, Ed25519SigningKey, RsaSigningKey};
use hickory_proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS, RRSIG, SigInput};
use hickory_proto::dnssec::{Algorithm, DigestType, PublicKey, PublicKeyBuf, SigningKey, TBS};
use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::rdata::TXT;
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType, SerialNumber};
use pkcs8::EncodePrivateKey;
use rustls_pki_types::PrivatePkcs8KeyDer;

/// TTL of the DNSKEY and DS records in test zones.
const ZONE_TTL: u32 = 3600;

/// Signing algorithms available for test zones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ZoneAlgorithm {
    /// 8: RSA-2048 with SHA-256 (PKCS#1 v1.5), as the real root and dnssec-js's MockChain.
    RsaSha256,
    /// 10: RSA-2048 with SHA-512.
    RsaSha512,
    /// 13: ECDSA P-256 with SHA-256.
    EcdsaP256Sha256,
    /// 14: ECDSA P-384 with SHA-384.
    EcdsaP384Sha384,
    /// 15: Ed25519.
    Ed25519,
}

impl ZoneAlgorithm {
    /// The DNSSEC algorithm number.
    pub fn number(self) -> u8 {
        u8::from(self.hickory())
    }

    fn hickory(self) -> Algorithm {
        match self {
            ZoneAlgorithm::RsaSha256 => Algorithm::RSASHA256,
            ZoneAlgorithm::RsaSha512 => Algorithm::RSASHA512,
            ZoneAlgorithm::EcdsaP256Sha256 => Algorithm::ECDSAP256SHA256,
            ZoneAlgorithm::EcdsaP384Sha384 => Algorithm::ECDSAP384SHA384,
            ZoneAlgorithm::Ed25519 => Algorithm::ED25519,
        }
    }
}

/// Why a test chain could not be made (key generation or signing failed, or bad parameters).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("cannot build the test chain: {detail}")]
pub struct TestChainError {
    /// What failed.
    pub detail: String,
}

fn failure(detail: impl std::fmt::Display) -> TestChainError {
    TestChainError {
        detail: detail.to_string(),
    }
}

/// A throw-away signing key and its public half.
struct ZoneKey {
    algorithm: ZoneAlgorithm,
    signer: Box<dyn SigningKey>,
    public: PublicKeyBuf,
}

/// One zone: its name, its key-signing key (flags 257, the one its DS covers) and, optionally,
/// a zone-signing key (flags 256) that signs everything but the DNSKEY RRset.
struct Zone {
    name: Name,
    ksk: ZoneKey,
    zsk: Option<ZoneKey>,
}

impl ZoneKey {
    fn generate(algorithm: ZoneAlgorithm) -> Result<Self, TestChainError> {
        let hickory = algorithm.hickory();
        let signer: Box<dyn SigningKey> = match algorithm {
            ZoneAlgorithm::RsaSha256 | ZoneAlgorithm::RsaSha512 => {
                // ring cannot generate RSA keys: make one with the rsa crate, load it as PKCS#8.
                let key = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).map_err(failure)?;
                let der = key.to_pkcs8_der().map_err(failure)?;
                let pkcs8 = PrivatePkcs8KeyDer::from(der.as_bytes());
                Box::new(RsaSigningKey::from_pkcs8(&pkcs8, hickory).map_err(failure)?)
            }
            ZoneAlgorithm::EcdsaP256Sha256 | ZoneAlgorithm::EcdsaP384Sha384 => {
                let pkcs8 = EcdsaSigningKey::generate_pkcs8(hickory).map_err(failure)?;
                Box::new(EcdsaSigningKey::from_pkcs8(&pkcs8, hickory).map_err(failure)?)
            }
            ZoneAlgorithm::Ed25519 => {
                let pkcs8 = Ed25519SigningKey::generate_pkcs8().map_err(failure)?;
                Box::new(Ed25519SigningKey::from_pkcs8(&pkcs8).map_err(failure)?)
            }
        };
        let public = signer.to_public_key().map_err(failure)?;
        Ok(Self {
            algorithm,
            signer,
            public,
        })
    }

    fn dnskey(&self, flags: u16) -> DNSKEY {
        DNSKEY::with_flags(flags, self.public.clone())
    }
}

/// Which RRset (and so which response message) a fault applies to; zones count from the root (0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// The DNSKEY RRset of zone `n`.
    Dnskey(usize),
    /// The DS RRset of zone `n` (published and signed by zone `n - 1`; not the root).
    Ds(usize),
    /// The `_veraid` TXT RRset.
    Txt,
}

/// One deliberate defect in a test chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// The RRSIG over the target has this validity instead of the chain's.
    RrsigValidity {
        /// The RRset.
        target: Target,
        /// Inception and expiration (whole seconds are used).
        validity: Period,
    },
    /// The DS for zone `n` (the trust anchor for the root) has a corrupted digest.
    WrongDsDigest {
        /// The zone.
        zone: usize,
    },
    /// Zone `n`'s key is published with flags 1 (secure entry point, no Zone Key flag).
    NoZoneFlag {
        /// The zone.
        zone: usize,
    },
    /// The RRSIG over the target names (and is made with) this signer name.
    Signer {
        /// The RRset.
        target: Target,
        /// Absolute signer name (`example.net.`).
        signer: String,
    },
    /// The first TXT record gains a trailing space after signing (same fields, other bytes).
    TamperedTxt,
    /// The target's response is left out of the chain.
    OmitResponse {
        /// The RRset.
        target: Target,
    },
    /// The target's response is NXDOMAIN without answers (dnssec-js's INSECURE fixture).
    Nxdomain {
        /// The RRset.
        target: Target,
    },
    /// The RRSIG over the target names another key tag (dnssec-js's BOGUS fixture).
    WrongKeyTag {
        /// The RRset.
        target: Target,
    },
    /// The RRSIG over the target is removed (dnssec-js's INDETERMINATE fixture).
    Unsigned {
        /// The RRset.
        target: Target,
    },
    /// Zone `n`'s DNSKEY RRset also holds a key with this algorithm number.
    ExtraDnskey {
        /// The zone.
        zone: usize,
        /// The extra key's algorithm number.
        algorithm: u8,
    },
    /// The RRSIG over the target is published with this TTL (its original TTL is unchanged).
    RrsigTtl {
        /// The RRset.
        target: Target,
        /// The RRSIG record's TTL.
        ttl: u32,
    },
    /// The RRSIG over the target carries this labels field.
    Labels {
        /// The RRset.
        target: Target,
        /// The labels value.
        labels: u8,
    },
    /// Zone `n`'s zone-signing key (see [`TestZones::with_zone_signing_keys`]) has these flags.
    ZskFlags {
        /// The zone.
        zone: usize,
        /// The DNSKEY flags (256 is a normal ZSK; 0 lacks the Zone Key flag).
        flags: u16,
    },
    /// The RRSIG over the target states this algorithm number (signed as stated).
    RrsigAlgorithm {
        /// The RRset.
        target: Target,
        /// The algorithm number written in the RRSIG.
        algorithm: u8,
    },
    /// The target's response loses its last bytes, so it no longer parses.
    Truncate {
        /// The RRset.
        target: Target,
    },
    /// Zone `n`'s DNSKEY RRset also holds `count` genuine keys of the zone's algorithm whose
    /// flags are tuned so that their key tag equals the tag of the key signing the zone's data
    /// (the KeyTrap trick: every RRSIG naming that tag has `count + 1` candidate keys).
    CollidingKeys {
        /// The zone.
        zone: usize,
        /// How many extra keys.
        count: usize,
    },
    /// The target carries `count` RRSIGs before its genuine one, with the same signer, key tag,
    /// algorithm and validity, and signatures that do not verify.
    JunkRrsigs {
        /// The RRset.
        target: Target,
        /// How many.
        count: usize,
    },
    /// Zone `n` is in a key rollover: its DNSKEY RRset also holds a second key of its algorithm
    /// (flags 256), and every RRset the zone signs carries a second, valid RRSIG by that key,
    /// placed first.
    Rollover {
        /// The zone.
        zone: usize,
    },
}

/// What to put in a chain and how to sign it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainSpec {
    /// The TXT records, each a single character-string (e.g. `TxtRdata` rendered).
    pub txt: Vec<String>,
    /// TTL of the TXT RRset and of its RRSIG.
    pub txt_ttl: u32,
    /// Inception and expiration of every RRSIG (whole seconds are used).
    pub validity: Period,
    /// Digest type of every DS and of the root anchor: 1, 2 (default) or 4; any other number is
    /// written with a SHA-256 digest, which a verifier cannot check.
    pub digest_type: u8,
    /// Defects to introduce.
    pub faults: Vec<Fault>,
}

impl ChainSpec {
    /// One TXT record, TTL 300, no fault.
    pub fn new(txt: impl Into<String>, validity: Period) -> Self {
        Self {
            txt: vec![txt.into()],
            txt_ttl: 300,
            validity,
            digest_type: 2,
            faults: Vec::new(),
        }
    }

    /// Adds a fault.
    pub fn with(mut self, fault: Fault) -> Self {
        self.faults.push(fault);
        self
    }
}

/// The zones of a test hierarchy, root first, each with its keys.
pub struct TestZones {
    domain: Domain,
    zones: Vec<Zone>,
}

/// A built chain: the raw messages (in retrieval order) and the root's DS as trust anchor.
#[derive(Clone, Debug)]
pub struct TestChain {
    /// The DNS messages, in veraid-js's retrieval order.
    pub messages: Vec<Vec<u8>>,
    /// The DS of the root's key-signing key, to use as the only trust anchor.
    pub root_anchor: TrustAnchor,
}

impl TestChain {
    /// The messages as a parsed chain (fails for a `Truncate` fault).
    pub fn chain(&self) -> Result<DnssecChain, ChainError> {
        DnssecChain::from_messages(self.messages.clone())
    }

    /// The standalone DER SET OF OCTET STRING, written even when a message is malformed.
    pub fn to_der(&self) -> Vec<u8> {
        chain::encode_set(self.messages.iter().map(Vec::as_slice))
    }
}

impl TestZones {
    /// Generates one key per zone: `.`, then each ancestor of `domain`, then `domain` itself.
    /// `algorithms` lists them root first; the last entry applies to any remaining zone.
    pub fn generate(domain: &Domain, algorithms: &[ZoneAlgorithm]) -> Result<Self, TestChainError> {
        let apex = Name::from_ascii(format!("{domain}."))
            .map_err(|e| failure(format!("bad domain {domain}: {e}")))?;
        let count = usize::from(apex.num_labels()) + 1;
        let last = *algorithms
            .last()
            .ok_or_else(|| failure("at least one algorithm is needed"))?;
        let zones = (0..count)
            .map(|depth| {
                let algorithm = algorithms.get(depth).copied().unwrap_or(last);
                Ok(Zone {
                    name: apex.trim_to(depth),
                    ksk: ZoneKey::generate(algorithm)?,
                    zsk: None,
                })
            })
            .collect::<Result<_, TestChainError>>()?;
        Ok(Self {
            domain: domain.clone(),
            zones,
        })
    }

    /// Adds to every zone a zone-signing key of the same algorithm: the key-signing key then
    /// signs only the DNSKEY RRset, and the zone-signing key the child DS and TXT RRsets.
    pub fn with_zone_signing_keys(mut self) -> Result<Self, TestChainError> {
        for zone in &mut self.zones {
            zone.zsk = Some(ZoneKey::generate(zone.ksk.algorithm)?);
        }
        Ok(self)
    }

    /// The zone names, root first (`.`, `com.`, `example.com.`).
    pub fn zone_names(&self) -> Vec<String> {
        self.zones.iter().map(|z| z.name.to_string()).collect()
    }

    /// The organisation domain the zones lead to.
    pub fn domain(&self) -> &Domain {
        &self.domain
    }

    /// Signs a chain per `spec`.
    pub fn build(&self, spec: &ChainSpec) -> Result<TestChain, TestChainError> {
        let rollover_keys = spec
            .faults
            .iter()
            .filter_map(|f| match f {
                Fault::Rollover { zone } => Some(*zone),
                _ => None,
            })
            .map(|zone| {
                let keys = self
                    .zones
                    .get(zone)
                    .ok_or_else(|| failure("no such zone"))?;
                Ok((zone, ZoneKey::generate(keys.ksk.algorithm)?))
            })
            .collect::<Result<_, TestChainError>>()?;
        Builder {
            zones: self,
            spec,
            rollover_keys,
        }
        .build()
    }
}

struct Builder<'a> {
    zones: &'a TestZones,
    spec: &'a ChainSpec,
    /// The second key of each zone in a [`Fault::Rollover`].
    rollover_keys: Vec<(usize, ZoneKey)>,
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

    fn build(&self) -> Result<TestChain, TestChainError> {
        let zones = &self.zones.zones;
        let owner = Name::from_ascii(self.zones.domain.veraid_record_name()).map_err(failure)?;
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
            root_anchor: TrustAnchor {
                key_tag: root_anchor.key_tag(),
                algorithm: u8::from(root_anchor.algorithm()),
                digest_type: u8::from(root_anchor.digest_type()),
                digest: root_anchor.digest().to_vec(),
            },
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

/// A new zone key of `algorithm` whose flags (Zone Key set) give it key tag `tag`. The flags
/// word adds to the tag's checksum, so a key reaches half of all tags; others are replaced.
fn colliding_key(algorithm: ZoneAlgorithm, tag: u16) -> Result<DNSKEY, TestChainError> {
    for _ in 0..64 {
        let key = ZoneKey::generate(algorithm)?;
        for flags in (0..=u16::MAX).filter(|f| f & 0x0100 != 0) {
            let dnskey = key.dnskey(flags);
            if dnskey.calculate_key_tag().map_err(failure)? == tag {
                return Ok(dnskey);
            }
        }
    }
    Err(failure(format!("no key with tag {tag} found")))
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
