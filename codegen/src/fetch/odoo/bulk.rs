//! Field descriptions of every selected model in a few bulk reads (`codegen fetch odoo`'s
//! default source, `--fields-source bulk`), on Odoo 16–19 and on every transport.
//!
//! 1. `ir.model.fields` `search_read`, restricted to the selected models and paged
//!    ([`PAGE_SIZE`] rows a request): one row per field with its label, help, type, relation,
//!    inverse, `required`, `readonly`, `related` and `store`.
//! 2. `ir.model.fields.selection` `search_read` of the selection and reference fields of those
//!    rows, paged the same way: the values of every selection Odoo reflected.
//! 3. Per model, `fields_get` asking only for the [`GAP_ATTRIBUTES`] the tables cannot say and
//!    its fields need ([`gap_attributes`]; plus `selection` for a model with a selection the
//!    tables do not list), so the server computes two to five attributes per field instead of
//!    all of them (about 17 on 18).
//!
//! What the tables cannot say, from Odoo's `ir.model.fields._reflect_field_params`
//! (odoo/addons/base/models/ir_model.py) and checked against the recorded rows of
//! res.partner, sale.order and sale.order.line on 16–19
//! (`tests/fixtures/odoo-*/ir.model.fields.search_read.json` vs `fields_get/<model>.json`):
//! - `depends` (whether a field is computed: the bindings' "computed" docs, and whether a
//!   readonly stored field is writable): `compute`/`depends` are reflected for custom fields
//!   only; 131–177 fields of those three models are computed and their rows say nothing;
//! - `groups`: the `groups` column is an unimplemented many2many (always `[]`); 44–57 fields;
//! - `digits` (14–16 floats) and `model_field` (many2one_reference): not columns at all;
//! - `currency_field`: a column from 17, but `false` on the recorded monetary fields (17–19);
//! - `company_dependent`: a column from 18 only (read from the table there);
//! - dynamic selections (`lang`, `tz`, reference fields' model lists, values a module computes)
//!   and the selections of related fields: not reflected (`selection_ids` is empty);
//! - which fields this user may see: fields_get leaves out the fields of groups the user lacks,
//!   `ir.model.fields` lists them all; Odoo ≤18's reified `res.users` group fields
//!   (`in_group_7`, `sel_groups_1_2`) exist in fields_get only. So the narrow fields_get also
//!   decides the field list: a row it does not list is left out, and a field it lists without a
//!   row is described by a full `fields_get` of just those fields (one more request, for
//!   `res.users` on ≤18).
//!
//! `--fields-source tables` ([`tables_only`]) stops after step 2: a few requests for any number
//! of models, and what only step 3 could say is decided by [`TABLES_ONLY_RULES`] (left out,
//! never guessed). Its snapshot differs from this path's only there
//! (`codegen/tests/fetch_tables.rs`).
//!
//! Labels (`field_description`, selection `name`) and help are translated columns: the server
//! answers them in the context's language, the language fields_get's `string` uses, so the two
//! sources agree for one user. What the tables are not asked for (`searchable`, `sortable`,
//! `aggregator`, `domain`, `context`, ...) is left out of a bulk snapshot: the bindings do not use
//! it. The generated bindings are byte-identical whatever the source
//! (`codegen/tests/fetch_roundtrip.rs`).

use std::collections::BTreeMap;

use futures_util::stream::{self, StreamExt as _};
use runtime::Domain;
use runtime::odoo::OdooClient;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::fetch::odoo::{FetchStats, fetch_error, list_models};
use crate::schema::Schema;
use crate::select::Selection;

/// Rows per bulk `search_read`: 18's 11,289 fields in three requests, each answer a few MB.
pub const PAGE_SIZE: u64 = 5_000;

/// The attributes fields_get may be asked for: those the bulk tables cannot say (module docs).
/// [`gap_attributes`] picks those a model needs.
pub const GAP_ATTRIBUTES: [&str; 6] = [
    "company_dependent",
    "currency_field",
    "depends",
    "digits",
    "groups",
    "model_field",
];

