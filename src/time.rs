//! Instants and inclusive periods, as VeraId compares them (VeraId digest §6.4, §9 step 6).
//!
//! The library never reads the clock: callers build every [`Timestamp`] and [`Period`].
//! Timestamps are `jiff::Timestamp` (nanosecond precision, RFC 3339 display), which covers the
//! millisecond precision of veraid-js dates and the whole-second precision of RRSIG fields.

use std::fmt;

pub use jiff::Timestamp;

/// An inclusive period `[start, end]`; a single instant is a period whose ends are equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    /// First instant of the period (included).
    pub start: Timestamp,
    /// Last instant of the period (included).
    pub end: Timestamp,
}

/// A period whose end comes before its start.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("period ends ({end}) before it starts ({start})")]
pub struct PeriodError {
    /// The requested start.
    pub start: Timestamp,
    /// The requested end, earlier than `start`.
    pub end: Timestamp,
}

impl Period {
    /// The period `[start, end]`; fails when `end < start`.
    pub fn new(start: Timestamp, end: Timestamp) -> Result<Self, PeriodError> {
        if end < start {
            return Err(PeriodError { start, end });
        }
        Ok(Self { start, end })
    }

    /// The period holding one instant, `[at, at]`.
    pub fn instant(at: Timestamp) -> Self {
        Self { start: at, end: at }
    }

    /// Whether `at` lies within the period (ends included).
    pub fn contains(&self, at: Timestamp) -> bool {
        self.start <= at && at <= self.end
    }

    /// Whether the two periods share at least one instant (ends included, as dnssec-js's
    /// `DatePeriod.overlaps`).
    pub fn overlaps(&self, other: &Period) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// The instants both periods share, if any.
    pub fn intersect(&self, other: &Period) -> Option<Period> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start <= end).then_some(Period { start, end })
    }
}

impl fmt::Display for Period {
    /// `<start>..<end>` in RFC 3339, like veraid-js prints periods.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A whole-second Unix time (as in RRSIG fields) as a timestamp.
pub fn from_unix_seconds(seconds: u32) -> Timestamp {
    Timestamp::from_second(i64::from(seconds)).expect("every u32 second count is a valid timestamp")
}

/// A length of time in words for messages: the largest unit that fits ("55 days", "3 hours",
/// "1 second", "1 millisecond"), rounded down, sign ignored.
pub fn humanise(duration: jiff::SignedDuration) -> String {
    let millis = duration.as_millis().unsigned_abs();
    let (amount, unit) = match millis {
        ms if ms >= 86_400_000 => (ms / 86_400_000, "day"),
        ms if ms >= 3_600_000 => (ms / 3_600_000, "hour"),
        ms if ms >= 60_000 => (ms / 60_000, "minute"),
        ms if ms >= 1_000 => (ms / 1_000, "second"),
        ms => (ms, "millisecond"),
    };
    let plural = if amount == 1 { "" } else { "s" };
    format!("{amount} {unit}{plural}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn period(start: &str, end: &str) -> Period {
        Period::new(ts(start), ts(end)).unwrap()
    }

    #[test]
    fn rejects_period_ending_before_it_starts() {
        let error =
            Period::new(ts("2026-01-02T00:00:00Z"), ts("2026-01-01T00:00:00Z")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "period ends (2026-01-01T00:00:00Z) before it starts (2026-01-02T00:00:00Z)"
        );
    }

    #[test]
    fn overlap_includes_both_ends() {
        let a = period("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z");
        let touching = period("2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z");
        let after = period("2026-01-02T00:00:00.001Z", "2026-01-03T00:00:00Z");
        assert!(a.overlaps(&touching) && touching.overlaps(&a));
        assert!(!a.overlaps(&after) && !after.overlaps(&a));
        assert!(a.contains(a.start) && a.contains(a.end));
        assert!(!a.contains(after.start));
    }

    #[test]
    fn intersection_is_the_shared_part() {
        let a = period("2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z");
        let b = period("2026-01-02T00:00:00Z", "2026-01-04T00:00:00Z");
        assert_eq!(
            a.intersect(&b),
            Some(period("2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"))
        );
        let c = period("2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z");
        assert_eq!(a.intersect(&c), None);
        let instant = Period::instant(ts("2026-01-03T00:00:00Z"));
        assert_eq!(a.intersect(&instant), Some(instant));
    }

    #[test]
    fn displays_like_veraid_js() {
        let p = period("2026-11-23T18:11:02.912Z", "2026-11-25T18:41:02Z");
        assert_eq!(
            p.to_string(),
            "2026-11-23T18:11:02.912Z..2026-11-25T18:41:02Z"
        );
    }

    #[test]
    fn humanises_durations() {
        let secs = jiff::SignedDuration::from_secs;
        assert_eq!(humanise(jiff::SignedDuration::ZERO), "0 milliseconds");
        assert_eq!(
            humanise(jiff::SignedDuration::from_millis(1)),
            "1 millisecond"
        );
        assert_eq!(humanise(secs(1)), "1 second");
        assert_eq!(humanise(secs(3_599)), "59 minutes");
        assert_eq!(humanise(secs(-7_200)), "2 hours");
        assert_eq!(humanise(secs(55 * 86_400 + 5)), "55 days");
    }
}
