// Every field type the schema check accepts, on a real Odoo 18 res.partner.
use runtime::Model;
use runtime::odoo::wire::{Binary, Many2One, X2Many};

struct Category;

#[derive(Model)]
#[model(odoo = "res.partner", schema = "tests/ui/odoo-18-small.json")]
pub struct Contact {
    pub id: i64,
    pub name: Option<String>,
    pub email: Option<String>,
    #[model(rename = "x_studio_score")]
    pub score: f64,
    pub parent_id: Option<Many2One<Contact>>,
    pub category_id: X2Many<Category>,
    pub child_ids: Vec<i64>,
    pub color: i32,
    pub is_company: bool,
    pub credit_limit: f64,
    pub write_date: Option<chrono::NaiveDateTime>,
    pub create_date: Option<chrono::DateTime<chrono::Utc>>,
    pub image_128: Option<Binary>,
    pub r#type: Option<String>,
    pub autopost_bills: String,
    pub comment: serde_json::Value,
    #[model(skip)]
    pub cached: Vec<String>,
}

fn main() {
    assert_eq!(<Contact as runtime::Model>::MODEL, "res.partner");
}
