//! The web client's session: log in at `/web/session/authenticate` (the
//! `session_id` cookie lands in the HTTP client's cookie store), then call
//! `/web/dataset/call_kw/<model>/<method>`. When Odoo answers that the session
//! expired, log in again once and repeat the call: the server refused it before
//! running anything, so repeating is safe even for writes.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use serde_json::{Value, json};

use super::{Call, Connection, Transport, TransportKind, jsonrpc};
use crate::error::Result;
use crate::http::{HttpResponse, endpoint};
use crate::odoo::answer::{self, Answer};
use crate::odoo::auth;

pub(crate) struct SessionTransport {
    conn: Arc<Connection>,
    /// Bumped at each login, so concurrent callers that all saw the same expired
    /// session log in only once.
    generation: AtomicU64,
    relogin: tokio::sync::Mutex<()>,
}

impl SessionTransport {
    pub fn new(conn: Arc<Connection>) -> Self {
        SessionTransport {
            conn,
            generation: AtomicU64::new(0),
            relogin: tokio::sync::Mutex::new(()),
        }
    }

    async fn call_once(&self, call: &Call) -> Result<Value> {
        crate::odoo::fault::parse_jsonrpc(&self.call_once_raw(call).await?)
    }

    async fn call_once_raw(&self, call: &Call) -> Result<HttpResponse> {
        let c = &self.conn;
        let url = endpoint(
            &c.base,
            &["web", "dataset", "call_kw", &call.model, &call.method],
        );
        let params = json!({
            "model": call.model,
            "method": call.method,
            "args": call.args,
            "kwargs": call.kwargs,
        });
        jsonrpc::post_raw(&c.http, &url, c.next_id(), params, call.idempotency).await
    }

    async fn relogin(&self, seen: u64) -> Result<()> {
        let _guard = self.relogin.lock().await;
        if self.generation.load(Ordering::Acquire) != seen {
            return Ok(());
        }
        tracing::info!(db = %self.conn.db, login = %self.conn.login, "Odoo web session expired; logging in again");
        auth::session_login(&self.conn).await?;
        self.generation.fetch_add(1, Ordering::AcqRel);
        Ok(())
    }
}

#[async_trait]
impl Transport for SessionTransport {
    fn kind(&self) -> TransportKind {
        TransportKind::WebSession
    }

    async fn execute_kw(&self, call: &Call) -> Result<Value> {
        let seen = self.generation.load(Ordering::Acquire);
        match self.call_once(call).await {
            Err(e) if e.is_session_expired() => {
                self.relogin(seen).await?;
                self.call_once(call).await
            }
            other => other,
        }
    }

    async fn execute_kw_raw(&self, call: &Call) -> Result<Answer> {
        let seen = self.generation.load(Ordering::Acquire);
        let resp = self.call_once_raw(call).await?;
        // Skim the answer for an expired session (nothing is decoded yet).
        match answer::check_jsonrpc(&resp) {
            Err(e) if e.is_session_expired() => {
                self.relogin(seen).await?;
                self.call_once_raw(call).await.map(Answer::JsonRpc)
            }
            Err(e) => Err(e),
            Ok(()) => Ok(Answer::JsonRpc(resp)),
        }
    }
}
