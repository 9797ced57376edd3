//! The HTTP side: a hyper server on its own thread and tokio runtime (so `start()` works from
//! plain and async tests alike), routing, sessions, authentication and fault injection.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::sync::{Notify, watch};

use super::access::{Access, Rights};
use super::errors::{Errors, OdooError, Via, werkzeug};
use super::fixtures::{self, Fixtures, Obj};
use super::orm::{Env, Orm};
use super::store::Store;
use super::{
    ADMIN_API_KEY, ADMIN_LOGIN, ADMIN_PASSWORD, ADMIN_UID, Config, DEMO_API_KEY, DEMO_LOGIN,
    DEMO_PASSWORD, Fault, Faults, OdooVersion, PORTAL_API_KEY, PORTAL_LOGIN, PORTAL_PASSWORD,
    RecordedRequest, SALESMAN_API_KEY, SALESMAN_LOGIN, SALESMAN_PASSWORD, User,
};

/// The page a reverse proxy (nginx) answers when Odoo is down.
const BAD_GATEWAY_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// werkzeug's 404 page, for routes that do not exist on the version (e.g. JSON-2 before 19).
const NOT_FOUND_PAGE: &str = "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n";

const JSON: &str = "application/json; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

/// A web session (the `session_id` cookie).
struct Session {
    uid: Option<i64>,
    db: Option<String>,
    epoch: u64,
}

/// State shared by the server thread and the [`FakeOdoo`] handle.
pub(crate) struct Shared {
    fx: Arc<Fixtures>,
    version: OdooVersion,
    dbs: Vec<String>,
    users: Vec<User>,
    store: Mutex<Store>,
    sessions: Mutex<HashMap<String, Session>>,
    session_epoch: Arc<AtomicU64>,
    faults: Faults,
    requests: Mutex<Vec<RecordedRequest>>,
    connections: AtomicUsize,
    counter: AtomicU64,
    /// `/doc-bearer/*` is served (Odoo 19 with `api_doc` installed).
    api_doc: bool,
    /// The recorded rights tables (`access/rights.json`), if the fixtures have them.
    rights: Option<Arc<Rights>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A running fake Odoo server; it stops (and its thread is joined) on drop.
pub struct FakeOdoo {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

/// Configures a [`FakeOdoo`] before starting it.
///
/// # Signing in as a least-privileged user
///
/// Besides the administrator, every server has the users of the recordings, each answered with
/// its recorded groups (`access/rights.json`; see `access.rs` for what is enforced): `demo`
/// (Marc Demo), `portal` (Joel Willis) and `salesman`, the integration user with only "Sales /
/// User: Own Documents Only" and "Internal User". Each signs in with its password (on
/// `/jsonrpc` and `/web/session/authenticate`) or its API key (on `/jsonrpc` and as the JSON-2
/// bearer on 19):
///
/// | login | password | API key | uid |
/// |---|---|---|---|
/// | [`ADMIN_LOGIN`](super::ADMIN_LOGIN) | [`ADMIN_PASSWORD`](super::ADMIN_PASSWORD) | [`ADMIN_API_KEY`](super::ADMIN_API_KEY) | 2 |
/// | [`DEMO_LOGIN`](super::DEMO_LOGIN) | [`DEMO_PASSWORD`](super::DEMO_PASSWORD) | [`DEMO_API_KEY`](super::DEMO_API_KEY) | [`OdooVersion::demo_uid`] |
/// | [`PORTAL_LOGIN`](super::PORTAL_LOGIN) | [`PORTAL_PASSWORD`](super::PORTAL_PASSWORD) | [`PORTAL_API_KEY`](super::PORTAL_API_KEY) | `demo_uid() + 1` |
/// | [`SALESMAN_LOGIN`](super::SALESMAN_LOGIN) | [`SALESMAN_PASSWORD`](super::SALESMAN_PASSWORD) | [`SALESMAN_API_KEY`](super::SALESMAN_API_KEY) | [`OdooVersion::salesman_uid`] |
///
/// ```
/// use runtime::Secret;
/// use runtime::odoo::OdooClient;
/// use tests::odoo::{FakeOdoo, OdooVersion, SALESMAN_API_KEY, SALESMAN_LOGIN, SALESMAN_PASSWORD};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let odoo = FakeOdoo::builder(OdooVersion::V18).start();
/// let salesman = OdooClient::connect(
///     odoo.url(),
///     odoo.db(),
///     SALESMAN_LOGIN,
///     Secret::password(SALESMAN_PASSWORD), // or Secret::api_key(SALESMAN_API_KEY)
/// )
/// .await
/// .unwrap();
/// # let _ = (salesman, SALESMAN_API_KEY);
/// // reading a field restricted to other groups fails as on a real server:
/// // "You do not have enough rights to access the fields ..."
/// # }
/// ```
///
/// Another set of groups: [`user_groups`](FakeOdooBuilder::user_groups). What a user may do,
/// asked of the running server without a request: [`FakeOdoo::user_may`],
/// [`FakeOdoo::readable_fields`].
pub struct FakeOdooBuilder {
    cfg: Config,
}

impl fmt::Debug for FakeOdooBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeOdooBuilder")
            .field("version", &self.cfg.version)
            .field("databases", &self.cfg.databases)
            .field(
                "users",
                &self.cfg.users.iter().map(|(l, _)| l).collect::<Vec<_>>(),
            )
            .field("fixtures_dir", &self.cfg.fixtures_dir)
            .field("seed_demo", &self.cfg.seed_demo)
            .field("seed_demo_large", &self.cfg.seed_demo_large)
            .field("listen", &self.cfg.listen)
            .field("alter_fields", &self.cfg.alter_fields)
            .field("removed_models", &self.cfg.removed_models)
            .field("api_doc", &self.cfg.api_doc)
            .finish()
    }
}

impl fmt::Debug for FakeOdoo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeOdoo")
            .field("url", &self.url())
            .field("version", &self.shared.version)
            .field("databases", &self.shared.dbs)
            .finish()
    }
}

impl FakeOdooBuilder {
    /// Serve a single database named `name` (instead of `erp<major>`).
    pub fn database(mut self, name: impl Into<String>) -> Self {
        self.cfg.databases = vec![name.into()];
        self
    }

