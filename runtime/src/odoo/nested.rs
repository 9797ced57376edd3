//! Nested reads on the Odoo client: [`Client::search_nested`] and
//! [`Client::read_nested`] (see [`crate::odoo::projection`] for the types).
//!
//! How the records are fetched depends on the server ([`Strategy`]):
//!
//! * Odoo 17+: one `web_search_read` (or `web_read`) call whose
//!   `specification` is built from the projection, whatever its depth.
//! * Odoo 16, which has no specifications: `web_search_read(domain, fields)`
//!   (or `read`) for the top records, then one `read` per relation with the
//!   ids of all records of that level together (never one call per record),
//!   plus one `search` for an x2many read in a given `order`. The levels are
//!   merged into the answer Odoo 17 would have sent, so the typed result is
//!   the same.
//!
//! A related record the user may not read: Odoo 18+ sends a placeholder for
//! `reference` fields, and raises `AccessError` for the whole call for a
//! many2one whose fields (other than `display_name`, which it reads as
//! superuser) the user may not read. With [`Strategy::Auto`] such a call is
//! read again level by level, where the records of a level that the user may
//! not read are found with one `search` (record rules apply to it) and come
//! back as [`Ref::NoAccess`](crate::odoo::projection::Ref::NoAccess), on every version.

use std::collections::{HashMap, HashSet};
use std::future::IntoFuture;
use std::marker::PhantomData;

use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, Stream};
use serde_json::{Map, Value, json};

use super::client::{CallSpec, Client};
use super::context::Context;
use super::mode::{Async, Blocking, BlockingIter, Exec};
use super::request::stable_order;
use crate::error::{Error, ErrorKind, Result};
use crate::odoo::domain::Domain;
use crate::odoo::projection::{
    FieldFilter, MAX_DEPTH, NO_ACCESS_TEXT, Projection, RelationKind, Shape, flat_spec, id_in,
    normalize, spec_of, unique_ids,
};

/// Records of a search and how many records match in all (Odoo's `length`;
/// with `.limit(n)`, the count of the whole result set).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResult<P> {
    pub length: u64,
    pub records: Vec<P>,
}

/// How a nested read is fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// One call on Odoo 17+; level by level on Odoo 16, and after an
    /// `AccessError` (to mark the related records the user may not read).
    #[default]
    Auto,
    /// One `web_search_read`/`web_read` call with a specification (Odoo 17+
    /// only; an error on 16). An `AccessError` is returned as is.
    Nested,
    /// Level by level, one `read` per relation, on any version.
    Batched,
}

/// Runs the calls of one nested read.
#[derive(Clone)]
struct Reader<'a, X> {
    client: &'a Client<X>,
    context: Option<Context>,
    /// The fields of each model asked for: those the user may read (set by `narrow`).
    filter: FieldFilter,
    narrowed: bool,
}

