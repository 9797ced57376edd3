//! Token expiry and refresh: before expiry when `expires_in` is known, once on
//! a 401 with one retry, a single refresh shared by concurrent callers, and
//! what happens when the refresh is refused.

mod aim18_support;

use std::time::Duration;

use aim18_support::*;
use runtime::ErrorKind;
use runtime::aim18::{Aim18Client, Aim18ErrorExt, AuthorizationRequest, ClientSecret, PathFamily};

fn reads(fake: &tests::aim18::FakeAim18) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.path.starts_with("/jsf/rfws/entity/read/"))
        .count()
}

#[tokio::test]
async fn refreshes_before_expiry_without_a_401() {
    let fake = fake_with(&[]).token_ttl(Duration::from_secs(2)).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let first = client.tokens().await.unwrap();
    client.read("cus", "cus", 1).await.unwrap();
    assert_eq!(fake.token_requests().refresh_token, 0);

    // Lifetime 2 s: the refresh is due half a second before expiry.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    client.read("cus", "cus", 2).await.unwrap();
    assert_eq!(fake.token_requests().refresh_token, 1);
    assert_eq!(reads(&fake), 2, "no read was refused and repeated");
    let second = client.tokens().await.unwrap();
    assert_ne!(
        first.access_token().expose_secret(),
        second.access_token().expose_secret()
    );
    // The fake rotates refresh tokens; the client keeps the new one.
    assert_ne!(
        first.refresh_token().unwrap().expose_secret(),
        second.refresh_token().unwrap().expose_secret()
    );
}

#[tokio::test]
async fn a_401_refreshes_once_and_retries_once() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    fake.expire_all_tokens();
    let e = client.read("cus", "cus", 7).await.unwrap();
    assert_eq!(e.id(), Some(7));
    assert_eq!(fake.token_requests().refresh_token, 1);
    assert_eq!(reads(&fake), 2, "the refused read and its retry");
}

#[tokio::test]
async fn a_401_after_refresh_is_an_authentication_error() {
    // The service keeps refusing fresh tokens too: one refresh, one retry, then an error.
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    fake.faults().unauthorized(2);
    let e = client.read("cus", "cus", 1).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert_eq!(e.status(), Some(401));
    assert_eq!((e.model(), e.method()), (Some("cus"), Some("read")));
    assert_eq!(fake.token_requests().refresh_token, 1);
    assert_eq!(reads(&fake), 2);
}

#[tokio::test]
async fn twenty_concurrent_callers_share_one_refresh() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    fake.expire_all_tokens();
    // Slow answers so that every caller is in flight during the refresh.
    fake.faults().set_latency(Duration::from_millis(40));
    let mut tasks = Vec::new();
    for i in 1..=20 {
        let c = client.clone();
        tasks.push(tokio::spawn(async move { c.read("cus", "cus", i).await }));
    }
    for (i, t) in tasks.into_iter().enumerate() {
        let entity = t.await.unwrap().unwrap();
        assert_eq!(entity.id(), Some(i as i64 + 1));
    }
    assert_eq!(fake.token_requests().refresh_token, 1);
    assert_eq!(fake.token_requests().password, 1);
}

#[tokio::test]
async fn concurrent_callers_share_one_refresh_before_expiry_too() {
    let fake = fake_with(&[]).token_ttl(Duration::from_secs(1)).start();
    let client = connect(&fake, PathFamily::Entity).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    fake.faults().set_latency(Duration::from_millis(20));
    let tasks: Vec<_> = (1..=20)
        .map(|i| {
            let c = client.clone();
            tokio::spawn(async move { c.read("cus", "cus", i).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(fake.token_requests().refresh_token, 1);
}

#[tokio::test]
async fn a_refused_refresh_falls_back_to_the_password() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    fake.revoke_all_tokens();
    client.read("cus", "cus", 1).await.unwrap();
    let counts = fake.token_requests();
    assert_eq!((counts.refresh_token, counts.password), (1, 2));
}

#[tokio::test]
async fn a_refused_refresh_without_password_asks_for_reauthorization() {
    let fake = fake_with(&[]).start();
    let request = AuthorizationRequest::new(&fake.url(), APP, REDIRECT).unwrap();
    let location = entry_redirect(request.url().as_str()).await;
    let code = request.code_from_redirect(&location).unwrap();
    let tokens = request
        .exchange(&ClientSecret::new(SECRET), code, request.state())
        .await
        .unwrap();
    let client = Aim18Client::builder(fake.url())
        .client_id(APP)
        .client_secret(SECRET)
        .tokens(tokens)
        .connect()
        .await
        .unwrap();
    fake.expire_all_tokens();
    client.read("cus", "cus", 1).await.unwrap();
    assert_eq!(fake.token_requests().refresh_token, 1);

    fake.revoke_all_tokens();
    let e = client.read("cus", "cus", 1).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SessionExpired);
    assert!(e.needs_reauthorization());
    assert!(e.to_string().contains("invalid_grant"), "{e}");
}

#[tokio::test]
async fn without_expires_in_only_a_401_triggers_the_refresh() {
    let fake = fake_with(&[])
        .omit_expires_in()
        .token_ttl(Duration::from_millis(300))
        .start();
    let client = connect(&fake, PathFamily::Entity).await;
    assert!(client.tokens().await.unwrap().expires_at().is_none());
    tokio::time::sleep(Duration::from_millis(400)).await;
    client.read("cus", "cus", 1).await.unwrap();
    assert_eq!(fake.token_requests().refresh_token, 1);
    assert_eq!(reads(&fake), 2);
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_tokens_for_the_next_call() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    fake.expire_all_tokens();
    // The read is refused (401), then the token endpoint is unavailable.
    fake.faults().status(1, 401, None).status(1, 503, None);
    let e = client.read("cus", "cus", 1).await.unwrap_err();
    assert!(e.is_protocol(), "{e:?}");
    assert_eq!(e.status(), Some(503));
    let refreshes = |fake: &tests::aim18::FakeAim18| {
        fake.requests()
            .iter()
            .filter(|r| r.query_param("grant_type").as_deref() == Some("refresh_token"))
            .count()
    };
    assert_eq!(refreshes(&fake), 1, "one refresh attempt, not repeated");
    // The refresh token was not burnt: the next call refreshes and succeeds.
    client.read("cus", "cus", 1).await.unwrap();
    assert_eq!(refreshes(&fake), 2);
    assert_eq!(
        fake.token_requests().refresh_token,
        1,
        "one reached the token service"
    );
}
