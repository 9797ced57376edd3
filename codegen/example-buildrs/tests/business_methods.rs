//! Business-method wrappers end to end against the fake Odoo (16–19; JSON-2 on 19): the
//! README's "Business methods" example (its lines are checked to be the same as here), a typed
//! `Action` from a configured answer, and a listed method the server lacks (a typed error).

use codegen_example::odoo::account_move::{MoveType, State};
use codegen_example::odoo::prelude::*;
use runtime::odoo::{ActionResult, OdooClient};
use runtime::{ErrorKind, Secret};
use serde_json::json;
use tests::odoo::{ADMIN_API_KEY, ADMIN_PASSWORD, FakeOdoo, OdooVersion};

async fn client(odoo: &FakeOdoo) -> OdooClient {
    let secret = if odoo.version() == OdooVersion::V19 {
        Secret::api_key(ADMIN_API_KEY) // JSON-2
    } else {
        Secret::password(ADMIN_PASSWORD) // JSON-RPC
    };
    OdooClient::connect(odoo.url(), odoo.db(), "admin", secret)
        .await
        .unwrap()
}

/// The README's ten lines, between the markers (the README block must hold the same lines;
/// not formatted, so that they stay ten).
#[rustfmt::skip]
async fn readme(client: &OdooClient, customer: i64, product: i64) -> runtime::Result<Vec<AccountMove>> {
    // README-BEGIN
    let line = SaleOrderLineCreate::new().product_id(product).product_uom_qty(3.0);
    let order = client.create(&SaleOrderCreate::new(customer).order_line([Command::create(&line)])).await?;
    SaleOrder::action_confirm(client, &[order]).await?; // true; the order is now a sale order
    let line = AccountMoveLineCreate::new().product_id(product).quantity(3.0).price_unit(25.0);
    let invoice = AccountMoveCreate::new().move_type(MoveType::OutInvoice).partner_id(customer)
        .invoice_origin("the order").invoice_line_ids([Command::create(&line)]);
    let invoice = client.create(&invoice).await?;
    AccountMove::action_post(client, &[invoice]).await?; // posted, numbered, in the ledger
    let posted = client.read::<AccountMove>(&[invoice]).await?;
    assert_eq!(posted[0].state, Some(State::Posted));
    // README-END
    let orders = client.read::<SaleOrder>(&[order]).await?;
    assert_eq!(
        orders[0].state,
        Some(codegen_example::odoo::sale_order::State::Sale)
    );
    Ok(posted)
}

/// The first demo record of `model` for which `keep` holds.
fn first(odoo: &FakeOdoo, model: &str, keep: impl Fn(&serde_json::Value) -> bool) -> i64 {
    odoo.records(model)
        .into_iter()
        .find(|r| keep(r))
        .and_then(|r| r["id"].as_i64())
        .unwrap_or_else(|| panic!("no demo {model}"))
}

fn any_partner_and_product(odoo: &FakeOdoo) -> (i64, i64) {
    let partner = first(odoo, "res.partner", |r| r["is_company"] == json!(true));
    let product = first(odoo, "product.product", |_| true);
    (partner, product)
}

/// The bindings are generated from the Odoo 18 snapshot, so reading a whole `AccountMove`
/// needs exactly 18's fields: the README flow runs on 18; 16, 17 and 19 (JSON-2) run the two
/// wrappers alone (below).
#[tokio::test]
async fn confirm_an_order_and_post_its_invoice() {
    for version in [OdooVersion::V18] {
        let odoo = FakeOdoo::start(version);
        let (customer, product) = any_partner_and_product(&odoo);
        let c = client(&odoo).await;
        let posted = readme(&c, customer, product)
            .await
            .unwrap_or_else(|e| panic!("{version:?}: {e}"));
        assert_eq!(posted.len(), 1, "{version:?}");
        let calls: Vec<(String, String)> = odoo
            .requests()
            .iter()
            .filter_map(|r| r.call().map(|(m, f)| (m.to_owned(), f.to_owned())))
            .filter(|(_, f)| f.starts_with("action_"))
            .collect();
        assert_eq!(
            calls,
            [
                ("sale.order".to_owned(), "action_confirm".to_owned()),
                ("account.move".to_owned(), "action_post".to_owned())
            ],
            "{version:?}"
        );
    }
}

