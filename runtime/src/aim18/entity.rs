//! aiM18's entity JSON: `SqlEntity` (a module record: one main table plus sub
//! tables) and `SqlTable` (`name`, `size`, `fields`, `values`).
//!
//! On the wire each table of an entity is a JSON *string* holding the SqlTable
//! (aiM18's Java API writes `JSON.toJSONString(table)`); some services nest
//! the table as an object instead. Both are read; the string form is written.
//! Cell values are decoded by the column's `classType` into [`CellValue`].

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Number, Value};

use crate::error::{Error, ErrorKind, Result};

/// A column's value kind, aiM18's `SqlClassType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClassType {
    /// 0: `java.lang.String`.
    Str,
    /// 3: `java.lang.Boolean`.
    Boolean,
    /// 10: any `java.lang.Number` (Long, Integer, Double, BigDecimal...).
    Num,
    /// 20: a date without time. javaapi's `Util.getClassType` never produces
    /// it (every `java.util.Date` subclass, `java.sql.Date` included, is 21);
    /// read when a server sends it.
    Date,
    /// 21: `java.util.Date` and its subclasses (`java.sql.Date`,
    /// `java.sql.Timestamp`), per javaapi's `Util.getClassType`.
    DateTime,
    /// 90: `java.awt.Image`.
    Img,
    /// 99: anything else.
    Other,
    /// A code this client does not know; its values decode as text, as
    /// Multiable's javaapi (`com.multiable.javaapi.base`) treats them.
    Unknown(i64),
}

impl ClassType {
    pub fn from_code(code: i64) -> ClassType {
        match code {
            0 => ClassType::Str,
            3 => ClassType::Boolean,
            10 => ClassType::Num,
            20 => ClassType::Date,
            21 => ClassType::DateTime,
            90 => ClassType::Img,
            99 => ClassType::Other,
            other => ClassType::Unknown(other),
        }
    }

    pub fn code(self) -> i64 {
        match self {
            ClassType::Str => 0,
            ClassType::Boolean => 3,
            ClassType::Num => 10,
            ClassType::Date => 20,
            ClassType::DateTime => 21,
            ClassType::Img => 90,
            ClassType::Other => 99,
            ClassType::Unknown(c) => c,
        }
    }
}

/// One column of an [`SqlTable`]: its name and Java type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlField {
    pub name: String,
    /// Simple Java class name, e.g. `Long`, `String`, `Date`.
    pub field_class_name: String,
    /// Full Java class name, e.g. `java.lang.Long`.
    pub field_class: String,
    pub class_type: ClassType,
}

/// A decoded cell.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Str(String),
    Bool(bool),
    /// Integer or decimal, as the server wrote it (no float rounding of integers).
    Num(Number),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    /// An image column's value as sent (aiM18 does not document its encoding).
    Img(String),
    Other(Value),
}

impl CellValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            CellValue::Str(s) | CellValue::Img(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            CellValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number as `i64`, when it is integral.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            CellValue::Num(n) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            CellValue::Num(n) => n.as_f64(),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<NaiveDate> {
        match self {
            CellValue::Date(d) => Some(*d),
            CellValue::DateTime(dt) => Some(dt.date()),
            _ => None,
        }
    }

    pub fn as_datetime(&self) -> Option<NaiveDateTime> {
        match self {
            CellValue::DateTime(dt) => Some(*dt),
            CellValue::Date(d) => d.and_hms_opt(0, 0, 0),
            _ => None,
        }
    }
}

/// aiM18's date-time text form.
pub const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";
/// aiM18's date text form.
pub const DATE_FORMAT: &str = "%Y-%m-%d";

/// Parse `yyyy-MM-dd HH:mm:ss` (fractional seconds and a `T` separator
/// tolerated), falling back to `yyyy-MM-dd` at midnight, as aiM18's Java API does.
pub fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(dt);
        }
    }
    parse_date(t).and_then(|d| d.and_hms_opt(0, 0, 0))
}

/// Parse `yyyy-MM-dd`, or the date part of a date-time.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, DATE_FORMAT).ok().or_else(|| {
        t.get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, DATE_FORMAT).ok())
    })
}

/// aiM18's boolean forms: `true`/`1`/`Y`/`YES`/`T`/`TRUE` (any case) are true;
/// `false`/`0`/`N`/`NO`/`F`/`FALSE`/empty are false; anything else is not a boolean.
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim();
    const TRUE: &[&str] = &["true", "1", "y", "yes", "t"];
    const FALSE: &[&str] = &["false", "0", "n", "no", "f", ""];
    if TRUE.iter().any(|x| t.eq_ignore_ascii_case(x)) {
        Some(true)
    } else if FALSE.iter().any(|x| t.eq_ignore_ascii_case(x)) {
        Some(false)
    } else {
        None
    }
}

