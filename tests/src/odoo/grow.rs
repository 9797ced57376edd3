//! A larger demo database, grown deterministically from the recorded records: a few hundred
//! partners, products and sale orders with lines, so that `search_read`, paging and grouping
//! have something real to work on ([`FakeOdooBuilder::seed_demo_large`](super::FakeOdooBuilder::seed_demo_large),
//! on by default in the `fake-erp` binary).
//!
//! Each synthetic record is a copy of a recorded one of the same model (so it has every field,
//! in the recorded wire shapes of the version served) with its identity changed: name, email,
//! phone, address, codes, prices, dates. Relations stay valid: a contact's `parent_id` is a
//! synthetic company, a sale order's `partner_id` an existing partner, a line's `order_id` and
//! `product_id` existing records; one2many lists (`child_ids`, `order_line`,
//! `sale_order_ids`, ...) are rebuilt from their many2ones; x2many values copied from the
//! template that would point at records that belong to someone else (invoices, pickings, tasks)
//! are emptied, their counters set to 0. Synthetic ids start above every id the recorded data
//! uses or mentions for the model, so a recorded `sale_order_ids: [34, 33, 5, 1]` never points
//! at a synthetic order of another customer.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

use super::fixtures::{Fixtures, Obj};
use super::store::Store;

/// How many synthetic records [`LARGE_DEMO`] adds to the recorded demo data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LargeDemo {
    /// `res.partner`: one company in five, each with four contacts.
    pub partners: usize,
    /// `product.product`, each with a `product_tmpl_id` of its own.
    pub products: usize,
    /// `sale.order`, each with 1 to 4 `sale.order.line`.
    pub sale_orders: usize,
}

/// What [`FakeOdooBuilder::seed_demo_large`](super::FakeOdooBuilder::seed_demo_large) adds:
/// 300 partners (60 companies, 240 contacts), 200 products, 200 sale orders with 500 lines,
/// on top of the 40 partners, 30 products, 20 orders and 40 lines recorded.
pub const LARGE_DEMO: LargeDemo = LargeDemo {
    partners: 300,
    products: 200,
    sale_orders: 200,
};

/// many2many values that describe the record itself (tags, taxes, routes) and stay as copied.
const KEEP_X2MANY: &[&str] = &[
    "category_id",
    "tag_ids",
    "taxes_id",
    "supplier_taxes_id",
    "tax_id",
    "tax_ids",
    "route_ids",
    "product_tag_ids",
    "additional_product_tag_ids",
    "all_product_tag_ids",
];

/// `*_count` fields that do not count a list emptied here.
const KEEP_COUNTS: &[&str] = &["active_lang_count", "product_variant_count"];

const COMPANY_WORDS: &[&str] = &[
    "Acme",
    "Blue Ridge",
    "Cedar",
    "Northwind",
    "Harbor",
    "Summit",
    "Riverside",
    "Silverline",
    "Oakwood",
    "Pinecrest",
    "Redstone",
    "Lakeside",
    "Evergreen",
    "Granite",
    "Sunrise",
    "Westfield",
    "Brightwater",
    "Ironwood",
    "Maple",
    "Coastal",
];
const COMPANY_KINDS: &[&str] = &[
    "Furniture",
    "Interiors",
    "Office Supply",
    "Design",
    "Woodworks",
    "Trading",
    "Home",
    "Workspace",
    "Outfitters",
    "Logistics",
    "Studio",
    "Fixtures",
];
const COMPANY_SUFFIXES: &[&str] = &["Inc", "LLC", "Ltd", "Co", "Group"];
const FIRST_NAMES: &[&str] = &[
    "Alice", "Bruno", "Chloe", "Daniel", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Keiko", "Liam", "Maya", "Nina", "Omar", "Paula", "Quentin", "Rosa", "Samir", "Tara", "Ugo",
    "Vera", "Wei", "Yusuf",
];
const LAST_NAMES: &[&str] = &[
    "Anders", "Baker", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ito",
    "Jensen", "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi",
    "Schmidt", "Tanaka", "Urban", "Varga", "Walsh", "Xu", "Young",
];
const MATERIALS: &[&str] = &[
    "Oak",
    "Walnut",
    "Steel",
    "Glass",
    "Bamboo",
    "Maple",
    "Birch",
    "Aluminium",
    "Leather",
    "Marble",
];
const ITEMS: &[&str] = &[
    "Desk",
    "Chair",
    "Shelf",
    "Cabinet",
    "Lamp",
    "Table",
    "Drawer Unit",
    "Stool",
    "Bench",
    "Bookcase",
    "Coat Rack",
    "Sideboard",
    "Monitor Stand",
    "Filing Box",
    "Footrest",
    "Side Table",
    "Wardrobe",
    "Console",
    "Room Divider",
    "Desk Organizer",
];

