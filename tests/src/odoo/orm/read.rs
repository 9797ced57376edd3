//! `read`, `fields_get` and `name_search`: what a read answers for each field asked.

use serde_json::{Value, json};

use crate::odoo::errors::OdooError;
use crate::odoo::fixtures::Obj;
use crate::odoo::schema::{FType, FieldInfo};
use crate::odoo::store::record_display_name;
use crate::odoo::{domain, pyrepr};

use super::Orm;

impl Orm<'_> {
    /// The `fields` argument: `None` (or empty) means all fields.
    pub(super) fn field_list(
        &self,
        model: &str,
        fields: Option<&Value>,
    ) -> Result<Vec<FieldInfo>, OdooError> {
        let schema = self
            .schema(model)
            .ok_or_else(|| self.errors().unknown_model(self.env.via, model))?;
        let names: Vec<String> = match fields {
            Some(Value::Array(items)) if !items.is_empty() => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => {
                if schema.is_schemaless() {
                    let mut keys: Vec<String> = self
                        .store
                        .records(model)
                        .map(|r| {
                            r.values()
                                .flat_map(|rec| rec.keys().cloned())
                                .collect::<std::collections::BTreeSet<_>>()
                                .into_iter()
                                .collect()
                        })
                        .unwrap_or_default();
                    keys.retain(|k| k != "id");
                    keys
                } else {
                    // no list: the fields the caller may read (`check_field_access_rights`)
                    schema
                        .field_names()
                        .into_iter()
                        .filter(|n| n != "id")
                        .filter(|n| self.env.access.is_none_or(|a| a.field_allowed(model, n)))
                        .collect()
                }
            }
        };
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            if name == "id" {
                continue;
            }
            match schema.field(&name) {
                Some(f) => out.push(f),
                None => {
                    return Err(self.errors().value_error(&format!(
                        "Invalid field {} on model {}",
                        pyrepr::str_repr(&name),
                        pyrepr::str_repr(model)
                    )));
                }
            }
        }
        Ok(out)
    }

    /// `read`: existing records only (missing ids are skipped, as Odoo does), `id` first.
    pub(super) fn read(
        &self,
        model: &str,
        ids: &[i64],
        fields: &[FieldInfo],
        classic: bool,
    ) -> Vec<Value> {
        if let Some(cost) = self.store.cost.as_ref().and_then(|c| c.reads.as_ref()) {
            crate::odoo::cost::charge(cost.read(model, fields, ids.len()));
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(rec) = self.store.get(model, *id) else {
                continue;
            };
            let mut row = Obj::new();
            row.insert("id".into(), Value::from(*id));
            for f in fields {
                row.insert(f.name.clone(), self.read_value(model, *id, rec, f, classic));
            }
            out.push(Value::Object(row));
        }
        out
    }

    /// One field of one record, in wire format.
    pub(super) fn read_value(
        &self,
        model: &str,
        id: i64,
        rec: &Obj,
        f: &FieldInfo,
        classic: bool,
    ) -> Value {
        if f.name == "display_name" {
            return Value::String(record_display_name(model, id, rec));
        }
        let raw = rec.get(&f.name);
        match f.ftype {
            FType::Many2one => match raw.and_then(domain::first_id) {
                Some(rid) if classic => {
                    let comodel = f.relation.as_deref().unwrap_or("");
                    json!([rid, self.store.display_name(comodel, rid)])
                }
                Some(rid) => Value::from(rid),
                None => Value::Bool(false),
            },
            FType::One2many | FType::Many2many => match raw {
                Some(Value::Array(items)) => Value::Array(items.clone()),
                _ => Value::Array(Vec::new()),
            },
            FType::Unknown => raw.cloned().unwrap_or(Value::Bool(false)),
            t => match raw {
                None | Some(Value::Null) => t.empty_value(),
                Some(Value::Bool(false)) if t != FType::Boolean => t.empty_value(),
                Some(v) => v.clone(),
            },
        }
    }

    pub(super) fn fields_get(
        &self,
        model: &str,
        allfields: Option<&Value>,
        attributes: Option<&Value>,
    ) -> Value {
        let schema = self.schema(model);
        let all: Obj = match schema.and_then(|s| s.fields) {
            Some(f) => (*f).clone(),
            None => {
                let mut o = Obj::new();
                o.insert("id".into(), json!({"type": "integer", "string": "ID", "readonly": true, "required": false, "store": true}));
                // A model known only from inserted records (a Studio model in a test): a real
                // server describes every field, so describe those the records hold, typed by value.
                for rec in self
                    .store
                    .records(model)
                    .into_iter()
                    .flat_map(|r| r.values())
                {
                    for (name, value) in rec {
                        let ttype = match value {
                            Value::Bool(_) => "boolean",
                            Value::Number(n) if n.is_f64() => "float",
                            Value::Number(_) => "integer",
                            _ => "char",
                        };
                        o.entry(name.clone()).or_insert_with(|| {
                            json!({"type": ttype, "string": name, "readonly": false, "required": false, "store": true})
                        });
                    }
                }
                o
            }
        };
        let wanted: Option<Vec<&str>> = match allfields {
            Some(Value::Array(names)) if !names.is_empty() => {
                Some(names.iter().filter_map(Value::as_str).collect())
            }
            _ => None,
        };
        let attrs: Option<Vec<&str>> = match attributes {
            Some(Value::Array(names)) if !names.is_empty() => {
                Some(names.iter().filter_map(Value::as_str).collect())
            }
            _ => None,
        };
        let mut out = Obj::new();
        for (name, desc) in all {
            if wanted.as_ref().is_some_and(|w| !w.contains(&name.as_str())) {
                continue;
            }
            // fields restricted to groups the caller lacks are absent, as on a real server
            if self
                .env
                .access
                .is_some_and(|a| !a.field_allowed(model, &name))
            {
                continue;
            }
            let desc = match (&attrs, desc) {
                (Some(attrs), Value::Object(d)) => Value::Object(
                    d.into_iter()
                        .filter(|(k, _)| attrs.contains(&k.as_str()))
                        .collect(),
                ),
                (_, d) => d,
            };
            out.insert(name, desc);
        }
        Value::Object(out)
    }

    pub(super) fn name_search(
        &mut self,
        model: &str,
        name: &str,
        domain: &Value,
        operator: &str,
        limit: Option<i64>,
        active_test: bool,
    ) -> Result<Value, OdooError> {
        let ids = self.search_all(model, domain, None, active_test)?;
        let op = match operator {
            "=" | "ilike" | "like" | "=ilike" | "=like" | "!=" | "not ilike" | "not like" => {
                operator
            }
            _ => "ilike",
        };
        let mut out = Vec::new();
        for id in ids.iter() {
            if limit.is_some_and(|l| out.len() as i64 >= l) {
                break;
            }
            let display = self.store.display_name(model, *id);
            let ok = name.is_empty()
                || match op {
                    "=" => display == name,
                    "!=" => display != name,
                    "like" => domain::like_match(&format!("%{name}%"), &display, false),
                    "=like" => domain::like_match(name, &display, false),
                    "=ilike" => domain::like_match(name, &display, true),
                    "not ilike" => !domain::like_match(&format!("%{name}%"), &display, true),
                    "not like" => !domain::like_match(&format!("%{name}%"), &display, false),
                    _ => domain::like_match(&format!("%{name}%"), &display, true),
                };
            if ok {
                out.push(json!([id, display]));
            }
        }
        Ok(Value::Array(out))
    }
}