/// Dates sent as numbers are epoch milliseconds (fastjson's default).
fn from_epoch_millis(n: &Number) -> Option<NaiveDateTime> {
    let ms = n.as_i64().or_else(|| n.as_f64().map(|f| f as i64))?;
    DateTime::from_timestamp_millis(ms).map(|d| d.naive_utc())
}

/// Decode one JSON value as a column of `class_type`. `Ok(None)` for null,
/// and for an empty string in a non-text column.
pub fn decode_cell(
    class_type: ClassType,
    value: &Value,
) -> std::result::Result<Option<CellValue>, String> {
    if value.is_null() {
        return Ok(None);
    }
    let empty = value.as_str().is_some_and(|s| s.trim().is_empty());
    let bad = |what: &str| Err(format!("{value} is not {what}"));
    match class_type {
        ClassType::Str | ClassType::Unknown(_) => Ok(Some(CellValue::Str(match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }))),
        _ if empty => Ok(None),
        ClassType::Boolean => match value {
            Value::Bool(b) => Ok(Some(CellValue::Bool(*b))),
            Value::Number(n) => Ok(Some(CellValue::Bool(n.as_f64().is_some_and(|f| f != 0.0)))),
            Value::String(s) => match parse_bool(s) {
                Some(b) => Ok(Some(CellValue::Bool(b))),
                None => bad("a boolean"),
            },
            _ => bad("a boolean"),
        },
        ClassType::Num => match value {
            Value::Number(n) => Ok(Some(CellValue::Num(n.clone()))),
            Value::String(s) => match s.trim().parse::<Number>() {
                Ok(n) => Ok(Some(CellValue::Num(n))),
                Err(_) => bad("a number"),
            },
            _ => bad("a number"),
        },
        ClassType::Date => match value {
            Value::String(s) => parse_date(s)
                .map(|d| Some(CellValue::Date(d)))
                .ok_or_else(|| format!("{value} is not a yyyy-MM-dd date")),
            Value::Number(n) => from_epoch_millis(n)
                .map(|d| Some(CellValue::Date(d.date())))
                .ok_or_else(|| format!("{value} is out of range for a date")),
            _ => bad("a date"),
        },
        ClassType::DateTime => match value {
            Value::String(s) => parse_datetime(s)
                .map(|d| Some(CellValue::DateTime(d)))
                .ok_or_else(|| format!("{value} is not a yyyy-MM-dd HH:mm:ss date-time")),
            Value::Number(n) => from_epoch_millis(n)
                .map(|d| Some(CellValue::DateTime(d)))
                .ok_or_else(|| format!("{value} is out of range for a date-time")),
            _ => bad("a date-time"),
        },
        ClassType::Img => Ok(Some(match value {
            Value::String(s) => CellValue::Img(s.clone()),
            other => CellValue::Other(other.clone()),
        })),
        ClassType::Other => Ok(Some(CellValue::Other(value.clone()))),
    }
}

/// Class type guessed from a JSON value, for tables that come without `fields`.
fn guess_class_type(value: &Value) -> ClassType {
    match value {
        Value::String(_) => ClassType::Str,
        Value::Bool(_) => ClassType::Boolean,
        Value::Number(_) => ClassType::Num,
        _ => ClassType::Other,
    }
}

/// One table of an entity, or a search result shaped as a table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SqlTable {
    pub name: String,
    pub fields: Vec<SqlField>,
    pub values: Vec<Map<String, Value>>,
}

impl SqlTable {
    pub fn new(name: impl Into<String>) -> Self {
        SqlTable {
            name: name.into(),
            ..Default::default()
        }
    }

    /// Number of rows (`size` on the wire).
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn field(&self, column: &str) -> Option<&SqlField> {
        self.fields.iter().find(|f| f.name == column)
    }

    /// The raw JSON of a cell (`None` when the row or the key is missing).
    pub fn raw(&self, row: usize, column: &str) -> Option<&Value> {
        self.values.get(row)?.get(column)
    }

