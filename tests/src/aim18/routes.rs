//! HTTP handlers of the fake aiM18 server.
//!
//! Wire choices where aiM18's docs are silent (the client makes the same ones;
//! see `runtime::aim18` module docs):
//! - OAuth errors: RFC 6749 §5.2 JSON `{"error","error_description"}`, 401 for
//!   `invalid_client`, 400 otherwise; entry-page errors that cannot be trusted
//!   to redirect (unknown client, unregistered `redirect_uri`) are a 400 HTML
//!   page, the rest redirect with `error=` (§4.1.2.1).
//! - Token response: `access_token`, `token_type` (`bearer`), `expires_in`
//!   (seconds; can be switched off), `refresh_token` (not for implicit), `uid`.
//!   Refresh rotates: the old refresh token stops working.
//! - A missing, unknown or expired access token: 401 with
//!   `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 §3).
//! - A call refused by module rights or a per-API rule: 403 with a CheckMsg
//!   array in `error_info` (keys `fake_no_right` / `fake_api_rule`, invented).
//! - `entity/...` family: success 200, failure 400 with `error_info` and
//!   `error_id: 1`; tables embedded as JSON strings.
//!   `root/api/...` family: failures are 200 `{"status":false,"messages":[..]}`,
//!   read answers `{"status":true,"data":<entity>}` with tables as objects.
//! - Search rows are 1-based and `endRow` inclusive; no `endRow` means to the end.

// Guards return the early answer as `Err(Response)`; boxing it would only add noise.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State as AxState};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post, put};
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use super::Shared;
use super::faults::url_decode_pairs;
use super::modules::{self, ModuleDef, Record, check_msg, locator};
use super::readings::{
    ExpiredToken, ImplicitTokenIn, Readings, RedirectState, RefreshRedirectUri, RefreshRefusal,
    RightsRefusal, SaveAnswer, SearchSize,
};
use super::state::{CodeGrant, Op, State};

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/jsf/rfws/oauth/entry", get(entry))
        .route("/jsf/rfws/oauth/token", any(token))
        .route("/jsf/rfws/entity/create/{module}", post(entity_create))
        .route("/jsf/rfws/entity/read/{module}", get(entity_read))
        .route(
            "/jsf/rfws/entity/save/{module}",
            put(entity_save).post(entity_save),
        )
        .route(
            "/jsf/rfws/entity/s/save/{module}",
            put(entity_save_simplified).post(entity_save_simplified),
        )
        .route("/jsf/rfws/entity/delete/{module}", delete(entity_delete))
        .route(
            "/jsf/rfws/entity/getIdByCode/{module}",
            get(entity_id_by_code),
        )
        .route("/jsf/rfws/root/api/create/{menu}", post(root_create))
        .route("/jsf/rfws/root/api/read/{menu}", get(root_read))
        .route(
            "/jsf/rfws/root/api/save/{menu}",
            put(root_save).post(root_save),
        )
        .route("/jsf/rfws/root/api/delete/{menu}", delete(root_delete))
        .route(
            "/jsf/rfws/root/api/getIdByCode/{menu}",
            get(root_id_by_code),
        )
        .route("/jsf/rfws/search/search", get(search))
        // The unconfirmed services again, where `UnconfirmedPaths::Elsewhere`
        // puts them (the fault layer answers 404 here under the other reading).
        .route(
            "/jsf/rfws/alt/entity/delete/{module}",
            delete(entity_delete),
        )
        .route(
            "/jsf/rfws/alt/entity/getIdByCode/{module}",
            get(entity_id_by_code),
        )
        .route("/jsf/rfws/alt/root/api/create/{menu}", post(root_create))
        .route(
            "/jsf/rfws/alt/root/api/save/{menu}",
            put(root_save).post(root_save),
        )
        .route("/jsf/rfws/alt/root/api/delete/{menu}", delete(root_delete))
        .route(
            "/jsf/rfws/alt/root/api/getIdByCode/{menu}",
            get(root_id_by_code),
        )
        .with_state(shared)
}

type Params = HashMap<String, String>;

fn query_params(q: &Option<String>) -> Params {
    url_decode_pairs(q.as_deref().unwrap_or(""))
        .into_iter()
        .collect()
}

// ---------------------------------------------------------------- responses

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut r = (
        status,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn html_page(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!("<html><body><h1>aiM18</h1><p>{text}</p></body></html>"),
    )
        .into_response()
}

/// The documented failure form: status + CheckMsg array in `error_info`.
fn check_error(status: StatusCode, msgs: Vec<Value>) -> Response {
    let mut r = status.into_response();
    let info = Value::Array(msgs).to_string();
    let value =
        HeaderValue::from_bytes(info.as_bytes()).unwrap_or_else(|_| HeaderValue::from_static("[]"));
    r.headers_mut().insert("error_info", value);
    r.headers_mut()
        .insert("error_id", HeaderValue::from_static("1"));
    r
}

