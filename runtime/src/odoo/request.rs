//! Request builders for the ORM helpers.
//!
//! Each builder collects options (`.fields()`, `.limit()`, `.context()`, ...)
//! and is then either awaited (it implements `IntoFuture`) or, when it came from
//! the blocking client, run with `.call()` / `.send()`. One builder type serves
//! both: the `X` parameter is [`Async`] or [`Blocking`].

use std::future::IntoFuture;
use std::marker::PhantomData;

use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream, Stream, TryStreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::client::{CallSpec, Client, to_value_or_pending};
use super::context::Context;
pub use super::mode::{Async, Blocking, BlockingIter, Exec};
use crate::error::{Error, Result};
use crate::odoo::domain::Domain;
use crate::odoo::fields::Readable;
use crate::odoo::model::Model;

fn decode<T: DeserializeOwned>(value: Value, model: &str, method: &str, what: &str) -> Result<T> {
    serde_json::from_value(value)
        .map_err(|e| Error::decode(e, format!("expected {what}")).with_target(model, method))
}

fn strings<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    items.into_iter().map(|s| s.as_ref().to_owned()).collect()
}

/// Add fields a typed read did not ask for by default (each once). The list a typed read
/// sends is `Model::FIELDS` plus what was added here.
fn ask_for<'f>(fields: &mut Option<Vec<String>>, names: impl IntoIterator<Item = &'f str>) {
    let list = fields.get_or_insert_with(Vec::new);
    for name in names {
        if !list.iter().any(|f| f == name) {
            list.push(name.to_owned());
        }
    }
}

/// `.with(handle)` / `.all_fields()` on typed reads: computed fields are asked for by name.
macro_rules! computed_fields {
    ($name:ident) => {
        impl<'a, M: Model, X: Exec> $name<'a, M, X> {
            /// Also read this field: a computed field (not read by default, its
            /// `Computed` value stays `NotRead` otherwise), or any other of the model but a
            /// binary one (`Readable`: those are downloaded one record at a time).
            pub fn with<F: Readable<Model = M>>(mut self, field: F) -> Self {
                ask_for(&mut self.fields, [field.name()]);
                self
            }

            /// Read every field the type holds, computed ones included (the server computes
            /// those per record: a read this way costs several times a default one).
            pub fn all_fields(mut self) -> Self {
                ask_for(
                    &mut self.fields,
                    M::FIELDS.iter().chain(M::COMPUTED).copied(),
                );
                self
            }
        }
    };
}
computed_fields!(SearchRead);
computed_fields!(Read);

/// What every builder holds.
#[derive(Clone)]
pub(crate) struct Base<'a, X> {
    client: &'a Client<X>,
    model: String,
    context: Option<Context>,
}

impl<X> std::fmt::Debug for Base<'_, X> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Base")
            .field("model", &self.model)
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

impl<X> Base<'_, X> {
    fn spec(&self, method: &str, args: Vec<Value>) -> CallSpec {
        let mut spec = CallSpec::new(&self.model, method, args);
        spec.context = self.context.clone();
        spec
    }
}

/// Implements `IntoFuture` (async) and `.call()`/`.send()` (blocking) from the
/// builder's mode-independent `run()`.
macro_rules! modes {
    ($name:ident <$($gen:ident),*> => $out:ty $(, where $($bounds:tt)*)?) => {
        impl<'a, $($gen),*> IntoFuture for $name<'a, $($gen,)* Async> $(where $($bounds)*)? {
            type Output = Result<$out>;
            type IntoFuture = BoxFuture<'a, Result<$out>>;
            fn into_future(self) -> Self::IntoFuture {
                self.run()
            }
        }

        impl<'a, $($gen),*> $name<'a, $($gen,)* Blocking> $(where $($bounds)*)? {
            /// Send the request and wait for the answer.
            pub fn call(self) -> Result<$out> {
                let client = self.base.client;
                client.mode.block_on(self.run())?
            }

            /// Same as [`call`](Self::call).
            pub fn send(self) -> Result<$out> {
                self.call()
            }
        }
    };
}

/// A handle on one model for untyped calls: `client.model("res.partner")`.
#[derive(Clone)]
pub struct ModelHandle<'a, X = Async> {
    client: &'a Client<X>,
    model: String,
}

