//! The traits generated (and derived) models implement, so the client's typed
//! CRUD can be generic: one implementation in the runtime instead of per-model code.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A record type read from an ERP model: a generated struct, or a user's
/// projection from `#[derive(Model)]`.
pub trait Model: DeserializeOwned + Send + Sync + 'static {
    /// Technical model name on the server, e.g. `"res.partner"`.
    const MODEL: &'static str;
    /// Wire names of the fields this type holds. Typed reads ask the server for
    /// exactly these, never for every field of the model.
    const FIELDS: &'static [&'static str];
    /// Every field of the model as the bindings were generated (for drift checks:
    /// [`OdooClient::verify`](crate::OdooClient::verify)). Generated models list them all;
    /// `#[derive(Model)]` projections leave it empty, and are then checked by `FIELDS` alone.
    const FIELD_SPECS: &'static [crate::verify::FieldSpec] = &[];
    /// The record id.
    fn id(&self) -> i64;
}

/// Values for creating one record of `Self::Model`.
pub trait CreateValues: Serialize + Send + Sync {
    type Model: Model;
}

/// Values for updating records of `Self::Model` (only the fields that were set).
pub trait UpdateValues: Serialize + Send + Sync {
    type Model: Model;
}
