//! `codegen fetch odoo`: a snapshot straight from an Odoo 16–19 server.
//!
//! One `ir.model` `search_read` lists the models (names, modules, order), then one
//! `fields_get` per model, [`DEFAULT_CONCURRENCY`] in flight at a time through the runtime's
//! client (one authenticated client, its connections pooled): a database with 1,000 models
//! and 20 ms between client and server takes about a second and a half instead of twenty.
//! The answers go through [`Schema::from_odoo`], as `codegen import odoo` does with saved ones.
//!
//! Secrets never come from the command line: the API key is read from `ODOO_API_KEY`, or the
//! password from `ODOO_PASSWORD`, or else asked for on the terminal (not echoed).

use std::collections::BTreeMap;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt as _};
use runtime::Secret;
use runtime::odoo::OdooClient;
use serde_json::Value;

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
    /// Models listed by `ir.model` (after the `--model` filter).
    pub listed: usize,
    /// Models whose `fields_get` failed (left out of the snapshot), with the error.
    pub failed: Vec<(String, String)>,
    /// ORM calls made after login: one `ir.model` read plus one `fields_get` per model.
    pub calls: usize,
    pub elapsed: Duration,
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
    let ir_models: Vec<IrModelRow> = all
        .into_iter()
        .filter(|(r, m)| selection.selects(&r.model, m))
        .map(|(r, _)| r)
        .collect();
    let total = ir_models.len();
    let mut stats = FetchStats {
        listed: total,
        calls: 1,
        ..FetchStats::default()
    };
    let mut answers = BTreeMap::new();
    let mut done = 0;
    let mut calls = stream::iter(ir_models.iter().map(|row| async move {
        let answer = client.model(&row.model).fields_get().await;
        (row.model.clone(), answer)
    }))
    .buffer_unordered(concurrency.max(1));
    while let Some((model, answer)) = calls.next().await {
        stats.calls += 1;
        done += 1;
        progress(done, total);
        match answer {
            Ok(fields) => {
                answers.insert(model, Value::Object(fields));
            }
            Err(e) => stats.failed.push((model, e.to_string())),
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
