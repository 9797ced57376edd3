//! Behaviour of the fake Odoo server beyond the recorded calls: the ORM and domains, validation,
//! sessions, JSON-2, fault injection, and speed on a large store.

use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use serde_json::{Value, json};
use tests::odoo::{ADMIN_API_KEY, ADMIN_PASSWORD, DEMO_PASSWORD, FakeOdoo, OdooVersion};

fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn post(c: &Client, odoo: &FakeOdoo, path: &str, body: &Value) -> Value {
    let r = c
        .post(format!("{}{path}", odoo.url()))
        .json(body)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{path}");
    r.json().unwrap()
}

fn rpc(odoo: &FakeOdoo, service: &str, method: &str, args: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "method": "call", "id": 7,
        "params": {"service": service, "method": method, "args": args}});
    post(&client(), odoo, "/jsonrpc", &body)
}

/// `execute_kw` as admin: `Ok(result)` or `Err(error.data)`.
fn kw(
    odoo: &FakeOdoo,
    model: &str,
    method: &str,
    args: Value,
    kwargs: Value,
) -> Result<Value, Value> {
    let env = rpc(
        odoo,
        "object",
        "execute_kw",
        json!([odoo.db(), 2, ADMIN_PASSWORD, model, method, args, kwargs]),
    );
    match env.get("error") {
        Some(e) => Err(e["data"].clone()),
        None => Ok(env["result"].clone()),
    }
}

fn ok(odoo: &FakeOdoo, model: &str, method: &str, args: Value, kwargs: Value) -> Value {
    kw(odoo, model, method, args, kwargs).unwrap_or_else(|e| panic!("{model}.{method}: {e}"))
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().or_else(|| x["id"].as_i64()).unwrap())
        .collect()
}

#[test]
fn versions_parse_and_print() {
    for v in OdooVersion::ALL {
        assert_eq!(v.as_str().parse::<OdooVersion>().unwrap(), v);
        assert_eq!(v.major().to_string().parse::<OdooVersion>().unwrap(), v);
    }
    assert!("15.0".parse::<OdooVersion>().is_err());
    assert!("18.x".parse::<OdooVersion>().is_err());
}

#[test]
fn starts_on_its_own_port_and_stops_on_drop() {
    let a = FakeOdoo::start(OdooVersion::V18);
    let b = FakeOdoo::start(OdooVersion::V16);
    assert_ne!(a.url(), b.url());
    assert_eq!(a.db(), "erp18");
    assert_eq!(b.db(), "erp16");
    let url = a.url();
    drop(a);
    assert!(
        client()
            .post(format!("{url}/jsonrpc"))
            .body("{}")
            .send()
            .is_err(),
        "still listening after drop"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn works_from_an_async_test() {
    let odoo = FakeOdoo::start(OdooVersion::V19);
    let r: Value = reqwest::Client::new()
        .get(format!("{}/web/version", odoo.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["version"], "19.0");
    drop(odoo); // joins the server thread from inside the runtime without panicking
}

#[tokio::test]
async fn works_from_a_current_thread_async_test() {
    let odoo = FakeOdoo::start(OdooVersion::V17);
    let body = json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"service": "common", "method": "version", "args": []}});
    let r: Value = reqwest::Client::new()
        .post(format!("{}/jsonrpc", odoo.url()))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["result"]["server_serie"], "17.0");
}

#[test]
fn authentication_rules() {
    let odoo = FakeOdoo::builder(OdooVersion::V18)
        .user("alice", "secret")
        .api_key("alice", "ALICE-KEY")
        .start();
    let auth = |login: &str, pw: &str| {
        rpc(
            &odoo,
            "common",
            "authenticate",
            json!([odoo.db(), login, pw, {}]),
        )["result"]
            .clone()
    };
    assert_eq!(auth("admin", ADMIN_PASSWORD), json!(2));
    assert_eq!(auth("admin", ADMIN_API_KEY), json!(2));
    assert_eq!(auth("admin", "nope"), json!(false));
    assert_eq!(auth("demo", DEMO_PASSWORD), json!(6));
    let alice = auth("alice", "secret");
    assert!(alice.as_i64().unwrap() > 7);
    assert_eq!(auth("alice", "ALICE-KEY"), alice);
    assert_eq!(odoo.uid("alice"), alice.as_i64());
    assert_eq!(FakeOdoo::start(OdooVersion::V19).uid("demo"), Some(5));
    // execute_kw checks the secret on every call
    let env = rpc(
        &odoo,
        "object",
        "execute_kw",
        json!([odoo.db(), 2, "wrong", "res.partner", "search", [[]], {}]),
    );
    assert_eq!(env["error"]["data"]["name"], "odoo.exceptions.AccessDenied");
    let env = rpc(
        &odoo,
        "object",
        "execute_kw",
        json!([
            odoo.db(),
            alice,
            "ALICE-KEY",
            "res.partner",
            "search_count",
            [[]],
            {}
        ]),
    );
    assert!(env["result"].as_i64().unwrap() > 0);
    // the demo user may not read system parameters
    let env = rpc(
        &odoo,
        "object",
        "execute_kw",
        json!([
            odoo.db(),
            6,
            DEMO_PASSWORD,
            "ir.config_parameter",
            "search_read",
            [[]],
            {}
        ]),
    );
    assert_eq!(env["error"]["data"]["name"], "odoo.exceptions.AccessError");
    // an unknown database
    let env = rpc(
        &odoo,
        "common",
        "authenticate",
        json!(["nope", "admin", ADMIN_PASSWORD, {}]),
    );
    assert_eq!(env["error"]["data"]["name"], "psycopg2.OperationalError");
}

