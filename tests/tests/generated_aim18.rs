//! The generated aiM18 bindings (`generated::aim18`, from the bundled
//! snapshot, which is what the fake server serves) end to end against the
//! fake aiM18 server, in both path families: new from the template, read,
//! save (create and update, sub-table rows matched by id), delete, typed
//! search rows, and the errors a user meets.

mod aim18_support;

use aim18_support::*;
use chrono::NaiveDate;
use futures_util::TryStreamExt;
use generated::aim18::prelude::*;
use generated::aim18::{cus, employee, oldso, po};
use runtime::ErrorKind;
use runtime::aim18::{Aim18ErrorExt, Operation, PathFamily};
use serde_json::json;
use tests::aim18::Op;

const FAMILIES: [PathFamily; 2] = [PathFamily::Entity, PathFamily::RootApi];

fn line(product: i64, qty: f64, up: f64) -> SotRow {
    SotRow {
        source_type: Some("pro".into()),
        pro_id: Some(product),
        unit_id: Some(1),
        qty: Some(qty),
        up: Some(up),
        amt: Some(qty * up),
        d_date: NaiveDate::from_ymd_opt(2024, 5, 2),
        ..SotRow::default()
    }
}

#[tokio::test]
async fn new_from_the_template_then_save_read_and_delete() {
    let fake = fake_with(&[]).start();
    for family in FAMILIES {
        let client = connect(&fake, family).await;
        let mut so: Oldso = client.new_entity::<Oldso>().await.unwrap();
        // The template: defaults filled in, dates left out, no rows.
        assert_eq!(so.main.id, 0);
        assert_eq!(so.main.code.as_deref(), Some(""));
        assert_eq!(so.main.rate, Some(0.0));
        assert_eq!(so.main.t_date, None);
        assert!(so.sot.is_empty() && so.remso.is_empty());

        so.main.be_id = Some(1);
        so.main.t_date = NaiveDate::from_ymd_opt(2024, 5, 1);
        so.main.cus_id = Some(12);
        so.main.staff_id = Some(2);
        so.main.amt = Some(80.0);
        so.sot = vec![line(101, 2.0, 10.0), line(102, 3.0, 20.0)];
        so.remso = vec![oldso::RemsoRow {
            remark: Some("rush".into()),
            ..Default::default()
        }];
        let id = client.save_entity(&so).await.unwrap();
        // 30 orders are seeded (the first family's was deleted again).
        assert_eq!(id, 31);

        let back = client.read_entity::<Oldso>(id).await.unwrap();
        assert_eq!(back.main.id, id);
        assert_eq!(
            back.main.code.as_deref(),
            Some(&*format!("SO0000{id}")),
            "numbered by the server"
        );
        assert_eq!(back.main.t_date, NaiveDate::from_ymd_opt(2024, 5, 1));
        assert_eq!(back.main.i_rev, Some(1));
        assert!(back.main.last_modify_date.is_some());
        assert_eq!(back.sot.len(), 2);
        assert!(
            back.sot
                .iter()
                .all(|l| l.id.unwrap() > 0 && l.h_id == Some(id))
        );
        assert_eq!(back.sot[1].amt, Some(60.0));
        assert_eq!(back.remso[0].remark.as_deref(), Some("rush"));

        client.delete_entity::<Oldso>(id).await.unwrap();
        let err = client.read_entity::<Oldso>(id).await.unwrap_err();
        assert!(err.is_missing(), "{err}");
        assert_eq!((err.model(), err.method()), (Some("oldso"), Some("read")));
    }
    assert_eq!(fake.entities("oldso").len(), 30);
}

