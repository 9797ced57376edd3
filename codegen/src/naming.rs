//! Source names (Odoo models, fields, selection values) → Rust identifiers.
//!
//! [`sanitize`] is the one conversion (typify's `sanitize`, prost's keyword
//! rules): characters that cannot appear in an identifier become word breaks,
//! heck recases, a leading digit gets a prefix, keywords become raw
//! identifiers or, where Rust forbids that (`self`, `super`, `crate`, `Self`),
//! get a trailing `_`.
//!
//! [`unique`] assigns names to a whole namespace (a struct's fields, an enum's
//! variants) with a collision ladder:
//! 1. the sanitized name; a name that collides with a reserved one (the enum's
//!    `Unknown` fallback, a prelude type) gets the namespace's suffix;
//! 2. for names that still collide, the name whose wire form *is* its
//!    sanitized form keeps it; the others are sanitized again with nothing
//!    elided: punctuation spelled as words (`%d-%m-%Y` → `PctDDashPctMDashPctY`),
//!    non-ASCII characters as code points (`prénom` → `pr_u00e9_nom`);
//! 3. names that still collide take their *verbatim* form (no recasing, so
//!    `fooBar` stays `fooBar` next to `foo_bar`);
//! 4. names that still collide (`_` and `__`, `a b` and `a\tb`: spelled
//!    alike on every rung) take the verbatim form plus a hash of the wire
//!    name (`empty_5d6f0c2a`);
//! 5. a collision left after that (two wire names with equal 32-bit hashes)
//!    is a [`Error::NameCollision`] listing the wire names. A field is never
//!    dropped. Every rung depends on the name alone, so the result is
//!    deterministic, and adding a field never renames another.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Fields, modules, functions.
    Snake,
    /// Types and enum variants.
    UpperCamel,
}

/// A Rust identifier chosen for a source name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Name {
    /// The identifier without any `r#`.
    pub text: String,
    /// Spelled `r#text` (a keyword that may be raw).
    pub raw: bool,
    /// Not in the namespace's usual case (ladder rung 2): the emitter adds an
    /// `allow(non_snake_case)`/`allow(non_camel_case_types)`.
    pub verbatim: bool,
}

impl Name {
    pub fn ident(&self) -> Ident {
        if self.raw {
            Ident::new_raw(&self.text, Span::call_site())
        } else {
            Ident::new(&self.text, Span::call_site())
        }
    }

    /// As written in source (`r#type`).
    pub fn display(&self) -> String {
        if self.raw {
            format!("r#{}", self.text)
        } else {
            self.text.clone()
        }
    }
}

/// Strict and reserved keywords of Rust 2024 (`gen` is reserved since 2024).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Convert `source` to an identifier in `case`. Never fails; the result is
/// always a valid identifier (checked with syn in tests).
pub fn sanitize(source: &str, case: Case) -> Name {
    // Anything that cannot be in an identifier becomes a word break for heck.
    let cleaned: String = source
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let recased = match case {
        Case::Snake => cleaned.to_snake_case(),
        Case::UpperCamel => cleaned.to_upper_camel_case(),
    };
    finish(recased, case, false)
}

/// Names for ASCII punctuation, so that `%d-%m-%Y` and `%d.%m.%Y` (Odoo
/// 19's date formats) stay apart on the later rungs.
fn spell(c: char) -> Option<&'static str> {
    Some(match c {
        '-' => "dash",
        '.' => "dot",
        '/' => "slash",
        '%' => "pct",
        ',' => "comma",
        ':' => "colon",
        ';' => "semi",
        '+' => "plus",
        '*' => "star",
        '&' => "amp",
        '@' => "at",
        '#' => "hash",
        '(' => "lparen",
        ')' => "rparen",
        '[' => "lbracket",
        ']' => "rbracket",
        '{' => "lbrace",
        '}' => "rbrace",
        '<' => "lt",
        '>' => "gt",
        '=' => "eq",
        '!' => "bang",
        '?' => "qmark",
        '\'' => "quote",
        '"' => "dquote",
        '\\' => "backslash",
        '|' => "pipe",
        '~' => "tilde",
        '^' => "caret",
        '$' => "dollar",
        '`' => "backtick",
        _ => return None,
    })
}

