//! Parsers for flag values shared by several subcommands (durations, and later times).

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
}
