//! A fake Odoo server for tests: the real wire protocols on 127.0.0.1, an in-memory database,
//! and switches to inject faults.
//!
//! Every envelope, HTTP status, header and error text comes from recordings of real Odoo 16, 17,
//! 18 and 19 servers (`tests/fixtures/odoo-<version>/rpc/`); the replay test
//! (`tests/tests/fake_odoo_server.rs`) sends each recorded request to the fake and compares.
//!
//! ```no_run
//! use tests::odoo::{FakeOdoo, OdooVersion, ADMIN_PASSWORD};
//!
//! let odoo = FakeOdoo::start(OdooVersion::V18);
//! let body = serde_json::json!({
//!     "jsonrpc": "2.0", "method": "call", "id": 1,
//!     "params": {"service": "common", "method": "authenticate",
//!                "args": [odoo.db(), "admin", ADMIN_PASSWORD, {}]},
//! });
//! // POST body to format!("{}/jsonrpc", odoo.url()) → {"jsonrpc": "2.0", "id": 1, "result": 2}
//! # let _ = body;
//! ```
//!
//! # Testing an app against it
//!
//! Start a server of its own on a free port, seed typed records (validated like a real
//! `create`), let the app under test talk to [`FakeOdoo::url`], inspect what it wrote (decoded
//! as the client decodes a `search_read` answer), switch faults on and off; dropping the handle
//! stops the server.
//!
//! ```
//! use std::time::Duration;
//! use generated::odoo::res_partner::{ResPartner, ResPartnerCreate};
//! use runtime::odoo::OdooClient;
//! use runtime::{Domain, Secret};
//! use tests::odoo::{ADMIN_PASSWORD, FakeOdoo, OdooVersion};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let odoo = FakeOdoo::builder(OdooVersion::V18) // .port(8069) for a fixed port
//!     .seed_demo(false) // an empty database; .seed_demo_large(true) for hundreds of records
//!     .start();
//! let acme = odoo.seed(&ResPartnerCreate::new().name("Acme").is_company(true));
//!
//! // the app under test, with the generated bindings
//! let client = OdooClient::connect(odoo.url(), odoo.db(), "admin", Secret::password(ADMIN_PASSWORD))
//!     .await
//!     .unwrap();
//! client.create(&ResPartnerCreate::new().name("Jane").parent_id(acme)).await.unwrap();
//!
//! let written: Vec<ResPartner> = odoo.search_as(Domain::leaf("parent_id", "=", acme));
//! assert_eq!(written[0].name.as_deref(), Some("Jane"));
//! assert_eq!(odoo.requests().last().and_then(|r| r.call()), Some(("res.partner", "create")));
//!
//! odoo.faults().html_502(1); // the next request gets a proxy's 502 page
//! odoo.faults().set_latency(Duration::from_millis(200));
//! odoo.faults().clear();
//! drop(odoo); // the server stops
//! # }
//! ```
//!
//! The same server runs as a program for apps in any language:
//! `cargo run -p tests --bin fake-erp -- odoo --version 18.0 --port 8069` (see `fake-erp --help`).
//! Third-party clients check it behaves like a real Odoo 18: OdooRPC and scripts that follow
//! Odoo's external API documentation (`tests/fidelity/`, run by `tests/tests/fidelity_python.rs`).
//!
//! Served:
//! - `POST /jsonrpc`: services `common` (version, authenticate, login), `db` (list,
//!   server_version, db_exist), `object` (execute_kw, execute);
//! - `POST /web/session/authenticate`, `/web/session/get_session_info`, `/web/session/destroy`,
//!   `/web/dataset/call_kw[/<model>/<method>]` (session cookie), `/web/webclient/version_info`;
//! - Odoo 19 only: `POST /json/2/<model>/<method>` (bearer API key), `GET /web/version`, and
//!   `GET /doc-bearer/<index|model>.json` (from the recorded `api_doc/`).
//!
//! ORM methods: `search`, `search_count`, `search_read`, `read`, `create`, `write`, `unlink`,
//! `fields_get`, `name_search`, `name_create`, `name_get` (16 only: it is gone from 17),
//! `check_access_rights`, `check_field_access_rights`, `ir.model.access.check`, `has_access`
//! (18-19), `res.users.context_get`, `ir.model.data.check_object_reference`,
//! `read_group`, `formatted_read_group` (19), `web_search_read`, `web_read` (17+), `default_get`,
//! `exists`, `copy`, `action_archive` / `action_unarchive`. Arguments bind by each method's
//! Python signature (positional or by name on JSON-RPC, by name only on JSON-2).
//!
//! Business methods (`action_confirm`, `action_post`, ...): a few built-ins that move a
//! document's state, and any answer a test configures with
//! [`FakeOdooBuilder::method_result`]; see `business.rs` for the list and the leniencies.
//!
//! # Fidelity notes (where the recordings or Odoo's code decided)
//!
//! - `read` of a missing id answers the existing records only (recorded: `[]`), while `write`
//!   on one raises the recorded `MissingError`. `unlink` of a missing id succeeds (a `DELETE` of
//!   nothing).
//! - The demo user's uid is 6 on 16-18 and 5 on 19, as in the recorded databases
//!   ([`OdooVersion::demo_uid`], [`FakeOdoo::uid`]).
//! - Error texts that changed between versions (unknown method, private method, invalid field
//!   "in leaf"/"in condition", missing required field, the JSON-RPC error code 200 vs 0 on 19)
//!   are those of the version served, adapted from its recordings.
//! - Required fields on `create`: a field must be given when it is required, stored, not computed
//!   or related, not readonly, of type many2one/char/text/html/date/datetime/reference, and not
//!   one a server fills itself (`company_id`, `currency_id`, `user_id`, `date`, `date_order`,
//!   `journal_id`, `picking_type_id`, `categ_id`, `uom_id`, ..., and sequence names such as
//!   `sale.order.name`). Booleans, numbers and selections always have a default in practice.
//!   Setting any stored required field to an empty value on `write` fails the same way.
//! - Values are converted like Odoo's `convert_to_cache`: `'abc'` into an integer is the recorded
//!   `invalid literal for int()` error, a bad selection or many2one value is
//!   `Wrong value for model.field: ...`, an unknown field is `Invalid field 'x' on model 'y'`.
//! - Business rules kept because they were recorded: deleting a confirmed sale order
//!   (`UserError`), a recursive partner hierarchy (`ValidationError`), a non-admin reading
//!   `ir.config_parameter` (`AccessError`).
//! - one2many lists follow their many2one (`child_ids` / `parent_id`) on `create`, `write`,
//!   `unlink` and [`FakeOdoo::insert`], not on [`FakeOdoo::seed_many`] (bulk, left as given).
//!   x2many values accept the command lists (`[0, 0, vals]`, `[6, 0, ids]`, ...) and a bare id
//!   list (a set).
//! - `active_test`: archived records are hidden unless the context says `active_test: false` or
//!   the domain mentions `active`. A record inserted without `active` is active.
//! - Ordering follows the model's recorded `_order` (from `ir.model`), strings compared
//!   case-insensitively (PostgreSQL's `en_US` collation is close to that), NULLs last ascending
//!   and first descending, ties broken by id.
//! - `ir.model` lists the models with a recorded `fields_get` (512 on 18, not the 566 the
//!   database had: mrp/fleet/event were held out of the fixtures). `ir.model.fields` serves the
//!   recorded rows where there are some, and rows synthesized from `fields_get` elsewhere
//!   (`modules` is `false` there: not recorded).
//! - Not recorded, but called by OdooRPC (on login) and shown by the external API
//!   documentation: `res.users.context_get` answers the recorded `session_info`'s
//!   `user_context` (`lang`, `tz` from the user's record, `uid`).
//! - Users other than the administrator: `demo`, `portal` and `salesman` (only "Sales / User:
//!   Own Documents Only") are answered with their recorded groups, as the real servers answered
//!   `salesman` (`access/` recordings, replayed by `tests/tests/fake_odoo_access.rs`): models
//!   their `ir.model.access` rows do not grant, fields restricted to other groups (absent from
//!   `fields_get`, refused by reads in each version's words), one2many (19: also many2many)
//!   fields to models they may not read, and the probes. See `access.rs` and
//!   [`FakeOdooBuilder`] for signing in as them. Record rules ("own documents") are not
//!   applied. Users added with [`FakeOdooBuilder::user`] are not restricted (but for
//!   `ir.config_parameter`) unless given groups ([`FakeOdooBuilder::user_groups`]).
//! - Odoo 16's res.partner has no `complete_name`; its stored `display_name` ("Company,
//!   Contact") is what create/write keep up to date there.
//! - Records the recordings only mention by a many2one (`[233, "United States"]`, the company,
//!   currencies, product templates, contacts past the 40 recorded partners) are stored with
//!   their id and name, so that following a link reads something as on a real server; OdooBot
//!   (res.users 1) is archived, as everywhere. `ir.model.data.check_object_reference`
//!   (OdooRPC's `env.ref`) answers an unknown external id with
//!   `External ID not found in the system: module.name`.
//! - `web_read`/`web_search_read` (17+) follow `addons/web/models/models.py`: an x2many
//!   sub-`limit` reads the first `limit` ids of every record together (an id past one record's
//!   limit that another record has within its limit comes back whole), `order` sorts the whole
//!   list, a many2one's `display_name` is read as superuser. Records hidden with
//!   [`FakeOdoo::deny_read`] (a record rule; administrators still see them) are left out of
//!   searches, make `read` fail with `AccessError`, fail a nested read of their other fields,
//!   are left out of x2many lists on 18+ (17: `AccessError`), and give Odoo's placeholder
//!   `{"id": .., "display_name": "You don't have access to this record"}` for a reference or
//!   many2one_reference on 18+ (17: `AccessError`). 16's `web_search_read` takes `fields`.
//! - The base records every database has and their external ids (`base.lang_en`,
//!   `base.module_base`, `base.rateUSD`, `base.action_partner_form`, `base.model_<model>`, ...)
//!   in `ir.model.data`, read by `check_object_reference` (OdooRPC's `env.ref`) and by
//!   `search_read` (Odooly's): see `base_data.rs`, which also says which are recorded. `UNIQUE`
//!   constraints (`res.users.login`, `res.currency.name`, ...) are refused with Odoo's
//!   `ValidationError` ("The operation cannot be completed: ...", `constraints.rs`).
//! - Plain HTTP routes: `/web/binary/company_logo`, `/web/image/<model>/<id>/<field>`
//!   (`web_routes.rs`) and `/web/database/list` (JSON-RPC, as `db.list`).
//! - Not recorded, so answered as Odoo's code does or plausibly: unknown database
//!   (`psycopg2.OperationalError`), malformed JSON-RPC params (`TypeError`), unknown services.
//!   The `Content-Type` of JSON-RPC requests is not checked.

