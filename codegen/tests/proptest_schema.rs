//! Property tests of the generator on hostile schemas: Rust keywords, unicode,
//! names that start with digits or collide once cased, every field type (and
//! unknown ones), relations to models that are not in the schema, selections
//! with odd keys and labels.
//!
//! - Whatever the schema, generation does not panic, never reports an
//!   emitter bug (`Error::Emit`), and every file it writes parses with syn.
//! - Text from the metadata (labels, help, descriptions, selection labels;
//!   business methods' docs, annotations, defaults, signatures, raised
//!   exceptions, defining class and module) lands only in doc comments and
//!   string literals: two schemas that differ only in such text generate the
//!   same token tree once docs and string literals are blanked.
//! - Business methods with hostile names (keywords, `_private`, case
//!   collisions, trait-method names), `**kwargs`, `*args` and unknown
//!   annotations generate code that parses, or a clear error.

use std::collections::BTreeMap;

use codegen::emit::{self, Layout, Settings};
use codegen::schema::methods::{Method, Parameter, Return};
use codegen::schema::{Field, Model, Schema, SelectionKey};

#[path = "support/arb_schema.rs"]
mod arb_schema;
use arb_schema::{ANNOTATIONS, HOSTILE_TEXT, TYPES, generable_schema, schema, text};
use proc_macro2::{Delimiter, Group, Literal, TokenStream, TokenTree};
use proptest::prelude::*;

fn settings(layout: Layout, features: bool) -> Settings {
    Settings {
        layout,
        features,
        ..Settings::default()
    }
}

/// Generate with both layouts; every Rust file must parse.
fn generate_and_parse(schema: &Schema) -> Result<Vec<(String, String)>, TestCaseError> {
    let mut out = Vec::new();
    for (layout, features) in [
        (Layout::SingleFile("odoo.rs".into()), false),
        (Layout::Tree, true),
    ] {
        match emit::generate(schema, &settings(layout, features)) {
            Ok(files) => {
                for f in files {
                    let path = f.path.display().to_string();
                    if path.ends_with(".rs")
                        && let Err(e) = syn::parse_file(&f.contents)
                    {
                        return Err(TestCaseError::fail(format!(
                            "{path} does not parse: {e}\n{}",
                            f.contents
                        )));
                    }
                    out.push((path, f.contents));
                }
            }
            Err(codegen::Error::Emit { model, message }) => {
                return Err(TestCaseError::fail(format!(
                    "emitter bug on {model}: {message}"
                )));
            }
            // Refusing a schema (unknown type, missing relation...) is fine.
            Err(_) => {}
        }
    }
    Ok(out)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 192,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_schema_generates_code_that_parses(schema in schema()) {
        generate_and_parse(&schema)?;
    }

    /// Refusing is only for what cannot be generated (unknown types, relations
    /// without a target, a non-integer `id`): hostile names never are a reason.
    #[test]
    fn a_schema_without_those_always_generates(schema in generable_schema()) {
        for layout in [Layout::SingleFile("odoo.rs".into()), Layout::Tree] {
            if let Err(e) = emit::generate(&schema, &settings(layout, true)) {
                return Err(TestCaseError::fail(format!("refused: {e}")));
            }
        }
    }

    #[test]
    fn metadata_text_lands_only_in_docs_and_string_literals(
        schema in schema(),
        replacement in prop::collection::vec(text(), 1..6),
    ) {
        let hostile = with_text(&schema, &replacement);
        let plain = with_text(&schema, &["plain".to_owned()]);
        let a = generate_and_parse(&plain)?;
        let b = generate_and_parse(&hostile)?;
        // Same files, and the same code once docs and strings are blanked.
        prop_assert_eq!(
            a.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>(),
            b.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>()
        );
        for ((path, x), (_, y)) in a.iter().zip(&b) {
            if !path.ends_with(".rs") {
                continue;
            }
            let x = skeleton(x.parse().unwrap()).to_string();
            let y = skeleton(y.parse().unwrap()).to_string();
            prop_assert!(x == y, "{} differs beyond docs and strings:\n{}\n---\n{}", path, x, y);
        }
    }
}