    /// Serve several databases (all share one store); `db.list` returns them and the first is
    /// [`FakeOdoo::db`]. JSON-2 then needs `X-Odoo-Database`, as on a real multi-database server.
    pub fn databases<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        if !names.is_empty() {
            self.cfg.databases = names;
        }
        self
    }

    /// Add a user, or change the password of an existing one (`admin`, `demo`, `portal`).
    /// New users are not administrators.
    pub fn user(mut self, login: impl Into<String>, password: impl Into<String>) -> Self {
        self.cfg.users.push((login.into(), password.into()));
        self
    }

    /// Answer `login` with the rights of `groups` (xml ids such as
    /// `"sales_team.group_sale_salesman"`; implied groups are added from the recorded rights
    /// tables), as [`SALESMAN_LOGIN`](super::SALESMAN_LOGIN) is answered. Creates the user if
    /// needed: give it a password with [`user`](Self::user) or a key with
    /// [`api_key`](Self::api_key). On `admin` this takes its administrator status away.
    pub fn user_groups<S: Into<String>>(
        mut self,
        login: impl Into<String>,
        groups: impl IntoIterator<Item = S>,
    ) -> Self {
        self.cfg
            .user_groups
            .push((login.into(), groups.into_iter().map(Into::into).collect()));
        self
    }

    /// Give `login` an API key (accepted on `/jsonrpc` and as a JSON-2 bearer).
    pub fn api_key(mut self, login: impl Into<String>, key: impl Into<String>) -> Self {
        self.cfg.api_keys.push((login.into(), key.into()));
        self
    }

    /// Read fixtures from `dir` (the folder holding `odoo-<major>/`) instead of the crate's
    /// `fixtures/` (or `$ERPBIND_FAKE_ODOO_FIXTURES`).
    pub fn fixtures_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cfg.fixtures_dir = Some(dir.into());
        self
    }

    /// Start with the recorded demo records (default) or an empty store. Model metadata
    /// (`ir.model`, `ir.model.fields`, `fields_get`) is there either way.
    pub fn seed_demo(mut self, seed: bool) -> Self {
        self.cfg.seed_demo = seed;
        self
    }

    /// Answer the business method `model.method` with `value` (on any ids, over every
    /// transport), instead of the built-in behaviour or the "method does not exist" error. No
    /// real server was recorded running business methods: give the answer your app expects,
    /// e.g. the action dict of `action_view_invoice`.
    pub fn method_result(mut self, model: &str, method: &str, value: Value) -> Self {
        self.cfg
            .method_results
            .push((model.to_owned(), method.to_owned(), value));
        self
    }

    /// Also seed a few hundred synthetic records grown from the recorded ones, so that
    /// `search_read` pages through something real: see [`LARGE_DEMO`](super::LARGE_DEMO) for the
    /// counts. Off by default (tests count on the recorded demo records); on in the `fake-erp`
    /// binary. Needs [`seed_demo`](Self::seed_demo) (the default).
    pub fn seed_demo_large(mut self, large: bool) -> Self {
        self.cfg.seed_demo_large = large;
        self
    }

    /// Listen on `port` (default 0: a free port the OS picks; read it back with
    /// [`FakeOdoo::url`] or [`FakeOdoo::addr`]).
    pub fn port(mut self, port: u16) -> Self {
        self.cfg.listen.set_port(port);
        self
    }

    /// Listen on `ip` instead of 127.0.0.1. The fake server has no real security: bind a
    /// non-loopback address only on a network you trust.
    pub fn bind(mut self, ip: std::net::IpAddr) -> Self {
        self.cfg.listen.set_ip(ip);
        self
    }

    /// Also serve `n` synthetic models, `x_synthetic.model_0000` ... (in `ir.model`,
    /// `ir.model.fields` and `fields_get`), each with the fields of a recorded model taken in
    /// turn: a server with as many models as a large database, for schema readers' benchmarks.
    pub fn extra_models(mut self, n: usize) -> Self {
        self.cfg.extra_models = n;
        self
    }

    /// Change the schema the server describes: `change` is merged key by key over the
    /// `fields_get` description of `model.field` (`{"type": "integer"}` retypes it, a key set to
    /// `null` is removed; a field that did not exist is added), and `null` instead of an object
    /// removes the field. For testing drift checks and schema readers against a server whose
    /// schema moved away from the bindings'. Applies to `fields_get`, `ir.model.fields` and the
    /// ORM's validation alike.
    pub fn alter_field(
        mut self,
        model: impl Into<String>,
        field: impl Into<String>,
        change: Value,
    ) -> Self {
        self.cfg
            .alter_fields
            .push((model.into(), field.into(), change));
        self
    }

    /// Serve without `model` (no `ir.model` row, no `fields_get`, calls fail as for an unknown
    /// model).
    pub fn remove_model(mut self, model: impl Into<String>) -> Self {
        self.cfg.removed_models.push(model.into());
        self
    }

    /// Odoo 19: serve the `api_doc` module's `/doc-bearer/index.json` and
    /// `/doc-bearer/<model>.json` (default), or answer them 404 as a server without the module
    /// installed does. No effect before 19 (the routes do not exist there).
    pub fn api_doc(mut self, installed: bool) -> Self {
        self.cfg.api_doc = installed;
        self
    }

    /// Bind 127.0.0.1 on a free port (or what [`port`](Self::port) / [`bind`](Self::bind)
    /// say) and serve; returns once the socket listens.
    ///
    /// # Panics
    /// When the fixtures cannot be read or the port cannot be bound (a broken test setup); use
    /// [`try_start`](Self::try_start) to get that as an error.
    pub fn start(self) -> FakeOdoo {
        self.try_start().unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`start`](Self::start), with unreadable fixtures or a port in use as an error.
    pub fn try_start(self) -> std::io::Result<FakeOdoo> {
        FakeOdoo::launch(self.cfg)
    }
}

impl FakeOdoo {
    /// Start a server posing as `version` with the defaults (`builder(version).start()`).
    pub fn start(version: OdooVersion) -> FakeOdoo {
        FakeOdoo::builder(version).start()
    }

    /// Configure a server posing as `version`.
    pub fn builder(version: OdooVersion) -> FakeOdooBuilder {
        FakeOdooBuilder {
            cfg: Config {
                version,
                databases: vec![version.default_db()],
                users: Vec::new(),
                user_groups: Vec::new(),
                api_keys: Vec::new(),
                fixtures_dir: None,
                seed_demo: true,
                seed_demo_large: false,
                listen: SocketAddr::from(([127, 0, 0, 1], 0)),
                extra_models: 0,
                alter_fields: Vec::new(),
                removed_models: Vec::new(),
                api_doc: true,
                method_results: Vec::new(),
            },
        }
    }