mod access;
mod base_data;
mod bulk_tables;
mod business;
mod constraints;
mod cost;
mod dates;
mod domain;
mod errors;
mod fixtures;
mod grow;
mod orm;
mod pyrepr;
mod referenced;
mod schema;
mod server;
mod store;
mod typed;
mod web_routes;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

pub use cost::{CostModel, ReadCost, RequestCost};
pub use fixtures::FIXTURES_ENV;
pub use grow::LARGE_DEMO;
pub use server::{FakeOdoo, FakeOdooBuilder};
pub use typed::SeedError;

/// Login of the administrator (uid 2 on every recorded version).
pub const ADMIN_LOGIN: &str = "admin";
/// Password of [`ADMIN_LOGIN`].
pub const ADMIN_PASSWORD: &str = "admin";
/// The administrator's uid.
pub const ADMIN_UID: i64 = 2;
/// The administrator's API key, accepted as the password on `/jsonrpc` and as the bearer of
/// JSON-2 (never on `/web/session/authenticate`, like a real server).
pub const ADMIN_API_KEY: &str = "FAKE-ADMIN-API-KEY-0123456789abcdef";
/// Login of the non-admin demo user (Marc Demo).
pub const DEMO_LOGIN: &str = "demo";
/// Password of [`DEMO_LOGIN`].
pub const DEMO_PASSWORD: &str = "demo";
/// The demo user's API key (`/jsonrpc` password or JSON-2 bearer).
pub const DEMO_API_KEY: &str = "FAKE-DEMO-API-KEY-0123456789abcdef";
/// Login of the portal user (Joel Willis).
pub const PORTAL_LOGIN: &str = "portal";
/// Password of [`PORTAL_LOGIN`].
pub const PORTAL_PASSWORD: &str = "portal";
/// The portal user's API key.
pub const PORTAL_API_KEY: &str = "FAKE-PORTAL-API-KEY-0123456789abcdef";
/// Login of the least-privileged integration user of the recordings: only "Sales / User: Own
/// Documents Only" and "Internal User" (uid [`OdooVersion::salesman_uid`]). The fake answers it
/// as the real servers answered it (`access/` recordings): fields restricted to other groups
/// are refused, models it may not read too.
pub const SALESMAN_LOGIN: &str = "salesman";
/// Password of [`SALESMAN_LOGIN`].
pub const SALESMAN_PASSWORD: &str = "salesman";
/// The salesman's API key (`/jsonrpc` password or JSON-2 bearer).
pub const SALESMAN_API_KEY: &str = "FAKE-SALESMAN-API-KEY-0123456789abcdef";

