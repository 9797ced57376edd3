//! Every recorded answer of real Odoo 16–19 servers (copied into
//! `runtime/tests/data/`, see its README) is turned into the right result or
//! error kind, with the server's message and traceback preserved.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use super::fault::{parse_json2, parse_jsonrpc};
use super::request::{created_id, created_ids};
use super::version::ServerVersion;
use crate::error::ErrorKind;
use crate::http::HttpResponse;

macro_rules! rec {
    ($v:literal, $file:literal) => {
        (
            concat!("odoo-", $v, "/", $file),
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/data/odoo-",
                $v,
                "/",
                $file
            )),
        )
    };
}

/// The files every version has.
macro_rules! common_files {
    ($v:literal) => {
        [
            rec!($v, "common.authenticate.api_key.json"),
            rec!($v, "common.authenticate.ok.json"),
            rec!($v, "common.authenticate.wrong_password.json"),
            rec!($v, "common.version.json"),
            rec!($v, "db.list.json"),
            rec!($v, "error.access_denied.json"),
            rec!($v, "error.access_error.json"),
            rec!($v, "error.invalid_field_in_domain.json"),
            rec!($v, "error.missing_error.json"),
            rec!($v, "error.missing_required.json"),
            rec!($v, "error.not_json.json"),
            rec!($v, "error.private_method.json"),
            rec!($v, "error.unknown_method.json"),
            rec!($v, "error.unknown_model.json"),
            rec!($v, "error.user_error.json"),
            rec!($v, "error.validation_error.json"),
            rec!($v, "error.wrong_type.json"),
            rec!($v, "object.execute_kw.api_key.json"),
            rec!($v, "orm.create.many.json"),
            rec!($v, "orm.create.one.json"),
            rec!($v, "orm.fields_get.attributes.json"),
            rec!($v, "orm.name_search.json"),
            rec!($v, "orm.read.missing_id.json"),
            rec!($v, "orm.read_group.json"),
            rec!($v, "orm.search.json"),
            rec!($v, "orm.search_count.json"),
            rec!($v, "orm.search_read.with_context.json"),
            rec!($v, "orm.unlink.json"),
            rec!($v, "orm.write.json"),
            rec!($v, "web.dataset.call_kw.no_session.json"),
            rec!($v, "web.dataset.call_kw.ok.json"),
            rec!($v, "web.session.authenticate.api_key.json"),
            rec!($v, "web.session.authenticate.wrong_password.json"),
            rec!($v, "web.webclient.version_info.json"),
        ]
    };
}

const JSON2_FILES: [(&str, &str); 22] = [
    rec!("19", "json2.create.json"),
    rec!("19", "json2.error.access_error.private.json"),
    rec!("19", "json2.error.invalid_field.json"),
    rec!("19", "json2.error.missing_record.json"),
    rec!("19", "json2.error.no_key.json"),
    rec!("19", "json2.error.positional_args.json"),
    rec!("19", "json2.error.unknown_method.json"),
    rec!("19", "json2.error.unknown_model.json"),
    rec!("19", "json2.error.user_error.json"),
    rec!("19", "json2.error.validation.json"),
    rec!("19", "json2.error.wrong_database.json"),
    rec!("19", "json2.error.wrong_key.json"),
    rec!("19", "json2.fields_get.json"),
    rec!("19", "json2.name_search.json"),
    rec!("19", "json2.read.json"),
    rec!("19", "json2.search_count.json"),
    rec!("19", "json2.search_read.json"),
    rec!("19", "json2.unlink.json"),
    rec!("19", "json2.with_context.json"),
    rec!("19", "json2.write.json"),
    rec!("19", "web.version.json"),
    rec!("19", "orm.search.json"),
];

fn all_versions() -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    out.extend(common_files!("16"));
    out.extend(common_files!("17"));
    out.extend(common_files!("18"));
    out.extend(common_files!("19"));
    out
}

