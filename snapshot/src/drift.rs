//! The drift comparison: what differs between two descriptions of one model, and which
//! differences break code generated from the OLD one when it talks to a NEW server.
//!
//! `codegen diff OLD NEW` compares two snapshots with it; `client.verify::<M>()` compares
//! the compiled bindings (OLD) with the server's `fields_get` (NEW). One function, so the
//! two tell the same story in the same words:
//!
//! ```text
//! BREAKING sale.order.line.product_uom: field removed (was many2one)
//! BREAKING res.partner.vat: type char -> integer
//!          res.partner.note: type char -> text
//! BREAKING res.partner.kind: selection values removed: "b"
//! ```
//!
//! Breaking: a model or a field removed (reads ask for it by name), a field whose Rust type
//! changes (decoding fails, see [`same_rust_type`]), a relation retargeted, a field made
//! required or added as required (creates built from OLD omit it), a writable field made
//! read-only (writes are ignored), selection values removed (sending one fails), the
//! defining module moved (the feature that gates the model changes). Not breaking:
//! additions, selection values added (they decode as `Unknown`), a field no longer required.
//!
//! What is not compared: Odoo ≤18's reified group fields (they exist in `fields_get` only);
//! a field restricted to groups that NEW lacks when NEW is one user's view
//! ([`ModelFacts::one_users_view`]: `fields_get` hides it from a user outside the groups); selection values when OLD knew
//! none (computed per database); writability and the module when either side does not say.

use std::collections::BTreeSet;
use std::fmt;

use crate::facts::{FieldFacts, ModelFacts, UNKNOWN_TYPE};
use crate::types::same_rust_type;

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Breaks code generated from OLD.
    pub breaking: bool,
    pub model: String,
    /// `None` for a model-level difference.
    pub field: Option<String>,
    pub kind: Drift,
}

/// What differs, by category.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Drift {
    /// NEW has no such model.
    ModelMissing,
    /// OLD had no such model; NEW's has this many fields.
    ModelAdded { fields: usize },
    /// The module that defines the model changed.
    ModuleChanged { from: String, to: String },
    /// NEW's model has no such field; `ttype` is OLD's type.
    FieldMissing { ttype: String },
    /// NEW has a field OLD does not (reported for complete models only, see [`Scope`]).
    FieldAdded { ttype: String, required: bool },
    /// The Odoo type changed; breaking when the Rust type changes with it.
    TypeChanged { from: String, to: String },
    /// A relational field points at another model.
    RelationChanged { from: String, to: String },
    /// Required in NEW (for creates), not in OLD.
    MadeRequired,
    /// Required in OLD, not in NEW.
    NoLongerRequired,
    /// Writable in OLD, writes ignored in NEW.
    NoLongerWritable,
    /// Selection keys NEW has and OLD does not (they decode as `Unknown`).
    SelectionValuesAdded(Vec<String>),
    /// Selection keys OLD has and NEW does not (sending one fails).
    SelectionValuesRemoved(Vec<String>),
}

/// Which fields of NEW are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// OLD lists every field of the model: NEW's other fields are additions.
    Complete,
    /// OLD lists some fields only (a projection): only those are compared.
    Listed,
}

impl Change {
    /// `res.partner` or `res.partner.vat`.
    pub fn path(&self) -> String {
        match &self.field {
            Some(f) => format!("{}.{f}", self.model),
            None => self.model.clone(),
        }
    }
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Drift::ModelMissing => f.write_str("model removed"),
            Drift::ModelAdded { fields } => write!(f, "model added ({fields} fields)"),
            Drift::ModuleChanged { from, to } => write!(f, "defining module {from} -> {to}"),
            Drift::FieldMissing { ttype } => write!(f, "field removed (was {ttype})"),
            Drift::FieldAdded { ttype, required } => {
                write!(f, "field added ({ttype})")?;
                if *required {
                    f.write_str(" and required")?;
                }
                Ok(())
            }
            Drift::TypeChanged { from, to } => write!(f, "type {from} -> {to}"),
            Drift::RelationChanged { from, to } => write!(f, "relation {from} -> {to}"),
            Drift::MadeRequired => f.write_str("made required"),
            Drift::NoLongerRequired => f.write_str("no longer required"),
            Drift::NoLongerWritable => f.write_str("no longer writable"),
            Drift::SelectionValuesAdded(v) => write!(f, "selection values added: {}", quoted(v)),
            Drift::SelectionValuesRemoved(v) => {
                write!(f, "selection values removed: {}", quoted(v))
            }
        }
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("{v:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `BREAKING res.partner.vat: type char -> integer`; a change that breaks nothing is
/// indented as far.
impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = if self.breaking {
            "BREAKING"
        } else {
            "        "
        };
        write!(f, "{mark} {}: {}", self.path(), self.kind)
    }
}

