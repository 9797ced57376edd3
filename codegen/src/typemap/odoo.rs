//! The one table from Odoo field types to Rust types. Which kind of Rust type a `ttype`
//! is comes from [`snapshot::rust_kind`] (the rule the drift comparison and the derive's
//! schema check read too); this module adds what the kind leaves open: the target model,
//! and whether a selection becomes an enum. Everything after this module matches on
//! [`RustType`] only; nothing else looks at `ttype` strings.
//!
//! | Odoo `type`                                   | record field type                  |
//! |-----------------------------------------------|------------------------------------|
//! | `char`, `text`, `html`                        | `Option<String>`                   |
//! | `integer`                                     | `i64`                              |
//! | `float`, `monetary`                           | `f64` (digits / currency in docs)  |
//! | `boolean`                                     | `bool`                             |
//! | `date`                                        | `Option<chrono::NaiveDate>`        |
//! | `datetime`                                    | `Option<chrono::DateTime<Utc>>`    |
//! | `selection` (≤ [`MAX_SELECTION_VARIANTS`])    | `Option<EnumPerField>` + `Unknown(String)` |
//! | `selection` (empty, larger, non-string keys)  | `Option<String>` / `Option<Value>` |
//! | `many2one`                                    | `Option<Many2One<Target>>`         |
//! | `one2many`, `many2many`                       | `X2Many<Target>` (id list)         |
//! | `binary` (also images)                        | `Option<Binary>` (base64 on the wire) |
//! | `reference`                                   | `Option<Reference>` (model, id)    |
//! | `many2one_reference`                          | `Option<i64>` (model in `model_field`) |
//! | `json`, `properties`, `properties_definition` | `Option<serde_json::Value>`        |
//!
//! `Option` means Odoo's `false` for "empty" decodes to `None`. Integers,
//! floats and booleans read as `0`, `0.0` and `false` when empty, so they
//! are not wrapped.

use snapshot::{RustKind, rust_kind};

use crate::error::{Error, Result};
use crate::schema::Field;

/// Selections with more values than this are server-computed lists (time
/// zones: ~600, installed models: ~560): an enum of that size costs compile
/// time and is not what a caller matches on, so they map to `String`.
pub const MAX_SELECTION_VARIANTS: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub enum RustType {
    String,
    Integer,
    Float,
    Bool,
    Date,
    DateTime,
    /// An enum generated for this field: `(wire value, label)` in server order.
    Selection(Vec<(String, String)>),
    /// A selection too large for an enum: the wire string.
    SelectionString,
    /// `target`: the related model's technical name.
    Many2One {
        target: String,
    },
    X2Many {
        target: String,
    },
    Binary,
    Reference,
    Many2OneReference,
    Json,
}

impl RustType {
    /// Its kind: the type without the target model or the selection's values.
    pub fn kind(&self) -> RustKind {
        match self {
            RustType::String => RustKind::String,
            RustType::Integer => RustKind::Integer,
            RustType::Float => RustKind::Float,
            RustType::Bool => RustKind::Bool,
            RustType::Date => RustKind::Date,
            RustType::DateTime => RustKind::DateTime,
            RustType::Selection(_) | RustType::SelectionString => RustKind::Selection,
            RustType::Many2One { .. } => RustKind::Many2One,
            RustType::X2Many { .. } => RustKind::X2Many,
            RustType::Binary => RustKind::Binary,
            RustType::Reference => RustKind::Reference,
            RustType::Many2OneReference => RustKind::Many2OneReference,
            RustType::Json => RustKind::Json,
        }
    }

    /// Wrapped in `Option`, with `false` decoding to `None` ([`RustKind::nullable`]).
    pub fn nullable(&self) -> bool {
        self.kind().nullable()
    }

    pub fn target(&self) -> Option<&str> {
        match self {
            RustType::Many2One { target } | RustType::X2Many { target } => Some(target),
            _ => None,
        }
    }
}

