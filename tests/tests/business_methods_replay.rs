//! Replays every business-method recording (`fixtures/odoo-<v>/methods/*.json`, real Odoo 16–19,
//! JSON-RPC and on 19 JSON-2) against the fake posing as that version, and checks that the fake
//! answers exactly what the real server answered: the same HTTP status and the same envelope,
//! byte for byte once parsed (result, or error name, message, arguments, traceback and code).
//!
//! Each recording is replayed on an empty fake database brought to the state the recorded one was
//! in: the record at the recorded id, in the recorded state, with the values the answer shows
//! (the order's customer and payment terms, the number of invoices already posted that year);
//! a second call ("again") is preceded by the first one, as it was when recorded. Then the state
//! change the real method makes is checked on the fake's records.

use std::path::PathBuf;

use reqwest::blocking::Client;
use serde_json::{Value, json};
use tests::odoo::{ADMIN_API_KEY, ADMIN_PASSWORD, FakeOdoo, OdooVersion};
use tests::support::{read_recordings, unredact};

fn methods_dir(v: OdooVersion) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(format!("odoo-{}", v.major()))
        .join("methods")
}

/// Every recording of `v`, by file stem.
fn recordings(v: OdooVersion) -> Vec<(String, Value)> {
    read_recordings(&methods_dir(v))
}

