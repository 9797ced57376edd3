//! What `#[derive(Model)]` expands to calls into (and, in `generated_support.rs`, what
//! codegen's generated bindings call): not a public API.
//!
//! The derive emits a small map visitor per struct and routes every field
//! through the generic traits here, so the per-field generated code is one
//! line and the wire rules live in one place:
//!
//! * [`FromOdoo`] decodes one field's wire value: `false` is `None` for an
//!   `Option<T>`, and a clear error naming the fix for any other type;
//!   dates use Odoo's formats; many2one pairs become [`Many2One`].
//! * [`ToOdoo`] encodes one field for `create`/`write`: `None` is `false`,
//!   a many2one is its id, an x2many is `[[6, 0, ids]]` (replace the links).
//! * [`field`] wraps a field's decoding so every error starts with
//!   ``field `wire_name`: ``.
//!
//! Reached as `::runtime::__private` (re-exporting serde and serde_json too),
//! so crates that derive `Model` need no serde dependency of their own.

use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::odoo::model::Model;
use crate::odoo::projection::{self, Projection, Ref};
use crate::odoo::wire::{self, AnyModel, Binary, Many2One, Reference, Selection, X2Many};

pub use serde;
pub use serde_json;

// What codegen's generated bindings call, next to what the derive calls: one hidden module.
#[path = "generated_support.rs"]
mod generated_support;
pub use generated_support::*;

/// A Rust type a derived model's field can have, and how it decodes Odoo's value.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot hold an Odoo field value",
    label = "unsupported field type",
    note = "supported: String, i64, i32, f64, f32, bool, chrono::NaiveDate, chrono::DateTime<Utc>, \
            chrono::NaiveDateTime, Many2One<T>, X2Many<T>, Vec<i64>, Reference, Binary, \
            serde_json::Value, a selection enum (runtime::odoo::wire::Selection), and Option<_> of these; \
            related records: Ref<T> and Vec<T> / Vec<Ref<T>> of a projection T"
)]
pub trait FromOdoo: Sized {
    /// Decode the field's wire value.
    fn from_odoo<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;

    /// The value when the record has no such key, if the type has one
    /// (`None` for `Option`); otherwise a missing field is an error.
    fn absent() -> Option<Self> {
        None
    }
}

/// How a field is sent in `create`/`write` values.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as an Odoo field value",
    label = "unsupported field type",
    note = "mark the field `#[model(readonly)]` (or the struct `#[model(readonly)]`) to never write it"
)]
pub trait ToOdoo {
    fn to_odoo<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
}

/// A field value that serializes in Odoo's form.
pub struct Wire<'a, T: ?Sized>(pub &'a T);

impl<T: ToOdoo + ?Sized> Serialize for Wire<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.to_odoo(s)
    }
}

// ---------------------------------------------------------------------------
// decoding one field, with its name in errors

/// Seed for `next_value_seed`: decodes `T` and prefixes errors with the field's wire name.
pub struct Field<T> {
    name: &'static str,
    marker: PhantomData<fn() -> T>,
}

/// The seed for the field `name`.
pub fn field<T: FromOdoo>(name: &'static str) -> Field<T> {
    Field {
        name,
        marker: PhantomData,
    }
}

impl<'de, T: FromOdoo> DeserializeSeed<'de> for Field<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::from_odoo(d).map_err(|e| {
            let msg = e.to_string();
            // `wire::decode_record` may already have said which field.
            let prefix = format!("field `{}`: ", self.name);
            if msg.starts_with(&prefix) {
                e
            } else {
                de::Error::custom(format!("{prefix}{msg}"))
            }
        })
    }
}

/// One field's state while a record is decoded. Created by [`slot`], the
/// only place generated code names the field type with a `FromOdoo` bound,
/// so an unsupported type is one error at the user's field.
pub struct Slot<'de, T, A: de::MapAccess<'de>> {
    value: Option<T>,
    decode: fn(&mut A, &'static str) -> Result<T, A::Error>,
    absent: fn() -> Option<T>,
}

/// The slot for a field of type `T`, read from a map `A`.
pub fn slot<'de, T: FromOdoo, A: de::MapAccess<'de>>() -> Slot<'de, T, A> {
    fn decode<'de, T: FromOdoo, A: de::MapAccess<'de>>(
        map: &mut A,
        name: &'static str,
    ) -> Result<T, A::Error> {
        map.next_value_seed(field::<T>(name))
    }
    Slot {
        value: None,
        decode: decode::<T, A>,
        absent: T::absent,
    }
}

