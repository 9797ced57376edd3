//! The three ways to call Odoo's ORM, behind one trait:
//!
//! | transport | route | secret | default for |
//! |---|---|---|---|
//! | [`TransportKind::JsonRpc`] | `POST /jsonrpc` (`object.execute_kw`) | password or API key | Odoo 16–18 |
//! | [`TransportKind::Json2`] | `POST /json/2/<model>/<method>`, bearer key, named arguments | API key only | Odoo 19+ with an API key |
//! | [`TransportKind::WebSession`] | `/web/session/authenticate`, then `/web/dataset/call_kw` with the session cookie | password only | Odoo 19+ with a password |
//!
//! On 19 `/jsonrpc` is deprecated (a warning per call in the server log, removal
//! planned), so 19+ prefers JSON-2 for API keys and the (not deprecated) web
//! session for passwords. Odoo refuses API keys on the web-session login, and
//! JSON-2 accepts nothing but API keys; an override that cannot work is refused
//! at connect with a clear error.

pub(crate) mod json2;
pub(crate) mod jsonrpc;
pub(crate) mod session;

use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use serde_json::{Map, Value};
use url::Url;

use crate::error::{Error, Result};
use crate::http::{HttpClient, Idempotency};
use crate::odoo::answer::Answer;
use crate::odoo::version::ServerVersion;
use crate::secret::{Secret, SecretKind};

/// Which wire protocol a client uses.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransportKind {
    /// Legacy JSON-RPC, `POST /jsonrpc` (16–21; deprecated from 19).
    JsonRpc,
    /// Odoo 19's JSON-2 API, `POST /json/2/<model>/<method>` with a bearer API key.
    Json2,
    /// The web client's session: `/web/session/authenticate` + `/web/dataset/call_kw`.
    WebSession,
}

impl std::fmt::Display for TransportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TransportKind::JsonRpc => "JSON-RPC (/jsonrpc)",
            TransportKind::Json2 => "JSON-2 (/json/2)",
            TransportKind::WebSession => "web session (/web/dataset/call_kw)",
        })
    }
}

/// Pick the transport for this secret and server, or check the user's choice.
pub(crate) fn choose(
    requested: Option<TransportKind>,
    secret: &Secret,
    version: &ServerVersion,
) -> Result<TransportKind> {
    let kind = match requested {
        Some(kind) => kind,
        None => match (secret.kind(), version.major >= 19) {
            (SecretKind::ApiKey, true) => TransportKind::Json2,
            (SecretKind::Password, true) => TransportKind::WebSession,
            (_, false) => TransportKind::JsonRpc,
        },
    };
    match (kind, secret.kind()) {
        (TransportKind::WebSession, SecretKind::ApiKey) => Err(Error::config(
            "Odoo refuses API keys on the web session login (/web/session/authenticate): \
             use the JSON-RPC or JSON-2 transport, or a password",
        )),
        (TransportKind::Json2, SecretKind::Password) => Err(Error::config(
            "Odoo's JSON-2 API authenticates with an API key only (Authorization: bearer): \
             use Secret::api_key(..) or another transport",
        )),
        (TransportKind::Json2, _) if version.major < 19 => Err(Error::config(format!(
            "the JSON-2 API exists from Odoo 19 on; this server is {}",
            version.version
        ))),
        _ => Ok(kind),
    }
}

/// One ORM call in `execute_kw` form: positional `args` and keyword `kwargs`
/// (with the merged `context` under `kwargs["context"]`).
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub model: String,
    pub method: String,
    pub args: Vec<Value>,
    pub kwargs: Map<String, Value>,
    pub idempotency: Idempotency,
}

/// A way to run ORM calls on an authenticated connection.
#[async_trait]
pub(crate) trait Transport: Send + Sync {
    fn kind(&self) -> TransportKind;
    async fn execute_kw(&self, call: &Call) -> Result<Value>;

    /// The same call, its answer left for the caller to decode into its own type (typed
    /// reads skip the `Value`). Only for calls without side effects.
    async fn execute_kw_raw(&self, call: &Call) -> Result<Answer> {
        self.execute_kw(call).await.map(Answer::Value)
    }
}

/// What every transport needs: where, who, and the HTTP client.
pub(crate) struct Connection {
    pub http: HttpClient,
    pub base: Url,
    pub db: String,
    pub login: String,
    pub secret: Secret,
    next_id: AtomicU64,
}

impl Connection {
    pub fn new(http: HttpClient, base: Url, db: String, login: String, secret: Secret) -> Self {
        Connection {
            http,
            base,
            db,
            login,
            secret,
            next_id: AtomicU64::new(1),
        }
    }

    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("url", &self.base.as_str())
            .field("db", &self.db)
            .field("login", &self.login)
            .field("secret", &self.secret)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(major: u32) -> ServerVersion {
        ServerVersion {
            major,
            minor: 0,
            serie: format!("{major}.0"),
            version: format!("{major}.0"),
        }
    }

    #[test]
    fn automatic_choice() {
        let pw = Secret::password("x");
        let key = Secret::api_key("k");
        for m in [16, 17, 18] {
            assert_eq!(choose(None, &pw, &v(m)).unwrap(), TransportKind::JsonRpc);
            assert_eq!(choose(None, &key, &v(m)).unwrap(), TransportKind::JsonRpc);
        }
        assert_eq!(choose(None, &key, &v(19)).unwrap(), TransportKind::Json2);
        assert_eq!(
            choose(None, &pw, &v(19)).unwrap(),
            TransportKind::WebSession
        );
    }

    #[test]
    fn impossible_overrides_are_refused() {
        let pw = Secret::password("x");
        let key = Secret::api_key("k");
        assert!(
            choose(Some(TransportKind::WebSession), &key, &v(17))
                .unwrap_err()
                .is_config()
        );
        assert!(
            choose(Some(TransportKind::Json2), &pw, &v(19))
                .unwrap_err()
                .is_config()
        );
        assert!(
            choose(Some(TransportKind::Json2), &key, &v(18))
                .unwrap_err()
                .is_config()
        );
        assert_eq!(
            choose(Some(TransportKind::JsonRpc), &key, &v(19)).unwrap(),
            TransportKind::JsonRpc
        );
        assert_eq!(
            choose(Some(TransportKind::WebSession), &pw, &v(16)).unwrap(),
            TransportKind::WebSession
        );
    }
}
