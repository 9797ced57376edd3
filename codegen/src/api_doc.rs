//! Odoo 19's `api_doc` documents as a schema source: `/doc-bearer/index.json` (every model the
//! user may read) and `/doc-bearer/<model>.json` (its fields: fields_get's own descriptions,
//! each with the `module` that introduced the field).
//!
//! Only what the snapshot takes is parsed here: model names and labels, and the field
//! descriptions, which then go through [`crate::schema::Field::from_odoo`] like a
//! `fields_get` answer (so `module`, a key fields_get does not have, lands in the field's
//! `extra`). The documents' `methods` are left alone (method signatures are another
//! reader's job).
//!
//! Recorded answers: `tests/fixtures/odoo-19/api_doc/`.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// `GET /doc-bearer/index.json`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ApiDocIndex {
    /// The installed modules, sorted.
    #[serde(default)]
    pub modules: Vec<String>,
    pub models: Vec<IndexModel>,
}

/// One model of the index (its field labels and method names are not kept).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IndexModel {
    /// Technical name, e.g. `res.partner`.
    pub model: String,
    /// Label, e.g. `Contact`.
    #[serde(default)]
    pub name: Option<String>,
}

/// `GET /doc-bearer/<model>.json`, without its methods.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ApiDocModel {
    pub model: String,
    #[serde(default)]
    pub name: Option<String>,
    /// The model's docstring.
    #[serde(default)]
    pub doc: Option<Value>,
    /// Field name → fields_get's description plus `module`.
    pub fields: Map<String, Value>,
}

/// The path segments of the index document.
pub const INDEX_PATH: [&str; 2] = ["doc-bearer", "index.json"];

/// The file name of a model's document (`res.partner.json`), after `doc-bearer/`.
pub fn model_file(model: &str) -> String {
    format!("{model}.json")
}

fn parse<T: for<'de> Deserialize<'de>>(what: &str, doc: Value) -> Result<T> {
    serde_json::from_value(doc).map_err(|e| Error::Input {
        what: format!("api_doc {what}"),
        message: e.to_string(),
    })
}

/// Parse the index document.
pub fn parse_index(doc: Value) -> Result<ApiDocIndex> {
    parse("/doc-bearer/index.json", doc)
}

/// Parse a model's document, checking it describes `model`.
pub fn parse_model(model: &str, doc: Value) -> Result<ApiDocModel> {
    let what = format!("/doc-bearer/{}", model_file(model));
    let parsed: ApiDocModel = parse(&what, doc)?;
    if parsed.model != model {
        return Err(Error::Input {
            what: format!("api_doc {what}"),
            message: format!("describes model {:?}", parsed.model),
        });
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn index_and_model_documents() {
        let index = parse_index(json!({
            "modules": ["base", "sale"],
            "models": [{"model": "res.partner", "name": "Contact",
                        "fields": {"name": {"string": "Name"}}, "methods": ["search"]}]
        }))
        .unwrap();
        assert_eq!(index.models[0].model, "res.partner");
        assert_eq!(index.models[0].name.as_deref(), Some("Contact"));

        let doc = json!({"model": "res.partner", "name": "Contact", "doc": null,
            "fields": {"id": {"name": "id", "type": "integer", "module": null, "string": "ID"}},
            "methods": {"search": {"signature": "(domain)"}}});
        let m = parse_model("res.partner", doc.clone()).unwrap();
        assert_eq!(m.fields["id"]["type"], "integer");
        let e = parse_model("sale.order", doc).unwrap_err();
        assert_eq!(
            e.to_string(),
            "api_doc /doc-bearer/sale.order.json: describes model \"res.partner\""
        );
        let e = parse_index(json!({"oops": 1})).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("api_doc /doc-bearer/index.json: missing field `models`")
        );
    }
}