fn slug(text: &str) -> String {
    let mut out = String::new();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

fn ftype<'a>(fields: &'a Obj, name: &str) -> Option<&'a str> {
    fields.get(name)?.get("type")?.as_str()
}

fn relation<'a>(fields: &'a Obj, name: &str) -> Option<&'a str> {
    fields.get(name)?.get("relation")?.as_str()
}

/// A record being made, and its model's fields on the version served.
struct Row<'a> {
    fields: &'a Obj,
    rec: Obj,
}

impl Row<'_> {
    /// Set `key` only if the model has that field on the version served.
    fn set(&mut self, key: &str, value: impl Into<Value>) {
        if self.fields.contains_key(key) {
            self.rec.insert(key.to_string(), value.into());
        }
    }
}

fn num(rec: &Obj, key: &str) -> f64 {
    rec.get(key).and_then(Value::as_f64).unwrap_or(0.0)
}

fn text<'a>(rec: &'a Obj, key: &str) -> Option<&'a str> {
    rec.get(key).and_then(Value::as_str)
}

fn id_of(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::Array(pair) => pair.first()?.as_i64(),
        _ => None,
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A copy of `template` with a new id, emptied x2many lists and zeroed counters.
fn clone_template<'a>(fields: &'a Obj, template: &Obj, id: i64) -> Row<'a> {
    let mut rec = template.clone();
    rec.insert("id".into(), id.into());
    for (name, value) in rec.iter_mut() {
        match ftype(fields, name) {
            Some("one2many" | "many2many") if !KEEP_X2MANY.contains(&name.as_str()) => {
                *value = json!([]);
            }
            Some("integer")
                if name.ends_with("_count")
                    && !KEEP_COUNTS.contains(&name.as_str())
                    && value.as_i64().is_some_and(|n| n != 0) =>
            {
                *value = json!(0);
            }
            _ => {}
        }
    }
    Row { fields, rec }
}

