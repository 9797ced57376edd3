//! aiM18 entity and search services against the fake server, in both path
//! families: templates, read/save/delete, get-id-by-code, search paging,
//! typed CheckMsg / forbidden errors and malformed answers.

mod aim18_support;

use std::collections::BTreeSet;

use aim18_support::*;
use futures_util::TryStreamExt;
use runtime::ErrorKind;
use runtime::aim18::{
    Aim18Client, Aim18ErrorExt, CellValue, ClassType, Operation, PathFamily, SearchQuery,
    SimplifiedEntity, SqlEntity,
};
use serde_json::{Map, Value, json};
use tests::aim18::Op;

const FAMILIES: [PathFamily; 2] = [PathFamily::Entity, PathFamily::RootApi];

fn row(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("not an object"),
    }
}

#[tokio::test]
async fn create_templates_describe_every_module() {
    let fake = fake_with(&[]).start();
    for family in FAMILIES {
        let client = connect(&fake, family).await;
        for (module, main, subs) in [
            (
                "employee",
                "employee",
                vec!["employeepic", "employee_attach"],
            ),
            ("cus", "cus", vec!["cust"]),
            ("oldso", "mainso", vec!["sot", "remso"]),
            ("po", "mainpo", vec!["pot"]),
        ] {
            let t = client.create_template(module, module).await.unwrap();
            assert_eq!(t.module_type, module);
            assert_eq!(t.main_table_name, main);
            assert_eq!(t.sub_table_names, subs, "{family:?} {module}");
            let m = t.main().unwrap();
            assert_eq!(m.len(), 1, "one row of defaults");
            assert_eq!(m.get_i64(0, "id").unwrap(), Some(0));
            let id = m.field("id").unwrap();
            assert_eq!(
                (id.field_class.as_str(), id.class_type),
                ("java.lang.Long", ClassType::Num)
            );
            let last = m.field("lastModifyDate").unwrap();
            assert_eq!(last.class_type, ClassType::DateTime);
            for sub in &subs {
                assert!(t.table(sub).unwrap().is_empty());
                assert!(!t.table(sub).unwrap().fields.is_empty());
            }
        }
        let so = client.create_template("oldso", "oldso").await.unwrap();
        let sot = so.table("sot").unwrap();
        assert_eq!(
            sot.field("qty").unwrap().field_class,
            "java.math.BigDecimal"
        );
        // java.sql.Date is a java.util.Date: classType 21, as javaapi gives it.
        let t_date = so.main().unwrap().field("tDate").unwrap();
        assert_eq!(t_date.field_class, "java.sql.Date");
        assert_eq!(t_date.class_type, ClassType::DateTime);
    }
    // Templates are stable: the code generator reads them.
    let client = connect(&fake, PathFamily::Entity).await;
    let a = client.create_template("oldso", "oldso").await.unwrap();
    let b = client.create_template("oldso", "oldso").await.unwrap();
    assert_eq!(a, b);
}

