//! Doc comments from server text. Help strings are user content: whatever
//! they hold (`*/`, `#[`, quotes, backslashes, Markdown, indentation) must land
//! as text in a `///` line, never as code, a doctest or an HTML tag.

use proc_macro2::TokenStream;
use quote::quote;

/// Escape one line of server text for rustdoc Markdown.
pub fn escape_line(line: &str) -> String {
    // Indentation would make a code block (and a doctest): drop it.
    let line = line.trim().replace('\t', " ");
    guard_block(escape_inline(&line))
}

/// Escape text inside a line: Markdown and HTML syntax become literal.
fn escape_inline(line: &str) -> String {
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
    out
}

/// A line that starts a heading, list or block quote: escape its marker.
fn guard_block(mut out: String) -> String {
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

/// Odoo 19's `api_doc` HTML (docutils output: `<p>`, `<ul>`/`<li>`, `<dl>`,
/// `<tt>` for code) → escaped Markdown lines: paragraphs separated by blank
/// lines, list items as `- ` bullets, `<tt>`/`<code>` as code spans, entities
/// decoded, every other tag dropped (its text kept). Whatever the input, the
/// result is text: no HTML, link or code block reaches rustdoc.
pub fn html_lines(html: &str) -> Vec<String> {
    #[derive(PartialEq)]
    enum Seg {
        Text(String),
        Code(String),
    }
    struct Para {
        bullet: bool,
        segs: Vec<Seg>,
    }
    fn push_text(segs: &mut Vec<Seg>, code: bool, text: &str) {
        match (segs.last_mut(), code) {
            (Some(Seg::Code(s)), true) | (Some(Seg::Text(s)), false) => s.push_str(text),
            _ => segs.push(if code {
                Seg::Code(text.to_owned())
            } else {
                Seg::Text(text.to_owned())
            }),
        }
    }
    let mut paras: Vec<Para> = Vec::new();
    let mut cur = Para {
        bullet: false,
        segs: Vec::new(),
    };
    let mut code_depth = 0usize;
    let mut rest = html;
    let flush = |cur: &mut Para, paras: &mut Vec<Para>, bullet: bool| {
        let done = std::mem::replace(
            cur,
            Para {
                bullet,
                segs: Vec::new(),
            },
        );
        let empty = done.segs.iter().all(|s| match s {
            Seg::Text(t) | Seg::Code(t) => t.trim().is_empty(),
        });
        if !empty {
            paras.push(done);
        }
    };
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('<')
            && after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!')
            && let Some(end) = after.find('>')
            && !after[..end].contains('<')
        {
            let tag = &after[..end];
            rest = &after[end + 1..];
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            match name.as_str() {
                "li" if !closing => flush(&mut cur, &mut paras, true),
                "p" | "div" | "dl" | "dt" | "dd" | "ul" | "ol" | "li" | "pre" | "blockquote"
                | "br" | "table" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                    let bullet = cur.bullet && !closing && name != "li";
                    flush(&mut cur, &mut paras, bullet)
                }
                "tt" | "code" => {
                    if closing {
                        code_depth = code_depth.saturating_sub(1);
                    } else {
                        code_depth += 1;
                    }
                }
                _ => {}
            }
            continue;
        }
        // Text up to the next tag (a `<` without `>` is text).
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let next = rest[first..].find('<').map_or(rest.len(), |i| i + first);
        let text = decode_entities(&rest[..next]);
        rest = &rest[next..];
        let text: String = text
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect();
        push_text(&mut cur.segs, code_depth > 0, &text);
    }
    flush(&mut cur, &mut paras, false);
    let mut out: Vec<String> = Vec::new();
    for (i, p) in paras.iter().enumerate() {
        let mut line = String::new();
        for seg in &p.segs {
            match seg {
                Seg::Text(t) => line.push_str(&escape_inline(&collapse(t))),
                Seg::Code(c) => {
                    let c = collapse(c);
                    let c = c.trim();
                    if !c.is_empty() {
                        line.push_str(&code(c));
                    }
                }
            }
        }
        let line = guard_block(collapse(&line).trim().to_owned());
        // Consecutive bullets form one list; everything else is a paragraph.
        let prev_bullet = i > 0 && paras[i - 1].bullet;
        let continues_list = p.bullet && prev_bullet;
        if !out.is_empty() && !continues_list {
            out.push(String::new());
        }
        out.push(if p.bullet { format!("- {line}") } else { line });
    }
    out
}

fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c == ' ' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// `&lt;`, `&#64;`, `&#x2014;`, ... → characters; an unknown entity stays as written.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
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

    #[test]
    fn api_doc_html_becomes_markdown() {
        let html = "<div class=\"document\">\n\n\n<p>Search for the records that satisfy the given \
                    <tt class=\"docutils literal\">domain</tt>\n<tt class=\"docutils literal\">search domain \
                    &lt;reference/orm/domains&gt;</tt>.</p>\n<ul>\n<li><p class=\"first\">one &amp; two</p>\n\
                    </li>\n<li>three [x]</li>\n</ul>\n<p>&#64;return: True</p>\n</div>";
        assert_eq!(
            html_lines(html),
            [
                "Search for the records that satisfy the given `domain` `search domain <reference/orm/domains>`.",
                "",
                "- one & two",
                "- three \\[x\\]",
                "",
                "@return: True",
            ]
        );
        assert_eq!(
            html_lines("<p># not a heading</p><p>    code?</p>"),
            ["\\# not a heading", "", "code?"]
        );
        assert_eq!(
            html_lines("a < b &bogus; <tt>x`y</tt>"),
            ["a \\< b &bogus; x\\`y"]
        );
        assert_eq!(html_lines(""), Vec::<String>::new());
        assert_eq!(
            html_lines("<p>*/ fn evil() {} /*</p>"),
            ["*/ fn evil() {} /*"]
        );
    }
}