#[tokio::test]
async fn the_wrappers_change_state_on_16_17_and_19() {
    for version in [OdooVersion::V16, OdooVersion::V17, OdooVersion::V19] {
        let odoo = FakeOdoo::start(version);
        let c = client(&odoo).await;
        let order = first(&odoo, "sale.order", |r| r["state"] == json!("draft"));
        assert!(SaleOrder::action_confirm(&c, &[order]).await.unwrap());
        let state = &odoo
            .records("sale.order")
            .into_iter()
            .find(|r| r["id"] == json!(order))
            .unwrap()["state"];
        assert_eq!(state, &json!("sale"), "{version:?}");
        let (customer, _) = any_partner_and_product(&odoo);
        let invoice = odoo.insert(
            "account.move",
            json!({"move_type": "out_invoice", "state": "draft", "partner_id": customer}),
        );
        let answer = AccountMove::action_post(&c, &[invoice]).await.unwrap();
        assert_eq!(
            answer,
            ActionResult::Value(json!(false)),
            "Odoo's action_post returns False"
        );
    }
}

#[tokio::test]
async fn a_configured_action_comes_back_typed() {
    for version in [OdooVersion::V18, OdooVersion::V19] {
        // The shape of the action Odoo's sale.order.action_view_invoice returns for one invoice.
        let odoo = FakeOdoo::builder(version)
            .method_result(
                "sale.order",
                "action_view_invoice",
                json!({
                    "type": "ir.actions.act_window", "name": "Invoices",
                    "res_model": "account.move", "res_id": 77,
                    "views": [[false, "form"]], "context": {"default_move_type": "out_invoice"}
                }),
            )
            .start();
        let c = client(&odoo).await;
        let order = first(&odoo, "sale.order", |_| true);
        let action = SaleOrder::action_view_invoice(&c, &[order], None)
            .await
            .unwrap();
        assert_eq!(action.record(), Some(("account.move", 77)), "{version:?}");
        let ActionResult::Action(a) = action else {
            panic!("an action")
        };
        assert_eq!(a.kind.as_deref(), Some("ir.actions.act_window"));
        assert_eq!(a.extra["views"], json!([[false, "form"]]));
    }
}

#[tokio::test]
async fn a_listed_method_the_server_lacks_is_the_servers_error() {
    for version in OdooVersion::ALL {
        let odoo = FakeOdoo::start(version);
        let c = client(&odoo).await;
        let order = first(&odoo, "sale.order", |_| true);
        // In the bundled list (from Odoo 19), with no behaviour on the fake.
        let e = SaleOrder::action_lock(&c, &[order]).await.unwrap_err();
        let fault = e.fault().expect("a server fault");
        let expected = match version {
            OdooVersion::V16 => "type object 'sale.order' has no attribute 'action_lock'",
            OdooVersion::V19 => "The method 'sale.order.action_lock' does not exist",
            _ => "The method 'action_lock' does not exist on the model 'sale.order'",
        };
        assert_eq!(fault.message(), expected, "{version:?}");
        assert!(e.to_string().contains("sale.order/action_lock"), "{e}");
        assert_ne!(e.kind(), ErrorKind::Decode);
    }
}

#[tokio::test]
async fn confirming_twice_is_odoos_user_error() {
    let odoo = FakeOdoo::start(OdooVersion::V18);
    let c = client(&odoo).await;
    let order = first(&odoo, "sale.order", |r| r["state"] == json!("draft"));
    assert!(SaleOrder::action_confirm(&c, &[order]).await.unwrap());
    let e = SaleOrder::action_confirm(&c, &[order]).await.unwrap_err();
    assert!(e.is_user_error(), "{e}");
}

