//! aiM18 (Multiable) client: OAuth 2.0 and the entity and search services.
//!
//! ```no_run
//! # async fn demo() -> runtime::Result<()> {
//! use runtime::aim18::{Aim18Client, SearchQuery};
//! use futures_util::TryStreamExt;
//!
//! let client = Aim18Client::builder("https://erp.example.com")
//!     .client_id("C-SGF2aWQncyBhcHBsaWNhdGlvbg==")
//!     .client_secret("…")
//!     .password_grant("api-user", "plain password") // SHA-1-hashed here, never kept plain
//!     .connect()
//!     .await?;
//! let customer = client.read("cus", "cus", 142).await?;
//! let name = customer.main().unwrap().get_str(0, "desc_en")?;
//! let pages = client.search(SearchQuery::new("cus").be_id(1)).pages(100);
//! let all: Vec<_> = pages.try_collect().await?;
//! # let _ = (name, all); Ok(()) }
//! ```
//!
//! Plumbing is shared with the Odoo client: [`crate::http`] (rustls, timeouts,
//! plain `http://` only to loopback unless allowed, retries of reads only),
//! [`crate::Error`] (opaque, `kind()` + accessors; aiM18 details through
//! [`Aim18ErrorExt`]) and [`crate::secret::SecretString`] behind the secret
//! newtypes ([`ClientSecret`], [`AccessToken`], [`RefreshToken`],
//! [`AuthorizationCode`], [`PasswordHash`]), whose `Debug` is redacted.
//!
//! # Errors
//!
//! | aiM18 answer | [`crate::ErrorKind`] | detail |
//! |---|---|---|
//! | 400 with a CheckMsg array in `error_info` | `Validation` | [`Aim18ErrorExt::check_messages`], with [`MsgLocator`]s |
//! | the same where every key is `core_141019` | `Missing` ("not found or no access") | [`Aim18ErrorExt::maybe_no_access`] |
//! | 200 with `"status": false` and `messages` | same | same |
//! | 403 (module rights) | `Access`; `model()`/`method()` = module/operation | [`Aim18ErrorExt::forbidden`] |
//! | 403 whose messages name an access rule ([`API_RULE_MARKERS`]) | `Access` | [`Aim18ErrorExt::api_rule_denied`] (the API path) |
//! | token refused again after one renewal and retry | `Authentication` | |
//! | 400/401 saying the `client_id` header is missing | `Authentication`, naming proxies that drop underscore headers | |
//! | 404 on a path no official page shows ([`Service::is_confirmed`]) | `NotFound`, naming [`Aim18ClientBuilder::service_path`] | |
//! | expired token that cannot be refreshed (implicit grant) | `SessionExpired` | [`Aim18ErrorExt::needs_reauthorization`] |
//! | OAuth error from the token endpoint or the redirect | `Authentication` | [`Aim18ErrorExt::oauth_error`] |
//! | wrong `state` on the redirect | `Authentication` | [`Aim18Fault::StateMismatch`] |
//! | no `state` on the redirect, not allowed | `Authentication` | [`Aim18Fault::StateMissing`] |
//! | a create whose save answer names no id | `Protocol`, with the body's start | |
//! | HTML, truncated JSON, other statuses | `Protocol`, with status and body excerpt | |
//!
//! `model()`/`method()` name the call the application made: a token refresh
//! that fails during `search` on `cus` reads `cus/search` (its URL is the
//! token endpoint's); grants made directly (connect, exchange, `refresh()`)
//! read `oauth/token`.
//!
//! # Choices where aiM18's documentation is silent
//!
//! Recorded here; the fake server in the `tests` package plays each of these
//! readings and its alternatives (`tests::aim18::Readings`), and `docs/aim18-protocol.md`
//! says which source backs which:
//!
//! - **Token answer**: `access_token`, `token_type`, `refresh_token`, `uid`
//!   are read (as seen in real client code); `expires_in` (seconds) is optional.
//!   When it is present the token is refreshed min(30 s, lifetime/4) before
//!   expiry; when absent, never ahead of time. Requests always say `Bearer`.
//! - **Token requests** are `GET /jsf/rfws/oauth/token` with every parameter in
//!   the query string, as aiM18 documents (RFC 6749 would use POST); they are
//!   never retried (a refresh token may rotate, a code is single use), and
//!   their URL is kept out of errors because it holds secrets.
//! - **OAuth errors** are read as RFC 6749 §5.2 JSON when they are. A refresh
//!   refused in any shape (that JSON, an HTML or text page, a 4xx with
//!   `error_info`, a 200 that is no token) falls back to the password grant
//!   when a password was given, otherwise asks for re-authorization; a 5xx or
//!   a transport error keeps the tokens and is reported as such.
//! - **Refresh**: if the answer has no new refresh token the old one is kept
//!   (§6); tokens from the authorization-code grant send their `redirect_uri`
//!   again (the official token table marks it required).
//! - **Authorization redirect**: `state` is always sent and checked when it
//!   comes back (an `error=` with a wrong state is a state mismatch); a
//!   redirect without any `state` is refused unless the request allows it
//!   ([`AuthorizationRequest::allow_missing_state`]). The implicit token is
//!   read from the fragment, else from the query.
//! - **Token no longer valid**: a 401, or a 400/403 whose `error_info`
//!   messages, `WWW-Authenticate` or body carry one of [`TOKEN_INVALID_KEYS`] /
//!   [`TOKEN_INVALID_PHRASES`] (the one public client known to work signs in
//!   again on 400, 401 and 403): one renewal and one retry, never more.
//! - **Denied call**: 403, optionally with CheckMsgs in `error_info`; the
//!   error names the module and the operation from the call itself, or the
//!   API path when the messages name a per-API access rule.
//! - **Paths**: [`PathFamily::Entity`] (default, the documented core services):
//!   `POST entity/create/<module>`, `GET entity/read/<module>`,
//!   `PUT entity/save/<module>` (full entity as body),
//!   `PUT entity/s/save/<module>` (simplified JSON in the `entity` query
//!   parameter, as documented), `DELETE entity/delete/<module>` (unconfirmed),
//!   `GET entity/getIdByCode/<module>?code=` (unconfirmed), all with
//!   `?menuCode=`. [`PathFamily::RootApi`]: the same services under
//!   `root/api/<service>/<menuCode>` (only `read` is on an official page);
//!   saves send the body, reads may wrap the entity in `data` (third-party
//!   notes). Every path can be overridden ([`Service`]).
//! - **Entity JSON**: tables are read as JSON strings or objects and sent as
//!   strings. `DateTime` (21) is `yyyy-MM-dd HH:mm:ss` with a `yyyy-MM-dd`
//!   fallback; numbers in date columns are epoch milliseconds (fastjson's
//!   default). Booleans accept `true/1/Y/YES/T/TRUE` and
//!   `false/0/N/NO/F/FALSE/""` (any case); anything else is a decode error.
//! - **Search**: `startRow`/`endRow` are 1-based and inclusive (the official
//!   example); paging advances by the rows received and stops at an empty
//!   page, or at a short one unless `size` says more rows exist.
//! - **Save answer**: `recordId`, `id`, `tranId`, a bare number, the same in
//!   `data`, or an SqlEntity's main-table id; a create answered with none of
//!   them is an error.
//! - **CheckMsg** fields missing from the server's report take javaapi's
//!   defaults (`pass = true`, `type = Info`); an unknown classType decodes as text.

