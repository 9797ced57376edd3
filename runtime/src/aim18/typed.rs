//! Typed aiM18 entities: the traits `#[derive(Model)]` implements for aiM18
//! structs and generated aiM18 bindings implement, the cell
//! codecs they share, and the typed client methods. Re-exported whole by
//! `runtime::aim18`, so the user-facing docs live on the items:
//! [`Aim18Entity`] (example, decoding) and [`Aim18Save`] (how saves merge).

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use futures_util::{Stream, StreamExt as _};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Number, Value};

use super::client::{Aim18Client, SaveOutcome, SearchPage, SearchQuery};
use super::entity::{
    CellValue, ClassType, DATE_FORMAT, DATETIME_FORMAT, SqlEntity, SqlField, SqlTable, decode_cell,
};
use super::fault::Operation;
use crate::error::{Error, ErrorKind, Result};

// ---------------------------------------------------------------------------
// the traits

/// A module record as a Rust type: its main table's row plus sub tables.
///
/// Implemented by `#[derive(Model)]` with `#[model(aim18 = "...", menu_code = "...")]`:
/// fields map to main-table columns (`rename` when the Rust name differs),
/// `#[model(table = "...")] Vec<Row>` fields to sub tables, whose `Row`
/// implements [`Aim18Row`].
///
/// ```no_run
/// # async fn demo(client: runtime::aim18::Aim18Client) -> runtime::Result<()> {
/// use chrono::NaiveDate;
/// use runtime::Model;
///
/// #[derive(Model)]
/// #[model(aim18 = "oldso", menu_code = "oldso", main_table = "mainso")]
/// struct SalesOrder {
///     id: i64,
///     code: String,
///     #[model(rename = "tDate")]
///     date: Option<NaiveDate>,
///     #[model(rename = "cusId")]
///     customer: i64,
///     #[model(table = "sot")]
///     lines: Vec<SoLine>,
/// }
///
/// #[derive(Model)]
/// #[model(table = "sot")]
/// struct SoLine {
///     id: i64,
///     #[model(rename = "proId")]
///     product: i64,
///     qty: f64,
/// }
///
/// let mut so: SalesOrder = client.read_entity(4).await?;
/// so.lines[0].qty += 1.0;
/// client.save_entity(&so).await?;
/// # Ok(()) }
/// ```
///
/// # How values are decoded
///
/// Every cell goes through [`decode_cell`] with its column's classType, then
/// through the field type's [`FromCell`] impl: one generic function per Rust
/// type, never per-field code. A field type that cannot hold its column's
/// classType (a `bool` on a Num column) is a decode error naming the table and
/// column even when the cell is empty, so the mistake shows on the first read.
/// A column the server does not list in the table's `fields` is an error too
/// (a misspelt `rename` would otherwise read as `None` forever); a table sent
/// without `fields` is decoded by the field types alone.
pub trait Aim18Entity: Sized + Send + Sync + 'static {
    /// The module, e.g. `"oldso"` (the path segment of the entity services).
    const MODULE: &'static str;
    /// The menu code, e.g. `"oldso"` (`?menuCode=`, and the `root/api` path segment).
    const MENU_CODE: &'static str;
    /// The main table, when known at compile time (`main_table = "mainso"`).
    /// `None`: whatever `mainTableName` the server sends.
    const MAIN_TABLE: Option<&'static str>;
    /// Main-table columns this type holds.
    const COLUMNS: &'static [&'static str];
    /// Sub tables this type holds.
    const SUB_TABLES: &'static [&'static str];

    /// The record id (0 for a record not saved yet).
    fn id(&self) -> i64;

    /// Decode from an entity as read (or the create service's template).
    fn from_entity(entity: &SqlEntity) -> Result<Self>;
}

/// An entity type that can be saved: writes its columns and sub tables into
/// an [`SqlEntity`]. Not implemented for `#[model(readonly)]` structs.
///
/// # How a typed save works
///
/// A struct usually holds a few of a module's columns.
/// [`Aim18Client::save_entity`] therefore starts from the full record (read
/// again, or the empty template for `id` 0), writes the struct's columns and
/// sub tables over it and saves that, so columns the struct does not hold
/// keep their values; `#[model(readonly)]` fields are not written. A sub
/// table field is the whole table: rows are matched to the record's rows by
/// `id` (their other columns are kept), rows without an id are added, and
/// rows missing from the `Vec` are removed. Hold `iRev` in the struct to
/// have the server refuse a save over a newer revision; otherwise the save is
/// last-writer-wins. [`Aim18Client::save_entity_onto`] saves over an entity
/// you already have, without the extra read.
pub trait Aim18Save: Aim18Entity {
    /// Write this value over `entity` (the record as read, or a template):
    /// the columns and sub tables this type holds are replaced, the rest kept.
    fn write_entity(&self, entity: &mut SqlEntity) -> Result<()>;

    /// `base` with this value written over it.
    fn to_entity(&self, base: &SqlEntity) -> Result<SqlEntity> {
        let mut entity = base.clone();
        self.write_entity(&mut entity)?;
        Ok(entity)
    }
}