    fn launch(cfg: Config) -> std::io::Result<FakeOdoo> {
        let root = cfg
            .fixtures_dir
            .clone()
            .unwrap_or_else(fixtures::default_root);
        let mut fx = fixtures::load(&root, cfg.version).map_err(std::io::Error::other)?;
        if cfg.extra_models > 0 {
            fx = Arc::new(fx.with_synthetic_models(cfg.extra_models));
        }
        if !cfg.alter_fields.is_empty() || !cfg.removed_models.is_empty() {
            fx = Arc::new(fx.with_changes(&cfg.alter_fields, &cfg.removed_models));
        }
        let rights = Rights::load(&fx.dir, cfg.version).map_err(std::io::Error::other)?;
        let users = build_users(&cfg, rights.as_deref());
        let mut store = Store::default();
        for row in &fx.ir_models {
            store.put("ir.model", row.clone());
        }
        if cfg.seed_demo {
            let demo = fx.demo();
            for (model, rows) in &demo.records {
                let data = store.model_mut(model);
                for row in rows {
                    if let Some(id) = row.get("id").and_then(Value::as_i64) {
                        data.records.insert(id, row.clone());
                    }
                }
                data.touch();
            }
            for (model, id, name) in &demo.names {
                store.names.insert((model.clone(), *id), name.clone());
            }
            // before growing, so that its records keep their ids with or without the large demo
            super::base_data::add_base_data(&fx, &mut store);
            if cfg.seed_demo_large {
                super::grow::grow(&fx, &mut store);
            }
            super::referenced::add_referenced(&fx, &mut store);
        }
        for user in &users {
            if store.get("res.users", user.uid).is_none()
                && cfg.users.iter().any(|(l, _)| *l == user.login)
            {
                let mut rec = Obj::new();
                rec.insert("id".into(), user.uid.into());
                rec.insert("login".into(), user.login.clone().into());
                rec.insert("name".into(), user.name.clone().into());
                rec.insert("partner_id".into(), user.partner_id.into());
                rec.insert("active".into(), true.into());
                store.put("res.users", rec);
            }
        }
        for (model, method, value) in &cfg.method_results {
            store
                .method_results
                .insert((model.clone(), method.clone()), value.clone());
        }
        let session_epoch = Arc::new(AtomicU64::new(0));
        let shared = Arc::new(Shared {
            fx,
            version: cfg.version,
            dbs: cfg.databases.clone(),
            users,
            store: Mutex::new(store),
            sessions: Mutex::new(HashMap::new()),
            faults: Faults::new(session_epoch.clone()),
            session_epoch,
            requests: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            counter: AtomicU64::new(0),
            api_doc: cfg.api_doc,
            rights,
        });

        let listener = std::net::TcpListener::bind(cfg.listen).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("fake Odoo: cannot bind {}: {e}", cfg.listen),
            )
        })?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (tx, rx) = watch::channel(false);
        let thread_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name(format!("fake-odoo-{}", addr.port()))
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("fake-odoo-worker")
                    .enable_all()
                    .build()
                    .expect("fake Odoo: cannot build a tokio runtime");
                rt.block_on(accept_loop(listener, thread_shared, rx));
                rt.shutdown_timeout(Duration::from_millis(500));
            })?;
        Ok(FakeOdoo {
            shared,
            addr,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// The state the server thread shares (for the typed helpers in `typed.rs`).
    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The default database (`erp16` ... `erp19`, as recorded, unless configured).
    pub fn db(&self) -> &str {
        &self.shared.dbs[0]
    }

    /// Every database served (`db.list`).
    pub fn databases(&self) -> &[String] {
        &self.shared.dbs
    }

    /// The version the server poses as.
    pub fn version(&self) -> OdooVersion {
        self.shared.version
    }

    /// The fault switches.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// The uid of `login`, if that user exists.
    pub fn uid(&self, login: &str) -> Option<i64> {
        self.shared
            .users
            .iter()
            .find(|u| u.login == login)
            .map(|u| u.uid)
    }

    /// Whether `login` may `operation` (`"read"`, `"write"`, `"create"`, `"unlink"`) records
    /// of `model`, as the server decides it for that user's calls (`ir.model.access.check`,
    /// without a request: not counted in [`requests`](Self::requests)). `false` for an unknown
    /// user.
    pub fn user_may(&self, login: &str, model: &str, operation: &str) -> bool {
        let Some(uid) = self.uid(login) else {
            return false;
        };
        orm_call(&self.shared, uid, Via::Rpc, |orm| {
            orm.call_kw(
                "ir.model.access",
                "check",
                vec![json!(model), json!(operation), json!(false)],
                fixtures::Obj::new(),
            )
        })
        .is_ok_and(|v| v == Value::Bool(true))
    }

    /// The fields of `model` that `login` may read, sorted: what `fields_get` lists for that
    /// user (without a request). `None` for an unknown user or model.
    pub fn readable_fields(&self, login: &str, model: &str) -> Option<Vec<String>> {
        let uid = self.uid(login)?;
        let fields = orm_call(&self.shared, uid, Via::Rpc, |orm| {
            orm.call_kw(model, "fields_get", Vec::new(), fixtures::Obj::new())
        })
        .ok()?;
        Some(fields.as_object()?.keys().cloned().collect())
    }

    /// Every request received so far, oldest first (secrets redacted).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// How many requests were received (faulted ones included).
    pub fn request_count(&self) -> usize {
        lock(&self.shared.requests).len()
    }

    /// Forget the requests received so far.
    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// TCP connections accepted so far (to prove that a client reuses connections).
    pub fn connections_accepted(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// The stored records of `model`, by id, as stored: many2one values as plain ids, x2many as
    /// id lists, fields never set absent.
    pub fn records(&self, model: &str) -> Vec<Value> {
        lock(&self.shared.store)
            .records(model)
            .map(|r| r.values().map(|rec| Value::Object(rec.clone())).collect())
            .unwrap_or_default()
    }

    /// Answer the business method `model.method` with `value` from now on (see
    /// [`FakeOdooBuilder::method_result`]).
    pub fn set_method_result(&self, model: &str, method: &str, value: Value) {
        lock(&self.shared.store)
            .method_results
            .insert((model.to_owned(), method.to_owned()), value);
    }

    /// Store a record as given, without validation (a `[id, "name"]` many2one pair is kept as
    /// the id, its name remembered for reads). Uses `values["id"]` if present, else the next id.
    /// The model need not exist: unknown models become schemaless ones that accept any field.
    ///
    /// # Panics
    /// If `values` is not a JSON object.
    pub fn insert(&self, model: &str, values: Value) -> i64 {
        let Value::Object(mut rec) = values else {
            panic!("FakeOdoo::insert: values for {model} must be a JSON object");
        };
        let mut store = lock(&self.shared.store);
        store.materialize(&self.shared.fx, model);
        self.normalize(&mut store, model, &mut rec);
        let fields = self.shared.fx.fields_get(model).unwrap_or_default();
        default_active(&fields, &mut rec);
        default_complete_name(&store, model, &fields, &mut rec);
        let id = store.put(model, rec);
        let rec = store.get(model, id).cloned();
        store.sync_inverse(&self.shared.fx, model, id, None, rec.as_ref());
        id
    }

    /// Seed `n` records made by `make(i)` in one go (e.g. 100,000 partners).
    ///
    /// # Panics
    /// If `make` returns something other than a JSON object.
    pub fn seed_many(&self, model: &str, n: usize, make: impl Fn(usize) -> Value) {
        let mut store = lock(&self.shared.store);
        store.materialize(&self.shared.fx, model);
        let fields = self.shared.fx.fields_get(model).unwrap_or_default();
        let mut names = Vec::new();
        let mut rows = Vec::with_capacity(n);
        for i in 0..n {
            let Value::Object(mut rec) = make(i) else {
                panic!("FakeOdoo::seed_many: record {i} of {model} must be a JSON object");
            };
            fixtures::normalize_record(&fields, &mut rec, &mut names);
            default_active(&fields, &mut rec);
            default_complete_name(&store, model, &fields, &mut rec);
            rows.push(rec);
        }
        let data = store.model_mut(model);
        for mut rec in rows {
            let id = match rec.get("id").and_then(Value::as_i64) {
                Some(id) => {
                    data.next_id = data.next_id.max(id.saturating_add(1));
                    id
                }
                None => data.allocate_id(),
            };
            rec.insert("id".into(), id.into());
            data.records.insert(id, rec);
        }
        data.touch();
        for (m, id, name) in names {
            store.names.insert((m, id), name);
        }
    }

    fn normalize(&self, store: &mut Store, model: &str, rec: &mut Obj) {
        let fields = self.shared.fx.fields_get(model).unwrap_or_default();
        let mut names = Vec::new();
        fixtures::normalize_record(&fields, rec, &mut names);
        for (m, id, name) in names {
            store.names.insert((m, id), name);
        }
    }

    /// Hide records of `model` from every user but the administrators, as a record rule would:
    /// searches leave them out, `read` of them is the `AccessError` a real server raises, and
    /// a nested read (`web_read`/`web_search_read`) treats them as Odoo 17-19 do (see the
    /// module docs).
    pub fn deny_read(&self, model: &str, ids: impl IntoIterator<Item = i64>) {
        let mut store = lock(&self.shared.store);
        for id in ids {
            store.read_denied.insert((model.to_string(), id));
        }
    }

    /// Charge reads what a real server charges (per record, per field asked for; see
    /// [`CostModel::odoo18`](super::CostModel::odoo18)), or nothing (`None`, the default).
    pub fn set_cost_model(&self, model: Option<super::CostModel>) {
        lock(&self.shared.store).cost = model;
    }

    /// Invalidate every web session cookie (same as `faults().expire_sessions()`).
    pub fn expire_sessions(&self) {
        self.shared.faults.expire_sessions();
    }
}

impl Drop for FakeOdoo {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A row inserted without `active` is active, as the column default makes it in a database
/// (archived records are hidden from searches by `active_test`).
fn default_active(fields: &Obj, rec: &mut Obj) {
    if fields.contains_key("active") && !rec.contains_key("active") {
        rec.insert("active".into(), Value::Bool(true));
    }
}

/// A row inserted with a `name` but no `complete_name` gets the one Odoo would compute (the
/// name, after the parent's for a contact), since models like res.partner order by it.
fn default_complete_name(store: &Store, model: &str, fields: &Obj, rec: &mut Obj) {
    if !fields.contains_key("complete_name") || rec.contains_key("complete_name") {
        return;
    }
    let Some(Value::String(name)) = rec.get("name") else {
        return;
    };
    let parent = rec
        .get("parent_id")
        .and_then(Value::as_i64)
        .filter(|p| store.get(model, *p).is_some());
    let complete = match parent {
        Some(p) if model == "res.partner" && rec.get("is_company") != Some(&Value::Bool(true)) => {
            format!("{}, {name}", store.display_name(model, p))
        }
        Some(p) if model != "res.partner" => format!("{} / {name}", store.display_name(model, p)),
        _ => name.clone(),
    };
    rec.insert("complete_name".into(), Value::String(complete));
}

fn build_users(cfg: &Config, rights: Option<&Rights>) -> Vec<User> {
    let v = cfg.version;
    let demo = v.demo_uid();
    let recorded = |login: &str| rights.and_then(|r| r.user_groups(login)).map(Arc::new);
    let mut users = vec![
        User {
            uid: ADMIN_UID,
            login: ADMIN_LOGIN.into(),
            password: ADMIN_PASSWORD.into(),
            api_keys: vec![ADMIN_API_KEY.into()],
            name: "Mitchell Admin".into(),
            partner_id: 3,
            is_admin: true,
            groups: None,
        },
        User {
            uid: demo,
            login: DEMO_LOGIN.into(),
            password: DEMO_PASSWORD.into(),
            api_keys: vec![DEMO_API_KEY.into()],
            name: "Marc Demo".into(),
            partner_id: demo + 1,
            is_admin: false,
            groups: recorded(DEMO_LOGIN),
        },
        User {
            uid: demo + 1,
            login: PORTAL_LOGIN.into(),
            password: PORTAL_PASSWORD.into(),
            api_keys: vec![PORTAL_API_KEY.into()],
            name: "Joel Willis".into(),
            partner_id: demo + 2,
            is_admin: false,
            groups: recorded(PORTAL_LOGIN),
        },
        // the recordings' least-privileged user; its partner is not among the recorded records
        User {
            uid: v.salesman_uid(),
            login: SALESMAN_LOGIN.into(),
            password: SALESMAN_PASSWORD.into(),
            api_keys: vec![SALESMAN_API_KEY.into()],
            name: "Salesman".into(),
            partner_id: v.salesman_uid() + 1000,
            is_admin: false,
            groups: recorded(SALESMAN_LOGIN),
        },
    ];
    let add = |users: &mut Vec<User>, login: &str, password: Option<&str>| -> usize {
        if let Some(i) = users.iter().position(|u| u.login == login) {
            if let Some(p) = password {
                users[i].password = p.to_string();
            }
            return i;
        }
        let uid = users
            .iter()
            .map(|u| u.uid)
            .max()
            .unwrap_or(ADMIN_UID)
            .max(100)
            + 1;
        users.push(User {
            uid,
            login: login.to_string(),
            // a user created only to hold an API key cannot log in with a password
            password: password.map(str::to_string).unwrap_or_default(),
            api_keys: Vec::new(),
            name: login.to_string(),
            partner_id: uid + 1000,
            is_admin: false,
            groups: None,
        });
        users.len() - 1
    };
    for (login, password) in &cfg.users {
        add(&mut users, login, Some(password));
    }
    for (login, key) in &cfg.api_keys {
        let i = add(&mut users, login, None);
        users[i].api_keys.push(key.clone());
    }
    for (login, groups) in &cfg.user_groups {
        let i = add(&mut users, login, None);
        users[i].groups = rights.map(|r| Arc::new(r.closure(groups.iter().cloned())));
        users[i].is_admin = false;
    }
    users
}

// ------------------------------------------------------------------------------------ serving

async fn accept_loop(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    mut rx: watch::Receiver<bool>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        tokio::select! {
            _ = rx.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    shared.connections.fetch_add(1, Ordering::SeqCst);
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(serve_connection(stream, shared.clone(), rx.clone()));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            },
        }
    }
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    shared: Arc<Shared>,
    mut rx: watch::Receiver<bool>,
) {
    let abort = Arc::new(Notify::new());
    let svc = {
        let abort = abort.clone();
        service_fn(move |req| handle(shared.clone(), abort.clone(), req))
    };
    let conn = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), svc);
    tokio::select! {
        _ = conn => {}
        // dropping the connection closes the socket: the client gets no answer at all
        _ = abort.notified() => {}
        _ = rx.changed() => {}
    }
}