impl<X> std::fmt::Debug for ModelHandle<'_, X> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelHandle")
            .field("model", &self.model)
            .finish()
    }
}

impl<'a, X: Exec> ModelHandle<'a, X> {
    pub(crate) fn new(client: &'a Client<X>, model: &str) -> Self {
        ModelHandle {
            client,
            model: model.to_owned(),
        }
    }

    pub(crate) fn base(&self) -> Base<'a, X> {
        Base {
            client: self.client,
            model: self.model.clone(),
            context: None,
        }
    }

    /// The model's technical name.
    pub fn name(&self) -> &str {
        &self.model
    }

    /// `search_read(domain)`: records as JSON objects (all fields unless `.fields()` is set).
    pub fn search_read(&self, domain: impl Into<Domain>) -> SearchRead<'a, Value, X> {
        SearchRead {
            base: self.base(),
            domain: domain.into(),
            fields: None,
            offset: None,
            limit: None,
            order: None,
            readable_only: false,
            _t: PhantomData,
        }
    }

    /// `search(domain)`: matching ids.
    pub fn search(&self, domain: impl Into<Domain>) -> Search<'a, X> {
        Search {
            base: self.base(),
            domain: domain.into(),
            offset: None,
            limit: None,
            order: None,
        }
    }

    /// `search_count(domain)`.
    pub fn search_count(&self, domain: impl Into<Domain>) -> SearchCount<'a, X> {
        SearchCount {
            base: self.base(),
            domain: domain.into(),
        }
    }

    /// `read(ids)`: ids that do not exist are absent from the answer.
    pub fn read(&self, ids: impl AsRef<[i64]>) -> Read<'a, Value, X> {
        Read {
            base: self.base(),
            ids: ids.as_ref().to_vec(),
            fields: None,
            readable_only: false,
            _t: PhantomData,
        }
    }

    /// `create(values)`: the new record's id.
    pub fn create(&self, values: &impl Serialize) -> Execute<'a, i64, X> {
        let (vals, pending) = to_value_or_pending(values);
        let mut spec = CallSpec::new(&self.model, "create", vec![vals]);
        spec.pending = pending;
        Execute::new(self.base(), spec, created_id, "the id of the new record")
    }

    /// `create([values, ...])` in one call: the new ids, in order.
    pub fn create_many<V: Serialize>(&self, values: &[V]) -> Execute<'a, Vec<i64>, X> {
        let (vals, pending) = to_value_or_pending(&values);
        let mut spec = CallSpec::new(&self.model, "create", vec![vals]);
        spec.pending = pending;
        Execute::new(self.base(), spec, created_ids, "the ids of the new records")
    }

    /// `write(ids, values)`.
    pub fn write(&self, ids: impl AsRef<[i64]>, values: &impl Serialize) -> Execute<'a, bool, X> {
        let (vals, pending) = to_value_or_pending(values);
        let mut spec = CallSpec::new(&self.model, "write", vec![json!(ids.as_ref()), vals]);
        spec.pending = pending;
        Execute::new(self.base(), spec, done, "true")
    }

    /// `unlink(ids)`.
    pub fn unlink(&self, ids: impl AsRef<[i64]>) -> Execute<'a, bool, X> {
        let spec = CallSpec::new(&self.model, "unlink", vec![json!(ids.as_ref())]);
        Execute::new(self.base(), spec, done, "true")
    }

    /// `name_search(name)`: `(id, display name)` pairs.
    pub fn name_search(&self, name: impl Into<String>) -> NameSearch<'a, X> {
        NameSearch {
            base: self.base(),
            name: name.into(),
            domain: None,
            operator: None,
            limit: None,
        }
    }

    /// `read_group(domain, fields, groupby)` (`fields` like `"amount_total:sum"`).
    pub fn read_group<F, G>(
        &self,
        domain: impl Into<Domain>,
        fields: F,
        groupby: G,
    ) -> ReadGroup<'a, Value, X>
    where
        F: IntoIterator,
        F::Item: AsRef<str>,
        G: IntoIterator,
        G::Item: AsRef<str>,
    {
        ReadGroup {
            base: self.base(),
            domain: domain.into(),
            fields: strings(fields),
            groupby: strings(groupby),
            offset: None,
            limit: None,
            orderby: None,
            lazy: None,
            _t: PhantomData,
        }
    }

    /// `fields_get()`: field name → description.
    pub fn fields_get(&self) -> FieldsGet<'a, X> {
        FieldsGet {
            base: self.base(),
            allfields: None,
            attributes: None,
        }
    }

    /// Any method, `execute_kw` style (`kwargs`: a JSON object or `null`).
    pub fn execute_kw<R: DeserializeOwned>(
        &self,
        method: &str,
        args: Vec<Value>,
        kwargs: Value,
    ) -> Execute<'a, R, X> {
        let mut spec = CallSpec::new(&self.model, method, args);
        match kwargs {
            Value::Object(map) => spec.kwargs = map,
            Value::Null => {}
            _ => {
                spec.pending = Some(std::sync::Arc::new(Error::config(
                    "kwargs must be a JSON object (or null)",
                )))
            }
        }
        Execute::new(
            self.base(),
            spec,
            serde_json::from_value::<R>,
            "the requested type",
        )
    }

    /// Run a prepared call, decoding its answer into `R`.
    pub(crate) fn execute_spec<R: DeserializeOwned>(&self, spec: CallSpec) -> Execute<'a, R, X> {
        Execute::new(
            self.base(),
            spec,
            serde_json::from_value::<R>,
            "the method's documented return type",
        )
    }

    /// A method on records: `ids` first, every other argument by name.
    pub fn call<R: DeserializeOwned>(
        &self,
        method: &str,
        ids: impl AsRef<[i64]>,
        kwargs: Value,
    ) -> Execute<'a, R, X> {
        self.execute_kw(method, vec![json!(ids.as_ref())], kwargs)
    }
}

