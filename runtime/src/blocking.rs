//! A blocking Odoo client, in the manner of `reqwest::blocking`: it owns a
//! current-thread tokio runtime and runs the async client on it. Same methods;
//! builders finish with `.call()` (or `.send()`) instead of `.await`.
//!
//! ```no_run
//! use runtime::blocking::OdooClient;
//! use runtime::{Domain, Secret};
//! let client = OdooClient::connect("https://erp.example.com", "prod", "admin", Secret::password("..."))?;
//! let partners = client.model("res.partner").search_read(Domain::leaf("is_company", "=", true)).limit(5).call()?;
//! # Ok::<(), runtime::Error>(())
//! ```
//!
//! Do not use it inside an async runtime (calls there return a configuration
//! error rather than stalling the runtime); use [`crate::odoo::OdooClient`].

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use crate::error::{Error, Result};
use crate::odoo::client::{typed_read, typed_search_read};
use crate::odoo::domain::Domain;
use crate::odoo::model::{CreateValues, Model, UpdateValues};
use crate::odoo::projection::Projection;
use crate::odoo::request::block_on;
pub use crate::odoo::request::{Blocking, BlockingIter};
use crate::odoo::{Context, ServerVersion, TransportKind};
use crate::secret::Secret;

pub use crate::odoo::DbChoice;

/// Marker for [`ClientBuilder`]: `connect()` blocks.
#[derive(Debug, Clone, Copy, Default)]
pub struct BlockingConnect;

/// The builder of the blocking client (same settings as the async one).
pub type ClientBuilder = crate::odoo::ClientBuilder<BlockingConnect>;
pub type ModelHandle<'a> = crate::odoo::ModelHandle<'a, Blocking<'a>>;
pub type SearchRead<'a, T = Value> = crate::odoo::SearchRead<'a, T, Blocking<'a>>;
pub type Search<'a> = crate::odoo::Search<'a, Blocking<'a>>;
pub type SearchCount<'a> = crate::odoo::SearchCount<'a, Blocking<'a>>;
pub type Read<'a, T = Value> = crate::odoo::Read<'a, T, Blocking<'a>>;
pub type Execute<'a, R> = crate::odoo::Execute<'a, R, Blocking<'a>>;
pub type SearchNested<'a, P> = crate::odoo::SearchNested<'a, P, Blocking<'a>>;
pub type ReadNested<'a, P> = crate::odoo::ReadNested<'a, P, Blocking<'a>>;

/// Shuts the runtime down without blocking when dropped, so that dropping the
/// client inside an async context cannot panic.
struct RuntimeHolder(Option<tokio::runtime::Runtime>);

impl Drop for RuntimeHolder {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

fn new_runtime() -> Result<RuntimeHolder> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::config(
            "the blocking Odoo client cannot be created inside an async runtime; use runtime::odoo::OdooClient",
        ));
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Error::config(format!(
                "could not start the blocking client's runtime: {e}"
            ))
            .with_source(e)
        })?;
    Ok(RuntimeHolder(Some(rt)))
}

impl ClientBuilder {
    /// Detect the version, pick the database and transport, and log in.
    pub fn connect(self) -> Result<OdooClient> {
        let holder = new_runtime()?;
        let rt = holder
            .0
            .as_ref()
            .ok_or_else(|| Error::config("runtime missing"))?;
        let inner = block_on(
            rt,
            self.into_mode::<crate::odoo::client::AsyncConnect>()
                .connect_async(),
        )??;
        Ok(OdooClient {
            inner,
            rt: Arc::new(holder),
        })
    }
}

/// The blocking Odoo client. Cheap to clone (connection and runtime are shared).
#[derive(Clone)]
pub struct OdooClient {
    inner: crate::odoo::OdooClient,
    rt: Arc<RuntimeHolder>,
}

impl std::fmt::Debug for OdooClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("blocking::OdooClient")
            .field(&self.inner)
            .finish()
    }
}

impl OdooClient {
    /// Connect and log in (see [`crate::odoo::OdooClient::connect`]).
    pub fn connect(
        url: impl Into<String>,
        db: impl Into<DbChoice>,
        login: impl Into<String>,
        secret: Secret,
    ) -> Result<Self> {
        Self::builder(url)
            .database(db)
            .login(login)
            .secret(secret)
            .connect()
    }

    pub fn builder(url: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(url)
    }

