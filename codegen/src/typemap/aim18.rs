//! The one table from aiM18 column types to Rust types: everything after this
//! module matches on [`Aim18Type`] only.
//!
//! A column has a Java class (`fieldClass`) and aiM18's `classType` code. The
//! runtime decodes every cell by its classType, so the Java class picks the
//! Rust type only when that type can hold the column's classType; otherwise,
//! and for classes this table does not know, the classType decides:
//!
//! | `fieldClass`                                    | classType | Rust type                 |
//! |-------------------------------------------------|-----------|---------------------------|
//! | `java.lang.Long`                                | 10        | `i64`                     |
//! | `java.lang.Integer`, `Short`, `Byte`            | 10        | `i32`                     |
//! | `java.lang.Double`, `Float`, `java.math.BigDecimal` | 10    | `f64`                     |
//! | `java.lang.String`, `Character`                 | 0         | `String`                  |
//! | `java.lang.Boolean`                             | 3         | `bool`                    |
//! | `java.sql.Date`, `java.time.LocalDate`          | 20, 21    | `chrono::NaiveDate`       |
//! | `java.util.Date`, `java.sql.Timestamp`, `java.time.LocalDateTime` | 20 / 21 | `NaiveDate` / `NaiveDateTime` |
//! | `java.awt.Image`                                | 90        | `String` (base64)         |
//! | anything else (`[B`, `java.sql.Time`, ...)      | by classType: 0 `String`, 3 `bool`, 10 `f64`, 20 `NaiveDate`, 21 `NaiveDateTime`, 90 `String`, 99 and unknown codes `serde_json::Value` | |
//!
//! A class that disagrees with its classType (a `java.lang.Long` column of
//! classType 0) takes the classType's type, since that is how its cells are
//! sent. classType 99 ("Other") leaves the decoding to the Rust type, so the
//! Java class decides there.

use crate::schema::aim18::Column;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Aim18Type {
    I64,
    I32,
    F64,
    String,
    Bool,
    /// `chrono::NaiveDate`.
    Date,
    /// `chrono::NaiveDateTime`.
    DateTime,
    /// `serde_json::Value`: the cell as sent.
    Json,
}

/// aiM18's classType codes.
pub mod class {
    pub const STR: i64 = 0;
    pub const BOOLEAN: i64 = 3;
    pub const NUM: i64 = 10;
    pub const DATE: i64 = 20;
    pub const DATE_TIME: i64 = 21;
    pub const IMG: i64 = 90;
    pub const OTHER: i64 = 99;

    /// The name aiM18's `SqlClassType` gives the code.
    pub fn name(code: i64) -> Option<&'static str> {
        Some(match code {
            STR => "Str",
            BOOLEAN => "Boolean",
            NUM => "Num",
            DATE => "Date",
            DATE_TIME => "DateTime",
            IMG => "Img",
            OTHER => "Other",
            _ => return None,
        })
    }
}

impl Aim18Type {
    /// The classTypes the runtime can decode into this type (its `FromCell::ACCEPTS`).
    fn accepts(self, code: i64) -> bool {
        match self {
            Aim18Type::String => matches!(code, class::STR | class::IMG),
            Aim18Type::I64 | Aim18Type::I32 | Aim18Type::F64 => code == class::NUM,
            Aim18Type::Bool => code == class::BOOLEAN,
            Aim18Type::Date | Aim18Type::DateTime => {
                matches!(code, class::DATE | class::DATE_TIME)
            }
            Aim18Type::Json => true,
        }
    }

    /// The type for a column known only by its classType.
    pub fn from_class_type(code: i64) -> Aim18Type {
        match code {
            class::STR | class::IMG => Aim18Type::String,
            class::BOOLEAN => Aim18Type::Bool,
            class::NUM => Aim18Type::F64,
            class::DATE => Aim18Type::Date,
            class::DATE_TIME => Aim18Type::DateTime,
            _ => Aim18Type::Json,
        }
    }

