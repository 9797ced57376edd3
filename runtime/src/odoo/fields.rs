//! Typed field handles for building domains: generated code gives each model
//! a `fields` module with one handle per field, e.g.
//! `res_partner::fields::name().ilike("acme") & res_partner::fields::is_company().eq(true)`.
//!
//! A handle only offers the operators that make sense for its field type, and
//! the value types that field takes. Every handle also has
//! [`FieldHandle::op`] as an escape hatch for operators not modelled here.
//! `M` is the model's record type: it makes `Update::clear(handle)` reject a
//! handle from another model.

use std::fmt;
use std::marker::PhantomData;

use serde_json::Value;

use crate::odoo::domain::Domain;
use crate::odoo::wire::{Selection, ToWire};

/// What every handle has: its model and wire name.
pub trait FieldHandle {
    type Model;
    /// The field's wire name.
    fn name(&self) -> &'static str;

    /// Any `(field, operator, value)` leaf, for operators without a typed method.
    fn op(&self, operator: &str, value: impl Into<Value>) -> Domain {
        Domain::leaf(self.name(), operator, value)
    }
    /// The field is set (`!= false`).
    fn is_set(&self) -> Domain {
        Domain::leaf(self.name(), "!=", false)
    }
    /// The field is empty (`= false`).
    fn is_not_set(&self) -> Domain {
        Domain::leaf(self.name(), "=", false)
    }
}

fn list<V: ToWire>(values: impl IntoIterator<Item = V>) -> Value {
    Value::Array(values.into_iter().map(|v| v.to_wire()).collect())
}

macro_rules! define {
    ($(#[$doc:meta])* $name:ident <M $(, $p:ident)*>) => {
        $(#[$doc])*
        pub struct $name<M $(, $p)*> {
            name: &'static str,
            marker: PhantomData<fn() -> (M, $($p,)*)>,
        }

        impl<M $(, $p)*> $name<M $(, $p)*> {
            /// A handle for the field with this wire name.
            pub const fn new(name: &'static str) -> Self {
                $name { name, marker: PhantomData }
            }
        }

        // Manual impls: derives would bound the marker parameters.
        impl<M $(, $p)*> Clone for $name<M $(, $p)*> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<M $(, $p)*> Copy for $name<M $(, $p)*> {}
        impl<M $(, $p)*> fmt::Debug for $name<M $(, $p)*> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.name)
            }
        }

        impl<M $(, $p)*> FieldHandle for $name<M $(, $p)*> {
            type Model = M;
            fn name(&self) -> &'static str {
                self.name
            }
        }
    };
}

define!(
    /// `char`, `text`, `html` (and large selections): equality, pattern matching, membership.
    CharField<M>
);
define!(
    /// `integer`, `float`, `monetary`: equality, ordering, membership. `T` is `i64` or `f64`.
    NumField<M, T>
);
define!(
    /// `boolean`.
    BoolField<M>
);
define!(
    /// `date` (`T = NaiveDate`) and `datetime` (`T = DateTime<Utc>`): equality and ordering,
    /// with the value sent in Odoo's format.
    DateField<M, T>
);
define!(
    /// `selection`: equality and membership over the field's enum `E`.
    SelectionField<M, E>
);
define!(
    /// `many2one` to `T`: by id, by hierarchy, or by the target's display name.
    Many2OneField<M, T>
);
define!(
    /// `one2many` / `many2many` to `T`: by contained ids, or emptiness.
    X2ManyField<M, T>
);
define!(
    /// `binary` (also images): never in list reads; one record's value is downloaded on demand
    /// with [`OdooClient::download`](crate::OdooClient::download), its size asked first with
    /// [`OdooClient::binary_size`](crate::OdooClient::binary_size).
    BinaryField<M>
);
define!(
    /// `reference`, `many2one_reference`, `json`, `properties`:
    /// only set / not set, plus [`FieldHandle::op`].
    AnyField<M>
);

/// A field a typed list read may ask for with `.with(handle)`: every kind but binary fields,
/// which are downloaded one record at a time ([`OdooClient::download`](crate::OdooClient::download)).
pub trait Readable: FieldHandle {}
impl<M> Readable for CharField<M> {}
impl<M, T> Readable for NumField<M, T> {}
impl<M> Readable for BoolField<M> {}
impl<M, T> Readable for DateField<M, T> {}
impl<M, E> Readable for SelectionField<M, E> {}
impl<M, T> Readable for Many2OneField<M, T> {}
impl<M, T> Readable for X2ManyField<M, T> {}
impl<M> Readable for AnyField<M> {}

