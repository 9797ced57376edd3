//! Seeding the fake Odoo with the generated create types and reading it back into the generated
//! record types: what an app's test does with its own bindings. Every field of a generated
//! record must decode from the fake's answers, as it does from a real Odoo 18's.

use generated::odoo::product_product::ProductProduct;
use generated::odoo::res_partner::{ResPartner, ResPartnerCreate};
use generated::odoo::sale_order::{SaleOrder, SaleOrderCreate};
use generated::odoo::sale_order_line::SaleOrderLine;
use runtime::Model;
use tests::odoo::{FakeOdoo, OdooVersion};

#[test]
fn generated_create_types_seed_and_generated_records_read_back() {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    let company = fake.seed(
        &ResPartnerCreate::new()
            .name("Generated Co")
            .is_company(true)
            .email("co@generated.example.com"),
    );
    let contact = fake.seed(
        &ResPartnerCreate::new()
            .name("Generated Contact")
            .parent_id(company),
    );
    let partners: Vec<ResPartner> = fake.records_as();
    assert_eq!(partners.len(), 2);
    assert_eq!(partners[0].id(), company);
    assert_eq!(partners[0].name.as_deref(), Some("Generated Co"));
    assert_eq!(
        partners[0].email.as_deref(),
        Some("co@generated.example.com")
    );
    let child_ids: Vec<i64> = partners[0].child_ids.ids().to_vec();
    assert_eq!(child_ids, vec![contact]);
    let parent = partners[1].parent_id.as_ref().expect("parent_id");
    assert_eq!(
        (parent.id(), parent.name()),
        (company, Some("Generated Co"))
    );

    let order = fake.seed(&SaleOrderCreate::new(contact));
    let orders: Vec<SaleOrder> = fake.records_as();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].id(), order);
    assert_eq!(orders[0].partner_id.as_ref().map(|p| p.id()), Some(contact));
}

#[test]
fn every_generated_field_decodes_from_the_large_demo() {
    let fake = FakeOdoo::builder(OdooVersion::V18)
        .seed_demo_large(true)
        .start();
    assert_eq!(
        fake.records_as::<ResPartner>().len(),
        fake.records("res.partner").len()
    );
    assert_eq!(
        fake.records_as::<ProductProduct>().len(),
        fake.records("product.product").len()
    );
    assert_eq!(
        fake.records_as::<SaleOrder>().len(),
        fake.records("sale.order").len()
    );
    let lines: Vec<SaleOrderLine> = fake.records_as();
    assert_eq!(lines.len(), fake.records("sale.order.line").len());
}
