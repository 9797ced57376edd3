//! The hostile aiM18 schema compiles (that is the build), and its odd names
//! behave: every field reads and writes its column's wire name, collisions
//! took the naming ladder, unknown Java classes are raw JSON, and the typed
//! calls avoid the client's own method names.

use codegen_example::hostile_aim18::option::OptionEntity;
use codegen_example::hostile_aim18::prelude::*;
use codegen_example::hostile_aim18::r#type::{self as ty, SelfRow, Type, TypeSearchRow};
use runtime::aim18::{Aim18Entity, Aim18Row, Aim18Save, SqlEntity};
use serde_json::{Value, json};

fn main_row() -> Value {
    json!({
        "id": 7, "type": "t", "fn": "f", "self": "s", "Self": "Y", "super": 3,
        "crate": "2024-02-29", "async": "2024-02-29 23:59:59", "gen": 1.5,
        "desc_zh-CN": "简体", "desc_zh-TW": "繁體", "1stCol": "one", "fooBar": "camel",
        "foo_bar": "snake", "日本": "にほん", "prénom": "Zoë", "prénom ": "Zoé",
        "a.b": "dot", "a-b": "dash", "*/ evil #[x] `code`": "*/", "row": "r", "entity": 9,
        "Option": "o", "money": 12.25, "blob": [1, 2], "time": "2024-01-01 10:11:12",
        "weird": {"k": true}, "longAsText": "0042", "picture": "iVBORw0KGgo=", "other": 5,
        "\u{202e}evil": "bidi", "cr\rlf\n": "crlf"
    })
}

fn table(name: &str, fields: &[(String, String, i64)], rows: Vec<Value>) -> String {
    let fields: Vec<Value> = fields
        .iter()
        .map(|(n, c, t)| json!({"name": n, "fieldClass": c, "classType": t}))
        .collect();
    json!({"name": name, "size": rows.len(), "fields": fields, "values": rows}).to_string()
}