fn kwargs(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

fn decode_error(e: serde_json::Error, what: String, model: &str, method: &str) -> Error {
    Error::decode(e, what).with_target(model, method)
}

impl<X: Exec> Reader<'_, X> {
    /// Decide, once per read, which fields of each model of `shape` to ask for: the client's
    /// one field-list decision ([`Client::readable_fields`]) for every model reached.
    async fn narrow(&mut self, shape: &Shape) -> Result<()> {
        if std::mem::replace(&mut self.narrowed, true) || self.client.access_cache().is_none() {
            return Ok(());
        }
        // Model after model, on the client's one connection (see `readable_fields`).
        let mut kept = HashMap::new();
        for (model, fields) in shape.models()? {
            let fields: Vec<String> = fields.into_iter().map(str::to_owned).collect();
            let readable = self.client.readable_fields(model, &fields).await?;
            kept.insert(
                model.to_owned(),
                readable.into_iter().collect::<HashSet<_>>(),
            );
        }
        self.filter = FieldFilter::only(kept);
        Ok(())
    }

    async fn call(
        &self,
        model: &str,
        method: &str,
        args: Vec<Value>,
        kwargs: Map<String, Value>,
        context: Option<Context>,
    ) -> Result<Value> {
        let mut spec = CallSpec::new(model, method, args);
        spec.kwargs = kwargs;
        spec.context = match (&self.context, context) {
            (Some(base), Some(over)) => Some(base.merged(&over)),
            (base, over) => over.or_else(|| base.clone()),
        };
        self.client.run(spec).await
    }

    fn nested(&self, strategy: Strategy) -> Result<bool> {
        let v = self.client.server_version();
        let can = v.major >= 17;
        match strategy {
            Strategy::Nested if !can => Err(Error::config(format!(
                "Strategy::Nested needs Odoo 17 or later (web_search_read with a specification); \
                 the server runs {}: use Strategy::Auto or Strategy::Batched",
                v.serie
            ))),
            Strategy::Batched => Ok(false),
            _ => Ok(can),
        }
    }

    /// `web_search_read`: `(length, records)`.
    async fn search(
        &self,
        shape: &Shape,
        domain: &Domain,
        page: Page<'_>,
        strategy: Strategy,
    ) -> Result<(u64, Vec<Value>)> {
        if self.nested(strategy)? {
            let spec = spec_of(shape, &self.filter, 0)?;
            match self.web_search_read(shape, domain, page, spec).await {
                Err(e) if e.kind() == ErrorKind::Access && strategy == Strategy::Auto => {
                    tracing::debug!(model = shape.model, error = %e, "nested read refused; reading level by level");
                }
                other => return other,
            }
        }
        let (length, mut rows) = if self.client.server_version().major >= 17 {
            self.web_search_read(shape, domain, page, flat_spec(shape, &self.filter))
                .await?
        } else {
            // 16.0: web_search_read(domain, fields, offset, limit, order, count_limit)
            let kw = kwargs(vec![
                ("domain", domain.clone().into_value()),
                (
                    "fields",
                    json!(shape.fields_in(&self.filter).collect::<Vec<_>>()),
                ),
                (
                    "offset",
                    page.offset
                        .filter(|o| *o > 0)
                        .map_or(Value::Null, Value::from),
                ),
                ("limit", page.limit.map_or(Value::Null, Value::from)),
                ("order", page.order.map_or(Value::Null, Value::from)),
            ]);
            let v = self
                .call(shape.model, "web_search_read", vec![], kw, None)
                .await?;
            length_and_records(v, shape.model)?
        };
        self.fill(shape, &mut rows, 1).await?;
        Ok((length, rows))
    }

    async fn web_search_read(
        &self,
        shape: &Shape,
        domain: &Domain,
        page: Page<'_>,
        spec: Map<String, Value>,
    ) -> Result<(u64, Vec<Value>)> {
        let kw = kwargs(vec![
            ("domain", domain.clone().into_value()),
            ("specification", Value::Object(spec)),
            (
                "offset",
                page.offset
                    .filter(|o| *o > 0)
                    .map_or(Value::Null, Value::from),
            ),
            ("limit", page.limit.map_or(Value::Null, Value::from)),
            ("order", page.order.map_or(Value::Null, Value::from)),
        ]);
        let v = self
            .call(shape.model, "web_search_read", vec![], kw, None)
            .await?;
        length_and_records(v, shape.model)
    }

    /// `web_read` (17+) or `read` (16) of `ids`, nested.
    async fn read(&self, shape: &Shape, ids: &[i64], strategy: Strategy) -> Result<Vec<Value>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        if self.nested(strategy)? {
            let spec = spec_of(shape, &self.filter, 0)?;
            match self.web_read(shape, ids, spec).await {
                Err(e) if e.kind() == ErrorKind::Access && strategy == Strategy::Auto => {
                    tracing::debug!(model = shape.model, error = %e, "nested read refused; reading level by level");
                }
                other => return other,
            }
        }
        let mut rows = if self.client.server_version().major >= 17 {
            self.web_read(shape, ids, flat_spec(shape, &self.filter))
                .await?
        } else {
            self.plain_read(shape, ids).await?
        };
        self.fill(shape, &mut rows, 1).await?;
        Ok(rows)
    }

    async fn web_read(
        &self,
        shape: &Shape,
        ids: &[i64],
        spec: Map<String, Value>,
    ) -> Result<Vec<Value>> {
        let kw = kwargs(vec![("specification", Value::Object(spec))]);
        let v = self
            .call(shape.model, "web_read", vec![json!(ids)], kw, None)
            .await?;
        records(v, shape.model, "web_read")
    }

    async fn plain_read(&self, shape: &Shape, ids: &[i64]) -> Result<Vec<Value>> {
        let fields: Vec<&str> = shape.fields_in(&self.filter).collect();
        let kw = kwargs(vec![("fields", json!(fields))]);
        let v = self
            .call(shape.model, "read", vec![json!(ids)], kw, None)
            .await?;
        records(v, shape.model, "read")
    }

    /// The ids among `ids` that `search` finds (record rules apply; archived
    /// records included), in `order` if given.
    async fn search_ids(&self, model: &str, ids: &[i64], order: Option<&str>) -> Result<Vec<i64>> {
        let kw = kwargs(vec![("order", order.map_or(Value::Null, Value::from))]);
        let domain = Domain::leaf("id", "in", json!(ids)).into_value();
        let ctx = Context::new().active_test(false);
        let v = self
            .call(model, "search", vec![domain], kw, Some(ctx))
            .await?;
        serde_json::from_value(v)
            .map_err(|e| decode_error(e, "expected a list of ids".into(), model, "search"))
    }

    /// `read` of one level; the ids the user may not read are returned apart
    /// instead of failing the whole read.
    async fn read_level(&self, shape: &Shape, ids: &[i64]) -> Result<(Vec<Value>, HashSet<i64>)> {
        match self.plain_read(shape, ids).await {
            Ok(rows) => Ok((rows, HashSet::new())),
            Err(e) if e.kind() == ErrorKind::Access => {
                let readable = match self.search_ids(shape.model, ids, None).await {
                    Ok(r) => r,
                    // not even the model may be read
                    Err(e) if e.kind() == ErrorKind::Access => Vec::new(),
                    Err(e) => return Err(e),
                };
                let readable_set: HashSet<i64> = readable.iter().copied().collect();
                let denied = ids
                    .iter()
                    .copied()
                    .filter(|id| !readable_set.contains(id))
                    .collect();
                let rows = if readable.is_empty() {
                    Vec::new()
                } else {
                    self.plain_read(shape, &readable).await?
                };
                Ok((rows, denied))
            }
            Err(e) => Err(e),
        }
    }

    /// Replace the ids of every relation read as records by the records, one
    /// level (one `read` per relation) at a time.
    fn fill<'s>(
        &'s self,
        shape: &'s Shape,
        rows: &'s mut [Value],
        depth: usize,
    ) -> BoxFuture<'s, Result<()>> {
        Box::pin(async move {
            if rows.is_empty() {
                return Ok(());
            }
            if depth > MAX_DEPTH {
                return Err(Error::config(format!(
                    "the projection of {} nests more than {MAX_DEPTH} levels deep",
                    shape.model
                )));
            }
            for rel in shape.relations() {
                let field = rel.field();
                match *rel.kind() {
                    RelationKind::DisplayName => {}
                    RelationKind::One(target) => {
                        let sub_shape = target.shape();
                        let ids = unique_ids(rows.iter().filter_map(|r| r.get(field)));
                        if ids.is_empty() {
                            continue;
                        }
                        // the display names the parent's read gave (as superuser)
                        let names: HashMap<i64, Value> = rows
                            .iter()
                            .filter_map(|r| r.get(field))
                            .filter_map(|v| Some((id_in(v)?, display_name_in(v)?)))
                            .collect();
                        let name_only = sub_shape.name_only();
                        if name_only && ids.iter().all(|id| names.contains_key(id)) {
                            // this level already told all there is to read
                            for row in rows.iter_mut() {
                                if let Some(slot) = row.get_mut(field)
                                    && let Some(id) = id_in(slot)
                                {
                                    *slot = json!({"id": id, "display_name": names[&id]});
                                }
                            }
                            continue;
                        }
                        let (mut sub, denied) = self.read_level(&sub_shape, &ids).await?;
                        self.fill(&sub_shape, &mut sub, depth + 1).await?;
                        let by_id = index(sub);
                        for row in rows.iter_mut() {
                            let Some(slot) = row.get_mut(field) else {
                                continue;
                            };
                            let Some(id) = id_in(slot) else {
                                *slot = Value::Bool(false);
                                continue;
                            };
                            *slot = match by_id.get(&id) {
                                Some(rec) => rec.clone(),
                                None if denied.contains(&id) => {
                                    let name = match names.get(&id) {
                                        Some(n) if name_only => n.clone(),
                                        _ => json!(NO_ACCESS_TEXT),
                                    };
                                    json!({"id": id, "display_name": name})
                                }
                                None => json!({ "id": id }),
                            };
                        }
                    }
                    RelationKind::Many {
                        target,
                        limit,
                        order,
                    } => {
                        let sub_shape = target.shape();
                        let mut lists: Vec<Vec<i64>> = rows
                            .iter()
                            .map(|r| match r.get(field) {
                                Some(Value::Array(items)) => {
                                    items.iter().filter_map(id_in).collect()
                                }
                                _ => Vec::new(),
                            })
                            .collect();
                        let all = dedup(lists.iter().flatten().copied());
                        if let (Some(order), false) = (order, all.is_empty()) {
                            let ordered =
                                self.search_ids(sub_shape.model, &all, Some(order)).await?;
                            let pos: HashMap<i64, usize> =
                                ordered.iter().enumerate().map(|(i, id)| (*id, i)).collect();
                            for list in &mut lists {
                                list.retain(|id| pos.contains_key(id));
                                list.sort_by_key(|id| pos[id]);
                            }
                        }
                        let limit = limit.map_or(usize::MAX, |l| l as usize);
                        let to_read =
                            dedup(lists.iter().flat_map(|l| l.iter().take(limit)).copied());
                        let (mut sub, denied) = if to_read.is_empty() {
                            (Vec::new(), HashSet::new())
                        } else {
                            self.read_level(&sub_shape, &to_read).await?
                        };
                        self.fill(&sub_shape, &mut sub, depth + 1).await?;
                        let by_id = index(sub);
                        for (row, list) in rows.iter_mut().zip(lists) {
                            let Some(obj) = row.as_object_mut() else {
                                continue;
                            };
                            // Odoo 18+ leaves the records the user may not read out of an x2many.
                            let items = list
                                .into_iter()
                                .filter(|id| !denied.contains(id))
                                .enumerate()
                                .map(|(i, id)| match by_id.get(&id) {
                                    Some(rec) if i < limit => rec.clone(),
                                    _ => json!({ "id": id }),
                                })
                                .collect();
                            obj.insert(field.to_owned(), Value::Array(items));
                        }
                    }
                }
            }
            Ok(())
        })
    }
}