#[test]
fn several_databases() {
    let odoo = FakeOdoo::builder(OdooVersion::V19)
        .databases(["main", "other"])
        .start();
    assert_eq!(odoo.db(), "main");
    assert_eq!(
        rpc(&odoo, "db", "list", json!([]))["result"],
        json!(["main", "other"])
    );
    // JSON-2 needs X-Odoo-Database when the server hosts several databases
    let c = client();
    let url = format!("{}/json/2/res.partner/search_count", odoo.url());
    let r = c
        .post(&url)
        .bearer_auth(ADMIN_API_KEY)
        .json(&json!({"domain": []}))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let r = c
        .post(&url)
        .bearer_auth(ADMIN_API_KEY)
        .header("X-Odoo-Database", "other")
        .json(&json!({"domain": []}))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[test]
fn web_session_lifecycle() {
    let odoo = FakeOdoo::start(OdooVersion::V17);
    let c = client();
    let call = json!({"jsonrpc": "2.0", "method": "call", "id": 3,
        "params": {"model": "res.partner", "method": "search_count", "args": [[["is_company", "=", true]]], "kwargs": {}}});
    let r = post(
        &c,
        &odoo,
        "/web/dataset/call_kw/res.partner/search_count",
        &call,
    );
    assert_eq!(r["error"]["code"], 100);
    let login = json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"db": odoo.db(), "login": "demo", "password": DEMO_PASSWORD}});
    let r = post(&c, &odoo, "/web/session/authenticate", &login);
    assert_eq!(r["result"]["uid"], 6);
    assert_eq!(r["result"]["is_admin"], false);
    assert_eq!(r["result"]["username"], "demo");
    let r = post(
        &c,
        &odoo,
        "/web/dataset/call_kw/res.partner/search_count",
        &call,
    );
    assert_eq!(r["id"], 3);
    assert!(r["result"].as_i64().unwrap() > 0, "{r}");
    let info = post(
        &c,
        &odoo,
        "/web/session/get_session_info",
        &json!({"jsonrpc": "2.0", "method": "call", "id": 4, "params": {}}),
    );
    assert_eq!(info["result"]["uid"], 6);
    odoo.expire_sessions();
    let r = post(&c, &odoo, "/web/dataset/call_kw", &call);
    assert_eq!(r["error"]["code"], 100);
    assert_eq!(r["error"]["message"], "Odoo Session Expired");
    assert_eq!(
        r["error"]["data"]["name"],
        "odoo.http.SessionExpiredException"
    );
    // log in again: a new cookie works
    post(&c, &odoo, "/web/session/authenticate", &login);
    assert!(
        post(&c, &odoo, "/web/dataset/call_kw", &call)
            .get("result")
            .is_some()
    );
    // an API key is not a password here
    let login = json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"db": odoo.db(), "login": "admin", "password": ADMIN_API_KEY}});
    assert_eq!(
        post(&c, &odoo, "/web/session/authenticate", &login)["error"]["data"]["name"],
        "odoo.exceptions.AccessDenied"
    );
    // logout
    post(
        &c,
        &odoo,
        "/web/session/destroy",
        &json!({"jsonrpc": "2.0", "method": "call", "id": 9, "params": {}}),
    );
}

