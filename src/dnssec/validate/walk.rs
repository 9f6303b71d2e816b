//! The zone-by-zone walk from the trust anchors down to the `_veraid` TXT RRset, and the record
//! of what it authenticated ([`Walk`]).

use super::limits::{Budget, Limit};
use super::proof::Reason;
use super::responses::{
    AnswerError, RrType, TxtAnswer, answers_question, response, rrset, rrsigs, txt_owner,
};
use super::rrsig::{Key, RrsetToVerify, algorithm_of, verify_rrset};
use crate::dnssec::anchors::TrustAnchor;
use crate::dnssec::chain::DnssecChain;
use crate::domain::Domain;
use crate::time::Period;
use hickory_proto::dnssec::Algorithm;
use hickory_proto::dnssec::rdata::DNSSECRData;
use hickory_proto::rr::{Name, RData, RecordType};

/// How one RRSIG was used to authenticate an RRset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureUse {
    /// The RRset it covers, `owner/TYPE` (`com./DS`).
    pub rrset: String,
    /// Its signer name.
    pub signer: String,
    /// Key tag of the DNSKEY that verified it.
    pub key_tag: u16,
    /// Its algorithm number.
    pub algorithm: u8,
    /// Its inception and expiration.
    pub validity: Period,
}

/// A DNSKEY as listed in a zone's RRset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySummary {
    /// RFC 4034 Appendix B key tag.
    pub key_tag: u16,
    /// Algorithm number.
    pub algorithm: u8,
    /// Flags (256 zone key, 257 zone key + secure entry point).
    pub flags: u16,
}

/// A DS (or trust anchor) that matched a DNSKEY.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DsMatch {
    /// Key tag stated in the DS.
    pub ds_key_tag: u16,
    /// Digest type of the DS.
    pub digest_type: u8,
    /// Key tag of the DNSKEY it matched.
    pub dnskey_tag: u16,
    /// Algorithm of that DNSKEY.
    pub algorithm: u8,
}

/// One zone of the walk: how its DS and DNSKEY RRsets were authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZoneLink {
    /// The zone name, absolute (`.`, `com.`).
    pub zone: String,
    /// The RRSIG over the zone's DS RRset, made by the parent; `None` for the root, whose DS
    /// records are the trust anchors.
    pub ds_signature: Option<SignatureUse>,
    /// Which DS matched which DNSKEY.
    pub ds_matches: Vec<DsMatch>,
    /// The RRSIG over the DNSKEY RRset, made by a DS-matched key.
    pub dnskey_signature: Option<SignatureUse>,
    /// The zone's DNSKEYs.
    pub keys: Vec<KeySummary>,
}

/// What the walk established, zone by zone, up to where it stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Walk {
    /// The window `W` every RRSIG had to overlap.
    pub window: Period,
    /// Zones authenticated (or attempted last), from the root down.
    pub zones: Vec<ZoneLink>,
    /// The RRSIG that authenticated the TXT RRset, when it did.
    pub answer_signature: Option<SignatureUse>,
}

/// One validation in progress: the chain, the window, the budget and the walk recorded so far.
pub(super) struct Walker<'a, 'c> {
    pub(super) chain: &'a DnssecChain,
    pub(super) window: &'a Period,
    pub(super) budget: &'a mut Budget<'c>,
    pub(super) walk: &'a mut Walk,
}

struct AuthenticatedDs {
    records: Vec<TrustAnchor>,
    signature: SignatureUse,
}

impl Walker<'_, '_> {
    pub(super) fn walk(&mut self, domain: &Domain, anchors: &[TrustAnchor]) -> Result<(), Reason> {
        let answer = TxtAnswer::from_chain(self.chain, domain).map_err(Reason::Answer)?;
        let owner = txt_owner(domain).map_err(Reason::Answer)?;
        let message = self
            .chain
            .parsed()
            .find(|m| answers_question(m, &owner, RecordType::TXT))
            .ok_or_else(|| {
                Reason::Answer(AnswerError::Missing {
                    name: answer.name.clone(),
                })
            })?;

        let root = Name::root();
        let mut keys = self.authenticate_zone(&root, anchors, None)?;

        // dnssec-js: the apex is the longest signer among on-tree RRSIGs over the TXT RRset.
        let signatures = rrsigs(&message.answers, &owner, RecordType::TXT);
        let Some(apex) = signatures
            .iter()
            .map(|s| &s.input().signer_name)
            .max_by_key(|n| n.num_labels())
            .map(Name::to_lowercase)
        else {
            return Err(Reason::Unsigned {
                name: answer.name,
                rtype: RrType::Txt,
            });
        };

        let mut parent = root;
        for depth in 1..=usize::from(apex.num_labels()) {
            let zone = apex.trim_to(depth);
            let ds = self.authenticated_ds(&zone, &parent, &keys)?;
            keys = self.authenticate_zone(&zone, &ds.records, Some(ds.signature))?;
            parent = zone;
        }

        let records = rrset(&message.answers, &owner, RecordType::TXT);
        let used = verify_rrset(
            self.budget,
            self.window,
            &RrsetToVerify {
                owner: &owner,
                rtype: RrType::Txt,
                records: &records,
                signatures: &signatures,
                signer: &apex,
            },
            &keys,
        )?;
        self.walk.answer_signature = Some(used);
        Ok(())
    }