#[test]
fn the_readme_shows_the_same_lines() {
    let me = include_str!("business_methods.rs");
    let ours: Vec<&str> = me
        .split("// README-BEGIN")
        .nth(1)
        .and_then(|s| s.split("// README-END").next())
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let readme = include_str!("../../../README.md");
    let section = readme
        .split("## Business methods")
        .nth(1)
        .expect("README has a Business methods section");
    let block = section
        .split("```rust")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let theirs: Vec<&str> = block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("use ") && !l.starts_with("//"))
        .collect();
    assert_eq!(ours, theirs);
    assert_eq!(ours.len(), 10, "ten typed lines");
}

/// A recorded answer (`tests/fixtures/odoo-<v>/methods/<stem>.json`, real Odoo 16–19): the
/// JSON-RPC `result`, or the JSON-2 body.
fn recorded(version: OdooVersion, stem: &str) -> serde_json::Value {
    let path = format!(
        "{}/../../tests/fixtures/odoo-{}/methods/{stem}.json",
        env!("CARGO_MANIFEST_DIR"),
        version.major()
    );
    let rec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    if rec["path"] == "/jsonrpc" {
        rec["response"]["result"].clone()
    } else {
        rec["response"].clone()
    }
}

/// Every answer real servers gave decodes into the return type of the wrapper that calls it.
#[test]
fn recorded_answers_fit_the_wrappers_return_types() {
    // The wrappers' types, pinned: a change of the table in codegen's typemap fails here.
    let _: for<'c, 'i> fn(&'c OdooClient, &'i [i64]) -> runtime::odoo::Execute<'c, bool> =
        SaleOrder::action_confirm;
    let _: for<'c, 'i> fn(&'c OdooClient, &'i [i64]) -> runtime::odoo::Execute<'c, ActionResult> =
        AccountMove::action_post;
    let _: for<'c, 'i> fn(&'c OdooClient, &'i [i64]) -> runtime::odoo::Execute<'c, ActionResult> =
        StockPicking::button_validate;
    let _: for<'c, 'i> fn(
        &'c OdooClient,
        &'i [i64],
        Option<serde_json::Value>,
    ) -> runtime::odoo::Execute<'c, ActionResult> = SaleOrder::action_view_invoice;
    for version in OdooVersion::ALL {
        let confirmed: bool =
            serde_json::from_value(recorded(version, "sale.order.action_confirm.draft")).unwrap();
        assert!(confirmed, "{version:?}");
        let posted: ActionResult =
            serde_json::from_value(recorded(version, "account.move.action_post.draft")).unwrap();
        assert_eq!(posted.value(), Some(&json!(false)), "{version:?}");
        let validate: ActionResult =
            serde_json::from_value(recorded(version, "stock.picking.button_validate.assigned"))
                .unwrap();
        let wizard = validate.wizard().expect("a wizard");
        let expected = if version == OdooVersion::V16 {
            "stock.immediate.transfer"
        } else {
            "confirm.stock.sms"
        };
        assert_eq!(wizard.res_model.as_deref(), Some(expected), "{version:?}");
        let view: ActionResult =
            serde_json::from_value(recorded(version, "sale.order.action_view_invoice")).unwrap();
        let close = view.action().expect("an action");
        assert!(close.is_close(), "{version:?}");
        assert!(
            close
                .context_dict()
                .unwrap()
                .contains_key("default_partner_id")
        );
    }
    for stem in [
        "json2.sale.order.action_confirm.draft",
        "json2.sale.order.action_view_invoice",
    ] {
        let answer = recorded(OdooVersion::V19, stem);
        if stem.contains("action_confirm") {
            assert!(serde_json::from_value::<bool>(answer).unwrap());
        } else {
            let a: ActionResult = serde_json::from_value(answer).unwrap();
            assert!(a.action().is_some_and(|a| a.is_close()));
        }
    }
}

