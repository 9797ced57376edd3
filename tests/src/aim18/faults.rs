//! The request log of the fake aiM18 server, and its one fault beyond those both fakes share
//! (`crate::fake`): refused tokens.

use crate::fake::{Fault, MoreFaults};

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

/// Fault switches of a running fake aiM18 server: the switches of both fakes
/// ([`crate::fake::Faults`]) and [`Faults::unauthorized`].
pub type Faults = crate::fake::Faults<RefusedTokens>;

/// The fake aiM18's own fault: service calls answered 401, as if their token were refused
/// (see [`Faults::unauthorized`]).
#[derive(Debug, Default)]
pub struct RefusedTokens {
    calls: usize,
}

impl MoreFaults for RefusedTokens {
    fn pending(&self) -> usize {
        self.calls
    }
}

/// A fault of the fake aiM18 for one request: a shared one, or a refused token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Aim18Fault {
    Shared(Fault),
    Unauthorized,
}

impl Aim18Fault {
    pub(crate) fn label(&self) -> String {
        match self {
            Aim18Fault::Shared(f) => f.label(),
            Aim18Fault::Unauthorized => "unauthorized".into(),
        }
    }
}

impl crate::fake::Faults<RefusedTokens> {
    /// The next `n` service calls (not the OAuth endpoints) get a 401, as if
    /// their token were refused, while token requests go through. Counted
    /// apart from the queue, which it does not hold up.
    pub fn unauthorized(&self, n: usize) -> &Self {
        self.lock().more.calls = n;
        self
    }

    /// The fault of the request to `path` being answered: a refused token first (on service
    /// calls), else the next queued fault.
    pub(crate) fn next(&self, path: &str) -> Option<Aim18Fault> {
        {
            let mut s = self.lock();
            if s.more.calls > 0 && !path.starts_with("/jsf/rfws/oauth/") {
                s.more.calls -= 1;
                return Some(Aim18Fault::Unauthorized);
            }
        }
        self.take().map(Aim18Fault::Shared)
    }
}