fn recording(v: OdooVersion, stem: &str) -> Value {
    let text = std::fs::read_to_string(methods_dir(v).join(format!("{stem}.json")))
        .unwrap_or_else(|e| panic!("{v:?} {stem}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// Send the recorded request as recorded (secrets restored): `(status, body)`.
fn send(odoo: &FakeOdoo, rec: &Value) -> (u16, Value) {
    let path = rec["path"].as_str().expect("path");
    let url = format!("{}{path}", odoo.url());
    let request = unredact(&rec["request"], ADMIN_PASSWORD, ADMIN_API_KEY);
    let client = Client::new();
    let builder = if path.starts_with("/json/2/") {
        let mut b = client.post(&url).json(&request["body"]);
        for (k, v) in request["headers"].as_object().into_iter().flatten() {
            b = b.header(k, v.as_str().unwrap_or_default());
        }
        b
    } else {
        client.post(&url).json(&request)
    };
    let resp = builder.send().expect("send");
    let status = resp.status().as_u16();
    let text = resp.text().expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (status, body)
}

/// The record ids the recorded call was made on.
fn recorded_ids(rec: &Value) -> Vec<i64> {
    let ids = if rec["path"] == "/jsonrpc" {
        rec.pointer("/request/params/args/5/0").cloned()
    } else {
        rec.pointer("/request/body/ids").cloned()
    };
    ids.and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

/// What the order's `action_view_invoice` answer shows about it, recorded on `v` (the same
/// customer and payment terms were used for every order of a recording session).
fn order_values(v: OdooVersion, id: i64, state: &str) -> Value {
    let view = recording(v, "sale.order.action_view_invoice");
    let ctx = view.pointer("/response/result/context").unwrap();
    let name = ctx
        .get("default_invoice_origin")
        .cloned()
        .unwrap_or_else(|| json!(format!("S{id:05}")));
    json!({
        "id": id,
        "name": name,
        "state": state,
        "partner_id": ctx["default_partner_id"],
        "partner_shipping_id": ctx["default_partner_shipping_id"],
        "payment_term_id": ctx["default_invoice_payment_term_id"],
        "invoice_ids": [],
    })
}

/// `INV/2026/00005` of the recorded "already posted" message: its year and number.
fn recorded_invoice_number(v: OdooVersion) -> (String, u32) {
    let rec = recording(v, "account.move.action_post.already_posted");
    let msg = rec
        .pointer("/response/error/data/message")
        .and_then(Value::as_str)
        .unwrap();
    let name = msg
        .strip_prefix("The entry ")
        .and_then(|s| s.split(" (id ").next())
        .unwrap();
    let mut parts = name.split('/');
    assert_eq!(parts.next(), Some("INV"), "{msg}");
    let year = parts.next().unwrap().to_owned();
    (year, parts.next().unwrap().parse().unwrap())
}

/// Bring the fake's database to the state the recorded one was in before `stem` ran; answers
/// the recording to send first, if the recorded call came second.
fn prepare(odoo: &FakeOdoo, v: OdooVersion, stem: &str, rec: &Value) -> Option<String> {
    let plain = stem.strip_prefix("json2.").unwrap_or(stem);
    let ids = recorded_ids(rec);
    let first = |s: &str| Some(format!("{}{s}", &stem[..stem.len() - plain.len()]));
    match plain {
        "sale.order.action_confirm.draft" => {
            odoo.insert("sale.order", order_values(v, ids[0], "draft"));
            None
        }
        "sale.order.action_confirm.already_confirmed" => {
            odoo.insert("sale.order", order_values(v, ids[0], "draft"));
            first("sale.order.action_confirm.draft")
        }
        "sale.order.action_view_invoice"
        | "sale.order.no_such_method"
        | "sale.order.private_method" => {
            odoo.insert("sale.order", order_values(v, ids[0], "sale"));
            None
        }
        "account.move.action_post.draft" | "account.move.action_post.already_posted" => {
            let (year, number) = recorded_invoice_number(v);
            for n in 1..number {
                odoo.insert(
                    "account.move",
                    json!({"move_type": "out_invoice", "state": "posted",
                           "name": format!("INV/{year}/{n:05}"), "date": format!("{year}-01-01")}),
                );
            }
            odoo.insert(
                "account.move",
                json!({"id": ids[0], "move_type": "out_invoice", "state": "draft", "name": "/",
                       "invoice_date": format!("{year}-12-05")}),
            );
            (plain == "account.move.action_post.already_posted")
                .then(|| first("account.move.action_post.draft"))
                .flatten()
        }
        "stock.picking.button_validate.assigned" => {
            odoo.insert(
                "stock.picking",
                json!({"id": ids[0], "state": "assigned", "company_id": 1}),
            );
            None
        }
        "stock.picking.button_validate.waiting" => {
            odoo.insert("stock.picking", json!({"id": ids[0], "state": "confirmed"}));
            None
        }
        "res.partner.name_create" => {
            // The recorded answer's id is the next one of the recorded database.
            let next = rec.pointer("/response/0").and_then(Value::as_i64).unwrap();
            odoo.insert("res.partner", json!({"id": next - 1, "name": "before"}));
            None
        }
        "probe.sale.order.action_confirm" | "probe.res.partner.name_create" => None,
        other => panic!("{v:?}: no setup for the recording {other}; add one"),
    }
}

fn record(odoo: &FakeOdoo, model: &str, id: i64) -> Value {
    odoo.records(model)
        .into_iter()
        .find(|r| r["id"] == json!(id))
        .unwrap_or_else(|| panic!("{model} {id} is gone"))
}

/// The state the real method leaves behind, checked on the fake's records.
fn check_state(odoo: &FakeOdoo, v: OdooVersion, stem: &str, rec: &Value) {
    let plain = stem.strip_prefix("json2.").unwrap_or(stem);
    let ids = recorded_ids(rec);
    let state = |model: &str| record(odoo, model, ids[0])["state"].clone();
    match plain {
        "sale.order.action_confirm.draft" | "sale.order.action_confirm.already_confirmed" => {
            assert_eq!(state("sale.order"), json!("sale"), "{v:?} {stem}");
        }
        "account.move.action_post.draft" | "account.move.action_post.already_posted" => {
            assert_eq!(state("account.move"), json!("posted"), "{v:?} {stem}");
            let (year, number) = recorded_invoice_number(v);
            assert_eq!(
                record(odoo, "account.move", ids[0])["name"],
                json!(format!("INV/{year}/{number:05}")),
                "{v:?} {stem}: numbered as the real server numbered it"
            );
        }
        // The wizard comes before validating; a picking that is not ready stays as it was.
        "stock.picking.button_validate.assigned" => {
            assert_eq!(state("stock.picking"), json!("assigned"), "{v:?}")
        }
        "stock.picking.button_validate.waiting" => {
            assert_eq!(state("stock.picking"), json!("confirmed"), "{v:?}")
        }
        _ => {}
    }
}

#[test]
fn every_recorded_business_method_call_is_answered_as_recorded() {
    let mut replayed = 0;
    for v in OdooVersion::ALL {
        let all = recordings(v);
        assert!(all.len() >= 11, "{v:?}: {} recordings", all.len());
        for (stem, rec) in &all {
            let odoo = FakeOdoo::builder(v).seed_demo(false).start();
            if let Some(before) = prepare(&odoo, v, stem, rec) {
                let earlier = recording(v, &before);
                let (status, body) = send(&odoo, &earlier);
                assert_eq!(
                    (status, &body),
                    (
                        earlier["http_status"].as_u64().unwrap() as u16,
                        &earlier["response"]
                    ),
                    "{v:?} {before} (before {stem})"
                );
            }
            let (status, body) = send(&odoo, rec);
            assert_eq!(
                status,
                rec["http_status"].as_u64().unwrap() as u16,
                "{v:?} {stem}: status; body {body}"
            );
            if body != rec["response"] {
                panic!(
                    "{v:?} {stem}: the fake answered\n{}\nthe real server\n{}",
                    serde_json::to_string_pretty(&body).unwrap(),
                    serde_json::to_string_pretty(&rec["response"]).unwrap()
                );
            }
            check_state(&odoo, v, stem, rec);
            replayed += 1;
        }
    }
    // 11 recordings on 16, 17 and 18; 16 on 19 (5 of them JSON-2).
    assert_eq!(replayed, 11 * 3 + 16);
}
