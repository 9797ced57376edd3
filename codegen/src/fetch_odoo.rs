//! `codegen fetch odoo`: a snapshot straight from an Odoo 16–19 server.
//!
//! One `ir.model` `search_read` lists the models (names, modules, order), then one
//! `fields_get` per model, [`DEFAULT_CONCURRENCY`] in flight at a time through the runtime's
//! client (one authenticated client, its connections pooled): a database with 1,000 models
//! and 20 ms between client and server takes about a second and a half instead of twenty.
//! The answers go through [`Schema::from_odoo`], as `codegen import odoo` does with saved ones.
//!
//! On Odoo 19+ signed in with an API key, the `api_doc` module's documents are the source when
//! installed (see [`crate::api_doc`]): `/doc-bearer/index.json` lists the models the user may
//! read, and `/doc-bearer/<model>.json` describes each one (fields_get's own descriptions,
//! plus each field's `module`, kept in the snapshot's `extra`); a model without a document
//! falls back to `fields_get`. Without the module (404), or with a password (bearer routes
//! take API keys only), every model is read with `fields_get`, as on 16–18.
//!
//! Secrets never come from the command line: the API key is read from `ODOO_API_KEY`, or the
//! password from `ODOO_PASSWORD`, or else asked for on the terminal (not echoed).

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
use crate::schema::{IrModelRow, Schema};
use crate::select::Selection;

/// Environment variable holding an API key (preferred).
pub const API_KEY_ENV: &str = "ODOO_API_KEY";
/// Environment variable holding a password.
pub const PASSWORD_ENV: &str = "ODOO_PASSWORD";
/// `fields_get` calls in flight at once.
pub const DEFAULT_CONCURRENCY: usize = 16;

/// `codegen fetch odoo`.
#[derive(clap::Args, Debug, Clone)]
pub struct FetchOdoo {
    /// Server base URL, e.g. https://erp.example.com.
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
    /// `fields_get` calls in flight at once.
    #[arg(long, default_value_t = DEFAULT_CONCURRENCY)]
    pub concurrency: usize,
    /// Allow plain http to a host other than 127.0.0.1.
    #[arg(long)]
    pub allow_insecure_http: bool,
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
async fn describe(
    client: &OdooClient,
    model: &str,
    api_doc: bool,
) -> (std::result::Result<Map<String, Value>, String>, bool, usize) {
    if api_doc {
        let file = api_doc::model_file(model);
        match client.get_bearer_json(&["doc-bearer", &file]).await {
            Ok(doc) => {
                return match api_doc::parse_model(model, doc) {
                    Ok(m) => (Ok(m.fields), true, 1),
                    Err(e) => (Err(e.to_string()), true, 1),
                };
            }
            Err(e) if e.status() == Some(404) => {
                let answer = client.model(model).fields_get().await;
                return (answer.map_err(|e| e.to_string()), false, 2);
            }
            Err(e) => return (Err(e.to_string()), true, 1),
        }
    }
    let answer = client.model(model).fields_get().await;
    (answer.map_err(|e| e.to_string()), false, 1)
}

/// Read the schema of every model (or those `selection` selects) from a connected client.
/// `progress` is called after each `fields_get` with (done, total).
pub async fn odoo(
    client: &OdooClient,
    selection: &Selection,
    concurrency: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(Schema, FetchStats)> {
    let started = Instant::now();
    let rows: Vec<Value> = client
        .model("ir.model")
        .search_read(())
        .fields(["model", "name", "modules", "transient", "state", "order"])
        .order("model")
        .await
        .map_err(|e| fetch_error("ir.model", &e))?;
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
        ..FetchStats::default()
    };
    let readable: Option<BTreeSet<&str>> = index
        .as_ref()
        .map(|ix| ix.models.iter().map(|m| m.model.as_str()).collect());
    let ir_models: Vec<IrModelRow> = all
        .into_iter()
        .filter(|(r, m)| selection.selects(&r.model, m))
        // With api_doc, the models its index lists: those the user may read.
        .filter(|(r, _)| {
            readable
                .as_ref()
                .is_none_or(|ix| ix.contains(r.model.as_str()))
        })
        .map(|(r, _)| r)
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
            Ok(fields) => {
                stats.from_api_doc += usize::from(from_api_doc);
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

fn fetch_error(what: &str, e: &runtime::Error) -> Error {
    Error::Input {
        what: format!("codegen fetch odoo: {what}"),
        message: e.to_string(),
    }
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
    let (schema, stats) = rt.block_on(async {
        let mut b = OdooClient::builder(&args.url)
            .login(&args.login)
            .secret(secret)
            .allow_insecure_http(args.allow_insecure_http);
        if let Some(db) = &args.db {
            b = b.database(db.as_str());
        }
        let client = b.connect().await.map_err(|e| fetch_error("login", &e))?;
        let selection = Selection::new(&args.models, &args.apps);
        odoo(&client, &selection, args.concurrency, &|done, total| {
            if let Some(bar) = &bar {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            }
        })
        .await
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
    match &stats.api_doc_unused {
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
