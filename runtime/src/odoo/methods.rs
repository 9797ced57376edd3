//! Business methods: what the generated wrappers (`SaleOrder::action_confirm(&client, &ids)`)
//! call, and the shapes they answer.
//!
//! A wrapper collects its arguments by name in [`MethodArgs`] (JSON-2 has no
//! positional arguments, and JSON-RPC's `execute_kw` accepts names as well), then
//! sends them with [`Client::call_method`]: record ids first for methods on
//! records, none for `@api.model` methods. Methods nobody listed stay reachable
//! through [`Client::call`] and [`Client::execute_kw`].

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::client::{CallSpec, Client};
use super::mode::Exec;
use super::request::{Execute, ModelHandle};
use crate::error::Error;

/// Keyword arguments of one business-method call, by parameter name.
///
/// A value that does not serialize is not a panic: the call fails when sent,
/// with a decode error naming the parameter.
#[derive(Debug, Clone, Default)]
pub struct MethodArgs {
    kwargs: Map<String, Value>,
    pending: Option<Arc<Error>>,
}

impl MethodArgs {
    pub fn new() -> Self {
        MethodArgs::default()
    }

    /// Send `value` as parameter `name` (an `Option` that is `None` is sent as `null`).
    pub fn arg<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        match serde_json::to_value(value) {
            Ok(v) => {
                self.kwargs.insert(name.to_owned(), v);
            }
            Err(e) => {
                if self.pending.is_none() {
                    self.pending = Some(Arc::new(Error::decode(
                        e,
                        format!("argument `{name}` does not serialize to JSON"),
                    )));
                }
            }
        }
        self
    }

    /// Send parameter `name` only when given: `None` leaves the server's default.
    pub fn opt<T: Serialize>(&mut self, name: &str, value: Option<T>) -> &mut Self {
        if let Some(v) = value {
            self.arg(name, &v);
        }
        self
    }

    /// Extra keyword arguments, for a method that takes `**kwargs`. A key that
    /// is also a named parameter is not overwritten.
    pub fn extra(&mut self, more: Option<Map<String, Value>>) -> &mut Self {
        for (k, v) in more.into_iter().flatten() {
            self.kwargs.entry(k).or_insert(v);
        }
        self
    }

    /// The arguments collected so far.
    pub fn kwargs(&self) -> &Map<String, Value> {
        &self.kwargs
    }
}

impl<X: Exec> Client<X> {
    /// Call a business method by name, as the generated wrappers do: `ids` for
    /// a method on records (`Some(&[7])`), `None` for an `@api.model` method.
    /// The answer is decoded into `R`.
    pub fn call_method<R: DeserializeOwned>(
        &self,
        model: &str,
        method: &str,
        ids: Option<&[i64]>,
        args: MethodArgs,
    ) -> Execute<'_, R, X> {
        method_call(self.model(model), method, ids, args)
    }
}

pub(crate) fn method_call<'a, R: DeserializeOwned, X: Exec>(
    handle: ModelHandle<'a, X>,
    method: &str,
    ids: Option<&[i64]>,
    args: MethodArgs,
) -> Execute<'a, R, X> {
    let positional = match ids {
        Some(ids) => vec![json!(ids)],
        None => Vec::new(),
    };
    let MethodArgs { kwargs, pending } = args;
    let mut spec = CallSpec::new(handle.name(), method, positional);
    spec.kwargs = kwargs;
    spec.pending = pending;
    handle.execute_spec(spec)
}

/// A window action (`ir.actions.act_window` and friends) as a business method
/// returns it: what the web client would open next. `res_model` and `res_id`
/// say which record (an invoice created by `action_view_invoice`, a wizard);
/// everything else the server sent is kept in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// `ir.actions.act_window`, `ir.actions.act_url`, `ir.actions.client`, ...
    #[serde(default, rename = "type", deserialize_with = "text_or_false")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "text_or_false")]
    pub name: Option<String>,
    /// The model the action opens.
    #[serde(default, deserialize_with = "text_or_false")]
    pub res_model: Option<String>,
    /// The record it opens (absent or `false` for a list or a new record).
    #[serde(default, deserialize_with = "id_or_false")]
    pub res_id: Option<i64>,
    #[serde(default, deserialize_with = "text_or_false")]
    pub view_mode: Option<String>,
    /// `new` for a dialog (a wizard), `current`, ...
    #[serde(default, deserialize_with = "text_or_false")]
    pub target: Option<String>,
    /// A domain (list) or a Python expression (string), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<Value>,
    /// A dict or a Python expression (string), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Value>,
    /// Every other key, unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Action {
    /// `ir.actions.act_window_close`: nothing to open (what `sale.order.action_view_invoice`
    /// answers for an order without invoices, with the new invoice's defaults in `context`).
    pub fn is_close(&self) -> bool {
        self.kind.as_deref() == Some("ir.actions.act_window_close")
    }

    /// Opens in a dialog (`target: new`): a wizard to fill in before the operation goes on,
    /// e.g. `stock.picking.button_validate`'s `stock.immediate.transfer` (16) or
    /// `confirm.stock.sms` (17–19).
    pub fn is_dialog(&self) -> bool {
        self.target.as_deref() == Some("new")
    }

    /// The context when it is a dict (servers may also send a Python expression as a string).
    pub fn context_dict(&self) -> Option<&Map<String, Value>> {
        self.context.as_ref()?.as_object()
    }
}

fn text_or_false<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        _ => None,
    })
}

fn id_or_false<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64(),
        _ => None,
    })
}

