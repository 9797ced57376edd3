//! Odoo 19's JSON-2 (`/json/2/<model>/<method>`) and its schema endpoints (`/doc-bearer/*`).

use http::{HeaderMap, Method, header};
use serde_json::Value;

use crate::odoo::errors::{OdooError, Via, werkzeug};

use super::jsonrpc::orm_call;
use super::serving::Reply;
use super::{NOT_FOUND_PAGE, Shared};

pub(super) fn json2_error(e: &OdooError) -> Reply {
    Reply::json(e.json2_status(), &e.data())
}

pub(super) fn json2(
    shared: &Shared,
    method: &Method,
    rest: &str,
    headers: &HeaderMap,
    parsed: Option<Value>,
) -> Reply {
    let parts: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    let [model, orm_method] = parts.as_slice() else {
        return json2_error(&werkzeug(
            "NotFound",
            404,
            "Did you mean POST /json/2/<model>/<method>?",
        ));
    };
    if model.is_empty() || orm_method.is_empty() {
        return json2_error(&werkzeug(
            "NotFound",
            404,
            "Did you mean POST /json/2/<model>/<method>?",
        ));
    }
    // the database: X-Odoo-Database, or the only one; else the route does not exist
    let db = match headers.get("x-odoo-database").and_then(|v| v.to_str().ok()) {
        Some(db) => Some(db.to_string()),
        None if shared.dbs.len() == 1 => Some(shared.dbs[0].clone()),
        None => None,
    };
    if !db.is_some_and(|db| shared.dbs.contains(&db)) {
        let page = shared
            .fx
            .recording("json2.error.wrong_database")
            .and_then(|r| r.get("response"))
            .and_then(Value::as_str)
            .unwrap_or(NOT_FOUND_PAGE)
            .to_string();
        return Reply::html(404, &page);
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, key) = v.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| key.trim().to_string())
        });
    let Some(key) = bearer.filter(|k| !k.is_empty()) else {
        return json2_error(&shared.errors().json2_no_key());
    };
    // API keys only: a password is not a bearer
    let Some(user) = shared.users.iter().find(|u| u.api_keys.contains(&key)) else {
        return json2_error(&shared.errors().json2_wrong_key());
    };
    if method != Method::POST {
        return json2_error(&werkzeug(
            "MethodNotAllowed",
            405,
            "The method is not allowed for the requested URL.",
        ));
    }
    let Some(Value::Object(body)) = parsed else {
        return json2_error(&werkzeug(
            "BadRequest",
            400,
            "could not parse the body, expecting a json object",
        ));
    };
    match orm_call(shared, user.uid, Via::Json2, |orm| {
        orm.call_json2(model, orm_method, body)
    }) {
        Ok(v) => Reply::json(200, &v),
        Err(e) => json2_error(&e),
    }
}

/// Odoo 19's schema endpoints (`/doc-bearer/index.json`, `/doc-bearer/<model>.json`), answered
/// from the recorded `api_doc/` files (31 business models and the index).
pub(super) fn api_doc(shared: &Shared, name: &str, headers: &HeaderMap) -> Reply {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim().to_string());
    let Some(key) = bearer.filter(|k| !k.is_empty()) else {
        return json2_error(&shared.errors().json2_no_key());
    };
    if !shared.users.iter().any(|u| u.api_keys.contains(&key)) {
        return json2_error(&shared.errors().json2_wrong_key());
    }
    let file = (!name.contains('/') && !name.starts_with('.'))
        .then(|| shared.fx.dir.join("api_doc").join(name))
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| serde_json::from_str::<Value>(&t).ok());
    match file {
        Some(rec) => {
            let status = rec
                .get("http_status")
                .and_then(Value::as_u64)
                .unwrap_or(200) as u16;
            Reply::json(status, rec.get("response").unwrap_or(&Value::Null))
        }
        None => json2_error(&werkzeug(
            "NotFound",
            404,
            "The requested URL was not found on the server.",
        )),
    }
}
