//! The traits generated (and derived) models implement, so the client's typed
//! CRUD can be generic: one implementation in the runtime instead of per-model code.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A record type read from an ERP model: a generated struct, or a user's
/// projection from `#[derive(Model)]`.
pub trait Model: DeserializeOwned + Send + Sync + 'static {
    /// Technical model name on the server, e.g. `"res.partner"`.
    const MODEL: &'static str;
    /// Wire names of the fields a typed read asks for by default, never every field of the
    /// model. For generated models: the stored fields plus the cheap computed ones (codegen's
    /// `reads_by_default`).
    const FIELDS: &'static [&'static str];
    /// Fields this type holds but reads only when asked (`.with(handle)`, `.all_fields()`):
    /// non-stored computed fields, typed [`Computed`](crate::odoo::wire::Computed) so that a field
    /// not asked for cannot pass for an empty one.
    const COMPUTED: &'static [&'static str] = &[];
    /// Every field of the model as the bindings were generated (for drift checks:
    /// [`OdooClient::verify`](crate::OdooClient::verify)). Generated models list them all;
    /// `#[derive(Model)]` projections leave it empty, and are then checked by `FIELDS` alone.
    const FIELD_SPECS: &'static [crate::odoo::verify::FieldSpec] = &[];
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

/// Marks a generated values type as create values (`SaleOrderCreate` is
/// `SaleOrderValues<ForCreate>`): the setters are written once for both kinds.
#[derive(Debug, Clone, Copy)]
pub enum ForCreate {}

/// Marks a generated values type as update values (`SaleOrderUpdate` is
/// `SaleOrderValues<ForUpdate>`).
#[derive(Debug, Clone, Copy)]
pub enum ForUpdate {}
