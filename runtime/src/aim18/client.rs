//! The aiM18 client: token handling (refresh before expiry and once on a 401,
//! shared by concurrent callers) and the entity and search services.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::Stream;
use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use serde_json::{Map, Value};
use url::Url;

use super::entity::{SimplifiedEntity, SqlEntity, TableEncoding};
use super::fault::{
    Aim18ErrorExt as _, Aim18Fault, CheckMsg, Operation, names_api_rule, says_token_invalid,
};
use super::oauth::{ClientSecret, PasswordHash, TokenEndpoint, TokenSet};
use super::paths::{Service, fill};
use super::record::{
    ACCESS_TOKEN_PLACEHOLDER, CLIENT_SECRET_PLACEHOLDER, PASSWORD_PLACEHOLDER,
    REFRESH_TOKEN_PLACEHOLDER, Recorder, Sent,
};
use super::store::{MemoryTokenStore, TokenStore};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{
    HttpClient, HttpConfig, HttpResponse, Idempotency, RetryPolicy, endpoint, parse_base_url,
};

/// Which of aiM18's two families of entity-service paths to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PathFamily {
    /// The core web services of aiM18's docs: `/jsf/rfws/entity/{create,read,save,delete}/<module>?menuCode=…`
    /// (and `/jsf/rfws/entity/s/save/<module>` for the simplified JSON).
    #[default]
    Entity,
    /// The per-module ERP API: `/jsf/rfws/root/api/{read,save,delete}/<menuCode>`.
    RootApi,
}

/// Builds an [`Aim18Client`].
#[derive(Debug)]
pub struct Aim18ClientBuilder {
    url: String,
    client_id: Option<String>,
    client_secret: Option<ClientSecret>,
    family: PathFamily,
    store: Option<Arc<dyn TokenStore>>,
    password: Option<(String, PasswordHash)>,
    tokens: Option<TokenSet>,
    http: HttpConfig,
    paths: BTreeMap<Service, String>,
    record: Option<PathBuf>,
}

impl Aim18ClientBuilder {
    /// Call `service` at `path` instead of the default, e.g.
    /// `service_path(Service::Delete, "jsf/rfws/entity/remove/{module}")`.
    /// `{module}` and `{menuCode}` are filled in per call. Meant for the
    /// paths no official page confirms ([`Service::is_confirmed`]): a 404 on
    /// one of those says so and names this setting.
    pub fn service_path(mut self, service: Service, path: impl Into<String>) -> Self {
        self.paths.insert(service, path.into());
        self
    }

    /// Write every request and answer of the session to `dir`, one JSON file
    /// each, with tokens, codes, the client secret and the password digest
    /// replaced by placeholders (see the `record` module docs). The fake
    /// aiM18 in the `tests` package replays such a folder.
    pub fn record(mut self, dir: impl AsRef<Path>) -> Self {
        self.record = Some(dir.as_ref().to_path_buf());
        self
    }

    /// The application's Client ID from aiM18's [Authorized Applications].
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The application's Client Secret (needed for the password grant and refresh).
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(ClientSecret::new(secret));
        self
    }

    pub fn path_family(mut self, family: PathFamily) -> Self {
        self.family = family;
        self
    }

    /// Where tokens are loaded from on connect and saved after each grant
    /// (default: [`MemoryTokenStore`]). Tokens found there are used before any grant.
    pub fn token_store(mut self, store: impl TokenStore + 'static) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// Resource-owner password grant. The password is SHA-1-hashed here and
    /// only the hash is kept, to log in again when a refresh is refused.
    pub fn password_grant(mut self, username: impl Into<String>, plain_password: &str) -> Self {
        self.password = Some((username.into(), PasswordHash::from_plain(plain_password)));
        self
    }

    /// Start from tokens obtained elsewhere: an authorization-code exchange,
    /// an implicit redirect, or the application's own storage.
    pub fn tokens(mut self, tokens: TokenSet) -> Self {
        self.tokens = Some(tokens);
        self
    }

    /// Whole-request timeout (default 120 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.http.timeout = timeout;
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.http.connect_timeout = timeout;
        self
    }

    /// Allow plain `http://` to a host that is not loopback.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.http.allow_insecure_http = allow;
        self
    }

    /// Retries of reads (create template, read, search, get-id-by-code).
    /// Saves, deletes and token requests are never repeated.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.http.retry = policy;
        self
    }

    /// Check the settings, obtain tokens (stored ones first, then the
    /// password grant) and return the client.
    pub async fn connect(self) -> Result<Aim18Client> {
        let base = parse_base_url(&self.url, self.http.allow_insecure_http)?;
        let client_id = self.client_id.filter(|c| !c.is_empty()).ok_or_else(|| {
            Error::config("aiM18 needs a client_id (from [Authorized Applications])")
        })?;
        let mut http_config = self.http.clone();
        // aiM18 authenticates each call by its headers; no cookies needed.
        http_config.cookie_store = false;
        let http = HttpClient::new(&http_config)?;
        let store: Arc<dyn TokenStore> = self
            .store
            .unwrap_or_else(|| Arc::new(MemoryTokenStore::new()));
        let recorder = match &self.record {
            Some(dir) => Some(Arc::new(Recorder::new(dir)?)),
            None => None,
        };
        if let Some(rec) = &recorder {
            if let Some(secret) = &self.client_secret {
                rec.secret(secret.expose_secret(), CLIENT_SECRET_PLACEHOLDER);
            }
            if let Some((_, hash)) = &self.password {
                rec.secret(hash.expose_secret(), PASSWORD_PLACEHOLDER);
            }
        }
        let token_endpoint = self.client_secret.map(|secret| TokenEndpoint {
            base: base.clone(),
            client_id: client_id.clone(),
            client_secret: secret,
            http: http.clone(),
            recorder: recorder.clone(),
        });
        let inner = Inner {
            base,
            client_id,
            family: self.family,
            paths: self.paths,
            recorder,
            http,
            token_endpoint,
            password: self.password,
            store,
            auth: tokio::sync::Mutex::new(AuthState {
                tokens: None,
                generation: 0,
            }),
        };
        let tokens = match self.tokens {
            Some(t) => Some(t),
            None => match inner.store.load().await {
                Ok(t) => t,
                Err(e) => {
                    // A broken store must not lock the user out when a grant can run.
                    tracing::warn!(error = %e, "ignoring unreadable aiM18 token store");
                    None
                }
            },
        };
        {
            let mut st = inner.auth.lock().await;
            match tokens {
                Some(t) => inner.install(&mut st, t).await,
                None => match (&inner.token_endpoint, &inner.password) {
                    (Some(ep), Some((user, hash))) => {
                        let t = ep
                            .password(user, hash)
                            .await
                            .map_err(|e| e.with_target("oauth", "token"))?;
                        inner.install(&mut st, t).await;
                    }
                    (None, Some(_)) => {
                        return Err(Error::config("the password grant needs the client secret"));
                    }
                    _ => {
                        return Err(Error::config(
                            "no aiM18 tokens: use password_grant(), tokens() or a token store that holds tokens",
                        ));
                    }
                },
            }
        }
        Ok(Aim18Client {
            inner: Arc::new(inner),
        })
    }
}

