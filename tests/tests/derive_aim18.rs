//! `#[derive(Model)]` aiM18 entities end to end against the fake aiM18
//! server, in both path families: read → modify → save → read back, create
//! from the server's template, delete, typed search rows, and the errors a
//! user meets (refused rights, a field type that does not fit its column's
//! classType, stale revisions, CheckMsgs).

mod aim18_support;

use aim18_support::*;
use chrono::{NaiveDate, NaiveDateTime};
use futures_util::TryStreamExt;
use runtime::aim18::{Aim18Client, Aim18Entity, Aim18ErrorExt, Operation, PathFamily, SearchQuery};
use runtime::{ErrorKind, Model};
use serde_json::json;
use tests::aim18::Op;

const FAMILIES: [PathFamily; 2] = [PathFamily::Entity, PathFamily::RootApi];

/// A main-table-only entity: module, menu and main table are all `employee`.
#[derive(Debug, Clone, PartialEq, Model)]
#[model(aim18 = "employee", menu_code = "employee")]
struct Employee {
    id: i64,
    code: String,
    desc_en: String,
    email: Option<String>,
    #[model(rename = "deptId")]
    dept: i64,
    #[model(rename = "joinDate")]
    joined: Option<NaiveDate>,
    active: bool,
    /// Sent back on save, so the server refuses a save over a newer revision.
    #[model(rename = "iRev")]
    rev: i32,
    #[model(rename = "lastModifyDate", readonly)]
    modified: Option<NaiveDateTime>,
}

/// A sales order: main table `mainso`, lines in `sot` (remarks in `remso`
/// are not held, and are kept as they are by saves).
#[derive(Debug, Clone, PartialEq, Model)]
#[model(aim18 = "oldso", menu_code = "oldso", main_table = "mainso")]
struct SalesOrder {
    id: i64,
    code: String,
    #[model(rename = "beId")]
    business_entity: i64,
    #[model(rename = "tDate")]
    date: Option<NaiveDate>,
    #[model(rename = "cusId")]
    customer: i64,
    #[model(rename = "staffId")]
    staff: i64,
    amt: f64,
    #[model(table = "sot")]
    lines: Vec<SoLine>,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[model(table = "sot")]
struct SoLine {
    id: i64,
    #[model(rename = "proId")]
    product: i64,
    qty: f64,
    #[model(rename = "up")]
    unit_price: f64,
    #[model(rename = "dDate")]
    delivery: Option<NaiveDate>,
}

fn line(product: i64, qty: f64, unit_price: f64) -> SoLine {
    SoLine {
        id: 0,
        product,
        qty,
        unit_price,
        delivery: NaiveDate::from_ymd_opt(2024, 5, 2),
    }
}

#[tokio::test]
async fn employee_read_modify_save_read_back() {
    let fake = fake_with(&[]).start();
    // One employee per family: 3 (Lee Ka Yan) and 4 (Cheung Wing).
    for (n, family) in FAMILIES.into_iter().enumerate() {
        let client = connect(&fake, family).await;
        let id = 3 + n as i64;
        let mut e: Employee = client.read_entity(id).await.unwrap();
        assert_eq!(e.id(), id);
        assert_eq!(e.code, format!("E00{id}"));
        assert_eq!(e.desc_en, ["Lee Ka Yan", "Cheung Wing"][n]);
        assert_eq!(e.joined, NaiveDate::from_ymd_opt(2019, 3 + n as u32, 1));
        assert!(e.active);
        assert_eq!(e.modified.unwrap().to_string(), "2023-06-30 09:15:00");

        let before = fake.entities("employee")[id as usize - 1].clone();
        e.email = Some(format!("lee{n}@example.com"));
        e.dept = 7;
        e.active = false;
        e.modified = None; // readonly: never sent
        assert_eq!(client.save_entity(&e).await.unwrap(), id);

        let back: Employee = client.read_entity(id).await.unwrap();
        assert_eq!(back.email.as_deref(), Some(&*format!("lee{n}@example.com")));
        assert_eq!((back.dept, back.active), (7, false));
        assert_eq!(back.rev, e.rev + 1, "the server bumps iRev");
        assert!(back.modified.is_some());
        // Columns the struct does not hold kept their values.
        let stored = &fake.entities("employee")[id as usize - 1];
        for col in ["tel", "desc_zh-CN", "desc_zh-TW"] {
            assert_eq!(stored.main[col], before.main[col], "{col}");
        }
        assert_eq!(stored.subs, before.subs, "sub tables untouched");

        // Saving the stale copy again: its iRev is behind, the server refuses.
        let err = client.save_entity(&e).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation, "{err}");
        assert_eq!(err.check_messages()[0].key, "fake_stale_iRev");
        assert_eq!(
            (err.model(), err.method()),
            (Some("employee"), Some("save"))
        );
    }
}

