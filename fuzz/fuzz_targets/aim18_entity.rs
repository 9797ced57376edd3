//! aiM18 answer decoding: arbitrary bytes as an entity, a table, a CheckMsg
//! list (the `error_info` header) and an implicit-grant redirect fragment.
//! Invariants: no panic; every cell of a decoded entity decodes to a value or
//! an error; an entity survives a round trip through its wire form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use runtime::aim18::{
    CheckMsg, ClassType, SqlEntity, SqlTable, TableEncoding, decode_cell, parse_bool,
    parse_date, parse_datetime, token_from_redirect,
};
use serde_json::Value;

fn exercise_table(t: &SqlTable) {
    for row in 0..t.len().min(64) {
        let columns: Vec<String> = t.values[row].keys().take(64).cloned().collect();
        for col in columns {
            let _ = t.cell(row, &col);
            let _ = t.get_str(row, &col);
            let _ = t.get_bool(row, &col);
            let _ = t.get_i64(row, &col);
            let _ = t.get_f64(row, &col);
            let _ = t.get_date(row, &col);
            let _ = t.get_datetime(row, &col);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The error_info header and free text.
    if let Some(msgs) = CheckMsg::parse_list(&text) {
        for m in &msgs {
            let _ = m.to_string();
            let _ = m.text();
        }
    }
    let _ = parse_bool(&text);
    let _ = parse_date(&text);
    let _ = parse_datetime(&text);
    // Tokens from an implicit redirect's fragment: state checked first.
    if let Ok(t) = token_from_redirect(&format!("https://app.example/cb#{text}"), "st4te") {
        assert!(!t.access_token().expose_secret().is_empty());
        assert!(t.refresh_token().is_none(), "implicit tokens carry no refresh token");
    }

    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    for code in [0, 3, 10, 20, 21, 90, 99, 7] {
        let _ = decode_cell(ClassType::from_code(code), &value);
    }
    if let Ok(t) = SqlTable::from_value(&value, "t") {
        exercise_table(&t);
        let back = SqlTable::from_value(&t.to_value(), "t").expect("a table re-reads its own JSON");
        assert_eq!(back, t, "table round trip");
    }
    if let Ok(e) = SqlEntity::from_value(&value) {
        for t in e.tables.values() {
            exercise_table(t);
        }
        let _ = e.id();
        for enc in [TableEncoding::JsonString, TableEncoding::Object] {
            let wire = e.to_value(enc);
            let back = SqlEntity::from_value(&wire).expect("an entity re-reads its own JSON");
            assert_eq!(back, e, "entity round trip ({enc:?})");
        }
        let _ = e.to_simplified().to_value();
    }
});
