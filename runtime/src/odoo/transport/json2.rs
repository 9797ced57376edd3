//! Odoo 19's JSON-2 API: `POST /json/2/<model>/<method>`, `Authorization: bearer
//! <api key>`, `X-Odoo-Database: <db>`, and a body of NAMED arguments only
//! (`ids`, `context`, and every parameter by name). The ORM helpers build calls
//! in `execute_kw` form, so this transport names their positional arguments
//! from the known signatures below.

use std::sync::Arc;

use async_trait::async_trait;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use serde_json::{Map, Value};

use super::{Call, Connection, Transport, TransportKind};
use crate::error::{Error, Result};
use crate::http::{HttpResponse, Idempotency, endpoint};
use crate::odoo::answer::Answer;
use crate::odoo::fault;

/// Parameter names of common ORM methods, in positional order (Odoo 19
/// signatures). `true` when the method works on records, i.e. its first
/// positional argument in `execute_kw` is the ids.
fn signature(method: &str) -> Option<(bool, &'static [&'static str])> {
    Some(match method {
        "search_read" => (false, &["domain", "fields", "offset", "limit", "order"]),
        "search" => (false, &["domain", "offset", "limit", "order"]),
        "search_count" => (false, &["domain", "limit"]),
        "search_fetch" => (
            false,
            &["domain", "field_names", "offset", "limit", "order"],
        ),
        "read" => (true, &["fields", "load"]),
        "create" => (false, &["vals_list"]),
        "write" => (true, &["vals"]),
        "unlink" => (true, &[]),
        "fields_get" => (false, &["allfields", "attributes"]),
        "name_search" => (false, &["name", "domain", "operator", "limit"]),
        "name_create" => (false, &["name"]),
        "read_group" => (
            false,
            &[
                "domain", "fields", "groupby", "offset", "limit", "orderby", "lazy",
            ],
        ),
        "formatted_read_group" => (
            false,
            &[
                "domain",
                "groupby",
                "aggregates",
                "having",
                "offset",
                "limit",
                "order",
            ],
        ),
        "web_search_read" => (
            false,
            &[
                "domain",
                "specification",
                "offset",
                "limit",
                "order",
                "count_limit",
            ],
        ),
        "web_read" => (true, &["specification"]),
        "default_get" => (false, &["fields_list"]),
        "copy" => (true, &["default"]),
        "exists" => (true, &[]),
        _ => return None,
    })
}

fn is_id_list(v: &Value) -> bool {
    v.as_array()
        .is_some_and(|a| a.iter().all(|x| x.as_i64().is_some()))
}

/// The JSON-2 body for an `execute_kw`-style call.
pub(crate) fn named_body(
    method: &str,
    args: &[Value],
    kwargs: &Map<String, Value>,
) -> Result<Map<String, Value>> {
    let mut body = Map::new();
    let mut rest = args.iter();
    match signature(method) {
        Some((takes_ids, names)) => {
            if takes_ids && let Some(ids) = rest.next() {
                body.insert("ids".into(), ids.clone());
            }
            for (i, value) in rest.enumerate() {
                let Some(name) = names.get(i) else {
                    return Err(Error::config(format!(
                        "JSON-2 takes named arguments only, and {method} has no parameter #{} \
                         (known: ids, {}); pass it as a keyword argument",
                        i + 1 + usize::from(takes_ids),
                        names.join(", ")
                    )));
                };
                // `create` takes a list of value dicts; one dict is one record.
                let value = match (*name, value) {
                    ("vals_list", Value::Object(_)) => Value::Array(vec![value.clone()]),
                    _ => value.clone(),
                };
                body.insert((*name).to_owned(), value);
            }
        }
        None => {
            if let Some(first) = rest.next() {
                if !is_id_list(first) {
                    return Err(Error::config(format!(
                        "JSON-2 takes named arguments only: the first positional argument of {method} \
                         is not a list of record ids, and its name is unknown; pass it as a keyword argument"
                    )));
                }
                body.insert("ids".into(), first.clone());
            }
            if rest.next().is_some() {
                return Err(Error::config(format!(
                    "JSON-2 takes named arguments only: {method} is not a known ORM method, so only \
                     the record ids may be positional; pass the other arguments as keyword arguments"
                )));
            }
        }
    }
    for (k, v) in kwargs {
        if body.contains_key(k) {
            return Err(Error::config(format!(
                "argument {k:?} of {method} was given both positionally and as a keyword"
            )));
        }
        body.insert(k.clone(), v.clone());
    }
    Ok(body)
}

/// `Authorization: bearer <key>`, marked sensitive so that http/hyper never print it.
pub(crate) fn bearer(conn: &Connection) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("bearer {}", conn.secret.expose_secret()))
        .map_err(|_| {
            Error::config("the API key contains characters that cannot go in an HTTP header")
        })?;
    value.set_sensitive(true);
    Ok(value)
}

/// POST a JSON-2 call with already named arguments.
pub(crate) async fn post(
    conn: &Connection,
    model: &str,
    method: &str,
    body: &Map<String, Value>,
    idempotency: Idempotency,
) -> Result<Value> {
    fault::parse_json2(&post_raw(conn, model, method, body, idempotency).await?)
}

