//! Decoding generated record structs straight from the answer's JSON, in one pass.
//!
//! A generated struct's `Deserialize` is [`deserialize_record`]: it walks the record's JSON
//! object once, finds each key among the struct's sorted [`FromRecord::FIELDS`] (the next
//! expected name first, then a binary search), and hands the value to the struct's
//! [`FromRecord::from_record`], which is one `match` from field index to field. Values are
//! decoded without building a `serde_json::Value`: strings, numbers, many2one pairs, id lists
//! and dates go from the parser to the field.
//!
//! The generated code stays small and is compiled once: `from_record` is not generic over the
//! deserializer, it reads through `&mut dyn Source`, whose implementation (one per serde
//! `MapAccess` type) lives here. Per field, the generated code is one match arm calling
//! [`Record::value`] or [`Record::nullable`], generic only over the field's Rust type.
//!
//! Odoo's rules: `false` (and `null`, or a missing key) is `None` for nullable fields and the
//! type's default (`0`, `0.0`, `false`, no ids) for the others; a value of the wrong type is an
//! error naming the field (``field `partner_id`: ...``); keys the struct does not know are skipped.

use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, StrDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, Visitor};
use serde_json::Value;

use super::{AnyModel, Binary, Many2One, Reference, Selection, X2Many};

/// A decoding failure; the error itself is kept by the `Source` and returned by
/// [`deserialize_record`] in the deserializer's own error type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fail;

/// Implemented by generated record structs: build `Self` from the fields of one record.
pub trait FromRecord: Sized {
    /// The wire names this struct holds, sorted; `from_record` matches on their indices.
    const FIELDS: &'static [&'static str];

    /// Read every field [`Record::next`] yields into `Self` (absent ones keep their default).
    fn from_record(record: &mut Record<'_>) -> Result<Self, Fail>;
}

/// The body of a generated record's `Deserialize`.
pub fn deserialize_record<'de, D: Deserializer<'de>, R: FromRecord>(d: D) -> Result<R, D::Error> {
    d.deserialize_map(RecordVisitor(PhantomData))
}

struct RecordVisitor<R>(PhantomData<fn() -> R>);

impl<'de, R: FromRecord> Visitor<'de> for RecordVisitor<R> {
    type Value = R;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a record (a JSON object of field values)")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<R, A::Error> {
        let mut src = MapSource {
            map,
            error: None,
            field: "",
        };
        let mut record = Record {
            src: &mut src,
            fields: R::FIELDS,
            next: 0,
            seen_id: false,
        };
        debug_assert!(R::FIELDS.is_sorted(), "FromRecord::FIELDS must be sorted");
        let decoded = R::from_record(&mut record);
        let seen_id = record.seen_id;
        match decoded {
            Ok(r) if seen_id || R::FIELDS.binary_search(&"id").is_err() => Ok(r),
            Ok(_) => Err(de::Error::missing_field("id")),
            Err(Fail) => Err(src
                .error
                .take()
                .unwrap_or_else(|| de::Error::custom("the record could not be decoded"))),
        }
    }
}

/// The record being decoded, as generated `from_record` sees it.
pub struct Record<'a> {
    src: &'a mut dyn Source,
    fields: &'static [&'static str],
    next: usize,
    seen_id: bool,
}

impl Record<'_> {
    /// The index in [`FromRecord::FIELDS`] of the next key the struct knows (others are
    /// skipped), or `None` at the end of the record. Its value must be read next.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<usize>, Fail> {
        let found = self.src.next_field(self.fields, self.next)?;
        if let Some(i) = found {
            self.next = i + 1;
            if self.fields[i] == "id" {
                self.seen_id = true;
            }
        }
        Ok(found)
    }

    /// A field of a never-empty type (`bool`, numbers, x2many ids): `false`/`null` give the
    /// type's default.
    #[inline]
    pub fn value<T: Plain>(&mut self) -> Result<T, Fail> {
        T::decode(self.src)
    }

    /// A nullable field: `false`/`null` are `None`.
    #[inline]
    pub fn nullable<T: Nullable>(&mut self) -> Result<Option<T>, Fail> {
        T::decode(self.src)
    }

    /// A computed field of a never-empty type, present because the read asked for it.
    #[inline]
    pub fn computed<T: Plain>(&mut self) -> Result<super::Computed<T>, Fail> {
        T::decode(self.src).map(super::Computed::Read)
    }

    /// A nullable computed field, present because the read asked for it.
    #[inline]
    pub fn computed_nullable<T: Nullable>(&mut self) -> Result<super::Computed<Option<T>>, Fail> {
        T::decode(self.src).map(super::Computed::Read)
    }
}