/// What a tables-only snapshot (`--fields-source tables`, [`tables_only`]) cannot know, and the
/// rule that stands in for it: the one place these are decided. Each is a fact the bindings
/// then do not have, never a guess written into the snapshot:
pub const TABLES_ONLY_RULES: [(&str, &str); 8] = [
    (
        "depends",
        "left out: a field counts as computed only when it is `related`, so a stored computed \
         field is treated as a plain stored one (writable through its setter, where Odoo \
         recomputes it; a create argument when required and not readonly) and docs do not \
         say \"computed\"",
    ),
    (
        "groups",
        "left out: no \"Readable by\" docs and no groups in the field specs; typed reads \
         still ask the server which fields the user may read",
    ),
    ("digits", "left out: no precision in the docs of floats"),
    (
        "currency_field",
        "left out: monetary fields do not name their currency field",
    ),
    (
        "model_field",
        "left out: many2one_reference fields do not name their model field",
    ),
    (
        "company_dependent",
        "before Odoo 18 left out (not a column): such fields count as plain non-stored \
         fields, not read by default; from 18 read from the table",
    ),
    (
        "selection",
        "values Odoo did not reflect (dynamic selections such as `lang`, reference fields' \
         models, related selections) left out: the field is a plain string",
    ),
    (
        "fields",
        "every row is a field: fields of groups the user lacks are listed (fields_get hides \
         them), Odoo <=18's reified res.users group fields (no row) are not",
    ),
];

/// The attributes [`TABLES_ONLY_RULES`] leaves out on Odoo `major`.
pub fn tables_only_unknown(major: u32) -> Vec<&'static str> {
    TABLES_ONLY_RULES
        .iter()
        .map(|(a, _)| *a)
        .filter(|a| !["selection", "fields"].contains(a))
        .filter(|a| *a != "company_dependent" || major < 18)
        .collect()
}

/// The gap attributes a model's fields need: `depends` and `groups` always, the others only
/// where a field of its type carries them (`digits` on floats, `currency_field` on monetary
/// fields, `model_field` on many2one_reference), and `company_dependent` before Odoo 18 (a
/// column from 18 on). Each one asked makes the server compute it for every field.
pub fn gap_attributes<'a>(
    major: u32,
    types: impl IntoIterator<Item = &'a str>,
) -> Vec<&'static str> {
    let types: std::collections::BTreeSet<&str> = types.into_iter().collect();
    let mut asked = vec!["depends", "groups"];
    if major < 18 {
        asked.push("company_dependent");
    }
    for (ttype, attribute) in [
        ("float", "digits"),
        ("monetary", "currency_field"),
        ("many2one_reference", "model_field"),
    ] {
        if types.contains(ttype) {
            asked.push(attribute);
        }
    }
    asked.sort_unstable();
    asked
}

/// The `ir.model.fields` columns read (plus `company_dependent` from Odoo 18).
const FIELD_COLUMNS: [&str; 12] = [
    "model",
    "name",
    "ttype",
    "field_description",
    "help",
    "relation",
    "relation_field",
    "required",
    "readonly",
    "related",
    "store",
    "id",
];

/// The `ir.model.fields.selection` columns read.
const SELECTION_COLUMNS: [&str; 4] = ["field_id", "value", "name", "sequence"];

/// What the bulk reads did.
#[derive(Debug, Clone, Default)]
pub struct BulkStats {
    /// `ir.model.fields` rows read.
    pub field_rows: usize,
    /// `ir.model.fields.selection` rows read.
    pub selection_rows: usize,
    /// Requests to the two tables (pages included).
    pub table_requests: usize,
    /// Narrow `fields_get` requests (one per model), plus full ones for fields without a row.
    pub fields_get_requests: usize,
    /// Models with fields that have no `ir.model.fields` row (described by a full fields_get).
    pub described_in_full: Vec<String>,
    /// The tables alone described the fields ([`tables_only`]): the attributes of
    /// [`TABLES_ONLY_RULES`] are left out (the server's major version, which decides
    /// whether `company_dependent` is among them).
    pub tables_only: Option<u32>,
}

impl BulkStats {
    /// One clause for the fetch summary: what came from where.
    pub fn summary(&self, models: usize) -> String {
        if let Some(major) = self.tables_only {
            return format!(
                "fields of {models} models from ir.model.fields ({} rows) and \
                 ir.model.fields.selection ({} values) alone in {} requests (--fields-source \
                 tables): left out {}, unreflected selections as plain strings, and fields \
                 without a row",
                self.field_rows,
                self.selection_rows,
                self.table_requests,
                tables_only_unknown(major).join("/"),
            );
        }
        let mut s = format!(
            "fields of {models} models from ir.model.fields ({} rows) and \
             ir.model.fields.selection ({} values) in {} requests, plus {} fields_get \
             asking only what those lack (of {})",
            self.field_rows,
            self.selection_rows,
            self.table_requests,
            self.fields_get_requests - self.described_in_full.len(),
            GAP_ATTRIBUTES.join("/"),
        );
        if !self.described_in_full.is_empty() {
            s.push_str(&format!(
                " and {} full fields_get for fields without a row ({})",
                self.described_in_full.len(),
                self.described_in_full.join(", ")
            ));
        }
        s
    }
}

