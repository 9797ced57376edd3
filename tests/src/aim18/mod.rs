//! A fake aiM18 server on 127.0.0.1 for integration tests.
//!
//! It speaks the wire protocol documented in aiM18's public pages (what is confirmed and what is a guess: `docs/aim18-protocol.md` and `runtime/src/aim18/mod.rs`):
//! OAuth 2.0 on `/jsf/rfws/oauth/{entry,token}` (password, authorization-code,
//! implicit and refresh grants; passwords compared as lower-case SHA-1 hex),
//! the entity services in both path families (`/jsf/rfws/entity/...` and
//! `/jsf/rfws/root/api/...`), and `/jsf/rfws/search/search`. Modules `employee`,
//! `cus`, `oldso` and `po` come seeded. See `routes.rs` for the choices made
//! where aiM18's docs are silent; each has a builder switch to play the
//! alternatives ([`Readings`]). [`FakeAim18Builder::replay`] answers from a
//! session recorded against a real server instead.
//!
//! ```no_run
//! use tests::aim18::{FakeAim18, Op};
//! let fake = FakeAim18::builder()
//!     .client("C-app", "app-secret", ["http://127.0.0.1:8765/cb"])
//!     .user("alice", "alice-pw")
//!     .grant_right("alice", "cus", &[Op::Read])
//!     .start();
//! println!("{}", fake.url());
//! ```

mod faults;
mod modules;
mod readings;
mod replay;
mod routes;
mod state;

pub use faults::{Faults, RecordedRequest, RefusedTokens};
pub use modules::Record;
pub use readings::{
    CheckMsgForm, ExpiredToken, ImplicitTokenIn, Readings, RedirectState, RefreshRedirectUri,
    RefreshRefusal, RightsRefusal, SaveAnswer, SearchSize, UnconfirmedPaths,
};
pub use replay::{RecordedExchange, load_recording};
pub use state::{Op, TokenRequestCounts};

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State as AxState};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tower_service::Service as _;

use crate::fake::{Cut, FakeBody, Fault, Hangup, HttpServer};
use faults::Aim18Fault;
use state::{ClientReg, State, UserReg, sha1_hex};

/// Client id of the application `FakeAim18::start()` registers (aiM18 style: `C-` + base64).
pub const DEFAULT_CLIENT_ID: &str = "C-ZXJwYmluZCB0ZXN0IGFwcGxpY2F0aW9u";
/// Its client secret.
pub const DEFAULT_CLIENT_SECRET: &str = "ZmFrZS1jbGllbnQtc2VjcmV0";
/// Its registered redirect URI.
pub const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1:8765/callback";
/// The user `FakeAim18::start()` registers.
pub const DEFAULT_USER: &str = "admin";
/// That user's password.
pub const DEFAULT_PASSWORD: &str = "admin-password";

pub(crate) struct Shared {
    state: Mutex<State>,
    faults: Faults,
    log: Mutex<Vec<RecordedRequest>>,
    replay: Option<replay::Replay>,
}

impl Shared {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn log(&self) -> MutexGuard<'_, Vec<RecordedRequest>> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Configures a [`FakeAim18`] before it starts.
pub struct FakeAim18Builder {
    state: State,
    replay: Option<Vec<RecordedExchange>>,
}

impl FakeAim18Builder {
    /// Register an application ([Authorized Applications] in aiM18).
    pub fn client<I, S>(mut self, id: &str, secret: &str, redirect_uris: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.state.clients.insert(
            id.to_string(),
            ClientReg {
                secret: secret.to_string(),
                redirect_uris: redirect_uris.into_iter().map(Into::into).collect(),
            },
        );
        self
    }

    /// Register a user; the fake keeps only the SHA-1 of the password, as aiM18 compares hashes.
    pub fn user(mut self, name: &str, password: &str) -> Self {
        let uid = self.state.users.len() as i64 + 1;
        self.state.users.insert(
            name.to_string(),
            UserReg {
                uid,
                password_sha1: sha1_hex(password),
            },
        );
        self
    }

    /// Lifetime of access tokens (default one hour).
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.state.token_ttl = ttl;
        self
    }

