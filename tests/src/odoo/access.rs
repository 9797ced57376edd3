//! Per-user access rights, as a real Odoo server applies them to a user who is not an
//! administrator: the one place the fake decides what such a user may do.
//!
//! The rights come from `access/rights.json` of the version served (recorded from real Odoo
//! 16-19 servers, see `tests/fixtures/README.md`): every group with its implied groups, every
//! `ir.model.access` row, the `groups` attribute of every restricted field, and the groups of the
//! users `admin`, `demo`, `portal` and `salesman`. What the fake does with them:
//!
//! - model level (`ir.model.access`): a user may `read` / `write` / `create` / `unlink` a model
//!   when one of its rows grants it to everyone or to one of the user's groups (implied groups
//!   included); otherwise the call fails with Odoo's `AccessError` listing the groups that
//!   would allow it (`_make_access_error`);
//! - field level (`groups=` on a field): `fields_get` leaves the field out; `read`,
//!   `search_read`, `web_read` and `web_search_read` that ask for it fail with the recorded
//!   message of the version (16/17 "The requested operation can not be completed ...", 18 every
//!   refused field, 19 only the first one); a read without a field list reads the readable
//!   fields only;
//! - a stored one2many whose comodel the user may not read fails a read that asks for it (Odoo
//!   reads the lines through the comodel), and from 19 on a stored many2many too (16-18 read the
//!   relation table under record rules: recorded, `sale.order.transaction_ids` reads as the
//!   salesman on 18): 16-18 with the comodel's model-level message, 19 prefixed with "Failed to
//!   read field model.field";
//! - the probes: `ir.model.access.check(model, mode, raise_exception)`,
//!   `<model>.check_access_rights(operation, raise_exception)`, `has_access(operation)` and
//!   `<model>.check_field_access_rights(operation, field_names)`.
//!
//! Administrators (and users added with [`FakeOdooBuilder::user`] without groups) are not
//! restricted: the admin answers are the recorded ones, which already leave out what a real
//! admin may not see.
//!
//! [`FakeOdooBuilder::user`]: super::FakeOdooBuilder::user

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use super::OdooVersion;
use super::errors::{Errors, OdooError};
use super::fixtures::Fixtures;
use super::pyrepr;
use super::schema::FieldInfo;

/// An access mode of `ir.model.access` (`perm_read`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Read,
    Write,
    Create,
    Unlink,
}

impl Mode {
    /// `"read"`, `"write"`, `"create"`, `"unlink"`.
    pub fn parse(s: &str) -> Option<Mode> {
        Some(match s {
            "read" => Mode::Read,
            "write" => Mode::Write,
            "create" => Mode::Create,
            "unlink" => Mode::Unlink,
            _ => return None,
        })
    }

    /// The verb of Odoo's model-level message ("You are not allowed to <verb> ...").
    fn verb(self) -> &'static str {
        match self {
            Mode::Read => "access",
            Mode::Write => "modify",
            Mode::Create => "create",
            Mode::Unlink => "delete",
        }
    }

    /// The mode an ORM method needs on its model, `None` for methods Odoo does not guard by
    /// `ir.model.access` (metadata, defaults and the probes themselves).
    pub fn of_method(method: &str) -> Option<Mode> {
        Some(match method {
            "fields_get"
            | "default_get"
            | "context_get"
            | "check_access_rights"
            | "has_access"
            | "check_field_access_rights"
            | "check_object_reference"
            | "check" => {
                return None;
            }
            "search"
            | "search_count"
            | "search_read"
            | "read"
            | "name_search"
            | "name_get"
            | "read_group"
            | "formatted_read_group"
            | "web_search_read"
            | "web_read"
            | "exists" => Mode::Read,
            "create" | "name_create" | "copy" => Mode::Create,
            "unlink" => Mode::Unlink,
            // write, archiving and business methods change the records
            _ => Mode::Write,
        })
    }
}

/// One `ir.model.access` row.
#[derive(Debug, Clone)]
struct Acl {
    /// `None`: the row applies to every user.
    group: Option<String>,
    read: bool,
    write: bool,
    create: bool,
    unlink: bool,
}