pub(crate) fn created_id(v: Value) -> serde_json::Result<i64> {
    // JSON-RPC answers an id for one dict; JSON-2 always answers a list of ids.
    match v {
        Value::Array(mut a) if a.len() == 1 => serde_json::from_value(a.remove(0)),
        other => serde_json::from_value(other),
    }
}

pub(crate) fn created_ids(v: Value) -> serde_json::Result<Vec<i64>> {
    match v {
        Value::Number(_) => Ok(vec![serde_json::from_value(v)?]),
        other => serde_json::from_value(other),
    }
}

fn done(v: Value) -> serde_json::Result<bool> {
    // Overrides that forget to `return True` answer null; the call still succeeded.
    match v {
        Value::Null => Ok(true),
        other => serde_json::from_value(other),
    }
}

/// Any call whose answer is decoded into `R`.
#[derive(Debug)]
pub struct Execute<'a, R, X = Async> {
    base: Base<'a, X>,
    spec: CallSpec,
    decode: fn(Value) -> serde_json::Result<R>,
    what: &'static str,
}

impl<'a, R, X: Exec> Execute<'a, R, X> {
    pub(crate) fn new(
        base: Base<'a, X>,
        spec: CallSpec,
        decode: fn(Value) -> serde_json::Result<R>,
        what: &'static str,
    ) -> Self {
        Execute {
            base,
            spec,
            decode,
            what,
        }
    }

    /// Context for this call, merged over the client's.
    pub fn context(mut self, context: Context) -> Self {
        self.base.context = Some(context);
        self
    }

    pub(crate) fn run(self) -> BoxFuture<'a, Result<R>>
    where
        R: Send + 'a,
    {
        let Execute {
            base,
            mut spec,
            decode,
            what,
        } = self;
        spec.context = base.context;
        Box::pin(async move {
            let (model, method) = (spec.model.clone(), spec.method.clone());
            let value = base.client.run(spec).await?;
            decode(value).map_err(|e| {
                Error::decode(e, format!("expected {what}")).with_target(model, method)
            })
        })
    }
}

modes!(Execute<R> => R, where R: Send + 'a);

/// `search_read`; await it, or page through with [`pages`](SearchRead::pages) / [`stream`](SearchRead::stream).
#[derive(Debug)]
pub struct SearchRead<'a, T = Value, X = Async> {
    base: Base<'a, X>,
    domain: Domain,
    fields: Option<Vec<String>>,
    offset: Option<u64>,
    limit: Option<u64>,
    order: Option<String>,
    /// A typed read: `fields` are narrowed to what the user may read before sending.
    readable_only: bool,
    _t: PhantomData<fn() -> T>,
}

