// A type the macro cannot judge from its name reaches the runtime's trait
// bound, which says which types can hold an Odoo value.
use runtime::Model;

#[derive(Model)]
#[model(odoo = "res.partner")]
struct Contact {
    id: i64,
    timeout: std::time::Duration,
}

fn main() {}
