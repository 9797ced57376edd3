//! `codegen fetch odoo` against the fake Odoo server: the snapshot is what importing the same
//! recorded answers gives, for every version, and the CLI never takes a secret from argv.

use codegen::fetch_odoo;
use codegen::select::Selection;
use runtime::{OdooClient, Secret};
use tests::odoo::{ADMIN_PASSWORD, FakeOdoo, OdooVersion};

#[tokio::test]
async fn fetch_matches_import_of_the_recorded_answers() {
    for version in OdooVersion::ALL {
        let fake = FakeOdoo::builder(version).seed_demo(false).start();
        let client = OdooClient::builder(fake.url())
            .database(fake.db())
            .login("admin")
            .secret(Secret::password(ADMIN_PASSWORD))
            .connect()
            .await
            .unwrap();
        let filters = Selection::models(["res.partner,sale.order*"]);
        let (schema, stats) = fetch_odoo::odoo(&client, &filters, 4, &|_, _| {})
            .await
            .unwrap();
        assert!(stats.failed.is_empty(), "{:?}", stats.failed);
        assert_eq!(stats.calls, 1 + stats.listed);

        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../tests/fixtures/odoo-{}", version.major()));
        let imported = codegen::import::import_odoo(
            &schema.version,
            &[dir.join("fields_get")],
            Some(&dir.join("ir.model.search_read.json")),
        )
        .unwrap();
        assert!(schema.models.contains_key("res.partner"), "{version:?}");
        assert!(schema.models.contains_key("sale.order.line"), "{version:?}");
        for (name, model) in &schema.models {
            assert_eq!(Some(model), imported.models.get(name), "{version:?} {name}");
        }
    }
}

#[tokio::test]
async fn synthetic_models_are_fetched_too() {
    let fake = FakeOdoo::builder(OdooVersion::V18)
        .seed_demo(false)
        .extra_models(20)
        .start();
    let client = OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .secret(Secret::password(ADMIN_PASSWORD))
        .connect()
        .await
        .unwrap();
    let filters = Selection::models(["x_synthetic.*"]);
    let (schema, stats) = fetch_odoo::odoo(&client, &filters, 16, &|_, _| {})
        .await
        .unwrap();
    assert_eq!((schema.models.len(), stats.calls), (20, 21));
    assert!(!schema.models["x_synthetic.model_0007"].fields.is_empty());
}

async fn admin(fake: &FakeOdoo) -> OdooClient {
    OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .secret(Secret::password(ADMIN_PASSWORD))
        .connect()
        .await
        .unwrap()
}

/// `--models` globs and `--apps` against the recorded Odoo 18 `ir.model` (512 models).
#[tokio::test]
async fn models_by_glob_and_by_app() {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let client = admin(&fake).await;
    let names = |s: &codegen::Schema| s.models.keys().cloned().collect::<Vec<_>>();

    let (schema, stats) =
        fetch_odoo::odoo(&client, &Selection::models(["*.order.line"]), 8, &|_, _| {})
            .await
            .unwrap();
    assert_eq!(names(&schema), ["purchase.order.line", "sale.order.line"]);
    assert_eq!(stats.calls, 3);

    let (schema, _) = fetch_odoo::odoo(
        &client,
        &Selection::models(["res.partner?*,uom.uom"]),
        8,
        &|_, _| {},
    )
    .await
    .unwrap();
    assert!(schema.models.contains_key("res.partner.bank"));
    assert!(schema.models.contains_key("uom.uom"));
    assert!(
        !schema.models.contains_key("res.partner"),
        "`?` needs one character"
    );

    // An app: every model whose ir.model `modules` lists it (defined or extended there).
    let app = Selection::new(std::iter::empty::<&str>(), ["purchase"]);
    let (schema, _) = fetch_odoo::odoo(&client, &app, 8, &|_, _| {})
        .await
        .unwrap();
    for m in [
        "purchase.order",
        "purchase.order.line",
        "res.partner",
        "product.product",
    ] {
        assert!(schema.models.contains_key(m), "{m}");
    }
    assert!(!schema.models.contains_key("sale.order"));
    assert!(
        schema
            .models
            .values()
            .all(|m| m.modules.iter().any(|x| x == "purchase"))
    );

    // A typo is an error naming it, before any fields_get.
    fake.clear_requests();
    let typo = Selection::new(["sale.order", "purchse.*"], ["stok"]);
    let e = fetch_odoo::odoo(&client, &typo, 8, &|_, _| {})
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("model pattern `purchse.*`, app `stok` matched no model"),
        "{e}"
    );
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.call() != Some(("sale.order", "fields_get")))
    );
}
