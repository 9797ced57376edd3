//! A fake Odoo server for tests: the real wire protocols on 127.0.0.1, an in-memory database,
//! and switches to inject faults.
//!
//! Every envelope, HTTP status, header and error text comes from recordings of real Odoo 16, 17,
//! 18 and 19 servers (`tests/fixtures/odoo-<version>/rpc/`); the replay test
//! (`tests/tests/fake_odoo_server.rs`) sends each recorded request to the fake and compares.
//!
//! ```no_run
//! use tests::odoo::{FakeOdoo, OdooVersion, ADMIN_PASSWORD};
//!
//! let odoo = FakeOdoo::start(OdooVersion::V18);
//! let body = serde_json::json!({
//!     "jsonrpc": "2.0", "method": "call", "id": 1,
//!     "params": {"service": "common", "method": "authenticate",
//!                "args": [odoo.db(), "admin", ADMIN_PASSWORD, {}]},
//! });
//! // POST body to format!("{}/jsonrpc", odoo.url()) → {"jsonrpc": "2.0", "id": 1, "result": 2}
//! # let _ = body;
//! ```
//!
//! Served:
//! - `POST /jsonrpc`: services `common` (version, authenticate, login), `db` (list,
//!   server_version, db_exist), `object` (execute_kw, execute);
//! - `POST /web/session/authenticate`, `/web/session/get_session_info`, `/web/session/destroy`,
//!   `/web/dataset/call_kw[/<model>/<method>]` (session cookie), `/web/webclient/version_info`;
//! - Odoo 19 only: `POST /json/2/<model>/<method>` (bearer API key) and `GET /web/version`.

mod dates;
mod domain;
mod errors;
mod fixtures;
mod orm;
mod pyrepr;
mod schema;
mod server;
mod store;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use fixtures::FIXTURES_ENV;
pub use server::{FakeOdoo, FakeOdooBuilder};

/// Login of the administrator (uid 2 on every recorded version).
pub const ADMIN_LOGIN: &str = "admin";
/// Password of [`ADMIN_LOGIN`].
pub const ADMIN_PASSWORD: &str = "admin";
/// The administrator's uid.
pub const ADMIN_UID: i64 = 2;
/// The administrator's API key, accepted as the password on `/jsonrpc` and as the bearer of
/// JSON-2 (never on `/web/session/authenticate`, like a real server).
pub const ADMIN_API_KEY: &str = "FAKE-ADMIN-API-KEY-0123456789abcdef";
/// Login of the non-admin demo user (Marc Demo).
pub const DEMO_LOGIN: &str = "demo";
/// Password of [`DEMO_LOGIN`].
pub const DEMO_PASSWORD: &str = "demo";
/// Login of the portal user (Joel Willis).
pub const PORTAL_LOGIN: &str = "portal";
/// Password of [`PORTAL_LOGIN`].
pub const PORTAL_PASSWORD: &str = "portal";

/// The Odoo major versions with recordings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OdooVersion {
    V16,
    V17,
    V18,
    V19,
}

impl OdooVersion {
    /// Every version, oldest first.
    pub const ALL: [OdooVersion; 4] = [
        OdooVersion::V16,
        OdooVersion::V17,
        OdooVersion::V18,
        OdooVersion::V19,
    ];

    /// `"18.0"`: the `server_serie` the server reports.
    pub fn as_str(self) -> &'static str {
        match self {
            OdooVersion::V16 => "16.0",
            OdooVersion::V17 => "17.0",
            OdooVersion::V18 => "18.0",
            OdooVersion::V19 => "19.0",
        }
    }

    /// `18`.
    pub fn major(self) -> u32 {
        match self {
            OdooVersion::V16 => 16,
            OdooVersion::V17 => 17,
            OdooVersion::V18 => 18,
            OdooVersion::V19 => 19,
        }
    }

    /// The recorded database's name: `"erp18"`.
    pub fn default_db(self) -> String {
        format!("erp{}", self.major())
    }

    /// The demo user's uid in the recorded database (6, but 5 on Odoo 19).
    pub fn demo_uid(self) -> i64 {
        if self == OdooVersion::V19 { 5 } else { 6 }
    }

    /// Whether the JSON-2 API (`/json/2/...`) exists: Odoo 19 and later.
    pub fn has_json2(self) -> bool {
        self >= OdooVersion::V19
    }
}

impl fmt::Display for OdooVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error of [`OdooVersion::from_str`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVersion(pub String);

impl fmt::Display for UnknownVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown Odoo version {:?} (expected 16, 17, 18 or 19)",
            self.0
        )
    }
}

impl std::error::Error for UnknownVersion {}

impl FromStr for OdooVersion {
    type Err = UnknownVersion;

    /// Accepts `"18"`, `"18.0"`, `"v18"` and `"saas~18..."`-free plain forms.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().trim_start_matches(['v', 'V']);
        let major = t.split('.').next().unwrap_or("");
        let rest_ok = t
            .split('.')
            .skip(1)
            .all(|p| p.chars().all(|c| c.is_ascii_digit()));
        match (major, rest_ok) {
            ("16", true) => Ok(OdooVersion::V16),
            ("17", true) => Ok(OdooVersion::V17),
            ("18", true) => Ok(OdooVersion::V18),
            ("19", true) => Ok(OdooVersion::V19),
            _ => Err(UnknownVersion(s.to_string())),
        }
    }
}

