//! UTCTime and GeneralizedTime, written strictly and read as leniently as veraid-js reads them.
//!
//! Hand-written because `der` 0.8 rejects fractional seconds in GeneralizedTime, which asn1js
//! emits in signature metadata (`20261125181102.912Z`, VeraId digest §7.2), and refuses
//! UTCTime before 1970, which RFC 5280 §4.1.2.5.1 allows (1950-2049).

use der::Tag;
use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::Offset;

/// Writes a certificate validity time as RFC 5280 §4.1.2.5 requires: UTCTime through 2049,
/// GeneralizedTime from 2050 on, whole seconds. Returns the tag and the content bytes.
pub(crate) fn encode_validity_time(at: Timestamp) -> Result<(Tag, Vec<u8>), TimeError> {
    let civil = utc(at);
    let year = civil.year();
    if !(1950..=9999).contains(&year) {
        return Err(TimeError::OutOfRange { at });
    }
    if year < 2050 {
        let text = format!(
            "{:02}{:02}{:02}{:02}{:02}{:02}Z",
            year % 100,
            civil.month(),
            civil.day(),
            civil.hour(),
            civil.minute(),
            civil.second()
        );
        return Ok((Tag::UtcTime, text.into_bytes()));
    }
    Ok((Tag::GeneralizedTime, generalized_seconds(at)?))
}

/// A GeneralizedTime `YYYYMMDDHHMMSSZ` (whole seconds, as DomainAuth requires).
pub(crate) fn generalized_seconds(at: Timestamp) -> Result<Vec<u8>, TimeError> {
    let civil = utc(at);
    if !(0..=9999).contains(&civil.year()) {
        return Err(TimeError::OutOfRange { at });
    }
    Ok(format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}Z",
        civil.year(),
        civil.month(),
        civil.day(),
        civil.hour(),
        civil.minute(),
        civil.second()
    )
    .into_bytes())
}

fn utc(at: Timestamp) -> DateTime {
    Offset::UTC.to_datetime(at)
}

/// Truncates to whole seconds, as veraid-js does for certificate validity.
pub(crate) fn truncate_to_second(at: Timestamp) -> Timestamp {
    Timestamp::from_second(at.as_second()).expect("a valid timestamp truncated stays valid")
}

/// Reads a UTCTime `YYMMDDHHMM[SS]Z` (RFC 5280: years 50-99 are 19xx).
pub(crate) fn parse_utc_time(bytes: &[u8]) -> Result<Timestamp, TimeError> {
    let text = ascii(bytes)?;
    let body = text.strip_suffix('Z').ok_or_else(|| bad(text))?;
    if !(body.len() == 10 || body.len() == 12) || !body.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(text));
    }
    let yy = number(&body[0..2]);
    let year = if yy >= 50 { 1900 + yy } else { 2000 + yy };
    let second = if body.len() == 12 {
        number(&body[10..12])
    } else {
        0
    };
    civil(
        text,
        year,
        number(&body[2..4]),
        number(&body[4..6]),
        number(&body[6..8]),
        number(&body[8..10]),
        second,
        0,
    )
}

/// Reads a GeneralizedTime `YYYYMMDDHHMM[SS[.fff...]]Z`. Fractions are kept to the millisecond
/// and truncated beyond, as asn1js does; a missing `Z` is refused (asn1js misreads those).
pub(crate) fn parse_generalized_time(bytes: &[u8]) -> Result<Timestamp, TimeError> {
    let text = ascii(bytes)?;
    let body = text.strip_suffix('Z').ok_or_else(|| bad(text))?;
    let (whole, fraction) = match body.split_once(['.', ',']) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(whole.len() == 12 || whole.len() == 14) || !digits(whole) {
        return Err(bad(text));
    }
    let millisecond = match fraction {
        None => 0,
        Some(f) if whole.len() == 14 && digits(f) => {
            let padded = format!("{f:0<3}");
            number(&padded[..3])
        }
        Some(_) => return Err(bad(text)),
    };
    let second = if whole.len() == 14 {
        number(&whole[12..14])
    } else {
        0
    };
    civil(
        text,
        number(&whole[0..4]),
        number(&whole[4..6]),
        number(&whole[6..8]),
        number(&whole[8..10]),
        number(&whole[10..12]),
        second,
        millisecond,
    )
}