pub(crate) fn unauthorized(description: &str) -> Response {
    let mut r = StatusCode::UNAUTHORIZED.into_response();
    let v = format!("Bearer error=\"invalid_token\", error_description=\"{description}\"");
    if let Ok(v) = HeaderValue::from_str(&v) {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    r
}

/// A refused access token, in the form `readings.expired_token` plays.
pub(crate) fn token_refused(readings: &Readings, description: &str) -> Response {
    let msg = |key: &str, info: &str| vec![check_msg(key, info, vec![])];
    match readings.expired_token {
        ExpiredToken::Unauthorized401 => unauthorized(description),
        ExpiredToken::BadRequest400 => check_error(
            StatusCode::BAD_REQUEST,
            msg(
                "core_token",
                &format!("Access token expired: {description}"),
            ),
        ),
        ExpiredToken::Forbidden403 => check_error(
            StatusCode::FORBIDDEN,
            msg(
                "core_token",
                &format!("Invalid access token: {description}"),
            ),
        ),
    }
}

/// How a family reports a failed call (not auth or rights: those are always statuses).
#[derive(Clone, Copy, PartialEq)]
enum Family {
    Entity,
    Root,
}

impl Family {
    fn fail(self, msgs: Vec<Value>) -> Response {
        match self {
            Family::Entity => check_error(StatusCode::BAD_REQUEST, msgs),
            Family::Root => {
                Json(json!({"status": false, "messages": msgs, "recordId": 0})).into_response()
            }
        }
    }
}

// ------------------------------------------------------------------- OAuth

fn with_params(base: &str, params: &[(&str, &str)], fragment: bool) -> String {
    let encoded: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    if fragment {
        format!("{base}#{encoded}")
    } else if base.contains('?') {
        format!("{base}&{encoded}")
    } else {
        format!("{base}?{encoded}")
    }
}

fn redirect(location: String) -> Response {
    match HeaderValue::from_str(&location) {
        Ok(v) => (StatusCode::FOUND, [(header::LOCATION, v)]).into_response(),
        Err(_) => html_page(StatusCode::BAD_REQUEST, "bad redirect_uri"),
    }
}

async fn entry(AxState(sh): AxState<Arc<Shared>>, RawQuery(q): RawQuery) -> Response {
    let p = query_params(&q);
    let mut st = sh.state();
    let client_id = p.get("client_id").cloned().unwrap_or_default();
    let redirect_uri = p.get("redirect_uri").cloned().unwrap_or_default();
    // §4.1.2.1: never redirect to a URI that is not registered for the client.
    let Some(client) = st.clients.get(&client_id) else {
        return html_page(StatusCode::BAD_REQUEST, "Unknown client_id");
    };
    if !client.redirect_uris.contains(&redirect_uri) {
        return html_page(
            StatusCode::BAD_REQUEST,
            "redirect_uri is not registered for this application",
        );
    }
    let state = p
        .get("state")
        .cloned()
        .filter(|_| st.readings.redirect_state == RedirectState::Echo);
    let in_query = st.readings.implicit_token_in == ImplicitTokenIn::Query;
    let response_type = p.get("response_type").map(String::as_str).unwrap_or("");
    let fragment = response_type == "token" && !in_query;
    let fail = |error: &str| {
        let mut pairs = vec![("error", error)];
        if let Some(s) = &state {
            pairs.push(("state", s));
        }
        redirect(with_params(&redirect_uri, &pairs, fragment))
    };
    if response_type != "code" && response_type != "token" {
        return fail("unsupported_response_type");
    }
    let user = st
        .signed_in
        .clone()
        .or_else(|| st.users.keys().next().cloned());
    let Some(user) = user.filter(|_| !st.deny_consent) else {
        return fail("access_denied");
    };
    if response_type == "code" {
        let code = super::state::mint_code();
        let expires = std::time::Instant::now() + st.code_ttl;
        st.codes.insert(
            code.clone(),
            CodeGrant {
                client: client_id,
                redirect_uri: redirect_uri.clone(),
                user,
                expires,
                used: false,
            },
        );
        let mut pairs = vec![("code", code.as_str())];
        if let Some(s) = &state {
            pairs.push(("state", s));
        }
        redirect(with_params(&redirect_uri, &pairs, false))
    } else {
        let issued = st.issue(&client_id, &user, None, true);
        let expires = issued.expires_in.map(|e| e.to_string());
        let uid = issued.uid.to_string();
        let mut pairs = vec![
            ("access_token", issued.access_token.as_str()),
            ("token_type", "bearer"),
            ("uid", uid.as_str()),
        ];
        if let Some(e) = &expires {
            pairs.push(("expires_in", e));
        }
        if let Some(s) = &state {
            pairs.push(("state", s));
        }
        redirect(with_params(&redirect_uri, &pairs, !in_query))
    }
}

async fn token(
    AxState(sh): AxState<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    // aiM18 documents GET with query parameters; a third-party note has POST
    // with a form body working too, so both are read.
    let mut p = query_params(&q);
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if method == Method::POST && is_form {
        p.extend(url_decode_pairs(&String::from_utf8_lossy(&body)));
    }
    let mut st = sh.state();
    let grant = p.get("grant_type").cloned().unwrap_or_default();
    match grant.as_str() {
        "password" => st.token_counts.password += 1,
        "authorization_code" => st.token_counts.authorization_code += 1,
        "refresh_token" => st.token_counts.refresh_token += 1,
        _ => st.token_counts.other += 1,
    }
    let get = |k: &str| p.get(k).cloned().unwrap_or_default();
    let client_id = get("client_id");
    if grant.is_empty() {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "grant_type is required",
        );
    }
    match st.clients.get(&client_id) {
        Some(c) if c.secret == get("client_secret") => {}
        _ => {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Unknown client or wrong client secret",
            );
        }
    }
    let issued = match grant.as_str() {
        "password" => {
            let user = get("username");
            let ok = st
                .users
                .get(&user)
                .is_some_and(|u| u.password_sha1.eq_ignore_ascii_case(&get("password")));
            if !ok {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Wrong user name or password",
                );
            }
            st.issue(&client_id, &user, None, false)
        }
        "authorization_code" => {
            let code = get("code");
            let Some(grant) = st.codes.get_mut(&code) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Unknown code");
            };
            if grant.used {
                st.revoke_from_code(&code);
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Code already used; tokens issued from it are revoked",
                );
            }
            grant.used = true;
            if grant.expires < std::time::Instant::now() {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Code expired");
            }
            if grant.client != client_id {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Code was issued to another client",
                );
            }
            if grant.redirect_uri != get("redirect_uri") {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "redirect_uri does not match the authorization request",
                );
            }
            let user = grant.user.clone();
            let uri = grant.redirect_uri.clone();
            let issued = st.issue(&client_id, &user, Some(code), false);
            st.remember_redirect_uri(&issued, Some(uri));
            issued
        }
        "refresh_token" => {
            let old = get("refresh_token");
            let refusal = st.readings.refresh_refusal;
            let redirect_required =
                st.readings.refresh_redirect_uri == RefreshRedirectUri::Required;
            match st.refresh.get(&old) {
                Some(g) if g.client == client_id => {
                    if redirect_required
                        && let Some(uri) = &g.redirect_uri
                        && *uri != get("redirect_uri")
                    {
                        return refuse_refresh(refusal, "redirect_uri is required");
                    }
                }
                _ => return refuse_refresh(refusal, "Unknown or revoked refresh token"),
            }
            let Some(g) = st.refresh.remove(&old) else {
                return refuse_refresh(refusal, "Unknown refresh token");
            };
            let issued = st.issue(&client_id, &g.user, g.from_code, false);
            st.remember_redirect_uri(&issued, g.redirect_uri);
            issued
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type must be password, authorization_code or refresh_token",
            );
        }
    };
    let mut body = Map::new();
    body.insert("access_token".into(), json!(issued.access_token));
    body.insert("token_type".into(), json!("bearer"));
    if let Some(e) = issued.expires_in {
        body.insert("expires_in".into(), json!(e));
    }
    if let Some(r) = issued.refresh_token {
        body.insert("refresh_token".into(), json!(r));
    }
    body.insert("uid".into(), json!(issued.uid));
    let mut r = Json(Value::Object(body)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A refused refresh in the form `readings.refresh_refusal` plays.
fn refuse_refresh(form: RefreshRefusal, description: &str) -> Response {
    match form {
        RefreshRefusal::OAuthJson => {
            oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", description)
        }
        RefreshRefusal::HtmlPage => html_page(StatusCode::BAD_REQUEST, description),
        RefreshRefusal::PlainText => (
            StatusCode::UNAUTHORIZED,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            description.to_string(),
        )
            .into_response(),
        RefreshRefusal::ErrorInfo400 => check_error(
            StatusCode::BAD_REQUEST,
            vec![check_msg("core_refresh", description, vec![])],
        ),
    }
}

/// Give `java.lang.String` columns (classType 0) the classType `code`, in
/// tables sent as objects or as JSON strings.
fn retag_strings(entity: &mut Value, code: Option<i64>) {
    let Some(code) = code else { return };
    let Value::Object(tables) = entity else {
        return;
    };
    for table in tables.values_mut() {
        let mut parsed = match table {
            Value::String(s) => match serde_json::from_str::<Value>(s) {
                Ok(v) => Some(v),
                Err(_) => continue,
            },
            _ => None,
        };
        let target = parsed.as_mut().unwrap_or(table);
        if let Some(Value::Array(fields)) = target.get_mut("fields") {
            for f in fields {
                if f.get("classType") == Some(&json!(0)) {
                    f["classType"] = json!(code);
                }
            }
        }
        if let Some(v) = parsed {
            *table = Value::String(v.to_string());
        }
    }
}

// ---------------------------------------------------------- service guard

/// The caller of a service: after the token, client and per-API checks.
struct Caller {
    user: String,
    uid: i64,
}

fn authenticate(st: &State, headers: &HeaderMap, path: &str) -> Result<Caller, Response> {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    let Some(client_id) = header("client_id") else {
        return Err(unauthorized("client_id header is required"));
    };
    let Some(auth) = header("authorization") else {
        return Err(unauthorized("authorization header is required"));
    };
    // The Java sample may send the bare token; accept it as aiM18 apparently does.
    let token = match auth.split_once(' ') {
        Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") => t.trim(),
        _ => auth.trim(),
    };
    let Some(grant) = st.access.get(token) else {
        return Err(token_refused(&st.readings, "Unknown access token"));
    };
    if grant.expires <= std::time::Instant::now() {
        return Err(token_refused(&st.readings, "The access token expired"));
    }
    if grant.client != client_id {
        return Err(token_refused(
            &st.readings,
            "The access token belongs to another client",
        ));
    }
    if st.api_denied(client_id, path) {
        return Err(check_error(
            StatusCode::FORBIDDEN,
            vec![check_msg(
                "fake_api_rule",
                &format!("An access rule of this application refuses {path}"),
                vec![],
            )],
        ));
    }
    Ok(Caller {
        user: grant.user.clone(),
        uid: st.users.get(&grant.user).map(|u| u.uid).unwrap_or(0),
    })
}

fn require_right(st: &State, caller: &Caller, module: &str, op: Op) -> Result<(), Response> {
    if st.allowed(&caller.user, module, op) {
        return Ok(());
    }
    Err(match st.readings.rights_refusal {
        RightsRefusal::Forbidden403 => check_error(
            StatusCode::FORBIDDEN,
            vec![check_msg(
                "fake_no_right",
                &format!("No {} right on module {module}", op.as_str()),
                vec![],
            )],
        ),
        RightsRefusal::NotFoundOrNoAccess => check_error(
            StatusCode::BAD_REQUEST,
            vec![check_msg(
                "core_141019",
                "Record not found or no access",
                vec![],
            )],
        ),
    })
}

/// Module from the `entity` family's path plus its `menuCode` query parameter.
fn entity_module(module: &str, p: &Params) -> Result<&'static ModuleDef, Vec<Value>> {
    let Some(def) = modules::module(module) else {
        return Err(vec![check_msg(
            "fake_unknown_module",
            &format!("Unknown module {module}"),
            vec![],
        )]);
    };
    match p.get("menuCode") {
        Some(m) if def.menu_codes.contains(&m.as_str()) => Ok(def),
        Some(m) => Err(vec![check_msg(
            "fake_unknown_menu",
            &format!("Menu {m} does not belong to module {module}"),
            vec![],
        )]),
        None => Err(vec![check_msg(
            "core_101905",
            "menuCode is required",
            vec![],
        )]),
    }
}

