//! ERP-neutral HTTP plumbing shared by the Odoo and aiM18 clients: building the
//! reqwest client (rustls, timeouts, cookie store, no redirects), checking base
//! URLs (no plain `http://` to remote hosts unless asked), and sending with a
//! bounded retry policy that only ever applies to requests the caller marks as
//! safe to repeat.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use url::Url;

use crate::error::{Error, Result};

/// Whether a request may be sent again after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// A read: repeating it cannot change anything, so connect errors, dropped
    /// connections and 429/502/503/504 answers are retried.
    Retry,
    /// A write or an unknown method: never sent twice behind the caller's back.
    Never,
}

/// Bounded exponential backoff for [`Idempotency::Retry`] requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The default: 4 attempts, 200 ms doubling up to 5 s, `Retry-After` honoured up to 30 s.
    pub fn new() -> Self {
        Self::default()
    }

    /// Never retry anything.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Total attempts for a read, the first one included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Delay before the first retry; doubled for each further one.
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// Upper bound of the exponential backoff.
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// Upper bound for a server's `Retry-After` (a server asking for an hour gets this instead).
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Backoff before retry number `retry` (1-based), capped.
    fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let base = self
            .initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        // Up to +25% jitter so that many clients retrying together spread out. The
        // clock's nanoseconds are random enough for that and need no extra crate.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let jitter = base.mul_f64(f64::from(nanos % 1000) / 4000.0);
        (base + jitter).min(self.max_backoff.max(base))
    }

    fn retry_after(&self, headers: &HeaderMap) -> Option<Duration> {
        let secs: u64 = headers
            .get(RETRY_AFTER)?
            .to_str()
            .ok()?
            .trim()
            .parse()
            .ok()?;
        Some(Duration::from_secs(secs).min(self.max_retry_after))
    }
}

/// Settings for the HTTP layer.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub allow_insecure_http: bool,
    pub user_agent: String,
    pub retry: RetryPolicy,
    pub cookie_store: bool,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(10),
            // ERP calls can be slow (big reads, reports); gateways commonly cut at 60–900 s.
            timeout: Duration::from_secs(120),
            allow_insecure_http: false,
            user_agent: concat!("erpbind-runtime/", env!("CARGO_PKG_VERSION")).to_owned(),
            retry: RetryPolicy::default(),
            cookie_store: true,
        }
    }
}

/// Parse and check a server's base URL: `https://` always; `http://` only to a
/// loopback host unless `allow_insecure_http`. URLs carrying a user or password
/// are refused, so that credentials never end up in URLs, logs or errors.
pub fn parse_base_url(url: &str, allow_insecure_http: bool) -> Result<Url> {
    let parsed = Url::parse(url.trim())
        .map_err(|e| Error::config(format!("invalid server URL {url:?}: {e}")))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // The URL is not echoed: it holds credentials.
        return Err(Error::config(
            "the server URL contains a user or password; pass credentials separately, not in the URL",
        ));
    }
    match parsed.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&parsed) => {}
        "http" => {
            return Err(Error::config(format!(
                "refusing plain http:// to {}: credentials would cross the network unencrypted; \
                 use https:// or opt in with .allow_insecure_http(true)",
                parsed.host_str().unwrap_or("?")
            )));
        }
        other => {
            return Err(Error::config(format!(
                "unsupported URL scheme {other:?} in {url:?}: use https:// (or http:// for a local server)"
            )));
        }
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::config(format!("server URL {url:?} has no host")));
    }
    if parsed.cannot_be_a_base() {
        return Err(Error::config(format!(
            "server URL {url:?} cannot be a base URL"
        )));
    }
    Ok(parsed)
}

/// `localhost`, `127.0.0.0/8` or `::1`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// `base` with `segments` appended as path segments (percent-encoded), keeping
/// any path prefix the base has (`https://host/odoo/` + `jsonrpc`).
pub fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    url.set_query(None);
    url.set_fragment(None);
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty();
        path.extend(segments);
    }
    url
}

/// A complete answer: status, headers and the whole body.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub url: Url,
}

/// The shared reqwest client plus the retry policy.
#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    retry: RetryPolicy,
}

