//! The Odoo client: connect once, then call the ORM.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use url::Url;

use super::access::AccessCache;
use super::answer::AnswerError;
use super::auth;
use super::context::Context;
use super::mode::{Async, Blocking, Exec};
use super::request::{Execute, ModelHandle, Read, Search, SearchCount, SearchRead};
use super::transport::{self, Call, Connection, Transport, TransportKind};
use super::version::ServerVersion;
use crate::error::{Error, Result};
use crate::http::{HttpClient, HttpConfig, Idempotency, RetryPolicy, parse_base_url};
use crate::odoo::domain::Domain;
use crate::odoo::model::{CreateValues, Model, UpdateValues};
use crate::secret::Secret;

/// Which database to use: a name, or [`DbChoice::Auto`] to take the only one the
/// server lists (`db.list`). Built from `&str`/`String` (an empty name means
/// `Auto`) and from `Option`s of those.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum DbChoice {
    #[default]
    Auto,
    Named(String),
}

impl From<&str> for DbChoice {
    fn from(s: &str) -> Self {
        if s.trim().is_empty() {
            DbChoice::Auto
        } else {
            DbChoice::Named(s.to_owned())
        }
    }
}
impl From<String> for DbChoice {
    fn from(s: String) -> Self {
        DbChoice::from(s.as_str())
    }
}
impl From<&String> for DbChoice {
    fn from(s: &String) -> Self {
        DbChoice::from(s.as_str())
    }
}
impl<T: Into<DbChoice>> From<Option<T>> for DbChoice {
    fn from(o: Option<T>) -> Self {
        o.map_or(DbChoice::Auto, Into::into)
    }
}

/// Configures and connects a client: an [`OdooClient`] (`connect().await`) or a
/// [`blocking::OdooClient`](crate::blocking::OdooClient) (`connect()`).
///
/// ```no_run
/// # async fn f() -> runtime::Result<()> {
/// use std::time::Duration;
/// use runtime::odoo::{Context, OdooClient};
/// let client = OdooClient::builder("https://erp.example.com")
///     .database("prod")
///     .login("bot@example.com")
///     .api_key(std::env::var("ODOO_API_KEY").unwrap_or_default())
///     .timeout(Duration::from_secs(60))
///     .context(Context::new().lang("fr_FR"))
///     .connect()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ClientBuilder<X = Async> {
    pub(crate) url: String,
    pub(crate) db: DbChoice,
    pub(crate) login: Option<String>,
    pub(crate) secret: Option<Secret>,
    pub(crate) transport: Option<TransportKind>,
    pub(crate) http: HttpConfig,
    pub(crate) context: Context,
    pub(crate) check_read_access: bool,
    pub(crate) _mode: PhantomData<fn() -> X>,
}

impl<X: Exec> ClientBuilder<X> {
    pub(crate) fn new(url: impl Into<String>) -> Self {
        ClientBuilder {
            url: url.into(),
            db: DbChoice::Auto,
            login: None,
            secret: None,
            transport: None,
            http: HttpConfig::default(),
            context: Context::new(),
            check_read_access: true,
            _mode: PhantomData,
        }
    }

    /// The database; without one, the server's only database is used.
    pub fn database(mut self, db: impl Into<DbChoice>) -> Self {
        self.db = db.into();
        self
    }

    /// The user's login (e.g. `admin` or an e-mail address).
    pub fn login(mut self, login: impl Into<String>) -> Self {
        self.login = Some(login.into());
        self
    }

