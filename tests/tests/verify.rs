//! Drift checks end to end: the generated Odoo 18 bindings (`generated`, features base,
//! product, sale here) against fake Odoo servers, clean and altered, and against the recorded
//! Odoo 16, 17 and 19 schemas, where real differences must show.

use generated::odoo::prelude::*;
use generated::odoo::product_product::ProductProduct;
use generated::odoo::res_partner::ResPartner;
use generated::odoo::sale_order::SaleOrder;
use generated::odoo::verify::MODELS;
use runtime::odoo::verify::{DriftReport, MismatchKind};
use runtime::{Model, OdooClient, Secret};
use serde_json::json;
use tests::odoo::{ADMIN_API_KEY, ADMIN_PASSWORD, FakeOdoo, OdooVersion};

async fn connect(fake: &FakeOdoo) -> OdooClient {
    OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .secret(Secret::password(ADMIN_PASSWORD))
        .connect()
        .await
        .unwrap()
}

fn lines(report: &DriftReport, model: &str) -> Vec<String> {
    report.model(model).map(ToString::to_string).collect()
}

#[tokio::test]
async fn generated_bindings_match_the_server_they_were_generated_from() {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let client = connect(&fake).await;

    let report = client.verify::<ResPartner>().await.unwrap();
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.models_checked, 1);
    assert_eq!(
        report.to_string(),
        "1 models checked: the bindings match the server"
    );

    fake.clear_requests();
    let report = client.verify_all().await.unwrap();
    assert!(report.is_clean(), "{report}");
    // Every model compiled in, and nothing else: one fields_get and one read-right probe each
    // (no ir.model lookup, which only administrators may make; res.partner's probe is cached
    // from the check above).
    assert_eq!(report.models_checked, MODELS.len());
    assert!(MODELS.iter().any(|m| m.model == "sale.order.line"));
    let calls: Vec<_> = fake
        .requests()
        .iter()
        .filter_map(|r| r.call().map(|(m, x)| (m.to_owned(), x.to_owned())))
        .collect();
    let probes = calls
        .iter()
        .filter(|(m, x)| m == "ir.model.access" && x == "check")
        .count();
    assert_eq!(probes, MODELS.len() - 1);
    assert_eq!(calls.len(), probes + MODELS.len());
    assert_eq!(
        calls
            .iter()
            .filter(|(_, method)| method == "fields_get")
            .count(),
        MODELS.len()
    );
    // Only the compared attributes are asked for.
    let fg = fake
        .requests()
        .into_iter()
        .find(|r| r.call() == Some(("res.partner", "fields_get")))
        .unwrap();
    assert!(
        fg.params
            .to_string()
            .contains(r#""attributes":["name","type""#),
        "{}",
        fg.params
    );
}

#[tokio::test]
async fn an_altered_server_is_reported_by_model_and_field() {
    let fake = FakeOdoo::builder(OdooVersion::V18)
        .seed_demo(false)
        .alter_field("res.partner", "ref", json!({"type": "integer"}))
        .alter_field("res.partner", "comment", json!({"type": "text"}))
        .alter_field("res.partner", "vat", serde_json::Value::Null)
        .alter_field("res.partner", "website", json!({"required": true}))
        .alter_field(
            "res.partner",
            "x_studio_tier",
            json!({"type": "char", "string": "Tier", "required": true}),
        )
        .alter_field(
            "res.partner",
            "parent_id",
            json!({"relation": "res.company"}),
        )
        .alter_field(
            "res.partner",
            "type",
            json!({"selection": [["contact", "Contact"], ["invoice", "Invoice"], ["other", "Other"], ["private", "Private"]]}),
        )
        .remove_model("product.tag")
        .start();
    let client = connect(&fake).await;

    let report = client.verify::<ResPartner>().await.unwrap();
    assert!(report.is_breaking());
    assert_eq!(
        lines(&report, "res.partner"),
        [
            "         res.partner.comment: type html -> text",
            "BREAKING res.partner.parent_id: relation res.partner -> res.company",
            "BREAKING res.partner.ref: type char -> integer",
            "         res.partner.type: selection values added: \"private\"",
            "BREAKING res.partner.type: selection values removed: \"delivery\"",
            "BREAKING res.partner.vat: field removed (was char)",
            "BREAKING res.partner.website: made required",
            "BREAKING res.partner.x_studio_tier: field added (char) and required",
        ]
    );
    let vat = report.field("res.partner", "vat");
    assert_eq!(
        vat[0].kind,
        MismatchKind::FieldMissing {
            ttype: "char".into()
        }
    );

    let all = client.verify_all().await.unwrap();
    assert_eq!(all.models_checked, MODELS.len());
    assert_eq!(
        lines(&all, "product.tag"),
        ["BREAKING product.tag: model removed"]
    );
    // Only the two altered models differ.
    let models: std::collections::BTreeSet<&str> =
        all.mismatches.iter().map(|m| m.model.as_str()).collect();
    assert_eq!(
        models.into_iter().collect::<Vec<_>>(),
        ["product.tag", "res.partner"]
    );
    let text = all.to_string();
    assert!(
        text.starts_with(&format!(
            "{} models checked: 9 mismatches (7 breaking) in 2 models\nproduct.tag:\n  BREAKING product.tag: model removed\nres.partner:\n",
            MODELS.len()
        )),
        "{text}"
    );
}