mod client;
mod entity;
mod fault;
mod loopback;
mod oauth;
mod paths;
mod record;
mod store;
mod typed;

pub use client::{
    Aim18Client, Aim18ClientBuilder, EntityOptions, PathFamily, SaveOutcome, Search, SearchPage,
    SearchQuery,
};
pub use entity::{
    CellValue, ClassType, DATE_FORMAT, DATETIME_FORMAT, SimplifiedEntity, SqlEntity, SqlField,
    SqlTable, TableEncoding, decode_cell, parse_bool, parse_date, parse_datetime,
};
pub use fault::{
    API_RULE_MARKERS, Aim18ErrorExt, Aim18Fault, CheckMsg, MsgLocator, MsgType, OAuthError,
    Operation, TOKEN_INVALID_KEYS, TOKEN_INVALID_PHRASES, says_token_invalid,
};
pub use loopback::{CALLBACK_PATH, LoopbackListener};
pub use oauth::{
    AccessToken, AuthorizationCode, AuthorizationRequest, ClientSecret, PasswordHash, RefreshToken,
    TokenSet, implicit_url, new_state, sha1_hex, token_from_redirect,
};
pub use paths::Service;
pub use record::{
    ACCESS_TOKEN_PLACEHOLDER, CLIENT_SECRET_PLACEHOLDER, CODE_PLACEHOLDER, PASSWORD_PLACEHOLDER,
    REFRESH_TOKEN_PLACEHOLDER, SECRET_PARAMS,
};
pub use store::{FileTokenStore, MemoryTokenStore, TokenStore};
pub use typed::*;