#[test]
fn domains() {
    let odoo = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let be = odoo.insert("res.country", json!({"name": "Belgium", "code": "BE"}));
    let fr = odoo.insert("res.country", json!({"name": "France", "code": "FR"}));
    let acme = odoo.insert("res.partner", json!({"name": "Acme", "is_company": true, "country_id": be, "email": "info@acme.test", "color": 3}));
    let joe = odoo.insert(
        "res.partner",
        json!({"name": "Joe_Smith", "parent_id": acme, "country_id": fr, "color": 5}),
    );
    let old = odoo.insert(
        "res.partner",
        json!({"name": "Old Co", "is_company": true, "active": false}),
    );
    let kid = odoo.insert("res.partner", json!({"name": "Kid", "parent_id": joe}));
    let search = |domain: Value| {
        ids(&ok(
            &odoo,
            "res.partner",
            "search",
            json!([domain]),
            json!({"order": "id"}),
        ))
    };
    assert_eq!(search(json!([])), vec![acme, joe, kid]);
    assert_eq!(search(json!([["is_company", "=", true]])), vec![acme]);
    assert_eq!(search(json!([["is_company", "=", false]])), vec![joe, kid]);
    assert_eq!(
        search(json!(["|", ["name", "=", "Kid"], ["color", ">", 4]])),
        vec![joe, kid]
    );
    assert_eq!(
        search(json!(["!", ["name", "ilike", "ac"]])),
        vec![joe, kid]
    );
    assert_eq!(search(json!([["name", "ilike", "ACM"]])), vec![acme]);
    assert_eq!(search(json!([["name", "like", "ACM"]])), Vec::<i64>::new());
    assert_eq!(search(json!([["name", "=like", "Joe_%"]])), vec![joe]);
    assert_eq!(search(json!([["name", "=ilike", "j%"]])), vec![joe]);
    assert_eq!(search(json!([["email", "=", false]])), vec![joe, kid]);
    assert_eq!(search(json!([["email", "!=", false]])), vec![acme]);
    assert_eq!(search(json!([["country_id", "=", be]])), vec![acme]);
    assert_eq!(
        search(json!([["country_id", "in", [be, fr]]])),
        vec![acme, joe]
    );
    assert_eq!(
        search(json!([["country_id", "not in", [be]]])),
        vec![joe, kid]
    );
    assert_eq!(search(json!([["country_id", "ilike", "fran"]])), vec![joe]);
    assert_eq!(search(json!([["country_id.code", "=", "BE"]])), vec![acme]);
    assert_eq!(
        search(json!([["parent_id.country_id.code", "=", "BE"]])),
        vec![joe]
    );
    assert_eq!(
        search(json!([["id", "child_of", acme]])),
        vec![acme, joe, kid]
    );
    assert_eq!(
        search(json!([["id", "parent_of", kid]])),
        vec![acme, joe, kid]
    );
    assert_eq!(
        search(json!([["parent_id", "any", [["name", "=", "Acme"]]]])),
        vec![joe]
    );
    assert_eq!(
        search(json!([["color", ">=", 3], ["color", "<", 5]])),
        vec![acme]
    );
    assert_eq!(search(json!([[1, "=", 1]])), vec![acme, joe, kid]);
    // archived records: hidden unless active_test is off or the domain mentions active
    assert_eq!(search(json!([["active", "=", false]])), vec![old]);
    let all = ok(
        &odoo,
        "res.partner",
        "search",
        json!([[]]),
        json!({"order": "id", "context": {"active_test": false}}),
    );
    assert_eq!(ids(&all), vec![acme, joe, old, kid]);
    // order, offset, limit
    let r = ok(
        &odoo,
        "res.partner",
        "search",
        json!([[]]),
        json!({"order": "name desc", "offset": 1, "limit": 1}),
    );
    assert_eq!(ids(&r), vec![joe]);
    assert_eq!(
        ok(
            &odoo,
            "res.partner",
            "search_count",
            json!([[["parent_id", "!=", false]]]),
            json!({})
        ),
        json!(2)
    );
    // errors
    let e = kw(
        &odoo,
        "res.partner",
        "search",
        json!([[["nope", "=", 1]]]),
        json!({}),
    )
    .unwrap_err();
    assert_eq!(
        e["message"],
        "Invalid field res.partner.nope in leaf ('nope', '=', 1)"
    );
    let e = kw(
        &odoo,
        "res.partner",
        "search",
        json!([["&", ["name", "=", "x"]]]),
        json!({}),
    )
    .unwrap_err();
    assert_eq!(e["name"], "builtins.ValueError");
    let e = kw(
        &odoo,
        "res.partner",
        "search",
        json!([[]]),
        json!({"order": "nope"}),
    )
    .unwrap_err();
    assert_eq!(e["message"], "Invalid field 'nope' on model 'res.partner'");
}

#[test]
fn reads_in_wire_format() {
    let odoo = FakeOdoo::start(OdooVersion::V18);
    let r = ok(
        &odoo,
        "res.partner",
        "read",
        json!([[1, 3, 999999]]),
        json!({"fields": ["name", "country_id", "child_ids", "comment", "color", "credit_limit"]}),
    );
    let rows = r.as_array().unwrap();
    assert_eq!(rows.len(), 2, "missing ids are skipped");
    assert_eq!(rows[0]["country_id"], json!([233, "United States"]));
    assert!(rows[0]["child_ids"].is_array());
    assert_eq!(rows[0]["comment"], false);
    assert_eq!(rows[0]["color"], 0);
    // load=None: many2one as the bare id
    let r = ok(
        &odoo,
        "res.partner",
        "read",
        json!([[1]]),
        json!({"fields": ["country_id"], "load": null}),
    );
    assert_eq!(r[0]["country_id"], 233);
    let id = ok(
        &odoo,
        "res.partner",
        "create",
        json!([{"name": "New", "parent_id": 1}]),
        json!({}),
    );
    let r = ok(
        &odoo,
        "res.partner",
        "read",
        json!([[id]]),
        json!({"fields": ["parent_id", "display_name", "active", "email"]}),
    );
    assert_eq!(r[0]["parent_id"], json!([1, "My Company (San Francisco)"]));
    assert_eq!(r[0]["display_name"], "My Company (San Francisco), New");
    assert_eq!(r[0]["active"], true);
    assert_eq!(r[0]["email"], false);
    let e = kw(
        &odoo,
        "res.partner",
        "read",
        json!([[1]]),
        json!({"fields": ["nope"]}),
    )
    .unwrap_err();
    assert_eq!(e["message"], "Invalid field 'nope' on model 'res.partner'");
    // name_search / name_get-style answers
    let r = ok(
        &odoo,
        "res.partner",
        "name_search",
        json!([]),
        json!({"name": "Deco", "limit": 2}),
    );
    assert_eq!(
        r,
        json!([[10, "Deco Addict"], [36, "Deco Addict, Addison Olson"]])
    );
}