/// A value read by [`Record::value`]; `false` is the type's default.
pub trait Plain: Sized {
    fn decode(src: &mut dyn Source) -> Result<Self, Fail>;
}

/// A value read by [`Record::nullable`]; `false` is `None`.
pub trait Nullable: Sized {
    fn decode(src: &mut dyn Source) -> Result<Option<Self>, Fail>;
}

/// One record's values, as read by the deserializer at hand (object-safe, so the generated
/// `from_record` is compiled once, not once per deserializer). Not for use outside generated code.
#[doc(hidden)]
pub trait Source {
    fn next_field(
        &mut self,
        fields: &'static [&'static str],
        hint: usize,
    ) -> Result<Option<usize>, Fail>;
    fn bool(&mut self) -> Result<bool, Fail>;
    fn int(&mut self) -> Result<Option<i64>, Fail>;
    fn float(&mut self) -> Result<f64, Fail>;
    fn string(&mut self) -> Result<Option<String>, Fail>;
    /// Call `f` with a string value (not for `false`).
    fn text(&mut self, f: &mut dyn FnMut(&str)) -> Result<(), Fail>;
    fn many2one(&mut self) -> Result<Option<Many2One<AnyModel>>, Fail>;
    fn ids(&mut self) -> Result<Vec<i64>, Fail>;
    fn date(&mut self) -> Result<Option<NaiveDate>, Fail>;
    fn datetime(&mut self) -> Result<Option<DateTime<Utc>>, Fail>;
    /// Any value, as JSON (`false` and `null` included).
    fn json(&mut self) -> Result<Value, Fail>;
    /// Report an error for the current field.
    fn fail(&mut self, message: &dyn fmt::Display) -> Fail;
}

// ---------------------------------------------------------------------------
// field types

impl Plain for bool {
    fn decode(src: &mut dyn Source) -> Result<Self, Fail> {
        src.bool()
    }
}
impl Plain for i64 {
    fn decode(src: &mut dyn Source) -> Result<Self, Fail> {
        Ok(src.int()?.unwrap_or_default())
    }
}
impl Plain for f64 {
    fn decode(src: &mut dyn Source) -> Result<Self, Fail> {
        src.float()
    }
}
impl<T> Plain for X2Many<T> {
    fn decode(src: &mut dyn Source) -> Result<Self, Fail> {
        src.ids().map(X2Many::new)
    }
}
impl Plain for Vec<i64> {
    fn decode(src: &mut dyn Source) -> Result<Self, Fail> {
        src.ids()
    }
}

impl Nullable for String {
    fn decode(src: &mut dyn Source) -> Result<Option<Self>, Fail> {
        src.string()
    }
}
impl Nullable for i64 {
    fn decode(src: &mut dyn Source) -> Result<Option<Self>, Fail> {
        src.int()
    }
}
impl Nullable for NaiveDate {
    fn decode(src: &mut dyn Source) -> Result<Option<Self>, Fail> {
        src.date()
    }
}
impl Nullable for DateTime<Utc> {
    fn decode(src: &mut dyn Source) -> Result<Option<Self>, Fail> {
        src.datetime()
    }
}
impl<T> Nullable for Many2One<T> {
    fn decode(src: &mut dyn Source) -> Result<Option<Self>, Fail> {
        Ok(src.many2one()?.map(Many2One::cast))
    }
}
impl<E: Selection> Nullable for E {
    fn decode(src: &mut dyn Source) -> Result<Option<Self>, Fail> {
        let mut out = None;
        src.text(&mut |s| out = Some(E::from_wire(s)))?;
        Ok(out)
    }
}
impl Nullable for Value {
    fn decode(src: &mut dyn Source) -> Result<Option<Self>, Fail> {
        match src.json()? {
            Value::Null | Value::Bool(false) => Ok(None),
            v => Ok(Some(v)),
        }
    }
}

