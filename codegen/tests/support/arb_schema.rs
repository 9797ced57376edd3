//! Strategies for arbitrary, hostile Odoo schemas. Shared by the property
//! tests (`proptest_schema.rs`) and by `example-buildrs/build.rs`, which
//! compiles a seeded sample of them in every CI run.

#![allow(dead_code)]

use codegen::schema::methods::{Method, Parameter, Return};
use codegen::schema::{Field, Model, Schema, SelectionKey};
use proptest::prelude::*;

pub const TYPES: &[&str] = &[
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
pub const NASTY: &[&str] = &[
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
pub const HOSTILE_TEXT: &[&str] = &[
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

pub fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(NASTY).prop_map(str::to_owned),
        "[a-z][a-z0-9_]{0,10}",
        "[a-zA-Z0-9_ .\\-]{1,12}",
        "\\PC{1,8}",
    ]
}

pub fn model_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(NASTY).prop_map(str::to_owned),
        ("[a-z]{1,6}", "[a-z_]{1,8}").prop_map(|(a, b)| format!("{a}.{b}")),
        prop::sample::select(&["res.partner", "res_partner", "Res.Partner", "res..partner"][..])
            .prop_map(str::to_owned),
        "\\PC{1,8}",
    ]
}

pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(HOSTILE_TEXT).prop_map(str::to_owned),
        "\\PC{0,30}",
        any::<String>(),
    ]
}

pub fn selection() -> impl Strategy<Value = Vec<(SelectionKey, String)>> {
    let key = prop_oneof![
        4 => name().prop_map(SelectionKey::Str),
        1 => any::<i64>().prop_map(SelectionKey::Int),
        1 => any::<bool>().prop_map(SelectionKey::Bool),
    ];
    prop::collection::vec((key, text()), 0..8)
}

/// A field of any type; relations point at `targets` or at a missing model.
pub fn field(targets: Vec<String>) -> impl Strategy<Value = Field> {
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

/// Annotations the typemap knows, and some it does not.
pub const ANNOTATIONS: &[&str] = &[
    "int",
    "int | None",
    "str",
    "bool",
    "float",
    "list[int]",
    "Self",
    "Sequence[str]",
    "DomainType",
    "DomainType | None",
    "ValuesType",
    "list[ValuesType]",
    "None",
    "dict",
    "typing.Literal[True]",
    "tuple[int, str] | typing.Literal[False]",
    "Optional[",
    "|",
    "",
];

pub const KINDS: &[Option<&str>] = &[
    None,
    Some("KEYWORD_ONLY"),
    Some("VAR_KEYWORD"),
    Some("VAR_POSITIONAL"),
    Some("POSITIONAL_ONLY"),
];

pub const APIS: &[&[&str]] = &[&[], &["model"], &["model", "readonly"]];

pub fn parameter() -> impl Strategy<Value = Parameter> {
    (
        name(),
        prop::option::of(prop::sample::select(ANNOTATIONS)),
        prop::option::of(text()),
        prop::option::of(text()),
        prop::sample::select(KINDS),
    )
        .prop_map(|(name, annotation, default, doc, kind)| Parameter {
            name,
            annotation: annotation.map(str::to_owned),
            default: default.map(serde_json::Value::String),
            doc,
            kind: kind.map(str::to_owned),
        })
}

pub fn method() -> impl Strategy<Value = Method> {
    (
        prop::sample::select(APIS),
        prop::option::of(text()),
        prop::collection::vec(parameter(), 0..5),
        prop::collection::btree_map(text(), text(), 0..3),
        prop::option::of((
            prop::option::of(prop::sample::select(ANNOTATIONS)),
            prop::option::of(text()),
        )),
        prop::option::of(text()),
        (prop::option::of(text()), prop::option::of(text())),
    )
        .prop_map(
            |(api, doc, parameters, raise, returns, signature, (model, module))| Method {
                api: api.iter().map(|s| s.to_string()).collect(),
                doc,
                parameters,
                raise,
                returns: returns.map(|(annotation, doc)| Return {
                    annotation: annotation.map(str::to_owned),
                    doc,
                }),
                signature,
                model,
                module,
                ..Method::default()
            },
        )
}

/// Method names: the nasty ones, `action_*`/`button_*` (typed as actions), CRUD names.
pub fn method_name() -> impl Strategy<Value = String> {
    prop_oneof![
        name(),
        "(action|button)_[a-z]{1,6}",
        prop::sample::select(
            &[
                "write",
                "search_read",
                "create",
                "_private",
                "from_record",
                "fmt"
            ][..]
        )
        .prop_map(str::to_owned),
    ]
}

pub fn schema() -> impl Strategy<Value = Schema> {
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
                        prop::collection::btree_map(method_name(), method(), 0..4),
                    )
                })
                .collect();
            (Just(names), models)
        })
        .prop_map(|(names, models)| Schema {
            format: codegen::schema::FORMAT,
            erp: "odoo".into(),
            version: "18.0".into(),
            methods_source: Some("a source".into()),
            models: names
                .into_iter()
                .zip(models)
                .map(|(n, (fields, description, module, methods))| {
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
                            methods,
                        },
                    )
                })
                .collect(),
        })
}

/// Like [`schema`], minus the things the generator refuses by design (an
/// unknown field type; a relational field without `relation`; an `id` that
/// is not an integer), so that every
/// schema drawn must generate, and the generated code must compile.
pub fn generable_schema() -> impl Strategy<Value = Schema> {
    schema().prop_map(|mut s| {
        for m in s.models.values_mut() {
            for (wire, f) in m.fields.iter_mut() {
                // Odoo's record id is always an integer (a schema saying
                // otherwise is refused with a clear error).
                if wire == "id" {
                    f.ttype = "integer".into();
                }
                if f.ttype == "weird_type" {
                    f.ttype = "char".into();
                }
                if matches!(f.ttype.as_str(), "many2one" | "one2many" | "many2many")
                    && f.relation.is_none()
                {
                    f.relation = Some("no.such.model".into());
                }
            }
        }
        s
    })
}