/// A response body that can also break off mid-way (the truncate fault).
pub(crate) struct FakeBody {
    data: Option<Bytes>,
    fail: bool,
}

impl Body for FakeBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Some(data) = this.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        if this.fail {
            this.fail = false;
            return Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "fake Odoo: response cut mid-body",
            ))));
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && !self.fail
    }

    fn size_hint(&self) -> SizeHint {
        match (&self.data, self.fail) {
            (Some(d), false) => SizeHint::with_exact(d.len() as u64),
            (None, false) => SizeHint::with_exact(0),
            _ => SizeHint::default(),
        }
    }
}

/// An answer before it becomes an HTTP response.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    fn json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            content_type: JSON,
            body: serde_json::to_vec(value).unwrap_or_default(),
            headers: Vec::new(),
        }
    }

    fn html(status: u16, text: &str) -> Reply {
        Reply {
            status,
            content_type: HTML,
            body: text.as_bytes().to_vec(),
            headers: Vec::new(),
        }
    }

    fn into_response(self, cut: Cut) -> Response<FakeBody> {
        let len = self.body.len();
        let mut body = Bytes::from(self.body);
        let truncate = cut == Cut::MidBody;
        if cut != Cut::None {
            body.truncate(len / 2);
        }
        let mut builder = Response::builder()
            .status(StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
            .header(header::CONTENT_TYPE, self.content_type)
            .header(header::SERVER, "Werkzeug/3.0.1 Python/3.12.3");
        if truncate {
            builder = builder.header(header::CONTENT_LENGTH, len.to_string());
        }
        for (k, v) in self.headers {
            builder = builder.header(k, v);
        }
        builder
            .body(FakeBody {
                data: Some(body),
                fail: truncate,
            })
            .unwrap_or_else(|_| {
                Response::new(FakeBody {
                    data: None,
                    fail: false,
                })
            })
    }
}