impl<M> CharField<M> {
    pub fn eq(&self, value: impl Into<String>) -> Domain {
        Domain::leaf(self.name, "=", value.into())
    }
    pub fn ne(&self, value: impl Into<String>) -> Domain {
        Domain::leaf(self.name, "!=", value.into())
    }
    /// Case-sensitive substring match (`like`, the value is wrapped in `%`).
    pub fn like(&self, value: impl Into<String>) -> Domain {
        Domain::leaf(self.name, "like", value.into())
    }
    /// Case-insensitive substring match.
    pub fn ilike(&self, value: impl Into<String>) -> Domain {
        Domain::leaf(self.name, "ilike", value.into())
    }
    pub fn not_ilike(&self, value: impl Into<String>) -> Domain {
        Domain::leaf(self.name, "not ilike", value.into())
    }
    /// SQL `LIKE` pattern as given (`=like`: you write the `%`/`_`).
    pub fn like_pattern(&self, pattern: impl Into<String>) -> Domain {
        Domain::leaf(self.name, "=like", pattern.into())
    }
    /// Case-insensitive SQL pattern (`=ilike`).
    pub fn ilike_pattern(&self, pattern: impl Into<String>) -> Domain {
        Domain::leaf(self.name, "=ilike", pattern.into())
    }
    pub fn in_<S: Into<String>>(&self, values: impl IntoIterator<Item = S>) -> Domain {
        Domain::leaf(self.name, "in", list(values.into_iter().map(Into::into)))
    }
    pub fn not_in<S: Into<String>>(&self, values: impl IntoIterator<Item = S>) -> Domain {
        Domain::leaf(
            self.name,
            "not in",
            list(values.into_iter().map(Into::into)),
        )
    }
}

impl<M, T: ToWire> NumField<M, T> {
    pub fn eq(&self, value: T) -> Domain {
        Domain::leaf(self.name, "=", value.to_wire())
    }
    pub fn ne(&self, value: T) -> Domain {
        Domain::leaf(self.name, "!=", value.to_wire())
    }
    pub fn lt(&self, value: T) -> Domain {
        Domain::leaf(self.name, "<", value.to_wire())
    }
    pub fn le(&self, value: T) -> Domain {
        Domain::leaf(self.name, "<=", value.to_wire())
    }
    pub fn gt(&self, value: T) -> Domain {
        Domain::leaf(self.name, ">", value.to_wire())
    }
    pub fn ge(&self, value: T) -> Domain {
        Domain::leaf(self.name, ">=", value.to_wire())
    }
    pub fn in_(&self, values: impl IntoIterator<Item = T>) -> Domain {
        Domain::leaf(self.name, "in", list(values))
    }
    pub fn not_in(&self, values: impl IntoIterator<Item = T>) -> Domain {
        Domain::leaf(self.name, "not in", list(values))
    }
}

impl<M> BoolField<M> {
    pub fn eq(&self, value: bool) -> Domain {
        Domain::leaf(self.name, "=", value)
    }
    pub fn is_true(&self) -> Domain {
        self.eq(true)
    }
    pub fn is_false(&self) -> Domain {
        self.eq(false)
    }
}

impl<M, T: ToWire> DateField<M, T> {
    pub fn eq(&self, value: T) -> Domain {
        Domain::leaf(self.name, "=", value.to_wire())
    }
    pub fn ne(&self, value: T) -> Domain {
        Domain::leaf(self.name, "!=", value.to_wire())
    }
    pub fn lt(&self, value: T) -> Domain {
        Domain::leaf(self.name, "<", value.to_wire())
    }
    pub fn le(&self, value: T) -> Domain {
        Domain::leaf(self.name, "<=", value.to_wire())
    }
    pub fn gt(&self, value: T) -> Domain {
        Domain::leaf(self.name, ">", value.to_wire())
    }
    pub fn ge(&self, value: T) -> Domain {
        Domain::leaf(self.name, ">=", value.to_wire())
    }
}

