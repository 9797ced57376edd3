//! Which kind of Rust type an Odoo field type decodes into: the one rule codegen's type map
//! (`codegen::typemap::odoo`) is built on, the derive's schema check reads, and the drift
//! comparison asks when a field's type changes.
//!
//! A kind is the type without its parameters: a many2one is a `Many2One` whatever its
//! comodel (a new comodel is reported as a relation change), a selection is a `Selection`
//! whatever its values (they are compared one by one).

/// The Rust shape of an Odoo field type (see codegen's type map for the full types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RustKind {
    /// `char`, `text`, `html`: `String`.
    String,
    /// `integer`: `i64`.
    Integer,
    /// `float`, `monetary`: `f64`.
    Float,
    /// `boolean`: `bool`.
    Bool,
    /// `date`: `NaiveDate`.
    Date,
    /// `datetime`: `DateTime<Utc>`.
    DateTime,
    /// `selection`: an enum per field, a `String`, or a JSON value (non-string keys),
    /// depending on its values.
    Selection,
    /// `many2one`: `Many2One<Target>`.
    Many2One,
    /// `one2many`, `many2many`: `X2Many<Target>`.
    X2Many,
    /// `binary`: `Binary`.
    Binary,
    /// `reference`: `Reference`.
    Reference,
    /// `many2one_reference`: an id (`i64`).
    Many2OneReference,
    /// `json`, `properties`, `properties_definition`: `serde_json::Value`.
    Json,
}

impl RustKind {
    /// Odoo reads an empty value as `false`: the field is wrapped in `Option`. Integers,
    /// floats and booleans read as `0`, `0.0` and `false`, and x2many as an empty list.
    pub const fn nullable(self) -> bool {
        !matches!(
            self,
            RustKind::Integer | RustKind::Float | RustKind::Bool | RustKind::X2Many
        )
    }

    /// A field whose value names records of its `relation`.
    pub const fn is_relational(self) -> bool {
        matches!(self, RustKind::Many2One | RustKind::X2Many)
    }
}

/// The kind of Rust type an Odoo field type maps to; `None` for a type erpbind does not know
/// (codegen refuses it rather than guess).
pub fn rust_kind(ttype: &str) -> Option<RustKind> {
    Some(match ttype {
        "char" | "text" | "html" => RustKind::String,
        "integer" => RustKind::Integer,
        "float" | "monetary" => RustKind::Float,
        "boolean" => RustKind::Bool,
        "date" => RustKind::Date,
        "datetime" => RustKind::DateTime,
        "selection" => RustKind::Selection,
        "many2one" => RustKind::Many2One,
        "one2many" | "many2many" => RustKind::X2Many,
        "binary" => RustKind::Binary,
        "reference" => RustKind::Reference,
        "many2one_reference" => RustKind::Many2OneReference,
        "json" | "properties" | "properties_definition" => RustKind::Json,
        _ => return None,
    })
}

/// Whether two Odoo field types decode into the same Rust type. Types erpbind does not know
/// are the same only when they are the same type.
pub fn same_rust_type(a: &str, b: &str) -> bool {
    match (rust_kind(a), rust_kind(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(same_rust_type("char", "html"));
        assert!(same_rust_type("float", "monetary"));
        assert!(same_rust_type("one2many", "many2many"));
        assert!(!same_rust_type("char", "selection"));
        assert!(!same_rust_type("integer", "many2one_reference"));
        assert!(!same_rust_type("vibes", "char"));
        assert!(same_rust_type("vibes", "vibes"));
        assert!(!same_rust_type("vibes", "moods"));
        assert!(RustKind::Selection.nullable() && !RustKind::X2Many.nullable());
    }
}
