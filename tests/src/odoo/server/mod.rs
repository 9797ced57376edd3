//! The HTTP side: starting the server (served by `crate::fake`), routing, sessions,
//! authentication, and what each fault looks like on Odoo's wire.

mod builder;
mod json2;
mod jsonrpc;
mod serving;

pub use builder::FakeOdooBuilder;
pub(crate) use jsonrpc::orm_call;
use serving::handle;

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Value, json};

use crate::fake::HttpServer;

use super::access::Rights;
use super::errors::Via;
use super::fixtures::{self, Fixtures, Obj};
use super::store::Store;
use super::{
    ADMIN_API_KEY, ADMIN_LOGIN, ADMIN_PASSWORD, ADMIN_UID, Config, DEMO_API_KEY, DEMO_LOGIN,
    DEMO_PASSWORD, Faults, OdooVersion, PORTAL_API_KEY, PORTAL_LOGIN, PORTAL_PASSWORD,
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
    session_epoch: AtomicU64,
    faults: Faults,
    /// The server's cores, when a [`CostModel`](super::CostModel) charges requests.
    cpu: super::cost::CpuGate,
    requests: Mutex<Vec<RecordedRequest>>,
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
    server: HttpServer,
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
        let shared = Arc::new(Shared {
            fx,
            version: cfg.version,
            dbs: cfg.databases.clone(),
            users,
            store: Mutex::new(store),
            sessions: Mutex::new(HashMap::new()),
            faults: Faults::default(),
            cpu: super::cost::CpuGate::default(),
            session_epoch: AtomicU64::new(0),
            requests: Mutex::new(Vec::new()),
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
        let thread_shared = shared.clone();
        let server = HttpServer::start("fake-odoo", listener, move |req| {
            handle(thread_shared.clone(), req)
        })?;
        Ok(FakeOdoo { shared, server })
    }

    /// The state the server thread shares (for the typed helpers in `typed.rs`).
    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
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
        self.server.connections_accepted()
    }

    /// The stored records of `model`, by id, as stored: many2one values as plain ids, x2many as
    /// id lists, fields never set absent.
    pub fn records(&self, model: &str) -> Vec<Value> {
        lock(&self.shared.store)
            .records(model)
            .map(|r| r.values().map(|rec| Value::Object(rec.clone())).collect())
            .unwrap_or_default()
    }

    /// The ids of the records of `model` held now.
    pub fn record_ids(&self, model: &str) -> std::collections::HashSet<i64> {
        self.records(model)
            .iter()
            .filter_map(|r| r["id"].as_i64())
            .collect()
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

    /// Charge requests and reads what a real server charges ([`CostModel::odoo18`], or one of
    /// its parts; see `cost.rs` for the recorded timings), or nothing (`None`, the default).
    ///
    /// [`CostModel::odoo18`]: super::CostModel::odoo18
    pub fn set_cost_model(&self, model: Option<super::CostModel>) {
        lock(&self.shared.store).cost = model;
    }

    /// Invalidate every web session: the next call with an old cookie gets
    /// `odoo.http.SessionExpiredException` (code 100).
    pub fn expire_sessions(&self) {
        self.shared.session_epoch.fetch_add(1, Ordering::SeqCst);
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
