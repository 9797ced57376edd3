//! The in-memory database: one ordered map of records per model, shared by every transport.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde_json::Value;

use super::fixtures::{Fixtures, Obj};
use super::schema::ModelSchema;

/// One model's records.
#[derive(Default)]
pub(crate) struct ModelData {
    pub records: BTreeMap<i64, Obj>,
    /// Like a PostgreSQL sequence: never reuses the id of an unlinked record.
    pub next_id: i64,
    /// Bumped on every change; invalidates `cache`.
    pub generation: u64,
    /// Recent search results (key, generation, ids), so paging through a large result set with
    /// `offset`/`limit` costs one full search, not one per page.
    pub cache: Vec<(String, u64, Arc<Vec<i64>>)>,
}

impl ModelData {
    pub fn touch(&mut self) {
        self.generation += 1;
        self.cache.clear();
    }

    pub fn allocate_id(&mut self) -> i64 {
        let max = self.records.keys().next_back().copied().unwrap_or(0);
        let id = self.next_id.max(max + 1).max(1);
        self.next_id = id + 1;
        id
    }

    pub fn cached(&self, key: &str) -> Option<Arc<Vec<i64>>> {
        self.cache
            .iter()
            .find(|(k, g, _)| k == key && *g == self.generation)
            .map(|(_, _, ids)| ids.clone())
    }

    pub fn remember(&mut self, key: String, ids: Arc<Vec<i64>>) {
        const KEEP: usize = 8;
        self.cache.retain(|(k, _, _)| *k != key);
        if self.cache.len() >= KEEP {
            self.cache.remove(0);
        }
        self.cache.push((key, self.generation, ids));
    }
}

/// All models' records, plus display names learned from seeded many2one pairs.
#[derive(Default)]
pub(crate) struct Store {
    pub models: HashMap<String, ModelData>,
    pub names: HashMap<(String, i64), String>,
    /// Models filled on first use (`ir.model.fields` and `ir.model.fields.selection`, built
    /// from every `fields_get`).
    pub materialized: HashSet<String>,
    /// Records only administrators may read, as a record rule would hide them
    /// ([`FakeOdoo::deny_read`](super::FakeOdoo::deny_read)).
    pub read_denied: HashSet<(String, i64)>,
    /// Business-method answers configured by a test: (model, method) → result
    /// ([`FakeOdooBuilder::method_result`](super::FakeOdooBuilder::method_result)).
    pub method_results: HashMap<(String, String), serde_json::Value>,
    /// What reads cost ([`FakeOdoo::set_cost_model`](super::FakeOdoo::set_cost_model)).
    pub cost: Option<super::cost::CostModel>,
}

impl Store {
    pub fn model_mut(&mut self, model: &str) -> &mut ModelData {
        self.models.entry(model.to_string()).or_default()
    }

    pub fn records(&self, model: &str) -> Option<&BTreeMap<i64, Obj>> {
        self.models.get(model).map(|m| &m.records)
    }

    pub fn get(&self, model: &str, id: i64) -> Option<&Obj> {
        self.models.get(model)?.records.get(&id)
    }

    /// Store `rec` (its `id`, or a fresh one) and return the id.
    pub fn put(&mut self, model: &str, mut rec: Obj) -> i64 {
        let data = self.model_mut(model);
        let id = match rec.get("id").and_then(Value::as_i64) {
            Some(id) => {
                data.next_id = data.next_id.max(id + 1);
                id
            }
            None => data.allocate_id(),
        };
        rec.insert("id".into(), Value::from(id));
        data.records.insert(id, rec);
        data.touch();
        id
    }

    /// `display_name` of a record: the stored one (seeded records carry the real server's),
    /// else its `complete_name` or `name`, else Odoo's fallback `"model,id"`.
    pub fn display_name(&self, model: &str, id: i64) -> String {
        if let Some(rec) = self.get(model, id) {
            return record_display_name(model, id, rec);
        }
        if let Some(name) = self.names.get(&(model.to_string(), id)) {
            return name.clone();
        }
        format!("{model},{id}")
    }

