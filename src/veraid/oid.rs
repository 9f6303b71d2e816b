//! Service OIDs: the dotted-decimal object identifier a signature or TXT record is bound to.

use der::asn1::ObjectIdentifier;
use std::fmt;
use std::str::FromStr;

/// A syntactically valid OID in canonical dotted-decimal form (no leading zeros, first arc 0-2).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ServiceOid(ObjectIdentifier);

/// Why a string is not a valid service OID.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid OID \"{input}\": expected dotted decimal such as 1.3.6.1.4.1.58708.1.1")]
pub struct ServiceOidError {
    /// The rejected text.
    pub input: String,
}

impl ServiceOid {
    /// The Kliento service, which Kliento token bundles are bound to.
    pub const KLIENTO: &'static str = "1.3.6.1.4.1.58708.3.0";
    /// The VeraId test service.
    pub const TEST: &'static str = "1.3.6.1.4.1.58708.1.1";

    /// The OID as the `der` type.
    pub fn as_oid(&self) -> &ObjectIdentifier {
        &self.0
    }
}

impl From<ObjectIdentifier> for ServiceOid {
    /// A decoded OID is always in canonical form.
    fn from(oid: ObjectIdentifier) -> Self {
        Self(oid)
    }
}

impl FromStr for ServiceOid {
    type Err = ServiceOidError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let error = || ServiceOidError {
            input: input.to_string(),
        };
        let oid = ObjectIdentifier::new(input).map_err(|_| error())?;
        // const-oid tolerates forms such as "1.02"; the TXT record carries the text verbatim and
        // verifiers compare it as a string, so only the canonical spelling is accepted.
        if oid.to_string() != input {
            return Err(error());
        }
        Ok(Self(oid))
    }
}

impl fmt::Display for ServiceOid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_canonical_oids_only() {
        for good in [ServiceOid::KLIENTO, ServiceOid::TEST, "0.0", "2.5.4.3"] {
            assert_eq!(good.parse::<ServiceOid>().unwrap().to_string(), good);
        }
        for bad in [
            "", "1", "1.", ".1.2", "1..2", "1.02", "3.1", "1.2.x", "1.2 ", "-1.2",
        ] {
            assert!(bad.parse::<ServiceOid>().is_err(), "{bad:?} accepted");
        }
    }
}