#[tokio::test]
async fn sub_table_rows_are_matched_by_id_and_other_columns_kept() {
    let fake = fake_with(&[]).start();
    // Orders 5 and 8 have three lines each (qty 2, 4, 6); one per family.
    for (family, id) in FAMILIES.into_iter().zip([5, 8]) {
        let client = connect(&fake, family).await;
        let mut so = client.read_entity::<Oldso>(id).await.unwrap();
        assert_eq!(so.main.code.as_deref(), Some(&*format!("SO00000{id}")));
        assert_eq!(so.main.status.as_deref(), Some("Y"));
        assert_eq!(so.sot.len(), 3);
        assert_eq!((so.sot[1].qty, so.sot[1].up), (Some(4.0), Some(25.0)));
        assert_eq!(so.sot[0].b_desc_en.as_deref(), Some("Product 101"));
        assert_eq!(so.sot[0].d_date, NaiveDate::from_ymd_opt(2024, 3, 15));
        let kept = so.sot[1].id;

        so.sot.remove(0);
        so.sot[0].qty = Some(6.0);
        so.sot.push(line(150, 1.0, 99.5));
        so.main.amt = Some(123.25);
        assert_eq!(client.save_entity(&so).await.unwrap(), id);

        let back = client.read_entity::<Oldso>(id).await.unwrap();
        assert_eq!(back.main.amt, Some(123.25));
        assert_eq!(back.main.i_rev, Some(2), "the server bumps iRev");
        assert_eq!(back.sot.len(), 3);
        assert_eq!((back.sot[0].id, back.sot[0].qty), (kept, Some(6.0)));
        assert_eq!(back.sot[0].b_desc_en.as_deref(), Some("Product 102"));
        let new = &back.sot[2];
        assert!(new.id.unwrap() > 0, "the server numbered the new line");
        assert_eq!((new.pro_id, new.qty), (Some(150), Some(1.0)));
        assert_eq!(back.remso.len(), 1, "remarks kept");

        // Saving the stale copy again: its iRev is behind, the server refuses.
        let err = client.save_entity(&so).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation, "{err}");
        assert_eq!(err.check_messages()[0].key, "fake_stale_iRev");
        assert_eq!((err.model(), err.method()), (Some("oldso"), Some("save")));
    }
}

#[tokio::test]
async fn employees_hostile_column_names_images_and_bytes() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let mut e: Employee = client.read_entity::<Employee>(1).await.unwrap();
    assert_eq!(e.main.code.as_deref(), Some("E001"));
    assert_eq!(e.main.desc_en.as_deref(), Some("Chan Tai Man"));
    assert_eq!(e.main.join_date, NaiveDate::from_ymd_opt(2019, 1, 1));
    assert_eq!(e.main.active, Some(true));
    assert_eq!(e.main.i_rev, Some(1));
    // An Image column (classType 90) is its base64 text.
    assert_eq!(e.employeepic[0].photo.as_deref(), Some("iVBORw0KGgo="));
    assert!(e.employee_attach.is_empty());

    // `desc_zh-CN` is `desc_zh_cn`; a `byte[]` column (classType 99) is raw JSON.
    e.main.desc_zh_cn = Some("陈大文".into());
    e.employee_attach.push(employee::EmployeeAttachRow {
        file_name: Some("cv.pdf".into()),
        file_data: json!("JVBERi0="),
        upload_date: NaiveDate::from_ymd_opt(2024, 1, 2).and_then(|d| d.and_hms_opt(3, 4, 5)),
        ..Default::default()
    });
    client.save_entity(&e).await.unwrap();
    let stored = &fake.entities("employee")[0];
    assert_eq!(stored.main["desc_zh-CN"], "陈大文");
    let attach = &stored.subs["employee_attach"][0];
    assert_eq!(attach["fileData"], "JVBERi0=");
    assert_eq!(attach["uploadDate"], "2024-01-02 03:04:05");
    let back = client.read_entity::<Employee>(1).await.unwrap();
    assert_eq!(back.employee_attach[0].file_data, json!("JVBERi0="));
    assert_eq!(back.employeepic, e.employeepic, "pictures kept");
}

#[tokio::test]
async fn customers_read_the_other_boolean_forms() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::RootApi).await;
    // Seeded as "Y", "N", 1, "TRUE", 0.
    let mut got = Vec::new();
    for id in 3..=7 {
        got.push(client.read_entity::<Cus>(id).await.unwrap().main.inactive);
    }
    assert_eq!(
        got,
        [Some(true), Some(false), Some(true), Some(true), Some(false)]
    );
    let c: Cus = client.read_entity::<Cus>(11).await.unwrap();
    assert_eq!(c.main.desc_zh_cn.as_deref(), Some("客户11"));
    assert_eq!(c.main.credit_limit, Some(40000.0));
    assert_eq!(c.cust.len(), 2);
    assert_eq!(c.cust[0].is_default, Some(true));
    // Seeded as a date-only text.
    let c8 = client.read_entity::<Cus>(8).await.unwrap();
    assert_eq!(
        c8.main.last_modify_date.unwrap().to_string(),
        "2021-01-27 00:00:00"
    );
}