/// Compare one model as OLD and NEW describe it (`None`: absent). Model-level changes come
/// first, then fields in name order, each field's changes in the order of [`Drift`].
pub fn compare_model(
    model: &str,
    old: Option<&ModelFacts>,
    new: Option<&ModelFacts>,
    scope: Scope,
) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |breaking: bool, field: Option<&str>, kind: Drift| {
        out.push(Change {
            breaking,
            model: model.to_owned(),
            field: field.map(str::to_owned),
            kind,
        })
    };
    let (old, new) = match (old, new) {
        (Some(a), Some(b)) => (a, b),
        (Some(_), None) => {
            push(true, None, Drift::ModelMissing);
            return out;
        }
        (None, Some(b)) => {
            let fields = b.fields.len();
            push(false, None, Drift::ModelAdded { fields });
            return out;
        }
        (None, None) => return out,
    };
    if let (Some(a), Some(b)) = (&old.module, &new.module)
        && a != b
    {
        // A build that enabled only the old feature loses the model.
        let (from, to) = (a.clone(), b.clone());
        push(true, None, Drift::ModuleChanged { from, to });
    }
    let real = |f: &&FieldFacts| !f.reified;
    let mut names: BTreeSet<&str> = old.fields.keys().map(String::as_str).collect();
    if scope == Scope::Complete {
        names.extend(new.fields.keys().map(String::as_str));
    }
    for name in names {
        let x = old.fields.get(name).filter(real);
        let y = new.fields.get(name).filter(real);
        match (x, y) {
            // Hidden from the user who asked for NEW: absent is what OLD expects.
            (Some(x), None) if x.restricted && new.one_users_view => {}
            (Some(x), None) => {
                let ttype = x.ttype.clone();
                push(true, Some(name), Drift::FieldMissing { ttype })
            }
            (None, Some(y)) => {
                let required = y.required_on_create();
                let ttype = y.ttype.clone();
                push(required, Some(name), Drift::FieldAdded { ttype, required })
            }
            (Some(x), Some(y)) => field(x, y, &mut |b, k| push(b, Some(name), k)),
            (None, None) => {}
        }
    }
    out
}

