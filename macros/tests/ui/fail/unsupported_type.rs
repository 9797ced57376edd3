use runtime::Model;

#[derive(Model)]
#[model(odoo = "res.partner")]
struct Contact {
    id: i64,
    name: &'static str,
    color: u64,
    email: Option<Option<String>>,
}

fn main() {}
