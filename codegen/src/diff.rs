//! `codegen diff OLD NEW`: what changed between two snapshots, and which
//! changes break code generated from OLD when it talks to a NEW server.
//!
//! Models and fields are compared by the `snapshot` crate's drift comparison
//! ([`snapshot::compare_model`], whose docs list the categories and breaking rules), the same
//! one `client.verify::<M>()` runs against a live server, so both print the same lines. This
//! module adds what only two snapshots know: the server version, and business methods. A
//! business method removed breaks (its wrapper's call fails), and so do changed parameters or
//! return annotation (the wrapper's signature changes); an added method or a new doc does not.

use std::collections::BTreeSet;
use std::fmt;

use snapshot::Scope;

use crate::schema::Schema;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub breaking: bool,
    /// `res.partner` or `res.partner.vat`.
    pub path: String,
    pub what: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = if self.breaking {
            "BREAKING"
        } else {
            "        "
        };
        write!(f, "{mark} {}: {}", self.path, self.what)
    }
}

impl From<snapshot::Change> for Change {
    fn from(c: snapshot::Change) -> Change {
        Change {
            breaking: c.breaking,
            path: c.path(),
            what: c.kind.to_string(),
        }
    }
}

pub fn diff(old: &Schema, new: &Schema) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push = |breaking: bool, path: String, what: String| {
        out.push(Change {
            breaking,
            path,
            what,
        })
    };
    if old.version != new.version {
        push(
            false,
            "(schema)".into(),
            format!("server version {} -> {}", old.version, new.version),
        );
    }
    let names: BTreeSet<&String> = old.models.keys().chain(new.models.keys()).collect();
    for name in names {
        let (a, b) = (old.models.get(name), new.models.get(name));
        let drift = snapshot::compare_model(
            name,
            a.map(|m| m.facts()).as_ref(),
            b.map(|m| m.facts()).as_ref(),
            Scope::Complete,
        );
        // The model's own changes, then its methods', then its fields'.
        let (model_level, fields): (Vec<_>, Vec<_>) =
            drift.into_iter().partition(|c| c.field.is_none());
        for c in model_level {
            let c = Change::from(c);
            push(c.breaking, c.path, c.what);
        }
        if let (Some(a), Some(b)) = (a, b) {
            let methods: BTreeSet<&String> = a.methods.keys().chain(b.methods.keys()).collect();
            for m in methods {
                let path = format!("{name}.{m}()");
                match (a.methods.get(m), b.methods.get(m)) {
                    (Some(_), None) => push(true, path, "business method removed".into()),
                    (None, Some(_)) => push(false, path, "business method added".into()),
                    (Some(x), Some(y)) => {
                        if method_shape(x) != method_shape(y) {
                            let what = match (&x.signature, &y.signature) {
                                (Some(a), Some(b)) if a != b => format!("signature {a} -> {b}"),
                                _ => "parameters or return annotation changed".into(),
                            };
                            push(true, path, what);
                        }
                    }
                    (None, None) => {}
                }
            }
        }
        for c in fields {
            let c = Change::from(c);
            push(c.breaking, c.path, c.what);
        }
    }
    out
}

/// What a wrapper's signature depends on: parameters (name, annotation, has a
/// default, kind), the return annotation, and whether it takes ids.
type Shape = (
    Vec<(String, Option<String>, bool, Option<String>)>,
    Option<String>,
    bool,
);

fn method_shape(m: &crate::schema::methods::Method) -> Shape {
    let params = m
        .parameters
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.annotation.clone(),
                p.default.is_some(),
                p.kind.clone(),
            )
        })
        .collect();
    let ret = m.returns.as_ref().and_then(|r| r.annotation.clone());
    (params, ret, m.is_model_method())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn schema(fields: serde_json::Value) -> Schema {
        let mut fg = BTreeMap::new();
        fg.insert("res.partner".to_owned(), fields);
        Schema::from_odoo("18.0", &[], fg).unwrap()
    }

    #[test]
    fn business_methods() {
        let mut old = schema(json!({"id": {"name": "id", "type": "integer"}}));
        let mut new = old.clone();
        let m = |sig: &str, ann: &str| crate::schema::methods::Method {
            signature: Some(sig.into()),
            parameters: vec![crate::schema::methods::Parameter {
                name: "x".into(),
                annotation: Some(ann.into()),
                ..Default::default()
            }],
            doc: Some(sig.into()),
            ..Default::default()
        };
        let old_m = &mut old.models.get_mut("res.partner").unwrap().methods;
        old_m.insert("gone".into(), m("(x)", "int"));
        old_m.insert("same".into(), m("(x)", "int"));
        old_m.insert("retyped".into(), m("(x: int)", "int"));
        let new_m = &mut new.models.get_mut("res.partner").unwrap().methods;
        new_m.insert("added".into(), m("(x)", "int"));
        new_m.insert(
            "same".into(),
            crate::schema::methods::Method {
                doc: Some("new doc".into()),
                ..m("(x)", "int")
            },
        );
        new_m.insert("retyped".into(), m("(x: str)", "str"));
        let lines: Vec<String> = diff(&old, &new).iter().map(|c| c.to_string()).collect();
        assert_eq!(
            lines,
            [
                "         res.partner.added(): business method added",
                "BREAKING res.partner.gone(): business method removed",
                "BREAKING res.partner.retyped(): signature (x: int) -> (x: str)",
            ]
        );
    }

    #[test]
    fn classifies_changes() {
        let old = schema(json!({
            "id": {"name": "id", "type": "integer"},
            "name": {"name": "name", "type": "char"},
            "ref": {"name": "ref", "type": "char"},
            "note": {"name": "note", "type": "char"},
            "kind": {"name": "kind", "type": "selection", "selection": [["a", "A"], ["b", "B"]]},
            "vat": {"name": "vat", "type": "char"}
        }));
        let new = schema(json!({
            "id": {"name": "id", "type": "integer"},
            "name": {"name": "name", "type": "char", "required": true},
            "note": {"name": "note", "type": "text"},
            "kind": {"name": "kind", "type": "selection", "selection": [["a", "A"], ["c", "C"]]},
            "vat": {"name": "vat", "type": "integer"},
            "email": {"name": "email", "type": "char"}
        }));
        let lines: Vec<String> = diff(&old, &new).iter().map(|c| c.to_string()).collect();
        assert_eq!(
            lines,
            [
                "         res.partner.email: field added (char)",
                "         res.partner.kind: selection values added: \"c\"",
                "BREAKING res.partner.kind: selection values removed: \"b\"",
                "BREAKING res.partner.name: made required",
                "         res.partner.note: type char -> text",
                "BREAKING res.partner.ref: field removed (was char)",
                "BREAKING res.partner.vat: type char -> integer",
            ]
        );
    }

    #[test]
    fn integer_selection_keys_are_compared() {
        let old = schema(json!({
            "id": {"name": "id", "type": "integer"},
            "level": {"name": "level", "type": "selection", "selection": [[1, "Low"], [2, "High"]]}
        }));
        let new = schema(json!({
            "id": {"name": "id", "type": "integer"},
            "level": {"name": "level", "type": "selection", "selection": [[1, "Low"], [3, "Top"]]}
        }));
        let lines: Vec<String> = diff(&old, &new).iter().map(|c| c.to_string()).collect();
        assert_eq!(
            lines,
            [
                "         res.partner.level: selection values added: \"3\"",
                "BREAKING res.partner.level: selection values removed: \"2\"",
            ]
        );
    }
}
