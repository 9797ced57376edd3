//! Typed seeding and inspection for tests of apps built on the generated bindings: records go in
//! through the same `create` a client's call takes (so test data is validated as Odoo would), and
//! come out decoded exactly as the client decodes a `search_read` answer.

use std::fmt;

use runtime::{CreateValues, Domain, Model};
use serde_json::{Value, json};

use super::ADMIN_UID;
use super::errors::{OdooError, Via};
use super::fixtures::Obj;
use super::server::{FakeOdoo, orm_call};

/// Why [`FakeOdoo::try_seed`] refused a record: the Odoo exception a real server would raise
/// for the same `create` (a missing required field, a wrong selection value, an unknown field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    /// `odoo.exceptions.ValidationError`, `builtins.ValueError`, ...
    pub name: String,
    /// The exception's message, as the server would send it.
    pub message: String,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for SeedError {}

impl From<OdooError> for SeedError {
    fn from(e: OdooError) -> Self {
        SeedError {
            name: e.name,
            message: e.message,
        }
    }
}

impl FakeOdoo {
    /// Create one record from typed create values (a generated `ResPartnerCreate`, or any
    /// [`CreateValues`]), as the administrator, through the same validation as a client's
    /// `create`: unknown fields, wrong values and missing required fields fail as on a real
    /// server, and one2many lists follow the new record's many2ones. Returns the new id.
    ///
    /// # Panics
    /// When the server refuses the values (the message is Odoo's); see
    /// [`try_seed`](Self::try_seed).
    pub fn seed<V: CreateValues>(&self, values: &V) -> i64 {
        self.try_seed(values).unwrap_or_else(|e| {
            panic!(
                "FakeOdoo::seed: {} refused the values: {e}",
                <V::Model as Model>::MODEL
            )
        })
    }

    /// [`seed`](Self::seed), with the server's refusal as an error.
    pub fn try_seed<V: CreateValues>(&self, values: &V) -> Result<i64, SeedError> {
        let model = <V::Model as Model>::MODEL;
        let vals = serde_json::to_value(values).map_err(|e| SeedError {
            name: "serde_json::Error".into(),
            message: format!("cannot serialize the create values of {model}: {e}"),
        })?;
        if !vals.is_object() {
            return Err(SeedError {
                name: "builtins.TypeError".into(),
                message: format!(
                    "create values of {model} must serialize to a JSON object, not {vals}"
                ),
            });
        }
        let id = orm_call(self.shared(), ADMIN_UID, Via::Rpc, |orm| {
            orm.call_kw(model, "create", vec![vals], Obj::new())
        })?;
        Ok(id.as_i64().unwrap_or_default())
    }

    /// Every record of `M::MODEL` (archived ones too), oldest first, decoded as the client
    /// decodes `search_read` answers: only `M::FIELDS` are read, many2one values arrive as
    /// `[id, "name"]`, empty values as `false`.
    ///
    /// # Panics
    /// When a record does not decode into `M` (the message names the record), or the model
    /// does not exist on the version served.
    pub fn records_as<M: Model>(&self) -> Vec<M> {
        self.search_as(Domain::all())
    }

    /// The record `id` of `M::MODEL`, archived or not, decoded like [`records_as`](Self::records_as).
    pub fn record_as<M: Model>(&self, id: i64) -> Option<M> {
        self.search_as(Domain::leaf("id", "=", id)).pop()
    }

    /// The records of `M::MODEL` matching `domain` (archived ones too), oldest first, decoded
    /// like [`records_as`](Self::records_as).
    pub fn search_as<M: Model>(&self, domain: impl Into<Domain>) -> Vec<M> {
        let domain = domain.into().into_value();
        self.search_read(M::MODEL, domain, M::FIELDS)
            .into_iter()
            .map(|rec| {
                let id = rec.get("id").cloned().unwrap_or(Value::Null);
                serde_json::from_value::<M>(rec).unwrap_or_else(|e| {
                    panic!(
                        "FakeOdoo::records_as: {} record {id} does not decode into {}: {e}",
                        M::MODEL,
                        std::any::type_name::<M>()
                    )
                })
            })
            .collect()
    }

    /// `search_read` as the administrator, in wire format (what a client receives): `domain`
    /// is an Odoo domain (`json!([["is_company", "=", true]])`), `fields` the fields to read
    /// (empty: all of them). Archived records are included; ordered by id.
    ///
    /// # Panics
    /// When the server refuses the call (an unknown model, field or operator).
    pub fn search_read(&self, model: &str, domain: Value, fields: &[&str]) -> Vec<Value> {
        let mut kwargs = Obj::new();
        kwargs.insert("domain".into(), domain);
        kwargs.insert("fields".into(), json!(fields));
        kwargs.insert("order".into(), json!("id"));
        kwargs.insert("context".into(), json!({"active_test": false}));
        let answer = orm_call(self.shared(), ADMIN_UID, Via::Rpc, |orm| {
            orm.call_kw(model, "search_read", Vec::new(), kwargs)
        })
        .unwrap_or_else(|e| panic!("FakeOdoo::search_read on {model}: {}", SeedError::from(e)));
        match answer {
            Value::Array(rows) => rows,
            _ => Vec::new(),
        }
    }
}