impl Acl {
    fn grants(&self, mode: Mode) -> bool {
        match mode {
            Mode::Read => self.read,
            Mode::Write => self.write,
            Mode::Create => self.create,
            Mode::Unlink => self.unlink,
        }
    }
}

#[derive(Debug, Clone)]
struct Group {
    /// `res.groups.full_name`: "Sales / User: Own Documents Only".
    name: String,
    implied: Vec<String>,
}

/// The rights tables of one recorded server (`access/rights.json`).
#[derive(Debug)]
pub(crate) struct Rights {
    version: OdooVersion,
    groups: HashMap<String, Group>,
    acls: HashMap<String, Vec<Acl>>,
    field_groups: HashMap<String, HashMap<String, Vec<String>>>,
    users: HashMap<String, Vec<String>>,
}

/// The groups of one user, implied ones included (xml ids).
pub(crate) type Groups = BTreeSet<String>;

static CACHE: OnceLock<Mutex<HashMap<PathBuf, Option<Arc<Rights>>>>> = OnceLock::new();

impl Rights {
    /// `<dir>/access/rights.json`, or `None` when the fixtures have no such file (then nobody
    /// is restricted beyond the fake's historical rules). Parsed once per process.
    pub fn load(dir: &Path, version: OdooVersion) -> Result<Option<Arc<Rights>>, String> {
        let path = dir.join("access").join("rights.json");
        let cache = CACHE.get_or_init(Default::default);
        if let Some(found) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&path) {
            return Ok(found.clone());
        }
        let loaded = Self::read(&path, version)?.map(Arc::new);
        let mut guard = cache.lock().unwrap_or_else(|e| e.into_inner());
        Ok(guard.entry(path).or_insert(loaded).clone())
    }

    fn read(path: &Path, version: OdooVersion) -> Result<Option<Rights>, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("fake Odoo: cannot read {}: {e}", path.display())),
        };
        let raw: Value = serde_json::from_str(&text)
            .map_err(|e| format!("fake Odoo: {} is not JSON: {e}", path.display()))?;
        let strings = |v: &Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let groups = raw
            .get("groups")
            .and_then(Value::as_object)
            .map(|o| {
                o.iter()
                    .map(|(xmlid, g)| {
                        let name = g.get("name").and_then(Value::as_str).unwrap_or(xmlid);
                        (
                            xmlid.clone(),
                            Group {
                                name: name.to_string(),
                                implied: strings(&g["implied"]),
                            },
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut acls: HashMap<String, Vec<Acl>> = HashMap::new();
        for row in raw
            .get("model_access")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(model) = row.get("model").and_then(Value::as_str) else {
                continue;
            };
            let perm = |k: &str| row.get(k).and_then(Value::as_bool).unwrap_or(false);
            acls.entry(model.to_string()).or_default().push(Acl {
                group: row.get("group").and_then(Value::as_str).map(str::to_string),
                read: perm("read"),
                write: perm("write"),
                create: perm("create"),
                unlink: perm("unlink"),
            });
        }
        let field_groups = raw
            .get("field_groups")
            .and_then(Value::as_object)
            .map(|models| {
                models
                    .iter()
                    .map(|(model, fields)| {
                        let fields = fields
                            .as_object()
                            .map(|f| f.iter().map(|(k, v)| (k.clone(), strings(v))).collect())
                            .unwrap_or_default();
                        (model.clone(), fields)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let users = raw
            .get("users")
            .and_then(Value::as_object)
            .map(|o| o.iter().map(|(k, v)| (k.clone(), strings(v))).collect())
            .unwrap_or_default();
        Ok(Some(Rights {
            version,
            groups,
            acls,
            field_groups,
            users,
        }))
    }

    /// The recorded groups of `login` (`admin`, `demo`, `portal`, `salesman`) with every group
    /// they imply (19 records a user's own groups only; 16-18 already include implied ones).
    pub fn user_groups(&self, login: &str) -> Option<Groups> {
        self.users
            .get(login)
            .map(|g| self.closure(g.iter().cloned()))
    }

    /// `groups` and every group they imply, transitively.
    pub fn closure(&self, groups: impl IntoIterator<Item = String>) -> Groups {
        let mut out = Groups::new();
        let mut todo: Vec<String> = groups.into_iter().collect();
        while let Some(g) = todo.pop() {
            if let Some(info) = self.groups.get(&g) {
                todo.extend(info.implied.iter().cloned());
            }
            out.insert(g);
        }
        out
    }

    /// Whether the rights tables know `model` (some `ir.model.access` row names it).
    pub fn knows_model(&self, model: &str) -> bool {
        self.acls.contains_key(model)
    }

    /// `ir.model.access.check(model, mode)` for a user in `groups`: some row grants `mode` to
    /// everyone or to one of the groups. A model without any row is refused, as in Odoo.
    pub fn model_allowed(&self, groups: &Groups, model: &str, mode: Mode) -> bool {
        self.acls.get(model).is_some_and(|rows| {
            rows.iter()
                .any(|r| r.grants(mode) && r.group.as_ref().is_none_or(|g| groups.contains(g)))
        })
    }

    /// The `groups` attribute of `model.field`, if it has one.
    fn field_groups(&self, model: &str, field: &str) -> Option<&Vec<String>> {
        self.field_groups.get(model)?.get(field)
    }

    /// `env.user.has_groups(field.groups)`: a field without `groups` is readable by everyone;
    /// `groups="."` (or a group the database does not have) by nobody.
    pub fn field_allowed(&self, groups: &Groups, model: &str, field: &str) -> bool {
        match self.field_groups(model, field) {
            None => true,
            Some(needed) => needed.iter().any(|g| groups.contains(g)),
        }
    }

    /// The names of the groups allowed `mode` on `model` as `group_names_with_access` lists
    /// them: `Category/Name` (or the bare name of a group without category), ordered by
    /// category then name, groups without category last.
    fn group_names_with_access(&self, model: &str, mode: Mode) -> Vec<String> {
        let mut named: Vec<(Option<String>, String)> = self
            .acls
            .get(model)
            .into_iter()
            .flatten()
            .filter(|r| r.grants(mode))
            .filter_map(|r| {
                let g = self.groups.get(r.group.as_ref()?)?;
                Some(self.category_and_name(&g.name))
            })
            .collect();
        named.sort_by(|a, b| match (&a.0, &b.0) {
            (Some(x), Some(y)) => x.cmp(y).then_with(|| a.1.cmp(&b.1)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.1.cmp(&b.1),
        });
        named
            .into_iter()
            .map(|(c, n)| match c {
                Some(c) => format!("{c}/{n}"),
                None => n,
            })
            .collect()
    }

    /// A group's category and own name, from its recorded full name ("Category / Name"). On 19
    /// the full name is made with the group's privilege; the user types ("Role / Portal") have a
    /// privilege but no category, as the recorded 19 messages show.
    fn category_and_name(&self, full: &str) -> (Option<String>, String) {
        if self.version >= OdooVersion::V19 && full.starts_with("Role / ") {
            return (None, full.to_string());
        }
        match full.split_once(" / ") {
            Some((c, n)) => (Some(c.to_string()), n.to_string()),
            None => (None, full.to_string()),
        }
    }

    /// "allowed for groups 'A', 'B'" of a refused field (`format_groups`), groups in the order
    /// of their ids in the database.
    fn format_field_groups(&self, model: &str, field: &str) -> String {
        let needed = self.field_groups(model, field).cloned().unwrap_or_default();
        if needed.iter().any(|g| g == ".") {
            return "always forbidden".into();
        }
        let mut known: Vec<&String> = needed
            .iter()
            .filter(|g| self.groups.contains_key(*g))
            .collect();
        known.sort_by_key(|g| group_rank(g));
        let names: Vec<String> = known
            .iter()
            .map(|g| pyrepr::str_repr(&self.groups[*g].name))
            .collect();
        format!("allowed for groups {}", names.join(", "))
    }
}

/// The order of groups by database id, which the recordings do not carry: `base` groups were
/// created first, and where the recorded messages show an order it is followed
/// (`account.group_account_readonly` before `account.group_account_invoice`); other groups in
/// xml id order.
fn group_rank(xmlid: &str) -> (u8, String) {
    const SHOWN: &[&str] = &[
        "account.group_account_readonly",
        "account.group_account_invoice",
    ];
    if xmlid.starts_with("base.") {
        return (0, xmlid.to_string());
    }
    match SHOWN.iter().position(|g| *g == xmlid) {
        Some(i) => (1 + i as u8, String::new()),
        None => (u8::MAX, xmlid.to_string()),
    }
}

/// The caller's rights, for the ORM: `None` for an unrestricted caller.
#[derive(Clone, Copy)]
pub(crate) struct Access<'a> {
    pub rights: &'a Rights,
    pub groups: &'a Groups,
}

impl Access<'_> {
    /// Model-level check for a model the fake knows. Models the rights tables never mention and
    /// the fixtures do not have either (synthetic or schemaless models a test made up) stay
    /// open, so that tests of other features can use them as any user.
    pub fn model_allowed(&self, fx: &Fixtures, model: &str, mode: Mode) -> bool {
        if !self.rights.knows_model(model) && fx.ir_model(model).is_none() {
            return true;
        }
        self.rights.model_allowed(self.groups, model, mode)
    }

    pub fn field_allowed(&self, model: &str, field: &str) -> bool {
        self.rights.field_allowed(self.groups, model, field)
    }
}

/// Builds the access errors of one version from its recordings.
pub(crate) struct AccessErrors<'a> {
    pub errors: Errors<'a>,
    pub rights: &'a Rights,
    /// The `lang` of the call's context.
    pub lang: Option<&'a str>,
}

impl AccessErrors<'_> {
    fn version(&self) -> OdooVersion {
        self.errors.fx.version
    }

    /// 18+ validate the context's language when a translated name is first read, which
    /// building these messages does (the model's description): with a language the database
    /// does not have (only `en_US` here), the refusal becomes `Invalid language code`
    /// (recorded: `read.all_admin_fields.sale.order.lang_fr`). 16/17 answer in English.
    fn invalid_lang(&self) -> Option<OdooError> {
        let lang = self.lang.filter(|l| *l != "en_US" && !l.is_empty())?;
        (self.version() >= OdooVersion::V18).then(|| {
            self.errors.instantiate_as(
                &["access/read.all_admin_fields.sale.order.lang_fr"],
                "odoo.exceptions.UserError",
                &format!("Invalid language code: {lang}"),
            )
        })
    }

    /// The model-level message (`IrModelAccess._make_access_error`).
    fn model_message(&self, model: &str, mode: Mode) -> String {
        let desc = self.errors.fx.model_description(model);
        let groups = self.rights.group_names_with_access(model, mode);
        let group_info = if groups.is_empty() {
            "No group currently allows this operation.".to_string()
        } else {
            let list: Vec<String> = groups.iter().map(|g| format!("\t- {g}")).collect();
            format!(
                "This operation is allowed for the following groups:\n{}",
                list.join("\n")
            )
        };
        format!(
            "You are not allowed to {} '{desc}' ({model}) records.\n\n{group_info}\n\nContact your administrator to request access if necessary.",
            mode.verb()
        )
    }

    /// `method` on `model` refused by `ir.model.access`; the traceback is the recorded one of
    /// the same method where there is one.
    pub fn model_denied(&self, method: &str, model: &str, mode: Mode) -> OdooError {
        if let Some(e) = self.invalid_lang() {
            return e;
        }
        let message = self.model_message(model, mode);
        let own = match method {
            "search" | "search_count" | "name_search" => format!("access/search.{model}"),
            _ => format!("access/model_denied.{model}"),
        };
        // else a model without overrides of `_search` (mixins such as analytic's add frames)
        let generic: &[&str] = match method {
            "search" | "search_count" | "name_search" => &["access/search.purchase.order"],
            _ => &["error.access_error", "access/model_denied.ir.model"],
        };
        let templates: Vec<&str> = std::iter::once(own.as_str())
            .chain(generic.iter().copied())
            .collect();
        self.errors
            .instantiate_as(&templates, "odoo.exceptions.AccessError", &message)
    }

    /// A read that asks for `field` (a stored x2many) whose comodel the user may not read.
    pub fn comodel_denied(&self, model: &str, field: &str, comodel: &str) -> OdooError {
        if let Some(e) = self.invalid_lang() {
            return e;
        }
        let inner = self.model_message(comodel, Mode::Read);
        let message = if self.version() >= OdooVersion::V19 {
            format!("Failed to read field {model}.{field}\n{inner}")
        } else {
            inner
        };
        // the traceback depends on the model (overridden `read`s add frames)
        self.errors.instantiate_as(
            &[
                &format!("access/read.own_fields.{model}"),
                "access/read.own_fields.res.partner",
                "access/model_denied.purchase.order.line",
                "error.access_error",
            ],
            "odoo.exceptions.AccessError",
            &message,
        )
    }

    /// `method` (a read, or `operation` `"write"`/`"create"`) on `refused` fields (in the
    /// order given), which the user's groups do not allow (`check_field_access_rights` up to 18,
    /// `_check_field_access` on 19). Only the reads' messages were recorded; writes use the
    /// same wording with their operation.
    pub fn fields_denied(
        &self,
        method: &str,
        operation: &str,
        model: &str,
        uid: i64,
        refused: &[String],
    ) -> OdooError {
        if let Some(e) = self.invalid_lang() {
            return e;
        }
        let desc = self.errors.fx.model_description(model);
        let mut sorted: Vec<&String> = refused.iter().collect();
        sorted.sort();
        sorted.dedup();
        let details: Vec<String> = sorted
            .iter()
            .map(|f| {
                format!(
                    "- {f} ({})",
                    self.rights.format_field_groups(model, f.as_str())
                )
            })
            .collect();
        let message = match self.version() {
            OdooVersion::V16 | OdooVersion::V17 => format!(
                "The requested operation can not be completed due to security restrictions.\n\nDocument type: {desc} ({model})\nOperation: {operation}\nUser: {uid}\nFields:\n{}",
                details.join("\n")
            ),
            OdooVersion::V18 => {
                let names: Vec<&str> = sorted.iter().map(|s| s.as_str()).collect();
                format!(
                    "You do not have enough rights to access the fields \"{}\" on {desc} ({model}). Please contact your system administrator.\n\nOperation: {operation}\nUser: {uid}\nFields:\n{}",
                    names.join(","),
                    details.join("\n")
                )
            }
            OdooVersion::V19 => {
                let first = refused.first().map(String::as_str).unwrap_or_default();
                format!(
                    "You do not have enough rights to access the field \"{first}\" on {desc} ({model}). Please contact your system administrator.\n\nOperation: {operation}\nUser: {uid}\nGroups: {}",
                    self.rights.format_field_groups(model, first)
                )
            }
        };
        // the traceback depends on the method and the model (overridden `read`s add frames)
        let (first, second) = match method {
            "search_read" | "web_search_read" => ("search_read", "read"),
            _ => ("read", "search_read"),
        };
        let templates = [
            format!("access/{first}.all_admin_fields.{model}"),
            format!("access/{first}.all_admin_fields.{model}.lang_fr"),
            format!("access/{first}.all_admin_fields.res.partner"),
            format!("access/{second}.all_admin_fields.res.partner"),
        ];
        let templates: Vec<&str> = templates.iter().map(String::as_str).collect();
        self.errors
            .instantiate_as(&templates, "odoo.exceptions.AccessError", &message)
    }
}

/// The fields of a read that the caller may not read: those its groups do not allow.
pub(crate) fn refused_fields(
    access: &Access<'_>,
    model: &str,
    fields: &[FieldInfo],
) -> Vec<String> {
    fields
        .iter()
        .filter(|f| !access.field_allowed(model, &f.name))
        .map(|f| f.name.clone())
        .collect()
}