/// A row of an aiM18 sub table, held by an entity as `Vec<Self>`.
///
/// Implemented by `#[derive(Model)]` with `#[model(table = "sot")]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an aiM18 sub-table row",
    label = "not a sub-table row",
    note = "derive it: `#[derive(Model)] #[model(table = \"...\")] struct {Self} {{ .. }}`"
)]
pub trait Aim18Row: Sized + Send + Sync + 'static {
    /// The sub table, e.g. `"sot"`.
    const TABLE: &'static str;
    /// Columns this type holds.
    const COLUMNS: &'static [&'static str];

    /// The row's `id` column, if this type holds it: rows are matched to the
    /// record's rows by it when saved. `None` (or 0) is a new row.
    fn row_id(&self) -> Option<i64>;

    fn from_row(row: &RowReader<'_>) -> Result<Self>;

    /// Write this row's columns over `row` (a row as read, or an empty one).
    fn write_row(&self, row: &mut RowWriter<'_>) -> Result<()>;
}

/// A row of a module's lookups (`stSearch`, the search service): the generated
/// `<Module>SearchRow` types, read with [`Aim18Client::lookup`] as Odoo rows are with
/// `client.search_read::<M>(..)`.
pub trait Aim18Lookup: DeserializeOwned + Send + 'static {
    /// The lookups whose rows this type reads, as the server names them;
    /// [`Aim18Client::lookup`] searches the first.
    const LOOKUPS: &'static [&'static str];
}

// ---------------------------------------------------------------------------
// one cell, per Rust type

/// A Rust type a column can be read into.
///
/// The column's classType decides how the JSON is decoded ([`decode_cell`]);
/// the impl then takes the [`CellValue`] it can hold. Columns described as
/// Other (99), with an unknown code, or not described at all are decoded as
/// [`FromCell::CLASS`], the type's own class.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold an aiM18 column value",
    label = "unsupported field type",
    note = "supported: String, i64, i32, f64, bool, chrono::NaiveDate, chrono::NaiveDateTime, \
            serde_json::Value, and Option<_> of these"
)]
pub trait FromCell: Sized {
    /// The classType this type reads natively.
    const CLASS: ClassType;
    /// Column classTypes this type can hold.
    const ACCEPTS: &'static [ClassType];
    /// The Rust type as users write it, for messages.
    const NAME: &'static str;

    /// Decode a present cell of a column of `class` (already one of
    /// [`ACCEPTS`](Self::ACCEPTS)). `Ok(None)`: the cell is empty (null, or an
    /// empty string in a non-text column).
    fn from_cell(class: ClassType, raw: &Value) -> std::result::Result<Option<Self>, String>;

    /// The value of an empty or missing cell, if the type has one (`None` for
    /// an `Option`); otherwise an empty cell is an error.
    fn absent() -> Option<Self> {
        None
    }
}

/// A Rust type a column can be written from.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be written to an aiM18 column",
    label = "unsupported field type",
    note = "mark the field `#[model(readonly)]` (or the struct `#[model(readonly)]`) to never write it"
)]
pub trait ToCell: FromCell {
    /// The JSON to send for a column of `class` (already one of `ACCEPTS`).
    fn to_cell(&self, class: ClassType) -> std::result::Result<Value, String>;
}

/// The class a column is decoded as: its own, unless the server gives none
/// that says how (Other, an unknown code), in which case the field type's.
fn effective(column: ClassType, native: ClassType) -> ClassType {
    match column {
        ClassType::Other | ClassType::Unknown(_) => native,
        c => c,
    }
}

/// What to use instead, for a column of `class`.
fn suggestion(class: ClassType) -> &'static str {
    match class {
        ClassType::Str | ClassType::Img => "String",
        ClassType::Boolean => "bool",
        ClassType::Num => "i64` or `f64",
        ClassType::Date => "NaiveDate",
        ClassType::DateTime => "NaiveDateTime",
        ClassType::Other | ClassType::Unknown(_) => "serde_json::Value",
    }
}

fn check_class<T: FromCell>(class: ClassType, verb: &str) -> std::result::Result<(), String> {
    if T::ACCEPTS.contains(&class) {
        Ok(())
    } else {
        Err(format!(
            "a {class} column (classType {}) cannot be {verb} `{}`: use `{}`",
            class.code(),
            T::NAME,
            suggestion(class)
        ))
    }
}

fn empty_error(name: &str) -> String {
    format!("the cell is empty but the field is `{name}`: declare it `Option<{name}>`")
}

/// Decode and take the variant `pick` returns; a `CellValue` of another kind
/// cannot happen for an accepted class, but is an error rather than a panic.
fn decoded<T>(
    class: ClassType,
    raw: &Value,
    name: &str,
    pick: impl FnOnce(CellValue) -> std::result::Result<Option<T>, CellValue>,
) -> std::result::Result<Option<T>, String> {
    match decode_cell(class, raw)? {
        None => Ok(None),
        Some(cell) => pick(cell).map_err(|other| format!("{other:?} cannot be read as `{name}`")),
    }
}

impl<T: FromCell> FromCell for Option<T> {
    const CLASS: ClassType = T::CLASS;
    const ACCEPTS: &'static [ClassType] = T::ACCEPTS;
    const NAME: &'static str = T::NAME;