    /// Fill models that are built on first use.
    pub fn materialize(&mut self, fx: &Fixtures, model: &str) {
        let tables = match model {
            "ir.model.fields" | "ir.model.fields.selection" => fx.bulk_tables(),
            _ => return,
        };
        if self.materialized.contains(model) {
            return;
        }
        self.materialized.insert(model.to_string());
        let rows = match model {
            "ir.model.fields" => &tables.fields,
            _ => &tables.selections,
        };
        for row in rows.iter() {
            self.put(model, row.clone());
        }
    }
}

impl Store {
    /// Keep one2many lists in step with the many2one that defines them (`res.partner.child_ids`
    /// with `parent_id`, `sale.order.order_line` with `order_id`) when a record of `model` is
    /// created (`old` = None), changed, or deleted (`new` = None).
    pub fn sync_inverse(
        &mut self,
        fx: &Fixtures,
        model: &str,
        id: i64,
        old: Option<&Obj>,
        new: Option<&Obj>,
    ) {
        let Some(fields) = fx.fields_get(model) else {
            return;
        };
        for (name, desc) in fields.iter() {
            if desc.get("type").and_then(Value::as_str) != Some("many2one") {
                continue;
            }
            let before = old.and_then(|r| r.get(name)).and_then(first_id);
            let after = new.and_then(|r| r.get(name)).and_then(first_id);
            if before == after {
                continue;
            }
            let Some(comodel) = desc.get("relation").and_then(Value::as_str) else {
                continue;
            };
            let Some(co_fields) = fx.fields_get(comodel) else {
                continue;
            };
            let inverses: Vec<&String> = co_fields
                .iter()
                .filter(|(_, d)| {
                    d.get("type").and_then(Value::as_str) == Some("one2many")
                        && d.get("relation").and_then(Value::as_str) == Some(model)
                        && d.get("relation_field").and_then(Value::as_str) == Some(name.as_str())
                })
                .map(|(n, _)| n)
                .collect();
            if inverses.is_empty() {
                continue;
            }
            let data = self.model_mut(comodel);
            for inverse in inverses {
                if let Some(parent) = before.and_then(|p| data.records.get_mut(&p))
                    && let Some(Value::Array(list)) = parent.get_mut(inverse.as_str())
                {
                    list.retain(|v| v.as_i64() != Some(id));
                }
                if let Some(parent) = after.and_then(|p| data.records.get_mut(&p)) {
                    let list = parent
                        .entry(inverse.clone())
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(list) = list
                        && !list.iter().any(|v| v.as_i64() == Some(id))
                    {
                        list.push(Value::from(id));
                    }
                }
            }
            data.touch();
        }
    }
}

fn first_id(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::Array(pair) => pair.first().and_then(Value::as_i64),
        _ => None,
    }
}

pub(crate) fn record_display_name(model: &str, id: i64, rec: &Obj) -> String {
    for key in ["display_name", "complete_name", "name"] {
        if let Some(Value::String(s)) = rec.get(key)
            && !s.is_empty()
        {
            return s.clone();
        }
    }
    format!("{model},{id}")
}

/// A read-only view of the database with its schema.
pub(crate) struct Db<'a> {
    pub fx: &'a Fixtures,
    pub store: &'a Store,
}

impl Db<'_> {
    /// The model's schema, or `None` when the database has no such model.
    pub fn schema(&self, model: &str) -> Option<ModelSchema> {
        schema(self.fx, self.store, model)
    }
}

pub(crate) fn schema(fx: &Fixtures, store: &Store, model: &str) -> Option<ModelSchema> {
    if let Some(fields) = fx.fields_get(model) {
        return Some(ModelSchema {
            model: model.to_string(),
            fields: Some(fields),
        });
    }
    store.models.contains_key(model).then(|| ModelSchema {
        model: model.to_string(),
        fields: None,
    })
}
