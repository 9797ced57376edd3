//! erpbind's schema snapshots, as the three crates that read them share them.
//!
//! `codegen` writes snapshots and compares two of them (`codegen diff`), the runtime compares
//! the bindings it was compiled with against a live server (`client.verify::<M>()`), and the
//! derive checks a `#[model(schema = "...")]` struct against one at build time. All three
//! answer with this crate, so a drift rule, its wording, the breaking rules and the question
//! "is this still the same Rust type?" exist once:
//!
//! - [`format`](mod@format): the header every snapshot starts with and the format numbers;
//! - [`FieldFacts`]: what a comparison knows of one field, read from a snapshot or from a raw
//!   `fields_get` entry (the snapshot keeps fields_get's own keys);
//! - [`types`]: Odoo field types to the kinds of Rust type they decode into, the rule
//!   codegen's type map is built on;
//! - [`drift`]: the comparison of two models' field facts, its categories and wording.
//!
//! Only `serde` is needed: the callers bring their own JSON parser.

pub mod drift;
mod facts;
pub mod format;
pub mod types;

pub use drift::{Change, Drift, Scope, compare_model};
pub use facts::{FieldFacts, ModelFacts, OdooFacts, Truthy, UNKNOWN_TYPE};
pub use format::{FORMAT, FORMAT_WITHOUT_METHODS, Header};
pub use types::{RustKind, rust_kind, same_rust_type};
