//! Odoo wire values and the types generated bindings use for them.
//!
//! Odoo's JSON is loose: an empty char, date, many2one or selection reads as
//! `false`, a many2one reads as `[id, "name"]` (or a bare id, or
//! `{"id", "display_name"}` from `web_read`), dates are `"YYYY-MM-DD"` and
//! datetimes `"YYYY-MM-DD HH:MM:SS"` in UTC, binaries are base64. The types
//! here decode all of that without panicking: an unknown selection value
//! becomes `Unknown(..)`, `false` becomes `None`, and a value of the wrong
//! type is a serde error (which [`decode_record`] prefixes with the field name).
//!
//! Generated code stays small because the logic lives here, generic over the
//! target model: a generated field is `Option<Many2One<rel::ResPartner>>` plus
//! one `deserialize_with` attribute, not a per-field function.

use std::fmt;
use std::marker::PhantomData;

use base64::Engine as _;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeOwned, Deserializer, IntoDeserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::odoo::model::{CreateValues, UpdateValues};

/// The target of a relation whose model has no generated type (not in the
/// schema, or its cargo feature is off): the value keeps its id and display
/// name, only the type-level link to a record struct is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnyModel {}

fn write_phantom(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    f.write_str(name)
}

// ---------------------------------------------------------------------------
// false-as-None

/// `deserialize_with` for every nullable field: Odoo's `false` (and `null`)
/// decode to `None`, anything else to `Some(T)`. No buffering: the visitor
/// forwards what it sees to `T`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    deserializer.deserialize_any(NullableVisitor(PhantomData))
}

struct NullableVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for NullableVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or false")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            T::deserialize(v.into_deserializer()).map(Some)
        } else {
            Ok(None)
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        nullable(d)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(Some)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(Some)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(Some)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        T::deserialize(de::value::StrDeserializer::<E>::new(v)).map(Some)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        T::deserialize(de::value::BorrowedStrDeserializer::<E>::new(v)).map(Some)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        T::deserialize(de::value::StringDeserializer::<E>::new(v)).map(Some)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::deserialize(SeqAccessDeserializer::new(seq)).map(Some)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }
}

// ---------------------------------------------------------------------------
// dates

const DATE_FORMAT: &str = "%Y-%m-%d";
const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Parse Odoo's `"YYYY-MM-DD"`. A date field of an SQL-view report model whose column is a
/// timestamp (`event.sale.report.event_date_begin`, `stock.avco.report.date`) is sent as
/// `"YYYY-MM-DD HH:MM:SS"`: its date part is the value. Nothing else is accepted.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, DATE_FORMAT).ok().or_else(|| {
        NaiveDateTime::parse_from_str(s, DATETIME_FORMAT)
            .ok()
            .map(|d| d.date())
    })
}

/// Parse Odoo's `"YYYY-MM-DD HH:MM:SS"` (UTC); fractional seconds and an
/// RFC 3339 form are accepted too.
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .map(|n| n.and_utc())
        .ok()
        .or_else(|| {
            DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|d| d.with_timezone(&Utc))
        })
}

/// Odoo's wire form of a date.
pub fn format_date(d: &NaiveDate) -> String {
    d.format(DATE_FORMAT).to_string()
}

/// Odoo's wire form of a datetime (UTC, whole seconds).
pub fn format_datetime(d: &DateTime<Utc>) -> String {
    d.format(DATETIME_FORMAT).to_string()
}

struct OdooDate;
struct OdooDateTime;

impl<'de> Visitor<'de> for OdooDate {
    type Value = Option<NaiveDate>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date \"YYYY-MM-DD\" or false")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            Err(E::invalid_type(de::Unexpected::Bool(v), &self))
        } else {
            Ok(None)
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        parse_date(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

impl<'de> Visitor<'de> for OdooDateTime {
    type Value = Option<DateTime<Utc>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a datetime \"YYYY-MM-DD HH:MM:SS\" or false")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            Err(E::invalid_type(de::Unexpected::Bool(v), &self))
        } else {
            Ok(None)
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        parse_datetime(v)
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// `deserialize_with` for `date` fields: `"YYYY-MM-DD"` or `false`.
pub fn nullable_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    d.deserialize_any(OdooDate)
}

/// `deserialize_with` for `datetime` fields: `"YYYY-MM-DD HH:MM:SS"` (UTC) or `false`.
pub fn nullable_datetime<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    d.deserialize_any(OdooDateTime)
}