struct AuthState {
    tokens: Option<TokenSet>,
    /// Bumped on every new token, so a caller that saw a 401 with generation
    /// `n` knows whether someone else already refreshed.
    generation: u64,
}

struct Inner {
    base: Url,
    client_id: String,
    family: PathFamily,
    /// Overrides of service paths (templates).
    paths: BTreeMap<Service, String>,
    recorder: Option<Arc<Recorder>>,
    http: HttpClient,
    token_endpoint: Option<TokenEndpoint>,
    password: Option<(String, PasswordHash)>,
    store: Arc<dyn TokenStore>,
    // Held across the refresh request: that is what makes concurrent callers
    // wait for one refresh instead of each starting their own.
    auth: tokio::sync::Mutex<AuthState>,
}

impl Inner {
    fn path_of(&self, service: Service) -> &str {
        self.paths
            .get(&service)
            .map(String::as_str)
            .unwrap_or_else(|| service.default_path(self.family))
    }

    async fn install(&self, st: &mut AuthState, tokens: TokenSet) {
        if let Some(rec) = &self.recorder {
            rec.secret(
                tokens.access_token().expose_secret(),
                ACCESS_TOKEN_PLACEHOLDER,
            );
            if let Some(r) = tokens.refresh_token() {
                rec.secret(r.expose_secret(), REFRESH_TOKEN_PLACEHOLDER);
            }
        }
        if let Err(e) = self.store.save(&tokens).await {
            tracing::warn!(error = %e, "could not save aiM18 tokens");
        }
        st.tokens = Some(tokens);
        st.generation += 1;
    }

    /// A current access token, refreshed first when it is about to expire.
    async fn bearer(&self) -> Result<(String, u64)> {
        let mut st = self.auth.lock().await;
        if let Some(t) = &st.tokens
            && !t.refresh_due(SystemTime::now())
        {
            return Ok((t.access_token().expose_secret().to_string(), st.generation));
        }
        self.renew(&mut st).await
    }

    /// After a 401 with the token of `seen`: refresh unless another caller already did.
    async fn after_unauthorized(&self, seen: u64) -> Result<(String, u64)> {
        let mut st = self.auth.lock().await;
        if st.generation != seen
            && let Some(t) = &st.tokens
        {
            return Ok((t.access_token().expose_secret().to_string(), st.generation));
        }
        self.renew(&mut st).await
    }

    /// Refresh grant; if refused in any shape (or there is no refresh token),
    /// the password grant when a password was given; otherwise the user must
    /// authorize again.
    async fn renew(&self, st: &mut AuthState) -> Result<(String, u64)> {
        let mut refused: Option<Error> = None;
        let refresh = st.tokens.as_ref().and_then(|t| t.refresh_token()).cloned();
        let redirect_uri = st
            .tokens
            .as_ref()
            .and_then(|t| t.redirect_uri())
            .map(String::from);
        if let (Some(ep), Some(rt)) = (&self.token_endpoint, refresh) {
            tracing::debug!("refreshing the aiM18 access token");
            match ep.refresh(&rt, redirect_uri.as_deref()).await {
                Ok(t) => return Ok(self.install_and_get(st, t).await),
                // Refused (an OAuth error, an HTML or text page, a 4xx with
                // error_info, a 200 that is no token): the refresh token is
                // dead; try the password below.
                Err(e) if refresh_refused(&e) => refused = Some(e),
                // Transport or protocol trouble: report it, keep the tokens for a later try.
                Err(e) => return Err(e),
            }
        }
        if let (Some(ep), Some((user, hash))) = (&self.token_endpoint, &self.password) {
            tracing::debug!("logging in to aiM18 again with the password grant");
            let t = ep.password(user, hash).await?;
            return Ok(self.install_and_get(st, t).await);
        }
        let why = match &refused {
            Some(e) => format!("; the refresh was refused: {e}"),
            None => String::new(),
        };
        let fault = Aim18Fault::ReauthorizationRequired;
        let mut e =
            Error::new(ErrorKind::SessionExpired, format!("{fault}{why}")).with_source(fault);
        if let Some(status) = refused.and_then(|r| r.status()) {
            e = e.with_status(status);
        }
        Err(e)
    }

