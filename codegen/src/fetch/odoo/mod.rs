//! `codegen fetch odoo`: a snapshot straight from an Odoo 16–19 server.
//!
//! One `ir.model` `search_read` lists the models (names, modules, order), then the fields are
//! described in bulk ([`crate::fetch::odoo::bulk`], the default; `--fields-source tables` for the
//! tables alone, fewer facts) or, with `--fields-source fields-get`, by one `fields_get` per
//! model ([`odoo`], the baseline), [`DEFAULT_CONCURRENCY`]
//! requests in flight through the runtime's client (one authenticated client, its connections
//! pooled). The answers go through [`Schema::from_odoo`], as `codegen import odoo` does with
//! saved ones.
//!
//! On the per-model path, on Odoo 19+ signed in with an API key, the `api_doc` module's
//! documents are the source when installed (see [`crate::api_doc`]): `/doc-bearer/index.json`
//! lists the models the user may read, and `/doc-bearer/<model>.json` describes each one
//! (fields_get's own descriptions, plus each field's `module`, kept in the snapshot's `extra`);
//! a model without a document falls back to `fields_get`. Without the module (404), or with a
//! password (bearer routes take API keys only), every model is read with `fields_get`, as on
//! 16–18. The documents read are kept ([`FetchStats::api_docs`]) for the business methods.
//!
//! Secrets never come from the command line: the API key is read from `ODOO_API_KEY`, or the
//! password from `ODOO_PASSWORD`, or else asked for on the terminal (not echoed).
//!
//! Business methods ([`methods`]): on Odoo 19+ they come from `api_doc`
//! (`/doc-bearer/<model>.json`, one call per model; it needs an API key). Odoo 16–18 cannot
//! list them, so the list comes from a methods file (`--methods`, or the file beside `--out`,
//! or the bundled one with `--bundled-methods`; none by default) and each listed method is
//! checked on the server without running it:
//!
//! `execute_kw(model, method, [], {"erpbind_probe_not_a_parameter": true})`, i.e. no
//! positional arguments at all (not even an empty id list) and one keyword no method
//! declares. Odoo's `call_kw` (16–18, `odoo/api.py`) first looks the method up — a missing one
//! is `AttributeError` ("The method 'x' does not exist on the model 'y'" on 17–18, "type object
//! 'y' has no attribute 'x'" on 16), a private one `AccessError` — and only then binds
//! arguments: a method on records takes its ids from `args[0]` and fails with `IndexError`
//! before the method runs; an `@api.model` method is called with the unknown keyword and
//! Python refuses it with `TypeError` before its body runs. Either error means "exists".
//! Calling with `[]` as the ids instead would run the method on an empty recordset, which is
//! not side-effect free in general. The one case the probe cannot make safe is an
//! `@api.model` method that accepts `**kwargs` (it would run): those are kept unchecked and
//! reported as such.

pub mod bulk;

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt as _};
use runtime::odoo::OdooClient;
use runtime::{Secret, SecretKind};
use serde_json::{Map, Value};

use crate::api_doc::{self, ApiDocIndex};
use crate::error::{Error, Result};
use crate::schema::methods::{self as methods_file, Method, MethodsFile};
use crate::schema::{IrModelRow, Schema};
use crate::select::Selection;