#[test]
fn create_write_unlink_and_validation() {
    for v in OdooVersion::ALL {
        let odoo = FakeOdoo::start(v);
        let id = ok(
            &odoo,
            "res.partner",
            "create",
            json!([{"name": "Fresh", "color": "7", "category_id": [[6, 0, [1, 2]]]}]),
            json!({}),
        )
        .as_i64()
        .unwrap();
        let ids2 = ok(
            &odoo,
            "res.partner",
            "create",
            json!([[{"name": "A"}, {"name": "B"}]]),
            json!({}),
        );
        assert_eq!(
            ids(&ids2),
            vec![id + 1, id + 2],
            "{v}: ids follow max(existing)+1"
        );
        let stored = odoo
            .records("res.partner")
            .into_iter()
            .find(|r| r["id"] == id)
            .unwrap();
        assert_eq!(stored["color"], 7);
        assert_eq!(stored["category_id"], json!([1, 2]));
        assert_eq!(
            ok(
                &odoo,
                "res.partner",
                "write",
                json!([[id], {"category_id": [[3, 1], [4, 9]], "comment": "<p>x</p>"}]),
                json!({})
            ),
            json!(true)
        );
        let stored = odoo
            .records("res.partner")
            .into_iter()
            .find(|r| r["id"] == id)
            .unwrap();
        assert_eq!(stored["category_id"], json!([2, 9]));
        // missing required field, recorded wording of the version
        let e = kw(
            &odoo,
            "sale.order",
            "create",
            json!([{"note": "no partner"}]),
            json!({}),
        )
        .unwrap_err();
        assert_eq!(e["name"], "odoo.exceptions.ValidationError", "{v}");
        assert!(
            e["message"].as_str().unwrap().contains("partner_id"),
            "{v}: {e}"
        );
        let e = kw(
            &odoo,
            "project.task",
            "create",
            json!([{"description": "x"}]),
            json!({}),
        )
        .unwrap_err();
        assert!(
            e["message"].as_str().unwrap().contains("(name)"),
            "{v}: {e}"
        );
        assert!(
            e["message"].as_str().unwrap().contains("(project.task)"),
            "{v}: {e}"
        );
        // a sale order with a customer is fine: name, company, dates come from the server
        let so = ok(
            &odoo,
            "sale.order",
            "create",
            json!([{"partner_id": 11}]),
            json!({}),
        );
        assert!(so.is_i64());
        // clearing a required field on write
        let e = kw(
            &odoo,
            "sale.order",
            "write",
            json!([[so], {"partner_id": false}]),
            json!({}),
        )
        .unwrap_err();
        assert_eq!(e["name"], "odoo.exceptions.ValidationError");
        // wrong types
        let e = kw(
            &odoo,
            "res.partner",
            "create",
            json!([{"name": "x", "color": "red"}]),
            json!({}),
        )
        .unwrap_err();
        assert_eq!(
            e["message"],
            "invalid literal for int() with base 10: 'red'"
        );
        let e = kw(
            &odoo,
            "res.partner",
            "create",
            json!([{"name": "x", "credit_limit": "lots"}]),
            json!({}),
        )
        .unwrap_err();
        assert_eq!(e["message"], "could not convert string to float: 'lots'");
        let e = kw(
            &odoo,
            "res.partner",
            "create",
            json!([{"name": "x", "type": "bogus"}]),
            json!({}),
        )
        .unwrap_err();
        assert_eq!(e["message"], "Wrong value for res.partner.type: 'bogus'");
        let e = kw(
            &odoo,
            "res.partner",
            "create",
            json!([{"name": "x", "country_id": "Belgium"}]),
            json!({}),
        )
        .unwrap_err();
        assert_eq!(
            e["message"],
            "Wrong value for res.partner.country_id: 'Belgium'"
        );
        let e = kw(
            &odoo,
            "res.partner",
            "create",
            json!([{"name": "x", "nope": 1}]),
            json!({}),
        )
        .unwrap_err();
        assert_eq!(e["message"], "Invalid field 'nope' on model 'res.partner'");
        // nothing of a failed batch is kept
        let before = odoo.records("res.partner").len();
        assert!(
            kw(
                &odoo,
                "res.partner",
                "create",
                json!([[{"name": "ok"}, {"color": "bad"}]]),
                json!({})
            )
            .is_err()
        );
        assert_eq!(odoo.records("res.partner").len(), before);
        // missing records
        let e = kw(
            &odoo,
            "res.partner",
            "write",
            json!([[424242], {"name": "x"}]),
            json!({}),
        )
        .unwrap_err();
        assert_eq!(
            e["message"],
            "Record does not exist or has been deleted.\n(Record: res.partner(424242,), User: 2)"
        );
        // recursion
        let child = ok(
            &odoo,
            "res.partner",
            "create",
            json!([{"name": "child", "parent_id": id}]),
            json!({}),
        );
        let e = kw(
            &odoo,
            "res.partner",
            "write",
            json!([[id], {"parent_id": child}]),
            json!({}),
        )
        .unwrap_err();
        assert_eq!(
            e["message"],
            "You cannot create recursive Partner hierarchies."
        );
        // unlink
        assert_eq!(
            ok(&odoo, "res.partner", "unlink", json!([[id]]), json!({})),
            json!(true)
        );
        assert!(odoo.records("res.partner").iter().all(|r| r["id"] != id));
        // unknown model / method / private method
        assert_eq!(
            kw(&odoo, "no.model", "search", json!([[]]), json!({})).unwrap_err()["name"],
            "odoo.exceptions.UserError"
        );
        assert_eq!(
            kw(&odoo, "res.partner", "frobnicate", json!([[]]), json!({})).unwrap_err()["name"],
            "builtins.AttributeError"
        );
        assert_eq!(
            kw(&odoo, "res.partner", "_private", json!([[]]), json!({})).unwrap_err()["name"],
            "odoo.exceptions.AccessError"
        );
        // bad arguments never crash the server
        assert_eq!(
            kw(&odoo, "res.partner", "search", json!([]), json!({})).unwrap_err()["name"],
            "builtins.TypeError"
        );
        assert_eq!(
            kw(
                &odoo,
                "res.partner",
                "search",
                json!([[]]),
                json!({"bogus": 1})
            )
            .unwrap_err()["name"],
            "builtins.TypeError"
        );
        assert!(kw(&odoo, "res.partner", "write", json!(["x", {}]), json!({})).is_err());
        assert!(kw(&odoo, "res.partner", "create", json!([42]), json!({})).is_err());
    }
}

