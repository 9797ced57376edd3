//! The round trip: `codegen fetch odoo` against the fake Odoo 18 (every recorded
//! model) writes a snapshot byte-identical to the bundled `generated/schema/odoo-18.json`, and
//! generating from it gives exactly the committed `generated/src/odoo/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::emit::{self, SchemaPlan};
use codegen::{Schema, bundled, write};
use tests::odoo::{ADMIN_PASSWORD, FakeOdoo, OdooVersion};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fetch(fake: &FakeOdoo, out: &Path, extra: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(["fetch", "odoo", "--url", &fake.url(), "--db", fake.db()])
        .args(["--login", "admin", "--out"])
        .arg(out)
        .args(extra)
        .env("ODOO_PASSWORD", ADMIN_PASSWORD)
        .env_remove("ODOO_API_KEY")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// The per-model path (`--fields-source fields-get`, one full fields_get per model): the
/// snapshot itself is the bundled one, byte for byte.
#[test]
fn fetch_then_generate_gives_the_bundled_crate() {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let tmp = tempfile::tempdir().unwrap();
    let snapshot = tmp.path().join("odoo-18.json");
    let summary = fetch(&fake, &snapshot, &["--fields-source", "fields-get"]);
    assert!(
        summary.contains(": 512 Odoo 18.0 models (513 calls in "),
        "{summary}"
    );

    let fetched = std::fs::read_to_string(&snapshot).unwrap();
    let bundled_text = std::fs::read_to_string(root().join(bundled::SCHEMA)).unwrap();
    assert!(
        fetched == bundled_text,
        "the fetched snapshot differs from {}",
        bundled::SCHEMA
    );
    assert_generates_the_bundled_crate(&snapshot);
}

/// The default bulk path: a smaller snapshot (only what the bindings use), and exactly the
/// committed generated/ from it.
#[test]
fn bulk_fetch_then_generate_gives_the_bundled_crate() {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let tmp = tempfile::tempdir().unwrap();
    let snapshot = tmp.path().join("odoo-18.json");
    fake.clear_requests();
    let summary = fetch(&fake, &snapshot, &[]);
    // 2 pages of ir.model.fields (9,953 rows), 2 of ir.model.fields.selection (6,924 values), a
    // narrow fields_get per model, and a full one for res.users' reified group fields.
    assert!(
        summary.contains(": 512 Odoo 18.0 models (518 calls in ",),
        "{summary}"
    );
    assert!(
        summary.contains(
            "values) in 4 requests, plus 512 fields_get \
             asking only what those lack (of \
             company_dependent/currency_field/depends/digits/groups/model_field) \
             and 1 full fields_get for fields without a row (res.users)"
        ),
        "{summary}"
    );
    let calls: Vec<(String, String)> = fake
        .requests()
        .iter()
        .filter_map(|r| r.call().map(|(m, f)| (m.to_owned(), f.to_owned())))
        .collect();
    let count = |model: &str, method: &str| {
        calls
            .iter()
            .filter(|(m, f)| (m.as_str(), f.as_str()) == (model, method))
            .count()
    };
    assert_eq!(count("ir.model.fields", "search_read"), 2);
    assert_eq!(count("ir.model.fields.selection", "search_read"), 2);
    assert_eq!(count("res.users", "fields_get"), 2);
    assert_generates_the_bundled_crate(&snapshot);
}

/// Generated with the bundled crate's settings (and its business methods): the committed
/// tree, file for file.
fn assert_generates_the_bundled_crate(snapshot: &Path) {
    let mut schema = Schema::load(snapshot).unwrap();
    bundled::add_methods(&mut schema);
    let settings = bundled::settings();
    let plan = SchemaPlan::new(&schema, &settings).unwrap();
    let files = emit::index::files(&plan, &settings).unwrap();
    let changes = write::diff_dir(&root().join("generated/src/odoo"), &files).unwrap();
    assert!(
        changes.is_empty(),
        "generating from the fetched snapshot differs from generated/src/odoo:\n{}",
        changes.summary(Path::new("generated/src/odoo"))
    );

    // The crate files (lib.rs with the feature table, Cargo.toml's features) too; the
    // aiM18 part comes from its own bundled snapshot.
    let aim18 =
        codegen::schema::aim18::Aim18Schema::load(&root().join(bundled::AIM18_SCHEMA)).unwrap();
    let aim18_settings = bundled::aim18_settings();
    let aim18_plan = emit::aim18::Aim18Plan::new(&aim18, &aim18_settings).unwrap();
    let part = emit::aim18::crate_part(&aim18_plan, &aim18_settings);
    let crate_files =
        emit::index::crate_files(&plan, &settings, bundled::DEFAULT_FEATURES, Some(&part)).unwrap();
    let changes = write::diff_files(&root().join(bundled::CRATE), &crate_files).unwrap();
    assert!(
        changes.is_empty(),
        "{}",
        changes.summary(Path::new("generated"))
    );

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(snapshot).unwrap().permissions().mode();
        assert_ne!(mode & 0o044, 0, "a snapshot is not a secret: {mode:o}");
    }
}