fn root_module(menu: &str) -> Result<&'static ModuleDef, Vec<Value>> {
    modules::module_by_menu(menu).ok_or_else(|| {
        vec![check_msg(
            "fake_unknown_menu",
            &format!("Unknown menu {menu}"),
            vec![],
        )]
    })
}

fn parse_id(p: &Params) -> Option<i64> {
    p.get("id").and_then(|s| s.trim().parse().ok())
}

fn not_found(module: &str, id: i64) -> Vec<Value> {
    vec![check_msg(
        "core_141019",
        &format!("Record {id} of {module} not found"),
        vec![],
    )]
}

// ------------------------------------------------------------------- CRUD

struct Call<'a> {
    sh: &'a Shared,
    family: Family,
    headers: &'a HeaderMap,
    path: String,
    params: Params,
}

impl Call<'_> {
    /// Module rights, unless the caller sent `check_right=false` (aiM18's
    /// OAuth page: the developer decides with `check_right` whether module
    /// rights are checked; the CRUD interfaces check them by default).
    fn require(&self, st: &State, caller: &Caller, module: &str, op: Op) -> Result<(), Response> {
        if self.params.get("check_right").map(String::as_str) == Some("false") {
            return Ok(());
        }
        require_right(st, caller, module, op)
    }

    fn module(&self, name: &str) -> Result<&'static ModuleDef, Vec<Value>> {
        match self.family {
            Family::Entity => entity_module(name, &self.params),
            Family::Root => root_module(name),
        }
    }
}

