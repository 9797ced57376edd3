//! Nested reads: record types whose relational fields are records too.
//!
//! A [`Projection`] is a [`Model`] that also says how each relational field is
//! read: a many2one as its id and display name ([`Many2One`]), or as a record
//! of its own (`partner_id: Option<Ref<PartnerCard>>`); a one2many or many2many
//! as records (`order_line: Vec<LineSummary>`), optionally only the first
//! `limit` of them in a given `order`. `#[derive(Model)]` and the generated
//! models implement it; the client builds Odoo's `specification` from it
//! ([`specification`]), so that Odoo 17+ answers a whole tree in one
//! `web_search_read` / `web_read` call, and on Odoo 16 reads one level at a
//! time with all the ids of that level together.
//!
//! What comes back where a record was asked for is a [`Ref`]: the record, only
//! its id (an x2many entry beyond the field's `limit`), or a record the user may
//! not read ([`Ref::NoAccess`]).
//!
//! [`Many2One`]: crate::odoo::wire::Many2One

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::odoo::model::Model;

/// The display name Odoo (18+) puts in the placeholder of a related record
/// the user may not read, `{"id": 7, "display_name": "You don't have access
/// to this record"}` (in the user's language). Decoding never compares with
/// it: the placeholder is recognised by its shape (see [`Ref`]).
pub const NO_ACCESS_TEXT: &str = "You don't have access to this record";

/// How deep projections may nest: only a projection that contains itself
/// through a `Vec<T>` field reaches it.
pub const MAX_DEPTH: usize = 16;

/// A [`Model`] that says how its relational fields are read in a nested read.
///
/// Fields of [`Model::FIELDS`] without an entry in [`RELATIONS`](Self::RELATIONS)
/// are read as they are (`{}` in the specification).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a projection of an Odoo model",
    label = "nested reads need a record type here",
    note = "derive it: `#[derive(Model)] #[model(odoo = \"res.partner\")] struct PartnerCard {{ id: i64, .. }}`, \
            or use a generated model"
)]
pub trait Projection: Model {
    /// The relational fields read with a sub-specification.
    const RELATIONS: &'static [Relation];
}

/// One relational field of a [`Projection`] and how it is read.
#[derive(Clone, Copy, Debug)]
pub struct Relation {
    field: &'static str,
    kind: RelationKind,
}

/// How a relational field is read.
#[derive(Clone, Copy, Debug)]
pub enum RelationKind {
    /// A many2one read as [`Many2One`](crate::odoo::wire::Many2One): id and display
    /// name (`{"fields": {"display_name": {}}}`).
    DisplayName,
    /// A many2one (or many2one_reference / reference) read as a record:
    /// `{"fields": {...}}`.
    One(Target),
    /// A one2many or many2many read as records: `{"fields": {...}, "limit": n,
    /// "order": "..."}`. Entries beyond `limit` come back as ids only.
    Many {
        target: Target,
        limit: Option<u32>,
        order: Option<&'static str>,
    },
}

impl Relation {
    /// A many2one read with its display name.
    pub const fn display_name(field: &'static str) -> Self {
        Relation {
            field,
            kind: RelationKind::DisplayName,
        }
    }

    /// A many2one read as a record of `target`.
    pub const fn one(field: &'static str, target: Target) -> Self {
        Relation {
            field,
            kind: RelationKind::One(target),
        }
    }

    /// A one2many/many2many read as records of `target`, at most `limit` of them
    /// (the rest as ids), in `order` (default: the related model's order).
    pub const fn many(
        field: &'static str,
        target: Target,
        limit: Option<u32>,
        order: Option<&'static str>,
    ) -> Self {
        Relation {
            field,
            kind: RelationKind::Many {
                target,
                limit,
                order,
            },
        }
    }

    /// The field's wire name.
    pub fn field(&self) -> &'static str {
        self.field
    }

    pub fn kind(&self) -> &RelationKind {
        &self.kind
    }
}

