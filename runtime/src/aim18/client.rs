//! The aiM18 client: token handling (refresh before expiry and once on a 401,
//! shared by concurrent callers) and the entity and search services.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::Stream;
use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use serde_json::{Map, Value};
use url::Url;

use super::entity::{SimplifiedEntity, SqlEntity, TableEncoding};
use super::fault::{Aim18ErrorExt as _, Aim18Fault, CheckMsg, Operation};
use super::oauth::{ClientSecret, PasswordHash, TokenEndpoint, TokenSet};
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
}

impl Aim18ClientBuilder {
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
        let token_endpoint = self.client_secret.map(|secret| TokenEndpoint {
            base: base.clone(),
            client_id: client_id.clone(),
            client_secret: secret,
            http: http.clone(),
        });
        let inner = Inner {
            base,
            client_id,
            family: self.family,
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
    http: HttpClient,
    token_endpoint: Option<TokenEndpoint>,
    password: Option<(String, PasswordHash)>,
    store: Arc<dyn TokenStore>,
    // Held across the refresh request: that is what makes concurrent callers
    // wait for one refresh instead of each starting their own.
    auth: tokio::sync::Mutex<AuthState>,
}

impl Inner {
    async fn install(&self, st: &mut AuthState, tokens: TokenSet) {
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

    /// Refresh grant; if refused (or there is no refresh token), the password
    /// grant when a password was given; otherwise the user must authorize again.
    async fn renew(&self, st: &mut AuthState) -> Result<(String, u64)> {
        let mut refused: Option<Error> = None;
        let refresh = st.tokens.as_ref().and_then(|t| t.refresh_token()).cloned();
        if let (Some(ep), Some(rt)) = (&self.token_endpoint, refresh) {
            tracing::debug!("refreshing the aiM18 access token");
            match ep.refresh(&rt).await {
                Ok(t) => return Ok(self.install_and_get(st, t).await),
                // Refused: the refresh token is dead; try the password below.
                Err(e) if e.oauth_error().is_some() => refused = Some(e),
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
    module: &'a str,
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
        }
    }

    pub fn path_family(&self) -> PathFamily {
        self.inner.family
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

    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut url = endpoint(&self.inner.base, segments);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// Path segments of an entity service in the configured family.
    fn entity_path<'a>(
        &self,
        service: &'a str,
        module: &'a str,
        menu_code: &'a str,
    ) -> Vec<&'a str> {
        match self.inner.family {
            PathFamily::Entity => vec!["jsf", "rfws", "entity", service, module],
            PathFamily::RootApi => vec!["jsf", "rfws", "root", "api", service, menu_code],
        }
    }

    /// Send with the bearer token; on a 401, refresh (once for all concurrent
    /// callers) and send once more.
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
        if resp.status.as_u16() != 401 {
            return Ok(resp);
        }
        tracing::debug!(url = %url, "aiM18 answered 401; refreshing the token and retrying once");
        let (token, _) = self
            .inner
            .after_unauthorized(generation)
            .await
            .map_err(with_ctx)?;
        let resp = self
            .send_once(idempotency, &method, &url, body, &token)
            .await
            .map_err(with_ctx)?;
        if resp.status.as_u16() == 401 {
            return Err(with_ctx(
                Error::new(
                    ErrorKind::Authentication,
                    "aiM18 refused the access token even after a refresh",
                )
                .with_status(401)
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
        self.inner
            .http
            .send(idempotency, |c| {
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
            .await
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
            let fault = Aim18Fault::Forbidden {
                module: ctx.module.to_string(),
                operation: ctx.op,
                messages: messages.unwrap_or_default(),
            };
            return Err(finish(fault.into_error(ErrorKind::Access)));
        }
        if !resp.status.is_success() {
            return Err(finish(match (messages, error_info) {
                (Some(messages), _) => rejected(messages),
                (None, Some(raw)) => {
                    Error::protocol(status, &raw, "the error_info header is not a CheckMsg list")
                }
                (None, None) if status == 404 => Error::new(
                    ErrorKind::NotFound,
                    "no such aiM18 service (HTTP 404); check the URL and the path family",
                ),
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
        // root/api answers wrap the entity: {"status":true,"data":{...}}.
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
        let ctx = CallCtx {
            op: Operation::Create,
            module,
        };
        let url = self.url(
            &self.entity_path("create", module, menu_code),
            &[("menuCode", menu_code)],
        );
        // Creating the template stores nothing, so it is retried like a read.
        let json = self
            .call(ctx, Idempotency::Retry, Method::POST, url, None)
            .await?;
        self.entity_from(
            &CallCtx {
                op: Operation::Create,
                module,
            },
            json,
        )
    }

    /// Read record `id` of `module`.
    pub async fn read(&self, module: &str, menu_code: &str, id: i64) -> Result<SqlEntity> {
        let id_text = id.to_string();
        let url = self.url(
            &self.entity_path("read", module, menu_code),
            &[("menuCode", menu_code), ("id", &id_text)],
        );
        let ctx = CallCtx {
            op: Operation::Read,
            module,
        };
        let json = self
            .call(ctx, Idempotency::Retry, Method::GET, url, None)
            .await?;
        self.entity_from(
            &CallCtx {
                op: Operation::Read,
                module,
            },
            json,
        )
    }

    /// Save a full entity (tables sent as JSON strings, the documented form).
    /// A main row with `id` 0 creates a record. Never retried.
    pub async fn save(
        &self,
        module: &str,
        menu_code: &str,
        entity: &SqlEntity,
    ) -> Result<SaveOutcome> {
        let url = self.url(
            &self.entity_path("save", module, menu_code),
            &[("menuCode", menu_code)],
        );
        let body = entity
            .to_value(TableEncoding::JsonString)
            .to_string()
            .into_bytes();
        let ctx = CallCtx {
            op: Operation::Save,
            module,
        };
        let json = self
            .call(ctx, Idempotency::Never, Method::PUT, url, Some(body))
            .await?;
        Ok(save_outcome(&json, entity.id()))
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
        let json_text = entity.to_value().to_string();
        let (url, body) = match self.inner.family {
            PathFamily::Entity => (
                self.url(
                    &["jsf", "rfws", "entity", "s", "save", module],
                    &[("menuCode", menu_code), ("entity", &json_text)],
                ),
                None,
            ),
            PathFamily::RootApi => (
                self.url(
                    &self.entity_path("save", module, menu_code),
                    &[("menuCode", menu_code)],
                ),
                Some(json_text.clone().into_bytes()),
            ),
        };
        let ctx = CallCtx {
            op: Operation::Save,
            module,
        };
        let json = self
            .call(ctx, Idempotency::Never, Method::PUT, url, body)
            .await?;
        Ok(save_outcome(&json, None))
    }

    /// Delete record `id`. Never retried.
    pub async fn delete(&self, module: &str, menu_code: &str, id: i64) -> Result<()> {
        let id_text = id.to_string();
        let url = self.url(
            &self.entity_path("delete", module, menu_code),
            &[("menuCode", menu_code), ("id", &id_text)],
        );
        let ctx = CallCtx {
            op: Operation::Delete,
            module,
        };
        self.call(ctx, Idempotency::Never, Method::DELETE, url, None)
            .await
            .map(|_| ())
    }

    /// The id of the record whose code is `code` ("get ID by code"; the path
    /// `…/getIdByCode/<module>?menuCode=…&code=…` is this crate's choice, not
    /// confirmed by aiM18's docs).
    pub async fn id_by_code(&self, module: &str, menu_code: &str, code: &str) -> Result<i64> {
        let url = self.url(
            &self.entity_path("getIdByCode", module, menu_code),
            &[("menuCode", menu_code), ("code", code)],
        );
        let ctx = CallCtx {
            op: Operation::IdByCode,
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
    // core_141019 is "record not found / no access" in what is known of aiM18's codes.
    let missing = !messages.is_empty() && messages.iter().all(|m| m.key == "core_141019");
    let kind = if missing {
        ErrorKind::Missing
    } else {
        ErrorKind::Validation
    };
    Aim18Fault::Rejected { messages }.into_error(kind)
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

fn save_outcome(json: &Value, sent_id: Option<i64>) -> SaveOutcome {
    let record_id = as_i64(json)
        .or_else(|| {
            ["recordId", "id", "tranId"]
                .iter()
                .find_map(|k| json.get(k).and_then(as_i64))
        })
        .filter(|id| *id > 0)
        .or(sent_id.filter(|id| *id > 0));
    let messages = match json.get("messages") {
        Some(Value::Array(items)) => items.iter().map(CheckMsg::from_value).collect(),
        _ => Vec::new(),
    };
    SaveOutcome {
        record_id,
        messages,
    }
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
        let url = self
            .client
            .url(&["jsf", "rfws", "search", "search"], &params);
        let ctx = CallCtx {
            op: Operation::Search,
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
        Ok(SearchPage {
            st_search: text("stSearch"),
            display: text("stSearchDisplay"),
            start_row: start_row.max(1),
            rows,
        })
    }

    /// Every page of `page_size` rows, in order. Stops after the first page
    /// that comes back shorter than asked (so `page_size` must not exceed the
    /// server's own cap), and on the first error.
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
                        let next = (n >= size).then(|| {
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
    fn save_answers() {
        assert_eq!(
            save_outcome(&json!({"status": true, "recordId": 5}), None).record_id,
            Some(5)
        );
        assert_eq!(save_outcome(&json!(7), None).record_id, Some(7));
        assert_eq!(
            save_outcome(&json!({"status": true}), Some(3)).record_id,
            Some(3)
        );
        assert_eq!(
            save_outcome(&json!({"status": true}), Some(0)).record_id,
            None
        );
        let o = save_outcome(
            &json!({"recordId": "9", "messages": [{"type": "Warning", "info": "w"}]}),
            None,
        );
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
        assert!(rejected(vec![m.clone()]).is_missing());
        let v = CheckMsg::from_value(&json!({"key": "core_101905"}));
        assert!(rejected(vec![m, v]).is_validation());
        assert!(rejected(vec![]).is_validation());
    }
}
