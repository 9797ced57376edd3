//! Generating bindings for every model recorded from Odoo 16, 17, 18 and 19 (about 2,000
//! model files): emission (plan and tokens) and formatting (syn + prettyplease) reported apart.
//!
//! `cargo bench -p codegen --bench generate`. In-run baseline: importing the same snapshots
//! (reading and parsing every `fields_get` answer), so the summary reads "generation costs N
//! imports". Target: emission plus formatting of all four versions under 5 s.
//!
//! Stages, per model: emission is planning the schema and building each model's token stream
//! (`emit::model::model_items`), formatting is what codegen then does to it (`syn::parse2` +
//! `prettyplease::unparse`). The total is `emit::generate` itself (tree layout: one file per
//! model), measured apart.

#[path = "../../bench/ratio.rs"]
mod ratio;

use std::path::PathBuf;
use std::time::Instant;

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
    emit::generate(schema, &settings()).expect("generates")
}

fn settings() -> Settings {
    Settings {
        features: true,
        layout: emit::Layout::Tree,
        ..Settings::default()
    }
}

/// (emission, parse, print) seconds for every model of `schema`.
fn stages(schema: &Schema) -> (f64, f64, f64) {
    let settings = settings();
    let t = Instant::now();
    let plan = emit::SchemaPlan::new(schema, &settings).expect("plans");
    let (mut emission, mut parse, mut print) = (t.elapsed().as_secs_f64(), 0.0, 0.0);
    for m in &plan.models {
        let t = Instant::now();
        let mut splices = Vec::new();
        let tokens = emit::model::model_items(&plan, m, &settings, &mut splices);
        emission += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let file: syn::File = syn::parse2(tokens).expect("parses");
        parse += t.elapsed().as_secs_f64();
        let t = Instant::now();
        // Printing includes putting the hand-formatted per-field lists in.
        let printed = prettyplease::unparse(&file);
        std::hint::black_box(emit::splice::apply(printed, &splices, m.name).expect("splices"));
        print += t.elapsed().as_secs_f64();
    }
    (emission, parse, print)
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

    let (mut emission, mut parse, mut print) = (Vec::new(), Vec::new(), Vec::new());
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
                name: "stages",
                run: &mut || {
                    let (mut e, mut p, mut q) = (0.0, 0.0, 0.0);
                    for s in &schemas {
                        let (a, b, c) = stages(s);
                        (e, p, q) = (e + a, p + b, q + c);
                    }
                    emission.push(e);
                    parse.push(p);
                    print.push(q);
                },
            },
        ],
    );
    let (import_t, total) = (t[0], t[1]);
    let (emission, parse, print) = (
        ratio::median(emission),
        ratio::median(parse),
        ratio::median(print),
    );
    let format = parse + print;
    ratio::header(&format!(
        "generate: {models} models of Odoo 16-19 -> {files} files, {:.1} MB of Rust",
        bytes as f64 / 1e6
    ));
    println!(
        "  generate (emit::generate, tree layout): {}  (target 5 s: {:.2}x of it)",
        ratio::fmt_time(total),
        total / 5.0
    );
    println!(
        "  of which emission {}, formatting {} (syn::parse2 {}, prettyplease {})",
        ratio::fmt_time(emission),
        ratio::fmt_time(format),
        ratio::fmt_time(parse),
        ratio::fmt_time(print)
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