/// Context `bin_size`: binary fields answer their size as text, as Odoo's `human_size` writes it
/// for attachment-backed fields (`"8.82 Kb"`), instead of their content.
pub(super) fn bin_size(context: &Obj, fields: &[FieldInfo], rows: &mut [Value]) {
    if context.get("bin_size") != Some(&Value::Bool(true)) {
        return;
    }
    for f in fields.iter().filter(|f| f.ftype == FType::Binary) {
        for row in rows.iter_mut() {
            if let Some(v @ Value::String(_)) = row.get_mut(&f.name) {
                let b64 = v.as_str().unwrap_or_default();
                let padding = b64.bytes().rev().take_while(|b| *b == b'=').count();
                let data: usize = b64.bytes().filter(|b| !b.is_ascii_whitespace()).count();
                *v = Value::String(human_size(data / 4 * 3 - padding.min(2)));
            }
        }
    }
}

/// `odoo.tools.human_size`.
pub(super) fn human_size(bytes: usize) -> String {
    let units = ["bytes", "Kb", "Mb", "Gb", "Tb"];
    let (mut size, mut unit) = (bytes as f64, 0);
    while size >= 1024.0 && unit < units.len() - 1 {
        size /= 1024.0;
        unit += 1;
    }
    format!("{size:.2} {}", units[unit])
}

pub(super) fn load_classic(load: Option<&Value>) -> bool {
    match load {
        None => true,
        Some(Value::String(s)) => s == "_classic_read",
        Some(_) => false,
    }
}