// ---------------------------------------------------------------------------
// many2one

/// A many2one value: the related record's id and, when the server sent it,
/// its display name. `T` is the related model's record type (or [`AnyModel`]);
/// it only lets `client.read::<T>(&[m2o.id])` be typed.
///
/// Decodes from `[id, "name"]`, a bare id, or `{"id": .., "display_name": ..}`;
/// encodes as the bare id (what `create`/`write` expect).
pub struct Many2One<T> {
    pub id: i64,
    pub display_name: Option<String>,
    target: PhantomData<fn() -> T>,
}

impl<T> Many2One<T> {
    pub fn new(id: i64) -> Self {
        Many2One {
            id,
            display_name: None,
            target: PhantomData,
        }
    }

    pub fn with_name(id: i64, display_name: impl Into<String>) -> Self {
        Many2One {
            id,
            display_name: Some(display_name.into()),
            target: PhantomData,
        }
    }

    pub fn id(&self) -> i64 {
        self.id
    }

    pub fn name(&self) -> Option<&str> {
        self.display_name.as_deref()
    }

    /// The same reference, typed for another target (e.g. from [`AnyModel`]
    /// once the caller knows the model).
    pub fn cast<U>(self) -> Many2One<U> {
        Many2One {
            id: self.id,
            display_name: self.display_name,
            target: PhantomData,
        }
    }
}

// Manual impls: a derive would require `T: Clone` etc. of the marker type.
impl<T> Clone for Many2One<T> {
    fn clone(&self) -> Self {
        Many2One {
            id: self.id,
            display_name: self.display_name.clone(),
            target: PhantomData,
        }
    }
}

impl<T> PartialEq for Many2One<T> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.display_name == other.display_name
    }
}

impl<T> Eq for Many2One<T> {}

impl<T> std::hash::Hash for Many2One<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

impl<T> fmt::Debug for Many2One<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut t = f.debug_tuple("Many2One");
        t.field(&self.id);
        if let Some(n) = &self.display_name {
            t.field(n);
        }
        t.finish()
    }
}

impl<T> From<i64> for Many2One<T> {
    fn from(id: i64) -> Self {
        Many2One::new(id)
    }
}

impl<T> Serialize for Many2One<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.id)
    }
}

impl<'de, T> Deserialize<'de> for Many2One<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Many2OneVisitor(PhantomData))
    }
}

/// A record id: an integer, or (Odoo 18+'s SQL-view models such as
/// `account.root`, whose ids are code prefixes) a string holding one.
fn id_of<E: de::Error>(v: &Value) -> Result<i64, E> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| E::custom(format_args!("record id {n} is not an integer"))),
        Value::String(s) => parse_id(s),
        other => Err(E::custom(format_args!("a record id, found {other}"))),
    }
}

fn parse_id<E: de::Error>(s: &str) -> Result<i64, E> {
    s.trim()
        .parse()
        .map_err(|_| E::custom(format_args!("record id {s:?} is not an integer")))
}

struct Many2OneVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T> Visitor<'de> for Many2OneVisitor<T> {
    type Value = Many2One<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a many2one: [id, \"name\"], an id, or {\"id\", \"display_name\"}")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Many2One::new(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(Many2One::new)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        parse_id(v).map(Many2One::new)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let id: Value = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let id = id_of(&id)?;
        let name: Option<Value> = seq.next_element()?;
        // Drain anything else so a longer array is not a hard error.
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Many2One {
            id,
            display_name: name.and_then(|v| v.as_str().map(str::to_owned)),
            target: PhantomData,
        })
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut id = None;
        let mut name = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" => id = Some(id_of(&map.next_value::<Value>()?)?),
                "display_name" | "name" => {
                    if let Value::String(s) = map.next_value::<Value>()? {
                        name = Some(s);
                    }
                }
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        Ok(Many2One {
            id,
            display_name: name,
            target: PhantomData,
        })
    }
}