/// The Odoo major versions with recordings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OdooVersion {
    V16,
    V17,
    V18,
    V19,
}

impl OdooVersion {
    /// Every version, oldest first.
    pub const ALL: [OdooVersion; 4] = [
        OdooVersion::V16,
        OdooVersion::V17,
        OdooVersion::V18,
        OdooVersion::V19,
    ];

    /// `"18.0"`: the `server_serie` the server reports.
    pub fn as_str(self) -> &'static str {
        match self {
            OdooVersion::V16 => "16.0",
            OdooVersion::V17 => "17.0",
            OdooVersion::V18 => "18.0",
            OdooVersion::V19 => "19.0",
        }
    }

    /// `18`.
    pub fn major(self) -> u32 {
        match self {
            OdooVersion::V16 => 16,
            OdooVersion::V17 => 17,
            OdooVersion::V18 => 18,
            OdooVersion::V19 => 19,
        }
    }

    /// The recorded database's name: `"erp18"`.
    pub fn default_db(self) -> String {
        format!("erp{}", self.major())
    }

    /// The demo user's uid in the recorded database (6, but 5 on Odoo 19).
    pub fn demo_uid(self) -> i64 {
        if self == OdooVersion::V19 { 5 } else { 6 }
    }

    /// The salesman's uid in the recorded database (8, but 7 on Odoo 19).
    pub fn salesman_uid(self) -> i64 {
        self.demo_uid() + 2
    }

    /// Whether the JSON-2 API (`/json/2/...`) exists: Odoo 19 and later.
    pub fn has_json2(self) -> bool {
        self >= OdooVersion::V19
    }
}

