//! The Odoo client (16–19): JSON-RPC, JSON-2 and web-session transports, one
//! login flow, typed and untyped ORM helpers, paging, and Odoo's errors mapped
//! onto [`crate::Error`].
//!
//! Layout: [`client`] (connect, the client, typed helpers), [`request`] (the
//! request builders), [`transport`] (the three wire protocols), `auth` (version
//! detection, database choice, login: the one place that knows how to
//! authenticate), [`version`], [`context`], and `fault` (answers → errors).

pub(crate) mod auth;
pub mod client;
pub mod context;
pub(crate) mod fault;
pub mod request;
pub mod transport;
pub mod version;

pub use client::{ClientBuilder, DbChoice, OdooClient};
pub use context::Context;
pub use request::{
    Async, Blocking, BlockingIter, Execute, FieldsGet, ModelHandle, NameSearch, Read, ReadGroup,
    Search, SearchCount, SearchRead,
};
pub use transport::TransportKind;
pub use version::ServerVersion;

#[cfg(test)]
mod recorded_tests;
