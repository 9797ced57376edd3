//! `codegen diff OLD NEW` and the runtime's drift check (`client.verify`) must tell the same
//! story: same categories, same words, same breaking marks. Both call the `snapshot` crate's
//! comparison; what can still differ is what each side reads: codegen from two snapshots,
//! the runtime from the bindings' `FIELD_SPECS` and a raw `fields_get` answer. Here both
//! compare the bundled Odoo 18 snapshot with the recorded Odoo 16, 17 and 19 `fields_get`
//! answers, model by model, every line compared (nothing filtered out), and the type kinds
//! both use are checked against the typemap.

use std::collections::BTreeSet;
use std::path::Path;

use codegen::schema::Schema;
use codegen::typemap::odoo as typemap;
use runtime::odoo::verify::{self, FieldSpec, ModelSpec};
use serde_json::{Map, Value};

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// What the emitter puts in `FIELD_SPECS`, built from the snapshot: wire name, type,
/// relation, required, writable when it is, groups, string selection keys; reified group
/// fields left out.
fn spec(name: &str, model: &codegen::schema::Model) -> ModelSpec {
    let fields: Vec<FieldSpec> = model
        .fields
        .iter()
        .filter(|(_, f)| !f.reified)
        .map(|(wire, f)| {
            let keys: Vec<&'static str> = f
                .selection
                .iter()
                .flatten()
                .filter_map(|(k, _)| k.as_str().map(leak))
                .collect();
            let mut s = FieldSpec::new(leak(wire), leak(&f.ttype));
            if let Some(r) = &f.relation {
                s = s.relation(leak(r));
            }
            if f.required {
                s = s.required();
            }
            let groups: Vec<&'static str> = f
                .groups
                .iter()
                .flat_map(|g| g.split(','))
                .map(str::trim)
                .filter(|g| !g.is_empty())
                .map(leak)
                .collect();
            if !groups.is_empty() {
                s = s.groups(Box::leak(groups.into_boxed_slice()));
            }
            if f.facts().writable == Some(true) {
                s = s.writable(true);
            }
            s.selection(Box::leak(keys.into_boxed_slice()))
        })
        .collect();
    ModelSpec::new(leak(name), Box::leak(fields.into_boxed_slice()))
}

#[test]
fn verify_and_diff_agree_on_every_recorded_model() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let ours = Schema::load(&root.join("generated/schema/odoo-18.json")).unwrap();
    let mut writability = 0;
    for version in ["16", "17", "19"] {
        let dir = root.join(format!("tests/fixtures/odoo-{version}"));
        let theirs = codegen::import::import_odoo(
            &format!("{version}.0"),
            &[dir.join("fields_get")],
            Some(&dir.join("ir.model.search_read.json")),
        )
        .unwrap();
        let mut compared = 0;
        for (name, model) in &ours.models {
            let raw: Option<Map<String, Value>> = theirs.models.get(name).map(|_| {
                let text =
                    std::fs::read_to_string(dir.join("fields_get").join(format!("{name}.json")))
                        .unwrap();
                serde_json::from_str(&text).unwrap()
            });
            // The recordings are an administrator's fields_get: every field listed, as in a
            // snapshot (a user's verify would not report restricted fields as removed).
            let got: BTreeSet<String> = verify::compare_full_view(&spec(name, model), raw.as_ref())
                .iter()
                .map(ToString::to_string)
                .collect();
            // diff of the two snapshots cut down to this model, given what verify is given:
            // no business methods (verify compares models and fields), no defining module
            // (an `ir.model` fact, which verify does not read: administrators only).
            let only = |s: &Schema| Schema {
                format: s.format,
                erp: s.erp.clone(),
                version: ours.version.clone(),
                methods_source: None,
                models: s
                    .models
                    .get(name)
                    .map(|m| {
                        let mut m = m.clone();
                        m.methods.clear();
                        m.module.clear();
                        (name.clone(), m)
                    })
                    .into_iter()
                    .collect(),
            };
            let want: BTreeSet<String> = codegen::diff::diff(&only(&ours), &only(&theirs))
                .iter()
                .map(ToString::to_string)
                .collect();
            assert!(
                got == want,
                "Odoo {version}, {name}: verify only {:#?}, diff only {:#?}",
                got.difference(&want).collect::<Vec<_>>(),
                want.difference(&got).collect::<Vec<_>>()
            );
            writability += want
                .iter()
                .filter(|l| l.ends_with("no longer writable"))
                .count();
            compared += 1;
        }
        assert_eq!(compared, ours.models.len());
    }
    // The recordings do move fields to read-only: the rule is exercised, not vacuous.
    assert!(writability > 0);
}

#[test]
fn the_runtime_type_classes_are_the_typemap_s() {
    let types = [
        "char",
        "text",
        "html",
        "integer",
        "float",
        "monetary",
        "boolean",
        "date",
        "datetime",
        "selection",
        "many2one",
        "one2many",
        "many2many",
        "binary",
        "reference",
        "many2one_reference",
        "json",
        "properties",
        "properties_definition",
    ];
    let shape = |t: &str| {
        let f = codegen::schema::Field {
            ttype: t.into(),
            relation: Some("res.partner".into()),
            selection: Some(vec![(
                codegen::schema::SelectionKey::Str("a".into()),
                "A".into(),
            )]),
            ..Default::default()
        };
        match typemap::map("m", "f", &f).unwrap() {
            typemap::RustType::Selection(_) => "selection".to_owned(),
            other => format!("{other:?}"),
        }
    };
    for a in types {
        for b in types {
            assert_eq!(
                verify::same_rust_type(a, b),
                shape(a) == shape(b),
                "{a} / {b}"
            );
        }
    }
}
