//! Each request: recorded, delayed or faulted as the switches say, routed, answered.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use serde_json::{Value, json};

use crate::fake::{Cut, FakeBody, Fault, Hangup};
use crate::odoo::errors::Errors;
use crate::odoo::{RecordedRequest, User};

use super::json2::{api_doc, json2};
use super::jsonrpc::{jsonrpc_route, session_uid};
use super::{BAD_GATEWAY_PAGE, HTML, JSON, NOT_FOUND_PAGE, Shared, lock};

/// An answer before it becomes an HTTP response.
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) content_type: &'static str,
    pub(super) body: Vec<u8>,
    pub(super) headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub(super) fn json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            content_type: JSON,
            body: serde_json::to_vec(value).unwrap_or_default(),
            headers: Vec::new(),
        }
    }

    pub(super) fn html(status: u16, text: &str) -> Reply {
        Reply {
            status,
            content_type: HTML,
            body: text.as_bytes().to_vec(),
            headers: Vec::new(),
        }
    }

    pub(super) fn into_response(self, cut: Cut) -> Response<FakeBody> {
        let (body, announced_len) = FakeBody::cut(Bytes::from(self.body), cut);
        let mut builder = Response::builder()
            .status(StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
            .header(header::CONTENT_TYPE, self.content_type)
            .header(header::SERVER, "Werkzeug/3.0.1 Python/3.12.3");
        if let Some(len) = announced_len {
            builder = builder.header(header::CONTENT_LENGTH, len.to_string());
        }
        for (k, v) in self.headers {
            builder = builder.header(k, v);
        }
        builder
            .body(body)
            .unwrap_or_else(|_| Response::new(FakeBody::empty()))
    }
}

pub(super) async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Response<FakeBody> {
    let hangup = req.extensions().get::<Hangup>().cloned();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or_default().to_string();
    let headers = req.headers().clone();
    let body = match req.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    let index = shared.record(describe(&method, &path, parsed.as_ref()));

    let latency = shared.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let request_cost = lock(&shared.store).cost.as_ref().and_then(|c| c.requests);
    let costed = request_cost.map(|cost| (cost, describe(&method, &path, parsed.as_ref())));
    let fault = shared.faults.take();
    let answering = std::time::Instant::now();
    let (reply, cut) = match &fault {
        Some(Fault::Drop) => {
            shared.finish(index, 0, Some(Fault::Drop.label()));
            if let Some(hangup) = hangup {
                hangup.now();
            }
            std::future::pending::<()>().await;
            unreachable!("the connection is dropped before this resolves");
        }
        Some(Fault::Html502) => (Reply::html(502, BAD_GATEWAY_PAGE), Cut::None),
        Some(Fault::Status(code, retry_after)) => {
            let text = format!(
                "<html><body><h1>{code} {}</h1></body></html>\n",
                crate::odoo::errors::reason(*code)
            );
            let mut reply = Reply::html(*code, &text);
            if let Some(secs) = retry_after {
                reply.headers.push(("retry-after", secs.to_string()));
            }
            (reply, Cut::None)
        }
        Some(Fault::Truncate) => (
            route(&shared, &method, &path, &query, &headers, &body, parsed),
            Cut::MidBody,
        ),
        Some(Fault::MalformedJson) => (
            route(&shared, &method, &path, &query, &headers, &body, parsed),
            Cut::WellFramed,
        ),
        None => (
            route(&shared, &method, &path, &query, &headers, &body, parsed),
            Cut::None,
        ),
    };
    // `route` answers synchronously on this thread; what its reads cost is taken before any
    // await (the task may move threads) and waited here, less the time the fake itself took
    // (the model stands for the server's whole time).
    // With the request-level model on too, that cost is spent on the server's one core in
    // place of its flat per-row rate, so no read is charged twice.
    let charged = crate::odoo::cost::take();
    let owed = charged.saturating_sub(answering.elapsed());
    match &costed {
        Some((cost, req)) => {
            let fields_read = (!charged.is_zero()).then_some(charged);
            shared
                .cpu
                .charge(cost, req, &reply.body, fields_read, answering)
                .await;
        }
        None if !owed.is_zero() => tokio::time::sleep(owed).await,
        None => {}
    }
    shared.finish(index, reply.status, fault.as_ref().map(Fault::label));
    reply.into_response(cut)
}

