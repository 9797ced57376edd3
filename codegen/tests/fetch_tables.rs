//! `--fields-source tables` (the bulk tables alone) against the exact bulk path on the fake
//! Odoo 18 serving its 512 recorded models: a handful of requests instead of one per model,
//! and a snapshot that differs from the exact one only in what `bulk::TABLES_ONLY_RULES`
//! documents, field by field. That it compiles: the committed `fixtures/odoo-18-tables.json`
//! is the fetched snapshot's slice of the models `codegen-example` compiles (its `build.rs`
//! generates and builds it through the same emitter); this test keeps the fixture equal to
//! what the fetch gives (`ERPBIND_UPDATE_FIXTURES=1` rewrites it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use codegen::emit::{self, SchemaPlan};
use codegen::fetch::{self, odoo::bulk::TABLES_ONLY_RULES};
use codegen::schema::Field;
use codegen::select::Selection;
use codegen::{Schema, Settings};
use runtime::{OdooClient, Secret};
use tests::odoo::{ADMIN_PASSWORD, FakeOdoo, OdooVersion};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/odoo-18-tables.json")
}

async fn client(fake: &FakeOdoo) -> OdooClient {
    OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .secret(Secret::password(ADMIN_PASSWORD))
        .connect()
        .await
        .unwrap()
}

/// Clears in `exact` each attribute the tables-only `tables` lacks and the rules leave out,
/// counting it under its rule's name in `differs`.
fn clear_documented(exact: &mut Field, tables: &Field, differs: &mut BTreeMap<&str, usize>) {
    let mut note = |attribute: &'static str, changed: bool| {
        if changed {
            *differs.entry(attribute).or_default() += 1;
        }
    };
    // An empty `depends` or `groups` says nothing the tables lack.
    note(
        "depends",
        exact.depends.take().is_some_and(|d| !d.is_empty()),
    );
    note(
        "groups",
        exact.groups.take().is_some_and(|g| !g.trim().is_empty()),
    );
    note("digits", exact.digits.take().is_some());
    note("currency_field", exact.currency_field.take().is_some());
    note("model_field", exact.model_field.take().is_some());
    if tables.company_dependent.is_none() {
        note(
            "company_dependent",
            exact.company_dependent.take().is_some(),
        );
    }
    if tables.selection.is_none() {
        note("selection", exact.selection.take().is_some());
    }
}

#[tokio::test]
async fn tables_only_differs_from_the_exact_snapshot_only_where_documented() {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let c = client(&fake).await;
    let all = Selection::default();
    let (exact, _) = fetch::odoo::bulk::odoo(&c, &all, 4, &|_, _| {})
        .await
        .unwrap();
    fake.clear_requests();
    let (tables, stats) = fetch::odoo::bulk::tables_only(&c, &all, 4, &|_, _| {})
        .await
        .unwrap();
    // ir.model, then 2 pages of ir.model.fields and 2 of ir.model.fields.selection.
    let calls: Vec<(String, String)> = fake
        .requests()
        .iter()
        .filter_map(|r| r.call().map(|(m, f)| (m.to_owned(), f.to_owned())))
        .collect();
    assert_eq!(stats.calls, calls.len(), "{calls:?}");
    assert!(calls.len() < 10, "{calls:?}");
    assert!(
        calls.iter().all(|(_, method)| method == "search_read"),
        "{calls:?}"
    );
    assert_eq!(tables.models.len(), 512);
    assert_eq!(
        tables.models.keys().collect::<Vec<_>>(),
        exact.models.keys().collect::<Vec<_>>()
    );

    let documented: BTreeSet<&str> = TABLES_ONLY_RULES.iter().map(|(a, _)| *a).collect();
    let mut differs: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, exact_model) in &exact.models {
        let tables_model = &tables.models[name];
        let mut without_fields = exact_model.clone();
        without_fields.fields.clear();
        let mut tables_without = tables_model.clone();
        tables_without.fields.clear();
        assert_eq!(without_fields, tables_without, "{name}: model attributes");
        for (field, exact_field) in &exact_model.fields {
            let Some(tables_field) = tables_model.fields.get(field) else {
                // Only the reified group fields have no row.
                assert!(exact_field.reified, "{name}.{field} missing");
                *differs.entry("fields").or_default() += 1;
                continue;
            };
            let mut cleared = exact_field.clone();
            clear_documented(&mut cleared, tables_field, &mut differs);
            assert_eq!(&cleared, tables_field, "{name}.{field}");
        }
        for field in tables_model.fields.keys() {
            // The admin sees every field: no row fields_get would hide.
            assert!(exact_model.fields.contains_key(field), "{name}.{field}");
        }
    }
    eprintln!("tables-only differs from exact in: {differs:?}");
    let seen: BTreeSet<&str> = differs.keys().copied().collect();
    assert!(seen.is_subset(&documented), "{seen:?}");
    // Each rule but company_dependent (a column on 18) is needed on 18: the list is not stale.
    let expected: BTreeSet<&str> = documented
        .iter()
        .copied()
        .filter(|a| *a != "company_dependent")
        .collect();
    assert_eq!(seen, expected);

    // Both generate; bindings differ (e.g. docs without "computed"), but every model is there.
    let settings = Settings::default();
    let count = |s: &Schema| {
        let plan = SchemaPlan::new(s, &settings).unwrap();
        emit::index::files(&plan, &settings).unwrap().len()
    };
    assert_eq!(count(&tables), count(&exact));

    // The compiled slice (codegen-example's build.rs) is this fetch's.
    let text = std::fs::read_to_string(fixture()).unwrap();
    let committed = Schema::parse(&text, &fixture()).unwrap();
    assert!(committed.models.contains_key("sale.order"));
    let mut slice = tables.clone();
    slice.models.retain(|m, _| committed.models.contains_key(m));
    let fetched = slice.to_json();
    if std::env::var_os("ERPBIND_UPDATE_FIXTURES").is_some() {
        std::fs::write(fixture(), &fetched).unwrap();
    } else {
        assert!(
            fetched == text,
            "{} is stale: rerun with ERPBIND_UPDATE_FIXTURES=1",
            fixture().display()
        );
    }
}

