//! What derived models do at run time, without a server: the traits, the
//! fields asked for, and decoding/encoding of Odoo's wire values.

use chrono::{DateTime, NaiveDate, Utc};
use runtime::odoo::wire::{AnyModel, Many2One, Reference};
use runtime::{CreateValues, Model, UpdateValues};
use serde_json::json;

#[derive(Debug, PartialEq, Model)]
#[model(odoo = "res.partner")]
struct Contact {
    id: i64,
    name: String,
    email: Option<String>,
    #[model(rename = "x_studio_score")]
    score: Option<f64>,
    parent_id: Option<Many2One<Contact>>,
    category_id: Vec<i64>,
    is_company: bool,
    color: i32,
    date: Option<NaiveDate>,
    #[model(readonly)]
    write_date: Option<DateTime<Utc>>,
    #[model(skip)]
    local_note: String,
}

fn decode<M: Model>(v: serde_json::Value) -> Result<M, String> {
    serde_json::from_value(v).map_err(|e| e.to_string())
}

fn record() -> serde_json::Value {
    json!({
        "id": 7, "name": "Acme", "email": false, "x_studio_score": 4.5,
        "parent_id": [3, "Holding"], "category_id": [1, 2], "is_company": true,
        "color": 0, "date": "2024-02-29", "write_date": "2024-03-01 10:00:00",
        "display_name": "ignored: not a field of the struct"
    })
}

#[test]
fn implements_the_model_traits() {
    assert_eq!(Contact::MODEL, "res.partner");
    assert_eq!(
        Contact::FIELDS,
        [
            "id",
            "name",
            "email",
            "x_studio_score",
            "parent_id",
            "category_id",
            "is_company",
            "color",
            "date",
            "write_date"
        ]
    );
    fn create<V: CreateValues<Model = Contact>>() {}
    fn update<V: UpdateValues<Model = Contact>>() {}
    create::<Contact>();
    update::<Contact>();
}

#[test]
fn decodes_odoo_wire_values() {
    let c: Contact = decode(record()).unwrap();
    assert_eq!(c.id(), 7);
    assert_eq!(c.name, "Acme");
    assert_eq!(c.email, None, "false is None");
    assert_eq!(c.score, Some(4.5));
    let parent = c.parent_id.as_ref().unwrap();
    assert_eq!((parent.id, parent.name()), (3, Some("Holding")));
    assert_eq!(c.category_id, [1, 2]);
    assert_eq!(c.date, NaiveDate::from_ymd_opt(2024, 2, 29));
    assert_eq!(
        c.write_date.unwrap().to_rfc3339(),
        "2024-03-01T10:00:00+00:00"
    );
    assert_eq!(c.local_note, "", "skip fields take their default");
}

#[test]
fn decode_errors_name_the_field_and_the_fix() {
    let mut r = record();
    r["name"] = json!(false);
    assert_eq!(
        decode::<Contact>(r).unwrap_err(),
        "field `name`: the server sent `false` (empty) but the field is `String`: declare it \
         `Option<String>` to accept empty values"
    );
    let mut r = record();
    r["parent_id"] = json!("Holding");
    let e = decode::<Contact>(r).unwrap_err();
    assert_eq!(
        e,
        "field `parent_id`: record id \"Holding\" is not an integer"
    );
    let mut r = record();
    r.as_object_mut().unwrap().remove("is_company");
    let e = decode::<Contact>(r).unwrap_err();
    assert!(
        e.starts_with("field `is_company`: missing from the record"),
        "{e}"
    );
    // Absent optional fields are None.
    let mut r = record();
    r.as_object_mut().unwrap().remove("email");
    assert_eq!(decode::<Contact>(r).unwrap().email, None);
    let mut r = record();
    r["color"] = json!("red");
    let e = decode::<Contact>(r).unwrap_err();
    assert_eq!(
        e,
        "field `color`: invalid type: string \"red\", expected i32"
    );
}

#[test]
fn serializes_create_and_write_values() {
    let c: Contact = decode(record()).unwrap();
    assert_eq!(
        serde_json::to_value(&c).unwrap(),
        json!({
            "name": "Acme", "email": false, "x_studio_score": 4.5, "parent_id": 3,
            "category_id": [[6, 0, [1, 2]]], "is_company": true, "color": 0, "date": "2024-02-29"
        }),
        "no id, no readonly field, no skipped field; None is false, a many2one is its id"
    );
}

/// Read-only projections, keyword fields, other wire types, `crate = ...`.
mod more {
    use super::*;
    use runtime as erp;

    #[derive(Debug, Model)]
    #[allow(dead_code)]
    #[model(odoo = "ir.attachment", readonly, crate = "erp")]
    pub struct Attachment {
        pub id: i64,
        pub r#type: String,
        pub res_model: Option<String>,
        pub datas: Option<runtime::odoo::wire::Binary>,
        pub create_uid: Many2One<AnyModel>,
        pub access_ref: Option<Reference>,
        pub metadata: serde_json::Value,
    }

    #[test]
    fn readonly_structs_and_raw_identifiers() {
        assert_eq!(Attachment::FIELDS[1], "type");
        let a: Attachment = decode(json!({
            "id": 1, "type": "binary", "res_model": false, "datas": "aGk=",
            "create_uid": [2, "Admin"], "access_ref": "res.partner,4", "metadata": false
        }))
        .unwrap();
        assert_eq!(a.r#type, "binary");
        assert_eq!(a.datas.unwrap().0, b"hi");
        assert_eq!(a.access_ref, Some(Reference::new("res.partner", 4)));
        assert_eq!(a.metadata, json!(false));
    }
}
