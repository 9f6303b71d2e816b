//! Parsers for flag values shared by several subcommands: durations and times.

use jiff::{SignedDuration, Timestamp};

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

/// A `--start`/`--expiry`/`--at` value: an instant, or an offset from the time of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeValue {
    /// An RFC 3339 instant.
    At(Timestamp),
    /// Seconds after (positive) or before (negative) now.
    FromNow(i64),
}

impl TimeValue {
    /// The instant, given the time of the run.
    pub fn resolve(self, now: Timestamp) -> Result<Timestamp, String> {
        match self {
            Self::At(at) => Ok(at),
            Self::FromNow(seconds) => now
                .checked_add(SignedDuration::from_secs(seconds))
                .map_err(|_| format!("{now} {seconds:+}s is out of range")),
        }
    }
}

/// Parses a time: RFC 3339 (`2026-11-25T18:00:00Z`) or relative to now (`+1h`, `-2d`).
pub fn time(text: &str) -> Result<TimeValue, String> {
    let error = || {
        format!(
            "\"{text}\" is not a time: use RFC 3339 (2026-11-25T18:00:00Z) or an offset from now \
             (+1h, -2d)"
        )
    };
    if let Some(rest) = text.strip_prefix(['+', '-']) {
        let seconds = i64::try_from(seconds(rest).map_err(|_| error())?).map_err(|_| error())?;
        return Ok(TimeValue::FromNow(if text.starts_with('-') {
            -seconds
        } else {
            seconds
        }));
    }
    text.parse::<Timestamp>()
        .map(TimeValue::At)
        .map_err(|_| error())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