/// Clients over every transport the recordings cover: JSON-RPC on 16–18, and on 19 both
/// JSON-RPC (forced, with the password) and JSON-2 (the API key).
async fn clients(odoo: &FakeOdoo) -> Vec<OdooClient> {
    let version = odoo.version();
    let mut out = Vec::new();
    let rpc = OdooClient::builder(odoo.url())
        .database(odoo.db())
        .login("admin")
        .password(ADMIN_PASSWORD)
        .transport(runtime::odoo::TransportKind::JsonRpc)
        .connect()
        .await
        .unwrap();
    out.push(rpc);
    if version == OdooVersion::V19 {
        out.push(client(odoo).await);
    }
    out
}

/// The recorded calls, made through the generated wrappers against the fake of each version:
/// the typed answers are the recorded ones (ids and numbers aside), the state changes too.
#[tokio::test]
async fn every_recorded_call_through_the_wrappers() {
    for version in OdooVersion::ALL {
        let odoo = FakeOdoo::start(version);
        let (customer, _) = any_partner_and_product(&odoo);
        for c in clients(&odoo).await {
            let how = format!("{version:?} over {:?}", c.transport());
            let order = odoo.insert(
                "sale.order",
                json!({"state": "draft", "partner_id": customer, "partner_shipping_id": customer,
                       "name": "S09999", "invoice_ids": []}),
            );
            assert!(
                SaleOrder::action_confirm(&c, &[order]).await.unwrap(),
                "{how}"
            );
            match SaleOrder::action_confirm(&c, &[order]).await {
                Ok(again) => {
                    assert_eq!(version, OdooVersion::V16, "{how}: only 16 confirms twice");
                    assert!(again);
                }
                Err(e) => {
                    assert_ne!(version, OdooVersion::V16, "{how}: {e}");
                    assert!(e.is_user_error(), "{how}: {e}");
                }
            }
            let view = SaleOrder::action_view_invoice(&c, &[order], None)
                .await
                .unwrap();
            let close = view.action().expect("an action");
            assert!(close.is_close(), "{how}");
            let ctx = close.context_dict().unwrap();
            assert_eq!(ctx["default_partner_id"], json!(customer), "{how}");
            let recorded_keys: Vec<String> =
                recorded(version, "sale.order.action_view_invoice")["context"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .cloned()
                    .collect();
            assert_eq!(
                ctx.keys().cloned().collect::<Vec<_>>(),
                recorded_keys,
                "{how}"
            );

            let invoice = odoo.insert(
                "account.move",
                json!({"move_type": "out_invoice", "state": "draft", "partner_id": customer}),
            );
            let posted = AccountMove::action_post(&c, &[invoice]).await.unwrap();
            assert_eq!(posted.value(), Some(&json!(false)), "{how}");
            let again = AccountMove::action_post(&c, &[invoice]).await.unwrap_err();
            assert!(again.is_user_error(), "{how}: {again}");

            let ready = odoo.insert(
                "stock.picking",
                json!({"state": "assigned", "company_id": 1}),
            );
            let answer = StockPicking::button_validate(&c, &[ready]).await.unwrap();
            let wizard = answer.wizard().expect("a wizard");
            let expected: ActionResult =
                serde_json::from_value(recorded(version, "stock.picking.button_validate.assigned"))
                    .unwrap();
            let expected = expected.wizard().unwrap();
            assert_eq!(wizard.res_model, expected.res_model, "{how}");
            assert_eq!(wizard.name, expected.name, "{how}");
            assert_eq!(wizard.extra["views"], expected.extra["views"], "{how}");
            assert_eq!(
                wizard.context_dict().unwrap()["button_validate_picking_ids"],
                json!([ready]),
                "{how}"
            );
            let waiting = odoo.insert("stock.picking", json!({"state": "confirmed"}));
            let refused = StockPicking::button_validate(&c, &[waiting])
                .await
                .unwrap_err();
            assert!(refused.is_user_error(), "{how}: {refused}");
            let state = |model: &str, id: i64| {
                odoo.records(model)
                    .into_iter()
                    .find(|r| r["id"] == json!(id))
                    .unwrap()["state"]
                    .clone()
            };
            assert_eq!(state("sale.order", order), json!("sale"), "{how}");
            assert_eq!(state("account.move", invoice), json!("posted"), "{how}");
            assert_eq!(state("stock.picking", ready), json!("assigned"), "{how}");
            assert_eq!(state("stock.picking", waiting), json!("confirmed"), "{how}");
        }
    }
}

/// Wrappers several models share live once in the `mixins` traits (here the ORM's, in
/// `BaseModel`): called as the model's own, they reach that model on the server.
#[tokio::test]
async fn shared_wrappers_call_the_implementing_model() {
    use codegen_example::odoo::mixins::BaseModel;
    // `copy(default)` takes the implementing model's own update values.
    type Copy = for<'c, 'i, 'd> fn(
        &'c OdooClient,
        &'i [i64],
        Option<&'d SaleOrderUpdate>,
    ) -> runtime::odoo::Execute<'c, Vec<i64>>;
    let _: Copy = <SaleOrder as BaseModel>::copy;
    for version in OdooVersion::ALL {
        let odoo = FakeOdoo::start(version);
        let c = client(&odoo).await;
        let order = first(&odoo, "sale.order", |_| true);
        // The fake has no `action_archive`: the server's answer names the model it was sent to.
        let e = SaleOrder::action_archive(&c, &[order]).await.unwrap_err();
        assert!(e.to_string().contains("sale.order/action_archive"), "{e}");
        let e = AccountMove::action_archive(&c, &[1]).await.unwrap_err();
        assert!(e.to_string().contains("account.move/action_archive"), "{e}");
    }
}