/// Each id once, in order of first appearance.
fn dedup(ids: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut seen = HashSet::new();
    ids.filter(|id| seen.insert(*id)).collect()
}

fn display_name_in(v: &Value) -> Option<Value> {
    match v {
        Value::Array(items) => items.get(1).cloned(),
        Value::Object(o) => o.get("display_name").cloned(),
        _ => None,
    }
}

fn index(rows: Vec<Value>) -> HashMap<i64, Value> {
    rows.into_iter()
        .filter_map(|r| Some((r.get("id").and_then(id_in)?, r)))
        .collect()
}

fn records(v: Value, model: &str, method: &str) -> Result<Vec<Value>> {
    match v {
        Value::Array(rows) => Ok(rows),
        other => Err(Error::new(
            ErrorKind::Decode,
            format!("expected a list of records, found {}", short(&other)),
        )
        .with_target(model, method)),
    }
}

fn length_and_records(v: Value, model: &str) -> Result<(u64, Vec<Value>)> {
    let bad = |v: &Value| {
        Error::new(
            ErrorKind::Decode,
            format!("expected {{\"length\", \"records\"}}, found {}", short(v)),
        )
        .with_target(model, "web_search_read")
    };
    let Value::Object(mut o) = v else {
        return Err(bad(&v));
    };
    let length = o.get("length").and_then(Value::as_u64);
    match (length, o.remove("records")) {
        (Some(length), Some(Value::Array(rows))) => Ok((length, rows)),
        _ => Err(bad(&Value::Object(o))),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

fn decode<P: Projection>(shape: &Shape, mut rows: Vec<Value>, method: &str) -> Result<Vec<P>> {
    normalize(shape, &mut rows, 0)?;
    crate::odoo::wire::decode_records(rows).map_err(|e| {
        decode_error(
            e,
            format!("expected {} records", shape.model),
            shape.model,
            method,
        )
    })
}

#[derive(Clone, Copy)]
struct Page<'s> {
    offset: Option<u64>,
    limit: Option<u64>,
    order: Option<&'s str>,
}

// ---------------------------------------------------------------------------
// builders

/// [`Client::search_nested`]: await it for a [`SearchResult`], or page
/// through with [`pages`](SearchNested::pages).
#[must_use = "a request does nothing until it is awaited"]
pub struct SearchNested<'a, P, X = Async> {
    reader: Reader<'a, X>,
    domain: Domain,
    offset: Option<u64>,
    limit: Option<u64>,
    order: Option<String>,
    strategy: Strategy,
    _p: PhantomData<fn() -> P>,
}