/// What a button method (`action_*`, `button_*`) answers: an action for the
/// web client to open next, or a plain value (`true`, `false`, `null`).
#[derive(Debug, Clone, PartialEq)]
pub enum ActionResult {
    Action(Box<Action>),
    Value(Value),
}

impl ActionResult {
    /// The action, when the method answered one.
    pub fn action(&self) -> Option<&Action> {
        match self {
            ActionResult::Action(a) => Some(a),
            ActionResult::Value(_) => None,
        }
    }

    /// The plain value, when the method answered no action (`true`, `false`, `null`, ...):
    /// `account.move.action_post` answers `false` on Odoo 16–19.
    pub fn value(&self) -> Option<&Value> {
        match self {
            ActionResult::Action(_) => None,
            ActionResult::Value(v) => Some(v),
        }
    }

    /// The wizard the method asks for before going on (an action opening in a dialog).
    pub fn wizard(&self) -> Option<&Action> {
        self.action().filter(|a| a.is_dialog())
    }

    /// `res_model` and `res_id` of the action, when it opens one record.
    pub fn record(&self) -> Option<(&str, i64)> {
        let a = self.action()?;
        Some((a.res_model.as_deref()?, a.res_id?))
    }
}

impl<'de> Deserialize<'de> for ActionResult {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        // An action is a dict with a `type`; any other value (or dict) is kept as is.
        if v.get("type").is_some_and(Value::is_string)
            && let Ok(a) = serde_json::from_value::<Action>(v.clone())
        {
            return Ok(ActionResult::Action(Box::new(a)));
        }
        Ok(ActionResult::Value(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_and_plain_answers() {
        let a: ActionResult = serde_json::from_value(json!({
            "type": "ir.actions.act_window", "res_model": "account.move", "res_id": 42,
            "views": [[false, "form"]], "context": "{'x': 1}", "target": false
        }))
        .unwrap();
        assert_eq!(a.record(), Some(("account.move", 42)));
        let action = a.action().unwrap();
        assert_eq!(action.extra["views"], json!([[false, "form"]]));
        assert_eq!(action.target, None);
        let t: ActionResult = serde_json::from_value(json!(true)).unwrap();
        assert_eq!(t, ActionResult::Value(json!(true)));
        let d: ActionResult = serde_json::from_value(json!({"res_id": 3})).unwrap();
        assert_eq!(d.action(), None, "a dict without `type` is not an action");
    }

    /// The answers real Odoo 16–19 servers gave (tests/fixtures/odoo-<v>/methods/).
    #[test]
    fn recorded_answers() {
        let posted: ActionResult = serde_json::from_value(json!(false)).unwrap();
        assert_eq!(posted.value(), Some(&json!(false)));
        assert_eq!(posted.action(), None);

        let wizard: ActionResult = serde_json::from_value(json!({
            "context": {"button_validate_picking_ids": [6]}, "name": "SMS", "res_id": 1,
            "res_model": "confirm.stock.sms", "target": "new", "type": "ir.actions.act_window",
            "view_id": 1742, "view_mode": "form", "views": [[1742, "form"]]
        }))
        .unwrap();
        let w = wizard.wizard().expect("a wizard");
        assert_eq!(wizard.record(), Some(("confirm.stock.sms", 1)));
        assert_eq!(
            w.context_dict().unwrap()["button_validate_picking_ids"],
            json!([6])
        );
        assert_eq!(w.extra["view_id"], json!(1742));
        assert!(!w.is_close());

        let immediate: ActionResult = serde_json::from_value(json!({
            "context": {"button_validate_picking_ids": [21], "default_pick_ids": [[4, 21]],
                        "default_show_transfers": false},
            "name": "Immediate Transfer?", "res_model": "stock.immediate.transfer",
            "target": "new", "type": "ir.actions.act_window", "view_id": 1120,
            "view_mode": "form", "views": [[1120, "form"]]
        }))
        .unwrap();
        let w = immediate.wizard().expect("a wizard");
        assert_eq!(w.res_model.as_deref(), Some("stock.immediate.transfer"));
        assert_eq!(w.res_id, None);
        assert_eq!(
            immediate.record(),
            None,
            "a new wizard record, not an existing one"
        );

        let close: ActionResult = serde_json::from_value(json!({
            "context": {"default_invoice_origin": "S00037", "default_invoice_payment_term_id": 6,
                        "default_move_type": "out_invoice", "default_partner_id": 15,
                        "default_partner_shipping_id": 15},
            "type": "ir.actions.act_window_close"
        }))
        .unwrap();
        let c = close.action().expect("an action");
        assert!(c.is_close());
        assert_eq!(close.wizard(), None);
        assert_eq!(c.context_dict().unwrap()["default_partner_id"], json!(15));
        assert!(c.extra.is_empty());
        // Back to JSON as it came (the keys the struct names and the others).
        assert_eq!(
            serde_json::to_value(c).unwrap()["context"]["default_move_type"],
            json!("out_invoice")
        );
    }

    #[test]
    fn args_by_name() {
        let mut a = MethodArgs::new();
        a.arg("limit", &5)
            .opt::<&str>("order", None)
            .opt("name", Some("x"));
        let mut extra = Map::new();
        extra.insert("limit".into(), json!(9));
        extra.insert("foo".into(), json!(1));
        a.extra(Some(extra));
        assert_eq!(
            Value::Object(a.kwargs().clone()),
            json!({"limit": 5, "name": "x", "foo": 1})
        );
    }
}