/// What a request is, for [`RecordedRequest`] (secrets redacted).
pub(super) fn describe(method: &Method, path: &str, body: Option<&Value>) -> RecordedRequest {
    let mut rec = RecordedRequest {
        http_method: method.as_str().to_string(),
        path: path.to_string(),
        service: None,
        service_method: None,
        model: None,
        method: None,
        params: Value::Null,
        context: None,
        status: 0,
        fault: None,
    };
    let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    if let Some(rest) = path.strip_prefix("/json/2/") {
        let mut parts = rest.splitn(2, '/');
        rec.model = parts.next().map(str::to_string);
        rec.method = parts.next().map(str::to_string);
        rec.params = body.cloned().unwrap_or(Value::Null);
        rec.context = body.and_then(|b| b.get("context")).cloned();
        return rec;
    }
    let Some(mut params) = body.and_then(|b| b.get("params")).cloned() else {
        return rec;
    };
    if path == "/jsonrpc" {
        rec.service = s(params.get("service"));
        rec.service_method = s(params.get("method"));
        if let Some(args) = params.get_mut("args").and_then(Value::as_array_mut) {
            if args.len() > 2 && matches!(rec.service.as_deref(), Some("object") | Some("common")) {
                args[2] = Value::String("<secret>".into());
            }
            if rec.service.as_deref() == Some("object") {
                rec.model = s(args.get(3));
                rec.method = s(args.get(4));
                if rec.service_method.as_deref() == Some("execute_kw") {
                    rec.context = args.get(6).and_then(|k| k.get("context")).cloned();
                }
            }
        }
    } else if path.starts_with("/web/dataset/call_kw") {
        rec.model = s(params.get("model"));
        rec.method = s(params.get("method"));
        rec.context = params.get("kwargs").and_then(|k| k.get("context")).cloned();
    } else if path == "/web/session/authenticate"
        && let Some(p) = params.get_mut("password")
    {
        *p = Value::String("<secret>".into());
    }
    rec.params = params;
    rec
}

impl Shared {
    pub(super) fn record(&self, rec: RecordedRequest) -> usize {
        let mut requests = lock(&self.requests);
        requests.push(rec);
        requests.len() - 1
    }

    pub(super) fn finish(&self, index: usize, status: u16, fault: Option<String>) {
        if let Some(r) = lock(&self.requests).get_mut(index) {
            r.status = status;
            r.fault = fault;
        }
    }

    pub(super) fn errors(&self) -> Errors<'_> {
        Errors { fx: &self.fx }
    }

    pub(super) fn user_by_uid(&self, uid: i64) -> Option<&User> {
        self.users.iter().find(|u| u.uid == uid)
    }

    /// `res.users._check_credentials` for RPC: the password or one of the user's API keys.
    pub(super) fn check_secret(&self, user: &User, secret: &str) -> bool {
        (!user.password.is_empty() && user.password == secret)
            || user.api_keys.iter().any(|k| k == secret)
    }

    pub(super) fn new_session_id(&self) -> String {
        use std::hash::{BuildHasher, Hasher};
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        let mut out = String::with_capacity(40);
        let state = std::collections::hash_map::RandomState::new();
        for part in 0..3u64 {
            let mut h = state.build_hasher();
            h.write_u64(n);
            h.write_u64(part);
            h.write_u128(
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0),
            );
            out.push_str(&format!("{:016x}", h.finish()));
        }
        out.truncate(40);
        out
    }

    pub(super) fn rpc_code(&self) -> i64 {
        self.errors().rpc_code()
    }
}

pub(super) fn route(
    shared: &Shared,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
    parsed: Option<Value>,
) -> Reply {
    if let Some(rest) = path.strip_prefix("/json/2") {
        if !shared.version.has_json2() {
            return Reply::html(404, NOT_FOUND_PAGE);
        }
        return json2(shared, method, rest, headers, parsed);
    }
    if let Some(name) = path.strip_prefix("/doc-bearer/")
        && shared.version.has_json2()
        && shared.api_doc
    {
        return api_doc(shared, name, headers);
    }
    if crate::odoo::web_routes::serves(path) {
        let uid = session_uid(shared, headers);
        let caller = crate::odoo::web_routes::Caller {
            uid,
            is_admin: uid
                .and_then(|u| shared.user_by_uid(u))
                .is_some_and(|u| u.is_admin),
        };
        let store = lock(&shared.store);
        return match crate::odoo::web_routes::answer(&shared.fx, &store, &caller, path, query) {
            Some(img) => Reply {
                status: img.status,
                content_type: img.content_type,
                body: img.body,
                headers: img.headers,
            },
            None => Reply::html(404, NOT_FOUND_PAGE),
        };
    }
    match path {
        "/web/version" if shared.version.has_json2() => {
            let info = shared
                .fx
                .server_version
                .get("server_version_info")
                .cloned()
                .unwrap_or(Value::Null);
            Reply::json(
                200,
                &json!({"version_info": info, "version": shared.version.as_str()}),
            )
        }
        "/jsonrpc"
        | "/web/session/authenticate"
        | "/web/session/get_session_info"
        | "/web/session/destroy"
        | "/web/database/list"
        | "/web/webclient/version_info" => jsonrpc_route(shared, path, headers, body, parsed),
        p if p == "/web/dataset/call_kw" || p.starts_with("/web/dataset/call_kw/") => {
            jsonrpc_route(shared, path, headers, body, parsed)
        }
        _ => Reply::html(404, NOT_FOUND_PAGE),
    }
}