async fn handle(
    shared: Arc<Shared>,
    abort: Arc<Notify>,
    req: Request<Incoming>,
) -> Result<Response<FakeBody>, Infallible> {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or_default().to_string();
    let headers = req.headers().clone();
    let body = match req.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    let index = shared.record(describe(&method, &path, parsed.as_ref()));

    let latency = shared.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let costed =
        (shared.faults.server_cost()).map(|cost| (cost, describe(&method, &path, parsed.as_ref())));
    let fault = shared.faults.take();
    let answering = std::time::Instant::now();
    let (reply, cut) = match &fault {
        Some(Fault::Drop) => {
            shared.finish(index, 0, Some("drop".into()));
            abort.notify_one();
            std::future::pending::<()>().await;
            unreachable!("the connection is dropped before this resolves");
        }
        Some(Fault::Html502) => (Reply::html(502, BAD_GATEWAY_PAGE), Cut::None),
        Some(Fault::Status(code, retry_after)) => {
            let text = format!(
                "<html><body><h1>{code} {}</h1></body></html>\n",
                super::errors::reason(*code)
            );
            let mut reply = Reply::html(*code, &text);
            if let Some(secs) = retry_after {
                reply.headers.push(("retry-after", secs.to_string()));
            }
            (reply, Cut::None)
        }
        Some(Fault::Truncate) => (
            route(&shared, &method, &path, &query, &headers, &body, parsed),
            Cut::MidBody,
        ),
        Some(Fault::MalformedJson) => (
            route(&shared, &method, &path, &query, &headers, &body, parsed),
            Cut::WellFramed,
        ),
        None => (
            route(&shared, &method, &path, &query, &headers, &body, parsed),
            Cut::None,
        ),
    };
    // `route` answers synchronously on this thread; what its reads cost is taken before any
    // await (the task may move threads) and waited here, less the time the fake itself took
    // (the model stands for the server's whole time).
    // With the request-level model on too, that cost is spent on the server's one core in
    // place of its flat per-row rate, so no read is charged twice.
    let charged = super::cost::take();
    let owed = charged.saturating_sub(answering.elapsed());
    match &costed {
        Some((cost, req)) => {
            let fields_read = (!charged.is_zero()).then_some(charged);
            shared
                .faults
                .cpu
                .charge(cost, req, &reply.body, fields_read, answering)
                .await;
        }
        None if !owed.is_zero() => tokio::time::sleep(owed).await,
        None => {}
    }
    let fault_name = fault.map(|f| match f {
        Fault::Drop => "drop".to_string(),
        Fault::Truncate => "truncate".to_string(),
        Fault::MalformedJson => "malformed_json".to_string(),
        Fault::Html502 => "html_502".to_string(),
        Fault::Status(code, _) => format!("status {code}"),
    });
    shared.finish(index, reply.status, fault_name);
    Ok(reply.into_response(cut))
}

/// How much of an answer's body goes out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cut {
    /// All of it.
    None,
    /// Half, under a `Content-Length` announcing all of it, then the connection closes.
    MidBody,
    /// Half, under a `Content-Length` of that half: a complete HTTP answer holding cut JSON.
    WellFramed,
}

/// What a request is, for [`RecordedRequest`] (secrets redacted).
fn describe(method: &Method, path: &str, body: Option<&Value>) -> RecordedRequest {
    let mut rec = RecordedRequest {
        http_method: method.as_str().to_string(),
        path: path.to_string(),
        service: None,
        service_method: None,
        model: None,
        method: None,
        params: Value::Null,
        context: None,
        status: 0,
        fault: None,
    };
    let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
    if let Some(rest) = path.strip_prefix("/json/2/") {
        let mut parts = rest.splitn(2, '/');
        rec.model = parts.next().map(str::to_string);
        rec.method = parts.next().map(str::to_string);
        rec.params = body.cloned().unwrap_or(Value::Null);
        rec.context = body.and_then(|b| b.get("context")).cloned();
        return rec;
    }
    let Some(mut params) = body.and_then(|b| b.get("params")).cloned() else {
        return rec;
    };
    if path == "/jsonrpc" {
        rec.service = s(params.get("service"));
        rec.service_method = s(params.get("method"));
        if let Some(args) = params.get_mut("args").and_then(Value::as_array_mut) {
            if args.len() > 2 && matches!(rec.service.as_deref(), Some("object") | Some("common")) {
                args[2] = Value::String("<secret>".into());
            }
            if rec.service.as_deref() == Some("object") {
                rec.model = s(args.get(3));
                rec.method = s(args.get(4));
                if rec.service_method.as_deref() == Some("execute_kw") {
                    rec.context = args.get(6).and_then(|k| k.get("context")).cloned();
                }
            }
        }
    } else if path.starts_with("/web/dataset/call_kw") {
        rec.model = s(params.get("model"));
        rec.method = s(params.get("method"));
        rec.context = params.get("kwargs").and_then(|k| k.get("context")).cloned();
    } else if path == "/web/session/authenticate"
        && let Some(p) = params.get_mut("password")
    {
        *p = Value::String("<secret>".into());
    }
    rec.params = params;
    rec
}

