//! Odoo exceptions as they travel on the wire, built from the recorded ones.
//!
//! Each kind of error is instantiated from the recording of that error for the server's version:
//! the recorded message is adapted to the case at hand (model, field, id) by substituting the
//! recorded specifics, and the recorded traceback (`debug`) is kept with the message replaced.
//! That way the texts stay exactly those of the real version (they changed between 16, 17, 18 and
//! 19) without this file having to know every variant.

use serde_json::{Value, json};

use super::fixtures::Fixtures;

/// One Odoo exception, ready to be serialized (`odoo.http.serialize_exception`).
#[derive(Debug, Clone)]
pub(crate) struct OdooError {
    pub name: String,
    pub message: String,
    pub arguments: Vec<Value>,
    pub debug: String,
}

/// Which transport the error is for: JSON-2 has its own recordings (other tracebacks, and
/// werkzeug exceptions where JSON-RPC raises Odoo ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    Rpc,
    Json2,
}

impl OdooError {
    /// A serialized exception without a recording to copy: a short synthetic traceback.
    pub fn synthetic(name: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let short = name.strip_prefix("builtins.").unwrap_or(name);
        OdooError {
            name: name.to_string(),
            arguments: vec![Value::String(message.clone())],
            debug: format!(
                "Traceback (most recent call last):\n  File \"/opt/odoo/odoo/http.py\", line 0, in dispatch\n{short}: {message}\n"
            ),
            message,
        }
    }

    /// `{name, debug, message, arguments, context}`: the `data` of a JSON-RPC error and the
    /// body of a JSON-2 error.
    pub fn data(&self) -> Value {
        json!({
            "name": self.name,
            "debug": self.debug,
            "message": self.message,
            "arguments": self.arguments,
            "context": {},
        })
    }

    /// The HTTP status JSON-2 answers with (`exc.http_status`, a werkzeug code, or 500).
    pub fn json2_status(&self) -> u16 {
        if let Some(code) = self.arguments.get(1).and_then(Value::as_u64)
            && self.name.starts_with("werkzeug.exceptions.")
        {
            return code as u16;
        }
        match self.name.as_str() {
            "odoo.exceptions.UserError"
            | "odoo.exceptions.ValidationError"
            | "odoo.exceptions.RedirectWarning" => 422,
            "odoo.exceptions.AccessError"
            | "odoo.exceptions.AccessDenied"
            | "odoo.http.SessionExpiredException" => 403,
            "odoo.exceptions.MissingError" => 404,
            "odoo.exceptions.LockError" => 409,
            "werkzeug.exceptions.BadRequest" => 400,
            "werkzeug.exceptions.Unauthorized" => 401,
            "werkzeug.exceptions.Forbidden" => 403,
            "werkzeug.exceptions.NotFound" => 404,
            "werkzeug.exceptions.MethodNotAllowed" => 405,
            "werkzeug.exceptions.UnprocessableEntity" => 422,
            _ => 500,
        }
    }
}

/// Builds errors from the recordings of one version.
pub(crate) struct Errors<'a> {
    pub fx: &'a Fixtures,
}

/// A recorded error: its `data` object (JSON-RPC `error.data`, or the JSON-2 body).
fn recorded_data<'v>(fx: &'v Fixtures, name: &str) -> Option<&'v Value> {
    let rec = fx.recording(name)?;
    let response = rec.get("response")?;
    match response.get("error") {
        Some(err) => err.get("data"),
        None if response.get("name").is_some() => Some(response),
        None => None,
    }
}