#[derive(Debug, Deserialize)]
struct FieldRow {
    id: i64,
    model: String,
    name: String,
    ttype: String,
    #[serde(default, deserialize_with = "text")]
    field_description: Option<String>,
    #[serde(default, deserialize_with = "text")]
    help: Option<String>,
    #[serde(default, deserialize_with = "text")]
    relation: Option<String>,
    #[serde(default, deserialize_with = "text")]
    relation_field: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    readonly: bool,
    #[serde(default, deserialize_with = "text")]
    related: Option<String>,
    #[serde(default)]
    store: bool,
    /// A column from Odoo 18 (asked from fields_get before).
    #[serde(default)]
    company_dependent: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct SelectionRow {
    /// `[id, label]` (or a bare id).
    field_id: Value,
    value: Value,
    #[serde(default, deserialize_with = "text")]
    name: Option<String>,
    #[serde(default)]
    sequence: Value,
    #[serde(default)]
    id: i64,
}

/// A string, or Odoo's `false` for "empty".
fn text<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        _ => None,
    })
}

/// Every page of a `search_read` over `domain`, in id order: (rows, requests).
async fn all_pages<T: DeserializeOwned + Send + 'static>(
    client: &OdooClient,
    model: &str,
    domain: Domain,
    columns: &[&str],
) -> std::result::Result<(Vec<T>, usize), runtime::Error> {
    let mut rows = Vec::new();
    let mut requests = 0;
    loop {
        let page: Vec<T> = client
            .model(model)
            .search_read(domain.clone())
            .fields(columns)
            .order("id")
            .offset(rows.len() as u64)
            .limit(PAGE_SIZE)
            .into_typed::<T>()
            .await?;
        requests += 1;
        let full = page.len() as u64 == PAGE_SIZE;
        rows.extend(page);
        if !full {
            return Ok((rows, requests));
        }
    }
}

/// One model's narrow fields_get (and a full one for the fields without a row):
/// (gap attributes by field, full descriptions by field, requests).
async fn narrow_fields_get(
    client: &OdooClient,
    model: &str,
    rows: &BTreeMap<&str, &FieldRow>,
    ask_selection: bool,
) -> std::result::Result<(Map<String, Value>, Map<String, Value>, usize), String> {
    let major = client.server_version().major;
    let mut attributes = gap_attributes(major, rows.values().map(|r| r.ttype.as_str()));
    if ask_selection {
        attributes.push("selection");
    }
    let gaps = client
        .model(model)
        .fields_get()
        .attributes(&attributes)
        .await
        .map_err(|e| e.to_string())?;
    let rowless: Vec<&String> = gaps
        .keys()
        .filter(|f| !rows.contains_key(f.as_str()))
        .collect();
    if rowless.is_empty() {
        return Ok((gaps, Map::new(), 1));
    }
    let full = client
        .model(model)
        .fields_get()
        .fields(rowless)
        .await
        .map_err(|e| e.to_string())?;
    Ok((gaps, full, 2))
}

/// The fields_get-shaped description of a field with a row: the row's columns, the reflected
/// selection values, and the gap attributes fields_get gave.
fn description(
    row: &FieldRow,
    selection: Option<&Vec<Value>>,
    gaps: Option<&Map<String, Value>>,
) -> Value {
    let mut d = Map::new();
    d.insert("name".into(), json!(row.name));
    d.insert("type".into(), json!(row.ttype));
    d.insert(
        "string".into(),
        json!(row.field_description.as_deref().unwrap_or_default()),
    );
    for (key, value) in [
        ("help", &row.help),
        ("relation", &row.relation),
        ("relation_field", &row.relation_field),
        ("related", &row.related),
    ] {
        if let Some(v) = value {
            d.insert(key.into(), json!(v));
        }
    }
    d.insert("required".into(), json!(row.required));
    d.insert("readonly".into(), json!(row.readonly));
    d.insert("store".into(), json!(row.store));
    if let Some(cd) = row.company_dependent {
        d.insert("company_dependent".into(), json!(cd));
    }
    if let Some(values) = selection {
        d.insert("selection".into(), Value::Array(values.clone()));
    }
    for (key, value) in gaps.into_iter().flatten() {
        // Reflected values win; fields_get's stand in for the selections Odoo did not reflect.
        if key != "selection" || selection.is_none() {
            d.insert(key.clone(), value.clone());
        }
    }
    Value::Object(d)
}