/// The command line: `--fields-source tables`, and the summary says what was left out.
#[test]
fn the_summary_says_the_source_and_what_was_left_out() {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("odoo-18.json");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(["fetch", "odoo", "--url", &fake.url(), "--db", fake.db()])
        .args(["--login", "admin", "--fields-source", "tables", "--out"])
        .arg(&out)
        .env("ODOO_PASSWORD", ADMIN_PASSWORD)
        .env_remove("ODOO_API_KEY")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = String::from_utf8(o.stdout).unwrap();
    assert!(
        summary.contains(": 512 Odoo 18.0 models (5 calls in "),
        "{summary}"
    );
    assert!(
        summary.contains(
            "alone in 4 requests (--fields-source tables): left out \
             depends/groups/digits/currency_field/model_field, unreflected selections as plain \
             strings, and fields without a row"
        ),
        "{summary}"
    );
}

/// On 16, 17 and 19 (19 over JSON-2 with an API key) too: a few requests, every model, and
/// every model generates (the emitter takes what the tables leave out).
#[tokio::test]
async fn tables_only_on_every_version() {
    for version in [OdooVersion::V16, OdooVersion::V17, OdooVersion::V19] {
        let fake = FakeOdoo::builder(version).seed_demo(false).start();
        let secret = if version == OdooVersion::V19 {
            Secret::api_key(tests::odoo::ADMIN_API_KEY)
        } else {
            Secret::password(ADMIN_PASSWORD)
        };
        let c = OdooClient::builder(fake.url())
            .database(fake.db())
            .login("admin")
            .secret(secret)
            .connect()
            .await
            .unwrap();
        let all = Selection::default();
        fake.clear_requests();
        let (tables, stats) = fetch::odoo::bulk::tables_only(&c, &all, 4, &|_, _| {})
            .await
            .unwrap();
        assert!(stats.calls < 10, "{version:?}: {}", stats.calls);
        assert_eq!(fake.requests().len(), stats.calls, "{version:?}");
        let partner = &tables.models["res.partner"];
        assert!(partner.fields.contains_key("name"), "{version:?}");
        // company_dependent is a column from 18 only.
        let cd = partner
            .fields
            .values()
            .filter(|f| f.company_dependent.is_some())
            .count();
        assert_eq!(cd > 0, version.major() >= 18, "{version:?}");
        let settings = Settings::default();
        let plan = SchemaPlan::new(&tables, &settings).unwrap();
        let files = emit::index::files(&plan, &settings).unwrap();
        assert!(!files.is_empty(), "{version:?}");
    }
}
