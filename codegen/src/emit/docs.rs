//! Doc comments from server text. Help strings are user content: whatever
//! they hold (`*/`, `#[`, quotes, backslashes, Markdown, indentation) must land
//! as text in a `///` line, never as code, a doctest or an HTML tag.

use proc_macro2::TokenStream;
use quote::quote;

/// Escape one line of server text for rustdoc Markdown.
pub fn escape_line(line: &str) -> String {
    // Indentation would make a code block (and a doctest): drop it.
    let line = line.trim().replace('\t', " ");
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            // Fences, links, HTML and escapes: make them literal.
            '`' | '[' | ']' | '<' | '>' | '\\' | '|' => {
                out.push('\\');
                out.push(c);
            }
            // Control characters have no place in a comment.
            c if c.is_control() => out.push(' '),
            // Bidi overrides can make a comment read differently from what
            // compiles, and rustc refuses them (text_direction_codepoint_in_comment):
            // show the code point instead.
            c if is_bidi_control(c) => out.push_str(&format!("U+{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    // A line that starts a heading, list or block quote: escape its marker.
    let starts_block = out.starts_with('#')
        || out.starts_with("- ")
        || out.starts_with("* ")
        || out.starts_with("+ ")
        || out.starts_with("~~~")
        || out.starts_with("===")
        || out.starts_with("---")
        || ordered_marker(&out);
    if starts_block {
        out.insert(0, '\\');
    }
    out
}

/// The code points rustc's `text_direction_codepoint_in_comment` lint rejects.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn ordered_marker(s: &str) -> bool {
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && matches!(&s[digits..].chars().next(), Some('.') | Some(')'))
}

/// Server text (possibly several lines) → escaped lines, blank runs collapsed.
pub fn text_lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in text.lines() {
        let line = escape_line(raw);
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// Inline code for an identifier-like value we control (wire names, types):
/// backticks inside are impossible in Odoo names, but be safe.
pub fn code(s: &str) -> String {
    if s.is_empty() {
        return "`\"\"`".into();
    }
    // Backticks and line breaks would end the span; control characters (a
    // bare `\r` is an error in a doc comment) and bidi overrides (rejected
    // by rustc) must be spelled out: aiM18 column names are free text.
    if s.contains('`') || s.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        escape_line(s)
    } else {
        format!("`{s}`")
    }
}

/// Outer doc attributes (`///`), one per line, each with a leading space.
pub fn outer(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! { #( #[doc = #lines] )* }
}

/// Inner doc attributes (`//!`).
pub fn inner(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! { #( #![doc = #lines] )* }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_inert() {
        assert_eq!(escape_line("    indented code"), "indented code");
        assert_eq!(escape_line("```rust"), "\\`\\`\\`rust");
        assert_eq!(escape_line("# Title"), "\\# Title");
        assert_eq!(escape_line("- item"), "\\- item");
        assert_eq!(escape_line("1. first"), "\\1. first");
        assert_eq!(escape_line("see [link] <b>"), "see \\[link\\] \\<b\\>");
        assert_eq!(
            escape_line("a */ b #[x] \"q\" \\"),
            "a */ b #\\[x\\] \"q\" \\\\"
        );
        assert_eq!(text_lines("a\n\n\n  b\n\n"), ["a", "", "b"]);
        assert_eq!(escape_line("x\u{202E}y\u{2066}z"), "xU+202EyU+2066z");
        assert_eq!(code("\u{202E}evil"), "U+202Eevil");
        assert_eq!(code("a\rb"), "a b");
        assert_eq!(code("desc_zh-CN"), "`desc_zh-CN`");
    }
}