/// The record type a relation is read into, as a function so that types may
/// refer to each other (and to themselves) without a cycle between constants.
#[derive(Clone, Copy)]
pub struct Target(fn() -> Shape);

impl Target {
    pub const fn of<P: Projection>() -> Target {
        Target(Shape::of::<P>)
    }

    pub fn shape(&self) -> Shape {
        (self.0)()
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({})", self.shape().model)
    }
}

/// A projection's shape, without its type: what the client walks to build the
/// specification, to read level by level, and to tidy the answer.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub model: &'static str,
    pub fields: &'static [&'static str],
    pub relations: &'static [Relation],
}

impl Shape {
    pub fn of<P: Projection>() -> Shape {
        Shape {
            model: P::MODEL,
            fields: P::FIELDS,
            relations: P::RELATIONS,
        }
    }

    /// The relations of fields this shape reads (an entry for a field missing
    /// from `fields` is ignored).
    pub fn relations(&self) -> impl Iterator<Item = &'static Relation> + use<> {
        let fields = self.fields;
        self.relations
            .iter()
            .filter(move |r| fields.contains(&r.field))
    }

    fn relation(&self, field: &str) -> Option<&'static Relation> {
        self.relations().find(|r| r.field == field)
    }

    /// The fields `read` is asked for (everything but `id`, which always comes).
    pub fn read_fields(&self) -> Vec<&'static str> {
        self.fields_in(&FieldFilter::ALL).collect()
    }

    /// The fields asked for (not `id`, which always comes) that `filter` keeps.
    pub(crate) fn fields_in<'f>(
        &self,
        filter: &'f FieldFilter,
    ) -> impl Iterator<Item = &'static str> + use<'f> {
        let model = self.model;
        self.fields
            .iter()
            .copied()
            .filter(move |f| *f != "id" && filter.keeps(model, f))
    }

    /// Every model a read of this shape reaches, with the union of the fields asked of each.
    pub(crate) fn models(&self) -> Result<BTreeMap<&'static str, BTreeSet<&'static str>>> {
        fn walk(
            shape: &Shape,
            depth: usize,
            seen: &mut HashSet<(&'static str, usize)>,
            out: &mut BTreeMap<&'static str, BTreeSet<&'static str>>,
        ) -> Result<()> {
            // A shape is its model and its field list; a self-referencing one is walked once.
            if !seen.insert((shape.model, shape.fields.as_ptr() as usize)) {
                return Ok(());
            }
            if depth > MAX_DEPTH {
                return Err(too_deep(shape.model));
            }
            out.entry(shape.model)
                .or_default()
                .extend(shape.fields.iter().copied());
            for rel in shape.relations() {
                match rel.kind {
                    RelationKind::DisplayName => {}
                    RelationKind::One(t) | RelationKind::Many { target: t, .. } => {
                        walk(&t.shape(), depth + 1, seen, out)?
                    }
                }
            }
            Ok(())
        }
        let mut out = BTreeMap::new();
        walk(self, 0, &mut HashSet::new(), &mut out)?;
        Ok(out)
    }

    /// Reads nothing but `id` and `display_name`: what a many2one's value already tells.
    pub fn name_only(&self) -> bool {
        self.fields
            .iter()
            .all(|f| *f == "id" || *f == "display_name")
    }
}

/// The fields a nested read may ask for, by model: every field, or (typed reads as a
/// least-privileged user) those the user may read, as the client decided them.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldFilter(Option<HashMap<String, HashSet<String>>>);

impl FieldFilter {
    /// Every field of every model.
    pub const ALL: FieldFilter = FieldFilter(None);

    /// Only `fields` of each model listed (a model not listed keeps every field).
    pub fn only(fields: HashMap<String, HashSet<String>>) -> FieldFilter {
        FieldFilter(Some(fields))
    }

