//! Secret newtypes (in the manner of `oauth2`'s): their `Debug` prints
//! `[redacted]`, they have no `Display`, and the only way to the value is an
//! explicitly named `expose_secret()`. Structs that hold them (configs, clients)
//! can therefore derive or print `Debug` without leaking anything.

use std::fmt;

/// A string that must never be printed: a password, API key, client secret or token.
#[derive(Clone)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        SecretString(value.into())
    }

    /// The secret value.
    ///
    /// **Security warning:** whatever receives this must not log, print or
    /// persist it. Use it only to put the value on the wire.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

impl From<String> for SecretString {
    fn from(s: String) -> Self {
        SecretString::new(s)
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> Self {
        SecretString::new(s)
    }
}

impl Drop for SecretString {
    // Best effort: overwrite the bytes before the allocation is freed, so the
    // secret does not linger in freed memory. (Copies made on the wire by
    // serde/reqwest are out of reach.)
    fn drop(&mut self) {
        let mut bytes = std::mem::take(&mut self.0).into_bytes();
        bytes.iter_mut().for_each(|b| *b = 0);
        // Keeps the stores from being optimised away as dead.
        std::hint::black_box(&bytes);
    }
}

/// Which kind of secret a login uses. It decides the transport: Odoo refuses API
/// keys on its web-session login, and its JSON-2 API takes only API keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKind {
    Password,
    ApiKey,
}

/// The secret an ERP login authenticates with: a password or an API key.
#[derive(Clone)]
pub struct Secret {
    kind: SecretKind,
    value: SecretString,
}

impl Secret {
    /// A user's password.
    pub fn password(value: impl Into<String>) -> Self {
        Secret {
            kind: SecretKind::Password,
            value: SecretString::new(value),
        }
    }

    /// An API key (Odoo: Preferences → Account Security → New API Key).
    pub fn api_key(value: impl Into<String>) -> Self {
        Secret {
            kind: SecretKind::ApiKey,
            value: SecretString::new(value),
        }
    }

    pub fn kind(&self) -> SecretKind {
        self.kind
    }

    pub fn is_api_key(&self) -> bool {
        self.kind == SecretKind::ApiKey
    }

    /// The secret value. **Security warning:** see [`SecretString::expose_secret`].
    pub fn expose_secret(&self) -> &str {
        self.value.expose_secret()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            SecretKind::Password => f.write_str("Secret::Password([redacted])"),
            SecretKind::ApiKey => f.write_str("Secret::ApiKey([redacted])"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let p = Secret::password("hunter22");
        let k = Secret::api_key("0123456789abcdef");
        let s = SecretString::new("tok-xyz");
        let out = format!("{p:?} {k:?} {s:?} {p:#?}");
        assert!(
            !out.contains("hunter22")
                && !out.contains("0123456789abcdef")
                && !out.contains("tok-xyz")
        );
        assert_eq!(format!("{p:?}"), "Secret::Password([redacted])");
        assert_eq!(p.expose_secret(), "hunter22");
        assert!(k.is_api_key());
    }
}
