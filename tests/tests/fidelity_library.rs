//! The fake Odoo server as a library for an app's own tests: start on port 0 (or a chosen
//! port), seed typed records through the same validation as a client's `create`, inspect what
//! the app wrote decoded as the client decodes it, switch faults on and off, shut down on drop;
//! and the large demo database (`seed_demo_large`) is consistent on every version.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use runtime::odoo::OdooClient;
use runtime::odoo::wire::{AnyModel, Many2One};
use runtime::{CreateValues, Domain, Model, Secret};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tests::odoo::{ADMIN_PASSWORD, FakeOdoo, LARGE_DEMO, OdooVersion};

/// What an app's own record type looks like (a generated struct has the same shape).
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Partner {
    id: i64,
    name: String,
    #[serde(default, deserialize_with = "runtime::odoo::wire::nullable")]
    email: Option<String>,
    #[serde(default, deserialize_with = "runtime::odoo::wire::nullable")]
    parent_id: Option<Many2One<AnyModel>>,
    #[serde(default)]
    child_ids: Vec<i64>,
    is_company: bool,
}

impl Model for Partner {
    const MODEL: &'static str = "res.partner";
    const FIELDS: &'static [&'static str] =
        &["name", "email", "parent_id", "child_ids", "is_company"];
    fn id(&self) -> i64 {
        self.id
    }
}

/// Create values as generated bindings emit them: unset fields are left out.
#[derive(Debug, Default, Serialize)]
struct PartnerCreate {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_id: Option<Many2One<AnyModel>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_company: Option<bool>,
    /// A selection: `contact`, `invoice`, `delivery`, `other` (Odoo 18).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
}

impl CreateValues for PartnerCreate {
    type Model = Partner;
}

/// Values with a field res.partner does not have (a typo in an app's hand-written type).
#[derive(Serialize)]
struct PartnerWithTypo {
    name: String,
    emial: String,
}

impl CreateValues for PartnerWithTypo {
    type Model = Partner;
}

#[test]
fn starts_on_a_free_port_by_default_and_on_a_chosen_one() {
    let fake = FakeOdoo::start(OdooVersion::V18);
    assert_ne!(fake.addr().port(), 0);
    assert!(fake.addr().ip().is_loopback(), "{}", fake.addr());
    assert_eq!(fake.url(), format!("http://{}", fake.addr()));

    // a port known to be free a moment ago
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let fake = FakeOdoo::builder(OdooVersion::V18).port(port).start();
    assert_eq!(fake.addr(), SocketAddr::from((Ipv4Addr::LOCALHOST, port)));
}

#[test]
fn a_port_in_use_is_an_error_from_try_start() {
    let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let err = FakeOdoo::builder(OdooVersion::V18)
        .port(port)
        .try_start()
        .expect_err("the port is taken");
    assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse, "{err}");
    assert!(err.to_string().contains(&port.to_string()), "{err}");
}

#[test]
fn seed_validates_like_create_and_records_as_reads_back() {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let company = fake.seed(&PartnerCreate {
        name: "Seeded Company".into(),
        email: Some("hello@seeded.example.com".into()),
        is_company: Some(true),
        ..Default::default()
    });
    let contact = fake.seed(&PartnerCreate {
        name: "Seeded Contact".into(),
        parent_id: Some(Many2One::new(company)),
        kind: Some("invoice".into()),
        ..Default::default()
    });

    let all: Vec<Partner> = fake.records_as();
    assert_eq!(
        all.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![company, contact]
    );
    let company_rec = fake.record_as::<Partner>(company).expect("company");
    assert_eq!(
        company_rec.email.as_deref(),
        Some("hello@seeded.example.com")
    );
    assert!(company_rec.is_company);
    // the one2many follows the contact's many2one, as on a real server
    assert_eq!(company_rec.child_ids, vec![contact]);
    let contact_rec = fake.record_as::<Partner>(contact).expect("contact");
    let parent = contact_rec.parent_id.expect("parent_id");
    assert_eq!(
        (parent.id, parent.name()),
        (company, Some("Seeded Company"))
    );
    assert_eq!(contact_rec.email, None, "false decodes to None");

    // the wire rows are what a client receives: many2one as [id, name], empty as false
    let rows = fake.search_read(
        "res.partner",
        json!([["id", "=", contact]]),
        &["parent_id", "email", "type"],
    );
    assert_eq!(
        rows,
        vec![
            json!({"id": contact, "parent_id": [company, "Seeded Company"], "email": false, "type": "invoice"})
        ]
    );

    // refused like a real create: an unknown field, a selection value that does not exist
    let err = fake
        .try_seed(&PartnerWithTypo {
            name: "x".into(),
            emial: "x@example.com".into(),
        })
        .expect_err("unknown field");
    assert_eq!(err.name, "builtins.ValueError");
    assert_eq!(err.message, "Invalid field 'emial' on model 'res.partner'");
    let err = fake
        .try_seed(&PartnerCreate {
            name: "x".into(),
            kind: Some("nonsense".into()),
            ..Default::default()
        })
        .expect_err("bad selection");
    assert!(
        err.message.contains("Wrong value for res.partner.type"),
        "{err}"
    );
    assert_eq!(fake.records("res.partner").len(), 2, "nothing half-created");
}