/// The expected error kind of a recorded answer, by file name; `None` for successes.
fn expected_kind(file: &str) -> Option<ErrorKind> {
    let stem = file.rsplit('/').next().unwrap().trim_end_matches(".json");
    Some(match stem {
        "error.access_denied" => ErrorKind::Authentication,
        "error.access_error" | "error.private_method" => ErrorKind::Access,
        "error.invalid_field_in_domain" | "error.wrong_type" | "error.unknown_method" => {
            ErrorKind::Server
        }
        "error.missing_error" => ErrorKind::Missing,
        "error.missing_required" | "error.validation_error" => ErrorKind::Validation,
        "error.unknown_model" | "error.user_error" => ErrorKind::User,
        "error.not_json" => ErrorKind::Protocol,
        "web.dataset.call_kw.no_session" => ErrorKind::SessionExpired,
        "web.session.authenticate.api_key" | "web.session.authenticate.wrong_password" => {
            ErrorKind::Authentication
        }
        "json2.error.access_error.private" => ErrorKind::Access,
        "json2.error.invalid_field" | "json2.error.positional_args" => ErrorKind::Server,
        "json2.error.missing_record" => ErrorKind::Missing,
        "json2.error.no_key" | "json2.error.wrong_key" => ErrorKind::Authentication,
        "json2.error.unknown_method" | "json2.error.unknown_model" => ErrorKind::NotFound,
        "json2.error.user_error" => ErrorKind::User,
        "json2.error.validation" => ErrorKind::Validation,
        "json2.error.wrong_database" => ErrorKind::Protocol,
        _ => return None,
    })
}

struct Recording {
    name: &'static str,
    json2: bool,
    resp: HttpResponse,
    /// The exception description (`error.data` or the JSON-2 body), if any.
    described: Option<Value>,
    response: Value,
}

fn load(name: &'static str, text: &'static str) -> Recording {
    let rec: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let status = rec["http_status"].as_u64().unwrap() as u16;
    let response = rec["response"].clone();
    // A string response is a raw (non-JSON) body, e.g. an HTML page.
    let body = match &response {
        Value::String(s) => s.as_bytes().to_vec(),
        other => serde_json::to_vec(other).unwrap(),
    };
    let path = rec["path"].as_str().unwrap_or("/");
    let json2 = path.starts_with("/json/2/");
    let described = if json2 {
        response.get("name").map(|_| response.clone())
    } else {
        response.get("error").and_then(|e| e.get("data")).cloned()
    };
    Recording {
        name,
        json2,
        resp: HttpResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body,
            url: url::Url::parse(&format!("http://127.0.0.1:8069{path}")).unwrap(),
        },
        described,
        response,
    }
}

fn check(name: &'static str, text: &'static str) {
    let r = load(name, text);
    let parsed = if r.json2 {
        parse_json2(&r.resp)
    } else {
        parse_jsonrpc(&r.resp)
    };
    match expected_kind(name) {
        None => {
            let v = parsed.unwrap_or_else(|e| panic!("{name}: expected success, got {e:?}"));
            let expect = if r.json2 || r.response.get("result").is_none() {
                r.response.clone()
            } else {
                r.response["result"].clone()
            };
            assert_eq!(v, expect, "{}", r.name);
        }
        Some(kind) => {
            let e = parsed.expect_err(name);
            assert_eq!(e.kind(), kind, "{name}: {e:?}");
            let e = e.with_target("res.partner", "write");
            let shown = e.to_string();
            assert!(shown.starts_with("res.partner/write: "), "{name}: {shown}");
            if let Some(d) = &r.described {
                let fault = e.fault().unwrap_or_else(|| panic!("{name}: no fault"));
                assert_eq!(fault.name(), d["name"].as_str().unwrap(), "{name}");
                assert_eq!(fault.message(), d["message"].as_str().unwrap(), "{name}");
                let debug = d["debug"].as_str().unwrap();
                assert_eq!(e.debug(), Some(debug), "{name}");
                // The traceback stays out of Display and Debug.
                assert!(!shown.contains("Traceback"), "{name}: {shown}");
                assert!(!format!("{e:?}").contains("Traceback"), "{name}");
                assert!(shown.contains(fault.message()), "{name}: {shown}");
                match kind {
                    ErrorKind::Access => assert!(shown.contains("AccessError: "), "{shown}"),
                    ErrorKind::Validation => {
                        assert!(shown.contains("ValidationError: "), "{shown}")
                    }
                    ErrorKind::Missing => assert!(shown.contains("MissingError: "), "{shown}"),
                    ErrorKind::User => assert!(shown.contains("UserError: "), "{shown}"),
                    ErrorKind::Server => assert!(shown.contains(fault.short_name()), "{shown}"),
                    _ => {}
                }
            } else {
                // Not an Odoo exception: the status and the body's start tell what came back.
                assert_eq!(Some(r.resp.status.as_u16()), e.status(), "{name}");
                let excerpt = e.body_excerpt().unwrap_or_default();
                assert!(!excerpt.is_empty(), "{name}");
                assert!(
                    shown.contains(&format!("HTTP {}", r.resp.status.as_u16())),
                    "{shown}"
                );
            }
        }
    }
}

