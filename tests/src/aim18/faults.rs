//! Fault switches and the request log of the fake aiM18 server.
//!
//! Same shape as the fake Odoo server's: each switch applies to the next `n`
//! requests (any path, the OAuth endpoints included), then turns itself off.

use std::collections::VecDeque;
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

/// What the fault layer decided for one request.
pub(crate) enum Fault {
    None,
    Drop,
    Html502,
    Status(u16, Option<u64>),
    MalformedJson,
    Unauthorized,
}

#[derive(Default)]
struct FaultState {
    latency: Duration,
    drop_connections: usize,
    html_502: usize,
    status: VecDeque<(u16, Option<u64>)>,
    malformed_json: usize,
    unauthorized: usize,
}

/// Handle on the fake server's fault switches (cheap to clone).
#[derive(Clone, Default)]
pub struct Faults {
    inner: Arc<Mutex<FaultState>>,
}

impl Faults {
    fn lock(&self) -> MutexGuard<'_, FaultState> {
        // A panic in another test thread must not poison every later request.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Delay every request by `latency` before answering (until `clear`).
    pub fn set_latency(&self, latency: Duration) -> &Self {
        self.lock().latency = latency;
        self
    }

    /// Close the connection of the next `n` requests without any answer.
    pub fn drop_connections(&self, n: usize) -> &Self {
        self.lock().drop_connections = n;
        self
    }

    /// Answer the next `n` requests with a 502 HTML page, as a reverse proxy does.
    pub fn html_502(&self, n: usize) -> &Self {
        self.lock().html_502 = n;
        self
    }

    /// Answer the next `n` requests with `code` (and a `Retry-After` header
    /// in seconds when given), with an empty body. Calls queue up: statuses
    /// set by an earlier call are answered first.
    pub fn status(&self, n: usize, code: u16, retry_after: Option<u64>) -> &Self {
        let mut s = self.lock();
        s.status.extend(std::iter::repeat_n((code, retry_after), n));
        self
    }

    /// Answer the next `n` requests with HTTP 200 and a truncated JSON body.
    pub fn malformed_json(&self, n: usize) -> &Self {
        self.lock().malformed_json = n;
        self
    }

    /// Answer the next `n` service calls (not the OAuth endpoints) with 401,
    /// as if their token were refused, while token requests go through.
    pub fn unauthorized(&self, n: usize) -> &Self {
        self.lock().unauthorized = n;
        self
    }

    /// Turn every switch off.
    pub fn clear(&self) -> &Self {
        *self.lock() = FaultState::default();
        self
    }

    pub(crate) fn latency(&self) -> Duration {
        self.lock().latency
    }

    pub(crate) fn next(&self, path: &str) -> Fault {
        let mut s = self.lock();
        if s.unauthorized > 0 && !path.starts_with("/jsf/rfws/oauth/") {
            s.unauthorized -= 1;
            return Fault::Unauthorized;
        }
        if s.drop_connections > 0 {
            s.drop_connections -= 1;
            return Fault::Drop;
        }
        if s.html_502 > 0 {
            s.html_502 -= 1;
            return Fault::Html502;
        }
        if let Some((code, retry)) = s.status.pop_front() {
            return Fault::Status(code, retry);
        }
        if s.malformed_json > 0 {
            s.malformed_json -= 1;
            return Fault::MalformedJson;
        }
        Fault::None
    }
}
