//! `codegen fetch odoo`'s two field sources against the fake Odoo 18 serving its 512 recorded
//! models, with the server spending CPU per request like the real Odoo 18 of issue 18
//! (`tests::odoo::RequestCost::odoo18` as the fake's cost model: one core, 3 ms a request,
//! 0.59 ms a field described, 0.12 ms a row, contention between requests in flight; derivation
//! in tests/src/odoo/cost.rs).
//!
//! `cargo bench -p codegen --bench fetch_bulk` (`BENCH_SWEEP=1` adds the concurrency sweep to a
//! single round). In-run baseline: today's path (one full `fields_get` per model, 16 in
//! flight), against the exact bulk source (the default: the tables plus a narrow fields_get per
//! model, bindings identical) and the tables-only source (`--fields-source tables`: the
//! tables alone, fewer facts). Targets: at least 3x faster, and under 10 requests for the
//! fields of all models. Also prints the bulk path at 1, 2, 4, 8 and 16 in flight (what
//! `--concurrency`'s default is chosen from).

#[path = "../../bench/ratio.rs"]
mod ratio;

use codegen::fetch::odoo::bulk as fetch_bulk;
use codegen::fetch::odoo::{self as fetch_odoo, DEFAULT_CONCURRENCY};
use codegen::select::Selection;
use runtime::Secret;
use runtime::odoo::OdooClient;
use tests::odoo::{ADMIN_PASSWORD, FakeOdoo, OdooVersion, RequestCost};

/// The per-model path as it ran before the bulk source (16 in flight).
const TODAY_CONCURRENCY: usize = 16;

#[derive(Clone, Copy, PartialEq)]
enum Source {
    Bulk,
    Tables,
    PerModel,
}

fn fake() -> FakeOdoo {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    fake.set_cost_model(Some(RequestCost::odoo18().into()));
    fake
}

/// One fetch of every model: (models, requests for the fields, seconds).
fn fetch(fake: &FakeOdoo, source: Source, concurrency: usize) -> (usize, usize, f64) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let t = std::time::Instant::now();
    let (models, field_requests) = rt.block_on(async {
        let client = OdooClient::builder(fake.url())
            .database(fake.db())
            .login("admin")
            .secret(Secret::password(ADMIN_PASSWORD))
            .connect()
            .await
            .expect("connect");
        let all = Selection::default();
        let (schema, stats) = match source {
            Source::Bulk => fetch_bulk::odoo(&client, &all, concurrency, &|_, _| {}).await,
            Source::Tables => fetch_bulk::tables_only(&client, &all, concurrency, &|_, _| {}).await,
            Source::PerModel => fetch_odoo::odoo(&client, &all, concurrency, &|_, _| {}).await,
        }
        .expect("fetch");
        assert!(stats.failed.is_empty(), "{:?}", stats.failed);
        // Requests after the ir.model read.
        (schema.models.len(), stats.calls - 1)
    });
    (models, field_requests, t.elapsed().as_secs_f64())
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn bulk(b: divan::Bencher) {
    let fake = fake();
    b.bench_local(|| fetch(&fake, Source::Bulk, DEFAULT_CONCURRENCY));
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn tables_only(b: divan::Bencher) {
    let fake = fake();
    b.bench_local(|| fetch(&fake, Source::Tables, DEFAULT_CONCURRENCY));
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn per_model_fields_get(b: divan::Bencher) {
    let fake = fake();
    b.bench_local(|| fetch(&fake, Source::PerModel, TODAY_CONCURRENCY));
}

fn main() {
    divan::main();
    let fake = fake();
    // Untimed: the fake derives its ir.model.fields tables from every fields_get recording on
    // first use (once per process), which no real server does per fetch.
    fake.set_cost_model(None);
    fetch(&fake, Source::Bulk, DEFAULT_CONCURRENCY);
    fake.set_cost_model(Some(RequestCost::odoo18().into()));
    let rounds = ratio::rounds(3);
    let mut bulk_out = (0, 0, 0.0);
    let mut tables_out = (0, 0, 0.0);
    let mut today_out = (0, 0, 0.0);
    let times = ratio::interleaved(
        rounds,
        &mut [
            ratio::Side {
                name: "bulk",
                run: &mut || bulk_out = fetch(&fake, Source::Bulk, DEFAULT_CONCURRENCY),
            },
            ratio::Side {
                name: "tables",
                run: &mut || tables_out = fetch(&fake, Source::Tables, DEFAULT_CONCURRENCY),
            },
            ratio::Side {
                name: "today",
                run: &mut || today_out = fetch(&fake, Source::PerModel, TODAY_CONCURRENCY),
            },
        ],
    );
    ratio::header(
        "fetch odoo fields: fake Odoo 18, 512 recorded models, server CPU cost of a real Odoo 18",
    );
    println!(
        "  bulk ({DEFAULT_CONCURRENCY} in flight): {}, {} requests for the fields of {} models",
        ratio::fmt_time(times[0]),
        bulk_out.1,
        bulk_out.0
    );
    println!(
        "  tables only (--fields-source tables): {}, {} requests for the fields of {} models",
        ratio::fmt_time(times[1]),
        tables_out.1,
        tables_out.0
    );
    println!(
        "  today (one fields_get per model, {TODAY_CONCURRENCY} in flight): {}, {} requests",
        ratio::fmt_time(times[2]),
        today_out.1
    );
    ratio::ratio_line("fetch", "bulk", times[0], "today", times[2]);
    ratio::ratio_line("fetch", "tables", times[1], "today", times[2]);
    for (name, time, requests) in [
        ("exact bulk", times[0], bulk_out.1),
        ("tables only", times[1], tables_out.1),
    ] {
        println!(
            "  {name}: {:.2}x faster (target >= 3x), {requests} requests (target < 10)",
            times[2] / time
        );
    }
    assert_eq!(bulk_out.0, today_out.0, "the same models");
    assert_eq!(tables_out.0, today_out.0, "the same models");
    // What the client and the fake spend alone (no server cost): the floor under both.
    fake.set_cost_model(None);
    let (_, _, bulk_free) = fetch(&fake, Source::Bulk, DEFAULT_CONCURRENCY);
    let (_, _, tables_free) = fetch(&fake, Source::Tables, DEFAULT_CONCURRENCY);
    let (_, _, today_free) = fetch(&fake, Source::PerModel, TODAY_CONCURRENCY);
    println!(
        "  without server cost (client + fake CPU only): bulk {}, tables {}, today {}",
        ratio::fmt_time(bulk_free),
        ratio::fmt_time(tables_free),
        ratio::fmt_time(today_free)
    );
    fake.set_cost_model(Some(RequestCost::odoo18().into()));
    if rounds > 1 || std::env::var_os("BENCH_SWEEP").is_some() {
        for concurrency in [1, 2, 4, 8, 16] {
            let (_, _, secs) = fetch(&fake, Source::Bulk, concurrency);
            println!(
                "  bulk, {concurrency:>2} in flight: {}",
                ratio::fmt_time(secs)
            );
        }
    }
}