#[test]
fn every_recorded_jsonrpc_answer_16_to_19() {
    let files = all_versions();
    assert_eq!(files.len(), 4 * 34);
    for (name, text) in files {
        check(name, text);
    }
}

#[test]
fn every_recorded_json2_answer_19() {
    for (name, text) in JSON2_FILES {
        if name.ends_with("web.version.json") {
            continue; // plain JSON, no envelope: see recorded_results_decode_into_the_helpers_types
        }
        check(name, text);
    }
}

#[test]
fn recorded_results_decode_into_the_helpers_types() {
    for v in ["16", "17", "18", "19"] {
        let files: Vec<_> = all_versions()
            .into_iter()
            .filter(|(n, _)| n.starts_with(&format!("odoo-{v}/")))
            .collect();
        let result = |stem: &str| -> Value {
            let (name, text) = files
                .iter()
                .find(|(n, _)| n.ends_with(&format!("/{stem}.json")))
                .unwrap();
            parse_jsonrpc(&load(name, text).resp).unwrap()
        };
        let ids: Vec<i64> = serde_json::from_value(result("orm.search")).unwrap();
        assert_eq!(ids.len(), 5);
        let count: u64 = serde_json::from_value(result("orm.search_count")).unwrap();
        assert!(count > 0);
        assert!(created_id(result("orm.create.one")).unwrap() > 0);
        assert_eq!(created_ids(result("orm.create.many")).unwrap().len(), 2);
        let pairs: Vec<(i64, String)> = serde_json::from_value(result("orm.name_search")).unwrap();
        if v != "19" {
            assert_eq!(pairs[0].1, "Deco Addict");
        }
        let groups: Vec<Value> = serde_json::from_value(result("orm.read_group")).unwrap();
        assert!(groups.iter().all(|g| g.get("__count").is_some()));
        let fields: serde_json::Map<String, Value> =
            serde_json::from_value(result("orm.fields_get.attributes")).unwrap();
        assert_eq!(fields["country_id"]["relation"], "res.country");
        assert_eq!(result("orm.write"), Value::Bool(true));
        assert_eq!(result("orm.unlink"), Value::Bool(true));
        assert_eq!(result("orm.read.missing_id"), Value::Array(vec![]));
        assert_eq!(
            result("common.authenticate.wrong_password"),
            Value::Bool(false)
        );
        assert_eq!(result("common.authenticate.api_key"), Value::from(2));
        let version = ServerVersion::from_common_version(&result("common.version")).unwrap();
        assert_eq!(version.major.to_string(), v);
        assert_eq!(version.serie, format!("{v}.0"));
        let dbs: Vec<String> = serde_json::from_value(result("db.list")).unwrap();
        assert!(dbs.contains(&format!("erp{v}")));
    }
    let web: Value = serde_json::from_str(JSON2_FILES[20].1).unwrap();
    let version = ServerVersion::from_web_version(&web["response"]).unwrap();
    assert_eq!((version.major, version.serie.as_str()), (19, "19.0"));
    let (name, text) = JSON2_FILES[0];
    assert_eq!(
        created_id(parse_json2(&load(name, text).resp).unwrap()).unwrap(),
        79,
        "{name}"
    );
}