    /// A cell decoded by its column's classType. `Ok(None)` when the row has no
    /// such key, the value is null, or it is an empty non-text value. A column
    /// missing from `fields` is decoded by the JSON type of its value.
    pub fn cell(&self, row: usize, column: &str) -> Result<Option<CellValue>> {
        let Some(value) = self.raw(row, column) else {
            return Ok(None);
        };
        let class_type = self
            .field(column)
            .map(|f| f.class_type)
            .unwrap_or_else(|| guess_class_type(value));
        decode_cell(class_type, value).map_err(|e| {
            Error::new(
                ErrorKind::Decode,
                format!("{}.{column} row {row}: {e}", self.name),
            )
        })
    }

    pub fn get_str(&self, row: usize, column: &str) -> Result<Option<String>> {
        Ok(self.cell(row, column)?.and_then(|c| match c {
            CellValue::Str(s) | CellValue::Img(s) => Some(s),
            _ => None,
        }))
    }

    pub fn get_bool(&self, row: usize, column: &str) -> Result<Option<bool>> {
        Ok(self.cell(row, column)?.and_then(|c| c.as_bool()))
    }

    pub fn get_i64(&self, row: usize, column: &str) -> Result<Option<i64>> {
        Ok(self.cell(row, column)?.and_then(|c| c.as_i64()))
    }

    pub fn get_f64(&self, row: usize, column: &str) -> Result<Option<f64>> {
        Ok(self.cell(row, column)?.and_then(|c| c.as_f64()))
    }

    pub fn get_date(&self, row: usize, column: &str) -> Result<Option<NaiveDate>> {
        Ok(self.cell(row, column)?.and_then(|c| c.as_date()))
    }

    pub fn get_datetime(&self, row: usize, column: &str) -> Result<Option<NaiveDateTime>> {
        Ok(self.cell(row, column)?.and_then(|c| c.as_datetime()))
    }

    /// Set a cell, adding rows up to `row` if needed.
    pub fn set(&mut self, row: usize, column: impl Into<String>, value: impl Into<Value>) {
        while self.values.len() <= row {
            self.values.push(Map::new());
        }
        self.values[row].insert(column.into(), value.into());
    }

    /// Append a row; returns its index.
    pub fn push_row(&mut self, row: Map<String, Value>) -> usize {
        self.values.push(row);
        self.values.len() - 1
    }

    /// SqlTable JSON: `{"name","size","fields","values"}`.
    pub fn to_value(&self) -> Value {
        let fields = self
            .fields
            .iter()
            .map(|f| {
                let mut m = Map::new();
                m.insert("name".into(), Value::String(f.name.clone()));
                m.insert(
                    "fieldClassName".into(),
                    Value::String(f.field_class_name.clone()),
                );
                m.insert("fieldClass".into(), Value::String(f.field_class.clone()));
                m.insert("classType".into(), Value::from(f.class_type.code()));
                Value::Object(m)
            })
            .collect();
        let mut m = Map::new();
        m.insert("name".into(), Value::String(self.name.clone()));
        m.insert("size".into(), Value::from(self.values.len()));
        m.insert("fields".into(), Value::Array(fields));
        m.insert(
            "values".into(),
            Value::Array(self.values.iter().cloned().map(Value::Object).collect()),
        );
        Value::Object(m)
    }

    /// Read an SqlTable given as an object or as a JSON string holding one.
    /// `default_name` is used when the table carries no `name`.
    pub fn from_value(value: &Value, default_name: &str) -> std::result::Result<SqlTable, String> {
        let parsed;
        let obj = match value {
            Value::String(s) => {
                parsed = serde_json::from_str::<Value>(s)
                    .map_err(|e| format!("table {default_name} is a string but not JSON: {e}"))?;
                match &parsed {
                    Value::Object(o) => o,
                    _ => return Err(format!("table {default_name} is not a JSON object")),
                }
            }
            Value::Object(o) => o,
            _ => {
                return Err(format!(
                    "table {default_name} is neither an object nor a JSON string"
                ));
            }
        };
        let name = obj
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(default_name)
            .to_string();
        let mut fields = Vec::new();
        if let Some(list) = obj.get("fields") {
            let Value::Array(list) = list else {
                return Err(format!("fields of table {name} is not an array"));
            };
            for f in list {
                let text = |k: &str| f.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                let fname = text("name");
                if fname.is_empty() {
                    return Err(format!("a field of table {name} has no name"));
                }
                let code = match f.get("classType") {
                    Some(Value::Number(n)) => n.as_i64(),
                    Some(Value::String(s)) => s.trim().parse().ok(),
                    _ => None,
                };
                fields.push(SqlField {
                    name: fname,
                    field_class_name: text("fieldClassName"),
                    field_class: text("fieldClass"),
                    // No classType: decode by the value's JSON type.
                    class_type: code.map(ClassType::from_code).unwrap_or(ClassType::Other),
                });
            }
        }
        let mut values = Vec::new();
        match obj.get("values") {
            None | Some(Value::Null) => {}
            Some(Value::Array(rows)) => {
                for (i, r) in rows.iter().enumerate() {
                    match r {
                        Value::Object(m) => values.push(m.clone()),
                        _ => return Err(format!("row {i} of table {name} is not an object")),
                    }
                }
            }
            Some(_) => return Err(format!("values of table {name} is not an array")),
        }
        Ok(SqlTable {
            name,
            fields,
            values,
        })
    }
}

