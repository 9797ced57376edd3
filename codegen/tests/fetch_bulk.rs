//! The bulk source (`ir.model.fields` + `ir.model.fields.selection` + a narrow fields_get per
//! model) against the per-model fields_get path on the fake Odoo 16, 17 and 19 (18 is
//! `fetch_roundtrip.rs`, against the committed crate): every recorded model, and the generated
//! bindings of both snapshots are the same, file for file and byte for byte. On 19 the bulk
//! reads go over JSON-2 (API key) and the baseline over JSON-RPC.

use codegen::emit::{self, SchemaPlan};
use codegen::select::Selection;
use codegen::{Schema, Settings, fetch};
use runtime::{OdooClient, Secret};
use tests::odoo::{ADMIN_API_KEY, ADMIN_PASSWORD, FakeOdoo, OdooVersion};

async fn client(fake: &FakeOdoo, secret: Secret) -> OdooClient {
    OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .secret(secret)
        .connect()
        .await
        .unwrap()
}

fn generate(schema: &Schema) -> Vec<(String, String)> {
    let settings = Settings::default();
    let plan = SchemaPlan::new(schema, &settings).unwrap();
    emit::index::files(&plan, &settings)
        .unwrap()
        .into_iter()
        .map(|f| (f.path.display().to_string(), f.contents))
        .collect()
}

async fn same_bindings(version: OdooVersion) {
    let fake = FakeOdoo::builder(version).seed_demo(false).start();
    let all = Selection::default();
    let baseline = client(&fake, Secret::password(ADMIN_PASSWORD)).await;
    let (per_model, _) = fetch::odoo::odoo(&baseline, &all, 8, &|_, _| {})
        .await
        .unwrap();
    let bulk_secret = if version == OdooVersion::V19 {
        Secret::api_key(ADMIN_API_KEY)
    } else {
        Secret::password(ADMIN_PASSWORD)
    };
    let bulk_client = client(&fake, bulk_secret).await;
    fake.clear_requests();
    let (bulk, stats) = fetch::odoo::bulk::odoo(&bulk_client, &all, 8, &|_, _| {})
        .await
        .unwrap();
    assert!(stats.failed.is_empty(), "{:?}", stats.failed);
    assert_eq!(
        bulk.models.keys().collect::<Vec<_>>(),
        per_model.models.keys().collect::<Vec<_>>()
    );
    if version == OdooVersion::V19 {
        assert!(
            fake.requests()
                .iter()
                .all(|r| r.path.starts_with("/json/2/"))
        );
    }
    let bulk_stats = stats.bulk.unwrap();
    assert!(bulk_stats.table_requests <= 6, "{bulk_stats:?}");
    assert!(bulk_stats.selection_rows > 0);

    let (a, b) = (generate(&per_model), generate(&bulk));
    assert_eq!(a.len(), b.len(), "{version:?}");
    for ((path_a, text_a), (path_b, text_b)) in a.iter().zip(&b) {
        assert_eq!(path_a, path_b, "{version:?}");
        if text_a != text_b {
            let first = text_a
                .lines()
                .zip(text_b.lines())
                .enumerate()
                .find(|(_, (x, y))| x != y)
                .map(|(i, (x, y))| {
                    format!("line {}:\n  fields_get: {x}\n  bulk:       {y}", i + 1)
                });
            panic!("{version:?}: {path_a} differs at {first:?}");
        }
    }
}

#[tokio::test]
async fn bulk_gives_the_same_bindings_on_16() {
    same_bindings(OdooVersion::V16).await;
}

#[tokio::test]
async fn bulk_gives_the_same_bindings_on_17() {
    same_bindings(OdooVersion::V17).await;
}

#[tokio::test]
async fn bulk_gives_the_same_bindings_on_19() {
    same_bindings(OdooVersion::V19).await;
}