/// POST a JSON-2 call; the answer is not looked at.
pub(crate) async fn post_raw(
    conn: &Connection,
    model: &str,
    method: &str,
    body: &Map<String, Value>,
    idempotency: Idempotency,
) -> Result<HttpResponse> {
    let url = endpoint(&conn.base, &["json", "2", model, method]);
    let auth = bearer(conn)?;
    let db = HeaderValue::from_str(&conn.db)
        .map_err(|_| Error::config("the database name cannot go in an HTTP header"))?;
    conn.http
        .send(idempotency, |c| {
            c.post(url.clone())
                .header(AUTHORIZATION, auth.clone())
                .header("X-Odoo-Database", db.clone())
                .header(ACCEPT, "application/json")
                .json(body)
        })
        .await
}

pub(crate) struct Json2Transport {
    pub conn: Arc<Connection>,
}

#[async_trait]
impl Transport for Json2Transport {
    fn kind(&self) -> TransportKind {
        TransportKind::Json2
    }

    async fn execute_kw(&self, call: &Call) -> Result<Value> {
        let body = named_body(&call.method, &call.args, &call.kwargs)?;
        post(
            &self.conn,
            &call.model,
            &call.method,
            &body,
            call.idempotency,
        )
        .await
    }

    async fn execute_kw_raw(&self, call: &Call) -> Result<Answer> {
        let body = named_body(&call.method, &call.args, &call.kwargs)?;
        post_raw(
            &self.conn,
            &call.model,
            &call.method,
            &body,
            call.idempotency,
        )
        .await
        .map(Answer::Json2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn named(method: &str, args: Value, kwargs: Value) -> Result<Value> {
        let args = args.as_array().unwrap().clone();
        let kwargs = kwargs.as_object().unwrap().clone();
        named_body(method, &args, &kwargs).map(Value::Object)
    }

    #[test]
    fn maps_orm_positional_args_like_the_recordings() {
        // Bodies as recorded in odoo-19/rpc/json2.*.json.
        assert_eq!(
            named(
                "search_read",
                json!([[["is_company", "=", true]]]),
                json!({"fields": ["name", "country_id", "child_ids"], "limit": 3})
            )
            .unwrap(),
            json!({"domain": [["is_company", "=", true]], "fields": ["name", "country_id", "child_ids"], "limit": 3})
        );
        assert_eq!(
            named("read", json!([[1, 2]]), json!({"fields": ["name"]})).unwrap(),
            json!({"ids": [1, 2], "fields": ["name"]})
        );
        assert_eq!(
            named("create", json!([{"name": "Recorded JSON-2"}]), json!({})).unwrap(),
            json!({"vals_list": [{"name": "Recorded JSON-2"}]})
        );
        assert_eq!(
            named("create", json!([[{"name": "A"}, {"name": "B"}]]), json!({})).unwrap(),
            json!({"vals_list": [{"name": "A"}, {"name": "B"}]})
        );
        assert_eq!(
            named("write", json!([[79], {"comment": "x"}]), json!({})).unwrap(),
            json!({"ids": [79], "vals": {"comment": "x"}})
        );
        assert_eq!(
            named("unlink", json!([[79]]), json!({})).unwrap(),
            json!({"ids": [79]})
        );
        assert_eq!(
            named(
                "search_count",
                json!([[]]),
                json!({"context": {"lang": "en_US"}})
            )
            .unwrap(),
            json!({"domain": [], "context": {"lang": "en_US"}})
        );
        assert_eq!(
            named(
                "fields_get",
                json!([["name"]]),
                json!({"attributes": ["type"]})
            )
            .unwrap(),
            json!({"allfields": ["name"], "attributes": ["type"]})
        );
        assert_eq!(
            named(
                "name_search",
                json!([]),
                json!({"name": "Deco", "limit": 3})
            )
            .unwrap(),
            json!({"name": "Deco", "limit": 3})
        );
        assert_eq!(
            named(
                "read_group",
                json!([[], ["amount_total:sum"], ["state"]]),
                json!({"lazy": false})
            )
            .unwrap(),
            json!({"domain": [], "fields": ["amount_total:sum"], "groupby": ["state"], "lazy": false})
        );
    }

    #[test]
    fn unknown_methods_take_ids_then_keywords() {
        assert_eq!(
            named("action_confirm", json!([[4, 5]]), json!({"force": true})).unwrap(),
            json!({"ids": [4, 5], "force": true})
        );
        assert_eq!(
            named("action_confirm", json!([[]]), json!({})).unwrap(),
            json!({"ids": []})
        );
        assert_eq!(
            named("message_post", json!([]), json!({"body": "hi"})).unwrap(),
            json!({"body": "hi"})
        );
        assert!(
            named("action_confirm", json!([[4], "x"]), json!({}))
                .unwrap_err()
                .is_config()
        );
        assert!(
            named("do_it", json!(["x"]), json!({}))
                .unwrap_err()
                .is_config()
        );
        assert!(
            named("search", json!([[], 0, 5, "id", "extra"]), json!({}))
                .unwrap_err()
                .is_config()
        );
        assert!(
            named("search", json!([[]]), json!({"domain": []}))
                .unwrap_err()
                .is_config()
        );
    }
}
