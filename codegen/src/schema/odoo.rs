//! The Odoo schema snapshot: a versioned JSON description of models, fields and
//! business methods, sorted so that a diff between two snapshots reads like a changelog.
//! (aiM18's sibling is [`super::aim18`]; both share the [header](super::Header).)
//!
//! Generating from a snapshot needs no server. [`Schema::from_odoo`] builds one
//! from raw `fields_get` and `ir.model` answers; `codegen import` and `codegen fetch`
//! both go through it.
//!
//! Format 2 (`"format": 2`; a snapshot without any `methods` is written as format 1,
//! which is the same without them):
//!
//! ```json
//! {
//!   "format": 2,
//!   "erp": "odoo",
//!   "version": "18.0",
//!   "models": {
//!     "res.partner": {
//!       "description": "Contact",
//!       "module": "base",
//!       "modules": ["account", "base", "..."],
//!       "order": "complete_name ASC, id DESC",
//!       "transient": false,
//!       "fields": { "name": { "type": "char", "string": "Name", "required": false, ... } },
//!       "methods": { "action_archive": { ... } }
//!     }
//!   }
//! }
//! ```
//!
//! Field keys are fields_get's own, normalized across Odoo 16–19: `group_operator`
//! (≤17) is stored as `aggregator` (18+), `help: false` and `digits: false` are
//! dropped, a numeric `readonly` (16) becomes a bool. A known key whose value has
//! an unexpected shape, and every key this version does not know, lands in
//! `extra` unchanged: nothing the server said is lost, and nothing fails.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use snapshot::{FieldFacts, ModelFacts};

use super::{FORMAT, FORMAT_WITHOUT_METHODS, ReadHeader as _};
use crate::error::{Error, Result};
use crate::odoo_modules;
use crate::schema::methods::{Method, MethodsFile};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// Snapshot format version ([`FORMAT`]).
    pub format: u32,
    /// Which ERP the snapshot describes (`"odoo"`).
    pub erp: String,
    /// Server series, e.g. `"18.0"`.
    pub version: String,
    /// Where the models' `methods` come from: `odoo 19.0 api_doc` (read from
    /// the server), or a methods file's `source` on Odoo 16–18.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods_source: Option<String>,
    /// Models by technical name.
    pub models: BTreeMap<String, Model>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// `ir.model.name`: the human label, e.g. "Contact".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The module that defines the model (see [`odoo_modules::defining_module`]).
    pub module: String,
    /// `ir.model.modules`: every module that defines or extends the model, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<String>,
    /// `ir.model.order`: the default sort order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    /// `ir.model.state`: `base`, or `manual` for models created in the UI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `ir.model.transient`: a wizard model whose records the server vacuums.
    #[serde(default)]
    pub transient: bool,
    /// Fields by wire name.
    pub fields: BTreeMap<String, Field>,
    /// Public business methods by name (format 2; see [`crate::schema::methods`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub methods: BTreeMap<String, Method>,
}

impl Model {
    /// What the drift comparison reads of this model: its defining module and fields.
    pub fn facts(&self) -> ModelFacts {
        ModelFacts {
            module: Some(self.module.clone()),
            fields: self
                .fields
                .iter()
                .map(|(name, f)| (name.clone(), f.facts()))
                .collect(),
            one_users_view: false,
        }
    }
}

/// One `fields_get` entry. Keys are alphabetical, as Odoo sends them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Field {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_default: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_dependent: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_export_compatible: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition_record: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition_record_field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digits: Option<Digits>,
    /// A list, or (check_company and friends) a Python expression string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exportable: Option<bool>,
    /// Keys this codegen does not know, and known keys whose value had an
    /// unexpected shape, exactly as the server sent them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub falsy_value_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groupable: Option<bool>,
    /// Comma-separated XML ids of the groups allowed to read the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_field: Option<String>,
    #[serde(default)]
    pub readonly: bool,
    /// True when fields_get described the field without a `name`: Odoo ≤18's
    /// reified `res.users` group fields (`in_group_7`, `sel_groups_1_10_11`),
    /// which exist in fields_get only and are not returned by `search_read`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reified: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_field: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sanitize: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sanitize_attributes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sanitize_style: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sanitize_tags: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub searchable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selectable: Option<bool>,
    /// `[value, label]` pairs, in the server's order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<Vec<(SelectionKey, String)>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sortable: Option<bool>,
    /// Odoo ≤16's per-state attribute overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub states: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<bool>,
    #[serde(default)]
    pub string: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strip_classes: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strip_style: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translate: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trim: Option<bool>,
    /// The Odoo field type (`char`, `many2one`, ...).
    #[serde(rename = "type")]
    pub ttype: String,
}

