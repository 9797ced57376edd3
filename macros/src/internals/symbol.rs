//! Attribute names, in one place.

use std::fmt::{self, Display};

use syn::{Ident, Path};

#[derive(Copy, Clone)]
pub struct Symbol(pub &'static str);

pub const MODEL: Symbol = Symbol("model");

// container
pub const ODOO: Symbol = Symbol("odoo");
pub const AIM18: Symbol = Symbol("aim18");
pub const MENU_CODE: Symbol = Symbol("menu_code");
pub const MAIN_TABLE: Symbol = Symbol("main_table");
pub const SCHEMA: Symbol = Symbol("schema");
pub const CRATE: Symbol = Symbol("crate");
pub const READONLY: Symbol = Symbol("readonly");

// field (`table` also on a struct: an aiM18 sub-table row)
pub const RENAME: Symbol = Symbol("rename");
pub const SKIP: Symbol = Symbol("skip");
pub const TABLE: Symbol = Symbol("table");
// field: an x2many read as records
pub const LIMIT: Symbol = Symbol("limit");
pub const ORDER: Symbol = Symbol("order");

pub const CONTAINER_ATTRS: &[Symbol] = &[
    ODOO, AIM18, MENU_CODE, MAIN_TABLE, TABLE, SCHEMA, READONLY, CRATE,
];
pub const FIELD_ATTRS: &[Symbol] = &[RENAME, READONLY, SKIP, TABLE, LIMIT, ORDER];

impl PartialEq<Symbol> for Ident {
    fn eq(&self, word: &Symbol) -> bool {
        self == word.0
    }
}

impl PartialEq<Symbol> for &Ident {
    fn eq(&self, word: &Symbol) -> bool {
        *self == word.0
    }
}

impl PartialEq<Symbol> for Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl PartialEq<Symbol> for &Path {
    fn eq(&self, word: &Symbol) -> bool {
        self.is_ident(word.0)
    }
}

impl Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
