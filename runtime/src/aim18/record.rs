//! Recording a session's wire exchanges, so a user with a real aiM18 can send
//! them back and the fake server in `tests` can replay them
//! ([`super::Aim18ClientBuilder::record`], `codegen fetch aim18 --record DIR`).
//!
//! One JSON file per exchange, `NNNN.<service>.json`, in the shape of the
//! Odoo recordings under `tests/fixtures/odoo-*/rpc/`: `http_status`, `note`,
//! `method`, `path` (no query: it may hold secrets), `request` (`query` as
//! `[name, value]` pairs, the headers that matter, `body`), `response` (JSON
//! when it parses, else text) and `response_headers`.
//!
//! Secrets never reach the files: the client secret, the password digest,
//! authorization codes, refresh and access tokens are replaced by
//! `<client secret>`, `<password sha1>`, `<authorization code>`,
//! `<refresh token>` and `<access token>` wherever they appear (query,
//! headers, bodies), and every token the server hands out is remembered so
//! later requests carrying it are scrubbed too.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use reqwest::header::HeaderMap;
use serde_json::{Map, Value, json};
use url::Url;

use crate::error::{Error, Result};

/// The placeholder written in place of each kind of secret.
pub const CLIENT_SECRET_PLACEHOLDER: &str = "<client secret>";
pub const PASSWORD_PLACEHOLDER: &str = "<password sha1>";
pub const CODE_PLACEHOLDER: &str = "<authorization code>";
pub const REFRESH_TOKEN_PLACEHOLDER: &str = "<refresh token>";
pub const ACCESS_TOKEN_PLACEHOLDER: &str = "<access token>";

/// Query parameters of the token endpoint that carry a secret, and their placeholders.
pub const SECRET_PARAMS: &[(&str, &str)] = &[
    ("client_secret", CLIENT_SECRET_PLACEHOLDER),
    ("password", PASSWORD_PLACEHOLDER),
    ("code", CODE_PLACEHOLDER),
    ("refresh_token", REFRESH_TOKEN_PLACEHOLDER),
];

/// Response headers worth keeping (aiM18's error report and what a client reads).
const KEPT_RESPONSE_HEADERS: &[&str] = &[
    "content-type",
    "error_info",
    "error_id",
    "www-authenticate",
    "location",
    "retry-after",
];

/// Writes exchanges to a folder. Shared by the service calls and the token endpoint.
#[derive(Debug)]
pub(crate) struct Recorder {
    dir: PathBuf,
    state: Mutex<RecorderState>,
}

#[derive(Debug, Default)]
struct RecorderState {
    next: usize,
    /// (secret value, placeholder), longest first when applied.
    secrets: Vec<(String, &'static str)>,
}

/// One request as sent.
pub(crate) struct Sent<'a> {
    pub method: &'a str,
    pub url: &'a Url,
    pub headers: &'a [(&'a str, String)],
    pub body: Option<&'a [u8]>,
}

impl Recorder {
    /// Create `dir` (and parents) and record into it, after the files already there.
    pub(crate) fn new(dir: &Path) -> Result<Recorder> {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::config(format!(
                "cannot create the recording folder {}: {e}",
                dir.display()
            ))
        })?;
        let next = std::fs::read_dir(dir)
            .map(|entries| entries.filter_map(|e| e.ok()).count())
            .unwrap_or(0);
        Ok(Recorder {
            dir: dir.to_path_buf(),
            state: Mutex::new(RecorderState {
                next,
                secrets: Vec::new(),
            }),
        })
    }

    /// Remember a secret value to scrub from everything written afterwards.
    pub(crate) fn secret(&self, value: &str, placeholder: &'static str) {
        // Very short values would mangle ordinary text; real secrets are long.
        if value.len() < 4 {
            return;
        }
        let mut st = self.lock();
        if !st.secrets.iter().any(|(s, _)| s == value) {
            st.secrets.push((value.to_string(), placeholder));
            st.secrets.sort_by_key(|s| std::cmp::Reverse(s.0.len()));
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RecorderState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Write one exchange. A failure to write is logged, never fatal: the
    /// session itself must not fail because of its recording.
    pub(crate) fn exchange(
        &self,
        sent: Sent<'_>,
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
        note: &str,
    ) {
        let response = parse_body(body);
        // A token answer's tokens are secrets from now on.
        if let Value::Object(m) = &response {
            for (key, placeholder) in [
                ("access_token", ACCESS_TOKEN_PLACEHOLDER),
                ("refresh_token", REFRESH_TOKEN_PLACEHOLDER),
            ] {
                if let Some(Value::String(t)) = m.get(key) {
                    self.secret(t, placeholder);
                }
            }
        }
        let query: Vec<Value> = sent
            .url
            .query_pairs()
            .map(|(k, v)| {
                let v = SECRET_PARAMS
                    .iter()
                    .find(|(name, _)| *name == k)
                    .map(|(_, p)| (*p).to_string())
                    .unwrap_or_else(|| v.into_owned());
                json!([k, v])
            })
            .collect();
        let mut request = Map::new();
        request.insert("query".into(), Value::Array(query));
        let req_headers: Map<String, Value> = sent
            .headers
            .iter()
            .map(|(n, v)| {
                let v = if n.eq_ignore_ascii_case("authorization") {
                    format!("Bearer {ACCESS_TOKEN_PLACEHOLDER}")
                } else {
                    v.clone()
                };
                ((*n).to_string(), Value::String(v))
            })
            .collect();
        request.insert("headers".into(), Value::Object(req_headers));
        if let Some(b) = sent.body {
            request.insert("body".into(), parse_body(b));
        }
        let resp_headers: Map<String, Value> = headers
            .iter()
            .filter(|(n, _)| KEPT_RESPONSE_HEADERS.contains(&n.as_str()))
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    Value::String(String::from_utf8_lossy(v.as_bytes()).into_owned()),
                )
            })
            .collect();
        let mut record = json!({
            "http_status": status,
            "note": note,
            "method": sent.method,
            "path": sent.url.path(),
            "request": Value::Object(request),
            "response": response,
            "response_headers": Value::Object(resp_headers),
        });
        if !body.is_empty() && serde_json::from_slice::<Value>(body).is_err() {
            // So a replay sends the text back as text, not as a JSON string.
            record["response_is_text"] = Value::Bool(true);
        }
        let mut text = serde_json::to_string_pretty(&record).unwrap_or_default();
        let (index, secrets) = {
            let mut st = self.lock();
            st.next += 1;
            (st.next, st.secrets.clone())
        };
        for (secret, placeholder) in &secrets {
            // Secrets appear as written and, in JSON strings, escaped.
            text = text.replace(secret.as_str(), placeholder);
            let escaped = serde_json::to_string(secret).unwrap_or_default();
            let escaped = escaped.trim_matches('"');
            if escaped != secret {
                text = text.replace(escaped, placeholder);
            }
        }
        let slug: String = sent
            .url
            .path()
            .trim_start_matches("/jsf/rfws/")
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '.' })
            .collect();
        let path = self.dir.join(format!("{index:04}.{slug}.json"));
        if let Err(e) = std::fs::write(&path, text + "\n") {
            tracing::warn!(path = %path.display(), error = %e, "could not write an aiM18 recording");
        }
    }
}

fn parse_body(body: &[u8]) -> Value {
    if body.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
}
