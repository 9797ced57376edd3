//! aiM18 OAuth grants end to end against the fake server: password,
//! authorization code through the real loopback listener, implicit; state
//! checks, replayed codes, redirect_uri binding, token stores, redaction and
//! malformed token answers.

mod aim18_support;

use std::time::Duration;

use aim18_support::*;
use runtime::ErrorKind;
use runtime::aim18::{
    Aim18Client, Aim18ErrorExt, Aim18Fault, AuthorizationCode, AuthorizationRequest, ClientSecret,
    FileTokenStore, LoopbackListener, PathFamily, TokenStore, implicit_url, sha1_hex,
    token_from_redirect,
};
use tests::aim18::FakeAim18;

#[tokio::test]
async fn password_grant_sends_sha1_and_every_call_carries_bearer_and_client_id() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    client.read("cus", "cus", 1).await.unwrap();
    client.read("employee", "employee", 2).await.unwrap();

    let reqs = fake.requests();
    let token_req = reqs
        .iter()
        .find(|r| r.path == "/jsf/rfws/oauth/token")
        .unwrap();
    assert_eq!(token_req.method, "GET");
    assert_eq!(
        token_req.query_param("grant_type").as_deref(),
        Some("password")
    );
    assert_eq!(token_req.query_param("username").as_deref(), Some(USER));
    assert_eq!(
        token_req.query_param("password"),
        Some(sha1_hex(PASSWORD)),
        "the password goes out as lower-case hex SHA-1"
    );
    assert!(!token_req.query.contains(PASSWORD));

    let token = client.tokens().await.unwrap();
    let bearer = format!("Bearer {}", token.access_token().expose_secret());
    let services: Vec<_> = reqs
        .iter()
        .filter(|r| r.path.contains("/entity/"))
        .collect();
    assert_eq!(services.len(), 2);
    for r in services {
        assert_eq!(
            r.header("authorization"),
            Some(bearer.as_str()),
            "{}",
            r.path
        );
        assert_eq!(r.header("client_id"), Some(APP), "{}", r.path);
    }
    assert_eq!(token.uid(), Some(1));
}

#[tokio::test]
async fn wrong_password_and_wrong_secret_are_oauth_errors() {
    let fake = fake_with(&[]).start();
    let e = Aim18Client::builder(fake.url())
        .client_id(APP)
        .client_secret(SECRET)
        .password_grant(USER, "not-the-password")
        .connect()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Authentication);
    assert_eq!(e.oauth_error().unwrap().error, "invalid_grant");
    assert_eq!(e.status(), Some(400));

    let e = Aim18Client::builder(fake.url())
        .client_id(APP)
        .client_secret("wrong-secret-123")
        .password_grant(USER, PASSWORD)
        .connect()
        .await
        .unwrap_err();
    assert_eq!(e.oauth_error().unwrap().error, "invalid_client");
    assert_eq!(e.status(), Some(401));
    let shown = format!("{e} {e:?}");
    for secret in ["wrong-secret-123", PASSWORD, &sha1_hex(PASSWORD)] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[tokio::test]
async fn authorization_code_through_the_loopback_listener() {
    let listener = LoopbackListener::bind(None, Duration::from_secs(10)).unwrap();
    let redirect = listener.redirect_uri();
    let fake = fake_with(&[&redirect]).start();
    let request = AuthorizationRequest::new(&fake.url(), APP, &redirect).unwrap();
    let state = request.state().to_string();
    let waiting = tokio::spawn(async move { listener.wait_for_code(&state).await });

    let shown = play_browser(request.url().as_str()).await;
    assert_eq!(shown, "listener answered 200 OK");
    let code = waiting.await.unwrap().unwrap();
    let tokens = request
        .exchange(&ClientSecret::new(SECRET), code, request.state())
        .await
        .unwrap();
    assert!(tokens.refresh_token().is_some());

    let client = Aim18Client::builder(fake.url())
        .client_id(APP)
        .client_secret(SECRET)
        .tokens(tokens)
        .connect()
        .await
        .unwrap();
    let e = client.read("cus", "cus", 5).await.unwrap();
    assert_eq!(
        e.main().unwrap().get_str(0, "code").unwrap().as_deref(),
        Some("C0005")
    );
    let counts = fake.token_requests();
    assert_eq!((counts.authorization_code, counts.password), (1, 0));
    let exchange = fake
        .requests()
        .into_iter()
        .find(|r| r.path == "/jsf/rfws/oauth/token")
        .unwrap();
    assert_eq!(exchange.query_param("redirect_uri"), Some(redirect));
}