fn create_impl(call: Call<'_>, name: &str) -> Response {
    let st = call.sh.state();
    let caller = match authenticate(&st, call.headers, &call.path) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let def = match call.module(name) {
        Ok(d) => d,
        Err(m) => return call.family.fail(m),
    };
    if let Err(r) = call.require(&st, &caller, def.module, Op::Create) {
        return r;
    }
    let mut entity = def.entity_json(&def.new_record(), call.family == Family::Entity);
    retag_strings(&mut entity, st.readings.unknown_class_type);
    match call.family {
        Family::Entity => Json(entity).into_response(),
        Family::Root => Json(json!({"status": true, "data": entity})).into_response(),
    }
}

fn read_impl(call: Call<'_>, name: &str) -> Response {
    let st = call.sh.state();
    let caller = match authenticate(&st, call.headers, &call.path) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let def = match call.module(name) {
        Ok(d) => d,
        Err(m) => return call.family.fail(m),
    };
    if let Err(r) = call.require(&st, &caller, def.module, Op::Read) {
        return r;
    }
    let Some(id) = parse_id(&call.params) else {
        return call
            .family
            .fail(vec![check_msg("core_101905", "id is required", vec![])]);
    };
    let Some(record) = st.records.get(def.module).and_then(|m| m.get(&id)) else {
        return call.family.fail(not_found(def.module, id));
    };
    // `iRev` asks for an old version; the fake keeps none but the current one.
    if let Some(rev) = call.params.get("iRev")
        && rev.trim().parse::<i64>().ok() != as_i64(record.main.get("iRev"))
    {
        return call.family.fail(not_found(def.module, id));
    }
    let mut entity = def.entity_json(record, call.family == Family::Entity);
    retag_strings(&mut entity, st.readings.unknown_class_type);
    match call.family {
        Family::Entity => Json(entity).into_response(),
        Family::Root => Json(json!({"status": true, "data": entity})).into_response(),
    }
}