    fn from_cell(class: ClassType, raw: &Value) -> std::result::Result<Option<Self>, String> {
        // An empty cell is a value here: `None`.
        T::from_cell(class, raw).map(Some)
    }

    fn absent() -> Option<Self> {
        Some(None)
    }
}

impl<T: ToCell> ToCell for Option<T> {
    /// `None` is sent as `null`: the column is cleared.
    fn to_cell(&self, class: ClassType) -> std::result::Result<Value, String> {
        match self {
            Some(v) => v.to_cell(class),
            None => Ok(Value::Null),
        }
    }
}

impl FromCell for String {
    const CLASS: ClassType = ClassType::Str;
    const ACCEPTS: &'static [ClassType] = &[ClassType::Str, ClassType::Img];
    const NAME: &'static str = "String";

    fn from_cell(class: ClassType, raw: &Value) -> std::result::Result<Option<Self>, String> {
        decoded(class, raw, Self::NAME, |c| match c {
            CellValue::Str(s) | CellValue::Img(s) => Ok(Some(s)),
            other => Err(other),
        })
    }
}

impl ToCell for String {
    fn to_cell(&self, _: ClassType) -> std::result::Result<Value, String> {
        Ok(Value::String(self.clone()))
    }
}

/// A whole number from a Num cell (`12.0` is 12; `12.5` is an error, not 12).
fn whole(n: &Number) -> std::result::Result<i64, String> {
    if let Some(i) = n.as_i64() {
        return Ok(i);
    }
    match n.as_f64() {
        // The range check keeps `as` from saturating silently.
        Some(f) if f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 => Ok(f as i64),
        _ => Err(format!("{n} is not a whole number: use `f64`")),
    }
}

impl FromCell for i64 {
    const CLASS: ClassType = ClassType::Num;
    const ACCEPTS: &'static [ClassType] = &[ClassType::Num];
    const NAME: &'static str = "i64";

    fn from_cell(class: ClassType, raw: &Value) -> std::result::Result<Option<Self>, String> {
        match decode_cell(class, raw)? {
            Some(CellValue::Num(n)) => whole(&n).map(Some),
            Some(other) => Err(format!("{other:?} cannot be read as `i64`")),
            None => Ok(None),
        }
    }
}

impl ToCell for i64 {
    fn to_cell(&self, _: ClassType) -> std::result::Result<Value, String> {
        Ok(Value::from(*self))
    }
}

impl FromCell for i32 {
    const CLASS: ClassType = ClassType::Num;
    const ACCEPTS: &'static [ClassType] = &[ClassType::Num];
    const NAME: &'static str = "i32";

    fn from_cell(class: ClassType, raw: &Value) -> std::result::Result<Option<Self>, String> {
        match i64::from_cell(class, raw)? {
            Some(i) => i32::try_from(i)
                .map(Some)
                .map_err(|_| format!("{i} does not fit `i32`: use `i64`")),
            None => Ok(None),
        }
    }
}

impl ToCell for i32 {
    fn to_cell(&self, _: ClassType) -> std::result::Result<Value, String> {
        Ok(Value::from(*self))
    }
}

impl FromCell for f64 {
    const CLASS: ClassType = ClassType::Num;
    const ACCEPTS: &'static [ClassType] = &[ClassType::Num];
    const NAME: &'static str = "f64";

    fn from_cell(class: ClassType, raw: &Value) -> std::result::Result<Option<Self>, String> {
        decoded(class, raw, Self::NAME, |c| match c {
            CellValue::Num(n) => Ok(n.as_f64()),
            other => Err(other),
        })
    }
}

impl ToCell for f64 {
    fn to_cell(&self, _: ClassType) -> std::result::Result<Value, String> {
        Number::from_f64(*self)
            .map(Value::Number)
            .ok_or_else(|| format!("{self} cannot be sent: JSON has no NaN or infinity"))
    }
}

impl FromCell for bool {
    const CLASS: ClassType = ClassType::Boolean;
    const ACCEPTS: &'static [ClassType] = &[ClassType::Boolean];
    const NAME: &'static str = "bool";

    fn from_cell(class: ClassType, raw: &Value) -> std::result::Result<Option<Self>, String> {
        decoded(class, raw, Self::NAME, |c| match c {
            CellValue::Bool(b) => Ok(Some(b)),
            other => Err(other),
        })
    }
}

impl ToCell for bool {
    fn to_cell(&self, _: ClassType) -> std::result::Result<Value, String> {
        Ok(Value::Bool(*self))
    }
}

impl FromCell for NaiveDate {
    const CLASS: ClassType = ClassType::Date;
    // aiM18 reports java.sql.Date columns as DateTime (21) too: its classType
    // mapping puts every java.util.Date subclass there.
    const ACCEPTS: &'static [ClassType] = &[ClassType::Date, ClassType::DateTime];
    const NAME: &'static str = "NaiveDate";

    fn from_cell(class: ClassType, raw: &Value) -> std::result::Result<Option<Self>, String> {
        decoded(class, raw, Self::NAME, |c| match c {
            CellValue::Date(d) => Ok(Some(d)),
            CellValue::DateTime(dt) => Ok(Some(dt.date())),
            other => Err(other),
        })
    }
}