impl<P, X> std::fmt::Debug for SearchNested<'_, P, X> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchNested")
            .field("type", &std::any::type_name::<P>())
            .field("domain", &self.domain)
            .field("offset", &self.offset)
            .field("limit", &self.limit)
            .field("order", &self.order)
            .field("strategy", &self.strategy)
            .finish()
    }
}

impl<'a, P: Projection, X: Exec + 'a> SearchNested<'a, P, X> {
    pub(crate) fn new(client: &'a Client<X>, domain: Domain) -> Self {
        SearchNested {
            reader: Reader {
                client,
                context: None,
                filter: FieldFilter::ALL,
                narrowed: false,
            },
            domain,
            offset: None,
            limit: None,
            order: None,
            strategy: Strategy::Auto,
            _p: PhantomData,
        }
    }

    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Order of the top records, e.g. `"date_order desc, id"`.
    pub fn order(mut self, order: impl Into<String>) -> Self {
        self.order = Some(order.into());
        self
    }

    /// Context for every call of this read, merged over the client's.
    pub fn context(mut self, context: Context) -> Self {
        self.reader.context = Some(context);
        self
    }

    /// How to fetch (default [`Strategy::Auto`]).
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    fn run(mut self) -> BoxFuture<'a, Result<SearchResult<P>>> {
        Box::pin(async move {
            let shape = Shape::of::<P>();
            self.reader.narrow(&shape).await?;
            let page = Page {
                offset: self.offset,
                limit: self.limit,
                order: self.order.as_deref(),
            };
            let (length, rows) = self
                .reader
                .search(&shape, &self.domain, page, self.strategy)
                .await?;
            let records = decode(&shape, rows, "web_search_read")?;
            Ok(SearchResult { length, records })
        })
    }

    /// Pages of at most `page_size` records, each with the total `length`,
    /// fetched as the stream is polled. Pages by offset under a stable order
    /// (`id` is appended to the order unless it already ends with `id`).
    fn page_stream(self, page_size: u64) -> BoxStream<'a, Result<SearchResult<P>>> {
        let page_size = page_size.max(1);
        let order = stable_order(self.order.as_deref());
        let start = self.offset.unwrap_or(0);
        let remaining = self.limit;
        Box::pin(stream::unfold(
            (self, start, remaining, false, order),
            move |(mut req, offset, remaining, done, order)| async move {
                if done {
                    return None;
                }
                if let Err(e) = req.reader.narrow(&Shape::of::<P>()).await {
                    return Some((Err(e), (req, offset, remaining, true, order)));
                }
                let want = match remaining {
                    Some(0) => return None,
                    Some(r) => r.min(page_size),
                    None => page_size,
                };
                let shape = Shape::of::<P>();
                let page = Page {
                    offset: Some(offset),
                    limit: Some(want),
                    order: Some(order.as_str()),
                };
                let result = match req
                    .reader
                    .search(&shape, &req.domain, page, req.strategy)
                    .await
                {
                    Ok((length, rows)) => decode::<P>(&shape, rows, "web_search_read")
                        .map(|records| SearchResult { length, records }),
                    Err(e) => Err(e),
                };
                match result {
                    Ok(page) => {
                        let n = page.records.len() as u64;
                        if n == 0 {
                            return None;
                        }
                        let remaining = remaining.map(|r| r.saturating_sub(n));
                        let done = n < want;
                        Some((Ok(page), (req, offset + n, remaining, done, order)))
                    }
                    // After an error the stream ends: the caller decides whether to start over.
                    Err(e) => Some((Err(e), (req, offset, remaining, true, order))),
                }
            },
        ))
    }
}

