//! Turning Odoo's answers into values or [`Error`]s: the JSON-RPC envelope
//! (errors come back with HTTP 200 and `error.data.name`), and JSON-2 (the bare
//! result, or an HTTP 4xx/5xx with `{name, message, arguments, context, debug}`).
//! Both map exception names to the same [`ErrorKind`]s.

use serde_json::Value;

use crate::error::{Error, ErrorKind, Result, ServerFault};
use crate::http::HttpResponse;

/// The category of an Odoo exception, from its qualified class name.
pub(crate) fn kind_for(name: &str) -> ErrorKind {
    match name {
        "odoo.exceptions.AccessDenied" | "werkzeug.exceptions.Unauthorized" => {
            ErrorKind::Authentication
        }
        "odoo.exceptions.AccessError" | "werkzeug.exceptions.Forbidden" => ErrorKind::Access,
        "odoo.exceptions.ValidationError" => ErrorKind::Validation,
        "odoo.exceptions.MissingError" => ErrorKind::Missing,
        // RedirectWarning is a UserError with an action to offer; `Warning` and
        // `except_orm` are the pre-14 names of the same thing.
        "odoo.exceptions.UserError"
        | "odoo.exceptions.RedirectWarning"
        | "odoo.exceptions.Warning"
        | "odoo.exceptions.except_orm" => ErrorKind::User,
        "odoo.http.SessionExpiredException" => ErrorKind::SessionExpired,
        "werkzeug.exceptions.NotFound" => ErrorKind::NotFound,
        _ => ErrorKind::Server,
    }
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// A fault from an exception description `{name, message, arguments, debug, ...}`.
fn fault_from_description(
    d: &serde_json::Map<String, Value>,
    fallback_message: &str,
) -> ServerFault {
    let arguments = match d.get("arguments") {
        Some(Value::Array(a)) => a.clone(),
        _ => Vec::new(),
    };
    let message = text(d.get("message"))
        .or_else(|| arguments.first().and_then(|a| text(Some(a))))
        .unwrap_or_else(|| fallback_message.to_owned());
    let mut fault = ServerFault::new(
        text(d.get("name")).unwrap_or_else(|| "unknown".into()),
        message,
    );
    fault.arguments = arguments;
    fault.debug = text(d.get("debug")).filter(|s| !s.is_empty());
    fault
}

/// `error` member of a JSON-RPC answer → Error.
pub(crate) fn jsonrpc_error(error: &Value) -> Error {
    let obj = match error {
        Value::Object(o) => o,
        other => {
            let mut f = ServerFault::new("jsonrpc.error", other.to_string());
            f.code = None;
            return Error::server(ErrorKind::Server, f);
        }
    };
    let code = obj.get("code").and_then(Value::as_i64);
    let envelope_message = text(obj.get("message")).unwrap_or_else(|| "JSON-RPC error".into());
    let mut fault = match obj.get("data") {
        Some(Value::Object(data)) => fault_from_description(data, &envelope_message),
        _ => ServerFault::new(
            match code {
                Some(100) => "odoo.http.SessionExpiredException",
                Some(404) => "werkzeug.exceptions.NotFound",
                _ => "jsonrpc.error",
            },
            envelope_message,
        ),
    };
    fault.code = code;
    // Odoo marks an expired session with code 100 whatever the data says.
    let kind = if code == Some(100) {
        ErrorKind::SessionExpired
    } else {
        kind_for(&fault.name)
    };
    Error::server(kind, fault)
}

/// Why a body is not the protocol we expected, with a hint for redirects.
fn not_protocol(resp: &HttpResponse, expected: &str) -> Error {
    let status = resp.status.as_u16();
    let what = if resp.status.is_redirection() {
        let to = resp
            .headers
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("?");
        format!(
            "the server redirects to {to}: use that address as the server URL (redirects are not followed, so that credentials are never re-sent elsewhere)"
        )
    } else if resp.status.is_success() {
        format!("the answer is not {expected}")
    } else {
        format!("HTTP {status} without {expected}")
    };
    Error::protocol(status, &resp.body, what).with_url(resp.url.clone())
}

/// Unwrap a JSON-RPC answer: `result`, or the mapped `error`.
pub(crate) fn parse_jsonrpc(resp: &HttpResponse) -> Result<Value> {
    let status = resp.status.as_u16();
    match serde_json::from_slice::<Value>(&resp.body) {
        Ok(Value::Object(mut obj)) if obj.contains_key("result") || obj.contains_key("error") => {
            match obj.remove("error") {
                Some(err) if !err.is_null() => Err(jsonrpc_error(&err).with_status(status)),
                _ => Ok(obj.remove("result").unwrap_or(Value::Null)),
            }
        }
        _ => Err(not_protocol(resp, "a JSON-RPC envelope")),
    }
}

/// Unwrap a JSON-2 answer: the bare result on 2xx, the mapped error otherwise.
pub(crate) fn parse_json2(resp: &HttpResponse) -> Result<Value> {
    let status = resp.status.as_u16();
    let parsed = serde_json::from_slice::<Value>(&resp.body);
    if resp.status.is_success() {
        return parsed.map_err(|_| not_protocol(resp, "JSON"));
    }
    match parsed {
        Ok(Value::Object(obj)) if obj.get("name").is_some_and(Value::is_string) => {
            let fault = fault_from_description(&obj, "");
            let mut kind = kind_for(&fault.name);
            // Statuses Odoo uses for its own classes, for names we do not know.
            if kind == ErrorKind::Server {
                kind = match status {
                    401 => ErrorKind::Authentication,
                    _ => kind,
                };
            }
            Err(Error::server(kind, fault)
                .with_status(status)
                .with_url(resp.url.clone()))
        }
        _ => Err(not_protocol(resp, "a JSON-2 error body")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;
    use serde_json::json;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
            url: url::Url::parse("http://127.0.0.1:8069/jsonrpc").unwrap(),
        }
    }

    #[test]
    fn garbage_never_panics() {
        for body in [
            "",
            "null",
            "false",
            "[]",
            "{}",
            "{\"error\": null}",
            "{\"error\": 3}",
            "{\"error\": {\"data\": 5}}",
            "<html>",
            "\u{0}\u{ffff}",
            "{\"result\": false}",
        ] {
            for status in [200, 400, 500, 502] {
                let _ = parse_jsonrpc(&resp(status, body));
                let _ = parse_json2(&resp(status, body));
            }
        }
        assert_eq!(
            parse_jsonrpc(&resp(200, "{\"result\": false}")).unwrap(),
            json!(false)
        );
        assert!(parse_jsonrpc(&resp(200, "{}")).unwrap_err().is_protocol());
        assert!(parse_json2(&resp(200, "<html>")).unwrap_err().is_protocol());
    }

    #[test]
    fn session_expired_by_code() {
        let e = jsonrpc_error(&json!({"code": 100, "message": "Odoo Session Expired"}));
        assert!(e.is_session_expired());
    }

    #[test]
    fn redirect_hint() {
        let mut r = resp(301, "");
        r.headers.insert(
            reqwest::header::LOCATION,
            "https://erp.example.com/jsonrpc".parse().unwrap(),
        );
        let e = parse_jsonrpc(&r).unwrap_err();
        assert!(
            e.to_string().contains("https://erp.example.com/jsonrpc"),
            "{e}"
        );
    }
}
