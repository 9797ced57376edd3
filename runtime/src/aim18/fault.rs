//! aiM18's error reports and how they become [`crate::Error`]s.
//!
//! aiM18 reports a refused call as a `CheckMsg` JSON array, either in the
//! `error_info` header of an HTTP 400 (the documented form) or in `messages`
//! of an HTTP 200 answer with `"status": false` (seen with the `root/api`
//! services). Both end up as an [`Error`] whose cause ([`std::error::Error::source`])
//! is an [`Aim18Fault`]; [`Aim18ErrorExt`] reads it back without downcasting by hand.

use std::fmt;

use serde_json::Value;

use crate::error::{Error, ErrorKind};

/// CheckMsg keys that mean "this access token is no longer valid".
///
/// No official page shows how aiM18 reports an expired or revoked token; the
/// one public client known to work against real servers (a Java integration,
/// `ShunTakPOCWebServiceImpl`) signs in again on HTTP 400, 401 and 403. So a
/// 401 always counts, and a 400 or 403 counts when its `error_info` messages or
/// its body carry one of these keys or [`TOKEN_INVALID_PHRASES`]. These are
/// guesses (RFC 6750's `invalid_token` and plain-English wordings); extend
/// them here, in this one place, when a real server shows its own.
pub const TOKEN_INVALID_KEYS: &[&str] = &["invalid_token", "token_expired", "expired_token"];

/// Phrases (compared in lower case) that mean the access token is no longer
/// valid; see [`TOKEN_INVALID_KEYS`].
pub const TOKEN_INVALID_PHRASES: &[&str] = &[
    "invalid_token",
    "invalid token",
    "invalid access token",
    "token expired",
    "token has expired",
    "token is expired",
    "expired token",
    "token is invalid",
    "token not valid",
    "token is not valid",
    "token is no longer valid",
    "token has been revoked",
    "token revoked",
];

/// Markers (lower case) of a 403 refused by a per-API access rule rather than
/// by module rights: a CheckMsg key containing one of them, or a message text
/// containing one. A guess: no public source shows the server's wording.
pub const API_RULE_MARKERS: &[&str] = &["api_rule", "apirule", "access rule", "api rule"];

/// Whether `text` (a CheckMsg key, message, or a body) says the token is no longer valid.
pub fn says_token_invalid(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    TOKEN_INVALID_KEYS.iter().any(|k| lower == *k)
        || TOKEN_INVALID_PHRASES.iter().any(|p| lower.contains(p))
}

/// Whether `messages` name a per-API access rule (see [`API_RULE_MARKERS`]).
pub fn names_api_rule(messages: &[CheckMsg]) -> bool {
    messages.iter().any(|m| {
        [&m.key, &m.info, &m.info_desc].iter().any(|t| {
            let lower = t.to_ascii_lowercase();
            API_RULE_MARKERS.iter().any(|k| lower.contains(k))
        })
    })
}

/// Severity of a [`CheckMsg`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MsgType {
    Info,
    Warning,
    Error,
    /// A type this client does not know, kept verbatim.
    Other(String),
}

/// Where a message points: a table, column and row of the entity, so a UI can
/// highlight the field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MsgLocator {
    pub table_name: String,
    pub col_name: String,
    /// Record id of the row (0 when not known).
    pub id: i64,
    /// 0 for the main (header) table, 1-based for line tables.
    pub row: i64,
    /// `Field` unless the server says otherwise.
    pub locator_type: String,
    /// `table.col` or `table.col.row`.
    pub locator_key: String,
    pub table_mess: String,
    pub col_mess: String,
}

/// One message of aiM18's `CheckMsg` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckMsg {
    pub pass: bool,
    pub msg_type: MsgType,
    pub id: i64,
    /// Message code, e.g. `core_101905` (required field missing).
    pub key: String,
    pub info: String,
    pub info_desc: String,
    /// Server-side detail for developers; kept out of Display.
    pub trace: String,
    pub exception: String,
    pub json_str: String,
    pub locators: Vec<MsgLocator>,
    pub html_message: bool,
}

fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn int(v: &Value, key: &str) -> i64 {
    match v.get(key) {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

fn flag(v: &Value, key: &str, default: bool) -> bool {
    match v.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => default,
    }
}

impl MsgLocator {
    fn from_value(v: &Value) -> MsgLocator {
        let locator_type = text(v, "type");
        MsgLocator {
            table_name: text(v, "tableName"),
            col_name: text(v, "colName"),
            id: int(v, "id"),
            row: int(v, "row"),
            locator_type: if locator_type.is_empty() {
                "Field".into()
            } else {
                locator_type
            },
            locator_key: text(v, "locatorKey"),
            table_mess: text(v, "tableMess"),
            col_mess: text(v, "colMess"),
        }
    }
}

impl CheckMsg {
    /// Read one message leniently: every field is optional; a bare string
    /// becomes the `info` of an error message.
    pub fn from_value(v: &Value) -> CheckMsg {
        if let Value::String(s) = v {
            return CheckMsg::error_text(s);
        }
        // Defaults as in Multiable's javaapi `com.multiable.javaapi.base.CheckMsg`:
        // `pass = true`, `type = MsgType.Info` when the server leaves them out.
        let msg_type = match text(v, "type").as_str() {
            "Info" | "INFO" | "info" | "" => MsgType::Info,
            "Warning" | "WARNING" | "warning" => MsgType::Warning,
            "Error" | "ERROR" | "error" => MsgType::Error,
            other => MsgType::Other(other.to_string()),
        };
        let locators = match v.get("locators") {
            Some(Value::Array(list)) => list.iter().map(MsgLocator::from_value).collect(),
            _ => Vec::new(),
        };
        CheckMsg {
            pass: flag(v, "pass", true),
            msg_type,
            id: int(v, "id"),
            key: text(v, "key"),
            info: text(v, "info"),
            info_desc: text(v, "info_desc"),
            trace: text(v, "trace"),
            exception: text(v, "exception"),
            json_str: text(v, "jsonStr"),
            locators,
            html_message: flag(v, "htmlMessage", false),
        }
    }

    fn error_text(s: &str) -> CheckMsg {
        CheckMsg {
            pass: false,
            msg_type: MsgType::Error,
            id: 0,
            key: String::new(),
            info: s.to_string(),
            info_desc: String::new(),
            trace: String::new(),
            exception: String::new(),
            json_str: String::new(),
            locators: Vec::new(),
            html_message: false,
        }
    }

    /// Parse a CheckMsg list: a JSON array of messages, or a single message.
    pub fn parse_list(text: &str) -> Option<Vec<CheckMsg>> {
        match serde_json::from_str::<Value>(text.trim()).ok()? {
            Value::Array(items) => Some(items.iter().map(CheckMsg::from_value).collect()),
            v @ Value::Object(_) => Some(vec![CheckMsg::from_value(&v)]),
            _ => None,
        }
    }

    /// The text to show: `info_desc` when set, else `info`, else the key.
    pub fn text(&self) -> &str {
        if !self.info_desc.is_empty() {
            &self.info_desc
        } else if !self.info.is_empty() {
            &self.info
        } else {
            &self.key
        }
    }

    pub fn is_error(&self) -> bool {
        self.msg_type == MsgType::Error
    }
}

impl fmt::Display for CheckMsg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.key.is_empty() && self.key != self.text() {
            write!(f, "[{}] ", self.key)?;
        }
        f.write_str(self.text())?;
        if let Some(l) = self.locators.first() {
            if l.row > 0 {
                write!(f, " ({}.{} row {})", l.table_name, l.col_name, l.row)?;
            } else if !l.col_name.is_empty() {
                write!(f, " ({}.{})", l.table_name, l.col_name)?;
            }
        }
        Ok(())
    }
}

/// The service an aiM18 call used, as named in [`Aim18Fault::Forbidden`] and
/// in [`Error::method`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// The create service (empty entity template).
    Create,
    Read,
    Save,
    Delete,
    Search,
    IdByCode,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Read => "read",
            Operation::Save => "save",
            Operation::Delete => "delete",
            Operation::Search => "search",
            Operation::IdByCode => "getIdByCode",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An OAuth 2.0 error answer (RFC 6749 §5.2 / §4.1.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// `invalid_grant`, `invalid_client`, `access_denied`, ...
    pub error: String,
    pub description: Option<String>,
}

