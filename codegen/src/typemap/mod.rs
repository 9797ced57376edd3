//! Source field types → a closed set of Rust shapes, one module per ERP.

pub mod aim18;
pub mod methods;
pub mod odoo;

pub use odoo::RustType;
