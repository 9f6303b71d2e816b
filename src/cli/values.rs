//! Parsers for flag values shared by several subcommands: durations and times.

use kliento::domain::Domain;
use kliento::time::Timestamp;
use kliento::token::encoding::BundleEncoding;
use kliento::veraid::member::UserName;
use kliento::veraid::txt::TtlOverride;

/// Parses a request timeout: a duration of at least one second.
pub fn timeout(text: &str) -> Result<std::time::Duration, String> {
    match seconds(text)? {
        0 => Err("the timeout must be at least 1 second".into()),
        seconds => Ok(std::time::Duration::from_secs(seconds)),
    }
}

/// Parses a duration in seconds: plain seconds (`3600`) or a number with a unit
/// (`300s`, `90m`, `1h`, `7d`, `2w`).
pub fn seconds(text: &str) -> Result<u64, String> {
    let error = || {
        format!(
            "\"{text}\" is not a duration: use seconds or a number with s, m, h, d or w (e.g. 90m)"
        )
    };
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    if digits.is_empty() {
        return Err(error());
    }
    let scale: u64 = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(error()),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(error)
}

/// A time flag: an RFC 3339 timestamp, or an offset from the moment the command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeArg {
    /// `2026-11-25T18:00:00Z`, or with an offset (`+01:00`), fractions allowed.
    Absolute(Timestamp),
    /// `now`, `+1h`, `-2d`: seconds from now (negative in the past).
    Relative(i64),
}

/// The earliest time kliento accepts: the Unix epoch.
pub const EARLIEST: Timestamp = Timestamp::constant(0, 0);
/// The latest time kliento accepts: the last second DNSSEC signature fields can hold
/// (unsigned 32-bit seconds, RFC 4034 §3.1.5), 2106-02-07T06:28:15Z.
pub const LATEST: Timestamp = Timestamp::constant(u32::MAX as i64, 0);

/// `out of range (supported: ... to ...)`, the one message for every time out of range.
pub fn out_of_range(what: &str) -> String {
    format!("{what} is out of range (supported: {EARLIEST} to {LATEST})")
}

/// Checks that a time lies within [`EARLIEST`, `LATEST`]; `what` names it in the message.
pub fn in_range(at: Timestamp, what: &str) -> Result<Timestamp, String> {
    if (EARLIEST..=LATEST).contains(&at) {
        Ok(at)
    } else {
        Err(out_of_range(what))
    }
}

impl TimeArg {
    /// The instant, given the current time (read by the caller: the library never does).
    /// Relative times are held to the same range as absolute ones.
    pub fn resolve(self, now: Timestamp) -> Result<Timestamp, String> {
        match self {
            TimeArg::Absolute(at) => in_range(at, &format!("\"{at}\"")),
            TimeArg::Relative(seconds) => {
                let what = format!("{seconds:+} seconds from now");
                now.checked_add(jiff::SignedDuration::from_secs(seconds))
                    .map_err(|_| out_of_range(&what))
                    .and_then(|at| in_range(at, &format!("{what} ({at})")))
            }
        }
    }
}

/// Parses a time: RFC 3339 (`2026-11-25T18:00:00Z`), `now`, or a signed duration relative to
/// now (`+1h`, `-2d`, `+90m`, `-30s`). Absolute times outside [`EARLIEST`, `LATEST`] are
/// refused here; relative ones when they are resolved.
pub fn time(text: &str) -> Result<TimeArg, String> {
    if text == "now" {
        return Ok(TimeArg::Relative(0));
    }
    let relative = |sign: i64, rest: &str| {
        let magnitude = seconds(rest).ok().and_then(|s| i64::try_from(s).ok());
        magnitude.map(|s| TimeArg::Relative(sign * s))
    };
    let parsed = match text.as_bytes().first() {
        Some(b'+') => relative(1, &text[1..]),
        Some(b'-') => relative(-1, &text[1..]),
        _ => match text.parse::<Timestamp>() {
            Ok(at) => return in_range(at, &format!("\"{text}\"")).map(TimeArg::Absolute),
            // RFC 3339 that jiff cannot hold (e.g. 9999-12-31T23:59:59Z) is out of range too.
            Err(_) if is_rfc3339_shape(text) => return Err(out_of_range(&format!("\"{text}\""))),
            Err(_) => None,
        },
    };
    parsed.ok_or_else(|| {
        format!(
            "\"{text}\" is not a time: use RFC 3339 (2026-11-25T18:00:00Z), now, or an offset \
             from now such as +1h or -2d"
        )
    })
}

/// A date, a time and an offset, whatever their values.
fn is_rfc3339_shape(text: &str) -> bool {
    jiff::fmt::temporal::Pieces::parse(text)
        .is_ok_and(|pieces| pieces.time().is_some() && pieces.offset().is_some())
}

/// Parses a TXT record's TTL override: seconds or a duration, at most 90 days.
pub fn ttl_override(text: &str) -> Result<TtlOverride, String> {
    TtlOverride::new(seconds(text)?).map_err(|e| e.to_string())
}

/// Parses a VeraId user name (no `@`, tab, CR or LF), refusing the empty name: it would
/// verify as `@example.com`, which no one can tell from a mistake (use --bot for a bot).
pub fn user_name(text: &str) -> Result<UserName, String> {
    if text.is_empty() {
        return Err("the user name is empty (use --bot for a bot)".into());
    }
    UserName::new(text).map_err(|e| e.to_string())
}