impl<'a, T, X: Exec> SearchRead<'a, T, X> {
    /// Fields to read (default: all, for untyped reads; `M::FIELDS` for typed ones).
    pub fn fields<I>(mut self, fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.fields = Some(strings(fields));
        self
    }

    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// SQL-like order, e.g. `"name desc, id"`.
    pub fn order(mut self, order: impl Into<String>) -> Self {
        self.order = Some(order.into());
        self
    }

    /// Context for this call, merged over the client's.
    pub fn context(mut self, context: Context) -> Self {
        self.base.context = Some(context);
        self
    }

    /// Decode records into `U` instead.
    pub fn into_typed<U>(self) -> SearchRead<'a, U, X> {
        SearchRead {
            base: self.base,
            domain: self.domain,
            fields: self.fields,
            offset: self.offset,
            limit: self.limit,
            order: self.order,
            readable_only: self.readable_only,
            _t: PhantomData,
        }
    }

    /// Ask only for the fields of `fields` the signed-in user may read (typed reads).
    pub(crate) fn readable_only(mut self) -> Self {
        self.readable_only = true;
        self
    }

    /// Narrow `fields` once, before the first request (see [`super::access`]).
    async fn narrow_fields(&mut self) -> Result<()> {
        if std::mem::take(&mut self.readable_only)
            && let Some(fields) = &self.fields
        {
            let fields = self
                .base
                .client
                .readable_fields(&self.base.model, fields)
                .await?;
            self.fields = Some(fields);
        }
        Ok(())
    }

    fn spec(&self, offset: Option<u64>, limit: Option<u64>, order: Option<String>) -> CallSpec {
        let mut spec = self
            .base
            .spec("search_read", vec![self.domain.clone().into_value()]);
        if let Some(fields) = &self.fields {
            spec = spec.kwarg("fields", fields.clone());
        }
        if let Some(offset) = offset.filter(|o| *o > 0) {
            spec = spec.kwarg("offset", offset);
        }
        if let Some(limit) = limit {
            spec = spec.kwarg("limit", limit);
        }
        if let Some(order) = order {
            spec = spec.kwarg("order", order);
        }
        spec
    }
}

impl<'a, T: DeserializeOwned + Send + 'a, X: Exec + 'a> SearchRead<'a, T, X> {
    pub(crate) fn run(mut self) -> BoxFuture<'a, Result<Vec<T>>> {
        Box::pin(async move {
            self.narrow_fields().await?;
            let spec = self.spec(self.offset, self.limit, self.order.clone());
            self.base.client.run_as(spec, "a list of records").await
        })
    }

    /// Pages of at most `page_size` records, fetched one at a time as the stream
    /// is polled (so memory holds one page). Pages by offset under a stable
    /// order: `id` is appended to the order unless it already ends with `id`, so
    /// that no record is skipped or repeated between pages.
    fn page_stream(self, page_size: u64) -> BoxStream<'a, Result<Vec<T>>> {
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
                if let Err(e) = req.narrow_fields().await {
                    return Some((Err(e), (req, offset, remaining, true, order)));
                }
                let want = match remaining {
                    Some(0) => return None,
                    Some(r) => r.min(page_size),
                    None => page_size,
                };
                let spec = req.spec(Some(offset), Some(want), Some(order.clone()));
                let client = req.base.client;
                let page = client.run_as::<Vec<T>>(spec, "a list of records").await;
                match page {
                    Ok(records) => {
                        let n = records.len() as u64;
                        if n == 0 {
                            return None;
                        }
                        let remaining = remaining.map(|r| r.saturating_sub(n));
                        let done = n < want;
                        Some((Ok(records), (req, offset + n, remaining, done, order)))
                    }
                    // After an error the stream ends: the caller decides whether to start over.
                    Err(e) => Some((Err(e), (req, offset, remaining, true, order))),
                }
            },
        ))
    }
}