fn as_i64(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

type Tables = Vec<(String, Vec<Map<String, Value>>)>;

/// Table name → rows, from either the full SqlEntity (tables as JSON strings
/// or objects) or the simplified `{"table":{"values":[...]}}` form.
fn parse_tables(def: &ModuleDef, body: &Value) -> Result<Tables, Vec<Value>> {
    let Value::Object(obj) = body else {
        return Err(vec![check_msg(
            "fake_bad_entity",
            "The entity must be a JSON object",
            vec![],
        )]);
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (key, value) in obj {
        if matches!(
            key.as_str(),
            "moduleType" | "mainTableName" | "subTableNames"
        ) {
            continue;
        }
        let Some(table) = def.table(key) else {
            errors.push(check_msg(
                "fake_unknown_table",
                &format!("Module {} has no table {key}", def.module),
                vec![],
            ));
            continue;
        };
        let parsed;
        let table_obj = match value {
            Value::String(s) => match serde_json::from_str::<Value>(s) {
                Ok(v) => {
                    parsed = v;
                    &parsed
                }
                Err(_) => {
                    errors.push(check_msg(
                        "fake_bad_entity",
                        &format!("Table {key} is not valid JSON"),
                        vec![],
                    ));
                    continue;
                }
            },
            v => v,
        };
        let rows = match table_obj.get("values") {
            Some(Value::Array(rows)) => rows,
            _ => {
                errors.push(check_msg(
                    "fake_bad_entity",
                    &format!("Table {key} has no values array"),
                    vec![],
                ));
                continue;
            }
        };
        let mut maps = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let Value::Object(m) = row else {
                errors.push(check_msg(
                    "fake_bad_entity",
                    &format!("Row {} of {key} is not an object", i + 1),
                    vec![],
                ));
                continue;
            };
            for col in m.keys() {
                if table.col(col).is_none() {
                    let row_no = if table.name == def.main.name {
                        0
                    } else {
                        i + 1
                    };
                    errors.push(check_msg(
                        "fake_unknown_column",
                        &format!("Table {key} has no column {col}"),
                        vec![locator(key, col, row_no, 0)],
                    ));
                }
            }
            maps.push(m.clone());
        }
        out.push((key.clone(), maps));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn now_text() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

fn save_impl(call: Call<'_>, name: &str, body: Result<Value, String>) -> Response {
    let mut st = call.sh.state();
    let caller = match authenticate(&st, call.headers, &call.path) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let def = match call.module(name) {
        Ok(d) => d,
        Err(m) => return call.family.fail(m),
    };
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            return call
                .family
                .fail(vec![check_msg("fake_bad_entity", &e, vec![])]);
        }
    };
    // Rights first, so a refused user learns nothing about the data: a main
    // row id > 0 is an update, anything else a create.
    let tables = parse_tables(def, &body);
    let main_row = tables
        .as_ref()
        .ok()
        .and_then(|t| t.iter().find(|(n, _)| n == def.main.name))
        .and_then(|(_, rows)| rows.first().cloned())
        .unwrap_or_default();
    let id = as_i64(main_row.get("id")).unwrap_or(0);
    let op = if id > 0 { Op::Update } else { Op::Create };
    if let Err(r) = call.require(&st, &caller, def.module, op) {
        return r;
    }
    let tables = match tables {
        Ok(t) => t,
        Err(m) => return call.family.fail(m),
    };
    let mut record = if id > 0 {
        match st.records.get(def.module).and_then(|m| m.get(&id)) {
            Some(r) => r.clone(),
            None => return call.family.fail(not_found(def.module, id)),
        }
    } else {
        def.new_record()
    };
    if id > 0 {
        let stored = as_i64(record.main.get("iRev")).unwrap_or(0);
        if let Some(sent) = as_i64(main_row.get("iRev")).filter(|r| *r != 0)
            && sent != stored
        {
            return call.family.fail(vec![check_msg(
                "fake_stale_iRev",
                &format!("Record changed since it was read (iRev {sent}, now {stored})"),
                vec![locator(def.main.name, "iRev", 0, id)],
            )]);
        }
    }
    for (k, v) in main_row {
        record.main.insert(k, v);
    }
    let new_id = if id > 0 {
        id
    } else {
        st.records
            .get(def.module)
            .and_then(|m| m.keys().next_back().copied())
            .unwrap_or(0)
            + 1
    };
    record.id = new_id;
    record.main.insert("id".into(), json!(new_id));
    for (table, rows) in tables {
        if table == def.main.name {
            continue;
        }
        let mut out = Vec::new();
        for mut row in rows {
            if as_i64(row.get("id")).unwrap_or(0) <= 0 {
                row.insert("id".into(), json!(st.next_line_id));
                st.next_line_id += 1;
            }
            row.insert("hId".into(), json!(new_id));
            out.push(row);
        }
        record.subs.insert(table, out);
    }
    // Transactions get a number when saved without one, like aiM18's auto-numbering.
    if record.code().is_empty() && def.line_table.is_some() {
        let prefix = def.main.name.trim_start_matches("main").to_uppercase();
        record
            .main
            .insert("code".into(), json!(format!("{prefix}{new_id:06}")));
    }
    let msgs = modules::validate(def, &record, &st.records);
    if !msgs.is_empty() {
        return call.family.fail(msgs);
    }
    let rev = as_i64(record.main.get("iRev")).unwrap_or(0) + 1;
    record.main.insert("iRev".into(), json!(rev));
    record
        .main
        .insert("lastModifyDate".into(), json!(now_text()));
    record
        .main
        .insert("lastModifyUid".into(), json!(caller.uid));
    let saved_entity = def.entity_json(&record, true);
    st.records
        .entry(def.module)
        .or_default()
        .insert(new_id, record);
    match st.readings.save_answer {
        SaveAnswer::RecordId => {
            Json(json!({"status": true, "recordId": new_id, "messages": []})).into_response()
        }
        SaveAnswer::Id => Json(json!({"status": true, "id": new_id})).into_response(),
        SaveAnswer::TranId => {
            Json(json!({"status": true, "tranId": new_id, "tranCode": format!("T{new_id:06}")}))
                .into_response()
        }
        SaveAnswer::BareNumber => Json(json!(new_id)).into_response(),
        SaveAnswer::Entity => Json(saved_entity).into_response(),
        SaveAnswer::NoId => Json(json!({"status": true})).into_response(),
    }
}

fn delete_impl(call: Call<'_>, name: &str) -> Response {
    let mut st = call.sh.state();
    let caller = match authenticate(&st, call.headers, &call.path) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let def = match call.module(name) {
        Ok(d) => d,
        Err(m) => return call.family.fail(m),
    };
    if let Err(r) = call.require(&st, &caller, def.module, Op::Delete) {
        return r;
    }
    let Some(id) = parse_id(&call.params) else {
        return call
            .family
            .fail(vec![check_msg("core_101905", "id is required", vec![])]);
    };
    match st.records.get_mut(def.module).and_then(|m| m.remove(&id)) {
        Some(_) => Json(json!({"status": true, "recordId": id, "messages": []})).into_response(),
        None => call.family.fail(not_found(def.module, id)),
    }
}

fn id_by_code_impl(call: Call<'_>, name: &str) -> Response {
    let st = call.sh.state();
    let caller = match authenticate(&st, call.headers, &call.path) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let def = match call.module(name) {
        Ok(d) => d,
        Err(m) => return call.family.fail(m),
    };
    if let Err(r) = call.require(&st, &caller, def.module, Op::Read) {
        return r;
    }
    let code = call.params.get("code").cloned().unwrap_or_default();
    let found = st
        .records
        .get(def.module)
        .and_then(|m| m.values().find(|r| r.code() == code));
    match found {
        Some(r) => Json(json!({"id": r.id})).into_response(),
        None => call.family.fail(vec![check_msg(
            "core_141019",
            &format!("No {} with code {code}", def.module),
            vec![],
        )]),
    }
}

fn call<'a>(
    sh: &'a Shared,
    family: Family,
    headers: &'a HeaderMap,
    path: String,
    q: &Option<String>,
) -> Call<'a> {
    Call {
        sh,
        family,
        headers,
        path,
        params: query_params(q),
    }
}