    /// The zone's DS RRset, authenticated with the parent's keys (signer = parent).
    fn authenticated_ds(
        &mut self,
        zone: &Name,
        parent: &Name,
        parent_keys: &[Key],
    ) -> Result<AuthenticatedDs, Reason> {
        let message = response(self.chain, zone, RrType::Ds)?;
        let records = rrset(&message.answers, zone, RecordType::DS);
        let signatures = rrsigs(&message.answers, zone, RecordType::DS);
        let signature = verify_rrset(
            self.budget,
            self.window,
            &RrsetToVerify {
                owner: zone,
                rtype: RrType::Ds,
                records: &records,
                signatures: &signatures,
                signer: parent,
            },
            parent_keys,
        )?;
        let records = records
            .iter()
            .filter_map(|r| match &r.data {
                RData::DNSSEC(DNSSECRData::DS(ds)) => Some(TrustAnchor::from_ds(ds)),
                _ => None,
            })
            .collect();
        Ok(AuthenticatedDs { records, signature })
    }

    /// Authenticates the zone's DNSKEY RRset from `ds` (trust anchors for the root) and returns
    /// all its keys (dnssec-js `Zone.init`). Records the zone in the walk.
    fn authenticate_zone(
        &mut self,
        zone: &Name,
        ds: &[TrustAnchor],
        ds_signature: Option<SignatureUse>,
    ) -> Result<Vec<Key>, Reason> {
        let limits = self.budget.limits;
        if self.walk.zones.len() >= limits.zones {
            return Err(Reason::LimitExceeded {
                limit: Limit::Zones(limits.zones),
                at: zone.to_string(),
            });
        }
        self.walk.zones.push(ZoneLink {
            zone: zone.to_string(),
            ds_signature,
            ds_matches: Vec::new(),
            dnskey_signature: None,
            keys: Vec::new(),
        });
        let message = response(self.chain, zone, RrType::Dnskey)?;
        let records = rrset(&message.answers, zone, RecordType::DNSKEY);
        let signatures = rrsigs(&message.answers, zone, RecordType::DNSKEY);
        if signatures.is_empty() {
            return Err(Reason::Unsigned {
                name: zone.to_string(),
                rtype: RrType::Dnskey,
            });
        }
        let keys: Vec<Key> = records
            .iter()
            .filter_map(|r| match &r.data {
                RData::DNSSEC(DNSSECRData::DNSKEY(k)) => Some(Key::new(k.clone())),
                _ => None,
            })
            .collect();
        let link = self.walk.zones.last_mut().expect("just pushed");
        link.keys = keys.iter().map(summary).collect();
        if let Some(key) = keys.iter().find(|k| !supported(algorithm_of(&k.dnskey))) {
            return Err(Reason::UnsupportedAlgorithm {
                zone: zone.to_string(),
                key_tag: key.tag,
                algorithm: algorithm_of(&key.dnskey),
            });
        }
        let mut entry = Vec::new();
        let mut digests = 0;
        for key in &keys {
            let mut matched = false;
            for d in ds {
                if !key.dnskey.zone_key() || d.algorithm != algorithm_of(&key.dnskey) {
                    continue;
                }
                digests += 1;
                if digests > limits.ds_digests_per_zone {
                    return Err(Reason::LimitExceeded {
                        limit: Limit::DsDigestsPerZone(limits.ds_digests_per_zone),
                        at: format!("{zone}/DNSKEY"),
                    });
                }
                self.budget.spent.ds_digests += 1;
                if d.digest_matches(zone, &key.dnskey) {
                    matched = true;
                    link.ds_matches.push(DsMatch {
                        ds_key_tag: d.key_tag,
                        digest_type: d.digest_type,
                        dnskey_tag: key.tag,
                        algorithm: algorithm_of(&key.dnskey),
                    });
                }
            }
            if matched {
                entry.push(key.clone());
            }
        }
        if entry.is_empty() {
            return Err(Reason::NoDnskeyMatchesDs {
                zone: zone.to_string(),
                ds: ds
                    .iter()
                    .map(|d| format!("{}/{}/{}", d.key_tag, d.algorithm, d.digest_type))
                    .collect(),
                keys: link.keys.clone(),
            });
        }
        let used = verify_rrset(
            self.budget,
            self.window,
            &RrsetToVerify {
                owner: zone,
                rtype: RrType::Dnskey,
                records: &records,
                signatures: &signatures,
                signer: zone,
            },
            &entry,
        )?;
        let link = self.walk.zones.last_mut().expect("pushed above");
        link.dnskey_signature = Some(used);
        Ok(keys)
    }
}

/// The algorithms both dnssec-js and hickory verify. RSASHA1 is deprecated in hickory
/// but still verified by dnssec-js, so chains using it must keep validating here.
#[allow(deprecated)]
fn supported(algorithm: u8) -> bool {
    matches!(
        Algorithm::from_u8(algorithm),
        Algorithm::RSASHA1
            | Algorithm::RSASHA256
            | Algorithm::RSASHA512
            | Algorithm::ECDSAP256SHA256
            | Algorithm::ECDSAP384SHA384
            | Algorithm::ED25519
    )
}

fn summary(key: &Key) -> KeySummary {
    KeySummary {
        key_tag: key.tag,
        algorithm: algorithm_of(&key.dnskey),
        flags: key.dnskey.flags(),
    }
}
