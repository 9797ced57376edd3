//! Binary fields (attachments, images, PDFs) read on demand: one field of one record per call,
//! never in list reads (a list of partners would otherwise download every avatar).
//!
//! The size comes first if wanted: with the context key `bin_size`, Odoo answers a binary
//! field with its size as text instead of its content (`"8.82 Kb"` for attachment-backed
//! fields, PostgreSQL's `pg_size_pretty` for column-backed ones), which [`BinarySize`] parses.

use std::fmt;

use serde_json::{Value, json};

use super::client::CallSpec;
use super::context::Context;
use super::request::{Exec, Execute, ModelHandle};
use crate::odoo::fields::{BinaryField, FieldHandle};
use crate::odoo::model::Model;
use crate::odoo::wire::Binary;

/// A binary field's size as Odoo reports it under `bin_size`.
#[derive(Clone, PartialEq, Eq)]
pub struct BinarySize {
    text: String,
    bytes: Option<u64>,
}

impl BinarySize {
    /// Parse Odoo's size text: `"<number> <unit>"`, units `bytes`, `Kb`, `Mb`, `Gb`, `Tb`
    /// (`human_size`, powers of 1024) or `kB`, `MB`, ... (`pg_size_pretty`, also powers of 1024).
    pub fn parse(text: &str) -> BinarySize {
        let bytes = text.trim().split_once(' ').and_then(|(n, unit)| {
            let n: f64 = n.parse().ok()?;
            let power = match unit.trim().to_ascii_lowercase().as_str() {
                "bytes" | "byte" | "b" => 0,
                "kb" => 1,
                "mb" => 2,
                "gb" => 3,
                "tb" => 4,
                _ => return None,
            };
            (n >= 0.0).then(|| (n * 1024f64.powi(power)).round() as u64)
        });
        BinarySize {
            text: text.to_owned(),
            bytes,
        }
    }

    /// The text the server sent, e.g. `"8.82 Kb"`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The size in bytes, as closely as the text tells (Odoo rounds to two decimals of the
    /// unit); `None` if the text is not a size.
    pub fn approx_bytes(&self) -> Option<u64> {
        self.bytes
    }
}

impl fmt::Debug for BinarySize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BinarySize({:?})", self.text)
    }
}

/// `read([id], [field])`, with `bin_size` set as asked.
fn read_one<'a, M: Model, R, X: Exec>(
    h: ModelHandle<'a, X>,
    field: BinaryField<M>,
    id: i64,
    bin_size: bool,
    decode: fn(Value) -> serde_json::Result<R>,
    what: &'static str,
) -> Execute<'a, R, X> {
    let spec = CallSpec::new(M::MODEL, "read", vec![json!([id])]).kwarg("fields", [field.name()]);
    Execute::new(h.base(), spec, decode, what).context(Context::new().with("bin_size", bin_size))
}

pub(crate) fn download<'a, M: Model, X: Exec>(
    h: ModelHandle<'a, X>,
    field: BinaryField<M>,
    id: i64,
) -> Execute<'a, Option<Binary>, X> {
    read_one(
        h,
        field,
        id,
        false,
        |v| match the_value(v)? {
            Value::Bool(false) | Value::Null => Ok(None),
            v => serde_json::from_value(v).map(Some),
        },
        "one record's binary field, base64",
    )
}

pub(crate) fn size<'a, M: Model, X: Exec>(
    h: ModelHandle<'a, X>,
    field: BinaryField<M>,
    id: i64,
) -> Execute<'a, Option<BinarySize>, X> {
    read_one(
        h,
        field,
        id,
        true,
        |v| match the_value(v)? {
            Value::Bool(false) | Value::Null => Ok(None),
            Value::String(s) => Ok(Some(BinarySize::parse(&s))),
            other => Err(serde::de::Error::custom(format!(
                "a size like \"8.82 Kb\", got {other}"
            ))),
        },
        "one record's binary field size (bin_size)",
    )
}

/// The one field of the one record `read` answered.
fn the_value(answer: Value) -> serde_json::Result<Value> {
    use serde::de::Error as _;
    let Value::Array(rows) = answer else {
        return Err(serde_json::Error::custom("a list of records"));
    };
    let Some(Value::Object(row)) = rows.into_iter().next() else {
        return Err(serde_json::Error::custom(
            "one record, got none: no record with this id (deleted, or not visible to this user)",
        ));
    };
    row.into_iter()
        .find(|(k, _)| k != "id")
        .map(|(_, v)| v)
        .ok_or_else(|| serde_json::Error::custom("the record without the field asked for"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_both_odoo_formats() {
        assert_eq!(BinarySize::parse("8.82 Kb").approx_bytes(), Some(9032));
        assert_eq!(BinarySize::parse("9028 bytes").approx_bytes(), Some(9028));
        assert_eq!(BinarySize::parse("12 MB").approx_bytes(), Some(12 << 20));
        assert_eq!(BinarySize::parse("1.00 Gb").approx_bytes(), Some(1 << 30));
        assert_eq!(BinarySize::parse("huge").approx_bytes(), None);
        assert_eq!(BinarySize::parse("8.82 Kb").as_str(), "8.82 Kb");
    }
}