    /// Lifetime of authorization codes (default 60 s).
    pub fn code_ttl(mut self, ttl: Duration) -> Self {
        self.state.code_ttl = ttl;
        self
    }

    /// Leave `expires_in` out of token answers (no aiM18 source confirms it is sent).
    pub fn omit_expires_in(mut self) -> Self {
        self.state.send_expires_in = false;
        self
    }

    /// Allow `user` the given basic APIs on `module`. A user named in any
    /// `grant_right` may do only what is granted; other users may do everything.
    pub fn grant_right(mut self, user: &str, module: &str, ops: &[Op]) -> Self {
        let granted = self.state.rights.entry(user.to_string()).or_default();
        granted.extend(ops.iter().map(|op| (module.to_string(), *op)));
        self
    }

    /// Refuse `client` every call whose path matches `path_pattern` (`*` = anything).
    pub fn deny_api(mut self, client: &str, path_pattern: &str) -> Self {
        self.state
            .api_rules
            .push((client.to_string(), path_pattern.to_string()));
        self
    }

    // Readings of what aiM18's documentation leaves open: one switch per
    // alternative, the default being the reading the fake played first
    // (see `readings.rs` and the README's aiM18 section).

    /// 1. How a refused (expired, unknown, revoked) access token is answered.
    pub fn expired_token(mut self, form: ExpiredToken) -> Self {
        self.state.readings.expired_token = form;
        self
    }

    /// 2. How a refused refresh token is answered.
    pub fn refresh_refusal(mut self, form: RefreshRefusal) -> Self {
        self.state.readings.refresh_refusal = form;
        self
    }

    /// 3. Whether the authorization redirect carries `state` back.
    pub fn redirect_state(mut self, form: RedirectState) -> Self {
        self.state.readings.redirect_state = form;
        self
    }

    /// 3. Where the implicit grant's token goes in the redirect URL.
    pub fn implicit_token_in(mut self, place: ImplicitTokenIn) -> Self {
        self.state.readings.implicit_token_in = place;
        self
    }

    /// 4. Whether the unconfirmed service paths are where the client guesses.
    pub fn unconfirmed_paths(mut self, form: UnconfirmedPaths) -> Self {
        self.state.readings.unconfirmed_paths = form;
        self
    }

    /// 5. The body of a successful save.
    pub fn save_answer(mut self, form: SaveAnswer) -> Self {
        self.state.readings.save_answer = form;
        self
    }

    /// 6. How a module-rights refusal is answered.
    pub fn rights_refusal(mut self, form: RightsRefusal) -> Self {
        self.state.readings.rights_refusal = form;
        self
    }

    /// 7. What a search answer's `size` counts.
    pub fn search_size(mut self, form: SearchSize) -> Self {
        self.state.readings.search_size = form;
        self
    }

    /// 7. Answer at most `cap` rows per search, whatever `endRow` asks.
    pub fn search_page_cap(mut self, cap: usize) -> Self {
        self.state.readings.search_page_cap = Some(cap);
        self
    }

    /// 8. Whether refreshing authorization-code tokens needs `redirect_uri`.
    pub fn refresh_redirect_uri(mut self, form: RefreshRedirectUri) -> Self {
        self.state.readings.refresh_redirect_uri = form;
        self
    }

    /// 9. Whether CheckMsgs carry `pass` and `type`.
    pub fn check_msg_form(mut self, form: CheckMsgForm) -> Self {
        self.state.readings.check_msg_form = form;
        self
    }

    /// 9. Report `java.lang.String` columns with classType `code` (one no client knows).
    pub fn unknown_class_type(mut self, code: i64) -> Self {
        self.state.readings.unknown_class_type = Some(code);
        self
    }

    /// Drop request headers with an underscore in their name (`client_id`),
    /// as nginx does by default.
    pub fn strip_underscore_headers(mut self) -> Self {
        self.state.readings.strip_underscore_headers = true;
        self
    }

    /// Answer every request from a recorded session (a folder written by
    /// `Aim18ClientBuilder::record` or `codegen fetch aim18 --record`)
    /// instead of the fake's own logic. Faults and the request log still apply.
    pub fn replay(mut self, dir: &std::path::Path) -> Result<Self, String> {
        self.replay = Some(load_recording(dir)?);
        Ok(self)
    }

