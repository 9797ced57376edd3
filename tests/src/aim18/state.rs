//! The fake server's state: registrations, OAuth grants, rights, records.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use base64::Engine as _;
use sha1::{Digest, Sha1};

use super::modules::{self, Record};

/// A basic API of a module, as aiM18's rights screen splits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    /// The create service (empty entity) and saving a new record.
    Create,
    /// Read, search and get-id-by-code.
    Read,
    /// Saving an existing record.
    Update,
    Delete,
}

impl Op {
    pub const ALL: &'static [Op] = &[Op::Create, Op::Read, Op::Update, Op::Delete];

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Read => "read",
            Op::Update => "update",
            Op::Delete => "delete",
        }
    }
}

/// How many requests reached the token endpoint, by `grant_type` (failed ones included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenRequestCounts {
    pub password: usize,
    pub authorization_code: usize,
    pub refresh_token: usize,
    /// Missing or unsupported grant types.
    pub other: usize,
}

impl TokenRequestCounts {
    pub fn total(&self) -> usize {
        self.password + self.authorization_code + self.refresh_token + self.other
    }
}

pub(crate) struct ClientReg {
    pub secret: String,
    pub redirect_uris: Vec<String>,
}

pub(crate) struct UserReg {
    pub uid: i64,
    /// Lower-case hex SHA-1 of the password: aiM18 never sees the plain password.
    pub password_sha1: String,
}

pub(crate) struct CodeGrant {
    pub client: String,
    pub redirect_uri: String,
    pub user: String,
    pub expires: Instant,
    pub used: bool,
}

pub(crate) struct AccessGrant {
    pub client: String,
    pub user: String,
    pub expires: Instant,
    /// The authorization code the token came from, to revoke it if that code is replayed.
    pub from_code: Option<String>,
}

pub(crate) struct RefreshGrant {
    pub client: String,
    pub user: String,
    pub from_code: Option<String>,
    /// The authorization-code grant's redirect_uri (checked on refresh under
    /// `RefreshRedirectUri::Required`).
    pub redirect_uri: Option<String>,
}

pub(crate) struct State {
    pub clients: BTreeMap<String, ClientReg>,
    pub users: BTreeMap<String, UserReg>,
    /// The user the fake "browser session" is signed in as on the entry page.
    pub signed_in: Option<String>,
    pub deny_consent: bool,
    pub token_ttl: Duration,
    pub code_ttl: Duration,
    pub send_expires_in: bool,
    /// Users listed here may only do what is granted; others may do everything.
    pub rights: BTreeMap<String, BTreeSet<(String, Op)>>,
    /// (client id, path pattern with `*` wildcards) pairs that are refused.
    pub api_rules: Vec<(String, String)>,
    pub codes: HashMap<String, CodeGrant>,
    pub access: HashMap<String, AccessGrant>,
    pub refresh: HashMap<String, RefreshGrant>,
    pub token_counts: TokenRequestCounts,
    pub records: BTreeMap<&'static str, BTreeMap<i64, Record>>,
    pub next_line_id: i64,
    pub readings: super::readings::Readings,
}

impl State {
    pub(crate) fn new() -> Self {
        let records = modules::seed();
        let next_line_id = records
            .values()
            .flat_map(|m| m.values())
            .flat_map(|r| r.subs.values().flatten())
            .filter_map(|row| row.get("id").and_then(|v| v.as_i64()))
            .max()
            .unwrap_or(0)
            + 1;
        State {
            clients: BTreeMap::new(),
            users: BTreeMap::new(),
            signed_in: None,
            deny_consent: false,
            token_ttl: Duration::from_secs(3600),
            code_ttl: Duration::from_secs(60),
            send_expires_in: true,
            rights: BTreeMap::new(),
            api_rules: Vec::new(),
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            token_counts: TokenRequestCounts::default(),
            records,
            next_line_id,
            readings: Default::default(),
        }
    }

    pub(crate) fn allowed(&self, user: &str, module: &str, op: Op) -> bool {
        match self.rights.get(user) {
            None => true,
            Some(granted) => granted.contains(&(module.to_string(), op)),
        }
    }

