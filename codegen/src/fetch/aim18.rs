//! `codegen fetch aim18`.
//!
//! aiM18 documents no service that lists modules or describes columns, so
//! the user names the modules (`MODULE:MENUCODE`, and the lookups that list
//! them); for each one [`describe`] asks the create service for the empty
//! template and keeps each table's `fields` (name, fieldClass, classType).
//!
//! Secrets never come from the command line, where other users can read
//! them: the client secret is read from `M18_CLIENT_SECRET`, the password of
//! the password grant from `M18_PASSWORD`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use runtime::aim18::{
    Aim18Client, AuthorizationRequest, ClientSecret, LoopbackListener, SqlEntity, SqlTable,
};

use crate::error::{Error, Result};
use crate::schema::aim18::{Aim18Model, Aim18Schema, Column, ModuleSpec, Table};

/// Environment variable holding the aiM18 client secret.
pub const CLIENT_SECRET_ENV: &str = "M18_CLIENT_SECRET";
/// Environment variable holding the password for the password grant.
pub const PASSWORD_ENV: &str = "M18_PASSWORD";

#[derive(clap::Args, Debug, Clone)]
pub struct FetchAim18 {
    /// Server base URL, e.g. `https://erp.example.com`.
    #[arg(long)]
    pub url: String,
    /// Client ID of the application (aiM18's Authorized Applications).
    #[arg(long)]
    pub client_id: String,
    /// A module to describe: MODULE:MENUCODE, plus :STSEARCH[,STSEARCH...]
    /// for the lookups that list its records (e.g. oldso:oldso:oldso).
    #[arg(long = "module", value_name = "MODULE:MENUCODE")]
    pub modules: Vec<ModuleSpec>,
    /// A file of module specs, one per line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where to write the snapshot.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// User for the password grant.
    #[arg(long, env = "M18_USERNAME")]
    pub username: Option<String>,
    /// Sign in through a browser (authorization-code grant): prints the URL
    /// to open and waits for the redirect on 127.0.0.1.
    #[arg(long)]
    pub browser: bool,
    /// Port of the redirect listener; the application's registered redirect
    /// URI must be http://127.0.0.1:PORT/callback.
    #[arg(long, requires = "browser")]
    pub port: Option<u16>,
    /// Seconds to wait for the browser.
    #[arg(long, default_value_t = 300)]
    pub wait: u64,
    /// Free text recorded as the snapshot's `version` (aiM18 reports none).
    #[arg(long, default_value = "unknown")]
    pub version: String,
    /// Allow plain http to a host other than 127.0.0.1.
    #[arg(long)]
    pub allow_insecure_http: bool,
    /// Write every request and answer of the session to DIR (one JSON file
    /// each, secrets replaced by placeholders), in the shape of the recordings
    /// under tests/fixtures; the fake aiM18 in `tests` can replay the folder.
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,
    /// With --browser: accept a redirect that carries no `state` (aiM18's
    /// pages do not mention it). Gives up the check that ties the redirect to
    /// this sign-in (login CSRF); use only if your server drops `state`.
    #[arg(long, requires = "browser")]
    pub allow_missing_state: bool,
}

/// How to sign in.
pub enum Aim18Login {
    /// Resource-owner password grant.
    Password { username: String, password: String },
    /// Authorization-code grant: open the URL `show` is given, wait for the
    /// redirect on 127.0.0.1:`port` (any free port for `None`).
    Browser {
        port: Option<u16>,
        wait: Duration,
        show: Box<dyn FnOnce(&str) + Send>,
        /// Accept a redirect without `state` (see `--allow-missing-state`).
        allow_missing_state: bool,
    },
}

/// Sign in to aiM18. With `record`, every exchange of the session is written
/// there (see `Aim18ClientBuilder::record`), the grant's token request
/// included (the browser's visit to the entry page is not the client's).
pub async fn connect_aim18(
    url: &str,
    client_id: &str,
    client_secret: &str,
    login: Aim18Login,
    allow_insecure_http: bool,
    record: Option<&Path>,
) -> Result<Aim18Client> {
    let failed = |e: runtime::Error| Error::Fetch {
        what: format!("signing in to aiM18 at {url}"),
        source: Box::new(e),
    };
    let mut builder = Aim18Client::builder(url)
        .client_id(client_id)
        .client_secret(client_secret)
        .allow_insecure_http(allow_insecure_http);
    if let Some(dir) = record {
        builder = builder.record(dir);
    }
    let builder = match login {
        Aim18Login::Password { username, password } => builder.password_grant(username, &password),
        Aim18Login::Browser {
            port,
            wait,
            show,
            allow_missing_state,
        } => {
            let listener = LoopbackListener::bind(port, wait).map_err(failed)?;
            let request = AuthorizationRequest::new(url, client_id, &listener.redirect_uri())
                .map_err(failed)?
                .allow_insecure_http(allow_insecure_http)
                .allow_missing_state(allow_missing_state);
            let request = match record {
                Some(dir) => request.record(dir),
                None => request,
            };
            show(request.url().as_str());
            let code = listener.wait_for(&request).await.map_err(failed)?;
            let tokens = request
                .exchange(&ClientSecret::new(client_secret), code, request.state())
                .await
                .map_err(failed)?;
            builder.tokens(tokens)
        }
    };
    builder.connect().await.map_err(failed)
}

