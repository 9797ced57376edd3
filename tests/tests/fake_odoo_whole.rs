//! The fake Odoo as a whole Odoo for other clients (issue 17): external ids of the base
//! records, the technical models a client walks, unique constraints, and the plain HTTP routes
//! (company logo, record images, `/web/database/list`), on every version.

use std::time::Duration;

use reqwest::blocking::Client;
use serde_json::{Value, json};
use tests::odoo::{ADMIN_API_KEY, ADMIN_LOGIN, ADMIN_PASSWORD, FakeOdoo, OdooVersion};

fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// `execute_kw` as admin: `Ok(result)` or `Err(error)` (the whole JSON-RPC error object).
fn kw(
    odoo: &FakeOdoo,
    model: &str,
    method: &str,
    args: Value,
    kwargs: Value,
) -> Result<Value, Value> {
    let body = json!({"jsonrpc": "2.0", "method": "call", "id": 7, "params": {
        "service": "object", "method": "execute_kw",
        "args": [odoo.db(), 2, ADMIN_PASSWORD, model, method, args, kwargs]}});
    let env: Value = client()
        .post(format!("{}/jsonrpc", odoo.url()))
        .json(&body)
        .send()
        .unwrap()
        .json()
        .unwrap();
    match env.get("error") {
        Some(e) => Err(e.clone()),
        None => Ok(env["result"].clone()),
    }
}

fn ok(odoo: &FakeOdoo, model: &str, method: &str, args: Value, kwargs: Value) -> Value {
    kw(odoo, model, method, args, kwargs).unwrap_or_else(|e| panic!("{model}.{method}: {e}"))
}

/// `env.ref` as OdooRPC calls it.
fn xmlid(odoo: &FakeOdoo, id: &str) -> Result<Value, Value> {
    let (module, name) = id.split_once('.').unwrap();
    kw(
        odoo,
        "ir.model.data",
        "check_object_reference",
        json!([module, name]),
        json!({}),
    )
}

#[test]
fn standard_external_ids_resolve_on_every_version() {
    for v in OdooVersion::ALL {
        let odoo = FakeOdoo::start(v);
        for (id, model) in [
            ("base.lang_en", "res.lang"),
            ("base.module_base", "ir.module.module"),
            ("base.rateUSD", "res.currency.rate"),
            ("base.action_partner_form", "ir.actions.act_window"),
            ("base.main_company", "res.company"),
            ("base.group_user", "res.groups"),
            ("base.user_admin", "res.users"),
            ("base.USD", "res.currency"),
            ("base.model_res_partner", "ir.model"),
            ("base.us", "res.country"),
            ("base.de", "res.country"),
            ("sale.model_sale_order", "ir.model"),
        ] {
            let found = xmlid(&odoo, id).unwrap_or_else(|e| panic!("{v} {id}: {e}"));
            assert_eq!(found[0], model, "{v} {id}");
            // the record it names exists and is the one its fields say
            let rid = found[1].as_i64().unwrap();
            let rows = ok(
                &odoo,
                model,
                "read",
                json!([[rid]]),
                json!({"fields": ["display_name"]}),
            );
            assert_eq!(rows.as_array().unwrap().len(), 1, "{v} {id}");
        }
        let lang = ok(
            &odoo,
            "res.lang",
            "read",
            json!([[xmlid(&odoo, "base.lang_en").unwrap()[1]]]),
            json!({"fields": ["code", "active"]}),
        );
        assert_eq!(lang[0]["code"], "en_US");
        assert_eq!(lang[0]["active"], true);
        // base.USD is currency 2 on the recorded 16 (EUR is 1), 1 elsewhere
        let usd = xmlid(&odoo, "base.USD").unwrap()[1].as_i64().unwrap();
        assert_eq!(usd, if v == OdooVersion::V16 { 2 } else { 1 }, "{v}");
        let rate = ok(
            &odoo,
            "res.currency.rate",
            "read",
            json!([[xmlid(&odoo, "base.rateUSD").unwrap()[1]]]),
            json!({"fields": ["currency_id"]}),
        );
        assert_eq!(rate[0]["currency_id"][0], usd);
        // Odooly's env.ref: a search_read on ir.model.data
        let rows = ok(
            &odoo,
            "ir.model.data",
            "search_read",
            json!([[
                ["module", "=", "base"],
                ["name", "=", "action_partner_form"]
            ]]),
            json!({"fields": ["model", "res_id"]}),
        );
        assert_eq!(rows.as_array().unwrap().len(), 1, "{v}");
        assert_eq!(rows[0]["model"], "ir.actions.act_window");
        let e = xmlid(&odoo, "base.no_such_id").unwrap_err();
        assert_eq!(e["data"]["name"], "builtins.ValueError");
        assert_eq!(
            e["data"]["message"],
            "External ID not found in the system: base.no_such_id"
        );
    }
}

