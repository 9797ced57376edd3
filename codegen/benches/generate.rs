//! Generating bindings for every model recorded from Odoo 16, 17, 18 and 19 (about 2,000
//! model files): emission (plan and tokens) and formatting (syn + prettyplease) reported apart.
//!
//! `cargo bench -p codegen --bench generate`. In-run baseline: importing the same snapshots
//! (reading and parsing every `fields_get` answer), so the summary reads "generation costs N
//! imports". Target: emission plus formatting of all four versions under 5 s.
//!
//! Formatting is measured by formatting the generated files again (`syn::parse_file` +
//! `prettyplease::unparse`, what codegen does to its token streams, plus lexing the text);
//! emission is the generation time minus that, so emission is if anything under-reported
//! by the lexing.

#[path = "../../bench/ratio.rs"]
mod ratio;

use std::path::PathBuf;

use codegen::emit::{self, OutputFile, Settings};
use codegen::schema::Schema;

const VERSIONS: [&str; 4] = ["16", "17", "18", "19"];

fn fixtures(v: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../tests/fixtures/odoo-{v}"))
}

fn import(v: &str) -> Schema {
    let dir = fixtures(v);
    codegen::import::import_odoo(
        &format!("{v}.0"),
        &[dir.join("fields_get")],
        Some(&dir.join("ir.model.search_read.json")),
    )
    .expect("recorded snapshot imports")
}

fn generate(schema: &Schema) -> Vec<OutputFile> {
    let settings = Settings {
        features: true,
        ..Settings::default()
    };
    emit::generate(schema, &settings).expect("generates")
}

fn reformat(files: &[OutputFile]) -> usize {
    files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
        .map(|f| {
            let file = syn::parse_file(&f.contents).expect("generated code parses");
            prettyplease::unparse(&file).len()
        })
        .sum()
}

#[divan::bench(args = VERSIONS, sample_count = 3, sample_size = 1)]
fn generate_version(b: divan::Bencher, v: &str) {
    let schema = import(v);
    b.bench_local(|| generate(&schema).len());
}

fn main() {
    divan::main();
    let rounds = ratio::rounds(3);
    let schemas: Vec<Schema> = VERSIONS.iter().map(|v| import(v)).collect();
    let models: usize = schemas.iter().map(|s| s.models.len()).sum();
    let outputs: Vec<Vec<OutputFile>> = schemas.iter().map(generate).collect();
    let files: usize = outputs.iter().map(Vec::len).sum();
    let bytes: usize = outputs.iter().flatten().map(|f| f.contents.len()).sum();

    let t = ratio::interleaved(
        rounds,
        &mut [
            ratio::Side {
                name: "import",
                run: &mut || {
                    for v in VERSIONS {
                        std::hint::black_box(import(v));
                    }
                },
            },
            ratio::Side {
                name: "generate",
                run: &mut || {
                    for s in &schemas {
                        std::hint::black_box(generate(s));
                    }
                },
            },
            ratio::Side {
                name: "format",
                run: &mut || {
                    for o in &outputs {
                        std::hint::black_box(reformat(o));
                    }
                },
            },
        ],
    );
    let (import_t, total, format) = (t[0], t[1], t[2]);
    let emission = (total - format).max(0.0);
    ratio::header(&format!(
        "generate: {models} models of Odoo 16-19 -> {files} files, {:.1} MB of Rust",
        bytes as f64 / 1e6
    ));
    println!(
        "  emission {}  +  formatting {}  =  {}  (target 5 s: {:.2}x of it)",
        ratio::fmt_time(emission),
        ratio::fmt_time(format),
        ratio::fmt_time(total),
        total / 5.0
    );
    ratio::ratio_line("emission", "emission", emission, "import", import_t);
    ratio::ratio_line("formatting", "format", format, "import", import_t);
    ratio::ratio_line("generation", "generate", total, "import", import_t);
    println!(
        "  per model: {:.2} ms emission, {:.2} ms formatting",
        emission * 1e3 / models as f64,
        format * 1e3 / models as f64
    );
}