/// `source` with punctuation spelled as words and non-ASCII characters as
/// `uXXXX` (word-separated), so no information is elided.
fn spelled_words(source: &str) -> String {
    let mut out = String::new();
    for c in source.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if let Some(word) = spell(c) {
            out.push('_');
            out.push_str(word);
            out.push('_');
        } else if c.is_ascii() {
            out.push('_');
        } else {
            out.push_str(&format!("_u{:04x}_", c as u32));
        }
    }
    out
}

/// Rung 2: like [`sanitize`], but with nothing elided (punctuation spelled,
/// non-ASCII as code points), then recased.
pub fn spelled(source: &str, case: Case) -> Name {
    let words = spelled_words(source);
    let recased = match case {
        Case::Snake => words.to_snake_case(),
        Case::UpperCamel => words.to_upper_camel_case(),
    };
    finish(recased, case, false)
}

/// Rung 3: keep the source's own spelling (case, repeated underscores),
/// with punctuation and non-ASCII spelled as on rung 2.
pub fn verbatim(source: &str, case: Case) -> Name {
    let mut out = String::new();
    for c in source.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if let Some(word) = spell(c) {
            out.push('_');
            out.push_str(word);
            out.push('_');
        } else if c.is_ascii() {
            out.push('_');
        } else {
            out.push_str(&format!("u{:04x}", c as u32));
        }
    }
    finish(out, case, true)
}

/// Rung 4: the verbatim form plus the FNV-1a hash of the wire name, for
/// names no spelling tells apart (they differ in whitespace or in runs of `_`).
pub fn hashed(source: &str, case: Case) -> Name {
    let hash = fnv1a(source.bytes());
    let base = verbatim(source, case).text;
    Name {
        text: format!("{}_{hash:08x}", base.trim_end_matches('_')),
        raw: false,
        verbatim: true,
    }
}