#[tokio::test]
async fn string_and_object_tables_decode_alike_and_class_types_decode() {
    let fake = fake_with(&[]).start();
    let entity_family = connect(&fake, PathFamily::Entity).await;
    let root_family = connect(&fake, PathFamily::RootApi).await;
    // Entity family answers tables as JSON strings; root/api as objects under "data".
    for id in [1, 3, 4, 5, 6, 7, 8, 11] {
        let a = entity_family.read("cus", "cus", id).await.unwrap();
        let b = root_family.read("cus", "cus", id).await.unwrap();
        assert_eq!(a, b, "customer {id}");
    }
    let raw = fake
        .requests()
        .iter()
        .filter(|r| r.path.contains("/root/api/read/"))
        .count();
    assert_eq!(raw, 8);

    let inactive = |id| {
        let c = entity_family.clone();
        async move {
            let e = c.read("cus", "cus", id).await.unwrap();
            e.main().unwrap().get_bool(0, "inactive").unwrap()
        }
    };
    // Seeded as "Y", "N", 1, "TRUE", 0.
    assert_eq!(inactive(3).await, Some(true));
    assert_eq!(inactive(4).await, Some(false));
    assert_eq!(inactive(5).await, Some(true));
    assert_eq!(inactive(6).await, Some(true));
    assert_eq!(inactive(7).await, Some(false));

    let c8 = entity_family.read("cus", "cus", 8).await.unwrap();
    let main = c8.main().unwrap();
    // Date-only text in a DateTime column falls back to midnight.
    assert_eq!(
        main.get_datetime(0, "lastModifyDate")
            .unwrap()
            .unwrap()
            .to_string(),
        "2021-01-27 00:00:00"
    );
    // A java.sql.Date column (classType 21) reads as a date-time at midnight.
    assert_eq!(
        main.get_date(0, "regDate").unwrap(),
        main.get_datetime(0, "regDate").unwrap().map(|d| d.date())
    );
    assert!(matches!(
        main.cell(0, "regDate").unwrap(),
        Some(CellValue::DateTime(d)) if d.time() == chrono::NaiveTime::MIN
    ));
    assert_eq!(main.get_f64(0, "creditLimit").unwrap(), Some(10000.0));
    assert_eq!(
        main.get_str(0, "desc_zh-CN").unwrap().as_deref(),
        Some("客户8")
    );

    let c11 = entity_family.read("cus", "cus", 11).await.unwrap();
    let contacts = c11.table("cust").unwrap();
    assert_eq!(contacts.len(), 2);
    assert_eq!(contacts.get_bool(0, "isDefault").unwrap(), Some(true));

    let e1 = entity_family.read("employee", "employee", 1).await.unwrap();
    let pic = e1.table("employeepic").unwrap();
    assert!(matches!(
        pic.cell(0, "photo").unwrap(),
        Some(CellValue::Img(_))
    ));
}

#[tokio::test]
async fn save_create_update_and_delete_in_both_families() {
    let fake = fake_with(&[]).start();
    for (n, family) in FAMILIES.into_iter().enumerate() {
        let client = connect(&fake, family).await;
        let code = format!("CX{n}");
        let mut cus = client.create_template("cus", "cus").await.unwrap();
        let main = cus.main_mut().unwrap();
        main.set(0, "code", code.as_str());
        main.set(0, "desc_en", "New customer");
        main.set(0, "beId", 1);
        cus.table_mut("cust").unwrap().push_row(row(json!({
            "itemNo": "  1", "contact": "Ms Chan", "isDefault": "Y"
        })));
        let saved = client.save("cus", "cus", &cus).await.unwrap();
        let id = saved.record_id.unwrap();
        assert!(id > 255, "{family:?}: {id}");

        let mut back = client.read("cus", "cus", id).await.unwrap();
        let m = back.main().unwrap();
        assert_eq!(m.get_str(0, "code").unwrap(), Some(code.clone()));
        assert_eq!(m.get_i64(0, "iRev").unwrap(), Some(1));
        assert_eq!(
            back.table("cust").unwrap().get_i64(0, "hId").unwrap(),
            Some(id)
        );
        assert_eq!(client.id_by_code("cus", "cus", &code).await.unwrap(), id);

        back.main_mut().unwrap().set(0, "desc_en", "Renamed");
        let again = client.save("cus", "cus", &back).await.unwrap();
        assert_eq!(again.record_id, Some(id));
        let stored = fake
            .entities("cus")
            .into_iter()
            .find(|r| r.id == id)
            .unwrap();
        assert_eq!(stored.main["desc_en"], "Renamed");
        assert_eq!(stored.main["iRev"], 2);

        client.delete("cus", "cus", id).await.unwrap();
        let e = client.read("cus", "cus", id).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Missing, "{family:?}: {e}");
        assert_eq!(e.check_messages()[0].key, "core_141019");
    }
    let puts: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .map(|r| r.path)
        .collect();
    assert!(
        puts.contains(&"/jsf/rfws/entity/save/cus".to_string()),
        "{puts:?}"
    );
    assert!(
        puts.contains(&"/jsf/rfws/root/api/save/cus".to_string()),
        "{puts:?}"
    );
    // The full entity goes out with tables as JSON strings (the documented form).
    let body = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/jsf/rfws/entity/save/cus")
        .unwrap()
        .body;
    let sent: Value = serde_json::from_slice(&body).unwrap();
    assert!(
        sent["cus"].is_string() && sent["cust"].is_string(),
        "{sent}"
    );
}

