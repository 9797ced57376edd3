//! From `syn` to a checked model description, in serde_derive's layout:
//! [`ctxt`] collects errors, [`attr`] parses `#[model(...)]`, [`ast`] keeps
//! the original tokens for spans, [`check`] runs cross-field rules, and
//! [`schema`] checks fields against a snapshot.

pub mod ast;
pub mod attr;
pub mod check;
pub mod ctxt;
pub mod schema;
pub mod suggest;
pub mod symbol;
pub mod ty;

pub use ctxt::Ctxt;
