//! Calls and time to read 100 sale orders with their customer and their lines' products,
//! against the fake Odoo: one nested `web_search_read` (17+), the per-level fallback (one
//! `read` per relation, as on 16) and naive per-record reads (OdooRPC's lazy browse: one
//! call per record followed).
//!
//! `cargo bench -p tests --bench nested` (add `-- --rtt-ms 5` to simulate a network round
//! trip per request; default: 0 and 2 ms).

use std::time::{Duration, Instant};

use runtime::odoo::{OdooClient, Strategy};
use runtime::{Domain, Model, Ref, Secret};
use serde_json::{Value, json};
use tests::odoo::{ADMIN_PASSWORD, FakeOdoo, OdooVersion};

#[derive(Debug, Clone, PartialEq, Model)]
#[model(odoo = "res.partner", readonly)]
struct PartnerCard {
    id: i64,
    display_name: Option<String>,
    email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[model(odoo = "product.product", readonly)]
struct ProductCard {
    id: i64,
    display_name: Option<String>,
    default_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[model(odoo = "sale.order.line", readonly)]
struct LineSummary {
    id: i64,
    product_id: Option<Ref<ProductCard>>,
    product_uom_qty: f64,
    price_subtotal: f64,
}

#[derive(Debug, Clone, PartialEq, Model)]
#[model(odoo = "sale.order", readonly)]
struct OrderView {
    id: i64,
    name: String,
    partner_id: Option<Ref<PartnerCard>>,
    order_line: Vec<LineSummary>,
}

const ORDERS: i64 = 100;
const RUNS: usize = 5;

fn seeded(v: OdooVersion) -> FakeOdoo {
    let fake = FakeOdoo::builder(v).seed_demo(false).start();
    fake.seed_many("res.partner", 20, |i| {
        json!({"id": 1001 + i, "name": format!("Customer {i}"), "email": format!("c{i}@example.com")})
    });
    fake.seed_many("product.product", 12, |i| {
        json!({"id": 2001 + i, "name": format!("Product {i}"), "default_code": format!("P{i:02}")})
    });
    let mut lines = Vec::new();
    let orders: Vec<Value> = (1..=ORDERS)
        .map(|o| {
            let ids: Vec<i64> = (0..1 + o % 5)
                .map(|k| {
                    let id = 10_000 + lines.len() as i64;
                    lines.push(
                        json!({"id": id, "order_id": o, "product_id": 2001 + (o + k) % 12,
                                      "product_uom_qty": 1.0, "price_subtotal": 10.0}),
                    );
                    id
                })
                .collect();
            json!({"id": o, "name": format!("S{o:05}"), "partner_id": 1001 + o % 20,
                   "state": "sale", "order_line": ids})
        })
        .collect();
    fake.seed_many("sale.order", orders.len(), |i| orders[i].clone());
    fake.seed_many("sale.order.line", lines.len(), |i| lines[i].clone());
    fake
}

fn domain() -> Domain {
    Domain::leaf("state", "=", "sale")
}

async fn nested(client: &OdooClient, strategy: Strategy) -> usize {
    let found = client
        .search_nested::<OrderView>(domain())
        .order("id")
        .limit(ORDERS as u64)
        .strategy(strategy)
        .await
        .expect("nested read");
    found.records.len()
}

/// What a lazy-browse client does: search, then one `read` per record it follows.
async fn per_record(client: &OdooClient) -> usize {
    let ids = client
        .search::<OrderView>(domain())
        .order("id")
        .limit(ORDERS as u64)
        .await
        .expect("search");
    let mut n = 0;
    for id in ids {
        let order: Vec<Value> = client
            .model("sale.order")
            .read([id])
            .fields(["name", "partner_id", "order_line"])
            .await
            .expect("read order");
        let order = &order[0];
        if let Some(pid) = order["partner_id"][0].as_i64() {
            let _partner: Vec<Value> = client
                .model("res.partner")
                .read([pid])
                .fields(["display_name", "email"])
                .await
                .expect("read partner");
        }
        for line_id in order["order_line"].as_array().into_iter().flatten() {
            let line: Vec<Value> = client
                .model("sale.order.line")
                .read([line_id.as_i64().unwrap_or_default()])
                .fields(["product_id", "product_uom_qty", "price_subtotal"])
                .await
                .expect("read line");
            if let Some(prod) = line[0]["product_id"][0].as_i64() {
                let _product: Vec<Value> = client
                    .model("product.product")
                    .read([prod])
                    .fields(["display_name", "default_code"])
                    .await
                    .expect("read product");
            }
        }
        n += 1;
    }
    n
}

#[derive(Clone, Copy, PartialEq)]
enum Way {
    Nested,
    PerLevel,
    PerRecord,
}

impl Way {
    fn label(self) -> &'static str {
        match self {
            Way::Nested => "nested (1 web_search_read)",
            Way::PerLevel => "per level (read per relation)",
            Way::PerRecord => "per record (lazy browse)",
        }
    }
}

/// Calls per read and the median time of `RUNS` reads.
async fn measure(fake: &FakeOdoo, client: &OdooClient, way: Way) -> (usize, Duration) {
    let mut times = Vec::with_capacity(RUNS);
    let mut calls = 0;
    for _ in 0..RUNS {
        fake.clear_requests();
        let start = Instant::now();
        let n = match way {
            Way::Nested => nested(client, Strategy::Nested).await,
            Way::PerLevel => nested(client, Strategy::Batched).await,
            Way::PerRecord => per_record(client).await,
        };
        times.push(start.elapsed());
        assert_eq!(n, ORDERS as usize);
        calls = fake
            .requests()
            .iter()
            .filter(|r| r.call().is_some())
            .count();
    }
    times.sort();
    (calls, times[RUNS / 2])
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rtts: Vec<u64> = match args.iter().position(|a| a == "--rtt-ms") {
        Some(i) => args
            .get(i + 1)
            .and_then(|s| s.parse().ok())
            .into_iter()
            .collect(),
        None => vec![0, 2],
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        for (v, ways) in [
            (
                OdooVersion::V18,
                &[Way::Nested, Way::PerLevel, Way::PerRecord][..],
            ),
            (OdooVersion::V16, &[Way::PerLevel, Way::PerRecord][..]),
        ] {
            let fake = seeded(v);
            let client = OdooClient::connect(
                fake.url(),
                fake.db(),
                "admin",
                Secret::password(ADMIN_PASSWORD),
            )
            .await
            .expect("connect");
            for rtt in &rtts {
                fake.faults()
                    .set_latency(Duration::from_millis(*rtt));
                println!(
                    "Odoo {v}, {ORDERS} sale orders with customer and lines' products, +{rtt} ms per request (median of {RUNS}):"
                );
                let mut base: Option<(usize, Duration)> = None;
                for way in ways {
                    let (calls, time) = measure(&fake, &client, *way).await;
                    let ratio = match base {
                        None => {
                            base = Some((calls, time));
                            String::new()
                        }
                        Some((c, t)) => format!(
                            "  ({:.0}x the calls, {:.1}x the time of the first)",
                            calls as f64 / c as f64,
                            time.as_secs_f64() / t.as_secs_f64()
                        ),
                    };
                    println!(
                        "  {:<32} {calls:>5} calls {:>10.2} ms{ratio}",
                        way.label(),
                        time.as_secs_f64() * 1e3
                    );
                }
            }
            fake.faults().clear();
        }
    });
}
