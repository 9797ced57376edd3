//! erpbind derive macros: `#[derive(Model)]`, re-exported as `runtime::Model`.
//!
//! ```ignore
//! use runtime::Model;
//! use runtime::odoo::wire::Many2One;
//!
//! #[derive(Model)]
//! #[model(odoo = "res.partner", schema = "schema/odoo-18.json")]
//! struct Contact {
//!     id: i64,
//!     name: Option<String>,
//!     #[model(rename = "x_studio_score")]
//!     score: Option<f64>,
//!     parent_id: Option<Many2One<Contact>>,
//! }
//! ```
//!
//! Attributes:
//!
//! | on the struct                    | meaning |
//! |----------------------------------|---------|
//! | `odoo = "res.partner"`           | the Odoo model (required, or `aim18`) |
//! | `aim18 = "employee"`             | an aiM18 module's entity (`runtime::aim18::Aim18Entity`, `Aim18Save`) |
//! | `menu_code = "employee"`         | the aiM18 menu code (with `aim18`, required there) |
//! | `main_table = "mainso"`          | aiM18: the main table, checked against the server's (default: whatever it sends) |
//! | `table = "sot"`                  | aiM18: the struct is a row of this sub table (`runtime::aim18::Aim18Row`) |
//! | `schema = "path/snapshot.json"`  | Odoo: check every field against a schema snapshot at compile time; the path is relative to the crate's `CARGO_MANIFEST_DIR` |
//! | `readonly`                       | read only: no `Serialize`/`CreateValues`/`UpdateValues` impls (aiM18: no `Aim18Save`) |
//! | `crate = "::runtime"`            | path of the runtime crate, if renamed |
//!
//! | on a field                       | meaning |
//! |----------------------------------|---------|
//! | `rename = "x_studio_score"`      | the wire name, when it differs from the Rust name |
//! | `readonly`                       | read, never sent by create/write |
//! | `skip`                           | not read nor written; `Default::default()` |
//! | `table = "sot"`                  | aiM18: a `Vec<Row>` of this sub-table's rows (`Row` has `#[model(table = "sot")]`) |
//! | `limit = 5`                      | Odoo: an x2many read as records (`Vec<T>`, `Vec<Ref<T>>`) reads at most 5 of them, the rest as ids |
//! | `order = "sequence, id"`         | Odoo: an x2many read as records comes in this order |
//!
//! Relations read as records (nested reads, `client.search_nested::<T>`): a
//! many2one as `Option<Ref<T>>` and a one2many/many2many as `Vec<T>` or
//! `Vec<Ref<T>>`, where `T` derives `Model` too; they are read, never written.
//! The derive implements `runtime::odoo::projection::Projection`, and with `schema`
//! checks at compile time that `T` reads the model the field links to.
//!
//! An aiM18 entity's fields map to its main table's columns; see
//! `runtime::aim18` (module `typed`) for how cells decode and how saves keep
//! the columns a struct does not hold.
//!
//! The logic lives in `internals` (attributes, checks, schema), `expand`
//! (Odoo) and `expand_aim18`.

mod expand;
mod expand_aim18;
mod internals;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

#[proc_macro_derive(Model, attributes(model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input)
        .unwrap_or_else(to_compile_errors)
        .into()
}

fn to_compile_errors(errors: Vec<syn::Error>) -> proc_macro2::TokenStream {
    let errors = errors.iter().map(syn::Error::to_compile_error);
    quote::quote!(#(#errors)*)
}
