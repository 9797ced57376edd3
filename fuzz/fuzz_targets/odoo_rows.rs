//! `search_read` rows decoded into the *generated* record structs, as the typed
//! client decodes them: the bytes go straight into `Vec<ResPartner>` (one pass,
//! no `Value`), with the untyped `Value` path as the fallback that words the
//! error. Arbitrary bytes are the `result` of a JSON-RPC envelope and the body
//! of a JSON-2 answer.
//! Invariants: no panic; both transports agree; what the one-pass decoder
//! accepts the `Value` decoder accepts and decodes the same; the client's answer
//! is the `Value` decoder's; a decoded record's `id()` is its row's `id`; a
//! failure is a typed error that formats.
#![no_main]

use std::fmt::Debug;

use generated::odoo::product_product::ProductProduct;
use generated::odoo::purchase_order::PurchaseOrder;
use generated::odoo::res_partner::ResPartner;
use generated::odoo::sale_order::SaleOrder;
use generated::odoo::sale_order_line::SaleOrderLine;
use libfuzzer_sys::fuzz_target;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use runtime::ErrorKind;
use runtime::http::HttpResponse;
use runtime::odoo::__fuzz as odoo;
use serde_json::Value;

fn answer(body: Vec<u8>) -> HttpResponse {
    HttpResponse {
        status: StatusCode::OK,
        headers: HeaderMap::new(),
        body,
        url: url::Url::parse("https://erp.example.com/jsonrpc").unwrap(),
    }
}

fn check<M: runtime::Model + Debug>(rows: &[u8]) {
    let mut envelope = br#"{"jsonrpc":"2.0","id":7,"result":"#.to_vec();
    envelope.extend_from_slice(rows);
    envelope.push(b'}');
    let via_rpc = odoo::decode_jsonrpc::<Vec<M>>(&answer(envelope));
    let via_json2 = odoo::decode_json2::<Vec<M>>(&answer(rows.to_vec()));

    // The one-pass decoder is an optimisation of the `Value` decoder: what it
    // accepts, the `Value` decoder accepts and decodes the same. (It may refuse
    // more: with a duplicate key whose first value is bad, it stops there while
    // the `Value` map kept only the last value; the client then falls back to
    // the `Value` decoder, so the answer is the same. fuzz/regressions/
    // odoo_rows-duplicate-keys.json, tests/tests/hardening_fuzz_regressions.rs.)
    let one_pass = serde_json::from_slice::<Vec<M>>(rows);
    let by_value = serde_json::from_slice::<Vec<Value>>(rows)
        .ok()
        .map(|values| (runtime::odoo::wire::decode_records::<M>(values.clone()), values));
    // Also, like serde, it does not look inside values it skips: invalid UTF-8
    // in a key the struct does not have is no reason to fail the read, where
    // the `Value` decoder must refuse it (odoo_rows-invalid-utf8-in-unknown-field).
    let utf8 = std::str::from_utf8(rows).is_ok();
    if let (Ok(fast), true) = (&one_pass, utf8) {
        match &by_value {
            Some((Ok(slow), _)) => {
                assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "the two decoders differ")
            }
            other => panic!(
                "the one-pass decoder accepts what the Value decoder refuses: {:?}",
                other.as_ref().map(|(r, _)| r.as_ref().err())
            ),
        }
    }
    // The client's answer is the `Value` decoder's.
    if let Some((slow, values)) = &by_value {
        assert_eq!(
            via_rpc.is_ok(),
            slow.is_ok(),
            "the client and the Value decoder disagree: {:?} / {:?}",
            via_rpc.as_ref().err(),
            slow.as_ref().err()
        );
        if let (Ok(records), Ok(client)) = (slow, &via_rpc) {
            assert_eq!(format!("{records:?}"), format!("{client:?}"));
            assert_eq!(records.len(), values.len());
            for (r, row) in records.iter().zip(values) {
                assert_eq!(Some(r.id()), row["id"].as_i64(), "id() is not the row's id");
            }
        }
    }

    match (&via_rpc, &via_json2) {
        (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}")),
        (Err(a), Err(b)) => {
            for e in [a, b] {
                let shown = format!("{e} {e:?}");
                assert!(!shown.is_empty());
                assert!(
                    matches!(e.kind(), ErrorKind::Decode | ErrorKind::Protocol),
                    "{:?}: {e}",
                    e.kind()
                );
            }
        }
        (a, b) => panic!(
            "JSON-RPC and JSON-2 disagree: {:?} / {:?}",
            a.as_ref().err(),
            b.as_ref().err()
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rows)) = data.split_first() else {
        return;
    };
    match which % 5 {
        0 => check::<ResPartner>(rows),
        1 => check::<SaleOrder>(rows),
        2 => check::<SaleOrderLine>(rows),
        3 => check::<ProductProduct>(rows),
        _ => check::<PurchaseOrder>(rows),
    }
});