/// Rare shapes (references, binaries) go through JSON and their serde impls.
fn via_json<T: DeserializeOwned>(src: &mut dyn Source) -> Result<Option<T>, Fail> {
    match src.json()? {
        Value::Null | Value::Bool(false) => Ok(None),
        v => serde_json::from_value(v)
            .map(Some)
            .map_err(|e| src.fail(&e)),
    }
}
impl Nullable for Reference {
    fn decode(src: &mut dyn Source) -> Result<Option<Self>, Fail> {
        via_json(src)
    }
}
impl Nullable for Binary {
    fn decode(src: &mut dyn Source) -> Result<Option<Self>, Fail> {
        via_json(src)
    }
}

// ---------------------------------------------------------------------------
// the source over any serde map

struct MapSource<'de, A: de::MapAccess<'de>> {
    map: A,
    error: Option<A::Error>,
    field: &'static str,
}

impl<'de, A: de::MapAccess<'de>> MapSource<'de, A> {
    #[inline]
    fn read<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Fail> {
        match self.map.next_value_seed(seed) {
            Ok(v) => Ok(v),
            Err(e) => {
                let field = self.field;
                Err(self.keep(de::Error::custom(format_args!("field `{field}`: {e}"))))
            }
        }
    }

    fn keep(&mut self, e: A::Error) -> Fail {
        self.error = Some(e);
        Fail
    }
}

impl<'de, A: de::MapAccess<'de>> Source for MapSource<'de, A> {
    fn next_field(
        &mut self,
        fields: &'static [&'static str],
        mut hint: usize,
    ) -> Result<Option<usize>, Fail> {
        loop {
            let key = self.map.next_key_seed(KeySeed { fields, hint });
            match key {
                Ok(None) => return Ok(None),
                Ok(Some(Some(i))) => {
                    self.field = fields[i];
                    return Ok(Some(i));
                }
                Ok(Some(None)) => {
                    if let Err(e) = self.map.next_value::<IgnoredAny>() {
                        return Err(self.keep(e));
                    }
                    // An unknown key does not move the expected position.
                    hint = hint.min(fields.len());
                }
                Err(e) => return Err(self.keep(e)),
            }
        }
    }

    fn bool(&mut self) -> Result<bool, Fail> {
        self.read(Scalar::<bool>(PhantomData))
    }
    fn int(&mut self) -> Result<Option<i64>, Fail> {
        self.read(Scalar::<Option<i64>>(PhantomData))
    }
    fn float(&mut self) -> Result<f64, Fail> {
        self.read(Scalar::<f64>(PhantomData))
    }
    fn string(&mut self) -> Result<Option<String>, Fail> {
        self.read(Scalar::<Option<String>>(PhantomData))
    }
    fn text(&mut self, f: &mut dyn FnMut(&str)) -> Result<(), Fail> {
        self.read(TextSeed(f))
    }
    fn many2one(&mut self) -> Result<Option<Many2One<AnyModel>>, Fail> {
        self.read(Many2OneSeed)
    }
    fn ids(&mut self) -> Result<Vec<i64>, Fail> {
        self.read(IdsSeed)
    }
    fn date(&mut self) -> Result<Option<NaiveDate>, Fail> {
        self.read(Scalar::<Option<NaiveDate>>(PhantomData))
    }
    fn datetime(&mut self) -> Result<Option<DateTime<Utc>>, Fail> {
        self.read(Scalar::<Option<DateTime<Utc>>>(PhantomData))
    }
    fn json(&mut self) -> Result<Value, Fail> {
        self.read(PhantomData::<Value>)
    }
    fn fail(&mut self, message: &dyn fmt::Display) -> Fail {
        let field = self.field;
        self.keep(de::Error::custom(format_args!(
            "field `{field}`: {message}"
        )))
    }
}