impl Serialize for SqlTable {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for SqlTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        SqlTable::from_value(&v, "").map_err(D::Error::custom)
    }
}

/// How [`SqlEntity::to_value`] embeds tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableEncoding {
    /// Each table as a JSON string: the documented form, and what is sent.
    #[default]
    JsonString,
    /// Each table as a nested object.
    Object,
}

/// A module record: `moduleType`, the main table, and sub tables.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SqlEntity {
    pub module_type: String,
    pub main_table_name: String,
    /// In `subTableNames` order.
    pub sub_table_names: Vec<String>,
    /// Every table, the main one included, by name.
    pub tables: BTreeMap<String, SqlTable>,
}

impl SqlEntity {
    /// The main table (`None` only for a malformed entity built by hand).
    pub fn main(&self) -> Option<&SqlTable> {
        self.tables.get(&self.main_table_name)
    }

    pub fn main_mut(&mut self) -> Option<&mut SqlTable> {
        self.tables.get_mut(&self.main_table_name)
    }

    pub fn table(&self, name: &str) -> Option<&SqlTable> {
        self.tables.get(name)
    }

    pub fn table_mut(&mut self, name: &str) -> Option<&mut SqlTable> {
        self.tables.get_mut(name)
    }

    /// The record id: `id` of the main table's first row (0 for a new record).
    pub fn id(&self) -> Option<i64> {
        self.main()?.get_i64(0, "id").ok().flatten()
    }

    /// The entity as JSON, tables embedded per `encoding`.
    pub fn to_value(&self, encoding: TableEncoding) -> Value {
        let mut m = Map::new();
        m.insert("moduleType".into(), Value::String(self.module_type.clone()));
        m.insert(
            "mainTableName".into(),
            Value::String(self.main_table_name.clone()),
        );
        m.insert(
            "subTableNames".into(),
            Value::String(self.sub_table_names.join(";")),
        );
        for (name, table) in &self.tables {
            let v = table.to_value();
            let v = match encoding {
                TableEncoding::JsonString => Value::String(v.to_string()),
                TableEncoding::Object => v,
            };
            m.insert(name.clone(), v);
        }
        Value::Object(m)
    }

    /// Read an entity whose tables are JSON strings or objects. The table list
    /// is `mainTableName` plus `subTableNames` (split on `;`); when those are
    /// missing, every other key holding a table is taken.
    pub fn from_value(value: &Value) -> std::result::Result<SqlEntity, String> {
        let Value::Object(obj) = value else {
            return Err("the entity is not a JSON object".into());
        };
        let text = |k: &str| obj.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let module_type = text("moduleType");
        let main_table_name = text("mainTableName");
        let sub_table_names: Vec<String> = text("subTableNames")
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let mut tables = BTreeMap::new();
        if main_table_name.is_empty() {
            for (k, v) in obj {
                if matches!(k.as_str(), "moduleType" | "mainTableName" | "subTableNames") {
                    continue;
                }
                if v.is_object() || v.is_string() {
                    tables.insert(k.clone(), SqlTable::from_value(v, k)?);
                }
            }
        } else {
            for name in std::iter::once(&main_table_name).chain(&sub_table_names) {
                match obj.get(name) {
                    Some(v) => {
                        let mut t = SqlTable::from_value(v, name)?;
                        if t.name.is_empty() {
                            t.name = name.clone();
                        }
                        tables.insert(name.clone(), t);
                    }
                    None if name == &main_table_name => {
                        return Err(format!("the main table {name} is missing"));
                    }
                    // A sub table may be left out when it has no rows.
                    None => {
                        tables.insert(name.clone(), SqlTable::new(name.clone()));
                    }
                }
            }
        }
        Ok(SqlEntity {
            module_type,
            main_table_name,
            sub_table_names,
            tables,
        })
    }