#[test]
fn x2many_commands_create_children() {
    let odoo = FakeOdoo::start(OdooVersion::V17);
    let so = ok(
        &odoo,
        "sale.order",
        "create",
        json!([{"partner_id": 11, "order_line": [[0, 0, {"name": "Line", "product_uom_qty": 2}]]}]),
        json!({}),
    );
    let lines = odoo.records("sale.order.line");
    let line = lines
        .iter()
        .find(|l| l["order_id"] == so)
        .expect("line created with its order_id");
    let order = odoo
        .records("sale.order")
        .into_iter()
        .find(|o| o["id"] == so)
        .unwrap();
    assert_eq!(order["order_line"], json!([line["id"]]));
    // the one2many follows its many2one both ways
    let line2 = ok(
        &odoo,
        "sale.order.line",
        "create",
        json!([{"order_id": so, "name": "Second"}]),
        json!({}),
    );
    let read = |id: &Value| {
        ok(
            &odoo,
            "sale.order",
            "read",
            json!([[id]]),
            json!({"fields": ["order_line"]}),
        )[0]["order_line"]
            .clone()
    };
    assert_eq!(read(&so), json!([line["id"], line2]));
    ok(
        &odoo,
        "sale.order.line",
        "unlink",
        json!([[line2]]),
        json!({}),
    );
    assert_eq!(read(&so), json!([line["id"]]));
    let parent = ok(
        &odoo,
        "res.partner",
        "create",
        json!([{"name": "Parent", "is_company": true}]),
        json!({}),
    );
    let kid = ok(
        &odoo,
        "res.partner",
        "create",
        json!([{"name": "Kid", "parent_id": parent}]),
        json!({}),
    );
    let kids = |id: &Value| {
        ok(
            &odoo,
            "res.partner",
            "read",
            json!([[id]]),
            json!({"fields": ["child_ids"]}),
        )[0]["child_ids"]
            .clone()
    };
    assert_eq!(kids(&parent), json!([kid]));
    ok(
        &odoo,
        "res.partner",
        "write",
        json!([[kid], {"parent_id": false}]),
        json!({}),
    );
    assert_eq!(kids(&parent), json!([]));
    // a bare id list sets a many2many
    ok(
        &odoo,
        "res.partner",
        "write",
        json!([[kid], {"category_id": [3, 4]}]),
        json!({}),
    );
    ok(
        &odoo,
        "res.partner",
        "write",
        json!([[kid], {"category_id": [4]}]),
        json!({}),
    );
    let cats = ok(
        &odoo,
        "res.partner",
        "read",
        json!([[kid]]),
        json!({"fields": ["category_id"]}),
    );
    assert_eq!(cats[0]["category_id"], json!([4]));
}

#[test]
fn read_group_and_formatted_read_group() {
    let odoo = FakeOdoo::builder(OdooVersion::V19).seed_demo(false).start();
    for (state, amount, date) in [
        ("draft", 10.0, "2026-01-05 10:00:00"),
        ("sale", 20.5, "2026-01-20 10:00:00"),
        ("sale", 30.0, "2026-03-01 00:00:00"),
    ] {
        odoo.insert(
            "sale.order",
            json!({"state": state, "amount_total": amount, "date_order": date, "partner_id": 3}),
        );
    }
    let r = ok(
        &odoo,
        "sale.order",
        "read_group",
        json!([[], ["amount_total:sum"], ["state"]]),
        json!({"lazy": false}),
    );
    assert_eq!(
        r,
        json!([
            {"__count": 1, "__domain": [["state", "=", "draft"]], "amount_total": 10.0, "state": "draft"},
            {"__count": 2, "__domain": [["state", "=", "sale"]], "amount_total": 50.5, "state": "sale"},
        ])
    );
    let r = ok(
        &odoo,
        "sale.order",
        "read_group",
        json!([
            [["state", "=", "sale"]],
            ["amount_total"],
            ["date_order:month"]
        ]),
        json!({}),
    );
    assert_eq!(r[0]["date_order:month"], "January 2026");
    assert_eq!(r[0]["date_order_count"], 1);
    assert_eq!(r[1]["date_order:month"], "March 2026");
    assert_eq!(r[0]["__domain"][0], "&");
    let r = ok(
        &odoo,
        "sale.order",
        "formatted_read_group",
        json!([]),
        json!({"groupby": ["partner_id"], "aggregates": ["amount_total:sum", "__count"]}),
    );
    assert_eq!(r[0]["__count"], 3);
    assert_eq!(r[0]["amount_total:sum"], 60.5);
    assert_eq!(r[0]["partner_id"][0], 3);
    assert_eq!(r[0]["__extra_domain"], json!([["partner_id", "=", 3]]));
}

