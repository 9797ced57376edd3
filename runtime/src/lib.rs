//! erpbind runtime: the clients that generated bindings call.
//!
//! (Crate docs with a connect + search_read example are written with the Odoo client.)

pub mod domain;
pub mod model;
pub mod wire;

pub use domain::Domain;
pub use model::{CreateValues, Model, UpdateValues};