    /// Authenticate with a password.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.secret = Some(Secret::password(password));
        self
    }

    /// Authenticate with an API key (selects JSON-2 on Odoo 19+).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.secret = Some(Secret::api_key(key));
        self
    }

    /// Authenticate with a [`Secret`] built elsewhere.
    pub fn secret(mut self, secret: Secret) -> Self {
        self.secret = Some(secret);
        self
    }

    /// Force a transport instead of the automatic choice (see [`TransportKind`]).
    pub fn transport(mut self, kind: TransportKind) -> Self {
        self.transport = Some(kind);
        self
    }

    /// Timeout for each whole request (default 120 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.http.timeout = timeout;
        self
    }

    /// Timeout for opening a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.http.connect_timeout = timeout;
        self
    }

    /// The context sent with every call (per-call contexts are merged over it).
    pub fn context(mut self, context: Context) -> Self {
        self.context = context;
        self
    }

    /// Allow plain `http://` to a host that is not loopback. Credentials then
    /// cross the network unencrypted: only for trusted networks.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.http.allow_insecure_http = allow;
        self
    }

    /// How reads are retried (writes never are).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.http.retry = policy;
        self
    }

    /// Shortcut for the retry policy's total attempts for reads.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.http.retry = self.http.retry.max_attempts(attempts);
        self
    }

    /// Whether typed reads ask only for the fields the signed-in user may read (default:
    /// `true`). The client learns them once per model (see [`super::access`]); turn it off
    /// for a user who may read every field (an admin bot) to save those requests.
    pub fn check_read_access(mut self, check: bool) -> Self {
        self.check_read_access = check;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.http.user_agent = agent.into();
        self
    }

    /// Log in and hand the connection to a client of mode `mode`.
    async fn connect_in(self, mode: X) -> Result<Client<X>> {
        let base = parse_base_url(&self.url, self.http.allow_insecure_http)?;
        let login = self
            .login
            .filter(|l| !l.is_empty())
            .ok_or_else(|| Error::config("no login given: call .login(..)"))?;
        let secret = self.secret.ok_or_else(|| {
            Error::config("no password or API key given: call .password(..) or .api_key(..)")
        })?;
        let http = HttpClient::new(&self.http)?;
        let version = auth::detect_version(&http, &base).await?;
        let db = match self.db {
            DbChoice::Named(db) => db,
            DbChoice::Auto => auth::pick_database(&http, &base).await?,
        };
        let kind = transport::choose(self.transport, &secret, &version)?;
        let conn = Arc::new(Connection::new(http, base, db, login, secret));
        let (transport, uid) = auth::login(conn.clone(), kind).await?;
        tracing::debug!(
            url = %conn.base, db = %conn.db, login = %conn.login, uid, version = %version.version, transport = ?kind,
            "connected to Odoo"
        );
        Ok(Client {
            shared: Arc::new(Shared {
                conn,
                transport,
                uid,
                version,
                access: self.check_read_access.then(AccessCache::default),
            }),
            context: self.context,
            mode,
        })
    }
}

impl ClientBuilder<Async> {
    /// Detect the version, pick the database and transport, and log in.
    pub async fn connect(self) -> Result<OdooClient> {
        self.connect_in(Async).await
    }
}

impl ClientBuilder<Blocking> {
    /// Detect the version, pick the database and transport, and log in (on the runtime the
    /// blocking client then keeps).
    pub fn connect(self) -> Result<crate::blocking::OdooClient> {
        let mode = Blocking::start()?;
        mode.clone().block_on(self.connect_in(mode))?
    }
}

struct Shared {
    conn: Arc<Connection>,
    transport: Box<dyn Transport>,
    uid: Option<i64>,
    version: ServerVersion,
    /// What the user may read (`None`: the check is turned off).
    access: Option<AccessCache>,
}

/// An authenticated connection to one Odoo database, in mode `X`: the async
/// [`OdooClient`] (`Client<Async>`, builders are awaited) or the
/// [`blocking::OdooClient`](crate::blocking::OdooClient) (`Client<Blocking>`, builders end
/// in `.call()`). Every method is written once for both.
///
/// Cheap to clone (the connection is shared); [`Client::with_context`]
/// gives a clone with a different default context.
#[derive(Clone)]
pub struct Client<X = Async> {
    shared: Arc<Shared>,
    context: Context,
    pub(crate) mode: X,
}

/// The async Odoo client: `client.read::<SaleOrder>(&ids).await?`.
pub type OdooClient = Client<Async>;

impl<X: Exec> std::fmt::Debug for Client<X> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.shared;
        f.debug_struct(X::CLIENT)
            .field("url", &s.conn.base.as_str())
            .field("db", &s.conn.db)
            .field("login", &s.conn.login)
            .field("uid", &s.uid)
            .field("secret", &s.conn.secret)
            .field("version", &s.version.version)
            .field("transport", &s.transport.kind())
            .field("context", &self.context)
            .finish()
    }
}

/// Methods that only read: these are retried on temporary failures.
pub(crate) fn idempotency_of(method: &str) -> Idempotency {
    match method {
        "search" | "search_read" | "read" | "search_count" | "fields_get" | "name_search"
        | "read_group" | "web_search_read" | "web_read" => Idempotency::Retry,
        _ => Idempotency::Never,
    }
}

/// A call before the client's context is merged in.
#[derive(Clone)]
pub(crate) struct CallSpec {
    pub model: String,
    pub method: String,
    pub args: Vec<Value>,
    pub kwargs: Map<String, Value>,
    pub context: Option<Context>,
    /// An error found while building (e.g. values that do not serialize), reported at send.
    pub pending: Option<Arc<Error>>,
}

