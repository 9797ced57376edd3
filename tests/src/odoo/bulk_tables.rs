//! The two tables a schema reader can fetch in bulk: `ir.model.fields` (one row per field of
//! every model) and `ir.model.fields.selection` (one row per static selection value).
//!
//! Real rows are recorded for three models only (`ir.model.fields.search_read.json`:
//! res.partner, sale.order, sale.order.line, every column); they are served as recorded. The
//! rows of every other model are derived from its recorded `fields_get`, in exactly the
//! recorded row shape: the same columns as that version's recording, filled the way Odoo's
//! `ir.model.fields._reflect_field_params` fills them (odoo/addons/base/models/ir_model.py).
//! `ir.model.fields.selection` was not recorded at all: its rows are derived for every model,
//! recorded ones included (those keep their recorded `selection_ids`), with the columns of its
//! recorded `fields_get`.
//!
//! What a real server stores and the derivation does the same (checked against the three
//! recorded models on 16–19): `field_description`, `help`, `ttype`, `relation`,
//! `relation_field`, `required`, `readonly`, `related`, `store`, `size`, `selectable`
//! (`search or store`, which fields_get calls `searchable`), and *not* `compute`, `depends`,
//! `groups`, `domain` (`false` / `[]` for every non-custom field: Odoo reflects them for custom
//! fields only), nor `currency_field` (recorded `false` even on monetary fields).
//!
//! Limits (what fields_get cannot tell, so the derived rows guess):
//! - `selectable` is fields_get's `searchable`, which Odoo ≤17 gives as `false` for a json
//!   field searched through a method (`sale.order.line.analytic_distribution_search`);
//! - `index`, `copied`, `on_delete`, `tracking`, `relation_table`, `column1`/`column2`,
//!   `group_expand`, `modules` and the `sanitize_*` flags fields_get lacks are Odoo's
//!   defaults (`copied` as `_compute_copied` would: not a one2many, not computed or related);
//! - a selection is reflected only when its values are a static list in the Python source;
//!   fields_get does not say, so a derived row treats every selection as static except
//!   related fields, reference fields (their model lists are computed), `lang` and, before 18,
//!   `tz` (computed on every model); those get `"[]"` and no values, like `res.partner.lang` in
//!   the recording;
//! - fields_get hides fields of groups the user lacks and shows Odoo ≤18's reified `res.users`
//!   group fields (no `name`); rows list neither of those (the reified ones do not exist in
//!   `ir.model.fields`, and fields_get of the fixtures is the admin's, who sees every field
//!   recorded);
//! - recorded rows are used only while the model's fields_get has exactly the recorded field
//!   names (a fake whose schema was changed by `alter_field`/`remove_model` derives them).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::OdooVersion;
use super::fixtures::{Fixtures, Obj, normalize_record, read_json_objects};
use super::pyrepr;

/// The rows of both tables, in the store's shape (many2one values as ids).
pub(crate) struct BulkTables {
    pub fields: Vec<Obj>,
    pub selections: Vec<Obj>,
}

/// Selections computed at run time on every model that has them, so never reflected in
/// `ir.model.fields.selection`: `lang` (`_lang_get`) always, `tz` (`_tz_get`) before 18, which
/// made it a static list (the recorded res.partner rows show both).
fn dynamic_selection(version: OdooVersion, name: &str) -> bool {
    name == "lang" || (name == "tz" && version.major() < 18)
}

