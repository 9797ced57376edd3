use runtime::Model;

#[derive(Model)]
#[model(odoo = "res.partner", schema = "tests/ui/odoo-18-small.json")]
struct Contact {
    id: i64,
    name: String,
    parent_id: String,
    color: f64,
    write_date: Option<chrono::NaiveDate>,
    child_ids: Option<runtime::odoo::wire::Many2One<Contact>>,
}

fn main() {}
