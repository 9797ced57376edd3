//! OAuth 2.0 against aiM18: `GET /jsf/rfws/oauth/entry` (authorization page)
//! and `GET /jsf/rfws/oauth/token` (token endpoint), parameters in the query
//! string as aiM18 documents them.
//!
//! Secrets (client secret, tokens, codes, the password hash) live in
//! [`SecretString`]-backed newtypes whose `Debug` is redacted; token-endpoint
//! URLs carry secrets in their query, so they never reach an error (reqwest
//! errors are stripped of their URL, and the URL kept is the bare endpoint).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha1::{Digest, Sha1};
use url::Url;

use super::fault::{Aim18Fault, OAuthError};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{HttpClient, endpoint};
use crate::secret::SecretString;

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident $(, $derive:ident)?) => {
        $(#[$doc])*
        $(#[derive($derive)])?
        pub struct $name(SecretString);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                $name(SecretString::new(value))
            }

            /// The secret value.
            ///
            /// **Security warning:** do not log, print or persist what this
            /// returns, other than to send it to aiM18.
            pub fn expose_secret(&self) -> &str {
                self.0.expose_secret()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_type!(
    /// The Client Secret aiM18 generated for the application.
    ClientSecret, Clone
);
secret_type!(
    /// An access token, sent as `authorization: Bearer <token>`.
    AccessToken, Clone
);
secret_type!(
    /// A refresh token (absent for implicit-grant tokens).
    RefreshToken, Clone
);
secret_type!(
    /// An authorization code: single use, hence not `Clone`.
    AuthorizationCode
);
secret_type!(
    /// A password already hashed for aiM18 (lower-case hex SHA-1). The plain
    /// password is hashed on receipt and not kept.
    PasswordHash, Clone
);

impl PasswordHash {
    /// Hash a plain password the way aiM18 wants it: SHA-1 of the UTF-8 bytes, lower-case hex.
    pub fn from_plain(password: &str) -> PasswordHash {
        PasswordHash::new(sha1_hex(password))
    }
}

/// Lower-case hex SHA-1 of `text`'s UTF-8 bytes.
pub fn sha1_hex(text: &str) -> String {
    let digest = Sha1::digest(text.as_bytes());
    let mut out = String::with_capacity(40);
    for b in digest.iter() {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 0xf)]));
    }
    out
}

/// Tokens from a grant. `Debug` shows no secret.
#[derive(Clone)]
pub struct TokenSet {
    access_token: AccessToken,
    refresh_token: Option<RefreshToken>,
    token_type: String,
    uid: Option<i64>,
    issued_at: SystemTime,
    expires_at: Option<SystemTime>,
    /// The `redirect_uri` of the authorization-code grant these tokens came
    /// from, sent again on refresh (the official token table marks it required).
    redirect_uri: Option<String>,
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("token_type", &self.token_type)
            .field("uid", &self.uid)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Longest head start of a refresh before expiry; a quarter of the lifetime
/// is used when that is shorter (so short-lived tokens are not refreshed at once).
const REFRESH_MARGIN: Duration = Duration::from_secs(30);

impl TokenSet {
    /// Tokens obtained elsewhere (e.g. restored by the application itself).
    pub fn new(access_token: AccessToken) -> Self {
        TokenSet {
            access_token,
            refresh_token: None,
            token_type: "bearer".into(),
            uid: None,
            issued_at: SystemTime::now(),
            expires_at: None,
            redirect_uri: None,
        }
    }

    /// Tokens from an authorization-code grant made with `redirect_uri`:
    /// refreshes send it too, as aiM18's token table marks it required.
    pub fn with_redirect_uri(mut self, redirect_uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(redirect_uri.into());
        self
    }

    /// The authorization-code grant's `redirect_uri`, when the tokens came from one.
    pub fn redirect_uri(&self) -> Option<&str> {
        self.redirect_uri.as_deref()
    }

    pub fn with_refresh_token(mut self, token: RefreshToken) -> Self {
        self.refresh_token = Some(token);
        self
    }

    pub fn with_expires_in(mut self, expires_in: Duration) -> Self {
        self.expires_at = self.issued_at.checked_add(expires_in);
        self
    }

