//! Everything Odoo needs before the first ORM call, in one place: detecting the
//! version, choosing the database, and logging in on each transport.

use std::sync::Arc;

use reqwest::header::ACCEPT;
use serde_json::{Map, Value, json};
use url::Url;

use super::transport::json2::{self, Json2Transport};
use super::transport::jsonrpc::{self, JsonRpcTransport};
use super::transport::session::SessionTransport;
use super::transport::{Connection, Transport, TransportKind};
use super::version::ServerVersion;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{HttpClient, Idempotency, endpoint};
use crate::secret::SecretKind;

/// `GET /web/version` (19+, no JSON-RPC involved), else `common.version` over `/jsonrpc`.
pub(crate) async fn detect_version(http: &HttpClient, base: &Url) -> Result<ServerVersion> {
    let url = endpoint(base, &["web", "version"]);
    let resp = http
        .send(Idempotency::Retry, |c| {
            c.get(url.clone()).header(ACCEPT, "application/json")
        })
        .await
        .map_err(|e| e.with_target("common", "version"))?;
    if resp.status.is_success()
        && let Ok(v) = serde_json::from_slice::<Value>(&resp.body)
        && let Some(version) = ServerVersion::from_web_version(&v)
    {
        return Ok(version);
    }
    // Older servers have no /web/version (404); whatever it answered, ask the RPC service.
    let v = jsonrpc::service(
        http,
        base,
        1,
        "common",
        "version",
        vec![],
        Idempotency::Retry,
    )
    .await
    .map_err(|e| e.with_target("common", "version"))?;
    ServerVersion::from_common_version(&v).ok_or_else(|| {
        Error::new(
            ErrorKind::Protocol,
            "common.version answered without a usable server_version_info",
        )
        .with_target("common", "version")
        .with_url(endpoint(base, &["jsonrpc"]))
    })
}

/// The databases the server lists: `db.list` over `/jsonrpc`, or `/web/database/list`
/// where the `db` service is gone (Odoo 20+).
pub(crate) async fn list_databases(http: &HttpClient, base: &Url) -> Result<Vec<String>> {
    let answer =
        match jsonrpc::service(http, base, 2, "db", "list", vec![], Idempotency::Retry).await {
            Err(e) if e.is_not_found() || (e.is_protocol() && e.status() == Some(404)) => {
                let url = endpoint(base, &["web", "database", "list"]);
                jsonrpc::post(http, &url, 3, json!({}), Idempotency::Retry).await
            }
            other => other,
        };
    let answer = answer.map_err(|e| {
        if e.is_authentication() || e.is_access() {
            Error::new(
                ErrorKind::Database,
                format!(
                    "no database was given and the server at {base} does not list its databases \
                     (list_db is off); name the database explicitly"
                ),
            )
            .with_source(e)
        } else {
            e
        }
        .with_target("db", "list")
    })?;
    serde_json::from_value::<Vec<String>>(answer).map_err(|e| {
        Error::decode(e, "db.list should answer a list of names").with_target("db", "list")
    })
}

/// The only database the server lists, or an error listing the choices.
pub(crate) async fn pick_database(http: &HttpClient, base: &Url) -> Result<String> {
    let mut dbs = list_databases(http, base).await?;
    match dbs.len() {
        1 => Ok(dbs.remove(0)),
        0 => Err(Error::new(
            ErrorKind::Database,
            format!("no database was given and the server at {base} lists none"),
        )
        .with_target("db", "list")),
        n => Err(Error::new(
            ErrorKind::Database,
            format!(
                "no database was given and the server at {base} has {n}: {}; choose one (e.g. .database(\"{}\"))",
                dbs.join(", "),
                dbs[0]
            ),
        )
        .with_target("db", "list")),
    }
}

/// The authentication error: names the URL, database and login, never the secret.
fn refused(conn: &Connection, model: &str, method: &str, cause: Option<Error>) -> Error {
    let what = match conn.secret.kind() {
        SecretKind::Password => "wrong login or password",
        SecretKind::ApiKey => "wrong login, or an invalid, expired or revoked API key",
    };
    let mut e = Error::new(
        ErrorKind::Authentication,
        format!(
            "login {:?} was refused by database {:?} at {} ({what})",
            conn.login, conn.db, conn.base
        ),
    )
    .with_target(model, method)
    .with_url(conn.base.clone());
    if let Some(cause) = cause {
        e = e.with_source(cause.redact(conn.secret.expose_secret()));
    }
    e
}

