//! Source field types → a closed set of Rust shapes, one module per ERP.

pub mod aim18;
pub mod annotations;
pub mod odoo;

pub use odoo::RustType;