pub(crate) fn build(fx: &Fixtures) -> BulkTables {
    let recorded = read_json_objects(&fx.dir.join("ir.model.fields.search_read.json"));
    let columns: Vec<String> = recorded
        .first()
        .map(|r| r.keys().cloned().collect())
        .unwrap_or_default();
    let mut recorded_by_model: BTreeMap<String, Vec<Obj>> = BTreeMap::new();
    let mut next_id = 1;
    let mut next_selection_id = 1;
    for row in recorded {
        next_id = next_id.max(row.get("id").and_then(Value::as_i64).unwrap_or(0) + 1);
        if let Some(Value::Array(ids)) = row.get("selection_ids") {
            for id in ids.iter().filter_map(Value::as_i64) {
                next_selection_id = next_selection_id.max(id + 1);
            }
        }
        if let Some(m) = row.get("model").and_then(Value::as_str) {
            recorded_by_model.entry(m.to_owned()).or_default().push(row);
        }
    }
    let ir_model_fields = fx.fields_get("ir.model.fields").unwrap_or_default();
    let selection_fields = fx
        .fields_get("ir.model.fields.selection")
        .unwrap_or_default();
    let mut out = BulkTables {
        fields: Vec::new(),
        selections: Vec::new(),
    };
    let mut names = Vec::new();
    for model in &fx.model_names {
        let Some(described) = fx.fields_get(model) else {
            continue;
        };
        let model_label = fx.model_description(model);
        let model_id = fx
            .ir_model(model)
            .and_then(|r| r.get("id"))
            .and_then(Value::as_i64);
        // Reified group fields (no `name`) are not fields of the registry.
        let real: BTreeSet<&String> = described
            .iter()
            .filter(|(_, d)| d.get("name").is_some_and(Value::is_string))
            .map(|(n, _)| n)
            .collect();
        let recorded_rows = recorded_by_model.get(model).filter(|rows| {
            let names: BTreeSet<&String> = rows
                .iter()
                .filter_map(|r| match r.get("name") {
                    Some(Value::String(s)) => Some(s),
                    _ => None,
                })
                .collect();
            names == real
        });
        let from_recording = recorded_rows.is_some();
        let rows: Vec<Obj> = match recorded_rows {
            Some(rows) => rows.clone(),
            None => real
                .iter()
                .map(|name| {
                    let id = next_id;
                    next_id += 1;
                    derive_row(
                        fx,
                        &columns,
                        id,
                        model,
                        model_id,
                        &model_label,
                        name,
                        described[name.as_str()].as_object(),
                    )
                })
                .collect(),
        };
        for mut row in rows {
            let name = row.get("name").and_then(Value::as_str).unwrap_or_default();
            let desc = described.get(name).and_then(Value::as_object);
            let values = match desc {
                // A recorded row says itself whether the server reflected the values.
                Some(d) if from_recording => match row.get("selection_ids") {
                    Some(Value::Array(ids)) if !ids.is_empty() => selection_values(d),
                    _ => None,
                },
                Some(d) => reflected_selection(fx.version, name, d),
                None => None,
            };
            if let Some(values) = values {
                let ids = match row.get("selection_ids") {
                    Some(Value::Array(ids)) if from_recording => ids.clone(),
                    _ => (0..values.len())
                        .map(|_| {
                            next_selection_id += 1;
                            Value::from(next_selection_id - 1)
                        })
                        .collect(),
                };
                let field_id = row.get("id").cloned().unwrap_or(Value::Bool(false));
                let field_label = row
                    .get("display_name")
                    .cloned()
                    .unwrap_or(Value::Bool(false));
                for (seq, (id, pair)) in ids.iter().zip(values).enumerate() {
                    let mut sel = Obj::new();
                    for (col, desc) in selection_fields.iter() {
                        let v = match col.as_str() {
                            "id" => id.clone(),
                            "field_id" => Value::Array(vec![field_id.clone(), field_label.clone()]),
                            "value" => pair.first().cloned().unwrap_or(Value::Bool(false)),
                            "name" | "display_name" => {
                                pair.get(1).cloned().unwrap_or(Value::Bool(false))
                            }
                            "sequence" => Value::from(seq),
                            _ if desc.get("type").and_then(Value::as_str) == Some("integer") => {
                                Value::from(0)
                            }
                            _ => Value::Bool(false),
                        };
                        sel.insert(col.clone(), v);
                    }
                    normalize_record(&selection_fields, &mut sel, &mut names);
                    out.selections.push(sel);
                }
                if row.contains_key("selection_ids") {
                    row.insert("selection_ids".into(), Value::Array(ids));
                }
            }
            normalize_record(&ir_model_fields, &mut row, &mut names);
            out.fields.push(row);
        }
    }
    out
}

