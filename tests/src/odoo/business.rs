//! Business methods on the fake (`action_confirm`, `action_post`, `button_validate`, ...).
//!
//! No real server was recorded running one (the recordings have ORM calls and errors only;
//! see `tests/fixtures/odoo-<v>/README.md`), so the fake answers them from two sources:
//!
//! 1. a result configured per test with [`FakeOdooBuilder::method_result`] or
//!    [`FakeOdoo::set_method_result`] (any JSON, returned as is for any ids);
//! 2. a few built-ins that move a document's `state` the way Odoo's code does and answer what
//!    that code returns: `sale.order` `action_confirm` (state `sale`; `true`), `action_cancel`
//!    (`cancel`; `true`), `action_draft` (`draft`; `true`); `account.move` `action_post`
//!    (`posted`; `false`, as Odoo 16–19's `action_post` returns), `button_draft` (`draft`;
//!    `null`: Odoo's returns None), `button_cancel` (`cancel`; `null`); `stock.picking`
//!    `action_confirm` (`confirmed`; `true`), `button_validate` (`done`; `true`), `action_cancel`
//!    (`cancel`; `true`).
//!
//! Any other public method is unknown to the fake and answers the version's recorded
//! "method does not exist" error, as a real server does for a method it lacks.
//!
//! Leniencies (documented, not recorded): arguments other than the record ids are accepted and
//! ignored; a configured result is answered for `@api.model` calls (no ids) too; the built-ins
//! check only that each record exists (the recorded `MissingError`) and, for `action_confirm`
//! on a sale order, Odoo's forbidden states (a `UserError` with Odoo's text, not recorded).
//! Called over JSON-RPC with no positional arguments at all, a record method fails as Odoo's
//! `call_kw` does before running anything (`IndexError: list index out of range`), which is
//! what `codegen fetch odoo` relies on to check a method exists without side effects.
//!
//! [`FakeOdooBuilder::method_result`]: super::FakeOdooBuilder::method_result
//! [`FakeOdoo::set_method_result`]: super::FakeOdoo::set_method_result

use serde_json::{Value, json};

use super::OdooVersion;
use super::errors::{OdooError, Via};
use super::orm::Orm;

/// A built-in: the state it sets and the value it answers.
struct Builtin {
    state: &'static str,
    answer: fn() -> Value,
}

fn builtin(model: &str, method: &str) -> Option<Builtin> {
    let t = || json!(true);
    let f = || json!(false);
    let null = || Value::Null;
    Some(match (model, method) {
        ("sale.order", "action_confirm") => Builtin {
            state: "sale",
            answer: t,
        },
        ("sale.order", "action_cancel") => Builtin {
            state: "cancel",
            answer: t,
        },
        ("sale.order", "action_draft") => Builtin {
            state: "draft",
            answer: t,
        },
        ("account.move", "action_post") => Builtin {
            state: "posted",
            answer: f,
        },
        ("account.move", "button_draft") => Builtin {
            state: "draft",
            answer: null,
        },
        ("account.move", "button_cancel") => Builtin {
            state: "cancel",
            answer: null,
        },
        ("stock.picking", "action_confirm") => Builtin {
            state: "confirmed",
            answer: t,
        },
        ("stock.picking", "button_validate") => Builtin {
            state: "done",
            answer: t,
        },
        ("stock.picking", "action_cancel") => Builtin {
            state: "cancel",
            answer: t,
        },
        _ => return None,
    })
}

/// True when the fake answers `model.method` as a business method.
pub(crate) fn known(orm: &Orm<'_>, model: &str, method: &str) -> bool {
    orm.store
        .method_results
        .contains_key(&(model.to_owned(), method.to_owned()))
        || builtin(model, method).is_some()
}

/// Run a business method on `ids` (`None`: called with no positional argument at all).
pub(crate) fn call(
    orm: &mut Orm<'_>,
    via: Via,
    model: &str,
    method: &str,
    ids: Option<Vec<i64>>,
) -> Result<Value, OdooError> {
    if let Some(v) = orm
        .store
        .method_results
        .get(&(model.to_owned(), method.to_owned()))
    {
        return Ok(v.clone());
    }
    let Some(b) = builtin(model, method) else {
        return Err(orm.errors().unknown_method(via, model, method));
    };
    let Some(ids) = ids else {
        // `ids, args = args[0], args[1:]` in Odoo's `call_kw`: nothing has run yet.
        return Err(OdooError::synthetic(
            "builtins.IndexError",
            "list index out of range",
        ));
    };
    for id in &ids {
        if orm.store.get(model, *id).is_none() {
            return Err(orm.errors().missing(via, model, *id, orm.env.uid));
        }
    }
    if (model, method) == ("sale.order", "action_confirm") {
        // `_get_forbidden_state_confirm`: {'done', 'cancel'} on 16, {'sale', 'cancel'} on 17+.
        let forbidden: &[&str] = if orm.env.fx.version == OdooVersion::V16 {
            &["done", "cancel"]
        } else {
            &["sale", "cancel"]
        };
        let mut states: Vec<&str> = ids
            .iter()
            .filter_map(|id| orm.store.get(model, *id)?.get("state")?.as_str())
            .filter(|s| forbidden.contains(s))
            .collect();
        states.sort_unstable();
        states.dedup();
        if !states.is_empty() {
            return Err(orm.errors().user_error(
                via,
                &format!(
                    "It is not allowed to confirm an order in the following states: {}",
                    states.join(", ")
                ),
            ));
        }
    }
    let data = orm.store.model_mut(model);
    for id in &ids {
        if let Some(rec) = data.records.get_mut(id) {
            rec.insert("state".into(), json!(b.state));
        }
    }
    data.touch();
    Ok((b.answer)())
}