#[tokio::test]
async fn loopback_listener_ignores_other_paths_then_takes_the_callback() {
    let listener = LoopbackListener::bind(None, Duration::from_secs(10)).unwrap();
    let base = listener.redirect_uri().replace("/callback", "");
    let redirect = listener.redirect_uri();
    let waiting = tokio::spawn(async move { listener.wait_for_code("s1").await });
    let b = browser();
    let favicon = b.get(format!("{base}/favicon.ico")).send().await.unwrap();
    assert_eq!(favicon.status(), 404);
    let ok = b
        .get(format!("{redirect}?code=c-1&state=s1"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(waiting.await.unwrap().unwrap().expose_secret(), "c-1");
}

#[tokio::test]
async fn wrong_state_on_the_redirect_is_refused() {
    let listener = LoopbackListener::bind(None, Duration::from_secs(10)).unwrap();
    let redirect = listener.redirect_uri();
    let fake = fake_with(&[&redirect]).start();
    // The browser comes back from a different authorization request.
    let other = AuthorizationRequest::new(&fake.url(), APP, &redirect).unwrap();
    let mine = AuthorizationRequest::new(&fake.url(), APP, &redirect).unwrap();
    let expected = mine.state().to_string();
    let waiting = tokio::spawn(async move { listener.wait_for_code(&expected).await });
    let shown = play_browser(other.url().as_str()).await;
    assert_eq!(shown, "listener answered 400 Bad Request");
    let e = waiting.await.unwrap().unwrap_err();
    assert!(e.is_authentication());
    assert!(matches!(e.aim18_fault(), Some(Aim18Fault::StateMismatch)));

    // exchange() checks the state too, before any request.
    let before = fake.token_requests().total();
    let e = mine
        .exchange(
            &ClientSecret::new(SECRET),
            AuthorizationCode::new("whatever"),
            other.state(),
        )
        .await
        .unwrap_err();
    assert!(matches!(e.aim18_fault(), Some(Aim18Fault::StateMismatch)));
    assert_eq!(fake.token_requests().total(), before);
}

#[tokio::test]
async fn refused_consent_comes_back_as_access_denied() {
    let listener = LoopbackListener::bind(None, Duration::from_secs(10)).unwrap();
    let redirect = listener.redirect_uri();
    let fake = fake_with(&[&redirect]).start();
    fake.deny_consent(true);
    let request = AuthorizationRequest::new(&fake.url(), APP, &redirect).unwrap();
    let state = request.state().to_string();
    let waiting = tokio::spawn(async move { listener.wait_for_code(&state).await });
    play_browser(request.url().as_str()).await;
    let e = waiting.await.unwrap().unwrap_err();
    assert_eq!(e.oauth_error().unwrap().error, "access_denied");
}

#[tokio::test]
async fn a_replayed_code_is_refused_and_revokes_its_tokens() {
    let fake = fake_with(&[]).start();
    let request = AuthorizationRequest::new(&fake.url(), APP, REDIRECT).unwrap();
    let location = entry_redirect(request.url().as_str()).await;
    let code = request.code_from_redirect(&location).unwrap();
    let code_text = code.expose_secret().to_string();
    let secret = ClientSecret::new(SECRET);
    let tokens = request
        .exchange(&secret, code, request.state())
        .await
        .unwrap();
    let client = Aim18Client::builder(fake.url())
        .client_id(APP)
        .client_secret(SECRET)
        .tokens(tokens)
        .connect()
        .await
        .unwrap();
    client.read("cus", "cus", 1).await.unwrap();

    let e = request
        .exchange(
            &secret,
            AuthorizationCode::new(code_text.clone()),
            request.state(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.oauth_error().unwrap().error, "invalid_grant");
    assert!(!format!("{e} {e:?}").contains(&code_text));
    // RFC 6749 §4.1.2: the tokens of a replayed code are revoked. The client's
    // refresh is refused too and, with no password to fall back on, it asks
    // for a new authorization.
    let e = client.read("cus", "cus", 1).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SessionExpired);
    assert!(e.needs_reauthorization());
}

#[tokio::test]
async fn a_code_is_bound_to_its_redirect_uri() {
    let second = "http://127.0.0.1:9/other";
    let fake = fake_with(&[second]).start();
    let request = AuthorizationRequest::new(&fake.url(), APP, REDIRECT).unwrap();
    let location = entry_redirect(request.url().as_str()).await;
    let code = request.code_from_redirect(&location).unwrap();
    // Same state, other (also registered) redirect URI.
    let elsewhere = AuthorizationRequest::new(&fake.url(), APP, second)
        .unwrap()
        .with_state(request.state());
    let e = elsewhere
        .exchange(&ClientSecret::new(SECRET), code, request.state())
        .await
        .unwrap_err();
    assert_eq!(e.oauth_error().unwrap().error, "invalid_grant");
    assert!(
        e.oauth_error()
            .unwrap()
            .description
            .as_deref()
            .unwrap()
            .contains("redirect_uri")
    );
}

#[tokio::test]
async fn a_code_is_bound_to_its_client() {
    let fake = fake_with(&[])
        .client("C-other", "other-secret", [REDIRECT])
        .start();
    let request = AuthorizationRequest::new(&fake.url(), APP, REDIRECT).unwrap();
    let location = entry_redirect(request.url().as_str()).await;
    let code = request.code_from_redirect(&location).unwrap();
    let thief = AuthorizationRequest::new(&fake.url(), "C-other", REDIRECT)
        .unwrap()
        .with_state(request.state());
    let e = thief
        .exchange(&ClientSecret::new("other-secret"), code, request.state())
        .await
        .unwrap_err();
    assert_eq!(e.oauth_error().unwrap().error, "invalid_grant");
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let fake = fake_with(&[]).code_ttl(Duration::from_millis(1)).start();
    let request = AuthorizationRequest::new(&fake.url(), APP, REDIRECT).unwrap();
    let location = entry_redirect(request.url().as_str()).await;
    let code = request.code_from_redirect(&location).unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let e = request
        .exchange(&ClientSecret::new(SECRET), code, request.state())
        .await
        .unwrap_err();
    assert_eq!(e.oauth_error().unwrap().error, "invalid_grant");
}

#[tokio::test]
async fn implicit_grant_and_its_expiry_ask_for_reauthorization() {
    let fake = fake_with(&[]).token_ttl(Duration::from_secs(1)).start();
    let url = implicit_url(&fake.url(), APP, REDIRECT, "st-implicit").unwrap();
    let location = entry_redirect(url.as_str()).await;
    assert!(location.contains('#'), "{location}");
    assert!(token_from_redirect(&location, "another-state").is_err());
    let tokens = token_from_redirect(&location, "st-implicit").unwrap();
    assert!(tokens.refresh_token().is_none());
    assert!(tokens.expires_at().is_some());

    // No client secret: an implicit app has none to keep.
    let client = Aim18Client::builder(fake.url())
        .client_id(APP)
        .tokens(tokens)
        .connect()
        .await
        .unwrap();
    client.read("cus", "cus", 1).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let e = client.read("cus", "cus", 1).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SessionExpired);
    assert!(e.needs_reauthorization(), "{e}");
    assert_eq!((e.model(), e.method()), (Some("cus"), Some("read")));
    assert_eq!(fake.token_requests().total(), 0);
}

#[tokio::test]
async fn implicit_token_refused_by_the_server_asks_for_reauthorization() {
    // Without expires_in the client cannot know; the 401 tells it.
    let fake = fake_with(&[]).omit_expires_in().start();
    let request = AuthorizationRequest::implicit(&fake.url(), APP, REDIRECT).unwrap();
    let location = entry_redirect(request.url().as_str()).await;
    let tokens = request.token_from_redirect(&location).unwrap();
    assert!(tokens.expires_at().is_none());
    let client = Aim18Client::builder(fake.url())
        .client_id(APP)
        .tokens(tokens)
        .connect()
        .await
        .unwrap();
    fake.expire_all_tokens();
    let e = client
        .search(runtime::aim18::SearchQuery::new("employee"))
        .page(1, 5)
        .await
        .unwrap_err();
    assert!(e.needs_reauthorization(), "{e}");
}

#[tokio::test]
async fn file_token_store_is_0600_and_reused_on_the_next_connect() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aim18-tokens.json");
    let fake = fake_with(&[]).start();
    let client = Aim18Client::builder(fake.url())
        .client_id(APP)
        .client_secret(SECRET)
        .token_store(FileTokenStore::new(&path))
        .password_grant(USER, PASSWORD)
        .connect()
        .await
        .unwrap();
    client.read("cus", "cus", 1).await.unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "token file mode {mode:o}");
    }
    let on_disk = std::fs::read_to_string(&path).unwrap();
    assert!(!on_disk.contains(PASSWORD) && !on_disk.contains(&sha1_hex(PASSWORD)));

    // A later run: tokens come from the file, no grant is needed.
    let again = Aim18Client::builder(fake.url())
        .client_id(APP)
        .client_secret(SECRET)
        .token_store(FileTokenStore::new(&path))
        .connect()
        .await
        .unwrap();
    again.read("cus", "cus", 2).await.unwrap();
    assert_eq!(fake.token_requests().total(), 1);

    // Refreshed tokens are written back.
    fake.expire_all_tokens();
    again.read("cus", "cus", 3).await.unwrap();
    let stored = FileTokenStore::new(&path).load().await.unwrap().unwrap();
    assert_eq!(
        stored.access_token().expose_secret(),
        again.tokens().await.unwrap().access_token().expose_secret()
    );
}

