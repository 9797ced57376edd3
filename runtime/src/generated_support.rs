//! What codegen's generated bindings call and nothing else does: the one-pass record decoder,
//! the selection enums' serde bodies and the const helpers that let a model list each field
//! name once. Reached as `::runtime::__private`, so it stays out of the documented API.

use std::fmt;
use std::marker::PhantomData;

use serde::Serializer;
use serde::de::{self, Deserializer, Visitor};

use crate::odoo::wire::Selection;

pub use crate::odoo::wire::record::{
    Fail, FromRecord, Nullable, Plain, Record, deserialize_record,
};

/// The body of a generated selection enum's `Deserialize`.
pub fn deserialize_selection<'de, D: Deserializer<'de>, E: Selection>(d: D) -> Result<E, D::Error> {
    struct V<E>(PhantomData<E>);
    impl<'de, E: Selection> Visitor<'de> for V<E> {
        type Value = E;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a selection value (string)")
        }
        fn visit_str<Er: de::Error>(self, v: &str) -> Result<E, Er> {
            Ok(E::from_wire(v))
        }
    }
    d.deserialize_str(V(PhantomData))
}

/// The body of a generated selection enum's `Serialize`.
pub fn serialize_selection<S: Serializer, E: Selection>(
    value: &E,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(value.as_wire())
}

/// `a` and `b` (each sorted, as `str`'s `Ord` sorts) merged into one sorted list of `N`
/// names. A generated record's decoder list ([`FromRecord::FIELDS`]) is its default fields
/// (`Model::FIELDS`) merged with its computed ones (`Model::COMPUTED`), so that each name is
/// written once; a wrong `N` or an unsorted input fails the build (const evaluation).
pub const fn merge_sorted<const N: usize>(
    a: &[&'static str],
    b: &[&'static str],
) -> [&'static str; N] {
    assert!(
        a.len() + b.len() == N,
        "merge_sorted: N must be a.len() + b.len()"
    );
    let mut out = [""; N];
    let (mut i, mut j, mut k) = (0, 0, 0);
    while k < N {
        let take_a = j == b.len() || (i < a.len() && str_less(a[i], b[j]));
        out[k] = if take_a {
            i += 1;
            a[i - 1]
        } else {
            j += 1;
            b[j - 1]
        };
        assert!(
            k == 0 || str_less(out[k - 1], out[k]),
            "merge_sorted: unsorted input"
        );
        k += 1;
    }
    out
}

/// `a < b` by bytes, which is `str`'s order.
const fn str_less(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

// ---------------------------------------------------------------------------
// Per-field items, one line per field in the generated code. Each macro takes a list and
// expands every entry through one non-recursive repetition (no recursion limit to hit);
// a field whose Rust name is its wire name gives no wire name (`stringify!` makes it).

/// A field's wire name: the given literal, or the identifier itself.
#[doc(hidden)]
#[macro_export]
macro_rules! __erpbind_wire {
    ($name:ident) => {
        ::core::stringify!($name)
    };
    ($name:ident = $wire:literal) => {
        $wire
    };
}

/// A model's typed field handles (`pub mod fields`): for each `doc name: Kind<params>;`,
/// `pub const fn name() -> Kind<Model, params>`.
#[doc(hidden)]
#[macro_export]
macro_rules! __erpbind_field_handles {
    ($model:ty; $( $(#[$doc:meta])* $name:ident $(= $wire:literal)? : $kind:ident $(<$($param:ty),+>)? ;)*) => {
        $(
            $(#[$doc])*
            #[inline]
            pub const fn $name() -> $crate::odoo::fields::$kind<$model $($(, $param)+)?> {
                $crate::odoo::fields::$kind::new($crate::__erpbind_wire!($name $(= $wire)?))
            }
        )*
    };
}

/// The setters of a generated values type (inside its `impl<K> XValues<K>`): for each
/// `doc name: how Type;` a `pub fn name(mut self, name: ..) -> Self`. `how` is `into`
/// (takes `impl Into<Type>`), `value` (takes `Type`) or `commands` (takes x2many commands
/// on `Type`).
#[doc(hidden)]
#[macro_export]
macro_rules! __erpbind_setters {
    ($( $(#[$doc:meta])* $name:ident $(= $wire:literal)? : $how:ident $ty:ty ;)*) => {
        $(
            $crate::__erpbind_setter!($(#[$doc])* $how $name ($crate::__erpbind_wire!($name $(= $wire)?)) $ty);
        )*
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __erpbind_setter {
    ($(#[$doc:meta])* into $name:ident ($wire:expr) $ty:ty) => {
        $(#[$doc])*
        pub fn $name(mut self, $name: impl ::core::convert::Into<$ty>) -> Self {
            self.values.set($wire, ::core::convert::Into::<$ty>::into($name));
            self
        }
    };
    ($(#[$doc:meta])* value $name:ident ($wire:expr) $ty:ty) => {
        $(#[$doc])*
        pub fn $name(mut self, $name: $ty) -> Self {
            self.values.set($wire, $name);
            self
        }
    };
    ($(#[$doc:meta])* commands $name:ident ($wire:expr) $ty:ty) => {
        $(#[$doc])*
        pub fn $name(
            mut self,
            $name: impl ::core::iter::IntoIterator<Item = $crate::odoo::wire::Command<$ty>>,
        ) -> Self {
            self.values.set(
                $wire,
                ::core::iter::IntoIterator::into_iter($name).collect::<::std::vec::Vec<_>>(),
            );
            self
        }
    };
}

/// A selection enum: the variants (each `doc Variant = "wire",`), `Unknown(String)` for
/// values the binding does not know, `Selection` and serde in the wire's strings.
#[doc(hidden)]
#[macro_export]
macro_rules! __erpbind_selection {
    ($(#[$doc:meta])* pub enum $name:ident { $( $(#[$vdoc:meta])* $variant:ident = $wire:literal, )* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )*
            /// A value not known when this binding was generated.
            Unknown(::std::string::String),
        }

        impl $crate::odoo::wire::Selection for $name {
            const VALUES: &'static [&'static str] = &[ $( $wire ),* ];
            fn from_wire(value: &str) -> Self {
                match value {
                    $( $wire => $name::$variant, )*
                    other => $name::Unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
            fn as_wire(&self) -> &str {
                match self {
                    $( $name::$variant => $wire, )*
                    $name::Unknown(value) => value,
                }
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::__private::deserialize_selection(d)
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::__private::serialize_selection(self, s)
            }
        }
    };
}

pub use crate::{
    __erpbind_field_handles as field_handles, __erpbind_selection as selection,
    __erpbind_setters as setters,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_sorted_interleaves_two_sorted_lists() {
        const M: [&str; 5] = merge_sorted::<5>(&["a", "ab", "z"], &["aa", "b"]);
        assert_eq!(M, ["a", "aa", "ab", "b", "z"]);
        const E: [&str; 2] = merge_sorted::<2>(&[], &["x", "y"]);
        assert_eq!(E, ["x", "y"]);
        assert!(str_less("a", "b") && str_less("a", "aa") && !str_less("b", "a"));
        assert!(!str_less("a", "a"));
    }

    #[test]
    #[should_panic(expected = "unsorted")]
    fn merge_sorted_rejects_unsorted_input() {
        let _ = merge_sorted::<2>(&["b", "a"], &[]);
    }
}