fn ascii(bytes: &[u8]) -> Result<&str, TimeError> {
    std::str::from_utf8(bytes)
        .ok()
        .filter(|s| s.is_ascii())
        .ok_or_else(|| TimeError::Malformed {
            text: String::from_utf8_lossy(bytes).into_owned(),
        })
}

fn bad(text: &str) -> TimeError {
    TimeError::Malformed { text: text.into() }
}

fn number(digits: &str) -> i32 {
    digits.parse().expect("only ASCII digits reach here")
}

#[allow(clippy::too_many_arguments)] // the civil fields of one time value
fn civil(
    text: &str,
    year: i32,
    month: i32,
    day: i32,
    hour: i32,
    minute: i32,
    second: i32,
    millisecond: i32,
) -> Result<Timestamp, TimeError> {
    let narrow = |v: i32| i8::try_from(v).map_err(|_| bad(text));
    let date = jiff::civil::Date::new(
        i16::try_from(year).map_err(|_| bad(text))?,
        narrow(month)?,
        narrow(day)?,
    )
    .map_err(|_| bad(text))?;
    let time = jiff::civil::Time::new(
        narrow(hour)?,
        narrow(minute)?,
        narrow(second)?,
        millisecond * 1_000_000,
    )
    .map_err(|_| bad(text))?;
    Offset::UTC
        .to_timestamp(date.to_datetime(time))
        .map_err(|_| bad(text))
}

/// A time that cannot be read or written.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeError {
    /// Not a UTCTime/GeneralizedTime in the accepted forms.
    #[error("malformed time \"{text}\"")]
    Malformed {
        /// The text received.
        text: String,
    },
    /// A time X.509 or GeneralizedTime cannot represent.
    #[error("{at} is out of the representable range")]
    OutOfRange {
        /// The time.
        at: Timestamp,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::veraid::testing::ts;

    #[test]
    fn validity_uses_utctime_before_2050_and_generalizedtime_after() {
        assert_eq!(
            encode_validity_time(ts("2049-12-31T23:59:59.999Z")).unwrap(),
            (Tag::UtcTime, b"491231235959Z".to_vec())
        );
        assert_eq!(
            encode_validity_time(ts("2050-01-01T00:00:00Z")).unwrap(),
            (Tag::GeneralizedTime, b"20500101000000Z".to_vec())
        );
    }

    #[test]
    fn utctime_years_50_to_99_are_twentieth_century() {
        assert_eq!(
            parse_utc_time(b"600101000000Z").unwrap(),
            ts("1960-01-01T00:00:00Z")
        );
        assert_eq!(
            parse_utc_time(b"261125180959Z").unwrap(),
            ts("2026-11-25T18:09:59Z")
        );
    }

    #[test]
    fn generalized_time_keeps_milliseconds_as_asn1js_writes_them() {
        assert_eq!(
            parse_generalized_time(b"20261125181102.912Z").unwrap(),
            ts("2026-11-25T18:11:02.912Z")
        );
        assert_eq!(
            parse_generalized_time(b"20261125190000.5Z").unwrap(),
            ts("2026-11-25T19:00:00.5Z")
        );
        assert_eq!(
            parse_generalized_time(b"20261125190000.123456Z").unwrap(),
            ts("2026-11-25T19:00:00.123Z")
        );
        assert_eq!(
            parse_generalized_time(b"202611251900Z").unwrap(),
            ts("2026-11-25T19:00:00Z")
        );
    }

    #[test]
    fn rejects_generalized_time_without_z_or_with_bad_fields() {
        for bad in [
            &b"20240101000000"[..],
            b"20240101000000+0100",
            b"20241301000000Z",
            b"20240101000000.Z",
            b"2024010100000Z",
            b"20240101000060Z",
            b"\xff",
        ] {
            assert!(parse_generalized_time(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn writes_whole_seconds() {
        assert_eq!(
            generalized_seconds(ts("2026-11-25T18:09:59.912Z")).unwrap(),
            b"20261125180959Z"
        );
    }
}