impl Shared {
    fn record(&self, rec: RecordedRequest) -> usize {
        let mut requests = lock(&self.requests);
        requests.push(rec);
        requests.len() - 1
    }

    fn finish(&self, index: usize, status: u16, fault: Option<String>) {
        if let Some(r) = lock(&self.requests).get_mut(index) {
            r.status = status;
            r.fault = fault;
        }
    }

    fn errors(&self) -> Errors<'_> {
        Errors { fx: &self.fx }
    }

    fn user_by_uid(&self, uid: i64) -> Option<&User> {
        self.users.iter().find(|u| u.uid == uid)
    }

    /// `res.users._check_credentials` for RPC: the password or one of the user's API keys.
    fn check_secret(&self, user: &User, secret: &str) -> bool {
        (!user.password.is_empty() && user.password == secret)
            || user.api_keys.iter().any(|k| k == secret)
    }

    fn new_session_id(&self) -> String {
        use std::hash::{BuildHasher, Hasher};
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        let mut out = String::with_capacity(40);
        let state = std::collections::hash_map::RandomState::new();
        for part in 0..3u64 {
            let mut h = state.build_hasher();
            h.write_u64(n);
            h.write_u64(part);
            h.write_u128(
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0),
            );
            out.push_str(&format!("{:016x}", h.finish()));
        }
        out.truncate(40);
        out
    }

    fn rpc_code(&self) -> i64 {
        self.errors().rpc_code()
    }
}

fn route(
    shared: &Shared,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: &[u8],
    parsed: Option<Value>,
) -> Reply {
    if let Some(rest) = path.strip_prefix("/json/2") {
        if !shared.version.has_json2() {
            return Reply::html(404, NOT_FOUND_PAGE);
        }
        return json2(shared, method, rest, headers, parsed);
    }
    if let Some(name) = path.strip_prefix("/doc-bearer/")
        && shared.version.has_json2()
        && shared.api_doc
    {
        return api_doc(shared, name, headers);
    }
    if super::web_routes::serves(path) {
        let uid = session_uid(shared, headers);
        let caller = super::web_routes::Caller {
            uid,
            is_admin: uid
                .and_then(|u| shared.user_by_uid(u))
                .is_some_and(|u| u.is_admin),
        };
        let store = lock(&shared.store);
        return match super::web_routes::answer(&shared.fx, &store, &caller, path, query) {
            Some(img) => Reply {
                status: img.status,
                content_type: img.content_type,
                body: img.body,
                headers: img.headers,
            },
            None => Reply::html(404, NOT_FOUND_PAGE),
        };
    }
    match path {
        "/web/version" if shared.version.has_json2() => {
            let info = shared
                .fx
                .server_version
                .get("server_version_info")
                .cloned()
                .unwrap_or(Value::Null);
            Reply::json(
                200,
                &json!({"version_info": info, "version": shared.version.as_str()}),
            )
        }
        "/jsonrpc"
        | "/web/session/authenticate"
        | "/web/session/get_session_info"
        | "/web/session/destroy"
        | "/web/database/list"
        | "/web/webclient/version_info" => jsonrpc_route(shared, path, headers, body, parsed),
        p if p == "/web/dataset/call_kw" || p.starts_with("/web/dataset/call_kw/") => {
            jsonrpc_route(shared, path, headers, body, parsed)
        }
        _ => Reply::html(404, NOT_FOUND_PAGE),
    }
}

// ------------------------------------------------------------------------------------ JSON-RPC

fn rpc_ok(id: &Value, result: Value) -> Reply {
    Reply::json(200, &json!({"jsonrpc": "2.0", "id": id, "result": result}))
}

fn rpc_err(id: &Value, code: i64, message: &str, e: &OdooError) -> Reply {
    Reply::json(
        200,
        &json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message, "data": e.data()}}),
    )
}

/// The logged-in user of the request's unexpired session cookie, if any.
fn session_uid(shared: &Shared, headers: &HeaderMap) -> Option<i64> {
    let sid = cookie_session(headers)?;
    let sessions = lock(&shared.sessions);
    let s = sessions.get(&sid)?;
    s.uid
        .filter(|_| s.epoch == shared.session_epoch.load(Ordering::SeqCst))
}

fn session_cookie(sid: &str) -> (&'static str, String) {
    let expires = SystemTime::now() + Duration::from_secs(604_800);
    (
        "set-cookie",
        format!(
            "session_id={sid}; Expires={}; Max-Age=604800; HttpOnly; Path=/",
            http_date(expires)
        ),
    )
}

fn cookie_session(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|line| {
            line.split(';')
                .find_map(|part| part.trim().strip_prefix("session_id=").map(str::to_string))
        })
}

