//! `codegen fetch odoo` against the fake Odoo server: the snapshot is what importing the same
//! recorded answers gives, for every version, and the CLI never takes a secret from argv.

use codegen::fetch;
use codegen::select::Selection;
use runtime::{OdooClient, Secret};
use tests::odoo::{ADMIN_API_KEY, ADMIN_PASSWORD, FakeOdoo, OdooVersion};

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
        let (schema, stats) = fetch::odoo::odoo(&client, &filters, 4, &|_, _| {})
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
    let (schema, stats) = fetch::odoo::odoo(&client, &filters, 16, &|_, _| {})
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
        fetch::odoo::odoo(&client, &Selection::models(["*.order.line"]), 8, &|_, _| {})
            .await
            .unwrap();
    assert_eq!(names(&schema), ["purchase.order.line", "sale.order.line"]);
    assert_eq!(stats.calls, 3);

    let (schema, _) = fetch::odoo::odoo(
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
    let (schema, _) = fetch::odoo::odoo(&client, &app, 8, &|_, _| {})
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
    let e = fetch::odoo::odoo(&client, &typo, 8, &|_, _| {})
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

async fn with_key(fake: &FakeOdoo) -> OdooClient {
    OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .secret(Secret::api_key(ADMIN_API_KEY))
        .connect()
        .await
        .unwrap()
}

/// The fields_get-based snapshot of the same models (the recorded answers, imported).
fn imported_19(models: &[&String]) -> codegen::Schema {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/odoo-19");
    let files: Vec<_> = models
        .iter()
        .map(|m| dir.join(format!("fields_get/{m}.json")))
        .collect();
    codegen::import::import_odoo("19.0", &files, Some(&dir.join("ir.model.search_read.json")))
        .unwrap()
}

/// Odoo 19 with an API key and api_doc installed: the index lists the models, each model's
/// document describes it (fields_get falls in for models without one), and the snapshot is
/// the fields_get one plus each field's `module` in `extra`.
#[tokio::test]
async fn odoo_19_reads_api_doc_when_installed() {
    let fake = FakeOdoo::builder(OdooVersion::V19).seed_demo(false).start();
    let client = with_key(&fake).await;
    let selection = Selection::models(["res.partner,sale.order*,account.accrued.orders.wizard"]);
    let (schema, stats) = fetch::odoo::odoo(&client, &selection, 4, &|_, _| {})
        .await
        .unwrap();
    assert!(stats.failed.is_empty(), "{:?}", stats.failed);
    assert_eq!(stats.api_doc_unused, None);
    // Recorded documents: res.partner, sale.order, sale.order.line.
    assert_eq!(stats.from_api_doc, 3);
    // Not in the index (the admin may not read it): left out.
    assert!(!schema.models.contains_key("account.accrued.orders.wizard"));
    assert!(schema.models.contains_key("sale.order.line"));
    let paths: Vec<String> = fake.requests().iter().map(|r| r.path.clone()).collect();
    assert!(paths.iter().any(|p| p == "/doc-bearer/index.json"));
    assert!(paths.iter().any(|p| p == "/doc-bearer/res.partner.json"));
    assert!(
        !fake
            .requests()
            .iter()
            .any(|r| r.call() == Some(("res.partner", "fields_get")))
    );
    // 1 ir.model + 1 index + one document each + one fields_get for each undocumented model.
    assert_eq!(stats.calls, 2 + stats.listed + (stats.listed - 3));

    let partner = &schema.models["res.partner"];
    assert_eq!(partner.fields["state_id"].extra["module"], "base");
    assert_eq!(
        partner.fields["id"].extra["module"],
        serde_json::Value::Null
    );
    // Without `module`, exactly what fields_get gives.
    let names: Vec<&String> = schema.models.keys().collect();
    let mut plain = schema.clone();
    for m in plain.models.values_mut() {
        for f in m.fields.values_mut() {
            f.extra.remove("module");
        }
    }
    assert_eq!(plain, imported_19(&names));
}

/// Without api_doc (404), or signed in with a password, every model comes from fields_get.
#[tokio::test]
async fn odoo_19_falls_back_to_fields_get() {
    let selection = Selection::models(["res.partner,sale.order"]);
    let fake = FakeOdoo::builder(OdooVersion::V19)
        .seed_demo(false)
        .api_doc(false)
        .start();
    let (schema, stats) = fetch::odoo::odoo(&with_key(&fake).await, &selection, 4, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(
        stats.api_doc_unused.as_deref(),
        Some("the api_doc module is not installed (/doc-bearer/index.json: 404)")
    );
    assert_eq!((stats.from_api_doc, stats.calls), (0, 4));
    let names: Vec<&String> = schema.models.keys().collect();
    assert_eq!(schema, imported_19(&names));

    let fake = FakeOdoo::builder(OdooVersion::V19).seed_demo(false).start();
    let (schema, stats) = fetch::odoo::odoo(&admin(&fake).await, &selection, 4, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(
        stats.api_doc_unused.as_deref(),
        Some("signed in with a password; /doc-bearer/* takes an API key")
    );
    assert_eq!((stats.from_api_doc, stats.calls), (0, 3));
    assert!(
        !fake
            .requests()
            .iter()
            .any(|r| r.path.starts_with("/doc-bearer"))
    );
    assert_eq!(schema, imported_19(&names));
}

fn listed_methods() -> codegen::schema::methods::MethodsFile {
    codegen::schema::methods::MethodsFile::parse(
        r#"{"format": 1, "kind": "odoo-methods", "source": "a test list", "models": {
            "sale.order": {
                "action_confirm": {"signature": "() -> bool", "return": {"annotation": "bool"}},
                "action_lock": {"signature": "()"},
                "no_such_thing": {"signature": "()"},
                "_private_one": {"signature": "()"}
            },
            "res.partner": {
                "name_create": {"api": ["model"], "parameters": {"name": {"annotation": "str"}},
                                "signature": "(name)"},
                "kwargs_model": {"api": ["model"], "parameters": {"kw": {"kind": "VAR_KEYWORD"}},
                                 "signature": "(**kw)"}
            },
            "not.installed": {"x": {"signature": "()"}}
        }}"#,
        std::path::Path::new("test.methods.json"),
    )
    .unwrap()
}

/// Odoo 16–18 cannot list methods: each listed one is probed (no positional argument, one
/// unknown keyword), missing ones are dropped and reported, none is run.
#[tokio::test]
async fn listed_methods_are_checked_on_16_to_18_without_running_them() {
    for version in [OdooVersion::V16, OdooVersion::V17, OdooVersion::V18] {
        let fake = FakeOdoo::builder(version)
            .method_result("sale.order", "action_lock", serde_json::json!(true))
            .start();
        let client = OdooClient::builder(fake.url())
            .database(fake.db())
            .login("admin")
            .secret(Secret::password(ADMIN_PASSWORD))
            .connect()
            .await
            .unwrap();
        let filters = Selection::models(["res.partner", "sale.order"]);
        let (mut schema, _) = fetch::odoo::odoo(&client, &filters, 4, &|_, _| {})
            .await
            .unwrap();
        let before = fake.records("sale.order");
        fake.clear_requests();
        let stats = fetch::odoo::methods(&client, &mut schema, Some(listed_methods()), 4)
            .await
            .unwrap();
        assert_eq!(
            fake.records("sale.order"),
            before,
            "{version:?}: a probe ran a method"
        );
        let dropped: Vec<(&str, &str)> = stats
            .dropped
            .iter()
            .map(|(m, n, _)| (m.as_str(), n.as_str()))
            .collect();
        assert_eq!(dropped, [("sale.order", "no_such_thing")], "{version:?}");
        assert_eq!(
            stats
                .unchecked
                .iter()
                .map(|(m, n, _)| (m.as_str(), n.as_str()))
                .collect::<Vec<_>>(),
            [("res.partner", "kwargs_model")]
        );
        assert_eq!(stats.models_missing, ["not.installed"]);
        assert!(stats.failed.is_empty(), "{:?}", stats.failed);
        assert_eq!(stats.kept, 4);
        let so = &schema.models["sale.order"].methods;
        assert_eq!(
            so.keys().map(String::as_str).collect::<Vec<_>>(),
            ["action_confirm", "action_lock"]
        );
        assert!(
            schema.models["res.partner"]
                .methods
                .contains_key("name_create")
        );
        assert!(
            schema
                .methods_source
                .as_deref()
                .unwrap()
                .contains("checked against Odoo"),
            "{:?}",
            schema.methods_source
        );
        assert!(
            stats
                .summary()
                .contains("dropped 1 the server does not have: sale.order.no_such_thing")
        );
        // Every probe: no positional argument, the probe keyword, nothing else.
        let requests = fake.requests();
        assert_eq!(
            requests.len(),
            4,
            "{version:?}: one probe per checked method"
        );
        for r in requests {
            let args = &r.params["args"];
            assert_eq!(args[5], serde_json::json!([]), "{version:?}: {}", r.params);
            assert_eq!(args[6][fetch::odoo::PROBE_KWARG], serde_json::json!(true));
        }
    }
}

/// Odoo 19 lists its methods itself: `api_doc`, one call per model, with an API key.
#[tokio::test]
async fn methods_come_from_api_doc_on_19() {
    let fake = FakeOdoo::builder(OdooVersion::V19).seed_demo(false).start();
    let client = OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .secret(Secret::api_key(tests::odoo::ADMIN_API_KEY))
        .connect()
        .await
        .unwrap();
    let filters = Selection::models(["sale.order", "sale.order.template"]);
    let (mut schema, _) = fetch::odoo::odoo(&client, &filters, 4, &|_, _| {})
        .await
        .unwrap();
    let stats = fetch::odoo::methods(&client, &mut schema, None, 4)
        .await
        .unwrap();
    assert_eq!(stats.source, "odoo 19.0 api_doc");
    let so = &schema.models["sale.order"].methods;
    assert!(so.contains_key("action_confirm") && so.contains_key("search"));
    assert!(so.keys().all(|k| !k.starts_with('_')));
    assert_eq!(stats.kept, so.len());
    // sale.order.template was not recorded: the fake answers 404, reported, not fatal.
    assert_eq!(stats.failed.len(), 1, "{:?}", stats.failed);
    assert_eq!(stats.failed[0].0, "sale.order.template");
    assert_eq!(schema.methods_source.as_deref(), Some("odoo 19.0 api_doc"));
}

/// The command line says which listed methods it dropped (a finding, not a failure).
#[test]
fn the_cli_reports_dropped_methods() {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("odoo-18.json");
    // The methods file kept beside the snapshot is the list to check.
    std::fs::write(
        codegen::schema::methods::beside(&out),
        listed_methods().to_json(),
    )
    .unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args([
            "fetch",
            "odoo",
            "--url",
            &fake.url(),
            "--db",
            fake.db(),
            "--login",
            "admin",
        ])
        .args(["--models", "sale.order,res.partner", "--out"])
        .arg(&out)
        .env("ODOO_PASSWORD", ADMIN_PASSWORD)
        .env_remove("ODOO_API_KEY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains(
            "dropped 2 the server does not have: sale.order.action_lock, sale.order.no_such_thing"
        ),
        "{stdout}"
    );
    let schema = codegen::schema::Schema::load(&out).unwrap();
    assert!(
        schema.models["sale.order"]
            .methods
            .contains_key("action_confirm")
    );
    assert!(
        !schema.models["sale.order"]
            .methods
            .contains_key("no_such_thing")
    );
}