/// `digits`: `[precision, scale]`, or `0` for "stored without rounding".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Digits {
    Fixed(u32, u32),
    Unrounded(u32),
}

/// A selection value: a string almost always; an integer or `false` in the
/// reified group selections of Odoo ≤18.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SelectionKey {
    Str(String),
    Int(i64),
    Bool(bool),
}

impl SelectionKey {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            SelectionKey::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl Field {
    /// Computed or related: the server fills it, so creating a record never needs it.
    pub fn is_computed(&self) -> bool {
        let depends_on = self.depends.as_ref().map_or(0, Vec::len);
        FieldFacts::computed_when(self.related.is_some(), depends_on)
    }

    /// What the drift comparison reads of this field.
    pub fn facts(&self) -> FieldFacts {
        let computed = self.is_computed();
        FieldFacts {
            ttype: self.ttype.clone(),
            relation: self.relation.clone(),
            required: self.required,
            readonly: self.readonly,
            computed,
            writable: Some(FieldFacts::writable_when(
                self.readonly,
                self.store,
                computed,
            )),
            // Every key by its text: integer and boolean keys are compared too (a live
            // `fields_get` read by verify has string keys only).
            selection: self.selection.as_ref().map(|pairs| {
                pairs
                    .iter()
                    .map(|(k, _)| match k {
                        SelectionKey::Str(s) => s.clone(),
                        SelectionKey::Int(i) => i.to_string(),
                        SelectionKey::Bool(b) => b.to_string(),
                    })
                    .collect()
            }),
            restricted: self.groups.as_deref().is_some_and(|g| !g.trim().is_empty()),
            reified: self.reified,
        }
    }