    pub fn access_token(&self) -> &AccessToken {
        &self.access_token
    }

    pub fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }

    /// `token_type` as the server sent it (requests always use `Bearer`).
    pub fn token_type(&self) -> &str {
        &self.token_type
    }

    /// aiM18's user id (`uid` of the token answer), when sent.
    pub fn uid(&self) -> Option<i64> {
        self.uid
    }

    /// When the access token expires, if the server sent `expires_in`.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    pub fn is_expired(&self, now: SystemTime) -> bool {
        self.expires_at.is_some_and(|e| now >= e)
    }

    /// Whether to refresh now: within min(30 s, lifetime/4) of expiry.
    pub(crate) fn refresh_due(&self, now: SystemTime) -> bool {
        let Some(expires) = self.expires_at else {
            return false;
        };
        let lifetime = expires
            .duration_since(self.issued_at)
            .unwrap_or(Duration::ZERO);
        let margin = REFRESH_MARGIN.min(lifetime / 4);
        now + margin >= expires
    }

    /// Read a token answer (JSON body or implicit-redirect fragment values).
    pub(crate) fn from_fields(
        fields: &Map<String, Value>,
        now: SystemTime,
    ) -> std::result::Result<TokenSet, String> {
        let text = |k: &str| match fields.get(k) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let access = text("access_token").ok_or("the answer has no access_token")?;
        let expires_in = match text("expires_in") {
            None => None,
            Some(s) => Some(
                s.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite() && *x >= 0.0)
                    .ok_or("expires_in is not a number of seconds")?,
            ),
        };
        Ok(TokenSet {
            access_token: AccessToken::new(access),
            refresh_token: text("refresh_token").map(RefreshToken::new),
            token_type: text("token_type").unwrap_or_else(|| "bearer".into()),
            uid: text("uid").and_then(|u| u.trim().parse().ok()),
            issued_at: now,
            expires_at: expires_in
                .and_then(|s| Duration::try_from_secs_f64(s.min(1e10)).ok())
                .and_then(|d| now.checked_add(d)),
            redirect_uri: None,
        })
    }

    /// The persisted form (see [`super::TokenStore`]).
    pub(crate) fn to_stored(&self) -> StoredTokens {
        let ms = |t: SystemTime| {
            t.duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0)
        };
        StoredTokens {
            access_token: self.access_token.expose_secret().to_string(),
            refresh_token: self
                .refresh_token
                .as_ref()
                .map(|r| r.expose_secret().to_string()),
            token_type: self.token_type.clone(),
            uid: self.uid,
            issued_at_ms: ms(self.issued_at),
            expires_at_ms: self.expires_at.map(ms),
            redirect_uri: self.redirect_uri.clone(),
        }
    }

    pub(crate) fn from_stored(s: StoredTokens) -> TokenSet {
        let at = |ms: u64| UNIX_EPOCH + Duration::from_millis(ms);
        TokenSet {
            access_token: AccessToken::new(s.access_token),
            refresh_token: s.refresh_token.map(RefreshToken::new),
            token_type: s.token_type,
            uid: s.uid,
            issued_at: at(s.issued_at_ms),
            expires_at: s.expires_at_ms.map(at),
            redirect_uri: s.redirect_uri,
        }
    }
}

/// What a token store keeps on disk. Never printed: no `Debug`.
#[derive(Serialize, Deserialize)]
pub(crate) struct StoredTokens {
    pub access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub token_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<i64>,
    pub issued_at_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
}

