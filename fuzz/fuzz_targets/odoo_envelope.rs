//! Odoo answer decoding: arbitrary bytes as the body of an answer with an
//! arbitrary status go through the JSON-RPC and JSON-2 decoders, then through
//! the helpers that read results (created ids, server version, records).
//! Invariants: no panic; every failure is a typed `runtime::Error` whose
//! Display/Debug format; a secret the body echoes is gone after `redact`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue, LOCATION};
use runtime::http::HttpResponse;
use runtime::odoo::__fuzz as odoo;
use serde_json::Value;

const STATUSES: [u16; 12] = [200, 200, 200, 400, 401, 403, 404, 500, 502, 503, 301, 418];
const SECRET: &str = "Fz-s3cr3t-P@ss";

fn check(result: runtime::Result<Value>, body: &[u8]) {
    match result {
        Ok(v) => {
            let _ = odoo::created_ids(v.clone());
            let _ = odoo::server_version(&v);
            if let Value::Array(rows) = &v {
                let _ = runtime::odoo::wire::decode_records::<serde_json::Map<String, Value>>(rows.clone());
            }
        }
        Err(e) => {
            let shown = format!("{e} {e:?} {:?} {:?}", e.fault(), e.body_excerpt());
            assert!(!shown.is_empty());
            if let Some(x) = e.body_excerpt() {
                assert!(x.chars().count() <= runtime::error::EXCERPT_CHARS + 1, "excerpt too long");
            }
            // The body may echo the secret (as a server echoes a login); after
            // redaction no Display, Debug or accessor shows it.
            if String::from_utf8_lossy(body).contains(SECRET) {
                let e = e.redact(SECRET);
                let all = format!(
                    "{e} {e:?} {:?} {:?} {:?}",
                    e.debug(),
                    e.fault().map(|f| f.arguments()),
                    e.body_excerpt()
                );
                assert!(!all.contains(SECRET), "secret survived redaction: {all}");
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let status = STATUSES[usize::from(sel) % STATUSES.len()];
    let mut headers = HeaderMap::new();
    if status == 301 {
        headers.insert(LOCATION, HeaderValue::from_static("https://elsewhere.example/jsonrpc"));
    }
    let resp = HttpResponse {
        status: StatusCode::from_u16(status).unwrap(),
        headers,
        body: body.to_vec(),
        url: url::Url::parse("https://erp.example.com/jsonrpc").unwrap(),
    };
    check(odoo::parse_jsonrpc(&resp), body);
    check(odoo::parse_json2(&resp), body);
});
