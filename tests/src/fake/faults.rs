//! The fault switches of a fake server: a latency, and a queue of faults for the next requests.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// A fault queued for the next requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    Drop,
    Truncate,
    MalformedJson,
    Html502,
    Status(u16, Option<u64>),
}

impl Fault {
    /// The name a recorded request gives its fault (`"drop"`, `"status 503"`...).
    pub(crate) fn label(&self) -> String {
        match self {
            Fault::Drop => "drop".into(),
            Fault::Truncate => "truncate".into(),
            Fault::MalformedJson => "malformed_json".into(),
            Fault::Html502 => "html_502".into(),
            Fault::Status(code, _) => format!("status {code}"),
        }
    }
}

/// Switches one fake has beyond the shared ones (none for the fake Odoo; the fake aiM18's
/// refused tokens). [`Faults::clear`] resets them to their default.
pub trait MoreFaults: Default + fmt::Debug + Send {
    /// How many of these faults are still to fire.
    fn pending(&self) -> usize {
        0
    }
}

impl MoreFaults for () {}

#[derive(Default)]
pub(crate) struct FaultState<X> {
    latency: Duration,
    queue: VecDeque<Fault>,
    pub(crate) more: X,
}

/// Fault switches of a running fake server. Thread-safe; faults queue up in the order they are
/// set (`html_502(1)` then `drop_connections(1)`: the next request gets a 502, the one after is
/// dropped) and apply to every route. Each switch applies to the next `n` requests, then turns
/// itself off. Setters return `&Self` so they chain.
#[derive(Default)]
pub struct Faults<X: MoreFaults = ()> {
    state: Mutex<FaultState<X>>,
}

impl<X: MoreFaults> fmt::Debug for Faults<X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.lock();
        f.debug_struct("Faults")
            .field("latency", &s.latency)
            .field("queued", &s.queue)
            .field("more", &s.more)
            .finish()
    }
}

impl<X: MoreFaults> Faults<X> {
    pub(crate) fn lock(&self) -> MutexGuard<'_, FaultState<X>> {
        // A panic in another test thread must not poison every later request.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
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

    /// The next `n` requests get the status line, headers (a `Content-Length` announcing the
    /// whole body) and half the body, then the connection is closed (a reset mid-body, as a
    /// crashing proxy does).
    pub fn truncate_responses(&self, n: usize) -> &Self {
        self.push(Fault::Truncate, n)
    }

    /// The next `n` requests get HTTP 200 with JSON cut short in a well-framed answer (as a buggy
    /// proxy or a full disk on the server side produces). The fake Odoo carries the request out
    /// and cuts its answer in half; the fake aiM18 answers a fixed cut JSON.
    pub fn malformed_json(&self, n: usize) -> &Self {
        self.push(Fault::MalformedJson, n)
    }

    /// The next `n` requests get a proxy's `502 Bad Gateway` HTML page.
    pub fn html_502(&self, n: usize) -> &Self {
        self.push(Fault::Html502, n)
    }

    /// The next `n` requests get HTTP `code` (the fake Odoo with a short HTML body, the fake
    /// aiM18 with none), and a `Retry-After: <s>` header when `retry_after` is given (e.g. 429
    /// or 503).
    pub fn status(&self, n: usize, code: u16, retry_after: Option<u64>) -> &Self {
        self.push(Fault::Status(code, retry_after), n)
    }

    /// Remove every queued fault and the latency.
    pub fn clear(&self) -> &Self {
        *self.lock() = FaultState::default();
        self
    }

    /// How many queued faults are left.
    pub fn pending(&self) -> usize {
        let s = self.lock();
        s.queue.len() + s.more.pending()
    }

    pub(crate) fn latency(&self) -> Duration {
        self.lock().latency
    }

    /// The fault of the request being answered, taken off the queue.
    pub(crate) fn take(&self) -> Option<Fault> {
        self.lock().queue.pop_front()
    }
}
