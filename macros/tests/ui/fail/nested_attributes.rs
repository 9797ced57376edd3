use runtime::{Model, Ref};

#[derive(Model)]
#[model(odoo = "res.partner", readonly)]
struct Card {
    id: i64,
}

#[derive(Model)]
#[model(odoo = "res.partner")]
struct Contact {
    id: i64,
    #[model(limit = 5)]
    parent_id: Option<Ref<Card>>,
    #[model(order = "name")]
    name: Option<String>,
    #[model(limit = 0)]
    child_ids: Vec<Card>,
    category_id: Option<Vec<Ref<Card>>>,
    #[model(limit = "3")]
    bank_ids: Vec<Card>,
}

fn main() {}