#[tokio::test]
async fn sales_order_lines_are_matched_by_id() {
    let fake = fake_with(&[]).start();
    // Orders 5 and 8 have three lines each (qty 2, 4, 6); one per family.
    for (family, id) in FAMILIES.into_iter().zip([5, 8]) {
        let client = connect(&fake, family).await;
        let mut so: SalesOrder = client.read_entity(id).await.unwrap();
        assert_eq!(so.code, format!("SO00000{id}"));
        assert_eq!(so.lines.len(), 3);
        assert_eq!(so.lines[1].qty, 4.0);
        assert_eq!(so.lines[1].unit_price, 25.0);
        assert_eq!(so.lines[0].delivery, NaiveDate::from_ymd_opt(2024, 3, 15));
        let kept = so.lines[1].id;

        so.lines.remove(0);
        so.lines[0].qty = 6.0;
        so.lines.push(line(150, 1.0, 99.5));
        so.amt = 123.25;
        assert_eq!(client.save_entity(&so).await.unwrap(), id);

        let back: SalesOrder = client.read_entity(id).await.unwrap();
        assert_eq!(back.amt, 123.25);
        assert_eq!(back.lines.len(), 3);
        assert_eq!((back.lines[0].id, back.lines[0].qty), (kept, 6.0));
        let new = &back.lines[2];
        assert!(new.id > 0, "the server numbered the new line");
        assert_eq!((new.product, new.qty, new.unit_price), (150, 1.0, 99.5));
        assert_eq!(new.delivery, NaiveDate::from_ymd_opt(2024, 5, 2));

        let stored = fake
            .entities("oldso")
            .into_iter()
            .find(|r| r.id == id)
            .unwrap();
        let sot = &stored.subs["sot"];
        // Columns of a kept line that SoLine does not hold are still there.
        assert_eq!(sot[0]["sourceType"], "pro");
        assert_eq!(sot[0]["bDesc_en"], "Product 102");
        assert_eq!(sot[2]["hId"], id);
        assert_eq!(stored.subs["remso"].len(), 1, "remarks untouched");
    }
}

#[tokio::test]
async fn create_from_the_template_then_delete() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;

    let mut so: SalesOrder = client.new_entity().await.unwrap();
    assert_eq!((so.id, so.code.as_str(), so.customer), (0, "", 0));
    assert_eq!(so.date, None, "the template leaves dates empty");
    assert!(so.lines.is_empty());
    so.business_entity = 1;
    so.date = NaiveDate::from_ymd_opt(2024, 5, 1);
    so.customer = 12;
    so.staff = 2;
    so.lines = vec![line(101, 2.0, 10.0), line(102, 3.0, 20.0)];
    so.amt = 80.0;
    let id = client.save_entity(&so).await.unwrap();
    assert_eq!(id, 31, "30 orders are seeded");

    let back: SalesOrder = client.read_entity(id).await.unwrap();
    assert_eq!(back.code, "SO000031", "numbered by the server");
    assert_eq!(back.customer, 12);
    assert_eq!(back.lines.len(), 2);
    assert!(back.lines.iter().all(|l| l.id > 0));

    let mut e: Employee = client.new_entity().await.unwrap();
    assert_eq!((e.id, e.joined, e.active), (0, None, false));
    e.code = "E900".into();
    e.desc_en = "New Hire".into();
    e.joined = NaiveDate::from_ymd_opt(2025, 1, 6);
    let eid = client.save_entity(&e).await.unwrap();
    assert_eq!(eid, 13);
    let e: Employee = client.read_entity(eid).await.unwrap();
    assert_eq!((e.code.as_str(), e.rev), ("E900", 1));

    client.delete_entity::<SalesOrder>(id).await.unwrap();
    let err = client.read_entity::<SalesOrder>(id).await.unwrap_err();
    assert!(err.is_missing(), "{err}");
    assert_eq!(fake.entities("oldso").len(), 30);
}

#[tokio::test]
async fn refused_rights_give_the_typed_forbidden_error() {
    let fake = fake_with(&[])
        .user("clerk", "clerk-pw")
        .grant_right("clerk", "oldso", &[Op::Read])
        .start();
    for family in FAMILIES {
        let client = Aim18Client::builder(fake.url())
            .client_id(APP)
            .client_secret(SECRET)
            .path_family(family)
            .password_grant("clerk", "clerk-pw")
            .connect()
            .await
            .unwrap();
        let mut so: SalesOrder = client.read_entity(2).await.unwrap();
        so.amt = 1.0;
        let err = client.save_entity(&so).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Access);
        assert_eq!(err.forbidden(), Some(("oldso", Operation::Save)));
        assert!(err.to_string().starts_with("oldso/save: "), "{err}");

        let err = client.delete_entity::<SalesOrder>(2).await.unwrap_err();
        assert_eq!(err.forbidden(), Some(("oldso", Operation::Delete)));
        let err = client.new_entity::<SalesOrder>().await.unwrap_err();
        assert_eq!(err.forbidden(), Some(("oldso", Operation::Create)));
        let err = client.read_entity::<Employee>(1).await.unwrap_err();
        assert_eq!(err.forbidden(), Some(("employee", Operation::Read)));
        assert_eq!(err.status(), Some(403));
    }
    // Seeded: lines of 2 × 12.5, 4 × 25 and 6 × 37.5.
    assert_eq!(
        fake.entities("oldso")[1].main["amt"],
        json!(350.0),
        "nothing saved"
    );
}