#[tokio::test]
async fn purchase_orders_round_trip_and_checkmsgs_are_validation_errors() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let mut p: Po = client.new_entity::<Po>().await.unwrap();
    p.main.be_id = Some(1);
    p.main.t_date = NaiveDate::from_ymd_opt(2024, 6, 1);
    p.main.ven_id = Some(3);
    p.pot = vec![po::PotRow {
        pro_id: Some(201),
        qty: Some(0.0),
        up: Some(2.0),
        ..Default::default()
    }];
    let err = client.save_entity(&p).await.unwrap_err();
    assert!(err.is_validation(), "{err}");
    let m = &err.check_messages()[0];
    assert_eq!(m.key, "fake_qty_positive");
    assert_eq!(
        (m.locators[0].table_name.as_str(), m.locators[0].row),
        ("pot", 1)
    );

    p.pot[0].qty = Some(5.0);
    let id = client.save_entity(&p).await.unwrap();
    assert_eq!(id, 11);
    let back = client.read_entity::<Po>(id).await.unwrap();
    assert_eq!(back.main.code.as_deref(), Some("PO000011"));
    assert_eq!(back.pot[0].qty, Some(5.0));
    assert_eq!(back.main.ven_id, Some(3));
}

#[tokio::test]
async fn searches_give_typed_rows() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let rows: Vec<OldsoSearchRow> = client
        .lookup::<OldsoSearchRow>(|q| q.be_id(1).sort("tDate desc"), 7)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 30);
    let first = &rows[0];
    assert_eq!(first.t_date, NaiveDate::from_ymd_opt(2024, 3, 28));
    assert_eq!(first.st_code, first.code);
    assert_eq!(first.amt, Some(25.0), "order 27: one line of 2 × 12.5");
    assert!(first.last_modify_date.is_some());
    // Columns the main table does not have are kept as sent.
    let cus = first.extra["mainso.cusId.cus.code"].as_str().unwrap();
    assert!(cus.starts_with('C'), "{cus}");
    assert!(first.cus_id.is_none(), "not in this lookup's format");

    // The stream is 'static: it outlives the borrow of the client.
    let stream = {
        let c = client.clone();
        c.lookup::<CusSearchRow>(|q| q.be_id(2), 100)
    };
    let customers: Vec<CusSearchRow> = tokio::spawn(stream.try_collect()).await.unwrap().unwrap();
    assert_eq!(customers.len(), 5);
    assert_eq!(customers[0].code.as_deref(), Some("C0251"));
    assert_eq!(customers[0].desc_lang.as_deref(), Some("Customer 251"));

    let staff: Vec<EmployeeSearchRow> = client
        .lookup::<EmployeeSearchRow>(|q| q.quick_search("chan"), 5)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(staff.len(), 1);
    assert_eq!(staff[0].st_desc.as_deref(), Some("Chan Tai Man (E001)"));

    // The customer lookup needs a business entity: the server's refusal comes through.
    let err = client
        .lookup::<CusSearchRow>(|q| q, 10)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(err.is_validation(), "{err}");
}

#[tokio::test]
async fn refused_rights_give_the_typed_forbidden_error() {
    let fake = fake_with(&[])
        .user("clerk", "clerk-pw")
        .grant_right("clerk", "oldso", &[Op::Read])
        .start();
    let client = runtime::aim18::Aim18Client::builder(fake.url())
        .client_id(APP)
        .client_secret(SECRET)
        .password_grant("clerk", "clerk-pw")
        .connect()
        .await
        .unwrap();
    let mut so = client.read_entity::<Oldso>(2).await.unwrap();
    so.main.amt = Some(1.0);
    let err = client.save_entity(&so).await.unwrap_err();
    assert_eq!(err.forbidden(), Some(("oldso", Operation::Save)));
    let err = client.new_entity::<Oldso>().await.unwrap_err();
    assert_eq!(err.forbidden(), Some(("oldso", Operation::Create)));
    let err = client.delete_entity::<Oldso>(2).await.unwrap_err();
    assert_eq!(err.forbidden(), Some(("oldso", Operation::Delete)));
    let err = client.read_entity::<Po>(1).await.unwrap_err();
    assert_eq!(err.forbidden(), Some(("po", Operation::Read)));
}

#[test]
fn the_types_carry_module_menu_tables_and_columns() {
    use runtime::aim18::{Aim18Entity, Aim18Row};
    assert_eq!(
        (Oldso::MODULE, Oldso::MENU_CODE, Oldso::MAIN_TABLE),
        ("oldso", "oldso", Some("mainso"))
    );
    assert_eq!(Oldso::SUB_TABLES, ["sot", "remso"]);
    assert_eq!(Oldso::COLUMNS, MainsoRow::COLUMNS);
    assert_eq!(MainsoRow::TABLE, "mainso");
    assert_eq!(
        &Employee::COLUMNS[..5],
        ["id", "code", "desc_en", "desc_zh-CN", "desc_zh-TW"]
    );
    assert_eq!(cus::CustRow::TABLE, "cust");
    assert_eq!(employee::EmployeepicRow::TABLE, "employeepic");
    // A new row has no id: saving adds it.
    assert_eq!(SotRow::default().row_id(), None);
    assert_eq!(MainpoRow::default().row_id(), Some(0));
}
