//! What reading as the signed-in user costs: the first typed read of a model with the
//! read-access check (one `fields_get`, one `ir.model.access.check` per one2many comodel on
//! 16–18, per x2many comodel on 19, then the read) against the same read with the check turned
//! off, and the later reads (served from the client's cache: should be 1.0x). Against the fake
//! Odoo 18 as admin, who may read everything, so both sides send the same read; `sale.order`
//! (128 fields, 7 one2many comodels) is a heavy common case. The probes run one after the
//! other on the client's one connection.
//!
//! `cargo bench -p tests --bench read_access` (`BENCH_RTT_MS=5` simulates a network round
//! trip per request; default: 0 and 2 ms). The summary prints the ratios.

#[path = "../../bench/ratio.rs"]
mod ratio;

use std::time::Duration;

use generated::odoo::sale_order::SaleOrder;
use runtime::{Domain, OdooClient, Secret};
use tests::odoo::{ADMIN_PASSWORD, FakeOdoo, OdooVersion};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime")
}

async fn connect(fake: &FakeOdoo, check: bool) -> OdooClient {
    OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .secret(Secret::password(ADMIN_PASSWORD))
        .check_read_access(check)
        .connect()
        .await
        .expect("connect")
}

async fn read(client: &OdooClient) -> usize {
    client
        .search_read::<SaleOrder>(Domain::all())
        .limit(40)
        .await
        .expect("typed read")
        .len()
}

#[divan::bench(sample_count = 10, sample_size = 5)]
fn later_reads_with_the_check(b: divan::Bencher) {
    let fake = FakeOdoo::start(OdooVersion::V18);
    let rt = rt();
    let client = rt.block_on(connect(&fake, true));
    rt.block_on(read(&client));
    b.bench_local(|| rt.block_on(read(&client)));
}

#[divan::bench(sample_count = 10, sample_size = 5)]
fn later_reads_without_the_check(b: divan::Bencher) {
    let fake = FakeOdoo::start(OdooVersion::V18);
    let rt = rt();
    let client = rt.block_on(connect(&fake, false));
    b.bench_local(|| rt.block_on(read(&client)));
}

fn compare(rtt_ms: u64) {
    let fake = FakeOdoo::start(OdooVersion::V18);
    fake.faults().set_latency(Duration::from_millis(rtt_ms));
    let rt = rt();
    let rounds = ratio::rounds(15);

    // First reads: a fresh client per round (connected outside the timed part).
    let mut checked: Vec<OdooClient> = (0..rounds)
        .map(|_| rt.block_on(connect(&fake, true)))
        .collect();
    let mut unchecked: Vec<OdooClient> = (0..rounds)
        .map(|_| rt.block_on(connect(&fake, false)))
        .collect();
    let before = fake.request_count();
    rt.block_on(read(&checked[0]));
    let first_requests = fake.request_count() - before;
    let times = ratio::interleaved(
        rounds,
        &mut [
            ratio::Side {
                name: "checked",
                run: &mut || {
                    let c = checked.pop().expect("a fresh client");
                    rt.block_on(read(&c));
                },
            },
            ratio::Side {
                name: "unchecked",
                run: &mut || {
                    let c = unchecked.pop().expect("a fresh client");
                    rt.block_on(read(&c));
                },
            },
        ],
    );
    ratio::header(&format!(
        "read-access check, {rtt_ms} ms per request: typed search_read of 40 sale.order \
         ({} requests for the first checked read, 1 unchecked)",
        first_requests
    ));
    ratio::ratio_line(
        "first read of a model",
        "checked",
        times[0],
        "unchecked",
        times[1],
    );

    // Later reads: one warm client each.
    let warm_checked = rt.block_on(connect(&fake, true));
    let warm_unchecked = rt.block_on(connect(&fake, false));
    rt.block_on(read(&warm_checked));
    rt.block_on(read(&warm_unchecked));
    let times = ratio::interleaved(
        rounds,
        &mut [
            ratio::Side {
                name: "checked",
                run: &mut || {
                    rt.block_on(read(&warm_checked));
                },
            },
            ratio::Side {
                name: "unchecked",
                run: &mut || {
                    rt.block_on(read(&warm_unchecked));
                },
            },
        ],
    );
    ratio::ratio_line("later reads", "checked", times[0], "unchecked", times[1]);
}

fn main() {
    divan::main();
    let rtts: Vec<u64> = match std::env::var("BENCH_RTT_MS")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        Some(ms) => vec![ms],
        None => vec![0, 2],
    };
    for rtt in rtts {
        compare(rtt);
    }
}