/// What aiM18 (or the OAuth flow) reported; the cause of an [`Error`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Aim18Fault {
    /// The server refused the data (HTTP 400 `error_info`, or 200 with `status=false`).
    Rejected { messages: Vec<CheckMsg> },
    /// Module rights refused the call (HTTP 403).
    Forbidden {
        module: String,
        operation: Operation,
        messages: Vec<CheckMsg>,
    },
    /// An access-control rule set for this API on the application refused the
    /// call (HTTP 403 whose messages name such a rule, see [`API_RULE_MARKERS`]).
    /// aiM18's OAuth page: "an access-control rule can be set for each API
    /// separately, to restrict which APIs (and data) a third-party app may reach".
    ApiRuleDenied {
        /// The path of the refused API, e.g. `/jsf/rfws/entity/delete/cus`.
        api: String,
        messages: Vec<CheckMsg>,
    },
    /// `core_141019`: third-party notes read it as "record not found *or* no
    /// access"; the client cannot tell which, so the error says both.
    NotFoundOrNoAccess { messages: Vec<CheckMsg> },
    /// The token endpoint or the authorization redirect answered an OAuth error.
    OAuth(OAuthError),
    /// The `state` on the redirect is not the one sent: the answer belongs to
    /// another authorization request (or to an attacker), so it was ignored.
    StateMismatch,
    /// The redirect came back without any `state` and the request did not
    /// allow that (`AuthorizationRequest::allow_missing_state`).
    StateMissing,
    /// The access token expired and cannot be refreshed (implicit grant, or a
    /// refused refresh with no password to fall back on): run the
    /// authorization again.
    ReauthorizationRequired,
}

impl Aim18Fault {
    /// The CheckMsgs of a rejected or forbidden call.
    pub fn messages(&self) -> &[CheckMsg] {
        match self {
            Aim18Fault::Rejected { messages }
            | Aim18Fault::Forbidden { messages, .. }
            | Aim18Fault::ApiRuleDenied { messages, .. }
            | Aim18Fault::NotFoundOrNoAccess { messages } => messages,
            _ => &[],
        }
    }
}

impl fmt::Display for Aim18Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Aim18Fault::Rejected { messages } => write_messages(f, messages),
            Aim18Fault::Forbidden {
                module,
                operation,
                messages,
            } => {
                write!(f, "{operation} on module {module} is not allowed")?;
                if !messages.is_empty() {
                    f.write_str(": ")?;
                    write_messages(f, messages)?;
                }
                Ok(())
            }
            Aim18Fault::ApiRuleDenied { api, messages } => {
                write!(
                    f,
                    "an access rule of this application refuses the API {api}"
                )?;
                if !messages.is_empty() {
                    f.write_str(": ")?;
                    write_messages(f, messages)?;
                }
                Ok(())
            }
            Aim18Fault::NotFoundOrNoAccess { messages } => {
                f.write_str(
                    "the record does not exist, or this user has no right to it \
                     (aiM18's core_141019 means either)",
                )?;
                if !messages.is_empty() {
                    f.write_str(": ")?;
                    write_messages(f, messages)?;
                }
                Ok(())
            }
            Aim18Fault::OAuth(e) => {
                f.write_str(&e.error)?;
                if let Some(d) = &e.description {
                    write!(f, ": {d}")?;
                }
                Ok(())
            }
            Aim18Fault::StateMismatch => {
                f.write_str("the state returned with the authorization does not match the request")
            }
            Aim18Fault::StateMissing => f.write_str(
                "the authorization redirect carries no state, so it cannot be tied to this \
                 request; if this aiM18 server never returns state, allow it with \
                 AuthorizationRequest::allow_missing_state(true) (or --allow-missing-state), \
                 accepting the login-CSRF risk",
            ),
            Aim18Fault::ReauthorizationRequired => {
                f.write_str("the access token expired and cannot be refreshed; authorize again")
            }
        }
    }
}

fn write_messages(f: &mut fmt::Formatter<'_>, messages: &[CheckMsg]) -> fmt::Result {
    for (i, m) in messages.iter().enumerate() {
        if i > 0 {
            f.write_str("; ")?;
        }
        write!(f, "{m}")?;
    }
    Ok(())
}

impl std::error::Error for Aim18Fault {}

