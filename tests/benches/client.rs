//! End to end against the fake Odoo 18 server, in one process:
//!
//! * client overhead: typed `search_read` of the 40 recorded partners (every field of the
//!   generated `ResPartner`), client CPU time against the server's, over one TCP connection;
//! * paging 100,000 partners into `ResPartner`, 1,000 a page: the client's peak heap against
//!   one decoded page (a counting global allocator, counting the client's thread only).
//!
//! `cargo bench -p tests --bench client`; the summary at the end prints the ratios.

#[path = "../../bench/ratio.rs"]
mod ratio;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::IntoFuture as _;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use generated::odoo::res_partner::ResPartner;
use runtime::{OdooClient, Secret};
use serde_json::json;
use tests::odoo::{ADMIN_PASSWORD, FakeOdoo, OdooVersion};

// ---------------------------------------------------------------------------
// heap of the client's thread

struct Counting;

thread_local! {
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn counted() -> bool {
    COUNTED.try_with(Cell::get).unwrap_or(false)
}

fn add(n: isize) {
    let live = LIVE.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counted() {
            add(layout.size() as isize);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if counted() {
            add(-(layout.size() as isize));
        }
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        if counted() {
            add(new as isize - layout.size() as isize);
        }
        unsafe { System.realloc(ptr, layout, new) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Count this thread's allocations from now on; returns the live bytes counted so far.
fn count_this_thread() -> isize {
    COUNTED.with(|c| c.set(true));
    LIVE.load(Ordering::Relaxed)
}

fn reset_peak() -> isize {
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.store(live, Ordering::Relaxed);
    live
}

// ---------------------------------------------------------------------------
// CPU time

fn cpu(who: libc::c_int) -> Duration {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct it is given.
    let rc = unsafe { libc::getrusage(who, &mut u) };
    assert_eq!(rc, 0, "getrusage");
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

/// (client thread, whole process) CPU time.
fn cpu_now() -> (Duration, Duration) {
    (cpu(libc::RUSAGE_THREAD), cpu(libc::RUSAGE_SELF))
}

// ---------------------------------------------------------------------------

/// The client runs on this (main) thread alone: a current-thread runtime.
fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

async fn connect(fake: &FakeOdoo) -> OdooClient {
    OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .secret(Secret::password(ADMIN_PASSWORD))
        .connect()
        .await
        .expect("connect")
}

async fn typed_call(client: &OdooClient) -> usize {
    client
        .search_read::<ResPartner>(())
        .limit(40)
        .await
        .expect("search_read")
        .len()
}

#[divan::bench(sample_count = 10, sample_size = 5)]
fn search_read_40_partners(b: divan::Bencher) {
    let fake = FakeOdoo::start(OdooVersion::V18);
    let rt = rt();
    let client = rt.block_on(connect(&fake));
    b.bench_local(|| rt.block_on(typed_call(&client)));
}

fn overhead(calls: usize) {
    let fake = FakeOdoo::start(OdooVersion::V18);
    let rt = rt();
    let client = rt.block_on(connect(&fake));
    // Warm up (first-call allocations, the connection), then measure.
    rt.block_on(typed_call(&client));
    let before_conns = fake.connections_accepted();
    let (c0, p0) = cpu_now();
    let t = Instant::now();
    let mut records = 0;
    for _ in 0..calls {
        records += rt.block_on(typed_call(&client));
    }
    let wall = t.elapsed();
    let (c1, p1) = cpu_now();
    let client_cpu = c1 - c0;
    let server_cpu = (p1 - p0).saturating_sub(client_cpu);
    ratio::header(&format!(
        "client overhead: {calls} typed search_read calls of 40 res.partner records (all {} fields)",
        <ResPartner as runtime::Model>::FIELDS.len()
    ));
    println!(
        "  client CPU / server CPU = {:.2}x  (client {:.2} ms/call, server {:.2} ms/call, wall {:.2} ms/call, {records} records)",
        client_cpu.as_secs_f64() / server_cpu.as_secs_f64(),
        client_cpu.as_secs_f64() * 1e3 / calls as f64,
        server_cpu.as_secs_f64() * 1e3 / calls as f64,
        wall.as_secs_f64() * 1e3 / calls as f64,
    );
    println!(
        "  client CPU / wall = {:.2}x",
        client_cpu.as_secs_f64() / wall.as_secs_f64()
    );
    println!(
        "  TCP connections: {} for login and {} calls ({} requests in all)",
        fake.connections_accepted(),
        calls + 1,
        fake.request_count()
    );
    assert_eq!(fake.connections_accepted(), before_conns);
    assert_eq!(
        fake.connections_accepted(),
        1,
        "one connection for the whole sequence"
    );
}

fn paging(total: usize, page: u64) {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    // Partners as a form fills them: a dozen set fields, the rest empty.
    fake.seed_many("res.partner", total, |i| {
        json!({
            "name": format!("Partner {i:06}"), "is_company": i % 5 == 0,
            "email": format!("partner{i}@example.com"), "phone": format!("+1 555 {:04}", i % 10_000),
            "street": format!("{} Main Street", i % 500), "city": "San Francisco", "zip": "94134",
            "country_id": [233, "United States"], "lang": "en_US", "tz": "America/Los_Angeles",
            "comment": "<p>Bulk</p>", "ref": format!("P{i:06}"), "active": true,
        })
    });
    let rt = rt();
    let base = count_this_thread();
    let client = rt.block_on(connect(&fake));

    // One decoded page, held: what the caller keeps.
    let before = LIVE.load(Ordering::Relaxed);
    let one = rt
        .block_on(
            client
                .search_read::<ResPartner>(())
                .limit(page)
                .into_future(),
        )
        .expect("one page");
    let one_page = LIVE.load(Ordering::Relaxed) - before;
    assert_eq!(one.len() as u64, page);
    drop(one);

    let start = reset_peak();
    let t = Instant::now();
    let mut seen = 0;
    rt.block_on(async {
        let mut pages = Box::pin(client.search_read::<ResPartner>(()).pages(page));
        while let Some(p) = pages.next().await {
            seen += p.expect("page").len();
        }
    });
    let peak = PEAK.load(Ordering::Relaxed) - start;
    let wall = t.elapsed();
    assert_eq!(seen, total);
    ratio::header(&format!(
        "paging: {total} res.partner records into ResPartner, {page} a page"
    ));
    println!(
        "  peak client heap while paging / one decoded page = {:.2}x  (peak {:.1} MB above the {:.1} MB before, one page {:.1} MB, {:.2} s)",
        peak as f64 / one_page as f64,
        peak as f64 / 1e6,
        (start - base) as f64 / 1e6,
        one_page as f64 / 1e6,
        wall.as_secs_f64()
    );
}

fn main() {
    divan::main();
    let test = std::env::args().any(|a| a == "--test");
    overhead(if test { 3 } else { 300 });
    if test {
        paging(3_000, 1_000);
    } else {
        paging(100_000, 1_000);
    }
}
