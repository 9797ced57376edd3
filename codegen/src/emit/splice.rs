//! Declarative per-field lists, formatted by hand. The per-field items of a model (field
//! handles, setters, selection enums) are one line each in a runtime macro invocation
//! (`::runtime::__private::field_handles! { .. }`). prettyplease fills a macro's tokens like
//! a paragraph and prints doc comments as `#[doc = ".."]`, which no one could read; so the
//! emitter writes the invocation's text itself, one entry a line with `///` docs, and the
//! token stream holds a placeholder that [`apply`] replaces after formatting.

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::{Error, Result};

const PLACEHOLDER: &str = "__erpbind_splice!();";

/// The item that marks where the next spliced text goes.
pub fn placeholder() -> TokenStream {
    quote!(__erpbind_splice!();)
}

/// Outer doc comments, one per line, as prettyplease would print them (`///` plus the text
/// with a leading space; a line it could not print so is a `#[doc]` attribute).
pub fn doc_text(lines: &[String], out: &mut String, indent: &str) {
    for l in lines {
        out.push_str(indent);
        if l.contains(['\n', '\r']) || l.starts_with('/') {
            let lit = proc_macro2::Literal::string(&format!(" {l}"));
            out.push_str(&format!("#[doc = {lit}]\n"));
        } else if l.is_empty() {
            out.push_str("///\n");
        } else {
            out.push_str("/// ");
            out.push_str(l.trim_end());
            out.push('\n');
        }
    }
}

/// A path type's tokens as Rust text (`super::rel::ResPartner`, `::chrono::DateTime<::chrono::Utc>`).
/// Only for paths with generic arguments: no keyword needs a space.
pub fn type_text(ty: &TokenStream) -> String {
    let mut out = String::new();
    for c in ty.to_string().chars() {
        match c {
            ' ' => {}
            ',' => out.push_str(", "),
            c => out.push(c),
        }
    }
    out
}

/// A name and, when the macro cannot derive the wire name from it, `= "wire"`.
pub fn name_text(name: &crate::naming::Name, wire: &str) -> String {
    let ident = name.ident().to_string();
    if ident == wire {
        ident
    } else {
        format!("{ident} = {}", proc_macro2::Literal::string(wire))
    }
}

/// Replace the placeholders of `formatted`, in order, by `splices`, indented as the
/// placeholder was.
pub fn apply(formatted: String, splices: &[String], what: &str) -> Result<String> {
    if splices.is_empty() {
        return Ok(formatted);
    }
    let mut out =
        String::with_capacity(formatted.len() + splices.iter().map(String::len).sum::<usize>());
    let mut next = splices.iter();
    for line in formatted.split_inclusive('\n') {
        let body = line.trim_start();
        if body.trim_end() != PLACEHOLDER {
            out.push_str(line);
            continue;
        }
        let indent = &line[..line.len() - body.len()];
        let text = next.next().ok_or_else(|| Error::Emit {
            model: what.to_owned(),
            message: "more splice placeholders than texts".into(),
        })?;
        for l in text.lines() {
            if !l.is_empty() {
                out.push_str(indent);
            }
            out.push_str(l);
            out.push('\n');
        }
    }
    if next.next().is_some() {
        return Err(Error::Emit {
            model: what.to_owned(),
            message: "fewer splice placeholders than texts".into(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_replace_placeholders_in_order_with_their_indentation() {
        let formatted = "mod a {\n    __erpbind_splice!();\n}\n__erpbind_splice!();\n".to_owned();
        let out = apply(formatted, &["x! {\n    y;\n}".into(), "z!();".into()], "t").unwrap();
        assert_eq!(out, "mod a {\n    x! {\n        y;\n    }\n}\nz!();\n");
        assert!(
            apply(
                "__erpbind_splice!();\n".into(),
                &["a".into(), "b".into()],
                "t"
            )
            .is_err()
        );
    }

    #[test]
    fn docs_and_types_print_as_rust() {
        let mut s = String::new();
        doc_text(&["A".into(), String::new(), "/x".into()], &mut s, "  ");
        assert_eq!(s, "  /// A\n  ///\n  #[doc = \" /x\"]\n");
        let ty = quote!(::chrono::DateTime<::chrono::Utc>);
        assert_eq!(type_text(&ty), "::chrono::DateTime<::chrono::Utc>");
        assert_eq!(type_text(&quote!(A<B, C>)), "A<B, C>");
    }
}
