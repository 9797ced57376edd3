//! What a typed read of 10,000 res.partner costs against a server that charges what a real
//! Odoo 18 charges (the fake's cost model, issue 20): the generated `ResPartner` read by
//! default (stored fields + `display_name`), the stored-only field list a Python client would
//! ask for, a 28-field `#[derive(Model)]` projection, and every field of the struct
//! (`.all_fields()`, what the generated type read before). Target: default / stored-only ≤ 1.2x.
//!
//! The cost model's times are the measured ones scaled down (`SCALE`) so the bench runs in
//! seconds; the ratios are those of the real server. `cargo bench -p tests --bench typed_read`.

#[path = "../../bench/ratio.rs"]
mod ratio;

use std::future::IntoFuture as _;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use generated::odoo::res_partner::ResPartner;
use runtime::odoo::wire::{AnyModel, Many2One, X2Many};
use runtime::{Model, OdooClient, Secret};
use serde_json::{Value, json};
use tests::odoo::{ADMIN_PASSWORD, CostModel, FakeOdoo, OdooVersion, ReadCost};

const RECORDS: u64 = 10_000;
/// The measured per-field costs times this (62.96 s for all fields becomes about 16 s): enough
/// that the fake's own work (about 2 s for 10,000 partners of 107 fields on a loaded 2-core
/// machine) stays below what the model charges, so the ratios are the model's.
const SCALE: f64 = 0.25;

/// A partner as a list view shows it: 28 stored fields.
#[derive(Debug, Clone, Model)]
#[model(odoo = "res.partner", readonly)]
#[allow(dead_code)]
struct PartnerRow {
    id: i64,
    name: Option<String>,
    display_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    mobile: Option<String>,
    street: Option<String>,
    street2: Option<String>,
    city: Option<String>,
    zip: Option<String>,
    state_id: Option<Many2One<AnyModel>>,
    country_id: Option<Many2One<AnyModel>>,
    vat: Option<String>,
    r#ref: Option<String>,
    lang: Option<String>,
    tz: Option<String>,
    is_company: bool,
    parent_id: Option<Many2One<AnyModel>>,
    user_id: Option<Many2One<AnyModel>>,
    company_id: Option<Many2One<AnyModel>>,
    active: bool,
    website: Option<String>,
    function: Option<String>,
    comment: Option<String>,
    category_id: X2Many<AnyModel>,
    barcode: Option<String>,
    create_date: Option<DateTime<Utc>>,
    write_date: Option<DateTime<Utc>>,
}

struct Setup {
    rt: tokio::runtime::Runtime,
    client: OdooClient,
    stored: Vec<String>,
    _fake: FakeOdoo,
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    fake.seed_many("res.partner", RECORDS as usize, |i| {
        json!({
            "name": format!("Partner {i:06}"), "is_company": i % 5 == 0,
            "email": format!("partner{i}@example.com"), "phone": format!("+1 555 {:04}", i % 10_000),
            "street": format!("{} Main Street", i % 500), "city": "San Francisco", "zip": "94134",
            "country_id": [233, "United States"], "lang": "en_US", "tz": "America/Los_Angeles",
            "comment": "<p>Bulk</p>", "ref": format!("P{i:06}"), "active": true,
        })
    });
    fake.set_cost_model(Some(CostModel::from(ReadCost::odoo18()).scaled(SCALE)));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = rt
        .block_on(
            OdooClient::builder(fake.url())
                .database(fake.db())
                .login("admin")
                .secret(Secret::password(ADMIN_PASSWORD))
                .connect(),
        )
        .expect("connect");
    // What a Python client that prefetches stored fields asks for: every stored, non-binary field.
    let described: serde_json::Map<String, Value> = rt
        .block_on(client.model("res.partner").fields_get().into_future())
        .expect("fields_get");
    let stored = described
        .iter()
        .filter(|(_, d)| d["store"] == json!(true) && d["type"] != json!("binary"))
        .map(|(name, _)| name.clone())
        .collect();
    Setup {
        rt,
        client,
        stored,
        _fake: fake,
    }
});

fn default_read(s: &Setup) -> usize {
    let q = s.client.search_read::<ResPartner>(()).limit(RECORDS);
    s.rt.block_on(q.into_future()).expect("default").len()
}

fn stored_only(s: &Setup) -> usize {
    let q = s
        .client
        .search_read::<ResPartner>(())
        .fields(&s.stored)
        .limit(RECORDS);
    s.rt.block_on(q.into_future()).expect("stored").len()
}

fn projection(s: &Setup) -> usize {
    let q = s.client.search_read::<PartnerRow>(()).limit(RECORDS);
    s.rt.block_on(q.into_future()).expect("projection").len()
}

fn all_fields(s: &Setup) -> usize {
    let q = s
        .client
        .search_read::<ResPartner>(())
        .all_fields()
        .limit(RECORDS);
    s.rt.block_on(q.into_future()).expect("all").len()
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn generated_default() -> usize {
    default_read(&SETUP)
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn stored_field_list() -> usize {
    stored_only(&SETUP)
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn projection_28_fields() -> usize {
    projection(&SETUP)
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn generated_all_fields() -> usize {
    all_fields(&SETUP)
}

fn main() {
    divan::main();
    let s = &*SETUP;
    assert_eq!(default_read(s) as u64, RECORDS);
    let rounds = ratio::rounds(3);
    ratio::header(&format!(
        "typed read of {RECORDS} res.partner, fake Odoo 18 with the measured cost model x{SCALE}"
    ));
    println!(
        "  fields asked: default {} (of {} held), stored-only {}, projection {}, all {}",
        ResPartner::FIELDS.len(),
        ResPartner::FIELDS.len() + ResPartner::COMPUTED.len(),
        s.stored.len(),
        PartnerRow::FIELDS.len(),
        ResPartner::FIELDS.len() + ResPartner::COMPUTED.len(),
    );
    let t = ratio::interleaved(
        rounds,
        &mut [
            ratio::Side {
                name: "default",
                run: &mut || {
                    default_read(s);
                },
            },
            ratio::Side {
                name: "stored-only",
                run: &mut || {
                    stored_only(s);
                },
            },
            ratio::Side {
                name: "projection",
                run: &mut || {
                    projection(s);
                },
            },
        ],
    );
    let all = ratio::interleaved(
        1,
        &mut [ratio::Side {
            name: "all",
            run: &mut || {
                all_fields(s);
            },
        }],
    )[0];
    ratio::ratio_line(
        "generated default vs stored fields",
        "default",
        t[0],
        "stored",
        t[1],
    );
    ratio::ratio_line(
        "projection vs stored fields",
        "projection",
        t[2],
        "stored",
        t[1],
    );
    ratio::ratio_line(
        "every field (.all_fields()) vs stored fields",
        "all",
        all,
        "stored",
        t[1],
    );
    let target = t[0] / t[1];
    println!(
        "  target default/stored-only <= 1.2x: {}",
        if target <= 1.2 { "met" } else { "NOT met" }
    );
}