#[test]
fn technical_models_hold_what_a_client_walks() {
    let odoo = FakeOdoo::start(OdooVersion::V18);
    // record 1 of ir.actions.actions, scheduled actions, a second company
    let action = ok(
        &odoo,
        "ir.actions.actions",
        "read",
        json!([[1]]),
        json!({"fields": ["name", "type"]}),
    );
    assert_eq!(action[0]["name"], "Contacts");
    assert_eq!(action[0]["type"], "ir.actions.act_window");
    assert!(
        !ok(&odoo, "ir.cron", "search", json!([[]]), json!({}))
            .as_array()
            .unwrap()
            .is_empty()
    );
    let companies = ok(
        &odoo,
        "res.users",
        "read",
        json!([[2]]),
        json!({"fields": ["company_ids"]}),
    );
    let company_ids = companies[0]["company_ids"].clone();
    let names = ok(
        &odoo,
        "res.company",
        "read",
        json!([company_ids]),
        json!({"fields": ["name"]}),
    );
    let names: Vec<&str> = names
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"My Company (Chicago)"), "{names:?}");
    // installed modules with their text fields
    let sale = ok(
        &odoo,
        "ir.module.module",
        "search_read",
        json!([[["name", "=", "sale"]]]),
        json!({"fields": ["state", "views_by_module", "reports_by_module"]}),
    );
    assert_eq!(sale[0]["state"], "installed");
    // OdooRPC's own test suite decodes base's icon_image as base64
    let base = ok(
        &odoo,
        "ir.module.module",
        "search_read",
        json!([[["name", "=", "base"]]]),
        json!({"fields": ["icon_image", "icon"]}),
    );
    assert!(
        base[0]["icon_image"]
            .as_str()
            .is_some_and(|s| s.starts_with("iVBOR"))
    );
    assert_eq!(base[0]["icon"], "/base/static/description/icon.png");
    assert!(
        sale[0]["views_by_module"]
            .as_str()
            .unwrap()
            .contains("sale.order.form (form)")
    );
    assert!(
        sale[0]["reports_by_module"]
            .as_str()
            .unwrap()
            .contains("sale.report_saleorder")
    );
    // the reports of the installed apps
    let reports = ok(
        &odoo,
        "ir.actions.report",
        "search_read",
        json!([[]]),
        json!({"fields": ["model", "report_name", "report_type"]}),
    );
    let has = |model: &str, name: &str| {
        reports.as_array().unwrap().iter().any(|r| {
            r["model"] == model && r["report_name"] == name && r["report_type"] == "qweb-pdf"
        })
    };
    assert!(has("account.move", "account.report_invoice"));
    assert!(has("account.move", "account.report_invoice_with_payments"));
    assert!(has("sale.order", "sale.report_saleorder"));
    assert!(has("stock.picking", "stock.report_deliveryslip"));
    assert!(has("purchase.order", "purchase.report_purchaseorder"));
    // base.language.install activates a language
    let fr = ok(
        &odoo,
        "res.lang",
        "search",
        json!([[["code", "=", "fr_FR"]]]),
        json!({"context": {"active_test": false}}),
    );
    assert_eq!(
        ok(
            &odoo,
            "res.lang",
            "search",
            json!([[["code", "=", "fr_FR"]]]),
            json!({})
        ),
        json!([])
    );
    let wizard = ok(
        &odoo,
        "base.language.install",
        "create",
        json!([{"lang_ids": [[6, 0, fr]]}]),
        json!({}),
    );
    let action = ok(
        &odoo,
        "base.language.install",
        "lang_install",
        json!([[wizard]]),
        json!({}),
    );
    assert_eq!(action["type"], "ir.actions.act_window");
    assert_eq!(
        ok(
            &odoo,
            "res.lang",
            "search",
            json!([[["code", "=", "fr_FR"]]]),
            json!({})
        ),
        fr
    );
}