/// Parses a domain name (`Domain` keeps it in lower case: DNS names are case-insensitive and
/// one organisation has one spelling).
pub fn domain(text: &str) -> Result<Domain, String> {
    text.parse::<Domain>().map_err(|e| e.to_string())
}

/// `--encoding` of commands that output a bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputEncoding {
    /// Standard base64 on one line
    Base64,
    /// An Authorization header value: `Kliento <base64>`
    Header,
    /// Binary DER (never written to a terminal)
    Der,
}

impl OutputEncoding {
    /// The value's name, for JSON reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Base64 => "base64",
            Self::Header => "header",
            Self::Der => "der",
        }
    }

    /// The bundle in this encoding: DER as is, text forms on one line without a newline.
    pub fn apply(self, bundle: &[u8]) -> Encoded {
        let encoding = match self {
            Self::Base64 => BundleEncoding::Base64,
            Self::Header => BundleEncoding::Header,
            Self::Der => return Encoded::Binary(bundle.to_vec()),
        };
        let bytes = kliento::token::encoding::encode(bundle, encoding);
        Encoded::Text(String::from_utf8_lossy(&bytes).trim_end().to_string())
    }
}

/// A bundle ready for output.
pub enum Encoded {
    /// DER bytes.
    Binary(Vec<u8>),
    /// One line of text (no newline).
    Text(String),
}

impl Encoded {
    /// What to write to a file or stdout: DER, or the text and a newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Self::Binary(bytes) => bytes.clone(),
            Self::Text(text) => format!("{text}\n").into_bytes(),
        }
    }

    /// The text form, if any.
    pub fn text(&self) -> Option<&str> {
        match self {
            Self::Binary(_) => None,
            Self::Text(text) => Some(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_absolute_and_relative_times() {
        let now: Timestamp = "2026-11-25T18:00:00Z".parse().unwrap();
        let at = |text: &str| time(text).unwrap().resolve(now).unwrap().to_string();
        assert_eq!(at("2026-01-02T03:04:05Z"), "2026-01-02T03:04:05Z");
        assert_eq!(
            at("2026-01-02T03:04:05.250+01:00"),
            "2026-01-02T02:04:05.25Z"
        );
        assert_eq!(at("now"), "2026-11-25T18:00:00Z");
        assert_eq!(at("+1h"), "2026-11-25T19:00:00Z");
        assert_eq!(at("-2d"), "2026-11-23T18:00:00Z");
        assert_eq!(at("+90"), "2026-11-25T18:01:30Z");
        for bad in ["", "+", "-x", "2026-01-02", "tomorrow", "+1y", "1h"] {
            assert!(time(bad).is_err(), "{bad:?} accepted");
        }
        assert!(
            time("+99999999999w").is_err() || time("+99999999999w").unwrap().resolve(now).is_err()
        );
    }

    #[test]
    fn parses_seconds_and_units() {
        assert_eq!(seconds("0"), Ok(0));
        assert_eq!(seconds("3600"), Ok(3600));
        assert_eq!(seconds("300s"), Ok(300));
        assert_eq!(seconds("90m"), Ok(5400));
        assert_eq!(seconds("1h"), Ok(3600));
        assert_eq!(seconds("90d"), Ok(7_776_000));
        assert_eq!(seconds("2w"), Ok(1_209_600));
        for bad in ["", "h", "-1", "1.5h", "1y", "1 h", "99999999999999999999"] {
            assert!(seconds(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn parses_rfc3339_and_relative_times() {
        let now: Timestamp = "2026-11-25T18:00:00Z".parse().unwrap();
        let at = |text| time(text).unwrap().resolve(now).unwrap().to_string();
        assert_eq!(at("2026-01-02T03:04:05Z"), "2026-01-02T03:04:05Z");
        assert_eq!(at("2026-01-02T03:04:05+01:00"), "2026-01-02T02:04:05Z");
        assert_eq!(at("+1h"), "2026-11-25T19:00:00Z");
        assert_eq!(at("-2d"), "2026-11-23T18:00:00Z");
        assert_eq!(at("+90"), "2026-11-25T18:01:30Z");
        for bad in ["", "+", "1h", "+1y", "2026-01-02", "tomorrow", "+-1h"] {
            assert!(time(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn holds_absolute_and_relative_times_to_one_range() {
        let now: Timestamp = "2026-11-25T18:00:00Z".parse().unwrap();
        let range = "out of range (supported: 1970-01-01T00:00:00Z to 2106-02-07T06:28:15Z)";
        for text in [
            "9999-12-31T23:59:59Z",
            "2106-02-07T06:28:16Z",
            "1969-12-31T23:59:59Z",
            "+1000000d",
            "-100000d",
            "+99999999999w",
        ] {
            let error = time(text).and_then(|t| t.resolve(now)).expect_err(text);
            assert!(error.contains(range), "{text}: {error}");
        }
        for text in ["1970-01-01T00:00:00Z", "2106-02-07T06:28:15Z", "+3000d"] {
            assert!(time(text).unwrap().resolve(now).is_ok(), "{text}");
        }
        assert!(
            time("2026-13-01T00:00:00Z")
                .unwrap_err()
                .contains("not a time")
        );
    }
}
