//! The field facts a comparison needs, readable from a snapshot's field and from a raw
//! `fields_get` entry alike (a snapshot keeps fields_get's keys).

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::format::Header;

/// The type of a field known only by name (a `#[derive(Model)]` projection's column).
pub const UNKNOWN_TYPE: &str = "unknown";

/// What a drift comparison knows of one field. Deserialized from a snapshot field or a raw
/// `fields_get` entry: unexpected shapes of a key read as "not said", never as an error, and
/// flags Odoo 16 sends as `1` or as text read as Python truth.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "RawField")]
pub struct FieldFacts {
    /// The Odoo field type (`char`, `many2one`, ...), or [`UNKNOWN_TYPE`].
    pub ttype: String,
    /// The comodel of a relational field (and of a `reference` to a fixed list, if any).
    pub relation: Option<String>,
    pub required: bool,
    pub readonly: bool,
    /// Computed or related: the server fills it, so creating a record never needs it.
    pub computed: bool,
    /// Whether a write is kept (see [`FieldFacts::writable_when`]); `None` when whoever
    /// described the field did not say.
    pub writable: Option<bool>,
    /// The selection's string keys in the server's order (`None`: not a selection, or
    /// nothing known). Integer and `false` keys are left out: no binding names them.
    pub selection: Option<Vec<String>>,
    /// Restricted to groups: hidden from `fields_get` for a user outside them.
    pub restricted: bool,
    /// One of Odoo ≤18's reified `res.users` group fields (`in_group_7`), which exist in
    /// `fields_get` only: not a field of any binding, never compared.
    pub reified: bool,
}

impl FieldFacts {
    /// A field of type `ttype` that is nothing else (not relational, required, ...).
    pub fn new(ttype: impl Into<String>) -> FieldFacts {
        FieldFacts {
            ttype: ttype.into(),
            ..FieldFacts::default()
        }
    }

    /// A field known to exist, nothing more: only its existence is compared.
    pub fn exists() -> FieldFacts {
        FieldFacts::new(UNKNOWN_TYPE)
    }

    /// Odoo keeps a write to a field that is not readonly, or that is stored and neither
    /// computed nor related (an `inverse` or a plain stored readonly field).
    pub fn writable_when(readonly: bool, store: Option<bool>, computed: bool) -> bool {
        !readonly || (store == Some(true) && !computed)
    }

    /// Computed (it depends on other fields) or related: the server fills it, so creating a
    /// record never needs it.
    pub fn computed_when(related: bool, depends_on: usize) -> bool {
        related || depends_on > 0
    }

    /// Newly required in a way that breaks creates made without it: required, and neither
    /// readonly nor filled by the server.
    pub fn required_on_create(&self) -> bool {
        self.required && !self.readonly && !self.computed
    }
}

/// One model of a snapshot, as far as drift and the derive's checks need it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ModelFacts {
    /// The defining module, when known (a snapshot says it; `fields_get` does not).
    #[serde(default)]
    pub module: Option<String>,
    /// Fields by wire name.
    #[serde(default)]
    pub fields: BTreeMap<String, FieldFacts>,
    /// What one user's `fields_get` shows (verify's NEW): fields restricted to groups the
    /// user lacks are left out, so their absence is not drift. A snapshot (as an
    /// administrator fetches it) lists them all.
    #[serde(default)]
    pub one_users_view: bool,
}

/// An Odoo snapshot read for its field facts only; serde skips every other key, so reading
/// is cheap even for a multi-megabyte snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct OdooFacts {
    #[serde(default)]
    pub format: Option<u32>,
    #[serde(default)]
    pub erp: Option<String>,
    /// Server series, e.g. `"18.0"`.
    #[serde(default)]
    pub version: String,
    pub models: BTreeMap<String, ModelFacts>,
}

impl OdooFacts {
    pub fn header(&self) -> Header {
        Header {
            format: self.format,
            erp: self.erp.clone(),
        }
    }
}

/// The keys read, each leniently.
#[derive(Deserialize)]
struct RawField {
    #[serde(rename = "type", default)]
    ttype: Lenient<String>,
    #[serde(default)]
    relation: Lenient<String>,
    #[serde(default)]
    required: Truthy,
    #[serde(default)]
    readonly: Truthy,
    #[serde(default)]
    related: Lenient<String>,
    #[serde(default)]
    depends: Lenient<Vec<IgnoredAny>>,
    #[serde(default)]
    store: Lenient<bool>,
    #[serde(default)]
    selection: Lenient<Vec<Lenient<(String, IgnoredAny)>>>,
    #[serde(default)]
    groups: Lenient<String>,
    #[serde(default)]
    reified: Truthy,
}