    /// Normalize one raw `fields_get` entry (any Odoo version).
    pub fn from_odoo(raw: &Map<String, Value>) -> Field {
        let mut f = Field::default();
        let mut extra = BTreeMap::new();
        // Keys are visited in sorted order so that `extra` and the
        // group_operator/aggregator merge do not depend on the input's order.
        let sorted: BTreeMap<&String, &Value> = raw.iter().collect();
        for (key, value) in sorted {
            let ok = match key.as_str() {
                "aggregator" | "group_operator" => match value {
                    Value::String(s) => {
                        if key == "aggregator" || f.aggregator.is_none() {
                            f.aggregator = Some(s.clone());
                        }
                        true
                    }
                    // `aggregator: false` (18+) says "no aggregate", like absence.
                    Value::Bool(false) | Value::Null => true,
                    _ => false,
                },
                "attachment" => set_bool(&mut f.attachment, value),
                "change_default" => set_bool(&mut f.change_default, value),
                "company_dependent" => set_bool(&mut f.company_dependent, value),
                "context" => {
                    f.context = Some(value.clone());
                    true
                }
                "currency_field" => set_str(&mut f.currency_field, value),
                "default_export_compatible" => set_bool(&mut f.default_export_compatible, value),
                "definition_record" => set_str(&mut f.definition_record, value),
                "definition_record_field" => set_str(&mut f.definition_record_field, value),
                "depends" => match serde_json::from_value::<Vec<String>>(value.clone()) {
                    Ok(d) => {
                        f.depends = Some(d);
                        true
                    }
                    Err(_) => false,
                },
                "digits" => match value {
                    Value::Bool(false) | Value::Null => true,
                    _ => match serde_json::from_value::<Digits>(value.clone()) {
                        Ok(d) => {
                            f.digits = Some(d);
                            true
                        }
                        Err(_) => false,
                    },
                },
                "domain" => {
                    f.domain = Some(value.clone());
                    true
                }
                "exportable" => set_bool(&mut f.exportable, value),
                "falsy_value_label" => set_str(&mut f.falsy_value_label, value),
                "groupable" => set_bool(&mut f.groupable, value),
                "groups" => set_str(&mut f.groups, value),
                "help" => match value {
                    // Odoo sends `help: false` (and `""`) for "no help".
                    Value::Bool(false) | Value::Null => true,
                    Value::String(s) if s.trim().is_empty() => true,
                    _ => set_str(&mut f.help, value),
                },
                "manual" => set_bool(&mut f.manual, value),
                "model_field" => set_str(&mut f.model_field, value),
                // The map key already is the name; only its absence means something.
                "name" => value.is_string(),
                "readonly" => match truthy(value) {
                    Some(b) => {
                        f.readonly = b;
                        true
                    }
                    None => false,
                },
                "related" => set_str(&mut f.related, value),
                "relation" => set_str(&mut f.relation, value),
                "relation_field" => set_str(&mut f.relation_field, value),
                "required" => match truthy(value) {
                    Some(b) => {
                        f.required = b;
                        true
                    }
                    None => false,
                },
                "sanitize" => set_bool(&mut f.sanitize, value),
                "sanitize_attributes" => set_bool(&mut f.sanitize_attributes, value),
                "sanitize_style" => set_bool(&mut f.sanitize_style, value),
                "sanitize_tags" => set_bool(&mut f.sanitize_tags, value),
                "searchable" => set_bool(&mut f.searchable, value),
                "selectable" => set_bool(&mut f.selectable, value),
                "selection" => {
                    match serde_json::from_value::<Vec<(SelectionKey, String)>>(value.clone()) {
                        Ok(s) => {
                            f.selection = Some(s);
                            true
                        }
                        Err(_) => false,
                    }
                }
                "size" => match value.as_u64() {
                    Some(n) => {
                        f.size = Some(n);
                        true
                    }
                    None => false,
                },
                "sortable" => set_bool(&mut f.sortable, value),
                "states" => {
                    f.states = Some(value.clone());
                    true
                }
                "store" => set_bool(&mut f.store, value),
                "string" => match value {
                    Value::String(s) => {
                        f.string = s.clone();
                        true
                    }
                    _ => false,
                },
                "strip_classes" => set_bool(&mut f.strip_classes, value),
                "strip_style" => set_bool(&mut f.strip_style, value),
                "translate" => set_bool(&mut f.translate, value),
                "trim" => set_bool(&mut f.trim, value),
                "type" => match value {
                    Value::String(s) => {
                        f.ttype = s.clone();
                        true
                    }
                    _ => false,
                },
                _ => false,
            };
            if !ok {
                extra.insert(key.clone(), value.clone());
            }
        }
        f.reified = !raw.get("name").is_some_and(Value::is_string);
        f.extra = extra;
        f
    }
}

fn set_bool(slot: &mut Option<bool>, value: &Value) -> bool {
    match value {
        Value::Bool(b) => {
            *slot = Some(*b);
            true
        }
        _ => false,
    }
}

fn set_str(slot: &mut Option<String>, value: &Value) -> bool {
    match value {
        Value::String(s) => {
            *slot = Some(s.clone());
            true
        }
        _ => false,
    }
}

/// Python truthiness ([`snapshot::Truthy`]) for the flags Odoo 16 sometimes sends as `1`, or
/// as the text a module wrote (`readonly="True"` on 16's
/// `sms.resend.recipient.partner_name`): Odoo itself keeps `bool(field.readonly)` in
/// `ir.model.fields`, so both schema sources agree. A list or an object is no flag: `None`
/// keeps it in `extra`.
fn truthy(value: &Value) -> Option<bool> {
    match value {
        Value::Array(_) | Value::Object(_) => None,
        flag => snapshot::Truthy::deserialize(flag).ok().map(|t| t.0),
    }
}

/// One row of `ir.model` `search_read` (`model, name, modules, transient, state, order`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IrModelRow {
    pub model: String,
    #[serde(default, deserialize_with = "string_or_false")]
    pub name: Option<String>,
    /// Comma-separated, as `ir.model.modules` is a computed char field.
    #[serde(default, deserialize_with = "string_or_false")]
    pub modules: Option<String>,
    #[serde(default)]
    pub transient: bool,
    #[serde(default, deserialize_with = "string_or_false")]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "string_or_false")]
    pub order: Option<String>,
}

