//! Replaying a recorded aiM18 session (`Aim18ClientBuilder::record`,
//! `codegen fetch aim18 --record DIR`) as the fake's answers.
//!
//! Each request is answered by the first not-yet-used recording with the
//! same method, path and query, comparing the query without the parameters
//! that carry secrets (`runtime::aim18::SECRET_PARAMS`: they were replaced by
//! placeholders when recorded). A request nothing matches gets a 404 whose
//! body names it, so a test sees what the recording lacks.

use std::path::Path;
use std::sync::Mutex;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// One recorded exchange, as the fake replays it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedExchange {
    /// File the exchange came from.
    pub file: String,
    pub method: String,
    pub path: String,
    /// Query pairs as recorded (secrets already replaced).
    pub query: Vec<(String, String)>,
    pub status: u16,
    pub response_headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Read every `*.json` exchange of a recording folder, in file-name order.
pub fn load_recording(dir: &Path) -> Result<Vec<RecordedExchange>, String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the recording {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f)
                .map_err(|e| format!("cannot read {}: {e}", f.display()))?;
            let v: Value = serde_json::from_str(&text)
                .map_err(|e| format!("{} is not JSON: {e}", f.display()))?;
            exchange(&v)
                .map_err(|e| format!("{}: {e}", f.display()))
                .map(|mut x| {
                    x.file = f
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    x
                })
        })
        .collect()
}

fn exchange(v: &Value) -> Result<RecordedExchange, String> {
    let text = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(String::from)
            .ok_or_else(|| format!("no {k}"))
    };
    let query = match v.pointer("/request/query") {
        Some(Value::Array(pairs)) => pairs
            .iter()
            .map(|p| match p.as_array().map(Vec::as_slice) {
                Some([Value::String(k), Value::String(v)]) => Ok((k.clone(), v.clone())),
                _ => Err("a query pair is not [name, value]".to_string()),
            })
            .collect::<Result<Vec<_>, _>>()?,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err("request.query is not a list".into()),
    };
    let status = v
        .get("http_status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .ok_or("no http_status")?;
    let response_headers = match v.get("response_headers") {
        Some(Value::Object(m)) => m
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
            .collect(),
        _ => Vec::new(),
    };
    let as_text = v.get("response_is_text") == Some(&Value::Bool(true));
    let body = match v.get("response") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) if as_text => s.clone().into_bytes(),
        Some(other) => other.to_string().into_bytes(),
    };
    Ok(RecordedExchange {
        file: String::new(),
        method: text("method")?,
        path: text("path")?,
        query,
        status,
        response_headers,
        body,
    })
}

fn comparable(query: &[(String, String)]) -> Vec<(String, String)> {
    let mut q: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| !runtime::aim18::SECRET_PARAMS.iter().any(|(s, _)| s == k))
        .cloned()
        .collect();
    q.sort();
    q
}

/// The exchanges of a recording, each answered once.
pub(crate) struct Replay {
    exchanges: Mutex<Vec<(RecordedExchange, bool)>>,
}

impl Replay {
    pub(crate) fn new(exchanges: Vec<RecordedExchange>) -> Replay {
        Replay {
            exchanges: Mutex::new(exchanges.into_iter().map(|x| (x, false)).collect()),
        }
    }

    pub(crate) fn answer(&self, method: &str, path: &str, query: &[(String, String)]) -> Response {
        let want = comparable(query);
        let mut all = self.exchanges.lock().unwrap_or_else(|e| e.into_inner());
        let hit = all.iter_mut().find(|(x, used)| {
            !*used && x.method == method && x.path == path && comparable(&x.query) == want
        });
        let Some((x, used)) = hit else {
            return (
                StatusCode::NOT_FOUND,
                format!("no recorded answer for {method} {path}"),
            )
                .into_response();
        };
        *used = true;
        let mut r = Body::from(x.body.clone()).into_response();
        *r.status_mut() = StatusCode::from_u16(x.status).unwrap_or(StatusCode::OK);
        for (k, v) in &x.response_headers {
            if let (Ok(k), Ok(v)) = (
                HeaderName::from_bytes(k.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                r.headers_mut().insert(k, v);
            }
        }
        r
    }

    /// Recordings no request asked for.
    pub(crate) fn unused(&self) -> Vec<String> {
        self.exchanges
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|(_, used)| !used)
            .map(|(x, _)| x.file.clone())
            .collect()
    }
}