/// The values Odoo would have reflected for a field described by `desc` (`None`: none).
fn reflected_selection<'a>(
    version: OdooVersion,
    name: &str,
    desc: &'a Obj,
) -> Option<Vec<&'a Vec<Value>>> {
    let ttype = desc.get("type").and_then(Value::as_str)?;
    let dynamic = ttype == "reference"
        || dynamic_selection(version, name)
        || desc.get("related").is_some_and(Value::is_string);
    if ttype != "selection" || dynamic {
        return None;
    }
    selection_values(desc)
}

/// fields_get's `[value, label]` pairs.
fn selection_values(desc: &Obj) -> Option<Vec<&Vec<Value>>> {
    match desc.get("selection") {
        Some(Value::Array(values)) => Some(values.iter().filter_map(Value::as_array).collect()),
        _ => None,
    }
}

/// One derived `ir.model.fields` row with the recorded `columns`.
#[allow(clippy::too_many_arguments)]
fn derive_row(
    fx: &Fixtures,
    columns: &[String],
    id: i64,
    model: &str,
    model_id: Option<i64>,
    model_label: &str,
    name: &str,
    desc: Option<&Obj>,
) -> Obj {
    let empty = Obj::new();
    let desc = desc.unwrap_or(&empty);
    let get = |k: &str| desc.get(k).cloned().unwrap_or(Value::Bool(false));
    let flag = |k: &str| Value::Bool(desc.get(k).is_some_and(truthy));
    let text = |k: &str| match desc.get(k) {
        Some(Value::String(s)) if !s.is_empty() => Value::String(s.clone()),
        _ => Value::Bool(false),
    };
    let ttype = desc.get("type").and_then(Value::as_str).unwrap_or("char");
    let label = desc.get("string").and_then(Value::as_str).unwrap_or(name);
    let html = ttype == "html";
    let computed = desc.get("related").is_some_and(Value::is_string)
        || desc
            .get("depends")
            .and_then(Value::as_array)
            .is_some_and(|d| !d.is_empty());
    let mut row = Obj::new();
    for col in columns {
        let v = match col.as_str() {
            "id" => Value::from(id),
            "name" => Value::from(name),
            "model" => Value::from(model),
            "model_id" => match model_id {
                Some(mid) => Value::Array(vec![mid.into(), model_label.into()]),
                None => Value::Bool(false),
            },
            "display_name" => Value::from(format!("{label} ({model_label})")),
            "field_description" => Value::from(label),
            "help" => text("help"),
            "ttype" => Value::from(ttype),
            "relation" => text("relation"),
            "relation_field" => text("relation_field"),
            "related" => text("related"),
            "required" => flag("required"),
            "readonly" => flag("readonly"),
            "store" => flag("store"),
            "selectable" => flag("searchable"),
            "company_dependent" => flag("company_dependent"),
            "size" => desc.get("size").cloned().unwrap_or(Value::from(0)),
            "state" => Value::from(if flag("manual") == Value::Bool(true) {
                "manual"
            } else {
                "base"
            }),
            "translate" => translate(fx, desc),
            "copied" => Value::Bool(ttype != "one2many" && !computed),
            "on_delete" if ttype == "many2one" => Value::from("set null"),
            "index" => Value::Bool(false),
            "tracking" => Value::from(0),
            "groups" | "selection_ids" => Value::Array(Vec::new()),
            "selection" if matches!(ttype, "selection" | "reference") => {
                Value::from(match reflected_selection(fx.version, name, desc) {
                    Some(values) => {
                        let items: Vec<String> =
                            values.iter().map(|pair| pyrepr::tuple_repr(pair)).collect();
                        format!("[{}]", items.join(", "))
                    }
                    None => "[]".into(),
                })
            }
            "sanitize" | "sanitize_tags" | "sanitize_attributes" | "sanitize_form" if html => {
                Value::Bool(desc.get(col).is_none_or(truthy))
            }
            "sanitize_style" | "strip_style" | "strip_classes" | "sanitize_overridable" if html => {
                get(col)
            }
            _ => Value::Bool(false),
        };
        row.insert(col.clone(), v);
    }
    row
}