impl<'de, T, A: de::MapAccess<'de>> Slot<'de, T, A> {
    /// Decode the map's current value into this field.
    pub fn read(&mut self, map: &mut A, name: &'static str) -> Result<(), A::Error> {
        if self.value.is_some() {
            return Err(de::Error::custom(format_args!(
                "field `{name}`: given twice in one record"
            )));
        }
        self.value = Some((self.decode)(map, name)?);
        Ok(())
    }

    /// The value, once the whole record was read.
    pub fn finish(self, name: &'static str) -> Result<T, A::Error> {
        match self.value {
            Some(v) => Ok(v),
            None => (self.absent)().ok_or_else(|| {
                de::Error::custom(format_args!(
                    "field `{name}`: missing from the record (was it in the fields asked for?)"
                ))
            }),
        }
    }
}

/// Write one create/write value in Odoo's form.
pub fn serialize_entry<T: ToOdoo + ?Sized, M: SerializeMap>(
    map: &mut M,
    name: &'static str,
    value: &T,
) -> Result<(), M::Error> {
    map.serialize_entry(name, &Wire(value))
}

/// `a == b` in a constant: the derive checks at compile time that a
/// `#[model(table = "sot")]` field holds rows of `sot` (`str` has no const `==`).
pub const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

fn empty<E: de::Error>(rust_type: &str) -> E {
    E::custom(format_args!(
        "the server sent `false` (empty) but the field is `{rust_type}`: \
         declare it `Option<{rust_type}>` to accept empty values"
    ))
}

// ---------------------------------------------------------------------------
// one visitor that forwards whatever it sees to a `FromOdoo` type

/// Forwards every wire value to `T`'s `Deserialize`, except `false`/`null`,
/// which are an error naming `Option<T>` as the fix. The `&str` is the Rust
/// type as the user wrote it, for that message.
struct Strict<T>(&'static str, PhantomData<fn() -> T>);

macro_rules! forward_visits {
    ($call:path) => {
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            $call(v.into_deserializer())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            $call(v.into_deserializer())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            $call(v.into_deserializer())
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            $call(de::value::StrDeserializer::<E>::new(v))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            $call(de::value::StringDeserializer::<E>::new(v))
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            $call(SeqAccessDeserializer::new(seq))
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            $call(MapAccessDeserializer::new(map))
        }
    };
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Strict<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a value for a `{}` field", self.0)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        if v {
            T::deserialize(v.into_deserializer())
        } else {
            Err(empty(self.0))
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Err(empty(self.0))
    }
    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Err(empty(self.0))
    }
    forward_visits!(T::deserialize);
}

struct NullableVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: FromOdoo> Visitor<'de> for NullableVisitor<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or false")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            T::from_odoo(v.into_deserializer()).map(Some)
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
        d.deserialize_any(self)
    }
    forward_visits!(some::<T, _>);
}

fn some<'de, T: FromOdoo, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::from_odoo(d).map(Some)
}

fn strict<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
    rust_type: &'static str,
) -> Result<T, D::Error> {
    d.deserialize_any(Strict::<T>(rust_type, PhantomData))
}

// ---------------------------------------------------------------------------
// FromOdoo impls

impl<T: FromOdoo> FromOdoo for Option<T> {
    fn from_odoo<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NullableVisitor(PhantomData))
    }
    fn absent() -> Option<Self> {
        Some(None)
    }
}

macro_rules! strict_via_serde {
    ($($t:ty => $name:literal),* $(,)?) => {$(
        impl FromOdoo for $t {
            fn from_odoo<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                strict(d, $name)
            }
        }
    )*};
}

strict_via_serde!(
    String => "String",
    i64 => "i64",
    i32 => "i32",
    f64 => "f64",
    f32 => "f32",
    Reference => "Reference",
    Binary => "Binary",
);