    async fn install_and_get(&self, st: &mut AuthState, t: TokenSet) -> (String, u64) {
        let token = t.access_token().expose_secret().to_string();
        self.install(st, t).await;
        (token, st.generation)
    }
}

/// Whether a failed refresh was a refusal (fall back to the password grant)
/// rather than trouble on the way (transport, 5xx: keep the tokens, report it).
fn refresh_refused(e: &Error) -> bool {
    e.oauth_error().is_some() || e.status().is_some_and(|s| s < 500)
}

/// An authenticated aiM18 client. Cheap to clone; clones share tokens.
#[derive(Clone)]
pub struct Aim18Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Aim18Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aim18Client")
            .field("base", &self.inner.base.as_str())
            .field("client_id", &self.inner.client_id)
            .field("family", &self.inner.family)
            .field("store", &self.inner.store)
            .finish_non_exhaustive()
    }
}

/// Result of a save.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveOutcome {
    /// The saved record's id (`recordId` of the answer), when the server names it.
    pub record_id: Option<i64>,
    /// Warnings or information the server attached to a successful save.
    pub messages: Vec<CheckMsg>,
}

/// One call's context, for errors.
struct CallCtx<'a> {
    op: Operation,
    service: Service,
    module: &'a str,
}

/// Per-call parameters of the entity services (`*_with` methods).
///
/// ```
/// use runtime::aim18::EntityOptions;
/// let opts = EntityOptions::new().check_right(true).i_rev(3);
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntityOptions {
    /// `check_right`. aiM18's OAuth page, "fine-grained API control": the
    /// developer decides with the `check_right` parameter whether module
    /// rights are checked; "when it is blank, rights are not checked by
    /// default", while "the module CRUD interfaces check the requesting
    /// user's module rights by default". `None` sends nothing (the server's
    /// default); `Some(b)` sends `check_right=true|false`.
    pub check_right: Option<bool>,
    /// `param` (json String, Query): "Additional parameters for special
    /// actions" (create, read and save services). Sent as JSON text.
    pub param: Option<Value>,
    /// `iRev` (int, Query; read only): "If you want to read the old version
    /// of the entity, please set this value. If you want to read a delete
    /// entity, please set the id and iRev of the delete entity." Ignored by
    /// the other services.
    pub i_rev: Option<i64>,
}

impl EntityOptions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn check_right(mut self, check: bool) -> Self {
        self.check_right = Some(check);
        self
    }

    pub fn param(mut self, param: Value) -> Self {
        self.param = Some(param);
        self
    }

    pub fn i_rev(mut self, i_rev: i64) -> Self {
        self.i_rev = Some(i_rev);
        self
    }

    /// Query pairs for a service (`iRev` only on reads).
    fn pairs(&self, service: Service) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(c) = self.check_right {
            out.push(("check_right", c.to_string()));
        }
        if let Some(p) = &self.param {
            out.push(("param", p.to_string()));
        }
        if let (Some(r), Service::Read) = (self.i_rev, service) {
            out.push(("iRev", r.to_string()));
        }
        out
    }
}

/// Whether an answer says the access token is no longer valid: any 401, or a
/// 400/403 whose `error_info`, `WWW-Authenticate` or body says so in the
/// words of [`super::TOKEN_INVALID_KEYS`] / [`super::TOKEN_INVALID_PHRASES`].
/// A 403 without such words is a rights refusal and stays one.
fn token_refused(resp: &HttpResponse) -> bool {
    match resp.status.as_u16() {
        401 => true,
        400 | 403 => {
            let header = |n: &str| {
                resp.headers
                    .get(n)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                    .unwrap_or_default()
            };
            let info = header("error_info");
            let by_messages = CheckMsg::parse_list(&info).is_some_and(|msgs| {
                msgs.iter().any(|m| {
                    [&m.key, &m.info, &m.info_desc]
                        .iter()
                        .any(|t| says_token_invalid(t))
                })
            });
            let body = &resp.body[..resp.body.len().min(4096)];
            by_messages
                || says_token_invalid(&info)
                || says_token_invalid(&header("www-authenticate"))
                || says_token_invalid(&String::from_utf8_lossy(body))
        }
        _ => false,
    }
}

/// What to tell the user when aiM18 says the `client_id` header is missing
/// although this client always sends it.
const CLIENT_ID_HINT: &str = "aiM18 says the client_id header is missing, but this client sends it: \
     a proxy in between dropped it (its name has an underscore, which nginx drops unless \
     `underscores_in_headers on;` is set)";

/// A 400/401 whose report says "client_id" is missing or required.
fn client_id_missing(resp: &HttpResponse) -> bool {
    if !matches!(resp.status.as_u16(), 400 | 401) {
        return false;
    }
    let mut text = String::new();
    for n in ["error_info", "www-authenticate"] {
        if let Some(v) = resp.headers.get(n) {
            text.push_str(&String::from_utf8_lossy(v.as_bytes()));
            text.push(' ');
        }
    }
    text.push_str(&String::from_utf8_lossy(
        &resp.body[..resp.body.len().min(4096)],
    ));
    let lower = text.to_ascii_lowercase();
    lower.contains("client_id")
        && ["missing", "required", "no client", "not found", "empty"]
            .iter()
            .any(|w| lower.contains(w))
}

impl Aim18Client {
    /// Start configuring a client for the aiM18 server at `url`
    /// (e.g. `https://erp.example.com`; a path prefix is kept).
    pub fn builder(url: impl Into<String>) -> Aim18ClientBuilder {
        Aim18ClientBuilder {
            url: url.into(),
            client_id: None,
            client_secret: None,
            family: PathFamily::default(),
            store: None,
            password: None,
            tokens: None,
            http: HttpConfig::default(),
            paths: BTreeMap::new(),
            record: None,
        }
    }