    /// The simplified form of this entity: every table with its `values` only.
    pub fn to_simplified(&self) -> SimplifiedEntity {
        let mut s = SimplifiedEntity::new();
        for (name, t) in &self.tables {
            s = s.table(name.clone(), t.values.clone());
        }
        s
    }
}

impl Serialize for SqlEntity {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_value(TableEncoding::JsonString).serialize(s)
    }
}

impl<'de> Deserialize<'de> for SqlEntity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        SqlEntity::from_value(&v).map_err(D::Error::custom)
    }
}

/// The simplified entity JSON of aiM18's save service:
/// `{"<table>":{"values":[{...}]}, ...}`. Only the tables and columns given
/// are sent; a row with `id` 0 (or none) in the main table creates a record.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SimplifiedEntity {
    tables: BTreeMap<String, Vec<Map<String, Value>>>,
}

impl SimplifiedEntity {
    pub fn new() -> Self {
        Self::default()
    }

    /// Set the rows of `table`.
    pub fn table(mut self, name: impl Into<String>, rows: Vec<Map<String, Value>>) -> Self {
        self.tables.insert(name.into(), rows);
        self
    }

    pub fn tables(&self) -> &BTreeMap<String, Vec<Map<String, Value>>> {
        &self.tables
    }

    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        for (name, rows) in &self.tables {
            let mut t = Map::new();
            t.insert(
                "values".into(),
                Value::Array(rows.iter().cloned().map(Value::Object).collect()),
            );
            m.insert(name.clone(), Value::Object(t));
        }
        Value::Object(m)
    }
}

impl Serialize for SimplifiedEntity {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl fmt::Display for ClassType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClassType::Str => f.write_str("Str"),
            ClassType::Boolean => f.write_str("Boolean"),
            ClassType::Num => f.write_str("Num"),
            ClassType::Date => f.write_str("Date"),
            ClassType::DateTime => f.write_str("DateTime"),
            ClassType::Img => f.write_str("Img"),
            ClassType::Other => f.write_str("Other"),
            ClassType::Unknown(c) => write!(f, "Unknown({c})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc_table() -> Value {
        // The official SqlTable example.
        json!({
            "name": "test", "size": 2,
            "fields": [
                {"name": "id", "fieldClassName": "Long", "fieldClass": "java.lang.Long", "classType": 10},
                {"name": "code", "fieldClassName": "String", "fieldClass": "java.lang.String", "classType": 0},
                {"name": "lastModifyDate", "fieldClassName": "Date", "fieldClass": "java.util.Date", "classType": 21}
            ],
            "values": [
                {"id": 3, "code": "AS0221", "lastModifyDate": "2017-10-25 12:06:34"},
                {"id": 2, "code": "DS22", "lastModifyDate": "2017-10-19"}
            ]
        })
    }

    #[test]
    fn table_from_object_and_from_string_agree() {
        let obj = SqlTable::from_value(&doc_table(), "x").unwrap();
        let s = SqlTable::from_value(&Value::String(doc_table().to_string()), "x").unwrap();
        assert_eq!(obj, s);
        assert_eq!(obj.name, "test");
        assert_eq!(obj.len(), 2);
        assert_eq!(obj.get_i64(0, "id").unwrap(), Some(3));
        assert_eq!(obj.get_str(1, "code").unwrap().as_deref(), Some("DS22"));
        let dt = obj.get_datetime(0, "lastModifyDate").unwrap().unwrap();
        assert_eq!(dt.to_string(), "2017-10-25 12:06:34");
        // Date-only text falls back to midnight.
        let dt = obj.get_datetime(1, "lastModifyDate").unwrap().unwrap();
        assert_eq!(dt.to_string(), "2017-10-19 00:00:00");
    }

    #[test]
    fn booleans_in_every_form() {
        for (v, want) in [
            (json!(true), Some(true)),
            (json!("Y"), Some(true)),
            (json!("y"), Some(true)),
            (json!("1"), Some(true)),
            (json!(1), Some(true)),
            (json!("TRUE"), Some(true)),
            (json!("Yes"), Some(true)),
            (json!("T"), Some(true)),
            (json!(false), Some(false)),
            (json!("N"), Some(false)),
            (json!("0"), Some(false)),
            (json!(0), Some(false)),
            (json!("false"), Some(false)),
        ] {
            let got = decode_cell(ClassType::Boolean, &v)
                .unwrap()
                .map(|c| c.as_bool().unwrap());
            assert_eq!(got, want, "{v}");
        }
        assert_eq!(decode_cell(ClassType::Boolean, &json!("")).unwrap(), None);
        assert!(decode_cell(ClassType::Boolean, &json!("maybe")).is_err());
        assert!(decode_cell(ClassType::Boolean, &json!([1])).is_err());
    }

