//! How the fake plays each point aiM18's documentation leaves open.
//!
//! Every enum's `Default` is the reading the fake played first (and the
//! client was built against); each other variant is an alternative a real
//! server may follow. They are set on [`super::FakeAim18Builder`], next to
//! the other behaviour switches, one builder method per point.
//! `docs/aim18-protocol.md` lists which source backs each reading.

/// 1. How a service call with an expired or revoked token is answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ExpiredToken {
    /// 401 with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750).
    #[default]
    Unauthorized401,
    /// 400 with a CheckMsg in `error_info` saying the token expired.
    BadRequest400,
    /// 403 with a CheckMsg in `error_info` saying the token is invalid.
    Forbidden403,
}

/// 2. How the token endpoint refuses a refresh token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RefreshRefusal {
    /// RFC 6749 §5.2 JSON `{"error":"invalid_grant",...}` with 400.
    #[default]
    OAuthJson,
    /// A 400 HTML page.
    HtmlPage,
    /// A 401 with a plain-text body.
    PlainText,
    /// A 400 with a CheckMsg array in `error_info` and no body.
    ErrorInfo400,
}

/// 3. Whether the authorization redirect carries `state` back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RedirectState {
    #[default]
    Echo,
    /// The redirect has no `state` (aiM18's pages never mention it).
    Omit,
}

/// 3. Where the implicit grant puts the token in the redirect URL.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ImplicitTokenIn {
    /// `#access_token=…` (RFC 6749 §4.2.2).
    #[default]
    Fragment,
    /// `?access_token=…` (aiM18 only says "in the returned URL").
    Query,
}

/// 4. Whether the services no official page shows live where the client guesses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum UnconfirmedPaths {
    /// `entity/delete`, `entity/getIdByCode`, `root/api/{create,save,delete,getIdByCode}`.
    #[default]
    AsGuessed,
    /// Those paths answer a bare 404; the same services answer under
    /// `/jsf/rfws/alt/...` (e.g. `/jsf/rfws/alt/entity/delete/<module>`).
    Elsewhere,
}

/// The guessed paths [`UnconfirmedPaths::Elsewhere`] moves, as prefixes.
pub(crate) const UNCONFIRMED_PREFIXES: &[&str] = &[
    "/jsf/rfws/entity/delete/",
    "/jsf/rfws/entity/getIdByCode/",
    "/jsf/rfws/root/api/create/",
    "/jsf/rfws/root/api/save/",
    "/jsf/rfws/root/api/delete/",
    "/jsf/rfws/root/api/getIdByCode/",
];

/// 5. The body of a successful save.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SaveAnswer {
    /// `{"status":true,"recordId":<id>,"messages":[]}` (third-party `root/api/save`).
    #[default]
    RecordId,
    /// `{"status":true,"id":<id>}`.
    Id,
    /// `{"status":true,"tranId":<id>,"tranCode":"…"}` (as `erp/bsFlow/save`).
    TranId,
    /// The bare number.
    BareNumber,
    /// The saved SqlEntity (tables as JSON strings).
    Entity,
    /// `{"status":true}`: no id at all (a client must not report a create without one).
    NoId,
}

/// 6. How a call refused by module rights is answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RightsRefusal {
    /// 403 with a CheckMsg in `error_info`.
    #[default]
    Forbidden403,
    /// The family's failure form with `core_141019` ("not found or no access").
    NotFoundOrNoAccess,
}

/// 7. What `size` in a search answer counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SearchSize {
    /// The rows in this answer (what the official samples are consistent with).
    #[default]
    RowsReturned,
    /// Every matching row.
    TotalCount,
}

/// 8. Whether refreshing tokens of the authorization-code grant needs `redirect_uri`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RefreshRedirectUri {
    #[default]
    NotRequired,
    /// The official token table marks `redirect_uri` required: refused without it.
    Required,
}

/// 9. How much of each CheckMsg the server writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CheckMsgForm {
    /// Every field, `pass` and `type` included.
    #[default]
    Full,
    /// `pass` and `type` left out (javaapi's defaults: pass=true, type=Info).
    Terse,
}

/// Every reading the fake plays, as set on the builder.
#[derive(Debug, Clone, Default)]
pub struct Readings {
    pub expired_token: ExpiredToken,
    pub refresh_refusal: RefreshRefusal,
    pub redirect_state: RedirectState,
    pub implicit_token_in: ImplicitTokenIn,
    pub unconfirmed_paths: UnconfirmedPaths,
    pub save_answer: SaveAnswer,
    pub rights_refusal: RightsRefusal,
    pub search_size: SearchSize,
    /// The most rows a search answers, whatever `endRow` asks (a server-side cap).
    pub search_page_cap: Option<usize>,
    pub refresh_redirect_uri: RefreshRedirectUri,
    pub check_msg_form: CheckMsgForm,
    /// 9. Report `java.lang.String` columns with this classType instead of 0.
    pub unknown_class_type: Option<i64>,
    /// Drop request headers whose name has an underscore (`client_id`), as
    /// nginx does unless `underscores_in_headers on;`.
    pub strip_underscore_headers: bool,
}
