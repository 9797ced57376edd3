//! Generates Odoo bindings into OUT_DIR with `codegen::Builder`, the way a
//! user's crate would, plus the test harness inputs of this workspace.

use std::path::{Path, PathBuf};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// The hostile-schema strategies of codegen's property tests.
#[path = "../tests/support/arb_schema.rs"]
mod arb_schema;

/// How many arbitrary schemas (1–3 models of up to 8 fields each) are
/// generated and compiled on every build; `ERPBIND_SCHEMA_SEED=<u64>` picks
/// another sample than the fixed one CI compiles.
const SAMPLES: usize = 32;
const DEFAULT_SEED: u64 = 0x0d00_e2b1_4d18;

/// Models of the subset built by default for each Odoo version: the ones the
/// recorded demo records cover, plus a model with a huge selection (tz).
const SUBSET: &[&str] = &[
    "res.partner",
    "res.users",
    "res.company",
    "product.product",
    "product.template",
    "sale.order",
    "sale.order.line",
    "purchase.order",
    "account.move",
    "account.move.line",
    "crm.lead",
    "hr.employee",
    "project.task",
    "stock.picking",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let root = manifest.join("../..");
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let full = std::env::var_os("CARGO_FEATURE_FULL_MATRIX").is_some();

    // 1. The example proper: a handful of models from the bundled Odoo 18
    //    snapshot, one file for include!.
    codegen::Builder::new()
        .schema(root.join("generated/schema/odoo-18.json"))
        .odoo_models(SUBSET.iter().copied())
        .create_optional([
            "company_id",
            "currency_id",
            "date_order",
            "sale.order.name",
            "sale.order.picking_policy",
            // Filled by the parent when lines are created through order_line.
            "sale.order.line.order_id",
            "account.move.line.move_id",
            "account.move.date",
            "account.move.auto_post",
        ])
        // Business methods (action_confirm, action_post, ...) from the bundled
        // methods file: Odoo 18 cannot list them itself.
        .bundled_methods(true)
        .layout(codegen::Layout::SingleFile("odoo.rs".into()))
        .generate()?;

    // 2. The hostile schema: keywords, unicode, collisions, `*/` in help.
    codegen::Builder::new()
        .schema(root.join("codegen/tests/fixtures/hostile.json"))
        .layout(codegen::Layout::SingleFile("hostile.rs".into()))
        .generate()?;

    // 2b. The hostile aiM18 schema: keywords and prelude names as modules,
    //     tables and columns, `desc_zh-CN`, leading digits, `fooBar` next to
    //     `foo_bar`, unicode, bidi controls, `*/`, unknown Java classes.
    codegen::Builder::new()
        .schema(root.join("codegen/tests/fixtures/hostile_aim18.json"))
        .layout(codegen::Layout::SingleFile("hostile_aim18.rs".into()))
        .generate()?;

    // 3. The version matrix: snapshots built from the recorded fields_get of
    //    each version (the same path as `codegen import odoo`), then generated.
    for version in ["16", "17", "18", "19"] {
        let dir = root.join(format!("tests/fixtures/odoo-{version}"));
        println!(
            "cargo:rerun-if-changed={}",
            dir.join("fields_get").display()
        );
        let files = fields_get_files(&dir, full)?;
        let schema = codegen::import::import_odoo(
            &format!("{version}.0"),
            &files,
            Some(&dir.join("ir.model.search_read.json")),
        )?;
        let snapshot = out.join(format!("odoo-{version}.json"));
        std::fs::write(&snapshot, schema.to_json())?;
        codegen::Builder::new()
            .schema(&snapshot)
            .layout(codegen::Layout::SingleFile(format!("odoo{version}.rs")))
            .out_dir(&out)
            .generate()?;
    }
    // 3b. The tables-only snapshot (`codegen fetch odoo --fields-source tables` of the fake
    //     18, this subset; `codegen/tests/fetch_tables.rs` keeps it equal to the fetch): the
    //     facts it lacks must still give code that compiles.
    let tables = root.join("codegen/tests/fixtures/odoo-18-tables.json");
    println!("cargo:rerun-if-changed={}", tables.display());
    codegen::Builder::new()
        .schema(&tables)
        .layout(codegen::Layout::SingleFile("odoo18_tables.rs".into()))
        .out_dir(&out)
        .generate()?;
    // 4. A seeded sample of the property tests' arbitrary schemas: they must
    //    not only parse (the proptest) but compile.
    sampled_schemas(&out)?;

    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=../tests/support/arb_schema.rs");
    Ok(())
}

/// Draws [`SAMPLES`] schemas from `arb_schema::schema()` with a fixed seed and
/// generates each into `sampled_<i>.rs`; `sampled.rs` includes each one in a
/// module. The strategy leaves out what the generator refuses by design, so
/// any generation error fails the build, as does generated code rustc refuses.
fn sampled_schemas(out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-env-changed=ERPBIND_SCHEMA_SEED");
    let seed = match std::env::var("ERPBIND_SCHEMA_SEED") {
        Ok(s) => s
            .parse::<u64>()
            .map_err(|e| format!("ERPBIND_SCHEMA_SEED={s}: {e}"))?,
        Err(_) => DEFAULT_SEED,
    };
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &key),
    );
    let mut modules = format!("// {SAMPLES} schemas drawn with seed {seed}.\n");
    for i in 0..SAMPLES {
        let schema = arb_schema::generable_schema()
            .new_tree(&mut runner)
            .map_err(|e| format!("drawing schema {i}: {e}"))?
            .current();
        let path = out.join(format!("sampled_{i}.json"));
        std::fs::write(&path, schema.to_json())?;
        let generated = codegen::Builder::new()
            .schema(&path)
            .features(false)
            .layout(codegen::Layout::SingleFile(format!("sampled_{i}.rs")))
            .out_dir(out)
            .generate();
        if let Err(e) = generated {
            return Err(format!("{} (seed {seed}): {e}", path.display()).into());
        }
        modules.push_str(&format!(
            "pub mod s{i} {{ include!(concat!(env!(\"OUT_DIR\"), \"/sampled_{i}.rs\")); }}\n"
        ));
    }
    std::fs::write(out.join("sampled.rs"), modules)?;
    Ok(())
}

fn fields_get_files(dir: &Path, full: bool) -> std::io::Result<Vec<PathBuf>> {
    let fg = dir.join("fields_get");
    if full {
        return Ok(vec![fg]);
    }
    Ok(SUBSET
        .iter()
        .map(|m| fg.join(format!("{m}.json")))
        .filter(|p| p.exists())
        .collect())
}
