//! aiM18 secrets (client secret, password and its SHA-1, access and refresh
//! tokens, authorization codes) never appear in log events, at any level,
//! from the client or the HTTP stack under it.

mod aim18_support;

use std::time::Duration;

use aim18_support::*;
use runtime::aim18::{
    Aim18Client, AuthorizationRequest, ClientSecret, PathFamily, SearchQuery, sha1_hex,
};
use tests::support::LogCapture;

/// Drives every flow that handles a secret; returns the secrets seen on the way.
async fn exercise() -> Vec<String> {
    let fake = fake_with(&[]).token_ttl(Duration::from_secs(2)).start();
    let mut secrets = vec![SECRET.to_string(), PASSWORD.to_string(), sha1_hex(PASSWORD)];
    let client = connect(&fake, PathFamily::Entity).await;
    let t = client.tokens().await.unwrap();
    secrets.push(t.access_token().expose_secret().into());
    secrets.push(t.refresh_token().unwrap().expose_secret().into());
    client.read("cus", "cus", 1).await.unwrap();
    // A retried read, a 401 with refresh, a refresh before expiry.
    fake.faults().html_502(1);
    client.read("cus", "cus", 2).await.unwrap();
    fake.expire_all_tokens();
    client
        .search(SearchQuery::new("cus").be_id(1))
        .page(1, 3)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1600)).await;
    client.read("cus", "cus", 3).await.unwrap();
    let t = client.tokens().await.unwrap();
    secrets.push(t.access_token().expose_secret().into());
    secrets.push(t.refresh_token().unwrap().expose_secret().into());
    // Failing grants: wrong secret, dropped connection, 502 page.
    let _ = Aim18Client::builder(fake.url())
        .client_id(APP)
        .client_secret("wrong-secret-0f0f0f")
        .password_grant(USER, PASSWORD)
        .connect()
        .await
        .unwrap_err();
    secrets.push("wrong-secret-0f0f0f".into());
    fake.faults().drop_connections(1);
    let _ = client.refresh().await.unwrap_err();
    // Authorization code.
    let request = AuthorizationRequest::new(&fake.url(), APP, REDIRECT).unwrap();
    let location = entry_redirect(request.url().as_str()).await;
    let code = request.code_from_redirect(&location).unwrap();
    secrets.push(code.expose_secret().into());
    let tokens = request
        .exchange(&ClientSecret::new(SECRET), code, request.state())
        .await
        .unwrap();
    secrets.push(tokens.access_token().expose_secret().into());
    secrets.push(tokens.refresh_token().unwrap().expose_secret().into());
    secrets
}

// One test in this binary: tracing caches per-callsite interest process-wide,
// so another test running without the subscriber could make events skip it.
#[test]
fn secrets_never_appear_in_log_events() {
    let capture = LogCapture::default();
    let secrets = tracing::subscriber::with_default(capture.clone(), || {
        // Current-thread runtime: every client task stays under this subscriber.
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(exercise())
    });
    let logs = capture.text();
    assert!(logs.contains("retrying a read"), "the retry was logged");
    assert!(logs.contains("refreshing the aiM18 access token"));
    assert!(logs.len() > 1000, "the HTTP stack logged too: {logs}");
    for s in &secrets {
        assert!(
            !logs.contains(s.as_str()),
            "secret {s:?} leaked in logs:\n{logs}"
        );
    }
}
