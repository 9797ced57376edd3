// aiM18 mistakes the macro reports: struct attributes, field types, `table` fields.
use runtime::Model;

#[derive(Model)]
#[model(aim18 = "employee")]
struct NoMenuCode {
    id: i64,
}

#[derive(Model)]
#[model(odoo = "res.partner", aim18 = "employee", menu_code = "employee")]
struct Both {
    id: i64,
}

#[derive(Model)]
#[model(aim18 = "employee", menu_code = "employee", schema = "tests/ui/odoo-18-small.json")]
struct WithSchema {
    id: i64,
}

#[derive(Model)]
#[model(odoo = "res.partner", main_table = "mainso")]
struct OdooMainTable {
    id: i64,
}

#[derive(Model)]
#[model(table = "sot", aim18 = "oldso", menu_code = "oldso", readonly)]
struct RowAsEntity {
    id: i64,
}

// Field types and `table` fields.

#[derive(Model)]
#[model(aim18 = "oldso", menu_code = "oldso")]
struct Order {
    id: i64,
    #[model(table = "sot")]
    lines: Option<Vec<Line>>,
    remarks: Vec<Line>,
    customer: runtime::odoo::wire::Many2One<Order>,
    modified: chrono::DateTime<chrono::Utc>,
    rate: f32,
    qty: u64,
}

#[derive(Model)]
#[model(table = "sot")]
struct Line {
    id: String,
    #[model(table = "sotx")]
    parts: Vec<Line>,
}

fn main() {}