#[tokio::test]
async fn simplified_save_sales_order_with_lines() {
    let fake = fake_with(&[]).start();
    for family in FAMILIES {
        let client = connect(&fake, family).await;
        let entity = SimplifiedEntity::new()
            .table(
                "mainso",
                vec![row(json!({"beId": 1, "tDate": "2024-05-02", "cusId": 12, "staffId": 3, "curId": 1, "rate": 1}))],
            )
            .table(
                "sot",
                vec![
                    row(json!({"proId": 101, "unitId": 1, "qty": 3, "up": 9.5, "amt": 28.5})),
                    row(json!({"proId": 102, "unitId": 1, "qty": 1, "up": 100, "amt": 100})),
                ],
            );
        let saved = client
            .save_simplified("oldso", "oldso", &entity)
            .await
            .unwrap();
        let id = saved.record_id.unwrap();
        let so = client.read("oldso", "oldso", id).await.unwrap();
        assert_eq!(so.table("sot").unwrap().len(), 2);
        let code = so.main().unwrap().get_str(0, "code").unwrap().unwrap();
        assert!(code.starts_with("SO"), "{code}");
        assert_eq!(
            so.main()
                .unwrap()
                .get_date(0, "tDate")
                .unwrap()
                .unwrap()
                .to_string(),
            "2024-05-02"
        );
    }
    let reqs = fake.requests();
    let entity_family = reqs
        .iter()
        .find(|r| r.path == "/jsf/rfws/entity/s/save/oldso")
        .unwrap();
    // As documented: the simplified JSON in the `entity` query parameter.
    let sent: Value = serde_json::from_str(&entity_family.query_param("entity").unwrap()).unwrap();
    assert_eq!(sent["sot"]["values"].as_array().unwrap().len(), 2);
    let root = reqs
        .iter()
        .find(|r| r.path == "/jsf/rfws/root/api/save/oldso")
        .unwrap();
    let sent: Value = serde_json::from_slice(&root.body).unwrap();
    assert!(sent["mainso"]["values"].is_array());
}

#[tokio::test]
async fn check_msgs_keep_locators_as_400_error_info_and_as_status_false() {
    let fake = fake_with(&[]).start();
    for family in FAMILIES {
        let client = connect(&fake, family).await;
        let mut so = client.create_template("oldso", "oldso").await.unwrap();
        so.main_mut().unwrap().set(0, "tDate", "2024-05-02");
        so.main_mut().unwrap().set(0, "cusId", 1);
        let lines = so.table_mut("sot").unwrap();
        lines.push_row(row(json!({"proId": 1, "unitId": 1, "qty": 2, "up": 1})));
        lines.push_row(row(json!({"proId": 2, "unitId": 1, "qty": 0, "up": 1})));
        let e = client.save("oldso", "oldso", &so).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation, "{family:?}: {e:?}");
        assert_eq!((e.model(), e.method()), (Some("oldso"), Some("save")));
        match family {
            PathFamily::Entity => assert_eq!(e.status(), Some(400)),
            PathFamily::RootApi => assert_eq!(e.status(), Some(200)),
        }
        let msgs = e.check_messages();
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        let loc = &msgs[0].locators[0];
        assert_eq!(
            (loc.table_name.as_str(), loc.col_name.as_str(), loc.row),
            ("sot", "qty", 2)
        );
        assert_eq!(loc.locator_key, "sot.qty.2");

        // Required header field, and a reference to a missing customer.
        let mut cus = client.create_template("cus", "cus").await.unwrap();
        cus.main_mut().unwrap().set(0, "desc_en", "No code");
        let e = client.save("cus", "cus", &cus).await.unwrap_err();
        let m = &e.check_messages()[0];
        assert_eq!(m.key, "core_101905");
        assert_eq!(m.locators[0].col_name, "code");
        assert_eq!(m.locators[0].row, 0);
        assert!(e.to_string().contains("code is required"), "{e}");
    }
    assert_eq!(fake.entities("oldso").len(), 30, "nothing was stored");
}