impl<'a, P: Projection> SearchNested<'a, P, Async> {
    /// A stream of pages of at most `page_size` records (see `page_stream`'s ordering note).
    pub fn pages(self, page_size: u64) -> impl Stream<Item = Result<SearchResult<P>>> + Send + 'a {
        self.page_stream(page_size)
    }
}

impl<'a, P: Projection> SearchNested<'a, P, Blocking> {
    /// Pages of at most `page_size` records, fetched as the iterator advances.
    pub fn pages(self, page_size: u64) -> BlockingIter<'a, SearchResult<P>> {
        let client = self.reader.client;
        client.mode.iter(self.page_stream(page_size))
    }

    /// Send the requests and wait for the answer.
    pub fn call(self) -> Result<SearchResult<P>> {
        let client = self.reader.client;
        client.mode.block_on(self.run())?
    }
}

impl<'a, P: Projection> IntoFuture for SearchNested<'a, P, Async> {
    type Output = Result<SearchResult<P>>;
    type IntoFuture = BoxFuture<'a, Result<SearchResult<P>>>;
    fn into_future(self) -> Self::IntoFuture {
        self.run()
    }
}

/// [`Client::read_nested`]: await it for the records of the ids that exist, in the order given.
#[must_use = "a request does nothing until it is awaited"]
pub struct ReadNested<'a, P, X = Async> {
    reader: Reader<'a, X>,
    ids: Vec<i64>,
    strategy: Strategy,
    _p: PhantomData<fn() -> P>,
}