// ---------------------------------------------------------------------------
// x2many

/// A one2many or many2many value as read: the related ids. `T` as in [`Many2One`].
/// Write x2many fields with [`Command`]s.
pub struct X2Many<T> {
    pub ids: Vec<i64>,
    target: PhantomData<fn() -> T>,
}

impl<T> X2Many<T> {
    pub fn new(ids: Vec<i64>) -> Self {
        X2Many {
            ids,
            target: PhantomData,
        }
    }
    pub fn ids(&self) -> &[i64] {
        &self.ids
    }
}

impl<T> Default for X2Many<T> {
    fn default() -> Self {
        X2Many::new(Vec::new())
    }
}

impl<T> Clone for X2Many<T> {
    fn clone(&self) -> Self {
        X2Many::new(self.ids.clone())
    }
}

impl<T> PartialEq for X2Many<T> {
    fn eq(&self, other: &Self) -> bool {
        self.ids == other.ids
    }
}

impl<T> fmt::Debug for X2Many<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_phantom(f, "X2Many")?;
        f.debug_list().entries(&self.ids).finish()
    }
}

impl<T> std::ops::Deref for X2Many<T> {
    type Target = [i64];
    fn deref(&self) -> &[i64] {
        &self.ids
    }
}

impl<T> From<Vec<i64>> for X2Many<T> {
    fn from(ids: Vec<i64>) -> Self {
        X2Many::new(ids)
    }
}

impl<T> Serialize for X2Many<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.ids.serialize(s)
    }
}

impl<'de, T> Deserialize<'de> for X2Many<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Ids, or `{"id": ..}` records from a web_read specification.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Item {
            Id(i64),
            Record { id: i64 },
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vec<i64>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of record ids")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                // Some computed x2many fields read as `false` when empty.
                if v {
                    Err(E::invalid_type(de::Unexpected::Bool(v), &self))
                } else {
                    Ok(Vec::new())
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Vec::new())
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(item) = seq.next_element::<Item>()? {
                    out.push(match item {
                        Item::Id(id) | Item::Record { id } => id,
                    });
                }
                Ok(out)
            }
        }
        d.deserialize_any(V).map(X2Many::new)
    }
}

// ---------------------------------------------------------------------------
// reference, binary

/// A `reference` field: a model name and a record id (`"res.partner,7"` on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    pub model: String,
    pub id: i64,
}

impl Reference {
    pub fn new(model: impl Into<String>, id: i64) -> Self {
        Reference {
            model: model.into(),
            id,
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.model, self.id)
    }
}

impl Serialize for Reference {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Text(String),
            // web_read with a specification: {"id": {"id": 7, "model": "res.partner"}, ...}
            Spec { id: Box<Wire> },
            Pair { model: String, id: i64 },
        }
        fn resolve(w: Wire) -> Option<Reference> {
            match w {
                Wire::Text(s) => {
                    let (model, id) = s.rsplit_once(',')?;
                    Some(Reference::new(model.trim(), id.trim().parse().ok()?))
                }
                Wire::Pair { model, id } => Some(Reference::new(model, id)),
                Wire::Spec { id } => resolve(*id),
            }
        }
        let w = Wire::deserialize(d)?;
        resolve(w).ok_or_else(|| de::Error::custom("a reference: \"model,id\""))
    }
}

/// A `binary` (or image) field's bytes; base64 on the wire.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Binary(pub Vec<u8>);

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Binary({} bytes)", self.0.len())
    }
}

impl From<Vec<u8>> for Binary {
    fn from(v: Vec<u8>) -> Self {
        Binary(v)
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        // Odoo may wrap base64 at 76 columns.
        let compact: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .map(Binary)
            .map_err(|e| de::Error::custom(format!("invalid base64: {e}")))
    }
}

// ---------------------------------------------------------------------------
// selection