impl IrModelRow {
    /// `modules` as a sorted list without duplicates or blanks.
    pub fn module_list(&self) -> Vec<String> {
        let set: BTreeSet<String> = self
            .modules
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        set.into_iter().collect()
    }
}

fn string_or_false<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        _ => None,
    })
}

impl Schema {
    /// Build a snapshot from what an Odoo server answers: the `ir.model`
    /// `search_read` rows (may be empty: names and modules are then unknown)
    /// and one `fields_get` answer per model. Models without a `fields_get`
    /// answer are left out; rows of `ir.model` only supply names and modules.
    pub fn from_odoo(
        version: &str,
        ir_model_rows: &[IrModelRow],
        fields_get_by_model: BTreeMap<String, Value>,
    ) -> Result<Schema> {
        let rows: BTreeMap<&str, &IrModelRow> = ir_model_rows
            .iter()
            .map(|r| (r.model.as_str(), r))
            .collect();
        let mut models = BTreeMap::new();
        for (name, answer) in fields_get_by_model {
            let Value::Object(raw_fields) = answer else {
                return Err(Error::Input {
                    what: format!("fields_get of {name}"),
                    message: "expected a JSON object of field descriptions".into(),
                });
            };
            let mut fields = BTreeMap::new();
            for (fname, raw) in raw_fields {
                let Value::Object(raw) = raw else {
                    return Err(Error::Input {
                        what: format!("fields_get of {name}, field {fname}"),
                        message: "expected a JSON object".into(),
                    });
                };
                let field = Field::from_odoo(&raw);
                if field.ttype.is_empty() {
                    return Err(Error::Input {
                        what: format!("fields_get of {name}, field {fname}"),
                        message: "no `type`".into(),
                    });
                }
                fields.insert(fname, field);
            }
            let row = rows.get(name.as_str());
            let modules: Vec<String> = row.map(|r| r.module_list()).unwrap_or_default();
            let module = odoo_modules::defining_module(&name, &modules);
            models.insert(
                name,
                Model {
                    description: row.and_then(|r| r.name.clone()),
                    module,
                    modules,
                    order: row.and_then(|r| r.order.clone()),
                    state: row.and_then(|r| r.state.clone()),
                    transient: row.is_some_and(|r| r.transient),
                    fields,
                    methods: BTreeMap::new(),
                },
            );
        }
        Ok(Schema {
            format: FORMAT_WITHOUT_METHODS,
            erp: "odoo".into(),
            version: version.to_owned(),
            methods_source: None,
            models,
        })
    }