/// The tables are readable by Administration / Access Rights only (`ir.model.access` on
/// 16–19: `base.group_erp_manager`; a plain internal user gets `AccessError`), while fields_get
/// answers any user: a bot refused the tables gets the per-model path, and the summary says so.
async fn refused(
    client: &OdooClient,
    selection: &Selection,
    concurrency: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
    e: runtime::Error,
) -> Result<(Schema, FetchStats)> {
    let (schema, mut stats) =
        crate::fetch::odoo::odoo(client, selection, concurrency, progress).await?;
    // The first ir.model read and the refused table read.
    stats.calls += 2;
    stats.bulk_refused = Some(e.to_string());
    Ok((schema, stats))
}

fn is_selection(ttype: &str) -> bool {
    matches!(ttype, "selection" | "reference")
}

/// Both tables' rows for the selected models.
struct Tables {
    rows: Vec<FieldRow>,
    /// Reflected selection values by `ir.model.fields` id, in Odoo's order (`sequence, id`).
    values: BTreeMap<i64, Vec<Value>>,
}

/// Why the tables could not be read.
enum TablesError {
    /// The user may not read them (falls back to the per-model path).
    Refused(runtime::Error),
    Failed(Error),
}

/// Read `ir.model.fields` and `ir.model.fields.selection` for the models `names`, paged.
async fn read_tables(
    client: &OdooClient,
    names: &[&str],
    bulk: &mut BulkStats,
) -> std::result::Result<Tables, TablesError> {
    let failed = |table: &str, e: runtime::Error| {
        if e.is_access() {
            TablesError::Refused(e)
        } else {
            TablesError::Failed(fetch_error(table, &e))
        }
    };
    let mut columns = FIELD_COLUMNS.to_vec();
    if client.server_version().major >= 18 {
        columns.push("company_dependent");
    }
    let (rows, requests) = all_pages::<FieldRow>(
        client,
        "ir.model.fields",
        Domain::leaf("model", "in", json!(names)),
        &columns,
    )
    .await
    .map_err(|e| failed("ir.model.fields", e))?;
    bulk.table_requests += requests;
    bulk.field_rows = rows.len();

    let selection_ids: Vec<i64> = rows
        .iter()
        .filter(|r| is_selection(&r.ttype))
        .map(|r| r.id)
        .collect();
    let mut values: BTreeMap<i64, Vec<(i64, i64, Value)>> = BTreeMap::new();
    if !selection_ids.is_empty() {
        let (sel_rows, requests) = all_pages::<SelectionRow>(
            client,
            "ir.model.fields.selection",
            Domain::leaf("field_id", "in", json!(selection_ids)),
            &SELECTION_COLUMNS,
        )
        .await
        .map_err(|e| failed("ir.model.fields.selection", e))?;
        bulk.table_requests += requests;
        bulk.selection_rows = sel_rows.len();
        for s in sel_rows {
            let field = match &s.field_id {
                Value::Array(pair) => pair.first().and_then(Value::as_i64),
                other => other.as_i64(),
            };
            let Some(field) = field else { continue };
            let pair = json!([s.value, s.name.unwrap_or_default()]);
            let sequence = s.sequence.as_i64().unwrap_or(0);
            values
                .entry(field)
                .or_default()
                .push((sequence, s.id, pair));
        }
    }
    // Odoo's order for a field's values: `sequence, id`.
    let values = values
        .into_iter()
        .map(|(field, mut v)| {
            v.sort_by_key(|(seq, id, _)| (*seq, *id));
            (field, v.into_iter().map(|(_, _, pair)| pair).collect())
        })
        .collect();
    Ok(Tables { rows, values })
}

