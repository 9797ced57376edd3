//! Inputs the fuzz targets in `fuzz/` found failing, replayed as ordinary
//! tests (the fuzz crate itself is not run by CI). Each test names the target
//! and what went wrong; the inputs live in `fuzz/regressions/`.

use std::path::Path;

use runtime::aim18::{SqlEntity, TableEncoding};
use serde_json::Value;

fn input(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/regressions")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// aim18_entity: a number inside a table sent as a JSON string (1.7e127) came
/// back 1 ULP off after the entity's own wire form was read again, because
/// serde_json's default float parsing is not exact; a read-modify-save would
/// have changed a value nobody touched.
#[test]
fn aim18_entity_numbers_survive_the_wire_round_trip() {
    let v: Value = serde_json::from_slice(&input("aim18_entity-float-roundtrip.json")).unwrap();
    let e = SqlEntity::from_value(&v).unwrap();
    for enc in [TableEncoding::JsonString, TableEncoding::Object] {
        let back = SqlEntity::from_value(&e.to_value(enc)).unwrap();
        assert_eq!(back, e, "{enc:?}");
    }
    // The same property on a few values that stress float parsing.
    for x in [
        "1.7e127",
        "0.1",
        "123456789.123456789",
        "2.2250738585072014e-308",
        "9007199254740993.0",
    ] {
        let table = format!(r#"{{"name":"t","values":[{{"n":{x}}}]}}"#);
        let entity = serde_json::json!({"mainTableName": "t", "t": table});
        let e = SqlEntity::from_value(&entity).unwrap();
        let back = SqlEntity::from_value(&e.to_value(TableEncoding::JsonString)).unwrap();
        assert_eq!(back, e, "{x}");
    }
}
