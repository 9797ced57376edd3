//! Property tests of the generator on hostile schemas: Rust keywords, unicode,
//! names that start with digits or collide once cased, every field type (and
//! unknown ones), relations to models that are not in the schema, selections
//! with odd keys and labels.
//!
//! - Whatever the schema, generation does not panic, never reports an
//!   emitter bug (`Error::Emit`), and every file it writes parses with syn.
//! - Text from the metadata (labels, help, descriptions, selection labels)
//!   lands only in doc comments and string literals: two schemas that differ
//!   only in such text generate the same token tree once docs and string
//!   literals are blanked.

use std::collections::BTreeMap;

use codegen::emit::{self, Layout, Settings};
use codegen::schema::{Field, Model, Schema, SelectionKey};
use proc_macro2::{Delimiter, Group, Literal, TokenStream, TokenTree};
use proptest::prelude::*;

const TYPES: &[&str] = &[
    "char",
    "text",
    "html",
    "integer",
    "float",
    "monetary",
    "boolean",
    "date",
    "datetime",
    "selection",
    "many2one",
    "one2many",
    "many2many",
    "binary",
    "reference",
    "many2one_reference",
    "json",
    "properties",
    "properties_definition",
    "weird_type",
];

/// Names chosen to hurt: keywords, reserved and prelude names, digits first,
/// unicode, casing collisions, separators, empty-ish.
const NASTY: &[&str] = &[
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "fn",
    "async",
    "await",
    "dyn",
    "try",
    "union",
    "r#type",
    "_",
    "__",
    "id",
    "Id",
    "ID",
    "new",
    "default",
    "values",
    "clear",
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "std",
    "core",
    "runtime",
    "serde",
    "FIELDS",
    "MODEL",
    "1st",
    "2",
    "9lives",
    "café",
    "naïve",
    "数据",
    "ñandú",
    "x-y",
    "a.b",
    "a b",
    "fooBar",
    "foo_bar",
    "FooBar",
    "FOO_BAR",
    "foo__bar",
    "_foo",
    "foo_",
    "display_name",
    "name",
    "state",
    "Unknown",
    "unknown",
];

/// Text that would be code if it escaped a comment or a string.
const HOSTILE_TEXT: &[&str] = &[
    "*/ fn evil() {} /*",
    "\" ; fn evil() {} \"",
    "\\",
    "\\\"",
    "#[cfg(any())] fn evil() {}",
    "#![allow(warnings)]",
    "} fn evil() { ",
    "line one\nfn evil() {}\nline three",
    "\r\n// comment\r\n*/",
    "```rust\nfn evil() {}\n```",
    "    indented code block",
    "<script>alert(1)</script>",
    "[link](javascript:alert(1))",
    "$(rm -rf /) `backticks`",
    "\u{0}\u{1b}[31m\u{7f}",
    "\u{202e}reversed\u{2066}",
    "r#\"raw\"#",
    "'a",
    "",
    " ",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(NASTY).prop_map(str::to_owned),
        "[a-z][a-z0-9_]{0,10}",
        "[a-zA-Z0-9_ .\\-]{1,12}",
        "\\PC{1,8}",
    ]
}

fn model_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(NASTY).prop_map(str::to_owned),
        ("[a-z]{1,6}", "[a-z_]{1,8}").prop_map(|(a, b)| format!("{a}.{b}")),
        prop::sample::select(&["res.partner", "res_partner", "Res.Partner", "res..partner"][..])
            .prop_map(str::to_owned),
        "\\PC{1,8}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(HOSTILE_TEXT).prop_map(str::to_owned),
        "\\PC{0,30}",
        any::<String>(),
    ]
}

fn selection() -> impl Strategy<Value = Vec<(SelectionKey, String)>> {
    let key = prop_oneof![
        4 => name().prop_map(SelectionKey::Str),
        1 => any::<i64>().prop_map(SelectionKey::Int),
        1 => any::<bool>().prop_map(SelectionKey::Bool),
    ];
    prop::collection::vec((key, text()), 0..8)
}

/// A field of any type; relations point at `targets` or at a missing model.
fn field(targets: Vec<String>) -> impl Strategy<Value = Field> {
    let relation = prop_oneof![
        Just(None),
        Just(Some("no.such.model".to_owned())),
        prop::sample::select(if targets.is_empty() {
            vec!["res.partner".to_owned()]
        } else {
            targets
        })
        .prop_map(Some),
    ];
    (
        prop::sample::select(TYPES),
        relation,
        prop::option::of(selection()),
        text(),
        prop::option::of(text()),
        any::<(bool, bool)>(),
    )
        .prop_map(
            |(ttype, relation, selection, string, help, (required, readonly))| Field {
                ttype: ttype.to_owned(),
                relation,
                selection,
                string,
                help,
                required,
                readonly,
                ..Field::default()
            },
        )
}

fn schema() -> impl Strategy<Value = Schema> {
    prop::collection::btree_set(model_name(), 1..4)
        .prop_flat_map(|names| {
            let names: Vec<String> = names.into_iter().collect();
            let models: Vec<_> = names
                .iter()
                .map(|_| {
                    (
                        prop::collection::btree_map(name(), field(names.clone()), 0..8),
                        prop::option::of(text()),
                        prop::sample::select(&["base", "sale", "x-y", "数据", "fn"][..]),
                    )
                })
                .collect();
            (Just(names), models)
        })
        .prop_map(|(names, models)| Schema {
            format: codegen::schema::FORMAT,
            erp: "odoo".into(),
            version: "18.0".into(),
            models: names
                .into_iter()
                .zip(models)
                .map(|(n, (fields, description, module))| {
                    (
                        n,
                        Model {
                            description,
                            module: module.to_owned(),
                            modules: Vec::new(),
                            order: None,
                            state: None,
                            transient: false,
                            fields,
                        },
                    )
                })
                .collect(),
        })
}

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
    for m in s.models.values_mut() {
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
    };
    let schema = Schema {
        format: codegen::schema::FORMAT,
        erp: "odoo".into(),
        version: "18.0".into(),
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
    };
    let schema = Schema {
        format: codegen::schema::FORMAT,
        erp: "odoo".into(),
        version: "18.0".into(),
        models: [("res.partner".to_owned(), model)].into_iter().collect(),
    };
    for (path, contents) in generate_and_parse(&schema).unwrap() {
        assert!(
            !contents.chars().any(bidi),
            "{path} holds a raw bidi code point: rustc will refuse it"
        );
    }
}
