//! Helpers for tests of code that talks to the fakes.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// A tracing subscriber that writes every event and span field, at every level, to one string
/// (no extra dependency): for asserting what reaches the logs, e.g. that no secret does.
///
/// Tracing caches per-callsite interest process-wide: a test using it should be the only test
/// of its binary, so that no test running without it makes events skip it.
#[derive(Clone, Default)]
pub struct LogCapture(Arc<Mutex<String>>);

impl LogCapture {
    /// Everything logged so far.
    pub fn text(&self) -> String {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct Collect<'a>(&'a mut String);

impl Visit for Collect<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }
}

impl Subscriber for LogCapture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut s = self.lock();
        let _ = write!(s, "\nspan {}", span.metadata().name());
        span.record(&mut Collect(&mut s));
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        values.record(&mut Collect(&mut self.lock()));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut s = self.lock();
        let _ = write!(
            s,
            "\n{} {}",
            event.metadata().level(),
            event.metadata().target()
        );
        event.record(&mut Collect(&mut s));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// A recorded request with its secrets put back: the recordings (`tests/fixtures/odoo-*/`)
/// redact them as `"<password>"`, `"<api key>"` and `"bearer <api key>"`.
pub fn unredact(recorded: &serde_json::Value, password: &str, api_key: &str) -> serde_json::Value {
    use serde_json::Value;
    match recorded {
        Value::String(s) if s == "<password>" => Value::String(password.into()),
        Value::String(s) if s == "<api key>" => Value::String(api_key.into()),
        Value::String(s) if s.starts_with("bearer <api key>") => {
            Value::String(format!("bearer {api_key}"))
        }
        Value::Array(a) => Value::Array(a.iter().map(|v| unredact(v, password, api_key)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), unredact(v, password, api_key)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Every recording in `dir` (one JSON document a file), by file stem, in stem order.
///
/// # Panics
/// If `dir` cannot be listed, or a file cannot be read or is not JSON (a test's fixtures).
pub fn read_recordings(dir: &std::path::Path) -> Vec<(String, serde_json::Value)> {
    let mut out: Vec<(String, serde_json::Value)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| {
            let stem = e
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".json")
                .to_owned();
            let text = std::fs::read_to_string(e.path()).expect("read");
            (stem, serde_json::from_str(&text).expect("json"))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
