use runtime::Model;

#[derive(Model)]
#[model(odoo = "res.partner", schema = "tests/ui/odoo-18-small.json")]
struct Contact {
    id: i64,
    emial: Option<String>,
    score: Option<f64>,
    #[model(rename = "parnt_id")]
    parent: Option<runtime::odoo::wire::Many2One<Contact>>,
}

#[derive(Model)]
#[model(odoo = "res.partnr", schema = "tests/ui/odoo-18-small.json")]
struct Partner {
    id: i64,
}

fn main() {}