    #[test]
    fn numbers_dates_and_others() {
        assert_eq!(
            decode_cell(ClassType::Num, &json!("12.50"))
                .unwrap()
                .unwrap()
                .as_f64(),
            Some(12.5)
        );
        assert_eq!(
            decode_cell(ClassType::Num, &json!(9007199254740993i64))
                .unwrap()
                .unwrap()
                .as_i64(),
            Some(9007199254740993)
        );
        assert_eq!(decode_cell(ClassType::Num, &json!("")).unwrap(), None);
        assert!(decode_cell(ClassType::Num, &json!("12,5")).is_err());
        let d = decode_cell(ClassType::Date, &json!("2024-03-15"))
            .unwrap()
            .unwrap();
        assert_eq!(d.as_date().unwrap().to_string(), "2024-03-15");
        let d = decode_cell(ClassType::Date, &json!("2024-03-15 10:11:12"))
            .unwrap()
            .unwrap();
        assert_eq!(
            d,
            CellValue::Date(NaiveDate::from_ymd_opt(2024, 3, 15).unwrap())
        );
        assert!(decode_cell(ClassType::Date, &json!("15/03/2024")).is_err());
        // fastjson writes dates as epoch milliseconds unless told otherwise.
        let d = decode_cell(ClassType::DateTime, &json!(1_700_000_000_000i64))
            .unwrap()
            .unwrap();
        assert_eq!(d.as_datetime().unwrap().to_string(), "2023-11-14 22:13:20");
        assert!(decode_cell(ClassType::DateTime, &json!(i64::MAX)).is_err());
        assert_eq!(
            decode_cell(ClassType::Img, &json!("iVBOR")).unwrap(),
            Some(CellValue::Img("iVBOR".into()))
        );
        assert_eq!(
            decode_cell(ClassType::Other, &json!({"a": 1})).unwrap(),
            Some(CellValue::Other(json!({"a": 1})))
        );
        assert_eq!(
            decode_cell(ClassType::Str, &json!(12)).unwrap(),
            Some(CellValue::Str("12".into()))
        );
        assert_eq!(
            decode_cell(ClassType::DateTime, &Value::Null).unwrap(),
            None
        );
    }

    #[test]
    fn entity_accepts_string_and_object_tables_and_sends_strings() {
        let table = doc_table();
        let as_strings = json!({
            "moduleType": "employee", "mainTableName": "test", "subTableNames": "pic;attach",
            "test": table.to_string(),
            "pic": {"name": "pic", "size": 0, "fields": [], "values": []},
        });
        let e = SqlEntity::from_value(&as_strings).unwrap();
        assert_eq!(e.sub_table_names, ["pic", "attach"]);
        assert_eq!(e.main().unwrap().len(), 2);
        assert!(
            e.table("attach").unwrap().is_empty(),
            "missing sub table = empty"
        );
        assert_eq!(e.id(), Some(3));
        let out = e.to_value(TableEncoding::JsonString);
        assert!(out["test"].is_string());
        assert_eq!(SqlEntity::from_value(&out).unwrap(), e);
        let out = e.to_value(TableEncoding::Object);
        assert!(out["test"].is_object());
        assert_eq!(SqlEntity::from_value(&out).unwrap(), e);
        let via_serde: SqlEntity =
            serde_json::from_value(serde_json::to_value(&e).unwrap()).unwrap();
        assert_eq!(via_serde, e);
    }

    #[test]
    fn malformed_entities_are_errors_not_panics() {
        for bad in [
            json!([]),
            json!({"mainTableName": "m"}),
            json!({"mainTableName": "m", "m": "{not json"}),
            json!({"mainTableName": "m", "m": 5}),
            json!({"mainTableName": "m", "m": {"values": 3}}),
            json!({"mainTableName": "m", "m": {"values": [1]}}),
            json!({"mainTableName": "m", "m": {"fields": [{"classType": 0}]}}),
        ] {
            assert!(SqlEntity::from_value(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn simplified_form() {
        let mut row = Map::new();
        row.insert("code".into(), json!("C9"));
        let s = SimplifiedEntity::new().table("cus", vec![row]);
        assert_eq!(s.to_value(), json!({"cus": {"values": [{"code": "C9"}]}}));
    }
}