/// The call's values may hold secrets (`res.users.change_password(old, new)`, a `write` of
/// `password`): Debug shows what is called and the shape of its arguments, never their values.
impl std::fmt::Debug for CallSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallSpec")
            .field("model", &self.model)
            .field("method", &self.method)
            .field("args", &format_args!("<{} values>", self.args.len()))
            .field("kwargs", &self.kwargs.keys().collect::<Vec<_>>())
            .field("pending", &self.pending)
            .finish_non_exhaustive()
    }
}

impl CallSpec {
    pub fn new(model: &str, method: &str, args: Vec<Value>) -> Self {
        CallSpec {
            model: model.to_owned(),
            method: method.to_owned(),
            args,
            kwargs: Map::new(),
            context: None,
            pending: None,
        }
    }

    pub fn kwarg(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.kwargs.insert(key.to_owned(), value.into());
        self
    }
}

impl Client<Async> {
    /// Connect and log in: `db` is a name or `None`/`""` for the server's only
    /// database; `secret` is [`Secret::password`] or [`Secret::api_key`].
    pub async fn connect(
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
            .await
    }
}

impl<X: Exec> Client<X> {
    /// A builder for every other setting.
    pub fn builder(url: impl Into<String>) -> ClientBuilder<X> {
        ClientBuilder::new(url)
    }

    /// What the server reported at connect.
    pub fn server_version(&self) -> &ServerVersion {
        &self.shared.version
    }

    pub(crate) fn access_cache(&self) -> Option<&AccessCache> {
        self.shared.access.as_ref()
    }

    /// The transport in use.
    pub fn transport(&self) -> TransportKind {
        self.shared.transport.kind()
    }

    pub fn database(&self) -> &str {
        &self.shared.conn.db
    }

    pub fn login(&self) -> &str {
        &self.shared.conn.login
    }

    /// The logged-in user's id (`None` only if a JSON-2 server did not reveal it).
    pub fn uid(&self) -> Option<i64> {
        self.shared.uid
    }

    pub fn url(&self) -> &Url {
        &self.shared.conn.base
    }

    /// The context sent with every call.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Replace the default context.
    pub fn set_context(&mut self, context: Context) {
        self.context = context;
    }

    /// A clone whose default context has `context`'s keys merged over this one's.
    pub fn with_context(&self, context: &Context) -> Client<X> {
        Client {
            shared: self.shared.clone(),
            context: self.context.merged(context),
            mode: self.mode.clone(),
        }
    }

    /// The same connection and context in another mode: no new login.
    pub(crate) fn to_mode<Y: Exec>(&self, mode: Y) -> Client<Y> {
        Client {
            shared: self.shared.clone(),
            context: self.context.clone(),
            mode,
        }
    }

