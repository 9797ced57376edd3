//! `codegen diff OLD NEW`: what changed between two snapshots, and which
//! changes break code generated from OLD when it talks to a NEW server.
//!
//! Breaking: a model or a read field removed (reads ask for it by name), a
//! field whose Rust type changes (decoding fails), a relation retargeted, a
//! field made required (creates built from OLD may omit it), a writable field
//! made readonly-and-computed (writes are ignored), a business method removed
//! (its wrapper's call fails), or its parameters or return annotation changed
//! (the wrapper's signature changes). Not breaking: additions, selection
//! values added (they decode as `Unknown`), labels, help and method docs.
//!
//! `client.verify::<M>()` in the runtime reports drift between compiled bindings and a live
//! server in the same categories and words (`codegen/tests/verify_parity.rs` holds the two
//! together; business methods are not part of that check).

use std::collections::BTreeSet;
use std::fmt;

use crate::schema::{Field, Schema, SelectionKey};
use crate::typemap::odoo::{self as typemap, RustType};

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
        match (old.models.get(name), new.models.get(name)) {
            (Some(_), None) => push(true, name.clone(), "model removed".into()),
            (None, Some(m)) => push(
                false,
                name.clone(),
                format!("model added ({} fields)", m.fields.len()),
            ),
            (Some(a), Some(b)) => {
                if a.module != b.module {
                    // The feature that gates the model moves: a build that
                    // enabled only the old feature loses the model.
                    push(
                        true,
                        name.clone(),
                        format!("defining module {} -> {}", a.module, b.module),
                    );
                }
                let methods: BTreeSet<&String> = a.methods.keys().chain(b.methods.keys()).collect();
                for m in methods {
                    let path = format!("{name}.{m}()");
                    match (a.methods.get(m), b.methods.get(m)) {
                        (Some(_), None) => push(true, path, "business method removed".into()),
                        (None, Some(_)) => push(false, path, "business method added".into()),
                        (Some(x), Some(y)) => {
                            let sig = method_shape;
                            if sig(x) != sig(y) {
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
                let fields: BTreeSet<&String> = a.fields.keys().chain(b.fields.keys()).collect();
                for f in fields {
                    let path = format!("{name}.{f}");
                    match (a.fields.get(f), b.fields.get(f)) {
                        (Some(x), None) => {
                            push(!x.reified, path, format!("field removed (was {})", x.ttype))
                        }
                        (None, Some(y)) => {
                            let req = if y.required && !y.is_computed() && !y.readonly {
                                " and required"
                            } else {
                                ""
                            };
                            push(
                                !req.is_empty(),
                                path,
                                format!("field added ({}){req}", y.ttype),
                            )
                        }
                        (Some(x), Some(y)) => field_changes(name, f, x, y, &path, &mut push),
                        (None, None) => {}
                    }
                }
            }
            (None, None) => {}
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

fn method_shape(m: &crate::methods::Method) -> Shape {
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

fn field_changes(
    model: &str,
    name: &str,
    x: &Field,
    y: &Field,
    path: &str,
    push: &mut impl FnMut(bool, String, String),
) {
    let tx = typemap::map(model, name, x).ok();
    let ty = typemap::map(model, name, y).ok();
    let shape = |t: &Option<RustType>| match t {
        // Selections compare by kind: value changes are reported below.
        Some(RustType::Selection(_)) => "selection".to_owned(),
        Some(other) => format!("{other:?}"),
        None => "unknown".to_owned(),
    };
    if x.ttype != y.ttype || x.relation != y.relation {
        let rust_changed = shape(&tx) != shape(&ty);
        let what = match (&x.relation, &y.relation) {
            (Some(a), Some(b)) if a != b => format!("relation {a} -> {b}"),
            _ => format!("type {} -> {}", x.ttype, y.ttype),
        };
        push(rust_changed, path.to_owned(), what);
    }
    if !x.required && y.required && !y.readonly && !y.is_computed() {
        push(true, path.to_owned(), "made required".into());
    } else if x.required && !y.required {
        push(false, path.to_owned(), "no longer required".into());
    }
    let writable = |f: &Field| !f.readonly || (f.store == Some(true) && !f.is_computed());
    if writable(x) && !writable(y) {
        push(true, path.to_owned(), "no longer writable".into());
    }
    if let (Some(a), Some(b)) = (&x.selection, &y.selection) {
        let ka: BTreeSet<_> = a.iter().map(|(k, _)| k).collect();
        let kb: BTreeSet<_> = b.iter().map(|(k, _)| k).collect();
        let added: Vec<String> = kb.difference(&ka).map(|k| show_key(k)).collect();
        let removed: Vec<String> = ka.difference(&kb).map(|k| show_key(k)).collect();
        if !added.is_empty() {
            push(
                false,
                path.to_owned(),
                format!("selection values added: {}", added.join(", ")),
            );
        }
        if !removed.is_empty() {
            // Code that sends a removed value gets a server error.
            push(
                true,
                path.to_owned(),
                format!("selection values removed: {}", removed.join(", ")),
            );
        }
    }
}

/// A selection key as `client.verify` prints it too: `"draft"`, `3`, `false`.
fn show_key(k: &SelectionKey) -> String {
    match k {
        SelectionKey::Str(s) => format!("{s:?}"),
        SelectionKey::Int(i) => i.to_string(),
        SelectionKey::Bool(b) => b.to_string(),
    }
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
        let m = |sig: &str, ann: &str| crate::methods::Method {
            signature: Some(sig.into()),
            parameters: vec![crate::methods::Parameter {
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
            crate::methods::Method {
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
}
