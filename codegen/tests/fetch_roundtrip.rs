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

#[test]
fn fetch_then_generate_gives_the_bundled_crate() {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let tmp = tempfile::tempdir().unwrap();
    let snapshot = tmp.path().join("odoo-18.json");
    let summary = fetch(&fake, &snapshot, &[]);
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

    // Generated with the bundled crate's settings (and its business methods): the committed
    // tree, file for file.
    let mut schema = Schema::load(&snapshot).unwrap();
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
        codegen::schema_aim18::Aim18Schema::load(&root().join(bundled::AIM18_SCHEMA)).unwrap();
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
        let mode = std::fs::metadata(&snapshot).unwrap().permissions().mode();
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

/// On Odoo 19 with an API key the summary line says which source described the models.
#[test]
fn fetch_cli_names_the_schema_source() {
    let tmp = tempfile::tempdir().unwrap();
    for (api_doc, want) in [
        (true, "; 2 described by api_doc, 1 by fields_get"),
        (
            false,
            "; fields_get, as api_doc is unusable: the api_doc module is not installed \
             (/doc-bearer/index.json: 404)",
        ),
    ] {
        let fake = FakeOdoo::builder(OdooVersion::V19)
            .seed_demo(false)
            .api_doc(api_doc)
            .start();
        let o = Command::new(env!("CARGO_BIN_EXE_codegen"))
            .args(["fetch", "odoo", "--url", &fake.url(), "--db", fake.db()])
            .args([
                "--login",
                "admin",
                "--models",
                "res.partner,sale.order,res.bank",
            ])
            .arg("--out")
            .arg(tmp.path().join("s.json"))
            .env("ODOO_API_KEY", tests::odoo::ADMIN_API_KEY)
            .env_remove("ODOO_PASSWORD")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains(": 3 Odoo 19.0 models ("), "{out}");
        assert!(out.trim_end().ends_with(want), "{out}");
        // The API key never reaches the output.
        assert!(!out.contains(tests::odoo::ADMIN_API_KEY));
    }
}