fn field(x: &FieldFacts, y: &FieldFacts, push: &mut impl FnMut(bool, Drift)) {
    if x.ttype == UNKNOWN_TYPE {
        // Known by name only: it exists, and that is all there is to compare.
        return;
    }
    if x.ttype != y.ttype || x.relation != y.relation {
        match (&x.relation, &y.relation) {
            (Some(a), Some(b)) if a != b => push(
                true,
                Drift::RelationChanged {
                    from: a.clone(),
                    to: b.clone(),
                },
            ),
            _ => push(
                !same_rust_type(&x.ttype, &y.ttype),
                Drift::TypeChanged {
                    from: x.ttype.clone(),
                    to: y.ttype.clone(),
                },
            ),
        }
    }
    if !x.required && y.required_on_create() {
        push(true, Drift::MadeRequired);
    } else if x.required && !y.required {
        push(false, Drift::NoLongerRequired);
    }
    if x.writable == Some(true) && y.writable == Some(false) {
        push(true, Drift::NoLongerWritable);
    }
    let (Some(a), Some(b)) = (&x.selection, &y.selection) else {
        return;
    };
    // Nothing known on OLD's side: a selection the server computes per database.
    if a.is_empty() {
        return;
    }
    let ka: BTreeSet<&String> = a.iter().collect();
    let kb: BTreeSet<&String> = b.iter().collect();
    let added: Vec<String> = kb.difference(&ka).map(|k| k.to_string()).collect();
    let removed: Vec<String> = ka.difference(&kb).map(|k| k.to_string()).collect();
    if !added.is_empty() {
        push(false, Drift::SelectionValuesAdded(added));
    }
    if !removed.is_empty() {
        push(true, Drift::SelectionValuesRemoved(removed));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model(v: serde_json::Value) -> ModelFacts {
        serde_json::from_value(json!({ "fields": v })).unwrap()
    }

    fn lines(changes: &[Change]) -> Vec<String> {
        changes.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn classifies_every_category() {
        let old = model(json!({
            "id": {"type": "integer"},
            "kind": {"type": "selection", "selection": [["a", "A"], ["b", "B"]]},
            "name": {"type": "char"},
            "note": {"type": "char"},
            "parent_id": {"type": "many2one", "relation": "res.partner"},
            "ref": {"type": "char", "required": true},
            "code": {"type": "char", "required": true},
            "vat": {"type": "char"},
            "in_group_7": {"type": "boolean", "reified": true},
            "secret": {"type": "char", "groups": "base.group_system"}
        }));
        let new = model(json!({
            "id": {"type": "integer"},
            "kind": {"type": "selection", "selection": [["a", "A"], ["c", "C"]]},
            "name": {"type": "char", "required": true},
            "note": {"type": "text"},
            "parent_id": {"type": "many2one", "relation": "res.users"},
            "code": {"type": "char", "readonly": true, "related": "x.code"},
            "vat": {"type": "integer"},
            "email": {"type": "char"},
            "must": {"type": "char", "required": true},
            "in_group_8": {"type": "boolean", "reified": true}
        }));
        // A snapshot lists restricted fields too: `secret`'s absence is a removal there.
        let as_snapshot = compare_model("res.partner", Some(&old), Some(&new), Scope::Complete);
        assert!(
            lines(&as_snapshot)
                .contains(&"BREAKING res.partner.secret: field removed (was char)".to_owned())
        );
        // One user's fields_get (verify) hides it.
        let mut new = new;
        new.one_users_view = true;
        let got = compare_model("res.partner", Some(&old), Some(&new), Scope::Complete);
        assert_eq!(
            lines(&got),
            [
                "         res.partner.code: no longer required",
                "BREAKING res.partner.code: no longer writable",
                "         res.partner.email: field added (char)",
                "         res.partner.kind: selection values added: \"c\"",
                "BREAKING res.partner.kind: selection values removed: \"b\"",
                "BREAKING res.partner.must: field added (char) and required",
                "BREAKING res.partner.name: made required",
                "         res.partner.note: type char -> text",
                "BREAKING res.partner.parent_id: relation res.partner -> res.users",
                "BREAKING res.partner.ref: field removed (was char)",
                "BREAKING res.partner.vat: type char -> integer",
            ]
        );
        // A projection compares its own fields only.
        let listed = compare_model("res.partner", Some(&old), Some(&new), Scope::Listed);
        assert!(!lines(&listed).iter().any(|l| l.contains("added (")));
    }

    #[test]
    fn models_and_modules() {
        let mut a = model(json!({"id": {"type": "integer"}}));
        assert_eq!(
            lines(&compare_model("a.b", Some(&a), None, Scope::Complete)),
            ["BREAKING a.b: model removed"]
        );
        assert_eq!(
            lines(&compare_model("a.b", None, Some(&a), Scope::Complete)),
            ["         a.b: model added (1 fields)"]
        );
        let mut b = a.clone();
        a.module = Some("sale".into());
        assert!(compare_model("a.b", Some(&a), Some(&b), Scope::Complete).is_empty());
        b.module = Some("sale_management".into());
        assert_eq!(
            lines(&compare_model("a.b", Some(&a), Some(&b), Scope::Complete)),
            ["BREAKING a.b: defining module sale -> sale_management"]
        );
    }

    #[test]
    fn unknown_old_facts_are_not_compared() {
        let mut old = ModelFacts::default();
        old.fields.insert("x".into(), FieldFacts::exists());
        old.fields.insert("gone".into(), FieldFacts::exists());
        let mut sel = FieldFacts::new("selection");
        sel.selection = Some(vec![]);
        old.fields.insert("tz".into(), sel);
        let new = model(json!({
            "x": {"type": "char", "readonly": true, "related": "y"},
            "tz": {"type": "selection", "selection": [["UTC", "UTC"]]}
        }));
        assert_eq!(
            lines(&compare_model("m", Some(&old), Some(&new), Scope::Listed)),
            ["BREAKING m.gone: field removed (was unknown)"]
        );
    }
}
