//! JSON-RPC (`/jsonrpc`) and the web client's session routes: sessions, `dispatch_rpc`, ORM calls.

use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, header};
use serde_json::{Value, json};

use crate::odoo::OdooVersion;
use crate::odoo::access::Access;
use crate::odoo::errors::{OdooError, Via};
use crate::odoo::fixtures::Obj;
use crate::odoo::orm::{Env, Orm};

use super::serving::Reply;
use super::{Session, Shared, lock};

pub(super) fn rpc_ok(id: &Value, result: Value) -> Reply {
    Reply::json(200, &json!({"jsonrpc": "2.0", "id": id, "result": result}))
}

pub(super) fn rpc_err(id: &Value, code: i64, message: &str, e: &OdooError) -> Reply {
    Reply::json(
        200,
        &json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message, "data": e.data()}}),
    )
}

/// The logged-in user of the request's unexpired session cookie, if any.
pub(super) fn session_uid(shared: &Shared, headers: &HeaderMap) -> Option<i64> {
    let sid = cookie_session(headers)?;
    let sessions = lock(&shared.sessions);
    let s = sessions.get(&sid)?;
    s.uid
        .filter(|_| s.epoch == shared.session_epoch.load(Ordering::SeqCst))
}

pub(super) fn session_cookie(sid: &str) -> (&'static str, String) {
    let expires = SystemTime::now() + Duration::from_secs(604_800);
    (
        "set-cookie",
        format!(
            "session_id={sid}; Expires={}; Max-Age=604800; HttpOnly; Path=/",
            http_date(expires)
        ),
    )
}

pub(super) fn cookie_session(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|line| {
            line.split(';')
                .find_map(|part| part.trim().strip_prefix("session_id=").map(str::to_string))
        })
}

pub(super) fn jsonrpc_route(
    shared: &Shared,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
    parsed: Option<Value>,
) -> Reply {
    let Some(request) = parsed else {
        let _ = body;
        return Reply::html(400, "Invalid JSON data");
    };
    let code = shared.rpc_code();
    let Value::Object(request) = request else {
        let e = OdooError::synthetic(
            "builtins.AttributeError",
            format!(
                "'{}' object has no attribute 'get'",
                if request.is_array() { "list" } else { "str" }
            ),
        );
        return rpc_err(&Value::Null, code, "Odoo Server Error", &e);
    };
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let params = match request.get("params") {
        Some(Value::Object(p)) => p.clone(),
        _ => Obj::new(),
    };
    let answer = |r: Result<Value, OdooError>| match r {
        Ok(v) => rpc_ok(&id, v),
        Err(e) => rpc_err(&id, code, "Odoo Server Error", &e),
    };
    match path {
        "/jsonrpc" => answer(dispatch_rpc(shared, &params)),
        "/web/webclient/version_info" => {
            let sid = match cookie_session(headers)
                .filter(|sid| lock(&shared.sessions).contains_key(sid))
            {
                Some(sid) => sid,
                None => {
                    let sid = shared.new_session_id();
                    let epoch = shared.session_epoch.load(Ordering::SeqCst);
                    lock(&shared.sessions).insert(
                        sid.clone(),
                        Session {
                            uid: None,
                            db: None,
                            epoch,
                        },
                    );
                    sid
                }
            };
            let mut reply = rpc_ok(&id, shared.fx.server_version.clone());
            reply.headers.push(session_cookie(&sid));
            reply
        }
        "/web/session/authenticate" => web_authenticate(shared, &id, &params),
        // auth="none": the same list as `db.list`
        "/web/database/list" => answer(dispatch_rpc(
            shared,
            &crate::odoo::orm::obj(json!({"service": "db", "method": "list", "args": []})),
        )),
        "/web/session/destroy" => {
            if let Some(sid) = cookie_session(headers) {
                lock(&shared.sessions).remove(&sid);
            }
            rpc_ok(&id, Value::Null)
        }
        _ => {
            // auth='user' routes: a valid, logged-in, unexpired session or SessionExpired
            let session = cookie_session(headers).and_then(|sid| {
                let sessions = lock(&shared.sessions);
                let s = sessions.get(&sid)?;
                let valid = s.epoch == shared.session_epoch.load(Ordering::SeqCst);
                Some((sid.clone(), s.uid.filter(|_| valid)?, s.db.clone()))
            });
            let Some((sid, uid, db)) = session else {
                // recorded: the answer to a refused session has "id": null
                return rpc_err(
                    &Value::Null,
                    100,
                    "Odoo Session Expired",
                    &shared.errors().session_expired(),
                );
            };
            let mut reply = if path == "/web/session/get_session_info" {
                rpc_ok(
                    &id,
                    session_info(shared, uid, db.as_deref().unwrap_or(&shared.dbs[0])),
                )
            } else {
                let model = params
                    .get("model")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let method = params
                    .get("method")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let args = params
                    .get("args")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let kwargs = match params.get("kwargs") {
                    Some(Value::Object(k)) => k.clone(),
                    _ => Obj::new(),
                };
                answer(orm_call(shared, uid, Via::Rpc, |orm| {
                    orm.call_kw(&model, &method, args, kwargs)
                }))
            };
            if shared.version >= OdooVersion::V18 {
                reply.headers.push(session_cookie(&sid));
            }
            reply
        }
    }
}