/// A random `state` value: 128 bits, base64url.
pub fn new_state() -> Result<String> {
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf)
        .map_err(|e| Error::config(format!("no randomness for the OAuth state: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

/// Equal in time independent of where the strings first differ.
/// An empty value never matches: an empty expected `state` would protect nothing.
fn same_secret(a: &str, b: &str) -> bool {
    !b.is_empty()
        && a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn state_error() -> Error {
    Aim18Fault::StateMismatch
        .into_error(ErrorKind::Authentication)
        .with_target("oauth", "authorize")
}

fn oauth_redirect_error(error: String, description: Option<String>) -> Error {
    Aim18Fault::OAuth(OAuthError { error, description })
        .into_error(ErrorKind::Authentication)
        .with_target("oauth", "authorize")
}

/// `response_type` of an authorization request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ResponseType {
    Code,
    Token,
}

/// An authorization request (authorization-code or implicit grant): the URL
/// to open in the user's browser and the `state` that must come back.
///
/// ```no_run
/// # async fn demo() -> runtime::Result<()> {
/// use runtime::aim18::{AuthorizationRequest, ClientSecret, LoopbackListener};
/// use std::time::Duration;
/// let listener = LoopbackListener::bind(None, Duration::from_secs(300))?;
/// let request = AuthorizationRequest::new("https://erp.example.com", "C-abc", &listener.redirect_uri())?;
/// println!("open {}", request.url());
/// let code = listener.wait_for_code(request.state()).await?;
/// let tokens = request.exchange(&ClientSecret::new("secret"), code, request.state()).await?;
/// # let _ = tokens; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    base: Url,
    client_id: String,
    redirect_uri: String,
    state: String,
    response_type: ResponseType,
    allow_insecure_http: bool,
    allow_missing_state: bool,
    record: Option<std::path::PathBuf>,
}

impl AuthorizationRequest {
    /// An authorization-code request with a fresh random `state`.
    pub fn new(base_url: &str, client_id: &str, redirect_uri: &str) -> Result<Self> {
        Self::build(base_url, client_id, redirect_uri, ResponseType::Code)
    }

    /// An implicit-grant request (`response_type=token`) with a fresh random `state`.
    pub fn implicit(base_url: &str, client_id: &str, redirect_uri: &str) -> Result<Self> {
        Self::build(base_url, client_id, redirect_uri, ResponseType::Token)
    }

    fn build(
        base_url: &str,
        client_id: &str,
        redirect_uri: &str,
        rt: ResponseType,
    ) -> Result<Self> {
        // The authorization URL carries no secret; plain http is checked when
        // the code is exchanged (that request carries the client secret).
        let base = crate::http::parse_base_url(base_url, true)?;
        if client_id.is_empty() {
            return Err(Error::config("client_id is empty"));
        }
        Url::parse(redirect_uri)
            .map_err(|e| Error::config(format!("invalid redirect_uri {redirect_uri:?}: {e}")))?;
        Ok(AuthorizationRequest {
            base,
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            state: new_state()?,
            response_type: rt,
            allow_insecure_http: false,
            allow_missing_state: false,
            record: None,
        })
    }

    /// Use `state` instead of the generated one (for apps that keep their own).
    pub fn with_state(mut self, state: impl Into<String>) -> Self {
        self.state = state.into();
        self
    }

    /// Accept a redirect that comes back with no `state` at all (off by default).
    ///
    /// aiM18's pages do not mention `state`: this client always sends one and
    /// checks it whenever the redirect carries it (a wrong one is always
    /// refused). A server that drops it leaves the redirect unbound to this
    /// request, so a page the user visits could slip them an attacker's code
    /// or token (login CSRF, RFC 6749 §10.12). Allow it only for such a
    /// server, and preferably only for a listener on 127.0.0.1 that you just
    /// opened for this one request.
    pub fn allow_missing_state(mut self, allow: bool) -> Self {
        self.allow_missing_state = allow;
        self
    }

    /// Record the code exchange into `dir`, as `Aim18ClientBuilder::record`
    /// records a session (secrets replaced by placeholders).
    pub fn record(mut self, dir: impl AsRef<std::path::Path>) -> Self {
        self.record = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Whether a redirect without `state` is accepted.
    pub fn allows_missing_state(&self) -> bool {
        self.allow_missing_state
    }

    /// Allow [`exchange`](Self::exchange) over plain http to a non-loopback host.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// `…/jsf/rfws/oauth/entry?response_type=…&client_id=…&redirect_uri=…&state=…`
    pub fn url(&self) -> Url {
        let mut url = endpoint(&self.base, &["jsf", "rfws", "oauth", "entry"]);
        url.query_pairs_mut()
            .append_pair(
                "response_type",
                match self.response_type {
                    ResponseType::Code => "code",
                    ResponseType::Token => "token",
                },
            )
            .append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("state", &self.state);
        url
    }

    pub fn state(&self) -> &str {
        &self.state
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The code from the URL aiM18 redirected the browser to (for web-server
    /// apps that receive the redirect themselves). Checks `state` first.
    pub fn code_from_redirect(&self, redirect_url: &str) -> Result<AuthorizationCode> {
        let url = Url::parse(redirect_url)
            .map_err(|e| Error::config(format!("the redirect URL does not parse: {e}")))?;
        code_from_pairs(
            url.query_pairs().into_owned().collect(),
            &self.state,
            self.allow_missing_state,
        )
    }

    /// The token from an implicit-grant redirect URL (fragment, or query when
    /// the fragment holds nothing). Checks `state` first.
    pub fn token_from_redirect(&self, redirect_url: &str) -> Result<TokenSet> {
        implicit_tokens(redirect_url, &self.state, self.allow_missing_state)
    }

    /// Exchange the code for tokens (`grant_type=authorization_code`), after
    /// checking that `state_returned` is this request's state.
    pub async fn exchange(
        &self,
        client_secret: &ClientSecret,
        code: AuthorizationCode,
        state_returned: &str,
    ) -> Result<TokenSet> {
        let missing_allowed = self.allow_missing_state && state_returned.is_empty();
        if !missing_allowed && !same_secret(state_returned, &self.state) {
            return Err(state_error());
        }
        crate::http::parse_base_url(self.base.as_str(), self.allow_insecure_http)?;
        let http = HttpClient::new(&crate::http::HttpConfig::default())?;
        let recorder = match &self.record {
            Some(dir) => {
                let r = super::record::Recorder::new(dir)?;
                r.secret(
                    client_secret.expose_secret(),
                    super::record::CLIENT_SECRET_PLACEHOLDER,
                );
                r.secret(code.expose_secret(), super::record::CODE_PLACEHOLDER);
                Some(std::sync::Arc::new(r))
            }
            None => None,
        };
        let endpoint = TokenEndpoint {
            base: self.base.clone(),
            client_id: self.client_id.clone(),
            client_secret: client_secret.clone(),
            http,
            recorder,
        };
        endpoint
            .authorization_code(code, &self.redirect_uri)
            .await
            .map_err(|e| e.with_target("oauth", "token"))
    }
}

/// The `state` check of a redirect: a `state` must match; none at all is
/// accepted only when the caller allowed it.
fn check_state(returned: Option<String>, expected: &str, allow_missing: bool) -> Result<()> {
    match returned {
        Some(s) if same_secret(&s, expected) => Ok(()),
        None if allow_missing => Ok(()),
        None => Err(Aim18Fault::StateMissing
            .into_error(ErrorKind::Authentication)
            .with_target("oauth", "authorize")),
        Some(_) => Err(state_error()),
    }
}

/// Query or fragment pairs of an authorization redirect → the code.
pub(crate) fn code_from_pairs(
    pairs: Vec<(String, String)>,
    expected_state: &str,
    allow_missing_state: bool,
) -> Result<AuthorizationCode> {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    check_state(get("state"), expected_state, allow_missing_state)?;
    if let Some(error) = get("error") {
        return Err(oauth_redirect_error(error, get("error_description")));
    }
    match get("code").filter(|c| !c.is_empty()) {
        Some(code) => Ok(AuthorizationCode::new(code)),
        None => Err(Error::new(
            ErrorKind::Protocol,
            "the authorization redirect has neither code nor error",
        )
        .with_target("oauth", "authorize")),
    }
}

/// The implicit-grant authorization URL (`response_type=token`).
pub fn implicit_url(
    base_url: &str,
    client_id: &str,
    redirect_uri: &str,
    state: &str,
) -> Result<Url> {
    Ok(
        AuthorizationRequest::implicit(base_url, client_id, redirect_uri)?
            .with_state(state)
            .url(),
    )
}

/// Tokens from the fragment of an implicit-grant redirect URL
/// (`#access_token=…&token_type=…&expires_in=…&state=…`). The `state` must be
/// `expected_state`. Implicit grants have no refresh token: when the token
/// expires, calls fail with [`super::Aim18ErrorExt::needs_reauthorization`].
///
/// ```no_run
/// # async fn demo(redirect_url: &str) -> runtime::Result<()> {
/// use runtime::aim18::{Aim18Client, Aim18ErrorExt, implicit_url, new_state, token_from_redirect};
/// let state = new_state()?;
/// let url = implicit_url("https://erp.example.com", "C-1", "https://app.example.com/cb", &state)?;
/// // ... the browser comes back to https://app.example.com/cb#access_token=...&state=...
/// let tokens = token_from_redirect(redirect_url, &state)?;
/// let client = Aim18Client::builder("https://erp.example.com")
///     .client_id("C-1")
///     .tokens(tokens)
///     .connect()
///     .await?;
/// if let Err(e) = client.read("cus", "cus", 1).await {
///     if e.needs_reauthorization() {
///         println!("open {url} again");
///     }
/// }
/// # Ok(()) }
/// ```
pub fn token_from_redirect(redirect_url: &str, expected_state: &str) -> Result<TokenSet> {
    implicit_tokens(redirect_url, expected_state, false)
}

fn implicit_tokens(
    redirect_url: &str,
    expected_state: &str,
    allow_missing_state: bool,
) -> Result<TokenSet> {
    let url = Url::parse(redirect_url)
        .map_err(|e| Error::config(format!("the redirect URL does not parse: {e}")))?;
    // RFC 6749 puts the implicit token in the fragment; aiM18's page only says
    // "in the returned URL", so the query is read when the fragment is empty.
    let source = match url.fragment().filter(|f| !f.is_empty()) {
        Some(f) => f,
        None => url.query().unwrap_or(""),
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(source.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    check_state(get("state"), expected_state, allow_missing_state)?;
    if let Some(error) = get("error") {
        return Err(oauth_redirect_error(error, get("error_description")));
    }
    let fields: Map<String, Value> = pairs
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let mut tokens = TokenSet::from_fields(&fields, SystemTime::now()).map_err(|e| {
        Error::new(ErrorKind::Protocol, format!("implicit redirect: {e}"))
            .with_target("oauth", "authorize")
    })?;
    // Even if the server put one there, a refresh token in a URL fragment has
    // been through the browser history; implicit tokens are treated as unrefreshable.
    tokens.refresh_token = None;
    Ok(tokens)
}

/// The token endpoint with the application's credentials.
pub(crate) struct TokenEndpoint {
    pub base: Url,
    pub client_id: String,
    pub client_secret: ClientSecret,
    pub http: HttpClient,
    pub recorder: Option<std::sync::Arc<super::record::Recorder>>,
}

impl TokenEndpoint {
    pub async fn password(&self, username: &str, password: &PasswordHash) -> Result<TokenSet> {
        self.request(
            &[
                ("grant_type", "password"),
                ("username", username),
                ("password", password.expose_secret()),
            ],
            &[password.expose_secret()],
        )
        .await
    }

    pub async fn authorization_code(
        &self,
        code: AuthorizationCode,
        redirect_uri: &str,
    ) -> Result<TokenSet> {
        let tokens = self
            .request(
                &[
                    ("grant_type", "authorization_code"),
                    ("code", code.expose_secret()),
                    ("redirect_uri", redirect_uri),
                ],
                &[code.expose_secret()],
            )
            .await?;
        Ok(tokens.with_redirect_uri(redirect_uri))
    }

    /// `redirect_uri`: the authorization-code grant's, when the tokens came
    /// from one (aiM18's token table marks it required for both grant types
    /// of that section); `None` for password-grant tokens.
    pub async fn refresh(
        &self,
        refresh_token: &RefreshToken,
        redirect_uri: Option<&str>,
    ) -> Result<TokenSet> {
        let mut params = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose_secret()),
        ];
        if let Some(uri) = redirect_uri {
            params.push(("redirect_uri", uri));
        }
        let mut tokens = self
            .request(&params, &[refresh_token.expose_secret()])
            .await?;
        // RFC 6749 §6: the server may keep the refresh token and not resend it.
        if tokens.refresh_token.is_none() {
            tokens.refresh_token = Some(refresh_token.clone());
        }
        tokens.redirect_uri = redirect_uri.map(String::from);
        Ok(tokens)
    }

    /// One token request. Sent once: a refresh token may rotate and a code is
    /// single use, so repeating after a lost answer would only burn them.
    async fn request(&self, grant: &[(&str, &str)], secrets: &[&str]) -> Result<TokenSet> {
        let bare = endpoint(&self.base, &["jsf", "rfws", "oauth", "token"]);
        let mut url = bare.clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("client_secret", self.client_secret.expose_secret())
            .extend_pairs(grant);
        let redact = |mut e: Error| {
            e = e.redact(self.client_secret.expose_secret());
            for s in secrets {
                e = e.redact(s);
            }
            // No target here: a refresh made for a service call is reported
            // as that call (module/operation); direct grants add "oauth/token".
            e.with_url(bare.clone())
        };
        let resp = self
            .http
            .reqwest()
            .get(url.clone())
            .header("cache-control", "no-cache")
            .send()
            .await
            // The URL holds the client secret and the grant's secret: drop it.
            .map_err(|e| redact(Error::transport(e.without_url())))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .bytes()
            .await
            .map_err(|e| redact(Error::transport(e.without_url())))?;
        if let Some(rec) = &self.recorder {
            // Tokens are known as secrets (and scrubbed) only when the answer is a JSON object;
            // any other body of the token endpoint may carry them in a shape the scrub cannot
            // see, so it is withheld, as the error path withholds it.
            let is_object = matches!(serde_json::from_slice::<Value>(&body), Ok(Value::Object(_)));
            let recorded: &[u8] = if is_object {
                &body
            } else {
                b"<withheld: a token endpoint answer that is not a JSON object may hold tokens>"
            };
            // The query's secrets are replaced by name (see record::SECRET_PARAMS).
            rec.exchange(
                super::record::Sent {
                    method: "GET",
                    url: &url,
                    headers: &[("cache-control", "no-cache".to_string())],
                    body: None,
                },
                status.as_u16(),
                &headers,
                recorded,
                "recorded by erpbind (token endpoint)",
            );
        }
        let json: Option<Value> = serde_json::from_slice(&body).ok();
        if status.is_success() {
            let fields = match json {
                Some(Value::Object(m)) => m,
                // No excerpt: a garbled success answer may still hold tokens.
                _ => {
                    return Err(redact(Error::protocol(
                        status.as_u16(),
                        b"",
                        "the token endpoint's answer is not a JSON object (body withheld: it may hold tokens)",
                    )));
                }
            };
            return TokenSet::from_fields(&fields, SystemTime::now()).map_err(|e| {
                redact(Error::protocol(
                    status.as_u16(),
                    b"",
                    format!("the token endpoint's answer is not a token: {e}"),
                ))
            });
        }
        match json
            .as_ref()
            .and_then(|j| j.get("error"))
            .and_then(Value::as_str)
        {
            Some(error) => {
                let description = json
                    .as_ref()
                    .and_then(|j| j.get("error_description"))
                    .and_then(Value::as_str)
                    .map(String::from);
                let fault = Aim18Fault::OAuth(OAuthError {
                    error: error.to_string(),
                    description,
                });
                Err(redact(
                    fault
                        .into_error(ErrorKind::Authentication)
                        .with_status(status.as_u16()),
                ))
            }
            None => Err(redact(Error::protocol(
                status.as_u16(),
                &body,
                match status {
                    StatusCode::UNAUTHORIZED | StatusCode::BAD_REQUEST => {
                        "the token endpoint refused the request without an OAuth error body"
                    }
                    _ => "the token endpoint did not answer with JSON",
                },
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sha1_matches_known_vectors() {
        assert_eq!(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            PasswordHash::from_plain("密碼").expose_secret(),
            sha1_hex("密碼")
        );
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let t = TokenSet::new(AccessToken::new("acc-123456"))
            .with_refresh_token(RefreshToken::new("ref-654321"));
        let out = format!(
            "{t:?} {:?} {:?} {:?}",
            ClientSecret::new("cs-999999"),
            AuthorizationCode::new("code-777777"),
            PasswordHash::from_plain("hunter22")
        );
        for s in [
            "acc-123456",
            "ref-654321",
            "cs-999999",
            "code-777777",
            &sha1_hex("hunter22"),
        ] {
            assert!(!out.contains(s), "{out}");
        }
        assert!(out.contains("AccessToken([redacted])"));
    }

    #[test]
    fn token_fields() {
        let now = SystemTime::now();
        let m = json!({"access_token": "a", "refresh_token": "r", "token_type": "bearer",
                       "expires_in": "120", "uid": 7});
        let t = TokenSet::from_fields(m.as_object().unwrap(), now).unwrap();
        assert_eq!(t.uid(), Some(7));
        assert_eq!(t.expires_at(), Some(now + Duration::from_secs(120)));
        assert!(!t.refresh_due(now));
        assert!(t.refresh_due(now + Duration::from_secs(91)));
        let m = json!({"access_token": "a"});
        let t = TokenSet::from_fields(m.as_object().unwrap(), now).unwrap();
        assert_eq!(t.expires_at(), None);
        assert!(!t.refresh_due(now + Duration::from_secs(1 << 30)));
        for bad in [
            json!({}),
            json!({"access_token": ""}),
            json!({"access_token": "a", "expires_in": "soon"}),
            json!({"access_token": "a", "expires_in": -5}),
        ] {
            assert!(
                TokenSet::from_fields(bad.as_object().unwrap(), now).is_err(),
                "{bad}"
            );
        }
        // Absurd lifetimes do not overflow.
        let m = json!({"access_token": "a", "expires_in": 1e300});
        assert!(TokenSet::from_fields(m.as_object().unwrap(), now).is_ok());
        let stored = TokenSet::from_stored(t.to_stored());
        assert_eq!(stored.access_token().expose_secret(), "a");
    }

    #[test]
    fn authorization_url_and_state() {
        let r =
            AuthorizationRequest::new("https://erp.example.com/", "C-1", "http://127.0.0.1:9/cb")
                .unwrap();
        let url = r.url();
        assert_eq!(url.path(), "/jsf/rfws/oauth/entry");
        let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert!(q.contains(&("response_type".into(), "code".into())));
        assert!(q.contains(&("client_id".into(), "C-1".into())));
        assert!(q.contains(&("redirect_uri".into(), "http://127.0.0.1:9/cb".into())));
        assert!(q.contains(&("state".into(), r.state().into())));
        assert_eq!(r.state().len(), 22);
        let other =
            AuthorizationRequest::new("https://erp.example.com/", "C-1", "http://127.0.0.1:9/cb")
                .unwrap();
        assert_ne!(r.state(), other.state());

        let ok = format!("http://127.0.0.1:9/cb?code=abc&state={}", r.state());
        assert_eq!(r.code_from_redirect(&ok).unwrap().expose_secret(), "abc");
        let e = r
            .code_from_redirect("http://127.0.0.1:9/cb?code=abc&state=forged")
            .unwrap_err();
        assert!(e.is_authentication());
        assert!(matches!(
            super::super::Aim18ErrorExt::aim18_fault(&e),
            Some(Aim18Fault::StateMismatch)
        ));
        let denied = format!(
            "http://127.0.0.1:9/cb?error=access_denied&state={}",
            r.state()
        );
        let e = r.code_from_redirect(&denied).unwrap_err();
        assert_eq!(
            super::super::Aim18ErrorExt::oauth_error(&e).unwrap().error,
            "access_denied"
        );
        assert!(AuthorizationRequest::new("https://erp.example.com/", "", "http://x/").is_err());
        assert!(AuthorizationRequest::new("https://erp.example.com/", "C", "not a url").is_err());
    }

    #[test]
    fn implicit_fragment() {
        let url = implicit_url("https://erp.example.com", "C-1", "https://app/cb", "st8").unwrap();
        assert!(url.as_str().contains("response_type=token"));
        let t = token_from_redirect(
            "https://app/cb#access_token=tok&token_type=bearer&expires_in=60&state=st8&uid=3&refresh_token=r",
            "st8",
        )
        .unwrap();
        assert_eq!(t.access_token().expose_secret(), "tok");
        assert!(t.refresh_token().is_none());
        assert!(t.expires_at().is_some());
        assert!(token_from_redirect("https://app/cb#access_token=tok&state=x", "st8").is_err());
        assert!(
            token_from_redirect("https://app/cb#state=st8", "st8")
                .unwrap_err()
                .is_protocol()
        );
        assert!(token_from_redirect("::", "st8").is_err());
    }
}