impl Errors<'_> {
    /// Instantiate the recording `name` (falling back to `fallback`) with `message`, the
    /// recorded message turned into the new one by `adapt`.
    fn instantiate(
        &self,
        names: &[&str],
        fallback_name: &str,
        adapt: impl Fn(&str) -> String,
    ) -> OdooError {
        for name in names {
            if let Some(data) = recorded_data(self.fx, name) {
                let old = data
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let message = adapt(old);
                let mut arguments = vec![Value::String(message.clone())];
                if let Some(extra) = data.get("arguments").and_then(Value::as_array) {
                    arguments.extend(extra.iter().skip(1).cloned());
                }
                let debug = data
                    .get("debug")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let debug = if old.is_empty() {
                    debug.to_string()
                } else {
                    debug.replace(old, &message)
                };
                return OdooError {
                    name: data
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or(fallback_name)
                        .to_string(),
                    message,
                    arguments,
                    debug,
                };
            }
        }
        OdooError::synthetic(fallback_name, adapt(""))
    }

    /// The first of the recordings `names` that exists, with its message replaced by `message`
    /// (also in its traceback): an error whose whole text is computed, in a recorded envelope.
    pub fn instantiate_as(&self, names: &[&str], fallback_name: &str, message: &str) -> OdooError {
        self.instantiate(names, fallback_name, |_| message.to_string())
    }

    fn pick<'n>(via: Via, rpc: &'n str, json2: &'n str) -> Vec<&'n str> {
        match via {
            Via::Json2 => vec![json2, rpc],
            Via::Rpc => vec![rpc],
        }
    }

    /// Wrong password / key / uid on `execute_kw`.
    pub fn access_denied(&self) -> OdooError {
        self.instantiate(
            &["error.access_denied"],
            "odoo.exceptions.AccessDenied",
            |_| "Access Denied".into(),
        )
    }

    /// Wrong password (or an API key) on `/web/session/authenticate`.
    pub fn access_denied_web(&self) -> OdooError {
        self.instantiate(
            &[
                "web.session.authenticate.wrong_password",
                "error.access_denied",
            ],
            "odoo.exceptions.AccessDenied",
            |_| "Access Denied".into(),
        )
    }

    /// A user without the group needed to read `model`.
    pub fn access_error(&self, model: &str) -> OdooError {
        let desc = self.fx.model_description(model);
        self.instantiate(
            &["error.access_error"],
            "odoo.exceptions.AccessError",
            |old| {
                if old.is_empty() {
                    return format!("You are not allowed to access '{desc}' ({model}) records.");
                }
                subst(
                    old,
                    &[(
                        "'System Parameter' (ir.config_parameter)",
                        &format!("'{desc}' ({model})"),
                    )],
                )
            },
        )
    }

    /// A domain leaf on a field the model does not have.
    pub fn invalid_field_in_domain(
        &self,
        via: Via,
        model: &str,
        field: &str,
        leaf: &str,
    ) -> OdooError {
        self.instantiate(
            &Self::pick(
                via,
                "error.invalid_field_in_domain",
                "json2.error.invalid_field",
            ),
            "builtins.ValueError",
            |old| {
                if old.is_empty() {
                    return format!("Invalid field {model}.{field} in leaf {leaf}");
                }
                subst(
                    old,
                    &[
                        ("('no_such_field', '=', 1)", leaf),
                        ("res.partner.no_such_field", &format!("{model}.{field}")),
                    ],
                )
            },
        )
    }

    /// A record that does not exist (write, unlink, ...).
    pub fn missing(&self, via: Via, model: &str, id: i64, uid: i64) -> OdooError {
        self.instantiate(
            &Self::pick(via, "error.missing_error", "json2.error.missing_record"),
            "odoo.exceptions.MissingError",
            |old| {
                if old.is_empty() {
                    return format!(
                        "Record does not exist or has been deleted.\n(Record: {model}({id},), User: {uid})"
                    );
                }
                subst(
                    old,
                    &[("res.partner(999999,)", &format!("{model}({id},)")), ("User: 2)", &format!("User: {uid})"))],
                )
            },
        )
    }

    /// A required field left empty on create/write.
    pub fn missing_required(&self, model: &str, field: &str, field_label: &str) -> OdooError {
        let desc = self.fx.model_description(model);
        self.instantiate(&["error.missing_required"], "odoo.exceptions.ValidationError", |old| {
            if old.is_empty() {
                return format!("The operation cannot be completed: {desc} ({model}) {field_label} ({field})");
            }
            subst(
                old,
                &[("Sales Order", &desc), ("sale.order", model), ("Customer", field_label), ("partner_id", field)],
            )
        })
    }

    /// A method whose name starts with `_`.
    pub fn private_method(&self, via: Via, model: &str, method: &str) -> OdooError {
        self.instantiate(
            &Self::pick(
                via,
                "error.private_method",
                "json2.error.access_error.private",
            ),
            "odoo.exceptions.AccessError",
            |old| {
                if old.is_empty() {
                    return format!(
                        "Private methods (such as {method}) cannot be called remotely."
                    );
                }
                subst(
                    old,
                    &[("_compute_display_name", method), ("res.partner", model)],
                )
            },
        )
    }

    /// A public method the model does not have.
    pub fn unknown_method(&self, via: Via, model: &str, method: &str) -> OdooError {
        self.instantiate(
            &Self::pick(via, "error.unknown_method", "json2.error.unknown_method"),
            "builtins.AttributeError",
            |old| {
                if old.is_empty() {
                    return format!("The method '{method}' does not exist on the model '{model}'");
                }
                subst(old, &[("no_such_method", method), ("res.partner", model)])
            },
        )
    }

    /// A model the database does not have.
    pub fn unknown_model(&self, via: Via, model: &str) -> OdooError {
        self.instantiate(
            &Self::pick(via, "error.unknown_model", "json2.error.unknown_model"),
            "odoo.exceptions.UserError",
            |old| {
                if old.is_empty() {
                    return format!("Object {model} doesn't exist");
                }
                subst(old, &[("no.such.model", model)])
            },
        )
    }

    /// A business rule refusing the operation (`odoo.exceptions.UserError`).
    pub fn user_error(&self, via: Via, message: &str) -> OdooError {
        self.instantiate(
            &Self::pick(via, "error.user_error", "json2.error.user_error"),
            "odoo.exceptions.UserError",
            |_| message.to_string(),
        )
    }

    /// A constraint refusing the values (`odoo.exceptions.ValidationError`).
    pub fn validation_error(&self, via: Via, message: &str) -> OdooError {
        self.instantiate(
            &Self::pick(via, "error.validation_error", "json2.error.validation"),
            "odoo.exceptions.ValidationError",
            |_| message.to_string(),
        )
    }

    /// A value Python could not convert (`int('abc')`), or any other `ValueError`.
    pub fn value_error(&self, message: &str) -> OdooError {
        self.instantiate(&["error.wrong_type"], "builtins.ValueError", |_| {
            message.to_string()
        })
    }

    /// The session cookie is missing, unknown or expired.
    pub fn session_expired(&self) -> OdooError {
        self.instantiate(
            &["web.dataset.call_kw.no_session"],
            "odoo.http.SessionExpiredException",
            |_| "Session expired".into(),
        )
    }

    /// JSON-2 without an `Authorization: bearer` header.
    pub fn json2_no_key(&self) -> OdooError {
        self.instantiate(
            &["json2.error.no_key"],
            "werkzeug.exceptions.Unauthorized",
            |old| {
                if old.is_empty() {
                    "User not authenticated, use an API Key with a Bearer Authorization header."
                        .into()
                } else {
                    old.to_string()
                }
            },
        )
    }

    /// JSON-2 with a bearer that is not an API key of the database.
    pub fn json2_wrong_key(&self) -> OdooError {
        self.instantiate(
            &["json2.error.wrong_key"],
            "werkzeug.exceptions.Unauthorized",
            |_| "Invalid apikey".into(),
        )
    }

    /// JSON-2 arguments that do not bind to the method's signature.
    pub fn json2_unprocessable(&self, message: &str) -> OdooError {
        self.instantiate(
            &["json2.error.positional_args"],
            "werkzeug.exceptions.UnprocessableEntity",
            |_| message.to_string(),
        )
    }

    /// The JSON-RPC error code of ordinary server errors: 200 up to Odoo 18, 0 in 19.
    pub fn rpc_code(&self) -> i64 {
        self.fx
            .recording("error.access_denied")
            .and_then(|r| r.pointer("/response/error/code"))
            .and_then(Value::as_i64)
            .unwrap_or(200)
    }
}

/// A werkzeug HTTP exception serialized the JSON-2 way (`arguments` = `[description, code]`).
pub(crate) fn werkzeug(name: &str, code: u16, message: &str) -> OdooError {
    let mut e = OdooError::synthetic(&format!("werkzeug.exceptions.{name}"), message);
    e.arguments.push(Value::from(code));
    e.debug = format!(
        "Traceback (most recent call last):\n  File \"/opt/odoo/odoo/http.py\", line 0, in dispatch\nwerkzeug.exceptions.{name}: {code} {}: {message}\n",
        reason(code)
    );
    e
}

/// The reason phrase of an HTTP status.
pub(crate) fn reason(code: u16) -> &'static str {
    http::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error")
}

/// Replace each recorded specific by its new value, all at once (through placeholders), so a new
/// value that happens to contain another recorded specific is not rewritten again.
fn subst(text: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (i, (from, _)) in pairs.iter().enumerate() {
        out = out.replace(from, &format!("\u{0}{i}\u{0}"));
    }
    for (i, (_, to)) in pairs.iter().enumerate() {
        out = out.replace(&format!("\u{0}{i}\u{0}"), to);
    }
    out
}