impl fmt::Display for OdooVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error of [`OdooVersion::from_str`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVersion(pub String);

impl fmt::Display for UnknownVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown Odoo version {:?} (expected 16, 17, 18 or 19)",
            self.0
        )
    }
}

impl std::error::Error for UnknownVersion {}

impl FromStr for OdooVersion {
    type Err = UnknownVersion;

    /// Accepts `"18"`, `"18.0"`, `"v18"` and `"saas~18..."`-free plain forms.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().trim_start_matches(['v', 'V']);
        let major = t.split('.').next().unwrap_or("");
        let rest_ok = t
            .split('.')
            .skip(1)
            .all(|p| p.chars().all(|c| c.is_ascii_digit()));
        match (major, rest_ok) {
            ("16", true) => Ok(OdooVersion::V16),
            ("17", true) => Ok(OdooVersion::V17),
            ("18", true) => Ok(OdooVersion::V18),
            ("19", true) => Ok(OdooVersion::V19),
            _ => Err(UnknownVersion(s.to_string())),
        }
    }
}

/// One request the server received, for assertions ("how many calls", "which context").
/// Secrets (passwords, API keys) are replaced by `"<secret>"`.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// `"POST"`.
    pub http_method: String,
    /// `"/jsonrpc"`, `"/web/dataset/call_kw/res.partner/search_read"`, `"/json/2/res.partner/read"`.
    pub path: String,
    /// JSON-RPC service (`"common"`, `"db"`, `"object"`) on `/jsonrpc`.
    pub service: Option<String>,
    /// The service's method (`"execute_kw"`, `"authenticate"`) on `/jsonrpc`.
    pub service_method: Option<String>,
    /// The model of an ORM call, on any transport.
    pub model: Option<String>,
    /// The ORM method (`"search_read"`), on any transport.
    pub method: Option<String>,
    /// The parsed JSON body (`params` of a JSON-RPC request, the whole body of JSON-2), `Null`
    /// when the body was empty or not JSON.
    pub params: serde_json::Value,
    /// The `context` sent with an ORM call, if any.
    pub context: Option<serde_json::Value>,
    /// The HTTP status answered (0 when the connection was dropped without an answer).
    pub status: u16,
    /// The fault injected into this request, if any (`"drop"`, `"truncate"`, `"html_502"`,
    /// `"status 429"`).
    pub fault: Option<String>,
}

