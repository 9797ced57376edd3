//! Helpers shared by the aiM18 integration tests.
#![allow(dead_code)]

use std::time::Duration;

use runtime::aim18::{Aim18Client, PathFamily};
use runtime::http::RetryPolicy;
use tests::aim18::{FakeAim18, FakeAim18Builder};

pub const APP: &str = "C-ZXJwYmluZCBpbnRlZ3JhdGlvbiB0ZXN0cw==";
pub const SECRET: &str = "app-secret-5b9d0c1e";
pub const USER: &str = "alice";
pub const PASSWORD: &str = "alice-password-77f3";
pub const REDIRECT: &str = "http://127.0.0.1:9/callback";

/// A fake with the test application (redirect URIs `REDIRECT` plus `extra`) and user alice.
pub fn fake_with(extra_redirects: &[&str]) -> FakeAim18Builder {
    let mut uris = vec![REDIRECT.to_string()];
    uris.extend(extra_redirects.iter().map(|s| s.to_string()));
    FakeAim18::builder()
        .client(APP, SECRET, uris)
        .user(USER, PASSWORD)
}

/// Quick retries so fault tests do not sleep for seconds.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .max_attempts(3)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

pub async fn connect(fake: &FakeAim18, family: PathFamily) -> Aim18Client {
    Aim18Client::builder(fake.url())
        .client_id(APP)
        .client_secret(SECRET)
        .path_family(family)
        .password_grant(USER, PASSWORD)
        .retry_policy(fast_retries())
        .connect()
        .await
        .expect("password grant against the fake")
}

/// A browser that does not follow redirects by itself.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Play the user's browser: open the authorization URL, then follow the
/// server's redirect (to the loopback listener). Returns the final response
/// status, or the Location when it does not point to 127.0.0.1.
pub async fn play_browser(authorization_url: &str) -> String {
    let b = browser();
    let resp = b.get(authorization_url).send().await.unwrap();
    if resp.status() != 302 {
        return format!("entry answered {}", resp.status());
    }
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    match b.get(&location).send().await {
        Ok(r) => format!("listener answered {}", r.status()),
        Err(e) => format!("could not reach {location}: {e}"),
    }
}

/// The Location the entry page redirects to (for redirect URIs nobody listens on).
pub async fn entry_redirect(authorization_url: &str) -> String {
    let resp = browser().get(authorization_url).send().await.unwrap();
    assert_eq!(resp.status(), 302, "entry page should redirect");
    resp.headers()["location"].to_str().unwrap().to_string()
}