fn jsonrpc_route(
    shared: &Shared,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
    parsed: Option<Value>,
) -> Reply {
    let Some(request) = parsed else {
        let _ = body;
        return Reply::html(400, "Invalid JSON data");
    };
    let code = shared.rpc_code();
    let Value::Object(request) = request else {
        let e = OdooError::synthetic(
            "builtins.AttributeError",
            format!(
                "'{}' object has no attribute 'get'",
                if request.is_array() { "list" } else { "str" }
            ),
        );
        return rpc_err(&Value::Null, code, "Odoo Server Error", &e);
    };
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let params = match request.get("params") {
        Some(Value::Object(p)) => p.clone(),
        _ => Obj::new(),
    };
    let answer = |r: Result<Value, OdooError>| match r {
        Ok(v) => rpc_ok(&id, v),
        Err(e) => rpc_err(&id, code, "Odoo Server Error", &e),
    };
    match path {
        "/jsonrpc" => answer(dispatch_rpc(shared, &params)),
        "/web/webclient/version_info" => {
            let sid = match cookie_session(headers)
                .filter(|sid| lock(&shared.sessions).contains_key(sid))
            {
                Some(sid) => sid,
                None => {
                    let sid = shared.new_session_id();
                    let epoch = shared.session_epoch.load(Ordering::SeqCst);
                    lock(&shared.sessions).insert(
                        sid.clone(),
                        Session {
                            uid: None,
                            db: None,
                            epoch,
                        },
                    );
                    sid
                }
            };
            let mut reply = rpc_ok(&id, shared.fx.server_version.clone());
            reply.headers.push(session_cookie(&sid));
            reply
        }
        "/web/session/authenticate" => web_authenticate(shared, &id, &params),
        // auth="none": the same list as `db.list`
        "/web/database/list" => answer(dispatch_rpc(
            shared,
            &super::orm::obj(json!({"service": "db", "method": "list", "args": []})),
        )),
        "/web/session/destroy" => {
            if let Some(sid) = cookie_session(headers) {
                lock(&shared.sessions).remove(&sid);
            }
            rpc_ok(&id, Value::Null)
        }
        _ => {
            // auth='user' routes: a valid, logged-in, unexpired session or SessionExpired
            let session = cookie_session(headers).and_then(|sid| {
                let sessions = lock(&shared.sessions);
                let s = sessions.get(&sid)?;
                let valid = s.epoch == shared.session_epoch.load(Ordering::SeqCst);
                Some((sid.clone(), s.uid.filter(|_| valid)?, s.db.clone()))
            });
            let Some((sid, uid, db)) = session else {
                // recorded: the answer to a refused session has "id": null
                return rpc_err(
                    &Value::Null,
                    100,
                    "Odoo Session Expired",
                    &shared.errors().session_expired(),
                );
            };
            let mut reply = if path == "/web/session/get_session_info" {
                rpc_ok(
                    &id,
                    session_info(shared, uid, db.as_deref().unwrap_or(&shared.dbs[0])),
                )
            } else {
                let model = params
                    .get("model")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let method = params
                    .get("method")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let args = params
                    .get("args")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let kwargs = match params.get("kwargs") {
                    Some(Value::Object(k)) => k.clone(),
                    _ => Obj::new(),
                };
                answer(orm_call(shared, uid, Via::Rpc, |orm| {
                    orm.call_kw(&model, &method, args, kwargs)
                }))
            };
            if shared.version >= OdooVersion::V18 {
                reply.headers.push(session_cookie(&sid));
            }
            reply
        }
    }
}

pub(crate) fn orm_call(
    shared: &Shared,
    uid: i64,
    via: Via,
    f: impl FnOnce(&mut Orm) -> Result<Value, OdooError>,
) -> Result<Value, OdooError> {
    let user = shared.user_by_uid(uid);
    let is_admin = user.is_some_and(|u| u.is_admin);
    let access = match (
        shared.rights.as_deref(),
        user.and_then(|u| u.groups.as_deref()),
    ) {
        (Some(rights), Some(groups)) if !is_admin => Some(Access { rights, groups }),
        _ => None,
    };
    let mut store = lock(&shared.store);
    let mut orm = Orm {
        env: Env {
            fx: &shared.fx,
            uid,
            is_admin,
            access,
            via,
            lang: None,
        },
        store: &mut store,
    };
    f(&mut orm)
}

fn unknown_db(db: &str) -> OdooError {
    OdooError::synthetic(
        "psycopg2.OperationalError",
        format!(
            "connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  database \"{db}\" does not exist\n"
        ),
    )
}

fn missing_args(func: &str, names: &[&str]) -> OdooError {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    let list = match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    };
    let plural = if names.len() == 1 {
        "argument"
    } else {
        "arguments"
    };
    OdooError::synthetic(
        "builtins.TypeError",
        format!(
            "{func}() missing {} required positional {plural}: {list}",
            names.len()
        ),
    )
}

/// `odoo.http.dispatch_rpc(service, method, args)`.
fn dispatch_rpc(shared: &Shared, params: &Obj) -> Result<Value, OdooError> {
    let service = params.get("service").and_then(Value::as_str);
    let method = params.get("method").and_then(Value::as_str);
    let args = params.get("args").and_then(Value::as_array);
    let (Some(service), Some(method), Some(args)) = (service, method, args) else {
        let missing: Vec<&str> = [
            ("service", service.is_none()),
            ("method", method.is_none()),
            ("args", args.is_none()),
        ]
        .iter()
        .filter(|(_, m)| *m)
        .map(|(n, _)| *n)
        .collect();
        return Err(missing_args("jsonrpc", &missing));
    };
    let arg_str = |i: usize| args.get(i).and_then(Value::as_str);
    match (service, method) {
        ("common", "version") => Ok(shared.fx.server_version.clone()),
        ("common", "about") => Ok(Value::String("See http://openerp.com".into())),
        ("common", "login" | "authenticate") => {
            let (Some(db), Some(login), Some(password)) = (arg_str(0), arg_str(1), arg_str(2))
            else {
                let names: &[&str] = &["db", "login", "password"];
                return Err(missing_args(
                    &format!("exp_{method}"),
                    &names[args.len().min(3)..],
                ));
            };
            if !shared.dbs.iter().any(|d| d == db) {
                return Err(unknown_db(db));
            }
            let user = shared.users.iter().find(|u| u.login == login);
            Ok(match user {
                Some(u) if shared.check_secret(u, password) => Value::from(u.uid),
                _ => Value::Bool(false),
            })
        }
        ("db", "list") => {
            let mut dbs = shared.dbs.clone();
            dbs.sort();
            Ok(json!(dbs))
        }
        ("db", "server_version") => Ok(Value::String(shared.version.as_str().into())),
        ("db", "db_exist") => Ok(Value::Bool(
            arg_str(0).is_some_and(|db| shared.dbs.iter().any(|d| d == db)),
        )),
        ("db", "list_lang") => Ok(json!([["en_US", "English (US)"]])),
        ("object", "execute_kw" | "execute") => {
            if args.len() < 5 {
                let names: &[&str] = &["db", "uid", "passwd", "model", "method"];
                return Err(missing_args(method, &names[args.len()..]));
            }
            let db = arg_str(0).unwrap_or_default();
            if !shared.dbs.iter().any(|d| d == db) {
                return Err(unknown_db(db));
            }
            let uid = args[1].as_i64();
            let secret = arg_str(2).unwrap_or_default();
            let Some(user) = uid
                .and_then(|uid| shared.user_by_uid(uid))
                .filter(|u| shared.check_secret(u, secret))
            else {
                return Err(shared.errors().access_denied());
            };
            let model = arg_str(3).unwrap_or_default().to_string();
            let orm_method = arg_str(4).unwrap_or_default().to_string();
            let (call_args, kwargs) = if method == "execute_kw" {
                let call_args = match args.get(5) {
                    Some(Value::Array(a)) => a.clone(),
                    None | Some(Value::Null) => Vec::new(),
                    Some(other) => vec![other.clone()],
                };
                let kwargs = match args.get(6) {
                    Some(Value::Object(k)) => k.clone(),
                    _ => Obj::new(),
                };
                (call_args, kwargs)
            } else {
                (args[5..].to_vec(), Obj::new())
            };
            orm_call(shared, user.uid, Via::Rpc, |orm| {
                orm.call_kw(&model, &orm_method, call_args, kwargs)
            })
        }
        ("object", other) => Err(OdooError::synthetic(
            "builtins.NameError",
            format!("Method not available {other}"),
        )),
        ("common", other) => Err(OdooError::synthetic(
            "builtins.KeyError",
            format!("'exp_{other}'"),
        )),
        ("db", other) => Err(OdooError::synthetic(
            "builtins.KeyError",
            format!("'exp_{other}'"),
        )),
        (other, _) => Err(OdooError::synthetic(
            "builtins.KeyError",
            format!("'{other}'"),
        )),
    }
}