/// One request the server received, for assertions ("how many calls", "which context").
/// Secrets (passwords, API keys) are replaced by `"<secret>"`.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// `"POST"`.
    pub http_method: String,
    /// `"/jsonrpc"`, `"/web/dataset/call_kw/res.partner/search_read"`, `"/json/2/res.partner/read"`.
    pub path: String,
    /// JSON-RPC service (`"common"`, `"db"`, `"object"`) on `/jsonrpc`.
    pub service: Option<String>,
    /// The service's method (`"execute_kw"`, `"authenticate"`) on `/jsonrpc`.
    pub service_method: Option<String>,
    /// The model of an ORM call, on any transport.
    pub model: Option<String>,
    /// The ORM method (`"search_read"`), on any transport.
    pub method: Option<String>,
    /// The parsed JSON body (`params` of a JSON-RPC request, the whole body of JSON-2), `Null`
    /// when the body was empty or not JSON.
    pub params: serde_json::Value,
    /// The `context` sent with an ORM call, if any.
    pub context: Option<serde_json::Value>,
    /// The HTTP status answered (0 when the connection was dropped without an answer).
    pub status: u16,
    /// The fault injected into this request, if any (`"drop"`, `"truncate"`, `"html_502"`,
    /// `"status 429"`).
    pub fault: Option<String>,
}

impl RecordedRequest {
    /// `(model, method)` of an ORM call.
    pub fn call(&self) -> Option<(&str, &str)> {
        Some((self.model.as_deref()?, self.method.as_deref()?))
    }
}

/// A fault queued for the next requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    Drop,
    Truncate,
    Html502,
    Status(u16, Option<u64>),
}

#[derive(Default)]
struct FaultState {
    latency: Duration,
    queue: std::collections::VecDeque<Fault>,
}

/// Fault switches of a running [`FakeOdoo`]. Thread-safe; faults queue up in the order they are
/// set (`html_502(1)` then `drop_connections(1)`: the next request gets a 502, the one after is
/// dropped) and apply to every route.
pub struct Faults {
    state: Mutex<FaultState>,
    session_epoch: Arc<AtomicU64>,
}

impl fmt::Debug for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.lock();
        f.debug_struct("Faults")
            .field("latency", &s.latency)
            .field("queued", &s.queue)
            .finish()
    }
}

impl Faults {
    fn new(session_epoch: Arc<AtomicU64>) -> Self {
        Faults {
            state: Mutex::new(FaultState::default()),
            session_epoch,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FaultState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Delay every request by `latency` before answering (`Duration::ZERO` to stop).
    pub fn set_latency(&self, latency: Duration) {
        self.lock().latency = latency;
    }

    /// The next `n` requests get their TCP connection closed without any answer.
    pub fn drop_connections(&self, n: usize) {
        self.push(Fault::Drop, n);
    }

    /// The next `n` requests get the status line, headers and half the body, then the connection
    /// is closed (a reset mid-body, as a crashing proxy does).
    pub fn truncate_responses(&self, n: usize) {
        self.push(Fault::Truncate, n);
    }

    /// The next `n` requests get a proxy's `502 Bad Gateway` HTML page (`text/html`).
    pub fn html_502(&self, n: usize) {
        self.push(Fault::Html502, n);
    }

    /// The next `n` requests get HTTP `code` with a short HTML body, and a `Retry-After: <s>`
    /// header when `retry_after` is given (e.g. 429 or 503).
    pub fn status(&self, n: usize, code: u16, retry_after: Option<u64>) {
        self.push(Fault::Status(code, retry_after), n);
    }

    /// Invalidate every web session: the next call with an old cookie gets
    /// `odoo.http.SessionExpiredException` (code 100).
    pub fn expire_sessions(&self) {
        self.session_epoch.fetch_add(1, Ordering::SeqCst);
    }

    /// Remove queued faults and latency.
    pub fn clear(&self) {
        let mut s = self.lock();
        s.latency = Duration::ZERO;
        s.queue.clear();
    }

    /// How many queued faults are left.
    pub fn pending(&self) -> usize {
        self.lock().queue.len()
    }

    fn push(&self, fault: Fault, n: usize) {
        let mut s = self.lock();
        for _ in 0..n {
            s.queue.push_back(fault.clone());
        }
    }

    pub(crate) fn latency(&self) -> Duration {
        self.lock().latency
    }

    pub(crate) fn take(&self) -> Option<Fault> {
        self.lock().queue.pop_front()
    }
}

/// A user of the fake database.
#[derive(Clone)]
pub(crate) struct User {
    pub uid: i64,
    pub login: String,
    pub password: String,
    pub api_keys: Vec<String>,
    pub name: String,
    pub partner_id: i64,
    pub is_admin: bool,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("uid", &self.uid)
            .field("login", &self.login)
            .field("password", &"<secret>")
            .field("api_keys", &self.api_keys.len())
            .finish()
    }
}

/// Builder configuration (no `Debug`: it holds passwords).
#[derive(Clone)]
pub(crate) struct Config {
    pub version: OdooVersion,
    pub databases: Vec<String>,
    pub users: Vec<(String, String)>,
    pub api_keys: Vec<(String, String)>,
    pub fixtures_dir: Option<PathBuf>,
    pub seed_demo: bool,
}