    /// Read a snapshot file. Errors name the file and the cause.
    pub fn load(path: &Path) -> Result<Schema> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Schema::parse(&text, path)
    }

    /// Parse a snapshot; `origin` only names it in errors.
    pub fn parse(text: &str, origin: &Path) -> Result<Schema> {
        super::Header::read(text, origin)?.expect_erp("odoo", origin)?;
        serde_json::from_str(text).map_err(|source| Error::Snapshot {
            path: origin.to_owned(),
            source,
        })
    }

    /// The snapshot as stable, pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let with_methods = self.models.values().any(|m| !m.methods.is_empty());
        let format = if with_methods {
            FORMAT
        } else {
            FORMAT_WITHOUT_METHODS
        };
        let out = Schema {
            format,
            ..self.clone()
        };
        let mut s = serde_json::to_string_pretty(&out).expect("a Schema always serializes");
        s.push('\n');
        s
    }

    /// Give the models of `file` that are in this snapshot and have no methods
    /// yet the file's methods. Answers the file's models this snapshot lacks.
    pub fn attach_methods(&mut self, file: &MethodsFile) -> Vec<String> {
        let mut missing = Vec::new();
        let mut attached = false;
        for (name, methods) in &file.models {
            match self.models.get_mut(name) {
                Some(m) if m.methods.is_empty() => {
                    if !methods.is_empty() {
                        m.methods = methods.clone();
                        attached = true;
                    }
                }
                Some(_) => {}
                None => missing.push(name.clone()),
            }
        }
        if attached && self.methods_source.is_none() {
            self.methods_source = Some(file.source.clone());
        }
        missing
    }

    /// Set the defining module of a model (an override of the built-in rule).
    pub fn set_module(&mut self, model: &str, module: &str) -> Result<()> {
        match self.models.get_mut(model) {
            Some(m) => {
                m.module = module.to_owned();
                Ok(())
            }
            None => Err(Error::Input {
                what: format!("module override {model}={module}"),
                message: "no such model in the schema".into(),
            }),
        }
    }

    /// Merge several snapshots (e.g. `--schema a.json --schema b.json`): models
    /// are unioned; the same model in two files is an error unless identical.
    pub fn merge(schemas: Vec<Schema>) -> Result<Schema> {
        let mut iter = schemas.into_iter();
        let Some(mut out) = iter.next() else {
            return Err(Error::Merge("no schema given".into()));
        };
        for s in iter {
            if s.erp != out.erp || s.version != out.version {
                return Err(Error::Merge(format!(
                    "{} {} and {} {}",
                    out.erp, out.version, s.erp, s.version
                )));
            }
            for (name, model) in s.models {
                match out.models.get(&name) {
                    Some(existing) if *existing != model => {
                        return Err(Error::Merge(format!("model {name} differs between files")));
                    }
                    _ => {
                        out.models.insert(name, model);
                    }
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(v: Value) -> Field {
        Field::from_odoo(v.as_object().unwrap())
    }

    #[test]
    fn group_operator_becomes_aggregator() {
        let f16 = field(json!({"name": "x", "type": "float", "group_operator": "sum"}));
        let f18 = field(json!({"name": "x", "type": "float", "aggregator": "sum"}));
        assert_eq!(f16, f18);
        assert_eq!(f16.aggregator.as_deref(), Some("sum"));
        let none = field(json!({"name": "x", "type": "integer", "aggregator": false}));
        assert_eq!(none.aggregator, None);
        assert!(none.extra.is_empty());
    }

    #[test]
    fn quirks_are_normalized_and_unknown_keys_kept() {
        let f = field(json!({
            "type": "boolean", "string": "In group", "help": false, "readonly": 1,
            "digits": false, "brand_new_key": {"a": 1}, "size": "big"
        }));
        assert!(f.reified, "no `name` key");
        assert_eq!(f.help, None);
        assert!(f.readonly);
        assert_eq!(f.digits, None);
        assert_eq!(f.extra["brand_new_key"], json!({"a": 1}));
        // A known key of an unexpected shape is kept, not dropped.
        assert_eq!(f.extra["size"], json!("big"));
        let p = field(json!({"name": "p", "type": "char", "readonly": "True"}));
        assert!(p.readonly && p.extra.is_empty());
        let d = field(json!({"name": "r", "type": "float", "digits": 0}));
        assert_eq!(d.digits, Some(Digits::Unrounded(0)));
        let d = field(json!({"name": "r", "type": "float", "digits": [16, 2]}));
        assert_eq!(d.digits, Some(Digits::Fixed(16, 2)));
        assert_eq!(serde_json::to_value(d.digits).unwrap(), json!([16, 2]));
    }

    #[test]
    fn snapshot_round_trips_and_is_sorted() {
        let rows = vec![IrModelRow {
            model: "res.partner".into(),
            name: Some("Contact".into()),
            modules: Some("sale, base, account".into()),
            ..Default::default()
        }];
        let mut fg = BTreeMap::new();
        fg.insert(
            "res.partner".to_owned(),
            json!({"zeta": {"name": "zeta", "type": "char", "string": "Z"},
                   "alpha": {"name": "alpha", "type": "char", "string": "A"}}),
        );
        let s = Schema::from_odoo("18.0", &rows, fg).unwrap();
        let m = &s.models["res.partner"];
        assert_eq!(m.modules, ["account", "base", "sale"]);
        assert_eq!(m.module, "base");
        let text = s.to_json();
        assert!(text.find("\"alpha\"").unwrap() < text.find("\"zeta\"").unwrap());
        assert_eq!(Schema::parse(&text, Path::new("x")).unwrap(), s);
    }

    #[test]
    fn newer_format_is_a_clear_error() {
        let e = Schema::parse(r#"{"format": 9, "models": 3}"#, Path::new("s.json")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "s.json: snapshot format 9 is newer than this codegen understands (format 2)"
        );
    }
}