fn web_authenticate(shared: &Shared, id: &Value, params: &Obj) -> Reply {
    let code = shared.rpc_code();
    let db = params.get("db").and_then(Value::as_str).unwrap_or_default();
    let login = params
        .get("login")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let password = params
        .get("password")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !shared.dbs.iter().any(|d| d == db) {
        let e = OdooError::synthetic("odoo.exceptions.AccessError", "Database not found.");
        return rpc_err(id, code, "Odoo Server Error", &e);
    }
    // interactive login: the password only, never an API key
    let user = shared
        .users
        .iter()
        .find(|u| u.login == login && !u.password.is_empty() && u.password == password);
    let Some(user) = user else {
        return rpc_err(
            id,
            code,
            "Odoo Server Error",
            &shared.errors().access_denied_web(),
        );
    };
    let sid = shared.new_session_id();
    let epoch = shared.session_epoch.load(Ordering::SeqCst);
    lock(&shared.sessions).insert(
        sid.clone(),
        Session {
            uid: Some(user.uid),
            db: Some(db.to_string()),
            epoch,
        },
    );
    let mut reply = rpc_ok(id, session_info(shared, user.uid, db));
    reply.headers.push(session_cookie(&sid));
    reply
}

/// The recorded `session_info` with this user and database patched in.
fn session_info(shared: &Shared, uid: i64, db: &str) -> Value {
    let mut info = shared
        .fx
        .recording("web.session.authenticate.ok")
        .and_then(|r| r.pointer("/response/result"))
        .cloned()
        .unwrap_or_else(|| json!({}));
    let Some(user) = shared.user_by_uid(uid) else {
        return info;
    };
    if let Value::Object(o) = &mut info {
        let partner_name = lock(&shared.store).display_name("res.partner", user.partner_id);
        let partner_name = if partner_name.starts_with("res.partner,") {
            user.name.clone()
        } else {
            partner_name
        };
        o.insert("uid".into(), uid.into());
        o.insert("db".into(), db.into());
        o.insert("name".into(), user.name.clone().into());
        o.insert("username".into(), user.login.clone().into());
        o.insert("partner_id".into(), user.partner_id.into());
        o.insert("partner_display_name".into(), partner_name.into());
        o.insert("is_admin".into(), user.is_admin.into());
        o.insert("is_system".into(), user.is_admin.into());
        if let Some(Value::Object(ctx)) = o.get_mut("user_context") {
            ctx.insert("uid".into(), uid.into());
        }
    }
    info
}

// ------------------------------------------------------------------------------------ JSON-2

fn json2_error(e: &OdooError) -> Reply {
    Reply::json(e.json2_status(), &e.data())
}

fn json2(
    shared: &Shared,
    method: &Method,
    rest: &str,
    headers: &HeaderMap,
    parsed: Option<Value>,
) -> Reply {
    let parts: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    let [model, orm_method] = parts.as_slice() else {
        return json2_error(&werkzeug(
            "NotFound",
            404,
            "Did you mean POST /json/2/<model>/<method>?",
        ));
    };
    if model.is_empty() || orm_method.is_empty() {
        return json2_error(&werkzeug(
            "NotFound",
            404,
            "Did you mean POST /json/2/<model>/<method>?",
        ));
    }
    // the database: X-Odoo-Database, or the only one; else the route does not exist
    let db = match headers.get("x-odoo-database").and_then(|v| v.to_str().ok()) {
        Some(db) => Some(db.to_string()),
        None if shared.dbs.len() == 1 => Some(shared.dbs[0].clone()),
        None => None,
    };
    if !db.is_some_and(|db| shared.dbs.contains(&db)) {
        let page = shared
            .fx
            .recording("json2.error.wrong_database")
            .and_then(|r| r.get("response"))
            .and_then(Value::as_str)
            .unwrap_or(NOT_FOUND_PAGE)
            .to_string();
        return Reply::html(404, &page);
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, key) = v.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| key.trim().to_string())
        });
    let Some(key) = bearer.filter(|k| !k.is_empty()) else {
        return json2_error(&shared.errors().json2_no_key());
    };
    // API keys only: a password is not a bearer
    let Some(user) = shared.users.iter().find(|u| u.api_keys.contains(&key)) else {
        return json2_error(&shared.errors().json2_wrong_key());
    };
    if method != Method::POST {
        return json2_error(&werkzeug(
            "MethodNotAllowed",
            405,
            "The method is not allowed for the requested URL.",
        ));
    }
    let Some(Value::Object(body)) = parsed else {
        return json2_error(&werkzeug(
            "BadRequest",
            400,
            "could not parse the body, expecting a json object",
        ));
    };
    match orm_call(shared, user.uid, Via::Json2, |orm| {
        orm.call_json2(model, orm_method, body)
    }) {
        Ok(v) => Reply::json(200, &v),
        Err(e) => json2_error(&e),
    }
}

/// Odoo 19's schema endpoints (`/doc-bearer/index.json`, `/doc-bearer/<model>.json`), answered
/// from the recorded `api_doc/` files (31 business models and the index).
fn api_doc(shared: &Shared, name: &str, headers: &HeaderMap) -> Reply {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim().to_string());
    let Some(key) = bearer.filter(|k| !k.is_empty()) else {
        return json2_error(&shared.errors().json2_no_key());
    };
    if !shared.users.iter().any(|u| u.api_keys.contains(&key)) {
        return json2_error(&shared.errors().json2_wrong_key());
    }
    let file = (!name.contains('/') && !name.starts_with('.'))
        .then(|| shared.fx.dir.join("api_doc").join(name))
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| serde_json::from_str::<Value>(&t).ok());
    match file {
        Some(rec) => {
            let status = rec
                .get("http_status")
                .and_then(Value::as_u64)
                .unwrap_or(200) as u16;
            Reply::json(status, rec.get("response").unwrap_or(&Value::Null))
        }
        None => json2_error(&werkzeug(
            "NotFound",
            404,
            "The requested URL was not found on the server.",
        )),
    }
}

/// An RFC 7231 date (`Sun, 28 Nov 2027 06:39:19 GMT`), as in Odoo's `Set-Cookie`.
fn http_date(t: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = super::dates::civil_from_days(days);
    format!(
        "{}, {d:02} {} {y} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[m as usize - 1],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
