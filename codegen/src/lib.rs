//! erpbind code generator: reads an ERP's metadata (a schema snapshot) and
//! generates typed Rust bindings for the `runtime` crate.
//!
//! Layers, each usable alone:
//! - [`schema`]: the versioned snapshot formats (Odoo's, with [`Schema::from_odoo`], and
//!   aiM18's), on the `snapshot` crate's header;
//! - [`import`]: a snapshot from saved `fields_get` / `ir.model` answers;
//! - [`naming`]: source names → Rust identifiers, with a collision ladder;
//! - [`typemap`]: Odoo field types → a closed [`typemap::RustType`];
//! - [`emit`]: schema → files, a pure function (no I/O);
//! - [`write`](mod@write): files → disk, only what changed, never half-written;
//! - [`Builder`]: the build.rs entry point; the `codegen` binary wraps it;
//! - [`select`]: which models: names, globs (`sale.*`) and Odoo apps;
//! - [`diff`]: what changed between two snapshots, and what breaks (the `snapshot` crate's
//!   drift comparison, plus business methods).

pub mod api_doc;
pub mod builder;
pub mod bundled;
pub mod diff;
pub mod emit;
pub mod error;
#[cfg(feature = "fetch")]
pub mod fetch;
pub mod groups;
pub mod import;
pub mod naming;
pub mod odoo_modules;
pub mod schema;
/// The aiM18 snapshot, by the path it had before [`schema`] held both ERPs.
pub use schema::aim18 as schema_aim18;
pub mod select;
pub mod typemap;
pub mod write;

pub use builder::Builder;
pub use emit::{Layout, OutputFile, Settings};
pub use error::{Error, Result};
pub use schema::Schema;
