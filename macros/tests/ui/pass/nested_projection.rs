// Relations read as records (nested reads), checked against the schema: a many2one as
// `Ref<T>`, x2many fields as `Vec<T>` / `Vec<Ref<T>>` with a sub-limit and order.
use runtime::odoo::projection::{Projection, RelationKind};
use runtime::odoo::wire::Many2One;
use runtime::{Model, Ref};

#[derive(Model)]
#[model(odoo = "res.country", readonly, schema = "tests/ui/odoo-18-small.json")]
pub struct Country {
    pub id: i64,
    pub code: Option<String>,
}

#[derive(Model)]
#[model(odoo = "res.partner.category", readonly, schema = "tests/ui/odoo-18-small.json")]
pub struct Category {
    pub id: i64,
    pub name: String,
}

#[derive(Model)]
#[model(odoo = "res.partner", schema = "tests/ui/odoo-18-small.json")]
pub struct Contact {
    pub id: i64,
    pub name: Option<String>,
    pub country_id: Option<Ref<Country>>,
    pub parent_id: Option<Many2One<Contact>>,
    #[model(limit = 3, order = "name")]
    pub child_ids: Vec<Contact>,
    pub category_id: Vec<Ref<Category>>,
}

fn main() {
    let kinds: Vec<(&str, String)> = <Contact as Projection>::RELATIONS
        .iter()
        .map(|r| {
            let kind = match r.kind() {
                RelationKind::DisplayName => "display_name".to_owned(),
                RelationKind::One(t) => format!("one {}", t.shape().model),
                RelationKind::Many { target, limit, order } => {
                    format!("many {} {limit:?} {order:?}", target.shape().model)
                }
            };
            (r.field(), kind)
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("country_id", "one res.country".to_owned()),
            ("parent_id", "display_name".to_owned()),
            ("child_ids", "many res.partner Some(3) Some(\"name\")".to_owned()),
            ("category_id", "many res.partner.category None None".to_owned()),
        ]
    );
    // related records are read, never written: only `name` and `parent_id` are values
    fn is_values<V: runtime::CreateValues>() {}
    is_values::<Contact>();
    assert_eq!(<Contact as Model>::FIELDS.len(), 6);
}