    pub fn path_family(&self) -> PathFamily {
        self.inner.family
    }

    /// The path template this client calls for `service` (an override, or the default).
    pub fn service_path(&self, service: Service) -> &str {
        self.inner.path_of(service)
    }

    /// The current tokens (e.g. to persist them yourself).
    pub async fn tokens(&self) -> Option<TokenSet> {
        self.inner.auth.lock().await.tokens.clone()
    }

    /// Refresh now (refresh grant, else password grant), whatever the expiry.
    pub async fn refresh(&self) -> Result<()> {
        let mut st = self.inner.auth.lock().await;
        self.inner
            .renew(&mut st)
            .await
            .map(|_| ())
            .map_err(|e| e.with_target("oauth", "token"))
    }

    fn url<S: AsRef<str>>(&self, segments: &[S], query: &[(&str, &str)]) -> Url {
        let segments: Vec<&str> = segments.iter().map(AsRef::as_ref).collect();
        let mut url = endpoint(&self.inner.base, &segments);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// URL of `service` for `module`/`menu_code`, with `query` and the options' pairs.
    fn service_url(
        &self,
        service: Service,
        module: &str,
        menu_code: &str,
        query: &[(&str, &str)],
        opts: &EntityOptions,
    ) -> Url {
        let segments = fill(self.inner.path_of(service), module, menu_code);
        let mut url = self.url(&segments, query);
        let extra = opts.pairs(service);
        if !extra.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(extra.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }

    /// Send with the bearer token. When the answer says the token is no
    /// longer valid ([`token_refused`]), renew it (once for all concurrent
    /// callers) and send once more; never a third time.
    async fn send(
        &self,
        ctx: &CallCtx<'_>,
        idempotency: Idempotency,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<HttpResponse> {
        let with_ctx = |e: Error| e.with_target(ctx.module, ctx.op.as_str());
        let (token, generation) = self.inner.bearer().await.map_err(with_ctx)?;
        let resp = self
            .send_once(idempotency, &method, &url, body.clone(), &token)
            .await
            .map_err(with_ctx)?;
        if client_id_missing(&resp) {
            // A new token would not help: the header never reaches aiM18.
            return Err(with_ctx(
                Error::new(ErrorKind::Authentication, CLIENT_ID_HINT)
                    .with_status(resp.status.as_u16())
                    .with_url(resp.url),
            ));
        }
        if !token_refused(&resp) {
            return Ok(resp);
        }
        tracing::debug!(url = %url, status = resp.status.as_u16(),
            "aiM18 refused the access token; renewing it and retrying once");
        let (token, _) = self
            .inner
            .after_unauthorized(generation)
            .await
            .map_err(with_ctx)?;
        let resp = self
            .send_once(idempotency, &method, &url, body, &token)
            .await
            .map_err(with_ctx)?;
        if token_refused(&resp) {
            return Err(with_ctx(
                Error::new(
                    ErrorKind::Authentication,
                    "aiM18 refused the access token even after a refresh",
                )
                .with_status(resp.status.as_u16())
                .with_url(resp.url),
            ));
        }
        Ok(resp)
    }

    async fn send_once(
        &self,
        idempotency: Idempotency,
        method: &Method,
        url: &Url,
        body: Option<Vec<u8>>,
        token: &str,
    ) -> Result<HttpResponse> {
        let mut auth = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
            Error::new(
                ErrorKind::Protocol,
                "the access token is not a valid header value",
            )
        })?;
        // Keeps the token out of reqwest/hyper debug output.
        auth.set_sensitive(true);
        let client_id = HeaderValue::from_str(&self.inner.client_id)
            .map_err(|_| Error::config("the client_id is not a valid header value"))?;
        let resp = self
            .inner
            .http
            .send(idempotency, |c| {
                // `client_id` has an underscore: nginx drops such headers unless
                // `underscores_in_headers on;` (see CLIENT_ID_HINT).
                let mut rb = c
                    .request(method.clone(), url.clone())
                    .header(AUTHORIZATION, auth.clone())
                    .header("client_id", client_id.clone())
                    .header(CACHE_CONTROL, "no-cache");
                if let Some(b) = &body {
                    rb = rb.header(CONTENT_TYPE, "application/json").body(b.clone());
                }
                rb
            })
            .await?;
        if let Some(rec) = &self.inner.recorder {
            let mut headers = vec![
                ("authorization", String::new()),
                ("client_id", self.inner.client_id.clone()),
                ("cache-control", "no-cache".to_string()),
            ];
            if body.is_some() {
                headers.push(("content-type", "application/json".into()));
            }
            rec.exchange(
                Sent {
                    method: method.as_str(),
                    url,
                    headers: &headers,
                    body: body.as_deref(),
                },
                resp.status.as_u16(),
                &resp.headers,
                &resp.body,
                "recorded by erpbind",
            );
        }
        Ok(resp)
    }

    /// Turn an answer into JSON or a typed error.
    fn interpret(&self, ctx: &CallCtx<'_>, resp: HttpResponse) -> Result<Value> {
        let status = resp.status.as_u16();
        let url = resp.url.clone();
        let finish = |e: Error| {
            e.with_target(ctx.module, ctx.op.as_str())
                .with_status(status)
                .with_url(url.clone())
        };
        let error_info = resp
            .headers
            .get("error_info")
            .map(|v| v.as_bytes().to_vec());
        let messages = error_info
            .as_deref()
            .and_then(|b| CheckMsg::parse_list(&String::from_utf8_lossy(b)));
        if status == 403 {
            let messages = messages.unwrap_or_default();
            let fault = if names_api_rule(&messages) {
                Aim18Fault::ApiRuleDenied {
                    api: url.path().to_string(),
                    messages,
                }
            } else {
                Aim18Fault::Forbidden {
                    module: ctx.module.to_string(),
                    operation: ctx.op,
                    messages,
                }
            };
            return Err(finish(fault.into_error(ErrorKind::Access)));
        }
        if !resp.status.is_success() {
            return Err(finish(match (messages, error_info) {
                (Some(messages), _) => rejected(messages),
                (None, Some(raw)) => {
                    Error::protocol(status, &raw, "the error_info header is not a CheckMsg list")
                }
                (None, None) if status == 404 => self.not_found_service(ctx.service),
                (None, None) => Error::protocol(
                    status,
                    &resp.body,
                    format!("HTTP {status} without aiM18's error_info"),
                ),
            }));
        }
        let json: Value = serde_json::from_slice(&resp.body).map_err(|_| {
            finish(Error::protocol(
                status,
                &resp.body,
                "the answer is not JSON",
            ))
        })?;
        if json.get("status") == Some(&Value::Bool(false)) {
            let messages = match json.get("messages").or_else(|| json.get("message")) {
                Some(Value::Array(items)) => items.iter().map(CheckMsg::from_value).collect(),
                Some(v @ (Value::String(_) | Value::Object(_))) => vec![CheckMsg::from_value(v)],
                _ => Vec::new(),
            };
            return Err(finish(rejected(messages)));
        }
        Ok(json)
    }

    /// A 404 without aiM18's error report: the service is not at that path.
    fn not_found_service(&self, service: Service) -> Error {
        let family = self.inner.family;
        let path = self.inner.path_of(service);
        let overridden = self.inner.paths.contains_key(&service);
        let message = if overridden {
            format!("no aiM18 service at {path} (HTTP 404), the path set with service_path")
        } else if !service.is_confirmed(family) {
            format!(
                "no aiM18 service at {path} (HTTP 404). No official aiM18 page confirms this \
                 path; if your server has the service elsewhere, set it with \
                 Aim18ClientBuilder::service_path(Service::{}, \"jsf/rfws/.../{{module}}\")",
                service.as_str()
            )
        } else {
            format!("no aiM18 service at {path} (HTTP 404); check the URL and the path family")
        };
        Error::new(ErrorKind::NotFound, message)
    }

    async fn call(
        &self,
        ctx: CallCtx<'_>,
        idempotency: Idempotency,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<Value> {
        let resp = self.send(&ctx, idempotency, method, url, body).await?;
        self.interpret(&ctx, resp)
    }

    fn entity_from(&self, ctx: &CallCtx<'_>, json: Value) -> Result<SqlEntity> {
        // root/api answers wrap the entity: {"status":true,"data":{...}}
        // (third-party notes only; a bare entity is read as well).
        let value = match json.get("data") {
            Some(data @ Value::Object(_)) if json.get("mainTableName").is_none() => data,
            _ => &json,
        };
        SqlEntity::from_value(value).map_err(|e| {
            Error::new(
                ErrorKind::Decode,
                format!("the answer is not an SqlEntity: {e}"),
            )
            .with_target(ctx.module, ctx.op.as_str())
        })
    }

    /// The create service: an empty record of the module (main row of
    /// defaults, empty sub tables), to fill in and [`save`](Self::save).
    /// Its tables' `fields` describe every column of the module.
    pub async fn create_template(&self, module: &str, menu_code: &str) -> Result<SqlEntity> {
        self.create_template_with(module, menu_code, &EntityOptions::default())
            .await
    }

    /// [`create_template`](Self::create_template) with `check_right` / `param`.
    pub async fn create_template_with(
        &self,
        module: &str,
        menu_code: &str,
        opts: &EntityOptions,
    ) -> Result<SqlEntity> {
        let ctx = CallCtx {
            op: Operation::Create,
            service: Service::Create,
            module,
        };
        let url = self.service_url(
            Service::Create,
            module,
            menu_code,
            &[("menuCode", menu_code)],
            opts,
        );
        // Creating the template stores nothing, so it is retried like a read.
        let json = self
            .call(ctx, Idempotency::Retry, Method::POST, url, None)
            .await?;
        self.entity_from(
            &CallCtx {
                op: Operation::Create,
                service: Service::Create,
                module,
            },
            json,
        )
    }

    /// Read record `id` of `module`.
    pub async fn read(&self, module: &str, menu_code: &str, id: i64) -> Result<SqlEntity> {
        self.read_with(module, menu_code, id, &EntityOptions::default())
            .await
    }

    /// [`read`](Self::read) with `check_right`, `param` and `iRev`.
    pub async fn read_with(
        &self,
        module: &str,
        menu_code: &str,
        id: i64,
        opts: &EntityOptions,
    ) -> Result<SqlEntity> {
        let id_text = id.to_string();
        let url = self.service_url(
            Service::Read,
            module,
            menu_code,
            &[("menuCode", menu_code), ("id", &id_text)],
            opts,
        );
        let ctx = || CallCtx {
            op: Operation::Read,
            service: Service::Read,
            module,
        };
        let json = self
            .call(ctx(), Idempotency::Retry, Method::GET, url, None)
            .await?;
        self.entity_from(&ctx(), json)
    }

    /// Save a full entity (tables sent as JSON strings, the documented form).
    /// A main row with `id` 0 creates a record. Never retried.
    pub async fn save(
        &self,
        module: &str,
        menu_code: &str,
        entity: &SqlEntity,
    ) -> Result<SaveOutcome> {
        self.save_with(module, menu_code, entity, &EntityOptions::default())
            .await
    }

    /// [`save`](Self::save) with `check_right` / `param`.
    pub async fn save_with(
        &self,
        module: &str,
        menu_code: &str,
        entity: &SqlEntity,
        opts: &EntityOptions,
    ) -> Result<SaveOutcome> {
        let url = self.service_url(
            Service::Save,
            module,
            menu_code,
            &[("menuCode", menu_code)],
            opts,
        );
        let body = entity
            .to_value(TableEncoding::JsonString)
            .to_string()
            .into_bytes();
        let ctx = CallCtx {
            op: Operation::Save,
            service: Service::Save,
            module,
        };
        let json = self
            .call(
                ctx,
                Idempotency::Never,
                Method::PUT,
                url.clone(),
                Some(body),
            )
            .await?;
        let sent = match entity.id() {
            Some(id) if id > 0 => SentId::Known(id),
            _ => SentId::Create,
        };
        save_outcome(&json, sent).map_err(|e| e.with_target(module, "save").with_url(url))
    }

    /// Save the simplified entity JSON `{"<table>":{"values":[…]}}`.
    ///
    /// `Entity` family: `PUT /jsf/rfws/entity/s/save/<module>` with the JSON in
    /// the `entity` query parameter, as aiM18's docs list it (mind URL length
    /// limits of proxies for large records). `RootApi`: the JSON is the body
    /// of `PUT /jsf/rfws/root/api/save/<menuCode>`.
    pub async fn save_simplified(
        &self,
        module: &str,
        menu_code: &str,
        entity: &SimplifiedEntity,
    ) -> Result<SaveOutcome> {
        self.save_simplified_with(module, menu_code, entity, &EntityOptions::default())
            .await
    }

    /// [`save_simplified`](Self::save_simplified) with `check_right` / `param`.
    pub async fn save_simplified_with(
        &self,
        module: &str,
        menu_code: &str,
        entity: &SimplifiedEntity,
        opts: &EntityOptions,
    ) -> Result<SaveOutcome> {
        let json_text = entity.to_value().to_string();
        let (url, body) = match self.inner.family {
            PathFamily::Entity => (
                self.service_url(
                    Service::SaveSimplified,
                    module,
                    menu_code,
                    &[("menuCode", menu_code), ("entity", &json_text)],
                    opts,
                ),
                None,
            ),
            PathFamily::RootApi => (
                self.service_url(
                    Service::SaveSimplified,
                    module,
                    menu_code,
                    &[("menuCode", menu_code)],
                    opts,
                ),
                Some(json_text.clone().into_bytes()),
            ),
        };
        let ctx = CallCtx {
            op: Operation::Save,
            service: Service::SaveSimplified,
            module,
        };
        let json = self
            .call(ctx, Idempotency::Never, Method::PUT, url.clone(), body)
            .await?;
        // The simplified form does not say which table is the main one: a row
        // with a positive id anywhere marks an update whose id the caller knows.
        let updating = entity
            .tables()
            .values()
            .flatten()
            .any(|r| r.get("id").and_then(as_i64).is_some_and(|id| id > 0));
        let sent = if updating {
            SentId::UpdateUnknown
        } else {
            SentId::Create
        };
        save_outcome(&json, sent).map_err(|e| e.with_target(module, "save").with_url(url))
    }

    /// Delete record `id`. Never retried.
    pub async fn delete(&self, module: &str, menu_code: &str, id: i64) -> Result<()> {
        self.delete_with(module, menu_code, id, &EntityOptions::default())
            .await
    }

    /// [`delete`](Self::delete) with `check_right` / `param`.
    pub async fn delete_with(
        &self,
        module: &str,
        menu_code: &str,
        id: i64,
        opts: &EntityOptions,
    ) -> Result<()> {
        let id_text = id.to_string();
        let url = self.service_url(
            Service::Delete,
            module,
            menu_code,
            &[("menuCode", menu_code), ("id", &id_text)],
            opts,
        );
        let ctx = CallCtx {
            op: Operation::Delete,
            service: Service::Delete,
            module,
        };
        self.call(ctx, Idempotency::Never, Method::DELETE, url, None)
            .await
            .map(|_| ())
    }

    /// The id of the record whose code is `code` ("get ID by code"; the path
    /// `…/getIdByCode/<module>?menuCode=…&code=…` is this crate's choice, not
    /// confirmed by aiM18's docs: see [`Service::IdByCode`]).
    pub async fn id_by_code(&self, module: &str, menu_code: &str, code: &str) -> Result<i64> {
        let url = self.service_url(
            Service::IdByCode,
            module,
            menu_code,
            &[("menuCode", menu_code), ("code", code)],
            &EntityOptions::default(),
        );
        let ctx = CallCtx {
            op: Operation::IdByCode,
            service: Service::IdByCode,
            module,
        };
        let json = self
            .call(ctx, Idempotency::Retry, Method::GET, url, None)
            .await?;
        id_from(&json).ok_or_else(|| {
            Error::new(ErrorKind::Decode, "the get-id-by-code answer holds no id")
                .with_target(module, Operation::IdByCode.as_str())
        })
    }

    /// A search (`/jsf/rfws/search/search`); fetch it by page or stream all pages.
    pub fn search(&self, query: SearchQuery) -> Search {
        Search {
            client: self.clone(),
            query,
        }
    }
}

fn rejected(messages: Vec<CheckMsg>) -> Error {
    // core_141019 is "record not found / no access" in third-party notes: the
    // kind stays Missing, the error says it may be rights.
    let missing = !messages.is_empty() && messages.iter().all(|m| m.key == "core_141019");
    if missing {
        Aim18Fault::NotFoundOrNoAccess { messages }.into_error(ErrorKind::Missing)
    } else {
        Aim18Fault::Rejected { messages }.into_error(ErrorKind::Validation)
    }
}

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn id_from(json: &Value) -> Option<i64> {
    as_i64(json).or_else(|| {
        ["id", "recordId", "data"]
            .iter()
            .find_map(|k| json.get(k).and_then(as_i64))
    })
}

/// The saved record's id in every answer shape seen in public code: a bare
/// number, `recordId` (third-party `root/api/save`), `id`, `tranId`
/// (`erp/bsFlow/save`), the same inside `data`, or an SqlEntity whose main
/// table's first row has the `id`.
fn saved_id(json: &Value) -> Option<i64> {
    let positive = |id: i64| (id > 0).then_some(id);
    if let Some(id) = as_i64(json) {
        return positive(id);
    }
    let keyed = |v: &Value| {
        ["recordId", "id", "tranId"]
            .iter()
            .find_map(|k| v.get(k).and_then(as_i64))
            .and_then(positive)
    };
    let entity = |v: &Value| {
        v.get("mainTableName")?;
        SqlEntity::from_value(v).ok()?.id().and_then(positive)
    };
    keyed(json).or_else(|| entity(json)).or_else(|| {
        let data = json.get("data")?;
        as_i64(data)
            .and_then(positive)
            .or_else(|| keyed(data))
            .or_else(|| entity(data))
    })
}

/// What the saved entity said about its id.
#[derive(Debug, Clone, Copy)]
enum SentId {
    /// An update of this record.
    Known(i64),
    /// An update (simplified form: which row is the main one is not known).
    UpdateUnknown,
    Create,
}

/// A save answer, or an error showing the body's start when a create's
/// answer names no record: an update keeps the id it sent.
fn save_outcome(json: &Value, sent: SentId) -> Result<SaveOutcome> {
    let record_id = match (saved_id(json), sent) {
        (Some(id), _) | (None, SentId::Known(id)) => Some(id),
        (None, SentId::UpdateUnknown) => None,
        (None, SentId::Create) => {
            return Err(Error::protocol(
                200,
                json.to_string().as_bytes(),
                "the save answer names no record id (looked for a number, recordId, id, \
                 tranId, data, or an entity's main-table id)",
            ));
        }
    };
    let messages = match json.get("messages") {
        Some(Value::Array(items)) => items.iter().map(CheckMsg::from_value).collect(),
        _ => Vec::new(),
    };
    Ok(SaveOutcome {
        record_id,
        messages,
    })
}
/// Parameters of `/jsf/rfws/search/search`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Lookup type, e.g. `cus`, `employee` (aiM18's data dictionary lists them).
    pub st_search: String,
    /// Business entity; required by business-entity-specific lookups.
    pub be_id: Option<i64>,
    /// Lookup format; the server's default when `None`.
    pub format_id: Option<i64>,
    /// Condition string, passed through as is (aiM18's `conds` syntax).
    pub conds: Option<String>,
    /// Sort fields, sent joined by `;`.
    pub sorts: Vec<String>,
    /// Quick-search keyword (`quickSearchStr`).
    pub quick_search: Option<String>,
}

impl SearchQuery {
    pub fn new(st_search: impl Into<String>) -> Self {
        SearchQuery {
            st_search: st_search.into(),
            ..Default::default()
        }
    }