impl<'a, T: DeserializeOwned + Send + 'a> SearchRead<'a, T, Async> {
    /// A stream of pages of at most `page_size` records (see the type's docs on ordering).
    pub fn pages(self, page_size: u64) -> impl Stream<Item = Result<Vec<T>>> + Send + 'a {
        self.page_stream(page_size)
    }

    /// A stream of records, fetched `page_size` at a time.
    pub fn stream(self, page_size: u64) -> impl Stream<Item = Result<T>> + Send + 'a {
        self.page_stream(page_size)
            .map_ok(|page| stream::iter(page.into_iter().map(Ok)))
            .try_flatten()
    }
}

impl<'a, T: DeserializeOwned + Send + 'a> SearchRead<'a, T, Blocking> {
    /// Pages of at most `page_size` records, fetched as the iterator advances.
    pub fn pages(self, page_size: u64) -> BlockingIter<'a, Vec<T>> {
        let client = self.base.client;
        client.mode.iter(self.page_stream(page_size))
    }

    /// Records, fetched `page_size` at a time.
    pub fn stream(self, page_size: u64) -> impl Iterator<Item = Result<T>> + 'a {
        self.pages(page_size).flat_map(|page| -> Vec<Result<T>> {
            match page {
                Ok(records) => records.into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            }
        })
    }
}

modes!(SearchRead<T> => Vec<T>, where T: DeserializeOwned + Send + 'a);

/// `order` made total: `id` appended unless the last term already sorts by `id`.
pub(crate) fn stable_order(order: Option<&str>) -> String {
    let order = order.map(str::trim).filter(|o| !o.is_empty());
    match order {
        None => "id".to_owned(),
        Some(o) => {
            let last = o.rsplit(',').next().unwrap_or("").trim();
            let field = last
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_matches('"');
            if field == "id" {
                o.to_owned()
            } else {
                format!("{o}, id")
            }
        }
    }
}

/// `search`: matching ids.
#[derive(Debug)]
pub struct Search<'a, X = Async> {
    base: Base<'a, X>,
    domain: Domain,
    offset: Option<u64>,
    limit: Option<u64>,
    order: Option<String>,
}

impl<'a, X: Exec> Search<'a, X> {
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }
    pub fn order(mut self, order: impl Into<String>) -> Self {
        self.order = Some(order.into());
        self
    }
    pub fn context(mut self, context: Context) -> Self {
        self.base.context = Some(context);
        self
    }

    pub(crate) fn run(self) -> BoxFuture<'a, Result<Vec<i64>>> {
        let mut spec = self.base.spec("search", vec![self.domain.into_value()]);
        if let Some(o) = self.offset.filter(|o| *o > 0) {
            spec = spec.kwarg("offset", o);
        }
        if let Some(l) = self.limit {
            spec = spec.kwarg("limit", l);
        }
        if let Some(o) = self.order {
            spec = spec.kwarg("order", o);
        }
        let client = self.base.client;
        Box::pin(async move {
            let model = spec.model.clone();
            let v = client.run(spec).await?;
            decode(v, &model, "search", "a list of ids")
        })
    }
}

modes!(Search<> => Vec<i64>);

/// `search_count`.
#[derive(Debug)]
pub struct SearchCount<'a, X = Async> {
    base: Base<'a, X>,
    domain: Domain,
}

impl<'a, X: Exec> SearchCount<'a, X> {
    pub fn context(mut self, context: Context) -> Self {
        self.base.context = Some(context);
        self
    }

    pub(crate) fn run(self) -> BoxFuture<'a, Result<u64>> {
        let spec = self
            .base
            .spec("search_count", vec![self.domain.into_value()]);
        let client = self.base.client;
        Box::pin(async move {
            let model = spec.model.clone();
            let v = client.run(spec).await?;
            decode(v, &model, "search_count", "a count")
        })
    }
}

modes!(SearchCount<> => u64);

/// `read`.
#[derive(Debug)]
pub struct Read<'a, T = Value, X = Async> {
    base: Base<'a, X>,
    ids: Vec<i64>,
    fields: Option<Vec<String>>,
    /// A typed read: `fields` are narrowed to what the user may read before sending.
    readable_only: bool,
    _t: PhantomData<fn() -> T>,
}

