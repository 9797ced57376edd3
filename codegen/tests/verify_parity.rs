//! `codegen diff OLD NEW` and the runtime's drift check (`client.verify`) must tell the same
//! story: same categories, same words, same breaking marks. Here both compare the bundled Odoo
//! 18 snapshot with the recorded Odoo 16, 17 and 19 `fields_get` answers, model by model, and
//! the type classes the runtime uses are checked against the typemap.

use std::collections::BTreeSet;
use std::path::Path;

use codegen::schema::Schema;
use codegen::typemap::odoo as typemap;
use runtime::odoo::verify::{self, FieldSpec, ModelSpec};
use serde_json::{Map, Value};

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// What the emitter puts in `FIELD_SPECS`, built from the snapshot.
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
            s.selection(Box::leak(keys.into_boxed_slice()))
        })
        .collect();
    ModelSpec::new(leak(name), Box::leak(fields.into_boxed_slice()))
}

#[test]
fn verify_and_diff_agree_on_every_recorded_model() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let ours = Schema::load(&root.join("generated/schema/odoo-18.json")).unwrap();
    for version in ["16", "17", "19"] {
        let dir = root.join(format!("tests/fixtures/odoo-{version}"));
        let theirs = codegen::import::import_odoo(
            &format!("{version}.0"),
            &[dir.join("fields_get")],
            Some(&dir.join("ir.model.search_read.json")),
        )
        .unwrap();
        let changes = codegen::diff::diff(&ours, &theirs);
        let mut compared = 0;
        for (name, model) in &ours.models {
            let raw: Option<Map<String, Value>> = theirs.models.get(name).map(|_| {
                let text =
                    std::fs::read_to_string(dir.join("fields_get").join(format!("{name}.json")))
                        .unwrap();
                serde_json::from_str(&text).unwrap()
            });
            let got: BTreeSet<String> = verify::compare(&spec(name, model), raw.as_ref())
                .iter()
                .map(ToString::to_string)
                .collect();
            // Reified group fields and the two categories that need more than fields_get
            // (writability, the defining module) are diff's alone.
            let their_model = theirs.models.get(name);
            let field_of = |path: &str| -> Option<String> {
                let f = path.strip_prefix(name.as_str())?.strip_prefix('.')?;
                (!f.contains('.')
                    && (model.fields.contains_key(f)
                        || their_model.is_some_and(|m| m.fields.contains_key(f))))
                .then(|| f.to_owned())
            };
            let reified = |path: &str| {
                field_of(path).is_some_and(|f| {
                    model.fields.get(&f).is_some_and(|x| x.reified)
                        || their_model
                            .and_then(|m| m.fields.get(&f))
                            .is_some_and(|x| x.reified)
                })
            };
            let want: BTreeSet<String> = changes
                .iter()
                .filter(|c| {
                    // `res.partner.title` is a model as well as a field of res.partner.
                    let model_level = c.what.starts_with("model ");
                    if model_level {
                        c.path == *name
                    } else {
                        field_of(&c.path).is_some()
                    }
                })
                .filter(|c| !c.what.starts_with("no longer writable"))
                .filter(|c| !c.what.starts_with("defining module"))
                .filter(|c| !reified(&c.path))
                .map(ToString::to_string)
                .collect();
            assert!(
                got == want,
                "Odoo {version}, {name}: verify only {:#?}, diff only {:#?}",
                got.difference(&want).collect::<Vec<_>>(),
                want.difference(&got).collect::<Vec<_>>()
            );
            compared += 1;
        }
        assert_eq!(compared, ours.models.len());
    }
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