impl RecordedRequest {
    /// `(model, method)` of an ORM call.
    pub fn call(&self) -> Option<(&str, &str)> {
        Some((self.model.as_deref()?, self.method.as_deref()?))
    }
}

/// Fault switches of a running [`FakeOdoo`] (the switches both fakes share).
pub type Faults = crate::fake::Faults;

/// A user of the fake database.
#[derive(Clone)]
pub(crate) struct User {
    pub uid: i64,
    pub login: String,
    pub password: String,
    pub api_keys: Vec<String>,
    pub name: String,
    pub partner_id: i64,
    pub is_admin: bool,
    /// The user's groups (implied ones included) when its rights are those recorded
    /// (`access/rights.json`); `None`: not restricted (administrators, users added by tests).
    pub groups: Option<Arc<access::Groups>>,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("uid", &self.uid)
            .field("login", &self.login)
            .field("password", &"<secret>")
            .field("api_keys", &self.api_keys.len())
            .finish()
    }
}

/// Builder configuration (no `Debug`: it holds passwords).
#[derive(Clone)]
pub(crate) struct Config {
    pub version: OdooVersion,
    pub databases: Vec<String>,
    pub users: Vec<(String, String)>,
    /// Users answered with the rights of these groups (see [`FakeOdooBuilder::user_groups`]).
    pub user_groups: Vec<(String, Vec<String>)>,
    pub api_keys: Vec<(String, String)>,
    pub fixtures_dir: Option<PathBuf>,
    pub seed_demo: bool,
    /// Grow the demo records into a few hundred (see [`FakeOdooBuilder::seed_demo_large`]).
    pub seed_demo_large: bool,
    /// The address to listen on (127.0.0.1:0 unless configured).
    pub listen: std::net::SocketAddr,
    /// Synthetic models added to the recorded ones (see [`FakeOdooBuilder::extra_models`]).
    pub extra_models: usize,
    /// `fields_get` changes (see [`FakeOdooBuilder::alter_field`]).
    pub alter_fields: Vec<(String, String, serde_json::Value)>,
    /// Models taken away (see [`FakeOdooBuilder::remove_model`]).
    pub removed_models: Vec<String>,
    /// Serve Odoo 19's `/doc-bearer/*` (see [`FakeOdooBuilder::api_doc`]).
    pub api_doc: bool,
    /// Business-method answers (see [`FakeOdooBuilder::method_result`]).
    pub method_results: Vec<(String, String, serde_json::Value)>,
}
