//! insta snapshots of generated code: the representative models of the
//! bundled Odoo 18 snapshot (each generated alone, so relations to the
//! models left out show the untyped fallback) and the hostile schema.
//! Run `cargo insta review` (or INSTA_UPDATE=always) after a deliberate change.

use std::path::{Path, PathBuf};

use codegen::{Builder, Layout};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn render(schema: &Path, models: &[&str]) -> String {
    let mut b = Builder::new();
    b.schema(schema)
        .odoo_models(models.iter().copied())
        .layout(Layout::SingleFile("odoo.rs".into()));
    let files = b.render().unwrap();
    assert_eq!(files.len(), 1);
    files.into_iter().next().unwrap().contents
}

macro_rules! model_snapshot {
    ($test:ident, $model:literal) => {
        #[test]
        fn $test() {
            let out = render(&root().join("generated/schema/odoo-18.json"), &[$model]);
            insta::assert_snapshot!(stringify!($test), out);
        }
    };
}

model_snapshot!(res_partner, "res.partner");
model_snapshot!(sale_order, "sale.order");
model_snapshot!(sale_order_line, "sale.order.line");
model_snapshot!(purchase_order, "purchase.order");
model_snapshot!(product_product, "product.product");

#[test]
fn hostile() {
    let out = render(&root().join("codegen/tests/fixtures/hostile.json"), &[]);
    insta::assert_snapshot!("hostile", out);
}