impl ToCell for NaiveDate {
    fn to_cell(&self, _: ClassType) -> std::result::Result<Value, String> {
        // aiM18 reads `yyyy-MM-dd` in date-time columns as midnight.
        Ok(Value::String(self.format(DATE_FORMAT).to_string()))
    }
}

impl FromCell for NaiveDateTime {
    const CLASS: ClassType = ClassType::DateTime;
    const ACCEPTS: &'static [ClassType] = &[ClassType::DateTime, ClassType::Date];
    const NAME: &'static str = "NaiveDateTime";

    fn from_cell(class: ClassType, raw: &Value) -> std::result::Result<Option<Self>, String> {
        decoded(class, raw, Self::NAME, |c| match c {
            CellValue::DateTime(dt) => Ok(Some(dt)),
            CellValue::Date(d) => Ok(d.and_hms_opt(0, 0, 0)),
            other => Err(other),
        })
    }
}

impl ToCell for NaiveDateTime {
    fn to_cell(&self, class: ClassType) -> std::result::Result<Value, String> {
        if class == ClassType::Date {
            if self.time() != chrono::NaiveTime::MIN {
                return Err(format!(
                    "{self} has a time of day, which a Date column would drop: use a `NaiveDate` field"
                ));
            }
            return Ok(Value::String(self.format(DATE_FORMAT).to_string()));
        }
        Ok(Value::String(self.format(DATETIME_FORMAT).to_string()))
    }
}

/// Any column, as the JSON the server sent (no classType decoding).
impl FromCell for Value {
    const CLASS: ClassType = ClassType::Other;
    const ACCEPTS: &'static [ClassType] = &[
        ClassType::Str,
        ClassType::Boolean,
        ClassType::Num,
        ClassType::Date,
        ClassType::DateTime,
        ClassType::Img,
        ClassType::Other,
    ];
    const NAME: &'static str = "serde_json::Value";

    fn from_cell(_: ClassType, raw: &Value) -> std::result::Result<Option<Self>, String> {
        Ok((!raw.is_null()).then(|| raw.clone()))
    }

    fn absent() -> Option<Self> {
        Some(Value::Null)
    }
}

impl ToCell for Value {
    fn to_cell(&self, _: ClassType) -> std::result::Result<Value, String> {
        Ok(self.clone())
    }
}

/// `serde(deserialize_with)` for a search row's values, which come without
/// classTypes: decoded as the field type's own class, so aiM18's text dates,
/// `"Y"` booleans and numbers in strings read as they do in entities. Add
/// `#[serde(default)]` for an `Option` that may be missing.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct CustomerRow {
///     id: i64,
///     code: String,
///     #[serde(rename = "lastModifyDate", deserialize_with = "runtime::aim18::deserialize_cell")]
///     modified: chrono::NaiveDateTime,
/// }
/// ```
pub fn deserialize_cell<'de, D: Deserializer<'de>, T: FromCell>(
    d: D,
) -> std::result::Result<T, D::Error> {
    let raw = Value::deserialize(d)?;
    match T::from_cell(T::CLASS, &raw).map_err(serde::de::Error::custom)? {
        Some(v) => Ok(v),
        None => T::absent().ok_or_else(|| serde::de::Error::custom(empty_error(T::NAME))),
    }
}

// ---------------------------------------------------------------------------
// rows

/// Where an error is: `cus.tel` for the main table, `sot.qty row 2` for a
/// sub table (0-based, the index in the `Vec`).
struct Place<'a> {
    table: &'a str,
    column: &'a str,
    row: Option<usize>,
}

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.table, self.column)?;
        if let Some(r) = self.row {
            write!(f, " row {r}")?;
        }
        Ok(())
    }
}

fn decode_error(place: Place<'_>, msg: impl fmt::Display) -> Error {
    Error::new(ErrorKind::Decode, format!("{place}: {msg}"))
}

/// The class of `column`: from the table's `fields`; a table without
/// `fields` leaves it to the field type; a column missing from `fields` is
/// an error, with a hint when only the spelling differs (`join_date` for
/// `joinDate` is the usual one: a Rust name without `rename`).
fn column_class(fields: &[SqlField], place: &Place<'_>) -> Result<Option<ClassType>> {
    if fields.is_empty() {
        return Ok(None);
    }
    if let Some(f) = fields.iter().find(|f| f.name == place.column) {
        return Ok(Some(f.class_type));
    }
    let squash = |s: &str| {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let want = squash(place.column);
    let hint = fields
        .iter()
        .find(|f| squash(&f.name) == want)
        .map(|f| {
            format!(
                "; did you mean `{}`? add `#[model(rename = \"{}\")]`",
                f.name, f.name
            )
        })
        .unwrap_or_default();
    Err(Error::new(
        ErrorKind::Decode,
        format!(
            "table {} has no column `{}` (the server lists {} columns){hint}",
            place.table,
            place.column,
            fields.len()
        ),
    ))
}

/// One row being decoded. Generated code calls [`get`](Self::get) once per field.
pub struct RowReader<'a> {
    table: &'a SqlTable,
    index: usize,
    /// Sub-table rows say their index in errors; the main row does not.
    sub: bool,
}