async fn entity_create(
    AxState(sh): AxState<Arc<Shared>>,
    Path(m): Path<String>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let path = format!("/jsf/rfws/entity/create/{m}");
    create_impl(call(&sh, Family::Entity, &h, path, &q), &m)
}

async fn entity_read(
    AxState(sh): AxState<Arc<Shared>>,
    Path(m): Path<String>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let path = format!("/jsf/rfws/entity/read/{m}");
    read_impl(call(&sh, Family::Entity, &h, path, &q), &m)
}

fn json_body(body: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(body).map_err(|e| format!("The body is not JSON: {e}"))
}

async fn entity_save(
    AxState(sh): AxState<Arc<Shared>>,
    Path(m): Path<String>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    let path = format!("/jsf/rfws/entity/save/{m}");
    save_impl(
        call(&sh, Family::Entity, &h, path, &q),
        &m,
        json_body(&body),
    )
}

async fn entity_save_simplified(
    AxState(sh): AxState<Arc<Shared>>,
    Path(m): Path<String>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    let path = format!("/jsf/rfws/entity/s/save/{m}");
    let c = call(&sh, Family::Entity, &h, path, &q);
    // The doc lists `entity` as a query parameter; a body is read as well.
    let entity = match c.params.get("entity") {
        Some(e) => json_body(e.as_bytes()),
        None => json_body(&body),
    };
    save_impl(c, &m, entity)
}

