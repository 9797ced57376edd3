//! Legacy JSON-RPC: `POST /jsonrpc` with `{"service", "method", "args"}`; the
//! ORM goes through `object.execute_kw(db, uid, secret, model, method, args, kwargs)`.

use std::sync::Arc;

use async_trait::async_trait;
use reqwest::header::ACCEPT;
use serde_json::{Value, json};
use url::Url;

use super::{Call, Connection, Transport, TransportKind};
use crate::error::Result;
use crate::http::{HttpClient, HttpResponse, Idempotency};
use crate::odoo::answer::Answer;
use crate::odoo::fault;

/// POST one JSON-RPC request to `url` and unwrap its `result`.
pub(crate) async fn post(
    http: &HttpClient,
    url: &Url,
    id: u64,
    params: Value,
    idempotency: Idempotency,
) -> Result<Value> {
    fault::parse_jsonrpc(&post_raw(http, url, id, params, idempotency).await?)
}

/// POST one JSON-RPC request to `url`; the answer is not looked at.
pub(crate) async fn post_raw(
    http: &HttpClient,
    url: &Url,
    id: u64,
    params: Value,
    idempotency: Idempotency,
) -> Result<HttpResponse> {
    let body = json!({"jsonrpc": "2.0", "method": "call", "id": id, "params": params});
    http.send(idempotency, |c| {
        c.post(url.clone())
            .header(ACCEPT, "application/json")
            .json(&body)
    })
    .await
}

/// A call to one of `/jsonrpc`'s services (`common`, `db`, `object`).
pub(crate) async fn service(
    http: &HttpClient,
    base: &Url,
    id: u64,
    service: &str,
    method: &str,
    args: Vec<Value>,
    idempotency: Idempotency,
) -> Result<Value> {
    let url = crate::http::endpoint(base, &["jsonrpc"]);
    post(
        http,
        &url,
        id,
        json!({"service": service, "method": method, "args": args}),
        idempotency,
    )
    .await
}

pub(crate) struct JsonRpcTransport {
    pub conn: Arc<Connection>,
    pub uid: i64,
}

#[async_trait]
impl Transport for JsonRpcTransport {
    fn kind(&self) -> TransportKind {
        TransportKind::JsonRpc
    }

    async fn execute_kw(&self, call: &Call) -> Result<Value> {
        let c = &self.conn;
        service(
            &c.http,
            &c.base,
            c.next_id(),
            "object",
            "execute_kw",
            self.args(call),
            call.idempotency,
        )
        .await
    }

    async fn execute_kw_raw(&self, call: &Call) -> Result<Answer> {
        let c = &self.conn;
        let url = crate::http::endpoint(&c.base, &["jsonrpc"]);
        let params = json!({"service": "object", "method": "execute_kw", "args": self.args(call)});
        post_raw(&c.http, &url, c.next_id(), params, call.idempotency)
            .await
            .map(Answer::JsonRpc)
    }
}

impl JsonRpcTransport {
    /// `object.execute_kw`'s arguments.
    fn args(&self, call: &Call) -> Vec<Value> {
        let c = &self.conn;
        vec![
            Value::String(c.db.clone()),
            Value::from(self.uid),
            Value::String(c.secret.expose_secret().to_owned()),
            Value::String(call.model.clone()),
            Value::String(call.method.clone()),
            Value::Array(call.args.clone()),
            Value::Object(call.kwargs.clone()),
        ]
    }
}
