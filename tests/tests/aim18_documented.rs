//! What aiM18's documentation has and the client first lacked: `check_right`,
//! `param` and `iRev` per call; per-API access rules as their own error (see
//! also `aim18_services.rs`); the `client_id` header a proxy may strip.

mod aim18_support;

use aim18_support::*;
use runtime::ErrorKind;
use runtime::aim18::{Aim18ErrorExt, EntityOptions, Operation, PathFamily, SimplifiedEntity};
use serde_json::json;
use tests::aim18::Op;

#[tokio::test]
async fn check_right_param_and_irev_reach_the_wire() {
    let fake = fake_with(&[]).grant_right(USER, "cus", &[Op::Read]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let rev = client
        .read("cus", "cus", 1)
        .await
        .unwrap()
        .main()
        .unwrap()
        .get_i64(0, "iRev")
        .unwrap()
        .unwrap();
    let opts = EntityOptions::new()
        .check_right(true)
        .param(json!({"lang": "en"}))
        .i_rev(rev);
    let e = client.read_with("cus", "cus", 1, &opts).await.unwrap();
    assert_eq!(e.id(), Some(1));
    let r = fake.requests().pop().unwrap();
    assert_eq!(r.path, "/jsf/rfws/entity/read/cus");
    assert_eq!(r.query_param("check_right").as_deref(), Some("true"));
    assert_eq!(r.query_param("param").as_deref(), Some(r#"{"lang":"en"}"#));
    assert_eq!(r.query_param("iRev"), Some(rev.to_string()));

    // The fake keeps only the current revision: an old iRev is not there.
    let e = client
        .read_with("cus", "cus", 1, &EntityOptions::new().i_rev(rev + 5))
        .await
        .unwrap_err();
    assert!(e.is_missing(), "{e}");

    // check_right decides whether module rights are checked (the fake honours it).
    let e = client
        .read_with("po", "po", 1, &EntityOptions::new().check_right(true))
        .await
        .unwrap_err();
    assert_eq!(e.forbidden(), Some(("po", Operation::Read)));
    let unchecked = EntityOptions::new().check_right(false);
    client.read_with("po", "po", 1, &unchecked).await.unwrap();

    // The other services send check_right and param, never iRev.
    let with_all = EntityOptions::new()
        .check_right(false)
        .param(json!(["x"]))
        .i_rev(3);
    client
        .create_template_with("po", "po", &with_all)
        .await
        .unwrap();
    let mut c = client.read("cus", "cus", 2).await.unwrap();
    c.main_mut().unwrap().set(0, "tel", "9");
    client.save_with("cus", "cus", &c, &with_all).await.unwrap();
    let mut row = serde_json::Map::new();
    row.insert("id".into(), json!(2));
    row.insert("tel".into(), json!("8"));
    client
        .save_simplified_with(
            "cus",
            "cus",
            &SimplifiedEntity::new().table("cus", vec![row]),
            &with_all,
        )
        .await
        .unwrap();
    client.delete_with("po", "po", 1, &with_all).await.unwrap();
    let log = fake.requests();
    for path in [
        "/jsf/rfws/entity/create/po",
        "/jsf/rfws/entity/save/cus",
        "/jsf/rfws/entity/s/save/cus",
        "/jsf/rfws/entity/delete/po",
    ] {
        let r = log.iter().rev().find(|r| r.path == path).unwrap();
        assert_eq!(
            r.query_param("check_right").as_deref(),
            Some("false"),
            "{path}"
        );
        assert_eq!(
            r.query_param("param").as_deref(),
            Some(r#"["x"]"#),
            "{path}"
        );
        assert_eq!(r.query_param("iRev"), None, "{path}");
    }
    // Without options nothing extra is sent.
    client.read("cus", "cus", 1).await.unwrap();
    let r = fake.requests().pop().unwrap();
    assert_eq!(r.query_param("check_right"), None);
    assert_eq!(r.query_param("param"), None);
}

#[tokio::test]
async fn module_rights_and_api_rules_are_different_errors() {
    let fake = fake_with(&[])
        .grant_right(USER, "cus", &[Op::Read])
        .deny_api(APP, "/jsf/rfws/entity/read/employee")
        .start();
    let client = connect(&fake, PathFamily::Entity).await;
    let rule = client.read("employee", "employee", 1).await.unwrap_err();
    let rights = client.read("po", "po", 1).await.unwrap_err();
    assert!(rule.is_access() && rights.is_access());
    assert_eq!(
        rule.api_rule_denied(),
        Some("/jsf/rfws/entity/read/employee")
    );
    assert_eq!(rule.forbidden(), None);
    assert!(
        rule.to_string()
            .contains("An access rule of this application refuses"),
        "{rule}"
    );
    assert_eq!(rights.forbidden(), Some(("po", Operation::Read)));
    assert_eq!(rights.api_rule_denied(), None);
}

#[tokio::test]
async fn a_stripped_client_id_header_is_named_and_refreshes_nothing() {
    // Current: the header arrives.
    let fake = fake_with(&[]).start();
    connect(&fake, PathFamily::Entity)
        .await
        .read("cus", "cus", 1)
        .await
        .unwrap();
    // Alternative: a proxy drops headers with underscores, as nginx does by default.
    let fake = fake_with(&[]).strip_underscore_headers().start();
    let client = connect(&fake, PathFamily::Entity).await;
    let e = client.read("cus", "cus", 1).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication, "{e}");
    assert_eq!(e.status(), Some(401));
    let text = e.to_string();
    assert!(text.contains("client_id header is missing"), "{text}");
    assert!(text.contains("underscores_in_headers"), "{text}");
    assert_eq!(fake.token_requests().refresh_token, 0);
}