impl Aim18Fault {
    /// Wrap into the runtime's error with the kind callers act on.
    pub(crate) fn into_error(self, kind: ErrorKind) -> Error {
        Error::new(kind, self.to_string()).with_source(self)
    }
}

/// aiM18 details of a [`crate::Error`].
pub trait Aim18ErrorExt {
    /// The aiM18 report behind this error, if it came from aiM18.
    fn aim18_fault(&self) -> Option<&Aim18Fault>;

    /// The CheckMsgs of a refused call (empty if none).
    fn check_messages(&self) -> &[CheckMsg] {
        self.aim18_fault().map(Aim18Fault::messages).unwrap_or(&[])
    }

    /// `(module, operation)` when module rights or an API rule refused the call.
    fn forbidden(&self) -> Option<(&str, Operation)> {
        match self.aim18_fault()? {
            Aim18Fault::Forbidden {
                module, operation, ..
            } => Some((module, *operation)),
            _ => None,
        }
    }

    /// The API path when a per-API access rule of the application refused the
    /// call (distinct from module rights: [`forbidden`](Self::forbidden)).
    fn api_rule_denied(&self) -> Option<&str> {
        match self.aim18_fault()? {
            Aim18Fault::ApiRuleDenied { api, .. } => Some(api),
            _ => None,
        }
    }

    /// aiM18 answered `core_141019`: the record is missing *or* the user may
    /// not see it (the error's kind is `Missing`; this says it may be rights).
    fn maybe_no_access(&self) -> bool {
        matches!(
            self.aim18_fault(),
            Some(Aim18Fault::NotFoundOrNoAccess { .. })
        )
    }

    /// The OAuth error answer, for failed grants and refused authorizations.
    fn oauth_error(&self) -> Option<&OAuthError> {
        match self.aim18_fault()? {
            Aim18Fault::OAuth(e) => Some(e),
            _ => None,
        }
    }

    /// The user must authorize the application again (implicit tokens expire for good).
    fn needs_reauthorization(&self) -> bool {
        matches!(
            self.aim18_fault(),
            Some(Aim18Fault::ReauthorizationRequired)
        )
    }
}

impl Aim18ErrorExt for Error {
    fn aim18_fault(&self) -> Option<&Aim18Fault> {
        std::error::Error::source(self)?.downcast_ref::<Aim18Fault>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn check_msgs_keep_locators() {
        let header = json!([{
            "pass": false, "type": "Error", "id": 7, "key": "core_101905",
            "info": "code is required", "info_desc": "",
            "locators": [{"tableName": "sot", "colName": "qty", "id": 12, "row": 2,
                          "locatorKey": "sot.qty.2"}]
        }])
        .to_string();
        let msgs = CheckMsg::parse_list(&header).unwrap();
        assert_eq!(msgs.len(), 1);
        let m = &msgs[0];
        assert_eq!(m.key, "core_101905");
        assert!(m.is_error());
        let l = &m.locators[0];
        assert_eq!(
            (l.table_name.as_str(), l.col_name.as_str(), l.row, l.id),
            ("sot", "qty", 2, 12)
        );
        assert_eq!(l.locator_type, "Field");
        assert_eq!(
            m.to_string(),
            "[core_101905] code is required (sot.qty row 2)"
        );
    }

    #[test]
    fn lenient_parsing() {
        assert_eq!(CheckMsg::parse_list("not json"), None);
        assert_eq!(CheckMsg::parse_list("5"), None);
        let one = CheckMsg::parse_list(r#"{"info":"x","id":"3","type":"Odd"}"#).unwrap();
        assert_eq!(one[0].id, 3);
        assert_eq!(one[0].msg_type, MsgType::Other("Odd".into()));
        let s = CheckMsg::from_value(&json!("plain text"));
        assert_eq!(s.text(), "plain text");
    }

    #[test]
    fn error_carries_the_fault() {
        let e = Aim18Fault::Forbidden {
            module: "cus".into(),
            operation: Operation::Delete,
            messages: vec![],
        }
        .into_error(ErrorKind::Access)
        .with_target("cus", "delete");
        assert_eq!(e.forbidden(), Some(("cus", Operation::Delete)));
        assert!(e.is_access());
        assert_eq!(
            e.to_string(),
            "cus/delete: AccessError: delete on module cus is not allowed"
        );
        assert!(!e.needs_reauthorization());
    }
}