/// Implemented by every generated selection enum. Parsing never fails:
/// values the binding does not know become the enum's `Unknown(String)`.
pub trait Selection: Sized {
    /// The wire values the binding knows, in the server's order.
    const VALUES: &'static [&'static str];
    fn from_wire(value: &str) -> Self;
    fn as_wire(&self) -> &str;
}

// ---------------------------------------------------------------------------
// values for create / write

/// A value as sent in `create`/`write` values or in a domain.
pub trait ToWire {
    fn to_wire(&self) -> Value;
}

macro_rules! to_wire_via_json {
    ($($t:ty),*) => {$(
        impl ToWire for $t {
            fn to_wire(&self) -> Value {
                Value::from(self.clone())
            }
        }
    )*};
}
to_wire_via_json!(String, i64, i32, u32, f64, bool);

impl ToWire for &str {
    fn to_wire(&self) -> Value {
        Value::String((*self).to_owned())
    }
}
impl ToWire for Value {
    fn to_wire(&self) -> Value {
        self.clone()
    }
}
impl ToWire for NaiveDate {
    fn to_wire(&self) -> Value {
        Value::String(format_date(self))
    }
}
impl ToWire for DateTime<Utc> {
    fn to_wire(&self) -> Value {
        Value::String(format_datetime(self))
    }
}
impl ToWire for Binary {
    fn to_wire(&self) -> Value {
        Value::String(base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}
impl ToWire for Reference {
    fn to_wire(&self) -> Value {
        Value::String(self.to_string())
    }
}
impl<T> ToWire for Many2One<T> {
    fn to_wire(&self) -> Value {
        Value::from(self.id)
    }
}
impl<T: ToWire> ToWire for Option<T> {
    /// `None` is Odoo's `false`: "empty".
    fn to_wire(&self) -> Value {
        self.as_ref().map_or(Value::Bool(false), ToWire::to_wire)
    }
}
impl<T> ToWire for [Command<T>] {
    fn to_wire(&self) -> Value {
        Value::Array(self.iter().map(Command::to_wire).collect())
    }
}
impl<T> ToWire for Vec<Command<T>> {
    fn to_wire(&self) -> Value {
        self.as_slice().to_wire()
    }
}
impl<E: Selection> ToWire for E {
    fn to_wire(&self) -> Value {
        Value::String(self.as_wire().to_owned())
    }
}

/// The values of a `create` or `write`, keyed by wire name in sorted order
/// (so the request body is deterministic). Generated create/update types wrap one.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Values(std::collections::BTreeMap<&'static str, Value>);

impl Values {
    pub fn new() -> Self {
        Values::default()
    }
    pub fn set(&mut self, field: &'static str, value: impl ToWire) {
        self.0.insert(field, value.to_wire());
    }
    /// Write `false`: empty the field.
    pub fn clear(&mut self, field: &'static str) {
        self.0.insert(field, Value::Bool(false));
    }
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.0.get(field)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }
    pub fn to_map(&self) -> Map<String, Value> {
        self.0
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }
}

// ---------------------------------------------------------------------------
// x2many commands

/// One x2many write command. `T` is the related model, so `Command::create`
/// only accepts that model's create values.
///
/// | constructor        | wire            |
/// |--------------------|-----------------|
/// | `create(vals)`     | `[0, 0, vals]`  |
/// | `update(id, vals)` | `[1, id, vals]` |
/// | `delete(id)`       | `[2, id, 0]`    |
/// | `unlink(id)`       | `[3, id, 0]`    |
/// | `link(id)`         | `[4, id, 0]`    |
/// | `clear()`          | `[5, 0, 0]`     |
/// | `set(ids)`         | `[6, 0, ids]`   |
pub struct Command<T> {
    op: Op,
    target: PhantomData<fn() -> T>,
}

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Create(Value),
    Update(i64, Value),
    Delete(i64),
    Unlink(i64),
    Link(i64),
    Clear,
    Set(Vec<i64>),
}

