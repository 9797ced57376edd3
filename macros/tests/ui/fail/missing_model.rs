use runtime::Model;

#[derive(Model)]
struct Contact {
    id: i64,
    name: Option<String>,
}

#[derive(Model)]
#[model(odoo = "res.partner")]
struct NoId {
    name: Option<String>,
}

#[derive(Model)]
#[model(odoo = "res.partner")]
enum State {
    Draft,
}

fn main() {}