impl<'a> RowReader<'a> {
    /// The main row of `entity`: its main table's first row. `main_table`
    /// (from [`Aim18Entity::MAIN_TABLE`]) is checked against the entity's.
    pub fn main(entity: &'a SqlEntity, main_table: Option<&str>) -> Result<Self> {
        let table = main_table_of(entity, main_table)?;
        if table.is_empty() {
            return Err(Error::new(
                ErrorKind::Decode,
                format!("the main table {} has no row", table.name),
            ));
        }
        Ok(RowReader {
            table,
            index: 0,
            sub: false,
        })
    }

    /// Row `index` of a sub table.
    pub fn sub(table: &'a SqlTable, index: usize) -> Self {
        RowReader {
            table,
            index,
            sub: true,
        }
    }

    pub fn table(&self) -> &'a SqlTable {
        self.table
    }

    pub fn index(&self) -> usize {
        self.index
    }

    fn place<'c>(&self, column: &'c str) -> Place<'c>
    where
        'a: 'c,
    {
        Place {
            table: &self.table.name,
            column,
            row: self.sub.then_some(self.index),
        }
    }

    /// The cell `column` as a `T`, decoded by the column's classType.
    pub fn get<T: FromCell>(&self, column: &str) -> Result<T> {
        let place = self.place(column);
        let class = column_class(&self.table.fields, &place)?.unwrap_or(T::CLASS);
        let class = effective(class, T::CLASS);
        check_class::<T>(class, "read as").map_err(|m| decode_error(place, m))?;
        let value = match self.table.raw(self.index, column) {
            // fastjson leaves null fields out: a missing key is an empty cell.
            None => None,
            Some(raw) => {
                T::from_cell(class, raw).map_err(|m| decode_error(self.place(column), m))?
            }
        };
        match value {
            Some(v) => Ok(v),
            None => {
                T::absent().ok_or_else(|| decode_error(self.place(column), empty_error(T::NAME)))
            }
        }
    }
}

/// One row being written. Generated code calls [`set`](Self::set) once per field.
pub struct RowWriter<'a> {
    table: &'a str,
    fields: &'a [SqlField],
    row: &'a mut Map<String, Value>,
    index: Option<usize>,
}

impl<'a> RowWriter<'a> {
    /// A writer over `row`, a row of the table `table` whose columns are `fields`
    /// (`index`: the row's place in a sub table, for errors; `None` for the main row).
    pub fn new(
        table: &'a str,
        fields: &'a [SqlField],
        row: &'a mut Map<String, Value>,
        index: Option<usize>,
    ) -> Self {
        RowWriter {
            table,
            fields,
            row,
            index,
        }
    }

    /// Set the cell `column` from a `T`, encoded for the column's classType.
    pub fn set<T: ToCell>(&mut self, column: &str, value: &T) -> Result<()> {
        let place = Place {
            table: self.table,
            column,
            row: self.index,
        };
        let class = column_class(self.fields, &place)?.unwrap_or(T::CLASS);
        let class = effective(class, T::CLASS);
        check_class::<T>(class, "written from").map_err(|m| decode_error(place, m))?;
        let json = value.to_cell(class).map_err(|m| {
            decode_error(
                Place {
                    table: self.table,
                    column,
                    row: self.index,
                },
                m,
            )
        })?;
        self.row.insert(column.to_owned(), json);
        Ok(())
    }
}

fn main_table_of<'e>(entity: &'e SqlEntity, expected: Option<&str>) -> Result<&'e SqlTable> {
    if let Some(want) = expected
        && want != entity.main_table_name
    {
        return Err(Error::new(
            ErrorKind::Decode,
            format!(
                "the entity's main table is `{}`, not `{want}`: is this a record of module `{}`?",
                entity.main_table_name, entity.module_type
            ),
        ));
    }
    entity.main().ok_or_else(|| {
        Error::new(
            ErrorKind::Decode,
            format!("the entity has no main table `{}`", entity.main_table_name),
        )
    })
}

fn no_sub_table(entity: &SqlEntity, table: &str) -> Error {
    let present: Vec<&str> = entity
        .tables
        .keys()
        .map(String::as_str)
        .filter(|t| *t != entity.main_table_name)
        .collect();
    Error::new(
        ErrorKind::Decode,
        format!(
            "module `{}` has no sub table `{table}` (it has: {})",
            entity.module_type,
            present.join(", ")
        ),
    )
}

/// The rows of sub table `table`, decoded as `R`.
pub fn read_rows<R: Aim18Row>(entity: &SqlEntity, table: &str) -> Result<Vec<R>> {
    let t = match entity.table(table) {
        Some(t) if table != entity.main_table_name => t,
        _ => return Err(no_sub_table(entity, table)),
    };
    (0..t.len())
        .map(|i| R::from_row(&RowReader::sub(t, i)))
        .collect()
}