async fn entity_delete(
    AxState(sh): AxState<Arc<Shared>>,
    Path(m): Path<String>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let path = format!("/jsf/rfws/entity/delete/{m}");
    delete_impl(call(&sh, Family::Entity, &h, path, &q), &m)
}

async fn entity_id_by_code(
    AxState(sh): AxState<Arc<Shared>>,
    Path(m): Path<String>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let path = format!("/jsf/rfws/entity/getIdByCode/{m}");
    id_by_code_impl(call(&sh, Family::Entity, &h, path, &q), &m)
}

async fn root_create(
    AxState(sh): AxState<Arc<Shared>>,
    Path(m): Path<String>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let path = format!("/jsf/rfws/root/api/create/{m}");
    create_impl(call(&sh, Family::Root, &h, path, &q), &m)
}

async fn root_read(
    AxState(sh): AxState<Arc<Shared>>,
    Path(m): Path<String>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let path = format!("/jsf/rfws/root/api/read/{m}");
    read_impl(call(&sh, Family::Root, &h, path, &q), &m)
}

async fn root_save(
    AxState(sh): AxState<Arc<Shared>>,
    Path(m): Path<String>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    let path = format!("/jsf/rfws/root/api/save/{m}");
    save_impl(call(&sh, Family::Root, &h, path, &q), &m, json_body(&body))
}

async fn root_delete(
    AxState(sh): AxState<Arc<Shared>>,
    Path(m): Path<String>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let path = format!("/jsf/rfws/root/api/delete/{m}");
    delete_impl(call(&sh, Family::Root, &h, path, &q), &m)
}

async fn root_id_by_code(
    AxState(sh): AxState<Arc<Shared>>,
    Path(m): Path<String>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let path = format!("/jsf/rfws/root/api/getIdByCode/{m}");
    id_by_code_impl(call(&sh, Family::Root, &h, path, &q), &m)
}

// ----------------------------------------------------------------- search

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

fn search_row(def: &ModuleDef, r: &Record, st: &State) -> Map<String, Value> {
    let code = r.code().to_string();
    let desc = text(r.main.get("desc_en"));
    let st_desc = if desc.is_empty() {
        code.clone()
    } else {
        format!("{desc} ({code})")
    };
    let mut row = Map::new();
    row.insert("id".into(), json!(r.id));
    row.insert("code".into(), json!(code));
    row.insert("st_id".into(), json!(r.id));
    row.insert("st_code".into(), json!(code));
    row.insert("st_desc".into(), json!(st_desc));
    if !desc.is_empty() {
        row.insert("desc__lang".into(), json!(desc));
    }
    for col in [
        "iRev",
        "lastModifyDate",
        "tel",
        "email",
        "tDate",
        "amt",
        "beId",
    ] {
        if let Some(v) = r.main.get(col) {
            row.insert(col.into(), v.clone());
        }
    }
    row.insert(
        format!("{}.lastModifyUid.simpleUser.desc", def.main.name),
        json!("admin"),
    );
    if def.module == "oldso" {
        let cus = as_i64(r.main.get("cusId"))
            .and_then(|id| st.records.get("cus").and_then(|m| m.get(&id)))
            .map(|c| c.code().to_string())
            .unwrap_or_default();
        row.insert("mainso.cusId.cus.code".into(), json!(cus));
    }
    row
}