    pub fn keeps(&self, model: &str, field: &str) -> bool {
        match &self.0 {
            None => true,
            Some(by_model) => by_model.get(model).is_none_or(|f| f.contains(field)),
        }
    }
}

fn too_deep(model: &str) -> Error {
    Error::config(format!(
        "the projection of {model} nests more than {MAX_DEPTH} levels deep: does a `Vec<T>` field \
         of it hold `T` itself?"
    ))
}

/// The `web_read` / `web_search_read` specification of `P` (Odoo 17+).
pub fn specification<P: Projection>() -> Result<Value> {
    spec_of(&Shape::of::<P>(), &FieldFilter::ALL, 0).map(Value::Object)
}

pub(crate) fn spec_of(
    shape: &Shape,
    filter: &FieldFilter,
    depth: usize,
) -> Result<Map<String, Value>> {
    if depth > MAX_DEPTH {
        return Err(too_deep(shape.model));
    }
    let mut out = Map::new();
    for field in shape.fields_in(filter) {
        let spec = match shape.relation(field).map(Relation::kind) {
            None => json!({}),
            Some(RelationKind::DisplayName) => display_name_spec(),
            Some(RelationKind::One(t)) => {
                json!({"fields": spec_of(&t.shape(), filter, depth + 1)?})
            }
            Some(RelationKind::Many {
                target,
                limit,
                order,
            }) => {
                let mut s = Map::new();
                s.insert(
                    "fields".into(),
                    Value::Object(spec_of(&target.shape(), filter, depth + 1)?),
                );
                if let Some(l) = limit {
                    s.insert("limit".into(), json!(l));
                }
                if let Some(o) = order {
                    s.insert("order".into(), json!(o));
                }
                Value::Object(s)
            }
        };
        out.insert(field.to_owned(), spec);
    }
    Ok(out)
}

fn display_name_spec() -> Value {
    json!({"fields": {"display_name": {}}})
}

/// The specification of one level only: relations read as records are left
/// for the next level (ids), except those whose record type reads no more
/// than the display name, which this level gives (as superuser, for a many2one).
pub(crate) fn flat_spec(shape: &Shape, filter: &FieldFilter) -> Map<String, Value> {
    let mut out = Map::new();
    for field in shape.fields_in(filter) {
        let spec = match shape.relation(field).map(Relation::kind) {
            None | Some(RelationKind::Many { .. }) => json!({}),
            Some(RelationKind::DisplayName) => display_name_spec(),
            Some(RelationKind::One(t)) if t.shape().name_only() => display_name_spec(),
            Some(RelationKind::One(_)) => json!({}),
        };
        out.insert(field.to_owned(), spec);
    }
    out
}

