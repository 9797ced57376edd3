//! Answers decoded straight into the caller's type.
//!
//! The typed helpers (`search_read::<M>`, `read::<M>`, paging) do not build a
//! `serde_json::Value` of the answer first: the body is read once, the envelope's `result`
//! going directly into `Vec<M>`. Only when that fails (an error answer, something that is not
//! JSON-RPC, a record of the wrong shape) is the body read again the untyped way, so that the
//! error is exactly the one the untyped path gives ([`super::fault`]'s mapping, or a decode
//! error naming the record and field).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, Visitor};
use serde_json::Value;

use super::fault;
use crate::error::Error;
use crate::http::HttpResponse;

/// A transport's answer, not decoded yet.
pub(crate) enum Answer {
    /// A JSON-RPC envelope (`/jsonrpc`, `/web/dataset/call_kw`).
    JsonRpc(HttpResponse),
    /// A JSON-2 answer: the bare result on 2xx.
    Json2(HttpResponse),
    /// Already decoded.
    Value(Value),
}

/// Why an answer did not decode.
pub(crate) enum AnswerError {
    /// The server answered an error, or something that is not an answer.
    Call(Error),
    /// A well-formed answer whose result is not a `T`.
    Shape(serde_json::Error),
}

impl Answer {
    pub(crate) fn decode<T: DeserializeOwned>(self) -> Result<T, AnswerError> {
        match self {
            Answer::JsonRpc(resp) => decode_jsonrpc(&resp),
            Answer::Json2(resp) => decode_json2(&resp),
            Answer::Value(v) => serde_json::from_value(v).map_err(AnswerError::Shape),
        }
    }
}

/// A JSON-RPC answer's `result` as `T`, in one pass when it is one.
pub(crate) fn decode_jsonrpc<T: DeserializeOwned>(resp: &HttpResponse) -> Result<T, AnswerError> {
    if let Ok(Envelope::Result(t)) = serde_json::from_slice::<Envelope<T>>(&resp.body) {
        return Ok(t);
    }
    let v = fault::parse_jsonrpc(resp).map_err(AnswerError::Call)?;
    serde_json::from_value(v).map_err(AnswerError::Shape)
}

/// A JSON-2 answer as `T`, in one pass when it is one.
pub(crate) fn decode_json2<T: DeserializeOwned>(resp: &HttpResponse) -> Result<T, AnswerError> {
    if resp.status.is_success()
        && let Ok(t) = serde_json::from_slice::<T>(&resp.body)
    {
        return Ok(t);
    }
    let v = fault::parse_json2(resp).map_err(AnswerError::Call)?;
    serde_json::from_value(v).map_err(AnswerError::Shape)
}

/// Whether a JSON-RPC answer is a result (skimmed, nothing decoded); anything else comes back
/// as the error the untyped path maps it to.
pub(crate) fn check_jsonrpc(resp: &HttpResponse) -> crate::Result<()> {
    match serde_json::from_slice::<Envelope<IgnoredAny>>(&resp.body) {
        Ok(Envelope::Result(_)) => Ok(()),
        _ => fault::parse_jsonrpc(resp).map(|_| ()),
    }
}

/// What a JSON-RPC envelope holds: a result with no error, or something else.
enum Envelope<T> {
    Result(T),
    Other,
}

impl<'de, T: de::Deserialize<'de>> de::Deserialize<'de> for Envelope<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EnvelopeVisitor(PhantomData))
    }
}

struct EnvelopeVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: de::Deserialize<'de>> Visitor<'de> for EnvelopeVisitor<T> {
    type Value = Envelope<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON-RPC answer")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut result = None;
        let mut error = false;
        while let Some(key) = map.next_key_seed(KeyIs("result"))? {
            match key {
                Key::Match => result = Some(map.next_value::<T>()?),
                Key::Other(is_error) => {
                    let v = map.next_value::<Option<IgnoredNull>>()?;
                    error |= is_error && v.is_some();
                }
            }
        }
        Ok(match result {
            Some(t) if !error => Envelope::Result(t),
            _ => Envelope::Other,
        })
    }
}

enum Key {
    Match,
    /// Another key; `true` for `"error"`.
    Other(bool),
}

/// Compares a key with a name without allocating.
struct KeyIs(&'static str);

impl<'de> DeserializeSeed<'de> for KeyIs {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(if v == self.0 {
            Key::Match
        } else {
            Key::Other(v == "error")
        })
    }
}

/// Any value but `null` (which `Option` turns into `None`), skipped.
struct IgnoredNull;

impl<'de> de::Deserialize<'de> for IgnoredNull {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(d).map(|_| IgnoredNull)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;
    use serde_json::json;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers: Default::default(),
            body: body.as_bytes().to_vec(),
            url: url::Url::parse("http://127.0.0.1:8069/jsonrpc").unwrap(),
        }
    }

    fn shape<T: std::fmt::Debug>(r: Result<T, AnswerError>) -> String {
        match r {
            Ok(v) => format!("ok {v:?}"),
            Err(AnswerError::Call(e)) => format!("call {:?} {e}", e.kind()),
            Err(AnswerError::Shape(e)) => format!("shape {e}"),
        }
    }

    #[test]
    fn same_outcome_as_the_untyped_path() {
        for body in [
            r#"{"jsonrpc": "2.0", "id": 1, "result": [1, 2]}"#,
            r#"{"result": [1, 2], "error": null}"#,
            r#"{"error": null, "result": [1, 2]}"#,
            r#"{"jsonrpc": "2.0", "id": 1, "result": ["x"]}"#,
            r#"{"jsonrpc": "2.0", "id": 1, "result": false}"#,
            r#"{"jsonrpc": "2.0", "id": 1, "error": {"code": 200, "message": "Odoo Server Error", "data": {"name": "odoo.exceptions.AccessError", "message": "no"}}}"#,
            r#"{"result": [1], "error": {"code": 100, "message": "Odoo Session Expired"}}"#,
            r#"{"jsonrpc": "2.0"}"#,
            "<html>",
            "",
            "[]",
        ] {
            let r = resp(200, body);
            let slow = match fault::parse_jsonrpc(&r) {
                Ok(v) => match serde_json::from_value::<Vec<i64>>(v) {
                    Ok(v) => format!("ok {v:?}"),
                    Err(e) => format!("shape {e}"),
                },
                Err(e) => format!("call {:?} {e}", e.kind()),
            };
            assert_eq!(shape(decode_jsonrpc::<Vec<i64>>(&r)), slow, "{body}");
            assert_eq!(
                check_jsonrpc(&r).is_ok(),
                fault::parse_jsonrpc(&r).is_ok(),
                "{body}"
            );
        }
    }

    #[test]
    fn json2_bare_results_and_errors() {
        assert_eq!(shape(decode_json2::<Vec<i64>>(&resp(200, "[3]"))), "ok [3]");
        let err = r#"{"name": "odoo.exceptions.AccessError", "message": "no", "arguments": ["no"], "context": {}, "debug": ""}"#;
        assert!(shape(decode_json2::<Vec<i64>>(&resp(403, err))).starts_with("call "));
        assert!(shape(decode_json2::<Vec<i64>>(&resp(200, "{}"))).starts_with("shape "));
        assert_eq!(
            shape(Answer::Value(json!([4])).decode::<Vec<i64>>()),
            "ok [4]"
        );
    }
}