    /// Bind 127.0.0.1 on an ephemeral port and serve from a thread of its own
    /// (so it works inside `#[tokio::test]` and in sync tests alike).
    pub fn start(self) -> FakeAim18 {
        FakeAim18::spawn(self.state, self.replay.map(replay::Replay::new))
    }
}

/// A running fake aiM18 server. Dropping it shuts the server down.
pub struct FakeAim18 {
    shared: Arc<Shared>,
    server: HttpServer,
}

impl FakeAim18 {
    pub fn builder() -> FakeAim18Builder {
        FakeAim18Builder {
            state: State::new(),
            replay: None,
        }
    }

    /// Start with one application ([`DEFAULT_CLIENT_ID`], redirect URI
    /// [`DEFAULT_REDIRECT_URI`]) and one unrestricted user ([`DEFAULT_USER`]).
    pub fn start() -> FakeAim18 {
        Self::builder()
            .client(
                DEFAULT_CLIENT_ID,
                DEFAULT_CLIENT_SECRET,
                [DEFAULT_REDIRECT_URI],
            )
            .user(DEFAULT_USER, DEFAULT_PASSWORD)
            .start()
    }

    fn spawn(state: State, replay: Option<replay::Replay>) -> FakeAim18 {
        let listener =
            std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0 for fake aiM18");
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            faults: Faults::default(),
            log: Mutex::new(Vec::new()),
            replay,
        });
        let app = routes::router(shared.clone()).layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            fault_layer,
        ));
        let server = HttpServer::start("fake-aim18", listener, move |req| {
            let mut app = app.clone();
            async move {
                let answer = app.call(req.map(Body::new)).await;
                answer.unwrap_or_else(|never| match never {})
            }
        })
        .expect("start the fake aiM18 server thread");
        FakeAim18 { shared, server }
    }

    /// Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log().clone()
    }

    pub fn request_count(&self) -> usize {
        self.shared.log().len()
    }

    /// Make every access token issued so far expired (refresh tokens stay valid).
    pub fn expire_all_tokens(&self) {
        let past = std::time::Instant::now()
            .checked_sub(Duration::from_secs(1))
            .unwrap_or_else(std::time::Instant::now);
        for grant in self.shared.state().access.values_mut() {
            grant.expires = past;
        }
    }

    /// Forget every access and refresh token, as when an administrator
    /// revokes the application's sessions: the next refresh is refused.
    pub fn revoke_all_tokens(&self) {
        let mut st = self.shared.state();
        st.access.clear();
        st.refresh.clear();
    }

    /// Files of the replayed recording that no request has used yet.
    pub fn unused_recordings(&self) -> Vec<String> {
        self.shared
            .replay
            .as_ref()
            .map(|r| r.unused())
            .unwrap_or_default()
    }

    /// Requests to the token endpoint so far, by grant type.
    pub fn token_requests(&self) -> TokenRequestCounts {
        self.shared.state().token_counts
    }

    /// Stored records of `module` in id order (empty for an unknown module).
    pub fn entities(&self, module: &str) -> Vec<Record> {
        self.shared
            .state()
            .records
            .get(module)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default()
    }

    /// The user the entry page authorizes as (default: the first registered user).
    pub fn sign_in(&self, user: &str) {
        self.shared.state().signed_in = Some(user.to_string());
    }

    /// Make the entry page answer `error=access_denied`, as when the user refuses.
    pub fn deny_consent(&self, deny: bool) {
        self.shared.state().deny_consent = deny;
    }

    /// Lower-case hex SHA-1, as aiM18 wants passwords (for tests that check the wire).
    pub fn sha1_hex(text: &str) -> String {
        sha1_hex(text)
    }
}

