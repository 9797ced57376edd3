//! What derived aiM18 structs do at run time, without a server: the trait
//! constants, decoding an SqlEntity by classType, and writing over a base
//! entity (columns and rows the struct does not hold are kept).

use chrono::NaiveDate;
use runtime::Model;
use runtime::aim18::{Aim18Entity, Aim18Row, Aim18Save, SqlEntity};
use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq, Model)]
#[model(aim18 = "oldso", menu_code = "oldso", main_table = "mainso")]
struct SalesOrder {
    id: i64,
    code: String,
    #[model(rename = "tDate")]
    date: Option<NaiveDate>,
    #[model(rename = "cusId")]
    customer: i64,
    #[model(rename = "iRev", readonly)]
    rev: i32,
    #[model(table = "sot")]
    lines: Vec<SoLine>,
    #[model(skip)]
    note: String,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[model(table = "sot")]
struct SoLine {
    id: i64,
    #[model(rename = "proId")]
    product: i64,
    qty: f64,
}

/// A row type without `id`: its rows are always new rows.
#[derive(Debug, Clone, PartialEq, Model)]
#[model(table = "remso")]
struct Remark {
    remark: Option<String>,
}

#[derive(Debug, Model)]
#[model(aim18 = "oldso", menu_code = "oldso", readonly)]
#[allow(dead_code)]
struct OrderRemarks {
    id: i64,
    #[model(table = "remso")]
    remarks: Vec<Remark>,
}

fn table(name: &str, fields: &[(&str, i64)], rows: Value) -> String {
    json!({
        "name": name,
        "size": rows.as_array().map_or(0, Vec::len),
        "fields": fields
            .iter()
            .map(|(n, c)| json!({"name": n, "fieldClassName": "", "fieldClass": "", "classType": c}))
            .collect::<Vec<_>>(),
        "values": rows,
    })
    .to_string()
}

fn order() -> SqlEntity {
    let main = table(
        "mainso",
        &[
            ("id", 10),
            ("code", 0),
            ("tDate", 20),
            ("cusId", 10),
            ("iRev", 10),
            ("amt", 10),
        ],
        json!([{"id": 4, "code": "SO000004", "tDate": "2024-03-05", "cusId": 29, "iRev": 3, "amt": 75.0}]),
    );
    let sot = table(
        "sot",
        &[
            ("id", 10),
            ("hId", 10),
            ("proId", 10),
            ("qty", 10),
            ("up", 10),
        ],
        json!([
            {"id": 7, "hId": 4, "proId": 101, "qty": "2", "up": 12.5},
            {"id": 8, "hId": 4, "proId": 102, "qty": 4.0, "up": 25.0}
        ]),
    );
    let remso = table(
        "remso",
        &[("id", 10), ("remark", 0)],
        json!([{"id": 4, "remark": "x"}]),
    );
    SqlEntity::from_value(&json!({
        "moduleType": "oldso", "mainTableName": "mainso", "subTableNames": "sot;remso",
        "mainso": main, "sot": sot, "remso": remso,
    }))
    .unwrap()
}

#[test]
fn implements_the_entity_and_row_traits() {
    assert_eq!(SalesOrder::MODULE, "oldso");
    assert_eq!(SalesOrder::MENU_CODE, "oldso");
    assert_eq!(SalesOrder::MAIN_TABLE, Some("mainso"));
    assert_eq!(
        SalesOrder::COLUMNS,
        ["id", "code", "tDate", "cusId", "iRev"]
    );
    assert_eq!(SalesOrder::SUB_TABLES, ["sot"]);
    assert_eq!(OrderRemarks::MAIN_TABLE, None);
    assert_eq!(SoLine::TABLE, "sot");
    assert_eq!(SoLine::COLUMNS, ["id", "proId", "qty"]);
    assert_eq!(Remark::TABLE, "remso");
    fn save<E: Aim18Save>() {}
    save::<SalesOrder>();
}

#[test]
fn decodes_by_class_type() {
    let so = SalesOrder::from_entity(&order()).unwrap();
    assert_eq!(
        so,
        SalesOrder {
            id: 4,
            code: "SO000004".into(),
            date: NaiveDate::from_ymd_opt(2024, 3, 5),
            customer: 29,
            rev: 3,
            lines: vec![
                SoLine {
                    id: 7,
                    product: 101,
                    qty: 2.0
                },
                SoLine {
                    id: 8,
                    product: 102,
                    qty: 4.0
                },
            ],
            note: String::new(),
        }
    );
    assert_eq!(so.id(), 4);
    let r = OrderRemarks::from_entity(&order()).unwrap();
    assert_eq!(
        r.remarks,
        [Remark {
            remark: Some("x".into())
        }]
    );
}

#[test]
fn writes_over_the_base_keeping_what_the_struct_does_not_hold() {
    let base = order();
    let mut so = SalesOrder::from_entity(&base).unwrap();
    so.code = "SO-NEW".into();
    so.rev = 99; // readonly: not written
    so.lines.remove(0);
    so.lines[0].qty = 5.0;
    so.lines.push(SoLine {
        id: 0,
        product: 103,
        qty: 1.0,
    });
    let out = so.to_entity(&base).unwrap();
    let main = out.main().unwrap();
    assert_eq!(main.values[0]["code"], "SO-NEW");
    assert_eq!(main.values[0]["iRev"], 3);
    assert_eq!(
        main.values[0]["amt"], 75.0,
        "a column the struct does not hold"
    );
    assert_eq!(main.values[0]["tDate"], "2024-03-05");
    let sot = &out.table("sot").unwrap().values;
    assert_eq!(
        Value::Array(sot.iter().cloned().map(Value::Object).collect()),
        json!([
            {"id": 8, "hId": 4, "proId": 102, "qty": 5.0, "up": 25.0},
            {"id": 0, "proId": 103, "qty": 1.0}
        ]),
        "line 7 removed, line 8 kept its other columns, a new line added"
    );
    assert_eq!(
        out.table("remso"),
        base.table("remso"),
        "untouched sub table"
    );
    assert_eq!(SalesOrder::from_entity(&out).unwrap().lines, so.lines);
}

#[test]
fn decode_errors_name_table_and_column() {
    let mut e = order();
    e.table_mut("sot").unwrap().values[1].insert("qty".into(), json!("lots"));
    let err = SalesOrder::from_entity(&e).unwrap_err();
    assert!(err.is_decode());
    assert_eq!(err.message(), "sot.qty row 1: \"lots\" is not a number");

    let mut e = order();
    e.main_mut().unwrap().values[0].remove("cusId");
    assert_eq!(
        SalesOrder::from_entity(&e).unwrap_err().message(),
        "mainso.cusId: the cell is empty but the field is `i64`: declare it `Option<i64>`"
    );

    let mut e = order();
    e.main_table_name = "mainpo".into();
    let err = SalesOrder::from_entity(&e).unwrap_err();
    assert!(
        err.message()
            .contains("main table is `mainpo`, not `mainso`"),
        "{err}"
    );

    let mut e = order();
    e.tables.remove("sot");
    let err = SalesOrder::from_entity(&e).unwrap_err();
    assert_eq!(
        err.message(),
        "module `oldso` has no sub table `sot` (it has: remso)"
    );
}