#[tokio::test]
async fn bindings_for_18_against_17_report_the_real_differences() {
    let fake = FakeOdoo::builder(OdooVersion::V17).seed_demo(false).start();
    let client = connect(&fake).await;
    let report = client.verify_all().await.unwrap();
    assert!(report.is_breaking(), "{report}");
    let has = |model: &str, line: &str| lines(&report, model).iter().any(|l| l == line);
    // From the recordings: 17's product type still has `product` (storable), 18 has `combo`;
    // 18 added `autopost_bills` to partners and `project_account_id` to sale orders.
    for (model, line) in [
        (
            "product.product",
            "BREAKING product.product.type: selection values removed: \"combo\"",
        ),
        (
            "product.product",
            "         product.product.type: selection values added: \"product\"",
        ),
        (
            "product.product",
            "         product.product.type: no longer required",
        ),
        (
            "res.partner",
            "BREAKING res.partner.autopost_bills: field removed (was selection)",
        ),
        (
            "sale.order",
            "BREAKING sale.order.project_account_id: field removed (was many2one)",
        ),
        (
            "sale.order",
            "         sale.order.analytic_account_id: field added (many2one)",
        ),
    ] {
        assert!(has(model, line), "{line}\n{report}");
    }
    // One model at a time gives the same lines as the whole run.
    let one = client.verify::<SaleOrder>().await.unwrap();
    assert_eq!(
        one.mismatches,
        report.model("sale.order").cloned().collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn odoo_16_and_19_differ_where_the_recordings_do() {
    // 16 (JSON-RPC): the discuss channels were still `mail.channel`, and `sale_delay` a float.
    let fake = FakeOdoo::builder(OdooVersion::V16).seed_demo(false).start();
    let client = connect(&fake).await;
    let partner = client.verify::<ResPartner>().await.unwrap();
    assert!(
        lines(&partner, "res.partner").contains(
            &"BREAKING res.partner.channel_ids: relation discuss.channel -> mail.channel"
                .to_owned()
        ),
        "{partner}"
    );
    let product = client.verify::<ProductProduct>().await.unwrap();
    assert!(
        lines(&product, "product.product")
            .contains(&"BREAKING product.product.sale_delay: type integer -> float".to_owned()),
        "{product}"
    );

    // 19 over JSON-2 with an API key: `mobile` left res.partner.
    let fake = FakeOdoo::builder(OdooVersion::V19).seed_demo(false).start();
    let client = OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .api_key(ADMIN_API_KEY)
        .connect()
        .await
        .unwrap();
    let partner = client.verify::<ResPartner>().await.unwrap();
    assert!(
        lines(&partner, "res.partner")
            .contains(&"BREAKING res.partner.mobile: field removed (was char)".to_owned()),
        "{partner}"
    );
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.path == "/json/2/res.partner/fields_get")
    );
}

/// A `#[derive(Model)]` projection: the model and its fields must exist; nothing else is known.
#[tokio::test]
async fn projections_are_checked_for_existence() {
    #[derive(Debug, runtime::Model)]
    #[model(odoo = "res.partner", readonly)]
    #[allow(dead_code)] // only its FIELDS matter here
    struct Card {
        id: i64,
        name: Option<String>,
        #[model(rename = "x_studio_score")]
        score: Option<f64>,
    }
    #[derive(Debug, runtime::Model)]
    #[model(odoo = "x_custom.thing", readonly)]
    struct Thing {
        id: i64,
    }
    assert!(Card::FIELD_SPECS.is_empty());
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let client = connect(&fake).await;
    let report = client.verify::<Card>().await.unwrap();
    assert_eq!(
        lines(&report, "res.partner"),
        ["BREAKING res.partner.x_studio_score: field removed (was unknown)"]
    );
    let report = client.verify::<Thing>().await.unwrap();
    assert_eq!(
        report.to_string(),
        "1 models checked: 1 mismatches (1 breaking) in 1 models\nx_custom.thing:\n  BREAKING x_custom.thing: model removed"
    );
}

#[test]
fn the_blocking_client_verifies_too() {
    let fake = FakeOdoo::builder(OdooVersion::V18)
        .seed_demo(false)
        .alter_field("res.partner", "ref", json!({"type": "integer"}))
        .start();
    let client = runtime::blocking::OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .password(ADMIN_PASSWORD)
        .connect()
        .unwrap();
    let report = client.verify_models(MODELS).unwrap();
    assert_eq!(
        report
            .mismatches
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["BREAKING res.partner.ref: type char -> integer"]
    );
    // The generated `verify_all` is the same call, from either client.
    assert_eq!(client.verify_all().unwrap(), report);
}