/// Write the main row of `entity` with `write` (generated code passes a
/// closure of `set` calls). A main table without rows gets one.
pub fn write_main(
    entity: &mut SqlEntity,
    main_table: Option<&str>,
    write: impl FnOnce(&mut RowWriter<'_>) -> Result<()>,
) -> Result<()> {
    main_table_of(entity, main_table)?;
    let Some(SqlTable {
        name,
        fields,
        values,
    }) = entity.main_mut()
    else {
        // main_table_of just found it.
        return Err(Error::new(
            ErrorKind::Decode,
            "the entity has no main table",
        ));
    };
    if values.is_empty() {
        values.push(Map::new());
    }
    let mut w = RowWriter::new(name, fields, &mut values[0], None);
    write(&mut w)
}

fn row_id(row: &Map<String, Value>) -> Option<i64> {
    match row.get("id")? {
        Value::Number(n) => whole(n).ok(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Make sub table `table` hold exactly `rows`. A row whose
/// [`row_id`](Aim18Row::row_id) matches a row of the table is written over
/// that row, so its other columns are kept; other rows start empty. On an
/// error the table is left as it was.
pub fn write_rows<R: Aim18Row>(entity: &mut SqlEntity, table: &str, rows: &[R]) -> Result<()> {
    if table == entity.main_table_name || entity.table(table).is_none() {
        return Err(no_sub_table(entity, table));
    }
    let Some(SqlTable {
        name,
        fields,
        values,
    }) = entity.table_mut(table)
    else {
        return Err(Error::new(ErrorKind::Decode, format!("no table `{table}`")));
    };
    let mut out = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let mut map = r
            .row_id()
            .filter(|id| *id > 0)
            .and_then(|id| values.iter().find(|m| row_id(m) == Some(id)).cloned())
            .unwrap_or_default();
        r.write_row(&mut RowWriter::new(name, fields, &mut map, Some(i)))?;
        out.push(map);
    }
    *values = out;
    Ok(())
}

// ---------------------------------------------------------------------------
// typed client calls

impl Aim18Client {
    /// A new record of `E` from the server's empty template (the create
    /// service): defaults filled in, `id` 0, sub tables empty. Fields the
    /// template leaves empty must be `Option`s.
    pub async fn new_entity<E: Aim18Entity>(&self) -> Result<E> {
        let template = self.create_template(E::MODULE, E::MENU_CODE).await?;
        E::from_entity(&template).map_err(|e| e.with_target(E::MODULE, Operation::Create.as_str()))
    }

    /// Read record `id` as an `E`.
    pub async fn read_entity<E: Aim18Entity>(&self, id: i64) -> Result<E> {
        let entity = self.read(E::MODULE, E::MENU_CODE, id).await?;
        E::from_entity(&entity).map_err(|e| e.with_target(E::MODULE, Operation::Read.as_str()))
    }

    /// Save `value` and return the record's id. `id` 0 creates a record.
    ///
    /// Reads the record first (the template for a new one) and writes
    /// `value` over it, so columns `E` does not hold keep their values; see
    /// [`Aim18Save`]. A refused read is
    /// reported as such (`module/read`, or `module/create` for the template).
    pub async fn save_entity<E: Aim18Save>(&self, value: &E) -> Result<i64> {
        let base = if value.id() > 0 {
            self.read(E::MODULE, E::MENU_CODE, value.id()).await?
        } else {
            self.create_template(E::MODULE, E::MENU_CODE).await?
        };
        let outcome = self.save_entity_onto(value, &base).await?;
        outcome
            .record_id
            .or((value.id() > 0).then(|| value.id()))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Protocol,
                    "the save answer names no record id for the new record",
                )
                .with_target(E::MODULE, Operation::Save.as_str())
            })
    }

    /// Save `value` written over `base` (an entity read earlier, or a
    /// template), without reading anything first.
    pub async fn save_entity_onto<E: Aim18Save>(
        &self,
        value: &E,
        base: &SqlEntity,
    ) -> Result<SaveOutcome> {
        let entity = value
            .to_entity(base)
            .map_err(|e| e.with_target(E::MODULE, Operation::Save.as_str()))?;
        self.save(E::MODULE, E::MENU_CODE, &entity).await
    }

    /// Delete record `id` of `E`'s module.
    pub async fn delete_entity<E: Aim18Entity>(&self, id: i64) -> Result<()> {
        self.delete(E::MODULE, E::MENU_CODE, id).await
    }

    /// Every row of `R`'s lookup (the first of [`Aim18Lookup::LOOKUPS`]), fetched `page_size`
    /// rows at a time; `refine` adds conditions, sorting, the business entity
    /// (`client.lookup::<CusSearchRow>(|q| q.be_id(1), 100)`). Another of the module's
    /// lookups: [`search_rows`](Self::search_rows) with `SearchQuery::new(R::LOOKUPS[i])`.
    pub fn lookup<R: Aim18Lookup>(
        &self,
        refine: impl FnOnce(SearchQuery) -> SearchQuery,
        page_size: u64,
    ) -> impl Stream<Item = Result<R>> + Send + 'static {
        let lookup = R::LOOKUPS.first().copied().unwrap_or_default();
        self.search_rows::<R>(refine(SearchQuery::new(lookup)), page_size)
    }

    /// Every row of a search as an `R`, fetched `page_size` rows at a time.
    ///
    /// Search rows are flat maps whose columns depend on the lookup and its
    /// format (`id`, `code`, `st_desc`, `desc__lang`, dotted lookup columns
    /// such as `mainso.cusId.cus.code`), so `R` is any serde type; use
    /// [`deserialize_cell`] for aiM18's text dates and booleans.
    pub fn search_rows<R>(
        &self,
        query: SearchQuery,
        page_size: u64,
    ) -> impl Stream<Item = Result<R>> + Send + 'static
    where
        R: DeserializeOwned + Send + 'static,
    {
        // `Search::pages` cannot serve here: its stream keeps the borrow of the
        // `Search` (edition-2024 capture rules; it lacks `+ use<>`), so it
        // cannot be returned from a function that made the `Search`. Same
        // paging rules: stop at an empty or short page, refuse a repeated page.
        let size = page_size.max(1);
        let search = self.search(query);
        let pages = futures_util::stream::unfold(
            Some((search, 1u64, None::<Map<String, Value>>)),
            move |state| async move {
                let (search, start, previous_first) = state?;
                match search.page(start, start.saturating_add(size - 1)).await {
                    Err(e) => Some((Err(e), None)),
                    Ok(page) if page.rows.is_empty() => None,
                    Ok(page) if previous_first.as_ref() == page.rows.first() => {
                        let e = Error::new(
                            ErrorKind::Protocol,
                            "the server returned the same page twice; it seems to ignore startRow",
                        )
                        .with_target(page.st_search.clone(), Operation::Search.as_str());
                        Some((Err(e), None))
                    }
                    Ok(page) => {
                        let n = page.rows.len() as u64;
                        let next = (n >= size).then(|| {
                            let first = page.rows.first().cloned();
                            (search, start.saturating_add(n), first)
                        });
                        Some((Ok(page), next))
                    }
                }
            },
        );
        pages.flat_map(|page| {
            let rows: Vec<Result<R>> = match page.and_then(|p| p.decode_rows::<R>()) {
                Ok(rows) => rows.into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            };
            futures_util::stream::iter(rows)
        })
    }
}

