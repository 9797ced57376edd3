//! `codegen fetch odoo` against the fake Odoo server: the snapshot is what importing the same
//! recorded answers gives, for every version, and the CLI never takes a secret from argv.

use codegen::fetch_odoo;
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
        let filters = ["res.partner".to_owned(), "sale.order*".to_owned()];
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
    let filters = ["x_synthetic.*".to_owned()];
    let (schema, stats) = fetch_odoo::odoo(&client, &filters, 16, &|_, _| {})
        .await
        .unwrap();
    assert_eq!((schema.models.len(), stats.calls), (20, 21));
    assert!(!schema.models["x_synthetic.model_0007"].fields.is_empty());
}
