//! The runtime's one error type, shared by every ERP client.
//!
//! Shaped like `reqwest::Error`: an opaque, pointer-sized [`Error`] whose
//! category is asked with [`Error::kind`] (a `#[non_exhaustive]` enum, so new
//! categories do not break callers) or the `is_*` shortcuts. Every error that
//! comes from a call names the model and method that failed, and Display reads
//! `res.partner/write: AccessError: <message>`. Server tracebacks stay out of
//! Display and are reachable through [`Error::debug`].
//!
//! No constructor here ever takes a password, API key or session id; clients
//! additionally scrub their secret out of any text a server echoes back
//! (see `Error::redact`).

use std::error::Error as StdError;
use std::fmt;

use serde_json::Value;
use url::Url;

/// `Result` with [`Error`] as the error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

type BoxError = Box<dyn StdError + Send + Sync>;

/// What went wrong, in categories a caller can act on.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The credentials were refused (Odoo `AccessDenied`, a `false` uid, HTTP 401).
    Authentication,
    /// The user may not do this (Odoo `AccessError`).
    Access,
    /// A constraint refused the values (Odoo `ValidationError`).
    Validation,
    /// A business rule refused the operation (Odoo `UserError`).
    User,
    /// The record does not exist or was deleted (Odoo `MissingError`).
    Missing,
    /// The web session is no longer valid and logging in again did not help.
    SessionExpired,
    /// The server has no such route, model or method (HTTP 404 / `werkzeug.exceptions.NotFound`).
    NotFound,
    /// Any other exception raised on the server; [`Error::fault`] keeps its name, message and traceback.
    Server,
    /// The request did not complete: connect failure, dropped connection, timeout, TLS.
    Transport,
    /// The server answered something that is not the expected protocol (an HTML error page, a
    /// JSON-RPC envelope without `result`, ...); [`Error::status`] and [`Error::body_excerpt`] tell what.
    Protocol,
    /// The answer was well-formed but does not fit the type asked for (e.g. `false` where a list was expected).
    Decode,
    /// No database was given and the server does not list exactly one.
    Database,
    /// The client was configured or used in a way that cannot work (bad URL, plain http to a
    /// remote host, a secret the chosen transport refuses, positional arguments JSON-2 cannot name...).
    Config,
}

impl ErrorKind {
    fn label(self) -> &'static str {
        match self {
            ErrorKind::Authentication => "authentication failed",
            ErrorKind::Access => "AccessError",
            ErrorKind::Validation => "ValidationError",
            ErrorKind::User => "UserError",
            ErrorKind::Missing => "MissingError",
            ErrorKind::SessionExpired => "session expired",
            ErrorKind::NotFound => "not found",
            ErrorKind::Server => "server error",
            ErrorKind::Transport => "transport error",
            ErrorKind::Protocol => "protocol error",
            ErrorKind::Decode => "decode error",
            ErrorKind::Database => "database selection",
            ErrorKind::Config => "configuration error",
        }
    }
}

/// An exception as the server described it (`error.data` of a JSON-RPC answer,
/// or the body of a JSON-2 error).
#[derive(Clone, PartialEq)]
pub struct ServerFault {
    pub(crate) name: String,
    pub(crate) message: String,
    pub(crate) arguments: Vec<Value>,
    pub(crate) debug: Option<String>,
    pub(crate) code: Option<i64>,
}

impl ServerFault {
    pub(crate) fn new(name: impl Into<String>, message: impl Into<String>) -> Self {
        ServerFault {
            name: name.into(),
            message: message.into(),
            arguments: Vec::new(),
            debug: None,
            code: None,
        }
    }

    /// Fully qualified exception class, e.g. `odoo.exceptions.AccessError`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The class name without its module, e.g. `AccessError`.
    pub fn short_name(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }

    /// The exception's message, as shown to users.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// All arguments of the exception (e.g. `RedirectWarning` has four).
    pub fn arguments(&self) -> &[Value] {
        &self.arguments
    }

    /// The server-side traceback, when the server sent one.
    pub fn debug(&self) -> Option<&str> {
        self.debug.as_deref()
    }