    pub(crate) fn api_denied(&self, client: &str, path: &str) -> bool {
        self.api_rules
            .iter()
            .any(|(c, pattern)| c == client && glob_match(pattern, path))
    }

    /// Issue an access token (and a refresh token unless `implicit`).
    pub(crate) fn issue(
        &mut self,
        client: &str,
        user: &str,
        from_code: Option<String>,
        implicit: bool,
    ) -> Issued {
        let access = mint_token();
        self.access.insert(
            access.clone(),
            AccessGrant {
                client: client.to_string(),
                user: user.to_string(),
                expires: Instant::now() + self.token_ttl,
                from_code: from_code.clone(),
            },
        );
        let refresh = (!implicit).then(|| {
            let refresh = mint_token();
            self.refresh.insert(
                refresh.clone(),
                RefreshGrant {
                    client: client.to_string(),
                    user: user.to_string(),
                    from_code,
                    redirect_uri: None,
                },
            );
            refresh
        });
        Issued {
            access_token: access,
            refresh_token: refresh,
            expires_in: self.send_expires_in.then_some(self.token_ttl.as_secs()),
            uid: self.users.get(user).map(|u| u.uid).unwrap_or(0),
        }
    }

    /// Tie the refresh token of `issued` to a code grant's redirect_uri.
    pub(crate) fn remember_redirect_uri(&mut self, issued: &Issued, uri: Option<String>) {
        if let Some(g) = issued
            .refresh_token
            .as_ref()
            .and_then(|r| self.refresh.get_mut(r))
        {
            g.redirect_uri = uri;
        }
    }

    /// RFC 6749 §4.1.2: a replayed code should revoke what it issued.
    pub(crate) fn revoke_from_code(&mut self, code: &str) {
        self.access
            .retain(|_, g| g.from_code.as_deref() != Some(code));
        self.refresh
            .retain(|_, g| g.from_code.as_deref() != Some(code));
    }
}

pub(crate) struct Issued {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: Option<u64>,
    pub uid: i64,
}

pub(crate) fn sha1_hex(s: &str) -> String {
    Sha1::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The OS generator does not fail on the platforms the tests run on; if it
    // ever did, a fixed token would still be unique per process through the counter below.
    if getrandom::fill(&mut buf).is_err() {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(1);
        let n = N.fetch_add(1, Ordering::Relaxed).to_le_bytes();
        for (i, b) in buf.iter_mut().enumerate() {
            *b = n[i % 8];
        }
    }
    buf
}

/// Tokens look like aiM18's: base64 of a UUID's text form.
pub(crate) fn mint_token() -> String {
    let b = random_bytes::<16>();
    let uuid = format!(
        "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
        b[0],
        b[1],
        b[2],
        b[3],
        b[4],
        b[5],
        b[6] & 0x0f | 0x40,
        b[7],
        b[8] & 0x3f | 0x80,
        b[9],
        b[10],
        b[11],
        b[12],
        b[13],
        b[14],
        b[15]
    );
    base64::engine::general_purpose::STANDARD.encode(uuid)
}

pub(crate) fn mint_code() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<18>())
}

/// `*` matches any run of characters (including `/`); everything else is literal.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(pos) => rest = &rest[pos + part.len()..],
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob() {
        assert!(glob_match(
            "/jsf/rfws/entity/delete/*",
            "/jsf/rfws/entity/delete/cus"
        ));
        assert!(glob_match("*/delete/*", "/jsf/rfws/root/api/delete/cus"));
        assert!(glob_match("/a", "/a"));
        assert!(!glob_match("/a", "/ab"));
        assert!(!glob_match("/jsf/*/read/*", "/jsf/rfws/entity/save/cus"));
    }

    #[test]
    fn sha1_is_lower_hex() {
        assert_eq!(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    #[test]
    fn tokens_decode_to_uuid_text() {
        let t = mint_token();
        let raw = base64::engine::general_purpose::STANDARD.decode(t).unwrap();
        assert_eq!(raw.len(), 36);
        assert_ne!(mint_token(), mint_token());
    }
}