#[tokio::test]
async fn module_rights_refuse_with_module_and_operation() {
    let fake = fake_with(&[])
        .user("clerk", "clerk-pw")
        .grant_right("clerk", "cus", &[Op::Read])
        .grant_right("clerk", "oldso", &[Op::Read, Op::Create])
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
        client.read("cus", "cus", 1).await.unwrap();
        let e = client.delete("cus", "cus", 1).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Access);
        assert_eq!(e.forbidden(), Some(("cus", Operation::Delete)));
        assert_eq!((e.model(), e.method()), (Some("cus"), Some("delete")));
        assert_eq!(e.status(), Some(403));
        assert_eq!(e.check_messages()[0].key, "fake_no_right");
        assert!(e.to_string().starts_with("cus/delete: "), "{e}");

        // Updating a customer needs the update right.
        let mut c = client.read("cus", "cus", 2).await.unwrap();
        c.main_mut().unwrap().set(0, "tel", "123");
        let e = client.save("cus", "cus", &c).await.unwrap_err();
        assert_eq!(e.forbidden(), Some(("cus", Operation::Save)));

        let e = client
            .search(SearchQuery::new("employee"))
            .page(1, 10)
            .await
            .unwrap_err();
        assert_eq!(e.forbidden(), Some(("employee", Operation::Search)));
        let e = client.create_template("po", "po").await.unwrap_err();
        assert_eq!(e.forbidden(), Some(("po", Operation::Create)));
        client.create_template("oldso", "oldso").await.unwrap();
    }
    assert_eq!(fake.entities("cus").len(), 255);
}

#[tokio::test]
async fn per_api_rules_refuse_the_matching_paths_only() {
    let fake = fake_with(&[])
        .deny_api(APP, "/jsf/rfws/entity/delete/*")
        .deny_api(APP, "/jsf/rfws/search/search")
        .start();
    let client = connect(&fake, PathFamily::Entity).await;
    // A per-API rule is its own typed error, naming the API, apart from module rights.
    let e = client.delete("po", "po", 1).await.unwrap_err();
    assert!(e.is_access(), "{e}");
    assert_eq!(e.forbidden(), None);
    assert_eq!(e.api_rule_denied(), Some("/jsf/rfws/entity/delete/po"));
    assert_eq!(e.check_messages()[0].key, "fake_api_rule");
    assert!(
        e.to_string().contains("refuses /jsf/rfws/entity/delete/po"),
        "{e}"
    );
    let e = client
        .search(SearchQuery::new("cus").be_id(1))
        .page(1, 5)
        .await
        .unwrap_err();
    assert_eq!(e.api_rule_denied(), Some("/jsf/rfws/search/search"));
    client.read("po", "po", 1).await.unwrap();
    // The other family's delete path is not covered by the rule.
    let root = connect(&fake, PathFamily::RootApi).await;
    root.delete("po", "po", 1).await.unwrap();
    assert_eq!(fake.entities("po").len(), 9);
}

#[tokio::test]
async fn search_pages_through_250_rows_without_gaps_or_repeats() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let search = client.search(SearchQuery::new("cus").be_id(1));
    let pages: Vec<_> = search.pages(40).try_collect().await.unwrap();
    assert_eq!(pages.len(), 7);
    assert_eq!(
        pages.iter().map(|p| p.start_row).collect::<Vec<_>>(),
        [1, 41, 81, 121, 161, 201, 241]
    );
    let ids: Vec<i64> = pages
        .iter()
        .flat_map(|p| p.rows.iter())
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, (1..=250).collect::<Vec<_>>());
    assert_eq!(pages[0].display, "Customer");
    assert_eq!(pages[0].rows[0]["st_desc"], "Customer 1 (C0001)");
    let search_reqs: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/jsf/rfws/search/search")
        .collect();
    assert_eq!(search_reqs.len(), 7);
    assert_eq!(
        search_reqs[1].query_param("startRow").as_deref(),
        Some("41")
    );
    assert_eq!(search_reqs[1].query_param("endRow").as_deref(), Some("80"));

    // A page size that divides the total: one extra, empty request ends the stream.
    let pages: Vec<_> = search.pages(50).try_collect().await.unwrap();
    assert_eq!(pages.len(), 5);
    let all: BTreeSet<i64> = pages
        .iter()
        .flat_map(|p| p.rows.iter())
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(all.len(), 250);
}

