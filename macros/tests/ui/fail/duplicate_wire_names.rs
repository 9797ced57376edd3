use runtime::Model;

#[derive(Model)]
#[model(odoo = "res.partner")]
struct Contact {
    id: i64,
    email: Option<String>,
    #[model(rename = "email")]
    mail: Option<String>,
}

fn main() {}