/// 32-bit FNV-1a: a stable, dependency-free hash for names derived from content.
pub fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u32 {
    bytes.into_iter().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

fn finish(mut s: String, case: Case, verbatim: bool) -> Name {
    if s.is_empty() || s.chars().all(|c| c == '_') {
        s = match case {
            Case::Snake => "empty".into(),
            Case::UpperCamel => "Empty".into(),
        };
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = match case {
            // prost's rule for fields, except for names of digits alone:
            // `_2` is a name clippy refuses (`just_underscores_and_digits`).
            Case::Snake if s.chars().all(|c| c.is_ascii_digit() || c == '_') => format!("n{s}"),
            // Variants read better as `V1` than `_1`.
            Case::Snake => format!("_{s}"),
            Case::UpperCamel => format!("V{s}"),
        };
    }
    let mut raw = false;
    if KEYWORDS.contains(&s.as_str()) {
        if NOT_RAW.contains(&s.as_str()) {
            s.push('_');
        } else {
            raw = true;
        }
    }
    Name {
        text: s,
        raw,
        verbatim,
    }
}

/// Assign unique names to `sources` (wire names, in a deterministic order) in
/// one namespace. `reserved` names are taken already; a source that lands on
/// one gets `suffix` appended. `what` and `owner` only label errors.
pub fn unique(
    owner: &str,
    what: &'static str,
    sources: &[&str],
    case: Case,
    reserved: &[&str],
    suffix: &str,
) -> Result<Vec<Name>> {
    let reserved: BTreeSet<&str> = reserved.iter().copied().collect();
    let mut first: Vec<Name> = sources.iter().map(|s| sanitize(s, case)).collect();
    for n in &mut first {
        if reserved.contains(n.text.as_str()) {
            n.text.push_str(suffix);
            n.raw = false;
        }
    }
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, n) in first.iter().enumerate() {
        by_name.entry(n.text.as_str()).or_default().push(i);
    }
    let mut out = first.clone();
    let mut taken: BTreeSet<String> = reserved.iter().map(|s| s.to_string()).collect();
    let mut retry = Vec::new();
    for (name, idx) in &by_name {
        if idx.len() == 1 {
            taken.insert(name.to_string());
            continue;
        }
        // Several sources share a name: the one spelled exactly so keeps it.
        let exact = idx.iter().copied().find(|&i| sources[i] == *name);
        if exact.is_some() {
            taken.insert(name.to_string());
        }
        retry.extend(idx.iter().copied().filter(|&i| Some(i) != exact));
    }
    retry.sort_unstable();
    // Rungs 2 to 4: a name is accepted when no other pending source and no
    // taken name has it; the rest move on to the next rung.
    let rungs: [fn(&str, Case) -> Name; 3] = [spelled, verbatim, hashed];
    for rung in rungs {
        if retry.is_empty() {
            break;
        }
        let names: Vec<(usize, Name)> =
            retry.iter().map(|&i| (i, rung(sources[i], case))).collect();
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, n) in &names {
            *count.entry(n.text.as_str()).or_default() += 1;
        }
        let mut next = Vec::new();
        for (i, n) in &names {
            if count[n.text.as_str()] == 1 && !taken.contains(&n.text) {
                taken.insert(n.text.clone());
                out[*i] = n.clone();
            } else {
                next.push(*i);
            }
        }
        retry = next;
    }
    if !retry.is_empty() {
        let mut clash: Vec<&str> = retry.iter().map(|&i| sources[i]).collect();
        // Also name the sources they collide with.
        for (j, s) in sources.iter().enumerate() {
            if retry.iter().any(|&i| first[j].text == first[i].text) {
                clash.push(s);
            }
        }
        clash.sort_unstable();
        clash.dedup();
        return Err(Error::NameCollision {
            model: owner.to_owned(),
            kind: what,
            names: clash
                .iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(out)
}

/// Names in the standard prelude that a generated type must not shadow
/// (generated code writes `Option<...>`, `Vec<...>`, `String`).
pub const PRELUDE_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "ToString",
    "ToOwned",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "Extend",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "AsRef",
    "AsMut",
    "Debug",
    "Unpin",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "FromIterator",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn snake(s: &str) -> String {
        sanitize(s, Case::Snake).display()
    }
    fn camel(s: &str) -> String {
        sanitize(s, Case::UpperCamel).display()
    }

    #[test]
    fn snake_case_table() {
        let table = [
            ("name", "name"),
            ("partner_id", "partner_id"),
            ("fooBar", "foo_bar"),
            ("__last_update", "last_update"),
            ("x_studio_field", "x_studio_field"),
            ("type", "r#type"),
            ("move", "r#move"),
            ("ref", "r#ref"),
            ("async", "r#async"),
            ("await", "r#await"),
            ("gen", "r#gen"),
            ("fn", "r#fn"),
            ("extern", "r#extern"),
            ("self", "self_"),
            ("super", "super_"),
            ("crate", "crate_"),
            ("Self", "self_"),
            ("1st_line", "_1st_line"),
            ("3_global", "_3_global"),
            ("2", "n2"),
            ("81", "n81"),
            ("prénom", "pr_nom"),
            ("日本", "empty"),
            ("a.b-c d", "a_b_c_d"),
        ];
        for (src, want) in table {
            assert_eq!(snake(src), want, "{src:?}");
        }
    }

    #[test]
    fn camel_case_table() {
        let table = [
            ("res.partner", "ResPartner"),
            ("draft", "Draft"),
            ("to approve", "ToApprove"),
            ("", "Empty"),
            ("1", "V1"),
            ("3_global", "V3Global"),
            ("Africa/Abidjan", "AfricaAbidjan"),
            ("no-message", "NoMessage"),
            ("self", "Self_"),
            ("Self", "Self_"),
            ("set null", "SetNull"),
        ];
        for (src, want) in table {
            assert_eq!(camel(src), want, "{src:?}");
        }
    }

    #[test]
    fn every_result_is_a_valid_identifier() {
        let inputs = [
            "type", "self", "Self", "super", "crate", "move", "ref", "async", "1", "", "é", "_",
            "__", "a b", "r#x", "fn", "union", "gen", "dyn", "try", "\"*/", "#[x]",
        ];
        for s in inputs {
            for case in [Case::Snake, Case::UpperCamel] {
                for n in [sanitize(s, case), spelled(s, case), verbatim(s, case)] {
                    let text = n.display();
                    assert!(
                        syn::parse_str::<syn::Ident>(&text).is_ok(),
                        "{s:?} -> {text:?} is not an identifier"
                    );
                }
            }
        }
    }

    fn texts(v: Vec<Name>) -> Vec<String> {
        v.into_iter().map(|n| n.display()).collect()
    }

    #[test]
    fn collisions_take_the_ladder() {
        // The exact spelling keeps the name; the other goes verbatim.
        let got = unique("m", "field", &["fooBar", "foo_bar"], Case::Snake, &[], "_").unwrap();
        assert_eq!(texts(got.clone()), ["fooBar", "foo_bar"]);
        assert!(got[0].verbatim && !got[1].verbatim);
        let got = unique(
            "m",
            "variant",
            &["draft", "Draft"],
            Case::UpperCamel,
            &[],
            "V",
        )
        .unwrap();
        assert_eq!(texts(got), ["draft", "Draft"]);
        let got = unique("m", "field", &["prénom", "prçnom"], Case::Snake, &[], "_").unwrap();
        assert_eq!(texts(got), ["pr_u00e9_nom", "pr_u00e7_nom"]);
        // Odoo 19's res.lang date formats differ only in punctuation.
        let got = unique(
            "m",
            "variant",
            &["%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"],
            Case::UpperCamel,
            &["Unknown"],
            "Value",
        )
        .unwrap();
        assert_eq!(
            texts(got),
            [
                "PctDDashPctMDashPctY",
                "PctDDotPctMDotPctY",
                "PctDSlashPctMSlashPctY"
            ]
        );
        // A reserved name gets the suffix on the first rung.
        let got = unique(
            "m",
            "variant",
            &["unknown", "other"],
            Case::UpperCamel,
            &["Unknown"],
            "Value",
        )
        .unwrap();
        assert_eq!(texts(got), ["UnknownValue", "Other"]);
    }

    #[test]
    fn names_alike_on_every_spelling_take_a_hash_of_the_wire_name() {
        // `a b` and `a\tb` differ only in unnamed whitespace (FNV-1a checked
        // with Python); `_` and `__`
        // only in a run of underscores.
        let got = unique("x.y", "field", &["a b", "a\tb"], Case::Snake, &[], "_").unwrap();
        assert_eq!(texts(got.clone()), ["a_b_10a3f9f2", "a_b_42e2b167"]);
        assert!(got.iter().all(|n| n.verbatim));
        let got = unique("x.y", "field", &["_", "__", " "], Case::Snake, &[], "_").unwrap();
        let t = texts(got);
        assert_eq!(t.len(), 3);
        assert!(t[0] != t[1] && t[1] != t[2] && t[0] != t[2], "{t:?}");
        for text in &t {
            assert!(syn::parse_str::<syn::Ident>(text).is_ok(), "{text:?}");
        }
        // Depends on the name alone: the same with another neighbour.
        let again = unique("x.y", "field", &["_", "__", "a"], Case::Snake, &[], "_").unwrap();
        assert_eq!(again[1].display(), t[1]);
    }
}