#[tokio::test]
async fn search_parameters_reach_the_server() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let q = SearchQuery {
        st_search: "cus".into(),
        be_id: Some(1),
        format_id: Some(3),
        conds: Some("curId=1".into()),
        sorts: vec!["code desc".into()],
        quick_search: Some("customer 24".into()),
    };
    let page = client.search(q).page(1, 100).await.unwrap();
    let codes: Vec<&str> = page
        .rows
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes[0], "C0249");
    assert!(codes.contains(&"C0024"));
    assert_eq!(codes.len(), 11, "{codes:?}");
    let req = fake.requests().pop().unwrap();
    assert_eq!(req.query_param("formatId").as_deref(), Some("3"));
    assert_eq!(req.query_param("sorts").as_deref(), Some("code desc"));
    assert_eq!(
        req.query_param("quickSearchStr").as_deref(),
        Some("customer 24")
    );

    // beId is required for customers.
    let e = client
        .search(SearchQuery::new("cus"))
        .page(1, 5)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    // Business entity 2 has its own five customers.
    let be2: Vec<_> = client
        .search(SearchQuery::new("cus").be_id(2))
        .pages(2)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(be2.iter().map(|p| p.rows.len()).sum::<usize>(), 5);
}

#[tokio::test]
async fn reads_are_retried_over_proxy_errors_and_dropped_connections() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    fake.faults().html_502(2);
    client.read("cus", "cus", 1).await.unwrap();
    fake.faults().drop_connections(1);
    client.read("cus", "cus", 1).await.unwrap();
    fake.faults().status(1, 503, Some(0));
    let page = client
        .search(SearchQuery::new("employee"))
        .page(1, 5)
        .await
        .unwrap();
    assert_eq!(page.rows.len(), 5);
}

#[tokio::test]
async fn malformed_answers_are_protocol_errors() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;

    fake.faults().html_502(10);
    let e = client.read("cus", "cus", 1).await.unwrap_err();
    fake.faults().clear();
    assert!(e.is_protocol(), "{e:?}");
    assert_eq!(e.status(), Some(502));
    assert!(e.body_excerpt().unwrap().contains("Bad Gateway"));
    assert_eq!((e.model(), e.method()), (Some("cus"), Some("read")));

    fake.faults().malformed_json(1);
    let e = client.read("cus", "cus", 1).await.unwrap_err();
    assert!(e.is_protocol());
    assert!(e.to_string().contains("not JSON"), "{e}");
    assert!(e.body_excerpt().unwrap().starts_with('{'));

    // Writes are never repeated, even after a 503.
    let template = client.create_template("cus", "cus").await.unwrap();
    let before = fake.request_count();
    fake.faults().status(1, 503, Some(0));
    let e = client.save("cus", "cus", &template).await.unwrap_err();
    assert!(e.is_protocol());
    assert_eq!(e.status(), Some(503));
    assert_eq!(fake.request_count(), before + 1);

    // An answer cut off mid-body: a read is repeated, a save is not (the
    // record may well be stored, and here it is) and reports a transport error.
    let before = fake.request_count();
    fake.faults().truncate_responses(1);
    client.read("cus", "cus", 1).await.unwrap();
    assert_eq!(fake.request_count(), before + 2);
    let mut valid = template.clone();
    valid.main_mut().unwrap().set(0, "code", "CUT1");
    valid
        .main_mut()
        .unwrap()
        .set(0, "desc_en", "Saved, answer lost");
    let before = fake.request_count();
    fake.faults().truncate_responses(1);
    let e = client.save("cus", "cus", &valid).await.unwrap_err();
    assert!(e.is_transport(), "{e:?}");
    assert!(e.to_string().contains("cut off"), "{e}");
    assert_eq!(fake.request_count(), before + 1);
    assert!(fake.entities("cus").iter().any(|r| r.code() == "CUT1"));

    // An unknown code is "not found".
    let e = client
        .id_by_code("cus", "cus", "no-such-code")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Missing);
}

#[tokio::test]
async fn unknown_module_or_menu_is_rejected_with_check_msgs() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let e = client.read("cus", "employee", 1).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert_eq!(e.check_messages()[0].key, "fake_unknown_menu");
    let e = client
        .create_template("nosuch", "nosuch")
        .await
        .unwrap_err();
    assert_eq!(e.check_messages()[0].key, "fake_unknown_module");
}

#[tokio::test]
async fn entity_json_round_trips_through_serde() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let so = client.read("oldso", "oldso", 4).await.unwrap();
    let text = serde_json::to_string(&so).unwrap();
    let back: SqlEntity = serde_json::from_str(&text).unwrap();
    assert_eq!(back, so);
    assert_eq!(
        so.to_simplified().tables()["sot"].len(),
        so.table("sot").unwrap().len()
    );
}