impl SearchPage {
    /// This page's rows as `R`s (see [`Aim18Client::search_rows`]).
    pub fn decode_rows<R: DeserializeOwned>(&self) -> Result<Vec<R>> {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                R::deserialize(row).map_err(|e| {
                    let n = self.start_row.saturating_add(i as u64);
                    Error::decode(e, format_args!("search row {n}"))
                        .with_target(self.st_search.clone(), Operation::Search.as_str())
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn table(fields: &[(&str, i64)], rows: Vec<Value>) -> SqlTable {
        SqlTable::from_value(
            &json!({
                "name": "t",
                "fields": fields.iter().map(|(n, c)| json!({"name": n, "classType": c})).collect::<Vec<_>>(),
                "values": rows,
            }),
            "t",
        )
        .unwrap()
    }

    fn get<T: FromCell>(t: &SqlTable, col: &str) -> std::result::Result<T, String> {
        RowReader::sub(t, 0)
            .get::<T>(col)
            .map_err(|e| e.message().to_owned())
    }

    #[test]
    fn cells_decode_by_class_type() {
        let t = table(
            &[
                ("s", 0),
                ("b", 3),
                ("n", 10),
                ("d", 20),
                ("dt", 21),
                ("o", 99),
                ("e", 10),
            ],
            vec![json!({
                "s": "x", "b": "Y", "n": "12", "d": "2024-03-15", "dt": "2024-03-15 10:11:12",
                "o": 7, "e": ""
            })],
        );
        assert_eq!(get::<String>(&t, "s"), Ok("x".into()));
        assert_eq!(get::<bool>(&t, "b"), Ok(true));
        assert_eq!(get::<i64>(&t, "n"), Ok(12));
        assert_eq!(get::<i32>(&t, "n"), Ok(12));
        assert_eq!(get::<f64>(&t, "n"), Ok(12.0));
        let d = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        assert_eq!(get::<NaiveDate>(&t, "d"), Ok(d));
        assert_eq!(
            get::<NaiveDate>(&t, "dt"),
            Ok(d),
            "date part of a date-time"
        );
        assert_eq!(
            get::<NaiveDateTime>(&t, "d"),
            Ok(d.and_hms_opt(0, 0, 0).unwrap())
        );
        // Other (99) columns decode as the field type's class.
        assert_eq!(get::<i64>(&t, "o"), Ok(7));
        assert_eq!(get::<String>(&t, "o"), Ok("7".into()));
        assert_eq!(get::<Value>(&t, "n"), Ok(json!("12")), "raw JSON");
        // Empty and missing cells.
        assert_eq!(get::<Option<i64>>(&t, "e"), Ok(None));
        assert_eq!(get::<Value>(&t, "e"), Ok(json!("")));
        assert_eq!(
            get::<i64>(&t, "e").unwrap_err(),
            "t.e row 0: the cell is empty but the field is `i64`: declare it `Option<i64>`"
        );
        let t2 = table(&[("n", 10)], vec![json!({})]);
        assert_eq!(get::<Option<f64>>(&t2, "n"), Ok(None));
        assert_eq!(get::<Value>(&t2, "n"), Ok(Value::Null));
    }

    #[test]
    fn mismatches_and_bad_values_are_errors_naming_the_cell() {
        let t = table(
            &[("n", 10), ("s", 0), ("f", 10), ("big", 10)],
            vec![json!({"n": 1, "s": "x", "f": 12.5, "big": 1_i64 << 40})],
        );
        assert_eq!(
            get::<bool>(&t, "n").unwrap_err(),
            "t.n row 0: a Num column (classType 10) cannot be read as `bool`: use `i64` or `f64`"
        );
        // The class decides even for an empty cell.
        let e = table(&[("n", 10)], vec![json!({})]);
        assert!(get::<Option<bool>>(&e, "n").is_err());
        assert_eq!(
            get::<i64>(&t, "s").unwrap_err(),
            "t.s row 0: a Str column (classType 0) cannot be read as `i64`: use `String`"
        );
        assert_eq!(
            get::<i64>(&t, "f").unwrap_err(),
            "t.f row 0: 12.5 is not a whole number: use `f64`"
        );
        assert_eq!(
            get::<i32>(&t, "big").unwrap_err(),
            "t.big row 0: 1099511627776 does not fit `i32`: use `i64`"
        );
        assert_eq!(
            get::<String>(&t, "nope").unwrap_err(),
            "table t has no column `nope` (the server lists 4 columns)"
        );
        let bad = table(&[("n", 10)], vec![json!({"n": "abc"})]);
        assert_eq!(
            get::<i64>(&bad, "n").unwrap_err(),
            "t.n row 0: \"abc\" is not a number"
        );
    }

    #[test]
    fn misspelt_columns_get_a_hint() {
        let t = table(&[("joinDate", 20)], vec![json!({})]);
        let e = get::<Option<NaiveDate>>(&t, "join_date").unwrap_err();
        assert!(
            e.ends_with("did you mean `joinDate`? add `#[model(rename = \"joinDate\")]`"),
            "{e}"
        );
    }

    #[test]
    fn tables_without_fields_decode_by_the_field_type() {
        let t = SqlTable::from_value(
            &json!({"values": [{"d": "2024-01-02 03:04:05", "b": "N"}]}),
            "x",
        )
        .unwrap();
        assert_eq!(
            get::<NaiveDateTime>(&t, "d").unwrap().to_string(),
            "2024-01-02 03:04:05"
        );
        assert_eq!(get::<bool>(&t, "b"), Ok(false));
    }

    #[test]
    fn cells_encode_for_their_class() {
        let fields: Vec<SqlField> =
            table(&[("d", 20), ("dt", 21), ("n", 10), ("s", 0)], vec![]).fields;
        let mut row = Map::new();
        let mut w = RowWriter::new("t", &fields, &mut row, None);
        let d = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        w.set("d", &d).unwrap();
        w.set("dt", &d.and_hms_opt(1, 2, 3).unwrap()).unwrap();
        w.set("n", &Some(2.5)).unwrap();
        w.set("s", &None::<String>).unwrap();
        let e = w.set("n", &true).unwrap_err();
        assert_eq!(
            e.message(),
            "t.n: a Num column (classType 10) cannot be written from `bool`: use `i64` or `f64`"
        );
        let e = w.set("d", &d.and_hms_opt(1, 0, 0).unwrap()).unwrap_err();
        assert!(e.message().contains("Date column would drop"), "{e}");
        assert!(w.set("n", &f64::NAN).is_err());
        assert!(w.set("x", &1_i64).is_err(), "unknown column");
        assert_eq!(
            Value::Object(row),
            json!({"d": "2024-03-15", "dt": "2024-03-15 01:02:03", "n": 2.5, "s": null})
        );
    }

    #[test]
    fn search_rows_decode_with_serde() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct Row {
            id: i64,
            #[serde(rename = "lastModifyDate", deserialize_with = "deserialize_cell")]
            modified: NaiveDateTime,
            #[serde(default, deserialize_with = "deserialize_cell")]
            inactive: Option<bool>,
        }
        let page = SearchPage {
            st_search: "cus".into(),
            display: String::new(),
            start_row: 11,
            size: None,
            rows: vec![
                json!({"id": 1, "lastModifyDate": "2021-01-27 16:02:03", "inactive": "Y"})
                    .as_object()
                    .unwrap()
                    .clone(),
                json!({"id": 2, "lastModifyDate": "2021-01-27"})
                    .as_object()
                    .unwrap()
                    .clone(),
            ],
        };
        let rows: Vec<Row> = page.decode_rows().unwrap();
        assert_eq!(rows[0].inactive, Some(true));
        assert_eq!(rows[1].modified.to_string(), "2021-01-27 00:00:00");
        assert_eq!(rows[1].inactive, None);
        let mut bad = page.clone();
        bad.rows[1].insert("id".into(), json!("x"));
        let e = bad.decode_rows::<Row>().unwrap_err();
        assert!(
            e.to_string()
                .starts_with("cus/search: decode error: search row 12: "),
            "{e}"
        );
    }
}
