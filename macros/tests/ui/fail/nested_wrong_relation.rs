use runtime::{Model, Ref};

#[derive(Model)]
#[model(odoo = "res.partner.category", readonly)]
struct Category {
    id: i64,
    name: String,
}

#[derive(Model)]
#[model(odoo = "res.partner", readonly, schema = "tests/ui/odoo-18-small.json")]
struct Contact {
    id: i64,
    country_id: Option<Ref<Category>>,
    category_id: Vec<Category>,
}

fn main() {}
