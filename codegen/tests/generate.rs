//! Generation over whole schemas, without compiling: every model of Odoo
//! 16, 17, 18 and 19 (imported from the recorded fields_get in
//! tests/fixtures) generates valid Rust, deterministically. Compiling a
//! subset of each is the codegen-example crate's job; compiling all of them
//! is `cargo test -p codegen-example --features full-matrix` (see the
//! ignored test below).

use std::path::{Path, PathBuf};

use codegen::emit::{self, Layout, Settings};
use codegen::{Schema, bundled, import};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn import_version(v: u32) -> Schema {
    import_models(v, None)
}

/// Import the recorded fields_get of Odoo `v`: every model, or only `models`.
fn import_models(v: u32, models: Option<&[&str]>) -> Schema {
    let dir = root().join(format!("tests/fixtures/odoo-{v}"));
    let files = match models {
        None => vec![dir.join("fields_get")],
        Some(ms) => ms
            .iter()
            .map(|m| dir.join(format!("fields_get/{m}.json")))
            .collect(),
    };
    import::import_odoo(
        &format!("{v}.0"),
        &files,
        Some(&dir.join("ir.model.search_read.json")),
    )
    .unwrap()
}

/// Generate with the bundled crate's settings; `emit::format` parses every
/// file with syn, so success means valid Rust for every model.
fn generate_all(v: u32, schema: &Schema) -> Vec<emit::OutputFile> {
    let settings = Settings {
        layout: Layout::Tree,
        features: true,
        ..Settings::default()
    };
    let files = emit::generate(schema, &settings).unwrap();
    assert_eq!(files.len(), schema.models.len() + 4, "Odoo {v}");
    files
}

/// A representative subset: the models of the recorded demo records, plus
/// ones with odd shapes (huge selections, reified group fields, string ids,
/// empty selections, date-format selection values).
const SUBSET: &[&str] = &[
    "res.partner",
    "res.users",
    "res.lang",
    "res.company",
    "product.product",
    "sale.order",
    "sale.order.line",
    "purchase.order",
    "account.move",
    "account.move.line",
    "account.root",
    "crm.lead",
    "hr.employee",
    "project.task",
    "stock.picking",
    "ir.model.fields",
];

#[test]
fn a_subset_of_every_version_generates_parseable_code() {
    for v in [16, 17, 18, 19] {
        let schema = import_models(v, Some(SUBSET));
        assert_eq!(schema.models.len(), SUBSET.len(), "Odoo {v}");
        let files = generate_all(v, &schema);
        assert!(
            files == generate_all(v, &schema),
            "Odoo {v}: not deterministic"
        );
    }
}

#[test]
#[ignore = "slow in a debug build (~2 min): every model of Odoo 16-19"]
fn every_model_of_every_version_generates_parseable_code() {
    for v in [16, 17, 18, 19] {
        let schema = import_version(v);
        assert!(
            schema.models.len() > 450,
            "Odoo {v}: {} models",
            schema.models.len()
        );
        generate_all(v, &schema);
    }
}

#[test]
fn the_bundled_snapshot_is_the_import_of_the_recorded_odoo_18() {
    // generated/schema/odoo-18.json is `codegen import odoo` of
    // tests/fixtures/odoo-18: re-importing gives the same bytes.
    let fresh = import_version(18).to_json();
    let bundled = std::fs::read_to_string(root().join(bundled::SCHEMA)).unwrap();
    assert!(
        fresh == bundled,
        "re-run `codegen import odoo` for {}",
        bundled::SCHEMA
    );
}

#[test]
fn generated_crate_is_up_to_date() {
    // Same as `codegen check` (CI runs that too): regenerating from the
    // bundled snapshot would change no byte of generated/.
    let changes = bundled::check(&root()).unwrap();
    assert!(
        changes.is_empty(),
        "generated/ is stale; run `cargo run -p codegen`:\n{}",
        changes.summary(Path::new("generated"))
    );
}