/// Finds a key among the sorted field names without allocating: the expected one first.
struct KeySeed {
    fields: &'static [&'static str],
    hint: usize,
}

impl KeySeed {
    #[inline]
    fn find(&self, key: &str) -> Option<usize> {
        match self.fields.get(self.hint) {
            Some(f) if *f == key => Some(self.hint),
            _ => self.fields.binary_search(&key).ok(),
        }
    }
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.find(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        Ok(std::str::from_utf8(v).ok().and_then(|s| self.find(s)))
    }
}

// ---------------------------------------------------------------------------
// scalar visitors: one per Rust type, `false`/`null` handled here

/// A scalar decoded by [`ScalarVisit`] (bool, numbers, strings, dates).
struct Scalar<T>(PhantomData<fn() -> T>);

trait ScalarVisit: Sized {
    const EXPECTING: &'static str;
    /// `false`, `null`.
    fn empty() -> Self;
    fn from_bool<E: de::Error>(v: bool) -> Result<Self, E> {
        Err(E::invalid_type(de::Unexpected::Bool(v), &Self::EXPECTING))
    }
    fn from_i64<E: de::Error>(v: i64) -> Result<Self, E> {
        Err(E::invalid_type(de::Unexpected::Signed(v), &Self::EXPECTING))
    }
    fn from_u64<E: de::Error>(v: u64) -> Result<Self, E> {
        Err(E::invalid_type(
            de::Unexpected::Unsigned(v),
            &Self::EXPECTING,
        ))
    }
    fn from_f64<E: de::Error>(v: f64) -> Result<Self, E> {
        Err(E::invalid_type(de::Unexpected::Float(v), &Self::EXPECTING))
    }
    fn from_str<E: de::Error>(v: &str) -> Result<Self, E> {
        Err(E::invalid_type(de::Unexpected::Str(v), &Self::EXPECTING))
    }
    fn from_string<E: de::Error>(v: String) -> Result<Self, E> {
        Self::from_str(&v)
    }
}

impl<'de, T: ScalarVisit> DeserializeSeed<'de> for Scalar<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: ScalarVisit> Visitor<'de> for Scalar<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        if v { T::from_bool(v) } else { Ok(T::empty()) }
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Ok(T::empty())
    }
    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Ok(T::empty())
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::from_i64(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::from_u64(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        T::from_f64(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        T::from_str(v)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        T::from_string(v)
    }
    fn visit_seq<S: de::SeqAccess<'de>>(self, _: S) -> Result<T, S::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
    }
    fn visit_map<M: de::MapAccess<'de>>(self, _: M) -> Result<T, M::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Map, &self))
    }
}

impl ScalarVisit for bool {
    const EXPECTING: &'static str = "a boolean";
    fn empty() -> Self {
        false
    }
    fn from_bool<E: de::Error>(v: bool) -> Result<Self, E> {
        Ok(v)
    }
}

fn int_of<E: de::Error>(v: u64) -> Result<i64, E> {
    i64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &"an i64"))
}

impl ScalarVisit for Option<i64> {
    const EXPECTING: &'static str = "an integer";
    fn empty() -> Self {
        None
    }
    fn from_i64<E: de::Error>(v: i64) -> Result<Self, E> {
        Ok(Some(v))
    }
    fn from_u64<E: de::Error>(v: u64) -> Result<Self, E> {
        int_of(v).map(Some)
    }
}

impl ScalarVisit for f64 {
    const EXPECTING: &'static str = "a number";
    fn empty() -> Self {
        0.0
    }
    fn from_i64<E: de::Error>(v: i64) -> Result<Self, E> {
        Ok(v as f64)
    }
    fn from_u64<E: de::Error>(v: u64) -> Result<Self, E> {
        Ok(v as f64)
    }
    fn from_f64<E: de::Error>(v: f64) -> Result<Self, E> {
        Ok(v)
    }
}

