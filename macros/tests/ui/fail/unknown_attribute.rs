use runtime::Model;

#[derive(Model)]
#[model(odoo = "res.partner", shema = "schema.json", readonly, readonly)]
struct Contact {
    id: i64,
    #[model(renam = "x_name")]
    name: Option<String>,
    #[model(rename = "email", rename = "email_normalized")]
    email: Option<String>,
}

fn main() {}