impl<M, E: Selection> SelectionField<M, E> {
    pub fn eq(&self, value: E) -> Domain {
        Domain::leaf(self.name, "=", value.as_wire())
    }
    pub fn ne(&self, value: E) -> Domain {
        Domain::leaf(self.name, "!=", value.as_wire())
    }
    pub fn in_(&self, values: impl IntoIterator<Item = E>) -> Domain {
        Domain::leaf(self.name, "in", list(values))
    }
    pub fn not_in(&self, values: impl IntoIterator<Item = E>) -> Domain {
        Domain::leaf(self.name, "not in", list(values))
    }
}

impl<M, T> Many2OneField<M, T> {
    pub fn eq(&self, id: i64) -> Domain {
        Domain::leaf(self.name, "=", id)
    }
    pub fn ne(&self, id: i64) -> Domain {
        Domain::leaf(self.name, "!=", id)
    }
    pub fn in_(&self, ids: impl IntoIterator<Item = i64>) -> Domain {
        Domain::leaf(self.name, "in", list(ids))
    }
    pub fn not_in(&self, ids: impl IntoIterator<Item = i64>) -> Domain {
        Domain::leaf(self.name, "not in", list(ids))
    }
    /// The related record is `id` or one of its descendants.
    pub fn child_of(&self, id: i64) -> Domain {
        Domain::leaf(self.name, "child_of", id)
    }
    /// The related record is `id` or one of its ancestors.
    pub fn parent_of(&self, id: i64) -> Domain {
        Domain::leaf(self.name, "parent_of", id)
    }
    /// The related record's display name contains `name` (case-insensitive).
    pub fn name_ilike(&self, name: impl Into<String>) -> Domain {
        Domain::leaf(self.name, "ilike", name.into())
    }
}

impl<M, T> X2ManyField<M, T> {
    /// The field links the record `id`.
    pub fn contains(&self, id: i64) -> Domain {
        Domain::leaf(self.name, "in", vec![id])
    }
    /// The field links at least one of `ids`.
    pub fn contains_any(&self, ids: impl IntoIterator<Item = i64>) -> Domain {
        Domain::leaf(self.name, "in", list(ids))
    }
    /// The field links none of `ids`.
    pub fn contains_none(&self, ids: impl IntoIterator<Item = i64>) -> Domain {
        Domain::leaf(self.name, "not in", list(ids))
    }
    pub fn is_empty(&self) -> Domain {
        Domain::leaf(self.name, "=", false)
    }
    pub fn is_not_empty(&self) -> Domain {
        Domain::leaf(self.name, "!=", false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use serde_json::json;

    struct Partner;

    #[test]
    fn handles_build_prefix_domains() {
        const NAME: CharField<Partner> = CharField::new("name");
        const IS_COMPANY: BoolField<Partner> = BoolField::new("is_company");
        const CREDIT: NumField<Partner, f64> = NumField::new("credit_limit");
        const DATE: DateField<Partner, NaiveDate> = DateField::new("date");
        const PARENT: Many2OneField<Partner, Partner> = Many2OneField::new("parent_id");
        const TAGS: X2ManyField<Partner, ()> = X2ManyField::new("category_id");
        let d = NAME.ilike("acme") & IS_COMPANY.eq(true) | CREDIT.ge(10.0);
        assert_eq!(
            d.into_value(),
            json!([
                "|",
                "&",
                ["name", "ilike", "acme"],
                ["is_company", "=", true],
                ["credit_limit", ">=", 10.0]
            ])
        );
        let day = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(
            DATE.lt(day).into_value(),
            json!([["date", "<", "2024-03-01"]])
        );
        assert_eq!(
            PARENT.child_of(3).into_value(),
            json!([["parent_id", "child_of", 3]])
        );
        assert_eq!(
            TAGS.contains(5).into_value(),
            json!([["category_id", "in", [5]]])
        );
        assert_eq!(NAME.is_set().into_value(), json!([["name", "!=", false]]));
        assert_eq!(
            NAME.in_(["a", "b"]).into_value(),
            json!([["name", "in", ["a", "b"]]])
        );
        assert_eq!(
            NAME.op("=?", "x").into_value(),
            json!([["name", "=?", "x"]])
        );
    }
}