#[test]
fn a_unique_constraint_is_refused_as_a_validation_error() {
    for v in OdooVersion::ALL {
        let odoo = FakeOdoo::start(v);
        let login_msg = if v == OdooVersion::V16 {
            "The operation cannot be completed: You can not have two users with the same login !"
        } else {
            "The operation cannot be completed: You can not have two users with the same login!"
        };
        let e = kw(
            &odoo,
            "res.users",
            "create",
            json!([{"name": "Twin", "login": ADMIN_LOGIN}]),
            json!({}),
        )
        .unwrap_err();
        assert_eq!(e["data"]["name"], "odoo.exceptions.ValidationError", "{v}");
        assert_eq!(e["data"]["message"], login_msg, "{v}");
        assert_eq!(e["message"], "Odoo Server Error");
        // two new ones in one batch collide too, and nothing of the batch is stored
        let before = odoo.records("res.users").len();
        kw(
            &odoo,
            "res.users",
            "create",
            json!([[{"name": "A", "login": "same"}, {"name": "B", "login": "same"}]]),
            json!({}),
        )
        .unwrap_err();
        assert_eq!(odoo.records("res.users").len(), before, "{v}");
        // a write onto another record's value
        let id = ok(
            &odoo,
            "res.users",
            "create",
            json!([{"name": "Solo", "login": "solo"}]),
            json!({}),
        );
        let e = kw(
            &odoo,
            "res.users",
            "write",
            json!([[id], {"login": ADMIN_LOGIN}]),
            json!({}),
        )
        .unwrap_err();
        assert_eq!(e["data"]["message"], login_msg, "{v}");
        // rewriting a record's own value is no conflict
        ok(
            &odoo,
            "res.users",
            "write",
            json!([[id], {"login": "solo", "name": "Solo 2"}]),
            json!({}),
        );
        let e = kw(
            &odoo,
            "res.currency",
            "create",
            json!([{"name": "USD", "symbol": "$"}]),
            json!({}),
        )
        .unwrap_err();
        assert_eq!(
            e["data"]["message"],
            "The operation cannot be completed: The currency code must be unique!"
        );
        if v.has_json2() {
            let r = client()
                .post(format!("{}/json/2/res.users/create", odoo.url()))
                .bearer_auth(ADMIN_API_KEY)
                .json(&json!({"vals_list": [{"name": "Twin", "login": ADMIN_LOGIN}]}))
                .send()
                .unwrap();
            assert_eq!(r.status().as_u16(), 422);
            let body: Value = r.json().unwrap();
            assert_eq!(body["name"], "odoo.exceptions.ValidationError");
            assert_eq!(body["message"], login_msg);
        }
    }
}

#[test]
fn composite_constraints_and_unique_indexes() {
    let odoo = FakeOdoo::start(OdooVersion::V18);
    // one rate per currency, day and company; another day or company is fine, a NULL never collides
    let rate = json!({"name": "2026-01-01", "rate": 1.1, "currency_id": 1, "company_id": 1});
    ok(
        &odoo,
        "res.currency.rate",
        "create",
        json!([rate]),
        json!({}),
    );
    let e = kw(
        &odoo,
        "res.currency.rate",
        "create",
        json!([rate]),
        json!({}),
    )
    .unwrap_err();
    assert_eq!(
        e["data"]["message"],
        "The operation cannot be completed: Only one currency rate per day allowed!"
    );
    ok(
        &odoo,
        "res.currency.rate",
        "create",
        json!([{"name": "2026-01-02", "rate": 1.1, "currency_id": 1, "company_id": 1}]),
        json!({}),
    );
    ok(
        &odoo,
        "res.currency.rate",
        "create",
        json!([{"name": "2026-01-01", "rate": 1.1, "currency_id": 1, "company_id": 2}]),
        json!({}),
    );
    for _ in 0..2 {
        ok(
            &odoo,
            "res.currency.rate",
            "create",
            json!([{"name": "2026-01-01", "rate": 1.1, "currency_id": 1, "company_id": false}]),
            json!({}),
        );
    }
    // ir.model.data's (module, name) is a unique index: PostgreSQL's own text comes through
    let e = kw(
        &odoo,
        "ir.model.data",
        "create",
        json!([{"module": "base", "name": "lang_en", "model": "res.lang", "res_id": 1}]),
        json!({}),
    )
    .unwrap_err();
    assert_eq!(e["data"]["name"], "odoo.exceptions.ValidationError");
    assert_eq!(
        e["data"]["message"],
        "The operation cannot be completed: duplicate key value violates unique constraint \"ir_model_data_module_name_uniq_index\"\nDETAIL:  Key (module, name)=(base, lang_en) already exists.\n"
    );
}