/// Environment variable holding an API key (preferred).
pub const API_KEY_ENV: &str = "ODOO_API_KEY";
/// Environment variable holding a password.
pub const PASSWORD_ENV: &str = "ODOO_PASSWORD";
/// Requests in flight at once. A real Odoo computes one request at a time per worker (the
/// threaded server has one Python interpreter), so more than a few only queue on the server:
/// against the fake with Odoo 18's measured CPU cost, 2–4 in flight were fastest and 16 about
/// 20% slower (`cargo bench -p codegen --bench fetch_bulk`), while 4 still hide most of the
/// network latency of a remote server.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// `codegen fetch odoo`.
#[derive(clap::Args, Debug, Clone)]
pub struct FetchOdoo {
    /// Server base URL, e.g. `https://erp.example.com`.
    #[arg(long)]
    pub url: String,
    /// Database (default: the server's only one).
    #[arg(long)]
    pub db: Option<String>,
    /// Login of the user whose view of the models to record.
    #[arg(long, env = "ODOO_LOGIN")]
    pub login: String,
    /// Where to write the snapshot.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Only these models: comma-separated exact names or globs (`*` any run, `?` one
    /// character), e.g. `res.partner,sale.order*,*.line`. A pattern that matches no model
    /// is an error.
    #[arg(long = "models", alias = "model", value_name = "PATTERNS")]
    pub models: Vec<String>,
    /// Also every model these Odoo apps define or extend (`ir.model.modules`),
    /// comma-separated module names, e.g. `purchase,stock`. An app that touches no model
    /// is an error.
    #[arg(long = "apps", value_name = "APPS")]
    pub apps: Vec<String>,
    /// Requests in flight at once (default 4: a real Odoo computes one request per worker at
    /// a time, so more only queue on the server).
    #[arg(long, default_value_t = DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
    /// Allow plain http to a host other than 127.0.0.1.
    #[arg(long)]
    pub allow_insecure_http: bool,
    /// Odoo 16–18: the methods file listing business methods to check and keep (default: the
    /// `.methods.json` file beside `--out` if there is one).
    #[arg(long, value_name = "FILE")]
    pub methods: Option<PathBuf>,
    /// Odoo 16–18 without a methods file: check and keep the bundled list (business methods
    /// of 31 common models, from the Odoo 19.0 recording).
    #[arg(long)]
    pub bundled_methods: bool,
    /// Do not record business methods (on Odoo 19: read no api_doc document at all).
    #[arg(long)]
    pub no_methods: bool,
    /// Where field descriptions come from: `bulk` (a few reads of `ir.model.fields` and
    /// `ir.model.fields.selection`, plus one fields_get per model asking only what those
    /// tables lack: the bindings are those of `fields-get`), `tables` (those two tables alone,
    /// a few requests for any number of models, leaving out what they cannot say: computed-ness,
    /// groups, digits, currency fields, dynamic selections; see `bulk::TABLES_ONLY_RULES`)
    /// or `fields-get` (one full fields_get per model, or its api_doc document on Odoo 19 with
    /// an API key: the baseline).
    #[arg(long, value_enum, default_value_t = FieldsSource::Bulk)]
    pub fields_source: FieldsSource,
}

/// Where `codegen fetch odoo` reads field descriptions (`--fields-source`).
#[derive(clap::ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FieldsSource {
    /// [`crate::fetch::odoo::bulk`]: the bulk tables, and fields_get for what they cannot say.
    #[default]
    Bulk,
    /// [`bulk::tables_only`]: the bulk tables alone (fewer facts, no per-model
    /// request).
    Tables,
    /// [`odoo`]: one full description per model.
    FieldsGet,
}

