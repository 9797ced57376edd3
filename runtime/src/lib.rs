//! erpbind runtime: the clients that generated bindings call.
//!
//! Talk to Odoo 16–19 over JSON-RPC, Odoo 19's JSON-2 API or the web session;
//! the transport is chosen from the server version and the kind of secret.
//!
//! ```no_run
//! use runtime::odoo::OdooClient;
//! use runtime::{Domain, Secret};
//!
//! # async fn demo() -> runtime::Result<()> {
//! let client = OdooClient::connect(
//!     "https://erp.example.com",
//!     "prod",                                  // or None: the server's only database
//!     "bot@example.com",
//!     Secret::api_key(std::env::var("ODOO_API_KEY").unwrap_or_default()),
//! )
//! .await?;
//! println!("Odoo {} via {}", client.server_version().serie, client.transport());
//!
//! let companies = client
//!     .model("res.partner")
//!     .search_read(Domain::leaf("is_company", "=", true))
//!     .fields(["name", "country_id"])
//!     .order("name")
//!     .limit(10)
//!     .await?;
//! for partner in companies {
//!     println!("{}", partner["name"]);
//! }
//! # Ok(()) }
//! ```
//!
//! With generated or derived models, `client.search_read::<Partner>(domain)`
//! asks for exactly the struct's fields and returns `Vec<Partner>`; add
//! `.pages(500)` or `.stream(500)` to walk large tables one page at a time.
//! `client.search_nested::<Order>(domain)` also reads the related records the
//! struct holds (`partner_id: Option<Ref<PartnerCard>>`, `order_line:
//! Vec<Line>`), in one call on Odoo 17+ (see [`odoo::projection`] and [`odoo::nested`]).
//! A blocking twin lives in [`blocking`]. `client.verify::<Partner>()` (and a generated
//! crate's `client.verify_all()`) compares the compiled bindings with the server's
//! `fields_get` and reports each difference by model and field (see [`odoo::verify`]).
//!
//! Shared, ERP-neutral building blocks: [`error`] (one opaque [`Error`]),
//! [`secret`] (redacted secrets) and [`http`] (client construction, URL checks, retries).

// Shared by both ERPs.
pub mod error;
pub mod http;
pub mod secret;

// One module per ERP.
pub mod aim18;
pub mod odoo;

pub mod blocking;

pub use error::{Error, ErrorKind, Result, ServerFault};
pub use odoo::domain::Domain;
pub use odoo::model::{CreateValues, Model, UpdateValues};
pub use odoo::projection::{Projection, Ref};
pub use odoo::verify::{DriftReport, FieldSpec, Mismatch, MismatchKind, ModelSpec};
pub use odoo::wire::{AnyModel, Computed, Many2One, X2Many};
pub use odoo::{Context, OdooClient};
pub use secret::{Secret, SecretKind, SecretString};

/// `#[derive(Model)]`: a typed record from a hand-written struct (custom
/// fields, custom models, projections). The derive and the [`Model`] trait
/// share the name the way serde's derive and trait do.
pub use macros::Model;

#[doc(hidden)]
#[path = "derive_support.rs"]
pub mod __private;