/// `deptId` is a Num column (classType 10).
#[derive(Debug, Model)]
#[model(aim18 = "employee", menu_code = "employee")]
#[allow(dead_code)]
struct DeptAsBool {
    id: i64,
    #[model(rename = "deptId")]
    dept: bool,
}

/// `join_date` without `rename`: the column is `joinDate`.
#[derive(Debug, Model)]
#[model(aim18 = "employee", menu_code = "employee")]
#[allow(dead_code)]
struct MisspeltColumn {
    id: i64,
    join_date: Option<NaiveDate>,
}

/// Lines whose `qty` is held as a whole number; the seeded `up` is 12.5.
#[derive(Debug, Model)]
#[model(table = "sot")]
#[allow(dead_code)]
struct WholeLine {
    #[model(rename = "up")]
    unit_price: i64,
}

#[derive(Debug, Model)]
#[model(aim18 = "oldso", menu_code = "oldso", readonly)]
#[allow(dead_code)]
struct WholeOrder {
    id: i64,
    #[model(table = "sot")]
    lines: Vec<WholeLine>,
}

#[tokio::test]
async fn class_type_mismatches_are_decode_errors_naming_table_and_column() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;

    let err = client.read_entity::<DeptAsBool>(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(
        (err.model(), err.method()),
        (Some("employee"), Some("read"))
    );
    assert_eq!(
        err.to_string(),
        "employee/read: decode error: employee.deptId: a Num column (classType 10) cannot be \
         read as `bool`: use `i64` or `f64`"
    );
    // The template has the same columns: creating fails the same way, before any save.
    let err = client.new_entity::<DeptAsBool>().await.unwrap_err();
    assert_eq!(
        (err.model(), err.method()),
        (Some("employee"), Some("create"))
    );
    assert!(err.message().starts_with("employee.deptId: "), "{err}");

    let err = client.read_entity::<MisspeltColumn>(1).await.unwrap_err();
    assert_eq!(
        err.message(),
        "table employee has no column `join_date` (the server lists 13 columns); did you mean \
         `joinDate`? add `#[model(rename = \"joinDate\")]`"
    );

    // Order 1 has two lines; the second's unit price is 25.0 (whole), the first's 12.5.
    let err = client.read_entity::<WholeOrder>(1).await.unwrap_err();
    assert_eq!(
        err.message(),
        "sot.up row 0: 12.5 is not a whole number: use `f64`"
    );
}

#[tokio::test]
async fn checkmsgs_of_a_typed_save_are_validation_errors() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let mut so: SalesOrder = client.read_entity(7).await.unwrap();
    so.lines[0].qty = 0.0;
    let err = client.save_entity(&so).await.unwrap_err();
    assert!(err.is_validation(), "{err}");
    let m = &err.check_messages()[0];
    assert_eq!(m.key, "fake_qty_positive");
    assert_eq!(
        (m.locators[0].table_name.as_str(), m.locators[0].row),
        ("sot", 1)
    );
    let stored = fake
        .entities("oldso")
        .into_iter()
        .find(|r| r.id == 7)
        .unwrap();
    assert_ne!(stored.subs["sot"][0]["qty"], json!(0.0));
}

#[derive(Debug, serde::Deserialize)]
struct CustomerRow {
    id: i64,
    code: String,
    #[serde(rename = "desc__lang")]
    name: Option<String>,
    #[serde(
        rename = "lastModifyDate",
        deserialize_with = "runtime::aim18::deserialize_cell"
    )]
    modified: NaiveDateTime,
}

#[tokio::test]
async fn search_rows_are_typed() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let rows: Vec<CustomerRow> = client
        .search_rows(SearchQuery::new("cus").be_id(1), 100)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 250);
    assert_eq!((rows[0].id, rows[0].code.as_str()), (1, "C0001"));
    assert_eq!(rows[0].name.as_deref(), Some("Customer 1"));
    // Seeded as the date-only text "2021-01-27".
    assert_eq!(rows[7].modified.to_string(), "2021-01-27 00:00:00");

    // A row type that does not fit: the error names the search and the row.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Wrong {
        code: i64,
    }
    let err = client
        .search_rows::<Wrong>(SearchQuery::new("cus").be_id(1), 100)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(
        err.to_string()
            .starts_with("cus/search: decode error: search row 1: "),
        "{err}"
    );
}

#[test]
fn the_traits_carry_module_menu_and_tables() {
    assert_eq!(
        (
            SalesOrder::MODULE,
            SalesOrder::MENU_CODE,
            SalesOrder::MAIN_TABLE
        ),
        ("oldso", "oldso", Some("mainso"))
    );
    assert_eq!(SalesOrder::SUB_TABLES, ["sot"]);
    assert_eq!(Employee::MAIN_TABLE, None);
    assert_eq!(
        Employee::COLUMNS,
        [
            "id",
            "code",
            "desc_en",
            "email",
            "deptId",
            "joinDate",
            "active",
            "iRev",
            "lastModifyDate"
        ]
    );
}