/// Make an answer independent of how it was read: x2many entries beyond the
/// field's `limit` become `{"id": n}` (Odoo sends a whole record there when
/// another record of the same answer had it within its limit), and many2one
/// pairs `[id, "name"]` become `{"id", "display_name"}`.
pub(crate) fn normalize(shape: &Shape, rows: &mut [Value], depth: usize) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(too_deep(shape.model));
    }
    for rel in shape.relations() {
        for row in rows.iter_mut() {
            let Some(value) = row.get_mut(rel.field) else {
                continue;
            };
            match rel.kind {
                RelationKind::DisplayName => {
                    if let Some((id, name)) = pair(value) {
                        *value = json!({"id": id, "display_name": name});
                    }
                }
                RelationKind::One(t) => {
                    if value.is_object() {
                        normalize(&t.shape(), std::slice::from_mut(value), depth + 1)?;
                    }
                }
                RelationKind::Many { target, limit, .. } => {
                    if let Value::Array(items) = value {
                        let limit = limit.map_or(usize::MAX, |l| l as usize);
                        for item in items.iter_mut().skip(limit) {
                            if let Some(id) = id_in(item) {
                                *item = json!({ "id": id });
                            }
                        }
                        let n = items.len().min(limit);
                        normalize(&target.shape(), &mut items[..n], depth + 1)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// `[id, "name"]` (a many2one as `read` sends it).
fn pair(v: &Value) -> Option<(i64, Value)> {
    match v.as_array()?.as_slice() {
        [id, name, ..] => Some((id.as_i64()?, name.clone())),
        _ => None,
    }
}

/// The record id in any of Odoo's forms: `7`, `"7"`, `[7, "name"]`,
/// `{"id": 7, ...}`, a reference's `{"id": {"id": 7, "model": ..}}` or
/// `"res.partner,7"`.
pub(crate) fn id_in(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let s = s.rsplit(',').next().unwrap_or(s);
            s.trim().parse().ok()
        }
        Value::Array(items) => items.first().and_then(id_in),
        Value::Object(o) => o.get("id").and_then(id_in),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Ref

/// A related record in a nested read.
///
/// Decoded from what Odoo sends where a sub-specification asked for a record:
///
/// | the server sent                                    | `Ref`                 |
/// |----------------------------------------------------|-----------------------|
/// | the record's fields                                | `Record(T)`           |
/// | `{"id": n}` only (an x2many entry beyond `limit`)  | `Id(n)`               |
/// | `{"id": n, "display_name": ".."}` when `T` reads more than that: the placeholder of a record the user may not read | `NoAccess { id: n }` |
///
/// A bare id (`7`, `[7, "name"]`) is `Id` too. A many2one that is empty is
/// `false`: hold it in an `Option<Ref<T>>`.
#[derive(Debug, Clone, PartialEq)]
pub enum Ref<T> {
    /// The related record, as read.
    Record(T),
    /// Only its id was sent: an x2many entry beyond the field's `limit`.
    Id(i64),
    /// The user may not read it; Odoo sent its id and a placeholder name.
    NoAccess { id: i64 },
}

impl<T: Model> Ref<T> {
    /// The related record's id, whatever was read of it.
    pub fn id(&self) -> i64 {
        match self {
            Ref::Record(r) => r.id(),
            Ref::Id(id) | Ref::NoAccess { id } => *id,
        }
    }
}

impl<T> Ref<T> {
    /// The record, if it was read.
    pub fn record(&self) -> Option<&T> {
        match self {
            Ref::Record(r) => Some(r),
            _ => None,
        }
    }

    pub fn into_record(self) -> Option<T> {
        match self {
            Ref::Record(r) => Some(r),
            _ => None,
        }
    }

    /// `true` for the placeholder of a record the user may not read.
    pub fn is_no_access(&self) -> bool {
        matches!(self, Ref::NoAccess { .. })
    }
}

impl<'de, T: Model> Deserialize<'de> for Ref<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        ref_from_value(v).map_err(de::Error::custom)
    }
}

fn ref_from_value<T: Model>(v: Value) -> std::result::Result<Ref<T>, String> {
    let map = match v {
        Value::Object(map) => map,
        Value::Bool(false) | Value::Null => {
            return Err(
                "the server sent `false` (no related record): declare the field \
                        `Option<Ref<_>>` to accept empty values"
                    .into(),
            );
        }
        other => {
            return id_in(&other)
                .map(Ref::Id)
                .ok_or_else(|| format!("expected a related record or its id, found {other}"));
        }
    };
    let id = map
        .get("id")
        .and_then(id_in)
        .ok_or("a related record without an `id`")?;
    let reads_more = |allowed: &[&str]| T::FIELDS.iter().any(|f| !allowed.contains(f));
    if map.len() == 1 && reads_more(&["id"]) {
        return Ok(Ref::Id(id));
    }
    if map.keys().all(|k| k == "id" || k == "display_name") && reads_more(&["id", "display_name"]) {
        return Ok(Ref::NoAccess { id });
    }
    let mut map = map;
    // A reference's id is `{"id": 7, "model": "res.partner"}`.
    if map.get("id").is_some_and(Value::is_object) {
        map.insert("id".into(), json!(id));
    }
    crate::odoo::wire::decode_record::<T>(Value::Object(map))
        .map(Ref::Record)
        .map_err(|e| e.to_string())
}

/// Records of a `Vec<T>` projection: entries that were not read (ids only,
/// no access) are left out.
pub(crate) fn records_of<T: Model>(refs: Vec<Ref<T>>) -> Vec<T> {
    refs.into_iter().filter_map(Ref::into_record).collect()
}

/// Ids that occur in `values`, each once, in order of first appearance.
pub(crate) fn unique_ids<'a>(values: impl IntoIterator<Item = &'a Value>) -> Vec<i64> {
    let mut seen = HashSet::new();
    values
        .into_iter()
        .filter_map(id_in)
        .filter(|id| seen.insert(*id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odoo::wire::Many2One;

    #[derive(Debug, Clone, PartialEq, Deserialize)]
    struct Card {
        id: i64,
        display_name: String,
        #[serde(default, deserialize_with = "crate::odoo::wire::nullable")]
        email: Option<String>,
    }
    impl Model for Card {
        const MODEL: &'static str = "res.partner";
        const FIELDS: &'static [&'static str] = &["id", "display_name", "email"];
        fn id(&self) -> i64 {
            self.id
        }
    }
    impl Projection for Card {
        const RELATIONS: &'static [Relation] = &[];
    }

    #[derive(Debug, Clone, PartialEq, Deserialize)]
    struct Line {
        id: i64,
        #[serde(default, deserialize_with = "crate::odoo::wire::nullable")]
        product_id: Option<Many2One<Card>>,
    }
    impl Model for Line {
        const MODEL: &'static str = "sale.order.line";
        const FIELDS: &'static [&'static str] = &["id", "product_id"];
        fn id(&self) -> i64 {
            self.id
        }
    }
    impl Projection for Line {
        const RELATIONS: &'static [Relation] = &[Relation::display_name("product_id")];
    }

    #[derive(Debug, Clone, PartialEq, Deserialize)]
    struct Order {
        id: i64,
        #[serde(default, deserialize_with = "crate::odoo::wire::nullable")]
        partner_id: Option<Ref<Card>>,
        order_line: Vec<Ref<Line>>,
    }
    impl Model for Order {
        const MODEL: &'static str = "sale.order";
        const FIELDS: &'static [&'static str] = &["id", "name", "partner_id", "order_line"];
        fn id(&self) -> i64 {
            self.id
        }
    }
    impl Projection for Order {
        const RELATIONS: &'static [Relation] = &[
            Relation::one("partner_id", Target::of::<Card>()),
            Relation::many(
                "order_line",
                Target::of::<Line>(),
                Some(2),
                Some("sequence, id"),
            ),
            // not in FIELDS: ignored
            Relation::display_name("user_id"),
        ];
    }

    #[test]
    fn specification_follows_the_types() {
        assert_eq!(
            specification::<Order>().unwrap(),
            json!({
                "name": {},
                "partner_id": {"fields": {"display_name": {}, "email": {}}},
                "order_line": {
                    "fields": {"product_id": {"fields": {"display_name": {}}}},
                    "limit": 2,
                    "order": "sequence, id"
                }
            })
        );
        assert_eq!(
            Value::Object(flat_spec(&Shape::of::<Order>(), &FieldFilter::ALL)),
            json!({
                "name": {},
                // read on the next level (`Card` reads more than the display name)
                "partner_id": {},
                "order_line": {}
            })
        );
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Tree {
        id: i64,
        child_ids: Vec<Ref<Tree>>,
    }
    impl Model for Tree {
        const MODEL: &'static str = "res.partner";
        const FIELDS: &'static [&'static str] = &["id", "child_ids"];
        fn id(&self) -> i64 {
            self.id
        }
    }
    impl Projection for Tree {
        const RELATIONS: &'static [Relation] = &[Relation::many(
            "child_ids",
            Target::of::<Tree>(),
            None,
            None,
        )];
    }

    #[test]
    fn a_projection_that_contains_itself_is_an_error_not_a_stack_overflow() {
        let e = specification::<Tree>().unwrap_err();
        assert!(e.to_string().contains("nests more than 16 levels"), "{e}");
    }

    #[test]
    fn refs_decode_records_ids_and_the_no_access_placeholder() {
        let r: Ref<Card> =
            serde_json::from_value(json!({"id": 3, "display_name": "Acme", "email": false}))
                .unwrap();
        assert_eq!(r.record().unwrap().display_name, "Acme");
        assert_eq!(r.id(), 3);
        let r: Ref<Card> = serde_json::from_value(json!({"id": 4})).unwrap();
        assert_eq!(r, Ref::Id(4));
        let r: Ref<Card> =
            serde_json::from_value(json!({"id": 5, "display_name": NO_ACCESS_TEXT})).unwrap();
        assert_eq!(r, Ref::NoAccess { id: 5 });
        assert!(r.is_no_access());
        // the placeholder in another language is still recognised by its shape
        let r: Ref<Card> =
            serde_json::from_value(json!({"id": 5, "display_name": "Vous n'avez pas accès"}))
                .unwrap();
        assert_eq!(r, Ref::NoAccess { id: 5 });
        // a reference field's id
        let r: Ref<Card> = serde_json::from_value(json!({
            "id": {"id": 6, "model": "res.partner"}, "display_name": "X", "email": "x@y"
        }))
        .unwrap();
        assert_eq!(r.id(), 6);
        let r: Ref<Card> = serde_json::from_value(json!([7, "Acme"])).unwrap();
        assert_eq!(r, Ref::Id(7));
        let e = serde_json::from_value::<Ref<Card>>(json!(false)).unwrap_err();
        assert!(e.to_string().contains("Option<Ref<_>>"), "{e}");
        let e =
            serde_json::from_value::<Ref<Card>>(json!({"id": 8, "display_name": 3, "email": 1}))
                .unwrap_err();
        assert!(e.to_string().contains("display_name"), "{e}");
    }

    #[test]
    fn normalize_cuts_x2many_at_the_limit_and_turns_pairs_into_objects() {
        let mut rows = vec![json!({
            "id": 1,
            "partner_id": {"id": 3, "display_name": "A", "email": false},
            "order_line": [
                {"id": 10, "product_id": [5, "Desk"]},
                {"id": 11, "product_id": false},
                {"id": 12, "product_id": [6, "Lamp"]},
                13
            ]
        })];
        normalize(&Shape::of::<Order>(), &mut rows, 0).unwrap();
        assert_eq!(
            rows[0]["order_line"],
            json!([
                {"id": 10, "product_id": {"id": 5, "display_name": "Desk"}},
                {"id": 11, "product_id": false},
                {"id": 12},
                {"id": 13}
            ])
        );
        let o: Order = serde_json::from_value(rows.remove(0)).unwrap();
        assert_eq!(o.order_line.len(), 4);
        assert_eq!(o.order_line[2], Ref::Id(12));
        assert_eq!(
            o.order_line[0].record().unwrap().product_id,
            Some(Many2One::with_name(5, "Desk"))
        );
        assert_eq!(records_of(o.order_line).len(), 2);
    }

    #[test]
    fn ids_in_every_form() {
        for v in [
            json!(7),
            json!("7"),
            json!([7, "x"]),
            json!({"id": 7}),
            json!({"id": {"id": 7, "model": "m"}}),
            json!("res.partner,7"),
        ] {
            assert_eq!(id_in(&v), Some(7), "{v}");
        }
        assert_eq!(id_in(&json!(false)), None);
        assert_eq!(
            unique_ids(&[json!(2), json!([1, "a"]), json!(2)]),
            vec![2, 1]
        );
    }
}
