//! Fault switches and the request log of the fake aiM18 server.
//!
//! Same shape as the fake Odoo server's: each switch applies to the next `n`
//! requests (any path, the OAuth endpoints included), then turns itself off.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// One request as the fake server received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// Path without the query string, e.g. `/jsf/rfws/entity/read/cus`.
    pub path: String,
    /// Raw query string (percent-encoded), empty when there was none.
    pub query: String,
    /// Header names in lower case, values as sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The HTTP status answered (0 when the connection was dropped without an answer).
    pub status: u16,
    /// The fault injected into this request, if any (`"drop"`, `"html_502"`, `"status 503"`...).
    pub fault: Option<String>,
}

impl RecordedRequest {
    /// First value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Decoded value of a query parameter.
    pub fn query_param(&self, name: &str) -> Option<String> {
        url_decode_pairs(&self.query)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

pub(crate) fn url_decode_pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

/// A fault queued for the next requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    Drop,
    Truncate,
    Html502,
    Status(u16, Option<u64>),
    MalformedJson,
    Unauthorized,
}

impl Fault {
    pub(crate) fn label(&self) -> String {
        match self {
            Fault::Drop => "drop".into(),
            Fault::Truncate => "truncate".into(),
            Fault::Html502 => "html_502".into(),
            Fault::Status(code, _) => format!("status {code}"),
            Fault::MalformedJson => "malformed_json".into(),
            Fault::Unauthorized => "unauthorized".into(),
        }
    }
}

#[derive(Default)]
struct FaultState {
    latency: Duration,
    queue: VecDeque<Fault>,
    unauthorized: usize,
}

/// Fault switches of a running fake aiM18 server, shaped like the fake Odoo
/// server's: faults queue up in the order they are set (`html_502(1)` then
/// `drop_connections(1)`: the next request gets a 502, the one after is
/// dropped) and apply to every route, the OAuth endpoints included.
/// Setters return `&Self` so they chain.
#[derive(Clone, Default)]
pub struct Faults {
    inner: Arc<Mutex<FaultState>>,
}

impl fmt::Debug for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.lock();
        f.debug_struct("Faults")
            .field("latency", &s.latency)
            .field("queued", &s.queue)
            .field("unauthorized", &s.unauthorized)
            .finish()
    }
}

impl Faults {
    fn lock(&self) -> MutexGuard<'_, FaultState> {
        // A panic in another test thread must not poison every later request.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn push(&self, fault: Fault, n: usize) -> &Self {
        self.lock().queue.extend(std::iter::repeat_n(fault, n));
        self
    }

    /// Delay every request by `latency` before answering (`Duration::ZERO` to stop).
    pub fn set_latency(&self, latency: Duration) -> &Self {
        self.lock().latency = latency;
        self
    }

    /// The next `n` requests get their TCP connection closed without any answer.
    pub fn drop_connections(&self, n: usize) -> &Self {
        self.push(Fault::Drop, n)
    }

    /// The next `n` requests get the status line, headers and half the body,
    /// then the connection is closed.
    pub fn truncate_responses(&self, n: usize) -> &Self {
        self.push(Fault::Truncate, n)
    }

    /// The next `n` requests get a proxy's `502 Bad Gateway` HTML page.
    pub fn html_502(&self, n: usize) -> &Self {
        self.push(Fault::Html502, n)
    }

    /// The next `n` requests get HTTP `code` with an empty body, and a
    /// `Retry-After: <s>` header when `retry_after` is given.
    pub fn status(&self, n: usize, code: u16, retry_after: Option<u64>) -> &Self {
        self.push(Fault::Status(code, retry_after), n)
    }

    /// The next `n` requests get HTTP 200 with JSON cut short.
    pub fn malformed_json(&self, n: usize) -> &Self {
        self.push(Fault::MalformedJson, n)
    }

    /// The next `n` service calls (not the OAuth endpoints) get a 401, as if
    /// their token were refused, while token requests go through. Counted
    /// apart from the queue, which it does not hold up.
    pub fn unauthorized(&self, n: usize) -> &Self {
        self.lock().unauthorized = n;
        self
    }

    /// Remove queued faults and latency.
    pub fn clear(&self) -> &Self {
        *self.lock() = FaultState::default();
        self
    }

    /// How many queued faults are left.
    pub fn pending(&self) -> usize {
        let s = self.lock();
        s.queue.len() + s.unauthorized
    }

    pub(crate) fn latency(&self) -> Duration {
        self.lock().latency
    }

    pub(crate) fn next(&self, path: &str) -> Option<Fault> {
        let mut s = self.lock();
        if s.unauthorized > 0 && !path.starts_with("/jsf/rfws/oauth/") {
            s.unauthorized -= 1;
            return Some(Fault::Unauthorized);
        }
        s.queue.pop_front()
    }
}