#[test]
fn fields_get_and_model_metadata() {
    let odoo = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let all = ok(&odoo, "res.partner", "fields_get", json!([]), json!({}));
    assert!(all.as_object().unwrap().len() > 100);
    assert_eq!(all["country_id"]["relation"], "res.country");
    let some = ok(
        &odoo,
        "res.partner",
        "fields_get",
        json!([["name", "nope"]]),
        json!({"attributes": ["type"]}),
    );
    assert_eq!(some, json!({"name": {"type": "char"}}));
    // every model with a recorded fields_get is listed, with the recorded columns
    let models = ok(
        &odoo,
        "ir.model",
        "search_read",
        json!([[]]),
        json!({"fields": ["model", "name", "transient"], "order": "model"}),
    );
    assert_eq!(models.as_array().unwrap().len(), 512);
    assert_eq!(models[0]["model"], "_unknown");
    let partner = ok(
        &odoo,
        "ir.model",
        "search_read",
        json!([[["model", "=", "res.partner"]]]),
        json!({"fields": ["name", "modules"]}),
    );
    assert_eq!(partner[0]["name"], "Contact");
    // ir.model.fields, batched over several models: recorded rows, and synthesized ones
    let rows = ok(
        &odoo,
        "ir.model.fields",
        "search_read",
        json!([[["model", "in", ["res.partner", "crm.lead"]]]]),
        json!({"fields": ["name", "model", "ttype", "relation", "required", "readonly", "store", "field_description", "modules"]}),
    );
    let rows = rows.as_array().unwrap();
    let partner_fields = rows.iter().filter(|r| r["model"] == "res.partner").count();
    assert_eq!(partner_fields, all.as_object().unwrap().len());
    let country = rows
        .iter()
        .find(|r| r["model"] == "res.partner" && r["name"] == "country_id")
        .unwrap();
    assert_eq!(country["ttype"], "many2one");
    assert_eq!(country["relation"], "res.country");
    let stage = rows
        .iter()
        .find(|r| r["model"] == "crm.lead" && r["name"] == "stage_id")
        .unwrap();
    assert_eq!(stage["relation"], "crm.stage");
    assert_eq!(stage["modules"], false, "unknown for synthesized rows");
}

