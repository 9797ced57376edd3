//! SQL `UNIQUE` constraints of the models the fake holds, refused as a real server refuses them.
//!
//! PostgreSQL raises `IntegrityError` (unique_violation) when the ORM flushes; Odoo's
//! `odoo/service/model.py` (`retrying` → `_as_validation_error`) turns it into
//! `odoo.exceptions.ValidationError("The operation cannot be completed: <constraint message>")`,
//! the message being the one declared in the model's `_sql_constraints` (16-18) or
//! `models.Constraint` (19). The envelope is the version's recorded `ValidationError` one
//! (JSON-RPC, and 422 on JSON-2). NULLs never collide, as in PostgreSQL; comparisons are exact
//! (PostgreSQL's `UNIQUE` is case-sensitive). Not recorded: a real duplicate refusal (the call
//! that would pin it is listed in `tests/fixtures/README.md`).

use std::collections::BTreeSet;

use serde_json::Value;

use super::OdooVersion;
use super::errors::OdooError;
use super::fixtures::Obj;
use super::orm::Orm;

/// `(model, columns, message)`; a message that differs by version is a key [`message`] resolves.
const UNIQUE: &[(&str, &[&str], &str)] = &[
    ("res.users", &["login"], "login"),
    (
        "res.currency",
        &["name"],
        "The currency code must be unique!",
    ),
    ("res.company", &["name"], "The company name must be unique!"),
    (
        "res.lang",
        &["name"],
        "The name of the language must be unique!",
    ),
    (
        "res.lang",
        &["code"],
        "The code of the language must be unique!",
    ),
    (
        "res.lang",
        &["url_code"],
        "The URL code of the language must be unique!",
    ),
    (
        "res.country",
        &["name"],
        "The name of the country must be unique!",
    ),
    (
        "res.country",
        &["code"],
        "The code of the country must be unique!",
    ),
    (
        "ir.module.module",
        &["name"],
        "The name of the module must be unique!",
    ),
    (
        "res.currency.rate",
        &["name", "currency_id", "company_id"],
        "Only one currency rate per day allowed!",
    ),
    ("crm.tag", &["name"], "Tag name already exists!"),
    (
        "hr.employee",
        &["user_id", "company_id"],
        "A user cannot be linked to multiple employees in the same company.",
    ),
    (
        "stock.warehouse",
        &["name", "company_id"],
        "The name of the warehouse must be unique per company!",
    ),
    (
        "stock.warehouse",
        &["code", "company_id"],
        "The short name of the warehouse must be unique per company!",
    ),
    // a unique index, not an `_sql_constraints` entry: Odoo passes PostgreSQL's text on
    ("ir.model.data", &["module", "name"], "ir_model_data"),
];

/// The constraint's message on `version` for the duplicated `values`: `res.users`' lost its
/// space before "!" in 17; a plain unique index (`ir.model.data`'s) is not a declared
/// constraint, so Odoo's `_as_validation_error` passes PostgreSQL's own message on.
fn message(version: OdooVersion, key: &str, values: &[Value]) -> String {
    match key {
        "ir_model_data" => {
            let shown: Vec<String> = values
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            format!(
                "duplicate key value violates unique constraint \"ir_model_data_module_name_uniq_index\"\nDETAIL:  Key (module, name)=({}) already exists.\n",
                shown.join(", ")
            )
        }
        "login" if version == OdooVersion::V16 => {
            "You can not have two users with the same login !".into()
        }
        "login" => "You can not have two users with the same login!".into(),
        other => other.into(),
    }
}

/// Refuse `rows` (new or changed records of `model`, with their final values: `(id, values)`,
/// id `None` for a record being created) when one of them would share the values of a unique
/// constraint with another record, stored or in the same batch.
pub(crate) fn check_unique(
    orm: &Orm,
    model: &str,
    rows: &[(Option<i64>, Obj)],
) -> Result<(), OdooError> {
    for (m, columns, key) in UNIQUE {
        if *m != model {
            continue;
        }
        let tuple = |rec: &Obj| -> Option<Vec<Value>> {
            columns
                .iter()
                .map(|c| match rec.get(*c) {
                    None | Some(Value::Null) | Some(Value::Bool(false)) => None,
                    Some(v) => Some(v.clone()),
                })
                .collect()
        };
        let changing: Vec<i64> = rows.iter().filter_map(|(id, _)| *id).collect();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        if let Some(records) = orm.store.records(model) {
            for (id, rec) in records {
                if changing.contains(id) {
                    continue;
                }
                if let Some(t) = tuple(rec) {
                    seen.insert(Value::Array(t).to_string());
                }
            }
        }
        for (_, rec) in rows {
            let Some(t) = tuple(rec) else { continue };
            if !seen.insert(Value::Array(t.clone()).to_string()) {
                let text = format!(
                    "The operation cannot be completed: {}",
                    message(orm.env.fx.version, key, &t)
                );
                return Err(orm.errors().validation_error(orm.env.via, &text));
            }
        }
    }
    Ok(())
}

/// [`check_unique`] for a `write` of `vals` on `ids`: each record's values after the write.
pub(crate) fn check_unique_write(
    orm: &Orm,
    model: &str,
    ids: &[i64],
    vals: &Obj,
) -> Result<(), OdooError> {
    if !UNIQUE.iter().any(|(m, _, _)| *m == model) {
        return Ok(());
    }
    let rows: Vec<(Option<i64>, Obj)> = ids
        .iter()
        .map(|id| {
            let mut rec = orm.store.get(model, *id).cloned().unwrap_or_default();
            for (k, v) in vals {
                rec.insert(k.clone(), v.clone());
            }
            (Some(*id), rec)
        })
        .collect();
    check_unique(orm, model, &rows)
}