#[test]
#[should_panic(expected = "Invalid field 'emial' on model 'res.partner'")]
fn seed_panics_with_odoos_message() {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    fake.seed(&PartnerWithTypo {
        name: "x".into(),
        emial: "x".into(),
    });
}

#[tokio::test]
async fn inspection_decodes_what_an_app_wrote_as_the_client_does() {
    let fake = FakeOdoo::start(OdooVersion::V18);
    let client = OdooClient::connect(
        fake.url(),
        fake.db(),
        "admin",
        Secret::password(ADMIN_PASSWORD),
    )
    .await
    .expect("connect");

    // the app under test writes through the client ...
    let company = client
        .create(&PartnerCreate {
            name: "App Company".into(),
            is_company: Some(true),
            ..Default::default()
        })
        .await
        .expect("create");
    let contact = client
        .create(&PartnerCreate {
            name: "App Contact".into(),
            email: Some("app@example.com".into()),
            parent_id: Some(Many2One::new(company)),
            ..Default::default()
        })
        .await
        .expect("create");

    // ... the test inspects the server side, decoded like the client's own reads
    let mine = fake.search_as::<Partner>(Domain::leaf("name", "like", "App "));
    assert_eq!(
        mine.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![company, contact]
    );
    let domain = Domain::leaf("id", "in", json!([company, contact]));
    let mut via_client: Vec<Partner> = client.search_read::<Partner>(domain).await.expect("read");
    via_client.sort_by_key(|p| p.id);
    assert_eq!(mine, via_client);
    assert_eq!(mine[1].parent_id.as_ref().map(Many2One::id), Some(company));
    assert_eq!(mine[0].child_ids, vec![contact]);
}

#[test]
fn faults_switch_on_and_off_and_drop_stops_the_server() {
    let fake = FakeOdoo::start(OdooVersion::V18);
    let url = format!("{}/jsonrpc", fake.url());
    let version = json!({"jsonrpc": "2.0", "method": "call", "id": 1,
        "params": {"service": "common", "method": "version", "args": []}});
    let http = reqwest::blocking::Client::new();
    let post = || http.post(&url).json(&version).send().expect("request");

    fake.faults().html_502(1);
    let r = post();
    assert_eq!(r.status().as_u16(), 502);
    let r = post();
    assert_eq!(r.status().as_u16(), 200, "one fault, then normal answers");

    fake.faults().status(5, 503, Some(2));
    fake.faults().clear();
    assert_eq!(fake.faults().pending(), 0);
    let r = post();
    assert_eq!(r.status().as_u16(), 200, "cleared faults do not fire");
    let body: Value = r.json().expect("json");
    assert_eq!(body["result"]["server_version"], "18.0");
    assert_eq!(fake.requests().len(), 3);

    let addr = fake.addr();
    drop(fake);
    let refused = TcpStream::connect_timeout(&addr, Duration::from_secs(2));
    assert!(refused.is_err(), "still listening after drop");
}

/// `model` records by id, as stored (many2one as ids).
fn by_id(fake: &FakeOdoo, model: &str) -> BTreeMap<i64, Value> {
    fake.records(model)
        .into_iter()
        .map(|r| (r["id"].as_i64().expect("id"), r))
        .collect()
}

fn ids(v: &Value) -> BTreeSet<i64> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

/// Ids of `model` in `large` that `plain` (the recorded demo) does not have.
fn synthetic(plain: &FakeOdoo, large: &BTreeMap<i64, Value>, model: &str) -> BTreeSet<i64> {
    let recorded: BTreeSet<i64> = by_id(plain, model).into_keys().collect();
    large
        .keys()
        .filter(|id| !recorded.contains(id))
        .copied()
        .collect()
}

