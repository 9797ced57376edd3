//! `codegen diff OLD NEW`: what changed between two snapshots, and which
//! changes break code generated from OLD when it talks to a NEW server.
//!
//! Breaking: a model or a read field removed (reads ask for it by name), a
//! field whose Rust type changes (decoding fails), a relation retargeted, a
//! field made required (creates built from OLD may omit it), a writable field
//! made readonly-and-computed (writes are ignored). Not breaking: additions,
//! selection values added (they decode as `Unknown`), labels and help.
//!
//! `client.verify::<M>()` in the runtime reports drift between compiled bindings and a live
//! server in the same categories and words (`codegen/tests/verify_parity.rs` holds the two
//! together).

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