#[test]
fn json2_protocol() {
    let odoo = FakeOdoo::start(OdooVersion::V19);
    let c = client();
    let call = |path: &str, key: Option<&str>, body: Value| {
        let mut b = c.post(format!("{}/json/2/{path}", odoo.url())).json(&body);
        if let Some(k) = key {
            b = b.header("Authorization", format!("bearer {k}"));
        }
        let r = b.send().unwrap();
        (
            r.status().as_u16(),
            r.json::<Value>().unwrap_or(Value::Null),
        )
    };
    let (s, v) = call(
        "res.partner/search_read",
        Some(ADMIN_API_KEY),
        json!({"domain": [["is_company", "=", true]], "fields": ["name"], "limit": 2, "context": {"lang": "en_US"}}),
    );
    assert_eq!(s, 200);
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(
        odoo.requests().last().unwrap().context,
        Some(json!({"lang": "en_US"}))
    );
    let (s, v) = call(
        "res.partner/create",
        Some(ADMIN_API_KEY),
        json!({"vals_list": {"name": "one"}}),
    );
    assert_eq!(
        (s, v.is_array()),
        (200, true),
        "create answers ids even for one dict"
    );
    let (s, _) = call("res.partner/search", None, json!({"domain": []}));
    assert_eq!(s, 401);
    let (s, v) = call(
        "res.partner/search",
        Some(ADMIN_PASSWORD),
        json!({"domain": []}),
    );
    assert_eq!(
        (s, v["message"].as_str()),
        (401, Some("Invalid apikey")),
        "a password is not a bearer"
    );
    let (s, v) = call(
        "res.partner/search",
        Some(ADMIN_API_KEY),
        json!({"domain": [], "bogus": 1}),
    );
    assert_eq!(
        (s, v["message"].as_str()),
        (422, Some("got an unexpected keyword argument 'bogus'"))
    );
    let (s, v) = call(
        "res.partner/search",
        Some(ADMIN_API_KEY),
        json!({"domain": [], "ids": [1]}),
    );
    assert_eq!(
        (s, v["message"].as_str()),
        (422, Some("cannot call res.partner.search with ids"))
    );
    let (s, _) = call(
        "res.partner/read",
        Some(ADMIN_API_KEY),
        json!({"ids": [1], "fields": ["name"]}),
    );
    assert_eq!(s, 200);
    let (s, v) = call(
        "res.partner/write",
        Some(ADMIN_API_KEY),
        json!({"ids": [424242], "vals": {"name": "x"}}),
    );
    assert_eq!(
        (s, v["name"].as_str()),
        (404, Some("odoo.exceptions.MissingError"))
    );
    let (s, v) = call(
        "sale.order/create",
        Some(ADMIN_API_KEY),
        json!({"vals_list": [{"note": "x"}]}),
    );
    assert_eq!(
        (s, v["name"].as_str()),
        (422, Some("odoo.exceptions.ValidationError"))
    );
    let (s, v) = call(
        "res.partner/create",
        Some(ADMIN_API_KEY),
        json!({"vals_list": [{"color": "x"}]}),
    );
    assert_eq!((s, v["name"].as_str()), (500, Some("builtins.ValueError")));
    let (s, _) = call("res.partner", Some(ADMIN_API_KEY), json!({}));
    assert_eq!(s, 404);
    let r = c
        .post(format!("{}/json/2/res.partner/search", odoo.url()))
        .bearer_auth(ADMIN_API_KEY)
        .body("[1]")
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let r = c
        .get(format!("{}/json/2/res.partner/search", odoo.url()))
        .bearer_auth(ADMIN_API_KEY)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    // older versions have no such route, nor /web/version
    let v18 = FakeOdoo::start(OdooVersion::V18);
    let r = c
        .post(format!("{}/json/2/res.partner/search", v18.url()))
        .bearer_auth(ADMIN_API_KEY)
        .json(&json!({"domain": []}))
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert_eq!(
        c.get(format!("{}/web/version", v18.url()))
            .send()
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}

#[test]
fn malformed_requests_get_odoo_answers() {
    let odoo = FakeOdoo::start(OdooVersion::V16);
    let c = client();
    let url = format!("{}/jsonrpc", odoo.url());
    let r = c.post(&url).body("not json").send().unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(r.text().unwrap(), "Invalid JSON data");
    let r: Value = c
        .post(&url)
        .json(&json!([1, 2]))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(r["error"]["data"]["name"], "builtins.AttributeError");
    let r: Value = c
        .post(&url)
        .json(&json!({"id": 1, "params": {"service": "common"}}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(r["error"]["data"]["name"], "builtins.TypeError");
    let r: Value = c
        .post(&url)
        .json(&json!({"id": 1, "params": {"service": "nope", "method": "x", "args": []}}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(r["error"]["data"]["name"], "builtins.KeyError");
    let r: Value = c
        .post(&url)
        .json(
            &json!({"id": 1, "params": {"service": "object", "method": "execute_kw", "args": [1]}}),
        )
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(r["error"]["data"]["name"], "builtins.TypeError");
    let r: Value = c
        .post(&url)
        .json(&json!({"id": 1, "params": {"service": "object", "method": "execute_kw", "args": ["erp16", 2, ADMIN_PASSWORD, "res.partner", "search", [{"x": 1}], {}]}}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(r["error"]["data"]["name"], "builtins.ValueError");
    assert_eq!(
        c.get(format!("{}/nope", odoo.url()))
            .send()
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}

#[test]
fn recorded_requests_redact_secrets_and_keep_context() {
    let odoo = FakeOdoo::start(OdooVersion::V18);
    ok(
        &odoo,
        "res.partner",
        "search_read",
        json!([[]]),
        json!({"limit": 1, "context": {"lang": "fr_FR", "active_test": false}}),
    );
    let reqs = odoo.requests();
    assert_eq!(odoo.request_count(), 1);
    let r = &reqs[0];
    assert_eq!(r.call(), Some(("res.partner", "search_read")));
    assert_eq!(r.service.as_deref(), Some("object"));
    assert_eq!(r.service_method.as_deref(), Some("execute_kw"));
    assert_eq!(
        r.context,
        Some(json!({"lang": "fr_FR", "active_test": false}))
    );
    assert_eq!(r.params["args"][2], "<secret>");
    assert_eq!(r.status, 200);
    assert!(!format!("{reqs:?}").contains(ADMIN_PASSWORD));
}

#[test]
fn faults() {
    let odoo = FakeOdoo::start(OdooVersion::V18);
    let c = client();
    let version = json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"service": "common", "method": "version", "args": []}});
    let send = || {
        c.post(format!("{}/jsonrpc", odoo.url()))
            .json(&version)
            .send()
    };

    odoo.faults().drop_connections(1);
    let e = send().unwrap_err();
    assert!(e.is_request() || e.is_connect(), "{e:?}");
    assert_eq!(
        send().unwrap().status().as_u16(),
        200,
        "only one request dropped"
    );

    odoo.faults().truncate_responses(1);
    let r = send().and_then(|r| r.text());
    assert!(r.is_err(), "body cut mid-way: {r:?}");

    odoo.faults().html_502(2);
    for _ in 0..2 {
        let r = send().unwrap();
        assert_eq!(r.status().as_u16(), 502);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(r.text().unwrap().contains("502 Bad Gateway"));
    }
    odoo.faults().status(1, 429, Some(7));
    odoo.faults().status(1, 503, None);
    let r = send().unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    let r = send().unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert!(r.headers().get("retry-after").is_none());
    assert_eq!(send().unwrap().status().as_u16(), 200);

    odoo.faults().html_502(3);
    assert_eq!(odoo.faults().pending(), 3);
    odoo.faults().clear();
    assert_eq!(send().unwrap().status().as_u16(), 200);

    odoo.faults().set_latency(Duration::from_millis(300));
    let t = Instant::now();
    send().unwrap();
    assert!(t.elapsed() >= Duration::from_millis(300));
    let slow = Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    assert!(
        slow.post(format!("{}/jsonrpc", odoo.url()))
            .json(&version)
            .send()
            .unwrap_err()
            .is_timeout()
    );
    odoo.faults().clear();

    let faulted: Vec<_> = odoo
        .requests()
        .into_iter()
        .filter_map(|r| r.fault)
        .collect();
    assert_eq!(
        faulted[..6],
        [
            "drop",
            "truncate",
            "html_502",
            "html_502",
            "status 429",
            "status 503"
        ]
    );
}

#[test]
fn connection_reuse_is_visible() {
    let odoo = FakeOdoo::start(OdooVersion::V16);
    let c = client();
    let body = json!({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"service": "common", "method": "version", "args": []}});
    for _ in 0..10 {
        c.post(format!("{}/jsonrpc", odoo.url()))
            .json(&body)
            .send()
            .unwrap()
            .bytes()
            .unwrap();
    }
    assert_eq!(odoo.request_count(), 10);
    assert_eq!(odoo.connections_accepted(), 1);
    for _ in 0..3 {
        client()
            .post(format!("{}/jsonrpc", odoo.url()))
            .json(&body)
            .send()
            .unwrap()
            .bytes()
            .unwrap();
    }
    assert_eq!(odoo.connections_accepted(), 4);
}

#[test]
fn pages_through_100k_records_quickly() {
    let odoo = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let t = Instant::now();
    odoo.seed_many("res.partner", 100_000, |i| json!({"name": format!("Partner {i:06}"), "is_company": i % 10 == 0, "country_id": [233, "United States"]}));
    let seeded = t.elapsed();
    assert!(seeded < Duration::from_secs(10), "seeding took {seeded:?}");

    let c = client();
    let t = Instant::now();
    let mut seen = 0;
    let mut last = 0;
    for page in 0..100 {
        let body = json!({"jsonrpc": "2.0", "method": "call", "id": page, "params": {"service": "object", "method": "execute_kw",
            "args": [odoo.db(), 2, ADMIN_PASSWORD, "res.partner", "search_read", [[]],
                     {"fields": ["name", "country_id"], "offset": page * 1000, "limit": 1000, "order": "id"}]}});
        let r: Value = c
            .post(format!("{}/jsonrpc", odoo.url()))
            .json(&body)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let rows = r["result"].as_array().unwrap();
        assert_eq!(rows.len(), 1000);
        assert!(rows[0]["id"].as_i64().unwrap() > last);
        last = rows[999]["id"].as_i64().unwrap();
        assert_eq!(rows[0]["country_id"], json!([233, "United States"]));
        seen += rows.len();
    }
    let paged = t.elapsed();
    assert_eq!(seen, 100_000);
    assert!(paged < Duration::from_secs(20), "paging took {paged:?}");

    // a filtered search in the default order (complete_name, id desc), paged: one full search
    let t = Instant::now();
    for page in 0..10 {
        let r = ok(
            &odoo,
            "res.partner",
            "search",
            json!([[["is_company", "=", true]]]),
            json!({"offset": page * 1000, "limit": 1000}),
        );
        assert_eq!(r.as_array().unwrap().len(), 1000);
    }
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "filtered paging took {:?}",
        t.elapsed()
    );
    assert_eq!(
        ok(
            &odoo,
            "res.partner",
            "search_count",
            json!([[["is_company", "=", true]]]),
            json!({})
        ),
        json!(10_000)
    );
    eprintln!("seeded 100k in {seeded:?}, paged 100 x 1000 in {paged:?}");
}

#[test]
fn concurrent_clients() {
    let odoo = FakeOdoo::start(OdooVersion::V17);
    std::thread::scope(|s| {
        for t in 0..8 {
            let odoo = &odoo;
            s.spawn(move || {
                for i in 0..20 {
                    let id = ok(
                        odoo,
                        "res.partner",
                        "create",
                        json!([{"name": format!("Thread-{t}-{i}")}]),
                        json!({}),
                    );
                    assert!(id.is_i64());
                }
            });
        }
    });
    let created = odoo
        .records("res.partner")
        .iter()
        .filter(|r| r["name"].as_str().is_some_and(|n| n.starts_with("Thread-")))
        .count();
    assert_eq!(created, 160);
}

#[test]
fn fields_get_of_every_model_as_a_generator_fetches_them() {
    let odoo = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let c = client();
    let models = ok(
        &odoo,
        "ir.model",
        "search_read",
        json!([[]]),
        json!({"fields": ["model"]}),
    );
    let models: Vec<String> = models
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["model"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(models.len(), 512);
    let t = Instant::now();
    for (i, model) in models.iter().enumerate() {
        let body = json!({"jsonrpc": "2.0", "method": "call", "id": i, "params": {"service": "object", "method": "execute_kw",
            "args": [odoo.db(), 2, ADMIN_PASSWORD, model, "fields_get", [], {}]}});
        let r: Value = c
            .post(format!("{}/jsonrpc", odoo.url()))
            .json(&body)
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert!(r["result"].is_object(), "{model}: {r}");
    }
    eprintln!("fields_get x {} in {:?}", models.len(), t.elapsed());
    assert!(t.elapsed() < Duration::from_secs(30));
}

#[test]
fn api_doc_on_19() {
    let odoo = FakeOdoo::start(OdooVersion::V19);
    let c = client();
    let get = |path: &str, key: Option<&str>| {
        let mut b = c.get(format!("{}{path}", odoo.url()));
        if let Some(k) = key {
            b = b.bearer_auth(k);
        }
        let r = b.send().unwrap();
        (
            r.status().as_u16(),
            r.json::<Value>().unwrap_or(Value::Null),
        )
    };
    let (s, v) = get("/doc-bearer/res.partner.json", Some(ADMIN_API_KEY));
    assert_eq!(s, 200);
    assert!(v["fields"]["name"].is_object() && v["methods"].is_object());
    let (s, v) = get("/doc-bearer/index.json", Some(ADMIN_API_KEY));
    assert_eq!(s, 200);
    assert!(v["models"].is_array());
    assert_eq!(get("/doc-bearer/res.partner.json", None).0, 401);
    assert_eq!(
        get("/doc-bearer/mrp.production.json", Some(ADMIN_API_KEY)).0,
        404
    );
    let v18 = FakeOdoo::start(OdooVersion::V18);
    assert_eq!(
        c.get(format!("{}/doc-bearer/index.json", v18.url()))
            .bearer_auth(ADMIN_API_KEY)
            .send()
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}