/// `--models` (comma-separated globs) and `--apps` on the command line; a pattern that
/// matches nothing fails with one line naming it.
#[test]
fn fetch_cli_selects_models_and_apps() {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s.json");
    let summary = fetch(
        &fake,
        &out,
        &["--models", "res.partner,*.order.line", "--apps", "uom"],
    );
    let schema = Schema::load(&out).unwrap();
    let names: Vec<&str> = schema.models.keys().map(String::as_str).collect();
    for m in [
        "res.partner",
        "sale.order.line",
        "purchase.order.line",
        "uom.uom",
    ] {
        assert!(names.contains(&m), "{m}: {names:?}");
    }
    assert!(!names.contains(&"sale.order"), "{summary}");

    let o = Command::new(env!("CARGO_BIN_EXE_codegen"))
        .args(["fetch", "odoo", "--url", &fake.url(), "--db", fake.db()])
        .args(["--login", "admin", "--models", "sale.ordr*", "--out"])
        .arg(tmp.path().join("t.json"))
        .env("ODOO_PASSWORD", ADMIN_PASSWORD)
        .env_remove("ODOO_API_KEY")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("codegen: codegen fetch odoo: model pattern `sale.ordr*` matched no model"),
        "{err}"
    );
    assert!(!tmp.path().join("t.json").exists());
}

/// On Odoo 19 with an API key the summary line says what came from where, and each api_doc
/// document is read at most once (only for business methods on the bulk path; `--no-methods`
/// reads none).
#[test]
fn fetch_cli_names_the_sources_and_reads_api_doc_once() {
    let tmp = tempfile::tempdir().unwrap();
    let models = ["res.partner", "sale.order", "res.bank"];
    let run = |fake: &FakeOdoo, extra: &[&str]| {
        fake.clear_requests();
        let o = Command::new(env!("CARGO_BIN_EXE_codegen"))
            .args(["fetch", "odoo", "--url", &fake.url(), "--db", fake.db()])
            .args(["--login", "admin", "--models", &models.join(",")])
            .arg("--out")
            .arg(tmp.path().join("s.json"))
            .args(extra)
            .env("ODOO_API_KEY", tests::odoo::ADMIN_API_KEY)
            .env_remove("ODOO_PASSWORD")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(out.contains(": 3 Odoo 19.0 models ("), "{out}");
        // The API key never reaches the output.
        assert!(!out.contains(tests::odoo::ADMIN_API_KEY));
        let docs: Vec<String> = fake
            .requests()
            .iter()
            .map(|r| r.path.clone())
            .filter(|p| p.starts_with("/doc-bearer/") && p != "/doc-bearer/index.json")
            .collect();
        for m in models {
            let n = docs
                .iter()
                .filter(|p| **p == format!("/doc-bearer/{m}.json"))
                .count();
            assert!(n <= 1, "{m}: {n} api_doc requests\n{out}");
        }
        (out, docs.len())
    };
    let fake = FakeOdoo::builder(OdooVersion::V19).seed_demo(false).start();
    // Bulk fields; api_doc for the methods of each selected model the index lists, once (the
    // fake has no recorded document for res.bank: a 404, reported).
    let (out, docs) = run(&fake, &[]);
    assert_eq!(docs, 3, "{out}");
    assert!(
        out.contains("; fields of 3 models from ir.model.fields ("),
        "{out}"
    );
    assert!(
        out.contains(
            " business methods from odoo 19.0 api_doc; could not read or check 1: res.bank"
        ),
        "{out}"
    );
    assert!(out.contains("(3 api_doc documents read)"), "{out}");
    let (out, docs) = run(&fake, &["--no-methods"]);
    assert_eq!(docs, 0, "{out}");
    assert!(!out.contains("api_doc"), "{out}");
    // The per-model path: the documents describe the fields and give the methods (res.bank's
    // 404 is not asked again).
    let (out, docs) = run(&fake, &["--fields-source", "fields-get"]);
    assert_eq!(docs, 3, "{out}");
    assert!(
        out.trim_end()
            .ends_with("; 2 described by api_doc, 1 by fields_get"),
        "{out}"
    );
    let (out, docs) = run(&fake, &["--fields-source", "fields-get", "--no-methods"]);
    assert_eq!(docs, 3, "{out}");

    let fake = FakeOdoo::builder(OdooVersion::V19)
        .seed_demo(false)
        .api_doc(false)
        .start();
    let (out, _) = run(&fake, &[]);
    assert!(
        out.trim_end().ends_with(
            "; no business methods, as api_doc is unusable: the api_doc module is not \
             installed (/doc-bearer/index.json: 404)"
        ),
        "{out}"
    );
    let (out, _) = run(&fake, &["--fields-source", "fields-get"]);
    assert!(
        out.trim_end().ends_with(
            "; fields_get, as api_doc is unusable: the api_doc module is not installed \
             (/doc-bearer/index.json: 404)"
        ),
        "{out}"
    );
}
