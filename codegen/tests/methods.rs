//! Business methods: the bundled methods file is exactly what the Odoo 19
//! `api_doc` recording says, and insta snapshots of the wrappers generated
//! for sale.order, account.move and stock.picking (from the bundled Odoo 18
//! snapshot with the bundled methods), and for the hostile methods file.
//! `ERPBIND_BLESS=1` rewrites the bundled file after a deliberate change.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use codegen::emit::{self, SchemaPlan, Settings};
use codegen::schema::Schema;
use codegen::schema::methods::{self, MethodsFile};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The recorded `/doc-bearer/<model>.json` answers, by model.
fn recorded_api_doc() -> BTreeMap<String, Value> {
    let dir = root().join("tests/fixtures/odoo-19/api_doc");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(model) = name.strip_suffix(".json") else {
            continue;
        };
        if model == "index" || model == "methods-all" {
            continue;
        }
        let recording: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(recording["http_status"], 200, "{name}");
        out.insert(model.to_owned(), recording["response"].clone());
    }
    out
}

pub const BUNDLED_SOURCE: &str = "odoo 19.0 api_doc (recorded from a live Odoo 19.0 Community server; tests/fixtures/odoo-19/api_doc/methods-all.json)";

/// The recording of every model's methods on the Odoo 19 server.
fn methods_all() -> Value {
    let path = root().join("tests/fixtures/odoo-19/api_doc/methods-all.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// `ERPBIND_BLESS=1 cargo test -p codegen --test methods bundled` is the documented step that
/// builds `codegen/data/odoo-methods.json` from the recording.
#[test]
fn bundled_methods_file_is_the_recording() {
    let built = methods::bundle_all(&methods_all(), BUNDLED_SOURCE).unwrap();
    let path = root().join(methods::BUNDLED_PATH);
    if std::env::var_os("ERPBIND_BLESS").is_some() {
        std::fs::write(&path, built.to_compact_json()).unwrap();
    }
    let on_disk = MethodsFile::load(&path).unwrap();
    assert_eq!(on_disk.models.len(), built.models.len());
    assert!(on_disk.models.len() > 400, "{}", on_disk.models.len());
    assert!(
        on_disk.models == built.models && on_disk.source == built.source,
        "{} is not what the recording gives; rerun with ERPBIND_BLESS=1 after checking why",
        methods::BUNDLED_PATH
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        built.to_compact_json()
    );
    // The compact form reads back to the same lists.
    let back = MethodsFile::parse(&built.to_compact_json(), Path::new("x")).unwrap();
    assert_eq!(back.models, built.models);
}

/// The 31 models recorded one by one (`/doc-bearer/<model>.json`) say what the all-models
/// recording says.
#[test]
fn the_per_model_recordings_agree_with_the_all_models_one() {
    let all = methods::bundle_all(&methods_all(), BUNDLED_SOURCE).unwrap();
    let one_by_one = methods::bundle(&recorded_api_doc(), BUNDLED_SOURCE).unwrap();
    assert_eq!(one_by_one.models.len(), 31);
    for (model, methods) in &one_by_one.models {
        assert_eq!(Some(methods), all.models.get(model), "{model}");
    }
}

#[test]
fn every_recorded_method_is_public_and_parameters_follow_the_signature() {
    for (model, answer) in recorded_api_doc() {
        let all = methods::from_api_doc(&answer).unwrap();
        let raw = answer["methods"].as_object().unwrap();
        assert_eq!(
            all.len(),
            raw.keys().filter(|k| !k.starts_with('_')).count(),
            "{model}"
        );
        for (name, m) in &all {
            let order = methods::signature_names(m.signature.as_deref().unwrap_or(""));
            let mine: Vec<&str> = m.parameters.iter().map(|p| p.name.as_str()).collect();
            let shown: Vec<&str> = order
                .iter()
                .map(String::as_str)
                .filter(|n| mine.contains(n))
                .collect();
            assert_eq!(&mine[..shown.len()], shown.as_slice(), "{model}.{name}");
        }
    }
}

/// The wrappers of one model (its `impl` block of business methods), formatted.
fn wrappers(schema: &Schema, model: &str) -> String {
    let settings = Settings {
        models: vec![model.to_owned()],
        ..Settings::default()
    };
    let plan = SchemaPlan::new(schema, &settings).unwrap();
    emit::business::render(&plan, model, &settings).unwrap()
}

fn bundled_18() -> Schema {
    let mut schema = Schema::load(&root().join("generated/schema/odoo-18.json")).unwrap();
    let missing = schema.attach_methods(&methods::bundled());
    // The Odoo 19 server had models 18 lacks (and apps whose models 18's recording leaves out).
    assert!(!missing.contains(&"sale.order".to_owned()));
    assert!(missing.iter().all(|m| !schema.models.contains_key(m)));
    schema
}

macro_rules! wrapper_snapshot {
    ($test:ident, $model:literal) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!(stringify!($test), wrappers(&bundled_18(), $model));
        }
    };
}

/// Generated together, the three models share their mixins' and the ORM's wrappers: the
/// `mixins` module holds them once, and each model keeps only its own (and one `impl` line per
/// trait).
#[test]
fn methods_shared_by_three_models() {
    let schema = bundled_18();
    let settings = Settings {
        models: vec![
            "sale.order".into(),
            "account.move".into(),
            "stock.picking".into(),
        ],
        ..Settings::default()
    };
    let plan = SchemaPlan::new(&schema, &settings).unwrap();
    let names: Vec<&str> = plan.mixins.iter().map(|t| t.class).collect();
    assert_eq!(
        names,
        [
            "core",
            "mail.activity.mixin",
            "mail.thread",
            "portal.mixin",
            "product.catalog.mixin",
            "utm.mixin"
        ]
    );
    let mut text = emit::business::render_mixins(&plan, &settings).unwrap();
    text.push_str("\n// ---- sale.order ----\n");
    text.push_str(&emit::business::render(&plan, "sale.order", &settings).unwrap());
    let alone = wrappers(&schema, "sale.order");
    assert!(text.len() < alone.len() * 2, "shared once, not per model");
    insta::assert_snapshot!("methods_shared_by_three_models", text);
}

wrapper_snapshot!(methods_sale_order, "sale.order");
wrapper_snapshot!(methods_account_move, "account.move");
wrapper_snapshot!(methods_stock_picking, "stock.picking");

#[test]
fn hostile_methods() {
    let path = root().join("codegen/tests/fixtures/hostile.json");
    let mut b = codegen::Builder::new();
    b.schema(&path);
    let schema = b.load_schema().unwrap();
    assert!(
        schema.models["x.hostile"].methods.len() > 5,
        "hostile.methods.json is picked up beside hostile.json"
    );
    insta::assert_snapshot!("methods_hostile", wrappers(&schema, "x.hostile"));
}

#[test]
fn old_snapshots_load_and_stay_format_1() {
    let text = std::fs::read_to_string(root().join("generated/schema/odoo-18.json")).unwrap();
    let schema = Schema::parse(&text, Path::new("odoo-18.json")).unwrap();
    assert!(schema.models.values().all(|m| m.methods.is_empty()));
    assert_eq!(
        schema.to_json(),
        text,
        "no methods: written exactly as before"
    );
    let with = bundled_18();
    let json = with.to_json();
    assert!(json.starts_with("{\n  \"format\": 2,"));
    assert_eq!(
        Schema::parse(&json, Path::new("x")).unwrap().models,
        with.models
    );
}
