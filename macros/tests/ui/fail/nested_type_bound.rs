use runtime::{Model, Ref};

struct NotAModel;

#[derive(Model)]
#[model(odoo = "res.partner", readonly)]
struct Contact {
    id: i64,
    category_id: Vec<String>,
    parent_id: Option<Ref<NotAModel>>,
}

fn main() {}