impl<P, X> std::fmt::Debug for ReadNested<'_, P, X> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadNested")
            .field("type", &std::any::type_name::<P>())
            .field("ids", &self.ids)
            .field("strategy", &self.strategy)
            .finish()
    }
}

impl<'a, P: Projection, X: Exec + 'a> ReadNested<'a, P, X> {
    pub(crate) fn new(client: &'a Client<X>, ids: Vec<i64>) -> Self {
        ReadNested {
            reader: Reader {
                client,
                context: None,
                filter: FieldFilter::ALL,
                narrowed: false,
            },
            ids,
            strategy: Strategy::Auto,
            _p: PhantomData,
        }
    }

    /// Context for every call of this read, merged over the client's.
    pub fn context(mut self, context: Context) -> Self {
        self.reader.context = Some(context);
        self
    }

    /// How to fetch (default [`Strategy::Auto`]).
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    fn run(mut self) -> BoxFuture<'a, Result<Vec<P>>> {
        Box::pin(async move {
            let shape = Shape::of::<P>();
            self.reader.narrow(&shape).await?;
            let rows = self.reader.read(&shape, &self.ids, self.strategy).await?;
            decode(&shape, rows, "web_read")
        })
    }
}

impl<'a, P: Projection> ReadNested<'a, P, Blocking> {
    /// Send the requests and wait for the answer.
    pub fn call(self) -> Result<Vec<P>> {
        let client = self.reader.client;
        client.mode.block_on(self.run())?
    }
}

impl<'a, P: Projection> IntoFuture for ReadNested<'a, P, Async> {
    type Output = Result<Vec<P>>;
    type IntoFuture = BoxFuture<'a, Result<Vec<P>>>;
    fn into_future(self) -> Self::IntoFuture {
        self.run()
    }
}

impl<X: Exec> Client<X> {
    /// Records of `P` matching `domain`, with their related records as `P`'s
    /// fields say (see [`crate::odoo::projection`]), and the total count: one call on
    /// Odoo 17+, one call per relation on Odoo 16.
    ///
    /// ```no_run
    /// # use runtime::{Model, Domain, Ref};
    /// # #[derive(Model)] #[model(odoo = "res.partner", readonly)] struct PartnerCard { id: i64, display_name: Option<String> }
    /// # #[derive(Model)] #[model(odoo = "sale.order.line", readonly)] struct Line { id: i64, price_subtotal: f64 }
    /// #[derive(Model)]
    /// #[model(odoo = "sale.order", readonly)]
    /// struct Order {
    ///     id: i64,
    ///     name: String,
    ///     partner_id: Option<Ref<PartnerCard>>,
    ///     #[model(limit = 5, order = "sequence, id")]
    ///     order_line: Vec<Line>,
    /// }
    /// # async fn f(client: runtime::odoo::OdooClient) -> runtime::Result<()> {
    /// let found = client.search_nested::<Order>(Domain::leaf("state", "=", "sale")).limit(100).await?;
    /// println!("{} of {} orders", found.records.len(), found.length);
    /// # Ok(()) }
    /// ```
    pub fn search_nested<P: Projection>(
        &self,
        domain: impl Into<Domain>,
    ) -> SearchNested<'_, P, X> {
        SearchNested::new(self, domain.into())
    }

    /// Records of `P` by id (ids that do not exist are left out), nested as
    /// [`search_nested`](Self::search_nested) reads them.
    pub fn read_nested<P: Projection>(&self, ids: impl AsRef<[i64]>) -> ReadNested<'_, P, X> {
        ReadNested::new(self, ids.as_ref().to_vec())
    }
}