impl<T> FromOdoo for Many2One<T> {
    fn from_odoo<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        strict(d, "Many2One<_>")
    }
}

impl FromOdoo for bool {
    fn from_odoo<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        bool::deserialize(d)
    }
}

impl<T> FromOdoo for X2Many<T> {
    fn from_odoo<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        X2Many::deserialize(d)
    }
}

impl FromOdoo for Vec<i64> {
    fn from_odoo<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        X2Many::<AnyModel>::deserialize(d).map(|x| x.ids)
    }
}

/// A relation read as a record (`{"fields": ...}` in the specification).
impl<T: Model> FromOdoo for Ref<T> {
    fn from_odoo<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ref::deserialize(d)
    }
}

/// A one2many/many2many read as records: the entries read in full (those
/// beyond the field's `limit` come back as ids only and are left out).
impl<T: Projection> FromOdoo for Vec<T> {
    fn from_odoo<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <Vec<Ref<T>>>::from_odoo(d).map(projection::records_of)
    }
}

/// A one2many/many2many read as records, keeping the entries not read
/// (`Ref::Id` beyond the field's `limit`).
impl<T: Model> FromOdoo for Vec<Ref<T>> {
    fn from_odoo<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            // some computed x2many fields read as `false` when empty
            Value::Bool(false) | Value::Null => Ok(Vec::new()),
            v => Vec::<Ref<T>>::deserialize(v).map_err(de::Error::custom),
        }
    }
}

impl FromOdoo for Value {
    fn from_odoo<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d)
    }
}

impl FromOdoo for NaiveDate {
    fn from_odoo<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        wire::nullable_date(d)?.ok_or_else(|| empty("NaiveDate"))
    }
}

impl FromOdoo for DateTime<Utc> {
    fn from_odoo<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        wire::nullable_datetime(d)?.ok_or_else(|| empty("DateTime<Utc>"))
    }
}

impl FromOdoo for NaiveDateTime {
    fn from_odoo<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        wire::nullable_datetime(d)?
            .map(|t| t.naive_utc())
            .ok_or_else(|| empty("NaiveDateTime"))
    }
}

impl<E: Selection> FromOdoo for E {
    fn from_odoo<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<E>(PhantomData<E>);
        impl<'de, E: Selection> Visitor<'de> for V<E> {
            type Value = E;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a selection value (string)")
            }
            fn visit_bool<Er: de::Error>(self, v: bool) -> Result<E, Er> {
                if v {
                    Err(Er::invalid_type(de::Unexpected::Bool(v), &self))
                } else {
                    Err(empty(
                        std::any::type_name::<E>()
                            .rsplit("::")
                            .next()
                            .unwrap_or("_"),
                    ))
                }
            }
            fn visit_str<Er: de::Error>(self, v: &str) -> Result<E, Er> {
                Ok(E::from_wire(v))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

// ---------------------------------------------------------------------------
// ToOdoo impls

impl<T: ToOdoo> ToOdoo for Option<T> {
    /// `None` is Odoo's `false`: empty the field.
    fn to_odoo<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(v) => v.to_odoo(s),
            None => s.serialize_bool(false),
        }
    }
}

macro_rules! to_odoo_via_serde {
    ($($t:ty),*) => {$(
        impl ToOdoo for $t {
            fn to_odoo<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.serialize(s)
            }
        }
    )*};
}

to_odoo_via_serde!(String, i64, i32, f64, f32, bool, Reference, Binary, Value);

impl<T> ToOdoo for Many2One<T> {
    fn to_odoo<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.id)
    }
}

/// `[[6, 0, ids]]`: make the links exactly these ids.
fn set_links<S: Serializer>(ids: &[i64], s: S) -> Result<S::Ok, S::Error> {
    struct SetCommand<'a>(&'a [i64]);
    impl Serialize for SetCommand<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            (6, 0, self.0).serialize(s)
        }
    }
    let mut seq = s.serialize_seq(Some(1))?;
    seq.serialize_element(&SetCommand(ids))?;
    seq.end()
}

