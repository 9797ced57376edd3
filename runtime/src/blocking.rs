//! A blocking Odoo client, in the manner of `reqwest::blocking`: the async client driven by a
//! tokio runtime it owns (one worker thread). It is the same type in the other mode
//! ([`Client<Blocking>`](crate::odoo::Client)), so it has every method of the async one —
//! CRUD, business methods (`SaleOrder::action_confirm(&client, &ids).call()?`), `api_doc`,
//! `verify` — and its builders finish with `.call()` (or `.send()`) instead of `.await`;
//! a method without options answers its result directly.
//!
//! ```no_run
//! use runtime::blocking::OdooClient;
//! use runtime::{Domain, Secret};
//! let client = OdooClient::connect("https://erp.example.com", "prod", "admin", Secret::password("..."))?;
//! let partners = client.model("res.partner").search_read(Domain::leaf("is_company", "=", true)).limit(5).call()?;
//! # Ok::<(), runtime::Error>(())
//! ```
//!
//! Do not use it inside an async runtime (calls there return a configuration
//! error rather than stalling the runtime); use [`crate::odoo::OdooClient`].

use serde_json::Value;

use crate::error::Result;
use crate::odoo::Client;
pub use crate::odoo::DbChoice;
pub use crate::odoo::request::{Blocking, BlockingIter};
use crate::secret::Secret;

/// The blocking Odoo client. Cheap to clone (connection and runtime are shared).
pub type OdooClient = Client<Blocking>;

/// The builder of the blocking client (same settings as the async one).
pub type ClientBuilder = crate::odoo::ClientBuilder<Blocking>;
pub type ModelHandle<'a> = crate::odoo::ModelHandle<'a, Blocking>;
pub type SearchRead<'a, T = Value> = crate::odoo::SearchRead<'a, T, Blocking>;
pub type Search<'a> = crate::odoo::Search<'a, Blocking>;
pub type SearchCount<'a> = crate::odoo::SearchCount<'a, Blocking>;
pub type Read<'a, T = Value> = crate::odoo::Read<'a, T, Blocking>;
pub type Execute<'a, R> = crate::odoo::Execute<'a, R, Blocking>;
pub type SearchNested<'a, P> = crate::odoo::SearchNested<'a, P, Blocking>;
pub type ReadNested<'a, P> = crate::odoo::ReadNested<'a, P, Blocking>;

impl Client<Blocking> {
    /// Connect and log in (see [`crate::odoo::OdooClient::connect`]).
    pub fn connect(
        url: impl Into<String>,
        db: impl Into<DbChoice>,
        login: impl Into<String>,
        secret: Secret,
    ) -> Result<Self> {
        Self::builder(url)
            .database(db)
            .login(login)
            .secret(secret)
            .connect()
    }

    /// The async client on the same connection (usable from async code only).
    pub fn to_async(&self) -> crate::odoo::OdooClient {
        self.to_mode(crate::odoo::Async)
    }
}