#[test]
fn snapshot_normalizes_fields_get_across_versions() {
    let s16 = import_version(16);
    let s19 = import_version(19);
    let amount16 = &s16.models["sale.order"].fields["amount_total"];
    let amount19 = &s19.models["sale.order"].fields["amount_total"];
    // group_operator (16) and aggregator (19) land in the same key.
    assert_eq!(amount16.aggregator.as_deref(), Some("sum"));
    assert_eq!(amount19.aggregator, amount16.aggregator);
    assert!(amount16.extra.is_empty() && amount19.extra.is_empty());
    // Keys this codegen does not model are kept, not dropped.
    let kept: usize = s19
        .models
        .values()
        .flat_map(|m| m.fields.values())
        .filter(|f| f.extra.contains_key("allow_hierachy_operators"))
        .count();
    assert!(kept > 1000, "{kept}");
    // 16's `states` is a known key.
    assert!(
        s16.models["sale.order"]
            .fields
            .values()
            .any(|f| f.states.is_some())
    );
}

#[test]
fn module_features_in_the_bundled_snapshot() {
    let s = Schema::load(&root().join(bundled::SCHEMA)).unwrap();
    let module = |m: &str| s.models[m].module.as_str();
    assert_eq!(module("res.partner"), "base");
    assert_eq!(module("sale.order"), "sale");
    assert_eq!(module("sale.order.line"), "sale");
    assert_eq!(module("purchase.order"), "purchase");
    assert_eq!(module("product.product"), "product");
    assert_eq!(module("crm.team"), "sales_team");
    assert_eq!(module("account.move"), "account");
    assert_eq!(module("stock.picking"), "stock");
}

#[test]
fn bad_inputs_are_one_clear_line() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "{\"format\": 1, \"models\": [").unwrap();
    let e = Builder::new()
        .schema(&bad)
        .render()
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(&format!("{}: not valid JSON", bad.display())),
        "{e}"
    );
    assert!(!e.contains('\n'));
    let missing = tmp.path().join("nope.json");
    let e = Builder::new()
        .schema(&missing)
        .render()
        .unwrap_err()
        .to_string();
    assert!(e.starts_with(&format!("{}: ", missing.display())), "{e}");
    std::fs::write(&bad, r#"{"format": 1, "erp": "odoo", "version": "18.0", "models": {"x.y": {"module": "x", "fields": {"f": {"type": "vibes"}}}}}"#).unwrap();
    let e = Builder::new()
        .schema(&bad)
        .render()
        .unwrap_err()
        .to_string();
    assert_eq!(e, "model x.y, field f: unknown Odoo field type `vibes`");
    // A failed generate writes nothing.
    let out = tmp.path().join("out");
    assert!(
        Builder::new()
            .schema(&bad)
            .out_dir(&out)
            .generate()
            .is_err()
    );
    assert!(!out.exists());
}

use codegen::Builder;

#[test]
#[ignore = "slow: compiles every model of Odoo 16-19 (several minutes)"]
fn every_model_of_every_version_compiles() {
    let status = std::process::Command::new(env!("CARGO"))
        .args([
            "build",
            "-p",
            "codegen-example",
            "--features",
            "full-matrix",
        ])
        .current_dir(root())
        .status()
        .unwrap();
    assert!(status.success());
}

/// The Builder selects models with the same syntax as `codegen fetch odoo`: globs and apps.
#[test]
fn builder_selects_by_glob_and_app() {
    let schema = root().join(bundled::SCHEMA);
    let files = |models: &[&str], apps: &[&str]| -> codegen::Result<Vec<String>> {
        let mut b = codegen::Builder::new();
        b.schema(&schema)
            .odoo_models(models.iter().copied())
            .odoo_apps(apps.iter().copied())
            .layout(Layout::Tree);
        Ok(b.render()?
            .into_iter()
            .map(|f| f.path.display().to_string())
            .filter(|p| !["mod.rs", "rel.rs", "prelude.rs", "verify.rs"].contains(&p.as_str()))
            .collect())
    };
    assert_eq!(
        files(&["*.order.line"], &[]).unwrap(),
        ["purchase_order_line.rs", "sale_order_line.rs"]
    );
    let purchase = files(&["uom.uom"], &["purchase"]).unwrap();
    for f in ["purchase_order.rs", "res_partner.rs", "uom_uom.rs"] {
        assert!(purchase.iter().any(|p| p == f), "{f}: {purchase:?}");
    }
    assert!(!purchase.iter().any(|p| p == "sale_order.rs"));
    let e = files(&["sale.ordr*"], &[]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "model selection: model pattern `sale.ordr*` matched no model (patterns take `*` and `?`, \
         e.g. `sale.*`; apps are module names, e.g. `purchase`)"
    );
}