pub(crate) fn orm_call(
    shared: &Shared,
    uid: i64,
    via: Via,
    f: impl FnOnce(&mut Orm) -> Result<Value, OdooError>,
) -> Result<Value, OdooError> {
    let user = shared.user_by_uid(uid);
    let is_admin = user.is_some_and(|u| u.is_admin);
    let access = match (
        shared.rights.as_deref(),
        user.and_then(|u| u.groups.as_deref()),
    ) {
        (Some(rights), Some(groups)) if !is_admin => Some(Access { rights, groups }),
        _ => None,
    };
    let mut store = lock(&shared.store);
    let mut orm = Orm {
        env: Env {
            fx: &shared.fx,
            uid,
            is_admin,
            access,
            via,
            lang: None,
        },
        store: &mut store,
    };
    f(&mut orm)
}

pub(super) fn unknown_db(db: &str) -> OdooError {
    OdooError::synthetic(
        "psycopg2.OperationalError",
        format!(
            "connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  database \"{db}\" does not exist\n"
        ),
    )
}

pub(super) fn missing_args(func: &str, names: &[&str]) -> OdooError {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    let list = match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    };
    let plural = if names.len() == 1 {
        "argument"
    } else {
        "arguments"
    };
    OdooError::synthetic(
        "builtins.TypeError",
        format!(
            "{func}() missing {} required positional {plural}: {list}",
            names.len()
        ),
    )
}

/// `odoo.http.dispatch_rpc(service, method, args)`.
pub(super) fn dispatch_rpc(shared: &Shared, params: &Obj) -> Result<Value, OdooError> {
    let service = params.get("service").and_then(Value::as_str);
    let method = params.get("method").and_then(Value::as_str);
    let args = params.get("args").and_then(Value::as_array);
    let (Some(service), Some(method), Some(args)) = (service, method, args) else {
        let missing: Vec<&str> = [
            ("service", service.is_none()),
            ("method", method.is_none()),
            ("args", args.is_none()),
        ]
        .iter()
        .filter(|(_, m)| *m)
        .map(|(n, _)| *n)
        .collect();
        return Err(missing_args("jsonrpc", &missing));
    };
    let arg_str = |i: usize| args.get(i).and_then(Value::as_str);
    match (service, method) {
        ("common", "version") => Ok(shared.fx.server_version.clone()),
        ("common", "about") => Ok(Value::String("See http://openerp.com".into())),
        ("common", "login" | "authenticate") => {
            let (Some(db), Some(login), Some(password)) = (arg_str(0), arg_str(1), arg_str(2))
            else {
                let names: &[&str] = &["db", "login", "password"];
                return Err(missing_args(
                    &format!("exp_{method}"),
                    &names[args.len().min(3)..],
                ));
            };
            if !shared.dbs.iter().any(|d| d == db) {
                return Err(unknown_db(db));
            }
            let user = shared.users.iter().find(|u| u.login == login);
            Ok(match user {
                Some(u) if shared.check_secret(u, password) => Value::from(u.uid),
                _ => Value::Bool(false),
            })
        }
        ("db", "list") => {
            let mut dbs = shared.dbs.clone();
            dbs.sort();
            Ok(json!(dbs))
        }
        ("db", "server_version") => Ok(Value::String(shared.version.as_str().into())),
        ("db", "db_exist") => Ok(Value::Bool(
            arg_str(0).is_some_and(|db| shared.dbs.iter().any(|d| d == db)),
        )),
        ("db", "list_lang") => Ok(json!([["en_US", "English (US)"]])),
        ("object", "execute_kw" | "execute") => {
            if args.len() < 5 {
                let names: &[&str] = &["db", "uid", "passwd", "model", "method"];
                return Err(missing_args(method, &names[args.len()..]));
            }
            let db = arg_str(0).unwrap_or_default();
            if !shared.dbs.iter().any(|d| d == db) {
                return Err(unknown_db(db));
            }
            let uid = args[1].as_i64();
            let secret = arg_str(2).unwrap_or_default();
            let Some(user) = uid
                .and_then(|uid| shared.user_by_uid(uid))
                .filter(|u| shared.check_secret(u, secret))
            else {
                return Err(shared.errors().access_denied());
            };
            let model = arg_str(3).unwrap_or_default().to_string();
            let orm_method = arg_str(4).unwrap_or_default().to_string();
            let (call_args, kwargs) = if method == "execute_kw" {
                let call_args = match args.get(5) {
                    Some(Value::Array(a)) => a.clone(),
                    None | Some(Value::Null) => Vec::new(),
                    Some(other) => vec![other.clone()],
                };
                let kwargs = match args.get(6) {
                    Some(Value::Object(k)) => k.clone(),
                    _ => Obj::new(),
                };
                (call_args, kwargs)
            } else {
                (args[5..].to_vec(), Obj::new())
            };
            orm_call(shared, user.uid, Via::Rpc, |orm| {
                orm.call_kw(&model, &orm_method, call_args, kwargs)
            })
        }
        ("object", other) => Err(OdooError::synthetic(
            "builtins.NameError",
            format!("Method not available {other}"),
        )),
        ("common", other) => Err(OdooError::synthetic(
            "builtins.KeyError",
            format!("'exp_{other}'"),
        )),
        ("db", other) => Err(OdooError::synthetic(
            "builtins.KeyError",
            format!("'exp_{other}'"),
        )),
        (other, _) => Err(OdooError::synthetic(
            "builtins.KeyError",
            format!("'{other}'"),
        )),
    }
}