impl<T> ToOdoo for X2Many<T> {
    fn to_odoo<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        set_links(&self.ids, s)
    }
}

impl ToOdoo for Vec<i64> {
    fn to_odoo<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        set_links(self, s)
    }
}

impl ToOdoo for NaiveDate {
    fn to_odoo<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&wire::format_date(self))
    }
}

impl ToOdoo for DateTime<Utc> {
    fn to_odoo<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&wire::format_datetime(self))
    }
}

impl ToOdoo for NaiveDateTime {
    fn to_odoo<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&wire::format_datetime(&self.and_utc()))
    }
}

impl<E: Selection> ToOdoo for E {
    fn to_odoo<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_wire())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dec<T: FromOdoo>(v: Value) -> Result<T, String> {
        field::<T>("f").deserialize(v).map_err(|e| e.to_string())
    }

    fn enc<T: ToOdoo>(v: &T) -> Value {
        serde_json::to_value(Wire(v)).unwrap()
    }

    #[test]
    fn false_is_none_for_options_and_an_error_otherwise() {
        assert_eq!(dec::<Option<String>>(json!(false)), Ok(None));
        assert_eq!(dec::<Option<String>>(json!("x")), Ok(Some("x".into())));
        assert_eq!(
            dec::<String>(json!(false)).unwrap_err(),
            "field `f`: the server sent `false` (empty) but the field is `String`: \
             declare it `Option<String>` to accept empty values"
        );
        assert!(
            dec::<Many2One<AnyModel>>(json!(false))
                .unwrap_err()
                .contains("Option<Many2One<_>>")
        );
        assert!(
            dec::<NaiveDate>(json!(false))
                .unwrap_err()
                .contains("Option<NaiveDate>")
        );
        assert_eq!(dec::<bool>(json!(false)), Ok(false));
        assert_eq!(dec::<Vec<i64>>(json!(false)), Ok(vec![]));
        assert_eq!(<Option<i64>>::absent(), Some(None));
        assert_eq!(<i64>::absent(), None);
    }

    #[test]
    fn wire_forms_decode() {
        let m = dec::<Option<Many2One<AnyModel>>>(json!([7, "Acme"]))
            .unwrap()
            .unwrap();
        assert_eq!((m.id, m.name()), (7, Some("Acme")));
        let d = dec::<Option<NaiveDate>>(json!("2024-02-29"))
            .unwrap()
            .unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        let t = dec::<DateTime<Utc>>(json!("2024-02-29 13:45:01")).unwrap();
        assert_eq!(wire::format_datetime(&t), "2024-02-29 13:45:01");
        let n = dec::<Option<NaiveDateTime>>(json!("2024-02-29 13:45:01"))
            .unwrap()
            .unwrap();
        assert_eq!(n, t.naive_utc());
        assert_eq!(dec::<f64>(json!(3)), Ok(3.0));
        assert_eq!(dec::<i32>(json!(-4)), Ok(-4));
        assert!(
            dec::<i32>(json!(1_i64 << 40))
                .unwrap_err()
                .starts_with("field `f`: ")
        );
        assert_eq!(dec::<Vec<i64>>(json!([1, 2])), Ok(vec![1, 2]));
        let e = dec::<i64>(json!("x")).unwrap_err();
        assert!(e.starts_with("field `f`: invalid type: string"), "{e}");
    }

    #[test]
    fn values_encode_for_create_and_write() {
        assert_eq!(enc(&None::<String>), json!(false));
        assert_eq!(enc(&Some(Many2One::<AnyModel>::new(3))), json!(3));
        assert_eq!(enc(&vec![1_i64, 2]), json!([[6, 0, [1, 2]]]));
        assert_eq!(enc(&X2Many::<AnyModel>::new(vec![])), json!([[6, 0, []]]));
        let d = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
        assert_eq!(enc(&d), json!("2024-01-02"));
        assert_eq!(
            enc(&d.and_hms_opt(3, 4, 5).unwrap()),
            json!("2024-01-02 03:04:05")
        );
        assert_eq!(
            enc(&Reference::new("res.partner", 7)),
            json!("res.partner,7")
        );
    }
}
