use runtime::{Model, Ref};

#[derive(Model)]
#[model(odoo = "res.partner", readonly)]
struct Card {
    id: i64,
}

#[derive(Model)]
#[model(odoo = "res.partner", readonly, schema = "tests/ui/odoo-18-small.json")]
struct Contact {
    id: i64,
    name: Option<Ref<Card>>,
    parent_id: Ref<Card>,
    child_ids: Vec<Ref<Card>>,
}

fn main() {}