/// Log in with the chosen transport. Returns the transport and the user's id
/// (unknown only if a JSON-2 server reveals it nowhere).
pub(crate) async fn login(
    conn: Arc<Connection>,
    kind: TransportKind,
) -> Result<(Box<dyn Transport>, Option<i64>)> {
    match kind {
        TransportKind::JsonRpc => {
            let uid = jsonrpc_login(&conn).await?;
            Ok((Box::new(JsonRpcTransport { conn, uid }), Some(uid)))
        }
        TransportKind::WebSession => {
            let uid = session_login(&conn).await?;
            Ok((Box::new(SessionTransport::new(conn)), uid))
        }
        TransportKind::Json2 => {
            let uid = json2_login(&conn).await?;
            Ok((Box::new(Json2Transport { conn }), uid))
        }
    }
}

/// `common.authenticate`: the uid, or `false` for wrong credentials (not an error in Odoo).
async fn jsonrpc_login(conn: &Connection) -> Result<i64> {
    let args = vec![
        Value::String(conn.db.clone()),
        Value::String(conn.login.clone()),
        Value::String(conn.secret.expose_secret().to_owned()),
        json!({}),
    ];
    let answer = jsonrpc::service(
        &conn.http,
        &conn.base,
        conn.next_id(),
        "common",
        "authenticate",
        args,
        Idempotency::Retry,
    )
    .await;
    match answer {
        Ok(Value::Number(n)) if n.as_i64().is_some_and(|uid| uid > 0) => {
            Ok(n.as_i64().unwrap_or_default())
        }
        Ok(Value::Bool(false) | Value::Null) => Err(refused(conn, "common", "authenticate", None)),
        Ok(_) => Err(Error::new(
            ErrorKind::Protocol,
            "common.authenticate answered neither a uid nor false",
        )
        .with_target("common", "authenticate")),
        Err(e) if e.is_authentication() => Err(refused(conn, "common", "authenticate", Some(e))),
        Err(e) => Err(e
            .redact(conn.secret.expose_secret())
            .with_target("common", "authenticate")),
    }
}

/// `/web/session/authenticate`: sets the session cookie; answers the session info.
pub(crate) async fn session_login(conn: &Connection) -> Result<Option<i64>> {
    let url = endpoint(&conn.base, &["web", "session", "authenticate"]);
    let params = json!({
        "db": conn.db,
        "login": conn.login,
        "password": conn.secret.expose_secret(),
    });
    let answer = jsonrpc::post(&conn.http, &url, conn.next_id(), params, Idempotency::Retry).await;
    match answer {
        Ok(info) => match info.get("uid") {
            Some(Value::Number(n)) => Ok(n.as_i64()),
            // A null uid means the password was right but a second factor is pending.
            Some(Value::Null) => Err(Error::new(
                ErrorKind::Authentication,
                format!(
                    "login {:?} on database {:?} at {} needs two-factor authentication, which a \
                     program cannot complete; use an API key instead",
                    conn.login, conn.db, conn.base
                ),
            )
            .with_target("web.session", "authenticate")),
            _ => Ok(None),
        },
        Err(e) if e.is_authentication() => {
            Err(refused(conn, "web.session", "authenticate", Some(e)))
        }
        Err(e) => Err(e
            .redact(conn.secret.expose_secret())
            .with_target("web.session", "authenticate")),
    }
}

/// JSON-2 has no login: check the key with a harmless read that also tells the
/// uid (the user's own `res.users` record by login); where the user may not
/// search users, `context_get` still proves the key works.
async fn json2_login(conn: &Connection) -> Result<Option<i64>> {
    let mut body = Map::new();
    body.insert("domain".into(), json!([["login", "=", conn.login]]));
    body.insert("limit".into(), json!(1));
    let (model, method) =
        match json2::post(conn, "res.users", "search", &body, Idempotency::Retry).await {
            Ok(ids) => {
                return Ok(ids
                    .as_array()
                    .and_then(|a| a.first())
                    .and_then(Value::as_i64));
            }
            Err(e) if e.is_authentication() => {
                return Err(refused(conn, "res.users", "search", Some(e)));
            }
            Err(e) if e.is_access() || e.is_not_found() || e.is_server() => {
                ("res.users", "context_get")
            }
            Err(e) => {
                return Err(e
                    .redact(conn.secret.expose_secret())
                    .with_target("res.users", "search"));
            }
        };
    match json2::post(conn, model, method, &Map::new(), Idempotency::Retry).await {
        Ok(ctx) => Ok(ctx.get("uid").and_then(Value::as_i64)),
        Err(e) if e.is_authentication() => Err(refused(conn, model, method, Some(e))),
        Err(e) => Err(e
            .redact(conn.secret.expose_secret())
            .with_target(model, method)),
    }
}