impl From<RawField> for FieldFacts {
    fn from(raw: RawField) -> FieldFacts {
        let depends_on = raw.depends.0.as_ref().map_or(0, Vec::len);
        let computed = FieldFacts::computed_when(raw.related.0.is_some(), depends_on);
        let readonly = raw.readonly.0;
        FieldFacts {
            ttype: raw.ttype.0.unwrap_or_else(|| UNKNOWN_TYPE.to_owned()),
            relation: raw.relation.0,
            required: raw.required.0,
            readonly,
            computed,
            writable: Some(FieldFacts::writable_when(readonly, raw.store.0, computed)),
            selection: raw
                .selection
                .0
                .map(|pairs| pairs.into_iter().filter_map(|p| Some(p.0?.0)).collect()),
            restricted: raw.groups.0.is_some_and(|g| !g.trim().is_empty()),
            reified: raw.reified.0,
        }
    }
}

/// A value of the expected shape, or nothing (any other shape is skipped, not an error).
struct Lenient<T>(Option<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Shape<T> {
            Expected(T),
            Other(IgnoredAny),
        }
        Ok(match Shape::deserialize(d)? {
            Shape::Expected(v) => Lenient(Some(v)),
            Shape::Other(_) => Lenient(None),
        })
    }
}

/// A flag as `fields_get` sends it, read with Python truthiness: `true`, a non-zero number
/// (Odoo 16 sends `1`), a non-empty string (`readonly="True"` written by a module), a
/// non-empty list or object; `null` is false.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Truthy(pub bool);

impl<'de> Deserialize<'de> for Truthy {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Truthy;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Truthy, E> {
                Ok(Truthy(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Truthy, E> {
                Ok(Truthy(v != 0))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Truthy, E> {
                Ok(Truthy(v != 0))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Truthy, E> {
                Ok(Truthy(v != 0.0))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Truthy, E> {
                Ok(Truthy(!v.is_empty()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Truthy, E> {
                Ok(Truthy(false))
            }
            fn visit_none<E: de::Error>(self) -> Result<Truthy, E> {
                Ok(Truthy(false))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Truthy, D::Error> {
                Truthy::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Truthy, A::Error> {
                let mut any = false;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    any = true;
                }
                Ok(Truthy(any))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Truthy, A::Error> {
                let mut any = false;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {
                    any = true;
                }
                Ok(Truthy(any))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts(v: serde_json::Value) -> FieldFacts {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn reads_fields_get_and_snapshot_fields_leniently() {
        let f = facts(json!({
            "name": "state", "type": "selection", "required": 1, "readonly": "True",
            "selection": [["draft", "Draft"], [3, "Three"], "junk", ["done", "Done"]],
            "groups": "base.group_user", "depends": ["x"], "store": true, "help": false
        }));
        assert_eq!(f.ttype, "selection");
        assert!(f.required && f.readonly && f.computed && f.restricted);
        assert_eq!(f.writable, Some(false));
        assert_eq!(
            f.selection.as_deref(),
            Some(&["draft".into(), "done".into()][..])
        );
        let odd = facts(json!({"type": 7, "relation": false, "required": null, "depends": "x"}));
        assert_eq!(odd.ttype, UNKNOWN_TYPE);
        assert_eq!(odd.relation, None);
        assert!(!odd.required && !odd.computed);
        assert_eq!(odd.writable, Some(true));
        let stored = facts(json!({"type": "char", "readonly": true, "store": true}));
        assert_eq!(stored.writable, Some(true));
        let reified = facts(json!({"type": "boolean", "reified": true}));
        assert!(reified.reified);
    }

    #[test]
    fn reads_a_snapshot_for_its_facts() {
        let s: OdooFacts = serde_json::from_value(json!({
            "format": 2, "erp": "odoo", "version": "18.0",
            "models": {"res.partner": {"module": "base", "description": "Contact",
                "fields": {"name": {"type": "char", "string": "Name"}},
                "methods": {"x": {}}}}
        }))
        .unwrap();
        assert_eq!(s.header().erp(), "odoo");
        let m = &s.models["res.partner"];
        assert_eq!(m.module.as_deref(), Some("base"));
        assert_eq!(
            m.fields["name"],
            FieldFacts {
                writable: Some(true),
                ..FieldFacts::new("char")
            }
        );
    }
}
