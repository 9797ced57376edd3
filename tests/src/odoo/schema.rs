//! Field metadata the fake needs, read from the recorded `fields_get` answers.

use std::sync::Arc;

use serde_json::Value;

use super::fixtures::Obj;

/// Odoo field types (`fields_get()[f]["type"]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FType {
    Id,
    Boolean,
    Integer,
    Float,
    Monetary,
    Char,
    Text,
    Html,
    Date,
    Datetime,
    Selection,
    Many2one,
    One2many,
    Many2many,
    Binary,
    Reference,
    Json,
    /// A field of a model without recorded metadata (seeded directly by a test).
    Unknown,
}

impl FType {
    pub fn parse(s: &str) -> FType {
        match s {
            "boolean" => FType::Boolean,
            "integer" => FType::Integer,
            "float" => FType::Float,
            "monetary" => FType::Monetary,
            "char" => FType::Char,
            "text" => FType::Text,
            "html" => FType::Html,
            "date" => FType::Date,
            "datetime" => FType::Datetime,
            "selection" => FType::Selection,
            "many2one" => FType::Many2one,
            "one2many" => FType::One2many,
            "many2many" => FType::Many2many,
            "binary" => FType::Binary,
            "reference" | "many2one_reference" => FType::Reference,
            "json" | "properties" | "properties_definition" => FType::Json,
            _ => FType::Unknown,
        }
    }

    pub fn is_x2many(self) -> bool {
        matches!(self, FType::One2many | FType::Many2many)
    }

    pub fn is_relational(self) -> bool {
        matches!(self, FType::Many2one | FType::One2many | FType::Many2many)
    }

    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            FType::Integer | FType::Float | FType::Monetary | FType::Id
        )
    }

    /// What `read` answers for a field that holds nothing.
    pub fn empty_value(self) -> Value {
        match self {
            FType::Integer => Value::from(0),
            FType::Float | FType::Monetary => Value::from(0.0),
            FType::One2many | FType::Many2many => Value::Array(Vec::new()),
            _ => Value::Bool(false),
        }
    }
}

/// One field's metadata.
#[derive(Debug, Clone)]
pub(crate) struct FieldInfo {
    pub name: String,
    pub ftype: FType,
    pub relation: Option<String>,
    pub relation_field: Option<String>,
    pub required: bool,
    pub readonly: bool,
    pub store: bool,
    pub computed: bool,
    pub label: String,
    pub selection: Option<Vec<String>>,
    /// `aggregator` (18+) or `group_operator` (16/17).
    pub aggregator: Option<String>,
}

impl FieldInfo {
    pub fn from_desc(name: &str, desc: &Value) -> FieldInfo {
        let s = |k: &str| {
            desc.get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let b = |k: &str| desc.get(k).and_then(Value::as_bool).unwrap_or(false);
        let computed = desc
            .get("depends")
            .and_then(Value::as_array)
            .is_some_and(|d| !d.is_empty())
            || s("related").is_some();
        FieldInfo {
            name: name.to_string(),
            ftype: desc
                .get("type")
                .and_then(Value::as_str)
                .map(FType::parse)
                .unwrap_or(FType::Unknown),
            relation: s("relation"),
            relation_field: s("relation_field"),
            required: b("required"),
            readonly: b("readonly"),
            store: desc.get("store").and_then(Value::as_bool).unwrap_or(true),
            computed,
            label: s("string").unwrap_or_else(|| name.to_string()),
            selection: desc.get("selection").and_then(Value::as_array).map(|opts| {
                opts.iter()
                    .filter_map(|o| o.get(0).and_then(Value::as_str).map(str::to_string))
                    .collect()
            }),
            aggregator: s("aggregator").or_else(|| s("group_operator")),
        }
    }

    pub fn id_field() -> FieldInfo {
        FieldInfo {
            name: "id".into(),
            ftype: FType::Id,
            relation: None,
            relation_field: None,
            required: false,
            readonly: true,
            store: true,
            computed: false,
            label: "ID".into(),
            selection: None,
            aggregator: None,
        }
    }

    pub fn unknown(name: &str) -> FieldInfo {
        FieldInfo {
            name: name.to_string(),
            ftype: FType::Unknown,
            relation: None,
            relation_field: None,
            required: false,
            readonly: false,
            store: true,
            computed: false,
            label: name.to_string(),
            selection: None,
            aggregator: None,
        }
    }
}

/// The fields of one model: recorded (`Some(fields_get)`), or unknown for models a test seeded
/// directly (then every field name is accepted).
#[derive(Clone)]
pub(crate) struct ModelSchema {
    pub model: String,
    pub fields: Option<Arc<Obj>>,
}

impl ModelSchema {
    pub fn field(&self, name: &str) -> Option<FieldInfo> {
        if name == "id" {
            return Some(FieldInfo::id_field());
        }
        match &self.fields {
            Some(fields) => fields.get(name).map(|d| FieldInfo::from_desc(name, d)),
            None => Some(FieldInfo::unknown(name)),
        }
    }

    pub fn is_schemaless(&self) -> bool {
        self.fields.is_none()
    }

    /// Every field name, sorted (`fields_get` order), `id` included.
    pub fn field_names(&self) -> Vec<String> {
        match &self.fields {
            Some(f) => {
                let mut names: Vec<String> = f.keys().cloned().collect();
                if !f.contains_key("id") {
                    names.push("id".into());
                    names.sort();
                }
                names
            }
            None => vec!["id".into()],
        }
    }
}