#[tokio::test]
async fn no_secret_in_debug_display_or_errors() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let tokens = client.tokens().await.unwrap();
    let access = tokens.access_token().expose_secret().to_string();
    let refresh = tokens.refresh_token().unwrap().expose_secret().to_string();
    let secrets = [SECRET, PASSWORD, &sha1_hex(PASSWORD), &access, &refresh];

    let mut shown = format!("{client:?} {tokens:?} {tokens:#?}");
    // Errors from the service, the token endpoint and the transport.
    let e = client.read("cus", "cus", 99_999).await.unwrap_err();
    shown += &format!("{e} {e:?}");
    fake.faults().drop_connections(1);
    let e = Aim18Client::builder(fake.url())
        .client_id(APP)
        .client_secret(SECRET)
        .password_grant(USER, PASSWORD)
        .connect()
        .await
        .unwrap_err();
    assert!(e.is_transport(), "{e:?}");
    shown += &format!("{e} {e:?}");
    fake.faults().html_502(1);
    let e = client.refresh().await.unwrap_err();
    assert!(e.is_protocol(), "{e:?}");
    shown += &format!("{e} {e:?}");
    let builder = Aim18Client::builder(fake.url())
        .client_id(APP)
        .client_secret(SECRET)
        .password_grant(USER, PASSWORD);
    shown += &format!("{builder:?}");
    for s in secrets {
        assert!(!shown.contains(s), "secret {s:?} leaked in: {shown}");
    }
}

