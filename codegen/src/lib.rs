//! erpbind code generator: reads an ERP's metadata (a schema snapshot) and
//! generates typed Rust bindings for the `runtime` crate.
//!
//! Layers, each usable alone:
//! - [`schema`]: the versioned snapshot format and [`Schema::from_odoo`];
//! - [`naming`]: source names → Rust identifiers, with a collision ladder;
//! - [`typemap`]: Odoo field types → a closed [`typemap::RustType`];
//! - [`emit`]: schema → files, a pure function (no I/O);
//! - [`write`]: files → disk, only what changed, never half-written;
//! - [`Builder`]: the build.rs / CLI entry point.

pub mod error;
pub mod import;
pub mod naming;
pub mod odoo_modules;
pub mod schema;
pub mod typemap;

pub use error::{Error, Result};
pub use schema::Schema;