    /// Untyped ORM calls on one model: `client.model("res.partner").search_read(domain).limit(5).await?`.
    pub fn model(&self, model: &str) -> ModelHandle<'_, X> {
        ModelHandle::new(self, model)
    }

    /// Any method, `execute_kw` style: positional `args` and keyword `kwargs` (a
    /// JSON object, or `null`). Only the read methods listed for retries are retried.
    pub fn execute_kw<R: DeserializeOwned>(
        &self,
        model: &str,
        method: &str,
        args: Vec<Value>,
        kwargs: Value,
    ) -> Execute<'_, R, X> {
        self.model(model).execute_kw(method, args, kwargs)
    }

    /// A business method on records (`action_confirm`, `message_post`, ...):
    /// `ids` go first, every other argument in `kwargs` (which JSON-2 requires).
    pub fn call<R: DeserializeOwned>(
        &self,
        model: &str,
        method: &str,
        ids: impl AsRef<[i64]>,
        kwargs: Value,
    ) -> Execute<'_, R, X> {
        self.model(model).call(method, ids, kwargs)
    }

    /// Odoo 19's API documentation of one model (`GET /doc-bearer/<model>.json`):
    /// fields and every public method with its signature, annotations and docs.
    /// Needs Odoo 19+, an API key (it is a bearer route) and the group
    /// `api_doc.group_allow_doc`; any other case is an error, never a panic.
    pub fn api_doc<'a>(&'a self, model: &'a str) -> X::Output<'a, Value> {
        self.mode.finish(Box::pin(self.api_doc_async(model)))
    }

    async fn api_doc_async(&self, model: &str) -> Result<Value> {
        let conn = &self.shared.conn;
        if self.shared.version.major < 19 {
            return Err(Error::config(format!(
                "api_doc exists from Odoo 19 on; this server is {}",
                self.shared.version.serie
            )));
        }
        if !conn.secret.is_api_key() {
            return Err(Error::config(
                "api_doc is a bearer route: connect with an API key to read it",
            ));
        }
        self.bearer_json(&["doc-bearer", &format!("{model}.json")])
            .await
            .map_err(|e| e.with_target(model, "api_doc"))
    }

    /// Typed `search_read`: asks for `M::FIELDS` (stored fields, for generated models), plus
    /// what `.with(handle)` / `.all_fields()` add.
    pub fn search_read<M: Model>(&self, domain: impl Into<Domain>) -> SearchRead<'_, M, X> {
        typed_search_read(self.model(M::MODEL), domain)
    }

    /// Typed `read` of `ids` (missing ids are simply absent from the answer).
    pub fn read<M: Model>(&self, ids: impl AsRef<[i64]>) -> Read<'_, M, X> {
        typed_read(self.model(M::MODEL), ids)
    }

    /// Download one binary field of one record (an image, an attachment's `datas`), base64
    /// decoded: `client.download(res_partner::fields::image_128(), id)`. `None` when empty.
    pub fn download<M: Model>(
        &self,
        field: crate::odoo::fields::BinaryField<M>,
        id: i64,
    ) -> Execute<'_, Option<crate::odoo::wire::Binary>, X> {
        super::binary::download(self.model(M::MODEL), field, id)
    }

    /// The size of one binary field of one record, without downloading it (`bin_size`).
    pub fn binary_size<M: Model>(
        &self,
        field: crate::odoo::fields::BinaryField<M>,
        id: i64,
    ) -> Execute<'_, Option<super::binary::BinarySize>, X> {
        super::binary::size(self.model(M::MODEL), field, id)
    }

    pub fn search<M: Model>(&self, domain: impl Into<Domain>) -> Search<'_, X> {
        self.model(M::MODEL).search(domain)
    }

    pub fn search_count<M: Model>(&self, domain: impl Into<Domain>) -> SearchCount<'_, X> {
        self.model(M::MODEL).search_count(domain)
    }

    /// Create one record; answers its id.
    pub fn create<V: CreateValues>(&self, values: &V) -> Execute<'_, i64, X> {
        self.model(<V::Model as Model>::MODEL).create(values)
    }

    /// Create several records in one call; answers their ids in order.
    pub fn create_many<V: CreateValues>(&self, values: &[V]) -> Execute<'_, Vec<i64>, X> {
        self.model(<V::Model as Model>::MODEL).create_many(values)
    }

    /// Write the same values on every record of `ids`.
    pub fn write<V: UpdateValues>(
        &self,
        ids: impl AsRef<[i64]>,
        values: &V,
    ) -> Execute<'_, bool, X> {
        self.model(<V::Model as Model>::MODEL).write(ids, values)
    }

    pub fn unlink<M: Model>(&self, ids: impl AsRef<[i64]>) -> Execute<'_, bool, X> {
        self.model(M::MODEL).unlink(ids)
    }

    /// The kind of secret the client signed in with (bearer routes take API keys only).
    pub fn secret_kind(&self) -> crate::secret::SecretKind {
        self.shared.conn.secret.kind()
    }

    /// `GET` a JSON document from a route authenticated by the API key as a bearer token
    /// (`auth='bearer'` controllers, e.g. Odoo 19's `api_doc`: `["doc-bearer", "index.json"]`),
    /// with `X-Odoo-Database`. `path` is appended to the server URL segment by segment.
    /// A client signed in with a password gets a config error (Odoo accepts only API keys
    /// there); an HTTP error answer is a typed error with its status (`404` when the route
    /// does not exist, e.g. the module is not installed). Reads are retried like ORM reads.
    pub fn get_bearer_json<'a>(&'a self, path: &'a [&'a str]) -> X::Output<'a, Value> {
        self.mode.finish(Box::pin(self.bearer_json(path)))
    }

    async fn bearer_json(&self, path: &[&str]) -> Result<Value> {
        use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
        let conn = &self.shared.conn;
        if conn.secret.kind() != crate::secret::SecretKind::ApiKey {
            return Err(Error::config(
                "bearer routes authenticate with an API key only: sign in with Secret::api_key(..)",
            ));
        }
        let url = crate::http::endpoint(&conn.base, path);
        let auth = transport::json2::bearer(conn)?;
        let db = HeaderValue::from_str(&conn.db)
            .map_err(|_| Error::config("the database name cannot go in an HTTP header"))?;
        tracing::debug!(url = %url, "odoo bearer GET");
        let resp = conn
            .http
            .send(Idempotency::Retry, |c| {
                c.get(url.clone())
                    .header(AUTHORIZATION, auth.clone())
                    .header("X-Odoo-Database", db.clone())
                    .header(ACCEPT, "application/json")
            })
            .await
            .map_err(|e| e.redact(conn.secret.expose_secret()))?;
        super::fault::parse_json2(&resp).map_err(|e| e.redact(conn.secret.expose_secret()))
    }

    /// Run one call: merge contexts, send, and attach model/method to errors.
    pub(crate) async fn run(&self, spec: CallSpec) -> Result<Value> {
        let call = self.prepare(spec)?;
        let transport = &self.shared.transport;
        tracing::debug!(model = %call.model, method = %call.method, transport = ?transport.kind(), "odoo call");
        let result = transport.execute_kw(&call).await;
        result.map_err(|e| self.failed(e, &call))
    }

    /// Run a call without side effects and decode its answer into `T` directly (no `Value`
    /// in between); a result of another shape is a decode error saying `expected {what}`.
    pub(crate) async fn run_as<T: DeserializeOwned>(
        &self,
        spec: CallSpec,
        what: &str,
    ) -> Result<T> {
        let call = self.prepare(spec)?;
        let transport = &self.shared.transport;
        tracing::debug!(model = %call.model, method = %call.method, transport = ?transport.kind(), "odoo call");
        let answer = transport
            .execute_kw_raw(&call)
            .await
            .map_err(|e| self.failed(e, &call))?;
        answer.decode::<T>().map_err(|e| match e {
            AnswerError::Call(e) => self.failed(e, &call),
            AnswerError::Shape(e) => Error::decode(e, format!("expected {what}"))
                .with_target(call.model.clone(), call.method.clone()),
        })
    }

    fn failed(&self, e: Error, call: &Call) -> Error {
        let e = e
            .redact(self.shared.conn.secret.expose_secret())
            .with_target(call.model.clone(), call.method.clone());
        tracing::debug!(error = %e, "odoo call failed");
        e
    }

    /// Merge contexts into the call's kwargs.
    fn prepare(&self, spec: CallSpec) -> Result<Call> {
        let CallSpec {
            model,
            method,
            args,
            mut kwargs,
            context,
            pending,
        } = spec;
        if let Some(e) = pending {
            let e = Error::new(e.kind(), e.message().to_owned());
            return Err(e.with_target(model, method));
        }
        let mut ctx = match &context {
            Some(c) => self.context.merged(c),
            None => self.context.clone(),
        };
        // A context passed inside raw kwargs is the most specific of all.
        if let Some(explicit) = kwargs.remove("context") {
            ctx.merge(&Context::from(explicit));
        }
        if !ctx.is_empty() {
            kwargs.insert("context".into(), Value::Object(ctx.into_map()));
        }
        Ok(Call {
            idempotency: idempotency_of(&method),
            model,
            method,
            args,
            kwargs,
        })
    }
}