    /// The JSON-RPC error code (Odoo: 200 or 0 for exceptions, 100 session expired, 404 not found).
    pub fn code(&self) -> Option<i64> {
        self.code
    }
}

impl fmt::Debug for ServerFault {
    // The traceback is long and noisy; its length is enough in Debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerFault")
            .field("name", &self.name)
            .field("message", &self.message)
            .field("code", &self.code)
            .field("debug_len", &self.debug.as_ref().map(String::len))
            .finish()
    }
}

/// The runtime's error: opaque, one pointer wide, with accessors.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    fault: Option<ServerFault>,
    model: Option<String>,
    method: Option<String>,
    url: Option<Url>,
    status: Option<u16>,
    body_excerpt: Option<String>,
    source: Option<BoxError>,
}

impl Error {
    /// A new error of `kind` with a human-readable message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                fault: None,
                model: None,
                method: None,
                url: None,
                status: None,
                body_excerpt: None,
                source: None,
            }),
        }
    }

    /// An exception reported by the server, classified by the ERP client as `kind`.
    pub fn server(kind: ErrorKind, fault: ServerFault) -> Self {
        let mut e = Error::new(kind, fault.message.clone());
        e.inner.fault = Some(fault);
        e
    }

    /// A request that did not complete.
    pub fn transport(err: reqwest::Error) -> Self {
        let what = if err.is_timeout() {
            "timed out"
        } else if err.is_connect() {
            "could not connect"
        } else if err.is_body() || err.is_decode() {
            "the answer was cut off"
        } else if err.is_builder() {
            "could not build the request"
        } else {
            "the request failed"
        };
        // The root cause ("Connection refused", "connection closed before message completed")
        // is what users need; reqwest's own Display only names the URL.
        let mut root: &(dyn StdError + 'static) = &err;
        while let Some(next) = root.source() {
            root = next;
        }
        let message = if std::ptr::addr_eq(root, &err as &(dyn StdError + 'static)) {
            what.to_owned()
        } else {
            format!("{what}: {root}")
        };
        let url = err.url().cloned();
        let mut e = Error::new(ErrorKind::Transport, message).with_source(err);
        if let Some(url) = url {
            e = e.with_url(url);
        }
        e
    }

    /// An answer that is not the expected protocol: keeps the HTTP status and the
    /// first bytes of the body (cut at a char boundary).
    pub fn protocol(status: u16, body: &[u8], what: impl Into<String>) -> Self {
        let excerpt = body_excerpt(body, EXCERPT_CHARS);
        let mut e = Error::new(ErrorKind::Protocol, what);
        e.inner.status = Some(status);
        e.inner.body_excerpt = Some(excerpt);
        e
    }

    /// A well-formed answer that does not fit the requested type.
    pub fn decode(err: serde_json::Error, what: impl fmt::Display) -> Self {
        Error::new(ErrorKind::Decode, format!("{what}: {err}")).with_source(err)
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, message)
    }

    /// Attach the cause returned by [`std::error::Error::source`].
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    /// Name the model and method the error belongs to (kept if already set: the
    /// innermost context is the most precise).
    pub fn with_target(mut self, model: impl Into<String>, method: impl Into<String>) -> Self {
        if self.inner.model.is_none() {
            self.inner.model = Some(model.into());
            self.inner.method = Some(method.into());
        }
        self
    }

    /// The URL the failing request went to. Userinfo is stripped so that a URL can
    /// never carry a password into an error.
    pub fn with_url(mut self, mut url: Url) -> Self {
        if self.inner.url.is_none() {
            let _ = url.set_password(None);
            let _ = url.set_username("");
            self.inner.url = Some(url);
        }
        self
    }

    /// Record the HTTP status of the answer.
    pub fn with_status(mut self, status: u16) -> Self {
        self.inner.status.get_or_insert(status);
        self
    }

    /// Replace every occurrence of `secret` in text that came from outside
    /// (server messages, tracebacks, body excerpts) with `[redacted]`.
    pub fn redact(mut self, secret: &str) -> Self {
        // Very short secrets would mangle ordinary words; such secrets are not
        // realistic and are refused nowhere else, so only scrub from 4 chars on.
        if secret.chars().count() < 4 {
            return self;
        }
        // Echoed text holds the secret as sent: JSON-escaped in a JSON-RPC body,
        // percent-encoded in a query string, and with whitespace runs collapsed
        // once it is a body excerpt.
        let forms = secret_forms(secret);
        let scrub = |s: &mut String| {
            for form in &forms {
                if s.contains(form.as_str()) {
                    *s = s.replace(form.as_str(), "[redacted]");
                }
            }
        };
        let inner = &mut *self.inner;
        scrub(&mut inner.message);
        if let Some(x) = inner.body_excerpt.as_mut() {
            scrub(x);
            // The excerpt may end inside the secret: no prefix of it may stay.
            redact_cut_tail(x, &forms);
        }
        if let Some(f) = inner.fault.as_mut() {
            scrub(&mut f.message);
            scrub(&mut f.name);
            if let Some(d) = f.debug.as_mut() {
                scrub(d);
            }
            for a in &mut f.arguments {
                redact_value(a, secret);
            }
        }
        self
    }

    /// The category of the error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The model of the failing call (e.g. `res.partner`; `common` for Odoo's login service).
    pub fn model(&self) -> Option<&str> {
        self.inner.model.as_deref()
    }

    /// The method of the failing call (e.g. `write`).
    pub fn method(&self) -> Option<&str> {
        self.inner.method.as_deref()
    }

    /// The URL of the failing request, when known.
    pub fn url(&self) -> Option<&Url> {
        self.inner.url.as_ref()
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The first bytes of an answer that could not be understood.
    pub fn body_excerpt(&self) -> Option<&str> {
        self.inner.body_excerpt.as_deref()
    }

    /// The human-readable message, without the model/method prefix.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The exception as the server reported it, for server-side errors.
    pub fn fault(&self) -> Option<&ServerFault> {
        self.inner.fault.as_ref()
    }

    /// The server's traceback (kept out of Display on purpose: it is long and for developers).
    pub fn debug(&self) -> Option<&str> {
        self.inner.fault.as_ref().and_then(|f| f.debug())
    }

    pub fn is_authentication(&self) -> bool {
        self.kind() == ErrorKind::Authentication
    }
    pub fn is_access(&self) -> bool {
        self.kind() == ErrorKind::Access
    }
    pub fn is_validation(&self) -> bool {
        self.kind() == ErrorKind::Validation
    }
    pub fn is_user_error(&self) -> bool {
        self.kind() == ErrorKind::User
    }
    pub fn is_missing(&self) -> bool {
        self.kind() == ErrorKind::Missing
    }
    pub fn is_session_expired(&self) -> bool {
        self.kind() == ErrorKind::SessionExpired
    }
    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }
    pub fn is_server(&self) -> bool {
        self.kind() == ErrorKind::Server
    }
    pub fn is_transport(&self) -> bool {
        self.kind() == ErrorKind::Transport
    }
    pub fn is_protocol(&self) -> bool {
        self.kind() == ErrorKind::Protocol
    }
    pub fn is_decode(&self) -> bool {
        self.kind() == ErrorKind::Decode
    }
    pub fn is_config(&self) -> bool {
        self.kind() == ErrorKind::Config
    }

    /// The request timed out.
    pub fn is_timeout(&self) -> bool {
        self.reqwest_source()
            .is_some_and(reqwest::Error::is_timeout)
    }

    /// No connection could be opened.
    pub fn is_connect(&self) -> bool {
        self.reqwest_source()
            .is_some_and(reqwest::Error::is_connect)
    }

    fn reqwest_source(&self) -> Option<&reqwest::Error> {
        self.inner.source.as_ref()?.downcast_ref::<reqwest::Error>()
    }
}

