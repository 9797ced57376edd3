//! A server that spends CPU per request like a real Odoo (one switch:
//! [`Faults::set_server_cost`](super::Faults::set_server_cost)), so that benchmarks of schema
//! readers measure what a real server does with them, not only network latency.
//!
//! Modelled on the timings issue 18 recorded against a real Odoo 18 on a 2-core machine
//! (whole process, medians of 3):
//!
//! | recorded | time |
//! |---|---|
//! | 566 `fields_get`, one at a time (11,289 field descriptions) | 8.4 s |
//! | the same, 16 in flight | 9.8 s |
//! | `ir.model.fields` + `ir.model.fields.selection` `search_read` (11,289 + 2,417 rows) | 1.7 s |
//!
//! Three unknowns, two equations: with [`ServerCost::request`] = 3 ms (an assumption: RPC
//! dispatch, environment, JSON; not recorded alone), a field description costs
//! (8.4 s − 566 × 3 ms) / 11,289 = 0.59 ms and a row (1.7 s − 2 × 3 ms) / 13,706 = 0.12 ms.
//! A `fields_get` asking for a few `attributes` is charged for those only, as a share of the
//! 16.9 keys an average description of the 18 recording has (Odoo's `get_description` computes
//! only the asked attributes; that each attribute costs the same is an assumption, no narrow
//! fields_get was timed). Concurrency: Odoo's threaded server computes one request at a time
//! (the GIL), and 16 in flight made it 1.17× slower: each request waits for the server's one
//! core ([`ServerCost::workers`]) and pays 0.165 ms per other request in flight (2.5 ms at 16,
//! the recorded 1.4 s over 566 requests).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;

use super::RecordedRequest;

/// Per-request CPU cost of the fake server.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServerCost {
    /// Any request.
    pub request: Duration,
    /// One field described by `fields_get` with every attribute.
    pub field_description: Duration,
    /// Attributes of an average full description (what a narrow fields_get is a share of).
    pub attributes_per_description: f64,
    /// One record answered by `search_read` / `read`.
    pub row: Duration,
    /// Added to a request for each other request in flight (lock and GIL contention).
    pub contention: Duration,
    /// Requests computed at once (1: Odoo's threaded server, one Python interpreter).
    pub workers: usize,
}

impl ServerCost {
    /// The real Odoo 18 of issue 18's timings (module docs).
    pub fn odoo18() -> ServerCost {
        ServerCost {
            request: Duration::from_micros(3_000),
            field_description: Duration::from_micros(590),
            attributes_per_description: 16.9,
            row: Duration::from_micros(124),
            contention: Duration::from_micros(165),
            workers: 1,
        }
    }

    /// The CPU a request costs, from what it asked and what it was answered.
    fn of(
        &self,
        req: &RecordedRequest,
        answer: Option<&Value>,
        others_in_flight: usize,
    ) -> Duration {
        let items = match answer {
            Some(Value::Array(rows)) => rows.len(),
            Some(Value::Object(map)) => map.len(),
            _ => 0,
        };
        let work = match req.method.as_deref() {
            Some("fields_get") => {
                let share = match attributes(&req.params) {
                    Some(n) => (n as f64 / self.attributes_per_description).min(1.0),
                    None => 1.0,
                };
                self.field_description.mul_f64(items as f64 * share)
            }
            Some("search_read" | "read" | "web_search_read" | "web_read") => {
                self.row * items as u32
            }
            _ => Duration::ZERO,
        };
        self.request + work + self.contention * others_in_flight as u32
    }
}

/// The `attributes` a fields_get asked for, on any transport (`None`: all of them).
fn attributes(params: &Value) -> Option<usize> {
    let candidates = [
        params.pointer("/args/6/attributes"),
        params.pointer("/kwargs/attributes"),
        params.get("attributes"),
    ];
    candidates
        .into_iter()
        .flatten()
        .find_map(Value::as_array)
        .map(Vec::len)
        .filter(|n| *n > 0)
}

/// The server's cores: requests wait here for one, then hold it for their cost.
pub(crate) struct CpuGate {
    cores: tokio::sync::Semaphore,
    /// The number of cores, set by the first charged request.
    sized: std::sync::OnceLock<usize>,
    in_flight: AtomicUsize,
}

impl Default for CpuGate {
    fn default() -> Self {
        CpuGate {
            cores: tokio::sync::Semaphore::new(0),
            sized: std::sync::OnceLock::new(),
            in_flight: AtomicUsize::new(0),
        }
    }
}

impl CpuGate {
    /// Spend the cost of `req` (answered `body`) on one of `cost.workers` cores (the first
    /// charged request sets how many there are).
    pub(crate) async fn charge(&self, cost: &ServerCost, req: &RecordedRequest, body: &[u8]) {
        if self.sized.set(cost.workers.max(1)).is_ok() {
            self.cores.add_permits(cost.workers.max(1));
        }
        let others = self.in_flight.fetch_add(1, Ordering::SeqCst);
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        // JSON-RPC wraps the answer in `result`; JSON-2 answers it bare.
        let answer = parsed.as_ref().map(|v| v.get("result").unwrap_or(v));
        let spend = cost.of(req, answer, others);
        if let Ok(core) = self.cores.acquire().await {
            tokio::time::sleep(spend).await;
            drop(core);
        }
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}