/// `translate`: a boolean up to 18, a selection from 19 (`standard`, `html_translate`).
fn translate(fx: &Fixtures, desc: &Obj) -> Value {
    let translated = desc.get("translate").is_some_and(truthy);
    if fx.version.major() < 19 || !translated {
        return Value::Bool(translated);
    }
    let html = desc.get("type").and_then(Value::as_str) == Some("html");
    Value::from(if html { "html_translate" } else { "standard" })
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Null => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{default_root, load};
    use super::*;

    /// The columns the module docs say a derived row fills as a real server does.
    const SAME_AS_SERVER: [&str; 16] = [
        "field_description",
        "help",
        "ttype",
        "relation",
        "relation_field",
        "required",
        "readonly",
        "related",
        "store",
        "selectable",
        "compute",
        "depends",
        "groups",
        "domain",
        "currency_field",
        "state",
    ];

    /// Rows derived for the three recorded models equal the recorded ones on those columns, on
    /// every version, and have exactly the recorded columns.
    #[test]
    fn derived_rows_match_the_recorded_ones() {
        for version in OdooVersion::ALL {
            let fx = load(&default_root(), version).unwrap();
            let recorded = read_json_objects(&fx.dir.join("ir.model.fields.search_read.json"));
            let columns: Vec<String> = recorded[0].keys().cloned().collect();
            let mut compared = 0;
            for row in &recorded {
                let model = row["model"].as_str().unwrap();
                let name = row["name"].as_str().unwrap();
                let described = fx.fields_get(model).unwrap();
                let derived = derive_row(
                    &fx,
                    &columns,
                    1,
                    model,
                    Some(1),
                    "x",
                    name,
                    described[name].as_object(),
                );
                assert_eq!(
                    derived.keys().collect::<Vec<_>>(),
                    row.keys().collect::<Vec<_>>()
                );
                for col in SAME_AS_SERVER {
                    // fields_get ≤17 calls a json field with a search method unsearchable.
                    let json_search = col == "selectable" && row["ttype"] == "json";
                    if let Some(want) = row.get(col).filter(|_| !json_search) {
                        assert_eq!(&derived[col], want, "{version:?} {model}.{name} {col}");
                        compared += 1;
                    }
                }
                // Reflected values: the recorded `selection` text when there are some.
                if let Some(Value::Array(ids)) = row.get("selection_ids")
                    && !ids.is_empty()
                {
                    assert!(
                        derived["selection"] == row["selection"],
                        "{version:?} {model}.{name}: selection"
                    );
                }
            }
            assert!(compared > 5_000, "{version:?}: {compared}");
        }
    }

    /// Served selection rows give back fields_get's values, in order, for reflected fields.
    #[test]
    fn selection_rows_follow_their_field() {
        let fx = load(&default_root(), OdooVersion::V18).unwrap();
        let tables = fx.bulk_tables();
        let state = tables
            .fields
            .iter()
            .find(|r| r["model"] == "sale.order" && r["name"] == "state")
            .unwrap();
        let id = state["id"].as_i64().unwrap();
        let values: Vec<(&Value, &Value)> = tables
            .selections
            .iter()
            .filter(|s| s["field_id"].as_i64() == Some(id))
            .map(|s| (&s["value"], &s["name"]))
            .collect();
        assert_eq!(values.len(), 4);
        assert_eq!(
            values[0],
            (&Value::from("draft"), &Value::from("Quotation"))
        );
        assert_eq!(state["selection_ids"].as_array().unwrap().len(), 4);
        // Not reflected: a dynamic selection and a related one.
        for (model, name) in [("res.partner", "lang"), ("sale.order", "terms_type")] {
            let row = tables
                .fields
                .iter()
                .find(|r| r["model"] == model && r["name"] == name)
                .unwrap();
            assert_eq!(row["selection"], "[]", "{model}.{name}");
        }
        // Reified group fields of res.users are not rows.
        assert!(
            !tables.fields.iter().any(|r| r["model"] == "res.users"
                && r["name"].as_str().unwrap().starts_with("in_group_"))
        );
    }
}