/// Read the schema of every model (or those `selection` selects) through the bulk tables.
/// `progress` is called after each model's fields_get with (done, total).
pub async fn odoo(
    client: &OdooClient,
    selection: &Selection,
    concurrency: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(Schema, FetchStats)> {
    let started = std::time::Instant::now();
    let (ir_models, ir_model_refused) = list_models(client, selection).await?;
    let names: Vec<&str> = ir_models.iter().map(|r| r.model.as_str()).collect();
    let mut bulk = BulkStats::default();
    let Tables { rows, values } = match read_tables(client, &names, &mut bulk).await {
        Ok(t) => t,
        Err(TablesError::Refused(e)) => {
            return refused(client, selection, concurrency, progress, e).await;
        }
        Err(TablesError::Failed(e)) => return Err(e),
    };

    let mut by_model: BTreeMap<&str, BTreeMap<&str, &FieldRow>> = BTreeMap::new();
    for row in &rows {
        by_model
            .entry(row.model.as_str())
            .or_default()
            .insert(row.name.as_str(), row);
    }
    let empty = BTreeMap::new();
    let total = names.len();
    let mut done = 0;
    let mut calls = stream::iter(names.iter().map(|&model| {
        let rows = by_model.get(model).unwrap_or(&empty);
        let ask_selection = rows
            .values()
            .any(|r| is_selection(&r.ttype) && !values.contains_key(&r.id));
        async move {
            let answer = narrow_fields_get(client, model, rows, ask_selection).await;
            (model, rows, answer)
        }
    }))
    .buffer_unordered(concurrency.max(1));
    let mut stats = FetchStats {
        listed: total,
        ir_model_refused,
        ..FetchStats::default()
    };
    let mut answers = BTreeMap::new();
    while let Some((model, rows, answer)) = calls.next().await {
        done += 1;
        progress(done, total);
        let (gaps, full, requests) = match answer {
            Ok(a) => a,
            Err(e) => {
                bulk.fields_get_requests += 1;
                stats.failed.push((model.to_owned(), e));
                continue;
            }
        };
        bulk.fields_get_requests += requests;
        if !full.is_empty() {
            bulk.described_in_full.push(model.to_owned());
        }
        let mut described = Map::new();
        for (name, gap) in gaps {
            let desc = match (full.get(&name), rows.get(name.as_str())) {
                (Some(full), _) => full.clone(),
                (None, Some(row)) => description(row, values.get(&row.id), gap.as_object()),
                // Listed by neither answer: cannot happen (`full` asked for these).
                (None, None) => continue,
            };
            described.insert(name, desc);
        }
        answers.insert(model.to_owned(), Value::Object(described));
    }
    drop(calls);
    bulk.described_in_full.sort();
    stats.failed.sort();
    stats.calls = 1 + bulk.table_requests + bulk.fields_get_requests;
    let version = client.server_version().serie.clone();
    let schema = Schema::from_odoo(&version, &ir_models, answers)?;
    stats.bulk = Some(bulk);
    stats.elapsed = started.elapsed();
    Ok((schema, stats))
}

/// Read the schema of every model (or those `selection` selects) from the two tables alone
/// (`--fields-source tables`): a few requests whatever the number of models, no per-model
/// request at all, and what the tables cannot say decided by [`TABLES_ONLY_RULES`]. When the
/// tables are refused, every model is described by fields_get (as [`odoo`] does).
pub async fn tables_only(
    client: &OdooClient,
    selection: &Selection,
    concurrency: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(Schema, FetchStats)> {
    let started = std::time::Instant::now();
    let (ir_models, ir_model_refused) = list_models(client, selection).await?;
    let names: Vec<&str> = ir_models.iter().map(|r| r.model.as_str()).collect();
    let major = client.server_version().major;
    let mut bulk = BulkStats {
        tables_only: Some(major),
        ..BulkStats::default()
    };
    let Tables { rows, values } = match read_tables(client, &names, &mut bulk).await {
        Ok(t) => t,
        Err(TablesError::Refused(e)) => {
            return refused(client, selection, concurrency, progress, e).await;
        }
        Err(TablesError::Failed(e)) => return Err(e),
    };
    let mut answers: BTreeMap<String, Map<String, Value>> =
        names.iter().map(|m| (m.to_string(), Map::new())).collect();
    for row in &rows {
        if let Some(fields) = answers.get_mut(&row.model) {
            fields.insert(
                row.name.clone(),
                description(row, values.get(&row.id), None),
            );
        }
    }
    progress(names.len(), names.len());
    let stats = FetchStats {
        listed: names.len(),
        ir_model_refused,
        calls: 1 + bulk.table_requests,
        bulk: Some(bulk),
        elapsed: started.elapsed(),
        ..FetchStats::default()
    };
    let version = client.server_version().serie.clone();
    let answers = answers
        .into_iter()
        .map(|(m, f)| (m, Value::Object(f)))
        .collect();
    let schema = Schema::from_odoo(&version, &ir_models, answers)?;
    Ok((schema, stats))
}
