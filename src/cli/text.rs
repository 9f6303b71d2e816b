//! Escaping of untrusted strings for text output: anything that came from a bundle, a
//! certificate, a DNS record or a server is shown with its control and bidirectional-override
//! characters escaped, so that it can neither fake a line of output nor drive the terminal.
//! JSON output needs none of this: serde escapes control characters itself.

use std::borrow::Cow;
use std::fmt;

/// Longest untrusted text shown whole in a diagnostic; longer text is cut with a marker.
pub const DIAGNOSTIC_LIMIT: usize = 2000;

/// Whether `c` must not reach a terminal as is: C0 and C1 controls, DEL, the backslash (so that
/// escapes are unambiguous), and the Unicode format characters that reorder or hide text
/// (bidirectional embeddings, overrides and isolates, marks, zero-width characters, BOM).
fn needs_escape(c: char) -> bool {
    c == '\\'
        || c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
        )
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\\' => out.push_str("\\\\"),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// `text` with every control, bidi and format character written as an escape (`\n`, `\t`,
/// `\u{1b}`, `\u{202e}`) and backslashes doubled; borrowed when nothing needed escaping.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`escape`], then cut to at most `limit` characters (plus a marker saying how many were left
/// out).
pub fn escape_bounded(text: &str, limit: usize) -> Cow<'_, str> {
    let escaped = escape(text);
    let count = escaped.chars().count();
    if count <= limit {
        return escaped;
    }
    let kept: String = escaped.chars().take(limit).collect();
    Cow::Owned(format!("{kept}... ({} more characters)", count - limit))
}

/// A value that displays escaped: `format!("{}", Esc(untrusted))`.
pub struct Esc<T>(pub T);

impl<T: fmt::Display> fmt::Display for Esc<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(&self.0.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_bidi_and_backslashes_and_keeps_the_rest() {
        assert!(matches!(escape("alice@example.com"), Cow::Borrowed(_)));
        assert_eq!(escape("héllo wörld ✓"), "héllo wörld ✓");
        assert_eq!(escape("hi\nrole=admin"), "hi\\nrole=admin");
        assert_eq!(escape("a\r\tb"), "a\\r\\tb");
        assert_eq!(escape("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(escape("\u{7f}\u{9b}\0"), "\\u{7f}\\u{9b}\\u{0}");
        assert_eq!(escape("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(
            escape("\u{2066}x\u{2069}\u{200b}"),
            "\\u{2066}x\\u{2069}\\u{200b}"
        );
        assert_eq!(
            escape(r"a\nb"),
            r"a\\nb",
            "a literal backslash-n is not a newline"
        );
        assert_eq!(Esc("x\u{1b}").to_string(), "x\\u{1b}");
    }

    #[test]
    fn bounds_long_text_after_escaping() {
        assert_eq!(escape_bounded("abc", 3), "abc");
        assert_eq!(escape_bounded("abcdef", 3), "abc... (3 more characters)");
        assert_eq!(escape_bounded("\n\n", 2), "\\n... (2 more characters)");
    }
}