    pub fn be_id(mut self, be_id: i64) -> Self {
        self.be_id = Some(be_id);
        self
    }

    pub fn format_id(mut self, format_id: i64) -> Self {
        self.format_id = Some(format_id);
        self
    }

    pub fn conds(mut self, conds: impl Into<String>) -> Self {
        self.conds = Some(conds.into());
        self
    }

    pub fn sort(mut self, field: impl Into<String>) -> Self {
        self.sorts.push(field.into());
        self
    }

    pub fn quick_search(mut self, text: impl Into<String>) -> Self {
        self.quick_search = Some(text.into());
        self
    }
}

/// One page of search results.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    /// `stSearch` as the server echoed it.
    pub st_search: String,
    /// `stSearchDisplay`, e.g. `Customer`.
    pub display: String,
    /// 1-based row number of the first row of this page.
    pub start_row: u64,
    /// Flat rows: `id`, `code`, `st_desc`, `desc__lang`, `iRev`, dotted lookup columns...
    pub rows: Vec<Map<String, Value>>,
    /// `size` as the server sent it. The official sample does not say whether
    /// it counts this page's rows or every matching row; [`Search::pages`]
    /// reads it as "more rows exist" only when it exceeds the rows seen so far.
    pub size: Option<u64>,
}

/// A search bound to a client.
#[derive(Debug, Clone)]
pub struct Search {
    client: Aim18Client,
    query: SearchQuery,
}