#[test]
fn the_large_demo_is_consistent_on_every_version() {
    for v in OdooVersion::ALL {
        let plain = FakeOdoo::start(v);
        let fake = FakeOdoo::builder(v).seed_demo_large(true).start();
        let partners = by_id(&fake, "res.partner");
        let products = by_id(&fake, "product.product");
        let orders = by_id(&fake, "sale.order");
        let lines = by_id(&fake, "sale.order.line");
        let new_partners = synthetic(&plain, &partners, "res.partner");
        let new_products = synthetic(&plain, &products, "product.product");
        let new_orders = synthetic(&plain, &orders, "sale.order");
        let new_lines = synthetic(&plain, &lines, "sale.order.line");
        assert_eq!(new_partners.len(), LARGE_DEMO.partners, "{v}");
        assert_eq!(new_products.len(), LARGE_DEMO.products, "{v}");
        assert_eq!(new_orders.len(), LARGE_DEMO.sale_orders, "{v}");
        assert!(new_lines.len() >= LARGE_DEMO.sale_orders, "{v}");

        // recorded orders are untouched (no synthetic line was added to them)
        for old in plain.records("sale.order") {
            let id = old["id"].as_i64().expect("id");
            assert_eq!(orders[&id], old, "{v}: recorded order {id} changed");
        }

        // every synthetic line belongs to an existing order that lists it, for an existing product
        for id in &new_lines {
            let line = &lines[id];
            let order = line["order_id"].as_i64().expect("order_id");
            assert!(
                new_orders.contains(&order),
                "{v}: line {id} -> order {order}"
            );
            assert!(
                ids(&orders[&order]["order_line"]).contains(id),
                "{v}: order {order} does not list line {id}"
            );
            let product = line["product_id"].as_i64().expect("product_id");
            assert!(
                products.contains_key(&product),
                "{v}: line {id} -> product {product}"
            );
        }

        // every synthetic order: an existing customer that lists it, 1-4 lines, sums that add up
        let mut names = BTreeSet::new();
        for id in &new_orders {
            let order = &orders[id];
            let partner = order["partner_id"].as_i64().expect("partner_id");
            assert!(
                partners.contains_key(&partner),
                "{v}: order {id} -> partner {partner}"
            );
            assert!(
                ids(&partners[&partner]["sale_order_ids"]).contains(id),
                "{v}: partner {partner} does not list order {id}"
            );
            let line_ids = ids(&order["order_line"]);
            assert!(
                (1..=4).contains(&line_ids.len()),
                "{v}: order {id}: {line_ids:?}"
            );
            let subtotal: f64 = line_ids
                .iter()
                .map(|l| lines[l]["price_subtotal"].as_f64().unwrap_or(0.0))
                .sum();
            let untaxed = order["amount_untaxed"].as_f64().expect("amount_untaxed");
            assert!(
                (subtotal - untaxed).abs() < 0.01,
                "{v}: order {id}: {subtotal} vs {untaxed}"
            );
            let name = order["name"].as_str().expect("name").to_string();
            assert!(names.insert(name), "{v}: duplicate order name");
        }

        // synthetic contacts point at a synthetic company that lists them
        let mut contacts = 0;
        for id in &new_partners {
            let p = &partners[id];
            if let Some(parent) = p["parent_id"].as_i64() {
                contacts += 1;
                assert!(
                    new_partners.contains(&parent),
                    "{v}: contact {id} -> {parent}"
                );
                assert!(
                    ids(&partners[&parent]["child_ids"]).contains(id),
                    "{v}: company {parent} does not list contact {id}"
                );
                assert_eq!(partners[&parent]["is_company"], json!(true), "{v}");
            }
        }
        assert_eq!(contacts, LARGE_DEMO.partners * 4 / 5, "{v}");

        // and the server answers from all of it
        let rows = fake.search_read("res.partner", json!([]), &["name"]);
        assert_eq!(rows.len(), partners.len(), "{v}");
    }
}

#[test]
fn the_large_demo_is_deterministic() {
    let a = FakeOdoo::builder(OdooVersion::V18)
        .seed_demo_large(true)
        .start();
    let b = FakeOdoo::builder(OdooVersion::V18)
        .seed_demo_large(true)
        .start();
    for model in [
        "res.partner",
        "product.product",
        "sale.order",
        "sale.order.line",
    ] {
        assert_eq!(a.records(model), b.records(model), "{model}");
    }
    let names = a.search_read(
        "res.partner",
        json!([["is_company", "=", true], ["email", "like", ".example.com"]]),
        &["name", "email"],
    );
    assert!(names.len() >= LARGE_DEMO.partners / 5, "{}", names.len());
}
