//! The generator on arbitrary schema JSON: as a snapshot file, and as raw
//! `fields_get` answers keyed by model name. Invariants: no panic; whatever
//! the generator emits parses as Rust (an `Emit` error is a generator bug).
#![no_main]

use std::collections::BTreeMap;
use std::path::Path;

use codegen::emit::{self, Layout, Settings};
use codegen::schema::Schema;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn generate(schema: &Schema) {
    for (layout, features) in [(Layout::SingleFile("odoo.rs".into()), false), (Layout::Tree, true)] {
        let settings = Settings {
            layout,
            features,
            ..Settings::default()
        };
        match emit::generate(schema, &settings) {
            Ok(files) => {
                for f in files {
                    if f.path.extension().is_some_and(|e| e == "rs") {
                        if let Err(e) = syn::parse_file(&f.contents) {
                            panic!("{} does not parse: {e}\n{}", f.path.display(), f.contents);
                        }
                    }
                }
            }
            Err(codegen::Error::Emit { model, message }) => {
                panic!("emitter bug on {model}: {message}")
            }
            Err(_) => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if mode % 2 == 0 {
        if let Ok(schema) = Schema::parse(text, Path::new("fuzz.json")) {
            generate(&schema);
        }
    } else if let Ok(Value::Object(models)) = serde_json::from_str::<Value>(text) {
        let answers: BTreeMap<String, Value> = models.into_iter().collect();
        if let Ok(schema) = Schema::from_odoo("18.0", &[], answers) {
            generate(&schema);
        }
    }
});