/// `schema` with every human text (labels, help, descriptions, selection
/// labels; never keys or names) replaced, cycling through `texts`.
fn with_text(schema: &Schema, texts: &[String]) -> Schema {
    let mut next = texts.iter().cycle();
    let mut s = schema.clone();
    if s.methods_source.is_some() {
        s.methods_source = next.next().cloned();
    }
    // An annotation picks a type, so a replaced one keeps mapping to the same type: a
    // known annotation stays, an unknown one becomes other unknown text (the `¤` keeps
    // it from ever spelling a known one).
    let unknown = |a: &Option<String>, t: &String| -> Option<String> {
        let known = |x: &str| ANNOTATIONS[..15].contains(&x);
        match a {
            Some(x) if known(x) => Some(x.clone()),
            Some(_) => Some(format!("{t} ¤")),
            None => None,
        }
    };
    for m in s.models.values_mut() {
        for method in m.methods.values_mut() {
            method.doc = method.doc.as_ref().and(next.next().cloned());
            method.signature = method.signature.as_ref().and(next.next().cloned());
            method.model = method.model.as_ref().and(next.next().cloned());
            method.module = method.module.as_ref().and(next.next().cloned());
            let raise = std::mem::take(&mut method.raise);
            for (i, _) in raise.into_iter().enumerate() {
                let t = next.next().cloned().unwrap_or_default();
                method.raise.insert(format!("{i}{t}"), t);
            }
            if let Some(r) = method.returns.as_mut() {
                let t = next.next().cloned().unwrap_or_default();
                r.annotation = unknown(&r.annotation, &t);
                r.doc = r.doc.as_ref().and(next.next().cloned());
            }
            for p in method.parameters.iter_mut() {
                let t = next.next().cloned().unwrap_or_default();
                p.annotation = unknown(&p.annotation, &t);
                p.doc = p.doc.as_ref().and(next.next().cloned());
                if p.default.is_some() {
                    p.default = next.next().cloned().map(serde_json::Value::String);
                }
            }
        }
        if m.description.is_some() {
            m.description = next.next().cloned();
        }
        for f in m.fields.values_mut() {
            f.string = next.next().cloned().unwrap_or_default();
            if f.help.is_some() {
                f.help = next.next().cloned();
            }
            if let Some(sel) = f.selection.as_mut() {
                for (_, label) in sel.iter_mut() {
                    *label = next.next().cloned().unwrap_or_default();
                }
            }
        }
    }
    s
}