/// The same wrappers from blocking code: generic over the client's mode, they answer the
/// blocking client's builder, run with `.call()` — a model's own method (`action_confirm`) and
/// the ORM's shared ones (`BaseModel::action_archive` on records, `name_create` with no ids),
/// on every version, JSON-2 on 19.
#[test]
fn the_blocking_client_calls_the_same_wrappers() {
    for version in OdooVersion::ALL {
        let odoo = FakeOdoo::start(version);
        let secret = if version == OdooVersion::V19 {
            Secret::api_key(ADMIN_API_KEY)
        } else {
            Secret::password(ADMIN_PASSWORD)
        };
        let c =
            runtime::blocking::OdooClient::connect(odoo.url(), odoo.db(), "admin", secret).unwrap();
        let record = |model: &str, id: i64| {
            odoo.records(model)
                .into_iter()
                .find(|r| r["id"] == json!(id))
                .unwrap_or_else(|| panic!("{version:?}: no {model} {id}"))
        };

        let order = first(&odoo, "sale.order", |r| r["state"] == json!("draft"));
        assert!(SaleOrder::action_confirm(&c, &[order]).call().unwrap());
        assert_eq!(
            record("sale.order", order)["state"],
            json!("sale"),
            "{version:?}"
        );
        let again = SaleOrder::action_confirm(&c, &[order]).call();
        assert_eq!(
            again.is_err(),
            version != OdooVersion::V16,
            "{version:?}: {again:?}"
        );

        let partner = first(&odoo, "res.partner", |r| r["active"] == json!(true));
        let archived = ResPartner::action_archive(&c, &[partner]).call().unwrap();
        assert_eq!(archived, ActionResult::Value(json!(true)), "{version:?}");
        assert_eq!(
            record("res.partner", partner)["active"],
            json!(false),
            "{version:?}"
        );

        let created = ResPartner::name_create(&c, "Blocking Ltd").call().unwrap();
        let id = created[0].as_i64().expect("[id, display name]");
        assert_eq!(
            record("res.partner", id)["name"],
            json!("Blocking Ltd"),
            "{version:?}"
        );

        let calls: Vec<String> = odoo
            .requests()
            .iter()
            .filter_map(|r| r.call().map(|(m, f)| format!("{m}.{f}")))
            .filter(|c| c.starts_with("sale.order.") || c.starts_with("res.partner."))
            .collect();
        assert_eq!(
            calls,
            [
                "sale.order.action_confirm",
                "sale.order.action_confirm",
                "res.partner.action_archive",
                "res.partner.name_create"
            ],
            "{version:?}"
        );
    }
}