impl ScalarVisit for Option<String> {
    const EXPECTING: &'static str = "a string or false";
    fn empty() -> Self {
        None
    }
    fn from_str<E: de::Error>(v: &str) -> Result<Self, E> {
        Ok(Some(v.to_owned()))
    }
    fn from_string<E: de::Error>(v: String) -> Result<Self, E> {
        Ok(Some(v))
    }
}

impl ScalarVisit for Option<NaiveDate> {
    const EXPECTING: &'static str = "a date \"YYYY-MM-DD\" or false";
    fn empty() -> Self {
        None
    }
    fn from_str<E: de::Error>(v: &str) -> Result<Self, E> {
        fast_date(v.as_bytes())
            .or_else(|| super::parse_date(v))
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &Self::EXPECTING))
    }
}

impl ScalarVisit for Option<DateTime<Utc>> {
    const EXPECTING: &'static str = "a datetime \"YYYY-MM-DD HH:MM:SS\" or false";
    fn empty() -> Self {
        None
    }
    fn from_str<E: de::Error>(v: &str) -> Result<Self, E> {
        fast_datetime(v.as_bytes())
            .or_else(|| super::parse_datetime(v))
            .map(Some)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &Self::EXPECTING))
    }
}

/// `n` ASCII digits as a number.
#[inline]
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// Odoo's exact `YYYY-MM-DD` without chrono's format parser (other forms fall back to it).
#[inline]
fn fast_date(b: &[u8]) -> Option<NaiveDate> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(
        digits(&b[..4])? as i32,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    )
}

/// Odoo's exact `YYYY-MM-DD HH:MM:SS` (UTC).
#[inline]
fn fast_datetime(b: &[u8]) -> Option<DateTime<Utc>> {
    if b.len() != 19 || b[10] != b' ' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let date = fast_date(&b[..10])?;
    let time = NaiveTime::from_hms_opt(
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    )?;
    Some(NaiveDateTime::new(date, time).and_utc())
}

/// A string value handed to a callback (selection values); `false` calls nothing.
struct TextSeed<'f>(&'f mut dyn FnMut(&str));

impl<'de> DeserializeSeed<'de> for TextSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TextSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a selection value (string) or false")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        if v {
            Err(E::invalid_type(de::Unexpected::Bool(v), &self))
        } else {
            Ok(())
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        (self.0)(v);
        Ok(())
    }
}

/// A many2one: `[id, "name"]`, a bare id, or `false`; other shapes (a numeric string id,
/// `{"id", "display_name"}`) go to [`Many2One`]'s own `Deserialize`.
struct Many2OneSeed;