fn login(c: &Client, odoo: &FakeOdoo) {
    let r: Value = c
        .post(format!("{}/web/session/authenticate", odoo.url()))
        .json(&json!({"jsonrpc": "2.0", "method": "call", "id": 1,
            "params": {"db": odoo.db(), "login": ADMIN_LOGIN, "password": ADMIN_PASSWORD}}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(r["result"]["uid"], 2);
}

#[test]
fn binary_and_image_routes_answer_like_odoo() {
    for v in OdooVersion::ALL {
        let odoo = FakeOdoo::start(v);
        let anon = client();
        // the company logo: auth none, an image either way
        let r = anon
            .get(format!("{}/web/binary/company_logo", odoo.url()))
            .send()
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{v}");
        assert_eq!(r.headers()["content-type"], "image/png");
        assert!(r.bytes().unwrap().starts_with(b"\x89PNG"));

        // a recorded partner image, read by a logged-in user: the JPEG bytes as stored
        let partner = odoo
            .records("res.partner")
            .into_iter()
            .find(|p| p["image_128"].is_string())
            .unwrap_or_else(|| panic!("{v}: no partner with an image"));
        let id = partner["id"].as_i64().unwrap();
        let url = format!("{}/web/image/res.partner/{id}/image_128", odoo.url());
        let session = client();
        login(&session, &odoo);
        let r = session.get(&url).send().unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(r.headers()["content-type"], "image/jpeg");
        assert_eq!(r.headers()["content-security-policy"], "default-src 'none'");
        assert_eq!(
            r.headers()["content-disposition"],
            format!("inline; filename=res_partner-{id}-image_128.jpg").as_str()
        );
        assert!(r.bytes().unwrap().starts_with(b"\xff\xd8\xff"));

        // the public user may not read partners, a missing record, an empty field: placeholder
        for (c, url) in [
            (&anon, url.clone()),
            (
                &session,
                format!("{}/web/image/res.partner/999999/image_128", odoo.url()),
            ),
            (
                &session,
                format!("{}/web/image/res.partner/1/image_1920", odoo.url()),
            ),
        ] {
            let r = c.get(&url).send().unwrap();
            assert_eq!(r.status().as_u16(), 200, "{url}");
            assert_eq!(r.headers()["content-type"], "image/png", "{url}");
            assert_eq!(
                r.headers()["content-disposition"],
                "inline; filename=placeholder.png"
            );
        }
        // not a binary field, not a model: 404 page
        for path in [
            "/web/image/res.partner/1/name",
            "/web/image/no.such.model/1/image_128",
        ] {
            let r = session.get(format!("{}{path}", odoo.url())).send().unwrap();
            assert_eq!(r.status().as_u16(), 404, "{path}");
        }
    }
}

#[test]
fn the_company_logo_is_the_companys_own_when_it_has_one() {
    let odoo = FakeOdoo::start(OdooVersion::V18);
    // a GIF logo on the second company (base64 of a GIF header is enough for the type)
    let gif = "R0lGODlhAQABAAAAACw=";
    ok(
        &odoo,
        "res.company",
        "write",
        json!([[2], {"logo_web": gif}]),
        json!({}),
    );
    let get = |path: &str| {
        client()
            .get(format!("{}{path}", odoo.url()))
            .send()
            .unwrap()
    };
    let r = get("/logo.png?company=2");
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "image/gif");
    assert_eq!(
        r.headers()["content-disposition"],
        "inline; filename=logo.gif"
    );
    assert!(r.bytes().unwrap().starts_with(b"GIF89a"));
    // without `company`: the superuser's company, which has no logo here
    for path in ["/web/binary/company_logo", "/logo"] {
        let r = get(path);
        assert_eq!(r.headers()["content-type"], "image/png", "{path}");
        assert_eq!(
            r.headers()["content-disposition"],
            "inline; filename=nologo.png"
        );
    }
}

#[test]
fn web_database_list_is_a_jsonrpc_route() {
    for v in OdooVersion::ALL {
        let odoo = FakeOdoo::builder(v).databases(["zeta", "alpha"]).start();
        let r = client()
            .post(format!("{}/web/database/list", odoo.url()))
            .json(&json!({"jsonrpc": "2.0", "method": "call", "id": 3, "params": {}}))
            .send()
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let body: Value = r.json().unwrap();
        assert_eq!(
            body,
            json!({"jsonrpc": "2.0", "id": 3, "result": ["alpha", "zeta"]})
        );
    }
}