impl FieldsSource {
    /// Describe the fields of the models `selection` selects from this source: the library's
    /// `--fields-source` ([`bulk::odoo`], [`bulk::tables_only`] or
    /// [`odoo`]). `progress` is called with (done, total) models.
    pub async fn fetch(
        self,
        client: &OdooClient,
        selection: &Selection,
        concurrency: usize,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<(Schema, FetchStats)> {
        match self {
            FieldsSource::Bulk => bulk::odoo(client, selection, concurrency, progress).await,
            FieldsSource::Tables => {
                bulk::tables_only(client, selection, concurrency, progress).await
            }
            FieldsSource::FieldsGet => odoo(client, selection, concurrency, progress).await,
        }
    }
}

/// The keyword the existence probe sends: no Odoo method declares it.
pub const PROBE_KWARG: &str = "erpbind_probe_not_a_parameter";

/// What happened to the business methods during a fetch.
#[derive(Debug, Clone, Default)]
pub struct MethodStats {
    /// Where the list came from (`odoo 19.0 api_doc`, or a methods file's `source`).
    pub source: String,
    /// Methods kept in the snapshot.
    pub kept: usize,
    /// Listed methods the server does not have (model, method, why): left out.
    pub dropped: Vec<(String, String, String)>,
    /// Kept without a check (model, method, why).
    pub unchecked: Vec<(String, String, String)>,
    /// Models of the list that the snapshot does not have (not fetched, or not installed).
    pub models_missing: Vec<String>,
    /// api_doc or probe calls that failed otherwise (model, error): nothing recorded for them.
    pub failed: Vec<(String, String)>,
    pub calls: usize,
}

/// How a probe came out.
enum Probe {
    Exists,
    Missing(String),
    Unchecked(String),
    Failed(String),
}

async fn probe(client: &OdooClient, model: &str, name: &str, method: &Method) -> Probe {
    let takes_kwargs = method.parameters.iter().any(|p| p.is_var_keyword());
    if method.is_model_method() && takes_kwargs {
        return Probe::Unchecked(
            "an @api.model method taking **kwargs: the probe could run it".into(),
        );
    }
    let mut kwargs = serde_json::Map::new();
    kwargs.insert(PROBE_KWARG.into(), Value::Bool(true));
    let answer = client
        .execute_kw::<Value>(model, name, Vec::new(), Value::Object(kwargs))
        .await;
    match answer {
        // Only a method swallowing any keyword gets here; it exists (and ran without ids).
        Ok(_) => Probe::Exists,
        Err(e) => match e.fault() {
            Some(f) => {
                let missing = f.name() == "builtins.AttributeError"
                    && (f.message().contains("does not exist")
                        || f.message().contains("has no attribute"));
                let private = f.name() == "odoo.exceptions.AccessError"
                    && f.message().contains("Private methods");
                if missing {
                    Probe::Missing("the server has no such method".into())
                } else if private {
                    Probe::Missing("private on this server".into())
                } else {
                    Probe::Exists
                }
            }
            None => Probe::Failed(e.to_string()),
        },
    }
}

/// Record business methods in `schema`: from `api_doc` on Odoo 19+, else from `file` (each
/// listed method checked on the server first; see the module docs). Never fails on a method:
/// what could not be read or checked is in the stats.
pub async fn methods(
    client: &OdooClient,
    schema: &mut Schema,
    file: Option<MethodsFile>,
    concurrency: usize,
) -> Result<MethodStats> {
    methods_with(client, schema, file, concurrency, BTreeMap::new(), None).await
}

/// [`methods`], taking on Odoo 19+ the api_doc documents already read (`known`, e.g. the
/// fetch's [`FetchStats::api_docs`]) instead of reading them again, and reading the others
/// only for the models in `only` (the api_doc index: the models it documents) when given.
/// Each document is read at most once.
pub async fn methods_with(
    client: &OdooClient,
    schema: &mut Schema,
    file: Option<MethodsFile>,
    concurrency: usize,
    mut known: BTreeMap<String, Value>,
    only: Option<&BTreeSet<String>>,
) -> Result<MethodStats> {
    let mut stats = MethodStats::default();
    let version = client.server_version();
    if version.major >= 19 {
        stats.source = format!("odoo {} api_doc", version.serie);
        let names: Vec<String> = schema
            .models
            .keys()
            .filter(|m| only.is_none_or(|o| o.contains(*m)))
            .cloned()
            .collect();
        let docs: Vec<(String, Option<Value>)> = names
            .into_iter()
            .map(|m| {
                let doc = known.remove(&m);
                (m, doc)
            })
            .collect();
        let mut calls = stream::iter(docs.into_iter().map(|(model, doc)| async move {
            match doc {
                Some(doc) => (model, Ok(doc), false),
                None => {
                    let answer = client.api_doc(&model).await;
                    (model, answer, true)
                }
            }
        }))
        .buffer_unordered(concurrency.max(1));
        let mut found = BTreeMap::new();
        while let Some((model, answer, requested)) = calls.next().await {
            stats.calls += usize::from(requested);
            match answer
                .map_err(|e| e.to_string())
                .and_then(|doc| methods_file::from_api_doc(&doc).map_err(|e| e.to_string()))
            {
                Ok(m) => {
                    found.insert(model, m);
                }
                Err(e) => stats.failed.push((model, e)),
            }
        }
        drop(calls);
        stats.failed.sort();
        for (model, m) in found {
            stats.kept += m.len();
            if let Some(slot) = schema.models.get_mut(&model) {
                slot.methods = m;
            }
        }
        if stats.kept > 0 {
            schema.methods_source = Some(stats.source.clone());
        }
        return Ok(stats);
    }
    let Some(file) = file else {
        return Ok(stats);
    };
    stats.source = file.source.clone();
    let mut listed = Vec::new();
    for (model, methods) in &file.models {
        if !schema.models.contains_key(model) {
            stats.models_missing.push(model.clone());
            continue;
        }
        for (name, m) in methods {
            listed.push((model.clone(), name.clone(), m.clone()));
        }
    }
    let mut probes = stream::iter(listed.into_iter().map(|(model, name, m)| async move {
        let outcome = probe(client, &model, &name, &m).await;
        (model, name, m, outcome)
    }))
    .buffer_unordered(concurrency.max(1));
    let mut kept: BTreeMap<String, BTreeMap<String, Method>> = BTreeMap::new();
    while let Some((model, name, m, outcome)) = probes.next().await {
        match outcome {
            Probe::Exists => {
                stats.calls += 1;
                kept.entry(model).or_default().insert(name, m);
            }
            Probe::Unchecked(why) => {
                stats.unchecked.push((model.clone(), name.clone(), why));
                kept.entry(model).or_default().insert(name, m);
            }
            Probe::Missing(why) => {
                stats.calls += 1;
                stats.dropped.push((model, name, why));
            }
            Probe::Failed(e) => {
                stats.calls += 1;
                stats.failed.push((format!("{model}.{name}"), e));
            }
        }
    }
    drop(probes);
    stats.dropped.sort();
    stats.unchecked.sort();
    stats.failed.sort();
    stats.kept = kept.values().map(BTreeMap::len).sum();
    let checked = MethodsFile {
        models: kept,
        source: format!(
            "{} (checked against Odoo {} by codegen fetch)",
            file.source, version.serie
        ),
        ..file
    };
    schema.attach_methods(&checked);
    Ok(stats)
}

/// The methods file for a fetch on 16–18: `--methods`, else the file beside `--out`, else the
/// bundled one when `--bundled-methods` asks for it. None: the snapshot gets no methods (and
/// stays format 1).
fn methods_file(args: &FetchOdoo) -> Result<Option<MethodsFile>> {
    if args.no_methods {
        return Ok(None);
    }
    if let Some(path) = &args.methods {
        return MethodsFile::load(path).map(Some);
    }
    let beside = methods_file::beside(&args.out);
    if beside.is_file() {
        return MethodsFile::load(&beside).map(Some);
    }
    Ok(args.bundled_methods.then(methods_file::bundled))
}

impl MethodStats {
    /// One clause for the fetch summary.
    pub fn summary(&self) -> String {
        if self.source.is_empty() {
            return "no business methods".into();
        }
        let mut s = format!("{} business methods from {}", self.kept, self.source);
        if !self.dropped.is_empty() {
            s.push_str(&format!(
                "; dropped {} the server does not have: {}",
                self.dropped.len(),
                self.dropped
                    .iter()
                    .map(|(m, n, _)| format!("{m}.{n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !self.unchecked.is_empty() {
            s.push_str(&format!(
                "; kept {} unchecked ({}): {}",
                self.unchecked.len(),
                "an @api.model method taking **kwargs cannot be probed safely",
                self.unchecked
                    .iter()
                    .map(|(m, n, _)| format!("{m}.{n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !self.models_missing.is_empty() {
            s.push_str(&format!(
                "; {} listed models not in the snapshot",
                self.models_missing.len()
            ));
        }
        if !self.failed.is_empty() {
            s.push_str(&format!(
                "; could not read or check {}: {}",
                self.failed.len(),
                self.failed
                    .iter()
                    .map(|(m, e)| format!("{m} ({e})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        s
    }
}

/// What a fetch did.
#[derive(Debug, Clone, Default)]
pub struct FetchStats {
    /// Models to describe: listed by `ir.model` (after `--models`/`--apps`), and on Odoo 19
    /// with `api_doc` also by its index (the models the user may read).
    pub listed: usize,
    /// Models whose description failed (left out of the snapshot), with the error.
    pub failed: Vec<(String, String)>,
    /// Requests made after login: the `ir.model` read, the api_doc index when probed, and
    /// one description per model (two when its api_doc document was missing).
    pub calls: usize,
    /// Models described by their api_doc document (the rest by `fields_get`).
    pub from_api_doc: usize,
    /// On Odoo 19+, why api_doc was not the source (`None` when it was, and before 19).
    pub api_doc_unused: Option<String>,
    /// The api_doc documents read for the fields, by model: [`methods_with`] takes its
    /// business methods from them instead of reading them again.
    pub api_docs: BTreeMap<String, Value>,
    /// What the bulk tables gave ([`crate::fetch::odoo::bulk`]; `None` on the per-model path).
    pub bulk: Option<bulk::BulkStats>,
    /// Why the bulk tables could not be read (access refused), so fields_get described
    /// every model.
    pub bulk_refused: Option<String>,
    /// Why `ir.model` could not be read (access refused): the models are the names of
    /// `--models`, without what only `ir.model` says (description, modules, order, state,
    /// transient; the module is guessed from the name).
    pub ir_model_refused: Option<String>,
    pub elapsed: Duration,
}

/// The api_doc index, or why it cannot be used (`Ok(None)` before Odoo 19). Only asked for
/// when it can answer: from Odoo 19 on, signed in with an API key.
async fn probe_api_doc(client: &OdooClient) -> Option<std::result::Result<ApiDocIndex, String>> {
    if client.server_version().major < 19 {
        return None;
    }
    if client.secret_kind() != SecretKind::ApiKey {
        return Some(Err(
            "signed in with a password; /doc-bearer/* takes an API key".into(),
        ));
    }
    Some(match client.get_bearer_json(&api_doc::INDEX_PATH).await {
        Ok(doc) => api_doc::parse_index(doc).map_err(|e| e.to_string()),
        Err(e) if e.status() == Some(404) => {
            Err("the api_doc module is not installed (/doc-bearer/index.json: 404)".into())
        }
        Err(e) => Err(format!("/doc-bearer/index.json: {e}")),
    })
}

/// One model's field descriptions: its api_doc document when `api_doc`, falling back to
/// `fields_get` when the server has none for it (404). Answers the descriptions, whether they
/// came from api_doc, and the number of requests made.
async fn describe(client: &OdooClient, model: &str, api_doc: bool) -> (Described, bool, usize) {
    if api_doc {
        let file = api_doc::model_file(model);
        match client.get_bearer_json(&["doc-bearer", &file]).await {
            Ok(doc) => {
                return match api_doc::parse_model(model, doc.clone()) {
                    Ok(m) => (Ok((m.fields, Some(doc))), true, 1),
                    Err(e) => (Err(e.to_string()), true, 1),
                };
            }
            Err(e) if e.status() == Some(404) => {
                let answer = client.model(model).fields_get().await;
                return (
                    answer.map(|f| (f, None)).map_err(|e| e.to_string()),
                    false,
                    2,
                );
            }
            Err(e) => return (Err(e.to_string()), true, 1),
        }
    }
    let answer = client.model(model).fields_get().await;
    (
        answer.map(|f| (f, None)).map_err(|e| e.to_string()),
        false,
        1,
    )
}

/// A model's field descriptions and, when they came from api_doc, the whole document.
type Described = std::result::Result<(Map<String, Value>, Option<Value>), String>;

/// The `ir.model` rows of the models `selection` selects (a pattern or app selecting nothing
/// is an error), in name order.
///
/// `ir.model` is readable by Administration / Access Rights only (`ir.model.access` on 16–19),
/// so a least-privileged bot is refused it. When `selection` names its models exactly (no
/// glob, no app), nothing needs listing: the rows are those names alone, without what only
/// `ir.model` says (description, modules, order, state, transient; the defining module is then
/// guessed from the name, as for a snapshot imported without `ir.model`), and the refusal is
/// kept in [`FetchStats::ir_model_refused`] for the summary. A name the server does not have
/// then fails at its fields_get and is listed as failed.
pub(crate) async fn list_models(
    client: &OdooClient,
    selection: &Selection,
) -> Result<(Vec<IrModelRow>, Option<String>)> {
    let read: std::result::Result<Vec<Value>, runtime::Error> = client
        .model("ir.model")
        .search_read(())
        .fields(["model", "name", "modules", "transient", "state", "order"])
        .order("model")
        .await;
    let rows = match read {
        Ok(rows) => rows,
        Err(e) if e.is_access() => match exact_names(selection) {
            Some(names) => {
                let rows = names
                    .into_iter()
                    .map(|model| IrModelRow {
                        model,
                        ..IrModelRow::default()
                    })
                    .collect();
                return Ok((rows, Some(e.to_string())));
            }
            None => {
                return Err(Error::Input {
                    what: "codegen fetch odoo: ir.model".into(),
                    message: format!(
                        "{e} (this user may not list the models: name them exactly with \
                         --models, without globs or --apps, or fetch as a user of \
                         Administration / Access Rights)"
                    ),
                });
            }
        },
        Err(e) => return Err(fetch_error("ir.model", &e)),
    };
    let mut all = Vec::with_capacity(rows.len());
    for row in rows {
        let row: IrModelRow = serde_json::from_value(row).map_err(|e| Error::Input {
            what: "ir.model search_read".into(),
            message: e.to_string(),
        })?;
        let modules = row.module_list();
        all.push((row, modules));
    }
    selection.check_all_used(
        "codegen fetch odoo",
        all.iter().map(|(r, m)| (r.model.as_str(), m.as_slice())),
    )?;
    Ok((
        all.into_iter()
            .filter(|(r, m)| selection.selects(&r.model, m))
            .map(|(r, _)| r)
            .collect(),
        None,
    ))
}

/// The model names of a selection that names them exactly (no glob, no app), sorted; `None`
/// when it selects by pattern or app (or selects everything).
fn exact_names(selection: &Selection) -> Option<Vec<String>> {
    let exact = !selection.patterns.is_empty()
        && selection.apps.is_empty()
        && selection.patterns.iter().all(|p| !p.contains(['*', '?']));
    exact.then(|| {
        let names: BTreeSet<String> = selection.patterns.iter().cloned().collect();
        names.into_iter().collect()
    })
}

/// Read the schema of every model (or those `selection` selects) one model at a time: one
/// `fields_get` per model, or on Odoo 19 with an API key its api_doc document
/// (`--fields-source fields-get`, the baseline the bulk path is measured against; see
/// [`bulk::odoo`] for the default). `progress` is called after each model with
/// (done, total).
pub async fn odoo(
    client: &OdooClient,
    selection: &Selection,
    concurrency: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(Schema, FetchStats)> {
    let started = Instant::now();
    let (selected, ir_model_refused) = list_models(client, selection).await?;
    let probe = probe_api_doc(client).await;
    let asked = client.secret_kind() == SecretKind::ApiKey && probe.is_some();
    let (index, api_doc_unused) = match probe {
        None => (None, None),
        Some(Ok(index)) => (Some(index), None),
        Some(Err(why)) => (None, Some(why)),
    };
    let mut stats = FetchStats {
        calls: 1 + usize::from(asked),
        api_doc_unused,
        ir_model_refused,
        ..FetchStats::default()
    };
    let readable: Option<BTreeSet<&str>> = index
        .as_ref()
        .map(|ix| ix.models.iter().map(|m| m.model.as_str()).collect());
    // With api_doc, the models its index lists: those the user may read.
    let ir_models: Vec<IrModelRow> = selected
        .into_iter()
        .filter(|r| {
            readable
                .as_ref()
                .is_none_or(|ix| ix.contains(r.model.as_str()))
        })
        .collect();
    let total = ir_models.len();
    stats.listed = total;
    let use_api_doc = index.is_some();
    let mut answers = BTreeMap::new();
    let mut done = 0;
    let mut calls = stream::iter(ir_models.iter().map(|row| async move {
        (
            row.model.clone(),
            describe(client, &row.model, use_api_doc).await,
        )
    }))
    .buffer_unordered(concurrency.max(1));
    while let Some((model, (answer, from_api_doc, requests))) = calls.next().await {
        stats.calls += requests;
        done += 1;
        progress(done, total);
        match answer {
            Ok((fields, doc)) => {
                stats.from_api_doc += usize::from(from_api_doc);
                if let Some(doc) = doc {
                    stats.api_docs.insert(model.clone(), doc);
                }
                answers.insert(model, Value::Object(fields));
            }
            Err(e) => stats.failed.push((model, e)),
        }
    }
    drop(calls);
    let version = client.server_version().serie.clone();
    let schema = Schema::from_odoo(&version, &ir_models, answers)?;
    stats.elapsed = started.elapsed();
    Ok((schema, stats))
}

pub(crate) fn fetch_error(what: &str, e: &runtime::Error) -> Error {
    Error::Input {
        what: format!("codegen fetch odoo: {what}"),
        message: e.to_string(),
    }
}

/// The first line of an error (Odoo's access errors go on with the groups that may).
fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// The secret: `ODOO_API_KEY`, `ODOO_PASSWORD`, or a prompt on the terminal.
fn secret(login: &str) -> Result<Secret> {
    let env = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
    if let Some(key) = env(API_KEY_ENV) {
        return Ok(Secret::api_key(key));
    }
    if let Some(pw) = env(PASSWORD_ENV) {
        return Ok(Secret::password(pw));
    }
    if std::io::stdin().is_terminal() {
        let pw = rpassword::prompt_password(format!("Odoo password (or API key) for {login}: "))
            .map_err(|e| Error::io("the terminal", e))?;
        if !pw.is_empty() {
            return Ok(Secret::password(pw));
        }
    }
    Err(Error::Input {
        what: "codegen fetch odoo".into(),
        message: format!(
            "set {API_KEY_ENV} (or {PASSWORD_ENV}) in the environment, or run it on a terminal to \
             be asked (secrets are never taken from the command line)"
        ),
    })
}

fn client_is_19(schema: &Schema) -> bool {
    schema
        .version
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| m >= 19)
}

/// `codegen fetch odoo ...`: sign in, fetch, write the snapshot; a one-line summary.
pub fn run(args: FetchOdoo) -> Result<String> {
    let secret = secret(&args.login)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("tokio runtime", e))?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("fields_get {bar:40} {pos}/{len} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let file = methods_file(&args)?;
    let (schema, stats, method_stats) = rt.block_on(async {
        let mut b = OdooClient::builder(&args.url)
            .login(&args.login)
            .secret(secret)
            .allow_insecure_http(args.allow_insecure_http);
        if let Some(db) = &args.db {
            b = b.database(db.as_str());
        }
        let client = b.connect().await.map_err(|e| fetch_error("login", &e))?;
        let selection = Selection::new(&args.models, &args.apps);
        let progress = |done, total| {
            if let Some(bar) = &bar {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            }
        };
        let (mut schema, mut stats) = args
            .fields_source
            .fetch(&client, &selection, args.concurrency, &progress)
            .await?;
        let method_stats = if args.no_methods {
            MethodStats::default()
        } else if client.server_version().major < 19 {
            methods(&client, &mut schema, file, args.concurrency).await?
        } else if args.fields_source == FieldsSource::FieldsGet || stats.bulk_refused.is_some() {
            // The documents that described the fields also give the methods.
            if stats.api_doc_unused.is_some() {
                MethodStats::default()
            } else {
                // Models whose document was missing (404) are not asked again.
                let docs = std::mem::take(&mut stats.api_docs);
                let only: BTreeSet<String> = docs.keys().cloned().collect();
                methods_with(
                    &client,
                    &mut schema,
                    file,
                    args.concurrency,
                    docs,
                    Some(&only),
                )
                .await?
            }
        } else {
            // Bulk fields: api_doc only for the methods, of the models its index documents.
            let asked = client.secret_kind() == SecretKind::ApiKey;
            stats.calls += usize::from(asked);
            match probe_api_doc(&client).await {
                Some(Ok(index)) => {
                    let only: BTreeSet<String> =
                        index.models.into_iter().map(|m| m.model).collect();
                    let m = methods_with(
                        &client,
                        &mut schema,
                        file,
                        args.concurrency,
                        BTreeMap::new(),
                        Some(&only),
                    )
                    .await?;
                    stats.calls += m.calls;
                    m
                }
                Some(Err(why)) => {
                    stats.api_doc_unused = Some(why);
                    MethodStats::default()
                }
                None => MethodStats::default(),
            }
        };
        Ok::<_, Error>((schema, stats, method_stats))
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    crate::fetch::write_snapshot(&args.out, &schema.to_json())?;
    let mut summary = format!(
        "{}: {} Odoo {} models ({} calls in {:.1} s)",
        args.out.display(),
        schema.models.len(),
        schema.version,
        stats.calls,
        stats.elapsed.as_secs_f64()
    );
    if let Some(bulk) = &stats.bulk {
        summary.push_str("; ");
        summary.push_str(&bulk.summary(schema.models.len()));
    }
    if let Some(why) = &stats.ir_model_refused {
        summary.push_str(&format!(
            "; the models named by --models without their ir.model descriptions, modules, order \
             or transient flags (module guessed from the name), as ir.model was refused: {}",
            first_line(why)
        ));
    }
    if let Some(why) = &stats.bulk_refused {
        summary.push_str(&format!(
            "; one fields_get per model, as the bulk tables were refused: {}",
            first_line(why)
        ));
    }
    // Business methods (when any were asked for or found) before the schema source.
    if !method_stats.source.is_empty() {
        summary.push_str("; ");
        summary.push_str(&method_stats.summary());
        if client_is_19(&schema) && method_stats.calls > 0 {
            summary.push_str(&format!(" ({} api_doc documents read)", method_stats.calls));
        }
    }
    match &stats.api_doc_unused {
        Some(why) if stats.bulk.is_some() => summary.push_str(&format!(
            "; no business methods, as api_doc is unusable: {why}"
        )),
        _ if stats.from_api_doc > 0 => summary.push_str(&format!(
            "; {} described by api_doc, {} by fields_get",
            stats.from_api_doc,
            schema.models.len() - stats.from_api_doc.min(schema.models.len())
        )),
        Some(why) => summary.push_str(&format!("; fields_get, as api_doc is unusable: {why}")),
        None => {}
    }
    if !stats.failed.is_empty() {
        summary.push_str(&format!(
            "; left out {} whose fields_get failed: {}",
            stats.failed.len(),
            stats
                .failed
                .iter()
                .map(|(m, e)| format!("{m} ({e})"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(summary)
}