#[tokio::test]
async fn malformed_token_answers_are_protocol_errors() {
    let fake = fake_with(&[]).start();
    let connect = || {
        Aim18Client::builder(fake.url())
            .client_id(APP)
            .client_secret(SECRET)
            .password_grant(USER, PASSWORD)
            .connect()
    };
    fake.faults().html_502(1);
    let e = connect().await.unwrap_err();
    assert!(e.is_protocol());
    assert_eq!(e.status(), Some(502));
    assert!(e.body_excerpt().unwrap().contains("Bad Gateway"), "{e:?}");
    assert_eq!(e.url().unwrap().path(), "/jsf/rfws/oauth/token");
    assert_eq!(
        e.url().unwrap().query(),
        None,
        "the token URL's query holds secrets"
    );

    fake.faults().malformed_json(1);
    let e = connect().await.unwrap_err();
    assert!(e.is_protocol());
    assert_eq!(e.status(), Some(200));
    // The truncated body starts with a token; it must not be quoted back.
    assert!(!format!("{e} {e:?}").contains("\"abc\""), "{e:?}");

    fake.faults().status(1, 400, None);
    let e = connect().await.unwrap_err();
    assert!(e.is_protocol(), "a 400 without an OAuth body: {e:?}");

    // And the next attempt works: nothing was left half-done.
    connect().await.unwrap();
}

#[tokio::test]
async fn the_fake_wants_the_hash_not_the_plain_password() {
    // Guards the fake itself: a client sending the plain password must fail.
    let fake = FakeAim18::start();
    let resp = browser()
        .get(format!("{}/jsf/rfws/oauth/token", fake.url()))
        .query(&[
            ("grant_type", "password"),
            ("client_id", tests::aim18::DEFAULT_CLIENT_ID),
            ("client_secret", tests::aim18::DEFAULT_CLIENT_SECRET),
            ("username", tests::aim18::DEFAULT_USER),
            ("password", tests::aim18::DEFAULT_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}