/// The ways a secret shows up in text a server echoes back (at least 4
/// characters each, longest first).
fn secret_forms(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json
        .strip_prefix('"')
        .and_then(|j| j.strip_suffix('"'))
        .unwrap_or_default()
        .to_owned();
    let query: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let path: String = url::form_urlencoded::byte_serialize(secret.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    let mut forms = Vec::new();
    for f in [secret.to_owned(), json, query, path] {
        let collapsed = f.split_whitespace().collect::<Vec<_>>().join(" ");
        forms.push(f);
        forms.push(collapsed);
    }
    forms.retain(|f| f.chars().count() >= 4);
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms.dedup();
    forms
}

/// An excerpt cut with `…` right inside a secret still shows its start:
/// replace a tail that is a prefix (4 characters or more) of any form.
fn redact_cut_tail(excerpt: &mut String, forms: &[String]) {
    let Some(head) = excerpt.strip_suffix('…') else {
        return;
    };
    for form in forms {
        let starts: Vec<usize> = form.char_indices().map(|(i, _)| i).skip(4).collect();
        for end in starts.into_iter().rev() {
            if head.ends_with(&form[..end]) {
                let keep = head.len() - end;
                excerpt.truncate(keep);
                excerpt.push_str("[redacted]…");
                return;
            }
        }
    }
}

fn redact_value(v: &mut Value, secret: &str) {
    match v {
        Value::String(s) if s.contains(secret) => *s = s.replace(secret, "[redacted]"),
        Value::Array(items) => items.iter_mut().for_each(|x| redact_value(x, secret)),
        Value::Object(map) => map.values_mut().for_each(|x| redact_value(x, secret)),
        _ => {}
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        if let (Some(model), Some(method)) = (&inner.model, &inner.method) {
            write!(f, "{model}/{method}: ")?;
        }
        match &inner.fault {
            Some(fault) => {
                let label = match inner.kind {
                    ErrorKind::Authentication | ErrorKind::SessionExpired => inner.kind.label(),
                    _ => fault.short_name(),
                };
                write!(f, "{label}: {}", inner.message)?;
            }
            None => write!(f, "{}: {}", inner.kind.label(), inner.message)?,
        }
        if inner.kind == ErrorKind::Protocol {
            if let Some(status) = inner.status {
                write!(f, " (HTTP {status}")?;
                if let Some(url) = &inner.url {
                    write!(f, " from {url}")?;
                }
                f.write_str(")")?;
            }
            if let Some(excerpt) = inner.body_excerpt.as_deref().filter(|x| !x.is_empty()) {
                write!(f, "; body starts with: {excerpt}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let mut d = f.debug_struct("runtime::Error");
        d.field("kind", &inner.kind);
        if let Some(m) = &inner.model {
            d.field("model", m);
        }
        if let Some(m) = &inner.method {
            d.field("method", m);
        }
        d.field("message", &inner.message);
        if let Some(url) = &inner.url {
            d.field("url", &url.as_str());
        }
        if let Some(s) = inner.status {
            d.field("status", &s);
        }
        if let Some(x) = &inner.body_excerpt {
            d.field("body_excerpt", x);
        }
        if let Some(fault) = &inner.fault {
            d.field("fault", fault);
        }
        if let Some(source) = &inner.source {
            d.field("source", source);
        }
        d.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|e| &**e as &(dyn StdError + 'static))
    }
}

/// Characters of a non-protocol body kept in a [`ErrorKind::Protocol`] error.
pub const EXCERPT_CHARS: usize = 300;

/// The first `max_chars` characters of a body, decoded lossily and with runs of
/// whitespace collapsed so that an HTML page reads on one line. Never splits a
/// UTF-8 character.
pub fn body_excerpt(body: &[u8], max_chars: usize) -> String {
    // Look at a bounded prefix only: bodies can be megabytes.
    let prefix = &body[..body
        .len()
        .min(max_chars.saturating_mul(4).saturating_add(4))];
    let text = String::from_utf8_lossy(prefix);
    let mut out = String::new();
    let mut count = 0;
    let mut last_space = false;
    for c in text.chars() {
        if count >= max_chars {
            out.push('…');
            break;
        }
        if c.is_whitespace() {
            if last_space || out.is_empty() {
                continue;
            }
            last_space = true;
            out.push(' ');
        } else {
            last_space = false;
            out.push(c);
        }
        count += 1;
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_pointer() {
        assert_eq!(size_of::<Error>(), size_of::<usize>());
    }

    #[test]
    fn display_names_target_and_hides_traceback() {
        let mut fault = ServerFault::new("odoo.exceptions.AccessError", "You are not allowed");
        fault.debug = Some("Traceback (most recent call last): secret-stack".into());
        let e = Error::server(ErrorKind::Access, fault).with_target("res.partner", "write");
        assert_eq!(
            e.to_string(),
            "res.partner/write: AccessError: You are not allowed"
        );
        assert!(e.debug().unwrap().contains("secret-stack"));
        assert!(!format!("{e:?}").contains("secret-stack"));
        assert!(e.is_access());
    }

    #[test]
    fn target_is_kept_once_set() {
        let e = Error::config("x")
            .with_target("a", "b")
            .with_target("c", "d");
        assert_eq!((e.model(), e.method()), (Some("a"), Some("b")));
    }

    #[test]
    fn excerpt_cuts_at_char_boundary_and_collapses_space() {
        let body = "<html>\n  <p>é€😀</p>\n</html>".as_bytes();
        assert_eq!(body_excerpt(body, 100), "<html> <p>é€😀</p> </html>");
        assert_eq!(body_excerpt(body, 12), "<html> <p>é€…");
        // A prefix that ends inside a multi-byte char must not panic.
        let s = "😀".repeat(100);
        let e = body_excerpt(&s.as_bytes()[..7], 50);
        assert!(e.starts_with('😀'));
        assert_eq!(body_excerpt(b"", 10), "");
    }

    #[test]
    fn redact_scrubs_echoed_secrets() {
        let mut fault = ServerFault::new("x.Y", "bad key hunter22 given");
        fault.debug = Some("hunter22".into());
        fault.arguments = vec![Value::String("hunter22".into())];
        let e = Error::server(ErrorKind::Server, fault).redact("hunter22");
        let all = format!(
            "{e} {e:?} {:?} {:?}",
            e.debug(),
            e.fault().unwrap().arguments()
        );
        assert!(!all.contains("hunter22"), "{all}");
        let e = Error::protocol(502, b"<p>hunter22</p>", "not JSON").redact("hunter22");
        assert!(!e.to_string().contains("hunter22"));
    }

    #[test]
    fn redact_covers_cut_escaped_and_collapsed_forms() {
        let secret = "Zq9#pW2!kL7$vN4@xR8";
        let body = format!("{}{secret} tail", "x".repeat(EXCERPT_CHARS - 8));
        let e = Error::protocol(500, body.as_bytes(), "not JSON").redact(secret);
        let x = e.body_excerpt().unwrap();
        assert!(!x.contains("Zq9#"), "{x}");
        assert!(x.ends_with("[redacted]…"), "{x}");
        let secret = "pa\"ss  word\twith";
        let echoed = serde_json::json!({ "password": secret }).to_string();
        let e = Error::protocol(500, echoed.as_bytes(), "not JSON").redact(secret);
        let shown = format!("{e} {e:?}");
        assert!(
            !shown.contains("ss word") && !shown.contains("ss  word"),
            "{shown}"
        );
        let e = Error::protocol(400, b"client_secret=a%2Fb%2Bc%3Dd&x", "no").redact("a/b+c=d");
        assert!(!e.to_string().contains("a%2Fb"), "{e}");
    }

    #[test]
    fn protocol_display_has_status_and_excerpt() {
        let e = Error::protocol(
            502,
            b"<html><h1>502 Bad Gateway</h1></html>",
            "not a JSON-RPC answer",
        )
        .with_target("res.partner", "search_read");
        let s = e.to_string();
        assert!(
            s.starts_with(
                "res.partner/search_read: protocol error: not a JSON-RPC answer (HTTP 502"
            ),
            "{s}"
        );
        assert!(s.contains("502 Bad Gateway"), "{s}");
        assert_eq!(e.status(), Some(502));
    }
}