/// A snapshot of `modules`: one create-service template each.
pub async fn describe(
    client: &Aim18Client,
    modules: &[ModuleSpec],
    version: &str,
) -> Result<Aim18Schema> {
    let mut schema = Aim18Schema::new(version);
    for spec in modules {
        let template = client
            .create_template(&spec.module, &spec.menu_code)
            .await
            .map_err(|e| Error::Fetch {
                what: format!(
                    "the template of aiM18 module {} (menu {})",
                    spec.module, spec.menu_code
                ),
                source: Box::new(e),
            })?;
        let model = model_from_template(spec, &template)?;
        schema.insert(&spec.module, model)?;
    }
    Ok(schema)
}

/// The model a template describes: its main table and sub tables (in the
/// order of `subTableNames`), each with its `fields`.
pub fn model_from_template(spec: &ModuleSpec, entity: &SqlEntity) -> Result<Aim18Model> {
    let what = || {
        format!(
            "the template of aiM18 module {} (menu {})",
            spec.module, spec.menu_code
        )
    };
    let table = |name: &str| -> Result<Table> {
        let t: &SqlTable = entity.table(name).ok_or_else(|| Error::Input {
            what: what(),
            message: format!("no table `{name}`"),
        })?;
        if t.fields.is_empty() {
            return Err(Error::Input {
                what: what(),
                message: format!("table `{name}` has no `fields`: its columns cannot be typed"),
            });
        }
        Ok(Table {
            name: name.to_owned(),
            columns: t
                .fields
                .iter()
                .map(|f| Column {
                    name: f.name.clone(),
                    field_class: f.field_class.clone(),
                    field_class_name: f.field_class_name.clone(),
                    class_type: f.class_type.code(),
                })
                .collect(),
        })
    };
    if entity.main_table_name.is_empty() {
        return Err(Error::Input {
            what: what(),
            message: "no `mainTableName`".into(),
        });
    }
    let main = table(&entity.main_table_name)?;
    let sub_names: Vec<&str> = if entity.sub_table_names.is_empty() {
        entity
            .tables
            .keys()
            .map(String::as_str)
            .filter(|n| *n != entity.main_table_name)
            .collect()
    } else {
        entity
            .sub_table_names
            .iter()
            .map(String::as_str)
            .filter(|n| *n != entity.main_table_name)
            .collect()
    };
    let subs = sub_names
        .into_iter()
        .map(table)
        .collect::<Result<Vec<_>>>()?;
    Aim18Model::new(
        &spec.module,
        &spec.menu_code,
        main,
        subs,
        spec.search_types.iter().cloned(),
    )
}

fn env_secret(name: &str, why: &str) -> Result<String> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Ok(v),
        _ => Err(Error::Input {
            what: "codegen fetch aim18".into(),
            message: format!("set {name} to {why} (secrets are never taken from the command line)"),
        }),
    }
}

pub(super) fn run(args: FetchAim18) -> Result<String> {
    let mut modules = args.modules.clone();
    if let Some(path) = &args.config {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        modules.extend(ModuleSpec::parse_file(&text, path)?);
    }
    if modules.is_empty() {
        return Err(Error::Input {
            what: "codegen fetch aim18".into(),
            message: "name at least one module (--module MODULE:MENUCODE or --config FILE)".into(),
        });
    }
    let secret = env_secret(CLIENT_SECRET_ENV, "the application's client secret")?;
    let login = if args.browser {
        Aim18Login::Browser {
            port: args.port,
            wait: Duration::from_secs(args.wait),
            show: Box::new(|url| {
                use std::io::Write as _;
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "Open this URL in a browser and sign in:\n{url}");
                let _ = err.flush();
            }),
            allow_missing_state: args.allow_missing_state,
        }
    } else {
        let username = args.username.clone().ok_or_else(|| Error::Input {
            what: "codegen fetch aim18".into(),
            message:
                "--username (or M18_USERNAME) is needed for the password grant; or use --browser"
                    .into(),
        })?;
        Aim18Login::Password {
            username,
            password: env_secret(PASSWORD_ENV, "the password of the password grant")?,
        }
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("tokio runtime", e))?;
    let schema = rt.block_on(async {
        let client = connect_aim18(
            &args.url,
            &args.client_id,
            &secret,
            login,
            args.allow_insecure_http,
            args.record.as_deref(),
        )
        .await?;
        describe(&client, &modules, &args.version).await
    })?;
    super::write_snapshot(&args.out, &schema.to_json())?;
    Ok(format!(
        "{}: {} aiM18 modules",
        args.out.display(),
        schema.models.len()
    ))
}