impl<'a, T, X: Exec> Read<'a, T, X> {
    pub fn fields<I>(mut self, fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.fields = Some(strings(fields));
        self
    }
    pub fn context(mut self, context: Context) -> Self {
        self.base.context = Some(context);
        self
    }
    pub fn into_typed<U>(self) -> Read<'a, U, X> {
        Read {
            base: self.base,
            ids: self.ids,
            fields: self.fields,
            readable_only: self.readable_only,
            _t: PhantomData,
        }
    }

    /// Ask only for the fields of `fields` the signed-in user may read (typed reads).
    pub(crate) fn readable_only(mut self) -> Self {
        self.readable_only = true;
        self
    }
}

impl<'a, T: DeserializeOwned + Send + 'a, X: Exec> Read<'a, T, X> {
    pub(crate) fn run(self) -> BoxFuture<'a, Result<Vec<T>>> {
        let Read {
            base,
            ids,
            fields,
            readable_only,
            ..
        } = self;
        let spec = base.spec("read", vec![json!(ids)]);
        let (client, model) = (base.client, base.model);
        Box::pin(async move {
            let mut fields = fields;
            if let (true, Some(f)) = (readable_only, &fields) {
                fields = Some(client.readable_fields(&model, f).await?);
            }
            let mut spec = spec;
            if let Some(f) = fields {
                spec = spec.kwarg("fields", f);
            }
            client.run_as(spec, "a list of records").await
        })
    }
}

modes!(Read<T> => Vec<T>, where T: DeserializeOwned + Send + 'a);

/// `name_search`: `(id, display name)` pairs.
#[derive(Debug)]
pub struct NameSearch<'a, X = Async> {
    base: Base<'a, X>,
    name: String,
    domain: Option<Domain>,
    operator: Option<String>,
    limit: Option<u64>,
}

impl<'a, X: Exec> NameSearch<'a, X> {
    /// Restrict to records matching `domain`.
    pub fn domain(mut self, domain: impl Into<Domain>) -> Self {
        self.domain = Some(domain.into());
        self
    }
    /// Operator on the name (default `ilike`).
    pub fn operator(mut self, operator: impl Into<String>) -> Self {
        self.operator = Some(operator.into());
        self
    }
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }
    pub fn context(mut self, context: Context) -> Self {
        self.base.context = Some(context);
        self
    }

    pub(crate) fn run(self) -> BoxFuture<'a, Result<Vec<(i64, String)>>> {
        let client = self.base.client;
        let mut spec = self
            .base
            .spec("name_search", vec![])
            .kwarg("name", self.name);
        if let Some(d) = self.domain {
            // The parameter was `args` until 16 and is `domain` from 17 on.
            let key = if client.server_version().major <= 16 {
                "args"
            } else {
                "domain"
            };
            spec = spec.kwarg(key, d.into_value());
        }
        if let Some(o) = self.operator {
            spec = spec.kwarg("operator", o);
        }
        if let Some(l) = self.limit {
            spec = spec.kwarg("limit", l);
        }
        Box::pin(async move {
            let model = spec.model.clone();
            let v = client.run(spec).await?;
            decode(v, &model, "name_search", "a list of [id, name] pairs")
        })
    }
}

modes!(NameSearch<> => Vec<(i64, String)>);

/// `read_group`: one JSON object per group (`__count`, `__domain`, aggregates).
#[derive(Debug)]
pub struct ReadGroup<'a, T = Value, X = Async> {
    base: Base<'a, X>,
    domain: Domain,
    fields: Vec<String>,
    groupby: Vec<String>,
    offset: Option<u64>,
    limit: Option<u64>,
    orderby: Option<String>,
    lazy: Option<bool>,
    _t: PhantomData<fn() -> T>,
}

impl<'a, T, X: Exec> ReadGroup<'a, T, X> {
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }
    /// Order of the groups, e.g. `"amount_total desc"`.
    pub fn order(mut self, orderby: impl Into<String>) -> Self {
        self.orderby = Some(orderby.into());
        self
    }
    /// `false` groups by every `groupby` field at once (Odoo's default is lazy: first one only).
    pub fn lazy(mut self, lazy: bool) -> Self {
        self.lazy = Some(lazy);
        self
    }
    pub fn context(mut self, context: Context) -> Self {
        self.base.context = Some(context);
        self
    }
    pub fn into_typed<U>(self) -> ReadGroup<'a, U, X> {
        ReadGroup {
            base: self.base,
            domain: self.domain,
            fields: self.fields,
            groupby: self.groupby,
            offset: self.offset,
            limit: self.limit,
            orderby: self.orderby,
            lazy: self.lazy,
            _t: PhantomData,
        }
    }
}