pub(crate) fn typed_search_read<'a, M: Model, X: Exec>(
    h: ModelHandle<'a, X>,
    domain: impl Into<Domain>,
) -> SearchRead<'a, M, X> {
    h.search_read(domain)
        .fields(M::FIELDS)
        .into_typed::<M>()
        .readable_only()
}

pub(crate) fn typed_read<'a, M: Model, X: Exec>(
    h: ModelHandle<'a, X>,
    ids: impl AsRef<[i64]>,
) -> Read<'a, M, X> {
    h.read(ids)
        .fields(M::FIELDS)
        .into_typed::<M>()
        .readable_only()
}

/// Serialize values for the wire, deferring a failure to send time.
pub(crate) fn to_value_or_pending(values: &impl Serialize) -> (Value, Option<Arc<Error>>) {
    match serde_json::to_value(values) {
        Ok(v) => (v, None),
        Err(e) => (
            Value::Null,
            Some(Arc::new(Error::decode(
                e,
                "the values do not serialize to JSON",
            ))),
        ),
    }
}

#[cfg(test)]
mod call_spec_debug_tests {
    use serde_json::json;

    use super::CallSpec;

    #[test]
    fn debug_never_shows_argument_values() {
        let mut spec = CallSpec::new(
            "res.users",
            "change_password",
            vec![json!("old-secret-pw"), json!("new-secret-pw")],
        );
        spec.kwargs.insert("password".into(), json!("kw-secret-pw"));
        let shown = format!("{spec:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(
            shown.contains("change_password") && shown.contains("<2 values>"),
            "{shown}"
        );
    }
}