impl std::fmt::Debug for HttpClient {
    // reqwest's own Debug lists default headers; ours carry nothing secret, but
    // printing only the policy keeps that true whatever is added later.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient")
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    pub fn new(config: &HttpConfig) -> Result<Self> {
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .user_agent(config.user_agent.clone())
            .cookie_store(config.cookie_store)
            // A redirect would resend a body holding credentials to wherever the
            // server points; the user should fix the URL instead (see `Error` hint).
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                Error::config(format!("could not build the HTTP client: {e}")).with_source(e)
            })?;
        Ok(HttpClient {
            client,
            retry: config.retry.clone(),
        })
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The underlying reqwest client, for requests the helpers here do not cover.
    pub fn reqwest(&self) -> &reqwest::Client {
        &self.client
    }

    /// Send the request made by `build` and read the whole answer.
    ///
    /// With [`Idempotency::Retry`], connect errors, connections dropped before an
    /// answer, and 429/502/503/504 are retried per the policy (429/503 honour
    /// `Retry-After`, capped). After the last attempt a retryable status is
    /// returned as an ordinary response, so the caller can report it with its
    /// body. With [`Idempotency::Never`] the request is sent exactly once.
    pub async fn send(
        &self,
        idempotency: Idempotency,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<HttpResponse> {
        let max = match idempotency {
            Idempotency::Retry => self.retry.max_attempts,
            Idempotency::Never => 1,
        };
        let mut attempt = 1;
        loop {
            let outcome = match build(&self.client).send().await {
                Ok(resp) => {
                    let status = resp.status();
                    if attempt < max && retryable_status(status) {
                        let delay = self
                            .retry
                            .retry_after(resp.headers())
                            .unwrap_or_else(|| self.retry.backoff(attempt));
                        tracing::warn!(
                            url = %resp.url(),
                            status = status.as_u16(),
                            attempt,
                            delay_ms = delay.as_millis() as u64,
                            "retrying a read after a temporary server error"
                        );
                        drop(resp);
                        tokio::time::sleep(delay).await;
                        attempt += 1;
                        continue;
                    }
                    let headers = resp.headers().clone();
                    let url = resp.url().clone();
                    match resp.bytes().await {
                        Ok(body) => {
                            return Ok(HttpResponse {
                                status,
                                headers,
                                body: body.into(),
                                url,
                            });
                        }
                        Err(e) => e,
                    }
                }
                Err(e) => e,
            };
            if attempt < max && retryable_error(&outcome) {
                let delay = self.retry.backoff(attempt);
                tracing::warn!(
                    error = %outcome,
                    attempt,
                    delay_ms = delay.as_millis() as u64,
                    "retrying a read after a transport error"
                );
                tokio::time::sleep(delay).await;
                attempt += 1;
                continue;
            }
            return Err(Error::transport(outcome));
        }
    }
}

fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

fn retryable_error(e: &reqwest::Error) -> bool {
    // A timeout means the server may still be working on it: repeating a slow
    // read would only pile up load, so timeouts are reported, not retried.
    if e.is_timeout() {
        return false;
    }
    // A body cut off mid-way comes back from `bytes()` as a decode error
    // (kind Decode, source Body), not as `is_body()`.
    e.is_connect() || e.is_request() || e.is_body() || e.is_decode()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        assert!(parse_base_url("http://127.0.0.1:8069", false).is_ok());
        assert!(parse_base_url("http://localhost:8069/", false).is_ok());
        assert!(parse_base_url("http://[::1]:8069", false).is_ok());
        assert!(parse_base_url("https://erp.example.com", false).is_ok());
        let e = parse_base_url("http://erp.example.com", false).unwrap_err();
        assert!(e.is_config());
        assert!(e.to_string().contains("allow_insecure_http"), "{e}");
        assert!(parse_base_url("http://erp.example.com", true).is_ok());
        assert!(parse_base_url("ftp://erp.example.com", true).is_err());
        assert!(parse_base_url("not a url", true).is_err());
        let e = parse_base_url("https://admin:hunter22@erp.example.com", false).unwrap_err();
        assert!(!format!("{e} {e:?}").contains("hunter22"));
    }

    #[test]
    fn endpoint_keeps_prefix() {
        let base = Url::parse("https://h/odoo/").unwrap();
        assert_eq!(
            endpoint(&base, &["jsonrpc"]).as_str(),
            "https://h/odoo/jsonrpc"
        );
        let base = Url::parse("http://127.0.0.1:8069").unwrap();
        assert_eq!(
            endpoint(&base, &["json", "2", "res.partner", "search_read"]).as_str(),
            "http://127.0.0.1:8069/json/2/res.partner/search_read"
        );
        assert_eq!(
            endpoint(&base, &["json", "2", "a/b"]).as_str(),
            "http://127.0.0.1:8069/json/2/a%2Fb"
        );
    }

    #[test]
    fn backoff_is_bounded() {
        let p = RetryPolicy::new()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(800));
        assert!(
            p.backoff(1) >= Duration::from_millis(100)
                && p.backoff(1) <= Duration::from_millis(125)
        );
        assert!(p.backoff(3) >= Duration::from_millis(400));
        assert!(p.backoff(10) <= Duration::from_millis(800));
        assert!(p.backoff(u32::MAX) <= Duration::from_millis(800));
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "3600".parse().unwrap());
        assert_eq!(p.retry_after(&h), Some(Duration::from_secs(30)));
        h.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(p.retry_after(&h), None);
        assert_eq!(RetryPolicy::new().max_attempts(0).attempts(), 1);
    }
}
