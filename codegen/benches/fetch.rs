//! `codegen fetch odoo` against the fake Odoo 18 server: its 512 recorded models grown to
//! 1,000 with synthetic ones, every request answered after 20 ms of injected latency.
//!
//! `cargo bench -p codegen --bench fetch`. In-run baseline: the same fetch one `fields_get`
//! at a time (on the first 100 models, scaled to all), what a serial reader would take.
//! Target: under 10 s for the 1,000 models (serial: over 20 s). The summary reports the
//! requests made.

#[path = "../../bench/ratio.rs"]
mod ratio;

use std::time::{Duration, Instant};

use codegen::fetch::{self, odoo::DEFAULT_CONCURRENCY};
use runtime::Secret;
use runtime::odoo::OdooClient;
use tests::odoo::{ADMIN_PASSWORD, FakeOdoo, OdooVersion};

const MODELS: usize = 1_000;
const LATENCY: Duration = Duration::from_millis(20);
const SERIAL_SAMPLE: usize = 100;

fn fake(models: usize) -> FakeOdoo {
    let recorded = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let have = recorded.records("ir.model").len();
    drop(recorded);
    let fake = FakeOdoo::builder(OdooVersion::V18)
        .seed_demo(false)
        .extra_models(models.saturating_sub(have))
        .start();
    fake.faults().set_latency(LATENCY);
    fake
}

/// Fetch every model (or the first `only` of them), `concurrency` at a time:
/// (models in the snapshot, requests the server saw, seconds).
fn fetch(fake: &FakeOdoo, concurrency: usize, only: Option<usize>) -> (usize, usize, f64) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    fake.clear_requests();
    let filters: Vec<String> = match only {
        Some(n) => fake
            .records("ir.model")
            .iter()
            .filter_map(|r| r["model"].as_str().map(str::to_owned))
            .take(n)
            .collect(),
        None => Vec::new(),
    };
    let t = Instant::now();
    let schema = rt.block_on(async {
        let client = OdooClient::builder(fake.url())
            .database(fake.db())
            .login("admin")
            .secret(Secret::password(ADMIN_PASSWORD))
            .connect()
            .await
            .expect("connect");
        let (schema, stats) = fetch::odoo::odoo(
            &client,
            &codegen::select::Selection::models(&filters),
            concurrency,
            &|_, _| {},
        )
        .await
        .expect("fetch");
        assert!(stats.failed.is_empty(), "{:?}", stats.failed);
        schema
    });
    (
        schema.models.len(),
        fake.request_count(),
        t.elapsed().as_secs_f64(),
    )
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn fetch_1000_models_20ms(b: divan::Bencher) {
    let fake = fake(MODELS);
    b.bench_local(|| fetch(&fake, DEFAULT_CONCURRENCY, None));
}

fn main() {
    divan::main();
    let test = std::env::args().any(|a| a == "--test");
    let fake = fake(MODELS);
    let sample = if test { 10 } else { SERIAL_SAMPLE };
    let (n_serial, _, serial) = fetch(&fake, 1, Some(sample));
    let (models, requests, concurrent) = fetch(&fake, DEFAULT_CONCURRENCY, None);
    let serial_all = serial * models as f64 / n_serial as f64;
    ratio::header(&format!(
        "fetch odoo: {models} models (512 recorded + synthetic), {} ms latency per request",
        LATENCY.as_millis()
    ));
    println!(
        "  {DEFAULT_CONCURRENCY} in flight: {}  ({requests} requests: {} to sign in, 1 ir.model search_read, {models} fields_get)",
        ratio::fmt_time(concurrent),
        requests.saturating_sub(models + 1),
    );
    println!(
        "  serial (1 in flight, {n_serial} models measured, scaled to {models}): {}",
        ratio::fmt_time(serial_all)
    );
    ratio::ratio_line("fetch", "concurrent", concurrent, "serial", serial_all);
    println!("  target < 10 s: {:.2}x of it", concurrent / 10.0);
    assert_eq!(models, MODELS, "every model fetched");
}