    /// The Rust type as written in docs.
    pub fn rust_name(self) -> &'static str {
        match self {
            Aim18Type::I64 => "i64",
            Aim18Type::I32 => "i32",
            Aim18Type::F64 => "f64",
            Aim18Type::String => "String",
            Aim18Type::Bool => "bool",
            Aim18Type::Date => "NaiveDate",
            Aim18Type::DateTime => "NaiveDateTime",
            Aim18Type::Json => "serde_json::Value",
        }
    }
}

/// The type a Java class asks for, if this table knows the class.
fn from_class(field_class: &str, class_type: i64) -> Option<Aim18Type> {
    Some(match field_class {
        "java.lang.Long" | "long" => Aim18Type::I64,
        "java.lang.Integer" | "int" | "java.lang.Short" | "short" | "java.lang.Byte" | "byte" => {
            Aim18Type::I32
        }
        "java.lang.Double" | "double" | "java.lang.Float" | "float" | "java.math.BigDecimal" => {
            Aim18Type::F64
        }
        "java.lang.String" | "java.lang.Character" | "char" => Aim18Type::String,
        "java.lang.Boolean" | "boolean" => Aim18Type::Bool,
        "java.sql.Date" | "java.time.LocalDate" => Aim18Type::Date,
        "java.util.Date" | "java.sql.Timestamp" | "java.time.LocalDateTime" => {
            if class_type == class::DATE {
                Aim18Type::Date
            } else {
                Aim18Type::DateTime
            }
        }
        "java.awt.Image" => Aim18Type::String,
        _ => return None,
    })
}

/// Map one column. Never fails: an unknown class falls back to its
/// classType, an unknown classType to `serde_json::Value`.
pub fn map(column: &Column) -> Aim18Type {
    let code = column.class_type;
    match from_class(column.field_class.trim(), code) {
        // Other (99) and unknown codes: the runtime decodes by the Rust type.
        Some(t) if t.accepts(code) || class::name(code).is_none() || code == class::OTHER => t,
        _ => Aim18Type::from_class_type(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(class: &str, ct: i64) -> Column {
        Column {
            name: "c".into(),
            field_class: class.into(),
            field_class_name: String::new(),
            class_type: ct,
        }
    }

    #[test]
    fn every_documented_class_has_a_mapping() {
        let table = [
            ("java.lang.Long", 10, Aim18Type::I64),
            ("java.lang.Integer", 10, Aim18Type::I32),
            ("java.lang.Short", 10, Aim18Type::I32),
            ("java.lang.Double", 10, Aim18Type::F64),
            ("java.math.BigDecimal", 10, Aim18Type::F64),
            ("java.lang.String", 0, Aim18Type::String),
            ("java.lang.Boolean", 3, Aim18Type::Bool),
            ("java.sql.Date", 20, Aim18Type::Date),
            // aiM18 reports every java.util.Date subclass as 21.
            ("java.sql.Date", 21, Aim18Type::Date),
            ("java.util.Date", 21, Aim18Type::DateTime),
            ("java.util.Date", 20, Aim18Type::Date),
            ("java.sql.Timestamp", 21, Aim18Type::DateTime),
            ("java.awt.Image", 90, Aim18Type::String),
            // Other (99): decoded by the Rust type, so the class decides.
            ("java.lang.Long", 99, Aim18Type::I64),
            ("java.lang.Long", 77, Aim18Type::I64),
        ];
        for (class, ct, want) in table {
            assert_eq!(map(&col(class, ct)), want, "{class} {ct}");
        }
    }

    #[test]
    fn unknown_classes_and_disagreements_follow_the_class_type() {
        let table = [
            ("[B", 99, Aim18Type::Json),
            ("java.sql.Time", 21, Aim18Type::DateTime),
            ("com.example.Money", 10, Aim18Type::F64),
            ("", 0, Aim18Type::String),
            ("x", 3, Aim18Type::Bool),
            ("x", 20, Aim18Type::Date),
            ("x", 90, Aim18Type::String),
            ("x", 42, Aim18Type::Json),
            // The class says Long, the cells come as text.
            ("java.lang.Long", 0, Aim18Type::String),
            ("java.lang.Boolean", 10, Aim18Type::F64),
            ("java.lang.String", 21, Aim18Type::DateTime),
        ];
        for (class, ct, want) in table {
            assert_eq!(map(&col(class, ct)), want, "{class} {ct}");
        }
    }
}
