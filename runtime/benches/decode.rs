//! Decoding `search_read` answers: 10,000 records of res.partner, sale.order.line and
//! account.move.line (grown from the recorded Odoo 18 demo records) into the generated structs,
//! against the same bytes into `serde_json::Value` (what the untyped client returns).
//!
//! `cargo bench -p runtime --bench decode`; the summary at the end prints `typed/value` per
//! model, measured interleaved in the same run. Target: typed at least 1.5x faster (ratio ≤ 0.67).

#[path = "../../bench/ratio.rs"]
mod ratio;

use std::sync::OnceLock;

use generated::odoo::account_move_line::AccountMoveLine;
use generated::odoo::res_partner::ResPartner;
use generated::odoo::sale_order_line::SaleOrderLine;
use runtime::http::HttpResponse;
use serde_json::{Value, json};

const RECORDS: usize = 10_000;
const MODELS: [&str; 3] = ["res.partner", "sale.order.line", "account.move.line"];

/// The recorded demo records of `model` (Odoo 18), as the server sent them.
fn recorded(model: &str) -> Vec<Value> {
    let path = format!(
        "{}/../tests/fixtures/odoo-18/records/{model}.search_read.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut v: Value = serde_json::from_str(&text).expect("fixture is JSON");
    match v["records"].take() {
        Value::Array(rows) => rows,
        _ => panic!("{path}: no records"),
    }
}

/// `n` records cycling through the recorded ones, each with an id and a name of its own.
fn grow(model: &str, n: usize) -> Vec<Value> {
    let base = recorded(model);
    (0..n)
        .map(|i| {
            let mut r = base[i % base.len()].clone();
            let id = i as i64 + 1;
            r["id"] = json!(id);
            for key in ["name", "display_name"] {
                if let Some(Value::String(s)) = r.get_mut(key) {
                    s.push_str(&format!(" #{id}"));
                }
            }
            r
        })
        .collect()
}

/// A JSON-RPC answer carrying `n` records of `model`, as the client receives it.
fn answer(model: &str) -> &'static HttpResponse {
    static CACHE: OnceLock<Vec<HttpResponse>> = OnceLock::new();
    let all = CACHE.get_or_init(|| {
        MODELS
            .iter()
            .map(|m| {
                let body = json!({"jsonrpc": "2.0", "id": 1, "result": grow(m, RECORDS)});
                HttpResponse {
                    status: reqwest::StatusCode::OK,
                    headers: Default::default(),
                    body: serde_json::to_vec(&body).expect("serializes"),
                    url: "http://127.0.0.1:8069/jsonrpc".parse().expect("url"),
                }
            })
            .collect()
    });
    &all[MODELS
        .iter()
        .position(|m| *m == model)
        .expect("known model")]
}

fn typed(model: &str) -> usize {
    use runtime::odoo::__fuzz::decode_jsonrpc;
    let resp = answer(model);
    match model {
        "res.partner" => decode_jsonrpc::<Vec<ResPartner>>(resp).map(|v| v.len()),
        "sale.order.line" => decode_jsonrpc::<Vec<SaleOrderLine>>(resp).map(|v| v.len()),
        _ => decode_jsonrpc::<Vec<AccountMoveLine>>(resp).map(|v| v.len()),
    }
    .expect("typed decode")
}

fn value(model: &str) -> usize {
    let v = runtime::odoo::__fuzz::decode_jsonrpc::<Vec<Value>>(answer(model)).expect("decode");
    v.len()
}

#[divan::bench(args = MODELS, sample_count = 5, sample_size = 1)]
fn typed_structs(model: &str) -> usize {
    typed(model)
}

#[divan::bench(args = MODELS, sample_count = 5, sample_size = 1)]
fn value_baseline(model: &str) -> usize {
    value(model)
}

fn main() {
    divan::main();
    let rounds = ratio::rounds(7);
    ratio::header(&format!("decode: {RECORDS} records per search_read answer"));
    for model in MODELS {
        let mb = answer(model).body.len() as f64 / 1e6;
        assert_eq!(typed(model), RECORDS);
        assert_eq!(value(model), RECORDS);
        let t = ratio::interleaved(
            rounds,
            &mut [
                ratio::Side {
                    name: "typed",
                    run: &mut || {
                        std::hint::black_box(typed(model));
                    },
                },
                ratio::Side {
                    name: "value",
                    run: &mut || {
                        std::hint::black_box(value(model));
                    },
                },
            ],
        );
        ratio::ratio_line(
            &format!("{model} ({mb:.1} MB)"),
            "typed",
            t[0],
            "value",
            t[1],
        );
        println!("    typed is {:.2}x faster than value", t[1] / t[0]);
    }
}