/// An entity of module `type` as the server would send it, `fields` taken
/// from the fixture the code was generated from.
fn entity() -> SqlEntity {
    let fixture: Value =
        serde_json::from_str(include_str!("../../tests/fixtures/hostile_aim18.json")).unwrap();
    let model = &fixture["models"]["type"];
    let fields = |t: &Value| -> Vec<(String, String, i64)> {
        t["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_owned(),
                    c["field_class"].as_str().unwrap().to_owned(),
                    c["class_type"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let mut obj = serde_json::Map::new();
    obj.insert("moduleType".into(), json!("type"));
    obj.insert("mainTableName".into(), json!("self"));
    let subs: Vec<&str> = model["sub_tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    obj.insert("subTableNames".into(), json!(subs.join(";")));
    let main_fields = fields(&model["main_table"]);
    obj.insert(
        "self".into(),
        json!(table("self", &main_fields, vec![main_row()])),
    );
    for t in model["sub_tables"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        let rows = match name {
            "main" => vec![json!({"id": 1, "hId": 7, "main": "m"})],
            "Vec" => vec![json!({"id": 2, "qty": 3})],
            "1st.table" => vec![json!({"1st": "a", "2nd": "b"})],
            "表" => vec![json!({"id": 4, "名前": "名"})],
            _ => vec![],
        };
        obj.insert(name.into(), json!(table(name, &fields(t), rows)));
    }
    SqlEntity::from_value(&Value::Object(obj)).unwrap()
}

#[test]
fn hostile_columns_read_their_wire_names() {
    let e = Type::from_entity(&entity()).unwrap();
    let m = &e.main;
    assert_eq!(e.id(), 7);
    assert_eq!(m.r#type.as_deref(), Some("t"));
    assert_eq!(m.r#fn.as_deref(), Some("f"));
    assert_eq!(m.self_.as_deref(), Some("s"));
    assert_eq!(m.Self_, Some(true));
    assert_eq!(m.super_, Some(3));
    assert_eq!(m.crate_.unwrap().to_string(), "2024-02-29");
    assert_eq!(m.r#async.unwrap().to_string(), "2024-02-29 23:59:59");
    assert_eq!(m.r#gen, Some(1.5));
    assert_eq!(m.desc_zh_cn.as_deref(), Some("简体"));
    assert_eq!(m.desc_zh_tw.as_deref(), Some("繁體"));
    assert_eq!(m._1st_col.as_deref(), Some("one"));
    // `fooBar` next to `foo_bar`: the ladder keeps both.
    assert_eq!(m.fooBar.as_deref(), Some("camel"));
    assert_eq!(m.foo_bar.as_deref(), Some("snake"));
    assert_eq!(m.empty.as_deref(), Some("にほん"));
    assert_eq!(m.pru00e9nom.as_deref(), Some("Zoë"));
    assert_eq!(m.pru00e9nom_.as_deref(), Some("Zoé"));
    assert_eq!(
        (m.a_dot_b.as_deref(), m.a_dash_b.as_deref()),
        (Some("dot"), Some("dash"))
    );
    assert_eq!(m.evil_x_code.as_deref(), Some("*/"));
    assert_eq!((m.row.as_deref(), m.entity), (Some("r"), Some(9)));
    assert_eq!(m.option.as_deref(), Some("o"));
    // Unknown classes: by classType (Num → f64), or kept as JSON (99, unknown codes).
    assert_eq!(m.money, Some(12.25));
    assert_eq!(m.blob, json!([1, 2]));
    assert_eq!(m.weird, json!({"k": true}));
    assert_eq!(m.time.unwrap().to_string(), "2024-01-01 10:11:12");
    // A Long column whose cells come as text (classType 0) is a String.
    assert_eq!(m.long_as_text.as_deref(), Some("0042"));
    assert_eq!(m.picture.as_deref(), Some("iVBORw0KGgo="));
    assert_eq!(m.other, Some(5));
    assert_eq!(m.evil.as_deref(), Some("bidi"));
    assert_eq!(m.cr_lf.as_deref(), Some("crlf"));

    // Sub tables named `main`, `Vec`, `1st.table`, `表`, and one without columns.
    assert_eq!(e.main_rows[0].main.as_deref(), Some("m"));
    assert_eq!(e.vec[0].qty, Some(3.0));
    assert_eq!(e.vec[0].row_id(), Some(2), "an Integer id");
    assert_eq!(e._1st_table[0]._1st.as_deref(), Some("a"));
    assert_eq!(e._1st_table[0].row_id(), None, "no id column");
    assert_eq!(e.u8868[0].row_id(), Some(4));
    assert!(e.empty.is_empty());
}

#[test]
fn hostile_columns_write_their_wire_names() {
    let base = entity();
    let mut e = Type::from_entity(&base).unwrap();
    e.main.desc_zh_cn = Some("新".into());
    e.main.fooBar = None;
    e.main.blob = json!("AAEC");
    e.vec.push(ty::VecRow {
        qty: Some(1.0),
        ..Default::default()
    });
    let out = e.to_entity(&base).unwrap();
    let main = &out.main().unwrap().values[0];
    assert_eq!(main["desc_zh-CN"], "新");
    assert_eq!(main["fooBar"], Value::Null, "None clears the column");
    assert_eq!(main["foo_bar"], "snake");
    assert_eq!(main["blob"], "AAEC");
    assert_eq!(main["Self"], true);
    assert_eq!(main["crate"], "2024-02-29");
    assert_eq!(main["\u{202e}evil"], "bidi");
    let vec = &out.table("Vec").unwrap().values;
    assert_eq!(vec.len(), 2);
    assert_eq!(vec[1]["qty"], 1.0);
    assert_eq!(Type::from_entity(&out).unwrap(), e);
    assert_eq!(SelfRow::TABLE, "self");
    assert_eq!(SelfRow::COLUMNS.len(), 32);
}

#[test]
fn search_rows_type_what_they_know_and_keep_the_rest() {
    let row: TypeSearchRow = serde_json::from_value(json!({
        "id": 3, "type": "t", "desc_zh-CN": "简", "st_desc": "T (3)", "iRev": "2",
        "lastModifyDate": "2024-01-02", "self.x.y": "kept", "extra": "also kept"
    }))
    .unwrap();
    assert_eq!(row.id, 3);
    assert_eq!(row.r#type.as_deref(), Some("t"));
    assert_eq!(row.desc_zh_cn.as_deref(), Some("简"));
    assert_eq!(row.i_rev, Some(2));
    assert_eq!(
        row.last_modify_date.unwrap().to_string(),
        "2024-01-02 00:00:00"
    );
    assert_eq!(row.extra["self.x.y"], "kept");
    assert_eq!(row.extra["extra"], "also kept");
    let e = serde_json::from_value::<TypeSearchRow>(json!({"id": 1, "super": "x"})).unwrap_err();
    assert!(e.to_string().starts_with("column `super`: "), "{e}");
    // A main-table column named `extra` takes the ladder's suffix.
    let row: EntitySearchRow =
        serde_json::from_value(json!({"id": 1, "extra": "a", "st_desc": 5})).unwrap();
    assert_eq!((row.extra_.as_deref(), row.st_desc), (Some("a"), Some(5)));
}

#[test]
fn modules_named_like_prelude_types_and_client_methods() {
    assert_eq!(
        (OptionEntity::MODULE, OptionEntity::MENU_CODE),
        ("Option", "opt")
    );
    let o = OptionEntity::default();
    assert_eq!(o.id(), 0, "an Integer id, widened");
    assert_eq!(Entity::MODULE, "entity");
    assert_eq!(ADotB::MAIN_TABLE, Some("t1"));
    assert_eq!(ADashB::MAIN_TABLE, Some("t2"));
}

/// Compiles only if every module's calls exist: they are the client's generic ones, so a
/// module named `entity` cannot collide with the client's own `read_entity`.
#[allow(dead_code)]
async fn calls(c: &Aim18Client) -> runtime::Result<()> {
    let e: Entity = c.read_entity(1).await?;
    c.save_entity(&e).await?;
    c.delete_entity::<Entity>(1).await?;
    let _ = c.new_entity::<Entity>().await?;
    let _ = c.lookup::<EntitySearchRow>(|q| q, 10);
    let t: Type = c.new_entity().await?;
    c.save_entity(&t).await?;
    let _ = c.lookup::<TypeSearchRow>(|q| q.be_id(1), 10);
    let _ = c.lookup::<ADashBSearchRow>(|q| q, 10);
    let _: OptionEntity = c.read_entity(1).await?;
    Ok(())
}

/// A search row names every lookup of its module, as the server spells them (`lookup`
/// searches the first; `search_rows` any other).
#[test]
fn search_rows_name_their_lookups() {
    use runtime::aim18::Aim18Lookup;
    assert_eq!(TypeSearchRow::LOOKUPS, ["type", "type-2", "type.2"]);
    assert_eq!(ADashBSearchRow::LOOKUPS, ["a-b"]);
}
