//! `codegen fetch odoo` as a least-privileged bot (the recorded salesman: Sales / User: Own
//! Documents Only) against the fake Odoo, which refuses it `ir.model`, `ir.model.fields` and
//! `ir.model.fields.selection` as the recorded rights do (Administration / Access Rights only).
//! With the models named exactly, no list is needed: the bulk and tables-only sources fall back
//! to one fields_get per model, which any user may call, and the snapshot is the salesman's
//! view (the fields of groups it lacks left out). With a glob, the refusal is a clear error.

use codegen::fetch::odoo::FetchStats;
use codegen::select::Selection;
use codegen::{Schema, fetch};
use runtime::{OdooClient, Secret};
use tests::odoo::{ADMIN_PASSWORD, FakeOdoo, OdooVersion, SALESMAN_LOGIN, SALESMAN_PASSWORD};

const MODELS: [&str; 2] = ["sale.order", "res.partner"];

async fn client(fake: &FakeOdoo, login: &str, password: &str) -> OdooClient {
    OdooClient::builder(fake.url())
        .database(fake.db())
        .login(login)
        .secret(Secret::password(password))
        .connect()
        .await
        .unwrap()
}

#[derive(Clone, Copy, Debug)]
enum Source {
    Bulk,
    Tables,
}

async fn fetch(
    c: &OdooClient,
    source: Source,
    selection: &Selection,
) -> codegen::Result<(Schema, FetchStats)> {
    match source {
        Source::Bulk => fetch::odoo::bulk::odoo(c, selection, 4, &|_, _| {}).await,
        Source::Tables => fetch::odoo::bulk::tables_only(c, selection, 4, &|_, _| {}).await,
    }
}

async fn falls_back_to_fields_get(source: Source) {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let admin = client(&fake, "admin", ADMIN_PASSWORD).await;
    let (admins, _) = fetch::odoo::odoo(&admin, &Selection::models(MODELS), 4, &|_, _| {})
        .await
        .unwrap();

    let salesman = client(&fake, SALESMAN_LOGIN, SALESMAN_PASSWORD).await;
    fake.clear_requests();
    let (schema, stats) = fetch(&salesman, source, &Selection::models(MODELS))
        .await
        .unwrap();
    let calls: Vec<(String, String)> = fake
        .requests()
        .iter()
        .filter_map(|r| r.call().map(|(m, f)| (m.to_owned(), f.to_owned())))
        .collect();
    let call = |m: &str, f: &str| (m.to_owned(), f.to_owned());
    // Refused ir.model, refused ir.model.fields, then the per-model path: ir.model refused
    // again (it lists nothing either) and one fields_get per named model.
    assert_eq!(
        calls[..3],
        [
            call("ir.model", "search_read"),
            call("ir.model.fields", "search_read"),
            call("ir.model", "search_read"),
        ],
        "{source:?}"
    );
    let mut rest = calls[3..].to_vec();
    rest.sort();
    assert_eq!(
        rest,
        [
            call("res.partner", "fields_get"),
            call("sale.order", "fields_get")
        ],
        "{source:?}"
    );
    assert_eq!(stats.calls, calls.len(), "{source:?}");
    assert!(stats.failed.is_empty(), "{:?}", stats.failed);
    assert!(stats.bulk.is_none());
    assert!(
        stats
            .bulk_refused
            .as_deref()
            .is_some_and(|e| e.contains("ir.model.fields")),
        "{stats:?}"
    );
    assert!(
        stats
            .ir_model_refused
            .as_deref()
            .is_some_and(|e| e.contains("AccessError")),
        "{stats:?}"
    );

    // The salesman's view: the admin's fields less those of groups the salesman lacks, each
    // described as the admin's is; no ir.model facts (module guessed from the name).
    assert_eq!(
        schema.models.keys().collect::<Vec<_>>(),
        ["res.partner", "sale.order"]
    );
    for (name, model) in &schema.models {
        let full = &admins.models[name];
        assert!(model.description.is_none() && model.modules.is_empty());
        assert_eq!(
            model.module,
            if name == "res.partner" {
                "base"
            } else {
                "sale"
            }
        );
        assert!(model.fields.len() < full.fields.len(), "{name}");
        for (field, f) in &model.fields {
            assert_eq!(Some(f), full.fields.get(field), "{name}.{field}");
        }
        for (field, f) in &full.fields {
            if !model.fields.contains_key(field) {
                assert!(f.groups.is_some(), "{name}.{field} left out without groups");
            }
        }
    }
}

#[tokio::test]
async fn bulk_falls_back_to_fields_get_for_a_least_privileged_user() {
    falls_back_to_fields_get(Source::Bulk).await;
}

#[tokio::test]
async fn tables_only_falls_back_to_fields_get_for_a_least_privileged_user() {
    falls_back_to_fields_get(Source::Tables).await;
}

/// A pattern needs the list of models, which this user may not read: a clear error saying what
/// to do, not an empty snapshot.
#[tokio::test]
async fn a_glob_needs_ir_model() {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let salesman = client(&fake, SALESMAN_LOGIN, SALESMAN_PASSWORD).await;
    for selection in [
        Selection::models(["sale.*"]),
        Selection::default(),
        Selection::new(["res.partner"], ["sale"]),
    ] {
        let e = fetch(&salesman, Source::Bulk, &selection)
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("AccessError"), "{e}");
        assert!(
            e.contains("name them exactly with --models, without globs or --apps"),
            "{e}"
        );
    }
}

/// The command line says what was left out and why.
#[test]
fn the_summary_says_what_the_refusals_cost() {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("odoo-18.json");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(["fetch", "odoo", "--url", &fake.url(), "--db", fake.db()])
        .args([
            "--login",
            SALESMAN_LOGIN,
            "--models",
            "res.partner,sale.order",
        ])
        .arg("--out")
        .arg(&out)
        .env("ODOO_PASSWORD", SALESMAN_PASSWORD)
        .env_remove("ODOO_API_KEY")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = String::from_utf8(o.stdout).unwrap();
    assert!(
        summary.contains(": 2 Odoo 18.0 models (5 calls in "),
        "{summary}"
    );
    assert!(
        summary.contains(
            "; the models named by --models without their ir.model descriptions, modules, \
             order or transient flags (module guessed from the name), as ir.model was refused: "
        ),
        "{summary}"
    );
    assert!(
        summary.contains("; one fields_get per model, as the bulk tables were refused: "),
        "{summary}"
    );
    // One line: the refusals' multi-line messages are cut to their first line.
    assert_eq!(summary.trim_end().lines().count(), 1, "{summary}");
}