async fn search(
    AxState(sh): AxState<Arc<Shared>>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let st = sh.state();
    let path = "/jsf/rfws/search/search";
    let caller = match authenticate(&st, &h, path) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let p = query_params(&q);
    let fail = |m: &str| {
        check_error(
            StatusCode::BAD_REQUEST,
            vec![check_msg("core_101905", m, vec![])],
        )
    };
    let st_search = p.get("stSearch").cloned().unwrap_or_default();
    let Some(def) = modules::module(&st_search) else {
        return check_error(
            StatusCode::BAD_REQUEST,
            vec![check_msg(
                "fake_unknown_lookup",
                &format!("Unknown stSearch {st_search}"),
                vec![],
            )],
        );
    };
    if let Err(r) = require_right(&st, &caller, def.module, Op::Read) {
        return r;
    }
    let be: Option<i64> = match p.get("beId").map(|s| s.trim().parse::<i64>()) {
        Some(Ok(b)) => Some(b),
        Some(Err(_)) => return fail("beId must be a number"),
        None if def.search_needs_be => return fail("beId is required"),
        None => None,
    };
    let parse_row = |k: &str| p.get(k).map(|s| s.trim().parse::<usize>());
    let start = match parse_row("startRow") {
        None => 1,
        Some(Ok(n)) => n.max(1),
        Some(Err(_)) => return fail("startRow must be a number"),
    };
    let end = match parse_row("endRow") {
        None => usize::MAX,
        Some(Ok(n)) => n,
        Some(Err(_)) => return fail("endRow must be a number"),
    };
    // `conds` grammar is undocumented here: the fake takes `col=value` pairs joined by ';'.
    let conds: Vec<(String, String)> = p
        .get("conds")
        .map(|c| {
            c.split(';')
                .filter_map(|pair| pair.split_once('='))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .collect()
        })
        .unwrap_or_default();
    let quick = p
        .get("quickSearchStr")
        .map(|s| s.to_lowercase())
        .filter(|s| !s.is_empty());
    let empty = Default::default();
    let records = st.records.get(def.module).unwrap_or(&empty);
    let mut hits: Vec<&Record> = records
        .values()
        .filter(|r| match (be, r.main.get("beId")) {
            (Some(be), Some(v)) => as_i64(Some(v)) == Some(be),
            _ => true,
        })
        .filter(|r| conds.iter().all(|(k, v)| text(r.main.get(k)) == *v))
        .filter(|r| {
            quick.as_ref().is_none_or(|q| {
                r.code().to_lowercase().contains(q)
                    || text(r.main.get("desc_en")).to_lowercase().contains(q)
            })
        })
        .collect();
    // `sorts`: columns separated by ';', each optionally followed by " desc".
    if let Some(sorts) = p.get("sorts").filter(|s| !s.trim().is_empty()) {
        let keys: Vec<(String, bool)> = sorts
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| match s.split_once(' ') {
                Some((c, dir)) => (c.to_string(), dir.trim().eq_ignore_ascii_case("desc")),
                None => (s.to_string(), false),
            })
            .collect();
        hits.sort_by(|a, b| {
            for (col, desc) in &keys {
                let ord = cmp_values(a.main.get(col), b.main.get(col));
                let ord = if *desc { ord.reverse() } else { ord };
                if ord.is_ne() {
                    return ord;
                }
            }
            a.id.cmp(&b.id)
        });
    }
    let asked = end.saturating_sub(start - 1);
    let rows: Vec<Map<String, Value>> = hits
        .iter()
        .skip(start - 1)
        .take(
            st.readings
                .search_page_cap
                .map_or(asked, |cap| asked.min(cap)),
        )
        .map(|r| search_row(def, r, &st))
        .collect();
    let size = match st.readings.search_size {
        SearchSize::RowsReturned => rows.len(),
        SearchSize::TotalCount => hits.len(),
    };
    Json(json!({
        "stSearch": def.module,
        "size": size,
        "stSearchDisplay": def.display,
        "values": rows,
    }))
    .into_response()
}

fn cmp_values(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .unwrap_or(0.0)
            .total_cmp(&y.as_f64().unwrap_or(0.0)),
        _ => text(a).cmp(&text(b)),
    }
}

/// Body of a `malformed_json` fault: JSON cut short.
pub(crate) fn truncated_json() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from("{\"access_token\":\"abc\",\"values\":[{\"id\":1,"),
    )
        .into_response()
}

/// Body of an `html_502` fault: a reverse proxy's error page.
pub(crate) fn proxy_502() -> Response {
    html_page(
        StatusCode::BAD_GATEWAY,
        "502 Bad Gateway: the upstream server did not answer",
    )
}