impl Search {
    /// Rows `start_row..=end_row` (1-based, inclusive, as in aiM18's example).
    pub async fn page(&self, start_row: u64, end_row: u64) -> Result<SearchPage> {
        let q = &self.query;
        let module = q.st_search.as_str();
        let start = start_row.max(1).to_string();
        let end = end_row.to_string();
        let be = q.be_id.map(|b| b.to_string());
        let format = q.format_id.map(|f| f.to_string());
        let sorts = q.sorts.join(";");
        let mut params: Vec<(&str, &str)> =
            vec![("stSearch", module), ("startRow", &start), ("endRow", &end)];
        if let Some(b) = &be {
            params.push(("beId", b));
        }
        if let Some(f) = &format {
            params.push(("formatId", f));
        }
        if let Some(c) = &q.conds {
            params.push(("conds", c));
        }
        if !sorts.is_empty() {
            params.push(("sorts", &sorts));
        }
        if let Some(s) = &q.quick_search {
            params.push(("quickSearchStr", s));
        }
        let segments = fill(self.client.inner.path_of(Service::Search), module, module);
        let url = self.client.url(&segments, &params);
        let ctx = CallCtx {
            op: Operation::Search,
            service: Service::Search,
            module,
        };
        let json = self
            .client
            .call(ctx, Idempotency::Retry, Method::GET, url, None)
            .await?;
        let rows = match json.get("values") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|r| match r {
                    Value::Object(m) => Ok(m.clone()),
                    _ => Err(()),
                })
                .collect::<std::result::Result<Vec<_>, _>>()
                .ok(),
            None | Some(Value::Null) => Some(Vec::new()),
            _ => None,
        }
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Decode,
                "the search answer's values are not a list of rows",
            )
            .with_target(module, Operation::Search.as_str())
        })?;
        let text = |k: &str| {
            json.get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let size = json.get("size").and_then(|v| match v {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        });
        Ok(SearchPage {
            st_search: text("stSearch"),
            display: text("stSearchDisplay"),
            start_row: start_row.max(1),
            rows,
            size,
        })
    }

    /// Every page of `page_size` rows, in order. A page shorter than asked
    /// ends the stream, unless the answer's `size` says more rows exist than
    /// were seen so far (a server capping pages below `page_size` while
    /// `size` counts every match); an empty page always ends it, as does the
    /// first error.
    pub fn pages(&self, page_size: u64) -> impl Stream<Item = Result<SearchPage>> + Send + use<> {
        let size = page_size.max(1);
        let search = self.clone();
        futures_util::stream::unfold(
            Some((search, 1u64, None::<Map<String, Value>>)),
            move |state| async move {
                let (search, start, previous_first) = state?;
                match search.page(start, start.saturating_add(size - 1)).await {
                    Err(e) => Some((Err(e), None)),
                    Ok(page) if page.rows.is_empty() => None,
                    Ok(page) => {
                        // A server that ignores startRow would loop forever.
                        if previous_first.as_ref() == page.rows.first() {
                            let e = Error::new(
                                ErrorKind::Protocol,
                                "the server returned the same page twice; it seems to ignore startRow",
                            )
                            .with_target(search.query.st_search.clone(), Operation::Search.as_str());
                            return Some((Err(e), None));
                        }
                        let n = page.rows.len() as u64;
                        let seen = start.saturating_sub(1).saturating_add(n);
                        let more_by_size = page.size.is_some_and(|total| total > seen);
                        let next = (n >= size || more_by_size).then(|| {
                            let first = page.rows.first().cloned();
                            (search, start.saturating_add(n), first)
                        });
                        Some((Ok(page), next))
                    }
                }
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn save_answers_in_every_public_shape() {
        let id = |v: Value| save_outcome(&v, SentId::Create).unwrap().record_id;
        assert_eq!(id(json!({"status": true, "recordId": 5})), Some(5));
        assert_eq!(id(json!({"status": true, "id": 6})), Some(6));
        assert_eq!(
            id(json!({"tranId": 123, "tranCode": "SO0220888", "status": true})),
            Some(123)
        );
        assert_eq!(id(json!(7)), Some(7));
        assert_eq!(id(json!("8")), Some(8));
        assert_eq!(
            id(json!({"status": true, "data": {"recordId": 9}})),
            Some(9)
        );
        let entity = json!({"mainTableName": "cus", "subTableNames": "",
            "cus": {"values": [{"id": 10}]}});
        assert_eq!(id(entity.clone()), Some(10));
        assert_eq!(id(json!({"status": true, "data": entity})), Some(10));
        // An update keeps the id it sent; a create must be told its id.
        assert_eq!(
            save_outcome(&json!({"status": true}), SentId::Known(3))
                .unwrap()
                .record_id,
            Some(3)
        );
        assert_eq!(
            save_outcome(&json!({"status": true}), SentId::UpdateUnknown)
                .unwrap()
                .record_id,
            None
        );
        let e = save_outcome(
            &json!({"status": true, "recordId": 0, "x": "shown"}),
            SentId::Create,
        )
        .unwrap_err();
        assert!(e.is_protocol());
        assert!(e.body_excerpt().unwrap_or("").contains("shown"), "{e:?}");
        let o = save_outcome(
            &json!({"recordId": "9", "messages": [{"type": "Warning", "info": "w"}]}),
            SentId::Create,
        )
        .unwrap();
        assert_eq!(o.record_id, Some(9));
        assert_eq!(o.messages.len(), 1);
    }

    #[test]
    fn ids() {
        assert_eq!(id_from(&json!(4)), Some(4));
        assert_eq!(id_from(&json!("4")), Some(4));
        assert_eq!(id_from(&json!({"id": 4})), Some(4));
        assert_eq!(id_from(&json!({"status": true, "data": 4})), Some(4));
        assert_eq!(id_from(&json!({"x": 4})), None);
    }

    #[test]
    fn not_found_messages_map_to_missing() {
        let m = CheckMsg::from_value(&json!({"key": "core_141019", "info": "gone"}));
        let e = rejected(vec![m.clone()]);
        assert!(e.is_missing());
        assert!(e.maybe_no_access());
        assert!(e.to_string().contains("no right"), "{e}");
        let v = CheckMsg::from_value(&json!({"key": "core_101905"}));
        assert!(rejected(vec![m, v]).is_validation());
        assert!(rejected(vec![]).is_validation());
    }
}