/// Records each request, then applies the fault switches.
async fn fault_layer(AxState(sh): AxState<Arc<Shared>>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let readings = sh.state().readings.clone();
    if readings.strip_underscore_headers {
        let names: Vec<_> = parts
            .headers
            .keys()
            .filter(|n| n.as_str().contains('_'))
            .cloned()
            .collect();
        for n in names {
            parts.headers.remove(n);
        }
    }
    // UnconfirmedPaths: the guessed paths and the `alt/` ones, one answering
    // 404 under each reading (the router has both).
    let path = parts.uri.path();
    let moved_away = match readings.unconfirmed_paths {
        readings::UnconfirmedPaths::AsGuessed => path.starts_with("/jsf/rfws/alt/"),
        readings::UnconfirmedPaths::Elsewhere => readings::UNCONFIRMED_PREFIXES
            .iter()
            .any(|p| path.starts_with(p)),
    };
    let bytes = axum::body::to_bytes(body, 64 << 20)
        .await
        .unwrap_or_default();
    let fault = sh.faults.next(parts.uri.path());
    let index = {
        let mut log = sh.log();
        log.push(RecordedRequest {
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().unwrap_or("").to_string(),
            headers: parts
                .headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: bytes.to_vec(),
            status: 0,
            fault: fault.as_ref().map(Aim18Fault::label),
        });
        log.len() - 1
    };
    let latency = sh.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let cut_mid_body = fault == Some(Aim18Fault::Shared(Fault::Truncate));
    // Without a fault, or with one that cuts the real answer, the request is answered.
    let answered = fault.is_none() || cut_mid_body;
    let response = match fault {
        _ if answered && sh.replay.is_some() => {
            let query = faults::url_decode_pairs(parts.uri.query().unwrap_or(""));
            let replay = sh.replay.as_ref().expect("checked above");
            replay.answer(parts.method.as_str(), parts.uri.path(), &query)
        }
        _ if answered && moved_away => StatusCode::NOT_FOUND.into_response(),
        None | Some(Aim18Fault::Shared(Fault::Truncate)) => {
            let r = next
                .run(Request::from_parts(parts.clone(), Body::from(bytes)))
                .await;
            if readings.check_msg_form == readings::CheckMsgForm::Terse {
                terse_check_msgs(r)
            } else {
                r
            }
        }
        Some(Aim18Fault::Shared(Fault::Drop)) => {
            if let Some(hangup) = parts.extensions.get::<Hangup>() {
                hangup.now();
            }
            // The connection task drops this future together with the socket.
            return std::future::pending::<Response>().await;
        }
        Some(Aim18Fault::Shared(Fault::Html502)) => routes::proxy_502(),
        Some(Aim18Fault::Shared(Fault::Status(code, retry_after))) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut r = status.into_response();
            if let Some(secs) = retry_after {
                r.headers_mut()
                    .insert("retry-after", HeaderValue::from(secs));
            }
            r
        }
        Some(Aim18Fault::Shared(Fault::MalformedJson)) => routes::truncated_json(),
        Some(Aim18Fault::Unauthorized) => {
            routes::token_refused(&readings, "The access token was refused")
        }
    };
    if let Some(entry) = sh.log().get_mut(index) {
        entry.status = response.status().as_u16();
    }
    if cut_mid_body {
        return truncate(response).await;
    }
    response
}

/// `CheckMsgForm::Terse`: CheckMsgs in `error_info` lose `pass` and `type`.
fn terse_check_msgs(mut r: Response) -> Response {
    let Some(info) = r.headers().get("error_info") else {
        return r;
    };
    let Ok(Value::Array(mut msgs)) = serde_json::from_slice::<Value>(info.as_bytes()) else {
        return r;
    };
    for m in &mut msgs {
        if let Value::Object(o) = m {
            o.remove("pass");
            o.remove("type");
        }
    }
    if let Ok(v) = HeaderValue::from_str(&Value::Array(msgs).to_string()) {
        r.headers_mut().insert("error_info", v);
    }
    r
}

/// Keep the status and headers, announce the full length, send half the body, then close the
/// connection mid-body.
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let full = axum::body::to_bytes(body, 64 << 20)
        .await
        .unwrap_or_default();
    let (body, announced_len) = FakeBody::cut(full, Cut::MidBody);
    if let Some(len) = announced_len {
        parts
            .headers
            .insert(axum::http::header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    Response::from_parts(parts, Body::new(body))
}
