//! [`FakeOdooBuilder`]: what a fake Odoo starts with (databases, users, fixtures, seeds).

use std::fmt;
use std::path::PathBuf;

use serde_json::Value;

use crate::odoo::Config;

use super::FakeOdoo;

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
/// | [`ADMIN_LOGIN`](crate::odoo::ADMIN_LOGIN) | [`ADMIN_PASSWORD`](crate::odoo::ADMIN_PASSWORD) | [`ADMIN_API_KEY`](crate::odoo::ADMIN_API_KEY) | 2 |
/// | [`DEMO_LOGIN`](crate::odoo::DEMO_LOGIN) | [`DEMO_PASSWORD`](crate::odoo::DEMO_PASSWORD) | [`DEMO_API_KEY`](crate::odoo::DEMO_API_KEY) | [`OdooVersion::demo_uid`] |
/// | [`PORTAL_LOGIN`](crate::odoo::PORTAL_LOGIN) | [`PORTAL_PASSWORD`](crate::odoo::PORTAL_PASSWORD) | [`PORTAL_API_KEY`](crate::odoo::PORTAL_API_KEY) | `demo_uid() + 1` |
/// | [`SALESMAN_LOGIN`](crate::odoo::SALESMAN_LOGIN) | [`SALESMAN_PASSWORD`](crate::odoo::SALESMAN_PASSWORD) | [`SALESMAN_API_KEY`](crate::odoo::SALESMAN_API_KEY) | [`OdooVersion::salesman_uid`] |
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
    pub(super) cfg: Config,
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
    /// tables), as [`SALESMAN_LOGIN`](crate::odoo::SALESMAN_LOGIN) is answered. Creates the user if
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
    /// `search_read` pages through something real: see [`LARGE_DEMO`](crate::odoo::LARGE_DEMO) for the
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