pub(super) fn web_authenticate(shared: &Shared, id: &Value, params: &Obj) -> Reply {
    let code = shared.rpc_code();
    let db = params.get("db").and_then(Value::as_str).unwrap_or_default();
    let login = params
        .get("login")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let password = params
        .get("password")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !shared.dbs.iter().any(|d| d == db) {
        let e = OdooError::synthetic("odoo.exceptions.AccessError", "Database not found.");
        return rpc_err(id, code, "Odoo Server Error", &e);
    }
    // interactive login: the password only, never an API key
    let user = shared
        .users
        .iter()
        .find(|u| u.login == login && !u.password.is_empty() && u.password == password);
    let Some(user) = user else {
        return rpc_err(
            id,
            code,
            "Odoo Server Error",
            &shared.errors().access_denied_web(),
        );
    };
    let sid = shared.new_session_id();
    let epoch = shared.session_epoch.load(Ordering::SeqCst);
    lock(&shared.sessions).insert(
        sid.clone(),
        Session {
            uid: Some(user.uid),
            db: Some(db.to_string()),
            epoch,
        },
    );
    let mut reply = rpc_ok(id, session_info(shared, user.uid, db));
    reply.headers.push(session_cookie(&sid));
    reply
}

/// The recorded `session_info` with this user and database patched in.
pub(super) fn session_info(shared: &Shared, uid: i64, db: &str) -> Value {
    let mut info = shared
        .fx
        .recording("web.session.authenticate.ok")
        .and_then(|r| r.pointer("/response/result"))
        .cloned()
        .unwrap_or_else(|| json!({}));
    let Some(user) = shared.user_by_uid(uid) else {
        return info;
    };
    if let Value::Object(o) = &mut info {
        let partner_name = lock(&shared.store).display_name("res.partner", user.partner_id);
        let partner_name = if partner_name.starts_with("res.partner,") {
            user.name.clone()
        } else {
            partner_name
        };
        o.insert("uid".into(), uid.into());
        o.insert("db".into(), db.into());
        o.insert("name".into(), user.name.clone().into());
        o.insert("username".into(), user.login.clone().into());
        o.insert("partner_id".into(), user.partner_id.into());
        o.insert("partner_display_name".into(), partner_name.into());
        o.insert("is_admin".into(), user.is_admin.into());
        o.insert("is_system".into(), user.is_admin.into());
        if let Some(Value::Object(ctx)) = o.get_mut("user_context") {
            ctx.insert("uid".into(), uid.into());
        }
    }
    info
}

/// An RFC 7231 date (`Sun, 28 Nov 2027 06:39:19 GMT`), as in Odoo's `Set-Cookie`.
pub(super) fn http_date(t: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = crate::odoo::dates::civil_from_days(days);
    format!(
        "{}, {d:02} {} {y} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[m as usize - 1],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