/// The first id above every id of `model` that the recorded data holds or mentions.
fn first_free_id(fx: &Fixtures, store: &Store, model: &str) -> i64 {
    let mut max = store
        .records(model)
        .and_then(|r| r.keys().next_back().copied())
        .unwrap_or(0);
    for (other, data) in &store.models {
        let Some(fields) = fx.fields_get(other) else {
            continue;
        };
        let pointing: Vec<&String> = fields
            .keys()
            .filter(|f| relation(&fields, f) == Some(model))
            .collect();
        if pointing.is_empty() {
            continue;
        }
        for rec in data.records.values() {
            for f in &pointing {
                match rec.get(f.as_str()) {
                    Some(Value::Number(n)) => max = max.max(n.as_i64().unwrap_or(0)),
                    Some(Value::Array(items)) => {
                        for item in items {
                            max = max.max(item.as_i64().unwrap_or(0));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    for (m, id) in store.names.keys() {
        if m == model {
            max = max.max(*id);
        }
    }
    max + 1
}

/// Stores synthetic records and keeps the one2many lists that mirror their many2ones in step
/// (what `Store::sync_inverse` does, with the inverse fields of each model looked up once: the
/// generic walk over every field of every comodel, per record, took seconds in a debug build).
#[derive(Default)]
struct Linker {
    /// model -> (many2one field, comodel, the comodel's one2many fields over it)
    inverses: HashMap<String, Vec<(String, String, Vec<String>)>>,
}

impl Linker {
    fn inverses(
        &mut self,
        fx: &Fixtures,
        store: &Store,
        model: &str,
    ) -> &[(String, String, Vec<String>)] {
        self.inverses.entry(model.to_string()).or_insert_with(|| {
            let Some(fields) = fx.fields_get(model) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            for name in fields.keys() {
                if ftype(&fields, name) != Some("many2one") {
                    continue;
                }
                let Some(comodel) = relation(&fields, name) else {
                    continue;
                };
                // a model without records has no list to keep up to date
                if store.records(comodel).is_none_or(|r| r.is_empty()) {
                    continue;
                }
                let Some(co_fields) = fx.fields_get(comodel) else {
                    continue;
                };
                let lists: Vec<String> = co_fields
                    .iter()
                    .filter(|(_, d)| {
                        d.get("type").and_then(Value::as_str) == Some("one2many")
                            && d.get("relation").and_then(Value::as_str) == Some(model)
                            && d.get("relation_field").and_then(Value::as_str) == Some(name)
                    })
                    .map(|(n, _)| n.clone())
                    .collect();
                if !lists.is_empty() {
                    out.push((name.clone(), comodel.to_string(), lists));
                }
            }
            out
        })
    }

    /// Store `rec`, and add it to the one2many lists of the records its many2ones point to.
    fn put(&mut self, fx: &Fixtures, store: &mut Store, model: &str, rec: Obj) -> i64 {
        let links: Vec<(String, i64, Vec<String>)> = self
            .inverses(fx, store, model)
            .iter()
            .filter_map(|(field, comodel, lists)| {
                Some((comodel.clone(), id_of(rec.get(field))?, lists.clone()))
            })
            .collect();
        let id = store.put(model, rec);
        for (comodel, parent, lists) in links {
            let data = store.model_mut(&comodel);
            if let Some(parent) = data.records.get_mut(&parent) {
                for list in lists {
                    let entry = parent.entry(list).or_insert_with(|| json!([]));
                    if let Value::Array(ids) = entry
                        && !ids.iter().any(|v| v.as_i64() == Some(id))
                    {
                        ids.push(Value::from(id));
                    }
                }
                data.touch();
            }
        }
        id
    }
}

fn recorded(store: &Store, model: &str) -> Vec<Obj> {
    store
        .records(model)
        .map(|r| r.values().cloned().collect())
        .unwrap_or_default()
}

/// Grow the demo records of the store (already seeded with the recorded ones).
pub(crate) fn grow(fx: &Fixtures, store: &mut Store) {
    let mut linker = Linker::default();
    let customers = grow_partners(fx, store, &mut linker, LARGE_DEMO.partners);
    let products = grow_products(fx, store, &mut linker, LARGE_DEMO.products);
    grow_sale_orders(
        fx,
        store,
        &mut linker,
        LARGE_DEMO.sale_orders,
        &customers,
        &products,
    );
}

/// Synthetic companies with four contacts each; returns the ids of partners that buy (every
/// synthetic partner and the recorded companies).
fn grow_partners(fx: &Fixtures, store: &mut Store, linker: &mut Linker, n: usize) -> Vec<i64> {
    const MODEL: &str = "res.partner";
    let Some(fields) = fx.fields_get(MODEL) else {
        return Vec::new();
    };
    let all = recorded(store, MODEL);
    let companies: Vec<&Obj> = all
        .iter()
        .filter(|r| r.get("is_company") == Some(&Value::Bool(true)))
        .collect();
    let contacts: Vec<&Obj> = all
        .iter()
        .filter(|r| {
            r.get("is_company") != Some(&Value::Bool(true))
                && id_of(r.get("parent_id")).is_some()
                && text(r, "type").is_none_or(|t| t == "contact")
        })
        .collect();
    if companies.is_empty() || contacts.is_empty() {
        return Vec::new();
    }
    let mut customers: Vec<i64> = companies
        .iter()
        .filter_map(|r| id_of(r.get("id")))
        .collect();
    let mut next = first_free_id(fx, store, MODEL);
    let mut person = 0usize;
    let n_companies = n.div_ceil(5);
    let mut made = 0usize;
    for c in 0..n_companies {
        if made >= n {
            break;
        }
        let tpl = companies[c % companies.len()];
        let name = format!(
            "{} {} {}",
            COMPANY_WORDS[c % COMPANY_WORDS.len()],
            COMPANY_KINDS[c % COMPANY_KINDS.len()],
            COMPANY_SUFFIXES[c % COMPANY_SUFFIXES.len()]
        );
        let domain = format!("{}.example.com", slug(&name));
        let company_id = next;
        next += 1;
        let mut rec = clone_template(&fields, tpl, company_id);
        identity(tpl, &mut rec, &name, &name, &name, c);
        let email = format!("info@{domain}");
        set_email(&mut rec, &name, &email);
        rec.set("website", json!(format!("http://www.{domain}")));
        rec.set("vat", json!(format!("US{:08}", 20_000_000 + c)));
        rec.set("parent_id", false);
        rec.set("parent_name", false);
        rec.set("commercial_partner_id", company_id);
        rec.set("self", company_id);
        rec.set("ref", false);
        linker.put(fx, store, MODEL, rec.rec);
        customers.push(company_id);
        made += 1;
        for k in 0..4 {
            if made >= n {
                break;
            }
            let tpl = contacts[(c * 4 + k) % contacts.len()];
            let first = FIRST_NAMES[person % FIRST_NAMES.len()];
            let last = LAST_NAMES[person * 7 % LAST_NAMES.len()];
            let pname = format!("{first} {last}");
            let display = format!("{name}, {pname}");
            let id = next;
            next += 1;
            let mut rec = clone_template(&fields, tpl, id);
            identity(tpl, &mut rec, &pname, &display, &name, 1000 + person);
            let email = format!(
                "{}.{}@{domain}",
                first.to_ascii_lowercase(),
                last.to_ascii_lowercase()
            );
            set_email(&mut rec, &pname, &email);
            rec.set("parent_id", company_id);
            rec.set("parent_name", name.as_str());
            rec.set("commercial_partner_id", company_id);
            rec.set("self", id);
            rec.set("website", false);
            rec.set("vat", false);
            rec.set("ref", false);
            linker.put(fx, store, MODEL, rec.rec);
            customers.push(id);
            person += 1;
            made += 1;
        }
    }
    customers
}

/// Name, display name, company name, phone and street of a synthetic partner; the address
/// texts keep the template's city, zip, state and country.
fn identity(tpl: &Obj, rec: &mut Row, name: &str, display: &str, company: &str, n: usize) {
    rec.set("name", name);
    rec.set("display_name", display);
    rec.set("complete_name", display);
    rec.set("commercial_company_name", company);
    if rec.rec.get("company_name").is_some_and(Value::is_string) {
        rec.set("company_name", company);
    }
    let phone = format!("+1 555-{:03}-{:04}", (n * 37) % 1000, (n * 7919) % 10_000);
    rec.set("phone", phone.as_str());
    rec.set("phone_sanitized", phone);
    rec.set("mobile", false);
    let old_street = text(tpl, "street").unwrap_or_default().to_string();
    let rest = old_street
        .split_once(' ')
        .filter(|(num, _)| num.chars().all(|c| c.is_ascii_digit()))
        .map(|(_, rest)| rest.to_string())
        .unwrap_or_else(|| old_street.clone());
    let street = if rest.is_empty() {
        format!("{} Main Street", 100 + n * 13 % 900)
    } else {
        format!("{} {rest}", 100 + n * 13 % 900)
    };
    rec.set("street", street.as_str());
    if let Some(addr) = text(tpl, "contact_address") {
        let mut lines: Vec<String> = addr.lines().map(str::to_string).collect();
        if let Some(first) = lines.first_mut() {
            *first = company.to_string();
        }
        let joined = lines.join("\n");
        let joined = if old_street.is_empty() {
            joined
        } else {
            joined.replace(&old_street, &street)
        };
        rec.set("contact_address", joined);
    }
    if let Some(inline) = text(tpl, "contact_address_inline") {
        let tail = inline.split_once(", ").map(|(_, t)| t).unwrap_or("");
        let tail = if old_street.is_empty() {
            tail.to_string()
        } else {
            tail.replace(&old_street, &street)
        };
        let joined = if tail.is_empty() {
            company.to_string()
        } else {
            format!("{company}, {tail}")
        };
        rec.set("contact_address_inline", joined);
    }
}

fn set_email(rec: &mut Row, name: &str, email: &str) {
    rec.set("email", email);
    rec.set("email_normalized", email);
    rec.set("email_formatted", format!("\"{name}\" <{email}>"));
}

/// Synthetic products; returns every product a sale order may use (recorded and synthetic).
fn grow_products(fx: &Fixtures, store: &mut Store, linker: &mut Linker, n: usize) -> Vec<i64> {
    const MODEL: &str = "product.product";
    let Some(fields) = fx.fields_get(MODEL) else {
        return Vec::new();
    };
    let all = recorded(store, MODEL);
    let templates: Vec<&Obj> = all
        .iter()
        .filter(|r| r.get("sale_ok") != Some(&Value::Bool(false)))
        .collect();
    let mut sellable: Vec<i64> = templates
        .iter()
        .filter_map(|r| id_of(r.get("id")))
        .collect();
    if templates.is_empty() {
        return sellable;
    }
    let first = first_free_id(fx, store, MODEL);
    let tmpl_model = relation(&fields, "product_tmpl_id").unwrap_or("product.template");
    let first_tmpl = first_free_id(fx, store, tmpl_model);
    for i in 0..n {
        let tpl = templates[i % templates.len()];
        let mut name = format!(
            "{} {}",
            MATERIALS[(i / ITEMS.len()) % MATERIALS.len()],
            ITEMS[i % ITEMS.len()]
        );
        let round = i / (ITEMS.len() * MATERIALS.len());
        if round > 0 {
            name = format!("{name} Mk {}", round + 1);
        }
        let code = format!("SYN_{:04}", 1000 + i);
        let display = format!("[{code}] {name}");
        let id = first + i as i64;
        let tmpl_id = first_tmpl + i as i64;
        let price = 5.0 + ((i * 37) % 400) as f64 + if i % 2 == 1 { 0.5 } else { 0.0 };
        let mut rec = clone_template(&fields, tpl, id);
        rec.set("name", name);
        rec.set("display_name", display.as_str());
        rec.set("partner_ref", display.as_str());
        rec.set("default_code", code.as_str());
        rec.set("code", code);
        rec.set("barcode", false);
        rec.set("list_price", price);
        rec.set("lst_price", price);
        rec.set("standard_price", json!(round2(price * 0.7)));
        rec.set("product_tmpl_id", tmpl_id);
        rec.set("product_variant_id", id);
        rec.set("product_variant_ids", [id]);
        rec.set("product_variant_count", 1);
        rec.set("sales_count", 0.0);
        rec.set("combination_indices", "");
        for key in [
            "description",
            "description_sale",
            "description_purchase",
            "description_picking",
            "description_pickingin",
            "description_pickingout",
        ] {
            rec.set(key, json!(false));
        }
        store
            .names
            .insert((tmpl_model.to_string(), tmpl_id), display.clone());
        linker.put(fx, store, MODEL, rec.rec);
        sellable.push(id);
    }
    sellable
}

fn shift_datetime(value: Option<&Value>, days: i64) -> Option<Value> {
    let s = value?.as_str()?;
    if let Ok(dt) = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S") {
        return Some(json!(
            (dt - Duration::days(days))
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        ));
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    Some(json!(
        (d - Duration::days(days)).format("%Y-%m-%d").to_string()
    ))
}

/// Synthetic sale orders for existing customers, with 1 to 4 lines of existing products.
fn grow_sale_orders(
    fx: &Fixtures,
    store: &mut Store,
    linker: &mut Linker,
    n: usize,
    customers: &[i64],
    products: &[i64],
) {
    const ORDER: &str = "sale.order";
    const LINE: &str = "sale.order.line";
    let (Some(fields), Some(line_fields)) = (fx.fields_get(ORDER), fx.fields_get(LINE)) else {
        return;
    };
    let orders = recorded(store, ORDER);
    let lines = recorded(store, LINE);
    if orders.is_empty() || lines.is_empty() || customers.is_empty() || products.is_empty() {
        return;
    }
    let mut by_state: BTreeMap<String, Vec<&Obj>> = BTreeMap::new();
    for o in &orders {
        by_state
            .entry(text(o, "state").unwrap_or("draft").to_string())
            .or_default()
            .push(o);
    }
    // mostly confirmed orders, and quotations that can still be deleted
    let wanted = ["draft", "sale", "sent", "sale", "sale"];
    let product_rows: HashMap<i64, Obj> = products
        .iter()
        .filter_map(|id| Some((*id, store.get("product.product", *id)?.clone())))
        .collect();
    let list_len = |rec: &Obj| match rec.get("sale_order_ids") {
        Some(Value::Array(list)) => list.len(),
        _ => 0,
    };
    let before: HashMap<i64, usize> = store
        .records("res.partner")
        .map(|r| r.iter().map(|(id, rec)| (*id, list_len(rec))).collect())
        .unwrap_or_default();
    let first = first_free_id(fx, store, ORDER);
    let mut next_line = first_free_id(fx, store, LINE);
    for j in 0..n {
        let state = wanted[j % wanted.len()];
        let pool = by_state
            .get(state)
            .or_else(|| by_state.get("sale"))
            .or_else(|| by_state.values().next());
        let Some(pool) = pool else { return };
        let tpl = pool[j % pool.len()];
        let id = first + j as i64;
        let name = format!("S{id:05}");
        let customer = customers[(j * 7) % customers.len()];
        let customer_name = store.display_name("res.partner", customer);
        let days = ((j * 13) % 365) as i64;
        let mut rec = clone_template(&fields, tpl, id);
        rec.set("name", name.as_str());
        rec.set("display_name", name.as_str());
        rec.set("partner_id", customer);
        rec.set("partner_invoice_id", customer);
        rec.set("partner_shipping_id", customer);
        rec.set("access_url", json!(format!("/my/orders/{id}")));
        rec.set("access_token", false);
        rec.set("client_order_ref", false);
        rec.set("origin", false);
        for key in [
            "date_order",
            "validity_date",
            "commitment_date",
            "expected_date",
        ] {
            if let Some(v) = shift_datetime(rec.rec.get(key), days) {
                rec.rec.insert(key.into(), v);
            }
        }
        let order_state = text(&rec.rec, "state").unwrap_or("draft").to_string();
        let salesman = rec.rec.get("user_id").cloned().unwrap_or(json!(false));
        let tax_rate = if num(tpl, "amount_untaxed") > 0.0 {
            num(tpl, "amount_tax") / num(tpl, "amount_untaxed")
        } else {
            0.0
        };
        linker.put(fx, store, ORDER, rec.rec);

        let mut untaxed = 0.0;
        let mut tax = 0.0;
        for k in 0..(1 + j % 4) {
            let product_id = products[(j * 5 + k * 11) % products.len()];
            let Some(product) = product_rows.get(&product_id) else {
                continue;
            };
            let ltpl = &lines[(j + k) % lines.len()];
            let product_display = text(product, "display_name")
                .map(str::to_string)
                .unwrap_or_else(|| store.display_name("product.product", product_id));
            let qty = (1 + (j + k * 3) % 6) as f64;
            let price = num(product, "list_price");
            let subtotal = round2(qty * price);
            let line_tax = round2(subtotal * tax_rate);
            untaxed += subtotal;
            tax += line_tax;
            let storable = product.get("is_storable") == Some(&Value::Bool(true))
                || text(product, "type") == Some("product");
            let to_invoice =
                if order_state == "sale" && text(product, "invoice_policy") == Some("order") {
                    qty
                } else {
                    0.0
                };
            let lid = next_line;
            next_line += 1;
            let mut line = clone_template(&line_fields, ltpl, lid);
            line.set("order_id", id);
            line.set("product_id", product_id);
            if let Some(tmpl) = product.get("product_tmpl_id") {
                line.set("product_template_id", tmpl.clone());
            }
            if let Some(uom) = product.get("uom_id") {
                line.set("product_uom", uom.clone());
            }
            if let Some(t) = product.get("type") {
                line.set("product_type", t.clone());
            }
            line.set("is_storable", storable);
            line.set("name", product_display.as_str());
            line.set(
                "display_name",
                json!(format!("{name} - {product_display} ({customer_name})")),
            );
            line.set("sequence", 10 + k);
            line.set("display_type", false);
            line.set("order_partner_id", customer);
            line.set("salesman_id", salesman.clone());
            line.set("state", order_state.as_str());
            line.set("product_uom_qty", qty);
            line.set("price_unit", price);
            line.set("technical_price_unit", price);
            line.set("discount", 0.0);
            line.set("price_subtotal", subtotal);
            line.set("price_tax", line_tax);
            line.set("price_total", json!(round2(subtotal + line_tax)));
            line.set("price_reduce_taxexcl", price);
            line.set(
                "price_reduce_taxinc",
                json!(round2(price * (1.0 + tax_rate))),
            );
            line.set("qty_delivered", 0.0);
            line.set("qty_invoiced", 0.0);
            line.set("qty_to_invoice", to_invoice);
            line.set("qty_to_deliver", json!(if storable { qty } else { 0.0 }));
            line.set(
                "untaxed_amount_to_invoice",
                json!(round2(to_invoice * price)),
            );
            line.set("untaxed_amount_invoiced", 0.0);
            line.set("amount_invoiced", 0.0);
            line.set("amount_to_invoice", json!(round2(to_invoice * price)));
            line.set(
                "invoice_status",
                json!(if to_invoice > 0.0 { "to invoice" } else { "no" }),
            );
            linker.put(fx, store, LINE, line.rec);
        }

        let untaxed = round2(untaxed);
        let tax = round2(tax);
        let total = round2(untaxed + tax);
        if let Some(stored) = store.model_mut(ORDER).records.get_mut(&id) {
            let mut order = Row {
                fields: &fields,
                rec: std::mem::take(stored),
            };
            order.set("amount_untaxed", untaxed);
            order.set("amount_tax", tax);
            order.set("amount_total", total);
            order.set("amount_undiscounted", untaxed);
            order.set("amount_invoiced", 0.0);
            let to_invoice = if order_state == "sale" { total } else { 0.0 };
            order.set("amount_to_invoice", to_invoice);
            *stored = order.rec;
        }
    }
    // counters that mirror the lists just grown
    let data = store.model_mut("res.partner");
    for (id, rec) in data.records.iter_mut() {
        let added = list_len(rec).saturating_sub(before.get(id).copied().unwrap_or(0));
        if added > 0
            && let Some(count) = rec.get("sale_order_count").and_then(Value::as_u64)
        {
            rec.insert("sale_order_count".into(), json!(count as usize + added));
        }
    }
    data.touch();
}