/// The code without doc attributes, and with every string literal blanked.
fn skeleton(tokens: TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        match tt {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                // `#[doc = ...]` or `#![doc = ...]`
                let mut look = iter.clone();
                let bang = matches!(look.peek(), Some(TokenTree::Punct(b)) if b.as_char() == '!');
                if bang {
                    look.next();
                }
                if let Some(TokenTree::Group(g)) = look.next()
                    && g.delimiter() == Delimiter::Bracket
                    && matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(i)) if i == "doc")
                {
                    if bang {
                        iter.next();
                    }
                    iter.next();
                    continue;
                }
                out.push(TokenTree::Punct(p));
            }
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), skeleton(g.stream()));
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
            }
            TokenTree::Literal(l) => {
                let s = l.to_string();
                if s.starts_with('"') || s.starts_with("r\"") || s.starts_with("r#") {
                    out.push(TokenTree::Literal(Literal::string("")));
                } else {
                    out.push(TokenTree::Literal(l));
                }
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

#[test]
fn a_hostile_schema_generates_no_item_from_its_text() {
    // Every text slot holds code-like text; the generated item tree must be
    // the same as with plain text, and no identifier `evil` may exist.
    let mut fields = BTreeMap::new();
    for (i, ttype) in TYPES.iter().filter(|t| **t != "weird_type").enumerate() {
        fields.insert(
            format!("f{i}_{ttype}"),
            Field {
                ttype: (*ttype).to_owned(),
                relation: Some(
                    if i % 2 == 0 {
                        "res.partner"
                    } else {
                        "no.such.model"
                    }
                    .into(),
                ),
                selection: Some(vec![
                    (SelectionKey::Str("a".into()), String::new()),
                    (SelectionKey::Str("b".into()), String::new()),
                ]),
                help: Some(String::new()),
                required: i % 3 == 0,
                ..Field::default()
            },
        );
    }
    let model = Model {
        description: Some(String::new()),
        module: "base".into(),
        modules: vec![],
        order: None,
        state: None,
        transient: false,
        fields,
        methods: hostile_methods(),
    };
    let schema = Schema {
        format: codegen::schema::FORMAT,
        erp: "odoo".into(),
        version: "18.0".into(),
        methods_source: Some(String::new()),
        models: [("res.partner".to_owned(), model)].into_iter().collect(),
    };
    let texts: Vec<String> = HOSTILE_TEXT.iter().map(|s| s.to_string()).collect();
    let hostile = with_text(&schema, &texts);
    let plain = with_text(&schema, &["plain".to_owned()]);
    let a = generate_and_parse(&plain).unwrap();
    let b = generate_and_parse(&hostile).unwrap();
    assert!(!b.is_empty());
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        if !path.ends_with(".rs") {
            continue;
        }
        let file = syn::parse_file(y).unwrap();
        let idents = skeleton(quote::quote!(#file)).to_string();
        assert!(!idents.contains("evil"), "{path}: {idents}");
        assert_eq!(
            skeleton(x.parse().unwrap()).to_string(),
            skeleton(y.parse().unwrap()).to_string(),
            "{path}"
        );
    }
    assert!(
        b.iter()
            .any(|(_, y)| y.contains("call_method(\"res.partner\", \"type\"")),
        "the business methods are generated"
    );
    // The hostile text is really there, inside docs or strings.
    assert!(
        b.iter().any(|(_, y)| y.contains("fn evil")),
        "the text should be kept as docs"
    );
}

/// rustc refuses bidirectional-override code points in comments and literals
/// (`text_direction_codepoint_in_comment`, deny by default), so a label or help
/// text holding one must not reach the generated file raw, or the generated
/// crate stops compiling. `emit/docs.rs` escapes them (fixed in 52e7b2e).
#[test]
fn bidi_control_characters_in_metadata_never_reach_the_output_raw() {
    let bidi = |c: char| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    let field = Field {
        ttype: "selection".into(),
        string: "label \u{202e}reversed".into(),
        help: Some("help \u{2066}isolate\u{2069}".into()),
        selection: Some(vec![(SelectionKey::Str("a".into()), "a \u{202b}b".into())]),
        ..Field::default()
    };
    let model = Model {
        description: Some("model \u{202d}text".into()),
        module: "base".into(),
        modules: vec![],
        order: None,
        state: None,
        transient: false,
        fields: [("state".to_owned(), field)].into_iter().collect(),
        methods: [(
            "action_x".to_owned(),
            Method {
                doc: Some("<p>doc \u{202e}reversed</p>".into()),
                raise: [("E\u{2066}".to_owned(), "when \u{2069}".to_owned())].into(),
                signature: Some("(a='\u{202a}')".into()),
                parameters: vec![Parameter {
                    name: "a".into(),
                    annotation: Some("str \u{202b}".into()),
                    default: Some(serde_json::json!("\u{202c}")),
                    ..Parameter::default()
                }],
                ..Method::default()
            },
        )]
        .into(),
    };
    let schema = Schema {
        format: codegen::schema::FORMAT,
        erp: "odoo".into(),
        version: "18.0".into(),
        methods_source: Some("source \u{202d}".into()),
        models: [("res.partner".to_owned(), model)].into_iter().collect(),
    };
    for (path, contents) in generate_and_parse(&schema).unwrap() {
        assert!(
            !contents.chars().any(bidi),
            "{path} holds a raw bidi code point: rustc will refuse it"
        );
    }
}

/// Methods whose every text slot is present (filled by `with_text`), with names and
/// parameters that stress the naming ladder.
fn hostile_methods() -> BTreeMap<String, Method> {
    let param = |name: &str, annotation: &str, default: bool, kind: Option<&str>| Parameter {
        name: name.into(),
        annotation: Some(annotation.into()),
        default: default.then(|| serde_json::json!("")),
        doc: Some(String::new()),
        kind: kind.map(str::to_owned),
    };
    let method = |api: &[&str], parameters: Vec<Parameter>| Method {
        api: api.iter().map(|s| s.to_string()).collect(),
        doc: Some(String::new()),
        parameters,
        raise: [("UserError".to_owned(), String::new())].into(),
        returns: Some(Return {
            annotation: Some("odd".into()),
            doc: Some(String::new()),
        }),
        signature: Some(String::new()),
        model: Some(String::new()),
        module: Some(String::new()),
        ..Method::default()
    };
    [
        ("action_confirm", method(&[], vec![])),
        (
            "type",
            method(
                &["model"],
                vec![
                    param("self", "int", false, None),
                    param("ids", "odd", true, None),
                ],
            ),
        ),
        (
            "Type",
            method(&[], vec![param("kw", "odd", false, Some("VAR_KEYWORD"))]),
        ),
        (
            "id",
            method(
                &[],
                vec![param("args", "odd", false, Some("VAR_POSITIONAL"))],
            ),
        ),
        (
            "fooBar",
            method(
                &[],
                vec![param("client", "str", true, Some("KEYWORD_ONLY"))],
            ),
        ),
        (
            "foo_bar",
            method(&[], vec![param("method_args", "odd", false, None)]),
        ),
    ]
    .into_iter()
    .map(|(n, m)| (n.to_owned(), m))
    .collect()
}
