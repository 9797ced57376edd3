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
//! | 400 with a CheckMsg array in `error_info` | `Validation` (`Missing` if every key is `core_141019`) | [`Aim18ErrorExt::check_messages`], with [`MsgLocator`]s |
//! | 200 with `"status": false` and `messages` | same | same |
//! | 403 (module right or per-API rule) | `Access`; `model()`/`method()` = module/operation | [`Aim18ErrorExt::forbidden`] |
//! | 401 after one refresh and retry | `Authentication` | |
//! | expired token that cannot be refreshed (implicit grant) | `SessionExpired` | [`Aim18ErrorExt::needs_reauthorization`] |
//! | OAuth error from the token endpoint or the redirect | `Authentication` | [`Aim18ErrorExt::oauth_error`] |
//! | wrong `state` on the redirect | `Authentication` | [`Aim18Fault::StateMismatch`] |
//! | HTML, truncated JSON, other statuses | `Protocol`, with status and body excerpt | |
//!
//! `model()`/`method()` name the call the application made: a token refresh
//! that fails during `search` on `cus` reads `cus/search` (its URL is the
//! token endpoint's); grants made directly (connect, exchange, `refresh()`)
//! read `oauth/token`.
//!
//! # Choices where aiM18's documentation is silent
//!
//! Recorded here and mirrored by the fake server in the `tests` package:
//!
//! - **Token answer**: `access_token`, `token_type`, `refresh_token`, `uid`
//!   are read (as seen in real client code); `expires_in` (seconds) is optional.
//!   When it is present the token is refreshed min(30 s, lifetime/4) before
//!   expiry; when absent, only on a 401. Requests always say `Bearer`.
//! - **Token requests** are `GET /jsf/rfws/oauth/token` with every parameter in
//!   the query string, as aiM18 documents (RFC 6749 would use POST); they are
//!   never retried (a refresh token may rotate, a code is single use), and
//!   their URL is kept out of errors because it holds secrets.
//! - **OAuth errors** follow RFC 6749 §5.2: a JSON body
//!   `{"error":"invalid_grant","error_description":…}` with HTTP 400 (401 for
//!   `invalid_client`). A refresh refused that way falls back to the password
//!   grant when a password was given, otherwise it asks for re-authorization.
//! - **Refresh**: if the answer has no new refresh token the old one is kept (§6).
//! - **Authorization redirect**: the `state` is checked before anything else
//!   (an `error=` with a wrong state is reported as a state mismatch).
//! - **Expired or unknown token**: any 401 triggers one refresh and one retry
//!   (RFC 6750 `WWW-Authenticate` is not required).
//! - **Denied call**: 403, optionally with CheckMsgs in `error_info`; the
//!   error names the module and the operation from the call itself.
//! - **Paths**: [`PathFamily::Entity`] (default, the documented core services):
//!   `POST entity/create/<module>`, `GET entity/read/<module>`,
//!   `PUT entity/save/<module>` (full entity as body),
//!   `PUT entity/s/save/<module>` (simplified JSON in the `entity` query
//!   parameter, as documented), `DELETE entity/delete/<module>` (unverified),
//!   `GET entity/getIdByCode/<module>?code=` (unverified), all with
//!   `?menuCode=`. [`PathFamily::RootApi`]: the same services under
//!   `root/api/<service>/<menuCode>` (`create` and `getIdByCode` there are
//!   unverified); saves send the body, reads may wrap the entity in `data`.
//! - **Entity JSON**: tables are read as JSON strings or objects and sent as
//!   strings. `DateTime` (21) is `yyyy-MM-dd HH:mm:ss` with a `yyyy-MM-dd`
//!   fallback; numbers in date columns are epoch milliseconds (fastjson's
//!   default). Booleans accept `true/1/Y/YES/T/TRUE` and
//!   `false/0/N/NO/F/FALSE/""` (any case); anything else is a decode error.
//! - **Search**: `startRow`/`endRow` are 1-based and inclusive (the official
//!   example); paging advances by the rows received and stops at a short page.
//! - **Save answer**: `recordId` (else `id`/`tranId`) is the saved record's id.

mod client;
mod entity;
mod fault;
mod loopback;
mod oauth;
mod store;
mod typed;

pub use client::{
    Aim18Client, Aim18ClientBuilder, PathFamily, SaveOutcome, Search, SearchPage, SearchQuery,
};
pub use entity::{
    CellValue, ClassType, DATE_FORMAT, DATETIME_FORMAT, SimplifiedEntity, SqlEntity, SqlField,
    SqlTable, TableEncoding, decode_cell, parse_bool, parse_date, parse_datetime,
};
pub use fault::{Aim18ErrorExt, Aim18Fault, CheckMsg, MsgLocator, MsgType, OAuthError, Operation};
pub use loopback::{CALLBACK_PATH, LoopbackListener};
pub use oauth::{
    AccessToken, AuthorizationCode, AuthorizationRequest, ClientSecret, PasswordHash, RefreshToken,
    TokenSet, implicit_url, new_state, sha1_hex, token_from_redirect,
};
pub use store::{FileTokenStore, MemoryTokenStore, TokenStore};
pub use typed::*;
