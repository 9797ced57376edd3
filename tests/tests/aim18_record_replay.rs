//! Record a session with `Aim18ClientBuilder::record`, then replay the folder
//! as the fake's answers: the same calls give the same results, and the
//! recording holds no secret.

mod aim18_support;

use aim18_support::*;
use runtime::aim18::{Aim18Client, Aim18ErrorExt, SearchQuery};
use tests::aim18::{FakeAim18, load_recording};

fn recording_client(fake: &FakeAim18, dir: &std::path::Path) -> runtime::aim18::Aim18ClientBuilder {
    Aim18Client::builder(fake.url())
        .client_id(APP)
        .client_secret(SECRET)
        .password_grant(USER, PASSWORD)
        .retry_policy(fast_retries())
        .record(dir)
}

/// The session both sides run; returns what a caller would compare.
async fn session(client: &Aim18Client, on_expiry: impl FnOnce()) -> Vec<String> {
    let mut out = Vec::new();
    let template = client.create_template("cus", "cus").await.unwrap();
    out.push(format!("{:?}", template));
    let read = client.read("cus", "cus", 1).await.unwrap();
    out.push(format!("{:?}", read));
    let page = client
        .search(SearchQuery::new("cus").be_id(1).quick_search("Customer 1"))
        .page(1, 5)
        .await
        .unwrap();
    out.push(format!("{:?}", page));
    let missing = client.read("cus", "cus", 999_999).await.unwrap_err();
    out.push(format!("{} {:?}", missing, missing.check_messages()));
    let mut cus = template.clone();
    let main = cus.main_mut().unwrap();
    main.set(0, "code", "REC1");
    main.set(0, "desc_en", "Recorded");
    main.set(0, "beId", 1);
    let saved = client.save("cus", "cus", &cus).await.unwrap();
    out.push(format!("{:?}", saved));
    let refused = client.save("cus", "cus", &template).await.unwrap_err();
    out.push(format!("{refused}"));
    on_expiry();
    let after = client.read("cus", "cus", 2).await.unwrap();
    out.push(format!("{:?}", after));
    out
}

#[tokio::test]
async fn a_recorded_session_replays_with_the_same_results_and_no_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake_with(&[]).start();
    let client = recording_client(&fake, dir.path()).connect().await.unwrap();
    let first_tokens = client.tokens().await.unwrap();
    let live = session(&client, || fake.expire_all_tokens()).await;
    let last_tokens = client.tokens().await.unwrap();
    // The expired token's 401, the refresh and the retry are part of the wire.
    assert_eq!(fake.token_requests().refresh_token, 1);
    let exchanges = load_recording(dir.path()).unwrap();
    assert_eq!(exchanges.len(), fake.request_count());
    assert!(exchanges.iter().any(|x| x.status == 401));
    assert!(exchanges.iter().any(|x| x.status == 400));
    drop(fake);

    let sha = FakeAim18::sha1_hex(PASSWORD);
    let secrets = [
        SECRET.to_string(),
        PASSWORD.to_string(),
        sha,
        first_tokens.access_token().expose_secret().to_string(),
        first_tokens
            .refresh_token()
            .unwrap()
            .expose_secret()
            .to_string(),
        last_tokens.access_token().expose_secret().to_string(),
        last_tokens
            .refresh_token()
            .unwrap()
            .expose_secret()
            .to_string(),
    ];
    let mut placeholders = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for s in &secrets {
            assert!(
                !text.contains(s.as_str()),
                "{} holds a secret",
                path.display()
            );
        }
        for p in [
            "<client secret>",
            "<password sha1>",
            "<access token>",
            "<refresh token>",
        ] {
            if text.contains(p) {
                placeholders.insert(p);
            }
        }
        // The shape of the Odoo recordings under tests/fixtures.
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        for key in [
            "http_status",
            "path",
            "request",
            "response",
            "response_headers",
        ] {
            assert!(v.get(key).is_some(), "{}: {key}", path.display());
        }
    }
    assert_eq!(placeholders.len(), 4, "{placeholders:?}");

    let replayed = FakeAim18::builder().replay(dir.path()).unwrap().start();
    let client = Aim18Client::builder(replayed.url())
        .client_id(APP)
        .client_secret(SECRET)
        .password_grant(USER, PASSWORD)
        .retry_policy(fast_retries())
        .connect()
        .await
        .unwrap();
    let again = session(&client, || {}).await;
    assert_eq!(again, live);
    assert!(
        replayed.unused_recordings().is_empty(),
        "{:?}",
        replayed.unused_recordings()
    );
    // A call the recording does not hold is a clear 404, not a made-up answer.
    let e = client.read("cus", "cus", 3).await.unwrap_err();
    assert_eq!(e.status(), Some(404), "{e}");
}

#[tokio::test]
async fn the_code_exchange_is_recorded_too_without_the_code() {
    use runtime::aim18::{AuthorizationRequest, ClientSecret};
    let dir = tempfile::tempdir().unwrap();
    let fake = fake_with(&[]).start();
    let request = AuthorizationRequest::new(&fake.url(), APP, REDIRECT)
        .unwrap()
        .record(dir.path());
    let location = entry_redirect(request.url().as_str()).await;
    let code = request.code_from_redirect(&location).unwrap();
    let code_text = code.expose_secret().to_string();
    let tokens = request
        .exchange(&ClientSecret::new(SECRET), code, request.state())
        .await
        .unwrap();
    let client = Aim18Client::builder(fake.url())
        .client_id(APP)
        .client_secret(SECRET)
        .tokens(tokens.clone())
        .record(dir.path())
        .connect()
        .await
        .unwrap();
    let live = client.read("cus", "cus", 4).await.unwrap();
    let exchanges = load_recording(dir.path()).unwrap();
    assert_eq!(exchanges.len(), 2, "the exchange, then the read");
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for s in [
            code_text.as_str(),
            SECRET,
            tokens.access_token().expose_secret(),
            tokens.refresh_token().unwrap().expose_secret(),
        ] {
            assert!(!text.contains(s), "{text}");
        }
    }
    assert!(
        exchanges[0]
            .query
            .contains(&("code".into(), "<authorization code>".into()))
    );

    let replayed = FakeAim18::builder().replay(dir.path()).unwrap().start();
    let request = AuthorizationRequest::new(&replayed.url(), APP, REDIRECT).unwrap();
    let code = request
        .code_from_redirect(&format!(
            "{REDIRECT}?code=anything&state={}",
            request.state()
        ))
        .unwrap();
    let tokens = request
        .exchange(&ClientSecret::new(SECRET), code, request.state())
        .await
        .unwrap();
    let client = Aim18Client::builder(replayed.url())
        .client_id(APP)
        .client_secret(SECRET)
        .tokens(tokens)
        .connect()
        .await
        .unwrap();
    assert_eq!(client.read("cus", "cus", 4).await.unwrap(), live);
}