/// Map one field. Unknown types are an error naming model and field: guessing
/// would produce code that decodes wrongly at run time.
pub fn map(model: &str, name: &str, field: &Field) -> Result<RustType> {
    let relation = || {
        field.relation.clone().ok_or_else(|| Error::Input {
            what: format!("model {model}, field {name}"),
            message: format!("{} field without `relation`", field.ttype),
        })
    };
    let Some(kind) = rust_kind(&field.ttype) else {
        return Err(Error::UnknownFieldType {
            model: model.to_owned(),
            field: name.to_owned(),
            ttype: field.ttype.clone(),
        });
    };
    Ok(match kind {
        RustKind::String => RustType::String,
        RustKind::Integer => RustType::Integer,
        RustKind::Float => RustType::Float,
        RustKind::Bool => RustType::Bool,
        RustKind::Date => RustType::Date,
        RustKind::DateTime => RustType::DateTime,
        RustKind::Selection => {
            let options = field.selection.as_deref().unwrap_or_default();
            let mut strings: Option<Vec<(String, String)>> = options
                .iter()
                .map(|(k, label)| k.as_str().map(|k| (k.to_owned(), label.clone())))
                .collect();
            // A value listed twice is one value (the first label kept): it
            // cannot be two variants with the same wire form.
            if let Some(v) = strings.as_mut() {
                let mut seen = std::collections::BTreeSet::new();
                v.retain(|(k, _)| seen.insert(k.clone()));
            }
            match strings {
                // Integer or `false` keys: no enum can name them faithfully.
                None => RustType::Json,
                Some(v) if v.len() > MAX_SELECTION_VARIANTS => RustType::SelectionString,
                // An empty list: the server fills it per database (e.g. QR
                // code methods of installed payment apps); no enum to build.
                Some(v) if v.is_empty() => RustType::SelectionString,
                // A selection whose values the server computes per request
                // (e.g. `lang`) still gets an enum: `Unknown(String)` takes the rest.
                Some(v) => RustType::Selection(v),
            }
        }
        RustKind::Many2One => RustType::Many2One {
            target: relation()?,
        },
        RustKind::X2Many => RustType::X2Many {
            target: relation()?,
        },
        RustKind::Binary => RustType::Binary,
        RustKind::Reference => RustType::Reference,
        RustKind::Many2OneReference => RustType::Many2OneReference,
        RustKind::Json => RustType::Json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::SelectionKey;

    fn f(ttype: &str) -> Field {
        Field {
            ttype: ttype.into(),
            relation: Some("res.partner".into()),
            ..Default::default()
        }
    }

    #[test]
    fn every_odoo_type_has_a_mapping() {
        let table = [
            ("char", RustType::String),
            ("text", RustType::String),
            ("html", RustType::String),
            ("integer", RustType::Integer),
            ("float", RustType::Float),
            ("monetary", RustType::Float),
            ("boolean", RustType::Bool),
            ("date", RustType::Date),
            ("datetime", RustType::DateTime),
            ("selection", RustType::SelectionString),
            (
                "many2one",
                RustType::Many2One {
                    target: "res.partner".into(),
                },
            ),
            (
                "one2many",
                RustType::X2Many {
                    target: "res.partner".into(),
                },
            ),
            (
                "many2many",
                RustType::X2Many {
                    target: "res.partner".into(),
                },
            ),
            ("binary", RustType::Binary),
            ("reference", RustType::Reference),
            ("many2one_reference", RustType::Many2OneReference),
            ("json", RustType::Json),
            ("properties", RustType::Json),
            ("properties_definition", RustType::Json),
        ];
        for (ttype, want) in table {
            assert_eq!(map("m", "f", &f(ttype)).unwrap(), want, "{ttype}");
        }
    }

    #[test]
    fn unknown_type_names_model_and_field() {
        let e = map("res.partner", "vibe", &f("vibes")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "model res.partner, field vibe: unknown Odoo field type `vibes`"
        );
    }

    #[test]
    fn selections_by_shape() {
        let mut field = f("selection");
        field.selection = Some(vec![
            (SelectionKey::Bool(false), String::new()),
            (SelectionKey::Int(16), "Officer".into()),
        ]);
        assert_eq!(map("m", "f", &field).unwrap(), RustType::Json);
        field.selection = Some(
            (0..=MAX_SELECTION_VARIANTS)
                .map(|i| (SelectionKey::Str(format!("v{i}")), String::new()))
                .collect(),
        );
        assert_eq!(map("m", "f", &field).unwrap(), RustType::SelectionString);
        // A value listed twice becomes one variant, with the first label.
        field.selection = Some(vec![
            (SelectionKey::Str("a".into()), "First".into()),
            (SelectionKey::Str("b".into()), "B".into()),
            (SelectionKey::Str("a".into()), "Again".into()),
        ]);
        assert_eq!(
            map("m", "f", &field).unwrap(),
            RustType::Selection(vec![("a".into(), "First".into()), ("b".into(), "B".into())])
        );
    }
}
