//! Text for a terminal: control characters in names shown as escapes, never sent raw.

use std::borrow::Cow;

/// Whether `c` would be read by a terminal as a control: C0 controls but the
/// line feed and the tab, DEL, C1 controls (U+0080 to U+009F, among them
/// the one-character CSI), and the bidirectional overrides and isolates that
/// reorder what is shown.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character a terminal would act on (ESC,
/// carriage return, backspace, bell, C1 controls, bidirectional overrides)
/// written as a Rust escape such as `\u{1b}`; line feeds and tabs are kept.
/// Borrowed when there is nothing to escape.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_lines_kept() {
        assert!(matches!(printable("L1 phone"), Cow::Borrowed(_)));
        assert_eq!(
            printable("a\u{1b}[31mred\u{7}\r\u{9b}2J\u{202e}x\n\tb"),
            "a\\u{1b}[31mred\\u{7}\\u{d}\\u{9b}2J\\u{202e}x\n\tb"
        );
    }
}
