//! The fake aiM18 server itself, driven with plain HTTP (no erpbind client):
//! these pin the wire behaviour the client tests rely on.

use serde_json::Value;
use tests::aim18::{
    DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PASSWORD, DEFAULT_REDIRECT_URI, DEFAULT_USER,
    FakeAim18, Op,
};

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn password_token(fake: &FakeAim18) -> Value {
    let url = format!("{}/jsf/rfws/oauth/token", fake.url());
    http()
        .get(url)
        .query(&[
            ("grant_type", "password"),
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", DEFAULT_CLIENT_SECRET),
            ("username", DEFAULT_USER),
            ("password", &FakeAim18::sha1_hex(DEFAULT_PASSWORD)),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn authed(req: reqwest::RequestBuilder, token: &Value) -> reqwest::RequestBuilder {
    req.header(
        "authorization",
        format!("Bearer {}", token["access_token"].as_str().unwrap()),
    )
    .header("client_id", DEFAULT_CLIENT_ID)
}

#[tokio::test]
async fn password_grant_wants_the_sha1_not_the_plain_password() {
    let fake = FakeAim18::start();
    let token = password_token(&fake).await;
    assert!(token["access_token"].is_string(), "{token}");
    assert!(token["refresh_token"].is_string());
    assert_eq!(token["token_type"], "bearer");
    assert_eq!(token["expires_in"], 3600);
    assert_eq!(token["uid"], 1);

    let url = format!("{}/jsf/rfws/oauth/token", fake.url());
    let resp = http()
        .get(url)
        .query(&[
            ("grant_type", "password"),
            ("client_id", DEFAULT_CLIENT_ID),
            ("client_secret", DEFAULT_CLIENT_SECRET),
            ("username", DEFAULT_USER),
            ("password", DEFAULT_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(fake.token_requests().password, 2);
}

#[tokio::test]
async fn entry_redirects_with_code_and_state() {
    let fake = FakeAim18::start();
    let resp = http()
        .get(format!("{}/jsf/rfws/oauth/entry", fake.url()))
        .query(&[
            ("response_type", "code"),
            ("client_id", DEFAULT_CLIENT_ID),
            ("redirect_uri", DEFAULT_REDIRECT_URI),
            ("state", "xyz"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"].to_str().unwrap();
    assert!(location.starts_with(DEFAULT_REDIRECT_URI), "{location}");
    assert!(
        location.contains("code=") && location.ends_with("state=xyz"),
        "{location}"
    );

    // Not registered: no redirect at all (RFC 6749 §4.1.2.1).
    let resp = http()
        .get(format!("{}/jsf/rfws/oauth/entry", fake.url()))
        .query(&[
            ("response_type", "code"),
            ("client_id", DEFAULT_CLIENT_ID),
            ("redirect_uri", "http://evil.example/cb"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn create_template_lists_tables_and_typed_fields() {
    let fake = FakeAim18::start();
    let token = password_token(&fake).await;
    let resp = authed(
        http().post(format!(
            "{}/jsf/rfws/entity/create/oldso?menuCode=oldso",
            fake.url()
        )),
        &token,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status(), 200);
    let entity: Value = resp.json().await.unwrap();
    assert_eq!(entity["moduleType"], "oldso");
    assert_eq!(entity["mainTableName"], "mainso");
    assert_eq!(entity["subTableNames"], "sot;remso");
    // Tables are JSON strings, as aiM18's own Java API writes them.
    let main: Value = serde_json::from_str(entity["mainso"].as_str().unwrap()).unwrap();
    assert_eq!(main["size"], 1);
    let fields = main["fields"].as_array().unwrap();
    let tdate = fields.iter().find(|f| f["name"] == "tDate").unwrap();
    // javaapi's Util.getClassType: every java.util.Date subclass is DateTime (21).
    assert_eq!(tdate["classType"], 21);
    assert_eq!(tdate["fieldClass"], "java.sql.Date");
    let sot: Value = serde_json::from_str(entity["sot"].as_str().unwrap()).unwrap();
    assert_eq!(sot["size"], 0);
}

#[tokio::test]
async fn rights_and_api_rules_answer_403_with_error_info() {
    let fake = FakeAim18::builder()
        .client("C-a", "s-a", ["http://127.0.0.1/cb"])
        .user("clerk", "pw")
        .grant_right("clerk", "cus", &[Op::Read])
        .deny_api("C-a", "/jsf/rfws/entity/read/employee")
        .start();
    let url = format!("{}/jsf/rfws/oauth/token", fake.url());
    let token: Value = http()
        .get(url)
        .query(&[
            ("grant_type", "password"),
            ("client_id", "C-a"),
            ("client_secret", "s-a"),
            ("username", "clerk"),
            ("password", &FakeAim18::sha1_hex("pw")),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let auth = |r: reqwest::RequestBuilder| {
        r.header(
            "authorization",
            format!("Bearer {}", token["access_token"].as_str().unwrap()),
        )
        .header("client_id", "C-a")
    };
    let ok = auth(http().get(format!(
        "{}/jsf/rfws/entity/read/cus?menuCode=cus&id=1",
        fake.url()
    )))
    .send()
    .await
    .unwrap();
    assert_eq!(ok.status(), 200);
    let denied = auth(http().delete(format!(
        "{}/jsf/rfws/entity/delete/cus?menuCode=cus&id=1",
        fake.url()
    )))
    .send()
    .await
    .unwrap();
    assert_eq!(denied.status(), 403);
    let info: Value =
        serde_json::from_str(denied.headers()["error_info"].to_str().unwrap()).unwrap();
    assert_eq!(info[0]["key"], "fake_no_right");
    let ruled = auth(http().get(format!(
        "{}/jsf/rfws/entity/read/employee?menuCode=employee&id=1",
        fake.url()
    )))
    .send()
    .await
    .unwrap();
    assert_eq!(ruled.status(), 403);
    assert_eq!(fake.entities("cus").len(), 255);
}

#[tokio::test]
async fn faults_apply_to_the_next_requests() {
    let fake = FakeAim18::start();
    fake.faults().html_502(1);
    let url = format!("{}/jsf/rfws/oauth/token", fake.url());
    let r = http().get(&url).send().await.unwrap();
    assert_eq!(r.status(), 502);
    assert!(r.text().await.unwrap().contains("<html>"));
    fake.faults().status(1, 503, Some(2));
    let r = http().get(&url).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "2");
    fake.faults().drop_connections(1);
    let e = http().get(&url).send().await.unwrap_err();
    assert!(e.is_request() || e.is_connect(), "{e:?}");
    fake.faults().malformed_json(1);
    let r = http().get(&url).send().await.unwrap();
    assert!(r.json::<Value>().await.is_err());
    let r = http().get(&url).send().await.unwrap();
    assert_eq!(r.status(), 400, "switches turn themselves off");
    assert_eq!(fake.request_count(), 5);

    // Queued in order; truncation keeps status and headers but cuts the body.
    fake.faults().truncate_responses(1).status(1, 429, None);
    assert_eq!(fake.faults().pending(), 2);
    let r = http().get(&url).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.bytes().await.is_err(), "the body is cut short");
    let r = http().get(&url).send().await.unwrap();
    assert_eq!(r.status(), 429);
    let log = fake.requests();
    let faults: Vec<_> = log.iter().map(|r| r.fault.as_deref()).collect();
    assert_eq!(
        faults,
        [
            Some("html_502"),
            Some("status 503"),
            Some("drop"),
            Some("malformed_json"),
            None,
            Some("truncate"),
            Some("status 429"),
        ]
    );
    let statuses: Vec<u16> = log.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [502, 503, 0, 200, 400, 400, 429]);
}