    fn exec(&self) -> Blocking<'_> {
        Blocking {
            // The holder is only emptied in Drop, so it is always set here.
            rt: self.rt.0.as_ref().expect("runtime present until drop"),
        }
    }

    /// The async client underneath (usable from async code only).
    pub fn as_async(&self) -> &crate::odoo::OdooClient {
        &self.inner
    }

    pub fn server_version(&self) -> &ServerVersion {
        self.inner.server_version()
    }
    pub fn transport(&self) -> TransportKind {
        self.inner.transport()
    }
    pub fn database(&self) -> &str {
        self.inner.database()
    }
    pub fn login(&self) -> &str {
        self.inner.login()
    }
    pub fn uid(&self) -> Option<i64> {
        self.inner.uid()
    }
    pub fn url(&self) -> &Url {
        self.inner.url()
    }
    pub fn context(&self) -> &Context {
        self.inner.context()
    }
    pub fn set_context(&mut self, context: Context) {
        self.inner.set_context(context);
    }
    pub fn with_context(&self, context: &Context) -> OdooClient {
        OdooClient {
            inner: self.inner.with_context(context),
            rt: self.rt.clone(),
        }
    }

    pub fn model(&self, model: &str) -> ModelHandle<'_> {
        crate::odoo::ModelHandle::new(&self.inner, model, self.exec())
    }

    pub fn execute_kw<R: DeserializeOwned>(
        &self,
        model: &str,
        method: &str,
        args: Vec<Value>,
        kwargs: Value,
    ) -> Execute<'_, R> {
        self.model(model).execute_kw(method, args, kwargs)
    }

    pub fn call<R: DeserializeOwned>(
        &self,
        model: &str,
        method: &str,
        ids: impl AsRef<[i64]>,
        kwargs: Value,
    ) -> Execute<'_, R> {
        self.model(model).call(method, ids, kwargs)
    }

    pub fn search_read<M: Model>(&self, domain: impl Into<Domain>) -> SearchRead<'_, M> {
        typed_search_read(self.model(M::MODEL), domain)
    }

    pub fn read<M: Model>(&self, ids: impl AsRef<[i64]>) -> Read<'_, M> {
        typed_read(self.model(M::MODEL), ids)
    }

    /// See [`crate::OdooClient::download`].
    pub fn download<M: Model>(
        &self,
        field: crate::odoo::fields::BinaryField<M>,
        id: i64,
    ) -> Execute<'_, Option<crate::odoo::wire::Binary>> {
        crate::odoo::binary::download(self.model(M::MODEL), field, id)
    }

    /// See [`crate::OdooClient::binary_size`].
    pub fn binary_size<M: Model>(
        &self,
        field: crate::odoo::fields::BinaryField<M>,
        id: i64,
    ) -> Execute<'_, Option<crate::odoo::BinarySize>> {
        crate::odoo::binary::size(self.model(M::MODEL), field, id)
    }

    pub fn search<M: Model>(&self, domain: impl Into<Domain>) -> Search<'_> {
        self.model(M::MODEL).search(domain)
    }

    pub fn search_count<M: Model>(&self, domain: impl Into<Domain>) -> SearchCount<'_> {
        self.model(M::MODEL).search_count(domain)
    }

    /// Records with their related records, and the total count (see
    /// [`crate::odoo::OdooClient::search_nested`]).
    pub fn search_nested<P: Projection>(&self, domain: impl Into<Domain>) -> SearchNested<'_, P> {
        crate::odoo::SearchNested::new(&self.inner, self.exec(), domain.into())
    }

    /// Records by id with their related records (see
    /// [`crate::odoo::OdooClient::read_nested`]).
    pub fn read_nested<P: Projection>(&self, ids: impl AsRef<[i64]>) -> ReadNested<'_, P> {
        crate::odoo::ReadNested::new(&self.inner, self.exec(), ids.as_ref().to_vec())
    }

    pub fn create<V: CreateValues>(&self, values: &V) -> Execute<'_, i64> {
        self.model(<V::Model as Model>::MODEL).create(values)
    }

    pub fn create_many<V: CreateValues>(&self, values: &[V]) -> Execute<'_, Vec<i64>> {
        self.model(<V::Model as Model>::MODEL).create_many(values)
    }

    pub fn write<V: UpdateValues>(&self, ids: impl AsRef<[i64]>, values: &V) -> Execute<'_, bool> {
        self.model(<V::Model as Model>::MODEL).write(ids, values)
    }

    pub fn unlink<M: Model>(&self, ids: impl AsRef<[i64]>) -> Execute<'_, bool> {
        self.model(M::MODEL).unlink(ids)
    }

    /// The fields of `M` typed reads leave out for the signed-in user (see
    /// [`crate::odoo::OdooClient::left_out_fields`]).
    pub fn left_out_fields<M: Model>(&self) -> Result<Vec<&'static str>> {
        block_on(self.exec().rt, self.inner.left_out_fields::<M>())?
    }

    /// Forget what the client learnt about the user's rights (see
    /// [`crate::odoo::OdooClient::refresh_read_access`]).
    pub fn refresh_read_access(&self) {
        self.inner.refresh_read_access();
    }

    /// Compare the bindings of `M` with the server (see [`crate::odoo::OdooClient::verify`]).
    pub fn verify<M: Model>(&self) -> Result<crate::odoo::verify::DriftReport> {
        block_on(self.exec().rt, self.inner.verify::<M>())?
    }

    /// Compare many models (see [`crate::odoo::OdooClient::verify_models`]).
    pub fn verify_models(
        &self,
        models: &[crate::odoo::verify::ModelSpec],
    ) -> Result<crate::odoo::verify::DriftReport> {
        block_on(self.exec().rt, self.inner.verify_models(models))?
    }
}