impl<T> Command<T> {
    fn of(op: Op) -> Self {
        Command {
            op,
            target: PhantomData,
        }
    }
    /// `[0, 0, vals]`: create a related record and link it.
    pub fn create<C: CreateValues<Model = T>>(values: &C) -> Self {
        Command::of(Op::Create(json_of(values)))
    }
    /// `[0, 0, vals]` with untyped values (for an [`AnyModel`] target).
    pub fn create_untyped(values: Map<String, Value>) -> Self {
        Command::of(Op::Create(Value::Object(values)))
    }
    /// `[1, id, vals]`: write on a linked record.
    pub fn update<U: UpdateValues<Model = T>>(id: i64, values: &U) -> Self {
        Command::of(Op::Update(id, json_of(values)))
    }
    /// `[1, id, vals]` with untyped values.
    pub fn update_untyped(id: i64, values: Map<String, Value>) -> Self {
        Command::of(Op::Update(id, Value::Object(values)))
    }
    /// `[2, id, 0]`: unlink and delete the record.
    pub fn delete(id: i64) -> Self {
        Command::of(Op::Delete(id))
    }
    /// `[3, id, 0]`: remove the link (the record stays, except for one2many
    /// lines whose inverse is `ondelete='cascade'`).
    pub fn unlink(id: i64) -> Self {
        Command::of(Op::Unlink(id))
    }
    /// `[4, id, 0]`: link an existing record.
    pub fn link(id: i64) -> Self {
        Command::of(Op::Link(id))
    }
    /// `[5, 0, 0]`: remove every link.
    pub fn clear() -> Self {
        Command::of(Op::Clear)
    }
    /// `[6, 0, ids]`: replace the links with exactly `ids`.
    pub fn set(ids: impl IntoIterator<Item = i64>) -> Self {
        Command::of(Op::Set(ids.into_iter().collect()))
    }

    pub fn to_wire(&self) -> Value {
        use serde_json::json;
        match &self.op {
            Op::Create(v) => json!([0, 0, v]),
            Op::Update(id, v) => json!([1, id, v]),
            Op::Delete(id) => json!([2, id, 0]),
            Op::Unlink(id) => json!([3, id, 0]),
            Op::Link(id) => json!([4, id, 0]),
            Op::Clear => json!([5, 0, 0]),
            Op::Set(ids) => json!([6, 0, ids]),
        }
    }
}

fn json_of<V: Serialize>(values: &V) -> Value {
    // Generated values types serialize to a JSON object by construction; a
    // failure here could only come from a hand-written impl, and `false`
    // keeps the request well-formed while the server reports the problem.
    serde_json::to_value(values).unwrap_or(Value::Bool(false))
}

impl<T> Clone for Command<T> {
    fn clone(&self) -> Self {
        Command::of(self.op.clone())
    }
}

impl<T> PartialEq for Command<T> {
    fn eq(&self, other: &Self) -> bool {
        self.op == other.op
    }
}

impl<T> fmt::Debug for Command<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Command{}", self.to_wire())
    }
}

impl<T> Serialize for Command<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_wire().serialize(s)
    }
}

// ---------------------------------------------------------------------------
// generated record decoding

mod computed;
// Reached by generated code through `crate::__private`, not part of the API.
pub(crate) mod record;

pub use computed::{Computed, NotRead};

// ---------------------------------------------------------------------------
// decoding records with the field named in errors

// The `Value` path of the client's decoding (nested reads, the fallback after a one-pass
// failure), public for the fuzz targets and their regression tests only.
#[doc(hidden)]
/// Decode one record (a `read`/`search_read` JSON object) into `M`. A value of
/// the wrong type fails with the field's wire name in the message, e.g.
/// ``field `partner_id`: invalid type: string "x", expected a many2one ...``.
pub fn decode_record<M: DeserializeOwned>(record: Value) -> Result<M, serde_json::Error> {
    match record {
        Value::Object(map) => M::deserialize(RecordDeserializer(map)),
        other => M::deserialize(other),
    }
}