impl<'de> DeserializeSeed<'de> for Many2OneSeed {
    type Value = Option<Many2One<AnyModel>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Many2OneSeed {
    type Value = Option<Many2One<AnyModel>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a many2one: [id, \"name\"], an id, or false")
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
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Many2One::new(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        int_of(v).map(|id| Some(Many2One::new(id)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Many2One::deserialize(StrDeserializer::new(v)).map(Some)
    }
    fn visit_map<M: de::MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
        Many2One::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }
    fn visit_seq<S: de::SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        let id = seq
            .next_element_seed(Many2OneSeed)?
            .flatten()
            .ok_or_else(|| de::Error::invalid_length(0, &self))?
            .id;
        let name = seq.next_element_seed(NameSeed)?.flatten();
        // Anything after the name is ignored, as by `Many2One`'s own decoding.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        let mut m = Many2One::new(id);
        m.display_name = name;
        Ok(Some(m))
    }
}

/// The name in a many2one pair: a string; anything else is no name.
struct NameSeed;

impl<'de> DeserializeSeed<'de> for NameSeed {
    type Value = Option<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NameSeed {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a display name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<S: de::SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<M: de::MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// An x2many value: ids, `{"id": ..}` records (web_read), or `false`.
struct IdsSeed;

impl<'de> DeserializeSeed<'de> for IdsSeed {
    type Value = Vec<i64>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<i64>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for IdsSeed {
    type Value = Vec<i64>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of record ids")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Vec<i64>, E> {
        if v {
            Err(E::invalid_type(de::Unexpected::Bool(v), &self))
        } else {
            Ok(Vec::new())
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<Vec<i64>, E> {
        Ok(Vec::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<Vec<i64>, E> {
        Ok(Vec::new())
    }
    fn visit_seq<S: de::SeqAccess<'de>>(self, mut seq: S) -> Result<Vec<i64>, S::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(id) = seq.next_element_seed(IdSeed)? {
            out.push(id);
        }
        Ok(out)
    }
}

/// One id of an x2many list: a number or a `{"id": ..}` record.
struct IdSeed;

impl<'de> DeserializeSeed<'de> for IdSeed {
    type Value = i64;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<i64, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for IdSeed {
    type Value = i64;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a record id")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        int_of(v)
    }
    fn visit_map<M: de::MapAccess<'de>>(self, mut map: M) -> Result<i64, M::Error> {
        let mut id = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "id" {
                id = Some(map.next_value_seed(IdSeed)?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        id.ok_or_else(|| de::Error::missing_field("id"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    enum Partner {}

    #[derive(Debug, PartialEq, Eq, Clone)]
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

    /// What codegen emits, by hand.
    #[derive(Debug, Default)]
    struct Rec {
        active: bool,
        amount: f64,
        child_ids: X2Many<Partner>,
        color: i64,
        date: Option<NaiveDate>,
        id: i64,
        name: Option<String>,
        parent_id: Option<Many2One<Partner>>,
        properties: Option<Value>,
        ref_: Option<Reference>,
        res_id: Option<i64>,
        state: Option<State>,
        write_date: Option<DateTime<Utc>>,
    }

    impl FromRecord for Rec {
        const FIELDS: &'static [&'static str] = &[
            "active",
            "amount",
            "child_ids",
            "color",
            "date",
            "id",
            "name",
            "parent_id",
            "properties",
            "ref",
            "res_id",
            "state",
            "write_date",
        ];
        fn from_record(r: &mut Record<'_>) -> Result<Self, Fail> {
            let mut s = Rec::default();
            while let Some(i) = r.next()? {
                match i {
                    0 => s.active = r.value()?,
                    1 => s.amount = r.value()?,
                    2 => s.child_ids = r.value()?,
                    3 => s.color = r.value()?,
                    4 => s.date = r.nullable()?,
                    5 => s.id = r.value()?,
                    6 => s.name = r.nullable()?,
                    7 => s.parent_id = r.nullable()?,
                    8 => s.properties = r.nullable()?,
                    9 => s.ref_ = r.nullable()?,
                    10 => s.res_id = r.nullable()?,
                    11 => s.state = r.nullable()?,
                    _ => s.write_date = r.nullable()?,
                }
            }
            Ok(s)
        }
    }

    impl<'de> Deserialize<'de> for Rec {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_record(d)
        }
    }

    fn both(v: Value) -> Result<Rec, String> {
        // From text (the client's path) and from a Value (decode_record): same result.
        let text = serde_json::from_str::<Rec>(&v.to_string()).map_err(|e| e.to_string());
        let value = serde_json::from_value::<Rec>(v).map_err(|e| e.to_string());
        match (&text, &value) {
            (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}")),
            (Err(a), Err(b)) => assert!(
                a.starts_with(b.split(" at line").next().unwrap_or(b)),
                "{a} / {b}"
            ),
            _ => panic!("text and value disagree: {text:?} / {value:?}"),
        }
        text
    }

    #[test]
    fn wire_forms_decode() {
        let r = both(json!({
            "id": 7, "active": true, "amount": 3, "child_ids": [1, {"id": 2}], "color": 4,
            "date": "2024-02-29", "name": "Acme", "parent_id": [3, "Parent"],
            "properties": {"a": 1}, "ref": "res.partner,7", "res_id": 9, "state": "cancel",
            "write_date": "2024-02-29 13:45:01", "unknown_key": [1, {"x": "y"}]
        }))
        .unwrap();
        assert_eq!((r.id, r.active, r.amount, r.color), (7, true, 3.0, 4));
        assert_eq!(r.child_ids.ids(), [1, 2]);
        assert_eq!(r.date.unwrap().to_string(), "2024-02-29");
        assert_eq!(r.name.as_deref(), Some("Acme"));
        let p = r.parent_id.unwrap();
        assert_eq!((p.id, p.name()), (3, Some("Parent")));
        assert_eq!(r.properties, Some(json!({"a": 1})));
        assert_eq!(r.ref_, Some(Reference::new("res.partner", 7)));
        assert_eq!(r.res_id, Some(9));
        assert_eq!(r.state, Some(State::Unknown("cancel".into())));
        assert_eq!(
            super::super::format_datetime(&r.write_date.unwrap()),
            "2024-02-29 13:45:01"
        );
        // Other many2one and date shapes.
        let r =
            both(json!({"id": 1, "parent_id": 5, "write_date": "2024-02-29T13:45:01Z"})).unwrap();
        assert_eq!(r.parent_id.unwrap().id, 5);
        assert!(r.write_date.is_some());
        let r = both(json!({"id": 1, "parent_id": {"id": 5, "display_name": "X"}})).unwrap();
        assert_eq!(r.parent_id.unwrap().name(), Some("X"));
        let r = both(json!({"id": 1, "parent_id": ["12", "12"]})).unwrap();
        assert_eq!(r.parent_id.unwrap().id, 12);
    }

    #[test]
    fn false_null_and_absent_are_empty() {
        let r = both(json!({
            "id": 1, "active": false, "amount": false, "child_ids": false, "color": null,
            "date": false, "name": false, "parent_id": false, "properties": false, "ref": false,
            "res_id": false, "state": false, "write_date": null
        }))
        .unwrap();
        assert!(!r.active && r.amount == 0.0 && r.child_ids.is_empty() && r.color == 0);
        assert!(r.date.is_none() && r.name.is_none() && r.parent_id.is_none());
        assert!(r.properties.is_none() && r.ref_.is_none() && r.res_id.is_none());
        assert!(r.state.is_none() && r.write_date.is_none());
        let r = both(json!({"id": 2})).unwrap();
        assert_eq!(r.id, 2);
        assert!(r.name.is_none());
    }

    #[test]
    fn errors_name_the_field() {
        let e = both(json!({"id": 1, "parent_id": "oops"})).unwrap_err();
        assert!(e.starts_with("field `parent_id`: "), "{e}");
        let e = both(json!({"id": 1, "date": "29/02/2024"})).unwrap_err();
        assert!(e.starts_with("field `date`: "), "{e}");
        let e = both(json!({"id": 1, "name": 3})).unwrap_err();
        assert!(
            e.starts_with("field `name`: invalid type: integer `3`"),
            "{e}"
        );
        let e = both(json!({"id": 1, "color": 1.5})).unwrap_err();
        assert!(e.starts_with("field `color`: "), "{e}");
        let e = both(json!({"id": 1, "state": true})).unwrap_err();
        assert!(e.starts_with("field `state`: "), "{e}");
        let e = both(json!({"name": "x"})).unwrap_err();
        assert!(e.starts_with("missing field `id`"), "{e}");
        assert!(serde_json::from_str::<Rec>("[1]").is_err());
    }

    #[test]
    fn fast_dates_agree_with_chrono() {
        for s in [
            "2024-02-29",
            "1999-12-31",
            "2024-02-30",
            "2024-13-01",
            "20x4-01-01",
        ] {
            assert_eq!(fast_date(s.as_bytes()), super::super::parse_date(s), "{s}");
        }
        for s in [
            "2024-02-29 13:45:01",
            "2024-02-29 24:00:00",
            "2024-02-29 23:59:60",
            "2024-02-29 1:45:011",
        ] {
            let fast = fast_datetime(s.as_bytes());
            assert!(
                fast.is_none() || fast == super::super::parse_datetime(s),
                "{s}"
            );
        }
        assert!(fast_datetime(b"2024-02-29 13:45:01").is_some());
    }
}