impl<'a, T: DeserializeOwned + Send + 'a, X: Exec> ReadGroup<'a, T, X> {
    pub(crate) fn run(self) -> BoxFuture<'a, Result<Vec<T>>> {
        let mut spec = self.base.spec(
            "read_group",
            vec![
                self.domain.into_value(),
                json!(self.fields),
                json!(self.groupby),
            ],
        );
        if let Some(o) = self.offset.filter(|o| *o > 0) {
            spec = spec.kwarg("offset", o);
        }
        if let Some(l) = self.limit {
            spec = spec.kwarg("limit", l);
        }
        if let Some(o) = self.orderby {
            spec = spec.kwarg("orderby", o);
        }
        if let Some(l) = self.lazy {
            spec = spec.kwarg("lazy", l);
        }
        let client = self.base.client;
        Box::pin(async move {
            let model = spec.model.clone();
            let v = client.run(spec).await?;
            decode(v, &model, "read_group", "a list of groups")
        })
    }
}

modes!(ReadGroup<T> => Vec<T>, where T: DeserializeOwned + Send + 'a);

/// `fields_get`: field name → description.
#[derive(Debug)]
pub struct FieldsGet<'a, X = Async> {
    base: Base<'a, X>,
    allfields: Option<Vec<String>>,
    attributes: Option<Vec<String>>,
}

impl<'a, X: Exec> FieldsGet<'a, X> {
    /// Only these fields (default: all).
    pub fn fields<I>(mut self, fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.allfields = Some(strings(fields));
        self
    }
    /// Only these attributes per field (e.g. `["string", "type", "relation"]`; default: all).
    pub fn attributes<I>(mut self, attributes: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.attributes = Some(strings(attributes));
        self
    }
    pub fn context(mut self, context: Context) -> Self {
        self.base.context = Some(context);
        self
    }

    pub(crate) fn run(self) -> BoxFuture<'a, Result<Map<String, Value>>> {
        let args = match self.allfields {
            Some(f) => vec![json!(f)],
            None => vec![],
        };
        let mut spec = self.base.spec("fields_get", args);
        if let Some(a) = self.attributes {
            spec = spec.kwarg("attributes", a);
        }
        let client = self.base.client;
        Box::pin(async move {
            let model = spec.model.clone();
            // The answer's object as it is: decoding it again would rebuild the whole tree
            // (12% of a 512-model `codegen fetch odoo`'s CPU in the dev profile).
            match client.run(spec).await? {
                Value::Object(fields) => Ok(fields),
                other => decode(
                    other,
                    &model,
                    "fields_get",
                    "an object of field descriptions",
                ),
            }
        })
    }
}

modes!(FieldsGet<> => Map<String, Value>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_order_appends_id() {
        assert_eq!(stable_order(None), "id");
        assert_eq!(stable_order(Some("  ")), "id");
        assert_eq!(stable_order(Some("name desc")), "name desc, id");
        assert_eq!(stable_order(Some("id desc")), "id desc");
        assert_eq!(stable_order(Some("name, id")), "name, id");
        assert_eq!(stable_order(Some("name, id asc")), "name, id asc");
        assert_eq!(stable_order(Some("partner_id")), "partner_id, id");
    }

    #[test]
    fn created_ids_accept_both_shapes() {
        assert_eq!(created_id(json!(80)).unwrap(), 80);
        assert_eq!(created_id(json!([79])).unwrap(), 79);
        assert!(created_id(json!(false)).is_err());
        assert!(created_id(json!([1, 2])).is_err());
        assert_eq!(created_ids(json!([81, 82])).unwrap(), vec![81, 82]);
        assert_eq!(created_ids(json!(7)).unwrap(), vec![7]);
        assert!(done(json!(null)).unwrap());
        assert!(done(json!("x")).is_err());
    }
}
