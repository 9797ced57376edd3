//! Records the recordings mention but do not hold. A recorded partner's `country_id` is
//! `[233, "United States"]` and its `company_id` `[1, "My Company (San Francisco)"]`, but no
//! `res.country` or `res.company` records were recorded (and the recorded searches stopped at
//! 10-40 rows), so a client that follows a many2one (OdooRPC's `partner.country_id.name`,
//! `env.user.company_id`, a company's `child_ids`) found nothing where a real server has the
//! record. Each such record is stored with what is known of it: its id, its display name (also
//! as `name` and `complete_name` where the model has them, so searches order it where the real
//! server did), every other field empty. They are active, except OdooBot (res.users 1), which
//! every Odoo database keeps archived.
//!
//! Records only mentioned in x2many lists (a user's `groups_id`) are not known by name and are
//! not stored.

use serde_json::Value;

use super::fixtures::{Fixtures, Obj};
use super::store::Store;

/// Store the many2one targets that `store.names` knows by name and that have no record yet.
pub(crate) fn add_referenced(fx: &Fixtures, store: &mut Store) {
    let mut missing: Vec<(String, i64, String)> = store
        .names
        .iter()
        .filter(|((model, id), _)| store.get(model, *id).is_none())
        .map(|((model, id), name)| (model.clone(), *id, name.clone()))
        .collect();
    missing.sort();
    for (model, id, display) in missing {
        let Some(fields) = fx.fields_get(&model) else {
            continue; // not a model of this database (a held-out app's)
        };
        let mut rec = Obj::new();
        rec.insert("id".into(), id.into());
        rec.insert("display_name".into(), Value::String(display.clone()));
        let is_char = |f: &str| {
            fields
                .get(f)
                .and_then(|d| d.get("type"))
                .and_then(Value::as_str)
                == Some("char")
        };
        if is_char("name") {
            // `[FURN_8888] Office Lamp` is the display name of a product named `Office Lamp`
            let name = match display.strip_prefix('[').and_then(|r| r.split_once("] ")) {
                Some((_, name)) if model.starts_with("product.") => name.to_string(),
                _ => display.clone(),
            };
            rec.insert("name".into(), Value::String(name));
        }
        if fields.contains_key("active") {
            let archived = (model.as_str(), id) == ("res.users", 1);
            rec.insert("active".into(), Value::Bool(!archived));
        }
        if is_char("complete_name") {
            rec.insert("complete_name".into(), Value::String(display.clone()));
        }
        store.put(&model, rec);
    }
}