#[doc(hidden)]
/// Decode a list of records; the error also says which record (index and id).
pub fn decode_records<M: DeserializeOwned>(
    records: Vec<Value>,
) -> Result<Vec<M>, serde_json::Error> {
    records
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let id = r.get("id").and_then(Value::as_i64);
            decode_record(r).map_err(|e| {
                let at = match id {
                    Some(id) => format!("record {i} (id {id})"),
                    None => format!("record {i}"),
                };
                de::Error::custom(format!("{at}: {e}"))
            })
        })
        .collect()
}

struct RecordDeserializer(Map<String, Value>);

impl<'de> Deserializer<'de> for RecordDeserializer {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(RecordAccess {
            iter: self.0.into_iter(),
            current: None,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct RecordAccess {
    iter: serde_json::map::IntoIter,
    current: Option<(String, Value)>,
}

impl<'de> de::MapAccess<'de> for RecordAccess {
    type Error = serde_json::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        match self.iter.next() {
            Some((k, v)) => {
                let key = seed.deserialize(k.as_str().into_deserializer())?;
                self.current = Some((k, v));
                Ok(Some(key))
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let (key, value) = self
            .current
            .take()
            .ok_or_else(|| <serde_json::Error as de::Error>::custom("value without a key"))?;
        seed.deserialize(value)
            .map_err(|e| <serde_json::Error as de::Error>::custom(format!("field `{key}`: {e}")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Partner;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Rec {
        id: i64,
        #[serde(default, deserialize_with = "nullable")]
        name: Option<String>,
        #[serde(default, deserialize_with = "nullable")]
        parent_id: Option<Many2One<Partner>>,
        #[serde(default, deserialize_with = "nullable_date")]
        date: Option<NaiveDate>,
        #[serde(default, deserialize_with = "nullable_datetime")]
        write_date: Option<DateTime<Utc>>,
        #[serde(default)]
        child_ids: X2Many<Partner>,
        #[serde(default, deserialize_with = "nullable")]
        ref_: Option<Reference>,
        #[serde(default, deserialize_with = "nullable")]
        image: Option<Binary>,
    }

    #[test]
    fn false_is_none_everywhere() {
        let r: Rec = decode_record(json!({
            "id": 1, "name": false, "parent_id": false, "date": false, "write_date": false,
            "child_ids": [], "ref_": false, "image": false
        }))
        .unwrap();
        assert!(r.name.is_none() && r.parent_id.is_none() && r.date.is_none());
        assert!(r.write_date.is_none() && r.ref_.is_none() && r.image.is_none());
    }

    #[test]
    fn wire_forms_decode() {
        let r: Rec = decode_record(json!({
            "id": 1, "name": "Acme", "parent_id": [7, "Parent Co"], "date": "2024-02-29",
            "write_date": "2024-02-29 13:45:01", "child_ids": [3, 4],
            "ref_": "res.partner,7", "image": "aGVs\nbG8="
        }))
        .unwrap();
        assert_eq!(r.parent_id.as_ref().unwrap().id, 7);
        assert_eq!(r.parent_id.unwrap().name(), Some("Parent Co"));
        assert_eq!(r.date.unwrap().to_string(), "2024-02-29");
        assert_eq!(
            format_datetime(&r.write_date.unwrap()),
            "2024-02-29 13:45:01"
        );
        assert_eq!(r.child_ids.ids(), [3, 4]);
        assert_eq!(r.ref_.unwrap(), Reference::new("res.partner", 7));
        assert_eq!(r.image.unwrap().0, b"hello");
        // Bare id and web_read's object form.
        let m: Many2One<Partner> = serde_json::from_value(json!(5)).unwrap();
        assert_eq!((m.id, m.name()), (5, None));
        let m: Many2One<Partner> =
            serde_json::from_value(json!({"id": 5, "display_name": "X"})).unwrap();
        assert_eq!(m.name(), Some("X"));
        assert_eq!(serde_json::to_value(&m).unwrap(), json!(5));
        // account.root (18+) sends its ids as strings.
        let m: Many2One<Partner> = serde_json::from_value(json!(["12", "12"])).unwrap();
        assert_eq!((m.id, m.name()), (12, Some("12")));
        assert!(serde_json::from_value::<Many2One<Partner>>(json!(["1A", "x"])).is_err());
    }

    #[test]
    fn report_dates_sent_as_datetimes_decode_to_their_date_part() {
        // event.sale.report.event_date_begin (16, 17, 19), stock.avco.report.date (19): a date
        // field over a timestamp column of an SQL view.
        let r: Rec = decode_record(json!({"id": 1, "date": "2026-12-15 08:00:00"})).unwrap();
        assert_eq!(r.date.unwrap().to_string(), "2026-12-15");
        assert_eq!(
            parse_date("2026-12-15 23:59:59").unwrap().to_string(),
            "2026-12-15"
        );
        // Every other strictness stays: no other shape is a date.
        for bad in [
            "2026-12-15T08:00:00",
            "2026-12-15 08:00",
            "2026-12-15 25:00:00",
            "2026-12-15 08:00:00 trailing",
            "15/12/2026",
            "2026-12-15x",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
            assert!(
                decode_record::<Rec>(json!({"id": 1, "date": bad})).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn wrong_types_name_the_field_and_never_panic() {
        let e = decode_record::<Rec>(json!({"id": 1, "parent_id": "oops"})).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("field `parent_id`: "), "{msg}");
        assert!(msg.contains("record id \"oops\""), "{msg}");
        let e = decode_record::<Rec>(json!({"id": 1, "parent_id": {"x": 1}})).unwrap_err();
        assert!(e.to_string().contains("missing field `id`"), "{e}");
        let e = decode_record::<Rec>(json!({"id": 1, "date": "29/02/2024"})).unwrap_err();
        assert!(e.to_string().starts_with("field `date`: "), "{e}");
        let e =
            decode_records::<Rec>(vec![json!({"id": 1}), json!({"id": 9, "name": 3})]).unwrap_err();
        assert!(
            e.to_string().starts_with("record 1 (id 9): field `name`: "),
            "{e}"
        );
    }

    #[derive(Debug, PartialEq)]
    enum State {
        Draft,
        Unknown(String),
    }
    impl Selection for State {
        const VALUES: &'static [&'static str] = &["draft"];
        fn from_wire(v: &str) -> Self {
            match v {
                "draft" => State::Draft,
                other => State::Unknown(other.to_owned()),
            }
        }
        fn as_wire(&self) -> &str {
            match self {
                State::Draft => "draft",
                State::Unknown(s) => s,
            }
        }
    }
    impl<'de> Deserialize<'de> for State {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            crate::__private::deserialize_selection(d)
        }
    }

    #[test]
    fn selections_keep_unknown_values() {
        let s: Option<State> = nullable(json!("draft")).unwrap();
        assert_eq!(s, Some(State::Draft));
        let s: Option<State> = nullable(json!("cancel")).unwrap();
        assert_eq!(s, Some(State::Unknown("cancel".into())));
        let s: Option<State> = nullable(json!(false)).unwrap();
        assert_eq!(s, None);
        assert!(nullable::<_, State>(json!(3)).is_err());
        assert_eq!(State::Unknown("x".into()).to_wire(), json!("x"));
    }

    #[test]
    fn commands_encode_as_odoo_tuples() {
        let cmds: Vec<Command<Partner>> = vec![
            Command::create_untyped(Map::new()),
            Command::update_untyped(3, Map::new()),
            Command::delete(1),
            Command::unlink(2),
            Command::link(4),
            Command::clear(),
            Command::set([5, 6]),
        ];
        assert_eq!(
            cmds.to_wire(),
            json!([
                [0, 0, {}],
                [1, 3, {}],
                [2, 1, 0],
                [3, 2, 0],
                [4, 4, 0],
                [5, 0, 0],
                [6, 0, [5, 6]]
            ])
        );
    }

    #[test]
    fn values_are_sorted_and_none_is_false() {
        let mut v = Values::new();
        v.set("name", "Acme");
        v.set("date", NaiveDate::from_ymd_opt(2024, 1, 2).unwrap());
        v.set("email", None::<String>);
        v.clear("phone");
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"date":"2024-01-02","email":false,"name":"Acme","phone":false}"#
        );
    }
}
