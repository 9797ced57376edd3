//! The Odoo client (16–19): JSON-RPC, JSON-2 and web-session transports, one
//! login flow, typed and untyped ORM helpers, paging, and Odoo's errors mapped
//! onto [`crate::Error`].
//!
//! Layout: [`client`] (connect, the client, typed helpers), [`request`] (the
//! request builders), [`mode`] (async or blocking: one client type, generic over it),
//! [`transport`] (the three wire protocols), `auth` (version
//! detection, database choice, login: the one place that knows how to
//! authenticate), [`version`], [`context`], and `fault` (answers → errors).
//! The typed layer: [`model`] (the traits generated and derived types implement),
//! [`wire`] (Odoo's values and the one-pass row decoder), [`fields`] (typed field
//! handles), [`domain`], [`projection`] (the types of a nested read: `Ref`,
//! `Projection`) and [`nested`] (the nested-read request builders), [`access`]
//! (what a least-privileged user may read) and [`verify`] (drift).

pub mod access;
pub(crate) mod answer;
pub(crate) mod auth;
pub(crate) mod binary;
pub mod client;
pub mod context;
pub mod domain;
pub(crate) mod fault;
pub mod fields;
pub mod methods;
pub mod mode;
pub mod model;
pub mod nested;
pub mod projection;
pub mod request;
pub mod transport;
pub mod verify;
pub mod version;
pub mod wire;

pub use binary::BinarySize;
pub use client::{Client, ClientBuilder, DbChoice, OdooClient};
pub use context::Context;
pub use methods::{Action, ActionResult, MethodArgs};
pub use mode::{Async, Blocking, BlockingIter, Exec};
pub use nested::{ReadNested, SearchNested, SearchResult, Strategy};
pub use request::{
    Execute, FieldsGet, ModelHandle, NameSearch, Read, ReadGroup, Search, SearchCount, SearchRead,
};
pub use transport::TransportKind;
pub use version::ServerVersion;

#[cfg(test)]
mod recorded_tests;

/// The decoders behind the client, for the fuzz targets in `fuzz/` and their
/// regression tests: server bytes in, a value or a typed [`crate::Error`] out.
/// Not a stable API.
#[doc(hidden)]
pub mod __fuzz {
    use serde_json::Value;

    use crate::error::Result;
    use crate::http::HttpResponse;

    /// A JSON-RPC answer (`/jsonrpc`, `/web/dataset/call_kw`) → `result` or the mapped error.
    pub fn parse_jsonrpc(resp: &HttpResponse) -> Result<Value> {
        super::fault::parse_jsonrpc(resp)
    }

    /// A JSON-RPC answer decoded into `T` as the typed helpers do (`search_read::<M>`).
    pub fn decode_jsonrpc<T: serde::de::DeserializeOwned>(resp: &HttpResponse) -> Result<T> {
        super::answer::decode_jsonrpc(resp).map_err(|e| match e {
            super::answer::AnswerError::Call(e) => e,
            super::answer::AnswerError::Shape(e) => crate::Error::decode(e, "expected the type"),
        })
    }

    /// A JSON-2 answer decoded into `T` as the typed helpers do.
    pub fn decode_json2<T: serde::de::DeserializeOwned>(resp: &HttpResponse) -> Result<T> {
        super::answer::decode_json2(resp).map_err(|e| match e {
            super::answer::AnswerError::Call(e) => e,
            super::answer::AnswerError::Shape(e) => crate::Error::decode(e, "expected the type"),
        })
    }

    /// A JSON-2 answer → the bare result or the mapped error.
    pub fn parse_json2(resp: &HttpResponse) -> Result<Value> {
        super::fault::parse_json2(resp)
    }

    /// `common.version` and `/web/version` answers → the server version.
    pub fn server_version(v: &Value) -> Option<super::ServerVersion> {
        super::ServerVersion::from_common_version(v)
            .or_else(|| super::ServerVersion::from_web_version(v))
    }

    /// The id(s) a `create` answered.
    pub fn created_ids(v: Value) -> serde_json::Result<Vec<i64>> {
        super::request::created_ids(v)
    }
}
