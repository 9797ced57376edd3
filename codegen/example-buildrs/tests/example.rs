//! The example's own API: create/update values and domains for the models
//! the build script selected.

use codegen_example::odoo::prelude::*;
use codegen_example::odoo::{res_partner, sale_order, sale_order_line};
use serde_json::json;

#[test]
fn create_takes_required_fields_and_serializes_wire_values() {
    // build.rs marks the line's order_id create-optional: the parent fills
    // it when lines are created through order_line.
    let line = SaleOrderLineCreate::new()
        .product_id(12)
        .product_uom_qty(3.0)
        .discount(5.0);
    let order = SaleOrderCreate::new(7)
        .client_order_ref("PO-1")
        .order_line([Command::create(&line), Command::link(9)]);
    assert_eq!(
        serde_json::to_value(&order).unwrap(),
        json!({
            "client_order_ref": "PO-1",
            "order_line": [[0, 0, {"discount": 5.0, "product_id": 12, "product_uom_qty": 3.0}],
                           [4, 9, 0]],
            "partner_id": 7
        })
    );
    let upd = SaleOrderUpdate::new()
        .state(sale_order::State::Sale)
        .clear(sale_order::fields::note());
    assert_eq!(
        serde_json::to_value(&upd).unwrap(),
        json!({"note": false, "state": "sale"})
    );
}

#[test]
fn domains_from_typed_handles() {
    let d = res_partner::fields::name().ilike("acme") & res_partner::fields::is_company().eq(true);
    assert_eq!(
        d.into_value(),
        json!(["&", ["name", "ilike", "acme"], ["is_company", "=", true]])
    );
    let d = sale_order_line::fields::order_id().eq(3)
        | !sale_order_line::fields::product_uom_qty().gt(2.0);
    assert_eq!(
        d.into_value(),
        json!([
            "|",
            ["order_id", "=", 3],
            "!",
            ["product_uom_qty", ">", 2.0]
        ])
    );
}
